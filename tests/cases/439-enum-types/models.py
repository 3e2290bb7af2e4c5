import enum

from app import db


class Status(enum.Enum):
    DRAFT = 'draft'
    LIVE = 'live'
    ARCHIVED = 'archived'


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.Enum(Status))
    mood = db.Column(db.Enum('happy', 'sad', name='mood'))
    size = db.Column(db.Enum('S', 'M', 'XL', native_enum=False))
    level = db.Column(db.Enum('low', 'high', name='level', length=10, native_enum=False))
    flag = db.Column(db.Enum('on', 'off', name='flag', create_constraint=True))
    kind = db.Column(db.Enum(Status, create_constraint=True, native_enum=False))
    strict = db.Column(db.Enum('x', 'y', name='strict', validate_strings=True))
    by_value = db.Column(db.Enum(Status, values_callable=lambda e: [m.value for m in e], name='by_value'))


class Strict(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    strict = db.Column(db.Enum('x', 'y', name='strict', validate_strings=True))


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.Enum(Status))
