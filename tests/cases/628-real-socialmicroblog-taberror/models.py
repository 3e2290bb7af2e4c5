# From zouxu92/SocialMicroblog, app/models.py (https://github.com/zouxu92/SocialMicroblog), as written:
# tab-indented classes, then a second User class indented with spaces whose last method
# is indented with a tab. The Flask app it made for itself is left to app.py.
from werkzeug.security import generate_password_hash, check_password_hash
from app import db
# 定义 Role 和 User 模型
class Role(db.Model):
	__tablename__ = 'roles'
	id = db.Column(db.Integer, primary_key=True)
	name = db.Column(db.String(64), unique=True)
	# ...
	# 加入了lazy = 'dynamic'参数，从而禁止自动执行查询。
	users = db.relationship('User', backref='role', lazy='dynamic')

	def __repr__(self):
		return '<Role %r>' % self.name

class User(db.Model):
	__tablename__ = 'users'
	id = db.Column(db.Integer, primary_key=True)
	username = db.Column(db.String(64), unique=True, index=True)
	# ...
	role_id = db.Column(db.Integer, db.ForeignKey('roles.id'))
	def __repr__(self):
		return '<User %r>' % self.username


class User(db.Model):
    # ...
    password_hash = db.Column(db.String(128))

    @property
    def password(self):
        raise AttributeError('Password is not a readable attribute')

    @password.setter
    def password(self, password):
        self.password_hash = generate_password_hash(password)
	# 验证密码
	def verify_password(self, password):
		return check_password_hash(self.password_hash, password)
