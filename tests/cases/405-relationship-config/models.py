from app import db


class Node(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.Integer, db.ForeignKey('node.id'))
    name = db.Column(db.String(20))
    parent = db.relationship('Node', remote_side=[id], backref='children')


class Person(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))


class Letter(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    sender_id = db.Column(db.Integer, db.ForeignKey('person.id'))
    recipient_id = db.Column(db.Integer, db.ForeignKey('person.id'))
    sender = db.relationship('Person', foreign_keys=[sender_id], backref='sent')
    recipient = db.relationship('Person', primaryjoin='Letter.recipient_id == Person.id', backref='received')
