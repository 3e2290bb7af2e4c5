//! Relationship loader strategies (`orm/strategies.py`, `orm/strategy_options.py`): which
//! loader each relationship uses for a query (its `lazy=` argument, or a loader option such as
//! `joinedload()`), and the eager loaders that run with the query: `JoinedLoader` (a LEFT OUTER
//! JOIN to an anonymous alias in the same SELECT), `SubqueryLoader` (a second query joined to
//! the first one as a subquery, when the first row is processed) and `SelectInLoader` (a query
//! with `IN` of the parents' keys, after all rows are loaded). `LazyLoader`, `NoLoader` and
//! `RaiseLoader` act on attribute access (`orm::attribute_get`).

use std::rc::Rc;

use super::orm::{
    self, check_active, instance_from_row_new, instance_state, order_by_clauses, Direction, Mapper, Relationship,
    SessionData,
};
use super::schema::Column;
use super::sql::{Clause, EagerJoin, EagerSecondary, Join, LabelStyle, Select, SqlCompiler};
use super::types::untyped_result;
use crate::db::SqlValue;
use crate::python::builtins::{func, method, native_class, new_native};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, HashKey, Module, Value};

/// A loader option (`joinedload(User.posts)`): the relationship and the strategy it asks for.
#[derive(Clone)]
pub struct LoaderOption {
    pub rel: Rc<Relationship>,
    /// `joined`, `selectin`, `subquery`, `select`, `noload`, `raise`, `raise_on_sql`.
    pub strategy: &'static str,
    /// `joinedload(..., innerjoin=True)`: an inner JOIN.
    pub innerjoin: bool,
    /// Where in its chain the option stands (`joinedload(User.posts).selectinload(Post.tags)`:
    /// 0 and 1): eager loads of a query apply it that many relationships from the entity.
    pub depth: usize,
    /// `raiseload('*')`: every relationship no other option names, from `depth` on (`rel` is
    /// then a placeholder).
    pub wildcard: bool,
}

/// How many parent keys one `IN` of the selectin loader carries (`SelectInLoader._chunksize`).
const SELECTIN_CHUNK: usize = 500;

/// The strategy `r` loads with in a query: an option naming it, else its `lazy=`. `explicit`
/// says an option asked for it (eager defaults stop at a mapper already on the load path).
pub fn strategy_for(r: &Rc<Relationship>, options: &[LoaderOption]) -> (String, bool) {
    if let Some(o) = options.iter().rev().find(|o| !o.wildcard && Rc::ptr_eq(&o.rel, r)) {
        return (o.strategy.to_string(), true);
    }
    match options.iter().rev().find(|o| o.wildcard).filter(|_| !r.is_appender()) {
        Some(o) => (o.strategy.to_string(), false),
        None => (r.lazy(), false),
    }
}

/// [`strategy_for`] at `depth` relationships from the query's entity: only options of that
/// place in their chains apply (SQLAlchemy matches an option's path).
pub fn strategy_at(r: &Rc<Relationship>, options: &[LoaderOption], depth: usize) -> (String, bool) {
    if let Some(o) = options.iter().rev().find(|o| !o.wildcard && Rc::ptr_eq(&o.rel, r) && o.depth == depth) {
        return (o.strategy.to_string(), true);
    }
    match options.iter().rev().find(|o| o.wildcard && o.depth <= depth).filter(|_| !r.is_appender()) {
        Some(o) => (o.strategy.to_string(), false),
        None => (r.lazy(), false),
    }
}

/// The relationships of `mapper` loaded eagerly with `strategy` in a query along `path` (the
/// mappers loaded so far): a default eager loader does not reach a mapper already on the path
/// (SQLAlchemy's guard against endless self-referential and backref loops).
fn eager(
    mapper: &Rc<Mapper>,
    options: &[LoaderOption],
    path: &[usize],
    strategy: &str,
    depth: usize,
) -> Vec<Rc<Relationship>> {
    let rels = mapper.relationships.borrow().clone();
    rels.into_iter()
        .filter(|r| {
            let (s, explicit) = strategy_at(r, options, depth);
            let target = r.target.borrow().clone();
            s == strategy && target.map(|t| explicit || !path.contains(&t.id)).unwrap_or(false)
        })
        .collect()
}

/// A relationship a joined eager load brings, and the join it hangs from (None: the query's
/// entity).
pub struct Joined {
    pub rel: Rc<Relationship>,
    pub parent: Option<usize>,
}

