//! `sqlalchemy.orm.events` and the engine's events: the moments the ORM and the engine dispatch
//! their events, and the native side of `sqlalchemy.event` (`lib/event.py`).
//!
//! `lib/event.py` keeps the listeners and decides, as each family's `_accept_with` does, what
//! a target listens on; it tells the engine which families have listeners (`_activate`) and
//! gives it the functions that call them (`_set_dispatchers`). The engine calls
//! [`mapper_event`], [`instance_event`], [`session_event`], [`connected`] (the pool's
//! `first_connect` / `connect` and `engine_connect`), [`execute`] (`before_cursor_execute` /
//! `after_cursor_execute` around each statement a connection sends) and [`ddl_event`] where
//! SQLAlchemy dispatches them: nothing is done, and nothing made, while a family has no
//! listener. Attribute listeners (`set`, `append`, `remove`) are kept here
//! ([`AttributeListener`]) and fired by the attribute and its collection.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::engine::{Connection, StatementError};
use super::orm::{self, AttrData, SessionData};
use crate::db::{QueryResult, SqlValue};
use crate::python::builtins::func;
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Instance, Module, Value};

/// What `lib/event.py` gave the engine: which families have listeners and how to call them.
pub struct EventHooks {
    mapper: Cell<bool>,
    instance: Cell<bool>,
    session: Cell<bool>,
    engine: Cell<bool>,
    ddl: Cell<bool>,
    dispatch_mapper: RefCell<Value>,
    dispatch_instance: RefCell<Value>,
    dispatch_session: RefCell<Value>,
    /// `_dispatch_engine(identifier, engine, *args)`.
    dispatch_engine: RefCell<Value>,
    /// `_dispatch_ddl(identifier, target, key, connection, tables)`.
    dispatch_ddl: RefCell<Value>,
    /// The class of a Connection's native handle.
    handle_class: RefCell<Option<Rc<crate::python::value::Class>>>,
    /// The classes of what listeners receive: `UOWTransaction`, `SessionTransaction`,
    /// `QueryContext`.
    flush_context: RefCell<Value>,
    transaction: RefCell<Value>,
    query_context: RefCell<Value>,
    /// The class of the `Connection` listeners receive.
    connection: RefCell<Value>,
    /// `_token(key, op)`: an `AttributeEventToken`.
    token: RefCell<Value>,
}

impl Default for EventHooks {
    fn default() -> Self {
        let none = || RefCell::new(Value::None);
        EventHooks {
            mapper: Cell::new(false),
            instance: Cell::new(false),
            session: Cell::new(false),
            engine: Cell::new(false),
            ddl: Cell::new(false),
            dispatch_mapper: none(),
            dispatch_instance: none(),
            dispatch_session: none(),
            dispatch_engine: none(),
            dispatch_ddl: none(),
            handle_class: RefCell::new(None),
            flush_context: none(),
            transaction: none(),
            query_context: none(),
            connection: none(),
            token: none(),
        }
    }
}

/// The interpreter's hooks, made on first need.
pub fn hooks(interp: &mut Interp) -> Rc<EventHooks> {
    if let Some(h) = interp.ext.get("sqlalchemy.events").and_then(|e| e.clone().downcast::<EventHooks>().ok()) {
        return h;
    }
    let h = Rc::new(EventHooks::default());
    interp.ext.insert("sqlalchemy.events", h.clone());
    h
}

/// Has a listener of the mapper events been registered?
pub fn mapper_events_on(interp: &mut Interp) -> bool {
    hooks(interp).mapper.get()
}

/// Has a listener of the session events been registered?
pub fn session_events_on(interp: &mut Interp) -> bool {
    hooks(interp).session.get()
}

/// Has a listener of the instance events been registered?
pub fn instance_events_on(interp: &mut Interp) -> bool {
    hooks(interp).instance.get()
}

/// Has a listener of the engine or pool events been registered?
pub fn engine_events_on(interp: &mut Interp) -> bool {
    hooks(interp).engine.get()
}

/// `mapper.dispatch.<name>(mapper, connection, state)` for the object `obj`
/// (`before_insert`, `after_insert`, `before_update`, `after_update`, `before_delete`,
/// `after_delete`): each listener of its class (or, with `propagate=True`, of a base class).
/// `connection` is the session's connection to the mapper's table's engine.
pub fn mapper_event(interp: &mut Interp, s: &SessionData, name: &str, obj: &Value) -> PyResult<()> {
    let h = hooks(interp);
    if !h.mapper.get() {
        return Ok(());
    }
    let (Value::Instance(inst), Some(m)) = (obj, orm::object_mapper(obj)) else { return Ok(()) };
    let mapper = super::inspection::mapper_value(interp, &m);
    let state = state_value(interp, inst);
    let engine = s.bind_for_table(&m.table.name);
    s.begin_for(interp, &engine)?;
    let conn = s.connection_for(&engine);
    let conn = connection_value(interp, &conn, Some(s))?;
    let f = h.dispatch_mapper.borrow().clone();
    interp.call(&f, Args::new(vec![Value::str(name), mapper, obj.clone(), state, conn]))?;
    Ok(())
}

