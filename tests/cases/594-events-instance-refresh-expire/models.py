from sqlalchemy import event
from sqlalchemy.orm import attributes
from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    score = db.Column(db.Integer, default=5)
    posts = db.relationship('Post', backref='author')

    def __init__(self, name, **kw):
        if name == 'bad':
            raise ValueError('bad name')
        super().__init__(name=name, **kw)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50))
    user_id = db.Column(db.ForeignKey('user.id'))


@event.listens_for(User, 'init')
def on_init(target, args, kwargs):
    print('init', args, kwargs)


@event.listens_for(User, 'init_failure')
def on_init_failure(target, args, kwargs):
    print('init_failure', args, kwargs)


@event.listens_for(User, 'load')
def on_load(target, context):
    print('load', target.name, type(context).__name__)


@event.listens_for(User, 'refresh')
def on_refresh(target, context, attrs):
    print('refresh', target.name, sorted(attrs) if attrs else attrs, type(attrs).__name__, type(context).__name__)


@event.listens_for(User, 'refresh_flush')
def on_refresh_flush(target, flush_context, attrs):
    print('refresh_flush', target.id, attrs)


@event.listens_for(User, 'expire')
def on_expire(target, attrs):
    print('expire', attrs, type(attrs).__name__)


@event.listens_for(User.score, 'init_scalar', retval=True, propagate=True)
def init_score(target, value, dict_):
    print('init_scalar', value)
    dict_['score'] = 5
    return 5


@event.listens_for(User.name, 'modified')
def on_modified(target, initiator):
    print('modified', initiator.key, initiator.op)


@event.listens_for(User.posts, 'bulk_replace')
def on_bulk(target, values, initiator):
    print('bulk_replace', [p.title for p in values], initiator.op)


@event.listens_for(User.posts, 'append')
def on_append(target, value, initiator):
    print('append', value.title, initiator.op)


@event.listens_for(User.posts, 'remove')
def on_remove(target, value, initiator):
    print('remove', value.title, initiator.op)
