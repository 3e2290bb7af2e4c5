//! Operators: arithmetic, comparison, membership, with the dunder-method protocol for
//! instances (`__add__` / `__radd__`, `__eq__`, `__lt__`, `__contains__`, ...).

use std::cmp::Ordering;
use std::rc::Rc;

use super::ast::{BinOp, CmpOp, UnaryOp};
use super::bigint::BigInt;
use super::interp::{Interp, PyResult};
use super::value::{Args, Value};

fn dunder(op: BinOp) -> (&'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__"),
        BinOp::Sub => ("__sub__", "__rsub__"),
        BinOp::Mult => ("__mul__", "__rmul__"),
        BinOp::MatMult => ("__matmul__", "__rmatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__"),
        BinOp::Mod => ("__mod__", "__rmod__"),
        BinOp::Pow => ("__pow__", "__rpow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__"),
        BinOp::BitOr => ("__or__", "__ror__"),
        BinOp::BitXor => ("__xor__", "__rxor__"),
        BinOp::BitAnd => ("__and__", "__rand__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
    }
}

fn call_dunder(interp: &mut Interp, obj: &Value, name: &str, other: &Value) -> PyResult<Option<Value>> {
    let f = match obj {
        Value::Instance(i) => i.class.lookup(name),
        Value::Class(c) => c.metaclass.as_ref().and_then(|m| m.lookup(name)),
        _ => None,
    };
    match f {
        Some(f) => {
            let r = interp.call(&f, Args::new(vec![obj.clone(), other.clone()]))?;
            Ok(if matches!(r, Value::NotImplemented) { None } else { Some(r) })
        }
        None => Ok(None),
    }
}

/// Results past this many bits raise MemoryError instead of computing for minutes (CPython
/// would compute them; the playground's schoolbook multiplication would not finish).
const MAX_INT_BITS: u64 = 1 << 20;

fn too_big(interp: &Interp) -> super::interp::PyErr {
    interp.err_bare("MemoryError")
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::BigInt(b) => b.to_f64(),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The count of a sequence repetition `seq * n` of `len` items of `item_bytes` each: 0 for
/// n <= 0, MemoryError when the result would pass the memory budget (as CPython gives when its
/// allocation fails), before anything is allocated.
fn repeat_count(interp: &Interp, len: usize, n: i64, item_bytes: usize) -> PyResult<usize> {
    if n <= 0 || len == 0 {
        return Ok(0);
    }
    let bytes = (len as u64).saturating_mul(n as u64).saturating_mul(item_bytes as u64);
    interp.reserve(usize::try_from(bytes).unwrap_or(usize::MAX))?;
    Ok(n as usize)
}

/// The bytes a list or tuple of `n` items needs.
fn items_bytes(n: usize) -> usize {
    n.saturating_mul(std::mem::size_of::<Value>())
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// Any int (bool, small or big) as a `BigInt`.
pub fn as_big(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from_i64(*i)),
        Value::Bool(b) => Some(BigInt::from_i64(*b as i64)),
        Value::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

/// The error of converting an int too large for a float.
pub fn int_too_large(interp: &Interp) -> super::interp::PyErr {
    interp.err("OverflowError", "int too large to convert to float")
}

/// `x * 2**e` without overflowing on the way.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 {
        x *= f64::from_bits((1023 + 1000) << 52);
        e -= 1000;
    }
    while e < -1000 {
        x *= f64::from_bits((1023 - 1000) << 52);
        e += 1000;
    }
    x * f64::from_bits(((1023 + e) as u64) << 52)
}

/// `a / b` for ints, correctly rounded as CPython's `long_true_divide`.
fn int_true_divide(interp: &Interp, a: &BigInt, b: &BigInt) -> PyResult<f64> {
    if b.is_zero() {
        return Err(interp.err("ZeroDivisionError", "division by zero"));
    }
    if a.bit_length() <= 53 && b.bit_length() <= 53 {
        if let (Some(x), Some(y)) = (a.to_f64(), b.to_f64()) {
            return Ok(x / y);
        }
    }
    let neg = a.is_negative() != b.is_negative();
    let (a, b) = (a.abs(), b.abs());
    let s = 55 + b.bit_length() as i64 - a.bit_length() as i64;
    let (mut q, r) = if s >= 0 { a.shl(s as usize).divmod(&b) } else { a.divmod(&b.shl((-s) as usize)) }
        .unwrap_or((BigInt::zero(), BigInt::zero()));
    if !r.is_zero() {
        q = q.or(&BigInt::from_i64(1));
    }
    let f = ldexp(q.to_f64().unwrap_or(0.0), -s);
    if f.is_infinite() {
        return Err(interp.err("OverflowError", "integer division result too large for a float"));
    }
    Ok(if neg { -f } else { f })
}

