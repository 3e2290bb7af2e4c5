from datetime import datetime

from app import db

counter = [0]


def bump():
    counter[0] += 1
    return counter[0]


class Doc(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50))
    version = db.Column(db.Integer, default=0, onupdate=bump)
    state = db.Column(db.String(10), default='new', onupdate='edited')
    touched = db.Column(db.String(10), server_default='t0', server_onupdate=db.func.now())
    edited = db.Column(db.String(10), onupdate=db.func.upper('x'))
    stamp = db.Column(db.DateTime, default=datetime(2020, 1, 1), onupdate=datetime(2021, 2, 3))
