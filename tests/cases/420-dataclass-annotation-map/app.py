import datetime
from typing import Annotated

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, BigInteger, DateTime
from sqlalchemy.orm import DeclarativeBase, MappedAsDataclass

from config import Config

str_50 = Annotated[str, 50]


class Base(MappedAsDataclass, DeclarativeBase):
    type_annotation_map = {
        int: BigInteger,
        str_50: String(50),
        datetime.datetime: DateTime(timezone=True),
    }


app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app, model_class=Base)

import models  # noqa: E402,F401
