//! Read-only introspection for the workbench: the app's tables (columns with their flags, DDL in
//! the three dialects, row counts), its relationships (direction, kind, loading, backref partner
//! and the SELECT a lazy load emits, compiled by the engine's own SQL compiler), and pages of a
//! table's rows. Built on SQLAlchemy's types (`MetaData`, `Mapper`, `Relationship`); nothing
//! here changes the session or writes to the SQL log.

use std::rc::Rc;

use super::ext::DbData;
use super::playground::{
    ColumnView, DialectName, RelationshipKind, RelationshipView, RowsPage, SchemaView, TableView, DIALECTS,
};
use crate::db::SqlValue;
use crate::python::interp::Interp;
use crate::python::value::Value;
use crate::sqlalchemy::ddl::{create_all_statements, dialect_named, DdlKind, DdlStatement, Dialect};
use crate::sqlalchemy::orm::{self, Direction, Mapper, Relationship};
use crate::sqlalchemy::schema::{ColumnDefault, Constraint, DefaultClause, Table};
use crate::sqlalchemy::sql::SqlCompiler;

/// `Dialect` for a [`DialectName`].
pub fn dialect(name: DialectName) -> Box<dyn Dialect> {
    dialect_named(match name {
        DialectName::Sqlite => "sqlite",
        DialectName::Postgresql => "postgresql",
        DialectName::Mysql => "mysql",
    })
}

/// A column default as the badge shows it: the Python literal, or the callable's name.
fn default_text(d: &ColumnDefault) -> String {
    let literal = |v: &Value| match v {
        Value::None => "None".to_string(),
        Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Str(s) => format!("{:?}", s.as_ref()).replace('"', "'"),
        Value::Function(f) => format!("{}()", f.name),
        Value::Builtin(b) => format!("{}()", b.name),
        Value::Class(c) => format!("{}()", c.name),
        _ => "…".to_string(),
    };
    match d {
        ColumnDefault::Scalar(v) | ColumnDefault::Callable(v) => literal(v),
    }
}

/// `server_default=` as written in Python.
fn server_default_text(d: &DefaultClause) -> String {
    match d {
        DefaultClause::Literal(s) => format!("server {s:?}").replace('"', "'"),
        DefaultClause::Text(s) => format!("server text({s:?})").replace('"', "'"),
        DefaultClause::Func(name) => format!("server func.{name}()"),
        DefaultClause::Bool(b) => format!("server {}()", if *b { "true" } else { "false" }),
        DefaultClause::Fetched => "server FetchedValue()".into(),
    }
}

/// The statements `create_all` sends for each table of `tables` (one metadata's, in name order
/// as `sorted_tables` sorts them), per dialect: (table name, `ddl`, `alters`) as [`TableView`]
/// holds them.
fn create_all_views(tables: &[Rc<Table>]) -> Vec<(String, Vec<String>, Vec<String>)> {
    let scripts: Vec<Vec<DdlStatement>> =
        DIALECTS.iter().map(|&name| create_all_statements(&*dialect(name), tables.to_vec())).collect();
    tables
        .iter()
        .map(|t| {
            let (mut ddl, mut alters) = (Vec::new(), Vec::new());
            for script in &scripts {
                let mine = || script.iter().filter(|s| Rc::ptr_eq(&s.table, t));
                let text = |s: &DdlStatement| match &s.sql {
                    Ok(sql) => sql.trim().to_string(),
                    Err(e) => format!("-- {}: {}", e.qualified_class(), e.message()),
                };
                let join = |kinds: &[DdlKind]| {
                    mine().filter(|s| kinds.contains(&s.kind)).map(text).collect::<Vec<_>>().join(";\n\n")
                };
                ddl.push(join(&[DdlKind::CreateType, DdlKind::CreateTable, DdlKind::CreateIndex, DdlKind::Comment]));
                alters.push(join(&[DdlKind::AddConstraint]));
            }
            (t.name.clone(), ddl, alters)
        })
        .collect()
}

