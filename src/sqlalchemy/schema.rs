//! Schema objects (`schema.py`): `MetaData`, `Table`, `Column`, `ForeignKey` and constraints.
//! Plain Rust data; the Python-facing classes wrap them (see `module.rs`).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use super::types::SqlType;
use crate::python::value::Value;

/// A column's Python-side default (`default=`): a constant or a callable.
#[derive(Clone, Debug)]
pub enum ColumnDefault {
    Scalar(Value),
    Callable(Value),
}

/// A column's server-side default (`server_default=`), as its DDL renders it.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultClause {
    /// `server_default='none'`: a string, rendered as a quoted literal.
    Literal(String),
    /// `server_default=text('0')`: SQL as written.
    Text(String),
    /// `server_default=func.now()`: a SQL function call, by name.
    Func(String),
    /// `server_default=true()` / `false()`.
    Bool(bool),
    /// `FetchedValue()`: the database sets the value (a trigger); nothing in the DDL.
    Fetched,
}

/// A column's type: the one it was made with, or the one the declarative scan gives it later
/// (`mapped_column()` makes its `Column` before the class's `Mapped[...]` annotation is known;
/// SQLAlchemy's `Column._set_type`). Reads as the `SqlType` it holds.
#[derive(Debug)]
pub struct ColumnType {
    initial: SqlType,
    resolved: std::cell::OnceCell<SqlType>,
}

impl ColumnType {
    pub fn new(ty: SqlType) -> ColumnType {
        ColumnType { initial: ty, resolved: std::cell::OnceCell::new() }
    }
    /// Gives the column the type its annotation implies (once; the scan runs once per column).
    pub fn resolve(&self, ty: SqlType) {
        let _ = self.resolved.set(ty);
    }
    /// `type._isnull`: `NullType`, a column made with no type whose type is not known yet.
    pub fn is_null(&self) -> bool {
        matches!(&**self, SqlType::Other(n) if n == "NullType")
    }
}

impl std::ops::Deref for ColumnType {
    type Target = SqlType;
    fn deref(&self) -> &SqlType {
        self.resolved.get().unwrap_or(&self.initial)
    }
}

/// A `Column`.
#[derive(Debug)]
pub struct Column {
    /// The name in the database (None until the declarative scan names it).
    pub name: RefCell<Option<String>>,
    /// The attribute key (defaults to the name).
    pub key: RefCell<Option<String>>,
    pub ty: ColumnType,
    pub primary_key: Cell<bool>,
    /// `nullable=` as given (None: derived from primary_key); the declarative scan sets it from
    /// an `Optional[...]` annotation.
    pub nullable_arg: Cell<Option<bool>>,
    pub unique: Option<bool>,
    pub index: Option<bool>,
    pub default: Option<ColumnDefault>,
    pub server_default: Option<DefaultClause>,
    /// `onupdate=`: the Python-side value an UPDATE sets.
    pub onupdate: Option<ColumnDefault>,
    /// `server_onupdate=`: the database changes the value on UPDATE (no DDL); the ORM expires
    /// the attribute after an UPDATE, or fetches it with `eager_defaults`.
    pub server_onupdate: Option<DefaultClause>,
    /// The Python `Column` object standing for this column, while it lives, so that
    /// `fk.column is User.__table__.c.id`.
    pub py: RefCell<std::rc::Weak<crate::python::value::Instance>>,
    /// `comment=` (MySQL renders it inline).
    pub comment: Option<String>,
    /// `CheckConstraint`s given among the column's arguments, rendered inline: (name, sqltext).
    pub checks: Vec<(Option<String>, String)>,
    pub foreign_keys: Vec<Rc<ForeignKey>>,
    /// `autoincrement=` as given: None means "auto".
    pub autoincrement: Option<bool>,
    pub table: RefCell<Weak<Table>>,
    /// Creation order, for declarative scans of mixins.
    pub order: usize,
}

impl Column {
    /// `Column._copy()`: the same definition, not yet in a table (a mixin's column for each
    /// class that inherits it).
    pub fn copy(&self) -> Column {
        Column {
            name: RefCell::new(self.name.borrow().clone()),
            key: RefCell::new(self.key.borrow().clone()),
            ty: ColumnType::new((*self.ty).clone()),
            primary_key: Cell::new(self.primary_key.get()),
            nullable_arg: Cell::new(self.nullable_arg.get()),
            unique: self.unique,
            index: self.index,
            default: self.default.clone(),
            server_default: self.server_default.clone(),
            onupdate: self.onupdate.clone(),
            server_onupdate: self.server_onupdate.clone(),
            py: RefCell::new(std::rc::Weak::new()),
            comment: self.comment.clone(),
            checks: self.checks.clone(),
            foreign_keys: self.foreign_keys.iter().map(|f| Rc::new(f.copy())).collect(),
            autoincrement: self.autoincrement,
            table: RefCell::new(Weak::new()),
            order: self.order,
        }
    }

