//! The slot wrappers of builtin types that are not entries of the type's dict here (CPython's
//! `wrapper_descriptor`): `object.__repr__`, `object.__eq__`, `int.__add__`, `str.__add__`,
//! ... Attribute lookup falls back on them once the MRO's dicts have nothing, so
//! `object.__repr__(self)`, `super().__repr__()` and `(1).__add__('x')` work as in CPython.

use std::rc::Rc;

use super::ast::{BinOp, CmpOp};
use super::builtins::method;
use super::interp::{Interp, PyResult};
use super::value::{Args, Class, Value};

const CMP: &[&str] = &["__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"];
const ARITH: &[&str] = &["__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__", "__pow__"];
const BITS: &[&str] = &["__and__", "__or__", "__xor__", "__lshift__", "__rshift__"];

/// Does the builtin type `owner` have the slot `name` served here?
fn has_slot(owner: &str, name: &str) -> bool {
    let reflected = |names: &[&str]| names.iter().any(|n| name == *n || name == format!("__r{}", &n[2..]));
    match owner {
        "object" => {
            CMP.contains(&name)
                || matches!(
                    name,
                    "__repr__" | "__str__" | "__hash__" | "__getattribute__" | "__format__" | "__delattr__"
                )
        }
        "int" => CMP.contains(&name) || name == "__hash__" || reflected(ARITH) || reflected(BITS),
        "float" => CMP.contains(&name) || name == "__hash__" || reflected(ARITH),
        "str" | "tuple" => CMP.contains(&name) || matches!(name, "__add__" | "__hash__"),
        "list" => CMP.contains(&name) || name == "__add__",
        "dict" => matches!(name, "__eq__" | "__ne__"),
        _ => false,
    }
}

/// The slot wrapper `name` the first builtin type of `mro` defines, if one of those served here.
pub fn slot_wrapper(mro: &[Rc<Class>], name: &str) -> Option<Value> {
    if !(name.starts_with("__") && name.ends_with("__")) {
        return None;
    }
    let owner = mro.iter().find(|c| c.module == "builtins" && has_slot(&c.name, name))?;
    let (o, n) = (owner.name.clone(), name.to_string());
    Some(method(&owner.name, name, move |i, a| call_slot(i, &o, &n, a)))
}

fn binop_of(name: &str) -> Option<BinOp> {
    let base = name.strip_prefix("__r").map(|s| format!("__{s}")).filter(|_| name != "__rshift__");
    Some(match base.as_deref().unwrap_or(name) {
        "__add__" => BinOp::Add,
        "__sub__" => BinOp::Sub,
        "__mul__" => BinOp::Mult,
        "__truediv__" => BinOp::Div,
        "__floordiv__" => BinOp::FloorDiv,
        "__mod__" => BinOp::Mod,
        "__pow__" => BinOp::Pow,
        "__and__" => BinOp::BitAnd,
        "__or__" => BinOp::BitOr,
        "__xor__" => BinOp::BitXor,
        "__lshift__" => BinOp::LShift,
        "__rshift__" | "__rrshift__" => BinOp::RShift,
        _ => return None,
    })
}

fn cmpop_of(name: &str) -> Option<CmpOp> {
    Some(match name {
        "__eq__" => CmpOp::Eq,
        "__ne__" => CmpOp::NotEq,
        "__lt__" => CmpOp::Lt,
        "__le__" => CmpOp::LtE,
        "__gt__" => CmpOp::Gt,
        "__ge__" => CmpOp::GtE,
        _ => return None,
    })
}

/// The value as the builtin type `owner` sees it, if it is one (an int subclass's int).
fn as_builtin(owner: &str, v: &Value) -> Option<Value> {
    let v = v.builtin_base().unwrap_or_else(|| v.clone());
    let ok = match owner {
        "int" => matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_)),
        "float" => matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_)),
        "str" => matches!(v, Value::Str(_)),
        "list" => matches!(v, Value::List(_)),
        "tuple" => matches!(v, Value::Tuple(_)),
        "dict" => matches!(v, Value::Dict(_)),
        _ => true,
    };
    ok.then_some(v)
}

