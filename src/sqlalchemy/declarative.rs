//! SQLAlchemy 2.0 declarative mapping (`orm/decl_api.py`, `orm/decl_base.py`,
//! `orm/properties.py`): `DeclarativeBase`, `Mapped[...]` annotations, `mapped_column()`, and
//! the annotation scan that turns them into table columns before the class is mapped.

use std::rc::Rc;

use super::module::{metadata_value, type_of_arg, MetaDataData};
use super::orm::{self, Registry};
use super::schema::MetaData;
use crate::python::builtins::{func, method, native_class, new_native};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Class, Dict, Module, Value};

/// Which `Mapped` flavour an annotation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappedKind {
    Mapped,
    WriteOnly,
    Dynamic,
}

/// Payload of `Mapped[X]` (and `WriteOnlyMapped[X]`, `DynamicMapped[X]`).
pub struct MappedAnnotation {
    pub kind: MappedKind,
    pub inner: Value,
}

/// Payload of `mapped_column(...)`: its arguments, turned into a `Column` once the
/// annotation is known.
pub struct MappedColumnArgs(pub Args);

/// Marks a class made by subclassing `DeclarativeBase` directly: its registry.
pub struct DeclarativeBaseData {
    pub registry: Rc<Registry>,
}

/// The registry of a `DeclarativeBase` subclass (the base itself or a mapped class).
pub fn declarative_registry(cls: &Class) -> Option<Rc<Registry>> {
    cls.mro.borrow().iter().find_map(|c| c.ext_of::<DeclarativeBaseData>()).map(|d| d.registry.clone())
}

const MAPPED_COLUMN_ONLY: &[&str] = &[
    "init",
    "repr",
    "default_factory",
    "compare",
    "kw_only",
    "hash",
    "sort_order",
    "deferred",
    "deferred_group",
    "deferred_raiseload",
    "active_history",
    "use_existing_column",
    "dataclass_metadata",
];

const COLUMN_KEYWORDS: &[&str] = &[
    "name",
    "type_",
    "autoincrement",
    "default",
    "insert_default",
    "doc",
    "key",
    "index",
    "unique",
    "info",
    "nullable",
    "onupdate",
    "primary_key",
    "server_default",
    "server_onupdate",
    "quote",
    "system",
    "comment",
];

fn mapped_column(interp: &mut Interp, a: Args) -> PyResult<Value> {
    if let Some((k, _)) =
        a.kw.iter().find(|(k, _)| !MAPPED_COLUMN_ONLY.contains(&&**k) && !COLUMN_KEYWORDS.contains(&&**k))
    {
        return Err(interp.type_error(format!("mapped_column() got an unexpected keyword argument '{k}'")));
    }
    let cls = orm_ext_class(interp, "sqlalchemy.mapped_column_class");
    Ok(new_native(&cls, MappedColumnArgs(a)))
}

fn orm_ext_class(interp: &Interp, key: &str) -> Rc<Class> {
    interp
        .ext
        .get(key)
        .and_then(|e| e.clone().downcast::<Rc<Class>>().ok())
        .map(|c| (*c).clone())
        .unwrap_or_else(|| interp.types.object.clone())
}

/// The name of a typing form's origin (`Optional`, `List`, `Union`), if `v` is one.
fn typing_form(v: &Value) -> Option<(String, Vec<Value>)> {
    let Value::Instance(inst) = v else { return None };
    let d = inst.dict.borrow();
    let origin = d.get_str("__origin__")?;
    let name = match origin {
        Value::Instance(o) => o.payload::<String>().map(|s| (*s).clone()).unwrap_or_default(),
        Value::Class(c) => c.name.clone(),
        _ => String::new(),
    };
    let args = match d.get_str("__args__") {
        Some(Value::Tuple(t)) => (**t).clone(),
        _ => vec![],
    };
    Some((name, args))
}

fn is_none_type(interp: &Interp, v: &Value) -> bool {
    match v {
        Value::None => true,
        Value::Class(c) => Rc::ptr_eq(c, &interp.types.none),
        Value::Str(s) => &**s == "None",
        _ => false,
    }
}

