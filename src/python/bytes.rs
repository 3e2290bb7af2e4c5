//! `bytes` methods, `bytearray`, and the codecs `str.encode` / `bytes.decode` know (UTF-8,
//! ASCII, Latin-1), with CPython's error words.
//!
//! Most `bytes` methods are `str`'s on an image of the bytes in which each ASCII byte is its
//! own character and every other byte (and the four separators 0x1c-0x1f, which `str` counts as
//! whitespace) a private-use character: `str`'s methods then treat them as `bytes` does
//! (neither letters nor spaces), and the result maps back byte for byte.

use std::cell::RefCell;
use std::rc::Rc;

use super::builtins::{func, method, native_class, new_native, to_index};
use super::interp::{Interp, PyErr, PyResult};
use super::value::{Args, Class, Value};

/// The payload of a `bytearray`.
pub struct ByteArray(pub RefCell<Vec<u8>>);

/// The bytes of a bytes-like value (`bytes` or `bytearray`).
pub fn bytes_of(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Bytes(b) => Some(b.to_vec()),
        Value::Instance(_) => {
            v.payload::<ByteArray>().map(|b| b.0.borrow().clone()).or_else(|| match v.builtin_base() {
                Some(Value::Bytes(b)) => Some(b.to_vec()),
                _ => None,
            })
        }
        _ => None,
    }
}

fn to_char(b: u8) -> char {
    if b < 0x80 && !(0x1c..=0x1f).contains(&b) {
        b as char
    } else {
        char::from_u32(0xE000 + b as u32).unwrap_or('\u{E000}')
    }
}

fn image(b: &[u8]) -> String {
    b.iter().map(|&x| to_char(x)).collect()
}

fn from_image(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            let n = c as u32;
            if (0xE000..0xE100).contains(&n) {
                (n - 0xE000) as u8
            } else {
                n as u8
            }
        })
        .collect()
}

fn normalize_encoding(enc: &str) -> String {
    enc.trim().to_ascii_lowercase().replace('_', "-")
}

enum Codec {
    Utf8,
    Ascii,
    Latin1,
}

fn codec(interp: &Interp, enc: &str) -> PyResult<(Codec, &'static str)> {
    Ok(match normalize_encoding(enc).as_str() {
        "utf-8" | "utf8" | "u8" | "utf" | "cp65001" => (Codec::Utf8, "utf-8"),
        "ascii" | "us-ascii" | "646" => (Codec::Ascii, "ascii"),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "latin" | "8859" | "cp819" => {
            (Codec::Latin1, "latin-1")
        }
        _ => return Err(interp.err("LookupError", format!("unknown encoding: {enc}"))),
    })
}

fn unicode_error(interp: &Interp, kind: &str, msg: String) -> PyErr {
    interp.err(kind, msg)
}

fn position(start: usize, n: usize) -> String {
    if n <= 1 {
        format!("in position {start}")
    } else {
        format!("in position {start}-{}", start + n - 1)
    }
}

/// `b.decode(encoding, errors)`.
pub fn decode(interp: &Interp, b: &[u8], encoding: &str, errors: &str) -> PyResult<String> {
    let (codec, name) = codec(interp, encoding)?;
    let mut out = String::with_capacity(b.len());
    let mut pos = 0;
    while pos < b.len() {
        // The next undecodable run: (start, length, reason).
        let bad = match codec {
            Codec::Latin1 => {
                out.extend(b[pos..].iter().map(|&x| x as char));
                break;
            }
            Codec::Ascii => match b[pos..].iter().position(|&x| x >= 0x80) {
                None => {
                    out.extend(b[pos..].iter().map(|&x| x as char));
                    break;
                }
                Some(k) => {
                    out.extend(b[pos..pos + k].iter().map(|&x| x as char));
                    (pos + k, 1, "ordinal not in range(128)")
                }
            },
            Codec::Utf8 => match std::str::from_utf8(&b[pos..]) {
                Ok(s) => {
                    out.push_str(s);
                    break;
                }
                Err(e) => {
                    let ok = e.valid_up_to();
                    out.push_str(std::str::from_utf8(&b[pos..pos + ok]).unwrap_or(""));
                    let start = pos + ok;
                    match e.error_len() {
                        None => (start, b.len() - start, "unexpected end of data"),
                        Some(n) => {
                            let lead = b[start];
                            let reason = if n == 1 && !(0xC2..=0xF4).contains(&lead) {
                                "invalid start byte"
                            } else {
                                "invalid continuation byte"
                            };
                            (start, n, reason)
                        }
                    }
                }
            },
        };
        let (start, n, reason) = bad;
        match errors {
            "strict" => {
                let what = if n == 1 { format!("byte 0x{:02x}", b[start]) } else { "bytes".to_string() };
                return Err(unicode_error(
                    interp,
                    "UnicodeDecodeError",
                    format!("'{name}' codec can't decode {what} {}: {reason}", position(start, n)),
                ));
            }
            "replace" => out.push('\u{FFFD}'),
            "ignore" => {}
            "backslashreplace" => {
                for x in &b[start..start + n] {
                    out.push_str(&format!("\\x{x:02x}"));
                }
            }
            "surrogateescape" | "surrogatepass" | "xmlcharrefreplace" | "namereplace" => {
                return Err(
                    interp.err("LookupError", format!("the playground does not support the error handler '{errors}'"))
                )
            }
            other => return Err(interp.err("LookupError", format!("unknown error handler name '{other}'"))),
        }
        pos = start + n;
    }
    Ok(out)
}

