//! SQL types (`sqltypes.py`): what a column stores, how its values are bound and read back.

use std::rc::Rc;

use crate::db::SqlValue;
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Dict, Value};

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
    /// `Enum(...)`: a Python enum class or a list of strings.
    Enum(Rc<EnumType>),
    /// A type whose DDL is spelled per dialect while it binds and reads values as a generic type
    /// does: the uppercase SQL types (`CHAR(3)`, `DECIMAL(8, 2)`), sized or zoned variants
    /// (`Text(100)`, `DateTime(timezone=True)`), `Uuid`, `Double`, dialect types (`JSONB`,
    /// `mysql.TINYINT(1)`), `TypeDecorator` subclasses.
    Spelled(Rc<Spelled>),
    /// A `TypeDecorator` subclass: its `impl`'s DDL and processing around the learner's
    /// `process_bind_param` / `process_result_value`.
    Decorated(Rc<Decorated>),
    /// A type the playground does not model yet, by its class name.
    Other(String),
}

/// A `TypeDecorator` subclass's type (see [`SqlType::Decorated`]).
#[derive(Debug)]
pub struct Decorated {
    /// The subclass's name, as reprs show it.
    pub class: String,
    /// The `impl` type.
    pub impl_type: SqlType,
    /// The learner's type object whose methods are called; None inside the object's own
    /// payload (which would otherwise hold itself).
    pub obj: Option<Value>,
}

impl PartialEq for Decorated {
    fn eq(&self, other: &Self) -> bool {
        self.class == other.class && self.impl_type == other.impl_type
    }
}

/// The dialect object `process_bind_param(value, dialect)` receives: `dialect.name` is
/// `'sqlite'`.
fn sqlite_dialect_object(interp: &mut Interp) -> Value {
    use crate::python::builtins::{native_class, new_native};
    let cls = native_class(
        interp,
        "SQLiteDialect_pysqlite",
        "sqlalchemy.dialects.sqlite.pysqlite",
        None,
        vec![("name", Value::str("sqlite")), ("driver", Value::str("pysqlite"))],
    );
    new_native(&cls, ())
}

/// Calls the learner's `process_bind_param` / `process_result_value` where the class defines
/// one (in Python); the value passes unchanged otherwise.
fn decorator_hook(interp: &mut Interp, d: &Decorated, name: &str, v: Value) -> PyResult<Value> {
    let Some(obj) = &d.obj else { return Ok(v) };
    let cls = interp.type_of(obj);
    if !matches!(cls.lookup(name), Some(Value::Function(_))) {
        return Ok(v);
    }
    let f = interp.getattr(obj, name)?;
    let dialect = sqlite_dialect_object(interp);
    interp.call(&f, Args::new(vec![v, dialect]))
}

/// The three dialects a type is spelled for, in this order.
pub const DIALECTS: [&str; 3] = ["sqlite", "postgresql", "mysql"];

/// A type with its own DDL per dialect (see [`SqlType::Spelled`]).
#[derive(Debug, PartialEq)]
pub struct Spelled {
    /// The class name (`CHAR`, `JSONB`), as reprs and error messages show it.
    pub class: String,
    /// The generic type whose bind and result processing it shares.
    pub base: SqlType,
    /// The DDL for sqlite, postgresql, mysql; None where the dialect's type compiler cannot
    /// render it ("can't render element of type JSONB").
    pub ddl: [Option<String>; 3],
}

/// `Enum(...)`'s configuration.
#[derive(Debug)]
pub struct EnumType {
    /// The strings stored in the database (member names, or the strings given).
    pub enums: Vec<String>,
    /// The Python objects they stand for, in the same order (enum members, or the strings).
    pub objects: Vec<Value>,
    /// `Enum.name`: the enum class's name lowercased, or `name=`.
    pub name: Option<String>,
    pub native_enum: bool,
    /// `VARCHAR(length)` when not native: `length=` or the longest value.
    pub length: u32,
    /// The longest value's length (`_default_length`: the repr shows `length=` only when it
    /// differs).
    pub default_length: u32,
    /// `Enum.enum_class`: the Python enum class it was made from (results are members, not
    /// strings), or None.
    pub enum_class: Option<Value>,
    /// `create_constraint=True`: a `CHECK (col IN (...))` on the table, created where the
    /// enum is not native (see [`EnumType::check_constraint`]).
    pub create_constraint: bool,
    /// `validate_strings=True`: an unknown string raises LookupError instead of passing.
    pub validate_strings: bool,
    /// `create_type=` (PostgreSQL's `CREATE TYPE`); only the repr shows it.
    pub create_type: bool,
}

