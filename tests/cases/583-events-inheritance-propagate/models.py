from app import db


class Person(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20))
    name = db.Column(db.String(50))
    __mapper_args__ = {'polymorphic_on': kind, 'polymorphic_identity': 'person'}


class Engineer(Person):
    id = db.Column(db.ForeignKey('person.id'), primary_key=True)
    language = db.Column(db.String(20))
    __mapper_args__ = {'polymorphic_identity': 'engineer'}


@db.event.listens_for(Person, 'before_insert')
def only_person(mapper, connection, target):
    print('only person', mapper, target.name)


@db.event.listens_for(Person, 'before_insert', propagate=True)
def every_person(mapper, connection, target):
    print('every person', mapper, target.name)


@db.event.listens_for(Person.name, 'set', propagate=True)
def name_set(target, value, oldvalue, initiator):
    print('name set', type(target).__name__, value)


@db.event.listens_for(Engineer, 'after_delete')
def gone(mapper, connection, target):
    print('gone', mapper, target.name)
