from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

from config import Config

convention = {
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}

app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app, metadata=MetaData(naming_convention=convention))

import models  # noqa: E402,F401
