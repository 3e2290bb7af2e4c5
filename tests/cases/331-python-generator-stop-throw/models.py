import traceback


def leaky():
    yield 1
    raise StopIteration('leaked')


def leaky_next():
    it = iter([])
    yield 'first'
    yield next(it)


def returns(v):
    yield 'r'
    return v


def delegator():
    got = yield from returns('sub-value')
    print('delegator got', repr(got))
    got2 = yield from returns(None)
    print('second got', repr(got2))
    return 'outer-done'


def catcher():
    while True:
        try:
            yield 'ready'
        except Exception as e:
            print('caught', type(e).__name__, repr(e), e.args)
            yield 'handled'


def show_tb(f):
    try:
        f()
    except BaseException:
        print(traceback.format_exc())
