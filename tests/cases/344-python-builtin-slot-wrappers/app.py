from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from config import Config

app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))

    def __repr__(self):
        return object.__repr__(self)


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)

    def __repr__(self):
        return 'P' + super().__repr__()