/// [`mapper_event`] for each object, in their order.
pub fn mapper_events(interp: &mut Interp, s: &SessionData, name: &str, objs: &[Value]) -> PyResult<()> {
    if !mapper_events_on(interp) {
        return Ok(());
    }
    for o in objs {
        mapper_event(interp, s, name, o)?;
    }
    Ok(())
}

/// The Python `Connection` of `conn` (the same object each time), made on first need.
pub fn connection_value(interp: &mut Interp, conn: &Rc<Connection>, session: Option<&SessionData>) -> PyResult<Value> {
    if let Some(v) = conn.py.borrow().clone() {
        return Ok(v);
    }
    let h = hooks(interp);
    let cls = h.connection.borrow().clone();
    let engine = conn.engine.py_value().unwrap_or(Value::None);
    let session = session.and_then(|s| s.py_value()).unwrap_or(Value::None);
    let handle_class = h
        .handle_class
        .borrow_mut()
        .get_or_insert_with(|| {
            crate::python::builtins::native_class(interp, "_ConnectionHandle", "sqlalchemy.engine.base", None, vec![])
        })
        .clone();
    let handle = crate::python::builtins::new_native(&handle_class, ConnHandle(Rc::downgrade(conn)));
    let v = interp.call(&cls, Args::new(vec![engine, session, handle]))?;
    *conn.py.borrow_mut() = Some(v.clone());
    Ok(v)
}

/// Has a listener of the DDL events (`before_create`, `after_create`, `before_drop`,
/// `after_drop`) been registered?
pub fn ddl_events_on(interp: &mut Interp) -> bool {
    hooks(interp).ddl.get()
}

/// `DDLEvents`: `<name>(target, connection, **kw)` for a `Table` (`tables` None) or a
/// `MetaData` (`tables`: the tables created or dropped), `key` identifying the schema item.
pub fn ddl_event(
    interp: &mut Interp,
    name: &str,
    target: Value,
    key: usize,
    conn: &Rc<Connection>,
    tables: Option<Value>,
) -> PyResult<()> {
    let h = hooks(interp);
    if !h.ddl.get() {
        return Ok(());
    }
    let c = connection_value(interp, conn, None)?;
    let f = h.dispatch_ddl.borrow().clone();
    let args = vec![Value::str(name), target, Value::Int(key as i64), c, tables.unwrap_or(Value::None)];
    interp.call(&f, Args::new(args))?;
    Ok(())
}

/// A Python `Connection`'s way back to its connection.
struct ConnHandle(std::rc::Weak<Connection>);

/// `Connection.execute(statement, parameters)` on a connection no session holds (a DDL
/// listener's): the statement runs as a session would run it, on that connection, in its
/// transaction, through a throwaway session that never flushes, commits or closes it.
fn conn_execute(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let Some(conn) = a.pos.first().and_then(|v| v.payload::<ConnHandle>()).and_then(|h| h.0.upgrade()) else {
        return Err(orm::sa_error(interp, "ResourceClosedError", "This Connection is closed".to_string()));
    };
    let stmt = a.pos.get(1).cloned().unwrap_or(Value::None);
    let params = a.pos.get(2).cloned().filter(|p| !p.is_none());
    let registry = orm::Registry::new(Rc::new(super::schema::MetaData::default()));
    let s = SessionData::new(conn.engine.clone(), registry);
    s.autoflush.set(false);
    s.adopt_connection(conn);
    let r = super::statement::session_execute(interp, &s, &stmt, params.as_ref(), None);
    s.release_connections();
    r
}

/// A raw SQL string on the connection, logged as the driver's statement (what a `DDL`
/// element sends).
fn conn_exec_sql(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let Some(conn) = a.pos.first().and_then(|v| v.payload::<ConnHandle>()).and_then(|h| h.0.upgrade()) else {
        return Err(orm::sa_error(interp, "ResourceClosedError", "This Connection is closed".to_string()));
    };
    let sql = match a.pos.get(1) {
        Some(v) => interp.to_str(v)?,
        None => String::new(),
    };
    conn.ensure_begun();
    match execute(interp, &conn, &sql, vec![])? {
        Ok(r) => {
            let rows: Vec<Vec<Value>> =
                r.rows.iter().map(|row| row.iter().map(super::types::untyped_result).collect()).collect();
            Ok(super::statement::result_of_rows(interp, r.columns.clone(), rows, r.changes))
        }
        Err(e) => Err(orm::dbapi_error(interp, e)),
    }
}

