//! The standard-library modules projects use: `os`, `os.path`, `sys`, `typing`, `time`, and
//! the pure-Python ones under `lib/` (`enum`, `datetime`, `decimal`), run by our own
//! interpreter as CPython runs its `Lib/*.py`. Each is built on first import.

mod hashes;
mod math;
mod native;

use std::rc::Rc;

use super::builtins::func;
use super::interp::{Interp, ModuleFactory, PyResult};
use super::value::{Args, Dict, Module, Value};

fn path_arg(interp: &mut Interp, a: &Args, i: usize, fname: &str) -> PyResult<String> {
    match a.pos.get(i) {
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(interp.type_error(format!(
            "{fname}: path should be string, bytes or os.PathLike, not {}",
            interp.type_name(other)
        ))),
        None => Err(interp.type_error(format!("{fname}() missing 1 required positional argument: 'p'"))),
    }
}

/// `posixpath.normpath`.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let initial = if path.starts_with("//") && !path.starts_with("///") {
        2
    } else if path.starts_with('/') {
        1
    } else {
        0
    };
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        if comp.is_empty() || comp == "." {
            continue;
        }
        if comp != ".." || (initial == 0 && parts.is_empty()) || parts.last() == Some(&"..") {
            parts.push(comp);
        } else if !parts.is_empty() {
            parts.pop();
        }
    }
    let joined = parts.join("/");
    let out = format!("{}{}", "/".repeat(initial), joined);
    if out.is_empty() {
        ".".into()
    } else {
        out
    }
}

/// `posixpath.join`.
pub fn join(parts: &[String]) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if p.starts_with('/') || i == 0 {
            out = p.clone();
        } else if out.is_empty() || out.ends_with('/') {
            out.push_str(p);
        } else {
            out.push('/');
            out.push_str(p);
        }
    }
    out
}

/// `posixpath.dirname`.
pub fn dirname(p: &str) -> String {
    let i = p.rfind('/').map(|i| i + 1).unwrap_or(0);
    let head = &p[..i];
    if !head.is_empty() && head.chars().any(|c| c != '/') {
        head.trim_end_matches('/').to_string()
    } else {
        head.to_string()
    }
}

fn os_path(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("posixpath", None);
    let cwd = interp.project_dir.clone();
    let cwd2 = cwd.clone();
    m.set("sep", Value::str("/"));
    m.set(
        "abspath",
        func("abspath", move |i, a| {
            let p = path_arg(i, &a, 0, "abspath")?;
            let full = if p.starts_with('/') { p } else { join(&[cwd.clone(), p]) };
            Ok(Value::str(&normpath(&full)))
        }),
    );
    m.set(
        "realpath",
        func("realpath", move |i, a| {
            let p = path_arg(i, &a, 0, "realpath")?;
            let full = if p.starts_with('/') { p } else { join(&[cwd2.clone(), p]) };
            Ok(Value::str(&normpath(&full)))
        }),
    );
    m.set("dirname", func("dirname", |i, a| Ok(Value::str(&dirname(&path_arg(i, &a, 0, "dirname")?)))));
    m.set(
        "basename",
        func("basename", |i, a| {
            let p = path_arg(i, &a, 0, "basename")?;
            Ok(Value::str(p.rsplit('/').next().unwrap_or("")))
        }),
    );
    m.set(
        "join",
        func("join", |i, a| {
            let mut parts = Vec::new();
            for k in 0..a.pos.len() {
                parts.push(path_arg(i, &a, k, "join")?);
            }
            Ok(Value::str(&join(&parts)))
        }),
    );
    m.set("normpath", func("normpath", |i, a| Ok(Value::str(&normpath(&path_arg(i, &a, 0, "normpath")?)))));
    m.set("isabs", func("isabs", |i, a| Ok(Value::Bool(path_arg(i, &a, 0, "isabs")?.starts_with('/')))));
    m.set(
        "exists",
        func("exists", |i, a| {
            let p = path_arg(i, &a, 0, "exists")?;
            let root = format!("{}/", i.project_dir);
            Ok(Value::Bool(
                p == i.project_dir || p.strip_prefix(&root).map(|r| i.files.contains_key(r)).unwrap_or(false),
            ))
        }),
    );
    m.set(
        "splitext",
        func("splitext", |i, a| {
            let p = path_arg(i, &a, 0, "splitext")?;
            let base_start = p.rfind('/').map(|x| x + 1).unwrap_or(0);
            let base = &p[base_start..];
            match base.rfind('.') {
                Some(d) if base[..d].chars().any(|c| c != '.') => {
                    let cut = base_start + d;
                    Ok(Value::tuple(vec![Value::str(&p[..cut]), Value::str(&p[cut..])]))
                }
                _ => Ok(Value::tuple(vec![Value::str(&p), Value::str("")])),
            }
        }),
    );
    m.set(
        "split",
        func("split", |i, a| {
            let p = path_arg(i, &a, 0, "split")?;
            let k = p.rfind('/').map(|x| x + 1).unwrap_or(0);
            let head = &p[..k];
            let head =
                if !head.is_empty() && head.chars().any(|c| c != '/') { head.trim_end_matches('/') } else { head };
            Ok(Value::tuple(vec![Value::str(head), Value::str(&p[k..])]))
        }),
    );
    Ok(m)
}

