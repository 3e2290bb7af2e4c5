from sqlalchemy import event
from app import db


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50))
    slug = db.Column(db.String(50))


class Log(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    msg = db.Column(db.String(50))


@event.listens_for(db.session, 'before_flush')
def slugify(session, flush_context, instances):
    for obj in session.new:
        if isinstance(obj, Post):
            obj.slug = obj.title.lower().replace(' ', '-')
            session.add(Log(msg='new ' + obj.title))
    for obj in session.dirty:
        if isinstance(obj, Post):
            print('dirty', obj.title)


@event.listens_for(Post, 'before_update')
def check(mapper, connection, target):
    if target.title == 'bad':
        raise ValueError('no bad titles')


@event.listens_for(db.session, 'after_rollback')
def rb(session):
    print('after_rollback')
