//! Embeds the conformance cases (tests/cases and ../shared/oracle/cases) for the browser test,
//! which cannot read files: writes $OUT_DIR/cases.rs with `include_str!` of every case file.

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

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
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