fn os(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("os", None);
    let path = os_path(interp)?;
    interp.modules.insert("os.path".into(), path.clone());
    m.set("path", Value::Module(path));
    m.set("sep", Value::str("/"));
    m.set("name", Value::str("posix"));
    m.set("linesep", Value::str("\n"));
    let environ = Value::dict(Dict::new());
    m.set("environ", environ.clone());
    let env2 = environ.clone();
    m.set(
        "getenv",
        func("getenv", move |i, a| {
            let key = a.pos.first().cloned().unwrap_or(Value::None);
            if !matches!(key, Value::Str(_)) {
                return Err(i.type_error(format!("str expected, not {}", i.type_name(&key))));
            }
            let Value::Dict(d) = &env2 else { return Ok(Value::None) };
            let found = d.borrow().get(&key).cloned();
            Ok(found.unwrap_or_else(|| a.pos.get(1).cloned().unwrap_or(Value::None)))
        }),
    );
    let cwd = interp.project_dir.clone();
    m.set("getcwd", func("getcwd", move |_, _| Ok(Value::str(&cwd))));
    m.set(
        "urandom",
        func("urandom", |i, a| {
            let n = a.pos.first().map(|v| super::builtins::to_index(i, v)).transpose()?.unwrap_or(0).max(0) as usize;
            Ok(Value::Bytes(Rc::from((0..n).map(|k| (k * 97 % 251) as u8).collect::<Vec<u8>>())))
        }),
    );
    m.set("makedirs", func("makedirs", |_, _| Ok(Value::None)));
    m.set("mkdir", func("mkdir", |_, _| Ok(Value::None)));
    m.set(
        "listdir",
        func("listdir", |i, _| {
            let mut names: Vec<String> = i.files.keys().map(|k| k.split('/').next().unwrap_or(k).to_string()).collect();
            crate::sort::sort(&mut names);
            names.dedup();
            Ok(Value::list(names.iter().map(|n| Value::str(n)).collect()))
        }),
    );
    Ok(m)
}

fn sys(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("sys", None);
    m.set("version", Value::str("3.11.7 (main) [GCC 12.2.0]"));
    m.set(
        "version_info",
        Value::tuple(vec![Value::Int(3), Value::Int(11), Value::Int(7), Value::str("final"), Value::Int(0)]),
    );
    m.set("platform", Value::str("linux"));
    m.set("maxsize", Value::Int(i64::MAX));
    m.set("path", Value::list(vec![Value::str(&interp.project_dir)]));
    m.set("argv", Value::list(vec![Value::str("")]));
    m.set("modules", Value::dict(Dict::new()));
    m.set(
        "exc_info",
        func("exc_info", |i, _| {
            Ok(match i.handled_exception() {
                Some(e) => {
                    let tb = match &e {
                        Value::Instance(inst) => inst.dict.borrow().get_str("__traceback__").cloned(),
                        _ => None,
                    };
                    Value::tuple(vec![Value::Class(i.type_of(&e)), e, tb.unwrap_or(Value::None)])
                }
                None => Value::tuple(vec![Value::None, Value::None, Value::None]),
            })
        }),
    );
    m.set("getrecursionlimit", func("getrecursionlimit", |_, _| Ok(Value::Int(super::interp::RECURSION_LIMIT as i64))));
    Ok(m)
}

