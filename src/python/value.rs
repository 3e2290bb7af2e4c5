//! Python values: the object model the evaluator works on.
//!
//! Builtin scalars and containers are variants of [`Value`]; everything else is an
//! [`Instance`] of a [`Class`]. Natively implemented types (SQLAlchemy's `Column`, Flask's
//! `Flask`, `property`, ...) are ordinary classes whose methods are [`Builtin`]s and whose
//! instances carry a Rust payload ([`Instance::payload`]), so Python code can subclass them,
//! decorate with them and read their attributes like any other object.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use super::ast;
use super::bigint::BigInt;
use super::interp::{Interp, PyResult};

/// A Python object reference.
#[derive(Clone)]
pub enum Value {
    None,
    NotImplemented,
    Ellipsis,
    Bool(bool),
    Int(i64),
    /// An int outside the i64 range (never one inside it: see `BigInt::into_value`).
    BigInt(Rc<BigInt>),
    Float(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    List(Rc<RefCell<Vec<Value>>>),
    Tuple(Rc<Vec<Value>>),
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<RefCell<super::pyset::PySet>>),
    Function(Rc<Function>),
    Builtin(Rc<Builtin>),
    /// A function bound to its first argument (`obj.method`).
    BoundMethod(Rc<(Value, Value)>),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<Module>),
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::BigInt(b) => write!(f, "{}", b.to_radix_string(10)),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Class(c) => write!(f, "<class {}>", c.name),
            Value::Instance(i) => write!(f, "<{} object>", i.class.name),
            Value::Module(m) => write!(f, "<module {}>", m.name),
            Value::Function(func) => write!(f, "<function {}>", func.name),
            Value::Builtin(b) => write!(f, "<built-in {}>", b.name),
            _ => write!(f, "<value>"),
        }
    }
}

