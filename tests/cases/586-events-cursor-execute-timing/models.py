import time
from sqlalchemy import event
from sqlalchemy.engine import Engine
from app import db


@event.listens_for(Engine, "before_cursor_execute")
def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
    conn.info.setdefault("query_start_time", []).append(time.time())
    print("Start Query:", statement.strip().splitlines()[0], parameters, executemany)


@event.listens_for(Engine, "after_cursor_execute")
def after_cursor_execute(conn, cursor, statement, parameters, context, executemany):
    total = time.time() - conn.info["query_start_time"].pop(-1)
    print("Query Complete!", total < 5, cursor.rowcount, len(conn.info["query_start_time"]))


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True)
