//! Flask-SQLAlchemy 3.1: the `SQLAlchemy` extension object (`db`), its `Model` base class with
//! automatic table names, the default model `__repr__`, the `query` property, engine creation
//! from `SQLALCHEMY_DATABASE_URI`, and `create_all`.

use std::rc::Rc;

use super::app::FlaskApp;
use crate::db::{Database, DbError};
use crate::python::builtins::{func, method, native_class, new_native};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Class, Module, Value};
use crate::sqlalchemy::ddl::{Dialect, SqliteDialect};
use crate::sqlalchemy::declarative;
use crate::sqlalchemy::engine::{Connection, Engine, SqlLog};
use crate::sqlalchemy::events;
use crate::sqlalchemy::module::{new_query, EngineData};
use crate::sqlalchemy::orm::{self, Registry, SessionData};
use crate::sqlalchemy::schema::sort_tables_and_constraints;
use crate::sqlalchemy::schema::MetaData;
use crate::sqlalchemy::scoping::{ScopedSession, SessionMaker};

/// Opens the database for an engine URL (provided by the host: sql.js or rusqlite).
pub type DbConnector = Rc<dyn Fn(&str) -> Result<Box<dyn Database>, DbError>>;

/// The interpreter-wide SQL log and database connector, set by the shell.
pub struct Host {
    pub log: Rc<SqlLog>,
    pub connect: DbConnector,
}

/// One bind key (`None` for the default bind) with its `MetaData` and that object in Python.
pub type BindMetaData = (Option<String>, Rc<MetaData>, Value);

/// Payload of the `db` object.
pub struct DbData {
    pub app: Value,
    pub engine: Rc<Engine>,
    pub engine_value: Value,
    /// `db.session`: the `scoped_session` and its Python object.
    pub scoped: Rc<ScopedSession>,
    pub session_value: Value,
    pub metadata: Rc<MetaData>,
    pub registry: Rc<Registry>,
    pub model: Value,
    /// `db.metadatas`: one `MetaData` per bind key (`None` first), with its Python object.
    pub metadatas: std::cell::RefCell<Vec<BindMetaData>>,
    /// `db.engines`: one engine per bind key, `SQLALCHEMY_BINDS`' keys first, then `None`.
    pub engines: Vec<(Option<String>, Rc<Engine>, Value)>,
}

impl DbData {
    /// The current `Session` of `db.session` (made on first use, and again after `remove()`).
    pub fn session(&self, interp: &Interp) -> Rc<SessionData> {
        self.scoped.session(interp)
    }

    /// `SQLAlchemy._make_metadata(bind_key)`: the bind's metadata, made on first use with the
    /// default metadata's naming convention.
    fn make_metadata(&self, interp: &mut Interp, bind_key: Option<&str>) -> (Rc<MetaData>, Value) {
        if let Some((_, md, v)) = self.metadatas.borrow().iter().find(|(k, _, _)| k.as_deref() == bind_key) {
            return (md.clone(), v.clone());
        }
        let md = Rc::new(MetaData::default());
        *md.naming_convention.borrow_mut() = self.metadata.naming_convention.borrow().clone();
        *md.naming_convention_given.borrow_mut() = self.metadata.naming_convention_given.borrow().clone();
        *md.naming_callables.borrow_mut() = self.metadata.naming_callables.borrow().clone();
        let v = crate::sqlalchemy::module::metadata_value(interp, &md);
        self.metadatas.borrow_mut().push((bind_key.map(str::to_string), md.clone(), v.clone()));
        (md, v)
    }

    /// The engine of a bind key, or Flask-SQLAlchemy's `UnboundExecutionError`.
    fn engine_for(&self, interp: &Interp, key: Option<&str>) -> PyResult<Rc<Engine>> {
        if let Some((_, e, _)) = self.engines.iter().find(|(k, _, _)| k.as_deref() == key) {
            return Ok(e.clone());
        }
        let msg = match key {
            Some(k) => format!("Bind key '{k}' is not in 'SQLALCHEMY_BINDS' config."),
            None => "'SQLALCHEMY_DATABASE_URI' config is not set. Bind key 'None' is not in 'SQLALCHEMY_BINDS' config."
                .to_string(),
        };
        Err(orm::sa_error(interp, "UnboundExecutionError", msg))
    }
}

/// Marks `db.Model`: which registry its subclasses map into.
pub struct ModelBase {
    pub registry: Rc<Registry>,
    pub db: std::cell::RefCell<std::rc::Weak<DbData>>,
}

/// Flask-SQLAlchemy's `camel_to_snake_case`:
/// `re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower().lstrip("_")`.
pub fn camel_to_snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let is_upper = c.is_ascii_uppercase();
        let after_lower_or_digit = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
        let before_lower = chars.get(i + 1).map(|n| n.is_ascii_lowercase()).unwrap_or(false);
        if is_upper && (after_lower_or_digit || (i > 0 && before_lower)) {
            out.push('_');
        }
        out.push(c);
    }
    out.to_lowercase().trim_start_matches('_').to_string()
}

fn model_base_of(cls: &Class) -> Option<Rc<ModelBase>> {
    cls.mro.borrow().iter().find_map(|c| c.ext_of::<ModelBase>())
}

