//! Generator functions: a body that suspends at each `yield` and goes on where it stopped
//! when `next()`, `send()`, `throw()` or `close()` resumes it.
//!
//! The evaluator walks the syntax tree on the native stack, and wasm gives us no second stack
//! to park a suspended body on. So a `yield` unwinds: it returns [`Flow::Yield`], and each
//! statement it passes through on the way out (the blocks, `for`, `while`, `if`, `try`, `with`)
//! pushes onto the generator frame's resume stack what it needs to go on: the index of the
//! statement in its block, the `for` loop's iterator, the `try` statement's phase and pending
//! exception, the `with` statement's `__exit__` methods. Resuming runs the body again from the
//! top; each of those statements pops its place and goes straight to it, without evaluating
//! anything again, down to the `yield`, which takes what it was resumed with (a value sent, or
//! an exception thrown in).
//!
//! A `yield` that is a statement of its own, the right side of an assignment to names, of an
//! augmented assignment to a name, or what `return` returns, suspends as such, and so does
//! `yield from`. Any other `yield` or `yield from` (buried in a larger expression: `print((yield
//! x))`, `f(g(), (yield))`, two in one statement, in the header of an `if`, `while`, `for` or
//! `with`, in an `assert`, a `del`, an augmented assignment's subscript) suspends its statement
//! by replaying it: the statement is evaluated in capture mode ([`Interp::captured`]), in which
//! every sub-expression that completes logs its value under its syntax node (each node is
//! evaluated at most once per evaluation of its statement: a `yield` cannot be in a
//! comprehension's body or a lambda, which are scopes of their own), and so do the steps that
//! happen between sub-expressions and could be observed or change while suspended (a truth
//! test of `and` / `or` / `if`-`else`, a link of a chained comparison, a `*args` unpacking,
//! `__enter__`, the load of an augmented assignment's target, a target already assigned or
//! deleted). The `yield` that suspends unwinds the expression; resuming evaluates the
//! statement again, each logged node giving its value without being evaluated again, so
//! the ancestors of the `yield` evaluate normally, in CPython's order, and the `yield` that
//! suspended (the first `yield` reached that has not completed) takes what the generator was
//! resumed with. A later `yield` in the same statement suspends it again, the log growing.
//! An `except` clause's type is such a header too (`except (yield) as e:`): the `try`
//! statement keeps the exception being matched and the handler reached
//! ([`TryPhase::Match`]), and resuming replays that type. An exception thrown in at a `yield`
//! is marked in its traceback at that `yield`, as CPython marks it.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use super::ast::{Expr, ExprKind, Pos, Stmt, StmtKind};
use super::builtins::{method, native_class, new_native, RangeData};
use super::interp::{Flow, Frame, Interp, PyErr, PyResult};
use super::iters::{iterator_receiver, LazyIter, State};
use super::value::{Args, Class, Dict, Function, FunctionBody, Value};

/// What a generator frame keeps between resumptions.
#[derive(Default)]
pub struct GenFrame {
    /// Values of `yield` expressions evaluated outside capture mode (a path the statements
    /// above do not take), waiting to be handed out after their statement.
    pub buffered: VecDeque<Value>,
    /// Where the body is suspended: the places of the statements the last `yield` left,
    /// innermost first (so that resuming pops the outermost first).
    pub resume: Vec<Resume>,
    /// What the generator is being resumed with, for the suspended `yield` to take.
    pub input: Option<GenInput>,
    /// A statement with a buried `yield` is being evaluated in capture mode: completed
    /// sub-expressions log their values in `log` (see the module doc).
    pub capture: bool,
    /// The value of the buried `yield` that suspended, on its way out.
    pub suspending: Option<Value>,
    /// What the buried `yield` that suspended takes when its statement is evaluated again.
    pub replay: Option<GenInput>,
    /// The values of the nodes (and steps) of the statement being captured that completed.
    pub log: HashMap<LogKey, Value>,
    /// The iterator a buried `yield from` delegates to while it is suspended in it.
    pub delegate: Option<Value>,
    /// The line the frame is at, shared with its generator object (`gi_frame.f_lineno`).
    pub line: Option<Rc<Cell<u32>>>,
}

/// A log entry's key: a syntax node of the captured statement (its address), and which of
/// its results (0 its value, others a step inside it).
pub type LogKey = (usize, u8);

/// How a statement (or header) evaluated in capture mode went.
pub enum Captured<T> {
    Done(T),
    /// A buried `yield` suspended it, handing out this value.
    Suspended(Value),
}

/// What a generator is resumed with.
pub enum GenInput {
    /// `next()` (None) or `send(value)`.
    Send(Value),
    /// `throw(exc)`, or `close()`'s GeneratorExit.
    Throw(PyErr),
}

/// A suspended statement's place.
pub enum Resume {
    /// The block's statement at this index (its own place is next on the stack).
    Block(usize),
    /// The statement is done and is handing out the values of its buried `yield`s.
    Drain,
    /// A `yield`, waiting for its value.
    Yield,
    /// A statement (or a compound statement's header) with a buried `yield`, to be
    /// evaluated again, replaying its log.
    Buried,
    /// A `for` loop assigning this item to its target, which holds a `yield`.
    ForTarget(ForIter, Value),
    /// A `with` statement entering its items: the `__exit__` methods of those entered.
    WithEnter(Vec<Value>),
    /// A `yield from`: the iterator it delegates to.
    YieldFrom(Value),
    /// `target op= (yield)`: the target's value before the yield.
    AugAssign(Value),
    /// An `if` statement, in its body (true) or `else` block (false).
    If(bool),
    /// A `while` loop, in its body (false) or `else` block (true).
    Loop(bool),
    /// A `for` loop, in its body (its iterator) or `else` block (None).
    For(Option<ForIter>),
    Try(TryPhase),
    /// A `with` statement's body: the `__exit__` methods of its context managers.
    With(Vec<Value>),
}

/// What a `for` loop walks.
pub enum ForIter {
    /// A `range`, walked without an iterator object: the index of the next number.
    Range(Rc<RangeData>, i64),
    Iter(Value),
}

