//! The Leptos user interface. The state lives in plain types: the files and the transcript in
//! [`crate::store`], a run in [`session`] (over the engine's [`Playground`]); components hold
//! signals of them and call their methods. Browser calls are in [`dom`] and
//! [`crate::store::browser`].
//!
//! Page map: [`App`] (header with Run and Reset, notices, two panes) → [`editor::Editor`]
//! (file tabs, code) on the left; on the right [`ImportStatus`] (what importing did), then the
//! Tables tab ([`tables::TablesPanel`]) and the Console tab ([`console::Console`]).
//!
//! Architecture invariant: nothing here panics on something that can fail at run time (a panic
//! kills the page); failures become notices.

pub mod console;
pub mod diagram;
pub mod dom;
pub mod editing;
pub mod editor;
pub mod hints;
pub mod keep;
pub mod lessons;
pub mod notices;
pub mod opened;
pub mod panels;
pub mod session;
pub mod tables;
pub mod tutorial;
pub mod uri;

use leptos::prelude::*;

use crate::flask::playground::{DialectName, Playground, SchemaView};
use crate::store::library::Listed;
use crate::store::{self, error_detail, error_last_line, Files, Saver, ShellLine, Transcript};
use console::Console;
use editor::Editor;
use keep::{Keep, KeepPanel, Mode, SharedBanner};
use notices::{NoticeAction, NoticeKind, NoticeStrip, Notices};
use panels::{DataPanel, DiagramPanel, RelationshipsPanel, SqlLogPanel};
use session::RunReport;
use tables::TablesPanel;

/// The divider Run puts in the transcript.
pub const RUN_NOTE: &str = "Run: the project was imported into a new, empty in-memory database";
/// The divider after a reload when the project does not import: its database is gone.
pub const RESTORED_NOTE: &str = "Restored from your last visit: the database is empty again until you press Run";

/// The divider after a reload that ran the project and the console lines since its last Run
/// again (`lines`), and the first line whose result was not the saved one (0-based), if any.
pub fn restored_note(lines: usize, differ: Option<(usize, &str)>) -> String {
    let head = "Restored from your last visit: the project";
    match (lines, differ) {
        (0, _) => format!("{head} ran again (no console lines since its last Run)."),
        (n, None) => format!(
            "{head} and the {n} console line{} typed since its last Run ran again, with the same results: the \
             database is as you left it.",
            if n == 1 { "" } else { "s" }
        ),
        (n, Some((i, input))) => {
            let first = input.lines().next().unwrap_or("");
            let shown: String = first.chars().take(60).collect();
            let more = if shown.len() < input.trim_end().len() { "\u{2026}" } else { "" };
            format!(
                "{head} and the {n} console line{} typed since its last Run ran again, but line {} ({shown}{more}) \
                 gave a different result this time (the time, a random value\u{2026}): the database may not be as you \
                 left it. The results above are those of your last visit; press Run for a fresh start.",
                if n == 1 { "" } else { "s" },
                i + 1
            )
        }
    }
}

/// Mounts the app on the page's body.
pub fn mount() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// Where sql.js is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sqlite {
    Loading,
    Ready,
    Failed,
}

/// Which results tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultsTab {
    Tables,
    Diagram,
    Relationships,
    SqlLog,
    Data,
    Console,
}

impl ResultsTab {
    pub const ALL: [ResultsTab; 6] = [
        ResultsTab::Tables,
        ResultsTab::Diagram,
        ResultsTab::Relationships,
        ResultsTab::SqlLog,
        ResultsTab::Data,
        ResultsTab::Console,
    ];
    /// The tab's label (the end-to-end test clicks tabs by it).
    pub fn label(self) -> &'static str {
        match self {
            ResultsTab::Tables => "Tables",
            ResultsTab::Diagram => "Diagram",
            ResultsTab::Relationships => "Relationships",
            ResultsTab::SqlLog => "SQL log",
            ResultsTab::Data => "Data",
            ResultsTab::Console => "Console",
        }
    }
    /// The id stem of the tab and its panel (`tab-diagram`, `panel-diagram`).
    pub fn id(self) -> &'static str {
        match self {
            ResultsTab::Tables => "tables",
            ResultsTab::Diagram => "diagram",
            ResultsTab::Relationships => "relationships",
            ResultsTab::SqlLog => "sql",
            ResultsTab::Data => "data",
            ResultsTab::Console => "console",
        }
    }
}

/// How long the editor waits after the last keystroke before running the project again.
pub const RUN_DEBOUNCE_MS: u64 = 350;
/// How long saving waits after the last change of the files or the transcript.
pub const SAVE_DEBOUNCE_MS: u64 = 250;

/// What the page starts with.
struct Startup {
    files: Files,
    transcript: Transcript,
    saver: Saver,
    problems: Vec<String>,
    current: Listed,
    list: Vec<Listed>,
    /// A share link's data, to open instead of the learner's playground.
    share: Option<String>,
    /// The lessons' progress.
    lessons: lessons::Progress,
}

