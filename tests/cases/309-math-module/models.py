import math

from app import db


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    price = db.Column(db.Float, nullable=False)

    @staticmethod
    def pages(total, per_page=10):
        return max(1, math.ceil(total / per_page))

    def rounded(self):
        return math.floor(self.price * 100) / 100
