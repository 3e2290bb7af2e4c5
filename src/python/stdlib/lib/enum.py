"""The `enum` module: Enum, IntEnum, StrEnum, Flag, auto, unique (CPython 3.11's behaviour)."""

_auto_null = object()


class auto:
    """Instances are replaced with an appropriate value in Enum class suites."""

    def __init__(self, value=_auto_null):
        self.value = value

    def __repr__(self):
        return "auto(%r)" % (self.value,)


def _is_dunder(name):
    return len(name) > 4 and name[:2] == name[-2:] == "__" and name[2] != "_" and name[-3] != "_"


def _is_sunder(name):
    return len(name) > 2 and name[0] == name[-1] == "_" and name[1:2] != "_" and name[-2:-1] != "_"


def _is_private(cls_name, name):
    pattern = "_%s__" % (cls_name.lstrip("_"),)
    return len(name) > len(pattern) and name.startswith(pattern) and not name.endswith("__")


def _is_descriptor(obj):
    kind = type(obj).__name__
    if kind in ("function", "classmethod", "staticmethod", "property", "builtin_function_or_method", "type"):
        return True
    return hasattr(type(obj), "__get__") or hasattr(type(obj), "__set__") or hasattr(type(obj), "__delete__")


class _MappingProxy:
    """A read-only view of a mapping (CPython's `mappingproxy`)."""

    def __init__(self, mapping):
        self._mapping = dict(mapping)

    def __repr__(self):
        return "mappingproxy(%r)" % (self._mapping,)

    def __str__(self):
        return str(self._mapping)

    def __getitem__(self, key):
        return self._mapping[key]

    def __iter__(self):
        return iter(self._mapping)

    def __len__(self):
        return len(self._mapping)

    def __contains__(self, key):
        return key in self._mapping

    def get(self, key, default=None):
        return self._mapping.get(key, default)

    def keys(self):
        return self._mapping.keys()

    def values(self):
        return self._mapping.values()

    def items(self):
        return self._mapping.items()

    def copy(self):
        return dict(self._mapping)


_MappingProxy.__name__ = "mappingproxy"


class EnumType(type):
    """Metaclass for Enum."""

    def __call__(cls, value, *args, **kwds):
        if args or kwds:
            raise TypeError("the functional Enum API is not supported here")
        return cls._lookup_value_(value)

    def __iter__(cls):
        return iter([cls._member_map_[name] for name in cls._member_names_])

    def __reversed__(cls):
        return iter([cls._member_map_[name] for name in reversed(cls._member_names_)])

    def __len__(cls):
        return len(cls._member_names_)

    def __getitem__(cls, name):
        return cls._member_map_[name]

    def __contains__(cls, member):
        if not isinstance(member, Enum):
            import warnings
            darn = ("in 3.12 __contains__ will no longer raise TypeError, but will return True or\n"
                    "False depending on whether the value is a member or the value of a member")
            warnings.warn(darn, DeprecationWarning, stacklevel=2)
            raise TypeError(
                "unsupported operand type(s) for 'in': '%s' and '%s'" % (
                    type(member).__qualname__, cls.__class__.__qualname__))
        return isinstance(member, cls) and member._name_ in cls._member_map_

    def __bool__(cls):
        return True

    def __repr__(cls):
        if Flag is not None and issubclass(cls, Flag):
            return "<flag %r>" % (cls.__name__,)
        return "<enum %r>" % (cls.__name__,)

    @property
    def __members__(cls):
        return _MappingProxy(cls._member_map_)


EnumMeta = EnumType
Flag = None