/// `JoinedLoader`: adds a `LEFT OUTER JOIN target AS target_N` (an inner `JOIN` with
/// `innerjoin=True`) for each joined-eager relationship of `mapper`, and of the targets
/// joined so (a many-to-many one joins `(assoc AS assoc_N JOIN target AS target_N ON ...)`);
/// returns them in join order, as `select.eager_joins`.
pub fn add_joined(
    interp: &mut Interp,
    mapper: &Rc<Mapper>,
    select: &mut Select,
    options: &[LoaderOption],
    path: &[usize],
) -> Vec<Joined> {
    let mut out = Vec::new();
    add_joined_at(interp, mapper, select, options, path, 0, None, &mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn add_joined_at(
    interp: &mut Interp,
    mapper: &Rc<Mapper>,
    select: &mut Select,
    options: &[LoaderOption],
    path: &[usize],
    depth: usize,
    parent: Option<usize>,
    out: &mut Vec<Joined>,
) {
    let mut path = path.to_vec();
    path.push(mapper.id);
    // A joined collection the cycle check stops still counts as a multi-row eager loader
    // (`multi_row_eager_loaders` is set before the check): the join it would hang from then
    // wraps a LIMIT and needs `unique()`.
    if let Some(at) = parent {
        let stopped = mapper.relationships.borrow().iter().any(|r| {
            let (s, explicit) = strategy_at(r, options, depth);
            s == "joined"
                && !explicit
                && r.uselist()
                && r.target.borrow().as_ref().map(|t| path.contains(&t.id)).unwrap_or(false)
        });
        if stopped {
            select.eager_joins[at].collection = true;
        }
    }
    for r in eager(mapper, options, &path, "joined", depth) {
        let Some(target) = r.target.borrow().clone() else { continue };
        let n = select.eager_joins.iter().filter(|j| j.target.name == target.table.name).count() + 1;
        let many_to_one = r.direction.get() == Direction::ManyToOne;
        let m2m = r.m2m.borrow().clone();
        let (on, secondary) = match m2m {
            Some(m) => {
                let k = select
                    .eager_joins
                    .iter()
                    .filter(|j| {
                        j.secondary.as_ref().and_then(|x| x.alias.alias_of.clone()).as_deref() == Some(&m.table.name)
                    })
                    .count()
                    + 1;
                let alias = m.table.alias(&format!("{}_{k}", m.table.name));
                let acol = |c: &Rc<Column>| alias.column(&c.name()).unwrap_or_else(|| c.clone());
                let on = m
                    .parent_pairs
                    .iter()
                    .map(|(pc, ac)| {
                        let (p, a) = ((pc.clone(), false), (acol(ac), false));
                        if m.parent_assoc_first {
                            (a, p)
                        } else {
                            (p, a)
                        }
                    })
                    .collect();
                let inner = m
                    .target_pairs
                    .iter()
                    .map(|(tc, ac)| {
                        let (t, a) = ((tc.clone(), true), (acol(ac), false));
                        if m.target_assoc_first {
                            (a, t)
                        } else {
                            (t, a)
                        }
                    })
                    .collect();
                (on, Some(EagerSecondary { alias: alias.clone(), on: inner }))
            }
            None => {
                // Each pair is (referenced, foreign key): the target holds the foreign key of a
                // one-to-many and the referenced column of a many-to-one.
                let on = r
                    .pairs
                    .borrow()
                    .iter()
                    .map(|(referenced, fk)| {
                        let (a, b) = ((referenced.clone(), many_to_one), (fk.clone(), !many_to_one));
                        if r.fk_first.get() {
                            (b, a)
                        } else {
                            (a, b)
                        }
                    })
                    .collect();
                (on, None)
            }
        };
        let innerjoin = options
            .iter()
            .rev()
            .find(|o| !o.wildcard && Rc::ptr_eq(&o.rel, &r) && o.depth == depth)
            .map(|o| o.innerjoin)
            .unwrap_or(r.args.innerjoin);
        let order_by = match mapper.registry.upgrade() {
            Some(reg) => order_by_clauses(interp, &reg, &r.args.order_by).unwrap_or_default(),
            None => Vec::new(),
        };
        select.eager_joins.push(EagerJoin {
            alias: format!("{}_{n}", target.table.name),
            target: target.table.clone(),
            on,
            collection: r.uselist(),
            secondary,
            parent,
            inner: innerjoin,
            order_by,
        });
        let at = select.eager_joins.len() - 1;
        out.push(Joined { rel: r.clone(), parent });
        add_joined_at(interp, &target, select, options, &path, depth + 1, Some(at), out);
    }
}

/// Does the query load a collection with a joined eager load (its result then needs
/// `unique()`)?
pub fn joins_collection(joined: &[Joined]) -> bool {
    joined.iter().any(|j| j.rel.uselist())
}

/// Runs a SELECT of `mapper`'s entities with its eager loaders: the rows' objects (one per
/// row, repeated when a joined collection repeats its parent) and whether a joined collection
/// was loaded.
pub fn load(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    select: &Select,
    options: &[LoaderOption],
    path: &[usize],
) -> PyResult<(Vec<Value>, bool)> {
    check_active(interp, s)?;
    super::orm::check_joins(interp, s, select)?;
    let mut select = select.clone();
    // A single-table subclass loads only its own rows (`_single_table_criterion`).
    if let Some(c) = mapper.single_table_criterion() {
        select.where_.push(c);
    }
    let plain = select.clone();
    // A joined loader's cycle check looks at this query's own path only (a lazy load's query
    // starts a new one); post loaders see the whole path.
    let mut joined = add_joined(interp, mapper, &mut select, options, &[]);
    // `contains_eager()`: the query's own JOIN brings the related rows; their columns come
    // before the entity's.
    let contains: Vec<Rc<Relationship>> = mapper
        .relationships
        .borrow()
        .iter()
        .filter(|r| strategy_at(r, options, 0).0 == "contains_eager" && r.target.borrow().is_some())
        .cloned()
        .collect();
    let mut lead = 0;
    let mut contains_at = Vec::with_capacity(contains.len());
    if !contains.is_empty() {
        let mut columns = Vec::new();
        for r in &contains {
            let Some(target) = r.target.borrow().clone() else { continue };
            contains_at.push(lead);
            columns.extend(target.columns.iter().map(|(_, c)| Clause::Column(c.clone())));
            lead += target.columns.len();
        }
        columns.append(&mut select.columns);
        select.columns = columns;
    }
    let compiled = SqlCompiler::default().select(&select);
    let result = orm::execute_in_session(interp, s, &compiled.sql, compiled.params)?;
    let n = mapper.columns.len();
    // Where each join's columns start in a row (nested joins' columns come before their
    // parent's).
    let mut offsets = vec![0usize; joined.len()];
    let mut at = lead + n;
    for k in super::sql::eager_column_order(&select.eager_joins) {
        offsets[k] = at;
        at += select.eager_joins[k].target.columns.borrow().len();
    }
    for (r, at) in contains.into_iter().zip(contains_at) {
        joined.push(Joined { rel: r, parent: None });
        offsets.push(at);
    }
    let mut objs: Vec<Value> = Vec::with_capacity(result.rows.len());
    // The entity's objects in order of first appearance, and whether each was new.
    let mut parents: Vec<(Value, bool)> = Vec::new();
    // For each join: (parent object, whether it was new, the children it gathered).
    type Gathered = Vec<(Value, bool, Vec<Value>)>;
    let mut gathered: Vec<Gathered> = (0..joined.len()).map(|_| Vec::new()).collect();
    // Every object each joined relationship brought, in order of appearance.
    let mut joined_children: Vec<Vec<(Value, bool)>> = vec![Vec::new(); joined.len()];
    for row in &result.rows {
        let own = row.get(lead.min(row.len())..(lead + n).min(row.len())).unwrap_or(&[]);
        let (obj, new) = instance_from_row_new(interp, s, mapper, own)?;
        if !parents.iter().any(|(p, _)| p.is(&obj)) {
            parents.push((obj.clone(), new));
        }
        let mut row_objs: Vec<Option<(Value, bool)>> = vec![None; joined.len()];
        for (k, j) in joined.iter().enumerate() {
            let parent = match j.parent {
                None => Some((obj.clone(), new)),
                Some(p) => row_objs[p].clone(),
            };
            let Some((parent, parent_new)) = parent else { continue };
            let Some(target) = j.rel.target.borrow().clone() else { continue };
            let w = target.columns.len();
            let part = row.get(offsets[k]..(offsets[k] + w).min(row.len())).unwrap_or(&[]);
            let null = target.table.primary_key().iter().all(|pk| {
                target
                    .columns
                    .iter()
                    .position(|(_, c)| Rc::ptr_eq(c, pk))
                    .and_then(|i| part.get(i))
                    .map(|v| *v == SqlValue::Null)
                    .unwrap_or(true)
            });
            let child = if null {
                None
            } else {
                let (c, cnew) = instance_from_row_new(interp, s, &target, part)?;
                if !joined_children[k].iter().any(|(x, _)| x.is(&c)) {
                    joined_children[k].push((c.clone(), cnew));
                }
                row_objs[k] = Some((c.clone(), cnew));
                Some(c)
            };
            let entry = match gathered[k].iter().position(|(p, _, _)| p.is(&parent)) {
                Some(i) => i,
                None => {
                    gathered[k].push((parent, parent_new, Vec::new()));
                    gathered[k].len() - 1
                }
            };
            let list = &mut gathered[k][entry].2;
            if let Some(c) = child {
                if !list.iter().any(|x| x.is(&c)) {
                    list.push(c);
                }
            }
        }
        objs.push(obj);
    }
    for (j, entries) in joined.iter().zip(gathered) {
        for (parent, new, list) in entries {
            populate(&parent, new, &j.rel, list);
        }
    }
    keep_options(&parents, options);
    let mut sub_path = path.to_vec();
    sub_path.push(mapper.id);
    post_loads(interp, s, mapper, &parents, Some(&plain), options, &sub_path, 0)?;
    // The objects a joined load brought run their own post loaders (`joinedload(User.posts)
    // .selectinload(Post.tags)`), one step further along the path.
    for (k, j) in joined.iter().enumerate() {
        let Some(target) = j.rel.target.borrow().clone() else { continue };
        let mut chain = vec![target.id];
        let mut up = j.parent;
        while let Some(p) = up {
            if let Some(t) = joined[p].rel.target.borrow().clone() {
                chain.push(t.id);
            }
            up = joined[p].parent;
        }
        let depth = chain.len();
        chain.reverse();
        let mut next = sub_path.clone();
        next.extend(chain);
        keep_options(&joined_children[k], options);
        post_loads(interp, s, &target, &joined_children[k], None, options, &next, depth)?;
    }
    Ok((objs, joins_collection(&joined) || select.eager_joins.iter().any(|j| j.collection)))
}

/// New objects keep the query's loader options for their own lazy loads (`state.load_options`).
fn keep_options(objs: &[(Value, bool)], options: &[LoaderOption]) {
    if options.is_empty() {
        return;
    }
    for (p, new) in objs {
        if let (Value::Instance(pi), true) = (p, *new) {
            *instance_state(pi).loader_options.borrow_mut() = options.to_vec();
        }
    }
}

/// The loaders that run after `mapper`'s objects are loaded (`path` ends with `mapper`):
/// `subqueryload` (when the parents' query is known), then `selectinload` and
/// `immediateload` in the order of the relationships.
#[allow(clippy::too_many_arguments)]
fn post_loads(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    parents: &[(Value, bool)],
    plain: Option<&Select>,
    options: &[LoaderOption],
    path: &[usize],
    depth: usize,
) -> PyResult<()> {
    if parents.is_empty() {
        return Ok(());
    }
    if let Some(plain) = plain {
        for r in eager(mapper, options, path, "subquery", depth) {
            subquery_load(interp, s, mapper, &r, plain, parents, options, path, depth)?;
        }
    }
    let rels = mapper.relationships.borrow().clone();
    for r in rels {
        let (strategy, explicit) = strategy_at(&r, options, depth);
        let Some(target) = r.target.borrow().clone() else { continue };
        if !explicit && path.contains(&target.id) {
            continue;
        }
        match strategy.as_str() {
            "selectin" => selectin_load(interp, s, mapper, &r, parents, options, path, depth)?,
            "immediate" => immediate_load(interp, s, mapper, &r, parents)?,
            _ => {}
        }
    }
    Ok(())
}

/// `ImmediateLoader`: the lazy loader's query for each new parent, as soon as the parents
/// are loaded.
fn immediate_load(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    r: &Rc<Relationship>,
    parents: &[(Value, bool)],
) -> PyResult<()> {
    let key = r.key();
    for (p, new) in parents {
        let Value::Instance(pi) = p else { continue };
        if !new && pi.dict.borrow().get_str(&key).is_some() {
            continue;
        }
        let value = orm::lazy_load(interp, s, mapper, r, pi)?;
        pi.dict.borrow_mut().set_str(&key, value);
    }
    Ok(())
}

/// The value of `key` in an object's dict (None when missing).
fn dict_value(obj: &Value, key: &str) -> Value {
    obj.as_instance().and_then(|i| i.dict.borrow().get_str(key).cloned()).unwrap_or(Value::None)
}

fn hash_key(v: &Value) -> HashKey {
    HashKey::of(v).unwrap_or(HashKey::None)
}

/// Sets a loaded relationship value on a parent unless it is already there (an existing object
/// keeps what it has loaded).
fn populate(parent: &Value, new: bool, r: &Relationship, related: Vec<Value>) {
    let Value::Instance(pi) = parent else { return };
    let key = r.key();
    if !new && pi.dict.borrow().get_str(&key).is_some() {
        return;
    }
    let value = if r.uselist() {
        instance_state(pi).loaded_collections.borrow_mut().insert(key.clone(), related.clone());
        Value::list(related)
    } else {
        related.into_iter().next().unwrap_or(Value::None)
    };
    pi.dict.borrow_mut().set_str(&key, value);
}

/// `key IN (?, ...)` for one column, `(a, b) IN (VALUES (?, ?), ...)` for several.
fn in_clause(cols: &[Rc<Column>], keys: &[Vec<Value>]) -> Clause {
    if let [col] = cols {
        return Clause::In(
            Box::new(Clause::Column(col.clone())),
            keys.iter().map(|k| Clause::Bind(k.first().cloned().unwrap_or(Value::None), col.ty.clone())).collect(),
            false,
        );
    }
    Clause::TupleIn(
        cols.iter().map(|c| Clause::Column(c.clone())).collect(),
        keys.iter().map(|k| cols.iter().zip(k).map(|(c, v)| Clause::Bind(v.clone(), c.ty.clone())).collect()).collect(),
    )
}

/// The values of `cols` in a parent's dict; None when one of them is None.
fn key_values(mapper: &Mapper, obj: &Value, cols: &[Rc<Column>]) -> Option<Vec<Value>> {
    let mut out = Vec::with_capacity(cols.len());
    for c in cols {
        let v = dict_value(obj, &mapper.column_key(c).unwrap_or_else(|| c.name()));
        if v.is_none() {
            return None;
        }
        out.push(v);
    }
    Some(out)
}

fn hash_keys(vals: &[Value]) -> Vec<HashKey> {
    vals.iter().map(hash_key).collect()
}

/// `SelectInLoader`: after the parents are loaded, one `SELECT ... WHERE fk IN (...)` per 500
/// parents (one-to-many: the foreign key columns first; many-to-many: the association table's
/// column first, joined to the target; many-to-one: the targets not already in the identity
/// map).
#[allow(clippy::too_many_arguments)]
fn selectin_load(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    r: &Rc<Relationship>,
    parents: &[(Value, bool)],
    options: &[LoaderOption],
    path: &[usize],
    depth: usize,
) -> PyResult<()> {
    let Some(target) = r.target.borrow().clone() else { return Ok(()) };
    let pairs = r.pairs.borrow().clone();
    let m2m = r.m2m.borrow().clone();
    let registry = s.registry.clone();
    if r.direction.get() == Direction::ManyToOne && m2m.is_none() {
        let fks: Vec<Rc<Column>> = pairs.iter().map(|(_, fk)| fk.clone()).collect();
        let referenced: Vec<Rc<Column>> = pairs.iter().map(|(t, _)| t.clone()).collect();
        // Distinct keys, those not already loaded in the identity map.
        let mut wanted: Vec<Vec<Value>> = Vec::new();
        for (p, _) in parents {
            let Some(k) = key_values(mapper, p, &fks) else { continue };
            let hk = hash_keys(&k);
            if wanted.iter().any(|w| hash_keys(w) == hk) {
                continue;
            }
            let found = s.identity_map.borrow().get(&(target.identity_id(), hk)).cloned();
            if let Some(Value::Instance(fi)) = &found {
                if !instance_state(fi).expired.get() {
                    continue;
                }
            }
            wanted.push(k);
        }
        let mut loaded: Vec<(Value, bool)> = Vec::new();
        for chunk in wanted.chunks(SELECTIN_CHUNK) {
            let mut select = Select::table(&target.table, LabelStyle::None);
            select.where_.push(in_clause(&referenced, chunk));
            let compiled = SqlCompiler::default().select(&select);
            let result = orm::execute_in_session(interp, s, &compiled.sql, compiled.params)?;
            for row in &result.rows {
                loaded.push(instance_from_row_new(interp, s, &target, row)?);
            }
        }
        for (p, new) in parents {
            let related = match key_values(mapper, p, &fks) {
                None => vec![],
                Some(k) => {
                    s.identity_map.borrow().get(&(target.identity_id(), hash_keys(&k))).cloned().into_iter().collect()
                }
            };
            populate(p, *new, r, related);
        }
        keep_options(&loaded, options);
        return chain_postloads(interp, s, &target, &loaded, options, path, depth + 1);
    }
    // (parent column, the column holding its value in the rows): the foreign key, or the
    // association table's column.
    let key_pairs: Vec<(Rc<Column>, Rc<Column>)> = match &m2m {
        Some(m) => m.parent_pairs.clone(),
        None => pairs.clone(),
    };
    let parent_cols: Vec<Rc<Column>> = key_pairs.iter().map(|(p, _)| p.clone()).collect();
    let row_cols: Vec<Rc<Column>> = key_pairs.iter().map(|(_, c)| c.clone()).collect();
    let nk = row_cols.len();
    let keyed: Vec<(Vec<Value>, Value, bool)> = parents
        .iter()
        .filter_map(|(p, new)| key_values(mapper, p, &parent_cols).map(|k| (k, p.clone(), *new)))
        .collect();
    for chunk in keyed.chunks(SELECTIN_CHUNK) {
        let mut select = Select::new(LabelStyle::None);
        for c in &row_cols {
            select.columns.push(Clause::Column(c.clone()));
        }
        for (_, c) in &target.columns {
            if m2m.is_some() || !row_cols.iter().any(|x| Rc::ptr_eq(x, c)) {
                select.columns.push(Clause::Column(c.clone()));
            }
        }
        match &m2m {
            Some(m) => {
                select.froms.push(m.table.clone());
                let on: Vec<Clause> = m
                    .target_pairs
                    .iter()
                    .map(|(tc, ac)| {
                        let (t, a) = (Clause::Column(tc.clone()), Clause::Column(ac.clone()));
                        if m.target_assoc_first {
                            Clause::binary(a, "=", t)
                        } else {
                            Clause::binary(t, "=", a)
                        }
                    })
                    .collect();
                let on = if on.len() == 1 { on.into_iter().next() } else { Some(Clause::And(on)) };
                select.joins.push(Join {
                    left: Some(m.table.clone()),
                    right: target.table.clone(),
                    on,
                    outer: false,
                    nested: None,
                });
            }
            None => select.froms.push(target.table.clone()),
        }
        let keys: Vec<Vec<Value>> = chunk.iter().map(|(k, _, _)| k.clone()).collect();
        select.where_.push(in_clause(&row_cols, &keys));
        select.order_by = order_by_clauses(interp, &registry, &r.args.order_by)?;
        let compiled = SqlCompiler::default().select(&select);
        let result = orm::execute_in_session(interp, s, &compiled.sql, compiled.params)?;
        let mut by_key: Vec<(Vec<HashKey>, Vec<Value>)> = Vec::new();
        let mut children: Vec<(Value, bool)> = Vec::new();
        for row in &result.rows {
            let key: Vec<HashKey> = row.iter().take(nk).map(|v| hash_key(&untyped_result(v))).collect();
            // The target's own columns: after the keys (many-to-many), or with the foreign
            // keys put back in their places (one-to-many).
            let own: Vec<SqlValue> = if m2m.is_some() {
                row.get(nk..).unwrap_or(&[]).to_vec()
            } else {
                let mut rest = row.iter().skip(nk);
                target
                    .columns
                    .iter()
                    .map(|(_, c)| match row_cols.iter().position(|x| Rc::ptr_eq(x, c)) {
                        Some(i) => row.get(i).cloned().unwrap_or(SqlValue::Null),
                        None => rest.next().cloned().unwrap_or(SqlValue::Null),
                    })
                    .collect()
            };
            let (child, new) = instance_from_row_new(interp, s, &target, &own)?;
            match by_key.iter_mut().find(|(x, _)| *x == key) {
                Some((_, l)) => l.push(child.clone()),
                None => by_key.push((key, vec![child.clone()])),
            }
            if !children.iter().any(|(c, _)| c.is(&child)) {
                children.push((child, new));
            }
        }
        for (k, p, new) in chunk {
            let hk = hash_keys(k);
            let list = by_key.iter().find(|(x, _)| *x == hk).map(|(_, l)| l.clone()).unwrap_or_default();
            populate(p, *new, r, list);
        }
        keep_options(&children, options);
        chain_postloads(interp, s, &target, &children, options, path, depth + 1)?;
    }
    Ok(())
}

/// The post loaders of objects a post-load query brought, one step further along the path.
#[allow(clippy::too_many_arguments)]
fn chain_postloads(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    target: &Rc<Mapper>,
    children: &[(Value, bool)],
    options: &[LoaderOption],
    path: &[usize],
    depth: usize,
) -> PyResult<()> {
    let mut next = path.to_vec();
    next.push(target.id);
    post_loads(interp, s, target, children, None, options, &next, depth)
}

/// `SubqueryLoader`: one query for every parent's collection, joined to the parents' query
/// (keys only) as the subquery `anon_1`.
#[allow(clippy::too_many_arguments)]
fn subquery_load(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    r: &Rc<Relationship>,
    parent_select: &Select,
    parents: &[(Value, bool)],
    options: &[LoaderOption],
    path: &[usize],
    depth: usize,
) -> PyResult<()> {
    let Some(target) = r.target.borrow().clone() else { return Ok(()) };
    let m2m = r.m2m.borrow().clone();
    let many_to_one = r.direction.get() == Direction::ManyToOne && m2m.is_none();
    // (parent column, the column it is compared with in the join).
    let parent_pairs: Vec<(Rc<Column>, Rc<Column>)> = match &m2m {
        Some(m) => m.parent_pairs.clone(),
        None if many_to_one => r.pairs.borrow().iter().map(|(t, fk)| (fk.clone(), t.clone())).collect(),
        None => r.pairs.borrow().clone(),
    };
    let c = SqlCompiler::default();
    let mut inner = parent_select.clone();
    inner.columns = parent_pairs.iter().map(|(pc, _)| Clause::Column(pc.clone())).collect();
    inner.label_style = LabelStyle::TablenamePlusCol;
    inner.eager_joins.clear();
    // A many-to-one's subquery asks for each foreign key once.
    if many_to_one {
        inner.distinct = true;
    }
    if inner.limit.is_none() && inner.offset.is_none() {
        inner.order_by.clear();
    }
    let secondary_base = m2m.as_ref().map(|m| m.table.name.clone()).unwrap_or_default();
    let (inner, secondary_alias) = SqlCompiler::default().select_then_anon(&inner, &secondary_base);
    let anon: Vec<String> = parent_pairs.iter().map(|(pc, _)| format!("{}_{}", mapper.table.name, pc.name())).collect();
    let mut cols: Vec<String> = target
        .table
        .columns
        .borrow()
        .iter()
        .map(|col| format!("{} AS {}", c.column_ref(col), c.quote(&format!("{}_{}", target.table.name, col.name()))))
        .collect();
    for a in &anon {
        cols.push(format!("anon_1.{a} AS anon_1_{a}"));
    }
    let from = match &m2m {
        Some(m) => {
            let alias = secondary_alias;
            let on_parent: Vec<String> = m
                .parent_pairs
                .iter()
                .zip(&anon)
                .map(|((_, ac), a)| format!("anon_1.{a} = {}.{}", c.quote(&alias), c.quote(&ac.name())))
                .collect();
            let on_target: Vec<String> = m
                .target_pairs
                .iter()
                .map(|(pk, ac)| format!("{} = {}.{}", c.column_ref(pk), c.quote(&alias), c.quote(&ac.name())))
                .collect();
            format!(
                "({}) AS anon_1 JOIN {} AS {} ON {} JOIN {} ON {}",
                inner.sql,
                c.quote(&m.table.name),
                c.quote(&alias),
                on_parent.join(" AND "),
                c.quote(&target.table.name),
                on_target.join(" AND ")
            )
        }
        None => {
            let on: Vec<String> = parent_pairs
                .iter()
                .zip(&anon)
                .map(|((_, other), a)| {
                    if many_to_one {
                        format!("{} = anon_1.{a}", c.column_ref(other))
                    } else {
                        format!("anon_1.{a} = {}", c.column_ref(other))
                    }
                })
                .collect();
            format!("({}) AS anon_1 JOIN {} ON {}", inner.sql, c.quote(&target.table.name), on.join(" AND "))
        }
    };
    let mut sql = format!("SELECT {} \nFROM {from}", cols.join(", "));
    let registry = s.registry.clone();
    let order = order_by_clauses(interp, &registry, &r.args.order_by)?;
    if !order.is_empty() {
        let o: Vec<String> = order.iter().map(|x| SqlCompiler::default().expression_string(x)).collect();
        sql.push_str(&format!(" ORDER BY {}", o.join(", ")));
    }
    let result = orm::execute_in_session(interp, s, &sql, inner.params)?;
    let n = target.columns.len();
    let mut by_parent: Vec<(Vec<HashKey>, Vec<Value>)> = Vec::new();
    let mut children: Vec<(Value, bool)> = Vec::new();
    for row in &result.rows {
        let (child, new) = instance_from_row_new(interp, s, &target, &row[..n.min(row.len())])?;
        if !children.iter().any(|(c, _)| c.is(&child)) {
            children.push((child.clone(), new));
        }
        let key: Vec<HashKey> = row[n.min(row.len())..].iter().map(|v| hash_key(&untyped_result(v))).collect();
        match by_parent.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(child),
            None => by_parent.push((key, vec![child])),
        }
    }
    for (p, new) in parents {
        let key: Vec<HashKey> = parent_pairs
            .iter()
            .map(|(pc, _)| hash_key(&dict_value(p, &mapper.column_key(pc).unwrap_or_else(|| pc.name()))))
            .collect();
        let list = by_parent.iter().find(|(k, _)| *k == key).map(|(_, l)| l.clone()).unwrap_or_default();
        populate(p, *new, r, list);
    }
    keep_options(&children, options);
    chain_postloads(interp, s, &target, &children, options, path, depth + 1)
}

/// `'User.badges' is not available due to lazy='raise'`.
pub fn raise_error(interp: &Interp, mapper: &Mapper, r: &Relationship, strategy: &str) -> crate::python::interp::PyErr {
    orm::sa_error(
        interp,
        "InvalidRequestError",
        format!("'{}.{}' is not available due to lazy='{strategy}'", mapper.class_name, r.key()),
    )
}

/// The objects without repeats, in order (`Result.unique()` for one entity).
pub fn unique(objs: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(objs.len());
    for o in objs {
        if !out.iter().any(|x| x.is(&o)) {
            out.push(o);
        }
    }
    out
}

/// Payload of `Load` objects (what `joinedload(User.posts)` returns): its options, and the
/// depth the next chained option takes.
pub struct LoadData(pub Vec<LoaderOption>, pub usize);

/// The loader options a `.options(...)` call gives.
pub fn options_of(interp: &mut Interp, args: &[Value]) -> PyResult<Vec<LoaderOption>> {
    let mut out = Vec::new();
    for a in args {
        match a.payload::<LoadData>() {
            Some(l) => out.extend(l.0.iter().cloned()),
            None => {
                let r = interp.repr(a)?;
                return Err(orm::sa_error(
                    interp,
                    "ArgumentError",
                    format!("ExecutableOption object expected, got {r}."),
                ));
            }
        }
    }
    Ok(out)
}

/// The loader options `name(*attrs)` asks for (`strategy` empty: `defaultload`, which only
/// leads to options chained after it).
fn make_options(
    i: &mut Interp,
    name: &str,
    strategy: &'static str,
    mut a: Args,
    start: usize,
) -> PyResult<(Vec<LoaderOption>, usize)> {
    let sql_only = match a.take_kw("sql_only") {
        Some(v) => i.truthy(&v)?,
        None => false,
    };
    let innerjoin = match a.take_kw("innerjoin") {
        Some(v) => i.truthy(&v)?,
        None => false,
    };
    let mut opts = Vec::new();
    let depth_after = start + a.pos.len();
    for (n, v) in a.pos.iter().enumerate() {
        if v.as_str() == Some("*") && !strategy.is_empty() {
            let strategy = if strategy == "raise" && sql_only { "raise_on_sql" } else { strategy };
            let rel = Rc::new(Relationship::new(orm::RelationshipArgs::default()));
            opts.push(LoaderOption { rel, strategy, innerjoin, depth: start + n, wildcard: true });
            continue;
        }
        if matches!(v, Value::Str(_)) {
            return Err(orm::sa_error(
                i,
                "ArgumentError",
                "Strings are not accepted for attribute names in loader options; please use class-bound attributes directly.",
            ));
        }
        let rel = v.payload::<orm::AttrData>().and_then(|d| match &d.kind {
            orm::AttrKind::Relationship(r) => Some(r.clone()),
            orm::AttrKind::Column(_) => None,
        });
        match rel {
            Some(rel) if !strategy.is_empty() => {
                let strategy = if strategy == "raise" && sql_only { "raise_on_sql" } else { strategy };
                opts.push(LoaderOption { rel, strategy, innerjoin, depth: start + n, wildcard: false });
            }
            Some(_) => {}
            None => {
                let r = i.repr(v)?;
                return Err(orm::sa_error(
                    i,
                    "ArgumentError",
                    format!("expected ORM mapped attribute for loader strategy argument, got {r}"),
                ));
            }
        }
    }
    if name == "noload" {
        i.warn(
            "sqlalchemy.exc.SADeprecationWarning",
            "The noload() option is deprecated and will be removed in a future release.  This option produces incorrect results by returning ``None`` for related items. (deprecated since: 2.1)",
        );
    }
    Ok((opts, depth_after))
}

const LOADERS: [(&str, &str); 9] = [
    ("joinedload", "joined"),
    ("selectinload", "selectin"),
    ("subqueryload", "subquery"),
    ("lazyload", "select"),
    ("noload", "noload"),
    ("raiseload", "raise"),
    ("immediateload", "immediate"),
    ("defaultload", ""),
    ("contains_eager", "contains_eager"),
];

/// Adds the loader option functions (`joinedload`, `selectinload`, `subqueryload`, `lazyload`,
/// `noload`, `raiseload`, `immediateload`, `defaultload`) to `sqlalchemy.orm`; the `Load`
/// objects they return chain more of them (`joinedload(User.posts).selectinload(Post.tags)`).
pub fn add_to_orm(interp: &mut Interp, m: &Rc<Module>) {
    let mut methods = Vec::new();
    for (name, strategy) in LOADERS {
        methods.push((
            name,
            method("Load", name, move |i: &mut Interp, mut a: Args| {
                let this = a.pos.remove(0);
                let (mut opts, start) = this.payload::<LoadData>().map(|l| (l.0.clone(), l.1)).unwrap_or_default();
                let (more, next) = make_options(i, name, strategy, a, start)?;
                opts.extend(more);
                let cls = match &this {
                    Value::Instance(inst) => inst.class.clone(),
                    _ => return Err(i.err("TypeError", "descriptor requires a 'Load' object")),
                };
                Ok(new_native(&cls, LoadData(opts, next)))
            }),
        ));
    }
    let load = native_class(interp, "Load", "sqlalchemy.orm.strategy_options", None, methods);
    for (name, strategy) in LOADERS {
        let load = load.clone();
        m.set(
            name,
            func(name, move |i: &mut Interp, a: Args| {
                let (opts, next) = make_options(i, name, strategy, a, 0)?;
                Ok(new_native(&load, LoadData(opts, next)))
            }),
        );
    }
}
