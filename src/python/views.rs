//! `dict.keys()`, `dict.values()`, `dict.items()`: views that show the dict as it is now
//! (`dict_keys(['a', 'b'])`), with `len`, `in`, iteration, `reversed`, and, for keys and
//! items, set operators and comparison with sets.

use std::cell::RefCell;
use std::rc::Rc;

use super::builtins::{method, native_class, new_native};
use super::interp::{Interp, PyResult};
use super::value::{Args, Class, Dict, Value};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Keys,
    Values,
    Items,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Keys => "dict_keys",
            Kind::Values => "dict_values",
            Kind::Items => "dict_items",
        }
    }
    fn iter_name(self, reverse: bool) -> &'static str {
        match (self, reverse) {
            (Kind::Keys, false) => "dict_keyiterator",
            (Kind::Values, false) => "dict_valueiterator",
            (Kind::Items, false) => "dict_itemiterator",
            (Kind::Keys, true) => "dict_reversekeyiterator",
            (Kind::Values, true) => "dict_reversevalueiterator",
            (Kind::Items, true) => "dict_reverseitemiterator",
        }
    }
}

struct View {
    dict: Rc<RefCell<Dict>>,
    kind: Kind,
}

impl View {
    fn items(&self) -> Vec<Value> {
        let d = self.dict.borrow();
        match self.kind {
            Kind::Keys => d.keys(),
            Kind::Values => d.values(),
            Kind::Items => d.iter().map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()])).collect(),
        }
    }
}

/// The view of kind `name` (`keys`, `values`, `items`) on `dict`.
pub fn view(interp: &Interp, dict: Rc<RefCell<Dict>>, name: &str) -> Value {
    let kind = match name {
        "keys" => Kind::Keys,
        "values" => Kind::Values,
        _ => Kind::Items,
    };
    new_native(&view_class(interp, kind), View { dict, kind })
}

fn me(interp: &Interp, a: &Args, name: &str) -> PyResult<Rc<View>> {
    a.pos
        .first()
        .and_then(|v| v.payload::<View>())
        .ok_or_else(|| interp.type_error(format!("descriptor '{name}' needs a dict view")))
}

/// The members of a set operand: a view's or any iterable's.
fn as_set(interp: &mut Interp, v: &Value) -> PyResult<Value> {
    let items = match v.payload::<View>() {
        Some(view) => view.items(),
        None => interp.iterate(v)?,
    };
    let mut d = Dict::new();
    for x in items {
        interp.dict_insert(&mut d, x, Value::None)?;
    }
    Ok(Value::Set(Rc::new(RefCell::new(d))))
}

fn view_class(interp: &Interp, kind: Kind) -> Rc<Class> {
    let name = kind.name();
    if let Some(c) = interp.iter_classes.borrow().get(name) {
        return c.clone();
    }
    let cls = native_class(interp, name, "builtins", None, vec![]);
    {
        let mut d = cls.dict.borrow_mut();
        d.set_str("__hash__", Value::None);
        d.set_str(
            "__repr__",
            method(name, "__repr__", move |i, a| {
                let items = me(i, &a, "__repr__")?.items();
                let inner = i.repr(&Value::list(items))?;
                Ok(Value::str(&format!("{name}({inner})")))
            }),
        );
        d.set_str(
            "__len__",
            method(name, "__len__", |i, a| Ok(Value::Int(me(i, &a, "__len__")?.dict.borrow().len() as i64))),
        );
        d.set_str(
            "__iter__",
            method(name, "__iter__", move |i, a| {
                let items = me(i, &a, "__iter__")?.items();
                Ok(super::iters::items_iter(i, items, kind.iter_name(false)))
            }),
        );
        d.set_str(
            "__reversed__",
            method(name, "__reversed__", move |i, a| {
                let mut items = me(i, &a, "__reversed__")?.items();
                items.reverse();
                Ok(super::iters::items_iter(i, items, kind.iter_name(true)))
            }),
        );
        d.set_str(
            "__contains__",
            method(name, "__contains__", move |i, a| {
                let v = me(i, &a, "__contains__")?;
                let x = a.pos.get(1).cloned().unwrap_or(Value::None);
                Ok(Value::Bool(match kind {
                    Kind::Keys => i.dict_contains(&v.dict, &x)?,
                    Kind::Items => match &x {
                        Value::Tuple(t) if t.len() == 2 => {
                            let k = i.canon_key_in(&v.dict, t[0].clone())?;
                            let found = v.dict.borrow().get(&k).cloned();
                            match found {
                                Some(val) => val.is(&t[1]) || i.eq(&val, &t[1])?,
                                None => false,
                            }
                        }
                        _ => false,
                    },
                    Kind::Values => {
                        let mut found = false;
                        for val in v.items() {
                            if val.is(&x) || i.eq(&val, &x)? {
                                found = true;
                                break;
                            }
                        }
                        found
                    }
                }))
            }),
        );
        if kind != Kind::Values {
            let ops = [
                ("__and__", super::ast::BinOp::BitAnd, false),
                ("__or__", super::ast::BinOp::BitOr, false),
                ("__sub__", super::ast::BinOp::Sub, false),
                ("__xor__", super::ast::BinOp::BitXor, false),
                ("__rand__", super::ast::BinOp::BitAnd, true),
                ("__ror__", super::ast::BinOp::BitOr, true),
                ("__rsub__", super::ast::BinOp::Sub, true),
                ("__rxor__", super::ast::BinOp::BitXor, true),
            ];
            for (op_name, op, reflected) in ops {
                d.set_str(
                    op_name,
                    method(name, op_name, move |i, a| {
                        let other = a.pos.get(1).cloned().unwrap_or(Value::None);
                        let mine = as_set(i, &a.pos[0])?;
                        let theirs = match as_set(i, &other) {
                            Ok(s) => s,
                            Err(e) if i.err_is(&e, "TypeError") => return Ok(Value::NotImplemented),
                            Err(e) => return Err(e),
                        };
                        let (l, r) = if reflected { (theirs, mine) } else { (mine, theirs) };
                        super::ops::binop(i, op, l, r, false)
                    }),
                );
            }
            for (op_name, negate) in [("__eq__", false), ("__ne__", true)] {
                d.set_str(
                    op_name,
                    method(name, op_name, move |i, a| {
                        let other = a.pos.get(1).cloned().unwrap_or(Value::None);
                        let comparable = matches!(other, Value::Set(_))
                            || other.payload::<View>().is_some_and(|v| v.kind != Kind::Values)
                            || matches!(other.builtin_base(), Some(Value::Set(_)));
                        if !comparable {
                            return Ok(Value::NotImplemented);
                        }
                        let mine = as_set(i, &a.pos[0])?;
                        let theirs = as_set(i, &other)?;
                        let eq = i.eq(&mine, &theirs)?;
                        Ok(Value::Bool(eq != negate))
                    }),
                );
            }
            d.set_str(
                "isdisjoint",
                method(name, "isdisjoint", |i, a| {
                    let mine = as_set(i, &a.pos[0])?;
                    let other = a.pos.get(1).cloned().unwrap_or(Value::None);
                    for x in i.iterate(&other)? {
                        if super::ops::contains(i, &mine, &x)? {
                            return Ok(Value::Bool(false));
                        }
                    }
                    Ok(Value::Bool(true))
                }),
            );
        }
    }
    interp.iter_classes.borrow_mut().insert(name.to_string(), cls.clone());
    cls
}
