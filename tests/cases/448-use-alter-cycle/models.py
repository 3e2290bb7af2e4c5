from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    favorite_id = db.Column(db.Integer, db.ForeignKey('post.id', use_alter=True, name='fk_user_favorite'))


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))


class Left(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    right_id = db.Column(db.Integer, db.ForeignKey('right.id'))


class Right(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    left_id = db.Column(db.Integer, db.ForeignKey('left.id', ondelete='CASCADE'))
    user_id = db.Column(db.Integer, db.ForeignKey('user.id'))
