//! ORM-enabled UPDATE and DELETE (`orm/bulk_persistence.py`): `session.execute(update(User)
//! ...)`, `Query.update()` / `Query.delete()`, and how the session's objects are brought in
//! line with what the statement changed (`synchronize_session`).

use std::rc::Rc;

use super::evaluator::{self, Evaluated};
use super::module::ExprData;
use super::orm::{self, instance_state, AttrData, AttrKind, Mapper, SessionData};
use super::schema::Column;
use super::sql::Clause;
use super::statement::{DmlData, DmlKind};
use crate::db::SqlValue;
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{HashKey, Instance, Value};

/// The `synchronize_session` execution option.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SynchronizeSession {
    /// `'auto'` (the default): `'evaluate'` when the criteria can be evaluated in Python,
    /// else `'fetch'`.
    Auto,
    Evaluate,
    /// The matched primary keys come back through `RETURNING`.
    Fetch,
    /// `False`: the session's objects are left as they are.
    Off,
}

/// Reads the option's value as `orm_pre_session_exec` validates it.
pub fn synchronize_session(interp: &Interp, v: Option<&Value>) -> PyResult<SynchronizeSession> {
    Ok(match v {
        None => SynchronizeSession::Auto,
        Some(Value::Str(s)) if &**s == "auto" => SynchronizeSession::Auto,
        Some(Value::Str(s)) if &**s == "evaluate" => SynchronizeSession::Evaluate,
        Some(Value::Str(s)) if &**s == "fetch" => SynchronizeSession::Fetch,
        Some(Value::Bool(false)) => SynchronizeSession::Off,
        Some(_) => {
            return Err(orm::sa_error(
                interp,
                "ArgumentError",
                "Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False",
            ))
        }
    })
}

/// The criteria of the statement as one clause (`True` when there are none).
fn condition(d: &DmlData) -> Clause {
    match d.where_.len() {
        0 => Clause::Bool(true),
        1 => d.where_[0].clone(),
        _ => Clause::And(d.where_.clone()),
    }
}

/// A SET value as a clause: an expression as itself, a plain value as a parameter.
fn value_clause(v: &Value) -> Clause {
    if let Some(e) = v.payload::<ExprData>() {
        return e.0.clone();
    }
    if let Some(a) = v.payload::<AttrData>() {
        if let AttrKind::Column(c) = &a.kind {
            return Clause::Column(c.clone());
        }
    }
    Clause::Bind(v.clone(), super::types::SqlType::Other("NullType".into()))
}

/// Is every column attribute of the object's mapper unloaded (`state.expired`)?
fn fully_expired(m: &Mapper, inst: &Rc<Instance>) -> bool {
    instance_state(inst).expired.get() && m.columns.iter().all(|(k, _)| inst.dict.borrow().get_str(k).is_none())
}

/// Objects of the identity map that are `mapper`'s (or a subclass's).
fn candidates(s: &SessionData, mapper: &Rc<Mapper>) -> Vec<Rc<Instance>> {
    let family = mapper.self_and_descendants();
    let mut out: Vec<Rc<Instance>> = s
        .identity_map
        .borrow()
        .values()
        .filter_map(|v| {
            let m = orm::object_mapper(v)?;
            family.iter().any(|f| Rc::ptr_eq(f, &m)).then(|| v.as_instance().cloned()).flatten()
        })
        .collect();
    crate::sort::sort_by_key(&mut out, |i| instance_state(i).insert_order.get());
    out
}

/// `_get_matched_objects_on_criteria`: the loaded objects the criteria hold for, each with
/// whether an attribute they read was expired.
fn matched_on_criteria(
    interp: &mut Interp,
    s: &SessionData,
    mapper: &Rc<Mapper>,
    crit: &Clause,
) -> PyResult<Vec<(Rc<Instance>, bool)>> {
    let mut out = Vec::new();
    for inst in candidates(s, mapper) {
        if fully_expired(mapper, &inst) {
            continue;
        }
        match evaluator::evaluate(interp, crit, mapper, &inst)? {
            Evaluated::Expired => out.push((inst, true)),
            Evaluated::Is(Value::Bool(true)) => out.push((inst, false)),
            Evaluated::Is(_) => {}
        }
    }
    Ok(out)
}

