from typing import Optional

from sqlalchemy.orm import Mapped, MappedAsDataclass, mapped_column

from app import db


class Author(MappedAsDataclass, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    bio: Mapped[Optional[str]] = mapped_column(default=None)
    name: Mapped[str]
