//! Standard modules implemented natively: `time` (the real clock) and `_decimal_digits`
//! (arbitrary-precision arithmetic on decimal digit strings, for `decimal`).

use std::rc::Rc;

use crate::python::builtins::func;
use crate::python::interp::{Interp, ModuleFactory, PyResult};
use crate::python::value::{Args, Module, Value};

/// Seconds since the epoch, from the real clock (JavaScript's in the browser).
pub fn now_seconds() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() / 1000.0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
    }
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn seconds_arg(interp: &Interp, a: &Args) -> PyResult<i64> {
    match a.pos.first() {
        None | Some(Value::None) => Ok(now_seconds().floor() as i64),
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Bool(b)) => Ok(*b as i64),
        Some(Value::Float(f)) if f.is_finite() => Ok(f.floor() as i64),
        Some(Value::Float(_)) => Err(interp.err("ValueError", "Invalid value NaN (not a number)")),
        Some(other) => {
            Err(interp.type_error(format!("'{}' object cannot be interpreted as an integer", interp.type_name(other))))
        }
    }
}

/// `time.gmtime(t)` as a 9-tuple (year, month, mday, hour, min, sec, wday, yday, isdst).
fn gmtime(t: i64) -> Vec<Value> {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let wday = (days + 3).rem_euclid(7);
    let jan1 = days_from_civil(y, 1, 1);
    let yday = days - jan1 + 1;
    [y, m, d, secs / 3600, secs % 3600 / 60, secs % 60, wday, yday, 0].into_iter().map(Value::Int).collect()
}

/// Days since 1970-01-01 of a civil date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn time_module(_interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("time", None);
    m.set("time", func("time", |_, _| Ok(Value::Float(now_seconds()))));
    m.set("time_ns", func("time_ns", |_, _| Ok(Value::Int((now_seconds() * 1e9) as i64))));
    m.set("monotonic", func("monotonic", |_, _| Ok(Value::Float(now_seconds()))));
    m.set("perf_counter", func("perf_counter", |_, _| Ok(Value::Float(now_seconds()))));
    m.set("process_time", func("process_time", |_, _| Ok(Value::Float(0.0))));
    m.set("sleep", func("sleep", |_, _| Ok(Value::None)));
    m.set("timezone", Value::Int(0));
    m.set("altzone", Value::Int(0));
    m.set("daylight", Value::Int(0));
    m.set("tzname", Value::tuple(vec![Value::str("UTC"), Value::str("UTC")]));
    m.set("gmtime", func("gmtime", |i, a| Ok(Value::tuple(gmtime(seconds_arg(i, &a)?)))));
    m.set("localtime", func("localtime", |i, a| Ok(Value::tuple(gmtime(seconds_arg(i, &a)?)))));
    m.set(
        "struct_time",
        func("struct_time", |i, a| Ok(Value::tuple(i.iterate(&a.pos.first().cloned().unwrap_or(Value::None))?))),
    );
    m.set(
        "mktime",
        func("mktime", |i, a| {
            let parts = i.iterate(&a.pos.first().cloned().unwrap_or(Value::None))?;
            let n = |k: usize| match parts.get(k) {
                Some(Value::Int(v)) => *v,
                _ => 0,
            };
            let days = days_from_civil(n(0), n(1), n(2));
            Ok(Value::Float((days * 86400 + n(3) * 3600 + n(4) * 60 + n(5)) as f64))
        }),
    );
    Ok(m)
}

fn digits(interp: &Interp, a: &Args, i: usize) -> PyResult<Vec<u8>> {
    match a.pos.get(i) {
        Some(Value::Str(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(s.bytes().map(|b| b - b'0').collect())
        }
        _ => Err(interp.type_error("digit string expected")),
    }
}

fn to_text(d: &[u8]) -> Value {
    let start = d.iter().position(|&x| x != 0).unwrap_or(d.len().saturating_sub(1));
    let s: String = d[start..].iter().map(|&x| (x + b'0') as char).collect();
    Value::str(if s.is_empty() { "0" } else { &s })
}

/// a + b on big-endian digit vectors.
pub fn add_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let n = a.len().max(b.len());
    let mut out = vec![0u8; n + 1];
    let mut carry = 0u8;
    for k in 0..n {
        let x = if k < a.len() { a[a.len() - 1 - k] } else { 0 };
        let y = if k < b.len() { b[b.len() - 1 - k] } else { 0 };
        let s = x + y + carry;
        out[n - k] = s % 10;
        carry = s / 10;
    }
    out[0] = carry;
    out
}

