//! Flask itself, as far as a Flask-SQLAlchemy project touches it: `Flask(__name__)`, its
//! `config` (`from_object`, item access), `extensions`, app contexts, and decorators such as
//! `route` and `shell_context_processor` that must not get in the way.

use std::cell::RefCell;
use std::rc::Rc;

use crate::python::builtins::{func, method, native_class, new_native};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Args, Class, Dict, Module, Value};

/// Payload of a `Flask` application object.
pub struct FlaskApp {
    pub import_name: String,
    pub config: Value,
    pub extensions: Value,
    pub shell_context_processors: RefCell<Vec<Value>>,
    /// `app.view_functions`: endpoint name → the function `@app.route` registered (`static`
    /// first, as Flask adds it).
    pub view_functions: Value,
}

/// Payload of `flask.Config` (a dict of settings).
pub struct ConfigData {
    pub dict: RefCell<Dict>,
}

fn cfg(interp: &Interp, a: &Args) -> PyResult<Rc<ConfigData>> {
    a.pos
        .first()
        .and_then(|v| v.payload::<ConfigData>())
        .ok_or_else(|| interp.type_error("descriptor requires a 'Config' object"))
}

fn is_upper_name(k: &str) -> bool {
    k.chars().any(|c| c.is_alphabetic()) && k.chars().all(|c| !c.is_lowercase())
}

