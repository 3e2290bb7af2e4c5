//! Saving: the project's files and the console transcript, kept in the browser's localStorage
//! under versioned keys so that a reload brings them back; several named playgrounds
//! ([`library`]); share links ([`share`]); downloads ([`export`]).
//!
//! Everything here is plain Rust (tested natively): the state the page edits ([`Files`],
//! [`Transcript`]), its stored format ([`encode`], [`restore`]) and when to write ([`Saver`]).
//! Only [`browser`] touches the browser, and it stays thin.
//!
//! The stored format (format 2: one playground under `fsp.v2.pg.<id>`, see [`library`]; format
//! 1, the one project under `fsp.v1.project`, had no `name` and is migrated by [`decode`]):
//!
//! ```json
//! {"version": 2, "name": "My playground", "active": "models.py",
//!  "files": [{"name": "config.py", "text": "..."}, ...],
//!  "transcript": [{"kind": "session", "note": "..."},
//!                 {"kind": "line", "input": "Role.query.all()", "stdout": "[<Role 1>]\n",
//!                  "warnings": [], "error": null, "error_detail": null,
//!                  "sql": [{"statement": "SELECT ...", "params": "()"}]}]}
//! ```
//!
//! A line whose statement raised also has `"traceback"`: the whole report the shell printed
//! (older entries without it still load).
//!
//! Architecture invariant: an entry that cannot be read is never overwritten before it has
//! been copied to a backup key; if the copy fails, saving pauses until the learner says so.

use serde_json::{Map, Value as Json};

use crate::flask::playground::SourceFile;
use crate::flask::record::{ErrorRecord, Step};

pub mod export;
pub mod lessons;
pub mod library;
pub mod share;

/// The storage key of format 1's one saved project (read once, to migrate it).
pub const V1_PROJECT_KEY: &str = "fsp.v1.project";
/// Prefix of the keys an unreadable entry is copied to (followed by a timestamp in ms).
pub const BACKUP_PREFIX: &str = "fsp.v1.unreadable.";
/// The format version written in every entry.
pub const FORMAT_VERSION: u32 = 2;
/// The name a playground gets when it has none (format 1's project, a new one).
pub const DEFAULT_NAME: &str = "My playground";
/// The transcript keeps at most this many items (oldest dropped first) to stay small.
pub const MAX_TRANSCRIPT: usize = 400;

/// One file of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFile {
    pub name: String,
    pub text: String,
}

/// The project's files and which one the editor shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    pub files: Vec<ProjectFile>,
    pub active: usize,
}

impl Files {
    /// The files, with the last one active (the tutorial's `models.py`).
    pub fn new(files: Vec<ProjectFile>) -> Files {
        let active = files.len().saturating_sub(1);
        Files { files, active }
    }

    /// The file the editor shows.
    pub fn active_file(&self) -> Option<&ProjectFile> {
        self.files.get(self.active)
    }

    /// The text of the file the editor shows ("" when there is none).
    pub fn active_text(&self) -> &str {
        self.active_file().map(|f| f.text.as_str()).unwrap_or("")
    }

    /// Shows file `index` in the editor (ignored when out of range).
    pub fn select(&mut self, index: usize) {
        if index < self.files.len() {
            self.active = index;
        }
    }

    /// Replaces the text of file `index`; false when nothing changed.
    pub fn set_text(&mut self, index: usize, text: String) -> bool {
        match self.files.get_mut(index) {
            Some(file) if file.text != text => {
                file.text = text;
                true
            }
            _ => false,
        }
    }

    /// Replaces every file (Reset to tutorial), keeping the same file active when it still
    /// exists.
    pub fn replace_all(&mut self, files: Vec<ProjectFile>) {
        let active_name = self.active_file().map(|f| f.name.clone());
        let active = active_name.and_then(|n| files.iter().position(|f| f.name == n));
        *self = Files::new(files);
        if let Some(i) = active {
            self.active = i;
        }
    }

    /// Adds an empty file and shows it; the error says why the name is refused.
    pub fn add(&mut self, name: &str) -> Result<(), String> {
        let name = check_file_name(name, self.files.iter().map(|f| f.name.as_str()))?;
        self.files.push(ProjectFile { name, text: String::new() });
        self.active = self.files.len() - 1;
        Ok(())
    }

    /// A file brought in (dropped, pasted): replaces the text of the file of that name, or is
    /// added; either way it is shown. True when it replaced one.
    pub fn put(&mut self, name: &str, text: String) -> Result<bool, String> {
        let name = name.trim().trim_start_matches("./");
        if let Some(i) = self.files.iter().position(|f| f.name == name) {
            self.files[i].text = text;
            self.active = i;
            return Ok(true);
        }
        let name = check_file_name(name, self.files.iter().map(|f| f.name.as_str()))?;
        self.files.push(ProjectFile { name, text });
        self.active = self.files.len() - 1;
        Ok(false)
    }

    /// Renames file `index`.
    pub fn rename(&mut self, index: usize, name: &str) -> Result<(), String> {
        let others = self.files.iter().enumerate().filter(|(i, _)| *i != index).map(|(_, f)| f.name.as_str());
        let name = check_file_name(name, others)?;
        match self.files.get_mut(index) {
            Some(f) => {
                f.name = name;
                Ok(())
            }
            None => Err("there is no such file".to_string()),
        }
    }

    /// Deletes file `index` (the last file stays: a project needs one).
    pub fn remove(&mut self, index: usize) -> Result<(), String> {
        if self.files.len() <= 1 {
            return Err("a project keeps at least one file".to_string());
        }
        if index >= self.files.len() {
            return Err("there is no such file".to_string());
        }
        self.files.remove(index);
        if self.active >= index && self.active > 0 {
            self.active -= 1;
        }
        Ok(())
    }

