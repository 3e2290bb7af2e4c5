//! SQL expressions and their compilation (`sql/elements.py`, `sql/selectable.py`,
//! `sql/compiler.py`): the clauses the ORM builds, rendered to SQLite's text with positional
//! parameters exactly as SQLAlchemy's `SQLCompiler` writes them.

use std::rc::Rc;

use super::ddl::{Dialect, SqliteDialect};
use super::schema::{Column, Table};
use super::types::SqlType;
use crate::db::SqlValue;
use crate::python::value::Value;

/// A SQL expression.
#[derive(Debug, Clone)]
pub enum Clause {
    /// A table column, rendered `table.column`.
    Column(Rc<Column>),
    /// A bound parameter with the type that processes its value.
    Bind(Value, SqlType),
    /// `left op right` (`=`, `!=`, `<`, `IS`, `LIKE`, ...).
    Binary(Box<Clause>, &'static str, Box<Clause>),
    /// `a AND b AND c`.
    And(Vec<Clause>),
    /// `a OR b`.
    Or(Vec<Clause>),
    Not(Box<Clause>),
    Null,
    /// A literal SQL fragment.
    Text(String),
    /// `expr DESC` / `expr ASC`.
    Desc(Box<Clause>),
    Asc(Box<Clause>),
    /// `name(args)`.
    Function(String, Vec<Clause>),
    /// `expr AS name`.
    Label(Box<Clause>, String),
    /// `EXISTS (SELECT 1 FROM table WHERE ...)` (relationship `has()` / `any()`).
    Exists(Rc<Table>, Vec<Clause>),
}

/// How a SELECT labels its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    /// `SELECT user.id, user.name` (2.0 `select()` and loader queries).
    None,
    /// `SELECT user.id AS user_id` (the legacy `Query`).
    TablenamePlusCol,
}

/// A SELECT statement.
#[derive(Debug, Clone)]
pub struct Select {
    pub columns: Vec<Clause>,
    pub froms: Vec<Rc<Table>>,
    pub where_: Vec<Clause>,
    pub order_by: Vec<Clause>,
    pub limit: Option<Clause>,
    pub offset: Option<Clause>,
    pub label_style: LabelStyle,
    /// Joined eager loads: `LEFT OUTER JOIN target AS alias ON ...`, their columns appended.
    pub eager_joins: Vec<EagerJoin>,
}

/// A `LEFT OUTER JOIN` added by a joined eager loader (`lazy='joined'`), against the first
/// FROM table.
#[derive(Debug, Clone)]
pub struct EagerJoin {
    pub alias: String,
    pub target: Rc<Table>,
    /// (target column, local column) pairs of the ON clause.
    pub on: Vec<(Rc<Column>, Rc<Column>)>,
}

impl Select {
    /// `SELECT <all columns of table> FROM table`.
    pub fn table(table: &Rc<Table>, label_style: LabelStyle) -> Select {
        Select {
            columns: table.columns.borrow().iter().map(|c| Clause::Column(c.clone())).collect(),
            froms: vec![table.clone()],
            where_: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            offset: None,
            label_style,
            eager_joins: Vec::new(),
        }
    }
}

/// A compiled statement: its text and positional parameters, already processed by their types.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

/// Compiles expressions for SQLite.
pub struct SqlCompiler {
    dialect: SqliteDialect,
    params: Vec<SqlValue>,
}

impl Default for SqlCompiler {
    fn default() -> Self {
        SqlCompiler { dialect: SqliteDialect, params: Vec::new() }
    }
}

impl SqlCompiler {
    /// `table.column` with quoting.
    pub fn column_ref(&self, c: &Column) -> String {
        let table = c.table().map(|t| self.dialect.quote(&t.name));
        match table {
            Some(t) => format!("{t}.{}", self.dialect.quote(&c.name())),
            None => self.dialect.quote(&c.name()),
        }
    }

    /// A quoted identifier.
    pub fn quote(&self, ident: &str) -> String {
        self.dialect.quote(ident)
    }

    fn visit(&mut self, c: &Clause) -> String {
        match c {
            Clause::Column(col) => self.column_ref(col),
            Clause::Bind(v, ty) => {
                self.params.push(ty.bind(v));
                "?".into()
            }
            Clause::Binary(l, op, r) => {
                let ls = self.visit(l);
                let rs = self.visit(r);
                format!("{ls} {op} {rs}")
            }
            Clause::And(items) => items.iter().map(|i| self.visit(i)).collect::<Vec<_>>().join(" AND "),
            Clause::Or(items) => items.iter().map(|i| self.visit(i)).collect::<Vec<_>>().join(" OR "),
            Clause::Not(inner) => format!("NOT {}", self.visit(inner)),
            Clause::Null => "NULL".into(),
            Clause::Text(t) => t.clone(),
            Clause::Desc(inner) => format!("{} DESC", self.visit(inner)),
            Clause::Asc(inner) => format!("{} ASC", self.visit(inner)),
            Clause::Function(name, args) => {
                let a: Vec<String> = args.iter().map(|x| self.visit(x)).collect();
                format!("{name}({})", a.join(", "))
            }
            Clause::Label(inner, name) => format!("{} AS {}", self.visit(inner), self.quote(name)),
            Clause::Exists(table, where_) => {
                let w: Vec<String> = where_.iter().map(|c| self.visit(c)).collect();
                format!("EXISTS (SELECT 1 \nFROM {} \nWHERE {})", self.quote(&table.name), w.join(" AND "))
            }
        }
    }