/// The identity map's objects whose primary keys the `RETURNING` rows name.
fn matched_on_rows(
    interp: &mut Interp,
    s: &SessionData,
    mapper: &Rc<Mapper>,
    rows: &[Vec<crate::db::SqlValue>],
) -> PyResult<Vec<Rc<Instance>>> {
    let pk = mapper.table.primary_key();
    let mut out = Vec::new();
    for row in rows {
        let mut keys = Vec::new();
        for (c, v) in pk.iter().zip(row) {
            let v = super::types::process_result(interp, &c.ty, v)?;
            keys.push(HashKey::of(&v).unwrap_or(HashKey::None));
        }
        let key = (mapper.identity_id(), keys);
        if let Some(Value::Instance(i)) = s.identity_map.borrow().get(&key) {
            out.push(i.clone());
        }
    }
    Ok(out)
}

/// Runs an UPDATE / DELETE against a mapped class in the session and synchronizes the
/// session's objects; returns the rows matched (`rowcount`).
pub fn execute(interp: &mut Interp, s: &Rc<SessionData>, d: &DmlData, sync: SynchronizeSession) -> PyResult<i64> {
    Ok(execute_returning(interp, s, d, sync)?.0)
}

/// [`execute`], and the rows of the statement's own `RETURNING` (none without one).
pub fn execute_returning(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    d: &DmlData,
    sync: SynchronizeSession,
) -> PyResult<(i64, Vec<Vec<SqlValue>>)> {
    let (full, prefetch, postfetch) = super::statement::with_update_defaults(interp, d, true)?;
    let full = super::statement::bind_dml_values(interp, s, &full)?;
    let Some(mapper) = d.mapper.clone() else {
        let (sql, params) = super::statement::dml_compiled(&full, false);
        let r = orm::execute_in_session(interp, s, &sql, params)?;
        return Ok((r.changes, r.rows));
    };
    let crit = condition(d);
    let sync = match sync {
        SynchronizeSession::Auto => match evaluator::check(&crit, &mapper) {
            Ok(()) => SynchronizeSession::Evaluate,
            Err(_) => SynchronizeSession::Fetch,
        },
        SynchronizeSession::Evaluate => match evaluator::check(&crit, &mapper) {
            Ok(()) => SynchronizeSession::Evaluate,
            Err(e) => {
                return Err(orm::sa_error(
                    interp,
                    "InvalidRequestError",
                    format!("Could not evaluate current criteria in Python: \"{e}\". Specify 'fetch' or False for the synchronize_session execution option."),
                ))
            }
        },
        other => other,
    };
    let mut full = full;
    full.fetch_pk = sync == SynchronizeSession::Fetch;
    let (sql, params) = super::statement::dml_compiled(&full, false);
    let r = orm::execute_in_session(interp, s, &sql, params)?;
    let rowcount = if sync == SynchronizeSession::Fetch { r.rows.len() as i64 } else { r.changes };
    let matched: Vec<(Rc<Instance>, bool)> = match sync {
        SynchronizeSession::Evaluate => matched_on_criteria(interp, s, &mapper, &crit)?,
        SynchronizeSession::Fetch => {
            matched_on_rows(interp, s, &mapper, &r.rows)?.into_iter().map(|i| (i, false)).collect()
        }
        _ => return Ok((rowcount, super::statement::returned_rows(&full, &r.rows))),
    };
    match d.kind {
        DmlKind::Update => apply_update_values(interp, &mapper, d, &matched, &prefetch, &postfetch)?,
        DmlKind::Delete => {
            for (inst, partially_expired) in matched {
                if partially_expired {
                    orm::expire_instance(&inst, &mapper);
                } else {
                    remove_newly_deleted(s, &inst);
                }
            }
        }
        DmlKind::Insert => {}
    }
    Ok((rowcount, super::statement::returned_rows(&full, &r.rows)))
}