impl Value {
    /// A `str` value.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }
    /// A new `list`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }
    /// A new `tuple`.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(items))
    }
    /// A new `dict`.
    pub fn dict(d: Dict) -> Value {
        Value::Dict(Rc::new(RefCell::new(d)))
    }
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
    /// The `str` contents, if this is a `str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The instance, if this is an instance of a class.
    pub fn as_instance(&self) -> Option<&Rc<Instance>> {
        match self {
            Value::Instance(i) => Some(i),
            _ => None,
        }
    }
    /// The class, if this is a class object.
    pub fn as_class(&self) -> Option<&Rc<Class>> {
        match self {
            Value::Class(c) => Some(c),
            _ => None,
        }
    }
    /// The native payload of an instance, downcast to `T`.
    pub fn payload<T: 'static>(&self) -> Option<Rc<T>> {
        self.as_instance().and_then(|i| i.payload::<T>())
    }
    /// Object identity (`is`).
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::NotImplemented, Value::NotImplemented) => true,
            (Value::Ellipsis, Value::Ellipsis) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b && (-5..=256).contains(a),
            (Value::BigInt(a), Value::BigInt(b)) => Rc::ptr_eq(a, b),
            (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || (a.len() <= 1 && a == b),
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            (Value::Tuple(a), Value::Tuple(b)) => Rc::ptr_eq(a, b) || (a.is_empty() && b.is_empty()),
            (Value::Dict(a), Value::Dict(b)) => Rc::ptr_eq(a, b),
            (Value::Set(a), Value::Set(b)) => Rc::ptr_eq(a, b),
            (Value::Function(a), Value::Function(b)) => Rc::ptr_eq(a, b),
            (Value::Builtin(a), Value::Builtin(b)) => Rc::ptr_eq(a, b),
            (Value::Class(a), Value::Class(b)) => Rc::ptr_eq(a, b),
            (Value::Instance(a), Value::Instance(b)) => Rc::ptr_eq(a, b),
            (Value::Module(a), Value::Module(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
    /// A stable number for `id()` and identity maps.
    pub fn id(&self) -> usize {
        match self {
            Value::List(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Tuple(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Dict(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Set(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Function(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Builtin(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Class(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Instance(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Module(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Str(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::BigInt(a) => Rc::as_ptr(a) as *const u8 as usize,
            Value::Int(i) => *i as usize,
            _ => 0,
        }
    }
}

/// The builtin value an instance of a subclass of a builtin type is (`class Tags(list)`,
/// `class Name(str)`): its `Instance::payload`, made by the builtin type's `__new__`. Mutable
/// values (a list, a dict) are shared, so the instance and its value change together.
pub struct BuiltinBase(pub Value);

impl Value {
    /// For an instance of a subclass of a builtin type, the builtin value it is: its
    /// [`BuiltinBase`], or for members of an enum mixed with `str`, `int` or `float` (which
    /// `enum.py` makes with `object.__new__`), their `_value_`.
    pub fn builtin_base(&self) -> Option<Value> {
        let Value::Instance(inst) = self else { return None };
        let kind = inst.class.builtin?;
        if kind == BuiltinType::Object || kind == BuiltinType::BaseException {
            return None;
        }
        if let Some(b) = inst.payload::<BuiltinBase>() {
            return Some(b.0.clone());
        }
        if !matches!(kind, BuiltinType::Str | BuiltinType::Int | BuiltinType::Float) {
            return None;
        }
        let found = inst.dict.borrow().get_str("_value_").cloned();
        found
    }
}

/// A key usable in a [`Dict`]: the hashable view of a value.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum HashKey {
    None,
    Int(i64),
    /// An int (or integral float) outside the i64 range.
    Big(Rc<BigInt>),
    /// A float that is not integral, by its bits.
    Float(u64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Tuple(Vec<HashKey>),
    /// Objects hashed by identity.
    Id(usize),
    /// A `frozenset`: its members' keys in a canonical order.
    Frozen(Vec<HashKey>),
}

// Hashed by hand so that a `&str` can be looked up without building an `Rc<str>` key (see
// `KeyView`): a string key hashes the same whether owned or borrowed.
impl std::hash::Hash for HashKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match self {
            HashKey::Str(s) => hash_str_key(s, h),
            HashKey::None => h.write_u8(1),
            HashKey::Int(i) => {
                h.write_u8(2);
                i.hash(h)
            }
            HashKey::Big(b) => {
                h.write_u8(7);
                h.write_i64(b.hash())
            }
            HashKey::Float(f) => {
                h.write_u8(3);
                f.hash(h)
            }
            HashKey::Bytes(b) => {
                h.write_u8(4);
                b.hash(h)
            }
            HashKey::Tuple(t) => {
                h.write_u8(5);
                t.hash(h)
            }
            HashKey::Id(i) => {
                h.write_u8(6);
                i.hash(h)
            }
            HashKey::Frozen(t) => {
                h.write_u8(8);
                t.hash(h)
            }
        }
    }
}

fn hash_str_key<H: std::hash::Hasher>(s: &str, h: &mut H) {
    use std::hash::Hash;
    h.write_u8(0);
    s.hash(h)
}

/// The Fx hash (rustc's): a dict's index needs speed, not resistance to chosen keys; the
/// index is never iterated, so the hash cannot change any output.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64)
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i)
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64)
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A borrowed view of a dict key, so `Dict::get_str` needs no allocation.
enum KeyRef<'a> {
    Str(&'a str),
    Key(&'a HashKey),
}

trait KeyView {
    fn key_ref(&self) -> KeyRef<'_>;
}

impl KeyView for HashKey {
    fn key_ref(&self) -> KeyRef<'_> {
        match self {
            HashKey::Str(s) => KeyRef::Str(s),
            k => KeyRef::Key(k),
        }
    }
}

struct StrKey<'a>(&'a str);

impl KeyView for StrKey<'_> {
    fn key_ref(&self) -> KeyRef<'_> {
        KeyRef::Str(self.0)
    }
}

impl<'a> std::borrow::Borrow<dyn KeyView + 'a> for HashKey {
    fn borrow(&self) -> &(dyn KeyView + 'a) {
        self
    }
}

impl std::hash::Hash for dyn KeyView + '_ {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match self.key_ref() {
            KeyRef::Str(s) => hash_str_key(s, h),
            KeyRef::Key(k) => std::hash::Hash::hash(k, h),
        }
    }
}

impl PartialEq for dyn KeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        match (self.key_ref(), other.key_ref()) {
            (KeyRef::Str(a), KeyRef::Str(b)) => a == b,
            (KeyRef::Key(a), KeyRef::Key(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for dyn KeyView + '_ {}

impl HashKey {
    /// The key of a value, or None when the value is unhashable (list, dict, set).
    pub fn of(v: &Value) -> Option<HashKey> {
        Some(match v {
            Value::None => HashKey::None,
            Value::Bool(b) => HashKey::Int(*b as i64),
            Value::Int(i) => HashKey::Int(*i),
            Value::BigInt(b) => HashKey::Big(b.clone()),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.0e18 {
                    HashKey::Int(*f as i64)
                } else if f.fract() == 0.0 {
                    // Integral floats from 9e18 up: the int of the same value, if it is big.
                    match BigInt::from_f64(*f).into_value() {
                        Value::BigInt(b) => HashKey::Big(b),
                        Value::Int(i) => HashKey::Int(i),
                        _ => HashKey::Float(f.to_bits()),
                    }
                } else {
                    HashKey::Float(f.to_bits())
                }
            }
            Value::Str(s) => HashKey::Str(s.clone()),
            Value::Bytes(b) => HashKey::Bytes(b.clone()),
            Value::Tuple(t) => HashKey::Tuple(t.iter().map(HashKey::of).collect::<Option<Vec<_>>>()?),
            Value::List(_) | Value::Dict(_) | Value::Set(_) => return None,
            // A `str` / `int` / `tuple` subclass's instance is the key of its value, as
            // CPython's equal hashes and `==` make it (`{Color.RED: 'r'}[1]`).
            Value::Instance(_) => match v.builtin_base() {
                Some(
                    b @ (Value::Str(_)
                    | Value::Int(_)
                    | Value::BigInt(_)
                    | Value::Float(_)
                    | Value::Bool(_)
                    | Value::Tuple(_)
                    | Value::Bytes(_)),
                ) => HashKey::of(&b)?,
                Some(Value::Set(d)) if is_frozen(v) => {
                    let keys = d.borrow().members().map(HashKey::of).collect::<Option<Vec<_>>>()?;
                    // Each key's sort key computed once (as sort_by_cached_key), sorted by the
                    // crate's one stable sort (std's is compiled again per call site).
                    let mut keyed: Vec<_> = keys
                        .into_iter()
                        .map(|k| {
                            use std::hash::{Hash, Hasher};
                            let mut h = FxHasher::default();
                            k.hash(&mut h);
                            ((h.finish(), format!("{k:?}")), k)
                        })
                        .collect();
                    crate::sort::sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
                    HashKey::Frozen(keyed.into_iter().map(|(_, k)| k).collect())
                }
                // Instances of `list` / `dict` / `set` subclasses are unhashable as their values.
                Some(Value::List(_) | Value::Dict(_) | Value::Set(_)) => return None,
                _ => HashKey::Id(v.id()),
            },
            other => HashKey::Id(other.id()),
        })
    }
}

/// Is `v` a `frozenset` (or an instance of a subclass of it)?
pub fn is_frozen(v: &Value) -> bool {
    let Value::Instance(i) = v else { return false };
    let mro = i.class.mro.borrow();
    mro.iter().any(|c| c.name == "frozenset" && c.module == "builtins")
}

/// An insertion-ordered dictionary (also the storage of `set`, with None values).
///
/// Up to [`SMALL_DICT`] slots the entries are searched in order and there is no hash index
/// (most instance, keyword and class dicts are that small): no index to allocate, grow or
/// hash into. Past that, `index` maps every live key to its slot.
#[derive(Clone, Default)]
pub struct Dict {
    entries: Vec<Option<(Value, Value)>>,
    index: HashMap<HashKey, usize, std::hash::BuildHasherDefault<FxHasher>>,
    len: usize,
}

/// Slots (live entries and removed ones) a [`Dict`] searches in order before it keeps an index.
const SMALL_DICT: usize = 8;

/// Does `v` have the key `k` (`HashKey::of(v) == Some(k)`, without building the key)?
fn key_matches(k: &HashKey, v: &Value) -> bool {
    match (k, v) {
        (_, Value::Instance(_)) => HashKey::of(v).as_ref() == Some(k),
        (HashKey::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || **a == **b,
        (HashKey::Str(_), _) | (_, Value::Str(_)) => false,
        (HashKey::Int(i), Value::Int(j)) => i == j,
        (HashKey::Int(i), Value::Bool(b)) => *i == *b as i64,
        (HashKey::Big(a), Value::BigInt(b)) => a == b,
        (HashKey::None, Value::None) => true,
        (HashKey::Bytes(a), Value::Bytes(b)) => a == b,
        (HashKey::Tuple(a), Value::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(k, v)| key_matches(k, v))
        }
        (_, Value::Float(_)) | (HashKey::Id(_), _) => HashKey::of(v).as_ref() == Some(k),
        _ => false,
    }
}

impl Dict {
    pub fn new() -> Dict {
        Dict::default()
    }
    /// An empty dict with room for `n` entries.
    pub fn with_capacity(n: usize) -> Dict {
        Dict { entries: Vec::with_capacity(n), ..Dict::default() }
    }
    /// Makes room for `n` more entries.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve(n);
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    fn indexed(&self) -> bool {
        self.entries.len() > SMALL_DICT
    }
    /// The slot of a key.
    fn slot(&self, k: &HashKey) -> Option<usize> {
        if self.indexed() {
            return self.index.get(k).copied();
        }
        self.entries.iter().position(|e| matches!(e, Some((key, _)) if key_matches(k, key)))
    }
    /// The slot of a string key.
    fn slot_str(&self, key: &str) -> Option<usize> {
        if self.indexed() {
            return self.index.get(&StrKey(key) as &dyn KeyView).copied();
        }
        self.entries.iter().position(|e| matches!(e, Some((Value::Str(k), _)) if **k == *key))
    }
    /// Indexes every live entry (the dict has just outgrown [`SMALL_DICT`], or was compacted).
    fn build_index(&mut self) {
        self.index.clear();
        self.index.reserve(self.entries.len());
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(hk) = e.as_ref().and_then(|(k, _)| HashKey::of(k)) {
                self.index.insert(hk, i);
            }
        }
    }
    /// Looks a key up; None also for unhashable keys.
    pub fn get(&self, key: &Value) -> Option<&Value> {
        if let Value::Str(s) = key {
            return self.get_str(s);
        }
        let k = HashKey::of(key)?;
        self.get_by_key(&k)
    }
    pub fn get_by_key(&self, k: &HashKey) -> Option<&Value> {
        let i = self.slot(k)?;
        self.entries[i].as_ref().map(|(_, v)| v)
    }
    /// Looks up a string key.
    pub fn get_str(&self, key: &str) -> Option<&Value> {
        let i = self.slot_str(key)?;
        self.entries[i].as_ref().map(|(_, v)| v)
    }
    /// Inserts or replaces; returns false when the key is unhashable.
    pub fn insert(&mut self, key: Value, value: Value) -> bool {
        let Some(k) = HashKey::of(&key) else { return false };
        if let Some(i) = self.slot(&k) {
            if let Some(entry) = self.entries[i].as_mut() {
                entry.1 = value;
            }
        } else {
            self.entries.push(Some((key, value)));
            self.len += 1;
            let n = self.entries.len();
            if n == SMALL_DICT + 1 {
                self.build_index();
            } else if n > SMALL_DICT + 1 {
                self.index.insert(k, n - 1);
            }
        }
        true
    }
    pub fn set_str(&mut self, key: &str, value: Value) {
        if let Some(i) = self.slot_str(key) {
            if let Some(entry) = self.entries[i].as_mut() {
                entry.1 = value;
                return;
            }
        }
        self.insert(Value::str(key), value);
    }
    pub fn remove(&mut self, key: &Value) -> Option<Value> {
        let k = HashKey::of(key)?;
        let i = self.slot(&k)?;
        if self.indexed() {
            self.index.remove(&k);
        }
        let (_, v) = self.entries[i].take()?;
        self.len -= 1;
        if self.entries.len() > 32 && self.len * 2 < self.entries.len() {
            self.compact();
        }
        Some(v)
    }
    fn compact(&mut self) {
        self.entries.retain(Option::is_some);
        if self.indexed() {
            self.build_index();
        } else {
            self.index = HashMap::default();
        }
    }
    pub fn contains(&self, key: &Value) -> bool {
        self.get(key).is_some()
    }
    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.entries.iter().flatten().map(|(k, v)| (k, v))
    }
    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|(k, _)| k.clone()).collect()
    }
    pub fn values(&self) -> Vec<Value> {
        self.iter().map(|(_, v)| v.clone()).collect()
    }
    pub fn clear(&mut self) {
        *self = Dict::default();
    }
    /// The keys and values, consuming the dict.
    pub fn into_entries(self) -> impl Iterator<Item = Value> {
        self.entries.into_iter().flatten().flat_map(|(k, v)| [k, v])
    }
    /// The stored keys that may equal `probe` under user-defined `__eq__` (same shape, same
    /// cached `__hash__`), which `Interp::canon_key` then compares.
    pub fn key_candidates(&self, probe: &Value) -> Vec<Value> {
        self.iter().map(|(k, _)| k).filter(|k| maybe_same_key(k, probe)).cloned().collect()
    }
}

