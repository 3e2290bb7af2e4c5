"""The `dataclasses` module: dataclass, field, fields, asdict, astuple, replace (CPython 3.11's behaviour)."""

__all__ = ["dataclass", "field", "Field", "FrozenInstanceError", "InitVar", "KW_ONLY", "MISSING", "fields", "asdict",
           "astuple", "make_dataclass", "replace", "is_dataclass"]


class FrozenInstanceError(AttributeError):
    pass


class _MISSING_TYPE:
    pass


MISSING = _MISSING_TYPE()


class _KW_ONLY_TYPE:
    pass


KW_ONLY = _KW_ONLY_TYPE()


class InitVar:
    def __init__(self, type):
        self.type = type

    def __class_getitem__(cls, type):
        return InitVar(type)

    def __repr__(self):
        return "dataclasses.InitVar[%s]" % getattr(self.type, "__name__", repr(self.type))


_FIELD = "_FIELD"
_FIELD_CLASSVAR = "_FIELD_CLASSVAR"
_FIELD_INITVAR = "_FIELD_INITVAR"


class Field:
    def __init__(self, default, default_factory, init, repr, hash, compare, metadata, kw_only):
        self.name = None
        self.type = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = {} if metadata is None else metadata
        self.kw_only = kw_only
        self._field_type = None

    def __repr__(self):
        return ("Field(name=%r,type=%r,default=%r,default_factory=%r,init=%r,repr=%r,hash=%r,compare=%r,"
                "metadata=mappingproxy(%r),kw_only=%r,_field_type=%s)"
                % (self.name, self.type, self.default, self.default_factory, self.init, self.repr, self.hash,
                   self.compare, self.metadata, self.kw_only, self._field_type))

    def __set_name__(self, owner, name):
        pass


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None, compare=True,
          metadata=None, kw_only=MISSING):
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, hash, compare, metadata, kw_only)


def _is_classvar(tp):
    text = tp if isinstance(tp, str) else repr(tp)
    return text.startswith("typing.ClassVar") or text.startswith("ClassVar")