    /// The files as the engine takes them.
    pub fn sources(&self) -> Vec<SourceFile> {
        self.files.iter().map(|f| SourceFile { name: f.name.clone(), text: f.text.clone() }).collect()
    }
}

/// Checks a new file's name: a path of Python identifiers ending in `.py` (`models.py`,
/// `blog/__init__.py`), not taken yet. Returns it trimmed.
pub fn check_file_name<'a>(name: &str, taken: impl IntoIterator<Item = &'a str>) -> Result<String, String> {
    let name = name.trim().trim_start_matches("./");
    let Some(stem) = name.strip_suffix(".py") else {
        return Err(format!("{name:?} does not end in .py: the playground holds Python modules"));
    };
    let identifier = |p: &str| {
        let mut chars = p.chars();
        chars.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
    };
    if stem.is_empty() || !stem.split('/').all(identifier) {
        return Err(format!(
            "{name:?} cannot be imported: use letters, digits and _ (not starting with a digit), folders with /"
        ));
    }
    if taken.into_iter().any(|t| t == name) {
        return Err(format!("there is already a file named {name}"));
    }
    Ok(name.to_string())
}

/// One statement sent to the database as the console shows it: the SQL, and its parameters
/// as SQLAlchemy's echo prints them (`('admin',)`); none for `BEGIN (implicit)`, `COMMIT`,
/// `ROLLBACK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlLine {
    pub statement: String,
    pub params: Option<String>,
}

impl SqlLine {
    /// True for the transaction events (`BEGIN (implicit)`, `COMMIT`, `ROLLBACK`).
    pub fn is_transaction_event(&self) -> bool {
        self.params.is_none() && matches!(self.statement.trim(), "BEGIN (implicit)" | "COMMIT" | "ROLLBACK")
    }
}

/// One shell statement as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellLine {
    pub input: String,
    pub stdout: String,
    pub warnings: Vec<String>,
    /// The exception's last traceback line (`sqlalchemy.exc.IntegrityError: ...`).
    pub error: Option<String>,
    /// The exception's full `type: message` when it says more than the last line.
    pub error_detail: Option<String>,
    /// The whole traceback the flask shell prints for the error ("Traceback (most recent call
    /// last):", the frames with their source lines, then the exception).
    pub traceback: Option<String>,
    pub sql: Vec<SqlLine>,
}

impl ShellLine {
    /// The console's record of what a shell step did.
    pub fn from_step(step: &Step) -> ShellLine {
        let (error, error_detail) = match &step.error {
            Some(e) => (Some(error_last_line(e)), error_detail(e)),
            None => (None, None),
        };
        ShellLine {
            input: step.input.clone(),
            stdout: step.stdout.clone(),
            warnings: step.warnings.clone(),
            error,
            error_detail,
            traceback: step.traceback.clone(),
            sql: step
                .sql
                .iter()
                .map(|s| SqlLine { statement: s.statement.clone(), params: s.params.as_ref().map(python_params) })
                .collect(),
        }
    }
}

/// The last line of the traceback Python would print for `error`.
pub fn error_last_line(error: &ErrorRecord) -> String {
    match &error.last_line {
        Some(line) if !line.is_empty() => line.clone(),
        _ => format!("{}: {}", error.typ, error.message.lines().next().unwrap_or("")),
    }
}

/// `type: message` in full, when that says more than the last line (e.g. the `[SQL: ...]` and
/// `[parameters: ...]` lines of an IntegrityError).
pub fn error_detail(error: &ErrorRecord) -> Option<String> {
    let full = format!("{}: {}", error.typ, error.message);
    (full.trim() != error_last_line(error).trim()).then_some(full)
}

/// One item of the console transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranscriptItem {
    /// A statement and what it did.
    Line(ShellLine),
    /// A divider: a new shell session began (Run), or the page was reloaded.
    Session { note: String },
}

/// The console transcript: what was typed, in order, and what it did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    pub items: Vec<TranscriptItem>,
    /// How many items were dropped from the front (cleared or over [`MAX_TRANSCRIPT`]) since the
    /// page loaded: with it each item has a stable key for rendering. Not saved.
    pub dropped: u64,
}

impl Transcript {
    /// Appends a statement's record.
    pub fn push_line(&mut self, line: ShellLine) {
        self.items.push(TranscriptItem::Line(line));
        self.trim();
    }

    /// Appends a divider; a divider right before it is replaced rather than stacked.
    pub fn start_session(&mut self, note: &str) {
        if matches!(self.items.last(), Some(TranscriptItem::Session { .. })) {
            self.items.pop();
        }
        self.items.push(TranscriptItem::Session { note: note.to_string() });
        self.trim();
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.dropped += self.items.len() as u64;
        self.items.clear();
    }

    /// The items with a key that stays the same while the item is shown.
    pub fn keyed(&self) -> Vec<(u64, TranscriptItem)> {
        self.items.iter().cloned().enumerate().map(|(i, item)| (self.dropped + i as u64, item)).collect()
    }

    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// What was typed, oldest first (the console's history).
    pub fn inputs(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| match i {
                TranscriptItem::Line(l) => Some(l.input.trim_end().to_string()),
                TranscriptItem::Session { .. } => None,
            })
            .collect()
    }

    fn trim(&mut self) {
        if self.items.len() > MAX_TRANSCRIPT {
            let extra = self.items.len() - MAX_TRANSCRIPT;
            self.items.drain(..extra);
            self.dropped += extra as u64;
        }
    }
}

/// A saved playground: its name, files and console transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub name: String,
    pub files: Files,
    pub transcript: Transcript,
}

