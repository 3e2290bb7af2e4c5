//! The Leptos user interface: components only. The engine ([`Playground`]) holds the state of
//! a run; [`crate::store`] keeps files and the transcript; components hold signals and call
//! them.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::flask::playground::{is_incomplete, split_statements, Playground, SourceFile, TableView};
use crate::flask::record::Step;
use crate::store::{SavedFile, SavedProject, TranscriptEntry, FORMAT_VERSION};

/// The tutorial's project, exactly as `../shared/oracle/cases/001-seed-tutorial` has it.
pub fn tutorial_files() -> Vec<SavedFile> {
    vec![
        SavedFile { name: "config.py".into(), text: include_str!("tutorial/config.py").into() },
        SavedFile { name: "app.py".into(), text: include_str!("tutorial/app.py").into() },
        SavedFile { name: "models.py".into(), text: include_str!("tutorial/models.py").into() },
    ]
}

/// A console entry made from a shell step.
pub fn transcript_entry(step: &Step) -> TranscriptEntry {
    TranscriptEntry {
        input: step.input.clone(),
        stdout: step.stdout.clone(),
        error: step.error.as_ref().map(|e| e.last_line.clone().unwrap_or_else(|| format!("{}: {}", e.typ, e.message))),
        sql: step
            .sql
            .iter()
            .map(|s| match &s.params {
                Some(p) => format!("{}\n[{}]", s.statement.trim(), params_text(p)),
                None => s.statement.clone(),
            })
            .collect(),
    }
}