/// Could `stored` and `probe` be equal keys: same tuple shape, equal cached user hashes for
/// instances that have one, equal keys for everything else.
fn maybe_same_key(stored: &Value, probe: &Value) -> bool {
    match (stored, probe) {
        (Value::Instance(a), Value::Instance(b)) => a.hash.get().is_some() && a.hash.get() == b.hash.get(),
        (Value::Tuple(a), Value::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| maybe_same_key(x, y))
        }
        (Value::Instance(_), _) | (_, Value::Instance(_)) => false,
        _ => HashKey::of(stored) == HashKey::of(probe),
    }
}

/// A user-defined function (`def` or `lambda`).
pub struct Function {
    pub name: String,
    pub qualname: String,
    pub module: Rc<Module>,
    pub args: Rc<ast::Arguments>,
    pub body: FunctionBody,
    /// Evaluated defaults of positional parameters (aligned to the end) and keyword-only ones.
    /// In cells so that a dropped interpreter can empty them (a default may refer back to the
    /// function: `def f(seen=[])` with `seen.append(f)`).
    pub defaults: RefCell<Vec<Value>>,
    pub kw_defaults: RefCell<Vec<Option<Value>>>,
    /// The enclosing function scopes, innermost first.
    pub closure: Option<Rc<Scope>>,
    /// Names this function assigns (its locals), computed once.
    pub local_names: Rc<LocalNames>,
    pub is_generator: bool,
    /// The line its code begins at (its first decorator's, or the `def`), CPython's
    /// `co_firstlineno`.
    pub firstlineno: u32,
    /// The class whose body defined this function (for zero-argument `super()`).
    pub class: RefCell<Option<std::rc::Weak<Class>>>,
    pub dict: RefCell<Dict>,
    pub doc: Option<Rc<str>>,
    /// Its `__code__` object, made when first asked for (the same object each time).
    pub code: RefCell<Option<Value>>,
}

