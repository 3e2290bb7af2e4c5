//! `sqlalchemy.orm.scoping`: `scoped_session`, the registry of one `Session` per scope that
//! Flask-SQLAlchemy's `db.session` is, its `ScopedRegistry`, and the `sessionmaker` that makes
//! the sessions.
//!
//! Flask-SQLAlchemy scopes the session to the app context, which a `flask shell` keeps pushed:
//! there is one scope, so the registry holds at most one `Session`. `db.session()` returns it
//! (making it on first use), `db.session.remove()` closes it and empties the registry, and the
//! next use makes a new one. The Session methods and attributes SQLAlchemy proxies
//! (`create_proxy_methods` on `scoped_session`) go to the current session; other names are not
//! proxied (`'scoped_session' object has no attribute ...`).

use std::cell::RefCell;
use std::rc::Rc;

use super::engine::Engine;
use super::orm::{self, Registry, SessionData};
use super::schema::MetaData;
use crate::python::builtins::{func, method, native_class, new_native, PropertyData};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Class, Value};

/// `sessionmaker`: what every new `Session` is made with.
pub struct SessionMaker {
    pub engine: Rc<Engine>,
    pub registry: Rc<Registry>,
    /// Engines other than `engine` and the metadata whose tables they hold (`SQLALCHEMY_BINDS`).
    pub binds: RefCell<Vec<(Rc<MetaData>, Rc<Engine>)>>,
    pub autoflush: bool,
    pub expire_on_commit: bool,
    /// The `repr` of the keyword arguments that come before `bind` in `sessionmaker.kw`
    /// (Flask-SQLAlchemy's `db=<SQLAlchemy ...>, query_cls=<class ...>` and other options).
    pub kw_repr: Vec<(String, String)>,
}

impl SessionMaker {
    /// `sessionmaker.__call__()`: a new `Session` object.
    pub fn make(&self, interp: &Interp) -> (Rc<SessionData>, Value) {
        let sd = SessionData::new(self.engine.clone(), self.registry.clone());
        *sd.binds.borrow_mut() = self.binds.borrow().clone();
        sd.autoflush.set(self.autoflush);
        sd.expire_on_commit.set(self.expire_on_commit);
        let classes = orm::orm_classes(interp);
        let value = new_native(&classes.session, ());
        if let Value::Instance(i) = &value {
            *i.payload.borrow_mut() = Some(sd.clone());
            *sd.py.borrow_mut() = Rc::downgrade(i);
        }
        (sd, value)
    }

    /// `sessionmaker.__repr__`.
    fn repr(&self) -> String {
        let mut kw: Vec<String> = self.kw_repr.iter().map(|(k, v)| format!("{k}={v}")).collect();
        kw.push("bind=None".into());
        kw.push(format!("autoflush={}", if self.autoflush { "True" } else { "False" }));
        kw.push(format!("expire_on_commit={}", if self.expire_on_commit { "True" } else { "False" }));
        format!("sessionmaker(class_='Session', {})", kw.join(", "))
    }
}

/// `scoped_session`: the factory and the registry's one session.
pub struct ScopedSession {
    pub factory: Rc<SessionMaker>,
    current: RefCell<Option<(Rc<SessionData>, Value)>>,
}

impl ScopedSession {
    pub fn new(factory: SessionMaker) -> Rc<ScopedSession> {
        Rc::new(ScopedSession { factory: Rc::new(factory), current: RefCell::new(None) })
    }

    /// `self.registry()`: the scope's session and its Python object, made on first use.
    pub fn current(&self, interp: &Interp) -> (Rc<SessionData>, Value) {
        if let Some(c) = self.current.borrow().as_ref() {
            return c.clone();
        }
        let made = self.factory.make(interp);
        *self.current.borrow_mut() = Some(made.clone());
        made
    }

    /// The scope's session (made on first use).
    pub fn session(&self, interp: &Interp) -> Rc<SessionData> {
        self.current(interp).0
    }

