def watched():
    print('running inside:', me.gi_running, me.gi_frame.f_lineno)
    f = me.gi_frame
    x = yield 'first'
    print('again:', me.gi_running, me.gi_frame.f_lineno, me.gi_frame is f)
    yield x


me = None


def start():
    global me
    me = watched()
    return me
