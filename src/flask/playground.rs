//! The engine's one API: a loaded project and its flask-shell session.
//!
//! [`Playground::open`] does what `flask shell` does before its prompt: imports the project's
//! modules (`config`, `app`, `models`), finds the Flask app, pushes an app context and builds the
//! shell namespace. [`Playground::run`] runs one shell statement and returns what it did
//! ([`Step`]). Both the UI and the native runner use only this module.

use std::rc::Rc;

use serde_json::Value as Json;

use super::record::{ErrorRecord, Record, Step};
use crate::db::{Database, DbError};

/// One file of the project: its name relative to the project folder (`models.py`,
/// `app/__init__.py`) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// Opens a database for an engine URL (`sqlite:////home/learner/project/app.db`). The UI passes
/// one that opens sql.js databases, the native runner one that opens rusqlite databases.
pub type Connector = Rc<dyn Fn(&str) -> Result<Box<dyn Database>, DbError>>;

/// The SQL dialects the DDL is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectName {
    Sqlite,
    Postgresql,
    Mysql,
}

/// The dialects in the order [`TableView::ddl`] holds them.
pub const DIALECTS: [DialectName; 3] = [DialectName::Sqlite, DialectName::Postgresql, DialectName::Mysql];

impl DialectName {
    /// The position in [`DIALECTS`].
    pub fn index(self) -> usize {
        self as usize
    }
    /// The name SQLAlchemy gives the dialect (`sqlite`, `postgresql`, `mysql`).
    pub fn name(self) -> &'static str {
        ["sqlite", "postgresql", "mysql"][self.index()]
    }
}

/// A table as the workbench shows it (read-only introspection, see [`Playground::schema`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TableView {
    pub name: String,
    /// The mapped class, or None for a plain `db.Table` (an association table).
    pub model: Option<String>,
    /// Rows in the database now (None before the table exists).
    pub row_count: Option<i64>,
    pub columns: Vec<ColumnView>,
    /// The CREATE TABLE statement for SQLite, as `CreateTable(table).compile()` gives it.
    pub create_sql: String,
    /// CREATE TABLE and its CREATE INDEX statements per dialect (indexed by
    /// [`DialectName::index`]), joined by `;` and a blank line; a dialect's refusal as a
    /// `-- sqlalchemy.exc.CompileError: ...` comment. As `create_all` sends them: PostgreSQL's
    /// `CREATE TYPE` of the named enums the table is first to use, and its `COMMENT ON`
    /// statements after the indexes; a foreign key added by ALTER left out of CREATE TABLE.
    pub ddl: Vec<String>,
    /// Per dialect, the `ALTER TABLE ... ADD` statements of the table's foreign keys that
    /// `create_all` adds after every table is created (`use_alter=True`, or in a cycle of
    /// tables), joined as `ddl` is; empty for SQLite, which keeps them inside CREATE TABLE.
    pub alters: Vec<String>,
}

/// A column as the workbench shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnView {
    pub name: String,
    /// The SQL type as the SQLite DDL spells it (`VARCHAR(100)`).
    pub sql_type: String,
    pub primary_key: bool,
    pub nullable: bool,
    pub unique: bool,
    /// The column is the first column of an index (`index=True`).
    pub index: bool,
    /// `default=` as a Python literal or `name()` for a callable, else `server_default=`.
    pub default: Option<String>,
    /// `table.column` the column's foreign key points at.
    pub foreign_key: Option<String>,
}

/// What a relationship relates, as the tutorial names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationshipKind {
    OneToOne,
    OneToMany,
    ManyToOne,
    ManyToMany,
}

impl RelationshipKind {
    pub fn label(self) -> &'static str {
        match self {
            RelationshipKind::OneToOne => "one-to-one",
            RelationshipKind::OneToMany => "one-to-many",
            RelationshipKind::ManyToOne => "many-to-one",
            RelationshipKind::ManyToMany => "many-to-many",
        }
    }
}

/// A `relationship()` (or a backref it created) on a mapped class.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipView {
    /// The class the attribute is on, and its table.
    pub parent: String,
    pub parent_table: String,
    /// The attribute name (`users`).
    pub key: String,
    /// The related class and its table.
    pub target: String,
    pub target_table: String,
    pub kind: RelationshipKind,
    /// SQLAlchemy's direction is MANYTOONE (else ONETOMANY; many-to-many loads as ONETOMANY
    /// through `secondary`).
    pub many_to_one: bool,
    /// The attribute holds a list.
    pub uselist: bool,
    /// The loader strategy (`lazy=`: `select`, `joined`, `subquery`, `dynamic`, ...).
    pub lazy: String,
    /// The attribute on the other side (backref or back_populates), if any.
    pub backref: Option<String>,
    /// The association table of a many-to-many relationship.
    pub secondary: Option<String>,
    /// The foreign key columns (`table.column`) that join the two sides.
    pub foreign_keys: Vec<String>,
    /// The SELECT a lazy load of the attribute emits, compiled by the engine's SQL compiler.
    pub load_sql: Option<String>,
    /// The parent's column (`table.column`) whose value each `?` of `load_sql` takes.
    pub bound_to: Vec<String>,
}

/// The app's schema: tables, relationships, and the error configuring the mappers raised.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchemaView {
    pub tables: Vec<TableView>,
    pub relationships: Vec<RelationshipView>,
    /// `Type: message` of the exception mapper configuration raised (relationships are then
    /// empty).
    pub error: Option<String>,
}

/// A page of a table's rows (cells as text; None is NULL).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowsPage {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    /// Rows in the whole table.
    pub total: i64,
    pub offset: usize,
    pub error: Option<String>,
}

/// A loaded project and its shell session.
pub struct Playground {
    engine: crate::flask::shell::ShellSession,
}

