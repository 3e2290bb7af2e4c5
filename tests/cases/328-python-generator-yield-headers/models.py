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


def for_header():
    for x in t('iter-of', (yield 'give me items')):
        print('item', x)
        yield x * 10
    else:
        print('for else')


def for_target():
    d = {}
    for d[(yield 'key?')] in ['a', 'b']:
        print('d =', d)


def while_header():
    n = 0
    while (yield n):
        n += 1
        print('loop', n)
    return n


def if_header():
    if t('cond', (yield 'cond?')) == 'yes':
        print('yes branch')
    elif (yield 'elif?'):
        print('elif branch')
    else:
        print('else branch')
    return 'end'


class CM:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        print('enter', self.name)
        return self.name.upper()
    def __exit__(self, typ, val, tb):
        print('exit', self.name, typ.__name__ if typ else None)


def with_header():
    with CM('a') as a, CM((yield 'name?')) as b:
        print('inside', a, b)
        yield 'body'
    print('after with')


def with_target():
    d = {}
    with CM('t') as d[(yield 'k?')]:
        print('d =', d)


def assert_and_del():
    assert (yield 'a1'), (yield 'msg?')
    d = {'x': 1, 'y': 2}
    del d[(yield 'del?')]
    print('d =', d)
    assert (yield 'a2'), t('message', (yield 'msg2?'))


def aug_subscript():
    d = {'k': 1}
    d[t('key', 'k')] += (yield d['k'])
    print('d =', d)
    d[(yield 'which?')] += 1
    print('d =', d)
    obj = CM('o')
    obj.n = 5
    t('obj', obj).n *= (yield 'times?')
    print('n =', obj.n)


def return_call():
    return t('f', len)((yield 'seq?'))


def chained():
    r = t('lo', 1) < (yield 'mid?') < t('hi', 10)
    print('r =', r)
    r2 = t('a', 5) < t('b', 3) < (yield 'never')
    print('r2 =', r2)
    b = t('x', 0) or (yield 'or?') and t('y')
    print('b =', b)
    b2 = t('z', 1) or (yield 'skipped')
    print('b2 =', b2)
    c = t('then') if (yield 'ifexp?') else t('else')
    print('c =', c)


class Loud:
    def __init__(self):
        self.items = []
    def __bool__(self):
        print('  bool called', self.items)
        return bool(self.items)


def truth_once(obj):
    r = obj or (yield 'empty')
    print('r =', r is obj, r)


def throw_in_header():
    try:
        while (yield 'w'):
            pass
    except KeyError as e:
        print('caught', repr(e))
    with CM('c') as c, CM((yield 'name')) as d:
        pass
