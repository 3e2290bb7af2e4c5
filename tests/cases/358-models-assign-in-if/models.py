from app import db


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)

    def is_first(self):
        if self.id = 1:
            return True
        return False
