class Config:
    SQLALCHEMY_DATABASE_URI = 'sqlite:///path_to_your_database.db'
    SQLALCHEMY_TRACK_MODIFICATIONS = False
