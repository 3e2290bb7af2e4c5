from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app import db


class Account(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    entries: WriteOnlyMapped["Entry"] = relationship(back_populates="account")
    logs = db.relationship("Log", lazy="write_only")


class Entry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[int]
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("account.id"))
    account: Mapped[Optional["Account"]] = relationship(back_populates="entries")


class Log(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(30))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))


class Folder(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(30))
    files = db.relationship('File', backref='folder', cascade='all, delete-orphan', passive_deletes=True)


class File(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(30))
    folder_id = db.Column(db.Integer, db.ForeignKey('folder.id', ondelete='CASCADE'))
