# From the Flask-SQLAlchemy 2.x documentation, "Declaring Models" (docs/models.rst in
# pallets-eco/flask-sqlalchemy): the many-to-many Page/Tag example, with the title, name and
# __repr__ a learner adds to try it.
from app import db

tags = db.Table('tags',
    db.Column('tag_id', db.Integer, db.ForeignKey('tag.id'), primary_key=True),
    db.Column('page_id', db.Integer, db.ForeignKey('page.id'), primary_key=True)
)


class Page(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)
    tags = db.relationship('Tag', secondary=tags, lazy='subquery',
        backref=db.backref('pages', lazy=True))

    def __repr__(self):
        return f'<Page {self.title!r}>'


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True)

    def __repr__(self):
        return f'<Tag {self.name}>'
