# A todo API's app (shape found in many public repos, e.g. the search hit "class Todo ... def
# __init__(self, title, completed) ... return '<Student %r>' % self.name"): a custom __init__,
# server-side timestamps, a copy-pasted __repr__ that names a column the model does not have.
import os
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///' + os.path.join(app.root_path, 'todos.db')
db = SQLAlchemy(app)


class Todo(db.Model):
    id = db.Column("id", db.Integer(), primary_key=True, nullable=False)
    title = db.Column(db.String(80), unique=False, nullable=False)
    created_at = db.Column(db.DateTime, server_default=db.func.now())
    updated_at = db.Column(db.DateTime, server_default=db.func.now(), server_onupdate=db.func.now())
    completed = db.Column(db.Boolean, default=False, nullable=False)

    def __init__(self, title, completed):
        self.title = title
        self.completed = completed

    def __repr__(self):
        return '<Student %r>' % self.name

    def to_json(self):
        return {
            'id': self.id,
            'title': self.title,
            'completed': self.completed,
        }