    /// `Column.foreign_keys`: its own `ForeignKey`s, then those a table-level
    /// `ForeignKeyConstraint` gave it.
    pub fn all_foreign_keys(&self) -> Vec<Rc<ForeignKey>> {
        let mut out = self.foreign_keys.clone();
        let Some(table) = self.table() else { return out };
        for c in table.constraints.borrow().iter() {
            let Constraint::ForeignKey { fk, .. } = c else { continue };
            for f in fk {
                let mine = std::ptr::eq(f.parent.borrow().as_ptr(), self);
                if mine && !out.iter().any(|o| Rc::ptr_eq(o, f)) {
                    out.push(f.clone());
                }
            }
        }
        out
    }

    /// The column's name (`?` before it is named).
    pub fn name(&self) -> String {
        self.name.borrow().clone().unwrap_or_else(|| "?".into())
    }
    /// The attribute key.
    pub fn key(&self) -> String {
        self.key.borrow().clone().unwrap_or_else(|| self.name())
    }
    /// The server default the DDL renders (`FetchedValue()` renders none).
    pub fn ddl_server_default(&self) -> Option<&DefaultClause> {
        self.server_default.as_ref().filter(|d| **d != DefaultClause::Fetched)
    }
    /// `Column.nullable` after defaults: primary key columns are NOT NULL.
    pub fn nullable(&self) -> bool {
        self.nullable_arg.get().unwrap_or(!self.primary_key.get())
    }
    /// The table the column belongs to.
    pub fn table(&self) -> Option<Rc<Table>> {
        self.table.borrow().upgrade()
    }
}

/// How a constraint made in a class body refers to a column that has no name yet: a marker
/// with the column's address, resolved by [`resolve_column_ref`] once the class is mapped.
pub fn unnamed_column_ref(c: &Rc<Column>) -> String {
    format!("\u{1}{}", Rc::as_ptr(c) as usize)
}

/// The name of the column [`unnamed_column_ref`] refers to among `table`'s columns.
pub fn resolve_column_ref(table: &Table, name: &str) -> String {
    let Some(addr) = name.strip_prefix('\u{1}').and_then(|a| a.parse::<usize>().ok()) else { return name.to_string() };
    table
        .columns
        .borrow()
        .iter()
        .find(|c| Rc::as_ptr(c) as usize == addr)
        .map(|c| c.name())
        .unwrap_or_else(|| "?".into())
}

/// Why a naming convention could not name a constraint: `InvalidRequestError` (a
/// `%(constraint_name)s` with no name), `KeyError` (an unknown token), `ValueError`.
#[derive(Debug, Clone, PartialEq)]
pub enum NamingError {
    Invalid(String),
    Key(String),
    Value(String),
}

/// A `ForeignKey("table.column")`.
#[derive(Debug)]
pub struct ForeignKey {
    /// The target as written: `role.id`.
    pub target: String,
    pub name: Option<String>,
    pub ondelete: Option<String>,
    pub onupdate: Option<String>,
    /// `use_alter=True`: the constraint takes no part in the table sort; dialects that support
    /// `ALTER` add it after the tables are created, so `CREATE TABLE` leaves it out.
    pub use_alter: bool,
    /// The column it is on (`ForeignKey.parent`), set when that column joins its table.
    pub parent: RefCell<Weak<Column>>,
}

impl ForeignKey {
    /// A `ForeignKey("table.column")` on no column yet.
    pub fn new(target: String, name: Option<String>, ondelete: Option<String>, onupdate: Option<String>) -> ForeignKey {
        ForeignKey { target, name, ondelete, onupdate, use_alter: false, parent: RefCell::new(Weak::new()) }
    }
    /// `ForeignKey._copy()`: the same definition, for a copied column.
    pub fn copy(&self) -> ForeignKey {
        ForeignKey {
            use_alter: self.use_alter,
            ..ForeignKey::new(self.target.clone(), self.name.clone(), self.ondelete.clone(), self.onupdate.clone())
        }
    }
    /// `ForeignKey.column`: the column it refers to, once its table is in `metadata`.
    pub fn column(&self, metadata: &MetaData) -> Option<Rc<Column>> {
        let table = metadata.table(self.target_table())?;
        let col = table.columns.borrow().iter().find(|c| c.name() == self.target_column()).cloned();
        col
    }
    /// The target table's name.
    pub fn target_table(&self) -> &str {
        self.target.rsplit_once('.').map(|p| p.0).unwrap_or(&self.target)
    }
    /// The target column's name.
    pub fn target_column(&self) -> &str {
        self.target.rsplit_once('.').map(|p| p.1).unwrap_or("")
    }
}

