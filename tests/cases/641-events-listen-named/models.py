from sqlalchemy import event
from app import db


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(50))


@event.listens_for(Note, 'before_insert', named=True)
def bi(**kw):
    print('before_insert', sorted(kw), kw['target'].text)


@event.listens_for(Note, 'after_update', named=True)
def au(mapper, **kw):
    print('after_update', mapper, sorted(kw))


@event.listens_for(Note.text, 'set', named=True, retval=True)
def on_set(**kw):
    print('set', sorted(kw), kw['value'], kw['oldvalue'], kw['initiator'].op)
    return kw['value'].strip()


@event.listens_for(Note, 'load', named=True)
def on_load(target, **kw):
    print('load', target.text, sorted(kw))


@event.listens_for(db.session, 'after_begin', named=True)
def ab(**kw):
    print('after_begin', sorted(kw))


@event.listens_for(db.session, 'pending_to_persistent', named=True)
def p2p(session, instance):
    print('pending_to_persistent', instance.text)


@event.listens_for(db.session, 'before_commit', named=True)
def bc(session, extra):
    print('never')