/// `Optional[X]`, `Union[X, None]`, `X | None` → (X, true); anything else → (itself, false).
pub fn unwrap_optional(interp: &Interp, v: &Value) -> (Value, bool) {
    if let Value::Str(s) = v {
        let t = s.trim();
        if let Some(inner) = t.strip_prefix("Optional[").and_then(|r| r.strip_suffix(']')) {
            return (Value::str(inner.trim()), true);
        }
        let parts: Vec<&str> = t.split('|').map(str::trim).collect();
        if parts.len() > 1 && parts.contains(&"None") {
            let rest: Vec<&str> = parts.into_iter().filter(|p| *p != "None").collect();
            return (Value::str(&rest.join(" | ")), true);
        }
        return (v.clone(), false);
    }
    if let Some((name, args)) = typing_form(v) {
        if name == "Optional" || name == "Union" || name == "UnionType" {
            let optional = args.iter().any(|a| is_none_type(interp, a));
            let rest: Vec<Value> = args.into_iter().filter(|a| !is_none_type(interp, a)).collect();
            if rest.len() == 1 {
                return (rest[0].clone(), optional);
            }
            return (v.clone(), optional);
        }
    }
    (v.clone(), false)
}

/// `Mapped[X]` → (kind, X).
pub fn unwrap_mapped(v: &Value) -> Option<(MappedKind, Value)> {
    if let Some(m) = v.payload::<MappedAnnotation>() {
        return Some((m.kind, m.inner.clone()));
    }
    if let Value::Str(s) = v {
        for (prefix, kind) in [
            ("Mapped[", MappedKind::Mapped),
            ("WriteOnlyMapped[", MappedKind::WriteOnly),
            ("DynamicMapped[", MappedKind::Dynamic),
        ] {
            if let Some(inner) = s.trim().strip_prefix(prefix).and_then(|r| r.strip_suffix(']')) {
                let inner = inner.trim();
                let unquoted = inner
                    .strip_prefix('"')
                    .and_then(|r| r.strip_suffix('"'))
                    .or_else(|| inner.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
                    .unwrap_or(inner);
                return Some((kind, Value::str(unquoted)));
            }
        }
    }
    None
}

/// The class a relationship annotation names: `List["Post"]` → `"Post"`, `"Author"`,
/// `Optional[Author]` → the class.
pub fn relationship_target(interp: &Interp, annotation: &Value) -> Option<Value> {
    let (_, inner) = unwrap_mapped(annotation)?;
    let (inner, _) = unwrap_optional(interp, &inner);
    if let Some((name, args)) = typing_form(&inner) {
        if matches!(name.as_str(), "List" | "Set" | "FrozenSet" | "Sequence" | "Iterable" | "list" | "set") {
            return args.first().cloned();
        }
        return None;
    }
    match &inner {
        Value::Str(s) => {
            let t = s.trim();
            for p in ["List[", "list[", "Set[", "set["] {
                if let Some(x) = t.strip_prefix(p).and_then(|r| r.strip_suffix(']')) {
                    let x = x.trim().trim_matches(|c| c == '"' || c == '\'');
                    return Some(Value::str(x));
                }
            }
            Some(Value::str(t.trim_matches(|c| c == '"' || c == '\'')))
        }
        other => Some(other.clone()),
    }
}

/// The Core type (a type object) for a Python type in an annotation: `type_annotation_map`
/// first, then SQLAlchemy's default map (`int` → `Integer()`, `float` → `Double()`, an enum
/// class → `Enum(cls)`, ...).
fn type_for(interp: &mut Interp, registry: &Registry, ty: &Value) -> PyResult<Option<Value>> {
    let mapped = registry.type_annotation_map.borrow().iter().find(|(k, _)| k.is(ty)).map(|(_, v)| v.clone());
    if let Some(t) = mapped {
        return Ok(match &t {
            Value::Class(_) => Some(interp.call(&t, Args::default())?),
            _ => Some(t),
        });
    }
    let name = match ty {
        Value::Class(c) => {
            if c.mro.borrow().iter().any(|b| b.name == "Enum" && b.module == "enum") && c.name != "Enum" {
                return Ok(Some(sa_type(interp, "Enum", vec![ty.clone()])?));
            }
            format!("{}.{}", c.module, c.name)
        }
        Value::Str(s) => match &**s {
            "int" | "str" | "bool" | "float" | "bytes" => format!("builtins.{s}"),
            "datetime" | "datetime.datetime" => "datetime.datetime".into(),
            "date" | "datetime.date" => "datetime.date".into(),
            "time" | "datetime.time" => "datetime.time".into(),
            "timedelta" | "datetime.timedelta" => "datetime.timedelta".into(),
            "Decimal" | "decimal.Decimal" => "decimal.Decimal".into(),
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    let class = match name.as_str() {
        "builtins.int" => "Integer",
        "builtins.str" => "String",
        "builtins.bool" => "Boolean",
        "builtins.float" => "Double",
        "builtins.bytes" => "LargeBinary",
        "datetime.datetime" => "DateTime",
        "datetime.date" => "Date",
        "datetime.time" => "Time",
        "datetime.timedelta" => "Interval",
        "decimal.Decimal" => "Numeric",
        "uuid.UUID" => "Uuid",
        _ => return Ok(None),
    };
    Ok(Some(sa_type(interp, class, vec![])?))
}

fn sa_type(interp: &mut Interp, class: &str, args: Vec<Value>) -> PyResult<Value> {
    let sa = interp.import_module("sqlalchemy")?;
    let cls = sa.get(class).ok_or_else(|| interp.err("RuntimeError", format!("no type {class}")))?;
    interp.call(&cls, Args::new(args))
}

fn describe_type(interp: &mut Interp, ty: &Value) -> String {
    match ty {
        Value::Class(c) => format!("<class '{}'>", c.full_name()),
        other => interp.repr(other).unwrap_or_default(),
    }
}

/// Builds the `Column` of a mapped attribute from `mapped_column()` arguments (or none, for an
/// annotation alone) and its `Mapped[...]` annotation: the type and nullability the
/// annotation implies, unless the arguments give them.
fn column_for(
    interp: &mut Interp,
    registry: &Registry,
    cls: &Class,
    key: &str,
    args: Option<&Args>,
    annotation: Option<&Value>,
) -> PyResult<Value> {
    let mut a = args.cloned().unwrap_or_default();
    for k in MAPPED_COLUMN_ONLY {
        a.take_kw(k);
    }
    if let Some(d) = a.take_kw("insert_default") {
        if !a.kw.iter().any(|(k, _)| &**k == "default") {
            a.kw.push((Rc::from("default"), d));
        }
    }
    let mut has_type = a.kw.iter().any(|(k, _)| &**k == "type_");
    for v in &a.pos {
        if type_of_arg(interp, v)?.is_some() {
            has_type = true;
        }
    }
    if let Some((_, inner)) = annotation.and_then(unwrap_mapped) {
        let (inner, optional) = unwrap_optional(interp, &inner);
        if !has_type {
            match type_for(interp, registry, &inner)? {
                Some(tv) => {
                    let at = usize::from(matches!(a.pos.first(), Some(Value::Str(_))));
                    a.pos.insert(at, tv);
                }
                None => {
                    let has_fk = a.pos.iter().any(|v| v.payload::<super::schema::ForeignKey>().is_some());
                    if !has_fk {
                        let d = describe_type(interp, &inner);
                        return Err(orm::sa_error(
                            interp,
                            "ArgumentError",
                            format!(
                                "Could not locate SQLAlchemy Core type for Python type {d} inside the '{key}' attribute Mapped annotation"
                            ),
                        ));
                    }
                }
            }
        }
        if !a.kw.iter().any(|(k, _)| &**k == "nullable") {
            let pk = match a.kw.iter().find(|(k, _)| &**k == "primary_key") {
                Some((_, v)) => interp.truthy(&v.clone())?,
                None => false,
            };
            a.kw.push((Rc::from("nullable"), Value::Bool(optional && !pk)));
        }
    }
    let _ = cls;
    let sa = interp.import_module("sqlalchemy")?;
    let column_cls = sa.get("Column").ok_or_else(|| interp.err("RuntimeError", "no Column"))?;
    interp.call(&column_cls, a)
}

/// Rewrites a class body for mapping: `mapped_column()` values and annotation-only
/// `Mapped[...]` attributes become `Column`s, in the order SQLAlchemy scans them (the class's
/// annotations merged with its namespace).
pub fn scan_annotations(interp: &mut Interp, cls: &Rc<Class>, registry: &Rc<Registry>) -> PyResult<()> {
    let annotations: Vec<(String, Value)> = match cls.dict.borrow().get_str("__annotations__") {
        Some(Value::Dict(d)) => {
            d.borrow().iter().filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), v.clone()))).collect()
        }
        _ => vec![],
    };
    let items: Vec<(Value, Value)> = cls.dict.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let has_mapped_column = items.iter().any(|(_, v)| v.payload::<MappedColumnArgs>().is_some());
    let mapped_annotations = annotations.iter().any(|(_, v)| unwrap_mapped(v).is_some());
    if !has_mapped_column && !mapped_annotations {
        return Ok(());
    }
    let ann_of = |k: &str| annotations.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let in_dict = |k: &str| items.iter().any(|(n, _)| n.as_str() == Some(k));
    let mut out = Dict::new();
    let mut next_ann = 0usize;
    let emit_annotation_only =
        |interp: &mut Interp, out: &mut Dict, upto: usize, next_ann: &mut usize| -> PyResult<()> {
            while *next_ann < upto {
                let (name, ann) = &annotations[*next_ann];
                *next_ann += 1;
                if in_dict(name) || name.starts_with("__") {
                    continue;
                }
                let Some((kind, _)) = unwrap_mapped(ann) else { continue };
                if kind != MappedKind::Mapped || relationship_like(interp, registry, ann)? {
                    continue;
                }
                let col = column_for(interp, registry, cls, name, None, Some(ann))?;
                out.set_str(name, col);
            }
            Ok(())
        };
    for (k, v) in &items {
        let key = k.as_str().unwrap_or_default().to_string();
        if let Some(pos) = annotations.iter().position(|(n, _)| *n == key) {
            emit_annotation_only(interp, &mut out, pos, &mut next_ann)?;
            next_ann = next_ann.max(pos + 1);
        }
        let value = match v.payload::<MappedColumnArgs>() {
            Some(mc) => column_for(interp, registry, cls, &key, Some(&mc.0), ann_of(&key).as_ref())?,
            None => v.clone(),
        };
        out.insert(k.clone(), value);
    }
    emit_annotation_only(interp, &mut out, annotations.len(), &mut next_ann)?;
    *cls.dict.borrow_mut() = out;
    Ok(())
}

