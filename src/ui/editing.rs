//! What the keys do in the code editor and the console, as plain functions over text and byte
//! offsets (tested natively): indenting, auto-indent on Enter, when Enter runs a console
//! statement, and the console's history.

use crate::flask::playground::is_incomplete;

/// One level of indentation.
pub const INDENT: &str = "    ";

/// Byte offset where the line holding `pos` starts.
pub fn line_start(text: &str, pos: usize) -> usize {
    text.get(..pos).and_then(|t| t.rfind('\n')).map(|i| i + 1).unwrap_or(0)
}

/// Byte offset where the line holding `pos` ends (its `\n`, or the end of the text).
pub fn line_end(text: &str, pos: usize) -> usize {
    text.get(pos..).and_then(|t| t.find('\n')).map(|i| pos + i).unwrap_or(text.len())
}

/// What Enter inserts at `caret`: a newline, the current line's indentation, and one more level
/// after a line ending in `:` (a block opens).
pub fn newline_with_indent(text: &str, caret: usize) -> String {
    let caret = caret.min(text.len());
    let line = text.get(line_start(text, caret)..caret).unwrap_or("");
    let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let opens_block = line.split('#').next().unwrap_or("").trim_end().ends_with(':');
    format!("\n{indent}{}", if opens_block { INDENT } else { "" })
}

/// An edit: replace bytes `start..end` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Tab: four spaces at the caret, or one more level on every line of a multi-line selection.
pub fn indent(text: &str, start: usize, end: usize) -> Edit {
    let selected = text.get(start..end).unwrap_or("");
    if !selected.contains('\n') {
        return Edit { start, end, text: INDENT.to_string() };
    }
    let (from, to) = (line_start(text, start), line_end(text, end));
    let lines: Vec<String> = text.get(from..to).unwrap_or("").split('\n').map(|l| format!("{INDENT}{l}")).collect();
    Edit { start: from, end: to, text: lines.join("\n") }
}

/// Shift+Tab: one level less (up to four spaces, or a tab) on every line the selection touches;
/// `None` when there is nothing to remove.
pub fn dedent(text: &str, start: usize, end: usize) -> Option<Edit> {
    let (from, to) = (line_start(text, start), line_end(text, end));
    let block = text.get(from..to)?;
    let lines: Vec<&str> = block
        .split('\n')
        .map(|l| {
            if let Some(rest) = l.strip_prefix('\t') {
                return rest;
            }
            let spaces = l.len() - l.trim_start_matches(' ').len();
            &l[spaces.min(INDENT.len())..]
        })
        .collect();
    let new = lines.join("\n");
    (new != block).then_some(Edit { start: from, end: to, text: new })
}

/// What Enter does in the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleEnter {
    /// Run this input (the statement is complete).
    Submit(String),
    /// Keep reading: insert a newline (with indentation).
    Newline,
    /// Nothing typed: nothing to do.
    Nothing,
}

/// Decides, as Python's interactive prompt does, whether Enter runs `text` or keeps reading:
/// an open bracket or block keeps reading; a blank line ends a block.
pub fn console_enter(text: &str) -> ConsoleEnter {
    if text.trim().is_empty() {
        return ConsoleEnter::Nothing;
    }
    let last_start = line_start(text, text.len());
    if last_start > 0 && text[last_start..].trim().is_empty() {
        let before = &text[..last_start];
        // The blank line goes with it: it is what ends the block for `split_statements` too.
        return if is_incomplete(before) { ConsoleEnter::Newline } else { ConsoleEnter::Submit(format!("{before}\n")) };
    }
    if is_incomplete(text) {
        ConsoleEnter::Newline
    } else {
        ConsoleEnter::Submit(text.to_string())
    }
}

/// True when the caret (no selection) is on the first line: Up goes back in history.
pub fn on_first_line(text: &str, start: usize, end: usize) -> bool {
    start == end && !text.get(..start).unwrap_or("").contains('\n')
}

/// True when the caret (no selection) is on the last line: Down goes forward in history.
pub fn on_last_line(text: &str, start: usize, end: usize) -> bool {
    start == end && !text.get(end..).unwrap_or("").contains('\n')
}

/// The console's history walk over earlier inputs; what was being typed is kept as a draft
/// and comes back after the newest entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pos: Option<usize>,
    draft: String,
}

