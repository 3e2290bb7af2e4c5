//! SQLAlchemy: types, schema objects, declarative mapping, relationships, DDL compilers,
//! session and unit of work, queries and their SQL. Knows nothing of Flask.
