from app import db

tags = db.Table('tags', db.Column('id', db.Integer, primary_key=True), db.Column('name', db.String(20)))
tags2 = db.Table('tags', db.Column('label', db.String(30)), extend_existing=True)
tags3 = db.Table('tags', db.Column('ignored', db.Integer), keep_existing=True)