/// Exact comparison of an int with a float (None when the float is NaN).
fn cmp_int_float(a: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { Ordering::Less } else { Ordering::Greater });
    }
    let fl = f.floor();
    match a.cmp(&BigInt::from_f64(fl)) {
        Ordering::Equal if f != fl => Some(Ordering::Less),
        o => Some(o),
    }
}

/// An arithmetic operator on ints of any size.
fn big_op(interp: &mut Interp, op: BinOp, a: &BigInt, b: &BigInt, l: &Value, r: &Value) -> PyResult<Value> {
    let zero_div = |interp: &Interp| interp.err("ZeroDivisionError", "integer division or modulo by zero");
    let shift_count = |interp: &Interp| -> PyResult<usize> {
        if b.is_negative() {
            return Err(interp.err("ValueError", "negative shift count"));
        }
        Ok(b.to_i64().map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX)))
    };
    Ok(match op {
        BinOp::Add => a.add(b).into_value(),
        BinOp::Sub => a.sub(b).into_value(),
        BinOp::Mult => {
            if a.bit_length() + b.bit_length() > MAX_INT_BITS {
                return Err(too_big(interp));
            }
            a.mul(b).into_value()
        }
        BinOp::Div => Value::Float(int_true_divide(interp, a, b)?),
        BinOp::FloorDiv => a.divmod(b).ok_or_else(|| zero_div(interp))?.0.into_value(),
        BinOp::Mod => a.divmod(b).ok_or_else(|| zero_div(interp))?.1.into_value(),
        BinOp::Pow => {
            if b.is_negative() {
                let (Some(x), Some(y)) = (a.to_f64(), b.to_f64()) else { return Err(int_too_large(interp)) };
                if x == 0.0 {
                    return Err(interp.err("ZeroDivisionError", "0.0 cannot be raised to a negative power"));
                }
                return Ok(Value::Float(x.powf(y)));
            }
            let trivial = a.is_zero() || a.abs() == BigInt::from_i64(1);
            let e = b.to_i64().unwrap_or(i64::MAX) as u64;
            if trivial {
                let odd = e & 1 == 1 || (b.to_i64().is_none() && b.and(&BigInt::from_i64(1)).to_i64() == Some(1));
                return Ok(if a.is_negative() && !odd { BigInt::from_i64(1) } else { a.pow(e.min(1)) }.into_value());
            }
            if a.bit_length().saturating_sub(1).saturating_mul(e) > MAX_INT_BITS {
                return Err(too_big(interp));
            }
            a.pow(e).into_value()
        }
        BinOp::LShift => {
            let n = shift_count(interp)?;
            if a.is_zero() {
                return Ok(Value::Int(0));
            }
            if n as u64 > MAX_INT_BITS {
                return Err(too_big(interp));
            }
            a.shl(n).into_value()
        }
        BinOp::RShift => {
            let n = shift_count(interp)?;
            let n = n.min(a.bit_length() as usize + 1);
            a.shr(n).into_value()
        }
        BinOp::BitAnd => a.and(b).into_value(),
        BinOp::BitOr => a.or(b).into_value(),
        BinOp::BitXor => a.xor(b).into_value(),
        BinOp::MatMult => return Err(unsupported(interp, op, l, r)),
    })
}

/// Python's floor modulo for floats.
pub fn float_mod(a: f64, b: f64) -> f64 {
    let m = a % b;
    if m != 0.0 && ((m < 0.0) != (b < 0.0)) {
        m + b
    } else {
        m
    }
}

