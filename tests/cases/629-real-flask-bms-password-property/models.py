# -*- coding:utf-8 -*- 
# From huguge/flask-bms, app/models.py (https://github.com/huguge/flask-bms), as written.
from werkzeug.security import generate_password_hash, check_password_hash
from app import db
# 定义数据库models

class User(db.Model):
    __tablename__ = 'users'
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), unique=True)
    password_hash = db.Column(db.String(128))
    @property
    def password(self):
        raise AttributeError('Password is not a readable attribute')
    @password.setter
    def password(self,password):
        self.password_hash = generate_password_hash(password)
    def verify_password(self,password):
        return check_password_hash(self.password_hash,password)

    def __repr__(self):
        return '<User %r>'%self.username
