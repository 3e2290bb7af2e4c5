//! The `builtins` module: builtin types and their methods, builtin functions, the exception
//! hierarchy, and the descriptor types `property`, `staticmethod`, `classmethod`, `super`.

use std::cell::RefCell;
use std::rc::Rc;

use super::ast::BinOp;
use super::bigint::BigInt;
use super::interp::{Interp, PyErr, PyResult, Types};
use super::pyset::PySet;
use super::value::*;

/// Makes a builtin function value.
pub fn func(name: &str, f: impl Fn(&mut Interp, Args) -> PyResult<Value> + 'static) -> Value {
    Value::Builtin(Rc::new(Builtin { name: name.to_string(), owner: None, func: Box::new(f), binds: false }))
}

/// Makes a builtin method value (binds `self` on instance access).
pub fn method(owner: &str, name: &str, f: impl Fn(&mut Interp, Args) -> PyResult<Value> + 'static) -> Value {
    Value::Builtin(Rc::new(Builtin {
        name: name.to_string(),
        owner: Some(owner.to_string()),
        func: Box::new(f),
        binds: true,
    }))
}

fn raw_class(name: &str, module: &str, bases: Vec<Rc<Class>>, builtin: Option<BuiltinType>) -> Rc<Class> {
    let cls = Rc::new(Class {
        name: name.to_string(),
        qualname: name.to_string(),
        module: module.to_string(),
        bases: bases.clone(),
        mro: RefCell::new(Vec::new()),
        dict: RefCell::new(Dict::new()),
        metaclass: None,
        ext: RefCell::new(None),
        builtin,
        id: next_id(),
    });
    Heap::track(|h| h.classes.add(&cls));
    // Single inheritance chains only here: the MRO is the class then its base's MRO.
    let mut mro = vec![cls.clone()];
    if let Some(b) = bases.first() {
        mro.extend(b.mro.borrow().iter().cloned());
    }
    *cls.mro.borrow_mut() = mro;
    cls
}

/// Creates a natively implemented class with methods (single inheritance from `base`).
pub fn native_class(
    interp: &Interp,
    name: &str,
    module: &str,
    base: Option<&Rc<Class>>,
    methods: Vec<(&str, Value)>,
) -> Rc<Class> {
    let base = base.cloned().unwrap_or_else(|| interp.types.object.clone());
    let builtin = base.builtin;
    let cls = raw_class(name, module, vec![base], builtin);
    {
        let mut d = cls.dict.borrow_mut();
        d.reserve(methods.len());
        for (n, v) in methods {
            d.set_str(n, v);
        }
    }
    cls
}

/// A new instance of a native class carrying `payload`.
pub fn new_native<T: 'static>(cls: &Rc<Class>, payload: T) -> Value {
    let inst = Instance::new(cls.clone());
    *inst.payload.borrow_mut() = Some(Rc::new(payload));
    Value::Instance(inst)
}

/// The builtin types.
pub fn make_types() -> Types {
    let object = raw_class("object", "builtins", vec![], Some(BuiltinType::Object));
    let t = |name: &str, b: BuiltinType| raw_class(name, "builtins", vec![object.clone()], Some(b));
    let int = t("int", BuiltinType::Int);
    let bool_ = raw_class("bool", "builtins", vec![int.clone()], Some(BuiltinType::Bool));
    Types {
        type_: t("type", BuiltinType::Type),
        none: t("NoneType", BuiltinType::NoneType),
        bool_,
        int,
        float: t("float", BuiltinType::Float),
        str_: t("str", BuiltinType::Str),
        bytes: t("bytes", BuiltinType::Bytes),
        list: t("list", BuiltinType::List),
        tuple: t("tuple", BuiltinType::Tuple),
        dict: t("dict", BuiltinType::Dict),
        set: t("set", BuiltinType::Set),
        frozenset: t("frozenset", BuiltinType::Set),
        function: t("function", BuiltinType::Function),
        builtin_function: t("builtin_function_or_method", BuiltinType::BuiltinFunction),
        method: t("method", BuiltinType::Method),
        module: t("module", BuiltinType::Module),
        property: t("property", BuiltinType::Object),
        staticmethod: t("staticmethod", BuiltinType::Object),
        classmethod: t("classmethod", BuiltinType::Object),
        traceback: t("traceback", BuiltinType::Object),
        not_implemented: t("NotImplementedType", BuiltinType::Object),
        ellipsis: t("ellipsis", BuiltinType::Object),
        object,
    }
}

/// The exception hierarchy (name, parent), as in CPython's builtins.
const EXCEPTIONS: &[(&str, &str)] = &[
    ("BaseException", ""),
    ("SystemExit", "BaseException"),
    ("KeyboardInterrupt", "BaseException"),
    ("GeneratorExit", "BaseException"),
    ("Exception", "BaseException"),
    ("StopIteration", "Exception"),
    ("ArithmeticError", "Exception"),
    ("FloatingPointError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("AssertionError", "Exception"),
    ("AttributeError", "Exception"),
    ("BufferError", "Exception"),
    ("EOFError", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
    ("LookupError", "Exception"),
    ("IndexError", "LookupError"),
    ("KeyError", "LookupError"),
    ("MemoryError", "Exception"),
    ("NameError", "Exception"),
    ("UnboundLocalError", "NameError"),
    ("OSError", "Exception"),
    ("FileNotFoundError", "OSError"),
    ("PermissionError", "OSError"),
    ("TimeoutError", "OSError"),
    ("ReferenceError", "Exception"),
    ("RuntimeError", "Exception"),
    ("NotImplementedError", "RuntimeError"),
    ("RecursionError", "RuntimeError"),
    ("SyntaxError", "Exception"),
    ("IndentationError", "SyntaxError"),
    ("TabError", "IndentationError"),
    ("SystemError", "Exception"),
    ("TypeError", "Exception"),
    ("ValueError", "Exception"),
    ("UnicodeError", "ValueError"),
    ("UnicodeDecodeError", "UnicodeError"),
    ("UnicodeEncodeError", "UnicodeError"),
    ("Warning", "Exception"),
    ("UserWarning", "Warning"),
    ("DeprecationWarning", "Warning"),
    ("PendingDeprecationWarning", "Warning"),
    ("SyntaxWarning", "Warning"),
    ("RuntimeWarning", "Warning"),
    ("FutureWarning", "Warning"),
];

fn exc_args(i: &Instance) -> Vec<Value> {
    match i.dict.borrow().get_str("args") {
        Some(Value::Tuple(t)) => (**t).clone(),
        _ => vec![],
    }
}

/// `str(exc)` of an exception instance without a `__str__` override.
pub fn exception_str(interp: &mut Interp, exc: &Value) -> PyResult<String> {
    let Value::Instance(i) = exc else { return interp.to_str(exc) };
    if let Some(s) = i.class.lookup("__str__") {
        let r = interp.call(&s, Args::new(vec![exc.clone()]))?;
        return interp.to_str(&r);
    }
    default_exception_str(interp, i)
}

/// `BaseException.__str__`: the message from `args` (SyntaxError adds its location).
fn default_exception_str(interp: &mut Interp, i: &Instance) -> PyResult<String> {
    if i.class.mro.borrow().iter().any(|c| c.name == "SyntaxError") {
        let d = i.dict.borrow();
        if let Some(msg) = d.get_str("msg").and_then(|m| m.as_str().map(str::to_string)) {
            let filename = d.get_str("filename").and_then(|f| f.as_str().map(str::to_string));
            let lineno = match d.get_str("lineno") {
                Some(Value::Int(n)) => Some(*n),
                _ => None,
            };
            return Ok(super::traceback::syntax_error_str(&msg, filename.as_deref(), lineno));
        }
    }
    let args = exc_args(i);
    Ok(match args.len() {
        0 => String::new(),
        1 => {
            if i.class.is_subclass(&interp.exc_class("KeyError")) {
                interp.repr(&args[0])?
            } else {
                interp.to_str(&args[0])?
            }
        }
        _ => interp.repr(&Value::tuple(args))?,
    })
}

fn arity(interp: &Interp, name: &str, args: &Args, min: usize, max: usize) -> PyResult<()> {
    let n = args.pos.len();
    if n < min || n > max {
        let msg = if min == max {
            if min == 1 {
                format!("{name}() takes exactly one argument ({n} given)")
            } else {
                format!("{name} expected {min} arguments, got {n}")
            }
        } else if n < min {
            format!("{name} expected at least {min} argument{}, got {n}", if min == 1 { "" } else { "s" })
        } else {
            format!("{name} expected at most {max} argument{}, got {n}", if max == 1 { "" } else { "s" })
        };
        return Err(interp.type_error(msg));
    }
    Ok(())
}

/// Converts a number to f64.
pub fn to_f64(interp: &Interp, v: &Value) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Float(f) => Ok(*f),
        Value::BigInt(b) => b.to_f64().ok_or_else(|| super::ops::int_too_large(interp)),
        other => Err(interp.type_error(format!("must be real number, not {}", interp.type_name(other)))),
    }
}

/// The builtin value inside an instance of a subclass of a builtin type: members of
/// `class Status(str, Enum)` keep their `str` as `_value_`.
pub fn builtin_value(v: &Value) -> Option<Value> {
    v.builtin_base()
}

/// A special method a user-level class (not `object`) defines for an instance value.
pub fn instance_dunder(v: &Value, name: &str) -> Option<Value> {
    let Value::Instance(inst) = v else { return None };
    let mro = inst.class.mro.borrow();
    mro.iter().take_while(|c| c.module != "builtins").find_map(|c| c.dict.borrow().get_str(name).cloned())
}

/// The hash of a value by its builtin type (no `__hash__` of a Python class asked):
/// `hash(v)` for builtin values, the identity hash for instances.
pub fn default_hash(i: &mut Interp, v: &Value) -> PyResult<Value> {
    if let Some(h) = exact_hash(v) {
        return Ok(Value::Int(h));
    }
    match HashKey::of(v) {
        Some(HashKey::Int(n)) => Ok(Value::Int(hash_int(n))),
        Some(k) => {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            k.hash(&mut h);
            Ok(Value::Int(h.finish() as i64 >> 1))
        }
        None => Err(i.type_error(format!("unhashable type: '{}'", i.type_name(v)))),
    }
}

/// CPython's hash of an int: its value modulo the Mersenne prime 2**61 - 1, sign kept, and
/// -2 for -1 (which the C API reserves for errors).
pub fn hash_int(n: i64) -> i64 {
    const P: i128 = (1 << 61) - 1;
    let m = (n as i128).abs() % P;
    let h = if n < 0 { -m } else { m } as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// CPython's hash where it does not depend on the process (ints, bools, integral floats, user
/// `__hash__` results already computed, and tuples of those): tuples use CPython 3.11's xxHash-based
/// `tuplehash`.
pub(crate) fn exact_hash(v: &Value) -> Option<i64> {
    match v {
        Value::Int(n) => Some(hash_int(*n)),
        Value::Bool(b) => Some(*b as i64),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Some(hash_int(*f as i64)),
        Value::Float(f) if f.fract() == 0.0 => Some(BigInt::from_f64(*f).hash()),
        Value::Float(f) => super::pyset::float_hash(*f),
        Value::BigInt(b) => Some(b.hash()),
        Value::Instance(i) => i.hash.get().or_else(|| exact_hash(&v.builtin_base()?)),
        // Reached through a frozenset's value only: a set is unhashable.
        Value::Set(d) => {
            let hashes = d.borrow().members().map(exact_hash).collect::<Option<Vec<_>>>()?;
            Some(super::pyset::frozenset_hash(&hashes))
        }
        Value::Tuple(t) => {
            const P1: u64 = 11400714785074694791;
            const P2: u64 = 14029467366897019727;
            const P5: u64 = 2870177450012600261;
            let mut acc = P5;
            for x in t.iter() {
                let lane = exact_hash(x)? as u64;
                acc = acc.wrapping_add(lane.wrapping_mul(P2));
                acc = acc.rotate_left(31);
                acc = acc.wrapping_mul(P1);
            }
            acc = acc.wrapping_add((t.len() as u64) ^ (P5 ^ 3527539));
            if acc == u64::MAX {
                return Some(1546275796);
            }
            Some(acc as i64)
        }
        _ => None,
    }
}

/// Is `v` a `frozenset` (not an instance of a subclass)?
fn exact_frozenset(interp: &Interp, v: &Value) -> bool {
    matches!(v, Value::Instance(inst) if Rc::ptr_eq(&inst.class, &interp.types.frozenset))
}

/// A new `frozenset` (or instance of `cls`, a subclass) holding `members`.
pub fn make_frozenset(interp: &Interp, cls: Option<&Rc<Class>>, members: PySet) -> Value {
    let cls = cls.unwrap_or(&interp.types.frozenset);
    new_native(cls, BuiltinBase(Value::Set(Rc::new(RefCell::new(members)))))
}

/// An index-like value as i64, an int past i64 clamped to its end (CPython's
/// `PyNumber_AsSsize_t(o, NULL)`).
pub fn to_index_clamped(interp: &Interp, v: &Value) -> PyResult<i64> {
    match v {
        Value::BigInt(b) => Ok(if b.is_negative() { i64::MIN } else { i64::MAX }),
        other => to_index(interp, other),
    }
}

/// Converts an index-like value to i64.
pub fn to_index(interp: &Interp, v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(interp.err("IndexError", "cannot fit 'int' into an index-sized integer")),
        other @ Value::Instance(_) if matches!(other.builtin_base(), Some(Value::Int(_) | Value::Bool(_))) => {
            to_index(interp, &other.builtin_base().unwrap_or(Value::None))
        }
        other => {
            Err(interp.type_error(format!("'{}' object cannot be interpreted as an integer", interp.type_name(other))))
        }
    }
}

/// Data of a `property` object.
pub struct PropertyData {
    pub fget: Option<Value>,
    pub fset: Option<Value>,
    pub fdel: Option<Value>,
    /// The name `__set_name__` gave it (the attribute it was assigned to in a class body).
    pub name: RefCell<Option<String>>,
}

/// CPython's `property_descr_get` / `_set` messages: "property 'x' of 'User' object has no
/// getter" once the property knows its name, "property of 'User' object ..." before.
fn property_missing(interp: &mut Interp, p: &PropertyData, obj: &Value, what: &str) -> PyErr {
    let tn = interp.type_name(obj);
    let msg = match p.name.borrow().as_deref() {
        Some(name) => format!("property '{name}' of '{tn}' object has no {what}"),
        None => format!("property of '{tn}' object has no {what}"),
    };
    interp.err("AttributeError", msg)
}

/// An iterator object of kind `kind` (`list_iterator`, `iterator`, ...) over precomputed items.
pub fn make_iterator(interp: &Interp, items: Vec<Value>, kind: &str) -> Value {
    super::iters::items_iter(interp, items, kind)
}

/// Is `v` one of the builtin iterators?
pub fn is_builtin_iterator(v: &Value) -> bool {
    super::iters::is_iter(v)
}

struct SliceData {
    lower: Value,
    upper: Value,
    step: Value,
}

/// A `slice` object.
pub fn make_slice(interp: &Interp, lower: Value, upper: Value, step: Value) -> Value {
    let cls = match interp.builtins.get("slice") {
        Some(Value::Class(c)) => c,
        _ => interp.types.object.clone(),
    };
    let v = new_native(&cls, SliceData { lower: lower.clone(), upper: upper.clone(), step: step.clone() });
    // CPython's read-only members `start`, `stop`, `step`.
    if let Value::Instance(inst) = &v {
        let mut d = inst.dict.borrow_mut();
        d.set_str("start", lower);
        d.set_str("stop", upper);
        d.set_str("step", step);
    }
    v
}

/// Is `v` a `slice` object?
pub fn is_slice(v: &Value) -> bool {
    v.payload::<SliceData>().is_some()
}

/// A slice's (start, stop, step) over a sequence of `len` items.
pub fn slice_bounds(interp: &Interp, v: &Value, len: usize) -> PyResult<(i64, i64, i64)> {
    match v.payload::<SliceData>() {
        Some(s) => slice_indices(interp, &s, len as i64),
        None => Err(interp.type_error("expected a slice")),
    }
}

fn slice_indices(interp: &Interp, s: &SliceData, len: i64) -> PyResult<(i64, i64, i64)> {
    let step = if s.step.is_none() { 1 } else { to_index(interp, &s.step)? };
    if step == 0 {
        return Err(interp.err("ValueError", "slice step cannot be zero"));
    }
    let norm = |v: &Value, default: i64, interp: &Interp| -> PyResult<i64> {
        if v.is_none() {
            return Ok(default);
        }
        let mut i = to_index(interp, v)?;
        if i < 0 {
            i += len;
            if i < 0 {
                i = if step < 0 { -1 } else { 0 };
            }
        } else if i >= len {
            i = if step < 0 { len - 1 } else { len };
        }
        Ok(i)
    };
    let (dl, du) = if step < 0 { (len - 1, -1) } else { (0, len) };
    let lo = norm(&s.lower, dl, interp)?;
    let hi = if s.upper.is_none() { du } else { norm(&s.upper, du, interp)? };
    Ok((lo, hi, step))
}

fn slice_pick<T: Clone>(items: &[T], lo: i64, hi: i64, step: i64) -> Vec<T> {
    let mut out = Vec::new();
    let mut i = lo;
    while (step > 0 && i < hi) || (step < 0 && i > hi) {
        if i >= 0 && (i as usize) < items.len() {
            out.push(items[i as usize].clone());
        }
        i += step;
    }
    out
}

fn norm_index(interp: &Interp, key: &Value, len: usize, what: &str) -> PyResult<usize> {
    if let Value::BigInt(_) = key {
        return Err(interp.err("IndexError", "cannot fit 'int' into an index-sized integer"));
    }
    let i = to_index(interp, key).map_err(|_| {
        interp.type_error(format!("{what} indices must be integers or slices, not {}", interp.type_name(key)))
    })?;
    let j = if i < 0 { i + len as i64 } else { i };
    if j < 0 || j >= len as i64 {
        let msg = if what == "byte" { "index out of range".to_string() } else { format!("{what} index out of range") };
        return Err(interp.err("IndexError", msg));
    }
    Ok(j as usize)
}