/// Table-level constraints, in creation order.
#[derive(Debug, Clone)]
pub enum Constraint {
    /// `PrimaryKeyConstraint(...)`: names the key and orders its columns.
    PrimaryKey {
        name: Option<String>,
        columns: Vec<String>,
    },
    Unique {
        name: Option<String>,
        columns: Vec<String>,
    },
    Check {
        name: Option<String>,
        sqltext: String,
    },
    ForeignKey {
        name: Option<String>,
        columns: Vec<String>,
        fk: Vec<Rc<ForeignKey>>,
    },
    /// `Enum(..., create_constraint=True)`'s `CHECK (column IN (...))`, named after the enum
    /// (`Enum._set_table`); a dialect with native enums leaves it out for a native enum.
    EnumCheck {
        column: String,
        enum_type: Rc<crate::sqlalchemy::types::EnumType>,
    },
}

/// A callable naming-convention token's value for one constraint: (kind, the constraint's
/// columns, token, value).
pub type NamingToken = (String, Vec<String>, String, String);

/// A `Table`.
#[derive(Debug)]
pub struct Table {
    pub name: String,
    pub columns: RefCell<Vec<Rc<Column>>>,
    pub constraints: RefCell<Vec<Constraint>>,
    pub indexes: RefCell<Vec<Index>>,
    /// The `MetaData` the table is in (`Table.metadata`).
    pub metadata: RefCell<Weak<MetaData>>,
    /// The metadata's `naming_convention` (kind → template), copied when the table joins it.
    pub naming_convention: RefCell<Vec<(String, String)>>,
    /// The values of the convention's callable tokens for this table's constraints, computed
    /// when the table was made (`ConventionDict` calls `convention[key](constraint, table)`):
    /// (kind, the constraint's columns, token, `str()` of the result).
    pub naming_tokens: RefCell<Vec<NamingToken>>,
    /// `PrimaryKeyConstraint(..., name=)` from `__table_args__`: its name and column order.
    pub primary_key_constraint: RefCell<Option<(Option<String>, Vec<String>)>>,
    /// `comment=` of the table (MySQL renders it after the closing parenthesis).
    pub comment: RefCell<Option<String>>,
    /// Dialect options such as `mysql_engine='InnoDB'`: (dialect, option, value).
    pub dialect_options: RefCell<Vec<(String, String, String)>>,
    /// For an alias (`tags AS tags_1`): the name of the table it stands for; `name` is then
    /// the alias's name.
    pub alias_of: Option<String>,
    /// An anonymous alias (`aliased(User)`, a join's association table): `name` is the base
    /// of the name the compiler gives it (`user_1`, `user_2`, in the order the statement
    /// renders them).
    pub anonymous: bool,
    /// The aliases made of this table, which it keeps alive (their columns refer to them
    /// weakly, as every column does to its table).
    aliases: RefCell<Vec<Rc<Table>>>,
    /// The Python `Table` object standing for this table, while it lives, so that
    /// `Table('t', ..., extend_existing=True) is t`.
    pub py: RefCell<Weak<crate::python::value::Instance>>,
}

/// An `Index`: from `index=True` (unnamed: the naming convention's `ix_<table>_<column>`,
/// unique when the column is) or `Index(name, *columns, unique=)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// The explicit name; empty when the naming convention names it.
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

impl Table {
    /// A new table; columns are added with [`Table::append_column`].
    pub fn new(name: &str) -> Rc<Table> {
        Rc::new(Table::empty(name, None))
    }

    /// A table named `name` with nothing in it yet; `alias_of` names the table it aliases.
    fn empty(name: &str, alias_of: Option<String>) -> Table {
        Table {
            name: name.to_string(),
            columns: RefCell::new(Vec::new()),
            constraints: RefCell::new(Vec::new()),
            indexes: RefCell::new(Vec::new()),
            metadata: RefCell::new(Weak::new()),
            naming_convention: RefCell::new(Vec::new()),
            naming_tokens: RefCell::new(Vec::new()),
            primary_key_constraint: RefCell::new(None),
            comment: RefCell::new(None),
            dialect_options: RefCell::new(Vec::new()),
            alias_of,
            anonymous: false,
            aliases: RefCell::new(Vec::new()),
            py: RefCell::new(Weak::new()),
        }
    }

    /// An alias of the table named `alias` (`tags AS tags_1`), with copies of its columns;
    /// it is in no metadata. The same name gives the same alias.
    pub fn alias(&self, alias: &str) -> Rc<Table> {
        if let Some(t) = self.aliases.borrow().iter().find(|t| t.name == alias && !t.anonymous) {
            return t.clone();
        }
        self.new_alias(Table::empty(alias, Some(self.name.clone())))
    }