/// A connection has just been taken from the engine: on the engine's first, the pool's
/// `first_connect` and `connect` (with the DB-API connection and its `_ConnectionRecord`),
/// then the engine's `engine_connect(conn)`. Once per connection.
pub fn connected(interp: &mut Interp, conn: &Rc<Connection>, session: Option<&SessionData>) -> PyResult<()> {
    let h = hooks(interp);
    if !h.engine.get() || !conn.connect_events_due.replace(false) {
        return Ok(());
    }
    conn.checked_out.set(true);
    let c = connection_value(interp, conn, session)?;
    let engine = conn.engine.py_value().unwrap_or(Value::None);
    let first = Value::Bool(conn.first_on_engine);
    let f = h.dispatch_engine.borrow().clone();
    interp.call(&f, Args::new(vec![Value::str("_connect"), engine, c, first]))?;
    Ok(())
}

/// The pool takes back a connection whose checkout its listeners saw: `checkin`.
pub fn checked_in(interp: &mut Interp, conn: &Rc<Connection>) -> PyResult<()> {
    if !conn.checked_out.replace(false) || !engine_events_on(interp) {
        return Ok(());
    }
    let engine = conn.engine.py_value().unwrap_or(Value::None);
    let f = hooks(interp).dispatch_engine.borrow().clone();
    interp.call(&f, Args::new(vec![Value::str("_checkin"), engine, Value::None]))?;
    Ok(())
}

/// `handle_error(context)`: the driver refused a statement. What a listener returned or
/// raised replaces the error.
fn handle_error(
    interp: &mut Interp,
    conn: &Rc<Connection>,
    e: &StatementError,
    params: &Value,
    many: bool,
) -> PyResult<()> {
    let c = connection_value(interp, conn, None)?;
    let engine = conn.engine.py_value().unwrap_or(Value::None);
    let exc = orm::dbapi_error(interp, e.clone()).exc;
    let f = hooks(interp).dispatch_engine.borrow().clone();
    let args = vec![Value::str("_handle_error"), engine, c, Value::str(&e.sql), params.clone(), Value::Bool(many), exc];
    let raised = interp.call(&f, Args::new(args))?;
    if raised.is_none() {
        return Ok(());
    }
    Err(crate::python::interp::PyErr { exc: raised, traceback: vec![] })
}

/// `before_cursor_execute` / `after_cursor_execute` around one statement the connection sends
/// (the latter when it succeeded); what the statement gave, or the driver's error, is returned
/// as it came.
pub fn execute(
    interp: &mut Interp,
    conn: &Rc<Connection>,
    sql: &str,
    params: Vec<SqlValue>,
) -> PyResult<Result<QueryResult, StatementError>> {
    execute_batched(interp, conn, sql, params, false)
}

/// [`execute`] of one row of an "insertmanyvalues" batch (the unit of work's INSERT ...
/// RETURNING of several rows, sent one by one on SQLite): the listeners see `executemany`
/// True.
pub fn execute_batched(
    interp: &mut Interp,
    conn: &Rc<Connection>,
    sql: &str,
    params: Vec<SqlValue>,
    batched: bool,
) -> PyResult<Result<QueryResult, StatementError>> {
    if !engine_events_on(interp) {
        return Ok(conn.execute(sql, params));
    }
    let shown = Value::tuple(params.iter().map(super::types::untyped_result).collect());
    cursor_event(interp, conn, "before_cursor_execute", sql, &shown, batched, -1)?;
    let r = conn.execute(sql, params);
    if let Err(e) = &r {
        handle_error(interp, conn, e, &shown, batched)?;
    }
    if let Ok(q) = &r {
        // pysqlite's `rowcount`: the rows a DML statement changed, known once its RETURNING
        // rows are fetched (after this event); -1 for other statements.
        let rowcount = match (is_dml(sql), q.columns.is_empty()) {
            (true, true) => q.changes,
            (true, false) => 0,
            _ => -1,
        };
        cursor_event(interp, conn, "after_cursor_execute", sql, &shown, batched, rowcount)?;
    }
    Ok(r)
}

