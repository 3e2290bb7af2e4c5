import functools


def deco(f):
    return f


@deco
def modgen(n):
    total = 0
    for i in range(n):
        total += i
        yield i
    extra = 'end'
    yield extra
