//! SQL expressions and their compilation (`sql/elements.py`, `sql/selectable.py`,
//! `sql/compiler.py`): the clauses the ORM builds, rendered to SQLite's text with positional
//! parameters exactly as SQLAlchemy's `SQLCompiler` writes them.

use std::rc::Rc;

use super::ddl::{Dialect, SqliteDialect};
use super::schema::{Column, Constraint, Table};
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
    /// `left op right` (`=`, `!=`, `<`, `IS`, `LIKE`, `+`, ...).
    Binary(Box<Clause>, &'static str, Box<Clause>),
    /// `a AND b AND c`.
    And(Vec<Clause>),
    /// `a OR b`.
    Or(Vec<Clause>),
    Not(Box<Clause>),
    Null,
    /// `true` / `false` (`1` / `0` on SQLite).
    Bool(bool),
    /// A literal SQL fragment.
    Text(String),
    /// `expr DESC` / `expr ASC`.
    Desc(Box<Clause>),
    Asc(Box<Clause>),
    /// `name(args)`.
    Function(String, Vec<Clause>),
    /// `*` (in `count(*)`).
    Star,
    /// `expr AS name`.
    Label(Box<Clause>, String),
    /// `EXISTS (SELECT 1 FROM table WHERE ...)` (relationship `has()` / `any()`).
    Exists(Rc<Table>, Vec<Clause>),
    /// `expr IN (...)` / `(expr NOT IN (...))`.
    In(Box<Clause>, Vec<Clause>, bool),
    /// `expr BETWEEN lo AND hi` (`NOT BETWEEN` when negated).
    Between(Box<Clause>, Box<Clause>, Box<Clause>, bool),
    /// `(a, b) IN (VALUES (?, ?), (?, ?))`: a tuple IN as SQLite gets it (the selectin
    /// loader's composite keys).
    TupleIn(Vec<Clause>, Vec<Vec<Clause>>),
    /// `DISTINCT expr` (inside functions: `count(DISTINCT x)`).
    Distinct(Box<Clause>),
}

impl Clause {
    /// `left op right`.
    pub fn binary(l: Clause, op: &'static str, r: Clause) -> Clause {
        Clause::Binary(Box::new(l), op, Box::new(r))
    }

    /// The clause negated as `not_()` / `~` does: comparison operators flip, the rest gain
    /// `NOT`.
    pub fn negate(self) -> Clause {
        match self {
            Clause::Binary(l, op, r) => {
                let flipped = match op {
                    "=" => Some("!="),
                    "!=" => Some("="),
                    "<" => Some(">="),
                    ">=" => Some("<"),
                    ">" => Some("<="),
                    "<=" => Some(">"),
                    "IS" => Some("IS NOT"),
                    "IS NOT" => Some("IS"),
                    "LIKE" => Some("NOT LIKE"),
                    "NOT LIKE" => Some("LIKE"),
                    "ILIKE" => Some("NOT ILIKE"),
                    "NOT ILIKE" => Some("ILIKE"),
                    "contains" => Some("not contains"),
                    "startswith" => Some("not startswith"),
                    "endswith" => Some("not endswith"),
                    _ => None,
                };
                match flipped {
                    Some(f) => Clause::Binary(l, f, r),
                    None => Clause::Not(Box::new(Clause::Binary(l, op, r))),
                }
            }
            Clause::In(e, items, neg) => Clause::In(e, items, !neg),
            Clause::Between(e, lo, hi, neg) => Clause::Between(e, lo, hi, !neg),
            Clause::Not(inner) => *inner,
            Clause::Bool(b) => Clause::Bool(!b),
            other => Clause::Not(Box::new(other)),
        }
    }

    /// The operator precedence SQLAlchemy gives the clause (`operators._PRECEDENCE`); `None`
    /// for atoms that never need parentheses.
    fn precedence(&self) -> Option<i32> {
        Some(match self {
            Clause::Binary(_, op, _) if op_precedence(op) == -100 => return None,
            Clause::Binary(_, op, _) => op_precedence(op),
            Clause::And(items) if items.len() > 1 => 3,
            Clause::Or(items) if items.len() > 1 => 2,
            Clause::And(items) | Clause::Or(items) => return items.first().and_then(|i| i.precedence()),
            Clause::Not(_) => 5,
            Clause::Exists(..) => 0,
            Clause::In(..) | Clause::Between(..) | Clause::TupleIn(..) => 5,
            Clause::Desc(_) | Clause::Asc(_) => 3,
            Clause::Label(..) => -1,
            _ => return None,
        })
    }

    /// Calls `f` on every table column the clause refers to (not inside subqueries).
    pub fn visit_columns(&self, f: &mut dyn FnMut(&Rc<Column>)) {
        match self {
            Clause::Column(c) => f(c),
            Clause::Binary(l, _, r) => {
                l.visit_columns(f);
                r.visit_columns(f);
            }
            Clause::And(items) | Clause::Or(items) | Clause::Function(_, items) => {
                items.iter().for_each(|i| i.visit_columns(f))
            }
            Clause::Not(i) | Clause::Desc(i) | Clause::Asc(i) | Clause::Label(i, _) | Clause::Distinct(i) => {
                i.visit_columns(f)
            }
            Clause::In(e, items, _) => {
                e.visit_columns(f);
                items.iter().for_each(|i| i.visit_columns(f))
            }
            Clause::Between(a, b, c, _) => {
                a.visit_columns(f);
                b.visit_columns(f);
                c.visit_columns(f);
            }
            Clause::TupleIn(cols, rows) => {
                cols.iter().for_each(|i| i.visit_columns(f));
                rows.iter().flatten().for_each(|i| i.visit_columns(f));
            }
            _ => {}
        }
    }

    /// The tables the clause refers to, in order of first appearance.
    pub fn tables(&self) -> Vec<Rc<Table>> {
        let mut out: Vec<Rc<Table>> = Vec::new();
        self.visit_columns(&mut |c| {
            if let Some(t) = c.table() {
                if !out.iter().any(|x| Rc::ptr_eq(x, &t)) {
                    out.push(t);
                }
            }
        });
        out
    }

