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
//! A `yield` that is a statement of its own, the right side of an assignment or augmented
//! assignment, or what `return` returns, suspends, and so does `yield from`. One buried in a
//! larger expression (`print((yield x))`, `items.append((yield))`) suspends too when what is
//! evaluated before it only reads names and attributes ([`replayable`]): the statement is
//! evaluated again on resumption, the `yield` giving what it was resumed with. Any other
//! (`f(g(), (yield))`, two yields in one statement) cannot: its statement runs on with None
//! for it, and its value is handed out when the statement is done.

use std::collections::VecDeque;
use std::rc::Rc;

use super::ast::{Expr, ExprKind, Pos, Stmt};
use super::builtins::{method, RangeData};
use super::interp::{Flow, Frame, Interp, PyErr, PyResult};
use super::iters::{LazyIter, State};
use super::value::{Args, Class, FunctionBody, Value};

/// What a generator frame keeps between resumptions.
#[derive(Default)]
pub struct GenFrame {
    /// Values of `yield` expressions inside larger expressions, waiting to be handed out.
    pub buffered: VecDeque<Value>,
    /// Where the body is suspended: the places of the statements the last `yield` left,
    /// innermost first (so that resuming pops the outermost first).
    pub resume: Vec<Resume>,
    /// What the generator is being resumed with, for the suspended `yield` to take.
    pub input: Option<GenInput>,
    /// A statement with a buried `yield` is being evaluated so that the `yield` suspends
    /// (see [`replayable`]).
    pub capture: bool,
    /// The value of the buried `yield` that suspended, on its way out.
    pub suspending: Option<Value>,
    /// What the buried `yield` gives when its statement is evaluated again on resumption.
    pub replay: Option<GenInput>,
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
    /// A statement with a `yield` buried in its expression, to be evaluated again.
    Buried,
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

/// Does a statement whose expression is `e` suspend at its `yield`: `e` is one, or can be
/// evaluated again to resume one buried in it ([`replayable`]).
pub fn suspends(e: &Expr) -> bool {
    is_yield(e) || replayable(e)
}

/// Can an expression with a `yield` buried in it (`print((yield x))`,
/// `items.append((yield))`) be evaluated again to resume it: it holds exactly one `yield`
/// (and no `yield from`), and what is evaluated before it only reads names, attributes and
/// constants, so that evaluating it again repeats nothing that could be observed. The second
/// evaluation gives the `yield` what it was resumed with, without evaluating its operand.
pub fn replayable(e: &Expr) -> bool {
    let mut n = 0;
    count_yields(e, &mut n);
    n == 1 && before_yield(e) == Some(true)
}

fn count_yields(e: &Expr, n: &mut usize) {
    match &*e.kind {
        ExprKind::Yield(v) => {
            *n += 1;
            if let Some(v) = v {
                count_yields(v, n);
            }
        }
        ExprKind::YieldFrom(_) => *n += 2,
        ExprKind::Lambda { .. }
        | ExprKind::ListComp { .. }
        | ExprKind::SetComp { .. }
        | ExprKind::DictComp { .. }
        | ExprKind::GeneratorExp { .. } => {}
        _ => {
            for c in eval_order(e) {
                count_yields(c, n);
            }
        }
    }
}

/// The sub-expressions of `e` in the order they are evaluated (none for a lambda or a
/// comprehension: they are scopes of their own).
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
        _ => Vec::new(),
    }
}

/// Some(true) if `e` holds the `yield` and only pure expressions are evaluated before it,
/// Some(false) if something else is; None if `e` holds no `yield`.
fn before_yield(e: &Expr) -> Option<bool> {
    if let ExprKind::Yield(_) = &*e.kind {
        return Some(true);
    }
    let children = eval_order(e);
    for (k, c) in children.iter().enumerate() {
        if let Some(ok) = before_yield(c) {
            return Some(ok && children[..k].iter().all(|p| is_pure(p)));
        }
    }
    None
}

