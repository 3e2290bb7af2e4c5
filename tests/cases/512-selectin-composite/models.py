from app import db


class Order(db.Model):
    region = db.Column(db.String(10), primary_key=True)
    number = db.Column(db.Integer, primary_key=True)
    customer = db.Column(db.String(50))
    lines = db.relationship('Line', backref='order', lazy='selectin')


class Line(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    region = db.Column(db.String(10))
    number = db.Column(db.Integer)
    item = db.Column(db.String(20))
    __table_args__ = (
        db.ForeignKeyConstraint(['region', 'number'], ['order.region', 'order.number']),
    )
