# From duongcoder211/BookLibraryAI (https://github.com/duongcoder211/BookLibraryAI): app/db/base.py
# (the DeclarativeBase with a naming convention, db = SQLAlchemy(model_class=Base)) and the
# application's db.init_app(app).
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from config import Config


class Base(DeclarativeBase):
    """
    You can optionally construct the SQLAlchemy object with a custom MetaData object.
    This allows you to specify a custom constraint naming convention
    """
    metadata = MetaData(naming_convention={
        "ix": 'ix_%(column_0_label)s',
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s"
    })


db = SQLAlchemy(model_class=Base)

app = Flask(__name__)
app.config.from_object(Config)
db.init_app(app)

import models  # noqa: E402,F401
