//! What `PickleType` stores: `pickle.dumps(value, pickle.HIGHEST_PROTOCOL)` (protocol 5, as
//! CPython's C pickler writes it: one frame, `MEMOIZE` after each memoizable object, `BINGET`
//! for an object met again) and `pickle.loads` of it, for the builtin values a learner stores
//! (None, bool, int, float, str, bytes, list, tuple, dict, set).

use std::rc::Rc;

use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Dict, Value};

const PROTO: u8 = 0x80;
const FRAME: u8 = 0x95;
const STOP: u8 = b'.';
const NONE: u8 = b'N';
const NEWTRUE: u8 = 0x88;
const NEWFALSE: u8 = 0x89;
const BININT: u8 = b'J';
const BININT1: u8 = b'K';
const BININT2: u8 = b'M';
const LONG1: u8 = 0x8a;
const LONG4: u8 = 0x8b;
const BINFLOAT: u8 = b'G';
const SHORT_BINUNICODE: u8 = 0x8c;
const BINUNICODE: u8 = b'X';
const SHORT_BINBYTES: u8 = b'C';
const BINBYTES: u8 = b'B';
const EMPTY_TUPLE: u8 = b')';
const TUPLE1: u8 = 0x85;
const TUPLE2: u8 = 0x86;
const TUPLE3: u8 = 0x87;
const TUPLE: u8 = b't';
const MARK: u8 = b'(';
const EMPTY_LIST: u8 = b']';
const APPEND: u8 = b'a';
const APPENDS: u8 = b'e';
const EMPTY_DICT: u8 = b'}';
const SETITEM: u8 = b's';
const SETITEMS: u8 = b'u';
const EMPTY_SET: u8 = 0x8f;
const ADDITEMS: u8 = 0x90;
const MEMOIZE: u8 = 0x94;
const BINGET: u8 = b'h';
const LONG_BINGET: u8 = b'j';
/// Items per `APPENDS` / `SETITEMS` / `ADDITEMS` batch (`BATCHSIZE`).
const BATCHSIZE: usize = 1000;

struct Pickler {
    out: Vec<u8>,
    /// Objects already written (by identity), with their memo index.
    memo: Vec<(usize, usize)>,
}

/// The identity of a memoizable object.
fn identity(v: &Value) -> Option<usize> {
    match v {
        Value::Str(s) => Some(Rc::as_ptr(s) as *const u8 as usize),
        Value::Bytes(b) => Some(Rc::as_ptr(b) as *const u8 as usize),
        Value::List(l) => Some(Rc::as_ptr(l) as usize),
        Value::Tuple(t) => Some(Rc::as_ptr(t) as usize),
        Value::Dict(d) => Some(Rc::as_ptr(d) as usize),
        Value::Set(d) => Some(Rc::as_ptr(d) as usize),
        _ => None,
    }
}

impl Pickler {
    fn memoize(&mut self, v: &Value) {
        if let Some(id) = identity(v) {
            let n = self.memo.len();
            self.memo.push((id, n));
            self.out.push(MEMOIZE);
        }
    }

    /// An object written before: `BINGET` its memo index.
    fn get(&mut self, v: &Value) -> bool {
        let Some(id) = identity(v) else { return false };
        let Some(&(_, n)) = self.memo.iter().find(|(i, _)| *i == id) else { return false };
        if n < 256 {
            self.out.extend([BINGET, n as u8]);
        } else {
            self.out.push(LONG_BINGET);
            self.out.extend((n as u32).to_le_bytes());
        }
        true
    }

