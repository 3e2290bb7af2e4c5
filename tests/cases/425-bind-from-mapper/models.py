from app import db



class Account(db.Model):
    __bind_key__ = 'users'
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, nullable=False)
    profiles = db.relationship('Profile', backref='account')


class Profile(db.Model):
    __bind_key__ = 'users'
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey('account.id'), nullable=False)
    bio = db.Column(db.Text)


entry_tags = db.Table(
    'entry_tags',
    db.Column('entry_id', db.Integer, primary_key=True),
    db.Column('tag', db.String(20), primary_key=True),
    bind_key='logs',
)


class LogEntry(db.Model):
    __bind_key__ = 'logs'
    id = db.Column(db.Integer, primary_key=True)
    message = db.Column(db.String(200), index=True)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80))
