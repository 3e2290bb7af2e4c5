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

/// What a `mapped_column(...)` object (`MappedColumn`) knows besides its `Column` (which is
/// its payload, so that the class body can use it as that column: `primaryjoin=(assoc.c.x ==
/// id)`, `order_by=id`, `foreign_keys=[author_id]`): the arguments as given (for the dataclass
/// options) and whether they name a type; the declarative scan gives the column what its
/// `Mapped[...]` annotation implies.
pub struct MappedColumnArgs {
    pub args: Args,
    pub type_given: bool,
}

/// The `mapped_column()` details of a value, if it is a `MappedColumn`.
pub fn mapped_column_args(v: &Value) -> Option<Rc<MappedColumnArgs>> {
    v.as_instance().and_then(|i| i.ext::<MappedColumnArgs>())
}

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
    // `MappedColumn.__init__` makes its `Column` at once (`self.column = Column(*arg, **kw)`).
    let mut column_args = a.clone();
    for k in MAPPED_COLUMN_ONLY {
        column_args.take_kw(k);
    }
    if let Some(d) = column_args.take_kw("insert_default") {
        if !column_args.kw.iter().any(|(k, _)| &**k == "default") {
            column_args.kw.push((Rc::from("default"), d));
        }
    }
    let mut type_given = column_args.kw.iter().any(|(k, _)| &**k == "type_");
    for v in &column_args.pos {
        if type_of_arg(interp, v)?.is_some() {
            type_given = true;
        }
    }
    let sa = interp.import_module("sqlalchemy")?;
    let column_cls = sa.get("Column").ok_or_else(|| interp.err("RuntimeError", "no Column"))?;
    let column = interp.call(&column_cls, column_args)?;
    let col = column.payload::<super::schema::Column>().ok_or_else(|| interp.type_error("Column() made no column"))?;
    let inst = crate::python::value::Instance::new(orm_ext_class(interp, "sqlalchemy.mapped_column_class"));
    *inst.payload.borrow_mut() = Some(col);
    *inst.ext.borrow_mut() = Some(Rc::new(MappedColumnArgs { args: a, type_given }));
    Ok(Value::Instance(inst))
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

/// The Core type a `Mapped[...]` annotation implies for the attribute `key` (None for a column
/// with a foreign key, which takes its type from it), or SQLAlchemy's error naming it.
fn annotation_type(
    interp: &mut Interp,
    registry: &Registry,
    key: &str,
    inner: &Value,
    has_fk: bool,
) -> PyResult<Option<Value>> {
    match type_for(interp, registry, inner)? {
        Some(tv) => Ok(Some(tv)),
        None if has_fk => Ok(None),
        None => {
            let d = describe_type(interp, inner);
            Err(orm::sa_error(
                interp,
                "ArgumentError",
                format!(
                    "Could not locate SQLAlchemy Core type for Python type {d} inside the '{key}' attribute Mapped annotation"
                ),
            ))
        }
    }
}

/// `MappedColumn.declarative_scan`: gives a `mapped_column()`'s column the type and nullability
/// its `Mapped[...]` annotation implies, unless its arguments give them. The column stays the
/// same object (expressions in the class body already refer to it).
fn resolve_mapped_column(
    interp: &mut Interp,
    registry: &Registry,
    key: &str,
    col: &super::schema::Column,
    mc: &MappedColumnArgs,
    annotation: Option<&Value>,
) -> PyResult<()> {
    let Some((_, inner)) = annotation.and_then(unwrap_mapped) else { return Ok(()) };
    let (inner, optional) = unwrap_optional(interp, &inner);
    // A column with a `ForeignKey` and no type takes the referenced column's type, not the
    // annotation's (`sqltype._isnull and not self.column.foreign_keys`).
    if !mc.type_given && col.foreign_keys.is_empty() {
        if let Some(tv) = annotation_type(interp, registry, key, &inner, false)? {
            if let Some(t) = type_of_arg(interp, &tv)? {
                col.ty.resolve(t);
            }
        }
    }
    if !mc.args.kw.iter().any(|(k, _)| &**k == "nullable") {
        col.nullable_arg.set(Some(optional && !col.primary_key.get()));
    }
    Ok(())
}

