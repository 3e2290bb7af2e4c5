# From CoreyMSchafer/code_snippets, Python/Flask_Blog/10-Password-Reset-Email/flaskblog/models.py
# (https://github.com/CoreyMSchafer/code_snippets), as the video wrote it against itsdangerous 1.x:
# TimedJSONWebSignatureSerializer was removed in itsdangerous 2.1, so today's import fails.
# Removed: flask_login (UserMixin, login_manager.user_loader), not in the reference venv.
from datetime import datetime
from itsdangerous import TimedJSONWebSignatureSerializer as Serializer
from app import app, db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(20), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
    image_file = db.Column(db.String(20), nullable=False, default='default.jpg')
    password = db.Column(db.String(60), nullable=False)
    posts = db.relationship('Post', backref='author', lazy=True)

    def get_reset_token(self, expires_sec=1800):
        s = Serializer(app.config['SECRET_KEY'], expires_sec)
        return s.dumps({'user_id': self.id}).decode('utf-8')

    def __repr__(self):
        return f"User('{self.username}', '{self.email}', '{self.image_file}')"
