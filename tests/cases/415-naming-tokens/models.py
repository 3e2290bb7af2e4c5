from app import db



class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    first = db.Column(db.String(20))
    last = db.Column(db.String(20))
    age = db.Column(db.Integer, db.CheckConstraint('age > 0', name='positive_age'))
    __table_args__ = (
        db.Index(None, 'first', 'last'),
        db.UniqueConstraint('first', 'last'),
    )


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))
    code = db.Column(db.String(10))
    slug = db.Column(db.String(10))


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(10))
    __table_args__ = (db.UniqueConstraint(slug),)
