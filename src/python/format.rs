//! `repr`, `str` and `format` of builtin values, exactly as CPython writes them: float
//! shortest-repr rules, string quoting, container reprs, format specs and `%` formatting.

use std::cell::Cell;

use super::interp::{Interp, PyResult};
use super::value::{Args, BuiltinType, Value};

thread_local! {
    static REPR_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// `repr(x)` for a float, as CPython's `float_repr` (shortest round-trip digits).
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let sci = format!("{:e}", x);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let s = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{s}")
    } else {
        let m = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits.clone() };
        format!("{sign}{m}e{}{:02}", if exp < 0 { "-" } else { "+" }, exp.abs())
    }
}

/// `repr(s)` for a str.
/// The decimal digits of a big int, refused past CPython's `sys.get_int_max_str_digits()`.
pub fn big_decimal(interp: &Interp, b: &super::bigint::BigInt) -> PyResult<String> {
    // Bits per digit is log2(10) ~ 3.32: no more than 4300 digits is certainly fine below this.
    // Past 480 of CPython's 30-bit digits it refuses before converting (long_to_decimal_string's
    // quick check), as there are then certainly more than 4300 digits.
    if b.bit_length() > 480 * 30 {
        return Err(interp.err(
            "ValueError",
            "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
        ));
    }
    if b.bit_length() > 14_284 {
        let digits = b.to_radix_string(10);
        if digits.len() > 4300 {
            return Err(interp.err(
                "ValueError",
                "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
            ));
        }
        return Ok(format!("{}{digits}", if b.is_negative() { "-" } else { "" }));
    }
    Ok(format!("{}{}", if b.is_negative() { "-" } else { "" }, b.to_radix_string(10)))
}

pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (0x80..0xa0).contains(&(c as u32)) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() || c == '\u{ad}' || (0xd800..0xe000).contains(&(c as u32)) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32))
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `repr(b)` for bytes.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { b'"' } else { b'\'' };
    let mut out = String::from("b");
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// A character as the escape `repr` of a non-ASCII character would show (`\xe9`, `\u20ac`).
pub fn char_escape(c: char) -> String {
    let n = c as u32;
    if n < 0x100 {
        format!("\\x{n:02x}")
    } else if n < 0x10000 {
        format!("\\u{n:04x}")
    } else {
        format!("\\U{n:08x}")
    }
}