/// `s.encode(encoding, errors)`.
pub fn encode(interp: &Interp, s: &str, encoding: &str, errors: &str) -> PyResult<Vec<u8>> {
    let (codec, name) = codec(interp, encoding)?;
    let limit: u32 = match codec {
        Codec::Utf8 => return Ok(s.as_bytes().to_vec()),
        Codec::Ascii => 0x80,
        Codec::Latin1 => 0x100,
    };
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k];
        if (c as u32) < limit {
            out.push(c as u32 as u8);
            k += 1;
            continue;
        }
        match errors {
            "strict" => {
                let n = chars[k..].iter().take_while(|c| (**c as u32) >= limit).count();
                let what = if n == 1 {
                    format!("character '{}'", super::format::char_escape(c))
                } else {
                    "characters".to_string()
                };
                return Err(unicode_error(
                    interp,
                    "UnicodeEncodeError",
                    format!("'{name}' codec can't encode {what} {}: ordinal not in range({limit})", position(k, n)),
                ));
            }
            "replace" => out.push(b'?'),
            "ignore" => {}
            "xmlcharrefreplace" => out.extend(format!("&#{};", c as u32).bytes()),
            "backslashreplace" => out.extend(super::format::char_escape(c).bytes()),
            "surrogateescape" | "surrogatepass" | "namereplace" => {
                return Err(
                    interp.err("LookupError", format!("the playground does not support the error handler '{errors}'"))
                )
            }
            other => return Err(interp.err("LookupError", format!("unknown error handler name '{other}'"))),
        }
        k += 1;
    }
    Ok(out)
}

/// The `encoding` and `errors` arguments of `decode` / `encode` (positions 1 and 2 after self).
fn codec_args(interp: &Interp, a: &mut Args, fname: &str) -> PyResult<(String, String)> {
    let enc = a.arg(1, "encoding");
    let err = a.arg(2, "errors");
    let text = |v: Option<Value>, arg: &str, default: &str| match v {
        None => Ok(default.to_string()),
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => {
            Err(interp.type_error(format!("{fname}() argument '{arg}' must be str, not {}", interp.type_name(&other))))
        }
    };
    Ok((text(enc, "encoding", "utf-8")?, text(err, "errors", "strict")?))
}

/// `str.encode`.
pub fn str_encode(interp: &mut Interp, mut a: Args) -> PyResult<Value> {
    let s = match a.pos.first() {
        Some(Value::Str(s)) => s.clone(),
        Some(v) => match v.builtin_base() {
            Some(Value::Str(s)) => s,
            _ => return Err(interp.type_error("descriptor 'encode' for 'str' objects doesn't apply to this object")),
        },
        None => return Err(interp.type_error("unbound method str.encode() needs an argument")),
    };
    let (enc, errors) = codec_args(interp, &mut a, "encode")?;
    Ok(Value::Bytes(Rc::from(encode(interp, &s, &enc, &errors)?)))
}

/// The bytes `bytes(...)` / `bytearray(...)` are made of.
fn construct(interp: &mut Interp, mut a: Args, name: &str) -> PyResult<Vec<u8>> {
    let enc = a.take_kw("encoding");
    let errors = a.take_kw("errors");
    let src = a.take_kw("source").or_else(|| a.pos.first().cloned());
    let enc = enc.or_else(|| a.pos.get(1).cloned());
    let errors = errors.or_else(|| a.pos.get(2).cloned());
    let Some(src) = src else {
        if enc.is_some() || errors.is_some() {
            return Err(interp.type_error(if enc.is_some() {
                "encoding without a string argument"
            } else {
                "errors without a string argument"
            }));
        }
        return Ok(Vec::new());
    };
    if let Value::Str(s) = &src {
        let Some(enc) = enc else { return Err(interp.type_error("string argument without an encoding")) };
        let text =
            |v: &Value, what: &str| match v {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(interp
                    .type_error(format!("{name}() argument '{what}' must be str, not {}", interp.type_name(other)))),
            };
        let enc = text(&enc, "encoding")?;
        let errors = match &errors {
            Some(e) => text(e, "errors")?,
            None => "strict".into(),
        };
        return encode(interp, s, &enc, &errors);
    }
    if enc.is_some() {
        return Err(interp.type_error("encoding without a string argument"));
    }
    if errors.is_some() {
        return Err(interp.type_error("errors without a string argument"));
    }
    if let Some(b) = bytes_of(&src) {
        return Ok(b);
    }
    match &src {
        Value::Int(n) => {
            if *n < 0 {
                return Err(interp.err("ValueError", "negative count"));
            }
            interp.reserve(usize::try_from(*n).unwrap_or(usize::MAX))?;
            Ok(vec![0u8; *n as usize])
        }
        Value::Bool(b) => Ok(vec![0u8; *b as usize]),
        Value::BigInt(_) => Err(interp.err("OverflowError", "cannot fit 'int' into an index-sized integer")),
        Value::Float(_) | Value::None => {
            Err(interp.type_error(format!("cannot convert '{}' object to {name}", interp.type_name(&src))))
        }
        other => {
            let items = interp.iterate(other).map_err(|e| {
                if interp.err_is(&e, "TypeError") && matches!(other, Value::Instance(_)) {
                    interp.type_error(format!("cannot convert '{}' object to {name}", interp.type_name(other)))
                } else {
                    e
                }
            })?;
            let mut out = Vec::with_capacity(items.len());
            for x in items {
                let msg =
                    if name == "bytes" { "bytes must be in range(0, 256)" } else { "byte must be in range(0, 256)" };
                out.push(byte_value(interp, &x, msg)?);
            }
            Ok(out)
        }
    }
}

fn byte_value(interp: &Interp, v: &Value, range_msg: &str) -> PyResult<u8> {
    let n = to_index(interp, v)?;
    u8::try_from(n).map_err(|_| interp.err("ValueError", range_msg))
}

/// `bytes(...)`.
pub fn bytes_new(interp: &mut Interp, a: Args) -> PyResult<Value> {
    Ok(Value::Bytes(Rc::from(construct(interp, a, "bytes")?)))
}

fn hex(interp: &Interp, b: &[u8], mut a: Args) -> PyResult<Value> {
    let sep = a.arg(1, "sep");
    let per = match a.arg(2, "bytes_per_sep") {
        Some(v) => to_index(interp, &v)?,
        None => 1,
    };
    let digits: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
    let sep = match sep {
        None => return Ok(Value::str(&digits.concat())),
        Some(Value::Str(s)) => s.to_string(),
        Some(v) => match bytes_of(&v) {
            Some(b) => String::from_utf8_lossy(&b).into_owned(),
            None => return Err(interp.type_error("sep must be str or bytes.")),
        },
    };
    if sep.chars().count() != 1 {
        return Err(interp.err("ValueError", "sep must be length 1."));
    }
    if per == 0 || digits.is_empty() {
        return Ok(Value::str(&digits.concat()));
    }
    let n = per.unsigned_abs() as usize;
    // Groups of `n` bytes, counted from the right (positive) or the left (negative).
    let mut groups: Vec<String> = Vec::new();
    if per > 0 {
        let first = digits.len() % n;
        if first > 0 {
            groups.push(digits[..first].concat());
        }
        groups.extend(digits[first..].chunks(n).map(|c| c.concat()));
    } else {
        groups.extend(digits.chunks(n).map(|c| c.concat()));
    }
    Ok(Value::str(&groups.join(&sep)))
}