/// The `Column` of an attribute annotated `Mapped[...]` alone: its type and nullability from
/// the annotation.
fn annotation_column(interp: &mut Interp, registry: &Registry, key: &str, annotation: &Value) -> PyResult<Value> {
    let mut a = Args::default();
    if let Some((_, inner)) = unwrap_mapped(annotation) {
        let (inner, optional) = unwrap_optional(interp, &inner);
        if let Some(tv) = annotation_type(interp, registry, key, &inner, false)? {
            a.pos.push(tv);
        }
        a.kw.push((Rc::from("nullable"), Value::Bool(optional)));
    }
    let sa = interp.import_module("sqlalchemy")?;
    let column_cls = sa.get("Column").ok_or_else(|| interp.err("RuntimeError", "no Column"))?;
    interp.call(&column_cls, a)
}

/// A mixin's (or abstract base's) `mapped_column()` or annotation-only `Mapped[...]` attribute
/// as a column of the class being mapped: a copy of the mixin's column, given what
/// `annotation` implies (`_produce_column_copies`). `annotation` is the mixin's annotation of
/// the attribute, or a `declared_attr` function's return annotation.
pub fn mixin_column(
    interp: &mut Interp,
    registry: &Registry,
    key: &str,
    value: Option<&Value>,
    annotation: Option<Value>,
) -> PyResult<Option<Rc<super::schema::Column>>> {
    match value {
        Some(v) => {
            let (Some(mc), Some(col)) = (mapped_column_args(v), v.payload::<super::schema::Column>()) else {
                return Ok(None);
            };
            let copy = Rc::new(col.copy());
            resolve_mapped_column(interp, registry, key, &copy, &mc, annotation.as_ref())?;
            Ok(Some(copy))
        }
        None => {
            let Some(ann) = annotation else { return Ok(None) };
            match unwrap_mapped(&ann) {
                Some((MappedKind::Mapped, _)) if !relationship_like(interp, registry, &ann)? => {
                    let c = annotation_column(interp, registry, key, &ann)?;
                    Ok(c.payload::<super::schema::Column>())
                }
                _ => Ok(None),
            }
        }
    }
}

/// `de_stringify_annotation`: under `from __future__ import annotations` a class's
/// `__annotations__` are strings; SQLAlchemy evaluates each in the class's module when it maps
/// the class, after `_cleanup_mapped_str_annotation` has quoted a not-yet-defined innermost
/// name (`Mapped[list[Post]]` → `Mapped[list['Post']]`). An annotation that still does not
/// evaluate stays a string, which the scan reads by its text. The evaluated values replace the
/// strings in `__annotations__`.
pub fn destringify_annotations(interp: &mut Interp, cls: &Class) {
    let Some(Value::Dict(anns)) = cls.dict.borrow().get_str("__annotations__").cloned() else { return };
    let Some(module) = interp.modules.get(&cls.module).cloned() else { return };
    let items: Vec<(Value, Value)> = anns.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, v) in items {
        let Value::Str(text) = &v else { continue };
        let evaluated = eval_annotation(interp, &module, text).or_else(|| {
            let cleaned = quote_innermost(text)?;
            eval_annotation(interp, &module, &cleaned)
        });
        if let Some(value) = evaluated {
            anns.borrow_mut().insert(k, value);
        }
    }
}

fn eval_annotation(interp: &mut Interp, module: &Rc<Module>, text: &str) -> Option<Value> {
    let parsed = crate::python::parser::parse_module(text).ok()?;
    let [stmt] = parsed.body.as_slice() else { return None };
    let crate::python::ast::StmtKind::Expr(e) = &stmt.kind else { return None };
    let mut frame = crate::python::interp::Frame::module(module.clone());
    interp.eval(e, &mut frame).ok()
}

