from app import db


class Account(db.Model):
    org = db.Column(db.Integer, primary_key=True)
    num = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(20))
    kind = db.Column(db.Enum('a', 'b', name='kind', create_constraint=True))
    __table_args__ = (
        db.UniqueConstraint('label', 'kind'),
        db.CheckConstraint('num > 0', name='positive'),
        db.Index(None, 'org', 'label'),
    )


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    acct_org = db.Column('account_org', db.Integer, key='acct_org')
    acct_num = db.Column('account_num', db.Integer, key='acct_num')
    note = db.Column(db.String(10), index=True)
    __table_args__ = (
        db.ForeignKeyConstraint(['acct_org', 'acct_num'], ['account.org', 'account.num']),
    )