/// [`execute`] for an `executemany`: the listeners see the list of parameter tuples.
pub fn execute_many(
    interp: &mut Interp,
    conn: &Rc<Connection>,
    sql: &str,
    rows: Vec<Vec<SqlValue>>,
) -> PyResult<Result<i64, StatementError>> {
    if !engine_events_on(interp) {
        return Ok(conn.execute_many(sql, rows));
    }
    let shown =
        Value::list(rows.iter().map(|r| Value::tuple(r.iter().map(super::types::untyped_result).collect())).collect());
    cursor_event(interp, conn, "before_cursor_execute", sql, &shown, true, -1)?;
    let r = conn.execute_many(sql, rows);
    if let Err(e) = &r {
        handle_error(interp, conn, e, &shown, true)?;
    }
    if let Ok(n) = &r {
        cursor_event(interp, conn, "after_cursor_execute", sql, &shown, true, *n)?;
    }
    Ok(r)
}

fn is_dml(sql: &str) -> bool {
    let head = sql.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    matches!(head.as_str(), "INSERT" | "UPDATE" | "DELETE" | "REPLACE")
}

#[allow(clippy::too_many_arguments)]
fn cursor_event(
    interp: &mut Interp,
    conn: &Rc<Connection>,
    name: &str,
    sql: &str,
    params: &Value,
    many: bool,
    rowcount: i64,
) -> PyResult<()> {
    let c = connection_value(interp, conn, None)?;
    let engine = conn.engine.py_value().unwrap_or(Value::None);
    let f = hooks(interp).dispatch_engine.borrow().clone();
    let args = vec![
        Value::str(&format!("_{name}")),
        engine,
        c,
        Value::str(sql),
        params.clone(),
        Value::Bool(many),
        Value::Int(rowcount),
    ];
    interp.call(&f, Args::new(args))?;
    Ok(())
}

/// `manager.dispatch.<name>(state, *args)` (`init`, `load`).
pub fn instance_event(interp: &mut Interp, name: &str, obj: &Value, args: Vec<Value>) -> PyResult<()> {
    let h = hooks(interp);
    if !h.instance.get() {
        return Ok(());
    }
    let Value::Instance(inst) = obj else { return Ok(()) };
    let state = state_value(interp, inst);
    let f = h.dispatch_instance.borrow().clone();
    let mut all = vec![Value::str(name), obj.clone(), state];
    all.extend(args);
    interp.call(&f, Args::new(all))?;
    Ok(())
}

/// `_event_on_init`: a mapped class's instance is made; `init(target, args, kwargs)` before
/// its `__init__` runs (what the listeners leave in `kwargs` is what `__init__` receives), and
/// `init_failure(target, args, kwargs)` if it raises.
fn on_construct(interp: &mut Interp, obj: &Value, args: &mut Args, failed: bool) -> PyResult<()> {
    if orm::object_mapper(obj).is_none() {
        return Ok(());
    }
    let pos = Value::tuple(args.pos.clone());
    let mut kw = crate::python::value::Dict::new();
    for (k, v) in &args.kw {
        kw.set_str(k, v.clone());
    }
    let kw = Rc::new(RefCell::new(kw));
    let name = if failed { "init_failure" } else { "init" };
    instance_event(interp, name, obj, vec![pos, Value::Dict(kw.clone())])?;
    if !failed {
        let mut changed = Vec::new();
        for (k, v) in kw.borrow().iter() {
            let Some(k) = k.as_str() else {
                return Err(interp.type_error("keywords must be strings".to_string()));
            };
            changed.push((Rc::from(k), v.clone()));
        }
        args.kw = changed;
    }
    Ok(())
}

/// `load(target, context)` for an object a query has just made from a row.
pub fn loaded(interp: &mut Interp, obj: &Value) -> PyResult<()> {
    if !instance_events_on(interp) {
        return Ok(());
    }
    let ctx = query_context(interp)?;
    instance_event(interp, "load", obj, vec![ctx])
}

/// `refresh(target, context, attrs)`: a load has refreshed a persistent object, `names` the
/// attribute names it reports (a set, a frozenset, or None).
pub fn instance_refreshed(interp: &mut Interp, obj: &Value, names: Value) -> PyResult<()> {
    if !instance_events_on(interp) {
        return Ok(());
    }
    let ctx = query_context(interp)?;
    instance_event(interp, "refresh", obj, vec![ctx, names])
}

/// A `set` (or, `frozen`, a `frozenset`) of attribute names.
pub fn names_set(interp: &mut Interp, names: &[String], frozen: bool) -> PyResult<Value> {
    let f = interp.builtins.get(if frozen { "frozenset" } else { "set" }).unwrap_or(Value::None);
    interp.call(&f, Args::new(vec![Value::list(names.iter().map(|n| Value::str(n)).collect())]))
}

/// The `QueryContext` a `load` listener receives.
pub fn query_context(interp: &mut Interp) -> PyResult<Value> {
    let c = hooks(interp).query_context.borrow().clone();
    interp.call(&c, Args::new(vec![]))
}

