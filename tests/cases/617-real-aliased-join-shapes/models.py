# The join shapes around microblog's following_posts() (case 615): aliased classes, of_type(),
# self-referential and many-to-many joins (inner and outer), join(alias, relationship).
import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.ext.hybrid import hybrid_property
from app import db

post_tags = db.Table('post_tags', db.Column('post_id', db.ForeignKey('post.id')), db.Column('tag_id', db.ForeignKey('tag.id')))

class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    parent_id = db.Column(db.ForeignKey('user.id'))
    children = db.relationship('User', back_populates='parent')
    parent = db.relationship('User', back_populates='children', remote_side=[id])
    posts = db.relationship('Post', back_populates='author')
    @hybrid_property
    def upper(self): return self.name.upper()
    @upper.expression
    def upper(cls): return sa.func.upper(cls.name)
    def hello(self): return 1

class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey(User.id))
    author = db.relationship(User, back_populates='posts')
    tags = db.relationship('Tag', secondary=post_tags)

class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
