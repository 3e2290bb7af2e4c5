//! DDL compilers (`DDLCompiler` / `GenericTypeCompiler` in `sql/compiler.py`): one default
//! implementation in the [`Dialect`] trait, with SQLite, PostgreSQL and MySQL overriding only
//! what differs, as SQLAlchemy's dialect modules do.

use super::reserved;
use std::rc::Rc;

use super::schema::{sort_tables_and_constraints, Column, Constraint, DefaultClause, Table, TableSort};
use super::types::{EnumType, SqlType};

/// An error compiling DDL (`sqlalchemy.exc.CompileError`, or the class named by `.1` when
/// compiling raised another SQLAlchemy error, as a naming convention's `InvalidRequestError`).
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError(pub String, pub &'static str);

impl CompileError {
    /// A `CompileError` with this message.
    pub fn new(msg: impl Into<String>) -> CompileError {
        CompileError(msg.into(), "CompileError")
    }

    /// The exception's qualified name, as records show it (`sqlalchemy.exc.CompileError`,
    /// builtin `KeyError`).
    pub fn qualified_class(&self) -> String {
        match self.1 {
            "KeyError" | "ValueError" | "AssertionError" => self.1.to_string(),
            c => format!("sqlalchemy.exc.{c}"),
        }
    }

    /// `str(exc)`: a KeyError shows its key's repr.
    pub fn message(&self) -> String {
        match self.1 {
            "KeyError" => format!("'{}'", self.0),
            _ => self.0.clone(),
        }
    }
}

/// A SQL dialect's DDL and identifier rules.
pub trait Dialect {
    /// The dialect's name (`sqlite`, `postgresql`, `mysql`).
    fn name(&self) -> &'static str;

    /// Words that must be quoted when used as identifiers.
    fn reserved_words(&self) -> &'static str;

    /// The identifier quote character.
    fn quote_char(&self) -> char {
        '"'
    }

    /// An identifier, quoted only when SQLAlchemy would quote it.
    fn quote(&self, ident: &str) -> String {
        reserved::quote(ident, self.reserved_words(), self.quote_char())
    }

    /// The type compiler (`visit_INTEGER`, `visit_VARCHAR`, ...).
    fn type_ddl(&self, ty: &SqlType) -> Result<String, CompileError> {
        Ok(match ty {
            SqlType::Integer => "INTEGER".into(),
            SqlType::SmallInteger => "SMALLINT".into(),
            SqlType::BigInteger => "BIGINT".into(),
            SqlType::String(Some(n)) => format!("VARCHAR({n})"),
            SqlType::String(None) => self.visit_varchar_no_length()?,
            SqlType::Text => "TEXT".into(),
            SqlType::Boolean => "BOOLEAN".into(),
            SqlType::Float => "FLOAT".into(),
            SqlType::Numeric(Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
            SqlType::Numeric(Some(p), None) => format!("NUMERIC({p})"),
            SqlType::Numeric(..) => "NUMERIC".into(),
            SqlType::DateTime => "DATETIME".into(),
            SqlType::Date => "DATE".into(),
            SqlType::Time => "TIME".into(),
            SqlType::LargeBinary => "BLOB".into(),
            SqlType::Json => "JSON".into(),
            SqlType::Enum(e) => self.visit_enum(e)?,
            SqlType::Spelled(s) => {
                let i = super::types::DIALECTS.iter().position(|d| *d == self.name()).unwrap_or(0);
                match &s.ddl[i] {
                    Some(ddl) => ddl.clone(),
                    None => {
                        return Err(CompileError::new(format!(
                            "Compiler <{}.base.{} object at 0x…> can't render element of type {}",
                            self.dialect_module(),
                            self.type_compiler_name(),
                            s.class
                        )))
                    }
                }
            }
            SqlType::Decorated(d) => self.type_ddl(&d.impl_type)?,
            SqlType::Other(n) if n == "NullType" => {
                return Err(CompileError::new(
                    "Can't generate DDL for NullType(); did you forget to specify a type on this Column?",
                ))
            }
            SqlType::Other(n) => n.to_uppercase(),
        })
    }

    /// The module of the dialect (`sqlalchemy.dialects.sqlite`), as messages name it.
    fn dialect_module(&self) -> String {
        format!("sqlalchemy.dialects.{}", self.name())
    }

    /// The class name of the dialect's type compiler, as messages name it.
    fn type_compiler_name(&self) -> &'static str {
        "SQLiteTypeCompiler"
    }

    /// `visit_enum`: a non-native enum is a VARCHAR as long as its longest value.
    fn visit_enum(&self, e: &EnumType) -> Result<String, CompileError> {
        Ok(format!("VARCHAR({})", e.length))
    }

    /// `VARCHAR` without a length.
    fn visit_varchar_no_length(&self) -> Result<String, CompileError> {
        Ok("VARCHAR".into())
    }

    /// The column's type as it appears in CREATE TABLE.
    fn column_type(&self, table: &Table, col: &Column) -> Result<String, CompileError> {
        let _ = table;
        self.type_ddl(&col.ty)
    }

    /// Text after NOT NULL (MySQL's AUTO_INCREMENT).
    fn column_suffix(&self, _table: &Table, _col: &Column) -> String {
        String::new()
    }

    /// `get_column_default_string`: the server default's SQL.
    fn column_default_string(&self, d: &DefaultClause) -> String {
        match d {
            DefaultClause::Literal(s) => format!("'{}'", s.replace('\'', "''")),
            DefaultClause::Text(t) => t.clone(),
            DefaultClause::Func(f) => self.visit_function_default(f),
            DefaultClause::Bool(b) => (if *b { "true" } else { "false" }).into(),
            DefaultClause::Fetched => String::new(),
        }
    }

    /// A SQL function as a server default (`now()`).
    fn visit_function_default(&self, name: &str) -> String {
        format!("{name}()")
    }

    /// `DDLCompiler.get_column_specification`.
    fn get_column_specification(&self, table: &Table, col: &Column) -> Result<String, CompileError> {
        let mut spec = format!("{} {}", self.quote(&col.name()), self.column_type(table, col)?);
        if let Some(d) = col.ddl_server_default() {
            spec.push_str(&format!(" DEFAULT {}", self.column_default_string(d)));
        }
        if !col.nullable() {
            spec.push_str(" NOT NULL");
        }
        spec.push_str(&self.column_suffix(table, col));
        Ok(spec)
    }

    /// `visit_create_column`: the specification followed by the column's inline constraints.
    fn visit_create_column(&self, table: &Table, col: &Column) -> Result<String, CompileError> {
        let mut spec = self.get_column_specification(table, col)?;
        for (name, check) in &col.checks {
            let named = table
                .constraint_name("ck", name.as_deref(), &[col.name()], None)
                .map(|n| format!("CONSTRAINT {} ", self.quote(&n)))
                .unwrap_or_default();
            spec.push_str(&format!(" {named}CHECK ({check})"));
        }
        Ok(spec)
    }

    /// `Dialect.supports_alter`: a `use_alter=True` foreign key is added by `ALTER TABLE`
    /// after the tables are created, so `CREATE TABLE` leaves it out (SQLite has no such
    /// `ALTER` and renders it inline).
    fn supports_alter(&self) -> bool {
        true
    }

    /// `Dialect.supports_native_enum`: PostgreSQL and MySQL have ENUM types, SQLite has not.
    fn supports_native_enum(&self) -> bool {
        false
    }

    /// Text after the closing parenthesis (MySQL's `COMMENT=`, `ENGINE=`).
    fn post_create_table(&self, _table: &Table) -> String {
        String::new()
    }

    /// `Dialect.supports_comments` without `inline_comments`: comments are set by their own
    /// `COMMENT ON` statements after the table (PostgreSQL).
    fn separate_comments(&self) -> bool {
        false
    }

    /// `CreateEnumType` for a named native enum, where the dialect creates such types apart
    /// (PostgreSQL's `CREATE TYPE`).
    fn visit_create_enum_type(&self, _e: &EnumType) -> Option<String> {
        None
    }

    /// `DDLCompiler.visit_create_table`: the statement exactly as SQLAlchemy sends it, with its
    /// leading newline and trailing blank line.
    fn visit_create_table(&self, table: &Table) -> Result<String, CompileError> {
        self.visit_create_table_including(table, None)
    }

    /// `CreateTable(table, include_foreign_key_constraints=...)`: `include` names (by position
    /// in `Table::constraints`) the foreign key constraints to render; the others are added by
    /// ALTER after every table (`create_all` on a dialect that supports ALTER).
    fn visit_create_table_including(&self, table: &Table, include: Option<&[usize]>) -> Result<String, CompileError> {
        let mut items = Vec::new();
        for col in table.columns.borrow().iter() {
            let spec = self.visit_create_column(table, col).map_err(|e| {
                CompileError::new(format!("(in table '{}', column '{}'): {}", table.name, col.name(), e.0))
            })?;
            items.push(spec);
        }
        let pk = table.primary_key_clause();
        if !pk.is_empty() {
            let names: Vec<String> = pk.iter().map(|c| self.quote(&c.name())).collect();
            let cols: Vec<String> = pk.iter().map(|c| c.name()).collect();
            let explicit = table.primary_key_constraint.borrow().as_ref().and_then(|(n, _)| n.clone());
            let named = table
                .constraint_name("pk", explicit.as_deref(), &cols, None)
                .map(|n| format!("CONSTRAINT {} ", self.quote(&n)))
                .unwrap_or_default();
            items.push(format!("{named}PRIMARY KEY ({})", names.join(", ")));
        }
        for (ci, c) in table.constraints.borrow().iter().enumerate() {
            if matches!(c, Constraint::PrimaryKey { .. }) {
                continue;
            }
            // `Enum._should_create_constraint`: not for a native enum where the dialect has them.
            if let Constraint::EnumCheck { enum_type, .. } = c {
                if enum_type.native_enum && self.supports_native_enum() {
                    continue;
                }
            }
            // `create_table_constraints`: a `use_alter` constraint waits for its ALTER.
            if let Constraint::ForeignKey { fk, .. } = c {
                if self.supports_alter() && fk.iter().any(|f| f.use_alter) {
                    continue;
                }
                if include.is_some_and(|inc| !inc.contains(&ci)) {
                    continue;
                }
            }
            items.push(self.visit_constraint(table, c)?);
        }
        Ok(format!(
            "\nCREATE TABLE {} (\n\t{}\n){}\n\n",
            self.quote(&table.name),
            items.join(", \n\t"),
            self.post_create_table(table)
        ))
    }

    /// `DDLCompiler.visit_create_index`. An index without a name (a `naming_convention` with
    /// no `ix` template) fails `format_constraint`'s `assert name is not None`.
    fn visit_create_index(&self, table: &Table, index: &super::schema::Index) -> Result<String, CompileError> {
        if index.name.is_empty() {
            return Err(CompileError(String::new(), "AssertionError"));
        }
        let cols: Vec<String> = index.columns.iter().map(|c| self.quote(c)).collect();
        Ok(format!(
            "CREATE {}INDEX {} ON {} ({})",
            if index.unique { "UNIQUE " } else { "" },
            self.quote(&index.name),
            self.quote(&table.name),
            cols.join(", ")
        ))
    }

    /// `visit_add_constraint`: `ALTER TABLE t ADD <constraint>`.
    fn visit_add_constraint(&self, table: &Table, c: &Constraint) -> Result<String, CompileError> {
        Ok(format!("ALTER TABLE {} ADD {}", self.quote(&table.name), self.visit_constraint(table, c)?))
    }

    /// `SetTableComment` / `SetColumnComment`, for a dialect whose comments are not inline.
    fn comment_statements(&self, table: &Table) -> Vec<String> {
        if !self.separate_comments() {
            return Vec::new();
        }
        let literal = |text: &str| format!("'{}'", text.replace('\'', "''"));
        let mut out = Vec::new();
        if let Some(c) = &*table.comment.borrow() {
            out.push(format!("COMMENT ON TABLE {} IS {}", self.quote(&table.name), literal(c)));
        }
        for col in table.columns.borrow().iter() {
            if let Some(c) = &col.comment {
                out.push(format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    self.quote(&table.name),
                    self.quote(&col.name()),
                    literal(c)
                ));
            }
        }
        out
    }

    /// A table-level constraint clause.
    fn visit_constraint(&self, table: &Table, c: &Constraint) -> Result<String, CompileError> {
        let named = |name: Option<String>| name.map(|n| format!("CONSTRAINT {} ", self.quote(&n))).unwrap_or_default();
        let quoted = |columns: &[String]| -> Vec<String> {
            columns.iter().map(|c| self.quote(&table.column_name_of(c))).collect()
        };
        Ok(match c {
            Constraint::PrimaryKey { .. } => String::new(),
            Constraint::Unique { name, columns } => {
                format!(
                    "{}UNIQUE ({})",
                    named(table.constraint_name("uq", name.as_deref(), columns, None)),
                    quoted(columns).join(", ")
                )
            }
            Constraint::Check { name, sqltext } => {
                format!("{}CHECK ({sqltext})", named(table.constraint_name("ck", name.as_deref(), &[], None)))
            }
            Constraint::EnumCheck { column, enum_type } => {
                // `format_constraint`: an unnamed enum's CHECK (`_NONE_NAME`) is named here,
                // where a convention that needs its name fails.
                let name = table
                    .convention_name(
                        "ck",
                        enum_type.name.as_deref(),
                        enum_type.name.is_none(),
                        std::slice::from_ref(column),
                        &[],
                    )
                    .map_err(|e| match e {
                        super::schema::NamingError::Invalid(m) => CompileError(m, "InvalidRequestError"),
                        super::schema::NamingError::Key(k) => CompileError(k, "KeyError"),
                        super::schema::NamingError::Value(m) => CompileError(m, "ValueError"),
                    })?;
                format!("{}CHECK ({})", named(name), enum_type.check_sql(&self.quote(&table.column_name_of(column))))
            }
            Constraint::ForeignKey { name, columns, fk } => {
                let target_table = fk.first().map(|f| f.target_table().to_string()).unwrap_or_default();
                let referred: Vec<(String, String)> =
                    fk.iter().map(|f| (f.target_table().to_string(), f.target_column().to_string())).collect();
                let name = table.convention_name("fk", name.as_deref(), false, columns, &referred).ok().flatten();
                let target_cols: Vec<String> = fk.iter().map(|f| self.quote(f.target_column())).collect();
                let mut s = format!(
                    "{}FOREIGN KEY({}) REFERENCES {} ({})",
                    named(name),
                    quoted(columns).join(", "),
                    self.quote(&target_table),
                    target_cols.join(", ")
                );
                if let Some(f) = fk.first() {
                    if let Some(d) = &f.ondelete {
                        s.push_str(&format!(" ON DELETE {d}"));
                    }
                    if let Some(u) = &f.onupdate {
                        s.push_str(&format!(" ON UPDATE {u}"));
                    }
                }
                s
            }
        })
    }
}