    /// A new anonymous alias (`FromClause.alias()` without a name): named when compiled.
    pub fn anonymous_alias(&self) -> Rc<Table> {
        let base = self.alias_of.clone().unwrap_or_else(|| self.name.clone());
        let mut t = Table::empty(&base, Some(base.clone()));
        t.anonymous = true;
        self.new_alias(t)
    }

    /// `t` with copies of this table's columns, kept alive by this table.
    fn new_alias(&self, t: Table) -> Rc<Table> {
        let t = Rc::new(t);
        for c in self.columns.borrow().iter() {
            let copy = Rc::new(c.copy());
            *copy.name.borrow_mut() = Some(c.name());
            *copy.table.borrow_mut() = Rc::downgrade(&t);
            t.columns.borrow_mut().push(copy);
        }
        self.aliases.borrow_mut().push(t.clone());
        t
    }

    /// Attaches a column, creating the constraints its flags imply (`unique=True`, foreign
    /// keys), as `Column._set_parent` does.
    pub fn append_column(self: &Rc<Self>, col: Rc<Column>) {
        *col.table.borrow_mut() = Rc::downgrade(self);
        let name = col.name();
        if col.index == Some(true) {
            self.indexes.borrow_mut().push(Index {
                name: String::new(),
                columns: vec![name.clone()],
                unique: col.unique == Some(true),
            });
        } else if col.unique == Some(true) {
            self.constraints.borrow_mut().push(Constraint::Unique { name: None, columns: vec![name.clone()] });
        }
        // The type's `_set_table` runs before the foreign keys' (its listener came first).
        if let SqlType::Enum(e) = &*col.ty {
            if e.create_constraint {
                self.constraints
                    .borrow_mut()
                    .push(Constraint::EnumCheck { column: name.clone(), enum_type: e.clone() });
            }
        }
        for fk in &col.foreign_keys {
            *fk.parent.borrow_mut() = Rc::downgrade(&col);
            self.constraints.borrow_mut().push(Constraint::ForeignKey {
                name: fk.name.clone(),
                columns: vec![name.clone()],
                fk: vec![fk.clone()],
            });
        }
        self.columns.borrow_mut().push(col);
    }

    /// A constraint's name: the explicit one, or what the naming convention makes of it
    /// (`conv()` in SQLAlchemy). `kind` is `pk`, `uq`, `ck`, `fk` or `ix`. A convention that
    /// cannot be applied gives None here (see [`Table::convention_name`] for its error).
    pub fn constraint_name(
        &self,
        kind: &str,
        explicit: Option<&str>,
        columns: &[String],
        referred: Option<(&str, &str)>,
    ) -> Option<String> {
        let referred: Vec<(String, String)> =
            referred.map(|(t, c)| vec![(t.to_string(), c.to_string())]).unwrap_or_default();
        self.convention_name(kind, explicit, false, columns, &referred).ok().flatten()
    }