fn call_slot(i: &mut Interp, owner: &str, name: &str, a: Args) -> PyResult<Value> {
    let Some(me) = a.pos.first().cloned() else {
        return Err(i.type_error(format!("descriptor '{name}' of '{owner}' object needs an argument")));
    };
    let owner_cls = match i.builtins.get(owner) {
        Some(Value::Class(c)) => c,
        _ => i.types.object.clone(),
    };
    if !i.isinstance(&me, &owner_cls) {
        let tn = i.type_name(&me);
        return Err(i.type_error(format!("descriptor '{name}' requires a '{owner}' object but received a '{tn}'")));
    }
    if !a.kw.is_empty() {
        return Err(i.type_error(format!("wrapper {name}() takes no keyword arguments")));
    }
    let unary = matches!(name, "__repr__" | "__str__" | "__hash__");
    let want = if unary { 0 } else { 1 };
    if a.pos.len() - 1 != want {
        return Err(i.type_error(format!(
            "expected {want} argument{}, got {}",
            if want == 1 { "" } else { "s" },
            a.pos.len() - 1
        )));
    }
    if owner == "object" {
        return object_slot(i, name, &me, a.pos.get(1));
    }
    let me = as_builtin(owner, &me).unwrap_or(me);
    if name == "__hash__" {
        return super::builtins::default_hash(i, &me);
    }
    let Some(other) = as_builtin(owner, &a.pos[1]) else {
        // Sequences concatenate through their own slot, which refuses any other type.
        if name == "__add__" && matches!(owner, "str" | "list" | "tuple") {
            return super::ops::binop(i, BinOp::Add, me, a.pos[1].clone(), false);
        }
        return Ok(Value::NotImplemented);
    };
    if let Some(op) = cmpop_of(name) {
        return super::ops::compare(i, op, &me, &other);
    }
    let op = binop_of(name).ok_or_else(|| i.type_error(format!("unsupported slot {name}")))?;
    let reflected = name.starts_with("__r") && name != "__rshift__";
    if reflected {
        super::ops::binop(i, op, other, me, false)
    } else {
        super::ops::binop(i, op, me, other, false)
    }
}

fn object_slot(i: &mut Interp, name: &str, me: &Value, other: Option<&Value>) -> PyResult<Value> {
    match name {
        "__repr__" => {
            Ok(Value::str(&format!("<{} object at {}>", i.type_of(me).repr_name(), super::format::address(me))))
        }
        "__str__" => Ok(Value::str(&i.repr(me)?)),
        "__hash__" => super::builtins::default_hash(i, me),
        "__getattribute__" => match other {
            Some(Value::Str(n)) => i.getattr(me, n),
            Some(o) => Err(i.type_error(format!("attribute name must be string, not '{}'", i.type_name(o)))),
            None => Ok(Value::None),
        },
        "__format__" => match other {
            Some(Value::Str(spec)) if spec.is_empty() => Ok(Value::str(&i.to_str(me)?)),
            Some(Value::Str(_)) => {
                let t = i.type_of(me).qualname.clone();
                Err(i.type_error(format!("unsupported format string passed to {t}.__format__")))
            }
            Some(o) => Err(i.type_error(format!("object.__format__() argument 1 must be str, not {}", i.type_name(o)))),
            None => Ok(Value::None),
        },
        "__delattr__" => match other {
            Some(Value::Str(n)) => i.object_delattr(me, n).map(|_| Value::None),
            Some(o) => Err(i.type_error(format!("attribute name must be string, not '{}'", i.type_name(o)))),
            None => Ok(Value::None),
        },
        "__eq__" => Ok(if other.is_some_and(|o| o.is(me)) { Value::Bool(true) } else { Value::NotImplemented }),
        "__ne__" => {
            let other = other.cloned().unwrap_or(Value::None);
            let eq = i.getattr(me, "__eq__")?;
            match i.call(&eq, Args::new(vec![other]))? {
                Value::NotImplemented => Ok(Value::NotImplemented),
                r => Ok(Value::Bool(!i.truthy(&r)?)),
            }
        }
        _ => Ok(Value::NotImplemented),
    }
}
