//! The flask-shell session behind [`super::playground::Playground`]: imports the project as
//! `flask shell` does, builds the shell namespace, runs statements and records what they did.

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::{json, Value as Json};

use super::app::{find_app, FlaskApp};
use super::ext::{DbData, Host};
use super::playground::{Connector, DialectName, RowsPage, SchemaView, SourceFile, TableView};
use super::record::{ErrorRecord, SqlEntry, Step, PROJECT_DIR};
use crate::db::SqlValue;
use crate::python::interp::{Interp, PyErr};
use crate::python::value::{Args, Module, Value};
use crate::sqlalchemy::ddl::{dialect_named, Dialect};
use crate::sqlalchemy::engine::{LogEntry, SqlLog};
use crate::sqlalchemy::orm;

/// A loaded project and its shell namespace.
pub struct ShellSession {
    pub(crate) interp: Interp,
    log: Rc<SqlLog>,
    main: Rc<Module>,
    app: Option<Value>,
    pub import_error: Option<ErrorRecord>,
    /// Where the import error happened: (project file, line), innermost project frame first.
    pub import_error_at: Option<(String, u32)>,
    /// The whole traceback of `import_error`, as Python prints it.
    pub import_traceback: Option<String>,
    pub import_stdout: String,
    pub import_warnings: Vec<String>,
    pub import_sql: Vec<SqlEntry>,
}

/// Oracle-style normalisation of run-dependent text (addresses, identity numbers).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find(" at 0x") {
        out.push_str(&rest[..p]);
        let after = &rest[p + 6..];
        let n = after.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        if n == 0 {
            out.push_str(" at 0x");
        } else {
            out.push_str(" at 0x…");
        }
        rest = &after[n..];
    }
    out.push_str(rest);
    for state in ["transient", "pending", "detached", "deleted"] {
        let pat = format!("({state} ");
        let mut result = String::with_capacity(out.len());
        let mut r = out.as_str();
        while let Some(p) = r.find(&pat) {
            result.push_str(&r[..p + pat.len()]);
            let after = &r[p + pat.len()..];
            let n = after.chars().take_while(|c| c.is_ascii_digit()).count();
            if n > 0 && after[n..].starts_with(')') {
                result.push('…');
                r = &after[n..];
            } else {
                r = after;
            }
        }
        result.push_str(r);
        out = result;
    }
    out
}

fn sql_value_json(v: &SqlValue) -> Json {
    match v {
        SqlValue::Null => Json::Null,
        SqlValue::Integer(i) => json!(i),
        SqlValue::Real(f) => json!(f),
        SqlValue::Text(s) => json!(s),
        SqlValue::Blob(b) => json!({ "bytes": b.iter().map(|x| format!("{x:02x}")).collect::<String>() }),
    }
}

fn log_entries(entries: Vec<LogEntry>) -> Vec<SqlEntry> {
    entries
        .into_iter()
        .map(|e| SqlEntry {
            statement: e.statement,
            params: match (e.params, e.many) {
                (Some(p), _) => Some(Json::Array(p.iter().map(sql_value_json).collect())),
                (None, Some(rows)) => Some(Json::Array(
                    rows.iter().map(|r| Json::Array(r.iter().map(sql_value_json).collect())).collect(),
                )),
                (None, None) => None,
            },
        })
        .collect()
}

/// The exception's record: qualified type, `str(exc)`, and the traceback's last line.
pub fn error_record(interp: &mut Interp, err: &PyErr, namespace: &Module) -> ErrorRecord {
    let typ = interp.type_of(&err.exc).full_name();
    let message = crate::python::builtins::exception_str(interp, &err.exc).unwrap_or_default();
    let last = crate::python::traceback::format_exception_only(interp, err, namespace);
    ErrorRecord { typ, message: normalize(&message), last_line: Some(normalize(&last)) }
}

/// The project file and line an exception points at: a SyntaxError's `filename` and `lineno`,
/// else the innermost traceback frame in a project file.
pub fn error_location(e: &PyErr) -> Option<(String, u32)> {
    let project = format!("{PROJECT_DIR}/");
    let relative = |f: &str| f.strip_prefix(&project).map(str::to_string);
    if let Value::Instance(i) = &e.exc {
        let d = i.dict.borrow();
        if let (Some(Value::Str(f)), Some(Value::Int(n))) = (d.get_str("filename"), d.get_str("lineno")) {
            if let Some(name) = relative(f) {
                return Some((name, (*n).max(1) as u32));
            }
        }
    }
    e.traceback.iter().find_map(|t| relative(&t.file).map(|f| (f, t.line)))
}

