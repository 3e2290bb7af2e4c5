import os

basedir = os.path.abspath(os.path.dirname(__file__))


class Config:
    sqlalchemy_database_uri = 'sqlite:///' + os.path.join(basedir, 'app.db')
    sqlalchemy_track_modifications = False
