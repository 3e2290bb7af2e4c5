from sqlalchemy.ext.hybrid import hybrid_property

from app import db


class Person(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    first = db.Column(db.String(50))
    last = db.Column(db.String(50))

    @hybrid_property
    def full_name(self):
        return self.first + ' ' + self.last

    @hybrid_property
    def initial(self):
        return self.first

    def __repr__(self):
        return f'<Person {self.first}>'
