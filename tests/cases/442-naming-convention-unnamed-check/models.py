from app import db
class A(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    n = db.Column(db.Integer)
    __table_args__ = (db.CheckConstraint('n > 0'),)