/// `session.dispatch.<name>(session, *args)`.
pub fn session_event(interp: &mut Interp, s: &SessionData, name: &str, args: Vec<Value>) -> PyResult<()> {
    let h = hooks(interp);
    if !h.session.get() {
        return Ok(());
    }
    let Some(session) = s.py_value() else { return Ok(()) };
    let f = h.dispatch_session.borrow().clone();
    let mut all = vec![Value::str(name), session];
    all.extend(args);
    interp.call(&f, Args::new(all))?;
    Ok(())
}

/// A new `UOWTransaction` of the session (the `flush_context` of the flush events), or None
/// when no session listener would see it.
pub fn flush_context(interp: &mut Interp, s: &SessionData) -> PyResult<Option<Value>> {
    let h = hooks(interp);
    if !h.session.get() {
        return Ok(None);
    }
    let Some(session) = s.py_value() else { return Ok(None) };
    let c = h.flush_context.borrow().clone();
    interp.call(&c, Args::new(vec![session])).map(Some)
}

/// The session's root `SessionTransaction` (made on first need, kept until the transaction
/// ends: the same object for each of its events).
pub fn root_transaction(interp: &mut Interp, s: &SessionData) -> PyResult<Value> {
    if let Some(tx) = s.transaction.borrow().clone() {
        return Ok(tx);
    }
    let session = s.py_value().unwrap_or(Value::None);
    let c = hooks(interp).transaction.borrow().clone();
    let tx = interp.call(&c, Args::new(vec![session]))?;
    *s.transaction.borrow_mut() = Some(tx.clone());
    Ok(tx)
}

/// The session has begun its root transaction (`_autobegin_t`): `after_transaction_create`.
pub fn root_transaction_created(interp: &mut Interp, s: &SessionData) -> PyResult<()> {
    *s.transaction.borrow_mut() = None;
    if !session_events_on(interp) || s.py_value().is_none() {
        return Ok(());
    }
    let tx = root_transaction(interp, s)?;
    session_event(interp, s, "after_transaction_create", vec![tx])
}

/// The session's root transaction has ended (committed, rolled back or closed):
/// `after_transaction_end`; what `after_soft_rollback` receives next, if anything.
pub fn root_transaction_ended(interp: &mut Interp, s: &SessionData) -> PyResult<Option<Value>> {
    if !session_events_on(interp) || s.py_value().is_none() {
        *s.transaction.borrow_mut() = None;
        return Ok(None);
    }
    let tx = root_transaction(interp, s)?;
    *s.transaction.borrow_mut() = None;
    session_event(interp, s, "after_transaction_end", vec![tx.clone()])?;
    Ok(Some(tx))
}

/// A flush begins its subtransaction of the root one (`_autobegin_t()._begin()`):
/// `after_transaction_create`; the subtransaction, for its end, when a listener sees it.
pub fn subtransaction_created(interp: &mut Interp, s: &SessionData) -> PyResult<Option<Value>> {
    if !session_events_on(interp) || s.py_value().is_none() {
        return Ok(None);
    }
    let root = root_transaction(interp, s)?;
    let session = s.py_value().unwrap_or(Value::None);
    let c = hooks(interp).transaction.borrow().clone();
    let tx = interp.call(&c, Args::new(vec![session, root]))?;
    session_event(interp, s, "after_transaction_create", vec![tx.clone()])?;
    Ok(Some(tx))
}

/// A `UOWTransaction` of the session (what `refresh_flush` receives).
pub fn uow_transaction(interp: &mut Interp, s: &SessionData) -> PyResult<Value> {
    let session = s.py_value().unwrap_or(Value::None);
    let c = hooks(interp).flush_context.borrow().clone();
    interp.call(&c, Args::new(vec![session]))
}

/// `after_begin(session, transaction, connection)`: the session has just taken a connection.
pub fn after_begin(interp: &mut Interp, s: &SessionData, conn: &Rc<Connection>) -> PyResult<()> {
    if !session_events_on(interp) || s.py_value().is_none() {
        return Ok(());
    }
    let tx = root_transaction(interp, s)?;
    let conn = connection_value(interp, conn, Some(s))?;
    session_event(interp, s, "after_begin", vec![tx, conn])
}

/// `after_soft_rollback(session, previous_transaction)`: a rollback has ended `tx`.
pub fn after_soft_rollback(interp: &mut Interp, s: &SessionData, tx: Option<Value>) -> PyResult<()> {
    let Some(tx) = tx else { return Ok(()) };
    session_event(interp, s, "after_soft_rollback", vec![tx])
}