/// The stored text of a playground (format [`FORMAT_VERSION`]): compact JSON, written by hand
/// around serde_json's string quoting (derived serializers and deserializers for these types
/// cost the page about 20 kB of wasm; the text is the same as theirs).
pub fn encode(name: &str, files: &Files, transcript: &Transcript) -> String {
    let active = files.active_file().map(|f| f.name.as_str()).unwrap_or("");
    let mut out =
        format!("{{\"version\":{FORMAT_VERSION},\"name\":{},\"active\":{},\"files\":[", quote(name), quote(active));
    for (i, f) in files.files.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{{\"name\":{},\"text\":{}}}", quote(&f.name), quote(&f.text)));
    }
    out.push_str("],\"transcript\":[");
    for (i, item) in transcript.items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            TranscriptItem::Session { note } => {
                out.push_str(&format!("{{\"kind\":\"session\",\"note\":{}}}", quote(note)))
            }
            TranscriptItem::Line(l) => {
                let list =
                    |items: &mut dyn Iterator<Item = String>| format!("[{}]", items.collect::<Vec<_>>().join(","));
                let warnings = list(&mut l.warnings.iter().map(|w| quote(w)));
                let sql =
                    list(&mut l.sql.iter().map(|q| {
                        format!("{{\"statement\":{},\"params\":{}}}", quote(&q.statement), quote_opt(&q.params))
                    }));
                out.push_str(&format!(
                    "{{\"kind\":\"line\",\"input\":{},\"stdout\":{},\"warnings\":{warnings},\"error\":{},\"error_detail\":{}",
                    quote(&l.input),
                    quote(&l.stdout),
                    quote_opt(&l.error),
                    quote_opt(&l.error_detail)
                ));
                if let Some(t) = &l.traceback {
                    out.push_str(&format!(",\"traceback\":{}", quote(t)));
                }
                out.push_str(&format!(",\"sql\":{sql}}}"));
            }
        }
    }
    out.push_str("]}");
    out
}

/// A string as a JSON string literal.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

fn quote_opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "null".to_string(), quote)
}

/// Reading a stored entry's fields: what is wrong is named in the error (`it is damaged
/// (...)`). A missing optional field, or null for an optional one, is its default.
struct Fields<'a>(&'a Map<String, Json>, &'static str);

impl<'a> Fields<'a> {
    fn of(value: &'a Json, what: &'static str) -> Result<Fields<'a>, String> {
        value.as_object().map(|m| Fields(m, what)).ok_or_else(|| damaged(format!("{what} is not an object")))
    }
    fn string(&self, key: &str) -> Result<String, String> {
        self.opt_string(key, false)?.ok_or_else(|| damaged(format!("{} has no {key}", self.1)))
    }
    /// A string that may be missing; `null` counts as missing only when `nullable`.
    fn opt_string(&self, key: &str, nullable: bool) -> Result<Option<String>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Json::Null) if nullable => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(damaged(format!("{key} of {} is not a string", self.1))),
        }
    }
    fn list(&self, key: &str) -> Result<&'a [Json], String> {
        match self.0.get(key) {
            None => Ok(&[]),
            Some(Json::Array(items)) => Ok(items),
            Some(_) => Err(damaged(format!("{key} of {} is not a list", self.1))),
        }
    }
}

fn damaged(what: String) -> String {
    format!("it is damaged ({what})")
}

fn transcript_item(value: &Json) -> Result<TranscriptItem, String> {
    let item = Fields::of(value, "a console line")?;
    match item.string("kind")?.as_str() {
        "session" => Ok(TranscriptItem::Session { note: item.string("note")? }),
        "line" => Ok(TranscriptItem::Line(ShellLine {
            input: item.string("input")?,
            stdout: item.opt_string("stdout", false)?.unwrap_or_default(),
            warnings: item
                .list("warnings")?
                .iter()
                .map(|w| w.as_str().map(str::to_string).ok_or_else(|| damaged("a warning is not a string".into())))
                .collect::<Result<_, _>>()?,
            error: item.opt_string("error", true)?,
            error_detail: item.opt_string("error_detail", true)?,
            traceback: item.opt_string("traceback", true)?,
            sql: item
                .list("sql")?
                .iter()
                .map(|q| {
                    let q = Fields::of(q, "an SQL line")?;
                    Ok(SqlLine { statement: q.string("statement")?, params: q.opt_string("params", true)? })
                })
                .collect::<Result<_, String>>()?,
        })),
        other => Err(damaged(format!("unknown kind of console line {other:?}"))),
    }
}

/// Reads a stored playground of format 1 or 2; the error says, for the learner, what is wrong
/// with it. Migration from format 1 (`fsp.v1.project`, one unnamed project): the same fields,
/// named [`DEFAULT_NAME`].
pub fn decode(text: &str) -> Result<Saved, String> {
    let value: Json = serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    match value.get("version").and_then(Json::as_u64) {
        Some(v) if (1..=u64::from(FORMAT_VERSION)).contains(&v) => {}
        Some(v) if v > u64::from(FORMAT_VERSION) => {
            return Err(format!("it was written by a newer version of the playground (format {v})"))
        }
        Some(v) => return Err(format!("it has an unknown format version ({v})")),
        None => return Err("it has no format version".to_string()),
    }
    let wire = Fields::of(&value, "the entry")?;
    let Some(Json::Array(listed)) = wire.0.get("files") else {
        return Err(damaged("files is not a list".into()));
    };
    let listed = listed
        .iter()
        .map(|f| {
            let f = Fields::of(f, "a file")?;
            Ok(ProjectFile { name: f.string("name")?, text: f.string("text")? })
        })
        .collect::<Result<Vec<_>, String>>()?;
    if listed.is_empty() {
        return Err("it has no files".to_string());
    }
    let items = wire.list("transcript")?.iter().map(transcript_item).collect::<Result<Vec<_>, _>>()?;
    let mut files = Files::new(listed);
    if let Some(i) = wire.opt_string("active", true)?.and_then(|a| files.files.iter().position(|f| f.name == a)) {
        files.active = i;
    }
    let mut transcript = Transcript { items, dropped: 0 };
    transcript.trim();
    let name = wire.opt_string("name", true)?.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    Ok(Saved { name: name.unwrap_or_else(|| DEFAULT_NAME.to_string()), files, transcript })
}

