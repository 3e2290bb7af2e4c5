from app import db


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    books = db.relationship('Book', backref='author')
    notes = db.relationship('Note', backref='author', cascade='all, delete-orphan')


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50))
    author_id = db.Column(db.Integer, db.ForeignKey('author.id'))


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(50))
    author_id = db.Column(db.Integer, db.ForeignKey('author.id'))
