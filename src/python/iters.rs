//! Iterators as CPython has them: objects advanced one item at a time. `iter()` of a list
//! is a `list_iterator` that sees the list as it is when advanced; `map`, `filter`, `zip`,
//! `enumerate`, `reversed` and generator expressions compute each item when asked for it, so
//! `any(f(x) for x in xs)` stops calling `f` at the first true result, and an iterator consumed
//! once gives nothing the second time. [`Interp::get_iter`] and [`Interp::iter_next`] are the
//! protocol (`iter()`, `next()`); `for` loops and comprehensions walk through them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::ast::{Comprehension, Expr};
use super::builtins::{func, method, native_class, new_native};
use super::interp::{Frame, Interp, PyResult};
use super::value::{Args, Class, Function, Module, Scope, Value};

/// The payload of every builtin iterator object; its class names the kind (`map`,
/// `list_iterator`, `generator`, ...).
pub struct LazyIter {
    pub(super) state: RefCell<State>,
    /// A generator's qualified name (its repr keeps it once the generator is done; a
    /// `__qualname__` assigned replaces it).
    pub(super) name: RefCell<Option<Rc<str>>>,
    /// A generator's `__name__` (its function's, unless assigned).
    pub(super) short_name: RefCell<Option<Rc<str>>>,
    /// A generator function's generator: the function (for `gi_code`).
    pub(super) origin: Option<Rc<Function>>,
    /// A generator function's generator: the line its frame is at, kept up to date by the
    /// frame as it runs (for `gi_frame.f_lineno`, also while running or when done).
    pub(super) line: Option<Rc<std::cell::Cell<u32>>>,
    /// The `gi_frame` and `gi_code` objects, once asked for (the same object each time).
    pub(super) frame_obj: RefCell<Option<Value>>,
    pub(super) code_obj: RefCell<Option<Value>>,
}

pub(super) enum State {
    /// Items computed beforehand (a tuple's, a dict's keys, a generator function's yields).
    Items {
        items: Vec<Value>,
        pos: usize,
    },
    /// A dict's or set's iterator: its members when it began, and its size then (a change
    /// of size raises, from then on, CPython's RuntimeError `msg`).
    Sized {
        items: Vec<Value>,
        pos: usize,
        /// The dict or set iterated.
        of: Value,
        len: usize,
        msg: &'static str,
    },
    /// A list's `list_iterator`: index into the list as it is now.
    List {
        list: Value,
        pos: usize,
    },
    /// `reversed(list)`: index counting down, checked against the list's length as it is now.
    ListReversed {
        list: Value,
        pos: Option<usize>,
    },
    /// A `range_iterator`: the `k`th of `len` numbers `start + k * step`.
    Range {
        start: i64,
        step: i64,
        len: i64,
        k: i64,
    },
    Map {
        f: Value,
        its: Vec<Value>,
    },
    Filter {
        f: Value,
        it: Value,
    },
    Zip {
        its: Vec<Value>,
        strict: bool,
    },
    Enumerate {
        it: Value,
        n: i64,
    },
    /// `iter(callable, sentinel)`.
    Callable {
        f: Value,
        sentinel: Value,
    },
    GenExpr(Box<GenExpr>),
    /// A generator function's frame, suspended (see [`super::generator`]).
    GenFunc(Box<GenFn>),
    /// A library's generator whose items a native function computes at the first `next()`.
    Deferred {
        name: Rc<str>,
        items: DeferredItems,
    },
    /// Being advanced (a generator asked for its own next item); the generator's name.
    Running(Rc<str>),
    Done,
}

/// A generator function's call: its frame, not started or suspended at a `yield`.
pub(super) struct GenFn {
    pub func: Rc<Function>,
    pub frame: Frame,
    pub started: bool,
}

impl GenFn {
    /// Would closing it run code: is it suspended inside a `try` or `with` statement, or
    /// delegating to another generator?
    fn needs_close(&self) -> bool {
        use super::generator::Resume;
        self.started
            && self.frame.gen.as_ref().is_some_and(|g| {
                g.resume.iter().any(|r| matches!(r, Resume::Try(_) | Resume::With(_) | Resume::YieldFrom(_)))
            })
    }
}

