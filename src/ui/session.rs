//! One run of the project, as the Run button and the console drive it: import the files into a
//! fresh in-memory database, create the tables as if `db.create_all()` were typed, then run what
//! the learner types. Plain Rust over [`Playground`] (tested natively); no signals here.

use std::rc::Rc;

use crate::db::Database;
use crate::flask::playground::{split_statements, Connector, Playground, SourceFile};
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
    /// The project file and line the import error points at.
    pub error_at: Option<(String, u32)>,
    /// The whole traceback of the import error, as `flask shell` prints it.
    pub import_traceback: Option<String>,
    /// The packages the project imports that the playground does not have: importing gave
    /// stand-ins for them (`flask_login`, `jwt`).
    pub stand_ins: Vec<String>,
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
}

/// Imports `sources` as `flask shell` would and creates the tables.
pub fn start(sources: Vec<SourceFile>, connect: Connector) -> Started {
    let mut playground = Playground::open(&sources, connect);
    let report = RunReport {
        import_error: playground.import_error().cloned(),
        error_at: playground.import_error_at().cloned(),
        import_traceback: playground.import_traceback().map(str::to_string),
        stand_ins: playground.stand_in_modules().to_vec(),
        import_stdout: playground.import_stdout().to_string(),
        import_warnings: playground.import_warnings().to_vec(),
        has_app: playground.has_app(),
        sources,
    };
    // The tables are read by the caller (`Playground::schema`), once.
    let create_all = report.has_app.then(|| playground.run(CREATE_ALL));
    Started { playground, report, create_all }
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
        let tables = s.playground.tables();
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
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
        assert_eq!(s.report.error_at, Some(("models.py".to_string(), 7)));
    }

    #[test]
    fn the_schema_describes_tables_and_relationships_with_the_sql_a_load_sends() {
        let mut s = start(Files::new(tutorial_files()).sources(), connector());
        let schema = s.playground.schema();
        assert_eq!(schema.error, None);
        let user = schema.tables.iter().find(|t| t.name == "user").expect("user table");
        assert_eq!(user.model.as_deref(), Some("User"));
        assert_eq!(user.row_count, Some(0));
        assert_eq!(user.ddl.len(), 3);
        let role_id = user.columns.iter().find(|c| c.name == "role_id").expect("role_id");
        assert_eq!(role_id.foreign_key.as_deref(), Some("role.id"));
        assert!(!role_id.nullable);
        let rels: Vec<String> = schema.relationships.iter().map(|r| format!("{}.{}", r.parent, r.key)).collect();
        assert_eq!(rels, ["Role.users", "User.role"]);
        let users = &schema.relationships[0];
        assert_eq!(users.kind, crate::flask::playground::RelationshipKind::OneToMany);
        assert_eq!(users.backref.as_deref(), Some("role"));
        assert_eq!(users.bound_to, ["role.id"]);
        let role = &schema.relationships[1];
        assert_eq!(role.kind, crate::flask::playground::RelationshipKind::ManyToOne);

        // The text shown is what loading the attribute sends (the oracle's records of this
        // load: tests/cases/210-relationship-loads).
        run_input(&mut s.playground, "db.session.add(Role(name='admin'))\ndb.session.commit()\n");
        run_input(
            &mut s.playground,
            "db.session.add(User(username='a', email='a@x', role_id=1))\ndb.session.commit()\n",
        );
        let steps = run_input(&mut s.playground, "Role.query.first().users");
        let sent: Vec<&str> = steps[0].sql.iter().map(|e| e.statement.as_str()).collect();
        let shown = users.load_sql.as_deref().expect("load sql");
        assert_eq!(
            shown,
            "SELECT user.id, user.username, user.email, user.role_id \nFROM user \nWHERE ? = user.role_id"
        );
        assert!(sent.contains(&shown), "{sent:?}");
        // Many-to-one: rows the session has not seen (inserted as text), so the load runs.
        let mut fresh = start(Files::new(tutorial_files()).sources(), connector());
        let steps = run_input(
            &mut fresh.playground,
            "from sqlalchemy import text\n\
             db.session.execute(text(\"INSERT INTO role (name) VALUES ('admin')\"))\n\
             db.session.execute(text(\"INSERT INTO user (username, email, role_id) VALUES ('a', 'a@x', 1)\"))\n\
             User.query.first().role",
        );
        let sent: Vec<&str> = steps[3].sql.iter().map(|e| e.statement.as_str()).collect();
        assert_eq!(steps[3].stdout, "<Role 1>\n");
        assert!(sent.contains(&role.load_sql.as_deref().expect("load sql")), "{sent:?}");

        let page = s.playground.rows("user", Some((1, true)), 0, 10);
        assert_eq!(page.columns, ["id", "username", "email", "role_id"]);
        assert_eq!(page.total, 1);
        assert_eq!(page.rows[0][1].as_deref(), Some("a"));
        assert_eq!(s.playground.schema().tables[0].row_count, Some(1));
    }
}
