from sqlalchemy import event
from sqlalchemy.orm import Session
from app import db


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))


def tx(t):
    return 'root' if t.parent is None else ('nested' if t.nested else 'sub')


@event.listens_for(db.session, 'after_transaction_create')
def tx_create(session, transaction):
    print('after_transaction_create', tx(transaction), type(transaction).__name__)


@event.listens_for(db.session, 'after_transaction_end')
def tx_end(session, transaction):
    print('after_transaction_end', tx(transaction))


@event.listens_for(db.session, 'after_begin')
def begin(session, transaction, connection):
    print('after_begin', tx(transaction), type(connection).__name__)


@event.listens_for(db.session, 'after_soft_rollback')
def soft(session, previous_transaction):
    print('after_soft_rollback', tx(previous_transaction), session.in_transaction())


@event.listens_for(db.session, 'transient_to_pending')
def t2p(session, instance):
    print('transient_to_pending', instance.name)


@event.listens_for(db.session, 'pending_to_persistent')
def p2p(session, instance):
    print('pending_to_persistent', instance.name, instance.id)


@event.listens_for(db.session, 'persistent_to_deleted')
def p2d(session, instance):
    print('persistent_to_deleted', instance.id)


@event.listens_for(db.session, 'deleted_to_detached')
def d2d(session, instance):
    print('deleted_to_detached', instance.id)


@event.listens_for(db.session, 'deleted_to_persistent')
def d2p(session, instance):
    print('deleted_to_persistent', instance.id)


@event.listens_for(db.session, 'persistent_to_detached')
def p2det(session, instance):
    print('persistent_to_detached', instance)


@event.listens_for(db.session, 'persistent_to_transient')
def p2t(session, instance):
    print('persistent_to_transient', instance)


@event.listens_for(db.session, 'loaded_as_persistent')
def lap(session, instance):
    print('loaded_as_persistent', instance.id)


@event.listens_for(db.session, 'detached_to_persistent')
def det2p(session, instance):
    print('detached_to_persistent', instance.id)
