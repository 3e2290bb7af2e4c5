import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

basedir = os.path.abspath(os.path.dirname(__file__))

app = Flask(__name__)
# Where the database is: sqlite:// alone is a database in memory.
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite://'
# The extension's modification signals are not needed.
app.config['SQLALCHEMY_TRACK_MODIFICATIONS'] = False
db = SQLAlchemy(app)
