//! The ORM: declarative mapping (`Mapper`, `relationship`), instance state, the `Session` with
//! its identity map and unit of work, and loading rows into objects. Python-facing classes are
//! built in `module.rs`; this module holds the behaviour.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use super::engine::{Connection, Engine, StatementError};
use super::schema::{Column, MetaData, Table};
use super::sql::{Clause, LabelStyle, Select, SqlCompiler};
use super::types::{process_bind, process_result};
use crate::db::SqlValue;
use crate::python::builtins::new_native;
use crate::python::interp::{Interp, PyErr, PyResult};
use crate::python::value::{Args, Class, Dict, HashKey, Instance, Value};

/// The classes the ORM creates objects of, registered once per interpreter.
pub struct OrmClasses {
    pub instrumented_attribute: Rc<Class>,
    pub query: Rc<Class>,
    pub appender_query: Rc<Class>,
    pub session: Rc<Class>,
    pub exc: HashMap<&'static str, Rc<Class>>,
}

/// The ORM's classes for this interpreter.
pub fn orm_classes(interp: &Interp) -> Rc<OrmClasses> {
    interp
        .ext
        .get("sqlalchemy.orm")
        .and_then(|e| e.clone().downcast::<OrmClasses>().ok())
        .expect("sqlalchemy module registered before use")
}

/// Raises a `sqlalchemy.exc` (or `sqlalchemy.orm.exc`) exception by class name.
pub fn sa_error(interp: &Interp, name: &str, msg: impl Into<String>) -> PyErr {
    let classes = orm_classes(interp);
    match classes.exc.get(name) {
        Some(c) => interp.err_of(c, msg),
        None => interp.err("Exception", msg),
    }
}

/// A mapped class's registry: its mappers and metadata (`registry` in SQLAlchemy).
pub struct Registry {
    pub mappers: RefCell<Vec<Rc<Mapper>>>,
    pub metadata: Rc<MetaData>,
    configured: Cell<bool>,
    /// The first mapper whose configuration failed and the failure's message
    /// (`Mapper._configure_failed`): every later configure refuses to go on.
    configure_failed: RefCell<Option<(String, String)>>,
    /// `type_annotation_map`: Python type → SQL type (class or instance), for `Mapped[...]`.
    pub type_annotation_map: RefCell<Vec<(Value, Value)>>,
}

/// Mappers and their relationships point at each other (`Relationship::target`); when the
/// registry goes (its interpreter was dropped), break those cycles so that both are freed.
impl Drop for Registry {
    fn drop(&mut self) {
        for m in self.mappers.borrow().iter() {
            m.relationships.borrow_mut().clear();
        }
    }
}

impl Registry {
    pub fn new(metadata: Rc<MetaData>) -> Rc<Registry> {
        Rc::new(Registry {
            mappers: RefCell::new(Vec::new()),
            metadata,
            configured: Cell::new(true),
            configure_failed: RefCell::new(None),
            type_annotation_map: RefCell::new(Vec::new()),
        })
    }
    /// The mapper of the class named `name`.
    pub fn mapper_named(&self, name: &str) -> Option<Rc<Mapper>> {
        self.mappers.borrow().iter().rev().find(|m| m.class_name == name).cloned()
    }
}

/// How a relationship's two sides relate (`interfaces.py` directions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    OneToMany,
    ManyToOne,
}

/// `backref=`: the name of the reverse attribute and the keyword arguments of `backref()`.
pub type Backref = (String, Vec<(Rc<str>, Value)>);

/// The arguments of `relationship()` as given.
pub struct RelationshipArgs {
    pub argument: Value,
    pub backref: Option<Backref>,
    pub back_populates: Option<String>,
    pub lazy: String,
    pub uselist: Option<bool>,
    /// `foreign_keys=` as given: a column, a list of columns or mapped attributes, a string
    /// (`'Entry.widget_id'`, evaluated among the registry's classes) or a callable; resolved
    /// by `configure_relationship` into [`Relationship::foreign_keys`].
    pub foreign_keys: Option<Value>,
    /// `post_update=True`: the foreign key this relationship sets is written by an UPDATE of
    /// its own after the rows are inserted, and cleared by one before they are deleted
    /// (`PostUpdateAll`), which breaks a cycle between two rows that refer to each other.
    pub post_update: bool,
    /// `secondary=`: the association table of a many-to-many relationship.
    pub secondary: Option<Rc<Table>>,
    /// `order_by=` as given: `"Class.attr"` strings or class attributes.
    pub order_by: Vec<Value>,
    /// `cascade=`: objects added to the session, and objects set or appended onto the
    /// attribute of an object in the session, bring the related objects along (`save-update`
    /// or `all`, and the default `save-update, merge`; never for `viewonly=True`).
    pub save_update: bool,
    /// `cascade=`: deletes reach the related objects (`delete` or `all`).
    pub cascade_delete: bool,
    /// `cascade=`: objects removed from the collection are deleted (`delete-orphan`).
    pub delete_orphan: bool,
    /// `primaryjoin=` / `secondaryjoin=` as given: an expression, a string or a callable.
    pub primaryjoin: Option<Value>,
    pub secondaryjoin: Option<Value>,
    /// `remote_side=` as given: a column, a list of columns, a string or a callable.
    pub remote_side: Option<Value>,
    /// `passive_deletes=`: deleting the parent leaves unloaded children to the database's
    /// `ON DELETE` rule (they are neither loaded, cascaded nor unlinked).
    pub passive_deletes: bool,
    /// `innerjoin=True`: a joined eager load uses `JOIN` rather than `LEFT OUTER JOIN`.
    pub innerjoin: bool,
}

impl Default for RelationshipArgs {
    fn default() -> Self {
        RelationshipArgs {
            argument: Value::None,
            backref: None,
            back_populates: None,
            lazy: "select".into(),
            uselist: None,
            foreign_keys: None,
            post_update: false,
            secondary: None,
            order_by: Vec::new(),
            save_update: true,
            cascade_delete: false,
            delete_orphan: false,
            primaryjoin: None,
            secondaryjoin: None,
            remote_side: None,
            passive_deletes: false,
            innerjoin: false,
        }
    }
}

/// `CascadeOptions` of a `cascade=` string: (save-update, delete, delete-orphan). `all` stands
/// for `save-update, merge, refresh-expire, expunge, delete`.
pub fn cascade_options(text: &str) -> (bool, bool, bool) {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let all = parts.contains(&"all");
    (all || parts.contains(&"save-update"), all || parts.contains(&"delete"), parts.contains(&"delete-orphan"))
}

/// A `RelationshipProperty`.
pub struct Relationship {
    pub key: RefCell<String>,
    pub args: RelationshipArgs,
    pub parent: RefCell<Weak<Mapper>>,
    pub target: RefCell<Option<Rc<Mapper>>>,
    pub direction: Cell<Direction>,
    /// (referenced column, foreign key column) pairs.
    pub pairs: RefCell<Vec<(Rc<Column>, Rc<Column>)>>,
    pub reverse: RefCell<Weak<Relationship>>,
    /// Many-to-many: (parent column, association column) and (target column, association
    /// column) pairs.
    pub m2m: RefCell<Option<ManyToMany>>,
    /// An explicit `primaryjoin` wrote the foreign key column first (`Letter.recipient_id ==
    /// Person.id`): the lazy loader's criteria keep that order.
    pub fk_first: Cell<bool>,
    /// The loader a `WriteOnlyMapped[...]` / `DynamicMapped[...]` annotation chose
    /// (`declarative_scan` sets `lazy`), read through [`Relationship::lazy`].
    pub annotated_lazy: RefCell<Option<String>>,
    /// The dataclass options given to `relationship()` (`init`, `default`, `default_factory`,
    /// ...), for a `MappedAsDataclass` class.
    pub dataclass_options: RefCell<Vec<(Rc<str>, Value)>>,
    /// `foreign_keys=` resolved to columns (by `configure_relationship`).
    pub foreign_keys: RefCell<Option<Vec<Rc<Column>>>>,
}

/// How a many-to-many relationship reaches its association table.
#[derive(Clone)]
pub struct ManyToMany {
    pub table: Rc<Table>,
    pub parent_pairs: Vec<(Rc<Column>, Rc<Column>)>,
    pub target_pairs: Vec<(Rc<Column>, Rc<Column>)>,
    /// Written `assoc.col == parent.col` in an explicit `primaryjoin` (the SQL keeps the
    /// order); the default join puts the parent side first.
    pub parent_assoc_first: bool,
    pub target_assoc_first: bool,
}

impl Relationship {
    pub fn new(args: RelationshipArgs) -> Relationship {
        Relationship {
            key: RefCell::new(String::new()),
            args,
            parent: RefCell::new(Weak::new()),
            target: RefCell::new(None),
            direction: Cell::new(Direction::OneToMany),
            pairs: RefCell::new(Vec::new()),
            reverse: RefCell::new(Weak::new()),
            m2m: RefCell::new(None),
            fk_first: Cell::new(false),
            annotated_lazy: RefCell::new(None),
            dataclass_options: RefCell::new(Vec::new()),
            foreign_keys: RefCell::new(None),
        }
    }
    /// The loader strategy: `lazy=` as given, unless the annotation chose one.
    pub fn lazy(&self) -> String {
        self.annotated_lazy.borrow().clone().unwrap_or_else(|| self.args.lazy.clone())
    }
    /// `lazy='dynamic'` / `lazy='write_only'`: the collection is never loaded as a whole;
    /// its changes wait in the parent's state until the flush.
    pub fn is_appender(&self) -> bool {
        matches!(self.lazy().as_str(), "dynamic" | "write_only")
    }
    /// Is the attribute a collection?
    pub fn uselist(&self) -> bool {
        self.args.uselist.unwrap_or(self.direction.get() == Direction::OneToMany)
    }
    pub fn key(&self) -> String {
        self.key.borrow().clone()
    }
}

/// A `Mapper`: a class mapped to a table.
pub struct Mapper {
    pub id: usize,
    pub class: Weak<Class>,
    pub class_name: String,
    pub table: Rc<Table>,
    /// Column attributes: (key, column), in table order.
    pub columns: Vec<(String, Rc<Column>)>,
    pub relationships: RefCell<Vec<Rc<Relationship>>>,
    pub registry: Weak<Registry>,
    /// The inheritance of a mapped subclass (`Mapper.inherits`, `polymorphic_on`, ...).
    pub inheritance: Inheritance,
    /// `@validates('key')` methods: (attribute key, function), called on every set.
    pub validators: Vec<(String, Value)>,
    /// A mapped dataclass's scalar defaults (`_default_scalar_value`): what an attribute the
    /// instance never set reads as.
    pub default_scalars: Vec<(String, Value)>,
    /// `polymorphic_abstract=True`: the class cannot be instantiated, only its subclasses.
    pub polymorphic_abstract: bool,
    /// `eager_defaults=True`: server-generated values are fetched with RETURNING after an
    /// UPDATE too (after an INSERT they are where the dialect has RETURNING: "auto").
    pub eager_defaults: bool,
    /// `version_id_col`: the version counter, incremented by each UPDATE and checked in the
    /// WHERE of UPDATE and DELETE (inherited by subclasses).
    pub version_id_col: Option<Rc<Column>>,
    /// The class of `InstanceState` objects (`sqlalchemy.orm.state.InstanceState`): each
    /// instance's is in its `__dict__` as `_sa_instance_state`, as SQLAlchemy keeps it.
    pub state_class: Option<Rc<Class>>,
}

/// What a mapper takes part in an inheritance hierarchy with.
#[derive(Default)]
pub struct Inheritance {
    /// The mapper of the nearest mapped base class.
    pub inherits: Option<Rc<Mapper>>,
    /// Single-table inheritance: the subclass shares its parent's table.
    pub single: bool,
    /// `polymorphic_on`: the discriminator column (inherited by subclasses).
    pub polymorphic_on: Option<Rc<Column>>,
    /// `polymorphic_identity`: this class's value of the discriminator.
    pub identity: Option<Value>,
    /// Mapped subclasses, in mapping order.
    pub subclasses: RefCell<Vec<Weak<Mapper>>>,
}

impl Mapper {
    /// `Mapper[User(user)]`, as SQLAlchemy's messages name mappers.
    pub fn describe(&self) -> String {
        format!("Mapper[{}({})]", self.class_name, self.table.name)
    }
    pub fn class(&self) -> Option<Rc<Class>> {
        self.class.upgrade()
    }
    pub fn column_key(&self, col: &Column) -> Option<String> {
        self.columns.iter().find(|(_, c)| std::ptr::eq(&**c, col)).map(|(k, _)| k.clone())
    }
    pub fn relationship(&self, key: &str) -> Option<Rc<Relationship>> {
        self.relationships.borrow().iter().find(|r| *r.key.borrow() == key).cloned()
    }
    /// The root of the inheritance hierarchy (`Mapper.base_mapper`).
    pub fn base_mapper(self: &Rc<Self>) -> Rc<Mapper> {
        let mut m = self.clone();
        while let Some(p) = m.inheritance.inherits.clone() {
            m = p;
        }
        m
    }
    /// The mapper id identity keys use: the base mapper's, so a subclass's object is found
    /// when asked for its base class.
    pub fn identity_id(self: &Rc<Self>) -> usize {
        self.base_mapper().id
    }
    /// This mapper and its mapped subclasses, depth first (`self_and_descendants`).
    pub fn self_and_descendants(self: &Rc<Self>) -> Vec<Rc<Mapper>> {
        let mut out = vec![self.clone()];
        let subs: Vec<Rc<Mapper>> = self.inheritance.subclasses.borrow().iter().filter_map(|w| w.upgrade()).collect();
        for sub in subs {
            out.extend(sub.self_and_descendants());
        }
        out
    }
    /// The mapper whose `polymorphic_identity` a loaded row's discriminator names.
    pub fn polymorphic_mapper(self: &Rc<Self>, interp: &mut Interp, value: &Value) -> PyResult<Option<Rc<Mapper>>> {
        for m in self.base_mapper().self_and_descendants() {
            if let Some(id) = &m.inheritance.identity {
                if interp.eq(id, value)? {
                    return Ok(Some(m));
                }
            }
        }
        Ok(None)
    }
    /// A single-table subclass's criterion, `discriminator IN (identities of it and its
    /// subclasses)`, which every SELECT of the entity carries.
    pub fn single_table_criterion(self: &Rc<Self>) -> Option<Clause> {
        if !self.inheritance.single {
            return None;
        }
        let col = self.inheritance.polymorphic_on.clone()?;
        let items: Vec<Clause> = self
            .self_and_descendants()
            .iter()
            .filter_map(|m| m.inheritance.identity.clone())
            .map(|v| Clause::Bind(v, col.ty.clone()))
            .collect();
        Some(Clause::In(Box::new(Clause::Column(col)), items, false))
    }
}

/// The tables a mapper's rows live in, the base mapper's first (one for single-table
/// inheritance, one per class for joined-table inheritance).
pub fn mapper_tables(mapper: &Rc<Mapper>) -> Vec<Rc<Table>> {
    let mut chain = vec![mapper.clone()];
    while let Some(p) = chain.last().and_then(|m| m.inheritance.inherits.clone()) {
        chain.push(p);
    }
    let mut out: Vec<Rc<Table>> = Vec::new();
    for m in chain.iter().rev() {
        if !out.iter().any(|t| Rc::ptr_eq(t, &m.table)) {
            out.push(m.table.clone());
        }
    }
    out
}

/// The mapper and the mappers it inherits from, the base mapper first.
fn mapper_chain(mapper: &Rc<Mapper>) -> Vec<Rc<Mapper>> {
    let mut chain = vec![mapper.clone()];
    while let Some(p) = chain.last().and_then(|m| m.inheritance.inherits.clone()) {
        chain.push(p);
    }
    chain.reverse();
    chain
}

/// `SELECT` of a mapper's columns from its table (the columns its class maps, which for a
/// single-table class are not all of the table's).
pub fn mapper_select(mapper: &Rc<Mapper>, label_style: LabelStyle) -> Select {
    let mut s = Select::new(label_style);
    s.columns = mapper.columns.iter().map(|(_, c)| Clause::Column(c.clone())).collect();
    let tables = mapper_tables(mapper);
    s.froms = vec![tables[0].clone()];
    s.joins = inheritance_joins(mapper);
    s
}

/// Joined-table inheritance: each subclass table joined to its parent's on their primary keys
/// (`employee JOIN manager ON employee.id = manager.id`).
pub fn inheritance_joins(mapper: &Rc<Mapper>) -> Vec<super::sql::Join> {
    let tables = mapper_tables(mapper);
    tables
        .windows(2)
        .map(|w| {
            let on: Vec<Clause> = w[0]
                .primary_key()
                .into_iter()
                .zip(w[1].primary_key())
                .map(|(p, c)| Clause::binary(Clause::Column(p), "=", Clause::Column(c)))
                .collect();
            let on = if on.len() == 1 { on.into_iter().next() } else { Some(Clause::And(on)) };
            super::sql::Join { left: Some(w[0].clone()), right: w[1].clone(), on, outer: false, nested: None }
        })
        .collect()
}

/// What an `InstrumentedAttribute` stands for.
#[derive(Clone)]
pub enum AttrKind {
    Column(Rc<Column>),
    Relationship(Rc<Relationship>),
}

/// Payload of `InstrumentedAttribute` objects (class-level mapped attributes).
pub struct AttrData {
    pub mapper: Weak<Mapper>,
    pub key: String,
    pub kind: AttrKind,
    /// The attribute of an aliased class (`aliased(User).followers`): the alias of the
    /// mapper's table it starts from.
    pub entity: Option<Rc<Table>>,
    /// `relationship.of_type(alias)`: the alias of the target's table it leads to.
    pub of_type: Option<Rc<Table>>,
}

/// Builds the `AppenderQuery` of a `lazy='dynamic'` relationship (registered by `module.rs`).
pub struct AppenderFactory(pub Box<MakeAppender>);

/// Makes the `AppenderQuery` of (parent object, its mapper, the relationship).
pub type MakeAppender = dyn Fn(&mut Interp, &Value, &Rc<Mapper>, &Rc<Relationship>) -> PyResult<Value>;

/// The identity of a persistent object: its mapper and primary key.
pub type IdentityKey = (usize, Vec<HashKey>);

/// Per-object ORM state (`InstanceState`).
#[derive(Default)]
pub struct InstanceState {
    pub key: RefCell<Option<IdentityKey>>,
    /// The primary key values, for reprs (`<User 1>`).
    pub identity: RefCell<Vec<Value>>,
    pub session: RefCell<Option<Weak<SessionData>>>,
    /// Column attributes must be loaded on access.
    pub expired: Cell<bool>,
    pub modified: Cell<bool>,
    /// Attribute values as last loaded or flushed, for changed attributes.
    pub committed: RefCell<HashMap<String, Value>>,
    pub deleted: Cell<bool>,
    pub insert_order: Cell<usize>,
    /// Objects appended to `lazy='dynamic'` collections, waiting for the next flush:
    /// (relationship key, object).
    pub pending_dynamic: RefCell<Vec<(String, Value)>>,
    /// Objects removed from `lazy='dynamic'` collections, waiting for the next flush.
    pub pending_dynamic_removed: RefCell<Vec<(String, Value)>>,
    /// Collections as loaded or last flushed, to find what was removed since.
    pub loaded_collections: RefCell<HashMap<String, Vec<Value>>>,
    /// Objects a backref appended to a collection that is not loaded (`PendingCollection`):
    /// (relationship key, object), looked at by the next flush.
    pub pending_collection_appends: RefCell<Vec<(String, Value)>>,
    /// The loader options of the query that loaded the object (`state.load_options`): they
    /// decide how its unloaded relationships load on access.
    pub loader_options: RefCell<Vec<super::strategies::LoaderOption>>,
    /// Scalar one-to-many relationships (`backref(..., uselist=False)`) set while their old
    /// value was not loaded (`_deferred_history`: the committed value is `PASSIVE_NO_RESULT`):
    /// the next flush loads the old value to unlink it.
    pub deferred_history: RefCell<Vec<String>>,
    /// `expired_attributes`: the attributes an expiry left to be loaded on access (every
    /// column and relationship after a full expire, the named columns after a partial one);
    /// what the `refresh` event of that load reports.
    pub expired_attributes: RefCell<Vec<String>>,
    /// When the object joined the identity map (SQLAlchemy's identity map is a dict: it is
    /// walked in that order, as by `expire_all` and the commit's expiry).
    pub identity_seq: Cell<usize>,
    /// The statement whose rows last refreshed the object (`context.partials`: a query
    /// refreshes an object once, whatever number of its rows name it).
    pub refresh_run: Cell<usize>,
    /// Its expired attributes are being loaded (`load_scalar_attributes`): the load reports
    /// its own `refresh`.
    pub refreshing: Cell<bool>,
}

impl InstanceState {
    pub fn is_transient(&self) -> bool {
        self.key.borrow().is_none() && self.session.borrow().as_ref().and_then(|w| w.upgrade()).is_none()
    }
    pub fn is_pending(&self) -> bool {
        self.key.borrow().is_none() && self.session.borrow().as_ref().and_then(|w| w.upgrade()).is_some()
    }
    pub fn session(&self) -> Option<Rc<SessionData>> {
        self.session.borrow().as_ref().and_then(|w| w.upgrade())
    }
}

/// The state of an instance, created on first need.
pub fn instance_state(inst: &Rc<Instance>) -> Rc<InstanceState> {
    if let Some(s) = inst.ext::<InstanceState>() {
        return s;
    }
    let s = Rc::new(InstanceState::default());
    *inst.ext.borrow_mut() = Some(s.clone());
    // `_sa_instance_state`, the first key of a mapped instance's `__dict__` (SQLAlchemy makes
    // the state before `__init__` runs, so it comes before any attribute set since).
    if let Some(cls) = class_mapper(&inst.class).and_then(|m| m.state_class.clone()) {
        if let Ok(mut d) = inst.dict.try_borrow_mut() {
            let before = std::mem::take(&mut *d);
            d.set_str("_sa_instance_state", super::inspection::state_object(&cls, inst));
            for (k, v) in before.iter() {
                d.insert(k.clone(), v.clone());
            }
        }
    }
    s
}

/// The mapper of a class (or of its nearest mapped base).
pub fn class_mapper(cls: &Class) -> Option<Rc<Mapper>> {
    if let Some(m) = cls.ext_of::<Mapper>() {
        return Some(m);
    }
    cls.mro.borrow().iter().skip(1).find_map(|c| c.ext_of::<Mapper>())
}

/// The mapper of an instance's class.
pub fn object_mapper(v: &Value) -> Option<Rc<Mapper>> {
    v.as_instance().and_then(|i| class_mapper(&i.class))
}

// ----- declarative mapping ----------------------------------------------------------------

/// Maps `cls` to a new table named `table_name` from the `Column` and `relationship()`
/// attributes of its body (`_ClassScanMapperConfig`).
pub fn map_class(
    interp: &mut Interp,
    cls: &Rc<Class>,
    table_name: &str,
    registry: &Rc<Registry>,
) -> PyResult<Rc<Mapper>> {
    let default_scalars = super::declarative::scan_annotations(interp, cls, registry)?;
    let table = Table::new(table_name);
    let mut columns: Vec<(String, Rc<Column>)> = Vec::new();
    let mut rels: Vec<Rc<Relationship>> = Vec::new();
    let items: Vec<(Value, Value)> = cls.dict.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, v) in &items {
        let Some(key) = k.as_str() else { continue };
        if let Some(col) = v.payload::<Column>() {
            if col.name.borrow().is_none() {
                *col.name.borrow_mut() = Some(key.to_string());
            }
            *col.key.borrow_mut() = Some(key.to_string());
            columns.push((key.to_string(), col));
        } else if let Some(rel) = v.payload::<Relationship>() {
            *rel.key.borrow_mut() = key.to_string();
            rels.push(rel);
        }
    }
    // Mixins and abstract bases, in MRO order, after the class's own attributes
    // (`_scan_attributes`): first their columns, copied (`Column`, `mapped_column()`, and
    // attributes annotated `Mapped[...]` alone), then their `declared_attr`s, called with the
    // class, each in the order `_cls_attr_resolver` gives. The class's own attribute, or an
    // earlier base's, overrides a later one.
    let bases: Vec<Rc<Class>> = cls.mro.borrow().iter().skip(1).cloned().collect();
    for base in bases {
        if class_mapper(&base).is_some() || base.name == "object" || base.ext_of::<Registry>().is_some() {
            continue;
        }
        let annotations = super::declarative::class_annotations(&base);
        let annotation_of = |key: &str| annotations.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let mut declared: Vec<(String, Value)> = Vec::new();
        for key in super::declarative::class_attribute_names(&base) {
            if cls.dict.borrow().get_str(&key).is_some()
                || columns.iter().any(|(ck, _)| *ck == key)
                || rels.iter().any(|r| r.key() == key)
            {
                continue;
            }
            let v = base.dict.borrow().get_str(&key).cloned();
            let col = match &v {
                Some(v) if v.payload::<super::module::DeclaredAttr>().is_some() => {
                    declared.push((key, v.clone()));
                    continue;
                }
                Some(v) if v.payload::<Relationship>().is_some() => {
                    return Err(sa_error(
                        interp,
                        "InvalidRequestError",
                        "Mapper properties (i.e. deferred,column_property(), relationship(), etc.) must be \
                         declared as @declared_attr callables on declarative mixin classes.  For dataclass \
                         field() objects, use a lambda:",
                    ));
                }
                Some(v) => match super::declarative::mapped_column_args(v) {
                    Some(_) => super::declarative::mixin_column(interp, registry, &key, Some(v), annotation_of(&key))?,
                    None => v.payload::<Column>().map(|c| Rc::new(c.copy())),
                },
                None => super::declarative::mixin_column(interp, registry, &key, None, annotation_of(&key))?,
            };
            if let Some(col) = col {
                if col.name.borrow().is_none() {
                    *col.name.borrow_mut() = Some(key.clone());
                }
                *col.key.borrow_mut() = Some(key.clone());
                columns.push((key, col));
            }
        }
        for (key, d) in declared {
            let Some(d) = d.payload::<super::module::DeclaredAttr>() else { continue };
            let v = interp.call(&d.0, Args::new(vec![Value::Class(cls.clone())]))?;
            let returns = match &d.0 {
                Value::Function(f) => match f.dict.borrow().get_str("__annotations__") {
                    Some(Value::Dict(a)) => a.borrow().get_str("return").cloned(),
                    _ => None,
                },
                _ => None,
            };
            let col = match super::declarative::mapped_column_args(&v) {
                Some(_) => super::declarative::mixin_column(interp, registry, &key, Some(&v), returns)?,
                None => v.payload::<Column>(),
            };
            if let Some(col) = col {
                if col.name.borrow().is_none() {
                    *col.name.borrow_mut() = Some(key.clone());
                }
                *col.key.borrow_mut() = Some(key.clone());
                columns.push((key, col));
            } else if let Some(rel) = v.payload::<Relationship>() {
                *rel.key.borrow_mut() = key.clone();
                rels.push(rel);
            }
        }
    }
    // A subclass of a mapped class inherits its mapper: without a primary key column of its
    // own it shares the parent's table (single-table inheritance), else its table joins the
    // parent's (joined-table inheritance).
    let inherits = cls.mro.borrow().iter().skip(1).find_map(|c| c.ext_of::<Mapper>());
    let single = inherits.is_some() && !columns.iter().any(|(_, c)| c.primary_key.get());
    let table = match (&inherits, single) {
        (Some(parent), true) => {
            for (_, c) in &columns {
                parent.table.append_column(c.clone());
            }
            parent.table.clone()
        }
        _ => {
            table_is_free(interp, cls, registry, table_name)?;
            for (_, c) in &columns {
                table.append_column(c.clone());
            }
            apply_table_args(interp, cls, &table)?;
            cls.dict.borrow_mut().set_str("__table__", super::module::table_value(interp, &table));
            table
        }
    };
    // The subclass's properties: the parent's, a column of the same key joining the parent's
    // (its own first), then its own.
    if let Some(parent) = &inherits {
        let mut all: Vec<(String, Rc<Column>)> = Vec::new();
        for (k, c) in &parent.columns {
            if let Some(own) = columns.iter().find(|(ok, _)| ok == k) {
                all.push(own.clone());
            }
            all.push((k.clone(), c.clone()));
        }
        for (k, c) in &columns {
            if !parent.columns.iter().any(|(pk, _)| pk == k) {
                all.push((k.clone(), c.clone()));
            }
        }
        columns = all;
    }
    let mapper_args = class_directive(interp, cls, "__mapper_args__")?;
    let mapper_arg = |name: &str| -> Option<Value> {
        match &mapper_args {
            Some(Value::Dict(d)) => d.borrow().get_str(name).cloned(),
            _ => None,
        }
    };
    let polymorphic_on = match mapper_arg("polymorphic_on") {
        Some(v) => match v.payload::<Column>() {
            Some(c) => columns.iter().find(|(_, x)| Rc::ptr_eq(x, &c)).map(|(_, x)| x.clone()).or(Some(c)),
            None => match v.as_str() {
                Some(name) => columns.iter().find(|(k, _)| k == name).map(|(_, c)| c.clone()),
                None => v.payload::<AttrData>().and_then(|a| match &a.kind {
                    AttrKind::Column(c) => Some(c.clone()),
                    _ => None,
                }),
            },
        },
        None => inherits.as_ref().and_then(|p| p.inheritance.polymorphic_on.clone()),
    };
    let flag = |interp: &mut Interp, name: &str| -> PyResult<bool> {
        match mapper_arg(name) {
            Some(v) => interp.truthy(&v),
            None => Ok(false),
        }
    };
    let polymorphic_abstract = flag(interp, "polymorphic_abstract")?;
    let eager_defaults = match mapper_arg("eager_defaults") {
        Some(v) => matches!(v, Value::Bool(true)),
        None => inherits.as_ref().map(|p| p.eager_defaults).unwrap_or(false),
    };
    let version_id_col = match mapper_arg("version_id_col") {
        Some(v) => match v.payload::<Column>() {
            Some(c) => columns.iter().find(|(_, x)| Rc::ptr_eq(x, &c)).map(|(_, x)| x.clone()).or(Some(c)),
            None => v.payload::<AttrData>().and_then(|a| match &a.kind {
                AttrKind::Column(c) => Some(c.clone()),
                _ => None,
            }),
        },
        None => inherits.as_ref().and_then(|p| p.version_id_col.clone()),
    };
    let identity = match cls.dict.borrow().get_str("__mapper_args__") {
        Some(_) => mapper_arg("polymorphic_identity"),
        None => None,
    };
    // `@validates(...)` methods of the class and its bases, the nearest first.
    let mut validators: Vec<(String, Value)> = Vec::new();
    let mro: Vec<Rc<Class>> = cls.mro.borrow().clone();
    for c in &mro {
        let items: Vec<Value> = c.dict.borrow().iter().map(|(_, v)| v.clone()).collect();
        for v in items {
            let Value::Function(f) = &v else { continue };
            let names = f.dict.borrow().get_str("__sa_validators__").cloned();
            let Some(Value::Tuple(names)) = names else { continue };
            for n in names.iter() {
                if let Some(n) = n.as_str() {
                    if !validators.iter().any(|(k, _)| k == n) {
                        validators.push((n.to_string(), v.clone()));
                    }
                }
            }
        }
    }
    let mapper = Rc::new(Mapper {
        polymorphic_abstract,
        eager_defaults,
        version_id_col,
        state_class: super::inspection::state_class(interp),
        validators,
        default_scalars,
        id: crate::python::value::next_id(),
        class: Rc::downgrade(cls),
        class_name: cls.name.clone(),
        table: table.clone(),
        columns,
        relationships: RefCell::new(rels.clone()),
        registry: Rc::downgrade(registry),
        inheritance: Inheritance {
            inherits: inherits.clone(),
            single,
            polymorphic_on,
            identity,
            subclasses: RefCell::new(Vec::new()),
        },
    });
    if let Some(parent) = &inherits {
        parent.inheritance.subclasses.borrow_mut().push(Rc::downgrade(&mapper));
    }
    if table.primary_key().is_empty() {
        return Err(sa_error(
            interp,
            "ArgumentError",
            format!(
                "Mapper {} could not assemble any primary key columns for mapped table '{}'",
                mapper.describe(),
                table.name
            ),
        ));
    }
    // The class's `metadata` (Flask-SQLAlchemy sets a bind's own on a `__bind_key__`
    // model), else the registry's.
    let md = cls.lookup("metadata").and_then(|v| v.payload::<super::module::MetaDataData>()).map(|m| m.0.clone());
    let md = md.unwrap_or_else(|| registry.metadata.clone());
    if single {
        md.resolve_foreign_key_types();
    } else {
        md.add_table(table.clone());
        super::module::resolve_naming_tokens(interp, &table)?;
        table.check_naming().map_err(|e| naming_error(interp, e))?;
    }
    for r in &rels {
        *r.parent.borrow_mut() = Rc::downgrade(&mapper);
    }
    let classes = orm_classes(interp);
    for (key, col) in &mapper.columns {
        if inherits.as_ref().map(|p| p.columns.iter().any(|(_, c)| Rc::ptr_eq(c, col))).unwrap_or(false) {
            continue;
        }
        let attr = new_native(
            &classes.instrumented_attribute,
            AttrData {
                mapper: Rc::downgrade(&mapper),
                key: key.clone(),
                kind: AttrKind::Column(col.clone()),
                entity: None,
                of_type: None,
            },
        );
        cls.dict.borrow_mut().set_str(key, attr);
    }
    for r in &rels {
        install_relationship_attr(interp, cls, &mapper, r);
    }
    // SQLAlchemy instruments the class's constructor with a generated `def __init__(...)` of the
    // same signature, so argument errors name plain `__init__()`.
    if let Some(Value::Function(orig)) = cls.lookup("__init__") {
        let wrapped = interp.renamed_function(&orig, "__init__", "__init__");
        wrapped.dict.borrow_mut().remove(&Value::str("__qualname__"));
        wrapped.dict.borrow_mut().set_str("_sa_original_init", Value::Function(orig));
        cls.dict.borrow_mut().set_str("__init__", Value::Function(wrapped));
    }
    *cls.ext.borrow_mut() = Some(mapper.clone());
    super::inspection::mapper_value(interp, &mapper);
    registry.mappers.borrow_mut().push(mapper.clone());
    registry.configured.set(false);
    Ok(mapper)
}

/// A declarative directive (`__table_args__`, `__mapper_args__`) as the class sees it: a
/// `@declared_attr.directive` function is called with the class.
fn class_directive(interp: &mut Interp, cls: &Rc<Class>, name: &str) -> PyResult<Option<Value>> {
    match cls.lookup(name) {
        Some(v) => match v.payload::<super::module::DeclaredAttr>() {
            Some(d) => Ok(Some(interp.call(&d.0, Args::new(vec![Value::Class(cls.clone())]))?)),
            None => Ok(Some(v)),
        },
        None => Ok(None),
    }
}