/// What was found under a playground's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restored {
    /// Nothing saved: open the tutorial.
    Nothing,
    /// The saved playground.
    Project(Saved),
    /// Something that cannot be read: keep it (backup key), open the tutorial, say why.
    Unreadable(String),
}

/// Decides what a stored entry gives back.
pub fn restore(raw: Option<&str>) -> Restored {
    match raw {
        None => Restored::Nothing,
        Some(text) => match decode(text) {
            Ok(saved) => Restored::Project(saved),
            Err(reason) => Restored::Unreadable(reason),
        },
    }
}

/// The key an unreadable entry is copied to, made unique by the time (ms since the epoch) and
/// the playground's id.
pub fn backup_key(now_ms: f64, id: &str) -> String {
    let ms = now_ms.max(0.0) as u64;
    if id.is_empty() {
        format!("{BACKUP_PREFIX}{ms}")
    } else {
        format!("{BACKUP_PREFIX}{ms}.{id}")
    }
}

/// The console lines that built the database as it is now: those typed since the last Run
/// (the `db.create_all()` that Run itself types left out). Replayed after a reload and sent in
/// share links.
pub fn replay_lines(transcript: &Transcript, run_note: &str, create_all: &str) -> Vec<ShellLine> {
    let start = transcript
        .items
        .iter()
        .rposition(|i| matches!(i, TranscriptItem::Session { note } if note == run_note))
        .map_or(0, |i| i + 1);
    let mut lines: Vec<ShellLine> = transcript.items[start..]
        .iter()
        .filter_map(|i| match i {
            TranscriptItem::Line(l) => Some(l.clone()),
            TranscriptItem::Session { .. } => None,
        })
        .collect();
    if start > 0 && lines.first().is_some_and(|l| l.input == create_all) {
        lines.remove(0);
    }
    lines
}

/// When to write: only what changed since the last successful write, and never while paused
/// (an unreadable entry that could not be backed up is still under the key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saver {
    last_written: Option<String>,
    /// True while saving would overwrite something that was not backed up.
    pub paused: bool,
}

impl Saver {
    /// A saver that knows `text` is what is stored already.
    pub fn stored(text: String) -> Saver {
        Saver { last_written: Some(text), paused: false }
    }

    /// True when `text` should be written now.
    pub fn needs_write(&self, text: &str) -> bool {
        !self.paused && self.last_written.as_deref() != Some(text)
    }

    /// Records a successful write.
    pub fn wrote(&mut self, text: String) {
        self.last_written = Some(text);
    }
}

/// Renders a statement's parameters as SQLAlchemy's echo log does: a tuple for one execution
/// (`('admin',)`), a list of tuples for executemany, a dict for named parameters.
pub fn python_params(params: &Json) -> String {
    match params {
        Json::Array(items) if !items.is_empty() && items.iter().all(|i| i.is_array() || i.is_object()) => {
            let rows: Vec<String> = items.iter().map(python_params).collect();
            format!("[{}]", rows.join(", "))
        }
        Json::Array(items) => python_tuple(items),
        other => python_repr(other),
    }
}

fn python_tuple(items: &[Json]) -> String {
    match items {
        [one] => format!("({},)", python_repr(one)),
        _ => format!("({})", items.iter().map(python_repr).collect::<Vec<_>>().join(", ")),
    }
}

/// `repr()` of a JSON value as Python would print the equivalent object.
pub fn python_repr(value: &Json) -> String {
    match value {
        Json::Null => "None".to_string(),
        Json::Bool(true) => "True".to_string(),
        Json::Bool(false) => "False".to_string(),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => crate::python::format::float_repr(f),
            _ => n.to_string(),
        },
        Json::String(s) => crate::python::format::str_repr(s),
        Json::Array(items) => format!("[{}]", items.iter().map(python_repr).collect::<Vec<_>>().join(", ")),
        Json::Object(map) => {
            let pairs: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", crate::python::format::str_repr(k), python_repr(v)))
                .collect();
            format!("{{{}}}", pairs.join(", "))
        }
    }
}

/// The browser side: localStorage, reached through `web_sys` so that a browser that refuses
/// storage (disabled, private mode) gives an error instead of a thrown exception.
#[cfg(target_arch = "wasm32")]
pub mod browser {
    use super::library::{self, entry_key, id_of_key, Listed, CURRENT_KEY};
    use super::*;

    /// What start-up found, and what the learner should be told.
    pub struct Loaded {
        /// The playground that opens (a new one, not written yet, when there is none).
        pub current: Listed,
        /// Its files and transcript, if it was read.
        pub project: Option<(Files, Transcript)>,
        /// Problems to show (unreadable entries, storage unavailable, a failed migration).
        pub problems: Vec<String>,
        /// The saver to use from now on (paused when storage cannot be used).
        pub saver: Saver,
        /// Every readable playground.
        pub list: Vec<Listed>,
    }

    fn storage() -> Result<web_sys::Storage, String> {
        // gloo-storage's `LocalStorage::raw()` throws when storage is refused: ask first.
        let window = web_sys::window().ok_or("there is no window")?;
        match window.local_storage() {
            Ok(Some(_)) => Ok(<gloo_storage::LocalStorage as gloo_storage::Storage>::raw()),
            _ => Err("this browser does not let the page use its storage".to_string()),
        }
    }

    fn describe(e: wasm_bindgen::JsValue) -> String {
        use wasm_bindgen::JsCast;
        if let Some(err) = e.dyn_ref::<js_sys::Error>() {
            let name = String::from(err.name());
            if name == "QuotaExceededError" {
                return "this browser's storage for the page is full".to_string();
            }
            return String::from(err.message());
        }
        e.as_string().unwrap_or_else(|| "the storage is full or disabled".to_string())
    }