fn fromhex(interp: &Interp, s: &str) -> PyResult<Vec<u8>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut k = 0;
    let bad =
        |k: usize| interp.err("ValueError", format!("non-hexadecimal number found in fromhex() arg at position {k}"));
    while k < chars.len() {
        if chars[k].is_ascii_whitespace() {
            k += 1;
            continue;
        }
        let hi = chars[k].to_digit(16).ok_or_else(|| bad(k))?;
        let lo = chars.get(k + 1).and_then(|c| c.to_digit(16)).ok_or_else(|| bad(k + 1))?;
        out.push((hi * 16 + lo) as u8);
        k += 2;
    }
    Ok(out)
}

/// Methods that are `str`'s on the image of the bytes.
const STR_LIKE: &[&str] = &[
    "capitalize",
    "center",
    "count",
    "endswith",
    "expandtabs",
    "find",
    "index",
    "isalnum",
    "isalpha",
    "isdigit",
    "islower",
    "isspace",
    "istitle",
    "isupper",
    "join",
    "ljust",
    "lower",
    "lstrip",
    "partition",
    "removeprefix",
    "removesuffix",
    "replace",
    "rfind",
    "rindex",
    "rjust",
    "rpartition",
    "rsplit",
    "rstrip",
    "split",
    "splitlines",
    "startswith",
    "strip",
    "swapcase",
    "title",
    "upper",
    "zfill",
];

/// An argument of a `str`-like bytes method, as the `str` method takes it.
fn arg_image(interp: &mut Interp, name: &str, k: usize, v: &Value) -> PyResult<Value> {
    if let Some(b) = bytes_of(v) {
        return Ok(Value::str(&image(&b)));
    }
    match (name, v) {
        ("join", _) => {
            let mut parts = Vec::new();
            for (n, x) in interp.iterate(v)?.iter().enumerate() {
                match bytes_of(x) {
                    Some(b) => parts.push(Value::str(&image(&b))),
                    None => {
                        return Err(interp.type_error(format!(
                            "sequence item {n}: expected a bytes-like object, {} found",
                            interp.type_name(x)
                        )))
                    }
                }
            }
            Ok(Value::list(parts))
        }
        ("startswith" | "endswith", Value::Tuple(t)) if k == 1 => {
            let mut parts = Vec::new();
            for x in t.iter() {
                match bytes_of(x) {
                    Some(b) => parts.push(Value::str(&image(&b))),
                    None => {
                        return Err(interp
                            .type_error(format!("a bytes-like object is required, not '{}'", interp.type_name(x))))
                    }
                }
            }
            Ok(Value::tuple(parts))
        }
        ("startswith" | "endswith", _) if k == 1 => Err(interp
            .type_error(format!("{name} first arg must be bytes or a tuple of bytes, not {}", interp.type_name(v)))),
        ("count" | "find" | "index" | "rfind" | "rindex", Value::Int(_) | Value::Bool(_)) if k == 1 => {
            let b = byte_value(interp, v, "byte must be in range(0, 256)")?;
            Ok(Value::str(&to_char(b).to_string()))
        }
        ("count" | "find" | "index" | "rfind" | "rindex", Value::Str(_)) if k == 1 => Err(interp
            .type_error(format!("argument should be integer or bytes-like object, not '{}'", interp.type_name(v)))),
        ("center" | "ljust" | "rjust", Value::Str(_)) if k == 2 => Err(interp
            .type_error(format!("{name}() argument 2 must be a byte string of length 1, not {}", interp.type_name(v)))),
        ("lstrip" | "rstrip" | "strip" | "split" | "rsplit", Value::None) if k == 1 => {
            Ok(if name.ends_with("strip") { Value::str(" \t\n\r\x0b\x0c") } else { Value::None })
        }
        (_, Value::Str(_)) => {
            Err(interp.type_error(format!("a bytes-like object is required, not '{}'", interp.type_name(v))))
        }
        _ => Ok(v.clone()),
    }
}

/// A `str` method's result mapped back to bytes (`bytearray` when `array`).
fn result_back(interp: &Interp, v: Value, array: bool) -> Value {
    match v {
        Value::Str(s) => make_bytes(interp, from_image(&s), array),
        Value::List(l) => {
            let items = l.borrow().iter().map(|x| result_back(interp, x.clone(), array)).collect();
            Value::list(items)
        }
        Value::Tuple(t) => Value::tuple(t.iter().map(|x| result_back(interp, x.clone(), array)).collect()),
        other => other,
    }
}

fn make_bytes(interp: &Interp, b: Vec<u8>, array: bool) -> Value {
    if array {
        bytearray(interp, b)
    } else {
        Value::Bytes(Rc::from(b))
    }
}

/// A new `bytearray` holding `b`.
pub fn bytearray(interp: &Interp, b: Vec<u8>) -> Value {
    let cls = match interp.builtins.get("bytearray") {
        Some(Value::Class(c)) => c,
        _ => interp.types.object.clone(),
    };
    new_native(&cls, ByteArray(RefCell::new(b)))
}

fn str_like(interp: &mut Interp, name: &'static str, mut a: Args, array: bool) -> PyResult<Value> {
    let owner = if array { "bytearray" } else { "bytes" };
    let me = a.pos.first().and_then(bytes_of).ok_or_else(|| {
        interp.type_error(format!("descriptor '{name}' for '{owner}' objects doesn't apply to this object"))
    })?;
    if name == "strip" || name == "lstrip" || name == "rstrip" || name == "split" || name == "rsplit" {
        // No argument, or None: bytes' own whitespace.
        if a.pos.len() == 1 && !a.kw.iter().any(|(k, _)| &**k == "chars" || &**k == "sep") {
            a.pos.push(Value::None);
        }
    }
    let mut pos = vec![Value::str(&image(&me))];
    for (k, v) in a.pos.iter().enumerate().skip(1) {
        pos.push(arg_image(interp, name, k, v)?);
    }
    let mut kw = Vec::with_capacity(a.kw.len());
    for (k, v) in &a.kw {
        let img = if &**k == "sep" || &**k == "chars" { arg_image(interp, name, 1, v)? } else { v.clone() };
        kw.push((k.clone(), img));
    }
    let f = interp.getattr(&Value::str(""), name)?;
    // A bound method of "": call the unbound one with our receiver instead.
    let f = match f {
        Value::BoundMethod(bm) => bm.1.clone(),
        other => other,
    };
    let r = interp.call(&f, Args { pos, kw })?;
    Ok(result_back(interp, r, array))
}

