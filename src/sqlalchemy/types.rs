//! SQL types (`sqltypes.py`): what a column stores, how its values are bound and read back.

use crate::db::SqlValue;
use crate::python::value::Value;

/// A column's type, as SQLAlchemy's `TypeEngine` subclasses.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlType {
    Integer,
    SmallInteger,
    BigInteger,
    /// `String(length)`; `Unicode` is the same in DDL.
    String(Option<u32>),
    Text,
    Boolean,
    Float,
    Numeric(Option<u32>, Option<u32>),
    DateTime,
    Date,
    Time,
    LargeBinary,
    Json,
    /// A type the playground does not model yet, by its class name.
    Other(String),
}

impl SqlType {
    /// The SQLAlchemy class name (`Integer`, `String`), as reprs show it.
    pub fn class_name(&self) -> String {
        match self {
            SqlType::Integer => "Integer".into(),
            SqlType::SmallInteger => "SmallInteger".into(),
            SqlType::BigInteger => "BigInteger".into(),
            SqlType::String(_) => "String".into(),
            SqlType::Text => "Text".into(),
            SqlType::Boolean => "Boolean".into(),
            SqlType::Float => "Float".into(),
            SqlType::Numeric(..) => "Numeric".into(),
            SqlType::DateTime => "DateTime".into(),
            SqlType::Date => "Date".into(),
            SqlType::Time => "Time".into(),
            SqlType::LargeBinary => "LargeBinary".into(),
            SqlType::Json => "JSON".into(),
            SqlType::Other(n) => n.clone(),
        }
    }

    /// True for the integer types (autoincrement candidates).
    pub fn is_integer(&self) -> bool {
        matches!(self, SqlType::Integer | SqlType::SmallInteger | SqlType::BigInteger)
    }

    /// The bind processor: a Python value as the DB-API receives it.
    pub fn bind(&self, v: &Value) -> SqlValue {
        match v {
            Value::None => SqlValue::Null,
            Value::Bool(b) => SqlValue::Integer(*b as i64),
            Value::Int(i) => match self {
                SqlType::Float => SqlValue::Real(*i as f64),
                _ => SqlValue::Integer(*i),
            },
            Value::Float(f) => SqlValue::Real(*f),
            Value::Str(s) => SqlValue::Text(s.to_string()),
            Value::Bytes(b) => SqlValue::Blob(b.to_vec()),
            other => SqlValue::Text(format!("{other:?}")),
        }
    }

    /// The result processor: a value read from SQLite as Python sees it.
    pub fn result(&self, v: &SqlValue) -> Value {
        match (self, v) {
            (_, SqlValue::Null) => Value::None,
            (SqlType::Boolean, SqlValue::Integer(i)) => Value::Bool(*i != 0),
            (SqlType::Float, SqlValue::Integer(i)) => Value::Float(*i as f64),
            (_, SqlValue::Integer(i)) => Value::Int(*i),
            (_, SqlValue::Real(f)) => Value::Float(*f),
            (_, SqlValue::Text(s)) => Value::str(s),
            (_, SqlValue::Blob(b)) => Value::Bytes(std::rc::Rc::from(b.as_slice())),
        }
    }
}

/// A value read from SQLite with no type information (raw `Row` values, PRAGMA results).
pub fn untyped_result(v: &SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::None,
        SqlValue::Integer(i) => Value::Int(*i),
        SqlValue::Real(f) => Value::Float(*f),
        SqlValue::Text(s) => Value::str(s),
        SqlValue::Blob(b) => Value::Bytes(std::rc::Rc::from(b.as_slice())),
    }
}
