from app import db


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20), unique=True)
    parent_id = db.Column(db.ForeignKey('tag.id'))
