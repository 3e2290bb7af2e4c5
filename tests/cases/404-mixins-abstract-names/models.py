from datetime import datetime
from sqlalchemy.orm import declared_attr
from app import db


class TimestampMixin:
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)
    note = db.Column(db.String(20), server_default='new')


class OwnedMixin:
    @declared_attr
    def owner_id(cls):
        return db.Column(db.Integer, db.ForeignKey('app_user.id'))


class BaseModel(db.Model):
    __abstract__ = True
    id = db.Column(db.Integer, primary_key=True)


class AppUser(BaseModel, TimestampMixin):
    name = db.Column(db.String(40))


class HTMLPage(BaseModel, OwnedMixin):
    title = db.Column(db.String(80))


class APIKey2FA(BaseModel, OwnedMixin):
    secret = db.Column(db.String(16))


class SomeURLs(BaseModel):
    url = db.Column(db.Text)


class Page_Version(BaseModel):
    number = db.Column(db.Integer)


class NamedByMixin:
    @declared_attr
    def __tablename__(cls):
        return 'tbl_' + cls.__name__.lower()


class Widget(NamedByMixin, BaseModel):
    size = db.Column(db.Integer)
