import json

from sqlalchemy.types import TypeDecorator

from app import db


class JSONList(TypeDecorator):
    impl = db.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        print('bind', value, dialect.name)
        return None if value is None else json.dumps(value)

    def process_result_value(self, value, dialect):
        print('result', value)
        return None if value is None else json.loads(value)


class Lower(TypeDecorator):
    impl = db.String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value.lower() if value else value


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    tags = db.Column(JSONList)
    code = db.Column(Lower)
    label = db.Column(Lower(10))