/// `obj[key]`.
pub fn getitem(interp: &mut Interp, obj: &Value, key: Value) -> PyResult<Value> {
    let slice = key.payload::<SliceData>();
    match obj {
        Value::List(l) => {
            let items = l.borrow();
            if let Some(s) = slice {
                let (lo, hi, st) = slice_indices(interp, &s, items.len() as i64)?;
                return Ok(Value::list(slice_pick(&items, lo, hi, st)));
            }
            let i = norm_index(interp, &key, items.len(), "list")?;
            Ok(items[i].clone())
        }
        Value::Tuple(t) => {
            if let Some(s) = slice {
                let (lo, hi, st) = slice_indices(interp, &s, t.len() as i64)?;
                return Ok(Value::tuple(slice_pick(t, lo, hi, st)));
            }
            let i = norm_index(interp, &key, t.len(), "tuple")?;
            Ok(t[i].clone())
        }
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            if let Some(sl) = slice {
                let (lo, hi, st) = slice_indices(interp, &sl, chars.len() as i64)?;
                return Ok(Value::str(&slice_pick(&chars, lo, hi, st).into_iter().collect::<String>()));
            }
            let i = norm_index(interp, &key, chars.len(), "string")?;
            Ok(Value::str(&chars[i].to_string()))
        }
        Value::Bytes(b) => {
            if let Some(sl) = slice {
                let (lo, hi, st) = slice_indices(interp, &sl, b.len() as i64)?;
                return Ok(Value::Bytes(Rc::from(slice_pick(b, lo, hi, st))));
            }
            let i = norm_index(interp, &key, b.len(), "byte")?;
            Ok(Value::Int(b[i] as i64))
        }
        Value::Dict(d) => {
            let canon = interp.canon_key_in(d, key.clone())?;
            let found = d.borrow().get(&canon).cloned();
            match found {
                Some(v) => Ok(v),
                None => {
                    let cls = interp.exc_class("KeyError");
                    Err(super::interp::PyErr { exc: interp.new_exception(&cls, vec![key]), traceback: vec![] })
                }
            }
        }
        Value::Instance(i) => match i.class.lookup("__getitem__") {
            Some(f) => interp.call(&f, Args::new(vec![obj.clone(), key])),
            None => Err(interp.type_error(format!("'{}' object is not subscriptable", i.class.name))),
        },
        Value::Class(c) => {
            if let Some(f) = interp.meta_dunder(obj, "__getitem__") {
                return interp.call(&f, Args::new(vec![obj.clone(), key]));
            }
            if let Some(f) = c.lookup("__class_getitem__") {
                let f = match &f {
                    Value::Instance(i) if Rc::ptr_eq(&i.class, &interp.types.classmethod) => {
                        i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(f.clone())
                    }
                    _ => f,
                };
                return interp.call(&f, Args::new(vec![obj.clone(), key]));
            }
            if c.builtin.is_some() && c.module == "builtins" {
                // list[int], dict[str, int]: generic aliases; the origin serves our needs.
                return Ok(obj.clone());
            }
            Err(interp.type_error(format!("type '{}' is not subscriptable", c.name)))
        }
        other => Err(interp.type_error(format!("'{}' object is not subscriptable", interp.type_name(other)))),
    }
}

/// `obj[key] = v`.
pub fn setitem(interp: &mut Interp, obj: &Value, key: Value, v: Value) -> PyResult<()> {
    match obj {
        Value::List(l) => {
            let len = l.borrow().len();
            let i = norm_index(interp, &key, len, "list assignment")?;
            l.borrow_mut()[i] = v;
            Ok(())
        }
        Value::Dict(d) => {
            let key = interp.canon_key_in(d, key)?;
            let ok = d.borrow_mut().insert(key.clone(), v);
            if !ok {
                return Err(interp.type_error(format!("unhashable type: '{}'", interp.type_name(&key))));
            }
            Ok(())
        }
        Value::Instance(i) => match i.class.lookup("__setitem__") {
            Some(f) => interp.call(&f, Args::new(vec![obj.clone(), key, v])).map(|_| ()),
            None => Err(interp.type_error(format!("'{}' object does not support item assignment", i.class.name))),
        },
        other => {
            Err(interp.type_error(format!("'{}' object does not support item assignment", interp.type_name(other))))
        }
    }
}

/// `del obj[key]`.
pub fn delitem(interp: &mut Interp, obj: &Value, key: Value) -> PyResult<()> {
    match obj {
        Value::List(l) => {
            let len = l.borrow().len();
            let i = norm_index(interp, &key, len, "list assignment")?;
            l.borrow_mut().remove(i);
            Ok(())
        }
        Value::Dict(d) => {
            let canon = interp.canon_key_in(d, key.clone())?;
            if d.borrow_mut().remove(&canon).is_none() {
                let cls = interp.exc_class("KeyError");
                return Err(super::interp::PyErr { exc: interp.new_exception(&cls, vec![key]), traceback: vec![] });
            }
            Ok(())
        }
        Value::Instance(i) => match i.class.lookup("__delitem__") {
            Some(f) => interp.call(&f, Args::new(vec![obj.clone(), key])).map(|_| ()),
            None => Err(interp.type_error(format!("'{}' object doesn't support item deletion", i.class.name))),
        },
        other => Err(interp.type_error(format!("'{}' object doesn't support item deletion", interp.type_name(other)))),
    }
}

struct SuperData {
    cls: Rc<Class>,
    obj: Value,
}

/// Attribute lookup on a `super` object: everything but `__class__` and `__self__` comes from
/// the MRO after the class (`super().__init__(x)` is the base's `__init__`, not super's own).
pub fn super_attribute(interp: &mut Interp, obj: &Value, name: &str) -> Option<PyResult<Value>> {
    let s = obj.payload::<SuperData>()?;
    match name {
        "__class__" => None,
        "__self__" => Some(Ok(s.obj.clone())),
        "__thisclass__" => Some(Ok(Value::Class(s.cls.clone()))),
        _ => match super_getattr(interp, &s, name) {
            Err(e) if interp.err_is(&e, "AttributeError") => None,
            r => Some(r),
        },
    }
}

/// A `super()` object: attribute lookup starts after `cls` in the MRO of `obj`'s type.
pub fn make_super(interp: &Interp, cls: Rc<Class>, obj: Value) -> Value {
    let scls = match interp.builtins.get("super") {
        Some(Value::Class(c)) => c,
        _ => interp.types.object.clone(),
    };
    new_native(&scls, SuperData { cls, obj })
}

fn super_getattr(interp: &mut Interp, s: &SuperData, name: &str) -> PyResult<Value> {
    let start_type = match &s.obj {
        Value::Class(c) => c.clone(),
        other => interp.type_of(other),
    };
    let mro = start_type.mro.borrow().clone();
    let pos = mro.iter().position(|c| c.id == s.cls.id).map(|p| p + 1).unwrap_or(mro.len());
    for c in &mro[pos..] {
        let found = c.dict.borrow().get_str(name).cloned();
        if let Some(a) = found {
            return match &a {
                Value::Function(_) => match &s.obj {
                    Value::Class(_) if name == "__init_subclass__" || name == "__new__" => {
                        Ok(Value::BoundMethod(Rc::new((s.obj.clone(), a))))
                    }
                    Value::Class(_) => Ok(a),
                    _ => Ok(Value::BoundMethod(Rc::new((s.obj.clone(), a)))),
                },
                Value::Builtin(b) if b.binds || name == "__init_subclass__" => {
                    Ok(Value::BoundMethod(Rc::new((s.obj.clone(), a.clone()))))
                }
                Value::Instance(i) if Rc::ptr_eq(&i.class, &interp.types.classmethod) => {
                    let f = i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(Value::None);
                    let owner = match &s.obj {
                        Value::Class(_) => s.obj.clone(),
                        other => Value::Class(interp.type_of(other)),
                    };
                    Ok(Value::BoundMethod(Rc::new((owner, f))))
                }
                Value::Instance(i) if Rc::ptr_eq(&i.class, &interp.types.staticmethod) => {
                    Ok(i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(Value::None))
                }
                Value::Instance(i) => match i.class.lookup("__get__") {
                    Some(get) => {
                        let inst = if matches!(s.obj, Value::Class(_)) { Value::None } else { s.obj.clone() };
                        interp.call(&get, Args::new(vec![a.clone(), inst, Value::Class(start_type.clone())]))
                    }
                    None => Ok(a.clone()),
                },
                _ => Ok(a),
            };
        }
    }
    if let Some(w) = super::slots::slot_wrapper(&mro[pos..], name) {
        return match &s.obj {
            Value::Class(_) => Ok(w),
            _ => Ok(Value::BoundMethod(Rc::new((s.obj.clone(), w)))),
        };
    }
    Err(interp.err("AttributeError", format!("'super' object has no attribute '{name}'")))
}

/// Is the builtin type's method `owner.name` a slot wrapper (CPython's `wrapper_descriptor`,
/// made for a type slot: `list.__len__`, `generator.__next__`) rather than a method
/// descriptor (`list.append`, and the dunders CPython's types define as methods:
/// `list.__getitem__`, `dict.__contains__`, `__format__`, `__sizeof__`, ...)? They differ in
/// their repr and in the TypeError for a wrong receiver.
pub fn is_slot_wrapper(owner: &str, name: &str) -> bool {
    const METHODS: &[&str] = &[
        "__format__",
        "__sizeof__",
        "__reduce__",
        "__reduce_ex__",
        "__getnewargs__",
        "__getnewargs_ex__",
        "__getstate__",
        "__setstate__",
        "__class_getitem__",
        "__reversed__",
        "__length_hint__",
        "__trunc__",
        "__floor__",
        "__ceil__",
        "__round__",
        "__dir__",
        "__subclasshook__",
        "__init_subclass__",
        "__instancecheck__",
        "__subclasscheck__",
        "__subclasses__",
        "__prepare__",
        "__copy__",
        "__deepcopy__",
        "__bytes__",
        "__complex__",
    ];
    // Defined as methods too, beside their slots (METH_COEXIST).
    let coexist =
        matches!((owner, name), ("list" | "dict", "__getitem__") | ("dict" | "set" | "frozenset", "__contains__"));
    name.len() > 4 && name.starts_with("__") && name.ends_with("__") && !METHODS.contains(&name) && !coexist
}

/// The receiver (`args.pos[0]`) of the builtin method `owner.name` as the builtin value
/// `pick` accepts, also when it is an instance of a subclass of `owner` (its
/// [`BuiltinBase`]); else CPython's TypeError for a method called on the wrong type.
pub fn receiver<T>(
    interp: &Interp,
    args: &Args,
    owner: &str,
    name: &str,
    pick: impl Fn(&Value) -> Option<T>,
) -> PyResult<T> {
    let slot = is_slot_wrapper(owner, name);
    let Some(me) = args.pos.first() else {
        return Err(interp.type_error(if slot {
            format!("descriptor '{name}' of '{owner}' object needs an argument")
        } else {
            format!("unbound method {owner}.{name}() needs an argument")
        }));
    };
    if let Some(t) = pick(me) {
        return Ok(t);
    }
    if let Some(t) = me.builtin_base().as_ref().and_then(&pick) {
        return Ok(t);
    }
    let tn = interp.type_name(me);
    Err(interp.type_error(if slot {
        format!("descriptor '{name}' requires a '{owner}' object but received a '{tn}'")
    } else {
        format!("descriptor '{name}' for '{owner}' objects doesn't apply to a '{tn}' object")
    }))
}

fn self_str(interp: &Interp, args: &Args, name: &str) -> PyResult<Rc<str>> {
    receiver(interp, args, "str", name, |v| match v {
        Value::Str(s) => Some(s.clone()),
        _ => None,
    })
}

fn str_arg(interp: &Interp, args: &Args, i: usize, fname: &str) -> PyResult<Option<Rc<str>>> {
    match args.pos.get(i) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(other) => {
            Err(interp.type_error(format!("{fname} arg must be None or str, not {}", interp.type_name(other))))
        }
    }
}

fn strip_chars(s: &str, chars: &Option<Rc<str>>, left: bool, right: bool) -> String {
    let pred = |c: char| match chars {
        Some(cs) => cs.contains(c),
        None => c.is_whitespace(),
    };
    let mut t = s;
    if left {
        t = t.trim_start_matches(pred);
    }
    if right {
        t = t.trim_end_matches(pred);
    }
    t.to_string()
}

