//! CPython's `set` and `frozenset` as their hash table makes them observable: the order a set
//! iterates in, which is its table's slot order, and the hash of a `frozenset`.
//!
//! A [`PySet`] keeps its members (a [`Dict`], for lookups with our equality) and, beside them, a
//! model of `setobject.c`'s table: every slot empty, a dummy (a removed member) or a member with
//! its hash, with `fill` / `used` and `pop`'s finger. Each operation changes the model as CPython
//! 3.11's `setobject.c` changes its table: `set_add_entry` (which reuses the last dummy its probe
//! passed), `set_discard_entry`, `set_table_resize` (which never shrinks on its own), `set_merge`
//! (a slot-for-slot copy into an empty set of the same size), `set_pop`, and above them the
//! algorithms of `|`, `&`, `-`, `^`, their in-place forms and the named methods (below, with
//! the interpreter: [`update`], [`intersection`], [`difference`], ...).
//!
//! The model holds only while every member's hash is CPython's own whatever the process: ints,
//! bools, floats, tuples of those, instances whose `__hash__` returned one. A `str`'s hash is
//! randomised per process (the oracle does not fix `PYTHONHASHSEED`), so once a member without
//! such a hash joins, the set forgets its table and iterates in insertion order, which is as
//! good as any order CPython could show.

use std::cell::RefCell;
use std::rc::Rc;

use super::interp::{Interp, PyResult};
use super::value::{Dict, HashKey, Value};

/// `PySet_MINSIZE`: the slots of a new set's table.
const MINSIZE: usize = 8;
/// Slots probed one after the other before jumping (`LINEAR_PROBES` in `setobject.c`).
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// One slot of the table.
#[derive(Clone)]
enum Slot {
    Empty,
    /// A removed member (`dummy`, hash -1).
    Dummy,
    Active(i64, Value),
}

/// `setobject.c`'s table: `fill` counts active and dummy slots, `used` active ones.
#[derive(Clone)]
struct Table {
    slots: Vec<Slot>,
    fill: usize,
    used: usize,
}

/// The first index of `hash`'s probe sequence and the next one (`i * 5 + 1 + perturb`).
/// Computed in `usize` (32 bits on wasm): only the bits under `mask` matter.
fn probe_start(hash: i64, mask: usize) -> usize {
    (hash as u64 as usize) & mask
}

fn probe_next(i: usize, perturb: &mut u64, mask: usize) -> usize {
    *perturb >>= PERTURB_SHIFT;
    i.wrapping_mul(5).wrapping_add(1).wrapping_add(*perturb as usize) & mask
}

/// `set_insert_clean`: puts a member into the first empty slot of its probe sequence (the
/// table has no dummies).
fn insert_clean(slots: &mut [Slot], hash: i64, key: Value) {
    let mask = slots.len() - 1;
    let mut perturb = hash as u64;
    let mut i = probe_start(hash, mask);
    loop {
        let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
        for j in 0..=probes {
            if matches!(slots[i + j], Slot::Empty) {
                slots[i + j] = Slot::Active(hash, key);
                return;
            }
        }
        i = probe_next(i, &mut perturb, mask);
    }
}

impl Table {
    fn new() -> Table {
        Table { slots: vec![Slot::Empty; MINSIZE], fill: 0, used: 0 }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// `set_lookkey`: the slot holding the member `key` (of hash `hash`).
    fn lookup(&self, key: &HashKey, hash: i64) -> Option<usize> {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = probe_start(hash, mask);
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            for j in 0..=probes {
                match &self.slots[i + j] {
                    Slot::Empty => return None,
                    Slot::Active(h, v) if *h == hash && HashKey::of(v).as_ref() == Some(key) => return Some(i + j),
                    _ => {}
                }
            }
            i = probe_next(i, &mut perturb, mask);
        }
    }

