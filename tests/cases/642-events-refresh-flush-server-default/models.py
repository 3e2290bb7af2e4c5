from sqlalchemy import event
from app import db


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(50))
    created = db.Column(db.String(20), server_default=db.text("'now'"))


@event.listens_for(Note, 'refresh_flush')
def rf(target, flush_context, attrs):
    print('refresh_flush', target.text, sorted(attrs), type(flush_context).__name__)


@event.listens_for(Note, 'after_insert')
def ai(mapper, connection, target):
    print('after_insert', target.text, target.created)