impl History {
    /// Up: the previous input, or `None` when there is none (stay put).
    pub fn up(&mut self, entries: &[String], current: &str) -> Option<String> {
        let pos = match self.pos {
            None if entries.is_empty() => return None,
            None => {
                self.draft = current.to_string();
                entries.len() - 1
            }
            Some(0) => return None,
            Some(p) => p.min(entries.len()).saturating_sub(1),
        };
        self.pos = Some(pos);
        entries.get(pos).cloned()
    }

    /// Down: the next input, then the draft; `None` when not walking the history.
    pub fn down(&mut self, entries: &[String]) -> Option<String> {
        let p = self.pos?;
        if p + 1 < entries.len() {
            self.pos = Some(p + 1);
            entries.get(p + 1).cloned()
        } else {
            self.pos = None;
            Some(std::mem::take(&mut self.draft))
        }
    }

    /// Stops walking (after a submit).
    pub fn reset(&mut self) {
        *self = History::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_keeps_indentation_and_opens_blocks() {
        assert_eq!(newline_with_indent("x = 1", 5), "\n");
        assert_eq!(newline_with_indent("class A:", 8), "\n    ");
        assert_eq!(newline_with_indent("class A:\n    def f(self):  # c", 30), "\n        ");
        assert_eq!(newline_with_indent("    return 1", 12), "\n    ");
        assert_eq!(newline_with_indent("if a:\n    b", 99), "\n    ");
    }

    #[test]
    fn tab_and_shift_tab() {
        assert_eq!(indent("ab", 1, 1), Edit { start: 1, end: 1, text: "    ".into() });
        let text = "a\nb\nc";
        assert_eq!(indent(text, 0, 3), Edit { start: 0, end: 3, text: "    a\n    b".into() });
        assert_eq!(dedent("      x\n\ty", 3, 9), Some(Edit { start: 0, end: 10, text: "  x\ny".into() }));
        assert_eq!(dedent("x", 0, 0), None);
        assert_eq!(line_end("ab\ncd", 1), 2);
        assert_eq!(line_start("ab\ncd", 4), 3);
    }

    #[test]
    fn console_enter_reads_like_python() {
        assert_eq!(console_enter("  "), ConsoleEnter::Nothing);
        assert_eq!(console_enter("x = 1"), ConsoleEnter::Submit("x = 1".into()));
        assert_eq!(console_enter("x = (1,"), ConsoleEnter::Newline);
        assert_eq!(console_enter("for u in us:"), ConsoleEnter::Newline);
        assert_eq!(console_enter("for u in us:\n    print(u)"), ConsoleEnter::Newline);
        assert_eq!(
            console_enter("for u in us:\n    print(u)\n    "),
            ConsoleEnter::Submit("for u in us:\n    print(u)\n\n".into())
        );
        assert_eq!(console_enter("x = (1,\n"), ConsoleEnter::Newline);
        assert_eq!(console_enter("a = 1\nb = 2"), ConsoleEnter::Submit("a = 1\nb = 2".into()));
    }

    #[test]
    fn a_block_ended_by_a_blank_line_splits_with_its_newline() {
        let ConsoleEnter::Submit(text) = console_enter("for u in us:\n    print(u)\n") else { panic!() };
        assert_eq!(crate::flask::playground::split_statements(&text), vec!["for u in us:\n    print(u)\n".to_string()]);
    }

    #[test]
    fn caret_lines() {
        assert!(on_first_line("ab\ncd", 1, 1));
        assert!(!on_first_line("ab\ncd", 4, 4));
        assert!(on_last_line("ab\ncd", 4, 4));
        assert!(!on_last_line("ab\ncd", 1, 1));
        assert!(!on_first_line("ab", 0, 1), "not with a selection");
    }

    #[test]
    fn history_walks_back_and_returns_the_draft() {
        let entries = vec!["a".to_string(), "b".to_string()];
        let mut h = History::default();
        assert_eq!(h.down(&entries), None);
        assert_eq!(h.up(&entries, "draft"), Some("b".into()));
        assert_eq!(h.up(&entries, "ignored"), Some("a".into()));
        assert_eq!(h.up(&entries, "ignored"), None);
        assert_eq!(h.down(&entries), Some("b".into()));
        assert_eq!(h.down(&entries), Some("draft".into()));
        assert_eq!(h.down(&entries), None);
        assert_eq!(History::default().up(&[], "x"), None);
    }
}