fn str_methods(interp: &Interp) {
    let cls = interp.types.str_.clone();
    let mut d = cls.dict.borrow_mut();
    let m = |name: &'static str, f: fn(&mut Interp, Rc<str>, &Args) -> PyResult<Value>| {
        method("str", name, move |i, a| {
            let s = self_str(i, &a, name)?;
            f(i, s, &a)
        })
    };
    // Methods without parameters say so when given some, as CPython's METH_NOARGS do.
    let m0 = |name: &'static str, f: fn(&mut Interp, Rc<str>, &Args) -> PyResult<Value>| {
        method("str", name, move |i, a| {
            let s = self_str(i, &a, name)?;
            if a.pos.len() > 1 {
                return Err(i.type_error(format!("str.{name}() takes no arguments ({} given)", a.pos.len() - 1)));
            }
            f(i, s, &a)
        })
    };
    d.set_str("upper", m0("upper", |_, s, _| Ok(Value::str(&s.to_uppercase()))));
    d.set_str(
        "casefold",
        m0("casefold", |_, s, _| {
            // Full case folding: lower case, with the few expansions learners meet (ß, final sigma).
            let mut out = String::with_capacity(s.len());
            for c in s.chars() {
                match c {
                    'ß' | 'ẞ' => out.push_str("ss"),
                    'ς' => out.push('σ'),
                    'ſ' => out.push('s'),
                    'µ' => out.push('μ'),
                    'ϐ' => out.push('β'),
                    'ϑ' => out.push('θ'),
                    'ϕ' => out.push('φ'),
                    'ϖ' => out.push('π'),
                    'ϰ' => out.push('κ'),
                    'ϱ' => out.push('ρ'),
                    'ϵ' => out.push('ε'),
                    'ẛ' => out.push('ṡ'),
                    'ŉ' => out.push_str("ʼn"),
                    'ﬀ' => out.push_str("ff"),
                    'ﬁ' => out.push_str("fi"),
                    'ﬂ' => out.push_str("fl"),
                    'ﬃ' => out.push_str("ffi"),
                    'ﬄ' => out.push_str("ffl"),
                    'ﬅ' | 'ﬆ' => out.push_str("st"),
                    'և' => out.push_str("եւ"),
                    c => out.extend(c.to_lowercase()),
                }
            }
            Ok(Value::str(&out))
        }),
    );
    d.set_str(
        "expandtabs",
        method("str", "expandtabs", |i, mut a| {
            let s = self_str(i, &a, "expandtabs")?;
            let size = match a.arg(1, "tabsize") {
                Some(v) => to_index(i, &v)?,
                None => 8,
            };
            let mut out = String::new();
            let mut col: i64 = 0;
            for c in s.chars() {
                match c {
                    '\t' => {
                        if size > 0 {
                            let n = size - col % size;
                            if out.len() as i64 + n > 1 << 24 {
                                return Err(i.err_bare("MemoryError"));
                            }
                            out.extend(std::iter::repeat(' ').take(n as usize));
                            col += n;
                        }
                    }
                    '\n' | '\r' => {
                        out.push(c);
                        col = 0;
                    }
                    c => {
                        out.push(c);
                        col += 1;
                    }
                }
            }
            Ok(Value::str(&out))
        }),
    );
    d.set_str(
        "translate",
        method("str", "translate", |i, a| {
            let s = self_str(i, &a, "translate")?;
            let Some(table) = a.pos.get(1).cloned() else {
                return Err(i.type_error("str.translate() takes exactly one argument (0 given)"));
            };
            let mut out = String::new();
            for c in s.chars() {
                match i.getitem(&table, Value::Int(c as i64)) {
                    Ok(Value::None) => {}
                    Ok(Value::Int(n)) => match u32::try_from(n).ok().and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => return Err(i.err("ValueError", "character mapping must be in range(0x110000)")),
                    },
                    Ok(Value::Str(r)) => out.push_str(&r),
                    Ok(_) => return Err(i.type_error("character mapping must return integer, None or str")),
                    Err(e) if i.err_is(&e, "LookupError") => out.push(c),
                    Err(e) => return Err(e),
                }
            }
            Ok(Value::str(&out))
        }),
    );
    d.set_str(
        "maketrans",
        func("maketrans", |i, a| {
            // Called on the type (`str.maketrans`) or an instance (`'x'.maketrans`).
            let args: Vec<Value> = match a.pos.first() {
                Some(Value::Str(_)) if a.pos.len() == 4 || (a.pos.len() >= 2 && matches!(a.pos[1], Value::Dict(_))) => {
                    a.pos[1..].to_vec()
                }
                _ => a.pos.clone(),
            };
            let mut table = Dict::new();
            match args.as_slice() {
                [Value::Dict(src)] => {
                    let entries: Vec<(Value, Value)> =
                        src.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    for (k, v) in entries {
                        let key = match &k {
                            Value::Str(ks) if ks.chars().count() == 1 => {
                                Value::Int(ks.chars().next().unwrap_or('\0') as i64)
                            }
                            Value::Str(_) => {
                                return Err(i.err("ValueError", "string keys in translate table must be of length 1"))
                            }
                            Value::Int(_) => k.clone(),
                            _ => return Err(i.type_error("keys in translate table must be strings or integers")),
                        };
                        table.insert(key, v);
                    }
                }
                [_] => return Err(i.type_error("if you give only one argument to maketrans it must be a dict")),
                [x, y, rest @ ..] if rest.len() <= 1 => {
                    let (Value::Str(x), Value::Str(y)) = (x, y) else {
                        return Err(i.type_error("maketrans() argument 2 must be str"));
                    };
                    let (xs, ys): (Vec<char>, Vec<char>) = (x.chars().collect(), y.chars().collect());
                    if xs.len() != ys.len() {
                        return Err(i.err("ValueError", "the first two maketrans arguments must have equal length"));
                    }
                    for (c, d) in xs.iter().zip(ys.iter()) {
                        table.insert(Value::Int(*c as i64), Value::Int(*d as i64));
                    }
                    if let Some(z) = rest.first() {
                        let Value::Str(z) = z else {
                            return Err(
                                i.type_error(format!("maketrans() argument 3 must be str, not {}", i.type_name(z)))
                            );
                        };
                        for c in z.chars() {
                            table.insert(Value::Int(c as i64), Value::None);
                        }
                    }
                }
                _ => return Err(i.type_error(format!("maketrans expected at most 3 arguments, got {}", args.len()))),
            }
            Ok(Value::dict(table))
        }),
    );
    d.set_str("lower", m0("lower", |_, s, _| Ok(Value::str(&s.to_lowercase()))));
    d.set_str("strip", m("strip", |i, s, a| Ok(Value::str(&strip_chars(&s, &str_arg(i, a, 1, "strip")?, true, true)))));
    d.set_str(
        "lstrip",
        m("lstrip", |i, s, a| Ok(Value::str(&strip_chars(&s, &str_arg(i, a, 1, "lstrip")?, true, false)))),
    );
    d.set_str(
        "rstrip",
        m("rstrip", |i, s, a| Ok(Value::str(&strip_chars(&s, &str_arg(i, a, 1, "rstrip")?, false, true)))),
    );
    d.set_str(
        "title",
        m0("title", |_, s, _| {
            let mut out = String::new();
            let mut prev_cased = false;
            for c in s.chars() {
                if c.is_alphabetic() {
                    if prev_cased {
                        out.extend(c.to_lowercase());
                    } else {
                        out.extend(c.to_uppercase());
                    }
                    prev_cased = true;
                } else {
                    out.push(c);
                    prev_cased = false;
                }
            }
            Ok(Value::str(&out))
        }),
    );
    d.set_str(
        "capitalize",
        m0("capitalize", |_, s, _| {
            let mut cs = s.chars();
            let out = match cs.next() {
                Some(f) => f.to_uppercase().collect::<String>() + &cs.as_str().to_lowercase(),
                None => String::new(),
            };
            Ok(Value::str(&out))
        }),
    );
    d.set_str(
        "split",
        m("split", |i, s, a| {
            let mut a = a.clone();
            let sep = a.arg(1, "sep").filter(|v| !v.is_none());
            let maxsplit = a.arg(2, "maxsplit").map(|v| to_index(i, &v)).transpose()?.unwrap_or(-1);
            let parts: Vec<Value> = match sep {
                Some(Value::Str(sep)) => {
                    if sep.is_empty() {
                        return Err(i.err("ValueError", "empty separator"));
                    }
                    if maxsplit >= 0 {
                        s.splitn(maxsplit as usize + 1, &*sep).map(Value::str).collect()
                    } else {
                        s.split(&*sep).map(Value::str).collect()
                    }
                }
                Some(other) => return Err(i.type_error(format!("must be str or None, not {}", i.type_name(&other)))),
                None => {
                    let mut out = Vec::new();
                    let mut rest = s.trim_start();
                    while !rest.is_empty() {
                        if maxsplit >= 0 && out.len() as i64 == maxsplit {
                            out.push(Value::str(rest));
                            break;
                        }
                        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                        out.push(Value::str(&rest[..end]));
                        rest = rest[end..].trim_start();
                    }
                    out
                }
            };
            Ok(Value::list(parts))
        }),
    );
    d.set_str(
        "rsplit",
        m("rsplit", |i, s, a| {
            let sep = str_arg(i, a, 1, "rsplit")?;
            let maxsplit = a.pos.get(2).map(|v| to_index(i, v)).transpose()?.unwrap_or(-1);
            let parts: Vec<Value> = match sep {
                Some(sep) if maxsplit >= 0 => {
                    let mut v: Vec<Value> = s.rsplitn(maxsplit as usize + 1, &*sep).map(Value::str).collect();
                    v.reverse();
                    v
                }
                Some(sep) => s.split(&*sep).map(Value::str).collect(),
                None => s.split_whitespace().map(Value::str).collect(),
            };
            Ok(Value::list(parts))
        }),
    );
    d.set_str("splitlines", m("splitlines", |_, s, _| Ok(Value::list(s.lines().map(Value::str).collect()))));
    d.set_str(
        "join",
        m("join", |i, s, a| {
            let items = match a.pos.get(1) {
                Some(v) => i.iterate(&v.clone())?,
                None => return Err(i.type_error("str.join() takes exactly one argument (0 given)")),
            };
            let mut total = s.len().saturating_mul(items.len().saturating_sub(1));
            for (n, it) in items.iter().enumerate() {
                match it {
                    Value::Str(t) => total = total.saturating_add(t.len()),
                    other => {
                        return Err(i.type_error(format!(
                            "sequence item {n}: expected str instance, {} found",
                            i.type_name(other)
                        )))
                    }
                }
            }
            i.reserve(total.saturating_mul(2))?;
            let mut out = String::with_capacity(total);
            for (n, it) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(&s);
                }
                out.push_str(it.as_str().unwrap_or(""));
            }
            Ok(Value::str(&out))
        }),
    );
    d.set_str(
        "replace",
        m("replace", |i, s, a| {
            let old = str_arg(i, a, 1, "replace")?.unwrap_or_else(|| Rc::from(""));
            let new = str_arg(i, a, 2, "replace")?.unwrap_or_else(|| Rc::from(""));
            let count = a.pos.get(3).map(|v| to_index(i, v)).transpose()?.unwrap_or(-1);
            if new.len() > old.len() {
                // The result's size before it is made (`'a' * 10**6).replace('a', 'a' * 10**4)`).
                let found = if old.is_empty() { s.chars().count() + 1 } else { s.matches(&*old).count() };
                let found = if count < 0 { found } else { found.min(count as usize) };
                i.reserve(found.saturating_mul(new.len() - old.len()).saturating_add(s.len()).saturating_mul(2))?;
            }
            Ok(Value::str(&if count < 0 { s.replace(&*old, &new) } else { s.replacen(&*old, &new, count as usize) }))
        }),
    );
    fn prefix_test(i: &mut Interp, s: &str, a: &Args, start: bool) -> PyResult<Value> {
        let test = |p: &str| if start { s.starts_with(p) } else { s.ends_with(p) };
        match a.pos.get(1) {
            Some(Value::Str(p)) => Ok(Value::Bool(test(p))),
            Some(Value::Tuple(t)) => Ok(Value::Bool(t.iter().any(|p| p.as_str().map(test).unwrap_or(false)))),
            Some(other) => Err(i.type_error(format!(
                "{} first arg must be str or a tuple of str, not {}",
                if start { "startswith" } else { "endswith" },
                i.type_name(other)
            ))),
            None => Err(i.type_error("startswith() takes at least 1 argument (0 given)")),
        }
    }
    d.set_str("startswith", m("startswith", |i, s, a| prefix_test(i, &s, a, true)));
    d.set_str("endswith", m("endswith", |i, s, a| prefix_test(i, &s, a, false)));
    for name in ["find", "rfind", "index", "rindex", "count"] {
        d.set_str(
            name,
            method("str", name, move |i, a| {
                let s = self_str(i, &a, name)?;
                let sub = match a.pos.get(1) {
                    Some(Value::Str(sub)) => sub.clone(),
                    Some(other) => {
                        return Err(i.type_error(format!("must be str, not {}", i.type_name(other))));
                    }
                    None => {
                        return Err(i.type_error(format!("{name}() takes at least 1 argument (0 given)")));
                    }
                };
                let chars: Vec<char> = s.chars().collect();
                let n = chars.len() as i64;
                let bound = |v: Option<&Value>, default: i64| -> PyResult<i64> {
                    match v {
                        None | Some(Value::None) => Ok(default),
                        Some(v) => {
                            let k = to_index(i, v)?;
                            Ok(if k < 0 { (k + n).max(0) } else { k.min(n) })
                        }
                    }
                };
                let start = bound(a.pos.get(2), 0)?;
                let end = bound(a.pos.get(3), n)?;
                if start > end || (start == n && !sub.is_empty() && name != "count") {
                    return match name {
                        "count" => Ok(Value::Int(0)),
                        "index" | "rindex" => Err(i.err("ValueError", "substring not found")),
                        _ => Ok(Value::Int(-1)),
                    };
                }
                let hay: String = chars[start as usize..end as usize].iter().collect();
                let to_chars = |b: usize| hay[..b].chars().count() as i64 + start;
                Ok(Value::Int(match name {
                    "count" => {
                        if sub.is_empty() {
                            hay.chars().count() as i64 + 1
                        } else {
                            hay.matches(&*sub).count() as i64
                        }
                    }
                    "find" => hay.find(&*sub).map(to_chars).unwrap_or(-1),
                    "rfind" => hay.rfind(&*sub).map(to_chars).unwrap_or(-1),
                    "index" => match hay.find(&*sub) {
                        Some(b) => to_chars(b),
                        None => return Err(i.err("ValueError", "substring not found")),
                    },
                    _ => match hay.rfind(&*sub) {
                        Some(b) => to_chars(b),
                        None => return Err(i.err("ValueError", "substring not found")),
                    },
                }))
            }),
        );
    }
    d.set_str(
        "isdigit",
        m0("isdigit", |_, s, _| Ok(Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())))),
    );
    d.set_str(
        "isnumeric",
        m0("isnumeric", |_, s, _| Ok(Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_numeric())))),
    );
    d.set_str("isascii", m0("isascii", |_, s, _| Ok(Value::Bool(s.is_ascii()))));
    for (name, right) in [("partition", false), ("rpartition", true)] {
        d.set_str(
            name,
            method("str", name, move |i, a| {
                let s = self_str(i, &a, name)?;
                let sep = match a.pos.get(1) {
                    Some(Value::Str(sep)) => sep.clone(),
                    Some(other) => {
                        return Err(i.type_error(format!("must be str, not {}", i.type_name(other))));
                    }
                    None => {
                        return Err(i.type_error(format!("str.{name}() takes exactly one argument (0 given)")));
                    }
                };
                if sep.is_empty() {
                    return Err(i.err("ValueError", "empty separator"));
                }
                let found = if right { s.rfind(&*sep) } else { s.find(&*sep) };
                Ok(Value::tuple(match found {
                    Some(k) => vec![Value::str(&s[..k]), Value::Str(sep.clone()), Value::str(&s[k + sep.len()..])],
                    None if right => vec![Value::str(""), Value::str(""), Value::Str(s.clone())],
                    None => vec![Value::Str(s.clone()), Value::str(""), Value::str("")],
                }))
            }),
        );
    }
    d.set_str(
        "isalpha",
        m0("isalpha", |_, s, _| Ok(Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_alphabetic())))),
    );
    d.set_str(
        "isalnum",
        m0("isalnum", |_, s, _| Ok(Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_alphanumeric())))),
    );
    d.set_str(
        "isspace",
        m0("isspace", |_, s, _| Ok(Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_whitespace())))),
    );
    d.set_str(
        "isupper",
        m0("isupper", |_, s, _| {
            Ok(Value::Bool(s.chars().any(|c| c.is_uppercase()) && !s.chars().any(|c| c.is_lowercase())))
        }),
    );
    d.set_str(
        "islower",
        m0("islower", |_, s, _| {
            Ok(Value::Bool(s.chars().any(|c| c.is_lowercase()) && !s.chars().any(|c| c.is_uppercase())))
        }),
    );
    d.set_str(
        "isidentifier",
        m0("isidentifier", |_, s, _| {
            let mut cs = s.chars();
            Ok(Value::Bool(
                cs.next().map(|c| c == '_' || c.is_alphabetic()).unwrap_or(false)
                    && cs.all(|c| c == '_' || c.is_alphanumeric()),
            ))
        }),
    );
    d.set_str(
        "zfill",
        m("zfill", |i, s, a| {
            let w = Interp::clamp_len(a.pos.get(1).map(|v| to_index(i, v)).transpose()?.unwrap_or(0));
            let n = s.chars().count();
            if n >= w {
                return Ok(Value::Str(s));
            }
            i.reserve((w - n).saturating_add(s.len()).saturating_mul(2))?;
            let (sign, rest) = if s.starts_with('-') || s.starts_with('+') { s.split_at(1) } else { ("", &*s) };
            Ok(Value::str(&format!("{sign}{}{rest}", "0".repeat(w - n))))
        }),
    );
    fn pad(i: &mut Interp, s: &str, a: &Args, how: char) -> PyResult<Value> {
        let w = Interp::clamp_len(a.pos.get(1).map(|v| to_index(i, v)).transpose()?.unwrap_or(0));
        let fill = match a.pos.get(2) {
            Some(Value::Str(f)) => f.chars().next().unwrap_or(' '),
            _ => ' ',
        };
        let n = s.chars().count();
        if n >= w {
            return Ok(Value::str(s));
        }
        let p = w - n;
        i.reserve(p.saturating_mul(fill.len_utf8()).saturating_add(s.len()).saturating_mul(2))?;
        let f = |k: usize| fill.to_string().repeat(k);
        Ok(Value::str(&match how {
            'l' => format!("{s}{}", f(p)),
            'r' => format!("{}{s}", f(p)),
            _ => {
                let left = p / 2 + (p & w & 1);
                format!("{}{s}{}", f(left), f(p - left))
            }
        }))
    }
    d.set_str("ljust", m("ljust", |i, s, a| pad(i, &s, a, 'l')));
    d.set_str("rjust", m("rjust", |i, s, a| pad(i, &s, a, 'r')));
    d.set_str("center", m("center", |i, s, a| pad(i, &s, a, 'c')));
    d.set_str(
        "swapcase",
        m0("swapcase", |_, s, _| {
            Ok(Value::str(
                &s.chars()
                    .map(|c| {
                        if c.is_uppercase() {
                            c.to_lowercase().collect::<String>()
                        } else {
                            c.to_uppercase().collect()
                        }
                    })
                    .collect::<String>(),
            ))
        }),
    );
    d.set_str("encode", method("str", "encode", super::bytes::str_encode));
    d.set_str(
        "removeprefix",
        m("removeprefix", |i, s, a| {
            let p = str_arg(i, a, 1, "removeprefix")?.unwrap_or_else(|| Rc::from(""));
            Ok(Value::str(s.strip_prefix(&*p).unwrap_or(&s)))
        }),
    );
    d.set_str(
        "removesuffix",
        m("removesuffix", |i, s, a| {
            let p = str_arg(i, a, 1, "removesuffix")?.unwrap_or_else(|| Rc::from(""));
            Ok(Value::str(s.strip_suffix(&*p).unwrap_or(&s)))
        }),
    );
    d.set_str(
        "format",
        method("str", "format", |i, a| {
            let s = self_str(i, &a, "format")?;
            str_format(i, &s, &a.pos[1..], &a.kw)
        }),
    );
}

/// `str.format(*args, **kwargs)`.
pub fn str_format(interp: &mut Interp, fmt: &str, args: &[Value], kw: &[(Rc<str>, Value)]) -> PyResult<Value> {
    let mut auto = 0usize;
    str_format_numbered(interp, fmt, args, kw, &mut auto)
}