/// `__init_subclass__` of `db.Model`: names the table and maps the class.
fn model_init_subclass(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let Some(Value::Class(cls)) = a.pos.first().cloned() else { return Ok(Value::None) };
    let Some(base) = model_base_of(&cls) else { return Ok(Value::None) };
    if let Some(v) = cls.dict.borrow().get_str("__abstract__") {
        if !matches!(v, Value::Bool(false)) {
            return Ok(Value::None);
        }
    }
    let own_tablename = cls.dict.borrow().get_str("__tablename__").cloned();
    // A mixin's `@declared_attr def __tablename__(cls)` names every class that inherits it.
    let declared = cls.lookup("__tablename__").and_then(|v| v.payload::<crate::sqlalchemy::module::DeclaredAttr>());
    let own_is_declared =
        own_tablename.as_ref().map(|v| v.payload::<crate::sqlalchemy::module::DeclaredAttr>().is_some());
    let own_tablename = match (own_tablename, declared) {
        (None, Some(d)) | (Some(_), Some(d)) if own_is_declared != Some(false) => {
            let name = interp.call(&d.0, Args::new(vec![Value::Class(cls.clone())]))?;
            cls.dict.borrow_mut().set_str("__tablename__", name.clone());
            Some(name)
        }
        (own, _) => own,
    };
    let tablename = match own_tablename {
        Some(v) => interp.to_str(&v)?,
        None => {
            let name = camel_to_snake_case(&cls.name);
            cls.dict.borrow_mut().set_str("__tablename__", Value::str(&name));
            name
        }
    };
    // `BindMetaMixin`: a model naming a `__bind_key__` gets that bind's metadata.
    let own = cls.dict.borrow().get_str("metadata").is_some() || cls.dict.borrow().get_str("__table__").is_some();
    if let (false, Some(db)) = (own, base.db.borrow().upgrade()) {
        let bind_key = match cls.lookup("__bind_key__") {
            None | Some(Value::None) => None,
            Some(v) => Some(interp.to_str(&v)?),
        };
        let (_, md) = db.make_metadata(interp, bind_key.as_deref());
        let parent = cls.lookup("metadata");
        if !parent.map(|p| p.is(&md)).unwrap_or(false) {
            cls.dict.borrow_mut().set_str("metadata", md);
        }
    }
    let mapper = orm::map_class(interp, &cls, &tablename, &base.registry)?;
    // `__table_cls__` found no primary key: single-table inheritance, the parent's table name
    // shows through.
    if mapper.inheritance.single {
        cls.dict.borrow_mut().remove(&Value::str("__tablename__"));
    }
    Ok(Value::None)
}

/// The declarative constructor (`_declarative_constructor`).
fn model_init(interp: &mut Interp, a: Args) -> PyResult<Value> {
    declarative::construct(interp, a, |cls| model_base_of(cls).map(|b| b.registry.clone()))
}

/// Flask-SQLAlchemy's `Model.__repr__`.
fn model_repr(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let obj = a.pos.first().cloned().unwrap_or(Value::None);
    let Value::Instance(inst) = &obj else { return Ok(Value::str("<?>")) };
    let st = orm::instance_state(inst);
    let name = inst.class.name.clone();
    let id = crate::python::value::Value::Int(0x7f00_0000_0000 + ((obj.id() as u64 & 0xff_ffff_ffff) as i64));
    let pk = if st.is_transient() {
        format!("(transient {})", interp.repr(&id)?)
    } else if st.is_pending() {
        format!("(pending {})", interp.repr(&id)?)
    } else {
        let ident = st.identity.borrow().clone();
        let mut parts = Vec::new();
        for v in ident {
            parts.push(interp.to_str(&v)?);
        }
        parts.join(", ")
    };
    Ok(Value::str(&format!("<{name} {pk}>")))
}

/// Flask's `_no_app_msg`: what using the app (or `db.session`, `db.engine`) outside an
/// application context raises.
pub const WORKING_OUTSIDE_APP_CONTEXT: &str = "Working outside of application context.\n\nThis typically means that you attempted to use functionality that needed\nthe current application. To solve this, set up an application context\nwith app.app_context(). See the documentation for more information.";

/// `db.Column`, `db.relationship`, ...: what `SQLAlchemy.__getattr__` finds in `sqlalchemy`
/// then `sqlalchemy.orm` (Flask-SQLAlchemy copies both namespaces onto the extension), for a
/// `db` with or without its app.
fn sqlalchemy_name(i: &mut Interp, name: String) -> PyResult<Value> {
    if !name.starts_with("__") {
        for module in ["sqlalchemy", "sqlalchemy.orm"] {
            if let Some(v) = i.import_module(module)?.get(&name) {
                return Ok(v);
            }
        }
    }
    Err(i.err("AttributeError", name))
}

fn db_of(interp: &Interp, a: &Args) -> PyResult<Rc<DbData>> {
    a.pos
        .first()
        .and_then(|v| v.payload::<DbData>())
        .ok_or_else(|| interp.type_error("descriptor requires a 'SQLAlchemy' object"))
}

/// Parses the scheme of a database URL: (`dialect`, database part).
pub fn url_dialect(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap_or((url, ""));
    let dialect = scheme.split('+').next().unwrap_or(scheme).to_string();
    (dialect, rest.to_string())
}