/// What `inspect(obj)` gives: the instance's `InstanceState` (what `raw=True` listeners get).
fn state_value(interp: &mut Interp, inst: &Rc<Instance>) -> Value {
    super::inspection::state_value(interp, inst).unwrap_or(Value::None)
}

/// An attribute listener (`event.listen(Post.body, 'set', fn)`).
pub struct AttributeListener {
    pub mapper_id: usize,
    pub key: String,
    /// `set`, `append` or `remove`.
    pub identifier: String,
    pub listener: Value,
    /// `retval=True`: what the listener returns is the value set or appended.
    pub retval: bool,
    /// `propagate=True`: also for the attribute of subclasses.
    pub propagate: bool,
    /// `raw=True`: the listener receives the `InstanceState`, not the object.
    pub raw: bool,
    /// The `NO_VALUE` symbol passed as the old value of an attribute without one.
    pub no_value: Value,
    /// The `AttributeEventToken` passed as the initiator.
    pub token: Value,
}

/// The attribute listeners, in the order they were registered.
pub fn attribute_listeners(interp: &mut Interp) -> Rc<RefCell<Vec<AttributeListener>>> {
    if let Some(l) = interp.ext.get("sqlalchemy.attribute_listeners").and_then(|e| e.clone().downcast().ok()) {
        return l;
    }
    let l: Rc<RefCell<Vec<AttributeListener>>> = Rc::new(RefCell::new(Vec::new()));
    interp.ext.insert("sqlalchemy.attribute_listeners", l.clone());
    l
}

/// The listeners of `identifier` on the attribute `data` of `obj`: registered on its own
/// mapper's attribute, or with `propagate=True` on a base mapper's.
fn listeners_for(
    interp: &mut Interp,
    key: &str,
    obj: &Value,
    identifier: &str,
) -> Vec<(Value, bool, bool, Value, Value)> {
    let listeners = attribute_listeners(interp);
    if listeners.borrow().is_empty() {
        return Vec::new();
    }
    let Some(own) = orm::object_mapper(obj) else { return Vec::new() };
    let chain: Vec<usize> = {
        let mut ids = Vec::new();
        let mut m = Some(own.clone());
        while let Some(x) = m {
            ids.push(x.id);
            m = x.inheritance.inherits.clone();
        }
        ids
    };
    let l = listeners.borrow();
    l.iter()
        .filter(|l| l.identifier == identifier && l.key == key)
        .filter(|l| l.mapper_id == own.id || (l.propagate && chain.contains(&l.mapper_id)))
        .map(|l| (l.listener.clone(), l.retval, l.raw, l.no_value.clone(), l.token.clone()))
        .collect()
}

/// `AttributeImpl.fire_replace_event`: each `set` listener of the attribute is called with
/// (target, value, oldvalue, initiator); a `retval=True` listener's result replaces the value.
pub fn fire_set(
    interp: &mut Interp,
    data: &AttrData,
    inst: &Rc<Instance>,
    obj: &Value,
    value: Value,
) -> PyResult<Value> {
    let mine = listeners_for(interp, &data.key, obj, "set");
    let mut value = value;
    for (f, retval, raw, no_value, token) in mine {
        let old = inst.dict.borrow().get_str(&data.key).cloned().unwrap_or(no_value);
        let target = if raw { state_value(interp, inst) } else { obj.clone() };
        let r = interp.call(&f, Args::new(vec![target, value.clone(), old, token]))?;
        if retval {
            value = r;
        }
    }
    Ok(value)
}

/// `ScalarAttributeImpl._default_value`: a scalar attribute of an object that has no value
/// is read; each `init_scalar` listener is called with (target, value, dict_), a `retval=True`
/// listener's result being the value. None when the attribute has no such listener.
pub fn fire_init_scalar(interp: &mut Interp, key: &str, inst: &Rc<Instance>) -> PyResult<Option<Value>> {
    let obj = Value::Instance(inst.clone());
    let mine = listeners_for(interp, key, &obj, "init_scalar");
    if mine.is_empty() {
        return Ok(None);
    }
    let mut value = Value::None;
    for (f, retval, raw, _, _) in mine {
        let target = if raw { state_value(interp, inst) } else { obj.clone() };
        let r = interp.call(&f, Args::new(vec![target, value.clone(), Value::Dict(inst.dict.clone())]))?;
        if retval {
            value = r;
        }
    }
    Ok(Some(value))
}

/// An `AttributeEventToken` of the attribute `key` with the operation `op` (`REPLACE`,
/// `BULK_REPLACE`, ...).
pub fn attribute_token(interp: &mut Interp, key: &str, op: &str) -> PyResult<Value> {
    let f = hooks(interp).token.borrow().clone();
    interp.call(&f, Args::new(vec![Value::str(key), Value::str(op)]))
}

