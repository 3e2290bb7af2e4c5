from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    slug = db.Column(db.String(50))
    posts = db.relationship('Post', backref='author')


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50))
    user_id = db.Column(db.ForeignKey('user.id'))


@db.event.listens_for(User, 'before_insert')
def bi(mapper, connection, target):
    print('before_insert', mapper, connection, target, target.name)
    target.slug = target.name.lower()


@db.event.listens_for(User, 'after_insert')
def ai(mapper, connection, target):
    print('after_insert', mapper, target.id)
    target.slug = 'changed'


@db.event.listens_for(Post, 'before_insert')
def pbi(mapper, connection, target):
    print('post before_insert', target.title, target.user_id)


@db.event.listens_for(User, 'before_update')
def bu(mapper, connection, target):
    print('before_update', target.name)


@db.event.listens_for(User, 'after_update')
def au(mapper, connection, target):
    print('after_update', target.name)


@db.event.listens_for(User, 'before_delete')
def bd(mapper, connection, target):
    print('before_delete', target.name)


@db.event.listens_for(User, 'after_delete')
def ad(mapper, connection, target):
    print('after_delete', target.name)


def bf(session, flush_context, instances):
    print('before_flush', session, flush_context, instances, list(session.new), list(session.dirty))


db.event.listen(db.session, 'before_flush', bf)


@db.event.listens_for(db.session, 'after_flush')
def af(session, flush_context):
    print('after_flush', list(session.new))


@db.event.listens_for(db.session, 'after_flush_postexec')
def afp(session, flush_context):
    print('after_flush_postexec', list(session.new), list(session.dirty))


@db.event.listens_for(db.session, 'before_commit')
def bc(session):
    print('before_commit')


@db.event.listens_for(db.session, 'after_commit')
def ac(session):
    print('after_commit')


@db.event.listens_for(db.session, 'after_rollback')
def ar(session):
    print('after_rollback')


@db.event.listens_for(db.session, 'after_begin')
def ab(session, transaction, connection):
    print('after_begin', transaction, connection)
