from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app import db


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey('user.id'))
    user_code = db.Column(db.ForeignKey('user.code'), nullable=False)


print(repr(Post.__table__.c.user_id.type), Post.__table__.c.user_code.type)
print(repr(Post.__table__.c.user_code))
fk = list(Post.__table__.c.user_id.foreign_keys)[0]
print(repr(fk), fk.target_fullname)
try:
    fk.column
except Exception as e:
    print(type(e).__name__, e)


class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey('post.id'))
    author_id = mapped_column(ForeignKey('user.id'))
    code: Mapped[Optional[str]] = mapped_column(ForeignKey('user.code'))


print(repr(Comment.__table__.c.author_id.type), repr(Comment.__table__.c.code.type))
print(repr(Comment.__table__.c.post_id.type))


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(8), unique=True)


print(repr(Post.__table__.c.user_id.type), repr(Comment.__table__.c.code.type))
