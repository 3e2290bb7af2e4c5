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
pub mod dom;
pub mod editing;
pub mod editor;
pub mod notices;
pub mod session;
pub mod tables;
pub mod tutorial;

use leptos::prelude::*;

use crate::flask::playground::{Playground, TableView};
use crate::store::{self, error_detail, error_last_line, Files, Saver, ShellLine, Transcript};
use console::Console;
use editor::Editor;
use notices::{NoticeAction, NoticeKind, NoticeStrip, Notices};
use session::RunReport;
use tables::TablesPanel;

/// The divider Run puts in the transcript.
pub const RUN_NOTE: &str = "Run: the project was imported into a new, empty in-memory database";
/// The divider after restored lines: their database is gone.
pub const RESTORED_NOTE: &str = "Restored from your last visit: the database is empty again until you press Run";

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
enum ResultsTab {
    Tables,
    Console,
}

/// What the page starts with.
struct Startup {
    files: Files,
    transcript: Transcript,
    saver: Saver,
    problem: Option<(String, Option<NoticeAction>)>,
}

fn startup() -> Startup {
    let tutorial = || Files::new(tutorial::tutorial_files());
    #[cfg(target_arch = "wasm32")]
    {
        let loaded = store::browser::load();
        let action = loaded.saver.paused.then_some(NoticeAction::SaveAnyway);
        let problem = loaded.problem.map(|p| (p, action));
        let (files, mut transcript) = loaded.project.unwrap_or_else(|| (tutorial(), Transcript::default()));
        if !transcript.is_empty() {
            transcript.start_session(RESTORED_NOTE);
        }
        Startup { files, transcript, saver: loaded.saver, problem }
    }
    #[cfg(not(target_arch = "wasm32"))]
    Startup { files: tutorial(), transcript: Transcript::default(), saver: Saver::default(), problem: None }
}