thread_local! {
    /// Suspended generators whose last reference went while they were inside a `try` or
    /// `with` statement. CPython closes a generator then (its `finally` blocks and `__exit__`
    /// methods run); the interpreter does so at its next statement boundary
    /// ([`Interp::close_abandoned`]).
    static ABANDONED: RefCell<Vec<Box<GenFn>>> = const { RefCell::new(Vec::new()) };
}

impl Drop for LazyIter {
    fn drop(&mut self) {
        if let State::GenFunc(g) = std::mem::replace(self.state.get_mut(), State::Done) {
            if g.needs_close() {
                let _ = ABANDONED.try_with(|a| {
                    if let Ok(mut a) = a.try_borrow_mut() {
                        a.push(g);
                    }
                });
            }
        }
    }
}

/// Are there abandoned generators to close?
pub(super) fn any_abandoned() -> bool {
    ABANDONED.try_with(|a| a.try_borrow().is_ok_and(|a| !a.is_empty())).unwrap_or(false)
}

/// Forgets the abandoned generators without running them (the interpreter is going away).
pub(super) fn forget_abandoned() {
    loop {
        let gens = ABANDONED.try_with(|a| a.try_borrow_mut().map(|mut a| std::mem::take(&mut *a)).unwrap_or_default());
        match gens {
            Ok(gens) if !gens.is_empty() => drop(gens),
            _ => return,
        }
    }
}

/// A generator expression in progress: the scope its variables live in and, per `for`
/// clause entered, the iterator it walks.
pub(super) struct GenExpr {
    /// Asked for an item yet (else `send()` of a value is refused).
    pub started: bool,
    gens: Rc<Vec<Comprehension>>,
    elt: Expr,
    globals: Rc<Module>,
    scope: Rc<Scope>,
    func: Option<Rc<Function>>,
    first_arg: Option<Value>,
    line: u32,
    stack: Vec<Value>,
}

/// The class of iterator objects of kind `name` (`list_iterator`, `map`, ...), made on first
/// use: they share `__iter__` and `__next__`.
pub fn iter_class(interp: &Interp, name: &str) -> Rc<Class> {
    if let Some(c) = interp.iter_classes.borrow().get(name) {
        return c.clone();
    }
    let cls = native_class(
        interp,
        name,
        "builtins",
        None,
        vec![
            (
                "__iter__",
                method(name, "__iter__", {
                    let owner = name.to_string();
                    move |i, a| iterator_receiver(i, &a, &owner, "__iter__")
                }),
            ),
            (
                "__next__",
                method(name, "__next__", {
                    let owner = name.to_string();
                    move |i, a| {
                        let it = iterator_receiver(i, &a, &owner, "__next__")?;
                        match i.iter_next(&it)? {
                            Some(v) => Ok(v),
                            None => Err(i.err_bare("StopIteration")),
                        }
                    }
                }),
            ),
        ],
    );
    if name == "generator" {
        super::generator::install_methods(interp, &cls);
    }
    interp.iter_classes.borrow_mut().insert(name.to_string(), cls.clone());
    cls
}

/// The receiver of a method of iterator class `owner` (`generator`, `list_iterator`, ...):
/// an instance of it, else CPython's TypeError for a descriptor applied to another type.
pub fn iterator_receiver(i: &Interp, a: &Args, owner: &str, name: &str) -> PyResult<Value> {
    super::builtins::receiver(i, a, owner, name, |v| {
        let ok = matches!(v, Value::Instance(inst) if inst.class.mro.borrow().iter().any(|c| c.name == owner && c.module == "builtins"));
        ok.then(|| v.clone())
    })
}

