//! The Python face of SQLAlchemy: the `sqlalchemy`, `sqlalchemy.orm`, `sqlalchemy.exc` and
//! `sqlalchemy.types` modules, whose classes wrap the Rust objects of this crate's
//! `sqlalchemy` module.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::engine::Engine;
use super::orm::{self, AttrData, OrmClasses, Relationship, RelationshipArgs, SessionData};
use super::schema::{Column, ColumnDefault, ForeignKey, MetaData};
use super::sql::{Clause, LabelStyle, Select, SqlCompiler};
use super::types::SqlType;
use crate::python::builtins::{func, method, native_class, new_native};
use crate::python::interp::{Interp, PyErr, PyResult};
use crate::python::value::{Args, Class, Module, Value};

/// Payload of type objects (`String(100)`).
pub struct TypeData(pub SqlType);

/// Payload of `Query` objects.
pub struct QueryData {
    pub session: Rc<SessionData>,
    pub mapper: Rc<orm::Mapper>,
    pub where_: Vec<Clause>,
    pub order_by: Vec<Clause>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// For an `AppenderQuery`: the parent object and the relationship.
    pub appender: Option<(Value, Rc<Relationship>)>,
    pub extra: QueryExtra,
}

/// The rest of a legacy `Query`'s state: joins, DISTINCT, grouping, and the entities of a
/// `session.query(User.name, ...)` that returns rows rather than objects.
#[derive(Clone, Default)]
pub struct QueryExtra {
    pub joins: Vec<super::sql::Join>,
    pub distinct: bool,
    pub group_by: Vec<Clause>,
    pub having: Vec<Clause>,
    pub entities: Option<Vec<super::statement::Entity>>,
    /// Loader options (`.options(joinedload(User.posts))`).
    pub options: Vec<super::strategies::LoaderOption>,
}

pub use super::engine::EngineData;

/// Payload of `Inspector` objects.
pub struct InspectorData(pub Rc<Engine>);

fn self_payload<T: 'static>(interp: &Interp, a: &Args, what: &str) -> PyResult<Rc<T>> {
    a.pos
        .first()
        .and_then(|v| v.payload::<T>())
        .ok_or_else(|| interp.type_error(format!("descriptor requires a '{what}' object")))
}

/// The type a `Column(...)` argument names: a type instance or a type class.
pub fn type_of_arg(interp: &mut Interp, v: &Value) -> PyResult<Option<SqlType>> {
    if let Some(t) = v.payload::<TypeData>() {
        // A `TypeDecorator` object: the column's type calls this object's methods.
        if let SqlType::Decorated(d) = &t.0 {
            return Ok(Some(SqlType::Decorated(Rc::new(super::types::Decorated {
                class: d.class.clone(),
                impl_type: d.impl_type.clone(),
                obj: Some(v.clone()),
            }))));
        }
        return Ok(Some(t.0.clone()));
    }
    if let Value::Class(c) = v {
        if c.lookup("__sa_type__").is_some() {
            let inst = interp.call(v, Args::default())?;
            if inst.payload::<TypeData>().is_none() {
                return Ok(None);
            }
            return type_of_arg(interp, &inst);
        }
    }
    Ok(None)
}

