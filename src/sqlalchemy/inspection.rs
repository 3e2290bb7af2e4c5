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

/// The `InstanceState` class, once the classes are registered.
pub fn state_class(interp: &Interp) -> Option<Rc<Class>> {
    classes(interp).ok().map(|c| c.state.clone())
}

/// A new `InstanceState` object (of class `cls`, see [`state_class`]) for `inst`.
pub fn state_object(cls: &Rc<Class>, inst: &Rc<Instance>) -> Value {
    new_native(cls, StateData(inst.clone()))
}

/// Whether `inst`'s `__dict__` holds its own `InstanceState` object (which refers to it).
pub fn holds_own_state(inst: &Rc<Instance>) -> bool {
    let d = inst.dict.borrow();
    let Some(v) = d.get_str("_sa_instance_state") else { return false };
    v.payload::<StateData>().is_some_and(|s| Rc::ptr_eq(&s.0, inst))
}

/// `inspect(obj)` for a mapped instance, `None` for anything else: the object's
/// `_sa_instance_state`.
pub fn inspect_instance(interp: &mut Interp, obj: &Value) -> PyResult<Option<Value>> {
    let Value::Instance(inst) = obj else { return Ok(None) };
    if object_mapper(obj).is_none() {
        return Ok(None);
    }
    instance_state(inst);
    let own = inst.dict.borrow().get_str("_sa_instance_state").cloned();
    if let Some(v) = own.filter(|v| v.payload::<StateData>().is_some()) {
        return Ok(Some(v));
    }
    let cls = classes(interp)?.state.clone();
    Ok(Some(new_native(&cls, StateData(inst.clone()))))
}

/// `inspect(obj)` for an instance known to be mapped (what `raw=True` listeners receive).
pub fn state_value(interp: &mut Interp, inst: &Rc<Instance>) -> PyResult<Value> {
    Ok(inspect_instance(interp, &Value::Instance(inst.clone()))?.unwrap_or(Value::None))
}

/// The mapper behind a `Mapper` object (`User.__mapper__`), if `v` is one.
pub fn mapper_of_value(v: &Value) -> Option<Rc<orm::Mapper>> {
    v.payload::<MapperData>().map(|d| d.0.clone())
}

/// The `Mapper` class.
pub fn mapper_type(interp: &mut Interp) -> Rc<Class> {
    mapper_classes(interp).mapper.clone()
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
    // A collection not loaded has no history here (`passive=NO_CHANGE`: a backref's pending
    // append does not count).
    let dict = inst.dict.borrow();
    keys.extend(
        m.relationships
            .borrow()
            .iter()
            .filter(|r| !r.is_appender() && dict.get_str(&r.key()).is_some())
            .map(|r| r.key()),
    );
    drop(dict);
    for k in keys {
        if changed(&attribute_history(interp, inst, &k)?) {
            return Ok(true);
        }
    }
    Ok(false)
}

// ----- inspect(User): the Mapper --------------------------------------------------------------

/// Payload of the Python face of a `Mapper` (`inspect(User)`, `User.__mapper__`).
struct MapperData(Rc<orm::Mapper>);

/// Payload of a mapped attribute's property (`ColumnProperty`, a relationship's property).
enum PropData {
    Column(String, Rc<super::schema::Column>),
    Relationship(Rc<orm::Relationship>),
}

/// Payload of `ReadOnlyProperties` (`Mapper.attrs`, `.relationships`, `.column_attrs`).
struct PropsData(Vec<(String, Value)>);

