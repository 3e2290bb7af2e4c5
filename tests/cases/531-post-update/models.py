from app import db


class Widget(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    favorite_entry_id = db.Column(db.Integer, db.ForeignKey('entry.id', name='fk_favorite_entry', use_alter=True))
    entries = db.relationship('Entry', backref='widget', foreign_keys='Entry.widget_id')
    favorite_entry = db.relationship('Entry', foreign_keys=[favorite_entry_id], post_update=True)


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    widget_id = db.Column(db.Integer, db.ForeignKey('widget.id'))
