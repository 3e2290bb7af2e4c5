//! [`Database`] on sql.js (SQLite compiled to WebAssembly), for the browser.
//!
//! The page loads `sql-wasm.js` with a classic script tag, which defines `initSqlJs`; [`init`]
//! calls it once and keeps the `SQL` module. Every JavaScript failure becomes a [`DbError`]:
//! nothing here may panic, since a panic in wasm kills the page.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{Database, DbError, QueryResult, SqlValue};

thread_local! {
    static SQL: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// A new database opened ahead of time ([`SqlJsDatabase::prepare_spare`]), untouched since.
    static SPARE: RefCell<Option<SqlJsDatabase>> = const { RefCell::new(None) };
}

fn js_error(context: &str, e: JsValue) -> DbError {
    let message = Reflect::get(&e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{context} failed"));
    DbError { dbapi_class: class_for_message(&message), message }
}

/// The DB-API class pysqlite would raise for an SQLite error message (sql.js reports only the
/// message text, `sqlite3_errmsg`): constraint violations are IntegrityError, the rest
/// OperationalError.
fn class_for_message(message: &str) -> &'static str {
    if message.contains("constraint failed") || message.starts_with("datatype mismatch") {
        "IntegrityError"
    } else {
        "OperationalError"
    }
}

fn get(obj: &JsValue, key: &str) -> Result<JsValue, DbError> {
    Reflect::get(obj, &JsValue::from_str(key)).map_err(|e| js_error(key, e))
}

fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, DbError> {
    let f: Function = get(obj, method)?
        .dyn_into()
        .map_err(|_| DbError { message: format!("{method} is not a function"), dbapi_class: "InterfaceError" })?;
    let arr = Array::new();
    for a in args {
        arr.push(a);
    }
    f.apply(obj, &arr).map_err(|e| js_error(method, e))
}

async fn init_with(config: JsValue) -> Result<(), DbError> {
    if SQL.with(|s| s.borrow().is_some()) {
        return Ok(());
    }
    let global = js_sys::global();
    let init = get(&global, "initSqlJs")?;
    let init: Function = init.dyn_into().map_err(|_| DbError {
        message: "sql.js is not loaded (initSqlJs missing)".into(),
        dbapi_class: "InterfaceError",
    })?;
    let promise: Promise = init
        .call1(&JsValue::NULL, &config)
        .map_err(|e| js_error("initSqlJs", e))?
        .dyn_into()
        .map_err(|_| DbError { message: "initSqlJs did not return a promise".into(), dbapi_class: "InterfaceError" })?;
    let sql = JsFuture::from(promise).await.map_err(|e| js_error("initSqlJs", e))?;
    SQL.with(|s| *s.borrow_mut() = Some(sql));
    Ok(())
}

/// Loads sql.js once (finding `sql-wasm.wasm` next to the page). Idempotent. When the page
/// started loading it already (index.html: `window.fspSqlJs = initSqlJs(...)`, in parallel with
/// this wasm), waits for that promise instead of starting again.
pub async fn init() -> Result<(), DbError> {
    if SQL.with(|s| s.borrow().is_some()) {
        return Ok(());
    }
    if let Ok(started) = Reflect::get(&js_sys::global(), &JsValue::from_str("fspSqlJs")) {
        if let Ok(promise) = started.dyn_into::<Promise>() {
            let sql = JsFuture::from(promise).await.map_err(|e| js_error("initSqlJs", e))?;
            SQL.with(|s| *s.borrow_mut() = Some(sql));
            return Ok(());
        }
    }
    let config = Object::new();
    let locate = Function::new_with_args("file", "return file;");
    Reflect::set(&config, &JsValue::from_str("locateFile"), &locate).map_err(|e| js_error("config", e))?;
    init_with(config.into()).await
}

/// True when sql.js is loaded, taking it from `window.fspSql` (set by index.html once its
/// `fspSqlJs` promise has resolved) without waiting: the page can then run the project before
/// its first layout.
pub fn init_now() -> bool {
    if is_ready() {
        return true;
    }
    match Reflect::get(&js_sys::global(), &JsValue::from_str("fspSql")) {
        Ok(sql) if sql.is_object() => {
            SQL.with(|s| *s.borrow_mut() = Some(sql));
            true
        }
        _ => false,
    }
}