    /// The scope's session if there is one (`registry.has()`), without making one.
    pub fn existing(&self) -> Option<Rc<SessionData>> {
        self.current.borrow().as_ref().map(|(s, _)| s.clone())
    }

    /// `scoped_session.remove()`: closes the current session and empties the registry.
    pub fn remove(&self, interp: &mut Interp) -> PyResult<()> {
        let cur = self.current.borrow_mut().take();
        match cur {
            Some((sd, _)) => orm::close(interp, &sd),
            None => Ok(()),
        }
    }
}

/// The Session methods `scoped_session` proxies (SQLAlchemy's `create_proxy_methods` list),
/// in its order; only those the playground's `Session` has are made.
const PROXIED_METHODS: &[&str] = &[
    "__contains__",
    "__iter__",
    "add",
    "add_all",
    "begin",
    "begin_nested",
    "close",
    "reset",
    "commit",
    "connection",
    "delete",
    "delete_all",
    "execute",
    "expire",
    "expire_all",
    "expunge",
    "expunge_all",
    "flush",
    "get",
    "get_one",
    "get_bind",
    "is_modified",
    "bulk_save_objects",
    "bulk_insert_mappings",
    "bulk_update_mappings",
    "merge",
    "merge_all",
    "query",
    "refresh",
    "rollback",
    "scalar",
    "scalars",
];

/// The Session attributes `scoped_session` proxies as properties (SQLAlchemy's list without
/// `binds`, `identity_map` and `execution_options`, which the playground's `Session` lacks).
const PROXIED_ATTRIBUTES: &[&str] =
    &["bind", "dirty", "deleted", "new", "is_active", "autoflush", "no_autoflush", "info"];

/// The classes of this module, made once per interpreter.
struct ScopingClasses {
    scoped_session: Rc<Class>,
    scoped_registry: Rc<Class>,
    sessionmaker: Rc<Class>,
}

fn scoped_of(interp: &Interp, v: &Value) -> PyResult<Rc<ScopedSession>> {
    v.payload::<ScopedSession>().ok_or_else(|| interp.type_error("descriptor requires a 'scoped_session' object"))
}

