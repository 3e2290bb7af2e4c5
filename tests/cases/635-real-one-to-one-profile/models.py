# The one-to-one shape of gothinkster/flask-realworld-example-app's conduit/profile/models.py
# (`user = relationship('User', backref=db.backref('profile', uselist=False))`), with a
# nullable foreign key and a cascade-less and a delete-orphan variant, to see what replacing a
# user's profile sends.
from app import db


class User(db.Model):
    __tablename__ = 'users'
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)

    def __repr__(self):
        return '<User({username!r})>'.format(username=self.username)


class UserProfile(db.Model):
    __tablename__ = 'userprofile'
    id = db.Column(db.Integer, primary_key=True)
    bio = db.Column(db.String(100))
    user_id = db.Column(db.ForeignKey('users.id'))
    user = db.relationship('User', backref=db.backref('profile', uselist=False))

    def __repr__(self):
        return f'<UserProfile {self.id} {self.bio!r}>'


class Avatar(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    url = db.Column(db.String(100))
    user_id = db.Column(db.ForeignKey('users.id'))
    user = db.relationship('User', backref=db.backref('avatar', uselist=False, cascade='all, delete-orphan'))