/// `ascii()` applied to a repr: non-ASCII characters escaped.
pub fn ascii(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

/// A made-up but stable memory address for default reprs (`at 0x7f...`).
pub fn address(v: &Value) -> String {
    format!("0x7f{:010x}", v.id() as u64 & 0xff_ffff_ffff)
}

/// `repr(v)`.
pub fn repr(interp: &mut Interp, v: &Value) -> PyResult<String> {
    let depth = REPR_DEPTH.with(|d| d.get());
    if depth > 1000 {
        return Err(
            interp.err("RecursionError", "maximum recursion depth exceeded while getting the repr of an object")
        );
    }
    REPR_DEPTH.with(|d| d.set(depth + 1));
    let r = repr_inner(interp, v);
    REPR_DEPTH.with(|d| d.set(depth));
    r
}

fn join_reprs(interp: &mut Interp, items: &[Value]) -> PyResult<String> {
    let mut parts = Vec::with_capacity(items.len());
    for i in items {
        parts.push(repr(interp, i)?);
    }
    Ok(parts.join(", "))
}

fn repr_inner(interp: &mut Interp, v: &Value) -> PyResult<String> {
    Ok(match v {
        Value::None => "None".into(),
        Value::NotImplemented => "NotImplemented".into(),
        Value::Ellipsis => "Ellipsis".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(b) => big_decimal(interp, b)?,
        Value::Float(f) => float_repr(*f),
        Value::Str(s) => str_repr(s),
        Value::Bytes(b) => bytes_repr(b),
        Value::List(l) => {
            let items = l.borrow().clone();
            format!("[{}]", join_reprs(interp, &items)?)
        }
        Value::Tuple(t) => {
            if t.len() == 1 {
                format!("({},)", repr(interp, &t[0])?)
            } else {
                format!("({})", join_reprs(interp, t)?)
            }
        }
        Value::Dict(d) => {
            let entries: Vec<(Value, Value)> = d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let mut parts = Vec::new();
            for (k, v) in entries {
                parts.push(format!("{}: {}", repr(interp, &k)?, repr(interp, &v)?));
            }
            format!("{{{}}}", parts.join(", "))
        }
        Value::Set(d) => {
            let keys = d.borrow().keys();
            if keys.is_empty() {
                "set()".into()
            } else {
                format!("{{{}}}", join_reprs(interp, &keys)?)
            }
        }
        Value::Function(f) => {
            // `functools.wraps` renames a wrapper through its `__qualname__`.
            let declared = f.dict.borrow().get_str("__qualname__").and_then(|q| q.as_str().map(str::to_string));
            format!("<function {} at {}>", declared.unwrap_or_else(|| f.qualname.clone()), address(v))
        }
        Value::Builtin(b) => match &b.owner {
            Some(o) if builtin_type_name(interp, o) && super::builtins::is_slot_wrapper(o, &b.name) => {
                format!("<slot wrapper '{}' of '{}' objects>", b.name, o)
            }
            Some(o) => format!("<method '{}' of '{}' objects>", b.name, o),
            None => format!("<built-in function {}>", b.name),
        },
        Value::BoundMethod(bm) => match &bm.1 {
            // A method of a natively implemented class that is Python code in the library it
            // stands for (a module that is neither `builtins`, nor a C module `_name`, nor a
            // Cython-compiled `name_cy`) shows as a bound Python function does.
            Value::Builtin(b)
                if b.owner.is_some() && {
                    let m = &interp.type_of(&bm.0).module;
                    m != "builtins" && !m.starts_with('_') && !m.ends_with("_cy")
                } =>
            {
                let owner = b.owner.as_deref().unwrap_or_default();
                format!("<bound method {owner}.{} of {}>", b.name, repr(interp, &bm.0.clone())?)
            }
            Value::Builtin(b)
                if b.owner
                    .as_deref()
                    .is_some_and(|o| builtin_type_name(interp, o) && super::builtins::is_slot_wrapper(o, &b.name)) =>
            {
                format!("<method-wrapper '{}' of {} object at {}>", b.name, interp.type_name(&bm.0), address(&bm.0))
            }
            Value::Builtin(b) => {
                format!("<built-in method {} of {} object at {}>", b.name, interp.type_name(&bm.0), address(&bm.0))
            }
            f => {
                let name = match f {
                    Value::Function(f) => f.qualname.clone(),
                    _ => "?".into(),
                };
                format!("<bound method {} of {}>", name, repr(interp, &bm.0.clone())?)
            }
        },
        Value::Class(c) => match interp.meta_dunder(v, "__repr__") {
            Some(f) => {
                let r = interp.call(&f, Args::new(vec![v.clone()]))?;
                match r {
                    Value::Str(s) => s.to_string(),
                    other => {
                        return Err(interp
                            .type_error(format!("__repr__ returned non-string (type {})", interp.type_name(&other))))
                    }
                }
            }
            None => format!("<class '{}'>", class_path(c)),
        },
        // CPython 3.11 freezes these standard modules: their repr says so.
        Value::Module(m)
            if ["os", "posixpath", "genericpath", "stat", "abc", "codecs", "io", "site"].contains(&m.name.as_str()) =>
        {
            format!("<module '{}' (frozen)>", m.name)
        }
        Value::Module(m) => match m.get("__file__").and_then(|f| f.as_str().map(str::to_string)) {
            Some(f) => format!("<module '{}' from '{}'>", m.name, f),
            None => format!("<module '{}' (built-in)>", m.name),
        },
        Value::Instance(i) => {
            let cls = i.class.clone();
            if let Some(r) = cls.lookup("__repr__") {
                let saved = std::mem::replace(&mut interp.recursion_context, " while calling a Python object");
                let out = interp.call(&r, Args::new(vec![v.clone()]));
                interp.recursion_context = saved;
                let out = out?;
                return match out {
                    Value::Str(s) => Ok(s.to_string()),
                    other => {
                        Err(interp
                            .type_error(format!("__repr__ returned non-string (type {})", interp.type_name(&other))))
                    }
                };
            }
            if cls.builtin == Some(BuiltinType::BaseException) {
                let args = i.dict.borrow().get_str("args").cloned().unwrap_or(Value::tuple(vec![]));
                let inner = match &args {
                    Value::Tuple(t) if t.len() == 1 => repr(interp, &t[0])?,
                    Value::Tuple(t) => join_reprs(interp, t)?,
                    _ => String::new(),
                };
                return Ok(format!("{}({})", cls.name, inner));
            }
            if cls.name == "generator" {
                if let Some(name) = super::iters::generator_name(v) {
                    return Ok(format!("<generator object {name} at {}>", address(v)));
                }
            }
            format!("<{} object at {}>", cls.repr_name(), address(v))
        }
    })
}

/// The widest padding (and the longest precision) a format spec may ask for here.
const MAX_FORMAT_WIDTH: usize = 1 << 24;

/// Applies a format spec (`>10`, `.2f`, `,d`, ...) to a builtin value.
pub fn format_spec(interp: &mut Interp, v: &Value, spec: &str) -> PyResult<String> {
    if spec.is_empty() {
        return interp.to_str(v);
    }
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut fill = ' ';
    let mut align = None;
    if chars.len() >= 2 && "<>^=".contains(chars[1]) {
        fill = chars[0];
        align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && "<>^=".contains(chars[0]) {
        align = Some(chars[0]);
        i = 1;
    }
    let mut sign = '-';
    if i < chars.len() && "+- ".contains(chars[i]) {
        sign = chars[i];
        i += 1;
    }
    let mut alt = false;
    if i < chars.len() && chars[i] == '#' {
        alt = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        if align.is_none() {
            fill = '0';
            align = Some('=');
        }
        i += 1;
    }
    // CPython parses the numbers as Py_ssize_t; one that overflows is this ValueError.
    let too_many = |interp: &mut Interp| interp.err("ValueError", "Too many decimal digits in format string");
    let mut width = 0usize;
    while i < chars.len() && chars[i].is_ascii_digit() {
        let d = chars[i].to_digit(10).unwrap_or(0) as usize;
        width = match width.checked_mul(10).and_then(|w| w.checked_add(d)).filter(|w| *w <= isize::MAX as usize) {
            Some(w) => w,
            None => return Err(too_many(interp)),
        };
        i += 1;
    }
    let mut grouping = None;
    if i < chars.len() && (chars[i] == ',' || chars[i] == '_') {
        grouping = Some(chars[i]);
        i += 1;
    }
    let mut precision = None;
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let mut p = 0usize;
        while i < chars.len() && chars[i].is_ascii_digit() {
            let d = chars[i].to_digit(10).unwrap_or(0) as usize;
            p = match p.checked_mul(10).and_then(|w| w.checked_add(d)).filter(|w| *w <= isize::MAX as usize) {
                Some(w) => w,
                None => return Err(too_many(interp)),
            };
            i += 1;
        }
        precision = Some(p);
    }
    // A padded result CPython would need gigabytes for: its MemoryError, before the page's
    // memory runs out.
    if width > MAX_FORMAT_WIDTH || precision.is_some_and(|p| p > MAX_FORMAT_WIDTH && !matches!(v, Value::Str(_))) {
        return Err(interp.err_bare("MemoryError"));
    }
    let ty = chars.get(i).copied();
    if i + 1 < chars.len() {
        return Err(interp.err("ValueError", "Invalid format specifier"));
    }
    let (body, numeric, negative) = match v {
        Value::Str(s) => {
            if let Some(t) = ty {
                if t != 's' {
                    return Err(interp.err("ValueError", format!("Unknown format code '{t}' for object of type 'str'")));
                }
            }
            let s: String = match precision {
                Some(p) => s.chars().take(p).collect(),
                None => s.to_string(),
            };
            (s, false, false)
        }
        Value::BigInt(b) if !matches!(ty, Some('f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%')) => {
            let abs = b.abs();
            let digits = match ty {
                Some('x') => format!("{}{}", if alt { "0x" } else { "" }, abs.to_radix_string(16)),
                Some('X') => format!("{}{}", if alt { "0X" } else { "" }, abs.to_radix_string(16).to_uppercase()),
                Some('o') => format!("{}{}", if alt { "0o" } else { "" }, abs.to_radix_string(8)),
                Some('b') => format!("{}{}", if alt { "0b" } else { "" }, abs.to_radix_string(2)),
                Some('c') => return Err(interp.err("OverflowError", "%c arg not in range(0x110000)")),
                Some('d') | Some('n') | None => group(&big_decimal(interp, &abs)?, grouping),
                Some(t) => {
                    return Err(interp.err("ValueError", format!("Unknown format code '{t}' for object of type 'int'")))
                }
            };
            (digits, true, b.is_negative())
        }
        Value::Int(_) | Value::Bool(_) if !matches!(ty, Some('f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%')) => {
            let n = match v {
                Value::Int(n) => *n,
                Value::Bool(b) => *b as i64,
                _ => 0,
            };
            let abs = n.unsigned_abs();
            let digits = match ty {
                Some('x') => format!("{}{:x}", if alt { "0x" } else { "" }, abs),
                Some('X') => format!("{}{:X}", if alt { "0X" } else { "" }, abs),
                Some('o') => format!("{}{:o}", if alt { "0o" } else { "" }, abs),
                Some('b') => format!("{}{:b}", if alt { "0b" } else { "" }, abs),
                Some('c') => char::from_u32(abs as u32).map(|c| c.to_string()).unwrap_or_default(),
                Some('d') | Some('n') | None => group(&abs.to_string(), grouping),
                Some(t) => {
                    return Err(interp.err("ValueError", format!("Unknown format code '{t}' for object of type 'int'")))
                }
            };
            (digits, true, n < 0)
        }
        Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::BigInt(_) => {
            let x = match v {
                Value::Int(n) => *n as f64,
                Value::BigInt(b) => b.to_f64().ok_or_else(|| super::ops::int_too_large(interp))?,
                Value::Bool(b) => *b as i64 as f64,
                Value::Float(f) => *f,
                _ => 0.0,
            };
            let abs = x.abs();
            let p = precision.unwrap_or(6);
            let s = match ty {
                Some('f') | Some('F') if alt && p == 0 => format!("{}.", group_float(&format!("{abs:.0}"), grouping)),
                Some('f') | Some('F') => group_float(&fixed(abs, p), grouping),
                Some('%') => format!("{}%", fixed(abs * 100.0, p)),
                Some('e') | Some('E') => {
                    let s = sci(abs, p);
                    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                    let e: i32 = e.parse().unwrap_or(0);
                    let dot = if alt && !m.contains('.') { "." } else { "" };
                    let r = format!("{m}{dot}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                    if ty == Some('E') {
                        r.to_uppercase()
                    } else {
                        r
                    }
                }
                Some('g') | Some('G') if alt => general_alt(abs, precision.unwrap_or(6).max(1)),
                Some('g') | Some('G') => general(abs, precision.unwrap_or(6).max(1)),
                None => match precision {
                    Some(p) => general(abs, p.max(1)),
                    None => float_repr(abs),
                },
                Some(t) => {
                    return Err(
                        interp.err("ValueError", format!("Unknown format code '{t}' for object of type 'float'"))
                    )
                }
            };
            (s, true, x.is_sign_negative() && !x.is_nan())
        }
        _ => {
            let _s = interp.to_str(v)?;
            return Err(
                interp.type_error(format!("unsupported format string passed to {}.__format__", interp.type_name(v)))
            );
        }
    };
    let sign_str = if numeric {
        if negative {
            "-"
        } else if sign == '+' {
            "+"
        } else if sign == ' ' {
            " "
        } else {
            ""
        }
    } else {
        ""
    };
    let content_len = body.chars().count() + sign_str.len();
    let align = align.unwrap_or(if numeric { '>' } else { '<' });
    if content_len >= width {
        return Ok(format!("{sign_str}{body}"));
    }
    let pad = width - content_len;
    let fills = |n: usize| fill.to_string().repeat(n);
    Ok(match align {
        '<' => format!("{sign_str}{body}{}", fills(pad)),
        '>' => format!("{}{sign_str}{body}", fills(pad)),
        '^' => format!("{}{sign_str}{body}{}", fills(pad / 2), fills(pad - pad / 2)),
        _ => format!("{sign_str}{}{body}", fills(pad)),
    })
}

/// `x` with `p` digits after the point, exact for any `p` (Rust's formatter panics past
/// 65,535): a double's decimal expansion ends within 1,074 places, zeros after that.
fn fixed(x: f64, p: usize) -> String {
    const EXACT: usize = 1100;
    if p <= EXACT {
        return format!("{x:.p$}");
    }
    let mut s = format!("{x:.EXACT$}");
    if x.is_finite() {
        s.push_str(&"0".repeat(p - EXACT));
    }
    s
}

/// `x` in Rust's scientific form (`1.5e3`) with `p` digits after the point, exact for any `p`:
/// a double has at most 767 significant digits, zeros after that.
fn sci(x: f64, p: usize) -> String {
    const EXACT: usize = 800;
    if p <= EXACT {
        return format!("{x:.p$e}");
    }
    let s = format!("{x:.EXACT$e}");
    match s.split_once('e') {
        Some((m, e)) if x.is_finite() => format!("{m}{}e{e}", "0".repeat(p - EXACT)),
        _ => s,
    }
}

/// `general` in the alternate form (`#g`): trailing zeros and the point kept.
fn general_alt(x: f64, p: usize) -> String {
    if x == 0.0 {
        return format!("{}{}", fixed(0.0, p - 1), if p == 1 { "." } else { "" });
    }
    let exp = x.abs().log10().floor() as i32;
    let dot = |m: &str| if m.contains('.') { m.to_string() } else { format!("{m}.") };
    if exp < -4 || exp >= p as i32 {
        let s = sci(x, p - 1);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        format!("{}e{}{:02}", dot(m), if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        dot(&fixed(x, decimals))
    }
}

fn general(x: f64, p: usize) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    if exp < -4 || exp >= p as i32 {
        let s = sci(x, p - 1);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let m = if m.contains('.') { m.trim_end_matches('0').trim_end_matches('.') } else { m };
        let e: i32 = e.parse().unwrap_or(0);
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let s = fixed(x, decimals);
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

fn group(digits: &str, sep: Option<char>) -> String {
    let Some(sep) = sep else { return digits.to_string() };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn group_float(s: &str, sep: Option<char>) -> String {
    match s.split_once('.') {
        Some((a, b)) => format!("{}.{}", group(a, sep), b),
        None => group(s, sep),
    }
}

/// `fmt % args` (printf-style formatting of str).
pub fn percent_format(interp: &mut Interp, fmt: &Value, args: &Value) -> PyResult<Value> {
    let f = fmt.as_str().unwrap_or("").to_string();
    // As `PyUnicode_Format`: a tuple holds the arguments, anything else is the one argument;
    // and anything subscriptable but a tuple or str (a dict, a list, bytes, ...) also serves
    // `%(key)s` and may go unused.
    let tuple = match args {
        Value::Instance(_) => args.builtin_base().filter(|b| matches!(b, Value::Tuple(_))),
        _ => None,
    };
    let (items, mapping) = match tuple.as_ref().unwrap_or(args) {
        Value::Tuple(t) => ((**t).clone(), None),
        other => {
            let subscriptable = match other {
                Value::Dict(_) | Value::List(_) | Value::Bytes(_) => true,
                Value::Instance(inst) => inst.class.lookup("__getitem__").is_some(),
                _ => false,
            };
            (vec![other.clone()], subscriptable.then(|| other.clone()))
        }
    };
    let mut out = String::new();
    let mut next = 0usize;
    let chars: Vec<char> = f.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        if i >= chars.len() {
            return Err(interp.err("ValueError", "incomplete format"));
        }
        let mut value = None;
        if chars[i] == '(' {
            let end = chars[i..].iter().position(|&c| c == ')').map(|p| p + i);
            let Some(end) = end else { return Err(interp.err("ValueError", "incomplete format key")) };
            let key: String = chars[i + 1..end].iter().collect();
            let m = mapping.clone().ok_or_else(|| interp.type_error("format requires a mapping"))?;
            value = Some(interp.getitem(&m, Value::str(&key))?);
            // The looked-up value takes the arguments' place (`ctx->args`), used up at once:
            // a later `%s` without a key finds none.
            next = items.len();
            i = end + 1;
        }
        // Flags, width, precision (`*` takes either from the arguments), a length modifier
        // (`h`, `l`, `L`: ignored), the conversion.
        let mut flags = String::new();
        while i < chars.len() && "-+ #0".contains(chars[i]) {
            flags.push(chars[i]);
            i += 1;
        }
        let star = |interp: &mut Interp, next: &mut usize| -> PyResult<i64> {
            let v =
                items.get(*next).cloned().ok_or_else(|| interp.type_error("not enough arguments for format string"))?;
            *next += 1;
            match v {
                Value::Int(n) => Ok(n),
                Value::Bool(b) => Ok(b as i64),
                _ => Err(interp.type_error("* wants int")),
            }
        };
        let mut width = String::new();
        if chars.get(i) == Some(&'*') {
            let w = star(interp, &mut next)?;
            if w < 0 {
                flags.insert(0, '-');
            }
            width = w.unsigned_abs().to_string();
            i += 1;
        } else {
            while i < chars.len() && chars[i].is_ascii_digit() {
                width.push(chars[i]);
                i += 1;
            }
        }
        if chars.get(i) == Some(&'.') {
            width.push('.');
            i += 1;
            if chars.get(i) == Some(&'*') {
                width.push_str(&star(interp, &mut next)?.max(0).to_string());
                i += 1;
            } else {
                while i < chars.len() && chars[i].is_ascii_digit() {
                    width.push(chars[i]);
                    i += 1;
                }
            }
        }
        flags.push_str(&width);
        while i < chars.len() && matches!(chars[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        let Some(&conv) = chars.get(i) else { return Err(interp.err("ValueError", "incomplete format")) };
        i += 1;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let v = match value {
            Some(v) => v,
            None => {
                let v = items
                    .get(next)
                    .cloned()
                    .ok_or_else(|| interp.type_error("not enough arguments for format string"))?;
                next += 1;
                v
            }
        };
        // Flags (any order) then width and precision, turned into a format spec.
        let flag_end = flags.find(|c: char| !"-+ #0".contains(c)).unwrap_or(flags.len());
        let (flag_chars, width_prec) = flags.split_at(flag_end);
        let left = flag_chars.contains('-');
        let zero = flag_chars.contains('0') && !left;
        let sign = if flag_chars.contains('+') {
            "+"
        } else if flag_chars.contains(' ') {
            " "
        } else {
            ""
        };
        let alt = if flag_chars.contains('#') { "#" } else { "" };
        let numeric_spec = |width_prec: &str| {
            let align = if left { "<" } else { "" };
            format!("{align}{sign}{alt}{}{width_prec}", if zero { "0" } else { "" })
        };
        let rest = width_prec.to_string();
        {
            // CPython's limits: a width beyond Py_ssize_t, a precision beyond int; a result
            // that needs gigabytes is its MemoryError here, before the page's memory runs out.
            let (w, p) = rest.split_once('.').unwrap_or((&rest, ""));
            let too_big = |digits: &str, max: u64| {
                !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit())
                    && digits.parse::<u64>().map_or(true, |n| n > max)
            };
            if too_big(w, isize::MAX as u64) {
                return Err(interp.err("ValueError", "width too big"));
            }
            if too_big(p, i32::MAX as u64) {
                return Err(interp.err("ValueError", "precision too big"));
            }
            if too_big(w, MAX_FORMAT_WIDTH as u64)
                || (!matches!(conv, 's' | 'r' | 'a') && too_big(p, MAX_FORMAT_WIDTH as u64))
            {
                return Err(interp.err_bare("MemoryError"));
            }
        }
        let piece = match conv {
            's' => interp.to_str(&v)?,
            'r' => interp.repr(&v)?,
            'a' => ascii(&interp.repr(&v)?),
            'd' | 'i' | 'u' => {
                let n = match &v {
                    Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                        super::ops::as_big(&v).unwrap_or_else(super::bigint::BigInt::zero)
                    }
                    Value::Float(f) if f.is_finite() => super::bigint::BigInt::from_f64(*f),
                    Value::Float(f) if f.is_nan() => {
                        return Err(interp.err("ValueError", "cannot convert float NaN to integer"))
                    }
                    Value::Float(_) => {
                        return Err(interp.err("OverflowError", "cannot convert float infinity to integer"))
                    }
                    _ => {
                        return Err(interp.type_error(format!(
                            "%{conv} format: a real number is required, not {}",
                            interp.type_name(&v)
                        )))
                    }
                };
                let (w, p) = rest.split_once('.').unwrap_or((&rest, ""));
                let digits = format_spec(interp, &n.abs().into_value(), "")?;
                let digits =
                    if p.is_empty() { digits } else { format!("{digits:0>width$}", width = p.parse().unwrap_or(0)) };
                let signed = format!("{}{digits}", if n.is_negative() { "-" } else { sign });
                let width: usize = w.parse().unwrap_or(0);
                let len = signed.chars().count();
                if len >= width {
                    signed
                } else if left {
                    format!("{signed}{}", " ".repeat(width - len))
                } else if zero {
                    let (sg, body) = signed.split_at(signed.len() - digits.len());
                    format!("{sg}{}{body}", "0".repeat(width - len))
                } else {
                    format!("{}{signed}", " ".repeat(width - len))
                }
            }
            'x' | 'X' | 'o' if !matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_)) => {
                return Err(
                    interp.type_error(format!("%{conv} format: an integer is required, not {}", interp.type_name(&v)))
                )
            }
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'x' | 'X' | 'o' => {
                let spec = format!("{}{}", numeric_spec(&rest), conv);
                let v =
                    if "xXo".contains(conv) { v } else { Value::Float(crate::python::builtins::to_f64(interp, &v)?) };
                format_spec(interp, &v, &spec)?
            }
            'c' => match &v {
                Value::Str(s) if s.chars().count() == 1 => s.to_string(),
                Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
                    let n = super::ops::as_big(&v).and_then(|b| b.to_i64()).unwrap_or(-1);
                    match u32::try_from(n).ok().filter(|&n| n < 0x110000) {
                        // A lone surrogate has no char: shown as U+FFFD.
                        Some(n) => char::from_u32(n).unwrap_or('\u{fffd}').to_string(),
                        None => return Err(interp.err("OverflowError", "%c arg not in range(0x110000)")),
                    }
                }
                _ => return Err(interp.type_error("%c requires int or char")),
            },
            other => {
                return Err(interp.err(
                    "ValueError",
                    format!("unsupported format character '{other}' (0x{:x}) at index {}", other as u32, i - 1),
                ))
            }
        };
        let width: usize = rest.split('.').next().unwrap_or("").parse().unwrap_or(0);
        let piece = match (conv, rest.split_once('.')) {
            ('s' | 'r' | 'a', Some((_, p))) => piece.chars().take(p.parse().unwrap_or(0)).collect(),
            _ => piece,
        };
        if piece.chars().count() < width && matches!(conv, 's' | 'r' | 'a' | 'c') {
            let pad = " ".repeat(width - piece.chars().count());
            if left {
                out.push_str(&piece);
                out.push_str(&pad);
            } else {
                out.push_str(&pad);
                out.push_str(&piece);
            }
        } else {
            out.push_str(&piece);
        }
    }
    if mapping.is_none() && next < items.len() {
        return Err(interp.type_error("not all arguments converted during string formatting"));
    }
    Ok(Value::str(&out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_reprs_match_cpython() {
        // Checked with python3 3.11: repr(x) for each.
        let cases = [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (-2.5, "-2.5"),
            (2.5e-3, "0.0025"),
            (1.5e-7, "1.5e-07"),
        ];
        for (x, want) in cases {
            assert_eq!(float_repr(x), want, "{x}");
        }
    }

    #[test]
    fn str_reprs_match_cpython() {
        assert_eq!(str_repr("ada"), "'ada'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(str_repr("tab\there\n"), "'tab\\there\\n'");
        assert_eq!(str_repr("é"), "'é'");
    }

    /// Found by the eval fuzz target: a width with more digits than fit in a machine word
    /// overflowed (a panic). python3 3.11 says the same ValueError for width and precision.
    #[test]
    fn overlong_widths_are_python_errors() {
        let mut interp = Interp::new();
        let v = Value::str("a");
        let e = format_spec(&mut interp, &v, &format!("{}>5", "1".repeat(60))).expect_err("error");
        assert_eq!(interp.type_name(&e.exc), "ValueError");
        assert_eq!(
            super::super::builtins::exception_str(&mut interp, &e.exc).ok().as_deref(),
            Some("Too many decimal digits in format string")
        );
        let e = format_spec(&mut interp, &v, &format!(".{}", "9".repeat(30))).expect_err("error");
        assert_eq!(
            super::super::builtins::exception_str(&mut interp, &e.exc).ok().as_deref(),
            Some("Too many decimal digits in format string")
        );
        assert_eq!(format_spec(&mut interp, &v, ">3").ok().as_deref(), Some("  a"));
    }

    /// Found by the eval fuzz target: `'%999999999999999999s' % 'a'` asked for an exabyte.
    #[test]
    fn overlong_percent_widths_are_python_errors() {
        let mut interp = Interp::new();
        let mut check = |fmt: &str, want: &str| {
            let e = percent_format(&mut interp, &Value::str(fmt), &Value::str("a")).expect_err("error");
            let got = format!(
                "{}: {}",
                interp.type_name(&e.exc),
                super::super::builtins::exception_str(&mut interp, &e.exc).unwrap_or_default()
            );
            assert_eq!(got, want, "{fmt}");
        };
        // python3 3.11's verdicts.
        check("%999999999999999999s", "MemoryError: ");
        check("%99999999999999999999s", "ValueError: width too big");
        check("%.999999999999999999s", "ValueError: precision too big");
    }
}

/// `module.QualName` as a class's repr shows it: only builtins go without their module
/// (`<class '__main__.Pair'>`, `<class 'int'>`).
fn class_path(c: &super::value::Class) -> String {
    let declared = c.dict.borrow().get_str("__module__").and_then(|m| m.as_str().map(str::to_string));
    let module = declared.unwrap_or_else(|| c.module.clone());
    if module == "builtins" {
        c.qualname.clone()
    } else {
        format!("{}.{}", module, c.qualname)
    }
}

/// Is `name` a builtin type's name (`list`, `generator`), not a library class's?
fn builtin_type_name(interp: &Interp, name: &str) -> bool {
    match interp.builtins.get(name) {
        Some(Value::Class(c)) => c.module == "builtins",
        _ => interp.iter_classes.borrow().get(name).is_some_and(|c| c.module == "builtins"),
    }
}