/// Creates `db` for an app: engine, session, `Model`.
/// `SQLAlchemy()` made without an app: the metadata, registry and `db.Model` the models are
/// declared on, until `db.init_app(app)` makes the engines and the session (the instance's
/// payload then becomes the [`DbData`]).
pub struct PendingDb {
    metadata: Rc<MetaData>,
    registry: Rc<Registry>,
    model: Value,
    md_value: Value,
    session_options: Option<Value>,
}

/// The models' side of `SQLAlchemy.__init__`: the registry (a `DeclarativeBase`'s own when
/// `model_class` is one), `db.Model` and its metadata object.
fn make_models(
    interp: &mut Interp,
    metadata: Option<Rc<MetaData>>,
    model_class: Option<Value>,
) -> PyResult<(Rc<MetaData>, Rc<Registry>, Value, Value)> {
    // `model_class=Base` where `class Base(DeclarativeBase)`: the models share Base's registry.
    let decl_base = model_class.as_ref().and_then(|v| v.as_class().cloned()).and_then(|c| {
        let reg = c.ext_of::<crate::sqlalchemy::declarative::DeclarativeBaseData>()?.registry.clone();
        Some((c, reg))
    });
    let (metadata, registry) = match &decl_base {
        Some((_, reg)) => (reg.metadata.clone(), reg.clone()),
        None => {
            let md = metadata.unwrap_or_default();
            (md.clone(), Registry::new(md))
        }
    };
    let mut model = make_model_class(interp, &registry)?;
    if let (Some((base, _)), Some(fsa_model)) = (&decl_base, model.as_class().cloned()) {
        model = declarative_model(interp, base, &fsa_model)?;
    }
    // `db.Model.metadata` is the default bind's metadata (for a `DeclarativeBase`, its own).
    let md_value = match model.as_class().and_then(|c| c.lookup("metadata")) {
        Some(v) if v.payload::<crate::sqlalchemy::module::MetaDataData>().is_some() => v,
        _ => {
            let v = crate::sqlalchemy::module::metadata_value(interp, &metadata);
            if let Some(c) = model.as_class() {
                c.dict.borrow_mut().set_str("metadata", v.clone());
            }
            v
        }
    };
    Ok((metadata, registry, model, md_value))
}

