//! The native runner: `playground run CASE_DIR [-o OUT.json]` and
//! `playground run-all CASES_DIR OUT_DIR` write records in the oracle's JSON shape.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(native::main());
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use flask_sqlalchemy_playground::flask::case::{native_connector, read_case, with_engine_stack};
    use flask_sqlalchemy_playground::flask::playground::run_case;
    use std::path::{Path, PathBuf};

    const USAGE: &str = "usage: playground run CASE_DIR [-o OUT.json]\n       playground run-all CASES_DIR OUT_DIR";

    /// Runs one case folder and returns its record as JSON text.
    pub fn run_dir(dir: &Path) -> Result<String, String> {
        let (files, shell) = read_case(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        with_engine_stack(move || {
            let record = run_case(&files, &shell, native_connector());
            serde_json::to_string_pretty(&record).map_err(|e| e.to_string())
        })
    }

    pub fn main() -> i32 {
        let args: Vec<String> = std::env::args().skip(1).collect();
        match args.first().map(String::as_str) {
            Some("run") if args.len() == 2 || (args.len() == 4 && args[2] == "-o") => {
                match run_dir(Path::new(&args[1])) {
                    Ok(json) => {
                        if args.len() == 4 {
                            if let Err(e) = std::fs::write(&args[3], json + "\n") {
                                eprintln!("playground: {}: {e}", args[3]);
                                return 1;
                            }
                        } else {
                            println!("{json}");
                        }
                        0
                    }
                    Err(e) => {
                        eprintln!("playground: {e}");
                        1
                    }
                }
            }
            Some("run-all") if args.len() == 3 => {
                let out = PathBuf::from(&args[2]);
                if let Err(e) = std::fs::create_dir_all(&out) {
                    eprintln!("playground: {}: {e}", out.display());
                    return 1;
                }
                let mut dirs: Vec<PathBuf> = match std::fs::read_dir(&args[1]) {
                    Ok(r) => r.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect(),
                    Err(e) => {
                        eprintln!("playground: {}: {e}", args[1]);
                        return 1;
                    }
                };
                dirs.sort();
                let mut failed = 0;
                for d in dirs {
                    let name = d.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                    match run_dir(&d) {
                        Ok(json) => {
                            if std::fs::write(out.join(format!("{name}.json")), json + "\n").is_err() {
                                failed += 1;
                            }
                        }
                        Err(e) => {
                            eprintln!("playground: {e}");
                            failed += 1;
                        }
                    }
                }
                i32::from(failed > 0)
            }
            _ => {
                eprintln!("{USAGE}");
                2
            }
        }
    }
}
