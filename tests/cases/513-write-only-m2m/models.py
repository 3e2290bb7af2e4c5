from app import db
from sqlalchemy.orm import WriteOnlyMapped, Mapped, mapped_column

members = db.Table(
    'members',
    db.Column('group_id', db.Integer, db.ForeignKey('group.id'), primary_key=True),
    db.Column('user_id', db.Integer, db.ForeignKey('user.id'), primary_key=True),
)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(50))
    notes: WriteOnlyMapped['Note'] = db.relationship(back_populates='user', passive_deletes=True)


class Group(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(50))
    users: WriteOnlyMapped['User'] = db.relationship(secondary=members)


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(db.String(50))
    user_id: Mapped[int] = mapped_column(db.ForeignKey('user.id'))
    user: Mapped['User'] = db.relationship(back_populates='notes')