/// Which part of a `try` statement runs.
pub enum TryPhase {
    Body,
    Else,
    /// Matching this exception (raised at this span and line) against the handlers' types,
    /// from the one at this index, whose type holds a `yield`.
    Match(usize, PyErr, (Option<(Pos, Pos)>, u32)),
    /// The handler at this index, handling this exception.
    Handler(usize, PyErr),
    /// The `finally` block, with how the rest ended (to go on with after it) and, once it
    /// has been suspended, where that exception was raised in this frame.
    Finally(PyResult<Flow>, Option<(Option<(Pos, Pos)>, u32)>),
}

/// How a `yield` statement went.
pub enum YieldStep {
    /// It suspended the generator, handing out this value.
    Suspended(Value),
    /// It was resumed: the value sent in (or `yield from`'s result).
    Done(Value),
}

impl YieldStep {
    /// The value handed out, if it suspended.
    pub fn suspended(self) -> Option<Value> {
        match self {
            YieldStep::Suspended(v) => Some(v),
            YieldStep::Done(_) => None,
        }
    }
}

/// What advancing a generator gave.
pub enum GenOutcome {
    Yielded(Value),
    /// It finished, returning this (StopIteration's `value`).
    Returned(Value),
}

impl GenOutcome {
    /// The item, or None at the end.
    pub fn yielded(self) -> Option<Value> {
        match self {
            GenOutcome::Yielded(v) => Some(v),
            GenOutcome::Returned(_) => None,
        }
    }
}

/// Is `e` a `yield` or `yield from` expression?
pub fn is_yield(e: &Expr) -> bool {
    matches!(&*e.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_))
}

/// Is `e` a `yield` or `yield from` whose operand holds no `yield`: a statement of which it
/// is the whole expression suspends without capture mode.
pub fn suspends(e: &Expr) -> bool {
    match &*e.kind {
        ExprKind::Yield(v) => !v.as_ref().is_some_and(has_yield),
        ExprKind::YieldFrom(v) => !has_yield(v),
        _ => false,
    }
}

/// Does evaluating `e` evaluate a `yield` or `yield from` (of this scope: not one in a
/// lambda's body or a comprehension's, which are scopes of their own)?
pub fn has_yield(e: &Expr) -> bool {
    is_yield(e) || eval_order(e).into_iter().any(has_yield)
}

/// Is `stmt` a simple statement (no block of its own) with a `yield` that [`suspends`]
/// cannot handle, so that it runs in capture mode?
pub fn needs_capture(stmt: &Stmt) -> bool {
    let target_ok = |t: &Expr| !has_yield(t);
    match &stmt.kind {
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) => !suspends(e) && has_yield(e),
        StmtKind::Assign { targets, value } => {
            if suspends(value) {
                !targets.iter().all(target_ok)
            } else {
                has_yield(value) || targets.iter().any(has_yield)
            }
        }
        StmtKind::AugAssign { target, value, .. } => {
            if suspends(value) && matches!(&*target.kind, ExprKind::Name(_)) {
                false
            } else {
                has_yield(value) || has_yield(target)
            }
        }
        StmtKind::AnnAssign { target, value, .. } => value.as_ref().is_some_and(has_yield) || has_yield(target),
        StmtKind::Delete(targets) => targets.iter().any(has_yield),
        StmtKind::Raise { exc, cause } => exc.iter().chain(cause).any(has_yield),
        StmtKind::Assert { test, msg } => has_yield(test) || msg.as_ref().is_some_and(has_yield),
        StmtKind::FunctionDef(def) => {
            def.decorators.iter().chain(&def.args.defaults).chain(def.args.kw_defaults.iter().flatten()).any(has_yield)
        }
        StmtKind::ClassDef(def) => {
            def.decorators.iter().chain(&def.bases).chain(def.keywords.iter().map(|k| &k.value)).any(has_yield)
        }
        _ => false,
    }
}

