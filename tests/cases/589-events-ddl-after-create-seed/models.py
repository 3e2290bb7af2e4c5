from sqlalchemy import event, DDL
from app import db


class Role(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20), unique=True)


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))


event.listen(Role.__table__, 'after_create', DDL("INSERT INTO role (name) VALUES ('admin')"))


@event.listens_for(Tag.__table__, 'after_create')
def seed_tags(target, connection, **kw):
    print('after_create', repr(target), connection, sorted(kw))
    connection.execute(target.insert(), [{'name': 'a'}, {'name': 'b'}])
    print(connection.execute(db.select(db.func.count()).select_from(target)).scalar())


@event.listens_for(Tag.__table__, 'before_create')
def before_tags(target, connection, **kw):
    print('before_create', target.name, sorted(kw))


@event.listens_for(db.metadata, 'before_create')
def before_all(target, connection, tables=None, **kw):
    print('metadata before_create', target, [t.name for t in tables], sorted(kw))


@event.listens_for(db.metadata, 'after_create')
def after_all(target, connection, tables=None, **kw):
    print('metadata after_create', [t.name for t in tables], sorted(kw))


@event.listens_for(Tag.__table__, 'before_drop')
def before_drop(target, connection, **kw):
    print('before_drop', target.name, sorted(kw))


@event.listens_for(Tag.__table__, 'after_drop')
def after_drop(target, connection, **kw):
    print('after_drop', target.name)
    connection.execute(DDL('DROP TABLE IF EXISTS %(table)s_archive'))


@event.listens_for(db.metadata, 'after_drop')
def after_drop_all(target, connection, tables=None, **kw):
    print('metadata after_drop', [t.name for t in tables], sorted(kw))