    /// `set_add_entry` for a member not in the table: the last dummy the probe passed before
    /// an empty slot, else that empty slot (then growing the table when it is 3/5 full).
    fn add(&mut self, hash: i64, key: Value) {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = probe_start(hash, mask);
        let mut freeslot = None;
        let empty = 'probe: loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            for j in 0..=probes {
                match self.slots[i + j] {
                    Slot::Empty => break 'probe i + j,
                    Slot::Dummy => freeslot = Some(i + j),
                    Slot::Active(..) => {}
                }
            }
            i = probe_next(i, &mut perturb, mask);
        };
        self.used += 1;
        if let Some(free) = freeslot {
            self.slots[free] = Slot::Active(hash, key);
            return;
        }
        self.slots[empty] = Slot::Active(hash, key);
        self.fill += 1;
        if self.fill * 5 >= mask * 3 {
            self.grow();
        }
    }

    /// The resize `set_add_entry` and `set_difference_update_internal` ask for.
    fn grow(&mut self) {
        let used = self.used;
        self.resize(if used > 50000 { used * 2 } else { used * 4 });
    }

    /// `set_table_resize`: a table of the smallest power of two above `minused` (a small
    /// table without dummies is left alone), members reinserted in slot order.
    fn resize(&mut self, minused: usize) {
        let mut size = MINSIZE;
        while size <= minused {
            size <<= 1;
        }
        if size == MINSIZE && self.slots.len() == MINSIZE && self.fill == self.used {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::Empty; size]);
        self.fill = self.used;
        for slot in old {
            if let Slot::Active(h, v) = slot {
                insert_clean(&mut self.slots, h, v);
            }
        }
    }

    /// `set_discard_entry`: the member's slot becomes a dummy.
    fn discard(&mut self, key: &HashKey, hash: i64) -> bool {
        match self.lookup(key, hash) {
            Some(i) => {
                self.slots[i] = Slot::Dummy;
                self.used -= 1;
                true
            }
            None => false,
        }
    }

    /// `set_pop`: the first member from the finger on (wrapping), which becomes a dummy.
    fn pop(&mut self, finger: &mut usize) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = *finger & mask;
        while !matches!(self.slots[i], Slot::Active(..)) {
            i = if i >= mask { 0 } else { i + 1 };
        }
        let Slot::Active(_, v) = std::mem::replace(&mut self.slots[i], Slot::Dummy) else { return None };
        self.used -= 1;
        *finger = i + 1;
        Some(v)
    }

    /// The start of `set_merge` (other not empty, not this table): one resize up front, then
    /// into an empty table a slot-for-slot copy (same size, no dummies) or clean insertions
    /// in the other's slot order. False when this table is not empty: the caller then adds
    /// the other's members one by one.
    fn merge_begin(&mut self, other: &Table) -> bool {
        if (self.fill + other.used) * 5 >= self.mask() * 3 {
            self.resize((self.used + other.used) * 2);
        }
        if self.fill != 0 {
            return false;
        }
        if self.mask() == other.mask() && other.fill == other.used {
            self.slots = other.slots.clone();
        } else {
            for slot in &other.slots {
                if let Slot::Active(h, v) = slot {
                    insert_clean(&mut self.slots, *h, v.clone());
                }
            }
        }
        self.fill = other.used;
        self.used = other.used;
        true
    }

    /// The members in slot order.
    fn order(&self) -> Vec<Value> {
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Active(_, v) => Some(v.clone()),
                _ => None,
            })
            .collect()
    }
}

/// A `set`'s (or `frozenset`'s) contents: the members, and the model of CPython's table that
/// gives their order (None once a member's hash is not known, see the module doc).
#[derive(Clone)]
pub struct PySet {
    members: Dict,
    table: Option<Table>,
    /// `set_pop`'s search finger: where the next `pop()` starts looking.
    finger: usize,
}

impl Default for PySet {
    fn default() -> PySet {
        PySet::new()
    }
}

