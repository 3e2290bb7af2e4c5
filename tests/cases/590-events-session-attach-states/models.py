from sqlalchemy import event
from app import db


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20), unique=True)


def show(name):
    def listener(session, *args):
        print(name, *[a if isinstance(a, Item) else type(a).__name__ for a in args])
    return listener


for name in ['before_attach', 'after_attach', 'after_begin', 'before_commit', 'after_commit',
             'after_rollback', 'after_soft_rollback', 'before_flush', 'after_flush',
             'after_flush_postexec', 'transient_to_pending', 'pending_to_persistent',
             'pending_to_transient', 'detached_to_persistent']:
    event.listen(db.session, name, show(name))
