from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from config import Config

app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app, session_options={'expire_on_commit': False})

import models  # noqa: E402,F401