fn startup() -> Startup {
    let tutorial = || Files::new(tutorial::tutorial_files());
    #[cfg(target_arch = "wasm32")]
    {
        // First: migrating the lessons' first cut may change which playground opens.
        let lessons = store::browser::load_lessons(&lessons::playground_name);
        let loaded = store::browser::load();
        let mut problems = lessons.problems;
        problems.extend(loaded.problems);
        let (files, transcript) = loaded.project.unwrap_or_else(|| (tutorial(), Transcript::default()));
        let share = match store::share::payload(&dom::location_hash()) {
            None => None,
            Some(Ok(data)) => Some(data.to_string()),
            Some(Err(e)) => {
                problems.push(format!("This share link cannot be opened: {e}. Your own work is shown."));
                dom::drop_hash(false);
                None
            }
        };
        Startup {
            files,
            transcript,
            saver: loaded.saver,
            problems,
            current: loaded.current,
            list: loaded.list,
            share,
            lessons: lessons.progress,
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    Startup {
        files: tutorial(),
        transcript: Transcript::default(),
        saver: Saver::default(),
        problems: vec![],
        current: Listed { id: "0".into(), name: store::DEFAULT_NAME.into() },
        list: vec![],
        share: None,
        lessons: lessons::Progress::default(),
    }
}

fn persist(id: &str, text: &str) -> Result<(), String> {
    #[cfg(target_arch = "wasm32")]
    return store::browser::save(id, text);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (id, text);
        Ok(())
    }
}

/// The header's status line and its tone (`busy`, `ok`, `stale`, `error`: the dot's colour).
pub fn status_text(sqlite: Sqlite, report: Option<&RunReport>, stale: bool) -> (&'static str, &'static str) {
    match (sqlite, report) {
        (Sqlite::Loading, _) => ("Loading SQLite…", "busy"),
        (Sqlite::Failed, _) => ("SQLite did not load", "error"),
        (Sqlite::Ready, None) => ("Ready: press Run", "ok"),
        (Sqlite::Ready, Some(_)) if stale => ("Files changed since the last Run", "stale"),
        (Sqlite::Ready, Some(r)) if r.import_error.is_some() => ("Import failed", "error"),
        (Sqlite::Ready, Some(r)) if !r.has_app => ("No Flask app found", "error"),
        (Sqlite::Ready, Some(_)) => ("Up to date", "ok"),
    }
}

/// True when the files differ from those the last run imported.
fn files_changed(files: &Files, report: &RunReport) -> bool {
    files.files.len() != report.sources.len()
        || files.files.iter().zip(&report.sources).any(|(f, s)| f.name != s.name || f.text != s.text)
}

/// Milliseconds since the page started (0 natively): the benchmark reads run durations.
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        // Through Reflect: web-sys's `Performance` feature would rebuild the whole UI stack.
        let global = js_sys::global();
        js_sys::Reflect::get(&global, &"performance".into())
            .and_then(|p| {
                let now = js_sys::Reflect::get(&p, &"now".into())?;
                js_sys::Function::from(now).call0(&p)
            })
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}

