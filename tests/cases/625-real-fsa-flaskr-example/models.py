# From pallets-eco/flask-sqlalchemy, examples/flaskr/flaskr/auth/models.py and
# examples/flaskr/flaskr/blog/models.py (https://github.com/pallets-eco/flask-sqlalchemy),
# in one module. Nothing removed.
from __future__ import annotations

from datetime import datetime
from datetime import timezone

from flask import url_for
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from app import db


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(unique=True)
    password_hash: Mapped[str]
    posts: Mapped[list[Post]] = relationship("Post", back_populates="author")

    def set_password(self, value: str) -> None:
        """Store the password as a hash for security."""
        self.password_hash = generate_password_hash(value)

    # allow password = "..." to set a password
    password = property(fset=set_password)

    def check_password(self, value: str) -> bool:
        return check_password_hash(self.password_hash, value)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created: Mapped[datetime] = mapped_column(default=now_utc)
    title: Mapped[str]
    body: Mapped[str]

    # User object backed by author_id
    # lazy="joined" means the user is returned with the post in one query
    author: Mapped[User] = relationship(lazy="joined", back_populates="posts")

    @property
    def update_url(self) -> str:
        return url_for("blog.update", id=self.id)

    @property
    def delete_url(self) -> str:
        return url_for("blog.delete", id=self.id)
