from app import db
from sqlalchemy.dialects import postgresql, mysql


class Everything(db.Model):
    id = db.Column(db.BigInteger, primary_key=True)
    small = db.Column(db.SmallInteger)
    name = db.Column(db.Unicode(40))
    body = db.Column(db.UnicodeText)
    summary = db.Column(db.Text(200))
    ratio = db.Column(db.Float(10))
    precise = db.Column(db.Double)
    amount = db.Column(db.Numeric(8))
    plain_amount = db.Column(db.Numeric)
    created = db.Column(db.DateTime(timezone=True))
    alarm = db.Column(db.Time)
    alarm_tz = db.Column(db.Time(timezone=True))
    duration = db.Column(db.Interval)
    blob = db.Column(db.LargeBinary(100))
    pickled = db.Column(db.PickleType)
    token = db.Column(db.Uuid)
    mood = db.Column(db.Enum('happy', 'sad', name='mood'))
    size = db.Column(db.Enum('S', 'M', 'XL', native_enum=False))
    level = db.Column(db.Enum('low', 'high', name='level', length=10))
    code = db.Column(db.CHAR(3))
    label = db.Column(db.VARCHAR(12))
    nick = db.Column(db.NVARCHAR(8))
    price = db.Column(db.DECIMAL(8, 3))
    stamp = db.Column(db.TIMESTAMP)
    real = db.Column(db.REAL)


class PgOnly(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    uid = db.Column(postgresql.UUID(as_uuid=True))
    doc = db.Column(postgresql.JSONB)
    tags = db.Column(postgresql.ARRAY(db.String(20)))


class MyOnly(db.Model):
    id = db.Column(mysql.INTEGER(display_width=11), primary_key=True)
    flag = db.Column(mysql.TINYINT(1))
    essay = db.Column(mysql.LONGTEXT)
    count = db.Column(mysql.BIGINT(unsigned=True))


class Unnamed(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.Enum('a', 'b'))
