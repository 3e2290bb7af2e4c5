//! The flask-shell session behind [`super::playground::Playground`].

use serde_json::Value as Json;

use super::playground::{Connector, DialectName, SourceFile, TableView};
use super::record::{ErrorRecord, Step};

/// Interim engine state (replaced by the interpreter-backed session).
pub struct ShellSession {
    pub import_error: Option<ErrorRecord>,
    pub import_stdout: String,
    pub import_warnings: Vec<String>,
}

impl ShellSession {
    pub fn open(_files: &[SourceFile], _connect: Connector) -> Self {
        ShellSession { import_error: None, import_stdout: String::new(), import_warnings: Vec::new() }
    }
    pub fn has_app(&self) -> bool {
        false
    }
    pub fn has_extension(&self) -> bool {
        false
    }
    pub fn run(&mut self, source: &str) -> Step {
        Step { input: source.to_string(), ..Step::default() }
    }
    pub fn ddl(&mut self, _dialect: DialectName) -> Vec<Json> {
        Vec::new()
    }
    pub fn tables(&mut self) -> Vec<TableView> {
        Vec::new()
    }
    pub fn inspect(&mut self) -> (Json, Json) {
        (Json::Null, Json::Null)
    }
    pub fn export_database(&mut self) -> Option<Vec<u8>> {
        None
    }
    pub fn sqlite_version(&self) -> String {
        String::new()
    }
}