/// `l op r`.
pub fn binop(interp: &mut Interp, op: BinOp, l: Value, r: Value, inplace: bool) -> PyResult<Value> {
    // Lists extend in place for `+=`.
    if inplace && op == BinOp::Add {
        if let Value::List(a) = &l {
            if let Value::List(_) | Value::Tuple(_) = &r {
                // `x += x`: the copy of the items and the grown list, before either is made.
                let more = match &r {
                    Value::List(b) => b.borrow().len(),
                    Value::Tuple(t) => t.len(),
                    _ => 0,
                };
                let n = a.borrow().len() + more * 2;
                interp.reserve(items_bytes(n))?;
            }
            let items = interp.iterate(&r)?;
            a.borrow_mut().extend(items);
            return Ok(l);
        }
    }
    if let (Value::Str(_), BinOp::Mod) = (&l, op) {
        // `str % obj` is str's own formatting unless obj's type overrides `__rmod__`.
        if super::builtins::instance_dunder(&r, "__rmod__").is_none() {
            return super::format::percent_format(interp, &l, &r);
        }
    }
    if let (Value::Bytes(b), BinOp::Mod) = (&l, op) {
        // `bytes % obj` likewise (`bytearray % obj` is its `__mod__`).
        if super::builtins::instance_dunder(&r, "__rmod__").is_none() {
            return super::bytes::percent_format(interp, b, &r, false);
        }
    }
    if matches!(l, Value::Instance(_))
        || matches!(r, Value::Instance(_))
        || matches!(l, Value::Class(_))
        || matches!(r, Value::Class(_))
    {
        let (name, rname) = dunder(op);
        if inplace {
            let iname = format!("__i{}", &name[2..]);
            if let Some(v) = call_dunder(interp, &l, &iname, &r)? {
                return Ok(v);
            }
        }
        if let Some(v) = call_dunder(interp, &l, name, &r)? {
            return Ok(v);
        }
        if let Some(v) = call_dunder(interp, &r, rname, &l)? {
            return Ok(v);
        }
        // Instances of builtin subclasses operate as their values (`Tags(...) + [1]` is a list).
        let (lb, rb) = (l.builtin_base(), r.builtin_base());
        if lb.is_some() || rb.is_some() {
            if let (true, BinOp::Add, Some(Value::List(items))) = (inplace, op, &lb) {
                let more = interp.iterate(&r)?;
                items.borrow_mut().extend(more);
                return Ok(l);
            }
            // A frozenset is never changed in place (`f |= s` rebinds f to a new frozenset).
            let frozen = super::value::is_frozen(&l);
            let inplace = inplace && !frozen;
            let left_set = match &lb {
                Some(Value::Set(s)) => Some(s.clone()),
                _ => None,
            };
            let (l2, r2) = (lb.unwrap_or_else(|| l.clone()), rb.unwrap_or_else(|| r.clone()));
            return match binop(interp, op, l2, r2, inplace) {
                Err(e) if interp.err_is(&e, "TypeError") => Err(unsupported(interp, op, &l, &r)),
                // `s |= t` on an instance of a set subclass changed its set: the instance stays.
                Ok(Value::Set(d)) if inplace && left_set.as_ref().is_some_and(|s| Rc::ptr_eq(s, &d)) => Ok(l),
                // `frozenset | set` is a frozenset: the left operand's type.
                Ok(Value::Set(d)) if super::value::is_frozen(&l) => {
                    let members = std::mem::take(&mut *d.borrow_mut());
                    Ok(super::builtins::make_frozenset(interp, None, members))
                }
                res => res,
            };
        }
        return Err(unsupported(interp, op, &l, &r));
    }
    if let (Some(a), Some(b)) = (as_int(&l), as_int(&r)) {
        return int_op(interp, op, a, b, &l, &r);
    }
    if matches!(l, Value::BigInt(_)) || matches!(r, Value::BigInt(_)) {
        if let (Some(a), Some(b)) = (as_big(&l), as_big(&r)) {
            return big_op(interp, op, &a, &b, &l, &r);
        }
        if let (Value::BigInt(b), Value::Float(_)) | (Value::Float(_), Value::BigInt(b)) = (&l, &r) {
            if b.to_f64().is_none() {
                return Err(int_too_large(interp));
            }
        }
    }
    if let (Some(a), Some(b)) = (as_f64(&l), as_f64(&r)) {
        return Ok(Value::Float(match op {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mult => a * b,
            BinOp::Div => {
                if b == 0.0 {
                    return Err(interp.err("ZeroDivisionError", "float division by zero"));
                }
                a / b
            }
            BinOp::FloorDiv => {
                if b == 0.0 {
                    return Err(interp.err("ZeroDivisionError", "float floor division by zero"));
                }
                (a / b).floor()
            }
            BinOp::Mod => {
                if b == 0.0 {
                    return Err(interp.err("ZeroDivisionError", "float modulo"));
                }
                float_mod(a, b)
            }
            BinOp::Pow => a.powf(b),
            _ => return Err(unsupported(interp, op, &l, &r)),
        }));
    }
    match (&l, &r, op) {
        (Value::Str(a), Value::Str(b), BinOp::Add) => {
            interp.reserve(a.len() + b.len())?;
            let mut s = String::with_capacity(a.len() + b.len());
            s.push_str(a);
            s.push_str(b);
            Ok(Value::str(&s))
        }
        (Value::Str(_), _, BinOp::Mod) => super::format::percent_format(interp, &l, &r),
        (Value::Str(a), _, BinOp::Mult) | (_, Value::Str(a), BinOp::Mult) if as_int(&l).or(as_int(&r)).is_some() => {
            let n = as_int(&l).or(as_int(&r)).unwrap_or(0);
            if a.len() as u128 * n.max(0) as u128 > i64::MAX as u128 {
                return Err(interp.err("OverflowError", "repeated string is too long"));
            }
            let n = repeat_count(interp, a.len(), n, 2)?;
            Ok(Value::str(&a.repeat(n)))
        }
        (Value::Str(_), _, BinOp::Add) => {
            Err(interp.type_error(format!("can only concatenate str (not \"{}\") to str", interp.type_name(&r))))
        }
        (Value::Bytes(a), Value::Bytes(b), BinOp::Add) => {
            interp.reserve(a.len() + b.len())?;
            let mut v = a.to_vec();
            v.extend_from_slice(b);
            Ok(Value::Bytes(Rc::from(v)))
        }
        (Value::Bytes(_), _, BinOp::Add) => {
            Err(interp.type_error(format!("can't concat {} to bytes", interp.type_name(&r))))
        }
        (Value::Bytes(a), _, BinOp::Mult) | (_, Value::Bytes(a), BinOp::Mult) => match as_int(&l).or(as_int(&r)) {
            Some(n) => Ok(Value::Bytes(Rc::from(super::bytes::repeat(interp, a, n, true)?))),
            None => {
                let other = if matches!(l, Value::Bytes(_)) { &r } else { &l };
                Err(interp
                    .type_error(format!("can't multiply sequence by non-int of type '{}'", interp.type_name(other))))
            }
        },
        (Value::List(a), Value::List(b), BinOp::Add) => {
            interp.reserve(items_bytes(a.borrow().len() + b.borrow().len()))?;
            let mut v = a.borrow().clone();
            v.extend(b.borrow().iter().cloned());
            Ok(Value::list(v))
        }
        (Value::List(_), _, BinOp::Add) => {
            Err(interp.type_error(format!("can only concatenate list (not \"{}\") to list", interp.type_name(&r))))
        }
        (Value::Tuple(a), Value::Tuple(b), BinOp::Add) => {
            interp.reserve(items_bytes(a.len() + b.len()))?;
            let mut v = (**a).clone();
            v.extend(b.iter().cloned());
            Ok(Value::tuple(v))
        }
        (Value::Tuple(_), _, BinOp::Add) => {
            Err(interp.type_error(format!("can only concatenate tuple (not \"{}\") to tuple", interp.type_name(&r))))
        }
        (Value::Int(_) | Value::Bool(_), Value::List(_) | Value::Tuple(_), BinOp::Mult) => {
            // `n * seq` is seq's repetition (sq_repeat through int's __mul__ returning
            // NotImplemented), never in place.
            binop(interp, op, r.clone(), l.clone(), false)
        }
        (Value::List(a), _, BinOp::Mult) if as_int(&r).is_some() => {
            let src = a.borrow();
            let n = repeat_count(interp, src.len(), as_int(&r).unwrap_or(0), items_bytes(1))?;
            let mut v = Vec::with_capacity(src.len() * n);
            for _ in 0..n {
                v.extend(src.iter().cloned());
            }
            drop(src);
            if inplace {
                // `lst *= n` repeats the list itself (list_inplace_repeat).
                *a.borrow_mut() = v;
                return Ok(l.clone());
            }
            Ok(Value::list(v))
        }
        (Value::Tuple(a), _, BinOp::Mult) if as_int(&r).is_some() => {
            let n = repeat_count(interp, a.len(), as_int(&r).unwrap_or(0), items_bytes(1))?;
            let mut v = Vec::with_capacity(a.len() * n);
            for _ in 0..n {
                v.extend(a.iter().cloned());
            }
            Ok(Value::tuple(v))
        }
        (Value::Dict(a), Value::Dict(b), BinOp::BitOr) => {
            let mut d = a.borrow().clone();
            let entries: Vec<(Value, Value)> = b.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, v) in entries {
                interp.dict_insert(&mut d, k, v)?;
            }
            Ok(Value::dict(d))
        }
        (Value::Set(a), Value::Set(_), BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) => {
            use super::pyset;
            // setobject.c's own algorithm for each operator: the result's table, hence its
            // order, depends on it.
            if inplace {
                match op {
                    BinOp::BitOr => pyset::update(interp, a, &r)?,
                    BinOp::BitAnd => {
                        let body = pyset::intersection(interp, a, &r)?;
                        a.borrow_mut().take_body(body);
                    }
                    BinOp::Sub => pyset::difference_update(interp, a, &r)?,
                    _ => pyset::symmetric_difference_update(interp, a, &r)?,
                }
                return Ok(l.clone());
            }
            let result = match op {
                BinOp::BitOr => pyset::union(interp, a, std::slice::from_ref(&r))?,
                BinOp::BitAnd => pyset::intersection(interp, a, &r)?,
                BinOp::Sub => pyset::difference(interp, a, &r)?,
                _ => pyset::symmetric_difference(interp, a, &r)?,
            };
            Ok(Value::Set(pyset::new_ref(result)))
        }
        _ => Err(unsupported(interp, op, &l, &r)),
    }
}