/// Records how long the last run took on `<body data-run-ms>`, and its parts on
/// `data-run-parts` (import and create_all, dropping the previous run, reading the schema, the
/// rest) (read by scripts/bench-page.mjs).
fn mark_run(ms: f64, runs: u64, parts: [f64; 4]) {
    #[cfg(target_arch = "wasm32")]
    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let _ = body.set_attribute("data-run-ms", &format!("{ms:.2}"));
        let _ = body.set_attribute("data-runs", &runs.to_string());
        let parts = parts.map(|p| format!("{p:.2}")).join(" ");
        let _ = body.set_attribute("data-run-parts", &parts);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (ms, runs, parts);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    dom::mark("fsp-app");
    let Startup { files, transcript, mut saver, problems, current, list, share, lessons } = startup();
    // A lesson's playground opens with the lessons shown.
    let lessons_open = RwSignal::new(share.is_none() && lessons::open_step(&lessons, &current.id).is_some());
    let lesson_progress = RwSignal::new(lessons);
    // After a reload: the lines that built the database, run again once SQLite is ready.
    let replay = StoredValue::new(
        (!transcript.is_empty()).then(|| store::replay_lines(&transcript, RUN_NOTE, session::CREATE_ALL)),
    );
    // A share link's console lines, run after its project.
    let history = StoredValue::new(None::<Vec<String>>);
    let mode = RwSignal::new(if share.is_some() { Mode::Opening } else { Mode::Own });
    // Nothing is saved while a link is open: the learner's own work stays as it was.
    let own_paused = saver.paused;
    if share.is_some() {
        saver.paused = true;
    }
    let files = RwSignal::new(files);
    let transcript = RwSignal::new(transcript);
    let saver = StoredValue::new(saver);
    // A new playground is written at its first save: it is listed from the start.
    let mut list = list;
    if !list.iter().any(|l| l.id == current.id) {
        list.push(current.clone());
        list = store::library::sorted(list);
    }
    let current = RwSignal::new(current);
    let list = RwSignal::new(list);
    let notices = RwSignal::new(Notices::default());
    if !problems.is_empty() {
        notices.update(|n| n.show(NoticeKind::Restore, problems.join(" ")));
    }
    let sqlite = RwSignal::new(if cfg!(target_arch = "wasm32") { Sqlite::Loading } else { Sqlite::Ready });
    let report = RwSignal::new(None::<RunReport>);
    let schema = RwSignal::new(SchemaView::default());
    let db_version = RwSignal::new(0u64);
    let database_url = RwSignal::new(None::<String>);
    let dialect = RwSignal::new(DialectName::Sqlite);
    let tab = RwSignal::new(ResultsTab::Tables);
    let runs = StoredValue::new(0u64);
    // The engine is !Send: it lives in thread-local storage.
    let playground = StoredValue::new_local(None::<Playground>);
    let tables = Memo::new(move |_| schema.with(|s| s.tables.clone()));
    let relationships = Memo::new(move |_| schema.with(|s| s.relationships.clone()));
    let schema_error = Memo::new(move |_| schema.with(|s| s.error.clone()));

    // Saving: every change of the files or the transcript, when it differs from what was written.
    let write = move |text: String| {
        if !saver.try_with_value(|s| s.needs_write(&text)).unwrap_or(false) {
            return;
        }
        match persist(&current.with_untracked(|c| c.id.clone()), &text) {
            Ok(()) => {
                saver.update_value(|s| s.wrote(text));
                if notices.with_untracked(|n| n.items.iter().any(|i| i.kind == NoticeKind::Save)) {
                    notices.update(|n| n.dismiss(NoticeKind::Save));
                }
            }
            Err(e) => notices.update(|n| {
                n.show(
                    NoticeKind::Save,
                    format!(
                        "Your latest changes are not saved: {}. What was saved before is kept; \
                         saving is tried again on your next change.",
                        e.trim_end_matches('.')
                    ),
                )
            }),
        }
    };
    // A moment after the last change (typing does not encode the whole project, transcript
    // included, on every key; a Run's frame does not wait for the write), and at once when the
    // page is hidden or left.
    let save_pending = StoredValue::new_local(None::<leptos::prelude::TimeoutHandle>);
    let encode_now = move || {
        current
            .with_untracked(|c| files.with_untracked(|f| transcript.with_untracked(|t| store::encode(&c.name, f, t))))
    };
    let save_now = move || write(encode_now());
    Effect::new(move |_| {
        files.track();
        transcript.track();
        current.track();
        if let Some(h) = save_pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if save_pending.try_set_value(None).is_none() {
                    save_now();
                }
            },
            std::time::Duration::from_millis(SAVE_DEBOUNCE_MS),
        )
        .ok();
        save_pending.set_value(handle);
    });
    #[cfg(target_arch = "wasm32")]
    for event in ["pagehide", "visibilitychange"] {
        let flush = move |_| {
            if let Some(h) = save_pending.try_update_value(Option::take).flatten() {
                h.clear();
                save_now();
            }
        };
        // The page lives as long as the window: the listener is never removed.
        std::mem::forget(window_event_listener_untyped(event, flush));
    }
    let on_notice_action = Callback::new(move |action: NoticeAction| match action {
        NoticeAction::SaveAnyway => {
            saver.update_value(|s| s.paused = false);
            write(encode_now());
        }
        NoticeAction::Reload => {
            if let Some(h) = save_pending.try_update_value(Option::take).flatten() {
                h.clear();
            }
            save_now();
            dom::apply_update();
        }
    });
    // A new build's service worker waits (index.html tells): offer to reload into it.
    #[cfg(target_arch = "wasm32")]
    {
        let offer = move || {
            notices.update(|n| {
                n.show_with(
                    NoticeKind::Update,
                    "A new version of the playground is available. Reload to use it: your work is kept.",
                    Some(NoticeAction::Reload),
                )
            })
        };
        if dom::window_flag("fspUpdate") {
            offer();
        }
        // Reloaded into this build by its service worker (index.html, static/sw.js).
        if dom::window_flag("fspUpdated") {
            notices.update(|n| {
                n.show(
                    NoticeKind::Update,
                    "The playground was updated to a new version while it was open: your work was kept.",
                )
            });
        }
        std::mem::forget(window_event_listener_untyped("fsp-update", move |_| offer()));
    }

    let refresh_schema = move || {
        let fresh = playground.try_update_value(|slot| slot.as_mut().map(Playground::schema)).flatten();
        let fresh = fresh.unwrap_or_default();
        if schema.with_untracked(|old| *old != fresh) {
            schema.set(fresh);
        }
        db_version.update(|v| *v += 1);
    };

    // Run: import the files into a fresh database and create the tables.
    let start_run = move |record: bool| -> bool {
        match sqlite.get_untracked() {
            Sqlite::Ready => {}
            Sqlite::Loading => {
                notices.update(|n| n.show(NoticeKind::Hint, "SQLite is still loading: try again in a moment."));
                return false;
            }
            Sqlite::Failed => return false,
        }
        let t0 = now_ms();
        let started = session::start(files.with_untracked(Files::sources), session::connector());
        if record {
            transcript.update(|t| {
                t.start_session(RUN_NOTE);
                if let Some(step) = &started.create_all {
                    t.push_line(ShellLine::from_step(step));
                }
            });
        }
        let t1 = now_ms();
        let url = started.playground.database_url();
        // The previous run's engine (its interpreter, every object it built, its database) is
        // freed in a task of its own, after this run's frame.
        if let Some(previous) = playground.try_update_value(|slot| slot.replace(started.playground)).flatten() {
            drop_later(previous);
        }
        // The next run's database, opened once this run's frame is painted.
        #[cfg(target_arch = "wasm32")]
        dom::after_paint(crate::db::sqljs::SqlJsDatabase::prepare_spare);
        let t2 = now_ms();
        refresh_schema();
        let t3 = now_ms();
        if database_url.get_untracked() != url {
            if let Some(u) = &url {
                dialect.set(uri::explain(u).ddl_dialect);
            }
            database_url.set(url);
        }
        if report.with_untracked(|r| r.as_ref() != Some(&started.report)) {
            report.set(Some(started.report));
        }
        notices.update(|n| n.dismiss(NoticeKind::Hint));
        runs.update_value(|r| *r += 1);
        if runs.get_value() == 1 {
            dom::mark("fsp-first-run");
            // CodeMirror once the first results are painted (the textarea serves until then).
            #[cfg(target_arch = "wasm32")]
            dom::after_paint(dom::load_editor);
        }
        let t4 = now_ms();
        mark_run(t4 - t0, runs.get_value(), [t1 - t0, t2 - t1, t3 - t2, t4 - t3]);
        true
    };
    let run_project = move || start_run(true);
    let on_run = Callback::new(move |()| {
        run_project();
    });

    // Run on edit: a while after the last change of the files.
    let pending = StoredValue::new_local(None::<leptos::prelude::TimeoutHandle>);
    Effect::new(move |prev: Option<()>| {
        files.with(|f| f.files.iter().map(|f| f.text.len()).sum::<usize>());
        let changed =
            report.with_untracked(|r| r.as_ref().is_some_and(|r| files.with_untracked(|f| files_changed(f, r))));
        if prev.is_none() || !changed {
            return;
        }
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let _ = pending.try_set_value(None);
                // Run already took these files (Ctrl+Enter, the Run button): nothing to do.
                let still_changed = report
                    .try_with_untracked(|r| r.as_ref().is_some_and(|r| files.with_untracked(|f| files_changed(f, r))))
                    .unwrap_or(false);
                if still_changed {
                    run_project();
                }
            },
            std::time::Duration::from_millis(RUN_DEBOUNCE_MS),
        )
        .ok();
        pending.set_value(handle);
    });

    // The console: run what was typed in the current session (starting one if needed).
    let on_submit = Callback::new(move |text: String| -> bool {
        let has_session = playground.try_with_value(Option::is_some).unwrap_or(false);
        if !has_session && !run_project() {
            return false;
        }
        if !report.with_untracked(|r| r.as_ref().is_some_and(|r| r.has_app)) {
            notices.update(|n| {
                n.show(
                    NoticeKind::Hint,
                    "The shell needs the project to load: fix the error shown above, then press Run.",
                )
            });
            return false;
        }
        let ran = playground.try_update_value(|slot| slot.as_mut().map(|pg| session::run_input(pg, &text))).flatten();
        let Some(steps) = ran else { return false };
        transcript.update(|t| steps.iter().for_each(|s| t.push_line(ShellLine::from_step(s))));
        refresh_schema();
        true
    });
    // After a reload: run the project, then the console lines since its last Run, and check that
    // each gives the result saved with it (then the database is exactly as it was left).
    let restore = move |lines: Vec<ShellLine>| {
        if !start_run(false) {
            return;
        }
        if !report.with_untracked(|r| r.as_ref().is_some_and(|r| r.has_app)) {
            transcript.update(|t| t.start_session(RESTORED_NOTE));
            return;
        }
        let mut differ = None;
        for (i, line) in lines.iter().enumerate() {
            let steps = playground
                .try_update_value(|slot| slot.as_mut().map(|pg| session::run_input(pg, &line.input)))
                .flatten()
                .unwrap_or_default();
            let same = matches!(steps.as_slice(), [one] if ShellLine::from_step(one) == *line);
            if !same && differ.is_none() {
                differ = Some(i);
            }
        }
        refresh_schema();
        let note = restored_note(lines.len(), differ.map(|i| (i, lines[i].input.as_str())));
        transcript.update(|t| t.start_session(&note));
        // For the end-to-end test: whether the replay gave the saved results.
        #[cfg(target_arch = "wasm32")]
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-restored", if differ.is_some() { "differs" } else { "same" });
        }
    };
    // The first run, once SQLite is ready and a share link (if any) has been read.
    let started_once = StoredValue::new(false);
    let first_run = move || {
        if sqlite.get_untracked() != Sqlite::Ready || mode.get_untracked() == Mode::Opening || started_once.get_value()
        {
            return;
        }
        started_once.set_value(true);
        if mode.get_untracked() == Mode::Shared {
            let lines = history.try_update_value(Option::take).flatten().unwrap_or_default();
            if run_project() {
                for line in lines {
                    on_submit.run(line);
                }
            }
        } else if let Some(lines) = replay.try_update_value(Option::take).flatten() {
            restore(lines);
        } else {
            run_project();
        }
    };
    #[cfg(target_arch = "wasm32")]
    if let Some(data) = share {
        leptos::task::spawn_local(async move {
            let opened =
                match dom::unpack(&data, store::share::MAX_JSON).await {
                    Ok(json) => store::share::decode(&json),
                    Err(e) if e == "big" => Err(format!(
                        "it holds more than the playground opens (over {} bytes)",
                        store::share::group(store::share::MAX_JSON)
                    )),
                    Err(_) => Err("the link is damaged: it does not decompress (was it cut short when it was copied?)"
                        .to_string()),
                };
            match opened {
                Ok(shared) => {
                    files.set(shared.files);
                    transcript.set(Transcript::default());
                    history.set_value(Some(shared.history));
                    mode.set(Mode::Shared);
                }
                Err(e) => {
                    notices.update(|n| {
                        n.show(
                            NoticeKind::Keep,
                            format!("This share link cannot be opened: {e}. Your own work is shown."),
                        )
                    });
                    saver.update_value(|s| s.paused = own_paused);
                    mode.set(Mode::Own);
                    dom::drop_hash(false);
                }
            }
            first_run();
        });
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (share, own_paused, first_run);

    // Once SQLite is ready, run the project so its tables show right away: at once when it
    // loaded before this wasm (the usual case), so that the page's first layout has the tables.
    #[cfg(target_arch = "wasm32")]
    if crate::db::sqljs::init_now() {
        sqlite.set(Sqlite::Ready);
        first_run();
    } else {
        leptos::task::spawn_local(async move {
            match crate::db::sqljs::init().await {
                Ok(()) => {
                    sqlite.set(Sqlite::Ready);
                    first_run();
                }
                Err(e) => {
                    sqlite.set(Sqlite::Failed);
                    dom::load_editor();
                    notices.update(|n| {
                        n.show(
                            NoticeKind::Sqlite,
                            format!(
                                "SQLite (sql.js) could not be loaded: {}. Reload the page to try again.",
                                e.message
                            ),
                        )
                    });
                }
            }
        });
    }

    // A relationship's "try it": run its snippet in the console and show the console.
    let on_try = Callback::new(move |text: String| {
        tab.set(ResultsTab::Console);
        on_submit.run(text);
        dom::focus(console::INPUT_ID);
    });
    // An SQLite file the learner opened to browse in the Data tab (instead of the project's).
    let opened_db = StoredValue::new_local(None::<Box<dyn crate::db::Database>>);
    let opened_name = RwSignal::new(None::<String>);
    let opened_tables = RwSignal::new(Vec::new());
    let data_tables =
        Memo::new(move |_| if opened_name.with(Option::is_some) { opened_tables.get() } else { tables.get() });
    let fetch_rows = Callback::new(move |(table, sort, offset): (String, Option<(usize, bool)>, usize)| {
        let from_file = opened_db
            .try_update_value(|o| {
                o.as_mut().map(|db| opened::rows(db.as_mut(), &table, sort, offset, panels::PAGE_SIZE))
            })
            .flatten();
        if let Some(page) = from_file {
            return page;
        }
        playground
            .try_update_value(|slot| slot.as_mut().map(|pg| pg.rows(&table, sort, offset, panels::PAGE_SIZE)))
            .flatten()
            .unwrap_or_default()
    });

    // An SQLite file's bytes, opened for browsing in the Data tab (which then shows).
    #[cfg(target_arch = "wasm32")]
    let open_db_bytes = move |name: String, bytes: Vec<u8>| {
        let read =
            crate::db::sqljs::SqlJsDatabase::open_from_bytes(&bytes).map_err(|e| e.message).and_then(|mut db| {
                let t = opened::tables(&mut db)?;
                Ok((db, t))
            });
        match read {
            Ok((db, t)) => {
                opened_db.set_value(Some(Box::new(db)));
                opened_tables.set(t);
                opened_name.set(Some(name));
                db_version.update(|v| *v += 1);
                tab.set(ResultsTab::Data);
            }
            Err(e) => notices.update(|n| n.show(NoticeKind::Hint, format!("{name} could not be opened: {e}."))),
        }
    };
    // A file dropped anywhere on the page or pasted: a .py file joins the project (or replaces
    // its namesake), an SQLite file opens in the Data tab; anything else is refused with a note.
    #[cfg(target_arch = "wasm32")]
    dom::after_paint(move || {
        dom::on_files(move |name: String, bytes: Option<Vec<u8>>| {
            let put = match opened::brought(&name, bytes) {
                opened::Brought::Python(text) => files.try_update(|f| f.put(&name, text)).unwrap_or(Ok(false)),
                opened::Brought::Database(bytes) => {
                    open_db_bytes(name.clone(), bytes);
                    Ok(false)
                }
                opened::Brought::Refused(why) => Err(why),
            };
            if let Err(e) = put {
                notices.update(|n| n.show(NoticeKind::Hint, format!("{name} was not added: {e}.")));
            }
        })
    });
    let open_db = move |_| {
        #[cfg(target_arch = "wasm32")]
        dom::read_chosen_file("open-db", open_db_bytes);
    };
    let close_db = move |_| {
        opened_db.set_value(None);
        opened_name.set(None);
        opened_tables.set(Vec::new());
        db_version.update(|v| *v += 1);
    };
    let reset = move |_| {
        if dom::confirm("Replace the project's files with the tutorial's? Your changes to them are lost.") {
            files.update(|f| f.replace_all(tutorial::tutorial_files()));
        }
    };

    let keep = Keep {
        current,
        list,
        files,
        transcript,
        notices,
        mode,
        saver,
        history: Callback::new(move |()| {
            transcript.with_untracked(|t| {
                store::replay_lines(t, RUN_NOTE, session::CREATE_ALL).into_iter().map(|l| l.input).collect()
            })
        }),
    };
    let export_db = Callback::new(move |()| {
        playground
            .try_update_value(|slot| slot.as_mut().map(Playground::export_database))
            .flatten()
            .unwrap_or_else(|| Err("the project has not run".to_string()))
    });
    let keep_open = RwSignal::new(false);

    let stale = Memo::new(move |_| report.with(|r| r.as_ref().is_some_and(|r| files.with(|f| files_changed(f, r)))));
    let status = move || report.with(|r| status_text(sqlite.get(), r.as_ref(), stale.get()));
    let table_count = move || tables.with(Vec::len);
    let console_shown = Signal::derive(move || tab.get() == ResultsTab::Console);
    let diagram_shown = Signal::derive(move || tab.get() == ResultsTab::Diagram);
    let data_shown = Signal::derive(move || tab.get() == ResultsTab::Data);
    let sql_shown = Signal::derive(move || tab.get() == ResultsTab::SqlLog);
    let uri_note = Signal::derive(move || database_url.get().map(|u| uri::note(&u)));
    let sources_text =
        Signal::derive(move || files.with(|f| f.files.iter().map(|f| f.text.as_str()).collect::<String>()));

    let tab_button = move |t: ResultsTab| {
        let label = t.label();
        view! {
            <button
                type="button"
                role="tab"
                id=format!("tab-{}", t.id())
                aria-controls=format!("panel-{}", t.id())
                aria-selected=move || if tab.get() == t { "true" } else { "false" }
                tabindex=move || if tab.get() == t { "0" } else { "-1" }
                class:active=move || tab.get() == t
                on:click=move |_| {
                    tab.set(t);
                    if t == ResultsTab::Console {
                        dom::focus(console::INPUT_ID);
                    }
                }
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    let all = ResultsTab::ALL;
                    let i = all.iter().position(|x| *x == t).unwrap_or(0);
                    let next = match ev.key().as_str() {
                        "ArrowRight" => all[(i + 1) % all.len()],
                        "ArrowLeft" => all[(i + all.len() - 1) % all.len()],
                        "Home" => all[0],
                        "End" => all[all.len() - 1],
                        _ => return,
                    };
                    ev.prevent_default();
                    tab.set(next);
                    dom::focus_in_view(&format!("tab-{}", next.id()));
                }
            >
                {label}
                {(t == ResultsTab::Tables)
                    .then(|| {
                        view! {
                            <Show when=move || { table_count() > 0 }>
                                <span class="count">{table_count}</span>
                            </Show>
                        }
                    })}
                {(t == ResultsTab::Relationships)
                    .then(|| {
                        view! {
                            <Show when=move || relationships.with(|r| !r.is_empty())>
                                <span class="count">{move || relationships.with(Vec::len)}</span>
                            </Show>
                            // A relationship the mappers refuse shows only in this panel (and at
                            // the first query, as in a real flask shell): the tab says so.
                            <Show when=move || schema_error.with(Option::is_some)>
                                <span class="count error" title="The mappers could not be configured">"!"</span>
                            </Show>
                        }
                    })}
            </button>
        }
    };
    let panel_class = |t: ResultsTab| format!("panel {}-panel", t.id());
    // The tabs that do not show at first are built after the first paint, one per task (the
    // page is interactive sooner: their code is compiled and their DOM built while the learner
    // reads the tables), or at once when their tab is chosen before that.
    let staged = RwSignal::new(if cfg!(target_arch = "wasm32") { 0usize } else { ResultsTab::ALL.len() });
    #[cfg(target_arch = "wasm32")]
    dom::after_paint(move || stage_next(staged));
    let built = move |t: ResultsTab| {
        let i = ResultsTab::ALL.iter().position(|x| *x == t).unwrap_or(0);
        Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || staged.get() >= i || tab.get() == t)
    };

    view! {
        <header class="topbar">
            <h1>"Flask-SQLAlchemy Playground"</h1>
            <span class="pg-current" title="The playground open">
                {move || if mode.get() == Mode::Own { current.with(|c| c.name.clone()) } else { "Shared playground".into() }}
            </span>
            <p class=move || format!("status {}", status().1) aria-live="polite">
                <span class="dot" aria-hidden="true"></span>
                {move || status().0}
            </p>
            <Show when=move || sqlite.get() == Sqlite::Loading>
                <progress class="loading" aria-label="Loading SQLite"></progress>
            </Show>
            <button
                id="run"
                type="button"
                class="primary run"
                title="Import the project and create its tables (Ctrl+Enter in the editor)"
                aria-label="Run the project: import it and create its tables"
                disabled=move || sqlite.get() != Sqlite::Ready
                aria-busy=move || if sqlite.get() == Sqlite::Loading { "true" } else { "false" }
                on:click=move |_| on_run.run(())
            >
                {move || match sqlite.get() {
                    Sqlite::Loading => "Loading SQLite…",
                    Sqlite::Ready => "▶ Run",
                    Sqlite::Failed => "Run unavailable",
                }}
            </button>
            <button
                type="button"
                id="lessons-toggle"
                aria-controls="lessons"
                aria-expanded=move || if lessons_open.get() { "true" } else { "false" }
                on:click=move |_| lessons_open.update(|o| *o = !*o)
            >
                "Lessons"
            </button>
            <button
                type="button"
                id="keep-toggle"
                aria-controls="keep"
                aria-expanded=move || if keep_open.get() { "true" } else { "false" }
                on:click=move |_| keep_open.update(|o| *o = !*o)
            >
                "Keep & share"
            </button>
            <button type="button" aria-label="Reset the files to the tutorial project" on:click=reset>
                "Reset to tutorial"
            </button>
        </header>
        <SharedBanner keep=keep />
        {move || keep_open.get().then(|| view! { <KeepPanel keep=keep tables=tables export_db=export_db /> })}
        <NoticeStrip notices=notices on_action=on_notice_action />
        // Built when first opened, then kept (hidden) so that a task done meanwhile is seen.
        <aside id="lessons" class="lessons" aria-label="Lessons" hidden=move || !lessons_open.get()>
            {deferred(
                Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || lessons_open.get()),
                Box::new(move || view! {
                    <lessons::LessonsPanel keep=keep progress=lesson_progress report=report schema=schema url=database_url />
                }.into_any()),
            )}
        </aside>
        <main class="layout">
            <section id="editor-pane" class="pane editor-pane" aria-label="Project files (drop or paste a .py file to add it; drop a .db file to browse it)">
                <Editor files=files on_run=on_run report=report />
            </section>
            <section class="pane results-pane" aria-label="Results">
                <ImportStatus report=report sources=sources_text />
                <div class="result-tabs" role="tablist" aria-label="Results">
                    {ResultsTab::ALL.into_iter().map(tab_button).collect_view()}
                </div>
                <div
                    id="panel-tables"
                    class=panel_class(ResultsTab::Tables)
                    role="tabpanel"
                    aria-labelledby="tab-tables"
                    hidden=move || tab.get() != ResultsTab::Tables
                >
                    <TablesPanel tables=tables report=report dialect=dialect uri_note=uri_note />
                </div>
                <div
                    id="panel-diagram"
                    class=panel_class(ResultsTab::Diagram)
                    role="tabpanel"
                    aria-labelledby="tab-diagram"
                    hidden=move || tab.get() != ResultsTab::Diagram
                >
                    {deferred(
                        built(ResultsTab::Diagram),
                        Box::new(move || view! {
                            <DiagramPanel tables=tables report=report shown=diagram_shown /> }.into_any()),
                    )}
                </div>
                <div
                    id="panel-relationships"
                    class=panel_class(ResultsTab::Relationships)
                    role="tabpanel"
                    aria-labelledby="tab-relationships"
                    hidden=move || tab.get() != ResultsTab::Relationships
                >
                    {deferred(
                        built(ResultsTab::Relationships),
                        Box::new(move || view! {
                            <RelationshipsPanel
                                relationships=relationships
                                tables=tables
                                error=schema_error
                                sources=sources_text
                                on_try=on_try
                            /> }.into_any()),
                    )}
                </div>
                <div
                    id="panel-sql"
                    class=panel_class(ResultsTab::SqlLog)
                    role="tabpanel"
                    aria-labelledby="tab-sql"
                    hidden=move || tab.get() != ResultsTab::SqlLog
                >
                    {deferred(
                        built(ResultsTab::SqlLog),
                        Box::new(move || view! {
                            <SqlLogPanel transcript=transcript shown=sql_shown /> }.into_any()),
                    )}
                </div>
                <div
                    id="panel-data"
                    class=panel_class(ResultsTab::Data)
                    role="tabpanel"
                    aria-labelledby="tab-data"
                    hidden=move || tab.get() != ResultsTab::Data
                >
                    <div class="panel-bar opened-bar">
                        <label class="field">
                            "Browse an SQLite file "
                            <input type="file" id="open-db" accept=".db,.sqlite,.sqlite3" on:change=open_db />
                        </label>
                        <Show when=move || opened_name.with(Option::is_some)>
                            <p class="opened-note" role="status">
                                "Showing " <code>{move || opened_name.get().unwrap_or_default()}</code>
                                ", the file you opened (the project's database is not shown)"
                            </p>
                            <button type="button" id="close-db" on:click=close_db>
                                "Close the file"
                            </button>
                        </Show>
                    </div>
                    {deferred(
                        built(ResultsTab::Data),
                        Box::new(move || view! {
                            <DataPanel tables=data_tables report=report version=db_version fetch=fetch_rows shown=data_shown /> }.into_any()),
                    )}
                </div>
                <div
                    id="panel-console"
                    class=panel_class(ResultsTab::Console)
                    role="tabpanel"
                    aria-labelledby="tab-console"
                    hidden=move || tab.get() != ResultsTab::Console
                >
                    {deferred(
                        built(ResultsTab::Console),
                        Box::new(move || view! {
                            <Console
                                transcript=transcript
                                on_submit=on_submit
                                shown=console_shown
                                sources=sources_text
                            /> }.into_any()),
                    )}
                </div>
            </section>
        </main>
    }
}