/// Payload of a `RelationshipDirection` member.
struct DirectionData(&'static str, i64);

/// The classes of the mapper's Python face, made on first use.
struct MapperClasses {
    mapper: Rc<Class>,
    column_prop: Rc<Class>,
    declared_rel: Rc<Class>,
    rel_prop: Rc<Class>,
    props: Rc<Class>,
    direction: Rc<Class>,
}

fn addr<T>(p: *const T) -> String {
    format!("0x{:x}", p as *const u8 as usize)
}

fn mapper_classes(interp: &mut Interp) -> Rc<MapperClasses> {
    if let Some(c) =
        interp.ext.get("sqlalchemy.inspection.mapper").and_then(|e| e.clone().downcast::<MapperClasses>().ok())
    {
        return c;
    }
    let mapper = native_class(
        interp,
        "Mapper",
        "sqlalchemy.orm.mapper",
        None,
        vec![
            (
                "__repr__",
                method("Mapper", "__repr__", |i, a| {
                    let m = this::<MapperData>(i, &a, "Mapper")?;
                    Ok(Value::str(&format!("<Mapper at {}; {}>", addr(Rc::as_ptr(&m.0)), m.0.class_name)))
                }),
            ),
            (
                "__str__",
                method("Mapper", "__str__", |i, a| {
                    let m = this::<MapperData>(i, &a, "Mapper")?;
                    Ok(Value::str(&m.0.describe()))
                }),
            ),
            (
                "__getattr__",
                method("Mapper", "__getattr__", |i, a| {
                    let m = this::<MapperData>(i, &a, "Mapper")?;
                    let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    mapper_attr(i, &m.0, &name)
                }),
            ),
            (
                "get_property",
                method("Mapper", "get_property", |i, a| {
                    let m = this::<MapperData>(i, &a, "Mapper")?;
                    let key = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    orm::configure(i, &registry_of(i, &m.0)?)?;
                    match mapper_props(i, &m.0).into_iter().find(|(k, _)| *k == key) {
                        Some((_, p)) => Ok(p),
                        None => Err(orm::sa_error(
                            i,
                            "InvalidRequestError",
                            format!("Mapper '{}' has no property '{key}'.  If this property was indicated from other mappers or configure events, ensure registry.configure() has been called.", m.0.describe()),
                        )),
                    }
                }),
            ),
        ],
    );
    let prop_repr = |name: &'static str| {
        method(name, "__repr__", move |i, a| {
            let p = a.pos.first().and_then(|v| v.payload::<PropData>()).ok_or_else(|| i.type_error("bad property"))?;
            let key = match &*p {
                PropData::Column(k, _) => k.clone(),
                PropData::Relationship(r) => r.key(),
            };
            let shown = a.pos.first().map(|v| v.id()).unwrap_or(0);
            let cls = i.type_of(&a.pos[0]).name.clone();
            Ok(Value::str(&format!("<{cls} at 0x{shown:x}; {key}>")))
        })
    };
    let prop_getattr = |name: &'static str| {
        method(name, "__getattr__", |i, a| {
            let p = a.pos.first().and_then(|v| v.payload::<PropData>()).ok_or_else(|| i.type_error("bad property"))?;
            let attr = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            prop_attr(i, &a.pos[0], &p, &attr)
        })
    };
    let column_prop = native_class(
        interp,
        "ColumnProperty",
        "sqlalchemy.orm.properties",
        None,
        vec![("__repr__", prop_repr("ColumnProperty")), ("__getattr__", prop_getattr("ColumnProperty"))],
    );
    let rel_prop = native_class(
        interp,
        "RelationshipProperty",
        "sqlalchemy.orm.relationships",
        None,
        vec![("__repr__", prop_repr("RelationshipProperty")), ("__getattr__", prop_getattr("RelationshipProperty"))],
    );
    let declared_rel =
        native_class(interp, "_RelationshipDeclared", "sqlalchemy.orm.relationships", Some(&rel_prop), vec![]);
    let props_items = |i: &Interp, a: &Args| this::<PropsData>(i, a, "ReadOnlyProperties");
    let props = native_class(
        interp,
        "ReadOnlyProperties",
        "sqlalchemy.util._collections",
        None,
        vec![
            (
                "__getattr__",
                method("ReadOnlyProperties", "__getattr__", move |i, a| {
                    let p = props_items(i, &a)?;
                    let key = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    match p.0.iter().find(|(k, _)| *k == key) {
                        Some((_, v)) => Ok(v.clone()),
                        None => Err(i.err("AttributeError", key)),
                    }
                }),
            ),
            (
                "__getitem__",
                method("ReadOnlyProperties", "__getitem__", move |i, a| {
                    let p = props_items(i, &a)?;
                    let key = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    match p.0.iter().find(|(k, _)| *k == key) {
                        Some((_, v)) => Ok(v.clone()),
                        None => {
                            let cls = i.exc_class("KeyError");
                            Err(crate::python::interp::PyErr {
                                exc: i.new_exception(&cls, vec![Value::str(&key)]),
                                traceback: vec![],
                            })
                        }
                    }
                }),
            ),
            (
                "__contains__",
                method("ReadOnlyProperties", "__contains__", move |i, a| {
                    let p = props_items(i, &a)?;
                    let key = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    Ok(Value::Bool(p.0.iter().any(|(k, _)| *k == key)))
                }),
            ),
            (
                "__len__",
                method("ReadOnlyProperties", "__len__", move |i, a| Ok(Value::Int(props_items(i, &a)?.0.len() as i64))),
            ),
            (
                "__iter__",
                method("ReadOnlyProperties", "__iter__", move |i, a| {
                    let p = props_items(i, &a)?;
                    let values = Value::list(p.0.iter().map(|(_, v)| v.clone()).collect());
                    i.call(&i.builtins.get("iter").unwrap_or(Value::None), Args::new(vec![values]))
                }),
            ),
            (
                "keys",
                method("ReadOnlyProperties", "keys", move |i, a| {
                    let p = props_items(i, &a)?;
                    Ok(Value::list(p.0.iter().map(|(k, _)| Value::str(k)).collect()))
                }),
            ),
            (
                "values",
                method("ReadOnlyProperties", "values", move |i, a| {
                    let p = props_items(i, &a)?;
                    Ok(Value::list(p.0.iter().map(|(_, v)| v.clone()).collect()))
                }),
            ),
            (
                "items",
                method("ReadOnlyProperties", "items", move |i, a| {
                    let p = props_items(i, &a)?;
                    Ok(Value::list(p.0.iter().map(|(k, v)| Value::tuple(vec![Value::str(k), v.clone()])).collect()))
                }),
            ),
        ],
    );
    let direction = native_class(
        interp,
        "RelationshipDirection",
        "sqlalchemy.orm.interfaces",
        None,
        vec![
            (
                "__repr__",
                method("RelationshipDirection", "__repr__", |i, a| {
                    let d = this::<DirectionData>(i, &a, "RelationshipDirection")?;
                    Ok(Value::str(&format!("<RelationshipDirection.{}: {}>", d.0, d.1)))
                }),
            ),
            (
                "__getattr__",
                method("RelationshipDirection", "__getattr__", |i, a| {
                    let d = this::<DirectionData>(i, &a, "RelationshipDirection")?;
                    match a.pos.get(1).and_then(|v| v.as_str()) {
                        Some("name") => Ok(Value::str(d.0)),
                        Some("value") => Ok(Value::Int(d.1)),
                        other => Err(i.err(
                            "AttributeError",
                            format!("'RelationshipDirection' object has no attribute '{}'", other.unwrap_or_default()),
                        )),
                    }
                }),
            ),
        ],
    );
    let c = Rc::new(MapperClasses { mapper, column_prop, declared_rel, rel_prop, props, direction });
    interp.ext.insert("sqlalchemy.inspection.mapper", c.clone());
    c
}

