from app import db


class Account(db.Model):
    __table_args__ = (
        db.UniqueConstraint('owner', 'label', name='uq_owner_label'),
        db.CheckConstraint('balance >= 0', name='ck_balance_positive'),
        db.Index('ix_account_owner_label', 'owner', 'label'),
        {'comment': 'money accounts', 'mysql_engine': 'InnoDB'},
    )
    id = db.Column(db.Integer, primary_key=True, comment='surrogate key')
    owner = db.Column(db.String(50), nullable=False)
    label = db.Column(db.String(50), server_default='main')
    balance = db.Column(db.Integer, nullable=False, server_default=db.text('0'))
    active = db.Column(db.Boolean, server_default=db.true())
    score = db.Column(db.Integer, db.CheckConstraint('score < 100'))


class OrderLine(db.Model):
    __table_args__ = (
        db.PrimaryKeyConstraint('order_no', 'line_no', name='pk_order_line'),
    )
    order_no = db.Column(db.Integer)
    line_no = db.Column(db.Integer)
    account_id = db.Column(db.Integer, db.ForeignKey('account.id', name='fk_line_account', ondelete='CASCADE', onupdate='RESTRICT'))
    qty = db.Column(db.Integer, default=1)


class Shipment(db.Model):
    __tablename__ = 'shipments'
    __table_args__ = (
        db.ForeignKeyConstraint(['order_no', 'line_no'], ['order_line.order_no', 'order_line.line_no'], ondelete='SET NULL'),
    )
    id = db.Column(db.Integer, primary_key=True)
    order_no = db.Column(db.Integer)
    line_no = db.Column(db.Integer)
    code = db.Column(db.String(10), unique=True)
    note = db.Column(db.String(20), index=True)
    opened = db.Column(db.DateTime, server_default=db.func.now())
    touched = db.Column(db.DateTime, server_default=db.text("CURRENT_TIMESTAMP"))
    day = db.Column(db.String(10), server_default=db.text("(date('now'))"))
    stamp = db.Column(db.String(30), server_default=db.text("datetime('now')"))


tags = db.Table(
    'account_tags',
    db.Column('account_id', db.Integer, db.ForeignKey('account.id'), primary_key=True),
    db.Column('tag', db.String(20), primary_key=True),
)

db.Index('ix_shipment_code_note', Shipment.code, Shipment.note, unique=True)
