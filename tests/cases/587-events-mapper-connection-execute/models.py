from sqlalchemy import event, text
from app import db


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50))


class AuditLog(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(20))
    post_id = db.Column(db.Integer)


@event.listens_for(Post, 'after_insert')
def log_insert(mapper, connection, target):
    print('after_insert', connection, target.id)
    connection.execute(AuditLog.__table__.insert().values(action='insert', post_id=target.id))


@event.listens_for(Post, 'after_update')
def log_update(mapper, connection, target):
    connection.execute(db.insert(AuditLog).values(action='update', post_id=target.id))
    n = connection.execute(text('SELECT count(*) FROM audit_log')).scalar()
    print('logs', n)


@event.listens_for(Post, 'before_delete')
def log_delete(mapper, connection, target):
    connection.execute(AuditLog.__table__.update().where(AuditLog.post_id == target.id).values(action='gone'))


@event.listens_for(db.session, 'after_begin')
def begun(session, transaction, connection):
    print('after_begin', connection)
