from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app import db


class Employee(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {'polymorphic_on': 'type', 'polymorphic_abstract': True}


class Technologist(Employee):
    __mapper_args__ = {'polymorphic_abstract': True}
    skill: Mapped[Optional[str]] = mapped_column(String(30))


class Engineer(Technologist):
    __mapper_args__ = {'polymorphic_identity': 'engineer'}


class Manager(Employee):
    __mapper_args__ = {'polymorphic_identity': 'manager'}
    budget: Mapped[Optional[int]]


class Vehicle(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {'polymorphic_on': 'kind', 'polymorphic_abstract': True}


class Car(Vehicle):
    id: Mapped[int] = mapped_column(ForeignKey('vehicle.id'), primary_key=True)
    seats: Mapped[int]
    __mapper_args__ = {'polymorphic_identity': 'car'}