fn classes(interp: &mut Interp) -> Rc<ScopingClasses> {
    if let Some(c) = interp.ext.get("sqlalchemy.orm.scoping").and_then(|e| e.clone().downcast::<ScopingClasses>().ok())
    {
        return c;
    }
    let session_cls = orm::orm_classes(interp).session.clone();
    let mut methods: Vec<(&str, Value)> = Vec::new();
    for &name in PROXIED_METHODS {
        if session_cls.lookup(name).is_none() {
            continue;
        }
        methods.push((
            name,
            method("scoped_session", name, move |i, mut a| {
                let scoped = scoped_of(i, &a.pos[0])?;
                let (_, sess) = scoped.current(i);
                let f = i.getattr(&sess, name)?;
                a.pos.remove(0);
                i.call(&f, a)
            }),
        ));
    }
    for &name in PROXIED_ATTRIBUTES {
        let fget = func(name, move |i, a| {
            let scoped = scoped_of(i, a.pos.first().unwrap_or(&Value::None))?;
            let (_, sess) = scoped.current(i);
            i.getattr(&sess, name)
        });
        // `db.session.autoflush = False` sets the current session's.
        let fset = (name == "autoflush").then(|| {
            func(name, |i, a| {
                let scoped = scoped_of(i, a.pos.first().unwrap_or(&Value::None))?;
                let v = i.truthy(a.pos.get(1).unwrap_or(&Value::None))?;
                scoped.session(i).autoflush.set(v);
                Ok(Value::None)
            })
        });
        let prop = new_native(
            &interp.types.property,
            PropertyData { fget: Some(fget), fset, fdel: None, name: Default::default() },
        );
        methods.push((name, prop));
    }
    methods.push((
        "__call__",
        method("scoped_session", "__call__", |i, a| {
            let scoped = scoped_of(i, &a.pos[0])?;
            if !a.kw.is_empty() && scoped.existing().is_some() {
                return Err(orm::sa_error(
                    i,
                    "InvalidRequestError",
                    "Scoped session is already present; no new arguments may be specified.",
                ));
            }
            Ok(scoped.current(i).1)
        }),
    ));
    methods.push((
        "remove",
        method("scoped_session", "remove", |i, a| {
            scoped_of(i, &a.pos[0])?.remove(i)?;
            Ok(Value::None)
        }),
    ));
    let scoped_session = native_class(interp, "scoped_session", "sqlalchemy.orm.scoping", None, methods);
    let reg = |i: &Interp, a: &Args| -> PyResult<Rc<ScopedSession>> {
        a.pos
            .first()
            .and_then(|v| v.payload::<ScopedSession>())
            .ok_or_else(|| i.type_error("descriptor requires a 'ScopedRegistry' object"))
    };
    let scoped_registry = native_class(
        interp,
        "ScopedRegistry",
        "sqlalchemy.util._collections",
        None,
        vec![
            ("has", method("ScopedRegistry", "has", move |i, a| Ok(Value::Bool(reg(i, &a)?.existing().is_some())))),
            ("__call__", method("ScopedRegistry", "__call__", move |i, a| Ok(reg(i, &a)?.current(i).1))),
            (
                "clear",
                method("ScopedRegistry", "clear", move |i, a| {
                    // `clear()` forgets the session without closing it.
                    reg(i, &a)?.current.borrow_mut().take();
                    Ok(Value::None)
                }),
            ),
            (
                "set",
                method("ScopedRegistry", "set", move |i, a| {
                    let r = reg(i, &a)?;
                    let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let Some(sd) = obj.payload::<SessionData>() else {
                        return Err(i.type_error("the playground's ScopedRegistry holds Session objects only"));
                    };
                    *r.current.borrow_mut() = Some((sd, obj));
                    Ok(Value::None)
                }),
            ),
        ],
    );
    let maker = |i: &Interp, a: &Args| -> PyResult<Rc<SessionMaker>> {
        a.pos
            .first()
            .and_then(|v| v.payload::<SessionMaker>())
            .ok_or_else(|| i.type_error("descriptor requires a 'sessionmaker' object"))
    };
    let sessionmaker = native_class(
        interp,
        "sessionmaker",
        "sqlalchemy.orm.session",
        None,
        vec![
            ("__call__", method("sessionmaker", "__call__", move |i, a| Ok(maker(i, &a)?.make(i).1))),
            ("__repr__", method("sessionmaker", "__repr__", move |i, a| Ok(Value::str(&maker(i, &a)?.repr())))),
        ],
    );
    sessionmaker.dict.borrow_mut().set_str("class_", Value::Class(session_cls));
    let c = Rc::new(ScopingClasses { scoped_session, scoped_registry, sessionmaker });
    interp.ext.insert("sqlalchemy.orm.scoping", c.clone());
    c
}

/// A Python `scoped_session` over `scoped`, with its `session_factory` and `registry`
/// attributes in its `__dict__` as SQLAlchemy's has them.
pub fn scoped_session_value(interp: &mut Interp, scoped: &Rc<ScopedSession>) -> Value {
    let c = classes(interp);
    let factory = new_native(&c.sessionmaker, ());
    if let Value::Instance(i) = &factory {
        *i.payload.borrow_mut() = Some(scoped.factory.clone());
    }
    let registry = new_native(&c.scoped_registry, ());
    if let Value::Instance(i) = &registry {
        *i.payload.borrow_mut() = Some(scoped.clone());
        i.dict.borrow_mut().set_str("createfunc", factory.clone());
    }
    let v = new_native(&c.scoped_session, ());
    if let Value::Instance(i) = &v {
        *i.payload.borrow_mut() = Some(scoped.clone());
        let mut d = i.dict.borrow_mut();
        d.set_str("session_factory", factory);
        d.set_str("registry", registry);
    }
    v
}

/// The `scoped_session` class (for `sqlalchemy.orm.scoped_session`).
pub fn scoped_session_class(interp: &mut Interp) -> Rc<Class> {
    classes(interp).scoped_session.clone()
}