    /// Every stored playground's id and text.
    fn entries(storage: &web_sys::Storage) -> Vec<(String, String)> {
        let n = storage.length().unwrap_or(0);
        let keys: Vec<String> = (0..n).filter_map(|i| storage.key(i).ok().flatten()).collect();
        keys.iter()
            .filter_map(|k| {
                let id = id_of_key(k)?;
                Some((id.to_string(), storage.get_item(k).ok().flatten()?))
            })
            .collect()
    }

    /// Copies an unreadable entry to a backup key, then removes it (it is never overwritten);
    /// says what happened.
    fn set_aside(storage: &web_sys::Storage, key: &str, id: &str, raw: &str, reason: &str) -> String {
        let backup = backup_key(js_sys::Date::now(), id);
        match storage.set_item(&backup, raw) {
            Ok(()) => {
                let _ = storage.remove_item(key);
                format!(
                    "Saved work could not be read: {reason}. It is kept in this browser's storage under the \
                     key \"{backup}\"."
                )
            }
            Err(e) => format!(
                "Saved work could not be read: {reason}. It could not be copied to a backup ({}), so it stays \
                 untouched under the key \"{key}\" and is not opened.",
                describe(e)
            ),
        }
    }

    /// Reads the playgrounds, sets unreadable ones aside, migrates format 1's project, and
    /// picks the one to open.
    pub fn load() -> Loaded {
        let fresh = |list: Vec<Listed>| Listed {
            id: library::new_id(js_sys::Date::now(), list.iter().map(|l| l.id.as_str())),
            name: library::unique_name(DEFAULT_NAME, list.iter().map(|l| l.name.as_str())),
        };
        let storage = match storage() {
            Ok(s) => s,
            Err(e) => {
                return Loaded {
                    current: fresh(vec![]),
                    project: None,
                    problems: vec![format!("Your work cannot be saved: {e}.")],
                    saver: Saver { paused: true, ..Saver::default() },
                    list: vec![],
                }
            }
        };
        let mut problems = Vec::new();
        let mut list = Vec::new();
        let mut opened: Vec<(String, Saved)> = Vec::new();
        for (id, raw) in entries(&storage) {
            match decode(&raw) {
                Ok(saved) => {
                    list.push(Listed { id: id.clone(), name: saved.name.clone() });
                    opened.push((id, saved));
                }
                Err(reason) => problems.push(set_aside(&storage, &entry_key(&id), &id, &raw, &reason)),
            }
        }
        // Format 1: one project under fsp.v1.project, moved to a playground of its own.
        if let Ok(Some(raw)) = storage.get_item(V1_PROJECT_KEY) {
            match decode(&raw) {
                Ok(saved) => {
                    let id = library::new_id(js_sys::Date::now(), list.iter().map(|l| l.id.as_str()));
                    let text = encode(&saved.name, &saved.files, &saved.transcript);
                    match storage.set_item(&entry_key(&id), &text) {
                        Ok(()) => {
                            let _ = storage.remove_item(V1_PROJECT_KEY);
                            let _ = storage.set_item(CURRENT_KEY, &id);
                        }
                        Err(e) => problems.push(format!(
                            "Your saved work could not be moved to this version's format ({}): it is opened, and \
                             kept as it was under the key \"{V1_PROJECT_KEY}\".",
                            describe(e)
                        )),
                    }
                    list.push(Listed { id: id.clone(), name: saved.name.clone() });
                    opened.push((id, saved));
                }
                Err(reason) => problems.push(set_aside(&storage, V1_PROJECT_KEY, "", &raw, &reason)),
            }
        }
        let list = library::sorted(list);
        let stored_current = storage.get_item(CURRENT_KEY).ok().flatten();
        let pick = library::pick_current(stored_current.as_deref(), &list).map(str::to_string);
        let found = pick.and_then(|id| opened.into_iter().find(|(i, _)| *i == id));
        let (current, project) = match found {
            Some((id, saved)) => (Listed { id, name: saved.name }, Some((saved.files, saved.transcript))),
            None => (fresh(list.clone()), None),
        };
        if stored_current.as_deref() != Some(current.id.as_str()) {
            let _ = storage.set_item(CURRENT_KEY, &current.id);
        }
        Loaded { current, project, problems, saver: Saver::default(), list }
    }

    /// The readable playgrounds, sorted.
    pub fn list() -> Vec<Listed> {
        let Ok(storage) = storage() else { return vec![] };
        let list = entries(&storage)
            .into_iter()
            .filter_map(|(id, raw)| decode(&raw).ok().map(|s| Listed { id, name: s.name }))
            .collect();
        library::sorted(list)
    }

    /// Reads playground `id`.
    pub fn read(id: &str) -> Result<Saved, String> {
        let raw = storage()?.get_item(&entry_key(id)).map_err(describe)?;
        decode(&raw.ok_or("it is not in this browser's storage any more")?)
    }

    /// Writes playground `id`'s text; on failure what was saved before stays as it was.
    pub fn save(id: &str, text: &str) -> Result<(), String> {
        storage()?.set_item(&entry_key(id), text).map_err(describe)
    }

    /// Deletes playground `id`.
    pub fn remove(id: &str) -> Result<(), String> {
        storage()?.remove_item(&entry_key(id)).map_err(describe)
    }

    /// Makes `id` the playground that opens next.
    pub fn set_current(id: &str) -> Result<(), String> {
        storage()?.set_item(CURRENT_KEY, id).map_err(describe)
    }

    /// An id no playground has.
    pub fn new_id() -> String {
        let list = list();
        library::new_id(js_sys::Date::now(), list.iter().map(|l| l.id.as_str()))
    }

    /// The lessons' state as start-up found it, and what the learner should be told.
    pub struct LessonsLoaded {
        pub progress: lessons::Progress,
        pub problems: Vec<String>,
    }

