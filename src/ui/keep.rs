//! Keep and share: the learner's named playgrounds (open, new, duplicate, rename, delete),
//! share links, downloads, and the banner over a playground opened from a link. The formats
//! and rules are in [`crate::store`] ([`library`], [`share`], [`export`]); this file only
//! wires them to buttons.

use leptos::prelude::*;

use crate::flask::playground::{DialectName, TableView, DIALECTS};
use crate::store::library::{self, Listed};
use crate::store::{encode, export, share, Files, Saved, Saver, Transcript, DEFAULT_NAME};

use super::dom;
use super::notices::{NoticeKind, Notices};

#[cfg(target_arch = "wasm32")]
use crate::store::browser as storage;

/// Natively there is no storage: every call fails (the UI compiles and its tests run).
#[cfg(not(target_arch = "wasm32"))]
mod storage {
    use crate::store::library::Listed;
    use crate::store::Saved;
    pub fn list() -> Vec<Listed> {
        vec![]
    }
    pub fn read(_id: &str) -> Result<Saved, String> {
        Err("there is no storage".into())
    }
    pub fn save(_id: &str, _text: &str) -> Result<(), String> {
        Err("there is no storage".into())
    }
    pub fn remove(_id: &str) -> Result<(), String> {
        Err("there is no storage".into())
    }
    pub fn set_current(_id: &str) -> Result<(), String> {
        Err("there is no storage".into())
    }
    pub fn new_id() -> String {
        "0".into()
    }
}

/// Whose playground the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The learner's own (saved as it changes).
    Own,
    /// A share link being read: nothing runs or saves yet.
    Opening,
    /// A share link's playground: nothing of it is saved until "Keep a copy".
    Shared,
}

/// What the page needs to keep and share its playground.
#[derive(Clone, Copy)]
pub struct Keep {
    pub current: RwSignal<Listed>,
    pub list: RwSignal<Vec<Listed>>,
    pub files: RwSignal<Files>,
    pub transcript: RwSignal<Transcript>,
    pub notices: RwSignal<Notices>,
    pub mode: RwSignal<Mode>,
    pub saver: StoredValue<Saver>,
    /// The console lines since the last Run (what a link and `shell.txt` carry).
    pub history: Callback<(), Vec<String>>,
}

impl Keep {
    pub(crate) fn problem(&self, text: String) {
        self.notices.update(|n| n.show(NoticeKind::Keep, text));
    }

    /// Reads the list again; the open playground as the page has it (its name may not be
    /// written yet, or ever: a new one is written at its first save).
    pub fn refresh(&self) {
        let mut list = storage::list();
        let current = self.current.get_untracked();
        match list.iter_mut().find(|l| l.id == current.id) {
            Some(l) => l.name = current.name,
            None => list.push(current),
        }
        self.list.set(library::sorted(list));
    }

    fn names(&self) -> Vec<String> {
        self.list.with_untracked(|l| l.iter().map(|p| p.name.clone()).collect())
    }

    /// Writes a new playground; its id.
    pub(crate) fn create(&self, name: &str, files: &Files, transcript: &Transcript) -> Result<String, String> {
        let names = self.names();
        let name = library::unique_name(name, names.iter().map(String::as_str));
        let id = storage::new_id();
        storage::save(&id, &encode(&name, files, transcript))?;
        Ok(id)
    }

    /// Opens playground `id` (the page loads again, from storage).
    pub(crate) fn open(&self, id: &str) {
        match storage::set_current(id) {
            Ok(()) => dom::drop_hash(true),
            Err(e) => self.problem(format!("The playground could not be opened: {e}.")),
        }
    }

    /// Removes playground `id` from storage (one just made that is not wanted after all).
    pub(crate) fn discard(&self, id: &str) {
        let _ = storage::remove(id);
    }

    /// The ids of the playgrounds in storage.
    pub(crate) fn stored_ids(&self) -> Vec<String> {
        storage::list().into_iter().map(|l| l.id).collect()
    }

    fn is_open(&self, id: &str) -> bool {
        self.mode.get_untracked() == Mode::Own && self.current.with_untracked(|c| c.id == id)
    }

    /// Opens a new playground with the tutorial's files.
    pub(crate) fn new_playground(&self) {
        let files = Files::new(super::tutorial::tutorial_files());
        match self.create(DEFAULT_NAME, &files, &Transcript::default()) {
            Ok(id) => self.open(&id),
            Err(e) => self.problem(format!("A new playground could not be made: {e}. Nothing was changed.")),
        }
    }

