from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    manager_id = db.Column(db.Integer, db.ForeignKey('user.id'))