/// Does evaluating `e` only read (names, attributes, constants)?
fn is_pure(e: &Expr) -> bool {
    match &*e.kind {
        ExprKind::Constant(_) | ExprKind::Name(_) => true,
        ExprKind::Attribute { value, .. } => is_pure(value),
        ExprKind::Tuple(elts) | ExprKind::List(elts) => elts.iter().all(is_pure),
        // An f-string's `{name}` before the yield: formatting a value again.
        ExprKind::FormattedValue { value, format_spec, .. } => {
            is_pure(value) && format_spec.as_ref().is_none_or(is_pure)
        }
        _ => false,
    }
}

/// Is `v` a generator object (of a generator function or expression)?
pub fn is_generator(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if i.class.name == "generator") && v.payload::<LazyIter>().is_some()
}

/// The methods of the `generator` class beyond `__iter__` / `__next__`.
pub fn install_methods(cls: &Rc<Class>) {
    let mut d = cls.dict.borrow_mut();
    d.set_str(
        "__next__",
        method("generator", "__next__", |i, a| {
            let outcome = i.gen_send(&a.pos[0], GenInput::Send(Value::None))?;
            i.outcome_value(outcome)
        }),
    );
    d.set_str(
        "send",
        method("generator", "send", |i, a| {
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
            let n = a.pos.len() - 1;
            if !(1..=3).contains(&n) || !a.kw.is_empty() {
                return Err(i.type_error(format!("throw expected at least 1 argument, got {n}")));
            }
            let exc = i.thrown_exception(&a.pos[1], a.pos.get(2).cloned().unwrap_or(Value::None))?;
            let outcome = i.gen_send(&a.pos[0], GenInput::Throw(PyErr { exc, traceback: Vec::new() }))?;
            i.outcome_value(outcome)
        }),
    );
    d.set_str("close", method("generator", "close", |i, a| i.gen_close(&a.pos[0]).map(|_| Value::None)));
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
                self.close_abandoned();
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
                GenInput::Throw(e) => Err(e),
            },
            Some(Resume::YieldFrom(it)) => {
                let input = Self::take_input(frame);
                self.delegate(frame, it, input)
            }
            Some(Resume::Buried) => {
                let input = Self::take_input(frame);
                if let Some(g) = &mut frame.gen {
                    g.replay = Some(input);
                }
                self.eval_capturing(e, frame)
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
                    self.delegate(frame, it, GenInput::Send(Value::None))
                }
                _ => self.eval_capturing(e, frame),
            },
        }
    }

    /// Evaluates `e`, a [`replayable`] expression: its buried `yield` suspends the statement
    /// (which is evaluated again when resumed), or, on that second evaluation, gives what the
    /// generator was resumed with.
    fn eval_capturing(&mut self, e: &Expr, frame: &mut Frame) -> PyResult<YieldStep> {
        if let Some(g) = &mut frame.gen {
            g.capture = true;
        }
        let r = self.eval(e, frame);
        let Some(g) = &mut frame.gen else { return r.map(YieldStep::Done) };
        g.capture = false;
        g.replay = None;
        match r {
            Ok(v) => Ok(YieldStep::Done(v)),
            Err(err) => match g.suspending.take() {
                Some(v) => {
                    g.resume.push(Resume::Buried);
                    Ok(YieldStep::Suspended(v))
                }
                None => Err(err),
            },
        }
    }

    /// A `yield` evaluated as part of a larger expression: in a [`replayable`] statement, it
    /// suspends (unwinding the expression) or gives what the generator was resumed with;
    /// otherwise the statement goes on with None and the value is handed out after it.
    pub(super) fn eval_buried_yield(&mut self, v: Option<&Expr>, frame: &mut Frame) -> PyResult<Value> {
        if let Some(input) = frame.gen.as_mut().and_then(|g| g.replay.take()) {
            return match input {
                GenInput::Send(v) => Ok(v),
                GenInput::Throw(e) => Err(e),
            };
        }
        let val = match v {
            Some(v) => self.eval(v, frame)?,
            None => Value::None,
        };
        match &mut frame.gen {
            Some(g) if g.capture => {
                g.suspending = Some(val);
                // Not an exception: `eval_capturing` turns it into the suspension.
                Err(PyErr { exc: Value::None, traceback: Vec::new() })
            }
            Some(g) => {
                g.buffered.push_back(val);
                Ok(Value::None)
            }
            None => Err(self.err("SyntaxError", "'yield' outside function")),
        }
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
