//! What CPython's `traceback` module adds when it prints an exception: the "Did you mean"
//! suggestions of NameError and AttributeError (`_compute_suggestion_error`, 3.11).

use super::ast::ExprKind;
use super::interp::{Interp, PyErr, TbEntry};
use super::value::{Module, Value};

const MAX_CANDIDATE_ITEMS: usize = 750;
const MAX_STRING_SIZE: usize = 40;
const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;

fn substitution_cost(a: char, b: char) -> usize {
    if a == b {
        0
    } else if a.to_lowercase().eq(b.to_lowercase()) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

/// `traceback._levenshtein_distance`.
pub fn levenshtein_distance(a: &str, b: &str, max_cost: usize) -> usize {
    if a == b {
        return 0;
    }
    let mut a: Vec<char> = a.chars().collect();
    let mut b: Vec<char> = b.chars().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    a.drain(..pre);
    b.drain(..pre);
    let post = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    a.truncate(a.len() - post);
    b.truncate(b.len() - post);
    if a.is_empty() || b.is_empty() {
        return MOVE_COST * (a.len() + b.len());
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    if b.len() < a.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bindex, &bchar) in b.iter().enumerate() {
        let mut distance = bindex * MOVE_COST;
        result = distance;
        let mut minimum = usize::MAX;
        for (index, &achar) in a.iter().enumerate() {
            let substitute = distance + substitution_cost(bchar, achar);
            distance = row[index];
            let insert_delete = result.min(distance) + MOVE_COST;
            result = insert_delete.min(substitute);
            row[index] = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

/// The best candidate for `wrong`, as CPython picks it.
pub fn best_match(wrong: &str, candidates: &[String]) -> Option<String> {
    if candidates.len() > MAX_CANDIDATE_ITEMS {
        return None;
    }
    let wlen = wrong.chars().count();
    if wlen > MAX_STRING_SIZE {
        return None;
    }
    let mut best = wlen;
    let mut suggestion: Option<String> = None;
    for cand in candidates {
        if cand == wrong {
            continue;
        }
        let max_distance = ((cand.chars().count() + wlen + 3) * MOVE_COST / 6).min(best.saturating_sub(1));
        let d = levenshtein_distance(wrong, cand, max_distance);
        if d > max_distance {
            continue;
        }
        if suggestion.is_none() || d < best {
            suggestion = Some(cand.clone());
            best = d;
        }
    }
    suggestion
}

/// The "Did you mean" suggestion for a NameError (names of `namespace` and the builtins) or
/// an AttributeError (`dir(obj)`).
pub fn suggestion(interp: &mut Interp, err: &PyErr, namespace: &Module) -> Option<String> {
    let Value::Instance(inst) = &err.exc else { return None };
    let name = inst.dict.borrow().get_str("name").and_then(|v| v.as_str().map(str::to_string))?;
    let cls = inst.class.name.clone();
    let candidates: Vec<String> = if cls == "NameError" {
        let mut c: Vec<String> =
            namespace.dict.borrow().keys().iter().filter_map(|k| k.as_str().map(str::to_string)).collect();
        c.extend(interp.builtins.dict.borrow().keys().iter().filter_map(|k| k.as_str().map(str::to_string)));
        c
    } else {
        let obj = inst.dict.borrow().get_str("obj").cloned()?;
        let dir = interp.builtins.get("dir")?;
        let listing = interp.call(&dir, super::value::Args::new(vec![obj])).ok()?;
        interp.iterate(&listing).ok()?.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
    };
    best_match(&name, &candidates)
}

/// `traceback.format_exception_only` (3.11) for `err`: `Type: message`, with the "Did you mean"
/// of an AttributeError, or the location block of a SyntaxError.
pub fn format_exception_only(interp: &mut Interp, err: &PyErr, namespace: &Module) -> String {
    let cls = interp.type_of(&err.exc);
    let typ = cls.full_name();
    if let Value::Instance(inst) = &err.exc {
        if cls.mro.borrow().iter().any(|c| c.name == "SyntaxError" && c.module == "builtins") {
            let d = inst.dict.borrow();
            let int = |k: &str| match d.get_str(k) {
                Some(Value::Int(n)) => Some(*n),
                _ => None,
            };
            let s = |k: &str| d.get_str(k).and_then(|v| v.as_str().map(str::to_string));
            if let Some(msg) = s("msg") {
                let filename = s("filename").unwrap_or_else(|| "<string>".into());
                let text = s("text");
                return format_syntax_error(
                    &typ,
                    &msg,
                    &filename,
                    int("lineno"),
                    int("offset"),
                    int("end_offset"),
                    text.as_deref(),
                );
            }
        }
    }
    let message = super::builtins::exception_str(interp, &err.exc).unwrap_or_default();
    let mut last = if message.is_empty() { typ } else { format!("{typ}: {message}") };
    if cls.name == "AttributeError" {
        // CPython 3.11 adds its suggestion when formatting the exception. (NameError's needs
        // the traceback's frame, which `format_exception_only` does not have: the oracle's
        // records show none.)
        if let Some(s) = suggestion(interp, err, namespace) {
            last.push_str(&format!(". Did you mean: '{s}'?"));
        }
    }
    last
}

/// The whole report the interactive console prints for `err` (`traceback.print_exception`,
/// 3.11): the frames it left, each with its source line and CPython's `^`/`~` markers, then
/// [`format_exception_only`]. A SyntaxError from compiling the input has no frames and is only
/// its location block. `source_of` gives a file's text by the path frames show.
pub fn format_exception(
    interp: &mut Interp,
    err: &PyErr,
    namespace: &Module,
    source_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    // `TracebackException.format(chain=True)`: the cause (or, unless suppressed, the context)
    // first, each chained exception with the frames it left before it was caught.
    let mut chain: Vec<(Option<&str>, PyErr)> = Vec::new();
    let mut current = Some(PyErr { exc: err.exc.clone(), traceback: err.traceback.clone() });
    while let Some(e) = current.take() {
        let attr = |k: &str| match &e.exc {
            Value::Instance(i) => i.dict.borrow().get_str(k).cloned().or_else(|| i.class.lookup(k)),
            _ => None,
        };
        let cause = attr("__cause__").filter(|v| !v.is_none());
        let context = attr("__context__").filter(|v| !v.is_none());
        let suppress = matches!(attr("__suppress_context__"), Some(Value::Bool(true)));
        let next = match (cause, context) {
            (Some(c), _) => Some((CAUSE_MESSAGE, c)),
            (None, Some(c)) if !suppress => Some((CONTEXT_MESSAGE, c)),
            _ => None,
        };
        let next = next.filter(|(_, c)| !c.is(&e.exc) && !chain.iter().any(|(_, seen)| seen.exc.is(c)));
        match next {
            Some((msg, c)) => {
                chain.push((Some(msg), e));
                current = Some(PyErr { traceback: super::interp::kept_traceback(&c), exc: c });
            }
            None => chain.push((None, e)),
        }
    }
    let mut out = String::new();
    for (msg, e) in chain.iter().rev() {
        if let Some(m) = msg {
            out.push('\n');
            out.push_str(m);
        }
        out.push_str(&format_one(interp, e, namespace, source_of));
    }
    out
}

const CAUSE_MESSAGE: &str = "\nThe above exception was the direct cause of the following exception:\n\n";
const CONTEXT_MESSAGE: &str = "\nDuring handling of the above exception, another exception occurred:\n\n";

/// One exception of a chain: its frames and [`format_exception_only`] (alone, what CPython's
/// unraisable hook writes).
pub fn format_one(
    interp: &mut Interp,
    err: &PyErr,
    namespace: &Module,
    source_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::new();
    if !err.traceback.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
        let mut last: Option<(&str, u32, &str)> = None;
        let mut count = 0usize;
        let repeated = |out: &mut String, count: usize| {
            if count > RECURSIVE_CUTOFF {
                let n = count - RECURSIVE_CUTOFF;
                out.push_str(&format!("  [Previous line repeated {n} more time{}]\n", if n > 1 { "s" } else { "" }));
            }
        };
        for entry in err.traceback.iter().rev() {
            let key = (entry.file.as_str(), entry.line, entry.name.as_str());
            if last != Some(key) {
                repeated(&mut out, count);
                last = Some(key);
                count = 0;
            }
            count += 1;
            if count > RECURSIVE_CUTOFF {
                continue;
            }
            out.push_str(&format_frame(entry, source_of));
        }
        repeated(&mut out, count);
    }
    out.push_str(&format_exception_only(interp, err, namespace));
    // With the frames at hand, CPython suggests a name for a NameError too (from the frame's
    // names: here the console's namespace).
    let is_name_error = interp.type_of(&err.exc).name == "NameError";
    if is_name_error && err.traceback.first().is_some_and(|t| t.file == "<console>") {
        if let Some(s) = suggestion(interp, err, namespace) {
            out.push_str(&format!(". Did you mean: '{s}'?"));
        }
    }
    out
}

const RECURSIVE_CUTOFF: usize = 3;

/// `StackSummary.format_frame_summary` (3.11): the `File` line, the stripped source line, and
/// the markers under the expression that raised unless it spans the whole line.
fn format_frame(entry: &TbEntry, source_of: &dyn Fn(&str) -> Option<String>) -> String {
    let mut row = format!("  File \"{}\", line {}, in {}\n", entry.file, entry.line, entry.name);
    let Some(source) = source_of(&entry.file) else { return row };
    let Some(text) = source.split('\n').nth(entry.line.saturating_sub(1) as usize) else { return row };
    let line: Vec<char> = format!("{text}\n").chars().collect();
    let stripped = text.trim_matches(|c: char| c.is_whitespace());
    if stripped.is_empty() {
        return row;
    }
    row.push_str(&format!("    {stripped}\n"));
    let Some((start, end)) = entry.span else { return row };
    let stripped_len = stripped.chars().count();
    let stripped_characters = line.len() as i64 - stripped_len as i64;
    let start_offset = (start.col as usize).min(line.len());
    let (end_offset, anchors) = if start.line == end.line {
        let end_offset = (end.col as usize).clamp(start_offset, line.len());
        let segment: String = line[start_offset..end_offset].iter().collect();
        (end_offset, caret_anchors(&segment))
    } else {
        (text.trim_end().chars().count(), None)
    };
    let width = end_offset as i64 - start_offset as i64;
    let anchored = anchors.is_some_and(|(l, r)| r > l);
    if width < stripped_len as i64 || anchored {
        row.push_str("    ");
        row.push_str(&" ".repeat((start_offset as i64 + 1 - stripped_characters).max(0) as usize));
        match anchors {
            Some((l, r)) => {
                row.push_str(&"~".repeat(l));
                row.push_str(&"^".repeat(r.saturating_sub(l)));
                row.push_str(&"~".repeat((width - r as i64).max(0) as usize));
            }
            None => row.push_str(&"^".repeat(width.max(0) as usize)),
        }
        row.push('\n');
    }
    row
}

/// `traceback._extract_caret_anchors_from_line_segment` (3.11): for a binary operation, the
/// operator; for a subscript, the brackets (`~~~^^^`).
fn caret_anchors(segment: &str) -> Option<(usize, usize)> {
    let module = super::parser::parse_module(segment).ok()?;
    let [stmt] = module.body.as_slice() else { return None };
    let super::ast::StmtKind::Expr(expr) = &stmt.kind else { return None };
    let seg: Vec<char> = segment.chars().collect();
    let at = |k: usize| seg.get(k).copied();
    match &*expr.kind {
        ExprKind::BinOp { left, right, .. } => {
            let op_start = left.end.col as usize;
            let op_end = (right.pos.col as usize).max(op_start).min(seg.len());
            let op: Vec<char> = seg[op_start.min(seg.len())..op_end].to_vec();
            let op_offset = op.iter().take_while(|c| c.is_whitespace()).count();
            let mut left_anchor = op_start + op_offset;
            let mut right_anchor = left_anchor + 1;
            if op_offset + 1 < op.len() && !op[op_offset + 1].is_whitespace() {
                right_anchor += 1;
            }
            while let Some(ch) = at(left_anchor) {
                if !(ch.is_whitespace() || ch == ')' || ch == '#') {
                    break;
                }
                left_anchor += 1;
                right_anchor += 1;
            }
            Some((left_anchor, right_anchor))
        }
        ExprKind::Subscript { value, slice } => {
            let mut left_anchor = value.end.col as usize;
            let mut right_anchor = slice.end.col as usize + 1;
            while let Some(ch) = at(left_anchor) {
                if !(ch.is_whitespace() || ch != '[') {
                    break;
                }
                left_anchor += 1;
            }
            while let Some(ch) = at(right_anchor) {
                if !(ch.is_whitespace() || ch != ']') {
                    break;
                }
                right_anchor += 1;
            }
            if right_anchor < seg.len() {
                right_anchor += 1;
            }
            Some((left_anchor, right_anchor))
        }
        _ => None,
    }
}

/// `traceback.TracebackException._format_syntax_error` (3.11): the `File` line, the source line
/// without its indentation, the caret line, and `Type: msg`. `text` is None where CPython has no
/// source line to show (errors found after parsing, in the console).
#[allow(clippy::too_many_arguments)]
pub fn format_syntax_error(
    kind: &str,
    msg: &str,
    filename: &str,
    lineno: Option<i64>,
    offset: Option<i64>,
    end_offset: Option<i64>,
    text: Option<&str>,
) -> String {
    let mut out = String::new();
    let mut suffix = String::new();
    match lineno {
        Some(n) => out.push_str(&format!("  File \"{filename}\", line {n}\n")),
        None => suffix = format!(" ({filename})"),
    }
    if let Some(text) = text {
        let rtext = text.trim_end_matches('\n');
        let ltext = rtext.trim_start_matches([' ', '\n', '\x0c']);
        let spaces = (rtext.chars().count() - ltext.chars().count()) as i64;
        out.push_str(&format!("    {ltext}\n"));
        if let Some(offset) = offset {
            let mut end = match end_offset {
                None | Some(0) => offset,
                Some(e) => e,
            };
            if offset == end || end == -1 {
                end = offset + 1;
            }
            let colno = offset - 1 - spaces;
            let end_colno = end - 1 - spaces;
            if colno >= 0 {
                let caretspace: String =
                    ltext.chars().take(colno as usize).map(|c| if c.is_whitespace() { c } else { ' ' }).collect();
                let carets = "^".repeat((end_colno - colno).max(0) as usize);
                out.push_str(&format!("    {caretspace}{carets}\n"));
            }
        }
    }
    let msg = if msg.is_empty() { "<no detail available>" } else { msg };
    out.push_str(&format!("{kind}: {msg}{suffix}"));
    out
}

/// `str(SyntaxError)`: the message, then the file's base name and the line when known.
pub fn syntax_error_str(msg: &str, filename: Option<&str>, lineno: Option<i64>) -> String {
    let base = filename.map(|f| f.rsplit('/').next().unwrap_or(f));
    match (base, lineno) {
        (Some(f), Some(n)) => format!("{msg} ({f}, line {n})"),
        (Some(f), None) => format!("{msg} ({f})"),
        (None, Some(n)) => format!("{msg} (line {n})"),
        (None, None) => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_as_cpython_makes_them() {
        // python3 3.11: NameError for `false` suggests 'False'; `pirnt` suggests 'print'.
        let names: Vec<String> = ["print", "False", "True", "len"].iter().map(|s| s.to_string()).collect();
        assert_eq!(best_match("false", &names).as_deref(), Some("False"));
        assert_eq!(best_match("pirnt", &names).as_deref(), Some("print"));
        assert_eq!(best_match("zzzzzz", &names), None);
    }
}