/// `typing` names used in annotations: subscriptable markers that evaluate to themselves.
fn typing(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("typing", None);
    let marker = super::builtins::native_class(interp, "_SpecialForm", "typing", None, vec![]);
    marker.dict.borrow_mut().set_str(
        "__getitem__",
        super::builtins::method("_SpecialForm", "__getitem__", |i, a| {
            let name = a.pos[0].payload::<String>().map(|s| (*s).clone()).unwrap_or_default();
            let form = super::builtins::new_native(
                &match &a.pos[0] {
                    Value::Instance(inst) => inst.class.clone(),
                    _ => i.types.object.clone(),
                },
                format!("{name}[...]"),
            );
            // `__origin__` and `__args__` as typing keeps them (`Optional[X]` is `Union[X, None]`),
            // for libraries that read annotations (SQLAlchemy's `Mapped[Optional[str]]`).
            let key = a.pos.get(1).cloned().unwrap_or(Value::None);
            let mut args = match &key {
                Value::Tuple(t) => (**t).clone(),
                other => vec![other.clone()],
            };
            if name == "Optional" {
                args.push(Value::None);
            }
            if let Value::Instance(inst) = &form {
                let mut d = inst.dict.borrow_mut();
                d.set_str("__origin__", a.pos[0].clone());
                d.set_str("__args__", Value::tuple(args));
            }
            Ok(form)
        }),
    );
    marker.dict.borrow_mut().set_str(
        "__repr__",
        super::builtins::method("_SpecialForm", "__repr__", |_, a| {
            Ok(Value::str(&format!(
                "typing.{}",
                a.pos[0].payload::<String>().map(|s| (*s).clone()).unwrap_or_default()
            )))
        }),
    );
    marker.dict.borrow_mut().set_str(
        "__call__",
        super::builtins::method("_SpecialForm", "__call__", |_, a| Ok(a.pos.get(1).cloned().unwrap_or(Value::None))),
    );
    for name in [
        "Any",
        "Optional",
        "List",
        "Dict",
        "Set",
        "Tuple",
        "Union",
        "Callable",
        "Type",
        "Iterable",
        "Iterator",
        "Sequence",
        "Mapping",
        "ClassVar",
        "Final",
        "Literal",
        "Annotated",
        "FrozenSet",
        "Generator",
        "NoReturn",
        "Self",
        "TypeVar",
        "Generic",
        "Protocol",
        "Awaitable",
        "Coroutine",
        "AsyncIterator",
        "AsyncIterable",
        "AsyncGenerator",
        "Collection",
        "Container",
        "Hashable",
        "Sized",
        "Reversible",
        "MutableMapping",
        "MutableSequence",
        "MutableSet",
        "AbstractSet",
        "DefaultDict",
        "OrderedDict",
        "Counter",
        "Deque",
        "ChainMap",
        "Text",
        "AnyStr",
        "NamedTuple",
        "TypedDict",
        "ParamSpec",
        "Concatenate",
        "TypeAlias",
        "Required",
        "NotRequired",
        "Never",
        "LiteralString",
        "Unpack",
        "TypeVarTuple",
        "TypeGuard",
        "SupportsInt",
        "SupportsFloat",
        "IO",
        "TextIO",
        "BinaryIO",
        "Pattern",
        "Match",
        "KeysView",
        "ValuesView",
        "ItemsView",
        "ContextManager",
    ] {
        m.set(name, super::builtins::new_native(&marker, name.to_string()));
    }
    // `class Repo(Generic[T])`, `class P(Protocol)`: the marker contributes no base.
    marker.dict.borrow_mut().set_str(
        "__mro_entries__",
        super::builtins::method("_SpecialForm", "__mro_entries__", |_, _| Ok(Value::tuple(vec![]))),
    );
    m.set("TYPE_CHECKING", Value::Bool(false));
    let identity = |name: &str| func(name, |_, a| Ok(a.pos.first().cloned().unwrap_or(Value::None)));
    for name in ["final", "no_type_check", "runtime_checkable", "reveal_type", "assert_type", "dataclass_transform"] {
        m.set(name, identity(name));
    }
    m.set(
        "NewType",
        func("NewType", |_, _| Ok(func("NewType", |_, a| Ok(a.pos.first().cloned().unwrap_or(Value::None))))),
    );
    m.set(
        "get_type_hints",
        func("get_type_hints", |i, a| {
            let obj = a.pos.first().cloned().unwrap_or(Value::None);
            match i.getattr_opt(&obj, "__annotations__")? {
                Some(Value::Dict(d)) => Ok(Value::dict(d.borrow().clone())),
                _ => Ok(Value::dict(Dict::new())),
            }
        }),
    );
    m.set("get_origin", func("get_origin", |_, _| Ok(Value::None)));
    m.set("get_args", func("get_args", |_, _| Ok(Value::tuple(vec![]))));
    m.set("cast", func("cast", |_, a| Ok(a.pos.get(1).cloned().unwrap_or(Value::None))));
    m.set("overload", func("overload", |_, a| Ok(a.pos.first().cloned().unwrap_or(Value::None))));
    Ok(m)
}

