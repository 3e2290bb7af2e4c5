from app import db


class Node(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    next_id = db.Column(db.Integer, db.ForeignKey('node.id'))
    next = db.relationship('Node', remote_side=[id], post_update=True)

    def __repr__(self):
        return f'<Node {self.name}>'
