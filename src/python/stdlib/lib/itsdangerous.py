"""`itsdangerous` 2.2 (Flask's dependency, so every learner has it): signed tokens.

`Signer`, `TimestampSigner`, `Serializer`, `URLSafeSerializer` and their timed variants, with
itsdangerous's algorithm (HMAC-SHA1 over a key derived by "django-concat", URL-safe base64,
compact JSON), so a token made here verifies here and a tampered one raises `BadSignature`
with itsdangerous's words. The playground has no zlib: `URLSafeSerializer` never compresses
(itsdangerous compresses a payload only when that makes it shorter, which small payloads such
as `{"user_id": 1}` never are), and a compressed token made elsewhere is a `BadPayload`.
"""

import hashlib as _hashlib
import json as _json
import time as _time

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def want_bytes(s, encoding="utf-8", errors="strict"):
    if isinstance(s, str):
        s = s.encode(encoding, errors)
    return s


def base64_encode(string):
    data = want_bytes(string)
    out = []
    for i in range(0, len(data), 3):
        chunk = data[i:i + 3]
        n = int.from_bytes(chunk + b"\x00" * (3 - len(chunk)), "big")
        chars = [_B64[(n >> shift) & 63] for shift in (18, 12, 6, 0)]
        out.append("".join(chars[:len(chunk) + 1]))
    return "".join(out).encode("ascii")


def base64_decode(string):
    data = want_bytes(string, encoding="ascii", errors="ignore")
    text = data.decode("ascii", "ignore")
    if len(text) % 4 == 1:
        raise BadData("Invalid base64-encoded data")
    out = bytearray()
    for i in range(0, len(text), 4):
        chunk = text[i:i + 4]
        n = 0
        for c in chunk:
            v = _B64.find(c)
            if v < 0:
                raise BadData("Invalid base64-encoded data")
            n = (n << 6) | v
        n <<= 6 * (4 - len(chunk))
        out += n.to_bytes(3, "big")[:len(chunk) - 1]
    return bytes(out)


def int_to_bytes(num):
    return num.to_bytes(8, "big").lstrip(b"\x00")


def bytes_to_int(bytestr):
    return int.from_bytes(bytestr, "big")


def _hmac(key, msg, digest_method):
    block = 64
    if len(key) > block:
        key = digest_method(key).digest()
    key = key + b"\x00" * (block - len(key))
    inner = digest_method(bytes(k ^ 0x36 for k in key) + msg).digest()
    return digest_method(bytes(k ^ 0x5C for k in key) + inner).digest()


class BadData(Exception):
    __module__ = "itsdangerous.exc"
    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


class BadSignature(BadData):
    __module__ = "itsdangerous.exc"
    def __init__(self, message, payload=None):
        super().__init__(message)
        self.payload = payload


class BadTimeSignature(BadSignature):
    __module__ = "itsdangerous.exc"
    def __init__(self, message, payload=None, date_signed=None):
        super().__init__(message, payload)
        self.date_signed = date_signed


class SignatureExpired(BadTimeSignature):
    __module__ = "itsdangerous.exc"
    pass


class BadHeader(BadSignature):
    __module__ = "itsdangerous.exc"
    def __init__(self, message, payload=None, header=None, original_error=None):
        super().__init__(message, payload)
        self.header = header
        self.original_error = original_error


class BadPayload(BadData):
    __module__ = "itsdangerous.exc"
    def __init__(self, message, original_error=None):
        super().__init__(message)
        self.original_error = original_error


class HMACAlgorithm:
    __module__ = "itsdangerous.signer"
    default_digest_method = staticmethod(_hashlib.sha1)

    def __init__(self, digest_method=None):
        if digest_method is None:
            digest_method = self.default_digest_method
        self.digest_method = digest_method

    def get_signature(self, key, value):
        return _hmac(key, value, self.digest_method)

    def verify_signature(self, key, value, sig):
        return self.get_signature(key, value) == sig


