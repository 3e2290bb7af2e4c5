//! The 2.0 query API's Python face (`sql/selectable.py`, `sql/dml.py`, `sql/functions.py`,
//! `engine/result.py`, `engine/row.py`): `select()` and its generative methods, `func`,
//! `and_` / `or_` / `not_`, `update()` / `delete()` / `insert()`, and the `Result`, `Row`,
//! `ScalarResult` and `MappingResult` objects that `Session.execute` returns.

use std::cell::RefCell;
use std::rc::Rc;

use super::aliased::AliasedData;
use super::module::{
    as_bound_clause, as_clause, expression_value, query_with, run_query, ExprData, QueryData, TextData,
};
use super::orm::{self, AttrData, AttrKind, Mapper, SessionData};
use super::schema::{Column, Table};
use super::sql::{Clause, Join, LabelStyle, Select, SqlCompiler};
use super::types::SqlType;
use crate::db::SqlValue;
use crate::python::builtins::{func, method, native_class, new_native};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Class, Dict, Module, Value};

/// What a SELECT returns per row: a mapped class's objects, or one column expression.
#[derive(Clone)]
pub enum Entity {
    Mapper(Rc<Mapper>),
    /// An aliased class (`aliased(User)`): the mapper's objects, read from the alias's columns.
    Aliased(Rc<Mapper>, Rc<Table>),
    Column(Clause),
}

/// Payload of `Select` objects.
#[derive(Clone)]
pub struct SelectData {
    pub stmt: Select,
    pub entities: Vec<Entity>,
    /// The entity `filter_by()` applies to: the last one joined, else the first.
    pub filter_entity: Option<Rc<Mapper>>,
    /// The alias's table when that entity is an aliased class (`select(aliased(User))`).
    pub filter_alias: Option<Rc<Table>>,
    /// Loader options (`.options(joinedload(User.posts))`).
    pub options: Vec<super::strategies::LoaderOption>,
    /// `WriteOnlyCollection.select()`: the parent and relationship whose criterion leads the
    /// WHERE clause; its parameters are the parent's key as it is when the statement runs
    /// (SQLAlchemy's lazy bind parameters).
    pub lazy_parent: Option<(Value, Rc<super::orm::Relationship>)>,
}

/// Payload of `Update` / `Delete` / `Insert` objects.
#[derive(Clone)]
pub struct DmlData {
    pub kind: DmlKind,
    pub table: Rc<Table>,
    pub mapper: Option<Rc<Mapper>>,
    pub where_: Vec<Clause>,
    pub values: Vec<(Rc<Column>, Value)>,
    /// `.execution_options(synchronize_session=...)`.
    pub execution_options: Vec<(String, Value)>,
    /// `.returning(User)` / `.returning(User.id, ...)`: the entities and columns given.
    pub returning: Vec<Value>,
    /// `insert().values([{...}, {...}])`: one VALUES group per row.
    pub multi_values: Vec<Vec<(Rc<Column>, Value)>>,
    /// `synchronize_session='fetch'`: the `RETURNING` clause starts with the primary key.
    pub fetch_pk: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DmlKind {
    Update,
    Delete,
    Insert,
}

/// Payload of `Result` objects (and their scalar / mapping views).
pub struct ResultData {
    pub rows: RefCell<std::collections::VecDeque<Value>>,
    pub keys: Vec<String>,
    pub rowcount: i64,
    /// Rows of a joined eager load of a collection: fetching them needs `unique()` first.
    pub unique_required: std::cell::Cell<bool>,
}

/// Payload of `RMKeyView`, what `Result.keys()` gives: the result's column keys.
struct KeyView(Vec<String>);

/// `RMKeyView`: a view of a result's keys (iterable, sized, `in`, equal to a list of them).
fn key_view_class(interp: &mut Interp) -> Rc<Class> {
    let keys = |i: &Interp, a: &Args| -> PyResult<Value> {
        let k = payload::<KeyView>(i, a, "RMKeyView")?;
        Ok(Value::list(k.0.iter().map(|k| Value::str(k)).collect()))
    };
    native_class(
        interp,
        "RMKeyView",
        "sqlalchemy.engine.result",
        None,
        vec![
            (
                "__repr__",
                method("RMKeyView", "__repr__", move |i, a| {
                    let l = keys(i, &a)?;
                    Ok(Value::str(&format!("RMKeyView({})", i.repr(&l)?)))
                }),
            ),
            (
                "__iter__",
                method("RMKeyView", "__iter__", move |i, a| {
                    let l = keys(i, &a)?;
                    i.call(&i.builtins.get("iter").unwrap_or(Value::None), Args::new(vec![l]))
                }),
            ),
            (
                "__len__",
                method("RMKeyView", "__len__", |i, a| {
                    let k = payload::<KeyView>(i, &a, "RMKeyView")?;
                    Ok(Value::Int(k.0.len() as i64))
                }),
            ),
            (
                "__contains__",
                method("RMKeyView", "__contains__", |i, a| {
                    let k = payload::<KeyView>(i, &a, "RMKeyView")?;
                    let x = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string));
                    Ok(Value::Bool(x.is_some_and(|x| k.0.contains(&x))))
                }),
            ),
            (
                "__eq__",
                method("RMKeyView", "__eq__", move |i, a| {
                    let l = keys(i, &a)?;
                    let other = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let other = match &other {
                        Value::Instance(_) if other.payload::<KeyView>().is_some() => keys(i, &Args::new(vec![other]))?,
                        _ => other,
                    };
                    Ok(Value::Bool(i.eq(&l, &other)?))
                }),
            ),
        ],
    )
}

/// Payload of `Row` objects.
pub struct RowData {
    pub values: Vec<Value>,
    pub keys: Rc<Vec<String>>,
}

struct Classes {
    select: Rc<Class>,
    dml: [Rc<Class>; 3],
    result: Rc<Class>,
    cursor_result: Rc<Class>,
    chunked_result: Rc<Class>,
    iterator_result: Rc<Class>,
    scalar_result: Rc<Class>,
    mapping_result: Rc<Class>,
    row: Rc<Class>,
    key_view: Rc<Class>,
}

fn classes(interp: &Interp) -> Rc<Classes> {
    interp
        .ext
        .get("sqlalchemy.statement")
        .and_then(|e| e.clone().downcast::<Classes>().ok())
        .expect("sqlalchemy registered before use")
}

fn payload<T: 'static>(interp: &Interp, a: &Args, what: &str) -> PyResult<Rc<T>> {
    a.pos
        .first()
        .and_then(|v| v.payload::<T>())
        .ok_or_else(|| interp.type_error(format!("descriptor requires a '{what}' object")))
}

// ----- select() ----------------------------------------------------------------------------

/// The mapper of a mapped class value.
fn mapper_of(v: &Value) -> Option<Rc<Mapper>> {
    v.as_class().and_then(|c| orm::class_mapper(c))
}

fn configure_for(interp: &mut Interp, m: &Mapper) -> PyResult<()> {
    if let Some(reg) = m.registry.upgrade() {
        orm::configure(interp, &reg)?;
    }
    Ok(())
}

fn entity_of(interp: &mut Interp, v: &Value) -> PyResult<Vec<Entity>> {
    if let Some(m) = mapper_of(v) {
        configure_for(interp, &m)?;
        return Ok(vec![Entity::Mapper(m)]);
    }
    if let Some(d) = v.payload::<AliasedData>() {
        return Ok(vec![Entity::Aliased(d.mapper.clone(), d.table.clone())]);
    }
    if let Some(t) = v.payload::<Rc<Table>>() {
        return Ok(t.columns.borrow().iter().map(|c| Entity::Column(Clause::Column(c.clone()))).collect());
    }
    if let Some(a) = v.payload::<AttrData>() {
        if let AttrKind::Column(c) = &a.kind {
            if let Some(m) = a.mapper.upgrade() {
                configure_for(interp, &m)?;
            }
            return Ok(vec![Entity::Column(Clause::Column(c.clone()))]);
        }
    }
    if let Some(e) = v.payload::<ExprData>() {
        // A hybrid's expression is selected under the hybrid's name (`AS full_name`).
        if let Some(k) = v.as_instance().and_then(|i| i.ext::<ProxyKey>()) {
            if !matches!(e.0, Clause::Column(_) | Clause::Label(..)) {
                return Ok(vec![Entity::Column(Clause::Label(Box::new(e.0.clone()), k.0.clone()))]);
            }
        }
        return Ok(vec![Entity::Column(e.0.clone())]);
    }
    let r = interp.repr(v)?;
    Err(orm::sa_error(
        interp,
        "ArgumentError",
        format!("Column expression, FROM clause, or other columns clause element expected, got {r}."),
    ))
}

/// The columns a SELECT of these entities lists.
pub fn columns_of(entities: &[Entity]) -> Vec<Clause> {
    let mut out = Vec::new();
    for e in entities {
        match e {
            Entity::Mapper(m) => out.extend(m.columns.iter().map(|(_, c)| Clause::Column(c.clone()))),
            Entity::Aliased(m, t) => {
                out.extend(AliasedData { mapper: m.clone(), table: t.clone() }.columns());
            }
            Entity::Column(c) => out.push(c.clone()),
        }
    }
    out
}

/// `select(*entities)`.
pub fn select_fn(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let mut entities = Vec::new();
    let items = if a.pos.len() == 1 && matches!(a.pos[0], Value::List(_)) { interp.iterate(&a.pos[0])? } else { a.pos };
    for v in &items {
        entities.extend(entity_of(interp, v)?);
    }
    Ok(new_select(interp, &entities, LabelStyle::None))
}

fn new_select(interp: &Interp, entities: &[Entity], style: LabelStyle) -> Value {
    new_native(&classes(interp).select, select_data(entities, style))
}

/// `WriteOnlyCollection.select()`: the related class's rows that belong to `parent`.
pub fn parent_select(interp: &Interp, target: &Rc<Mapper>, parent: &Value, r: &Rc<super::orm::Relationship>) -> Value {
    let mut sd = select_data(&[Entity::Mapper(target.clone())], LabelStyle::None);
    sd.stmt.where_ = match r.m2m.borrow().as_ref() {
        // Through the association table: `? = members.group_id AND user.id = members.user_id`.
        Some(m2m) => {
            let mut crit: Vec<Clause> = m2m
                .parent_pairs
                .iter()
                .map(|(pc, ac)| parent_criterion(m2m.parent_assoc_first, Value::None, pc, ac))
                .collect();
            for (tc, ac) in &m2m.target_pairs {
                let (t, a) = (Clause::Column(tc.clone()), Clause::Column(ac.clone()));
                crit.push(if m2m.target_assoc_first { Clause::binary(a, "=", t) } else { Clause::binary(t, "=", a) });
            }
            crit
        }
        None => r
            .pairs
            .borrow()
            .iter()
            .map(|(pk, fk)| Clause::binary(Clause::Bind(Value::None, pk.ty.clone()), "=", Clause::Column(fk.clone())))
            .collect(),
    };
    sd.lazy_parent = Some((parent.clone(), r.clone()));
    new_native(&classes(interp).select, sd)
}

/// `sd` with its parent criterion's parameters read from the parent now (loading it if
/// expired).
fn with_parent_key(interp: &mut Interp, sd: &SelectData) -> PyResult<Option<SelectData>> {
    let Some((parent, r)) = &sd.lazy_parent else { return Ok(None) };
    let parent_mapper = orm::object_mapper(parent).ok_or_else(|| interp.type_error("parent is not mapped"))?;
    let mut out = sd.clone();
    let m2m = r.m2m.borrow().clone();
    let (pairs, assoc_first) = match &m2m {
        Some(m2m) => (m2m.parent_pairs.clone(), m2m.parent_assoc_first),
        None => (r.pairs.borrow().clone(), false),
    };
    for (n, (pk, fk)) in pairs.iter().enumerate() {
        let k = parent_mapper.column_key(pk).unwrap_or_else(|| pk.name());
        let v = interp.getattr(parent, &k)?;
        if let Some(w) = out.stmt.where_.get_mut(n) {
            *w = parent_criterion(assoc_first, v, pk, fk);
        }
    }
    out.lazy_parent = None;
    Ok(Some(out))
}

/// `? = child.parent_id` (or `assoc.col = ?` as an explicit `primaryjoin` wrote it): the
/// parent's key as a parameter against the column that refers to it.
fn parent_criterion(assoc_first: bool, v: Value, pk: &Column, fk: &Rc<Column>) -> Clause {
    let (b, c) = (Clause::Bind(v, pk.ty.clone()), Clause::Column(fk.clone()));
    if assoc_first {
        Clause::binary(c, "=", b)
    } else {
        Clause::binary(b, "=", c)
    }
}

fn select_data(entities: &[Entity], style: LabelStyle) -> SelectData {
    let mut stmt = Select::new(style);
    stmt.columns = columns_of(entities);
    let first = entities.iter().find_map(|e| match e {
        Entity::Mapper(m) => Some((m.clone(), None)),
        Entity::Aliased(m, t) => Some((m.clone(), Some(t.clone()))),
        Entity::Column(_) => None,
    });
    if let Some((m, None)) = &first {
        let joins = orm::inheritance_joins(m);
        if !joins.is_empty() {
            stmt.froms = vec![orm::mapper_tables(m)[0].clone()];
            stmt.joins = joins;
        }
    }
    let (filter_entity, filter_alias) = match first {
        Some((m, alias)) => (Some(m), alias),
        None => (None, None),
    };
    SelectData {
        stmt,
        entities: entities.to_vec(),
        filter_entity,
        filter_alias,
        options: Vec::new(),
        lazy_parent: None,
    }
}

/// The attribute name an expression stands for (a `hybrid_property`'s expression, which
/// SQLAlchemy annotates with its `proxy_key`): a SELECT labels it with that name.
pub struct ProxyKey(pub String);