/// Drops a finished run's engine after the next paint (freeing a whole interpreter takes a
/// while), recording how long it took on `<body data-drop-ms>`.
fn drop_later(previous: Playground) {
    #[cfg(target_arch = "wasm32")]
    dom::after_paint(move || {
        let t0 = now_ms();
        drop(previous);
        if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
            let _ = body.set_attribute("data-drop-ms", &format!("{:.2}", now_ms() - t0));
        }
    });
    #[cfg(not(target_arch = "wasm32"))]
    drop(previous);
}

/// A tab's panel, built once `when` turns true and kept (one type for every panel: a little less
/// wasm than a `<Show>` each).
fn deferred(when: Memo<bool>, build: Box<dyn Fn() -> AnyView + Send + Sync>) -> AnyView {
    (move || when.get().then(&build)).into_any()
}

/// Builds the next staged tab, then schedules the one after it in a task of its own.
#[cfg(target_arch = "wasm32")]
fn stage_next(staged: RwSignal<usize>) {
    let Some(next) = staged.try_update(|s| {
        *s += 1;
        *s
    }) else {
        return;
    };
    if next < ResultsTab::ALL.len() {
        set_timeout(move || stage_next(staged), std::time::Duration::ZERO);
    } else {
        dom::started();
    }
}

/// The note naming the packages that importing replaced by stand-ins.
pub fn stand_in_note(modules: &[String]) -> String {
    let names = match modules {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let (them, are) = if modules.len() == 1 { ("it", "is") } else { ("them", "are") };
    format!(
        "{names} {are} not available in the playground: importing {them} gave stand-ins, whose names can be \
         read, called, subclassed and used as decorators but do nothing. The rest of the project runs as usual."
    )
}

/// What importing the project did: its error (type, message and the traceback's last line),
/// a missing app, what it printed and warned.
#[component]
fn ImportStatus(report: RwSignal<Option<RunReport>>, sources: Signal<String>) -> impl IntoView {
    move || {
        report.with(|r| {
            let r = r.as_ref()?;
            let error = r.import_error.as_ref().map(|e| {
                let last_line = error_last_line(e);
                let detail = match &r.import_traceback {
                    Some(t) if !t.trim().is_empty() => Some(("Traceback", t.trim_end().to_string())),
                    _ => error_detail(e).map(|d| ("Full message", d)),
                };
                let typ = e.typ.clone();
                let tips = sources.with_untracked(|src| hints::hints(&e.typ, &e.message, src));
                view! {
                    <div class="import-error" role="alert">
                        <h2>"The project did not import"</h2>
                        <pre class="error">{last_line}</pre>
                        <p class="error-type">"Exception: "<code>{typ}</code></p>
                        {tips.into_iter().map(|h| view! { <p class="hint-line">{h}</p> }).collect_view()}
                        {detail
                            .map(|(summary, d)| {
                                view! {
                                    <details class="import-traceback">
                                        <summary>{summary}</summary>
                                        <pre>{d}</pre>
                                    </details>
                                }
                            })}
                    </div>
                }
            });
            let stand_ins = (!r.stand_ins.is_empty()).then(|| {
                let text = stand_in_note(&r.stand_ins);
                view! {
                    <p class="standin-note" role="note">
                        {text}
                    </p>
                }
            });
            let no_app = (r.import_error.is_none() && !r.has_app).then(|| {
                view! {
                    <div class="import-error" role="alert">
                        <h2>"No Flask app"</h2>
                        <p>
                            "Error: Could not locate a Flask application. app.py must create one, e.g. "
                            <code>"app = Flask(__name__)"</code>"."
                        </p>
                    </div>
                }
            });
            let stdout = (!r.import_stdout.is_empty()).then(|| {
                let text = r.import_stdout.clone();
                view! {
                    <details class="import-output">
                        <summary>"Printed while importing"</summary>
                        <pre>{text}</pre>
                    </details>
                }
            });
            let warnings =
                r.import_warnings.iter().map(|w| view! { <pre class="warning">{w.clone()}</pre> }).collect_view();
            Some(view! { <div class="import-status">{error}{no_app}{stand_ins}{stdout}{warnings}</div> })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::record::ErrorRecord;

    #[test]
    fn restored_notes_say_whether_the_replay_matched() {
        assert!(restored_note(0, None).ends_with("ran again (no console lines since its last Run)."));
        assert!(restored_note(1, None).contains("the 1 console line typed since its last Run ran again, with the same"));
        assert!(restored_note(2, None).ends_with("the database is as you left it."));
        let long = format!("x = {}\nprint(x)", "1".repeat(80));
        let note = restored_note(3, Some((1, &long)));
        assert!(note.contains("but line 2 (x = 111"), "{note}");
        assert!(note.contains("1\u{2026}) gave a different result"), "{note}");
        assert!(restored_note(3, Some((0, "t = time.time()"))).contains("(t = time.time()) gave"));
    }

    #[test]
    fn status_follows_sqlite_and_the_last_run() {
        let ok = RunReport {
            import_error: None,
            error_at: None,
            import_traceback: None,
            stand_ins: vec![],
            import_stdout: String::new(),
            import_warnings: vec![],
            has_app: true,
            sources: Files::new(tutorial::tutorial_files()).sources(),
        };
        assert_eq!(status_text(Sqlite::Loading, None, false), ("Loading SQLite…", "busy"));
        assert_eq!(status_text(Sqlite::Ready, None, false).0, "Ready: press Run");
        assert_eq!(status_text(Sqlite::Ready, Some(&ok), false), ("Up to date", "ok"));
        assert_eq!(status_text(Sqlite::Ready, Some(&ok), true), ("Files changed since the last Run", "stale"));
        let failed = RunReport {
            import_error: Some(ErrorRecord { typ: "TypeError".into(), message: "x".into(), last_line: None }),
            ..ok.clone()
        };
        assert_eq!(status_text(Sqlite::Ready, Some(&failed), false), ("Import failed", "error"));

        let mut files = Files::new(tutorial::tutorial_files());
        assert!(!files_changed(&files, &ok));
        assert!(stand_in_note(&["jwt".into()]).starts_with("jwt is not available"));
        assert!(stand_in_note(&["a".into(), "b".into(), "c".into()]).starts_with("a, b and c are not available"));
        files.set_text(0, "changed".into());
        assert!(files_changed(&files, &ok));
    }
}
