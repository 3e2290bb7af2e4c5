import datetime
from typing import Optional, List

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db, str_50


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str_50]
    bio: Mapped[Optional[str]] = mapped_column(default=None)
    joined: Mapped[Optional[datetime.datetime]] = mapped_column(default=None)
    books: Mapped[List["Book"]] = relationship(back_populates="author", default_factory=list)


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(120))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("author.id"), default=None)
    author: Mapped[Optional[Author]] = relationship(back_populates="books", default=None)