/// What a function runs.
#[derive(Clone)]
pub enum FunctionBody {
    Block(ast::Block),
    Lambda(Rc<ast::Expr>),
}

/// The static scope facts of a function body.
#[derive(Default, Debug)]
pub struct LocalNames {
    pub locals: std::collections::HashSet<String>,
    pub globals: std::collections::HashSet<String>,
    pub nonlocals: std::collections::HashSet<String>,
}

/// One function activation's variables, shared with closures created inside it.
pub struct Scope {
    pub vars: RefCell<HashMap<Rc<str>, Value>>,
    pub names: Rc<LocalNames>,
    pub parent: Option<Rc<Scope>>,
}

/// Signature of natively implemented functions: positional args, keyword args.
pub type NativeFn = dyn Fn(&mut Interp, Args) -> PyResult<Value>;

/// A natively implemented function or method.
pub struct Builtin {
    pub name: String,
    /// For methods: the type name used in messages (`str.join`).
    pub owner: Option<String>,
    pub func: Box<NativeFn>,
    /// Does attribute access on an instance bind this as a method (first arg = self)?
    pub binds: bool,
}

/// Arguments of a call.
#[derive(Default, Clone)]
pub struct Args {
    pub pos: Vec<Value>,
    pub kw: Vec<(Rc<str>, Value)>,
}