    /// `naming._constraint_name_for_table`: the explicit name, unless the convention for
    /// `kind` applies (the constraint is unnamed, or the template has `%(constraint_name)s`),
    /// then the template filled in as `ConventionDict` does. `none_name` is SQLAlchemy's
    /// `_NONE_NAME` (an `Enum`'s CHECK without a name). `columns` are the constraint's columns
    /// by key or name; `referred` a foreign key's (table, column) targets.
    pub fn convention_name(
        &self,
        kind: &str,
        explicit: Option<&str>,
        none_name: bool,
        columns: &[String],
        referred: &[(String, String)],
    ) -> Result<Option<String>, NamingError> {
        let conv = self.naming_convention.borrow();
        let template = conv.iter().find(|(k, _)| k == kind).map(|(_, t)| t.clone());
        let template = match (template, kind) {
            (Some(t), _) => t,
            (None, "ix") => "ix_%(column_0_label)s".to_string(),
            (None, _) => return Ok(explicit.map(str::to_string)),
        };
        // An empty template names nothing (`if newname:`): how a convention given without
        // an `ix` entry is kept (see `MetaData.__new__`).
        if template.is_empty() || (explicit.is_some() && !template.contains("%(constraint_name)s")) {
            return Ok(explicit.map(str::to_string));
        }
        let cols: Vec<(String, String, String)> = columns
            .iter()
            .map(|c| {
                let c = resolve_column_ref(self, c);
                let found = self.columns.borrow().iter().find(|x| x.key() == c).cloned().or_else(|| self.column(&c));
                match found {
                    Some(col) => (col.name(), col.key(), format!("{}_{}", self.name, col.name())),
                    None => (c.clone(), c.clone(), format!("{}_{c}", self.name)),
                }
            })
            .collect();
        let token = |key: &str| -> Result<String, NamingError> {
            match key {
                "table_name" => return Ok(self.name.clone()),
                "constraint_name" => {
                    return match explicit {
                        Some(n) if !none_name => Ok(n.to_string()),
                        _ => Err(NamingError::Invalid(
                            "Naming convention including %(constraint_name)s token requires that constraint is explicitly named.".into(),
                        )),
                    }
                }
                "referred_table_name" => return Ok(referred.first().map(|r| r.0.clone()).unwrap_or_default()),
                _ => {}
            }
            let tokens = self.naming_tokens.borrow();
            if let Some((.., v)) = tokens.iter().find(|(k, c, t, _)| k == kind && c == columns && t == key) {
                return Ok(v.clone());
            }
            // `.*_?column_(\d+)(_?N)?_.+`: column_0_name, column_0N_label, referred_column_0_N_name.
            let (referred_token, rest) = match key.strip_prefix("referred_") {
                Some(r) => (true, r),
                None => (false, key),
            };
            let Some(rest) = rest.strip_prefix("column_") else { return Err(NamingError::Key(key.to_string())) };
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            let after = &rest[digits.len()..];
            let (multiples, attr) = if let Some(a) = after.strip_prefix("_N_") {
                (Some("_"), a)
            } else if let Some(a) = after.strip_prefix("N_") {
                (Some(""), a)
            } else if let Some(a) = after.strip_prefix('_') {
                (None, a)
            } else {
                return Err(NamingError::Key(key.to_string()));
            };
            if digits.is_empty() || (multiples.is_some() && digits != "0") {
                return Err(NamingError::Key(key.to_string()));
            }
            let value = |i: usize| -> Result<String, NamingError> {
                if referred_token {
                    return match attr {
                        "name" => Ok(referred.get(i).map(|r| r.1.clone()).unwrap_or_default()),
                        _ => Err(NamingError::Key(key.to_string())),
                    };
                }
                let c = cols.get(i);
                match attr {
                    "name" => Ok(c.map(|c| c.0.clone()).unwrap_or_default()),
                    "key" => Ok(c.map(|c| c.1.clone()).unwrap_or_default()),
                    "label" => Ok(c.map(|c| c.2.clone()).unwrap_or_default()),
                    _ => Err(NamingError::Key(key.to_string())),
                }
            };
            match multiples {
                Some(sep) => {
                    let n = if referred_token { referred.len() } else { cols.len() };
                    let parts: Result<Vec<String>, NamingError> = (0..n).map(value).collect();
                    Ok(parts?.join(sep))
                }
                None => value(digits.parse().unwrap_or(usize::MAX)),
            }
        };
        // `template % ConventionDict(...)`: `%(key)s` filled in, `%%` a percent sign.
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(pos) = rest.find('%') {
            out.push_str(&rest[..pos]);
            let after = &rest[pos + 1..];
            if let Some(a) = after.strip_prefix('%') {
                out.push('%');
                rest = a;
            } else if let Some(inner) = after.strip_prefix('(') {
                let Some(close) = inner.find(')') else {
                    return Err(NamingError::Value("incomplete format key".into()));
                };
                let key = &inner[..close];
                let value = token(key)?;
                let spec = &inner[close + 1..];
                let Some(spec_rest) = spec.strip_prefix('s') else {
                    return Err(NamingError::Value("unsupported format character".into()));
                };
                out.push_str(&value);
                rest = spec_rest;
            } else {
                return Err(NamingError::Value("format requires a mapping".into()));
            }
        }
        out.push_str(rest);
        Ok(Some(out))
    }

    /// The indexes sorted by name (the oracle's `ddl` order).
    pub fn sorted_indexes(&self) -> Vec<Index> {
        let mut v: Vec<Index> = self
            .indexes
            .borrow()
            .iter()
            .map(|i| {
                let explicit = (!i.name.is_empty()).then_some(i.name.as_str());
                Index {
                    name: self.constraint_name("ix", explicit, &i.columns, None).unwrap_or_else(|| i.name.clone()),
                    ..i.clone()
                }
            })
            .collect();
        crate::sort::sort_by(&mut v, |a, b| a.name.cmp(&b.name));
        v
    }

    /// The columns of the PRIMARY KEY clause: `PrimaryKeyConstraint`'s order, else table order.
    pub fn primary_key_clause(&self) -> Vec<Rc<Column>> {
        if let Some((_, names)) = &*self.primary_key_constraint.borrow() {
            return names.iter().filter_map(|n| self.column(n)).collect();
        }
        self.primary_key()
    }

    /// The primary key columns in table order.
    pub fn primary_key(&self) -> Vec<Rc<Column>> {
        self.columns.borrow().iter().filter(|c| c.primary_key.get()).cloned().collect()
    }