fn make(interp: &Interp, kind: &str, state: State) -> Value {
    let name = match &state {
        State::GenFunc(_) | State::GenExpr(_) | State::Deferred { .. } => Some(state_name(&state)),
        _ => None,
    };
    let origin = match &state {
        State::GenFunc(g) => Some(g.func.clone()),
        _ => None,
    };
    let short = match &origin {
        Some(f) => Some(f.name.as_str().into()),
        None => name.as_ref().map(|n: &Rc<str>| n.rsplit('.').next().unwrap_or_default().into()),
    };
    let line = match &state {
        State::GenFunc(g) => g.frame.gen.as_ref().and_then(|f| f.line.clone()),
        _ => None,
    };
    let (name, short_name) = (RefCell::new(name), RefCell::new(short));
    let (frame_obj, code_obj) = (RefCell::new(None), RefCell::new(None));
    let l = LazyIter { state: RefCell::new(state), name, short_name, origin, line, frame_obj, code_obj };
    new_native(&iter_class(interp, kind), l)
}

/// An iterator of kind `kind` over items computed beforehand.
pub fn items_iter(interp: &Interp, items: Vec<Value>, kind: &str) -> Value {
    make(interp, kind, State::Items { items, pos: 0 })
}

/// An iterator of kind `kind` (`dict_keyiterator`, `set_iterator`, ...) over `items`, the
/// members of dict or set `of` now: if `of` changes size, the next step raises CPython's
/// "dictionary changed size during iteration" (or "Set changed size ...").
pub fn sized_iter(interp: &Interp, of: Value, items: Vec<Value>, kind: &str, set: bool) -> Value {
    let len = container_len(&of);
    let msg = if set { "Set changed size during iteration" } else { "dictionary changed size during iteration" };
    make(interp, kind, State::Sized { items, pos: 0, of, len, msg })
}

/// The size of the dict or set a [`State::Sized`] iterates.
fn container_len(of: &Value) -> usize {
    match of {
        Value::Dict(d) => d.borrow().len(),
        Value::Set(s) => s.borrow().len(),
        _ => 0,
    }
}

/// Is `v` a builtin iterator object?
pub fn is_iter(v: &Value) -> bool {
    v.payload::<LazyIter>().is_some()
}

/// The `generator` object a call of generator function `func` returns: `frame` holds its
/// arguments, and its body runs as the generator is advanced.
pub fn generator(interp: &Interp, func: Rc<Function>, mut frame: Frame) -> Value {
    if let Some(g) = &mut frame.gen {
        // Before it starts, its frame is at the `def` line.
        g.line = Some(Rc::new(std::cell::Cell::new(func.firstlineno)));
    }
    make(interp, "generator", State::GenFunc(Box::new(GenFn { func, frame, started: false })))
}

/// What a [`deferred_generator`] runs at its first `next()`.
pub type DeferredItems = Rc<dyn Fn(&mut Interp) -> PyResult<Vec<Value>>>;

/// A `generator` named `qualname` whose items `items` computes when it is first advanced:
/// what a library `__iter__` written as a Python generator function returns (SQLAlchemy's
/// `Query.__iter__` runs its SELECT at the first `next()`, not when `iter()` is called).
pub fn deferred_generator(interp: &Interp, qualname: &str, items: DeferredItems) -> Value {
    make(interp, "generator", State::Deferred { name: qualname.into(), items })
}

/// The qualified name a generator's repr shows.
pub fn generator_name(v: &Value) -> Option<String> {
    let l = v.payload::<LazyIter>()?;
    if let Some(name) = &*l.name.borrow() {
        return Some(name.to_string());
    }
    let s = l.state.borrow();
    Some(state_name(&s).to_string())
}

/// The qualified name of a generator in state `s` (`<genexpr>` once it is done: the repr of
/// a finished generator expression or function is not asked for in practice).
pub(super) fn state_name(s: &State) -> Rc<str> {
    match s {
        State::GenFunc(g) => g.func.qualname.as_str().into(),
        State::GenExpr(g) => match &g.func {
            Some(f) => format!("{}.<locals>.<genexpr>", f.qualname).into(),
            None => "<genexpr>".into(),
        },
        State::Running(name) | State::Deferred { name, .. } => name.clone(),
        _ => "<genexpr>".into(),
    }
}

