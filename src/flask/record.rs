//! The record of a run, in the oracle's JSON shape (`../shared/oracle/README.md`): what the
//! native runner writes and what the conformance tests compare with `expected.json`.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// Everything observable about one case: import, DDL in three dialects, the shell steps, and
/// the database's schema and data afterwards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    #[serde(default)]
    pub versions: Json,
    pub import_error: Option<ErrorRecord>,
    #[serde(default)]
    pub import_stdout: String,
    #[serde(default)]
    pub import_warnings: Vec<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub ddl: Vec<Json>,
    #[serde(default)]
    pub ddl_postgresql: Vec<Json>,
    #[serde(default)]
    pub ddl_mysql: Vec<Json>,
    #[serde(default)]
    pub schema: Json,
    #[serde(default)]
    pub data: Json,
    #[serde(default)]
    pub import_sql: Vec<SqlEntry>,
    /// The whole traceback of `import_error`, as Python prints it (not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_traceback: Option<String>,
}

/// One shell statement and what it did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub input: String,
    pub sql: Vec<SqlEntry>,
    pub stdout: String,
    pub warnings: Vec<String>,
    pub error: Option<ErrorRecord>,
    /// The whole report the flask shell prints for `error` ("Traceback (most recent call last):",
    /// the frames with their source lines and markers, then `last_line`). The oracle does not
    /// record it; the UI shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceback: Option<String>,
}

/// One statement sent to the database, or a transaction event (`BEGIN (implicit)`, `COMMIT`,
/// `ROLLBACK`, which carry no params).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SqlEntry {
    pub statement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Json>,
}

/// An exception that escaped: its qualified type, `str(exc)`, and the traceback's last line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRecord {
    #[serde(rename = "type")]
    pub typ: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_line: Option<String>,
}

/// The folder the oracle pretends a case lives in; `__file__` paths show it.
pub const PROJECT_DIR: &str = "/home/learner/project";