class Signer:
    __module__ = "itsdangerous.signer"
    default_digest_method = staticmethod(_hashlib.sha1)
    default_key_derivation = "django-concat"

    def __init__(self, secret_key, salt=b"itsdangerous.Signer", sep=".", key_derivation=None,
                 digest_method=None, algorithm=None, fallback_signers=None):
        if isinstance(secret_key, (bytes, str)):
            self.secret_keys = [want_bytes(secret_key)]
        else:
            self.secret_keys = [want_bytes(k) for k in secret_key]
        self.sep = want_bytes(sep)
        if self.sep in _B64.encode("ascii"):
            raise ValueError(
                "The given separator cannot be used because it may be contained in the signature itself. "
                "ASCII letters, digits, and '-_=' must not be used."
            )
        self.salt = want_bytes(salt) if salt is not None else b"itsdangerous.Signer"
        self.key_derivation = key_derivation or self.default_key_derivation
        self.digest_method = digest_method or self.default_digest_method
        self.algorithm = algorithm or HMACAlgorithm(self.digest_method)
        self.fallback_signers = list(fallback_signers or ())

    @property
    def secret_key(self):
        return self.secret_keys[-1]

    def derive_key(self, secret_key=None):
        if secret_key is None:
            secret_key = self.secret_keys[-1]
        else:
            secret_key = want_bytes(secret_key)
        if self.key_derivation == "concat":
            return self.digest_method(self.salt + secret_key).digest()
        if self.key_derivation == "django-concat":
            return self.digest_method(self.salt + b"signer" + secret_key).digest()
        if self.key_derivation == "hmac":
            return _hmac(secret_key, self.salt, self.digest_method)
        if self.key_derivation == "none":
            return secret_key
        raise TypeError("Unknown key derivation method")

    def get_signature(self, value):
        value = want_bytes(value)
        key = self.derive_key()
        return base64_encode(self.algorithm.get_signature(key, value))

    def sign(self, value):
        value = want_bytes(value)
        return value + self.sep + self.get_signature(value)

    def verify_signature(self, value, sig):
        try:
            sig = base64_decode(sig)
        except Exception:
            return False
        value = want_bytes(value)
        for secret_key in reversed(self.secret_keys):
            key = self.derive_key(secret_key)
            if self.algorithm.verify_signature(key, value, sig):
                return True
        return False

    def unsign(self, signed_value):
        signed_value = want_bytes(signed_value)
        if self.sep not in signed_value:
            raise BadSignature(f"No {self.sep!r} found in value")
        value, sig = signed_value.rsplit(self.sep, 1)
        if self.verify_signature(value, sig):
            return value
        raise BadSignature(f"Signature {sig!r} does not match", payload=value)

    def validate(self, signed_value):
        try:
            self.unsign(signed_value)
            return True
        except BadSignature:
            return False


class TimestampSigner(Signer):
    __module__ = "itsdangerous.timed"
    def get_timestamp(self):
        return int(_time.time())

    def timestamp_to_datetime(self, ts):
        import datetime
        return datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)

    def sign(self, value):
        value = want_bytes(value)
        timestamp = base64_encode(int_to_bytes(self.get_timestamp()))
        sep = want_bytes(self.sep)
        value = value + sep + timestamp
        return value + sep + self.get_signature(value)

    def unsign(self, signed_value, max_age=None, return_timestamp=False):
        try:
            result = super().unsign(signed_value)
            sig_error = None
        except BadSignature as e:
            sig_error = e
            result = e.payload or b""
        sep = want_bytes(self.sep)
        if sep not in result:
            if sig_error:
                raise sig_error
            raise BadTimeSignature("timestamp missing", payload=result)
        value, ts_bytes = result.rsplit(sep, 1)
        ts_int = None
        ts_dt = None
        try:
            ts_int = bytes_to_int(base64_decode(ts_bytes))
        except Exception:
            pass
        if sig_error is not None:
            if ts_int is not None:
                try:
                    ts_dt = self.timestamp_to_datetime(ts_int)
                except (ValueError, OSError, OverflowError) as exc:
                    raise BadTimeSignature("Malformed timestamp", payload=value) from exc
            raise BadTimeSignature(str(sig_error), payload=value, date_signed=ts_dt)
        if ts_int is None:
            raise BadTimeSignature("Malformed timestamp", payload=value)
        if max_age is not None:
            age = self.get_timestamp() - ts_int
            if age > max_age:
                raise SignatureExpired(f"Signature age {age} > {max_age} seconds", payload=value,
                                       date_signed=self.timestamp_to_datetime(ts_int))
            if age < 0:
                raise SignatureExpired(f"Signature age {age} < 0 seconds", payload=value,
                                       date_signed=self.timestamp_to_datetime(ts_int))
        if return_timestamp:
            return value, self.timestamp_to_datetime(ts_int)
        return value

    def validate(self, signed_value, max_age=None):
        try:
            self.unsign(signed_value, max_age=max_age)
            return True
        except BadSignature:
            return False