/// `__table_args__` (a tuple of constraints and indexes, optionally ending with a dict of
/// options, or a dict alone). Its constraints were made in the class body, before the table
/// made its columns' own: they come first (SQLAlchemy orders constraints by creation).
/// `Table(name, metadata, ...)` for a mapped class refuses a name its metadata already holds
/// (a model defined twice, in app.py and in models.py), unless `__table_args__` asks for
/// `extend_existing` / `keep_existing`.
fn table_is_free(interp: &mut Interp, cls: &Rc<Class>, registry: &Rc<Registry>, name: &str) -> PyResult<()> {
    let md = cls.lookup("metadata").and_then(|v| v.payload::<super::module::MetaDataData>()).map(|m| m.0.clone());
    if md.unwrap_or_else(|| registry.metadata.clone()).table(name).is_none() {
        return Ok(());
    }
    let options = match cls.lookup("__table_args__") {
        Some(Value::Dict(d)) => Some(d),
        Some(Value::Tuple(t)) => match t.last() {
            Some(Value::Dict(d)) => Some(d.clone()),
            _ => None,
        },
        _ => None,
    };
    if let Some(d) = options {
        let d = d.borrow();
        let set = |k: &str| d.get_str(k).map(|v| !matches!(v, Value::None | Value::Bool(false))).unwrap_or(false);
        if set("extend_existing") || set("keep_existing") {
            return Ok(());
        }
    }
    Err(sa_error(
        interp,
        "InvalidRequestError",
        format!("Table '{name}' is already defined for this MetaData instance.  Specify 'extend_existing=True' to redefine options and columns on an existing Table object."),
    ))
}

fn apply_table_args(interp: &mut Interp, cls: &Rc<Class>, table: &Rc<Table>) -> PyResult<()> {
    let Some(args) = class_directive(interp, cls, "__table_args__")? else { return Ok(()) };
    let mut items = match &args {
        Value::Tuple(t) => (**t).clone(),
        Value::List(l) => l.borrow().clone(),
        Value::Dict(_) => vec![args.clone()],
        Value::None => vec![],
        _ => return Err(sa_error(interp, "ArgumentError", "__table_args__ value must be a tuple, dict, or None")),
    };
    let options = match items.last() {
        Some(Value::Dict(d)) => {
            let d = d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
            items.pop();
            d
        }
        _ => vec![],
    };
    for (k, v) in options {
        let Some(k) = k.as_str() else { continue };
        match k {
            "comment" => *table.comment.borrow_mut() = Some(interp.to_str(&v)?),
            _ => {
                if let Some((dialect, opt)) = k.split_once('_') {
                    if ["mysql", "mariadb", "sqlite", "postgresql"].contains(&dialect) {
                        let v = interp.to_str(&v)?;
                        table.dialect_options.borrow_mut().push((dialect.into(), opt.into(), v));
                    }
                }
            }
        }
    }
    let mut front = Vec::new();
    for it in items {
        if let Some(c) = it.payload::<super::schema::Constraint>() {
            // `ColumnCollectionMixin._col_expressions`: string columns are `table.c` keys.
            let (kind, given) = match &*c {
                super::schema::Constraint::PrimaryKey { columns, .. } => ("PrimaryKeyConstraint", columns.clone()),
                super::schema::Constraint::Unique { columns, .. } => ("UniqueConstraint", columns.clone()),
                super::schema::Constraint::ForeignKey { columns, .. } => ("ForeignKeyConstraint", columns.clone()),
                _ => ("", vec![]),
            };
            for n in &given {
                if table.column_by_key(n).is_none() {
                    return Err(sa_error(
                        interp,
                        "ConstraintColumnNotFoundError",
                        format!("Can't create {kind} on table '{}': no column named '{n}' is present.", table.name),
                    ));
                }
            }
            if let super::schema::Constraint::PrimaryKey { name, columns } = &*c {
                let columns: Vec<String> =
                    columns.iter().map(|n| super::schema::resolve_column_ref(table, n)).collect();
                for n in &columns {
                    match table.column(n) {
                        Some(col) => col.primary_key.set(true),
                        None => {
                            return Err(sa_error(
                                interp,
                                "ArgumentError",
                                format!(
                                "Can't create PrimaryKeyConstraint on table '{}': no column named '{n}' is present.",
                                table.name
                            ),
                            ))
                        }
                    }
                }
                *table.primary_key_constraint.borrow_mut() = Some((name.clone(), columns));
            }
            let mut c = (*c).clone();
            if let super::schema::Constraint::ForeignKey { columns, fk, .. } = &c {
                table.adopt_foreign_keys(columns, fk);
            }
            if let super::schema::Constraint::Unique { columns, .. }
            | super::schema::Constraint::PrimaryKey { columns, .. } = &mut c
            {
                for n in columns.iter_mut() {
                    *n = super::schema::resolve_column_ref(table, n);
                }
            }
            front.push(c);
        } else if let Some(ix) = it.payload::<super::schema::Index>() {
            let mut ix = (*ix).clone();
            for n in ix.columns.iter_mut() {
                *n = super::schema::resolve_column_ref(table, n);
            }
            table.indexes.borrow_mut().push(ix);
        }
    }
    let mut cs = table.constraints.borrow_mut();
    let rest: Vec<_> = cs.drain(..).collect();
    cs.extend(front);
    cs.extend(rest);
    Ok(())
}

fn install_relationship_attr(interp: &Interp, cls: &Rc<Class>, mapper: &Rc<Mapper>, r: &Rc<Relationship>) {
    let classes = orm_classes(interp);
    let key = r.key();
    let attr = new_native(
        &classes.instrumented_attribute,
        AttrData {
            mapper: Rc::downgrade(mapper),
            key: key.clone(),
            kind: AttrKind::Relationship(r.clone()),
            entity: None,
            of_type: None,
        },
    );
    cls.dict.borrow_mut().set_str(&key, attr);
}

/// `configure_mappers()`: resolves relationship targets, directions and backrefs.
pub fn configure(interp: &mut Interp, registry: &Rc<Registry>) -> PyResult<()> {
    if registry.configured.get() {
        return Ok(());
    }
    let failed = registry.configure_failed.borrow().clone();
    if let Some((mapper, original)) = failed {
        return Err(sa_error(
            interp,
            "InvalidRequestError",
            format!("One or more mappers failed to initialize - can't proceed with initialization of other mappers. Triggering mapper: '{mapper}'. Original exception was: {original}"),
        ));
    }
    let mappers = registry.mappers.borrow().clone();
    for m in &mappers {
        let rels = m.relationships.borrow().clone();
        for r in rels {
            if r.target.borrow().is_some() {
                continue;
            }
            if let Err(e) = configure_relationship(interp, registry, m, &r) {
                let original = interp.to_str(&e.exc)?;
                *registry.configure_failed.borrow_mut() = Some((m.describe(), original));
                return Err(e);
            }
            if r.lazy() == "noload" {
                interp.warn(
                    "sqlalchemy.exc.SADeprecationWarning",
                    "The ``noload`` loader strategy is deprecated and will be removed in a future release.  This option produces incorrect results by returning ``None`` for related items. (deprecated since: 2.1) (This warning originated from the `configure_mappers()` process, which was invoked automatically in response to a user-initiated operation.)",
                );
            }
        }
    }
    registry.configured.set(true);
    Ok(())
}

fn resolve_target(
    interp: &mut Interp,
    registry: &Rc<Registry>,
    parent: &Rc<Mapper>,
    r: &Relationship,
) -> PyResult<Rc<Mapper>> {
    let mut arg = r.args.argument.clone();
    if let Some(c) = parent.class() {
        let ann = match c.dict.borrow().get_str("__annotations__") {
            Some(Value::Dict(d)) => d.borrow().get_str(&r.key()).cloned(),
            _ => None,
        };
        match ann.as_ref().and_then(super::declarative::unwrap_mapped).map(|(k, _)| k) {
            Some(super::declarative::MappedKind::WriteOnly) => {
                *r.annotated_lazy.borrow_mut() = Some("write_only".into())
            }
            Some(super::declarative::MappedKind::Dynamic) => *r.annotated_lazy.borrow_mut() = Some("dynamic".into()),
            _ => {}
        }
    }
    if arg.is_none() {
        // `posts: Mapped[List["Post"]] = relationship(...)`: the target from the annotation.
        let ann = parent.class().and_then(|c| match c.dict.borrow().get_str("__annotations__") {
            Some(Value::Dict(d)) => d.borrow().get_str(&r.key()).cloned(),
            _ => None,
        });
        if let Some(t) = ann.and_then(|a| super::declarative::relationship_target(interp, &a)) {
            arg = t;
        }
    }
    let arg = match &arg {
        Value::Function(_) => interp.call(&arg, Args::default())?,
        _ => arg,
    };
    // The resolver's namespace: the registry's classes, then its metadata's tables.
    let arg = match &arg {
        Value::Str(name) if registry.mapper_named(name).is_none() => match registry.metadata.table(name) {
            Some(t) => super::module::table_value(interp, &t),
            None => arg,
        },
        _ => arg,
    };
    match &arg {
        Value::Str(name) => registry.mapper_named(name).ok_or_else(|| {
            sa_error(
                interp,
                "InvalidRequestError",
                format!(
                    "When initializing mapper {}, expression '{}' failed to locate a name ('{}'). If this is a class name, consider adding this relationship() to the {} class after both dependent classes have been defined.",
                    parent.describe(),
                    name,
                    name,
                    parent.class().map(|c| format!("<class '{}'>", c.full_name())).unwrap_or_default()
                ),
            )
        }),
        Value::Class(c) => class_mapper(c).ok_or_else(|| sa_error(interp, "ArgumentError", format!("Class '{}' is not mapped", c.name))),
        _ => {
            let received = interp.repr(&Value::Class(interp.type_of(&arg)))?;
            Err(sa_error(
                interp,
                "ArgumentError",
                format!("relationship '{}' expects a class or a mapper argument (received: {received})", r.key()),
            ))
        }
    }
}

fn fk_pairs(from: &Table, to: &Table) -> Vec<(Rc<Column>, Rc<Column>)> {
    let mut out = Vec::new();
    for c in from.columns.borrow().iter() {
        for fk in &c.foreign_keys {
            if fk.target_table() == to.name {
                if let Some(target) = to.column(fk.target_column()) {
                    out.push((target, c.clone()));
                }
            }
        }
    }
    // A `ForeignKeyConstraint` of `__table_args__` (not one a column's `ForeignKey` made).
    let own = |f: &Rc<super::schema::ForeignKey>| {
        from.columns.borrow().iter().any(|c| c.foreign_keys.iter().any(|cf| Rc::ptr_eq(cf, f)))
    };
    for con in from.constraints.borrow().iter() {
        let super::schema::Constraint::ForeignKey { columns, fk, .. } = con else { continue };
        if fk.iter().any(own) {
            continue;
        }
        for (name, f) in columns.iter().zip(fk) {
            if f.target_table() != to.name {
                continue;
            }
            let col = from.column(&super::schema::resolve_column_ref(from, name));
            if let (Some(target), Some(c)) = (to.column(f.target_column()), col) {
                out.push((target, c));
            }
        }
    }
    out
}