/// The builtins that are iterator classes: `map`, `filter`, `zip`, `enumerate`, `reversed`.
pub fn install(interp: &mut Interp) {
    let b = interp.builtins.clone();
    let set_new = |i: &Interp, name: &str, f: Value| {
        let cls = iter_class(i, name);
        cls.dict.borrow_mut().set_str("__new__", f);
        b.dict.borrow_mut().set_str(name, Value::Class(cls));
    };
    set_new(
        interp,
        "map",
        func("__new__", |i, a| {
            if !a.kw.is_empty() {
                return Err(i.type_error("map() takes no keyword arguments"));
            }
            if a.pos.len() < 3 {
                return Err(i.type_error("map() must have at least two arguments."));
            }
            let mut its = Vec::new();
            for v in &a.pos[2..] {
                its.push(i.get_iter(v)?);
            }
            Ok(make(i, "map", State::Map { f: a.pos[1].clone(), its }))
        }),
    );
    set_new(
        interp,
        "filter",
        func("__new__", |i, a| {
            if !a.kw.is_empty() {
                return Err(i.type_error("filter() takes no keyword arguments"));
            }
            let n = a.pos.len() - 1;
            if n != 2 {
                return Err(i.type_error(format!("filter expected 2 arguments, got {n}")));
            }
            let it = i.get_iter(&a.pos[2])?;
            Ok(make(i, "filter", State::Filter { f: a.pos[1].clone(), it }))
        }),
    );
    set_new(
        interp,
        "zip",
        func("__new__", |i, mut a| {
            let strict = match a.take_kw("strict") {
                Some(v) => i.truthy(&v)?,
                None => false,
            };
            if let Some((k, _)) = a.kw.first() {
                return Err(i.type_error(format!("zip() got an unexpected keyword argument '{k}'")));
            }
            let mut its = Vec::new();
            for v in &a.pos[1..] {
                its.push(i.get_iter(v)?);
            }
            Ok(make(i, "zip", State::Zip { its, strict }))
        }),
    );
    set_new(
        interp,
        "enumerate",
        func("__new__", |i, mut a| {
            let start = a.take_kw("start");
            if let Some((k, _)) = a.kw.first() {
                return Err(i.type_error(format!("'{k}' is an invalid keyword argument for enumerate()")));
            }
            let n = a.pos.len() - 1 + start.is_some() as usize;
            if n == 0 {
                return Err(i.type_error("enumerate() missing required argument 'iterable' (pos 1)"));
            }
            if n > 2 {
                return Err(i.type_error(format!("enumerate() takes at most 2 arguments ({n} given)")));
            }
            let start = start.or_else(|| a.pos.get(2).cloned());
            let n = match &start {
                None => 0,
                Some(Value::Int(n)) => *n,
                Some(Value::Bool(b)) => *b as i64,
                Some(other) => {
                    return Err(
                        i.type_error(format!("'{}' object cannot be interpreted as an integer", i.type_name(other)))
                    )
                }
            };
            let it = i.get_iter(&a.pos[1])?;
            Ok(make(i, "enumerate", State::Enumerate { it, n }))
        }),
    );
    set_new(
        interp,
        "reversed",
        func("__new__", |i, a| {
            if !a.kw.is_empty() {
                return Err(i.type_error("reversed() takes no keyword arguments"));
            }
            let n = a.pos.len() - 1;
            if n != 1 {
                return Err(i.type_error(format!("reversed expected 1 argument, got {n}")));
            }
            i.reversed(&a.pos[1])
        }),
    );
}

