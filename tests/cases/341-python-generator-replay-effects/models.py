class Mapping:
    def __init__(self, name, **items):
        self.name = name
        self.items = items

    def keys(self):
        print(self.name, 'keys()')
        return list(self.items)

    def __getitem__(self, key):
        print(self.name, f'[{key!r}]')
        return self.items[key]


class Noisy:
    def __init__(self, name, *values):
        self.name = name
        self.values = values

    def __iter__(self):
        print(self.name, '__iter__')
        return self.walk()

    def walk(self):
        for v in self.values:
            print(self.name, 'gives', repr(v))
            yield v
        print(self.name, 'exhausted')


class Store:
    def __setitem__(self, key, value):
        print('store', repr(key), '=', repr(value))

    def __setattr__(self, name, value):
        print('set', name, '=', repr(value))


def show(*args, **kwargs):
    print('show', args, kwargs)
    return 'shown'


def unpack_target():
    s = Store()
    s[(yield 'key?')], second = Noisy('pair', 1, 2)
    print('second', second)
    s.first, (s.inner, s[(yield 'inner key?')]), *rest = Noisy('nested', 'a', ('b', 'c'), 'd', 'e')
    print('rest', rest)


def for_target():
    s = Store()
    for s[(yield 'loop key?')], v in [Noisy('row1', 'x', 1), Noisy('row2', 'y', 2)]:
        print('body', v)


def keyword_mapping():
    r = show(**Mapping('m', a=1, b=2), c=(yield 'c?'))
    print('result', r)
    r = show(x=1, **Mapping('m2', y=2), z=(yield 'z?'), **{'w': (yield 'w?')})
    print('result', r)


def dict_display():
    d = {'first': 0, **Mapping('dm', a=1), 'b': (yield 'b?'), **Mapping('dm2', c=3)}
    print('dict', d)


def star_args():
    print('call', *Noisy('args', 1, 2), (yield 'more?'), *Noisy('args2', 3))
    t = [*Noisy('list', 'l'), (yield 'item?')]
    print('list', t)
    u = {*Noisy('set', 's'), (yield 'set item?')}
    print('set', sorted(u))


def run(fn, *sends):
    g = fn()
    print('->', next(g))
    for v in sends:
        try:
            print('->', g.send(v))
        except StopIteration:
            print('done')


class Deleter:
    def __delitem__(self, key):
        print('delete', repr(key))


def deleting():
    d = Deleter()
    d.attr = d.other = d.last = 'set'
    x = 1
    del (x, d.attr, d[(yield 'del key?')])
    print(vars(d))
    del [d.other, [d[(yield 'nested?')], d.last]]
    print(vars(d))