fn init_db(
    interp: &mut Interp,
    db_cls: &Rc<Class>,
    app: Value,
    metadata: Option<Rc<MetaData>>,
    model_class: Option<Value>,
    session_options: Option<Value>,
    pending: Option<(Rc<crate::python::value::Instance>, Rc<PendingDb>)>,
) -> PyResult<Value> {
    let Some(fapp) = app.payload::<FlaskApp>() else {
        return Err(interp.type_error("SQLAlchemy(app) expects a Flask application"));
    };
    let config = fapp.config.clone();
    let get = interp.getattr(&config, "get")?;
    let uri = interp.call(&get, Args::new(vec![Value::str("SQLALCHEMY_DATABASE_URI")]))?;
    let binds = interp.call(&get, Args::new(vec![Value::str("SQLALCHEMY_BINDS")]))?;
    if uri.is_none() && binds.is_none() {
        return Err(interp.err("RuntimeError", "Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set."));
    }
    // The engines' URLs: each of `SQLALCHEMY_BINDS` (a URL, or options with `url`), then the
    // default bind's.
    let mut urls: Vec<(Option<String>, String)> = Vec::new();
    if let Value::Dict(d) = &binds {
        let items: Vec<(Value, Value)> = d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (k, v) in items {
            let key = if k.is_none() { None } else { Some(interp.to_str(&k)?) };
            let url = match &v {
                Value::Dict(o) => o.borrow().get_str("url").cloned().unwrap_or(Value::None),
                other => other.clone(),
            };
            urls.push((key, interp.to_str(&url)?));
        }
    }
    if !uri.is_none() {
        let uri = interp.to_str(&uri)?;
        match urls.iter_mut().find(|(k, _)| k.is_none()) {
            Some(e) => e.1 = uri,
            None => urls.push((None, uri)),
        }
    }
    let host = interp
        .ext
        .get("flask_sqlalchemy.host")
        .and_then(|h| h.clone().downcast::<Host>().ok())
        .ok_or_else(|| interp.err("RuntimeError", "no database connector"))?;
    let engine_cls = crate::sqlalchemy::engine::engine_class(interp);
    let mut engines = Vec::new();
    let instance_path = format!("{}/instance", interp.project_dir);
    for (key, url) in urls {
        let url = apply_driver_defaults(&url, &instance_path);
        let (dialect, _) = url_dialect(&url);
        let database = (host.connect)(&url)
            .map_err(|e| interp.err("RuntimeError", format!("could not open the database: {}", e.message)))?;
        let engine = Engine::new(&url, &dialect, database, host.log.clone());
        let value = new_native(&engine_cls, EngineData(engine.clone()));
        if let Value::Instance(inst) = &value {
            *engine.py.borrow_mut() = Rc::downgrade(inst);
        }
        engines.push((key, engine, value));
    }
    // Without `SQLALCHEMY_DATABASE_URI` the first bind stands in where one engine is needed
    // (the session's fallback, the record); models without a bind key fail at get_bind.
    let (engine, engine_value) = match engines.iter().find(|(k, _, _)| k.is_none()).or(engines.first()) {
        Some((_, e, v)) => (e.clone(), v.clone()),
        None => {
            return Err(
                interp.err("RuntimeError", "Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set.")
            )
        }
    };
    let (metadata, registry, model, md_value) = match &pending {
        Some((_, p)) => (p.metadata.clone(), p.registry.clone(), p.model.clone(), p.md_value.clone()),
        None => make_models(interp, metadata, model_class)?,
    };
    let session_options = match &pending {
        Some((_, p)) => p.session_options.clone(),
        None => session_options,
    };
    // `session_options`: the keyword arguments of the `sessionmaker` (those the playground models).
    let (mut autoflush, mut expire_on_commit) = (true, true);
    let mut kw_repr = vec![
        ("db".to_string(), format!("<SQLAlchemy {}>", engine.url)),
        ("query_cls".to_string(), "<class 'flask_sqlalchemy.query.Query'>".to_string()),
    ];
    if let Some(Value::Dict(opts)) = &session_options {
        let opts = opts.borrow().clone();
        for (k, v) in opts.iter() {
            let Some(k) = k.as_str().map(str::to_string) else { continue };
            match k.as_str() {
                "expire_on_commit" => expire_on_commit = interp.truthy(v)?,
                "autoflush" => autoflush = interp.truthy(v)?,
                "scopefunc" | "class_" | "bind" | "info" => {}
                _ => kw_repr.push((k, interp.repr(v)?)),
            }
        }
    }
    let scoped = ScopedSession::new(SessionMaker {
        engine: engine.clone(),
        registry: registry.clone(),
        binds: Default::default(),
        autoflush,
        expire_on_commit,
        kw_repr,
    });
    let session_value = crate::sqlalchemy::scoping::scoped_session_value(interp, &scoped);
    let metadatas = std::cell::RefCell::new(vec![(None, metadata.clone(), md_value)]);
    let data = Rc::new(DbData {
        app: app.clone(),
        engine,
        engine_value,
        scoped,
        session_value,
        metadata,
        registry: registry.clone(),
        model: model.clone(),
        metadatas,
        engines,
    });
    // Every configured bind has its metadata; the session routes its tables to its engine.
    let keys: Vec<String> = data.engines.iter().filter_map(|(k, _, _)| k.clone()).collect();
    for key in keys {
        let (md, _) = data.make_metadata(interp, Some(&key));
        let engine = data.engine_for(interp, Some(&key))?;
        data.scoped.factory.binds.borrow_mut().push((md, engine));
    }
    if let Some(mb) = model.as_class().and_then(|c| model_base_of(c)) {
        *mb.db.borrow_mut() = Rc::downgrade(&data);
    }
    let inst = match pending {
        Some((inst, _)) => inst,
        None => crate::python::value::Instance::new(db_cls.clone()),
    };
    *inst.payload.borrow_mut() = Some(data);
    let db = Value::Instance(inst);
    if let Value::Dict(ext) = &fapp.extensions {
        ext.borrow_mut().set_str("sqlalchemy", db.clone());
    }
    Ok(db)
}

/// Flask-SQLAlchemy's `_make_declarative_base` for a 2.0 `DeclarativeBase` subclass: a class
/// `FlaskSQLAlchemyBase` with the base's namespace, over `Model` and the base's own bases.
fn declarative_model(interp: &mut Interp, base: &Rc<Class>, fsa_model: &Rc<Class>) -> PyResult<Value> {
    let mut dict = base.dict.borrow().clone();
    dict.set_str("__qualname__", Value::str("FlaskSQLAlchemyBase"));
    dict.set_str("__fsa__", Value::None);
    let mut bases = vec![fsa_model.clone()];
    bases.extend(base.bases.iter().cloned());
    let cls = interp.new_class_full("FlaskSQLAlchemyBase", "FlaskSQLAlchemyBase", &base.module, bases, dict, None)?;
    // The `__init_subclass__` hooks after `Model`'s: `DeclarativeBase`'s sets the class up as
    // a base on the registry it names (refusing a per-base `type_annotation_map`);
    // `MappedAsDataclass`'s refuses a class that is already a dataclass.
    crate::sqlalchemy::declarative::init_subclass_after(interp, &cls, fsa_model, Vec::new())?;
    Ok(Value::Class(cls))
}

/// Flask-SQLAlchemy's `_apply_driver_defaults` for SQLite: a relative database path is made
/// absolute under the app's instance folder (`:memory:` and absolute paths are kept).
fn apply_driver_defaults(url: &str, instance_path: &str) -> String {
    if !url.starts_with("sqlite") {
        return url.to_string();
    }
    match crate::sqlalchemy::engine::url_database(url) {
        Some(db) if db != ":memory:" && !db.starts_with('/') && !db.starts_with("file:") => {
            let at = url.find(db).unwrap_or(url.len());
            format!("{}{instance_path}/{db}{}", &url[..at], &url[at + db.len()..])
        }
        _ => url.to_string(),
    }
}

