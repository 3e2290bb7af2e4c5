//! One run of the project, as the Run button and the console drive it: import the files into a
//! fresh in-memory database, create the tables as if `db.create_all()` were typed, then run what
//! the learner types. Plain Rust over [`Playground`] (tested natively); no signals here.

use std::rc::Rc;

use crate::db::Database;
use crate::flask::playground::{split_statements, Connector, Playground, SourceFile, TableView};
use crate::flask::record::{ErrorRecord, Step};

/// The statement Run types into the console after importing the project.
pub const CREATE_ALL: &str = "db.create_all()";

/// What importing the project did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// The exception that escaped while importing, if any.
    pub import_error: Option<ErrorRecord>,
    /// What importing printed.
    pub import_stdout: String,
    /// Warnings raised while importing.
    pub import_warnings: Vec<String>,
    /// True when a Flask app was found: the shell is usable.
    pub has_app: bool,
    /// The files as they were when Run was pressed.
    pub sources: Vec<SourceFile>,
}

/// A freshly started session.
pub struct Started {
    pub playground: Playground,
    pub report: RunReport,
    /// The `db.create_all()` step, when the shell is usable.
    pub create_all: Option<Step>,
    pub tables: Vec<TableView>,
}

/// Imports `sources` as `flask shell` would and creates the tables.
pub fn start(sources: Vec<SourceFile>, connect: Connector) -> Started {
    let mut playground = Playground::open(&sources, connect);
    let report = RunReport {
        import_error: playground.import_error().cloned(),
        import_stdout: playground.import_stdout().to_string(),
        import_warnings: playground.import_warnings().to_vec(),
        has_app: playground.has_app(),
        sources,
    };
    let create_all = report.has_app.then(|| playground.run(CREATE_ALL));
    let tables = playground.tables();
    Started { playground, report, create_all, tables }
}

/// Runs console input: every statement in it (a paste may hold several), in order.
pub fn run_input(playground: &mut Playground, text: &str) -> Vec<Step> {
    split_statements(text).iter().map(|statement| playground.run(statement)).collect()
}

/// Opens sql.js databases (in memory) for any engine URL.
#[cfg(target_arch = "wasm32")]
pub fn connector() -> Connector {
    Rc::new(|_url: &str| crate::db::sqljs::SqlJsDatabase::open_in_memory().map(|d| Box::new(d) as Box<dyn Database>))
}

/// Opens rusqlite databases (in memory) for any engine URL.
#[cfg(not(target_arch = "wasm32"))]
pub fn connector() -> Connector {
    Rc::new(|_url: &str| crate::db::native::NativeDatabase::open_in_memory().map(|d| Box::new(d) as Box<dyn Database>))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Files;
    use crate::ui::tutorial::tutorial_files;

    #[test]
    fn the_tutorial_runs_and_its_shell_answers() {
        let mut s = start(Files::new(tutorial_files()).sources(), connector());
        assert_eq!(s.report.import_error, None);
        assert!(s.report.has_app);
        let create_all = s.create_all.expect("create_all ran");
        assert_eq!(create_all.input, CREATE_ALL);
        assert_eq!(create_all.error, None);
        let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["role", "user"]);
        let steps = run_input(&mut s.playground, "from models import Role\nr = Role(name='admin')\nr.name\n");
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[2].stdout, "'admin'\n");
    }

    #[test]
    fn an_import_error_is_reported() {
        let mut files = tutorial_files();
        files[2].text = files[2].text.replace("lazy=True", "lasy=True");
        let s = start(Files::new(files).sources(), connector());
        let e = s.report.import_error.expect("import error");
        assert_eq!(e.typ, "TypeError");
    }
}