/// `str.format` with the automatic field number shared with the caller: a nested field in a
/// format spec (`'{:0{}d}'.format(7, 6)`) takes the next positional argument.
fn str_format_numbered(
    interp: &mut Interp,
    fmt: &str,
    args: &[Value],
    kw: &[(Rc<str>, Value)],
    auto: &mut usize,
) -> PyResult<Value> {
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            if chars.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            let mut depth = 1;
            let mut j = i + 1;
            while j < chars.len() && depth > 0 {
                if chars[j] == '{' {
                    depth += 1;
                } else if chars[j] == '}' {
                    depth -= 1;
                }
                j += 1;
            }
            if depth > 0 {
                return Err(interp.err("ValueError", "expected '}' before end of string"));
            }
            let field: String = chars[i + 1..j - 1].iter().collect();
            let (name_conv, spec) = match field.find(':') {
                Some(p) => (field[..p].to_string(), field[p + 1..].to_string()),
                None => (field.clone(), String::new()),
            };
            let (name, conv) = match name_conv.find('!') {
                Some(p) => (name_conv[..p].to_string(), name_conv[p + 1..].chars().next()),
                None => (name_conv, None),
            };
            let first_end = name.find(['.', '[']).unwrap_or(name.len());
            let head = &name[..first_end];
            let mut v = if head.is_empty() {
                let n = *auto;
                let v = args.get(n).cloned().ok_or_else(|| {
                    interp.err("IndexError", format!("Replacement index {n} out of range for positional args tuple"))
                })?;
                *auto += 1;
                v
            } else if let Ok(n) = head.parse::<usize>() {
                args.get(n).cloned().ok_or_else(|| {
                    interp.err("IndexError", format!("Replacement index {n} out of range for positional args tuple"))
                })?
            } else {
                match kw.iter().find(|(k, _)| &**k == head) {
                    Some((_, v)) => v.clone(),
                    None => {
                        let cls = interp.exc_class("KeyError");
                        return Err(super::interp::PyErr {
                            exc: interp.new_exception(&cls, vec![Value::str(head)]),
                            traceback: vec![],
                        });
                    }
                }
            };
            let mut rest = &name[first_end..];
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix('.') {
                    let end = r.find(['.', '[']).unwrap_or(r.len());
                    v = interp.getattr(&v, &r[..end])?;
                    rest = &r[end..];
                } else if let Some(r) = rest.strip_prefix('[') {
                    let end = r.find(']').unwrap_or(r.len());
                    let key = &r[..end];
                    let k = key.parse::<i64>().map(Value::Int).unwrap_or_else(|_| Value::str(key));
                    v = interp.getitem(&v, k)?;
                    rest = r.get(end + 1..).unwrap_or("");
                } else {
                    break;
                }
            }
            let v = match conv {
                Some('r') => Value::str(&interp.repr(&v)?),
                Some('s') => Value::str(&interp.to_str(&v)?),
                _ => v,
            };
            let spec = if spec.contains('{') {
                match str_format_numbered(interp, &spec, args, kw, auto)? {
                    Value::Str(s) => s.to_string(),
                    _ => spec,
                }
            } else {
                spec
            };
            out.push_str(&interp.format_value(&v, &spec)?);
            i = j;
        } else if c == '}' {
            if chars.get(i + 1) == Some(&'}') {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(interp.err("ValueError", "Single '}' encountered in format string"));
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(Value::str(&out))
}

fn self_list(interp: &Interp, a: &Args, name: &str) -> PyResult<Rc<RefCell<Vec<Value>>>> {
    receiver(interp, a, "list", name, |v| match v {
        Value::List(l) => Some(l.clone()),
        _ => None,
    })
}

fn sort_values(interp: &mut Interp, items: &mut Vec<Value>, key: Option<Value>, reverse: bool) -> PyResult<()> {
    let keys: Vec<Value> = match &key {
        Some(k) if !k.is_none() => {
            let mut ks = Vec::with_capacity(items.len());
            for it in items.iter() {
                ks.push(interp.call(k, Args::new(vec![it.clone()]))?);
            }
            ks
        }
        _ => items.clone(),
    };
    let mut idx: Vec<usize> = (0..items.len()).collect();
    // Insertion-merge sort with fallible comparisons (stable, as Python's).
    let mut err = None;
    let mut sorted: Vec<usize> = Vec::with_capacity(idx.len());
    for i in idx.drain(..) {
        let mut lo = 0;
        let mut hi = sorted.len();
        while lo < hi {
            let mid = (lo + hi) / 2;
            let less = if reverse {
                super::ops::less_than(interp, &keys[sorted[mid]], &keys[i])
            } else {
                super::ops::less_than(interp, &keys[i], &keys[sorted[mid]])
            };
            match less {
                Ok(true) => hi = mid,
                Ok(false) => lo = mid + 1,
                Err(e) => {
                    err = Some(e);
                    lo = hi;
                }
            }
        }
        sorted.insert(lo, i);
    }
    if let Some(e) = err {
        return Err(e);
    }
    let new: Vec<Value> = sorted.into_iter().map(|i| items[i].clone()).collect();
    *items = new;
    Ok(())
}

/// The first position of an item equal to `target` (`is`, then `==`), as `list.index` and
/// `tuple.index` search.
fn position_of(interp: &mut Interp, items: &[Value], target: &Value) -> PyResult<Option<usize>> {
    for (n, x) in items.iter().enumerate() {
        if x.is(target) || interp.eq(x, target)? {
            return Ok(Some(n));
        }
    }
    Ok(None)
}

/// How many items equal `target` (`list.count`, `tuple.count`).
fn count_of(interp: &mut Interp, items: &[Value], target: &Value) -> PyResult<i64> {
    let mut n = 0;
    for x in items {
        if x.is(target) || interp.eq(x, target)? {
            n += 1;
        }
    }
    Ok(n)
}

fn tuple_methods(interp: &Interp) {
    let cls = interp.types.tuple.clone();
    let mut d = cls.dict.borrow_mut();
    fn self_tuple(interp: &Interp, a: &Args, name: &str) -> PyResult<Rc<Vec<Value>>> {
        receiver(interp, a, "tuple", name, |v| match v {
            Value::Tuple(t) => Some(t.clone()),
            _ => None,
        })
    }
    d.set_str(
        "index",
        method("tuple", "index", |i, a| {
            let items = self_tuple(i, &a, "index")?;
            let target = a.pos.get(1).cloned().unwrap_or(Value::None);
            if let Some(n) = position_of(i, &items, &target)? {
                return Ok(Value::Int(n as i64));
            }
            Err(i.err("ValueError", "tuple.index(x): x not in tuple"))
        }),
    );
    d.set_str(
        "count",
        method("tuple", "count", |i, a| {
            let items = self_tuple(i, &a, "count")?;
            let target = a.pos.get(1).cloned().unwrap_or(Value::None);
            Ok(Value::Int(count_of(i, &items, &target)?))
        }),
    );
}

fn list_methods(interp: &Interp) {
    let cls = interp.types.list.clone();
    let mut d = cls.dict.borrow_mut();
    d.set_str(
        "append",
        method("list", "append", |i, a| {
            let l = self_list(i, &a, "append")?;
            let v = a
                .pos
                .get(1)
                .cloned()
                .ok_or_else(|| i.type_error("list.append() takes exactly one argument (0 given)"))?;
            let v = i.list_appending(&l, v)?;
            l.borrow_mut().push(v);
            Ok(Value::None)
        }),
    );
    d.set_str(
        "extend",
        method("list", "extend", |i, a| {
            let l = self_list(i, &a, "extend")?;
            let more = match a.pos.get(1) {
                Some(Value::List(b)) => b.borrow().len(),
                Some(Value::Tuple(t)) => t.len(),
                _ => 0,
            };
            // `x.extend(x)`: the copy of the items and the grown list, before either is made.
            i.reserve((l.borrow().len() + more * 2).saturating_mul(std::mem::size_of::<Value>()))?;
            let items = i.iterate(&a.pos.get(1).cloned().unwrap_or(Value::None))?;
            if i.list_observer(&l).is_some() {
                for v in items {
                    let v = i.list_appending(&l, v)?;
                    l.borrow_mut().push(v);
                }
                return Ok(Value::None);
            }
            l.borrow_mut().extend(items);
            Ok(Value::None)
        }),
    );
    d.set_str(
        "insert",
        method("list", "insert", |i, a| {
            let l = self_list(i, &a, "insert")?;
            let idx = to_index(i, a.pos.get(1).unwrap_or(&Value::Int(0)))?;
            let v = a.pos.get(2).cloned().unwrap_or(Value::None);
            let v = i.list_appending(&l, v)?;
            let len = l.borrow().len() as i64;
            let at = if idx < 0 { (idx + len).max(0) } else { idx.min(len) } as usize;
            l.borrow_mut().insert(at, v);
            Ok(Value::None)
        }),
    );
    d.set_str(
        "pop",
        method("list", "pop", |i, a| {
            let l = self_list(i, &a, "pop")?;
            let len = l.borrow().len();
            if len == 0 {
                return Err(i.err("IndexError", "pop from empty list"));
            }
            let idx = match a.pos.get(1) {
                Some(v) => norm_index(i, v, len, "pop").map_err(|_| i.err("IndexError", "pop index out of range"))?,
                None => len - 1,
            };
            let v = l.borrow_mut().remove(idx);
            i.list_removing(&l, &v)?;
            Ok(v)
        }),
    );
    d.set_str(
        "remove",
        method("list", "remove", |i, a| {
            let l = self_list(i, &a, "remove")?;
            let target = a.pos.get(1).cloned().unwrap_or(Value::None);
            let items = l.borrow().clone();
            for (n, x) in items.iter().enumerate() {
                if x.is(&target) || i.eq(x, &target)? {
                    i.list_removing(&l, x)?;
                    l.borrow_mut().remove(n);
                    return Ok(Value::None);
                }
            }
            Err(i.err("ValueError", "list.remove(x): x not in list"))
        }),
    );
    d.set_str(
        "index",
        method("list", "index", |i, a| {
            let l = self_list(i, &a, "index")?;
            let target = a.pos.get(1).cloned().unwrap_or(Value::None);
            let items = l.borrow().clone();
            if let Some(n) = position_of(i, &items, &target)? {
                return Ok(Value::Int(n as i64));
            }
            let r = i.repr(&target)?;
            Err(i.err("ValueError", format!("{r} is not in list")))
        }),
    );
    d.set_str(
        "count",
        method("list", "count", |i, a| {
            let l = self_list(i, &a, "count")?;
            let target = a.pos.get(1).cloned().unwrap_or(Value::None);
            let items = l.borrow().clone();
            Ok(Value::Int(count_of(i, &items, &target)?))
        }),
    );
    d.set_str(
        "reverse",
        method("list", "reverse", |i, a| {
            self_list(i, &a, "reverse")?.borrow_mut().reverse();
            Ok(Value::None)
        }),
    );
    d.set_str(
        "clear",
        method("list", "clear", |i, a| {
            let l = self_list(i, &a, "clear")?;
            if i.list_observer(&l).is_some() {
                let items = l.borrow().clone();
                for x in &items {
                    i.list_removing(&l, x)?;
                }
            }
            l.borrow_mut().clear();
            Ok(Value::None)
        }),
    );
    d.set_str("copy", method("list", "copy", |i, a| Ok(Value::list(self_list(i, &a, "copy")?.borrow().clone()))));
    d.set_str(
        "sort",
        method("list", "sort", |i, mut a| {
            let l = self_list(i, &a, "sort")?;
            let key = a.take_kw("key");
            let reverse = match a.take_kw("reverse") {
                Some(v) => i.truthy(&v)?,
                None => false,
            };
            let mut items = l.borrow().clone();
            sort_values(i, &mut items, key, reverse)?;
            *l.borrow_mut() = items;
            Ok(Value::None)
        }),
    );
}

fn self_dict(interp: &Interp, a: &Args, name: &str) -> PyResult<Rc<RefCell<Dict>>> {
    receiver(interp, a, "dict", name, |v| match v {
        Value::Dict(d) => Some(d.clone()),
        _ => None,
    })
}

/// A `dict_keys` / `dict_values` / `dict_items` view: live over its dict.
struct DictView {
    dict: Rc<RefCell<Dict>>,
    /// 0 keys, 1 values, 2 items.
    kind: usize,
}

impl DictView {
    /// The view's items now, in the dict's order.
    fn items(&self) -> Vec<Value> {
        let d = self.dict.borrow();
        match self.kind {
            0 => d.keys(),
            1 => d.values(),
            _ => d.iter().map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()])).collect(),
        }
    }
}

/// The classes of `dict.keys()`, `dict.values()` and `dict.items()`: iterable, sized, with
/// `in`, CPython's reprs (`dict_keys(['a'])`), and for keys and items the set comparisons and
/// operators.
fn dict_view_classes(interp: &Interp) -> [Rc<Class>; 3] {
    ["dict_keys", "dict_values", "dict_items"].map(|name| {
        let view = move |i: &Interp, a: &Args| -> PyResult<Rc<DictView>> {
            a.pos
                .first()
                .and_then(|v| v.payload::<DictView>())
                .ok_or_else(|| i.type_error(format!("descriptor requires a '{name}' object")))
        };
        let mut methods: Vec<(&str, Value)> = vec![
            (
                "__iter__",
                method(name, "__iter__", move |i, a| {
                    let v = view(i, &a)?;
                    let kind = ["dict_keyiterator", "dict_valueiterator", "dict_itemiterator"][v.kind.min(2)];
                    Ok(super::iters::sized_iter(i, Value::Dict(v.dict.clone()), v.items(), kind, false))
                }),
            ),
            (
                "__reversed__",
                method(name, "__reversed__", move |i, a| {
                    let mut items = view(i, &a)?.items();
                    items.reverse();
                    i.call(&i.builtins.get("iter").unwrap_or(Value::None), Args::new(vec![Value::list(items)]))
                }),
            ),
            ("__len__", method(name, "__len__", move |i, a| Ok(Value::Int(view(i, &a)?.dict.borrow().len() as i64)))),
            (
                "__repr__",
                method(name, "__repr__", move |i, a| {
                    let items = view(i, &a)?.items();
                    let r = i.repr(&Value::list(items))?;
                    Ok(Value::str(&format!("{name}({r})")))
                }),
            ),
            (
                "__contains__",
                method(name, "__contains__", move |i, a| {
                    let v = view(i, &a)?;
                    let x = a.pos.get(1).cloned().unwrap_or(Value::None);
                    match v.kind {
                        0 => super::ops::contains(i, &Value::Dict(v.dict.clone()), &x).map(Value::Bool),
                        _ => super::ops::contains(i, &Value::list(v.items()), &x).map(Value::Bool),
                    }
                }),
            ),
        ];
        if name != "dict_values" {
            // Set-like: compared and combined as the set of their items.
            let as_set = |i: &mut Interp, v: &Value| -> PyResult<Value> {
                i.call(&i.builtins.get("set").unwrap_or(Value::None), Args::new(vec![v.clone()]))
            };
            let set_like = |v: &Value| {
                matches!(v, Value::Set(_))
                    || v.payload::<DictView>().is_some_and(|d| d.kind != 1)
                    || matches!(v, Value::Instance(inst) if inst.class.name == "frozenset")
            };
            methods.push((
                "__eq__",
                method(name, "__eq__", move |i, a| {
                    let other = a.pos.get(1).cloned().unwrap_or(Value::None);
                    if !set_like(&other) {
                        return Ok(Value::NotImplemented);
                    }
                    let (l, r) = (as_set(i, &a.pos[0])?, as_set(i, &other)?);
                    Ok(Value::Bool(i.eq(&l, &r)?))
                }),
            ));
            methods.push((
                "__ne__",
                method(name, "__ne__", move |i, a| {
                    let other = a.pos.get(1).cloned().unwrap_or(Value::None);
                    if !set_like(&other) {
                        return Ok(Value::NotImplemented);
                    }
                    let (l, r) = (as_set(i, &a.pos[0])?, as_set(i, &other)?);
                    Ok(Value::Bool(!i.eq(&l, &r)?))
                }),
            ));
            // dictobject.c's `dictviews_or` / `_sub` / `_xor`: a set made from the left operand
            // (a keys view of a dict: from the dict itself), then updated with the right one;
            // `dictviews_and` iterates the other operand (or asks a larger set for its
            // intersection with the view). The reflected forms get the view second.
            for (dunder, op, reflected) in [
                ("__and__", BinOp::BitAnd, false),
                ("__or__", BinOp::BitOr, false),
                ("__sub__", BinOp::Sub, false),
                ("__xor__", BinOp::BitXor, false),
                ("__rand__", BinOp::BitAnd, true),
                ("__ror__", BinOp::BitOr, true),
                ("__rsub__", BinOp::Sub, true),
                ("__rxor__", BinOp::BitXor, true),
            ] {
                methods.push((
                    dunder,
                    method(name, dunder, move |i, a| {
                        let view = a.pos[0].clone();
                        let other = a.pos.get(1).cloned().unwrap_or(Value::None);
                        let (l, r) = if reflected { (other, view) } else { (view, other) };
                        match dict_view_op(i, op, &l, &r) {
                            Err(e) if reflected && i.err_is(&e, "TypeError") => Ok(Value::NotImplemented),
                            res => res,
                        }
                    }),
                ));
            }
            methods.push((
                "isdisjoint",
                method(name, "isdisjoint", move |i, a| {
                    let l = as_set(i, &a.pos[0])?;
                    let r = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let f = i.getattr(&l, "isdisjoint")?;
                    i.call(&f, Args::new(vec![r]))
                }),
            ));
        }
        let cls = native_class(interp, name, "builtins", None, methods);
        // Views are not hashable.
        cls.dict.borrow_mut().set_str("__hash__", Value::None);
        cls
    })
}

/// `l op r` where one operand is a dict view, as `dictobject.c` computes it.
fn dict_view_op(i: &mut Interp, op: BinOp, l: &Value, r: &Value) -> PyResult<Value> {
    use super::pyset;
    // `dictviews_to_set`: a keys view of a dict is made a set from the dict.
    let to_set = |i: &mut Interp, v: &Value| -> PyResult<pyset::SetRef> {
        let src = match v.payload::<DictView>() {
            Some(view) if view.kind == 0 => Value::Dict(view.dict.clone()),
            _ => v.clone(),
        };
        Ok(pyset::new_ref(pyset::from_iterable(i, Some(&src))?))
    };
    if op != BinOp::BitAnd {
        let result = to_set(i, l)?;
        match op {
            BinOp::BitOr => pyset::update(i, &result, r)?,
            BinOp::Sub => pyset::difference_update(i, &result, r)?,
            _ => pyset::symmetric_difference_update(i, &result, r)?,
        }
        return Ok(Value::Set(result));
    }
    // `dictviews_and`: the view first.
    let (mut view, mut other) = if l.payload::<DictView>().is_some() { (l, r) } else { (r, l) };
    let view_len = |v: &Value| v.payload::<DictView>().map(|d| d.dict.borrow().len());
    let len_self = view_len(view).unwrap_or(0);
    if let Value::Set(s) = other {
        if len_self <= s.borrow().len() {
            let s = s.clone();
            return Ok(Value::Set(pyset::new_ref(pyset::intersection(i, &s, view)?)));
        }
    }
    if view_len(other).is_some_and(|n| n > len_self) {
        std::mem::swap(&mut view, &mut other);
    }
    let result = pyset::new_ref(pyset::PySet::new());
    for k in i.iterate(other)? {
        if super::ops::contains(i, view, &k)? {
            pyset::add(i, &result, k)?;
        }
    }
    Ok(Value::Set(result))
}

fn dict_methods(interp: &Interp) {
    let views = dict_view_classes(interp);
    let cls = interp.types.dict.clone();
    let mut d = cls.dict.borrow_mut();
    d.set_str(
        "get",
        method("dict", "get", |i, a| {
            let dd = self_dict(i, &a, "get")?;
            let k = i.canon_key_in(&dd, a.pos.get(1).cloned().unwrap_or(Value::None))?;
            let found = dd.borrow().get(&k).cloned();
            Ok(found.unwrap_or_else(|| a.pos.get(2).cloned().unwrap_or(Value::None)))
        }),
    );
    for (kind, cls) in views.into_iter().enumerate() {
        let name = ["keys", "values", "items"][kind];
        d.set_str(
            name,
            method("dict", name, move |i, a| {
                let dict = self_dict(i, &a, name)?;
                Ok(new_native(&cls, DictView { dict, kind }))
            }),
        );
    }
    d.set_str(
        "pop",
        method("dict", "pop", |i, a| {
            let dd = self_dict(i, &a, "pop")?;
            let k = a.pos.get(1).cloned().unwrap_or(Value::None);
            let canon = i.canon_key_in(&dd, k.clone())?;
            let removed = dd.borrow_mut().remove(&canon);
            match (removed, a.pos.get(2)) {
                (Some(v), _) => Ok(v),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => {
                    let cls = i.exc_class("KeyError");
                    Err(super::interp::PyErr { exc: i.new_exception(&cls, vec![k]), traceback: vec![] })
                }
            }
        }),
    );
    d.set_str(
        "setdefault",
        method("dict", "setdefault", |i, a| {
            let dd = self_dict(i, &a, "setdefault")?;
            let k = i.canon_key_in(&dd, a.pos.get(1).cloned().unwrap_or(Value::None))?;
            let existing = dd.borrow().get(&k).cloned();
            if let Some(v) = existing {
                return Ok(v);
            }
            let v = a.pos.get(2).cloned().unwrap_or(Value::None);
            dd.borrow_mut().insert(k, v.clone());
            Ok(v)
        }),
    );
    d.set_str(
        "update",
        method("dict", "update", |i, a| {
            let dd = self_dict(i, &a, "update")?;
            if let Some(src) = a.pos.get(1) {
                match src {
                    Value::Dict(s) => {
                        let entries: Vec<(Value, Value)> =
                            s.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                        for (k, v) in entries {
                            let k = i.canon_key_in(&dd, k)?;
                            dd.borrow_mut().insert(k, v);
                        }
                    }
                    other => {
                        for pair in i.iterate(other)? {
                            let kv = i.iterate(&pair)?;
                            if kv.len() == 2 {
                                let k = i.canon_key_in(&dd, kv[0].clone())?;
                                dd.borrow_mut().insert(k, kv[1].clone());
                            }
                        }
                    }
                }
            }
            for (k, v) in a.kw.iter() {
                dd.borrow_mut().insert(Value::Str(k.clone()), v.clone());
            }
            Ok(Value::None)
        }),
    );
    d.set_str("copy", method("dict", "copy", |i, a| Ok(Value::dict(self_dict(i, &a, "copy")?.borrow().clone()))));
    // `dict.fromkeys(iterable, value=None)`: the keys in the iterable's order.
    d.set_str(
        "fromkeys",
        func("fromkeys", |i, a| {
            if a.pos.is_empty() {
                return Err(i.type_error("fromkeys expected at least 1 argument, got 0"));
            }
            if a.pos.len() > 2 {
                return Err(i.type_error(format!("fromkeys expected at most 2 arguments, got {}", a.pos.len())));
            }
            let value = a.pos.get(1).cloned().unwrap_or(Value::None);
            let mut d = Dict::new();
            for k in i.iterate(&a.pos[0])? {
                i.dict_insert(&mut d, k, value.clone())?;
            }
            Ok(Value::dict(d))
        }),
    );
    d.set_str(
        "clear",
        method("dict", "clear", |i, a| {
            self_dict(i, &a, "clear")?.borrow_mut().clear();
            Ok(Value::None)
        }),
    );
}

