//! The tokenizer: Python source to tokens, with INDENT/DEDENT, implicit line joining inside
//! brackets, backslash continuation, and every literal form. Errors are CPython's.

use super::ast::SyntaxError;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    Int(i64),
    BigInt(String),
    Float(f64),
    Imag(f64),
    /// A string literal piece: its decoded value, whether bytes, whether an f-string (then
    /// `value` is the raw body, decoded later), and the raw body for f-strings.
    Str {
        value: String,
        bytes: Option<Vec<u8>>,
        fstring: bool,
        raw: bool,
    },
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    End,
}

/// A token with its position (1-based line, 0-based column) and end column.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

const OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", ">>", "<<", "<=", ">=", "==", "!=", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "@=", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]",
    "{", "}", ",", ":", ".", ";", "=",
];

fn err(kind: &'static str, msg: impl Into<String>, line: u32, offset: u32) -> SyntaxError {
    SyntaxError { kind, msg: msg.into(), line, offset, end_offset: None }
}

/// Tokenizes a whole module.
pub fn tokenize(source: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = source.chars().collect();
    let mut toks: Vec<Token> = Vec::new();
    let mut i = 0usize;
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut indents: Vec<usize> = vec![0];
    let mut brackets: Vec<(char, u32, u32)> = Vec::new();
    let mut at_line_start = true;
    let n = chars.len();
    loop {
        if at_line_start && brackets.is_empty() {
            // Measure indentation.
            let mut width = 0usize;
            let mut j = i;
            while j < n && (chars[j] == ' ' || chars[j] == '\t' || chars[j] == '\x0c') {
                width = match chars[j] {
                    '\t' => (width / 8 + 1) * 8,
                    '\x0c' => 0,
                    _ => width + 1,
                };
                j += 1;
            }
            // Blank or comment-only lines do not affect indentation.
            if j >= n || chars[j] == '\n' || chars[j] == '#' || (chars[j] == '\r') {
                while j < n && chars[j] != '\n' {
                    j += 1;
                }
                if j >= n {
                    i = j;
                    break;
                }
                i = j + 1;
                line += 1;
                line_start = i;
                continue;
            }
            let col = (j - line_start) as u32;
            let cur = *indents.last().unwrap_or(&0);
            if width > cur {
                indents.push(width);
                toks.push(Token { tok: Tok::Indent, line, col: 0, end_line: line, end_col: col });
            } else if width < cur {
                while width < *indents.last().unwrap_or(&0) {
                    indents.pop();
                    toks.push(Token { tok: Tok::Dedent, line, col, end_line: line, end_col: col });
                }
                if width != *indents.last().unwrap_or(&0) {
                    return Err(err(
                        "IndentationError",
                        "unindent does not match any outer indentation level",
                        line,
                        col + 1,
                    ));
                }
            }
            i = j;
            at_line_start = false;
        }
        if i >= n {
            break;
        }
        let c = chars[i];
        let col = (i - line_start) as u32;
        match c {
            '\n' => {
                if brackets.is_empty() {
                    toks.push(Token { tok: Tok::Newline, line, col, end_line: line, end_col: col + 1 });
                    at_line_start = true;
                }
                i += 1;
                line += 1;
                line_start = i;
            }
            ' ' | '\t' | '\r' | '\x0c' => i += 1,
            '#' => {
                while i < n && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' => {
                if i + 1 < n && chars[i + 1] == '\n' {
                    i += 2;
                    line += 1;
                    line_start = i;
                } else if i + 2 < n && chars[i + 1] == '\r' && chars[i + 2] == '\n' {
                    i += 3;
                    line += 1;
                    line_start = i;
                } else {
                    return Err(err(
                        "SyntaxError",
                        "unexpected character after line continuation character",
                        line,
                        col + 1,
                    ));
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < n && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // String prefixes.
                if i < n && (chars[i] == '\'' || chars[i] == '"') && is_prefix(&word) {
                    let lower = word.to_ascii_lowercase();
                    let (tok, ni, nline, nls) = lex_string(&chars, i, line, line_start, &lower)?;
                    let end_col = (ni - nls) as u32;
                    toks.push(Token { tok, line, col, end_line: nline, end_col });
                    i = ni;
                    line = nline;
                    line_start = nls;
                } else {
                    toks.push(Token {
                        tok: Tok::Name(word),
                        line,
                        col,
                        end_line: line,
                        end_col: (i - line_start) as u32,
                    });
                }
            }
            '\'' | '"' => {
                let (tok, ni, nline, nls) = lex_string(&chars, i, line, line_start, "")?;
                toks.push(Token { tok, line, col, end_line: nline, end_col: (ni - nls) as u32 });
                i = ni;
                line = nline;
                line_start = nls;
            }
            c if c.is_ascii_digit() || (c == '.' && i + 1 < n && chars[i + 1].is_ascii_digit()) => {
                let (tok, ni) = lex_number(&chars, i, line, col)?;
                toks.push(Token { tok, line, col, end_line: line, end_col: (ni - line_start) as u32 });
                i = ni;
            }
            _ => {
                let rest: String = chars[i..n.min(i + 3)].iter().collect();
                let op = OPS.iter().find(|o| rest.starts_with(**o));
                let Some(op) = op else {
                    if c == '!' {
                        return Err(err("SyntaxError", "invalid syntax", line, col + 1));
                    }
                    let msg = if c == '$' || c == '?' || c == '`' {
                        "invalid syntax".to_string()
                    } else if (c as u32) > 127 && !c.is_alphabetic() {
                        format!("invalid character '{c}' (U+{:04X})", c as u32)
                    } else {
                        "invalid syntax".to_string()
                    };
                    return Err(err("SyntaxError", msg, line, col + 1));
                };
                match *op {
                    "(" | "[" | "{" => {
                        if brackets.len() >= 200 {
                            return Err(err("SyntaxError", "too many nested parentheses", line, col + 1));
                        }
                        brackets.push((c, line, col));
                    }
                    ")" | "]" | "}" => match brackets.pop() {
                        None => return Err(err("SyntaxError", format!("unmatched '{c}'"), line, col + 1)),
                        Some((open, oline, _)) => {
                            let expected = match open {
                                '(' => ')',
                                '[' => ']',
                                _ => '}',
                            };
                            if expected != c {
                                let msg = if oline == line {
                                    format!("closing parenthesis '{c}' does not match opening parenthesis '{open}'")
                                } else {
                                    format!("closing parenthesis '{c}' does not match opening parenthesis '{open}' on line {oline}")
                                };
                                return Err(err("SyntaxError", msg, line, col + 1));
                            }
                        }
                    },
                    _ => {}
                }
                toks.push(Token { tok: Tok::Op(op), line, col, end_line: line, end_col: col + op.len() as u32 });
                i += op.len();
            }
        }
    }
    if let Some((open, oline, ocol)) = brackets.last() {
        return Err(err("SyntaxError", format!("'{open}' was never closed"), *oline, ocol + 1));
    }
    let col = (i - line_start) as u32;
    if !toks.is_empty() && !matches!(toks.last().map(|t| &t.tok), Some(Tok::Newline) | Some(Tok::Dedent)) {
        toks.push(Token { tok: Tok::Newline, line, col, end_line: line, end_col: col });
    }
    while indents.len() > 1 {
        indents.pop();
        toks.push(Token { tok: Tok::Dedent, line, col: 0, end_line: line, end_col: 0 });
    }
    toks.push(Token { tok: Tok::End, line, col: 0, end_line: line, end_col: 0 });
    Ok(toks)
}

fn is_prefix(w: &str) -> bool {
    matches!(w.to_ascii_lowercase().as_str(), "r" | "u" | "b" | "f" | "br" | "rb" | "fr" | "rf")
}

fn lex_number(chars: &[char], start: usize, line: u32, col: u32) -> Result<(Tok, usize), SyntaxError> {
    let n = chars.len();
    let mut i = start;
    let invalid = |what: &str, at: usize| {
        err("SyntaxError", format!("invalid {what} literal"), line, col + 1 + (at - start) as u32)
    };
    if chars[i] == '0' && i + 1 < n && matches!(chars[i + 1], 'x' | 'X' | 'o' | 'O' | 'b' | 'B') {
        let radix = match chars[i + 1] {
            'x' | 'X' => 16,
            'o' | 'O' => 8,
            _ => 2,
        };
        i += 2;
        let s = i;
        while i < n && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        let digits: String = chars[s..i].iter().filter(|c| **c != '_').collect();
        let what = match radix {
            16 => "hexadecimal",
            8 => "octal",
            _ => "binary",
        };
        return match i64::from_str_radix(&digits, radix) {
            Ok(v) => Ok((Tok::Int(v), i)),
            Err(_) if !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) => {
                Ok((Tok::BigInt(format!("0x{digits}")), i))
            }
            Err(_) => Err(invalid(what, i.saturating_sub(1))),
        };
    }
    let mut is_float = false;
    while i < n && (chars[i].is_ascii_digit() || chars[i] == '_') {
        i += 1;
    }
    if i < n && chars[i] == '.' {
        is_float = true;
        i += 1;
        while i < n && (chars[i].is_ascii_digit() || chars[i] == '_') {
            i += 1;
        }
    }
    if i < n && (chars[i] == 'e' || chars[i] == 'E') {
        let save = i;
        i += 1;
        if i < n && (chars[i] == '+' || chars[i] == '-') {
            i += 1;
        }
        if i < n && chars[i].is_ascii_digit() {
            is_float = true;
            while i < n && (chars[i].is_ascii_digit() || chars[i] == '_') {
                i += 1;
            }
        } else {
            i = save;
        }
    }
    let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
    if i < n && (chars[i] == 'j' || chars[i] == 'J') {
        return Ok((Tok::Imag(text.parse().unwrap_or(0.0)), i + 1));
    }
    if i < n && (chars[i].is_alphabetic() || chars[i] == '_') {
        return Err(invalid("decimal", i));
    }
    if is_float {
        return Ok((Tok::Float(text.parse().unwrap_or(0.0)), i));
    }
    if text.len() > 1 && text.starts_with('0') && text.chars().any(|c| c != '0') {
        return Err(err(
            "SyntaxError",
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
            line,
            col + 1,
        ));
    }
    match text.parse::<i64>() {
        Ok(v) => Ok((Tok::Int(v), i)),
        Err(_) => Ok((Tok::BigInt(text), i)),
    }
}

