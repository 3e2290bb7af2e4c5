from sqlalchemy import event
from sqlalchemy.orm import Session
from app import db


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20), unique=True)


def tx(t):
    return 'root' if t.parent is None else 'sub'


@event.listens_for(Session, 'after_transaction_create')
def tx_create(session, transaction):
    print('create', tx(transaction))


@event.listens_for(Session, 'after_transaction_end')
def tx_end(session, transaction):
    print('end', tx(transaction))


@event.listens_for(Session, 'after_rollback')
def rb(session):
    print('after_rollback')


@event.listens_for(Session, 'after_soft_rollback')
def soft(session, previous_transaction):
    print('after_soft_rollback', tx(previous_transaction))


@event.listens_for(Session, 'pending_to_transient')
def p2t(session, instance):
    print('pending_to_transient', instance.name)


@event.listens_for(Session, 'persistent_to_transient')
def per2t(session, instance):
    print('persistent_to_transient', instance.name)


@event.listens_for(Session, 'deleted_to_persistent')
def d2p(session, instance):
    print('deleted_to_persistent', instance.name)
