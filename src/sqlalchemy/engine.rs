//! Engines and connections (`engine/base.py`) over the [`Database`] trait, with the pysqlite
//! driver's transaction behaviour and the statement log that `SQLALCHEMY_ECHO` would print.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::db::{Database, DbError, QueryResult, SqlValue};
use crate::python::builtins::{method, native_class, new_native};
use crate::python::interp::Interp;
use crate::python::value::{Class, Instance, Value};

/// One line of the SQL log: a statement with its parameters, or a transaction event
/// (`BEGIN (implicit)`, `COMMIT`, `ROLLBACK`) without.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub statement: String,
    pub params: Option<Vec<SqlValue>>,
    /// executemany: one parameter list per row (then `params` is None).
    pub many: Option<Vec<Vec<SqlValue>>>,
}

/// Everything sent to the databases, in order, until taken.
#[derive(Debug, Default)]
pub struct SqlLog {
    entries: RefCell<Vec<LogEntry>>,
}

impl SqlLog {
    pub fn push(&self, statement: &str, params: Option<Vec<SqlValue>>) {
        self.entries.borrow_mut().push(LogEntry { statement: statement.to_string(), params, many: None });
    }
    /// Takes the entries logged so far.
    pub fn take(&self) -> Vec<LogEntry> {
        std::mem::take(&mut *self.entries.borrow_mut())
    }
}

/// An `Engine`: a URL and the one database connection behind it.
pub struct Engine {
    pub url: String,
    pub dialect_name: String,
    db: RefCell<Box<dyn Database>>,
    pub log: Rc<SqlLog>,
    /// pysqlite opens a real transaction only before DML; is one open?
    real_tx: Cell<bool>,
    /// The Python `Engine` object (what engine event listeners receive), while it lives.
    pub py: RefCell<std::rc::Weak<Instance>>,
    /// Has the pool made its DB-API connection (the `first_connect` / `connect` events)?
    pool_connected: Cell<bool>,
}

/// A DB-API error with the statement that caused it (what `DBAPIError` wraps).
#[derive(Debug, Clone)]
pub struct StatementError {
    pub error: DbError,
    pub sql: String,
    /// The parameters of a single execution (the failing row's, for an `executemany`).
    pub params: Vec<SqlValue>,
    /// An `executemany`'s parameter sets, all of them: what the error shows.
    pub many: Option<Vec<Vec<SqlValue>>>,
}

impl Engine {
    pub fn new(url: &str, dialect_name: &str, db: Box<dyn Database>, log: Rc<SqlLog>) -> Rc<Engine> {
        Rc::new(Engine {
            url: url.to_string(),
            dialect_name: dialect_name.to_string(),
            db: RefCell::new(db),
            log,
            real_tx: Cell::new(false),
            py: RefCell::new(std::rc::Weak::new()),
            pool_connected: Cell::new(false),
        })
    }

    /// A new connection (no transaction yet).
    pub fn connect(self: &Rc<Self>) -> Connection {
        Connection {
            engine: self.clone(),
            in_tx: Cell::new(false),
            connect_events_due: Cell::new(true),
            checked_out: Cell::new(false),
            first_on_engine: !self.pool_connected.replace(true),
            py: RefCell::new(None),
        }
    }

    /// The Python `Engine` object, while it lives.
    pub fn py_value(&self) -> Option<Value> {
        self.py.borrow().upgrade().map(Value::Instance)
    }

    /// Runs SQL without logging it (the playground's own inspection).
    pub fn execute_unlogged(&self, sql: &str, params: &[SqlValue]) -> Result<QueryResult, DbError> {
        self.db.borrow_mut().execute(sql, params)
    }

    /// The SQLite library version.
    pub fn sqlite_version(&self) -> String {
        self.db.borrow().sqlite_version()
    }

    /// The database file's bytes.
    pub fn export(&self) -> Result<Vec<u8>, DbError> {
        self.db.borrow_mut().export()
    }
}

fn is_dml(sql: &str) -> bool {
    let head = sql.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    matches!(head.as_str(), "INSERT" | "UPDATE" | "DELETE" | "REPLACE")
}

/// A `Connection`: autobegins a transaction at its first statement, as SQLAlchemy 2.x does.
pub struct Connection {
    pub engine: Rc<Engine>,
    in_tx: Cell<bool>,
    /// Made, and its `connect` / `engine_connect` events not dispatched yet
    /// (`events::connected`).
    pub connect_events_due: Cell<bool>,
    /// Its `checkout` has been dispatched and its `checkin` not yet.
    pub checked_out: Cell<bool>,
    /// The engine's first connection: the one its pool made the DB-API connection for.
    pub first_on_engine: bool,
    /// The Python `Connection` object engine and mapper event listeners receive, made when one
    /// is first needed.
    pub py: RefCell<Option<Value>>,
}

