//! What `inspect(obj)` gives for a mapped instance: its `InstanceState` (`transient`,
//! `pending`, `persistent`, `deleted`, `detached`, `key`, `attrs`...), each attribute's
//! `AttributeState` (`value`, `history`) and the `History` of a column attribute; and
//! `Session.is_modified`, which reads the same histories.

use std::rc::Rc;

use super::orm::{self, instance_state, object_mapper, SessionData};
use crate::python::builtins::{method, native_class, new_native};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Class, Instance, Value};

/// Payload of an `InstanceState` (and of its `attrs` namespace).
struct StateData(Rc<Instance>);

/// Payload of an `AttributeState`.
struct AttrStateData(Rc<Instance>, String);

/// Payload of a `History`: added, unchanged, deleted (`None` shows as `()`).
struct HistoryData([Option<Vec<Value>>; 3]);

pub struct InspectionClasses {
    state: Rc<Class>,
    attrs: Rc<Class>,
    attr_state: Rc<Class>,
    history: Rc<Class>,
}

fn this<T: 'static>(interp: &Interp, a: &Args, what: &str) -> PyResult<Rc<T>> {
    a.pos
        .first()
        .and_then(|v| v.payload::<T>())
        .ok_or_else(|| interp.type_error(format!("descriptor requires a '{what}' object")))
}

fn classes(interp: &Interp) -> PyResult<Rc<InspectionClasses>> {
    interp
        .ext
        .get("sqlalchemy.inspection")
        .and_then(|e| e.clone().downcast::<InspectionClasses>().ok())
        .ok_or_else(|| interp.err("RuntimeError", "inspection classes are not registered"))
}

/// Makes the classes (once per interpreter).
pub fn register(interp: &mut Interp) {
    let history = native_class(
        interp,
        "History",
        "sqlalchemy.orm.attributes",
        None,
        vec![
            (
                "__repr__",
                method("History", "__repr__", |i, a| {
                    let h = this::<HistoryData>(i, &a, "History")?;
                    let mut parts = Vec::new();
                    for (name, v) in ["added", "unchanged", "deleted"].iter().zip(h.0.iter()) {
                        let r = match v {
                            Some(l) => i.repr(&Value::list(l.clone()))?,
                            None => "()".to_string(),
                        };
                        parts.push(format!("{name}={r}"));
                    }
                    Ok(Value::str(&format!("History({})", parts.join(", "))))
                }),
            ),
            (
                "has_changes",
                method("History", "has_changes", |i, a| {
                    let h = this::<HistoryData>(i, &a, "History")?;
                    Ok(Value::Bool(changed(&h.0)))
                }),
            ),
            (
                "empty",
                method("History", "empty", |i, a| {
                    let h = this::<HistoryData>(i, &a, "History")?;
                    Ok(Value::Bool(h.0.iter().all(|v| v.as_ref().is_none_or(|l| l.is_empty()))))
                }),
            ),
            (
                "__getattr__",
                method("History", "__getattr__", |i, a| {
                    let h = this::<HistoryData>(i, &a, "History")?;
                    let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    let idx = match name.as_str() {
                        "added" => 0,
                        "unchanged" => 1,
                        "deleted" => 2,
                        _ => return Err(i.err("AttributeError", format!("'History' object has no attribute '{name}'"))),
                    };
                    Ok(match &h.0[idx] {
                        Some(l) => Value::list(l.clone()),
                        None => Value::tuple(vec![]),
                    })
                }),
            ),
        ],
    );
    let attr_state = native_class(
        interp,
        "AttributeState",
        "sqlalchemy.orm.state",
        None,
        vec![(
            "__getattr__",
            method("AttributeState", "__getattr__", |i, a| {
                let st = this::<AttrStateData>(i, &a, "AttributeState")?;
                let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                let obj = Value::Instance(st.0.clone());
                match name.as_str() {
                    "key" => Ok(Value::str(&st.1)),
                    "value" => i.getattr(&obj, &st.1),
                    "history" => {
                        let h = attribute_history(i, &st.0, &st.1)?;
                        let cls = classes(i)?.history.clone();
                        Ok(new_native(&cls, HistoryData(h)))
                    }
                    _ => Err(i.err("AttributeError", format!("'AttributeState' object has no attribute '{name}'"))),
                }
            }),
        )],
    );
    let attrs = native_class(
        interp,
        "ReadOnlyProperties",
        "sqlalchemy.util._collections",
        None,
        vec![(
            "__getattr__",
            method("ReadOnlyProperties", "__getattr__", |i, a| {
                let st = this::<StateData>(i, &a, "ReadOnlyProperties")?;
                let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                let known = object_mapper(&Value::Instance(st.0.clone())).is_some_and(|m| {
                    m.columns.iter().any(|(k, _)| *k == name)
                        || m.relationships.borrow().iter().any(|r| r.key() == name)
                });
                if !known {
                    return Err(i.err("AttributeError", name));
                }
                let cls = classes(i)?.attr_state.clone();
                Ok(new_native(&cls, AttrStateData(st.0.clone(), name)))
            }),
        )],
    );
    let state = native_class(
        interp,
        "InstanceState",
        "sqlalchemy.orm.state",
        None,
        vec![(
            "__getattr__",
            method("InstanceState", "__getattr__", |i, a| {
                let sd = this::<StateData>(i, &a, "InstanceState")?;
                let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                state_attr(i, &sd.0, &name)
            }),
        )],
    );
    interp.ext.insert("sqlalchemy.inspection", Rc::new(InspectionClasses { state, attrs, attr_state, history }));
}

