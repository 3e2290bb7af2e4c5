"""The `hashlib` module: md5, sha1, sha256 (digests computed natively by `_hashlib`)."""

import _hashlib

algorithms_guaranteed = {"md5", "sha1", "sha256"}
algorithms_available = {"md5", "sha1", "sha256"}
_SIZES = {"md5": (16, 64), "sha1": (20, 64), "sha256": (32, 64)}


class HASH:
    __tp_name__ = "_hashlib.HASH"

    def __init__(self, name, data=b""):
        self.name = name
        self.digest_size, self.block_size = _SIZES[name]
        self._data = b""
        self.update(data)

    def update(self, data):
        if isinstance(data, str):
            raise TypeError("Strings must be encoded before hashing")
        if not isinstance(data, bytes):
            raise TypeError("object supporting the buffer API required")
        self._data = self._data + data

    def digest(self):
        return _hashlib.digest(self.name, self._data)

    def hexdigest(self):
        return self.digest().hex()

    def copy(self):
        other = HASH(self.name)
        other._data = self._data
        return other

    def __repr__(self):
        return "<%s _hashlib.HASH object @ 0x%x>" % (self.name, id(self))


def new(name, data=b"", **kwargs):
    name = name.lower().replace("-", "")
    if name not in _SIZES:
        raise ValueError("unsupported hash type " + name)
    return HASH(name, data)


def md5(data=b"", *, usedforsecurity=True):
    return HASH("md5", data)


def sha1(data=b"", *, usedforsecurity=True):
    return HASH("sha1", data)


def sha256(data=b"", *, usedforsecurity=True):
    return HASH("sha256", data)