/// Lexes a string literal starting at the quote `start`; returns the token, the index after it,
/// and the line and line start after it (triple-quoted strings span lines).
fn lex_string(
    chars: &[char],
    start: usize,
    line: u32,
    line_start: usize,
    prefix: &str,
) -> Result<(Tok, usize, u32, usize), SyntaxError> {
    let n = chars.len();
    let q = chars[start];
    let triple = start + 2 < n && chars[start + 1] == q && chars[start + 2] == q;
    let raw = prefix.contains('r');
    let is_bytes = prefix.contains('b');
    let fstring = prefix.contains('f');
    let mut i = if triple { start + 3 } else { start + 1 };
    let mut cur_line = line;
    let mut cur_ls = line_start;
    let body_start = i;
    let prefix_len = prefix.len() as u32;
    let start_col = (start - line_start) as u32 - prefix_len;
    loop {
        if i >= n {
            let msg = if triple {
                format!("unterminated triple-quoted string literal (detected at line {cur_line})")
            } else {
                format!("unterminated string literal (detected at line {cur_line})")
            };
            return Err(err("SyntaxError", msg, line, start_col + 1));
        }
        let c = chars[i];
        if c == '\\' {
            if i + 1 < n && chars[i + 1] == '\n' {
                cur_line += 1;
                cur_ls = i + 2;
            }
            i += 2;
            continue;
        }
        if c == '\n' {
            if !triple {
                return Err(err(
                    "SyntaxError",
                    format!("unterminated string literal (detected at line {line})"),
                    line,
                    start_col + 1,
                ));
            }
            cur_line += 1;
            cur_ls = i + 1;
        }
        if c == q {
            if !triple {
                break;
            }
            if i + 2 < n && chars[i + 1] == q && chars[i + 2] == q {
                break;
            }
        }
        i += 1;
    }
    let body: String = chars[body_start..i].iter().collect();
    let end = if triple { i + 3 } else { i + 1 };
    let tok = if fstring {
        Tok::Str { value: body, bytes: None, fstring: true, raw }
    } else if is_bytes {
        let decoded = if raw { body.clone() } else { decode_escapes(&body, true) };
        let bytes: Vec<u8> = decoded.chars().map(|c| c as u32 as u8).collect();
        Tok::Str { value: String::new(), bytes: Some(bytes), fstring: false, raw }
    } else {
        Tok::Str { value: if raw { body } else { decode_escapes(&body, false) }, bytes: None, fstring: false, raw }
    };
    Ok((tok, end, cur_line, cur_ls))
}