/// `_proxy_key(expr, name)` (used by `sqlalchemy.ext.hybrid`): the expression, carrying `name`
/// as its proxy key; anything else unchanged.
pub fn proxy_key(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let v = a.pos.first().cloned().unwrap_or(Value::None);
    // A hybrid whose expression is a mapped attribute (`return self._password`): a proxy of
    // that attribute named after the hybrid (`str(User.password)` is `User.password`).
    if let (Some(ad), Some(Value::Str(name))) = (v.payload::<AttrData>(), a.pos.get(1)) {
        let copy = AttrData {
            mapper: ad.mapper.clone(),
            key: ad.key.clone(),
            kind: ad.kind.clone(),
            entity: ad.entity.clone(),
            of_type: ad.of_type.clone(),
        };
        let out = new_native(&orm::orm_classes(interp).instrumented_attribute, copy);
        if let Value::Instance(i) = &out {
            *i.ext.borrow_mut() = Some(Rc::new(ProxyKey(name.to_string())));
        }
        return Ok(out);
    }
    let (Some(e), Some(Value::Str(name))) = (v.payload::<ExprData>(), a.pos.get(1)) else { return Ok(v) };
    let out = expression_value(interp, e.0.clone());
    if let Value::Instance(i) = &out {
        *i.ext.borrow_mut() = Some(Rc::new(ProxyKey(name.to_string())));
    }
    Ok(out)
}

/// Payload of `Subquery` objects (`select(...).subquery()`): the SELECT, as a FROM element.
pub struct SubqueryData(pub Select);

fn subquery_class(interp: &mut Interp) -> Rc<Class> {
    if let Some(c) = interp.ext.get("sqlalchemy.subquery_class").and_then(|e| e.clone().downcast::<Rc<Class>>().ok()) {
        return (*c).clone();
    }
    let c = crate::python::builtins::native_class(interp, "Subquery", "sqlalchemy.sql.selectable", None, vec![]);
    interp.ext.insert("sqlalchemy.subquery_class", Rc::new(c.clone()));
    c
}

fn with_select(interp: &Interp, s: &SelectData, f: impl FnOnce(&mut SelectData)) -> Value {
    let mut n = s.clone();
    f(&mut n);
    new_native(&classes(interp).select, n)
}

/// A criterion argument: an expression, or a Python bool (`true()` / `false()`).
pub fn criterion(interp: &mut Interp, v: &Value) -> PyResult<Clause> {
    if let Some(e) = v.payload::<ExprData>() {
        return Ok(e.0.clone());
    }
    if let Value::Bool(b) = v {
        return Ok(Clause::Bool(*b));
    }
    if let Some(a) = v.payload::<AttrData>() {
        if let AttrKind::Column(c) = &a.kind {
            return Ok(Clause::Column(c.clone()));
        }
    }
    if let Some(t) = v.payload::<TextData>() {
        return Ok(Clause::Text(t.0.clone()));
    }
    // A `Column` (`Table.c.flag`, a class body's `mapped_column()`).
    if let Some(c) = v.payload::<Column>() {
        return Ok(Clause::Column(c));
    }
    let r = interp.repr(v)?;
    Err(orm::sa_error(interp, "ArgumentError", format!("SQL expression for WHERE/HAVING role expected, got {r}.")))
}

/// A mapped or aliased class as a GROUP BY item: its columns.
pub fn entity_columns(v: &Value) -> Option<Vec<Clause>> {
    if let Some(m) = mapper_of(v) {
        return Some(m.columns.iter().map(|(_, c)| Clause::Column(c.clone())).collect());
    }
    v.payload::<AliasedData>().map(|d| d.columns())
}

/// An ORDER BY / GROUP BY item: a column, an expression, a label's name.
fn order_item(v: &Value) -> PyResult<Option<Clause>> {
    if v.is_none() {
        return Ok(None);
    }
    if let Value::Str(s) = v {
        return Ok(Some(Clause::Text(s.to_string())));
    }
    Ok(Some(as_clause(v, None)))
}

/// `filter_by(name=value)` criteria against a mapper.
pub fn filter_by_criteria(interp: &mut Interp, m: &Mapper, kw: &[(Rc<str>, Value)]) -> PyResult<Vec<Clause>> {
    filter_by_criteria_adapted(interp, m, kw, &|c| c.clone())
}

/// [`filter_by_criteria`] against the columns `adapt` gives for the mapper's (an alias's).
pub fn filter_by_criteria_adapted(
    interp: &mut Interp,
    m: &Mapper,
    kw: &[(Rc<str>, Value)],
    adapt: &dyn Fn(&Rc<Column>) -> Rc<Column>,
) -> PyResult<Vec<Clause>> {
    let mut crit = Vec::new();
    for (k, v) in kw {
        if let Some((_, col)) = m.columns.iter().find(|(key, _)| **key == **k) {
            let col = adapt(col);
            crit.push(comparison_clause(interp, Clause::Column(col.clone()), "=", v, Some(&col))?);
            continue;
        }
        if let Some(r) = m.relationship(k) {
            // `filter_by(author=some_author)`: the foreign key columns equal the object's key.
            if let Some(target) = r.target.borrow().clone() {
                let mut parts = Vec::new();
                for (pk, fk) in r.pairs.borrow().iter() {
                    let key = target.column_key(pk).unwrap_or_else(|| pk.name());
                    let val = if v.is_none() { Value::None } else { interp.getattr(v, &key)? };
                    let fk = adapt(fk);
                    parts.push(comparison_clause(interp, Clause::Column(fk.clone()), "=", &val, Some(&fk))?);
                }
                crit.push(if parts.len() == 1 { parts.remove(0) } else { Clause::And(parts) });
                continue;
            }
        }
        return Err(orm::sa_error(
            interp,
            "InvalidRequestError",
            format!("Entity namespace for \"{}\" has no property \"{k}\"", m.table.name),
        ));
    }
    Ok(crit)
}

/// `col op value`: None becomes `IS NULL`, bools `1` / `0`, other values parameters typed
/// like the column.
pub fn comparison_clause(
    interp: &mut Interp,
    left: Clause,
    op: &'static str,
    other: &Value,
    like: Option<&Column>,
) -> PyResult<Clause> {
    let right = match other {
        Value::None => Clause::Null,
        Value::Bool(b) if matches!(op, "=" | "!=" | "IS" | "IS NOT") => Clause::Bool(*b),
        _ => bound(interp, other, like)?,
    };
    let op = match (op, &right) {
        ("=", Clause::Null) => "IS",
        ("!=", Clause::Null) => "IS NOT",
        _ => op,
    };
    Ok(Clause::binary(left, op, right))
}

/// A value compared with a column, through the column type's bind processing.
fn bound(interp: &mut Interp, v: &Value, like: Option<&Column>) -> PyResult<Clause> {
    match like {
        Some(c) => as_bound_clause(interp, v, c),
        None => Ok(as_clause(v, None)),
    }
}

/// A join target: a relationship attribute (`Author.posts`, `Post.author.of_type(Author)`),
/// a mapped or aliased class, or a table, with an optional ON clause (an expression, or a
/// relationship attribute leading to the target).
fn join_spec(
    interp: &mut Interp,
    target: &Value,
    on: Option<&Value>,
    outer: bool,
) -> PyResult<(Vec<Join>, Option<Rc<Mapper>>)> {
    if let Some(a) = target.payload::<AttrData>() {
        if let AttrKind::Relationship(r) = &a.kind {
            return relationship_join(interp, &a, r, a.of_type.clone(), outer);
        }
    }
    let on = on.filter(|v| !v.is_none());
    if let Some(d) = target.payload::<AliasedData>() {
        // `join(Author, Post.author)`: along the relationship, to the alias.
        if let Some(a) = on.and_then(|v| v.payload::<AttrData>()) {
            if let AttrKind::Relationship(r) = &a.kind {
                return relationship_join(interp, &a, r, Some(d.table.clone()), outer);
            }
        }
        let on = match on {
            Some(v) => Some(criterion(interp, v)?),
            None => None,
        };
        let right = d.table.clone();
        return Ok((vec![Join { left: None, right, on, outer, nested: None }], Some(d.mapper.clone())));
    }
    let (right, mapper) = if let Some(m) = mapper_of(target) {
        configure_for(interp, &m)?;
        (m.table.clone(), Some(m))
    } else if let Some(t) = target.payload::<Rc<Table>>() {
        ((*t).clone(), None)
    } else {
        let r = interp.repr(target)?;
        return Err(orm::sa_error(interp, "ArgumentError", format!("Join target {r} is not a mapped class or table")));
    };
    if let Some(a) = on.and_then(|v| v.payload::<AttrData>()) {
        if let AttrKind::Relationship(r) = &a.kind {
            return relationship_join(interp, &a, r, None, outer);
        }
    }
    let on = match on {
        Some(v) => Some(criterion(interp, v)?),
        None => None,
    };
    Ok((vec![Join { left: None, right, on, outer, nested: None }], mapper))
}

/// The joins along a relationship (`_ORMJoin` with `prop._create_joins`), from the attribute's
/// side (its class's table, or the alias of an aliased class's attribute) to `target` (an
/// alias given by `of_type()`, or the target's table). A many-to-many goes through an
/// anonymous alias of its association table; an outer one nests the association table's
/// join to the target (`LEFT OUTER JOIN (assoc AS assoc_1 JOIN target ON ...) ON ...`).
fn relationship_join(
    interp: &mut Interp,
    a: &AttrData,
    r: &Rc<orm::Relationship>,
    target: Option<Rc<Table>>,
    outer: bool,
) -> PyResult<(Vec<Join>, Option<Rc<Mapper>>)> {
    let parent = a.mapper.upgrade().ok_or_else(|| interp.err("RuntimeError", "mapper is gone"))?;
    configure_for(interp, &parent)?;
    let t = r.target.borrow().clone().ok_or_else(|| interp.err("RuntimeError", "relationship not configured"))?;
    let left = a.entity.clone().unwrap_or_else(|| parent.table.clone());
    let right = target.unwrap_or_else(|| t.table.clone());
    // A column of the parent's (or target's) table, as its alias's column when aliased.
    let side = |sel: &Rc<Table>, base: &Rc<Table>, c: &Rc<Column>| -> Clause {
        let of_base = c.table().is_some_and(|ct| Rc::ptr_eq(&ct, base));
        match (Rc::ptr_eq(sel, base), of_base) {
            (false, true) => Clause::Column(sel.column(&c.name()).unwrap_or_else(|| c.clone())),
            _ => Clause::Column(c.clone()),
        }
    };
    let pair =
        |l: Clause, r: Clause, flip: bool| if flip { Clause::binary(r, "=", l) } else { Clause::binary(l, "=", r) };
    if let Some(m2m) = r.m2m.borrow().clone() {
        let sec = m2m.table.anonymous_alias();
        let assoc = |c: &Rc<Column>| Clause::Column(sec.column(&c.name()).unwrap_or_else(|| c.clone()));
        let on1 = and_of(
            m2m.parent_pairs
                .iter()
                .map(|(pc, ac)| pair(side(&left, &parent.table, pc), assoc(ac), m2m.parent_assoc_first))
                .collect(),
        );
        let on2 = and_of(
            m2m.target_pairs
                .iter()
                .map(|(tc, ac)| pair(side(&right, &t.table, tc), assoc(ac), m2m.target_assoc_first))
                .collect(),
        );
        let joins = if outer {
            vec![Join { left: Some(left), right: sec, on: Some(on1), outer, nested: Some((right, on2)) }]
        } else {
            vec![
                Join { left: Some(left), right: sec.clone(), on: Some(on1), outer, nested: None },
                Join { left: Some(sec), right, on: Some(on2), outer, nested: None },
            ]
        };
        return Ok((joins, Some(t)));
    }
    // (referenced, referencing) pairs: a one-to-many's referenced columns are the parent's,
    // a many-to-one's the target's.
    let one_to_many = r.direction.get() == orm::Direction::OneToMany;
    let on = and_of(
        r.pairs
            .borrow()
            .iter()
            .map(|(pk, fk)| {
                let (pk, fk) = if one_to_many {
                    (side(&left, &parent.table, pk), side(&right, &t.table, fk))
                } else {
                    (side(&right, &t.table, pk), side(&left, &parent.table, fk))
                };
                pair(pk, fk, r.fk_first.get())
            })
            .collect(),
    );
    Ok((vec![Join { left: Some(left), right, on: Some(on), outer, nested: None }], Some(t)))
}

fn and_of(mut items: Vec<Clause>) -> Clause {
    if items.len() == 1 {
        items.remove(0)
    } else {
        Clause::And(items)
    }
}

fn int_arg(interp: &Interp, v: &Value) -> PyResult<Option<Clause>> {
    match v {
        Value::None => Ok(None),
        Value::Int(_) => Ok(Some(Clause::Bind(v.clone(), SqlType::Integer))),
        other => {
            if let Some(e) = other.payload::<ExprData>() {
                return Ok(Some(e.0.clone()));
            }
            Err(interp.type_error(format!("'{}' object cannot be interpreted as an integer", interp.type_name(other))))
        }
    }
}

