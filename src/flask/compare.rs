//! `compare.py` in Rust: whether a run's record matches the oracle's, field by field, with the
//! same canonicalisation (index creation order is a set in SQLAlchemy).

use serde_json::Value as Json;

const TOP_FIELDS: &[&str] = &["import_error", "ddl", "ddl_postgresql", "ddl_mysql", "schema", "data"];
const STEP_FIELDS: &[&str] = &["sql", "stdout", "error", "warnings"];

fn is_index_sql(e: &Json) -> bool {
    e.get("statement")
        .and_then(|s| s.as_str())
        .map(|s| {
            let s = s.trim_start();
            s.starts_with("CREATE INDEX") || s.starts_with("CREATE UNIQUE INDEX")
        })
        .unwrap_or(false)
}

/// Sorts each maximal run of consecutive items for which `in_run` holds, by `key`.
fn sorted_runs(items: &[Json], in_run: impl Fn(&Json) -> bool, key: impl Fn(&Json) -> String) -> Vec<Json> {
    let mut out = Vec::new();
    let mut run: Vec<Json> = Vec::new();
    for item in items {
        if in_run(item) {
            run.push(item.clone());
            continue;
        }
        run.sort_by_key(|a| key(a));
        out.append(&mut run);
        out.push(item.clone());
    }
    run.sort_by_key(|a| key(a));
    out.append(&mut run);
    out
}

/// `canonical()` of compare.py.
pub fn canonical(record: &Json) -> Json {
    let mut r = record.clone();
    if let Some(steps) = r.get_mut("steps").and_then(|s| s.as_array_mut()) {
        for step in steps {
            if let Some(sql) = step.get("sql").and_then(|s| s.as_array()).cloned() {
                let sorted = sorted_runs(&sql, is_index_sql, |e| {
                    e.get("statement").and_then(|s| s.as_str()).unwrap_or("").to_string()
                });
                step["sql"] = Json::Array(sorted);
            }
        }
    }
    if let Some(schema) = r.get_mut("schema").and_then(|s| s.as_object_mut()) {
        if let Some(master) = schema.get("master").and_then(|m| m.as_array()).cloned() {
            let sorted = sorted_runs(
                &master,
                |row| row.as_array().and_then(|a| a.first()).and_then(|t| t.as_str()) == Some("index"),
                |row| {
                    row.get(1)
                        .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                        .unwrap_or_default()
                },
            );
            schema.insert("master".into(), Json::Array(sorted));
        }
        if let Some(tables) = schema.get_mut("tables").and_then(|t| t.as_object_mut()) {
            for info in tables.values_mut() {
                if let Some(list) = info.get("index_list").and_then(|l| l.as_array()).cloned() {
                    let mut rows: Vec<Json> = list
                        .iter()
                        .map(|row| {
                            Json::Array(row.as_array().map(|a| a[1.min(a.len())..].to_vec()).unwrap_or_default())
                        })
                        .collect();
                    rows.sort_by_key(|row| {
                        row.get(0)
                            .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                            .unwrap_or_default()
                    });
                    info["index_list"] = Json::Array(rows);
                }
            }
        }
    }
    r
}

fn short(v: &Json) -> String {
    let t = v.to_string();
    if t.chars().count() <= 300 {
        t
    } else {
        t.chars().take(300).collect::<String>() + "…"
    }
}

/// `diff_case()` of compare.py: the differences (empty when the records match).
pub fn diff_records(expected: &Json, actual: &Json) -> Vec<String> {
    let (e, a) = (canonical(expected), canonical(actual));
    let mut problems = Vec::new();
    for f in TOP_FIELDS {
        let (ev, av) = (e.get(*f).unwrap_or(&Json::Null), a.get(*f).unwrap_or(&Json::Null));
        if ev != av {
            problems.push(format!("{f}: expected {}\n      got {}", short(ev), short(av)));
        }
    }
    let empty = Vec::new();
    let es = e.get("steps").and_then(|s| s.as_array()).unwrap_or(&empty);
    let as_ = a.get("steps").and_then(|s| s.as_array()).unwrap_or(&empty);
    if es.len() != as_.len() {
        problems.push(format!("steps: expected {}, got {}", es.len(), as_.len()));
    }
    for (i, (se, sa)) in es.iter().zip(as_).enumerate() {
        for f in STEP_FIELDS {
            let (ev, av) = (se.get(*f).unwrap_or(&Json::Null), sa.get(*f).unwrap_or(&Json::Null));
            if ev != av {
                let input = se.get("input").map(short).unwrap_or_default();
                problems.push(format!("step {} {input} {f}: expected {}\n      got {}", i + 1, short(ev), short(av)));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn index_runs_compare_as_sets() {
        let a = json!({"steps": [{"input": "x", "sql": [
            {"statement": "CREATE TABLE t"}, {"statement": "CREATE INDEX ix_b ON t"}, {"statement": "CREATE INDEX ix_a ON t"}, {"statement": "COMMIT"}
        ], "stdout": "", "warnings": [], "error": null}]});
        let b = json!({"steps": [{"input": "x", "sql": [
            {"statement": "CREATE TABLE t"}, {"statement": "CREATE INDEX ix_a ON t"}, {"statement": "CREATE INDEX ix_b ON t"}, {"statement": "COMMIT"}
        ], "stdout": "", "warnings": [], "error": null}]});
        assert!(diff_records(&a, &b).is_empty());
        let c = json!({"steps": [{"input": "x", "sql": [], "stdout": "1\n", "warnings": [], "error": null}]});
        assert_eq!(diff_records(&a, &c).len(), 2);
    }

    #[test]
    fn index_list_ignores_sequence_numbers() {
        let a = json!({"schema": {"master": [], "tables": {"t": {"index_list": [[0, "b", 1, "u", 0], [1, "a", 1, "u", 0]]}}}});
        let b = json!({"schema": {"master": [], "tables": {"t": {"index_list": [[0, "a", 1, "u", 0], [1, "b", 1, "u", 0]]}}}});
        assert!(diff_records(&a, &b).is_empty());
    }
}