fn set_methods(interp: &Interp) {
    use super::pyset;
    let cls = interp.types.set.clone();
    let mut d = cls.dict.borrow_mut();
    fn self_set(interp: &Interp, a: &Args, name: &str) -> PyResult<pyset::SetRef> {
        receiver(interp, a, "set", name, |v| match v {
            Value::Set(d) => Some(d.clone()),
            _ => None,
        })
    }
    /// The argument of `add` / `discard` / `remove`: a set looked for as a frozenset, as
    /// CPython's `set_discard` / `set_remove` retry it (`add` does not).
    fn member_arg(i: &Interp, a: &Args, frozen_retry: bool) -> Value {
        let v = a.pos.get(1).cloned().unwrap_or(Value::None);
        match &v {
            Value::Set(s) if frozen_retry => make_frozenset(i, None, s.borrow().clone()),
            _ => v,
        }
    }
    d.set_str(
        "add",
        method("set", "add", |i, a| {
            let s = self_set(i, &a, "add")?;
            pyset::add(i, &s, member_arg(i, &a, false))?;
            Ok(Value::None)
        }),
    );
    d.set_str(
        "discard",
        method("set", "discard", |i, a| {
            let s = self_set(i, &a, "discard")?;
            pyset::discard(i, &s, &member_arg(i, &a, true))?;
            Ok(Value::None)
        }),
    );
    d.set_str(
        "remove",
        method("set", "remove", |i, a| {
            let s = self_set(i, &a, "remove")?;
            let k = a.pos.get(1).cloned().unwrap_or(Value::None);
            if !pyset::discard(i, &s, &member_arg(i, &a, true))? {
                let cls = i.exc_class("KeyError");
                return Err(super::interp::PyErr { exc: i.new_exception(&cls, vec![k]), traceback: vec![] });
            }
            Ok(Value::None)
        }),
    );
    for (name, mode) in [("union", 0u8), ("intersection", 1), ("difference", 2), ("symmetric_difference", 3)] {
        d.set_str(
            name,
            method("set", name, move |i, a| {
                let s = self_set(i, &a, name)?;
                if mode == 3 && a.pos.len() != 2 {
                    return Err(i.type_error(format!(
                        "set.symmetric_difference() takes exactly one argument ({} given)",
                        a.pos.len().saturating_sub(1)
                    )));
                }
                let others = &a.pos[1..];
                let result = match mode {
                    0 => pyset::union(i, &s, others)?,
                    1 => pyset::intersection_multi(i, &s, others)?,
                    2 => pyset::difference_multi(i, &s, others)?,
                    _ => pyset::symmetric_difference(i, &s, &others[0])?,
                };
                Ok(Value::Set(pyset::new_ref(result)))
            }),
        );
    }
    for (name, mode) in
        [("update", 0u8), ("intersection_update", 1), ("difference_update", 2), ("symmetric_difference_update", 3)]
    {
        d.set_str(
            name,
            method("set", name, move |i, a| {
                let s = self_set(i, &a, name)?;
                if mode == 3 && a.pos.len() != 2 {
                    return Err(i.type_error(format!(
                        "set.symmetric_difference_update() takes exactly one argument ({} given)",
                        a.pos.len().saturating_sub(1)
                    )));
                }
                let others = &a.pos[1..];
                match mode {
                    0 => {
                        for o in others {
                            pyset::update(i, &s, o)?;
                        }
                    }
                    1 => {
                        let body = pyset::intersection_multi(i, &s, others)?;
                        s.borrow_mut().take_body(body);
                    }
                    2 => {
                        for o in others {
                            pyset::difference_update(i, &s, o)?;
                        }
                    }
                    _ => pyset::symmetric_difference_update(i, &s, &others[0])?,
                }
                Ok(Value::None)
            }),
        );
    }
    // issubset / issuperset / isdisjoint: 0 = self <= other, 1 = self >= other, 2 = no common item.
    for (name, mode) in [("issubset", 0u8), ("issuperset", 1), ("isdisjoint", 2)] {
        d.set_str(
            name,
            method("set", name, move |i, a| {
                let s = self_set(i, &a, name)?;
                if a.pos.len() != 2 {
                    return Err(i.type_error(format!(
                        "set.{name}() takes exactly one argument ({} given)",
                        a.pos.len().saturating_sub(1)
                    )));
                }
                let other = pyset::new_ref(collect_set(i, a.pos.get(1))?);
                let (probe, within) = if mode == 1 { (&other, &s) } else { (&s, &other) };
                let keys = probe.borrow().keys();
                for k in keys {
                    let found = pyset::contains(i, within, &k)?;
                    if mode == 2 && found {
                        return Ok(Value::Bool(false));
                    }
                    if mode != 2 && !found {
                        return Ok(Value::Bool(false));
                    }
                }
                Ok(Value::Bool(true))
            }),
        );
    }
    d.set_str(
        "copy",
        method("set", "copy", |i, a| {
            let s = self_set(i, &a, "copy")?;
            Ok(Value::Set(pyset::new_ref(pyset::copy(i, &s)?)))
        }),
    );
    d.set_str(
        "clear",
        method("set", "clear", |i, a| {
            self_set(i, &a, "clear")?.borrow_mut().clear();
            Ok(Value::None)
        }),
    );
    d.set_str(
        "pop",
        method("set", "pop", |i, a| {
            let s = self_set(i, &a, "pop")?;
            let popped = s.borrow_mut().pop();
            match popped {
                Some(k) => Ok(k),
                None => {
                    let cls = i.exc_class("KeyError");
                    let msg = Value::Str("pop from an empty set".into());
                    Err(super::interp::PyErr { exc: i.new_exception(&cls, vec![msg]), traceback: vec![] })
                }
            }
        }),
    );
}

/// `dict(*args, **kwargs)`: a new dict from a mapping or an iterable of pairs, and keywords.
fn dict_from_args(i: &mut Interp, a: Args) -> PyResult<Value> {
    let mut d = Dict::new();
    if let Some(src) = a.pos.first() {
        match src {
            Value::Dict(s) => d = s.borrow().clone(),
            other @ Value::Instance(_) if i.getattr_opt(other, "keys")?.is_some() => {
                // A mapping: keys() then obj[key], as CPython's dict() does.
                let keys = i.getattr(other, "keys")?;
                let keys = i.call(&keys, Args::default())?;
                for k in i.iterate(&keys)? {
                    let v = i.getitem(other, k.clone())?;
                    i.dict_insert(&mut d, k, v)?;
                }
            }
            other => {
                for pair in i.iterate(&other.clone())? {
                    let kv = i.iterate(&pair)?;
                    if kv.len() != 2 {
                        return Err(i.err(
                            "ValueError",
                            format!("dictionary update sequence element #0 has length {}; 2 is required", kv.len()),
                        ));
                    }
                    i.dict_insert(&mut d, kv[0].clone(), kv[1].clone())?;
                }
            }
        }
    }
    for (k, v) in a.kw {
        d.insert(Value::Str(k), v);
    }
    Ok(Value::dict(d))
}

/// The special methods of the builtin containers and scalars as methods of their types, so a
/// subclass reaches them (`super().__setitem__(k, v)`, `super().__repr__()`) and instances of
/// a subclass behave as their value where the subclass does not override them.
fn builtin_dunders(interp: &Interp) {
    let t = &interp.types;
    let kinds: [(&Rc<Class>, fn(&Value) -> bool); 9] = [
        (&t.frozenset, |v| matches!(v, Value::Set(_))),
        (&t.list, |v| matches!(v, Value::List(_))),
        (&t.tuple, |v| matches!(v, Value::Tuple(_))),
        (&t.dict, |v| matches!(v, Value::Dict(_))),
        (&t.set, |v| matches!(v, Value::Set(_))),
        (&t.str_, |v| matches!(v, Value::Str(_))),
        (&t.bytes, |v| matches!(v, Value::Bytes(_))),
        (&t.int, |v| matches!(v, Value::Int(_) | Value::BigInt(_) | Value::Bool(_))),
        (&t.float, |v| matches!(v, Value::Float(_))),
    ];
    for (cls, is) in kinds {
        let owner = cls.name.clone();
        let kind = cls.builtin;
        let container = !matches!(kind, Some(BuiltinType::Int | BuiltinType::Float));
        let mut d = cls.dict.borrow_mut();
        let me = move |i: &Interp, a: &Args, name: &str, owner: &str| {
            receiver(i, a, owner, name, |v| if is(v) { Some(v.clone()) } else { None })
        };
        let o = owner.clone();
        d.set_str(
            "__repr__",
            method(&owner, "__repr__", move |i, a| {
                let v = me(i, &a, "__repr__", &o)?;
                let r = super::format::repr(i, &v)?;
                // A set subclass names itself: `Bag({1, 2})`, `Bag()`.
                if let (Value::Set(s), Some(Value::Instance(inst))) = (&v, a.pos.first()) {
                    let inner = if s.borrow().is_empty() { String::new() } else { r };
                    return Ok(Value::str(&format!("{}({inner})", inst.class.name)));
                }
                Ok(Value::str(&r))
            }),
        );
        if !container {
            continue;
        }
        let o = owner.clone();
        d.set_str(
            "__len__",
            method(&owner, "__len__", move |i, a| {
                let v = me(i, &a, "__len__", &o)?;
                len_of(i, &v)
            }),
        );
        let o = owner.clone();
        d.set_str(
            "__contains__",
            method(&owner, "__contains__", move |i, a| {
                let v = me(i, &a, "__contains__", &o)?;
                let item = a.pos.get(1).cloned().unwrap_or(Value::None);
                Ok(Value::Bool(super::ops::contains(i, &v, &item)?))
            }),
        );
        let o = owner.clone();
        d.set_str(
            "__iter__",
            method(&owner, "__iter__", move |i, a| {
                let v = me(i, &a, "__iter__", &o)?;
                let items = i.iterate(&v)?;
                Ok(make_iterator(i, items, "iterator"))
            }),
        );
        if kind == Some(BuiltinType::Set) {
            continue;
        }
        let o = owner.clone();
        d.set_str(
            "__getitem__",
            method(&owner, "__getitem__", move |i, a| {
                let v = me(i, &a, "__getitem__", &o)?;
                let key = a.pos.get(1).cloned().unwrap_or(Value::None);
                match getitem(i, &v, key.clone()) {
                    // A dict subclass's `__missing__` answers for absent keys.
                    Err(e) if matches!(v, Value::Dict(_)) && i.err_is(&e, "KeyError") => {
                        match a.pos.first().and_then(|s| instance_dunder(s, "__missing__")) {
                            Some(f) => i.call(&f, Args::new(vec![a.pos[0].clone(), key])),
                            None => Err(e),
                        }
                    }
                    r => r,
                }
            }),
        );
        if !matches!(kind, Some(BuiltinType::List | BuiltinType::Dict)) {
            continue;
        }
        let o = owner.clone();
        d.set_str(
            "__setitem__",
            method(&owner, "__setitem__", move |i, a| {
                let v = me(i, &a, "__setitem__", &o)?;
                let key = a.pos.get(1).cloned().unwrap_or(Value::None);
                let val = a.pos.get(2).cloned().unwrap_or(Value::None);
                setitem(i, &v, key, val)?;
                Ok(Value::None)
            }),
        );
        let o = owner.clone();
        d.set_str(
            "__delitem__",
            method(&owner, "__delitem__", move |i, a| {
                let v = me(i, &a, "__delitem__", &o)?;
                delitem(i, &v, a.pos.get(1).cloned().unwrap_or(Value::None))?;
                Ok(Value::None)
            }),
        );
    }
    // frozenset: set's methods that make no change, their results frozensets too.
    for name in
        ["copy", "union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset", "isdisjoint"]
    {
        let Some(f) = t.set.dict.borrow().get_str(name).cloned() else { continue };
        t.frozenset.dict.borrow_mut().set_str(
            name,
            method("frozenset", name, move |i, a| {
                receiver(i, &a, "frozenset", name, |v| if is_frozen(v) { Some(()) } else { None })?;
                // `frozenset_copy`: an exact frozenset is its own copy.
                if name == "copy" && exact_frozenset(i, &a.pos[0]) {
                    return Ok(a.pos[0].clone());
                }
                match i.call(&f, a)? {
                    Value::Set(d) => {
                        let members = std::mem::take(&mut *d.borrow_mut());
                        Ok(make_frozenset(i, None, members))
                    }
                    other => Ok(other),
                }
            }),
        );
    }
    t.frozenset.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", |i, a| {
            let cls = match a.pos.first() {
                Some(Value::Class(c)) => c.clone(),
                _ => return Err(i.type_error("frozenset.__new__(X): X is not a type object")),
            };
            if let Some((k, _)) = a.kw.first() {
                let _ = k;
                return Err(i.type_error("frozenset() takes no keyword arguments"));
            }
            if a.pos.len() > 2 {
                return Err(i.type_error(format!("frozenset expected at most 1 argument, got {}", a.pos.len() - 1)));
            }
            // `frozenset(f)` of an exact frozenset is f itself.
            if let Some(src) = a.pos.get(1) {
                if Rc::ptr_eq(&cls, &i.types.frozenset) && exact_frozenset(i, src) {
                    return Ok(src.clone());
                }
            }
            let members = collect_set(i, a.pos.get(1))?;
            Ok(make_frozenset(i, Some(&cls), members))
        }),
    );
    // `__init__` of the mutable types fills the (empty) value `__new__` made.
    t.list.dict.borrow_mut().set_str(
        "__init__",
        method("list", "__init__", |i, a| {
            let l = self_list(i, &a, "__init__")?;
            let items = match a.pos.get(1) {
                Some(src) => i.iterate(src)?,
                None => Vec::new(),
            };
            *l.borrow_mut() = items;
            Ok(Value::None)
        }),
    );
    t.dict.dict.borrow_mut().set_str(
        "__init__",
        method("dict", "__init__", |i, a| {
            let d = self_dict(i, &a, "__init__")?;
            let Value::Dict(src) = dict_from_args(i, Args { pos: a.pos[1..].to_vec(), kw: a.kw.clone() })? else {
                return Ok(Value::None);
            };
            let entries: Vec<(Value, Value)> = src.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, v) in entries {
                let k = i.canon_key_in(&d, k)?;
                d.borrow_mut().insert(k, v);
            }
            Ok(Value::None)
        }),
    );
    t.set.dict.borrow_mut().set_str(
        "__init__",
        method("set", "__init__", |i, a| {
            let s = receiver(i, &a, "set", "__init__", |v| match v {
                Value::Set(d) => Some(d.clone()),
                _ => None,
            })?;
            // `set_init`: emptied, then updated from the iterable.
            s.borrow_mut().clear();
            if let Some(src) = a.pos.get(1) {
                super::pyset::update(i, &s, src)?;
            }
            Ok(Value::None)
        }),
    );
}

/// The receiver of an `int` method as a big int (bools are ints).
fn self_int(interp: &Interp, a: &Args, name: &str) -> PyResult<BigInt> {
    receiver(interp, a, "int", name, super::ops::as_big)
}

fn self_float(interp: &Interp, a: &Args, name: &str) -> PyResult<f64> {
    receiver(interp, a, "float", name, |v| match v {
        Value::Float(f) => Some(*f),
        _ => None,
    })
}

/// `byteorder` of `int.to_bytes` / `int.from_bytes`: true for 'little'.
fn byteorder_arg(interp: &Interp, v: Option<Value>, fname: &str) -> PyResult<bool> {
    match v {
        None => Ok(false),
        Some(Value::Str(s)) => match &*s {
            "little" => Ok(true),
            "big" => Ok(false),
            _ => Err(interp.err("ValueError", "byteorder must be either 'little' or 'big'")),
        },
        Some(other) => {
            Err(interp
                .type_error(format!("{fname}() argument 'byteorder' must be str, not {}", interp.type_name(&other))))
        }
    }
}

/// A float's exact value as a reduced fraction (`float.as_integer_ratio`).
fn float_ratio(interp: &Interp, f: f64) -> PyResult<Value> {
    if f.is_infinite() {
        return Err(interp.err("OverflowError", "cannot convert Infinity to integer ratio"));
    }
    if f.is_nan() {
        return Err(interp.err("ValueError", "cannot convert NaN to integer ratio"));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1 << 52) - 1);
    let mut e = if exp == 0 {
        -1074
    } else {
        mant |= 1 << 52;
        exp - 1075
    };
    if mant == 0 {
        return Ok(Value::tuple(vec![Value::Int(0), Value::Int(1)]));
    }
    while mant & 1 == 0 && e < 0 {
        mant >>= 1;
        e += 1;
    }
    let mut num = BigInt::from_u64(mant);
    let mut den = BigInt::from_i64(1);
    if e > 0 {
        num = num.shl(e as usize);
    } else {
        den = den.shl((-e) as usize);
    }
    if f < 0.0 {
        num = num.neg();
    }
    Ok(Value::tuple(vec![num.into_value(), den.into_value()]))
}

