//! [`Database`] on rusqlite with bundled SQLite, for the native runner and host tests.

use super::{dbapi_class_for_code, Database, DbError, QueryResult, SqlValue};
use rusqlite::types::{Value, ValueRef};

/// An SQLite database held by rusqlite (in memory unless opened from a path).
pub struct NativeDatabase {
    conn: rusqlite::Connection,
}

impl NativeDatabase {
    /// A new, empty in-memory database.
    pub fn open_in_memory() -> Result<Self, DbError> {
        let conn = rusqlite::Connection::open_in_memory().map_err(to_db_error)?;
        // rusqlite's bundled SQLite enforces foreign keys by default; Python's sqlite3 (what
        // the playground imitates) leaves them off.
        conn.execute_batch("PRAGMA foreign_keys = OFF").map_err(to_db_error)?;
        Ok(NativeDatabase { conn })
    }
}

fn to_db_error(err: rusqlite::Error) -> DbError {
    match &err {
        rusqlite::Error::SqliteFailure(e, msg) => DbError {
            message: msg.clone().unwrap_or_else(|| e.to_string()),
            dbapi_class: dbapi_class_for_code(e.extended_code & 0xff),
        },
        // A statement SQLite could not prepare ("no such column: x"): its error code decides.
        rusqlite::Error::SqlInputError { error, msg, .. } => {
            DbError { message: msg.clone(), dbapi_class: dbapi_class_for_code(error.extended_code & 0xff) }
        }
        other => DbError { message: other.to_string(), dbapi_class: "InterfaceError" },
    }
}

impl Database for NativeDatabase {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<QueryResult, DbError> {
        let mut stmt = self.conn.prepare(sql).map_err(to_db_error)?;
        let columns: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        let values: Vec<Value> = params
            .iter()
            .map(|p| match p {
                SqlValue::Null => Value::Null,
                SqlValue::Integer(i) => Value::Integer(*i),
                SqlValue::Real(f) => Value::Real(*f),
                SqlValue::Text(s) => Value::Text(s.clone()),
                SqlValue::Blob(b) => Value::Blob(b.clone()),
            })
            .collect();
        let mut rows_out = Vec::new();
        {
            let mut rows = stmt.query(rusqlite::params_from_iter(values.iter())).map_err(to_db_error)?;
            while let Some(row) = rows.next().map_err(to_db_error)? {
                let mut out = Vec::with_capacity(columns.len());
                for i in 0..columns.len() {
                    out.push(match row.get_ref(i).map_err(to_db_error)? {
                        ValueRef::Null => SqlValue::Null,
                        ValueRef::Integer(i) => SqlValue::Integer(i),
                        ValueRef::Real(f) => SqlValue::Real(f),
                        ValueRef::Text(t) => SqlValue::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => SqlValue::Blob(b.to_vec()),
                    });
                }
                rows_out.push(out);
            }
        }
        Ok(QueryResult {
            columns,
            rows: rows_out,
            last_insert_rowid: self.conn.last_insert_rowid(),
            changes: self.conn.changes() as i64,
        })
    }

    fn sqlite_version(&self) -> String {
        rusqlite::version().to_string()
    }

    fn export(&mut self) -> Result<Vec<u8>, DbError> {
        let data = self.conn.serialize(rusqlite::DatabaseName::Main).map_err(to_db_error)?;
        Ok(data.to_vec())
    }
}
