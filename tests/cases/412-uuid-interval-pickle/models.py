import uuid
from datetime import timedelta

from app import db


class Thing(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.Uuid, default=uuid.uuid4)
    ref = db.Column(db.Uuid(as_uuid=False))
    span = db.Column(db.Interval)
