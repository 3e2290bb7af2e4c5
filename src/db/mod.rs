//! The one door to SQLite: [`Database`], implemented by sql.js in the browser
//! ([`sqljs::SqlJsDatabase`]) and by rusqlite with bundled SQLite natively
//! ([`native::NativeDatabase`]). The engine above sees only this trait.

#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(target_arch = "wasm32")]
pub mod sqljs;

/// A value as SQLite stores it (its five storage classes).
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// What one statement gave back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    /// Column names of the result set (empty for statements that return no rows).
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
    /// `sqlite3_last_insert_rowid()` after the statement.
    pub last_insert_rowid: i64,
    /// `sqlite3_changes()` after the statement (rows inserted, updated or deleted).
    pub changes: i64,
}

/// An error SQLite reported, in its own words (`UNIQUE constraint failed: user.username`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError {
    pub message: String,
    /// The primary result code's class as the Python DB-API maps it: "IntegrityError",
    /// "OperationalError", "ProgrammingError", ...
    pub dbapi_class: &'static str,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A connection to one SQLite database. Statements run one at a time, synchronously;
/// parameters are bound positionally (`?`).
pub trait Database {
    /// Runs one statement and returns every row it produced.
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<QueryResult, DbError>;
    /// The SQLite library version (`sqlite3_libversion()`), e.g. "3.46.0".
    fn sqlite_version(&self) -> String;
    /// The database as the bytes of an SQLite file (for downloads and saves).
    fn export(&mut self) -> Result<Vec<u8>, DbError>;
}

/// Maps an SQLite primary result code to the DB-API exception class pysqlite raises for it
/// (Modules/_sqlite/util.c in CPython).
pub fn dbapi_class_for_code(primary_code: i32) -> &'static str {
    match primary_code {
        // SQLITE_INTERNAL, SQLITE_NOTFOUND
        2 | 12 => "InternalError",
        // SQLITE_NOMEM
        7 => "MemoryError",
        // SQLITE_ERROR, SQLITE_PERM, SQLITE_ABORT, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY,
        // SQLITE_INTERRUPT, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PROTOCOL,
        // SQLITE_EMPTY, SQLITE_SCHEMA
        1 | 3 | 4 | 5 | 6 | 8 | 9 | 10 | 13 | 14 | 15 | 16 | 17 => "OperationalError",
        // SQLITE_CORRUPT
        11 => "DatabaseError",
        // SQLITE_TOOBIG
        18 => "DataError",
        // SQLITE_CONSTRAINT, SQLITE_MISMATCH
        19 | 20 => "IntegrityError",
        // SQLITE_MISUSE, SQLITE_RANGE
        21 | 25 => "InterfaceError",
        _ => "DatabaseError",
    }
}
