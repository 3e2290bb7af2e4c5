//! Criteria evaluated in Python against objects of the session (`orm/evaluator.py`): what the
//! `'evaluate'` strategy of an ORM-enabled UPDATE / DELETE uses to find the objects the
//! statement matched, and to compute the values it set, without asking the database.

use std::rc::Rc;

use super::orm::Mapper;
use super::sql::Clause;
use super::types::SqlType;
use crate::python::ast::{BinOp, CmpOp};
use crate::python::interp::{Interp, PyResult};
use crate::python::value::{Instance, Value, Value as PyValue};

/// What an expression gives for one object.
#[derive(Clone)]
pub enum Evaluated {
    Is(Value),
    /// An attribute the expression reads is expired (`_EXPIRED_OBJECT`): the object may
    /// match, but cannot be evaluated without loading.
    Expired,
}

/// Checks that `c` can be evaluated in Python against objects of `mapper`; the error is
/// `UnevaluatableError`'s message.
pub fn check(c: &Clause, mapper: &Mapper) -> Result<(), String> {
    match c {
        Clause::Column(col) => match mapper.column_key(col) {
            Some(_) => Ok(()),
            None => Err(format!("Cannot evaluate column: {}", col.name())),
        },
        Clause::Bind(..) | Clause::Null | Clause::Bool(_) => Ok(()),
        Clause::Binary(l, op, r) => {
            check(l, mapper)?;
            check(r, mapper)?;
            match *op {
                "=" | "!=" | "<" | "<=" | ">" | ">=" | "IS" | "IS NOT" | "startswith" | "endswith" => Ok(()),
                "+" | "-" | "*" | "/" | "%" => {
                    let numeric = |t: SqlType| matches!(t, SqlType::Integer | SqlType::Numeric(..) | SqlType::Float);
                    if numeric(l.sql_type()) && numeric(r.sql_type()) {
                        Ok(())
                    } else {
                        Err(format!("Cannot evaluate math operator \"{op}\""))
                    }
                }
                "||" => Ok(()),
                other => Err(format!("Cannot evaluate BinaryExpression with operator {other}")),
            }
        }
        Clause::And(items) | Clause::Or(items) => items.iter().try_for_each(|i| check(i, mapper)),
        Clause::Not(inner) => check(inner, mapper),
        Clause::In(e, items, _) => {
            check(e, mapper)?;
            items.iter().try_for_each(|i| check(i, mapper))
        }
        _ => Err("Cannot evaluate expression".into()),
    }
}

/// Evaluates a clause [`check`] accepted against one object, with SQL's NULL rules (`None`
/// for NULL operands).
pub fn evaluate(interp: &mut Interp, c: &Clause, mapper: &Mapper, obj: &Rc<Instance>) -> PyResult<Evaluated> {
    use Evaluated::*;
    Ok(match c {
        Clause::Column(col) => {
            let key = mapper.column_key(col).unwrap_or_else(|| col.name());
            match obj.dict.borrow().get_str(&key) {
                Some(v) => Is(v.clone()),
                None => Expired,
            }
        }
        Clause::Bind(v, _) => Is(v.clone()),
        Clause::Null => Is(PyValue::None),
        Clause::Bool(b) => Is(PyValue::Bool(*b)),
        Clause::Binary(l, op, r) => {
            let (Is(a), Is(b)) = (evaluate(interp, l, mapper, obj)?, evaluate(interp, r, mapper, obj)?) else {
                return Ok(Expired);
            };
            match *op {
                "IS" => Is(PyValue::Bool(interp.eq(&a, &b)?)),
                "IS NOT" => Is(PyValue::Bool(!interp.eq(&a, &b)?)),
                _ if a.is_none() || b.is_none() => Is(PyValue::None),
                "=" => Is(interp.compare(CmpOp::Eq, &a, &b)?),
                "!=" => Is(interp.compare(CmpOp::NotEq, &a, &b)?),
                "<" => Is(interp.compare(CmpOp::Lt, &a, &b)?),
                "<=" => Is(interp.compare(CmpOp::LtE, &a, &b)?),
                ">" => Is(interp.compare(CmpOp::Gt, &a, &b)?),
                ">=" => Is(interp.compare(CmpOp::GtE, &a, &b)?),
                "+" | "||" => Is(interp.binop(BinOp::Add, a, b)?),
                "-" => Is(interp.binop(BinOp::Sub, a, b)?),
                "*" => Is(interp.binop(BinOp::Mult, a, b)?),
                "/" => Is(interp.binop(BinOp::Div, a, b)?),
                "%" => Is(interp.binop(BinOp::Mod, a, b)?),
                "startswith" | "endswith" => {
                    let f = interp.getattr(&a, op)?;
                    Is(interp.call(&f, crate::python::value::Args::new(vec![b]))?)
                }
                _ => Is(PyValue::None),
            }
        }
        Clause::And(items) => {
            for i in items {
                match evaluate(interp, i, mapper, obj)? {
                    Expired => return Ok(Expired),
                    Is(v) => {
                        if !interp.truthy(&v)? {
                            return Ok(Is(if v.is_none() { PyValue::None } else { PyValue::Bool(false) }));
                        }
                    }
                }
            }
            Is(PyValue::Bool(true))
        }
        Clause::Or(items) => {
            let mut has_null = false;
            for i in items {
                match evaluate(interp, i, mapper, obj)? {
                    Expired => return Ok(Expired),
                    Is(v) => {
                        if interp.truthy(&v)? {
                            return Ok(Is(PyValue::Bool(true)));
                        }
                        has_null |= v.is_none();
                    }
                }
            }
            Is(if has_null { PyValue::None } else { PyValue::Bool(false) })
        }
        Clause::Not(inner) => match evaluate(interp, inner, mapper, obj)? {
            Expired => Expired,
            Is(v) if v.is_none() => Is(v),
            Is(v) => Is(PyValue::Bool(!interp.truthy(&v)?)),
        },
        Clause::In(e, items, negate) => {
            let Is(a) = evaluate(interp, e, mapper, obj)? else { return Ok(Expired) };
            if a.is_none() {
                return Ok(Is(a));
            }
            let mut found = false;
            for i in items {
                if let Is(b) = evaluate(interp, i, mapper, obj)? {
                    if interp.eq(&a, &b)? {
                        found = true;
                        break;
                    }
                }
            }
            Is(PyValue::Bool(found != *negate))
        }
        _ => Is(PyValue::None),
    })
}
