from datetime import datetime
from sqlalchemy import event
from sqlalchemy.orm import validates
from app import db


class TimestampMixin:
    created_at = db.Column(db.DateTime)
    updated_at = db.Column(db.DateTime)


@event.listens_for(TimestampMixin, 'before_insert', propagate=True)
def stamp_insert(mapper, connection, target):
    print('stamp insert', mapper, type(target).__name__)
    target.created_at = datetime(2024, 1, 1)


@event.listens_for(TimestampMixin, 'before_update', propagate=True)
def stamp_update(mapper, connection, target):
    print('stamp update', type(target).__name__)
    target.updated_at = datetime(2024, 2, 2)


class User(TimestampMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    tags = db.relationship('Tag', backref='user')

    def __init__(self, **kw):
        print('User.__init__', kw)
        super().__init__(**kw)

    @validates('tags')
    def check_tag(self, key, tag):
        print('validate', key, tag.label)
        return tag


class Tag(TimestampMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(20))
    user_id = db.Column(db.ForeignKey('user.id'))


@event.listens_for(User.tags, 'append', retval=True)
def on_append(target, value, initiator):
    print('append', target.name, value.label, initiator.op, initiator.key)
    value.label = value.label.upper()
    return value


@event.listens_for(User.tags, 'remove')
def on_remove(target, value, initiator):
    print('remove', target.name, value.label, initiator.op)


@event.listens_for(User.name, 'set', retval=True)
def on_set(target, value, oldvalue, initiator):
    print('set', value, oldvalue)
    return value.strip()


@event.listens_for(User.name, 'set', raw=True)
def on_set_raw(state, value, oldvalue, initiator):
    print('raw set', state, value)


@event.listens_for(User, 'init')
def on_init(target, args, kwargs):
    print('init', target, args, kwargs)


@event.listens_for(User, 'load')
def on_load(target, context):
    print('load', target, context)


@event.listens_for(Tag, 'after_insert', raw=True)
def tag_ins(mapper, connection, state):
    print('tag after_insert', state, state.object.label)