/// `float.hex()`: CPython's `float_hex`.
fn float_hex(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0x0.0p+0");
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1 << 52) - 1);
    let (lead, e) = if exp == 0 { (0, -1022) } else { (1, exp - 1023) };
    format!("{sign}0x{lead}.{mant:013x}p{e:+}")
}

/// `float.fromhex(s)`.
fn float_fromhex(interp: &Interp, s: &str) -> PyResult<f64> {
    let invalid = || interp.err("ValueError", "invalid hexadecimal floating-point string");
    let t = s.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = body.to_ascii_lowercase();
    let special = match lower.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        "nan" => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Ok(if neg { -v } else { v });
    }
    let body = lower.strip_prefix("0x").unwrap_or(&lower);
    let (digits, exp) = match body.split_once('p') {
        Some((d, e)) => (d, e.parse::<i64>().map_err(|_| invalid())?),
        None => (body, 0),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(invalid());
    }
    let mut mant: u128 = 0;
    let mut shift: i64 = 0;
    let mut sticky = false;
    for (k, c) in int_part.chars().chain(frac_part.chars()).enumerate() {
        let d = c.to_digit(16).ok_or_else(invalid)? as u128;
        if k >= int_part.len() {
            shift -= 4;
        }
        if mant >> 116 != 0 {
            // Out of room: keep the scale, remember the digit was there.
            sticky |= d != 0;
            shift += 4;
        } else {
            mant = mant * 16 + d;
        }
    }
    if sticky {
        mant |= 1;
    }
    let e = exp.saturating_add(shift);
    let mut v = mant as f64;
    if v != 0.0 {
        let total = e.clamp(-4000, 4000) as i32;
        // Two steps so that neither power of two leaves the float range on its own.
        v *= 2f64.powi(total / 2);
        v *= 2f64.powi(total - total / 2);
        if v.is_infinite() {
            return Err(interp.err("OverflowError", "hexadecimal value too large to represent as a float"));
        }
    }
    Ok(if neg { -v } else { v })
}

/// Methods of `int` and `float` beyond the operators.
fn number_methods(interp: &Interp) {
    let t = &interp.types;
    let mut d = t.int.dict.borrow_mut();
    d.set_str(
        "bit_length",
        method("int", "bit_length", |i, a| Ok(Value::Int(self_int(i, &a, "bit_length")?.bit_length() as i64))),
    );
    d.set_str(
        "bit_count",
        method("int", "bit_count", |i, a| {
            let n = self_int(i, &a, "bit_count")?.abs();
            let ones = n.to_radix_string(2).chars().filter(|c| *c == '1').count();
            Ok(Value::Int(ones as i64))
        }),
    );
    d.set_str(
        "as_integer_ratio",
        method("int", "as_integer_ratio", |i, a| {
            let n = self_int(i, &a, "as_integer_ratio")?;
            Ok(Value::tuple(vec![n.into_value(), Value::Int(1)]))
        }),
    );
    d.set_str(
        "to_bytes",
        method("int", "to_bytes", |i, mut a| {
            let n = self_int(i, &a, "to_bytes")?;
            let length = match a.arg(1, "length") {
                None => 1,
                Some(v) => to_index(i, &v)?,
            };
            let little = byteorder_arg(i, a.arg(2, "byteorder"), "to_bytes")?;
            let signed = match a.take_kw("signed") {
                Some(v) => i.truthy(&v)?,
                None => false,
            };
            if length < 0 {
                return Err(i.err("ValueError", "length argument must be non-negative"));
            }
            if !signed && n.is_negative() {
                return Err(i.err("OverflowError", "can't convert negative int to unsigned"));
            }
            let length = usize::try_from(length).unwrap_or(usize::MAX);
            if length > 1 << 24 {
                return Err(i.err_bare("MemoryError"));
            }
            let mut bytes =
                n.to_bytes_le(length, signed).ok_or_else(|| i.err("OverflowError", "int too big to convert"))?;
            if !little {
                bytes.reverse();
            }
            Ok(Value::Bytes(Rc::from(bytes)))
        }),
    );
    d.set_str(
        "from_bytes",
        func("from_bytes", |i, mut a| {
            let src = a
                .arg(0, "bytes")
                .ok_or_else(|| i.type_error("from_bytes() missing required argument 'bytes' (pos 1)"))?;
            let little = byteorder_arg(i, a.arg(1, "byteorder"), "from_bytes")?;
            let signed = match a.take_kw("signed") {
                Some(v) => i.truthy(&v)?,
                None => false,
            };
            let mut bytes: Vec<u8> = match &src {
                Value::Bytes(b) => b.to_vec(),
                Value::Str(_) => return Err(i.type_error("cannot convert 'str' object to bytes")),
                other => {
                    let mut out = Vec::new();
                    for x in i.iterate(other)? {
                        let n = to_index(i, &x)?;
                        out.push(u8::try_from(n).map_err(|_| i.err("ValueError", "bytes must be in range(0, 256)"))?);
                    }
                    out
                }
            };
            if !little {
                bytes.reverse();
            }
            Ok(BigInt::from_bytes_le(&bytes, signed).into_value())
        }),
    );
    drop(d);
    let mut d = t.float.dict.borrow_mut();
    d.set_str("hex", method("float", "hex", |i, a| Ok(Value::str(&float_hex(self_float(i, &a, "hex")?)))));
    d.set_str(
        "fromhex",
        func("fromhex", |i, a| match a.pos.last() {
            Some(Value::Str(s)) => Ok(Value::Float(float_fromhex(i, s)?)),
            Some(other) => Err(i.type_error(format!("fromhex() argument must be str, not {}", i.type_name(other)))),
            None => Err(i.type_error("float.fromhex() takes exactly one argument (0 given)")),
        }),
    );
    d.set_str(
        "is_integer",
        method("float", "is_integer", |i, a| {
            let f = self_float(i, &a, "is_integer")?;
            Ok(Value::Bool(f.is_finite() && f.fract() == 0.0))
        }),
    );
    d.set_str(
        "as_integer_ratio",
        method("float", "as_integer_ratio", |i, a| {
            let f = self_float(i, &a, "as_integer_ratio")?;
            float_ratio(i, f)
        }),
    );
}

/// A `range` object: a lazy arithmetic sequence (`range(0, 10)`).
pub struct RangeData {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl RangeData {
    /// How many numbers it holds.
    pub fn len(&self) -> i64 {
        let (lo, hi, step) = (self.start as i128, self.stop as i128, self.step as i128);
        let n = if step > 0 { (hi - lo + step - 1) / step } else { (lo - hi - step - 1) / -step };
        n.clamp(0, i64::MAX as i128) as i64
    }
    /// The `k`th number (0 <= k < len).
    pub fn at(&self, k: i64) -> i64 {
        (self.start as i128 + k as i128 * self.step as i128) as i64
    }
}

/// Items of a range for eager consumers, refusing what the playground cannot hold.
fn range_items(interp: &Interp, r: &RangeData) -> PyResult<Vec<Value>> {
    let n = r.len();
    interp.reserve(usize::try_from(n).unwrap_or(usize::MAX).saturating_mul(std::mem::size_of::<Value>()))?;
    Ok((0..n).map(|k| Value::Int(r.at(k))).collect())
}

/// The items a `range` object iterates over, if `v` is one.
pub fn range_of(v: &Value) -> Option<Rc<RangeData>> {
    v.payload::<RangeData>()
}

fn range_class(interp: &Interp) -> Rc<Class> {
    let me = |i: &Interp, a: &Args, name: &str| receiver(i, a, "range", name, range_of);
    let cls = native_class(interp, "range", "builtins", None, vec![]);
    let mut d = cls.dict.borrow_mut();
    d.set_str(
        "__new__",
        func("__new__", |i, a| {
            let Some(Value::Class(cls)) = a.pos.first().cloned() else {
                return Err(i.type_error("range.__new__(X): X is not a type object"));
            };
            let n = a.pos.len() - 1;
            if n == 0 {
                return Err(i.type_error("range expected at least 1 argument, got 0"));
            }
            if n > 3 {
                return Err(i.type_error(format!("range expected at most 3 arguments, got {n}")));
            }
            if !a.kw.is_empty() {
                return Err(i.type_error("range() takes no keyword arguments"));
            }
            let mut nums = Vec::new();
            for v in &a.pos[1..] {
                nums.push(match v {
                    Value::BigInt(_) => {
                        return Err(i.err("OverflowError", "Python int too large to convert to C ssize_t"))
                    }
                    other => to_index(i, other)?,
                });
            }
            let (start, stop, step) = match nums.len() {
                1 => (0, nums[0], 1),
                2 => (nums[0], nums[1], 1),
                _ => (nums[0], nums[1], nums[2]),
            };
            if step == 0 {
                return Err(i.err("ValueError", "range() arg 3 must not be zero"));
            }
            Ok(new_native(&cls, RangeData { start, stop, step }))
        }),
    );
    d.set_str(
        "__repr__",
        method("range", "__repr__", move |i, a| {
            let r = me(i, &a, "__repr__")?;
            Ok(Value::str(&if r.step == 1 {
                format!("range({}, {})", r.start, r.stop)
            } else {
                format!("range({}, {}, {})", r.start, r.stop, r.step)
            }))
        }),
    );
    d.set_str("__len__", method("range", "__len__", move |i, a| Ok(Value::Int(me(i, &a, "__len__")?.len()))));
    d.set_str(
        "__iter__",
        method("range", "__iter__", move |i, a| {
            let r = me(i, &a, "__iter__")?;
            let items = range_items(i, &r)?;
            Ok(make_iterator(i, items, "range_iterator"))
        }),
    );
    d.set_str(
        "__contains__",
        method("range", "__contains__", move |i, a| {
            let r = me(i, &a, "__contains__")?;
            let x = match a.pos.get(1) {
                Some(Value::Int(x)) => *x,
                Some(Value::Bool(b)) => *b as i64,
                Some(other) => {
                    // Anything else is compared item by item, as CPython does.
                    let other = other.clone();
                    for v in range_items(i, &r)? {
                        if i.eq(&v, &other)? {
                            return Ok(Value::Bool(true));
                        }
                    }
                    return Ok(Value::Bool(false));
                }
                None => return Err(i.type_error("expected 1 argument, got 0")),
            };
            let inside = if r.step > 0 { r.start <= x && x < r.stop } else { r.stop < x && x <= r.start };
            Ok(Value::Bool(inside && (x as i128 - r.start as i128) % r.step as i128 == 0))
        }),
    );
    d.set_str(
        "__getitem__",
        method("range", "__getitem__", move |i, a| {
            let r = me(i, &a, "__getitem__")?;
            let key = a.pos.get(1).cloned().unwrap_or(Value::None);
            let len = r.len();
            if let Some(s) = key.payload::<SliceData>() {
                let (lo, hi, st) = slice_indices(i, &s, len)?;
                let start = r.start as i128 + lo as i128 * r.step as i128;
                let stop = r.start as i128 + hi as i128 * r.step as i128;
                let step = r.step as i128 * st as i128;
                let fit = |v: i128| {
                    i64::try_from(v).map_err(|_| i.err("OverflowError", "Python int too large to convert to C ssize_t"))
                };
                let (start, stop, step) = (fit(start)?, fit(stop)?, fit(step)?);
                return Ok(new_native(&i.type_of(&a.pos[0]), RangeData { start, stop, step }));
            }
            let k = match &key {
                Value::BigInt(_) => return Err(i.err("IndexError", "range object index out of range")),
                other => to_index(i, other).map_err(|_| {
                    i.type_error(format!("range indices must be integers or slices, not {}", i.type_name(other)))
                })?,
            };
            let k = if k < 0 { k + len } else { k };
            if k < 0 || k >= len {
                return Err(i.err("IndexError", "range object index out of range"));
            }
            Ok(Value::Int(r.at(k)))
        }),
    );
    d.set_str(
        "__eq__",
        method("range", "__eq__", move |i, a| {
            let r = me(i, &a, "__eq__")?;
            let Some(o) = a.pos.get(1).and_then(range_of) else { return Ok(Value::NotImplemented) };
            let (n, m) = (r.len(), o.len());
            Ok(Value::Bool(n == m && (n == 0 || (r.start == o.start && (n == 1 || r.step == o.step)))))
        }),
    );
    d.set_str(
        "__getattr__",
        method("range", "__getattr__", move |i, a| {
            let r = me(i, &a, "__getattr__")?;
            match a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).as_deref() {
                Some("start") => Ok(Value::Int(r.start)),
                Some("stop") => Ok(Value::Int(r.stop)),
                Some("step") => Ok(Value::Int(r.step)),
                Some(name) => Err(i.err("AttributeError", format!("'range' object has no attribute '{name}'"))),
                None => Err(i.type_error("attribute name must be string")),
            }
        }),
    );
    d.set_str(
        "index",
        method("range", "index", move |i, a| {
            let r = me(i, &a, "index")?;
            let x = a.pos.get(1).cloned().unwrap_or(Value::None);
            for (k, v) in range_items(i, &r)?.into_iter().enumerate() {
                if i.eq(&v, &x)? {
                    return Ok(Value::Int(k as i64));
                }
            }
            let rx = i.repr(&x)?;
            Err(i.err("ValueError", format!("{rx} is not in range")))
        }),
    );
    d.set_str(
        "count",
        method("range", "count", move |i, a| {
            let r = me(i, &a, "count")?;
            let x = a.pos.get(1).cloned().unwrap_or(Value::None);
            let mut n = 0;
            for v in range_items(i, &r)? {
                if i.eq(&v, &x)? {
                    n += 1;
                }
            }
            Ok(Value::Int(n))
        }),
    );
    drop(d);
    cls
}

/// `make_new_set`: a set of the items of `v` (empty without one).
fn collect_set(interp: &mut Interp, v: Option<&Value>) -> PyResult<PySet> {
    super::pyset::from_iterable(interp, v)
}

/// `int(s, base)` as CPython parses it: surrounding whitespace, a sign, the base's prefix
/// (any prefix for base 0), underscores only between digits.
pub fn parse_int(interp: &Interp, s: &str, base: u32) -> PyResult<Value> {
    let bad = || {
        interp.err("ValueError", format!("invalid literal for int() with base {base}: {}", super::format::str_repr(s)))
    };
    if base == 1 || base > 36 {
        return Err(interp.err("ValueError", "int() base must be >= 2 and <= 36, or 0"));
    }
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = t.get(..2).map(str::to_ascii_lowercase);
    let prefixed = match lower.as_deref() {
        Some("0x") => Some(16),
        Some("0o") => Some(8),
        Some("0b") => Some(2),
        _ => None,
    };
    let (radix, body) = match (base, prefixed) {
        (0, Some(r)) => (r, t[2..].strip_prefix('_').unwrap_or(&t[2..])),
        (0, None) => {
            if t.len() > 1 && t.starts_with('0') && !t.bytes().all(|b| b == b'0' || b == b'_') {
                return Err(bad());
            }
            (10, t)
        }
        (b, Some(r)) if b == r => (r, t[2..].strip_prefix('_').unwrap_or(&t[2..])),
        (b, _) => (b, t),
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return Err(bad());
    }
    let digits: String = body.chars().filter(|&c| c != '_').collect();
    if let Ok(v) = i64::from_str_radix(&digits, radix) {
        if !digits.starts_with(['+', '-']) {
            return Ok(Value::Int(if neg { -v } else { v }));
        }
    }
    if radix == 10 && digits.len() > 4300 && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(interp.err(
            "ValueError",
            format!(
                "Exceeds the limit (4300 digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
                digits.len()
            ),
        ));
    }
    let b = BigInt::parse(&digits, radix).ok_or_else(bad)?;
    Ok(if neg { b.neg() } else { b }.into_value())
}

/// `round(n, ndigits)` for an int: to a multiple of 10**-ndigits, ties to even.
fn round_int(n: &BigInt, ndigits: i64) -> Value {
    if ndigits >= 0 {
        return n.clone().into_value();
    }
    // Past the number's own digits (and so before 10**-ndigits grows huge), the result is 0.
    if ndigits.unsigned_abs() > n.bit_length() / 3 + 2 {
        return Value::Int(0);
    }
    let unit = BigInt::from_i64(10).pow(ndigits.unsigned_abs());
    let Some((q, r)) = n.divmod(&unit) else { return Value::Int(0) };
    let twice = r.add(&r);
    let odd = q.and(&BigInt::from_i64(1)).to_i64() == Some(1);
    let up = match twice.cmp(&unit) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => odd,
        std::cmp::Ordering::Less => false,
    };
    let q = if up { q.add(&BigInt::from_i64(1)) } else { q };
    q.mul(&unit).into_value()
}

