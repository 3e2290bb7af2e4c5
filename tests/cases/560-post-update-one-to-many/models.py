from app import db


class Widget(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    favorite_entry_id = db.Column(db.Integer, db.ForeignKey('entry.id', name='fk_fav'))
    version = db.Column(db.Integer, default=0, onupdate=lambda: 99)
    entries = db.relationship('Entry', primaryjoin='Widget.id == Entry.widget_id',
                              post_update=True, backref='widget')
    favorite = db.relationship('Entry', primaryjoin='Widget.favorite_entry_id == Entry.id',
                               post_update=True)


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    widget_id = db.Column(db.Integer, db.ForeignKey('widget.id'))
    stamp = db.Column(db.Integer, default=1, onupdate=lambda: 7)
