//! Embeds the conformance cases (tests/cases and ../shared/oracle/cases) for the browser test,
//! which cannot read files: writes $OUT_DIR/cases.rs with `include_str!` of every case file.
//! Also writes the modules written in Python, the standard ones (src/python/stdlib/lib/*.py) to
//! $OUT_DIR/stdlib/ and SQLAlchemy's (src/sqlalchemy/lib/*.py) to $OUT_DIR/sqlalchemy/, without
//! their comments, blank lines, module docstrings and deep indentation: the same program in
//! fewer bytes of the wasm bundle (see [`minify_python`]).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn py_files(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().to_string();
        let relname = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        let path = e.path();
        if path.is_dir() && name != "__pycache__" && !name.starts_with('.') {
            py_files(&path, &relname, out);
        } else if name.ends_with(".py") {
            out.push((relname, path));
        }
    }
}

/// The same Python program in fewer bytes: comment-only and blank lines go (outside strings),
/// comments and trailing spaces go, each indentation level becomes one space, continuation
/// lines (inside brackets or after `\\`) lose their leading spaces, and a module docstring
/// (the first statement, a plain string) goes. String literals (triple-quoted ones across
/// lines too) are copied as they are, and so are class and function docstrings (`__doc__`).
/// Tabs in indentation are left alone: such a source is returned unchanged.
fn minify_python(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(source.len());
    let mut indents: Vec<usize> = vec![0];
    let mut depth: i32 = 0;
    let mut continued = false;
    let mut first_statement = true;
    let mut i = 0;
    while i < n {
        // A physical line starts at `i`.
        let mut j = i;
        while j < n && chars[j] == ' ' {
            j += 1;
        }
        if j < n && chars[j] == '\t' {
            return source.to_string();
        }
        let rest_blank = j >= n || chars[j] == '\n' || chars[j] == '#' || chars[j] == '\r';
        if rest_blank && !continued {
            // Blank or comment-only line: drop it (inside brackets too: it is whitespace).
            while i < n && chars[i] != '\n' {
                i += 1;
            }
            i += 1;
            continue;
        }
        let logical_start = depth == 0 && !continued;
        let mut line = String::new();
        if logical_start {
            let width = j - i;
            if width > *indents.last().unwrap_or(&0) {
                indents.push(width);
            }
            while width < *indents.last().unwrap_or(&0) {
                indents.pop();
            }
            line.push_str(&" ".repeat(indents.len() - 1));
        }
        continued = false;
        i = j;
        // Tokens outside string literals, and string literals, on this logical line.
        let mut other = false;
        let mut strings = 0;
        while i < n && chars[i] != '\n' {
            let c = chars[i];
            match c {
                '#' => {
                    while i < n && chars[i] != '\n' {
                        i += 1;
                    }
                    break;
                }
                '\'' | '"' => {
                    strings += 1;
                    let triple = i + 2 < n && chars[i + 1] == c && chars[i + 2] == c;
                    let q = if triple { 3 } else { 1 };
                    line.extend(&chars[i..i + q]);
                    i += q;
                    while i < n {
                        if chars[i] == '\\' && i + 1 < n {
                            line.push(chars[i]);
                            line.push(chars[i + 1]);
                            i += 2;
                        } else if chars[i] == c && (!triple || (i + 2 < n && chars[i + 1] == c && chars[i + 2] == c)) {
                            line.extend(&chars[i..i + q]);
                            i += q;
                            break;
                        } else if chars[i] == '\n' && !triple {
                            // An unterminated string: leave the whole source alone.
                            return source.to_string();
                        } else {
                            line.push(chars[i]);
                            i += 1;
                        }
                    }
                    continue;
                }
                '\\' if chars.get(i + 1) == Some(&'\n')
                    || (chars.get(i + 1) == Some(&'\r') && chars.get(i + 2) == Some(&'\n')) =>
                {
                    continued = true;
                    other = true;
                }
                '(' | '[' | '{' => {
                    depth += 1;
                    other = true;
                }
                ')' | ']' | '}' => {
                    depth -= 1;
                    other = true;
                }
                ' ' | '\r' => {}
                _ => other = true,
            }
            line.push(c);
            i += 1;
        }
        i += 1;
        let docstring = first_statement && logical_start && !other && strings == 1 && depth == 0;
        if logical_start {
            first_statement = false;
        }
        if !docstring {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

/// Writes each `*.py` of `lib` minified to `target`.
fn write_minified(lib: &Path, target: &Path) {
    println!("cargo:rerun-if-changed={}", lib.display());
    let _ = std::fs::create_dir_all(target);
    let Ok(entries) = std::fs::read_dir(lib) else { return };
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "py") {
            println!("cargo:rerun-if-changed={}", path.display());
            let source = std::fs::read_to_string(&path).unwrap_or_default();
            let name = e.file_name();
            if let Err(err) = std::fs::write(target.join(&name), minify_python(&source)) {
                println!("cargo:warning=could not write {}: {err}", target.join(&name).display());
            }
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    write_minified(&root.join("src/python/stdlib/lib"), &out_dir.join("stdlib"));
    write_minified(&root.join("src/sqlalchemy/lib"), &out_dir.join("sqlalchemy"));
    let mut code = String::from("/// Embedded conformance cases: (name, files, shell.txt, expected.json).\npub static CASES: &[(&str, &[(&str, &str)], &str, &str)] = &[\n");
    for dir in [root.join("tests/cases"), root.join("../shared/oracle/cases")] {
        println!("cargo:rerun-if-changed={}", dir.display());
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut cases: Vec<PathBuf> =
            entries.flatten().map(|e| e.path()).filter(|p| p.join("expected.json").exists()).collect();
        cases.sort();
        for case in cases {
            let name = case.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let mut files = Vec::new();
            py_files(&case, "", &mut files);
            let _ = write!(code, "    ({name:?}, &[");
            for (rel, path) in files {
                println!("cargo:rerun-if-changed={}", path.display());
                let _ = write!(code, "({rel:?}, include_str!({:?})), ", path.display().to_string());
            }
            let shell = case.join("shell.txt");
            let shell_expr =
                if shell.exists() { format!("include_str!({:?})", shell.display().to_string()) } else { "\"\"".into() };
            let expected = case.join("expected.json");
            println!("cargo:rerun-if-changed={}", expected.display());
            let _ = writeln!(code, "], {shell_expr}, include_str!({:?})),", expected.display().to_string());
        }
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("cases.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=could not write {}: {e}", out.display());
    }
}
