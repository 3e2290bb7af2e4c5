# From duongcoder211/BookLibraryAI: app/models/book.py, user.py and userbook.py in one module
# (the methods' `from .book import Book` / `from .userbook import UserBook` dropped: the classes
# are in this module; the commented-out lines left out).
from sqlalchemy.orm import Mapped, mapped_column, validates, relationship
from sqlalchemy import Integer, String, DateTime, ForeignKey
from flask import flash
from typing import Optional, TYPE_CHECKING, List
from app import db
from datetime import datetime
import re


class Book(db.Model):
    """Create a model class"""
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(db.Integer, primary_key=True, autoincrement=True) 
    name: Mapped[str] = mapped_column(db.String(500), unique=True, nullable=False)
    author: Mapped[str] = mapped_column(db.String(500), unique=False, nullable=False)
    category: Mapped[str] = mapped_column(db.String(500), unique=False, nullable=False)
    describe: Mapped[str] = mapped_column(db.Text, unique=True, nullable=False)
    publication_year: Mapped[int] = mapped_column(db.Integer, unique=False, nullable=False)

    # Each Book has more UserBooks (many owners)
    user_books: Mapped[List["UserBook"]] = relationship("UserBook", back_populates="book")

    @validates("name")
    def validate_name(self, key, name):
        if len(name) > 500 or not isinstance(name, str):
            raise ValueError("Invalid book name")
        return name
    
    @validates("author")
    def validate_author(self, key, author):
        if len(author) > 500 or not isinstance(author, str):
            raise ValueError("Invalid book author")
        return author

    @validates("publication_year")
    def validate_publication_year(self, key, publication_year):
        if not re.match(r"\d{4}", str(publication_year)):
            raise ValueError("Invalid book publication year")
        return publication_year
    
    @validates("category")
    def validate_category(self, key, category):
        if len(category) > 500 or not isinstance(category, str):
            raise ValueError("Invalid book category")
        return category
    
    @validates("describe")
    def validate_describe(self, key, describe):
        if not isinstance(describe, str):
            raise ValueError("Invalid book describe")
        return describe


class User(db.Model):
    """Create a model class"""
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(db.Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(db.String(30), unique=False, nullable=False)
    email: Mapped[str] = mapped_column(db.String(50), unique=True, nullable=True)
    username: Mapped[str] = mapped_column(db.String(50), unique=True, nullable=False)
    password: Mapped[str] = mapped_column(db.String(50), unique=False, nullable=False)
    
    # Relationship to UserBook (each user has more user_books)
    user_books: Mapped[List["UserBook"]] = relationship("UserBook", back_populates="user")

    @validates('name')
    def validate_name(self, key, name):
        if len(name) > 30 or not (isinstance(name, str)) or re.match(r"\d", name):
            raise ValueError("Invalid user name!")
        return name
    
    @validates('email')
    def validate_email(self, key, email):
        if (not re.match(r"[^@]+@[^@]+\.[^@]+", email)) or len(email) > 50:
            raise ValueError("Invalid email!")
        return email
    
    @validates('username')
    def validate_username(self, key, username):
        if len(username) > 50 or not (isinstance(username, str)) or re.match(r"\d", username):
            raise ValueError("Invalid username!")
        return username
    
    @validates('password')
    def validate_password(self, key, password):
        if len(password) < 8:
            raise ValueError("Invalid password (Password length must more than or equal 8 letters and does not contain special symbol)")
        return password

    def modify_infor(self, name, email):
        self.name = name
        self.email = email
        db.session.commit()

    def add_to_archive(self, book_id):
        if UserBook.query.filter((UserBook.user_id == self.id), (UserBook.book_id == book_id)).first() is not None:
            flash("This book is already in your archive!", "warning")
            return

        if Book.query.get(book_id) is None:
            raise ValueError("Book id is not invalid")
        
        new_user_book = UserBook(user_id = self.id, book_id = book_id)
        db.session.add(new_user_book)
        db.session.commit()

    def remove_from_archive(self, book_id):
        userbook = UserBook.query.filter((UserBook.user_id == self.id), (UserBook.book_id == book_id)).first()
        if userbook:
            db.session.delete(userbook)
            db.session.commit()
        else:
            raise ValueError("Book was not finded!")

    def remove_all_from_archive(self):
        for userbook in self.user_books:
            db.session.delete(userbook)
        db.session.commit()

    def update_reading_status(self, book_id):
        statuses = {"unread": "reading", "reading": "completed", "completed": "unread"}
        user_book = UserBook.query.filter_by(user_id = self.id, book_id = book_id).first()

        user_book.reading_status = statuses[user_book.reading_status]
        db.session.commit()


class UserBook(db.Model):
    __tablename__ = "user_books"
    
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id"))
    
    # user personal information with these columns
    reading_status: Mapped[str] = mapped_column(db.String(20), default="unread", nullable=False)
    rating: Mapped[Optional[int]] = mapped_column(db.Integer, default=0, nullable=False)
    
    # Relationships
    user: Mapped["User"] = relationship("User", back_populates="user_books")
    book: Mapped["Book"] = relationship("Book", back_populates="user_books")