/// The sub-expressions of `e` that are evaluated in its scope, in the order they are
/// evaluated: a lambda's defaults, a comprehension's first iterable (the rest is a scope of
/// its own).
fn eval_order(e: &Expr) -> Vec<&Expr> {
    match &*e.kind {
        ExprKind::BoolOp { values, .. } => values.iter().collect(),
        ExprKind::NamedExpr { value, .. } => vec![value],
        ExprKind::BinOp { left, right, .. } => vec![left, right],
        ExprKind::UnaryOp { operand, .. } => vec![operand],
        ExprKind::IfExp { test, body, orelse } => vec![test, body, orelse],
        ExprKind::Dict { keys, values } => {
            keys.iter().zip(values).flat_map(|(k, v)| k.iter().chain(std::iter::once(v))).collect()
        }
        ExprKind::Set(elts) | ExprKind::List(elts) | ExprKind::Tuple(elts) | ExprKind::JoinedStr(elts) => {
            elts.iter().collect()
        }
        ExprKind::Compare { left, comparators, .. } => std::iter::once(left).chain(comparators).collect(),
        ExprKind::Call { func, args, keywords } => {
            std::iter::once(func).chain(args).chain(keywords.iter().map(|k| &k.value)).collect()
        }
        ExprKind::FormattedValue { value, format_spec, .. } => std::iter::once(value).chain(format_spec).collect(),
        ExprKind::Attribute { value, .. } | ExprKind::Starred(value) | ExprKind::Await(value) => vec![value],
        ExprKind::Subscript { value, slice } => vec![value, slice],
        ExprKind::Slice { lower, upper, step } => lower.iter().chain(upper).chain(step).collect(),
        ExprKind::Yield(v) => v.iter().collect(),
        ExprKind::YieldFrom(v) => vec![v],
        ExprKind::Lambda { args, .. } => args.defaults.iter().chain(args.kw_defaults.iter().flatten()).collect(),
        ExprKind::ListComp { generators, .. }
        | ExprKind::SetComp { generators, .. }
        | ExprKind::DictComp { generators, .. }
        | ExprKind::GeneratorExp { generators, .. } => generators.first().map(|g| &g.iter).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Is `v` a generator object (of a generator function or expression)?
pub fn is_generator(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if i.class.name == "generator") && v.payload::<LazyIter>().is_some()
}

/// The methods of the `generator` class beyond `__iter__` / `__next__`.
pub fn install_methods(interp: &Interp, cls: &Rc<Class>) {
    let getset = descriptor_class(interp, "getset_descriptor");
    let member = descriptor_class(interp, "member_descriptor");
    let mut d = cls.dict.borrow_mut();
    d.set_str(
        "__next__",
        method("generator", "__next__", |i, a| {
            let g = iterator_receiver(i, &a, "generator", "__next__")?;
            let outcome = i.gen_send(&g, GenInput::Send(Value::None))?;
            i.outcome_value(outcome)
        }),
    );
    d.set_str(
        "send",
        method("generator", "send", |i, a| {
            iterator_receiver(i, &a, "generator", "send")?;
            let n = a.pos.len() - 1;
            if n != 1 || !a.kw.is_empty() {
                return Err(i.type_error(format!("generator.send() takes exactly one argument ({n} given)")));
            }
            let outcome = i.gen_send(&a.pos[0], GenInput::Send(a.pos[1].clone()))?;
            i.outcome_value(outcome)
        }),
    );
    d.set_str(
        "throw",
        method("generator", "throw", |i, a| {
            iterator_receiver(i, &a, "generator", "throw")?;
            let n = a.pos.len() - 1;
            if !(1..=3).contains(&n) || !a.kw.is_empty() {
                return Err(i.type_error(format!("throw expected at least 1 argument, got {n}")));
            }
            if a.pos.get(3).is_some_and(|tb| !tb.is_none() && tb.payload::<Vec<super::interp::TbEntry>>().is_none()) {
                return Err(i.type_error("throw() third argument must be a traceback object"));
            }
            let exc = i.thrown_exception(&a.pos[1], a.pos.get(2).cloned().unwrap_or(Value::None))?;
            let outcome = i.gen_send(&a.pos[0], GenInput::Throw(PyErr { exc, traceback: Vec::new() }))?;
            i.outcome_value(outcome)
        }),
    );
    d.set_str(
        "close",
        method("generator", "close", |i, a| {
            let g = iterator_receiver(i, &a, "generator", "close")?;
            i.gen_close(&g).map(|_| Value::None)
        }),
    );
    // CPython's getset descriptors (`gi_code` a member descriptor).
    for name in ["gi_running", "gi_suspended", "gi_frame", "gi_code", "gi_yieldfrom", "__name__", "__qualname__"] {
        let fget =
            method("generator", name, move |i, a| Ok(i.generator_attribute(&a.pos[0], name).unwrap_or(Value::None)));
        let fset = method("generator", name, move |i, a| {
            let v = a.pos.get(1).cloned().unwrap_or(Value::None);
            set_generator_attribute(i, &a.pos[0], name, v)
        });
        let kind = if name == "gi_code" { &member } else { &getset };
        d.set_str(name, descriptor(kind, cls, name, fget, Some(fset)));
    }
    // No `__dict__`: any other attribute cannot be set.
    d.set_str(
        "__setattr__",
        method("generator", "__setattr__", |i, a| {
            let name = a.pos.get(1).and_then(|n| n.as_str().map(str::to_string)).unwrap_or_default();
            Err(i.attribute_error(&a.pos[0], &name))
        }),
    );
}

/// What a getset or member descriptor of a builtin type reads and writes.
struct DescriptorData {
    name: String,
    /// The type it is an attribute of (`__objclass__`).
    owner: Rc<Class>,
    get: Value,
    set: Option<Value>,
}

/// The class of a builtin type's attribute descriptors: `getset_descriptor` (shown as
/// `<attribute 'gi_running' of 'generator' objects>`) or `member_descriptor` (`<member ...>`).
fn descriptor_class(interp: &Interp, kind: &'static str) -> Rc<Class> {
    if let Some(c) = interp.iter_classes.borrow().get(kind) {
        return c.clone();
    }
    let data = |a: &Args| a.pos.first().and_then(|d| d.payload::<DescriptorData>());
    // The object it is applied to must be an instance of its type.
    let check = |i: &Interp, d: &DescriptorData, obj: &Value| -> PyResult<()> {
        if i.type_of(obj).is_subclass(&d.owner) {
            return Ok(());
        }
        Err(i.type_error(format!(
            "descriptor '{}' for '{}' objects doesn't apply to a '{}' object",
            d.name,
            d.owner.name,
            i.type_name(obj)
        )))
    };
    let cls = native_class(
        interp,
        kind,
        "builtins",
        None,
        vec![
            (
                "__get__",
                method(kind, "__get__", move |i, a| {
                    let Some(d) = data(&a) else { return Ok(Value::None) };
                    let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                    if obj.is_none() {
                        return Ok(a.pos[0].clone());
                    }
                    check(i, &d, &obj)?;
                    i.call(&d.get, Args::new(vec![obj]))
                }),
            ),
            (
                "__set__",
                method(kind, "__set__", move |i, a| {
                    let Some(d) = data(&a) else { return Ok(Value::None) };
                    let obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                    check(i, &d, &obj)?;
                    match &d.set {
                        Some(set) => i.call(set, Args::new(vec![obj, a.pos.get(2).cloned().unwrap_or(Value::None)])),
                        None => Err(i.err(
                            "AttributeError",
                            format!("attribute '{}' of '{}' objects is not writable", d.name, d.owner.name),
                        )),
                    }
                }),
            ),
            (
                "__repr__",
                method(kind, "__repr__", move |_, a| {
                    let Some(d) = data(&a) else { return Ok(Value::None) };
                    let what = if kind == "member_descriptor" { "member" } else { "attribute" };
                    Ok(Value::str(&format!("<{what} '{}' of '{}' objects>", d.name, d.owner.name)))
                }),
            ),
        ],
    );
    interp.iter_classes.borrow_mut().insert(kind.to_string(), cls.clone());
    cls
}

/// A descriptor of class `kind` for attribute `name` of builtin type `owner`.
fn descriptor(kind: &Rc<Class>, owner: &Rc<Class>, name: &str, get: Value, set: Option<Value>) -> Value {
    let d = DescriptorData { name: name.to_string(), owner: owner.clone(), get, set };
    let v = new_native(kind, d);
    if let Value::Instance(i) = &v {
        let mut dict = i.dict.borrow_mut();
        dict.set_str("__name__", Value::str(name));
        dict.set_str("__qualname__", Value::str(&format!("{}.{name}", owner.name)));
        dict.set_str("__objclass__", Value::Class(owner.clone()));
    }
    v
}

/// What a generator's frame object shows of it: its line (live, shared with the generator's
/// frame as it runs), file and code name.
struct FrameInfo {
    line: Option<Rc<Cell<u32>>>,
    file: String,
    name: String,
}

/// Assigning (or deleting) a generator's attribute `name`: only `__name__` and
/// `__qualname__` can be, to a string.
fn set_generator_attribute(i: &mut Interp, gen: &Value, name: &str, v: Value) -> PyResult<Value> {
    let Some(l) = gen.payload::<LazyIter>() else { return Ok(Value::None) };
    match name {
        "__name__" | "__qualname__" => {
            let Some(s) = v.as_str() else {
                return Err(i.type_error(format!("{name} must be set to a string object")));
            };
            let cell = if name == "__name__" { &l.short_name } else { &l.name };
            *cell.borrow_mut() = Some(s.into());
            Ok(Value::None)
        }
        "gi_code" => Err(i.err("AttributeError", "readonly attribute")),
        _ => Err(i.err("AttributeError", format!("attribute '{name}' of 'generator' objects is not writable"))),
    }
}

/// The order of a function's variables in `f_locals`: its parameters, then the other names
/// in the order they first occur in its body (CPython's `co_varnames`, from its symbol table).
fn local_order(func: &Function) -> Vec<String> {
    let a = &func.args;
    let mut out: Vec<String> = a
        .posonlyargs
        .iter()
        .chain(&a.args)
        .chain(&a.vararg)
        .chain(&a.kwonlyargs)
        .chain(&a.kwarg)
        .map(|p| p.name.clone())
        .collect();
    let mut seen: Vec<(Pos, String)> = Vec::new();
    if let FunctionBody::Block(body) = &func.body {
        names_in_block(body, &mut seen);
    }
    seen.sort_by_key(|(p, _)| (p.line, p.col));
    for (_, n) in seen {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

fn names_in_block(body: &[Stmt], out: &mut Vec<(Pos, String)>) {
    for s in body {
        let exprs: Vec<&Expr> = match &s.kind {
            StmtKind::FunctionDef(d) => {
                out.push((s.pos, d.name.clone()));
                d.decorators.iter().chain(&d.args.defaults).collect()
            }
            StmtKind::ClassDef(d) => {
                out.push((s.pos, d.name.clone()));
                d.decorators.iter().chain(&d.bases).collect()
            }
            StmtKind::Return(e) => e.iter().collect(),
            StmtKind::Delete(t) => t.iter().collect(),
            StmtKind::Assign { targets, value } => targets.iter().chain([value]).collect(),
            StmtKind::AugAssign { target, value, .. } => vec![target, value],
            StmtKind::AnnAssign { target, value, .. } => std::iter::once(target).chain(value).collect(),
            StmtKind::For { target, iter, body, orelse, .. } => {
                names_in_block(body, out);
                names_in_block(orelse, out);
                vec![target, iter]
            }
            StmtKind::While { test, body, orelse } | StmtKind::If { test, body, orelse } => {
                names_in_block(body, out);
                names_in_block(orelse, out);
                vec![test]
            }
            StmtKind::With { items, body, .. } => {
                names_in_block(body, out);
                items.iter().flat_map(|i| std::iter::once(&i.context_expr).chain(&i.optional_vars)).collect()
            }
            StmtKind::Match { subject } => vec![subject],
            StmtKind::Raise { exc, cause } => exc.iter().chain(cause).collect(),
            StmtKind::Try { body, handlers, orelse, finalbody, .. } => {
                for b in [body, orelse, finalbody] {
                    names_in_block(b, out);
                }
                for h in handlers {
                    if let Some(n) = &h.name {
                        out.push((h.pos, n.clone()));
                    }
                    names_in_block(&h.body, out);
                }
                handlers.iter().filter_map(|h| h.typ.as_ref()).collect()
            }
            StmtKind::Assert { test, msg } => std::iter::once(test).chain(msg).collect(),
            StmtKind::Import(names) | StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    let n =
                        a.asname.clone().unwrap_or_else(|| a.name.split('.').next().unwrap_or_default().to_string());
                    out.push((a.pos, n));
                }
                Vec::new()
            }
            StmtKind::Expr(e) => vec![e],
            StmtKind::Global(_) | StmtKind::Nonlocal(_) | StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {
                Vec::new()
            }
        };
        for e in exprs {
            names_in_expr(e, out);
        }
    }
}

fn names_in_expr(e: &Expr, out: &mut Vec<(Pos, String)>) {
    match &*e.kind {
        ExprKind::Name(n) => out.push((e.pos, n.clone())),
        ExprKind::NamedExpr { target, .. } => out.push((e.pos, target.clone())),
        _ => {}
    }
    for c in eval_order(e) {
        names_in_expr(c, out);
    }
}

impl Interp {
    /// A class of the objects generators show of themselves (`frame`, `code`), made once.
    fn introspection_class(&self, name: &str) -> Rc<Class> {
        if let Some(c) = self.iter_classes.borrow().get(name) {
            return c.clone();
        }
        let repr = match name {
            "frame" => method(name, "__repr__", |i, a| {
                let Some(f) = a.pos[0].payload::<FrameInfo>() else { return Ok(Value::None) };
                let line = f.line.as_ref().map_or("None".to_string(), |l| l.get().to_string());
                Ok(Value::str(&format!(
                    "<frame at {}, file {}, line {line}, code {}>",
                    super::format::address(&a.pos[0]),
                    i.repr(&Value::str(&f.file))?,
                    f.name
                )))
            }),
            _ => method(name, "__repr__", |i, a| {
                let Value::Instance(inst) = &a.pos[0] else { return Ok(Value::None) };
                let d = inst.dict.borrow().clone();
                let f = |k: &str| d.get_str(k).cloned().unwrap_or(Value::None);
                Ok(Value::str(&format!(
                    "<code object {} at {}, file \"{}\", line {}>",
                    i.to_str(&f("co_name"))?,
                    super::format::address(&a.pos[0]),
                    i.to_str(&f("co_filename"))?,
                    i.to_str(&f("co_firstlineno"))?
                )))
            }),
        };
        let cls = native_class(self, name, "builtins", None, vec![("__repr__", repr)]);
        if name == "frame" {
            let getset = descriptor_class(self, "getset_descriptor");
            let fget = method("frame", "f_lineno", |_, a| {
                let line = a.pos[0].payload::<FrameInfo>().and_then(|f| f.line.as_ref().map(|l| l.get()));
                Ok(line.map_or(Value::None, |l| Value::Int(i64::from(l))))
            });
            let f_lineno = descriptor(&getset, &cls, "f_lineno", fget, None);
            cls.dict.borrow_mut().set_str("f_lineno", f_lineno);
        }
        self.iter_classes.borrow_mut().insert(name.to_string(), cls.clone());
        cls
    }

    /// A code object (what `__code__` and `gi_code` show): its name, qualified name, file
    /// and first line.
    fn code_object(&self, name: &str, qualname: &str, file: Option<&str>, line: u32) -> Value {
        let code = new_native(&self.introspection_class("code"), ());
        if let Value::Instance(i) = &code {
            let mut d = i.dict.borrow_mut();
            d.set_str("co_name", Value::str(name));
            d.set_str("co_qualname", Value::str(qualname));
            d.set_str("co_filename", Value::str(file.unwrap_or("<console>")));
            d.set_str("co_firstlineno", Value::Int(i64::from(line)));
        }
        code
    }

    /// Function `f`'s `__code__`, made once.
    pub(super) fn function_code(&self, f: &Function) -> Value {
        let cached = f.code.borrow().clone();
        if let Some(code) = cached {
            return code;
        }
        let code = self.code_object(&f.name, &f.qualname, f.module.file.as_deref(), f.firstlineno);
        *f.code.borrow_mut() = Some(code.clone());
        code
    }

    /// The attributes CPython's generator objects have beyond their methods: `gi_running`,
    /// `gi_suspended`, `gi_frame`, `gi_code`, `gi_yieldfrom`, `__name__`, `__qualname__`.
    pub(super) fn generator_attribute(&mut self, gen: &Value, name: &str) -> Option<Value> {
        let l = gen.payload::<LazyIter>()?;
        let qualname = super::iters::generator_name(gen).unwrap_or_default();
        let short = || l.short_name.borrow().as_deref().unwrap_or_default().to_string();
        let state = l.state.borrow();
        Some(match name {
            "__name__" => Value::str(&short()),
            "__qualname__" => Value::str(&qualname),
            "gi_running" => Value::Bool(matches!(&*state, State::Running(_))),
            "gi_suspended" => Value::Bool(match &*state {
                State::GenFunc(g) => g.started,
                State::GenExpr(g) => g.started,
                _ => false,
            }),
            "gi_yieldfrom" => match &*state {
                State::GenFunc(g) => g
                    .frame
                    .gen
                    .as_ref()
                    .and_then(|f| {
                        f.resume
                            .iter()
                            .find_map(|r| match r {
                                Resume::YieldFrom(it) => Some(it.clone()),
                                _ => None,
                            })
                            .or_else(|| f.delegate.clone())
                    })
                    .unwrap_or(Value::None),
                _ => Value::None,
            },
            "gi_code" => match &l.origin {
                Some(f) => {
                    drop(state);
                    self.function_code(f)
                }
                None => {
                    drop(state);
                    let cached = l.code_obj.borrow().clone();
                    if let Some(code) = cached {
                        return Some(code);
                    }
                    let code = self.code_object("<genexpr>", &qualname, None, 0);
                    *l.code_obj.borrow_mut() = Some(code.clone());
                    code
                }
            },
            "gi_frame" => {
                // One frame object for the generator's life; its locals as they are now.
                let locals = match &*state {
                    State::Done => return Some(Value::None),
                    State::GenFunc(g) => {
                        let mut locals = Dict::new();
                        if let Some(scope) = &g.frame.scope {
                            let vars = scope.vars.borrow();
                            for n in local_order(&g.func) {
                                if let Some(v) = vars.get(n.as_str()) {
                                    locals.set_str(&n, v.clone());
                                }
                            }
                        }
                        Some(locals)
                    }
                    // Running: its frame is on the stack, its locals not kept here.
                    _ => None,
                };
                drop(state);
                let cached = l.frame_obj.borrow().clone();
                let frame = match cached {
                    Some(frame) => frame,
                    None => {
                        let file = l.origin.as_ref().and_then(|f| f.module.file.clone());
                        let info = FrameInfo {
                            line: l.line.clone(),
                            file: file.unwrap_or_else(|| "<console>".to_string()),
                            name: l.origin.as_ref().map_or("<genexpr>".to_string(), |f| f.name.clone()),
                        };
                        let code = self.generator_attribute(gen, "gi_code").unwrap_or(Value::None);
                        let frame = new_native(&self.introspection_class("frame"), info);
                        if let Value::Instance(i) = &frame {
                            let mut d = i.dict.borrow_mut();
                            d.set_str("f_locals", Value::dict(Dict::new()));
                            d.set_str("f_code", code);
                        }
                        *l.frame_obj.borrow_mut() = Some(frame.clone());
                        frame
                    }
                };
                if let (Some(locals), Value::Instance(i)) = (locals, &frame) {
                    i.dict.borrow_mut().set_str("f_locals", Value::dict(locals));
                }
                frame
            }
            _ => return None,
        })
    }
}

impl Interp {
    /// Pops the place of the statement being resumed (None when not resuming).
    pub(super) fn take_resume(&mut self, frame: &mut Frame) -> Option<Resume> {
        frame.gen.as_mut()?.resume.pop()
    }

    /// Suspends the statement, keeping its place `r`, to hand out `v`.
    pub(super) fn suspend(&mut self, frame: &mut Frame, r: Resume, v: Value) -> Flow {
        if let Some(g) = &mut frame.gen {
            g.resume.push(r);
        }
        Flow::Yield(v)
    }

    /// What the generator was resumed with.
    fn take_input(frame: &mut Frame) -> GenInput {
        frame.gen.as_mut().and_then(|g| g.input.take()).unwrap_or(GenInput::Send(Value::None))
    }

    /// A block of a generator's body, begun or resumed at the statement it was suspended in.
    pub(super) fn exec_generator_block(&mut self, body: &[Stmt], frame: &mut Frame) -> PyResult<Flow> {
        let mut start = 0;
        if let Some(g) = &mut frame.gen {
            if let Some(Resume::Block(k)) = g.resume.last() {
                start = *k;
                g.resume.pop();
                if let Some(Resume::Drain) = g.resume.last() {
                    g.resume.pop();
                    if let GenInput::Throw(e) = Self::take_input(frame) {
                        return Err(e);
                    }
                    if let Some(v) = frame.gen.as_mut().and_then(|g| g.buffered.pop_front()) {
                        self.suspend(frame, Resume::Drain, v.clone());
                        return Ok(self.suspend(frame, Resume::Block(start), v));
                    }
                    start += 1;
                }
            }
        }
        for (k, stmt) in body.iter().enumerate().skip(start) {
            match self.exec_stmt(stmt, frame)? {
                Flow::Normal => {}
                Flow::Yield(v) => return Ok(self.suspend(frame, Resume::Block(k), v)),
                flow => return Ok(flow),
            }
            if super::iters::any_abandoned() {
                let here = frame.here();
                self.close_abandoned(Some(here));
            }
            if let Some(v) = frame.gen.as_mut().and_then(|g| g.buffered.pop_front()) {
                self.suspend(frame, Resume::Drain, v.clone());
                return Ok(self.suspend(frame, Resume::Block(k), v));
            }
        }
        Ok(Flow::Normal)
    }

    /// A statement-level `yield` or `yield from` (`e`), begun or resumed.
    pub(super) fn yield_point(&mut self, e: &Expr, frame: &mut Frame) -> PyResult<YieldStep> {
        match self.take_resume(frame) {
            Some(Resume::Yield) => match Self::take_input(frame) {
                GenInput::Send(v) => Ok(YieldStep::Done(v)),
                GenInput::Throw(err) => Err(Self::thrown_at(frame, e, err)),
            },
            Some(Resume::YieldFrom(it)) => {
                let input = Self::take_input(frame);
                self.delegate(frame, it, input).map_err(|err| Self::thrown_at(frame, e, err))
            }
            _ => match &*e.kind {
                ExprKind::Yield(v) => {
                    let v = match v {
                        Some(v) => self.eval(v, frame)?,
                        None => Value::None,
                    };
                    Ok(YieldStep::Suspended(match self.suspend(frame, Resume::Yield, v) {
                        Flow::Yield(v) => v,
                        _ => Value::None,
                    }))
                }
                ExprKind::YieldFrom(v) => {
                    let src = self.eval(v, frame)?;
                    let it = self.get_iter(&src)?;
                    self.delegate(frame, it, GenInput::Send(Value::None)).map_err(|err| Self::thrown_at(frame, e, err))
                }
                _ => self.eval(e, frame).map(YieldStep::Done),
            },
        }
    }

    /// Runs `f` (a statement, or a compound statement's header, holding a buried `yield`)
    /// in capture mode: a `yield` in it suspends it, pushing [`Resume::Buried`]; `resumed`
    /// (the caller has popped that) runs it again replaying its log, the `yield` that
    /// suspended taking what the generator was resumed with.
    pub(super) fn captured<T>(
        &mut self,
        frame: &mut Frame,
        resumed: bool,
        f: impl FnOnce(&mut Self, &mut Frame) -> PyResult<T>,
    ) -> PyResult<Captured<T>> {
        let input = if resumed { Some(Self::take_input(frame)) } else { None };
        let Some(g) = &mut frame.gen else { return f(self, frame).map(Captured::Done) };
        if !resumed {
            g.log.clear();
        }
        g.replay = input;
        g.capture = true;
        let r = f(self, frame);
        let Some(g) = &mut frame.gen else { return r.map(Captured::Done) };
        g.capture = false;
        g.replay = None;
        if let Some(v) = g.suspending.take() {
            g.resume.push(Resume::Buried);
            frame.err_span = None;
            return Ok(Captured::Suspended(v));
        }
        g.log.clear();
        r.map(Captured::Done)
    }

    /// Is the frame evaluating a statement in capture mode?
    pub(super) fn capturing(frame: &Frame) -> bool {
        frame.gen.as_ref().is_some_and(|g| g.capture)
    }

    /// `eval` in capture mode: a node that completed before gives its logged value.
    pub(super) fn eval_logged(&mut self, e: &Expr, frame: &mut Frame) -> PyResult<Value> {
        let key = (e as *const Expr as usize, 0);
        if let Some(v) = frame.gen.as_ref().and_then(|g| g.log.get(&key)) {
            return Ok(v.clone());
        }
        let r = self.eval_traced(e, frame);
        if let (Ok(v), Some(g)) = (&r, &mut frame.gen) {
            if g.capture {
                g.log.insert(key, v.clone());
            }
        }
        r
    }

    /// Step `tag` of node `node` (see [`LogKey`]): done once per evaluation of a captured
    /// statement, its result logged; outside capture mode simply `f`.
    pub(super) fn memo(
        &mut self,
        frame: &mut Frame,
        node: &Expr,
        tag: u8,
        f: impl FnOnce(&mut Self, &mut Frame) -> PyResult<Value>,
    ) -> PyResult<Value> {
        if !Self::capturing(frame) {
            return f(self, frame);
        }
        let key = (node as *const Expr as usize, tag);
        if let Some(v) = frame.gen.as_ref().and_then(|g| g.log.get(&key)) {
            return Ok(v.clone());
        }
        let r = f(self, frame);
        if let (Ok(v), Some(g)) = (&r, &mut frame.gen) {
            if g.capture {
                g.log.insert(key, v.clone());
            }
        }
        r
    }

    /// The truth of `v`, the value of `node`, tested once per captured statement.
    pub(super) fn truth_memo(&mut self, frame: &mut Frame, node: &Expr, tag: u8, v: &Value) -> PyResult<bool> {
        if !Self::capturing(frame) {
            return self.truthy(v);
        }
        let t = self.memo(frame, node, tag, |s, _| s.truthy(v).map(Value::Bool))?;
        Ok(matches!(t, Value::Bool(true)))
    }

    /// The items of `v` (a `*` unpacking at `node`), taken once per captured statement.
    pub(super) fn iterate_memo(&mut self, frame: &mut Frame, node: &Expr, v: &Value) -> PyResult<Vec<Value>> {
        if !Self::capturing(frame) {
            return self.iterate(v);
        }
        match self.memo(frame, node, 1, |s, _| s.iterate(v).map(Value::tuple))? {
            Value::Tuple(t) => Ok((*t).clone()),
            _ => Ok(Vec::new()),
        }
    }

    /// What unwinds a captured statement from the `yield` that suspends it, handing out `v`.
    fn suspend_buried(frame: &mut Frame, v: Value) -> PyErr {
        if let Some(g) = &mut frame.gen {
            g.suspending = Some(v);
        }
        // Not an exception: `captured` turns it into the suspension.
        PyErr { exc: Value::None, traceback: Vec::new() }
    }

    /// A `yield` evaluated as part of a larger expression: in capture mode it suspends the
    /// statement (unwinding the expression) or, the statement being replayed, gives what the
    /// generator was resumed with; outside (an `except` clause's type) the statement goes on
    /// with None and the value is handed out after it.
    pub(super) fn eval_buried_yield(&mut self, e: &Expr, v: Option<&Expr>, frame: &mut Frame) -> PyResult<Value> {
        let val = match v {
            Some(v) => self.eval(v, frame)?,
            None => Value::None,
        };
        match &mut frame.gen {
            Some(g) if g.capture => match g.replay.take() {
                Some(GenInput::Send(v)) => Ok(v),
                Some(GenInput::Throw(err)) => Err(Self::thrown_at(frame, e, err)),
                None => Err(Self::suspend_buried(frame, val)),
            },
            Some(g) => {
                g.buffered.push_back(val);
                Ok(Value::None)
            }
            None => Err(self.err("SyntaxError", "'yield' outside function")),
        }
    }

    /// A `yield from` (node `e`, operand `v`) in a larger expression: in capture mode each
    /// item of the iterator suspends the statement, replaying resumes the delegation, and its
    /// result is the node's value; outside, its items are handed out after the statement.
    pub(super) fn eval_buried_yield_from(&mut self, e: &Expr, v: &Expr, frame: &mut Frame) -> PyResult<Value> {
        let src = self.eval(v, frame)?;
        if !Self::capturing(frame) {
            let items = self.iterate(&src)?;
            return match &mut frame.gen {
                Some(g) => {
                    g.buffered.extend(items);
                    Ok(Value::None)
                }
                None => Err(self.err("SyntaxError", "'yield' outside function")),
            };
        }
        let it = self.memo(frame, e, 1, |s, _| s.get_iter(&src))?;
        let input = frame.gen.as_mut().and_then(|g| g.replay.take()).unwrap_or(GenInput::Send(Value::None));
        match self.delegate_step(&it, input).map_err(|err| Self::thrown_at(frame, e, err))? {
            GenOutcome::Yielded(v) => {
                if let Some(g) = &mut frame.gen {
                    g.delegate = Some(it);
                }
                Err(Self::suspend_buried(frame, v))
            }
            GenOutcome::Returned(v) => Ok(v),
        }
    }

    /// An exception that came out of `yield` or `yield from` `e` (thrown in, or raised by the
    /// iterator delegated to): CPython's traceback marks that expression.
    fn thrown_at(frame: &mut Frame, e: &Expr, err: PyErr) -> PyErr {
        frame.err_span.get_or_insert((e.pos, e.end));
        err
    }

    /// One step of `yield from it`, passing on what the delegating generator was resumed with.
    fn delegate(&mut self, frame: &mut Frame, it: Value, input: GenInput) -> PyResult<YieldStep> {
        match self.delegate_step(&it, input)? {
            GenOutcome::Yielded(v) => match self.suspend(frame, Resume::YieldFrom(it), v) {
                Flow::Yield(v) => Ok(YieldStep::Suspended(v)),
                _ => Ok(YieldStep::Done(Value::None)),
            },
            GenOutcome::Returned(v) => Ok(YieldStep::Done(v)),
        }
    }

    /// Advances the iterator a `yield from` delegates to, as CPython's `gen_send_ex` /
    /// `_gen_throw` do: `send` for a value, `throw` for an exception (`close` for
    /// GeneratorExit, which then goes on in the delegating generator).
    fn delegate_step(&mut self, it: &Value, input: GenInput) -> PyResult<GenOutcome> {
        if is_generator(it) {
            return self.gen_send(it, input);
        }
        match input {
            GenInput::Send(v) if v.is_none() => {
                if super::iters::is_iter(it) {
                    return Ok(match self.iter_next(it)? {
                        Some(v) => GenOutcome::Yielded(v),
                        None => GenOutcome::Returned(Value::None),
                    });
                }
                let next = self.getattr(it, "__next__")?;
                self.call_for_outcome(&next, Vec::new())
            }
            GenInput::Send(v) => {
                let send = self.getattr(it, "send")?;
                self.call_for_outcome(&send, vec![v])
            }
            GenInput::Throw(e) => {
                if self.err_is(&e, "GeneratorExit") {
                    if let Some(close) = self.getattr_opt(it, "close")? {
                        self.call(&close, Args::default())?;
                    }
                    return Err(e);
                }
                match self.getattr_opt(it, "throw")? {
                    Some(throw) => self.call_for_outcome(&throw, vec![e.exc]),
                    None => Err(e),
                }
            }
        }
    }

    /// Calls `f`: its result is an item, its StopIteration the end (with its `value`).
    fn call_for_outcome(&mut self, f: &Value, args: Vec<Value>) -> PyResult<GenOutcome> {
        match self.call(f, Args::new(args)) {
            Ok(v) => Ok(GenOutcome::Yielded(v)),
            Err(e) if self.err_is(&e, "StopIteration") => Ok(GenOutcome::Returned(stop_iteration_value(&e.exc))),
            Err(e) => Err(e),
        }
    }

    /// Resumes generator `gen` with `input`: what it yielded, or that it finished.
    pub fn gen_send(&mut self, gen: &Value, input: GenInput) -> PyResult<GenOutcome> {
        let Some(l) = gen.payload::<LazyIter>() else {
            return Err(self.type_error(format!("'{}' object is not a generator", self.type_name(gen))));
        };
        let name = super::iters::state_name(&l.state.borrow());
        let state = std::mem::replace(&mut *l.state.borrow_mut(), State::Running(name));
        let (r, state) = self.gen_state_send(state, input);
        *l.state.borrow_mut() = state;
        r
    }

    /// Resumes a generator in `state`: the outcome and the state to keep.
    pub(super) fn gen_state_send(&mut self, state: State, input: GenInput) -> (PyResult<GenOutcome>, State) {
        match state {
            State::GenFunc(mut g) => {
                if !g.started {
                    match input {
                        GenInput::Send(v) if !v.is_none() => {
                            let e = self.type_error("can't send non-None value to a just-started generator");
                            return (Err(e), State::GenFunc(g));
                        }
                        GenInput::Throw(mut e) => {
                            e.traceback.push(g.frame.tb_entry(&g.func.name));
                            return (Err(e), State::Done);
                        }
                        GenInput::Send(_) => g.started = true,
                    }
                } else if let Some(f) = &mut g.frame.gen {
                    f.input = Some(input);
                    f.delegate = None;
                }
                let func = g.func.clone();
                let FunctionBody::Block(body) = &func.body else {
                    return (Ok(GenOutcome::Returned(Value::None)), State::Done);
                };
                match self.resume_frame(body, &mut g.frame) {
                    Ok(Flow::Yield(v)) => (Ok(GenOutcome::Yielded(v)), State::GenFunc(g)),
                    Ok(Flow::Return(v)) => (Ok(GenOutcome::Returned(v)), State::Done),
                    Ok(_) => (Ok(GenOutcome::Returned(Value::None)), State::Done),
                    Err(mut e) => {
                        e.traceback.push(g.frame.tb_entry(&func.name));
                        (Err(self.generator_error(e)), State::Done)
                    }
                }
            }
            State::GenExpr(mut g) => match input {
                GenInput::Send(v) if !v.is_none() && !g.started => {
                    let e = self.type_error("can't send non-None value to a just-started generator");
                    (Err(e), State::GenExpr(g))
                }
                GenInput::Send(_) => match self.genexpr_step(&mut g) {
                    Ok(Some(v)) => (Ok(GenOutcome::Yielded(v)), State::GenExpr(g)),
                    Ok(None) => (Ok(GenOutcome::Returned(Value::None)), State::Done),
                    Err(e) => (Err(self.generator_error(e)), State::Done),
                },
                GenInput::Throw(e) => (Err(e), State::Done),
            },
            State::Running(name) => (Err(self.err("ValueError", "generator already executing")), State::Running(name)),
            State::Done => match input {
                GenInput::Send(_) => (Ok(GenOutcome::Returned(Value::None)), State::Done),
                GenInput::Throw(e) => (Err(e), State::Done),
            },
            // A library's generator over items computed at once (`Query.__iter__`).
            other => match input {
                GenInput::Send(_) => {
                    let (r, state) = self.step(other);
                    (r.map(|v| v.map_or(GenOutcome::Returned(Value::None), GenOutcome::Yielded)), state)
                }
                GenInput::Throw(e) => (Err(e), State::Done),
            },
        }
    }

    /// `generator.close()`: GeneratorExit thrown in where it is suspended.
    pub fn gen_close(&mut self, gen: &Value) -> PyResult<()> {
        let Some(l) = gen.payload::<LazyIter>() else { return Ok(()) };
        let suspended = match &*l.state.borrow() {
            State::GenFunc(g) => g.started,
            State::Running(_) => return Err(self.err("ValueError", "generator already executing")),
            _ => false,
        };
        if !suspended {
            *l.state.borrow_mut() = State::Done;
            return Ok(());
        }
        let exit = self.err_bare("GeneratorExit");
        match self.gen_send(gen, GenInput::Throw(exit)) {
            Ok(GenOutcome::Yielded(_)) => Err(self.err("RuntimeError", "generator ignored GeneratorExit")),
            Ok(GenOutcome::Returned(_)) => Ok(()),
            Err(e) if self.err_is(&e, "GeneratorExit") || self.err_is(&e, "StopIteration") => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// What `__next__` / `send` / `throw` return: the item, or StopIteration with the
    /// generator's return value.
    pub fn outcome_value(&mut self, outcome: GenOutcome) -> PyResult<Value> {
        match outcome {
            GenOutcome::Yielded(v) => Ok(v),
            GenOutcome::Returned(v) => Err(self.stop_iteration(v)),
        }
    }

    /// `StopIteration(value)` (bare when the value is None, as CPython raises it).
    pub fn stop_iteration(&mut self, value: Value) -> PyErr {
        let cls = self.exc_class("StopIteration");
        let args = if value.is_none() { Vec::new() } else { vec![value.clone()] };
        let exc = self.new_exception(&cls, args);
        if let Value::Instance(i) = &exc {
            i.dict.borrow_mut().set_str("value", value);
        }
        PyErr { exc, traceback: Vec::new() }
    }

    /// The exception `throw(typ, val)` raises in the generator.
    fn thrown_exception(&mut self, typ: &Value, val: Value) -> PyResult<Value> {
        let base = self.exc_class("BaseException");
        match typ {
            Value::Class(c) if c.is_subclass(&base) => {
                if let Value::Instance(i) = &val {
                    if i.class.is_subclass(c) {
                        return Ok(val);
                    }
                }
                let args = match val {
                    Value::None => Vec::new(),
                    Value::Tuple(t) => (*t).clone(),
                    v => vec![v],
                };
                self.call(typ, Args::new(args))
            }
            Value::Instance(i) if i.class.is_subclass(&base) => {
                if !val.is_none() {
                    return Err(self.type_error("instance exception may not have a separate value"));
                }
                Ok(typ.clone())
            }
            _ => Err(self.type_error(format!(
                "exceptions must be classes or instances deriving from BaseException, not {}",
                self.type_name(typ)
            ))),
        }
    }
}

/// The `value` of a StopIteration: its attribute, else its first argument.
pub fn stop_iteration_value(exc: &Value) -> Value {
    let Value::Instance(i) = exc else { return Value::None };
    let d = i.dict.borrow();
    if let Some(v) = d.get_str("value") {
        return v.clone();
    }
    match d.get_str("args") {
        Some(Value::Tuple(t)) => t.first().cloned().unwrap_or(Value::None),
        _ => Value::None,
    }
}