impl ShellSession {
    /// Imports the project (`config`, `app`, `models`) and prepares the shell namespace.
    pub fn open(files: &[SourceFile], connect: Connector) -> Self {
        let mut interp = Interp::new();
        interp.project_dir = PROJECT_DIR.to_string();
        interp.files = files.iter().map(|f| (f.name.clone(), f.text.clone())).collect::<HashMap<_, _>>();
        crate::sqlalchemy::module::register(&mut interp);
        super::app::register(&mut interp);
        super::ext::register(&mut interp);
        let log = Rc::new(SqlLog::default());
        interp.ext.insert("flask_sqlalchemy.host", Rc::new(Host { log: log.clone(), connect: connect.clone() }));
        let main = Module::new("__main__", None);
        main.set("__builtins__", Value::Module(interp.builtins.clone()));
        let mut session = ShellSession {
            interp,
            log,
            main,
            app: None,
            import_error: None,
            import_error_at: None,
            import_traceback: None,
            import_stdout: String::new(),
            import_warnings: Vec::new(),
            import_sql: Vec::new(),
        };
        session.import_project();
        session
    }

    fn import_project(&mut self) {
        // Packages the playground lacks (flask_login, jwt, ...) load as stand-ins while the
        // project is imported (and its app factory runs), so that its models still map.
        self.interp.allow_stand_ins = true;
        self.import_project_modules();
        self.interp.allow_stand_ins = false;
    }

    /// The names of the packages the project imported as stand-ins.
    pub fn stand_ins(&self) -> &[String] {
        &self.interp.stand_ins
    }