fn make_model_class(interp: &mut Interp, registry: &Rc<Registry>) -> PyResult<Value> {
    let query_prop = native_class(
        interp,
        "_QueryProperty",
        "flask_sqlalchemy.model",
        None,
        vec![(
            "__get__",
            method("_QueryProperty", "__get__", |i, a| {
                let owner = a.pos.get(2).cloned().unwrap_or(Value::None);
                let Value::Class(cls) = &owner else { return Ok(Value::None) };
                let Some(mapper) = orm::class_mapper(cls) else { return Ok(Value::None) };
                let Some(base) = model_base_of(cls) else { return Ok(Value::None) };
                let Some(db) = base.db.borrow().upgrade() else { return Ok(Value::None) };
                new_query(i, &db.session(i), &mapper)
            }),
        )],
    );
    let model = native_class(
        interp,
        "Model",
        "flask_sqlalchemy.model",
        None,
        vec![
            ("__init_subclass__", func("__init_subclass__", model_init_subclass)),
            ("__init__", method("Model", "__init__", model_init)),
            ("__repr__", method("Model", "__repr__", model_repr)),
            ("query", new_native(&query_prop, ())),
            ("__fsa__", Value::None),
        ],
    );
    *model.ext.borrow_mut() =
        Some(Rc::new(ModelBase { registry: registry.clone(), db: std::cell::RefCell::new(std::rc::Weak::new()) }));
    Ok(Value::Class(model))
}

/// `checkfirst`: does the table exist? (`PRAGMA main.table_info`, then `temp`, as SQLite's
/// `has_table` asks).
fn table_exists(interp: &mut Interp, conn: &Rc<Connection>, name: &str) -> PyResult<bool> {
    let quoted = crate::sqlalchemy::reserved::quote_identifier(name, '"');
    for schema in ["main", "temp"] {
        match events::execute(interp, conn, &format!("PRAGMA {schema}.table_info({quoted})"), vec![])? {
            Ok(r) if !r.rows.is_empty() => return Ok(true),
            Ok(_) => {}
            Err(e) => {
                conn.rollback();
                return Err(orm::dbapi_error(interp, e));
            }
        }
    }
    Ok(false)
}

/// `sort_tables_and_constraints` resolves every foreign key's table: one naming a table the
/// metadata lacks raises `NoReferencedTableError` (after the `checkfirst` PRAGMAs).
fn check_references(interp: &mut Interp, conn: &Connection, md: &MetaData) -> PyResult<()> {
    if let Some(msg) = md.unresolved_foreign_key() {
        conn.rollback();
        return Err(orm::sa_error(interp, "NoReferencedTableError", msg));
    }
    Ok(())
}

/// `MetaData.create_all(engine)` with `checkfirst=True`: the PRAGMA checks, then CREATE TABLE
/// for each missing table in dependency order, in one transaction.
fn create_all(interp: &mut Interp, md: &Rc<MetaData>, engine: &Rc<Engine>) -> PyResult<()> {
    let conn = Rc::new(engine.connect());
    let r = create_all_on(interp, md, &conn);
    match r {
        Ok(()) => conn.commit(),
        Err(_) => conn.rollback(),
    }
    r.and(events::checked_in(interp, &conn))
}

/// The `DDLEvents` of a table or metadata (`tables`: the metadata's tables concerned).
fn ddl_event(
    interp: &mut Interp,
    name: &str,
    conn: &Rc<Connection>,
    table: Option<&Rc<crate::sqlalchemy::schema::Table>>,
    md: &Rc<MetaData>,
    tables: &[Rc<crate::sqlalchemy::schema::Table>],
) -> PyResult<()> {
    if !events::ddl_events_on(interp) {
        return Ok(());
    }
    use crate::sqlalchemy::module::{metadata_value, table_value};
    match table {
        Some(t) => {
            let v = table_value(interp, t);
            events::ddl_event(interp, name, v, Rc::as_ptr(t) as usize, conn, None)
        }
        None => {
            let v = metadata_value(interp, md);
            let list = Value::list(tables.iter().map(|t| table_value(interp, t)).collect());
            events::ddl_event(interp, name, v, Rc::as_ptr(md) as usize, conn, Some(list))
        }
    }
}