/// `round(x, ndigits)` for a float, as CPython's `double_round`: correctly rounded, ties to
/// even, on the float's exact value; `x` itself past 323 digits, a signed zero before -308;
/// `None` when the result overflows ("rounded value too large to represent").
fn round_float(x: f64, ndigits: i64) -> Option<f64> {
    if !x.is_finite() || x == 0.0 || ndigits > 323 {
        return Some(x);
    }
    if ndigits < -308 {
        return Some(0.0 * x);
    }
    if ndigits >= 0 {
        // Rust's fixed-precision formatting is exact, with ties to even.
        return Some(format!("{:.*}", ndigits as usize, x).parse().unwrap_or(x));
    }
    // To a multiple of 10**k: the exact decimal expansion (a double's ends within 1074 places).
    let k = ndigits.unsigned_abs() as usize;
    let exact = format!("{:.1100}", x.abs());
    let (int_part, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let int_part = if int_part == "0" { "" } else { int_part };
    let rest_zero = |s: &str| s.bytes().all(|b| b == b'0');
    let (q, r) = if k <= int_part.len() { int_part.split_at(int_part.len() - k) } else { ("", int_part) };
    // r is the k digits being rounded away (fewer when x < 10**(k-1): then it is below half).
    let up = if r.len() < k {
        false
    } else {
        let first = r.as_bytes()[0];
        let tail_zero = rest_zero(&r[1..]) && rest_zero(frac);
        let odd = q.bytes().last().is_some_and(|d| (d - b'0') % 2 == 1);
        first > b'5' || (first == b'5' && (!tail_zero || odd))
    };
    let mut digits: Vec<u8> = if q.is_empty() { vec![b'0'] } else { q.bytes().collect() };
    if up {
        let mut j = digits.len();
        loop {
            if j == 0 {
                digits.insert(0, b'1');
                break;
            }
            j -= 1;
            if digits[j] == b'9' {
                digits[j] = b'0';
            } else {
                digits[j] += 1;
                break;
            }
        }
    }
    let text = format!("{}e{k}", std::str::from_utf8(&digits).unwrap_or("0"));
    let r: f64 = text.parse().unwrap_or(0.0);
    if r.is_infinite() {
        return None;
    }
    Some(if x < 0.0 { -r } else { r })
}

/// `pow(base, exp, mod)` for ints.
fn int_pow_mod(interp: &Interp, base: &BigInt, exp: &BigInt, m: &BigInt) -> PyResult<Value> {
    if m.is_zero() {
        return Err(interp.err("ValueError", "pow() 3rd argument cannot be 0"));
    }
    let md = |x: &BigInt| x.divmod(m).map(|(_, r)| r).unwrap_or_else(BigInt::zero);
    let mut b = md(base);
    if exp.is_negative() {
        // The inverse of base modulo m, by the extended Euclidean algorithm.
        let (mut r0, mut r1) = (m.abs(), md(&b).divmod(&m.abs()).map(|(_, r)| r).unwrap_or_else(BigInt::zero));
        let (mut t0, mut t1) = (BigInt::zero(), BigInt::from_i64(1));
        while !r1.is_zero() {
            let Some((q, r)) = r0.divmod(&r1) else { break };
            let t = t0.sub(&q.mul(&t1));
            (r0, r1, t0, t1) = (r1, r, t1, t);
        }
        if r0 != BigInt::from_i64(1) {
            return Err(interp.err("ValueError", "base is not invertible for the given modulus"));
        }
        b = md(&t0);
    }
    let mut e = exp.abs();
    let mut acc = md(&BigInt::from_i64(1));
    while !e.is_zero() {
        if e.and(&BigInt::from_i64(1)).to_i64() == Some(1) {
            acc = md(&acc.mul(&b));
        }
        e = e.shr(1);
        b = md(&b.mul(&b));
    }
    Ok(acc.into_value())
}

fn minmax(interp: &mut Interp, mut a: Args, name: &str, want_less: bool) -> PyResult<Value> {
    let key = a.take_kw("key");
    let default = a.take_kw("default");
    let items = if a.pos.len() == 1 { interp.iterate(&a.pos[0].clone())? } else { a.pos.clone() };
    if items.is_empty() {
        return match default {
            Some(d) => Ok(d),
            None => Err(interp.err("ValueError", format!("{name}() arg is an empty sequence"))),
        };
    }
    let mut best = items[0].clone();
    let mut best_key = match &key {
        Some(k) => interp.call(k, Args::new(vec![best.clone()]))?,
        None => best.clone(),
    };
    for it in items.into_iter().skip(1) {
        let k = match &key {
            Some(kf) => interp.call(kf, Args::new(vec![it.clone()]))?,
            None => it.clone(),
        };
        let better = if want_less {
            super::ops::less_than(interp, &k, &best_key)?
        } else {
            super::ops::less_than(interp, &best_key, &k)?
        };
        if better {
            best = it;
            best_key = k;
        }
    }
    Ok(best)
}

/// Installs the builtin functions, types and exceptions into `interp.builtins`.
pub fn install(interp: &mut Interp) {
    str_methods(interp);
    list_methods(interp);
    tuple_methods(interp);
    dict_methods(interp);
    set_methods(interp);
    builtin_dunders(interp);
    number_methods(interp);
    let t = &interp.types;
    let b = interp.builtins.clone();
    for (name, cls) in [
        ("object", &t.object),
        ("type", &t.type_),
        ("int", &t.int),
        ("float", &t.float),
        ("str", &t.str_),
        ("bool", &t.bool_),
        ("bytes", &t.bytes),
        ("list", &t.list),
        ("tuple", &t.tuple),
        ("dict", &t.dict),
        ("set", &t.set),
        ("property", &t.property),
        ("staticmethod", &t.staticmethod),
        ("classmethod", &t.classmethod),
    ] {
        b.set(name, Value::Class(cls.clone()));
    }
    b.set("frozenset", Value::Class(t.frozenset.clone()));

    // Constructors of builtin types (`__new__` receives the class first). For a subclass
    // (`class Tags(list)`) the value becomes the payload of an instance of it: an empty one
    // for mutable types, which their `__init__` then fills, as CPython's do.
    let ctor = |cls: &Rc<Class>, f: fn(&mut Interp, Args) -> PyResult<Value>| {
        let name = cls.name.clone();
        let mutable = matches!(cls.builtin, Some(BuiltinType::List | BuiltinType::Dict | BuiltinType::Set));
        cls.dict.borrow_mut().set_str(
            "__new__",
            func("__new__", move |i, mut a| {
                let target = if a.pos.is_empty() { None } else { Some(a.pos.remove(0)) };
                match target {
                    Some(Value::Class(c)) if !(c.name == name && c.module == "builtins") => {
                        if !c.mro.borrow().iter().any(|b| b.name == name && b.module == "builtins") {
                            return Err(i.type_error(format!(
                                "{name}.__new__({}): {} is not a subtype of {name}",
                                c.name, c.name
                            )));
                        }
                        let base = if mutable { f(i, Args::default())? } else { f(i, a)? };
                        Ok(new_native(&c, BuiltinBase(base)))
                    }
                    _ => f(i, a),
                }
            }),
        );
    };
    ctor(&t.str_, |i, a| match a.pos.first() {
        None => Ok(Value::str("")),
        Some(v) => Ok(Value::str(&i.to_str(&v.clone())?)),
    });
    ctor(&t.int, |i, a| match a.pos.first() {
        None => Ok(Value::Int(0)),
        Some(Value::Int(n)) => Ok(Value::Int(*n)),
        Some(Value::BigInt(b)) => Ok(Value::BigInt(b.clone())),
        Some(Value::Bool(b)) => Ok(Value::Int(*b as i64)),
        Some(Value::Float(f)) => {
            if f.is_nan() {
                return Err(i.err("ValueError", "cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(i.err("OverflowError", "cannot convert float infinity to integer"));
            }
            Ok(BigInt::from_f64(*f).into_value())
        }
        Some(Value::Str(s)) => {
            let base = match a.pos.get(1) {
                Some(b) => to_index(i, b)?,
                None => 10,
            };
            parse_int(i, s, u32::try_from(base).unwrap_or(1))
        }
        Some(other) => {
            let o = other.clone();
            if let Value::Instance(inst) = &o {
                if let Some(f) = inst.class.lookup("__int__") {
                    return i.call(&f, Args::new(vec![o.clone()]));
                }
            }
            Err(i.type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                i.type_name(&o)
            )))
        }
    });
    ctor(&t.float, |i, a| match a.pos.first() {
        None => Ok(Value::Float(0.0)),
        Some(Value::Str(s)) => {
            let t = s.trim().to_lowercase();
            let v = match t.as_str() {
                "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
                "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
                "nan" => Some(f64::NAN),
                _ => t.replace('_', "").parse::<f64>().ok(),
            };
            v.map(Value::Float).ok_or_else(|| {
                i.err("ValueError", format!("could not convert string to float: {}", super::format::str_repr(s)))
            })
        }
        Some(v) => {
            if let Some(f) = instance_dunder(v, "__float__") {
                return i.call(&f, Args::new(vec![v.clone()]));
            }
            Ok(Value::Float(to_f64(i, v)?))
        }
    });
    ctor(&t.bool_, |i, a| match a.pos.first() {
        None => Ok(Value::Bool(false)),
        Some(v) => Ok(Value::Bool(i.truthy(&v.clone())?)),
    });
    ctor(&t.list, |i, a| match a.pos.first() {
        None => Ok(Value::list(vec![])),
        Some(v) => Ok(Value::list(i.iterate(&v.clone())?)),
    });
    ctor(&t.tuple, |i, a| match a.pos.first() {
        None => Ok(Value::tuple(vec![])),
        Some(v) => Ok(Value::tuple(i.iterate(&v.clone())?)),
    });
    ctor(&t.set, |i, a| Ok(Value::Set(Rc::new(RefCell::new(collect_set(i, a.pos.first())?)))));
    ctor(&t.dict, dict_from_args);
    ctor(&t.bytes, super::bytes::bytes_new);
    // object / type
    t.object.dict.borrow_mut().set_str(
        "__init__",
        method("object", "__init__", |i, a| {
            // Extra arguments are an error once the type overrides `__init__` (CPython's
            // `object_init`); a class overriding only `__new__` passes its arguments here.
            let extra = a.pos.len() > 1 || !a.kw.is_empty();
            if extra {
                if let Some(me) = a.pos.first() {
                    let cls = i.type_of(me);
                    let own_init = cls
                        .mro
                        .borrow()
                        .iter()
                        .take_while(|c| c.module != "builtins")
                        .any(|c| c.dict.borrow().get_str("__init__").is_some());
                    if own_init {
                        return Err(
                            i.type_error("object.__init__() takes exactly one argument (the instance to initialize)")
                        );
                    }
                }
            }
            Ok(Value::None)
        }),
    );
    t.object.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", |i, a| match a.pos.first() {
            Some(Value::Class(c)) => {
                if c.builtin == Some(BuiltinType::BaseException) {
                    return Ok(i.new_exception(c, a.pos[1..].to_vec()));
                }
                Ok(Value::Instance(Instance::new(c.clone())))
            }
            _ => Err(i.type_error("object.__new__(X): X is not a type object")),
        }),
    );
    t.object.dict.borrow_mut().set_str(
        "__setattr__",
        method("object", "__setattr__", |i, a| {
            if a.pos.len() != 3 {
                return Err(i.type_error("expected 2 arguments"));
            }
            let name = a.pos[1].as_str().unwrap_or("").to_string();
            i.object_setattr(&a.pos[0], &name, a.pos[2].clone())?;
            Ok(Value::None)
        }),
    );
    t.object.dict.borrow_mut().set_str(
        "__init_subclass__",
        func("__init_subclass__", |i, a| {
            if let Some((k, _)) = a.kw.first() {
                let _ = k;
                return Err(i.type_error(format!("{}.__init_subclass__() takes no keyword arguments", "object")));
            }
            Ok(Value::None)
        }),
    );

    // property / staticmethod / classmethod
    let prop = t.property.clone();
    prop.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", |i, mut a| {
            let fget = a.arg(1, "fget").filter(|v| !v.is_none());
            let fset = a.arg(2, "fset").filter(|v| !v.is_none());
            let fdel = a.arg(3, "fdel").filter(|v| !v.is_none());
            Ok(new_native(&i.types.property, PropertyData { fget, fset, fdel, name: RefCell::new(None) }))
        }),
    );
    prop.dict.borrow_mut().set_str(
        "__get__",
        method("property", "__get__", |i, a| {
            let p = a.pos[0].payload::<PropertyData>().ok_or_else(|| i.type_error("bad property"))?;
            let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
            if obj.is_none() {
                return Ok(a.pos[0].clone());
            }
            match &p.fget {
                Some(f) => i.call(f, Args::new(vec![obj])),
                None => Err(property_missing(i, &p, &obj, "getter")),
            }
        }),
    );
    prop.dict.borrow_mut().set_str(
        "__set__",
        method("property", "__set__", |i, a| {
            let p = a.pos[0].payload::<PropertyData>().ok_or_else(|| i.type_error("bad property"))?;
            match &p.fset {
                Some(f) => i.call(f, Args::new(vec![a.pos[1].clone(), a.pos[2].clone()])),
                None => Err(property_missing(i, &p, &a.pos[1], "setter")),
            }
        }),
    );
    prop.dict.borrow_mut().set_str(
        "__delete__",
        method("property", "__delete__", |i, a| {
            let p = a.pos[0].payload::<PropertyData>().ok_or_else(|| i.type_error("bad property"))?;
            let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
            match &p.fdel {
                Some(f) => i.call(f, Args::new(vec![obj])),
                None => Err(property_missing(i, &p, &obj, "deleter")),
            }
        }),
    );
    for (name, which) in [("setter", 1), ("getter", 0), ("deleter", 2)] {
        prop.dict.borrow_mut().set_str(
            name,
            method("property", name, move |i, a| {
                let p = a.pos[0].payload::<PropertyData>().ok_or_else(|| i.type_error("bad property"))?;
                let f = a.pos.get(1).cloned();
                let (mut g, mut s, mut d) = (p.fget.clone(), p.fset.clone(), p.fdel.clone());
                match which {
                    0 => g = f,
                    1 => s = f,
                    _ => d = f,
                }
                let name = RefCell::new(p.name.borrow().clone());
                Ok(new_native(&i.types.property, PropertyData { fget: g, fset: s, fdel: d, name }))
            }),
        );
    }
    prop.dict.borrow_mut().set_str(
        "__set_name__",
        method("property", "__set_name__", |i, a| {
            let p = a.pos[0].payload::<PropertyData>().ok_or_else(|| i.type_error("bad property"))?;
            if let Some(Value::Str(name)) = a.pos.get(2) {
                *p.name.borrow_mut() = Some(name.to_string());
            }
            Ok(Value::None)
        }),
    );
    for cls in [t.staticmethod.clone(), t.classmethod.clone()] {
        let c2 = cls.clone();
        cls.dict.borrow_mut().set_str(
            "__new__",
            func("__new__", move |i, a| {
                let f = a
                    .pos
                    .get(1)
                    .cloned()
                    .ok_or_else(|| i.type_error(format!("{} expected 1 argument, got 0", c2.name)))?;
                Ok(new_native(&c2, f))
            }),
        );
        // `__func__` (and `__wrapped__`): the function it wraps.
        let name = cls.name.clone();
        cls.dict.borrow_mut().set_str(
            "__getattr__",
            method(&cls.name.clone(), "__getattr__", move |i, a| {
                let attr = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                match (attr.as_str(), a.pos[0].payload::<Value>()) {
                    ("__func__" | "__wrapped__", Some(f)) => Ok((*f).clone()),
                    _ => Err(i.err("AttributeError", format!("'{name}' object has no attribute '{attr}'"))),
                }
            }),
        );
    }
    // Exceptions.
    let mut classes: Vec<(String, Rc<Class>)> = Vec::new();
    for (name, parent) in EXCEPTIONS {
        let base = if parent.is_empty() {
            interp.types.object.clone()
        } else {
            classes.iter().find(|(n, _)| n == parent).map(|(_, c)| c.clone()).unwrap_or(interp.types.object.clone())
        };
        let cls = raw_class(name, "builtins", vec![base], Some(BuiltinType::BaseException));
        classes.push((name.to_string(), cls));
    }
    if let Some((_, base_exc)) = classes.first() {
        base_exc.dict.borrow_mut().set_str(
            "__init__",
            method("BaseException", "__init__", |_, a| {
                if let Some(Value::Instance(i)) = a.pos.first() {
                    i.dict.borrow_mut().set_str("args", Value::tuple(a.pos[1..].to_vec()));
                }
                Ok(Value::None)
            }),
        );
        base_exc.dict.borrow_mut().set_str(
            "__str__",
            method("BaseException", "__str__", |i, a| {
                let Some(Value::Instance(inst)) = a.pos.first() else { return Ok(Value::str("")) };
                Ok(Value::str(&default_exception_str(i, inst)?))
            }),
        );
        base_exc
            .dict
            .borrow_mut()
            .set_str("with_traceback", method("BaseException", "with_traceback", |_, a| Ok(a.pos[0].clone())));
        // Until raised and chained, an exception has no cause, context or traceback.
        for (k, v) in [
            ("__cause__", Value::None),
            ("__context__", Value::None),
            ("__suppress_context__", Value::Bool(false)),
            ("__traceback__", Value::None),
        ] {
            base_exc.dict.borrow_mut().set_str(k, v);
        }
    }
    if let Some((_, stop)) = classes.iter().find(|(n, _)| n == "StopIteration") {
        // `value`: what the generator returned (the first argument).
        stop.dict.borrow_mut().set_str(
            "__init__",
            method("StopIteration", "__init__", |_, a| {
                if let Some(Value::Instance(i)) = a.pos.first() {
                    let mut d = i.dict.borrow_mut();
                    d.set_str("args", Value::tuple(a.pos[1..].to_vec()));
                    d.set_str("value", a.pos.get(1).cloned().unwrap_or(Value::None));
                }
                Ok(Value::None)
            }),
        );
    }
    for (name, cls) in classes {
        b.set(&name, Value::Class(cls.clone()));
        interp.exception_classes.insert(name, cls);
    }
    b.set("EnvironmentError", b.get("OSError").unwrap_or(Value::None));
    b.set("IOError", b.get("OSError").unwrap_or(Value::None));

    // slice, super
    let slice_cls = native_class(interp, "slice", "builtins", None, vec![]);
    slice_cls.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", |i, a| {
            let p: Vec<Value> = a.pos[1..].to_vec();
            Ok(match p.len() {
                1 => make_slice(i, Value::None, p[0].clone(), Value::None),
                2 => make_slice(i, p[0].clone(), p[1].clone(), Value::None),
                _ => make_slice(
                    i,
                    p.first().cloned().unwrap_or(Value::None),
                    p.get(1).cloned().unwrap_or(Value::None),
                    p.get(2).cloned().unwrap_or(Value::None),
                ),
            })
        }),
    );
    slice_cls.dict.borrow_mut().set_str(
        "__repr__",
        func("__repr__", |i, a| {
            let me = a.pos.first().cloned().unwrap_or(Value::None);
            let mut parts = Vec::new();
            for name in ["start", "stop", "step"] {
                let v = i.getattr(&me, name)?;
                parts.push(i.repr(&v)?);
            }
            Ok(Value::str(&format!("slice({})", parts.join(", "))))
        }),
    );
    b.set("slice", Value::Class(slice_cls));
    let super_cls = native_class(interp, "super", "builtins", None, vec![]);
    super_cls.dict.borrow_mut().set_str("__getattribute_native__", Value::None);
    super_cls.dict.borrow_mut().set_str(
        "__getattr__",
        method("super", "__getattr__", |i, a| {
            let s = a.pos[0].payload::<SuperData>().ok_or_else(|| i.type_error("bad super"))?;
            let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            super_getattr(i, &s, &name)
        }),
    );
    super_cls.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", |i, a| match (a.pos.get(1), a.pos.get(2)) {
            (Some(Value::Class(c)), Some(obj)) => Ok(make_super(i, c.clone(), obj.clone())),
            _ => Err(i.err("RuntimeError", "super(): no arguments")),
        }),
    );
    b.set("super", Value::Class(super_cls));

    install_functions(interp);
}