/// a - b (a >= b) on big-endian digit vectors.
pub fn sub_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let n = a.len();
    let mut out = vec![0u8; n];
    let mut borrow = 0i8;
    for k in 0..n {
        let x = a[n - 1 - k] as i8;
        let y = if k < b.len() { b[b.len() - 1 - k] as i8 } else { 0 };
        let mut s = x - y - borrow;
        if s < 0 {
            s += 10;
            borrow = 1;
        } else {
            borrow = 0;
        }
        out[n - 1 - k] = s as u8;
    }
    out
}

fn strip(d: &[u8]) -> &[u8] {
    let start = d.iter().position(|&x| x != 0).unwrap_or(d.len());
    &d[start..]
}

/// Compares two digit vectors numerically.
pub fn cmp_digits(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// a * b on big-endian digit vectors.
pub fn mul_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut acc = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().rev().enumerate() {
        for (j, &y) in b.iter().rev().enumerate() {
            acc[i + j] += x as u32 * y as u32;
        }
    }
    let mut carry = 0u32;
    for v in acc.iter_mut() {
        let s = *v + carry;
        *v = s % 10;
        carry = s / 10;
    }
    acc.iter().rev().map(|&v| v as u8).collect()
}

/// (a // b, a % b) by long division; b must be non-zero.
pub fn divmod_digits(a: &[u8], b: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let b = strip(b);
    let mut q = Vec::with_capacity(a.len());
    let mut r: Vec<u8> = Vec::new();
    for &d in a {
        r.push(d);
        let mut digit = 0u8;
        while cmp_digits(&r, b) != std::cmp::Ordering::Less {
            r = sub_digits(&r, b);
            digit += 1;
        }
        q.push(digit);
        let stripped = strip(&r).to_vec();
        r = stripped;
    }
    (q, r)
}

/// The exact decimal expansion of a finite float: (sign, digits, exponent).
pub fn float_parts(x: f64) -> (i64, String, i64) {
    let sign = if x.is_sign_negative() { 1 } else { 0 };
    let x = x.abs();
    if x == 0.0 {
        return (sign, "0".into(), 0);
    }
    let bits = x.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut mant, mut e) = if exp_bits == 0 { (frac, -1074) } else { (frac | (1u64 << 52), exp_bits - 1075) };
    while mant % 2 == 0 {
        mant /= 2;
        e += 1;
    }
    let mut digits: Vec<u8> = mant.to_string().bytes().map(|b| b - b'0').collect();
    if e >= 0 {
        for _ in 0..e {
            digits = mul_digits(&digits, &[2]);
        }
        let t = to_text(&digits);
        return (sign, t.as_str().unwrap_or("0").to_string(), 0);
    }
    // mant / 2^k = mant * 5^k / 10^k
    for _ in 0..(-e) {
        digits = mul_digits(&digits, &[5]);
    }
    let t = to_text(&digits);
    (sign, t.as_str().unwrap_or("0").to_string(), e)
}

