from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData

from config import Config


def short_ck(constraint, table):
    return table.name[:3]


convention = {
    'ix': 'ix_%(column_0N_label)s',
    'uq': 'uq_%(tabel_name)s',
    'ck': 'ck_%(table_name)s_%(constraint_name)s',
    'fk': 'fk_%(table_name)s_%(column_0N_key)s_%(referred_table_name)s_%(referred_column_0N_name)s',
    'pk': 'pk_%(table_name)s_%(column_0_key)s',
    'short': short_ck,
}

app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app, metadata=MetaData(naming_convention=convention))

import models  # noqa: E402,F401
