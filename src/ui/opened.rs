//! An SQLite file the learner opened (issue 7's uploads): its tables and rows for the Data tab,
//! read straight from the file's database (sql.js opens the bytes) with SQLite's own catalogue:
//! `sqlite_master`, `PRAGMA table_info`. Plain Rust over [`Database`] (tested natively).

use crate::db::{Database, SqlValue};
use crate::flask::playground::{ColumnView, RowsPage, TableView};

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn text(v: &SqlValue) -> Option<String> {
    match v {
        SqlValue::Null => None,
        SqlValue::Integer(i) => Some(i.to_string()),
        SqlValue::Real(f) => Some(format!("{f:?}")),
        SqlValue::Text(s) => Some(s.clone()),
        SqlValue::Blob(b) => Some(format!("x'{}'", b.iter().map(|x| format!("{x:02x}")).collect::<String>())),
    }
}

fn column_names(db: &mut dyn Database, table: &str) -> Vec<String> {
    db.execute(&format!("PRAGMA table_info({})", quote(table)), &[])
        .map(|r| r.rows.iter().filter_map(|row| row.get(1).and_then(text)).collect())
        .unwrap_or_default()
}

/// The file's tables (not SQLite's own), with their columns, row counts and CREATE statements;
/// an error when the bytes are not an SQLite database.
pub fn tables(db: &mut dyn Database) -> Result<Vec<TableView>, String> {
    let listed = db
        .execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            &[],
        )
        .map_err(|e| e.message)?;
    let mut out = Vec::new();
    for row in &listed.rows {
        let Some(name) = row.first().and_then(text) else { continue };
        let create_sql = row.get(1).and_then(text).unwrap_or_default();
        let info = db.execute(&format!("PRAGMA table_info({})", quote(&name)), &[]).map_err(|e| e.message)?;
        let fks =
            db.execute(&format!("PRAGMA foreign_key_list({})", quote(&name)), &[]).map(|r| r.rows).unwrap_or_default();
        let columns = info
            .rows
            .iter()
            .map(|c| {
                let col = c.get(1).and_then(text).unwrap_or_default();
                let foreign_key =
                    fks.iter().find(|f| f.get(3).and_then(text).as_deref() == Some(col.as_str())).map(|f| {
                        format!(
                            "{}.{}",
                            f.get(2).and_then(text).unwrap_or_default(),
                            f.get(4).and_then(text).unwrap_or_default()
                        )
                    });
                ColumnView {
                    sql_type: c.get(2).and_then(text).unwrap_or_default(),
                    nullable: c.get(3) == Some(&SqlValue::Integer(0)),
                    default: c.get(4).and_then(text),
                    primary_key: !matches!(c.get(5), Some(SqlValue::Integer(0)) | None),
                    unique: false,
                    index: false,
                    foreign_key,
                    name: col,
                }
            })
            .collect();
        let row_count = db.execute(&format!("SELECT count(*) FROM {}", quote(&name)), &[]).ok().and_then(|r| {
            match r.rows.first().and_then(|r| r.first()) {
                Some(SqlValue::Integer(n)) => Some(*n),
                _ => None,
            }
        });
        out.push(TableView {
            name,
            model: None,
            row_count,
            columns,
            ddl: vec![create_sql.clone()],
            alters: vec![],
            create_sql,
        });
    }
    Ok(out)
}

/// One page of `table`'s rows, ordered by column `sort` when given.
pub fn rows(db: &mut dyn Database, table: &str, sort: Option<(usize, bool)>, offset: usize, limit: usize) -> RowsPage {
    let columns = column_names(db, table);
    if columns.is_empty() {
        return RowsPage { error: Some(format!("no table named {table}")), ..RowsPage::default() };
    }
    let list = columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
    let order = match sort.and_then(|(i, desc)| columns.get(i).map(|c| (c, desc))) {
        Some((c, desc)) => format!(" ORDER BY {}{}", quote(c), if desc { " DESC" } else { "" }),
        None => String::new(),
    };
    let total = match db.execute(&format!("SELECT count(*) FROM {}", quote(table)), &[]) {
        Ok(r) => match r.rows.first().and_then(|r| r.first()) {
            Some(SqlValue::Integer(n)) => *n,
            _ => 0,
        },
        Err(_) => 0,
    };
    match db.execute(&format!("SELECT {list} FROM {}{order} LIMIT {limit} OFFSET {offset}", quote(table)), &[]) {
        Ok(r) => RowsPage {
            rows: r.rows.iter().map(|row| row.iter().map(text).collect()).collect(),
            columns,
            total,
            offset,
            error: None,
        },
        Err(e) => RowsPage { columns, error: Some(e.message), offset, ..RowsPage::default() },
    }
}

