from app import db


class Album(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(40), unique=True)
    cover_id = db.Column(db.Integer, db.ForeignKey('photo.id', use_alter=True))
    cover = db.relationship('Photo', foreign_keys=[cover_id], post_update=True)


class Photo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    album_id = db.Column(db.Integer, db.ForeignKey('album.id'), index=True)
    previous_id = db.Column(db.Integer)
    album = db.relationship('Album', foreign_keys=[album_id], backref='photos')
    __table_args__ = (
        db.ForeignKeyConstraint(['previous_id'], ['photo.id'], use_alter=True),
    )
