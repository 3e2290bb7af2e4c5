import re
from typing import Optional, List, Dict, Union, Any, TYPE_CHECKING, Generic, TypeVar, Protocol, ClassVar

from app import db

if TYPE_CHECKING:
    from flask import Flask  # noqa: F401

T = TypeVar('T')
EMAIL_RE = re.compile(r'^[\w.+-]+@[\w-]+\.[\w.]+$')


class Repository(Generic[T]):
    items: ClassVar[int] = 0

    def __init__(self) -> None:
        self.rows: List[T] = []

    def add(self, row: T) -> Optional[T]:
        self.rows.append(row)
        return row


class Greeter(Protocol):
    def greet(self, name: str) -> str: ...


def slugify(text: str) -> str:
    text = re.sub(r'[^\w\s-]', '', text.lower())
    return re.sub(r'[\s_-]+', '-', text).strip('-')


def valid_email(address: Union[str, None]) -> bool:
    return bool(address and EMAIL_RE.match(address))


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120))
    meta: Dict[str, Any] = {}
