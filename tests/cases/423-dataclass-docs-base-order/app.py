import datetime
from typing import Annotated

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, BigInteger, DateTime
from sqlalchemy.orm import DeclarativeBase, MappedAsDataclass

from config import Config

str_50 = Annotated[str, 50]


class Base(DeclarativeBase, MappedAsDataclass):
    pass


app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app, model_class=Base)

import models  # noqa: E402,F401