thread_local! {
    static COLUMN_ORDER: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn column_new(interp: &mut Interp, mut a: Args) -> PyResult<Value> {
    let cls = a.pos.remove(0);
    let mut name = None;
    let mut ty = None;
    let mut fks = Vec::new();
    let mut checks = Vec::new();
    for (i, arg) in a.pos.iter().enumerate() {
        if let (0, Value::Str(s)) = (i, arg) {
            name = Some(s.to_string());
        } else if let Some(t) = type_of_arg(interp, arg)? {
            ty = Some(t);
        } else if let Some(fk) = arg.payload::<ForeignKey>() {
            fks.push(fk);
        } else if let Some(c) = arg.payload::<super::schema::Constraint>() {
            if let super::schema::Constraint::Check { name, sqltext } = &*c {
                checks.push((name.clone(), sqltext.clone()));
            }
        } else {
            let r = interp.repr(arg)?;
            return Err(orm::sa_error(
                interp,
                "ArgumentError",
                format!("'SchemaItem' object, such as a 'Column' or a 'Constraint' expected, got {r}"),
            ));
        }
    }
    let mut flag = |interp: &mut Interp, k: &str| -> PyResult<Option<bool>> {
        match a.take_kw(k) {
            Some(v) => Ok(Some(interp.truthy(&v)?)),
            None => Ok(None),
        }
    };
    let primary_key = flag(interp, "primary_key")?.unwrap_or(false);
    let nullable = flag(interp, "nullable")?;
    let unique = flag(interp, "unique")?;
    let index = flag(interp, "index")?;
    let autoincrement = match a.take_kw("autoincrement") {
        Some(Value::Bool(b)) => Some(b),
        _ => None,
    };
    let default = match a.take_kw("default") {
        None | Some(Value::None) => None,
        Some(v @ (Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Class(_))) => {
            Some(ColumnDefault::Callable(v))
        }
        Some(v) => Some(ColumnDefault::Scalar(v)),
    };
    let server_default = match a.take_kw("server_default") {
        None | Some(Value::None) => None,
        Some(v) => Some(default_clause(interp, &v)?),
    };
    let server_onupdate = match a.take_kw("server_onupdate") {
        None | Some(Value::None) => None,
        Some(v) => Some(default_clause(interp, &v)?),
    };
    let onupdate = match a.take_kw("onupdate") {
        None | Some(Value::None) => None,
        Some(v @ (Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Class(_))) => {
            Some(ColumnDefault::Callable(v))
        }
        Some(v) => Some(ColumnDefault::Scalar(v)),
    };
    let comment = match a.take_kw("comment") {
        None | Some(Value::None) => None,
        Some(v) => Some(interp.to_str(&v)?),
    };
    if let Some(Value::Str(n)) = a.take_kw("name") {
        name = Some(n.to_string());
    }
    if let Some(t) = a.take_kw("type_") {
        ty = type_of_arg(interp, &t)?;
    }
    for k in ["info", "doc", "key", "quote", "system", "insert_default"] {
        a.take_kw(k);
    }
    if let Some((k, _)) = a.kw.first() {
        let cname = interp.type_name(&cls);
        let _ = cname;
        return Err(orm::sa_error(interp, "ArgumentError", format!("Unknown arguments passed to Column: ['{k}']")));
    }
    let ty = match ty {
        Some(t) => t,
        // With a `ForeignKey` and no type, the referenced column's type comes later
        // (`MetaData::resolve_foreign_key_types`).
        None => SqlType::Other("NullType".into()),
    };
    let order = COLUMN_ORDER.with(|c| {
        let v = c.get();
        c.set(v + 1);
        v
    });
    let col = Column {
        name: RefCell::new(name),
        key: RefCell::new(None),
        ty: super::schema::ColumnType::new(ty),
        primary_key: std::cell::Cell::new(primary_key),
        nullable_arg: std::cell::Cell::new(nullable),
        unique,
        index,
        default,
        server_default,
        onupdate,
        server_onupdate,
        py: RefCell::new(std::rc::Weak::new()),
        comment,
        checks,
        foreign_keys: fks,
        autoincrement,
        table: RefCell::new(std::rc::Weak::new()),
        order,
    };
    let Value::Class(c) = &cls else { return Err(interp.type_error("Column.__new__ needs a class")) };
    let v = new_native(c, col);
    if let (Value::Instance(inst), Some(col)) = (&v, v.payload::<Column>()) {
        *col.py.borrow_mut() = Rc::downgrade(inst);
    }
    Ok(v)
}

/// `server_default=`: a string (a quoted literal), `text(...)`, `func.now()`, `true()`.
fn default_clause(interp: &mut Interp, v: &Value) -> PyResult<super::schema::DefaultClause> {
    use super::schema::DefaultClause;
    if v.payload::<FetchedValueData>().is_some() {
        return Ok(DefaultClause::Fetched);
    }
    if let Some(t) = v.payload::<TextData>() {
        return Ok(DefaultClause::Text(t.0.clone()));
    }
    if let Some(e) = v.payload::<ExprData>() {
        match &e.0 {
            Clause::Function(name, _) => return Ok(DefaultClause::Func(name.clone())),
            Clause::Bool(b) => return Ok(DefaultClause::Bool(*b)),
            Clause::Text(t) => return Ok(DefaultClause::Text(t.clone())),
            _ => {}
        }
    }
    match v {
        Value::Str(s) => Ok(DefaultClause::Literal(s.to_string())),
        other => {
            let t = interp.type_of(other).full_name();
            Err(orm::sa_error(
                interp,
                "ArgumentError",
                format!("Argument 'arg' is expected to be one of type '<class 'str'>' or '<class 'sqlalchemy.sql.elements.ClauseElement'>' or '<class 'sqlalchemy.sql.elements.TextClause'>', got '<class '{t}'>'"),
            ))
        }
    }
}

fn relationship_fn(interp: &mut Interp, mut a: Args) -> PyResult<Value> {
    let argument = a.pos.first().cloned().or_else(|| a.take_kw("argument")).unwrap_or(Value::None);
    let secondary = match a.pos.get(1).cloned().or_else(|| a.take_kw("secondary")) {
        None | Some(Value::None) => None,
        Some(v) => match v.payload::<Rc<super::schema::Table>>() {
            Some(t) => Some((*t).clone()),
            None => {
                let r = interp.repr(&v)?;
                return Err(orm::sa_error(interp, "ArgumentError", format!("secondary argument {r} must be a Table")));
            }
        },
    };
    let backref = match a.take_kw("backref") {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => Some((s.to_string(), Vec::new())),
        Some(Value::Tuple(t)) if t.len() == 2 => {
            let name = interp.to_str(&t[0])?;
            let kwargs = match &t[1] {
                Value::Dict(d) => {
                    d.borrow().iter().filter_map(|(k, v)| k.as_str().map(|k| (Rc::from(k), v.clone()))).collect()
                }
                _ => Vec::new(),
            };
            Some((name, kwargs))
        }
        Some(other) => Some((interp.to_str(&other)?, Vec::new())),
    };
    let back_populates = match a.take_kw("back_populates") {
        Some(Value::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    let (save_update, cascade_delete, delete_orphan) = match a.take_kw("cascade") {
        Some(v) => orm::cascade_options(&interp.to_str(&v)?),
        None => (true, false, false),
    };
    // A viewonly relationship cascades nothing.
    let viewonly = match a.take_kw("viewonly") {
        Some(v) => interp.truthy(&v)?,
        None => false,
    };
    let save_update = save_update && !viewonly;
    let order_by = match a.take_kw("order_by") {
        Some(v) => orm::order_by_values(interp, &v)?,
        None => vec![],
    };
    let lazy = match a.take_kw("lazy") {
        Some(v) => orm::lazy_name(interp, &v)?,
        None => "select".into(),
    };
    let passive_deletes = match a.take_kw("passive_deletes") {
        Some(v) => interp.truthy(&v)?,
        None => false,
    };
    let innerjoin = match a.take_kw("innerjoin") {
        Some(v) => interp.truthy(&v)?,
        None => false,
    };
    let uselist = match a.take_kw("uselist") {
        None | Some(Value::None) => None,
        Some(v) => Some(interp.truthy(&v)?),
    };
    let foreign_keys = match a.take_kw("foreign_keys") {
        None | Some(Value::None) => None,
        Some(v) => Some(v),
    };
    let post_update = match a.take_kw("post_update") {
        Some(v) => interp.truthy(&v)?,
        None => false,
    };
    let mut join_arg = |k: &str| match a.take_kw(k) {
        None | Some(Value::None) => None,
        Some(v) => Some(v),
    };
    let primaryjoin = join_arg("primaryjoin");
    let secondaryjoin = join_arg("secondaryjoin");
    let remote_side = join_arg("remote_side");
    for k in [
        "single_parent",
        "overlaps",
        "innerjoin",
        "collection_class",
        "join_depth",
        "info",
        "doc",
        "sync_backref",
        "cascade_backrefs",
        "active_history",
        "enable_typechecks",
        "bake_queries",
        "distinct_target_key",
        "omit_join",
        "query_class",
        "comparator_factory",
        "passive_updates",
        "load_on_pending",
        "dataclass_metadata",
        "_local_remote_pairs",
        "typing_extensions",
        "raiseload",
    ] {
        a.take_kw(k);
    }
    let mut dataclass_options = Vec::new();
    for k in ["init", "repr", "default", "default_factory", "compare", "kw_only", "hash"] {
        if let Some(v) = a.take_kw(k) {
            dataclass_options.push((Rc::from(k), v));
        }
    }
    if let Some((k, _)) = a.kw.first() {
        return Err(
            interp.type_error(format!("RelationshipProperty.__init__() got an unexpected keyword argument '{k}'"))
        );
    }
    let classes = relationship_class(interp);
    let rel = Relationship::new(RelationshipArgs {
        argument,
        backref,
        back_populates,
        lazy,
        uselist,
        foreign_keys,
        post_update,
        secondary,
        order_by,
        save_update,
        cascade_delete,
        delete_orphan,
        primaryjoin,
        secondaryjoin,
        remote_side,
        passive_deletes,
        innerjoin,
    });
    *rel.dataclass_options.borrow_mut() = dataclass_options;
    Ok(new_native(&classes, rel))
}

/// Payload of `text()` objects.
pub struct TextData(pub String);

/// Payload of `MetaData` objects.
pub struct MetaDataData(pub Rc<MetaData>);

fn metadata_class(interp: &Interp) -> Rc<Class> {
    let cls = native_class(
        interp,
        "MetaData",
        "sqlalchemy.sql.schema",
        None,
        vec![
            ("__repr__", method("MetaData", "__repr__", |_, _| Ok(Value::str("MetaData()")))),
            (
                "__getattr__",
                method("MetaData", "__getattr__", |i, a| {
                    let md = self_payload::<MetaDataData>(i, &a, "MetaData")?;
                    match a.pos.get(1).and_then(|v| v.as_str()) {
                        Some("tables") => {
                            let mut d = crate::python::value::Dict::new();
                            for t in md.0.tables.borrow().iter() {
                                d.set_str(&t.name, table_value(i, t));
                            }
                            Ok(Value::dict(d))
                        }
                        Some("naming_convention") if md.0.naming_convention_given.borrow().is_some() => {
                            Ok(md.0.naming_convention_given.borrow().clone().unwrap_or(Value::None))
                        }
                        Some("sorted_tables") => {
                            let (tables, cycles) = md.0.sorted_tables_and_cycles();
                            if !cycles.is_empty() {
                                i.warn("sqlalchemy.exc.SAWarning", &crate::sqlalchemy::schema::cycles_warning(&cycles));
                            }
                            Ok(Value::list(tables.iter().map(|t| table_value(i, t)).collect()))
                        }
                        Some(other) => {
                            Err(i.err("AttributeError", format!("'MetaData' object has no attribute '{other}'")))
                        }
                        None => Ok(Value::None),
                    }
                }),
            ),
        ],
    );
    let c2 = cls.clone();
    cls.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |_, mut a| {
            let md = MetaData::default();
            if let Some(given) = a.take_kw("naming_convention").filter(|v| matches!(v, Value::Dict(_))) {
                let mut conv = Vec::new();
                let entries = match &given {
                    Value::Dict(d) => d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    _ => Vec::new(),
                };
                for (k, v) in entries.iter() {
                    match (k.as_str(), v.as_str()) {
                        (Some(k), Some(v)) => conv.push((k.to_string(), v.to_string())),
                        (Some(k), None) => md.naming_callables.borrow_mut().push((k.to_string(), v.clone())),
                        _ => {}
                    }
                }
                // The dict replaces `DEFAULT_NAMING_CONVENTION`: without an `ix` entry, indexes
                // stay unnamed (an empty template names nothing).
                if !conv.iter().any(|(k, _)| k == "ix") {
                    conv.push(("ix".into(), String::new()));
                }
                *md.naming_convention.borrow_mut() = conv;
                *md.naming_convention_given.borrow_mut() = Some(given.clone());
            }
            Ok(new_native(&c2, MetaDataData(Rc::new(md))))
        }),
    );
    cls
}

/// The Python `MetaData` object for a schema metadata.
pub fn metadata_value(interp: &mut Interp, md: &Rc<MetaData>) -> Value {
    let cls = interp.import_module("sqlalchemy").ok().and_then(|sa| sa.get("MetaData"));
    match cls {
        Some(Value::Class(c)) => new_native(&c, MetaDataData(md.clone())),
        _ => Value::None,
    }
}

/// The Python `Table` object for a schema table.
pub fn table_value(interp: &Interp, t: &Rc<super::schema::Table>) -> Value {
    let cls = interp
        .ext
        .get("sqlalchemy.table_class")
        .and_then(|e| e.clone().downcast::<Rc<Class>>().ok())
        .map(|c| (*c).clone())
        .unwrap_or_else(|| interp.types.object.clone());
    if let Some(inst) = t.py.borrow().upgrade() {
        return Value::Instance(inst);
    }
    let v = new_native(&cls, t.clone());
    if let Value::Instance(inst) = &v {
        *t.py.borrow_mut() = Rc::downgrade(inst);
    }
    v
}

/// Payload of `FetchedValue()`.
pub struct FetchedValueData;

/// Payload of the objects `Column.server_default` / `.default` & co. give: their repr.
pub struct DefaultRepr(pub String);

/// `Column.server_default` / `.server_onupdate` (`DefaultClause` or `FetchedValue`), or
/// `.default` / `.onupdate` (`ScalarElementColumnDefault`, `CallableColumnDefault`), as objects
/// that show themselves as SQLAlchemy's do.
fn default_object(i: &mut Interp, c: &Rc<Column>, which: &str) -> PyResult<Value> {
    let text = match which {
        "server_default" | "server_onupdate" => {
            let d = if which == "server_default" { &c.server_default } else { &c.server_onupdate };
            let Some(d) = d else { return Ok(Value::None) };
            server_default_repr(i, c, d, which == "server_onupdate")?
        }
        _ => {
            let d = if which == "default" { &c.default } else { &c.onupdate };
            let Some(d) = d else { return Ok(Value::None) };
            column_default_repr(i, d)?
        }
    };
    let name = text.split('(').next().unwrap_or("DefaultClause").to_string();
    let cls = native_class(i, &name, "sqlalchemy.sql.schema", None, vec![]);
    cls.dict.borrow_mut().set_str(
        "__repr__",
        method(&name, "__repr__", |i, a| {
            let d = self_payload::<DefaultRepr>(i, &a, "DefaultClause")?;
            Ok(Value::str(&d.0))
        }),
    );
    Ok(new_native(&cls, DefaultRepr(text)))
}

fn column_default_repr(i: &mut Interp, d: &super::schema::ColumnDefault) -> PyResult<String> {
    Ok(match d {
        super::schema::ColumnDefault::Scalar(v) => format!("ScalarElementColumnDefault({})", i.repr(v)?),
        super::schema::ColumnDefault::Callable(v) => format!("CallableColumnDefault({})", i.repr(v)?),
    })
}

fn server_default_repr(
    i: &mut Interp,
    c: &Rc<Column>,
    d: &super::schema::DefaultClause,
    for_update: bool,
) -> PyResult<String> {
    let arg = match d {
        super::schema::DefaultClause::Fetched => {
            return Ok(if for_update { "FetchedValue(for_update=True)".into() } else { "FetchedValue()".into() })
        }
        super::schema::DefaultClause::Literal(s) => i.repr(&Value::str(s))?,
        _ => object_at("sqlalchemy.sql.elements.TextClause", Rc::as_ptr(c) as usize + if for_update { 16 } else { 8 }),
    };
    Ok(format!("DefaultClause({arg}, for_update={})", if for_update { "True" } else { "False" }))
}

/// The Python `Column` object for a schema column (the same column, not a copy): the one
/// made for it before while that lives.
pub fn column_value(interp: &Interp, c: &Rc<Column>) -> Value {
    if let Some(inst) = c.py.borrow().upgrade() {
        return Value::Instance(inst);
    }
    let cls = interp
        .ext
        .get("sqlalchemy.column_class")
        .and_then(|e| e.clone().downcast::<Rc<Class>>().ok())
        .map(|c| (*c).clone())
        .unwrap_or_else(|| interp.types.object.clone());
    let inst = crate::python::value::Instance::new(cls);
    *inst.payload.borrow_mut() = Some(c.clone());
    *c.py.borrow_mut() = Rc::downgrade(&inst);
    Value::Instance(inst)
}

/// Payload of `Table.c`: the table's columns by name.
pub struct ColumnCollection(pub Rc<super::schema::Table>);

fn table_getattr(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let t = a
        .pos
        .first()
        .and_then(|v| v.payload::<Rc<super::schema::Table>>())
        .ok_or_else(|| interp.type_error("bad Table"))?;
    let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    match name.as_str() {
        "c" | "columns" => {
            let cls = native_class(
                interp,
                "ReadOnlyColumnCollection",
                "sqlalchemy.sql.base",
                None,
                vec![
                    (
                        "__getattr__",
                        method("ReadOnlyColumnCollection", "__getattr__", |i, a| {
                            let cc = self_payload::<ColumnCollection>(i, &a, "ReadOnlyColumnCollection")?;
                            let key = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                            match cc.0.column(&key) {
                                Some(c) => Ok(column_value(i, &c)),
                                None => Err(i.err("AttributeError", key)),
                            }
                        }),
                    ),
                    (
                        "__getitem__",
                        method("ReadOnlyColumnCollection", "__getitem__", |i, a| {
                            let cc = self_payload::<ColumnCollection>(i, &a, "ReadOnlyColumnCollection")?;
                            let key = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                            match cc.0.column(&key) {
                                Some(c) => Ok(column_value(i, &c)),
                                None => {
                                    let cls = i.exc_class("KeyError");
                                    Err(PyErr { exc: i.new_exception(&cls, vec![Value::str(&key)]), traceback: vec![] })
                                }
                            }
                        }),
                    ),
                    (
                        "__iter__",
                        method("ReadOnlyColumnCollection", "__iter__", |i, a| {
                            let cc = self_payload::<ColumnCollection>(i, &a, "ReadOnlyColumnCollection")?;
                            let cols: Vec<Value> = cc.0.columns.borrow().iter().map(|c| column_value(i, c)).collect();
                            let list = Value::list(cols);
                            let iter = i.builtins.get("iter").unwrap_or(Value::None);
                            i.call(&iter, Args::new(vec![list]))
                        }),
                    ),
                    (
                        "keys",
                        method("ReadOnlyColumnCollection", "keys", |i, a| {
                            let cc = self_payload::<ColumnCollection>(i, &a, "ReadOnlyColumnCollection")?;
                            let keys: Vec<Value> = cc.0.columns.borrow().iter().map(|c| Value::str(&c.key())).collect();
                            Ok(Value::list(keys))
                        }),
                    ),
                ],
            );
            Ok(new_native(&cls, ColumnCollection((*t).clone())))
        }
        "name" | "fullname" => Ok(Value::str(&t.name)),
        "primary_key" => {
            // Named as the naming convention named it when it joined the table.
            let name = t.primary_key_constraint.borrow().as_ref().and_then(|p| p.0.clone());
            let cols: Vec<String> = t.primary_key_clause().iter().map(|c| c.name()).collect();
            let name = t.constraint_name("pk", name.as_deref(), &cols, None);
            let item = TableItem { table: (*t).clone(), kind: ItemKind::PrimaryKey(name, t.primary_key()) };
            Ok(table_item_value(interp, item))
        }
        "foreign_key_constraints" => {
            let items = table_constraints(&t).into_iter().filter(|it| matches!(it.kind, ItemKind::ForeignKey(..)));
            let values: Vec<Value> = items.map(|it| table_item_value(interp, it)).collect();
            Ok(set_of(values))
        }
        "constraints" => {
            let items = table_constraints(&t);
            let values: Vec<Value> = items.into_iter().map(|it| table_item_value(interp, it)).collect();
            Ok(set_of(values))
        }
        "indexes" => {
            let mut values = Vec::new();
            for ix in t.sorted_indexes() {
                let cols = ix.columns.iter().filter_map(|n| t.column(&t.column_name_of(n))).collect();
                let name = ix.name.clone();
                values.push(table_item_value(
                    interp,
                    TableItem { table: (*t).clone(), kind: ItemKind::Index(name, cols, ix.unique) },
                ));
            }
            Ok(set_of(values))
        }
        "foreign_keys" => {
            let mut values = Vec::new();
            for c in t.columns.borrow().iter() {
                values.extend(fk_values(interp, c));
            }
            Ok(set_of(values))
        }
        // `TableClause.insert()` / `update()` / `delete()` / `select()`: the statement of that
        // name on the table.
        "insert" | "update" | "delete" | "select" => {
            let table = a.pos[0].clone();
            let n = name.clone();
            Ok(func(&name, move |i, a| {
                let sa = i.import_module("sqlalchemy")?;
                let f = sa.get(&n).unwrap_or(Value::None);
                let mut pos = vec![table.clone()];
                pos.extend(a.pos);
                i.call(&f, Args { pos, kw: a.kw })
            }))
        }
        _ => Err(interp.err("AttributeError", format!("'Table' object has no attribute '{name}'"))),
    }
}

/// A column's type as a Python object (a `TypeDecorator`'s own instance).
fn column_type_value(i: &mut Interp, c: &Column) -> PyResult<Value> {
    if let SqlType::Decorated(d) = &*c.ty {
        if let Some(obj) = &d.obj {
            return Ok(obj.clone());
        }
    }
    let module = if c.ty.is_null() { "sqlalchemy.types" } else { "sqlalchemy" };
    let sa = i.import_module(module)?;
    match sa.get(&c.ty.class_name()) {
        Some(Value::Class(cls)) => Ok(new_native(&cls, TypeData((*c.ty).clone()))),
        _ => Ok(Value::None),
    }
}

/// A set of values in the given order.
fn set_of(values: Vec<Value>) -> Value {
    let mut d = crate::python::pyset::PySet::new();
    for v in values {
        d.add(v);
    }
    Value::Set(Rc::new(std::cell::RefCell::new(d)))
}

/// A column's `ForeignKey` objects.
fn fk_values(i: &mut Interp, c: &Rc<Column>) -> Vec<Value> {
    let Some(Value::Class(cls)) = i.import_module("sqlalchemy").ok().and_then(|m| m.get("ForeignKey")) else {
        return vec![];
    };
    c.all_foreign_keys()
        .iter()
        .map(|fk| {
            let inst = crate::python::value::Instance::new(cls.clone());
            *inst.payload.borrow_mut() = Some(fk.clone());
            Value::Instance(inst)
        })
        .collect()
}

fn fk_set(i: &mut Interp, c: &Rc<Column>) -> Value {
    set_of(fk_values(i, c))
}

/// What an object repr shows for an object of a class without its own `__repr__`.
fn object_at(class_path: &str, v: usize) -> String {
    format!("<{class_path} object at 0x{:012x}>", 0x7f00_0000_0000u64 + (v as u64 & 0xff_ffff_ffff))
}

/// `Column.__repr__`: name, type, foreign keys, inline checks, table, then the keyword
/// arguments that differ from the defaults.
pub fn column_repr(i: &mut Interp, c: &Rc<Column>) -> PyResult<String> {
    let ty = column_type_value(i, c)?;
    let mut parts = vec![i.repr(&Value::str(&c.name()))?, i.repr(&ty)?];
    for fk in &c.all_foreign_keys() {
        parts.push(format!("ForeignKey({})", i.repr(&Value::str(&fk.target))?));
    }
    for (n, (_, _)) in c.checks.iter().enumerate() {
        parts.push(format!(
            "CheckConstraint({})",
            object_at("sqlalchemy.sql.elements.TextClause", Rc::as_ptr(c) as usize + n * 64)
        ));
    }
    parts.push(match c.table() {
        Some(t) => format!("table=<{}>", t.name),
        None => "table=None".to_string(),
    });
    if c.key() != c.name() {
        parts.push(format!("key={}", i.repr(&Value::str(&c.key()))?));
    }
    if c.primary_key.get() {
        parts.push("primary_key=True".into());
    }
    if !c.nullable() {
        parts.push("nullable=False".into());
    }
    if let Some(d) = &c.onupdate {
        parts.push(format!("onupdate={}", column_default_repr(i, d)?));
    }
    if let Some(d) = &c.default {
        parts.push(format!("default={}", column_default_repr(i, d)?));
    }
    if let Some(d) = &c.server_default {
        parts.push(format!("server_default={}", server_default_repr(i, c, d, false)?));
    }

    if let Some(cm) = &c.comment {
        parts.push(format!("comment={}", i.repr(&Value::str(cm))?));
    }
    Ok(format!("Column({})", parts.join(", ")))
}

/// `Table.__repr__`.
fn table_repr(i: &mut Interp, t: &Rc<super::schema::Table>) -> PyResult<String> {
    let mut parts = vec![i.repr(&Value::str(&t.name))?, "MetaData()".to_string()];
    for c in t.columns.borrow().clone() {
        parts.push(column_repr(i, &c)?);
    }
    parts.push("schema=None".into());
    Ok(format!("Table({})", parts.join(", ")))
}

/// A table's constraint or index as Python sees it (`Table.constraints`, `.indexes`,
/// `.primary_key`).
pub struct TableItem {
    table: Rc<super::schema::Table>,
    kind: ItemKind,
}

enum ItemKind {
    PrimaryKey(Option<String>, Vec<Rc<Column>>),
    Unique(Option<String>, Vec<Rc<Column>>),
    /// The name, and whether it is `_NONE_NAME` (an unnamed `Enum`'s CHECK keeps it: the
    /// naming convention applies only when the DDL is compiled).
    Check(Option<String>, bool),
    ForeignKey(Option<String>, Vec<Rc<Column>>),
    Index(String, Vec<Rc<Column>>, bool),
}

/// `Table.constraints`: the primary key, then the table's constraints (a column's `ForeignKey`
/// and `unique=True` made theirs; a column's inline `CheckConstraint` stays the column's, and
/// constraints left bare in a class body are no table's).
fn table_constraints(t: &Rc<super::schema::Table>) -> Vec<TableItem> {
    use super::schema::Constraint;
    let item = |kind| TableItem { table: t.clone(), kind };
    let cols = |names: &[String]| names.iter().filter_map(|n| t.column(&t.column_name_of(n))).collect::<Vec<_>>();
    // Names as the naming convention made them when the constraint joined the table.
    let pk_name = t.primary_key_constraint.borrow().as_ref().and_then(|p| p.0.clone());
    let pk_cols: Vec<String> = t.primary_key_clause().iter().map(|c| c.name()).collect();
    let pk_name = t.constraint_name("pk", pk_name.as_deref(), &pk_cols, None);
    let mut out = vec![item(ItemKind::PrimaryKey(pk_name, t.primary_key()))];
    for con in t.constraints.borrow().iter() {
        out.push(match con {
            Constraint::PrimaryKey { .. } => continue,
            Constraint::Unique { name, columns } => {
                item(ItemKind::Unique(t.constraint_name("uq", name.as_deref(), columns, None), cols(columns)))
            }
            Constraint::Check { name, .. } => {
                item(ItemKind::Check(t.constraint_name("ck", name.as_deref(), &[], None), false))
            }
            Constraint::EnumCheck { enum_type, column } => {
                let Some(n) = enum_type.name.as_deref() else {
                    out.push(item(ItemKind::Check(None, true)));
                    continue;
                };
                let name = t.convention_name("ck", Some(n), false, std::slice::from_ref(column), &[]).ok().flatten();
                item(ItemKind::Check(name, false))
            }
            Constraint::ForeignKey { name, columns, fk } => {
                let referred: Vec<(String, String)> =
                    fk.iter().map(|f| (f.target_table().to_string(), f.target_column().to_string())).collect();
                let name = t.convention_name("fk", name.as_deref(), false, columns, &referred).ok().flatten();
                item(ItemKind::ForeignKey(name, cols(columns)))
            }
        });
    }
    out
}

fn item_class(i: &mut Interp, item: &TableItem) -> Rc<Class> {
    let (name, key) = match item.kind {
        ItemKind::PrimaryKey(..) => ("PrimaryKeyConstraint", "sqlalchemy.item.PrimaryKeyConstraint"),
        ItemKind::Unique(..) => ("UniqueConstraint", "sqlalchemy.item.UniqueConstraint"),
        ItemKind::Check(..) => ("CheckConstraint", "sqlalchemy.item.CheckConstraint"),
        ItemKind::ForeignKey(..) => ("ForeignKeyConstraint", "sqlalchemy.item.ForeignKeyConstraint"),
        ItemKind::Index(..) => ("Index", "sqlalchemy.item.Index"),
    };
    if let Some(c) = i.ext.get(key).and_then(|e| e.clone().downcast::<Rc<Class>>().ok()) {
        return (*c).clone();
    }
    // A subclass of the constructor class with the same name: `isinstance()` and
    // `type(c).__name__` are what SQLAlchemy's give.
    let base = match i.import_module("sqlalchemy").ok().and_then(|m| m.get(name)) {
        Some(Value::Class(c)) => Some(c),
        _ => None,
    };
    let cls = native_class(
        i,
        name,
        "sqlalchemy.sql.schema",
        base.as_ref(),
        vec![
            ("__repr__", method(name, "__repr__", table_item_repr)),
            ("__getattr__", method(name, "__getattr__", table_item_getattr)),
            (
                "__iter__",
                method(name, "__iter__", |i, a| {
                    let cols = table_item_columns(i, &a)?;
                    let iter = i.builtins.get("iter").unwrap_or(Value::None);
                    i.call(&iter, Args::new(vec![Value::list(cols)]))
                }),
            ),
            ("__len__", method(name, "__len__", |i, a| Ok(Value::Int(table_item_columns(i, &a)?.len() as i64)))),
            ("__hash__", method(name, "__hash__", |_, a| Ok(Value::Int(a.pos[0].id() as i64)))),
            (
                "__eq__",
                method(name, "__eq__", |_, a| Ok(Value::Bool(a.pos[0].is(a.pos.get(1).unwrap_or(&Value::None))))),
            ),
        ],
    );
    i.ext.insert(key, Rc::new(cls.clone()));
    cls
}

fn table_item_value(i: &mut Interp, item: TableItem) -> Value {
    let cls = item_class(i, &item);
    new_native(&cls, item)
}

fn item_columns(item: &TableItem) -> Vec<Rc<Column>> {
    match &item.kind {
        ItemKind::PrimaryKey(_, c) | ItemKind::Unique(_, c) | ItemKind::ForeignKey(_, c) | ItemKind::Index(_, c, _) => {
            c.clone()
        }
        ItemKind::Check(..) => vec![],
    }
}

fn table_item_columns(i: &mut Interp, a: &Args) -> PyResult<Vec<Value>> {
    let item = self_payload::<TableItem>(i, a, "Constraint")?;
    Ok(item_columns(&item).iter().map(|c| column_value(i, c)).collect())
}

fn table_item_repr(i: &mut Interp, a: Args) -> PyResult<Value> {
    let item = self_payload::<TableItem>(i, &a, "Constraint")?;
    let mut cols = Vec::new();
    for c in item_columns(&item) {
        cols.push(column_repr(i, &c)?);
    }
    let addr = a.pos[0].id();
    Ok(Value::str(&match &item.kind {
        ItemKind::PrimaryKey(..) => format!("PrimaryKeyConstraint({})", cols.join(", ")),
        ItemKind::Unique(..) => format!("UniqueConstraint({})", cols.join(", ")),
        ItemKind::Check(name, none_name) => {
            let mut parts = vec![object_at("sqlalchemy.sql.elements.TextClause", addr + 16)];
            if let Some(n) = name {
                parts.push(format!("name={}", i.repr(&Value::str(n))?));
            } else if *none_name {
                parts.push("name=<_NoneName.NONE_NAME: 0>".into());
            }
            parts.push(format!("table={}", table_repr(i, &item.table)?));
            format!("CheckConstraint({})", parts.join(", "))
        }
        ItemKind::ForeignKey(name, _) => {
            let n = match name {
                Some(n) => i.repr(&Value::str(n))?,
                None => "None".into(),
            };
            format!(
                "ForeignKeyConstraint({}, {n}, table={})",
                object_at("sqlalchemy.sql.base.ReadOnlyColumnCollection", addr + 16),
                table_repr(i, &item.table)?
            )
        }
        ItemKind::Index(name, _, unique) => {
            let mut parts = vec![if name.is_empty() { "None".to_string() } else { i.repr(&Value::str(name))? }];
            parts.extend(cols);
            if *unique {
                parts.push("unique=True".into());
            }
            format!("Index({})", parts.join(", "))
        }
    }))
}

fn table_item_getattr(i: &mut Interp, a: Args) -> PyResult<Value> {
    let item = self_payload::<TableItem>(i, &a, "Constraint")?;
    let attr = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let name = match &item.kind {
        ItemKind::PrimaryKey(n, _) | ItemKind::Unique(n, _) | ItemKind::Check(n, _) | ItemKind::ForeignKey(n, _) => {
            n.clone()
        }
        // Unnamed: no `ix` template in the naming convention.
        ItemKind::Index(n, _, _) => Some(n.clone()).filter(|n| !n.is_empty()),
    };
    match attr.as_str() {
        "name" if matches!(item.kind, ItemKind::Check(None, true)) => none_name(i),
        "name" => Ok(name.map(|n| Value::str(&n)).unwrap_or(Value::None)),
        "table" => Ok(table_value(i, &item.table)),
        "referred_table" if matches!(item.kind, ItemKind::ForeignKey(..)) => {
            let cols: Vec<String> = item_columns(&item).iter().map(|c| c.name()).collect();
            let target = item.table.constraints.borrow().iter().find_map(|c| match c {
                super::schema::Constraint::ForeignKey { columns, fk, .. }
                    if columns.iter().map(|n| item.table.column_name_of(n)).eq(cols.iter().cloned()) =>
                {
                    fk.first().map(|f| f.target_table().to_string())
                }
                _ => None,
            });
            let md = item.table.metadata.borrow().upgrade();
            match target.and_then(|n| md.and_then(|m| m.table(&n))) {
                Some(t) => Ok(table_value(i, &t)),
                None => Ok(Value::None),
            }
        }
        "columns" => Ok(Value::list(item_columns(&item).iter().map(|c| column_value(i, c)).collect())),
        "unique" if matches!(item.kind, ItemKind::Index(..)) => {
            Ok(Value::Bool(matches!(item.kind, ItemKind::Index(_, _, true))))
        }
        _ => {
            let tn = i.type_name(&a.pos[0]);
            Err(i.err("AttributeError", format!("'{tn}' object has no attribute '{attr}'")))
        }
    }
}

/// Calls the naming convention's callable tokens that the table's constraints' templates use,
/// as `ConventionDict.__getitem__` does (`convention[key](constraint, table)`), and keeps
/// their `str()` in [`super::schema::Table::naming_tokens`] for the names compiled later.
pub fn resolve_naming_tokens(interp: &mut Interp, t: &Rc<super::schema::Table>) -> PyResult<()> {
    let Some(md) = t.metadata.borrow().upgrade() else { return Ok(()) };
    let callables = md.naming_callables.borrow().clone();
    if callables.is_empty() {
        return Ok(());
    }
    let conv = t.naming_convention.borrow().clone();
    let template = |kind: &str| conv.iter().find(|(k, _)| k == kind).map(|(_, v)| v.clone());
    // (kind, columns as the convention sees them, the constraint as a Python object)
    let mut items: Vec<(&str, Vec<String>, TableItem)> = Vec::new();
    let mut constraints = table_constraints(t).into_iter();
    if let Some(pk) = constraints.next() {
        items.push(("pk", t.primary_key_clause().iter().map(|c| c.name()).collect(), pk));
    }
    let own: Vec<super::schema::Constraint> = t.constraints.borrow().clone();
    for (c, item) in own.iter().filter(|c| !matches!(c, super::schema::Constraint::PrimaryKey { .. })).zip(constraints)
    {
        use super::schema::Constraint;
        match c {
            Constraint::Unique { columns, .. } => items.push(("uq", columns.clone(), item)),
            Constraint::Check { .. } => items.push(("ck", Vec::new(), item)),
            Constraint::ForeignKey { columns, .. } => items.push(("fk", columns.clone(), item)),
            Constraint::EnumCheck { column, .. } => items.push(("ck", vec![column.clone()], item)),
            Constraint::PrimaryKey { .. } => {}
        }
    }
    for ix in t.indexes.borrow().iter() {
        let cols = ix.columns.iter().filter_map(|n| t.column(&t.column_name_of(n))).collect();
        let item = TableItem { table: t.clone(), kind: ItemKind::Index(ix.name.clone(), cols, ix.unique) };
        items.push(("ix", ix.columns.clone(), item));
    }
    let table = table_value(interp, t);
    let mut tokens = Vec::new();
    for (kind, columns, item) in items {
        let Some(template) = template(kind) else { continue };
        let item = table_item_value(interp, item);
        for (token, f) in &callables {
            if template.contains(&format!("%({token})s")) {
                let v = interp.call(f, Args::new(vec![item.clone(), table.clone()]))?;
                tokens.push((kind.to_string(), columns.clone(), token.clone(), interp.to_str(&v)?));
            }
        }
    }
    *t.naming_tokens.borrow_mut() = tokens;
    Ok(())
}

/// `sqlalchemy.sql.base._NONE_NAME`: the name of a constraint that must not be named by the
/// naming convention when it joins its table (an unnamed `Enum`'s CHECK).
fn none_name(i: &mut Interp) -> PyResult<Value> {
    let m = i.import_module("sqlalchemy.sql.base")?;
    m.get("_NONE_NAME").ok_or_else(|| i.err("ImportError", "cannot import name '_NONE_NAME'"))
}

/// `Table(name, metadata, *columns)`.
fn table_new(interp: &mut Interp, mut a: Args) -> PyResult<Value> {
    a.pos.remove(0);
    let name = match a.pos.first() {
        Some(Value::Str(s)) => s.to_string(),
        _ => return Err(interp.type_error("Table() expects a name as its first argument")),
    };
    let md =
        a.pos.get(1).and_then(|v| v.payload::<MetaDataData>()).ok_or_else(|| {
            orm::sa_error(interp, "ArgumentError", "Table() expects a MetaData as its second argument")
        })?;
    let options = TableOptions::take(interp, &mut a)?;
    make_table(interp, &md.0, &name, &a.pos[2..], options)
}

/// `Table(..., extend_existing=, keep_existing=)`: what to do when the metadata already has a
/// table of that name.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions {
    pub extend_existing: bool,
    pub keep_existing: bool,
}