    /// The database name of a constraint's column given by key or name (`table.c` is keyed
    /// by key; a class body's unnamed column by its marker).
    pub fn column_name_of(&self, given: &str) -> String {
        let given = resolve_column_ref(self, given);
        let by_key = self.columns.borrow().iter().find(|c| c.key() == given).map(|c| c.name());
        by_key.unwrap_or(given)
    }

    /// A constraint's column given as a string: `table.c[key]` (no fallback to the name, as
    /// `ColumnCollectionMixin` looks it up); a class body's unnamed column by its marker.
    pub fn column_by_key(&self, given: &str) -> Option<Rc<Column>> {
        if given.starts_with('\u{1}') {
            return self.column(&resolve_column_ref(self, given));
        }
        self.columns.borrow().iter().find(|c| c.key() == given).cloned()
    }

    /// Checks that the naming convention can name every constraint and index, as SQLAlchemy
    /// names them when they join the table (`_constraint_name`): an unnamed constraint whose
    /// template needs `%(constraint_name)s`, or an unknown token, fails at definition.
    pub fn check_naming(&self) -> Result<(), NamingError> {
        if self.naming_convention.borrow().is_empty() {
            return Ok(());
        }
        let pk: Vec<String> = self.primary_key_clause().iter().map(|c| c.name()).collect();
        if !pk.is_empty() {
            let explicit = self.primary_key_constraint.borrow().as_ref().and_then(|(n, _)| n.clone());
            self.convention_name("pk", explicit.as_deref(), false, &pk, &[])?;
        }
        for c in self.constraints.borrow().iter() {
            match c {
                Constraint::PrimaryKey { .. } | Constraint::EnumCheck { .. } => {}
                Constraint::Unique { name, columns } => {
                    self.convention_name("uq", name.as_deref(), false, columns, &[])?;
                }
                Constraint::Check { name, .. } => {
                    self.convention_name("ck", name.as_deref(), false, &[], &[])?;
                }
                Constraint::ForeignKey { name, columns, fk } => {
                    let referred: Vec<(String, String)> =
                        fk.iter().map(|f| (f.target_table().to_string(), f.target_column().to_string())).collect();
                    self.convention_name("fk", name.as_deref(), false, columns, &referred)?;
                }
            }
        }
        for i in self.indexes.borrow().iter() {
            let explicit = (!i.name.is_empty()).then_some(i.name.as_str());
            self.convention_name("ix", explicit, false, &i.columns, &[])?;
        }
        Ok(())
    }

    /// A table-level `ForeignKeyConstraint`'s foreign keys join their columns
    /// (`ForeignKey.parent`, and so `Column.foreign_keys`).
    pub fn adopt_foreign_keys(&self, columns: &[String], fks: &[Rc<ForeignKey>]) {
        for (n, fk) in columns.iter().zip(fks) {
            if let Some(col) = self.column(&self.column_name_of(n)) {
                *fk.parent.borrow_mut() = Rc::downgrade(&col);
            }
        }
    }

    /// A column by name.
    pub fn column(&self, name: &str) -> Option<Rc<Column>> {
        self.columns.borrow().iter().find(|c| c.name() == name).cloned()
    }

    /// The column SQLAlchemy treats as autoincrement (`Table._autoincrement_column`): the single
    /// integer primary key column without a foreign key, unless `autoincrement=False`.
    pub fn autoincrement_column(&self) -> Option<Rc<Column>> {
        let pk = self.primary_key();
        if pk.len() != 1 {
            return pk.into_iter().find(|c| c.autoincrement == Some(true));
        }
        let c = pk.into_iter().next()?;
        let ok = match c.autoincrement {
            Some(true) => true,
            Some(false) => false,
            None => c.ty.is_integer() && c.foreign_keys.is_empty() && c.default.is_none() && c.server_default.is_none(),
        };
        ok.then_some(c)
    }
}

/// A `MetaData`: the tables of one schema, by name, in creation order.
#[derive(Debug, Default)]
pub struct MetaData {
    pub tables: RefCell<Vec<Rc<Table>>>,
    /// `MetaData(naming_convention=...)`: kind (`pk`, `uq`, `ck`, `fk`, `ix`) → template.
    pub naming_convention: RefCell<Vec<(String, String)>>,
    /// The `naming_convention=` dict as given (what `MetaData.naming_convention` returns).
    pub naming_convention_given: RefCell<Option<crate::python::value::Value>>,
    /// The convention's callable tokens (`{"fk_name": fn}`: `fn(constraint, table)`).
    pub naming_callables: RefCell<Vec<(String, crate::python::value::Value)>>,
}

impl MetaData {
    /// Adds a table, replacing any table of the same name.
    pub fn add_table(self: &Rc<Self>, t: Rc<Table>) {
        *t.naming_convention.borrow_mut() = self.naming_convention.borrow().clone();
        *t.metadata.borrow_mut() = Rc::downgrade(self);
        {
            let mut tables = self.tables.borrow_mut();
            tables.retain(|x| x.name != t.name);
            tables.push(t);
        }
        self.resolve_foreign_key_types();
    }