/// Loads sql.js from the given wasm bytes (tests, where no file is served). Idempotent.
pub async fn init_with_wasm_binary(bytes: &[u8]) -> Result<(), DbError> {
    let config = Object::new();
    Reflect::set(&config, &JsValue::from_str("wasmBinary"), &Uint8Array::from(bytes))
        .map_err(|e| js_error("config", e))?;
    init_with(config.into()).await
}

/// True once [`init`] has finished.
pub fn is_ready() -> bool {
    SQL.with(|s| s.borrow().is_some())
}

/// An SQLite database held by sql.js.
pub struct SqlJsDatabase {
    db: JsValue,
    /// `sqlite3_last_insert_rowid()` as of the last statement that changed rows (sql.js does
    /// not export the function: asking costs a statement of its own).
    last_insert_rowid: i64,
}

impl SqlJsDatabase {
    fn construct(args: &Array) -> Result<SqlJsDatabase, DbError> {
        let sql = SQL
            .with(|s| s.borrow().clone())
            .ok_or_else(|| DbError { message: "sql.js is not loaded yet".into(), dbapi_class: "InterfaceError" })?;
        let ctor: Function = get(&sql, "Database")?
            .dyn_into()
            .map_err(|_| DbError { message: "SQL.Database missing".into(), dbapi_class: "InterfaceError" })?;
        let db = Reflect::construct(&ctor, args).map_err(|e| js_error("new SQL.Database", e))?;
        Ok(SqlJsDatabase { db, last_insert_rowid: 0 })
    }

    /// A new, empty in-memory database (the spare one when there is one).
    pub fn open_in_memory() -> Result<SqlJsDatabase, DbError> {
        if let Some(db) = SPARE.with(|s| s.borrow_mut().take()) {
            return Ok(db);
        }
        Self::open_new()
    }

    /// Opens the next run's database now, while the page is idle after a run (creating one costs
    /// about 1 ms, a tenth of a run of the tutorial): [`open_in_memory`](Self::open_in_memory)
    /// then takes it, exactly as it would have opened it. Does nothing before sql.js is loaded.
    pub fn prepare_spare() {
        if SPARE.with(|s| s.borrow().is_some()) || !is_ready() {
            return;
        }
        if let Ok(db) = Self::open_new() {
            SPARE.with(|s| *s.borrow_mut() = Some(db));
        }
    }

    fn open_new() -> Result<SqlJsDatabase, DbError> {
        let mut db = Self::construct(&Array::new())?;
        // As Python's sqlite3: foreign keys are not enforced unless the project asks.
        db.execute("PRAGMA foreign_keys = OFF", &[])?;
        // sql.js keeps the database in a file of its in-memory file system, so SQLite does what
        // it does for a file shared with other connections: before each statement it releases
        // and takes the file lock again, looks for a hot journal (a missing file: an exception
        // thrown in JavaScript, each time) and rereads the header; each transaction creates and
        // deletes a journal file. Only this connection ever opens the file: holding the lock
        // (`main` only, so the default a plain `PRAGMA locking_mode` reports stays `normal`, as
        // in Python) makes the tutorial's run about 4 times faster in SQLite, with the same
        // results. Attached databases keep the normal mode.
        call(&db.db, "run", &[JsValue::from_str("PRAGMA main.locking_mode = EXCLUSIVE")])?;
        Ok(db)
    }

    /// A database from the bytes of an SQLite file.
    pub fn open_from_bytes(bytes: &[u8]) -> Result<SqlJsDatabase, DbError> {
        let args = Array::new();
        args.push(&Uint8Array::from(bytes));
        Self::construct(&args)
    }

    fn scalar(&self, sql: &str) -> Result<JsValue, DbError> {
        let stmt = call(&self.db, "prepare", &[JsValue::from_str(sql)])?;
        let result = (|| {
            call(&stmt, "step", &[])?;
            let row = call(&stmt, "get", &[])?;
            Ok(Array::from(&row).get(0))
        })();
        let _ = call(&stmt, "free", &[]);
        result
    }
}