/// What a statement of [`create_all_statements`] creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DdlKind {
    /// `CREATE TYPE` (PostgreSQL's named enums), before every table.
    CreateType,
    CreateTable,
    CreateIndex,
    /// `COMMENT ON TABLE` / `COMMENT ON COLUMN` (PostgreSQL).
    Comment,
    /// `ALTER TABLE ... ADD` a foreign key constraint, after every table.
    AddConstraint,
}

/// A statement `MetaData.create_all` sends.
#[derive(Debug, Clone)]
pub struct DdlStatement {
    /// The table it belongs to (for a `CREATE TYPE`, the first table with a column of it).
    pub table: Rc<Table>,
    pub kind: DdlKind,
    /// The text as compiled (a `CREATE TABLE` with its leading newline and trailing blank
    /// line), or why the dialect refuses it.
    pub sql: Result<String, CompileError>,
}

/// `SchemaGenerator.visit_metadata` with `checkfirst=False`: every statement
/// `metadata.create_all()` sends for `tables` (given in the order to sort them from: the
/// metadata's creation order, or `sorted_tables`'s name order). Named native enum types first
/// (the metadata's `before_create`), then each table in dependency order with its indexes
/// (sorted by name) and comments, then the foreign key constraints left to `ALTER TABLE ... ADD`
/// ([`sort_tables_and_constraints`]: `use_alter=True` ones and those of tables in a cycle),
/// which a dialect without ALTER (SQLite) renders inside `CREATE TABLE` instead, silently.
/// Where `create_all` would stop at a table the dialect refuses, this goes on with the next
/// table (the refused one without its indexes), as the workbench shows every table.
pub fn create_all_statements(d: &dyn Dialect, tables: Vec<Rc<Table>>) -> Vec<DdlStatement> {
    let sort = sort_tables_and_constraints(tables.clone(), &|_| None).unwrap_or_else(|_| TableSort {
        // Not reached: without a filter every cycle is broken.
        tables: tables.iter().map(|t| (t.clone(), Vec::new())).collect(),
        ..TableSort::default()
    });
    let mut out = Vec::new();
    let mut types: Vec<String> = Vec::new();
    for t in &tables {
        for col in t.columns.borrow().iter() {
            let SqlType::Enum(e) = &*col.ty else { continue };
            let Some(sql) = d.visit_create_enum_type(e) else { continue };
            if e.name.as_ref().is_some_and(|n| !types.contains(n)) {
                types.extend(e.name.clone());
                out.push(DdlStatement { table: t.clone(), kind: DdlKind::CreateType, sql: Ok(sql) });
            }
        }
    }
    for (t, fks) in &sort.tables {
        let include = d.supports_alter().then_some(fks.as_slice());
        let create = d.visit_create_table_including(t, include);
        let refused = create.is_err();
        out.push(DdlStatement { table: t.clone(), kind: DdlKind::CreateTable, sql: create });
        if refused {
            continue;
        }
        for i in t.sorted_indexes() {
            let sql = d.visit_create_index(t, &i);
            let refused = sql.is_err();
            out.push(DdlStatement { table: t.clone(), kind: DdlKind::CreateIndex, sql });
            if refused {
                break;
            }
        }
        for sql in d.comment_statements(t) {
            out.push(DdlStatement { table: t.clone(), kind: DdlKind::Comment, sql: Ok(sql) });
        }
    }
    if d.supports_alter() {
        for (t, ci) in &sort.remaining {
            let Some(c) = t.constraints.borrow().get(*ci).cloned() else { continue };
            out.push(DdlStatement {
                table: t.clone(),
                kind: DdlKind::AddConstraint,
                sql: d.visit_add_constraint(t, &c),
            });
        }
    }
    out
}