    /// The SQL type of the expression's values (for result processing).
    pub fn sql_type(&self) -> SqlType {
        match self {
            Clause::Column(c) => c.ty.clone(),
            Clause::Bind(_, t) => t.clone(),
            Clause::Label(i, _) | Clause::Distinct(i) => i.sql_type(),
            Clause::Function(name, args) => match name.to_ascii_lowercase().as_str() {
                "count" => SqlType::Integer,
                "max" | "min" | "sum" | "coalesce" | "abs" | "lower" | "upper" | "trim" => {
                    args.first().map(|a| a.sql_type()).unwrap_or(SqlType::Other("NullType".into()))
                }
                "avg" => SqlType::Numeric(None, None),
                "length" | "char_length" => SqlType::Integer,
                "now" | "current_timestamp" | "localtimestamp" | "localtime" => SqlType::DateTime,
                "current_date" => SqlType::Date,
                "current_time" => SqlType::Time,
                _ => SqlType::Other("NullType".into()),
            },
            Clause::Binary(l, op, r) => match *op {
                "+" | "-" | "*" | "/" | "%" | "||" => {
                    let t = l.sql_type();
                    if matches!(t, SqlType::Other(_)) {
                        r.sql_type()
                    } else {
                        t
                    }
                }
                _ => SqlType::Boolean,
            },
            Clause::And(_) | Clause::Or(_) | Clause::Not(_) | Clause::Exists(..) | Clause::In(..) => SqlType::Boolean,
            Clause::Between(..) | Clause::Bool(_) | Clause::TupleIn(..) => SqlType::Boolean,
            _ => SqlType::Other("NullType".into()),
        }
    }

    /// The key a result row gives this column (`Row._fields`): a column's key, a label's
    /// name, a function's name.
    pub fn row_key(&self) -> Option<String> {
        match self {
            Clause::Column(c) => Some(c.key()),
            Clause::Label(_, n) => Some(n.clone()),
            Clause::Function(name, _) => Some(name.clone()),
            _ => None,
        }
    }
}

fn op_precedence(op: &str) -> i32 {
    match op {
        "*" | "/" | "%" => 8,
        "+" | "-" => 7,
        "||" => 5,
        "=" | "!=" | "<" | "<=" | ">" | ">=" | "IS" | "IS NOT" | "LIKE" | "NOT LIKE" | "ILIKE" | "NOT ILIKE" => 5,
        // `contains()` / `startswith()` / `endswith()` have no precedence entry: they are
        // parenthesized wherever they are nested.
        _ => -100,
    }
}

/// How a SELECT labels its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    /// `SELECT user.id, user.name` (2.0 `select()` and loader queries); only duplicate names
    /// get labels.
    None,
    /// `SELECT user.id AS user_id` (the legacy `Query`).
    TablenamePlusCol,
    /// No labels at all, duplicates included (`LABEL_STYLE_NONE`: the lazy loader's query).
    NoLabels,
}

/// A JOIN added by `select().join()` / `outerjoin()`.
#[derive(Debug, Clone)]
pub struct Join {
    /// The table joined from (None: the first FROM that the ON clause or a foreign key links).
    pub left: Option<Rc<Table>>,
    pub right: Rc<Table>,
    /// The ON clause (None: inferred from the foreign keys between the two tables).
    pub on: Option<Clause>,
    pub outer: bool,
    /// The right side is itself a join, `(right JOIN table ON clause)`: an outer join along a
    /// many-to-many relationship joins the association table to the target inside it.
    pub nested: Option<(Rc<Table>, Clause)>,
}

/// A SELECT statement.
#[derive(Debug, Clone)]
pub struct Select {
    pub columns: Vec<Clause>,
    /// Explicit FROM tables; the columns' and the WHERE clause's tables follow them.
    pub froms: Vec<Rc<Table>>,
    pub joins: Vec<Join>,
    pub where_: Vec<Clause>,
    pub group_by: Vec<Clause>,
    pub having: Vec<Clause>,
    pub order_by: Vec<Clause>,
    pub limit: Option<Clause>,
    pub offset: Option<Clause>,
    pub distinct: bool,
    pub label_style: LabelStyle,
    /// Joined eager loads: `LEFT OUTER JOIN target AS alias ON ...`, their columns appended.
    pub eager_joins: Vec<EagerJoin>,
    /// Criteria the ORM adds when compiling, after the WHERE clause's own: a single-table
    /// subclass named by `select_from()` carries its `discriminator IN (...)`.
    pub extra_criteria: Vec<Clause>,
    /// `select_from(stmt.subquery())`: SELECTs in the FROM list, `(SELECT ...) AS anon_1`,
    /// before the tables.
    pub subqueries: Vec<Select>,
}

/// One `left = right` of an eager join's ON clause; `true` marks a column of the aliased
/// target.
pub type EagerPair = ((Rc<Column>, bool), (Rc<Column>, bool));

/// A `LEFT OUTER JOIN` added by a joined eager loader (`lazy='joined'`), against the first
/// FROM table.
#[derive(Debug, Clone)]
pub struct EagerJoin {
    pub alias: String,
    pub target: Rc<Table>,
    /// The ON clause's `left = right` pairs in written order; `true` marks a column of the
    /// aliased target.
    pub on: Vec<EagerPair>,
    /// A collection: with LIMIT / OFFSET / DISTINCT / GROUP BY the query is wrapped in a
    /// subquery with the joins outside it (`multi_row_eager_loaders`).
    pub collection: bool,
    /// Many-to-many: the association table's alias (`tags AS tags_1`), joined to the aliased
    /// target inside parentheses; `on` then compares with the alias's columns.
    pub secondary: Option<EagerSecondary>,
    /// The eager join this one is nested in (`joinedload(User.posts).joinedload(Post.tags)`):
    /// `on`'s columns of that join's table are its alias's.
    pub parent: Option<usize>,
    /// `innerjoin=True`: `JOIN` rather than `LEFT OUTER JOIN`.
    pub inner: bool,
    /// The relationship's `order_by=`, against the target's table (rendered with the alias
    /// after the query's own ORDER BY).
    pub order_by: Vec<Clause>,
}