impl Interp {
    /// `iter(v)`: an iterator over `v`.
    pub fn get_iter(&mut self, v: &Value) -> PyResult<Value> {
        if let Some(f) = self.meta_dunder(v, "__iter__") {
            let it = self.call(&f, Args::new(vec![v.clone()]))?;
            return self.iter_result(it);
        }
        let (items, kind) = match v {
            Value::List(_) => return Ok(make(self, "list_iterator", State::List { list: v.clone(), pos: 0 })),
            Value::Tuple(t) => ((**t).clone(), "tuple_iterator"),
            Value::Str(s) => (
                s.chars().map(|c| Value::str(&c.to_string())).collect(),
                if s.is_ascii() { "str_ascii_iterator" } else { "str_iterator" },
            ),
            Value::Bytes(b) => (b.iter().map(|x| Value::Int(*x as i64)).collect(), "bytes_iterator"),
            Value::Dict(d) => {
                let keys = d.borrow().keys();
                return Ok(sized_iter(self, v.clone(), keys, "dict_keyiterator", false));
            }
            Value::Set(d) => {
                let members = d.borrow().keys();
                return Ok(sized_iter(self, v.clone(), members, "set_iterator", true));
            }
            Value::Instance(inst) => {
                if is_iter(v) {
                    return Ok(v.clone());
                }
                if let Some(r) = super::builtins::range_of(v) {
                    let state = State::Range { start: r.start, step: r.step, len: r.len(), k: 0 };
                    return Ok(make(self, "range_iterator", state));
                }
                match inst.class.lookup("__iter__") {
                    Some(f) => {
                        let it = self.call(&f, Args::new(vec![v.clone()]))?;
                        return self.iter_result(it);
                    }
                    None => (self.iterate(v)?, "iterator"),
                }
            }
            _ => (self.iterate(v)?, "iterator"),
        };
        Ok(items_iter(self, items, kind))
    }

    /// What `__iter__` returned, as an iterator.
    fn iter_result(&mut self, it: Value) -> PyResult<Value> {
        match &it {
            Value::Instance(_) if is_iter(&it) => Ok(it),
            Value::Instance(i) if i.class.lookup("__next__").is_some() => Ok(it),
            Value::Instance(_) => {
                Err(self.type_error(format!("iter() returned non-iterator of type '{}'", self.type_name(&it))))
            }
            // Native classes may hand back a container.
            _ => self.get_iter(&it),
        }
    }