fn registry_of(interp: &Interp, m: &orm::Mapper) -> PyResult<Rc<orm::Registry>> {
    m.registry.upgrade().ok_or_else(|| interp.err("RuntimeError", "the mapper's registry is gone"))
}

/// The Python face of `m`: the class's `__mapper__`, made once.
pub fn mapper_value(interp: &mut Interp, m: &Rc<orm::Mapper>) -> Value {
    if let Some(cls) = m.class() {
        if let Some(v) = cls.dict.borrow().get_str("__mapper__") {
            if v.payload::<MapperData>().is_some_and(|d| Rc::ptr_eq(&d.0, m)) {
                return v.clone();
            }
        }
    }
    let cls = mapper_classes(interp).mapper.clone();
    let v = new_native(&cls, MapperData(m.clone()));
    if let Some(c) = m.class() {
        c.dict.borrow_mut().set_str("__mapper__", v.clone());
    }
    v
}

/// Was `r` made by the other side's `backref=` (added to this mapper at configure time)?
fn from_backref(r: &orm::Relationship) -> bool {
    r.args.backref.is_none() && r.reverse.borrow().upgrade().is_some_and(|o| o.args.backref.is_some())
}

/// The mapper's properties as `Mapper.attrs` lists them: the relationships declared in the
/// class, the column attributes, then those a backref added.
fn mapper_props(interp: &mut Interp, m: &Rc<orm::Mapper>) -> Vec<(String, Value)> {
    let rels = m.relationships.borrow().clone();
    let mut out = Vec::new();
    for r in rels.iter().filter(|r| !from_backref(r)) {
        out.push((r.key(), prop_value(interp, m, PropData::Relationship(r.clone()))));
    }
    for (k, c) in &m.columns {
        out.push((k.clone(), prop_value(interp, m, PropData::Column(k.clone(), c.clone()))));
    }
    for r in rels.iter().filter(|r| from_backref(r)) {
        out.push((r.key(), prop_value(interp, m, PropData::Relationship(r.clone()))));
    }
    out
}

/// A property's Python object, kept on the mapper's Python face so that it is the same
/// object each time.
fn prop_value(interp: &mut Interp, m: &Rc<orm::Mapper>, p: PropData) -> Value {
    let key = match &p {
        PropData::Column(k, _) => k.clone(),
        PropData::Relationship(r) => r.key(),
    };
    let face = mapper_value(interp, m);
    let cache_key = format!("_sa_prop_{key}");
    if let Value::Instance(f) = &face {
        if let Some(v) = f.dict.borrow().get_str(&cache_key) {
            return v.clone();
        }
    }
    let c = mapper_classes(interp);
    let cls = match &p {
        PropData::Column(..) => c.column_prop.clone(),
        PropData::Relationship(r) if from_backref(r) => c.rel_prop.clone(),
        PropData::Relationship(_) => c.declared_rel.clone(),
    };
    let v = new_native(&cls, p);
    if let Value::Instance(f) = &face {
        f.dict.borrow_mut().set_str(&cache_key, v.clone());
    }
    v
}