impl TableOptions {
    /// Takes `extend_existing=` / `keep_existing=` out of a call's keywords.
    pub fn take(interp: &mut Interp, a: &mut Args) -> PyResult<TableOptions> {
        let mut flag = |k: &str| -> PyResult<bool> {
            match a.take_kw(k) {
                Some(v) => interp.truthy(&v),
                None => Ok(false),
            }
        };
        Ok(TableOptions { extend_existing: flag("extend_existing")?, keep_existing: flag("keep_existing")? })
    }
}

/// Builds a table of `items` (Column and constraint objects) in `metadata`, or, with
/// `extend_existing`, adds them to the table already there (a column of the same key replaces
/// its namesake in place), or with `keep_existing` returns that table unchanged.
pub fn make_table(
    interp: &mut Interp,
    metadata: &Rc<MetaData>,
    name: &str,
    items: &[Value],
    options: TableOptions,
) -> PyResult<Value> {
    if options.extend_existing && options.keep_existing {
        return Err(orm::sa_error(
            interp,
            "ArgumentError",
            "keep_existing and extend_existing are mutually exclusive.",
        ));
    }
    let existing = metadata.table(name);
    if let Some(t) = &existing {
        if options.keep_existing {
            return Ok(table_value(interp, t));
        }
        if !options.extend_existing {
            return Err(orm::sa_error(
                interp,
                "InvalidRequestError",
                format!("Table '{name}' is already defined for this MetaData instance.  Specify 'extend_existing=True' to redefine options and columns on an existing Table object."),
            ));
        }
    }
    let table = existing.clone().unwrap_or_else(|| super::schema::Table::new(name));
    for c in items {
        if let Some(col) = c.payload::<Column>() {
            if col.name.borrow().is_none() {
                return Err(orm::sa_error(interp, "ArgumentError", "Column must be constructed with a non-blank name or assign a non-blank .name before adding to a Table."));
            }
            let key = col.key();
            let pos = table.columns.borrow().iter().position(|x| x.key() == key);
            match pos {
                Some(p) => {
                    *col.table.borrow_mut() = Rc::downgrade(&table);
                    table.columns.borrow_mut()[p] = col;
                }
                None => table.append_column(col),
            }
        } else if let Some(con) = c.payload::<super::schema::Constraint>() {
            let con = (*con).clone();
            let columns = match &con {
                super::schema::Constraint::PrimaryKey { columns, .. }
                | super::schema::Constraint::Unique { columns, .. }
                | super::schema::Constraint::ForeignKey { columns, .. } => columns.clone(),
                _ => vec![],
            };
            let kind = match &con {
                super::schema::Constraint::PrimaryKey { .. } => "PrimaryKeyConstraint",
                super::schema::Constraint::Unique { .. } => "UniqueConstraint",
                _ => "ForeignKeyConstraint",
            };
            for n in &columns {
                if table.column_by_key(n).is_none() {
                    return Err(orm::sa_error(
                        interp,
                        "ConstraintColumnNotFoundError",
                        format!("Can't create {kind} on table '{name}': no column named '{n}' is present."),
                    ));
                }
            }
            if let super::schema::Constraint::PrimaryKey { name: pk_name, columns } = &con {
                for n in columns {
                    if let Some(col) = table.column(&table.column_name_of(n)) {
                        col.primary_key.set(true);
                    }
                }
                *table.primary_key_constraint.borrow_mut() = Some((pk_name.clone(), columns.clone()));
                continue;
            }
            if let super::schema::Constraint::ForeignKey { columns, fk, .. } = &con {
                table.adopt_foreign_keys(columns, fk);
            }
            table.constraints.borrow_mut().push(con);
        } else if let Some(ix) = c.payload::<super::schema::Index>() {
            table.indexes.borrow_mut().push((*ix).clone());
        } else {
            let r = interp.repr(c)?;
            return Err(orm::sa_error(
                interp,
                "ArgumentError",
                format!("'SchemaItem' object, such as a 'Column' or a 'Constraint' expected, got {r}"),
            ));
        }
    }
    if existing.is_none() {
        metadata.add_table(table.clone());
    }
    resolve_naming_tokens(interp, &table)?;
    table.check_naming().map_err(|e| orm::naming_error(interp, e))?;
    Ok(table_value(interp, &table))
}

fn relationship_class(interp: &Interp) -> Rc<Class> {
    match interp.ext.get("sqlalchemy.relationship_class").and_then(|e| e.clone().downcast::<Rc<Class>>().ok()) {
        Some(c) => (*c).clone(),
        None => interp.types.object.clone(),
    }
}

fn make_type_class(interp: &Interp, name: &str, make: fn(&mut Interp, &Args) -> PyResult<SqlType>) -> Rc<Class> {
    let cls = native_class(interp, name, "sqlalchemy.sql.sqltypes", None, vec![]);
    cls.dict.borrow_mut().set_str("__sa_type__", Value::Bool(true));
    let c2 = cls.clone();
    cls.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |i, mut a| {
            a.pos.remove(0);
            let t = make(i, &a)?;
            Ok(new_native(&c2, TypeData(t)))
        }),
    );
    let n = name.to_string();
    // `TypeEngine.__str__`: the type compiled by the default dialect, whose type compiler
    // spells types as SQLite's does; `NullType` is `NULL`.
    cls.dict.borrow_mut().set_str(
        "__str__",
        method(name, "__str__", move |i, a| {
            let t = self_payload::<TypeData>(i, &a, "TypeEngine")?;
            if matches!(&t.0, SqlType::Other(n) if n == "NullType") {
                return Ok(Value::str("NULL"));
            }
            match super::ddl::dialect_named("sqlite").type_ddl(&t.0) {
                Ok(s) => Ok(Value::str(&s)),
                Err(e) => Err(orm::compile_error(i, e)),
            }
        }),
    );
    cls.dict.borrow_mut().set_str(
        "__repr__",
        method(name, "__repr__", move |i, a| {
            let t = self_payload::<TypeData>(i, &a, &n)?;
            Ok(Value::str(&match &t.0 {
                SqlType::Enum(e) => e.repr(i)?,
                SqlType::String(Some(l)) => format!("{n}(length={l})"),
                SqlType::Numeric(Some(p), Some(s)) => format!("{n}(precision={p}, scale={s})"),
                _ => format!("{n}()"),
            }))
        }),
    );
    let n = name.to_string();
    cls.dict.borrow_mut().set_str(
        "__getattr__",
        method(name, "__getattr__", move |i, a| {
            let t = self_payload::<TypeData>(i, &a, &n)?;
            let attr = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            if let Some(v) = type_attribute(&t.0, &attr) {
                return Ok(v);
            }
            Err(i.err("AttributeError", format!("'{n}' object has no attribute '{attr}'")))
        }),
    );
    cls
}

/// The attributes a type object answers (`String.length`, `Enum.enums`, `Enum.name`, ...).
fn type_attribute(t: &SqlType, attr: &str) -> Option<Value> {
    let opt_int = |v: Option<u32>| v.map(|n| Value::Int(i64::from(n))).unwrap_or(Value::None);
    match (t, attr) {
        (SqlType::String(l), "length") => Some(opt_int(*l)),
        (SqlType::Numeric(p, _), "precision") => Some(opt_int(*p)),
        (SqlType::Numeric(_, s), "scale") => Some(opt_int(*s)),
        (SqlType::Enum(e), _) => Some(match attr {
            "enums" => Value::list(e.enums.iter().map(|s| Value::str(s)).collect()),
            "name" => e.name.as_deref().map(Value::str).unwrap_or(Value::None),
            "native_enum" | "native" => Value::Bool(e.native_enum),
            "length" => Value::Int(i64::from(e.length)),
            "enum_class" => e.enum_class.clone().unwrap_or(Value::None),
            "validate_strings" => Value::Bool(e.validate_strings),
            "create_constraint" => Value::Bool(e.create_constraint),
            "create_type" => Value::Bool(e.create_type),
            _ => return None,
        }),
        _ => None,
    }
}

/// `TypeDecorator`: a subclass names its `impl` (a type class, called with the subclass's
/// arguments, or a type object, used as it is).
fn type_decorator_class(interp: &Interp) -> Rc<Class> {
    let cls = native_class(interp, "TypeDecorator", "sqlalchemy.sql.type_api", None, vec![]);
    cls.dict.borrow_mut().set_str("__sa_type__", Value::Bool(true));
    cls.dict.borrow_mut().set_str("cache_ok", Value::None);
    cls.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |i, mut a| {
            let Some(Value::Class(sub)) = (!a.pos.is_empty()).then(|| a.pos.remove(0)) else {
                return Err(i.type_error("TypeDecorator.__new__(): not a type"));
            };
            let impl_type = match sub.lookup("impl") {
                Some(v @ Value::Class(_)) => {
                    let made = i.call(&v, a)?;
                    made.payload::<TypeData>().map(|t| t.0.clone())
                }
                Some(v) => v.payload::<TypeData>().map(|t| t.0.clone()),
                None => None,
            };
            let Some(impl_type) = impl_type else {
                return Err(orm::sa_error(
                    i,
                    "AssertionError",
                    "TypeDecorator implementations require a class-level variable 'impl' which refers to the class of type being decorated".to_string(),
                ));
            };
            let d = super::types::Decorated { class: sub.name.clone(), impl_type, obj: None };
            Ok(new_native(&sub, TypeData(SqlType::Decorated(Rc::new(d)))))
        }),
    );
    cls.dict.borrow_mut().set_str("__init__", method("TypeDecorator", "__init__", |_, _| Ok(Value::None)));
    cls.dict.borrow_mut().set_str(
        "__repr__",
        method("TypeDecorator", "__repr__", |i, a| {
            let t = self_payload::<TypeData>(i, &a, "TypeDecorator")?;
            let SqlType::Decorated(d) = &t.0 else { return Ok(Value::str("TypeDecorator()")) };
            Ok(Value::str(&match &d.impl_type {
                SqlType::String(Some(l)) => format!("{}(length={l})", d.class),
                _ => format!("{}()", d.class),
            }))
        }),
    );
    cls
}

fn opt_u32(interp: &Interp, a: &Args, i: usize, kw: &str) -> PyResult<Option<u32>> {
    let v = a.pos.get(i).cloned().or_else(|| a.kw.iter().find(|(k, _)| &**k == kw).map(|(_, v)| v.clone()));
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(n)) if n >= 0 => Ok(Some(n as u32)),
        Some(other) => {
            Err(interp.type_error(format!("'{}' object cannot be interpreted as an integer", interp.type_name(&other))))
        }
    }
}

fn query_select(q: &QueryData) -> Select {
    let mut s = orm::mapper_select(&q.mapper, LabelStyle::TablenamePlusCol);
    if let Some(e) = &q.extra.entities {
        s.columns = super::statement::columns_of(e);
        s.froms.clear();
    }
    s.joins.extend(q.extra.joins.iter().cloned());
    s.distinct = q.extra.distinct;
    s.group_by = q.extra.group_by.clone();
    s.having = q.extra.having.clone();
    s.where_ = q.where_.clone();
    s.order_by = q.order_by.clone();
    s.limit = q.limit.map(|l| Clause::Bind(Value::Int(l), SqlType::Integer));
    s.offset = q.offset.map(|o| Clause::Bind(Value::Int(o), SqlType::Integer));
    s
}

/// `Query.with_parent(instance, property)`: the relationship of the instance's mapper that
/// leads to the query's class (the only one, when not named), as the criteria of its lazy
/// load with the instance's values bound (`? = post.category_id`).
fn query_parent_criteria(
    interp: &mut Interp,
    qd: &QueryData,
    parent: &Value,
    prop: Option<Value>,
) -> PyResult<Vec<Clause>> {
    let Some(pm) = orm::object_mapper(parent) else {
        let r = interp.repr(parent)?;
        return Err(orm::sa_error(interp, "InvalidRequestError", format!("Expected a mapped instance, got {r}")));
    };
    if let Some(reg) = pm.registry.upgrade() {
        orm::configure(interp, &reg)?;
    }
    let rels: Vec<Rc<Relationship>> = pm.relationships.borrow().clone();
    let r = match prop.and_then(|p| p.payload::<AttrData>()) {
        Some(ad) => match &ad.kind {
            orm::AttrKind::Relationship(r) => Some(r.clone()),
            _ => None,
        },
        None => {
            let found: Vec<Rc<Relationship>> = rels
                .into_iter()
                .filter(|r| {
                    r.target
                        .borrow()
                        .as_ref()
                        .is_some_and(|t| t.self_and_descendants().iter().any(|f| Rc::ptr_eq(f, &qd.mapper)))
                })
                .collect();
            if found.len() > 1 {
                return Err(orm::sa_error(
                    interp,
                    "InvalidRequestError",
                    format!(
                        "Multiple properties found with mapper class {} to use in with_parent().  Please specify the desired property.",
                        qd.mapper.class_name
                    ),
                ));
            }
            found.into_iter().next()
        }
    };
    let Some(r) = r else {
        return Err(orm::sa_error(
            interp,
            "InvalidRequestError",
            format!(
                "Could not locate a property which relates instances of class '{}' to instances of class '{}'",
                qd.mapper.class_name, pm.class_name
            ),
        ));
    };
    let value_of = |i: &mut Interp, col: &Rc<Column>| -> PyResult<Value> {
        let k = pm.column_key(col).unwrap_or_else(|| col.name());
        i.getattr(parent, &k)
    };
    let mut out = Vec::new();
    if let Some(m2m) = r.m2m.borrow().clone() {
        for (pc, ac) in &m2m.parent_pairs {
            let v = value_of(interp, pc)?;
            let (b, c) = (Clause::Bind(v, pc.ty.clone()), Clause::Column(ac.clone()));
            out.push(if m2m.parent_assoc_first { Clause::binary(c, "=", b) } else { Clause::binary(b, "=", c) });
        }
        for (tc, ac) in &m2m.target_pairs {
            let (t, a) = (Clause::Column(tc.clone()), Clause::Column(ac.clone()));
            out.push(if m2m.target_assoc_first { Clause::binary(a, "=", t) } else { Clause::binary(t, "=", a) });
        }
    } else if r.direction.get() == orm::Direction::ManyToOne {
        for (pk, fk) in r.pairs.borrow().iter() {
            let v = value_of(interp, fk)?;
            out.push(Clause::binary(Clause::Column(pk.clone()), "=", Clause::Bind(v, pk.ty.clone())));
        }
    } else {
        for (pk, fk) in r.pairs.borrow().iter() {
            let v = value_of(interp, pk)?;
            out.push(Clause::binary(Clause::Bind(v, pk.ty.clone()), "=", Clause::Column(fk.clone())));
        }
    }
    Ok(match out.len() {
        1 => out,
        _ => vec![Clause::And(out)],
    })
}

pub(crate) fn query_with(interp: &Interp, q: &QueryData, f: impl FnOnce(&mut QueryData)) -> Value {
    let mut nq = QueryData {
        session: q.session.clone(),
        mapper: q.mapper.clone(),
        where_: q.where_.clone(),
        order_by: q.order_by.clone(),
        limit: q.limit,
        offset: q.offset,
        appender: q.appender.clone(),
        extra: q.extra.clone(),
    };
    f(&mut nq);
    let classes = orm::orm_classes(interp);
    new_native(if nq.appender.is_some() { &classes.appender_query } else { &classes.query }, nq)
}