    /// Reads the lessons' state (an unreadable one is set aside like a playground), migrating
    /// the first cut's: its progress, and its put-aside copy of the learner's files, which goes
    /// back into the learner's playground while the step's files move to a playground of their
    /// own (named `lesson_name(step)`), the one that opens. Runs before [`load`]: it may change
    /// which playground opens. Nothing of the first cut is removed before its new form is
    /// written.
    pub fn load_lessons(lesson_name: &dyn Fn(&str) -> String) -> LessonsLoaded {
        use lessons::{decode_v1, Progress, LESSONS_KEY, V1_PROGRESS_KEY, V1_STASH_KEY};
        let mut problems = Vec::new();
        let Ok(storage) = storage() else { return LessonsLoaded { progress: Progress::default(), problems } };
        let mut progress = match storage.get_item(LESSONS_KEY).ok().flatten() {
            None => Progress::default(),
            Some(raw) => Progress::decode(&raw).unwrap_or_else(|reason| {
                problems.push(
                    set_aside(&storage, LESSONS_KEY, "lessons", &raw, &reason)
                        .replace("Saved work could not be read", "Your lesson progress could not be read"),
                );
                Progress::default()
            }),
        };
        let Some(v1) = storage.get_item(V1_PROGRESS_KEY).ok().flatten() else {
            return LessonsLoaded { progress, problems };
        };
        let (done, started) = decode_v1(&v1).unwrap_or_default();
        for d in &done {
            progress.mark_done(d);
        }
        let mut moved = true;
        if let Some(raw) = storage.get_item(V1_STASH_KEY).ok().flatten() {
            moved = match decode(&raw) {
                Err(reason) => {
                    problems.push(set_aside(&storage, V1_STASH_KEY, "lessons", &raw, &reason));
                    true
                }
                Ok(stash) => match migrate_stash(&storage, &mut progress, stash, started.as_deref(), lesson_name) {
                    Ok(()) => storage.remove_item(V1_STASH_KEY).is_ok(),
                    Err(e) => {
                        problems.push(format!(
                            "Your files put aside by a lesson could not be moved back into your playground ({e}): \
                             they are kept as they were under the key \"{V1_STASH_KEY}\"."
                        ));
                        false
                    }
                },
            };
        }
        match storage.set_item(LESSONS_KEY, &progress.encode()) {
            Ok(()) if moved => {
                let _ = storage.remove_item(V1_PROGRESS_KEY);
            }
            Ok(()) => {}
            Err(e) => problems.push(format!(
                "Your lesson progress could not be moved to this version's format ({}): it is kept as it was \
                 under the key \"{V1_PROGRESS_KEY}\".",
                describe(e)
            )),
        }
        LessonsLoaded { progress, problems }
    }

    /// The first cut's stash: the learner's files go back into the open playground, whose
    /// present files (the started step's) move to a new playground of the step's.
    fn migrate_stash(
        storage: &web_sys::Storage,
        progress: &mut lessons::Progress,
        stash: Saved,
        started: Option<&str>,
        lesson_name: &dyn Fn(&str) -> String,
    ) -> Result<(), String> {
        let taken: Vec<String> = entries(storage).into_iter().map(|(id, _)| id).collect();
        let new_id = library::new_id(js_sys::Date::now(), taken.iter().map(String::as_str));
        let current = storage.get_item(CURRENT_KEY).ok().flatten().filter(|c| taken.contains(c));
        let open = current.as_deref().and_then(|c| Some((c, decode(&storage.get_item(&entry_key(c)).ok()??).ok()?)));
        let (Some(step), Some((current, saved))) = (started, open) else {
            // No step was open: the stash becomes a playground of its own.
            let text = encode("My files (put aside by a lesson)", &stash.files, &Transcript::default());
            return storage.set_item(&entry_key(&new_id), &text).map_err(describe);
        };
        let lesson = encode(&lesson_name(step), &saved.files, &saved.transcript);
        storage.set_item(&entry_key(&new_id), &lesson).map_err(describe)?;
        let mine = encode(&saved.name, &stash.files, &Transcript::default());
        if let Err(e) = storage.set_item(&entry_key(current), &mine) {
            let _ = storage.remove_item(&entry_key(&new_id));
            return Err(describe(e));
        }
        progress.set_playground(step, &new_id);
        progress.back_to = Some(current.to_string());
        let _ = storage.set_item(CURRENT_KEY, &new_id);
        Ok(())
    }