/// The standard modules written in Python: (name, source). build.rs copies `lib/*.py` to
/// `$OUT_DIR/stdlib/` without comments, blank lines and deep indentation (same syntax tree).
const SOURCE_MODULES: &[(&str, &str)] = &[
    ("enum", include_str!(concat!(env!("OUT_DIR"), "/stdlib/enum.py"))),
    ("datetime", include_str!(concat!(env!("OUT_DIR"), "/stdlib/datetime.py"))),
    ("decimal", include_str!(concat!(env!("OUT_DIR"), "/stdlib/decimal.py"))),
    ("functools", include_str!(concat!(env!("OUT_DIR"), "/stdlib/functools.py"))),
    ("itertools", include_str!(concat!(env!("OUT_DIR"), "/stdlib/itertools.py"))),
    ("collections", include_str!(concat!(env!("OUT_DIR"), "/stdlib/collections.py"))),
    ("dataclasses", include_str!(concat!(env!("OUT_DIR"), "/stdlib/dataclasses.py"))),
    ("json", include_str!(concat!(env!("OUT_DIR"), "/stdlib/json.py"))),
    ("uuid", include_str!(concat!(env!("OUT_DIR"), "/stdlib/uuid.py"))),
    ("random", include_str!(concat!(env!("OUT_DIR"), "/stdlib/random.py"))),
    ("secrets", include_str!(concat!(env!("OUT_DIR"), "/stdlib/secrets.py"))),
    ("re", include_str!(concat!(env!("OUT_DIR"), "/stdlib/re.py"))),
    ("_standin", include_str!(concat!(env!("OUT_DIR"), "/stdlib/_standin.py"))),
    ("hashlib", include_str!(concat!(env!("OUT_DIR"), "/stdlib/hashlib.py"))),
    ("werkzeug.security", include_str!(concat!(env!("OUT_DIR"), "/stdlib/werkzeug_security.py"))),
    ("itsdangerous", include_str!(concat!(env!("OUT_DIR"), "/stdlib/itsdangerous.py"))),
];

/// Calls `module.name(*args)` of a standard module (importing it): how native code makes
/// `Decimal('9.99')`, `datetime.date(2024, 1, 5)` or an Enum lookup as Python would.
pub fn call_stdlib(interp: &mut Interp, module: &str, name: &str, args: Vec<Value>) -> PyResult<Value> {
    let m = interp.import_module(module)?;
    let f = interp.getattr(&Value::Module(m), name)?;
    interp.call(&f, Args::new(args))
}

