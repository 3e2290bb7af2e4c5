//! The code editor: one tab per project file (add, rename, delete; folders with `/`, packages
//! with `__init__.py`) over CodeMirror 6 (web/editor.js, bundled at build time: Python
//! highlighting, auto-indent, bracket matching, undo, search, the import error marked at its
//! line). Without the bundle a textarea with line numbers stands in: Tab indents (Esc then Tab
//! leaves it), Enter keeps the indentation, Ctrl+Enter runs.

use leptos::prelude::*;

use super::dom;
use super::editing::{dedent, indent, newline_with_indent};
use super::session::RunReport;
use crate::store::Files;

/// The textarea the page starts with (CodeMirror takes its place once its bundle has run).
const TEXTAREA_ID: &str = "code";

/// The errors to mark in file `name`: (line, text) of the import error when it points there,
/// with the hints for it.
pub fn errors_in(report: Option<&RunReport>, name: &str, sources: &str) -> Vec<(u32, String)> {
    let Some(r) = report else { return Vec::new() };
    let (Some(e), Some((file, line))) = (&r.import_error, &r.error_at) else { return Vec::new() };
    if file != name {
        return Vec::new();
    }
    let mut text = crate::store::error_last_line(e);
    for h in super::hints::hints(&e.typ, &e.message, sources) {
        text.push('\n');
        text.push_str(&h);
    }
    vec![(*line, text)]
}

/// Deletes file `i` once the learner confirms; true when it was deleted.
fn delete_file(files: RwSignal<Files>, i: usize) -> bool {
    let Some(old) = files.with_untracked(|f| f.files.get(i).map(|f| f.name.clone())) else { return false };
    if !dom::confirm(&format!("Delete {old}? Its text is lost.")) {
        return false;
    }
    match files.try_update(|f| f.remove(i)).unwrap_or(Ok(())) {
        Ok(()) => true,
        Err(e) => {
            dom::alert(&format!("The file was not deleted: {e}."));
            false
        }
    }
}

/// Add, rename and delete, on the active file.
#[component]
fn FileActions(files: RwSignal<Files>) -> impl IntoView {
    let add = move |_| {
        let Some(name) = dom::prompt("New file (e.g. forms.py, or blog/__init__.py for a package):", "") else {
            return;
        };
        if let Err(e) = files.try_update(|f| f.add(&name)).unwrap_or(Ok(())) {
            dom::alert(&format!("The file was not added: {e}."));
        }
    };
    let rename = move |_| {
        let (i, old) =
            files.with_untracked(|f| (f.active, f.active_file().map(|f| f.name.clone()).unwrap_or_default()));
        let Some(name) = dom::prompt(&format!("Rename {old} to:"), &old) else { return };
        if name.trim() == old {
            return;
        }
        if let Err(e) = files.try_update(|f| f.rename(i, &name)).unwrap_or(Ok(())) {
            dom::alert(&format!("The file was not renamed: {e}."));
        }
    };
    let delete = move |_| {
        delete_file(files, files.with_untracked(|f| f.active));
    };
    view! {
        <div class="file-actions" role="group" aria-label="File actions">
            <button type="button" id="file-add" title="Add a file" aria-label="Add a file" on:click=add>
                "+"
            </button>
            <button type="button" id="file-rename" aria-label="Rename the current file" on:click=rename>
                "Rename"
            </button>
            <button type="button" id="file-delete" aria-label="Delete the current file" on:click=delete>
                "Delete"
            </button>
        </div>
    }
}

