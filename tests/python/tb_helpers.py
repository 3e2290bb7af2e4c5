def ratio(a, b):
    return a / b


def average(values):
    total = sum(values)
    return ratio(total, len(values))


def first(items):
    return items[0]


def shout(user):
    return user.name.upper()


def countdown(n):
    return countdown(n - 1) + 1


class Box:
    def __init__(self, size):
        self.size = size

    def grow(self, by):
        return self.size + by

    def area(self):
        return self.size * self.width


def build():
    data = {'a': 1}
    return data['b']


def undefined_name():
    return missing_thing + 1


def multi(x):
    return dict(
        a=1,
        b=x / 0,
    )


def convert(text):
    try:
        return int(text)
    except ValueError as e:
        raise TypeError('not a number: ' + text) from e


def cleanup(items):
    try:
        return items[0]
    except IndexError:
        return items['x']


def quiet(d):
    try:
        return d['k']
    except KeyError:
        raise LookupError('no k') from None


def finally_fail():
    try:
        1 / 0
    finally:
        undefined_in_finally


def reraise():
    try:
        first([])
    except IndexError:
        raise