    /// Writes the lessons' state; on failure what was saved before stays as it was.
    pub fn save_lessons(progress: &lessons::Progress) -> Result<(), String> {
        storage()?.set_item(lessons::LESSONS_KEY, &progress.encode()).map_err(describe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_brought_in_replaces_its_namesake_or_is_added() {
        let mut files = Files::new(vec![ProjectFile { name: "app.py".into(), text: "a".into() }]);
        assert_eq!(files.put("models.py", "m".into()), Ok(false));
        assert_eq!((files.files.len(), files.active), (2, 1));
        assert_eq!(files.put("app.py", "b".into()), Ok(true));
        assert_eq!((files.files[0].text.as_str(), files.active), ("b", 0));
        assert!(files.put("notes.txt", "x".into()).is_err());
        assert_eq!(files.files.len(), 2);
    }

    #[test]
    fn files_are_added_renamed_and_removed() {
        let mut f = Files::new(vec![ProjectFile { name: "app.py".into(), text: "x".into() }]);
        assert!(f.add("models").unwrap_err().contains(".py"));
        assert!(f.add("2models.py").unwrap_err().contains("cannot be imported"));
        assert!(f.add("app.py").unwrap_err().contains("already"));
        f.add("blog/__init__.py").unwrap();
        assert_eq!(f.active, 1);
        f.rename(1, "blog/models.py").unwrap();
        assert!(f.rename(1, "app.py").is_err());
        f.remove(1).unwrap();
        assert_eq!((f.files.len(), f.active), (1, 0));
        assert!(f.remove(0).is_err());
    }
    use crate::flask::record::SqlEntry;
    use serde_json::json;

    fn files() -> Files {
        Files::new(vec![
            ProjectFile { name: "config.py".into(), text: "A = 1\n".into() },
            ProjectFile { name: "models.py".into(), text: "x = 1\n".into() },
        ])
    }

    fn line(input: &str) -> ShellLine {
        ShellLine {
            input: input.into(),
            stdout: String::new(),
            warnings: vec![],
            error: None,
            error_detail: None,
            traceback: None,
            sql: vec![],
        }
    }

    #[test]
    fn round_trips_name_files_active_file_and_transcript() {
        let mut f = files();
        f.select(0);
        let mut t = Transcript::default();
        t.start_session("Run");
        t.push_line(ShellLine {
            stdout: "[<Role 1>]\n".into(),
            sql: vec![SqlLine { statement: "SELECT 1".into(), params: Some("()".into()) }],
            ..line("Role.query.all()")
        });
        let text = encode("Blog <b>", &f, &t);
        assert!(text.starts_with(r#"{"version":2,"name":"Blog <b>","active":"config.py""#), "{text}");
        assert!(text.contains(r#"{"kind":"session","note":"Run"}"#), "{text}");
        let saved = Saved { name: "Blog <b>".into(), files: f, transcript: t };
        assert_eq!(decode(&text), Ok(saved.clone()));
        assert_eq!(restore(Some(&text)), Restored::Project(saved));
    }

    /// Format 1 (`fsp.v1.project`, as the previous version wrote it) reads as a playground
    /// named "My playground" with the same files, active file and transcript.
    #[test]
    fn format_1_migrates() {
        let v1 = r#"{"version":1,"active":"config.py","files":[{"name":"config.py","text":"A = 1\n"},{"name":"models.py","text":"x = 1\n"}],"transcript":[{"kind":"session","note":"Run"},{"kind":"line","input":"1","stdout":"1\n","warnings":[],"error":null,"error_detail":null,"sql":[]}]}"#;
        let saved = decode(v1).unwrap();
        assert_eq!(saved.name, DEFAULT_NAME);
        let mut f = files();
        f.select(0);
        assert_eq!(saved.files, f);
        assert_eq!(saved.transcript.inputs(), ["1"]);
        let v2 = encode(&saved.name, &saved.files, &saved.transcript);
        assert!(v2.starts_with(r#"{"version":2,"name":"My playground","#));
        assert_eq!(decode(&v2), Ok(saved));
    }

    /// The hand-written encoder writes what serde's derived serializer wrote (the same fields in
    /// the same order, compact), so an entry read and written again is the same text.
    #[test]
    fn encodes_as_the_derived_serializer_did() {
        let text = r#"{"version":2,"name":"Blog","active":"models.py","files":[{"name":"config.py","text":"A = \"1\"\n"},{"name":"models.py","text":"x = 1\n"}],"transcript":[{"kind":"session","note":"Run"},{"kind":"line","input":"1/0","stdout":"","warnings":["w"],"error":"ZeroDivisionError: division by zero","error_detail":null,"traceback":"Traceback (most recent call last):\n","sql":[]},{"kind":"line","input":"q","stdout":"x\n","warnings":[],"error":null,"error_detail":null,"sql":[{"statement":"BEGIN (implicit)","params":null},{"statement":"SELECT ?","params":"(1,)"}]}]}"#;
        let saved = decode(text).unwrap();
        assert_eq!(encode(&saved.name, &saved.files, &saved.transcript), text);
        let why = |text: &str| decode(text).unwrap_err();
        assert!(why(r#"{"version":2,"files":[{"name":"a.py"}]}"#).contains("damaged (a file has no text)"));
        assert!(why(r#"{"version":2,"files":[{"name":"a.py","text":""}],"transcript":[{"kind":"line","input":"1","stdout":null}]}"#)
            .contains("damaged (stdout of a console line is not a string)"));
        assert!(why(r#"{"version":2,"files":[{"name":"a.py","text":""}],"transcript":{}}"#).contains("damaged"));
    }

    #[test]
    fn replay_takes_the_lines_since_the_last_run() {
        let mut t = Transcript::default();
        assert!(replay_lines(&t, "Run", "db.create_all()").is_empty());
        t.push_line(line("a"));
        t.start_session("Run");
        t.push_line(line("db.create_all()"));
        t.push_line(line("b"));
        t.start_session("restored");
        t.push_line(line("c"));
        let inputs = |t: &Transcript| -> Vec<String> {
            replay_lines(t, "Run", "db.create_all()").into_iter().map(|l| l.input).collect()
        };
        assert_eq!(inputs(&t), ["b", "c"]);
        t.start_session("Run");
        t.push_line(line("db.create_all()"));
        t.push_line(line("db.create_all()"));
        assert_eq!(inputs(&t), ["db.create_all()"], "only the line Run typed is left out");
        let mut lost = Transcript::default();
        lost.push_line(line("db.create_all()"));
        assert_eq!(inputs(&lost), ["db.create_all()"], "no Run divider (dropped): every line");
    }

    #[test]
    fn unreadable_entries_say_why() {
        assert_eq!(restore(None), Restored::Nothing);
        let why = |text: &str| match restore(Some(text)) {
            Restored::Unreadable(reason) => reason,
            other => panic!("{other:?}"),
        };
        assert!(why("{not json").contains("not valid JSON"));
        assert!(why(r#"{"files": []}"#).contains("no format version"));
        assert!(why(r#"{"version": 1, "files": 3}"#).contains("damaged"));
        assert!(why(r#"{"version": 1, "files": []}"#).contains("no files"));
        assert!(why(r#"{"version": 9, "files": [], "transcript": []}"#).contains("newer"));
        assert!(why(r#"{"version": 1, "files": [{"name": "a.py", "text": ""}], "transcript": [{"kind": "x"}]}"#)
            .contains("damaged"));
    }

    #[test]
    fn missing_optional_fields_default() {
        let Saved { files: f, transcript: t, .. } =
            decode(r#"{"version": 1, "files": [{"name": "a.py", "text": "x"}, {"name": "b.py", "text": ""}]}"#)
                .unwrap();
        assert_eq!(f.active, 1);
        assert!(t.is_empty());
        let Saved { files: f, transcript: t, .. } = decode(
            r#"{"version": 2, "name": " ", "active": "a.py", "files": [{"name": "a.py", "text": "x"}, {"name": "b.py", "text": ""}],
                "transcript": [{"kind": "line", "input": "1"}]}"#,
        )
        .unwrap();
        assert_eq!(f.active, 0);
        assert_eq!(t.items, vec![TranscriptItem::Line(line("1"))]);
    }

    #[test]
    fn files_edit_select_and_reset() {
        let mut f = files();
        assert_eq!(f.active_text(), "x = 1\n");
        assert!(f.set_text(1, "y = 2\n".into()));
        assert!(!f.set_text(1, "y = 2\n".into()));
        assert!(!f.set_text(7, "z".into()));
        f.select(9);
        assert_eq!(f.active, 1);
        f.replace_all(files().files);
        assert_eq!(f.active_text(), "x = 1\n");
        assert_eq!(f.active, 1);
        assert_eq!(f.sources()[0], SourceFile { name: "config.py".into(), text: "A = 1\n".into() });
    }

    #[test]
    fn transcript_history_dividers_and_cap() {
        let mut t = Transcript::default();
        t.start_session("restored");
        t.start_session("Run");
        assert_eq!(t.items.len(), 1, "dividers do not stack");
        t.push_line(line("for u in users:\n    print(u)\n"));
        t.push_line(line("x"));
        assert_eq!(t.inputs(), vec!["for u in users:\n    print(u)".to_string(), "x".to_string()]);
        for i in 0..MAX_TRANSCRIPT + 5 {
            t.push_line(line(&i.to_string()));
        }
        assert_eq!(t.items.len(), MAX_TRANSCRIPT);
        let keys: Vec<u64> = t.keyed().iter().map(|(k, _)| *k).collect();
        assert_eq!(keys.first(), Some(&8), "3 + MAX + 5 items, MAX kept: the first 8 dropped");
        assert_eq!(t.inputs().last().map(String::as_str), Some((MAX_TRANSCRIPT + 4).to_string().as_str()));
        t.clear();
        assert!(t.is_empty());
        t.push_line(line("y"));
        assert_eq!(t.keyed()[0].0, 8 + MAX_TRANSCRIPT as u64, "keys are not reused after a clear");
    }

    #[test]
    fn saver_writes_changes_only_and_not_while_paused() {
        let mut s = Saver::stored("a".into());
        assert!(!s.needs_write("a"));
        assert!(s.needs_write("b"));
        s.wrote("b".into());
        assert!(!s.needs_write("b"));
        s.paused = true;
        assert!(!s.needs_write("c"));
        assert_eq!(backup_key(1700000000123.0, ""), "fsp.v1.unreadable.1700000000123");
        assert_eq!(backup_key(1700000000123.0, "ab"), "fsp.v1.unreadable.1700000000123.ab");
    }

    #[test]
    fn params_print_like_sqlalchemy_echo() {
        assert_eq!(python_params(&json!([])), "()");
        assert_eq!(python_params(&json!(["admin"])), "('admin',)");
        assert_eq!(python_params(&json!(["ann", 1, null, true, 2.5])), "('ann', 1, None, True, 2.5)");
        assert_eq!(python_params(&json!([[1, 1], [2, 1]])), "[(1, 1), (2, 1)]");
        assert_eq!(python_params(&json!({"name": "x"})), "{'name': 'x'}");
        assert_eq!(python_params(&json!(["it's", "a\"b'c", "l1\nl2"])), r#"("it's", 'a"b\'c', 'l1\nl2')"#);
    }

    #[test]
    fn shell_lines_from_steps() {
        let step = Step {
            input: "db.session.commit()".into(),
            sql: vec![
                SqlEntry { statement: "INSERT INTO user (username) VALUES (?)".into(), params: Some(json!(["ann"])) },
                SqlEntry { statement: "ROLLBACK".into(), params: None },
            ],
            stdout: String::new(),
            warnings: vec![],
            error: Some(ErrorRecord {
                typ: "sqlalchemy.exc.IntegrityError".into(),
                message: "(sqlite3.IntegrityError) UNIQUE constraint failed: user.username\n[SQL: INSERT]".into(),
                last_line: Some(
                    "sqlalchemy.exc.IntegrityError: (sqlite3.IntegrityError) UNIQUE constraint failed: user.username"
                        .into(),
                ),
            }),
            traceback: Some("Traceback (most recent call last):\n  File \"<console>\", line 1, in <module>\n".into()),
        };
        let l = ShellLine::from_step(&step);
        assert_eq!(l.traceback, step.traceback);
        assert_eq!(l.sql[0].params.as_deref(), Some("('ann',)"));
        assert!(!l.sql[0].is_transaction_event());
        assert!(l.sql[1].is_transaction_event());
        assert!(l.error.as_deref().unwrap_or("").ends_with("UNIQUE constraint failed: user.username"));
        assert!(l.error_detail.as_deref().unwrap_or("").ends_with("[SQL: INSERT]"));

        let simple =
            ErrorRecord { typ: "NameError".into(), message: "name 'x' is not defined".into(), last_line: None };
        assert_eq!(error_last_line(&simple), "NameError: name 'x' is not defined");
        assert_eq!(error_detail(&simple), None);
    }
}
