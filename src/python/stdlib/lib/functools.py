"""The `functools` module: wraps, partial, reduce, lru_cache, cache, cached_property, total_ordering."""

WRAPPER_ASSIGNMENTS = ("__module__", "__name__", "__qualname__", "__doc__")
WRAPPER_UPDATES = ("__dict__",)
_initial_missing = object()


def update_wrapper(wrapper, wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
    for attr in assigned:
        try:
            value = getattr(wrapped, attr)
        except AttributeError:
            pass
        else:
            try:
                setattr(wrapper, attr, value)
            except (AttributeError, TypeError):
                pass
    wrapper.__wrapped__ = wrapped
    return wrapper


def wraps(wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
    def decorator(wrapper):
        return update_wrapper(wrapper, wrapped, assigned, updated)
    return decorator


def reduce(function, sequence, initial=_initial_missing):
    it = iter(sequence)
    if initial is _initial_missing:
        try:
            value = next(it)
        except StopIteration:
            raise TypeError("reduce() of empty iterable with no initial value") from None
    else:
        value = initial
    for element in it:
        value = function(value, element)
    return value


class partial:
    """New function with partial application of the given arguments and keywords."""

    def __init__(self, func, *args, **keywords):
        if not callable(func):
            raise TypeError("the first argument must be callable")
        if isinstance(func, partial):
            args = func.args + args
            keywords = dict(func.keywords, **keywords)
            func = func.func
        self.func = func
        self.args = args
        self.keywords = keywords

    def __call__(self, *args, **keywords):
        kw = dict(self.keywords)
        kw.update(keywords)
        return self.func(*self.args, *args, **kw)

    def __repr__(self):
        args = [repr(self.func)]
        args.extend(repr(x) for x in self.args)
        args.extend("%s=%r" % (k, v) for (k, v) in self.keywords.items())
        return "functools.partial(" + ", ".join(args) + ")"


class partialmethod:
    def __init__(self, func, *args, **keywords):
        self.func = func
        self.args = args
        self.keywords = keywords

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        return partial(self.func, obj, *self.args, **self.keywords)


class _CacheInfo:
    def __init__(self, hits, misses, maxsize, currsize):
        self.hits = hits
        self.misses = misses
        self.maxsize = maxsize
        self.currsize = currsize

    def __repr__(self):
        return "CacheInfo(hits=%r, misses=%r, maxsize=%r, currsize=%r)" % (self.hits, self.misses, self.maxsize,
                                                                          self.currsize)

    def __iter__(self):
        return iter((self.hits, self.misses, self.maxsize, self.currsize))

    def __eq__(self, other):
        return tuple(self) == tuple(other)


_CacheInfo.__name__ = "CacheInfo"


class _lru_cache_wrapper:
    def __init__(self, func, maxsize, typed):
        self.__wrapped__ = func
        self._func = func
        self._maxsize = maxsize
        self._typed = typed
        self._cache = {}
        self._order = []
        self._hits = 0
        self._misses = 0
        update_wrapper(self, func)

    def __call__(self, *args, **kwargs):
        key = args
        if kwargs:
            key = key + (_kwd_mark,) + tuple(kwargs.items())
        if self._typed:
            key = key + tuple(type(v) for v in args)
        try:
            if key in self._cache:
                self._hits += 1
                return self._cache[key]
        except TypeError:
            raise TypeError("unhashable type: '%s'" % (_unhashable(key),)) from None
        self._misses += 1
        result = self._func(*args, **kwargs)
        if self._maxsize is None or self._maxsize > 0:
            self._cache[key] = result
            self._order.append(key)
            if self._maxsize is not None and len(self._order) > self._maxsize:
                oldest = self._order.pop(0)
                del self._cache[oldest]
        return result

    def cache_info(self):
        return _CacheInfo(self._hits, self._misses, self._maxsize, len(self._cache))

    def cache_clear(self):
        self._cache = {}
        self._order = []
        self._hits = 0
        self._misses = 0

    def cache_parameters(self):
        return {"typed": self._typed, "maxsize": self._maxsize}

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        return partial(self, obj)

    def __repr__(self):
        return "<functools._lru_cache_wrapper object at 0x%x>" % id(self)


def _unhashable(key):
    for v in key:
        try:
            hash(v)
        except TypeError:
            return type(v).__name__
    return "tuple"


_kwd_mark = object()


def lru_cache(maxsize=128, typed=False):
    if isinstance(maxsize, int):
        if maxsize < 0:
            maxsize = 0
    elif callable(maxsize) and isinstance(typed, bool):
        user_function, maxsize = maxsize, 128
        return _lru_cache_wrapper(user_function, maxsize, typed)
    elif maxsize is not None:
        raise TypeError("Expected first argument to be an integer, a callable, or None")

    def decorating_function(user_function):
        return _lru_cache_wrapper(user_function, maxsize, typed)
    return decorating_function


def cache(user_function):
    return lru_cache(maxsize=None)(user_function)


class cached_property:
    def __init__(self, func):
        self.func = func
        self.attrname = None
        self.__doc__ = getattr(func, "__doc__", None)

    def __set_name__(self, owner, name):
        if self.attrname is None:
            self.attrname = name
        elif name != self.attrname:
            raise TypeError("Cannot assign the same cached_property to two different names (%r and %r)."
                            % (self.attrname, name))

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if self.attrname is None:
            raise TypeError("Cannot use cached_property instance without calling __set_name__ on it.")
        val = self.func(instance)
        instance.__dict__[self.attrname] = val
        setattr(instance, self.attrname, val)
        return val


def total_ordering(cls):
    roots = [op for op in ("__lt__", "__le__", "__gt__", "__ge__") if op in cls.__dict__]
    if not roots:
        raise ValueError("must define at least one ordering operation: < > <= >=")
    root = roots[0]
    if root == "__lt__":
        def __gt__(self, other):
            r = self.__lt__(other)
            return NotImplemented if r is NotImplemented else (not r and self != other)

        def __le__(self, other):
            r = self.__lt__(other)
            return NotImplemented if r is NotImplemented else (r or self == other)

        def __ge__(self, other):
            r = self.__lt__(other)
            return NotImplemented if r is NotImplemented else not r
        derived = {"__gt__": __gt__, "__le__": __le__, "__ge__": __ge__}
    elif root == "__le__":
        def __ge__(self, other):
            r = self.__le__(other)
            return NotImplemented if r is NotImplemented else (not r or self == other)

        def __lt__(self, other):
            r = self.__le__(other)
            return NotImplemented if r is NotImplemented else (r and self != other)

        def __gt__(self, other):
            r = self.__le__(other)
            return NotImplemented if r is NotImplemented else not r
        derived = {"__ge__": __ge__, "__lt__": __lt__, "__gt__": __gt__}
    elif root == "__gt__":
        def __lt__(self, other):
            r = self.__gt__(other)
            return NotImplemented if r is NotImplemented else (not r and self != other)

        def __ge__(self, other):
            r = self.__gt__(other)
            return NotImplemented if r is NotImplemented else (r or self == other)

        def __le__(self, other):
            r = self.__gt__(other)
            return NotImplemented if r is NotImplemented else not r
        derived = {"__lt__": __lt__, "__ge__": __ge__, "__le__": __le__}
    else:
        def __le__(self, other):
            r = self.__ge__(other)
            return NotImplemented if r is NotImplemented else (not r or self == other)

        def __gt__(self, other):
            r = self.__ge__(other)
            return NotImplemented if r is NotImplemented else (r and self != other)

        def __lt__(self, other):
            r = self.__ge__(other)
            return NotImplemented if r is NotImplemented else not r
        derived = {"__le__": __le__, "__gt__": __gt__, "__lt__": __lt__}
    for name in derived:
        if name not in roots:
            setattr(cls, name, derived[name])
    return cls


def cmp_to_key(mycmp):
    class K(object):
        def __init__(self, obj):
            self.obj = obj

        def __lt__(self, other):
            return mycmp(self.obj, other.obj) < 0

        def __gt__(self, other):
            return mycmp(self.obj, other.obj) > 0

        def __eq__(self, other):
            return mycmp(self.obj, other.obj) == 0

        def __le__(self, other):
            return mycmp(self.obj, other.obj) <= 0

        def __ge__(self, other):
            return mycmp(self.obj, other.obj) >= 0
    return K


def singledispatch(func):
    registry = {}

    def dispatch(cls):
        for c in cls.__mro__:
            if c in registry:
                return registry[c]
        return func

    def register(cls, f=None):
        if f is None:
            return lambda f: register(cls, f)
        registry[cls] = f
        return f

    def wrapper(*args, **kw):
        if not args:
            raise TypeError("%s requires at least 1 positional argument" % getattr(func, "__name__", "function"))
        return dispatch(args[0].__class__)(*args, **kw)

    wrapper.register = register
    wrapper.dispatch = dispatch
    wrapper.registry = registry
    update_wrapper(wrapper, func)
    return wrapper
