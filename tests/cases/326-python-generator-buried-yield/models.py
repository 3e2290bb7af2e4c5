def show(f):
    try:
        r = f()
        print('->', repr(r))
    except BaseException as e:
        print('!!', type(e).__name__ + ':', e)

def sendgen():
    received = []
    while len(received) < 3:
        received.append((yield len(received)))
    return received
sg = sendgen(); print(next(sg)); print(sg.send('a')); print(sg.send('b'))
try:
    sg.send('c')
except StopIteration as e:
    print('returned', e.value)
def printer():
    while True:
        print('got', (yield 'ready'))
p = printer(); print(next(p)); print(p.send(1)); print(p.send(2))
show(lambda: p.throw(ValueError('into print')))
def calc():
    x = (yield 'x?') * 2
    y = 1 + (yield 'y?')
    return x + y
c = calc(); print(next(c)); print(c.send(5))
show(lambda: c.send(7))
def impure():
    log = []
    log.append(len(log)) or log.append((yield 'i'))
    print(log)

def fstr():
    name = 'n'
    print(f'{name}: {(yield name)}')
f = fstr(); print(next(f)); show(lambda: f.send('val'))
def cond():
    flag = True
    r = 'yes' if flag else (yield 'no')
    s = (yield 'q') if flag else 'x'
    print(r, s)
    return {'k': (yield 'dict')}
c2 = cond(); print(next(c2)); print(c2.send('S')); show(lambda: c2.send('D'))
def acc():
    d = {'t': 0}
    while True:
        d['t'] += (yield d['t'])
a = acc(); next(a); a.send(2); print(a.send(3))
def two():
    print((yield 1), (yield 2))
print(list(two()))