/// What a file brought in (dropped anywhere on the page, or pasted) is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Brought {
    /// A Python module: joins the project (or replaces its namesake).
    Python(String),
    /// An SQLite file: browsed in the Data tab.
    Database(Vec<u8>),
    /// Neither: why not, for the learner.
    Refused(String),
}

/// The largest `.py` file that joins the project (bytes).
pub const MAX_PY: usize = 1 << 20;

/// Sorts a brought file by its name: `.py` text joins the project, `.db` / `.sqlite` /
/// `.sqlite3` opens in the Data tab; `bytes` is None when the browser could not read it.
pub fn brought(name: &str, bytes: Option<Vec<u8>>) -> Brought {
    let lower = name.to_ascii_lowercase();
    let database = [".db", ".sqlite", ".sqlite3"].iter().any(|e| lower.ends_with(e));
    let python = lower.ends_with(".py");
    let Some(bytes) = bytes else {
        return Brought::Refused("it could not be read (or is too large)".to_string());
    };
    if database {
        return Brought::Database(bytes);
    }
    if !python {
        return Brought::Refused(
            "only Python (.py) files can join the project, and SQLite files (.db, .sqlite) open in the Data tab"
                .to_string(),
        );
    }
    if bytes.len() > MAX_PY {
        return Brought::Refused("it is over 1 MB".to_string());
    }
    match String::from_utf8(bytes) {
        Ok(text) => Brought::Python(text),
        Err(_) => Brought::Refused("it is not UTF-8 text".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::native::NativeDatabase;

    #[test]
    fn brought_files_are_sorted_by_their_names() {
        assert_eq!(brought("models.py", Some(b"x = 1\n".to_vec())), Brought::Python("x = 1\n".into()));
        assert_eq!(brought("Shop.DB", Some(vec![1, 2])), Brought::Database(vec![1, 2]));
        assert_eq!(brought("a.sqlite3", Some(vec![])), Brought::Database(vec![]));
        assert!(matches!(brought("notes.txt", Some(vec![])), Brought::Refused(r) if r.contains("only Python")));
        assert!(matches!(brought("bad.py", Some(vec![0xff])), Brought::Refused(r) if r.contains("UTF-8")));
        assert!(matches!(brought("big.py", Some(vec![b' '; MAX_PY + 1])), Brought::Refused(r) if r.contains("1 MB")));
        assert!(matches!(brought("x.db", None), Brought::Refused(_)));
    }

    #[test]
    fn an_opened_file_shows_its_tables_and_rows() {
        let mut db = NativeDatabase::open_in_memory().unwrap();
        for sql in [
            "CREATE TABLE role (id INTEGER NOT NULL, name VARCHAR(64), PRIMARY KEY (id))",
            "CREATE TABLE \"user\" (id INTEGER NOT NULL, role_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(role_id) REFERENCES role (id))",
            "INSERT INTO role (name) VALUES ('Admin'), ('User'), (NULL)",
        ] {
            db.execute(sql, &[]).unwrap();
        }
        let t = tables(&mut db).unwrap();
        assert_eq!(t.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["role", "user"]);
        assert_eq!(t[0].row_count, Some(3));
        assert!(t[0].columns[0].primary_key && !t[0].columns[0].nullable);
        assert_eq!(t[0].columns[1].sql_type, "VARCHAR(64)");
        assert!(t[0].columns[1].nullable);
        assert_eq!(t[1].columns[1].foreign_key.as_deref(), Some("role.id"));
        assert!(t[1].create_sql.starts_with("CREATE TABLE \"user\""));
        let page = rows(&mut db, "role", Some((1, true)), 0, 2);
        assert_eq!(page.total, 3);
        assert_eq!(
            page.rows,
            vec![vec![Some("2".into()), Some("User".into())], vec![Some("1".into()), Some("Admin".into())]]
        );
        assert!(rows(&mut db, "nope", None, 0, 2).error.is_some());
    }
}
