from app import db


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    owner = db.Column(db.String(40))
    version_id = db.Column(db.Integer, nullable=False)
    __mapper_args__ = {'version_id_col': version_id}

    def __repr__(self):
        return f'<Account {self.owner} v{self.version_id}>'