fn props_value(interp: &mut Interp, items: Vec<(String, Value)>) -> Value {
    let cls = mapper_classes(interp).props.clone();
    new_native(&cls, PropsData(items))
}

fn table_face(interp: &mut Interp, m: &orm::Mapper) -> PyResult<Value> {
    Ok(super::module::table_value(interp, &m.table))
}

fn mapper_attr(interp: &mut Interp, m: &Rc<orm::Mapper>, name: &str) -> PyResult<Value> {
    let class = || m.class().map(Value::Class).unwrap_or(Value::None);
    match name {
        "class_" | "entity" => Ok(class()),
        "is_mapper" => Ok(Value::Bool(true)),
        "local_table" | "persist_selectable" | "mapped_table_" => table_face(interp, m),
        "tables" => Ok(Value::list(vec![table_face(interp, m)?])),
        "columns" | "c" => {
            let t = table_face(interp, m)?;
            interp.getattr(&t, "c")
        }
        "primary_key" => {
            let cols = m.table.primary_key();
            Ok(Value::tuple(cols.iter().map(|c| super::module::column_value(interp, c)).collect()))
        }
        "attrs" | "relationships" | "column_attrs" => {
            orm::configure(interp, &registry_of(interp, m)?)?;
            let all = mapper_props(interp, m);
            let items = all
                .into_iter()
                .filter(|(_, v)| match name {
                    "relationships" => matches!(v.payload::<PropData>().as_deref(), Some(PropData::Relationship(_))),
                    "column_attrs" => matches!(v.payload::<PropData>().as_deref(), Some(PropData::Column(..))),
                    _ => true,
                })
                .collect();
            Ok(props_value(interp, items))
        }
        _ => Err(interp.err("AttributeError", format!("'Mapper' object has no attribute '{name}'"))),
    }
}

fn direction_value(interp: &mut Interp, r: &orm::Relationship) -> Value {
    let d = match (r.direction.get(), r.m2m.borrow().is_some()) {
        (_, true) => DirectionData("MANYTOMANY", 3),
        (orm::Direction::OneToMany, false) => DirectionData("ONETOMANY", 1),
        (orm::Direction::ManyToOne, false) => DirectionData("MANYTOONE", 2),
    };
    let cls = mapper_classes(interp).direction.clone();
    new_native(&cls, d)
}

fn prop_attr(interp: &mut Interp, this: &Value, p: &PropData, name: &str) -> PyResult<Value> {
    let cls_name = interp.type_of(this).name.clone();
    let missing = |i: &Interp| i.err("AttributeError", format!("'{cls_name}' object has no attribute '{name}'"));
    match p {
        PropData::Column(key, col) => match name {
            "key" => Ok(Value::str(key)),
            "columns" => Ok(Value::list(vec![super::module::column_value(interp, col)])),
            "expression" => Ok(super::module::column_value(interp, col)),
            _ => Err(missing(interp)),
        },
        PropData::Relationship(r) => match name {
            "key" => Ok(Value::str(&r.key())),
            "mapper" | "entity" => match r.target.borrow().clone() {
                Some(t) => Ok(mapper_value(interp, &t)),
                None => Ok(Value::None),
            },
            "parent" => match r.parent.borrow().upgrade() {
                Some(pm) => Ok(mapper_value(interp, &pm)),
                None => Ok(Value::None),
            },
            "direction" => Ok(direction_value(interp, r)),
            "uselist" => Ok(Value::Bool(r.args.uselist.unwrap_or(r.direction.get() == orm::Direction::OneToMany))),
            "lazy" => Ok(Value::str(&r.lazy())),
            "back_populates" => Ok(match (&r.args.back_populates, &r.args.backref) {
                (Some(b), _) => Value::str(b),
                (None, Some((name, _))) => Value::str(name),
                (None, None) => match r.reverse.borrow().upgrade() {
                    Some(o) if from_backref(r) => Value::str(&o.key()),
                    _ => Value::None,
                },
            }),
            "backref" => Ok(match &r.args.backref {
                Some((name, kw)) if kw.is_empty() => Value::str(name),
                Some((name, kw)) => {
                    let mut d = crate::python::value::Dict::new();
                    for (k, v) in kw {
                        d.insert(Value::Str(k.clone()), v.clone());
                    }
                    Value::tuple(vec![Value::str(name), Value::dict(d)])
                }
                None => Value::None,
            }),
            "secondary" => Ok(match &r.args.secondary {
                Some(t) => super::module::table_value(interp, t),
                None => Value::None,
            }),
            _ => Err(missing(interp)),
        },
    }
}