fn self_of(interp: &Interp, a: &Args, owner: &str, name: &str) -> PyResult<Vec<u8>> {
    a.pos.first().and_then(bytes_of).ok_or_else(|| {
        interp.type_error(format!("descriptor '{name}' for '{owner}' objects doesn't apply to this object"))
    })
}

fn array_of(interp: &Interp, a: &Args, name: &str) -> PyResult<Rc<ByteArray>> {
    a.pos.first().and_then(|v| v.payload::<ByteArray>()).ok_or_else(|| {
        interp.type_error(format!("descriptor '{name}' for 'bytearray' objects doesn't apply to this object"))
    })
}

/// Installs `bytes`' methods and the `bytearray` class.
pub fn install(interp: &mut Interp) {
    let bytes_cls = interp.types.bytes.clone();
    let array_cls = native_class(interp, "bytearray", "builtins", None, vec![]);
    interp.builtins.dict.borrow_mut().set_str("bytearray", Value::Class(array_cls.clone()));
    for (cls, owner, array) in [(&bytes_cls, "bytes", false), (&array_cls, "bytearray", true)] {
        let mut d = cls.dict.borrow_mut();
        for &name in STR_LIKE {
            d.set_str(name, method(owner, name, move |i, a| str_like(i, name, a, array)));
        }
        d.set_str(
            "decode",
            method(owner, "decode", move |i, mut a| {
                let b = self_of(i, &a, owner, "decode")?;
                let (enc, errors) = codec_args(i, &mut a, "decode")?;
                Ok(Value::str(&decode(i, &b, &enc, &errors)?))
            }),
        );
        d.set_str(
            "hex",
            method(owner, "hex", move |i, a| {
                let b = self_of(i, &a, owner, "hex")?;
                hex(i, &b, a)
            }),
        );
        d.set_str(
            "isascii",
            method(owner, "isascii", move |i, a| Ok(Value::Bool(self_of(i, &a, owner, "isascii")?.is_ascii()))),
        );
        d.set_str("maketrans", func("maketrans", |i, a| maketrans(i, &a)));
        d.set_str(
            "translate",
            method(owner, "translate", move |i, a| {
                let b = self_of(i, &a, owner, "translate")?;
                Ok(make_bytes(i, translate(i, &b, &a)?, array))
            }),
        );
        d.set_str(
            "__mod__",
            method(owner, "__mod__", move |i, a| {
                let b = self_of(i, &a, owner, "__mod__")?;
                percent_format(i, &b, a.pos.get(1).unwrap_or(&Value::None), array)
            }),
        );
        d.set_str(
            "fromhex",
            func("fromhex", move |i, a| {
                let s = match a.pos.last() {
                    Some(Value::Str(s)) => s.clone(),
                    Some(other) => {
                        return Err(i.type_error(format!("fromhex() argument must be str, not {}", i.type_name(other))))
                    }
                    None => return Err(i.type_error("fromhex() takes exactly one argument (0 given)")),
                };
                Ok(make_bytes(i, fromhex(i, &s)?, array))
            }),
        );
    }
    bytearray_methods(&array_cls);
}

fn index_arg(interp: &Interp, key: &Value, len: usize) -> PyResult<usize> {
    let n = match key {
        Value::Int(_) | Value::Bool(_) => to_index(interp, key)?,
        Value::BigInt(_) => return Err(interp.err("IndexError", "cannot fit 'int' into an index-sized integer")),
        other => {
            return Err(interp
                .type_error(format!("bytearray indices must be integers or slices, not {}", interp.type_name(other))))
        }
    };
    let j = if n < 0 { n + len as i64 } else { n };
    if j < 0 || j >= len as i64 {
        return Err(interp.err("IndexError", "bytearray index out of range"));
    }
    Ok(j as usize)
}