def _process_class(cls, init, repr, eq, order, unsafe_hash, frozen, kw_only):
    fields = {}
    for b in cls.__mro__[-1:0:-1]:
        base_fields = b.__dict__.get("__dataclass_fields__")
        if base_fields is not None:
            for f in base_fields.values():
                fields[f.name] = f
    annotations = cls.__dict__.get("__annotations__", {})
    kw_only_now = kw_only
    for name, tp in annotations.items():
        if tp is KW_ONLY or (isinstance(tp, str) and tp.endswith("KW_ONLY")):
            kw_only_now = True
            continue
        default = cls.__dict__.get(name, MISSING)
        if isinstance(default, Field):
            f = default
        else:
            f = field(default=default)
        f.name = name
        f.type = tp
        f._field_type = _FIELD
        if _is_classvar(tp):
            f._field_type = _FIELD_CLASSVAR
        elif isinstance(tp, InitVar):
            f._field_type = _FIELD_INITVAR
        if f.kw_only is MISSING:
            f.kw_only = kw_only_now
        if f._field_type == _FIELD and f.default is not MISSING and type(f.default) in (list, dict, set):
            raise ValueError("mutable default %r for field %s is not allowed: use default_factory"
                             % (type(f.default), name))
        if isinstance(default, Field):
            if f.default is MISSING:
                if name in cls.__dict__:
                    delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        fields[name] = f
    for name, value in cls.__dict__.items():
        if isinstance(value, Field) and name not in annotations:
            raise TypeError("%r is a field but has no type annotation" % (name,))
    setattr(cls, "__dataclass_fields__", fields)
    setattr(cls, "__dataclass_params__", (init, repr, eq, order, unsafe_hash, frozen))
    all_fields = [f for f in fields.values() if f._field_type == _FIELD]
    init_fields = [f for f in fields.values() if f._field_type in (_FIELD, _FIELD_INITVAR) and f.init]
    qual = cls.__qualname__

    if init and "__init__" not in cls.__dict__:
        positional = [f for f in init_fields if not f.kw_only]
        keyword_only = [f for f in init_fields if f.kw_only]
        seen_default = False
        for f in positional:
            if f.default is not MISSING or f.default_factory is not MISSING:
                seen_default = True
            elif seen_default:
                raise TypeError("non-default argument %r follows default argument" % (f.name,))

        def __init__(self, *args, **kwargs):
            # Argument errors name the class's `__init__` as CPython's do (a mapped class's
            # instrumented copy is plain `__init__`).
            qual = getattr(getattr(type(self), "__init__", None), "__qualname__", cls.__qualname__ + ".__init__")
            qual = qual[:-len(".__init__")] if qual.endswith(".__init__") else None
            n_required = len([f for f in positional if f.default is MISSING and f.default_factory is MISSING])
            if len(args) > len(positional):
                if n_required == len(positional):
                    raise TypeError("%s__init__() takes %d positional argument%s but %d were given"
                                    % (_prefix(qual), len(positional) + 1, "" if len(positional) == 0 else "s",
                                       len(args) + 1))
                raise TypeError("%s__init__() takes from %d to %d positional arguments but %d were given"
                                % (_prefix(qual), n_required + 1, len(positional) + 1, len(args) + 1))
            values = {}
            for f, v in zip(positional, args):
                values[f.name] = v
            for k in kwargs:
                if k in values:
                    raise TypeError("%s__init__() got multiple values for argument %r" % (_prefix(qual), k))
                if k not in [f.name for f in init_fields]:
                    raise TypeError("%s__init__() got an unexpected keyword argument %r" % (_prefix(qual), k))
                values[k] = kwargs[k]
            missing = [f.name for f in positional if f.name not in values and f.default is MISSING
                       and f.default_factory is MISSING]
            if missing:
                _missing_error(qual, missing, "positional")
            missing = [f.name for f in keyword_only if f.name not in values and f.default is MISSING
                       and f.default_factory is MISSING]
            if missing:
                _missing_error(qual, missing, "keyword-only")
            for f in all_fields:
                if f.name in values:
                    v = values[f.name]
                elif not f.init and f.default_factory is MISSING and f.default is MISSING:
                    continue
                elif f.default_factory is not MISSING:
                    v = f.default_factory()
                else:
                    v = f.default
                if frozen:
                    object.__setattr__(self, f.name, v)
                else:
                    setattr(self, f.name, v)
            post = getattr(self, "__post_init__", None)
            if post is not None:
                initvars = [values.get(f.name, f.default) for f in init_fields if f._field_type == _FIELD_INITVAR]
                post(*initvars)
        __init__.__qualname__ = qual + ".__init__"
        cls.__init__ = __init__

    if repr and "__repr__" not in cls.__dict__:
        def __repr__(self):
            # `reprlib.recursive_repr`: an object met again inside its own repr shows as '...'.
            key = id(self)
            if key in _repr_running:
                return "..."
            _repr_running.add(key)
            try:
                parts = []
                for f in all_fields:
                    if f.repr:
                        parts.append("%s=%r" % (f.name, getattr(self, f.name)))
            finally:
                _repr_running.discard(key)
            return self.__class__.__qualname__ + "(" + ", ".join(parts) + ")"
        __repr__.__qualname__ = qual + ".__repr__"
        cls.__repr__ = __repr__

    compare_fields = [f for f in all_fields if f.compare]

    def _key(self):
        return tuple([getattr(self, f.name) for f in compare_fields])

    if eq and "__eq__" not in cls.__dict__:
        def __eq__(self, other):
            if other.__class__ is self.__class__:
                return _key(self) == _key(other)
            return NotImplemented
        cls.__eq__ = __eq__

    if order:
        def _order(name, op):
            def method(self, other):
                if other.__class__ is self.__class__:
                    return op(_key(self), _key(other))
                return NotImplemented
            return method
        for name, op in (("__lt__", lambda a, b: a < b), ("__le__", lambda a, b: a <= b),
                         ("__gt__", lambda a, b: a > b), ("__ge__", lambda a, b: a >= b)):
            if name in cls.__dict__:
                raise TypeError("Cannot overwrite attribute %s in class %s. Consider using functools.total_ordering"
                                % (name, cls.__name__))
            setattr(cls, name, _order(name, op))

    if frozen:
        def __setattr__(self, name, value):
            if name in fields:
                raise FrozenInstanceError("cannot assign to field %r" % (name,))
            object.__setattr__(self, name, value)

        def __delattr__(self, name):
            raise FrozenInstanceError("cannot delete field %r" % (name,))
        cls.__setattr__ = __setattr__
        cls.__delattr__ = __delattr__

    if unsafe_hash or (eq and frozen):
        def __hash__(self):
            return hash(tuple([getattr(self, f.name) for f in all_fields if (f.compare if f.hash is None else f.hash)]))
        cls.__hash__ = __hash__
    elif eq and "__hash__" not in cls.__dict__:
        cls.__hash__ = None

    cls.__match_args__ = tuple([f.name for f in init_fields if not f.kw_only])
    return cls