class _CompactJSON:
    __module__ = "itsdangerous._json"
    @staticmethod
    def loads(payload):
        return _json.loads(payload)

    @staticmethod
    def dumps(obj, **kwargs):
        kwargs.setdefault("ensure_ascii", False)
        kwargs.setdefault("separators", (",", ":"))
        return _json.dumps(obj, **kwargs)


class Serializer:
    __module__ = "itsdangerous.serializer"
    default_serializer = _json
    default_signer = Signer

    def __init__(self, secret_key, salt=b"itsdangerous", serializer=None, serializer_kwargs=None,
                 signer=None, signer_kwargs=None, fallback_signers=None):
        if isinstance(secret_key, (bytes, str)):
            self.secret_keys = [want_bytes(secret_key)]
        else:
            self.secret_keys = [want_bytes(k) for k in secret_key]
        self.salt = want_bytes(salt) if salt is not None else None
        if serializer is None:
            serializer = self.default_serializer
        self.serializer = serializer
        self.is_text_serializer = isinstance(serializer.dumps({}), str)
        self.signer = signer or self.default_signer
        self.signer_kwargs = signer_kwargs or {}
        self.fallback_signers = fallback_signers or []
        self.serializer_kwargs = serializer_kwargs or {}

    @property
    def secret_key(self):
        return self.secret_keys[-1]

    def load_payload(self, payload, serializer=None):
        if serializer is None:
            serializer = self.serializer
            is_text = self.is_text_serializer
        else:
            is_text = isinstance(serializer.dumps({}), str)
        try:
            if is_text:
                return serializer.loads(payload.decode("utf-8"))
            return serializer.loads(payload)
        except Exception as e:
            raise BadPayload(
                "Could not load the payload because an exception occurred on unserializing the data.",
                original_error=e,
            ) from e

    def dump_payload(self, obj):
        return want_bytes(self.serializer.dumps(obj, **self.serializer_kwargs))

    def make_signer(self, salt=None):
        if salt is None:
            salt = self.salt
        return self.signer(self.secret_keys, salt=salt, **self.signer_kwargs)

    def iter_unsigners(self, salt=None):
        if salt is None:
            salt = self.salt
        yield self.make_signer(salt)

    def dumps(self, obj, salt=None):
        payload = want_bytes(self.dump_payload(obj))
        rv = self.make_signer(salt).sign(payload)
        if self.is_text_serializer:
            return rv.decode("utf-8")
        return rv

    def loads(self, s, salt=None, **kwargs):
        s = want_bytes(s)
        last_exception = None
        for signer in self.iter_unsigners(salt):
            try:
                return self.load_payload(signer.unsign(s))
            except BadSignature as err:
                last_exception = err
        raise last_exception

    def loads_unsafe(self, s, salt=None):
        try:
            return True, self.loads(s, salt=salt)
        except BadSignature as e:
            if e.payload is None:
                return False, None
            try:
                return False, self.load_payload(e.payload)
            except BadPayload:
                return False, None


class TimedSerializer(Serializer):
    __module__ = "itsdangerous.timed"
    default_signer = TimestampSigner

    def loads(self, s, max_age=None, return_timestamp=False, salt=None):
        s = want_bytes(s)
        last_exception = None
        for signer in self.iter_unsigners(salt):
            try:
                base64d, timestamp = signer.unsign(s, max_age=max_age, return_timestamp=True)
                payload = self.load_payload(base64d)
                if return_timestamp:
                    return payload, timestamp
                return payload
            except SignatureExpired:
                raise
            except BadSignature as err:
                last_exception = err
        raise last_exception


class URLSafeSerializerMixin:
    __module__ = "itsdangerous.url_safe"
    default_serializer = _CompactJSON

    def load_payload(self, payload, *args, **kwargs):
        if payload.startswith(b"."):
            raise BadPayload("Could not zlib decompress the payload before decoding the payload")
        try:
            json = base64_decode(payload)
        except Exception as e:
            raise BadPayload(
                "Could not base64 decode the payload because of an exception",
                original_error=e,
            ) from e
        return super().load_payload(json, *args, **kwargs)

    def dump_payload(self, obj):
        json = super().dump_payload(obj)
        return base64_encode(json)


class URLSafeSerializer(URLSafeSerializerMixin, Serializer):
    __module__ = "itsdangerous.url_safe"
    pass


class URLSafeTimedSerializer(URLSafeSerializerMixin, TimedSerializer):
    __module__ = "itsdangerous.url_safe"
    pass