fn decimal_digits_module(_interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("_decimal_digits", None);
    m.set("add", func("add", |i, a| Ok(to_text(&add_digits(&digits(i, &a, 0)?, &digits(i, &a, 1)?)))));
    m.set(
        "sub",
        func("sub", |i, a| {
            let (x, y) = (digits(i, &a, 0)?, digits(i, &a, 1)?);
            if cmp_digits(&x, &y) == std::cmp::Ordering::Less {
                return Err(i.err("ValueError", "negative result"));
            }
            Ok(to_text(&sub_digits(&x, &y)))
        }),
    );
    m.set("mul", func("mul", |i, a| Ok(to_text(&mul_digits(&digits(i, &a, 0)?, &digits(i, &a, 1)?)))));
    m.set(
        "divmod",
        func("divmod", |i, a| {
            let (x, y) = (digits(i, &a, 0)?, digits(i, &a, 1)?);
            if strip(&y).is_empty() {
                return Err(i.err("ZeroDivisionError", "division by zero"));
            }
            let (q, r) = divmod_digits(&x, &y);
            Ok(Value::tuple(vec![to_text(&q), to_text(&r)]))
        }),
    );
    m.set(
        "cmp",
        func("cmp", |i, a| {
            Ok(Value::Int(match cmp_digits(&digits(i, &a, 0)?, &digits(i, &a, 1)?) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }))
        }),
    );
    m.set(
        "float_parts",
        func("float_parts", |i, a| match a.pos.first() {
            Some(Value::Float(f)) if f.is_finite() => {
                let (s, d, e) = float_parts(*f);
                Ok(Value::tuple(vec![Value::Int(s), Value::str(&d), Value::Int(e)]))
            }
            _ => Err(i.type_error("finite float expected")),
        }),
    );
    Ok(m)
}

