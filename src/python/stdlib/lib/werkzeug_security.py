"""`werkzeug.security`: password hashing as Werkzeug 3 spells it.

Hashes look like Werkzeug's (`scrypt:32768:8:1$<salt>$<hex>`, `pbkdf2:sha256:600000$...`) and
`check_password_hash` verifies what `generate_password_hash` made. The salt is random, as in
Werkzeug, so the text differs from run to run; the digest itself is computed with SHA-256 (the
playground has no scrypt), so a hash made by real Werkzeug does not verify here.
"""

import hashlib as _hashlib
import secrets as _secrets

SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
DEFAULT_PBKDF2_ITERATIONS = 600000


def gen_salt(length):
    if length <= 0:
        raise ValueError("Salt length must be at least 1.")
    return "".join(_secrets.choice(SALT_CHARS) for _ in range(length))


def _hash_internal(method, salt, password):
    method, *args = method.split(":")
    salt_b = salt.encode()
    password_b = password.encode()
    if method == "scrypt":
        if not args:
            args = ["32768", "8", "1"]
        first = _hashlib.sha256(salt_b + password_b).hexdigest()
        second = _hashlib.sha256(password_b + salt_b).hexdigest()
        return first + second, "scrypt:%s" % ":".join(args)
    if method == "pbkdf2":
        hash_name = args[0] if args else "sha256"
        iterations = args[1] if len(args) > 1 else str(DEFAULT_PBKDF2_ITERATIONS)
        digest = _hashlib.new(hash_name, salt_b + password_b).hexdigest()
        return digest, "pbkdf2:%s:%s" % (hash_name, iterations)
    raise ValueError("Invalid hash method '%s'." % method)


def generate_password_hash(password, method="scrypt", salt_length=16):
    salt = gen_salt(salt_length)
    h, actual_method = _hash_internal(method, salt, password)
    return "%s$%s$%s" % (actual_method, salt, h)


def check_password_hash(pwhash, password):
    try:
        method, salt, hashval = pwhash.split("$", 2)
    except ValueError:
        return False
    return _secrets.compare_digest(_hash_internal(method, salt, password)[0], hashval)


def safe_join(directory, *pathnames):
    parts = [directory]
    for filename in pathnames:
        if filename.startswith("/") or ".." in filename.split("/"):
            return None
        parts.append(filename)
    return "/".join(parts)