/// `sqlalchemy.dialects.sqlite`.
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn supports_alter(&self) -> bool {
        false
    }
    fn visit_function_default(&self, name: &str) -> String {
        match name {
            "now" | "current_timestamp" => "CURRENT_TIMESTAMP".into(),
            "current_date" => "CURRENT_DATE".into(),
            "current_time" => "CURRENT_TIME".into(),
            other => format!("{other}()"),
        }
    }
    fn column_default_string(&self, d: &DefaultClause) -> String {
        let text = match d {
            DefaultClause::Literal(s) => format!("'{}'", s.replace('\'', "''")),
            DefaultClause::Text(t) => t.clone(),
            DefaultClause::Func(f) => self.visit_function_default(f),
            DefaultClause::Bool(b) => (if *b { "1" } else { "0" }).into(),
            DefaultClause::Fetched => String::new(),
        };
        // SQLite wants an expression default in parentheses.
        let starts_quoted = text.trim_start().starts_with(['\'', '"', '(']);
        let has_non_word = text.chars().any(|c| !(c.is_alphanumeric() || c == '_'));
        if !starts_quoted && has_non_word {
            format!("({text})")
        } else {
            text
        }
    }
    fn reserved_words(&self) -> &'static str {
        reserved::SQLITE_RESERVED
    }
}

