//! How the interactive console reads input (`codeop.compile_command` in "single" mode): when a
//! statement is complete, and how a pasted transcript splits into statements.

use super::parser::parse_shared;

/// True when `source` needs more lines: an open bracket, an unfinished triple-quoted string, a
/// trailing backslash, or a block (a compound statement) not yet ended by a blank line.
pub fn is_incomplete(source: &str) -> bool {
    let trimmed = source.trim_end_matches('\n');
    if trimmed.trim().is_empty() {
        return false;
    }
    match parse_shared(source) {
        Err((e, at_eof)) => {
            let m = e.msg.as_str();
            at_eof
                || m.ends_with("was never closed")
                || m.starts_with("unterminated triple-quoted string")
                || (m.starts_with("expected an indented block") && e.line as usize > trimmed.lines().count())
                || trimmed.ends_with('\\')
        }
        Ok(module) => {
            // A compound statement goes on until a blank line ends it.
            let compound = module.body.iter().any(|s| {
                use super::ast::StmtKind::*;
                matches!(
                    s.kind,
                    If { .. }
                        | While { .. }
                        | For { .. }
                        | Try { .. }
                        | With { .. }
                        | FunctionDef(_)
                        | ClassDef(_)
                        | Match { .. }
                )
            });
            compound && !source.ends_with('\n')
        }
    }
}

/// Splits a transcript into statements exactly as the oracle's `split_statements` does.
pub fn split_statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf: Vec<&str> = Vec::new();
    for line in text.lines() {
        if buf.is_empty() && line.trim().is_empty() {
            continue;
        }
        if buf.is_empty() && line.trim_start().starts_with('#') {
            continue;
        }
        buf.push(line);
        let source = buf.join("\n");
        if !is_incomplete(&source) {
            out.push(source);
            buf.clear();
        }
    }
    if !buf.is_empty() {
        out.push(buf.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_the_oracle() {
        // The oracle's split of the tutorial's shell.txt ends with this block.
        let text = "User.query.all()\nfor user in User.query.all():\n    print(user.username, user.role.name)\n\n";
        assert_eq!(
            split_statements(text),
            vec![
                "User.query.all()".to_string(),
                "for user in User.query.all():\n    print(user.username, user.role.name)\n".to_string()
            ]
        );
        assert_eq!(split_statements("x = (1,\n 2)\n# c\ny"), vec!["x = (1,\n 2)".to_string(), "y".to_string()]);
        assert!(is_incomplete("def f():"));
        assert!(is_incomplete("def f():\n    return 1"));
        assert!(!is_incomplete("def f():\n    return 1\n"));
        assert!(!is_incomplete("x = = 1"));
        assert!(!is_incomplete("x = 1 +"));
        assert!(is_incomplete("class A:\n    @property"));
    }
}
