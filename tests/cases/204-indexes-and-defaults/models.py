from app import db


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), unique=True, index=True)
    name = db.Column(db.String(64), index=True, nullable=False)
    bio = db.Column(db.Text, server_default='none')
    active = db.Column(db.Boolean, default=True)
    posts = db.relationship('BlogPost', backref='author', lazy=True)


class BlogPost(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200))
    author_id = db.Column(db.Integer, db.ForeignKey('author.id'), index=True)