/// `sqlalchemy.dialects.postgresql`.
pub struct PostgresqlDialect;

impl Dialect for PostgresqlDialect {
    fn supports_native_enum(&self) -> bool {
        true
    }

    fn separate_comments(&self) -> bool {
        true
    }

    /// `PGDDLCompiler.visit_create_enum_type`.
    fn visit_create_enum_type(&self, e: &EnumType) -> Option<String> {
        let name = e.name.as_ref().filter(|_| e.native_enum && e.create_type)?;
        let values: Vec<String> = e.enums.iter().map(|v| format!("'{}'", v.replace('\'', "''"))).collect();
        Some(format!("CREATE TYPE {} AS ENUM ({})", self.quote(name), values.join(", ")))
    }

    fn name(&self) -> &'static str {
        "postgresql"
    }
    fn reserved_words(&self) -> &'static str {
        reserved::POSTGRESQL_RESERVED
    }
    fn type_compiler_name(&self) -> &'static str {
        "PGTypeCompiler"
    }
    fn visit_enum(&self, e: &EnumType) -> Result<String, CompileError> {
        if !e.native_enum {
            return Ok(format!("VARCHAR({})", e.length));
        }
        match &e.name {
            Some(n) => Ok(self.quote(n)),
            None => Err(CompileError::new("PostgreSQL Enum type requires a name.")),
        }
    }
    fn type_ddl(&self, ty: &SqlType) -> Result<String, CompileError> {
        Ok(match ty {
            SqlType::DateTime => "TIMESTAMP WITHOUT TIME ZONE".into(),
            SqlType::Time => "TIME WITHOUT TIME ZONE".into(),
            SqlType::LargeBinary => "BYTEA".into(),
            SqlType::Float => "FLOAT".into(),
            other => return default_type_ddl(self, other),
        })
    }
    fn column_type(&self, table: &Table, col: &Column) -> Result<String, CompileError> {
        let is_auto = table.autoincrement_column().map(|c| std::ptr::eq(&*c, col)).unwrap_or(false);
        if is_auto && col.default.is_none() {
            return Ok(match col.ty.affinity() {
                SqlType::BigInteger => "BIGSERIAL".into(),
                SqlType::SmallInteger => "SMALLSERIAL".into(),
                _ => "SERIAL".into(),
            });
        }
        self.type_ddl(&col.ty)
    }
}