/// `Mapped[list[Post]]` → `Mapped[list['Post']]`: the innermost subscript's name quoted.
fn quote_innermost(text: &str) -> Option<String> {
    let open = text.rfind('[')?;
    let close = open + text[open..].find(']')?;
    let inner = text[open + 1..close].trim();
    let is_name = !inner.is_empty() && inner.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if !is_name {
        return None;
    }
    Some(format!("{}'{}'{}", &text[..open + 1], inner, &text[close..]))
}

/// A class's own annotations, in order (`util.get_annotations`).
pub fn class_annotations(cls: &Class) -> Vec<(String, Value)> {
    match cls.dict.borrow().get_str("__annotations__") {
        Some(Value::Dict(d)) => {
            d.borrow().iter().filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), v.clone()))).collect()
        }
        _ => vec![],
    }
}

/// The names declarative scans on a class, in its order: `vars(cls)` merged with the class's
/// annotations (`_cls_attr_resolver`, through `util.merge_lists_w_ordering`), dunders left out.
pub fn class_attribute_names(cls: &Class) -> Vec<String> {
    let vars: Vec<String> = cls.dict.borrow().iter().filter_map(|(k, _)| k.as_str().map(str::to_string)).collect();
    let annotations: Vec<String> = class_annotations(cls).into_iter().map(|(k, _)| k).collect();
    merge_lists_w_ordering(&vars, &annotations).into_iter().filter(|n| !excluded_from_scan(n)).collect()
}

/// `_match_exclude_dunders`: names declarative does not look at.
fn excluded_from_scan(name: &str) -> bool {
    name.starts_with("__") || name.starts_with("_sa_")
}

/// SQLAlchemy's `util.merge_lists_w_ordering`: two lists merged keeping each one's order as
/// far as possible, switching from one to the other at each name they share.
pub fn merge_lists_w_ordering(a: &[String], b: &[String]) -> Vec<String> {
    let mut overlap: Vec<&String> = a.iter().filter(|x| b.contains(x)).collect();
    let mut result = Vec::new();
    let (mut current, mut other) = (a.iter(), b.iter());
    loop {
        let mut switched = false;
        for element in current.by_ref() {
            if let Some(p) = overlap.iter().position(|o| *o == element) {
                overlap.remove(p);
                switched = true;
                break;
            }
            result.push(element.clone());
        }
        if !switched {
            result.extend(other.cloned());
            return result;
        }
        std::mem::swap(&mut current, &mut other);
    }
}