fn params_text(p: &serde_json::Value) -> String {
    match p {
        serde_json::Value::Array(items) => items.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// The console's prompt rendering of an input: `>>> ` then `... ` for continuation lines.
pub fn prompted(input: &str) -> String {
    input
        .trim_end_matches('\n')
        .lines()
        .enumerate()
        .map(|(i, l)| format!("{}{l}", if i == 0 { ">>> " } else { "... " }))
        .collect::<Vec<_>>()
        .join("\n")
}

thread_local! {
    static PLAYGROUND: RefCell<Option<Playground>> = const { RefCell::new(None) };
}

#[cfg(target_arch = "wasm32")]
fn connector() -> crate::flask::playground::Connector {
    Rc::new(|_url: &str| {
        crate::db::sqljs::SqlJsDatabase::open_in_memory().map(|d| Box::new(d) as Box<dyn crate::db::Database>)
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn connector() -> crate::flask::playground::Connector {
    Rc::new(|_url: &str| {
        crate::db::native::NativeDatabase::open_in_memory().map(|d| Box::new(d) as Box<dyn crate::db::Database>)
    })
}

fn save(files: &[SavedFile], transcript: &[TranscriptEntry]) -> Result<(), String> {
    let _p = SavedProject { version: FORMAT_VERSION, files: files.to_vec(), transcript: transcript.to_vec() };
    #[cfg(target_arch = "wasm32")]
    return crate::store::browser::save(&_p);
    #[cfg(not(target_arch = "wasm32"))]
    Ok(())
}

fn load() -> Result<Option<SavedProject>, String> {
    #[cfg(target_arch = "wasm32")]
    return crate::store::browser::load();
    #[cfg(not(target_arch = "wasm32"))]
    Ok(None)
}

/// Mounts the app on the page's body.
pub fn mount() {
    #[cfg(target_arch = "wasm32")]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let (initial, load_error) = match load() {
        Ok(Some(p)) if !p.files.is_empty() => ((p.files, p.transcript), None),
        Ok(_) => ((tutorial_files(), Vec::new()), None),
        Err(e) => ((tutorial_files(), Vec::new()), Some(format!("Your saved work could not be read ({e}); it was kept under a backup key and the tutorial project opened instead."))),
    };
    let files = RwSignal::new(initial.0);
    let transcript = RwSignal::new(initial.1);
    let active = RwSignal::new(2usize);
    let tables = RwSignal::new(Vec::<TableView>::new());
    let import_error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(load_error);
    let ready = RwSignal::new(cfg!(not(target_arch = "wasm32")));
    let ran = RwSignal::new(false);
    let tab = RwSignal::new("tables");

    #[cfg(target_arch = "wasm32")]
    leptos::task::spawn_local(async move {
        match crate::db::sqljs::init().await {
            Ok(()) => ready.set(true),
            Err(e) => notice.set(Some(format!("SQLite (sql.js) could not be loaded: {}", e.message))),
        }
    });

    // Save on every change of files or transcript.
    Effect::new(move |_| {
        let f = files.get();
        let t = transcript.get();
        if let Err(e) = save(&f, &t) {
            notice.set(Some(format!("Not saved: {e}. Everything saved before is still there.")));
        }
    });

    let run = move || {
        let sources: Vec<SourceFile> =
            files.get_untracked().iter().map(|f| SourceFile { name: f.name.clone(), text: f.text.clone() }).collect();
        let mut pg = Playground::open(&sources, connector());
        import_error
            .set(pg.import_error().map(|e| e.last_line.clone().unwrap_or_else(|| format!("{}: {}", e.typ, e.message))));
        let mut entries = Vec::new();
        if pg.has_app() {
            let step = pg.run("db.create_all()");
            entries.push(transcript_entry(&step));
        }
        tables.set(pg.tables());
        PLAYGROUND.with(|p| *p.borrow_mut() = Some(pg));
        transcript.update(|t| t.extend(entries));
        ran.set(true);
    };

    let run_statement = move |text: String| {
        if !ran.get_untracked() {
            run();
        }
        let mut entries = Vec::new();
        PLAYGROUND.with(|p| {
            if let Some(pg) = p.borrow_mut().as_mut() {
                if !pg.has_app() {
                    return;
                }
                for stmt in split_statements(&text) {
                    let step = pg.run(&stmt);
                    entries.push(transcript_entry(&step));
                }
                tables.set(pg.tables());
            }
        });
        if entries.is_empty() && import_error.get_untracked().is_some() {
            notice.set(Some("The project did not import: fix the error above, then Run.".into()));
        }
        transcript.update(|t| t.extend(entries));
        tab.set("console");
    };

    view! {
        <header class="topbar">
            <h1>"Flask-SQLAlchemy Playground"</h1>
            <span class="status" aria-live="polite">
                {move || if ready.get() { "SQLite ready".to_string() } else { "Loading SQLite…".to_string() }}
            </span>
            <button id="run" class="run" aria-label="Run the project: import it and create the tables"
                disabled=move || !ready.get()
                on:click=move |_| run()>
                "▶ Run"
            </button>
            <button class="secondary" aria-label="Reset the files to the tutorial project"
                on:click=move |_| {
                    #[cfg(target_arch = "wasm32")]
                    {
                        let ok = web_sys::window().and_then(|w| w.confirm_with_message("Replace your files with the tutorial's project?").ok()).unwrap_or(false);
                        if !ok { return; }
                    }
                    files.set(tutorial_files());
                }>
                "Reset to tutorial"
            </button>
        </header>
        {move || notice.get().map(|n| view! {
            <div class="notice" role="alert">{n}<button aria-label="Dismiss" on:click=move |_| notice.set(None)>"×"</button></div>
        })}
        <main class="layout">
            <section class="editors" aria-label="Project files">
                <Editor files=files active=active />
            </section>
            <section class="results" aria-label="Results">
                {move || import_error.get().map(|e| view! { <pre class="import-error" role="alert">{e}</pre> })}
                <nav class="tabs" role="tablist">
                    <button role="tab" class:active=move || tab.get() == "tables" on:click=move |_| tab.set("tables")>"Tables"</button>
                    <button role="tab" class:active=move || tab.get() == "console" on:click=move |_| tab.set("console")>"Console"</button>
                </nav>
                <div class="panel" class:hidden=move || tab.get() != "tables">
                    <TablesPanel tables=tables ran=ran />
                </div>
                <div class="panel" class:hidden=move || tab.get() != "console">
                    <Console transcript=transcript on_run=run_statement />
                </div>
            </section>
        </main>
    }
}

/// File tabs over a code textarea.
#[component]
fn Editor(files: RwSignal<Vec<SavedFile>>, active: RwSignal<usize>) -> impl IntoView {
    let text = move || files.with(|f| f.get(active.get()).map(|f| f.text.clone()).unwrap_or_default());
    view! {
        <nav class="tabs files" role="tablist">
            {move || files.get().iter().enumerate().map(|(i, f)| {
                let name = f.name.clone();
                view! {
                    <button role="tab" class:active=move || active.get() == i on:click=move |_| active.set(i)>{name}</button>
                }
            }).collect_view()}
        </nav>
        <textarea class="code" spellcheck="false" aria-label="File contents"
            prop:value=text
            on:input=move |ev| {
                let v = event_target_value(&ev);
                let i = active.get_untracked();
                files.update(|f| if let Some(file) = f.get_mut(i) { file.text = v; });
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Tab" && !ev.shift_key() {
                    ev.prevent_default();
                    insert_at_cursor(&ev, "    ");
                }
            }
        ></textarea>
    }
}

#[cfg(target_arch = "wasm32")]
fn insert_at_cursor(ev: &leptos::ev::KeyboardEvent, s: &str) {
    use wasm_bindgen::JsCast;
    let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) else { return };
    let value = t.value();
    let start = t.selection_start().ok().flatten().unwrap_or(0) as usize;
    let end = t.selection_end().ok().flatten().unwrap_or(0) as usize;
    // Selection offsets count UTF-16 units.
    let units: Vec<u16> = value.encode_utf16().collect();
    let (start, end) = (start.min(units.len()), end.min(units.len()));
    let mut out: Vec<u16> = units[..start].to_vec();
    out.extend(s.encode_utf16());
    out.extend_from_slice(&units[end..]);
    t.set_value(&String::from_utf16_lossy(&out));
    let caret = (start + s.encode_utf16().count()) as u32;
    let _ = t.set_selection_range(caret, caret);
    if let Ok(ev) = web_sys::Event::new("input") {
        let _ = t.dispatch_event(&ev);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn insert_at_cursor(_ev: &leptos::ev::KeyboardEvent, _s: &str) {}

/// Each table: columns with their flags, and the CREATE TABLE statement.
#[component]
fn TablesPanel(tables: RwSignal<Vec<TableView>>, ran: RwSignal<bool>) -> impl IntoView {
    view! {
        {move || if !ran.get() {
            view! { <p class="hint">"Press Run to import the project and create its tables."</p> }.into_any()
        } else if tables.get().is_empty() {
            view! { <p class="hint">"No tables: the project defines no models (or did not import)."</p> }.into_any()
        } else {
            tables.get().into_iter().map(|t| {
                let name = t.name.clone();
                let attr = t.name.clone();
                view! {
                    <article class="table-card" data-table=attr>
                        <h2>{name}</h2>
                        <table class="columns">
                            <thead><tr><th>"column"</th><th>"type"</th><th>"PK"</th><th>"nullable"</th><th>"unique"</th><th>"foreign key"</th></tr></thead>
                            <tbody>
                                {t.columns.into_iter().map(|c| view! {
                                    <tr>
                                        <td class="mono">{c.name}</td>
                                        <td class="mono">{c.sql_type}</td>
                                        <td>{if c.primary_key { "✔" } else { "" }}</td>
                                        <td>{if c.nullable { "yes" } else { "no" }}</td>
                                        <td>{if c.unique { "✔" } else { "" }}</td>
                                        <td class="mono">{c.foreign_key.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <pre class="ddl">{t.create_sql}</pre>
                    </article>
                }
            }).collect_view().into_any()
        }}
    }
}

/// The flask shell: transcript, input with history, Enter to run complete statements.
#[component]
fn Console<F>(transcript: RwSignal<Vec<TranscriptEntry>>, on_run: F) -> impl IntoView
where
    F: Fn(String) + Copy + 'static,
{
    let input = RwSignal::new(String::new());
    let history_pos = RwSignal::new(None::<usize>);
    let submit = move || {
        let text = input.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        input.set(String::new());
        history_pos.set(None);
        on_run(text);
    };
    view! {
        <div class="transcript" aria-live="polite">
            {move || transcript.get().into_iter().map(|e| view! {
                <div class="entry">
                    <pre class="input">{prompted(&e.input)}</pre>
                    {(!e.sql.is_empty()).then(|| view! {
                        <details class="sql" open=true><summary>{format!("SQL ({})", e.sql.len())}</summary>
                            {e.sql.iter().map(|s| view! { <pre>{s.clone()}</pre> }).collect_view()}
                        </details>
                    })}
                    {(!e.stdout.is_empty()).then(|| view! { <pre class="stdout">{e.stdout.clone()}</pre> })}
                    {e.error.clone().map(|err| view! { <pre class="error">{err}</pre> })}
                </div>
            }).collect_view()}
        </div>
        <div class="prompt">
            <label for="console-input">">>>"</label>
            <textarea id="console-input" rows="2" spellcheck="false" aria-label="Shell input (Enter runs, Shift+Enter adds a line)"
                prop:value=move || input.get()
                on:input=move |ev| input.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    let key = ev.key();
                    if key == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        submit();
                    } else if key == "Enter" && !ev.shift_key() {
                        let text = input.get_untracked();
                        if !is_incomplete(&text) || text.ends_with('\n') {
                            ev.prevent_default();
                            submit();
                        }
                    } else if (key == "ArrowUp" || key == "ArrowDown") && !input.get_untracked().contains('\n') {
                        let inputs: Vec<String> = transcript.with_untracked(|t| t.iter().map(|e| e.input.clone()).collect());
                        if inputs.is_empty() { return; }
                        ev.prevent_default();
                        let pos = match (history_pos.get_untracked(), key.as_str()) {
                            (None, "ArrowUp") => Some(inputs.len() - 1),
                            (Some(p), "ArrowUp") => Some(p.saturating_sub(1)),
                            (Some(p), _) if p + 1 < inputs.len() => Some(p + 1),
                            _ => None,
                        };
                        history_pos.set(pos);
                        input.set(pos.map(|p| inputs[p].trim_end().to_string()).unwrap_or_default());
                    }
                }
            ></textarea>
            <button aria-label="Run this statement" on:click=move |_| submit()>"Run line"</button>
            <button class="secondary" aria-label="Clear the transcript" on:click=move |_| transcript.set(Vec::new())>"Clear"</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_like_the_interactive_interpreter() {
        assert_eq!(prompted("x = 1"), ">>> x = 1");
        assert_eq!(prompted("for a in b:\n    print(a)\n"), ">>> for a in b:\n...     print(a)");
    }

    #[test]
    fn tutorial_files_are_the_oracle_case() {
        let files = tutorial_files();
        assert_eq!(files.len(), 3);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/oracle/cases/001-seed-tutorial");
        for f in files {
            if let Ok(text) = std::fs::read_to_string(format!("{dir}/{}", f.name)) {
                assert_eq!(text, f.text, "{}", f.name);
            }
        }
    }
}