impl Playground {
    /// The engine, made the one new Python objects register with (see
    /// [`crate::python::value::Heap`]): another playground may have been built since.
    fn enter(&mut self) -> &mut crate::flask::shell::ShellSession {
        crate::python::value::Heap::set_current(Some(self.engine.interp.heap.clone()));
        &mut self.engine
    }

    /// Imports the project as `flask shell` would and prepares the shell namespace.
    pub fn open(files: &[SourceFile], connect: Connector) -> Playground {
        Playground { engine: crate::flask::shell::ShellSession::open(files, connect) }
    }

    /// The exception that escaped while importing the project, if any.
    pub fn import_error(&self) -> Option<&ErrorRecord> {
        self.engine.import_error.as_ref()
    }

    /// The project file and line the import error points at, if any.
    pub fn import_error_at(&self) -> Option<&(String, u32)> {
        self.engine.import_error_at.as_ref()
    }

    /// The whole traceback of the import error, as Python prints it.
    pub fn import_traceback(&self) -> Option<&str> {
        self.engine.import_traceback.as_deref()
    }

    /// What importing printed.
    pub fn import_stdout(&self) -> &str {
        &self.engine.import_stdout
    }

    /// Warnings raised while importing, as `module.Category: message`.
    pub fn import_warnings(&self) -> &[String] {
        &self.engine.import_warnings
    }

    /// The packages the project imports that the playground does not have (`flask_login`,
    /// `jwt`, ...): they were loaded as stand-ins whose attributes can be read, called,
    /// subclassed and used as decorators. The UI names them in a notice.
    pub fn stand_in_modules(&self) -> &[String] {
        self.engine.stand_ins()
    }

    /// True when a Flask app was found (the shell is usable).
    pub fn has_app(&self) -> bool {
        self.engine.has_app()
    }

    /// Runs one shell statement (one entry of [`split_statements`]).
    pub fn run(&mut self, source: &str) -> Step {
        self.enter().run(source)
    }

    /// The CREATE statements for the app's metadata in one dialect, as the oracle's `ddl*`
    /// fields: strings, or `{"error": {type, message}}` where the dialect refuses a table.
    pub fn ddl(&mut self, dialect: DialectName) -> Vec<Json> {
        self.enter().ddl(dialect)
    }

    /// What `db.metadata.create_all(engine, checkfirst=False)` sends on `dialect`, statement by
    /// statement as compiled ([`crate::sqlalchemy::ddl::create_all_statements`]); a statement
    /// the dialect refuses as `-- type: message`.
    pub fn create_all_ddl(&mut self, dialect: DialectName) -> Vec<String> {
        self.enter().create_all_ddl(dialect)
    }

    /// The tables of the app's metadata, in dependency order.
    pub fn tables(&mut self) -> Vec<TableView> {
        self.enter().tables()
    }

    /// The app's tables and relationships (read-only; nothing is logged).
    pub fn schema(&mut self) -> SchemaView {
        self.enter().schema()
    }

    /// A page of `table`'s rows sorted by column `sort` (index, descending?), read without
    /// logging.
    pub fn rows(&mut self, table: &str, sort: Option<(usize, bool)>, offset: usize, limit: usize) -> RowsPage {
        self.enter().rows(table, sort, offset, limit)
    }

    /// The URL of the app's default engine (`SQLALCHEMY_DATABASE_URI` as Flask-SQLAlchemy
    /// resolved it), if the extension was set up.
    pub fn database_url(&self) -> Option<String> {
        self.engine.database_url()
    }

    /// Rolls the session back and reads the database's schema and data, as the oracle's
    /// `schema` and `data` fields.
    pub fn inspect(&mut self) -> (Json, Json) {
        self.enter().inspect()
    }

    /// The database of the app's default engine as the bytes of an SQLite file; the error
    /// says why there is none (no database yet, or SQLite's message: sql.js cannot export
    /// while a write transaction is open).
    pub fn export_database(&mut self) -> Result<Vec<u8>, String> {
        self.enter().export_database()
    }
}

/// Splits console input into statements the way the interactive interpreter reads it
/// (a block ends at a blank line; comment-only and blank lines between statements are dropped).
pub fn split_statements(text: &str) -> Vec<String> {
    crate::python::console::split_statements(text)
}

/// True when `source` is an unfinished statement the console should keep reading
/// (an open block or bracket), as `codeop.compile_command` returning None.
pub fn is_incomplete(source: &str) -> bool {
    crate::python::console::is_incomplete(source)
}

/// Runs a whole case (project files and `shell.txt`) and records it in the oracle's shape.
pub fn run_case(files: &[SourceFile], shell: &str, connect: Connector) -> Record {
    let mut pg = Playground::open(files, connect);
    let mut record = Record {
        import_error: pg.import_error().cloned(),
        import_traceback: pg.engine.import_traceback.clone(),
        import_stdout: pg.import_stdout().to_string(),
        import_warnings: pg.import_warnings().to_vec(),
        ..Record::default()
    };
    record.versions = serde_json::json!({
        "flask": "3.1.3",
        "flask_sqlalchemy": "3.1.1",
        "sqlalchemy": "2.1.9",
        "sqlite": pg.engine.sqlite_version(),
    });
    record.schema = Json::Null;
    record.data = Json::Null;
    if pg.engine.has_extension() {
        record.ddl = pg.ddl(DialectName::Sqlite);
        record.ddl_postgresql = pg.ddl(DialectName::Postgresql);
        record.ddl_mysql = pg.ddl(DialectName::Mysql);
    }
    if pg.has_app() {
        for statement in split_statements(shell) {
            let step = pg.run(&statement);
            record.steps.push(step);
        }
        let (schema, data) = pg.inspect();
        record.schema = schema;
        record.data = data;
    }
    record
}
