//! The result tabs besides Tables and Console: Diagram (the ER diagram of [`super::diagram`]
//! with pan, zoom and export), Relationships (each relationship and the SQL its lazy load
//! emits), SQL log (every statement grouped under the shell line that sent it) and Data (a
//! table's rows, sorted and paged). Components stay thin; their logic is in the plain
//! functions below and in [`super::diagram`].

use leptos::prelude::*;

use super::diagram::{self, Diagram, View};
use super::dom;
use super::session::RunReport;
use super::tables::empty_message;
use crate::flask::playground::{RelationshipView, RowsPage, TableView};
use crate::store::{ShellLine, Transcript, TranscriptItem};

/// Rows per page in the Data tab.
pub const PAGE_SIZE: usize = 50;

/// The shell input that loads relationship `r` on the first parent row: the lazy load's SQL
/// then shows in the console.
pub fn load_snippet(r: &RelationshipView) -> String {
    format!("{}.query.first().{}", r.parent, r.key)
}

/// One line of the relationship's description: `Role.users → list of User`.
pub fn relationship_summary(r: &RelationshipView) -> String {
    if r.uselist {
        format!("{}.{} → list of {}", r.parent, r.key, r.target)
    } else {
        format!("{}.{} → one {} (or None)", r.parent, r.key, r.target)
    }
}

/// What `lazy=` means, in a few words.
pub fn loading_note(lazy: &str) -> &'static str {
    match lazy {
        "select" | "True" | "true" => "loaded with its own SELECT the first time the attribute is read",
        "joined" | "False" => "loaded in the same SELECT as the parent (LEFT OUTER JOIN)",
        "subquery" => "loaded for all parents of a query by a second SELECT with a subquery",
        "selectin" => "loaded for all parents of a query by a second SELECT ... WHERE ... IN",
        "dynamic" => "a query object (AppenderQuery), run when iterated",
        "write_only" => "never loaded implicitly (WriteOnlyCollection)",
        "noload" => "never loaded",
        "raise" | "raise_on_sql" => "raises instead of loading",
        "immediate" => "loaded right after the parent, one SELECT per parent",
        _ => "",
    }
}

/// One group of the SQL log: the line's transcript key, its input, its statements.
pub type SqlGroup = (u64, String, Vec<(String, Option<String>)>);