/// `bytearray`'s own: constructor, mutation, operators.
fn bytearray_methods(cls: &Rc<Class>) {
    let mut d = cls.dict.borrow_mut();
    d.set_str(
        "__new__",
        func("__new__", |i, mut a| {
            let cls = match a.pos.first() {
                Some(Value::Class(c)) => c.clone(),
                _ => return Err(i.type_error("bytearray.__new__(X): X is not a type object")),
            };
            a.pos.remove(0);
            let b = construct(i, a, "bytearray")?;
            Ok(new_native(&cls, ByteArray(RefCell::new(b))))
        }),
    );
    d.set_str("__init__", method("bytearray", "__init__", |_, _| Ok(Value::None)));
    d.set_str("__hash__", Value::None);
    d.set_str(
        "__repr__",
        method("bytearray", "__repr__", |i, a| {
            let b = array_of(i, &a, "__repr__")?;
            let name = match &a.pos[0] {
                Value::Instance(inst) => inst.class.name.clone(),
                _ => "bytearray".into(),
            };
            let r = super::format::bytes_repr(&b.0.borrow());
            Ok(Value::str(&format!("{name}({r})")))
        }),
    );
    d.set_str(
        "__len__",
        method("bytearray", "__len__", |i, a| Ok(Value::Int(array_of(i, &a, "__len__")?.0.borrow().len() as i64))),
    );
    d.set_str(
        "__iter__",
        method("bytearray", "__iter__", |i, a| {
            let b = array_of(i, &a, "__iter__")?;
            let items = b.0.borrow().iter().map(|x| Value::Int(*x as i64)).collect();
            Ok(super::iters::items_iter(i, items, "bytearray_iterator"))
        }),
    );
    d.set_str(
        "__contains__",
        method("bytearray", "__contains__", |i, a| {
            let b = array_of(i, &a, "__contains__")?.0.borrow().clone();
            let item = a.pos.get(1).cloned().unwrap_or(Value::None);
            if let Some(sub) = bytes_of(&item) {
                return Ok(Value::Bool(sub.is_empty() || b.windows(sub.len()).any(|w| w == &sub[..])));
            }
            let x = byte_value(i, &item, "byte must be in range(0, 256)")?;
            Ok(Value::Bool(b.contains(&x)))
        }),
    );
    d.set_str(
        "__getitem__",
        method("bytearray", "__getitem__", |i, a| {
            let b = array_of(i, &a, "__getitem__")?.0.borrow().clone();
            let key = a.pos.get(1).cloned().unwrap_or(Value::None);
            if super::builtins::is_slice(&key) {
                return match super::builtins::getitem(i, &Value::Bytes(Rc::from(b)), key)? {
                    Value::Bytes(s) => Ok(bytearray(i, s.to_vec())),
                    other => Ok(other),
                };
            }
            let k = index_arg(i, &key, b.len())?;
            Ok(Value::Int(b[k] as i64))
        }),
    );
    d.set_str(
        "__setitem__",
        method("bytearray", "__setitem__", |i, a| {
            let b = array_of(i, &a, "__setitem__")?;
            let key = a.pos.get(1).cloned().unwrap_or(Value::None);
            let v = a.pos.get(2).cloned().unwrap_or(Value::None);
            if super::builtins::is_slice(&key) {
                let len = b.0.borrow().len();
                let (lo, hi, step) = super::builtins::slice_bounds(i, &key, len)?;
                let new = match bytes_of(&v) {
                    Some(nb) => nb,
                    None => match &v {
                        Value::Int(_) | Value::Str(_) => {
                            return Err(
                                i.type_error("can assign only bytes, buffers, or iterables of ints in range(0, 256)")
                            )
                        }
                        _ => {
                            let mut out = Vec::new();
                            for x in i.iterate(&v)? {
                                out.push(byte_value(i, &x, "byte must be in range(0, 256)")?);
                            }
                            out
                        }
                    },
                };
                if step != 1 {
                    let at = slice_positions(lo, hi, step);
                    let mut me = b.0.borrow_mut();
                    if new.is_empty() {
                        delete_slice(&mut me, lo, hi, step);
                        return Ok(Value::None);
                    }
                    if new.len() != at.len() {
                        return Err(i.err(
                            "ValueError",
                            format!(
                                "attempt to assign bytes of size {} to extended slice of size {}",
                                new.len(),
                                at.len()
                            ),
                        ));
                    }
                    for (k, x) in at.into_iter().zip(new) {
                        if let Some(slot) = me.get_mut(k) {
                            *slot = x;
                        }
                    }
                    return Ok(Value::None);
                }
                let (lo, hi) = (lo.clamp(0, len as i64) as usize, hi.clamp(0, len as i64) as usize);
                let hi = hi.max(lo);
                b.0.borrow_mut().splice(lo..hi, new);
                return Ok(Value::None);
            }
            let len = b.0.borrow().len();
            let k = index_arg(i, &key, len)?;
            let x = byte_value(i, &v, "byte must be in range(0, 256)")?;
            b.0.borrow_mut()[k] = x;
            Ok(Value::None)
        }),
    );
    d.set_str(
        "__delitem__",
        method("bytearray", "__delitem__", |i, a| {
            let b = array_of(i, &a, "__delitem__")?;
            let key = a.pos.get(1).cloned().unwrap_or(Value::None);
            let len = b.0.borrow().len();
            if super::builtins::is_slice(&key) {
                let (lo, hi, step) = super::builtins::slice_bounds(i, &key, len)?;
                delete_slice(&mut b.0.borrow_mut(), lo, hi, step);
                return Ok(Value::None);
            }
            let k = index_arg(i, &key, len)?;
            b.0.borrow_mut().remove(k);
            Ok(Value::None)
        }),
    );
    d.set_str(
        "append",
        method("bytearray", "append", |i, a| {
            let b = array_of(i, &a, "append")?;
            let x = byte_value(i, a.pos.get(1).unwrap_or(&Value::None), "byte must be in range(0, 256)")?;
            b.0.borrow_mut().push(x);
            Ok(Value::None)
        }),
    );
    d.set_str(
        "extend",
        method("bytearray", "extend", |i, a| {
            let b = array_of(i, &a, "extend")?;
            let v = a.pos.get(1).cloned().unwrap_or(Value::None);
            let new = match bytes_of(&v) {
                Some(nb) => nb,
                None => {
                    if let Value::Str(_) = v {
                        return Err(i.type_error("expected iterable of integers; got: 'str'"));
                    }
                    let items = i
                        .iterate(&v)
                        .map_err(|_| i.type_error(format!("can't extend bytearray with {}", i.type_name(&v))))?;
                    let mut out = Vec::new();
                    for x in items {
                        out.push(byte_value(i, &x, "byte must be in range(0, 256)")?);
                    }
                    out
                }
            };
            b.0.borrow_mut().extend(new);
            Ok(Value::None)
        }),
    );
    d.set_str(
        "insert",
        method("bytearray", "insert", |i, a| {
            let b = array_of(i, &a, "insert")?;
            let at = to_index(i, a.pos.get(1).unwrap_or(&Value::None))?;
            let x = byte_value(i, a.pos.get(2).unwrap_or(&Value::None), "byte must be in range(0, 256)")?;
            let len = b.0.borrow().len() as i64;
            let at = if at < 0 { (at + len).max(0) } else { at.min(len) };
            b.0.borrow_mut().insert(at as usize, x);
            Ok(Value::None)
        }),
    );
    d.set_str(
        "pop",
        method("bytearray", "pop", |i, a| {
            let b = array_of(i, &a, "pop")?;
            let len = b.0.borrow().len();
            if len == 0 {
                return Err(i.err("IndexError", "pop from empty bytearray"));
            }
            let k = match a.pos.get(1) {
                None => len - 1,
                Some(v) => {
                    let n = to_index(i, v)?;
                    let j = if n < 0 { n + len as i64 } else { n };
                    if j < 0 || j >= len as i64 {
                        return Err(i.err("IndexError", "pop index out of range"));
                    }
                    j as usize
                }
            };
            let x = b.0.borrow_mut().remove(k);
            Ok(Value::Int(x as i64))
        }),
    );
    d.set_str(
        "remove",
        method("bytearray", "remove", |i, a| {
            let b = array_of(i, &a, "remove")?;
            let x = byte_value(i, a.pos.get(1).unwrap_or(&Value::None), "byte must be in range(0, 256)")?;
            let pos = b.0.borrow().iter().position(|y| *y == x);
            match pos {
                Some(k) => {
                    b.0.borrow_mut().remove(k);
                    Ok(Value::None)
                }
                None => Err(i.err("ValueError", "value not found in bytearray")),
            }
        }),
    );
    d.set_str(
        "clear",
        method("bytearray", "clear", |i, a| {
            array_of(i, &a, "clear")?.0.borrow_mut().clear();
            Ok(Value::None)
        }),
    );
    d.set_str(
        "reverse",
        method("bytearray", "reverse", |i, a| {
            array_of(i, &a, "reverse")?.0.borrow_mut().reverse();
            Ok(Value::None)
        }),
    );
    d.set_str(
        "copy",
        method("bytearray", "copy", |i, a| {
            let b = array_of(i, &a, "copy")?.0.borrow().clone();
            Ok(bytearray(i, b))
        }),
    );
    d.set_str(
        "__add__",
        method("bytearray", "__add__", |i, a| {
            let mut b = array_of(i, &a, "__add__")?.0.borrow().clone();
            let other = a.pos.get(1).cloned().unwrap_or(Value::None);
            match bytes_of(&other) {
                Some(o) => {
                    b.extend(o);
                    Ok(bytearray(i, b))
                }
                None => Err(i.type_error(format!("can't concat {} to bytearray", i.type_name(&other)))),
            }
        }),
    );
    d.set_str(
        "__radd__",
        method("bytearray", "__radd__", |i, a| {
            let b = array_of(i, &a, "__radd__")?.0.borrow().clone();
            match a.pos.get(1) {
                Some(Value::Bytes(o)) => {
                    let mut v = o.to_vec();
                    v.extend(b);
                    Ok(Value::Bytes(Rc::from(v)))
                }
                _ => Ok(Value::NotImplemented),
            }
        }),
    );
    d.set_str(
        "__iadd__",
        method("bytearray", "__iadd__", |i, a| {
            let b = array_of(i, &a, "__iadd__")?;
            let other = a.pos.get(1).cloned().unwrap_or(Value::None);
            match bytes_of(&other) {
                Some(o) => {
                    b.0.borrow_mut().extend(o);
                    Ok(a.pos[0].clone())
                }
                None => Err(i.type_error(format!("can't concat {} to bytearray", i.type_name(&other)))),
            }
        }),
    );
    for name in ["__mul__", "__rmul__"] {
        d.set_str(
            name,
            method("bytearray", name, move |i, a| {
                let b = array_of(i, &a, name)?.0.borrow().clone();
                let n = match a.pos.get(1) {
                    Some(v @ (Value::Int(_) | Value::Bool(_))) => to_index(i, v)?,
                    Some(other) => {
                        return Err(i.type_error(format!(
                            "can't multiply sequence by non-int of type '{}'",
                            i.type_name(other)
                        )))
                    }
                    None => 1,
                };
                Ok(bytearray(i, repeat(i, &b, n, false)?))
            }),
        );
    }
    for (name, op) in [("__eq__", 0), ("__ne__", 1), ("__lt__", 2), ("__le__", 3), ("__gt__", 4), ("__ge__", 5)] {
        d.set_str(
            name,
            method("bytearray", name, move |i, a| {
                let b = array_of(i, &a, name)?.0.borrow().clone();
                let Some(o) = a.pos.get(1).and_then(bytes_of) else { return Ok(Value::NotImplemented) };
                let c = b.cmp(&o);
                Ok(Value::Bool(match op {
                    0 => c.is_eq(),
                    1 => c.is_ne(),
                    2 => c.is_lt(),
                    3 => c.is_le(),
                    4 => c.is_gt(),
                    _ => c.is_ge(),
                }))
            }),
        );
    }
}

