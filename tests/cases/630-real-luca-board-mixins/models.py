# From namwooo/luca-board (https://github.com/namwooo/luca-board): app/mixins.py,
# app/users/models.py, app/boards/models.py, app/posts/models.py and app/comments/models.py
# in one module. Removed: flask_login's UserMixin (not in the reference venv).
from sqlalchemy import func
from werkzeug.security import generate_password_hash, check_password_hash

from app import db


class TimestampMixin(object):
    created_at = db.Column(db.DateTime, nullable=False,
                           server_default=func.now())
    updated_at = db.Column(db.DateTime, nullable=False,
                           server_default=func.now(),
                           server_onupdate=func.now())


class User(db.Model, TimestampMixin):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), unique=True, nullable=False)
    password = db.Column(db.String(255), nullable=False)
    email = db.Column(db.String(254), unique=True, nullable=False)
    first_name = db.Column(db.String(35), nullable=False)
    last_name = db.Column(db.String(35), nullable=False)
    is_admin = db.Column(db.Boolean, nullable=False, default=False)

    board = db.relationship('Board', backref='writer', lazy=True)
    post = db.relationship('Post', backref='writer', lazy=True)

    def __str__(self):
        return '{}'.format(self.username)

    def __repr__(self):
        return '<User {}>'.format(self.username)

    def get_full_name(self):
        return '{} {}'.format(self.first_name, self.last_name)

    def set_password(self, password):
        self.password = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password, password)


class Board(db.Model, TimestampMixin):
    id = db.Column(db.Integer, primary_key=True)
    writer_id = db.Column(db.Integer, db.ForeignKey('user.id'),
                          nullable=False)
    title = db.Column(db.Text)  # string
    post = db.relationship('Post', backref='board', lazy=True)

    def __str__(self):
        return '{}'.format(self.title)

    def __repr__(self):
        return '<Board {}>'.format(self.title)


class Post(db.Model, TimestampMixin):
    id = db.Column(db.Integer, primary_key=True, autoincrement=True)  # autoincrement default true
    writer_id = db.Column(db.Integer, db.ForeignKey('user.id'),
                          nullable=False)
    board_id = db.Column(db.Integer, db.ForeignKey('board.id'),
                         nullable=False)
    title = db.Column(db.String(120), nullable=False)
    body = db.Column(db.Text)  # text limitation
    is_published = db.Column(db.Boolean, nullable=False, default=True)
    like_count = db.Column(db.Integer, nullable=False, default=0)
    view_count = db.Column(db.Integer, nullable=False, default=0)
    image = db.relationship('PostImage', backref='image', lazy=True)

    def __str__(self):
        return f'{self.title}'

    def __repr__(self):
        return f'<Post {self.title}>'


class PostImage(db.Model):
    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    post_id = db.Column(db.Integer, db.ForeignKey('post.id'),
                        nullable=False)
    image_url = db.Column(db.String(100), nullable=False)
    caption = db.Column(db.String(30), nullable=False, default='')
    created_at = db.Column(db.DateTime, nullable=False,
                           server_default=func.now())

    def __str__(self):
        return f'{self.image_url}'

    def __repr__(self):
        return f'<PostImage {self.image_url}>'


class Comment(db.Model, TimestampMixin):
    _N = 6

    id = db.Column(db.Integer, primary_key=True)
    writer_id = db.Column(db.Integer,
                          db.ForeignKey('user.id'),
                          nullable=False)
    post_id = db.Column(db.Integer,
                        db.ForeignKey('post.id'),
                        nullable=False)
    comment_parent_id = db.Column(db.Integer,
                                  db.ForeignKey('comment.id'),
                                  nullable=True)
    body = db.Column(db.Text)
    path = db.Column(db.Text)
    replies = db.relationship('Comment', backref=db.backref('parent', remote_side=[id]),
                              lazy='dynamic')

    def __str__(self):
        return f'<Comment:{self.id}>'

    def __repr__(self):
        return f'<Comment: {self.id}>'

    def get_path(self):
        prefix = self.parent.path + '.' if self.parent else ''
        self.path = prefix + '{:0{}d}'.format(self.id, self._N)

        return self.path

    def save(self):
        db.session.add(self)
        db.session.commit()

        self.get_path()

        db.session.commit()

    def level(self):
        return len(self.path) // self._N - 1