/// The query's SELECT; an `AppenderQuery` reads its parent's key now (loading it if expired).
fn select_of(interp: &mut Interp, q: &QueryData) -> PyResult<Select> {
    let mut s = query_select(q);
    if let Some((parent, r)) = &q.appender {
        let mut crit = Vec::new();
        let parent_mapper = orm::object_mapper(parent).ok_or_else(|| interp.type_error("parent is not mapped"))?;
        if let Some(m2m) = r.m2m.borrow().clone() {
            // Through the association table: `FROM target, assoc WHERE ? = assoc.parent_id AND
            // target.id = assoc.target_id` (explicit joins keep their written order).
            s.froms.push(m2m.table.clone());
            for (pc, ac) in &m2m.parent_pairs {
                let k = parent_mapper.column_key(pc).unwrap_or_else(|| pc.name());
                let v = interp.getattr(parent, &k)?;
                let bind = Box::new(Clause::Bind(v, pc.ty.clone()));
                let assoc = Box::new(Clause::Column(ac.clone()));
                crit.push(if m2m.parent_assoc_first {
                    Clause::Binary(assoc, "=", bind)
                } else {
                    Clause::Binary(bind, "=", assoc)
                });
            }
            for (tc, ac) in &m2m.target_pairs {
                let (t, a) = (Box::new(Clause::Column(tc.clone())), Box::new(Clause::Column(ac.clone())));
                crit.push(if m2m.target_assoc_first { Clause::Binary(a, "=", t) } else { Clause::Binary(t, "=", a) });
            }
        }
        for (pk_col, fk_col) in r.pairs.borrow().iter() {
            let k = parent_mapper.column_key(pk_col).unwrap_or_else(|| pk_col.name());
            let v = interp.getattr(parent, &k)?;
            crit.push(Clause::Binary(
                Box::new(Clause::Bind(v, pk_col.ty.clone())),
                "=",
                Box::new(Clause::Column(fk_col.clone())),
            ));
        }
        crit.append(&mut s.where_);
        s.where_ = crit;
    }
    Ok(s)
}

pub(crate) fn run_query(interp: &mut Interp, q: &QueryData, first: bool) -> PyResult<Vec<Value>> {
    orm::autoflush(interp, &q.session)?;
    let mut select = select_of(interp, q)?;
    if first {
        select.limit = Some(Clause::Bind(Value::Int(1), SqlType::Integer));
        select.offset = Some(Clause::Bind(Value::Int(q.offset.unwrap_or(0)), SqlType::Integer));
    }
    if let Some(entities) = &q.extra.entities {
        let sd = super::statement::SelectData {
            stmt: select,
            entities: entities.clone(),
            filter_entity: None,
            filter_alias: None,
            options: q.extra.options.clone(),
            lazy_parent: None,
        };
        let rows = super::statement::select_rows(interp, &q.session, &sd)?;
        // `session.query(aliased(User))`: one entity, its objects rather than rows.
        if let [super::statement::Entity::Aliased(..)] = entities.as_slice() {
            return Ok(rows.iter().map(super::statement::first_value).collect());
        }
        return Ok(rows);
    }
    // The legacy Query makes rows of joined eager collections unique itself.
    let (rows, unique) = super::strategies::load(interp, &q.session, &q.mapper, &select, &q.extra.options, &[])?;
    Ok(if unique { super::strategies::unique(rows) } else { rows })
}

/// `Query.count()`: `SELECT count(*)` over the query as a subquery.
pub(crate) fn query_count(interp: &mut Interp, qd: &QueryData) -> PyResult<Value> {
    orm::autoflush(interp, &qd.session)?;
    let mut select = select_of(interp, qd)?;
    // A single-table subclass counts only its own rows.
    if qd.extra.entities.is_none() {
        select.extra_criteria.extend(qd.mapper.single_table_criterion());
    }
    let inner = super::sql::SqlCompiler::default().select(&select);
    let sql = format!("SELECT count(*) AS count_1 \nFROM ({}) AS anon_1", inner.sql);
    let r = orm::execute_in_session(interp, &qd.session, &sql, inner.params)?;
    Ok(r.rows.first().and_then(|row| row.first()).map(super::types::untyped_result).unwrap_or(Value::Int(0)))
}

/// A new legacy `Query` for `mapper` in session `s`.
pub fn new_query(interp: &mut Interp, s: &Rc<SessionData>, mapper: &Rc<orm::Mapper>) -> PyResult<Value> {
    orm::configure(interp, &s.registry)?;
    Ok(new_native(
        &orm::orm_classes(interp).query,
        QueryData {
            session: s.clone(),
            mapper: mapper.clone(),
            where_: vec![],
            order_by: vec![],
            limit: None,
            offset: None,
            appender: None,
            extra: QueryExtra::default(),
        },
    ))
}

/// `AppenderQuery` for a `lazy='dynamic'` relationship of `parent`: a query of the related
/// class limited to the parent's rows, which can also `append` / `extend`.
fn appender_query(
    interp: &mut Interp,
    parent: &Value,
    mapper: &Rc<orm::Mapper>,
    r: &Rc<Relationship>,
) -> PyResult<Value> {
    let Value::Instance(inst) = parent else { return Ok(Value::None) };
    let target = r.target.borrow().clone().ok_or_else(|| interp.err("RuntimeError", "relationship not configured"))?;
    let st = orm::instance_state(inst);
    let session = st.session().ok_or_else(|| {
        orm::sa_error(interp, "DetachedInstanceError", format!("Parent instance is not bound to a Session, and no contextual session is established; lazy load operation of attribute '{}' cannot proceed", r.key()))
    })?;
    let _ = mapper;
    let where_ = Vec::new();
    Ok(new_native(
        &orm::orm_classes(interp).appender_query,
        QueryData {
            session,
            mapper: target,
            where_,
            order_by: vec![],
            limit: None,
            offset: None,
            appender: Some((parent.clone(), r.clone())),
            extra: QueryExtra::default(),
        },
    ))
}

fn appender_append(interp: &mut Interp, q: &QueryData, item: Value) -> PyResult<()> {
    let Some((parent, r)) = &q.appender else { return Ok(()) };
    pending_append(interp, parent, r, item)
}

/// An item added to a dynamic / write-only collection: it waits in the parent's state for
/// the flush, and joins the parent's session.
fn pending_append(interp: &mut Interp, parent: &Value, r: &Rc<Relationship>, item: Value) -> PyResult<()> {
    let Value::Instance(inst) = parent else { return Ok(()) };
    let st = orm::instance_state(inst);
    st.pending_dynamic.borrow_mut().push((r.key(), item.clone()));
    if let (Some(rev), Value::Instance(ci)) = (r.reverse.borrow().upgrade(), &item) {
        ci.dict.borrow_mut().set_str(&rev.key(), parent.clone());
    }
    if let Some(s) = st.session() {
        if let Value::Instance(ci) = &item {
            if r.args.save_update && orm::instance_state(ci).session().is_none() {
                orm::session_add(interp, &s, &item)?;
            }
        }
    }
    Ok(())
}

/// Payload of `WriteOnlyCollection` objects: the parent and its `lazy='write_only'`
/// relationship.
pub struct WriteOnlyData {
    parent: Value,
    rel: Rc<Relationship>,
}

/// `sqlalchemy.orm.writeonly.WriteOnlyCollection`: changes wait for the flush; reading goes
/// through `select()`.
fn write_only_collection_class(interp: &Interp) -> Rc<Class> {
    let w = |i: &Interp, a: &Args| self_payload::<WriteOnlyData>(i, a, "WriteOnlyCollection");
    native_class(
        interp,
        "WriteOnlyCollection",
        "sqlalchemy.orm.writeonly",
        None,
        vec![
            (
                "add",
                method("WriteOnlyCollection", "add", move |i, a| {
                    let wd = w(i, &a)?;
                    pending_append(i, &wd.parent, &wd.rel, a.pos.get(1).cloned().unwrap_or(Value::None))?;
                    Ok(Value::None)
                }),
            ),
            (
                "add_all",
                method("WriteOnlyCollection", "add_all", move |i, a| {
                    let wd = w(i, &a)?;
                    for item in i.iterate(&a.pos.get(1).cloned().unwrap_or(Value::None))? {
                        pending_append(i, &wd.parent, &wd.rel, item)?;
                    }
                    Ok(Value::None)
                }),
            ),
            (
                "remove",
                method("WriteOnlyCollection", "remove", move |i, a| {
                    let wd = w(i, &a)?;
                    let item = a.pos.get(1).cloned().unwrap_or(Value::None);
                    if let Value::Instance(inst) = &wd.parent {
                        let st = orm::instance_state(inst);
                        let key = wd.rel.key();
                        let was_pending = st.pending_dynamic.borrow().iter().any(|(k, v)| *k == key && v.is(&item));
                        if was_pending {
                            st.pending_dynamic.borrow_mut().retain(|(k, v)| !(*k == key && v.is(&item)));
                        } else {
                            st.pending_dynamic_removed.borrow_mut().push((key, item.clone()));
                        }
                    }
                    if let (Some(rev), Value::Instance(ci)) = (wd.rel.reverse.borrow().upgrade(), &item) {
                        if ci.dict.borrow().get_str(&rev.key()).is_some_and(|p| p.is(&wd.parent)) {
                            ci.dict.borrow_mut().set_str(&rev.key(), Value::None);
                        }
                    }
                    Ok(Value::None)
                }),
            ),
            (
                "select",
                method("WriteOnlyCollection", "select", move |i, a| {
                    let wd = w(i, &a)?;
                    let target = wd
                        .rel
                        .target
                        .borrow()
                        .clone()
                        .ok_or_else(|| i.err("RuntimeError", "relationship not configured"))?;
                    Ok(super::statement::parent_select(i, &target, &wd.parent, &wd.rel))
                }),
            ),
            (
                "__iter__",
                method("WriteOnlyCollection", "__iter__", move |i, _a| {
                    Err(i.type_error("WriteOnly collections don't support iteration in-place; to query for collection items, use the select() method to produce a SQL statement and execute it with session.scalars()."))
                }),
            ),
        ],
    )
}

fn appender_query_class(interp: &Interp, base: &Rc<Class>) -> Rc<Class> {
    let q = |i: &Interp, a: &Args| self_payload::<QueryData>(i, a, "AppenderQuery");
    native_class(
        interp,
        "AppenderQuery",
        "sqlalchemy.orm.dynamic",
        Some(base),
        vec![
            (
                "append",
                method("AppenderQuery", "append", move |i, a| {
                    let qd = q(i, &a)?;
                    appender_append(i, &qd, a.pos.get(1).cloned().unwrap_or(Value::None))?;
                    Ok(Value::None)
                }),
            ),
            (
                "remove",
                method("AppenderQuery", "remove", move |i, a| {
                    let qd = q(i, &a)?;
                    let item = a.pos.get(1).cloned().unwrap_or(Value::None);
                    if let Some((Value::Instance(inst), r)) = &qd.appender {
                        orm::instance_state(inst).pending_dynamic_removed.borrow_mut().push((r.key(), item));
                    }
                    Ok(Value::None)
                }),
            ),
            (
                "extend",
                method("AppenderQuery", "extend", move |i, a| {
                    let qd = q(i, &a)?;
                    for item in i.iterate(&a.pos.get(1).cloned().unwrap_or(Value::None))? {
                        appender_append(i, &qd, item)?;
                    }
                    Ok(Value::None)
                }),
            ),
        ],
    )
}

fn query_class(interp: &Interp) -> Rc<Class> {
    fn q(i: &Interp, a: &Args) -> PyResult<Rc<QueryData>> {
        self_payload::<QueryData>(i, a, "Query")
    }
    let mut methods = super::statement::legacy_query_methods();
    methods.extend(query_base_methods(q));
    native_class(interp, "Query", "flask_sqlalchemy.query", None, methods)
}

fn query_base_methods(q: fn(&Interp, &Args) -> PyResult<Rc<QueryData>>) -> Vec<(&'static str, Value)> {
    vec![
        (
            // `Query.__str__`: the statement compiled for the session's bind (SQLite: `?`
            // parameters), joined eager loads included.
            "__str__",
            method("Query", "__str__", move |i, a| {
                let qd = q(i, &a)?;
                let mut stmt = select_of(i, &qd)?;
                if let Some(e) = super::sql::check_joins(&stmt) {
                    return Err(orm::join_error(i, qd.mapper.registry.upgrade().as_ref(), e));
                }
                super::strategies::add_joined(i, &qd.mapper, &mut stmt, &qd.extra.options, &[]);
                Ok(Value::str(&SqlCompiler::default().select(&stmt).sql))
            }),
        ),
        (
            "all",
            method("Query", "all", move |i, a| {
                let qd = q(i, &a)?;
                let rows = run_query(i, &qd, false)?;
                Ok(Value::list(rows))
            }),
        ),
        (
            "__iter__",
            method("Query", "__iter__", move |i, a| {
                // A generator function in SQLAlchemy: the SELECT runs at the first `next()`.
                let qd = q(i, &a)?;
                let rows = Rc::new(move |i: &mut Interp| run_query(i, &qd, false));
                Ok(crate::python::iters::deferred_generator(i, "Query.__iter__", rows))
            }),
        ),
        (
            "first",
            method("Query", "first", move |i, a| {
                let qd = q(i, &a)?;
                let rows = run_query(i, &qd, true)?;
                Ok(rows.into_iter().next().unwrap_or(Value::None))
            }),
        ),
        (
            "filter",
            method("Query", "filter", move |i, a| {
                let qd = q(i, &a)?;
                // `filter(False)` (a Python property compared to a value) is the `false()` constant.
                let crit: Vec<Clause> = a.pos[1..]
                    .iter()
                    .map(|c| match c {
                        Value::Bool(b) => Clause::Bool(*b),
                        _ => as_clause(c, None),
                    })
                    .collect();
                Ok(query_with(i, &qd, |n| n.where_.extend(crit)))
            }),
        ),
        (
            "with_parent",
            method("Query", "with_parent", move |i, mut a| {
                let qd = q(i, &a)?;
                i.warn(
                    "sqlalchemy.exc.LegacyAPIWarning",
                    "The Query.with_parent() method is considered legacy as of the 1.x series of SQLAlchemy and becomes a legacy construct in 2.0. Use the with_parent() standalone construct. (deprecated since: 2.0) (Background on SQLAlchemy 2.0 at: https://sqlalche.me/e/b8d9)",
                );
                let parent = a.arg(1, "instance").unwrap_or(Value::None);
                let prop = a.arg(2, "property");
                let crit = query_parent_criteria(i, &qd, &parent, prop)?;
                Ok(query_with(i, &qd, |n| n.where_.extend(crit)))
            }),
        ),
        (
            "order_by",
            method("Query", "order_by", move |i, a| {
                let qd = q(i, &a)?;
                let items: Vec<Clause> = a.pos[1..].iter().map(|c| as_clause(c, None)).collect();
                Ok(query_with(i, &qd, |n| n.order_by.extend(items)))
            }),
        ),
        (
            "one",
            method("Query", "one", move |i, a| {
                let qd = q(i, &a)?;
                let rows = run_query(i, &qd, false)?;
                match rows.len() {
                    1 => Ok(rows.into_iter().next().unwrap_or(Value::None)),
                    0 => Err(orm::sa_error(i, "NoResultFound", "No row was found when one was required")),
                    _ => Err(orm::sa_error(
                        i,
                        "MultipleResultsFound",
                        "Multiple rows were found when exactly one was required",
                    )),
                }
            }),
        ),
        (
            "one_or_none",
            method("Query", "one_or_none", move |i, a| {
                let qd = q(i, &a)?;
                let rows = run_query(i, &qd, false)?;
                match rows.len() {
                    0 | 1 => Ok(rows.into_iter().next().unwrap_or(Value::None)),
                    _ => Err(orm::sa_error(
                        i,
                        "MultipleResultsFound",
                        "Multiple rows were found when one or none was required",
                    )),
                }
            }),
        ),
        (
            "count",
            method("Query", "count", move |i, a| {
                let qd = q(i, &a)?;
                query_count(i, &qd)
            }),
        ),
        (
            "get",
            method("Query", "get", move |i, a| {
                let qd = q(i, &a)?;
                i.warn(
                "sqlalchemy.exc.LegacyAPIWarning",
                "The Query.get() method is considered legacy as of the 1.x series of SQLAlchemy and becomes a legacy construct in 2.0. The method is now available as Session.get() (deprecated since: 2.0) (Background on SQLAlchemy 2.0 at: https://sqlalche.me/e/b8d9)",
            );
                let ident = a.pos.get(1).cloned().unwrap_or(Value::None);
                orm::session_get(i, &qd.session, &qd.mapper, &ident, LabelStyle::None)
            }),
        ),
        (
            "filter_by",
            method("Query", "filter_by", move |i, a| {
                let qd = q(i, &a)?;
                let mut crit = Vec::new();
                for (k, v) in &a.kw {
                    let col = qd.mapper.columns.iter().find(|(key, _)| **key == **k).map(|(_, c)| c.clone());
                    let rel = qd.mapper.relationship(k).filter(|r| {
                        r.direction.get() == orm::Direction::ManyToOne && r.m2m.borrow().is_none() && !v.is_none()
                    });
                    if let (None, Some(r), Some(target)) =
                        (&col, &rel, rel.as_ref().and_then(|r| r.target.borrow().clone()))
                    {
                        // `filter_by(role=admin)` is `User.role == admin`: the many-to-one's lazy
                        // clause with the object's key bound (`? = user.role_id`).
                        let mut parts = Vec::new();
                        for (pk, fk) in r.pairs.borrow().iter() {
                            let key = target.column_key(pk).unwrap_or_else(|| pk.name());
                            let val = i.getattr(v, &key)?;
                            parts.push(Clause::binary(as_bound_clause(i, &val, fk)?, "=", Clause::Column(fk.clone())));
                        }
                        crit.push(if parts.len() == 1 { parts.remove(0) } else { Clause::And(parts) });
                        continue;
                    }
                    let Some(col) = col else {
                        // `_entity_namespace_key`: any other attribute of the class (a Python
                        // property, a hybrid) is compared with `==` as it is.
                        let attr = match qd.mapper.class.upgrade() {
                            Some(cls) => i.getattr(&Value::Class(cls), k).ok(),
                            None => None,
                        };
                        if let Some(attr) = attr {
                            let cmp = i.compare(crate::python::ast::CmpOp::Eq, &attr, v)?;
                            crit.push(super::statement::criterion(i, &cmp)?);
                            continue;
                        }
                        return Err(orm::sa_error(
                            i,
                            "InvalidRequestError",
                            format!("Entity namespace for \"{}\" has no property \"{k}\"", qd.mapper.table.name),
                        ));
                    };
                    // `col == value`: None is `IS NULL`, a bool the `true` / `false` literal.
                    crit.push(super::statement::comparison_clause(i, Clause::Column(col.clone()), "=", v, Some(&col))?);
                }
                Ok(query_with(i, &qd, |n| n.where_.extend(crit)))
            }),
        ),
        (
            "limit",
            method("Query", "limit", move |i, a| {
                let qd = q(i, &a)?;
                let n = crate::python::builtins::to_index(i, a.pos.get(1).unwrap_or(&Value::None))?;
                Ok(query_with(i, &qd, |nq| nq.limit = Some(n)))
            }),
        ),
        (
            "offset",
            method("Query", "offset", move |i, a| {
                let qd = q(i, &a)?;
                let n = crate::python::builtins::to_index(i, a.pos.get(1).unwrap_or(&Value::None))?;
                Ok(query_with(i, &qd, |nq| nq.offset = Some(n)))
            }),
        ),
        (
            "update",
            method("Query", "update", move |i, mut a| {
                let qd = q(i, &a)?;
                let sync = a.take_kw("synchronize_session");
                let values = a.arg(1, "values").unwrap_or(Value::None);
                query_bulk(i, &qd, super::statement::DmlKind::Update, Some(&values), sync.as_ref())
            }),
        ),
        (
            "delete",
            method("Query", "delete", move |i, mut a| {
                let qd = q(i, &a)?;
                let sync = a.arg(1, "synchronize_session");
                query_bulk(i, &qd, super::statement::DmlKind::Delete, None, sync.as_ref())
            }),
        ),
    ]
}