fn persist(text: &str) -> Result<(), String> {
    #[cfg(target_arch = "wasm32")]
    return store::browser::save(text);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
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

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let Startup { files, transcript, saver, problem } = startup();
    let files = RwSignal::new(files);
    let transcript = RwSignal::new(transcript);
    let saver = StoredValue::new(saver);
    let notices = RwSignal::new(Notices::default());
    if let Some((text, action)) = problem {
        notices.update(|n| n.show_with(NoticeKind::Restore, text, action));
    }
    let sqlite = RwSignal::new(if cfg!(target_arch = "wasm32") { Sqlite::Loading } else { Sqlite::Ready });
    let report = RwSignal::new(None::<RunReport>);
    let tables = RwSignal::new(Vec::<TableView>::new());
    let tab = RwSignal::new(ResultsTab::Tables);
    // The engine is !Send: it lives in thread-local storage.
    let playground = StoredValue::new_local(None::<Playground>);

    #[cfg(target_arch = "wasm32")]
    leptos::task::spawn_local(async move {
        match crate::db::sqljs::init().await {
            Ok(()) => sqlite.set(Sqlite::Ready),
            Err(e) => {
                sqlite.set(Sqlite::Failed);
                notices.update(|n| {
                    n.show(
                        NoticeKind::Sqlite,
                        format!("SQLite (sql.js) could not be loaded: {}. Reload the page to try again.", e.message),
                    )
                });
            }
        }
    });

    // Saving: every change of the files or the transcript, when it differs from what was written.
    let write = move |text: String| {
        if !saver.try_with_value(|s| s.needs_write(&text)).unwrap_or(false) {
            return;
        }
        match persist(&text) {
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
    Effect::new(move |_| write(files.with(|f| transcript.with(|t| store::encode(f, t)))));
    let on_notice_action = Callback::new(move |action: NoticeAction| match action {
        NoticeAction::SaveAnyway => {
            saver.update_value(|s| s.paused = false);
            write(files.with_untracked(|f| transcript.with_untracked(|t| store::encode(f, t))));
        }
    });

    // Run: import the files into a fresh database and create the tables.
    let run_project = move || -> bool {
        match sqlite.get_untracked() {
            Sqlite::Ready => {}
            Sqlite::Loading => {
                notices.update(|n| n.show(NoticeKind::Hint, "SQLite is still loading: try again in a moment."));
                return false;
            }
            Sqlite::Failed => return false,
        }
        let started = session::start(files.with_untracked(Files::sources), session::connector());
        transcript.update(|t| {
            t.start_session(RUN_NOTE);
            if let Some(step) = &started.create_all {
                t.push_line(ShellLine::from_step(step));
            }
        });
        tables.set(started.tables);
        report.set(Some(started.report));
        let _ = playground.try_set_value(Some(started.playground));
        notices.update(|n| n.dismiss(NoticeKind::Hint));
        true
    };
    let on_run = Callback::new(move |()| {
        if run_project() {
            tab.set(ResultsTab::Tables);
        }
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
        let ran = playground
            .try_update_value(|slot| slot.as_mut().map(|pg| (session::run_input(pg, &text), pg.tables())))
            .flatten();
        let Some((steps, new_tables)) = ran else { return false };
        transcript.update(|t| steps.iter().for_each(|s| t.push_line(ShellLine::from_step(s))));
        if tables.with_untracked(|old| *old != new_tables) {
            tables.set(new_tables);
        }
        true
    });

    let reset = move |_| {
        if dom::confirm(
            "Replace config.py, app.py and models.py with the tutorial's files? Your changes to them are lost.",
        ) {
            files.update(|f| f.replace_all(tutorial::tutorial_files()));
        }
    };

    let stale = Memo::new(move |_| report.with(|r| r.as_ref().is_some_and(|r| files.with(|f| files_changed(f, r)))));
    let status = move || report.with(|r| status_text(sqlite.get(), r.as_ref(), stale.get()));
    let table_count = move || tables.with(Vec::len);
    let console_shown = Signal::derive(move || tab.get() == ResultsTab::Console);

    view! {
        <header class="topbar">
            <h1>"Flask-SQLAlchemy Playground"</h1>
            <p class=move || format!("status {}", status().1) aria-live="polite">
                <span class="dot" aria-hidden="true"></span>
                {move || status().0}
            </p>
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
            <button type="button" aria-label="Reset the files to the tutorial project" on:click=reset>
                "Reset to tutorial"
            </button>
        </header>
        <NoticeStrip notices=notices on_action=on_notice_action />
        <main class="layout">
            <section class="pane editor-pane" aria-label="Project files">
                <Editor files=files on_run=on_run />
            </section>
            <section class="pane results-pane" aria-label="Results">
                <ImportStatus report=report />
                <div class="result-tabs" role="tablist" aria-label="Results">
                    <button
                        type="button"
                        role="tab"
                        id="tab-tables"
                        aria-controls="panel-tables"
                        aria-selected=move || if tab.get() == ResultsTab::Tables { "true" } else { "false" }
                        class:active=move || tab.get() == ResultsTab::Tables
                        on:click=move |_| tab.set(ResultsTab::Tables)
                    >
                        "Tables"
                        <Show when=move || { table_count() > 0 }>
                            <span class="count">{table_count}</span>
                        </Show>
                    </button>
                    <button
                        type="button"
                        role="tab"
                        id="tab-console"
                        aria-controls="panel-console"
                        aria-selected=move || if tab.get() == ResultsTab::Console { "true" } else { "false" }
                        class:active=move || tab.get() == ResultsTab::Console
                        on:click=move |_| {
                            tab.set(ResultsTab::Console);
                            dom::focus(console::INPUT_ID);
                        }
                    >
                        "Console"
                    </button>
                </div>
                <div
                    id="panel-tables"
                    class="panel tables-panel"
                    role="tabpanel"
                    aria-labelledby="tab-tables"
                    hidden=move || tab.get() != ResultsTab::Tables
                >
                    <TablesPanel tables=tables report=report />
                </div>
                <div
                    id="panel-console"
                    class="panel console-panel"
                    role="tabpanel"
                    aria-labelledby="tab-console"
                    hidden=move || tab.get() != ResultsTab::Console
                >
                    <Console transcript=transcript on_submit=on_submit shown=console_shown />
                </div>
            </section>
        </main>
    }
}

/// What importing the project did: its error (type, message and the traceback's last line),
/// a missing app, what it printed and warned.
#[component]
fn ImportStatus(report: RwSignal<Option<RunReport>>) -> impl IntoView {
    move || {
        report.with(|r| {
            let r = r.as_ref()?;
            let error = r.import_error.as_ref().map(|e| {
                let last_line = error_last_line(e);
                let detail = error_detail(e);
                let typ = e.typ.clone();
                view! {
                    <div class="import-error" role="alert">
                        <h2>"The project did not import"</h2>
                        <pre class="error">{last_line}</pre>
                        <p class="error-type">"Exception: "<code>{typ}</code></p>
                        {detail
                            .map(|d| {
                                view! {
                                    <details>
                                        <summary>"Full message"</summary>
                                        <pre>{d}</pre>
                                    </details>
                                }
                            })}
                    </div>
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
            Some(view! { <div class="import-status">{error}{no_app}{stdout}{warnings}</div> })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::record::ErrorRecord;

    #[test]
    fn status_follows_sqlite_and_the_last_run() {
        let ok = RunReport {
            import_error: None,
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
        files.set_text(0, "changed".into());
        assert!(files_changed(&files, &ok));
    }
}