/// The SQL log: (the transcript key, the shell input, its statements as `(statement, params)`)
/// for every line that sent SQL, oldest first. The key is the line's stable transcript key, so
/// the panel renders a run's new group without rebuilding the older ones.
pub fn sql_log(t: &Transcript) -> Vec<SqlGroup> {
    t.items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            TranscriptItem::Line(ShellLine { input, sql, .. }) if !sql.is_empty() => Some((
                t.dropped + i as u64,
                input.clone(),
                sql.iter().map(|s| (s.statement.trim_end().to_string(), s.params.clone())).collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The relationships.
#[component]
pub fn RelationshipsPanel(
    relationships: Memo<Vec<RelationshipView>>,
    /// The tables, for their row counts: a load needs a parent row.
    tables: Memo<Vec<TableView>>,
    error: Memo<Option<String>>,
    /// The project's text, for the hints.
    sources: Signal<String>,
    /// Runs an input in the console.
    on_try: Callback<String>,
) -> impl IntoView {
    move || {
        let list = relationships.get();
        if let Some(e) = error.get() {
            let (typ, message) = e.split_once(": ").unwrap_or((e.as_str(), ""));
            let tips = sources.with_untracked(|src| super::hints::hints(typ, message, src));
            return view! {
                <div class="import-error" role="alert">
                    <h2>"The mappers could not be configured"</h2>
                    <pre class="error">{e.clone()}</pre>
                    {tips.into_iter().map(|h| view! { <p class="hint-line">{h}</p> }).collect_view()}
                </div>
            }
            .into_any();
        }
        if list.is_empty() {
            return view! {
                <p class="hint">
                    "No relationships yet. Add one with "<code>"db.relationship('Other', backref='name')"</code>
                    " and a "<code>"db.ForeignKey"</code>" column."
                </p>
            }
            .into_any();
        }
        view! {
            <p class="panel-intro">
                "Each attribute SQLAlchemy maps between your classes, and the SELECT it sends the first time it is read (its lazy load)."
            </p>
            {list
                .into_iter()
                .map(|r| {
                    let rows = tables.with(|t| parent_rows(t, &r));
                    relationship_card(r, rows, on_try)
                })
                .collect_view()}
        }
        .into_any()
    }
}

/// How many rows the relationship's parent table has (None when it is not created).
pub fn parent_rows(tables: &[TableView], r: &RelationshipView) -> Option<i64> {
    tables.iter().find(|t| t.name == r.parent_table).and_then(|t| t.row_count)
}

/// Why the load cannot be tried yet, if it cannot: `Role.query.first()` is None while the
/// parent table is empty, and reading `.users` on None raises AttributeError.
pub fn try_blocked(r: &RelationshipView, parent_rows: Option<i64>) -> Option<String> {
    (parent_rows == Some(0)).then(|| {
        format!(
            "The table {} has no rows yet, so there is no {} to load from: add one in the console \
             (db.session.add({}(...)), then db.session.commit()) and this button runs the load.",
            r.parent_table, r.parent, r.parent
        )
    })
}

fn relationship_card(r: RelationshipView, parent_rows: Option<i64>, on_try: Callback<String>) -> impl IntoView {
    let blocked = try_blocked(&r, parent_rows);
    let summary = relationship_summary(&r);
    let snippet = load_snippet(&r);
    let snippet_label = format!("Run {snippet} in the console");
    let note = loading_note(&r.lazy);
    let direction = if r.many_to_one { "MANYTOONE" } else { "ONETOMANY" };
    let params = (!r.bound_to.is_empty()).then(|| {
        let names = r.bound_to.iter().map(|b| format!("the parent's {b}")).collect::<Vec<_>>().join(", ");
        format!("? = {names}")
    });
    let id = format!("rel-{}-{}", r.parent, r.key);
    let labelled_by = id.clone();
    let data_name = format!("{}.{}", r.parent, r.key);
    view! {
        <article class="rel-card" data-relationship=data_name aria-labelledby=labelled_by>
            <header>
                <h3 id=id class="mono">{summary}</h3>
                <span class=format!("badge kind-{}", r.kind.label())>{r.kind.label()}</span>
            </header>
            <dl class="facts">
                <dt>"Direction"</dt>
                <dd>
                    <code>{direction}</code>
                    {format!(" ({} → {})", r.parent_table, r.target_table)}
                </dd>
                <dt>"Loading"</dt>
                <dd>
                    <code>{format!("lazy='{}'", r.lazy)}</code>
                    {(!note.is_empty()).then(|| format!(": {note}"))}
                </dd>
                <dt>"Other side"</dt>
                <dd>
                    {match &r.backref {
                        Some(b) => view! { <code>{format!("{}.{b}", r.target)}</code> }.into_any(),
                        None => view! { <span>"none (one-way)"</span> }.into_any(),
                    }}
                </dd>
                <dt>"Joined by"</dt>
                <dd class="mono">
                    {match &r.secondary {
                        Some(s) => format!("association table {s}"),
                        None => r.foreign_keys.join(", "),
                    }}
                </dd>
            </dl>
            {match r.load_sql {
                Some(sql) => {
                    view! {
                        <pre class="ddl load-sql" aria-label="The SQL of the lazy load">{sql}</pre>
                        {params.map(|p| view! { <p class="params-note mono">{p}</p> })}
                        <div class="try-row">
                            <button
                                type="button"
                                class="try"
                                aria-label=snippet_label
                                disabled=blocked.is_some()
                                on:click=move |_| on_try.run(snippet.clone())
                            >
                                "▶ "
                                <code>{snippet.clone()}</code>
                            </button>
                            {blocked.map(|b| view! { <p class="try-note">{b}</p> })}
                        </div>
                    }
                        .into_any()
                }
                None => view! { <p class="hint">"Not configured: no SQL to show."</p> }.into_any(),
            }}
        </article>
    }
}

/// The SQL log. Groups are keyed by their transcript line: a Run adds one group and leaves the
/// others' DOM alone.
#[component]
pub fn SqlLogPanel(
    transcript: RwSignal<Transcript>,
    /// True while the tab shows: the log is brought up to date then, not on every Run.
    shown: Signal<bool>,
) -> impl IntoView {
    let log = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        if shown.get() {
            log.set(transcript.with(sql_log));
        }
    });
    view! {
        <Show
            when=move || log.with(|l| !l.is_empty())
            fallback=|| view! { <p class="hint">"No SQL yet: Run the project or type in the console."</p> }
        >
            <p class="panel-intro">
                "Every statement sent to the database, under the shell line that sent it, as "
                <code>"SQLALCHEMY_ECHO = True"</code>" logs it (without echo's timestamps and its "
                <code>"[generated in …]"</code>" cache notes)."
            </p>
        </Show>
        <div class="sql-log">
            <For each=move || log.get() key=|(k, _, _)| *k children=|(_, input, statements)| sql_group(input, statements) />
        </div>
    }
}

fn sql_group(input: String, statements: Vec<(String, Option<String>)>) -> impl IntoView {
    let echo = statements
        .into_iter()
        .map(|(s, p)| {
            let mut text = format!("INFO sqlalchemy.engine.Engine {s}\n");
            if let Some(p) = p {
                text.push_str(&format!("INFO sqlalchemy.engine.Engine {p}\n"));
            }
            text
        })
        .collect::<String>();
    view! {
        <section class="sql-group">
            <pre class="input">
                <span class="ps">">>> "</span>
                {input.trim_end().replace('\n', "\n... ")}
            </pre>
            <pre class="echo">{echo}</pre>
        </section>
    }
}

/// What the Data tab asks for: a table's name, the sort (column index, descending) and the
/// first row's offset.
pub type RowsRequest = (String, Option<(usize, bool)>, usize);

/// The Data tab: pick a table, sort by a column, page through the rows.
#[component]
pub fn DataPanel(
    tables: Memo<Vec<TableView>>,
    /// The last run: why there are no tables.
    report: RwSignal<Option<RunReport>>,
    /// Bumps whenever the database may have changed.
    version: RwSignal<u64>,
    fetch: Callback<RowsRequest, RowsPage>,
    /// True while the tab shows: rows are read from the database only then (a Run while
    /// another tab shows costs no query here).
    shown: Signal<bool>,
) -> impl IntoView {
    let chosen = RwSignal::new(None::<String>);
    let sort = RwSignal::new(None::<(usize, bool)>);
    let offset = RwSignal::new(0usize);
    let names = Memo::new(move |_| tables.with(|t| t.iter().map(|t| t.name.clone()).collect::<Vec<_>>()));
    let current = Memo::new(move |_| {
        let names = names.get();
        match chosen.get() {
            Some(c) if names.contains(&c) => Some(c),
            _ => names.first().cloned(),
        }
    });
    let page = Memo::new(move |_| {
        if !shown.get() {
            return None;
        }
        let _ = version.get();
        current.get().map(|t| fetch.run((t, sort.get(), offset.get())))
    });
    view! {
        {move || {
            if names.with(Vec::is_empty) {
                let message = report.with(|r| empty_message(r.as_ref()));
                return view! { <p class="hint">{message}</p> }.into_any();
            }
            view! {
                <div class="panel-bar">
                    <label class="field">
                        "Table "
                        <select
                            id="data-table"
                            on:change=move |ev| {
                                chosen.set(Some(event_target_value(&ev)));
                                sort.set(None);
                                offset.set(0);
                            }
                        >
                            {names
                                .get()
                                .into_iter()
                                .map(|n| {
                                    let selected = current.get().as_deref() == Some(n.as_str());
                                    view! {
                                        <option value=n.clone() selected=selected>
                                            {n.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    {move || page.get().map(|p| pager(p, offset))}
                </div>
                {move || page.get().map(|p| rows_table(p, sort, offset))}
            }
                .into_any()
        }}
    }
}

fn pager(p: RowsPage, offset: RwSignal<usize>) -> impl IntoView {
    let total = p.total.max(0) as usize;
    let from = if total == 0 { 0 } else { p.offset + 1 };
    let to = (p.offset + p.rows.len()).min(total.max(p.offset + p.rows.len()));
    let at = p.offset;
    // Computed here: a `>` inside a view! attribute would end the tag.
    let on_last_page = at + PAGE_SIZE >= total;
    view! {
        <div class="pager" role="group" aria-label="Pages">
            <span aria-live="polite">{format!("rows {from}–{to} of {total}")}</span>
            <button
                type="button"
                aria-label="Previous page"
                disabled=at == 0
                on:click=move |_| offset.set(at.saturating_sub(PAGE_SIZE))
            >
                "‹"
            </button>
            <button
                type="button"
                aria-label="Next page"
                disabled=on_last_page
                on:click=move |_| offset.set(at + PAGE_SIZE)
            >
                "›"
            </button>
        </div>
    }
}

fn rows_table(p: RowsPage, sort: RwSignal<Option<(usize, bool)>>, offset: RwSignal<usize>) -> AnyView {
    if let Some(e) = p.error {
        return view! { <pre class="error">{e}</pre> }.into_any();
    }
    let current = sort.get_untracked();
    view! {
        <div class="table-scroll data-scroll">
            <table class="data">
                <thead>
                    <tr>
                        {p
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let state = match current {
                                    Some((j, false)) if j == i => "ascending",
                                    Some((j, true)) if j == i => "descending",
                                    _ => "none",
                                };
                                let arrow = match state {
                                    "ascending" => " ▲",
                                    "descending" => " ▼",
                                    _ => "",
                                };
                                view! {
                                    <th scope="col" aria-sort=state>
                                        <button
                                            type="button"
                                            class="sort"
                                            aria-label=format!("Sort by {c}")
                                            on:click=move |_| {
                                                sort.update(|s| {
                                                    *s = match *s {
                                                        Some((j, false)) if j == i => Some((i, true)),
                                                        Some((j, true)) if j == i => None,
                                                        _ => Some((i, false)),
                                                    }
                                                });
                                                offset.set(0);
                                            }
                                        >
                                            {c.clone()}
                                            {arrow}
                                        </button>
                                    </th>
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {p
                        .rows
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    {row
                                        .into_iter()
                                        .map(|cell| match cell {
                                            Some(v) => view! { <td class="mono">{v}</td> }.into_any(),
                                            None => view! { <td class="mono null">"NULL"</td> }.into_any(),
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            {(p.total == 0).then(|| view! { <p class="hint">"The table is empty."</p> })}
        </div>
    }
    .into_any()
}

/// The ER diagram with pan (drag, arrow keys), zoom (wheel, +/-), fit, and export.
#[component]
pub fn DiagramPanel(
    tables: Memo<Vec<TableView>>,
    /// The last run: why there are no tables.
    report: RwSignal<Option<RunReport>>,
    shown: Signal<bool>,
) -> impl IntoView {
    // Laid out while the tab shows; hidden, the last layout stays (a Run that changes the
    // tables costs no layout until the tab is opened).
    let diagram = Memo::new(move |prev: Option<&Diagram>| match prev {
        Some(p) if !shown.get() => p.clone(),
        _ => tables.with(|t| diagram::layout(t)),
    });
    let body = Memo::new(move |_| diagram.with(diagram::svg_body));
    let view_box = RwSignal::new(View { x: 0.0, y: 0.0, w: 800.0, h: 500.0 });
    let drag = StoredValue::new(None::<(f64, f64)>);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let size = move || -> (f64, f64) {
        #[cfg(target_arch = "wasm32")]
        if let Some(el) = svg_ref.get_untracked() {
            use leptos::wasm_bindgen::JsCast;
            let el: &web_sys::Element = el.unchecked_ref();
            return (el.client_width().max(1) as f64, el.client_height().max(1) as f64);
        }
        (800.0, 500.0)
    };
    let fit = move || {
        let (w, h) = size();
        diagram.with_untracked(|d| view_box.set(View::fit(d, w, h)));
    };
    // Fit whenever the diagram changes or the tab is shown.
    Effect::new(move |_| {
        let _ = diagram.with(|d| d.nodes.len());
        if shown.get() {
            // After the panel is shown and laid out, so that its size is known.
            request_animation_frame(fit);
        }
    });
    let zoom = move |factor: f64| view_box.update(|v| *v = v.zoom(factor, 0.5, 0.5));
    let export_svg = move |_| {
        diagram.with_untracked(|d| dom::download("er-diagram.svg", "image/svg+xml", &diagram::svg_document(d)))
    };
    let export_png = move |_| {
        diagram.with_untracked(|d: &Diagram| {
            dom::download_png("er-diagram.png", &diagram::svg_document(d), d.width, d.height)
        })
    };
    view! {
        {move || {
            if tables.with(Vec::is_empty) {
                let message = report.with(|r| empty_message(r.as_ref()));
                Some(view! { <p class="hint">{message}</p> })
            } else {
                None
            }
        }}
        <div class="panel-bar diagram-bar" hidden=move || tables.with(Vec::is_empty)>
            <p class="panel-intro">"Drag to pan, wheel or +/− to zoom. Crow's feet: "<span class="mono">"o<"</span>" zero or many, "<span class="mono">"||"</span>" exactly one, "<span class="mono">"o|"</span>" zero or one."</p>
            <div class="toolbar" role="toolbar" aria-label="Diagram">
                <button type="button" aria-label="Zoom in" on:click=move |_| zoom(1.25)>"+"</button>
                <button type="button" aria-label="Zoom out" on:click=move |_| zoom(0.8)>"−"</button>
                <button type="button" aria-label="Fit the diagram" on:click=move |_| fit()>"Fit"</button>
                <button type="button" id="export-svg" on:click=export_svg>"Export SVG"</button>
                <button type="button" id="export-png" on:click=export_png>"Export PNG"</button>
            </div>
        </div>
        <svg
            class="er"
            id="er-diagram"
            node_ref=svg_ref
            hidden=move || tables.with(Vec::is_empty)
            role="img"
            aria-label=move || {
                tables.with(|t| format!("Entity-relationship diagram of {} tables: {}", t.len(), t.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")))
            }
            tabindex="0"
            viewBox=move || view_box.get().view_box()
            inner_html=move || body.get()
            on:wheel=move |ev: leptos::ev::WheelEvent| {
                ev.prevent_default();
                let (w, h) = size();
                let factor = (-ev.delta_y() * 0.0015).exp();
                let (fx, fy) = (ev.offset_x() as f64 / w, ev.offset_y() as f64 / h);
                view_box.update(|v| *v = v.zoom(factor, fx, fy));
            }
            on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                drag.set_value(Some((ev.client_x() as f64, ev.client_y() as f64)));
                dom::capture_pointer(&ev);
            }
            on:pointermove=move |ev: leptos::ev::PointerEvent| {
                if let Some((x, y)) = drag.get_value() {
                    let (nx, ny) = (ev.client_x() as f64, ev.client_y() as f64);
                    let (w, _) = size();
                    view_box.update(|v| *v = v.pan(nx - x, ny - y, w));
                    drag.set_value(Some((nx, ny)));
                }
            }
            on:pointerup=move |_| drag.set_value(None)
            on:pointercancel=move |_| drag.set_value(None)
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let (w, _) = size();
                let step = 60.0;
                let v = view_box.get_untracked();
                let next = match ev.key().as_str() {
                    "+" | "=" => v.zoom(1.25, 0.5, 0.5),
                    "-" | "_" => v.zoom(0.8, 0.5, 0.5),
                    "ArrowLeft" => v.pan(step, 0.0, w),
                    "ArrowRight" => v.pan(-step, 0.0, w),
                    "ArrowUp" => v.pan(0.0, step, w),
                    "ArrowDown" => v.pan(0.0, -step, w),
                    "0" => {
                        ev.prevent_default();
                        fit();
                        return;
                    }
                    _ => return,
                };
                ev.prevent_default();
                view_box.set(next);
            }
        ></svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flask::playground::RelationshipKind;
    use crate::store::SqlLine;

    #[test]
    fn snippets_and_summaries() {
        let r = RelationshipView {
            parent: "Role".into(),
            parent_table: "role".into(),
            key: "users".into(),
            target: "User".into(),
            target_table: "user".into(),
            kind: RelationshipKind::OneToMany,
            many_to_one: false,
            uselist: true,
            lazy: "select".into(),
            backref: Some("role".into()),
            secondary: None,
            foreign_keys: vec!["user.role_id".into()],
            load_sql: None,
            bound_to: vec![],
        };
        assert_eq!(load_snippet(&r), "Role.query.first().users");
        // An empty parent table: first() is None, so the button waits for a row.
        let table = |rows| TableView {
            name: "role".into(),
            model: Some("Role".into()),
            row_count: rows,
            columns: vec![],
            create_sql: String::new(),
            alters: vec![],
            ddl: vec![],
        };
        assert_eq!(parent_rows(&[table(Some(0))], &r), Some(0));
        assert!(try_blocked(&r, Some(0)).is_some_and(|b| b.starts_with("The table role has no rows yet")));
        assert_eq!(try_blocked(&r, Some(1)), None);
        assert_eq!(try_blocked(&r, parent_rows(&[table(None)], &r)), None);
        assert_eq!(relationship_summary(&r), "Role.users → list of User");
        assert!(loading_note("select").contains("first time"));
    }

    #[test]
    fn the_sql_log_groups_statements_under_their_line() {
        let mut t = Transcript::default();
        t.start_session("Run");
        let line = |input: &str, sql: Vec<SqlLine>| ShellLine {
            input: input.into(),
            stdout: String::new(),
            warnings: vec![],
            error: None,
            error_detail: None,
            traceback: None,
            sql,
        };
        t.push_line(line("x = 1", vec![]));
        t.push_line(line(
            "Role.query.all()",
            vec![
                SqlLine { statement: "BEGIN (implicit)".into(), params: None },
                SqlLine { statement: "SELECT 1".into(), params: Some("()".into()) },
            ],
        ));
        let log = sql_log(&t);
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].1, "Role.query.all()");
        assert_eq!(log[0].2[1], ("SELECT 1".to_string(), Some("()".to_string())));
        // The key is the line's transcript key (the divider is item 0, `x = 1` item 1).
        assert_eq!(log[0].0, 2);
    }
}
