from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import validates

from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    first = db.Column(db.String(50))
    last = db.Column(db.String(50))
    email = db.Column(db.String(120))

    @validates('email')
    def validate_email(self, key, address):
        print('validating', key, address)
        if '@' not in address:
            raise ValueError('failed simple email validation')
        return address.lower()

    @hybrid_property
    def full_name(self):
        return self.first + ' ' + self.last
