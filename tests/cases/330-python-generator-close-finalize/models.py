def stubborn():
    try:
        yield 1
    finally:
        yield 'from finally'


def cleanup(name):
    try:
        yield name
        yield name + '2'
    finally:
        print('finally of', name)


def bad_cleanup():
    try:
        yield 'b'
    finally:
        raise ValueError('cleanup failed')


def with_exit():
    class CM:
        def __enter__(self):
            return self
        def __exit__(self, *a):
            print('exit with', a[0].__name__ if a[0] else None)
    with CM():
        yield 'w'