/// `inspect(obj)` for a mapped instance, `None` for anything else.
pub fn inspect_instance(interp: &mut Interp, obj: &Value) -> PyResult<Option<Value>> {
    let Value::Instance(inst) = obj else { return Ok(None) };
    if object_mapper(obj).is_none() {
        return Ok(None);
    }
    let cls = classes(interp)?.state.clone();
    Ok(Some(new_native(&cls, StateData(inst.clone()))))
}

/// The object's session, and whether a flush of this transaction deleted it.
fn attachment(inst: &Rc<Instance>) -> (Option<Rc<SessionData>>, bool) {
    let st = instance_state(inst);
    let s = st.session();
    let obj = Value::Instance(inst.clone());
    let flushed_delete = s.as_ref().is_some_and(|s| s.tx_deleted.borrow().iter().any(|v| v.is(&obj)));
    (s, flushed_delete)
}

fn state_attr(interp: &mut Interp, inst: &Rc<Instance>, name: &str) -> PyResult<Value> {
    let st = instance_state(inst);
    let has_key = st.key.borrow().is_some();
    let (session, flushed_delete) = attachment(inst);
    let attached = session.is_some();
    let obj = Value::Instance(inst.clone());
    // `_deleted`: set when a flush deletes the row, kept after the commit detaches it.
    let marked = session.as_ref().is_some_and(|s| s.deleted.borrow().iter().any(|v| v.is(&obj)));
    let was_deleted = st.deleted.get() && !marked;
    let identity = || Value::tuple(st.identity.borrow().clone());
    Ok(match name {
        "transient" => Value::Bool(!has_key && !attached),
        "pending" => Value::Bool(!has_key && attached),
        "persistent" => Value::Bool(has_key && attached && !flushed_delete),
        "deleted" => Value::Bool(has_key && attached && flushed_delete),
        "detached" => Value::Bool(has_key && !attached),
        "was_deleted" => Value::Bool(was_deleted),
        "has_identity" => Value::Bool(has_key),
        "modified" => Value::Bool(st.modified.get()),
        "expired" => Value::Bool(st.expired.get()),
        "object" => obj,
        "identity" => {
            if has_key {
                identity()
            } else {
                Value::None
            }
        }
        "key" | "identity_key" => {
            if !has_key {
                Value::None
            } else {
                let m = object_mapper(&obj);
                let cls = m.and_then(|m| m.base_mapper().class()).map(Value::Class).unwrap_or(Value::None);
                Value::tuple(vec![cls, identity(), Value::None])
            }
        }
        "attrs" => {
            let cls = classes(interp)?.attrs.clone();
            new_native(&cls, StateData(inst.clone()))
        }
        _ => return Err(interp.err("AttributeError", format!("'InstanceState' object has no attribute '{name}'"))),
    })
}

