//! Downloads: the DDL as a `.sql` file per dialect, and the project as a zip that runs with
//! real Flask (its files, `shell.txt` with the console lines, `requirements.txt` pinned to the
//! oracle's versions, a README with the `flask shell` steps). The zip is "stored" (no
//! compression: the files are small), so it needs only a CRC-32, written here.

use crate::flask::playground::{DialectName, TableView};

use super::Files;

/// The versions the oracle records with (`../shared/oracle/requirements.txt`): what
/// `pip install flask-sqlalchemy` gave when the oracle was set up.
pub const REQUIREMENTS: &str = "blinker==1.9.0
click==8.5.1
Flask==3.1.3
Flask-SQLAlchemy==3.1.1
itsdangerous==2.2.0
Jinja2==3.1.6
MarkupSafe==3.0.4
SQLAlchemy==2.1.9
typing_extensions==4.16.0
Werkzeug==3.1.9
";

/// The DDL of every table for `dialect`, each statement ended by `;`, as a `.sql` file: what
/// `db.create_all()` sends, the tables (with their indexes) first, then the foreign keys it
/// adds by ALTER once they all exist.
pub fn ddl_script(tables: &[TableView], dialect: DialectName) -> String {
    let mut out = format!(
        "-- The statements db.create_all() sends on {}, as SQLAlchemy 2.1.9 compiles the project's\n\
         -- metadata (tables in dependency order), exported from the Flask-SQLAlchemy Playground.\n\n",
        dialect.name()
    );
    let creates = tables.iter().filter_map(|t| t.ddl.get(dialect.index()));
    let alters = tables.iter().filter_map(|t| t.alters.get(dialect.index()));
    for ddl in creates.chain(alters).filter(|s| !s.is_empty()) {
        out.push_str(ddl);
        out.push_str(if ddl.starts_with("--") { "\n\n" } else { ";\n\n" });
    }
    out
}

/// What the page says when app.db cannot be downloaded (`error`: why the export failed).
pub fn db_problem(error: &str) -> String {
    if error.contains("busy or locked") {
        // sql.js refuses to export while a write transaction is open; the file a real flask
        // shell leaves on disk holds only what was committed, so ask for that.
        "app.db holds what was committed, and the session has a transaction open: commit it \
         (db.session.commit()) or roll it back (db.session.rollback()), then download again."
            .to_string()
    } else {
        format!("There is no app.db to download: {error}.")
    }
}

/// `shell.txt`: the console lines as the flask shell reads them (a block ends at a blank line).
pub fn shell_text(history: &[String]) -> String {
    let mut out = String::new();
    for line in history {
        let line = line.trim_end();
        out.push_str(line);
        out.push('\n');
        if line.contains('\n') {
            out.push('\n');
        }
    }
    out
}

/// The README of a downloaded project.
pub fn readme(name: &str, files: &Files, has_history: bool) -> String {
    let list: Vec<String> = files.files.iter().map(|f| format!("- `{}`", f.name)).collect();
    let mut out = format!(
        "# {name}\n\nA Flask-SQLAlchemy project made in the Flask-SQLAlchemy Playground.\n\n{}\n\
         - `requirements.txt`: the versions the playground reproduces (Flask 3.1.3, Flask-SQLAlchemy 3.1.1, \
         SQLAlchemy 2.1.9)\n",
        list.join("\n")
    );
    if has_history {
        out.push_str("- `shell.txt`: the lines typed into the playground's console\n");
    }
    out.push_str(
        "\n## Run it\n\n\
         ```sh\n\
         python3 -m venv .venv\n\
         . .venv/bin/activate            # Windows: .venv\\Scripts\\activate\n\
         pip install -r requirements.txt\n\
         flask --app app shell\n\
         ```\n\n\
         The shell has `app`, `db` and every model. Create the tables first (the playground's Run \
         does this for you):\n\n\
         ```python\n\
         >>> db.create_all()\n\
         ```\n\n",
    );
    if has_history {
        out.push_str("Then type the lines of `shell.txt`, one statement at a time (a block ends at a blank line).\n\n");
    }
    out.push_str(
        "To see the SQL that each line sends, as the playground shows it, set \
         `SQLALCHEMY_ECHO = True` in `config.py`.\n",
    );
    out
}

/// The project as zip entries: its files, `requirements.txt`, `README.md`, and `shell.txt`
/// when there are console lines; all under a folder named `stem`.
pub fn project_entries(stem: &str, name: &str, files: &Files, history: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<(String, Vec<u8>)> =
        files.files.iter().map(|f| (format!("{stem}/{}", f.name), f.text.as_bytes().to_vec())).collect();
    entries.push((format!("{stem}/requirements.txt"), REQUIREMENTS.as_bytes().to_vec()));
    entries.push((format!("{stem}/README.md"), readme(name, files, !history.is_empty()).into_bytes()));
    if !history.is_empty() {
        entries.push((format!("{stem}/shell.txt"), shell_text(history).into_bytes()));
    }
    entries
}

