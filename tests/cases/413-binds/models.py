from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))


class Event(db.Model):
    __bind_key__ = 'audit'
    id = db.Column(db.Integer, primary_key=True)
    what = db.Column(db.String(50))
