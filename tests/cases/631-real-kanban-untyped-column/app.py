# From markre94/Interactive-Kanban-board, app.py (https://github.com/markre94/Interactive-Kanban-board):
# the models part, as written (Flask('__name__'), a Column with no type), routes left out.
from flask import Flask, render_template, url_for, request, redirect, flash
from flask_sqlalchemy import SQLAlchemy
from datetime import datetime

app = Flask('__name__')
app.config ["SQLALCHEMY_DATABASE_URI"] = 'sqlite:///test.db'
db = SQLAlchemy(app)


class Todo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    content = db.Column(db.String(200), nullable=False)
    date_created = db.Column(db.DateTime, default=datetime.utcnow)
    status = db.Column()

    def __repr__(self) :
        return '<Task %r>' % self.id