impl Args {
    pub fn new(pos: Vec<Value>) -> Args {
        Args { pos, kw: Vec::new() }
    }
    /// Removes and returns the keyword argument `name`.
    pub fn take_kw(&mut self, name: &str) -> Option<Value> {
        let i = self.kw.iter().position(|(k, _)| &**k == name)?;
        Some(self.kw.remove(i).1)
    }
    /// The positional argument `i` or the keyword `name` (removing the keyword).
    pub fn arg(&mut self, i: usize, name: &str) -> Option<Value> {
        if let Some(v) = self.take_kw(name) {
            return Some(v);
        }
        self.pos.get(i).cloned()
    }
}

/// A class object.
pub struct Class {
    pub name: String,
    pub qualname: String,
    /// The `__module__` (`builtins` for builtin types).
    pub module: String,
    pub bases: Vec<Rc<Class>>,
    /// The method resolution order, starting with the class itself (C3).
    pub mro: RefCell<Vec<Rc<Class>>>,
    pub dict: RefCell<Dict>,
    /// The class's metaclass (None means `type`).
    pub metaclass: Option<Rc<Class>>,
    /// Native data attached by the library that owns the class (e.g. a SQLAlchemy mapper).
    pub ext: RefCell<Option<Rc<dyn Any>>>,
    /// Which builtin type this is or derives from, for builtin behaviour of instances.
    pub builtin: Option<BuiltinType>,
    pub id: usize,
}