fn create_all_on(interp: &mut Interp, md: &Rc<MetaData>, conn: &Rc<Connection>) -> PyResult<()> {
    let conn = conn.clone();
    events::connected(interp, &conn, None)?;
    conn.ensure_begun();
    let dialect = SqliteDialect;
    let mut missing = Vec::new();
    let tables: Vec<_> = md.tables.borrow().clone();
    for t in tables {
        if !table_exists(interp, &conn, &t.name)? {
            missing.push(t.name.clone());
        }
    }
    check_references(interp, &conn, md)?;
    // SQLite has no ALTER for constraints: every foreign key stays inside CREATE TABLE, so
    // only the order matters here (`SchemaGenerator.visit_metadata`, over the missing tables).
    let missing: Vec<_> = md.tables.borrow().iter().filter(|t| missing.contains(&t.name)).cloned().collect();
    let order: Vec<_> = match sort_tables_and_constraints(missing.clone(), &|_| None) {
        Ok(sort) => sort.tables.into_iter().map(|(t, _)| t).collect(),
        Err(_) => missing,
    };
    ddl_event(interp, "before_create", &conn, None, md, &order)?;
    for t in &order {
        let t = t.clone();
        ddl_event(interp, "before_create", &conn, Some(&t), md, &[])?;
        let sql = match dialect.visit_create_table(&t) {
            Ok(sql) => sql,
            Err(e) => {
                conn.rollback();
                return Err(orm::compile_error(interp, e));
            }
        };
        let mut statements = vec![Ok(sql)];
        statements.extend(t.sorted_indexes().iter().map(|i| dialect.visit_create_index(&t, i)));
        for sql in statements {
            let sql = match sql {
                Ok(sql) => sql,
                Err(e) => {
                    conn.rollback();
                    return Err(orm::compile_error(interp, e));
                }
            };
            if let Err(e) = events::execute(interp, &conn, &sql, vec![])? {
                conn.rollback();
                return Err(orm::dbapi_error(interp, e));
            }
        }
        ddl_event(interp, "after_create", &conn, Some(&t), md, &[])?;
    }
    ddl_event(interp, "after_create", &conn, None, md, &order)?;
    Ok(())
}

/// `MetaData.drop_all(engine)` with `checkfirst=True`: the PRAGMA checks, then DROP TABLE for
/// each existing table in reverse dependency order (SQLite drops the indexes with the table).
fn drop_all(interp: &mut Interp, md: &Rc<MetaData>, engine: &Rc<Engine>) -> PyResult<()> {
    let conn = Rc::new(engine.connect());
    let r = drop_all_on(interp, md, &conn);
    match r {
        Ok(()) => conn.commit(),
        Err(_) => conn.rollback(),
    }
    r.and(events::checked_in(interp, &conn))
}

fn drop_all_on(interp: &mut Interp, md: &Rc<MetaData>, conn: &Rc<Connection>) -> PyResult<()> {
    let conn = conn.clone();
    events::connected(interp, &conn, None)?;
    conn.ensure_begun();
    let mut present = Vec::new();
    let tables: Vec<_> = md.tables.borrow().clone();
    for t in tables {
        if table_exists(interp, &conn, &t.name)? {
            present.push(t.name.clone());
        }
    }
    check_references(interp, &conn, md)?;
    // `SchemaDropper.visit_metadata` on a dialect without ALTER: no constraint may leave the
    // sort, so a foreign key cycle (other than through `use_alter=True`) cannot be sorted, and
    // the tables are dropped in the metadata's order, with a warning.
    let present: Vec<_> = md.tables.borrow().iter().filter(|t| present.contains(&t.name)).cloned().collect();
    let order: Vec<_> = match sort_tables_and_constraints(present.clone(), &|_| Some(false)) {
        Ok(sort) => sort.tables.into_iter().rev().map(|(t, _)| t).collect(),
        Err(cycles) => {
            interp.warn(
                "sqlalchemy.exc.SAWarning",
                &format!(
                    "Can't sort tables for DROP; an unresolvable foreign key dependency exists between tables: \
                     {}; and backend does not support ALTER.  To restore at least a partial sort, apply \
                     use_alter=True to ForeignKey and ForeignKeyConstraint objects involved in the cycle to mark \
                     these as known cycles that will be ignored.",
                    cycles.join(", ")
                ),
            );
            present
        }
    };
    ddl_event(interp, "before_drop", &conn, None, md, &order)?;
    for t in order.iter().cloned() {
        ddl_event(interp, "before_drop", &conn, Some(&t), md, &[])?;
        let sql = format!("\nDROP TABLE {}", SqliteDialect.quote(&t.name));
        if let Err(e) = events::execute(interp, &conn, &sql, vec![])? {
            conn.rollback();
            return Err(orm::dbapi_error(interp, e));
        }
        ddl_event(interp, "after_drop", &conn, Some(&t), md, &[])?;
    }
    ddl_event(interp, "after_drop", &conn, None, md, &order)?;
    Ok(())
}

/// `SQLAlchemy._call_for_binds`: `create_all` / `drop_all` on the metadata of each bind key
/// named by `bind_key` (`"__all__"`: every one, in `db.metadatas` order), on that bind's engine.
fn call_for_binds(
    interp: &mut Interp,
    db: &DbData,
    bind_key: Option<Value>,
    op: fn(&mut Interp, &Rc<MetaData>, &Rc<Engine>) -> PyResult<()>,
) -> PyResult<()> {
    let key_of = |i: &mut Interp, v: &Value| -> PyResult<Option<String>> {
        if v.is_none() {
            Ok(None)
        } else {
            Ok(Some(i.to_str(v)?))
        }
    };
    let keys: Vec<Option<String>> = match bind_key {
        None => db.metadatas.borrow().iter().map(|(k, _, _)| k.clone()).collect(),
        Some(Value::Str(s)) if &*s == "__all__" => db.metadatas.borrow().iter().map(|(k, _, _)| k.clone()).collect(),
        Some(v @ (Value::Str(_) | Value::None)) => vec![key_of(interp, &v)?],
        Some(v) => {
            let items = interp.iterate(&v)?;
            let mut keys = Vec::new();
            for k in items {
                keys.push(key_of(interp, &k)?);
            }
            keys
        }
    };
    for key in keys {
        let engine = db.engine_for(interp, key.as_deref())?;
        let md = db.metadatas.borrow().iter().find(|(k, _, _)| *k == key).map(|(_, m, _)| m.clone());
        let Some(md) = md else {
            let r = interp.repr(&key.map(|k| Value::str(&k)).unwrap_or(Value::None))?;
            return Err(interp.err("KeyError", r));
        };
        op(interp, &md, &engine)?;
    }
    Ok(())
}

