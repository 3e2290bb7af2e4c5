from app import db


class Company(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50))
    employees = db.relationship('Employee', back_populates='company')
    managers = db.relationship('Manager', viewonly=True)


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    type = db.Column(db.String(20))
    company_id = db.Column(db.ForeignKey('company.id'))
    company = db.relationship('Company', back_populates='employees')
    __mapper_args__ = {'polymorphic_on': type, 'polymorphic_identity': 'employee'}


class Manager(Employee):
    id = db.Column(db.Integer, db.ForeignKey('employee.id'), primary_key=True)
    manager_data = db.Column(db.String(50))
    __mapper_args__ = {'polymorphic_identity': 'manager'}


class Engineer(Employee):
    id = db.Column(db.Integer, db.ForeignKey('employee.id'), primary_key=True)
    engineer_info = db.Column(db.String(50))
    __mapper_args__ = {'polymorphic_identity': 'engineer'}


class Vehicle(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20))
    wheels = db.Column(db.Integer)
    __mapper_args__ = {'polymorphic_on': kind, 'polymorphic_identity': 'vehicle'}


class Car(Vehicle):
    seats = db.Column(db.Integer)
    __mapper_args__ = {'polymorphic_identity': 'car'}


class Truck(Vehicle):
    load = db.Column(db.Integer)
    __mapper_args__ = {'polymorphic_identity': 'truck'}