/// Builtin types whose values are not [`Instance`]s.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BuiltinType {
    Object,
    Type,
    NoneType,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    List,
    Tuple,
    Dict,
    Set,
    Function,
    BuiltinFunction,
    Method,
    Module,
    BaseException,
}

impl Class {
    /// Looks `name` up along the MRO.
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.dict.borrow().get_str(name) {
            return Some(v.clone());
        }
        for c in self.mro.borrow().iter().skip(1) {
            if let Some(v) = c.dict.borrow().get_str(name) {
                return Some(v.clone());
            }
        }
        None
    }
    /// True when `other` is this class or one of its bases.
    pub fn is_subclass(&self, other: &Class) -> bool {
        self.id == other.id || self.mro.borrow().iter().any(|c| c.id == other.id)
    }
    /// The `module.QualName` form used in reprs and tracebacks (`builtins` omitted).
    pub fn full_name(&self) -> String {
        // A class may say it lives elsewhere (`JSONDecodeError.__module__ = "json.decoder"`).
        let declared = self.dict.borrow().get_str("__module__").and_then(|m| m.as_str().map(str::to_string));
        let module = declared.unwrap_or_else(|| self.module.clone());
        if module == "builtins" || module == "__main__" {
            self.qualname.clone()
        } else {
            format!("{}.{}", module, self.qualname)
        }
    }
    /// The `module.QualName` an instance's default repr shows (`<__main__.C object at ...>`):
    /// only `builtins` is omitted.
    pub fn repr_name(&self) -> String {
        let declared = self.dict.borrow().get_str("__module__").and_then(|m| m.as_str().map(str::to_string));
        let module = declared.unwrap_or_else(|| self.module.clone());
        if module == "builtins" {
            self.qualname.clone()
        } else {
            format!("{}.{}", module, self.qualname)
        }
    }
    /// The native data attached to this class or the nearest base that has some.
    pub fn ext_of<T: 'static>(&self) -> Option<Rc<T>> {
        let own = self.ext.borrow().clone();
        if let Some(e) = own {
            if let Ok(t) = e.downcast::<T>() {
                return Some(t);
            }
        }
        None
    }
}

thread_local! {
    static NEXT_ID: Cell<usize> = const { Cell::new(1) };
}

/// A fresh identity number for classes.
pub fn next_id() -> usize {
    NEXT_ID.with(|n| {
        let v = n.get();
        n.set(v + 1);
        v
    })
}