thread_local! {
    static RNG: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The next 64 random bits (xorshift64*, seeded from the clock on first use).
pub fn next_random() -> u64 {
    RNG.with(|r| {
        let mut x = r.get();
        if x == 0 {
            x = (now_seconds() * 1e6) as u64 ^ 0x9E37_79B9_7F4A_7C15;
            #[cfg(target_arch = "wasm32")]
            {
                x ^= (js_sys::Math::random() * 1e15) as u64;
            }
            x |= 1;
        }
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        r.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

fn random_module(_interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("_random", None);
    m.set("random", func("random", |_, _| Ok(Value::Float((next_random() >> 11) as f64 / (1u64 << 53) as f64))));
    m.set(
        "getrandbits",
        func("getrandbits", |i, a| {
            let k = a.pos.first().map(|v| crate::python::builtins::to_index(i, v)).transpose()?.unwrap_or(0);
            if k < 0 {
                return Err(i.err("ValueError", "number of bits must be non-negative"));
            }
            if k > 63 {
                return Err(i.err("OverflowError", "Python int too large to convert to C long"));
            }
            Ok(Value::Int(if k == 0 { 0 } else { (next_random() >> (64 - k)) as i64 }))
        }),
    );
    m.set(
        "seed",
        func("seed", |_, a| {
            let seed = match a.pos.first() {
                Some(Value::Int(n)) => *n as u64,
                Some(Value::Str(s)) => {
                    s.bytes().fold(1469598103934665603u64, |h, b| (h ^ b as u64).wrapping_mul(1099511628211))
                }
                _ => (now_seconds() * 1e6) as u64,
            };
            RNG.with(|r| r.set(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1));
            Ok(Value::None)
        }),
    );
    Ok(m)
}

/// A compiled pattern: searching anywhere, anchored at the start, and matching the whole text.
struct Compiled {
    search: regex_lite::Regex,
    anchored: regex_lite::Regex,
    full: regex_lite::Regex,
}

/// Rewrites Python-only regex syntax into the `regex-lite` crate's.
fn translate_pattern(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('Z') => out.push_str("\\z"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn build_regex(pattern: &str, flags: i64) -> Result<regex_lite::Regex, String> {
    let mut b = regex_lite::RegexBuilder::new(pattern);
    b.case_insensitive(flags & 2 != 0).multi_line(flags & 8 != 0).dot_matches_new_line(flags & 16 != 0);
    b.ignore_whitespace(flags & 64 != 0);
    b.build()
        .map_err(|e| e.to_string().lines().last().unwrap_or("bad pattern").trim_start_matches("error: ").to_string())
}

fn regex_module(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("_regex", None);
    let cls = crate::python::builtins::native_class(interp, "Compiled", "_regex", None, vec![]);
    m.set(
        "compile",
        func("compile", move |i, a| {
            let (Some(Value::Str(p)), flags) = (a.pos.first(), a.pos.get(1)) else {
                return Err(i.type_error("first argument must be string"));
            };
            let flags = match flags {
                Some(Value::Int(f)) => *f,
                _ => 0,
            };
            let p = translate_pattern(p);
            let err = |i: &Interp, msg: String| i.err("ValueError", msg);
            let search = build_regex(&p, flags).map_err(|e| err(i, e))?;
            let anchored = build_regex(&format!("\\A(?:{p})"), flags).map_err(|e| err(i, e))?;
            let full = build_regex(&format!("\\A(?:{p})\\z"), flags).map_err(|e| err(i, e))?;
            Ok(crate::python::builtins::new_native(&cls, Compiled { search, anchored, full }))
        }),
    );
    m.set(
        "groups",
        func("groups", |i, a| {
            let c =
                a.pos.first().and_then(|v| v.payload::<Compiled>()).ok_or_else(|| i.type_error("pattern expected"))?;
            let names: Vec<Value> =
                c.search.capture_names().skip(1).map(|n| n.map(Value::str).unwrap_or(Value::None)).collect();
            Ok(Value::list(names))
        }),
    );
    m.set(
        "search",
        func("search", |i, a| {
            // search(compiled, text, pos, endpos, mode): None, or [(start, end) per group] in chars.
            let c =
                a.pos.first().and_then(|v| v.payload::<Compiled>()).ok_or_else(|| i.type_error("pattern expected"))?;
            let Some(Value::Str(text)) = a.pos.get(1) else { return Err(i.type_error("expected string")) };
            let num = |k: usize| match a.pos.get(k) {
                Some(Value::Int(n)) => *n,
                _ => 0,
            };
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let nchars = chars.len() as i64;
            let clamp = |x: i64| x.clamp(0, nchars) as usize;
            let (pos, endpos) = (clamp(num(2)), clamp(num(3)));
            if pos > endpos {
                return Ok(Value::None);
            }
            let byte = |ci: usize| chars.get(ci).map(|x| x.0).unwrap_or(text.len());
            let (b0, b1) = (byte(pos), byte(endpos));
            let hay = &text[b0..b1];
            let re = match num(4) {
                1 => &c.anchored,
                2 => &c.full,
                _ => &c.search,
            };
            let Some(caps) = re.captures(hay) else { return Ok(Value::None) };
            let to_char = |b: usize| (text[..b0 + b].chars().count()) as i64;
            let spans: Vec<Value> = (0..caps.len())
                .map(|k| match caps.get(k) {
                    Some(mt) => Value::tuple(vec![Value::Int(to_char(mt.start())), Value::Int(to_char(mt.end()))]),
                    None => Value::tuple(vec![Value::Int(-1), Value::Int(-1)]),
                })
                .collect();
            Ok(Value::list(spans))
        }),
    );
    Ok(m)
}

/// Registers `time`, `_random`, `_regex` and `_decimal_digits`.
pub fn register(interp: &mut Interp) {
    let re: ModuleFactory = Rc::new(regex_module);
    interp.register_module("_regex", re);
    let random: ModuleFactory = Rc::new(random_module);
    interp.register_module("_random", random);
    let time: ModuleFactory = Rc::new(time_module);
    interp.register_module("time", time);
    let dd: ModuleFactory = Rc::new(decimal_digits_module);
    interp.register_module("_decimal_digits", dd);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_arithmetic() {
        let d = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
        assert_eq!(to_text(&add_digits(&d("999"), &d("1"))).as_str(), Some("1000"));
        assert_eq!(to_text(&sub_digits(&d("1000"), &d("1"))).as_str(), Some("999"));
        assert_eq!(
            to_text(&mul_digits(&d("12345678901234567890"), &d("98765"))).as_str(),
            Some("1219320976680432097655850")
        );
        let (q, r) = divmod_digits(&d("10000000000000000000000000000"), &d("3"));
        assert_eq!(to_text(&q).as_str(), Some("3333333333333333333333333333"));
        assert_eq!(to_text(&r).as_str(), Some("1"));
        // Decimal(0.1) in CPython 3.11.
        assert_eq!(float_parts(0.1), (0, "1000000000000000055511151231257827021181583404541015625".into(), -55));
        assert_eq!(civil_from_days(19723), (2024, 1, 1));
        assert_eq!(days_from_civil(2024, 1, 1), 19723);
    }
}
