from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import validates

from app import db


class Person(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    first = db.Column(db.String(50))
    last = db.Column(db.String(50))
    prefs = db.Column(db.PickleType)
    pets = db.relationship('Pet', backref='owner')

    @hybrid_property
    def full_name(self):
        return self.first + ' ' + self.last

    @full_name.inplace.setter
    def _full_name_setter(self, value):
        self.first, self.last = value.split(' ', 1)

    @full_name.inplace.expression
    @classmethod
    def _full_name_expression(cls):
        return cls.first + ' ' + cls.last

    @validates('pets')
    def validate_pet(self, key, pet):
        print('validating', key, pet.name)
        if pet.name == 'Nemo':
            raise ValueError('no fish')
        return pet

    def __repr__(self):
        return f'<Person {self.first}>'


class Pet(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    person_id = db.Column(db.Integer, db.ForeignKey('person.id'))

    def __repr__(self):
        return f'<Pet {self.name}>'