/// The order the eager joins' columns come in a row: a nested join's columns before those of
/// the join it hangs from (the order the compiled SELECT lists them).
pub fn eager_column_order(joins: &[EagerJoin]) -> Vec<usize> {
    fn visit(joins: &[EagerJoin], parent: Option<usize>, out: &mut Vec<usize>) {
        for (i, j) in joins.iter().enumerate() {
            if j.parent == parent {
                visit(joins, Some(i), out);
                out.push(i);
            }
        }
    }
    let mut out = Vec::with_capacity(joins.len());
    visit(joins, None, &mut out);
    out
}

/// The association table of a joined eager many-to-many load: `(tags AS tags_1 JOIN tag AS
/// tag_1 ON tag_1.id = tags_1.tag_id)`.
#[derive(Debug, Clone)]
pub struct EagerSecondary {
    pub alias: Rc<Table>,
    /// The inner join's `left = right` pairs; `true` marks a column of the aliased target.
    pub on: Vec<EagerPair>,
}

impl Select {
    /// An empty SELECT.
    pub fn new(label_style: LabelStyle) -> Select {
        Select {
            columns: Vec::new(),
            froms: Vec::new(),
            joins: Vec::new(),
            where_: Vec::new(),
            group_by: Vec::new(),
            having: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            offset: None,
            distinct: false,
            label_style,
            eager_joins: Vec::new(),
            extra_criteria: Vec::new(),
            subqueries: Vec::new(),
        }
    }

    /// `SELECT <all columns of table> FROM table`.
    pub fn table(table: &Rc<Table>, label_style: LabelStyle) -> Select {
        let mut s = Select::new(label_style);
        s.columns = table.columns.borrow().iter().map(|c| Clause::Column(c.clone())).collect();
        s.froms = vec![table.clone()];
        s
    }
}

/// The ON clause of a join between two tables from their foreign keys:
/// `referenced = referencing` for each pair, as `join_condition()` builds it.
pub fn join_condition(left: &Table, right: &Table) -> Option<Clause> {
    let mut crit = Vec::new();
    for (from, to) in [(right, left), (left, right)] {
        // An alias refers to what its table does, and is referred to as its table is.
        let to_name = to.alias_of.as_deref().unwrap_or(&to.name);
        for c in from.columns.borrow().iter() {
            for fk in &c.foreign_keys {
                if fk.target_table() == to_name {
                    if let Some(target) = to.column(fk.target_column()) {
                        crit.push(Clause::binary(Clause::Column(target), "=", Clause::Column(c.clone())));
                    }
                }
            }
        }
        // A table joined to an alias of itself (`aliased(User)`) takes the foreign keys of
        // both sides (`_joincond_scan_left_right` scans `left`'s too when it is not `b`).
        let same = |t: &Table| t.alias_of.clone().unwrap_or_else(|| t.name.clone());
        if !crit.is_empty() && same(left) != same(right) {
            break;
        }
    }
    match crit.len() {
        0 => None,
        1 => crit.pop(),
        _ => Some(Clause::And(crit)),
    }
}

/// `join_condition()`'s refusal when `right` (or `left`) has more than one foreign key
/// constraint referring to the other table: the `AmbiguousForeignKeysError` message, or None.
pub fn ambiguous_join(left: &Table, right: &Table) -> Option<String> {
    let same = |t: &Table| t.alias_of.clone().unwrap_or_else(|| t.name.clone());
    if same(left) == same(right) {
        return None;
    }
    // `_joincond_scan_left_right`: `right`'s constraints to `left`, else `left`'s to `right`.
    for (from, to) in [(right, left), (left, right)] {
        let to_name = same(to);
        let count = from
            .constraints
            .borrow()
            .iter()
            .filter(|c| match c {
                Constraint::ForeignKey { fk, .. } => fk.first().is_some_and(|f| f.target_table() == to_name),
                _ => false,
            })
            .count();
        if count > 1 {
            return Some(format!(
                "Can't determine join between '{}' and '{}'; tables have more than one foreign key constraint \
                 relationship between them. Please specify the 'onclause' of this join explicitly.",
                left.name, right.name
            ));
        }
        if count == 1 {
            return None;
        }
    }
    None
}

/// The `AmbiguousForeignKeysError` message of the first join of `s` whose ON clause is to be
/// inferred from foreign keys that do not say which (compiling it raises).
pub fn check_joins(s: &Select) -> Option<JoinError> {
    let c = SqlCompiler::default();
    c.froms_of(s);
    c.join_error.take()
}

/// Why a join's ON clause cannot be inferred (`_join_determine_implicit_left_side` and
/// `join_condition()` refusing).
#[derive(Debug, Clone)]
pub enum JoinError {
    /// `AmbiguousForeignKeysError`: the message.
    Ambiguous(String),
    /// `InvalidRequestError` "Don't know how to join to ...": no FROM element has a foreign key
    /// to the joined table and no ON clause or left side was given.
    NoLeftSide(Rc<Table>),
}

/// A table joined in a FROM element: (table, ON clause, outer, the join nested in its right
/// side).
type FromJoin = (Rc<Table>, Clause, bool, Option<(Rc<Table>, Clause)>);

/// One FROM element: a table and the tables joined to it.
struct FromItem {
    base: Rc<Table>,
    joins: Vec<FromJoin>,
}

impl FromItem {
    /// The element's tables: its base, then each joined one (a nested join's inner table
    /// after its outer one).
    fn tables(&self) -> impl Iterator<Item = &Rc<Table>> {
        std::iter::once(&self.base)
            .chain(self.joins.iter().flat_map(|(t, _, _, n)| std::iter::once(t).chain(n.as_ref().map(|(t, _)| t))))
    }

    fn has(&self, t: &Rc<Table>) -> bool {
        self.tables().any(|x| Rc::ptr_eq(x, t))
    }
}

