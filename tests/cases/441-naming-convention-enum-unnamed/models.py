from app import db
class A(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.Enum('a', 'b', create_constraint=True))
