from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(64), nullable=False)
    email = db.Column(db.String(120))
    posts = db.relationship('Post', backref='author', lazy=True)

    def __init__(self, **kw):
        self.note = 'hi'
        super().__init__(**kw)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(120))
    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))
