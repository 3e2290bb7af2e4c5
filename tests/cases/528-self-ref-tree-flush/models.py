from app import db


class Node(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    parent_id = db.Column(db.Integer, db.ForeignKey('node.id'))
    children = db.relationship('Node', backref=db.backref('parent', remote_side=[id]),
                               cascade='all, delete-orphan')

    def __repr__(self):
        return f'<Node {self.name}>'
