from app import db


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20))
    name = db.Column(db.String(20))
    version = db.Column(db.Integer, nullable=False)
    __mapper_args__ = {'polymorphic_on': kind, 'polymorphic_identity': 'item', 'version_id_col': version}


class Book(Item):
    id = db.Column(db.Integer, db.ForeignKey('item.id'), primary_key=True)
    pages = db.Column(db.Integer)
    __mapper_args__ = {'polymorphic_identity': 'book'}