fn changed(h: &[Option<Vec<Value>>; 3]) -> bool {
    h[0].as_ref().is_some_and(|l| !l.is_empty()) || h[2].as_ref().is_some_and(|l| !l.is_empty())
}

/// `History.from_scalar_attribute` for a column attribute; for a relationship, what the
/// playground keeps: the collection's members added since it was loaded, or a changed
/// many-to-one.
fn attribute_history(interp: &mut Interp, inst: &Rc<Instance>, key: &str) -> PyResult<[Option<Vec<Value>>; 3]> {
    let st = instance_state(inst);
    let current = inst.dict.borrow().get_str(key).cloned();
    let m = object_mapper(&Value::Instance(inst.clone()));
    let is_column = m.as_ref().is_some_and(|m| m.columns.iter().any(|(k, _)| k == key));
    if !is_column {
        return relationship_history(interp, inst, key, current);
    }
    let Some(current) = current else {
        return Ok([None, None, None]);
    };
    if st.key.borrow().is_none() {
        // everything set on a transient or pending object is "added"
        return Ok([Some(vec![current]), None, None]);
    }
    let original = st.committed.borrow().get(key).cloned();
    Ok(match original {
        None => [None, Some(vec![current]), None],
        // the old value was never loaded
        Some(Value::NotImplemented) => [Some(vec![current]), None, None],
        Some(o) => {
            if interp.eq(&current, &o)? {
                [None, Some(vec![current]), None]
            } else {
                [Some(vec![current]), None, Some(vec![o])]
            }
        }
    })
}

fn relationship_history(
    _interp: &mut Interp,
    inst: &Rc<Instance>,
    key: &str,
    current: Option<Value>,
) -> PyResult<[Option<Vec<Value>>; 3]> {
    let st = instance_state(inst);
    let pending: Vec<Value> =
        st.pending_collection_appends.borrow().iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect();
    let Some(current) = current else {
        return Ok([if pending.is_empty() { None } else { Some(pending) }, None, None]);
    };
    let items = match &current {
        Value::List(l) => l.borrow().clone(),
        Value::None => vec![],
        other => vec![other.clone()],
    };
    if st.key.borrow().is_none() {
        return Ok([Some(items), None, None]);
    }
    let before = st.loaded_collections.borrow().get(key).cloned();
    Ok(match before {
        Some(before) => {
            let added: Vec<Value> = items.iter().filter(|v| !before.iter().any(|b| b.is(v))).cloned().collect();
            let kept: Vec<Value> = items.iter().filter(|v| before.iter().any(|b| b.is(v))).cloned().collect();
            let gone: Vec<Value> = before.iter().filter(|b| !items.iter().any(|v| v.is(b))).cloned().collect();
            [Some(added), Some(kept), Some(gone)]
        }
        None => [None, Some(items), None],
    })
}

/// `Session.is_modified(obj)`: does any attribute's history show a change?
pub fn is_modified(interp: &mut Interp, obj: &Value) -> PyResult<bool> {
    let (Value::Instance(inst), Some(m)) = (obj, object_mapper(obj)) else {
        return Err(orm::unmapped_instance(interp, obj));
    };
    let mut keys: Vec<String> = m.columns.iter().map(|(k, _)| k.clone()).collect();
    keys.extend(m.relationships.borrow().iter().filter(|r| !r.is_appender()).map(|r| r.key()));
    for k in keys {
        if changed(&attribute_history(interp, inst, &k)?) {
            return Ok(true);
        }
    }
    Ok(false)
}
