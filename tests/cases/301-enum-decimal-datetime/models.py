import enum
from decimal import Decimal
from datetime import datetime, date, timedelta

from app import db


class Status(enum.Enum):
    DRAFT = 'draft'
    PUBLISHED = 'published'


class Priority(enum.IntEnum):
    LOW = 1
    MEDIUM = enum.auto()
    HIGH = enum.auto()


class Color(str, enum.Enum):
    RED = 'red'
    GREEN = 'green'


class Kind(enum.StrEnum):
    BOOK = enum.auto()
    FILM = enum.auto()


PRICE = Decimal('9.99')
LAUNCH = datetime(2024, 1, 15, 9, 30)
