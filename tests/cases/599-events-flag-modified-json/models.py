from sqlalchemy import event
from sqlalchemy.orm.attributes import flag_modified
from app import db


class Doc(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(20))
    data = db.Column(db.JSON, default=dict)

    def tag(self, t):
        self.data.setdefault('tags', []).append(t)
        flag_modified(self, 'data')


@event.listens_for(Doc.data, 'modified')
def on_modified(target, initiator):
    print('modified', target.title, initiator.key, initiator.op)


@event.listens_for(db.session, 'after_transaction_create')
def tx_create(session, transaction):
    print('after_transaction_create')