/// `sqlalchemy.dialects.mysql`.
pub struct MysqlDialect;

impl Dialect for MysqlDialect {
    fn supports_native_enum(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        "mysql"
    }
    fn reserved_words(&self) -> &'static str {
        reserved::MYSQL_RESERVED
    }
    fn quote_char(&self) -> char {
        '`'
    }
    fn type_compiler_name(&self) -> &'static str {
        "MySQLTypeCompiler"
    }
    fn column_default_string(&self, d: &DefaultClause) -> String {
        match d {
            DefaultClause::Literal(s) => format!("'{}'", s.replace('\'', "''")),
            DefaultClause::Text(t) => t.clone(),
            DefaultClause::Func(f) => format!("{f}()"),
            DefaultClause::Bool(b) => (if *b { "true" } else { "false" }).into(),
            DefaultClause::Fetched => String::new(),
        }
    }
    /// MySQL's order: type, NOT NULL, COMMENT, then AUTO_INCREMENT or DEFAULT.
    fn get_column_specification(&self, table: &Table, col: &Column) -> Result<String, CompileError> {
        let mut spec = vec![self.quote(&col.name()), self.column_type(table, col)?];
        let is_timestamp = matches!(&*col.ty, SqlType::Spelled(s) if s.class == "TIMESTAMP");
        if !col.nullable() {
            spec.push("NOT NULL".into());
        } else if is_timestamp {
            spec.push("NULL".into());
        }
        if let Some(c) = &col.comment {
            spec.push(format!("COMMENT '{}'", c.replace('\'', "''")));
        }
        let is_auto = table.autoincrement_column().map(|c| std::ptr::eq(&*c, col)).unwrap_or(false);
        if is_auto && col.server_default.is_none() {
            spec.push("AUTO_INCREMENT".into());
        } else if let Some(d) = col.ddl_server_default() {
            // An expression default goes in parentheses (MySQL 8's default functions).
            let text = self.column_default_string(d);
            let lower = text.to_lowercase();
            let timestamp_fsp = ["now(", "current_timestamp("]
                .iter()
                .any(|p| lower.strip_prefix(p).map(|r| r.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(false));
            let wrap = !text.trim_start().starts_with(['\'', '"', '('])
                && !lower.contains("on update")
                && !timestamp_fsp
                && text.chars().any(|c| !(c.is_alphanumeric() || c == '_'));
            spec.push(if wrap { format!("DEFAULT ({text})") } else { format!("DEFAULT {text}") });
        }
        Ok(spec.join(" "))
    }
    fn post_create_table(&self, table: &Table) -> String {
        let mut opts = Vec::new();
        for (dialect, k, v) in table.dialect_options.borrow().iter() {
            if dialect == "mysql" || dialect == "mariadb" {
                opts.push(format!("{}={v}", k.to_uppercase().replace('_', " ")));
            }
        }
        if let Some(c) = &*table.comment.borrow() {
            opts.push(format!("COMMENT='{}'", c.replace('\'', "''")));
        }
        opts.join(" ")
    }
    fn visit_enum(&self, e: &EnumType) -> Result<String, CompileError> {
        if !e.native_enum {
            return Ok(format!("VARCHAR({})", e.length));
        }
        let quoted: Vec<String> = e.enums.iter().map(|v| format!("'{}'", v.replace('\'', "''"))).collect();
        Ok(format!("ENUM({})", quoted.join(",")))
    }
    fn type_ddl(&self, ty: &SqlType) -> Result<String, CompileError> {
        Ok(match ty {
            SqlType::Boolean => "BOOL".into(),
            other => return default_type_ddl(self, other),
        })
    }
    fn visit_varchar_no_length(&self) -> Result<String, CompileError> {
        Err(CompileError::new("VARCHAR requires a length on dialect mysql"))
    }
}

/// The trait's default type compiler, callable from an override.
fn default_type_ddl<D: Dialect + ?Sized>(d: &D, ty: &SqlType) -> Result<String, CompileError> {
    struct Generic<'a, D: ?Sized>(&'a D);
    impl<D: Dialect + ?Sized> Dialect for Generic<'_, D> {
        fn name(&self) -> &'static str {
            self.0.name()
        }
        fn reserved_words(&self) -> &'static str {
            self.0.reserved_words()
        }
        fn visit_varchar_no_length(&self) -> Result<String, CompileError> {
            self.0.visit_varchar_no_length()
        }
        fn type_compiler_name(&self) -> &'static str {
            self.0.type_compiler_name()
        }
        fn visit_enum(&self, e: &EnumType) -> Result<String, CompileError> {
            self.0.visit_enum(e)
        }
    }
    Generic(d).type_ddl(ty)
}

/// The dialect for a name used in engine URLs and the DDL panel.
pub fn dialect_named(name: &str) -> Box<dyn Dialect> {
    match name {
        "postgresql" | "postgres" => Box::new(PostgresqlDialect),
        "mysql" | "mariadb" => Box::new(MysqlDialect),
        _ => Box::new(SqliteDialect),
    }
}