/// Rewrites a class body for mapping: `mapped_column()` values and annotation-only
/// `Mapped[...]` attributes become `Column`s, in the order SQLAlchemy scans them (the class's
/// annotations merged with its namespace).
pub fn scan_annotations(
    interp: &mut Interp,
    cls: &Rc<Class>,
    registry: &Rc<Registry>,
) -> PyResult<Vec<(String, Value)>> {
    for c in cls.mro.borrow().clone() {
        destringify_annotations(interp, &c);
    }
    // `MappedAsDataclass`: the class becomes a dataclass before it is mapped.
    let scalars = setup_dataclass_transforms(interp, cls, true)?;
    let annotations: Vec<(String, Value)> = match cls.dict.borrow().get_str("__annotations__") {
        Some(Value::Dict(d)) => {
            d.borrow().iter().filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), v.clone()))).collect()
        }
        _ => vec![],
    };
    let items: Vec<(Value, Value)> = cls.dict.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let has_mapped_column = items.iter().any(|(_, v)| mapped_column_args(v).is_some());
    let mapped_annotations = annotations.iter().any(|(_, v)| unwrap_mapped(v).is_some());
    if !has_mapped_column && !mapped_annotations {
        return Ok(scalars);
    }
    let ann_of = |k: &str| annotations.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    // The namespace in the order SQLAlchemy collects it: `vars(cls)` merged with the
    // annotations, annotation-only `Mapped[...]` attributes becoming columns where they fall.
    let vars: Vec<String> = items.iter().filter_map(|(k, _)| k.as_str().map(str::to_string)).collect();
    let names: Vec<String> = annotations.iter().map(|(k, _)| k.clone()).collect();
    let mut out = Dict::new();
    for key in merge_lists_w_ordering(&vars, &names) {
        match items.iter().find(|(n, _)| n.as_str() == Some(key.as_str())) {
            Some((k, v)) => {
                let value = match (mapped_column_args(v), v.payload::<super::schema::Column>()) {
                    (Some(mc), Some(col)) => {
                        resolve_mapped_column(interp, registry, &key, &col, &mc, ann_of(&key).as_ref())?;
                        super::module::column_value(interp, &col)
                    }
                    _ => v.clone(),
                };
                out.insert(k.clone(), value);
            }
            None => {
                if excluded_from_scan(&key) {
                    continue;
                }
                let Some(ann) = ann_of(&key) else { continue };
                let Some((kind, _)) = unwrap_mapped(&ann) else { continue };
                if kind != MappedKind::Mapped || relationship_like(interp, registry, &ann)? {
                    continue;
                }
                let col = annotation_column(interp, registry, &key, &ann)?;
                out.set_str(&key, col);
            }
        }
    }
    *cls.dict.borrow_mut() = out;
    Ok(scalars)
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
        // The init event sets the discriminator (`_set_polymorphic_identity`).
        if let Some(m) = orm::class_mapper(&cls) {
            if m.polymorphic_abstract && m.class().map(|c| Rc::ptr_eq(&c, &cls)).unwrap_or(false) {
                return Err(orm::sa_error(
                    interp,
                    "InvalidRequestError",
                    format!("Can't instantiate class for {}; mapper is marked polymorphic_abstract=True", m.describe()),
                ));
            }
        }
        orm::instance_state(inst);
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

/// Payload of `registry` objects (`sqlalchemy.orm.registry`): the mappers and metadata a
/// declarative base shares with its classes.
pub struct RegistryHandle(pub Rc<Registry>);

fn registry_value(interp: &Interp, registry: &Rc<Registry>) -> Value {
    new_native(&orm_ext_class(interp, "sqlalchemy.registry_class"), RegistryHandle(registry.clone()))
}

/// `super().__init_subclass__(**kw)` from a native `__init_subclass__` defined on `after`: the
/// next hook in `cls`'s MRO, or `object`'s (which takes no keyword arguments).
pub fn init_subclass_after(
    interp: &mut Interp,
    cls: &Rc<Class>,
    after: &Class,
    kw: Vec<(Rc<str>, Value)>,
) -> PyResult<()> {
    let mro = cls.mro.borrow().clone();
    let start = mro.iter().position(|c| c.id == after.id).map_or(mro.len(), |p| p + 1);
    for c in &mro[start..] {
        let Some(hook) = c.dict.borrow().get_str("__init_subclass__").cloned() else { continue };
        let f = match &hook {
            Value::Instance(i) => i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(hook.clone()),
            _ => hook.clone(),
        };
        let mut args = Args::new(vec![Value::Class(cls.clone())]);
        args.kw = kw;
        interp.call(&f, args)?;
        return Ok(());
    }
    if !kw.is_empty() {
        return Err(interp.type_error("object.__init_subclass__() takes no keyword arguments"));
    }
    Ok(())
}