    /// `next(it)`: the next item, or None at the end (StopIteration).
    pub fn iter_next(&mut self, it: &Value) -> PyResult<Option<Value>> {
        if let Some(l) = it.payload::<LazyIter>() {
            return self.advance(&l);
        }
        let next = match it {
            Value::Instance(i) => i.class.lookup("__next__"),
            _ => None,
        };
        let Some(next) = next else {
            return Err(self.type_error(format!("'{}' object is not an iterator", self.type_name(it))));
        };
        match self.call(&next, Args::new(vec![it.clone()])) {
            Ok(v) => Ok(Some(v)),
            Err(e) if self.err_is(&e, "StopIteration") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `reversed(v)`.
    pub fn reversed(&mut self, v: &Value) -> PyResult<Value> {
        if let Value::Instance(inst) = v {
            if let Some(r) = super::builtins::range_of(v) {
                let len = r.len();
                let state = State::Range { start: r.at(len - 1), step: -r.step, len, k: 0 };
                return Ok(make(self, "range_iterator", state));
            }
            if v.builtin_base().is_none() && !is_iter(v) {
                if let Some(f) = inst.class.lookup("__reversed__") {
                    return self.call(&f, Args::new(vec![v.clone()]));
                }
                if inst.class.lookup("__getitem__").is_some() && inst.class.lookup("__len__").is_some() {
                    let mut items = self.iterate(v)?;
                    items.reverse();
                    return Ok(items_iter(self, items, "reversed"));
                }
            }
        }
        let kind = match v {
            Value::List(l) => {
                let pos = l.borrow().len().checked_sub(1);
                return Ok(make(self, "list_reverseiterator", State::ListReversed { list: v.clone(), pos }));
            }
            Value::Dict(_) => "dict_reversekeyiterator",
            Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) => "reversed",
            Value::Instance(_) if v.builtin_base().is_some() => "reversed",
            _ => return Err(self.type_error(format!("'{}' object is not reversible", self.type_name(v)))),
        };
        let mut items = self.iterate(v)?;
        items.reverse();
        Ok(items_iter(self, items, kind))
    }

    /// The rest of a builtin iterator's items, consuming them.
    pub fn drain_iter(&mut self, it: &Value) -> PyResult<Vec<Value>> {
        let mut out = Vec::new();
        while let Some(v) = self.iter_next(it)? {
            self.tick()?;
            out.push(v);
        }
        Ok(out)
    }

    /// A generator expression: its first iterable is evaluated (and `iter()` called on it)
    /// now, in `frame`; the rest runs as the generator is advanced, in a scope of its own.
    pub fn make_genexpr(&mut self, gens: &Rc<Vec<Comprehension>>, elt: &Expr, frame: &mut Frame) -> PyResult<Value> {
        let Some(g) = gens.first() else { return Err(self.err("SystemError", "empty generator expression")) };
        let first = self.eval(&g.iter, frame)?;
        let first = self.get_iter(&first)?;
        let scope = self.comprehension_scope(gens, &[elt], frame);
        let state = GenExpr {
            started: false,
            gens: gens.clone(),
            elt: elt.clone(),
            globals: frame.globals.clone(),
            scope,
            func: frame.func.clone(),
            first_arg: frame.first_arg.clone(),
            line: frame.line,
            stack: vec![first],
        };
        Ok(make(self, "generator", State::GenExpr(Box::new(state))))
    }

    fn advance(&mut self, l: &LazyIter) -> PyResult<Option<Value>> {
        let name = match &*l.state.borrow() {
            s @ (State::GenFunc(_) | State::GenExpr(_) | State::Deferred { .. }) => state_name(s),
            _ => "".into(),
        };
        let state = std::mem::replace(&mut *l.state.borrow_mut(), State::Running(name));
        let (result, state) = self.step(state);
        *l.state.borrow_mut() = state;
        result
    }

    /// Advances `state` one item: the item (None at the end) and the state to keep.
    pub(super) fn step(&mut self, state: State) -> (PyResult<Option<Value>>, State) {
        match state {
            State::Items { items, pos } => match items.get(pos) {
                Some(v) => (Ok(Some(v.clone())), State::Items { pos: pos + 1, items }),
                None => (Ok(None), State::Done),
            },
            State::Sized { items, pos, of, len, msg } => {
                if container_len(&of) != len {
                    // Sticky, as CPython's: every later step raises too.
                    return (Err(self.err("RuntimeError", msg)), State::Sized { items, pos, of, len, msg });
                }
                match items.get(pos) {
                    Some(v) => (Ok(Some(v.clone())), State::Sized { pos: pos + 1, items, of, len, msg }),
                    None => (Ok(None), State::Done),
                }
            }
            State::List { list, pos } => {
                let item = match &list {
                    Value::List(l) => l.borrow().get(pos).cloned(),
                    _ => None,
                };
                match item {
                    Some(v) => (Ok(Some(v)), State::List { list, pos: pos + 1 }),
                    None => (Ok(None), State::Done),
                }
            }
            State::ListReversed { list, pos } => {
                let item = match (&list, pos) {
                    (Value::List(l), Some(p)) => l.borrow().get(p).cloned(),
                    _ => None,
                };
                match (item, pos) {
                    (Some(v), Some(p)) => (Ok(Some(v)), State::ListReversed { list, pos: p.checked_sub(1) }),
                    _ => (Ok(None), State::Done),
                }
            }
            State::Range { start, step, len, k } => {
                if k >= len {
                    return (Ok(None), State::Done);
                }
                let v = (start as i128 + k as i128 * step as i128) as i64;
                (Ok(Some(Value::Int(v))), State::Range { start, step, len, k: k + 1 })
            }
            State::Map { f, its } => {
                let mut args = Vec::with_capacity(its.len());
                for it in &its {
                    match self.iter_next(it) {
                        Ok(Some(v)) => args.push(v),
                        Ok(None) => return (Ok(None), State::Done),
                        Err(e) => return (Err(e), State::Map { f, its }),
                    }
                }
                let r = self.call(&f, Args::new(args));
                (r.map(Some), State::Map { f, its })
            }
            State::Filter { f, it } => loop {
                if let Err(e) = self.tick() {
                    return (Err(e), State::Filter { f, it });
                }
                let x = match self.iter_next(&it) {
                    Ok(Some(x)) => x,
                    Ok(None) => return (Ok(None), State::Done),
                    Err(e) => return (Err(e), State::Filter { f, it }),
                };
                let keep = if f.is_none() {
                    self.truthy(&x)
                } else {
                    self.call(&f, Args::new(vec![x.clone()])).and_then(|r| self.truthy(&r))
                };
                match keep {
                    Ok(true) => return (Ok(Some(x)), State::Filter { f, it }),
                    Ok(false) => {}
                    Err(e) => return (Err(e), State::Filter { f, it }),
                }
            },
            State::Zip { its, strict } => {
                if its.is_empty() {
                    return (Ok(None), State::Done);
                }
                let mut items = Vec::with_capacity(its.len());
                for (k, it) in its.iter().enumerate() {
                    match self.iter_next(it) {
                        Ok(Some(v)) => items.push(v),
                        Ok(None) if !strict => return (Ok(None), State::Done),
                        Ok(None) => return (self.zip_strict_end(&its, k), State::Done),
                        Err(e) => return (Err(e), State::Zip { its, strict }),
                    }
                }
                (Ok(Some(Value::tuple(items))), State::Zip { its, strict })
            }
            State::Enumerate { it, n } => match self.iter_next(&it) {
                Ok(Some(v)) => {
                    (Ok(Some(Value::tuple(vec![Value::Int(n), v]))), State::Enumerate { it, n: n.saturating_add(1) })
                }
                Ok(None) => (Ok(None), State::Done),
                Err(e) => (Err(e), State::Enumerate { it, n }),
            },
            State::Callable { f, sentinel } => match self.call(&f, Args::default()) {
                Ok(v) => match self.eq(&v, &sentinel) {
                    Ok(true) => (Ok(None), State::Done),
                    Ok(false) => (Ok(Some(v)), State::Callable { f, sentinel }),
                    Err(e) => (Err(e), State::Callable { f, sentinel }),
                },
                Err(e) => (Err(e), State::Callable { f, sentinel }),
            },
            State::Deferred { items, .. } => match items(self) {
                Ok(items) => self.step(State::Items { items, pos: 0 }),
                Err(e) => (Err(e), State::Done),
            },
            State::GenExpr(_) | State::GenFunc(_) => {
                let (r, state) = self.gen_state_send(state, super::generator::GenInput::Send(Value::None));
                (r.map(|o| o.yielded()), state)
            }
            State::Running(name) => (Err(self.err("ValueError", "generator already executing")), State::Running(name)),
            State::Done => (Ok(None), State::Done),
        }
    }

    /// StopIteration raised inside a generator becomes RuntimeError (PEP 479).
    pub(super) fn generator_error(&mut self, e: super::interp::PyErr) -> super::interp::PyErr {
        if !self.err_is(&e, "StopIteration") {
            return e;
        }
        // PEP 479: `raise RuntimeError(...) from exc`, raised where the generator was resumed;
        // the StopIteration keeps the frames it passed (the generator's last).
        let err = self.err("RuntimeError", "generator raised StopIteration");
        if let Value::Instance(inst) = &e.exc {
            let tb = super::builtins::new_native(&self.types.traceback, e.traceback.clone());
            inst.dict.borrow_mut().set_str("__traceback__", tb);
        }
        if let Value::Instance(inst) = &err.exc {
            let mut d = inst.dict.borrow_mut();
            d.set_str("__cause__", e.exc.clone());
            d.set_str("__context__", e.exc.clone());
            d.set_str("__suppress_context__", Value::Bool(true));
        }
        err
    }

    /// The ValueError of `zip(..., strict=True)` when iterator `k` ended first.
    fn zip_strict_end(&mut self, its: &[Value], k: usize) -> PyResult<Option<Value>> {
        let (i, which) = if k > 0 {
            (k, "shorter")
        } else {
            let mut longer = None;
            for (j, it) in its.iter().enumerate().skip(1) {
                if self.iter_next(it)?.is_some() {
                    longer = Some(j);
                    break;
                }
            }
            match longer {
                Some(j) => (j, "longer"),
                None => return Ok(None),
            }
        };
        let plural = if i == 1 { " ".to_string() } else { "s 1-".to_string() };
        Err(self.err("ValueError", format!("zip() argument {} is {which} than argument{plural}{i}", i + 1)))
    }

    pub(super) fn genexpr_step(&mut self, g: &mut GenExpr) -> PyResult<Option<Value>> {
        g.started = true;
        let mut frame = Frame::module(g.globals.clone());
        frame.scope = Some(g.scope.clone());
        frame.func = g.func.clone();
        frame.first_arg = g.first_arg.clone();
        frame.line = g.line;
        let r = self.genexpr_next(g, &mut frame);
        r.map_err(|mut e| {
            let mut entry = frame.tb_entry("<genexpr>");
            if entry.span.is_none() {
                entry.line = g.line;
            }
            e.traceback.push(entry);
            e
        })
    }

    fn genexpr_next(&mut self, g: &mut GenExpr, frame: &mut Frame) -> PyResult<Option<Value>> {
        'outer: loop {
            self.tick()?;
            let Some(top) = g.stack.last().cloned() else { return Ok(None) };
            let level = g.stack.len() - 1;
            let Some(item) = self.iter_next(&top)? else {
                g.stack.pop();
                continue;
            };
            let c = &g.gens[level];
            self.assign(&c.target, item, frame)?;
            for cond in &c.ifs {
                let v = self.eval(cond, frame)?;
                if !self.truthy(&v)? {
                    continue 'outer;
                }
            }
            if level + 1 == g.gens.len() {
                return self.eval(&g.elt, frame).map(Some);
            }
            let inner = self.eval(&g.gens[level + 1].iter, frame)?;
            let inner = self.get_iter(&inner)?;
            g.stack.push(inner);
        }
    }

