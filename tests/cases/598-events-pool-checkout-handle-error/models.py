from sqlalchemy import event
from sqlalchemy.engine import Engine
from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20), unique=True)