fn select_class(interp: &Interp) -> Rc<Class> {
    let s = |i: &Interp, a: &Args| payload::<SelectData>(i, a, "Select");
    let crit_method = |name: &'static str, having: bool| {
        method("Select", name, move |i, a| {
            let sd = s(i, &a)?;
            let mut crit = Vec::new();
            for v in &a.pos[1..] {
                crit.push(criterion(i, v)?);
            }
            Ok(with_select(i, &sd, |n| if having { n.stmt.having.extend(crit) } else { n.stmt.where_.extend(crit) }))
        })
    };
    let list_method = |name: &'static str, group: bool| {
        method("Select", name, move |i, a| {
            let sd = s(i, &a)?;
            let mut items = Vec::new();
            for v in &a.pos[1..] {
                if group {
                    if let Some(cols) = entity_columns(v) {
                        items.extend(cols);
                        continue;
                    }
                }
                if let Some(c) = order_item(v)? {
                    items.push(c);
                }
            }
            let reset = a.pos.len() == 2 && a.pos[1].is_none();
            Ok(with_select(i, &sd, |n| {
                let target = if group { &mut n.stmt.group_by } else { &mut n.stmt.order_by };
                if reset {
                    target.clear();
                }
                target.extend(items)
            }))
        })
    };
    let join_method = |name: &'static str, outer_default: bool| {
        method("Select", name, move |i, mut a| {
            let sd = s(i, &a)?;
            let isouter = match a.take_kw("isouter") {
                Some(v) => i.truthy(&v)?,
                None => outer_default,
            };
            a.take_kw("full");
            let target = a.arg(1, "target").unwrap_or(Value::None);
            let on = a.arg(2, "onclause");
            let (joins, m) = join_spec(i, &target, on.as_ref(), isouter)?;
            let alias = target.payload::<AliasedData>().map(|d| d.table.clone());
            Ok(with_select(i, &sd, |n| {
                n.stmt.joins.extend(joins);
                if m.is_some() {
                    n.filter_entity = m;
                    n.filter_alias = alias;
                }
            }))
        })
    };
    native_class(
        interp,
        "Select",
        "sqlalchemy.sql.selectable",
        None,
        vec![
            ("where", crit_method("where", false)),
            ("filter", crit_method("filter", false)),
            ("having", crit_method("having", true)),
            ("order_by", list_method("order_by", false)),
            ("group_by", list_method("group_by", true)),
            ("join", join_method("join", false)),
            (
                "options",
                method("Select", "options", move |i, a| {
                    let sd = s(i, &a)?;
                    let opts = super::strategies::options_of(i, &a.pos[1..])?;
                    Ok(with_select(i, &sd, |n| n.options.extend(opts)))
                }),
            ),
            ("outerjoin", join_method("outerjoin", true)),
            (
                "filter_by",
                method("Select", "filter_by", move |i, a| {
                    let sd = s(i, &a)?;
                    let Some(m) = sd.filter_entity.clone() else {
                        return Err(orm::sa_error(i, "InvalidRequestError", "Can't use filter_by() without an entity"));
                    };
                    // Of an aliased entity: the alias's columns.
                    let crit = match &sd.filter_alias {
                        Some(alias) => {
                            let data = super::aliased::AliasedData { mapper: m.clone(), table: alias.clone() };
                            filter_by_criteria_adapted(i, &m, &a.kw, &|col| data.adapt(col))?
                        }
                        None => filter_by_criteria(i, &m, &a.kw)?,
                    };
                    Ok(with_select(i, &sd, |n| n.stmt.where_.extend(crit)))
                }),
            ),
            (
                "subquery",
                method("Select", "subquery", move |i, a| {
                    let sd = s(i, &a)?;
                    // A write-only collection's SELECT takes the parent's key now.
                    let sd = with_parent_key(i, &sd)?.unwrap_or_else(|| (*sd).clone());
                    Ok(new_native(&subquery_class(i), SubqueryData(sd.stmt)))
                }),
            ),
            (
                "select_from",
                method("Select", "select_from", move |i, a| {
                    let sd = s(i, &a)?;
                    let mut tables = Vec::new();
                    let mut subqueries = Vec::new();
                    let mut criteria = Vec::new();
                    for v in &a.pos[1..] {
                        if let Some(m) = mapper_of(v) {
                            tables.push(m.table.clone());
                            criteria.extend(m.single_table_criterion());
                        } else if let Some(d) = v.payload::<AliasedData>() {
                            tables.push(d.table.clone());
                        } else if let Some(t) = v.payload::<Rc<Table>>() {
                            tables.push((*t).clone());
                        } else if let Some(sq) = v.payload::<SubqueryData>() {
                            subqueries.push(sq.0.clone());
                        }
                    }
                    Ok(with_select(i, &sd, |n| {
                        n.stmt.subqueries.extend(subqueries);
                        n.stmt.froms.extend(tables);
                        n.stmt.extra_criteria.extend(criteria);
                    }))
                }),
            ),
            (
                "limit",
                method("Select", "limit", move |i, a| {
                    let sd = s(i, &a)?;
                    let l = int_arg(i, a.pos.get(1).unwrap_or(&Value::None))?;
                    Ok(with_select(i, &sd, |n| n.stmt.limit = l))
                }),
            ),
            (
                "offset",
                method("Select", "offset", move |i, a| {
                    let sd = s(i, &a)?;
                    let o = int_arg(i, a.pos.get(1).unwrap_or(&Value::None))?;
                    Ok(with_select(i, &sd, |n| n.stmt.offset = o))
                }),
            ),
            (
                "distinct",
                method("Select", "distinct", move |i, a| {
                    let sd = s(i, &a)?;
                    Ok(with_select(i, &sd, |n| n.stmt.distinct = true))
                }),
            ),
            (
                "__str__",
                method("Select", "__str__", move |i, a| {
                    let sd = s(i, &a)?;
                    let mut stmt = sd.stmt.clone();
                    if let Some(e) = super::sql::check_joins(&stmt) {
                        let registry = sd.entities.iter().find_map(|e| match e {
                            Entity::Mapper(m) | Entity::Aliased(m, _) => m.registry.upgrade(),
                            Entity::Column(_) => None,
                        });
                        return Err(orm::join_error(i, registry.as_ref(), e));
                    }
                    if let [Entity::Mapper(m)] = sd.entities.as_slice() {
                        super::strategies::add_joined(i, m, &mut stmt, &sd.options, &[]);
                    }
                    Ok(Value::str(&SqlCompiler::string().select_string(&stmt)))
                }),
            ),
        ],
    )
}

// ----- running statements ------------------------------------------------------------------

fn row_keys(entities: &[Entity]) -> Vec<String> {
    entities
        .iter()
        .map(|e| match e {
            Entity::Mapper(m) | Entity::Aliased(m, _) => m.class_name.clone(),
            Entity::Column(c) => c.row_key().unwrap_or_default(),
        })
        .collect()
}

/// Runs a `select()` in the session: a `Result` of `Row` objects.
pub fn execute_select(interp: &mut Interp, s: &Rc<SessionData>, sd: &SelectData) -> PyResult<Value> {
    let (rows, unique) = select_rows_checked(interp, s, sd)?;
    let keys = row_keys(&sd.entities);
    let c = classes(interp);
    Ok(new_native(
        &c.chunked_result,
        ResultData {
            rows: RefCell::new(rows.into_iter().collect()),
            keys,
            rowcount: -1,
            unique_required: unique.into(),
        },
    ))
}

/// Runs a SELECT of entities: one `Row` per result row (objects through the identity map).
pub fn select_rows(interp: &mut Interp, s: &Rc<SessionData>, sd: &SelectData) -> PyResult<Vec<Value>> {
    let (rows, unique) = select_rows_checked(interp, s, sd)?;
    if !unique {
        return Ok(rows);
    }
    let mut out: Vec<Value> = Vec::new();
    let mut seen: Vec<Value> = Vec::new();
    for row in rows {
        let first = first_value(&row);
        if !seen.iter().any(|x| x.is(&first)) {
            seen.push(first);
            out.push(row);
        }
    }
    Ok(out)
}

/// [`select_rows`] as the `Result` gets them: rows repeated by a joined eager load of a
/// collection, and whether there is one (the result then needs `unique()`).
pub fn select_rows_checked(interp: &mut Interp, s: &Rc<SessionData>, sd: &SelectData) -> PyResult<(Vec<Value>, bool)> {
    orm::autoflush(interp, s)?;
    let resolved = with_parent_key(interp, sd)?;
    let sd = resolved.as_ref().unwrap_or(sd);
    orm::check_joins(interp, s, &sd.stmt)?;
    let keys = Rc::new(row_keys(&sd.entities));
    let mut rows = Vec::new();
    if let [Entity::Mapper(m)] = sd.entities.as_slice() {
        // One entity: the loader's path, with its eager loads.
        let (objs, unique) = super::strategies::load(interp, s, m, &sd.stmt, &sd.options, &[])?;
        for o in objs {
            rows.push(new_row(interp, vec![o], keys.clone()));
        }
        return Ok((rows, unique));
    }
    lint_cartesian(interp, &sd.stmt);
    let compiled = SqlCompiler::default().select(&sd.stmt);
    let result = if orm::selects_mapped_table(s, &compiled.sql) {
        orm::execute_in_session(interp, s, &compiled.sql, compiled.params)?
    } else {
        orm::execute_on(interp, s, &s.engine, &compiled.sql, compiled.params)?
    };
    for row in &result.rows {
        let mut at = 0;
        let mut values = Vec::new();
        for e in &sd.entities {
            match e {
                Entity::Mapper(m) | Entity::Aliased(m, _) => {
                    let n = m.columns.len();
                    let part = row.get(at..(at + n).min(row.len())).unwrap_or(&[]);
                    at += n;
                    values.push(orm::instance_from_row(interp, s, m, part)?);
                }
                Entity::Column(c) => {
                    let v = row.get(at).cloned().unwrap_or(SqlValue::Null);
                    at += 1;
                    let ty = c.sql_type();
                    values.push(match ty {
                        SqlType::Other(_) => super::types::untyped_result(&v),
                        // The type's result processor, as for a mapped attribute.
                        t => super::types::process_result(interp, &t, &v)?,
                    });
                }
            }
        }
        rows.push(new_row(interp, values, keys.clone()));
    }
    Ok((rows, false))
}

/// The cartesian product warning of SQLAlchemy's FROM linter: the FROM elements that no join
/// or comparison in the WHERE clause connects to the others. The linter starts from an
/// element picked from a set; the last FROM element stands in for it.
fn lint_cartesian(interp: &mut Interp, stmt: &Select) {
    let froms = SqlCompiler::default().from_tables(stmt);
    if froms.len() < 2 {
        return;
    }
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let index = |t: &Rc<Table>| froms.iter().position(|f| f.iter().any(|x| Rc::ptr_eq(x, t)));
    fn comparisons(c: &Clause, out: &mut Vec<(Rc<Table>, Rc<Table>)>) {
        match c {
            Clause::And(items) | Clause::Or(items) => items.iter().for_each(|i| comparisons(i, out)),
            Clause::Not(i) => comparisons(i, out),
            Clause::Binary(..) | Clause::In(..) | Clause::Between(..) => {
                let ts = c.tables();
                for a in 0..ts.len() {
                    for b in a + 1..ts.len() {
                        out.push((ts[a].clone(), ts[b].clone()));
                    }
                }
            }
            _ => {}
        }
    }
    let mut pairs = Vec::new();
    for w in &stmt.where_ {
        comparisons(w, &mut pairs);
    }
    for (a, b) in pairs {
        if let (Some(x), Some(y)) = (index(&a), index(&b)) {
            if x != y {
                edges.push((x, y));
            }
        }
    }
    let start = froms.len() - 1;
    let mut reached = vec![start];
    let mut stack = vec![start];
    while let Some(n) = stack.pop() {
        for &(a, b) in &edges {
            let other = if a == n {
                b
            } else if b == n {
                a
            } else {
                continue;
            };
            if !reached.contains(&other) {
                reached.push(other);
                stack.push(other);
            }
        }
    }
    let rest: Vec<String> =
        (0..froms.len()).filter(|i| !reached.contains(i)).map(|i| format!("\"{}\"", froms[i][0].name)).collect();
    if rest.is_empty() {
        return;
    }
    interp.warn(
        "sqlalchemy.exc.SAWarning",
        &format!(
            "SELECT statement has a cartesian product between FROM element(s) {} and FROM element \"{}\".  Apply join condition(s) between each element to resolve.",
            rest.join(", "),
            froms[start][0].name
        ),
    );
}

/// A `Result` of rows already made (text() queries).
pub fn result_of_rows(interp: &Interp, keys: Vec<String>, rows: Vec<Vec<Value>>, rowcount: i64) -> Value {
    let k = Rc::new(keys.clone());
    let rows = rows.into_iter().map(|r| new_row(interp, r, k.clone())).collect();
    new_native(
        &classes(interp).cursor_result,
        ResultData { rows: RefCell::new(rows), keys, rowcount, unique_required: false.into() },
    )
}

fn new_row(interp: &Interp, values: Vec<Value>, keys: Rc<Vec<String>>) -> Value {
    new_native(&classes(interp).row, RowData { values, keys })
}

/// `Session.execute(statement)`.
pub fn session_execute(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    stmt: &Value,
    params: Option<&Value>,
    execution_options: Option<&Value>,
) -> PyResult<Value> {
    if let Some(sd) = stmt.payload::<SelectData>() {
        return execute_select(interp, s, &sd);
    }
    if let Some(d) = stmt.payload::<DmlData>() {
        let mut d = (*d).clone();
        if let Some(Value::Dict(opts)) = execution_options {
            for (k, v) in opts.borrow().iter() {
                let k = interp.to_str(k)?;
                d.execution_options.push((k, v.clone()));
            }
        }
        return execute_dml(interp, s, &d, params);
    }
    if let Some(text) = stmt.payload::<TextData>() {
        orm::autoflush(interp, s)?;
        // A list of parameter dicts: one executemany; its rowcount is every row's.
        if let Some(Value::List(many)) = params {
            let many = many.borrow().clone();
            if many.len() > 1 {
                let mut sql = String::new();
                let mut rows = Vec::new();
                for p in &many {
                    let (one, values) = bind_text(interp, &text.0, Some(p))?;
                    sql = one;
                    rows.push(values);
                }
                let n = orm::execute_many_in_session(interp, s, &sql, rows)?;
                return Ok(result_of_rows(interp, vec![], vec![], n));
            }
            let one = many.first().cloned();
            let (sql, values) = bind_text(interp, &text.0, one.as_ref())?;
            let r = orm::execute_on(interp, s, &s.engine, &sql, values)?;
            let rows: Vec<Vec<Value>> =
                r.rows.iter().map(|row| row.iter().map(super::types::untyped_result).collect()).collect();
            return Ok(result_of_rows(interp, r.columns.clone(), rows, r.changes));
        }
        let (sql, values) = bind_text(interp, &text.0, params)?;
        let r = orm::execute_on(interp, s, &s.engine, &sql, values)?;
        let rows: Vec<Vec<Value>> =
            r.rows.iter().map(|row| row.iter().map(super::types::untyped_result).collect()).collect();
        return Ok(result_of_rows(interp, r.columns.clone(), rows, r.changes));
    }
    let r = interp.repr(stmt)?;
    Err(orm::sa_error(interp, "ArgumentError", format!("Executable SQL or text() construct expected, got {r}.")))
}

