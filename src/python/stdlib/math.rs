//! The `math` module, natively: CPython's `Modules/mathmodule.c` functions that projects use
//! (`ceil` for page counts, `sqrt`, `log`, `isclose`, `factorial`, `fsum`, ...), with its messages.

use std::rc::Rc;

use crate::python::bigint::BigInt;
use crate::python::builtins::func;
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Module, Value};

/// A real-number argument as CPython's `PyFloat_AsDouble` takes it (int, bool, float, or an
/// object with `__float__`).
fn real(interp: &mut Interp, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(n) => Ok(*n as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => b.to_f64().ok_or_else(|| crate::python::ops::int_too_large(interp)),
        Value::Instance(_) => {
            if let Some(f) = crate::python::builtins::instance_dunder(v, "__float__") {
                let r = interp.call(&f, Args::new(vec![v.clone()]))?;
                if let Value::Float(x) = r {
                    return Ok(x);
                }
            }
            Err(interp.type_error(format!("must be real number, not {}", interp.type_name(v))))
        }
        other => Err(interp.type_error(format!("must be real number, not {}", interp.type_name(other)))),
    }
}

/// An integer argument (`factorial`, `gcd`, `comb`): floats are refused, as in CPython.
fn integer(interp: &Interp, v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(n) => Ok(*n),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(interp.err("OverflowError", "Python int too large to convert to C long")),
        other => {
            Err(interp.type_error(format!("'{}' object cannot be interpreted as an integer", interp.type_name(other))))
        }
    }
}

/// An integer argument of any size.
fn big_integer(interp: &Interp, v: &Value) -> PyResult<BigInt> {
    match crate::python::ops::as_big(v) {
        Some(b) => Ok(b),
        None => Err(interp.type_error(format!("'{}' object cannot be interpreted as an integer", interp.type_name(v)))),
    }
}

fn big_gcd(a: &BigInt, b: &BigInt) -> BigInt {
    let (mut a, mut b) = (a.abs(), b.abs());
    while !b.is_zero() {
        let r = a.divmod(&b).map(|(_, r)| r).unwrap_or_else(BigInt::zero);
        (a, b) = (b, r);
    }
    a
}

/// The product `lo * (lo + 1) * ... * hi` (1 when empty), split in halves so that the
/// multiplications stay balanced.
fn range_product(lo: i64, hi: i64) -> BigInt {
    if hi < lo {
        return BigInt::from_i64(1);
    }
    if hi - lo < 8 {
        let mut acc = BigInt::from_i64(1);
        for k in lo..=hi {
            acc = acc.mul(&BigInt::from_i64(k));
        }
        return acc;
    }
    let mid = lo + (hi - lo) / 2;
    range_product(lo, mid).mul(&range_product(mid + 1, hi))
}

/// CPython's `loghelper`: `f` of a positive number; an int too large for a float is split as
/// `x * 2**e` (`_PyLong_Frexp`) and gives `f(x) + f(2.0) * e`.
fn log_of(interp: &mut Interp, v: &Value, f: fn(f64) -> f64) -> PyResult<f64> {
    if let Value::BigInt(b) = v {
        if b.is_negative() || b.is_zero() {
            return Err(domain_error(interp));
        }
        if b.to_f64().is_none() {
            let (x, e) = frexp_big(b);
            return Ok(f(x) + f(2.0) * e as f64);
        }
    }
    let x = real(interp, v)?;
    if x <= 0.0 {
        return Err(domain_error(interp));
    }
    Ok(f(x))
}

/// A positive big int as `x * 2**e` with `x` in [0.5, 1), `x` rounded to the nearest float.
fn frexp_big(b: &BigInt) -> (f64, i64) {
    let bits = b.bit_length() as usize;
    let shift = bits.saturating_sub(60);
    let top = b.shr(shift);
    let mut m = top.to_i64().unwrap_or(0) as u64;
    // A sticky bit for what was shifted out, so the conversion below rounds as one rounding.
    if top.shl(shift).cmp(b) != std::cmp::Ordering::Equal {
        m |= 1;
    }
    let top_bits = bits - shift;
    let mut x = m as f64 / (2f64).powi(top_bits as i32);
    let mut e = bits as i64;
    if x >= 1.0 {
        x /= 2.0;
        e += 1;
    }
    (x, e)
}

