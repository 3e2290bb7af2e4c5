from app import db


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    books = db.relationship('Book', backref='author')


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50))
    author_id = db.Column(db.Integer, db.ForeignKey('author.id'))
    editor_id = db.Column(db.Integer, db.ForeignKey('editor.id'))
    editor = db.relationship('Editor', backref='books')


class Editor(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    mentor_id = db.Column(db.Integer, db.ForeignKey('author.id'))
    mentor = db.relationship('Author', backref='mentees')