/// An instance of a class.
pub struct Instance {
    pub class: Rc<Class>,
    /// The `__dict__`: `obj.__dict__` is this very dict, so writes to it are the object's.
    pub dict: Rc<RefCell<Dict>>,
    /// Native data of natively implemented classes (a `Column`'s definition, a `Session`).
    pub payload: RefCell<Option<Rc<dyn Any>>>,
    /// Native per-instance state a library attaches (SQLAlchemy's `InstanceState`).
    pub ext: RefCell<Option<Rc<dyn Any>>>,
    /// What the class's Python-level `__hash__` returned when the object last became a dict key
    /// or set member (CPython keeps it in the dict entry); see `Interp::prepare_key`.
    pub hash: Cell<Option<i64>>,
}

impl Instance {
    /// A new instance of `class` with an empty `__dict__`, registered with the current
    /// interpreter's [`Heap`] (so that dropping the interpreter frees it).
    pub fn new(class: Rc<Class>) -> Rc<Instance> {
        let inst = Rc::new(Instance {
            class,
            dict: Rc::new(RefCell::new(Dict::new())),
            payload: RefCell::new(None),
            ext: RefCell::new(None),
            hash: Cell::new(None),
        });
        Heap::track(|h| h.instances.add(&inst));
        inst
    }
    /// The payload downcast to `T`.
    pub fn payload<T: 'static>(&self) -> Option<Rc<T>> {
        self.payload.borrow().clone()?.downcast::<T>().ok()
    }
    /// The library state downcast to `T`.
    pub fn ext<T: 'static>(&self) -> Option<Rc<T>> {
        self.ext.borrow().clone()?.downcast::<T>().ok()
    }
}

/// A module object.
pub struct Module {
    pub name: String,
    pub dict: RefCell<Dict>,
    /// The file it was loaded from, as `__file__` shows it.
    pub file: Option<String>,
}

impl Module {
    pub fn new(name: &str, file: Option<String>) -> Rc<Module> {
        let m = Rc::new(Module { name: name.to_string(), dict: RefCell::new(Dict::new()), file: file.clone() });
        Heap::track(|h| h.modules.add(&m));
        m.dict.borrow_mut().set_str("__name__", Value::str(name));
        if let Some(f) = file {
            m.dict.borrow_mut().set_str("__file__", Value::str(&f));
        }
        m
    }
    pub fn get(&self, name: &str) -> Option<Value> {
        self.dict.borrow().get_str(name).cloned()
    }
    pub fn set(&self, name: &str, v: Value) {
        self.dict.borrow_mut().set_str(name, v);
    }
}

/// Weak references to objects of one kind that an interpreter created.
pub struct Tracked<T> {
    items: RefCell<Vec<std::rc::Weak<T>>>,
    /// Prune dead entries when the list reaches this length.
    limit: Cell<usize>,
}

impl<T> Default for Tracked<T> {
    fn default() -> Self {
        Tracked { items: RefCell::new(Vec::new()), limit: Cell::new(256) }
    }
}

impl<T> Tracked<T> {
    pub fn add(&self, item: &Rc<T>) {
        let mut items = self.items.borrow_mut();
        if items.last().is_some_and(|w| std::ptr::eq(w.as_ptr(), Rc::as_ptr(item))) {
            return;
        }
        if items.len() >= self.limit.get() {
            // Dead entries keep their allocation until their weak reference goes.
            items.retain(|w| w.strong_count() > 0);
            self.limit.set((items.len() * 2).max(256));
        }
        items.push(Rc::downgrade(item));
    }
    /// The objects still alive.
    pub fn live(&self) -> Vec<Rc<T>> {
        self.items.borrow().iter().filter_map(std::rc::Weak::upgrade).collect()
    }
    pub fn live_count(&self) -> usize {
        self.items.borrow().iter().filter(|w| w.strong_count() > 0).count()
    }
    fn take(&self) -> Vec<Rc<T>> {
        let items = std::mem::take(&mut *self.items.borrow_mut());
        items.iter().filter_map(std::rc::Weak::upgrade).collect()
    }
}

