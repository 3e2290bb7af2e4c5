from app import db


class Employee(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    type = db.Column(db.String(20))
    __mapper_args__ = {'polymorphic_on': type, 'polymorphic_identity': 'employee'}


class Manager(Employee):
    id = db.Column(db.Integer, db.ForeignKey('employee.id'), primary_key=True)
    manager_data = db.Column(db.String(50))
    __mapper_args__ = {'polymorphic_identity': 'manager'}


class Engineer(Employee):
    __tablename__ = 'engineers'
    id = db.Column(db.Integer, db.ForeignKey('employee.id'), primary_key=True)
    engineer_info = db.Column(db.String(50))
    __mapper_args__ = {'polymorphic_identity': 'engineer'}
