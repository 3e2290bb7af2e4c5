"""The `uuid` module: UUID objects, uuid4 (random) and uuid1 (time-based)."""

import _random

RESERVED_NCS = "reserved for NCS compatibility"
RFC_4122 = "specified in RFC 4122"
RESERVED_MICROSOFT = "reserved for Microsoft compatibility"
RESERVED_FUTURE = "reserved for future definition"

_HEX = "0123456789abcdef"


class UUID:
    __slots__ = ("_hex", "is_safe")

    def __init__(self, hex=None, bytes=None, bytes_le=None, fields=None, int=None, version=None, *, is_safe=None):
        given = [hex, bytes, bytes_le, fields, int].count(None)
        if given != 4:
            raise TypeError("one of the hex, bytes, bytes_le, fields, or int arguments must be given")
        if hex is not None:
            hex = hex.replace("urn:", "").replace("uuid:", "")
            hex = hex.strip("{}").replace("-", "")
            if len(hex) != 32:
                raise ValueError("badly formed hexadecimal UUID string")
            hex = hex.lower()
            for ch in hex:
                if ch not in _HEX:
                    raise ValueError("badly formed hexadecimal UUID string")
        elif bytes is not None:
            if len(bytes) != 16:
                raise ValueError("bytes is not a 16-char string")
            hex = "".join(["%02x" % b for b in bytes])
        elif int is not None:
            if int < 0:
                raise ValueError("int is out of range (need a 128-bit value)")
            hex = "%032x" % int
        else:
            raise TypeError("this UUID form is not supported here")
        if version is not None:
            if not 1 <= version <= 5:
                raise ValueError("illegal version number")
            digits = list(hex)
            digits[12] = _HEX[version]
            digits[16] = _HEX[8 | (_HEX.index(digits[16]) & 3)]
            hex = "".join(digits)
        object.__setattr__(self, "_hex", hex)
        object.__setattr__(self, "is_safe", is_safe)

    def __setattr__(self, name, value):
        raise TypeError("UUID objects are immutable")

    @property
    def hex(self):
        return self._hex

    @property
    def int(self):
        return int(self._hex, 16)

    @property
    def bytes(self):
        return bytes([int(self._hex[i:i + 2], 16) for i in range(0, 32, 2)])

    @property
    def urn(self):
        return "urn:uuid:" + str(self)

    @property
    def variant(self):
        v = _HEX.index(self._hex[16])
        if not v & 8:
            return RESERVED_NCS
        if not v & 4:
            return RFC_4122
        if not v & 2:
            return RESERVED_MICROSOFT
        return RESERVED_FUTURE

    @property
    def version(self):
        if self.variant == RFC_4122:
            return _HEX.index(self._hex[12])
        return None

    def __str__(self):
        h = self._hex
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def __repr__(self):
        return "%s(%r)" % (self.__class__.__name__, str(self))

    def __eq__(self, other):
        if isinstance(other, UUID):
            return self._hex == other._hex
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, UUID):
            return self._hex != other._hex
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, UUID):
            return self._hex < other._hex
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, UUID):
            return self._hex > other._hex
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, UUID):
            return self._hex <= other._hex
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, UUID):
            return self._hex >= other._hex
        return NotImplemented

    def __hash__(self):
        return hash(self._hex)


def _random_hex(n):
    return "".join([_HEX[_random.getrandbits(4)] for _ in range(n)])


def uuid4():
    """Generate a random UUID."""
    return UUID(hex=_random_hex(32), version=4)


def uuid1(node=None, clock_seq=None):
    """Generate a UUID from a host ID, sequence number, and the current time."""
    import time
    ns = time.time_ns()
    timestamp = ns // 100 + 0x01b21dd213814000
    h = "%015x" % timestamp
    time_low = h[-8:]
    time_mid = h[-12:-8]
    time_hi = h[:3]
    clock = "%04x" % (clock_seq if clock_seq is not None else _random.getrandbits(14))
    node_hex = "%012x" % node if node is not None else _random_hex(12)
    return UUID(hex=time_low + time_mid + "1" + time_hi + clock + node_hex, version=1)


NAMESPACE_DNS = UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
NAMESPACE_URL = UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
NAMESPACE_OID = UUID("6ba7b812-9dad-11d1-80b4-00c04fd430c8")
NAMESPACE_X500 = UUID("6ba7b814-9dad-11d1-80b4-00c04fd430c8")