/// `b * n`, refusing what the playground cannot hold.
/// (`bytearray * n` gives MemoryError where `bytes * n` gives OverflowError.)
pub fn repeat(interp: &Interp, b: &[u8], n: i64, bytes: bool) -> PyResult<Vec<u8>> {
    if bytes && b.len() as u128 * n.max(0) as u128 > i64::MAX as u128 {
        return Err(interp.err("OverflowError", "repeated bytes are too long"));
    }
    let n = Interp::clamp_len(n);
    interp.reserve(b.len().saturating_mul(n).saturating_mul(2))?;
    Ok(b.repeat(n))
}

/// The argument a `%` conversion of bytes formatting takes: the next positional one, or the
/// mapping's value for a `%(key)` (CPython's `getnextarg`).
struct PercentArgs {
    /// A tuple's items, or the whole right operand.
    items: Vec<Value>,
    next: usize,
    mapping: Option<Value>,
}

impl PercentArgs {
    fn new(interp: &mut Interp, args: &Value) -> Self {
        let items = match args {
            Value::Tuple(t) => (**t).clone(),
            other => vec![other.clone()],
        };
        // CPython: anything with `__getitem__` but a tuple, bytes, bytearray or str is a mapping.
        let mapping = match args {
            Value::Dict(_) | Value::List(_) => Some(args.clone()),
            Value::Instance(_)
                if args.payload::<ByteArray>().is_none()
                    && bytes_of(args).is_none()
                    && !matches!(args.builtin_base(), Some(Value::Tuple(_) | Value::Str(_)))
                    && interp.getattr(args, "__getitem__").is_ok() =>
            {
                Some(args.clone())
            }
            _ => None,
        };
        PercentArgs { items, next: 0, mapping }
    }

    fn next(&mut self, interp: &Interp) -> PyResult<Value> {
        let v = self
            .items
            .get(self.next)
            .cloned()
            .ok_or_else(|| interp.type_error("not enough arguments for format string"))?;
        self.next += 1;
        Ok(v)
    }

    fn all_used(&self) -> bool {
        self.mapping.is_some() || self.next >= self.items.len()
    }
}

