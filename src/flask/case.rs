//! Case folders on disk (native only): a project's `.py` files and its `shell.txt`, as the
//! oracle reads them.

use std::path::Path;

use super::playground::SourceFile;

fn collect(dir: &Path, rel: &str, out: &mut Vec<SourceFile>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().to_string();
        let path = e.path();
        let relname = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        if path.is_dir() {
            if name != "__pycache__" && !name.starts_with('.') {
                collect(&path, &relname, out)?;
            }
        } else if name.ends_with(".py") {
            out.push(SourceFile { name: relname, text: std::fs::read_to_string(&path)? });
        }
    }
    Ok(())
}

/// Reads a case folder: every `.py` file under it (names relative to it) and `shell.txt`.
pub fn read_case(dir: &Path) -> std::io::Result<(Vec<SourceFile>, String)> {
    let mut files = Vec::new();
    collect(dir, "", &mut files)?;
    let shell = std::fs::read_to_string(dir.join("shell.txt")).unwrap_or_default();
    Ok((files, shell))
}

/// A connector opening a fresh in-memory rusqlite database for any URL.
pub fn native_connector() -> super::playground::Connector {
    std::rc::Rc::new(|_url: &str| {
        crate::db::native::NativeDatabase::open_in_memory().map(|d| Box::new(d) as Box<dyn crate::db::Database>)
    })
}

/// Runs `f` on a thread with a 64 MiB stack, so that the evaluator's stack bound
/// (`python::interp::STACK_LIMIT`) is reached before the native stack ends. The engine is not
/// `Send`: build it inside `f`.
pub fn with_engine_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let handle = std::thread::Builder::new().stack_size(64 * 1024 * 1024).spawn(f).expect("spawn the engine thread");
    match handle.join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_packages_load_as_stand_ins_and_are_named() {
        let names = with_engine_stack(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/304-real-app-models");
            let (files, _) = read_case(&dir).expect("case 304");
            let pg = super::super::playground::Playground::open(&files, native_connector());
            assert!(pg.import_error().is_none());
            pg.stand_in_modules().to_vec()
        });
        // werkzeug.security and hashlib are real modules here; flask_login and jwt are not.
        assert_eq!(names, vec!["flask_login".to_string(), "jwt".to_string()]);
    }

    #[test]
    fn a_typo_of_a_project_module_is_still_module_not_found() {
        let err = with_engine_stack(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/201-shell-python-basics");
            let (mut files, _) = read_case(&dir).expect("case 201");
            for f in files.iter_mut().filter(|f| f.name == "app.py") {
                f.text = f.text.replace("import models", "import modles");
            }
            let pg = super::super::playground::Playground::open(&files, native_connector());
            (pg.import_error().map(|e| e.message.clone()), pg.stand_in_modules().len())
        });
        assert_eq!(err, (Some("No module named 'modles'".to_string()), 0));
    }
}