/// `text("... :name ...")` with a dict of parameters: `?` placeholders in order.
fn bind_text(interp: &mut Interp, sql: &str, params: Option<&Value>) -> PyResult<(String, Vec<SqlValue>)> {
    let mut out = String::new();
    let mut values = Vec::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            out.push(c);
            i += 1;
            continue;
        }
        let prev_colon = i > 0 && chars[i - 1] == ':';
        let starts_name = chars.get(i + 1).map(|n| n.is_alphabetic() || *n == '_').unwrap_or(false);
        if c == ':' && !prev_colon && starts_name && chars.get(i + 1) != Some(&':') {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let name: String = chars[i + 1..j].iter().collect();
            let v = match params {
                Some(Value::Dict(d)) => d.borrow().get_str(&name).cloned(),
                _ => None,
            };
            let Some(v) = v else {
                return Err(orm::sa_error(
                    interp,
                    "InvalidRequestError",
                    format!("A value is required for bind parameter '{name}'"),
                ));
            };
            values.push(SqlType::Other("NullType".into()).bind(&v));
            out.push('?');
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    Ok((out, values))
}

/// The statement with its plain values run through their columns' bind processors (a
/// `datetime` becomes SQLite's text, an enum member its name), as the compiled statement's
/// parameters are processed when it executes; a processor's error is a `StatementError`.
pub fn bind_dml_values(interp: &mut Interp, s: &SessionData, d: &DmlData) -> PyResult<DmlData> {
    fn plain(v: &Value) -> bool {
        v.payload::<ExprData>().is_none() && v.payload::<AttrData>().is_none() && !v.is_none()
    }
    let mut out = d.clone();
    let mut groups = vec![std::mem::take(&mut out.values)];
    groups.append(&mut out.multi_values);
    let mut processed = Vec::with_capacity(groups.len());
    for group in groups {
        let mut vals = Vec::with_capacity(group.len());
        for (col, v) in &group {
            let v = if plain(v) {
                match super::types::process_bind(interp, &col.ty, v) {
                    Ok(v) => v,
                    Err(e) => {
                        let sql = dml_compiled(d, false).0;
                        let params = group.iter().map(|(c, v)| (c.key(), v.clone())).collect();
                        return Err(orm::bind_error(interp, s, &sql, params, e));
                    }
                }
            } else {
                v.clone()
            };
            vals.push((col.clone(), v));
        }
        processed.push(vals);
    }
    out.values = processed.remove(0);
    out.multi_values = processed;
    Ok(out)
}

fn execute_dml(interp: &mut Interp, s: &Rc<SessionData>, d: &DmlData, params: Option<&Value>) -> PyResult<Value> {
    orm::autoflush(interp, s)?;
    // `session.execute(insert(User), [{...}, {...}])`: one executemany of the rows.
    if let (DmlKind::Insert, Some(Value::List(rows))) = (d.kind, params) {
        let rows = rows.borrow().clone();
        let mut sql = String::new();
        let mut all = Vec::new();
        let mut groups = Vec::new();
        for row in &rows {
            let mut one = d.clone();
            if let Value::Dict(m) = row {
                for (k, v) in m.borrow().iter() {
                    let key = interp.to_str(k)?;
                    let col = column_for_key(d, &key).ok_or_else(|| {
                        orm::sa_error(interp, "CompileError", format!("Unconsumed column names: {key}"))
                    })?;
                    one.values.push((col, v.clone()));
                }
            }
            let one = with_insert_defaults(interp, &one)?;
            let one = bind_dml_values(interp, s, &one)?;
            if !d.returning.is_empty() {
                groups.push(one.values.clone());
                continue;
            }
            let (text, p) = dml_compiled(&one, false);
            sql = text;
            all.push(p);
        }
        if !d.returning.is_empty() && !groups.is_empty() {
            // "insertmanyvalues": the rows go as one INSERT with a VALUES group each
            let mut many = d.clone();
            many.values = vec![];
            if groups.len() == 1 {
                many.values = groups.remove(0);
            } else {
                many.multi_values = groups;
            }
            let (text, p) = dml_compiled(&many, false);
            let r = orm::execute_in_session(interp, s, &text, p)?;
            return returning_result(interp, s, d, &r.rows, r.changes);
        }
        if all.is_empty() {
            return Ok(result_of_rows(interp, vec![], vec![], 0));
        }
        let n = all.len() as i64;
        orm::execute_many_in_session(interp, s, &sql, all)?;
        let c = classes(interp);
        // An ORM bulk INSERT gives an `IteratorResult`; a Core table's executemany the cursor's.
        let class = if d.mapper.is_some() { &c.iterator_result } else { &c.cursor_result };
        return Ok(new_native(
            class,
            ResultData {
                rows: RefCell::new(Default::default()),
                keys: vec![],
                rowcount: n,
                unique_required: false.into(),
            },
        ));
    }
    // `session.execute(update(User), [{'id': 1, 'name': 'A'}, ...])`: ORM bulk UPDATE by primary
    // key, one executemany whose WHERE is each dict's primary key and SET the rest.
    if let (DmlKind::Update, Some(Value::List(rows)), Some(_)) = (d.kind, params, &d.mapper) {
        if d.where_.is_empty() && d.values.is_empty() {
            let rows = rows.borrow().clone();
            let pk = d.table.primary_key();
            let mut sql = String::new();
            let mut all = Vec::new();
            for row in &rows {
                let mut one = d.clone();
                if let Value::Dict(m) = row {
                    let items: Vec<(Value, Value)> = m.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    let mut wheres = Vec::new();
                    for (k, v) in items {
                        let key = interp.to_str(&k)?;
                        let col = column_for_key(d, &key).ok_or_else(|| {
                            orm::sa_error(interp, "CompileError", format!("Unconsumed column names: {key}"))
                        })?;
                        if pk.iter().any(|p| Rc::ptr_eq(p, &col)) {
                            let right = super::module::as_bound_clause(interp, &v, &col)?;
                            wheres.push((col, right));
                        } else {
                            one.values.push((col, v));
                        }
                    }
                    // The WHERE names the primary key in the table's order.
                    for p in &pk {
                        if let Some((col, right)) = wheres.iter().find(|(c, _)| Rc::ptr_eq(c, p)) {
                            one.where_.push(Clause::binary(Clause::Column(col.clone()), "=", right.clone()));
                        }
                    }
                }
                let one = bind_dml_values(interp, s, &one)?;
                let (text, p) = dml_compiled(&one, false);
                sql = text;
                all.push(p);
            }
            if !all.is_empty() {
                orm::execute_many_in_session(interp, s, &sql, all)?;
            }
            let c = classes(interp);
            return Ok(new_native(
                &c.iterator_result,
                ResultData {
                    rows: RefCell::new(Default::default()),
                    keys: vec![],
                    rowcount: rows.len() as i64,
                    unique_required: false.into(),
                },
            ));
        }
    }
    if d.kind != DmlKind::Insert {
        let sync = d.execution_options.iter().rev().find(|(k, _)| k == "synchronize_session").map(|(_, v)| v);
        let sync = super::bulk_persistence::synchronize_session(interp, sync)?;
        let (rowcount, rows) = super::bulk_persistence::execute_returning(interp, s, d, sync)?;
        if !d.returning.is_empty() {
            return returning_result(interp, s, d, &rows, rowcount);
        }
        return Ok(result_of_rows(interp, vec![], vec![], rowcount));
    }
    let d = if d.multi_values.is_empty() { with_insert_defaults(interp, d)? } else { d.clone() };
    let d = bind_dml_values(interp, s, &d)?;
    let compiled = dml_compiled(&d, false);
    let r = orm::execute_in_session(interp, s, &compiled.0, compiled.1)?;
    if !d.returning.is_empty() {
        return returning_result(interp, s, &d, &r.rows, r.changes);
    }
    Ok(result_of_rows(interp, vec![], vec![], r.changes))
}

fn column_for_key(d: &DmlData, key: &str) -> Option<Rc<Column>> {
    match &d.mapper {
        Some(m) => m.columns.iter().find(|(k, _)| k == key).map(|(_, c)| c.clone()),
        None => d.table.columns.borrow().iter().find(|c| c.key() == key).cloned(),
    }
}

/// An INSERT's values with the Python-side defaults of the columns not given, in table order.
fn with_insert_defaults(interp: &mut Interp, d: &DmlData) -> PyResult<DmlData> {
    let mut out = d.clone();
    let cols = d.table.columns.borrow().clone();
    for c in &cols {
        if out.values.iter().any(|(x, _)| Rc::ptr_eq(x, c)) {
            continue;
        }
        let v = match &c.default {
            Some(super::schema::ColumnDefault::Scalar(v)) => v.clone(),
            Some(super::schema::ColumnDefault::Callable(f)) => interp.call(f, Args::default())?,
            _ => continue,
        };
        out.values.push((c.clone(), v));
    }
    crate::sort::sort_by_key(&mut out.values, |(c, _)| {
        cols.iter().position(|x| Rc::ptr_eq(x, c)).unwrap_or(usize::MAX)
    });
    Ok(out)
}

/// A statement with its `onupdate=` values, the Python-side ones, the SQL ones' columns.
pub type UpdateWithDefaults = (DmlData, Vec<(Rc<Column>, Value)>, Vec<Rc<Column>>);

/// An UPDATE's values with the `onupdate=` values of the columns not given, in table order
/// (the compiler's `_append_param_update`): a callable is called now (`call` false: `str()`,
/// which only names its parameter), a scalar is a parameter, a SQL expression is inline.
/// The second list is the Python-side values added (prefetched: the session's objects take
/// them), the third the columns whose values are SQL expressions (post-fetched: expired).
pub fn with_update_defaults(interp: &mut Interp, d: &DmlData, call: bool) -> PyResult<UpdateWithDefaults> {
    let mut out = d.clone();
    let mut prefetch = Vec::new();
    let mut postfetch = Vec::new();
    if d.kind != DmlKind::Update {
        return Ok((out, prefetch, postfetch));
    }
    let cols = d.table.columns.borrow().clone();
    for c in &cols {
        if out.values.iter().any(|(x, _)| Rc::ptr_eq(x, c)) {
            continue;
        }
        let v = match &c.onupdate {
            Some(super::schema::ColumnDefault::Scalar(v)) => v.clone(),
            Some(super::schema::ColumnDefault::Callable(f)) if call => interp.call(f, Args::default())?,
            Some(super::schema::ColumnDefault::Callable(_)) => Value::None,
            None => continue,
        };
        if v.payload::<ExprData>().is_some() {
            postfetch.push(c.clone());
        } else {
            prefetch.push((c.clone(), v.clone()));
        }
        out.values.push((c.clone(), v));
    }
    crate::sort::sort_by_key(&mut out.values, |(c, _)| {
        cols.iter().position(|x| Rc::ptr_eq(x, c)).unwrap_or(usize::MAX)
    });
    Ok((out, prefetch, postfetch))
}

/// The text and parameters of an UPDATE / DELETE / INSERT (named parameters for `str()`).
pub fn dml_compiled(d: &DmlData, named: bool) -> (String, Vec<SqlValue>) {
    let mut c = if named { SqlCompiler::string() } else { SqlCompiler::default() };
    let table = c.quote(&d.table.name);
    let mut params = Vec::new();
    let mark = |col: &Column| if named { format!(":{}", col.key()) } else { "?".to_string() };
    let sql = match d.kind {
        DmlKind::Insert if !d.multi_values.is_empty() => {
            // the first row's columns name the VALUES groups (`_extend_values_for_multiparams`)
            let first = &d.multi_values[0];
            let names: Vec<String> = first.iter().map(|(col, _)| c.quote(&col.name())).collect();
            let mut groups = Vec::new();
            for (n, row) in d.multi_values.iter().enumerate() {
                let mut marks = Vec::new();
                for (col, _) in first {
                    let v = row.iter().find(|(x, _)| Rc::ptr_eq(x, col)).map(|(_, v)| v.clone()).unwrap_or(Value::None);
                    marks.push(if named { format!(":{}_m{n}", col.key()) } else { "?".to_string() });
                    params.push(col.ty.bind(&v));
                }
                groups.push(format!("({})", marks.join(", ")));
            }
            format!("INSERT INTO {table} ({}) VALUES {}", names.join(", "), groups.join(", "))
        }
        DmlKind::Insert => {
            let names: Vec<String> = d.values.iter().map(|(col, _)| c.quote(&col.name())).collect();
            let marks: Vec<String> = d.values.iter().map(|(col, _)| mark(col)).collect();
            params.extend(d.values.iter().map(|(col, v)| col.ty.bind(v)));
            if d.values.is_empty() {
                format!("INSERT INTO {table} DEFAULT VALUES")
            } else {
                format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), marks.join(", "))
            }
        }
        DmlKind::Update => {
            let mut sets = Vec::new();
            for (col, v) in &d.values {
                let name = c.quote(&col.name());
                let expr = v.payload::<ExprData>().map(|e| e.0.clone()).or_else(|| match v.payload::<AttrData>() {
                    Some(a) => match &a.kind {
                        AttrKind::Column(col) => Some(Clause::Column(col.clone())),
                        AttrKind::Relationship(_) => None,
                    },
                    None => None,
                });
                match expr {
                    Some(e) => {
                        let text = c.set_value(&e);
                        sets.push(format!("{name}={text}"));
                    }
                    None => {
                        if !named {
                            c.push_param(col.ty.bind(v));
                        }
                        sets.push(format!("{name}={}", mark(col)));
                    }
                }
            }
            let (w, p) = c.criteria_with_params(&d.where_);
            params.extend(p);
            let mut sql = format!("UPDATE {table} SET {}", sets.join(", "));
            if !w.is_empty() {
                sql.push_str(&format!(" WHERE {w}"));
            }
            sql
        }
        DmlKind::Delete => {
            let (w, p) = c.criteria_with_params(&d.where_);
            params.extend(p);
            let mut sql = format!("DELETE FROM {table}");
            if !w.is_empty() {
                sql.push_str(&format!(" WHERE {w}"));
            }
            sql
        }
    };
    let mut sql = sql;
    let (items, _) = returning_plan(d);
    if !items.is_empty() {
        let (cols, p) = c.returning_with_params(&items);
        params.extend(p);
        sql.push_str(&format!(" RETURNING {cols}"));
    }
    (sql, params)
}

