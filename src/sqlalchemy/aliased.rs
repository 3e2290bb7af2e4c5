//! `aliased()` (`orm/util.py`'s `AliasedClass`): a mapped class standing for an alias of its
//! table, so that one table can take part in a statement more than once
//! (`Author = aliased(User)`; `select(Post).join(Post.author.of_type(Author))`). An unnamed
//! alias is anonymous: the compiler names it (`user_1`, `user_2`) in the order it renders them.

use std::rc::Rc;

use super::orm::{self, AttrData, AttrKind, Mapper};
use super::schema::{Column, Table};
use super::sql::Clause;
use crate::python::builtins::{method, native_class, new_native};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Class, Value};

/// Payload of `AliasedClass` objects: the mapper and the alias of its table.
pub struct AliasedData {
    pub mapper: Rc<Mapper>,
    pub table: Rc<Table>,
}

impl AliasedData {
    /// The alias's column standing for `col` (a column of another table, as a joined
    /// subclass has, stays as it is).
    pub fn adapt(&self, col: &Rc<Column>) -> Rc<Column> {
        match col.table() {
            Some(t) if Rc::ptr_eq(&t, &self.mapper.table) => {
                self.table.column(&col.name()).unwrap_or_else(|| col.clone())
            }
            _ => col.clone(),
        }
    }

    /// The columns a SELECT of the aliased entity lists.
    pub fn columns(&self) -> Vec<Clause> {
        self.mapper.columns.iter().map(|(_, c)| Clause::Column(self.adapt(c))).collect()
    }
}

fn aliased_class(interp: &mut Interp) -> Rc<Class> {
    if let Some(c) = interp.ext.get("sqlalchemy.aliased_class").and_then(|e| e.clone().downcast::<Rc<Class>>().ok()) {
        return (*c).clone();
    }
    let this = |i: &Interp, a: &Args| {
        a.pos
            .first()
            .and_then(|v| v.payload::<AliasedData>())
            .ok_or_else(|| i.type_error("descriptor requires an 'AliasedClass' object"))
    };
    let c = native_class(
        interp,
        "AliasedClass",
        "sqlalchemy.orm.util",
        None,
        vec![
            (
                "__getattr__",
                method("AliasedClass", "__getattr__", move |i, a| {
                    let d = this(i, &a)?;
                    let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    attribute(i, &a.pos[0], &d, &name)
                }),
            ),
            (
                "__repr__",
                method("AliasedClass", "__repr__", move |i, a| {
                    let d = this(i, &a)?;
                    let at = crate::python::format::address(&a.pos[0]);
                    Ok(Value::str(&format!("<AliasedClass at {at}; {}>", d.mapper.class_name)))
                }),
            ),
        ],
    );
    interp.ext.insert("sqlalchemy.aliased_class", Rc::new(c.clone()));
    c
}

/// `AliasedClass.__getattr__`: a mapped attribute against the alias; anything else the
/// class has, its descriptors bound to the alias (a hybrid's expression gets it as `cls`).
fn attribute(interp: &mut Interp, alias: &Value, d: &AliasedData, name: &str) -> PyResult<Value> {
    let m = &d.mapper;
    let kind = match m.columns.iter().find(|(k, _)| k == name) {
        Some((_, col)) => Some(AttrKind::Column(d.adapt(col))),
        None => m.relationship(name).map(AttrKind::Relationship),
    };
    if let Some(kind) = kind {
        let data = AttrData {
            mapper: Rc::downgrade(m),
            key: name.to_string(),
            kind,
            entity: Some(d.table.clone()),
            of_type: None,
        };
        return Ok(new_native(&orm::orm_classes(interp).instrumented_attribute, data));
    }
    let found = m.class.upgrade().and_then(|c| c.lookup(name));
    match found {
        Some(v) if !name.starts_with("__") => match &v {
            Value::Function(_) => Ok(v),
            _ => match interp.getattr(&v, "__get__") {
                Ok(get) => interp.call(&get, Args::new(vec![Value::None, alias.clone()])),
                Err(_) => Ok(v),
            },
        },
        Some(v) => Ok(v),
        None => Err(interp.err("AttributeError", format!("type object '{}' has no attribute '{name}'", m.class_name))),
    }
}

/// `aliased(element, alias=None, name=None, flat=False, adapt_on_names=False)` of a mapped
/// class (or of another aliased class: a new alias of its mapper).
pub fn aliased_fn(interp: &mut Interp, mut a: Args) -> PyResult<Value> {
    let element = a.arg(0, "element").unwrap_or(Value::None);
    let name = a.arg(2, "name").filter(|v| !v.is_none());
    let mapper = match element.payload::<AliasedData>() {
        Some(d) => Some(d.mapper.clone()),
        None => element.as_class().and_then(|c| orm::class_mapper(c)),
    };
    let Some(mapper) = mapper else {
        // AliasedClass.__init__ inspects its element with raiseerr: what cannot be inspected
        // is named by its type (a plain class by `type`).
        let t = Value::Class(interp.type_of(&element));
        let r = interp.repr(&t)?;
        return Err(orm::sa_error(
            interp,
            "NoInspectionAvailable",
            format!("No inspection system is available for object of type {r}"),
        ));
    };
    if let Some(reg) = mapper.registry.upgrade() {
        orm::configure(interp, &reg)?;
    }
    let table = match name {
        Some(n) => {
            let n = interp.to_str(&n)?;
            mapper.table.alias(&n)
        }
        None => mapper.table.anonymous_alias(),
    };
    Ok(new_native(&aliased_class(interp), AliasedData { mapper, table }))
}