/// Decodes backslash escapes of a (non-raw) string body.
pub fn decode_escapes(s: &str, bytes: bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = chars[i + 1];
        i += 2;
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                let mut k = 0;
                while k < 2 && i < chars.len() && chars[i].is_digit(8) {
                    v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' => {
                let hex: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                i += hex.len();
                out.push(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).unwrap_or('\u{fffd}'));
            }
            'u' | 'U' if !bytes => {
                let len = if e == 'u' { 4 } else { 8 };
                let hex: String = chars[i..(i + len).min(chars.len())].iter().collect();
                i += hex.len();
                out.push(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).unwrap_or('\u{fffd}'));
            }
            'N' if !bytes && i < chars.len() && chars[i] == '{' => {
                let end = chars[i..].iter().position(|c| *c == '}').map(|p| p + i).unwrap_or(chars.len());
                let name: String = chars[i + 1..end.min(chars.len())].iter().collect();
                i = end + 1;
                out.push(match name.to_ascii_uppercase().as_str() {
                    "BULLET" => '•',
                    "EM DASH" => '—',
                    "EN DASH" => '–',
                    "NO-BREAK SPACE" => '\u{a0}',
                    "HORIZONTAL ELLIPSIS" => '…',
                    "DEGREE SIGN" => '°',
                    _ => '\u{fffd}',
                });
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}
