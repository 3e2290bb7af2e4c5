from datetime import datetime
from decimal import Decimal

from app import db


class TimestampMixin:
    created = db.Column(db.DateTime, default=datetime.utcnow)

    def touch(self, *args, **kwargs):
        return f'touched {len(args)} {sorted(kwargs)}'


class Product(TimestampMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    price = db.Column(db.Numeric(10, 2))
    _stock = db.Column('stock', db.Integer, default=0)

    def __init__(self, name, price=None, **kwargs):
        super().__init__(name=name, price=price, **kwargs)

    def __repr__(self):
        return f'<Product {self.name!r} {self.price or 0:>8.2f} {{{self.id}}}>'

    def __str__(self):
        return f'{self.name} ({self.price!s})'

    @property
    def stock(self):
        return self._stock or 0

    @stock.setter
    def stock(self, value):
        if value < 0:
            raise ValueError(f'stock cannot be negative: {value}')
        self._stock = value

    @staticmethod
    def parse_price(text):
        return Decimal(text.strip().lstrip('$'))

    @classmethod
    def create(cls, name, price='0'):
        return cls(name, cls.parse_price(price))

    def describe(self, prefix, /, *, upper=False):
        out = f'{prefix}: {self}'
        return out.upper() if upper else out