/// CRC-32 (IEEE, as zip and gzip use it).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// A zip archive holding `entries` uncompressed ("stored"), dated 1980-01-01 00:00.
pub fn zip_stored(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, v: usize) {
        out.extend_from_slice(&(v as u16).to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    // version 2.0, flags: bit 11 (names are UTF-8), method 0 (stored), time 0, date 1980-01-01.
    fn common(out: &mut Vec<u8>, name: &str, data: &[u8]) {
        out.extend_from_slice(&[20, 0, 0, 8, 0, 0, 0, 0, 0x21, 0]);
        u32le(out, crc32(data));
        u32le(out, data.len() as u32);
        u32le(out, data.len() as u32);
        u16le(out, name.len());
        u16le(out, 0);
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        u32le(&mut out, 0x0403_4b50);
        common(&mut out, name, data);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, 20);
        common(&mut central, name, data);
        // comment length, disk, internal attributes, external attributes, offset
        central.extend_from_slice(&[0; 10]);
        u32le(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let start = out.len() as u32;
    let size = central.len() as u32;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    u32le(&mut out, 0);
    u16le(&mut out, entries.len());
    u16le(&mut out, entries.len());
    u32le(&mut out, size);
    u32le(&mut out, start);
    u16le(&mut out, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ProjectFile;

    #[test]
    fn crc32_of_the_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn requirements_are_the_oracles() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/oracle/requirements.txt");
        if let Ok(oracle) = std::fs::read_to_string(path) {
            assert_eq!(REQUIREMENTS.trim(), oracle.trim());
        }
    }

    /// Python's zipfile opens it (when python3 is there): names, contents and CRCs.
    #[test]
    fn zip_opens_in_python() {
        let files = Files::new(vec![
            ProjectFile { name: "app.py".into(), text: "é = 1\n".into() },
            ProjectFile { name: "blog/models.py".into(), text: String::new() },
        ]);
        let entries = project_entries("p", "P", &files, &["x = 1".into(), "for i in []:\n    pass".into()]);
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["p/app.py", "p/blog/models.py", "p/requirements.txt", "p/README.md", "p/shell.txt"]);
        assert_eq!(entries[4].1, b"x = 1\nfor i in []:\n    pass\n\n");
        let zip = zip_stored(&entries);
        assert_eq!(&zip[..4], b"PK\x03\x04");
        let dir = std::env::temp_dir().join(format!("fsp-zip-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("p.zip");
        std::fs::write(&path, &zip).unwrap();
        let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n\
                      print(repr([(i.filename, z.read(i).decode()) for i in z.infolist()][:2]))";
        let Ok(out) = std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output() else {
            return;
        };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[('p/app.py', 'é = 1\\n'), ('p/blog/models.py', '')]");
    }

    #[test]
    fn ddl_scripts_end_each_statement() {
        let table = |name: &str, ddl: [&str; 3], alters: [&str; 3]| TableView {
            name: name.into(),
            model: None,
            row_count: None,
            columns: vec![],
            create_sql: String::new(),
            ddl: ddl.iter().map(|s| s.to_string()).collect(),
            alters: alters.iter().map(|s| s.to_string()).collect(),
        };
        let tables = [
            table(
                "a",
                ["CREATE TABLE a (\n\tid INTEGER\n)", "CREATE TABLE a (pg)", "-- sqlalchemy.exc.CompileError: no"],
                ["", "ALTER TABLE a ADD FOREIGN KEY(b_id) REFERENCES b (id)", ""],
            ),
            table("b", ["CREATE TABLE b (x)", "CREATE TABLE b (pg)", "CREATE TABLE b (my)"], ["", "", ""]),
        ];
        let sqlite = ddl_script(&tables, DialectName::Sqlite);
        assert!(sqlite.starts_with("-- The statements db.create_all() sends on sqlite,"));
        assert!(sqlite.ends_with("\n\nCREATE TABLE a (\n\tid INTEGER\n);\n\nCREATE TABLE b (x);\n\n"));
        let pg = ddl_script(&tables, DialectName::Postgresql);
        assert!(pg.ends_with(
            "\n\nCREATE TABLE a (pg);\n\nCREATE TABLE b (pg);\n\nALTER TABLE a ADD FOREIGN KEY(b_id) REFERENCES b (id);\n\n"
        ));
        let mysql = ddl_script(&tables, DialectName::Mysql);
        assert!(mysql.ends_with("-- sqlalchemy.exc.CompileError: no\n\nCREATE TABLE b (my);\n\n"));
    }

    #[test]
    fn db_problems_say_what_to_do() {
        let busy = "Unable to export: SQLite is busy or locked. Finish active write transactions before exporting.";
        assert!(db_problem(busy).contains("db.session.commit()"));
        assert_eq!(db_problem("the project has not run"), "There is no app.db to download: the project has not run.");
    }

    #[test]
    fn readme_names_the_files_and_the_shell_steps() {
        let files = Files::new(vec![ProjectFile { name: "app.py".into(), text: String::new() }]);
        let text = readme("Blog", &files, true);
        assert!(text.starts_with("# Blog\n"));
        assert!(text.contains("- `app.py`\n"));
        assert!(text.contains("flask --app app shell\n"));
        assert!(text.contains(">>> db.create_all()"));
        assert!(text.contains("shell.txt"));
        assert!(!readme("Blog", &files, false).contains("shell.txt"));
    }
}
