from app import db


class Account(db.Model):
    org = db.Column(db.Integer, primary_key=True)
    num = db.Column(db.Integer, primary_key=True)


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    acct_org = db.Column('account_org', db.Integer, key='acct_org')
    acct_num = db.Column('account_num', db.Integer, key='acct_num')
    __table_args__ = (
        db.ForeignKeyConstraint(['account_org', 'account_num'], ['account.org', 'account.num']),
    )
