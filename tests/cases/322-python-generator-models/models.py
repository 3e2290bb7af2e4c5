from app import db


def chunked(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    books = db.relationship('Book', backref='author', order_by='Book.id')

    def __repr__(self):
        return f'<Author {self.name}>'

    def titles(self):
        print('loading books of', self.name)
        for book in self.books:
            print('visiting', book.title)
            yield book.title.upper()

    def running_pages(self):
        total = 0
        for book in self.books:
            total += book.pages
            yield book.title, total
        return total

    @property
    def long_titles(self):
        return (b.title for b in self.books if len(b.title) > 4)


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100), nullable=False)
    pages = db.Column(db.Integer, default=0)
    author_id = db.Column(db.Integer, db.ForeignKey('author.id'))

    def __repr__(self):
        return f'<Book {self.title}>'


def seed():
    print('seeding')
    for name, books in [('Ann', [('Dune', 412), ('Emma', 320), ('Ulysses', 730)]), ('Bob', [('It', 1138)])]:
        author = Author(name=name)
        db.session.add(author)
        for title, pages in books:
            author.books.append(Book(title=title, pages=pages))
        yield author
    db.session.commit()
    print('committed')
