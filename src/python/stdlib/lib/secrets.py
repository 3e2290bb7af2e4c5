"""The `secrets` module on the platform's random source."""

import _random

DEFAULT_ENTROPY = 32
_URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def token_bytes(nbytes=None):
    if nbytes is None:
        nbytes = DEFAULT_ENTROPY
    return bytes([_random.getrandbits(8) for _ in range(nbytes)])


def token_hex(nbytes=None):
    return "".join(["%02x" % b for b in token_bytes(nbytes)])


def token_urlsafe(nbytes=None):
    if nbytes is None:
        nbytes = DEFAULT_ENTROPY
    n = (nbytes * 4 + 2) // 3
    return "".join([_URLSAFE[_random.getrandbits(6)] for _ in range(n)])


def randbelow(exclusive_upper_bound):
    if exclusive_upper_bound <= 0:
        raise ValueError("Upper bound must be positive.")
    return int(_random.random() * exclusive_upper_bound)


def choice(seq):
    return seq[randbelow(len(seq))]


def randbits(k):
    return _random.getrandbits(k)


def compare_digest(a, b):
    return a == b