/// How many foreign key constraints `(referenced, foreign key)` pairs come from: the columns
/// of a composite `ForeignKeyConstraint` are one path between two tables.
fn fk_path_count(pairs: &[(Rc<Column>, Rc<Column>)]) -> usize {
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for (k, (referenced, fk)) in pairs.iter().enumerate() {
        let rt = referenced.table().map(|t| t.name.clone()).unwrap_or_default();
        let id = fk.table().and_then(|t| {
            let name = fk.name();
            let at = t.constraints.borrow().iter().position(|c| match c {
                super::schema::Constraint::ForeignKey { columns, fk: fks, .. } => columns
                    .iter()
                    .zip(fks)
                    .any(|(n, f)| super::schema::resolve_column_ref(&t, n) == name && f.target_table() == rt),
                _ => false,
            });
            at.map(|at| (Rc::as_ptr(&t) as usize, at))
        });
        let id = id.unwrap_or((0, k));
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    seen.len()
}

/// `fk_pairs` between two mappers' selectables (a joined subclass's is the join of its tables):
/// the foreign keys of `from`'s tables naming a table of `to`'s that `from` does not share.
fn mapper_fk_pairs(from: &Rc<Mapper>, to: &Rc<Mapper>) -> Vec<(Rc<Column>, Rc<Column>)> {
    if Rc::ptr_eq(&from.table, &to.table) {
        return fk_pairs(&from.table, &to.table);
    }
    let (ft, tt) = (mapper_tables(from), mapper_tables(to));
    let mut out = Vec::new();
    for f in &ft {
        for t in &tt {
            if ft.iter().any(|x| Rc::ptr_eq(x, t)) || tt.iter().any(|x| Rc::ptr_eq(x, f)) {
                continue;
            }
            out.extend(fk_pairs(f, t));
        }
    }
    out
}

fn configure_relationship(
    interp: &mut Interp,
    registry: &Rc<Registry>,
    parent: &Rc<Mapper>,
    r: &Rc<Relationship>,
) -> PyResult<()> {
    let target = resolve_target(interp, registry, parent, r)?;
    // `_process_dependent_arguments`: `foreign_keys=` given as a string or a callable is
    // resolved now that every class is mapped.
    let foreign_keys = match &r.args.foreign_keys {
        Some(v) => Some(columns_of(interp, registry, parent, v)?),
        None => None,
    };
    *r.foreign_keys.borrow_mut() = foreign_keys.clone();
    if let Some(assoc) = r.args.secondary.clone() {
        type Pairs = Vec<(Rc<Column>, Rc<Column>)>;
        let side = |interp: &mut Interp, join: &Option<Value>, other: &Table| -> PyResult<(Pairs, bool)> {
            match join {
                Some(j) => {
                    let eqs = join_equalities(interp, registry, parent, j)?;
                    let assoc_first = eqs.first().map(|(a, _)| in_table(a, &assoc)).unwrap_or(false);
                    let pairs =
                        eqs.into_iter().map(|(a, b)| if in_table(&a, &assoc) { (b, a) } else { (a, b) }).collect();
                    Ok((pairs, assoc_first))
                }
                None => Ok((fk_pairs(&assoc, other), false)),
            }
        };
        let (parent_pairs, parent_assoc_first) = side(interp, &r.args.primaryjoin, &parent.table)?;
        let (target_pairs, target_assoc_first) = side(interp, &r.args.secondaryjoin, &target.table)?;
        if r.args.primaryjoin.is_none() && Rc::ptr_eq(&parent.table, &target.table) && parent_pairs.len() > 1 {
            return Err(sa_error(
                interp,
                "AmbiguousForeignKeysError",
                format!(
                    "Could not determine join condition between parent/child tables on relationship {}.{} - there are multiple foreign key paths linking the tables via secondary table '{}'.  Specify the 'foreign_keys' argument, providing a list of those columns which should be counted as containing a foreign key reference from the secondary table to each of the parent and child tables.",
                    parent.class_name,
                    r.key(),
                    assoc.name
                ),
            ));
        }
        let m2m =
            ManyToMany { table: assoc.clone(), parent_pairs, target_pairs, parent_assoc_first, target_assoc_first };
        if m2m.parent_pairs.is_empty() || m2m.target_pairs.is_empty() {
            return Err(sa_error(
                interp,
                "NoForeignKeysError",
                format!(
                    "Could not determine join condition between parent/child tables on relationship {}.{} - there are no foreign keys linking these tables via secondary table '{}'.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or specify 'primaryjoin' and 'secondaryjoin' expressions.",
                    parent.class_name,
                    r.key(),
                    assoc.name
                ),
            ));
        }
        *r.target.borrow_mut() = Some(target.clone());
        r.direction.set(Direction::OneToMany);
        *r.m2m.borrow_mut() = Some(m2m.clone());
        if let Some((name, kwargs)) = &r.args.backref {
            let mut lazy = "select".to_string();
            for (k, v) in kwargs {
                if &**k == "lazy" {
                    lazy = lazy_name(interp, v)?;
                }
            }
            let back = Rc::new(Relationship::new(RelationshipArgs {
                argument: Value::str(&parent.class_name),
                backref: None,
                back_populates: Some(r.key()),
                lazy,
                uselist: None,
                foreign_keys: None,
                secondary: Some(assoc.clone()),
                order_by: Vec::new(),
                cascade_delete: false,
                delete_orphan: false,
                ..Default::default()
            }));
            *back.key.borrow_mut() = name.clone();
            *back.parent.borrow_mut() = Rc::downgrade(&target);
            *back.target.borrow_mut() = Some(parent.clone());
            *back.m2m.borrow_mut() = Some(ManyToMany {
                table: assoc,
                parent_pairs: m2m.target_pairs.clone(),
                target_pairs: m2m.parent_pairs.clone(),
                parent_assoc_first: m2m.target_assoc_first,
                target_assoc_first: m2m.parent_assoc_first,
            });
            *back.reverse.borrow_mut() = Rc::downgrade(r);
            *r.reverse.borrow_mut() = Rc::downgrade(&back);
            target.relationships.borrow_mut().push(back.clone());
            if let Some(tc) = target.class() {
                install_relationship_attr(interp, &tc, &target, &back);
            }
        } else if let Some(bp) = &r.args.back_populates {
            if let Some(other) = target.relationship(bp) {
                *r.reverse.borrow_mut() = Rc::downgrade(&other);
                *other.reverse.borrow_mut() = Rc::downgrade(r);
            }
        }
        return Ok(());
    }
    // Foreign keys from the target to the parent make this one-to-many; from the parent to the
    // target, many-to-one.
    let (mut to_parent, mut to_target) = match &r.args.primaryjoin {
        Some(j) => {
            let mut to_parent = Vec::new();
            let mut to_target = Vec::new();
            for (i, (a, b)) in join_equalities(interp, registry, parent, j)?.into_iter().enumerate() {
                let listed =
                    |c: &Rc<Column>| foreign_keys.as_ref().map(|f| f.iter().any(|x| Rc::ptr_eq(x, c))).unwrap_or(false);
                let (referenced, fk) = if listed(&a) || (!listed(&b) && references(&a, &b)) {
                    if i == 0 {
                        r.fk_first.set(true);
                    }
                    (b, a)
                } else if listed(&b) || references(&b, &a) {
                    (a, b)
                } else {
                    return Err(sa_error(
                        interp,
                        "ArgumentError",
                        format!(
                            "Could not locate any relevant foreign key columns for primary join condition '{}' on relationship {}.{}.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or are annotated in the join condition with the foreign() annotation.",
                            describe_equality(&a, &b),
                            parent.class_name,
                            r.key()
                        ),
                    ));
                };
                if in_table(&fk, &target.table) && !Rc::ptr_eq(&target.table, &parent.table) {
                    to_parent.push((referenced, fk));
                } else if Rc::ptr_eq(&target.table, &parent.table) {
                    to_parent.push((referenced.clone(), fk.clone()));
                    to_target.push((referenced, fk));
                } else {
                    to_target.push((referenced, fk));
                }
            }
            (to_parent, to_target)
        }
        None => (mapper_fk_pairs(&target, parent), mapper_fk_pairs(parent, &target)),
    };
    // Self-referential: `remote_side=` naming the referenced column makes it many-to-one.
    if Rc::ptr_eq(&target.table, &parent.table) {
        if let Some(rs) = &r.args.remote_side {
            let remote = columns_of(interp, registry, parent, rs)?;
            let many_to_one = to_target.iter().any(|(referenced, _)| remote.iter().any(|c| Rc::ptr_eq(c, referenced)));
            if many_to_one {
                to_parent.clear();
            } else {
                to_target.clear();
            }
        }
    }
    let (to_parent, to_target) = match &foreign_keys {
        Some(fks) => {
            let keep = |pairs: Vec<(Rc<Column>, Rc<Column>)>| -> Vec<(Rc<Column>, Rc<Column>)> {
                pairs.into_iter().filter(|(_, fk)| fks.iter().any(|c| Rc::ptr_eq(c, fk))).collect()
            };
            (keep(to_parent), keep(to_target))
        }
        None => (to_parent, to_target),
    };
    // Without `primaryjoin`, each foreign key constraint is one path (a composite one too).
    let paths = |p: &[(Rc<Column>, Rc<Column>)]| if r.args.primaryjoin.is_none() { fk_path_count(p) } else { p.len() };
    if paths(&to_parent) > 1
        || paths(&to_target) > 1
        || (!to_parent.is_empty() && !to_target.is_empty() && !Rc::ptr_eq(&target.table, &parent.table))
    {
        return Err(sa_error(
            interp,
            "AmbiguousForeignKeysError",
            format!(
                "Could not determine join condition between parent/child tables on relationship {}.{} - there are multiple foreign key paths linking the tables.  Specify the 'foreign_keys' argument, providing a list of those columns which should be counted as containing a foreign key reference to the parent table.",
                parent.class_name,
                r.key()
            ),
        ));
    }
    let (direction, pairs) = if !to_parent.is_empty()
        && (to_target.is_empty() || Rc::ptr_eq(&target.table, &parent.table))
    {
        (Direction::OneToMany, to_parent)
    } else if !to_target.is_empty() {
        (Direction::ManyToOne, to_target)
    } else {
        return Err(sa_error(
            interp,
            "NoForeignKeysError",
            format!(
                "Could not determine join condition between parent/child tables on relationship {}.{} - there are no foreign keys linking these tables.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or specify a 'primaryjoin' expression.",
                parent.class_name,
                r.key()
            ),
        ));
    };
    *r.target.borrow_mut() = Some(target.clone());
    r.direction.set(direction);
    *r.pairs.borrow_mut() = pairs.clone();
    if let Some((name, kwargs)) = &r.args.backref {
        let mut uselist = None;
        let mut lazy = "select".to_string();
        let mut order_by = Vec::new();
        let mut cascade = (true, false, false);
        // `_generate_backref`: `kwargs.setdefault("post_update", self.post_update)`.
        let mut post_update = r.args.post_update;
        for (k, v) in kwargs {
            match &**k {
                "cascade" => cascade = cascade_options(&interp.to_str(v)?),
                "post_update" => post_update = interp.truthy(v)?,
                "uselist" => uselist = Some(interp.truthy(v)?),
                "lazy" => lazy = lazy_name(interp, v)?,
                "order_by" => order_by = order_by_values(interp, v)?,
                _ => {}
            }
        }
        let back = Rc::new(Relationship::new(RelationshipArgs {
            argument: Value::str(&parent.class_name),
            backref: None,
            back_populates: Some(r.key()),
            lazy,
            uselist,
            secondary: r.args.secondary.clone(),
            order_by,
            save_update: cascade.0,
            cascade_delete: cascade.1,
            delete_orphan: cascade.2,
            post_update,
            ..Default::default()
        }));
        *back.key.borrow_mut() = name.clone();
        *back.foreign_keys.borrow_mut() = foreign_keys;
        *back.parent.borrow_mut() = Rc::downgrade(&target);
        *back.target.borrow_mut() = Some(parent.clone());
        back.direction.set(if direction == Direction::OneToMany { Direction::ManyToOne } else { Direction::OneToMany });
        *back.pairs.borrow_mut() = pairs;
        back.fk_first.set(r.fk_first.get());
        *back.reverse.borrow_mut() = Rc::downgrade(r);
        *r.reverse.borrow_mut() = Rc::downgrade(&back);
        target.relationships.borrow_mut().push(back.clone());
        if let Some(tc) = target.class() {
            install_relationship_attr(interp, &tc, &target, &back);
        }
    } else if let Some(bp) = &r.args.back_populates {
        if let Some(other) = target.relationship(bp) {
            *r.reverse.borrow_mut() = Rc::downgrade(&other);
            *other.reverse.borrow_mut() = Rc::downgrade(r);
        }
    }
    Ok(())
}

fn in_table(c: &Column, t: &Table) -> bool {
    c.table().map(|ct| std::ptr::eq(&*ct, t)).unwrap_or(false)
}

/// Does `fk` have a foreign key to `target`?
fn references(fk: &Column, target: &Column) -> bool {
    let tname = target.table().map(|t| t.name.clone()).unwrap_or_default();
    fk.foreign_keys.iter().any(|f| f.target_table() == tname && f.target_column() == target.name())
}

fn describe_equality(a: &Column, b: &Column) -> String {
    let q = |c: &Column| format!("{}.{}", c.table().map(|t| t.name.clone()).unwrap_or_default(), c.name());
    format!("{} = {}", q(a), q(b))
}

/// Evaluates a relationship argument given as a string (in a namespace of the registry's
/// classes, the metadata's tables and SQLAlchemy's `and_`, `foreign`, `remote`) or as a
/// callable; anything else is returned as it is.
fn resolve_arg(interp: &mut Interp, registry: &Rc<Registry>, parent: &Rc<Mapper>, v: &Value) -> PyResult<Value> {
    match v {
        Value::Str(src) => {
            let m = crate::python::value::Module::new("<relationship>", None);
            let sa = interp.import_module("sqlalchemy")?;
            for n in ["and_", "or_", "foreign", "remote", "desc", "asc"] {
                if let Some(v) = sa.get(n) {
                    m.set(n, v);
                }
            }
            for t in registry.metadata.tables.borrow().iter() {
                m.set(&t.name, super::module::table_value(interp, t));
            }
            for mp in registry.mappers.borrow().iter() {
                if let Some(c) = mp.class() {
                    m.set(&mp.class_name, Value::Class(c));
                }
            }
            match interp.exec_source(&format!("__sa_value__ = ({src})\n"), "<string>", &m, false) {
                Ok(()) => Ok(m.get("__sa_value__").unwrap_or(Value::None)),
                Err(e) if interp.type_of(&e.exc).name == "NameError" => {
                    let msg = interp.to_str(&e.exc)?;
                    let name = msg.split('\'').nth(1).unwrap_or("").to_string();
                    Err(sa_error(
                        interp,
                        "InvalidRequestError",
                        format!(
                            "When initializing mapper {}, expression '{}' failed to locate a name ('{}'). If this is a class name, consider adding this relationship() to the {} class after both dependent classes have been defined.",
                            parent.describe(),
                            src,
                            name,
                            parent.class().map(|c| format!("<class '{}'>", c.full_name())).unwrap_or_default()
                        ),
                    ))
                }
                Err(e) => Err(e),
            }
        }
        Value::Function(_) => interp.call(v, Args::default()),
        other => Ok(other.clone()),
    }
}

/// The `a == b` column pairs of a join condition (`and_()` of them, or one).
fn join_equalities(
    interp: &mut Interp,
    registry: &Rc<Registry>,
    parent: &Rc<Mapper>,
    v: &Value,
) -> PyResult<Vec<(Rc<Column>, Rc<Column>)>> {
    fn walk(c: &Clause, out: &mut Vec<(Rc<Column>, Rc<Column>)>) {
        match c {
            Clause::Binary(l, "=", r) => {
                if let (Clause::Column(a), Clause::Column(b)) = (&**l, &**r) {
                    out.push((a.clone(), b.clone()));
                }
            }
            Clause::And(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let value = resolve_arg(interp, registry, parent, v)?;
    let mut out = Vec::new();
    match value.payload::<super::module::ExprData>() {
        Some(e) => walk(&e.0, &mut out),
        None => {
            let r = interp.repr(&value)?;
            return Err(sa_error(
                interp,
                "ArgumentError",
                format!("Column expression expected for argument 'primaryjoin'; got {r}."),
            ));
        }
    }
    Ok(out)
}

/// The columns a `remote_side=`-style argument names.
fn columns_of(
    interp: &mut Interp,
    registry: &Rc<Registry>,
    parent: &Rc<Mapper>,
    v: &Value,
) -> PyResult<Vec<Rc<Column>>> {
    let value = resolve_arg(interp, registry, parent, v)?;
    let items = match &value {
        Value::List(_) | Value::Tuple(_) | Value::Set(_) => interp.iterate(&value)?,
        other => vec![other.clone()],
    };
    Ok(items
        .iter()
        .filter_map(|it| {
            it.payload::<Column>().or_else(|| {
                it.payload::<AttrData>().and_then(|d| match &d.kind {
                    AttrKind::Column(c) => Some(c.clone()),
                    AttrKind::Relationship(_) => None,
                })
            })
        })
        .collect())
}

/// `order_by=` as a list of its items.
pub fn order_by_values(interp: &mut Interp, v: &Value) -> PyResult<Vec<Value>> {
    match v {
        Value::None | Value::Bool(false) => Ok(vec![]),
        Value::List(_) | Value::Tuple(_) => interp.iterate(v),
        other => Ok(vec![other.clone()]),
    }
}

/// Resolves `order_by=` items (`"Pet.name"`, `"Pet.name.desc()"`, `Pet.name`, `Pet.name.desc()`)
/// to ORDER BY clauses; a string is evaluated among the registry's classes, as
/// `_resolve_name` does.
pub fn order_by_clauses(interp: &mut Interp, registry: &Rc<Registry>, items: &[Value]) -> PyResult<Vec<Clause>> {
    let mut out = Vec::new();
    for it in items {
        let simple = match it {
            Value::Str(s) => {
                let (cls, attr) = s.split_once('.').unwrap_or(("", s));
                registry
                    .mapper_named(cls)
                    .and_then(|m| m.columns.iter().find(|(k, _)| k == attr).map(|(_, c)| c.clone()))
            }
            _ => None,
        };
        if let Some(c) = simple {
            out.push(Clause::Column(c));
            continue;
        }
        let value = match it {
            Value::Str(src) => {
                let m = crate::python::value::Module::new("<order_by>", None);
                let sa = interp.import_module("sqlalchemy")?;
                for n in ["desc", "asc"] {
                    if let Some(v) = sa.get(n) {
                        m.set(n, v);
                    }
                }
                for mp in registry.mappers.borrow().iter() {
                    if let Some(c) = mp.class() {
                        m.set(&mp.class_name, Value::Class(c));
                    }
                }
                match interp.exec_source(&format!("__sa_value__ = ({src})\n"), "<string>", &m, false) {
                    Ok(()) => m.get("__sa_value__"),
                    Err(_) => None,
                }
            }
            other => Some(other.clone()),
        };
        let relationship = value
            .as_ref()
            .and_then(|v| v.payload::<AttrData>())
            .map(|d| matches!(d.kind, AttrKind::Relationship(_)))
            .unwrap_or(false);
        let clause = match value {
            Some(v) if !relationship && !matches!(v, Value::Bool(_)) => super::statement::criterion(interp, &v).ok(),
            _ => None,
        };
        match clause {
            Some(c) => out.push(c),
            None => {
                let r = interp.repr(it)?;
                return Err(sa_error(interp, "ArgumentError", format!("order_by: could not resolve {r} to a column")));
            }
        }
    }
    Ok(out)
}

/// The `lazy=` argument's canonical name (`True` → `select`).
pub fn lazy_name(interp: &mut Interp, v: &Value) -> PyResult<String> {
    Ok(match v {
        Value::Bool(true) => "select".into(),
        Value::Bool(false) => "joined".into(),
        Value::None => "noload".into(),
        Value::Str(s) => s.to_string(),
        other => interp.to_str(other)?,
    })
}

// ----- sessions ---------------------------------------------------------------------------

/// A `Session`'s data.
pub struct SessionData {
    pub id: usize,
    pub engine: Rc<Engine>,
    pub registry: Rc<Registry>,
    /// Engines other than `engine` and the metadata whose tables they hold (Flask-SQLAlchemy's
    /// `SQLALCHEMY_BINDS`): statements on those tables go to that engine (`get_bind`).
    pub binds: RefCell<Vec<(Rc<MetaData>, Rc<Engine>)>>,
    /// The transaction's connections, one per engine used, in the order they were opened.
    conns: RefCell<Vec<Rc<Connection>>>,
    pub identity_map: RefCell<HashMap<IdentityKey, Value>>,
    pub new: RefCell<Vec<Value>>,
    pub deleted: RefCell<Vec<Value>>,
    pub autoflush: Cell<bool>,
    pub expire_on_commit: Cell<bool>,
    next_order: Cell<usize>,
    /// Set after a failed flush: the message of the error, until rollback().
    pub failed: RefCell<Option<String>>,
    flushing: Cell<bool>,
    /// Objects inserted by this transaction's flushes: a rollback makes them transient again.
    pub tx_inserted: RefCell<Vec<Value>>,
    /// Objects this transaction's flushes deleted: out of the identity map but still the
    /// session's ("deleted" state) until commit detaches them or rollback restores them.
    pub tx_deleted: RefCell<Vec<Value>>,
    /// Objects added while the transaction was inactive (after a failed flush): rollback warns.
    pub changed_while_failed: Cell<bool>,
    /// `Session.info`: a dict made on first use.
    info: RefCell<Option<Value>>,
    /// A `SessionTransaction` is open (autobegun by an add, a change, a statement): what
    /// `rollback()` ends, with `after_rollback`.
    pub tx_open: Cell<bool>,
    /// A connection was taken whose `after_begin` has not been dispatched yet.
    after_begin_due: Cell<bool>,
    /// The flush is sending one row of an "insertmanyvalues" batch.
    insertmany: Cell<bool>,
    /// The `Session` object this is the data of (what session event listeners receive).
    pub py: RefCell<Weak<Instance>>,
    /// The last statement the session sent, by number: the rows of one statement are one
    /// loading run.
    pub statement_run: Cell<usize>,
    /// The root `SessionTransaction` its event listeners have seen (see
    /// `events::root_transaction`).
    pub transaction: RefCell<Option<Value>>,
    /// Connections a failed flush rolled back, returned to their pools (`checkin`) by the
    /// session's rollback or close.
    unreturned: RefCell<Vec<Rc<Connection>>>,
}

impl SessionData {
    pub fn new(engine: Rc<Engine>, registry: Rc<Registry>) -> Rc<SessionData> {
        Rc::new(SessionData {
            id: crate::python::value::next_id(),
            engine,
            registry,
            binds: RefCell::new(Vec::new()),
            conns: RefCell::new(Vec::new()),
            identity_map: RefCell::new(HashMap::new()),
            new: RefCell::new(Vec::new()),
            deleted: RefCell::new(Vec::new()),
            autoflush: Cell::new(true),
            expire_on_commit: Cell::new(true),
            next_order: Cell::new(0),
            failed: RefCell::new(None),
            flushing: Cell::new(false),
            tx_inserted: RefCell::new(Vec::new()),
            tx_deleted: RefCell::new(Vec::new()),
            changed_while_failed: Cell::new(false),
            info: RefCell::new(None),
            tx_open: Cell::new(false),
            after_begin_due: Cell::new(false),
            insertmany: Cell::new(false),
            py: RefCell::new(Weak::new()),
            statement_run: Cell::new(0),
            transaction: RefCell::new(None),
            unreturned: RefCell::new(Vec::new()),
        })
    }

    /// The `Session` object, while it lives.
    pub fn py_value(&self) -> Option<Value> {
        self.py.borrow().upgrade().map(Value::Instance)
    }

    /// `Session.info`: the session's own dict, the same object each time.
    pub fn info(&self) -> Value {
        self.info.borrow_mut().get_or_insert_with(|| Value::dict(crate::python::value::Dict::new())).clone()
    }
}

pub fn check_active(interp: &Interp, s: &SessionData) -> PyResult<()> {
    if let Some(orig) = s.failed.borrow().as_ref() {
        return Err(sa_error(
            interp,
            "PendingRollbackError",
            format!(
                "This Session's transaction has been rolled back due to a previous exception during flush. To begin a new transaction with this Session, first issue Session.rollback(). Original exception was: {orig} (Background on this error at: https://sqlalche.me/e/21/7s2a)"
            ),
        ));
    }
    Ok(())
}

/// A naming convention's failure as the exception SQLAlchemy raises.
pub fn naming_error(interp: &mut Interp, e: super::schema::NamingError) -> PyErr {
    use super::schema::NamingError;
    match e {
        NamingError::Invalid(m) => sa_error(interp, "InvalidRequestError", m),
        NamingError::Key(k) => {
            let cls = interp.exc_class("KeyError");
            PyErr { exc: interp.new_exception(&cls, vec![Value::str(&k)]), traceback: vec![] }
        }
        NamingError::Value(m) => interp.err("ValueError", m),
    }
}

/// A DDL compile error as the exception SQLAlchemy raises (`CompileError`, or what naming
/// the constraint raised).
pub fn compile_error(interp: &mut Interp, e: super::ddl::CompileError) -> PyErr {
    match e.1 {
        "KeyError" => naming_error(interp, super::schema::NamingError::Key(e.0)),
        "ValueError" => interp.err("ValueError", e.0),
        "AssertionError" => {
            let cls = interp.exc_class("AssertionError");
            PyErr { exc: interp.new_exception(&cls, vec![]), traceback: vec![] }
        }
        c => sa_error(interp, c, e.0),
    }
}

/// `sql.util._repr_params` of an `executemany`'s parameter sets as an error shows them
/// (`batches=10`): all of them when there are at most ten, else the first eight and the last
/// two around a note of how many there are.
fn repr_multi_params(interp: &mut Interp, sets: &[Value]) -> String {
    const BATCHES: usize = 10;
    let mut reprs = Vec::with_capacity(sets.len());
    for (i, v) in sets.iter().enumerate() {
        if sets.len() > BATCHES && i >= BATCHES - 2 && i < sets.len() - 2 {
            continue;
        }
        reprs.push(interp.repr(v).unwrap_or_default());
    }
    if sets.len() <= BATCHES {
        return format!("[{}]", reprs.join(", "));
    }
    let (head, tail) = reprs.split_at(BATCHES - 2);
    format!(
        "[{}  ... displaying {BATCHES} of {} total bound parameter sets ...  {}]",
        head.join(", "),
        sets.len(),
        tail.join(", ")
    )
}

/// Turns a driver error into `sqlalchemy.exc.<Class>` with SQLAlchemy's message.
pub fn dbapi_error(interp: &mut Interp, e: StatementError) -> PyErr {
    let class = e.error.dbapi_class;
    let params: Vec<Value> = e.params.iter().map(super::types::untyped_result).collect();
    let params_repr = match &e.many {
        Some(sets) => {
            let sets: Vec<Value> =
                sets.iter().map(|row| Value::tuple(row.iter().map(super::types::untyped_result).collect())).collect();
            repr_multi_params(interp, &sets)
        }
        None if params.is_empty() => String::new(),
        None => interp.repr(&Value::tuple(params.clone())).unwrap_or_default(),
    };
    let code = match class {
        "IntegrityError" => "gkpj",
        "OperationalError" => "e3q8",
        "ProgrammingError" => "f405",
        "DataError" => "9h9h",
        "InterfaceError" => "rvf5",
        "InternalError" => "2j85",
        "NotSupportedError" => "tw8g",
        _ => "4xp6",
    };
    let mut msg = format!("(sqlite3.{class}) {}\n[SQL: {}]", e.error.message, e.sql);
    if !params_repr.is_empty() {
        msg.push_str(&format!("\n[parameters: {params_repr}]"));
    }
    msg.push_str(&format!("\n(Background on this error at: https://sqlalche.me/e/21/{code})"));
    let err = sa_error(interp, class, msg);
    // `DBAPIError.orig`, `.statement`, `.params`.
    if let Value::Instance(exc) = &err.exc {
        let orig = match orm_classes(interp).exc.get(format!("sqlite3.{class}").as_str()) {
            Some(c) => interp.new_exception(c, vec![Value::str(&e.error.message)]),
            None => Value::None,
        };
        let mut d = exc.dict.borrow_mut();
        d.set_str("orig", orig);
        d.set_str("statement", Value::str(&e.sql));
        let params = match &e.many {
            Some(sets) => Value::list(
                sets.iter().map(|row| Value::tuple(row.iter().map(super::types::untyped_result).collect())).collect(),
            ),
            None => Value::tuple(params),
        };
        d.set_str("params", params);
    }
    err
}

/// An error raised by a bind processor (an unknown enum value, a `TypeDecorator`'s
/// `process_bind_param`) while a statement's parameters are made: the connection has begun,
/// and the error comes out as `StatementError`, the original exception named by its module
/// (`(builtins.LookupError) ...`) and followed by the statement and its parameters as a list
/// of one dict keyed by bind name (`_handle_dbapi_exception` without a DBAPI error).
pub(crate) fn bind_error(
    interp: &mut Interp,
    s: &SessionData,
    sql: &str,
    params: Vec<(String, Value)>,
    e: PyErr,
) -> PyErr {
    s.connection(sql).ensure_begun();
    let cls = interp.type_of(&e.exc);
    let msg = crate::python::builtins::exception_str(interp, &e.exc).unwrap_or_default();
    let mut d = Dict::new();
    for (k, v) in params {
        d.set_str(&k, v);
    }
    let params = Value::list(vec![Value::dict(d)]);
    let params_repr = interp.repr(&params).unwrap_or_default();
    let text = format!("({}.{}) {msg}\n[SQL: {sql}]\n[parameters: {params_repr}]", cls.module, cls.name);
    let err = sa_error(interp, "StatementError", text);
    if let Value::Instance(exc) = &err.exc {
        let mut d = exc.dict.borrow_mut();
        d.set_str("orig", e.exc.clone());
        d.set_str("statement", Value::str(sql));
        d.set_str("params", params);
    }
    err
}

/// `StatementError.add_detail()`: a line in parentheses before the error's message.
fn add_detail(interp: &mut Interp, err: PyErr, detail: &str) -> PyErr {
    let statement_error = orm_classes(interp).exc.get("StatementError").cloned();
    let Value::Instance(exc) = &err.exc else { return err };
    if !statement_error.is_some_and(|c| exc.class.is_subclass(&c)) {
        return err;
    }
    let msg = match exc.dict.borrow().get_str("args") {
        Some(Value::Tuple(t)) => t.first().and_then(|m| m.as_str().map(str::to_string)),
        _ => None,
    };
    if let Some(msg) = msg {
        exc.dict.borrow_mut().set_str("args", Value::tuple(vec![Value::str(&format!("({detail})\n{msg}"))]));
    }
    err
}

impl SessionData {
    /// The engine a statement goes to (`Session.get_bind`): Flask-SQLAlchemy's looks at the
    /// statement's mapped table (`mapper.local_table`, or the table of an INSERT/UPDATE/DELETE)
    /// and takes the engine of that table's metadata; the default engine otherwise.
    pub fn get_bind(&self, sql: &str) -> Rc<Engine> {
        if self.binds.borrow().is_empty() {
            return self.engine.clone();
        }
        match primary_table_name(sql) {
            Some(name) => self.bind_for_table(&name),
            None => self.engine.clone(),
        }
    }

    /// The engine of the metadata holding the table `name`.
    pub fn bind_for_table(&self, name: &str) -> Rc<Engine> {
        for (md, engine) in self.binds.borrow().iter() {
            if md.table(name).is_some() {
                return engine.clone();
            }
        }
        self.engine.clone()
    }

    /// The session's connection to `engine`, beginning its transaction if needed.
    pub fn connection_for(&self, engine: &Rc<Engine>) -> Rc<Connection> {
        let found = self.conns.borrow().iter().find(|c| Rc::ptr_eq(&c.engine, engine)).cloned();
        match found {
            Some(c) => c,
            None => {
                let c = Rc::new(engine.connect());
                self.conns.borrow_mut().push(c.clone());
                self.tx_open.set(true);
                self.after_begin_due.set(true);
                c
            }
        }
    }

    /// Takes `conn` as the session's connection to its engine (a throwaway session running a
    /// statement on a connection it does not own).
    pub fn adopt_connection(&self, conn: Rc<Connection>) {
        self.conns.borrow_mut().push(conn);
    }

    /// Lets go of the connections without ending their transactions.
    pub fn release_connections(&self) {
        self.conns.borrow_mut().clear();
    }

    /// The session's connection for a statement (see [`SessionData::get_bind`]).
    pub fn connection(&self, sql: &str) -> Rc<Connection> {
        let engine = self.get_bind(sql);
        self.connection_for(&engine)
    }

    /// Executes SQL on the statement's connection, without checking the transaction (the flush's
    /// own statements, and loads inside it).
    fn execute(&self, interp: &mut Interp, sql: &str, params: Vec<SqlValue>) -> PyResult<crate::db::QueryResult> {
        self.begin_for(interp, &self.get_bind(sql))?;
        self.statement_run.set(crate::python::value::next_id());
        let conn = self.connection(sql);
        let r = super::events::execute_batched(interp, &conn, sql, params, self.insertmany.get())?;
        r.map_err(|e| dbapi_error(interp, e))
    }

    /// Puts a persistent object in the identity map, last in its order.
    pub fn identity_insert(&self, key: IdentityKey, obj: Value) {
        if let Value::Instance(i) = &obj {
            instance_state(i).identity_seq.set(crate::python::value::next_id());
        }
        self.identity_map.borrow_mut().insert(key, obj);
    }

    /// The identity map's objects in the order they joined it (`identity_map.all_states()`).
    pub fn identity_objects(&self) -> Vec<Value> {
        let mut all: Vec<(usize, Value)> = self
            .identity_map
            .borrow()
            .values()
            .map(|v| (v.as_instance().map(|i| instance_state(i).identity_seq.get()).unwrap_or(0), v.clone()))
            .collect();
        all.sort_by_key(|(n, _)| *n);
        all.into_iter().map(|(_, v)| v).collect()
    }

    /// `_autobegin_t`: the session begins its transaction unless it has one, with
    /// `after_transaction_create`.
    pub fn autobegin(&self, interp: &mut Interp) -> PyResult<()> {
        if self.tx_open.replace(true) {
            return Ok(());
        }
        super::events::root_transaction_created(interp, self)
    }

    /// Takes the connection to `engine` as the session's transaction does
    /// (`_connection_for_bind`), with `after_begin` for a new one.
    pub fn begin_for(&self, interp: &mut Interp, engine: &Rc<Engine>) -> PyResult<()> {
        let engine_events = super::events::engine_events_on(interp);
        if !super::events::session_events_on(interp) && !engine_events {
            return Ok(());
        }
        if self.failed.borrow().is_none() {
            self.autobegin(interp)?;
        }
        let conn = self.connection_for(engine);
        if engine_events {
            super::events::connected(interp, &conn, Some(self))?;
        }
        if super::events::session_events_on(interp) && self.after_begin_due.replace(false) {
            super::events::after_begin(interp, self, &conn)?;
        }
        Ok(())
    }

    /// `Session.no_autoflush`: runs `f` with autoflush off, and sets it back as it was.
    pub fn no_autoflush<T>(&self, f: impl FnOnce() -> T) -> T {
        let autoflush = self.autoflush.replace(false);
        let r = f();
        self.autoflush.set(autoflush);
        r
    }

    /// Ends the transaction: every connection commits (or rolls back) and is released; the
    /// connections, for their `checkin`.
    fn end_transaction(&self, commit: bool) -> Vec<Rc<Connection>> {
        self.after_begin_due.set(false);
        let conns: Vec<Rc<Connection>> = self.conns.borrow_mut().drain(..).collect();
        for c in &conns {
            if commit {
                c.commit();
            } else {
                c.rollback();
            }
        }
        conns
    }

    /// Ends the transaction and returns its connections to their pools (`checkin`), with those
    /// a failed flush rolled back.
    fn release_transaction(&self, interp: &mut Interp, commit: bool) -> PyResult<()> {
        let mut conns = std::mem::take(&mut *self.unreturned.borrow_mut());
        conns.extend(self.end_transaction(commit));
        for c in &conns {
            super::events::checked_in(interp, c)?;
        }
        Ok(())
    }
}

/// The table a compiled statement is about: the target of INSERT INTO / UPDATE / DELETE FROM,
/// or the first table named after a FROM (what the statement's first entity selects from).
fn primary_table_name(sql: &str) -> Option<String> {
    let trimmed = sql.trim_start();
    let rest = if let Some(r) = trimmed.strip_prefix("INSERT INTO ") {
        r
    } else if let Some(r) = trimmed.strip_prefix("UPDATE ") {
        r
    } else if let Some(r) = trimmed.strip_prefix("DELETE FROM ") {
        r
    } else {
        let mut found = None;
        let mut from = 0;
        while let Some(i) = trimmed[from..].find("FROM ") {
            let after = &trimmed[from + i + 5..];
            if !after.starts_with('(') {
                found = Some(after);
                break;
            }
            from += i + 5;
        }
        found?
    };
    let name: String = if let Some(q) = rest.strip_prefix('"') {
        q.split('"').next().unwrap_or("").to_string()
    } else {
        rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.').collect()
    };
    (!name.is_empty()).then_some(name)
}

/// Does a SELECT's primary table belong to a mapped class (so that Flask-SQLAlchemy's
/// `get_bind` finds the statement's mapper)?
pub fn selects_mapped_table(s: &SessionData, sql: &str) -> bool {
    let Some(name) = primary_table_name(sql) else { return false };
    s.registry.mappers.borrow().iter().any(|m| m.table.name == name)
}

/// Executes SQL on the session's connection to `engine` (beginning its transaction if needed),
/// once the session has checked that its transaction is usable. `engine` is what
/// `Session.get_bind` chose: the statement's table's ([`execute_in_session`]), or the default
/// engine for a statement whose bind finds no mapper (Flask-SQLAlchemy's `get_bind` on `text()`,
/// or a Core SELECT of tables no class maps, runs on the default engine whatever tables it names).
pub fn execute_on(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    engine: &Rc<Engine>,
    sql: &str,
    params: Vec<SqlValue>,
) -> PyResult<crate::db::QueryResult> {
    check_active(interp, s)?;
    s.begin_for(interp, engine)?;
    s.statement_run.set(crate::python::value::next_id());
    let conn = s.connection_for(engine);
    let r = super::events::execute(interp, &conn, sql, params)?;
    r.map_err(|e| dbapi_error(interp, e))
}

/// Compiling a SELECT whose join cannot be inferred raises `AmbiguousForeignKeysError`, once
/// the session's transaction has begun (the connection is taken before the statement is
/// compiled).
pub fn check_joins(interp: &mut Interp, s: &Rc<SessionData>, select: &super::sql::Select) -> PyResult<()> {
    match super::sql::check_joins(select) {
        Some(e) => {
            s.connection_for(&s.engine).ensure_begun();
            Err(join_error(interp, Some(&s.registry), e))
        }
        None => Ok(()),
    }
}

/// The exception for a join SQLAlchemy cannot infer: `AmbiguousForeignKeysError`, or the
/// `InvalidRequestError` naming the mapper of the table joined to.
pub fn join_error(interp: &Interp, registry: Option<&Rc<Registry>>, e: super::sql::JoinError) -> PyErr {
    match e {
        super::sql::JoinError::Ambiguous(msg) => sa_error(interp, "AmbiguousForeignKeysError", msg),
        super::sql::JoinError::NoLeftSide(t) => {
            let target = registry
                .and_then(|r| r.mappers.borrow().iter().find(|m| Rc::ptr_eq(&m.table, &t)).cloned())
                .map(|m| {
                    format!("<Mapper at 0x{:x}; {}>", 0x7f00_0000_0000u64 + (m.id as u64 & 0xff_ffff), m.class_name)
                })
                .unwrap_or_else(|| format!("Table('{}', ...)", t.name));
            sa_error(
                interp,
                "InvalidRequestError",
                format!(
                    "Don't know how to join to {target}. Please use the .select_from() method to establish an \
                     explicit left side, as well as providing an explicit ON clause if not present already to \
                     help resolve the ambiguity."
                ),
            )
        }
    }
}

/// Executes SQL on the connection of the engine its table is bound to ([`SessionData::get_bind`]).
pub fn execute_in_session(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    sql: &str,
    params: Vec<SqlValue>,
) -> PyResult<crate::db::QueryResult> {
    execute_on(interp, s, &s.get_bind(sql), sql, params)
}

/// `executemany` on the session's connection (beginning its transaction if needed): the rows
/// changed, all together.
pub fn execute_many_in_session(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    sql: &str,
    rows: Vec<Vec<SqlValue>>,
) -> PyResult<i64> {
    check_active(interp, s)?;
    run_rows(interp, s, sql, rows).map(|n| n.unwrap_or(0))
}

/// `UnmappedInstanceError(obj)`: `Class 'builtins.str' is not mapped` (`_safe_cls_name`: the
/// module, even `builtins`, and the qualified name of the object's type).
pub fn unmapped_instance(interp: &mut Interp, obj: &Value) -> PyErr {
    let cls = interp.type_of(obj);
    let declared = cls.dict.borrow().get_str("__module__").and_then(|m| m.as_str().map(str::to_string));
    let module = declared.unwrap_or_else(|| cls.module.clone());
    sa_error(interp, "UnmappedInstanceError", format!("Class '{module}.{}' is not mapped", cls.qualname))
}

/// `Session.add(obj)` (`_save_or_update_state`): makes a transient object pending (a detached
/// one persistent again), then cascades along its `save-update` relationships to the related
/// objects not in the session yet, also when the object itself already was.
pub fn session_add(interp: &mut Interp, s: &Rc<SessionData>, obj: &Value) -> PyResult<()> {
    let Value::Instance(inst) = obj else { return Err(unmapped_instance(interp, obj)) };
    if class_mapper(&inst.class).is_none() {
        return Err(unmapped_instance(interp, obj));
    }
    configure(interp, &s.registry)?;
    save_or_update_impl(interp, s, obj)?;
    let mut visited: Vec<Value> = vec![obj.clone()];
    cascade_save_update(interp, s, obj, &mut visited)
}

/// Is the object in this session (`Session._contains_state`)?
fn session_contains(s: &Rc<SessionData>, inst: &Rc<Instance>) -> bool {
    instance_state(inst).session().is_some_and(|o| o.id == s.id)
}

/// `Session._save_or_update_impl`: the object joins the session (pending when it has no
/// identity), or is refused when another session holds it.
fn save_or_update_impl(interp: &mut Interp, s: &Rc<SessionData>, obj: &Value) -> PyResult<()> {
    let Value::Instance(inst) = obj else { return Ok(()) };
    // `_before_attach` autobegins the session's transaction.
    s.autobegin(interp)?;
    let state = instance_state(inst);
    if let Some(other) = state.session() {
        if other.id != s.id {
            let r = interp.repr(obj)?;
            return Err(sa_error(
                interp,
                "InvalidRequestError",
                format!("Object '{}' is already attached to session '{}' (this is '{}')", r, other.id, s.id),
            ));
        }
        return Ok(());
    }
    let events = super::events::session_events_on(interp);
    if events {
        super::events::session_event(interp, s, "before_attach", vec![obj.clone()])?;
    }
    *state.session.borrow_mut() = Some(Rc::downgrade(s));
    if s.failed.borrow().is_some() {
        s.changed_while_failed.set(true);
    }
    let pending = state.key.borrow().is_none();
    if pending {
        state.insert_order.set(s.next_order.get());
        s.next_order.set(s.next_order.get() + 1);
        s.new.borrow_mut().push(obj.clone());
    } else if let Some(key) = state.key.borrow().clone() {
        // `_update_impl`: a detached object is persistent in this session again.
        let held = s.identity_map.borrow().contains_key(&key);
        if !held {
            s.identity_insert(key, obj.clone());
        }
    }
    if events {
        super::events::session_event(interp, s, "after_attach", vec![obj.clone()])?;
        let change = if pending { "transient_to_pending" } else { "detached_to_persistent" };
        super::events::session_event(interp, s, change, vec![obj.clone()])?;
    }
    Ok(())
}

/// `Mapper.cascade_iterator("save-update", state, halt_on=session._contains_state)`, each
/// object it yields saved as it comes: depth first, a relationship's objects (`get_all_pending`:
/// what it holds, and what was taken out since it was loaded; never a load) gathered before
/// the first of them is followed. Objects already in the session are not followed.
fn cascade_save_update(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    obj: &Value,
    visited: &mut Vec<Value>,
) -> PyResult<()> {
    let Some(mapper) = object_mapper(obj) else { return Ok(()) };
    let rels = mapper.relationships.borrow().clone();
    for r in rels {
        if !r.args.save_update {
            continue;
        }
        let mut queue: Vec<Value> = Vec::new();
        for it in all_pending(obj, &r) {
            let Value::Instance(ci) = &it else { continue };
            if object_mapper(&it).is_none() || session_contains(s, ci) || visited.iter().any(|v| v.is(&it)) {
                continue;
            }
            visited.push(it.clone());
            queue.push(it);
        }
        for it in queue {
            save_or_update_impl(interp, s, &it)?;
            cascade_save_update(interp, s, &it, visited)?;
        }
    }
    Ok(())
}

/// The save-update cascade of an attribute event (`unitofwork.track_cascade_events`): an
/// object set or appended onto `r` of `owner` (by the attribute itself, not by a backref)
/// joins the owner's session, with what it cascades to, when `r` has the `save-update`
/// cascade.
fn cascade_on_attach(interp: &mut Interp, owner: &Rc<Instance>, r: &Relationship, item: &Value) -> PyResult<()> {
    let Value::Instance(ci) = item else { return Ok(()) };
    let Some(s) = instance_state(owner).session() else { return Ok(()) };
    if r.args.save_update && object_mapper(item).is_some() && !session_contains(&s, ci) {
        session_add(interp, &s, item)?;
    }
    Ok(())
}

fn identity_of(
    interp: &mut Interp,
    mapper: &Rc<Mapper>,
    inst: &Rc<Instance>,
) -> PyResult<Option<(IdentityKey, Vec<Value>)>> {
    let mut keys = Vec::new();
    let mut vals = Vec::new();
    for c in mapper.table.primary_key() {
        let key = mapper.column_key(&c).unwrap_or_else(|| c.name());
        let v = inst.dict.borrow().get_str(&key).cloned().unwrap_or(Value::None);
        if v.is_none() {
            return Ok(None);
        }
        let Some(hk) = HashKey::of(&v) else {
            return Err(interp.type_error(format!("unhashable type: '{}'", interp.type_name(&v))));
        };
        keys.push(hk);
        vals.push(v);
    }
    Ok(Some(((mapper.identity_id(), keys), vals)))
}

/// One step of a flush, in the order the unit of work runs it (`UOWTransaction.execute`).
enum FlushStep {
    /// `SaveUpdateAll` of a base mapper (`None`: all its states) or `SaveUpdateState`s of it
    /// taken together (`execute_aggregate`).
    Save(Rc<Mapper>, Option<Vec<Value>>),
    /// `DeleteAll` / `DeleteState`s of a base mapper.
    Delete(Rc<Mapper>, Option<Vec<Value>>),
    /// A many-to-many relationship's `ProcessAll` / `ProcessState`s after saves
    /// (`ManyToManyDP.process_saves`): its association rows.
    Associations(Rc<Relationship>, Option<Vec<Value>>),
    /// A `post_update` relationship's `ProcessAll` / `ProcessState`s, after saves (false) or
    /// before deletes (true): its foreign keys synchronized and the rows registered for the
    /// `PostUpdateAll` that follows (`_post_update`).
    PostUpdateProcess(Rc<Relationship>, bool, Option<Vec<Value>>),
    /// `PostUpdateAll` of a base mapper: the UPDATEs of the rows registered, for saved rows
    /// (false) or for rows about to be deleted (true).
    PostUpdate(Rc<Mapper>, bool),
    /// Its `ProcessAll` / `ProcessState`s before deletes (`ManyToManyDP.process_deletes`): the
    /// association rows of deleted parents.
    AssociationDeletes(Rc<Relationship>, Option<Vec<Value>>),
}

/// A `PostSortRec` of the unit of work: the actions it sorts.
#[derive(Clone, Copy, PartialEq)]
enum Rec {
    /// `_SaveUpdateAll` / `_DeleteAll` of a base mapper (index into the bases).
    SaveAll(usize),
    DeleteAll(usize),
    /// `_ProcessAll` of a relationship's dependency processor (index into the relationships),
    /// after saves (false) or before deletes (true).
    ProcessAll(usize, bool),
    /// Per-state actions (index into the states) for mappers in a cycle.
    SaveState(usize),
    DeleteState(usize),
    ProcessState(usize, bool, usize),
    /// `_PostUpdateAll` of a base mapper, for saves (false) or deletes (true).
    PostUpdateAll(usize, bool),
}

/// The flush's actions and their dependencies, built as `UOWTransaction` builds them.
struct UowGraph {
    recs: Vec<Rec>,
    disabled: Vec<bool>,
    edges: Vec<(usize, usize)>,
}

impl UowGraph {
    /// `_PostSortRec.__new__`: one record per key.
    fn rec(&mut self, r: Rec) -> usize {
        match self.recs.iter().position(|x| *x == r) {
            Some(i) => i,
            None => {
                self.recs.push(r);
                self.disabled.push(false);
                self.recs.len() - 1
            }
        }
    }

    fn edge(&mut self, a: usize, b: usize) {
        if !self.edges.contains(&(a, b)) {
            self.edges.push((a, b));
        }
    }
}

/// The objects related to `obj` through `r` (`get_all_pending`): its current value or members
/// and those removed since they were loaded.
fn all_pending(obj: &Value, r: &Relationship) -> Vec<Value> {
    let Value::Instance(inst) = obj else { return vec![] };
    let key = r.key();
    let st = instance_state(inst);
    let mut out: Vec<Value> = match inst.dict.borrow().get_str(&key) {
        Some(Value::List(l)) => l.borrow().clone(),
        Some(v @ Value::Instance(_)) => vec![v.clone()],
        _ => vec![],
    };
    if let Some(before) = st.loaded_collections.borrow().get(&key) {
        for b in before {
            if !out.iter().any(|x| x.is(b)) {
                out.push(b.clone());
            }
        }
    }
    for (k, v) in st.pending_dynamic.borrow().iter().chain(st.pending_dynamic_removed.borrow().iter()) {
        if *k == key && !out.iter().any(|x| x.is(v)) {
            out.push(v.clone());
        }
    }
    out
}

/// The unit of work's plan for a flush (`UOWTransaction._generate_actions` and `execute`).
/// Per base mapper a `SaveUpdateAll` and a `DeleteAll`; per relationship with something to do
/// (`prop_has_changes`) a `ProcessAll` after saves and one before deletes, with the
/// dependencies its direction declares (`per_property_dependencies`). When these form a cycle
/// (a self-referential relationship, two mappers referring to each other), the mappers in it
/// are broken into per-state actions (`per_state_flush_actions`). The actions are sorted by
/// their `sort_key` and run in the subsets of `topological.sort_as_subsets`.
///
/// Where SQLAlchemy takes a subset's actions from a `set` (`set_.pop()`, in an order that
/// follows memory addresses and changes from run to run), they are taken here in the subset's
/// order, which is what SQLAlchemy does when there is no cycle.
fn flush_plan(states: &[(Value, bool)]) -> Vec<FlushStep> {
    let mut bases: Vec<Rc<Mapper>> = Vec::new();
    let base_index = |bases: &mut Vec<Rc<Mapper>>, m: &Rc<Mapper>| -> usize {
        let b = m.base_mapper();
        match bases.iter().position(|x| Rc::ptr_eq(x, &b)) {
            Some(i) => i,
            None => {
                bases.push(b);
                bases.len() - 1
            }
        }
    };
    let mut g = UowGraph { recs: Vec::new(), disabled: Vec::new(), edges: Vec::new() };
    // `_per_mapper_flush_actions`, for each mapper with a state in the flush.
    let mut mappers: Vec<Rc<Mapper>> = Vec::new();
    for (o, _) in states {
        let Some(m) = object_mapper(o) else { continue };
        if mappers.iter().any(|x| Rc::ptr_eq(x, &m)) {
            continue;
        }
        let b = base_index(&mut bases, &m);
        let (sa, da) = (g.rec(Rec::SaveAll(b)), g.rec(Rec::DeleteAll(b)));
        g.edge(sa, da);
        mappers.push(m);
    }
    let in_flush = |t: &Rc<Mapper>| mappers.iter().any(|m| Rc::ptr_eq(&m.base_mapper(), &t.base_mapper()));
    let mut rels: Vec<Rc<Relationship>> = Vec::new();
    for m in &mappers {
        for cm in mapper_chain(m) {
            for r in cm.relationships.borrow().iter() {
                if !rels.iter().any(|x| Rc::ptr_eq(x, r)) {
                    rels.push(r.clone());
                }
            }
        }
    }
    // `uow.deps`: per base mapper, the relationships (as parent) that have actions.
    let mut deps: Vec<(usize, usize)> = Vec::new();
    for (ri, r) in rels.iter().enumerate() {
        let (Some(parent), Some(target)) = (r.parent.borrow().upgrade(), r.target.borrow().clone()) else { continue };
        let self_referential = Rc::ptr_eq(&parent.base_mapper(), &target.base_mapper());
        // `prop_has_changes`: a state of the parent's has a history for the relationship, or
        // (not self-referential) the related mapper has states in the flush too.
        let key = r.key();
        let of_parent: Vec<&(Value, bool)> = states
            .iter()
            .filter(|(o, _)| {
                object_mapper(o).map(|om| mapper_chain(&om).iter().any(|x| Rc::ptr_eq(x, &parent))).unwrap_or(false)
            })
            .collect();
        if of_parent.is_empty() {
            continue;
        }
        let history = of_parent.iter().any(|(o, _)| {
            let Value::Instance(inst) = o else { return false };
            let st = instance_state(inst);
            let set = match inst.dict.borrow().get_str(&key) {
                Some(Value::List(l)) => !l.borrow().is_empty(),
                Some(v) => !v.is_none(),
                None => false,
            };
            ((st.key.borrow().is_none() || st.deleted.get()) && set)
                // A deleted row's `post_update` key is cleared first if it refers to a row (which
                // the process step finds out, loading the row if need be).
                || (st.deleted.get() && r.args.post_update && r.direction.get() == Direction::ManyToOne)
                || st.committed.borrow().contains_key(&key)
                || st.pending_dynamic.borrow().iter().any(|(k, _)| *k == key)
                || st.pending_dynamic_removed.borrow().iter().any(|(k, _)| *k == key)
                || st.pending_collection_appends.borrow().iter().any(|(k, _)| *k == key)
                || (r.direction.get() != Direction::ManyToOne
                    && st.loaded_collections.borrow().get(&key).is_some_and(|before| {
                        let now = match inst.dict.borrow().get_str(&key) {
                            Some(Value::List(l)) => l.borrow().clone(),
                            _ => vec![],
                        };
                        now.len() != before.len() || now.iter().zip(before.iter()).any(|(a, b)| !a.is(b))
                    }))
        });
        if !history && (self_referential || !in_flush(&target)) {
            continue;
        }
        // `per_property_flush_actions`.
        let p = base_index(&mut bases, &parent);
        let c = base_index(&mut bases, &target);
        let after = g.rec(Rec::ProcessAll(ri, false));
        let before = g.rec(Rec::ProcessAll(ri, true));
        let (sp, sc) = (g.rec(Rec::SaveAll(p)), g.rec(Rec::SaveAll(c)));
        let (dp, dc) = (g.rec(Rec::DeleteAll(p)), g.rec(Rec::DeleteAll(c)));
        deps.push((p, ri));
        let post_update = r.args.post_update;
        let edges: Vec<(usize, usize)> = if r.m2m.borrow().is_some() {
            vec![(sp, after), (sc, after), (after, dc), (before, sp), (before, dp), (before, dc), (before, sc)]
        } else if r.direction.get() == Direction::OneToMany && post_update {
            let (post, pre) = (g.rec(Rec::PostUpdateAll(c, false)), g.rec(Rec::PostUpdateAll(c, true)));
            vec![
                (sc, after),
                (sp, after),
                (after, post),
                (sc, before),
                (before, post),
                (post, dp),
                (before, pre),
                (pre, dp),
                (pre, dc),
            ]
        } else if r.direction.get() == Direction::OneToMany {
            vec![(sp, after), (after, sc), (after, dc), (sc, dp), (dc, dp), (before, sc), (before, dc)]
        } else if post_update {
            let (post, pre) = (g.rec(Rec::PostUpdateAll(p, false)), g.rec(Rec::PostUpdateAll(p, true)));
            vec![(sc, after), (sp, after), (after, post), (after, pre), (before, pre), (pre, dc), (pre, dp)]
        } else {
            vec![(sc, after), (after, sp), (sp, dc), (dp, dc)]
        };
        for (a, b) in edges {
            g.edge(a, b);
        }
    }
    let cycles: Vec<usize> = crate::sqlalchemy::topological::find_cycles(&g.edges);
    if !cycles.is_empty() {
        let cyc = |i: usize| cycles.contains(&i);
        let state_index = |o: &Value| states.iter().position(|(x, _)| x.is(o));
        let mut convert: Vec<(usize, Vec<usize>)> = Vec::new();
        for &ci in &cycles {
            let (b, isdelete) = match g.recs[ci] {
                Rec::SaveAll(b) => (b, false),
                Rec::DeleteAll(b) => (b, true),
                _ => {
                    convert.push((ci, vec![]));
                    continue;
                }
            };
            // `states_for_mapper_hierarchy`
            let of_base: Vec<usize> = (0..states.len())
                .filter(|&i| {
                    states[i].1 == isdelete
                        && object_mapper(&states[i].0).is_some_and(|m| Rc::ptr_eq(&m.base_mapper(), &bases[b]))
                })
                .collect();
            let mut per_state = Vec::new();
            for &si in &of_base {
                if isdelete {
                    let (sa, ds) = (g.rec(Rec::SaveAll(b)), g.rec(Rec::DeleteState(si)));
                    g.edge(sa, ds);
                    per_state.push(ds);
                } else {
                    let (ss, da) = (g.rec(Rec::SaveState(si)), g.rec(Rec::DeleteAll(b)));
                    g.edge(ss, da);
                    per_state.push(ss);
                }
            }
            convert.push((ci, per_state));
            // `DependencyProcessor.per_state_flush_actions` for the relationships of the mapper.
            for &(_, ri) in deps.iter().filter(|(p, _)| *p == b) {
                let r = rels[ri].clone();
                let Some(target) = r.target.borrow().clone() else { continue };
                let Some(parent) = r.parent.borrow().upgrade() else { continue };
                let c = bases.iter().position(|x| Rc::ptr_eq(x, &target.base_mapper())).unwrap_or(0);
                let (cs, cd) = (g.rec(Rec::SaveAll(c)), g.rec(Rec::DeleteAll(c)));
                let aggregate = g.rec(Rec::ProcessAll(ri, isdelete));
                g.disabled[aggregate] = true;
                let child_in_cycles = cyc(cs);
                for &si in &of_base {
                    let obj = &states[si].0;
                    if !object_mapper(obj).is_some_and(|m| mapper_chain(&m).iter().any(|x| Rc::ptr_eq(x, &parent))) {
                        continue;
                    }
                    let sum = all_pending(obj, &r);
                    if sum.is_empty() {
                        continue;
                    }
                    let process = g.rec(Rec::ProcessState(ri, isdelete, si));
                    let parent_action = g.rec(if isdelete { Rec::DeleteState(si) } else { Rec::SaveState(si) });
                    let child_actions: Vec<(Option<usize>, bool)> = if child_in_cycles {
                        sum.iter()
                            .map(|child| match state_index(child) {
                                None => (None, false),
                                Some(ci) if states[ci].1 => (Some(g.rec(Rec::DeleteState(ci))), true),
                                Some(ci) => (Some(g.rec(Rec::SaveState(ci))), false),
                            })
                            .collect()
                    } else {
                        vec![(Some(cs), false), (Some(cd), true)]
                    };
                    for (child, childisdelete) in child_actions {
                        // `per_state_dependencies`; an edge to a child outside the flush is dropped.
                        let mut edges: Vec<(Option<usize>, Option<usize>)> = Vec::new();
                        let (pa, pr) = (Some(parent_action), Some(process));
                        if r.args.post_update && r.m2m.borrow().is_none() {
                            // The `PostUpdateAll` of the side whose foreign key is updated.
                            let one_to_many = r.direction.get() == Direction::OneToMany;
                            let pu = Some(g.rec(Rec::PostUpdateAll(if one_to_many { c } else { b }, isdelete)));
                            match (one_to_many, isdelete, childisdelete) {
                                (true, false, true) => edges.extend([(child, pr), (pr, pu)]),
                                (true, false, false) | (false, false, false) => {
                                    edges.extend([(pa, pr), (child, pr), (pr, pu)])
                                }
                                (true, true, _) => edges.extend([(pr, pu), (pu, pa)]),
                                (false, false, true) => edges.extend([(pr, pu), (pu, child)]),
                                (false, true, _) => edges.extend([(pr, pu), (pu, pa), (pu, child)]),
                            }
                        } else if r.m2m.borrow().is_some() {
                            if !isdelete {
                                edges.push((pa, pr));
                                edges.push(if childisdelete { (pr, child) } else { (child, pr) });
                            } else {
                                edges.extend([(pr, child), (pr, pa)]);
                            }
                        } else if r.direction.get() == Direction::OneToMany {
                            if !isdelete {
                                edges.extend([(pa, pr), (pr, child), (pa, child)]);
                            } else {
                                edges.extend([(pr, child), (child, pa)]);
                            }
                        } else if !isdelete {
                            if !childisdelete {
                                edges.extend([(child, pr), (pr, pa)]);
                            } else {
                                edges.push((pr, pa));
                            }
                        } else if childisdelete {
                            edges.push((pa, child));
                        }
                        for (a, b) in edges {
                            if let (Some(a), Some(b)) = (a, b) {
                                g.edge(a, b);
                            }
                        }
                    }
                }
            }
        }
        // Dependencies of the broken-up actions now point at their per-state actions.
        let converted = |i: usize| convert.iter().find(|(c, _)| *c == i).map(|(_, v)| v.clone()).unwrap_or_default();
        let old = std::mem::take(&mut g.edges);
        let mut edges: Vec<(usize, usize)> = Vec::new();
        let mut add = |e: (usize, usize)| {
            if !edges.contains(&e) {
                edges.push(e);
            }
        };
        for (a, b) in old {
            if g.disabled[a] || g.disabled[b] || (cyc(a) && cyc(b)) {
                continue;
            } else if cyc(a) {
                for x in converted(a) {
                    add((x, b));
                }
            } else if cyc(b) {
                for x in converted(b) {
                    add((a, x));
                }
            } else {
                add((a, b));
            }
        }
        g.edges = edges;
    }
    // `sorted(postsort_actions, key=sort_key)`: a mapper's key is `module.Class`, a
    // relationship's `module.Class_key`.
    let mapper_key = |m: &Rc<Mapper>| m.class().map(|c| c.full_name()).unwrap_or_else(|| m.class_name.clone());
    let rel_key = |ri: usize| {
        let r = &rels[ri];
        let parent = r.parent.borrow().upgrade().map(|m| mapper_key(&m)).unwrap_or_default();
        format!("{parent}_{}", r.key())
    };
    let state_base = |si: usize| object_mapper(&states[si].0).map(|m| m.base_mapper());
    let sort_key = |r: &Rec| -> (&'static str, String, bool) {
        match *r {
            Rec::SaveAll(b) => ("SaveUpdateAll", mapper_key(&bases[b]), false),
            Rec::DeleteAll(b) => ("DeleteAll", mapper_key(&bases[b]), false),
            Rec::ProcessAll(ri, d) => ("ProcessAll", rel_key(ri), d),
            Rec::SaveState(si) => ("ProcessState", state_base(si).map(|m| mapper_key(&m)).unwrap_or_default(), false),
            Rec::DeleteState(si) => ("DeleteState", state_base(si).map(|m| mapper_key(&m)).unwrap_or_default(), false),
            Rec::ProcessState(ri, _, _) => ("ProcessState", rel_key(ri), false),
            Rec::PostUpdateAll(b, d) => ("PostUpdateAll", mapper_key(&bases[b]), d),
        }
    };
    let mut actions: Vec<usize> = (0..g.recs.len()).filter(|&i| !g.disabled[i] && !cycles.contains(&i)).collect();
    let keys: Vec<(&'static str, String, bool)> = g.recs.iter().map(sort_key).collect();
    crate::sort::sort_by(&mut actions, |a, b| keys[*a].cmp(&keys[*b]));
    let subsets = crate::sqlalchemy::topological::sort_as_subsets(&g.edges, &actions).unwrap_or_else(|| vec![actions]);
    let mut steps = Vec::new();
    for subset in subsets {
        let mut taken = vec![false; subset.len()];
        for i in 0..subset.len() {
            if taken[i] {
                continue;
            }
            taken[i] = true;
            // `execute_aggregate`: the subset's per-state actions of the same kind go together.
            let mut group = |same: &dyn Fn(&Rec) -> Option<usize>| -> Vec<Value> {
                let mut objs = Vec::new();
                for (j, &a) in subset.iter().enumerate() {
                    if let Some(si) = same(&g.recs[a]) {
                        if j == i || !taken[j] {
                            taken[j] = true;
                            objs.push(states[si].0.clone());
                        }
                    }
                }
                objs
            };
            match g.recs[subset[i]] {
                Rec::SaveAll(b) => steps.push(FlushStep::Save(bases[b].clone(), None)),
                Rec::DeleteAll(b) => steps.push(FlushStep::Delete(bases[b].clone(), None)),
                Rec::ProcessAll(ri, false) if rels[ri].m2m.borrow().is_some() => {
                    steps.push(FlushStep::Associations(rels[ri].clone(), None))
                }
                Rec::ProcessAll(ri, d) if rels[ri].args.post_update => {
                    steps.push(FlushStep::PostUpdateProcess(rels[ri].clone(), d, None))
                }
                Rec::ProcessAll(ri, true) if rels[ri].m2m.borrow().is_some() => {
                    steps.push(FlushStep::AssociationDeletes(rels[ri].clone(), None))
                }
                Rec::ProcessAll(..) => {}
                Rec::PostUpdateAll(b, d) => steps.push(FlushStep::PostUpdate(bases[b].clone(), d)),
                Rec::SaveState(si) => {
                    let Some(b) = state_base(si) else { continue };
                    let objs = group(&|r| match *r {
                        Rec::SaveState(x) if state_base(x).is_some_and(|m| Rc::ptr_eq(&m, &b)) => Some(x),
                        _ => None,
                    });
                    steps.push(FlushStep::Save(b, Some(objs)));
                }
                Rec::DeleteState(si) => {
                    let Some(b) = state_base(si) else { continue };
                    let objs = group(&|r| match *r {
                        Rec::DeleteState(x) if state_base(x).is_some_and(|m| Rc::ptr_eq(&m, &b)) => Some(x),
                        _ => None,
                    });
                    steps.push(FlushStep::Delete(b, Some(objs)));
                }
                Rec::ProcessState(ri, isdelete, _) => {
                    let objs = group(&|r| match *r {
                        Rec::ProcessState(x, d, si) if x == ri && d == isdelete => Some(si),
                        _ => None,
                    });
                    if rels[ri].args.post_update && rels[ri].m2m.borrow().is_none() {
                        steps.push(FlushStep::PostUpdateProcess(rels[ri].clone(), isdelete, Some(objs)));
                    } else if rels[ri].m2m.borrow().is_some() {
                        steps.push(if isdelete {
                            FlushStep::AssociationDeletes(rels[ri].clone(), Some(objs))
                        } else {
                            FlushStep::Associations(rels[ri].clone(), Some(objs))
                        });
                    }
                }
            }
        }
    }
    steps
}

/// Is the mapper in a cycle with itself (a self-referential relationship)? Its rows are then
/// saved one by one in dependency order (per-state actions), never batched.
fn self_referential(m: &Rc<Mapper>) -> bool {
    m.relationships.borrow().iter().any(|r| {
        // A `post_update` relationship's rows are linked after they are all saved.
        r.m2m.borrow().is_none()
            && !r.args.post_update
            && r.target.borrow().as_ref().map(|t| Rc::ptr_eq(t, m)).unwrap_or(false)
    })
}

/// `Session.flush()`: the unit of work.
pub fn flush(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<()> {
    check_active(interp, s)?;
    if s.flushing.get() {
        return Ok(());
    }
    // Loads made while collecting the work (cascades, orphans) must not flush again.
    s.flushing.set(true);
    let result = flush_begin(interp, s).and_then(|ctx| {
        // Objects changed only in their collections are saved too (with no UPDATE), as
        // `_dirty_states` (taken after `before_flush`) has them: their `before_update` /
        // `after_update` fire.
        let listed: Vec<Value> = if super::events::mapper_events_on(interp) {
            s.identity_map.borrow().values().filter(|v| v.as_instance().is_some_and(is_dirty)).cloned().collect()
        } else {
            Vec::new()
        };
        Ok((ctx, listed, flush_collect(interp, s)?))
    });
    s.flushing.set(false);
    let (ctx, listed, collected) = result?;
    let (new, mut dirty) = match collected {
        Some(work) => work,
        None if !listed.is_empty() => (Vec::new(), Vec::new()),
        None => return Ok(()),
    };
    for o in &listed {
        let deleted = o.as_instance().is_some_and(|i| instance_state(i).deleted.get());
        if !deleted && !dirty.iter().any(|x| x.is(o)) {
            dirty.push(o.clone());
        }
    }
    // `_autobegin_t()._begin()`: the flush's subtransaction.
    s.autobegin(interp)?;
    let sub = super::events::subtransaction_created(interp, s)?;
    let deleted_before = s.tx_deleted.borrow().len();
    s.flushing.set(true);
    let result = flush_work(interp, s, new.clone(), dirty.clone())
        .and_then(|()| flush_end(interp, s, ctx, &new, &dirty, deleted_before));
    s.flushing.set(false);
    if result.is_ok() {
        if let Some(sub) = &sub {
            super::events::session_event(interp, s, "after_transaction_end", vec![sub.clone()])?;
        }
    }
    if let Err(e) = result {
        // The transaction is rolled back and the session waits for rollback().
        let conns = s.end_transaction(false);
        s.unreturned.borrow_mut().extend(conns);
        // `after_rollback` fires as the flush's transaction rolls back; an error of its
        // listeners leaves the flush's own to be raised.
        if s.tx_open.replace(false) {
            let _ = super::events::session_event(interp, s, "after_rollback", vec![]);
            // The snapshot restored: the pending objects are transient (listeners see them
            // so; the session lets go of them at rollback()).
            let pending: Vec<Value> = s.new.borrow().clone();
            for o in pending {
                let Value::Instance(i) = &o else { continue };
                let st = instance_state(i);
                let held = st.session.borrow_mut().take();
                let r = super::events::session_event(interp, s, "pending_to_transient", vec![o.clone()]);
                *st.session.borrow_mut() = held;
                drop(r);
            }
            // The subtransaction ends; the root waits, inactive, for rollback().
            if let Some(sub) = &sub {
                let _ = super::events::session_event(interp, s, "after_transaction_end", vec![sub.clone()]);
            }
            let _ = super::events::after_soft_rollback(interp, s, sub);
        }
        let msg = crate::python::builtins::exception_str(interp, &e.exc).unwrap_or_default();
        *s.failed.borrow_mut() = Some(msg);
        return Err(e);
    }
    Ok(())
}

/// `before_flush(session, flush_context, instances)`, when there is something to flush
/// (`Session._flush`); the flush context the flush's later events receive.
fn flush_begin(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<Option<Value>> {
    if !super::events::session_events_on(interp) {
        return Ok(None);
    }
    let something = !s.new.borrow().is_empty()
        || !s.deleted.borrow().is_empty()
        || s.identity_map.borrow().values().any(|v| v.as_instance().is_some_and(is_dirty));
    if !something {
        return Ok(None);
    }
    let ctx = super::events::flush_context(interp, s)?;
    if let Some(c) = &ctx {
        super::events::session_event(interp, s, "before_flush", vec![c.clone(), Value::None])?;
    }
    Ok(ctx)
}

/// The end of a flush whose statements ran: `after_flush`, then `finalize_flush_changes`
/// (the saved objects' attribute histories reset: a change a listener made during the flush,
/// in `after_insert` for instance, is not flushed), then `after_flush_postexec`.
fn flush_end(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    ctx: Option<Value>,
    new: &[Value],
    dirty: &[Value],
    deleted_before: usize,
) -> PyResult<()> {
    if let Some(c) = &ctx {
        pending_view(interp, s, new, |i| super::events::session_event(i, s, "after_flush", vec![c.clone()]))?;
    }
    for o in new.iter().chain(dirty) {
        if let Value::Instance(i) = o {
            let st = instance_state(i);
            if !st.deleted.get() {
                st.modified.set(false);
                st.committed.borrow_mut().clear();
            }
        }
    }
    if let Some(c) = ctx {
        // `_remove_newly_deleted`: each object the flush deleted.
        let deleted: Vec<Value> = s.tx_deleted.borrow().iter().skip(deleted_before).cloned().collect();
        for o in deleted {
            super::events::session_event(interp, s, "persistent_to_deleted", vec![o])?;
        }
        // `_register_persistent`: each object the flush inserted.
        for o in new {
            let gone = o.as_instance().is_some_and(|i| instance_state(i).deleted.get());
            if !gone {
                super::events::session_event(interp, s, "pending_to_persistent", vec![o.clone()])?;
            }
        }
        super::events::session_event(interp, s, "after_flush_postexec", vec![c])?;
    }
    Ok(())
}

/// Runs `f` with the flush's new objects as SQLAlchemy's listeners see them until the flush
/// is finalized: pending (no identity key yet) and in `session.new`.
fn pending_view<T>(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    new: &[Value],
    f: impl FnOnce(&mut Interp) -> PyResult<T>,
) -> PyResult<T> {
    let mut taken = Vec::new();
    for o in new {
        if let Value::Instance(i) = o {
            let st = instance_state(i);
            let k = st.key.borrow_mut().take();
            if let Some(k) = k {
                taken.push((i.clone(), k));
            }
        }
    }
    let before: Vec<Value> = s.new.borrow().clone();
    {
        let mut n = s.new.borrow_mut();
        for o in new {
            if !n.iter().any(|x| x.is(o)) {
                n.push(o.clone());
            }
        }
    }
    let r = f(interp);
    for (i, k) in taken {
        *instance_state(&i).key.borrow_mut() = Some(k);
    }
    s.new.borrow_mut().retain(|x| !new.iter().any(|o| o.is(x)) || before.iter().any(|b| b.is(x)));
    r
}

/// `mapper.dispatch.<name>` for each object, seen as during the flush (see [`pending_view`]).
fn flush_mapper_events(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    new: &[Value],
    name: &str,
    objs: &[Value],
) -> PyResult<()> {
    if objs.is_empty() || !super::events::mapper_events_on(interp) {
        return Ok(());
    }
    pending_view(interp, s, new, |i| super::events::mapper_events(i, s, name, objs))
}

/// `Session._autoflush()`: a flush the session runs by itself before a query or a load, when
/// `autoflush` is on. SQLAlchemy tags the method (`tag_method_for_warnings`): a warning of its
/// own raised inside gets the suffix saying where it came from.
pub fn autoflush(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<()> {
    if !s.autoflush.get() || s.flushing.get() {
        return Ok(());
    }
    let before = interp.warnings.len();
    let result = flush(interp, s).map_err(|e| {
        let e = add_detail(interp, e, "raised as a result of Query-invoked autoflush; consider using a session.no_autoflush block if this flush is occurring prematurely");
        // The session's "original exception" is this one, detail and all.
        if s.failed.borrow().is_some() {
            let msg = crate::python::builtins::exception_str(interp, &e.exc).unwrap_or_default();
            *s.failed.borrow_mut() = Some(msg);
        }
        e
    });
    for w in interp.warnings.iter_mut().skip(before) {
        if w.starts_with("sqlalchemy.") {
            w.push_str(" (This warning originated from the Session 'autoflush' process, which was invoked automatically in response to a user-initiated operation. Consider using ``no_autoflush`` context manager if this warning happened while initializing objects.)");
        }
    }
    result
}

/// `str(prop)`: `Role.users`, the class the relationship is declared on and its key.
fn relationship_name(r: &Relationship) -> String {
    let owner = r.parent.borrow().upgrade().map(|m| m.class_name.clone()).unwrap_or_default();
    format!("{owner}.{}", r.key())
}

/// The members a one-to-many collection of `inst` gained since it was loaded (the `added` of
/// its history with pending mutations): all of a new object's, the difference with the
/// snapshot of a loaded one, the backref appends waiting on one never loaded, a dynamic
/// collection's appends.
fn one_to_many_added(inst: &Rc<Instance>, r: &Relationship) -> Vec<Value> {
    let key = r.key();
    let st = instance_state(inst);
    let mut out: Vec<Value> = Vec::new();
    if let Some(Value::List(l)) = inst.dict.borrow().get_str(&key) {
        let now = l.borrow();
        match st.loaded_collections.borrow().get(&key) {
            Some(before) => out.extend(now.iter().filter(|n| !before.iter().any(|b| b.is(n))).cloned()),
            None if st.key.borrow().is_none() => out.extend(now.iter().cloned()),
            None => {}
        }
    }
    // A scalar one-to-many set with its old value unloaded: the new value is the history's
    // added one.
    if let Some(v @ Value::Instance(_)) = inst.dict.borrow().get_str(&key) {
        if st.deferred_history.borrow().contains(&key) {
            out.push(v.clone());
        }
    }
    for (k, v) in st.pending_collection_appends.borrow().iter().chain(st.pending_dynamic.borrow().iter()) {
        if *k == key && !out.iter().any(|x| x.is(v)) {
            out.push(v.clone());
        }
    }
    out
}

/// The first half of a flush: orphans, and the objects to insert and update.
fn flush_collect(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<Option<(Vec<Value>, Vec<Value>)>> {
    // A deleted parent's one-to-many collections are loaded and their members' foreign keys
    // set to NULL (the default cascade without "delete").
    let deleted: Vec<Value> = s.deleted.borrow().clone();
    for obj in &deleted {
        let (Value::Instance(inst), Some(m)) = (obj, object_mapper(obj)) else { continue };
        let rels = m.relationships.borrow().clone();
        for r in rels {
            if r.m2m.borrow().is_some() {
                // `ManyToManyDP.presort_deletes`: the collection is loaded (its history), so
                // that its association rows can be deleted (`delete_associations`).
                let unloaded = inst.dict.borrow().get_str(&r.key()).is_none();
                if unloaded && !r.args.passive_deletes && !r.is_appender() && r.lazy() != "noload" {
                    if let Some(data) = inst.class.lookup(&r.key()).and_then(|a| a.payload::<AttrData>()) {
                        attribute_get(interp, &data, obj)?;
                    }
                }
                continue;
            }
            if r.direction.get() != Direction::OneToMany {
                continue;
            }
            // A dynamic collection is read again from the database; its members are unlinked
            // unless the delete cascades to them (already marked).
            let dynamic = r.lazy() == "dynamic" && !r.args.passive_deletes;
            if !dynamic
                && (r.args.cascade_delete
                    || r.is_appender()
                    || r.lazy() == "noload"
                    || (r.args.passive_deletes && inst.dict.borrow().get_str(&r.key()).is_none()))
            {
                continue;
            }
            let Some(target) = r.target.borrow().clone() else { continue };
            let Some(attr) = inst.class.lookup(&r.key()) else { continue };
            let Some(data) = attr.payload::<AttrData>() else { continue };
            let items = if dynamic {
                dynamic_members(interp, s, &data, obj)?
            } else {
                match attribute_get(interp, &data, obj)? {
                    Value::List(l) => l.borrow().clone(),
                    Value::None => vec![],
                    other => vec![other],
                }
            };
            // A `post_update` collection's members are cleared by their own UPDATE
            // (`post_update_one_to_many`).
            if r.args.cascade_delete || r.args.post_update {
                continue;
            }
            for child in &items {
                null_foreign_keys(&r, &target, child);
            }
        }
    }
    // The flush cascades nothing: the save-update cascade brought related objects into the
    // session when they were added, set or appended. A one-to-many member that is not there
    // (it reached the collection through a backref, or the relationship does not cascade
    // save-update) is not saved, with a warning (`OneToManyDP.presort_saves`, `register_object`).
    let persistent: Vec<Value> = s.identity_map.borrow().values().cloned().collect();
    let pending: Vec<Value> = s.new.borrow().clone();
    for obj in pending.iter().chain(persistent.iter()) {
        let (Value::Instance(i), Some(m)) = (obj, object_mapper(obj)) else { continue };
        if instance_state(i).deleted.get() {
            continue;
        }
        for r in m.relationships.borrow().iter() {
            if r.direction.get() != Direction::OneToMany || r.m2m.borrow().is_some() {
                continue;
            }
            for child in one_to_many_added(i, r) {
                let Value::Instance(ci) = &child else { continue };
                if session_contains(s, ci) {
                    continue;
                }
                interp.warn(
                    "sqlalchemy.exc.SAWarning",
                    &format!(
                        "Object of type <{}> not in session, add operation along '{}' will not proceed",
                        ci.class.name,
                        relationship_name(r)
                    ),
                );
                // It still gets a persistent parent's key (`OneToManyDP.process_saves`,
                // `sync._populate`), loading an expired parent for it; a new parent's is
                // copied after its INSERT.
                if instance_state(i).key.borrow().is_none() {
                    continue;
                }
                let Some(target) = r.target.borrow().clone() else { continue };
                for (pk_col, fk_col) in r.pairs.borrow().iter() {
                    let pk_key = m.column_key(pk_col).unwrap_or_else(|| pk_col.name());
                    let fk_key = target.column_key(fk_col).unwrap_or_else(|| fk_col.name());
                    let present = i.dict.borrow().get_str(&pk_key).cloned();
                    let value = match present {
                        Some(v) => v,
                        None => interp.getattr(obj, &pk_key)?,
                    };
                    set_dict_attr(ci, &fk_key, value);
                }
            }
        }
    }
    // The backref appends waiting on one-to-many collections never loaded are taken up by
    // this flush; a many-to-many's wait for its association rows (`sync_associations`).
    for obj in &persistent {
        let (Value::Instance(i), Some(m)) = (obj, object_mapper(obj)) else { continue };
        let m2m_keys: Vec<String> =
            m.relationships.borrow().iter().filter(|r| r.m2m.borrow().is_some()).map(|r| r.key()).collect();
        instance_state(i).pending_collection_appends.borrow_mut().retain(|(k, _)| m2m_keys.contains(k));
    }
    // Objects removed from loaded collections: deleted (delete-orphan) or unlinked, also when
    // the parent itself is deleted (`OneToManyDP.presort_deletes` reads the same history).
    for obj in &persistent {
        let (Value::Instance(i), Some(m)) = (obj, object_mapper(obj)) else { continue };
        let st = instance_state(i);
        let rels = m.relationships.borrow().clone();
        for r in rels {
            if r.m2m.borrow().is_some() {
                continue; // association rows are synced after the inserts (`sync_associations`)
            }
            if r.is_appender() {
                // `AppenderQuery.remove()` / `WriteOnlyCollection.remove()`.
                let gone: Vec<Value> = st
                    .pending_dynamic_removed
                    .borrow()
                    .iter()
                    .filter(|(k, _)| *k == r.key())
                    .map(|(_, v)| v.clone())
                    .collect();
                for g in &gone {
                    detach_removed(interp, s, &r, g)?;
                }
                continue;
            }
            let Some(before) = st.loaded_collections.borrow().get(&r.key()).cloned() else { continue };
            let now = match i.dict.borrow().get_str(&r.key()) {
                Some(Value::List(l)) => l.borrow().clone(),
                _ => continue,
            };
            // The snapshot moves on when the flush is done (`flush_work`): until then the
            // difference is the collection's history, which the unit of work plans with.
            for gone in before.iter().filter(|b| !now.iter().any(|n| n.is(b))) {
                if r.args.post_update && !r.args.delete_orphan {
                    post_update_removed(&r, gone);
                    continue;
                }
                detach_removed(interp, s, &r, gone)?;
            }
        }
    }
    let new: Vec<Value> = s.new.borrow().clone();
    let dirty: Vec<Value> = s
        .identity_map
        .borrow()
        .values()
        .filter(|v| {
            v.as_instance()
                .map(|i| {
                    let st = instance_state(i);
                    // a deleted object's changes are not saved (no UPDATE before its DELETE,
                    // no association rows but the deletes of `delete_associations`)
                    !st.deleted.get()
                        && (st.modified.get()
                            || !st.pending_collection_appends.borrow().is_empty()
                            || !st.pending_dynamic.borrow().is_empty()
                            || !st.pending_dynamic_removed.borrow().is_empty()
                            || m2m_changed(i)
                            || has_new_child(i, &new))
                })
                .unwrap_or(false)
        })
        .cloned()
        .collect();
    if new.is_empty() && dirty.is_empty() && s.deleted.borrow().is_empty() {
        return Ok(None);
    }
    Ok(Some((new, dirty)))
}

/// Does row `a` refer to row `b` of the same (self-referential) mapper?
fn row_depends(m: &Rc<Mapper>, a: &Value, b: &Value) -> bool {
    let (Value::Instance(ai), Value::Instance(bi)) = (a, b) else { return false };
    m.relationships.borrow().iter().any(|r| {
        let same = !r.args.post_update && r.target.borrow().as_ref().map(|t| Rc::ptr_eq(t, m)).unwrap_or(false);
        same && match r.direction.get() {
            Direction::ManyToOne => ai.dict.borrow().get_str(&r.key()).map(|v| v.is(b)).unwrap_or(false),
            Direction::OneToMany => match bi.dict.borrow().get_str(&r.key()) {
                Some(Value::List(l)) => l.borrow().iter().any(|x| x.is(a)),
                _ => false,
            },
        }
    })
}

/// Inserts new objects of one mapper (`save_obj`): foreign keys first, then rows grouped as
/// `_collect_insert_commands` groups them: consecutive objects giving the same columns form
/// one batch, and a batch of several rows whose primary keys the database generates is sent
/// row by row with `RETURNING` (SQLite's "insertmanyvalues"); a lone row uses `lastrowid`.
fn save_rows(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    m: &Rc<Mapper>,
    objs: &[Value],
    updates: &[UpdateRow],
) -> PyResult<()> {
    for obj in objs {
        let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
        for cm in mapper_chain(&om) {
            sync_many_to_one(interp, &cm, inst)?;
        }
    }
    // An inheritance hierarchy is saved table by table, the base table's rows first.
    let mut tables: Vec<Rc<Table>> = Vec::new();
    for sub in m.self_and_descendants() {
        if !tables.iter().any(|t| Rc::ptr_eq(t, &sub.table)) {
            tables.push(sub.table.clone());
        }
    }
    for table in &tables {
        emit_updates(interp, s, table, updates)?;
        let objs: Vec<(Value, Rc<Mapper>)> = objs
            .iter()
            .filter_map(|o| {
                let om = object_mapper(o)?;
                mapper_tables(&om).iter().any(|t| Rc::ptr_eq(t, table)).then(|| (o.clone(), om))
            })
            .collect();
        let mut keysets = Vec::with_capacity(objs.len());
        for (obj, om) in &objs {
            let Value::Instance(inst) = obj else {
                keysets.push(Vec::new());
                continue;
            };
            let d = inst.dict.borrow();
            // The parameters the row brings: its values, and None for columns that have no
            // default of any kind (Python defaults are filled in by the statement instead).
            let keys: Vec<String> = om
                .columns
                .iter()
                .filter(|(k, c)| {
                    in_table(c, table)
                        && (d.get_str(k).map(|v| !v.is_none()).unwrap_or(false)
                            || (c.default.is_none() && c.server_default.is_none() && !c.primary_key.get()))
                })
                .map(|(k, _)| k.clone())
                .collect();
            keysets.push(keys);
        }
        let mut i = 0;
        while i < objs.len() {
            let mut j = i + 1;
            // A row that refers to another row of the batch waits for the next one.
            while j < objs.len()
                && keysets[j] == keysets[i]
                && !objs[i..j].iter().any(|(o, _)| row_depends(m, &objs[j].0, o))
            {
                j += 1;
            }
            let batch = &objs[i..j];
            let mut prepared = Vec::with_capacity(batch.len());
            for (obj, om) in batch {
                let Value::Instance(inst) = obj else { continue };
                prepared.push(prepare_insert(interp, s, om, table, inst, batch.len() > 1)?);
            }
            // Rows with every key given and nothing to fetch go as one `executemany`
            // (`_emit_insert_statements`); the others one by one, with RETURNING.
            let many = prepared.len() > 1
                && prepared.iter().all(|p| p.returning.is_empty() && p.compiled.sql == prepared[0].compiled.sql);
            let mut prepared = prepared.into_iter();
            if many {
                let rows: Vec<PreparedInsert> = prepared.by_ref().collect();
                let sql = rows[0].compiled.sql.clone();
                run_rows(interp, s, &sql, rows.into_iter().map(|p| p.compiled.params).collect())?;
            }
            for (obj, om) in batch {
                let Value::Instance(inst) = obj else { continue };
                match prepared.next() {
                    Some(p) => {
                        s.insertmany.set(batch.len() > 1);
                        let result = s.execute(interp, &p.compiled.sql, p.compiled.params);
                        s.insertmany.set(false);
                        let result = result?;
                        let row = result.rows.first();
                        finish_insert(interp, s, om, table, obj, inst, &p.returning, row, result.last_insert_rowid)?;
                    }
                    None => finish_insert(interp, s, om, table, obj, inst, &[], None, 0)?,
                }
                if Rc::ptr_eq(table, &om.table) {
                    for cm in mapper_chain(om) {
                        sync_one_to_many(&cm, inst);
                    }
                }
            }
            i = j;
        }
    }
    Ok(())
}

/// A child removed from a one-to-many collection: deleted with `delete-orphan`, otherwise its
/// foreign key columns set to None (`OneToManyDP.process_saves`).
fn detach_removed(interp: &mut Interp, s: &Rc<SessionData>, r: &Relationship, child: &Value) -> PyResult<()> {
    let Value::Instance(ci) = child else { return Ok(()) };
    if instance_state(ci).deleted.get() {
        return Ok(());
    }
    // A child moved to another parent (its many-to-one backref names one) still has a parent
    // (`hasparent`): neither an orphan nor unlinked.
    if let Some(rev) = r.reverse.borrow().upgrade() {
        if r.m2m.borrow().is_none() && matches!(ci.dict.borrow().get_str(&rev.key()), Some(Value::Instance(_))) {
            return Ok(());
        }
    }
    if r.args.delete_orphan {
        session_delete(interp, s, child)?;
    } else if let Some(target) = r.target.borrow().clone() {
        null_foreign_keys(r, &target, child);
    }
    Ok(())
}

/// A member taken out of a `post_update` one-to-many collection. `OneToManyDP.process_saves`
/// clears its key after the saves without registering a post-update, so no UPDATE sends it
/// (the row keeps its key) unless the member's own many-to-one backref, a `post_update`
/// relationship too, changed: its post-update clears the key (`post_update_process`).
fn post_update_removed(r: &Relationship, child: &Value) {
    let Value::Instance(ci) = child else { return };
    let st = instance_state(ci);
    if st.deleted.get() {
        return;
    }
    if let Some(rev) = r.reverse.borrow().upgrade() {
        if rev.args.post_update && st.committed.borrow().contains_key(&rev.key()) {
            return;
        }
    }
    let Some(target) = r.target.borrow().clone() else { return };
    for (_, fk) in r.pairs.borrow().iter() {
        let k = target.column_key(fk).unwrap_or_else(|| fk.name());
        ci.dict.borrow_mut().set_str(&k, Value::None);
    }
}

/// A child no longer linked to its one-to-many parent: its foreign key attributes set to None
/// (unless the flush already deletes it).
fn null_foreign_keys(r: &Relationship, target: &Mapper, child: &Value) {
    let Value::Instance(ci) = child else { return };
    if instance_state(ci).deleted.get() {
        return;
    }
    for (_, fk) in r.pairs.borrow().iter() {
        let k = target.column_key(fk).unwrap_or_else(|| fk.name());
        set_dict_attr(ci, &k, Value::None);
    }
}

/// Marks a scalar one-to-many set without its old value loaded: the object is modified, and
/// the flush fetches the old value.
fn defer_history(st: &InstanceState, key: &str) {
    let mut keys = st.deferred_history.borrow_mut();
    if !keys.iter().any(|k| k == key) {
        keys.push(key.to_string());
    }
    st.modified.set(true);
}

/// `OneToManyDP.presort_saves` reading the history of a scalar one-to-many whose old value
/// was never loaded (`get_history` with `DEFERRED_HISTORY_LOAD`): the lazy load runs now (the
/// object's expired columns loaded first, for its key); an old child that is not the new one
/// loses its foreign key, or is deleted under `delete-orphan`.
fn load_deferred_histories(interp: &mut Interp, s: &Rc<SessionData>, dirty: &[Value]) -> PyResult<Vec<Value>> {
    let mut unlinked = Vec::new();
    for obj in dirty {
        let Value::Instance(inst) = obj else { continue };
        let st = instance_state(inst);
        let keys: Vec<String> = std::mem::take(&mut *st.deferred_history.borrow_mut());
        let Some(m) = object_mapper(obj) else { continue };
        for key in keys {
            let Some(r) = m.relationship(&key) else { continue };
            let Some(target) = r.target.borrow().clone() else { continue };
            if st.expired.get() {
                refresh(interp, s, &m, inst)?;
            }
            let select = lazy_select(interp, &s.registry, &r, &target, &mut |pk_col| {
                let k = m.column_key(pk_col).unwrap_or_else(|| pk_col.name());
                inst.dict.borrow().get_str(&k).cloned().unwrap_or(Value::None)
            })?;
            let rows = lazy_rows(interp, s, &m, &r, &target, &select)?;
            let current = inst.dict.borrow().get_str(&key).cloned().unwrap_or(Value::None);
            let Some(old) = rows.into_iter().next() else { continue };
            let Value::Instance(old_inst) = old.clone() else { continue };
            if old.is(&current) {
                continue;
            }
            if r.args.delete_orphan {
                session_delete(interp, s, &old)?;
                continue;
            }
            for (_, fk) in r.pairs.borrow().iter() {
                let k = target.column_key(fk).unwrap_or_else(|| fk.name());
                let ost = instance_state(&old_inst);
                let prev = old_inst.dict.borrow().get_str(&k).cloned().unwrap_or(Value::None);
                ost.committed.borrow_mut().entry(k.clone()).or_insert(prev);
                old_inst.dict.borrow_mut().set_str(&k, Value::None);
                ost.modified.set(true);
            }
            if !dirty.iter().any(|d| d.is(&old)) && !unlinked.iter().any(|d: &Value| d.is(&old)) {
                unlinked.push(old);
            }
        }
    }
    Ok(unlinked)
}

fn flush_work(interp: &mut Interp, s: &Rc<SessionData>, new: Vec<Value>, mut dirty: Vec<Value>) -> PyResult<()> {
    let unlinked = load_deferred_histories(interp, s, &dirty)?;
    dirty.extend(unlinked);
    // A deleted parent's write-only collection cannot be loaded to unlink its members
    // (`WriteOnlyAttributeImpl`), unless `passive_deletes` leaves them to the database.
    let deleted: Vec<Value> = s.deleted.borrow().clone();
    for obj in &deleted {
        let Some(m) = object_mapper(obj) else { continue };
        let rels = m.relationships.borrow().clone();
        for r in rels {
            if r.direction.get() != Direction::OneToMany || r.m2m.borrow().is_some() || r.args.cascade_delete {
                continue;
            }
            if r.lazy() == "write_only" && !r.args.passive_deletes {
                let name = format!("{}.{}", m.class_name, r.key());
                return Err(sa_error(
                    interp,
                    "InvalidRequestError",
                    format!("Attribute {name} can't load the existing state from the database for this operation; full iteration is not permitted.  If this is a delete operation, configure passive_deletes=True on the {name} relationship in order to resolve this error."),
                ));
            }
        }
    }
    let mut mappers: Vec<Rc<Mapper>> = Vec::new();
    for o in new.iter().chain(dirty.iter()).chain(deleted.iter()) {
        if let Some(m) = object_mapper(o) {
            if !mappers.iter().any(|x| Rc::ptr_eq(x, &m)) {
                mappers.push(m);
            }
        }
    }
    // Objects of one inheritance hierarchy are saved together, table by table (the base
    // table's rows first), in the order they were added (`save_obj` on the base mapper).
    let mut bases: Vec<Rc<Mapper>> = Vec::new();
    for m in &mappers {
        let b = m.base_mapper();
        if !bases.iter().any(|x| Rc::ptr_eq(x, &b)) {
            bases.push(b);
        }
    }
    let base_of = |o: &Value| object_mapper(o).map(|x| x.base_mapper());
    let states: Vec<(Value, bool)> = new
        .iter()
        .chain(dirty.iter())
        .map(|o| (o.clone(), false))
        .chain(deleted.iter().map(|o| (o.clone(), true)))
        .collect();
    let plan = flush_plan(&states);
    // `post_update` relationships: which objects have a history for them, taken before the
    // saves settle the objects' state, and the rows registered for their UPDATEs.
    let post_update_history = post_update_history(&new, &dirty);
    let mut post_updates: Vec<(Value, Vec<Rc<Column>>)> = Vec::new();
    // Rows of an association table already written in this flush (both sides of a backref
    // pair name the same rows: `_get_reversed_processed_set`).
    let mut written: Vec<(String, Vec<HashKey>)> = Vec::new();
    let mut finalize_loads: Vec<Value> = Vec::new();
    for step in plan {
        let (m, only) = match step {
            FlushStep::Delete(m, only) => {
                let of_mapper: Vec<Value> = deleted
                    .iter()
                    .filter(|o| base_of(o).is_some_and(|x| Rc::ptr_eq(&x, &m)))
                    .filter(|o| only.as_ref().is_none_or(|l| l.iter().any(|x| x.is(o))))
                    .cloned()
                    .collect();
                // `delete_obj`: `before_delete` for each (in identity order), the DELETEs, then
                // `after_delete` for each.
                let mut ordered = of_mapper.clone();
                crate::sort::sort_by(&mut ordered, state_identity_cmp);
                s.begin_for(interp, &s.bind_for_table(&m.table.name))?;
                flush_mapper_events(interp, s, &new, "before_delete", &ordered)?;
                delete_rows(interp, s, &m, of_mapper)?;
                flush_mapper_events(interp, s, &new, "after_delete", &ordered)?;
                continue;
            }
            FlushStep::Associations(r, only) => {
                let objects = association_parents(s, &r, &new, only);
                sync_associations(interp, s, &objects, Some(&r), &mut written)?;
                continue;
            }
            FlushStep::PostUpdateProcess(r, isdelete, only) => {
                let objs: Vec<Value> = if isdelete {
                    deleted.clone()
                } else {
                    post_update_history.iter().filter(|(hr, _)| Rc::ptr_eq(hr, &r)).map(|(_, o)| o.clone()).collect()
                };
                let objs: Vec<Value> =
                    objs.into_iter().filter(|o| only.as_ref().is_none_or(|l| l.iter().any(|x| x.is(o)))).collect();
                post_update_process(interp, &r, isdelete, &objs, &mut post_updates)?;
                continue;
            }
            FlushStep::PostUpdate(m, isdelete) => {
                let mut rows: Vec<(Value, Vec<Rc<Column>>)> = Vec::new();
                post_updates.retain(|(o, cols)| {
                    let mine =
                        base_of(o).is_some_and(|x| Rc::ptr_eq(&x, &m)) && deleted.iter().any(|d| d.is(o)) == isdelete;
                    if mine {
                        rows.push((o.clone(), cols.clone()));
                    }
                    !mine
                });
                post_update_rows(interp, s, &m, rows)?;
                continue;
            }
            FlushStep::AssociationDeletes(r, only) => {
                let parent = r.parent.borrow().upgrade();
                let objects: Vec<Value> = match only {
                    Some(objs) => objs,
                    None => deleted
                        .iter()
                        .filter(|o| {
                            object_mapper(o).is_some_and(|om| {
                                mapper_chain(&om).iter().any(|x| parent.as_ref().is_some_and(|p| Rc::ptr_eq(x, p)))
                            })
                        })
                        .cloned()
                        .collect(),
                };
                delete_associations(interp, s, &objects, &r, &mut written)?;
                continue;
            }
            FlushStep::Save(m, only) => (m, only),
        };
        let chosen = |o: &&Value| only.as_ref().is_none_or(|l| l.iter().any(|x| x.is(o)));
        let mut objs: Vec<Value> = new
            .iter()
            .filter(|o| base_of(o).map(|x| Rc::ptr_eq(&x, &m)).unwrap_or(false))
            .filter(chosen)
            .cloned()
            .collect();
        crate::sort::sort_by_key(&mut objs, |o| {
            o.as_instance().map(|i| instance_state(i).insert_order.get()).unwrap_or(0)
        });
        // Changed persistent objects in the order of their identities (`_sort_states`).
        let mut changed: Vec<Value> = dirty
            .iter()
            .filter(|o| base_of(o).map(|x| Rc::ptr_eq(&x, &m)).unwrap_or(false))
            .filter(chosen)
            .cloned()
            .collect();
        crate::sort::sort_by(&mut changed, state_identity_cmp);
        // `_organize_states_for_save`: `before_insert` for the new objects (in the order they
        // were added), then `before_update` for the changed ones, their many-to-one keys
        // already synced; what the listeners change goes into the statements.
        let inserted = objs.clone();
        // `_connections_for_states`: the mapper's connection is taken first.
        s.begin_for(interp, &s.bind_for_table(&m.table.name))?;
        if super::events::mapper_events_on(interp) {
            for obj in objs.iter().chain(changed.iter()) {
                let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
                for cm in mapper_chain(&om) {
                    sync_many_to_one(interp, &cm, inst)?;
                }
            }
            flush_mapper_events(interp, s, &new, "before_insert", &objs)?;
            flush_mapper_events(interp, s, &new, "before_update", &changed)?;
        }
        if self_referential(&m) {
            // Rows others refer to first. The per-state actions of a cycle already give the
            // rows in dependency order; this only guards a dependency they did not see.
            let mut remaining = std::mem::take(&mut objs);
            while !remaining.is_empty() {
                let level: Vec<Value> = remaining
                    .iter()
                    .filter(|a| !remaining.iter().any(|b| !b.is(a) && row_depends(&m, a, b)))
                    .cloned()
                    .collect();
                let level = if level.is_empty() { std::mem::take(&mut remaining) } else { level };
                remaining.retain(|x| !level.iter().any(|l| l.is(x)));
                objs.extend(level);
            }
        }
        let mut updates: Vec<UpdateRow> = Vec::new();
        for obj in &changed {
            let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
            // Syncing a dynamic collection's new members needs the parent's key loaded.
            let st = instance_state(inst);
            // The UPDATE reads the committed key (`_get_committed_state_attr_by_column`), as
            // does syncing a dynamic collection's new members: an expired object loads.
            let key_unloaded = om
                .table
                .primary_key()
                .iter()
                .any(|c| inst.dict.borrow().get_str(&om.column_key(c).unwrap_or_else(|| c.name())).is_none());
            // The many-to-one side's keys are synced first (`ManyToOneDP.process_saves` runs
            // before the mapper's save): a key set on an expired object is then not loaded.
            for cm in mapper_chain(&om) {
                sync_many_to_one(interp, &cm, inst)?;
            }
            // An object whose only change is a backref's append to a many-to-many collection
            // never loaded saves nothing; it is loaded when the flush is done, if nothing
            // loaded it before (`finalize_flush_changes`: its identity key).
            let only_pending_appends = !st.modified.get()
                && st.committed.borrow().is_empty()
                && st.pending_dynamic.borrow().is_empty()
                && st.pending_dynamic_removed.borrow().is_empty()
                && !st.pending_collection_appends.borrow().is_empty();
            if only_pending_appends {
                finalize_loads.push(obj.clone());
                continue;
            }
            if st.expired.get()
                && (key_unloaded || !st.pending_dynamic.borrow().is_empty())
                && !only_post_update_changes(&om, &st)
            {
                refresh(interp, s, &om, inst)?;
            }
            updates.extend(collect_update(interp, s, &om, inst)?);
        }
        // Per table: its UPDATEs, then its INSERTs (`save_obj`).
        save_rows(interp, s, &m, &objs, &updates)?;
        // `_finalize_insert_update_commands`: `after_insert`, then `after_update`.
        flush_mapper_events(interp, s, &new, "after_insert", &inserted)?;
        flush_mapper_events(interp, s, &new, "after_update", &changed)?;
        for obj in &changed {
            let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
            let st = instance_state(inst);
            st.modified.set(false);
            st.committed.borrow_mut().clear();
            for cm in mapper_chain(&om) {
                sync_one_to_many(&cm, inst);
            }
        }
    }
    s.new.borrow_mut().clear();
    // Association changes no relationship action took up (none is skipped by the plan; this
    // keeps them from being lost should one be).
    let mut objects: Vec<Value> = new.clone();
    crate::sort::sort_by_key(&mut objects, |o| {
        o.as_instance().map(|i| instance_state(i).insert_order.get()).unwrap_or(0)
    });
    objects.extend(s.identity_map.borrow().values().cloned());
    sync_associations(interp, s, &objects, None, &mut written)?;
    // Loaded one-to-many collections: what they hold now is what the next flush compares with.
    let held: Vec<Value> = s.identity_map.borrow().values().cloned().collect();
    for o in held.iter().chain(deleted.iter()) {
        let (Value::Instance(i), Some(m)) = (o, object_mapper(o)) else { continue };
        let st = instance_state(i);
        for r in m.relationships.borrow().iter() {
            if r.m2m.borrow().is_some() || r.is_appender() || !st.loaded_collections.borrow().contains_key(&r.key()) {
                continue;
            }
            if let Some(Value::List(l)) = i.dict.borrow().get_str(&r.key()) {
                st.loaded_collections.borrow_mut().insert(r.key(), l.borrow().clone());
            }
        }
    }
    for o in new.iter().chain(dirty.iter()) {
        if let Value::Instance(i) = o {
            instance_state(i).pending_dynamic.borrow_mut().clear();
            instance_state(i).pending_dynamic_removed.borrow_mut().clear();
            instance_state(i).pending_collection_appends.borrow_mut().clear();
        }
    }
    for o in &finalize_loads {
        let (Value::Instance(inst), Some(om)) = (o, object_mapper(o)) else { continue };
        let key_unloaded = om
            .table
            .primary_key()
            .iter()
            .any(|c| inst.dict.borrow().get_str(&om.column_key(c).unwrap_or_else(|| c.name())).is_none());
        if key_unloaded && instance_state(inst).expired.get() {
            refresh(interp, s, &om, inst)?;
        }
    }
    s.deleted.borrow_mut().clear();
    Ok(())
}

/// Are an object's only changes to `post_update` relationships, which its own UPDATE does not
/// carry (so saving it loads nothing)?
fn only_post_update_changes(m: &Rc<Mapper>, st: &InstanceState) -> bool {
    let committed = st.committed.borrow();
    !committed.is_empty()
        && st.pending_dynamic.borrow().is_empty()
        && committed
            .keys()
            .all(|k| mapper_chain(m).iter().any(|cm| cm.relationship(k).is_some_and(|r| r.args.post_update)))
}

/// The (relationship, object) pairs of the flush's saved objects with a history for a
/// `post_update` relationship: a new object that was given a value, or a persistent one whose
/// value changed (a many-to-one); members added to the collection (a one-to-many).
fn post_update_history(new: &[Value], dirty: &[Value]) -> Vec<(Rc<Relationship>, Value)> {
    let mut out = Vec::new();
    // New objects in the order they were added, then persistent ones by identity
    // (`_sort_states`; SQLAlchemy iterates a set here).
    let mut new: Vec<Value> = new.to_vec();
    crate::sort::sort_by_key(&mut new, |o| o.as_instance().map(|i| instance_state(i).insert_order.get()).unwrap_or(0));
    let mut dirty: Vec<Value> = dirty.to_vec();
    crate::sort::sort_by(&mut dirty, state_identity_cmp);
    for (obj, is_new) in new.iter().map(|o| (o, true)).chain(dirty.iter().map(|o| (o, false))) {
        let (Value::Instance(inst), Some(m)) = (obj, object_mapper(obj)) else { continue };
        let st = instance_state(inst);
        for cm in mapper_chain(&m) {
            for r in cm.relationships.borrow().iter() {
                if !r.args.post_update || r.m2m.borrow().is_some() {
                    continue;
                }
                if r.direction.get() == Direction::OneToMany {
                    if !one_to_many_added(inst, r).is_empty() {
                        out.push((r.clone(), obj.clone()));
                    }
                    continue;
                }
                let key = r.key();
                let history = if is_new {
                    inst.dict.borrow().get_str(&key).is_some()
                } else {
                    st.committed.borrow().contains_key(&key)
                };
                if history {
                    out.push((r.clone(), obj.clone()));
                }
            }
        }
    }
    out
}

/// A foreign key attribute set by the `post_update` synchronization (`_set_state_attr_by_column`):
/// its history is what the UPDATE sends. An unloaded (expired) old value counts as a change.
fn post_update_set(inst: &Instance, key: &str, v: Value) {
    let old = inst.dict.borrow().get_str(key).cloned();
    if let Some(st) = inst.ext::<InstanceState>() {
        st.committed.borrow_mut().entry(key.to_string()).or_insert(old.unwrap_or(Value::NotImplemented));
        st.modified.set(true);
    }
    inst.dict.borrow_mut().set_str(key, v);
}

/// `ManyToOneDP.process_saves` / `process_deletes` of a `post_update` relationship: the
/// foreign key set from the related object (after saves) or cleared (before deletes), and the
/// row registered for its `PostUpdateAll` (`_post_update`).
fn post_update_process(
    interp: &mut Interp,
    r: &Rc<Relationship>,
    isdelete: bool,
    objs: &[Value],
    rows: &mut Vec<(Value, Vec<Rc<Column>>)>,
) -> PyResult<()> {
    let Some(parent) = r.parent.borrow().upgrade() else { return Ok(()) };
    if r.direction.get() == Direction::OneToMany {
        return post_update_one_to_many(interp, r, &parent, isdelete, objs, rows);
    }
    let key = r.key();
    let fk_cols: Vec<Rc<Column>> = r.pairs.borrow().iter().map(|(_, fk)| fk.clone()).collect();
    for obj in objs {
        let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
        if !mapper_chain(&om).iter().any(|x| Rc::ptr_eq(x, &parent)) {
            continue;
        }
        let fk_key = |c: &Rc<Column>| om.column_key(c).unwrap_or_else(|| c.name());
        if isdelete {
            // The related object, as committed, before the key is cleared: the value held, or
            // the one the committed key names (an expired object loads its row for it; an object
            // in the identity map is taken as it is, a missing one is selected).
            let held = inst.dict.borrow().get_str(&key).cloned();
            let related = match held {
                Some(v) => v,
                None => {
                    let st = instance_state(inst);
                    if let (true, Some(s)) = (st.expired.get(), st.session()) {
                        refresh(interp, &s, &om, inst)?;
                    }
                    let mut keys = Vec::new();
                    for (_, fk) in r.pairs.borrow().iter() {
                        let v = inst.dict.borrow().get_str(&fk_key(fk)).cloned().unwrap_or(Value::None);
                        keys.push(HashKey::of(&v).unwrap_or(HashKey::None));
                    }
                    let target = r.target.borrow().clone();
                    let found = match (&target, st.session()) {
                        (Some(t), Some(s)) if !keys.iter().any(|k| matches!(k, HashKey::None)) => {
                            s.identity_map.borrow().get(&(t.identity_id(), keys)).cloned()
                        }
                        _ => Some(Value::None),
                    };
                    match found {
                        Some(v) => v,
                        None => match inst.class.lookup(&key).and_then(|a| a.payload::<AttrData>()) {
                            Some(data) => attribute_get(interp, &data, obj)?,
                            None => Value::None,
                        },
                    }
                }
            };
            for c in &fk_cols {
                post_update_set(inst, &fk_key(c), Value::None);
            }
            if !related.is_none() {
                register_post_update(rows, obj, &fk_cols);
            }
            continue;
        }
        let child = inst.dict.borrow().get_str(&key).cloned().unwrap_or(Value::None);
        match &child {
            Value::Instance(ci) => {
                if instance_state(ci).session().is_none() {
                    interp.warn(
                        "sqlalchemy.exc.SAWarning",
                        &format!(
                            "Object of type <{}> not in session, add operation along '{}.{}' won't proceed",
                            ci.class.name, parent.class_name, key
                        ),
                    );
                    continue;
                }
                let cm = class_mapper(&ci.class);
                for (target_col, fk_col) in r.pairs.borrow().iter() {
                    let pk_key =
                        cm.as_ref().and_then(|m| m.column_key(target_col)).unwrap_or_else(|| target_col.name());
                    let present = ci.dict.borrow().get_str(&pk_key).cloned();
                    let value = match present {
                        Some(v) => v,
                        None => interp.getattr(&child, &pk_key)?,
                    };
                    post_update_set(inst, &fk_key(fk_col), value);
                }
            }
            _ => {
                for c in &fk_cols {
                    post_update_set(inst, &fk_key(c), Value::None);
                }
            }
        }
        register_post_update(rows, obj, &fk_cols);
    }
    Ok(())
}

/// `OneToManyDP.process_saves` / `process_deletes` of a `post_update` relationship: the
/// members added to a saved parent's collection get its key, those of a deleted parent lose
/// it, and each member's row is registered for the `PostUpdateAll` of the members' mapper
/// (`_post_update`). A member outside the session is left alone (the flush warned of it).
fn post_update_one_to_many(
    interp: &mut Interp,
    r: &Rc<Relationship>,
    parent: &Rc<Mapper>,
    isdelete: bool,
    objs: &[Value],
    rows: &mut Vec<(Value, Vec<Rc<Column>>)>,
) -> PyResult<()> {
    let Some(target) = r.target.borrow().clone() else { return Ok(()) };
    let key = r.key();
    let fk_cols: Vec<Rc<Column>> = r.pairs.borrow().iter().map(|(_, fk)| fk.clone()).collect();
    for obj in objs {
        let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
        if !mapper_chain(&om).iter().any(|x| Rc::ptr_eq(x, parent)) {
            continue;
        }
        let Some(s) = instance_state(inst).session() else { continue };
        let children: Vec<Value> = if isdelete {
            // The collection as the flush found it (loaded for the delete, `flush_collect`).
            match inst.dict.borrow().get_str(&key) {
                Some(Value::List(l)) => l.borrow().clone(),
                Some(v @ Value::Instance(_)) => vec![v.clone()],
                _ => vec![],
            }
        } else {
            // The members added: the new ones since it was loaded, or all of an object that
            // was new when the flush began (saved by now, it has no snapshot to compare with).
            let st = instance_state(inst);
            let loaded = st.loaded_collections.borrow().contains_key(&key);
            let mut added = one_to_many_added(inst, r);
            if !loaded {
                if let Some(Value::List(l)) = inst.dict.borrow().get_str(&key) {
                    for c in l.borrow().iter() {
                        if !added.iter().any(|a| a.is(c)) {
                            added.push(c.clone());
                        }
                    }
                }
            }
            added
        };
        for child in children {
            let Value::Instance(ci) = &child else { continue };
            if !session_contains(&s, ci) || (isdelete && instance_state(ci).deleted.get()) {
                continue;
            }
            for (pk_col, fk_col) in r.pairs.borrow().iter() {
                let fk_key = target.column_key(fk_col).unwrap_or_else(|| fk_col.name());
                let value = if isdelete {
                    Value::None
                } else {
                    let pk_key = om.column_key(pk_col).unwrap_or_else(|| pk_col.name());
                    let present = inst.dict.borrow().get_str(&pk_key).cloned();
                    match present {
                        Some(v) => v,
                        None => interp.getattr(obj, &pk_key)?,
                    }
                };
                post_update_set(ci, &fk_key, value);
            }
            register_post_update(rows, &child, &fk_cols);
        }
    }
    Ok(())
}

/// `UOWTransaction.register_post_update`: the row, and the columns its UPDATE may set.
fn register_post_update(rows: &mut Vec<(Value, Vec<Rc<Column>>)>, obj: &Value, cols: &[Rc<Column>]) {
    match rows.iter_mut().find(|(o, _)| o.is(obj)) {
        Some((_, have)) => {
            for c in cols {
                if !have.iter().any(|h| Rc::ptr_eq(h, c)) {
                    have.push(c.clone());
                }
            }
        }
        None => rows.push((obj.clone(), cols.to_vec())),
    }
}

/// `persistence._post_update`: one UPDATE per registered row (in identity order, consecutive
/// rows setting the same columns in one `executemany`) of the foreign keys whose history has a
/// new value, keyed by the row's primary key, which an expired object loads first.
fn post_update_rows(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    m: &Rc<Mapper>,
    mut rows: Vec<(Value, Vec<Rc<Column>>)>,
) -> PyResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // The columns of every registration of the mapper (`post_update_states[mapper]`).
    let mut cols: Vec<Rc<Column>> = Vec::new();
    for (_, c) in &rows {
        for c in c {
            if !cols.iter().any(|x| Rc::ptr_eq(x, c)) {
                cols.push(c.clone());
            }
        }
    }
    crate::sort::sort_by(&mut rows, |(a, _), (b, _)| state_identity_cmp(a, b));
    let tables = hierarchy_tables(m);
    for table in &tables {
        let mut updates = Vec::new();
        for (obj, _) in &rows {
            let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
            if !mapper_tables(&om).iter().any(|t| Rc::ptr_eq(t, table)) {
                continue;
            }
            let st = instance_state(inst);
            // The primary key, `PASSIVE_OFF`: an expired object loads.
            let pk_unloaded = table
                .primary_key()
                .iter()
                .any(|c| inst.dict.borrow().get_str(&om.column_key(c).unwrap_or_else(|| c.name())).is_none());
            if pk_unloaded && st.expired.get() && !st.deleted.get() {
                refresh(interp, s, &om, inst)?;
            }
            let mut sets = Vec::new();
            for (key, col) in om.columns.iter().filter(|(_, c)| in_table(c, table)) {
                if !cols.iter().any(|c| Rc::ptr_eq(c, col)) {
                    continue;
                }
                let Some(old) = st.committed.borrow().get(key).cloned() else { continue };
                let v = inst.dict.borrow().get_str(key).cloned().unwrap_or(Value::None);
                if !old.is(&Value::NotImplemented)
                    && interp.eq(&v, &old)?
                    && std::mem::discriminant(&v) == std::mem::discriminant(&old)
                {
                    continue;
                }
                sets.push((col.clone(), v));
            }
            if sets.is_empty() {
                continue;
            }
            // `onupdate=` columns the UPDATE leaves alone get their value from the statement
            // (a Python value or callable's result, kept on the object as `_postfetch_post_update`
            // does; a SQL expression inline, the attribute expired).
            let mut exprs: Vec<(Rc<Column>, Clause)> = Vec::new();
            let mut expire: Vec<String> = Vec::new();
            for (key, col) in om.columns.iter().filter(|(_, c)| in_table(c, table)) {
                let Some(on) = &col.onupdate else { continue };
                if sets.iter().any(|(c, _)| Rc::ptr_eq(c, col)) {
                    continue;
                }
                let v = default_value(interp, on)?;
                if let Some(e) = v.payload::<super::module::ExprData>() {
                    exprs.push((col.clone(), e.0.clone()));
                    expire.push(key.clone());
                } else {
                    inst.dict.borrow_mut().set_str(key, v.clone());
                    sets.push((col.clone(), v));
                }
            }
            let pk: Vec<(Rc<Column>, Value)> =
                table.primary_key().into_iter().zip(st.identity.borrow().iter().cloned()).collect();
            let mut sets: Vec<(Rc<Column>, Clause)> = bind_values(interp, sets)?
                .into_iter()
                .map(|(c, v)| {
                    let ty = c.ty.clone();
                    (c, Clause::Bind(v, ty))
                })
                .collect();
            let has_exprs = !exprs.is_empty();
            sets.extend(exprs);
            let position =
                |c: &Rc<Column>| table.columns.borrow().iter().position(|t| Rc::ptr_eq(t, c)).unwrap_or(usize::MAX);
            crate::sort::sort_by_key(&mut sets, |(c, _)| position(c));
            // Post-update rows carry no version counter and fetch nothing back (a versioned
            // post_update, which SQLAlchemy also checks, is not implemented).
            updates.push(UpdateRow {
                table: table.clone(),
                sets,
                pk,
                has_exprs,
                inst: inst.clone(),
                versioned: false,
                returning: Vec::new(),
                expire,
            });
        }
        emit_updates(interp, s, table, &updates)?;
    }
    // The flush is done with these values: they are the committed ones now.
    for (obj, _) in &rows {
        let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
        let st = instance_state(inst);
        let mut committed = st.committed.borrow_mut();
        for (key, col) in &om.columns {
            if cols.iter().any(|c| Rc::ptr_eq(c, col)) {
                committed.remove(key);
            }
        }
        if committed.is_empty() {
            st.modified.set(false);
        }
    }
    Ok(())
}

/// `DeleteAll` of one mapper (`delete_obj`): its deleted objects in identity order
/// (`_sort_states`), table by table from the most derived, each table's rows in one
/// `executemany`. A mapper in a cycle deletes per state, rows others refer to last.
fn delete_rows(interp: &mut Interp, s: &Rc<SessionData>, m: &Rc<Mapper>, mut objs: Vec<Value>) -> PyResult<()> {
    crate::sort::sort_by(&mut objs, state_identity_cmp);
    let tables = hierarchy_tables(m);
    let cyclic = self_referential(m);
    let mut remaining = objs;
    while !remaining.is_empty() {
        let level: Vec<Value> = if cyclic {
            let l: Vec<Value> = remaining
                .iter()
                .filter(|a| !remaining.iter().any(|b| !b.is(a) && row_depends(m, b, a)))
                .cloned()
                .collect();
            if l.is_empty() {
                std::mem::take(&mut remaining)
            } else {
                l
            }
        } else {
            std::mem::take(&mut remaining)
        };
        remaining.retain(|x| !level.iter().any(|l| l.is(x)));
        for obj in &level {
            let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
            if instance_state(inst).expired.get() {
                // The DELETE reads the committed key (`_get_committed_state_attr_by_column`),
                // which loads an expired object (nothing else loaded it: `passive_deletes`).
                refresh(interp, s, &om, inst)?;
            }
        }
        for table in tables.iter().rev() {
            let mut sql = String::new();
            let mut params = Vec::new();
            let mut versioned = false;
            for obj in &level {
                let (Value::Instance(inst), Some(om)) = (obj, object_mapper(obj)) else { continue };
                if !mapper_tables(&om).iter().any(|t| Rc::ptr_eq(t, table)) {
                    continue;
                }
                let st = instance_state(inst);
                let mut pk: Vec<(Rc<Column>, Value)> =
                    table.primary_key().into_iter().zip(st.identity.borrow().iter().cloned()).collect();
                // A versioned row is deleted only at the version loaded.
                if let Some(vc) = om.version_id_col.clone().filter(|vc| in_table(vc, table)) {
                    let key = om.column_key(&vc).unwrap_or_else(|| vc.name());
                    let v = inst.dict.borrow().get_str(&key).cloned().unwrap_or(Value::None);
                    pk.push((vc, v));
                    versioned = true;
                }
                let compiled = SqlCompiler::default().delete(table, &pk);
                sql = compiled.sql;
                params.push(compiled.params);
            }
            if !params.is_empty() {
                let n = params.len();
                // The rows a DELETE matched are checked against a version counter.
                let matched = if versioned && n > 1 {
                    let mut total = 0;
                    for p in params {
                        total += run_rows(interp, s, &sql, vec![p])?.unwrap_or(0);
                    }
                    Some(total)
                } else {
                    run_rows(interp, s, &sql, params)?
                };
                // `confirm_deleted_rows`: without a version counter, a DELETE that matched
                // another number of rows than it was sent for only warns.
                if let (false, Some(matched)) = (versioned, matched) {
                    if matched != n as i64 {
                        interp.warn(
                            "sqlalchemy.exc.SAWarning",
                            &format!(
                                "DELETE statement on table '{}' expected to delete {n} row(s); {matched} were matched.  Please set confirm_deleted_rows=False within the mapper configuration to prevent this warning.",
                                table.name
                            ),
                        );
                    }
                }
                if let (true, Some(matched)) = (versioned, matched) {
                    if matched != n as i64 {
                        return Err(sa_error(
                            interp,
                            "StaleDataError",
                            format!(
                                "DELETE statement on table '{}' expected to delete {n} row(s); {matched} were matched.  Please set confirm_deleted_rows=False within the mapper configuration to prevent this warning.",
                                table.name
                            ),
                        ));
                    }
                }
            }
        }
        for obj in &level {
            let Value::Instance(inst) = obj else { continue };
            let st = instance_state(inst);
            // The object keeps its identity (its repr still names it); it stays the session's,
            // deleted, until the transaction ends.
            if let Some(key) = st.key.borrow().clone() {
                s.identity_map.borrow_mut().remove(&key);
            }
            s.tx_deleted.borrow_mut().push(obj.clone());
        }
    }
    Ok(())
}

/// The objects whose many-to-many relationship `r` a `ProcessAll` (`only`: `None`) or the
/// `ProcessState`s taken together (`only`) go through: new objects in the order they were
/// added, then persistent ones. (SQLAlchemy iterates a `set` of states here, in an order that
/// follows memory addresses.)
fn association_parents(
    s: &Rc<SessionData>,
    r: &Rc<Relationship>,
    new: &[Value],
    only: Option<Vec<Value>>,
) -> Vec<Value> {
    if let Some(only) = only {
        return only;
    }
    let Some(parent) = r.parent.borrow().upgrade() else { return vec![] };
    let has_rel = |o: &Value| object_mapper(o).is_some_and(|m| mapper_chain(&m).iter().any(|x| Rc::ptr_eq(x, &parent)));
    let mut objects: Vec<Value> = new.iter().filter(|o| has_rel(o)).cloned().collect();
    crate::sort::sort_by_key(&mut objects, |o| {
        o.as_instance().map(|i| instance_state(i).insert_order.get()).unwrap_or(0)
    });
    for o in s.identity_map.borrow().values() {
        if has_rel(o) && !objects.iter().any(|x| x.is(o)) {
            objects.push(o.clone());
        }
    }
    objects
}

/// Many-to-many collections (`ManyToManyDP.process_saves`): rows of the association table for
/// members added since the collection was loaded (or all, for new objects), deleted for
/// members removed; deletes first (`_run_crud`). `only`: the one relationship whose action
/// runs. Both sides of a backref pair name the same rows; each row is written once
/// (`written`, across the flush).
fn sync_associations(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    objects: &[Value],
    only: Option<&Rc<Relationship>>,
    written: &mut Vec<(String, Vec<HashKey>)>,
) -> PyResult<()> {
    let seen = written;
    // (association table, statement kind) → rows, in first-seen order.
    let mut inserts: Vec<(Rc<Table>, Vec<Vec<Value>>)> = Vec::new();
    let mut deletes: Vec<(Rc<Table>, Vec<Vec<Value>>)> = Vec::new();
    for obj in objects {
        let (Value::Instance(inst), Some(m)) = (obj, object_mapper(obj)) else { continue };
        let st = instance_state(inst);
        if st.deleted.get() {
            continue;
        }
        let rels = m.relationships.borrow().clone();
        for r in rels {
            if only.is_some_and(|o| !Rc::ptr_eq(o, &r)) {
                continue;
            }
            let Some(m2m) = r.m2m.borrow().clone() else { continue };
            let Some(target) = r.target.borrow().clone() else { continue };
            let (added, removed): (Vec<Value>, Vec<Value>) = if r.is_appender() {
                // A dynamic collection's changes wait in the state until the flush.
                let of_key = |list: &RefCell<Vec<(String, Value)>>| -> Vec<Value> {
                    list.borrow().iter().filter(|(k, _)| *k == r.key()).map(|(_, v)| v.clone()).collect()
                };
                (of_key(&st.pending_dynamic), of_key(&st.pending_dynamic_removed))
            } else {
                let key = r.key();
                // Backref appends waiting on a collection never loaded (taken up once).
                let waiting: Vec<Value> = st
                    .pending_collection_appends
                    .borrow()
                    .iter()
                    .filter(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
                    .collect();
                st.pending_collection_appends.borrow_mut().retain(|(k, _)| *k != key);
                let now = match inst.dict.borrow().get_str(&key) {
                    Some(Value::List(l)) => l.borrow().clone(),
                    _ if !waiting.is_empty() => vec![],
                    _ => continue,
                };
                let before = st.loaded_collections.borrow().get(&key).cloned().unwrap_or_default();
                let mut added: Vec<Value> = now.iter().filter(|n| !before.iter().any(|b| b.is(n))).cloned().collect();
                for w in waiting {
                    if !added.iter().any(|a| a.is(&w)) {
                        added.push(w);
                    }
                }
                let removed = before.iter().filter(|b| !now.iter().any(|n| n.is(b))).cloned().collect();
                (added, removed)
            };
            for ((members, bucket), operation) in
                [(added, &mut inserts), (removed, &mut deletes)].into_iter().zip(["add", "delete"])
            {
                for child in members {
                    // A member outside the session has no row (`ManyToManyDP._synchronize`).
                    if let Value::Instance(ci) = &child {
                        if !session_contains(s, ci) {
                            if !instance_state(ci).deleted.get() {
                                interp.warn(
                                    "sqlalchemy.exc.SAWarning",
                                    &format!(
                                        "Object of type <{}> not in session, {operation} operation along '{}' won't proceed",
                                        ci.class.name,
                                        relationship_name(&r)
                                    ),
                                );
                            }
                            continue;
                        }
                    }
                    let Some(values) = association_row(interp, &m2m, (&m, obj), (&target, &child))? else { continue };
                    let key = (
                        m2m.table.name.clone(),
                        values.iter().map(|v| HashKey::of(v).unwrap_or(HashKey::None)).collect(),
                    );
                    if seen.contains(&key) {
                        continue;
                    }
                    seen.push(key);
                    match bucket.iter_mut().find(|(t, _)| Rc::ptr_eq(t, &m2m.table)) {
                        Some((_, rows)) => rows.push(values),
                        None => bucket.push((m2m.table.clone(), vec![values])),
                    }
                }
            }
            if !r.is_appender() {
                if let Some(Value::List(l)) = inst.dict.borrow().get_str(&r.key()) {
                    st.loaded_collections.borrow_mut().insert(r.key(), l.borrow().clone());
                }
            }
        }
    }
    run_association_crud(interp, s, inserts, deletes)
}

/// An association table's row linking `parent` and `child` (`ManyToManyDP._synchronize`): the
/// values in the table's column order. A key not loaded (an object expired since) is loaded
/// now, as the dependency processor's history lookup does. `None` for a child that is not an
/// object.
fn association_row(
    interp: &mut Interp,
    m2m: &ManyToMany,
    (m, obj): (&Rc<Mapper>, &Value),
    (target, child): (&Rc<Mapper>, &Value),
) -> PyResult<Option<Vec<Value>>> {
    let (Value::Instance(inst), Value::Instance(ci)) = (obj, child) else { return Ok(None) };
    let mut row: Vec<(Rc<Column>, Value)> = Vec::new();
    for (pairs, mapper, o, i) in [(&m2m.parent_pairs, m, obj, inst), (&m2m.target_pairs, target, child, ci)] {
        for (pk, ac) in pairs {
            let k = mapper.column_key(pk).unwrap_or_else(|| pk.name());
            let v = i.dict.borrow().get_str(&k).cloned();
            let v = match v {
                Some(v) => v,
                None => interp.getattr(o, &k)?,
            };
            row.push((ac.clone(), v));
        }
    }
    let cols = m2m.table.columns.borrow().clone();
    Ok(Some(cols.iter().filter_map(|c| row.iter().find(|(ac, _)| Rc::ptr_eq(ac, c)).map(|(_, v)| v.clone())).collect()))
}

/// `ManyToManyDP._run_crud`: an association table's DELETE, then its INSERT, one statement
/// each (`executemany` for several rows).
fn run_association_crud(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    inserts: Vec<(Rc<Table>, Vec<Vec<Value>>)>,
    deletes: Vec<(Rc<Table>, Vec<Vec<Value>>)>,
) -> PyResult<()> {
    for (table, rows) in deletes {
        let cols = table.columns.borrow().clone();
        let first: Vec<(Rc<Column>, Value)> = cols.iter().cloned().zip(rows[0].iter().cloned()).collect();
        let compiled = SqlCompiler::default().delete(&table, &first);
        let params: Vec<Vec<SqlValue>> =
            rows.iter().map(|r| cols.iter().zip(r).map(|(c, v)| c.ty.bind(v)).collect()).collect();
        run_rows(interp, s, &compiled.sql, params)?;
    }
    for (table, rows) in inserts {
        let cols = table.columns.borrow().clone();
        let first: Vec<(Rc<Column>, Value)> = cols.iter().cloned().zip(rows[0].iter().cloned()).collect();
        let compiled = SqlCompiler::default().insert(&table, &first);
        let params: Vec<Vec<SqlValue>> =
            rows.iter().map(|r| cols.iter().zip(r).map(|(c, v)| c.ty.bind(v)).collect()).collect();
        run_rows(interp, s, &compiled.sql, params)?;
    }
    Ok(())
}

/// `ManyToManyDP.process_deletes`: the association rows of deleted parents, for the members
/// their collection's history does not add (`history.non_added()`: those still in it, then
/// those removed since it was loaded), each row once across the flush (`written`).
fn delete_associations(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    objects: &[Value],
    r: &Rc<Relationship>,
    written: &mut Vec<(String, Vec<HashKey>)>,
) -> PyResult<()> {
    let Some(m2m) = r.m2m.borrow().clone() else { return Ok(()) };
    let Some(target) = r.target.borrow().clone() else { return Ok(()) };
    let mut rows: Vec<Vec<Value>> = Vec::new();
    for obj in objects {
        let (Value::Instance(inst), Some(m)) = (obj, object_mapper(obj)) else { continue };
        let st = instance_state(inst);
        let Some(before) = st.loaded_collections.borrow().get(&r.key()).cloned() else { continue };
        let now = match inst.dict.borrow().get_str(&r.key()) {
            Some(Value::List(l)) => l.borrow().clone(),
            _ => vec![],
        };
        let unchanged = now.iter().filter(|n| before.iter().any(|b| b.is(n)));
        let removed = before.iter().filter(|b| !now.iter().any(|n| n.is(b)));
        let members: Vec<Value> = unchanged.chain(removed).cloned().collect();
        for child in members {
            let Some(values) = association_row(interp, &m2m, (&m, obj), (&target, &child))? else { continue };
            let key =
                (m2m.table.name.clone(), values.iter().map(|v| HashKey::of(v).unwrap_or(HashKey::None)).collect());
            if written.contains(&key) {
                continue;
            }
            written.push(key);
            rows.push(values);
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    run_association_crud(interp, s, vec![], vec![(m2m.table.clone(), rows)])
}

/// Does a one-to-many collection of persistent `inst` hold an object the flush inserts? The
/// parent then takes part in the flush (`OneToManyDP.process_saves`), which sets the child's
/// foreign key from the parent's key.
fn has_new_child(inst: &Rc<Instance>, new: &[Value]) -> bool {
    if new.is_empty() {
        return false;
    }
    let Some(m) = class_mapper(&inst.class) else { return false };
    let rels = m.relationships.borrow();
    let dict = inst.dict.borrow();
    rels.iter().filter(|r| r.direction.get() == Direction::OneToMany && r.m2m.borrow().is_none()).any(|r| {
        let Some(Value::List(l)) = dict.get_str(&r.key()) else { return false };
        let l = l.borrow();
        l.iter().any(|c| new.iter().any(|n| n.is(c)))
    })
}

/// Has a loaded many-to-many collection of `inst` changed since it was loaded?
fn m2m_changed(inst: &Rc<Instance>) -> bool {
    collection_changed(inst, true)
}

/// Has a loaded collection of `inst` (only many-to-many ones with `m2m_only`) changed since it
/// was loaded?
fn collection_changed(inst: &Rc<Instance>, m2m_only: bool) -> bool {
    let Some(m) = class_mapper(&inst.class) else { return false };
    let st = instance_state(inst);
    let snapshots = st.loaded_collections.borrow();
    let rels = m.relationships.borrow();
    rels.iter().filter(|r| !m2m_only || r.m2m.borrow().is_some()).any(|r| {
        let (Some(before), Some(Value::List(now))) =
            (snapshots.get(&r.key()), inst.dict.borrow().get_str(&r.key()).cloned())
        else {
            return false;
        };
        let now = now.borrow();
        now.len() != before.len() || now.iter().zip(before.iter()).any(|(a, b)| !a.is(b))
    })
}

/// Is the object in `Session.dirty` (`InstanceState.modified`, set by any change event: an
/// attribute set, a collection changed, a backref's append to a collection not loaded)? A
/// deleted object is not.
pub fn is_dirty(inst: &Rc<Instance>) -> bool {
    let st = instance_state(inst);
    !st.deleted.get()
        && (st.modified.get()
            || !st.pending_collection_appends.borrow().is_empty()
            || !st.pending_dynamic.borrow().is_empty()
            || !st.pending_dynamic_removed.borrow().is_empty()
            || collection_changed(inst, false))
}

/// One row: `execute`; several: `executemany`, as the unit of work sends them.
/// Runs one statement for each parameter row: alone, or as one `executemany`. Gives the rows
/// the database matched when it ran alone (the `rowcount` the ORM checks).
fn run_rows(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    sql: &str,
    mut rows: Vec<Vec<SqlValue>>,
) -> PyResult<Option<i64>> {
    if rows.len() == 1 {
        let params = rows.remove(0);
        let r = s.execute(interp, sql, params)?;
        return Ok(Some(r.changes));
    }
    s.begin_for(interp, &s.get_bind(sql))?;
    let conn = s.connection(sql);
    let r = super::events::execute_many(interp, &conn, sql, rows)?;
    r.map(Some).map_err(|e| dbapi_error(interp, e))
}

/// `Session.delete(obj)`: marks a persistent object for deletion, cascading to related
/// objects along `cascade="delete"` relationships (loading them now, as SQLAlchemy does).
pub fn session_delete(interp: &mut Interp, s: &Rc<SessionData>, obj: &Value) -> PyResult<()> {
    s.autobegin(interp)?;
    let Value::Instance(inst) = obj else { return Err(unmapped_instance(interp, obj)) };
    let Some(m) = class_mapper(&inst.class) else { return Err(unmapped_instance(interp, obj)) };
    let st = instance_state(inst);
    if st.key.borrow().is_none() {
        let r = state_str(obj);
        return Err(sa_error(interp, "InvalidRequestError", format!("Instance '{r}' is not persisted")));
    }
    if st.deleted.get() {
        return Ok(());
    }
    // The objects the delete cascades to are gathered first, loading what they need (an
    // autoflush of those loads must not delete this object yet), then all are marked
    // (`Session._delete_impl` with `cascade_iterator("delete")`); pending ones are skipped.
    let mut cascaded: Vec<Value> = Vec::new();
    delete_cascade(interp, s, inst, &m, obj, &mut cascaded)?;
    for o in std::iter::once(obj.clone()).chain(cascaded) {
        let Value::Instance(i) = &o else { continue };
        let st = instance_state(i);
        if st.deleted.get() || st.key.borrow().is_none() {
            continue;
        }
        st.deleted.set(true);
        s.deleted.borrow_mut().push(o.clone());
    }
    Ok(())
}

fn delete_cascade(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    inst: &Rc<Instance>,
    m: &Rc<Mapper>,
    obj: &Value,
    out: &mut Vec<Value>,
) -> PyResult<()> {
    let rels = m.relationships.borrow().clone();
    for r in rels {
        if !r.args.cascade_delete {
            continue;
        }
        if r.args.passive_deletes && inst.dict.borrow().get_str(&r.key()).is_none() {
            continue;
        }
        let Some(attr) = inst.class.lookup(&r.key()) else { continue };
        let Some(data) = attr.payload::<AttrData>() else { continue };
        let items = if r.lazy() == "dynamic" {
            dynamic_members(interp, s, &data, obj)?
        } else {
            match attribute_get(interp, &data, obj)? {
                Value::List(l) => l.borrow().clone(),
                Value::None => vec![],
                other => vec![other],
            }
        };
        for it in items {
            let (Value::Instance(ci), Some(cm)) = (&it, object_mapper(&it)) else { continue };
            if it.is(obj) || out.iter().any(|x| x.is(&it)) || instance_state(ci).deleted.get() {
                continue;
            }
            out.push(it.clone());
            delete_cascade(interp, s, ci, &cm, &it, out)?;
        }
    }
    Ok(())
}

/// The members of a `lazy='dynamic'` collection as the database has them: its query run
/// without autoflush (what the collection's history reads for a cascade or a delete).
fn dynamic_members(interp: &mut Interp, s: &Rc<SessionData>, data: &AttrData, obj: &Value) -> PyResult<Vec<Value>> {
    let query = attribute_get(interp, data, obj)?;
    s.no_autoflush(|| interp.iterate(&query))
}

fn set_dict_attr(inst: &Instance, key: &str, v: Value) {
    let state = inst.ext::<InstanceState>();
    let old = inst.dict.borrow().get_str(key).cloned();
    let changed = match &old {
        Some(o) => !o.is(&v) && !matches!((o, &v), (Value::Int(a), Value::Int(b)) if a == b),
        None => true,
    };
    if let Some(st) = state {
        if changed && st.key.borrow().is_some() {
            // A persistent object's attribute that is not loaded (expired) has no known
            // committed value: SQLAlchemy's history records NO_VALUE, so the UPDATE sets it.
            st.committed.borrow_mut().entry(key.to_string()).or_insert(old.unwrap_or(Value::NotImplemented));
            st.modified.set(true);
        }
    }
    inst.dict.borrow_mut().set_str(key, v);
}

fn sync_many_to_one(interp: &mut Interp, m: &Rc<Mapper>, inst: &Rc<Instance>) -> PyResult<()> {
    let rels = m.relationships.borrow().clone();
    for r in rels {
        // A `post_update` relationship's key is set after the saves (`post_update_process`).
        if r.direction.get() != Direction::ManyToOne || r.args.post_update {
            continue;
        }
        let v = inst.dict.borrow().get_str(&r.key()).cloned();
        let Some(v) = v else { continue };
        if let Value::Instance(parent) = &v {
            // A referenced object outside the object's session is not synchronized; when the
            // reference is new, SQLAlchemy says so (`ManyToOneDP._synchronize`).
            let st = instance_state(inst);
            let session = st.session();
            let contained = match (&session, instance_state(parent).session()) {
                (Some(a), Some(b)) => a.id == b.id,
                _ => false,
            };
            if !contained {
                if session.is_some() && (st.key.borrow().is_none() || st.committed.borrow().contains_key(&r.key())) {
                    interp.warn(
                        "sqlalchemy.exc.SAWarning",
                        &format!(
                            "Object of type <{}> not in session, add operation along '{}' won't proceed",
                            parent.class.name,
                            relationship_name(&r)
                        ),
                    );
                }
                continue;
            }
        }
        for (target_col, fk_col) in r.pairs.borrow().iter() {
            let fk_key = m.column_key(fk_col).unwrap_or_else(|| fk_col.name());
            let value = match &v {
                Value::Instance(parent) => {
                    let pm = class_mapper(&parent.class);
                    let pk_key = pm.and_then(|pm| pm.column_key(target_col)).unwrap_or_else(|| target_col.name());
                    let present = parent.dict.borrow().get_str(&pk_key).cloned();
                    match present {
                        Some(v) => v,
                        // An expired persistent parent: its key is loaded (`PASSIVE_OFF`).
                        None if instance_state(parent).key.borrow().is_some() => {
                            interp.getattr(&Value::Instance(parent.clone()), &pk_key)?
                        }
                        None => Value::None,
                    }
                }
                _ => Value::None,
            };
            set_dict_attr(inst, &fk_key, value);
        }
    }
    Ok(())
}

fn sync_one_to_many(m: &Rc<Mapper>, inst: &Rc<Instance>) {
    let rels = m.relationships.borrow().clone();
    for r in rels {
        // A `post_update` relationship's keys are set after the saves (`post_update_process`).
        if r.direction.get() != Direction::OneToMany || r.m2m.borrow().is_some() || r.args.post_update {
            continue;
        }
        let Some(target) = r.target.borrow().clone() else { continue };
        let v = inst.dict.borrow().get_str(&r.key()).cloned();
        let mut children = match v {
            Some(Value::List(l)) => l.borrow().clone(),
            Some(Value::Instance(i)) => vec![Value::Instance(i)],
            _ => vec![],
        };
        children.extend(
            instance_state(inst).pending_dynamic.borrow().iter().filter(|(k, _)| *k == r.key()).map(|(_, v)| v.clone()),
        );
        for child in children {
            let Value::Instance(ci) = &child else { continue };
            for (pk_col, fk_col) in r.pairs.borrow().iter() {
                let pk_key = m.column_key(pk_col).unwrap_or_else(|| pk_col.name());
                let fk_key = target.column_key(fk_col).unwrap_or_else(|| fk_col.name());
                let value = inst.dict.borrow().get_str(&pk_key).cloned().unwrap_or(Value::None);
                set_dict_attr(ci, &fk_key, value);
            }
        }
    }
}

/// Runs the bind processors that need Python over (column, value) pairs.
fn bind_values(interp: &mut Interp, values: Vec<(Rc<Column>, Value)>) -> PyResult<Vec<(Rc<Column>, Value)>> {
    let mut out = Vec::with_capacity(values.len());
    for (c, v) in values {
        let v = process_bind(interp, &c.ty, &v)?;
        out.push((c, v));
    }
    Ok(out)
}

fn column_default(interp: &mut Interp, c: &Column) -> PyResult<Option<Value>> {
    c.default.as_ref().map(|d| default_value(interp, d)).transpose()
}

/// A Python-side `default` / `onupdate`'s value for one row: the scalar, or the callable's result.
fn default_value(interp: &mut Interp, d: &super::schema::ColumnDefault) -> PyResult<Value> {
    match d {
        super::schema::ColumnDefault::Scalar(v) => Ok(v.clone()),
        super::schema::ColumnDefault::Callable(f) => interp.call(f, Args::default()),
    }
}

/// One object's INSERT into one table, compiled, and the server-generated columns its
/// RETURNING fetches (none: the row can go in an `executemany` with others).
struct PreparedInsert {
    compiled: super::sql::Compiled,
    returning: Vec<Rc<Column>>,
}

/// The parameters of an object's row (Python-side defaults filled in and set on the object)
/// and what its INSERT must fetch back (`_collect_insert_commands`).
fn prepare_insert(
    interp: &mut Interp,
    s: &SessionData,
    m: &Rc<Mapper>,
    table: &Rc<Table>,
    inst: &Rc<Instance>,
    batched: bool,
) -> PyResult<PreparedInsert> {
    let table = table.clone();
    let auto = table.autoincrement_column();
    let mut returning: Vec<Rc<Column>> = Vec::new();
    let mut values: Vec<(Rc<Column>, Value)> = Vec::new();
    for (key, col) in m.columns.iter().filter(|(_, c)| in_table(c, &table)) {
        // The version counter starts at `version_id_generator(None)`, 1.
        if m.version_id_col.as_ref().map(|v| Rc::ptr_eq(v, col)).unwrap_or(false) {
            inst.dict.borrow_mut().set_str(key, Value::Int(1));
        }
        let present = inst.dict.borrow().get_str(key).cloned();
        let value = match present {
            Some(v) if !v.is_none() => Some(v),
            _ => match column_default(interp, col)? {
                Some(d) => {
                    inst.dict.borrow_mut().set_str(key, d.clone());
                    Some(d)
                }
                None => None,
            },
        };
        match value {
            Some(v) => values.push((col.clone(), v)),
            None => {
                let is_auto = auto.as_ref().map(|a| Rc::ptr_eq(a, col)).unwrap_or(false);
                if !col.primary_key.get() && !is_auto && col.server_default.is_none() {
                    values.push((col.clone(), Value::None));
                }
                // Server-generated values are fetched eagerly with RETURNING.
                if col.server_default.is_some() || (is_auto && batched) {
                    returning.push(col.clone());
                }
            }
        }
    }
    // A table with server defaults is inserted with `return_defaults()` (`eager_defaults`
    // "auto"): its new primary key comes back through RETURNING, not `lastrowid`.
    // A versioned mapper's INSERT always goes through `return_defaults(version_id_col)`
    // (`_emit_insert_statements`), which brings a missing primary key back by RETURNING.
    let server_defaults =
        table.columns.borrow().iter().any(|c| c.server_default.is_some()) || m.version_id_col.is_some();
    if !returning.is_empty() || server_defaults {
        if let Some(a) = &auto {
            if !returning.iter().any(|c| Rc::ptr_eq(c, a))
                && inst
                    .dict
                    .borrow()
                    .get_str(&m.column_key(a).unwrap_or_else(|| a.name()))
                    .map(|v| v.is_none())
                    .unwrap_or(true)
            {
                returning.push(a.clone());
            }
        }
        crate::sort::sort_by_key(&mut returning, |c| {
            table.columns.borrow().iter().position(|t| Rc::ptr_eq(t, c)).unwrap_or(usize::MAX)
        });
    }
    let values = match bind_values(interp, values.clone()) {
        Ok(v) => v,
        Err(e) => {
            let sql = SqlCompiler::default().insert(&table, &values).sql;
            let params = values.iter().map(|(c, v)| (c.key(), v.clone())).collect();
            return Err(bind_error(interp, s, &sql, params, e));
        }
    };
    let mut compiled = SqlCompiler::default().insert(&table, &values);
    if !returning.is_empty() {
        let names: Vec<String> = returning.iter().map(|c| SqlCompiler::default().quote(&c.name())).collect();
        compiled.sql.push_str(&format!(" RETURNING {}", names.join(", ")));
    }
    Ok(PreparedInsert { compiled, returning })
}

/// After an object's INSERT: the fetched columns (or the rowid) set on it; after the last table
/// of its mapper, its identity key and the identity map.
#[allow(clippy::too_many_arguments)]
fn finish_insert(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    m: &Rc<Mapper>,
    table: &Rc<Table>,
    obj: &Value,
    inst: &Rc<Instance>,
    returning: &[Rc<Column>],
    returned: Option<&Vec<SqlValue>>,
    last_insert_rowid: i64,
) -> PyResult<()> {
    let table = table.clone();
    let auto = table.autoincrement_column();
    if let Some(row) = returned {
        // `_postfetch`: the server-generated values (not the primary key) are what
        // `refresh_flush` reports.
        let mut fetched = Vec::new();
        for (col, v) in returning.iter().zip(row) {
            let key = m.column_key(col).unwrap_or_else(|| col.name());
            let v = process_result(interp, &col.ty, v)?;
            inst.dict.borrow_mut().set_str(&key, v);
            if !col.primary_key.get() {
                fetched.push(Value::str(&key));
            }
        }
        if !fetched.is_empty() && super::events::instance_events_on(interp) {
            let ctx = super::events::uow_transaction(interp, s)?;
            super::events::instance_event(interp, "refresh_flush", obj, vec![ctx, Value::list(fetched)])?;
        }
    }
    if let Some(a) = &auto {
        let key = m.column_key(a).unwrap_or_else(|| a.name());
        let cur = inst.dict.borrow().get_str(&key).cloned().unwrap_or(Value::None);
        if cur.is_none() {
            inst.dict.borrow_mut().set_str(&key, Value::Int(last_insert_rowid));
        }
    }
    // The rows of a joined subclass's other tables come later; the last one makes the
    // object persistent.
    if !Rc::ptr_eq(&table, &m.table) {
        return Ok(());
    }
    let state = instance_state(inst);
    match identity_of(interp, m, inst)? {
        Some((key, vals)) => {
            *state.key.borrow_mut() = Some(key.clone());
            *state.identity.borrow_mut() = vals;
            s.identity_insert(key, obj.clone());
            s.tx_inserted.borrow_mut().push(obj.clone());
        }
        None => {
            let r = interp.repr(obj)?;
            return Err(sa_error(interp, "FlushError", format!("Instance {r} has a NULL identity key.")));
        }
    }
    state.modified.set(false);
    state.committed.borrow_mut().clear();
    Ok(())
}

/// The UPDATEs one changed object needs, table by table (nothing is sent yet).
fn collect_update(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    m: &Rc<Mapper>,
    inst: &Rc<Instance>,
) -> PyResult<Vec<UpdateRow>> {
    let state = instance_state(inst);
    let changed: Vec<String> = state.committed.borrow().keys().cloned().collect();
    let mut sets = Vec::new();
    for (key, col) in &m.columns {
        if changed.contains(key) {
            let v = inst.dict.borrow().get_str(key).cloned().unwrap_or(Value::None);
            let old = state.committed.borrow().get(key).cloned().unwrap_or(Value::None);
            if interp.eq(&v, &old)? && std::mem::discriminant(&v) == std::mem::discriminant(&old) {
                continue;
            }
            sets.push((col.clone(), v));
        }
    }
    // An expired object's primary key is loaded before its UPDATE, with its other expired
    // attributes not changed since (`_get_committed_state_attr_by_column` loads through
    // `state._load_expired`).
    let pk_expired = m.table.primary_key().iter().any(|c| {
        let k = m.column_key(c).unwrap_or_else(|| c.name());
        inst.dict.borrow().get_str(&k).is_none()
    });
    if !sets.is_empty() && pk_expired && state.expired.get() && mapper_tables(m).len() == 1 {
        refresh(interp, s, m, inst)?;
    }
    // `onupdate=` columns the change leaves alone get their value (a Python value, a
    // callable's result, or a SQL expression rendered inline); an expired object's other
    // attributes are loaded first.
    let mut exprs: Vec<(Rc<Column>, Clause)> = Vec::new();
    let has_onupdate = m.columns.iter().any(|(_, c)| c.onupdate.is_some());
    if has_onupdate && !sets.is_empty() {
        let missing: Vec<(String, Rc<Column>)> =
            m.columns.iter().filter(|(k, _)| inst.dict.borrow().get_str(k).is_none()).cloned().collect();
        if !missing.is_empty() {
            let mut select = Select::new(LabelStyle::None);
            select.columns = missing.iter().map(|(_, c)| Clause::Column(c.clone())).collect();
            for (c, v) in m.table.primary_key().into_iter().zip(state.identity.borrow().iter()) {
                select.where_.push(Clause::binary(
                    Clause::Column(c.clone()),
                    "=",
                    Clause::Bind(v.clone(), c.ty.clone()),
                ));
            }
            let compiled = SqlCompiler::default().select(&select);
            let result = s.execute(interp, &compiled.sql, compiled.params)?;
            if let Some(row) = result.rows.first() {
                for ((k, c), v) in missing.iter().zip(row) {
                    let v = process_result(interp, &c.ty, v)?;
                    inst.dict.borrow_mut().set_str(k, v);
                }
            }
        }
        for (key, col) in &m.columns {
            let Some(on) = &col.onupdate else { continue };
            if sets.iter().any(|(c, _)| Rc::ptr_eq(c, col)) {
                continue;
            }
            let v = default_value(interp, on)?;
            if let Some(e) = v.payload::<super::module::ExprData>() {
                exprs.push((col.clone(), e.0.clone()));
                inst.dict.borrow_mut().remove(&Value::str(key));
            } else {
                inst.dict.borrow_mut().set_str(key, v.clone());
                sets.push((col.clone(), v));
            }
        }
    }
    // `version_id_col`: the UPDATE sets the next version and matches the one loaded.
    let mut version_check: Option<(Rc<Column>, Value)> = None;
    if let Some(vc) = m.version_id_col.clone() {
        if !sets.is_empty() || !exprs.is_empty() {
            let key = m.column_key(&vc).unwrap_or_else(|| vc.name());
            let current = inst.dict.borrow().get_str(&key).cloned().unwrap_or(Value::None);
            let old = state.committed.borrow().get(&key).cloned().unwrap_or(current);
            if !sets.iter().any(|(c, _)| Rc::ptr_eq(c, &vc)) {
                let next = match &old {
                    Value::None => Value::Int(1),
                    v => interp.binop(crate::python::ast::BinOp::Add, v.clone(), Value::Int(1))?,
                };
                inst.dict.borrow_mut().set_str(&key, next.clone());
                sets.push((vc.clone(), next));
            }
            version_check = Some((vc, old));
        }
    }
    // Columns the database changes on UPDATE (`server_onupdate`, and SQL expressions set by
    // `onupdate=`): fetched with RETURNING under `eager_defaults=True`, else expired.
    let server_changed: Vec<(String, Rc<Column>)> = m
        .columns
        .iter()
        .filter(|(_, c)| {
            c.server_onupdate.is_some() && !sets.iter().any(|(x, _)| Rc::ptr_eq(x, c))
                || (m.eager_defaults && exprs.iter().any(|(x, _)| Rc::ptr_eq(x, c)))
        })
        .cloned()
        .collect();
    let mut rows = Vec::new();
    for table in mapper_tables(m) {
        let table_sets: Vec<(Rc<Column>, Value)> = sets.iter().filter(|(c, _)| in_table(c, &table)).cloned().collect();
        let table_exprs: Vec<(Rc<Column>, Clause)> =
            exprs.iter().filter(|(c, _)| in_table(c, &table)).cloned().collect();
        if table_sets.is_empty() && table_exprs.is_empty() {
            continue;
        }
        let mut pk: Vec<(Rc<Column>, Value)> =
            table.primary_key().into_iter().zip(state.identity.borrow().iter().cloned()).collect();
        let versioned = match &version_check {
            Some((vc, old)) if in_table(vc, &table) => {
                pk.push((vc.clone(), old.clone()));
                true
            }
            _ => false,
        };
        let changed: Vec<(String, Rc<Column>)> =
            server_changed.iter().filter(|(_, c)| in_table(c, &table)).cloned().collect();
        let (returning, expire) = if m.eager_defaults { (changed, Vec::new()) } else { (Vec::new(), changed) };
        let bound = match bind_values(interp, table_sets.clone()) {
            Ok(b) => b,
            Err(e) => {
                let mut sorted = table_sets;
                crate::sort::sort_by_key(&mut sorted, |(c, _)| {
                    table.columns.borrow().iter().position(|t| Rc::ptr_eq(t, c)).unwrap_or(usize::MAX)
                });
                let sql = SqlCompiler::default().update(&table, &sorted, &pk).sql;
                // The primary key's parameters are named by the column's label (`user_id`).
                let params = sorted
                    .iter()
                    .map(|(c, v)| (c.key(), v.clone()))
                    .chain(pk.iter().map(|(c, v)| (format!("{}_{}", table.name, c.name()), v.clone())))
                    .collect();
                return Err(bind_error(interp, s, &sql, params, e));
            }
        };
        let mut all: Vec<(Rc<Column>, Clause)> = bound
            .into_iter()
            .map(|(c, v)| {
                let ty = c.ty.clone();
                (c, Clause::Bind(v, ty))
            })
            .collect();
        let has_exprs = !table_exprs.is_empty();
        all.extend(table_exprs);
        let position =
            |c: &Rc<Column>| table.columns.borrow().iter().position(|t| Rc::ptr_eq(t, c)).unwrap_or(usize::MAX);
        crate::sort::sort_by_key(&mut all, |(c, _)| position(c));
        let mut returning = returning;
        crate::sort::sort_by_key(&mut returning, |(_, c)| position(c));
        rows.push(UpdateRow {
            table,
            sets: all,
            pk,
            has_exprs,
            inst: inst.clone(),
            versioned,
            returning,
            expire: expire.into_iter().map(|(k, _)| k).collect(),
        });
    }
    Ok(rows)
}

/// One row's UPDATE of one table, collected before any is sent (`_collect_update_commands`).
struct UpdateRow {
    table: Rc<Table>,
    /// The SET clauses in the table's column order: bound values, or SQL expressions
    /// (`onupdate=func.now()`), which SQLAlchemy sends row by row.
    sets: Vec<(Rc<Column>, Clause)>,
    pk: Vec<(Rc<Column>, Value)>,
    has_exprs: bool,
    /// The object the row is of.
    inst: Rc<Instance>,
    /// The WHERE also matches the version counter (no `executemany` then).
    versioned: bool,
    /// Columns fetched back with RETURNING (`eager_defaults=True`): (key, column).
    returning: Vec<(String, Rc<Column>)>,
    /// Attributes expired after the UPDATE: the database may have changed them.
    expire: Vec<String>,
}

/// Sends the UPDATEs of one table (`_emit_update_statements`): consecutive rows that set the
/// same columns with bound values only go as one `executemany`; rows with SQL expressions
/// one by one.
fn emit_updates(interp: &mut Interp, s: &Rc<SessionData>, table: &Rc<Table>, rows: &[UpdateRow]) -> PyResult<()> {
    let rows: Vec<&UpdateRow> = rows.iter().filter(|r| Rc::ptr_eq(&r.table, table)).collect();
    let same = |a: &UpdateRow, b: &UpdateRow| {
        a.has_exprs == b.has_exprs
            && a.sets.len() == b.sets.len()
            && a.sets.iter().zip(b.sets.iter()).all(|((x, _), (y, _))| Rc::ptr_eq(x, y))
    };
    // Rows that fetch values back or check a version go one by one (`allow_executemany`).
    let alone = |r: &UpdateRow| r.has_exprs || r.versioned || !r.returning.is_empty();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i + 1;
        while j < rows.len() && !alone(rows[i]) && !alone(rows[j]) && same(rows[i], rows[j]) {
            j += 1;
        }
        if alone(rows[i]) {
            let r = rows[i];
            let mut compiled = SqlCompiler::default().update_clauses(table, &r.sets, &r.pk);
            if !r.returning.is_empty() {
                let names: Vec<String> =
                    r.returning.iter().map(|(_, c)| SqlCompiler::default().quote(&c.name())).collect();
                compiled.sql.push_str(&format!(" RETURNING {}", names.join(", ")));
            }
            let result = s.execute(interp, &compiled.sql, compiled.params)?;
            if let Some(row) = result.rows.first() {
                for ((key, col), v) in r.returning.iter().zip(row) {
                    let v = process_result(interp, &col.ty, v)?;
                    r.inst.dict.borrow_mut().set_str(key, v);
                }
            }
            let matched = if r.returning.is_empty() { result.changes } else { result.rows.len() as i64 };
            check_update_rowcount(interp, table, 1, matched)?;
            expire_after_update(r);
        } else {
            let mut sql = String::new();
            let mut params = Vec::new();
            for r in &rows[i..j] {
                let compiled = SqlCompiler::default().update_clauses(table, &r.sets, &r.pk);
                sql = compiled.sql;
                params.push(compiled.params);
            }
            let n = params.len();
            if let Some(matched) = run_rows(interp, s, &sql, params)? {
                check_update_rowcount(interp, table, n, matched)?;
            }
            for r in &rows[i..j] {
                expire_after_update(r);
            }
        }
        i = j;
    }
    Ok(())
}

/// The attributes an UPDATE leaves to the database, expired: the next access loads them.
fn expire_after_update(r: &UpdateRow) {
    if r.expire.is_empty() {
        return;
    }
    let st = instance_state(&r.inst);
    for k in &r.expire {
        r.inst.dict.borrow_mut().remove(&Value::str(k));
    }
    st.expired.set(true);
}

/// `StaleDataError` when an UPDATE matched fewer (or more) rows than it was sent for: the row
/// was deleted, or its version changed, since it was loaded.
fn check_update_rowcount(interp: &mut Interp, table: &Table, expected: usize, matched: i64) -> PyResult<()> {
    if matched == expected as i64 {
        return Ok(());
    }
    Err(sa_error(
        interp,
        "StaleDataError",
        format!(
            "UPDATE statement on table '{}' expected to update {expected} row(s); {matched} were matched.",
            table.name
        ),
    ))
}

/// SQLAlchemy's `_sort_states` for persistent objects: by identity (`state.key[1]`).
/// Two objects in the order of their identities (`_sort_states`); objects without one first.
fn state_identity_cmp(a: &Value, b: &Value) -> std::cmp::Ordering {
    let identity = |v: &Value| v.as_instance().map(|i| instance_state(i).identity.borrow().clone()).unwrap_or_default();
    identity_cmp(&identity(a), &identity(b))
}

/// The tables of a mapper and of its subclasses' mappers, each once, the base table first.
fn hierarchy_tables(m: &Rc<Mapper>) -> Vec<Rc<Table>> {
    let mut tables: Vec<Rc<Table>> = Vec::new();
    for sub in m.self_and_descendants() {
        for t in mapper_tables(&sub) {
            if !tables.iter().any(|x| Rc::ptr_eq(x, &t)) {
                tables.push(t);
            }
        }
    }
    tables
}

fn identity_cmp(a: &[Value], b: &[Value]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    for (x, y) in a.iter().zip(b.iter()) {
        let o = match (x, y) {
            (Value::Int(x), Value::Int(y)) => x.cmp(y),
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            (Value::Float(x), Value::Float(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
            (Value::Int(x), Value::Float(y)) => (*x as f64).partial_cmp(y).unwrap_or(Ordering::Equal),
            (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)).unwrap_or(Ordering::Equal),
            (Value::Str(x), Value::Str(y)) => (**x).cmp(&**y),
            _ => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// `Session.commit()`.
pub fn commit(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<()> {
    check_active(interp, s)?;
    s.autobegin(interp)?;
    // `SessionTransaction._prepare_impl`: `before_commit`, then the flush.
    super::events::session_event(interp, s, "before_commit", vec![])?;
    flush(interp, s)?;
    s.release_transaction(interp, true)?;
    s.tx_open.set(false);
    s.tx_inserted.borrow_mut().clear();
    // After the COMMIT, before the objects are expired and the deleted ones detached
    // (`_remove_snapshot`).
    super::events::session_event(interp, s, "after_commit", vec![])?;
    if s.expire_on_commit.get() {
        expire_all(interp, s)?;
    }
    let deleted: Vec<Value> = s.tx_deleted.borrow().clone();
    detach_deleted(s);
    for o in deleted {
        super::events::session_event(interp, s, "deleted_to_detached", vec![o])?;
    }
    super::events::root_transaction_ended(interp, s)?;
    Ok(())
}

/// `Session.rollback()`.
pub fn rollback(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<()> {
    s.release_transaction(interp, false)?;
    // `after_rollback` once the ROLLBACK is sent, before the objects are restored; not for a
    // session without a transaction, nor again for one a failed flush rolled back.
    let was_open = s.tx_open.replace(false);
    let listen = was_open && s.failed.borrow().is_none();
    let soft = was_open || s.failed.borrow().is_some();
    if listen {
        super::events::session_event(interp, s, "after_rollback", vec![])?;
    }
    let pending: Vec<Value> = if listen { s.new.borrow().clone() } else { Vec::new() };
    if s.changed_while_failed.replace(false) {
        interp.warn(
            "sqlalchemy.exc.SAWarning",
            "Session's state has been changed on a non-active transaction - this state will be discarded.",
        );
    }
    *s.failed.borrow_mut() = None;
    // Pending objects, and those this transaction inserted, become transient again (keeping
    // their attribute values); persistent ones are expired.
    let inserted: Vec<Value> = s.tx_inserted.borrow_mut().drain(..).collect();
    let made_transient: Vec<Value> = if listen { inserted.clone() } else { Vec::new() };
    for obj in s.new.borrow_mut().drain(..).chain(inserted) {
        if let Value::Instance(i) = &obj {
            let st = instance_state(i);
            if let Some(key) = st.key.borrow_mut().take() {
                s.identity_map.borrow_mut().remove(&key);
            }
            st.identity.borrow_mut().clear();
            *st.session.borrow_mut() = None;
        }
    }
    // Objects marked for deletion, and rows the transaction deleted, are persistent again.
    let mut restored: Vec<Value> = Vec::new();
    for obj in s.tx_deleted.borrow_mut().drain(..) {
        if let Value::Instance(i) = &obj {
            let st = instance_state(i);
            st.deleted.set(false);
            let key = st.key.borrow().clone();
            if let Some(key) = key {
                s.identity_insert(key, obj.clone());
            }
            restored.push(obj.clone());
        }
    }
    for obj in s.deleted.borrow_mut().drain(..) {
        if let Value::Instance(i) = &obj {
            instance_state(i).deleted.set(false);
            restored.push(obj.clone());
        }
    }
    for o in pending {
        super::events::session_event(interp, s, "pending_to_transient", vec![o])?;
    }
    for o in made_transient {
        super::events::session_event(interp, s, "persistent_to_transient", vec![o])?;
    }
    if soft {
        for o in restored {
            super::events::session_event(interp, s, "deleted_to_persistent", vec![o])?;
        }
    }
    expire_all(interp, s)?;
    if soft {
        let tx = super::events::root_transaction_ended(interp, s)?;
        super::events::after_soft_rollback(interp, s, tx)?;
    }
    Ok(())
}

/// The objects the transaction deleted leave the session (`deleted` → `detached`).
fn detach_deleted(s: &SessionData) {
    for obj in s.tx_deleted.borrow_mut().drain(..) {
        if let Value::Instance(i) = &obj {
            *instance_state(i).session.borrow_mut() = None;
        }
    }
}

/// `Session.expunge_all()`: every object detached, none expired; the transaction goes on.
pub fn expunge_all(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<()> {
    prune_identity_map(s);
    let mut objs = s.identity_objects();
    s.identity_map.borrow_mut().clear();
    objs.extend(s.new.borrow_mut().drain(..));
    s.deleted.borrow_mut().clear();
    detach_states(interp, s, objs)
}

/// `InstanceState._detach_states`: each object leaves the session, with its
/// `persistent_to_detached` or `pending_to_transient` event.
fn detach_states(interp: &mut Interp, s: &Rc<SessionData>, objs: Vec<Value>) -> PyResult<()> {
    let events = super::events::session_events_on(interp);
    let mut result = Ok(());
    for obj in objs {
        if let Value::Instance(i) = &obj {
            let st = instance_state(i);
            *st.session.borrow_mut() = None;
            if events && result.is_ok() {
                let name = if st.key.borrow().is_some() { "persistent_to_detached" } else { "pending_to_transient" };
                result = super::events::session_event(interp, s, name, vec![obj.clone()]);
            }
        }
    }
    result
}

/// `Session.close()`: the transaction ends (its connections roll back) and every object is
/// detached (`expunge_all`), then `after_transaction_end`.
pub fn close(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<()> {
    let had = s.tx_open.get() || s.failed.borrow().is_some();
    s.release_transaction(interp, false)?;
    s.tx_open.set(false);
    *s.failed.borrow_mut() = None;
    s.tx_inserted.borrow_mut().clear();
    detach_deleted(s);
    expunge_all(interp, s)?;
    if had {
        super::events::root_transaction_ended(interp, s)?;
    }
    Ok(())
}

/// `Session.expunge(obj)`: detaches one object.
pub fn expunge(interp: &mut Interp, s: &Rc<SessionData>, obj: &Value) -> PyResult<()> {
    let Value::Instance(inst) = obj else { return Ok(()) };
    let st = instance_state(inst);
    if st.session().map(|x| x.id) != Some(s.id) {
        let r = state_str(obj);
        return Err(sa_error(interp, "InvalidRequestError", format!("Instance {r} is not present in this Session")));
    }
    if let Some(key) = st.key.borrow().clone() {
        s.identity_map.borrow_mut().remove(&key);
    }
    s.new.borrow_mut().retain(|v| !v.is(obj));
    detach_states(interp, s, vec![obj.clone()])
}

/// SQLAlchemy's `state_str()`: `<User at 0x7f...>`.
pub fn state_str(obj: &Value) -> String {
    let name = obj.as_instance().map(|i| i.class.name.clone()).unwrap_or_default();
    format!("<{name} at 0x{:x}>", 0x7f00_0000_0000u64 + (obj.id() as u64 & 0xff_ffff_ffff))
}

/// `Session.expire(obj, [attrs])`: discards loaded values (and pending changes).
///
/// `given`: the attribute names as the caller gave them, what the `expire` event receives.
pub fn expire(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    obj: &Value,
    attrs: Option<Vec<String>>,
    given: &Value,
) -> PyResult<()> {
    let (Value::Instance(inst), Some(m)) = (obj, object_mapper(obj)) else {
        return Err(unmapped_instance(interp, obj));
    };
    let st = instance_state(inst);
    if st.key.borrow().is_none() || st.session().map(|x| x.id) != Some(s.id) {
        let r = state_str(obj);
        return Err(sa_error(
            interp,
            "InvalidRequestError",
            format!("Instance '{r}' is not persistent within this Session"),
        ));
    }
    match attrs {
        None => expire_instance(inst, &m),
        Some(keys) => {
            // `state._expire_attributes`: `self.manager[key]`, a KeyError for a name that is
            // not an attribute.
            let rels: Vec<String> = m.relationships.borrow().iter().map(|r| r.key()).collect();
            for k in &keys {
                if !m.columns.iter().any(|(c, _)| c == k) && !rels.contains(k) {
                    let cls = interp.exc_class("KeyError");
                    return Err(PyErr { exc: interp.new_exception(&cls, vec![Value::str(k)]), traceback: vec![] });
                }
            }
            for k in keys {
                inst.dict.borrow_mut().remove(&Value::str(&k));
                st.committed.borrow_mut().remove(&k);
                if rels.contains(&k) {
                    st.loaded_collections.borrow_mut().remove(&k);
                    st.pending_collection_appends.borrow_mut().retain(|(rk, _)| *rk != k);
                } else {
                    st.expired.set(true);
                    let mut expired = st.expired_attributes.borrow_mut();
                    if !expired.contains(&k) {
                        expired.push(k);
                    }
                }
            }
        }
    }
    super::events::instance_event(interp, "expire", obj, vec![given.clone()])
}

/// `Session.refresh(obj)`: expires, then loads the row now.
/// With attribute names, only those are loaded: their columns (the primary key's when there are
/// none), then each named relationship, loaded at once.
pub fn refresh_object(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    obj: &Value,
    attrs: Option<Vec<String>>,
    given: &Value,
) -> PyResult<()> {
    expire(interp, s, obj, attrs.clone(), given)?;
    let (Value::Instance(inst), Some(m)) = (obj, object_mapper(obj)) else { return Ok(()) };
    autoflush(interp, s)?;
    let Some(keys) = attrs else {
        // `load_on_ident(refresh_state=..., only_load_props=None)`: `refresh(state, context, None)`.
        instance_state(inst).expired_attributes.borrow_mut().clear();
        return refresh_reporting(interp, s, &m, inst, Some(Value::None));
    };
    let mut cols: Vec<(String, Rc<Column>)> = m.columns.iter().filter(|(k, _)| keys.contains(k)).cloned().collect();
    // What the `refresh` event reports: the attribute names, as a frozenset.
    let names = if super::events::instance_events_on(interp) {
        Some(super::events::names_set(interp, &keys, true)?)
    } else {
        None
    };
    instance_state(inst).expired_attributes.borrow_mut().clear();
    if mapper_tables(&m).len() != 1 {
        if !cols.is_empty() {
            refresh_reporting(interp, s, &m, inst, names)?;
        }
    } else {
        let only_pk = cols.is_empty();
        if only_pk {
            cols =
                m.table.primary_key().into_iter().map(|c| (m.column_key(&c).unwrap_or_else(|| c.name()), c)).collect();
        }
        let st = instance_state(inst);
        let mut select = Select::new(LabelStyle::None);
        select.columns = cols.iter().map(|(_, c)| Clause::Column(c.clone())).collect();
        for (c, v) in m.table.primary_key().into_iter().zip(st.identity.borrow().iter()) {
            select.where_.push(Clause::binary(Clause::Column(c.clone()), "=", Clause::Bind(v.clone(), c.ty.clone())));
        }
        check_active(interp, s)?;
        let compiled = SqlCompiler::default().select(&select);
        let result = s.execute(interp, &compiled.sql, compiled.params)?;
        let Some(row) = result.rows.first() else {
            let r = state_str(obj);
            return Err(sa_error(interp, "InvalidRequestError", format!("Could not refresh instance '{r}'")));
        };
        if !only_pk {
            for ((k, c), v) in cols.iter().zip(row) {
                let v = process_result(interp, &c.ty, v)?;
                inst.dict.borrow_mut().set_str(k, v);
            }
        }
        if m.columns.iter().all(|(k, _)| inst.dict.borrow().get_str(k).is_some()) {
            st.expired.set(false);
        }
        if let Some(names) = names {
            super::events::instance_refreshed(interp, obj, names)?;
        }
    }
    let rels: Vec<String> = m.relationships.borrow().iter().map(|r| r.key()).filter(|k| keys.contains(k)).collect();
    for k in rels {
        interp.getattr(obj, &k)?;
    }
    Ok(())
}

/// `Session.merge(obj, load=)`: the session's object with the same identity (loaded if needed),
/// with `obj`'s loaded attribute values copied onto it, related objects merged along the
/// relationships; a new pending copy when there is none. The session autoflushes first (with
/// `load`), and not during the merge.
pub fn merge(interp: &mut Interp, s: &Rc<SessionData>, obj: &Value, load: bool) -> PyResult<Value> {
    if load {
        autoflush(interp, s)?;
    }
    let (Value::Instance(inst), Some(m)) = (obj, object_mapper(obj)) else {
        return Err(unmapped_instance(interp, obj));
    };
    configure(interp, &s.registry)?;
    let mut recursive = MergeMemo::default();
    s.no_autoflush(|| merge_state(interp, s, inst, &m, load, &mut recursive))
}

/// What one `merge()` has done so far (`_recursive`): each merged object with its merge, and
/// the (object, relationship) pairs it was reached through.
#[derive(Default)]
struct MergeMemo {
    merged: Vec<(Value, Value)>,
    reached: Vec<(Value, *const Relationship)>,
}

/// `Session._merge` for one object.
fn merge_state(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    inst: &Rc<Instance>,
    m: &Rc<Mapper>,
    load: bool,
    recursive: &mut MergeMemo,
) -> PyResult<Value> {
    let obj = Value::Instance(inst.clone());
    if let Some((_, merged)) = recursive.merged.iter().find(|(o, _)| o.is(&obj)) {
        return Ok(merged.clone());
    }
    let st = instance_state(inst);
    let key = st.key.borrow().clone();
    let (key, ident, key_is_persistent) = match key {
        Some(k) => (k, st.identity.borrow().clone(), true),
        None => {
            if s.new.borrow().iter().any(|v| v.is(&obj)) {
                let r = state_str(&obj);
                interp.warn(
                    "sqlalchemy.exc.SAWarning",
                    &format!("Instance {r} is already pending in this Session yet is being merged again; this is probably not what you want to do"),
                );
            }
            if !load {
                return Err(sa_error(
                    interp,
                    "InvalidRequestError",
                    "merge() with load=False option does not support objects transient (i.e. unpersisted) objects.  flush() all changes on mapped instances before merging with load=False.",
                ));
            }
            let mut set = true;
            let mut ident = Vec::new();
            for c in m.table.primary_key() {
                let k = m.column_key(&c).unwrap_or_else(|| c.name());
                match inst.dict.borrow().get_str(&k) {
                    Some(v) => ident.push(v.clone()),
                    None => set = false,
                }
            }
            let persistent = set && ident.iter().any(|v| !v.is_none());
            let keys = ident.iter().map(|v| HashKey::of(v).unwrap_or(HashKey::None)).collect();
            ((m.identity_id(), keys), ident, persistent)
        }
    };
    prune_identity_map(s);
    let mut merged = s.identity_map.borrow().get(&key).cloned();
    let mut new_instance = false;
    if merged.is_none() {
        if !load {
            if st.modified.get() {
                return Err(sa_error(
                    interp,
                    "InvalidRequestError",
                    "merge() with load=False option does not support objects marked as 'dirty'.  flush() all changes on mapped instances before merging with load=False.",
                ));
            }
            let t = Instance::new(inst.class.clone());
            let tst = instance_state(&t);
            *tst.key.borrow_mut() = Some(key.clone());
            *tst.identity.borrow_mut() = ident.clone();
            *tst.session.borrow_mut() = Some(Rc::downgrade(s));
            let t = Value::Instance(t);
            s.identity_insert(key.clone(), t.clone());
            merged = Some(t);
            new_instance = true;
        } else if key_is_persistent {
            let id = if ident.len() == 1 { ident[0].clone() } else { Value::tuple(ident.clone()) };
            let found = session_get(interp, s, m, &id, LabelStyle::None)?;
            if !found.is_none() {
                merged = Some(found);
            }
        }
    }
    let merged = match merged {
        Some(v) => v,
        None => {
            let cls = m.class().ok_or_else(|| interp.err("RuntimeError", "mapped class is gone"))?;
            let t = Value::Instance(Instance::new(cls));
            session_add(interp, s, &t)?;
            new_instance = true;
            t
        }
    };
    recursive.merged.push((obj.clone(), merged.clone()));
    let _ = new_instance;
    if merged.is(&obj) {
        return Ok(merged);
    }
    let Value::Instance(target) = &merged else { return Ok(merged) };
    // `ColumnProperty.merge`
    let values: Vec<(String, Value)> =
        m.columns.iter().filter_map(|(k, _)| inst.dict.borrow().get_str(k).cloned().map(|v| (k.clone(), v))).collect();
    for (k, v) in values {
        if load {
            interp.setattr(&merged, &k, v)?;
        } else {
            target.dict.borrow_mut().set_str(&k, v);
        }
    }
    // `RelationshipProperty.merge`
    let rels = m.relationships.borrow().clone();
    for r in rels {
        let k = r.key();
        if r.lazy() == "dynamic" || r.lazy() == "write_only" {
            continue;
        }
        // reached through the reverse side: not merged back
        if let Some(rev) = r.reverse.borrow().upgrade() {
            if load && recursive.reached.iter().any(|(o, p)| o.is(&obj) && std::ptr::eq(*p, Rc::as_ptr(&rev))) {
                continue;
            }
        }
        let Some(current) = inst.dict.borrow().get_str(&k).cloned() else { continue };
        let Some(rm) = r.target.borrow().clone() else { continue };
        if r.uselist() {
            let items = match &current {
                Value::List(l) => l.borrow().clone(),
                _ => continue,
            };
            if load {
                // the destination collection is loaded first, so that merged members come from
                // the identity map
                interp.getattr(&merged, &k)?;
            }
            let mut dest = Vec::with_capacity(items.len());
            for it in items {
                let Value::Instance(ii) = &it else { continue };
                let im = object_mapper(&it).unwrap_or_else(|| rm.clone());
                recursive.reached.push((it.clone(), Rc::as_ptr(&r)));
                dest.push(merge_state(interp, s, ii, &im, load, recursive)?);
            }
            if load {
                interp.setattr(&merged, &k, Value::list(dest))?;
            } else {
                instance_state(target).loaded_collections.borrow_mut().insert(k.clone(), dest.clone());
                target.dict.borrow_mut().set_str(&k, Value::list(dest));
            }
        } else {
            let value = match &current {
                Value::Instance(ii) => {
                    let im = object_mapper(&current).unwrap_or_else(|| rm.clone());
                    recursive.reached.push((current.clone(), Rc::as_ptr(&r)));
                    merge_state(interp, s, ii, &im, load, recursive)?
                }
                _ => Value::None,
            };
            if load {
                interp.setattr(&merged, &k, value)?;
            } else {
                target.dict.borrow_mut().set_str(&k, value);
            }
        }
    }
    if !load {
        let tst = instance_state(target);
        tst.committed.borrow_mut().clear();
        tst.modified.set(false);
        if m.columns.iter().any(|(k, _)| target.dict.borrow().get_str(k).is_none()) {
            tst.expired.set(true);
        }
    }
    Ok(merged)
}

/// Expires every persistent object of the session, in the identity map's order, each with
/// its `expire` event (`state._expire`).
pub fn expire_all(interp: &mut Interp, s: &Rc<SessionData>) -> PyResult<()> {
    prune_identity_map(s);
    for obj in s.identity_objects() {
        if let (Value::Instance(i), Some(m)) = (&obj, object_mapper(&obj)) {
            expire_instance(i, &m);
            super::events::instance_event(interp, "expire", &obj, vec![Value::None])?;
        }
    }
    Ok(())
}

/// Expires every loaded attribute of one object (`state._expire`).
pub fn expire_instance(inst: &Rc<Instance>, m: &Mapper) {
    let mut d = inst.dict.borrow_mut();
    for (k, _) in &m.columns {
        d.remove(&Value::str(k));
    }
    for r in m.relationships.borrow().iter() {
        d.remove(&Value::str(&r.key()));
    }
    drop(d);
    let st = instance_state(inst);
    st.loaded_collections.borrow_mut().clear();
    st.pending_collection_appends.borrow_mut().clear();
    st.expired.set(true);
    st.modified.set(false);
    st.committed.borrow_mut().clear();
    let mut names: Vec<String> = m.columns.iter().map(|(k, _)| k.clone()).collect();
    names.extend(m.relationships.borrow().iter().map(|r| r.key()));
    *st.expired_attributes.borrow_mut() = names;
}

// ----- loading ----------------------------------------------------------------------------

/// Runs a SELECT of `mapper`'s columns and turns the rows into instances through the identity
/// map (`loading.instances`).
pub fn load_instances(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    select: &Select,
) -> PyResult<Vec<Value>> {
    check_active(interp, s)?;
    let with_criterion;
    let select = match mapper.single_table_criterion() {
        Some(c) => {
            let mut sel = select.clone();
            sel.where_.push(c);
            with_criterion = sel;
            &with_criterion
        }
        None => select,
    };
    let compiled = SqlCompiler::default().select(select);
    let result = s.execute(interp, &compiled.sql, compiled.params)?;
    let mut out = Vec::with_capacity(result.rows.len());
    for row in &result.rows {
        out.push(instance_from_row(interp, s, mapper, row)?);
    }
    Ok(out)
}

/// The object for a row of `mapper`'s columns, through the identity map.
pub fn instance_from_row(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    row: &[SqlValue],
) -> PyResult<Value> {
    Ok(instance_from_row_new(interp, s, mapper, row)?.0)
}

/// [`instance_from_row`], and whether the object is new to the session (loaders populate
/// new objects; existing ones keep what they have loaded).
pub fn instance_from_row_new(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    row: &[SqlValue],
) -> PyResult<(Value, bool)> {
    let mut values: Vec<(String, Value)> = Vec::with_capacity(mapper.columns.len());
    for (i, (k, c)) in mapper.columns.iter().enumerate() {
        let v = match row.get(i) {
            Some(v) => process_result(interp, &c.ty, v)?,
            None => Value::None,
        };
        values.push((k.clone(), v));
    }
    let mut keys = Vec::new();
    let mut ident = Vec::new();
    for c in mapper.table.primary_key() {
        let k = mapper.column_key(&c).unwrap_or_else(|| c.name());
        let v = values.iter().find(|(kk, _)| *kk == k).map(|(_, v)| v.clone()).unwrap_or(Value::None);
        keys.push(HashKey::of(&v).unwrap_or(HashKey::None));
        ident.push(v);
    }
    let key = (mapper.identity_id(), keys);
    let existing = s.identity_map.borrow().get(&key).cloned();
    if let Some(obj) = existing {
        if let Value::Instance(inst) = &obj {
            // Unloaded attributes the row has are filled in (`_populate_partial`): an expired
            // object's, or a joined subclass's columns it was first loaded without.
            let st = instance_state(inst);
            // `state.unloaded`, what a query's row refreshes (once per query): the `refresh`
            // event's attribute names.
            let refreshed = if super::events::instance_events_on(interp)
                && !st.refreshing.get()
                && st.refresh_run.replace(s.statement_run.get()) != s.statement_run.get()
            {
                let d = inst.dict.borrow();
                let committed = st.committed.borrow();
                let mut unloaded: Vec<String> = mapper.columns.iter().map(|(k, _)| k.clone()).collect();
                unloaded.extend(mapper.relationships.borrow().iter().map(|r| r.key()));
                unloaded.retain(|k| d.get_str(k).is_none() && !committed.contains_key(k));
                unloaded
            } else {
                Vec::new()
            };
            {
                let mut d = inst.dict.borrow_mut();
                for (k, v) in values {
                    if d.get_str(&k).is_none() {
                        d.set_str(&k, v);
                    }
                }
            }
            st.expired.set(false);
            if !refreshed.is_empty() {
                st.expired_attributes.borrow_mut().retain(|k| !refreshed.contains(k));
                let names = super::events::names_set(interp, &refreshed, false)?;
                super::events::instance_refreshed(interp, &obj, names)?;
            }
        }
        return Ok((obj, false));
    }
    // Polymorphic loading: the discriminator names the class to make.
    let mut class_mapper_of_row = mapper.clone();
    if let Some(on) = &mapper.inheritance.polymorphic_on {
        let pos = mapper.columns.iter().position(|(_, c)| Rc::ptr_eq(c, on));
        if let Some(v) = pos.and_then(|i| values.get(i)).map(|(_, v)| v.clone()) {
            if let Some(m) = mapper.polymorphic_mapper(interp, &v)? {
                class_mapper_of_row = m;
            }
        }
    }
    let cls = class_mapper_of_row.class().ok_or_else(|| interp.err("RuntimeError", "mapped class is gone"))?;
    let inst = Instance::new(cls);
    {
        let mut d = inst.dict.borrow_mut();
        for (k, v) in values {
            d.set_str(&k, v);
        }
    }
    let st = instance_state(&inst);
    *st.key.borrow_mut() = Some(key.clone());
    *st.identity.borrow_mut() = ident;
    *st.session.borrow_mut() = Some(Rc::downgrade(s));
    let obj = Value::Instance(inst);
    s.identity_insert(key, obj.clone());
    super::events::loaded(interp, &obj)?;
    super::events::session_event(interp, s, "loaded_as_persistent", vec![obj.clone()])?;
    Ok((obj, true))
}

/// Loads the expired column attributes of a persistent object (`load_scalar_attributes`).
/// Only the attributes expired and not changed since are loaded (`state._load_expired`:
/// `expired_attributes & unmodified`); all of them with the mapper's own statement.
fn refresh(interp: &mut Interp, s: &Rc<SessionData>, mapper: &Rc<Mapper>, inst: &Rc<Instance>) -> PyResult<()> {
    refresh_reporting(interp, s, mapper, inst, None)
}

/// [`refresh`], whose `refresh` event reports `names` (by default the expired attributes not
/// changed since, or the columns it loads when none was expired).
fn refresh_reporting(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    inst: &Rc<Instance>,
    names: Option<Value>,
) -> PyResult<()> {
    let st = instance_state(inst);
    let mut expired: Vec<String> = st.expired_attributes.borrow_mut().drain(..).collect();
    // `expired_attributes & unmodified`: not those set since they expired.
    expired.retain(|k| inst.dict.borrow().get_str(k).is_none() && !st.committed.borrow().contains_key(k));
    let was = st.refreshing.replace(true);
    let loaded = load_expired_row(interp, s, mapper, inst);
    st.refreshing.set(was);
    let loaded = loaded?;
    if !super::events::instance_events_on(interp) {
        return Ok(());
    }
    let names = match names {
        Some(n) => n,
        None => super::events::names_set(interp, if expired.is_empty() { &loaded } else { &expired }, true)?,
    };
    super::events::instance_refreshed(interp, &Value::Instance(inst.clone()), names)
}

/// Loads the row of a persistent object's unloaded columns: those columns alone when the
/// mapper has one table, or the mapper's whole statement. The keys of the columns it loaded.
fn load_expired_row(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    inst: &Rc<Instance>,
) -> PyResult<Vec<String>> {
    // The object's own mapper (an attribute a subclass inherits names its base's), so that a
    // joined subclass's row is loaded whole.
    let own = object_mapper(&Value::Instance(inst.clone()));
    let mapper = own.as_ref().unwrap_or(mapper);
    let st = instance_state(inst);
    let toload: Vec<(String, Rc<Column>)> = mapper
        .columns
        .iter()
        .filter(|(k, _)| inst.dict.borrow().get_str(k).is_none() && !st.committed.borrow().contains_key(k))
        .cloned()
        .collect();
    if !toload.is_empty() && toload.len() < mapper.columns.len() && mapper_tables(mapper).len() == 1 {
        let mut select = Select::new(LabelStyle::None);
        select.columns = toload.iter().map(|(_, c)| Clause::Column(c.clone())).collect();
        for (c, v) in mapper.table.primary_key().into_iter().zip(st.identity.borrow().iter()) {
            select.where_.push(Clause::binary(Clause::Column(c.clone()), "=", Clause::Bind(v.clone(), c.ty.clone())));
        }
        let compiled = SqlCompiler::default().select(&select);
        let result = s.execute(interp, &compiled.sql, compiled.params)?;
        let Some(row) = result.rows.first() else {
            let r = interp.repr(&Value::Instance(inst.clone()))?;
            return Err(sa_error(
                interp,
                "ObjectDeletedError",
                format!("Instance '{r}' has been deleted, or its row is otherwise not present."),
            ));
        };
        for ((k, c), v) in toload.iter().zip(row) {
            let v = process_result(interp, &c.ty, v)?;
            inst.dict.borrow_mut().set_str(k, v);
        }
        st.expired.set(false);
        return Ok(toload.into_iter().map(|(k, _)| k).collect());
    }
    // `mapper._get_clause`: the identity is the base table's primary key (`item.id`).
    let mut select = mapper_select(mapper, LabelStyle::None);
    for (c, v) in mapper.base_mapper().table.primary_key().into_iter().zip(st.identity.borrow().iter()) {
        select.where_.push(Clause::Binary(
            Box::new(Clause::Column(c.clone())),
            "=",
            Box::new(Clause::Bind(v.clone(), c.ty.clone())),
        ));
    }
    let rows = load_instances(interp, s, mapper, &select)?;
    if rows.is_empty() {
        let r = interp.repr(&Value::Instance(inst.clone()))?;
        return Err(sa_error(
            interp,
            "ObjectDeletedError",
            format!("Instance '{r}' has been deleted, or its row is otherwise not present."),
        ));
    }
    Ok(toload.into_iter().map(|(k, _)| k).collect())
}

/// A joined subclass's object loaded through its base mapper lacks the columns of its own
/// tables: the first access loads them all (`load_scalar_attributes` with the mapper's
/// optimized statement: `SELECT engineer.engineer_info AS engineer_engineer_info FROM engineer
/// WHERE ? = engineer.id`). False when no such column is unloaded.
fn load_subclass_attributes(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    inst: &Rc<Instance>,
) -> PyResult<bool> {
    let base_table = mapper.base_mapper().table.clone();
    let unloaded: Vec<(String, Rc<Column>)> = mapper
        .columns
        .iter()
        .filter(|(k, c)| {
            inst.dict.borrow().get_str(k).is_none() && c.table().map(|t| !Rc::ptr_eq(&t, &base_table)).unwrap_or(false)
        })
        .cloned()
        .collect();
    let Some(table) = unloaded.first().and_then(|(_, c)| c.table()) else { return Ok(false) };
    if unloaded.iter().any(|(_, c)| c.table().map(|t| !Rc::ptr_eq(&t, &table)).unwrap_or(true)) {
        return Ok(false);
    }
    autoflush(interp, s)?;
    let st = instance_state(inst);
    let mut select = Select::new(LabelStyle::TablenamePlusCol);
    select.columns = unloaded.iter().map(|(_, c)| Clause::Column(c.clone())).collect();
    select.froms = vec![table.clone()];
    for (c, v) in table.primary_key().into_iter().zip(st.identity.borrow().iter()) {
        select.where_.push(Clause::Binary(
            Box::new(Clause::Bind(v.clone(), c.ty.clone())),
            "=",
            Box::new(Clause::Column(c.clone())),
        ));
    }
    check_active(interp, s)?;
    let compiled = SqlCompiler::default().select(&select);
    let result = s.execute(interp, &compiled.sql, compiled.params)?;
    let row = result.rows.first().cloned().unwrap_or_default();
    for (i, (k, c)) in unloaded.iter().enumerate() {
        let v = match row.get(i) {
            Some(v) => process_result(interp, &c.ty, v)?,
            None => Value::None,
        };
        inst.dict.borrow_mut().set_str(k, v);
    }
    Ok(true)
}

/// `InstrumentedAttribute.__get__` on an instance.
pub fn attribute_get(interp: &mut Interp, data: &AttrData, obj: &Value) -> PyResult<Value> {
    let Value::Instance(inst) = obj else { return Ok(Value::None) };
    let present = inst.dict.borrow().get_str(&data.key).cloned();
    if let Some(v) = present {
        if let (Value::List(l), AttrKind::Relationship(_)) = (&v, &data.kind) {
            instrument_collection(interp, inst, &data.key, l);
        }
        return Ok(v);
    }
    let Some(mapper) = data.mapper.upgrade() else { return Ok(Value::None) };
    let st = instance_state(inst);
    let session = st.session();
    let persistent = st.key.borrow().is_some();
    match &data.kind {
        AttrKind::Column(_) => {
            if persistent && st.expired.get() {
                if let Some(s) = &session {
                    autoflush(interp, s)?;
                    refresh(interp, s, &mapper, inst)?;
                    return Ok(inst.dict.borrow().get_str(&data.key).cloned().unwrap_or(Value::None));
                }
                // `load_scalar_attributes`
                let r = state_str(obj);
                return Err(sa_error(
                    interp,
                    "DetachedInstanceError",
                    format!("Instance {r} is not bound to a Session; attribute refresh operation cannot proceed (Background on this error at: https://sqlalche.me/e/21/bhk3)"),
                ));
            }
            if !persistent {
                if let Some((_, v)) = mapper.default_scalars.iter().find(|(k, _)| *k == data.key) {
                    return Ok(v.clone());
                }
                if let Some(v) = super::events::fire_init_scalar(interp, &data.key, inst)? {
                    return Ok(v);
                }
            }
            if persistent {
                if let (Some(s), Some(om)) = (&session, object_mapper(obj)) {
                    if load_subclass_attributes(interp, s, &om, inst)? {
                        return Ok(inst.dict.borrow().get_str(&data.key).cloned().unwrap_or(Value::None));
                    }
                }
            }
            Ok(Value::None)
        }
        AttrKind::Relationship(r) => {
            if let Some(reg) = mapper.registry.upgrade() {
                configure(interp, &reg)?;
            }
            if r.lazy() == "dynamic" {
                return Ok(Value::None).and_then(|_: Value| {
                    let make = interp
                        .ext
                        .get("sqlalchemy.appender")
                        .and_then(|e| e.clone().downcast::<AppenderFactory>().ok())
                        .ok_or_else(|| interp.err("RuntimeError", "dynamic loader not registered"))?;
                    (make.0)(interp, obj, &mapper, r)
                });
            }
            let options = st.loader_options.borrow().clone();
            let (strategy, _) = super::strategies::strategy_for(r, &options);
            if strategy == "write_only" {
                return write_only_collection(interp, obj, &mapper, r);
            }
            let value = if !persistent || strategy == "noload" {
                if r.uselist() {
                    Value::list(vec![])
                } else {
                    return Ok(Value::None);
                }
            } else if strategy == "raise" || strategy == "raise_on_sql" {
                return Err(super::strategies::raise_error(interp, &mapper, r, &strategy));
            } else {
                let Some(s) = session else { return Err(detached(interp, obj, &data.key, "lazy load operation")) };
                lazy_load(interp, &s, &mapper, r, inst)?
            };
            if let Value::List(l) = &value {
                instrument_collection(interp, inst, &data.key, l);
            }
            inst.dict.borrow_mut().set_str(&data.key, value.clone());
            Ok(value)
        }
    }
}

fn detached(interp: &mut Interp, obj: &Value, key: &str, what: &str) -> PyErr {
    let r = state_str(obj);
    sa_error(
        interp,
        "DetachedInstanceError",
        format!("Parent instance {r} is not bound to a Session; {what} of attribute '{key}' cannot proceed (Background on this error at: https://sqlalche.me/e/21/bhk3)"),
    )
}

/// The SELECT a lazy load of `r` emits (`LazyLoader`'s lazy clause): the target's columns,
/// `WHERE` comparing the parent's bound values with the foreign key (through the association
/// table for many-to-many). `bind` gives the parent's value for each parent-side column, in
/// the order the `?` placeholders appear: the referenced column (many-to-one: the foreign key
/// column) of each pair.
pub fn lazy_select(
    interp: &mut Interp,
    registry: &Rc<Registry>,
    r: &Relationship,
    target: &Rc<Mapper>,
    bind: &mut dyn FnMut(&Rc<Column>) -> Value,
) -> PyResult<Select> {
    // The target mapper's columns (a joined subclass: its tables joined).
    let mut select = mapper_select(target, LabelStyle::NoLabels);
    match (r.direction.get(), r.m2m.borrow().clone()) {
        (Direction::ManyToOne, _) => {
            for (target_col, fk_col) in r.pairs.borrow().iter() {
                let v = bind(fk_col);
                let (col, b) =
                    (Box::new(Clause::Column(target_col.clone())), Box::new(Clause::Bind(v, target_col.ty.clone())));
                select.where_.push(if r.fk_first.get() {
                    Clause::Binary(b, "=", col)
                } else {
                    Clause::Binary(col, "=", b)
                });
            }
        }
        (Direction::OneToMany, Some(m2m)) => {
            select.froms.push(m2m.table.clone());
            select.order_by = order_by_clauses(interp, registry, &r.args.order_by)?;
            for (pk, ac) in &m2m.parent_pairs {
                let v = bind(pk);
                let (b, a) = (Box::new(Clause::Bind(v, pk.ty.clone())), Box::new(Clause::Column(ac.clone())));
                select.where_.push(if m2m.parent_assoc_first {
                    Clause::Binary(a, "=", b)
                } else {
                    Clause::Binary(b, "=", a)
                });
            }
            for (pk, ac) in &m2m.target_pairs {
                let (t, a) = (Box::new(Clause::Column(pk.clone())), Box::new(Clause::Column(ac.clone())));
                select.where_.push(if m2m.target_assoc_first {
                    Clause::Binary(a, "=", t)
                } else {
                    Clause::Binary(t, "=", a)
                });
            }
        }
        (Direction::OneToMany, None) => {
            select.order_by = order_by_clauses(interp, registry, &r.args.order_by)?;
            for (pk_col, fk_col) in r.pairs.borrow().iter() {
                let v = bind(pk_col);
                let (b, fk) = (Box::new(Clause::Bind(v, pk_col.ty.clone())), Box::new(Clause::Column(fk_col.clone())));
                select.where_.push(if r.fk_first.get() {
                    Clause::Binary(fk, "=", b)
                } else {
                    Clause::Binary(b, "=", fk)
                });
            }
        }
    }
    Ok(select)
}

/// The lazy loader's query, with the target's eager loaders one step along the path.
/// `_lazyload_reverse`: a collection's reverse many-to-one that loads by primary key with a
/// loader other than the lazy one (`lazy="joined"`) is lazy in this query: the rows' parent
/// is the object being loaded from.
fn lazy_rows(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    r: &Relationship,
    target: &Rc<Mapper>,
    select: &Select,
) -> PyResult<Vec<Value>> {
    let mut options = Vec::new();
    if let Some(rev) = r.reverse.borrow().upgrade() {
        let lazy_loader = matches!(rev.lazy().as_str(), "select" | "True" | "raise" | "raise_on_sql");
        let uses_get = rev.target.borrow().as_ref().is_some_and(|t| {
            let pk = t.table.primary_key();
            let pairs = rev.pairs.borrow();
            pairs.len() == pk.len() && pairs.iter().all(|(c, _)| pk.iter().any(|p| Rc::ptr_eq(p, c)))
        });
        if rev.direction.get() == Direction::ManyToOne && rev.m2m.borrow().is_none() && uses_get && !lazy_loader {
            options.push(super::strategies::LoaderOption {
                rel: rev.clone(),
                strategy: "select",
                innerjoin: false,
                depth: 0,
                wildcard: false,
            });
        }
    }
    let (rows, unique) = super::strategies::load(interp, s, target, select, &options, &[mapper.id])?;
    Ok(if unique { super::strategies::unique(rows) } else { rows })
}

pub(crate) fn lazy_load(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    r: &Rc<Relationship>,
    inst: &Rc<Instance>,
) -> PyResult<Value> {
    let target = r.target.borrow().clone().ok_or_else(|| interp.err("RuntimeError", "relationship not configured"))?;
    autoflush(interp, s)?;
    let st = instance_state(inst);
    if st.expired.get() {
        refresh(interp, s, mapper, inst)?;
    }
    match r.direction.get() {
        Direction::ManyToOne => {
            // Identity-map lookup first (the "use_get" optimisation), then a SELECT.
            let mut keys = Vec::new();
            let mut vals = Vec::new();
            for (target_col, fk_col) in r.pairs.borrow().iter() {
                let k = mapper.column_key(fk_col).unwrap_or_else(|| fk_col.name());
                let v = inst.dict.borrow().get_str(&k).cloned().unwrap_or(Value::None);
                if v.is_none() {
                    return Ok(Value::None);
                }
                keys.push(HashKey::of(&v).unwrap_or(HashKey::None));
                vals.push((target_col.clone(), v));
            }
            prune_identity_map(s);
            let found = s.identity_map.borrow().get(&(target.identity_id(), keys)).cloned();
            if let Some(found) = found {
                // An expired object found in the identity map is loaded again (`_load_expired`).
                if let Value::Instance(fi) = &found {
                    if instance_state(fi).expired.get() {
                        refresh(interp, s, &target, fi)?;
                    }
                }
                return Ok(found);
            }
            let values: Vec<Value> = vals.into_iter().map(|(_, v)| v).collect();
            let mut values = values.into_iter();
            let select = lazy_select(interp, &s.registry, r, &target, &mut |_| values.next().unwrap_or(Value::None))?;
            let rows = lazy_rows(interp, s, mapper, r, &target, &select)?;
            Ok(rows.into_iter().next().unwrap_or(Value::None))
        }
        Direction::OneToMany if r.m2m.borrow().is_some() => {
            let select = lazy_select(interp, &s.registry, r, &target, &mut |pk| {
                let k = mapper.column_key(pk).unwrap_or_else(|| pk.name());
                inst.dict.borrow().get_str(&k).cloned().unwrap_or(Value::None)
            })?;
            let rows = lazy_rows(interp, s, mapper, r, &target, &select)?;
            st.loaded_collections.borrow_mut().insert(r.key(), rows.clone());
            Ok(Value::list(rows))
        }
        Direction::OneToMany => {
            let select = lazy_select(interp, &s.registry, r, &target, &mut |pk_col| {
                let k = mapper.column_key(pk_col).unwrap_or_else(|| pk_col.name());
                inst.dict.borrow().get_str(&k).cloned().unwrap_or(Value::None)
            })?;
            let rows = lazy_rows(interp, s, mapper, r, &target, &select)?;
            if r.uselist() {
                st.loaded_collections.borrow_mut().insert(r.key(), rows.clone());
                Ok(Value::list(rows))
            } else {
                Ok(rows.into_iter().next().unwrap_or(Value::None))
            }
        }
    }
}

/// The `WriteOnlyCollection` of a `lazy='write_only'` relationship (registered by
/// `module.rs` with the dynamic loader's factory).
fn write_only_collection(
    interp: &mut Interp,
    obj: &Value,
    mapper: &Rc<Mapper>,
    r: &Rc<Relationship>,
) -> PyResult<Value> {
    let make = interp
        .ext
        .get("sqlalchemy.write_only")
        .and_then(|e| e.clone().downcast::<AppenderFactory>().ok())
        .ok_or_else(|| interp.err("RuntimeError", "write-only loader not registered"))?;
    (make.0)(interp, obj, mapper, r)
}

/// `WriteOnlyAttributeImpl.set`: a persistent parent's collection cannot be replaced (it is
/// never loaded); a new parent's pending items are replaced.
fn write_only_set(
    interp: &mut Interp,
    data: &AttrData,
    r: &Rc<Relationship>,
    obj: &Value,
    value: Value,
) -> PyResult<()> {
    let Value::Instance(inst) = obj else { return Ok(()) };
    let items = interp.iterate(&value)?;
    let st = instance_state(inst);
    if st.key.borrow().is_some() {
        let owner = data.mapper.upgrade().map(|m| m.class_name.clone()).unwrap_or_else(|| inst.class.name.to_string());
        return Err(sa_error(
            interp,
            "InvalidRequestError",
            format!(
                "Collection \"{owner}.{}\" does not support implicit iteration; collection replacement operations can't be used",
                data.key
            ),
        ));
    }
    let key = r.key();
    st.pending_dynamic.borrow_mut().retain(|(k, _)| *k != key);
    for item in items {
        if let (Some(rev), Value::Instance(ci)) = (r.reverse.borrow().upgrade(), &item) {
            ci.dict.borrow_mut().set_str(&rev.key(), obj.clone());
        }
        st.pending_dynamic.borrow_mut().push((key.clone(), item.clone()));
        cascade_on_attach(interp, inst, r, &item)?;
    }
    Ok(())
}

/// `InstrumentedAttribute.__set__`.
pub fn attribute_set(interp: &mut Interp, data: &AttrData, obj: &Value, value: Value) -> PyResult<()> {
    let Value::Instance(inst) = obj else { return Ok(()) };
    // A mapped dataclass's `__init__` passes `DONT_SET` for a default the attribute keeps.
    if super::declarative::is_dont_set(interp, &value) {
        return Ok(());
    }
    let value = super::events::fire_set(interp, data, inst, obj, value)?;
    // `@validates`: the method's return value is what gets set (`_validator_events`: `set`);
    // a collection's new members are validated one by one (`bulk_replace`).
    let value = match (validator_for(interp, obj, &data.key)?, &data.kind) {
        (Some(v), AttrKind::Column(_)) => v.call(interp, obj, &data.key, value, false)?,
        (Some(v), AttrKind::Relationship(r)) if r.uselist() && !r.is_appender() => {
            let mut items = Vec::new();
            for item in interp.iterate(&value)? {
                items.push(v.call(interp, obj, &data.key, item, false)?);
            }
            // The members the new collection leaves out are removed (`bulk_replace`).
            if v.include_removes {
                let old = inst.dict.borrow().get_str(&data.key).cloned();
                if let Some(Value::List(old)) = old {
                    let gone: Vec<Value> =
                        old.borrow().iter().filter(|o| !items.iter().any(|n| n.is(o))).cloned().collect();
                    for g in gone {
                        v.call(interp, obj, &data.key, g, true)?;
                    }
                }
            }
            Value::list(items)
        }
        (Some(v), AttrKind::Relationship(_)) => v.call(interp, obj, &data.key, value, false)?,
        _ => value,
    };
    // A collection assigned (`CollectionAttributeImpl.set`): `bulk_replace`, then the old
    // collection of a persistent object is loaded, to be replaced member by member.
    let mut replaced: Option<Vec<Value>> = None;
    if let (AttrKind::Relationship(r), Value::List(_)) = (&data.kind, &value) {
        if r.uselist() && !r.is_appender() {
            if let Some(reg) = data.mapper.upgrade().and_then(|m| m.registry.upgrade()) {
                configure(interp, &reg)?;
            }
            super::events::fire_bulk_replace(interp, &data.key, inst, &value)?;
            let persistent = instance_state(inst).key.borrow().is_some();
            let held = inst.dict.borrow().get_str(&data.key).cloned();
            let old = match held {
                Some(v) => Some(v),
                None if persistent && r.lazy() != "write_only" && r.lazy() != "noload" => {
                    Some(attribute_get(interp, data, obj)?)
                }
                None => None,
            };
            if let Some(Value::List(old)) = &old {
                if matches!(&value, Value::List(n) if Rc::ptr_eq(old, n)) {
                    return Ok(());
                }
                replaced = Some(old.borrow().clone());
            } else {
                replaced = Some(Vec::new());
            }
        }
    }
    // A change to an object of a session autobegins its transaction (`_modified_event`).
    if let Some(sess) = instance_state(inst).session() {
        sess.autobegin(interp)?;
    }
    match &data.kind {
        AttrKind::Column(_) => {
            let st = instance_state(inst);
            if st.key.borrow().is_some() && st.expired.get() && inst.dict.borrow().get_str(&data.key).is_none() {
                // The old value is unknown; SQLAlchemy records it as "no value".
                st.committed.borrow_mut().entry(data.key.clone()).or_insert(Value::NotImplemented);
                st.modified.set(true);
                inst.dict.borrow_mut().set_str(&data.key, value);
                return Ok(());
            }
            set_dict_attr(inst, &data.key, value);
            Ok(())
        }
        AttrKind::Relationship(r) => {
            if let Some(reg) = data.mapper.upgrade().and_then(|m| m.registry.upgrade()) {
                configure(interp, &reg)?;
            }
            if r.lazy() == "write_only" {
                return write_only_set(interp, data, r, obj, value);
            }
            // The `set` event of a scalar: the save-update cascade into the owner's session
            // comes before the backref's events (`track_cascade_events` listens first).
            if !matches!(value, Value::List(_)) {
                cascade_on_attach(interp, inst, r, &value)?;
            }
            if r.direction.get() == Direction::ManyToOne && r.m2m.borrow().is_none() {
                // A persistent object's reference changed: it is modified (`_modified_event`),
                // its old value kept as the attribute's history.
                let st = instance_state(inst);
                let old = inst.dict.borrow().get_str(&data.key).cloned();
                if st.key.borrow().is_some() && !old.as_ref().is_some_and(|o| o.is(&value)) {
                    st.committed
                        .borrow_mut()
                        .entry(data.key.clone())
                        .or_insert(old.clone().unwrap_or(Value::NotImplemented));
                    st.modified.set(true);
                }
                // The backref takes the object out of the old parent's collection first
                // (`emit_backref_from_scalar_set_event`: `pop` on the old value).
                if let (Some(Value::Instance(old_parent)), Some(rev)) = (&old, r.reverse.borrow().upgrade()) {
                    if !old.as_ref().is_some_and(|o| o.is(&value)) && !rev.is_appender() {
                        backref_pop(interp, old_parent, &rev, obj)?;
                    }
                }
            }
            if r.direction.get() == Direction::OneToMany && r.m2m.borrow().is_none() && !r.uselist() {
                let st = instance_state(inst);
                let loaded = inst.dict.borrow().get_str(&data.key).is_some();
                if st.key.borrow().is_some() && !loaded {
                    defer_history(&st, &data.key);
                }
            }
            inst.dict.borrow_mut().set_str(&data.key, value.clone());
            // Keep the other side in step in Python (backref / back_populates).
            if let Some(rev) = r.reverse.borrow().upgrade() {
                if r.direction.get() == Direction::ManyToOne && rev.lazy() == "write_only" {
                    // A write-only collection is never loaded: the append waits for the flush.
                    if let Value::Instance(parent) = &value {
                        let pst = instance_state(parent);
                        let mut pending = pst.pending_dynamic.borrow_mut();
                        if !pending.iter().any(|(k, v)| *k == rev.key() && v.is(obj)) {
                            pending.push((rev.key(), obj.clone()));
                        }
                    }
                } else if r.direction.get() == Direction::ManyToOne {
                    if let Value::Instance(parent) = &value {
                        let pst = instance_state(parent);
                        let rk = rev.key();
                        let existing = parent.dict.borrow().get_str(&rk).cloned();
                        match existing {
                            Some(Value::List(l)) if !l.borrow().iter().any(|x| x.is(obj)) => {
                                let item = backref_appending(interp, &value, &rk, obj.clone(), &data.key)?;
                                l.borrow_mut().push(item);
                            }
                            None if pst.key.borrow().is_none() => {
                                let item = backref_appending(interp, &value, &rk, obj.clone(), &data.key)?;
                                parent.dict.borrow_mut().set_str(&rk, Value::list(vec![item]));
                            }
                            None if !rev.uselist() => {
                                // A scalar one-to-many (one-to-one) not loaded: set without a
                                // load, its old value left for the flush to fetch.
                                let item = backref_appending(interp, &value, &rk, obj.clone(), &data.key)?;
                                parent.dict.borrow_mut().set_str(&rk, item);
                                defer_history(&pst, &rk);
                            }
                            None => {
                                // Not loaded: the append waits for the flush, without a load;
                                // its listeners and validator hear of it now.
                                let item = backref_appending(interp, &value, &rk, obj.clone(), &data.key)?;
                                pst.pending_collection_appends.borrow_mut().push((rk, item));
                            }
                            _ => {}
                        }
                    }
                } else if let Value::List(children) = &value {
                    let many_to_many = r.m2m.borrow().is_some();
                    for c in children.borrow().iter() {
                        let Value::Instance(ci) = c else { continue };
                        if !many_to_many {
                            ci.dict.borrow_mut().set_str(&rev.key(), obj.clone());
                            continue;
                        }
                        // The other side's collection gets the object too, if it is there to get
                        // it (loaded, or a new object's empty one).
                        let existing = ci.dict.borrow().get_str(&rev.key()).cloned();
                        match existing {
                            Some(Value::List(l)) if !l.borrow().iter().any(|x| x.is(obj)) => {
                                l.borrow_mut().push(obj.clone());
                            }
                            None if instance_state(ci).key.borrow().is_none() => {
                                ci.dict.borrow_mut().set_str(&rev.key(), Value::list(vec![obj.clone()]));
                            }
                            None => pending_m2m_append(ci, &rev.key(), obj),
                            _ => {}
                        }
                    }
                }
            }
            // The `append` events of a collection's new members (`bulk_replace`): the
            // save-update cascade into the owner's session.
            if let Value::List(l) = &value {
                let attached = l.borrow().clone();
                for item in &attached {
                    cascade_on_attach(interp, inst, r, item)?;
                }
                if let Some(old) = replaced {
                    replace_members(interp, inst, r, &data.key, &old, &attached)?;
                }
            }
            Ok(())
        }
    }
}

/// `collections.bulk_replace`: the `append` events of a collection's new members and the
/// `remove` events of the members it lost (with the `BULK_REPLACE` token), a lost member's
/// many-to-one backref emptied (its `remove` heard again with that attribute's `REPLACE`
/// token, as SQLAlchemy's backref pops it from the new collection).
fn replace_members(
    interp: &mut Interp,
    inst: &Rc<Instance>,
    r: &Rc<Relationship>,
    key: &str,
    old: &[Value],
    new: &[Value],
) -> PyResult<()> {
    let obj = Value::Instance(inst.clone());
    let reverse = r.reverse.borrow().upgrade().filter(|rev| r.m2m.borrow().is_none() && !rev.uselist());
    let removed: Vec<Value> = old.iter().filter(|o| !new.iter().any(|n| n.is(o))).cloned().collect();
    if let Some(rev) = &reverse {
        for o in &removed {
            if let Value::Instance(oi) = o {
                let held = oi.dict.borrow().get_str(&rev.key()).cloned();
                if held.is_some_and(|p| p.is(&obj)) {
                    oi.dict.borrow_mut().set_str(&rev.key(), Value::None);
                }
            }
        }
    }
    let listening = super::events::has_attribute_listener(interp, key, &obj, "append")
        || super::events::has_attribute_listener(interp, key, &obj, "remove");
    if !listening {
        return Ok(());
    }
    let token = super::events::attribute_token(interp, key, "BULK_REPLACE")?;
    for n in new.iter().filter(|n| !old.iter().any(|o| o.is(n))) {
        super::events::fire_collection_initiated(interp, key, inst, "append", n, &token)?;
    }
    for o in &removed {
        super::events::fire_collection_initiated(interp, key, inst, "remove", o, &token)?;
        if let Some(rev) = &reverse {
            let by = super::events::attribute_token(interp, &rev.key(), "REPLACE")?;
            super::events::fire_collection_initiated(interp, key, inst, "remove", o, &by)?;
        }
    }
    Ok(())
}

/// A `@validates` method and its options.
struct Validator {
    f: Value,
    include_removes: bool,
    include_backrefs: bool,
}

impl Validator {
    /// Calls the method as `_validator_events` does: `(obj, key, value)`, with `is_remove`
    /// as a fourth argument when it was declared with `include_removes=True`.
    fn call(&self, interp: &mut Interp, obj: &Value, key: &str, value: Value, is_remove: bool) -> PyResult<Value> {
        let mut args = vec![obj.clone(), Value::str(key), value];
        if self.include_removes {
            args.push(Value::Bool(is_remove));
        }
        interp.call(&self.f, Args::new(args))
    }
}

/// The `@validates(key)` method of the object's mapper, if it has one.
fn validator_for(interp: &mut Interp, obj: &Value, key: &str) -> PyResult<Option<Validator>> {
    let Some(m) = object_mapper(obj) else { return Ok(None) };
    let Some(f) = m.validators.iter().find(|(k, _)| k == key).map(|(_, f)| f.clone()) else { return Ok(None) };
    let opts = match &f {
        Value::Function(func) => func.dict.borrow().get_str("__sa_validation_opts__").cloned(),
        _ => None,
    };
    let mut opt = |name: &str, default: bool| -> PyResult<bool> {
        match &opts {
            Some(Value::Dict(d)) => match d.borrow().get_str(name).cloned() {
                Some(v) => interp.truthy(&v),
                None => Ok(default),
            },
            _ => Ok(default),
        }
    };
    let include_removes = opt("include_removes", false)?;
    let include_backrefs = opt("include_backrefs", true)?;
    Ok(Some(Validator { f, include_removes, include_backrefs }))
}

/// Gives a loaded or new collection its append / remove events (`CollectionAdapter`):
/// `@validates` methods run on every item added (and, with `include_removes`, taken out)
/// through the list's methods; an item appended gets its backref set at once and, when the
/// collection's owner is in a session, joins it (the save-update cascade), as SQLAlchemy's
/// `append` event does; an item removed has its many-to-one backref cleared.
fn instrument_collection(interp: &mut Interp, inst: &Rc<Instance>, key: &str, list: &Rc<RefCell<Vec<Value>>>) {
    let Some(m) = class_mapper(&inst.class) else { return };
    if interp.list_observer(list).is_some() {
        return;
    }
    let Some(rel) = m.relationships.borrow().iter().find(|r| r.key() == key).cloned() else { return };
    let owner = Rc::downgrade(inst);
    let rel = Rc::downgrade(&rel);
    let key = key.to_string();
    interp.observe_list(
        list,
        Rc::new(move |i: &mut Interp, event: crate::python::interp::ListEvent| {
            use crate::python::interp::ListEvent;
            let Some(o) = owner.upgrade() else {
                return Ok(match event {
                    ListEvent::Append(v) => v,
                    ListEvent::Remove(_) => Value::None,
                });
            };
            let obj = Value::Instance(o.clone());
            let validator = validator_for(i, &obj, &key)?;
            match event {
                ListEvent::Append(item) => {
                    // The `append` listeners (registered with the class, before the mappers
                    // are configured, they come before the validator's).
                    let item = super::events::fire_collection(i, &key, &o, "append", item, None)?;
                    let item = match &validator {
                        Some(v) => v.call(i, &obj, &key, item, false)?,
                        None => item,
                    };
                    if let Some(r) = rel.upgrade() {
                        collection_appended(i, &o, &r, &item)?;
                    }
                    Ok(item)
                }
                ListEvent::Remove(item) => {
                    super::events::fire_collection(i, &key, &o, "remove", item.clone(), None)?;
                    if let Some(v) = validator.filter(|v| v.include_removes) {
                        v.call(i, &obj, &key, item.clone(), true)?;
                    }
                    if let Some(r) = rel.upgrade() {
                        collection_removed(i, &o, &r, &item)?;
                    }
                    Ok(Value::None)
                }
            }
        }),
    );
}

/// What appending `item` to `owner`'s collection `r` does at once: the backref (a one-to-many's
/// many-to-one set to the owner, a many-to-many's other collection given the owner when it is
/// there), and the save-update cascade into the owner's session.
fn collection_appended(interp: &mut Interp, owner: &Rc<Instance>, r: &Rc<Relationship>, item: &Value) -> PyResult<()> {
    let Value::Instance(ci) = item else { return Ok(()) };
    let obj = Value::Instance(owner.clone());
    if let Some(rev) = r.reverse.borrow().upgrade() {
        let rk = rev.key();
        if r.m2m.borrow().is_none() && r.direction.get() == Direction::OneToMany {
            set_dict_attr(ci, &rk, obj.clone());
        } else if r.m2m.borrow().is_some() {
            let existing = ci.dict.borrow().get_str(&rk).cloned();
            match existing {
                Some(Value::List(l)) if !l.borrow().iter().any(|x| x.is(&obj)) => l.borrow_mut().push(obj.clone()),
                None if instance_state(ci).key.borrow().is_none() => {
                    ci.dict.borrow_mut().set_str(&rk, Value::list(vec![obj.clone()]));
                }
                None => pending_m2m_append(ci, &rk, &obj),
                _ => {}
            }
        }
    }
    cascade_on_attach(interp, owner, r, item)
}

/// A backref's append to a persistent object's many-to-many collection that was never
/// loaded: it waits as a pending mutation (the object is modified) for the flush, which
/// writes its association row or warns of a member outside the session.
fn pending_m2m_append(inst: &Rc<Instance>, key: &str, item: &Value) {
    let st = instance_state(inst);
    let mut pending = st.pending_collection_appends.borrow_mut();
    if !pending.iter().any(|(k, v)| k == key && v.is(item)) {
        pending.push((key.to_string(), item.clone()));
    }
}

/// A many-to-one backref's removal of `item` from `parent`'s one-to-many collection `r`: out
/// of the loaded collection (no `remove` event of the list itself: the item's reference is
/// being set already), or of the appends waiting on one never loaded; with `delete-orphan`, a
/// pending item leaves the parent's session (the `remove` listener of `track_cascade_events`).
fn backref_pop(interp: &mut Interp, parent: &Rc<Instance>, r: &Rc<Relationship>, item: &Value) -> PyResult<()> {
    let key = r.key();
    let held = parent.dict.borrow().get_str(&key).cloned();
    match held {
        Some(Value::List(l)) => {
            let pos = l.borrow().iter().position(|x| x.is(item));
            if let Some(pos) = pos {
                l.borrow_mut().remove(pos);
            }
        }
        _ => instance_state(parent).pending_collection_appends.borrow_mut().retain(|(k, v)| !(*k == key && v.is(item))),
    }
    if r.args.delete_orphan {
        if let Some(s) = instance_state(parent).session() {
            if s.new.borrow().iter().any(|n| n.is(item)) {
                expunge(interp, &s, item)?;
            }
        }
    }
    Ok(())
}

/// What removing `item` from `owner`'s collection `r` does at once: a one-to-many's
/// many-to-one backref, when it is the owner, becomes `None`; with `delete-orphan`, a pending
/// member leaves the owner's session (the `remove` listener of `track_cascade_events`
/// expunges pending orphans).
fn collection_removed(interp: &mut Interp, owner: &Rc<Instance>, r: &Rc<Relationship>, item: &Value) -> PyResult<()> {
    let Value::Instance(ci) = item else { return Ok(()) };
    if r.args.delete_orphan {
        if let Some(s) = instance_state(owner).session() {
            if s.new.borrow().iter().any(|n| n.is(item)) {
                expunge(interp, &s, item)?;
            }
        }
    }
    if r.m2m.borrow().is_some() || r.direction.get() != Direction::OneToMany {
        return Ok(());
    }
    let Some(rev) = r.reverse.borrow().upgrade() else { return Ok(()) };
    let rk = rev.key();
    let obj = Value::Instance(owner.clone());
    if ci.dict.borrow().get_str(&rk).is_some_and(|o| o.is(&obj)) {
        set_dict_attr(ci, &rk, Value::None);
    }
    Ok(())
}

/// The item a backref appends to `parent`'s collection `key` (the `append` event with the
/// backref as initiator): what the collection's validator makes of it, unless it was declared
/// with `include_backrefs=False`.
/// Its `append` listeners hear of it first, the many-to-one attribute `initiator` named as
/// what started it.
fn backref_appending(interp: &mut Interp, parent: &Value, key: &str, item: Value, initiator: &str) -> PyResult<Value> {
    let item = match parent {
        Value::Instance(p) => super::events::fire_collection(interp, key, p, "append", item, Some(initiator))?,
        _ => item,
    };
    match validator_for(interp, parent, key)? {
        Some(v) if v.include_backrefs => v.call(interp, parent, key, item, false),
        _ => Ok(item),
    }
}

/// Drops identity-map entries nothing else refers to: SQLAlchemy's identity map holds objects
/// weakly, so CPython frees an unmodified object as soon as the learner's code lets go of it.
/// (The object's own `_sa_instance_state` refers to it too, where SQLAlchemy's state holds it
/// weakly: that reference does not count.)
pub fn prune_identity_map(s: &SessionData) {
    s.identity_map.borrow_mut().retain(|_, v| match v {
        Value::Instance(i) => {
            let st = instance_state(i);
            let own_state = usize::from(super::inspection::holds_own_state(i));
            Rc::strong_count(i) > 1 + own_state
                || st.modified.get()
                || st.deleted.get()
                || !st.pending_dynamic.borrow().is_empty()
                || !st.pending_collection_appends.borrow().is_empty()
        }
        _ => true,
    });
}

/// `sqlalchemy.orm.attributes.flag_modified(instance, key)`: the attribute counts as changed
/// (its column is in the next UPDATE, whatever its value), after its `modified` event.
pub fn flag_modified(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let obj = a.pos.first().cloned().unwrap_or(Value::None);
    let key = match a.pos.get(1) {
        Some(k) => interp.to_str(k)?,
        None => {
            return Err(interp.type_error("flag_modified() missing 1 required positional argument: 'key'".to_string()))
        }
    };
    let (Value::Instance(inst), Some(m)) = (&obj, object_mapper(&obj)) else {
        let t = interp.type_name(&obj);
        return Err(interp.err("AttributeError", format!("'{t}' object has no attribute '_sa_instance_state'")));
    };
    let is_attr = m.columns.iter().any(|(k, _)| *k == key) || m.relationship(&key).is_some();
    if !is_attr {
        let cls = interp.exc_class("KeyError");
        return Err(PyErr { exc: interp.new_exception(&cls, vec![Value::str(&key)]), traceback: vec![] });
    }
    super::events::fire_modified(interp, &key, inst)?;
    if inst.dict.borrow().get_str(&key).is_none() {
        return Err(sa_error(
            interp,
            "InvalidRequestError",
            format!("Can't flag attribute '{key}' modified; it's not present in the object state"),
        ));
    }
    let st = instance_state(inst);
    st.committed.borrow_mut().entry(key).or_insert(Value::NotImplemented);
    st.modified.set(true);
    if let Some(sess) = st.session() {
        sess.autobegin(interp)?;
    }
    Ok(Value::None)
}

/// `sqlalchemy.orm.attributes.flag_dirty(instance)`: the object is in `session.dirty` (its
/// flush events fire) with no attribute changed.
pub fn flag_dirty(interp: &mut Interp, a: Args) -> PyResult<Value> {
    let obj = a.pos.first().cloned().unwrap_or(Value::None);
    let Value::Instance(inst) = &obj else {
        let t = interp.type_name(&obj);
        return Err(interp.err("AttributeError", format!("'{t}' object has no attribute '_sa_instance_state'")));
    };
    if object_mapper(&obj).is_none() {
        let t = interp.type_name(&obj);
        return Err(interp.err("AttributeError", format!("'{t}' object has no attribute '_sa_instance_state'")));
    }
    let st = instance_state(inst);
    st.modified.set(true);
    if let Some(sess) = st.session() {
        sess.autobegin(interp)?;
    }
    Ok(Value::None)
}

/// `Session.get(Model, pk)`.
pub fn session_get(
    interp: &mut Interp,
    s: &Rc<SessionData>,
    mapper: &Rc<Mapper>,
    ident: &Value,
    label_style: LabelStyle,
) -> PyResult<Value> {
    configure(interp, &s.registry)?;
    let pk_cols = mapper.table.primary_key();
    let wrong_number = |interp: &mut Interp| {
        let names: Vec<String> = pk_cols
            .iter()
            .map(|c| format!("'{}.{}'", c.table().map(|t| t.name.clone()).unwrap_or_default(), c.name()))
            .collect();
        sa_error(
            interp,
            "InvalidRequestError",
            format!(
                "Incorrect number of values in identifier to formulate primary key for session.get(); primary key columns are {}",
                names.join(",")
            ),
        )
    };
    // `_get_impl`: a dict by attribute name, a tuple or list in primary key order, or a scalar.
    let vals = match ident {
        Value::Tuple(t) => (**t).clone(),
        Value::List(l) => l.borrow().clone(),
        Value::Dict(d) => {
            if d.borrow().len() != pk_cols.len() {
                return Err(wrong_number(interp));
            }
            let mut out = Vec::with_capacity(pk_cols.len());
            for c in &pk_cols {
                let k = mapper.column_key(c).unwrap_or_else(|| c.name());
                match d.borrow().get_str(&k) {
                    Some(v) => out.push(v.clone()),
                    None => {
                        let names: Vec<String> = pk_cols
                            .iter()
                            .map(|c| format!("'{}'", mapper.column_key(c).unwrap_or_else(|| c.name())))
                            .collect();
                        return Err(sa_error(
                            interp,
                            "InvalidRequestError",
                            format!(
                                "Incorrect names of values in identifier to formulate primary key for session.get(); primary key attribute names are {} (synonym names are also accepted)",
                                names.join(",")
                            ),
                        ));
                    }
                }
            }
            out
        }
        other => vec![other.clone()],
    };
    if vals.len() != pk_cols.len() {
        return Err(wrong_number(interp));
    }
    let keys: Vec<HashKey> = vals.iter().map(|v| HashKey::of(v).unwrap_or(HashKey::None)).collect();
    prune_identity_map(s);
    if let Some(found) = s.identity_map.borrow().get(&(mapper.identity_id(), keys)).cloned() {
        let expired = found.as_instance().map(|i| instance_state(i).expired.get()).unwrap_or(false);
        if !expired {
            return Ok(found);
        }
    }
    autoflush(interp, s)?;
    let mut select = mapper_select(mapper, label_style);
    for (c, v) in mapper.table.primary_key().into_iter().zip(vals) {
        select.where_.push(Clause::Binary(
            Box::new(Clause::Column(c.clone())),
            "=",
            Box::new(Clause::Bind(v, c.ty.clone())),
        ));
    }
    let (rows, _) = super::strategies::load(interp, s, mapper, &select, &[], &[])?;
    Ok(rows.into_iter().next().unwrap_or(Value::None))
}