fn install_functions(interp: &mut Interp) {
    let b = interp.builtins.clone();
    b.set("None", Value::None);
    b.set("True", Value::Bool(true));
    b.set("False", Value::Bool(false));
    b.set("NotImplemented", Value::NotImplemented);
    b.set("Ellipsis", Value::Ellipsis);
    b.set("__name__", Value::str("builtins"));
    b.set(
        "print",
        func("print", |i, mut a| {
            let sep = match a.take_kw("sep") {
                Some(Value::Str(s)) => s.to_string(),
                _ => " ".into(),
            };
            let end = match a.take_kw("end") {
                Some(Value::Str(s)) => s.to_string(),
                _ => "\n".into(),
            };
            a.take_kw("file");
            a.take_kw("flush");
            let mut parts = Vec::with_capacity(a.pos.len());
            for v in &a.pos {
                parts.push(i.to_str(v)?);
            }
            let line = parts.join(&sep);
            i.stdout.push_str(&line);
            i.stdout.push_str(&end);
            Ok(Value::None)
        }),
    );
    b.set(
        "len",
        func("len", |i, a| {
            arity(i, "len", &a, 1, 1)?;
            len_of(i, &a.pos[0])
        }),
    );
    b.set(
        "repr",
        func("repr", |i, a| {
            arity(i, "repr", &a, 1, 1)?;
            Ok(Value::str(&i.repr(&a.pos[0])?))
        }),
    );
    b.set(
        "ascii",
        func("ascii", |i, a| {
            arity(i, "ascii", &a, 1, 1)?;
            Ok(Value::str(&super::format::ascii(&i.repr(&a.pos[0])?)))
        }),
    );
    b.set(
        "isinstance",
        func("isinstance", |i, a| {
            arity(i, "isinstance", &a, 2, 2)?;
            Ok(Value::Bool(class_check(i, &a.pos[1], &|c| i.isinstance(&a.pos[0], c))?))
        }),
    );
    b.set(
        "issubclass",
        func("issubclass", |i, a| {
            arity(i, "issubclass", &a, 2, 2)?;
            let Value::Class(sub) = &a.pos[0] else { return Err(i.type_error("issubclass() arg 1 must be a class")) };
            Ok(Value::Bool(class_check(i, &a.pos[1], &|c| sub.is_subclass(c))?))
        }),
    );
    b.set(
        "hasattr",
        func("hasattr", |i, a| {
            arity(i, "hasattr", &a, 2, 2)?;
            let name = a.pos[1].as_str().ok_or_else(|| i.type_error("attribute name must be string"))?.to_string();
            match i.getattr_opt(&a.pos[0], &name) {
                Ok(v) => Ok(Value::Bool(v.is_some())),
                Err(e) if i.err_is(&e, "AttributeError") => Ok(Value::Bool(false)),
                Err(e) => Err(e),
            }
        }),
    );
    b.set(
        "getattr",
        func("getattr", |i, a| {
            arity(i, "getattr", &a, 2, 3)?;
            let name = a.pos[1].as_str().ok_or_else(|| i.type_error("attribute name must be string"))?.to_string();
            match (i.getattr(&a.pos[0], &name), a.pos.get(2)) {
                (Ok(v), _) => Ok(v),
                (Err(e), Some(d)) if i.err_is(&e, "AttributeError") => Ok(d.clone()),
                (Err(e), _) => Err(e),
            }
        }),
    );
    b.set(
        "setattr",
        func("setattr", |i, a| {
            arity(i, "setattr", &a, 3, 3)?;
            let name = a.pos[1].as_str().ok_or_else(|| i.type_error("attribute name must be string"))?.to_string();
            i.setattr(&a.pos[0], &name, a.pos[2].clone())?;
            Ok(Value::None)
        }),
    );
    b.set(
        "delattr",
        func("delattr", |i, a| {
            arity(i, "delattr", &a, 2, 2)?;
            let Some(name) = a.pos[1].as_str().map(str::to_string) else {
                let tn = i.type_name(&a.pos[1]);
                return Err(i.type_error(format!("attribute name must be string, not '{tn}'")));
            };
            i.delattr(&a.pos[0], &name)?;
            Ok(Value::None)
        }),
    );
    for (name, radix, prefix) in [("hex", 16, "0x"), ("oct", 8, "0o"), ("bin", 2, "0b")] {
        b.set(
            name,
            func(name, move |i, a| {
                arity(i, name, &a, 1, 1)?;
                let v = match &a.pos[0] {
                    Value::Instance(_) => match instance_dunder(&a.pos[0], "__index__") {
                        Some(f) => i.call(&f, Args::new(vec![a.pos[0].clone()]))?,
                        None => a.pos[0].clone(),
                    },
                    v => v.clone(),
                };
                let n = super::ops::as_big(&v).ok_or_else(|| {
                    i.type_error(format!("'{}' object cannot be interpreted as an integer", i.type_name(&v)))
                })?;
                let sign = if n.is_negative() { "-" } else { "" };
                Ok(Value::str(&format!("{sign}{prefix}{}", n.abs().to_radix_string(radix))))
            }),
        );
    }
    b.set(
        "callable",
        func("callable", |i, a| {
            arity(i, "callable", &a, 1, 1)?;
            Ok(Value::Bool(match &a.pos[0] {
                Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Class(_) => true,
                Value::Instance(inst) => inst.class.lookup("__call__").is_some(),
                _ => false,
            }))
        }),
    );
    b.set(
        "id",
        func("id", |i, a| {
            arity(i, "id", &a, 1, 1)?;
            Ok(Value::Int(0x7f00_0000_0000 + ((a.pos[0].id() as u64 & 0xff_ffff_ffff) as i64)))
        }),
    );
    b.set(
        "hash",
        func("hash", |i, a| {
            arity(i, "hash", &a, 1, 1)?;
            i.prepare_key(&a.pos[0])?;
            if let Value::Instance(inst) = &a.pos[0] {
                if let Some(h) = inst.hash.get() {
                    return Ok(Value::Int(h));
                }
                if let Some(f) = instance_dunder(&a.pos[0], "__hash__") {
                    return i.call(&f, Args::new(vec![a.pos[0].clone()]));
                }
            }
            default_hash(i, &a.pos[0])
        }),
    );
    b.set(
        "abs",
        func("abs", |i, a| {
            arity(i, "abs", &a, 1, 1)?;
            if let Some(f) = instance_dunder(&a.pos[0], "__abs__") {
                return i.call(&f, Args::new(vec![a.pos[0].clone()]));
            }
            match &a.pos[0] {
                Value::Int(n) => Ok(match n.checked_abs() {
                    Some(m) => Value::Int(m),
                    None => BigInt::from_i64(*n).abs().into_value(),
                }),
                Value::BigInt(b) => Ok(b.abs().into_value()),
                Value::Bool(b) => Ok(Value::Int(*b as i64)),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                other => Err(i.type_error(format!("bad operand type for abs(): '{}'", i.type_name(other)))),
            }
        }),
    );
    b.set(
        "round",
        func("round", |i, a| {
            arity(i, "round", &a, 1, 2)?;
            if let Some(f) = instance_dunder(&a.pos[0], "__round__") {
                let mut args = vec![a.pos[0].clone()];
                args.extend(a.pos.get(1).cloned());
                return i.call(&f, Args::new(args));
            }
            if let Some(n) = super::ops::as_big(&a.pos[0]) {
                let nd = match a.pos.get(1).filter(|v| !v.is_none()) {
                    Some(nd) => to_index_clamped(i, nd)?,
                    None => 0,
                };
                return Ok(round_int(&n, nd));
            }
            let x = to_f64(i, &a.pos[0])?;
            match a.pos.get(1).filter(|v| !v.is_none()) {
                None => {
                    if x.is_nan() {
                        return Err(i.err("ValueError", "cannot convert float NaN to integer"));
                    }
                    if x.is_infinite() {
                        return Err(i.err("OverflowError", "cannot convert float infinity to integer"));
                    }
                    let r = x.round();
                    let r = if (x - x.trunc()).abs() == 0.5 { 2.0 * (x / 2.0).round() } else { r };
                    Ok(BigInt::from_f64(r).into_value())
                }
                Some(nd) => {
                    // float.__round__ takes ndigits as PyNumber_AsSsize_t(o, NULL) does: clamped.
                    let nd = to_index_clamped(i, nd)?;
                    match round_float(x, nd) {
                        Some(r) => Ok(Value::Float(r)),
                        None => Err(i.err("OverflowError", "rounded value too large to represent")),
                    }
                }
            }
        }),
    );
    b.set(
        "divmod",
        func("divmod", |i, a| {
            arity(i, "divmod", &a, 2, 2)?;
            if let Some(f) = instance_dunder(&a.pos[0], "__divmod__") {
                let r = i.call(&f, Args::new(vec![a.pos[0].clone(), a.pos[1].clone()]))?;
                if !matches!(r, Value::NotImplemented) {
                    return Ok(r);
                }
            }
            let q = i.binop(super::ast::BinOp::FloorDiv, a.pos[0].clone(), a.pos[1].clone())?;
            let r = i.binop(super::ast::BinOp::Mod, a.pos[0].clone(), a.pos[1].clone())?;
            Ok(Value::tuple(vec![q, r]))
        }),
    );
    b.set(
        "pow",
        func("pow", |i, a| {
            arity(i, "pow", &a, 2, 3)?;
            if let Some(m) = a.pos.get(2).filter(|m| !m.is_none()) {
                let ints = (super::ops::as_big(&a.pos[0]), super::ops::as_big(&a.pos[1]), super::ops::as_big(m));
                if let (Some(b), Some(e), Some(m)) = ints {
                    return int_pow_mod(i, &b, &e, &m);
                }
                return Err(i.type_error("pow() 3rd argument not allowed unless all arguments are integers"));
            }
            i.binop(super::ast::BinOp::Pow, a.pos[0].clone(), a.pos[1].clone())
        }),
    );
    b.set(
        "chr",
        func("chr", |i, a| {
            arity(i, "chr", &a, 1, 1)?;
            let n = to_index(i, &a.pos[0])?;
            char::from_u32(n as u32)
                .map(|c| Value::str(&c.to_string()))
                .ok_or_else(|| i.err("ValueError", "chr() arg not in range(0x110000)"))
        }),
    );
    b.set(
        "ord",
        func("ord", |i, a| {
            arity(i, "ord", &a, 1, 1)?;
            match &a.pos[0] {
                Value::Str(s) if s.chars().count() == 1 => {
                    Ok(Value::Int(s.chars().next().map(|c| c as i64).unwrap_or(0)))
                }
                Value::Str(s) => Err(i.type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.chars().count()
                ))),
                other => {
                    Err(i.type_error(format!("ord() expected string of length 1, but {} found", i.type_name(other))))
                }
            }
        }),
    );
    let range_cls = range_class(interp);
    b.set("range", Value::Class(range_cls));
    b.set(
        "sorted",
        func("sorted", |i, mut a| {
            let key = a.take_kw("key");
            let reverse = match a.take_kw("reverse") {
                Some(v) => i.truthy(&v)?,
                None => false,
            };
            arity(i, "sorted", &a, 1, 1)?;
            let mut items = i.iterate(&a.pos[0])?;
            sort_values(i, &mut items, key, reverse)?;
            Ok(Value::list(items))
        }),
    );
    b.set(
        "iter",
        func("iter", |i, a| {
            if !a.kw.is_empty() {
                return Err(i.type_error("iter() takes no keyword arguments"));
            }
            arity(i, "iter", &a, 1, 2)?;
            if a.pos.len() == 2 {
                let callable = match &a.pos[0] {
                    Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Class(_) => true,
                    Value::Instance(inst) => inst.class.lookup("__call__").is_some(),
                    _ => false,
                };
                if !callable {
                    return Err(i.type_error("iter(v, w): v must be callable"));
                }
                return Ok(i.callable_iter(a.pos[0].clone(), a.pos[1].clone()));
            }
            i.get_iter(&a.pos[0])
        }),
    );
    b.set(
        "next",
        func("next", |i, a| {
            if !a.kw.is_empty() {
                return Err(i.type_error("next() takes no keyword arguments"));
            }
            arity(i, "next", &a, 1, 2)?;
            let it = a.pos[0].clone();
            let is_iterator = super::iters::is_iter(&it)
                || matches!(&it, Value::Instance(inst) if inst.class.lookup("__next__").is_some());
            if !is_iterator {
                return Err(i.type_error(format!("'{}' object is not an iterator", i.type_name(&it))));
            }
            if super::generator::is_generator(&it) {
                // A generator's StopIteration carries what it returned.
                return match i.gen_send(&it, super::generator::GenInput::Send(Value::None))? {
                    super::generator::GenOutcome::Yielded(v) => Ok(v),
                    _ if a.pos.len() == 2 => Ok(a.pos[1].clone()),
                    outcome => i.outcome_value(outcome),
                };
            }
            match i.iter_next(&it)? {
                Some(v) => Ok(v),
                None if a.pos.len() == 2 => Ok(a.pos[1].clone()),
                None => Err(i.err_bare("StopIteration")),
            }
        }),
    );
    b.set(
        "sum",
        func("sum", |i, mut a| {
            let start = a.take_kw("start").or_else(|| a.pos.get(1).cloned()).unwrap_or(Value::Int(0));
            let items = i.iterate(&a.pos.first().cloned().unwrap_or(Value::None))?;
            let mut acc = start;
            for x in items {
                acc = i.binop(super::ast::BinOp::Add, acc, x)?;
            }
            Ok(acc)
        }),
    );
    b.set(
        "any",
        func("any", |i, a| {
            arity(i, "any", &a, 1, 1)?;
            let it = i.get_iter(&a.pos[0])?;
            while let Some(x) = i.iter_next(&it)? {
                if i.truthy(&x)? {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }),
    );
    b.set(
        "all",
        func("all", |i, a| {
            arity(i, "all", &a, 1, 1)?;
            let it = i.get_iter(&a.pos[0])?;
            while let Some(x) = i.iter_next(&it)? {
                if !i.truthy(&x)? {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }),
    );
    b.set("min", func("min", |i, a| minmax(i, a, "min", true)));
    b.set("max", func("max", |i, a| minmax(i, a, "max", false)));
    b.set(
        "format",
        func("format", |i, a| {
            arity(i, "format", &a, 1, 2)?;
            let spec = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            Ok(Value::str(&i.format_value(&a.pos[0], &spec)?))
        }),
    );
    b.set(
        "vars",
        func("vars", |i, a| {
            arity(i, "vars", &a, 1, 1)?;
            i.getattr(&a.pos[0], "__dict__")
        }),
    );
    b.set(
        "dir",
        func("dir", |i, a| {
            let mut names: Vec<String> = match a.pos.first() {
                Some(Value::Instance(inst)) => {
                    let mut n: Vec<String> =
                        inst.dict.borrow().keys().iter().filter_map(|k| k.as_str().map(str::to_string)).collect();
                    for c in inst.class.mro.borrow().iter() {
                        n.extend(c.dict.borrow().keys().iter().filter_map(|k| k.as_str().map(str::to_string)));
                    }
                    n
                }
                Some(Value::Class(c)) => c
                    .mro
                    .borrow()
                    .iter()
                    .flat_map(|c| c.dict.borrow().keys())
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect(),
                Some(Value::Module(m)) => {
                    m.dict.borrow().keys().iter().filter_map(|k| k.as_str().map(str::to_string)).collect()
                }
                Some(other) => i
                    .type_of(other)
                    .dict
                    .borrow()
                    .keys()
                    .iter()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect(),
                None => vec![],
            };
            crate::sort::sort(&mut names);
            names.dedup();
            Ok(Value::list(names.iter().map(|n| Value::str(n)).collect()))
        }),
    );
    b.set("globals", func("globals", |_, _| Ok(Value::dict(Dict::new()))));
    b.set(
        "__import__",
        func("__import__", |i, a| {
            let name = a.pos.first().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let m = i.import_module(&name)?;
            let top = name.split('.').next().unwrap_or(&name).to_string();
            if top != name {
                return Ok(Value::Module(i.import_module(&top)?));
            }
            Ok(Value::Module(m))
        }),
    );
    b.set("input", func("input", |i, _| Err(i.err("EOFError", "EOF when reading a line"))));
    b.set(
        "open",
        func("open", |i, a| {
            let name = a.pos.first().map(|v| i.to_str(&v.clone())).transpose()?.unwrap_or_default();
            let e = i.err(
                "FileNotFoundError",
                format!("[Errno 2] No such file or directory: {}", super::format::str_repr(&name)),
            );
            Err(e)
        }),
    );
    b.set("exit", func("exit", |i, _| Err(i.err("SystemExit", ""))));
    b.set("quit", func("quit", |i, _| Err(i.err("SystemExit", ""))));
}

fn class_check(interp: &Interp, spec: &Value, test: &dyn Fn(&Rc<Class>) -> bool) -> PyResult<bool> {
    match spec {
        Value::Class(c) => Ok(test(c)),
        Value::Tuple(items) => {
            for it in items.iter() {
                if class_check(interp, it, test)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(interp.type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")),
    }
}

/// `len(v)`.
pub fn len_of(interp: &mut Interp, v: &Value) -> PyResult<Value> {
    if let Some(f) = interp.meta_dunder(v, "__len__") {
        return interp.call(&f, Args::new(vec![v.clone()]));
    }
    Ok(Value::Int(match v {
        Value::Str(s) => s.chars().count() as i64,
        Value::Bytes(b) => b.len() as i64,
        Value::List(l) => l.borrow().len() as i64,
        Value::Tuple(t) => t.len() as i64,
        Value::Dict(d) => d.borrow().len() as i64,
        Value::Set(d) => d.borrow().len() as i64,
        Value::Instance(i) => {
            if super::iters::is_iter(v) {
                return Err(interp.type_error(format!("object of type '{}' has no len()", i.class.name)));
            }
            match i.class.lookup("__len__") {
                Some(f) => return interp.call(&f, Args::new(vec![v.clone()])),
                None => return Err(interp.type_error(format!("object of type '{}' has no len()", i.class.name))),
            }
        }
        other => return Err(interp.type_error(format!("object of type '{}' has no len()", interp.type_name(other)))),
    }))
}
