from sqlalchemy import event
from app import db


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(50))


@event.listens_for(Note, 'before_insert', once=True)
def first_insert(mapper, connection, target):
    print('first insert only', target.text)


@event.listens_for(Note, 'load', once=True)
def first_load(target, context):
    print('first load only', target.text)


@event.listens_for(Note.text, 'set', once=True, retval=True)
def first_set(target, value, oldvalue, initiator):
    print('first set only', value)
    return value.upper()


@event.listens_for(db.session, 'before_commit', once=True)
def first_commit(session):
    print('first commit only')


def hook(session):
    print('hook')