impl Connection {
    /// True while a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.in_tx.get()
    }

    /// Begins the transaction if needed (logs `BEGIN (implicit)`).
    pub fn ensure_begun(&self) {
        if !self.in_tx.get() {
            self.in_tx.set(true);
            self.engine.log.push("BEGIN (implicit)", None);
        }
    }

    /// Executes one statement with positional parameters, logging it.
    pub fn execute(&self, sql: &str, params: Vec<SqlValue>) -> Result<QueryResult, StatementError> {
        self.ensure_begun();
        self.engine.log.push(sql, Some(params.clone()));
        let mut db = self.engine.db.borrow_mut();
        if is_dml(sql) && !self.engine.real_tx.get() {
            if let Err(error) = db.execute("BEGIN", &[]) {
                return Err(StatementError { error, sql: sql.to_string(), params, many: None });
            }
            self.engine.real_tx.set(true);
        }
        db.execute(sql, &params).map_err(|error| StatementError { error, sql: sql.to_string(), params, many: None })
    }

    /// `executemany`: one statement for several parameter rows, logged once; the rows they
    /// changed, all together (pysqlite's `cursor.rowcount` after `executemany`).
    pub fn execute_many(&self, sql: &str, rows: Vec<Vec<SqlValue>>) -> Result<i64, StatementError> {
        self.ensure_begun();
        self.engine.log.entries.borrow_mut().push(LogEntry {
            statement: sql.to_string(),
            params: None,
            many: Some(rows.clone()),
        });
        let mut db = self.engine.db.borrow_mut();
        if is_dml(sql) && !self.engine.real_tx.get() {
            if let Err(error) = db.execute("BEGIN", &[]) {
                return Err(StatementError {
                    error,
                    sql: sql.to_string(),
                    params: rows.first().cloned().unwrap_or_default(),
                    many: Some(rows),
                });
            }
            self.engine.real_tx.set(true);
        }
        let mut changes = 0;
        for (i, params) in rows.iter().enumerate() {
            match db.execute(sql, params) {
                Ok(r) => changes += r.changes,
                Err(error) => {
                    let params = rows[i].clone();
                    return Err(StatementError { error, sql: sql.to_string(), params, many: Some(rows) });
                }
            }
        }
        Ok(changes)
    }

    /// Commits the transaction (logs `COMMIT`), if one is open.
    pub fn commit(&self) {
        if self.in_tx.replace(false) {
            self.engine.log.push("COMMIT", None);
            self.finish("COMMIT");
        }
    }

    /// Rolls the transaction back (logs `ROLLBACK`), if one is open.
    pub fn rollback(&self) {
        if self.in_tx.replace(false) {
            self.engine.log.push("ROLLBACK", None);
            self.finish("ROLLBACK");
        }
    }

    fn finish(&self, verb: &str) {
        if self.engine.real_tx.replace(false) {
            // A failure here leaves nothing to undo; SQLite reports it on the next statement.
            let _ = self.engine.db.borrow_mut().execute(verb, &[]);
        }
    }
}

/// Payload of `Engine` objects.
pub struct EngineData(pub Rc<Engine>);

struct UrlData(String);

/// The database part of a URL (`URL.database`): what follows the host's `/`, before any
/// query string; None when empty (`sqlite://`).
pub fn url_database(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let rest = &rest[rest.find('/')? + 1..];
    let db = rest.split('?').next().unwrap_or("");
    (!db.is_empty()).then_some(db)
}

/// `sqlalchemy.engine.Engine` (what `db.engine` is, and `sqlalchemy.engine.Engine`, the target
/// of engine-wide event listeners): one class per interpreter.
pub fn engine_class(interp: &mut Interp) -> Rc<Class> {
    if let Some(c) = interp.ext.get("sqlalchemy.engine.Engine").and_then(|e| e.clone().downcast::<Rc<Class>>().ok()) {
        return (*c).clone();
    }
    let c = make_engine_class(interp);
    interp.ext.insert("sqlalchemy.engine.Engine", Rc::new(c.clone()));
    c
}

fn make_engine_class(interp: &Interp) -> Rc<Class> {
    let url_cls = native_class(
        interp,
        "URL",
        "sqlalchemy.engine.url",
        None,
        vec![
            (
                "__repr__",
                method("URL", "__repr__", |_, a| {
                    Ok(Value::str(&a.pos[0].payload::<UrlData>().map(|u| u.0.clone()).unwrap_or_default()))
                }),
            ),
            (
                "__str__",
                method("URL", "__str__", |_, a| {
                    Ok(Value::str(&a.pos[0].payload::<UrlData>().map(|u| u.0.clone()).unwrap_or_default()))
                }),
            ),
            (
                "__getattr__",
                method("URL", "__getattr__", |i, a| {
                    let url = a.pos[0].payload::<UrlData>().map(|u| u.0.clone()).unwrap_or_default();
                    match a.pos.get(1).and_then(|v| v.as_str()) {
                        Some("database") => Ok(url_database(&url).map_or(Value::None, Value::str)),
                        Some("drivername") => Ok(Value::str(url.split("://").next().unwrap_or(""))),
                        Some(other) => Err(i.err("AttributeError", format!("'URL' object has no attribute '{other}'"))),
                        None => Ok(Value::None),
                    }
                }),
            ),
        ],
    );
    native_class(
        interp,
        "Engine",
        "sqlalchemy.engine.base",
        None,
        vec![
            (
                "__repr__",
                method("Engine", "__repr__", |_, a| {
                    let e = a.pos[0].payload::<EngineData>().map(|e| e.0.url.clone()).unwrap_or_default();
                    Ok(Value::str(&format!("Engine({e})")))
                }),
            ),
            (
                "__getattr__",
                method("Engine", "__getattr__", move |i, a| {
                    let e = a.pos[0].payload::<EngineData>().ok_or_else(|| i.type_error("bad engine"))?;
                    match a.pos.get(1).and_then(|v| v.as_str()) {
                        Some("url") => Ok(new_native(&url_cls, UrlData(e.0.url.clone()))),
                        Some("name") => Ok(Value::str(&e.0.dialect_name)),
                        Some(other) => {
                            Err(i.err("AttributeError", format!("'Engine' object has no attribute '{other}'")))
                        }
                        None => Ok(Value::None),
                    }
                }),
            ),
        ],
    )
}