    /// Closes the generators dropped while suspended inside a `try` or `with` statement, as
    /// CPython does when their last reference goes. What they raise is reported as CPython's
    /// unraisable hook writes it ("Exception ignored in: ..."), an exception without frames
    /// (`generator ignored GeneratorExit`) getting `here`, the frame running then.
    pub fn close_abandoned(&mut self, here: Option<super::interp::TbEntry>) {
        loop {
            let gens = ABANDONED.with(|a| std::mem::take(&mut *a.borrow_mut()));
            if gens.is_empty() {
                return;
            }
            for g in gens {
                let v = make(self, "generator", State::GenFunc(g));
                if let Err(mut e) = self.gen_close(&v) {
                    if e.traceback.is_empty() {
                        e.traceback.extend(here.clone());
                    }
                    let what = self.repr(&v).unwrap_or_default();
                    let report = super::stdlib::format_report(self, &e, false);
                    self.stdout.push_str(&format!("Exception ignored in: {what}\n{report}"));
                }
                // A generator that yielded again is not closed a second time.
                if let Some(l) = v.payload::<LazyIter>() {
                    let old = std::mem::replace(&mut *l.state.borrow_mut(), State::Done);
                    drop(old);
                }
            }
        }
    }

    /// `iter(f, sentinel)`.
    pub fn callable_iter(&mut self, f: Value, sentinel: Value) -> Value {
        make(self, "callable_iterator", State::Callable { f, sentinel })
    }
}

/// The classes made so far, by kind.
pub type IterClasses = RefCell<HashMap<String, Rc<Class>>>;