/// A compiled statement: its text and positional parameters, already processed by their types.
#[derive(Debug, Clone, PartialEq)]
pub struct Compiled {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

/// Compiles expressions for SQLite (or, for `str()` of a statement, the default dialect with
/// named parameters).
pub struct SqlCompiler {
    /// The first join whose inferred ON clause is ambiguous ([`check_joins`]).
    join_error: std::cell::RefCell<Option<JoinError>>,
    dialect: SqliteDialect,
    params: Vec<SqlValue>,
    /// `str(stmt)`: `:name` parameters, `true` / `false`.
    named: bool,
    /// Counters of anonymous names (`count_1`, `id_1`) by base name.
    anon: std::cell::RefCell<Vec<(String, usize)>>,
    /// The names given to anonymous aliases (`user_1`), by alias.
    anon_tables: std::cell::RefCell<Vec<(*const Table, String)>>,
    /// Tables of the enclosing SELECT's FROM (subqueries correlate to them).
    enclosing: Vec<Rc<Table>>,
    /// Columns rendered as a subquery's column (`anon_1.user_id`): a SELECT wrapped for
    /// joined eager loading.
    adapt: Vec<(Rc<Column>, String)>,
    /// The SELECT being compiled is a subquery in a FROM list: its columns are labelled with
    /// their names (`user.id AS id`).
    as_from: bool,
    /// Columns render with their table (`include_table`); SQLite's `RETURNING` names them alone.
    include_table: bool,
}

impl Default for SqlCompiler {
    fn default() -> Self {
        SqlCompiler {
            dialect: SqliteDialect,
            params: Vec::new(),
            named: false,
            anon: Default::default(),
            anon_tables: Default::default(),
            enclosing: Vec::new(),
            adapt: Vec::new(),
            as_from: false,
            include_table: true,
            join_error: Default::default(),
        }
    }
}

impl SqlCompiler {
    /// The compiler `str(statement)` uses: the default dialect, named parameters.
    pub fn string() -> SqlCompiler {
        SqlCompiler { named: true, ..SqlCompiler::default() }
    }

    /// `table.column` with quoting.
    pub fn column_ref(&self, c: &Column) -> String {
        if let Some((_, a)) = self.adapt.iter().find(|(x, _)| std::ptr::eq(&**x, c)) {
            return a.clone();
        }
        let table = c.table().filter(|_| self.include_table).map(|t| self.quote(&self.table_name(&t)));
        match table {
            Some(t) => format!("{t}.{}", self.quote(&c.name())),
            None => self.quote(&c.name()),
        }
    }

    /// A quoted identifier: SQLite's reserved words, or for `str()` the default dialect's.
    pub fn quote(&self, ident: &str) -> String {
        if self.named {
            super::reserved::quote(ident, super::reserved::GENERIC_RESERVED, '"')
        } else {
            self.dialect.quote(ident)
        }
    }

    /// A table as a FROM element: its name, or `table AS alias` for an alias.
    pub fn from_name(&self, t: &Table) -> String {
        match &t.alias_of {
            Some(of) => format!("{} AS {}", self.quote(of), self.quote(&self.table_name(t))),
            None => self.quote(&t.name),
        }
    }

    /// The table's name in this statement: an anonymous alias is named the first time it is
    /// rendered (`user_1`, then `user_2`), as SQLAlchemy's `anon_map` names it.
    pub fn table_name(&self, t: &Table) -> String {
        if !t.anonymous {
            return t.name.clone();
        }
        let key = t as *const Table;
        if let Some((_, n)) = self.anon_tables.borrow().iter().find(|(k, _)| *k == key) {
            return n.clone();
        }
        let name = self.anon_name(&t.name);
        self.anon_tables.borrow_mut().push((key, name.clone()));
        name
    }

