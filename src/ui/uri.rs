//! What `SQLALCHEMY_DATABASE_URI` names, explained for the learner: the dialect and its DB-API
//! driver (SQLAlchemy 2.1's defaults when the URI names none: `pysqlite`, `psycopg`,
//! `mysqldb`), the file or server, and what the in-browser run uses instead.

use crate::flask::playground::DialectName;
use crate::flask::record::PROJECT_DIR;

/// The explanation of a database URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriInfo {
    /// `sqlite`, `postgresql`, `mysql`, or what the URI says.
    pub dialect: String,
    pub driver: String,
    /// Which file or server, in words.
    pub location: String,
    /// The dialect whose DDL the Tables tab shows first.
    pub ddl_dialect: DialectName,
    /// What the playground does in the browser instead (always an in-memory SQLite).
    pub in_browser: String,
}

fn default_driver(dialect: &str) -> &'static str {
    match dialect {
        "sqlite" => "pysqlite",
        "postgresql" => "psycopg",
        "mysql" | "mariadb" => "mysqldb",
        _ => "the dialect's default driver",
    }
}

/// Explains `uri` (as the config gives it).
pub fn explain(uri: &str) -> UriInfo {
    let (scheme, rest) = uri.split_once("://").unwrap_or((uri, ""));
    let (dialect, driver) = match scheme.split_once('+') {
        Some((d, drv)) => (d.to_string(), drv.to_string()),
        None => (scheme.to_string(), default_driver(scheme).to_string()),
    };
    let ddl_dialect = match dialect.as_str() {
        "postgresql" | "postgres" => DialectName::Postgresql,
        "mysql" | "mariadb" => DialectName::Mysql,
        _ => DialectName::Sqlite,
    };
    let location = if dialect == "sqlite" {
        // sqlite:///relative, sqlite:////absolute, sqlite:// and sqlite:///:memory:.
        let path = rest.strip_prefix('/').unwrap_or(rest);
        let path = path.split('?').next().unwrap_or("");
        if path.is_empty() || path == ":memory:" {
            "an in-memory database (gone when the process ends)".to_string()
        } else if path.starts_with('/') {
            format!("the file {path} (an absolute path: four slashes after sqlite:)")
        } else {
            format!(
                "the file {path}, relative: Flask-SQLAlchemy puts it in the app's instance folder, \
                 {PROJECT_DIR}/instance/{path}"
            )
        }
    } else {
        let after_auth = rest.rsplit_once('@').map(|p| p.1).unwrap_or(rest);
        let (server, database) = after_auth.split_once('/').unwrap_or((after_auth, ""));
        let database = database.split('?').next().unwrap_or("");
        let user = rest.rsplit_once('@').map(|p| p.0.split(':').next().unwrap_or("").to_string());
        let mut s = format!(
            "the database {} on the server {}",
            if database.is_empty() { "(default)" } else { database },
            if server.is_empty() { "localhost" } else { server }
        );
        if let Some(u) = user.filter(|u| !u.is_empty()) {
            s.push_str(&format!(", as user {u}"));
        }
        s
    };
    let in_browser = if dialect == "sqlite" {
        "In the browser the playground runs it on an in-memory SQLite (sql.js): nothing is written to disk.".to_string()
    } else {
        format!(
            "There is no {dialect} server in the browser: the playground runs your models on an in-memory SQLite \
             in its place, and the Tables tab shows the {dialect} DDL SQLAlchemy would send."
        )
    };
    UriInfo { dialect, driver, location, ddl_dialect, in_browser }
}

/// The one-line note the Tables tab shows.
pub fn note(uri: &str) -> String {
    let i = explain(uri);
    format!(
        "SQLALCHEMY_DATABASE_URI = {uri:?}: dialect {}, driver {}, {}. {}",
        i.dialect, i.driver, i.location, i.in_browser
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_uris() {
        let i = explain("sqlite:///app.db");
        assert_eq!((i.dialect.as_str(), i.driver.as_str()), ("sqlite", "pysqlite"));
        assert!(i.location.contains("/home/learner/project/instance/app.db"));
        assert!(explain("sqlite:////home/learner/project/app.db").location.contains("absolute"));
        assert!(explain("sqlite://").location.contains("in-memory"));
        assert!(explain("sqlite:///:memory:").location.contains("in-memory"));
        assert_eq!(explain("sqlite://").ddl_dialect, DialectName::Sqlite);
    }

    #[test]
    fn server_uris() {
        // Drivers as SQLAlchemy 2.1.9's make_url(...).get_driver_name() gives them.
        let p = explain("postgresql://u:secret@localhost/shop");
        assert_eq!((p.driver.as_str(), p.ddl_dialect), ("psycopg", DialectName::Postgresql));
        assert!(p.location.contains("shop") && p.location.contains("localhost") && p.location.contains("user u"));
        assert!(!p.location.contains("secret"));
        assert!(p.in_browser.contains("SQLite in its place"));
        let m = explain("mysql+pymysql://root@db:3306/app");
        assert_eq!((m.driver.as_str(), m.ddl_dialect), ("pymysql", DialectName::Mysql));
        assert_eq!(explain("mysql://x@h/d").driver, "mysqldb");
    }
}