/// `_setup_declarative_base`: a direct subclass of `DeclarativeBase` gets its `registry` (the
/// one it names, or a new one from its `metadata` and `type_annotation_map`) and `metadata`.
fn setup_declarative_base(interp: &mut Interp, cls: &Rc<Class>) -> PyResult<Rc<Registry>> {
    let type_annotation_map = cls.lookup("type_annotation_map").filter(|v| !v.is_none());
    let registry = match cls.lookup("registry").filter(|v| !v.is_none()) {
        Some(r) => match r.payload::<RegistryHandle>() {
            None => {
                return Err(orm::sa_error(
                    interp,
                    "InvalidRequestError",
                    "Declarative base class has a 'registry' attribute that is not an instance of sqlalchemy.orm.registry()",
                ))
            }
            Some(_) if type_annotation_map.is_some() => {
                return Err(orm::sa_error(
                    interp,
                    "InvalidRequestError",
                    "Declarative base class has both a 'registry' attribute and a type_annotation_map entry.  Per-base type_annotation_maps are not supported.  Please apply the type_annotation_map to this registry directly.",
                ))
            }
            Some(h) => h.0.clone(),
        },
        None => {
            let md = match cls.lookup("metadata").and_then(|v| v.payload::<MetaDataData>()) {
                Some(m) => m.0.clone(),
                None => Rc::new(MetaData::default()),
            };
            let registry = Registry::new(md);
            if let Some(Value::Dict(d)) = &type_annotation_map {
                *registry.type_annotation_map.borrow_mut() =
                    d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            }
            let rv = registry_value(interp, &registry);
            cls.dict.borrow_mut().set_str("registry", rv);
            registry
        }
    };
    let rv = registry_value(interp, &registry);
    cls.dict.borrow_mut().set_str("_sa_registry", rv);
    if cls.dict.borrow().get_str("metadata").is_none() {
        let mdv = metadata_value(interp, &registry.metadata);
        cls.dict.borrow_mut().set_str("metadata", mdv);
    }
    Ok(registry)
}

/// `DeclarativeBase.__init_subclass__`: a direct subclass becomes a base with its own registry
/// and `MetaData`; further subclasses are mapped. Then `super().__init_subclass__(**kw)`.
fn declarative_init_subclass(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let Some(Value::Class(cls)) = a.pos.first().cloned() else { return Ok(Value::None) };
    let Some(decl) = declarative_base_class(interp) else { return Ok(Value::None) };
    let is_base = cls.bases.iter().any(|b| b.id == decl.id);
    if is_base {
        let registry = setup_declarative_base(interp, &cls)?;
        *cls.ext.borrow_mut() = Some(Rc::new(DeclarativeBaseData { registry }));
        init_subclass_after(interp, &cls, &decl, a.kw)?;
        return Ok(Value::None);
    }
    let abstract_ = match cls.dict.borrow().get_str("__abstract__") {
        Some(v) => !matches!(v, Value::Bool(false)),
        None => false,
    };
    if !abstract_ {
        if let Some(registry) = declarative_registry(&cls) {
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
        }
    }
    init_subclass_after(interp, &cls, &decl, a.kw)?;
    Ok(Value::None)
}

/// The keyword arguments `MappedAsDataclass` subclasses accept for `dataclasses.dataclass()`.
const DATACLASS_ARGUMENTS: &[&str] =
    &["init", "repr", "eq", "order", "unsafe_hash", "match_args", "kw_only", "dataclass_callable"];

/// `MappedAsDataclass.__init_subclass__`: records the dataclass arguments
/// (`_sa_apply_dc_transforms`, merged with the inherited ones), runs the other hooks (mapping
/// the class), and turns a class that was not mapped into a dataclass itself (a base or mixin).
fn mapped_as_dataclass_init_subclass(interp: &mut Interp, mut a: Args) -> PyResult<Value> {
    let Some(Value::Class(cls)) = a.pos.first().cloned() else { return Ok(Value::None) };
    let mut merged = match cls.lookup("_sa_apply_dc_transforms") {
        Some(Value::Dict(d)) => d.borrow().clone(),
        _ => Dict::new(),
    };
    for k in DATACLASS_ARGUMENTS {
        if let Some(v) = a.take_kw(k) {
            merged.set_str(k, v);
        }
    }
    cls.dict.borrow_mut().set_str("_sa_apply_dc_transforms", Value::dict(merged));
    let mad = orm_ext_class(interp, "sqlalchemy.mapped_as_dataclass_class");
    init_subclass_after(interp, &cls, &mad, a.kw)?;
    if cls.ext_of::<orm::Mapper>().is_none() {
        setup_dataclass_transforms(interp, &cls, false)?;
    }
    Ok(Value::None)
}