    fn anon_name(&self, base: &str) -> String {
        let mut anon = self.anon.borrow_mut();
        let n = match anon.iter_mut().find(|(b, _)| b == base) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                anon.push((base.to_string(), 1));
                1
            }
        };
        format!("{base}_{n}")
    }

    fn bind(&mut self, v: &Value, ty: &SqlType, hint: &str) -> String {
        if self.named {
            let name = self.anon_name(hint);
            return format!(":{name}");
        }
        self.params.push(ty.bind(v));
        "?".into()
    }

    /// The base name SQLAlchemy gives a parameter compared with `c`.
    fn hint_of(c: &Clause) -> String {
        match c {
            Clause::Column(col) => col.key(),
            Clause::Function(name, _) => name.clone(),
            Clause::Label(_, n) => n.clone(),
            _ => "param".into(),
        }
    }

    /// Renders `c` as an operand of an operator of precedence `against`, in parentheses when
    /// its own precedence does not bind tighter (`self_group(against=...)`).
    fn operand(&mut self, c: &Clause, against: i32, hint: &str) -> String {
        let text = self.visit_hinted(c, hint);
        match c.precedence() {
            Some(p) if p <= against => format!("({text})"),
            _ => text,
        }
    }

    fn visit(&mut self, c: &Clause) -> String {
        self.visit_hinted(c, "param")
    }

    fn visit_hinted(&mut self, c: &Clause, hint: &str) -> String {
        match c {
            Clause::Column(col) => self.column_ref(col),
            Clause::Bind(v, ty) => self.bind(v, ty, hint),
            Clause::Binary(l, op, r) => {
                let h = Self::hint_of(l);
                let p = op_precedence(op);
                match *op {
                    "contains" | "startswith" | "endswith" | "not contains" | "not startswith" | "not endswith" => {
                        let ls = self.operand(l, 5, "param");
                        let rs = self.operand(r, 5, &h);
                        let pattern = match op.trim_start_matches("not ") {
                            "contains" => format!("'%' || {rs} || '%'"),
                            "startswith" => format!("{rs} || '%'"),
                            _ => format!("'%' || {rs}"),
                        };
                        let like = if op.starts_with("not ") { "NOT LIKE" } else { "LIKE" };
                        // These operators have no precedence entry: always parenthesized.
                        format!("({ls} {like} {pattern})")
                    }
                    "ILIKE" | "NOT ILIKE" => {
                        let ls = self.visit_hinted(l, "param");
                        let rs = self.visit_hinted(r, &h);
                        let like = if op.starts_with("NOT ") { "NOT LIKE" } else { "LIKE" };
                        format!("lower({ls}) {like} lower({rs})")
                    }
                    _ => {
                        // An associative operator nested in itself needs no parentheses
                        // (`is_natural_self_precedent`: `a || b || c`, `a + b + c`).
                        let same = |c: &Clause| {
                            matches!(c, Clause::Binary(_, o, _) if o == op) && matches!(*op, "||" | "+" | "*")
                        };
                        let ls = if same(l) { self.visit_hinted(l, "param") } else { self.operand(l, p, "param") };
                        let rs = if same(r) { self.visit_hinted(r, &h) } else { self.operand(r, p, &h) };
                        format!("{ls} {op} {rs}")
                    }
                }
            }
            Clause::And(items) => self.clause_list(items, " AND ", 3),
            Clause::Or(items) => self.clause_list(items, " OR ", 2),
            Clause::Not(inner) => {
                let i = self.operand(inner, 5, hint);
                format!("NOT {i}")
            }
            Clause::Null => "NULL".into(),
            Clause::Bool(b) => match (self.named, b) {
                (true, true) => "true".into(),
                (true, false) => "false".into(),
                (false, true) => "1".into(),
                (false, false) => "0".into(),
            },
            Clause::Text(t) => t.clone(),
            Clause::Star => "*".into(),
            Clause::Desc(inner) => format!("{} DESC", self.operand(inner, 3, hint)),
            Clause::Asc(inner) => format!("{} ASC", self.operand(inner, 3, hint)),
            Clause::Distinct(inner) => format!("DISTINCT {}", self.visit_hinted(inner, hint)),
            Clause::Function(name, args) => {
                let lower = name.to_ascii_lowercase();
                // `functions.now`: SQLite's compiler (`visit_now_func`) spells it CURRENT_TIMESTAMP;
                // the ANSI functions render as keywords, without parentheses, everywhere.
                if args.is_empty() {
                    match lower.as_str() {
                        "now" if !self.named => return "CURRENT_TIMESTAMP".into(),
                        "current_timestamp" | "current_date" | "current_time" | "localtime" | "localtimestamp"
                        | "current_user" | "session_user" | "user" => return lower.to_ascii_uppercase(),
                        _ => {}
                    }
                }
                let a: Vec<String> = args.iter().map(|x| self.visit(x)).collect();
                format!("{name}({})", a.join(", "))
            }
            Clause::Label(inner, name) => format!("{} AS {}", self.visit_hinted(inner, hint), self.quote(name)),
            Clause::Exists(table, where_) => {
                // The subquery's FROM: its own table, then the tables its criteria name that the
                // enclosing query does not provide (those correlate).
                let mut froms = vec![table.clone()];
                for w in where_ {
                    for t in w.tables() {
                        if !froms.iter().any(|f| Rc::ptr_eq(f, &t)) && !self.enclosing.iter().any(|f| Rc::ptr_eq(f, &t))
                        {
                            froms.push(t);
                        }
                    }
                }
                let froms: Vec<String> = froms.iter().map(|t| self.from_name(t)).collect();
                let w = self.clause_list(where_, " AND ", 3);
                format!("EXISTS (SELECT 1 \nFROM {} \nWHERE {})", froms.join(", "), w)
            }
            Clause::In(expr, items, negate) => {
                let h = Self::hint_of(expr);
                let e = self.operand(expr, 5, "param");
                let list = if self.named {
                    let name = self.anon_name(&h);
                    format!("(__[POSTCOMPILE_{name}])")
                } else if items.is_empty() {
                    // An empty IN: SQLAlchemy's "empty set" expression for SQLite.
                    "(SELECT 1 FROM (SELECT 1) WHERE 1!=1)".into()
                } else {
                    let v: Vec<String> = items.iter().map(|i| self.visit_hinted(i, &h)).collect();
                    format!("({})", v.join(", "))
                };
                if *negate {
                    format!("({e} NOT IN {list})")
                } else {
                    format!("{e} IN {list}")
                }
            }
            Clause::Between(e, lo, hi, negate) => {
                let h = Self::hint_of(e);
                let es = self.operand(e, 5, "param");
                let l = self.operand(lo, 5, &h);
                let hs = self.operand(hi, 5, &h);
                let not = if *negate { "NOT " } else { "" };
                format!("{es} {not}BETWEEN {l} AND {hs}")
            }
            Clause::TupleIn(cols, rows) => {
                let c: Vec<String> = cols.iter().map(|x| self.visit(x)).collect();
                let mut v = Vec::with_capacity(rows.len());
                for row in rows {
                    let items: Vec<String> =
                        row.iter().zip(cols).map(|(x, col)| self.visit_hinted(x, &Self::hint_of(col))).collect();
                    v.push(format!("({})", items.join(", ")));
                }
                format!("({}) IN (VALUES {})", c.join(", "), v.join(", "))
            }
        }
    }

    fn clause_list(&mut self, items: &[Clause], sep: &str, prec: i32) -> String {
        let parts: Vec<String> = items
            .iter()
            .map(|i| match (i, prec) {
                // Nested lists of the same operator flatten.
                (Clause::And(inner), 3) => self.clause_list(inner, sep, prec),
                (Clause::Or(inner), 2) => self.clause_list(inner, sep, prec),
                _ => self.operand(i, prec, "param"),
            })
            .collect();
        parts.join(sep)
    }

    /// A top-level criterion (WHERE / HAVING item): several are joined with AND.
    fn criteria(&mut self, items: &[Clause]) -> String {
        if items.len() == 1 {
            // `visit_istrue_unary_operator`: a boolean constant alone in a WHERE on a dialect
            // without native booleans (SQLite) is `1 = 1` / `0 = 1`.
            if let (Clause::Bool(b), false) = (&items[0], self.named) {
                return format!("{} = 1", *b as i32);
            }
            return self.visit(&items[0]);
        }
        self.clause_list(items, " AND ", 3)
    }

    /// The FROM list: explicit tables, the columns' tables, the joins folded in, then the
    /// tables only the WHERE clause names.
    fn froms_of(&self, s: &Select) -> Vec<FromItem> {
        let mut items: Vec<FromItem> = Vec::new();
        let add = |items: &mut Vec<FromItem>, t: Rc<Table>| {
            if !items.iter().any(|i| i.has(&t)) {
                items.push(FromItem { base: t, joins: Vec::new() });
            }
        };
        for t in &s.froms {
            add(&mut items, t.clone());
        }
        for c in &s.columns {
            for t in c.tables() {
                add(&mut items, t);
            }
        }
        for j in &s.joins {
            let on = j.on.clone();
            // The element joined from: the given table, else the first one the ON clause or a
            // foreign key links to the right side.
            let pos = match &j.left {
                Some(l) => items.iter().position(|i| i.has(l)),
                None => items.iter().position(|i| {
                    !i.has(&j.right)
                        && match &on {
                            Some(on) => on.tables().iter().any(|t| i.has(t)),
                            None => i.tables().any(|t| join_condition(t, &j.right).is_some()),
                        }
                }),
            };
            let pos = match pos {
                Some(p) => p,
                None => {
                    let base = j.left.clone().unwrap_or_else(|| j.right.clone());
                    items.push(FromItem { base, joins: Vec::new() });
                    items.len() - 1
                }
            };
            if on.is_none() {
                let left = items[pos].tables().find(|t| join_condition(t, &j.right).is_some()).cloned();
                match &left {
                    Some(l) => {
                        if let Some(msg) = ambiguous_join(l, &j.right) {
                            self.join_error.borrow_mut().get_or_insert(JoinError::Ambiguous(msg));
                        }
                    }
                    None if j.left.is_none() => {
                        self.join_error.borrow_mut().get_or_insert(JoinError::NoLeftSide(j.right.clone()));
                    }
                    None => {}
                }
            }
            let on = on.or_else(|| items[pos].tables().find_map(|t| join_condition(t, &j.right)));
            let on = on.unwrap_or(Clause::Bool(true));
            items[pos].joins.push((j.right.clone(), on, j.outer, j.nested.clone()));
            // A separate FROM entry for a joined table is now part of the join.
            let joined: Vec<Rc<Table>> =
                std::iter::once(j.right.clone()).chain(j.nested.as_ref().map(|(t, _)| t.clone())).collect();
            let mut k = 0;
            items.retain(|i| {
                let keep = k == pos || !(joined.iter().any(|t| Rc::ptr_eq(&i.base, t)) && i.joins.is_empty());
                k += 1;
                keep
            });
        }
        for w in &s.where_ {
            for t in w.tables() {
                add(&mut items, t);
            }
        }
        items
    }

    /// The FROM elements of a SELECT: each element's tables (a table and those joined to it).
    pub fn from_tables(&self, s: &Select) -> Vec<Vec<Rc<Table>>> {
        self.froms_of(s).into_iter().map(|i| i.tables().cloned().collect()).collect()
    }

    /// Compiles a SELECT.
    pub fn select(mut self, s: &Select) -> Compiled {
        let sql = self.select_text(s);
        Compiled { sql, params: self.params }
    }

    /// Compiles a SELECT that becomes part of a larger statement, and names the next
    /// anonymous alias of `base` after those it used (the subquery loader's association
    /// table alias follows the subquery's own: `tags_2` after `tags_1`).
    pub fn select_then_anon(mut self, s: &Select, base: &str) -> (Compiled, String) {
        let sql = self.select_text(s);
        let name = self.anon_name(base);
        (Compiled { sql, params: self.params }, name)
    }

    /// `str(select)`: the text with named parameters.
    pub fn select_string(mut self, s: &Select) -> String {
        self.select_text(s)
    }

    fn column_text(&mut self, c: &Clause, style: LabelStyle, seen: &mut Vec<String>) -> String {
        match (c, style) {
            (Clause::Column(col), LabelStyle::TablenamePlusCol) => {
                let label = format!("{}_{}", col.table().map(|t| self.table_name(&t)).unwrap_or_default(), col.name());
                seen.push(label.clone());
                format!("{} AS {}", self.column_ref(col), self.quote(&label))
            }
            (Clause::Column(col), LabelStyle::NoLabels) => self.column_ref(col),
            (Clause::Column(col), LabelStyle::None) => {
                let name = col.name();
                if seen.contains(&name) {
                    let label = self.anon_name(&name);
                    seen.push(label.clone());
                    format!("{} AS {}", self.column_ref(col), self.quote(&label))
                } else {
                    seen.push(name);
                    self.column_ref(col)
                }
            }
            (Clause::Label(_, name), _) => {
                seen.push(name.clone());
                self.visit(c)
            }
            (Clause::Function(name, _), _) => {
                let text = self.visit(c);
                let label = self.anon_name(name);
                seen.push(label.clone());
                format!("{text} AS {label}")
            }
            _ => {
                let text = self.visit(c);
                let label = self.anon_name("anon");
                format!("{text} AS {label}")
            }
        }
    }

    /// The columns of the joined eager loads (`post_1.id AS post_1_id`).
    fn eager_columns(&mut self, s: &Select, seen: &mut Vec<String>, cols: &mut Vec<String>) {
        for k in eager_column_order(&s.eager_joins) {
            let j = &s.eager_joins[k];
            for c in j.target.columns.borrow().iter() {
                let name = c.name();
                let col = format!("{}.{}", self.quote(&j.alias), self.quote(&name));
                cols.push(match s.label_style {
                    LabelStyle::TablenamePlusCol => {
                        format!("{col} AS {}", self.quote(&format!("{}_{}", j.alias, name)))
                    }
                    LabelStyle::None if seen.contains(&name) => {
                        let label = self.anon_name(&name);
                        seen.push(label.clone());
                        format!("{col} AS {}", self.quote(&label))
                    }
                    LabelStyle::None => {
                        seen.push(name);
                        col
                    }
                    LabelStyle::NoLabels => col,
                });
            }
        }
    }

    /// ` LEFT OUTER JOIN post AS post_1 ON user.id = post_1.user_id`; a many-to-many joins
    /// the aliased association table and target in parentheses.
    fn eager_join_text(&self, joins: &[EagerJoin], j: &EagerJoin) -> String {
        let parent = j.parent.and_then(|p| joins.get(p));
        let side = |c: &(Rc<Column>, bool)| {
            let of_parent = parent
                .filter(|p| c.0.table().map(|t| Rc::ptr_eq(&t, &p.target)).unwrap_or(false))
                .map(|p| p.alias.clone());
            match (c.1, of_parent) {
                (true, _) => format!("{}.{}", self.quote(&j.alias), self.quote(&c.0.name())),
                (false, Some(alias)) => format!("{}.{}", self.quote(&alias), self.quote(&c.0.name())),
                (false, None) => self.column_ref(&c.0),
            }
        };
        let kw = if j.inner { "JOIN" } else { "LEFT OUTER JOIN" };
        let on: Vec<String> = j.on.iter().map(|(l, r)| format!("{} = {}", side(l), side(r))).collect();
        let target = format!("{} AS {}", self.quote(&j.target.name), self.quote(&j.alias));
        match &j.secondary {
            None => format!(" {kw} {target} ON {}", on.join(" AND ")),
            Some(sec) => {
                let inner: Vec<String> = sec.on.iter().map(|(l, r)| format!("{} = {}", side(l), side(r))).collect();
                format!(
                    " {kw} ({} JOIN {target} ON {}) ON {}",
                    self.from_name(&sec.alias),
                    inner.join(" AND "),
                    on.join(" AND ")
                )
            }
        }
    }

    /// The ORDER BY items: the query's, then each joined eager collection's `order_by=`
    /// against its alias.
    fn order_by_text(&mut self, s: &Select) -> Vec<String> {
        let mut o: Vec<String> = s.order_by.iter().map(|c| self.visit(c)).collect();
        for j in &s.eager_joins {
            if j.order_by.is_empty() {
                continue;
            }
            let mut adapt: Vec<(Rc<Column>, String)> = j
                .target
                .columns
                .borrow()
                .iter()
                .map(|c| (c.clone(), format!("{}.{}", self.quote(&j.alias), self.quote(&c.name()))))
                .collect();
            adapt.extend(self.adapt.iter().cloned());
            let outer = std::mem::replace(&mut self.adapt, adapt);
            for c in &j.order_by {
                let t = self.visit(c);
                o.push(t);
            }
            self.adapt = outer;
        }
        o
    }

    /// A SELECT with a joined eager collection and LIMIT / OFFSET / DISTINCT / GROUP BY: the
    /// query without the eager joins becomes the subquery `anon_1` (its columns labelled),
    /// the joins go outside it and the ORDER BY is repeated against it
    /// (`ORMSelectCompileState._compound_eager_statement`).
    fn wrapped_select(&mut self, s: &Select) -> String {
        let mut inner = s.clone();
        inner.eager_joins.clear();
        let mut labels: Vec<String> = Vec::new();
        let mut adapt = Vec::new();
        let mut columns = Vec::with_capacity(s.columns.len());
        for c in &s.columns {
            let Clause::Column(col) = c else {
                columns.push(c.clone());
                continue;
            };
            let base = match s.label_style {
                LabelStyle::TablenamePlusCol => {
                    format!("{}_{}", col.table().map(|t| t.name.clone()).unwrap_or_default(), col.name())
                }
                _ => col.name(),
            };
            let mut label = base.clone();
            let mut n = 0;
            while labels.contains(&label) {
                n += 1;
                label = format!("{base}_{n}");
            }
            labels.push(label.clone());
            adapt.push((col.clone(), format!("anon_1.{}", self.quote(&label))));
            columns.push(Clause::Label(Box::new(c.clone()), label));
        }
        inner.columns = columns;
        inner.label_style = LabelStyle::TablenamePlusCol;
        let inner_sql = self.select_text(&inner);
        let outer_adapt = std::mem::replace(&mut self.adapt, adapt);
        let mut seen = Vec::new();
        let mut cols = Vec::new();
        for l in &labels {
            if s.label_style == LabelStyle::TablenamePlusCol {
                let label = format!("anon_1_{l}");
                cols.push(format!("anon_1.{} AS {}", self.quote(l), self.quote(&label)));
                seen.push(label);
            } else {
                cols.push(format!("anon_1.{}", self.quote(l)));
                seen.push(l.clone());
            }
        }
        self.eager_columns(s, &mut seen, &mut cols);
        let mut sql = format!("SELECT {} \nFROM ({inner_sql}) AS anon_1", cols.join(", "));
        for j in &s.eager_joins {
            let t = self.eager_join_text(&s.eager_joins, j);
            sql.push_str(&t);
        }
        let o = self.order_by_text(s);
        if !o.is_empty() {
            sql.push_str(" ORDER BY ");
            sql.push_str(&o.join(", "));
        }
        self.adapt = outer_adapt;
        sql
    }

    fn select_text(&mut self, s: &Select) -> String {
        if s.eager_joins.iter().any(|j| j.collection)
            && (s.limit.is_some() || s.offset.is_some() || s.distinct || !s.group_by.is_empty())
        {
            return self.wrapped_select(s);
        }
        let as_from = std::mem::take(&mut self.as_from);
        let mut seen = Vec::new();
        let mut cols: Vec<String> = Vec::new();
        for c in &s.columns {
            let t = match c {
                Clause::Column(col) if as_from && s.label_style == LabelStyle::None && !seen.contains(&col.name()) => {
                    seen.push(col.name());
                    format!("{} AS {}", self.column_ref(col), self.quote(&col.name()))
                }
                _ => self.column_text(c, s.label_style, &mut seen),
            };
            cols.push(t);
        }
        self.eager_columns(s, &mut seen, &mut cols);
        let mut froms: Vec<String> = Vec::new();
        for sq in &s.subqueries {
            // A FROM subquery does not correlate to the enclosing SELECT.
            let outer = std::mem::take(&mut self.enclosing);
            self.as_from = true;
            let inner = self.select_text(sq);
            self.enclosing = outer;
            let name = self.anon_name("anon");
            froms.push(format!("({inner}) AS {name}"));
        }
        let items = self.froms_of(s);
        let outer = std::mem::take(&mut self.enclosing);
        self.enclosing = items.iter().flat_map(|i| i.tables().cloned().collect::<Vec<_>>()).collect();
        for (n, it) in items.iter().enumerate() {
            let mut text = self.from_name(&it.base);
            for (t, on, outer_join, nested) in &it.joins {
                // In the order SQLAlchemy renders them (an anonymous alias is named where it
                // first appears): the joined table, a nested join, then the ON clause.
                let mut right = self.from_name(t);
                if let Some((inner, inner_on)) = nested {
                    let name = self.from_name(inner);
                    let inner_on = self.visit(inner_on);
                    right = format!("({right} JOIN {name} ON {inner_on})");
                }
                let on = self.visit(on);
                let kw = if *outer_join { "LEFT OUTER JOIN" } else { "JOIN" };
                text.push_str(&format!(" {kw} {right} ON {on}"));
            }
            if n == 0 {
                for j in &s.eager_joins {
                    text.push_str(&self.eager_join_text(&s.eager_joins, j));
                }
            }
            froms.push(text);
        }
        let mut sql = format!("SELECT {}{}", if s.distinct { "DISTINCT " } else { "" }, cols.join(", "));
        if !froms.is_empty() {
            sql.push_str(" \nFROM ");
            sql.push_str(&froms.join(", "));
        }
        let with_extra;
        let where_ = if s.extra_criteria.is_empty() {
            &s.where_
        } else {
            with_extra = s.where_.iter().chain(&s.extra_criteria).cloned().collect::<Vec<_>>();
            &with_extra
        };
        if !where_.is_empty() {
            let w = self.criteria(where_);
            sql.push_str(" \nWHERE ");
            sql.push_str(&w);
        }
        if !s.group_by.is_empty() {
            let g: Vec<String> = s.group_by.iter().map(|c| self.visit(c)).collect();
            sql.push_str(" GROUP BY ");
            sql.push_str(&g.join(", "));
        }
        if !s.having.is_empty() {
            let h = self.criteria(&s.having);
            sql.push_str(" \nHAVING ");
            sql.push_str(&h);
        }
        let o = self.order_by_text(s);
        if !o.is_empty() {
            sql.push_str(" ORDER BY ");
            sql.push_str(&o.join(", "));
        }
        match (&s.limit, &s.offset) {
            (None, None) => {}
            (Some(l), None) => {
                // SQLite's `limit_clause` adds `OFFSET` with `literal(0)`; the default dialect
                // does not.
                let l = self.visit(l);
                if self.named {
                    sql.push_str(&format!("\n LIMIT {l}"));
                } else {
                    self.params.push(SqlValue::Integer(0));
                    sql.push_str(&format!("\n LIMIT {l} OFFSET ?"));
                }
            }
            (l, Some(o)) => {
                // SQLite needs a LIMIT before OFFSET: `literal(-1)`, a parameter; the default
                // dialect writes -1.
                let l = match l {
                    Some(l) => self.visit(l),
                    None if self.named => "-1".into(),
                    None => {
                        self.params.push(SqlValue::Integer(-1));
                        "?".into()
                    }
                };
                let o = self.visit(o);
                sql.push_str(&format!("\n LIMIT {l} OFFSET {o}"));
            }
        }
        self.enclosing = outer;
        sql
    }

    /// A WHERE clause's text and the parameters it adds (for UPDATE / DELETE).
    pub fn criteria_with_params(&mut self, items: &[Clause]) -> (String, Vec<SqlValue>) {
        if items.is_empty() {
            return (String::new(), std::mem::take(&mut self.params));
        }
        let text = self.criteria(items);
        (text, std::mem::take(&mut self.params))
    }

    /// A `RETURNING` clause's columns (`returning_clause`: labelled as a SELECT's, anonymous
    /// expressions `anon_1`) and the parameters they add. SQLite names the columns without
    /// their table; the default dialect (`str()`) with it.
    pub fn returning_with_params(&mut self, items: &[Clause]) -> (String, Vec<SqlValue>) {
        let include_table = std::mem::replace(&mut self.include_table, self.named);
        let mut seen = Vec::new();
        let cols: Vec<String> = items.iter().map(|c| self.column_text(c, LabelStyle::None, &mut seen)).collect();
        self.include_table = include_table;
        (cols.join(", "), std::mem::take(&mut self.params))
    }

    /// A SET clause's value as `crud.py` renders `value.self_group()`: an operator
    /// expression in parentheses, a column, function or parameter as it is.
    pub fn set_value(&mut self, c: &Clause) -> String {
        let text = self.visit(c);
        match c {
            Clause::Binary(..) | Clause::And(_) | Clause::Or(_) | Clause::In(..) | Clause::Between(..) => {
                format!("({text})")
            }
            _ => text,
        }
    }

    /// Adds a positional parameter (a value the caller rendered as `?`).
    pub fn push_param(&mut self, v: SqlValue) {
        self.params.push(v);
    }

    /// Compiles an expression alone (`str(User.id == 5)`).
    pub fn expression_string(mut self, c: &Clause) -> String {
        self.visit(c)
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

    /// `UPDATE table SET a=<expr>, ... WHERE table.pk = ?`: values as expressions, for
    /// `onupdate=` SQL functions beside bound values.
    pub fn update_clauses(
        mut self,
        table: &Table,
        sets: &[(Rc<Column>, Clause)],
        pk: &[(Rc<Column>, Value)],
    ) -> Compiled {
        let mut set = Vec::with_capacity(sets.len());
        for (c, e) in sets {
            let v = self.visit(e);
            set.push(format!("{}={v}", self.quote(&c.name())));
        }
        let wh: Vec<String> = pk.iter().map(|(c, _)| format!("{} = ?", self.column_ref(c))).collect();
        let mut params = std::mem::take(&mut self.params);
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