/// The bytes `%s` / `%b` make of `v`: a bytes-like object's, or its `__bytes__()`.
fn percent_bytes(interp: &mut Interp, v: &Value) -> PyResult<Vec<u8>> {
    if let Some(b) = bytes_of(v) {
        return Ok(b);
    }
    if let Some(f) = super::builtins::instance_dunder(v, "__bytes__") {
        let r = interp.call(&f, Args { pos: vec![v.clone()], kw: vec![] })?;
        return match &r {
            Value::Bytes(b) => Ok(b.to_vec()),
            other => Err(interp.type_error(format!("__bytes__ returned non-bytes (type {})", interp.type_name(other)))),
        };
    }
    Err(interp.type_error(format!(
        "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
        interp.type_name(v)
    )))
}

/// `fmt % args` for `bytes` and `bytearray` (`array`): CPython's `_PyBytes_FormatEx`.
pub fn percent_format(interp: &mut Interp, fmt: &[u8], args: &Value, array: bool) -> PyResult<Value> {
    let mut args = PercentArgs::new(interp, args);
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] != b'%' {
            out.push(fmt[i]);
            i += 1;
            continue;
        }
        i += 1;
        if fmt.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        let mut keyed = None;
        if fmt.get(i) == Some(&b'(') {
            let Some(m) = args.mapping.clone() else { return Err(interp.type_error("format requires a mapping")) };
            // The key runs to the matching parenthesis.
            let (mut depth, start) = (1, i + 1);
            i += 1;
            while i < fmt.len() && depth > 0 {
                match fmt[i] {
                    b'(' => depth += 1,
                    b')' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            if depth > 0 {
                return Err(interp.err("ValueError", "incomplete format key"));
            }
            let key = fmt[start..i - 1].to_vec();
            keyed = Some(interp.getitem(&m, Value::Bytes(Rc::from(key)))?);
        }
        let spec_start = i;
        while i < fmt.len() && b"-+ #0".contains(&fmt[i]) {
            i += 1;
        }
        let mut flags = String::from_utf8_lossy(&fmt[spec_start..i]).into_owned();
        // Width and precision: digits, or `*` for the next argument.
        let number = |i: &mut usize, args: &mut PercentArgs, interp: &mut Interp| -> PyResult<Option<i64>> {
            if fmt.get(*i) == Some(&b'*') {
                *i += 1;
                let v = args.next(interp)?;
                return match v {
                    Value::Int(n) => Ok(Some(n)),
                    Value::Bool(b) => Ok(Some(b as i64)),
                    _ => Err(interp.type_error("* wants int")),
                };
            }
            let from = *i;
            while *i < fmt.len() && fmt[*i].is_ascii_digit() {
                *i += 1;
            }
            if *i == from {
                return Ok(None);
            }
            if *i - from > 9 {
                // Beyond what a page holds (CPython would try to allocate it).
                return Err(interp.err_bare("MemoryError"));
            }
            Ok(std::str::from_utf8(&fmt[from..*i]).ok().and_then(|d| d.parse().ok()))
        };
        let mut width = number(&mut i, &mut args, interp)?.unwrap_or(0);
        if width < 0 {
            flags.push('-');
            width = -width;
        }
        let prec = if fmt.get(i) == Some(&b'.') {
            i += 1;
            Some(number(&mut i, &mut args, interp)?.unwrap_or(0).max(0))
        } else {
            None
        };
        interp.reserve(
            Interp::clamp_len(width).saturating_add(Interp::clamp_len(prec.unwrap_or(0) as i64)).saturating_mul(2),
        )?;
        let (width, prec) = (width as usize, prec.map(|p| p as usize));
        let Some(&conv) = fmt.get(i) else { return Err(interp.err("ValueError", "incomplete format")) };
        i += 1;
        let v = match keyed {
            Some(v) => v,
            None => args.next(interp)?,
        };
        let integer = |interp: &mut Interp, v: &Value| -> PyResult<Option<Value>> {
            match v {
                Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => Ok(Some(v.clone())),
                _ => match super::builtins::instance_dunder(v, "__index__") {
                    Some(f) => interp.call(&f, Args { pos: vec![v.clone()], kw: vec![] }).map(Some),
                    None => Ok(None),
                },
            }
        };
        let piece: Vec<u8> = match conv {
            b's' | b'b' => percent_bytes(interp, &v)?,
            b'r' | b'a' => super::format::ascii(&interp.repr(&v)?).into_bytes(),
            b'c' => match integer(interp, &v)?.as_ref().unwrap_or(&v) {
                Value::Int(n) if (0..=255).contains(n) => vec![*n as u8],
                Value::Bool(x) => vec![*x as u8],
                Value::Int(_) | Value::BigInt(_) => return Err(interp.err("OverflowError", "%c arg not in range(256)")),
                _ => match bytes_of(&v) {
                    Some(b) if b.len() == 1 => b,
                    _ => return Err(interp.type_error("%c requires an integer in range(256) or a single byte")),
                },
            },
            b'd' | b'i' | b'u' | b'f' | b'F' | b'e' | b'E' | b'g' | b'G' | b'x' | b'X' | b'o' => {
                let v = if b"xXo".contains(&conv) {
                    integer(interp, &v)?.ok_or_else(|| {
                        interp.type_error(format!(
                            "%{} format: an integer is required, not {}",
                            conv as char,
                            interp.type_name(&v)
                        ))
                    })?
                } else if b"fFeEgG".contains(&conv)
                    && !matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_))
                    && super::builtins::instance_dunder(&v, "__float__").is_none()
                    && super::builtins::instance_dunder(&v, "__index__").is_none()
                {
                    return Err(interp.type_error(format!("float argument required, not {}", interp.type_name(&v))));
                } else {
                    v
                };
                // Numbers format as `str`'s do: ASCII only.
                let prec = prec.map(|p| format!(".{p}")).unwrap_or_default();
                let width = if width > 0 { width.to_string() } else { String::new() };
                let spec = format!("%{flags}{width}{prec}{}", conv as char);
                let s = super::format::percent_format(interp, &Value::str(&spec), &Value::tuple(vec![v]))?;
                out.extend_from_slice(s.as_str().unwrap_or("").as_bytes());
                continue;
            }
            c if c >= 0x80 => return Err(interp.err("OverflowError", "character argument not in range(0x110000)")),
            c => {
                return Err(interp.err(
                    "ValueError",
                    format!("unsupported format character '{}' (0x{c:x}) at index {}", c as char, i - 1),
                ))
            }
        };
        let piece = match (conv, prec) {
            (b's' | b'b' | b'r' | b'a', Some(p)) if p < piece.len() => piece[..p].to_vec(),
            _ => piece,
        };
        let pad = width.saturating_sub(piece.len());
        if flags.contains('-') {
            out.extend_from_slice(&piece);
            out.resize(out.len() + pad, b' ');
        } else {
            out.resize(out.len() + pad, b' ');
            out.extend_from_slice(&piece);
        }
    }
    if !args.all_used() {
        return Err(interp.type_error("not all arguments converted during bytes formatting"));
    }
    Ok(make_bytes(interp, out, array))
}