/// The dataclass options of a `mapped_column()` or `relationship()` (`_AttributeOptions`).
fn attribute_options(v: &Value) -> Option<Vec<(Rc<str>, Value)>> {
    const KEYS: &[&str] = &["init", "repr", "default", "default_factory", "compare", "kw_only", "hash"];
    if let Some(mc) = mapped_column_args(v) {
        return Some(mc.args.kw.iter().filter(|(k, _)| KEYS.contains(&&**k)).cloned().collect());
    }
    if let Some(r) = v.payload::<orm::Relationship>() {
        return Some(r.dataclass_options.borrow().clone());
    }
    None
}

/// `DONT_SET`: the default a mapped dataclass's `__init__` passes for an attribute whose
/// default the attribute itself gives (setting it does nothing).
pub fn dont_set(interp: &Interp) -> Value {
    interp
        .ext
        .get("sqlalchemy.dont_set")
        .and_then(|e| e.clone().downcast::<Value>().ok())
        .map_or(Value::None, |v| (*v).clone())
}

/// Is `v` the `DONT_SET` marker? (Not registered yet: nothing is, `None` included.)
pub fn is_dont_set(interp: &Interp, v: &Value) -> bool {
    interp.ext.get("sqlalchemy.dont_set").and_then(|e| e.clone().downcast::<Value>().ok()).is_some_and(|d| v.is(&d))
}

fn is_callable(v: &Value) -> bool {
    match v {
        Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Class(_) => true,
        Value::Instance(inst) => inst.class.lookup("__call__").is_some(),
        _ => false,
    }
}

fn is_classvar(interp: &mut Interp, ann: &Value) -> bool {
    if let Some((name, _)) = typing_form(ann) {
        return name == "ClassVar";
    }
    let text = match ann {
        Value::Str(s) => s.to_string(),
        other => interp.repr(other).unwrap_or_default(),
    };
    text.starts_with("ClassVar") || text.starts_with("typing.ClassVar")
}

