from app import db

class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    items = db.relationship('Item', backref='order')

class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey('order.id'), nullable=False)
    n = db.Column(db.Integer)