/// One `.returning()` element: a mapped class (its objects come back, from its columns) or a
/// column or SQL expression.
enum Returned {
    Entity(Rc<Mapper>, Vec<Rc<Column>>),
    Expr(Clause),
}

impl Returned {
    fn clauses(&self) -> Vec<Clause> {
        match self {
            Returned::Entity(_, cols) => cols.iter().map(|c| Clause::Column(c.clone())).collect(),
            Returned::Expr(c) => vec![c.clone()],
        }
    }
}

fn returned_unchecked(v: &Value) -> Option<Returned> {
    if let Some(m) = mapper_of(v) {
        let cols = m.columns.iter().map(|(_, c)| c.clone()).collect();
        return Some(Returned::Entity(m, cols));
    }
    match super::module::as_clause(v, None) {
        Clause::Bind(..) => None,
        c => Some(Returned::Expr(c)),
    }
}

fn returned(interp: &mut Interp, v: &Value) -> PyResult<Returned> {
    match returned_unchecked(v) {
        Some(x) => Ok(x),
        None => {
            let r = interp.repr(v)?;
            Err(interp.err(
                "NotImplementedError",
                format!("the playground's returning() takes mapped classes, columns and SQL expressions, not {r}"),
            ))
        }
    }
}

/// The `RETURNING` clause's elements and, for each column of the `.returning()` elements in
/// order, its place in a returned row. With `synchronize_session='fetch'` the primary key
/// comes first, and a key column the learner named too is not repeated.
fn returning_plan(d: &DmlData) -> (Vec<Clause>, Vec<usize>) {
    let mut items: Vec<Clause> = Vec::new();
    if d.fetch_pk {
        if let Some(m) = &d.mapper {
            items.extend(m.table.primary_key().iter().map(|c| Clause::Column(c.clone())));
        }
    }
    let pk_len = items.len();
    let mut places = Vec::new();
    for r in d.returning.iter().filter_map(returned_unchecked) {
        for c in r.clauses() {
            let in_pk = match &c {
                Clause::Column(col) => {
                    items[..pk_len].iter().position(|x| matches!(x, Clause::Column(k) if Rc::ptr_eq(k, col)))
                }
                _ => None,
            };
            match in_pk {
                Some(i) => places.push(i),
                None => {
                    places.push(items.len());
                    items.push(c);
                }
            }
        }
    }
    (items, places)
}

/// The rows of a `RETURNING` laid out as the `.returning()` elements name their columns (the
/// primary key `synchronize_session='fetch'` added taken out).
pub fn returned_rows(d: &DmlData, rows: &[Vec<SqlValue>]) -> Vec<Vec<SqlValue>> {
    let (_, places) = returning_plan(d);
    rows.iter().map(|r| places.iter().map(|&p| r.get(p).cloned().unwrap_or(SqlValue::Null)).collect()).collect()
}

/// The result of a DML statement with `RETURNING`: each row's objects (through the identity
/// map) and column values, in the order `.returning()` named them.
pub fn returning_result(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    d: &DmlData,
    rows: &[Vec<SqlValue>],
    rowcount: i64,
) -> PyResult<Value> {
    let mut parts = Vec::new();
    for v in &d.returning {
        parts.push(returned(interp, v)?);
    }
    // `Row._fields`: a class's name, a column's key, a label's or function's name; other
    // expressions have none.
    let keys: Vec<String> = parts
        .iter()
        .map(|p| match p {
            Returned::Entity(m, _) => m.class_name.clone(),
            Returned::Expr(c) => c.row_key().unwrap_or_else(|| "_no_label".to_string()),
        })
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut at = 0;
        let mut values = Vec::with_capacity(parts.len());
        for p in &parts {
            match p {
                Returned::Entity(m, cols) => {
                    let end = (at + cols.len()).min(row.len());
                    let slice = &row[at.min(end)..end];
                    at = end;
                    values.push(orm::instance_from_row(interp, s, m, slice)?);
                }
                Returned::Expr(c) => {
                    let v = match row.get(at) {
                        Some(v) => super::types::process_result(interp, &c.sql_type(), v)?,
                        None => Value::None,
                    };
                    at += 1;
                    values.push(v);
                }
            }
        }
        out.push(values);
    }
    Ok(result_of_rows(interp, keys, out, rowcount))
}

/// The `values()` of an UPDATE / INSERT: a dict (keys named or attributes) and keywords,
/// each matched to its column, in the table's column order as the compiler emits them.
pub fn dml_values(
    interp: &mut Interp,
    dd: &DmlData,
    dict: Option<&Value>,
    kw: &[(Rc<str>, Value)],
) -> PyResult<Vec<(Rc<Column>, Value)>> {
    let mut kv: Vec<(String, Value)> = kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    if let Some(Value::Dict(m)) = dict {
        for (k, v) in m.borrow().iter() {
            let key = match k.payload::<AttrData>() {
                Some(ad) => ad.key.clone(),
                None => interp.to_str(k)?,
            };
            kv.push((key, v.clone()));
        }
    }
    let mut vals = Vec::new();
    for (k, v) in kv {
        let col = match &dd.mapper {
            Some(m) => m.columns.iter().find(|(key, _)| *key == k).map(|(_, c)| c.clone()),
            None => dd.table.columns.borrow().iter().find(|c| c.key() == k).cloned(),
        };
        let Some(col) = col else {
            return Err(orm::sa_error(interp, "CompileError", format!("Unconsumed column names: {k}")));
        };
        vals.push((col, v));
    }
    let cols = dd.table.columns.borrow().clone();
    crate::sort::sort_by_key(&mut vals, |(c, _)| cols.iter().position(|x| Rc::ptr_eq(x, c)).unwrap_or(usize::MAX));
    Ok(vals)
}

fn dml_target(interp: &mut Interp, v: &Value) -> PyResult<(Rc<Table>, Option<Rc<Mapper>>)> {
    if let Some(m) = mapper_of(v) {
        configure_for(interp, &m)?;
        return Ok((m.table.clone(), Some(m)));
    }
    if let Some(t) = v.payload::<Rc<Table>>() {
        return Ok(((*t).clone(), None));
    }
    let r = interp.repr(v)?;
    Err(orm::sa_error(
        interp,
        "ArgumentError",
        format!("subject table for an INSERT, UPDATE or DELETE expected, got {r}."),
    ))
}

fn dml_class(interp: &Interp, name: &str, kind: DmlKind) -> Rc<Class> {
    let d = |i: &Interp, a: &Args| payload::<DmlData>(i, a, "DML");
    let owner: &'static str = match kind {
        DmlKind::Update => "Update",
        DmlKind::Delete => "Delete",
        DmlKind::Insert => "Insert",
    };
    let with = |i: &Interp, dd: &DmlData, f: &dyn Fn(&mut DmlData)| {
        let mut n = dd.clone();
        f(&mut n);
        let c = classes(i);
        let idx = match n.kind {
            DmlKind::Update => 0,
            DmlKind::Delete => 1,
            DmlKind::Insert => 2,
        };
        new_native(&c.dml[idx], n)
    };
    native_class(
        interp,
        name,
        "sqlalchemy.sql.dml",
        None,
        vec![
            (
                "where",
                method(owner, "where", move |i, a| {
                    let dd = d(i, &a)?;
                    let mut crit = Vec::new();
                    for v in &a.pos[1..] {
                        crit.push(criterion(i, v)?);
                    }
                    Ok(with(i, &dd, &|n| n.where_.extend(crit.clone())))
                }),
            ),
            (
                "filter_by",
                method(owner, "filter_by", move |i, a| {
                    let dd = d(i, &a)?;
                    let Some(m) = dd.mapper.clone() else {
                        return Err(i.type_error("filter_by() needs a mapped class"));
                    };
                    let crit = filter_by_criteria(i, &m, &a.kw)?;
                    Ok(with(i, &dd, &|n| n.where_.extend(crit.clone())))
                }),
            ),
            (
                "values",
                method(owner, "values", move |i, a| {
                    let dd = d(i, &a)?;
                    if let (DmlKind::Insert, Some(Value::List(rows))) = (dd.kind, a.pos.get(1)) {
                        let rows = rows.borrow().clone();
                        let mut groups = Vec::new();
                        for row in &rows {
                            groups.push(dml_values(i, &dd, Some(row), &[])?);
                        }
                        return Ok(with(i, &dd, &|n| n.multi_values.extend(groups.clone())));
                    }
                    let vals = dml_values(i, &dd, a.pos.get(1), &a.kw)?;
                    Ok(with(i, &dd, &|n| n.values.extend(vals.clone())))
                }),
            ),
            (
                "returning",
                method(owner, "returning", move |i, a| {
                    let dd = d(i, &a)?;
                    for v in &a.pos[1..] {
                        returned(i, v)?;
                    }
                    let cols: Vec<Value> = a.pos[1..].to_vec();
                    Ok(with(i, &dd, &|n| n.returning.extend(cols.clone())))
                }),
            ),
            (
                "execution_options",
                method(owner, "execution_options", move |i, a| {
                    let dd = d(i, &a)?;
                    let opts: Vec<(String, Value)> = a.kw.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
                    Ok(with(i, &dd, &|n| n.execution_options.extend(opts.clone())))
                }),
            ),
            (
                "__str__",
                method(owner, "__str__", move |i, a| {
                    let dd = d(i, &a)?;
                    let (dd, _, _) = with_update_defaults(i, &dd, false)?;
                    Ok(Value::str(&dml_compiled(&dd, true).0))
                }),
            ),
        ],
    )
}

// ----- results -----------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum View {
    Rows,
    Scalars,
    Mappings,
}

fn view_of(interp: &Interp, v: &Value) -> View {
    let c = classes(interp);
    match v {
        Value::Instance(i) if Rc::ptr_eq(&i.class, &c.scalar_result) => View::Scalars,
        Value::Instance(i) if Rc::ptr_eq(&i.class, &c.mapping_result) => View::Mappings,
        _ => View::Rows,
    }
}

/// The error fetching rows of a joined eager collection load without `unique()`.
fn check_unique(interp: &Interp, r: &ResultData) -> PyResult<()> {
    if r.unique_required.get() {
        return Err(orm::sa_error(
            interp,
            "InvalidRequestError",
            "The unique() method must be invoked on this Result, as it contains results that include joined eager loads against collections",
        ));
    }
    Ok(())
}

fn take_all(interp: &Interp, a: &Args) -> PyResult<Vec<Value>> {
    let r = payload::<ResultData>(interp, a, "Result")?;
    check_unique(interp, &r)?;
    let rows: Vec<Value> = r.rows.borrow_mut().drain(..).collect();
    Ok(rows)
}

fn take_one(interp: &Interp, a: &Args) -> PyResult<Option<Value>> {
    let r = payload::<ResultData>(interp, a, "Result")?;
    check_unique(interp, &r)?;
    let v = r.rows.borrow_mut().pop_front();
    Ok(v)
}

fn row_as_mapping(v: &Value) -> Value {
    match v.payload::<RowData>() {
        Some(r) => {
            let mut d = Dict::new();
            for (k, x) in r.keys.iter().zip(r.values.iter()) {
                d.set_str(k, x.clone());
            }
            Value::dict(d)
        }
        None => v.clone(),
    }
}

fn result_method(name: &'static str, f: fn(&mut Interp, &Args, View) -> PyResult<Value>) -> (&'static str, Value) {
    (
        name,
        method("Result", name, move |i, a| {
            let view = view_of(i, &a.pos[0]);
            f(i, &a, view)
        }),
    )
}

fn one_row(interp: &mut Interp, a: &Args, view: View, none_ok: bool) -> PyResult<Value> {
    let rows = take_all(interp, a)?;
    match rows.len() {
        0 if none_ok => Ok(Value::None),
        0 => Err(orm::sa_error(interp, "NoResultFound", "No row was found when one was required")),
        1 => Ok(rows.into_iter().next().unwrap_or(Value::None)),
        _ => Err(orm::sa_error(
            interp,
            "MultipleResultsFound",
            if none_ok {
                "Multiple rows were found when one or none was required"
            } else {
                "Multiple rows were found when exactly one was required"
            },
        )),
    }
    .map(|v| if view == View::Mappings { row_as_mapping(&v) } else { v })
}

/// A row's first value (anything else as it is).
pub fn first_value(v: &Value) -> Value {
    match v.payload::<RowData>() {
        Some(r) => r.values.first().cloned().unwrap_or(Value::None),
        None => v.clone(),
    }
}

