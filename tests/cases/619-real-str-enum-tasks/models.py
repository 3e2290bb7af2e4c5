# The shape of a task-runner's models.py (a str-valued Enum with its own __str__, a plain
# sqlalchemy Column style on db.Model, a to_dict()): TaskStatus(str, Enum) and
# create_time=DateTime(default=datetime.now) as in the original; the shell passes the time.
from datetime import datetime
from enum import Enum

from sqlalchemy import Column, DateTime
from sqlalchemy import Enum as SQLAlchemyEnum
from sqlalchemy import Integer, String

from app import db


class TaskStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"

    def __str__(self):
        return self.value


class Task(db.Model):
    __tablename__ = "tasks"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String, nullable=False)
    status = Column(SQLAlchemyEnum(TaskStatus), default=TaskStatus.PENDING)
    create_time = Column(DateTime, default=datetime.now)

    def to_dict(self):
        return {
            "id": self.id,
            "name": self.name,
            "status": str(self.status),
            "create_time": self.create_time.isoformat() if self.create_time else None,
        }

    @property
    def is_finished(self):
        return self.status in (TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.TIMEOUT)

    @classmethod
    def pending(cls):
        return cls.query.filter_by(status=TaskStatus.PENDING).order_by(cls.id).all()