impl PySet {
    pub fn new() -> PySet {
        PySet { members: Dict::new(), table: Some(Table::new()), finger: 0 }
    }
    pub fn len(&self) -> usize {
        self.members.len()
    }
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
    /// Is a member equal (as a key) to `k`?
    pub fn contains(&self, k: &Value) -> bool {
        self.members.contains(k)
    }
    /// The members that may equal `probe` under a user-defined `__eq__`.
    pub fn key_candidates(&self, probe: &Value) -> Vec<Value> {
        self.members.key_candidates(probe)
    }
    /// The members in no particular order (for what does not depend on it).
    pub fn members(&self) -> impl Iterator<Item = &Value> {
        self.members.iter().map(|(k, _)| k)
    }
    /// The members, consuming the set.
    pub fn into_members(self) -> impl Iterator<Item = Value> {
        self.members.into_entries().step_by(2)
    }
    /// The members in the order CPython iterates them.
    pub fn keys(&self) -> Vec<Value> {
        match &self.table {
            Some(t) => t.order(),
            None => self.members.keys(),
        }
    }
    /// `set_add_entry` for a member already made canonical (an equal stored member is that
    /// member): no change if it is there. False when it is unhashable.
    pub fn add(&mut self, key: Value) -> bool {
        if self.members.contains(&key) {
            return true;
        }
        let hash = if self.table.is_some() { super::builtins::exact_hash(&key) } else { None };
        if !self.members.insert(key.clone(), Value::None) {
            return false;
        }
        match (&mut self.table, hash) {
            (Some(t), Some(h)) => t.add(h, key),
            _ => self.table = None,
        }
        true
    }
    /// `set_discard_entry`: true when `key` was a member.
    pub fn discard(&mut self, key: &Value) -> bool {
        if self.members.remove(key).is_none() {
            return false;
        }
        if let Some(t) = &mut self.table {
            let found = match (super::builtins::exact_hash(key), HashKey::of(key)) {
                (Some(h), Some(k)) => t.discard(&k, h),
                _ => false,
            };
            if !found {
                self.table = None;
            }
        }
        true
    }
    /// `set_pop`.
    pub fn pop(&mut self) -> Option<Value> {
        let k = match &mut self.table {
            Some(t) => t.pop(&mut self.finger)?,
            None => self.members.iter().next().map(|(k, _)| k.clone())?,
        };
        self.members.remove(&k);
        Some(k)
    }
    /// `set_clear_internal`: an empty small table (the finger stays).
    pub fn clear(&mut self) {
        self.members.clear();
        self.table = Some(Table::new());
    }
    /// `set_update_internal`'s resize before adding a dict's `n` keys.
    pub fn presize(&mut self, n: usize) {
        if let Some(t) = &mut self.table {
            if (t.fill + n) * 5 >= t.mask() * 3 {
                t.resize((t.used + n) * 2);
            }
        }
    }
    /// The start of `set_merge` of a non-empty `other` (see `Table::merge_begin`); true when
    /// it copied everything (this set was empty).
    pub fn merge_begin(&mut self, other: &PySet) -> bool {
        let empty = self.is_empty();
        match (&mut self.table, &other.table) {
            (Some(t), Some(o)) => {
                if !t.merge_begin(o) {
                    return false;
                }
            }
            _ if empty => self.table = other.table.clone(),
            _ => return false,
        }
        self.members = other.members.clone();
        true
    }
    /// The end of `set_difference_update_internal`: a table more than a quarter dummies is
    /// rebuilt.
    pub fn purge_dummies(&mut self) {
        if let Some(t) = &mut self.table {
            if t.fill - t.used > t.mask() / 4 {
                t.grow();
            }
        }
    }
    /// `set_swap_bodies` as `intersection_update` uses it: this set takes `other`'s
    /// contents (its finger stays).
    pub fn take_body(&mut self, other: PySet) {
        self.members = other.members;
        self.table = other.table;
    }
}