fn config_class(interp: &Interp) -> Rc<Class> {
    native_class(
        interp,
        "Config",
        "flask.config",
        None,
        vec![
            (
                "__getitem__",
                method("Config", "__getitem__", |i, a| {
                    let c = cfg(i, &a)?;
                    let k = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let found = c.dict.borrow().get(&k).cloned();
                    match found {
                        Some(v) => Ok(v),
                        None => {
                            let cls = i.exc_class("KeyError");
                            Err(crate::python::interp::PyErr { exc: i.new_exception(&cls, vec![k]), traceback: vec![] })
                        }
                    }
                }),
            ),
            (
                "__setitem__",
                method("Config", "__setitem__", |i, a| {
                    let c = cfg(i, &a)?;
                    c.dict.borrow_mut().insert(a.pos[1].clone(), a.pos[2].clone());
                    Ok(Value::None)
                }),
            ),
            (
                "__contains__",
                method("Config", "__contains__", |i, a| {
                    let c = cfg(i, &a)?;
                    let found = c.dict.borrow().contains(&a.pos[1]);
                    Ok(Value::Bool(found))
                }),
            ),
            (
                "__iter__",
                method("Config", "__iter__", |i, a| {
                    let c = cfg(i, &a)?;
                    let keys = c.dict.borrow().keys();
                    Ok(Value::list(keys))
                }),
            ),
            (
                "__len__",
                method("Config", "__len__", |i, a| {
                    let c = cfg(i, &a)?;
                    let n = c.dict.borrow().len() as i64;
                    Ok(Value::Int(n))
                }),
            ),
            (
                "get",
                method("Config", "get", |i, a| {
                    let c = cfg(i, &a)?;
                    let found = c.dict.borrow().get(&a.pos.get(1).cloned().unwrap_or(Value::None)).cloned();
                    Ok(found.unwrap_or_else(|| a.pos.get(2).cloned().unwrap_or(Value::None)))
                }),
            ),
            (
                "setdefault",
                method("Config", "setdefault", |i, a| {
                    let c = cfg(i, &a)?;
                    let k = a.pos.get(1).cloned().unwrap_or(Value::None);
                    let existing = c.dict.borrow().get(&k).cloned();
                    match existing {
                        Some(v) => Ok(v),
                        None => {
                            let v = a.pos.get(2).cloned().unwrap_or(Value::None);
                            c.dict.borrow_mut().insert(k, v.clone());
                            Ok(v)
                        }
                    }
                }),
            ),
            (
                "update",
                method("Config", "update", |i, a| {
                    let c = cfg(i, &a)?;
                    if let Some(Value::Dict(d)) = a.pos.get(1) {
                        for (k, v) in d.borrow().iter() {
                            c.dict.borrow_mut().insert(k.clone(), v.clone());
                        }
                    }
                    for (k, v) in &a.kw {
                        c.dict.borrow_mut().insert(Value::Str(k.clone()), v.clone());
                    }
                    Ok(Value::None)
                }),
            ),
            (
                "from_mapping",
                method("Config", "from_mapping", |i, a| {
                    let c = cfg(i, &a)?;
                    let mut items: Vec<(Value, Value)> = Vec::new();
                    if let Some(Value::Dict(d)) = a.pos.get(1) {
                        items.extend(d.borrow().iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                    items.extend(a.kw.iter().map(|(k, v)| (Value::Str(k.clone()), v.clone())));
                    for (k, v) in items {
                        if k.as_str().map(is_upper_name).unwrap_or(false) {
                            c.dict.borrow_mut().insert(k, v);
                        }
                    }
                    Ok(Value::Bool(true))
                }),
            ),
            (
                "from_object",
                method("Config", "from_object", |i, a| {
                    let c = cfg(i, &a)?;
                    let mut obj = a.pos.get(1).cloned().unwrap_or(Value::None);
                    if let Value::Str(s) = &obj {
                        obj = import_string(i, s)?;
                    }
                    // dir(obj) order: sorted names, upper-case only.
                    let mut names: Vec<String> = match &obj {
                        Value::Class(cls) => cls
                            .mro
                            .borrow()
                            .iter()
                            .flat_map(|c| c.dict.borrow().keys())
                            .filter_map(|k| k.as_str().map(str::to_string))
                            .collect(),
                        Value::Module(m) => {
                            m.dict.borrow().keys().iter().filter_map(|k| k.as_str().map(str::to_string)).collect()
                        }
                        Value::Instance(inst) => {
                            let mut n: Vec<String> = inst
                                .dict
                                .borrow()
                                .keys()
                                .iter()
                                .filter_map(|k| k.as_str().map(str::to_string))
                                .collect();
                            n.extend(
                                inst.class
                                    .mro
                                    .borrow()
                                    .iter()
                                    .flat_map(|c| c.dict.borrow().keys())
                                    .filter_map(|k| k.as_str().map(str::to_string)),
                            );
                            n
                        }
                        _ => vec![],
                    };
                    crate::sort::sort(&mut names);
                    names.dedup();
                    for n in names.into_iter().filter(|n| is_upper_name(n)) {
                        let v = i.getattr(&obj, &n)?;
                        c.dict.borrow_mut().set_str(&n, v);
                    }
                    Ok(Value::None)
                }),
            ),
            (
                "__repr__",
                method("Config", "__repr__", |i, a| {
                    let c = cfg(i, &a)?;
                    let d = Value::dict(c.dict.borrow().clone());
                    Ok(Value::str(&format!("<Config {}>", i.repr(&d)?)))
                }),
            ),
        ],
    )
}

/// `werkzeug.utils.import_string`: `"config.Config"` → the object.
pub fn import_string(interp: &mut Interp, path: &str) -> PyResult<Value> {
    let (module, attr) = match path.rsplit_once(':').or_else(|| path.rsplit_once('.')) {
        Some((m, a)) => (m.to_string(), Some(a.to_string())),
        None => (path.to_string(), None),
    };
    let m = interp.import_module(&module)?;
    match attr {
        Some(a) => interp.getattr(&Value::Module(m), &a),
        None => Ok(Value::Module(m)),
    }
}

/// Flask's default configuration keys and values.
fn default_config() -> Dict {
    let mut d = Dict::new();
    for (k, v) in [
        ("DEBUG", Value::Bool(false)),
        ("TESTING", Value::Bool(false)),
        ("PROPAGATE_EXCEPTIONS", Value::None),
        ("SECRET_KEY", Value::None),
        ("SERVER_NAME", Value::None),
        ("APPLICATION_ROOT", Value::str("/")),
        ("SESSION_COOKIE_NAME", Value::str("session")),
        ("PREFERRED_URL_SCHEME", Value::str("http")),
        ("MAX_CONTENT_LENGTH", Value::None),
        ("TEMPLATES_AUTO_RELOAD", Value::None),
    ] {
        d.set_str(k, v);
    }
    d
}

fn app_of(interp: &Interp, a: &Args) -> PyResult<Rc<FlaskApp>> {
    a.pos
        .first()
        .and_then(|v| v.payload::<FlaskApp>())
        .ok_or_else(|| interp.type_error("descriptor requires a 'Flask' object"))
}

/// A decorator factory that returns the decorated function unchanged (`@app.route(...)`).
/// `@app.route(rule, **options)` (and `get`, `post`, ...): registers the function under its
/// endpoint (`endpoint=` or the function's name) in `app.view_functions`, and returns it.
fn route_decorator(name: &'static str) -> Value {
    method("Flask", name, |i, mut a| {
        let app = app_of(i, &a)?;
        let endpoint = a.take_kw("endpoint").filter(|v| !v.is_none());
        let views = app.view_functions.clone();
        Ok(func("decorator", move |i, b| {
            let f = b.pos.first().cloned().unwrap_or(Value::None);
            let key = match &endpoint {
                Some(e) => e.clone(),
                None => i.getattr(&f, "__name__")?,
            };
            if let Value::Dict(d) = &views {
                d.borrow_mut().insert(key, f.clone());
            }
            Ok(f)
        }))
    })
}

fn passthrough_decorator(name: &str) -> Value {
    method("Flask", name, |_, _| Ok(func("decorator", |_, a| Ok(a.pos.first().cloned().unwrap_or(Value::None)))))
}

/// Payload of `AppContext` objects: the app, and the context it replaced while pushed.
struct AppContextData {
    app: Value,
    previous: RefCell<Vec<Option<Rc<dyn std::any::Any>>>>,
}

fn context_push(interp: &mut Interp, a: &Args) {
    let Some(ctx) = a.pos.first().and_then(|v| v.payload::<AppContextData>()) else { return };
    let previous = interp.ext.get("flask.current_app").cloned();
    ctx.previous.borrow_mut().push(previous);
    interp.ext.insert("flask.current_app", Rc::new(ctx.app.clone()));
}

fn context_pop(interp: &mut Interp, a: &Args) {
    let Some(ctx) = a.pos.first().and_then(|v| v.payload::<AppContextData>()) else { return };
    let popped = ctx.previous.borrow_mut().pop();
    match popped {
        Some(Some(prev)) => {
            interp.ext.insert("flask.current_app", prev);
        }
        Some(None) => {
            interp.ext.remove("flask.current_app");
        }
        None => {}
    }
}

/// Is an application context pushed (`flask.globals._cv_app.get(None)`)? Importing the
/// project runs outside one; `with app.app_context():` and the shell's lines inside.
pub fn has_app_context(interp: &Interp) -> bool {
    interp.ext.contains_key("flask.current_app")
}

fn context_class(interp: &Interp) -> Rc<Class> {
    native_class(
        interp,
        "AppContext",
        "flask.ctx",
        None,
        vec![
            (
                "__enter__",
                method("AppContext", "__enter__", |i, a| {
                    context_push(i, &a);
                    Ok(a.pos[0].clone())
                }),
            ),
            (
                "__exit__",
                method("AppContext", "__exit__", |i, a| {
                    context_pop(i, &a);
                    Ok(Value::None)
                }),
            ),
            (
                "push",
                method("AppContext", "push", |i, a| {
                    context_push(i, &a);
                    Ok(Value::None)
                }),
            ),
            (
                "pop",
                method("AppContext", "pop", |i, a| {
                    context_pop(i, &a);
                    Ok(Value::None)
                }),
            ),
        ],
    )
}

fn build_flask(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("flask", None);
    let config_cls = config_class(interp);
    let ctx_cls = context_class(interp);
    let flask = native_class(interp, "Flask", "flask.app", None, vec![]);
    let f2 = flask.clone();
    flask.dict.borrow_mut().set_str(
        "__new__",
        func("__new__", move |i, mut a| {
            let name = match a.arg(1, "import_name") {
                Some(v) => i.to_str(&v)?,
                None => {
                    return Err(i.type_error("Flask.__init__() missing 1 required positional argument: 'import_name'"))
                }
            };
            let cls = match a.pos.first() {
                Some(Value::Class(c)) => c.clone(),
                _ => f2.clone(),
            };
            let config = new_native(&config_cls, ConfigData { dict: RefCell::new(default_config()) });
            Ok(new_native(
                &cls,
                FlaskApp {
                    view_functions: {
                        let mut d = Dict::new();
                        d.set_str("static", func("send_static_file", |_, _| Ok(Value::None)));
                        Value::dict(d)
                    },
                    import_name: name,
                    config,
                    extensions: Value::dict(Dict::new()),
                    shell_context_processors: RefCell::new(Vec::new()),
                },
            ))
        }),
    );
    flask.dict.borrow_mut().set_str("__init__", method("Flask", "__init__", |_, _| Ok(Value::None)));
    let ctx2 = ctx_cls.clone();
    let methods: Vec<(&str, Value)> = vec![
        (
            "__getattr__",
            method("Flask", "__getattr__", |i, a| {
                let app = app_of(i, &a)?;
                let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                match name.as_str() {
                    "config" => Ok(app.config.clone()),
                    "view_functions" => Ok(app.view_functions.clone()),
                    "extensions" => Ok(app.extensions.clone()),
                    "name" | "import_name" => Ok(Value::str(&app.import_name)),
                    "debug" => Ok(Value::Bool(false)),
                    "testing" => Ok(Value::Bool(false)),
                    "root_path" => Ok(Value::str(&i.project_dir.clone())),
                    // A module app's instance folder is `instance` beside it (`Flask.auto_find_instance_path`).
                    "instance_path" => Ok(Value::str(&format!("{}/instance", i.project_dir))),
                    _ => Err(i.err("AttributeError", format!("'Flask' object has no attribute '{name}'"))),
                }
            }),
        ),
        (
            "app_context",
            method("Flask", "app_context", move |_, a| {
                let app = a.pos.first().cloned().unwrap_or(Value::None);
                Ok(new_native(&ctx2, AppContextData { app, previous: RefCell::new(Vec::new()) }))
            }),
        ),
        (
            "test_request_context",
            method("Flask", "test_request_context", {
                let c = ctx_cls.clone();
                move |_, _| Ok(new_native(&c, ()))
            }),
        ),
        (
            "shell_context_processor",
            method("Flask", "shell_context_processor", |i, a| {
                let app = app_of(i, &a)?;
                let f = a.pos.get(1).cloned().unwrap_or(Value::None);
                app.shell_context_processors.borrow_mut().push(f.clone());
                Ok(f)
            }),
        ),
        ("route", route_decorator("route")),
        ("get", route_decorator("get")),
        ("post", route_decorator("post")),
        ("put", route_decorator("put")),
        ("delete", route_decorator("delete")),
        ("errorhandler", passthrough_decorator("errorhandler")),
        ("before_request", method("Flask", "before_request", |_, a| Ok(a.pos.get(1).cloned().unwrap_or(Value::None)))),
        ("after_request", method("Flask", "after_request", |_, a| Ok(a.pos.get(1).cloned().unwrap_or(Value::None)))),
        (
            "teardown_appcontext",
            method("Flask", "teardown_appcontext", |_, a| Ok(a.pos.get(1).cloned().unwrap_or(Value::None))),
        ),
        (
            "context_processor",
            method("Flask", "context_processor", |_, a| Ok(a.pos.get(1).cloned().unwrap_or(Value::None))),
        ),
        ("cli", Value::None),
        ("register_blueprint", method("Flask", "register_blueprint", |_, _| Ok(Value::None))),
        ("add_url_rule", method("Flask", "add_url_rule", |_, _| Ok(Value::None))),
        ("run", method("Flask", "run", |_, _| Ok(Value::None))),
        (
            "__repr__",
            method("Flask", "__repr__", |i, a| {
                let app = app_of(i, &a)?;
                Ok(Value::str(&format!("<Flask '{}'>", app.import_name)))
            }),
        ),
    ];
    for (k, v) in methods {
        flask.dict.borrow_mut().set_str(k, v);
    }
    // Decorator factories (`@app.template_filter('name')`) and plain decorators
    // (`@app.before_request`) a project's app registers: the function comes back unchanged.
    for name in ["template_filter", "template_global", "template_test"] {
        flask.dict.borrow_mut().set_str(name, passthrough_decorator(name));
    }
    for name in ["before_request", "after_request", "teardown_request", "teardown_appcontext", "context_processor"] {
        flask
            .dict
            .borrow_mut()
            .set_str(name, method("Flask", name, |_, a| Ok(a.pos.get(1).cloned().unwrap_or(Value::None))));
    }
    m.set("Flask", Value::Class(flask));
    // `flask.Response` (`flask.wrappers.Response`): a view's return value; the shell makes none.
    let response = native_class(interp, "Response", "flask.wrappers", None, vec![]);
    m.set("Response", Value::Class(response));
    m.set("g", Value::dict(Dict::new()));
    m.set("current_app", new_native(&current_app_proxy_class(interp), ()));
    // `url_for` in the shell: `current_app.url_for` without a request builds its URL adapter
    // from `SERVER_NAME`, and without one refuses (outside an app context, `current_app` does).
    m.set(
        "url_for",
        func("url_for", |i, _| {
            let app = current_app(i)?;
            let config = i.getattr(&app, "config")?;
            let get = i.getattr(&config, "get")?;
            let server_name = i.call(&get, Args::new(vec![Value::str("SERVER_NAME")]))?;
            if server_name.is_none() {
                return Err(i.err(
                    "RuntimeError",
                    "Unable to build URLs outside an active request without 'SERVER_NAME' configured. Also configure 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as needed.",
                ));
            }
            Err(i.err("RuntimeError", "url_for() needs a request, which the playground's shell does not have"))
        }),
    );
    // `flash` stores the message in the request's session: the shell has no request.
    m.set(
        "flash",
        func("flash", |i, _| {
            Err(i.err(
                "RuntimeError",
                "Working outside of request context.\n\nThis typically means that you attempted to use functionality that needed\nan active HTTP request. Consult the documentation on testing for\ninformation about how to avoid this problem.",
            ))
        }),
    );
    for name in ["render_template", "redirect", "jsonify", "abort", "make_response", "send_file"] {
        let n = name.to_string();
        m.set(
            name,
            func(name, move |i, _| {
                Err(i.err("RuntimeError", format!("{n}() needs a request, which the playground's shell does not have")))
            }),
        );
    }
    m.set("request", Value::None);
    m.set("session", Value::dict(Dict::new()));
    let bp = native_class(
        interp,
        "Blueprint",
        "flask.blueprints",
        None,
        vec![
            ("route", passthrough_decorator("route")),
            ("__init__", method("Blueprint", "__init__", |_, _| Ok(Value::None))),
        ],
    );
    m.set("Blueprint", Value::Class(bp));
    Ok(m)
}

/// The app `flask shell` runs its lines in the context of (`app.app_context()` pushed):
/// what `current_app` stands for then.
pub fn push_app_context(interp: &mut Interp, app: &Value) {
    interp.ext.insert("flask.current_app", Rc::new(app.clone()));
}

fn current_app(interp: &Interp) -> PyResult<Value> {
    match interp.ext.get("flask.current_app").and_then(|e| e.clone().downcast::<Value>().ok()) {
        Some(app) => Ok((*app).clone()),
        None => Err(interp.err(
            "RuntimeError",
            "Working outside of application context.\n\nThis typically means that you attempted to use functionality that needed\nthe current application. To solve this, set up an application context\nwith app.app_context(). See the documentation for more information.",
        )),
    }
}

/// `werkzeug.local.LocalProxy`, the class of `flask.current_app`: it forwards to the app of
/// the application context, and outside one raises Flask's RuntimeError.
fn current_app_proxy_class(interp: &Interp) -> Rc<Class> {
    native_class(
        interp,
        "LocalProxy",
        "werkzeug.local",
        None,
        vec![
            (
                "__getattr__",
                method("LocalProxy", "__getattr__", |i, a| {
                    let app = current_app(i)?;
                    let name = a.pos.get(1).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                    i.getattr(&app, &name)
                }),
            ),
            (
                "__repr__",
                method("LocalProxy", "__repr__", |i, _| {
                    let app = current_app(i)?;
                    Ok(Value::str(&i.repr(&app)?))
                }),
            ),
            ("__bool__", method("LocalProxy", "__bool__", |i, _| Ok(Value::Bool(current_app(i).is_ok())))),
        ],
    )
}

/// Registers the `flask` module.
pub fn register(interp: &mut Interp) {
    interp.register_module("flask", Rc::new(build_flask));
    interp.register_module("werkzeug", Rc::new(|_: &mut Interp| Ok(Module::new("werkzeug", None))));
    interp.register_module("werkzeug.exceptions", Rc::new(build_werkzeug_exceptions));
}

/// The description `werkzeug.exceptions.NotFound` carries.
const NOT_FOUND: &str = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.";

fn build_werkzeug_exceptions(interp: &mut Interp) -> PyResult<Rc<Module>> {
    let m = Module::new("werkzeug.exceptions", None);
    let base = interp.exc_class("Exception");
    let http = native_class(interp, "HTTPException", "werkzeug.exceptions", Some(&base), vec![]);
    let not_found = native_class(
        interp,
        "NotFound",
        "werkzeug.exceptions",
        Some(&http),
        vec![
            ("code", Value::Int(404)),
            ("name", Value::str("Not Found")),
            ("description", Value::str(NOT_FOUND)),
            (
                "__str__",
                method("NotFound", "__str__", |i, a| {
                    let this = a.pos.first().cloned().unwrap_or(Value::None);
                    // Raised from Python, `NotFound('...')` keeps its description in `args` here.
                    let from_args = match &this {
                        Value::Instance(inst) if inst.dict.borrow().get_str("description").is_none() => {
                            match inst.dict.borrow().get_str("args") {
                                Some(Value::Tuple(t)) if !t.is_empty() && !t[0].is_none() => Some(t[0].clone()),
                                _ => None,
                            }
                        }
                        _ => None,
                    };
                    let desc = match from_args {
                        Some(d) => d,
                        None => i.getattr(&this, "description")?,
                    };
                    let desc = i.to_str(&desc)?;
                    Ok(Value::str(&format!("404 Not Found: {desc}")))
                }),
            ),
        ],
    );
    m.set("HTTPException", Value::Class(http));
    m.set("NotFound", Value::Class(not_found));
    Ok(m)
}

/// Raises `werkzeug.exceptions.NotFound` (what `abort(404)` and the `*_or_404` helpers raise).
pub fn not_found(interp: &mut Interp, description: Option<Value>) -> crate::python::interp::PyErr {
    let cls = interp
        .import_module("werkzeug.exceptions")
        .ok()
        .and_then(|m| m.get("NotFound"))
        .and_then(|c| c.as_class().cloned());
    match cls {
        Some(c) => {
            // `HTTPException.__init__(description)`: `Exception.__init__()` without arguments,
            // the description an instance attribute when given.
            let exc = interp.new_exception(&c, vec![]);
            if let (Some(d), Value::Instance(inst)) = (description.filter(|d| !d.is_none()), &exc) {
                inst.dict.borrow_mut().set_str("description", d);
            }
            crate::python::interp::PyErr { exc, traceback: vec![] }
        }
        None => interp.err("RuntimeError", "404 Not Found"),
    }
}

/// The Flask app among a module's globals, if any (what `flask shell` discovers).
pub fn find_app(module: &Module) -> Option<Value> {
    module.dict.borrow().values().into_iter().find(|v| v.payload::<FlaskApp>().is_some())
}
