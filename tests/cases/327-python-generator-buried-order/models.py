def t(tag, v=None):
    print('  eval', tag)
    return v if v is not None else tag


def drive(gen, *sends):
    try:
        print('yielded', repr(next(gen)))
        for s in sends:
            print('yielded', repr(gen.send(s)))
        print('still suspended')
    except StopIteration as e:
        print('returned', repr(e.value))
    except Exception as e:
        print('raised', type(e).__name__, e)


def call_args():
    r = t('f', lambda *a: a)(t('a'), (yield 'y1'), t('b'))
    print('r =', r)


def two():
    print((yield 1), (yield 2))


def three_in_list():
    return [t('x'), (yield 'one'), t('y'), (yield 'two'), (yield 'three')]


def nested():
    v = yield (yield 'inner')
    return v


def sum_of():
    total = t('left', 10) + (yield 'a') * t('k', 2) + (yield 'b')
    return total


def in_method():
    log = []
    log.append(len(log)) or log.append((yield 'i'))
    log.extend([(yield 'j'), (yield 'k')])
    return log


def buried_from():
    r = t('pre') + (yield from sub()) + t('post')
    return r


def sub():
    got = yield 'sub1'
    got2 = yield 'sub2'
    return got + got2


def dict_and_fstring():
    d = {t('k1'): (yield 'v1'), (yield 'k2'): t('v2')}
    s = f"{t('a')}-{(yield 'fs')}-{t('b')}"
    return d, s


def walrus_and_star():
    items = [1, 2]
    r = t('g', lambda *a, **k: (a, k))(*items, (n := (yield 'w')), **{'kw': (yield 'kw')})
    print(n, r)


def throw_into():
    try:
        print(t('before'), (yield 'x'), t('after'))
    except ValueError as e:
        print('caught', e)
        yield 'handled'


def counter():
    calls = []
    def side(v):
        calls.append(v)
        return v
    x = side(1) + (yield) + side(2)
    print(calls, x)
    y = [side(3), (yield), side(4)]
    print(calls, y)
