from app import db


class Account(db.Model):
    org = db.Column(db.Integer, primary_key=True)
    num = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(20))
    entries = db.relationship('Entry', backref='account')


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_org = db.Column(db.Integer)
    account_num = db.Column(db.Integer)
    note = db.Column(db.String(20))
    __table_args__ = (
        db.ForeignKeyConstraint(['account_org', 'account_num'], ['account.org', 'account.num'], name='fk_entry_account', ondelete='CASCADE'),
    )
