"""The `itertools` module. Each tool is a class named as CPython's (so its objects show as
`<itertools.chain object at 0x...>`); finite ones compute their items when made, the endless
ones (`count`, `cycle`, `repeat` without times) produce items one `next()` at a time."""


class _Items:
    def __init__(self, items):
        self._items = items
        self._pos = 0

    def __iter__(self):
        return self

    def __next__(self):
        if self._pos >= len(self._items):
            raise StopIteration
        item = self._items[self._pos]
        self._pos += 1
        return item


class count:
    def __init__(self, start=0, step=1):
        self._n = start
        self._step = step

    def __iter__(self):
        return self

    def __next__(self):
        n = self._n
        self._n = n + self._step
        return n

    def __repr__(self):
        if self._step == 1:
            return "count(%r)" % (self._n,)
        return "count(%r, %r)" % (self._n, self._step)


class cycle:
    def __init__(self, iterable):
        self._items = list(iterable)
        self._pos = 0

    def __iter__(self):
        return self

    def __next__(self):
        if not self._items:
            raise StopIteration
        item = self._items[self._pos % len(self._items)]
        self._pos += 1
        return item


class repeat:
    def __init__(self, object, times=None):
        self._object = object
        self._times = times

    def __iter__(self):
        return self

    def __next__(self):
        if self._times is not None:
            if self._times <= 0:
                raise StopIteration
            self._times -= 1
        return self._object

    def __repr__(self):
        if self._times is None:
            return "repeat(%r)" % (self._object,)
        return "repeat(%r, %r)" % (self._object, self._times)


class chain(_Items):
    def __init__(self, *iterables):
        items = []
        for it in iterables:
            items.extend(it)
        _Items.__init__(self, items)

    @classmethod
    def from_iterable(cls, iterables):
        return cls(*list(iterables))


class islice(_Items):
    def __init__(self, iterable, *args):
        if len(args) == 1:
            start, stop, step = None, args[0], None
        elif 2 <= len(args) <= 3:
            start, stop, step = (tuple(args) + (None,))[:3]
        else:
            raise TypeError("islice expected at most 4 arguments, got %d" % (len(args) + 1))
        start = 0 if start is None else start
        step = 1 if step is None else step
        for name, v in (("Stop argument", stop), ("Indices", start)):
            if v is not None and (not isinstance(v, int) or v < 0):
                if name == "Indices":
                    raise ValueError("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
                raise ValueError("Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
        if not isinstance(step, int) or step <= 0:
            raise ValueError("Step for islice() must be a positive integer or None.")
        items = []
        it = iter(iterable)
        i = 0
        while stop is None or i < stop:
            try:
                x = next(it)
            except StopIteration:
                break
            if i >= start and (i - start) % step == 0:
                items.append(x)
            i += 1
        _Items.__init__(self, items)


class accumulate(_Items):
    def __init__(self, iterable, func=None, *, initial=None):
        items = []
        total = initial
        started = initial is not None
        if started:
            items.append(total)
        for x in iterable:
            if not started:
                total = x
                started = True
            elif func is None:
                total = total + x
            else:
                total = func(total, x)
            items.append(total)
        _Items.__init__(self, items)


class compress(_Items):
    def __init__(self, data, selectors):
        _Items.__init__(self, [d for d, s in zip(data, selectors) if s])


class dropwhile(_Items):
    def __init__(self, predicate, iterable):
        items = []
        dropping = True
        for x in iterable:
            if dropping and predicate(x):
                continue
            dropping = False
            items.append(x)
        _Items.__init__(self, items)


class takewhile(_Items):
    def __init__(self, predicate, iterable):
        items = []
        for x in iterable:
            if not predicate(x):
                break
            items.append(x)
        _Items.__init__(self, items)


class filterfalse(_Items):
    def __init__(self, function, iterable):
        if function is None:
            function = bool
        _Items.__init__(self, [x for x in iterable if not function(x)])


class starmap(_Items):
    def __init__(self, function, iterable):
        _Items.__init__(self, [function(*args) for args in iterable])


class pairwise(_Items):
    def __init__(self, iterable):
        items = list(iterable)
        _Items.__init__(self, [(items[i], items[i + 1]) for i in range(len(items) - 1)])


class zip_longest(_Items):
    def __init__(self, *iterables, fillvalue=None):
        lists = [list(it) for it in iterables]
        n = max([len(x) for x in lists], default=0)
        _Items.__init__(
            self, [tuple(x[i] if i < len(x) else fillvalue for x in lists) for i in range(n)]
        )


class product(_Items):
    def __init__(self, *iterables, repeat=1):
        pools = [tuple(pool) for pool in iterables] * repeat
        result = [()]
        for pool in pools:
            result = [x + (y,) for x in result for y in pool]
        _Items.__init__(self, result)


class permutations(_Items):
    def __init__(self, iterable, r=None):
        pool = tuple(iterable)
        n = len(pool)
        r = n if r is None else r
        items = []
        if r <= n:
            for indices in product(range(n), repeat=r):
                if len(set(indices)) == r:
                    items.append(tuple(pool[i] for i in indices))
        _Items.__init__(self, items)


class combinations(_Items):
    def __init__(self, iterable, r):
        pool = tuple(iterable)
        n = len(pool)
        items = []
        if r <= n:
            for indices in permutations(range(n), r):
                if sorted(indices) == list(indices):
                    items.append(tuple(pool[i] for i in indices))
        _Items.__init__(self, items)


class combinations_with_replacement(_Items):
    def __init__(self, iterable, r):
        pool = tuple(iterable)
        n = len(pool)
        items = []
        for indices in product(range(n), repeat=r):
            if sorted(indices) == list(indices):
                items.append(tuple(pool[i] for i in indices))
        _Items.__init__(self, items)


class _grouper(_Items):
    pass


class groupby(_Items):
    def __init__(self, iterable, key=None):
        groups = []
        for x in iterable:
            k = x if key is None else key(x)
            if groups and groups[-1][0] == k:
                groups[-1][1].append(x)
            else:
                groups.append((k, [x]))
        _Items.__init__(self, [(k, _grouper(members)) for k, members in groups])


def tee(iterable, n=2):
    items = list(iterable)
    return tuple(_Items(list(items)) for _ in range(n))

