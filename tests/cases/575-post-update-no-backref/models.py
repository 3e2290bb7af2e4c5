from app import db


class Node(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    items = db.relationship('Item', post_update=True)


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    node_id = db.Column(db.Integer, db.ForeignKey('node.id'))