_repr_running = set()


def _prefix(qual):
    return "" if qual is None else qual + "."


def _missing_error(qual, missing, kind):
    if len(missing) == 1:
        raise TypeError("%s__init__() missing 1 required %s argument: %r" % (_prefix(qual), kind, missing[0]))
    names = ", ".join([repr(n) for n in missing[:-1]]) + " and %r" % (missing[-1],)
    raise TypeError("%s__init__() missing %d required %s arguments: %s" % (_prefix(qual), len(missing), kind, names))


def dataclass(cls=None, /, *, init=True, repr=True, eq=True, order=False, unsafe_hash=False, frozen=False,
              match_args=True, kw_only=False, slots=False, weakref_slot=False):
    def wrap(cls):
        return _process_class(cls, init, repr, eq, order, unsafe_hash, frozen, kw_only)
    if cls is None:
        return wrap
    return wrap(cls)


def fields(class_or_instance):
    try:
        fs = class_or_instance.__dataclass_fields__
    except AttributeError:
        raise TypeError("must be called with a dataclass type or instance") from None
    return tuple([f for f in fs.values() if f._field_type == _FIELD])


def is_dataclass(obj):
    cls = obj if isinstance(obj, type) else type(obj)
    return hasattr(cls, "__dataclass_fields__")


def _is_dataclass_instance(obj):
    return hasattr(type(obj), "__dataclass_fields__")


def asdict(obj, *, dict_factory=dict):
    if not _is_dataclass_instance(obj):
        raise TypeError("asdict() should be called on dataclass instances")
    return _asdict_inner(obj, dict_factory)


def _asdict_inner(obj, dict_factory):
    if _is_dataclass_instance(obj):
        return dict_factory([(f.name, _asdict_inner(getattr(obj, f.name), dict_factory)) for f in fields(obj)])
    if isinstance(obj, (list, tuple)):
        return type(obj)([_asdict_inner(v, dict_factory) for v in obj])
    if isinstance(obj, dict):
        return type(obj)((_asdict_inner(k, dict_factory), _asdict_inner(v, dict_factory)) for k, v in obj.items())
    return obj


def astuple(obj, *, tuple_factory=tuple):
    if not _is_dataclass_instance(obj):
        raise TypeError("astuple() should be called on dataclass instances")
    return _astuple_inner(obj, tuple_factory)


def _astuple_inner(obj, tuple_factory):
    if _is_dataclass_instance(obj):
        return tuple_factory([_astuple_inner(getattr(obj, f.name), tuple_factory) for f in fields(obj)])
    if isinstance(obj, (list, tuple)):
        return type(obj)([_astuple_inner(v, tuple_factory) for v in obj])
    if isinstance(obj, dict):
        return type(obj)((_astuple_inner(k, tuple_factory), _astuple_inner(v, tuple_factory)) for k, v in obj.items())
    return obj


def replace(obj, /, **changes):
    if not _is_dataclass_instance(obj):
        raise TypeError("replace() should be called on dataclass instances")
    for f in obj.__dataclass_fields__.values():
        if not f.init:
            if f.name in changes:
                raise ValueError("field %s is declared with init=False, it cannot be specified with replace()"
                                 % (f.name,))
            continue
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def make_dataclass(cls_name, fields, *, bases=(), namespace=None, **kwargs):
    ns = dict(namespace or {})
    annotations = {}
    for item in fields:
        if isinstance(item, str):
            annotations[item] = "typing.Any"
        elif len(item) == 2:
            annotations[item[0]] = item[1]
        else:
            annotations[item[0]] = item[1]
            ns[item[0]] = item[2]
    ns["__annotations__"] = annotations
    cls = type(cls_name, bases or (object,), ns)
    return dataclass(cls, **kwargs)