fn domain_error(interp: &Interp) -> crate::python::interp::PyErr {
    interp.err("ValueError", "math domain error")
}

fn range_error(interp: &Interp) -> crate::python::interp::PyErr {
    interp.err("OverflowError", "math range error")
}

/// Results past this many bits are refused (as `ops` does) rather than computed for minutes.
fn too_large(interp: &Interp) -> crate::python::interp::PyErr {
    interp.err_bare("MemoryError")
}

/// Checks the argument count the way CPython's argument clinic words it.
fn nargs(interp: &Interp, name: &str, a: &Args, n: usize) -> PyResult<()> {
    if !a.kw.is_empty() {
        return Err(interp.type_error(format!("math.{name}() takes no keyword arguments")));
    }
    if a.pos.len() != n {
        let msg = if n == 1 {
            format!("math.{name}() takes exactly one argument ({} given)", a.pos.len())
        } else {
            format!("{name} expected {n} arguments, got {}", a.pos.len())
        };
        return Err(interp.type_error(msg));
    }
    Ok(())
}

/// A float result: NaN from non-NaN input is a domain error, infinity from finite input a
/// range error (CPython's `math_1`).
fn checked(interp: &Interp, x: f64, r: f64) -> PyResult<Value> {
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error(interp));
    }
    if r.is_infinite() && x.is_finite() {
        return Err(range_error(interp));
    }
    Ok(Value::Float(r))
}