/// `Query.update(values)` / `Query.delete()`: the ORM-enabled statement with the query's
/// criteria, run in its session; the rows matched.
fn query_bulk(
    interp: &mut Interp,
    q: &QueryData,
    kind: super::statement::DmlKind,
    values: Option<&Value>,
    sync: Option<&Value>,
) -> PyResult<Value> {
    let mut d = super::statement::DmlData {
        kind,
        table: q.mapper.table.clone(),
        mapper: Some(q.mapper.clone()),
        where_: q.where_.clone(),
        values: vec![],
        execution_options: vec![],
        returning: vec![],
        multi_values: vec![],
        fetch_pk: false,
    };
    if let Some(v) = values {
        d.values = super::statement::dml_values(interp, &d, Some(v), &[])?;
    }
    let sync = super::bulk_persistence::synchronize_session(interp, sync)?;
    orm::autoflush(interp, &q.session)?;
    let n = super::bulk_persistence::execute(interp, &q.session, &d, sync)?;
    Ok(Value::Int(n))
}

fn session_class(interp: &Interp) -> Rc<Class> {
    let s = |i: &Interp, a: &Args| self_payload::<SessionData>(i, a, "Session");
    native_class(
        interp,
        "Session",
        "sqlalchemy.orm.session",
        None,
        vec![
            (
                "add",
                method("Session", "add", move |i, a| {
                    let sd = s(i, &a)?;
                    let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                    orm::session_add(i, &sd, &obj)?;
                    Ok(Value::None)
                }),
            ),
            (
                "execute",
                method("Session", "execute", move |i, mut a| {
                    let sd = s(i, &a)?;
                    let options = a.take_kw("execution_options");
                    let params = a.arg(2, "params");
                    let stmt = a.pos.get(1).cloned().unwrap_or(Value::None);
                    super::statement::session_execute(i, &sd, &stmt, params.as_ref(), options.as_ref())
                }),
            ),
            (
                "scalars",
                method("Session", "scalars", move |i, mut a| {
                    let sd = s(i, &a)?;
                    let options = a.take_kw("execution_options");
                    let params = a.arg(2, "params");
                    let stmt = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let r = super::statement::session_execute(i, &sd, &stmt, params.as_ref(), options.as_ref())?;
                    let f = i.getattr(&r, "scalars")?;
                    i.call(&f, Args::default())
                }),
            ),
            (
                "scalar",
                method("Session", "scalar", move |i, mut a| {
                    let sd = s(i, &a)?;
                    let options = a.take_kw("execution_options");
                    let params = a.arg(2, "params");
                    let stmt = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let r = super::statement::session_execute(i, &sd, &stmt, params.as_ref(), options.as_ref())?;
                    let f = i.getattr(&r, "scalar")?;
                    i.call(&f, Args::default())
                }),
            ),
            (
                "delete",
                method("Session", "delete", move |i, a| {
                    let sd = s(i, &a)?;
                    let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                    orm::session_delete(i, &sd, &obj)?;
                    Ok(Value::None)
                }),
            ),
            (
                "add_all",
                method("Session", "add_all", move |i, a| {
                    let sd = s(i, &a)?;
                    for obj in i.iterate(&a.pos.get(1).cloned().unwrap_or(Value::None))? {
                        orm::session_add(i, &sd, &obj)?;
                    }
                    Ok(Value::None)
                }),
            ),
            (
                "commit",
                method("Session", "commit", move |i, a| {
                    let sd = s(i, &a)?;
                    orm::commit(i, &sd)?;
                    Ok(Value::None)
                }),
            ),
            (
                "flush",
                method("Session", "flush", move |i, a| {
                    let sd = s(i, &a)?;
                    orm::flush(i, &sd)?;
                    Ok(Value::None)
                }),
            ),
            (
                "rollback",
                method("Session", "rollback", move |i, a| {
                    let sd = s(i, &a)?;
                    orm::rollback(i, &sd)?;
                    Ok(Value::None)
                }),
            ),
            (
                "expire",
                method("Session", "expire", move |i, a| {
                    let sd = s(i, &a)?;
                    let attrs = match a.pos.get(2) {
                        Some(v) if !v.is_none() => {
                            let mut keys = Vec::new();
                            for k in i.iterate(v)? {
                                keys.push(i.to_str(&k)?);
                            }
                            Some(keys)
                        }
                        _ => None,
                    };
                    let given = a.pos.get(2).cloned().unwrap_or(Value::None);
                    orm::expire(i, &sd, a.pos.get(1).unwrap_or(&Value::None), attrs, &given)?;
                    Ok(Value::None)
                }),
            ),
            (
                "expire_all",
                method("Session", "expire_all", move |i, a| {
                    let sd = s(i, &a)?;
                    orm::expire_all(i, &sd)?;
                    Ok(Value::None)
                }),
            ),
            (
                "refresh",
                method("Session", "refresh", move |i, mut a| {
                    let sd = s(i, &a)?;
                    let given = a.arg(2, "attribute_names").unwrap_or(Value::None);
                    let attrs = match Some(given.clone()) {
                        Some(v) if !v.is_none() => {
                            let v = &v;
                            let mut keys = Vec::new();
                            for k in i.iterate(v)? {
                                keys.push(i.to_str(&k)?);
                            }
                            Some(keys)
                        }
                        _ => None,
                    };
                    orm::refresh_object(i, &sd, a.pos.get(1).unwrap_or(&Value::None), attrs, &given)?;
                    Ok(Value::None)
                }),
            ),
            (
                "expunge",
                method("Session", "expunge", move |i, a| {
                    let sd = s(i, &a)?;
                    orm::expunge(i, &sd, a.pos.get(1).unwrap_or(&Value::None))?;
                    Ok(Value::None)
                }),
            ),
            (
                "expunge_all",
                method("Session", "expunge_all", move |i, a| {
                    let sd = s(i, &a)?;
                    orm::expunge_all(i, &sd)?;
                    Ok(Value::None)
                }),
            ),
            (
                "in_transaction",
                method("Session", "in_transaction", move |i, a| {
                    let sd = s(i, &a)?;
                    Ok(Value::Bool(sd.tx_open.get() || sd.failed.borrow().is_some()))
                }),
            ),
            (
                "get_transaction",
                method("Session", "get_transaction", move |i, a| {
                    let sd = s(i, &a)?;
                    if !sd.tx_open.get() && sd.failed.borrow().is_none() {
                        return Ok(Value::None);
                    }
                    super::events::root_transaction(i, &sd)
                }),
            ),
            (
                "merge",
                method("Session", "merge", move |i, mut a| {
                    let sd = s(i, &a)?;
                    let load = match a.take_kw("load") {
                        Some(v) => i.truthy(&v)?,
                        None => true,
                    };
                    orm::merge(i, &sd, a.pos.get(1).unwrap_or(&Value::None), load)
                }),
            ),
            (
                "__getattr__",
                method("Session", "__getattr__", move |i, a| {
                    let sd = s(i, &a)?;
                    let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    let objs: Vec<Value> = match name.as_str() {
                        "new" => sd.new.borrow().clone(),
                        "deleted" => sd.deleted.borrow().clone(),
                        "dirty" => sd
                            .identity_map
                            .borrow()
                            .values()
                            .filter(|v| v.as_instance().is_some_and(orm::is_dirty))
                            .cloned()
                            .collect(),
                        "autoflush" => return Ok(Value::Bool(sd.autoflush.get())),
                        "no_autoflush" => return Ok(no_autoflush_manager(i, &sd)),
                        "expire_on_commit" => return Ok(Value::Bool(sd.expire_on_commit.get())),
                        // Flask-SQLAlchemy's sessionmaker has `bind=None` (its `get_bind` picks
                        // the engine per table).
                        "bind" => return Ok(Value::None),
                        "is_active" => return Ok(Value::Bool(sd.failed.borrow().is_none())),
                        "info" => return Ok(sd.info()),
                        _ => {
                            return Err(i.err("AttributeError", format!("'Session' object has no attribute '{name}'")));
                        }
                    };
                    Ok(super::statement::identity_set(i, objs))
                }),
            ),
            (
                "get",
                method("Session", "get", move |i, a| {
                    let sd = s(i, &a)?;
                    let entity = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let mapper = entity.as_class().and_then(|c| orm::class_mapper(c));
                    let Some(mapper) = mapper else {
                        let r = i.repr(&entity)?;
                        return Err(orm::sa_error(
                            i,
                            "ArgumentError",
                            format!("Expected mapped class or mapper, got: {r}"),
                        ));
                    };
                    let ident = a.pos.get(2).cloned().unwrap_or(Value::None);
                    orm::session_get(i, &sd, &mapper, &ident, LabelStyle::None)
                }),
            ),
            (
                "query",
                method("Session", "query", move |i, a| {
                    let sd = s(i, &a)?;
                    let entity = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let mapper = entity.as_class().and_then(|c| orm::class_mapper(c));
                    match mapper {
                        Some(mapper) if a.pos.len() == 2 => new_query(i, &sd, &mapper),
                        _ => super::statement::entity_query(i, &sd, &a.pos[1..]),
                    }
                }),
            ),
            (
                "is_modified",
                method("Session", "is_modified", move |i, a| {
                    s(i, &a)?;
                    let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                    Ok(Value::Bool(super::inspection::is_modified(i, &obj)?))
                }),
            ),
            (
                "__contains__",
                method("Session", "__contains__", move |i, a| {
                    let sd = s(i, &a)?;
                    let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                    if orm::object_mapper(&obj).is_none() {
                        return Err(orm::unmapped_instance(i, &obj));
                    }
                    Ok(Value::Bool(super::bulk_persistence::session_contains(&sd, &obj)))
                }),
            ),
            (
                "close",
                method("Session", "close", move |i, a| {
                    let sd = s(i, &a)?;
                    orm::close(i, &sd)?;
                    Ok(Value::None)
                }),
            ),
        ],
    )
}

/// Payload of SQL expression objects (`User.id == 5`, `User.name.desc()`).
pub struct ExprData(pub Clause);

/// A Python SQL expression object for a clause.
pub fn expression_value(interp: &Interp, c: Clause) -> Value {
    new_native(&expression_class(interp), ExprData(c))
}

fn expression_class(interp: &Interp) -> Rc<Class> {
    match interp.ext.get("sqlalchemy.expression_class").and_then(|e| e.clone().downcast::<Rc<Class>>().ok()) {
        Some(c) => (*c).clone(),
        None => interp.types.object.clone(),
    }
}

/// The class of `EXISTS` expressions (`relationship.any()` / `has()`).
fn exists_class(interp: &Interp) -> Rc<Class> {
    match interp.ext.get("sqlalchemy.exists_class").and_then(|e| e.clone().downcast::<Rc<Class>>().ok()) {
        Some(c) => (*c).clone(),
        None => interp.types.object.clone(),
    }
}

/// A Python value as a SQL clause: expressions and column attributes as themselves, anything
/// else as a bound parameter typed like `like` (the column it is compared with).
pub fn as_clause(v: &Value, like: Option<&Column>) -> Clause {
    if let Some(e) = v.payload::<ExprData>() {
        return e.0.clone();
    }
    if let Some(a) = v.payload::<AttrData>() {
        if let orm::AttrKind::Column(c) = &a.kind {
            return Clause::Column(c.clone());
        }
    }
    if let Some(c) = v.payload::<Column>() {
        return Clause::Column(c);
    }
    if v.is_none() {
        return Clause::Null;
    }
    Clause::Bind(v.clone(), like.map(|c| c.ty.clone()).unwrap_or(SqlType::Other("NullType".into())))
}

/// Like [`as_clause`], with a plain value run through `like`'s bind processor first
/// (`Product.status == Status.DRAFT` binds `'DRAFT'`).
pub fn as_bound_clause(interp: &mut Interp, v: &Value, like: &Column) -> PyResult<Clause> {
    if v.payload::<ExprData>().is_some()
        || v.payload::<AttrData>().is_some()
        || v.payload::<Column>().is_some()
        || v.is_none()
    {
        return Ok(as_clause(v, Some(like)));
    }
    let processed = super::types::process_bind(interp, &like.ty, v)?;
    Ok(Clause::Bind(processed, like.ty.clone()))
}

/// `relationship.has(...)` / `.any(...)`: EXISTS over the related table, joined on the
/// relationship's key pairs, with criteria from clauses or `name=value` keywords.
fn exists_clause(interp: &mut Interp, a: &Args, want_many: bool) -> PyResult<Value> {
    let data = a.pos[0].payload::<AttrData>().ok_or_else(|| interp.type_error("bad attribute"))?;
    let orm::AttrKind::Relationship(r) = &data.kind else {
        return Err(interp.err("AttributeError", "has()/any() are relationship operators"));
    };
    if let Some(reg) = data.mapper.upgrade().and_then(|m| m.registry.upgrade()) {
        orm::configure(interp, &reg)?;
    }
    let target = r.target.borrow().clone().ok_or_else(|| interp.err("RuntimeError", "relationship not configured"))?;
    let is_many = r.uselist();
    if is_many != want_many {
        let what = if want_many { "any()" } else { "has()" };
        return Err(orm::sa_error(
            interp,
            "InvalidRequestError",
            format!(
                "'{what}' not implemented for {} attributes.  Use {}.",
                if is_many { "collection" } else { "scalar object" },
                if is_many { "any()" } else { "has()" }
            ),
        ));
    }
    let mut where_: Vec<Clause> = match r.m2m.borrow().as_ref() {
        // Through the association table: `post.id = tags.post_id AND tag.id = tags.tag_id`.
        Some(m2m) => m2m
            .parent_pairs
            .iter()
            .map(|(pc, ac)| (pc, ac, m2m.parent_assoc_first))
            .chain(m2m.target_pairs.iter().map(|(tc, ac)| (tc, ac, m2m.target_assoc_first)))
            .map(|(c, ac, assoc_first)| {
                let (c, ac) = (Clause::Column(c.clone()), Clause::Column(ac.clone()));
                if assoc_first {
                    Clause::binary(ac, "=", c)
                } else {
                    Clause::binary(c, "=", ac)
                }
            })
            .collect(),
        None => r
            .pairs
            .borrow()
            .iter()
            .map(|(pk, fk)| {
                Clause::Binary(Box::new(Clause::Column(pk.clone())), "=", Box::new(Clause::Column(fk.clone())))
            })
            .collect(),
    };
    for c in &a.pos[1..] {
        where_.push(as_clause(c, None));
    }
    for (k, v) in &a.kw {
        let col = target.columns.iter().find(|(key, _)| **key == **k).map(|(_, c)| c.clone());
        let Some(col) = col else {
            return Err(orm::sa_error(
                interp,
                "InvalidRequestError",
                format!("Entity namespace for \"{}\" has no property \"{k}\"", target.table.name),
            ));
        };
        let right = as_bound_clause(interp, v, &col)?;
        where_.push(Clause::Binary(Box::new(Clause::Column(col.clone())), "=", Box::new(right)));
    }
    Ok(new_native(&exists_class(interp), ExprData(Clause::Exists(target.table.clone(), where_))))
}

