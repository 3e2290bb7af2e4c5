from enum import Enum, IntEnum


class Tags(list):
    def add(self, tag):
        if tag not in self:
            self.append(tag)
        return self

    def __repr__(self):
        return f'Tags({super().__repr__()})'


class Cfg(dict):
    def __missing__(self, key):
        return f'<{key}?>'

    def __setitem__(self, key, value):
        super().__setitem__(key.lower(), value)


class Counter2(dict):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.hits = 0

    def __getitem__(self, key):
        self.hits += 1
        return super().__getitem__(key)


class Color(int, Enum):
    RED = 1
    GREEN = 2


class Role(str, Enum):
    ADMIN = 'admin'
    USER = 'user'


class Status(IntEnum):
    ACTIVE = 1
    INACTIVE = 0