    fn save(&mut self, interp: &mut Interp, v: &Value) -> PyResult<()> {
        if self.get(v) {
            return Ok(());
        }
        match v {
            Value::None => self.out.push(NONE),
            Value::Bool(b) => self.out.push(if *b { NEWTRUE } else { NEWFALSE }),
            Value::Int(i) => self.save_int(*i),
            Value::Float(f) => {
                self.out.push(BINFLOAT);
                self.out.extend(f.to_be_bytes());
            }
            Value::Str(s) => {
                let b = s.as_bytes();
                if b.len() < 256 {
                    self.out.extend([SHORT_BINUNICODE, b.len() as u8]);
                } else {
                    self.out.push(BINUNICODE);
                    self.out.extend((b.len() as u32).to_le_bytes());
                }
                self.out.extend(b);
                self.memoize(v);
            }
            Value::Bytes(b) => {
                if b.len() < 256 {
                    self.out.extend([SHORT_BINBYTES, b.len() as u8]);
                } else {
                    self.out.push(BINBYTES);
                    self.out.extend((b.len() as u32).to_le_bytes());
                }
                self.out.extend(b.iter());
                self.memoize(v);
            }
            Value::Tuple(t) => {
                if t.is_empty() {
                    self.out.push(EMPTY_TUPLE);
                    return Ok(());
                }
                if t.len() > 3 {
                    self.out.push(MARK);
                }
                for x in t.iter() {
                    self.save(interp, x)?;
                }
                self.out.push(match t.len() {
                    1 => TUPLE1,
                    2 => TUPLE2,
                    3 => TUPLE3,
                    _ => TUPLE,
                });
                self.memoize(v);
            }
            Value::List(l) => {
                self.out.push(EMPTY_LIST);
                self.memoize(v);
                let items = l.borrow().clone();
                self.batch(interp, &items, APPEND, APPENDS)?;
            }
            Value::Dict(d) => {
                self.out.push(EMPTY_DICT);
                self.memoize(v);
                let items: Vec<(Value, Value)> = d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                for chunk in items.chunks(BATCHSIZE) {
                    if chunk.len() == 1 {
                        self.save(interp, &chunk[0].0)?;
                        self.save(interp, &chunk[0].1)?;
                        self.out.push(SETITEM);
                    } else {
                        self.out.push(MARK);
                        for (k, x) in chunk {
                            self.save(interp, k)?;
                            self.save(interp, x)?;
                        }
                        self.out.push(SETITEMS);
                    }
                }
            }
            Value::Set(d) => {
                self.out.push(EMPTY_SET);
                self.memoize(v);
                let items = d.borrow().keys();
                for chunk in items.chunks(BATCHSIZE) {
                    self.out.push(MARK);
                    for x in chunk {
                        self.save(interp, x)?;
                    }
                    self.out.push(ADDITEMS);
                }
            }
            other => {
                let t = interp.type_name(other);
                return Err(interp.err(
                    "NotImplementedError",
                    format!("the playground's PickleType stores None, bool, int, float, str, bytes, list, tuple, dict and set values, not '{t}' objects"),
                ));
            }
        }
        Ok(())
    }

    /// A list's items: one `APPEND`, or `MARK` ... `APPENDS` per batch.
    fn batch(&mut self, interp: &mut Interp, items: &[Value], one: u8, many: u8) -> PyResult<()> {
        for chunk in items.chunks(BATCHSIZE) {
            if chunk.len() == 1 {
                self.save(interp, &chunk[0])?;
                self.out.push(one);
            } else {
                self.out.push(MARK);
                for x in chunk {
                    self.save(interp, x)?;
                }
                self.out.push(many);
            }
        }
        Ok(())
    }

    fn save_int(&mut self, i: i64) {
        if (0..=0xff).contains(&i) {
            self.out.extend([BININT1, i as u8]);
        } else if (0..=0xffff).contains(&i) {
            self.out.push(BININT2);
            self.out.extend((i as u16).to_le_bytes());
        } else if (-0x8000_0000..=0x7fff_ffff).contains(&i) {
            self.out.push(BININT);
            self.out.extend((i as i32).to_le_bytes());
        } else {
            // Two's complement, little-endian, as few bytes as keep the sign.
            let mut bytes = i.to_le_bytes().to_vec();
            while bytes.len() > 1 {
                let last = bytes[bytes.len() - 1];
                let prev = bytes[bytes.len() - 2];
                if (last == 0 && prev & 0x80 == 0) || (last == 0xff && prev & 0x80 != 0) {
                    bytes.pop();
                } else {
                    break;
                }
            }
            self.out.extend([LONG1, bytes.len() as u8]);
            self.out.extend(bytes);
        }
    }
}

/// `pickle.dumps(v, protocol=5)`.
pub fn dumps(interp: &mut Interp, v: &Value) -> PyResult<Vec<u8>> {
    let mut p = Pickler { out: Vec::new(), memo: Vec::new() };
    p.save(interp, v)?;
    p.out.push(STOP);
    let mut out = vec![PROTO, 5];
    // The C pickler frames what follows the protocol when it is at least 4 bytes long.
    if p.out.len() >= 4 {
        out.push(FRAME);
        out.extend((p.out.len() as u64).to_le_bytes());
    }
    out.extend(p.out);
    Ok(out)
}

