# From ridnvil/product-api-interview, app.py. Changed: the MySQL URI (pymysql is not in the
# reference venv) is a SQLite file, and `models.products` is `models`.
import csv
from io import StringIO
from flask import Response
from flask import Flask, jsonify, request, render_template, redirect, url_for, Response
import csv
from io import StringIO
from flask_sqlalchemy import SQLAlchemy
from models import db, Product

app = Flask(__name__)

app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///products.db"
app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = False

db.init_app(app)

@app.route("/")
def home():
    products = Product.query.all()
    return render_template("index.html", products=products)

@app.route("/add_product", methods=["POST"])
def add_product():
    name = request.form.get("name").strip()
    price = request.form.get("price").strip()
    quantity = request.form.get("quantity").strip()

    error = None
    if not name:
        error = "Name is required"
    elif not price:
        error = "Price is required"
    elif not price.isdigit() or int(price) < 0:
        error = "Price must be a non-negative integer"
    elif not quantity.isdigit() or int(quantity) < 0:
        error = "Quantity must be a non-negative integer"

    if error:
        return render_template("index.html", error=error)


    new_product = Product(name=name, price=price, quantity=quantity)
    db.session.add(new_product)
    db.session.commit()

    return redirect(url_for("home"))

@app.route('/delete_product/<int:product_id>', methods=['POST'])
def delete_product(product_id):
    product = Product.query.get(product_id)
    if product:
        db.session.delete(product)
        db.session.commit()
    return redirect(url_for('home'))

@app.template_filter('ribuan')
def ribuan(value):
    try:
        return "{:,}".format(int(value))
    except Exception:
        return value

@app.route('/delete_all_products', methods=['POST'])
def delete_all_products():
    Product.query.delete()
    db.session.commit()
    return redirect(url_for('home'))

# API Endpoints
@app.route("/api/products", methods=["GET"])
def get_products():
    products = Product.query.all()
    return jsonify(products)

if __name__ == "__main__":
    with app.app_context():
        db.create_all()
    app.run(debug=True, port=5001)
