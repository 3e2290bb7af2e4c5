from app import db


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(10), nullable=False)
    name = db.Column(db.String(50), index=True)
    __table_args__ = (
        db.UniqueConstraint('code', name='uq_author_code'),
        db.CheckConstraint('length(code) > 1', name='ck_code_len'),
    )


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey('author.id', ondelete='CASCADE'))
    isbn = db.Column(db.String(13), unique=True)
    db.UniqueConstraint('title', 'author_id')
    db.Index('ix_book_title_isbn', 'title', 'isbn')