/// Is `v` an instance of `module.name` (a class of a standard module), e.g. `decimal.Decimal`?
pub fn is_stdlib_instance(v: &Value, module: &str, name: &str) -> bool {
    match v {
        Value::Instance(i) => i.class.mro.borrow().iter().any(|c| c.module == module && c.name == name),
        _ => false,
    }
}

/// A stand-in module for a package the playground does not have: every attribute is a
/// `_standin.StandIn` (readable, callable, subclassable, usable as a decorator).
pub fn stand_in_module(interp: &mut Interp, name: &str) -> PyResult<Rc<Module>> {
    let m = Module::new(name, Some(format!("<stand-in>/{}.py", name.replace('.', "/"))));
    let support = interp.import_module("_standin")?;
    let make = interp.getattr(&Value::Module(support), "module_getattr")?;
    let getattr = interp.call(&make, Args::new(vec![Value::str(name)]))?;
    m.set("__getattr__", getattr);
    m.set("__package__", Value::str(name));
    m.set("__path__", Value::list(vec![]));
    Ok(m)
}

/// Runs a standard module written in Python; it appears as `<stdlib>/NAME.py`.
fn source_module(interp: &mut Interp, name: &str, source: &str) -> PyResult<Rc<Module>> {
    // The third-party ones live in site-packages, as the oracle's paths show them.
    let file = match name {
        "itsdangerous" => "<site-packages>/itsdangerous/__init__.py".to_string(),
        "werkzeug.security" => "<site-packages>/werkzeug/security.py".to_string(),
        _ => format!("<stdlib>/{name}.py"),
    };
    let m = Module::new(name, Some(file.clone()));
    m.set("__builtins__", Value::Module(interp.builtins.clone()));
    m.set("__package__", Value::str(""));
    interp.modules.insert(name.to_string(), m.clone());
    let r = interp.exec_source(source, &file, &m, false);
    interp.modules.remove(name);
    r?;
    Ok(m)
}

/// The report `traceback.format_exc()` gives for the exception being handled, with the
/// project's source lines; `NoneType: None` outside an `except` block.
fn format_handled(interp: &mut Interp) -> String {
    let Some(exc) = interp.handled_exception() else { return "NoneType: None\n".into() };
    let err = crate::python::interp::PyErr { traceback: crate::python::interp::kept_traceback(&exc), exc };
    format_report(interp, &err, true)
}

