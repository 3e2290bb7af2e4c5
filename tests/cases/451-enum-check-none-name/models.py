import enum

from app import db


class Mood(enum.Enum):
    happy = 1
    sad = 2


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.Enum('a', 'bb', create_constraint=True))
    mood = db.Column(db.Enum(Mood, create_constraint=True))
