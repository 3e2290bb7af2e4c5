from sqlalchemy import event
from app import db


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    slug = db.Column(db.String(20))


@event.listens_for(Tag, 'init')
def fill_slug(target, args, kwargs):
    kwargs.setdefault('slug', kwargs.get('name', '').lower())
    print('init kwargs', sorted(kwargs.items()))


@event.listens_for(Tag, 'expire')
def on_expire(target, attrs):
    print('expire', target.id if 'id' in target.__dict__ else '?', attrs)


def bad_load(target):
    print('never')


def bad_refresh(target, context, attrs, extra):
    print('never')