    fn read(&self, id: &str) -> Result<Saved, String> {
        if self.is_open(id) {
            let name = self.current.with_untracked(|c| c.name.clone());
            return Ok(Saved { name, files: self.files.get_untracked(), transcript: self.transcript.get_untracked() });
        }
        storage::read(id)
    }

    fn duplicate(&self, id: &str) {
        let done = self.read(id).and_then(|s| self.create(&format!("{} (copy)", s.name), &s.files, &s.transcript));
        match done {
            Ok(_) => self.refresh(),
            Err(e) => self.problem(format!("The playground could not be duplicated: {e}. Nothing was changed.")),
        }
    }

    fn rename(&self, id: &str, old: &str) {
        let Some(wanted) = dom::prompt("A new name for this playground:", old) else { return };
        let name = match library::check_name(&wanted) {
            Ok(n) if n == old => return,
            Ok(n) if self.names().contains(&n) => Err(format!("there is already a playground named {n}")),
            other => other,
        };
        let done = name.and_then(|name| {
            if self.is_open(id) {
                self.current.update(|c| c.name = name.clone());
                Ok(())
            } else {
                let s = storage::read(id)?;
                storage::save(id, &encode(&name, &s.files, &s.transcript))
            }
        });
        match done {
            Ok(()) => self.refresh(),
            Err(e) => self.problem(format!("The playground was not renamed: {e}.")),
        }
    }

    fn delete(&self, id: &str, name: &str) {
        let question = format!(
            "Delete the playground \u{201c}{name}\u{201d}? Its files and console history are removed from this browser."
        );
        if !dom::confirm(&question) {
            return;
        }
        let open = self.is_open(id);
        // The page is about to load again: what is open must not be written back.
        if open {
            self.saver.update_value(|s| s.paused = true);
        }
        match storage::remove(id) {
            Ok(()) if open => {
                let next = storage::list().into_iter().next().map(|l| l.id).unwrap_or_default();
                self.open(&next);
            }
            Ok(()) => self.refresh(),
            Err(e) => {
                if open {
                    self.saver.update_value(|s| s.paused = false);
                }
                self.problem(format!("The playground was not deleted: {e}."));
            }
        }
    }

    fn keep_copy(&self) {
        let (files, transcript) = (self.files.get_untracked(), self.transcript.get_untracked());
        match self.create("Shared playground", &files, &transcript) {
            Ok(id) => self.open(&id),
            Err(e) => self.problem(format!(
                "A copy could not be kept: {e}. Your own playgrounds are as they were; the shared one is still open."
            )),
        }
    }
}

/// The project as the zip download holds it.
pub fn project_zip(name: &str, files: &Files, history: &[String]) -> (String, Vec<u8>) {
    let stem = library::file_stem(name);
    let zip = export::zip_stored(&export::project_entries(&stem, name, files, history));
    (format!("{stem}.zip"), zip)
}

