//! The evaluator: runs the AST of modules and console inputs.
//!
//! A tree-walking interpreter. [`Interp`] owns the loaded modules (`sys.modules`), the builtin
//! types and the output captured from `print`. Statements run in a [`Frame`]; exceptions travel
//! as `Err(PyErr)` holding a Python exception object.

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::ast::{self, BinOp, BoolOp, CmpOp, Constant, Expr, ExprKind, Stmt, StmtKind, UnaryOp};
use super::generator::{has_yield, needs_capture, suspends, Captured, ForIter, Resume, TryPhase, YieldStep};
use super::value::*;

/// A raised Python exception on its way up, with the lines it passed through.
#[derive(Clone, Debug)]
pub struct PyErr {
    pub exc: Value,
    /// The frames it left, from the innermost outwards.
    pub traceback: Vec<TbEntry>,
}

/// The frames kept in an exception's `__traceback__` (see [`Interp::keep_traceback`]).
pub fn kept_traceback(exc: &Value) -> Vec<TbEntry> {
    let Value::Instance(inst) = exc else { return Vec::new() };
    let tb = inst.dict.borrow().get_str("__traceback__").cloned();
    tb.and_then(|t| t.payload::<Vec<TbEntry>>()).map(|v| (*v).clone()).unwrap_or_default()
}

/// One frame of a traceback: where the exception passed, as CPython's `FrameSummary`.
#[derive(Clone, Debug, PartialEq)]
pub struct TbEntry {
    /// The file as `__file__` shows it, or `<console>`.
    pub file: String,
    pub line: u32,
    /// The function (`<module>`, a class name for a class body).
    pub name: String,
    /// The expression that raised (start, end), where CPython's traceback would underline it.
    pub span: Option<(ast::Pos, ast::Pos)>,
}

/// The result of anything that can raise.
pub type PyResult<T> = Result<T, PyErr>;

/// Which handler of a `try` statement takes an exception.
enum HandlerMatch {
    Handler(usize),
    None,
    /// A `yield` in handler k's type suspended the matching, handing out this value.
    Suspended(usize, Value),
}

/// How a statement ended.
pub enum Flow {
    Normal,
    Return(Value),
    Break,
    Continue,
    /// A generator's body suspended at a `yield` of this value; the statements it left have
    /// put their place on the frame's resume stack (see [`super::generator`]).
    Yield(Value),
}

/// One execution context: module globals, the function scope (if any), the class namespace
/// being built (if any).
pub struct Frame {
    pub globals: Rc<Module>,
    pub scope: Option<Rc<Scope>>,
    pub class_ns: Option<Rc<RefCell<Dict>>>,
    pub func: Option<Rc<Function>>,
    pub first_arg: Option<Value>,
    /// A generator function's frame: where its body is suspended (see [`super::generator`]).
    pub gen: Option<Box<super::generator::GenFrame>>,
    pub line: u32,
    /// Interactive (`single`) mode: expression statements echo their repr.
    pub interactive: bool,
    /// The expression that raised the exception now leaving this frame (its traceback entry).
    pub err_span: Option<(ast::Pos, ast::Pos)>,
}

impl Frame {
    /// A module-level frame.
    pub fn module(globals: Rc<Module>) -> Frame {
        Frame {
            globals,
            scope: None,
            class_ns: None,
            func: None,
            first_arg: None,
            gen: None,
            line: 0,
            interactive: false,
            err_span: None,
        }
    }

    /// Where this frame is now, as a traceback entry (what CPython's unraisable hook shows
    /// for an exception without frames).
    pub(super) fn here(&self) -> TbEntry {
        let name = match (&self.class_ns, &self.func) {
            (Some(_), _) => "<class>".to_string(),
            (None, Some(f)) => f.name.clone(),
            (None, None) => "<module>".to_string(),
        };
        TbEntry {
            file: self.globals.file.clone().unwrap_or_else(|| "<console>".into()),
            line: self.line,
            name,
            span: None,
        }
    }

    /// The traceback entry of this frame for an exception leaving it.
    pub(super) fn tb_entry(&mut self, name: &str) -> TbEntry {
        let span = self.err_span.take();
        TbEntry {
            file: self.globals.file.clone().unwrap_or_else(|| "<console>".into()),
            line: span.map(|s| s.0.line).unwrap_or(self.line),
            name: name.to_string(),
            span,
        }
    }
}

/// Builds a builtin module on first import.
pub type ModuleFactory = Rc<dyn Fn(&mut Interp) -> PyResult<Rc<Module>>>;

/// A change about to be made to an observed list (see [`Interp::observe_list`]).
pub enum ListEvent {
    /// An item is added (`append`, `extend`, `insert`): the observer returns the item to add.
    Append(Value),
    /// An item is taken out (`remove`, `pop`, `clear`): raising keeps it in.
    Remove(Value),
}

/// What a library runs when an observed list changes (SQLAlchemy's collection events).
pub type ListObserver = dyn Fn(&mut Interp, ListEvent) -> PyResult<Value>;

/// The list a method was called on.
type ListRef = Rc<RefCell<Vec<Value>>>;

/// The builtin classes the evaluator itself needs.
pub struct Types {
    pub object: Rc<Class>,
    pub type_: Rc<Class>,
    pub none: Rc<Class>,
    pub bool_: Rc<Class>,
    pub int: Rc<Class>,
    pub float: Rc<Class>,
    pub str_: Rc<Class>,
    pub bytes: Rc<Class>,
    pub list: Rc<Class>,
    pub tuple: Rc<Class>,
    pub dict: Rc<Class>,
    pub set: Rc<Class>,
    /// Its instances carry their members as a `set` value ([`BuiltinBase`]).
    pub frozenset: Rc<Class>,
    pub function: Rc<Class>,
    pub builtin_function: Rc<Class>,
    pub method: Rc<Class>,
    pub module: Rc<Class>,
    pub property: Rc<Class>,
    pub staticmethod: Rc<Class>,
    pub classmethod: Rc<Class>,
    /// What `__traceback__` holds: the frames an exception left (payload `Vec<TbEntry>`).
    pub traceback: Rc<Class>,
    pub not_implemented: Rc<Class>,
    pub ellipsis: Rc<Class>,
}

/// The interpreter.
pub struct Interp {
    pub types: Types,
    pub builtins: Rc<Module>,
    /// `sys.modules`.
    pub modules: HashMap<String, Rc<Module>>,
    /// Modules currently executing their body (for circular-import messages).
    pub initializing: HashSet<String>,
    pub native_modules: HashMap<String, ModuleFactory>,
    /// The project's files by path relative to the project folder.
    pub files: HashMap<String, String>,
    /// Where the project appears to live (`__file__` paths).
    pub project_dir: String,
    /// What `print` wrote since last taken.
    pub stdout: String,
    /// Warnings raised since last taken, as `module.Category: message`.
    pub warnings: Vec<String>,
    /// Library-global state by name (e.g. SQLAlchemy's class registry).
    pub ext: HashMap<&'static str, Rc<dyn Any>>,
    /// Exceptions being handled (innermost last), for bare `raise` and `__context__`.
    handling: Vec<Value>,
    depth: usize,
    stack_base: usize,
    /// What CPython appends to "maximum recursion depth exceeded" for the call being made:
    /// empty for Python-to-Python calls, " while calling a Python object" for special methods
    /// called by the runtime (`__repr__`, `__str__`).
    pub recursion_context: &'static str,
    steps: u64,
    /// Step budget of the current top-level run.
    pub step_limit: u64,
    /// Memory budget: bytes the process may have allocated (see [`super::memory`]) before
    /// Python code gets `MemoryError`.
    pub memory_limit: usize,
    /// How far past `memory_limit` the step check lets the program go since it last raised
    /// `MemoryError` (so that an `except MemoryError:` block can run and drop its objects);
    /// 0 while under the limit.
    memory_grace: usize,
    /// Local names of each function definition, by the address of its syntax tree, which the
    /// entry keeps alive (else a later definition could reuse the address and its entry).
    local_names_cache: HashMap<usize, (Rc<dyn Any>, Rc<LocalNames>)>,
    /// Parsed module sources, so that re-imports after an error do not reparse.
    pub exception_classes: HashMap<String, Rc<Class>>,
    /// While true, imports of unknown packages give stand-in modules (see `stand_ins_allowed`).
    pub allow_stand_ins: bool,
    /// Top-level names of the packages imported as stand-ins, in import order.
    pub stand_ins: Vec<String>,
    /// Every object this interpreter created that could be in a reference cycle; emptied
    /// when the interpreter is dropped (see [`Heap`]).
    pub heap: Rc<Heap>,
    /// Lists whose changes a library observes, by address (the weak reference keeps the
    /// address from being reused while the entry lasts). Empty in most runs, which is all
    /// that `list.append` checks then.
    list_observers: HashMap<usize, (std::rc::Weak<RefCell<Vec<Value>>>, Rc<ListObserver>)>,
    /// The builtin iterator classes made so far (`list_iterator`, `map`, `generator`, ...).
    pub iter_classes: super::iters::IterClasses,
    /// Called by `type.__call__` with each new instance and the call's arguments, before its
    /// `__init__` (`failed` false; the keyword arguments it leaves are what `__init__` gets),
    /// and again if `__init__` raises (`failed` true; what the hook raises replaces the error):
    /// a library's hook, SQLAlchemy's `init` and `init_failure` events. None in most runs.
    pub construct_hook: Option<Rc<ConstructHook>>,
}

/// See [`Interp::construct_hook`].
pub type ConstructHook = dyn Fn(&mut Interp, &Value, &mut Args, bool) -> PyResult<()>;

impl Drop for Interp {
    fn drop(&mut self) {
        let roots = std::mem::take(&mut self.handling);
        self.heap.teardown(roots);
        super::iters::forget_abandoned();
        if Heap::is_current(&self.heap) {
            Heap::set_current(None);
        }
    }
}

/// CPython's default recursion limit.
#[cfg(not(target_arch = "wasm32"))]
pub const RECURSION_LIMIT: usize = 1000;
/// In the browser the JavaScript engine's own call stack (about 1 MB, not configurable from
/// wasm) ends long before CPython's limit of 1000 Python calls would: stop earlier, with
/// CPython's own RecursionError, so that runaway recursion never kills the page.
#[cfg(target_arch = "wasm32")]
pub const RECURSION_LIMIT: usize = 200;

/// The native stack the evaluator may use (bytes). The wasm build links an 8 MiB stack
/// (`.cargo/config.toml`); native callers run the engine on a thread with a larger stack
/// (`flask::case::with_engine_stack`).
#[cfg(target_arch = "wasm32")]
pub const STACK_LIMIT: usize = 6 * 1024 * 1024;
/// The native stack the evaluator may use (bytes): the engine thread has 64 MiB.
#[cfg(not(target_arch = "wasm32"))]
pub const STACK_LIMIT: usize = 48 * 1024 * 1024;

impl Interp {
    /// A fresh interpreter with the builtins and the standard modules registered.
    pub fn new() -> Interp {
        let heap = Rc::new(Heap::default());
        Heap::set_current(Some(heap.clone()));
        super::parser::next_parse_generation();
        let types = super::builtins::make_types();
        let builtins = Module::new("builtins", None);
        let mut interp = Interp {
            types,
            builtins,
            modules: HashMap::new(),
            initializing: HashSet::new(),
            native_modules: HashMap::new(),
            files: HashMap::new(),
            project_dir: String::new(),
            stdout: String::new(),
            warnings: Vec::new(),
            ext: HashMap::new(),
            handling: Vec::new(),
            depth: 0,
            stack_base: 0,
            recursion_context: "",
            steps: 0,
            step_limit: 50_000_000,
            memory_limit: super::memory::DEFAULT_MEMORY_LIMIT,
            memory_grace: 0,
            local_names_cache: HashMap::new(),
            exception_classes: HashMap::new(),
            allow_stand_ins: false,
            stand_ins: Vec::new(),
            heap,
            list_observers: HashMap::new(),
            iter_classes: Default::default(),
            construct_hook: None,
        };
        super::builtins::install(&mut interp);
        super::iters::install(&mut interp);
        super::bytes::install(&mut interp);
        super::stdlib::register(&mut interp);
        interp
    }

    /// Resets the step counter at the start of a top-level statement.
    pub fn reset_budget(&mut self) {
        self.steps = 0;
        let here = 0u8;
        self.stack_base = &here as *const u8 as usize;
    }

    /// How much of the native stack the evaluation has used since [`Interp::reset_budget`].
    /// Python recursion is bounded by this as well as by the frame count, so that deep
    /// recursion becomes Python's RecursionError instead of a stack overflow (which would
    /// kill the page in wasm).
    fn stack_used(&self) -> usize {
        let here = 0u8;
        self.stack_base.saturating_sub(&here as *const u8 as usize)
    }

    // ----- errors -------------------------------------------------------------------------

    /// A builtin exception class by name (`TypeError`).
    pub fn exc_class(&self, name: &str) -> Rc<Class> {
        self.exception_classes.get(name).cloned().unwrap_or_else(|| self.exception_classes["Exception"].clone())
    }

    /// Creates an exception instance of `cls` with `args`.
    pub fn new_exception(&self, cls: &Rc<Class>, args: Vec<Value>) -> Value {
        let inst = Instance::new(cls.clone());
        inst.dict.borrow_mut().set_str("args", Value::tuple(args));
        Value::Instance(inst)
    }

    /// An error of the builtin class `name` with message `msg`.
    pub fn err(&self, name: &str, msg: impl Into<String>) -> PyErr {
        let cls = self.exc_class(name);
        PyErr { exc: self.new_exception(&cls, vec![Value::str(&msg.into())]), traceback: Vec::new() }
    }

    /// An error of the builtin exception class `name` raised without arguments, as CPython
    /// raises `MemoryError()`.
    pub fn err_bare(&self, name: &str) -> PyErr {
        let cls = self.exc_class(name);
        PyErr { exc: self.new_exception(&cls, Vec::new()), traceback: Vec::new() }
    }

    /// An error of class `cls` (any exception class) with message `msg`.
    pub fn err_of(&self, cls: &Rc<Class>, msg: impl Into<String>) -> PyErr {
        PyErr { exc: self.new_exception(cls, vec![Value::str(&msg.into())]), traceback: Vec::new() }
    }

    pub fn type_error(&self, msg: impl Into<String>) -> PyErr {
        self.err("TypeError", msg)
    }

    /// Is `err` an instance of the builtin exception class `name`?
    pub fn err_is(&self, err: &PyErr, name: &str) -> bool {
        match (&err.exc, self.exception_classes.get(name)) {
            (Value::Instance(i), Some(c)) => i.class.is_subclass(c),
            _ => false,
        }
    }

    /// The exception the innermost `except` block running is handling (`sys.exc_info()[1]`).
    pub fn handled_exception(&self) -> Option<Value> {
        self.handling.last().cloned()
    }

    // ----- type queries -------------------------------------------------------------------

    /// `type(v)`.
    pub fn type_of(&self, v: &Value) -> Rc<Class> {
        let t = &self.types;
        match v {
            Value::None => t.none.clone(),
            Value::NotImplemented => t.not_implemented.clone(),
            Value::Ellipsis => t.ellipsis.clone(),
            Value::Bool(_) => t.bool_.clone(),
            Value::Int(_) | Value::BigInt(_) => t.int.clone(),
            Value::Float(_) => t.float.clone(),
            Value::Str(_) => t.str_.clone(),
            Value::Bytes(_) => t.bytes.clone(),
            Value::List(_) => t.list.clone(),
            Value::Tuple(_) => t.tuple.clone(),
            Value::Dict(_) => t.dict.clone(),
            Value::Set(_) => t.set.clone(),
            Value::Function(_) => t.function.clone(),
            Value::Builtin(_) => t.builtin_function.clone(),
            Value::BoundMethod(_) => t.method.clone(),
            Value::Class(c) => c.metaclass.clone().unwrap_or_else(|| t.type_.clone()),
            Value::Instance(i) => i.class.clone(),
            Value::Module(_) => t.module.clone(),
        }
    }

    /// The type's name as messages show it (`'int'`).
    pub fn type_name(&self, v: &Value) -> String {
        let cls = self.type_of(v);
        // Types CPython implements in C name themselves with their module (`datetime.date`,
        // `decimal.Decimal`); our pure-Python versions say so with `__tp_name__`.
        let tp_name = cls.dict.borrow().get_str("__tp_name__").and_then(|n| n.as_str().map(str::to_string));
        tp_name.unwrap_or_else(|| cls.name.clone())
    }

    /// A special method defined by the metaclass of a class value (`EnumType.__iter__`),
    /// not inherited from `type` or `object`.
    pub fn meta_dunder(&self, v: &Value, name: &str) -> Option<Value> {
        let Value::Class(c) = v else { return None };
        let meta = c.metaclass.as_ref()?;
        let mro = meta.mro.borrow();
        mro.iter().take_while(|m| m.module != "builtins").find_map(|m| m.dict.borrow().get_str(name).cloned())
    }

    /// `isinstance(v, cls)`.
    pub fn isinstance(&self, v: &Value, cls: &Rc<Class>) -> bool {
        if Rc::ptr_eq(cls, &self.types.object) {
            return true;
        }
        if let (Value::Bool(_), true) = (v, Rc::ptr_eq(cls, &self.types.int)) {
            return true;
        }
        self.type_of(v).is_subclass(cls)
    }

    // ----- modules and imports ------------------------------------------------------------

    /// Registers a builtin module built on first import.
    pub fn register_module(&mut self, name: &str, factory: ModuleFactory) {
        self.native_modules.insert(name.to_string(), factory);
    }

