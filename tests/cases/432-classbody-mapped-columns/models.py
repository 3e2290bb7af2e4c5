from typing import List, Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import db


class Node(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    rank: Mapped[Optional[int]] = mapped_column()
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey('node.id'))
    children: Mapped[List['Node']] = relationship(back_populates='parent', order_by=name.desc())
    parent: Mapped[Optional['Node']] = relationship(back_populates='children', remote_side=[id])
    siblings_by_rank: Mapped[List['Node']] = relationship(
        primaryjoin=(parent_id == id), order_by=[rank, id], viewonly=True)

    __table_args__ = (db.Index('ix_node_name_rank', name, rank),)

    def __repr__(self):
        return f'<Node {self.name}>'


class Message(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(40))
    sender_id: Mapped[int] = mapped_column(ForeignKey('node.id'))
    recipient_id: Mapped[Optional[int]] = mapped_column(ForeignKey('node.id'))
    sender: Mapped[Node] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[Optional[Node]] = relationship(foreign_keys=recipient_id)

    def __repr__(self):
        return f'<Message {self.body}>'