    /// Compiles a SELECT.
    pub fn select(mut self, s: &Select) -> Compiled {
        let cols: Vec<String> = s
            .columns
            .iter()
            .map(|c| match (c, s.label_style) {
                (Clause::Column(col), LabelStyle::TablenamePlusCol) => {
                    let label = format!("{}_{}", col.table().map(|t| t.name.clone()).unwrap_or_default(), col.name());
                    format!("{} AS {}", self.column_ref(col), self.quote(&label))
                }
                _ => self.visit(c),
            })
            .collect();
        let mut cols = cols;
        for j in &s.eager_joins {
            for c in j.target.columns.borrow().iter() {
                let name = c.name();
                cols.push(format!(
                    "{}.{} AS {}",
                    self.quote(&j.alias),
                    self.quote(&name),
                    self.quote(&format!("{}_{}", j.alias, name))
                ));
            }
        }
        let mut froms: Vec<String> = s.froms.iter().map(|t| self.quote(&t.name)).collect();
        if let Some(first) = froms.first_mut() {
            for j in &s.eager_joins {
                let on: Vec<String> =
                    j.on.iter()
                        .map(|(tc, lc)| {
                            format!("{}.{} = {}", self.quote(&j.alias), self.quote(&tc.name()), self.column_ref(lc))
                        })
                        .collect();
                first.push_str(&format!(
                    " LEFT OUTER JOIN {} AS {} ON {}",
                    self.quote(&j.target.name),
                    self.quote(&j.alias),
                    on.join(" AND ")
                ));
            }
        }
        let mut sql = format!("SELECT {} \nFROM {}", cols.join(", "), froms.join(", "));
        if !s.where_.is_empty() {
            let w: Vec<String> = s.where_.iter().map(|c| self.visit(c)).collect();
            sql.push_str(" \nWHERE ");
            sql.push_str(&w.join(" AND "));
        }
        if !s.order_by.is_empty() {
            let o: Vec<String> = s.order_by.iter().map(|c| self.visit(c)).collect();
            sql.push_str(" ORDER BY ");
            sql.push_str(&o.join(", "));
        }
        match (&s.limit, &s.offset) {
            (None, None) => {}
            (Some(l), None) => {
                let l = self.visit(l);
                sql.push_str(&format!("\n LIMIT {l}"));
            }
            (l, Some(o)) => {
                let l = match l {
                    Some(l) => self.visit(l),
                    None => "-1".into(),
                };
                let o = self.visit(o);
                sql.push_str(&format!("\n LIMIT {l} OFFSET {o}"));
            }
        }
        Compiled { sql, params: self.params }
    }

    /// `INSERT INTO table (cols) VALUES (?, ...)` for the given columns and values.
    pub fn insert(self, table: &Table, values: &[(Rc<Column>, Value)]) -> Compiled {
        let names: Vec<String> = values.iter().map(|(c, _)| self.quote(&c.name())).collect();
        let marks: Vec<&str> = values.iter().map(|_| "?").collect();
        let params = values.iter().map(|(c, v)| c.ty.bind(v)).collect();
        let sql = if values.is_empty() {
            format!("INSERT INTO {} DEFAULT VALUES", self.quote(&table.name))
        } else {
            format!("INSERT INTO {} ({}) VALUES ({})", self.quote(&table.name), names.join(", "), marks.join(", "))
        };
        Compiled { sql, params }
    }

    /// `UPDATE table SET a=?, b=? WHERE table.pk = ?`.
    pub fn update(self, table: &Table, sets: &[(Rc<Column>, Value)], pk: &[(Rc<Column>, Value)]) -> Compiled {
        let set: Vec<String> = sets.iter().map(|(c, _)| format!("{}=?", self.quote(&c.name()))).collect();
        let wh: Vec<String> = pk.iter().map(|(c, _)| format!("{} = ?", self.column_ref(c))).collect();
        let mut params: Vec<SqlValue> = sets.iter().map(|(c, v)| c.ty.bind(v)).collect();
        params.extend(pk.iter().map(|(c, v)| c.ty.bind(v)));
        Compiled {
            sql: format!("UPDATE {} SET {} WHERE {}", self.quote(&table.name), set.join(", "), wh.join(" AND ")),
            params,
        }
    }

    /// `DELETE FROM table WHERE table.pk = ?`.
    pub fn delete(self, table: &Table, pk: &[(Rc<Column>, Value)]) -> Compiled {
        let wh: Vec<String> = pk.iter().map(|(c, _)| format!("{} = ?", self.column_ref(c))).collect();
        let params = pk.iter().map(|(c, v)| c.ty.bind(v)).collect();
        Compiled { sql: format!("DELETE FROM {} WHERE {}", self.quote(&table.name), wh.join(" AND ")), params }
    }
}
