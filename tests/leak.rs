//! Dropping an engine frees everything it built. The page builds a new interpreter on every run
//! (while the learner types), so whatever a dropped `Playground` keeps alive is leaked once per
//! keystroke pause. The library's counting global allocator (`python::memory`) measures the bytes still allocated after each
//! run of a case; after warm-up runs, more runs must not leave more bytes behind.

use std::path::Path;

use flask_sqlalchemy_playground::flask::case::{native_connector, read_case, with_engine_stack};
use flask_sqlalchemy_playground::flask::playground::run_case;
use flask_sqlalchemy_playground::python::memory::allocated;

/// Bytes still allocated after each of `runs` runs of the case (engine built, case run,
/// engine dropped), all on one engine thread.
fn live_bytes_after_runs(case: &str, runs: usize) -> Vec<isize> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(case);
    let (files, shell) = read_case(&dir).expect("case folder readable");
    let case = case.to_string();
    with_engine_stack(move || {
        let mut after = Vec::new();
        for _ in 0..runs {
            let record = run_case(&files, &shell, native_connector());
            assert!(record.import_error.is_none(), "{case} imports");
            drop(record);
            after.push(allocated() as isize);
        }
        after
    })
}

/// The bytes each run leaves behind, averaged over the runs after two warm-up runs.
fn leaked_per_run(case: &str) -> isize {
    let after = live_bytes_after_runs(case, 6);
    let growth = after[5] - after[1];
    eprintln!("{case}: live bytes after each run {after:?}; {} bytes per run", growth / 4);
    growth / 4
}

// One test function: the counter is process-wide, so the cases must not run in parallel.
#[test]
fn a_dropped_engine_frees_what_it_built() {
    let mut report = Vec::new();
    for case in [
        "../shared/oracle/cases/001-seed-tutorial",
        "../shared/oracle/cases/104-many-to-many",
        "../shared/oracle/cases/106-self-referential-cascade",
        "tests/cases/201-shell-python-basics",
        "tests/cases/308-default-cycles",
        "tests/cases/407-joined-inheritance",
        "tests/cases/414-validates-hybrid",
        "tests/cases/504-loader-strategies",
        "tests/cases/505-loader-options",
        "tests/cases/449-naming-convention-callable-token",
        "tests/cases/585-events-engine-instance-listeners",
        "tests/cases/587-events-mapper-connection-execute",
        "tests/cases/589-events-ddl-after-create-seed",
    ] {
        if !Path::new(env!("CARGO_MANIFEST_DIR")).join(case).exists() {
            continue;
        }
        report.push((case, leaked_per_run(case)));
    }
    // Not zero: a few bytes may be cached once (thread-local buffers), but nothing per run.
    for (case, bytes) in &report {
        assert!(*bytes < 64, "{case} leaks {bytes} bytes per run (all: {report:?})");
    }
}
