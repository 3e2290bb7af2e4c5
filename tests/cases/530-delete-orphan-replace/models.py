from app import db


class Invoice(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(20))
    lines = db.relationship('Line', backref='invoice', cascade='all, delete-orphan', order_by='Line.id')


class Line(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    invoice_id = db.Column(db.Integer, db.ForeignKey('invoice.id'), nullable=False)
    text = db.Column(db.String(20))

    def __repr__(self):
        return f'<Line {self.text}>'
