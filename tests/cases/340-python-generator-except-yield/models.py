import traceback


def matcher(x='which?'):
    try:
        raise KeyError('k')
    except (yield x) as e:
        print('caught', repr(e))
        got = yield 'handled'
        print('handler got', repr(got))
    yield 'after'


def bare():
    try:
        [][1]
    except ValueError:
        print('not here')
    except (yield):
        print('bare caught')
    return 'done'


def in_tuple(log):
    try:
        {}['missing']
    except (log('first'), (yield 'pick'), log('last'))[1] as err:
        print('tuple caught', repr(err), err.__context__)
    yield 'end'


def looping():
    for exc in [KeyError('a'), IndexError('b'), ZeroDivisionError('c')]:
        try:
            raise exc
        except (yield exc.__class__.__name__) as e:
            print('loop caught', repr(e))


def catch(t):
    try:
        raise KeyError(1)
    except t:
        print('caught', t)


def show_tb(f):
    try:
        f()
    except BaseException:
        print(traceback.format_exc())


def buried():
    print('a', (yield))


def in_list():
    x = [1, (yield 2)]


def statement():
    x = yield 5


def plain():
    yield 5


def delegating():
    x = yield from plain()


def delegating_buried():
    print((yield from plain()))


def throw_into(fn):
    g = fn()
    next(g)
    show_tb(lambda: g.throw(ValueError))
