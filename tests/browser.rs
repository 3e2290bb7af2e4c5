//! The engine in the browser: every conformance case runs on sql.js inside headless Chromium
//! (wasm-bindgen-test) and is compared with its oracle record, with the same expected-failures
//! list as the native conformance test; plus the sql.js `Database` itself.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use flask_sqlalchemy_playground::db::sqljs::{init_with_wasm_binary, SqlJsDatabase};
use flask_sqlalchemy_playground::db::{Database, SqlValue};
use flask_sqlalchemy_playground::flask::compare::diff_records;
use flask_sqlalchemy_playground::flask::playground::{run_case, Connector, SourceFile};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

async fn load_sql_js() {
    // The test page has no <script> for sql.js: evaluate it and hand it the wasm bytes.
    let src = include_str!("../node_modules/sql.js/dist/sql-wasm.js");
    let f = js_sys::Function::new_no_args(&format!("{src}\n;globalThis.initSqlJs = initSqlJs;"));
    f.call0(&JsValue::NULL).expect("sql-wasm.js evaluates");
    init_with_wasm_binary(include_bytes!("../node_modules/sql.js/dist/sql-wasm.wasm"))
        .await
        .expect("sql.js initialises");
}

fn connector() -> Connector {
    Rc::new(|_url: &str| SqlJsDatabase::open_in_memory().map(|d| Box::new(d) as Box<dyn Database>))
}

#[wasm_bindgen_test]
async fn sqljs_database_runs_statements() {
    load_sql_js().await;
    let mut db = SqlJsDatabase::open_in_memory().expect("opens");
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, score REAL)", &[]).expect("creates");
    let r = db
        .execute("INSERT INTO t (name, score) VALUES (?, ?)", &[SqlValue::Text("ada".into()), SqlValue::Real(1.0)])
        .expect("inserts");
    assert_eq!((r.last_insert_rowid, r.changes), (1, 1));
    let r = db.execute("SELECT id, name, score FROM t", &[]).expect("selects");
    assert_eq!(r.columns, vec!["id", "name", "score"]);
    assert_eq!(r.rows, vec![vec![SqlValue::Integer(1), SqlValue::Text("ada".into()), SqlValue::Real(1.0)]]);
    let e = db.execute("INSERT INTO t (name) VALUES (?)", &[SqlValue::Text("ada".into())]).unwrap_err();
    assert_eq!((e.message.as_str(), e.dbapi_class), ("UNIQUE constraint failed: t.name", "IntegrityError"));
}

#[wasm_bindgen_test]
async fn conformance_on_sqljs() {
    load_sql_js().await;
    let listed: Vec<&str> = include_str!("expected-failures.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    let (mut passed, mut failed, mut expected) = (0, 0, 0);
    let mut wrong = Vec::new();
    for (name, files, shell, expected_json) in CASES {
        let files: Vec<SourceFile> =
            files.iter().map(|(n, t)| SourceFile { name: n.to_string(), text: t.to_string() }).collect();
        let record = run_case(&files, shell, connector());
        let actual = serde_json::to_value(&record).expect("record serializes");
        let exp: serde_json::Value = serde_json::from_str(expected_json).expect("expected.json is JSON");
        let problems = diff_records(&exp, &actual);
        match (problems.is_empty(), listed.contains(name)) {
            (true, false) => passed += 1,
            (true, true) => {
                passed += 1;
                wrong.push(format!("{name} passes but is listed in tests/expected-failures.txt"));
            }
            (false, true) => {
                failed += 1;
                expected += 1;
            }
            (false, false) => {
                failed += 1;
                wrong.push(format!(
                    "{name} fails in the browser:\n    {}",
                    problems.iter().take(5).cloned().collect::<Vec<_>>().join("\n    ")
                ));
            }
        }
    }
    console_log!("browser conformance: {passed} passed, {failed} failed ({expected} expected failures)");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
