//! The native runner: `playground run CASE_DIR [-o OUT.json]`, `playground run-all CASES OUT`.

fn main() {}