/// Has the attribute `key` of `obj` a listener of `identifier`?
pub fn has_attribute_listener(interp: &mut Interp, key: &str, obj: &Value, identifier: &str) -> bool {
    !listeners_for(interp, key, obj, identifier).is_empty()
}

/// `bulk_replace(target, values, initiator)`: a collection is being assigned `values` (a
/// list the listeners may change).
pub fn fire_bulk_replace(interp: &mut Interp, key: &str, inst: &Rc<Instance>, values: &Value) -> PyResult<()> {
    let obj = Value::Instance(inst.clone());
    for (f, _, raw, _, token) in listeners_for(interp, key, &obj, "bulk_replace") {
        let target = if raw { state_value(interp, inst) } else { obj.clone() };
        interp.call(&f, Args::new(vec![target, values.clone(), token]))?;
    }
    Ok(())
}

/// The `append` or `remove` listeners of a collection, called with `initiator` (an
/// assignment's `BULK_REPLACE` token, or a backref's).
pub fn fire_collection_initiated(
    interp: &mut Interp,
    key: &str,
    inst: &Rc<Instance>,
    identifier: &str,
    item: &Value,
    initiator: &Value,
) -> PyResult<()> {
    let obj = Value::Instance(inst.clone());
    for (f, _, raw, _, _) in listeners_for(interp, key, &obj, identifier) {
        let target = if raw { state_value(interp, inst) } else { obj.clone() };
        interp.call(&f, Args::new(vec![target, item.clone(), initiator.clone()]))?;
    }
    Ok(())
}

/// `flag_modified(instance, key)`'s `modified(target, initiator)` event, for each listener of
/// the attribute.
pub fn fire_modified(interp: &mut Interp, key: &str, inst: &Rc<Instance>) -> PyResult<()> {
    let obj = Value::Instance(inst.clone());
    for (f, _, raw, _, token) in listeners_for(interp, key, &obj, "modified") {
        let target = if raw { state_value(interp, inst) } else { obj.clone() };
        interp.call(&f, Args::new(vec![target, token]))?;
    }
    Ok(())
}

/// `CollectionAttributeImpl.fire_append_event` / `fire_remove_event`: each `append` (or
/// `remove`) listener is called with (target, value, initiator); a `retval=True` `append`
/// listener's result is what is appended.
///
/// `initiator`: the attribute that started the event, when another one did (a backref's
/// many-to-one `set` appends to the collection with that attribute's `REPLACE` token).
pub fn fire_collection(
    interp: &mut Interp,
    key: &str,
    inst: &Rc<Instance>,
    identifier: &str,
    item: Value,
    initiator: Option<&str>,
) -> PyResult<Value> {
    let obj = Value::Instance(inst.clone());
    let mine = listeners_for(interp, key, &obj, identifier);
    if mine.is_empty() {
        return Ok(item);
    }
    let initiator = match initiator {
        Some(k) => {
            let f = hooks(interp).token.borrow().clone();
            Some(interp.call(&f, Args::new(vec![Value::str(k), Value::str("REPLACE")]))?)
        }
        None => None,
    };
    let mut item = item;
    for (f, retval, raw, _, token) in mine {
        let target = if raw { state_value(interp, inst) } else { obj.clone() };
        let token = initiator.clone().unwrap_or(token);
        let r = interp.call(&f, Args::new(vec![target, item.clone(), token]))?;
        if retval && identifier == "append" {
            item = r;
        }
    }
    Ok(item)
}