    /// A column made with a `ForeignKey` and no type is `NullType` until the column it refers
    /// to is in the metadata, then takes that column's type (`ForeignKey._set_target_column`,
    /// run as tables join the metadata); a chain of such columns resolves in turn.
    pub fn resolve_foreign_key_types(&self) {
        loop {
            let mut changed = false;
            for t in self.tables.borrow().iter() {
                for c in t.columns.borrow().iter() {
                    if !c.ty.is_null() {
                        continue;
                    }
                    for fk in &c.foreign_keys {
                        let Some(target) = fk.column(self) else { continue };
                        if !target.ty.is_null() {
                            c.ty.resolve((*target.ty).clone());
                            changed = true;
                            break;
                        }
                    }
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// A table by name.
    pub fn table(&self, name: &str) -> Option<Rc<Table>> {
        self.tables.borrow().iter().find(|t| t.name == name).cloned()
    }

    /// The message of `NoReferencedTableError` for the first foreign key (tables in creation
    /// order) whose table is not in the metadata.
    pub fn unresolved_foreign_key(&self) -> Option<String> {
        for t in self.tables.borrow().iter() {
            for c in t.constraints.borrow().iter() {
                let Constraint::ForeignKey { columns, fk, .. } = c else { continue };
                for (i, f) in fk.iter().enumerate() {
                    if self.table(f.target_table()).is_none() {
                        let col = columns.get(i).cloned().unwrap_or_default();
                        return Some(format!(
                            "Foreign key associated with column '{}.{}' could not find table '{}' with which to generate a foreign key to target column '{}'",
                            t.name,
                            col,
                            f.target_table(),
                            f.target_column()
                        ));
                    }
                }
            }
        }
        None
    }

    /// `MetaData.sorted_tables`: tables sorted by name, then in dependency order.
    pub fn sorted_tables(&self) -> Vec<Rc<Table>> {
        self.sorted_tables_and_cycles().0
    }

    /// [`MetaData::sorted_tables`], and the tables (sorted names) of the foreign key cycles the
    /// sort had to leave out, for which `sorted_tables` warns ([`cycles_warning`]).
    pub fn sorted_tables_and_cycles(&self) -> (Vec<Rc<Table>>, Vec<String>) {
        let mut tables: Vec<Rc<Table>> = self.tables.borrow().clone();
        crate::sort::sort_by(&mut tables, |a, b| a.name.cmp(&b.name));
        match sort_tables_and_constraints(tables.clone(), &|_| None) {
            Ok(sort) => (sort.tables.into_iter().map(|(t, _)| t).collect(), sort.cycles),
            // Not reached: without a filter, every edge of a table in a cycle can go.
            Err(_) => (tables, Vec::new()),
        }
    }
}

/// `sort_tables(..., _warn_for_cycles=True)`'s warning (`MetaData.sorted_tables`) for the
/// tables of the cycles it broke.
pub fn cycles_warning(cycles: &[String]) -> String {
    format!(
        "Cannot correctly sort tables; there are unresolvable cycles between tables \"{}\", which is usually \
         caused by mutually dependent foreign key constraints.  Foreign key constraints involving these tables \
         will not be considered; this warning may raise an error in a future release.",
        cycles.join(", ")
    )
}

/// What [`sort_tables_and_constraints`] gives.
#[derive(Debug, Default)]
pub struct TableSort {
    /// The tables in dependency order, each with the positions (in [`Table::constraints`]) of
    /// its foreign key constraints that stay inside its `CREATE TABLE`.
    pub tables: Vec<(Rc<Table>, Vec<usize>)>,
    /// The foreign key constraints left to `ALTER TABLE ... ADD` after every table: the
    /// `use_alter=True` ones and every one of a table in a cycle, as (table, position).
    /// SQLAlchemy keeps them in a set, whose order follows the objects' addresses and changes
    /// from run to run; here they come in the order of `tables`, then of the table's
    /// constraints.
    pub remaining: Vec<(Rc<Table>, usize)>,
    /// The sorted names of the tables found in cycles, when the first sort met one.
    pub cycles: Vec<String>,
}

/// `sort_tables_and_constraints` (`sql/ddl.py`): tables in dependency order (SQLAlchemy's
/// `topological.sort`: each round takes, in the given order, every table whose referenced
/// tables are done). A `use_alter=True` constraint takes no part; when the tables form a
/// cycle, every foreign key constraint of a table in it is left out of the sort (and left to
/// ALTER), except those `filter` says must stay (`Some(false)`); `Some(true)` leaves a
/// constraint to ALTER in any case. When a cycle remains, `Err` holds its tables' sorted names
/// (the `CircularDependencyError`).
pub fn sort_tables_and_constraints(
    tables: Vec<Rc<Table>>,
    filter: &dyn Fn(&Constraint) -> Option<bool>,
) -> Result<TableSort, Vec<String>> {
    let mut remaining: Vec<(usize, usize)> = Vec::new();
    // (referred table, dependent table's position)
    let mut edges: Vec<(String, usize)> = Vec::new();
    for (ti, t) in tables.iter().enumerate() {
        for (ci, c) in t.constraints.borrow().iter().enumerate() {
            let Constraint::ForeignKey { fk, .. } = c else { continue };
            if fk.iter().any(|f| f.use_alter) || filter(c) == Some(true) {
                remaining.push((ti, ci));
                continue;
            }
            let dep = fk.first().map(|f| f.target_table().to_string()).unwrap_or_default();
            if dep != t.name && !edges.contains(&(dep.clone(), ti)) {
                edges.push((dep, ti));
            }
        }
    }
    let mut cycles = Vec::new();
    let order = match topological_sort(&tables, &edges) {
        Some(order) => order,
        None => {
            let in_cycle = find_cycles(&tables, &edges);
            cycles = sorted_names(&tables, &in_cycle);
            for (ti, t) in tables.iter().enumerate() {
                if !in_cycle[ti] || !edges.iter().any(|(_, c)| *c == ti) {
                    continue;
                }
                for (ci, c) in t.constraints.borrow().iter().enumerate() {
                    let Constraint::ForeignKey { fk, .. } = c else { continue };
                    if filter(c) == Some(false) {
                        continue;
                    }
                    if !remaining.contains(&(ti, ci)) {
                        remaining.push((ti, ci));
                    }
                    let dep = fk.first().map(|f| f.target_table().to_string()).unwrap_or_default();
                    edges.retain(|e| !(e.0 == dep && e.1 == ti));
                }
            }
            match topological_sort(&tables, &edges) {
                Some(order) => order,
                None => return Err(sorted_names(&tables, &find_cycles(&tables, &edges))),
            }
        }
    };
    let mut sort = TableSort { cycles, ..TableSort::default() };
    for &ti in &order {
        let t = &tables[ti];
        let inline = t
            .constraints
            .borrow()
            .iter()
            .enumerate()
            .filter(|(ci, c)| matches!(c, Constraint::ForeignKey { .. }) && !remaining.contains(&(ti, *ci)))
            .map(|(ci, _)| ci)
            .collect();
        sort.tables.push((t.clone(), inline));
        let mut own: Vec<usize> = remaining.iter().filter(|(r, _)| *r == ti).map(|(_, ci)| *ci).collect();
        own.sort_unstable();
        sort.remaining.extend(own.into_iter().map(|ci| (t.clone(), ci)));
    }
    Ok(sort)
}

fn sorted_names(tables: &[Rc<Table>], marked: &[bool]) -> Vec<String> {
    let mut names: Vec<String> = tables.iter().zip(marked).filter(|(_, m)| **m).map(|(t, _)| t.name.clone()).collect();
    names.sort();
    names
}

/// `topological.sort_as_subsets`, flattened: positions of `tables` in dependency order, or
/// None when a round finds nothing to take (a cycle). A referred table not in `tables` is done.
fn topological_sort(tables: &[Rc<Table>], edges: &[(String, usize)]) -> Option<Vec<usize>> {
    let mut todo: Vec<usize> = (0..tables.len()).collect();
    let mut out = Vec::with_capacity(todo.len());
    while !todo.is_empty() {
        let pending = |name: &str, todo: &[usize]| todo.iter().any(|&r| tables[r].name == name);
        let round: Vec<usize> = todo
            .iter()
            .copied()
            .filter(|&i| !edges.iter().any(|(dep, child)| *child == i && pending(dep, &todo)))
            .collect();
        if round.is_empty() {
            return None;
        }
        todo.retain(|i| !round.contains(i));
        out.extend(round);
    }
    Some(out)
}

/// `topological.find_cycles`: which of `tables` lie on a cycle of `edges`.
fn find_cycles(tables: &[Rc<Table>], edges: &[(String, usize)]) -> Vec<bool> {
    // children[i]: the tables that refer to table i.
    let children: Vec<Vec<usize>> =
        tables.iter().map(|t| edges.iter().filter(|(dep, _)| *dep == t.name).map(|(_, c)| *c).collect()).collect();
    (0..tables.len())
        .map(|start| {
            let mut seen = vec![false; tables.len()];
            let mut stack = children[start].clone();
            while let Some(i) = stack.pop() {
                if i == start {
                    return true;
                }
                if !std::mem::replace(&mut seen[i], true) {
                    stack.extend(children[i].iter().copied());
                }
            }
            false
        })
        .collect()
}