/// Every object an interpreter created that can be part of a reference cycle (instances,
/// classes, functions, modules, closure scopes), held weakly. Python frees cycles with its
/// garbage collector; we have reference counts only, so a dropped interpreter breaks them all
/// at once: [`Heap::teardown`] empties every one of these objects' mutable parts (`__dict__`,
/// MRO, native payloads, closure variables), after which reference counting frees the rest.
#[derive(Default)]
pub struct Heap {
    pub instances: Tracked<Instance>,
    pub classes: Tracked<Class>,
    pub functions: Tracked<Function>,
    pub modules: Tracked<Module>,
    pub scopes: Tracked<Scope>,
}

thread_local! {
    /// The heap of the interpreter most recently created on this thread: objects register
    /// here when created. Interpreters on one thread run one at a time (the page replaces its
    /// engine; tests build one per case).
    static CURRENT_HEAP: RefCell<Option<Rc<Heap>>> = const { RefCell::new(None) };
}

impl Heap {
    /// Makes `heap` the one new objects register with.
    pub fn set_current(heap: Option<Rc<Heap>>) {
        CURRENT_HEAP.with(|c| *c.borrow_mut() = heap);
    }
    /// Is `heap` the current one?
    pub fn is_current(heap: &Rc<Heap>) -> bool {
        CURRENT_HEAP.with(|c| c.borrow().as_ref().is_some_and(|h| Rc::ptr_eq(h, heap)))
    }
    /// Runs `f` on the current heap, if any.
    pub fn track(f: impl FnOnce(&Heap)) {
        CURRENT_HEAP.with(|c| {
            if let Some(h) = c.borrow().as_ref() {
                f(h)
            }
        });
    }

    /// Breaks every reference cycle among the objects of this heap (see [`Heap`]); the objects
    /// themselves are freed as their last references go. `roots` are further values to empty
    /// (the interpreter's own fields). Nothing is dropped recursively: contents are moved
    /// into one flat list first, so long chains (linked lists of instances) cannot overflow
    /// the stack.
    pub fn teardown(&self, roots: Vec<Value>) {
        let mut grave: Vec<Value> = roots;
        let mut natives: Vec<Rc<dyn Any>> = Vec::new();
        let mut dicts: Vec<Dict> = Vec::new();
        for i in self.instances.take() {
            dicts.push(std::mem::take(&mut *i.dict.borrow_mut()));
            natives.extend(i.payload.borrow_mut().take());
            natives.extend(i.ext.borrow_mut().take());
        }
        for c in self.classes.take() {
            dicts.push(std::mem::take(&mut *c.dict.borrow_mut()));
            grave.extend(c.mro.borrow_mut().drain(..).map(Value::Class));
            natives.extend(c.ext.borrow_mut().take());
        }
        for f in self.functions.take() {
            dicts.push(std::mem::take(&mut *f.dict.borrow_mut()));
            dicts.push(std::mem::take(&mut *f.module.dict.borrow_mut()));
            f.class.borrow_mut().take();
            grave.append(&mut f.defaults.borrow_mut());
            grave.extend(f.kw_defaults.borrow_mut().drain(..).flatten());
        }
        for m in self.modules.take() {
            dicts.push(std::mem::take(&mut *m.dict.borrow_mut()));
        }
        for s in self.scopes.take() {
            grave.extend(s.vars.borrow_mut().drain().map(|(_, v)| v));
        }
        for d in dicts {
            grave.extend(d.into_entries());
        }
        // Containers reachable from what was emptied: empty them too (cycles of lists and
        // dicts), flattening as we go.
        while let Some(v) = grave.pop() {
            match v {
                Value::List(l) => grave.append(&mut l.borrow_mut()),
                Value::Dict(d) => {
                    let d = std::mem::take(&mut *d.borrow_mut());
                    grave.extend(d.into_entries());
                }
                Value::Set(s) => {
                    let s = std::mem::take(&mut *s.borrow_mut());
                    grave.extend(s.into_members());
                }
                Value::Tuple(t) => {
                    if let Ok(items) = Rc::try_unwrap(t) {
                        grave.extend(items);
                    }
                }
                Value::BoundMethod(b) => {
                    if let Ok((a, b)) = Rc::try_unwrap(b) {
                        grave.push(a);
                        grave.push(b);
                    }
                }
                _ => {}
            }
        }
        drop(natives);
    }
}
