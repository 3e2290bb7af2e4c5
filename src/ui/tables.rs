//! The Tables panel: one card per table of the app's metadata, with its columns (SQL type and
//! PK / FK / unique / nullable / default / index badges), its row count, and the CREATE TABLE
//! statement SQLAlchemy compiles for the chosen dialect (SQLite, PostgreSQL, MySQL).

use leptos::prelude::*;

use super::session::RunReport;
use crate::flask::playground::{ColumnView, DialectName, TableView, DIALECTS};

/// What the panel says when there are no tables to show.
pub fn empty_message(report: Option<&RunReport>) -> &'static str {
    match report {
        None => "Press Run to import config.py, app.py and models.py and create their tables.",
        Some(r) if r.import_error.is_some() => "No tables: the project did not import (see the error above).",
        Some(r) if !r.has_app => "No tables: no Flask app was found.",
        Some(_) => "No tables: the project defines no models yet.",
    }
}

/// The dialect's name as the switch shows it.
pub fn dialect_label(d: DialectName) -> &'static str {
    match d {
        DialectName::Sqlite => "SQLite",
        DialectName::Postgresql => "PostgreSQL",
        DialectName::Mysql => "MySQL",
    }
}

/// The badges of a column, in the order they show: (short text, what it means).
pub fn badges(c: &ColumnView) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if c.primary_key {
        out.push(("PK".to_string(), "primary key".to_string()));
    }
    if let Some(t) = &c.foreign_key {
        out.push((format!("FK → {t}"), format!("foreign key to {t}")));
    }
    if c.unique {
        out.push(("unique".to_string(), "unique".to_string()));
    }
    if c.index {
        out.push(("index".to_string(), "indexed".to_string()));
    }
    if !c.nullable {
        out.push(("NOT NULL".to_string(), "not nullable".to_string()));
    } else {
        out.push(("nullable".to_string(), "nullable".to_string()));
    }
    if let Some(d) = &c.default {
        out.push((format!("default {d}"), format!("default {d}")));
    }
    out
}

/// The dialect switch (a radio group of buttons).
#[component]
pub fn DialectSwitch(dialect: RwSignal<DialectName>) -> impl IntoView {
    view! {
        <div class="segmented" role="radiogroup" aria-label="SQL dialect of the DDL">
            {DIALECTS
                .iter()
                .map(|&d| {
                    view! {
                        <button
                            type="button"
                            role="radio"
                            data-dialect=d.name()
                            aria-checked=move || if dialect.get() == d { "true" } else { "false" }
                            class:active=move || dialect.get() == d
                            on:click=move |_| dialect.set(d)
                        >
                            {dialect_label(d)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The tables, or why there are none.
#[component]
pub fn TablesPanel(
    tables: Memo<Vec<TableView>>,
    report: RwSignal<Option<RunReport>>,
    dialect: RwSignal<DialectName>,
    /// Where the project's URI points (the in-browser run uses SQLite in its place).
    uri_note: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        let list = tables.get();
        if list.is_empty() {
            let message = report.with(|r| empty_message(r.as_ref()));
            return view! { <p class="hint">{message}</p> }.into_any();
        }
        let count = list.len();
        view! {
            <div class="panel-bar">
                <p class="panel-intro">
                    {format!("{count} table{}", if count == 1 { "" } else { "s" })}
                    " created by "<code>"db.create_all()"</code>" in an in-memory SQLite database."
                </p>
                <DialectSwitch dialect=dialect />
            </div>
            {move || uri_note.get().map(|n| view! { <p class="uri-note">{n}</p> })}
            {list.into_iter().map(|t| table_card(t, dialect)).collect_view()}
        }
        .into_any()
    }
}

/// A table's card. Its DDL shows in the chosen dialect; where the panel is wide enough, in all
/// three side by side (static/app.css, a container query), and the switch hides.
fn table_card(table: TableView, dialect: RwSignal<DialectName>) -> impl IntoView {
    let TableView { name, model, row_count, columns, create_sql, ddl, alters } = table;
    let heading_id = format!("table-{name}");
    let labelled_by = heading_id.clone();
    let rows = match row_count {
        Some(1) => "1 row".to_string(),
        Some(n) => format!("{n} rows"),
        None => "not created".to_string(),
    };
    let meta = format!("{} column{} · {rows}", columns.len(), if columns.len() == 1 { "" } else { "s" });
    let kind = match &model {
        Some(m) => format!("class {m}"),
        None => "db.Table".to_string(),
    };
    let ddl_blocks = DIALECTS
        .iter()
        .map(|&d| {
            let mut sql = ddl.get(d.index()).cloned().unwrap_or_else(|| create_sql.clone());
            // The foreign keys create_all adds by ALTER once every table exists.
            if let Some(alter) = alters.get(d.index()).filter(|a| !a.is_empty()) {
                sql.push_str(";\n\n");
                sql.push_str(alter);
            }
            let label = dialect_label(d);
            view! {
                <figure class="ddl-block" class:chosen=move || dialect.get() == d>
                    <figcaption>{label}</figcaption>
                    <pre
                        class="ddl"
                        data-dialect=d.name()
                        aria-label=format!("CREATE TABLE statement of {name} in {label}")
                    >
                        {sql}
                    </pre>
                </figure>
            }
        })
        .collect_view();
    view! {
        <article class="table-card" data-table=name.clone() aria-labelledby=labelled_by>
            <header>
                <h3 id=heading_id>{name.clone()}</h3>
                <span class="kind mono">{kind}</span>
                <span class="meta">{meta}</span>
            </header>
            <div class="table-scroll">
                <table class="columns">
                    <caption class="sr-only">{format!("Columns of the table {name}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col">"SQL type"</th>
                            <th scope="col">"Constraints"</th>
                        </tr>
                    </thead>
                    <tbody>{columns.into_iter().map(column_row).collect_view()}</tbody>
                </table>
            </div>
            <div class="ddl-set">{ddl_blocks}</div>
        </article>
    }
}

fn column_row(column: ColumnView) -> impl IntoView {
    let badges = badges(&column);
    view! {
        <tr class:pk=column.primary_key>
            <th scope="row" class="mono">{column.name}</th>
            <td class="mono">{column.sql_type}</td>
            <td class="badges">
                {badges
                    .into_iter()
                    .map(|(text, title)| {
                        let class = format!(
                            "badge b-{}",
                            text.split_whitespace().next().unwrap_or("").to_lowercase().replace(' ', "-"),
                        );
                        view! {
                            <span class=class title=title>
                                {text}
                            </span>
                        }
                    })
                    .collect_view()}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_messages_say_why() {
        assert!(empty_message(None).starts_with("Press Run"));
        let report = RunReport {
            import_error: None,
            error_at: None,
            import_traceback: None,
            stand_ins: vec![],
            import_stdout: String::new(),
            import_warnings: vec![],
            has_app: true,
            sources: vec![],
        };
        assert!(empty_message(Some(&report)).contains("no models"));
        assert!(empty_message(Some(&RunReport { has_app: false, ..report })).contains("no Flask app"));
    }

    #[test]
    fn badges_name_every_flag() {
        let c = ColumnView {
            name: "role_id".into(),
            sql_type: "INTEGER".into(),
            primary_key: false,
            nullable: false,
            unique: true,
            index: true,
            default: Some("1".into()),
            foreign_key: Some("role.id".into()),
        };
        let texts: Vec<String> = badges(&c).into_iter().map(|b| b.0).collect();
        assert_eq!(texts, ["FK → role.id", "unique", "index", "NOT NULL", "default 1"]);
    }
}