fn unsupported(interp: &Interp, op: BinOp, l: &Value, r: &Value) -> super::interp::PyErr {
    let sym = if op == BinOp::Pow { "** or pow()" } else { op.symbol() };
    interp.type_error(format!(
        "unsupported operand type(s) for {sym}: '{}' and '{}'",
        interp.type_name(l),
        interp.type_name(r)
    ))
}

fn int_op(interp: &mut Interp, op: BinOp, a: i64, b: i64, l: &Value, r: &Value) -> PyResult<Value> {
    // What does not fit in 64 bits is done again with big ints.
    let big = |interp: &mut Interp| big_op(interp, op, &BigInt::from_i64(a), &BigInt::from_i64(b), l, r);
    macro_rules! or_big {
        ($e:expr) => {
            match $e {
                Some(v) => v,
                None => return big(interp),
            }
        };
    }
    Ok(match op {
        BinOp::Add => Value::Int(or_big!(a.checked_add(b))),
        BinOp::Sub => Value::Int(or_big!(a.checked_sub(b))),
        BinOp::Mult => Value::Int(or_big!(a.checked_mul(b))),
        BinOp::Div => {
            if b == 0 {
                return Err(interp.err("ZeroDivisionError", "division by zero"));
            }
            if a.unsigned_abs() > 1 << 53 || b.unsigned_abs() > 1 << 53 {
                return big(interp);
            }
            Value::Float(a as f64 / b as f64)
        }
        BinOp::FloorDiv => {
            if b == 0 {
                return Err(interp.err("ZeroDivisionError", "integer division or modulo by zero"));
            }
            let q = or_big!(a.checked_div(b));
            Value::Int(if (a % b != 0) && ((a < 0) != (b < 0)) { q - 1 } else { q })
        }
        BinOp::Mod => {
            if b == 0 {
                return Err(interp.err("ZeroDivisionError", "integer division or modulo by zero"));
            }
            let m = or_big!(a.checked_rem(b));
            Value::Int(if m != 0 && ((m < 0) != (b < 0)) { m + b } else { m })
        }
        BinOp::Pow => {
            if b < 0 {
                Value::Float((a as f64).powf(b as f64))
            } else {
                Value::Int(or_big!(u32::try_from(b).ok().and_then(|e| a.checked_pow(e))))
            }
        }
        BinOp::LShift => {
            if b < 0 {
                return Err(interp.err("ValueError", "negative shift count"));
            }
            if a == 0 {
                return Ok(Value::Int(0));
            }
            Value::Int(or_big!(if b >= 63 { None } else { a.checked_mul(1i64 << b) }))
        }
        BinOp::RShift => {
            if b < 0 {
                return Err(interp.err("ValueError", "negative shift count"));
            }
            Value::Int(if b >= 64 {
                if a < 0 {
                    -1
                } else {
                    0
                }
            } else {
                a >> b
            })
        }
        BinOp::BitAnd => bool_or_int(l, r, a & b),
        BinOp::BitOr => bool_or_int(l, r, a | b),
        BinOp::BitXor => bool_or_int(l, r, a ^ b),
        BinOp::MatMult => return Err(unsupported(interp, op, l, r)),
    })
}

