//! The code editor: one tab per project file over a monospace textarea with line numbers.
//! Tab indents (Esc then Tab leaves the editor), Enter keeps the indentation, Ctrl+Enter runs.

use leptos::prelude::*;

use super::dom;
use super::editing::{dedent, indent, newline_with_indent};
use crate::store::Files;

/// The file tabs and the textarea of the active file.
#[component]
pub fn Editor(files: RwSignal<Files>, on_run: Callback<()>) -> impl IntoView {
    let names = Memo::new(move |_| files.with(|f| f.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>()));
    let active = Memo::new(move |_| files.with(|f| f.active));
    let text = Memo::new(move |_| files.with(|f| f.active_text().to_string()));
    let line_count = Memo::new(move |_| text.with(|t| t.split('\n').count()));
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
        <div class="file-tabs" role="tablist" aria-label="Project files">
            {move || {
                names
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, name)| {
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("file-tab-{i}")
                                aria-controls="code"
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
                                        _ => return,
                                    };
                                    ev.prevent_default();
                                    files.update(|f| f.select(next));
                                    dom::focus(&format!("file-tab-{next}"));
                                }
                            >
                                {name}
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
        <div class="code-area">
            <div class="gutter" aria-hidden="true">
                <pre style:transform=move || format!("translateY({}px)", -scroll.get())>
                    {move || (1..=line_count.get()).map(|n| n.to_string()).collect::<Vec<_>>().join("\n")}
                </pre>
            </div>
            <textarea
                id="code"
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
            "Tab indents · Esc then Tab leaves the editor · Ctrl+Enter runs · saved as you type"
        </p>
    }
}