fn build_flask_sqlalchemy(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("flask_sqlalchemy", None);
    let db_cls = native_class(interp, "SQLAlchemy", "flask_sqlalchemy.extension", None, vec![]);
    let c2 = db_cls.clone();
    db_cls.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |i, mut a| {
            let app = a.arg(1, "app").unwrap_or(Value::None);
            let metadata = a.take_kw("metadata").and_then(|m| m.payload::<crate::sqlalchemy::module::MetaDataData>());
            let model_class = a.take_kw("model_class");
            let session_options = a.take_kw("session_options");
            if app.is_none() {
                // The application factory's `db = SQLAlchemy()`: the models can be declared
                // now; `db.init_app(app)` makes the engines.
                let (metadata, registry, model, md_value) = make_models(i, metadata.map(|m| m.0.clone()), model_class)?;
                let pending = PendingDb { metadata, registry, model, md_value, session_options };
                let inst = crate::python::value::Instance::new(c2.clone());
                *inst.payload.borrow_mut() = Some(Rc::new(pending));
                return Ok(Value::Instance(inst));
            }
            init_db(i, &c2, app, metadata.map(|m| m.0.clone()), model_class, session_options, None)
        }),
    );
    let c3 = db_cls.clone();
    let methods: Vec<(&str, Value)> = vec![
        ("__init__", method("SQLAlchemy", "__init__", |_, _| Ok(Value::None))),
        (
            "init_app",
            method("SQLAlchemy", "init_app", move |i, mut a| {
                let app = a.arg(1, "app").unwrap_or(Value::None);
                let Some(Value::Instance(inst)) = a.pos.first().cloned() else {
                    return Err(i.type_error("descriptor 'init_app' requires a 'SQLAlchemy' object"));
                };
                let Some(pending) = inst.payload::<PendingDb>() else {
                    // Already registered (`SQLAlchemy(app)`): as Flask-SQLAlchemy, refuse a second app.
                    return Err(i.err(
                        "RuntimeError",
                        "A 'SQLAlchemy' instance has already been registered on this Flask app. Import and use that instance instead.",
                    ));
                };
                init_db(i, &c3, app, None, None, None, Some((inst.clone(), pending)))?;
                Ok(Value::None)
            }),
        ),
        (
            "get_or_404",
            method("SQLAlchemy", "get_or_404", |i, mut a| {
                let db = db_of(i, &a)?;
                let description = a.take_kw("description");
                let entity = a.pos.get(1).cloned().unwrap_or(Value::None);
                let Some(mapper) = entity.as_class().and_then(|c| orm::class_mapper(c)) else {
                    let r = i.repr(&entity)?;
                    return Err(orm::sa_error(
                        i,
                        "ArgumentError",
                        format!("Expected mapped class or mapper, got: {r}"),
                    ));
                };
                let ident = a.pos.get(2).cloned().unwrap_or(Value::None);
                let found =
                    orm::session_get(i, &db.session(i), &mapper, &ident, crate::sqlalchemy::sql::LabelStyle::None)?;
                if found.is_none() {
                    return Err(super::app::not_found(i, description));
                }
                Ok(found)
            }),
        ),
        (
            "paginate",
            method("SQLAlchemy", "paginate", |i, mut a| {
                let db = db_of(i, &a)?;
                let stmt = a.arg(1, "select").unwrap_or(Value::None);
                let rest = Args { pos: vec![], kw: std::mem::take(&mut a.kw) };
                crate::sqlalchemy::statement::paginate_select(i, &db.session(i), &stmt, rest)
            }),
        ),
        (
            "first_or_404",
            method("SQLAlchemy", "first_or_404", |i, mut a| {
                let db = db_of(i, &a)?;
                let description = a.take_kw("description");
                let stmt = a.arg(1, "statement").unwrap_or(Value::None);
                crate::sqlalchemy::statement::select_or_404(i, &db.session(i), &stmt, false, description)
            }),
        ),
        (
            "one_or_404",
            method("SQLAlchemy", "one_or_404", |i, mut a| {
                let db = db_of(i, &a)?;
                let description = a.take_kw("description");
                let stmt = a.arg(1, "statement").unwrap_or(Value::None);
                crate::sqlalchemy::statement::select_or_404(i, &db.session(i), &stmt, true, description)
            }),
        ),
        (
            "create_all",
            method("SQLAlchemy", "create_all", |i, mut a| {
                let db = db_of(i, &a)?;
                if !super::app::has_app_context(i) {
                    return Err(i.err("RuntimeError", WORKING_OUTSIDE_APP_CONTEXT));
                }
                let key = a.arg(1, "bind_key");
                call_for_binds(i, &db, key, create_all)?;
                Ok(Value::None)
            }),
        ),
        (
            "drop_all",
            method("SQLAlchemy", "drop_all", |i, mut a| {
                let db = db_of(i, &a)?;
                if !super::app::has_app_context(i) {
                    return Err(i.err("RuntimeError", WORKING_OUTSIDE_APP_CONTEXT));
                }
                let key = a.arg(1, "bind_key");
                call_for_binds(i, &db, key, drop_all)?;
                Ok(Value::None)
            }),
        ),
        (
            "__repr__",
            method("SQLAlchemy", "__repr__", |i, a| {
                let db = db_of(i, &a)?;
                Ok(Value::str(&format!("<SQLAlchemy {}>", db.engine.url)))
            }),
        ),
        (
            "__getattr__",
            method("SQLAlchemy", "__getattr__", |i, a| {
                let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                if let Some(p) = a.pos.first().and_then(|v| v.payload::<PendingDb>()) {
                    match name.as_str() {
                        "Model" => return Ok(p.model.clone()),
                        "metadata" => return Ok(p.md_value.clone()),
                        "Table" => {
                            let md = p.metadata.clone();
                            return Ok(func("Table", move |i, mut a| {
                                let name = match a.pos.first() {
                                    Some(Value::Str(s)) => s.to_string(),
                                    _ => return Err(i.type_error("Table() expects a name as its first argument")),
                                };
                                a.take_kw("bind_key");
                                let options = crate::sqlalchemy::module::TableOptions::take(i, &mut a)?;
                                crate::sqlalchemy::module::make_table(i, &md, &name, &a.pos[1..], options)
                            }));
                        }
                        "session" | "engine" | "engines" | "metadatas" | "get_engine" => {
                            return Err(i.err("RuntimeError", WORKING_OUTSIDE_APP_CONTEXT));
                        }
                        _ => {}
                    }
                    return sqlalchemy_name(i, name);
                }
                let db = db_of(i, &a)?;
                match name.as_str() {
                    "Model" => return Ok(db.model.clone()),
                    "session" => return Ok(db.session_value.clone()),
                    "engine" => return Ok(db.engine_value.clone()),
                    "metadata" => return Ok(db.make_metadata(i, None).1),
                    "metadatas" => {
                        let mut d = crate::python::value::Dict::new();
                        for (k, _, v) in db.metadatas.borrow().iter() {
                            d.insert(k.as_deref().map(Value::str).unwrap_or(Value::None), v.clone());
                        }
                        return Ok(Value::dict(d));
                    }
                    "engines" => {
                        let mut d = crate::python::value::Dict::new();
                        for (k, _, v) in &db.engines {
                            d.insert(k.as_deref().map(Value::str).unwrap_or(Value::None), v.clone());
                        }
                        return Ok(Value::dict(d));
                    }
                    "get_engine" => {
                        let db = db.clone();
                        return Ok(func("get_engine", move |i, mut a| {
                            let key = a.arg(0, "bind_key").filter(|v| !v.is_none());
                            let key = match key {
                                Some(v) => Some(i.to_str(&v)?),
                                None => None,
                            };
                            db.engine_for(i, key.as_deref())?;
                            let v = db.engines.iter().find(|(k, _, _)| *k == key).map(|(_, _, v)| v.clone());
                            v.ok_or_else(|| i.err("KeyError", "bind"))
                        }));
                    }
                    "Table" => {
                        let db = db.clone();
                        return Ok(func("Table", move |i, mut a| {
                            let name = match a.pos.first() {
                                Some(Value::Str(s)) => s.to_string(),
                                _ => return Err(i.type_error("Table() expects a name as its first argument")),
                            };
                            let key = match a.take_kw("bind_key") {
                                None | Some(Value::None) => None,
                                Some(v) => Some(i.to_str(&v)?),
                            };
                            let (md, _) = db.make_metadata(i, key.as_deref());
                            let options = crate::sqlalchemy::module::TableOptions::take(i, &mut a)?;
                            crate::sqlalchemy::module::make_table(i, &md, &name, &a.pos[1..], options)
                        }));
                    }
                    _ => {}
                }
                sqlalchemy_name(i, name)
            }),
        ),
    ];
    for (k, v) in methods {
        db_cls.dict.borrow_mut().set_str(k, v);
    }
    m.set("SQLAlchemy", Value::Class(db_cls));
    Ok(m)
}

/// Registers `flask_sqlalchemy`.
pub fn register(interp: &mut Interp) {
    interp.register_module("flask_sqlalchemy", Rc::new(build_flask_sqlalchemy));
}

#[cfg(test)]
mod tests {
    use super::camel_to_snake_case;

    #[test]
    fn table_names_as_flask_sqlalchemy_makes_them() {
        // The oracle's case 109 shows these names.
        assert_eq!(camel_to_snake_case("UserRole"), "user_role");
        assert_eq!(camel_to_snake_case("HTTPRequestLog"), "http_request_log");
        assert_eq!(camel_to_snake_case("OAuth2Token"), "o_auth2_token");
        assert_eq!(camel_to_snake_case("ABTest"), "ab_test");
        assert_eq!(camel_to_snake_case("Address2"), "address2");
        assert_eq!(camel_to_snake_case("User"), "user");
    }
}
