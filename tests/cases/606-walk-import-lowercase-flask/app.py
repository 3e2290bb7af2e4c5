from flask import flask
from flask_sqlalchemy import SQLAlchemy

from config import Config

app = flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app)

import models  # noqa: E402,F401  (the models need `db`, so they come last)
