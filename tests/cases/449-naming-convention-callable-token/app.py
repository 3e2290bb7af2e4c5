from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

from config import Config


def fk_name(constraint, table):
    return "%s_%s" % (table.name, constraint.referred_table.name)


def column_list(constraint, table):
    return "_".join(c.name for c in constraint.columns)


convention = {
    "fk_name": fk_name,
    "cols": column_list,
    "fk": "fk_%(fk_name)s",
    "uq": "uq_%(table_name)s_%(cols)s",
    "pk": "pk_%(table_name)s",
}

app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app, metadata=MetaData(naming_convention=convention))

import models  # noqa: E402,F401
