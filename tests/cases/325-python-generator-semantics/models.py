def show(f):
    try:
        r = f()
        print('->', repr(r))
    except BaseException as e:
        print('!!', type(e).__name__ + ':', e)

def count():
    yield 1
g = count(); list(g)
print(repr(g))
def outerf():
    return (x for x in [1])
gg = outerf(); list(gg); print(repr(gg))
class Acc:
    def __init__(self):
        self.total = 0
    def run(self):
        while True:
            self.total += yield self.total
a = Acc(); r = a.run(); next(r); r.send(3); print(r.send(4), a.total)
def sub():
    yield 1
    return 'sub-ret'
def deleg():
    x = yield from sub()
    print('x =', x)
    y = yield from (i for i in [7])
    print('y =', y)
    z = yield from [8]
    print('z =', z)
print(list(deleg()))
def nested():
    try:
        try:
            yield 'a'
            raise ValueError('v')
        except ValueError as e:
            yield 'handling ' + str(e)
            raise
        finally:
            yield 'inner finally'
    except ValueError as e2:
        yield 'outer caught ' + str(e2)
    else:
        yield 'else'
    finally:
        yield 'outer finally'
print(list(nested()))
def lst():
    yield from [1, 2, 3]
l = lst(); next(l)
show(lambda: l.throw(KeyError('thrown')))
show(lambda: next(l))
def raiser():
    yield 1
    raise ValueError('inside')
rr = raiser(); next(rr)
show(lambda: next(rr))
show(lambda: next(rr))
def fret():
    try:
        yield 1
    finally:
        return 'from finally'
fr = fret(); next(fr)
show(lambda: fr.throw(KeyError('lost')))
def loop_with():
    class CM:
        def __init__(self, n): self.n = n
        def __enter__(self): print('enter', self.n); return self.n
        def __exit__(self, t, v, tb): print('exit', self.n, t.__name__ if t else None)
    for i in range(3):
        with CM(i) as n:
            yield n
lw = loop_with(); print(next(lw), next(lw)); lw.close()
print(iter(lw) is lw)
def gexit():
    try:
        yield 1
    except BaseException as e:
        print('saw', type(e).__name__)
        yield 2
ge = gexit(); next(ge)
show(lambda: ge.throw(GeneratorExit))
def counter():
    n = 0
    while n < 3:
        n += 1
        if n == 2:
            continue
        yield n
    else:
        yield 'done'
print(list(counter()))
def cond(items):
    for it in items:
        if it % 2:
            yield it
        elif it > 2:
            yield -it
        else:
            pass
    return
print(list(cond(range(6))))
def exc_in_gen():
    try:
        yield
    except ZeroDivisionError:
        print('zd handled')
        yield 'after'
eg = exc_in_gen(); next(eg)
print(eg.throw(ZeroDivisionError))
def deleg_throw():
    yield from exc_in_gen()
dt = deleg_throw(); next(dt)
print(dt.throw(ZeroDivisionError()))
def pipeline():
    nums = (n for n in range(10))
    evens = (n for n in nums if n % 2 == 0)
    sq = (n * n for n in evens)
    yield from sq
print(sum(pipeline()))
def genx():
    yield 1
print([type(genx()).__name__, type(x for x in []).__name__])
def gen_doc():
    "doc"
    yield 1
print(gen_doc.__doc__, list(gen_doc()))
def unpack():
    a, b = yield
    print(a, b)
u = unpack(); next(u); show(lambda: u.send((1, 2)))
