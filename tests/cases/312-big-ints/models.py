from app import db


class Counter(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    total = db.Column(db.Integer, nullable=False, default=0)

    def scaled(self, power):
        return self.total * 10 ** power