/// `operators`: [`super::statement::column_operators`] (built once, shared by the classes).
fn instrumented_attribute_class(interp: &Interp, operators: Vec<(&'static str, Value)>) -> Rc<Class> {
    native_class(interp, "InstrumentedAttribute", "sqlalchemy.orm.attributes", None, {
        let mut v = operators;
        v.push(("__hash__", method("InstrumentedAttribute", "__hash__", |_, a| Ok(Value::Int(a.pos[0].id() as i64)))));
        v.push(("has", method("InstrumentedAttribute", "has", |i, a| exists_clause(i, &a, false))));
        v.push(("any", method("InstrumentedAttribute", "any", |i, a| exists_clause(i, &a, true))));
        v.push((
            "of_type",
            // `PropComparator.of_type(alias)`: the relationship, leading to the alias.
            method("InstrumentedAttribute", "of_type", |i, a| {
                let data = a.pos[0].payload::<AttrData>().ok_or_else(|| i.type_error("bad attribute"))?;
                let of_type =
                    a.pos.get(1).and_then(|v| v.payload::<super::aliased::AliasedData>()).map(|d| d.table.clone());
                let attr = AttrData {
                    mapper: data.mapper.clone(),
                    key: data.key.clone(),
                    kind: data.kind.clone(),
                    entity: data.entity.clone(),
                    of_type,
                };
                Ok(new_native(&orm::orm_classes(i).instrumented_attribute, attr))
            }),
        ));
        // Other names go to the column (`User.id.foreign_keys`, `.unique`, `.type`).
        v.push((
            "__getattr__",
            method("InstrumentedAttribute", "__getattr__", |i, a| {
                let data = a.pos[0].payload::<AttrData>().ok_or_else(|| i.type_error("bad attribute"))?;
                let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                if let orm::AttrKind::Column(c) = &data.kind {
                    if !name.starts_with("__") {
                        let cv = column_value(i, c);
                        match i.getattr(&cv, &name) {
                            Ok(v) => return Ok(v),
                            Err(e) if i.type_of(&e.exc).name != "AttributeError" => return Err(e),
                            Err(_) => {}
                        }
                    }
                }
                let owner = data.mapper.upgrade().map(|m| m.class_name.clone()).unwrap_or_default();
                Err(i.err(
                    "AttributeError",
                    format!(
                        "Neither 'InstrumentedAttribute' object nor 'Comparator' object associated with {owner}.{} has an attribute '{name}'",
                        data.key
                    ),
                ))
            }),
        ));
        v.push((
            "__get__",
            method("InstrumentedAttribute", "__get__", |i, a| {
                let attr = a.pos[0].clone();
                let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                if obj.is_none() {
                    return Ok(attr);
                }
                let data = attr.payload::<AttrData>().ok_or_else(|| i.type_error("bad attribute"))?;
                orm::attribute_get(i, &data, &obj)
            }),
        ));
        v.push((
            "__str__",
            // `QueryableAttribute.__str__`: the class's name and the attribute's key.
            method("InstrumentedAttribute", "__str__", |i, a| {
                let data = a.pos[0].payload::<AttrData>().ok_or_else(|| i.type_error("bad attribute"))?;
                let mut owner = data.mapper.upgrade().map(|m| m.class_name.clone()).unwrap_or_default();
                match &data.entity {
                    Some(t) if t.anonymous => owner = format!("aliased({owner})"),
                    Some(t) => owner = t.name.clone(),
                    None => {}
                }
                let proxy = match &a.pos[0] {
                    Value::Instance(inst) => inst
                        .ext
                        .borrow()
                        .clone()
                        .and_then(|e| e.downcast::<super::statement::ProxyKey>().ok())
                        .map(|p| p.0.clone()),
                    _ => None,
                };
                Ok(Value::str(&format!("{owner}.{}", proxy.as_deref().unwrap_or(&data.key))))
            }),
        ));
        v.push((
            "__set__",
            method("InstrumentedAttribute", "__set__", |i, a| {
                let data = a.pos[0].payload::<AttrData>().ok_or_else(|| i.type_error("bad attribute"))?;
                orm::attribute_set(i, &data, &a.pos[1], a.pos[2].clone())?;
                Ok(Value::None)
            }),
        ));
        v
    })
}

/// What `with session.no_autoflush:` enters (a `@contextmanager` property in SQLAlchemy):
/// autoflush off inside the block, back as it was after.
struct NoAutoflush {
    session: Rc<SessionData>,
    was: std::cell::Cell<bool>,
}

fn no_autoflush_manager(interp: &mut Interp, s: &Rc<SessionData>) -> Value {
    let cls = match interp
        .ext
        .get("contextlib._GeneratorContextManager")
        .and_then(|e| e.clone().downcast::<Rc<Class>>().ok())
    {
        Some(c) => (*c).clone(),
        None => {
            let this = |i: &Interp, a: &Args| {
                a.pos
                    .first()
                    .and_then(|v| v.payload::<NoAutoflush>())
                    .ok_or_else(|| i.type_error("descriptor requires a '_GeneratorContextManager' object"))
            };
            let c = native_class(
                interp,
                "_GeneratorContextManager",
                "contextlib",
                None,
                vec![
                    (
                        "__enter__",
                        method("_GeneratorContextManager", "__enter__", move |i, a| {
                            let m = this(i, &a)?;
                            m.was.set(m.session.autoflush.replace(false));
                            Ok(Value::None)
                        }),
                    ),
                    (
                        "__exit__",
                        method("_GeneratorContextManager", "__exit__", move |i, a| {
                            let m = this(i, &a)?;
                            m.session.autoflush.set(m.was.get());
                            Ok(Value::Bool(false))
                        }),
                    ),
                ],
            );
            interp.ext.insert("contextlib._GeneratorContextManager", Rc::new(c.clone()));
            c
        }
    };
    new_native(&cls, NoAutoflush { session: s.clone(), was: std::cell::Cell::new(true) })
}

fn exc_module(interp: &mut Interp) -> (Rc<Module>, HashMap<&'static str, Rc<Class>>) {
    let m = Module::new("sqlalchemy.exc", None);
    let base_exc = interp.exc_class("Exception");
    let tree: &[(&str, &str)] = &[
        ("SQLAlchemyError", ""),
        ("ArgumentError", "SQLAlchemyError"),
        ("NoForeignKeysError", "ArgumentError"),
        ("AmbiguousForeignKeysError", "ArgumentError"),
        ("ConstraintColumnNotFoundError", "ArgumentError"),
        ("CompileError", "SQLAlchemyError"),
        ("InvalidRequestError", "SQLAlchemyError"),
        ("NoReferencedTableError", "InvalidRequestError"),
        ("UnboundExecutionError", "InvalidRequestError"),
        ("NoResultFound", "InvalidRequestError"),
        ("MultipleResultsFound", "InvalidRequestError"),
        ("PendingRollbackError", "InvalidRequestError"),
        ("UnmappedInstanceError", "InvalidRequestError"),
        ("NoSuchColumnError", "InvalidRequestError"),
        ("NoInspectionAvailable", "InvalidRequestError"),
        ("DetachedInstanceError", "SQLAlchemyError"),
        ("ObjectDeletedError", "InvalidRequestError"),
        ("FlushError", "SQLAlchemyError"),
        ("StaleDataError", "SQLAlchemyError"),
        ("StatementError", "SQLAlchemyError"),
        ("DBAPIError", "StatementError"),
        ("InterfaceError", "DBAPIError"),
        ("DatabaseError", "DBAPIError"),
        ("DataError", "DatabaseError"),
        ("OperationalError", "DatabaseError"),
        ("IntegrityError", "DatabaseError"),
        ("InternalError", "DatabaseError"),
        ("ProgrammingError", "DatabaseError"),
        ("NotSupportedError", "DatabaseError"),
    ];
    let mut classes: HashMap<&'static str, Rc<Class>> = HashMap::new();
    for (name, parent) in tree {
        let base = if parent.is_empty() { base_exc.clone() } else { classes[parent].clone() };
        let module = match *name {
            "DetachedInstanceError"
            | "ObjectDeletedError"
            | "UnmappedInstanceError"
            | "FlushError"
            | "StaleDataError" => "sqlalchemy.orm.exc",
            _ => "sqlalchemy.exc",
        };
        let c = native_class(interp, name, module, Some(&base), vec![]);
        m.set(name, Value::Class(c.clone()));
        classes.insert(name, c);
    }
    // The DB-API's own exceptions (`sqlite3.IntegrityError`), a `DBAPIError`'s `orig`; kept
    // under their qualified names, not in `sqlalchemy.exc`.
    let dbapi: &[(&'static str, &'static str)] = &[
        ("sqlite3.Error", ""),
        ("sqlite3.InterfaceError", "sqlite3.Error"),
        ("sqlite3.DatabaseError", "sqlite3.Error"),
        ("sqlite3.DataError", "sqlite3.DatabaseError"),
        ("sqlite3.OperationalError", "sqlite3.DatabaseError"),
        ("sqlite3.IntegrityError", "sqlite3.DatabaseError"),
        ("sqlite3.InternalError", "sqlite3.DatabaseError"),
        ("sqlite3.ProgrammingError", "sqlite3.DatabaseError"),
        ("sqlite3.NotSupportedError", "sqlite3.DatabaseError"),
    ];
    for (name, parent) in dbapi {
        let base = if parent.is_empty() { base_exc.clone() } else { classes[parent].clone() };
        let c = native_class(interp, &name["sqlite3.".len()..], "sqlite3", Some(&base), vec![]);
        classes.insert(name, c);
    }
    let warn = interp.exc_class("DeprecationWarning");
    let legacy = native_class(interp, "LegacyAPIWarning", "sqlalchemy.exc", Some(&warn), vec![]);
    m.set("LegacyAPIWarning", Value::Class(legacy));
    (m, classes)
}

/// Builds a type from the arguments of its constructor (`String(100)`).
type TypeMaker = fn(&mut Interp, &Args) -> PyResult<SqlType>;

fn types_list() -> Vec<(&'static str, TypeMaker)> {
    vec![
        ("Integer", |_, _| Ok(SqlType::Integer)),
        ("SmallInteger", |_, _| Ok(SqlType::SmallInteger)),
        ("BigInteger", |_, _| Ok(SqlType::BigInteger)),
        ("String", |i, a| Ok(SqlType::String(opt_u32(i, a, 0, "length")?))),
        ("Unicode", |i, a| Ok(SqlType::String(opt_u32(i, a, 0, "length")?))),
        ("Text", |i, a| {
            Ok(match opt_u32(i, a, 0, "length")? {
                None => SqlType::Text,
                Some(n) => same("Text", SqlType::Text, &format!("TEXT({n})")),
            })
        }),
        ("UnicodeText", |_, _| Ok(SqlType::Text)),
        ("Boolean", |_, _| Ok(SqlType::Boolean)),
        ("Float", |i, a| {
            Ok(match opt_u32(i, a, 0, "precision")? {
                None => SqlType::Float,
                Some(p) => spelled(
                    "Float",
                    SqlType::Float,
                    [Some("FLOAT".into()), Some(format!("FLOAT({p})")), Some(format!("FLOAT({p})"))],
                ),
            })
        }),
        ("Double", |_, _| {
            Ok(spelled(
                "Double",
                SqlType::Float,
                [Some("DOUBLE".into()), Some("DOUBLE PRECISION".into()), Some("DOUBLE".into())],
            ))
        }),
        ("Numeric", |i, a| Ok(SqlType::Numeric(opt_u32(i, a, 0, "precision")?, opt_u32(i, a, 1, "scale")?))),
        ("DateTime", |i, a| {
            Ok(if kw_true(i, a, 0, "timezone")? {
                spelled(
                    "DateTime",
                    SqlType::DateTime,
                    [Some("DATETIME".into()), Some("TIMESTAMP WITH TIME ZONE".into()), Some("DATETIME".into())],
                )
            } else {
                SqlType::DateTime
            })
        }),
        ("Date", |_, _| Ok(SqlType::Date)),
        ("Time", |i, a| {
            Ok(if kw_true(i, a, 0, "timezone")? {
                spelled(
                    "Time",
                    SqlType::Time,
                    [Some("TIME".into()), Some("TIME WITH TIME ZONE".into()), Some("TIME".into())],
                )
            } else {
                SqlType::Time
            })
        }),
        ("Interval", |_, _| {
            Ok(spelled(
                "Interval",
                SqlType::Other("Interval".into()),
                [Some("DATETIME".into()), Some("INTERVAL".into()), Some("DATETIME".into())],
            ))
        }),
        ("LargeBinary", |i, a| {
            Ok(match opt_u32(i, a, 0, "length")? {
                None => SqlType::LargeBinary,
                Some(n) => spelled(
                    "LargeBinary",
                    SqlType::LargeBinary,
                    [Some("BLOB".into()), Some("BYTEA".into()), Some(format!("BLOB({n})"))],
                ),
            })
        }),
        ("PickleType", |_, _| {
            Ok(spelled(
                "PickleType",
                SqlType::LargeBinary,
                [Some("BLOB".into()), Some("BYTEA".into()), Some("BLOB".into())],
            ))
        }),
        ("JSON", |_, _| Ok(SqlType::Json)),
        ("Enum", enum_type),
        ("Uuid", |i, a| {
            let native = match a.kw.iter().find(|(k, _)| &**k == "native_uuid") {
                Some((_, v)) => i.truthy(&v.clone())?,
                None => true,
            };
            let pg = if native { "UUID" } else { "CHAR(32)" };
            // `as_uuid=False`: results are strings, not `uuid.UUID` objects.
            let as_uuid =
                match a.kw.iter().find(|(k, _)| &**k == "as_uuid").map(|(_, v)| v.clone()).or(a.pos.first().cloned()) {
                    Some(v) => i.truthy(&v)?,
                    None => true,
                };
            Ok(spelled(
                "Uuid",
                SqlType::Other(if as_uuid { "Uuid" } else { "UuidStr" }.into()),
                [Some("CHAR(32)".into()), Some(pg.into()), Some("CHAR(32)".into())],
            ))
        }),
        // The uppercase SQL types: the same spelling in every dialect, except where noted.
        ("INTEGER", |_, _| Ok(SqlType::Integer)),
        ("SMALLINT", |_, _| Ok(SqlType::SmallInteger)),
        ("BIGINT", |_, _| Ok(SqlType::BigInteger)),
        ("VARCHAR", |i, a| Ok(SqlType::String(opt_u32(i, a, 0, "length")?))),
        ("NVARCHAR", |i, a| {
            let n = opt_u32(i, a, 0, "length")?;
            let len = n.map(|n| format!("({n})")).unwrap_or_default();
            Ok(spelled(
                "NVARCHAR",
                SqlType::String(n),
                [
                    Some(format!("NVARCHAR{len}")),
                    Some(format!("NVARCHAR{len}")),
                    Some(format!("NATIONAL VARCHAR{len}")),
                ],
            ))
        }),
        ("CHAR", |i, a| sized_same(i, a, "CHAR", SqlType::String(None))),
        ("NCHAR", |i, a| {
            let n = opt_u32(i, a, 0, "length")?;
            let len = n.map(|n| format!("({n})")).unwrap_or_default();
            Ok(spelled(
                "NCHAR",
                SqlType::String(n),
                [Some(format!("NCHAR{len}")), Some(format!("NCHAR{len}")), Some(format!("NATIONAL CHAR{len}"))],
            ))
        }),
        ("TEXT", |i, a| sized_same(i, a, "TEXT", SqlType::Text)),
        ("CLOB", |i, a| sized_same(i, a, "CLOB", SqlType::Text)),
        ("BOOLEAN", |_, _| Ok(SqlType::Boolean)),
        ("FLOAT", |_, _| Ok(SqlType::Float)),
        ("REAL", |_, _| Ok(same("REAL", SqlType::Float, "REAL"))),
        ("DOUBLE", |_, _| Ok(same("DOUBLE", SqlType::Float, "DOUBLE"))),
        ("DOUBLE_PRECISION", |_, _| Ok(same("DOUBLE_PRECISION", SqlType::Float, "DOUBLE PRECISION"))),
        ("NUMERIC", |i, a| Ok(SqlType::Numeric(opt_u32(i, a, 0, "precision")?, opt_u32(i, a, 1, "scale")?))),
        ("DECIMAL", |i, a| {
            let p = opt_u32(i, a, 0, "precision")?;
            let s = opt_u32(i, a, 1, "scale")?;
            let ddl = match (p, s) {
                (Some(p), Some(s)) => format!("DECIMAL({p}, {s})"),
                (Some(p), None) => format!("DECIMAL({p})"),
                _ => "DECIMAL".into(),
            };
            Ok(same("DECIMAL", SqlType::Numeric(p, s), &ddl))
        }),
        ("DATE", |_, _| Ok(SqlType::Date)),
        ("DATETIME", |_, _| Ok(same("DATETIME", SqlType::DateTime, "DATETIME"))),
        ("TIMESTAMP", |i, a| {
            let pg =
                if kw_true(i, a, 0, "timezone")? { "TIMESTAMP WITH TIME ZONE" } else { "TIMESTAMP WITHOUT TIME ZONE" };
            Ok(spelled(
                "TIMESTAMP",
                SqlType::DateTime,
                [Some("TIMESTAMP".into()), Some(pg.into()), Some("TIMESTAMP".into())],
            ))
        }),
        ("TIME", |_, _| Ok(SqlType::Time)),
        ("BLOB", |_, _| Ok(same("BLOB", SqlType::LargeBinary, "BLOB"))),
        ("UUID", |_, _| Ok(same("UUID", SqlType::Other("Uuid".into()), "UUID"))),
    ]
}

/// A type spelled per dialect (see [`SqlType::Spelled`]).
fn spelled(class: &str, base: SqlType, ddl: [Option<String>; 3]) -> SqlType {
    SqlType::Spelled(Rc::new(super::types::Spelled { class: class.to_string(), base, ddl }))
}

/// `sqlalchemy.event` (`lib/event.py`) with its native helpers (`events.rs`).
fn event_module(interp: &mut Interp, exc: &Module) -> PyResult<Rc<Module>> {
    let m = Module::new("sqlalchemy.event", None);
    super::events::add_natives(&m);
    if let Some(c) = exc.get("InvalidRequestError") {
        m.set("_InvalidRequestError", c);
    }
    if let Some(c) = exc.get("ArgumentError") {
        m.set("_ArgumentError", c);
    }
    python_module_in(interp, m, include_str!(concat!(env!("OUT_DIR"), "/sqlalchemy/event.py")))
}

/// `sqlalchemy.event`, imported.
fn event_lib(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let sa = interp.import_module("sqlalchemy")?;
    match sa.get("event") {
        Some(Value::Module(m)) => Ok(m),
        _ => Err(interp.err("ImportError", "sqlalchemy.event")),
    }
}

/// `sqlite3`'s `_execute(engine, sql, parameters)`: one statement on the engine's database,
/// unlogged, as a raw DB-API cursor runs it: (column names, rows, changes, last rowid), or
/// the DB-API's exception.
fn dbapi_execute(i: &mut Interp, a: Args) -> PyResult<Value> {
    let Some(engine) = a.pos.first().and_then(|v| v.payload::<EngineData>()) else {
        return Err(i.err("TypeError", "not a database"));
    };
    let sql = match a.pos.get(1) {
        Some(v) => i.to_str(v)?,
        None => String::new(),
    };
    let mut params = Vec::new();
    if let Some(p) = a.pos.get(2) {
        for v in i.iterate(p)? {
            params.push(SqlType::Integer.bind(&v));
        }
    }
    match engine.0.execute_unlogged(&sql, &params) {
        Ok(r) => {
            let columns = Value::list(r.columns.iter().map(|c| Value::str(c)).collect());
            let rows = Value::list(
                r.rows.iter().map(|row| Value::tuple(row.iter().map(super::types::untyped_result).collect())).collect(),
            );
            Ok(Value::tuple(vec![columns, rows, Value::Int(r.changes), Value::Int(r.last_insert_rowid)]))
        }
        Err(e) => {
            let cls = orm::orm_classes(i).exc.get(format!("sqlite3.{}", e.dbapi_class).as_str()).cloned();
            match cls {
                Some(c) => {
                    let exc = i.new_exception(&c, vec![Value::str(&e.message)]);
                    Err(PyErr { exc, traceback: vec![] })
                }
                None => Err(i.err("RuntimeError", e.message)),
            }
        }
    }
}

/// A module of SQLAlchemy written in Python (`lib/*.py`), run by our interpreter as the
/// standard library's Python modules are.
fn python_module(interp: &mut Interp, name: &str, source: &str) -> PyResult<Rc<Module>> {
    python_module_in(interp, Module::new(name, None), source)
}

/// Runs `source` in the module `m` (which may hold native helpers already).
fn python_module_in(interp: &mut Interp, m: Rc<Module>, source: &str) -> PyResult<Rc<Module>> {
    let name = m.name.clone();
    let file = format!("<sqlalchemy>/{}.py", name.replace('.', "/"));
    let m = Rc::new(Module {
        name: name.clone(),
        dict: std::cell::RefCell::new(m.dict.borrow().clone()),
        file: Some(file.clone()),
    });
    m.set("__builtins__", Value::Module(interp.builtins.clone()));
    m.set("__package__", Value::str(name.rsplit_once('.').map(|p| p.0).unwrap_or("")));
    interp.exec_source(source, &file, &m, false)?;
    Ok(m)
}

/// A type spelled the same way in every dialect.
fn same(class: &str, base: SqlType, ddl: &str) -> SqlType {
    spelled(class, base, [Some(ddl.to_string()), Some(ddl.to_string()), Some(ddl.to_string())])
}

/// `CHAR(3)`-style types: the same in every dialect, with an optional length.
fn sized_same(interp: &mut Interp, a: &Args, class: &str, base: SqlType) -> PyResult<SqlType> {
    let ddl = match opt_u32(interp, a, 0, "length")? {
        Some(n) => format!("{class}({n})"),
        None => class.to_string(),
    };
    Ok(same(class, base, &ddl))
}

/// A type only some dialects render (`JSONB`, `mysql.TINYINT`): `ddl` where the dialect is
/// listed, "can't render" elsewhere.
fn only(class: &str, base: SqlType, sqlite: Option<&str>, postgresql: Option<&str>, mysql: Option<&str>) -> SqlType {
    spelled(class, base, [sqlite.map(str::to_string), postgresql.map(str::to_string), mysql.map(str::to_string)])
}

fn kw_true(interp: &mut Interp, a: &Args, pos: usize, kw: &str) -> PyResult<bool> {
    let v = a.pos.get(pos).cloned().or_else(|| a.kw.iter().find(|(k, _)| &**k == kw).map(|(_, v)| v.clone()));
    match v {
        Some(v) => interp.truthy(&v),
        None => Ok(false),
    }
}

fn kw_of(a: &Args, kw: &str) -> Option<Value> {
    a.kw.iter().find(|(k, _)| &**k == kw).map(|(_, v)| v.clone())
}

/// `Enum(*enums, name=, native_enum=, length=, values_callable=)`: from a Python enum class
/// (its members, stored by name) or from strings.
fn enum_type(interp: &mut Interp, a: &Args) -> PyResult<SqlType> {
    let flag = |interp: &mut Interp, k: &str, default: bool| -> PyResult<bool> {
        match kw_of(a, k) {
            Some(v) => interp.truthy(&v),
            None => Ok(default),
        }
    };
    let mut name = match kw_of(a, "name") {
        None | Some(Value::None) => None,
        Some(v) => Some(interp.to_str(&v)?),
    };
    let native_enum = flag(interp, "native_enum", true)?;
    let create_constraint = flag(interp, "create_constraint", false)?;
    let validate_strings = flag(interp, "validate_strings", false)?;
    let create_type = flag(interp, "create_type", true)?;
    let (enums, objects, enum_class) = match a.pos.first() {
        Some(cls @ Value::Class(c)) if a.pos.len() == 1 => {
            let members = interp.iterate(cls)?;
            let enums = match kw_of(a, "values_callable") {
                Some(f) if !f.is_none() => {
                    let vals = interp.call(&f, Args::new(vec![cls.clone()]))?;
                    let mut out = Vec::new();
                    for v in interp.iterate(&vals)? {
                        out.push(interp.to_str(&v)?);
                    }
                    out
                }
                _ => {
                    let mut out = Vec::new();
                    for m in &members {
                        let n = interp.getattr(m, "name")?;
                        out.push(interp.to_str(&n)?);
                    }
                    out
                }
            };
            // An empty enum class is a template: it gives no name.
            if name.is_none() && !enums.is_empty() {
                name = Some(c.name.to_lowercase());
            }
            (enums, members, Some(cls.clone()))
        }
        _ => {
            let mut enums = Vec::new();
            for v in &a.pos {
                enums.push(interp.to_str(v)?);
            }
            let objects = enums.iter().map(|e| Value::str(e)).collect();
            (enums, objects, None)
        }
    };
    let default_length = enums.iter().map(|e| e.chars().count() as u32).max().unwrap_or(0);
    let length = match kw_of(a, "length") {
        Some(Value::Int(n)) if n >= 0 => {
            if (n as u64) < u64::from(default_length) {
                return Err(interp.err(
                    "ValueError",
                    format!("When provided, length must be larger or equal than the length of the longest enum value. {n} < {default_length}"),
                ));
            }
            n as u32
        }
        _ => default_length,
    };
    Ok(SqlType::Enum(Rc::new(super::types::EnumType {
        enums,
        objects,
        name,
        native_enum,
        length,
        default_length,
        enum_class,
        create_constraint,
        validate_strings,
        create_type,
    })))
}

/// `sqlalchemy.dialects.postgresql`'s types.
fn postgresql_types() -> Vec<(&'static str, TypeMaker)> {
    vec![
        ("UUID", |_, _| Ok(same("UUID", SqlType::Other("Uuid".into()), "UUID"))),
        ("JSONB", |_, _| Ok(only("JSONB", SqlType::Json, Some("JSONB"), Some("JSONB"), None))),
        ("JSON", |_, _| Ok(SqlType::Json)),
        ("ARRAY", |i, a| {
            let item = match a.pos.first().or_else(|| a.kw.iter().find(|(k, _)| &**k == "item_type").map(|(_, v)| v)) {
                Some(v) => type_of_arg(i, &v.clone())?.unwrap_or(SqlType::Other("NullType".into())),
                None => {
                    return Err(i.type_error("ARRAY.__init__() missing 1 required positional argument: 'item_type'"))
                }
            };
            let dims = match kw_of(a, "dimensions") {
                Some(Value::Int(n)) if n > 0 => n as usize,
                _ => 1,
            };
            let inner = super::ddl::Dialect::type_ddl(&super::ddl::PostgresqlDialect, &item).unwrap_or_else(|e| e.0);
            let pg = format!("{inner}{}", "[]".repeat(dims));
            Ok(only("ARRAY", SqlType::Other("ARRAY".into()), None, Some(&pg), None))
        }),
        ("INET", |_, _| Ok(only("INET", SqlType::String(None), None, Some("INET"), None))),
        ("CIDR", |_, _| Ok(only("CIDR", SqlType::String(None), None, Some("CIDR"), None))),
        ("MACADDR", |_, _| Ok(only("MACADDR", SqlType::String(None), None, Some("MACADDR"), None))),
        ("BYTEA", |_, _| Ok(only("BYTEA", SqlType::LargeBinary, None, Some("BYTEA"), None))),
        ("TSVECTOR", |_, _| Ok(only("TSVECTOR", SqlType::Text, None, Some("TSVECTOR"), None))),
        ("HSTORE", |_, _| Ok(only("HSTORE", SqlType::Json, None, Some("HSTORE"), None))),
        ("INTERVAL", |_, _| Ok(only("INTERVAL", SqlType::Other("Interval".into()), None, Some("INTERVAL"), None))),
        ("MONEY", |_, _| Ok(only("MONEY", SqlType::Numeric(None, None), None, Some("MONEY"), None))),
        ("CITEXT", |_, _| Ok(only("CITEXT", SqlType::Text, None, Some("CITEXT"), None))),
        ("DOUBLE_PRECISION", |_, _| Ok(same("DOUBLE_PRECISION", SqlType::Float, "DOUBLE PRECISION"))),
        ("TIMESTAMP", |i, a| {
            let pg =
                if kw_true(i, a, 0, "timezone")? { "TIMESTAMP WITH TIME ZONE" } else { "TIMESTAMP WITHOUT TIME ZONE" };
            Ok(spelled(
                "TIMESTAMP",
                SqlType::DateTime,
                [Some("TIMESTAMP".into()), Some(pg.into()), Some("TIMESTAMP".into())],
            ))
        }),
        ("ENUM", enum_type),
    ]
}

/// `sqlalchemy.dialects.mysql`'s types (rendered by MySQL only, except the standard ones).
fn mysql_types() -> Vec<(&'static str, TypeMaker)> {
    fn width(i: &mut Interp, a: &Args, class: &str, base: SqlType, everywhere: bool) -> PyResult<SqlType> {
        let w = opt_u32(i, a, 0, "display_width")?;
        let unsigned = kw_true(i, a, usize::MAX, "unsigned")?;
        let mut my = match w {
            Some(w) => format!("{class}({w})"),
            None => class.to_string(),
        };
        if unsigned {
            my.push_str(" UNSIGNED");
        }
        let other = everywhere.then(|| class.to_string());
        Ok(spelled(class, base, [other.clone(), other, Some(my)]))
    }
    vec![
        ("TINYINT", |i, a| width(i, a, "TINYINT", SqlType::Integer, false)),
        ("SMALLINT", |i, a| width(i, a, "SMALLINT", SqlType::SmallInteger, true)),
        ("MEDIUMINT", |i, a| width(i, a, "MEDIUMINT", SqlType::Integer, false)),
        ("INTEGER", |i, a| width(i, a, "INTEGER", SqlType::Integer, true)),
        ("BIGINT", |i, a| width(i, a, "BIGINT", SqlType::BigInteger, true)),
        ("TINYTEXT", |_, _| Ok(only("TINYTEXT", SqlType::Text, None, None, Some("TINYTEXT")))),
        ("MEDIUMTEXT", |_, _| Ok(only("MEDIUMTEXT", SqlType::Text, None, None, Some("MEDIUMTEXT")))),
        ("LONGTEXT", |_, _| Ok(only("LONGTEXT", SqlType::Text, None, None, Some("LONGTEXT")))),
        ("TEXT", |_, _| Ok(SqlType::Text)),
        ("VARCHAR", |i, a| Ok(SqlType::String(opt_u32(i, a, 0, "length")?))),
        ("CHAR", |i, a| sized_same(i, a, "CHAR", SqlType::String(None))),
        ("FLOAT", |_, _| Ok(SqlType::Float)),
        ("DOUBLE", |i, a| {
            let p = opt_u32(i, a, 0, "precision")?;
            let s = opt_u32(i, a, 1, "scale")?;
            let my = match (p, s) {
                (Some(p), Some(s)) => format!("DOUBLE({p}, {s})"),
                _ => "DOUBLE".into(),
            };
            Ok(spelled("DOUBLE", SqlType::Float, [Some("DOUBLE".into()), Some("DOUBLE".into()), Some(my)]))
        }),
        ("DECIMAL", |i, a| {
            let p = opt_u32(i, a, 0, "precision")?;
            let s = opt_u32(i, a, 1, "scale")?;
            let ddl = match (p, s) {
                (Some(p), Some(s)) => format!("DECIMAL({p}, {s})"),
                (Some(p), None) => format!("DECIMAL({p})"),
                _ => "DECIMAL".into(),
            };
            Ok(same("DECIMAL", SqlType::Numeric(p, s), &ddl))
        }),
        ("DATETIME", |i, a| {
            let my = match opt_u32(i, a, usize::MAX, "fsp")? {
                Some(f) => format!("DATETIME({f})"),
                None => "DATETIME".into(),
            };
            Ok(spelled("DATETIME", SqlType::DateTime, [Some("DATETIME".into()), Some("DATETIME".into()), Some(my)]))
        }),
        ("YEAR", |_, _| Ok(only("YEAR", SqlType::Integer, None, None, Some("YEAR")))),
        ("BIT", |i, a| {
            let my = match opt_u32(i, a, 0, "length")? {
                Some(n) => format!("BIT({n})"),
                None => "BIT".into(),
            };
            Ok(only("BIT", SqlType::Integer, None, None, Some(&my)))
        }),
        ("JSON", |_, _| Ok(SqlType::Json)),
        ("TINYBLOB", |_, _| Ok(only("TINYBLOB", SqlType::LargeBinary, None, None, Some("TINYBLOB")))),
        ("MEDIUMBLOB", |_, _| Ok(only("MEDIUMBLOB", SqlType::LargeBinary, None, None, Some("MEDIUMBLOB")))),
        ("LONGBLOB", |_, _| Ok(only("LONGBLOB", SqlType::LargeBinary, None, None, Some("LONGBLOB")))),
        ("BOOLEAN", |_, _| Ok(SqlType::Boolean)),
    ]
}

/// A column named in a constraint or index: a name, a `Column` or a mapped attribute; with the
/// table it already belongs to, if any.
fn column_ref(interp: &mut Interp, v: &Value) -> PyResult<(String, Option<Rc<super::schema::Table>>)> {
    if let Some(c) = v.payload::<Column>() {
        // A class body's column is named when the class is mapped (see `orm::apply_table_args`).
        if c.name.borrow().is_none() {
            return Ok((super::schema::unnamed_column_ref(&c), None));
        }
        return Ok((c.name(), c.table()));
    }
    if let Some(a) = v.payload::<AttrData>() {
        if let orm::AttrKind::Column(c) = &a.kind {
            return Ok((c.name(), c.table()));
        }
    }
    Ok((interp.to_str(v)?, None))
}

fn opt_str_kw(interp: &mut Interp, a: &mut Args, k: &str) -> PyResult<Option<String>> {
    match a.take_kw(k) {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(Some(interp.to_str(&v)?)),
    }
}

/// Payload of `declared_attr` objects: the function, called with the mapped class.
pub struct DeclaredAttr(pub Value);

/// `Index`, `PrimaryKeyConstraint`, `ForeignKeyConstraint`, `declared_attr`, `foreign()` / `remote()`.
fn add_schema_constructs(interp: &mut Interp, m: &Rc<Module>) {
    let da = native_class(interp, "declared_attr", "sqlalchemy.orm.decl_api", None, vec![]);
    let c2 = da.clone();
    da.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |_, a| Ok(new_native(&c2, DeclaredAttr(a.pos.get(1).cloned().unwrap_or(Value::None))))),
    );
    // `declared_attr.directive` / `.cascading` decorate the same way.
    da.dict.borrow_mut().set_str("directive", Value::Class(da.clone()));
    da.dict.borrow_mut().set_str("cascading", Value::Class(da.clone()));
    m.set("declared_attr", Value::Class(da));
    let index = native_class(interp, "Index", "sqlalchemy.sql.schema", None, vec![]);
    let c2 = index.clone();
    index.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |i, mut a| {
            a.pos.remove(0);
            let name = match a.pos.first() {
                Some(Value::None) | None => String::new(),
                Some(v) => i.to_str(v)?,
            };
            let unique = match a.take_kw("unique") {
                Some(v) => i.truthy(&v)?,
                None => false,
            };
            let mut columns = Vec::new();
            let mut table = None;
            for v in a.pos.iter().skip(1) {
                let (n, t) = column_ref(i, v)?;
                columns.push(n);
                table = table.or(t);
            }
            let ix = super::schema::Index { name, columns, unique };
            // An index on columns of an existing table joins that table at once.
            if let Some(t) = table {
                t.indexes.borrow_mut().push(ix.clone());
            }
            Ok(new_native(&c2, ix))
        }),
    );
    m.set("Index", Value::Class(index));
    let pk = native_class(interp, "PrimaryKeyConstraint", "sqlalchemy.sql.schema", None, vec![]);
    let c2 = pk.clone();
    pk.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |i, mut a| {
            a.pos.remove(0);
            let name = opt_str_kw(i, &mut a, "name")?;
            let mut columns = Vec::new();
            for v in &a.pos {
                columns.push(column_ref(i, v)?.0);
            }
            Ok(new_native(&c2, super::schema::Constraint::PrimaryKey { name, columns }))
        }),
    );
    m.set("PrimaryKeyConstraint", Value::Class(pk));
    let fkc = native_class(interp, "ForeignKeyConstraint", "sqlalchemy.sql.schema", None, vec![]);
    let c2 = fkc.clone();
    fkc.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |i, mut a| {
            a.pos.remove(0);
            let name = opt_str_kw(i, &mut a, "name")?;
            let ondelete = opt_str_kw(i, &mut a, "ondelete")?;
            let onupdate = opt_str_kw(i, &mut a, "onupdate")?;
            let use_alter = match a.take_kw("use_alter") {
                Some(v) => i.truthy(&v)?,
                None => false,
            };
            let cols = a.arg(0, "columns").unwrap_or(Value::None);
            let refs = a.arg(1, "refcolumns").unwrap_or(Value::None);
            let mut columns = Vec::new();
            for v in i.iterate(&cols)? {
                columns.push(column_ref(i, &v)?.0);
            }
            let mut fk = Vec::new();
            for v in i.iterate(&refs)? {
                let target = match column_ref(i, &v)? {
                    (n, Some(t)) => format!("{}.{n}", t.name),
                    (n, None) => n,
                };
                fk.push(Rc::new(ForeignKey {
                    use_alter,
                    ..ForeignKey::new(target, name.clone(), ondelete.clone(), onupdate.clone())
                }));
            }
            if fk.len() != columns.len() {
                return Err(orm::sa_error(
                    i,
                    "ArgumentError",
                    "ForeignKeyConstraint number of constrained columns must match the number of referenced columns.",
                ));
            }
            Ok(new_native(&c2, super::schema::Constraint::ForeignKey { name, columns, fk }))
        }),
    );
    m.set("ForeignKeyConstraint", Value::Class(fkc));
    let fetched = native_class(interp, "FetchedValue", "sqlalchemy.sql.schema", None, vec![]);
    let c2 = fetched.clone();
    fetched.dict.borrow_mut().set_str("__new__", func("__new__", move |_, _| Ok(new_native(&c2, FetchedValueData))));
    fetched
        .dict
        .borrow_mut()
        .set_str("__repr__", method("FetchedValue", "__repr__", |_, _| Ok(Value::str("FetchedValue()"))));
    m.set("FetchedValue", Value::Class(fetched));
    // `func`, `true()`, `false()`: see `statement::add_to_sqlalchemy`.
    // Join-condition annotations: the column itself, as far as the playground needs.
    for n in ["foreign", "remote"] {
        m.set(n, func(n, |_, a| Ok(a.pos.first().cloned().unwrap_or(Value::None))));
    }
}