/// A set shared by the values that hold it.
pub type SetRef = Rc<RefCell<PySet>>;

pub fn new_ref(s: PySet) -> SetRef {
    Rc::new(RefCell::new(s))
}

fn take(s: SetRef) -> PySet {
    Rc::try_unwrap(s).map(RefCell::into_inner).unwrap_or_else(|s| s.borrow().clone())
}

/// The set inside a `set` or `frozenset` value (or an instance of a subclass of either).
pub fn any_set(v: &Value) -> Option<SetRef> {
    match v {
        Value::Set(s) => Some(s.clone()),
        Value::Instance(_) => match v.builtin_base() {
            Some(Value::Set(s)) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

// --- The operations of setobject.c, with the interpreter for hashes and `__eq__` ---------

/// The member of `s` equal to `k` (a user `__eq__` may say so), else `k`; TypeError for an
/// unhashable `k`.
fn canon(interp: &mut Interp, s: &RefCell<PySet>, k: Value) -> PyResult<Value> {
    if !interp.prepare_key(&k)? || s.borrow().contains(&k) {
        return Ok(k);
    }
    let candidates = s.borrow().key_candidates(&k);
    for c in candidates {
        if interp.eq(&c, &k)? {
            return Ok(c);
        }
    }
    Ok(k)
}

fn unhashable(interp: &Interp, k: &Value) -> super::interp::PyErr {
    interp.type_error(format!("unhashable type: '{}'", interp.type_name(k)))
}

/// `set_add_key`.
pub fn add(interp: &mut Interp, s: &RefCell<PySet>, k: Value) -> PyResult<()> {
    let k = canon(interp, s, k)?;
    if !s.borrow_mut().add(k.clone()) {
        return Err(unhashable(interp, &k));
    }
    Ok(())
}

/// `set_contains_key`.
pub fn contains(interp: &mut Interp, s: &RefCell<PySet>, k: &Value) -> PyResult<bool> {
    let k = canon(interp, s, k.clone())?;
    if HashKey::of(&k).is_none() {
        return Err(unhashable(interp, &k));
    }
    Ok(s.borrow().contains(&k))
}

/// `set_discard_key`: true when `k` was a member.
pub fn discard(interp: &mut Interp, s: &RefCell<PySet>, k: &Value) -> PyResult<bool> {
    let k = canon(interp, s, k.clone())?;
    if HashKey::of(&k).is_none() {
        return Err(unhashable(interp, &k));
    }
    Ok(s.borrow_mut().discard(&k))
}

/// `set_update_internal`: a set is merged (`set_merge`), a dict's keys added after one
/// resize, anything else iterated and added.
pub fn update(interp: &mut Interp, so: &SetRef, other: &Value) -> PyResult<()> {
    if let Some(o) = any_set(other) {
        if Rc::ptr_eq(so, &o) || o.borrow().is_empty() {
            return Ok(());
        }
        let copied = so.borrow_mut().merge_begin(&o.borrow());
        if !copied {
            let keys = o.borrow().keys();
            for k in keys {
                add(interp, so, k)?;
            }
        }
        return Ok(());
    }
    if let Value::Dict(d) = other {
        let keys = d.borrow().keys();
        so.borrow_mut().presize(keys.len());
        for k in keys {
            add(interp, so, k)?;
        }
        return Ok(());
    }
    for k in interp.iterate(other)? {
        add(interp, so, k)?;
    }
    Ok(())
}

/// `make_new_set`: a new set from an iterable (or empty).
pub fn from_iterable(interp: &mut Interp, v: Option<&Value>) -> PyResult<PySet> {
    let s = new_ref(PySet::new());
    if let Some(v) = v {
        update(interp, &s, v)?;
    }
    Ok(take(s))
}

/// `set_copy`.
pub fn copy(interp: &mut Interp, so: &SetRef) -> PyResult<PySet> {
    from_iterable(interp, Some(&Value::Set(so.clone())))
}

/// `set_union` (`|` is the one-operand case): a copy updated with each other operand.
pub fn union(interp: &mut Interp, so: &SetRef, others: &[Value]) -> PyResult<PySet> {
    let result = new_ref(copy(interp, so)?);
    for o in others {
        if any_set(o).is_some_and(|o| Rc::ptr_eq(&o, so)) {
            continue;
        }
        update(interp, &result, o)?;
    }
    Ok(take(result))
}

/// `set_intersection`: the smaller set's members (in its order) that the larger has; for an
/// iterable, its items the set has.
pub fn intersection(interp: &mut Interp, so: &SetRef, other: &Value) -> PyResult<PySet> {
    let result = new_ref(PySet::new());
    if let Some(o) = any_set(other) {
        if Rc::ptr_eq(so, &o) {
            return copy(interp, so);
        }
        let (big, small) = if o.borrow().len() > so.borrow().len() { (o, so.clone()) } else { (so.clone(), o) };
        let keys = small.borrow().keys();
        for k in keys {
            if contains(interp, &big, &k)? {
                add(interp, &result, k)?;
            }
        }
        return Ok(take(result));
    }
    let n = so.borrow().len();
    for k in interp.iterate(other)? {
        if contains(interp, so, &k)? {
            add(interp, &result, k)?;
            if result.borrow().len() >= n {
                break;
            }
        }
    }
    Ok(take(result))
}

/// `set_intersection_multi`.
pub fn intersection_multi(interp: &mut Interp, so: &SetRef, others: &[Value]) -> PyResult<PySet> {
    if others.is_empty() {
        return copy(interp, so);
    }
    let mut result = so.clone();
    for o in others {
        result = new_ref(intersection(interp, &result, o)?);
    }
    Ok(take(result))
}

/// `set_difference_update_internal`: each of the other's members discarded (of the
/// intersection when the other is more than 8 times larger), then dummies purged.
pub fn difference_update(interp: &mut Interp, so: &SetRef, other: &Value) -> PyResult<()> {
    if let Some(o) = any_set(other) {
        if Rc::ptr_eq(so, &o) {
            so.borrow_mut().clear();
            return Ok(());
        }
        let larger = (o.borrow().len() >> 3) > so.borrow().len();
        let keys = if larger { intersection(interp, so, other)?.keys() } else { o.borrow().keys() };
        for k in keys {
            discard(interp, so, &k)?;
        }
    } else {
        for k in interp.iterate(other)? {
            discard(interp, so, &k)?;
        }
    }
    so.borrow_mut().purge_dummies();
    Ok(())
}

/// `set_difference`: a copy with the other's members discarded when this set is more than 4
/// times larger (or the other is neither a set nor a dict), else a new set of the members
/// (in this set's order) the other lacks.
pub fn difference(interp: &mut Interp, so: &SetRef, other: &Value) -> PyResult<PySet> {
    let other_set = any_set(other);
    let other_size = match (&other_set, other) {
        (Some(o), _) => Some(o.borrow().len()),
        (None, Value::Dict(d)) => Some(d.borrow().len()),
        _ => None,
    };
    if other_size.is_none_or(|n| (so.borrow().len() >> 2) > n) {
        let result = new_ref(copy(interp, so)?);
        difference_update(interp, &result, other)?;
        return Ok(take(result));
    }
    let result = new_ref(PySet::new());
    let keys = so.borrow().keys();
    for k in keys {
        let inside = match (&other_set, other) {
            (Some(o), _) => contains(interp, o, &k)?,
            (None, Value::Dict(d)) => interp.dict_contains(d, &k)?,
            _ => false,
        };
        if !inside {
            add(interp, &result, k)?;
        }
    }
    Ok(take(result))
}

/// `set_difference_multi`.
pub fn difference_multi(interp: &mut Interp, so: &SetRef, others: &[Value]) -> PyResult<PySet> {
    let Some((first, rest)) = others.split_first() else { return copy(interp, so) };
    let result = new_ref(difference(interp, so, first)?);
    for o in rest {
        difference_update(interp, &result, o)?;
    }
    Ok(take(result))
}

/// `set_symmetric_difference_update`: each of the other's members (a dict's keys, a set's,
/// or those of a set made from the iterable) discarded, or added when it was not there.
pub fn symmetric_difference_update(interp: &mut Interp, so: &SetRef, other: &Value) -> PyResult<()> {
    let keys = if let Value::Dict(d) = other {
        d.borrow().keys()
    } else if let Some(o) = any_set(other) {
        if Rc::ptr_eq(so, &o) {
            so.borrow_mut().clear();
            return Ok(());
        }
        let keys = o.borrow().keys();
        keys
    } else {
        from_iterable(interp, Some(other))?.keys()
    };
    for k in keys {
        if !discard(interp, so, &k)? {
            add(interp, so, k)?;
        }
    }
    Ok(())
}

/// `set_symmetric_difference`: a set made from the other, updated with this one.
pub fn symmetric_difference(interp: &mut Interp, so: &SetRef, other: &Value) -> PyResult<PySet> {
    let result = new_ref(from_iterable(interp, Some(other))?);
    symmetric_difference_update(interp, &result, &Value::Set(so.clone()))?;
    Ok(take(result))
}

/// CPython's `_Py_HashDouble` for a finite or infinite float (NaN hashes by address: None).
pub fn float_hash(v: f64) -> Option<i64> {
    const BITS: u32 = 61;
    const MODULUS: u64 = (1 << BITS) - 1;
    if v.is_nan() {
        return None;
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { 314159 } else { -314159 });
    }
    let (mut m, mut e) = frexp(v);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (BITS - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 { (e as u32) % BITS } else { BITS - 1 - ((-1 - e) as u32 % BITS) };
    x = ((x << e) & MODULUS) | (x >> (BITS - e));
    let h = (x as i64).wrapping_mul(sign);
    Some(if h == -1 { -2 } else { h })
}

/// `frexp`: `v = m * 2**e` with `0.5 <= |m| < 1` (m = 0 for 0).
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// CPython's `frozenset_hash` for a frozenset (built without removals) of members with these
/// hashes.
pub fn frozenset_hash(hashes: &[i64]) -> i64 {
    fn shuffle(h: u64) -> u64 {
        ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
    }
    let mut hash: u64 = 0;
    for &h in hashes {
        hash ^= shuffle(h as u64);
    }
    hash ^= (hashes.len() as u64 + 1).wrapping_mul(1927868237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69069).wrapping_add(907133923);
    if hash == u64::MAX {
        hash = 590923713;
    }
    hash as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of(members: &[i64]) -> PySet {
        let mut s = PySet::new();
        for &m in members {
            assert!(s.add(Value::Int(m)));
        }
        s
    }

    fn ints(s: &PySet) -> Vec<i64> {
        s.keys().iter().map(|v| if let Value::Int(n) = v { *n } else { i64::MIN }).collect()
    }

    // The expected orders are CPython 3.11's (`list(s)` after the same adds and removals).

    #[test]
    fn small_ints_iterate_in_slot_order() {
        // {3, 1, 2} -> slots 3, 1, 2; 8 wraps to slot 0 of the 8-slot table.
        assert_eq!(ints(&set_of(&[3, 1, 2])), vec![1, 2, 3]);
        assert_eq!(ints(&set_of(&[1, 8])), vec![8, 1]);
        // hash(-1) == hash(-2) == -2: the second probes on.
        assert_eq!(set_of(&[-1, -2]).keys().len(), 2);
    }

    #[test]
    fn an_add_reuses_the_last_dummy_its_probe_passed() {
        let mut s = set_of(&[5, 13, 21, 29, 37, 45]);
        assert_eq!(ints(&s), vec![37, 5, 13, 45, 21, 29]);
        assert!(s.discard(&Value::Int(13)));
        assert!(!s.discard(&Value::Int(13)));
        s.add(Value::Int(53));
        s.add(Value::Int(13));
        assert_eq!(ints(&s), vec![37, 5, 13, 45, 21, 53, 29]);
        // A table emptied by removals keeps its size, and its dummies steer new members.
        let mut m = set_of(&(0..100).collect::<Vec<_>>());
        for k in 0..100 {
            m.discard(&Value::Int(k));
        }
        for k in [64, 0, 128, 1] {
            m.add(Value::Int(k));
        }
        assert_eq!(ints(&m), vec![1, 0, 64, 128]);
        assert_eq!(ints(&set_of(&[64, 0, 128, 1])), vec![64, 0, 128, 1]);
    }

    #[test]
    fn pop_starts_at_its_finger() {
        let mut s = set_of(&(0..40).collect::<Vec<_>>());
        for k in (0..40).step_by(3) {
            s.discard(&Value::Int(k));
        }
        for k in [100, 3, 72, 36] {
            s.add(Value::Int(k));
        }
        let popped: Vec<Value> = (0..5).filter_map(|_| s.pop()).collect();
        assert_eq!(
            popped.iter().map(|v| if let Value::Int(n) = v { *n } else { -1 }).collect::<Vec<_>>(),
            vec![1, 2, 4, 5, 7]
        );
        assert_eq!(ints(&s)[..6], [8, 10, 11, 13, 14, 16]);
        // clear() keeps the finger: {9, 1, 17} then pops 1 (slot 1), not 9.
        s.clear();
        for k in [9, 1, 17] {
            s.add(Value::Int(k));
        }
        assert_eq!(ints(&s), vec![9, 1, 17]);
    }

    #[test]
    fn merging_into_an_empty_set_copies_or_reinserts() {
        // Same size and no dummies: slot for slot.
        let src = set_of(&[5, 13, 21]);
        let mut dst = PySet::new();
        assert!(dst.merge_begin(&src));
        assert_eq!(ints(&dst), ints(&src));
        // set(frozenset((5, 13, 21, 29, 37, 45))): presized to 16 slots, reinserted in the
        // 32-slot source's order.
        let src = set_of(&[5, 13, 21, 29, 37, 45]);
        let mut dst = PySet::new();
        assert!(dst.merge_begin(&src));
        assert_eq!(ints(&dst), vec![29, 45, 37, 5, 21, 13]);
        // A non-empty target leaves the adding to the caller.
        let mut dst = set_of(&[1]);
        assert!(!dst.merge_begin(&src));
    }

    #[test]
    fn an_unknown_hash_falls_back_to_insertion_order() {
        let mut s = set_of(&[3, 1]);
        s.add(Value::str("a"));
        s.add(Value::Int(2));
        assert_eq!(s.keys().len(), 4);
        assert!(matches!(s.keys()[0], Value::Int(3)));
        s.clear();
        s.add(Value::Int(3));
        s.add(Value::Int(1));
        assert_eq!(ints(&s), vec![1, 3]);
    }

    #[test]
    fn float_hashes_are_cpythons() {
        // hash(0.5), hash(0.1), hash(-2.5), hash(1e-300), hash(float('inf')) in CPython 3.11.
        assert_eq!(float_hash(0.5), Some(1152921504606846976));
        assert_eq!(float_hash(0.1), Some(230584300921369408));
        assert_eq!(float_hash(-2.5), Some(-1152921504606846978));
        assert_eq!(float_hash(1e-300), Some(482449582752280463));
        assert_eq!(float_hash(5e-324), Some(16777216));
        assert_eq!(float_hash(f64::INFINITY), Some(314159));
        assert_eq!(float_hash(3.0), Some(3));
    }
}
