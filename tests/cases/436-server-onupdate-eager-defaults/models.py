from sqlalchemy import FetchedValue

from app import db


class Doc(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(40))
    stamp = db.Column(db.String(20), server_default='born', server_onupdate=FetchedValue())
    edits = db.Column(db.Integer, server_default=db.text('0'), server_onupdate=db.text('edits + 1'))


class Note(db.Model):
    __mapper_args__ = {'eager_defaults': True}
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(40))
    state = db.Column(db.String(10), server_default='new')
    stamp = db.Column(db.String(20), server_default='born', server_onupdate=FetchedValue())
