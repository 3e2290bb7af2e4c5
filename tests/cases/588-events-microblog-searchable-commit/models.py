from app import db


class SearchableMixin(object):
    @classmethod
    def before_commit(cls, session):
        session._changes = {
            'add': list(session.new),
            'update': list(session.dirty),
            'delete': list(session.deleted)
        }

    @classmethod
    def after_commit(cls, session):
        for obj in session._changes['add']:
            if isinstance(obj, SearchableMixin):
                print('add_to_index', obj.__tablename__, obj.id, obj.body)
        for obj in session._changes['update']:
            if isinstance(obj, SearchableMixin):
                print('add_to_index', obj.__tablename__, obj.id, obj.body)
        for obj in session._changes['delete']:
            if isinstance(obj, SearchableMixin):
                print('remove_from_index', obj.__tablename__, obj.id)
        session._changes = None


db.event.listen(db.session, 'before_commit', SearchableMixin.before_commit)
db.event.listen(db.session, 'after_commit', SearchableMixin.after_commit)


class Post(SearchableMixin, db.Model):
    __searchable__ = ['body']
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(140))