/// Does an annotation-only `Mapped[X]` name a mapped class (an error in SQLAlchemy: it needs
/// `relationship()`), rather than a column type?
fn relationship_like(interp: &mut Interp, registry: &Registry, ann: &Value) -> PyResult<bool> {
    let Some((_, inner)) = unwrap_mapped(ann) else { return Ok(false) };
    let (inner, _) = unwrap_optional(interp, &inner);
    if type_for(interp, registry, &inner)?.is_some() {
        return Ok(false);
    }
    Ok(match &inner {
        Value::Class(c) => orm::class_mapper(c).is_some(),
        Value::Str(s) => registry.mapper_named(s).is_some(),
        _ => typing_form(&inner).is_some(),
    })
}

/// `_declarative_constructor`: sets the keyword arguments as attributes.
pub fn declarative_constructor(interp: &mut Interp, a: Args) -> PyResult<Value> {
    construct(interp, a, declarative_registry)
}

/// The body of `_declarative_constructor`, shared with Flask-SQLAlchemy's `db.Model`: configures
/// the mappers of the registry `registry_of` finds for the instance's class, then sets each
/// keyword argument the class knows as an attribute.
pub fn construct(
    interp: &mut Interp,
    a: Args,
    registry_of: impl Fn(&Class) -> Option<Rc<Registry>>,
) -> PyResult<Value> {
    let Some(obj) = a.pos.first().cloned() else { return Ok(Value::None) };
    let cls = interp.type_of(&obj);
    if let Some(reg) = registry_of(&cls) {
        orm::configure(interp, &reg)?;
    }
    if let Value::Instance(inst) = &obj {
        orm::instance_state(inst);
        // The init event sets the discriminator (`_set_polymorphic_identity`).
        if let Some(m) = orm::class_mapper(&cls) {
            if let (Some(on), Some(identity)) = (&m.inheritance.polymorphic_on, &m.inheritance.identity) {
                if let Some(key) = m.column_key(on) {
                    inst.dict.borrow_mut().set_str(&key, identity.clone());
                }
            }
        }
    }
    if a.pos.len() > 1 {
        return Err(interp.type_error(format!(
            "{}() takes 1 positional argument but {} were given",
            // A mapped class's constructor is SQLAlchemy's generated `__init__`.
            if orm::class_mapper(&cls).is_some() { "__init__" } else { "_declarative_constructor" },
            a.pos.len()
        )));
    }
    for (k, v) in a.kw {
        if interp.getattr_opt(&Value::Class(cls.clone()), &k)?.is_none() {
            return Err(interp.type_error(format!("'{k}' is an invalid keyword argument for {}", cls.name)));
        }
        interp.setattr(&obj, &k, v)?;
    }
    Ok(Value::None)
}