/// `_apply_update_set_values_to_objects`: values that can be evaluated in Python are set on
/// the matched objects (and count as loaded); the others are expired.
fn apply_update_values(
    interp: &mut Interp,
    mapper: &Rc<Mapper>,
    d: &DmlData,
    matched: &[(Rc<Instance>, bool)],
    prefetch: &[(Rc<Column>, Value)],
    postfetch: &[Rc<Column>],
) -> PyResult<()> {
    let mut evaluated: Vec<(String, Clause)> = Vec::new();
    let mut to_expire: Vec<String> = Vec::new();
    let mut attrib: Vec<String> = Vec::new();
    for (col, v) in &d.values {
        let Some(key) = mapper.column_key(col) else { continue };
        attrib.push(key.clone());
        let c = value_clause(v);
        match evaluator::check(&c, mapper) {
            Ok(()) => evaluated.push((key, c)),
            Err(_) => to_expire.push(key),
        }
    }
    // The `onupdate=` values the statement added: Python-side ones are set on the objects,
    // SQL expressions expire the attribute.
    let prefetch: Vec<(String, Value)> =
        prefetch.iter().filter_map(|(c, v)| Some((mapper.column_key(c)?, v.clone()))).collect();
    to_expire.extend(postfetch.iter().filter_map(|c| mapper.column_key(c)));
    for (inst, _) in matched {
        let st = instance_state(inst);
        for (k, v) in &prefetch {
            inst.dict.borrow_mut().set_str(k, v.clone());
        }
        for k in &to_expire {
            inst.dict.borrow_mut().remove(&Value::str(k));
            st.expired.set(true);
        }
        let mut done: Vec<&str> = Vec::new();
        for (key, c) in &evaluated {
            if st.committed.borrow().contains_key(key) {
                continue;
            }
            done.push(key);
            if inst.dict.borrow().get_str(key).is_none() {
                continue;
            }
            match evaluator::evaluate(interp, c, mapper, inst)? {
                Evaluated::Is(v) => inst.dict.borrow_mut().set_str(key, v),
                Evaluated::Expired => {
                    inst.dict.borrow_mut().remove(&Value::str(key));
                    st.expired.set(true);
                }
            }
        }
        // Attributes changed in Python since the flush are expired rather than evaluated.
        for k in &attrib {
            if !done.contains(&k.as_str()) && inst.dict.borrow().get_str(k).is_some() {
                inst.dict.borrow_mut().remove(&Value::str(k));
                st.committed.borrow_mut().remove(k);
                st.expired.set(true);
            }
        }
        if st.committed.borrow().is_empty() {
            st.modified.set(false);
        }
    }
    Ok(())
}

/// `Session._remove_newly_deleted`: a row the statement deleted is no longer the session's.
fn remove_newly_deleted(s: &SessionData, inst: &Rc<Instance>) {
    let st = instance_state(inst);
    if let Some(key) = st.key.borrow().clone() {
        s.identity_map.borrow_mut().remove(&key);
    }
    st.deleted.set(true);
    *st.session.borrow_mut() = None;
}

/// `Session.__contains__`: is the object pending or persistent in this session?
pub fn session_contains(s: &SessionData, obj: &Value) -> bool {
    let Value::Instance(inst) = obj else { return false };
    if s.new.borrow().iter().any(|v| v.is(obj)) {
        return true;
    }
    let st = instance_state(inst);
    let key = st.key.borrow().clone();
    match key {
        Some(k) => s.identity_map.borrow().get(&k).is_some_and(|v| v.is(obj)),
        None => false,
    }
}