/// `pickle.loads(data)` for what [`dumps`] writes.
pub fn loads(interp: &mut Interp, data: &[u8]) -> PyResult<Value> {
    let bad = |interp: &Interp| interp.err("ValueError", "the playground cannot unpickle this value");
    let mut stack: Vec<Value> = Vec::new();
    let mut marks: Vec<usize> = Vec::new();
    let mut memo: Vec<Value> = Vec::new();
    let mut i = 0usize;
    let take = |i: &mut usize, n: usize| -> Option<&[u8]> {
        let s = data.get(*i..*i + n)?;
        *i += n;
        Some(s)
    };
    loop {
        let Some(&op) = data.get(i) else { return Err(bad(interp)) };
        i += 1;
        match op {
            PROTO => {
                take(&mut i, 1).ok_or_else(|| bad(interp))?;
            }
            FRAME => {
                take(&mut i, 8).ok_or_else(|| bad(interp))?;
            }
            STOP => return stack.pop().ok_or_else(|| bad(interp)),
            NONE => stack.push(Value::None),
            NEWTRUE => stack.push(Value::Bool(true)),
            NEWFALSE => stack.push(Value::Bool(false)),
            BININT1 => {
                let b = take(&mut i, 1).ok_or_else(|| bad(interp))?;
                stack.push(Value::Int(i64::from(b[0])));
            }
            BININT2 => {
                let b = take(&mut i, 2).ok_or_else(|| bad(interp))?;
                stack.push(Value::Int(i64::from(u16::from_le_bytes([b[0], b[1]]))));
            }
            BININT => {
                let b = take(&mut i, 4).ok_or_else(|| bad(interp))?;
                stack.push(Value::Int(i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))));
            }
            LONG1 | LONG4 => {
                let n = if op == LONG1 {
                    usize::from(take(&mut i, 1).ok_or_else(|| bad(interp))?[0])
                } else {
                    let b = take(&mut i, 4).ok_or_else(|| bad(interp))?;
                    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
                };
                let b = take(&mut i, n).ok_or_else(|| bad(interp))?;
                if n > 8 {
                    return Err(bad(interp));
                }
                let fill = if b.last().is_some_and(|l| l & 0x80 != 0) { 0xff } else { 0 };
                let mut full = [fill; 8];
                full[..n].copy_from_slice(b);
                stack.push(Value::Int(i64::from_le_bytes(full)));
            }
            BINFLOAT => {
                let b = take(&mut i, 8).ok_or_else(|| bad(interp))?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                stack.push(Value::Float(f64::from_be_bytes(a)));
            }
            SHORT_BINUNICODE | BINUNICODE | SHORT_BINBYTES | BINBYTES => {
                let n = if op == SHORT_BINUNICODE || op == SHORT_BINBYTES {
                    usize::from(take(&mut i, 1).ok_or_else(|| bad(interp))?[0])
                } else {
                    let b = take(&mut i, 4).ok_or_else(|| bad(interp))?;
                    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
                };
                let b = take(&mut i, n).ok_or_else(|| bad(interp))?;
                if op == SHORT_BINUNICODE || op == BINUNICODE {
                    let s = std::str::from_utf8(b).map_err(|_| bad(interp))?;
                    stack.push(Value::str(s));
                } else {
                    stack.push(Value::Bytes(Rc::from(b)));
                }
            }
            EMPTY_TUPLE => stack.push(Value::tuple(vec![])),
            TUPLE1 | TUPLE2 | TUPLE3 => {
                let n = usize::from(op - TUPLE1 + 1);
                if stack.len() < n {
                    return Err(bad(interp));
                }
                let items = stack.split_off(stack.len() - n);
                stack.push(Value::tuple(items));
            }
            MARK => marks.push(stack.len()),
            TUPLE | APPENDS | SETITEMS | ADDITEMS => {
                let m = marks.pop().ok_or_else(|| bad(interp))?;
                if m > stack.len() {
                    return Err(bad(interp));
                }
                let items = stack.split_off(m);
                if op == TUPLE {
                    stack.push(Value::tuple(items));
                    continue;
                }
                let target = stack.last().cloned().ok_or_else(|| bad(interp))?;
                match (op, &target) {
                    (APPENDS, Value::List(l)) => l.borrow_mut().extend(items),
                    (SETITEMS, Value::Dict(d)) => {
                        for pair in items.chunks(2) {
                            if let [k, v] = pair {
                                d.borrow_mut().insert(k.clone(), v.clone());
                            }
                        }
                    }
                    (ADDITEMS, Value::Set(d)) => {
                        for k in items {
                            d.borrow_mut().add(k);
                        }
                    }
                    _ => return Err(bad(interp)),
                }
            }
            EMPTY_LIST => stack.push(Value::list(vec![])),
            EMPTY_DICT => stack.push(Value::dict(Dict::new())),
            EMPTY_SET => stack.push(Value::Set(Rc::new(std::cell::RefCell::new(crate::python::pyset::PySet::new())))),
            APPEND | SETITEM => {
                let n = if op == APPEND { 1 } else { 2 };
                if stack.len() < n + 1 {
                    return Err(bad(interp));
                }
                let items = stack.split_off(stack.len() - n);
                match (op, stack.last()) {
                    (APPEND, Some(Value::List(l))) => l.borrow_mut().extend(items),
                    (SETITEM, Some(Value::Dict(d))) => {
                        d.borrow_mut().insert(items[0].clone(), items[1].clone());
                    }
                    _ => return Err(bad(interp)),
                }
            }
            MEMOIZE => memo.push(stack.last().cloned().ok_or_else(|| bad(interp))?),
            BINGET | LONG_BINGET => {
                let n = if op == BINGET {
                    usize::from(take(&mut i, 1).ok_or_else(|| bad(interp))?[0])
                } else {
                    let b = take(&mut i, 4).ok_or_else(|| bad(interp))?;
                    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
                };
                stack.push(memo.get(n).cloned().ok_or_else(|| bad(interp))?);
            }
            _ => return Err(bad(interp)),
        }
    }
}
