//! The flask-shell console: the transcript (each input with `>>> ` / `... ` prompts, the SQL it
//! sent, its output and its error) and the input box (Enter runs a complete statement, or
//! keeps reading and indents; Shift+Enter adds a line; Up/Down walk the history).

use leptos::prelude::*;

use super::dom;
use super::editing::{console_enter, newline_with_indent, on_first_line, on_last_line, ConsoleEnter, History};
use crate::store::{ShellLine, SqlLine, Transcript, TranscriptItem};

/// The id of the console's input (the end-to-end test types there).
pub const INPUT_ID: &str = "console-input";

/// An input as the interactive prompt shows it: `>>> ` on the first line, `... ` on the others,
/// and a closing `...` line after a block.
pub fn prompt_lines(input: &str) -> Vec<(&'static str, String)> {
    let body = input.trim_end_matches('\n');
    let mut lines: Vec<(&'static str, String)> =
        body.split('\n').enumerate().map(|(i, l)| (if i == 0 { ">>> " } else { "... " }, l.to_string())).collect();
    if input.ends_with('\n') && body.contains('\n') {
        lines.push(("...", String::new()));
    }
    lines
}

/// The summary of a line's SQL block.
pub fn sql_summary(sql: &[SqlLine]) -> String {
    let statements = sql.iter().filter(|s| !s.is_transaction_event()).count();
    match statements {
        0 => "SQL: transaction only".to_string(),
        1 => "SQL: 1 statement".to_string(),
        n => format!("SQL: {n} statements"),
    }
}

/// A traceback split into its frames (`Traceback (most recent call last):` and the indented
/// `File` lines with their source and markers) and the exception it ends with. A SyntaxError
/// from the input itself has no frames: all of it is the exception.
pub fn split_traceback(text: &str) -> (&str, &str) {
    const HEAD: &str = "Traceback (most recent call last):\n";
    if !text.starts_with(HEAD) {
        return ("", text);
    }
    let mut at = HEAD.len();
    for line in text[HEAD.len()..].split_inclusive('\n') {
        if !line.starts_with("  ") {
            break;
        }
        at += line.len();
    }
    text.split_at(at)
}

/// The console: transcript above, input below.
#[component]
pub fn Console(
    transcript: RwSignal<Transcript>,
    /// Runs the input; false when it could not run (the input is kept).
    on_submit: Callback<String, bool>,
    /// True while the console's tab shows (it scrolls to the newest line when shown).
    shown: Signal<bool>,
    /// The project's text, for the hints of errors the models cause (`relationship('user')`).
    sources: Signal<String>,
) -> impl IntoView {
    let input = RwSignal::new(String::new());
    let history = StoredValue::new(History::default());
    let log = NodeRef::<leptos::html::Div>::new();

    // The transcript's lines, brought up to date while the console shows (a Run with the
    // console hidden does not rebuild them, nor lay out the page to scroll them).
    let items = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        if shown.get() {
            items.set(transcript.with(Transcript::keyed));
        }
    });
    // Keep the newest line in view: scrolled once it is in the page and laid out (scrolling in
    // this effect itself measured the transcript before the new line was added, leaving the
    // newest line below the fold).
    Effect::new(move |_| {
        let _ = items.with(|i| i.last().map(|(k, _)| *k));
        if shown.get() {
            request_animation_frame(move || {
                #[cfg(target_arch = "wasm32")]
                if let Some(el) = log.get_untracked() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
    });

    let submit = move |text: String| {
        if text.trim().is_empty() {
            return;
        }
        if on_submit.run(text) {
            input.set(String::new());
            history.update_value(History::reset);
        }
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        match key.as_str() {
            "Enter" if ev.ctrl_key() || ev.meta_key() => {
                ev.prevent_default();
                submit(input.get_untracked());
            }
            "Enter" if !ev.shift_key() && !ev.alt_key() => {
                let Some(t) = dom::textarea_state(&ev) else { return };
                ev.prevent_default();
                match console_enter(&t.text) {
                    ConsoleEnter::Submit(text) => submit(text),
                    ConsoleEnter::Newline => {
                        dom::replace_range(&ev, t.start, t.end, &newline_with_indent(&t.text, t.start))
                    }
                    ConsoleEnter::Nothing => {}
                }
            }
            "ArrowUp" | "ArrowDown" if !ev.shift_key() && !ev.alt_key() => {
                let Some(t) = dom::textarea_state(&ev) else { return };
                let entries = transcript.with_untracked(Transcript::inputs);
                let walked = if key == "ArrowUp" {
                    if !on_first_line(&t.text, t.start, t.end) {
                        return;
                    }
                    history.try_update_value(|h| h.up(&entries, &t.text)).flatten()
                } else {
                    if !on_last_line(&t.text, t.start, t.end) {
                        return;
                    }
                    history.try_update_value(|h| h.down(&entries)).flatten()
                };
                if let Some(text) = walked {
                    ev.prevent_default();
                    dom::set_value(&ev, &text);
                    input.set(text);
                }
            }
            _ => {}
        }
    };

    view! {
        <div class="transcript" node_ref=log role="log" aria-label="Console transcript">
            <Show when=move || transcript.with(Transcript::is_empty)>
                <p class="hint">
                    "This is the flask shell: "<code>"db"</code>", "<code>"app"</code>
                    " and your models are ready to use. Press Run, then try "
                    <code>"Role.query.all()"</code>"."
                </p>
            </Show>
            <For each=move || items.get() key=|(k, _)| *k children=move |(_, item)| item_view(item, sources) />
        </div>
        <div class="prompt">
            <span class="ps" aria-hidden="true">
                ">>>"
            </span>
            <textarea
                id=INPUT_ID
                rows=move || input.with(|t| t.split('\n').count().clamp(1, 12))
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                aria-label="Python shell input"
                aria-describedby="console-help"
                placeholder="Type Python, e.g. User.query.all()"
                prop:value=input
                on:input=move |ev| input.set(event_target_value(&ev))
                on:keydown=on_keydown
            ></textarea>
            <div class="prompt-buttons">
                <button
                    type="button"
                    class="primary"
                    aria-label="Run the statement"
                    on:click=move |_| {
                        submit(input.get_untracked());
                        dom::focus(INPUT_ID);
                    }
                >
                    "Run"
                </button>
                <button
                    type="button"
                    aria-label="Clear the transcript"
                    on:click=move |_| transcript.update(Transcript::clear)
                >
                    "Clear"
                </button>
            </div>
        </div>
        <p id="console-help" class="help">
            "Enter runs · Shift+Enter adds a line · ↑/↓ history · blank line ends a block"
        </p>
    }
}

fn item_view(item: TranscriptItem, sources: Signal<String>) -> AnyView {
    match item {
        TranscriptItem::Session { note } => view! {
            <div class="session" role="separator">
                <span>{note}</span>
            </div>
        }
        .into_any(),
        TranscriptItem::Line(line) => line_view(line, sources).into_any(),
    }
}

fn line_view(line: ShellLine, sources: Signal<String>) -> impl IntoView {
    let ShellLine { input, stdout, warnings, error, error_detail, traceback, sql } = line;
    let input_text = input.clone();
    let prompts = prompt_lines(&input)
        .into_iter()
        .map(|(ps, code)| {
            view! {
                <span class="ps">{ps}</span>
                {code}
                "\n"
            }
        })
        .collect_view();
    let sql_view = (!sql.is_empty()).then(|| {
        let summary = sql_summary(&sql);
        view! {
            <details class="sql" open>
                <summary>{summary}</summary>
                <ol>
                    {sql
                        .into_iter()
                        .map(|s| {
                            let tx = s.is_transaction_event();
                            view! {
                                <li class:tx=tx>
                                    <pre class="stmt">{s.statement.trim().to_string()}</pre>
                                    {s.params.map(|p| view! { <pre class="params">{p}</pre> })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </details>
        }
    });
    view! {
        <div class="line">
            <pre class="input">{prompts}</pre>
            {sql_view}
            {(!stdout.is_empty()).then(|| view! { <pre class="stdout">{stdout}</pre> })}
            {warnings.into_iter().map(|w| view! { <pre class="warning">{w}</pre> }).collect_view()}
            {error
                .map(|e| {
                    let (typ, message) = e.split_once(": ").unwrap_or((e.as_str(), ""));
                    // The line typed is the source the hint reads first (`flask shell` typed
                    // here, ...), then the project (the models behind a mapper error).
                    // A mapper error met at a query (`Role.query.all()`) is about the models:
                    // their hint names the class to write, the line typed cannot.
                    let mut tips = super::hints::hints(typ, message, &input_text);
                    let about_models = (message.contains("mapper") || message.contains("relationship"))
                        && !input_text.contains("relationship(");
                    if tips.is_empty() || about_models {
                        let project = sources.with_untracked(|src| super::hints::hints(typ, message, src));
                        if !project.is_empty() {
                            tips = project;
                        }
                    }
                    let report = match traceback.filter(|t| !t.trim().is_empty()) {
                        // The whole report, as the flask shell prints it.
                        Some(t) => {
                            let (frames, exception) = split_traceback(&t);
                            let (frames, exception) = (frames.to_string(), exception.trim_end().to_string());
                            view! {
                                <pre class="error traceback">
                                    <span class="frames">{frames}</span>
                                    {exception}
                                </pre>
                            }
                                .into_any()
                        }
                        // Saved before tracebacks were recorded: the last line and the details.
                        None => {
                            view! {
                                <pre class="error">{e.clone()}</pre>
                                {error_detail
                                    .map(|d| {
                                        view! {
                                            <details class="error-detail">
                                                <summary>"Full error message"</summary>
                                                <pre>{d}</pre>
                                            </details>
                                        }
                                    })}
                            }
                                .into_any()
                        }
                    };
                    view! {
                        {report}
                        {tips.into_iter().map(|h| view! { <pre class="hint-line">{h}</pre> }).collect_view()}
                    }
                })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_like_the_interactive_interpreter() {
        assert_eq!(prompt_lines("x = 1"), vec![(">>> ", "x = 1".to_string())]);
        assert_eq!(
            prompt_lines("for a in b:\n    print(a)\n"),
            vec![(">>> ", "for a in b:".to_string()), ("... ", "    print(a)".to_string()), ("...", String::new())]
        );
    }

    #[test]
    fn tracebacks_split_into_frames_and_the_exception() {
        let t = "Traceback (most recent call last):\n  File \"<console>\", line 1, in <module>\n    1/0\n    ~^~\nZeroDivisionError: division by zero\n";
        let (frames, exception) = split_traceback(t);
        assert!(frames.ends_with("~^~\n"), "{frames}");
        assert_eq!(exception, "ZeroDivisionError: division by zero\n");
        let syntax = "  File \"<console>\", line 1\n    x = (\n        ^\nSyntaxError: '(' was never closed\n";
        assert_eq!(split_traceback(syntax), ("", syntax));
    }

    #[test]
    fn sql_summaries_count_statements_not_transaction_events() {
        let line = |s: &str, p: Option<&str>| SqlLine { statement: s.into(), params: p.map(String::from) };
        assert_eq!(sql_summary(&[line("COMMIT", None)]), "SQL: transaction only");
        assert_eq!(sql_summary(&[line("BEGIN (implicit)", None), line("SELECT 1", Some("()"))]), "SQL: 1 statement");
        assert_eq!(
            sql_summary(&[line("CREATE TABLE a ()", Some("()")), line("CREATE TABLE b ()", Some("()"))]),
            "SQL: 2 statements"
        );
    }
}
