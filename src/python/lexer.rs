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

/// Every operator, longest first (what [`match_op`] recognises).
#[cfg(test)]
const OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", ">>", "<<", "<=", ">=", "==", "!=", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "@=", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]",
    "{", "}", ",", ":", ".", ";", "=",
];

/// The operator at the start of `rest` (up to 3 characters), longest match first: the same
/// answer as the first of OPS (ordered so) that `rest` starts with, without comparing them all.
fn match_op(rest: &[char]) -> Option<&'static str> {
    let at = |k: usize| rest.get(k).copied().unwrap_or('\0');
    let (a, b, c) = (at(0), at(1), at(2));
    let eq3 = c == '=';
    Some(match (a, b) {
        ('*', '*') => ["**", "**="][eq3 as usize],
        ('/', '/') => ["//", "//="][eq3 as usize],
        ('>', '>') => [">>", ">>="][eq3 as usize],
        ('<', '<') => ["<<", "<<="][eq3 as usize],
        ('.', '.') if c == '.' => "...",
        ('-', '>') => "->",
        (':', '=') => ":=",
        ('<', '=') => "<=",
        ('>', '=') => ">=",
        ('=', '=') => "==",
        ('!', '=') => "!=",
        ('+', '=') => "+=",
        ('-', '=') => "-=",
        ('*', '=') => "*=",
        ('/', '=') => "/=",
        ('%', '=') => "%=",
        ('&', '=') => "&=",
        ('|', '=') => "|=",
        ('^', '=') => "^=",
        ('@', '=') => "@=",
        _ => match a {
            '+' => "+",
            '-' => "-",
            '*' => "*",
            '/' => "/",
            '%' => "%",
            '@' => "@",
            '&' => "&",
            '|' => "|",
            '^' => "^",
            '~' => "~",
            '<' => "<",
            '>' => ">",
            '(' => "(",
            ')' => ")",
            '[' => "[",
            ']' => "]",
            '{' => "{",
            '}' => "}",
            ',' => ",",
            ':' => ":",
            '.' => ".",
            ';' => ";",
            '=' => "=",
            _ => return None,
        },
    })
}

fn err(kind: &'static str, msg: impl Into<String>, line: u32, offset: u32) -> SyntaxError {
    SyntaxError { kind, msg: msg.into(), line, offset, end_offset: None, compiler: false }
}

/// Tokenizes a whole module.
pub fn tokenize(source: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut toks = Vec::new();
    tokenize_into(source, &mut toks)?;
    Ok(toks)
}

/// True for the tokenizer errors CPython reports only when the parser reaches them (an
/// unclosed bracket at the end of input, inconsistent indentation): a parse error earlier in the
/// file wins over them. Every other tokenizer error wins over any parse error.
pub fn is_deferred(e: &SyntaxError) -> bool {
    e.kind != "SyntaxError" || e.msg.ends_with("was never closed")
}

/// Tokenizes as far as possible: the tokens before the first error (ended by an `End` token
/// where the error is), and the error.
pub fn tokenize_partial(source: &str) -> (Vec<Token>, Option<SyntaxError>) {
    let mut toks = Vec::new();
    match tokenize_into(source, &mut toks) {
        Ok(()) => (toks, None),
        Err(e) => {
            let (line, col) = (e.line, e.offset.saturating_sub(1));
            if !matches!(toks.last().map(|t| &t.tok), Some(Tok::End)) {
                toks.push(Token { tok: Tok::End, line, col, end_line: line, end_col: col });
            }
            (toks, Some(e))
        }
    }
}