/// The report `traceback.print_exception` writes for `err`, with the project's source lines;
/// without its chained exceptions unless `chain`.
pub fn format_report(interp: &mut Interp, err: &crate::python::interp::PyErr, chain: bool) -> String {
    let prefix = format!("{}/", interp.project_dir);
    let files = interp.files.clone();
    let source_of = move |path: &str| path.strip_prefix(&prefix).and_then(|rel| files.get(rel).cloned());
    let ns = Module::new("__main__", None);
    let mut text = if chain {
        crate::python::traceback::format_exception(interp, err, &ns, &source_of)
    } else {
        crate::python::traceback::format_one(interp, err, &ns, &source_of)
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The `traceback` module: what learners call in `except` blocks.
fn traceback_module(_interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("traceback", None);
    m.set("format_exc", func("format_exc", |i, _| Ok(Value::str(&format_handled(i)))));
    m.set(
        "print_exc",
        func("print_exc", |i, _| {
            let text = format_handled(i);
            i.stdout.push_str(&text);
            Ok(Value::None)
        }),
    );
    m.set(
        "format_exception_only",
        func("format_exception_only", |i, a| {
            // 3.11: (exc) or (type, value).
            let exc = a.pos.get(1).or(a.pos.first()).cloned().unwrap_or(Value::None);
            let ns = Module::new("__main__", None);
            let line = if exc.is_none() {
                "NoneType: None".to_string()
            } else {
                let err = crate::python::interp::PyErr { exc, traceback: Vec::new() };
                crate::python::traceback::format_exception_only(i, &err, &ns)
            };
            Ok(Value::list(vec![Value::str(&format!("{line}\n"))]))
        }),
    );
    Ok(m)
}

/// `warnings`: `warn` records the warning as the oracle shows it; filters are accepted and
/// change nothing.
fn warnings_module(_: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("warnings", None);
    m.set(
        "warn",
        func("warn", |i, mut a| {
            let message = a.arg(0, "message").unwrap_or(Value::None);
            let category = a.arg(1, "category");
            let (cat, text) = match &message {
                Value::Instance(inst) if category.is_none() && i.isinstance(&message, &i.exc_class("Warning")) => {
                    (Some(Value::Class(inst.class.clone())), i.to_str(&message)?)
                }
                _ => (category, i.to_str(&message)?),
            };
            let name = match cat {
                Some(Value::Class(c)) if c.module == "builtins" => c.name.clone(),
                Some(Value::Class(c)) => format!("{}.{}", c.module, c.qualname),
                _ => "UserWarning".to_string(),
            };
            i.warn(&name, &text);
            Ok(Value::None)
        }),
    );
    for name in ["simplefilter", "filterwarnings", "resetwarnings"] {
        m.set(name, func(name, |_, _| Ok(Value::None)));
    }
    Ok(m)
}

/// Registers the standard modules with the interpreter.
pub fn register(interp: &mut Interp) {
    let reg = |interp: &mut Interp, name: &str, f: fn(&mut Interp) -> PyResult<Rc<Module>>| {
        let factory: ModuleFactory = Rc::new(f);
        interp.register_module(name, factory);
    };
    reg(interp, "os", os);
    reg(interp, "os.path", os_path);
    reg(interp, "sys", sys);
    reg(interp, "typing", typing);
    reg(interp, "typing_extensions", typing);
    reg(interp, "math", math::math_module);
    native::register(interp);
    let hashlib: ModuleFactory = Rc::new(|_: &mut Interp| {
        let m = Module::new("_hashlib", None);
        m.set(
            "digest",
            func("digest", |i, a| {
                let (Some(Value::Str(name)), Some(Value::Bytes(data))) = (a.pos.first(), a.pos.get(1)) else {
                    return Err(i.type_error("digest(name, bytes)"));
                };
                let out = match &**name {
                    "md5" => hashes::md5(data),
                    "sha1" => hashes::sha1(data),
                    "sha256" => hashes::sha256(data),
                    other => return Err(i.err("ValueError", format!("unsupported hash type {other}"))),
                };
                Ok(Value::Bytes(Rc::from(out)))
            }),
        );
        Ok(m)
    });
    interp.register_module("_hashlib", hashlib);
    for (name, source) in SOURCE_MODULES {
        let factory: ModuleFactory = Rc::new(move |interp: &mut Interp| source_module(interp, name, source));
        interp.register_module(name, factory);
    }
    reg(interp, "traceback", traceback_module);
    reg(interp, "warnings", warnings_module);
    reg(interp, "__future__", |_| {
        let m = Module::new("__future__", None);
        m.set("annotations", Value::None);
        Ok(m)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_written_in_python_imports() {
        // The sources are build.rs's minified copies: each must still run.
        let mut interp = Interp::new();
        for (name, source) in SOURCE_MODULES {
            assert!(!source.is_empty(), "{name}");
            // `werkzeug.security` runs without its package (the flask layer registers that).
            if let Err(e) = source_module(&mut interp, name, source) {
                let ns = Module::new("__main__", None);
                panic!("{name}: {}", crate::python::traceback::format_exception_only(&mut interp, &e, &ns));
            }
        }
    }

    #[test]
    fn posixpath_matches_cpython() {
        // Checked with python3 3.11's posixpath.
        assert_eq!(normpath("/home/learner/project/./a/../app.db"), "/home/learner/project/app.db");
        assert_eq!(normpath("a//b/"), "a/b");
        assert_eq!(dirname("/home/learner/project/config.py"), "/home/learner/project");
        assert_eq!(dirname("config.py"), "");
        assert_eq!(dirname("/x"), "/");
        assert_eq!(join(&["/a".into(), "b".into(), "/c".into(), "d".into()]), "/c/d");
        assert_eq!(join(&["/home/learner/project".into(), "app.db".into()]), "/home/learner/project/app.db");
    }
}
