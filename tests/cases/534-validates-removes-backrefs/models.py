from sqlalchemy.orm import validates

from app import db


class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    players = db.relationship('Player', backref='team')
    coaches = db.relationship('Coach', backref='team')

    @validates('players', include_removes=True)
    def check_player(self, key, player, is_remove):
        print('players', 'remove' if is_remove else 'add', player.name)
        if not is_remove and len(self.players) >= 2:
            raise ValueError(f'{self.name} is full')
        return player

    @validates('coaches', include_backrefs=False)
    def check_coach(self, key, coach):
        print('coach', coach.name)
        return coach

    @validates('name')
    def check_name(self, key, name):
        if not name:
            raise ValueError('a team needs a name')
        return name.title()


class Player(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    team_id = db.Column(db.Integer, db.ForeignKey('team.id'))


class Coach(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(20))
    team_id = db.Column(db.Integer, db.ForeignKey('team.id'))