class Enum(metaclass=EnumType):
    """Create a collection of name/value pairs."""

    _member_names_ = []
    _member_map_ = {}
    _value2member_map_ = {}
    _mixin_ = None
    _repr_value_ = False

    def __init_subclass__(cls, **kwds):
        if len(cls._member_names_):
            raise TypeError("%s: cannot extend %r" % (cls.__name__, cls.__mro__[1]))
        mixin = None
        for base in cls.__mro__[1:]:
            if base is object or issubclass(base, Enum):
                continue
            mixin = base
            break
        cls._mixin_ = mixin
        if mixin is not None:
            # The mixed-in type's own methods come first in the MRO; the enum behaviour wins.
            for name in _MIXIN_OVERRIDES:
                if name in cls.__dict__:
                    continue
                for base in cls.__mro__[1:]:
                    if issubclass(base, Enum) and name in base.__dict__:
                        setattr(cls, name, base.__dict__[name])
                        break
        cls._member_names_ = []
        cls._member_map_ = {}
        cls._value2member_map_ = {}
        last_values = []
        ignore = cls.__dict__.get("_ignore_", [])
        if isinstance(ignore, str):
            ignore = ignore.replace(",", " ").split()
        for key, value in list(cls.__dict__.items()):
            if _is_dunder(key) or _is_sunder(key) or _is_private(cls.__name__, key) or key in ignore:
                continue
            if _is_descriptor(value):
                continue
            if isinstance(value, auto):
                if value.value is _auto_null:
                    value.value = cls._generate_next_value_(key, 1, len(cls._member_names_), last_values[:])
                value = value.value
            last_values.append(value)
            if mixin is not None:
                if isinstance(value, tuple):
                    value = mixin(*value)
                else:
                    value = mixin(value)
            existing = None
            for name in cls._member_names_:
                other = cls._member_map_[name]
                if other._value_ == value:
                    existing = other
                    break
            if existing is not None:
                cls._member_map_[key] = existing
                setattr(cls, key, existing)
                continue
            member = object.__new__(cls)
            member._name_ = key
            member._value_ = value
            member._sort_order_ = len(cls._member_names_)
            cls._member_names_.append(key)
            cls._member_map_[key] = member
            try:
                cls._value2member_map_[value] = member
            except TypeError:
                pass
            setattr(cls, key, member)

    @classmethod
    def _lookup_value_(cls, value):
        if isinstance(value, cls):
            return value
        try:
            return cls._value2member_map_[value]
        except KeyError:
            pass
        except TypeError:
            pass
        for name in cls._member_names_:
            member = cls._member_map_[name]
            if member._value_ == value:
                return member
        result = cls._missing_(value)
        if isinstance(result, cls):
            return result
        raise ValueError("%r is not a valid %s" % (value, cls.__qualname__))

    @classmethod
    def _missing_(cls, value):
        return None

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        if not last_values:
            return start
        last = last_values[-1]
        try:
            return last + 1
        except TypeError:
            raise TypeError("unable to increment %r" % (last,)) from None

    @property
    def name(self):
        """The name of the Enum member."""
        return self._name_

    @property
    def value(self):
        """The value of the Enum member."""
        return self._value_

    def __repr__(self):
        cls = type(self)
        if cls._mixin_ is None:
            return "<%s.%s: %r>" % (cls.__name__, self._name_, self._value_)
        return "<%s.%s: %r>" % (cls.__name__, self._name_, self._value_)

    def __str__(self):
        return "%s.%s" % (type(self).__name__, self._name_)

    def __format__(self, format_spec):
        return format(str(self), format_spec)

    def __hash__(self):
        if type(self)._mixin_ is not None:
            return hash(self._value_)
        return hash(self._name_)

    def __reduce_ex__(self, proto):
        return (self.__class__, (self._value_,))

    def __eq__(self, other):
        if type(self)._mixin_ is not None:
            if isinstance(other, Enum):
                return self is other or (type(other)._mixin_ is not None and self._value_ == other._value_)
            return self._value_ == other
        return self is other

    def __ne__(self, other):
        result = self.__eq__(other)
        if result is NotImplemented:
            return result
        return not result

    def __lt__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return self._value_ < _plain(other)

    def __le__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return self._value_ <= _plain(other)

    def __gt__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return self._value_ > _plain(other)

    def __ge__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return self._value_ >= _plain(other)

    def __getattr__(self, name):
        mixin = type(self)._mixin_
        if mixin is not None and not name.startswith("_"):
            return getattr(self._value_, name)
        raise AttributeError("%r object has no attribute %r" % (type(self).__name__, name))

    def __add__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return self._value_ + _plain(other)

    def __radd__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return _plain(other) + self._value_

    def __sub__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return self._value_ - _plain(other)

    def __rsub__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return _plain(other) - self._value_

    def __mul__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return self._value_ * _plain(other)

    def __rmul__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return _plain(other) * self._value_

    def __mod__(self, other):
        if type(self)._mixin_ is None:
            return NotImplemented
        return self._value_ % _plain(other)

    def __int__(self):
        return int(self._value_)

    def __index__(self):
        return int(self._value_)

    def __float__(self):
        return float(self._value_)


_MIXIN_OVERRIDES = ("__repr__", "__str__", "__format__", "__hash__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__",
                    "__ge__", "__getattr__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
                    "__mod__", "__int__", "__index__", "__float__")


def _plain(value):
    if isinstance(value, Enum) and type(value)._mixin_ is not None:
        return value._value_
    return value


class ReprEnum(Enum):
    """Only changes the repr(), leaving str() and format() to the mixed-in type."""

    def __str__(self):
        return str(self._value_)

    def __format__(self, format_spec):
        return format(self._value_, format_spec)


class IntEnum(int, ReprEnum):
    """Enum where members are also (and must be) ints."""


class StrEnum(str, ReprEnum):
    """Enum where members are also (and must be) strings."""

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        return name.lower()


class Flag(Enum):
    """Support for flags."""

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        if not count:
            return 1
        high = 1
        for v in last_values:
            while high <= v:
                high = high * 2
        return high


class IntFlag(int, ReprEnum, Flag):
    """Support for integer-based Flags."""


def unique(enumeration):
    """Class decorator for enumerations ensuring unique member values."""
    duplicates = []
    for name, member in enumeration.__members__.items():
        if name != member.name:
            duplicates.append((name, member.name))
    if duplicates:
        alias_details = ", ".join(["%s -> %s" % (alias, name) for (alias, name) in duplicates])
        raise ValueError("duplicate values found in %r: %s" % (enumeration, alias_details))
    return enumeration


__all__ = ["EnumType", "EnumMeta", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum", "auto", "unique"]