fn table_view(
    table: &Rc<Table>,
    model: Option<String>,
    row_count: Option<i64>,
    (ddl, alters): (Vec<String>, Vec<String>),
) -> TableView {
    let sqlite = dialect(DialectName::Sqlite);
    let uniques: Vec<String> = table
        .constraints
        .borrow()
        .iter()
        .filter_map(|c| match c {
            Constraint::Unique { columns, .. } if columns.len() == 1 => Some(columns[0].clone()),
            _ => None,
        })
        .collect();
    let indexes = table.sorted_indexes();
    let indexed = |name: &str| indexes.iter().any(|i| i.columns.first().is_some_and(|c| c == name));
    TableView {
        name: table.name.clone(),
        model,
        row_count,
        columns: table
            .columns
            .borrow()
            .iter()
            .map(|c| ColumnView {
                name: c.name(),
                sql_type: sqlite.type_ddl(&c.ty).unwrap_or_else(|e| e.0),
                primary_key: c.primary_key.get(),
                nullable: c.nullable(),
                unique: c.unique == Some(true) || uniques.contains(&c.name()),
                index: indexed(&c.name()),
                default: c
                    .default
                    .as_ref()
                    .map(default_text)
                    .or_else(|| c.server_default.as_ref().map(server_default_text)),
                foreign_key: c.foreign_keys.first().map(|f| f.target.clone()),
            })
            .collect(),
        create_sql: sqlite.visit_create_table(table).map(|s| s.trim().to_string()).unwrap_or_else(|e| e.0),
        ddl,
        alters,
    }
}

/// The table named `table` and the engine its bind's database is on: the default metadata's
/// first, then each `__bind_key__` metadata's (`SQLALCHEMY_BINDS`).
fn find_table(db: &DbData, table: &str) -> Option<(Rc<Table>, Rc<crate::sqlalchemy::engine::Engine>)> {
    if let Some(t) = db.metadata.table(table) {
        return Some((t, db.engine.clone()));
    }
    let binds = db.scoped.factory.binds.borrow();
    binds.iter().find_map(|(md, engine)| md.table(table).map(|t| (t, engine.clone())))
}

fn count_rows(db: &DbData, table: &str) -> Option<i64> {
    let (_, engine) = find_table(db, table)?;
    let sql = format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\""));
    let r = engine.execute_unlogged(&sql, &[]).ok()?;
    match r.rows.first()?.first()? {
        SqlValue::Integer(n) => Some(*n),
        _ => None,
    }
}

/// The relationship's kind as the tutorial names it.
fn kind(r: &Relationship) -> RelationshipKind {
    if r.m2m.borrow().is_some() {
        return RelationshipKind::ManyToMany;
    }
    let reverse_uselist = r.reverse.borrow().upgrade().map(|rev| rev.uselist());
    match r.direction.get() {
        Direction::OneToMany if r.uselist() => RelationshipKind::OneToMany,
        Direction::OneToMany => RelationshipKind::OneToOne,
        Direction::ManyToOne if reverse_uselist == Some(false) => RelationshipKind::OneToOne,
        Direction::ManyToOne => RelationshipKind::ManyToOne,
    }
}

fn relationship_view(interp: &mut Interp, db: &DbData, parent: &Rc<Mapper>, r: &Rc<Relationship>) -> RelationshipView {
    let target = r.target.borrow().clone();
    let backref = r.reverse.borrow().upgrade().map(|rev| rev.key());
    let (load_sql, bound_to) = match &target {
        Some(t) => {
            let mut bound = Vec::new();
            let mut bind = |c: &Rc<crate::sqlalchemy::schema::Column>| {
                bound.push(format!("{}.{}", c.table().map(|t| t.name.clone()).unwrap_or_default(), c.name()));
                Value::None
            };
            match orm::lazy_select(interp, &db.registry, r, t, &mut bind) {
                Ok(select) => (Some(SqlCompiler::default().select(&select).sql), bound),
                Err(_) => (None, Vec::new()),
            }
        }
        None => (None, Vec::new()),
    };
    RelationshipView {
        parent: parent.class_name.clone(),
        parent_table: parent.table.name.clone(),
        key: r.key(),
        target: target.as_ref().map(|t| t.class_name.clone()).unwrap_or_default(),
        target_table: target.as_ref().map(|t| t.table.name.clone()).unwrap_or_default(),
        kind: kind(r),
        many_to_one: r.direction.get() == Direction::ManyToOne,
        uselist: r.uselist(),
        lazy: r.lazy(),
        backref,
        secondary: r.m2m.borrow().as_ref().map(|m| m.table.name.clone()),
        foreign_keys: r
            .pairs
            .borrow()
            .iter()
            .map(|(_, fk)| format!("{}.{}", fk.table().map(|t| t.name.clone()).unwrap_or_default(), fk.name()))
            .collect(),
        load_sql,
        bound_to,
    }
}