fn to_int(interp: &Interp, x: f64) -> PyResult<Value> {
    if x.is_nan() {
        return Err(interp.err("ValueError", "cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(interp.err("OverflowError", "cannot convert float infinity to integer"));
    }
    Ok(BigInt::from_f64(x).into_value())
}

fn unary(m: &Module, name: &'static str, f: fn(f64) -> f64) {
    m.set(
        name,
        func(name, move |i, a| {
            nargs(i, name, &a, 1)?;
            let x = real(i, &a.pos[0])?;
            checked(i, x, f(x))
        }),
    );
}

/// Shewchuk's exact summation, as `math.fsum` (CPython's `msum`).
fn fsum(xs: &[f64]) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    let mut special = 0.0;
    for &x0 in xs {
        let mut x = x0;
        if !x.is_finite() {
            special += x;
            continue;
        }
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        partials.push(x);
    }
    if special != 0.0 || special.is_nan() {
        return special;
    }
    let mut n = partials.len();
    let mut hi = 0.0;
    if n > 0 {
        n -= 1;
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    hi
}

/// Builds the `math` module.
pub fn math_module(_interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("math", None);
    m.set("pi", Value::Float(std::f64::consts::PI));
    m.set("e", Value::Float(std::f64::consts::E));
    m.set("tau", Value::Float(std::f64::consts::TAU));
    m.set("inf", Value::Float(f64::INFINITY));
    m.set("nan", Value::Float(f64::NAN));
    unary(&m, "sqrt", f64::sqrt);
    unary(&m, "exp", exp);
    unary(&m, "sin", f64::sin);
    unary(&m, "cos", f64::cos);
    unary(&m, "tan", f64::tan);
    unary(&m, "asin", f64::asin);
    unary(&m, "acos", f64::acos);
    unary(&m, "atan", f64::atan);
    unary(&m, "fabs", f64::abs);
    unary(&m, "radians", f64::to_radians);
    unary(&m, "degrees", f64::to_degrees);
    for (name, f) in [("log10", f64::log10 as fn(f64) -> f64), ("log2", f64::log2)] {
        m.set(
            name,
            func(name, move |i, a| {
                nargs(i, name, &a, 1)?;
                Ok(Value::Float(log_of(i, &a.pos[0], f)?))
            }),
        );
    }
    m.set(
        "log",
        func("log", |i, a| {
            if a.pos.is_empty() || a.pos.len() > 2 {
                return Err(i.type_error(format!("log expected at least 1 argument, got {}", a.pos.len())));
            }
            let x = log_of(i, &a.pos[0], f64::ln)?;
            match a.pos.get(1) {
                None => Ok(Value::Float(x)),
                Some(b) => {
                    let b = log_of(i, b, f64::ln)?;
                    if b == 0.0 {
                        return Err(i.err("ZeroDivisionError", "float division by zero"));
                    }
                    Ok(Value::Float(x / b))
                }
            }
        }),
    );
    for (name, f) in [("floor", f64::floor as fn(f64) -> f64), ("ceil", f64::ceil), ("trunc", f64::trunc)] {
        m.set(
            name,
            func(name, move |i, a| {
                nargs(i, name, &a, 1)?;
                match &a.pos[0] {
                    Value::Int(n) => return Ok(Value::Int(*n)),
                    Value::Bool(b) => return Ok(Value::Int(*b as i64)),
                    v @ Value::Instance(_) => {
                        let dunder = format!("__{name}__");
                        if let Some(d) = crate::python::builtins::instance_dunder(v, &dunder) {
                            return i.call(&d, Args::new(vec![v.clone()]));
                        }
                    }
                    _ => {}
                }
                let x = real(i, &a.pos[0])?;
                to_int(i, f(x))
            }),
        );
    }
    m.set(
        "pow",
        func("pow", |i, a| {
            nargs(i, "pow", &a, 2)?;
            let (x, y) = (real(i, &a.pos[0])?, real(i, &a.pos[1])?);
            if x == 0.0 && y < 0.0 {
                return Err(domain_error(i));
            }
            let r = x.powf(y);
            if r.is_nan() && !x.is_nan() && !y.is_nan() {
                return Err(domain_error(i));
            }
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(range_error(i));
            }
            Ok(Value::Float(r))
        }),
    );
    m.set(
        "atan2",
        func("atan2", |i, a| {
            nargs(i, "atan2", &a, 2)?;
            let (y, x) = (real(i, &a.pos[0])?, real(i, &a.pos[1])?);
            Ok(Value::Float(y.atan2(x)))
        }),
    );
    m.set(
        "fmod",
        func("fmod", |i, a| {
            nargs(i, "fmod", &a, 2)?;
            let (x, y) = (real(i, &a.pos[0])?, real(i, &a.pos[1])?);
            if y == 0.0 && !x.is_nan() || x.is_infinite() && !y.is_nan() {
                return Err(domain_error(i));
            }
            Ok(Value::Float(x % y))
        }),
    );
    m.set(
        "copysign",
        func("copysign", |i, a| {
            nargs(i, "copysign", &a, 2)?;
            let (x, y) = (real(i, &a.pos[0])?, real(i, &a.pos[1])?);
            Ok(Value::Float(x.copysign(y)))
        }),
    );
    m.set(
        "hypot",
        func("hypot", |i, a| {
            let mut acc = 0.0f64;
            for v in &a.pos {
                let x = real(i, v)?;
                acc = acc.hypot(x);
            }
            Ok(Value::Float(acc))
        }),
    );
    m.set(
        "modf",
        func("modf", |i, a| {
            nargs(i, "modf", &a, 1)?;
            let x = real(i, &a.pos[0])?;
            if x.is_infinite() {
                return Ok(Value::tuple(vec![Value::Float(0.0f64.copysign(x)), Value::Float(x)]));
            }
            let int = x.trunc();
            Ok(Value::tuple(vec![Value::Float((x - int).copysign(x)), Value::Float(int)]))
        }),
    );
    for (name, f) in
        [("isnan", f64::is_nan as fn(f64) -> bool), ("isinf", f64::is_infinite), ("isfinite", f64::is_finite)]
    {
        m.set(
            name,
            func(name, move |i, a| {
                nargs(i, name, &a, 1)?;
                let x = real(i, &a.pos[0])?;
                Ok(Value::Bool(f(x)))
            }),
        );
    }
    m.set(
        "isclose",
        func("isclose", |i, mut a| {
            let rel = a.take_kw("rel_tol");
            let abs = a.take_kw("abs_tol");
            if let Some((k, _)) = a.kw.first() {
                return Err(i.type_error(format!("isclose() got an unexpected keyword argument '{k}'")));
            }
            if a.pos.len() != 2 {
                return Err(
                    i.type_error(format!("isclose() takes exactly 2 positional arguments ({} given)", a.pos.len()))
                );
            }
            let (x, y) = (real(i, &a.pos[0])?, real(i, &a.pos[1])?);
            let rel = match rel {
                Some(v) => real(i, &v)?,
                None => 1e-9,
            };
            let abs = match abs {
                Some(v) => real(i, &v)?,
                None => 0.0,
            };
            if rel < 0.0 || abs < 0.0 {
                return Err(i.err("ValueError", "tolerances must be non-negative"));
            }
            if x == y {
                return Ok(Value::Bool(true));
            }
            if x.is_infinite() || y.is_infinite() {
                return Ok(Value::Bool(false));
            }
            let diff = (y - x).abs();
            Ok(Value::Bool(diff <= (rel * y).abs() || diff <= (rel * x).abs() || diff <= abs))
        }),
    );
    m.set(
        "factorial",
        func("factorial", |i, a| {
            nargs(i, "factorial", &a, 1)?;
            let n = integer(i, &a.pos[0])?;
            if n < 0 {
                return Err(i.err("ValueError", "factorial() not defined for negative values"));
            }
            if n > 50_000 {
                return Err(too_large(i));
            }
            Ok(range_product(2, n).into_value())
        }),
    );
    m.set(
        "gcd",
        func("gcd", |i, a| {
            let mut g = BigInt::zero();
            for v in &a.pos {
                g = big_gcd(&g, &big_integer(i, v)?);
            }
            Ok(g.into_value())
        }),
    );
    m.set(
        "lcm",
        func("lcm", |i, a| {
            let mut l = BigInt::from_i64(1);
            for v in &a.pos {
                let n = big_integer(i, v)?;
                if n.is_zero() || l.is_zero() {
                    l = BigInt::zero();
                    continue;
                }
                let g = big_gcd(&l, &n);
                l = l.divmod(&g).map(|(q, _)| q).unwrap_or_else(BigInt::zero).mul(&n.abs());
            }
            Ok(l.into_value())
        }),
    );
    m.set(
        "isqrt",
        func("isqrt", |i, a| {
            nargs(i, "isqrt", &a, 1)?;
            let n = big_integer(i, &a.pos[0])?;
            if n.is_negative() {
                return Err(i.err("ValueError", "isqrt() argument must be nonnegative"));
            }
            if n.is_zero() {
                return Ok(Value::Int(0));
            }
            // Newton's iteration from a power of two above the root.
            let mut x = BigInt::from_i64(1).shl(n.bit_length().div_ceil(2) as usize);
            loop {
                let y = x.add(&n.divmod(&x).map(|(q, _)| q).unwrap_or_else(BigInt::zero)).shr(1);
                if y.cmp(&x) != std::cmp::Ordering::Less {
                    return Ok(x.into_value());
                }
                x = y;
            }
        }),
    );
    m.set(
        "comb",
        func("comb", |i, a| {
            nargs(i, "comb", &a, 2)?;
            let (n, k) = (integer(i, &a.pos[0])?, integer(i, &a.pos[1])?);
            if n < 0 {
                return Err(i.err("ValueError", "n must be a non-negative integer"));
            }
            if k < 0 {
                return Err(i.err("ValueError", "k must be a non-negative integer"));
            }
            if k > n {
                return Ok(Value::Int(0));
            }
            let k = k.min(n - k);
            if k > 50_000 {
                return Err(too_large(i));
            }
            let num = range_product(n - k + 1, n);
            Ok(num.divmod(&range_product(1, k)).map(|(q, _)| q).unwrap_or_else(BigInt::zero).into_value())
        }),
    );
    m.set(
        "perm",
        func("perm", |i, a| {
            if a.pos.is_empty() || a.pos.len() > 2 {
                return Err(i.type_error(format!("perm expected at most 2 arguments, got {}", a.pos.len())));
            }
            let n = integer(i, &a.pos[0])?;
            let k = match a.pos.get(1) {
                None | Some(Value::None) => n,
                Some(v) => integer(i, v)?,
            };
            if n < 0 {
                return Err(i.err("ValueError", "n must be a non-negative integer"));
            }
            if k < 0 {
                return Err(i.err("ValueError", "k must be a non-negative integer"));
            }
            if k > n {
                return Ok(Value::Int(0));
            }
            if k > 50_000 {
                return Err(too_large(i));
            }
            Ok(range_product(n - k + 1, n).into_value())
        }),
    );
    m.set(
        "fsum",
        func("fsum", |i, a| {
            nargs(i, "fsum", &a, 1)?;
            let items = i.iterate(&a.pos[0])?;
            let mut xs = Vec::with_capacity(items.len());
            for v in &items {
                xs.push(real(i, v)?);
            }
            Ok(Value::Float(fsum(&xs)))
        }),
    );
    m.set(
        "prod",
        func("prod", |i, mut a| {
            let start = a.take_kw("start").unwrap_or(Value::Int(1));
            if a.pos.len() != 1 {
                return Err(i.type_error(format!("prod() takes exactly 1 positional argument ({} given)", a.pos.len())));
            }
            let items = i.iterate(&a.pos[0])?;
            let mut acc = start;
            for v in items {
                acc = i.binop(crate::python::ast::BinOp::Mult, acc, v)?;
            }
            Ok(acc)
        }),
    );
    Ok(m)
}

/// `e ** x` correctly rounded, as glibc's `exp` (CPython's) gives it. The wasm32 build's `f64::exp`
/// (a libm port) is off by one unit in the last place for some inputs (`exp(1)`): `x` is
/// reduced by a multiple of ln 2 and the series summed in double-double arithmetic, rounded once.
fn exp(x: f64) -> f64 {
    if !x.is_finite() || x.abs() > 700.0 {
        return x.exp();
    }
    const LN2_HI: f64 = std::f64::consts::LN_2;
    const LN2_LO: f64 = 2.319_046_813_846_299_6e-17;
    let k = (x / LN2_HI).round();
    // r = x - k ln 2, in double-double.
    let (p, pe) = two_prod(k, LN2_HI);
    let (r, re) = two_sum(x, -p);
    let r_lo = re - pe - k * LN2_LO;
    let (rh, rl) = quick_two_sum(r, r_lo);
    // 1 + r + r^2/2! + ... (|r| <= 0.35: 27 terms are far below one unit in the last place).
    let (mut sh, mut sl) = (1.0, 0.0);
    let (mut th, mut tl) = (1.0, 0.0);
    for n in 1..=27 {
        (th, tl) = dd_mul(th, tl, rh, rl);
        (th, tl) = dd_div_f64(th, tl, n as f64);
        (sh, sl) = dd_add(sh, sl, th, tl);
    }
    (sh + sl) * 2f64.powi(k as i32)
}

fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

fn quick_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

fn dd_add(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let (s, e) = two_sum(ah, bh);
    quick_two_sum(s, e + al + bl)
}

fn dd_mul(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let (p, e) = two_prod(ah, bh);
    quick_two_sum(p, e + (ah * bl + al * bh))
}

fn dd_div_f64(ah: f64, al: f64, b: f64) -> (f64, f64) {
    let q = ah / b;
    let rem = (-q).mul_add(b, ah) + al;
    quick_two_sum(q, rem / b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fsum_is_exact() {
        assert_eq!(fsum(&[0.1; 10]), 1.0);
        assert_eq!(fsum(&[1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]), 1e-100);
    }

    #[test]
    fn exp_agrees_with_the_platform_libm_that_cpython_uses() {
        // Natively f64::exp is glibc's, CPython's own. The double-double exp is correctly
        // rounded; glibc's is within one unit and misses near-halfway cases (checked with
        // Python's decimal at 60 digits: 918 of 1.13 M inputs here, each time the double-double
        // result the nearer one). Known values must agree exactly, the rest within one unit.
        for x in [1.0, -1.0, 0.5, 1e-10, 2.0, 10.0, 0.1, 0.7, 0.0, -0.0, 100.0, -100.0] {
            assert_eq!(super::exp(x).to_bits(), x.exp().to_bits(), "exp({x})");
        }
        let (mut x, mut total, mut off) = (-700.0f64, 0u32, 0u32);
        while x < 700.0 {
            let (a, b) = (super::exp(x).to_bits() as i64, x.exp().to_bits() as i64);
            assert!((a - b).abs() <= 1, "exp({x}): {} vs {}", super::exp(x), x.exp());
            off += u32::from(a != b);
            total += 1;
            x += 0.001_234_567;
        }
        assert!(off * 1000 < total, "{off} of {total} differ by one unit");
    }
}