/// `bytes.maketrans(frm, to)`: the 256-byte table mapping each byte of `frm` to `to`'s.
fn maketrans(interp: &Interp, a: &Args) -> PyResult<Value> {
    if a.pos.len() != 2 || !a.kw.is_empty() {
        if !a.kw.is_empty() {
            return Err(interp.type_error("maketrans() takes no keyword arguments"));
        }
        return Err(interp.type_error(format!("maketrans expected 2 arguments, got {}", a.pos.len())));
    }
    let need = |v: &Value| {
        bytes_of(v)
            .ok_or_else(|| interp.type_error(format!("a bytes-like object is required, not '{}'", interp.type_name(v))))
    };
    let (frm, to) = (need(&a.pos[0])?, need(&a.pos[1])?);
    if frm.len() != to.len() {
        return Err(interp.err("ValueError", "maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255u8).collect();
    for (f, t) in frm.iter().zip(to.iter()) {
        table[*f as usize] = *t;
    }
    Ok(Value::Bytes(Rc::from(table)))
}

/// `b.translate(table, /, delete=b'')`: bytes of `delete` dropped, the rest mapped by `table`
/// (`None`: kept).
fn translate(interp: &Interp, me: &[u8], a: &Args) -> PyResult<Vec<u8>> {
    let mut delete = a.pos.get(2).cloned();
    for (k, v) in &a.kw {
        if &**k == "delete" && delete.is_none() {
            delete = Some(v.clone());
        } else if &**k == "delete" {
            return Err(interp.type_error("argument for translate() given by name ('delete') and position (2)"));
        } else {
            return Err(interp.type_error(format!("translate() got an unexpected keyword argument '{k}'")));
        }
    }
    if a.pos.len() > 3 {
        return Err(interp.type_error(format!("translate() takes at most 2 arguments ({} given)", a.pos.len() - 1)));
    }
    let Some(table) = a.pos.get(1) else {
        return Err(interp.type_error("translate() takes at least 1 positional argument (0 given)"));
    };
    let need = |v: &Value| {
        bytes_of(v)
            .ok_or_else(|| interp.type_error(format!("a bytes-like object is required, not '{}'", interp.type_name(v))))
    };
    let table = match table {
        Value::None => None,
        t => {
            let t = need(t)?;
            if t.len() != 256 {
                return Err(interp.err("ValueError", "translation table must be 256 characters long"));
            }
            Some(t)
        }
    };
    let delete = match &delete {
        Some(d) => need(d)?,
        None => vec![],
    };
    Ok(me.iter().filter(|b| !delete.contains(b)).map(|&b| table.as_ref().map_or(b, |t| t[b as usize])).collect())
}

/// The positions an extended slice `(lo, hi, step)` selects, in its order.
fn slice_positions(lo: i64, hi: i64, step: i64) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = lo;
    while (step > 0 && i < hi) || (step < 0 && i > hi) {
        if i >= 0 {
            out.push(i as usize);
        }
        i += step;
    }
    out
}

/// `del ba[slice]` (also `ba[extended slice] = b''`).
fn delete_slice(b: &mut Vec<u8>, lo: i64, hi: i64, step: i64) {
    let mut gone = vec![false; b.len()];
    for k in slice_positions(lo, hi, step) {
        if let Some(g) = gone.get_mut(k) {
            *g = true;
        }
    }
    let mut k = 0;
    b.retain(|_| {
        k += 1;
        !gone[k - 1]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results checked with python3 3.11.
    #[test]
    fn extended_slice_deletion_matches_cpython() {
        let cases: [(i64, i64, i64, &[u8]); 4] =
            [(0, 6, 2, b"bdf"), (5, -1, -2, b"ace"), (1, 3, 1, b"adef"), (4, 1, 1, b"abcdef")];
        for (lo, hi, step, want) in cases {
            let mut b = b"abcdef".to_vec();
            delete_slice(&mut b, lo, hi, step);
            assert_eq!(b, want, "{lo}:{hi}:{step}");
        }
    }

    #[test]
    fn bytes_percent_format_matches_cpython() {
        let mut interp = Interp::new();
        let args = Value::tuple(vec![Value::Bytes(Rc::from(&b"ab"[..])), Value::Int(7), Value::Float(3.14159)]);
        let r = percent_format(&mut interp, b"%-4s|%03d|%05.2f|%%", &args, false).ok();
        assert!(matches!(r, Some(Value::Bytes(b)) if &*b == b"ab  |007|03.14|%"));
        let e = percent_format(&mut interp, b"%s", &Value::str("x"), false).expect_err("str is refused");
        assert_eq!(
            super::super::builtins::exception_str(&mut interp, &e.exc).ok().as_deref(),
            Some("%b requires a bytes-like object, or an object that implements __bytes__, not 'str'")
        );
    }

    #[test]
    fn translate_deletes_then_maps() {
        let interp = Interp::new();
        let table = maketrans(
            &interp,
            &Args { pos: vec![Value::Bytes(Rc::from(&b"h"[..])), Value::Bytes(Rc::from(&b"j"[..]))], kw: vec![] },
        );
        let Ok(table) = table else { panic!("maketrans failed") };
        let a = Args { pos: vec![Value::None, table, Value::Bytes(Rc::from(&b"o"[..]))], kw: vec![] };
        assert_eq!(translate(&interp, b"hello", &a).ok().as_deref(), Some(&b"jell"[..]));
    }
}