/// The app's tables (dependency order) and relationships (mapper order, then declaration
/// order). Configures the mappers first, as SQLAlchemy does on first use; a configuration
/// error is returned in [`SchemaView::error`] in the exception's words.
pub fn schema(interp: &mut Interp, db: &DbData) -> SchemaView {
    let mut error = None;
    if let Err(e) = orm::configure(interp, &db.registry) {
        let typ = interp.type_of(&e.exc).full_name();
        let message = crate::python::builtins::exception_str(interp, &e.exc).unwrap_or_default();
        error = Some(format!("{typ}: {message}"));
    }
    let mappers = db.registry.mappers.borrow().clone();
    // The default bind's tables, then each other bind's (each in its own dependency order).
    // Each metadata's DDL is compiled as its own `create_all` would send it.
    let mut all = Vec::new();
    let mut views = Vec::new();
    let binds: Vec<_> = db.scoped.factory.binds.borrow().iter().map(|(md, _)| md.clone()).collect();
    for (n, md) in std::iter::once(&db.metadata).chain(binds.iter()).enumerate() {
        let mut tables = md.tables.borrow().clone();
        crate::sort::sort_by(&mut tables, |a, b| a.name.cmp(&b.name));
        views.extend(create_all_views(&tables));
        let sorted = md.sorted_tables();
        all.extend(sorted.into_iter().filter(|t| n == 0 || db.metadata.table(&t.name).is_none()));
    }
    let tables = all
        .iter()
        .map(|t| {
            let model = mappers.iter().rev().find(|m| Rc::ptr_eq(&m.table, t)).map(|m| m.class_name.clone());
            let ddl = views
                .iter()
                .find(|(name, ..)| *name == t.name)
                .map(|(_, ddl, alters)| (ddl.clone(), alters.clone()))
                .unwrap_or_default();
            table_view(t, model, count_rows(db, &t.name), ddl)
        })
        .collect();
    let mut relationships = Vec::new();
    if error.is_none() {
        for m in &mappers {
            let rels = m.relationships.borrow().clone();
            for r in &rels {
                relationships.push(relationship_view(interp, db, m, r));
            }
        }
    }
    SchemaView { tables, relationships, error }
}

fn cell_text(v: &SqlValue) -> Option<String> {
    match v {
        SqlValue::Null => None,
        SqlValue::Integer(i) => Some(i.to_string()),
        SqlValue::Real(f) => Some(format!("{f:?}")),
        SqlValue::Text(s) => Some(s.clone()),
        SqlValue::Blob(b) => Some(format!("x'{}'", b.iter().map(|x| format!("{x:02x}")).collect::<String>())),
    }
}

/// One page of `table`'s rows, ordered by column `sort` (then rowid), read without logging.
pub fn rows(db: &DbData, table: &str, sort: Option<(usize, bool)>, offset: usize, limit: usize) -> RowsPage {
    let Some((t, engine)) = find_table(db, table) else {
        return RowsPage { error: Some(format!("no table named {table}")), ..RowsPage::default() };
    };
    let columns: Vec<String> = t.columns.borrow().iter().map(|c| c.name()).collect();
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let list = columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
    let order = match sort.and_then(|(i, desc)| columns.get(i).map(|c| (c, desc))) {
        Some((c, desc)) => format!(" ORDER BY {}{}", quote(c), if desc { " DESC" } else { "" }),
        None => String::new(),
    };
    let total = count_rows(db, table);
    let sql = format!("SELECT {list} FROM {}{order} LIMIT {limit} OFFSET {offset}", quote(table));
    match engine.execute_unlogged(&sql, &[]) {
        Ok(r) => RowsPage {
            columns,
            rows: r.rows.iter().map(|row| row.iter().map(cell_text).collect()).collect(),
            total: total.unwrap_or(0),
            offset,
            error: None,
        },
        Err(e) => RowsPage { columns, error: Some(e.message), offset, ..RowsPage::default() },
    }
}