fn new_view(interp: &Interp, a: &Args, view: View) -> PyResult<Value> {
    let r = payload::<ResultData>(interp, a, "Result")?;
    let rows: std::collections::VecDeque<Value> = r
        .rows
        .borrow_mut()
        .drain(..)
        .map(|row| match view {
            View::Scalars => first_value(&row),
            _ => row,
        })
        .collect();
    let c = classes(interp);
    let cls = match view {
        View::Scalars => &c.scalar_result,
        View::Mappings => &c.mapping_result,
        View::Rows => &c.result,
    };
    Ok(new_native(
        cls,
        ResultData {
            rows: RefCell::new(rows),
            keys: r.keys.clone(),
            rowcount: r.rowcount,
            unique_required: r.unique_required.get().into(),
        },
    ))
}

fn result_methods() -> Vec<(&'static str, Value)> {
    fn all(i: &mut Interp, a: &Args, view: View) -> PyResult<Value> {
        let rows = take_all(i, a)?;
        Ok(Value::list(if view == View::Mappings { rows.iter().map(row_as_mapping).collect() } else { rows }))
    }
    vec![
        result_method("all", all),
        result_method("fetchall", all),
        result_method("__iter__", |i, a, view| {
            let l = all(i, a, view)?;
            i.call(&i.builtins.get("iter").unwrap_or(Value::None), Args::new(vec![l]))
        }),
        result_method("first", |i, a, view| {
            let rows = take_all(i, a)?;
            let v = rows.into_iter().next().unwrap_or(Value::None);
            Ok(if view == View::Mappings { row_as_mapping(&v) } else { v })
        }),
        result_method("fetchone", |i, a, view| {
            let v = take_one(i, a)?.unwrap_or(Value::None);
            Ok(if view == View::Mappings { row_as_mapping(&v) } else { v })
        }),
        result_method("fetchmany", |i, a, view| {
            let n = match a.pos.get(1) {
                Some(Value::Int(n)) => *n,
                _ => 1,
            };
            let mut out = Vec::new();
            for _ in 0..n {
                match take_one(i, a)? {
                    Some(v) => out.push(if view == View::Mappings { row_as_mapping(&v) } else { v }),
                    None => break,
                }
            }
            Ok(Value::list(out))
        }),
        result_method("one", |i, a, view| one_row(i, a, view, false)),
        result_method("one_or_none", |i, a, view| one_row(i, a, view, true)),
        result_method("scalar_one", |i, a, _| Ok(first_value(&one_row(i, a, View::Rows, false)?))),
        result_method("scalar_one_or_none", |i, a, _| Ok(first_value(&one_row(i, a, View::Rows, true)?))),
        result_method("scalar", |i, a, _| {
            let rows = take_all(i, a)?;
            Ok(rows.first().map(first_value).unwrap_or(Value::None))
        }),
        result_method("scalars", |i, a, _| new_view(i, a, View::Scalars)),
        result_method("mappings", |i, a, _| new_view(i, a, View::Mappings)),
        result_method("unique", |i, a, view| {
            let r = payload::<ResultData>(i, a, "Result")?;
            r.unique_required.set(false);
            let mut seen: Vec<Value> = Vec::new();
            let rows: Vec<Value> = r.rows.borrow_mut().drain(..).collect();
            for row in rows {
                let mut dup = false;
                for s in &seen {
                    if i.eq(s, &row)? {
                        dup = true;
                        break;
                    }
                }
                if !dup {
                    seen.push(row);
                }
            }
            r.rows.borrow_mut().extend(seen);
            let _ = view;
            Ok(a.pos[0].clone())
        }),
        result_method("columns", |i, a, _| {
            // `Result.columns(*col_expressions)`: each row cut down to (and reordered as) the
            // given columns, named by position, key or column expression.
            let r = payload::<ResultData>(i, a, "Result")?;
            let mut picks: Vec<usize> = Vec::new();
            for arg in a.pos.iter().skip(1) {
                let pos = match arg {
                    Value::Int(n) => {
                        let len = r.keys.len() as i64;
                        let n = if *n < 0 { *n + len } else { *n };
                        if n < 0 || n >= len {
                            return Err(i.err("IndexError", "tuple index out of range"));
                        }
                        Some(n as usize)
                    }
                    Value::Str(k) => r.keys.iter().position(|x| **x == **k),
                    other => match super::module::as_clause(other, None) {
                        Clause::Column(c) => r.keys.iter().position(|x| *x == c.key()),
                        _ => None,
                    },
                };
                match pos {
                    Some(p) => picks.push(p),
                    None => {
                        // the result's key map raises the KeyError of the name
                        let cls = i.exc_class("KeyError");
                        return Err(crate::python::interp::PyErr {
                            exc: i.new_exception(&cls, vec![arg.clone()]),
                            traceback: vec![],
                        });
                    }
                }
            }
            let keys: Rc<Vec<String>> = Rc::new(picks.iter().map(|p| r.keys[*p].clone()).collect());
            let rows: std::collections::VecDeque<Value> = r
                .rows
                .borrow_mut()
                .drain(..)
                .map(|row| match row.payload::<RowData>() {
                    Some(rd) => new_row(
                        i,
                        picks.iter().map(|p| rd.values.get(*p).cloned().unwrap_or(Value::None)).collect(),
                        keys.clone(),
                    ),
                    None => row,
                })
                .collect();
            let cls = match &a.pos[0] {
                Value::Instance(inst) => inst.class.clone(),
                _ => classes(i).result.clone(),
            };
            Ok(new_native(
                &cls,
                ResultData {
                    rows: RefCell::new(rows),
                    keys: (*keys).clone(),
                    rowcount: r.rowcount,
                    unique_required: r.unique_required.get().into(),
                },
            ))
        }),
        result_method("keys", |i, a, _| {
            let r = payload::<ResultData>(i, a, "Result")?;
            Ok(new_native(&classes(i).key_view, KeyView(r.keys.clone())))
        }),
        result_method("close", |_, _, _| Ok(Value::None)),
        (
            "__getattr__",
            method("Result", "__getattr__", |i, a| {
                let r = payload::<ResultData>(i, &a, "Result")?;
                match a.pos.get(1).and_then(|v| v.as_str()) {
                    // `rowcount` is `CursorResult`'s (an ORM bulk statement's `IteratorResult`
                    // has none).
                    Some("rowcount") if i.type_name(&a.pos[0]) != "IteratorResult" => Ok(Value::Int(r.rowcount)),
                    Some(other) => {
                        let t = i.type_name(&a.pos[0]);
                        Err(i.err("AttributeError", format!("'{t}' object has no attribute '{other}'")))
                    }
                    None => Ok(Value::None),
                }
            }),
        ),
    ]
}

fn row_class(interp: &Interp) -> Rc<Class> {
    let r = |i: &Interp, a: &Args| payload::<RowData>(i, a, "Row");
    native_class(
        interp,
        "Row",
        "sqlalchemy.engine.row",
        None,
        vec![
            (
                "__repr__",
                method("Row", "__repr__", move |i, a| {
                    let rd = r(i, &a)?;
                    Ok(Value::str(&i.repr(&Value::tuple(rd.values.clone()))?))
                }),
            ),
            (
                "__iter__",
                method("Row", "__iter__", move |i, a| {
                    let rd = r(i, &a)?;
                    let t = Value::tuple(rd.values.clone());
                    i.call(&i.builtins.get("iter").unwrap_or(Value::None), Args::new(vec![t]))
                }),
            ),
            ("__len__", method("Row", "__len__", move |i, a| Ok(Value::Int(r(i, &a)?.values.len() as i64)))),
            (
                "__getitem__",
                method("Row", "__getitem__", move |i, a| {
                    let rd = r(i, &a)?;
                    let t = Value::tuple(rd.values.clone());
                    crate::python::builtins::getitem(i, &t, a.pos.get(1).cloned().unwrap_or(Value::None))
                }),
            ),
            (
                "__eq__",
                method("Row", "__eq__", move |i, a| {
                    let rd = r(i, &a)?;
                    let other = match a.pos.get(1).and_then(|v| v.payload::<RowData>()) {
                        Some(o) => Value::tuple(o.values.clone()),
                        None => a.pos.get(1).cloned().unwrap_or(Value::None),
                    };
                    Ok(Value::Bool(i.eq(&Value::tuple(rd.values.clone()), &other)?))
                }),
            ),
            (
                "__hash__",
                method("Row", "__hash__", move |i, a| {
                    let rd = r(i, &a)?;
                    let h = i.getattr(&Value::tuple(rd.values.clone()), "__hash__")?;
                    i.call(&h, Args::default())
                }),
            ),
            ("_asdict", method("Row", "_asdict", move |_, a| Ok(row_as_mapping(&a.pos[0])))),
            ("_tuple", method("Row", "_tuple", move |i, a| Ok(Value::tuple(r(i, &a)?.values.clone())))),
            (
                "__getattr__",
                method("Row", "__getattr__", move |i, a| {
                    let rd = r(i, &a)?;
                    let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    match name.as_str() {
                        "_mapping" => return Ok(row_as_mapping(&a.pos[0])),
                        "_fields" => return Ok(Value::tuple(rd.keys.iter().map(|k| Value::str(k)).collect())),
                        "_t" => return Ok(Value::tuple(rd.values.clone())),
                        _ => {}
                    }
                    if let Some(p) = rd.keys.iter().position(|k| *k == name) {
                        return Ok(rd.values[p].clone());
                    }
                    // `Row.__getattr__`: the KeyError's argument, the name
                    Err(i.err("AttributeError", name))
                }),
            ),
        ],
    )
}

// ----- functions and conjunctions ----------------------------------------------------------

fn func_object(interp: &Interp) -> Value {
    let cls = native_class(
        interp,
        "_FunctionGenerator",
        "sqlalchemy.sql.functions",
        None,
        vec![(
            "__getattr__",
            method("_FunctionGenerator", "__getattr__", |i, a| {
                let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                if name.starts_with("__") {
                    return Err(i.err("AttributeError", name));
                }
                Ok(func(&name.clone(), move |i, a| {
                    let mut args = Vec::new();
                    for v in &a.pos {
                        args.push(as_clause(v, None));
                    }
                    if args.is_empty() && name.eq_ignore_ascii_case("count") {
                        args.push(Clause::Star);
                    }
                    Ok(expression_value(i, Clause::Function(name.clone(), args)))
                }))
            }),
        )],
    );
    new_native(&cls, ())
}

fn conjunction(interp: &mut Interp, a: &Args, or: bool) -> PyResult<Value> {
    let mut items = Vec::new();
    for v in &a.pos {
        items.push(criterion(interp, v)?);
    }
    let c = match items.len() {
        1 => items.remove(0),
        _ if or => Clause::Or(items),
        _ => Clause::And(items),
    };
    Ok(expression_value(interp, c))
}

/// Adds the 2.0 query API to the `sqlalchemy` module.
pub fn add_to_sqlalchemy(interp: &mut Interp, m: &Rc<Module>) {
    let result = native_class(interp, "Result", "sqlalchemy.engine.result", None, result_methods());
    let cursor_result = native_class(interp, "CursorResult", "sqlalchemy.engine.cursor", Some(&result), vec![]);
    let chunked_result =
        native_class(interp, "ChunkedIteratorResult", "sqlalchemy.engine.result", Some(&result), vec![]);
    let iterator_result = native_class(interp, "IteratorResult", "sqlalchemy.engine.result", Some(&result), vec![]);
    let scalar_result = native_class(interp, "ScalarResult", "sqlalchemy.engine.result", None, result_methods());
    let mapping_result = native_class(interp, "MappingResult", "sqlalchemy.engine.result", None, result_methods());
    let c = Classes {
        select: select_class(interp),
        dml: [
            dml_class(interp, "Update", DmlKind::Update),
            dml_class(interp, "Delete", DmlKind::Delete),
            dml_class(interp, "Insert", DmlKind::Insert),
        ],
        result,
        cursor_result,
        chunked_result,
        iterator_result,
        scalar_result,
        mapping_result,
        row: row_class(interp),
        key_view: key_view_class(interp),
    };
    interp.ext.insert("sqlalchemy.statement", Rc::new(c));
    m.set("select", func("select", select_fn));
    for (name, kind) in [("update", DmlKind::Update), ("delete", DmlKind::Delete), ("insert", DmlKind::Insert)] {
        m.set(
            name,
            func(name, move |i, a| {
                let target = a.pos.first().cloned().unwrap_or(Value::None);
                let (table, mapper) = dml_target(i, &target)?;
                let c = classes(i);
                let idx = match kind {
                    DmlKind::Update => 0,
                    DmlKind::Delete => 1,
                    DmlKind::Insert => 2,
                };
                Ok(new_native(
                    &c.dml[idx],
                    DmlData {
                        kind,
                        table,
                        mapper,
                        where_: vec![],
                        values: vec![],
                        execution_options: vec![],
                        returning: vec![],
                        multi_values: vec![],
                        fetch_pk: false,
                    },
                ))
            }),
        );
    }
    let f = func_object(interp);
    m.set("func", f);
    m.set("and_", func("and_", |i, a| conjunction(i, &a, false)));
    m.set("or_", func("or_", |i, a| conjunction(i, &a, true)));
    m.set(
        "not_",
        func("not_", |i, a| {
            let c = criterion(i, a.pos.first().unwrap_or(&Value::None))?;
            Ok(expression_value(i, c.negate()))
        }),
    );
    for (name, desc) in [("desc", true), ("asc", false)] {
        m.set(
            name,
            func(name, move |i, a| {
                let c = as_clause(a.pos.first().unwrap_or(&Value::None), None);
                Ok(expression_value(i, if desc { Clause::Desc(Box::new(c)) } else { Clause::Asc(Box::new(c)) }))
            }),
        );
    }
    m.set(
        "between",
        func("between", |i, a| {
            let expr = a.pos.first().cloned().unwrap_or(Value::None);
            let f = i.getattr(&expr, "between")?;
            i.call(&f, Args::new(a.pos.get(1..).unwrap_or(&[]).to_vec()))
        }),
    );
    m.set("true", func("true", |i, _| Ok(expression_value(i, Clause::Bool(true)))));
    m.set("false", func("false", |i, _| Ok(expression_value(i, Clause::Bool(false)))));
    m.set("null", func("null", |i, _| Ok(expression_value(i, Clause::Null))));
}

