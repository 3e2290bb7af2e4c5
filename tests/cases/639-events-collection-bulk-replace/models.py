from sqlalchemy import event
from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    posts = db.relationship('Post', backref='author')


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50))
    user_id = db.Column(db.ForeignKey('user.id'))


@event.listens_for(User.posts, 'bulk_replace')
def on_bulk(target, values, initiator):
    print('bulk_replace', [p.title for p in values], initiator.key, initiator.op)


@event.listens_for(User.posts, 'append')
def on_append(target, value, initiator):
    print('append', value.title, initiator.key, initiator.op)


@event.listens_for(User.posts, 'remove')
def on_remove(target, value, initiator):
    print('remove', value.title, initiator.key, initiator.op)
