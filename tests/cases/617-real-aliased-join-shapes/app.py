# Adapted from miguelgrinberg/microblog, Chapter 8: Followers (v0.8), app/__init__.py
# (flask_migrate, flask_login and the logging set-up trimmed: the reference venv lacks them).
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from config import Config

app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app)

import models  # noqa