// ----- column operators --------------------------------------------------------------------

/// The SQL expression an operand stands for: a column attribute, an expression object; the
/// column, if any, types the parameters compared with it.
fn left_of(interp: &Interp, v: &Value) -> PyResult<(Clause, Option<Rc<Column>>)> {
    if let Some(c) = v.payload::<Column>() {
        return Ok((Clause::Column(c.clone()), Some(c)));
    }
    if let Some(a) = v.payload::<AttrData>() {
        if let AttrKind::Column(c) = &a.kind {
            return Ok((Clause::Column(c.clone()), Some(c.clone())));
        }
    }
    if let Some(e) = v.payload::<ExprData>() {
        let col = match &e.0 {
            Clause::Column(c) => Some(c.clone()),
            _ => None,
        };
        return Ok((e.0.clone(), col));
    }
    Err(interp.err("NotImplementedError", "this operator works on columns and SQL expressions"))
}

/// `Post.author == some_author` (many-to-one): `? = post.user_id` for each key pair, the
/// parameter first as the lazy clause writes it; `!= some_author` is
/// `post.user_id != ? OR post.user_id IS NULL`; against None, `IS NULL` / `IS NOT NULL`.
fn relationship_compare(interp: &mut Interp, a: &AttrData, other: &Value, negate: bool) -> PyResult<Option<Clause>> {
    let AttrKind::Relationship(r) = &a.kind else { return Ok(None) };
    if let Some(m) = a.mapper.upgrade() {
        configure_for(interp, &m)?;
    }
    let Some(target) = r.target.borrow().clone() else { return Ok(None) };
    if r.direction.get() != orm::Direction::ManyToOne || r.m2m.borrow().is_some() {
        return Ok(None);
    }
    let mut parts = Vec::new();
    for (pk, fk) in r.pairs.borrow().iter() {
        let fk_col = Clause::Column(fk.clone());
        if other.is_none() {
            parts.push(Clause::binary(fk_col, if negate { "IS NOT" } else { "IS" }, Clause::Null));
            continue;
        }
        let key = target.column_key(pk).unwrap_or_else(|| pk.name());
        let val = interp.getattr(other, &key)?;
        let bind = Clause::Bind(val, pk.ty.clone());
        parts.push(if negate {
            Clause::Or(vec![Clause::binary(fk_col.clone(), "!=", bind), Clause::binary(fk_col, "IS", Clause::Null)])
        } else {
            Clause::binary(bind, "=", fk_col)
        });
    }
    Ok(Some(and_of(parts)))
}

/// `Post.tags.contains(tag)` (many-to-many): the association table under an anonymous alias,
/// `post.id = tags_1.post_id AND ? = tags_1.tag_id`.
fn m2m_contains(interp: &mut Interp, r: &orm::Relationship, m2m: &orm::ManyToMany, other: &Value) -> PyResult<Clause> {
    let target = r.target.borrow().clone().ok_or_else(|| interp.err("RuntimeError", "relationship not configured"))?;
    let alias = m2m.table.anonymous_alias();
    let aliased = |c: &Rc<Column>| Clause::Column(alias.column(&c.name()).unwrap_or_else(|| c.clone()));
    let mut parts = Vec::new();
    for (pc, ac) in &m2m.parent_pairs {
        let (p, a) = (Clause::Column(pc.clone()), aliased(ac));
        parts.push(if m2m.parent_assoc_first { Clause::binary(a, "=", p) } else { Clause::binary(p, "=", a) });
    }
    for (tc, ac) in &m2m.target_pairs {
        let key = target.column_key(tc).unwrap_or_else(|| tc.name());
        let val = interp.getattr(other, &key)?;
        let (b, a) = (Clause::Bind(val, tc.ty.clone()), aliased(ac));
        parts.push(if m2m.target_assoc_first { Clause::binary(a, "=", b) } else { Clause::binary(b, "=", a) });
    }
    Ok(and_of(parts))
}

fn compare_op(name: &'static str, op: &'static str) -> (&'static str, Value) {
    (
        name,
        method("ColumnOperators", name, move |i, a| {
            let other = a.pos.get(1).cloned().unwrap_or(Value::None);
            if let Some(ad) = a.pos[0].payload::<AttrData>() {
                if matches!(ad.kind, AttrKind::Relationship(_)) {
                    if let Some(c) = relationship_compare(i, &ad, &other, op == "!=")? {
                        return Ok(expression_value(i, c));
                    }
                }
            }
            let (left, col) = left_of(i, &a.pos[0])?;
            let c = comparison_clause(i, left, op, &other, col.as_deref())?;
            Ok(expression_value(i, c))
        }),
    )
}

fn arith_op(name: &'static str, op: &'static str, reflected: bool) -> (&'static str, Value) {
    (
        name,
        method("ColumnOperators", name, move |i, a| {
            let (left, col) = left_of(i, &a.pos[0])?;
            let other = as_clause(a.pos.get(1).unwrap_or(&Value::None), col.as_deref());
            let op = if op == "+" && matches!(left.sql_type(), SqlType::String(_) | SqlType::Text) { "||" } else { op };
            let c = if reflected { Clause::binary(other, op, left) } else { Clause::binary(left, op, other) };
            Ok(expression_value(i, c))
        }),
    )
}

fn pattern_op(name: &'static str, op: &'static str, ci: bool) -> (&'static str, Value) {
    (
        name,
        method("ColumnOperators", name, move |i, a| {
            let (left, col) = left_of(i, &a.pos[0])?;
            let other = as_clause(a.pos.get(1).unwrap_or(&Value::None), col.as_deref());
            let c = if ci {
                // `ilike_op`, which SQLite's compiler writes `lower(x) LIKE lower(y)`.
                Clause::binary(left, if op == "LIKE" { "ILIKE" } else { "NOT ILIKE" }, other)
            } else {
                Clause::binary(left, op, other)
            };
            Ok(expression_value(i, c))
        }),
    )
}

fn in_op(name: &'static str, negate: bool) -> (&'static str, Value) {
    (
        name,
        method("ColumnOperators", name, move |i, a| {
            let (left, col) = left_of(i, &a.pos[0])?;
            let items = i.iterate(a.pos.get(1).unwrap_or(&Value::None))?;
            let mut binds = Vec::new();
            for v in &items {
                binds.push(bound(i, v, col.as_deref())?);
            }
            Ok(expression_value(i, Clause::In(Box::new(left), binds, negate)))
        }),
    )
}

/// The operators of columns and SQL expressions (`ColumnOperators`).
pub fn column_operators() -> Vec<(&'static str, Value)> {
    let mut v = vec![
        compare_op("__eq__", "="),
        compare_op("__ne__", "!="),
        compare_op("__lt__", "<"),
        compare_op("__le__", "<="),
        compare_op("__gt__", ">"),
        compare_op("__ge__", ">="),
        compare_op("is_", "IS"),
        compare_op("is_not", "IS NOT"),
        compare_op("isnot", "IS NOT"),
        arith_op("__add__", "+", false),
        arith_op("__radd__", "+", true),
        arith_op("__sub__", "-", false),
        arith_op("__rsub__", "-", true),
        arith_op("__mul__", "*", false),
        arith_op("__rmul__", "*", true),
        arith_op("__truediv__", "/", false),
        arith_op("__mod__", "%", false),
        pattern_op("like", "LIKE", false),
        pattern_op("not_like", "NOT LIKE", false),
        pattern_op("ilike", "LIKE", true),
        pattern_op("not_ilike", "NOT LIKE", true),
        pattern_op("notlike", "NOT LIKE", false),
        pattern_op("notilike", "NOT LIKE", true),
        pattern_op("startswith", "startswith", false),
        pattern_op("endswith", "endswith", false),
        in_op("in_", false),
        in_op("not_in", true),
        in_op("notin_", true),
    ];
    v.push((
        "contains",
        method("ColumnOperators", "contains", |i, a| {
            let other = a.pos.get(1).cloned().unwrap_or(Value::None);
            if let Some(ad) = a.pos[0].payload::<AttrData>() {
                if let AttrKind::Relationship(r) = &ad.kind {
                    // `Author.posts.contains(post)`: the parent's key equals the child's foreign key.
                    if let Some(m) = ad.mapper.upgrade() {
                        configure_for(i, &m)?;
                    }
                    if let Some(m2m) = r.m2m.borrow().clone() {
                        let c = m2m_contains(i, r, &m2m, &other)?;
                        return Ok(expression_value(i, c));
                    }
                    let target = r.target.borrow().clone();
                    let mut parts = Vec::new();
                    if let Some(target) = target {
                        for (pk, fk) in r.pairs.borrow().iter() {
                            let key = target.column_key(fk).unwrap_or_else(|| fk.name());
                            let val = i.getattr(&other, &key)?;
                            parts.push(comparison_clause(i, Clause::Column(pk.clone()), "=", &val, Some(pk))?);
                        }
                    }
                    return Ok(expression_value(i, and_of(parts)));
                }
            }
            let (left, col) = left_of(i, &a.pos[0])?;
            let right = as_clause(&other, col.as_deref());
            Ok(expression_value(i, Clause::binary(left, "contains", right)))
        }),
    ));
    v.push((
        "between",
        method("ColumnOperators", "between", |i, a| {
            let (left, col) = left_of(i, &a.pos[0])?;
            let lo = bound(i, a.pos.get(1).unwrap_or(&Value::None), col.as_deref())?;
            let hi = bound(i, a.pos.get(2).unwrap_or(&Value::None), col.as_deref())?;
            Ok(expression_value(i, Clause::Between(Box::new(left), Box::new(lo), Box::new(hi), false)))
        }),
    ));
    v.push((
        "desc",
        method("ColumnOperators", "desc", |i, a| {
            let (left, _) = left_of(i, &a.pos[0])?;
            Ok(expression_value(i, Clause::Desc(Box::new(left))))
        }),
    ));
    v.push((
        "asc",
        method("ColumnOperators", "asc", |i, a| {
            let (left, _) = left_of(i, &a.pos[0])?;
            Ok(expression_value(i, Clause::Asc(Box::new(left))))
        }),
    ));
    v.push((
        "distinct",
        method("ColumnOperators", "distinct", |i, a| {
            let (left, _) = left_of(i, &a.pos[0])?;
            Ok(expression_value(i, Clause::Distinct(Box::new(left))))
        }),
    ));
    v.push((
        "label",
        method("ColumnOperators", "label", |i, a| {
            let (left, _) = left_of(i, &a.pos[0])?;
            let name = match a.pos.get(1) {
                Some(Value::Str(s)) => s.to_string(),
                _ => return Err(i.type_error("label() expects a name")),
            };
            Ok(expression_value(i, Clause::Label(Box::new(left), name)))
        }),
    ));
    v.push((
        "__invert__",
        method("ColumnOperators", "__invert__", |i, a| {
            let (left, _) = left_of(i, &a.pos[0])?;
            Ok(expression_value(i, left.negate()))
        }),
    ));
    v.push((
        "__and__",
        method("ColumnOperators", "__and__", |i, a| {
            let l = criterion(i, &a.pos[0])?;
            let r = criterion(i, a.pos.get(1).unwrap_or(&Value::None))?;
            Ok(expression_value(i, Clause::And(vec![l, r])))
        }),
    ));
    v.push((
        "__or__",
        method("ColumnOperators", "__or__", |i, a| {
            let l = criterion(i, &a.pos[0])?;
            let r = criterion(i, a.pos.get(1).unwrap_or(&Value::None))?;
            Ok(expression_value(i, Clause::Or(vec![l, r])))
        }),
    ));
    v.push((
        "__str__",
        method("ColumnOperators", "__str__", |i, a| {
            let (left, _) = left_of(i, &a.pos[0])?;
            Ok(Value::str(&SqlCompiler::string().expression_string(&left)))
        }),
    ));
    v
}

// ----- the legacy Query's 2.x additions ----------------------------------------------------

/// werkzeug's `NotFound` (Flask-SQLAlchemy's `abort(404)`), imported as Python would.
fn not_found(interp: &mut Interp, description: Option<Value>) -> crate::python::interp::PyErr {
    let cls = interp
        .import_module("werkzeug.exceptions")
        .ok()
        .and_then(|m| m.get("NotFound"))
        .and_then(|c| c.as_class().cloned());
    match cls {
        Some(c) => crate::python::interp::PyErr {
            exc: interp.new_exception(&c, description.into_iter().collect()),
            traceback: vec![],
        },
        None => interp.err("RuntimeError", "404 Not Found"),
    }
}

/// `session.query(User.name, ...)`: a legacy query returning rows.
pub fn entity_query(interp: &mut Interp, s: &Rc<SessionData>, items: &[Value]) -> PyResult<Value> {
    let mut entities = Vec::new();
    let mut mapper = None;
    for v in items {
        if mapper.is_none() {
            mapper = mapper_of(v)
                .or_else(|| v.payload::<AliasedData>().map(|d| d.mapper.clone()))
                .or_else(|| v.payload::<AttrData>().and_then(|a| a.mapper.upgrade()));
        }
        entities.extend(entity_of(interp, v)?);
    }
    let Some(mapper) = mapper else {
        return Err(orm::sa_error(interp, "ArgumentError", "Query expects a mapped class or column attributes"));
    };
    let q = super::module::new_query(interp, s, &mapper)?;
    let qd = q.payload::<QueryData>().ok_or_else(|| interp.type_error("bad query"))?;
    Ok(query_with(interp, &qd, |n| n.extra.entities = Some(entities)))
}

fn qd(interp: &Interp, a: &Args) -> PyResult<Rc<QueryData>> {
    payload::<QueryData>(interp, a, "Query")
}