    /// The file path `__file__` shows for a project file.
    pub fn project_path(&self, rel: &str) -> String {
        format!("{}/{}", self.project_dir, rel)
    }

    /// Imports `name` (absolute, dotted) and returns the module itself (not the top package).
    pub fn import_module(&mut self, name: &str) -> PyResult<Rc<Module>> {
        if let Some(m) = self.modules.get(name) {
            return Ok(m.clone());
        }
        let mut parent: Option<Rc<Module>> = None;
        let parts: Vec<&str> = name.split('.').collect();
        for i in 0..parts.len() {
            let prefix = parts[..=i].join(".");
            let module = match self.modules.get(&prefix) {
                Some(m) => m.clone(),
                None => {
                    let m = self.load_module(&prefix)?;
                    if let Some(p) = &parent {
                        p.set(parts[i], Value::Module(m.clone()));
                    }
                    m
                }
            };
            parent = Some(module);
        }
        parent.ok_or_else(|| self.err("ModuleNotFoundError", format!("No module named '{name}'")))
    }

    fn load_module(&mut self, name: &str) -> PyResult<Rc<Module>> {
        if let Some(factory) = self.native_modules.get(name).cloned() {
            let m = factory(self)?;
            if m.get("__file__").is_none() {
                if let Some(f) = native_module_file(name) {
                    m.set("__file__", Value::str(&f));
                }
            }
            self.modules.insert(name.to_string(), m.clone());
            return Ok(m);
        }
        let rel = name.replace('.', "/");
        let (path, is_pkg) = if self.files.contains_key(&format!("{rel}.py")) {
            (format!("{rel}.py"), false)
        } else if self.files.contains_key(&format!("{rel}/__init__.py")) {
            (format!("{rel}/__init__.py"), true)
        } else if self.stand_ins_allowed(name) {
            let m = super::stdlib::stand_in_module(self, name)?;
            let top = name.split('.').next().unwrap_or(name).to_string();
            if !self.stand_ins.contains(&top) {
                self.stand_ins.push(top);
            }
            self.modules.insert(name.to_string(), m.clone());
            return Ok(m);
        } else {
            let e = self.err("ModuleNotFoundError", format!("No module named '{name}'"));
            if let Value::Instance(i) = &e.exc {
                i.dict.borrow_mut().set_str("name", Value::str(name));
            }
            return Err(e);
        };
        let source = self.files[&path].clone();
        let file = self.project_path(&path);
        let module = Module::new(name, Some(file.clone()));
        let package =
            if is_pkg { name.to_string() } else { name.rsplit_once('.').map(|p| p.0).unwrap_or("").to_string() };
        module.set("__package__", Value::str(&package));
        module.set("__builtins__", Value::Module(self.builtins.clone()));
        self.modules.insert(name.to_string(), module.clone());
        self.initializing.insert(name.to_string());
        let result = self.exec_source(&source, &path, &module, false);
        self.initializing.remove(name);
        if let Err(e) = result {
            self.modules.remove(name);
            return Err(e);
        }
        Ok(module)
    }

    /// May `name` (not found) be imported as a stand-in? Only while the project's files are
    /// imported, for packages outside the project: not for a name one edit away from a
    /// project module (a typo Python reports), nor under a package of the project.
    fn stand_ins_allowed(&self, name: &str) -> bool {
        if !self.allow_stand_ins {
            return false;
        }
        let top = name.split('.').next().unwrap_or(name);
        if top.starts_with('_') {
            return false;
        }
        // Inside an installed package that we implement, only its real submodules may stand in
        // (`from flask import flask` is an ImportError, not a stand-in).
        if let Some(sub) = name.split('.').nth(1) {
            if let Some((_, subs)) = INSTALLED_SUBMODULES.iter().find(|(p, _)| *p == top) {
                if !subs.contains(&sub) {
                    return false;
                }
            }
        }
        let project: HashSet<String> = self
            .files
            .keys()
            .filter_map(|f| f.strip_suffix(".py"))
            .map(|f| f.split('/').next().unwrap_or(f).to_string())
            .collect();
        if project.contains(top) {
            return false;
        }
        !project.iter().any(|p| super::traceback::levenshtein_distance(p, top, 5) <= 4 && p.len() > 3)
    }

    /// Parses and runs `source` as the body of `module`.
    pub fn exec_source(&mut self, source: &str, path: &str, module: &Rc<Module>, interactive: bool) -> PyResult<()> {
        let parsed = super::parser::parse_shared(source).map_err(|(e, _)| self.syntax_error(e, path, source))?;
        let mut frame = Frame::module(module.clone());
        frame.interactive = interactive;
        self.exec_block(&parsed.body, &mut frame).map_err(|mut e| {
            e.traceback.push(frame.tb_entry("<module>"));
            e
        })?;
        Ok(())
    }

    /// Turns a parse error into a Python `SyntaxError` instance.
    pub fn syntax_error(&self, e: ast::SyntaxError, path: &str, source: &str) -> PyErr {
        let cls = self.exc_class(e.kind);
        let filename = if path.starts_with('<') { path.to_string() } else { self.project_path(path) };
        let text = if e.compiler && path.starts_with('<') {
            Value::None
        } else {
            Value::str(source.split('\n').nth(e.line.saturating_sub(1) as usize).unwrap_or(""))
        };
        let exc = self.new_exception(&cls, vec![Value::str(&e.msg)]);
        if let Value::Instance(i) = &exc {
            let mut d = i.dict.borrow_mut();
            d.set_str("msg", Value::str(&e.msg));
            d.set_str("filename", Value::str(&filename));
            d.set_str("lineno", Value::Int(e.line as i64));
            d.set_str("offset", Value::Int(e.offset as i64));
            d.set_str("end_offset", e.end_offset.map(|o| Value::Int(o as i64)).unwrap_or(Value::None));
            d.set_str("text", text);
        }
        PyErr { exc, traceback: Vec::new() }
    }

    fn resolve_relative(&self, frame: &Frame, module: Option<&str>, level: u32) -> PyResult<String> {
        if level == 0 {
            return Ok(module.unwrap_or("").to_string());
        }
        let package = frame.globals.get("__package__").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        if package.is_empty() {
            return Err(self.err("ImportError", "attempted relative import with no known parent package"));
        }
        let mut parts: Vec<&str> = package.split('.').collect();
        for _ in 1..level {
            if parts.pop().is_none() {
                return Err(self.err("ImportError", "attempted relative import beyond top-level package"));
            }
        }
        let mut base = parts.join(".");
        if let Some(m) = module {
            if !base.is_empty() {
                base.push('.');
            }
            base.push_str(m);
        }
        Ok(base)
    }

    // ----- statements ---------------------------------------------------------------------

    /// Runs statements in order until one breaks the flow.
    pub fn exec_block(&mut self, body: &[Stmt], frame: &mut Frame) -> PyResult<Flow> {
        if frame.gen.is_some() {
            return self.exec_generator_block(body, frame);
        }
        for stmt in body {
            match self.exec_stmt(stmt, frame) {
                Ok(Flow::Normal) => {}
                Ok(flow) => return Ok(flow),
                Err(e) => return Err(e),
            }
            if super::iters::any_abandoned() {
                let here = frame.here();
                self.close_abandoned(Some(here));
            }
        }
        Ok(Flow::Normal)
    }

    /// Keeps the frames an exception has left so far as its `__traceback__` (when it is caught,
    /// or a `finally` block runs over it): a chained report shows them.
    /// The entry of the frame handling it comes last (the frames above it are not part of it).
    fn keep_traceback(&mut self, err: &PyErr, frame: &mut Frame) {
        let Value::Instance(inst) = &err.exc else { return };
        let name = match (&frame.class_ns, &frame.func) {
            (Some(ns), _) => {
                let q = ns.borrow().get_str("__qualname__").and_then(|v| v.as_str().map(str::to_string));
                q.map(|q| q.rsplit('.').next().unwrap_or_default().to_string()).unwrap_or_default()
            }
            (None, Some(f)) => f.name.clone(),
            (None, None) => "<module>".to_string(),
        };
        let mut entries = err.traceback.clone();
        entries.push(frame.tb_entry(&name));
        let tb = super::builtins::new_native(&self.types.traceback, entries);
        inst.dict.borrow_mut().set_str("__traceback__", tb);
    }

    /// Sets `__context__` of an exception raised while `ctx` was being handled, as CPython does
    /// when it raises: unless it is `ctx` itself, already has a context, or would make a cycle.
    pub fn chain_context(&mut self, err: PyErr, ctx: &Value) -> PyErr {
        let Value::Instance(inst) = &err.exc else { return err };
        if err.exc.is(ctx) {
            return err;
        }
        if !matches!(inst.dict.borrow().get_str("__context__"), None | Some(Value::None)) {
            return err;
        }
        // Break a cycle: if `err` is already in `ctx`'s chain, cut the chain there.
        let mut o = ctx.clone();
        let mut guard = 0;
        while let Value::Instance(oi) = &o {
            guard += 1;
            if guard > 1000 {
                break;
            }
            let next = oi.dict.borrow().get_str("__context__").cloned().unwrap_or(Value::None);
            if next.is(&err.exc) {
                oi.dict.borrow_mut().set_str("__context__", Value::None);
                break;
            }
            o = next;
        }
        inst.dict.borrow_mut().set_str("__context__", ctx.clone());
        err
    }

    pub(super) fn tick(&mut self) -> PyResult<()> {
        self.steps += 1;
        if self.steps > self.step_limit {
            return Err(self.err(
                "TimeoutError",
                format!("the playground stopped this statement after {} steps (an endless loop?)", self.step_limit),
            ));
        }
        let used = super::memory::allocated();
        if used > self.memory_limit {
            if used > self.memory_limit + self.memory_grace {
                return Err(self.out_of_memory(used));
            }
        } else if self.memory_grace != 0 {
            self.memory_grace = 0;
        }
        Ok(())
    }

    /// The program passed its memory budget bit by bit: `MemoryError`, and some slack for its
    /// handler to run in, up to a quarter of the budget past it; beyond that every step raises.
    #[cold]
    fn out_of_memory(&mut self, used: usize) -> PyErr {
        let slack = self.memory_limit / 16;
        self.memory_grace = (used - self.memory_limit + slack).min(self.memory_limit / 4);
        self.err_bare("MemoryError")
    }

    /// `MemoryError` if allocating `bytes` more would pass the memory budget: checked before
    /// an operation makes one big block (a repetition, a padded string, `bytes(n)`), as CPython
    /// raises it when that block's malloc fails.
    /// A Python length or count (an i64, negative meaning none) as a usize, saturating: in
    /// wasm32 `n as usize` would wrap 2**40 to 0 and let a huge request through the budget.
    pub fn clamp_len(n: i64) -> usize {
        usize::try_from(n.max(0)).unwrap_or(usize::MAX)
    }

    pub fn reserve(&self, bytes: usize) -> PyResult<()> {
        if super::memory::allocated().saturating_add(bytes) > self.memory_limit {
            return Err(self.err_bare("MemoryError"));
        }
        Ok(())
    }