    fn import_project_modules(&mut self) {
        let mut modules = Vec::new();
        let mut failed = None;
        for name in ["config", "app", "models"] {
            if !self.interp.files.contains_key(&format!("{name}.py")) {
                continue;
            }
            self.interp.reset_budget();
            match self.interp.import_module(name) {
                Ok(m) => modules.push(m),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if failed.is_none() {
            self.app = modules.iter().find_map(|m| find_app(m));
            if self.app.is_none() {
                for m in &modules {
                    if let Some(factory) = m.get("create_app") {
                        match self.interp.call(&factory, Args::default()) {
                            Ok(app) => self.app = Some(app),
                            Err(e) => failed = Some(e),
                        }
                        break;
                    }
                }
            }
            if self.app.is_none() && failed.is_none() {
                failed = Some(self.interp.err("RuntimeError", "no Flask app found in the case"));
            }
        }
        if let Some(e) = failed {
            let ns = self.main.clone();
            self.import_error = Some(error_record(&mut self.interp, &e, &ns));
            self.import_error_at = error_location(&e);
            self.import_traceback = Some(self.traceback_text(&e));
            self.app = None;
        }
        self.import_stdout = normalize(&std::mem::take(&mut self.interp.stdout));
        self.import_warnings = std::mem::take(&mut self.interp.warnings).iter().map(|w| normalize(w)).collect();
        self.import_sql = log_entries(self.log.take());
        if let Some(app) = self.app.clone() {
            self.build_namespace(&app);
        }
    }

    /// `app.make_shell_context()`: `app`, `g`, and what shell context processors add
    /// (Flask-SQLAlchemy's adds `db` and every model class).
    fn build_namespace(&mut self, app: &Value) {
        super::app::push_app_context(&mut self.interp, app);
        self.main.set("app", app.clone());
        if let Ok(flask) = self.interp.import_module("flask") {
            if let Some(g) = flask.get("g") {
                self.main.set("g", g);
            }
        }
        if let Some(db) = self.db_value() {
            self.main.set("db", db.clone());
            if let Some(data) = db.payload::<DbData>() {
                for m in data.registry.mappers.borrow().iter() {
                    if let Some(c) = m.class() {
                        let name = c.name.clone();
                        self.main.set(&name, Value::Class(c));
                    }
                }
            }
        }
        let processors =
            app.payload::<FlaskApp>().map(|a| a.shell_context_processors.borrow().clone()).unwrap_or_default();
        for p in processors {
            if let Ok(Value::Dict(d)) = self.interp.call(&p, Args::default()) {
                for (k, v) in d.borrow().iter() {
                    if let Some(k) = k.as_str() {
                        self.main.set(k, v.clone());
                    }
                }
            }
        }
    }

    fn db_value(&self) -> Option<Value> {
        let app = self.app.as_ref()?.payload::<FlaskApp>()?;
        match &app.extensions {
            Value::Dict(d) => d.borrow().get_str("sqlalchemy").cloned(),
            _ => None,
        }
    }

    fn db(&self) -> Option<Rc<DbData>> {
        self.db_value()?.payload::<DbData>()
    }

    pub fn has_app(&self) -> bool {
        self.app.is_some()
    }

    pub fn has_extension(&self) -> bool {
        self.db().is_some()
    }

    /// Runs one statement as the interactive interpreter would.
    pub fn run(&mut self, source: &str) -> Step {
        self.interp.reset_budget();
        let mut text = source.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let main = self.main.clone();
        let result = self.interp.exec_source(&text, "<console>", &main, true);
        let (error, traceback) = match result {
            Ok(()) => (None, None),
            Err(e) if self.interp.err_is(&e, "SystemExit") => (None, None),
            Err(e) => (Some(error_record(&mut self.interp, &e, &main)), Some(self.traceback_text(&e))),
        };
        Step {
            input: source.to_string(),
            sql: log_entries(self.log.take()),
            stdout: normalize(&std::mem::take(&mut self.interp.stdout)),
            warnings: std::mem::take(&mut self.interp.warnings).iter().map(|w| normalize(w)).collect(),
            error,
            traceback,
        }
    }

    /// What the console prints for an exception: the whole traceback, with the project's
    /// source lines.
    fn traceback_text(&mut self, err: &PyErr) -> String {
        let prefix = format!("{}/", self.interp.project_dir);
        let files = self.interp.files.clone();
        let source_of = move |path: &str| path.strip_prefix(&prefix).and_then(|rel| files.get(rel).cloned());
        let main = self.main.clone();
        normalize(&crate::python::traceback::format_exception(&mut self.interp, err, &main, &source_of))
    }

    /// The CREATE statements of the app's metadata in one dialect.
    pub fn ddl(&mut self, dialect: DialectName) -> Vec<Json> {
        let Some(db) = self.db() else { return Vec::new() };
        let d: Box<dyn Dialect> = dialect_named(match dialect {
            DialectName::Sqlite => "sqlite",
            DialectName::Postgresql => "postgresql",
            DialectName::Mysql => "mysql",
        });
        if let Some(msg) = db.metadata.unresolved_foreign_key() {
            return vec![json!({"error": {"type": "sqlalchemy.exc.NoReferencedTableError", "message": msg}})];
        }
        db.metadata
            .sorted_tables()
            .iter()
            .flat_map(|t| {
                // A table the dialect refuses is given without its indexes (as the oracle
                // compiles them: one `try` around the table and its indexes).
                match d.visit_create_table(t) {
                    Ok(sql) => std::iter::once(Json::String(sql.trim().to_string()))
                        .chain(t.sorted_indexes().into_iter().map(|i| Json::String(d.visit_create_index(t, &i))))
                        .collect::<Vec<_>>(),
                    Err(e) => vec![json!({"error": {"type": e.qualified_class(), "message": e.message()}})],
                }
            })
            .collect()
    }

    /// The tables for the Tables panel.
    pub fn tables(&mut self) -> Vec<TableView> {
        self.schema().tables
    }

    /// Tables and relationships ([`super::introspect::schema`]).
    pub fn schema(&mut self) -> SchemaView {
        match self.db() {
            Some(db) => super::introspect::schema(&mut self.interp, &db),
            None => SchemaView::default(),
        }
    }

    /// A page of a table's rows ([`super::introspect::rows`]).
    pub fn rows(&mut self, table: &str, sort: Option<(usize, bool)>, offset: usize, limit: usize) -> RowsPage {
        match self.db() {
            Some(db) => super::introspect::rows(&db, table, sort, offset, limit),
            None => RowsPage { error: Some("the project has no database".into()), ..RowsPage::default() },
        }
    }

    /// The default engine's URL.
    pub fn database_url(&self) -> Option<String> {
        self.db().map(|d| d.engine.url.clone())
    }

    /// Rolls back and reads the database's schema and rows (the oracle's `schema` and `data`).
    pub fn inspect(&mut self) -> (Json, Json) {
        let Some(db) = self.db() else { return (Json::Null, Json::Null) };
        // `db.session.rollback()` (as the oracle does), which makes a session if there is none.
        let session = db.session(&self.interp);
        let _ = orm::rollback(&mut self.interp, &session);
        self.interp.warnings.clear();
        self.log.take();
        let engine = db.engine.clone();
        let q = |sql: &str| engine.execute_unlogged(sql, &[]);
        let rows_json = |rows: &[Vec<SqlValue>]| -> Json {
            Json::Array(rows.iter().map(|r| Json::Array(r.iter().map(sql_value_json).collect())).collect())
        };
        let master = match q(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid",
        ) {
            Ok(r) => r.rows,
            Err(e) => {
                return (json!({"error": {"type": "sqlite3.OperationalError", "message": e.message}}), Json::Null)
            }
        };
        let mut tables = serde_json::Map::new();
        let mut data = serde_json::Map::new();
        for row in &master {
            let (Some(SqlValue::Text(kind)), Some(SqlValue::Text(name))) = (row.first(), row.get(1)) else { continue };
            if kind != "table" {
                continue;
            }
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            let pragma = |p: &str| {
                q(&format!("PRAGMA {p}({quoted})")).map(|r| rows_json(&r.rows)).unwrap_or(Json::Array(vec![]))
            };
            tables.insert(
                name.clone(),
                json!({
                    "table_info": pragma("table_info"),
                    "foreign_key_list": pragma("foreign_key_list"),
                    "index_list": pragma("index_list"),
                }),
            );
            let rows =
                q(&format!("SELECT * FROM {quoted} ORDER BY rowid")).or_else(|_| q(&format!("SELECT * FROM {quoted}")));
            data.insert(name.clone(), rows.map(|r| rows_json(&r.rows)).unwrap_or(Json::Array(vec![])));
        }
        (json!({"master": rows_json(&master), "tables": tables}), Json::Object(data))
    }

    pub fn export_database(&mut self) -> Result<Vec<u8>, String> {
        let db = self.db().ok_or("the project has no database yet")?;
        db.engine.export().map_err(|e| e.message)
    }

    pub fn sqlite_version(&self) -> String {
        self.db().map(|d| d.engine.sqlite_version()).unwrap_or_default()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// The whole traceback the console prints, compared with python3 3.11's own
    /// (tests/python/tracebacks.json, made by gen_tracebacks.py with tb_helpers.py).
    #[test]
    fn tracebacks_as_the_console_prints_them() {
        crate::flask::case::with_engine_stack(|| {
            let helpers = include_str!("../../tests/python/tb_helpers.py");
            let files = vec![SourceFile { name: "helpers.py".into(), text: helpers.into() }];
            let mut shell = ShellSession::open(&files, crate::flask::case::native_connector());
            let data: Json = serde_json::from_str(include_str!("../../tests/python/tracebacks.json")).expect("json");
            let mut failures = Vec::new();
            for case in data.as_array().expect("list") {
                let input = case["input"].as_str().unwrap_or_default();
                let expected = case["output"].as_str().unwrap_or_default().trim_end().to_string();
                let step = shell.run(input);
                let got = step.traceback.unwrap_or_default();
                // How deep the recursion went depends on the frames below the console (the
                // flask shell has more than `code.interact`): compare without the count.
                let (expected, got) = (without_repeat_count(&expected), without_repeat_count(&got));
                if got != expected {
                    failures.push(format!("{input:?}:\n--- expected\n{expected}\n--- got\n{got}"));
                }
            }
            assert!(failures.is_empty(), "{}", failures.join("\n\n"));
        });
    }

    fn without_repeat_count(text: &str) -> String {
        text.lines()
            .map(|l| {
                if l.starts_with("  [Previous line repeated ") {
                    "  [Previous line repeated N more times]"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
