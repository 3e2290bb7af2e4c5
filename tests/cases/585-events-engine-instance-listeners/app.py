from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from config import Config

app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app)


def on_connect(dbapi_connection, connection_record):
    print('connect', dbapi_connection, connection_record)
    connection_record.info['n'] = 0
    dbapi_connection.execute('PRAGMA foreign_keys=ON')


with app.app_context():
    event.listen(db.engine, 'connect', on_connect)

    @event.listens_for(db.engine, 'first_connect')
    def on_first(dbapi_connection, connection_record):
        print('first_connect', dbapi_connection, connection_record)

    @event.listens_for(db.engine, 'engine_connect')
    def on_engine_connect(conn):
        conn.info['n'] += 1
        print('engine_connect', conn, conn.info, conn.engine)

import models