/// `DeclarativeBase.__init_subclass__`: a direct subclass becomes a base with its own registry
/// and `MetaData`; further subclasses are mapped.
fn declarative_init_subclass(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let Some(Value::Class(cls)) = a.pos.first().cloned() else { return Ok(Value::None) };
    let is_base = cls.bases.iter().any(|b| b.dict.borrow().get_str("__sa_declarative_base__").is_some());
    if is_base {
        let md = match cls.dict.borrow().get_str("metadata").and_then(|v| v.payload::<MetaDataData>()) {
            Some(m) => m.0.clone(),
            None => Rc::new(MetaData::default()),
        };
        let registry = Registry::new(md.clone());
        if let Some(Value::Dict(d)) = cls.dict.borrow().get_str("type_annotation_map").cloned() {
            *registry.type_annotation_map.borrow_mut() =
                d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        }
        let mdv = metadata_value(interp, &md);
        cls.dict.borrow_mut().set_str("metadata", mdv);
        *cls.ext.borrow_mut() = Some(Rc::new(DeclarativeBaseData { registry }));
        return Ok(Value::None);
    }
    if let Some(v) = cls.dict.borrow().get_str("__abstract__") {
        if !matches!(v, Value::Bool(false)) {
            return Ok(Value::None);
        }
    }
    let Some(registry) = declarative_registry(&cls) else { return Ok(Value::None) };
    let tablename = cls.dict.borrow().get_str("__tablename__").cloned();
    let Some(tablename) = tablename else {
        return Err(orm::sa_error(
            interp,
            "InvalidRequestError",
            format!(
                "Class <class '{}'> does not have a __table__ or __tablename__ specified and does not inherit from an existing table-mapped class.",
                cls.full_name()
            ),
        ));
    };
    let tablename = interp.to_str(&tablename)?;
    orm::map_class(interp, &cls, &tablename, &registry)?;
    Ok(Value::None)
}