/// The file tabs and the editor of the active file.
#[component]
pub fn Editor(
    files: RwSignal<Files>,
    on_run: Callback<()>,
    /// The last run (its import error is shown at its line).
    report: RwSignal<Option<super::session::RunReport>>,
) -> impl IntoView {
    let names = Memo::new(move |_| files.with(|f| f.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>()));
    let active = Memo::new(move |_| files.with(|f| f.active));
    let text = Memo::new(move |_| files.with(|f| f.active_text().to_string()));
    let line_count = Memo::new(move |_| text.with(|t| t.split('\n').count()));
    let cm_host = NodeRef::<leptos::html::Div>::new();
    let cm = StoredValue::new_local(None::<dom::EditorHandle>);
    // The textarea below until CodeMirror is created: the page is interactive with it (it edits,
    // runs on edit and on Ctrl+Enter), and CodeMirror's bundle is run once the first results are
    // painted (`dom::load_editor`); it then takes the textarea's place, text, caret, scroll and
    // focus. Without the bundle the textarea stays.
    let use_cm = RwSignal::new(false);
    let cm_ready = RwSignal::new(false);
    let active_name = Memo::new(move |_| files.with(|f| f.active_file().map(|f| f.name.clone()).unwrap_or_default()));
    // Mount CodeMirror once its host is in the page and its bundle has run (after the first
    // results are painted: the textarea serves meanwhile).
    Effect::new(move |_| {
        let Some(host) = cm_host.get() else { return };
        dom::when_editor_ready(move |ok| {
            if cm.try_with_value(Option::is_some).unwrap_or(true) {
                return;
            }
            let handle = ok
                .then(|| {
                    dom::editor_create(
                        &host,
                        &text.get_untracked(),
                        &active_name.get_untracked(),
                        move |t: String| {
                            files.update(|f| {
                                let i = f.active;
                                f.set_text(i, t);
                            })
                        },
                        move || on_run.run(()),
                        TEXTAREA_ID,
                    )
                })
                .flatten();
            let created = handle.is_some();
            cm.set_value(handle);
            use_cm.set(created);
            cm_ready.set(created);
        });
    });
    // Another file, or a change from outside (Reset): show it.
    Effect::new(move |_| {
        let t = text.get();
        let name = active_name.get();
        cm_ready.track();
        cm.with_value(|h| {
            if let Some(h) = h {
                dom::editor_set_text(h, &t);
                dom::editor_set_label(h, &format!("{name}, Python code"));
            }
        });
    });
    // The import error, at its line (CodeMirror's gutter and a block under the line; the
    // textarea's gutter marks the line).
    let errors = Memo::new(move |_| {
        let name = active_name.get();
        let _ = text.with(String::len);
        report.with(|r| {
            files.with_untracked(|f| {
                let sources: String = f.files.iter().map(|f| f.text.as_str()).collect();
                errors_in(r.as_ref(), &name, &sources)
            })
        })
    });
    Effect::new(move |_| {
        cm_ready.track();
        errors.with(|errors| {
            cm.with_value(|h| {
                if let Some(h) = h {
                    dom::editor_set_errors(h, errors);
                }
            })
        });
    });
    // The textarea's gutter marks the error's line (an invisible dot gives the column
    // CodeMirror's error gutter's width).
    let marked = Memo::new(move |_| {
        let n = line_count.get();
        errors.with(|e| e.first().map(|(line, _)| *line as usize)).filter(|l| (1..=n).contains(l))
    });
    // The chosen tab in view (a file just added is at the end of a strip that may scroll).
    Effect::new(move |_| {
        let i = active.get();
        names.track();
        dom::scroll_into_view(&format!("file-tab-{i}"));
    });
    let scroll = RwSignal::new(0);
    // After Esc, Tab moves the focus on instead of indenting (keyboard users are not trapped).
    let escaped = RwSignal::new(false);

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        let command = ev.ctrl_key() || ev.meta_key();
        if key == "Escape" {
            escaped.set(true);
            return;
        }
        let was_escaped = escaped.get_untracked();
        escaped.set(false);
        match key.as_str() {
            "Enter" if command => {
                ev.prevent_default();
                on_run.run(());
            }
            "Enter" if !ev.shift_key() && !ev.alt_key() => {
                let Some(t) = dom::textarea_state(&ev) else { return };
                ev.prevent_default();
                dom::replace_range(&ev, t.start, t.end, &newline_with_indent(&t.text, t.start));
            }
            "Tab" if !was_escaped && !command && !ev.alt_key() => {
                let Some(t) = dom::textarea_state(&ev) else { return };
                ev.prevent_default();
                if ev.shift_key() {
                    if let Some(edit) = dedent(&t.text, t.start, t.end) {
                        dom::replace_range(&ev, edit.start, edit.end, &edit.text);
                    }
                } else {
                    let edit = indent(&t.text, t.start, t.end);
                    dom::replace_range(&ev, edit.start, edit.end, &edit.text);
                }
            }
            // Saving is automatic: keep the browser's "Save page" dialog away.
            "s" if command => ev.prevent_default(),
            _ => {}
        }
    };

    view! {
        <div class="file-bar">
        <div class="file-tabs" role="tablist" aria-label="Project files">
            {move || {
                names
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, name)| {
                        // A long name ends in an ellipsis (the whole name is the tooltip); the ×
                        // stays visible. The × is not a button of its own (a tab holds no other
                        // control): the Delete key on the tab does the same.
                        let close_title = format!("Delete {name}");
                        let tip = name.clone();
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("file-tab-{i}")
                                title=tip
                                aria-keyshortcuts="Delete"
                                aria-controls=move || if use_cm.get() { "cm-editor" } else { "code" }
                                aria-selected=move || if active.get() == i { "true" } else { "false" }
                                tabindex=move || if active.get() == i { "0" } else { "-1" }
                                class:active=move || active.get() == i
                                on:click=move |_| files.update(|f| f.select(i))
                                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                    let n = names.with_untracked(Vec::len).max(1);
                                    let next = match ev.key().as_str() {
                                        "ArrowRight" => (i + 1) % n,
                                        "ArrowLeft" => (i + n - 1) % n,
                                        "Home" => 0,
                                        "End" => n - 1,
                                        "Delete" => {
                                            ev.prevent_default();
                                            if delete_file(files, i) {
                                                let a = files.with_untracked(|f| f.active);
                                                dom::focus(&format!("file-tab-{a}"));
                                            }
                                            return;
                                        }
                                        _ => return,
                                    };
                                    ev.prevent_default();
                                    files.update(|f| f.select(next));
                                    dom::focus_in_view(&format!("file-tab-{next}"));
                                }
                            >
                                <span class="tab-name">{name}</span>
                                {move || names.with(|n| n.len() > 1).then(|| {
                                    view! {
                                        <span
                                            class="tab-close"
                                            aria-hidden="true"
                                            title=close_title.clone()
                                            on:click=move |ev| {
                                                ev.stop_propagation();
                                                delete_file(files, i);
                                            }
                                        >
                                            "×"
                                        </span>
                                    }
                                })}
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
        <FileActions files=files />
        </div>
        <div class="cm-host" id="cm-editor" node_ref=cm_host hidden=move || !use_cm.get()></div>
        <div class="code-area" hidden=use_cm>
            <div class="gutter" aria-hidden="true">
                <div class="gutter-cols" style:transform=move || format!("translateY({}px)", -scroll.get())>
                    <pre class="numbers">
                        {move || (1..=line_count.get()).map(|n| n.to_string()).collect::<Vec<_>>().join("\n")}
                    </pre>
                    <pre class="marks">
                        "\u{25cf}"
                        <span
                            class="on"
                            hidden=move || marked.get().is_none()
                            style:top=move || format!("calc({} * var(--code-row) + 4px)", marked.get().unwrap_or(1) - 1)
                        >
                            "\u{25cf}"
                        </span>
                    </pre>
                </div>
            </div>
            <textarea
                id=TEXTAREA_ID
                class="code"
                role="tabpanel"
                aria-labelledby=move || format!("file-tab-{}", active.get())
                aria-describedby="code-help"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                wrap="off"
                prop:value=text
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    files.update(|f| {
                        let i = f.active;
                        f.set_text(i, text);
                    });
                }
                on:keydown=on_keydown
                on:scroll=move |ev| scroll.set(dom::scroll_top(&ev))
            ></textarea>
        </div>
        <p id="code-help" class="help">
            "Tab indents · Esc then Tab leaves the editor · Ctrl+F searches · Ctrl+Enter runs · runs and saves as you type"
        </p>
    }
}
