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
    edited = db.Column(db.String(10), onupdate=db.func.upper('x'))