fn tokenize_into(source: &str, toks: &mut Vec<Token>) -> Result<(), SyntaxError> {
    let mut chars: Vec<char> = Vec::with_capacity(source.len());
    chars.extend(source.chars());
    // About one token per four bytes of source: grow the list once or twice, not ten times.
    toks.reserve(source.len() / 4);
    let mut i = 0usize;
    let mut line = 1u32;
    let mut line_start = 0usize;
    // CPython's two measures of indentation: tabs to multiples of 8, and tabs as one column.
    // When they disagree about an indent or dedent, the file mixes tabs and spaces: TabError.
    let mut indents: Vec<(usize, usize)> = vec![(0, 0)];
    let mut brackets: Vec<(char, u32, u32)> = Vec::new();
    let mut at_line_start = true;
    let n = chars.len();
    loop {
        if at_line_start && brackets.is_empty() {
            // Measure indentation.
            let mut width = 0usize;
            let mut alt = 0usize;
            let mut j = i;
            while j < n && (chars[j] == ' ' || chars[j] == '\t' || chars[j] == '\x0c') {
                match chars[j] {
                    '\t' => {
                        width = (width / 8 + 1) * 8;
                        alt += 1;
                    }
                    '\x0c' => {
                        width = 0;
                        alt = 0;
                    }
                    _ => {
                        width += 1;
                        alt += 1;
                    }
                }
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
            let (cur, cur_alt) = *indents.last().unwrap_or(&(0, 0));
            let line_len = chars[line_start..].iter().take_while(|c| **c != '\n').count() as u32;
            let tab_error = || err("TabError", "inconsistent use of tabs and spaces in indentation", line, 1);
            if width == cur {
                if alt != cur_alt {
                    return Err(tab_error());
                }
            } else if width > cur {
                if alt <= cur_alt {
                    return Err(tab_error());
                }
                if indents.len() >= 100 {
                    return Err(err("IndentationError", "too many levels of indentation", line, col + 1));
                }
                indents.push((width, alt));
                toks.push(Token { tok: Tok::Indent, line, col: 0, end_line: line, end_col: col });
            } else {
                while width < indents.last().map_or(0, |l| l.0) {
                    indents.pop();
                    toks.push(Token { tok: Tok::Dedent, line, col, end_line: line, end_col: col });
                }
                let (now, now_alt) = *indents.last().unwrap_or(&(0, 0));
                if width != now {
                    return Err(err(
                        "IndentationError",
                        "unindent does not match any outer indentation level",
                        line,
                        line_len + 1,
                    ));
                }
                if alt != now_alt {
                    return Err(tab_error());
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
                    // CPython's NEWLINE token leaves the '\n' out: it ends where it starts.
                    toks.push(Token { tok: Tok::Newline, line, col, end_line: line, end_col: col });
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
                        col + 2,
                    ));
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < n && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let mut word = String::with_capacity(i - start);
                word.extend(&chars[start..i]);
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
                let op = match_op(&chars[i..n.min(i + 3)]);
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
                match op {
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
        let (eof_line, eof_col) = eof_position(&chars);
        toks.push(Token { tok: Tok::End, line: eof_line, col: eof_col, end_line: eof_line, end_col: eof_col });
        return Err(err("SyntaxError", format!("'{open}' was never closed"), *oline, ocol + 1));
    }
    let col = (i - line_start) as u32;
    if !toks.is_empty() && !matches!(toks.last().map(|t| &t.tok), Some(Tok::Newline) | Some(Tok::Dedent)) {
        toks.push(Token { tok: Tok::Newline, line, col, end_line: line, end_col: col + 1 });
    }
    // CPython places the end of input on the last line, after its newline.
    let (eof_line, eof_col) = eof_position(&chars);
    while indents.len() > 1 {
        indents.pop();
        toks.push(Token { tok: Tok::Dedent, line: eof_line, col: eof_col, end_line: eof_line, end_col: eof_col });
    }
    toks.push(Token { tok: Tok::End, line: eof_line, col: eof_col, end_line: eof_line, end_col: eof_col });
    Ok(())
}

/// Where CPython's tokenizer stands at the end of input: the last line, and (0-based) the
/// column of that line's newline.
fn eof_position(chars: &[char]) -> (u32, u32) {
    let body = if chars.last() == Some(&'\n') { &chars[..chars.len() - 1] } else { chars };
    let line = body.iter().filter(|c| **c == '\n').count() as u32 + 1;
    let last_len = body.iter().rev().take_while(|c| **c != '\n').count() as u32;
    (line, last_len)
}

fn is_prefix(w: &str) -> bool {
    matches!(w.to_ascii_lowercase().as_str(), "r" | "u" | "b" | "f" | "br" | "rb" | "fr" | "rf")
}

fn lex_number(chars: &[char], start: usize, line: u32, col: u32) -> Result<(Tok, usize), SyntaxError> {
    // Follows CPython's tokenizer (`tok_get`, numbers): its messages and where they point.
    // An error "at" index k reports CPython's offset for a cursor standing on k.
    let n = chars.len();
    let at = |k: usize| col + (k - start) as u32;
    let get = |k: usize| if k < n { chars[k] } else { '\0' };
    let fail = |msg: String, k: usize| Err(err("SyntaxError", msg, line, at(k)));
    // After a number, a letter may only start one of the keywords that can follow a number.
    let end_ok = |k: usize| -> bool {
        let c = get(k);
        if !(c.is_alphanumeric() || c == '_') {
            return true;
        }
        let rest: String = chars[k..n.min(k + 4)].iter().collect();
        ["and", "else", "for", "if", "in", "is", "or", "not"].iter().any(|kw| rest.starts_with(kw))
    };
    // Digits with single underscores between them; Err(k) when an underscore is not followed by a digit.
    let digits = |mut k: usize, ok: &dyn Fn(char) -> bool| -> Result<usize, usize> {
        loop {
            while ok(get(k)) {
                k += 1;
            }
            if get(k) != '_' {
                return Ok(k);
            }
            if !ok(get(k + 1)) {
                return Err(k + 1);
            }
            k += 1;
        }
    };
    let mut i = start;
    if chars[i] == '0' && matches!(get(i + 1), 'x' | 'X' | 'o' | 'O' | 'b' | 'B') {
        let (radix, what) = match get(i + 1) {
            'x' | 'X' => (16, "hexadecimal"),
            'o' | 'O' => (8, "octal"),
            _ => (2, "binary"),
        };
        i += 2;
        if get(i) == '_' {
            i += 1;
        }
        let ok = |c: char| c.is_digit(radix);
        if !ok(get(i)) {
            if radix != 16 && get(i).is_ascii_digit() {
                return fail(format!("invalid digit '{}' in {what} literal", get(i)), i + 1);
            }
            return fail(format!("invalid {what} literal"), i);
        }
        let s = i;
        i = match digits(i, &ok) {
            Ok(k) => k,
            Err(k) => {
                if radix != 16 && get(k).is_ascii_digit() {
                    return fail(format!("invalid digit '{}' in {what} literal", get(k)), k + 1);
                }
                return fail(format!("invalid {what} literal"), k);
            }
        };
        if radix != 16 && get(i).is_ascii_digit() {
            return fail(format!("invalid digit '{}' in {what} literal", get(i)), i + 1);
        }
        if !end_ok(i) {
            return fail(format!("invalid {what} literal"), i);
        }
        let text: String = chars[s..i].iter().filter(|c| **c != '_').collect();
        return Ok((
            match i64::from_str_radix(&text, radix) {
                Ok(v) => Tok::Int(v),
                Err(_) => Tok::BigInt(format!("0{}{text}", chars[start + 1].to_ascii_lowercase())),
            },
            i,
        ));
    }
    let dec = |c: char| c.is_ascii_digit();
    let mut is_float = false;
    let mut leading_zeros_end = None;
    if chars[i] == '.' {
        is_float = true;
        i += 1;
        i = digits(i, &dec).map_err(|k| err("SyntaxError", "invalid decimal literal", line, at(k)))?;
    } else {
        i = digits(i, &dec).map_err(|k| err("SyntaxError", "invalid decimal literal", line, at(k)))?;
        let int_text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
        if int_text.len() > 1 && int_text.starts_with('0') && int_text.chars().any(|c| c != '0') {
            let first_nonzero = (start..i).find(|k| chars[*k] != '0' && chars[*k] != '_').unwrap_or(i);
            leading_zeros_end = Some(first_nonzero);
        }
        if get(i) == '.' {
            is_float = true;
            i += 1;
            if dec(get(i)) {
                i = digits(i, &dec).map_err(|k| err("SyntaxError", "invalid decimal literal", line, at(k)))?;
            }
        }
    }
    if matches!(get(i), 'e' | 'E') {
        let e = i;
        let mut k = i + 1;
        if matches!(get(k), '+' | '-') {
            k += 1;
            if !dec(get(k)) {
                return fail("invalid decimal literal".into(), k);
            }
        }
        if dec(get(k)) {
            is_float = true;
            i = digits(k, &dec).map_err(|k| err("SyntaxError", "invalid decimal literal", line, at(k)))?;
        } else if !end_ok(e) {
            return fail("invalid decimal literal".into(), e);
        }
    }
    let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
    if matches!(get(i), 'j' | 'J') {
        if !end_ok(i + 1) {
            return fail("invalid imaginary literal".into(), i + 1);
        }
        return Ok((Tok::Imag(text.parse().unwrap_or(0.0)), i + 1));
    }
    if !end_ok(i) {
        return fail("invalid decimal literal".into(), i);
    }
    if is_float {
        return Ok((Tok::Float(text.parse().unwrap_or(0.0)), i));
    }
    if let Some(z) = leading_zeros_end {
        let mut e = err(
            "SyntaxError",
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
            line,
            col + 1,
        );
        e.end_offset = Some(at(z) + 1);
        return Err(e);
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
            let at_line = eof_position(chars).0;
            let msg = if triple {
                format!("unterminated triple-quoted string literal (detected at line {at_line})")
            } else {
                format!("unterminated string literal (detected at line {at_line})")
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

#[cfg(test)]
mod tests {
    use super::{match_op, OPS};

    #[test]
    fn match_op_is_the_first_of_ops_that_matches() {
        let alphabet: Vec<char> = "*/<>.-:=!+%&|^@~()[]{},;a ".chars().collect();
        for &a in &alphabet {
            for &b in &alphabet {
                for &c in &alphabet {
                    for rest in [vec![a], vec![a, b], vec![a, b, c]] {
                        let linear = OPS.iter().copied().find(|o| {
                            let o: Vec<char> = o.chars().collect();
                            o.len() <= rest.len() && o[..] == rest[..o.len()]
                        });
                        assert_eq!(match_op(&rest), linear, "{rest:?}");
                    }
                }
            }
        }
    }
}
