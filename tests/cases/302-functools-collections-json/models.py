from app import db