/// Adds the 2.0 declarative names to `sqlalchemy.orm`.
pub fn add_to_orm(interp: &mut Interp, m: &Rc<Module>) {
    let alias = native_class(interp, "_GenericAlias", "typing", None, vec![]);
    for (name, kind) in [
        ("Mapped", MappedKind::Mapped),
        ("WriteOnlyMapped", MappedKind::WriteOnly),
        ("DynamicMapped", MappedKind::Dynamic),
    ] {
        let cls = native_class(interp, name, "sqlalchemy.orm.base", None, vec![]);
        let alias = alias.clone();
        cls.dict.borrow_mut().set_str(
            "__class_getitem__",
            func("__class_getitem__", move |_, a| {
                let inner = a.pos.get(1).cloned().unwrap_or(Value::None);
                Ok(new_native(&alias, MappedAnnotation { kind, inner }))
            }),
        );
        m.set(name, Value::Class(cls));
    }
    let mc = native_class(interp, "MappedColumn", "sqlalchemy.orm.properties", None, vec![]);
    interp.ext.insert("sqlalchemy.mapped_column_class", Rc::new(mc));
    m.set("mapped_column", func("mapped_column", mapped_column));
    let base = native_class(
        interp,
        "DeclarativeBase",
        "sqlalchemy.orm.decl_api",
        None,
        vec![
            ("__init_subclass__", func("__init_subclass__", declarative_init_subclass)),
            ("__init__", method("DeclarativeBase", "__init__", declarative_constructor)),
            ("__sa_declarative_base__", Value::Bool(true)),
        ],
    );
    interp.ext.insert("sqlalchemy.declarative_base_class", Rc::new(base.clone()));
    m.set("DeclarativeBase", Value::Class(base));
}

/// The `DeclarativeBase` class (for Flask-SQLAlchemy's `model_class=`).
pub fn declarative_base_class(interp: &Interp) -> Option<Rc<Class>> {
    interp
        .ext
        .get("sqlalchemy.declarative_base_class")
        .and_then(|e| e.clone().downcast::<Rc<Class>>().ok())
        .map(|c| (*c).clone())
}