/// `Query.join` / `outerjoin` / `distinct` / `group_by` / `having`, and Flask-SQLAlchemy's
/// `first_or_404`, `get_or_404`, `one_or_404`, `paginate`.
pub fn legacy_query_methods() -> Vec<(&'static str, Value)> {
    let join = |name: &'static str, outer_default: bool| {
        (
            name,
            method("Query", name, move |i, mut a| {
                let q = qd(i, &a)?;
                let isouter = match a.take_kw("isouter") {
                    Some(v) => i.truthy(&v)?,
                    None => outer_default,
                };
                let target = a.pos.get(1).cloned().unwrap_or(Value::None);
                let on = a.pos.get(2).cloned();
                let (joins, _) = join_spec(i, &target, on.as_ref(), isouter)?;
                Ok(query_with(i, &q, |n| n.extra.joins.extend(joins)))
            }),
        )
    };
    vec![
        join("join", false),
        join("outerjoin", true),
        (
            "options",
            method("Query", "options", |i, a| {
                let q = qd(i, &a)?;
                let opts = super::strategies::options_of(i, &a.pos[1..])?;
                Ok(query_with(i, &q, |n| n.extra.options.extend(opts)))
            }),
        ),
        (
            "distinct",
            method("Query", "distinct", |i, a| {
                let q = qd(i, &a)?;
                Ok(query_with(i, &q, |n| n.extra.distinct = true))
            }),
        ),
        (
            "group_by",
            method("Query", "group_by", |i, a| {
                let q = qd(i, &a)?;
                let items: Vec<Clause> = a.pos[1..]
                    .iter()
                    .flat_map(|v| entity_columns(v).unwrap_or_else(|| vec![as_clause(v, None)]))
                    .collect();
                Ok(query_with(i, &q, |n| n.extra.group_by.extend(items)))
            }),
        ),
        (
            "having",
            method("Query", "having", |i, a| {
                let q = qd(i, &a)?;
                let mut items = Vec::new();
                for v in &a.pos[1..] {
                    items.push(criterion(i, v)?);
                }
                Ok(query_with(i, &q, |n| n.extra.having.extend(items)))
            }),
        ),
        (
            "first_or_404",
            method("Query", "first_or_404", |i, mut a| {
                let q = qd(i, &a)?;
                let description = a.take_kw("description");
                let rows = run_query(i, &q, true)?;
                match rows.into_iter().next() {
                    Some(v) => Ok(v),
                    None => Err(not_found(i, description)),
                }
            }),
        ),
        (
            "one_or_404",
            method("Query", "one_or_404", |i, mut a| {
                let q = qd(i, &a)?;
                let description = a.take_kw("description");
                let rows = run_query(i, &q, false)?;
                if rows.len() == 1 {
                    return Ok(rows.into_iter().next().unwrap_or(Value::None));
                }
                Err(not_found(i, description))
            }),
        ),
        (
            "get_or_404",
            method("Query", "get_or_404", |i, mut a| {
                let q = qd(i, &a)?;
                let description = a.take_kw("description");
                i.warn(
                    "sqlalchemy.exc.LegacyAPIWarning",
                    "The Query.get() method is considered legacy as of the 1.x series of SQLAlchemy and becomes a legacy construct in 2.0. The method is now available as Session.get() (deprecated since: 2.0) (Background on SQLAlchemy 2.0 at: https://sqlalche.me/e/b8d9)",
                );
                let ident = a.pos.get(1).cloned().unwrap_or(Value::None);
                let found = orm::session_get(i, &q.session, &q.mapper, &ident, LabelStyle::None)?;
                if found.is_none() {
                    return Err(not_found(i, description));
                }
                Ok(found)
            }),
        ),
        (
            "paginate",
            method("Query", "paginate", |i, mut a| {
                let q = qd(i, &a)?;
                let args = page_args(i, &mut a)?;
                let offset = (args.page - 1) * args.per_page;
                let page_query = QueryData {
                    session: q.session.clone(),
                    mapper: q.mapper.clone(),
                    where_: q.where_.clone(),
                    order_by: q.order_by.clone(),
                    limit: Some(args.per_page),
                    offset: Some(offset),
                    appender: q.appender.clone(),
                    extra: q.extra.clone(),
                };
                let items = run_query(i, &page_query, false)?;
                let count_query = QueryData { limit: q.limit, offset: q.offset, order_by: vec![], ..page_query };
                make_pagination(i, "QueryPagination", &args, items, |i| super::module::query_count(i, &count_query))
            }),
        ),
    ]
}

/// `page`, `per_page`, `max_per_page`, `error_out`, `count` as Flask-SQLAlchemy's
/// `_prepare_page_args` settles them outside a request.
pub struct PageArgs {
    pub page: i64,
    pub per_page: i64,
    pub max_per_page: Option<i64>,
    pub error_out: bool,
    pub count: bool,
}

/// Reads the paginate() keywords.
pub fn page_args(interp: &mut Interp, a: &mut Args) -> PyResult<PageArgs> {
    let int = |interp: &Interp, v: Option<Value>| -> PyResult<Option<i64>> {
        match v {
            None | Some(Value::None) => Ok(None),
            Some(v) => crate::python::builtins::to_index(interp, &v).map(Some),
        }
    };
    let page = int(interp, a.take_kw("page"))?;
    let per_page = int(interp, a.take_kw("per_page"))?;
    let max_per_page = int(interp, a.take_kw("max_per_page"))?;
    let error_out = match a.take_kw("error_out") {
        Some(v) => interp.truthy(&v)?,
        None => true,
    };
    let count = match a.take_kw("count") {
        Some(v) => interp.truthy(&v)?,
        None => true,
    };
    let mut page = page.unwrap_or(1);
    let mut per_page = per_page.unwrap_or(20);
    if let Some(m) = max_per_page {
        per_page = per_page.min(m);
    }
    if page < 1 {
        if error_out {
            return Err(not_found(interp, None));
        }
        page = 1;
    }
    if per_page < 1 {
        if error_out {
            return Err(not_found(interp, None));
        }
        per_page = 20;
    }
    Ok(PageArgs { page, per_page, max_per_page, error_out, count })
}

const PAGINATION_SOURCE: &str = r#"
class Pagination:
    def __init__(self, page, per_page, max_per_page, items, total):
        self.page = page
        self.per_page = per_page
        self.max_per_page = max_per_page
        self.items = items
        self.total = total

    @property
    def first(self):
        if len(self.items) == 0:
            return 0
        return (self.page - 1) * self.per_page + 1

    @property
    def last(self):
        first = self.first
        return max(first, first + len(self.items) - 1)

    @property
    def pages(self):
        if self.total == 0 or self.total is None:
            return 0
        return -(-self.total // self.per_page)

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def prev_num(self):
        if not self.has_prev:
            return None
        return self.page - 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def next_num(self):
        if not self.has_next:
            return None
        return self.page + 1

    def iter_pages(self, *, left_edge=2, left_current=2, right_current=4, right_edge=2):
        out = []
        pages_end = self.pages + 1
        if pages_end == 1:
            return iter(out)
        left_end = min(1 + left_edge, pages_end)
        out.extend(range(1, left_end))
        if left_end == pages_end:
            return iter(out)
        mid_start = max(left_end, self.page - left_current)
        mid_end = min(self.page + right_current + 1, pages_end)
        if mid_start - left_end > 0:
            out.append(None)
        out.extend(range(mid_start, mid_end))
        if mid_end == pages_end:
            return iter(out)
        right_start = max(mid_end, pages_end - right_edge)
        if right_start - mid_end > 0:
            out.append(None)
        out.extend(range(right_start, pages_end))
        return iter(out)

    def __iter__(self):
        return iter(self.items)


class SelectPagination(Pagination):
    pass


class QueryPagination(Pagination):
    pass
"#;

fn pagination_module(interp: &mut Interp) -> PyResult<Rc<Module>> {
    if let Some(m) = interp.modules.get("flask_sqlalchemy.pagination") {
        return Ok(m.clone());
    }
    let file = "<site-packages>/flask_sqlalchemy/pagination.py";
    let m = Module::new("flask_sqlalchemy.pagination", Some(file.to_string()));
    m.set("__builtins__", Value::Module(interp.builtins.clone()));
    interp.modules.insert("flask_sqlalchemy.pagination".into(), m.clone());
    interp.exec_source(PAGINATION_SOURCE, file, &m, false)?;
    Ok(m)
}

/// Builds a Flask-SQLAlchemy `Pagination` of `items`, counting the total with `count` unless
/// `count=False`; an empty page past the first is a 404 when `error_out`.
pub fn make_pagination(
    interp: &mut Interp,
    class: &str,
    args: &PageArgs,
    items: Vec<Value>,
    count: impl FnOnce(&mut Interp) -> PyResult<Value>,
) -> PyResult<Value> {
    if items.is_empty() && args.page != 1 && args.error_out {
        return Err(not_found(interp, None));
    }
    let total = if args.count { count(interp)? } else { Value::None };
    let m = pagination_module(interp)?;
    let cls = m.get(class).ok_or_else(|| interp.err("RuntimeError", "no pagination class"))?;
    interp.call(
        &cls,
        Args::new(vec![
            Value::Int(args.page),
            Value::Int(args.per_page),
            args.max_per_page.map(Value::Int).unwrap_or(Value::None),
            Value::list(items),
            total,
        ]),
    )
}

/// `db.paginate(select, ...)`: a page of `session.execute(select.limit().offset()).scalars()`,
/// the total from `SELECT count(*)` over the unordered statement as a subquery.
pub fn paginate_select(interp: &mut Interp, s: &Rc<SessionData>, stmt: &Value, mut a: Args) -> PyResult<Value> {
    let sd = stmt.payload::<SelectData>().ok_or_else(|| interp.type_error("paginate() expects a select()"))?;
    let args = page_args(interp, &mut a)?;
    // A write-only collection's select() reads its parent's key once, for both queries.
    orm::autoflush(interp, s)?;
    let sd = match with_parent_key(interp, &sd)? {
        Some(resolved) => Rc::new(resolved),
        None => sd,
    };
    let mut page = (*sd).clone();
    page.stmt.limit = Some(Clause::Bind(Value::Int(args.per_page), SqlType::Integer));
    page.stmt.offset = Some(Clause::Bind(Value::Int((args.page - 1) * args.per_page), SqlType::Integer));
    let rows = select_rows(interp, s, &page)?;
    let items: Vec<Value> = rows.iter().map(first_value).collect();
    let mut counted = (*sd).clone();
    counted.stmt.order_by.clear();
    make_pagination(interp, "SelectPagination", &args, items, move |i| {
        // The subquery labels its columns with their names.
        let mut inner = counted.stmt.clone();
        inner.columns = inner
            .columns
            .into_iter()
            .map(|c| match &c {
                Clause::Column(col) => Clause::Label(Box::new(c.clone()), col.name()),
                _ => c,
            })
            .collect();
        let compiled = SqlCompiler::default().select(&inner);
        let sql = format!("SELECT count(*) AS count_1 \nFROM ({}) AS anon_1", compiled.sql);
        let r = orm::execute_in_session(i, s, &sql, compiled.params)?;
        Ok(r.rows.first().and_then(|row| row.first()).map(super::types::untyped_result).unwrap_or(Value::Int(0)))
    })
}

/// `db.first_or_404(select)` / `db.one_or_404(select)`: the first scalar, else a 404.
pub fn select_or_404(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    stmt: &Value,
    one: bool,
    description: Option<Value>,
) -> PyResult<Value> {
    let sd = stmt.payload::<SelectData>().ok_or_else(|| interp.type_error("expected a select()"))?;
    let rows = select_rows(interp, s, &sd)?;
    if rows.is_empty() || (one && rows.len() > 1) {
        return Err(not_found(interp, description));
    }
    Ok(first_value(&rows[0]))
}

/// `Session.new` / `dirty` / `deleted`: an `IdentitySet` of the objects.
pub fn identity_set(interp: &mut Interp, objs: Vec<Value>) -> Value {
    let cls = match interp.ext.get("sqlalchemy.identity_set").and_then(|e| e.clone().downcast::<Rc<Class>>().ok()) {
        Some(c) => (*c).clone(),
        None => {
            let c = native_class(
                interp,
                "IdentitySet",
                "sqlalchemy.util._collections_cy",
                None,
                vec![
                    (
                        "__repr__",
                        method("IdentitySet", "__repr__", |i, a| {
                            let items = a.pos[0].payload::<Vec<Value>>().map(|v| (*v).clone()).unwrap_or_default();
                            let r = i.repr(&Value::list(items))?;
                            Ok(Value::str(&format!("IdentitySet({r})")))
                        }),
                    ),
                    (
                        "__iter__",
                        method("IdentitySet", "__iter__", |i, a| {
                            let items = a.pos[0].payload::<Vec<Value>>().map(|v| (*v).clone()).unwrap_or_default();
                            i.call(&i.builtins.get("iter").unwrap_or(Value::None), Args::new(vec![Value::list(items)]))
                        }),
                    ),
                    (
                        "__len__",
                        method("IdentitySet", "__len__", |_, a| {
                            Ok(Value::Int(a.pos[0].payload::<Vec<Value>>().map(|v| v.len()).unwrap_or(0) as i64))
                        }),
                    ),
                    (
                        "__contains__",
                        method("IdentitySet", "__contains__", |_, a| {
                            let items = a.pos[0].payload::<Vec<Value>>().map(|v| (*v).clone()).unwrap_or_default();
                            let x = a.pos.get(1).cloned().unwrap_or(Value::None);
                            Ok(Value::Bool(items.iter().any(|v| v.is(&x))))
                        }),
                    ),
                ],
            );
            interp.ext.insert("sqlalchemy.identity_set", Rc::new(c.clone()));
            c
        }
    };
    new_native(&cls, objs)
}