    pub(super) fn exec_stmt(&mut self, stmt: &Stmt, frame: &mut Frame) -> PyResult<Flow> {
        frame.line = stmt.pos.line;
        if let Some(line) = frame.gen.as_ref().and_then(|g| g.line.as_ref()) {
            line.set(stmt.pos.line);
        }
        frame.err_span = None;
        self.tick()?;
        if frame.gen.as_ref().is_some_and(|g| !g.capture) && needs_capture(stmt) {
            // A buried `yield`: the statement is replayed on resumption (see `generator`).
            let resumed = matches!(self.take_resume(frame), Some(Resume::Buried));
            return match self.captured(frame, resumed, |s, f| s.exec_stmt(stmt, f))? {
                Captured::Done(flow) => Ok(flow),
                Captured::Suspended(v) => Ok(Flow::Yield(v)),
            };
        }
        let simple = frame.gen.as_ref().is_some_and(|g| !g.capture);
        match &stmt.kind {
            StmtKind::Expr(e) if simple && suspends(e) => {
                if let Some(v) = self.yield_point(e, frame)?.suspended() {
                    return Ok(Flow::Yield(v));
                }
            }
            StmtKind::Assign { targets, value } if simple && suspends(value) => {
                let v = match self.yield_point(value, frame)? {
                    YieldStep::Suspended(v) => return Ok(Flow::Yield(v)),
                    YieldStep::Done(v) => v,
                };
                for t in targets {
                    self.assign(t, v.clone(), frame)?;
                }
            }
            StmtKind::AugAssign { target, op, value }
                if simple && suspends(value) && matches!(&*target.kind, ExprKind::Name(_)) =>
            {
                let cur = match self.take_resume(frame) {
                    Some(Resume::AugAssign(cur)) => cur,
                    _ => self.eval(target, frame)?,
                };
                let rhs = match self.yield_point(value, frame)? {
                    YieldStep::Suspended(v) => return Ok(self.suspend(frame, Resume::AugAssign(cur), v)),
                    YieldStep::Done(v) => v,
                };
                let v = self.binop_inplace(*op, cur, rhs)?;
                self.assign(target, v, frame)?;
            }
            StmtKind::Return(Some(e)) if simple && suspends(e) => {
                return Ok(match self.yield_point(e, frame)? {
                    YieldStep::Suspended(v) => Flow::Yield(v),
                    YieldStep::Done(v) => Flow::Return(v),
                });
            }
            StmtKind::Expr(e) => {
                let v = self.eval(e, frame)?;
                if frame.interactive && !v.is_none() {
                    // `sys.displayhook` lets go of the last value shown before showing this one.
                    self.builtins.set("_", Value::None);
                }
                if frame.interactive && super::iters::any_abandoned() {
                    // Closed when the expression let go of them, before its value is shown.
                    let here = frame.here();
                    self.close_abandoned(Some(here));
                }
                if frame.interactive && !v.is_none() {
                    let r = self.repr(&v)?;
                    self.stdout.push_str(&r);
                    self.stdout.push('\n');
                    self.builtins.set("_", v);
                }
            }
            StmtKind::Assign { targets, value } => {
                let v = self.eval(value, frame)?;
                for t in targets {
                    // A target with a `yield` is assigned once, the earlier ones not again.
                    self.memo(frame, t, 1, |s, f| s.assign(t, v.clone(), f).map(|_| Value::None))?;
                }
            }
            StmtKind::AnnAssign { target, annotation, value, simple } => {
                if let Some(value) = value {
                    let v = self.eval(value, frame)?;
                    self.assign(target, v, frame)?;
                }
                if *simple && frame.scope.is_none() {
                    if let ExprKind::Name(n) = &*target.kind {
                        // `from __future__ import annotations` keeps the annotation's text (PEP 563).
                        let ann = if frame.globals.get("annotations").is_some() {
                            Value::str(&crate::python::ast::unparse(annotation))
                        } else {
                            self.eval(annotation, frame)?
                        };
                        self.record_annotation(frame, n, ann)?;
                    }
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value, frame)?,
            StmtKind::If { test, body, orelse } => {
                let branch = match self.take_resume(frame) {
                    Some(Resume::If(branch)) => branch,
                    r => {
                        let t = match self.eval_header(test, frame, matches!(r, Some(Resume::Buried)))? {
                            Captured::Done(t) => t,
                            Captured::Suspended(v) => return Ok(Flow::Yield(v)),
                        };
                        self.truthy(&t)?
                    }
                };
                return match self.exec_block(if branch { body } else { orelse }, frame)? {
                    Flow::Yield(v) => Ok(self.suspend(frame, Resume::If(branch), v)),
                    flow => Ok(flow),
                };
            }
            StmtKind::While { test, body, orelse } => {
                // Resumed in the body (false) or in the `else` block (true).
                let mut in_test = false;
                let mut resumed = match self.take_resume(frame) {
                    Some(Resume::Loop(in_else)) => Some(in_else),
                    Some(Resume::Buried) => {
                        in_test = true;
                        None
                    }
                    _ => None,
                };
                if resumed == Some(true) {
                    return self.loop_else(orelse, frame, Resume::Loop(true));
                }
                loop {
                    if resumed.take().is_none() {
                        let t = match self.eval_header(test, frame, std::mem::take(&mut in_test))? {
                            Captured::Done(t) => t,
                            Captured::Suspended(v) => return Ok(Flow::Yield(v)),
                        };
                        if !self.truthy(&t)? {
                            return self.loop_else(orelse, frame, Resume::Loop(true));
                        }
                    }
                    match self.exec_block(body, frame)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Yield(v) => return Ok(self.suspend(frame, Resume::Loop(false), v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
            }
            StmtKind::For { target, iter, body, orelse, .. } => {
                // Where it goes on: the body (resumed), or assigning an item to the target.
                let mut pending = None;
                let (mut it, mut resumed) = match self.take_resume(frame) {
                    Some(Resume::For(Some(it))) => (it, true),
                    Some(Resume::For(None)) => return self.loop_else(orelse, frame, Resume::For(None)),
                    Some(Resume::ForTarget(it, item)) => {
                        self.take_resume(frame);
                        pending = Some(item);
                        (it, false)
                    }
                    r => {
                        let it = match self.eval_header(iter, frame, matches!(r, Some(Resume::Buried)))? {
                            Captured::Done(it) => it,
                            Captured::Suspended(v) => return Ok(Flow::Yield(v)),
                        };
                        // A `range` is walked lazily: `for i in range(10**9): ... break` stops
                        // at once. Anything else is advanced one item per pass, as CPython
                        // does: an iterator may be endless (`itertools.count()`), see the list
                        // as the body changes it, and `break`.
                        let it = match super::builtins::range_of(&it) {
                            Some(r) => ForIter::Range(r, 0),
                            None => ForIter::Iter(self.get_iter(&it)?),
                        };
                        (it, false)
                    }
                };
                loop {
                    if !resumed {
                        let again = pending.is_some();
                        let item = match pending.take() {
                            Some(item) => item,
                            None => {
                                self.tick()?;
                                match &mut it {
                                    ForIter::Range(r, k) => {
                                        if *k >= r.len() {
                                            break;
                                        }
                                        *k += 1;
                                        Value::Int(r.at(*k - 1))
                                    }
                                    ForIter::Iter(i) => match self.iter_next(i)? {
                                        Some(item) => item,
                                        None => break,
                                    },
                                }
                            }
                        };
                        if again || has_yield(target) {
                            let r = self.captured(frame, again, |s, f| s.assign(target, item.clone(), f))?;
                            if let Captured::Suspended(v) = r {
                                return Ok(self.suspend(frame, Resume::ForTarget(it, item), v));
                            }
                        } else {
                            self.assign(target, item, frame)?;
                        }
                    }
                    resumed = false;
                    match self.exec_block(body, frame)? {
                        Flow::Break => return Ok(Flow::Normal),
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Yield(v) => return Ok(self.suspend(frame, Resume::For(Some(it)), v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                return self.loop_else(orelse, frame, Resume::For(None));
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Pass => {}
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::FunctionDef(def) => {
                let f = self.make_function(def, frame)?;
                let mut v = Value::Function(f);
                for d in def.decorators.iter().rev() {
                    let dec = self.eval(d, frame)?;
                    v = self.call(&dec, Args::new(vec![v]))?;
                }
                self.store_name(&def.name, v, frame)?;
            }
            StmtKind::ClassDef(def) => {
                let cls = self.make_class(def, frame)?;
                let mut v = Value::Class(cls);
                for d in def.decorators.iter().rev() {
                    let dec = self.eval(d, frame)?;
                    v = self.call(&dec, Args::new(vec![v]))?;
                }
                self.store_name(&def.name, v, frame)?;
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let m = self.import_module(&a.name)?;
                    match &a.asname {
                        Some(asname) => self.store_name(asname, Value::Module(m), frame)?,
                        None => {
                            let top = a.name.split('.').next().unwrap_or(&a.name);
                            let topm = self.import_module(top)?;
                            self.store_name(top, Value::Module(topm), frame)?;
                        }
                    }
                }
            }
            StmtKind::ImportFrom { module, names, level } => {
                let name = self.resolve_relative(frame, module.as_deref(), *level)?;
                let m = self.import_module(&name)?;
                for a in names {
                    if a.name == "*" {
                        let all = m.get("__all__");
                        let entries: Vec<(String, Value)> = match all {
                            Some(all) => {
                                let mut out = Vec::new();
                                for n in self.iterate(&all)? {
                                    let n = self.to_str(&n)?;
                                    let v = self.getattr(&Value::Module(m.clone()), &n)?;
                                    out.push((n, v));
                                }
                                out
                            }
                            None => m
                                .dict
                                .borrow()
                                .iter()
                                .filter_map(|(k, v)| {
                                    let k = k.as_str()?;
                                    (!k.starts_with('_')).then(|| (k.to_string(), v.clone()))
                                })
                                .collect(),
                        };
                        for (k, v) in entries {
                            self.store_name(&k, v, frame)?;
                        }
                        continue;
                    }
                    // getattr first (a module-level `__getattr__` counts), then a submodule.
                    let v = match self.getattr_opt(&Value::Module(m.clone()), &a.name)? {
                        Some(v) => v,
                        None => {
                            let sub = format!("{name}.{}", a.name);
                            match self.import_module(&sub) {
                                Ok(sm) => Value::Module(sm),
                                Err(e) if self.err_is(&e, "ModuleNotFoundError") => {
                                    let file = m
                                        .get("__file__")
                                        .and_then(|f| f.as_str().map(str::to_string))
                                        .unwrap_or_else(|| "unknown location".into());
                                    let msg = if self.initializing.contains(&name) {
                                        format!("cannot import name '{}' from partially initialized module '{name}' (most likely due to a circular import) ({file})", a.name)
                                    } else {
                                        format!("cannot import name '{}' from '{name}' ({file})", a.name)
                                    };
                                    let e = self.err("ImportError", msg);
                                    if let Value::Instance(i) = &e.exc {
                                        i.dict.borrow_mut().set_str("name", Value::str(&name));
                                    }
                                    return Err(e);
                                }
                                Err(e) => return Err(e),
                            }
                        }
                    };
                    let bind = a.asname.as_deref().unwrap_or(&a.name);
                    self.store_name(bind, v, frame)?;
                }
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.memo(frame, t, 1, |s, f| s.delete(t, f).map(|_| Value::None))?;
                }
            }
            StmtKind::Raise { exc, cause } => {
                let e = match exc {
                    None => match self.handling.last() {
                        Some(v) => {
                            // The frames it had when caught; this frame's entry (its last) is
                            // added again, at the line that raised, when it leaves this frame.
                            let mut traceback = kept_traceback(v);
                            if let Some(last) = traceback.pop() {
                                frame.err_span = last.span;
                                frame.line = last.line;
                            }
                            return Err(PyErr { exc: v.clone(), traceback });
                        }
                        None => return Err(self.err("RuntimeError", "No active exception to reraise")),
                    },
                    Some(e) => self.eval(e, frame)?,
                };
                let exc_value = self.make_exception_value(e)?;
                if let Some(c) = cause {
                    let cv = self.eval(c, frame)?;
                    let cv = if cv.is_none() { cv } else { self.make_exception_value(cv)? };
                    if let Value::Instance(i) = &exc_value {
                        i.dict.borrow_mut().set_str("__cause__", cv);
                        i.dict.borrow_mut().set_str("__suppress_context__", Value::Bool(true));
                    }
                }
                let err = PyErr { exc: exc_value, traceback: Vec::new() };
                return Err(match self.handling.last().cloned() {
                    Some(ctx) => self.chain_context(err, &ctx),
                    None => err,
                });
            }
            StmtKind::Try { body, handlers, orelse, finalbody, .. } => {
                return self.exec_try(body, handlers, orelse, finalbody, frame);
            }
            StmtKind::With { items, body, .. } => {
                // `with a, b:` is `with a: with b:` — an item that fails to enter is seen by
                // the `__exit__` of those entered before it.
                let (mut exits, mut resumed, in_body) = match self.take_resume(frame) {
                    Some(Resume::With(exits)) => (exits, false, true),
                    Some(Resume::WithEnter(exits)) => {
                        self.take_resume(frame);
                        (exits, true, false)
                    }
                    _ => (Vec::new(), false, false),
                };
                let mut failed = None;
                if !in_body {
                    for item in &items[exits.len()..] {
                        let r = if resumed
                            || (frame.gen.is_some()
                                && (has_yield(&item.context_expr)
                                    || item.optional_vars.as_ref().is_some_and(has_yield)))
                        {
                            self.captured(frame, std::mem::take(&mut resumed), |s, f| s.enter_with(item, f))
                        } else {
                            self.enter_with(item, frame).map(Captured::Done)
                        };
                        match r {
                            Ok(Captured::Done(exit)) => exits.push(exit),
                            Ok(Captured::Suspended(v)) => return Ok(self.suspend(frame, Resume::WithEnter(exits), v)),
                            Err(e) => {
                                failed = Some(e);
                                break;
                            }
                        }
                    }
                }
                let mut result = match failed {
                    Some(e) => Err(e),
                    None => match self.exec_block(body, frame) {
                        Ok(Flow::Yield(v)) => return Ok(self.suspend(frame, Resume::With(exits), v)),
                        r => r,
                    },
                };
                for exit in exits.into_iter().rev() {
                    result = match result {
                        Err(e) => {
                            let t = Value::Class(self.type_of(&e.exc));
                            match self.call(&exit, Args::new(vec![t, e.exc.clone(), Value::None])) {
                                Ok(suppress) => match self.truthy(&suppress) {
                                    Ok(true) => Ok(Flow::Normal),
                                    Ok(false) => Err(e),
                                    Err(e2) => Err(self.chain_context(e2, &e.exc)),
                                },
                                Err(e2) => Err(self.chain_context(e2, &e.exc)),
                            }
                        }
                        Ok(flow) => {
                            self.call(&exit, Args::new(vec![Value::None, Value::None, Value::None])).map(|_| flow)
                        }
                    };
                }
                return result;
            }
            StmtKind::Assert { test, msg } => {
                let t = self.eval(test, frame)?;
                if !self.truth_memo(frame, test, 1, &t)? {
                    let args = match msg {
                        Some(m) => vec![self.eval(m, frame)?],
                        None => vec![],
                    };
                    let cls = self.exc_class("AssertionError");
                    return Err(PyErr { exc: self.new_exception(&cls, args), traceback: Vec::new() });
                }
            }
            StmtKind::Match { .. } => {
                return Err(self.err(
                    "SyntaxError",
                    format!("the playground does not run 'match' statements yet (line {})", stmt.pos.line),
                ));
            }
        }
        Ok(Flow::Normal)
    }

    /// A compound statement's header expression: in capture mode when it holds a `yield`
    /// (or is `resumed` there), so that the `yield` suspends the statement.
    fn eval_header(&mut self, e: &Expr, frame: &mut Frame, resumed: bool) -> PyResult<Captured<Value>> {
        if resumed || (frame.gen.is_some() && has_yield(e)) {
            self.captured(frame, resumed, |s, f| s.eval(e, f))
        } else {
            self.eval(e, frame).map(Captured::Done)
        }
    }

    /// Enters one item of a `with` statement: its `__exit__`, to be called when it is left.
    fn enter_with(&mut self, item: &ast::WithItem, frame: &mut Frame) -> PyResult<Value> {
        let mgr = self.eval(&item.context_expr, frame)?;
        let node = &item.context_expr;
        let exit = self.memo(frame, node, 2, |s, _| {
            // CPython's BEFORE_WITH: a missing method is the protocol's TypeError.
            let protocol = |s: &mut Self, e: PyErr, missed: &str| {
                if s.err_is(&e, "AttributeError") {
                    let t = s.type_name(&mgr);
                    s.type_error(format!("'{t}' object does not support the context manager protocol{missed}"))
                } else {
                    e
                }
            };
            let enter = s.getattr(&mgr, "__enter__").map_err(|e| protocol(s, e, ""))?;
            let exit = s.getattr(&mgr, "__exit__").map_err(|e| protocol(s, e, " (missed __exit__ method)"))?;
            Ok(Value::tuple(vec![enter, exit]))
        })?;
        let Value::Tuple(pair) = exit else { return Ok(Value::None) };
        let v = self.memo(frame, node, 1, |s, _| s.call(&pair[0], Args::default()))?;
        if let Some(t) = &item.optional_vars {
            self.assign(t, v, frame)?;
        }
        Ok(pair[1].clone())
    }

    /// `target op= value`: the target's object and key evaluated once, its value loaded,
    /// the value evaluated, the operation, the store.
    fn aug_assign(&mut self, target: &Expr, op: ast::BinOp, value: &Expr, frame: &mut Frame) -> PyResult<()> {
        let span = (target.pos, target.end);
        match &*target.kind {
            ExprKind::Attribute { value: obj, attr } => {
                let o = self.eval(obj, frame)?;
                let cur = self.memo(frame, target, 1, |s, _| s.getattr(&o, attr)).inspect_err(|_| {
                    frame.err_span.get_or_insert(span);
                })?;
                let rhs = self.eval(value, frame)?;
                let v = self.binop_inplace(op, cur, rhs)?;
                self.setattr(&o, attr, v)
            }
            ExprKind::Subscript { value: obj, slice } => {
                let o = self.eval(obj, frame)?;
                let k = self.eval(slice, frame)?;
                let cur = self.memo(frame, target, 1, |s, _| s.getitem(&o, k.clone())).inspect_err(|_| {
                    frame.err_span.get_or_insert(span);
                })?;
                let rhs = self.eval(value, frame)?;
                let v = self.binop_inplace(op, cur, rhs)?;
                self.setitem(&o, k, v)
            }
            _ => {
                let cur = self.eval(target, frame)?;
                let rhs = self.eval(value, frame)?;
                let v = self.binop_inplace(op, cur, rhs)?;
                self.assign(target, v, frame)
            }
        }
    }

    /// The `else` block of a loop; `resume` is where a `yield` in it suspends the loop.
    fn loop_else(&mut self, orelse: &[Stmt], frame: &mut Frame, resume: Resume) -> PyResult<Flow> {
        match self.exec_block(orelse, frame)? {
            Flow::Yield(v) => Ok(self.suspend(frame, resume, v)),
            flow => Ok(flow),
        }
    }

    /// A `try` statement, begun or (in a generator) resumed where its body, `else`, handler or
    /// `finally` block yielded.
    fn exec_try(
        &mut self,
        body: &[Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
        frame: &mut Frame,
    ) -> PyResult<Flow> {
        let mut phase = match self.take_resume(frame) {
            Some(Resume::Try(phase)) => phase,
            _ => TryPhase::Body,
        };
        loop {
            phase = match phase {
                TryPhase::Body => match self.exec_block(body, frame) {
                    Ok(Flow::Yield(v)) => return Ok(self.suspend(frame, Resume::Try(TryPhase::Body), v)),
                    Ok(Flow::Normal) => TryPhase::Else,
                    Ok(flow) => TryPhase::Finally(Ok(flow), None),
                    Err(err) => {
                        // Where it was raised, for its traceback entry if no handler takes it.
                        let at = (frame.err_span, frame.line);
                        // Its traceback so far, for a context it becomes while it is matched.
                        self.keep_traceback(&err, frame);
                        (frame.err_span, frame.line) = at;
                        TryPhase::Match(0, err, at)
                    }
                },
                TryPhase::Match(start, err, at) => match self.match_handler(handlers, start, &err, frame) {
                    Ok(HandlerMatch::Suspended(k, v)) => {
                        return Ok(self.suspend(frame, Resume::Try(TryPhase::Match(k, err, at)), v));
                    }
                    Ok(HandlerMatch::Handler(k)) => {
                        (frame.err_span, frame.line) = at;
                        if let Some(n) = &handlers[k].name {
                            self.store_name(n, err.exc.clone(), frame)?;
                        }
                        TryPhase::Handler(k, err)
                    }
                    Ok(HandlerMatch::None) => {
                        (frame.err_span, frame.line) = at;
                        TryPhase::Finally(Err(err), None)
                    }
                    Err(e) => TryPhase::Finally(Err(e), None),
                },
                TryPhase::Else => match self.exec_block(orelse, frame) {
                    Ok(Flow::Yield(v)) => return Ok(self.suspend(frame, Resume::Try(TryPhase::Else), v)),
                    r => TryPhase::Finally(r, None),
                },
                TryPhase::Handler(k, err) => {
                    self.handling.push(err.exc.clone());
                    let r = self.exec_block(&handlers[k].body, frame);
                    self.handling.pop();
                    match r {
                        Ok(Flow::Yield(v)) => {
                            return Ok(self.suspend(frame, Resume::Try(TryPhase::Handler(k, err)), v))
                        }
                        r => TryPhase::Finally(r.map_err(|e| self.chain_context(e, &err.exc)), None),
                    }
                }
                TryPhase::Finally(result, resumed) => {
                    if finalbody.is_empty() {
                        return result;
                    }
                    // An exception raised by the `finally` block while another propagates has
                    // that one as its context.
                    let fin = match &result {
                        Err(pending) => {
                            // Where it was raised in this frame, for its entry if it goes on.
                            let (span, line) = match resumed {
                                Some(at) => at,
                                None => {
                                    self.keep_traceback(pending, frame);
                                    (frame.err_span, frame.line)
                                }
                            };
                            self.handling.push(pending.exc.clone());
                            let r = self.exec_block(finalbody, frame);
                            self.handling.pop();
                            match r {
                                Ok(Flow::Yield(v)) => {
                                    let phase = TryPhase::Finally(result, Some((span, line)));
                                    return Ok(self.suspend(frame, Resume::Try(phase), v));
                                }
                                Ok(flow) => {
                                    (frame.err_span, frame.line) = (span, line);
                                    Ok(flow)
                                }
                                Err(e) => Err(self.chain_context(e, &pending.exc)),
                            }
                        }
                        Ok(_) => match self.exec_block(finalbody, frame) {
                            Ok(Flow::Yield(v)) => {
                                let phase = TryPhase::Finally(result, Some((None, frame.line)));
                                return Ok(self.suspend(frame, Resume::Try(phase), v));
                            }
                            r => r,
                        },
                    };
                    return match fin? {
                        Flow::Normal => result,
                        flow => Ok(flow),
                    };
                }
            };
        }
    }

    /// Finds the first of `handlers` from `start` whose type matches `err`,
    /// evaluating their types in order. In a generator a type may hold a `yield` (`except
    /// (yield):`): it suspends the matching, and resuming replays that type's expression.
    fn match_handler(
        &mut self,
        handlers: &[ast::ExceptHandler],
        start: usize,
        err: &PyErr,
        frame: &mut Frame,
    ) -> PyResult<HandlerMatch> {
        // Resumed in handler `start`'s type: its replay is next on the resume stack.
        let mut resumed = matches!(self.take_resume(frame), Some(Resume::Buried));
        for (k, h) in handlers.iter().enumerate().skip(start) {
            let Some(t) = &h.typ else { return Ok(HandlerMatch::Handler(k)) };
            // CPython has the exception in hand (`sys.exc_info()`) while it matches it, and
            // an error raised there (a bad type) is reported on the handler's line.
            frame.line = h.pos.line;
            frame.err_span = None;
            self.handling.push(err.exc.clone());
            let r = self.eval_header(t, frame, std::mem::take(&mut resumed));
            self.handling.pop();
            let t = match r {
                Ok(Captured::Done(t)) => t,
                Ok(Captured::Suspended(v)) => return Ok(HandlerMatch::Suspended(k, v)),
                Err(e) => return Err(self.chain_context(e, &err.exc)),
            };
            match self.exception_matches(&err.exc, &t) {
                Ok(true) => return Ok(HandlerMatch::Handler(k)),
                Ok(false) => {}
                Err(e) => return Err(self.chain_context(e, &err.exc)),
            }
        }
        Ok(HandlerMatch::None)
    }

    fn record_annotation(&mut self, frame: &mut Frame, name: &str, ann: Value) -> PyResult<()> {
        let ns_get = |d: &Dict| d.get_str("__annotations__").cloned();
        let existing = match &frame.class_ns {
            Some(ns) => ns_get(&ns.borrow()),
            None => frame.globals.get("__annotations__"),
        };
        let anns = match existing {
            Some(a) => a,
            None => {
                let a = Value::dict(Dict::new());
                match &frame.class_ns {
                    Some(ns) => ns.borrow_mut().set_str("__annotations__", a.clone()),
                    None => frame.globals.set("__annotations__", a.clone()),
                }
                a
            }
        };
        if let Value::Dict(d) = anns {
            d.borrow_mut().set_str(name, ann);
        }
        Ok(())
    }

    /// Turns `raise X` / `raise X(...)` operands into an exception instance.
    fn make_exception_value(&mut self, e: Value) -> PyResult<Value> {
        let base = self.exc_class("BaseException");
        match &e {
            Value::Class(c) if c.is_subclass(&base) => self.call(&e, Args::default()),
            Value::Instance(i) if i.class.is_subclass(&base) => Ok(e),
            _ => Err(self.type_error("exceptions must derive from BaseException")),
        }
    }

    /// Does exception `exc` match the `except` clause's class (or tuple of classes)? As
    /// CPython 3.11's CHECK_EXC_MATCH, every item of a tuple must be an exception class (a
    /// nested tuple is not) before any is matched.
    pub fn exception_matches(&self, exc: &Value, t: &Value) -> PyResult<bool> {
        let base = self.exc_class("BaseException");
        let is_exc_class = |v: &Value| matches!(v, Value::Class(c) if c.is_subclass(&base));
        let items: &[Value] = match t {
            Value::Tuple(items) => items,
            t => std::slice::from_ref(t),
        };
        if !items.iter().all(is_exc_class) {
            return Err(self.type_error("catching classes that do not inherit from BaseException is not allowed"));
        }
        Ok(items.iter().any(|c| matches!(c, Value::Class(c) if self.isinstance(exc, c))))
    }

    // ----- names --------------------------------------------------------------------------

    /// Stores `name` in the frame's current namespace.
    pub fn store_name(&mut self, name: &str, v: Value, frame: &mut Frame) -> PyResult<()> {
        if let Some(ns) = &frame.class_ns {
            ns.borrow_mut().set_str(name, v);
            return Ok(());
        }
        if let Some(scope) = &frame.scope {
            if scope.names.globals.contains(name) {
                frame.globals.set(name, v);
                return Ok(());
            }
            if scope.names.nonlocals.contains(name) {
                let mut s = scope.parent.clone();
                while let Some(sc) = s {
                    if sc.names.locals.contains(name) {
                        sc.vars.borrow_mut().insert(Rc::from(name), v);
                        return Ok(());
                    }
                    s = sc.parent.clone();
                }
            }
            scope.vars.borrow_mut().insert(Rc::from(name), v);
            return Ok(());
        }
        frame.globals.set(name, v);
        Ok(())
    }

    /// Looks `name` up as Python's LOAD_NAME / LOAD_FAST / LOAD_DEREF / LOAD_GLOBAL would.
    pub fn load_name(&mut self, name: &str, frame: &Frame) -> PyResult<Value> {
        if let Some(ns) = &frame.class_ns {
            if let Some(v) = ns.borrow().get_str(name) {
                return Ok(v.clone());
            }
        }
        if let Some(scope) = &frame.scope {
            let declared_outside = scope.names.globals.contains(name) || scope.names.nonlocals.contains(name);
            if frame.class_ns.is_none() && !declared_outside {
                if let Some(v) = scope.vars.borrow().get(name) {
                    return Ok(v.clone());
                }
            }
            if scope.names.locals.contains(name) && !declared_outside && frame.class_ns.is_none() {
                return match scope.vars.borrow().get(name) {
                    Some(v) => Ok(v.clone()),
                    None => Err(self.err(
                        "UnboundLocalError",
                        format!("cannot access local variable '{name}' where it is not associated with a value"),
                    )),
                };
            }
            if !scope.names.globals.contains(name) {
                let mut s = if frame.class_ns.is_some() { Some(scope.clone()) } else { scope.parent.clone() };
                while let Some(sc) = s {
                    if let Some(v) = sc.vars.borrow().get(name) {
                        return Ok(v.clone());
                    }
                    s = sc.parent.clone();
                }
            }
        }
        if let Some(v) = frame.globals.get(name) {
            return Ok(v);
        }
        if let Some(v) = self.builtins.get(name) {
            return Ok(v);
        }
        let e = self.err("NameError", format!("name '{name}' is not defined"));
        if let Value::Instance(i) = &e.exc {
            i.dict.borrow_mut().set_str("name", Value::str(name));
        }
        Err(e)
    }

    pub(super) fn assign(&mut self, target: &Expr, v: Value, frame: &mut Frame) -> PyResult<()> {
        match &*target.kind {
            ExprKind::Name(n) => self.store_name(n, v, frame),
            ExprKind::Attribute { value, attr } => {
                let obj = self.eval(value, frame)?;
                self.setattr(&obj, attr, v)
            }
            ExprKind::Subscript { value, slice } => {
                let obj = self.eval(value, frame)?;
                let key = self.eval(slice, frame)?;
                self.setitem(&obj, key, v)
            }
            ExprKind::Tuple(targets) | ExprKind::List(targets) => {
                let star = targets.iter().position(|t| matches!(&*t.kind, ExprKind::Starred(_)));
                // Replaying a statement whose targets hold a `yield`, the value is not unpacked
                // again, nor a target assigned before the `yield` assigned again.
                let items = if Self::capturing(frame) {
                    match self.memo(frame, target, 2, |s, _| s.unpack(&v, targets.len(), star).map(Value::tuple))? {
                        Value::Tuple(t) => (*t).clone(),
                        _ => Vec::new(),
                    }
                } else {
                    self.unpack(&v, targets.len(), star)?
                };
                let assign_one = |s: &mut Self, t: &Expr, item: Value, frame: &mut Frame| {
                    s.memo(frame, t, 1, |s, f| s.assign(t, item, f).map(|_| Value::None)).map(|_| ())
                };
                match star {
                    None => {
                        for (t, item) in targets.iter().zip(items) {
                            assign_one(self, t, item, frame)?;
                        }
                    }
                    Some(si) => {
                        let after = targets.len() - si - 1;
                        if items.len() < si + after {
                            // (`unpack` has checked it; a log entry of another shape is not trusted.)
                            return Err(self.err("ValueError", "not enough values to unpack"));
                        }
                        for (t, item) in targets[..si].iter().zip(items.iter()) {
                            assign_one(self, t, item.clone(), frame)?;
                        }
                        let mid = items[si..items.len() - after].to_vec();
                        assign_one(self, &targets[si], Value::list(mid), frame)?;
                        for (t, item) in targets[si + 1..].iter().zip(items[items.len() - after..].iter()) {
                            assign_one(self, t, item.clone(), frame)?;
                        }
                    }
                }
                Ok(())
            }
            ExprKind::Starred(inner) => self.assign(inner, v, frame),
            _ => Err(self.err("SyntaxError", "cannot assign to expression")),
        }
    }

    /// The items of `v` for `n` targets (one of them starred at `star`), as CPython's
    /// UNPACK_SEQUENCE / UNPACK_EX take them: without a star, an iterator is advanced only
    /// to one item past `n` (so an endless one is too long, not walked for ever).
    fn unpack(&mut self, v: &Value, n: usize, star: Option<usize>) -> PyResult<Vec<Value>> {
        let items = match (v, star) {
            (Value::Tuple(t), _) => (**t).clone(),
            (Value::List(l), _) => l.borrow().clone(),
            (_, Some(_)) => self
                .iterate(v)
                .map_err(|e| self.not_iterable(e, v, |t| format!("cannot unpack non-iterable {t} object")))?,
            (_, None) => {
                let it = self
                    .get_iter(v)
                    .map_err(|e| self.not_iterable(e, v, |t| format!("cannot unpack non-iterable {t} object")))?;
                let mut items = Vec::with_capacity(n);
                while let Some(item) = self.iter_next(&it)? {
                    if items.len() == n {
                        return Err(self.err("ValueError", format!("too many values to unpack (expected {n})")));
                    }
                    items.push(item);
                }
                items
            }
        };
        match star {
            None if items.len() > n => Err(self.err("ValueError", format!("too many values to unpack (expected {n})"))),
            None if items.len() < n => {
                Err(self.err("ValueError", format!("not enough values to unpack (expected {n}, got {})", items.len())))
            }
            Some(_) if items.len() < n - 1 => Err(self.err(
                "ValueError",
                format!("not enough values to unpack (expected at least {}, got {})", n - 1, items.len()),
            )),
            _ => Ok(items),
        }
    }

    fn delete(&mut self, target: &Expr, frame: &mut Frame) -> PyResult<()> {
        match &*target.kind {
            ExprKind::Name(n) => {
                let removed = if let Some(ns) = &frame.class_ns {
                    ns.borrow_mut().remove(&Value::str(n)).is_some()
                } else if let Some(scope) = &frame.scope {
                    scope.vars.borrow_mut().remove(n.as_str()).is_some()
                } else {
                    frame.globals.dict.borrow_mut().remove(&Value::str(n)).is_some()
                };
                if !removed {
                    return Err(self.err("NameError", format!("name '{n}' is not defined")));
                }
                Ok(())
            }
            ExprKind::Attribute { value, attr } => {
                let obj = self.eval(value, frame)?;
                self.delattr(&obj, attr)
            }
            ExprKind::Subscript { value, slice } => {
                let obj = self.eval(value, frame)?;
                let key = self.eval(slice, frame)?;
                self.delitem(&obj, key)
            }
            ExprKind::Tuple(ts) | ExprKind::List(ts) => {
                for t in ts {
                    // Replayed (a `yield` in a later target), a target is not deleted again.
                    self.memo(frame, t, 1, |s, f| s.delete(t, f).map(|_| Value::None))?;
                }
                Ok(())
            }
            _ => Err(self.err("SyntaxError", "cannot delete expression")),
        }
    }

    // ----- functions and classes ----------------------------------------------------------

    fn local_names(&mut self, owner: Rc<dyn Any>, args: &ast::Arguments, body: FunctionBodyRef) -> Rc<LocalNames> {
        let key = Rc::as_ptr(&owner) as *const u8 as usize;
        if let Some((_, n)) = self.local_names_cache.get(&key) {
            return n.clone();
        }
        let mut names = LocalNames::default();
        for a in args.posonlyargs.iter().chain(&args.args).chain(&args.kwonlyargs) {
            names.locals.insert(a.name.clone());
        }
        if let Some(a) = &args.vararg {
            names.locals.insert(a.name.clone());
        }
        if let Some(a) = &args.kwarg {
            names.locals.insert(a.name.clone());
        }
        match body {
            FunctionBodyRef::Block(b) => super::scope::collect_block(b, &mut names),
            FunctionBodyRef::Expr(e) => super::scope::collect_expr(e, &mut names),
        }
        for g in names.globals.clone().iter().chain(names.nonlocals.clone().iter()) {
            names.locals.remove(g);
        }
        let rc = Rc::new(names);
        self.local_names_cache.insert(key, (owner, rc.clone()));
        rc
    }

    fn eval_defaults(
        &mut self,
        args: &ast::Arguments,
        frame: &mut Frame,
    ) -> PyResult<(Vec<Value>, Vec<Option<Value>>)> {
        let mut defaults = Vec::new();
        for d in &args.defaults {
            defaults.push(self.eval(d, frame)?);
        }
        let mut kw_defaults = Vec::new();
        for d in &args.kw_defaults {
            kw_defaults.push(match d {
                Some(d) => Some(self.eval(d, frame)?),
                None => None,
            });
        }
        Ok((defaults, kw_defaults))
    }

    fn qualname_for(&self, frame: &Frame, name: &str) -> String {
        if let Some(ns) = &frame.class_ns {
            if let Some(Value::Str(q)) = ns.borrow().get_str("__qualname__") {
                return format!("{q}.{name}");
            }
        }
        if let Some(f) = &frame.func {
            return format!("{}.<locals>.{name}", f.qualname);
        }
        name.to_string()
    }

    fn make_function(&mut self, def: &Rc<ast::FunctionDef>, frame: &mut Frame) -> PyResult<Rc<Function>> {
        let (defaults, kw_defaults) = self.eval_defaults(&def.args, frame)?;
        let local_names = self.local_names(def.clone(), &def.args, FunctionBodyRef::Block(&def.body));
        let doc = match def.body.first().map(|s| &s.kind) {
            Some(StmtKind::Expr(e)) => match &*e.kind {
                ExprKind::Constant(Constant::Str(s)) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        };
        // Annotations are evaluated at definition time, unless the module has
        // `from __future__ import annotations` (then CPython keeps them unevaluated).
        let mut annotations = Dict::new();
        if frame.globals.get("annotations").is_some() {
            let a = &def.args;
            let params = a.posonlyargs.iter().chain(&a.args).chain(&a.vararg).chain(&a.kwonlyargs).chain(&a.kwarg);
            for p in params {
                if let Some(ann) = &p.annotation {
                    annotations.set_str(&p.name, Value::str(&crate::python::ast::unparse(ann)));
                }
            }
            if let Some(ret) = &def.returns {
                annotations.set_str("return", Value::str(&crate::python::ast::unparse(ret)));
            }
        } else {
            let a = &def.args;
            let params = a.posonlyargs.iter().chain(&a.args).chain(&a.vararg).chain(&a.kwonlyargs).chain(&a.kwarg);
            for p in params {
                if let Some(ann) = &p.annotation {
                    let v = self.eval(ann, frame)?;
                    annotations.set_str(&p.name, v);
                }
            }
            if let Some(ret) = &def.returns {
                let v = self.eval(ret, frame)?;
                annotations.set_str("return", v);
            }
        }
        let mut fdict = Dict::new();
        fdict.set_str("__annotations__", Value::dict(annotations));
        let f = Rc::new(Function {
            name: def.name.clone(),
            qualname: self.qualname_for(frame, &def.name),
            module: frame.globals.clone(),
            args: Rc::new(def.args.clone()),
            body: FunctionBody::Block(def.body.clone()),
            defaults: RefCell::new(defaults),
            kw_defaults: RefCell::new(kw_defaults),
            closure: frame.scope.clone(),
            local_names,
            is_generator: def.is_generator,
            firstlineno: def.decorators.iter().map(|d| d.pos.line).chain([def.pos.line]).min().unwrap_or(0),
            class: RefCell::new(None),
            dict: RefCell::new(fdict),
            doc,
            code: RefCell::new(None),
        });
        self.track_function(&f);
        Ok(f)
    }

    /// A copy of `f` under another qualified name (what SQLAlchemy's generated `__init__` looks
    /// like to argument errors: the original's signature, but named plain `__init__`).
    pub fn renamed_function(&self, f: &Rc<Function>, name: &str, qualname: &str) -> Rc<Function> {
        let g = Rc::new(Function {
            name: name.to_string(),
            qualname: qualname.to_string(),
            module: f.module.clone(),
            args: f.args.clone(),
            body: f.body.clone(),
            defaults: RefCell::new(f.defaults.borrow().clone()),
            kw_defaults: RefCell::new(f.kw_defaults.borrow().clone()),
            closure: f.closure.clone(),
            local_names: f.local_names.clone(),
            is_generator: f.is_generator,
            firstlineno: f.firstlineno,
            class: RefCell::new(f.class.borrow().clone()),
            dict: RefCell::new(f.dict.borrow().clone()),
            doc: f.doc.clone(),
            code: RefCell::new(None),
        });
        self.track_function(&g);
        g
    }

    /// Registers a new function (and the scope it closes over) with the heap.
    fn track_function(&self, f: &Rc<Function>) {
        self.heap.functions.add(f);
        if let Some(s) = &f.closure {
            self.heap.scopes.add(s);
        }
    }

    fn make_lambda(&mut self, args: &Rc<ast::Arguments>, body: &Rc<Expr>, frame: &mut Frame) -> PyResult<Value> {
        let (defaults, kw_defaults) = self.eval_defaults(args, frame)?;
        let local_names = self.local_names(body.clone(), args, FunctionBodyRef::Expr(body));
        let f = Rc::new(Function {
            name: "<lambda>".into(),
            qualname: self.qualname_for(frame, "<lambda>"),
            module: frame.globals.clone(),
            args: args.clone(),
            body: FunctionBody::Lambda(body.clone()),
            defaults: RefCell::new(defaults),
            kw_defaults: RefCell::new(kw_defaults),
            closure: frame.scope.clone(),
            local_names,
            is_generator: false,
            firstlineno: body.pos.line,
            class: RefCell::new(None),
            dict: RefCell::new(Dict::new()),
            doc: None,
            code: RefCell::new(None),
        });
        self.track_function(&f);
        Ok(Value::Function(f))
    }

    fn make_class(&mut self, def: &Rc<ast::ClassDef>, frame: &mut Frame) -> PyResult<Rc<Class>> {
        let mut bases = Vec::new();
        for b in &def.bases {
            let v = self.eval(b, frame)?;
            match v {
                Value::Class(c) => bases.push(c),
                other => {
                    // Objects that stand in for classes (e.g. opaque imports) may provide
                    // `__mro_entries__`.
                    if let Ok(me) = self.getattr(&other, "__mro_entries__") {
                        let r = self.call(&me, Args::new(vec![Value::tuple(vec![])]))?;
                        for c in self.iterate(&r)? {
                            if let Value::Class(c) = c {
                                bases.push(c);
                            }
                        }
                        continue;
                    }
                    return Err(self.type_error("metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases".to_string()));
                }
            }
        }
        let mut kwargs = Vec::new();
        let mut metaclass = None;
        for k in &def.keywords {
            let v = self.eval(&k.value, frame)?;
            match k.arg.as_deref() {
                Some("metaclass") => metaclass = v.as_class().cloned(),
                Some(name) => kwargs.push((Rc::from(name), v)),
                None => {}
            }
        }
        let ns = Rc::new(RefCell::new(Dict::new()));
        let qualname = self.qualname_for(frame, &def.name);
        {
            let mut d = ns.borrow_mut();
            d.set_str("__module__", frame.globals.get("__name__").unwrap_or(Value::None));
            d.set_str("__qualname__", Value::str(&qualname));
            if let Some(StmtKind::Expr(e)) = def.body.first().map(|s| &s.kind) {
                if let ExprKind::Constant(Constant::Str(s)) = &*e.kind {
                    d.set_str("__doc__", Value::Str(s.clone()));
                }
            }
        }
        let mut body_frame = Frame {
            globals: frame.globals.clone(),
            scope: frame.scope.clone(),
            class_ns: Some(ns.clone()),
            func: frame.func.clone(),
            first_arg: None,
            gen: None,
            line: def.pos.line,
            interactive: false,
            err_span: None,
        };
        self.exec_block(&def.body, &mut body_frame).map_err(|mut e| {
            e.traceback.push(body_frame.tb_entry(&def.name));
            e
        })?;
        let mut dict = ns.borrow().clone();
        eq_without_hash(&mut dict);
        let module = frame.globals.get("__name__").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let metaclass = metaclass.or_else(|| bases.iter().find_map(|b| b.metaclass.clone()));
        let cls = self.new_class_full(&def.name, &qualname, &module, bases, dict, metaclass)?;
        self.finish_class(&cls, kwargs)?;
        Ok(cls)
    }

    /// Creates a class object from its parts, computing the MRO.
    pub fn new_class_full(
        &mut self,
        name: &str,
        qualname: &str,
        module: &str,
        bases: Vec<Rc<Class>>,
        dict: Dict,
        metaclass: Option<Rc<Class>>,
    ) -> PyResult<Rc<Class>> {
        let bases = if bases.is_empty() { vec![self.types.object.clone()] } else { bases };
        let builtin = bases.iter().find_map(|b| b.builtin.filter(|t| *t != BuiltinType::Object));
        let cls = Rc::new(Class {
            name: name.to_string(),
            qualname: qualname.to_string(),
            module: module.to_string(),
            bases: bases.clone(),
            mro: RefCell::new(Vec::new()),
            dict: RefCell::new(dict),
            metaclass,
            ext: RefCell::new(None),
            builtin: builtin.or(Some(BuiltinType::Object)),
            id: next_id(),
        });
        self.heap.classes.add(&cls);
        let mro = self.c3_mro(&cls)?;
        *cls.mro.borrow_mut() = mro;
        // Functions defined in the body learn their class (zero-argument super()).
        for v in cls.dict.borrow().values() {
            let f = match &v {
                Value::Function(f) => Some(f.clone()),
                Value::Instance(i) => i.payload::<Value>().and_then(|p| match &*p {
                    Value::Function(f) => Some(f.clone()),
                    _ => None,
                }),
                _ => None,
            };
            if let Some(f) = f {
                *f.class.borrow_mut() = Some(Rc::downgrade(&cls));
            }
            if let Value::Instance(i) = &v {
                if let Some(p) = i.payload::<super::builtins::PropertyData>() {
                    for f in [&p.fget, &p.fset].into_iter().flatten() {
                        if let Value::Function(f) = f {
                            *f.class.borrow_mut() = Some(Rc::downgrade(&cls));
                        }
                    }
                }
            }
        }
        Ok(cls)
    }

    /// Runs `__set_name__` and the parent's `__init_subclass__` for a new class.
    pub fn finish_class(&mut self, cls: &Rc<Class>, kwargs: Vec<(Rc<str>, Value)>) -> PyResult<()> {
        let items: Vec<(Value, Value)> = cls.dict.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (k, v) in items {
            if let Value::Instance(i) = &v {
                if let Some(set_name) = i.class.lookup("__set_name__") {
                    self.call(&set_name, Args::new(vec![v.clone(), Value::Class(cls.clone()), k.clone()]))?;
                }
            }
        }
        let mro = cls.mro.borrow().clone();
        for c in mro.iter().skip(1) {
            if let Some(hook) = c.dict.borrow().get_str("__init_subclass__").cloned() {
                let f = match &hook {
                    Value::Instance(i) => i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(hook.clone()),
                    _ => hook.clone(),
                };
                let mut args = Args::new(vec![Value::Class(cls.clone())]);
                args.kw = kwargs;
                self.call(&f, args)?;
                return Ok(());
            }
        }
        if !kwargs.is_empty() {
            return Err(self.type_error("object.__init_subclass__() takes no keyword arguments"));
        }
        Ok(())
    }

    fn c3_mro(&self, cls: &Rc<Class>) -> PyResult<Vec<Rc<Class>>> {
        let mut seqs: Vec<Vec<Rc<Class>>> = cls.bases.iter().map(|b| b.mro.borrow().clone()).collect();
        seqs.push(cls.bases.clone());
        let mut out = vec![cls.clone()];
        loop {
            seqs.retain(|s| !s.is_empty());
            if seqs.is_empty() {
                return Ok(out);
            }
            let mut found = None;
            for s in &seqs {
                let cand = &s[0];
                if !seqs.iter().any(|t| t[1..].iter().any(|c| c.id == cand.id)) {
                    found = Some(cand.clone());
                    break;
                }
            }
            let Some(c) = found else {
                let names: Vec<String> = cls.bases.iter().map(|b| b.name.clone()).collect();
                return Err(self.type_error(format!(
                    "Cannot create a consistent method resolution order (MRO) for bases {}",
                    names.join(", ")
                )));
            };
            for s in seqs.iter_mut() {
                if s[0].id == c.id {
                    s.remove(0);
                }
            }
            out.push(c);
        }
    }

    // ----- calls --------------------------------------------------------------------------

    /// Calls any callable.
    pub fn call(&mut self, f: &Value, mut args: Args) -> PyResult<Value> {
        match f {
            Value::Builtin(b) => {
                // A builtin type's method called through the type with nothing for self
                // (`set.copy()`): CPython's TypeError, not a method body reading a missing self.
                if let (true, Some(owner), true) = (b.binds, &b.owner, args.pos.is_empty()) {
                    let n = &b.name;
                    return Err(self.type_error(if n.starts_with("__") && n.ends_with("__") {
                        format!("descriptor '{n}' of '{owner}' object needs an argument")
                    } else {
                        format!("unbound method {owner}.{n}() needs an argument")
                    }));
                }
                (b.func)(self, args)
            }
            Value::Function(func) => self.call_function(func, args),
            Value::BoundMethod(bm) => {
                args.pos.insert(0, bm.0.clone());
                self.call(&bm.1.clone(), args)
            }
            Value::Class(c) => self.call_class(c, args),
            Value::Instance(i) => match i.class.lookup("__call__") {
                Some(call) => {
                    args.pos.insert(0, f.clone());
                    self.call(&call, args)
                }
                None => Err(self.type_error(format!("'{}' object is not callable", i.class.name))),
            },
            other => Err(self.type_error(format!("'{}' object is not callable", self.type_name(other)))),
        }
    }

    fn call_class(&mut self, c: &Rc<Class>, args: Args) -> PyResult<Value> {
        if Rc::ptr_eq(c, &self.types.type_) && args.pos.len() == 1 && args.kw.is_empty() {
            return Ok(Value::Class(self.type_of(&args.pos[0])));
        }
        if Rc::ptr_eq(c, &self.types.type_) && args.pos.len() == 3 {
            return self.type_new(args);
        }
        if let Some(meta) = &c.metaclass {
            if let Some(mcall) = meta.lookup("__call__") {
                let mut a = args;
                a.pos.insert(0, Value::Class(c.clone()));
                return self.call(&mcall, a);
            }
        }
        self.construct(c, args)
    }

    /// `type(name, bases, dict)`: a new class.
    fn type_new(&mut self, args: Args) -> PyResult<Value> {
        let name = match &args.pos[0] {
            Value::Str(s) => s.to_string(),
            other => {
                return Err(
                    self.type_error(format!("type.__new__() argument 1 must be str, not {}", self.type_name(other)))
                )
            }
        };
        let mut bases = Vec::new();
        match &args.pos[1] {
            Value::Tuple(t) => {
                for b in t.iter() {
                    match b {
                        Value::Class(c) => bases.push(c.clone()),
                        other => {
                            return Err(self.type_error(format!(
                                "type.__new__() argument 2 must be tuple of classes, not {}",
                                self.type_name(other)
                            )))
                        }
                    }
                }
            }
            other => {
                return Err(
                    self.type_error(format!("type.__new__() argument 2 must be tuple, not {}", self.type_name(other)))
                )
            }
        }
        let mut dict = match &args.pos[2] {
            Value::Dict(d) => d.borrow().clone(),
            other => {
                return Err(
                    self.type_error(format!("type.__new__() argument 3 must be dict, not {}", self.type_name(other)))
                )
            }
        };
        eq_without_hash(&mut dict);
        let module = dict.get_str("__module__").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        let qualname =
            dict.get_str("__qualname__").and_then(|v| v.as_str().map(str::to_string)).unwrap_or(name.clone());
        let metaclass = bases.iter().find_map(|b| b.metaclass.clone());
        let cls = self.new_class_full(&name, &qualname, &module, bases, dict, metaclass)?;
        self.finish_class(&cls, args.kw)?;
        Ok(Value::Class(cls))
    }

    /// `type.__call__`: `__new__` then `__init__`.
    pub fn construct(&mut self, c: &Rc<Class>, args: Args) -> PyResult<Value> {
        let new = c.lookup("__new__");
        let obj = match &new {
            Some(n) => {
                let n = match n {
                    Value::Instance(i) if i.class.name == "staticmethod" => {
                        i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(n.clone())
                    }
                    _ => n.clone(),
                };
                let mut a = args.clone();
                a.pos.insert(0, Value::Class(c.clone()));
                self.call(&n, a)?
            }
            None => Value::Instance(Instance::new(c.clone())),
        };
        let is_own = match &obj {
            Value::Instance(i) => i.class.is_subclass(c),
            _ => false,
        };
        if is_own {
            let hook = self.construct_hook.clone();
            let mut args = args;
            if let Some(hook) = &hook {
                hook(self, &obj, &mut args, false)?;
            }
            let has_args = !args.pos.is_empty() || !args.kw.is_empty();
            if let Some(init) = c.lookup("__init__") {
                let (mut a, kept) = match &hook {
                    Some(_) => (args.clone(), Some(args)),
                    None => (args, None),
                };
                a.pos.insert(0, obj.clone());
                let r = match (self.call(&init, a), &hook, kept) {
                    (Err(e), Some(hook), Some(mut kept)) => {
                        hook(self, &obj, &mut kept, true)?;
                        return Err(e);
                    }
                    (r, _, _) => r?,
                };
                if !r.is_none() {
                    return Err(self.type_error(format!("__init__() should return None, not '{}'", self.type_name(&r))));
                }
            } else if has_args && new.is_none() {
                return Err(self.type_error(format!("{}() takes no arguments", c.name)));
            }
        }
        Ok(obj)
    }

    /// Calls a user-defined function.
    pub fn call_function(&mut self, func: &Rc<Function>, args: Args) -> PyResult<Value> {
        self.check_recursion()?;
        let scope = Rc::new(Scope {
            vars: RefCell::new(HashMap::new()),
            names: func.local_names.clone(),
            parent: func.closure.clone(),
        });
        let first_arg = args.pos.first().cloned();
        self.bind_args(func, args, &scope)?;
        let mut frame = Frame {
            globals: func.module.clone(),
            scope: Some(scope),
            class_ns: None,
            func: Some(func.clone()),
            first_arg,
            gen: None,
            line: 0,
            interactive: false,
            err_span: None,
        };
        if func.is_generator {
            // The body runs as the generator is advanced, suspending at each `yield`.
            frame.gen = Some(Box::default());
            if let FunctionBody::Block(b) = &func.body {
                // CPython's is the `def` line; only a traceback of `throw()` before the
                // first `next()` shows it.
                frame.line = b.first().map_or(0, |s| s.pos.line.saturating_sub(1));
            }
            return Ok(super::iters::generator(self, func.clone(), frame));
        }
        self.depth += 1;
        let result = match &func.body {
            FunctionBody::Block(b) => self.exec_block(b, &mut frame).map(|flow| match flow {
                Flow::Return(v) => v,
                _ => Value::None,
            }),
            FunctionBody::Lambda(e) => self.eval(e, &mut frame),
        };
        self.depth -= 1;
        result.map_err(|mut e| {
            e.traceback.push(frame.tb_entry(&func.name));
            e
        })
    }

    /// Is another Python frame too many (CPython's recursion limit, our native stack)?
    pub(super) fn check_recursion(&self) -> PyResult<()> {
        if self.depth >= RECURSION_LIMIT || self.stack_used() > STACK_LIMIT {
            let msg = format!("maximum recursion depth exceeded{}", self.recursion_context);
            return Err(self.err("RecursionError", msg));
        }
        Ok(())
    }

    /// Runs a generator's body in its own frame until it yields, returns or raises.
    pub(super) fn resume_frame(&mut self, body: &[Stmt], frame: &mut Frame) -> PyResult<Flow> {
        self.check_recursion()?;
        self.depth += 1;
        let r = self.exec_block(body, frame);
        self.depth -= 1;
        r
    }

    fn bind_args(&mut self, func: &Rc<Function>, args: Args, scope: &Rc<Scope>) -> PyResult<()> {
        let a = &func.args;
        let name = &func.qualname;
        let positional: Vec<&ast::Arg> = a.posonlyargs.iter().chain(a.args.iter()).collect();
        let npos = positional.len();
        let mut vars = scope.vars.borrow_mut();
        let Args { pos, kw } = args;
        let given = pos.len();
        let mut extra = Vec::new();
        for (i, v) in pos.into_iter().enumerate() {
            if i < npos {
                vars.insert(Rc::from(positional[i].name.as_str()), v);
            } else {
                extra.push(v);
            }
        }
        if !extra.is_empty() {
            match &a.vararg {
                Some(va) => {
                    vars.insert(Rc::from(va.name.as_str()), Value::tuple(extra));
                }
                None => {
                    let ndef = func.defaults.borrow().len();
                    let kw_given = kw.iter().filter(|(k, _)| a.kwonlyargs.iter().any(|x| *x.name == **k)).count();
                    let takes = if ndef > 0 {
                        format!("from {} to {} positional arguments", npos - ndef, npos)
                    } else {
                        format!("{} positional argument{}", npos, if npos == 1 { "" } else { "s" })
                    };
                    let kwpart = if kw_given > 0 {
                        format!(
                            " positional argument{} (and {} keyword-only argument{})",
                            if given == 1 { "" } else { "s" },
                            kw_given,
                            if kw_given == 1 { "" } else { "s" }
                        )
                    } else {
                        String::new()
                    };
                    let msg = if kw_given > 0 {
                        format!("{name}() takes {takes} but {given}{kwpart} were given")
                    } else {
                        format!("{name}() takes {takes} but {given} {} given", if given == 1 { "was" } else { "were" })
                    };
                    return Err(self.type_error(msg));
                }
            }
        } else if let Some(va) = &a.vararg {
            vars.insert(Rc::from(va.name.as_str()), Value::tuple(vec![]));
        }
        let mut kwargs = Dict::new();
        for (k, v) in kw {
            let is_posonly = a.posonlyargs.iter().any(|p| *p.name == *k);
            let target =
                if is_posonly { None } else { positional.iter().find(|p| *p.name == *k).map(|p| p.name.as_str()) }
                    .or_else(|| a.kwonlyargs.iter().find(|p| *p.name == *k).map(|p| p.name.as_str()));
            match target {
                Some(t) => {
                    if vars.contains_key(t) {
                        return Err(self.type_error(format!("{name}() got multiple values for argument '{k}'")));
                    }
                    vars.insert(Rc::from(t), v);
                }
                None => {
                    if a.kwarg.is_some() {
                        kwargs.insert(Value::Str(k), v);
                    } else if is_posonly {
                        return Err(self.type_error(format!(
                            "{name}() got some positional-only arguments passed as keyword arguments: '{k}'"
                        )));
                    } else {
                        return Err(self.type_error(format!("{name}() got an unexpected keyword argument '{k}'")));
                    }
                }
            }
        }
        if let Some(kwa) = &a.kwarg {
            vars.insert(Rc::from(kwa.name.as_str()), Value::dict(kwargs));
        }
        // Defaults and missing arguments.
        let ndef = func.defaults.borrow().len();
        let mut missing = Vec::new();
        for (i, p) in positional.iter().enumerate() {
            if !vars.contains_key(p.name.as_str()) {
                if i + ndef >= npos {
                    vars.insert(Rc::from(p.name.as_str()), func.defaults.borrow()[i + ndef - npos].clone());
                } else {
                    missing.push(p.name.clone());
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.type_error(format!(
                "{name}() missing {} required positional argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                join_names(&missing)
            )));
        }
        let mut missing_kw = Vec::new();
        for (i, p) in a.kwonlyargs.iter().enumerate() {
            if !vars.contains_key(p.name.as_str()) {
                match func.kw_defaults.borrow().get(i).cloned().flatten() {
                    Some(d) => {
                        vars.insert(Rc::from(p.name.as_str()), d);
                    }
                    None => missing_kw.push(p.name.clone()),
                }
            }
        }
        if !missing_kw.is_empty() {
            return Err(self.type_error(format!(
                "{name}() missing {} required keyword-only argument{}: {}",
                missing_kw.len(),
                if missing_kw.len() == 1 { "" } else { "s" },
                join_names(&missing_kw)
            )));
        }
        Ok(())
    }

    // ----- attributes ---------------------------------------------------------------------

    /// Has `observer` see every item added to or taken out of `list` by its methods (an
    /// instrumented collection); replaces an earlier observer of the same list.
    pub fn observe_list(&mut self, list: &ListRef, observer: Rc<ListObserver>) {
        let n = self.list_observers.len();
        if n >= 64 && n.is_power_of_two() {
            self.list_observers.retain(|_, (w, _)| w.strong_count() > 0);
        }
        self.list_observers.insert(Rc::as_ptr(list) as *const u8 as usize, (Rc::downgrade(list), observer));
    }

    /// The observer of `list`, if it has one.
    pub fn list_observer(&self, list: &ListRef) -> Option<Rc<ListObserver>> {
        if self.list_observers.is_empty() {
            return None;
        }
        self.list_observers.get(&(Rc::as_ptr(list) as *const u8 as usize)).map(|(_, o)| o.clone())
    }

    /// The item `list.append` (and `extend`, `insert`) adds: `v`, or what the list's observer
    /// makes of it.
    pub fn list_appending(&mut self, list: &ListRef, v: Value) -> PyResult<Value> {
        match self.list_observer(list) {
            Some(o) => o(self, ListEvent::Append(v)),
            None => Ok(v),
        }
    }

    /// Tells the list's observer that `v` is about to be taken out.
    pub fn list_removing(&mut self, list: &ListRef, v: &Value) -> PyResult<()> {
        if let Some(o) = self.list_observer(list) {
            o(self, ListEvent::Remove(v.clone()))?;
        }
        Ok(())
    }

    /// `getattr(obj, name)`.
    pub fn getattr(&mut self, obj: &Value, name: &str) -> PyResult<Value> {
        match self.getattr_opt(obj, name)? {
            Some(v) => Ok(v),
            None => Err(self.attribute_error(obj, name)),
        }
    }

    /// The AttributeError CPython raises for a missing attribute.
    pub fn attribute_error(&self, obj: &Value, name: &str) -> PyErr {
        let msg = match obj {
            Value::Class(c) => format!("type object '{}' has no attribute '{name}'", c.name),
            Value::Module(m) => format!("module '{}' has no attribute '{name}'", m.name),
            _ => format!("'{}' object has no attribute '{name}'", self.type_name(obj)),
        };
        let e = self.err("AttributeError", msg);
        if let Value::Instance(i) = &e.exc {
            i.dict.borrow_mut().set_str("name", Value::str(name));
            i.dict.borrow_mut().set_str("obj", obj.clone());
        }
        e
    }

    /// `getattr(obj, name, None)`-like: Ok(None) when the attribute does not exist.
    pub fn getattr_opt(&mut self, obj: &Value, name: &str) -> PyResult<Option<Value>> {
        match obj {
            Value::Instance(inst) => {
                let cls = inst.class.clone();
                if name == "__class__" {
                    return Ok(Some(Value::Class(cls)));
                }
                if let Some(found) = super::builtins::super_attribute(self, obj, name) {
                    return found.map(Some);
                }
                if name == "__dict__" {
                    return Ok(Some(Value::Dict(inst.dict.clone())));
                }
                let cls_attr = cls.lookup(name).or_else(|| super::slots::slot_wrapper(&cls.mro.borrow(), name));
                if let Some(Value::Instance(a)) = &cls_attr {
                    if a.class.lookup("__set__").is_some() {
                        if let Some(get) = a.class.lookup("__get__") {
                            let v = self.call(
                                &get,
                                Args::new(vec![
                                    cls_attr.clone().unwrap_or(Value::None),
                                    obj.clone(),
                                    Value::Class(cls.clone()),
                                ]),
                            )?;
                            return Ok(Some(v));
                        }
                    }
                }
                if let Some(v) = inst.dict.borrow().get_str(name) {
                    return Ok(Some(v.clone()));
                }
                if let Some(a) = cls_attr {
                    return Ok(Some(self.bind_attr(a, obj.clone(), &cls)?));
                }
                if let Some(ga) = cls.lookup("__getattr__") {
                    // The hook's own AttributeError propagates as raised (its message included).
                    return self.call(&ga, Args::new(vec![obj.clone(), Value::str(name)])).map(Some);
                }
                Ok(None)
            }
            Value::Class(c) => {
                match name {
                    "__name__" => return Ok(Some(Value::str(&c.name))),
                    "__qualname__" => return Ok(Some(Value::str(&c.qualname))),
                    "__mro__" => {
                        return Ok(Some(Value::tuple(c.mro.borrow().iter().map(|c| Value::Class(c.clone())).collect())))
                    }
                    "__bases__" => {
                        return Ok(Some(Value::tuple(c.bases.iter().map(|c| Value::Class(c.clone())).collect())))
                    }
                    "__dict__" => return Ok(Some(Value::dict(c.dict.borrow().clone()))),
                    "__class__" => return Ok(Some(Value::Class(self.type_of(obj)))),
                    _ => {}
                }
                if let Some(a) = c.lookup(name) {
                    return Ok(Some(self.bind_class_attr(a, c)?));
                }
                if let Some(w) = super::slots::slot_wrapper(&c.mro.borrow(), name) {
                    return Ok(Some(w));
                }
                if name == "__module__" {
                    return Ok(Some(Value::str(&c.module)));
                }
                if name == "__doc__" {
                    return Ok(Some(Value::None));
                }
                if let Some(meta) = &c.metaclass {
                    if let Some(a) = meta.lookup(name) {
                        return Ok(Some(self.bind_attr(a, obj.clone(), meta)?));
                    }
                }
                Ok(None)
            }
            Value::Module(m) => {
                if name == "__dict__" {
                    return Ok(Some(Value::dict(m.dict.borrow().clone())));
                }
                if let Some(v) = m.get(name) {
                    return Ok(Some(v));
                }
                if let Some(ga) = m.get("__getattr__") {
                    match self.call(&ga, Args::new(vec![Value::str(name)])) {
                        Ok(v) => return Ok(Some(v)),
                        Err(e) if self.err_is(&e, "AttributeError") => return Ok(None),
                        Err(e) => return Err(e),
                    }
                }
                Ok(None)
            }
            Value::Function(f) if f.dict.borrow().get_str(name).is_some() => Ok(f.dict.borrow().get_str(name).cloned()),
            Value::Function(f) => Ok(match name {
                "__name__" => Some(Value::str(&f.name)),
                "__qualname__" => Some(Value::str(&f.qualname)),
                "__module__" => f.module.get("__name__"),
                "__doc__" => Some(f.doc.clone().map(Value::Str).unwrap_or(Value::None)),
                "__code__" => Some(self.function_code(f)),
                "__defaults__" => {
                    let d = f.defaults.borrow();
                    Some(if d.is_empty() { Value::None } else { Value::tuple(d.clone()) })
                }
                "__kwdefaults__" => {
                    let mut d = Dict::new();
                    for (p, v) in f.args.kwonlyargs.iter().zip(f.kw_defaults.borrow().iter()) {
                        if let Some(v) = v {
                            d.set_str(&p.name, v.clone());
                        }
                    }
                    Some(if d.is_empty() { Value::None } else { Value::dict(d) })
                }
                "__dict__" => {
                    let mut d = f.dict.borrow().clone();
                    d.remove(&Value::str("__annotations__"));
                    Some(Value::dict(d))
                }
                "__class__" => Some(Value::Class(self.types.function.clone())),
                _ => match f.dict.borrow().get_str(name) {
                    Some(v) => Some(v.clone()),
                    None => {
                        let cls = self.types.function.clone();
                        return match cls.lookup(name) {
                            Some(a) => Ok(Some(self.bind_attr(a, obj.clone(), &cls)?)),
                            None => Ok(None),
                        };
                    }
                },
            }),
            Value::BoundMethod(bm) => match name {
                "__self__" => Ok(Some(bm.0.clone())),
                "__func__" => Ok(Some(bm.1.clone())),
                _ => {
                    let f = bm.1.clone();
                    self.getattr_opt(&f, name)
                }
            },
            Value::Builtin(b) => Ok(match name {
                "__name__" | "__qualname__" => Some(Value::str(&b.name)),
                "__doc__" => Some(Value::None),
                _ => None,
            }),
            _ => {
                let cls = self.type_of(obj);
                if name == "__class__" {
                    return Ok(Some(Value::Class(cls)));
                }
                match cls.lookup(name).or_else(|| super::slots::slot_wrapper(&cls.mro.borrow(), name)) {
                    Some(a) => Ok(Some(self.bind_attr(a, obj.clone(), &cls)?)),
                    None => Ok(None),
                }
            }
        }
    }

    /// Binds a class attribute found for an instance: functions become bound methods,
    /// descriptors run their `__get__`.
    fn bind_attr(&mut self, a: Value, obj: Value, cls: &Rc<Class>) -> PyResult<Value> {
        match &a {
            Value::Function(_) => Ok(Value::BoundMethod(Rc::new((obj, a)))),
            Value::Builtin(b) if b.binds => Ok(Value::BoundMethod(Rc::new((obj, a.clone())))),
            Value::Instance(i) => {
                if Rc::ptr_eq(&i.class, &self.types.classmethod) {
                    let f = i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(Value::None);
                    return Ok(Value::BoundMethod(Rc::new((Value::Class(self.type_of(&obj)), f))));
                }
                if Rc::ptr_eq(&i.class, &self.types.staticmethod) {
                    return Ok(i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(Value::None));
                }
                if let Some(get) = i.class.lookup("__get__") {
                    return self.call(&get, Args::new(vec![a.clone(), obj, Value::Class(cls.clone())]));
                }
                Ok(a)
            }
            _ => Ok(a),
        }
    }

    /// Binds a class attribute read from the class itself.
    fn bind_class_attr(&mut self, a: Value, c: &Rc<Class>) -> PyResult<Value> {
        match &a {
            Value::Instance(i) => {
                if Rc::ptr_eq(&i.class, &self.types.classmethod) {
                    let f = i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(Value::None);
                    return Ok(Value::BoundMethod(Rc::new((Value::Class(c.clone()), f))));
                }
                if Rc::ptr_eq(&i.class, &self.types.staticmethod) {
                    return Ok(i.payload::<Value>().map(|p| (*p).clone()).unwrap_or(Value::None));
                }
                if let Some(get) = i.class.lookup("__get__") {
                    return self.call(&get, Args::new(vec![a.clone(), Value::None, Value::Class(c.clone())]));
                }
                Ok(a)
            }
            _ => Ok(a),
        }
    }

    /// `setattr(obj, name, v)`.
    pub fn setattr(&mut self, obj: &Value, name: &str, v: Value) -> PyResult<()> {
        match obj {
            Value::Instance(inst) => {
                let cls = inst.class.clone();
                if let Some(Value::Instance(a)) = cls.lookup(name) {
                    if let Some(set) = a.class.lookup("__set__") {
                        self.call(&set, Args::new(vec![Value::Instance(a), obj.clone(), v]))?;
                        return Ok(());
                    }
                    if a.class.lookup("__get__").is_some() && Rc::ptr_eq(&a.class, &self.types.property) {
                        return Err(self.err(
                            "AttributeError",
                            format!("property '{name}' of '{}' object has no setter", cls.name),
                        ));
                    }
                }
                let custom = cls
                    .mro
                    .borrow()
                    .iter()
                    .take_while(|c| !Rc::ptr_eq(c, &self.types.object))
                    .find_map(|c| c.dict.borrow().get_str("__setattr__").cloned());
                if let Some(sa) = custom {
                    return self.call(&sa, Args::new(vec![obj.clone(), Value::str(name), v])).map(|_| ());
                }
                inst.dict.borrow_mut().set_str(name, v);
                Ok(())
            }
            Value::Class(c) => {
                if let Some(sa) = self.meta_dunder(obj, "__setattr__") {
                    return self.call(&sa, Args::new(vec![obj.clone(), Value::str(name), v])).map(|_| ());
                }
                c.dict.borrow_mut().set_str(name, v);
                Ok(())
            }
            Value::Module(m) => {
                m.set(name, v);
                Ok(())
            }
            Value::Function(f) => {
                f.dict.borrow_mut().set_str(name, v);
                Ok(())
            }
            _ => Err(self.err(
                "AttributeError",
                format!(
                    "'{}' object has no attribute '{name}' and no __dict__ for setting new attributes",
                    self.type_name(obj)
                ),
            )),
        }
    }

    /// Plain instance-dict assignment, as `object.__setattr__` does.
    /// `del obj.name` / `delattr(obj, name)`: a class's own `__delattr__` decides, else
    /// [`Interp::object_delattr`].
    pub fn delattr(&mut self, obj: &Value, name: &str) -> PyResult<()> {
        if let Value::Instance(i) = obj {
            if let Some(f) = i.class.lookup("__delattr__") {
                return self.call(&f, Args::new(vec![obj.clone(), Value::str(name)])).map(|_| ());
            }
        }
        self.object_delattr(obj, name)
    }

    /// `object.__delattr__(obj, name)`: a data descriptor's `__delete__` (a property's
    /// deleter), else the instance's own attribute.
    pub fn object_delattr(&mut self, obj: &Value, name: &str) -> PyResult<()> {
        match obj {
            Value::Instance(i) => {
                if let Some(d) = i.class.lookup(name) {
                    if let Value::Instance(di) = &d {
                        if let Some(del) = di.class.lookup("__delete__") {
                            return self.call(&del, Args::new(vec![d.clone(), obj.clone()])).map(|_| ());
                        }
                    }
                }
                if i.dict.borrow_mut().remove(&Value::str(name)).is_none() {
                    return Err(self.attribute_error(obj, name));
                }
                Ok(())
            }
            Value::Class(c) => {
                if c.dict.borrow_mut().remove(&Value::str(name)).is_none() {
                    return Err(self.attribute_error(obj, name));
                }
                Ok(())
            }
            _ => {
                let cls = self.type_of(obj);
                // A method of the builtin type (its getset attributes, `(1).real`, are not here).
                if cls.lookup(name).is_some() {
                    let tn = cls.name.clone();
                    return Err(self.err("AttributeError", format!("'{tn}' object attribute '{name}' is read-only")));
                }
                Err(self.attribute_error(obj, name))
            }
        }
    }

    pub fn object_setattr(&mut self, obj: &Value, name: &str, v: Value) -> PyResult<()> {
        if let Value::Instance(inst) = obj {
            if let Some(Value::Instance(a)) = inst.class.lookup(name) {
                if let Some(set) = a.class.lookup("__set__") {
                    self.call(&set, Args::new(vec![Value::Instance(a), obj.clone(), v]))?;
                    return Ok(());
                }
            }
            inst.dict.borrow_mut().set_str(name, v);
            return Ok(());
        }
        self.setattr(obj, name, v)
    }

    // ----- expressions --------------------------------------------------------------------

    /// Evaluates an expression.
    pub fn eval(&mut self, e: &Expr, frame: &mut Frame) -> PyResult<Value> {
        if frame.gen.as_ref().is_some_and(|g| g.capture) {
            return self.eval_logged(e, frame);
        }
        self.eval_traced(e, frame)
    }

    /// Evaluates an expression, noting where it raised.
    pub(super) fn eval_traced(&mut self, e: &Expr, frame: &mut Frame) -> PyResult<Value> {
        let r = self.eval_inner(e, frame);
        if r.is_err() && frame.err_span.is_none() {
            // The innermost expression that raised: what CPython's traceback underlines.
            if let ExprKind::Name(_)
            | ExprKind::Attribute { .. }
            | ExprKind::Call { .. }
            | ExprKind::BinOp { .. }
            | ExprKind::UnaryOp { .. }
            | ExprKind::Subscript { .. }
            | ExprKind::Compare { .. }
            | ExprKind::ListComp { .. }
            | ExprKind::SetComp { .. }
            | ExprKind::DictComp { .. }
            | ExprKind::GeneratorExp { .. } = &*e.kind
            {
                frame.err_span = Some((e.pos, e.end));
            }
        }
        r
    }

    fn eval_inner(&mut self, e: &Expr, frame: &mut Frame) -> PyResult<Value> {
        match &*e.kind {
            ExprKind::Constant(c) => Ok(match c {
                Constant::None => Value::None,
                Constant::True => Value::Bool(true),
                Constant::False => Value::Bool(false),
                Constant::Ellipsis => Value::Ellipsis,
                Constant::Int(i) => Value::Int(*i),
                Constant::BigInt(s) => {
                    let s = s.replace('_', "");
                    let (radix, digits) = match s.get(..2) {
                        Some("0x") => (16, &s[2..]),
                        Some("0o") => (8, &s[2..]),
                        Some("0b") => (2, &s[2..]),
                        _ => (10, &s[..]),
                    };
                    match super::bigint::BigInt::parse(digits, radix) {
                        Some(b) => b.into_value(),
                        None => return Err(self.err("SyntaxError", "invalid integer literal")),
                    }
                }
                Constant::Float(f) => Value::Float(*f),
                Constant::Complex(_) => {
                    return Err(self.err("NotImplementedError", "complex numbers are not supported yet"))
                }
                Constant::Str(s) => Value::Str(s.clone()),
                Constant::Bytes(b) => Value::Bytes(b.clone()),
            }),
            ExprKind::Name(n) => self.load_name(n, frame),
            ExprKind::Attribute { value, attr } => {
                let v = self.eval(value, frame)?;
                self.getattr(&v, attr)
            }
            ExprKind::Call { func, args, keywords } => {
                let f = self.eval(func, frame)?;
                let mut a = Args::default();
                for arg in args {
                    if let ExprKind::Starred(inner) = &*arg.kind {
                        let v = self.eval(inner, frame)?;
                        let items = self.iterate_memo(frame, arg, &v).map_err(|e| {
                            self.not_iterable(e, &v, |t| {
                                format!("{} argument after * must be an iterable, not {t}", self.function_str(&f))
                            })
                        })?;
                        a.pos.extend(items);
                    } else {
                        a.pos.push(self.eval(arg, frame)?);
                    }
                }
                // CPython merges `**` mappings and the keywords around them into one dict
                // (DICT_MERGE): a key given twice is an error there.
                let merged = keywords.iter().any(|k| k.arg.is_none());
                let mut bad_key = false;
                for k in keywords {
                    let v = self.eval(&k.value, frame)?;
                    let pairs = match &k.arg {
                        Some(name) => vec![(Value::str(name), v)],
                        None => match self.mapping_items_memo(frame, &k.value, &v)? {
                            Some(pairs) => pairs,
                            None => {
                                return Err(self.type_error(format!(
                                    "{} argument after ** must be a mapping, not {}",
                                    self.function_str(&f),
                                    self.type_name(&v)
                                )))
                            }
                        },
                    };
                    for (key, val) in pairs {
                        let Some(key) = key.as_str() else {
                            bad_key = true;
                            continue;
                        };
                        if merged && a.kw.iter().any(|(n, _)| **n == *key) {
                            return Err(self.type_error(format!(
                                "{} got multiple values for keyword argument '{key}'",
                                self.function_str(&f)
                            )));
                        }
                        a.kw.push((Rc::from(key), val));
                    }
                }
                if bad_key {
                    return Err(self.type_error("keywords must be strings"));
                }
                if let (ExprKind::Name(n), true) = (&*func.kind, args.is_empty() && keywords.is_empty()) {
                    if n == "super" {
                        return self.zero_arg_super(frame);
                    }
                }
                let saved = std::mem::take(&mut self.recursion_context);
                let r = self.call(&f, a);
                self.recursion_context = saved;
                r
            }
            ExprKind::BinOp { left, op, right } => {
                let l = self.eval(left, frame)?;
                let r = self.eval(right, frame)?;
                self.binop(*op, l, r)
            }
            ExprKind::UnaryOp { op, operand } => {
                let v = self.eval(operand, frame)?;
                self.unary(*op, v)
            }
            ExprKind::BoolOp { op, values } => {
                let mut last = Value::None;
                for (i, ve) in values.iter().enumerate() {
                    last = self.eval(ve, frame)?;
                    if i + 1 == values.len() {
                        break;
                    }
                    let t = self.truth_memo(frame, ve, 1, &last)?;
                    match op {
                        BoolOp::And if !t => return Ok(last),
                        BoolOp::Or if t => return Ok(last),
                        _ => {}
                    }
                }
                Ok(last)
            }
            ExprKind::Compare { left, ops, comparators } => {
                let mut l = self.eval(left, frame)?;
                let mut result = Value::Bool(true);
                for (op, c) in ops.iter().zip(comparators) {
                    let r = self.eval(c, frame)?;
                    result = self.memo(frame, c, 1, |s, _| s.compare(*op, &l, &r))?;
                    if ops.len() > 1 && !self.truth_memo(frame, c, 2, &result)? {
                        return Ok(result);
                    }
                    l = r;
                }
                Ok(result)
            }
            ExprKind::IfExp { test, body, orelse } => {
                let t = self.eval(test, frame)?;
                if self.truth_memo(frame, test, 1, &t)? {
                    self.eval(body, frame)
                } else {
                    self.eval(orelse, frame)
                }
            }
            ExprKind::List(items) => Ok(Value::list(self.eval_items(items, frame)?)),
            ExprKind::Tuple(items) => Ok(Value::tuple(self.eval_items(items, frame)?)),
            ExprKind::Set(items) => {
                let set = super::pyset::new_ref(super::pyset::PySet::new());
                if items.len() > 2 && items.iter().all(folds_to_constant) {
                    // CPython 3.11 compiles a display of 3 or more constants as a frozenset
                    // constant (its members added in order), which the compiler's constant
                    // merging rebuilds from its own order (`merge_consts_recursive`); the
                    // display merges that into a new set (BUILD_SET 0, SET_UPDATE).
                    let folded = super::pyset::new_ref(super::pyset::PySet::new());
                    for v in self.eval_items(items, frame)? {
                        super::pyset::add(self, &folded, v)?;
                    }
                    let merged = super::pyset::new_ref(super::pyset::PySet::new());
                    let members = folded.borrow().keys();
                    for v in members {
                        super::pyset::add(self, &merged, v)?;
                    }
                    super::pyset::update(self, &set, &Value::Set(merged))?;
                    return Ok(Value::Set(set));
                }
                // BUILD_SET adds in order; `*it` is SET_UPDATE (a set is merged).
                for item in items {
                    if let ExprKind::Starred(inner) = &*item.kind {
                        let v = self.eval(inner, frame)?;
                        if Self::capturing(frame) && super::pyset::any_set(&v).is_none() && !matches!(v, Value::Dict(_))
                        {
                            // Replayed: the iterator is not advanced again.
                            for k in self.iterate_memo(frame, item, &v)? {
                                super::pyset::add(self, &set, k)?;
                            }
                        } else {
                            super::pyset::update(self, &set, &v)?;
                        }
                    } else {
                        let v = self.eval(item, frame)?;
                        super::pyset::add(self, &set, v)?;
                    }
                }
                Ok(Value::Set(set))
            }
            ExprKind::Dict { keys, values } => {
                let mut d = Dict::new();
                for (k, v) in keys.iter().zip(values) {
                    match k {
                        Some(k) => {
                            let kv = self.eval(k, frame)?;
                            let vv = self.eval(v, frame)?;
                            self.dict_insert(&mut d, kv, vv)?;
                        }
                        None => {
                            let m = self.eval(v, frame)?;
                            let Some(entries) = self.mapping_items_memo(frame, v, &m)? else {
                                return Err(
                                    self.type_error(format!("'{}' object is not a mapping", self.type_name(&m)))
                                );
                            };
                            for (a, b) in entries {
                                self.dict_insert(&mut d, a, b)?;
                            }
                        }
                    }
                }
                Ok(Value::dict(d))
            }
            ExprKind::Subscript { value, slice } => {
                let v = self.eval(value, frame)?;
                let k = self.eval(slice, frame)?;
                self.getitem(&v, k)
            }
            ExprKind::Slice { lower, upper, step } => {
                let part = |x: &Option<Expr>, s: &mut Self, f: &mut Frame| -> PyResult<Value> {
                    match x {
                        Some(x) => s.eval(x, f),
                        None => Ok(Value::None),
                    }
                };
                let l = part(lower, self, frame)?;
                let u = part(upper, self, frame)?;
                let st = part(step, self, frame)?;
                Ok(super::builtins::make_slice(self, l, u, st))
            }
            ExprKind::JoinedStr(parts) => {
                let mut s = String::new();
                for p in parts {
                    match &*p.kind {
                        ExprKind::Constant(Constant::Str(t)) => s.push_str(t),
                        _ => {
                            let v = self.eval(p, frame)?;
                            s.push_str(&self.to_str(&v)?);
                        }
                    }
                }
                Ok(Value::str(&s))
            }
            ExprKind::FormattedValue { value, conversion, format_spec } => {
                let v = self.eval(value, frame)?;
                let v = match conversion {
                    Some('r') => Value::str(&self.repr(&v)?),
                    Some('s') => Value::str(&self.to_str(&v)?),
                    Some('a') => Value::str(&super::format::ascii(&self.repr(&v)?)),
                    _ => v,
                };
                let spec = match format_spec {
                    Some(s) => {
                        let sv = self.eval(s, frame)?;
                        self.to_str(&sv)?
                    }
                    None => String::new(),
                };
                Ok(Value::str(&self.format_value(&v, &spec)?))
            }
            ExprKind::Lambda { args, body } => self.make_lambda(args, body, frame),
            ExprKind::NamedExpr { target, value } => {
                let v = self.eval(value, frame)?;
                self.store_name(target, v.clone(), frame)?;
                Ok(v)
            }
            ExprKind::ListComp { elt, generators } => {
                let mut out = Vec::new();
                self.run_comprehension("<listcomp>", generators, &[elt], frame, &mut |s, f| {
                    out.push(s.eval(elt, f)?);
                    Ok(())
                })?;
                Ok(Value::list(out))
            }
            ExprKind::GeneratorExp { elt, generators } => self.make_genexpr(generators, elt, frame),
            ExprKind::SetComp { elt, generators } => {
                let set = super::pyset::new_ref(super::pyset::PySet::new());
                self.run_comprehension("<setcomp>", generators, &[elt], frame, &mut |s, f| {
                    let v = s.eval(elt, f)?;
                    super::pyset::add(s, &set, v)
                })?;
                Ok(Value::Set(set))
            }
            ExprKind::DictComp { key, value, generators } => {
                let mut d = Dict::new();
                self.run_comprehension("<dictcomp>", generators, &[key, value], frame, &mut |s, f| {
                    let k = s.eval(key, f)?;
                    let v = s.eval(value, f)?;
                    s.dict_insert(&mut d, k, v)
                })?;
                Ok(Value::dict(d))
            }
            ExprKind::Starred(_) => Err(self.err("SyntaxError", "can't use starred expression here")),
            // A `yield` inside a larger expression (`print((yield x))`); statement-level
            // yields suspend without coming here (see `generator::eval_buried_yield`).
            ExprKind::Yield(v) => self.eval_buried_yield(e, v.as_ref(), frame),
            ExprKind::YieldFrom(v) => self.eval_buried_yield_from(e, v, frame),
            ExprKind::Await(_) => Err(self.err("SyntaxError", "'await' outside async function")),
        }
    }

    fn callable_name(&self, f: &Value) -> String {
        match f {
            Value::Function(f) => f.qualname.clone(),
            Value::Builtin(b) => b.name.clone(),
            Value::Class(c) => c.name.clone(),
            Value::BoundMethod(bm) => self.callable_name(&bm.1),
            _ => "function".into(),
        }
    }

    /// CPython's `_PyObject_FunctionStr`, how call errors name the callable: `print()`,
    /// `models.show()`, `__main__.f()`.
    pub(super) fn function_str(&self, f: &Value) -> String {
        let qualified = |module: &str, qualname: &str| {
            if module == "builtins" {
                format!("{qualname}()")
            } else {
                format!("{module}.{qualname}()")
            }
        };
        match f {
            Value::Function(func) => qualified(&func.module.name, &func.qualname),
            Value::Class(c) => qualified(&c.module, &c.qualname),
            Value::BoundMethod(bm) => self.function_str(&bm.1),
            _ => format!("{}()", self.callable_name(f)),
        }
    }

    /// `err`, from iterating `v` for a `*` unpacking: when `v` is not iterable at all,
    /// CPython's TypeError naming the unpacking (`message` of `v`'s type name) instead.
    fn not_iterable(&self, err: PyErr, v: &Value, message: impl FnOnce(&str) -> String) -> PyErr {
        let iterable = ["__iter__", "__getitem__"].iter().any(|m| self.type_of(v).lookup(m).is_some());
        if iterable || !self.err_is(&err, "TypeError") {
            return err;
        }
        self.type_error(message(&self.type_name(v)))
    }

    /// The items of mapping `m` (a `**` unpacking, node `node`): a dict's entries, else
    /// `keys()` then `m[key]` for each, as CPython's dict merge does; None when `m` has no
    /// `keys`. In capture mode they are read once per statement.
    fn mapping_items_memo(
        &mut self,
        frame: &mut Frame,
        node: &Expr,
        m: &Value,
    ) -> PyResult<Option<Vec<(Value, Value)>>> {
        if !Self::capturing(frame) {
            return self.mapping_items(m);
        }
        let logged = self.memo(frame, node, 3, |s, _| {
            Ok(match s.mapping_items(m)? {
                Some(pairs) => Value::tuple(pairs.into_iter().map(|(k, v)| Value::tuple(vec![k, v])).collect()),
                None => Value::None,
            })
        })?;
        let Value::Tuple(pairs) = logged else { return Ok(None) };
        Ok(Some(
            pairs
                .iter()
                .filter_map(|p| match p {
                    Value::Tuple(kv) if kv.len() == 2 => Some((kv[0].clone(), kv[1].clone())),
                    _ => None,
                })
                .collect(),
        ))
    }

    fn mapping_items(&mut self, m: &Value) -> PyResult<Option<Vec<(Value, Value)>>> {
        if let Value::Dict(d) = m {
            return Ok(Some(d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect()));
        }
        let Some(keys) = self.getattr_opt(m, "keys")? else { return Ok(None) };
        let keys = self.call(&keys, Args::default())?;
        let mut out = Vec::new();
        for k in self.iterate(&keys)? {
            let v = self.getitem(m, k.clone())?;
            out.push((k, v));
        }
        Ok(Some(out))
    }

    /// A comprehension: its first iterable is evaluated here, the rest runs as CPython's
    /// nested function (`<listcomp>`, ...) in a scope of its own (its variables do not leak,
    /// a class body's names are not visible), which shows as a frame in tracebacks.
    /// `elts` are the expressions it produces, searched for walrus targets (which bind in the
    /// enclosing function, or the module).
    fn run_comprehension(
        &mut self,
        name: &str,
        gens: &[ast::Comprehension],
        elts: &[&Expr],
        frame: &mut Frame,
        body: &mut dyn FnMut(&mut Self, &mut Frame) -> PyResult<()>,
    ) -> PyResult<()> {
        let Some(g) = gens.first() else { return body(self, frame) };
        let it = self.eval(&g.iter, frame)?;
        let scope = self.comprehension_scope(gens, elts, frame);
        let mut sub = Frame {
            globals: frame.globals.clone(),
            scope: Some(scope),
            class_ns: None,
            func: frame.func.clone(),
            first_arg: frame.first_arg.clone(),
            gen: None,
            line: frame.line,
            interactive: false,
            err_span: None,
        };
        let line = frame.line;
        let r = self.comprehension(gens, 0, Some(it), &mut sub, body);
        frame.line = sub.line;
        r.map_err(|mut e| {
            let mut entry = sub.tb_entry(name);
            if entry.span.is_none() {
                entry.line = line;
            }
            e.traceback.push(entry);
            e
        })
    }

    /// The scope a comprehension's variables live in: its targets, walrus targets bound in
    /// the enclosing function (or the module).
    pub(super) fn comprehension_scope(
        &mut self,
        gens: &[ast::Comprehension],
        elts: &[&Expr],
        frame: &Frame,
    ) -> Rc<Scope> {
        let mut names = LocalNames::default();
        let mut walrus = LocalNames::default();
        for (i, g) in gens.iter().enumerate() {
            super::scope::collect_target_names(&g.target, &mut names.locals);
            if i > 0 {
                super::scope::collect_expr(&g.iter, &mut walrus);
            }
            for c in &g.ifs {
                super::scope::collect_expr(c, &mut walrus);
            }
        }
        for e in elts {
            super::scope::collect_expr(e, &mut walrus);
        }
        for w in walrus.locals {
            let global = match &frame.scope {
                None => true,
                Some(sc) => sc.names.globals.contains(&w),
            };
            if global {
                names.globals.insert(w);
            } else {
                names.nonlocals.insert(w);
            }
        }
        Rc::new(Scope { vars: RefCell::new(HashMap::new()), names: Rc::new(names), parent: frame.scope.clone() })
    }

    fn comprehension(
        &mut self,
        gens: &[ast::Comprehension],
        i: usize,
        first: Option<Value>,
        frame: &mut Frame,
        body: &mut dyn FnMut(&mut Self, &mut Frame) -> PyResult<()>,
    ) -> PyResult<()> {
        if i == gens.len() {
            return body(self, frame);
        }
        let g = &gens[i];
        let it = match first {
            Some(v) => v,
            None => self.eval(&g.iter, frame)?,
        };
        let it = self.get_iter(&it)?;
        while let Some(item) = self.iter_next(&it)? {
            self.tick()?;
            self.assign_comp_target(&g.target, item, frame)?;
            let mut ok = true;
            for cond in &g.ifs {
                let c = self.eval(cond, frame)?;
                if !self.truthy(&c)? {
                    ok = false;
                    break;
                }
            }
            if ok {
                self.comprehension(gens, i + 1, None, frame, body)?;
            }
        }
        Ok(())
    }

    fn assign_comp_target(&mut self, target: &Expr, v: Value, frame: &mut Frame) -> PyResult<()> {
        self.assign(target, v, frame)
    }

    fn eval_items(&mut self, items: &[Expr], frame: &mut Frame) -> PyResult<Vec<Value>> {
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            if let ExprKind::Starred(inner) = &*it.kind {
                let v = self.eval(inner, frame)?;
                let items = self
                    .iterate_memo(frame, it, &v)
                    .map_err(|e| self.not_iterable(e, &v, |t| format!("Value after * must be an iterable, not {t}")))?;
                out.extend(items);
            } else {
                out.push(self.eval(it, frame)?);
            }
        }
        Ok(out)
    }

    fn zero_arg_super(&mut self, frame: &Frame) -> PyResult<Value> {
        let func = frame.func.as_ref().ok_or_else(|| self.err("RuntimeError", "super(): no arguments"))?;
        let cls = func.class.borrow().as_ref().and_then(|w| w.upgrade());
        let cls = cls.ok_or_else(|| self.err("RuntimeError", "super(): __class__ cell not found"))?;
        let obj = frame.first_arg.clone().ok_or_else(|| self.err("RuntimeError", "super(): no arguments"))?;
        Ok(super::builtins::make_super(self, cls, obj))
    }

    // ----- protocols ----------------------------------------------------------------------

    /// Inserts into a dict, raising TypeError for unhashable keys.
    pub fn dict_insert(&mut self, d: &mut Dict, k: Value, v: Value) -> PyResult<()> {
        let k = self.canon_key(d, k)?;
        if !d.insert(k.clone(), v) {
            return Err(self.type_error(format!("unhashable type: '{}'", self.type_name(&k))));
        }
        Ok(())
    }

    /// Makes `k` ready to be a dict key or set member: TypeError when it is unhashable; a
    /// Python-level `__hash__` is called and its result kept on the instance. True when the
    /// key's equality is user-defined (an equal key already stored must then be looked for).
    pub fn prepare_key(&mut self, k: &Value) -> PyResult<bool> {
        match k {
            Value::Instance(i) if matches!(i.class.lookup("__hash__"), Some(Value::None)) => {
                Err(self.type_error(format!("unhashable type: '{}'", i.class.name)))
            }
            Value::Instance(i) => match super::builtins::instance_dunder(k, "__hash__") {
                Some(Value::None) => Err(self.type_error(format!("unhashable type: '{}'", i.class.name))),
                Some(f @ Value::Function(_)) => {
                    let r = self.call(&f, Args::new(vec![k.clone()]))?;
                    let h = match r {
                        Value::Int(n) => n,
                        Value::Bool(b) => b as i64,
                        _ => return Err(self.type_error("__hash__ method should return an integer")),
                    };
                    // A result that fits a C long is used as it is, -1 aside (CPython's slot_tp_hash).
                    i.hash.set(Some(if h == -1 { -2 } else { h }));
                    Ok(true)
                }
                _ => Ok(false),
            },
            Value::Tuple(t) => {
                let mut custom = false;
                for x in t.iter() {
                    custom |= self.prepare_key(x)?;
                }
                Ok(custom)
            }
            Value::List(_) | Value::Dict(_) | Value::Set(_) => {
                Err(self.type_error(format!("unhashable type: '{}'", self.type_name(k))))
            }
            _ => Ok(false),
        }
    }

    /// The key `k` is stored under in `d`: an equal key already there when equality is
    /// user-defined (`__eq__` / `__hash__`), else `k` itself. Raises TypeError for unhashable keys.
    pub fn canon_key(&mut self, d: &Dict, k: Value) -> PyResult<Value> {
        if !self.prepare_key(&k)? || d.contains(&k) {
            return Ok(k);
        }
        let candidates = d.key_candidates(&k);
        self.first_equal(candidates, k)
    }

    /// [`Interp::canon_key`] for a shared dict, not borrowed while `__eq__` runs.
    pub fn canon_key_in(&mut self, d: &RefCell<Dict>, k: Value) -> PyResult<Value> {
        if !self.prepare_key(&k)? || d.borrow().contains(&k) {
            return Ok(k);
        }
        let candidates = d.borrow().key_candidates(&k);
        self.first_equal(candidates, k)
    }

    fn first_equal(&mut self, candidates: Vec<Value>, k: Value) -> PyResult<Value> {
        for c in candidates {
            if self.eq(&c, &k)? {
                return Ok(c);
            }
        }
        Ok(k)
    }

    /// `k in d` for a dict or set, with user-defined equality.
    pub fn dict_contains(&mut self, d: &RefCell<Dict>, k: &Value) -> PyResult<bool> {
        let k = self.canon_key_in(d, k.clone())?;
        Ok(d.borrow().contains(&k))
    }

    /// Iterates eagerly: the items of any iterable.
    pub fn iterate(&mut self, v: &Value) -> PyResult<Vec<Value>> {
        if let Some(iter) = self.meta_dunder(v, "__iter__") {
            let it = self.call(&iter, Args::new(vec![v.clone()]))?;
            return self.iterate(&it);
        }
        // The copy (and a str's one-character strings) before they are made: `list(s)` of a
        // 100 MB string would need gigabytes in one step.
        const ITEM: usize = std::mem::size_of::<Value>();
        match v {
            Value::List(l) => {
                self.reserve(l.borrow().len().saturating_mul(ITEM))?;
                Ok(l.borrow().clone())
            }
            Value::Tuple(t) => {
                self.reserve(t.len().saturating_mul(ITEM))?;
                Ok((**t).clone())
            }
            Value::Dict(d) => Ok(d.borrow().keys()),
            Value::Set(d) => Ok(d.borrow().keys()),
            Value::Str(s) => {
                self.reserve(s.len().saturating_mul(ITEM + 32))?;
                Ok(s.chars().map(|c| Value::str(&c.to_string())).collect())
            }
            Value::Bytes(b) => {
                self.reserve(b.len().saturating_mul(ITEM))?;
                Ok(b.iter().map(|x| Value::Int(*x as i64)).collect())
            }
            Value::Instance(i) => {
                if super::iters::is_iter(v) {
                    return self.drain_iter(v);
                }
                let cls = i.class.clone();
                if let Some(iter) = cls.lookup("__iter__") {
                    let it = self.call(&iter, Args::new(vec![v.clone()]))?;
                    if super::iters::is_iter(&it) {
                        return self.drain_iter(&it);
                    }
                    if !matches!(it, Value::Instance(_)) {
                        return self.iterate(&it);
                    }
                    let next = self.getattr(&it, "__next__")?;
                    let mut out = Vec::new();
                    loop {
                        self.tick()?;
                        match self.call(&next, Args::default()) {
                            Ok(x) => out.push(x),
                            Err(e) if self.err_is(&e, "StopIteration") => break,
                            Err(e) => return Err(e),
                        }
                    }
                    return Ok(out);
                }
                if let Some(gi) = cls.lookup("__getitem__") {
                    let mut out = Vec::new();
                    let mut i = 0;
                    loop {
                        self.tick()?;
                        match self.call(&gi, Args::new(vec![v.clone(), Value::Int(i)])) {
                            Ok(x) => out.push(x),
                            Err(e) if self.err_is(&e, "IndexError") || self.err_is(&e, "StopIteration") => break,
                            Err(e) => return Err(e),
                        }
                        i += 1;
                    }
                    return Ok(out);
                }
                Err(self.type_error(format!("'{}' object is not iterable", i.class.name)))
            }
            other => Err(self.type_error(format!("'{}' object is not iterable", self.type_name(other)))),
        }
    }

    /// `bool(v)`.
    pub fn truthy(&mut self, v: &Value) -> PyResult<bool> {
        Ok(match v {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.borrow().is_empty(),
            Value::Set(d) => !d.borrow().is_empty(),
            Value::Instance(i) => {
                let cls = i.class.clone();
                if let Some(b) = cls.lookup("__bool__") {
                    let r = self.call(&b, Args::new(vec![v.clone()]))?;
                    return match r {
                        Value::Bool(b) => Ok(b),
                        _ => {
                            Err(self
                                .type_error(format!("__bool__ should return bool, returned {}", self.type_name(&r))))
                        }
                    };
                }
                if let Some(b) = v.builtin_base() {
                    if super::builtins::instance_dunder(v, "__len__").is_none() {
                        return self.truthy(&b);
                    }
                }
                if let Some(l) = cls.lookup("__len__") {
                    let r = self.call(&l, Args::new(vec![v.clone()]))?;
                    return Ok(!matches!(r, Value::Int(0)));
                }
                true
            }
            _ => true,
        })
    }

    /// `repr(v)`.
    pub fn repr(&mut self, v: &Value) -> PyResult<String> {
        super::format::repr(self, v)
    }

    /// `str(v)`.
    pub fn to_str(&mut self, v: &Value) -> PyResult<String> {
        match v {
            Value::Str(s) => Ok(s.to_string()),
            Value::Instance(i) => {
                let cls = i.class.clone();
                if let Some(s) = cls.lookup("__str__") {
                    let saved = std::mem::replace(&mut self.recursion_context, " while calling a Python object");
                    let r = self.call(&s, Args::new(vec![v.clone()]));
                    self.recursion_context = saved;
                    let r = r?;
                    return match r {
                        Value::Str(s) => Ok(s.to_string()),
                        _ => Err(self.type_error(format!("__str__ returned non-string (type {})", self.type_name(&r)))),
                    };
                }
                // `str()` of a builtin subclass's instance is its value's (`str(Name('x'))` is 'x').
                if let Some(b) = v.builtin_base() {
                    if super::builtins::instance_dunder(v, "__repr__").is_none() {
                        return self.to_str(&b);
                    }
                }
                self.repr(v)
            }
            _ => self.repr(v),
        }
    }

    /// `format(v, spec)`.
    pub fn format_value(&mut self, v: &Value, spec: &str) -> PyResult<String> {
        if let Value::Instance(i) = v {
            if let Some(f) = i.class.lookup("__format__") {
                let r = self.call(&f, Args::new(vec![v.clone(), Value::str(spec)]))?;
                return self.to_str(&r);
            }
            if spec.is_empty() {
                return self.to_str(v);
            }
            if let Some(b) = v.builtin_base() {
                return super::format::format_spec(self, &b, spec);
            }
        }
        super::format::format_spec(self, v, spec)
    }

    /// `obj[key]`.
    pub fn getitem(&mut self, obj: &Value, key: Value) -> PyResult<Value> {
        super::builtins::getitem(self, obj, key)
    }

    /// `obj[key] = v`.
    pub fn setitem(&mut self, obj: &Value, key: Value, v: Value) -> PyResult<()> {
        super::builtins::setitem(self, obj, key, v)
    }

    fn delitem(&mut self, obj: &Value, key: Value) -> PyResult<()> {
        super::builtins::delitem(self, obj, key)
    }

    /// Rich comparison and membership.
    pub fn compare(&mut self, op: CmpOp, l: &Value, r: &Value) -> PyResult<Value> {
        super::ops::compare(self, op, l, r)
    }

    /// `l == r` as a Rust bool.
    pub fn eq(&mut self, l: &Value, r: &Value) -> PyResult<bool> {
        let v = self.compare(CmpOp::Eq, l, r)?;
        self.truthy(&v)
    }

    /// Binary arithmetic.
    pub fn binop(&mut self, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
        super::ops::binop(self, op, l, r, false)
    }

    fn binop_inplace(&mut self, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
        super::ops::binop(self, op, l, r, true)
    }

    fn unary(&mut self, op: UnaryOp, v: Value) -> PyResult<Value> {
        super::ops::unary(self, op, v)
    }

    /// Records a warning as the oracle shows it (`module.Category: message`).
    pub fn warn(&mut self, category: &str, message: &str) {
        self.warnings.push(format!("{category}: {message}"));
    }
}

impl Default for Interp {
    fn default() -> Self {
        Interp::new()
    }
}

enum FunctionBodyRef<'a> {
    Block(&'a [Stmt]),
    Expr(&'a Expr),
}

/// Where a module the playground implements natively lives in a real installation, as the
/// oracle shows such paths (`<site-packages>/…`, `<stdlib>/…`); None for built-in modules.
fn native_module_file(name: &str) -> Option<String> {
    const PACKAGES: &[&str] =
        &["sqlalchemy", "sqlalchemy.orm", "sqlalchemy.dialects", "flask", "flask_sqlalchemy", "itsdangerous"];
    const STDLIB: &[(&str, &str)] =
        &[("os", "os.py"), ("os.path", "posixpath.py"), ("typing", "typing.py"), ("__future__", "__future__.py")];
    if PACKAGES.contains(&name) {
        return Some(format!("<site-packages>/{}/__init__.py", name.replace('.', "/")));
    }
    if let Some((_, f)) = STDLIB.iter().find(|(n, _)| *n == name) {
        return Some(format!("<stdlib>/{f}"));
    }
    if name.starts_with("sqlalchemy.") || name == "typing_extensions" {
        let base = if name == "typing_extensions" { "typing_extensions".to_string() } else { name.replace('.', "/") };
        return Some(format!("<site-packages>/{base}.py"));
    }
    None
}

/// `'a', 'b' and 'c'` as CPython lists missing arguments.
fn join_names(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// CPython's `type.__new__`: a class that defines `__eq__` but not `__hash__` is unhashable.
fn eq_without_hash(dict: &mut Dict) {
    if dict.get_str("__eq__").is_some() && dict.get_str("__hash__").is_none() {
        dict.set_str("__hash__", Value::None);
    }
}

/// The top-level submodules of the installed packages the engine implements (Flask 3.1.3,
/// Flask-SQLAlchemy 3.1.1, SQLAlchemy 2.1.9, Werkzeug, itsdangerous 2.2), as in the oracle's site-packages.
const INSTALLED_SUBMODULES: &[(&str, &[&str])] = &[
    (
        "flask",
        &[
            "__main__",
            "app",
            "blueprints",
            "cli",
            "config",
            "ctx",
            "debughelpers",
            "globals",
            "helpers",
            "json",
            "logging",
            "sansio",
            "sessions",
            "signals",
            "templating",
            "testing",
            "typing",
            "views",
            "wrappers",
        ],
    ),
    (
        "flask_sqlalchemy",
        &[
            "cli",
            "extension",
            "model",
            "pagination",
            "query",
            "record_queries",
            "session",
            "table",
            "track_modifications",
        ],
    ),
    (
        "sqlalchemy",
        &[
            "connectors",
            "dialects",
            "engine",
            "event",
            "events",
            "exc",
            "ext",
            "future",
            "inspection",
            "log",
            "orm",
            "pool",
            "schema",
            "sql",
            "testing",
            "types",
            "util",
        ],
    ),
    (
        "werkzeug",
        &[
            "_internal",
            "_reloader",
            "datastructures",
            "debug",
            "exceptions",
            "formparser",
            "http",
            "local",
            "middleware",
            "routing",
            "sansio",
            "security",
            "serving",
            "test",
            "testapp",
            "urls",
            "user_agent",
            "utils",
            "wrappers",
            "wsgi",
        ],
    ),
    ("itsdangerous", &["_json", "encoding", "exc", "serializer", "signer", "timed", "url_safe"]),
];

/// Is `e` a constant once CPython 3.11's AST optimiser has folded it (a literal, a signed
/// number, a tuple of constants)? A display of such items compiles to a constant.
fn folds_to_constant(e: &ast::Expr) -> bool {
    match &*e.kind {
        ExprKind::Constant(_) => true,
        ExprKind::UnaryOp { op: UnaryOp::Not, operand } => matches!(*operand.kind, ExprKind::Constant(_)),
        ExprKind::UnaryOp { op: UnaryOp::Invert, operand } => {
            matches!(
                *operand.kind,
                ExprKind::Constant(Constant::Int(_) | Constant::BigInt(_) | Constant::True | Constant::False)
            )
        }
        ExprKind::UnaryOp { op: UnaryOp::USub | UnaryOp::UAdd, operand } => matches!(
            *operand.kind,
            ExprKind::Constant(Constant::Int(_) | Constant::BigInt(_) | Constant::Float(_) | Constant::Complex(_))
        ),
        ExprKind::Tuple(items) => items.iter().all(folds_to_constant),
        // `fold_binop`, which gives up on an error and on ints past 128 bits.
        ExprKind::BinOp { left, op, right } => {
            let int = |e: &ast::Expr| match &*e.kind {
                ExprKind::Constant(Constant::Int(n)) => Some(*n),
                _ => None,
            };
            let zero = matches!(&*right.kind, ExprKind::Constant(Constant::Int(0)))
                || matches!(&*right.kind, ExprKind::Constant(Constant::Float(f)) if *f == 0.0);
            let fits = match (op, int(left), int(right)) {
                (BinOp::MatMult, _, _) => false,
                (BinOp::Div | BinOp::FloorDiv | BinOp::Mod, _, _) => !zero,
                (BinOp::Pow, Some(b), Some(e)) => {
                    let bits = 64 - b.unsigned_abs().leading_zeros() as i64;
                    if e < 0 {
                        b != 0
                    } else {
                        b == 0 || e == 0 || bits <= 128 / e
                    }
                }
                (BinOp::Mult, Some(a), Some(b)) => {
                    let bits = |n: i64| 64 - n.unsigned_abs().leading_zeros() as i64;
                    a == 0 || b == 0 || bits(a) + bits(b) <= 128
                }
                (BinOp::LShift, Some(a), Some(b)) => {
                    let bits = 64 - a.unsigned_abs().leading_zeros() as i64;
                    b >= 0 && (a == 0 || (b <= 128 && bits <= 128 - b))
                }
                _ => true,
            };
            fits && folds_to_constant(left) && folds_to_constant(right)
        }
        _ => false,
    }
}