/// The button row and panel of "Keep & share".
#[component]
pub fn KeepPanel(
    keep: Keep,
    tables: Memo<Vec<TableView>>,
    export_db: Callback<(), Result<Vec<u8>, String>>,
) -> impl IntoView {
    let link = RwSignal::new(None::<String>);
    let make_link = move |_| {
        let json = keep.files.with_untracked(|f| share::encode(f, &keep.history.run(())));
        leptos::task::spawn_local(async move {
            match dom::pack(&json).await {
                Ok(data) => {
                    let url = format!("{}{}{data}", dom::page_url(), share::SHARE_PREFIX);
                    link.set(Some(url));
                    dom::focus("share-link");
                }
                Err(e) => keep.problem(format!("The link could not be made: this browser cannot compress it ({e}).")),
            }
        });
    };
    let download_db = move |_| match export_db.run(()) {
        Ok(bytes) => dom::download_bytes("app.db", "application/vnd.sqlite3", &bytes),
        Err(e) => keep.problem(export::db_problem(&e)),
    };
    let download_sql = move |d: DialectName| {
        let text = tables.with_untracked(|t| export::ddl_script(t, d));
        dom::download(&format!("schema-{}.sql", d.name()), "application/sql", &text);
    };
    let download_zip = move |_| {
        let name = keep.current.with_untracked(|c| c.name.clone());
        let (file, zip) = keep.files.with_untracked(|f| project_zip(&name, f, &keep.history.run(())));
        dom::download_bytes(&file, "application/zip", &zip);
    };
    let rows = move || {
        let own = keep.mode.get() == Mode::Own;
        let current = keep.current.with(|c| c.id.clone());
        keep.list
            .get()
            .into_iter()
            .map(|p| {
                let is_open = own && p.id == current;
                let label = |verb: &str| format!("{verb} {}", p.name);
                // One click handler for the whole list (below): a little less wasm than four
                // closures per row.
                view! {
                    <li class:open=is_open data-playground=p.id.clone()>
                        <span class="pg-name">{p.name.clone()}</span>
                        {is_open.then(|| view! { <span class="pg-open">"open"</span> })}
                        {(!is_open).then(|| view! {
                            <button type="button" data-act="open" aria-label=label("Open")>"Open"</button>
                        })}
                        <button type="button" data-act="duplicate" aria-label=label("Duplicate")>"Duplicate"</button>
                        <button type="button" data-act="rename" aria-label=label("Rename")>"Rename"</button>
                        <button type="button" data-act="delete" aria-label=label("Delete")>"Delete"</button>
                    </li>
                }
            })
            .collect_view()
    };
    let on_list = move |ev: leptos::ev::MouseEvent| {
        let Some((act, id)) = dom::clicked_action(&ev, "data-act", "data-playground") else { return };
        let name = keep.list.with_untracked(|l| l.iter().find(|p| p.id == id).map(|p| p.name.clone()));
        let name = name.unwrap_or_default();
        match act.as_str() {
            "open" => keep.open(&id),
            "duplicate" => keep.duplicate(&id),
            "rename" => keep.rename(&id, &name),
            "delete" => keep.delete(&id, &name),
            _ => {}
        }
    };
    view! {
        <section id="keep" class="keep" aria-label="Keep and share">
            <div class="keep-col">
                <h2>"Your playgrounds"</h2>
                <ul class="pg-list" on:click=on_list>{rows}</ul>
                <button type="button" id="new-playground" on:click=move |_| keep.new_playground()>"New playground"</button>
            </div>
            <div class="keep-col">
                <h2>"Share"</h2>
                <p class="hint">"A link that holds the files and the console lines since the last Run. It stays in the link: no server sees it."</p>
                <button type="button" id="make-link" on:click=make_link>"Make a share link"</button>
                {move || link.get().map(|l| {
                    let note = share::size_note(l.len());
                    let copy = l.clone();
                    view! {
                        <label for="share-link" class="sr-only">"Share link"</label>
                        <input id="share-link" class="mono" readonly value=l />
                        <button type="button" id="copy-link" on:click=move |_| dom::copy_text(&copy)>"Copy link"</button>
                        <p class="link-size">{note}</p>
                    }
                })}
            </div>
            <div class="keep-col">
                <h2>"Download"</h2>
                <div class="downloads">
                    <button type="button" id="download-db" on:click=download_db title="The SQLite database file, as the flask shell would leave it">"app.db"</button>
                    {DIALECTS.into_iter().map(|d| {
                        let label = ["SQLite", "PostgreSQL", "MySQL"][d.index()];
                        view! { <button type="button" data-ddl=d.name() on:click=move |_| download_sql(d)>{label}" .sql"</button> }
                    }).collect_view()}
                    <button type="button" id="download-zip" on:click=download_zip title="The files, requirements.txt, README.md and shell.txt: runs with real Flask">"Project .zip"</button>
                </div>
            </div>
        </section>
    }
}

/// The banner over a playground opened from a share link.
#[component]
pub fn SharedBanner(keep: Keep) -> impl IntoView {
    // A closure rather than `<Show>`: a little less wasm.
    move || {
        (keep.mode.get() != Mode::Own).then(|| {
            view! {
            <div class="shared-banner" role="region" aria-label="Shared playground">
                <p>
                    {move || if keep.mode.get() == Mode::Opening {
                        "Opening a shared playground\u{2026}"
                    } else {
                        "This is a shared playground: it runs here, but nothing of it is saved, and your own playgrounds are untouched."
                    }}
                </p>
                <button type="button" class="primary" id="keep-copy" disabled=move || keep.mode.get() != Mode::Shared on:click=move |_| keep.keep_copy()>"Keep a copy"</button>
                <button type="button" id="back-to-mine" on:click=move |_| dom::drop_hash(true)>"Back to my work"</button>
            </div>
            }
        })
    }
}