fn to_js(v: &SqlValue) -> JsValue {
    match v {
        SqlValue::Null => JsValue::NULL,
        SqlValue::Integer(i) => {
            if (i32::MIN as i64..=i32::MAX as i64).contains(i) {
                JsValue::from_f64(*i as f64)
            } else {
                JsValue::bigint_from_str(&i.to_string())
            }
        }
        SqlValue::Real(f) => JsValue::from_f64(*f),
        SqlValue::Text(s) => JsValue::from_str(s),
        SqlValue::Blob(b) => Uint8Array::from(b.as_slice()).into(),
    }
}

fn from_js(v: &JsValue) -> SqlValue {
    if v.is_null() || v.is_undefined() {
        SqlValue::Null
    } else if v.is_bigint() {
        let s = String::from(js_sys::BigInt::from(v.clone()).to_string(10).unwrap_or_else(|_| "0".into()));
        SqlValue::Integer(s.parse().unwrap_or(0))
    } else if let Some(f) = v.as_f64() {
        SqlValue::Real(f)
    } else if let Some(s) = v.as_string() {
        SqlValue::Text(s)
    } else if let Some(a) = v.dyn_ref::<Uint8Array>() {
        SqlValue::Blob(a.to_vec())
    } else {
        SqlValue::Null
    }
}

impl Drop for SqlJsDatabase {
    /// Closes the connection: sql.js then deletes the database's file (and its journal) from its
    /// in-memory file system, which would otherwise keep every run's database until the page
    /// closes.
    fn drop(&mut self) {
        let _ = call(&self.db, "close", &[]);
    }
}

impl Database for SqlJsDatabase {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<QueryResult, DbError> {
        let stmt = call(&self.db, "prepare", &[JsValue::from_str(sql)])?;
        let result = (|| {
            let arr = Array::new();
            for p in params {
                arr.push(&to_js(p));
            }
            if !params.is_empty() {
                call(&stmt, "bind", &[arr.into()])?;
            }
            let names = Array::from(&call(&stmt, "getColumnNames", &[])?);
            let columns: Vec<String> = names.iter().map(|n| n.as_string().unwrap_or_default()).collect();
            // Integers come back as BigInt so that 1 and 1.0 stay apart.
            let get_config = Object::new();
            Reflect::set(&get_config, &JsValue::from_str("useBigInt"), &JsValue::TRUE)
                .map_err(|e| js_error("config", e))?;
            let mut rows = Vec::new();
            while call(&stmt, "step", &[])?.as_bool().unwrap_or(false) {
                let row = Array::from(&call(&stmt, "get", &[JsValue::NULL, get_config.clone().into()])?);
                rows.push(row.iter().map(|v| from_js(&v)).collect());
            }
            Ok((columns, rows))
        })();
        let _ = call(&stmt, "free", &[]);
        let (columns, rows) = result?;
        let changes = call(&self.db, "getRowsModified", &[])?.as_f64().unwrap_or(0.0) as i64;
        // Only an INSERT that added a row moves last_insert_rowid (a trigger's INSERT is undone
        // when the trigger ends), and after it sqlite3_changes() is at least 1: while it is 0
        // the value kept is still right.
        if changes > 0 {
            self.last_insert_rowid = match from_js(&self.scalar("SELECT last_insert_rowid()")?) {
                SqlValue::Integer(i) => i,
                SqlValue::Real(f) => f as i64,
                _ => 0,
            };
        }
        Ok(QueryResult { columns, rows, last_insert_rowid: self.last_insert_rowid, changes })
    }

    fn sqlite_version(&self) -> String {
        self.scalar("SELECT sqlite_version()").ok().and_then(|v| v.as_string()).unwrap_or_default()
    }

    fn export(&mut self) -> Result<Vec<u8>, DbError> {
        let bytes = call(&self.db, "export", &[])?;
        Ok(Uint8Array::new(&bytes).to_vec())
    }
}
