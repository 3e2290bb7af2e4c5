//! Static scope analysis: which names a function body assigns (its locals) and which it
//! declares `global` / `nonlocal`, as CPython's symbol table decides before running it.

use super::ast::{Expr, ExprKind, Stmt, StmtKind};
use super::value::LocalNames;

/// Collects the names bound by a block (not descending into nested functions or classes).
pub fn collect_block(body: &[Stmt], names: &mut LocalNames) {
    for s in body {
        collect_stmt(s, names);
    }
}

/// The names a comprehension's `for` target binds.
pub fn collect_target_names(t: &Expr, out: &mut std::collections::HashSet<String>) {
    match &*t.kind {
        ExprKind::Name(n) => {
            out.insert(n.clone());
        }
        ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().for_each(|i| collect_target_names(i, out)),
        ExprKind::Starred(inner) => collect_target_names(inner, out),
        _ => {}
    }
}

fn collect_target(t: &Expr, names: &mut LocalNames) {
    match &*t.kind {
        ExprKind::Name(n) => {
            names.locals.insert(n.clone());
        }
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            for i in items {
                collect_target(i, names);
            }
        }
        ExprKind::Starred(inner) => collect_target(inner, names),
        _ => collect_expr(t, names),
    }
}

fn collect_stmt(s: &Stmt, names: &mut LocalNames) {
    match &s.kind {
        StmtKind::FunctionDef(f) => {
            names.locals.insert(f.name.clone());
        }
        StmtKind::ClassDef(c) => {
            names.locals.insert(c.name.clone());
        }
        StmtKind::Assign { targets, value } => {
            for t in targets {
                collect_target(t, names);
            }
            collect_expr(value, names);
        }
        StmtKind::AugAssign { target, value, .. } => {
            collect_target(target, names);
            collect_expr(value, names);
        }
        StmtKind::AnnAssign { target, value, .. } => {
            if value.is_some() {
                collect_target(target, names);
            }
            if let Some(v) = value {
                collect_expr(v, names);
            }
        }
        StmtKind::For { target, iter, body, orelse, .. } => {
            collect_target(target, names);
            collect_expr(iter, names);
            collect_block(body, names);
            collect_block(orelse, names);
        }
        StmtKind::While { test, body, orelse } | StmtKind::If { test, body, orelse } => {
            collect_expr(test, names);
            collect_block(body, names);
            collect_block(orelse, names);
        }
        StmtKind::With { items, body, .. } => {
            for i in items {
                collect_expr(&i.context_expr, names);
                if let Some(v) = &i.optional_vars {
                    collect_target(v, names);
                }
            }
            collect_block(body, names);
        }
        StmtKind::Try { body, handlers, orelse, finalbody, .. } => {
            collect_block(body, names);
            for h in handlers {
                if let Some(n) = &h.name {
                    names.locals.insert(n.clone());
                }
                collect_block(&h.body, names);
            }
            collect_block(orelse, names);
            collect_block(finalbody, names);
        }
        StmtKind::Import(aliases) => {
            for a in aliases {
                let bound = a.asname.clone().unwrap_or_else(|| a.name.split('.').next().unwrap_or("").to_string());
                names.locals.insert(bound);
            }
        }
        StmtKind::ImportFrom { names: aliases, .. } => {
            for a in aliases {
                names.locals.insert(a.asname.clone().unwrap_or_else(|| a.name.clone()));
            }
        }
        StmtKind::Global(ns) => {
            for n in ns {
                names.globals.insert(n.clone());
            }
        }
        StmtKind::Nonlocal(ns) => {
            for n in ns {
                names.nonlocals.insert(n.clone());
            }
        }
        StmtKind::Delete(ts) => {
            for t in ts {
                collect_target(t, names);
            }
        }
        StmtKind::Return(Some(e)) | StmtKind::Expr(e) => collect_expr(e, names),
        StmtKind::Raise { exc, cause } => exc.iter().chain(cause).for_each(|e| collect_expr(e, names)),
        StmtKind::Assert { test, msg } => {
            collect_expr(test, names);
            msg.iter().for_each(|e| collect_expr(e, names));
        }
        _ => {}
    }
}

/// Collects walrus targets inside an expression (the only names expressions bind).
pub fn collect_expr(e: &Expr, names: &mut LocalNames) {
    match &*e.kind {
        ExprKind::NamedExpr { target, value } => {
            names.locals.insert(target.clone());
            collect_expr(value, names);
        }
        ExprKind::BinOp { left, right, .. } => {
            collect_expr(left, names);
            collect_expr(right, names);
        }
        ExprKind::BoolOp { values, .. } => values.iter().for_each(|v| collect_expr(v, names)),
        ExprKind::Compare { left, comparators, .. } => {
            collect_expr(left, names);
            comparators.iter().for_each(|v| collect_expr(v, names));
        }
        ExprKind::Call { func, args, keywords } => {
            collect_expr(func, names);
            args.iter().for_each(|v| collect_expr(v, names));
            keywords.iter().for_each(|k| collect_expr(&k.value, names));
        }
        ExprKind::UnaryOp { operand: e, .. }
        | ExprKind::Await(e)
        | ExprKind::Yield(Some(e))
        | ExprKind::YieldFrom(e)
        | ExprKind::Attribute { value: e, .. }
        | ExprKind::Starred(e) => collect_expr(e, names),
        ExprKind::Subscript { value, slice } => {
            collect_expr(value, names);
            collect_expr(slice, names);
        }
        ExprKind::Set(items) | ExprKind::List(items) | ExprKind::Tuple(items) | ExprKind::JoinedStr(items) => {
            items.iter().for_each(|v| collect_expr(v, names))
        }
        ExprKind::Dict { keys, values } => {
            keys.iter().flatten().for_each(|v| collect_expr(v, names));
            values.iter().for_each(|v| collect_expr(v, names));
        }
        ExprKind::FormattedValue { value, format_spec, .. } => {
            collect_expr(value, names);
            format_spec.iter().for_each(|v| collect_expr(v, names));
        }
        ExprKind::Slice { lower, upper, step } => {
            lower.iter().chain(upper).chain(step).for_each(|v| collect_expr(v, names));
        }
        ExprKind::IfExp { test, body, orelse } => {
            collect_expr(test, names);
            collect_expr(body, names);
            collect_expr(orelse, names);
        }
        // A walrus inside a comprehension binds in the enclosing scope; the comprehension's
        // own `for` targets do not.
        ExprKind::ListComp { elt, generators }
        | ExprKind::SetComp { elt, generators }
        | ExprKind::GeneratorExp { elt, generators } => {
            collect_expr(elt, names);
            collect_generators(generators, names);
        }
        ExprKind::DictComp { key, value, generators } => {
            collect_expr(key, names);
            collect_expr(value, names);
            collect_generators(generators, names);
        }
        _ => {}
    }
}

fn collect_generators(gens: &[super::ast::Comprehension], names: &mut LocalNames) {
    for g in gens {
        collect_expr(&g.iter, names);
        g.ifs.iter().for_each(|c| collect_expr(c, names));
    }
}