impl PartialEq for EnumType {
    fn eq(&self, other: &Self) -> bool {
        self.enums == other.enums && self.name == other.name && self.native_enum == other.native_enum
    }
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
            SqlType::Enum(_) => "Enum".into(),
            SqlType::Spelled(s) => s.class.clone(),
            SqlType::Decorated(d) => d.class.clone(),
            SqlType::Other(n) => n.clone(),
        }
    }

    /// The generic type whose runtime behaviour this type has.
    pub fn affinity(&self) -> &SqlType {
        match self {
            SqlType::Spelled(s) => s.base.affinity(),
            SqlType::Decorated(d) => d.impl_type.affinity(),
            other => other,
        }
    }

    /// True for the integer types (autoincrement candidates).
    pub fn is_integer(&self) -> bool {
        matches!(self.affinity(), SqlType::Integer | SqlType::SmallInteger | SqlType::BigInteger)
    }

    /// The bind processor: a Python value as the DB-API receives it.
    pub fn bind(&self, v: &Value) -> SqlValue {
        match v {
            Value::None => SqlValue::Null,
            Value::Bool(b) => SqlValue::Integer(*b as i64),
            Value::Int(i) => match self.affinity() {
                SqlType::Float | SqlType::Numeric(..) => SqlValue::Real(*i as f64),
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
        match (self.affinity(), v) {
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

// ----- processing that needs Python objects ------------------------------------------------

fn module_attr(interp: &mut Interp, module: &str, path: &[&str]) -> PyResult<Value> {
    let m = interp.import_module(module)?;
    let mut v = Value::Module(m);
    for p in path {
        v = interp.getattr(&v, p)?;
    }
    Ok(v)
}

fn int_attr(interp: &mut Interp, v: &Value, name: &str) -> PyResult<i64> {
    match interp.getattr(v, name)? {
        Value::Int(i) => Ok(i),
        Value::Bool(b) => Ok(b as i64),
        _ => Ok(0),
    }
}

fn isinstance_of(interp: &mut Interp, v: &Value, module: &str, class: &str) -> PyResult<bool> {
    if !matches!(v, Value::Instance(_)) {
        return Ok(false);
    }
    let cls = module_attr(interp, module, &[class])?;
    match cls {
        Value::Class(c) => Ok(interp.type_of(v).is_subclass(&c)),
        _ => Ok(false),
    }
}

/// The bind processors that need Python (`TypeEngine.bind_processor` for SQLite): the value
/// as the DB-API receives it, still as a Python value (`Decimal` → float, `date` →
/// `'2024-05-01'`, an enum member → its name, JSON → its text).
pub fn process_bind(interp: &mut Interp, ty: &SqlType, v: &Value) -> PyResult<Value> {
    if let SqlType::Decorated(d) = ty {
        let v = decorator_hook(interp, d, "process_bind_param", v.clone())?;
        return process_bind(interp, &d.impl_type, &v);
    }
    if v.is_none() {
        return Ok(Value::None);
    }
    if let SqlType::Spelled(s) = ty {
        if s.class == "PickleType" {
            return Ok(Value::Bytes(std::rc::Rc::from(super::pickle::dumps(interp, v)?)));
        }
    }
    match ty.affinity() {
        SqlType::Numeric(..) | SqlType::Float => match v {
            Value::Instance(_) => {
                let float = interp.builtins.get("float").unwrap_or(Value::None);
                interp.call(&float, Args::new(vec![v.clone()]))
            }
            Value::Int(i) => Ok(Value::Float(*i as f64)),
            _ => Ok(v.clone()),
        },
        SqlType::Boolean => match v {
            Value::Bool(_) => Ok(v.clone()),
            Value::Int(0) | Value::Int(1) => Ok(v.clone()),
            _ => {
                let r = interp.repr(v)?;
                Err(interp.type_error(format!("Not a boolean value: {r}")))
            }
        },
        SqlType::Date => {
            if !isinstance_of(interp, v, "datetime", "date")? {
                return Err(interp.type_error("SQLite Date type only accepts Python date objects as input."));
            }
            let (y, m, d) = (int_attr(interp, v, "year")?, int_attr(interp, v, "month")?, int_attr(interp, v, "day")?);
            Ok(Value::str(&format!("{y:04}-{m:02}-{d:02}")))
        }
        SqlType::DateTime => {
            let is_dt = isinstance_of(interp, v, "datetime", "datetime")?;
            if !is_dt && !isinstance_of(interp, v, "datetime", "date")? {
                return Err(
                    interp.type_error("SQLite DateTime type only accepts Python datetime and date objects as input.")
                );
            }
            let (y, m, d) = (int_attr(interp, v, "year")?, int_attr(interp, v, "month")?, int_attr(interp, v, "day")?);
            let (hh, mm, ss, us) = if is_dt {
                (
                    int_attr(interp, v, "hour")?,
                    int_attr(interp, v, "minute")?,
                    int_attr(interp, v, "second")?,
                    int_attr(interp, v, "microsecond")?,
                )
            } else {
                (0, 0, 0, 0)
            };
            Ok(Value::str(&format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}.{us:06}")))
        }
        SqlType::Time => {
            if !isinstance_of(interp, v, "datetime", "time")? {
                return Err(interp.type_error("SQLite Time type only accepts Python time objects as input."));
            }
            let (hh, mm, ss, us) = (
                int_attr(interp, v, "hour")?,
                int_attr(interp, v, "minute")?,
                int_attr(interp, v, "second")?,
                int_attr(interp, v, "microsecond")?,
            );
            Ok(Value::str(&format!("{hh:02}:{mm:02}:{ss:02}.{us:06}")))
        }
        SqlType::Json => Ok(Value::str(&json_dumps(interp, v)?)),
        // `Uuid` on a database without a native UUID type: 32 hex digits.
        SqlType::Other(n) if n == "Uuid" || n == "UuidStr" => match v {
            Value::Str(s) => Ok(Value::str(&s.replace('-', ""))),
            _ => interp.getattr(v, "hex"),
        },
        // `Interval` on SQLite: the epoch plus the interval, as a DATETIME.
        SqlType::Other(n) if n == "Interval" => {
            if !isinstance_of(interp, v, "datetime", "timedelta")? {
                return Ok(v.clone());
            }
            let total_us = int_attr(interp, v, "days")? * 86_400_000_000
                + int_attr(interp, v, "seconds")? * 1_000_000
                + int_attr(interp, v, "microseconds")?;
            let days = total_us.div_euclid(86_400_000_000);
            let rest = total_us.rem_euclid(86_400_000_000);
            let (y, m, d) = civil_from_days(days);
            let (hh, mm, ss, us) =
                (rest / 3_600_000_000, rest / 60_000_000 % 60, rest / 1_000_000 % 60, rest % 1_000_000);
            Ok(Value::str(&format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}.{us:06}")))
        }
        SqlType::Enum(e) => {
            for (name, obj) in e.enums.iter().zip(&e.objects) {
                if obj.is(v) || matches!((obj, v), (Value::Str(a), Value::Str(b)) if a == b) {
                    return Ok(Value::str(name));
                }
            }
            if let (Value::Str(s), false) = (v, e.validate_strings) {
                return Ok(Value::str(s));
            }
            let shown = interp.to_str(v)?;
            Err(interp.err("LookupError", format!("'{shown}' is not among the defined enum values. {}", e.describe())))
        }
        _ => Ok(v.clone()),
    }
}

impl EnumType {
    /// `Enum.__repr__` (`util.GenericRepr`): the values, then the keywords that differ from
    /// their defaults, in `SchemaType.__init__`'s order and then `repr_struct`'s.
    pub fn repr(&self, interp: &mut Interp) -> PyResult<String> {
        let mut out = Vec::new();
        for e in &self.enums {
            out.push(interp.repr(&Value::str(e))?);
        }
        if let Some(n) = &self.name {
            out.push(format!("name={}", interp.repr(&Value::str(n))?));
        }
        if !self.create_type {
            out.push("create_type=False".into());
        }
        if !self.native_enum {
            out.push("native_enum=False".into());
        }
        if self.create_constraint {
            out.push("create_constraint=True".into());
        }
        if self.length != self.default_length {
            out.push(format!("length={}", self.length));
        }
        Ok(format!("Enum({})", out.join(", ")))
    }

    /// `Enum._set_table`'s CHECK constraint for `create_constraint=True`: its SQL for the
    /// column, rendered only where the dialect has no native enum or it is not native
    /// (`_should_create_constraint`).
    pub fn check_sql(&self, column: &str) -> String {
        let items: Vec<String> = self.enums.iter().map(|e| format!("'{}'", e.replace('\'', "''"))).collect();
        format!("{column} IN ({})", items.join(", "))
    }

    /// `Enum name: status. Possible values: DRAFT, LIVE`, as the lookup errors end.
    fn describe(&self) -> String {
        let mut names: Vec<String> = self.enums.iter().take(4).cloned().collect();
        if self.enums.len() > 4 {
            names.truncate(3);
            names.push("..".into());
            names.push(self.enums.last().cloned().unwrap_or_default());
        }
        format!(
            "Enum name: {}. Possible values: {}",
            self.name.clone().unwrap_or_else(|| "None".into()),
            names.join(", ")
        )
    }
}

/// The result processors that need Python: a value read from SQLite as Python sees it
/// (`NUMERIC` → `Decimal`, `DATE` → `datetime.date`, enum names → members, JSON text → objects).
pub fn process_result(interp: &mut Interp, ty: &SqlType, v: &SqlValue) -> PyResult<Value> {
    if let SqlType::Decorated(d) = ty {
        let r = process_result(interp, &d.impl_type, v)?;
        return decorator_hook(interp, d, "process_result_value", r);
    }
    if matches!(v, SqlValue::Null) {
        return Ok(Value::None);
    }
    if let (SqlType::Spelled(s), SqlValue::Blob(b)) = (ty, v) {
        if s.class == "PickleType" {
            return super::pickle::loads(interp, b);
        }
    }
    match (ty.affinity(), v) {
        (SqlType::Numeric(_, scale), SqlValue::Integer(_) | SqlValue::Real(_)) => {
            let f = match v {
                SqlValue::Integer(i) => *i as f64,
                SqlValue::Real(f) => *f,
                _ => 0.0,
            };
            let scale = scale.unwrap_or(10) as usize;
            let decimal = module_attr(interp, "decimal", &["Decimal"])?;
            interp.call(&decimal, Args::new(vec![Value::str(&format!("{f:.scale$}"))]))
        }
        (SqlType::Date, SqlValue::Text(s)) => {
            let n = numbers(s);
            let date = module_attr(interp, "datetime", &["date"])?;
            let args = (0..3).map(|i| Value::Int(n.get(i).copied().unwrap_or(0))).collect();
            interp.call(&date, Args::new(args))
        }
        (SqlType::DateTime, SqlValue::Text(s)) => {
            let n = numbers(s);
            let dt = module_attr(interp, "datetime", &["datetime"])?;
            let args = (0..7).map(|i| Value::Int(n.get(i).copied().unwrap_or(0))).collect();
            interp.call(&dt, Args::new(args))
        }
        (SqlType::Time, SqlValue::Text(s)) => {
            let n = numbers(s);
            let t = module_attr(interp, "datetime", &["time"])?;
            let args = (0..4).map(|i| Value::Int(n.get(i).copied().unwrap_or(0))).collect();
            interp.call(&t, Args::new(args))
        }
        (SqlType::Json, SqlValue::Text(s)) => json_loads(interp, s),
        (SqlType::Other(n), SqlValue::Text(s)) if n == "Uuid" => {
            let uuid = module_attr(interp, "uuid", &["UUID"])?;
            interp.call(&uuid, Args::new(vec![Value::str(s)]))
        }
        (SqlType::Other(n), SqlValue::Text(s)) if n == "UuidStr" && s.len() == 32 => {
            Ok(Value::str(&format!("{}-{}-{}-{}-{}", &s[0..8], &s[8..12], &s[12..16], &s[16..20], &s[20..32])))
        }
        (SqlType::Other(n), SqlValue::Text(s)) if n == "Interval" => {
            let n = numbers(s);
            let at = |i: usize| n.get(i).copied().unwrap_or(0);
            let days = days_from_civil(at(0), at(1), at(2));
            let seconds = at(3) * 3600 + at(4) * 60 + at(5);
            let td = module_attr(interp, "datetime", &["timedelta"])?;
            interp.call(&td, Args::new(vec![Value::Int(days), Value::Int(seconds), Value::Int(at(6))]))
        }
        (SqlType::Enum(e), SqlValue::Text(s)) => match e.enums.iter().position(|x| x == &**s) {
            Some(i) => Ok(e.objects[i].clone()),
            None => {
                Err(interp.err("LookupError", format!("'{s}' is not among the defined enum values. {}", e.describe())))
            }
        },
        _ => Ok(ty.result(v)),
    }
}

/// The runs of digits in a stored date/time text (`2024-05-01 10:30:00.000000`); microseconds
/// are padded to six digits as SQLAlchemy's regular expression reads them.
fn numbers(s: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut after_dot = false;
    let flush = |cur: &mut String, after_dot: bool, out: &mut Vec<i64>| {
        if !cur.is_empty() {
            let mut t = cur.clone();
            if after_dot {
                while t.len() < 6 {
                    t.push('0');
                }
                t.truncate(6);
            }
            out.push(t.parse().unwrap_or(0));
            cur.clear();
        }
    };
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            cur.push(ch);
        } else {
            flush(&mut cur, after_dot, &mut out);
            after_dot = ch == '.';
        }
    }
    flush(&mut cur, after_dot, &mut out);
    out
}

// ----- JSON as Python's json module writes and reads it ------------------------------------

/// `json.dumps(value)` with the default separators and `ensure_ascii=True`.
pub fn json_dumps(interp: &mut Interp, v: &Value) -> PyResult<String> {
    let mut out = String::new();
    dump(interp, v, &mut out, 0)?;
    Ok(out)
}

fn dump_str(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn dump(interp: &mut Interp, v: &Value, out: &mut String, depth: usize) -> PyResult<()> {
    if depth > 200 {
        return Err(interp.err("RecursionError", "maximum recursion depth exceeded while encoding a JSON object"));
    }
    match v {
        Value::None => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => {
            if f.is_nan() {
                out.push_str("NaN")
            } else if f.is_infinite() {
                out.push_str(if *f > 0.0 { "Infinity" } else { "-Infinity" })
            } else {
                out.push_str(&crate::python::format::float_repr(*f))
            }
        }
        Value::Str(s) => dump_str(s, out),
        Value::List(_) | Value::Tuple(_) => {
            let items = interp.iterate(v)?;
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                dump(interp, it, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Dict(d) => {
            let items: Vec<(Value, Value)> = d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            out.push('{');
            for (i, (k, val)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let key = match k {
                    Value::Str(s) => s.to_string(),
                    Value::Int(n) => n.to_string(),
                    Value::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
                    Value::None => "null".to_string(),
                    Value::Float(f) => crate::python::format::float_repr(*f),
                    other => {
                        let t = interp.type_name(other);
                        return Err(interp.type_error(format!("keys must be str, int, float, bool or None, not {t}")));
                    }
                };
                dump_str(&key, out);
                out.push_str(": ");
                dump(interp, val, out, depth + 1)?;
            }
            out.push('}');
        }
        other => {
            let t = interp.type_name(other);
            return Err(interp.type_error(format!("Object of type {t} is not JSON serializable")));
        }
    }
    Ok(())
}

/// `json.loads(text)` for the text SQLite returns (keys keep their order, as in Python).
pub fn json_loads(interp: &mut Interp, s: &str) -> PyResult<Value> {
    let mut p = JsonParser { s: s.as_bytes(), pos: 0 };
    p.ws();
    let v = p.value();
    p.ws();
    match v {
        Some(v) if p.pos == s.len() => Ok(v),
        _ => Err(interp.err("ValueError", format!("Invalid JSON: {s}"))),
    }
}

struct JsonParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }
    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.pos..].starts_with(lit.as_bytes()) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }
    fn value(&mut self) -> Option<Value> {
        self.ws();
        let c = *self.s.get(self.pos)?;
        match c {
            b'n' => self.eat("null").then_some(Value::None),
            b't' => self.eat("true").then_some(Value::Bool(true)),
            b'f' => self.eat("false").then_some(Value::Bool(false)),
            b'N' => self.eat("NaN").then_some(Value::Float(f64::NAN)),
            b'I' => self.eat("Infinity").then_some(Value::Float(f64::INFINITY)),
            b'"' => self.string().map(|s| Value::str(&s)),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]") {
                    return Some(Value::list(items));
                }
                loop {
                    items.push(self.value()?);
                    self.ws();
                    if self.eat("]") {
                        return Some(Value::list(items));
                    }
                    if !self.eat(",") {
                        return None;
                    }
                }
            }
            b'{' => {
                self.pos += 1;
                let mut d = Dict::new();
                self.ws();
                if self.eat("}") {
                    return Some(Value::dict(d));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.ws();
                    if !self.eat(":") {
                        return None;
                    }
                    let v = self.value()?;
                    d.insert(Value::str(&k), v);
                    self.ws();
                    if self.eat("}") {
                        return Some(Value::dict(d));
                    }
                    if !self.eat(",") {
                        return None;
                    }
                }
            }
            _ => self.number(),
        }
    }
    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        if self.eat("-Infinity") {
            return Some(Value::Float(f64::NEG_INFINITY));
        }
        while self.pos < self.s.len() && matches!(self.s[self.pos], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            self.pos += 1;
        }
        let t = std::str::from_utf8(&self.s[start..self.pos]).ok()?;
        if t.contains(['.', 'e', 'E']) {
            t.parse().ok().map(Value::Float)
        } else {
            t.parse().ok().map(Value::Int)
        }
    }
    fn string(&mut self) -> Option<String> {
        if !self.eat("\"") {
            return None;
        }
        let mut out: Vec<u16> = Vec::new();
        let mut text = String::new();
        loop {
            let c = *self.s.get(self.pos)?;
            self.pos += 1;
            match c {
                b'"' => {
                    text.push_str(&String::from_utf16_lossy(&out));
                    return Some(text);
                }
                b'\\' => {
                    let e = *self.s.get(self.pos)?;
                    self.pos += 1;
                    let ch = match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let hex = std::str::from_utf8(self.s.get(self.pos..self.pos + 4)?).ok()?;
                            self.pos += 4;
                            out.push(u16::from_str_radix(hex, 16).ok()?);
                            continue;
                        }
                        other => other as char,
                    };
                    out.extend(ch.encode_utf16(&mut [0u16; 2]).iter());
                }
                _ => {
                    // Copy one UTF-8 character.
                    let start = self.pos - 1;
                    let len = match c {
                        0..=0x7f => 1,
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        _ => 4,
                    };
                    self.pos = start + len;
                    let ch = std::str::from_utf8(self.s.get(start..start + len)?).ok()?;
                    out.extend(ch.encode_utf16());
                }
            }
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod interval_tests {
    use super::{civil_from_days, days_from_civil};

    #[test]
    fn epoch_days_round_trip() {
        // The oracle's case 412 stores timedelta(days=1, seconds=5) as '1970-01-02 00:00:05'.
        assert_eq!(civil_from_days(1), (1970, 1, 2));
        assert_eq!(days_from_civil(1970, 1, 2), 1);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
