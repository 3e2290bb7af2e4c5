from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from config import Config

app = Flask(__name__)
app.config.from_object(Config)
db = SQLAlchemy(app)

import models

from sqlalchemy import event

with app.app_context():
    engine = db.engine


@event.listens_for(engine, 'handle_error')
def handle_error(context):
    print('handle_error', type(context.original_exception).__name__, context.statement, context.parameters)
    print(type(context.sqlalchemy_exception).__name__, context.is_disconnect, context.engine is engine)
    print(context.execution_context.statement == context.statement, type(context.connection).__name__)
    if 'boom' in context.statement:
        return ValueError('replaced')
    if 'nope' in context.statement:
        raise RuntimeError('raised in handler')


@event.listens_for(engine, 'checkout')
def checkout(dbapi_connection, connection_record, connection_proxy):
    print('checkout', type(connection_record).__name__, type(connection_proxy).__name__)


@event.listens_for(engine, 'checkin')
def checkin(dbapi_connection, connection_record):
    print('checkin', type(connection_record).__name__, connection_record.info)


@event.listens_for(engine, 'connect')
def connect(dbapi_connection, connection_record):
    connection_record.info['n'] = 1
    print('connect')