fn bool_or_int(l: &Value, r: &Value, v: i64) -> Value {
    if matches!(l, Value::Bool(_)) && matches!(r, Value::Bool(_)) {
        Value::Bool(v != 0)
    } else {
        Value::Int(v)
    }
}

/// Unary operators.
pub fn unary(interp: &mut Interp, op: UnaryOp, v: Value) -> PyResult<Value> {
    if op == UnaryOp::Not {
        return Ok(Value::Bool(!interp.truthy(&v)?));
    }
    if let Value::Instance(i) = &v {
        let name = match op {
            UnaryOp::USub => "__neg__",
            UnaryOp::UAdd => "__pos__",
            UnaryOp::Invert => "__invert__",
            UnaryOp::Not => unreachable!(),
        };
        if let Some(f) = i.class.lookup(name) {
            return interp.call(&f, Args::new(vec![v.clone()]));
        }
    }
    match (op, &v) {
        (UnaryOp::USub, Value::Int(i)) => Ok(match i.checked_neg() {
            Some(n) => Value::Int(n),
            None => BigInt::from_i64(*i).neg().into_value(),
        }),
        (UnaryOp::USub, Value::BigInt(b)) => Ok(b.neg().into_value()),
        (UnaryOp::Invert, Value::BigInt(b)) => Ok(b.invert().into_value()),
        (UnaryOp::UAdd, Value::BigInt(_)) => Ok(v),
        (UnaryOp::USub, Value::Bool(b)) => Ok(Value::Int(-(*b as i64))),
        (UnaryOp::USub, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::UAdd, Value::Int(_) | Value::Float(_)) => Ok(v),
        (UnaryOp::UAdd, Value::Bool(b)) => Ok(Value::Int(*b as i64)),
        (UnaryOp::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
        (UnaryOp::Invert, Value::Bool(b)) => Ok(Value::Int(!(*b as i64))),
        _ => {
            let sym = match op {
                UnaryOp::USub => "-",
                UnaryOp::UAdd => "+",
                _ => "~",
            };
            Err(interp.type_error(format!("bad operand type for unary {sym}: '{}'", interp.type_name(&v))))
        }
    }
}

/// Equality of builtin values (no dunder dispatch), None when not comparable that way.
pub fn builtin_eq(interp: &mut Interp, l: &Value, r: &Value) -> PyResult<Option<bool>> {
    Ok(Some(match (l, r) {
        (Value::None, Value::None) => true,
        (Value::Str(a), Value::Str(b)) => a == b,
        (Value::Bytes(a), Value::Bytes(b)) => a == b,
        (Value::List(a), Value::List(b)) => {
            if Rc::ptr_eq(a, b) {
                return Ok(Some(true));
            }
            let (a, b) = (a.borrow().clone(), b.borrow().clone());
            seq_eq(interp, &a, &b)?
        }
        (Value::Tuple(a), Value::Tuple(b)) => seq_eq(interp, a, b)?,
        (Value::Dict(a), Value::Dict(b)) => {
            let (a, b) = (a.borrow().clone(), b.borrow().clone());
            if a.len() != b.len() {
                return Ok(Some(false));
            }
            for (k, v) in a.iter() {
                match b.get(k) {
                    Some(v2) => {
                        if !interp.eq(v, v2)? {
                            return Ok(Some(false));
                        }
                    }
                    None => return Ok(Some(false)),
                }
            }
            true
        }
        (Value::Set(a), Value::Set(b)) => {
            let (a, b) = (a.borrow(), b.borrow());
            a.len() == b.len() && a.members().all(|k| b.contains(k))
        }
        _ => {
            if let (Some(a), Some(b)) = (as_int(l), as_int(r)) {
                a == b
            } else if let Some(o) = big_order(l, r) {
                o == Some(Ordering::Equal)
            } else if let (Some(a), Some(b)) = (as_f64(l), as_f64(r)) {
                a == b
            } else if matches!(l, Value::Instance(_)) || matches!(r, Value::Instance(_)) {
                return Ok(None);
            } else {
                l.is(r)
            }
        }
    }))
}

/// The order of two numbers of which one is a big int (Some(None): a NaN is involved), or
/// None when neither is a big int or the other is not a number.
fn big_order(l: &Value, r: &Value) -> Option<Option<Ordering>> {
    if !matches!(l, Value::BigInt(_)) && !matches!(r, Value::BigInt(_)) {
        return None;
    }
    Some(match (l, r) {
        (Value::Float(f), other) => cmp_int_float(&as_big(other)?, *f).map(Ordering::reverse),
        (other, Value::Float(f)) => cmp_int_float(&as_big(other)?, *f),
        _ => Some(as_big(l)?.cmp(&as_big(r)?)),
    })
}

fn seq_eq(interp: &mut Interp, a: &[Value], b: &[Value]) -> PyResult<bool> {
    if a.len() != b.len() {
        return Ok(false);
    }
    for (x, y) in a.iter().zip(b) {
        if !x.is(y) && !interp.eq(x, y)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn order(interp: &mut Interp, l: &Value, r: &Value) -> PyResult<Option<Ordering>> {
    Ok(match (l, r) {
        (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
        (Value::Bytes(a), Value::Bytes(b)) => Some(a.cmp(b)),
        (Value::List(a), Value::List(b)) => {
            let (a, b) = (a.borrow().clone(), b.borrow().clone());
            seq_order(interp, &a, &b)?
        }
        (Value::Tuple(a), Value::Tuple(b)) => seq_order(interp, a, b)?,
        _ => {
            if let (Some(a), Some(b)) = (as_int(l), as_int(r)) {
                Some(a.cmp(&b))
            } else if let Some(o) = big_order(l, r) {
                o
            } else if let (Some(a), Some(b)) = (as_f64(l), as_f64(r)) {
                a.partial_cmp(&b)
            } else {
                return Ok(None);
            }
        }
    })
}

fn seq_order(interp: &mut Interp, a: &[Value], b: &[Value]) -> PyResult<Option<Ordering>> {
    for (x, y) in a.iter().zip(b) {
        if !interp.eq(x, y)? {
            return order_or_error(interp, x, y).map(Some);
        }
    }
    Ok(Some(a.len().cmp(&b.len())))
}

fn order_or_error(interp: &mut Interp, x: &Value, y: &Value) -> PyResult<Ordering> {
    if let Value::Instance(_) = x {
        let lt = compare(interp, CmpOp::Lt, x, y)?;
        return Ok(if interp.truthy(&lt)? { Ordering::Less } else { Ordering::Greater });
    }
    match order(interp, x, y)? {
        Some(o) => Ok(o),
        None => Err(interp.type_error(format!(
            "'<' not supported between instances of '{}' and '{}'",
            interp.type_name(x),
            interp.type_name(y)
        ))),
    }
}

/// Orders two values for `sorted` / `min` / `max` (`<` semantics).
pub fn less_than(interp: &mut Interp, x: &Value, y: &Value) -> PyResult<bool> {
    let v = compare(interp, CmpOp::Lt, x, y)?;
    interp.truthy(&v)
}

fn reflected(op: CmpOp) -> (&'static str, &'static str) {
    match op {
        CmpOp::Eq => ("__eq__", "__eq__"),
        CmpOp::NotEq => ("__ne__", "__ne__"),
        CmpOp::Lt => ("__lt__", "__gt__"),
        CmpOp::LtE => ("__le__", "__ge__"),
        CmpOp::Gt => ("__gt__", "__lt__"),
        CmpOp::GtE => ("__ge__", "__le__"),
        _ => ("", ""),
    }
}

/// `l op r` for comparison operators.
pub fn compare(interp: &mut Interp, op: CmpOp, l: &Value, r: &Value) -> PyResult<Value> {
    match op {
        CmpOp::Is => return Ok(Value::Bool(l.is(r))),
        CmpOp::IsNot => return Ok(Value::Bool(!l.is(r))),
        CmpOp::In | CmpOp::NotIn => {
            let found = contains(interp, r, l)?;
            return Ok(Value::Bool(if op == CmpOp::In { found } else { !found }));
        }
        _ => {}
    }
    let (name, rname) = reflected(op);
    if matches!(l, Value::Instance(_) | Value::Class(_)) {
        if let Some(v) = call_dunder(interp, l, name, r)? {
            return Ok(v);
        }
    }
    if matches!(r, Value::Instance(_) | Value::Class(_)) {
        if let Some(v) = call_dunder(interp, r, rname, l)? {
            return Ok(v);
        }
    }
    // Instances of builtin subclasses compare as their values; messages name their types.
    let (lb, rb) = (l.builtin_base(), r.builtin_base());
    if lb.is_some() || rb.is_some() {
        let (l2, r2) = (lb.unwrap_or_else(|| l.clone()), rb.unwrap_or_else(|| r.clone()));
        return match compare(interp, op, &l2, &r2) {
            Err(e) if interp.err_is(&e, "TypeError") => Err(interp.type_error(format!(
                "'{}' not supported between instances of '{}' and '{}'",
                op.symbol(),
                interp.type_name(l),
                interp.type_name(r)
            ))),
            res => res,
        };
    }
    match op {
        CmpOp::Eq | CmpOp::NotEq => {
            let eq = match builtin_eq(interp, l, r)? {
                Some(b) => b,
                None => l.is(r),
            };
            Ok(Value::Bool(if op == CmpOp::Eq { eq } else { !eq }))
        }
        _ => match order(interp, l, r)? {
            Some(o) => Ok(Value::Bool(match op {
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::LtE => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            })),
            None => {
                if let Some(None) = big_order(l, r) {
                    return Ok(Value::Bool(false));
                }
                if let (Some(a), Some(b)) = (as_f64(l), as_f64(r)) {
                    if a.is_nan() || b.is_nan() {
                        return Ok(Value::Bool(false));
                    }
                }
                Err(interp.type_error(format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    op.symbol(),
                    interp.type_name(l),
                    interp.type_name(r)
                )))
            }
        },
    }
}

/// `item in container`.
pub fn contains(interp: &mut Interp, container: &Value, item: &Value) -> PyResult<bool> {
    if let Some(f) = interp.meta_dunder(container, "__contains__") {
        let r = interp.call(&f, Args::new(vec![container.clone(), item.clone()]))?;
        return interp.truthy(&r);
    }
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(&**sub)),
            _ => Err(interp
                .type_error(format!("'in <string>' requires string as left operand, not {}", interp.type_name(item)))),
        },
        Value::Dict(d) => interp.dict_contains(d, item),
        Value::Set(s) => super::pyset::contains(interp, s, item),
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup("__contains__") {
                let r = interp.call(&f, Args::new(vec![container.clone(), item.clone()]))?;
                return interp.truthy(&r);
            }
            if super::iters::is_iter(container) {
                // An iterator is consumed up to the first equal item.
                while let Some(x) = interp.iter_next(container)? {
                    if x.is(item) || interp.eq(&x, item)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            if i.class.lookup("__iter__").is_none()
                && i.class.lookup("__getitem__").is_none()
                && container.builtin_base().is_none()
            {
                return Err(interp.type_error(format!("argument of type '{}' is not iterable", i.class.name)));
            }
            let items = interp.iterate(container)?;
            for x in items {
                if x.is(item) || interp.eq(&x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Bytes(b) if !matches!(item, Value::Int(_) | Value::Bool(_)) => match super::bytes::bytes_of(item) {
            Some(sub) => Ok(sub.is_empty() || b.windows(sub.len()).any(|w| w == &sub[..])),
            None => {
                Err(interp.type_error(format!("a bytes-like object is required, not '{}'", interp.type_name(item))))
            }
        },
        Value::List(_) | Value::Tuple(_) | Value::Bytes(_) => {
            let items = interp.iterate(container)?;
            for x in items {
                if x.is(item) || interp.eq(&x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        other => Err(interp.type_error(format!("argument of type '{}' is not iterable", interp.type_name(other)))),
    }
}
