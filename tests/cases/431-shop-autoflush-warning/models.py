import enum
from datetime import datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, UniqueConstraint, Index, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import validates
from werkzeug.security import generate_password_hash, check_password_hash

from app import db, login_manager


class OrderStatus(enum.Enum):
    PENDING = 'pending'
    PAID = 'paid'
    SHIPPED = 'shipped'
    CANCELLED = 'cancelled'


class TimestampMixin:
    created_at = db.Column(db.DateTime, nullable=False, default=datetime.utcnow)
    updated_at = db.Column(db.DateTime, default=datetime.utcnow, onupdate=datetime.utcnow)


class SoftDeleteMixin:
    is_deleted = db.Column(db.Boolean, default=False, server_default='0', nullable=False)


product_categories = db.Table(
    'product_categories',
    db.Column('product_id', db.Integer, db.ForeignKey('products.id', ondelete='CASCADE'), primary_key=True),
    db.Column('category_id', db.Integer, db.ForeignKey('categories.id', ondelete='CASCADE'), primary_key=True),
)


class Customer(UserMixin, TimestampMixin, db.Model):
    __tablename__ = 'customers'

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False, index=True)
    full_name = db.Column(db.String(120), nullable=False)
    password_hash = db.Column(db.String(255))
    is_admin = db.Column(db.Boolean, default=False)
    role = db.Column(db.Enum('customer', 'staff', 'admin', name='customer_role'), default='customer')

    orders = db.relationship('Order', back_populates='customer', cascade='all, delete-orphan',
                             order_by='Order.id')
    addresses = db.relationship('Address', backref='customer', lazy='dynamic')

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @validates('email')
    def validate_email(self, key, value):
        if '@' not in value:
            raise ValueError(f'invalid email: {value!r}')
        return value.strip().lower()

    def __repr__(self):
        return f'<Customer {self.email}>'


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(Customer, int(user_id))


class Address(db.Model):
    __tablename__ = 'addresses'

    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey('customers.id'), nullable=False)
    line1 = db.Column(db.String(200), nullable=False)
    city = db.Column(db.String(100), nullable=False)
    postcode = db.Column(db.String(20))
    country = db.Column(db.String(2), nullable=False, default='GB')
    is_default = db.Column(db.Boolean, default=False)


class Category(db.Model):
    __tablename__ = 'categories'

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)
    slug = db.Column(db.String(80), unique=True, nullable=False)
    parent_id = db.Column(db.Integer, db.ForeignKey('categories.id'))
    children = db.relationship('Category', backref=db.backref('parent', remote_side=[id]))

    def __repr__(self):
        return f'<Category {self.slug}>'


class Product(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = 'products'
    __table_args__ = (
        CheckConstraint('price >= 0', name='ck_products_price_positive'),
        CheckConstraint('stock >= 0', name='ck_products_stock_positive'),
        Index('ix_products_name_price', 'name', 'price'),
    )

    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(32), unique=True, nullable=False)
    name = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text)
    price = db.Column(db.Numeric(10, 2), nullable=False)
    stock = db.Column(db.Integer, nullable=False, default=0)

    categories = db.relationship('Category', secondary=product_categories, backref=db.backref('products', lazy='dynamic'))

    @hybrid_property
    def in_stock(self):
        return self.stock > 0

    def __repr__(self):
        return f'<Product {self.sku}>'


class Order(TimestampMixin, db.Model):
    __tablename__ = 'orders'
    __table_args__ = (
        UniqueConstraint('customer_id', 'reference', name='uq_orders_customer_reference'),
    )

    id = db.Column(db.Integer, primary_key=True)
    reference = db.Column(db.String(20), nullable=False)
    customer_id = db.Column(db.Integer, db.ForeignKey('customers.id'), nullable=False)
    status = db.Column(db.Enum(OrderStatus), nullable=False, default=OrderStatus.PENDING)
    shipping_address_id = db.Column(db.Integer, db.ForeignKey('addresses.id'))
    notes = db.Column(db.Text)

    customer = db.relationship('Customer', back_populates='orders')
    shipping_address = db.relationship('Address')
    items = db.relationship('OrderItem', backref='order', cascade='all, delete-orphan')

    @property
    def total(self):
        return sum((item.unit_price * item.quantity for item in self.items), Decimal('0.00'))

    def __repr__(self):
        return f'<Order {self.reference} {self.status.value}>'


class OrderItem(db.Model):
    __tablename__ = 'order_items'

    order_id = db.Column(db.Integer, db.ForeignKey('orders.id'), primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey('products.id'), primary_key=True)
    quantity = db.Column(db.Integer, nullable=False, default=1)
    unit_price = db.Column(db.Numeric(10, 2), nullable=False)

    product = db.relationship('Product')