/// Builds the `sqlalchemy` package and registers its submodules.
pub fn register(interp: &mut Interp) {
    interp.register_module("sqlalchemy", Rc::new(build_sqlalchemy));
    interp.register_module(
        "sqlalchemy.orm",
        Rc::new(|i: &mut Interp| {
            let sa = i.import_module("sqlalchemy")?;
            let m = Module::new("sqlalchemy.orm", None);
            for n in ["relationship", "backref", "Session", "foreign", "remote", "declared_attr"] {
                if let Some(v) = sa.get(n) {
                    m.set(n, v);
                }
            }
            m.set("aliased", func("aliased", super::aliased::aliased_fn));
            super::declarative::add_to_orm(i, &m);
            super::strategies::add_to_orm(i, &m);
            let helpers = python_module(
                i,
                "sqlalchemy.orm._validates",
                include_str!(concat!(env!("OUT_DIR"), "/sqlalchemy/validates.py")),
            )?;
            if let Some(v) = helpers.get("validates") {
                m.set("validates", v);
            }
            Ok(m)
        }),
    );
    // `sqlalchemy.orm.attributes`: `flag_modified` and `flag_dirty`.
    interp.register_module(
        "sqlalchemy.orm.attributes",
        Rc::new(|i: &mut Interp| {
            let m = Module::new("sqlalchemy.orm.attributes", None);
            m.set("_flag_modified", func("_flag_modified", orm::flag_modified));
            m.set("_flag_dirty", func("_flag_dirty", orm::flag_dirty));
            python_module_in(
                i,
                m,
                "def flag_modified(instance, key):\n    _flag_modified(instance, key)\n\n\n\
                 def flag_dirty(instance):\n    _flag_dirty(instance)\n",
            )
        }),
    );
    interp.register_module(
        "sqlite3",
        Rc::new(|i: &mut Interp| {
            i.import_module("sqlalchemy")?;
            let m = Module::new("sqlite3", None);
            for (k, c) in orm::orm_classes(i).exc.iter() {
                if let Some(n) = k.strip_prefix("sqlite3.") {
                    m.set(n, Value::Class(c.clone()));
                }
            }
            m.set("_execute", func("_execute", dbapi_execute));
            python_module_in(i, m, include_str!(concat!(env!("OUT_DIR"), "/sqlalchemy/sqlite3.py")))
        }),
    );
    // `sqlalchemy.engine` and `sqlalchemy.pool`: the targets of engine-wide and pool-wide event
    // listeners (`@event.listens_for(Engine, "connect")`).
    interp.register_module(
        "sqlalchemy.engine",
        Rc::new(|i: &mut Interp| {
            let ev = event_lib(i)?;
            let m = Module::new("sqlalchemy.engine", None);
            m.set("Engine", Value::Class(super::engine::engine_class(i)));
            if let Some(c) = ev.get("Connection") {
                m.set("Connection", c);
            }
            Ok(m)
        }),
    );
    interp.register_module(
        "sqlalchemy.pool",
        Rc::new(|i: &mut Interp| {
            let ev = event_lib(i)?;
            let m = Module::new("sqlalchemy.pool", None);
            if let Some(c) = ev.get("Pool") {
                m.set("Pool", c);
            }
            Ok(m)
        }),
    );
    interp.register_module(
        "sqlalchemy.event",
        Rc::new(|i: &mut Interp| {
            let sa = i.import_module("sqlalchemy")?;
            match sa.get("event") {
                Some(Value::Module(m)) => Ok(m),
                _ => Err(i.err("ImportError", "sqlalchemy.event")),
            }
        }),
    );
    // `sqlalchemy.sql`: the SQL expression names `sqlalchemy` re-exports (`from sqlalchemy.sql
    // import func`).
    interp.register_module(
        "sqlalchemy.sql",
        Rc::new(|i: &mut Interp| {
            let sa = i.import_module("sqlalchemy")?;
            let m = Module::new("sqlalchemy.sql", None);
            for (k, v) in sa.dict.borrow().iter() {
                if let Some(k) = k.as_str().filter(|k| !k.starts_with("__")) {
                    m.set(k, v.clone());
                }
            }
            Ok(m)
        }),
    );
    interp.register_module(
        "sqlalchemy.sql.base",
        Rc::new(|i: &mut Interp| {
            python_module(
                i,
                "sqlalchemy.sql.base",
                "import enum\n\n\nclass _NoneName(enum.Enum):\n    NONE_NAME = 0\n\n\n_NONE_NAME = _NoneName.NONE_NAME\n",
            )
        }),
    );
    interp.register_module("sqlalchemy.ext", Rc::new(|_: &mut Interp| Ok(Module::new("sqlalchemy.ext", None))));
    interp.register_module(
        "sqlalchemy.ext.hybrid",
        Rc::new(|i: &mut Interp| {
            let m = Module::new("sqlalchemy.ext.hybrid", None);
            m.set("_proxy_key", func("_proxy_key", super::statement::proxy_key));
            python_module_in(i, m, include_str!(concat!(env!("OUT_DIR"), "/sqlalchemy/hybrid.py")))
        }),
    );
    interp.register_module(
        "sqlalchemy.exc",
        Rc::new(|i: &mut Interp| {
            let sa = i.import_module("sqlalchemy")?;
            match sa.get("exc") {
                Some(Value::Module(m)) => Ok(m),
                _ => Err(i.err("ImportError", "sqlalchemy.exc")),
            }
        }),
    );
    for (name, list) in [
        ("sqlalchemy.dialects.postgresql", postgresql_types as fn() -> Vec<(&'static str, TypeMaker)>),
        ("sqlalchemy.dialects.mysql", mysql_types),
    ] {
        interp.register_module(
            name,
            Rc::new(move |i: &mut Interp| {
                let m = Module::new(name, None);
                for (n, make) in list() {
                    m.set(n, Value::Class(make_type_class(i, n, make)));
                }
                Ok(m)
            }),
        );
    }
    interp
        .register_module("sqlalchemy.dialects", Rc::new(|_: &mut Interp| Ok(Module::new("sqlalchemy.dialects", None))));
    interp.register_module(
        "sqlalchemy.types",
        Rc::new(|i: &mut Interp| {
            let sa = i.import_module("sqlalchemy")?;
            let m = Module::new("sqlalchemy.types", None);
            for (n, _) in types_list() {
                if let Some(v) = sa.get(n) {
                    m.set(n, v);
                }
            }
            if let Some(v) = sa.get("TypeDecorator") {
                m.set("TypeDecorator", v);
            }
            // `NullType` (a column's type before it is known) is in `sqlalchemy.types` only.
            m.set(
                "NullType",
                Value::Class(make_type_class(i, "NullType", |_, _| Ok(SqlType::Other("NullType".into())))),
            );
            Ok(m)
        }),
    );
}

fn build_sqlalchemy(interp: &mut Interp) -> PyResult<Rc<Module>> {
    super::inspection::register(interp);
    let m = Module::new("sqlalchemy", None);
    m.set("__version__", Value::str("2.1.9"));
    let (exc, exc_classes) = exc_module(interp);
    let event = event_module(interp, &exc)?;
    if let Some(ddl) = event.get("DDL") {
        m.set("DDL", ddl);
    }
    m.set("event", Value::Module(event));
    m.set("Engine", Value::Class(super::engine::engine_class(interp)));
    m.set("exc", Value::Module(exc));
    // The column operators' methods (owned by `ColumnOperators`) are the same objects in
    // every class that has them.
    let operators = super::statement::column_operators();
    let expr_cls = native_class(interp, "BinaryExpression", "sqlalchemy.sql.elements", None, operators.clone());
    let text_cls = native_class(interp, "TextClause", "sqlalchemy.sql.elements", None, vec![]);
    let t2 = text_cls.clone();
    m.set(
        "text",
        func("text", move |i, a| {
            let sql = match a.pos.first() {
                Some(Value::Str(s)) => s.to_string(),
                _ => return Err(i.type_error("text() expects a string")),
            };
            Ok(new_native(&t2, TextData(sql)))
        }),
    );
    interp.ext.insert("sqlalchemy.expression_class", Rc::new(expr_cls));
    let exists_cls =
        native_class(interp, "Exists", "sqlalchemy.sql.selectable", None, super::statement::column_operators());
    interp.ext.insert("sqlalchemy.exists_class", Rc::new(exists_cls));
    super::statement::add_to_sqlalchemy(interp, &m);
    let query = query_class(interp);
    let classes = OrmClasses {
        instrumented_attribute: instrumented_attribute_class(interp, operators.clone()),
        appender_query: appender_query_class(interp, &query),
        query,
        session: session_class(interp),
        exc: exc_classes,
    };
    m.set("Session", Value::Class(classes.session.clone()));
    interp.ext.insert("sqlalchemy.appender", Rc::new(orm::AppenderFactory(Box::new(appender_query))));
    let write_only = write_only_collection_class(interp);
    interp.ext.insert(
        "sqlalchemy.write_only",
        Rc::new(orm::AppenderFactory(Box::new(
            move |_i: &mut Interp, obj: &Value, _m: &Rc<orm::Mapper>, r: &Rc<Relationship>| {
                Ok(new_native(&write_only, WriteOnlyData { parent: obj.clone(), rel: r.clone() }))
            },
        ))),
    );
    interp.ext.insert("sqlalchemy.orm", Rc::new(classes));
    for (name, make) in types_list() {
        m.set(name, Value::Class(make_type_class(interp, name, make)));
    }
    m.set("TypeDecorator", Value::Class(type_decorator_class(interp)));
    let column = native_class(interp, "Column", "sqlalchemy.sql.schema", None, vec![]);
    column.dict.borrow_mut().set_str("__new__", func("__new__", column_new));
    column.dict.borrow_mut().set_str(
        "__repr__",
        method("Column", "__repr__", |i, a| {
            let c = self_payload::<Column>(i, &a, "Column")?;
            Ok(Value::str(&column_repr(i, &c)?))
        }),
    );
    column.dict.borrow_mut().set_str(
        "__getattr__",
        method("Column", "__getattr__", |i, a| {
            let c = self_payload::<Column>(i, &a, "Column")?;
            let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            match name.as_str() {
                "type" => column_type_value(i, &c),
                "foreign_keys" => Ok(fk_set(i, &c)),
                "unique" => Ok(c.unique.map(Value::Bool).unwrap_or(Value::None)),
                "index" => Ok(c.index.map(Value::Bool).unwrap_or(Value::None)),
                "comment" => Ok(c.comment.as_deref().map(Value::str).unwrap_or(Value::None)),
                "table" => Ok(c.table().map(|t| table_value(i, &t)).unwrap_or(Value::None)),
                "name" => Ok(c.name.borrow().clone().map(|n| Value::str(&n)).unwrap_or(Value::None)),
                "key" => Ok(c
                    .key
                    .borrow()
                    .clone()
                    .or_else(|| c.name.borrow().clone())
                    .map(|n| Value::str(&n))
                    .unwrap_or(Value::None)),
                "nullable" => Ok(Value::Bool(c.nullable())),
                "primary_key" => Ok(Value::Bool(c.primary_key.get())),
                "server_default" | "server_onupdate" | "default" | "onupdate" => default_object(i, &c, &name),
                _ => Err(i.err("AttributeError", format!("'Column' object has no attribute '{name}'"))),
            }
        }),
    );
    // A `Column` in a class body or `Table.c` compares like a mapped attribute
    // (`followers.c.follower_id == id` in a `primaryjoin`).
    column.dict.borrow_mut().reserve(operators.len());
    for (name, op) in operators {
        column.dict.borrow_mut().set_str(name, op);
    }
    column
        .dict
        .borrow_mut()
        .set_str("__hash__", method("Column", "__hash__", |_, a| Ok(Value::Int(a.pos[0].id() as i64))));
    interp.ext.insert("sqlalchemy.column_class", Rc::new(column.clone()));
    m.set("Column", Value::Class(column));
    let fk = native_class(interp, "ForeignKey", "sqlalchemy.sql.schema", None, vec![]);
    fk.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", |i, mut a| {
            let cls = a.pos.remove(0);
            let target = match a.arg(0, "column") {
                Some(Value::Str(s)) => s.to_string(),
                Some(other) => {
                    // A `Column`, or a mapped attribute (`ForeignKey(User.id)`): its table and name.
                    let col = other.payload::<Column>().or_else(|| match other.payload::<AttrData>() {
                        Some(a) => match &a.kind {
                            orm::AttrKind::Column(c) => Some(c.clone()),
                            _ => None,
                        },
                        None => None,
                    });
                    match col {
                        Some(c) => format!("{}.{}", c.table().map(|t| t.name.clone()).unwrap_or_default(), c.name()),
                        None => i.to_str(&other)?,
                    }
                }
                None => {
                    return Err(i.type_error("ForeignKey.__init__() missing 1 required positional argument: 'column'"))
                }
            };
            let get = |a: &mut Args, k: &str, i: &mut Interp| -> PyResult<Option<String>> {
                match a.take_kw(k) {
                    None | Some(Value::None) => Ok(None),
                    Some(v) => Ok(Some(i.to_str(&v)?)),
                }
            };
            let name = get(&mut a, "name", i)?;
            let ondelete = get(&mut a, "ondelete", i)?;
            let onupdate = get(&mut a, "onupdate", i)?;
            let use_alter = match a.take_kw("use_alter") {
                Some(v) => i.truthy(&v)?,
                None => false,
            };
            let Value::Class(c) = &cls else { return Err(i.type_error("bad class")) };
            Ok(new_native(c, ForeignKey { use_alter, ..ForeignKey::new(target, name, ondelete, onupdate) }))
        }),
    );
    fk.dict.borrow_mut().set_str(
        "__repr__",
        method("ForeignKey", "__repr__", |i, a| {
            let fk = self_payload::<ForeignKey>(i, &a, "ForeignKey")?;
            let t = i.repr(&Value::str(&fk.target))?;
            Ok(Value::str(&format!("ForeignKey({t})")))
        }),
    );
    fk.dict.borrow_mut().set_str(
        "__getattr__",
        method("ForeignKey", "__getattr__", |i, a| {
            let fk = self_payload::<ForeignKey>(i, &a, "ForeignKey")?;
            let opt = |v: &Option<String>| v.as_deref().map(Value::str).unwrap_or(Value::None);
            match a.pos.get(1).and_then(|v| v.as_str()).unwrap_or("") {
                "target_fullname" => Ok(Value::str(&fk.target)),
                "parent" => match fk.parent.borrow().upgrade() {
                    Some(c) => Ok(column_value(i, &c)),
                    None => Err(i.err("AttributeError", "'ForeignKey' object has no attribute 'parent'")),
                },
                "column" => {
                    let parent = fk.parent.borrow().upgrade();
                    let table = parent.as_ref().and_then(|c| c.table());
                    let Some(table) = table else {
                        return Err(orm::sa_error(
                            i,
                            "InvalidRequestError",
                            format!("this ForeignKey object does not yet have a parent Column associated with it."),
                        ));
                    };
                    let md = table.metadata.borrow().upgrade();
                    match md.as_ref().and_then(|m| m.table(fk.target_table()).map(|t| (m, t))) {
                        Some((m, t)) => match fk.column(m) {
                            Some(c) => Ok(column_value(i, &c)),
                            None => Err(orm::sa_error(
                                i,
                                "NoReferencedColumnError",
                                format!(
                                    "Could not initialize target column for ForeignKey '{}' on table '{}': table '{}' has no column named '{}'",
                                    fk.target, table.name, t.name, fk.target_column()
                                ),
                            )),
                        },
                        None => Err(orm::sa_error(
                            i,
                            "NoReferencedTableError",
                            format!(
                                "Foreign key associated with column '{}.{}' could not find table '{}' with which to generate a foreign key to target column '{}'",
                                table.name,
                                parent.map(|c| c.name()).unwrap_or_default(),
                                fk.target_table(),
                                fk.target_column()
                            ),
                        )),
                    }
                }
                "constraint" => {
                    // The `ForeignKeyConstraint` it belongs to: the table's, a column's own made one.
                    let table = fk.parent.borrow().upgrade().and_then(|c| c.table());
                    let Some(table) = table else { return Ok(Value::None) };
                    let items = table_constraints(&table);
                    let own = table
                        .constraints
                        .borrow()
                        .iter()
                        .filter(|c| !matches!(c, super::schema::Constraint::PrimaryKey { .. }))
                        .position(|c| match c {
                            super::schema::Constraint::ForeignKey { fk: fks, .. } => {
                                fks.iter().any(|f| std::ptr::eq(Rc::as_ptr(f), Rc::as_ptr(&fk)))
                            }
                            _ => false,
                        });
                    match own.and_then(|p| items.into_iter().nth(p + 1)) {
                        Some(item) => Ok(table_item_value(i, item)),
                        None => Ok(Value::None),
                    }
                }
                "name" => Ok(opt(&fk.name)),
                "ondelete" => Ok(opt(&fk.ondelete)),
                "onupdate" => Ok(opt(&fk.onupdate)),
                "use_alter" => Ok(Value::Bool(fk.use_alter)),
                other => Err(i.err("AttributeError", format!("'ForeignKey' object has no attribute '{other}'"))),
            }
        }),
    );
    m.set("ForeignKey", Value::Class(fk));
    for (name, is_check) in [("CheckConstraint", true), ("UniqueConstraint", false)] {
        let cls = native_class(interp, name, "sqlalchemy.sql.schema", None, vec![]);
        let c2 = cls.clone();
        cls.dict.borrow_mut().set_str(
            "__new__",
            func("__new__", move |i, mut a| {
                a.pos.remove(0);
                let cname = match a.take_kw("name") {
                    None | Some(Value::None) => None,
                    Some(v) => Some(i.to_str(&v)?),
                };
                let constraint = if is_check {
                    let sqltext = match a.pos.first() {
                        Some(v) => i.to_str(v)?,
                        None => {
                            return Err(i.type_error(
                                "CheckConstraint.__init__() missing 1 required positional argument: 'sqltext'",
                            ))
                        }
                    };
                    super::schema::Constraint::Check { name: cname, sqltext }
                } else {
                    let mut columns = Vec::new();
                    for v in &a.pos {
                        columns.push(match v.payload::<Column>() {
                            // A class body's column is named when the class is mapped: the
                            // constraint refers to it until then (see `orm::apply_table_args`).
                            Some(c) if c.name.borrow().is_none() => super::schema::unnamed_column_ref(&c),
                            Some(c) => c.name(),
                            None => i.to_str(v)?,
                        });
                    }
                    super::schema::Constraint::Unique { name: cname, columns }
                };
                Ok(new_native(&c2, constraint))
            }),
        );
        m.set(name, Value::Class(cls));
    }
    add_schema_constructs(interp, &m);
    let md_cls = metadata_class(interp);
    m.set("MetaData", Value::Class(md_cls));
    let table_cls = native_class(interp, "Table", "sqlalchemy.sql.schema", None, vec![]);
    table_cls.dict.borrow_mut().set_str("__new__", func("__new__", table_new));
    table_cls.dict.borrow_mut().set_str("__getattr__", method("Table", "__getattr__", table_getattr));
    table_cls.dict.borrow_mut().set_str(
        "__repr__",
        method("Table", "__repr__", |i, a| {
            let t = self_payload::<Rc<super::schema::Table>>(i, &a, "Table")?;
            Ok(Value::str(&table_repr(i, &t)?))
        }),
    );
    table_cls.dict.borrow_mut().set_str(
        "__str__",
        method("Table", "__str__", |i, a| {
            let t = a
                .pos
                .first()
                .and_then(|v| v.payload::<Rc<super::schema::Table>>())
                .ok_or_else(|| i.type_error("bad Table"))?;
            Ok(Value::str(&t.name))
        }),
    );
    table_cls.dict.borrow_mut().set_str(
        "__repr__",
        method("Table", "__repr__", |i, a| {
            let t = a
                .pos
                .first()
                .and_then(|v| v.payload::<Rc<super::schema::Table>>())
                .ok_or_else(|| i.type_error("bad Table"))?;
            Ok(Value::str(&table_repr(i, &t)?))
        }),
    );
    m.set("Table", Value::Class(table_cls.clone()));
    interp.ext.insert("sqlalchemy.table_class", Rc::new(table_cls));
    let rel_cls = native_class(interp, "RelationshipProperty", "sqlalchemy.orm.relationships", None, vec![]);
    interp.ext.insert("sqlalchemy.relationship_class", Rc::new(rel_cls));
    m.set("relationship", func("relationship", relationship_fn));
    m.set(
        "backref",
        func("backref", |i, a| {
            let name = a.pos.first().cloned().unwrap_or(Value::None);
            let mut d = crate::python::value::Dict::new();
            for (k, v) in a.kw {
                d.insert(Value::Str(k), v);
            }
            let _ = i;
            Ok(Value::tuple(vec![name, Value::dict(d)]))
        }),
    );
    let inspector = native_class(
        interp,
        "Inspector",
        "sqlalchemy.engine.reflection",
        None,
        vec![(
            "get_table_names",
            method("Inspector", "get_table_names", |i, a| {
                let e = self_payload::<InspectorData>(i, &a, "Inspector")?;
                let conn = e.0.connect();
                let r = conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name",
                vec![],
            );
                conn.rollback();
                let r = r.map_err(|e| orm::dbapi_error(i, e))?;
                Ok(Value::list(
                    r.rows
                        .iter()
                        .map(|row| row.first().map(super::types::untyped_result).unwrap_or(Value::None))
                        .collect(),
                ))
            }),
        )],
    );
    let insp2 = inspector.clone();
    m.set(
        "inspect",
        func("inspect", move |i, a| {
            let subject = a.pos.first().cloned().unwrap_or(Value::None);
            if let Some(e) = subject.payload::<EngineData>() {
                return Ok(new_native(&insp2, InspectorData(e.0.clone())));
            }
            if let Some(state) = super::inspection::inspect_instance(i, &subject)? {
                return Ok(state);
            }
            if let Some(m) = subject.as_class().and_then(|c| orm::class_mapper(c)) {
                return Ok(super::inspection::mapper_value(i, &m));
            }
            let t = Value::Class(i.type_of(&subject));
            let r = i.repr(&t)?;
            Err(orm::sa_error(
                i,
                "NoInspectionAvailable",
                format!("No inspection system is available for object of type {r}"),
            ))
        }),
    );
    Ok(m)
}