/// `_ClassScanAbstractConfig._setup_dataclasses_transforms`: makes the class a dataclass whose
/// fields are its annotated attributes, with the dataclass options their `mapped_column()` /
/// `relationship()` give. A mapped class (`enable_descriptor_defaults`) keeps a scalar default
/// in the attribute (returned: key and value) and passes `DONT_SET` instead. The class keeps
/// its attributes (and their order) for the mapping; the dataclass adds `__init__`,
/// `__repr__`, `__eq__`, ...
pub fn setup_dataclass_transforms(
    interp: &mut Interp,
    cls: &Rc<Class>,
    mapped: bool,
) -> PyResult<Vec<(String, Value)>> {
    let Some(Value::Dict(arguments)) = cls.lookup("_sa_apply_dc_transforms") else { return Ok(vec![]) };
    if cls.dict.borrow().get_str("__dataclass_fields__").is_some() {
        return Err(orm::sa_error(
            interp,
            "InvalidRequestError",
            format!(
                "Class <class '{}'> is already a dataclass; ensure that base classes / decorator styles of establishing dataclasses are not being mixed. This can happen if a class that inherits from 'MappedAsDataclass', even indirectly, is been mapped with '@registry.mapped_as_dataclass'",
                cls.full_name()
            ),
        ));
    }
    if cls.dict.borrow().get_str("__table__").is_some() {
        return Err(orm::sa_error(
            interp,
            "InvalidRequestError",
            format!(
                "Class <class '{}'> already defines a '__table__'. ORM Annotated Dataclasses do not support a pre-existing '__table__' element",
                cls.full_name()
            ),
        ));
    }
    let original_annotations = cls.dict.borrow().get_str("__annotations__").cloned();
    let annotations: Vec<(Value, Value)> = match &original_annotations {
        Some(Value::Dict(d)) => d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => vec![],
    };
    let dataclasses = interp.import_module("dataclasses")?;
    let field = dataclasses.get("field").unwrap_or(Value::None);
    let mut defaults: Vec<(String, Value)> = Vec::new();
    let mut scalars: Vec<(String, Value)> = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    for (k, ann) in &annotations {
        let Some(key) = k.as_str().map(str::to_string) else { continue };
        if is_classvar(interp, ann) || (mapped && unwrap_mapped(ann).is_none()) {
            continue;
        }
        let elem = cls.dict.borrow().get_str(&key).cloned();
        let spec = match &elem {
            Some(v) => match attribute_options(v) {
                Some(opts) => {
                    let mut kw: Vec<(Rc<str>, Value)> = Vec::new();
                    let get = |n: &str| opts.iter().find(|(k, _)| &**k == n).map(|(_, v)| v.clone());
                    let mut default = get("default");
                    let mut factory = get("default_factory");
                    if mapped {
                        let is_rel = v.payload::<orm::Relationship>().is_some();
                        if let Some(d) = default.clone() {
                            if !is_callable(&d) {
                                if !is_rel {
                                    scalars.push((key.clone(), d));
                                }
                                default = Some(dont_set(interp));
                            }
                        } else if is_rel && factory.is_some() {
                            factory = None;
                            default = Some(dont_set(interp));
                        }
                    }
                    let init = get("init");
                    if let (Some(Value::Bool(false)), Some(d), None) = (&init, &default, &factory) {
                        if !is_callable(d) {
                            let d = d.clone();
                            factory = Some(func("<lambda>", move |_, _| Ok(d.clone())));
                            default = None;
                        }
                    }
                    if let Some(f) = factory {
                        kw.push((Rc::from("default_factory"), f));
                    }
                    if let Some(d) = default {
                        kw.push((Rc::from("default"), d));
                    }
                    for n in ["init", "repr", "compare", "kw_only", "hash"] {
                        if let Some(v) = get(n) {
                            kw.push((Rc::from(n), v));
                        }
                    }
                    Some(interp.call(&field, Args { kw, ..Args::default() })?)
                }
                None => Some(v.clone()),
            },
            None => None,
        };
        if let Some(spec) = spec {
            defaults.push((key.clone(), spec));
        }
        fields.push(key);
    }
    // The annotations the dataclass sees: those before the first field, the fields, the rest.
    let mut new_annotations = Dict::new();
    let is_field = |k: &Value| k.as_str().is_some_and(|k| fields.iter().any(|f| f == k));
    let first = annotations.iter().position(|(k, _)| is_field(k));
    for (i, (k, v)) in annotations.iter().enumerate() {
        if !matches!(first, Some(f) if i >= f) {
            new_annotations.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in &annotations {
        if is_field(k) {
            new_annotations.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in &annotations {
        new_annotations.insert(k.clone(), v.clone());
    }
    let before = cls.dict.borrow().clone();
    {
        let mut d = cls.dict.borrow_mut();
        for (k, v) in &defaults {
            d.set_str(k, v.clone());
        }
        d.set_str("__annotations__", Value::dict(new_annotations));
    }
    let mut args = Args::new(vec![Value::Class(cls.clone())]);
    let mut callable = dataclasses.get("dataclass").unwrap_or(Value::None);
    for (k, v) in arguments.borrow().iter() {
        match k.as_str() {
            Some("dataclass_callable") => callable = v.clone(),
            Some(name) => args.kw.push((Rc::from(name), v.clone())),
            None => {}
        }
    }
    let result = interp.call(&callable, args);
    // The class keeps its own attributes in their order; what the dataclass added follows.
    let after = cls.dict.borrow().clone();
    let mut restored = before.clone();
    for (k, v) in after.iter() {
        if before.get(k).is_none() {
            restored.insert(k.clone(), v.clone());
        }
    }
    *cls.dict.borrow_mut() = restored;
    if let Err(e) = result {
        if interp.err_is(&e, "TypeError") || interp.err_is(&e, "ValueError") {
            let r = interp.repr(&e.exc)?;
            let err = orm::sa_error(
                interp,
                "InvalidRequestError",
                format!(
                    "Python dataclasses error encountered when creating dataclass for '{}': {r}. Please refer to Python dataclasses documentation for additional information. (Background on this error at: https://sqlalche.me/e/21/dcte)",
                    cls.name
                ),
            );
            if let Value::Instance(i) = &err.exc {
                i.dict.borrow_mut().set_str("__cause__", e.exc.clone());
                i.dict.borrow_mut().set_str("__suppress_context__", Value::Bool(true));
            }
            return Err(err);
        }
        return Err(e);
    }
    Ok(scalars)
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
    // In the class body a `MappedColumn` stands for its column (`__clause_element__`).
    let mut members = super::statement::column_operators();
    members.push((
        "__hash__",
        method("MappedColumn", "__hash__", |_, a| Ok(Value::Int(a.pos.first().map_or(0, |v| v.id()) as i64))),
    ));
    members.push((
        "__getattr__",
        method("MappedColumn", "__getattr__", |i, a| {
            let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            match (name.as_str(), a.pos.first().and_then(|v| v.payload::<super::schema::Column>())) {
                ("column", Some(c)) => Ok(super::module::column_value(i, &c)),
                _ => Err(i.err("AttributeError", format!("'MappedColumn' object has no attribute '{name}'"))),
            }
        }),
    ));
    let mc = native_class(interp, "MappedColumn", "sqlalchemy.orm.properties", None, members);
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
    let registry = native_class(interp, "registry", "sqlalchemy.orm.decl_api", None, vec![]);
    interp.ext.insert("sqlalchemy.registry_class", Rc::new(registry.clone()));
    m.set("registry", Value::Class(registry));
    let mad = native_class(
        interp,
        "MappedAsDataclass",
        "sqlalchemy.orm.decl_api",
        None,
        vec![("__init_subclass__", func("__init_subclass__", mapped_as_dataclass_init_subclass))],
    );
    interp.ext.insert("sqlalchemy.mapped_as_dataclass_class", Rc::new(mad.clone()));
    m.set("MappedAsDataclass", Value::Class(mad));
    let status = native_class(
        interp,
        "LoaderCallableStatus",
        "sqlalchemy.orm.base",
        None,
        vec![(
            "__repr__",
            method("LoaderCallableStatus", "__repr__", |_, _| Ok(Value::str("<LoaderCallableStatus.DONT_SET: 5>"))),
        )],
    );
    interp.ext.insert("sqlalchemy.dont_set", Rc::new(new_native(&status, ())));
}

/// The `DeclarativeBase` class (for Flask-SQLAlchemy's `model_class=`).
pub fn declarative_base_class(interp: &Interp) -> Option<Rc<Class>> {
    interp
        .ext
        .get("sqlalchemy.declarative_base_class")
        .and_then(|e| e.clone().downcast::<Rc<Class>>().ok())
        .map(|c| (*c).clone())
}

#[cfg(test)]
mod tests {
    use super::merge_lists_w_ordering;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// The example of SQLAlchemy's own docstring for `merge_lists_w_ordering`.
    #[test]
    fn merges_vars_with_annotations_as_sqlalchemy_does() {
        let a = names(&["__tablename__", "id", "x", "created_at"]);
        let b = names(&["id", "name", "data", "y", "created_at"]);
        assert_eq!(
            merge_lists_w_ordering(&a, &b),
            names(&["__tablename__", "id", "name", "data", "y", "x", "created_at"])
        );
    }

    /// A class body checked against the oracle: `z: Mapped[...]`, `id = Column()`,
    /// `y: Mapped[int] = mapped_column()`, `x: Mapped[...]`, `w = Column()` gives
    /// id, z, y, x, w.
    #[test]
    fn annotation_only_attributes_fall_between_assigned_ones() {
        let vars = names(&["id", "y", "w"]);
        let annotations = names(&["z", "y", "x"]);
        assert_eq!(merge_lists_w_ordering(&vars, &annotations), names(&["id", "z", "y", "x", "w"]));
    }
}
