from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app import db


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=datetime(2024, 1, 2, 3, 4, 5))
    updated_at: Mapped[Optional[datetime]]


class ClassicMixin:
    note = db.Column(db.String(20), server_default='new')
    flag = db.Column(db.Boolean, default=False)


class OwnedMixin:
    @declared_attr
    def owner_id(cls) -> Mapped[Optional[int]]:
        return mapped_column(ForeignKey('person.id'))

    @declared_attr
    def label(cls):
        return db.Column(db.String(30), index=True)


class NamedMixin:
    @declared_attr.directive
    def __tablename__(cls):
        return 'tbl_' + cls.__name__.lower()

    @declared_attr.directive
    def __table_args__(cls):
        return (db.UniqueConstraint('title', name='uq_' + cls.__name__.lower() + '_title'),)


class Base(db.Model):
    __abstract__ = True
    id: Mapped[int] = mapped_column(primary_key=True)


class Person(TimestampMixin, Base):
    name: Mapped[str] = mapped_column(String(40))


class Page(NamedMixin, OwnedMixin, ClassicMixin, Base):
    title: Mapped[str] = mapped_column(String(80))
    rank = db.Column(db.Integer)


class Post(ClassicMixin, TimestampMixin, db.Model):
    body = db.Column(db.Text)
    id = db.Column(db.Integer, primary_key=True)


class Tag(OwnedMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    note: Mapped[Optional[str]]
