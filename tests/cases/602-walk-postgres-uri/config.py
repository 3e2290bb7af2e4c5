class Config:
    SQLALCHEMY_DATABASE_URI = 'postgresql://username:password@localhost/database_name'
    SQLALCHEMY_TRACK_MODIFICATIONS = False