/// The native helpers of `sqlalchemy.event` (`lib/event.py`).
pub fn add_natives(m: &Module) {
    let attr = |v: Option<&Value>| v.and_then(|v| v.payload::<AttrData>());
    m.set("_is_attribute", func("_is_attribute", move |_, a| Ok(Value::Bool(attr(a.pos.first()).is_some()))));
    m.set(
        "_attribute_key",
        func("_attribute_key", move |_, a| Ok(attr(a.pos.first()).map(|d| Value::str(&d.key)).unwrap_or(Value::None))),
    );
    m.set(
        "_attribute_listen",
        func("_attribute_listen", move |i, a| {
            let Some(d) = attr(a.pos.first()) else { return Ok(Value::None) };
            let Some(mapper) = d.mapper.upgrade() else { return Ok(Value::None) };
            let at = |n: usize| a.pos.get(n).cloned().unwrap_or(Value::None);
            let retval = i.truthy(&at(2))?;
            let identifier = at(5).as_str().unwrap_or("set").to_string();
            let propagate = i.truthy(&at(6))?;
            let raw = i.truthy(&at(7))?;
            attribute_listeners(i).borrow_mut().push(AttributeListener {
                mapper_id: mapper.id,
                key: d.key.clone(),
                identifier,
                listener: at(1),
                retval,
                propagate,
                raw,
                no_value: at(3),
                token: at(4),
            });
            Ok(Value::None)
        }),
    );
    m.set(
        "_attribute_unlisten",
        func("_attribute_unlisten", move |i, a| {
            let Some(d) = attr(a.pos.first()) else { return Ok(Value::None) };
            let f = a.pos.get(1).cloned().unwrap_or(Value::None);
            let identifier = a.pos.get(2).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let id = d.mapper.upgrade().map(|m| m.id);
            let listeners = attribute_listeners(i);
            listeners.borrow_mut().retain(|x| {
                !(Some(x.mapper_id) == id && x.key == d.key && x.identifier == identifier && x.listener.is(&f))
            });
            Ok(Value::None)
        }),
    );
    m.set(
        "_mapper_class",
        func("_mapper_class", |_, a| {
            let m = a.pos.first().and_then(super::inspection::mapper_of_value);
            Ok(m.and_then(|m| m.class()).map(Value::Class).unwrap_or(Value::None))
        }),
    );
    m.set("_conn_execute", func("_conn_execute", conn_execute));
    m.set("_conn_exec_sql", func("_conn_exec_sql", conn_exec_sql));
    m.set(
        "_schema_key",
        func("_schema_key", |_, a| {
            let v = a.pos.first().cloned().unwrap_or(Value::None);
            if let Some(t) = v.payload::<Rc<super::schema::Table>>() {
                return Ok(Value::Int(Rc::as_ptr(&*t) as usize as i64));
            }
            if let Some(m) = v.payload::<super::module::MetaDataData>() {
                return Ok(Value::Int(Rc::as_ptr(&m.0) as usize as i64));
            }
            Ok(Value::None)
        }),
    );
    m.set(
        "_is_table",
        func("_is_table", |_, a| {
            Ok(Value::Bool(a.pos.first().is_some_and(|v| v.payload::<Rc<super::schema::Table>>().is_some())))
        }),
    );
    m.set(
        "_quote",
        func("_quote", |i, a| {
            let name = match a.pos.first() {
                Some(v) => i.to_str(v)?,
                None => String::new(),
            };
            use super::ddl::Dialect;
            Ok(Value::str(&super::ddl::SqliteDialect.quote(&name)))
        }),
    );
    m.set("_engine_class", func("_engine_class", |i, _| Ok(Value::Class(super::engine::engine_class(i)))));
    m.set("_mapper_type", func("_mapper_type", |i, _| Ok(Value::Class(super::inspection::mapper_type(i)))));
    m.set("_session_class", func("_session_class", |i, _| Ok(Value::Class(orm::orm_classes(i).session.clone()))));
    m.set(
        "_is_scoped",
        func("_is_scoped", |_, a| {
            Ok(Value::Bool(a.pos.first().is_some_and(|v| v.payload::<super::scoping::ScopedSession>().is_some())))
        }),
    );
    m.set(
        "_is_sessionmaker",
        func("_is_sessionmaker", |_, a| {
            Ok(Value::Bool(a.pos.first().is_some_and(|v| v.payload::<super::scoping::SessionMaker>().is_some())))
        }),
    );
    m.set(
        "_activate",
        func("_activate", |i, a| {
            let h = hooks(i);
            match a.pos.first().and_then(|v| v.as_str()) {
                Some("mapper") => h.mapper.set(true),
                Some("instance") => {
                    h.instance.set(true);
                    i.construct_hook = Some(Rc::new(on_construct));
                }
                Some("session") => h.session.set(true),
                Some("engine") => h.engine.set(true),
                Some("ddl") => h.ddl.set(true),
                _ => {}
            }
            Ok(Value::None)
        }),
    );
    m.set(
        "_set_dispatchers",
        func("_set_dispatchers", |i, a| {
            let h = hooks(i);
            let at = |n: usize| a.pos.get(n).cloned().unwrap_or(Value::None);
            *h.dispatch_mapper.borrow_mut() = at(0);
            *h.dispatch_instance.borrow_mut() = at(1);
            *h.dispatch_session.borrow_mut() = at(2);
            *h.connection.borrow_mut() = at(3);
            *h.flush_context.borrow_mut() = at(4);
            *h.transaction.borrow_mut() = at(5);
            *h.query_context.borrow_mut() = at(6);
            *h.token.borrow_mut() = at(7);
            *h.dispatch_engine.borrow_mut() = at(8);
            *h.dispatch_ddl.borrow_mut() = at(9);
            Ok(Value::None)
        }),
    );
}
