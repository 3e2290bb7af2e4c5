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
