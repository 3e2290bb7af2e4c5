# The one-file todo API shape of many public repos (found by the search "flask_marshmallow
# Todo TodoSchema db.create_all()"): Marshmallow removed (not in the reference venv; its
# Schema Meta stays as a plain class), and db.create_all() at module level, as written.
from flask import Flask
from flask_sqlalchemy import SQLAlchemy


class app_setting:
    sqlalchemy_database_uri = 'sqlite:///todo.db'
    sqlalchemy_track_modifications = False


app = Flask(__name__)

app.config['SQLALCHEMY_DATABASE_URI'] = app_setting.sqlalchemy_database_uri
app.config['SQLALCHEMY_TRACK_MODIFICATIONS'] = app_setting.sqlalchemy_track_modifications

db = SQLAlchemy(app)


class Todo(db.Model):
    __tablename__ = 'todos'
    id = db.Column(db.Integer, primary_key=True)
    text = db.Column(db.String(50))
    complete = db.Column(db.Boolean)
    user_id = db.Column(db.Integer)


class TodoSchema:
    class Meta:
        fields = ('id', 'text', 'complete', 'user_id')


db.create_all()
