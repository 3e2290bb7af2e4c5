//! The Tables panel: one card per table of the app's metadata, with its columns and the
//! CREATE TABLE statement SQLAlchemy compiles for SQLite.

use leptos::prelude::*;

use super::session::RunReport;
use crate::flask::playground::{ColumnView, TableView};

/// What the panel says when there are no tables to show.
pub fn empty_message(report: Option<&RunReport>) -> &'static str {
    match report {
        None => "Press Run to import config.py, app.py and models.py and create their tables.",
        Some(r) if r.import_error.is_some() => "No tables: the project did not import (see the error above).",
        Some(r) if !r.has_app => "No tables: no Flask app was found.",
        Some(_) => "No tables: the project defines no models yet.",
    }
}

/// The tables, or why there are none.
#[component]
pub fn TablesPanel(tables: RwSignal<Vec<TableView>>, report: RwSignal<Option<RunReport>>) -> impl IntoView {
    move || {
        let list = tables.get();
        if list.is_empty() {
            let message = report.with(|r| empty_message(r.as_ref()));
            return view! { <p class="hint">{message}</p> }.into_any();
        }
        let count = list.len();
        view! {
            <p class="panel-intro">
                {format!("{count} table{}", if count == 1 { "" } else { "s" })}
                " in an in-memory SQLite database, created by "<code>"db.create_all()"</code>"."
            </p>
            {list.into_iter().map(table_card).collect_view()}
        }
        .into_any()
    }
}

fn table_card(table: TableView) -> impl IntoView {
    let TableView { name, columns, create_sql } = table;
    let heading_id = format!("table-{name}");
    let labelled_by = heading_id.clone();
    let meta = format!("{} column{}", columns.len(), if columns.len() == 1 { "" } else { "s" });
    view! {
        <article class="table-card" data-table=name.clone() aria-labelledby=labelled_by>
            <header>
                <h3 id=heading_id>{name.clone()}</h3>
                <span class="meta">{meta}</span>
            </header>
            <div class="table-scroll">
                <table class="columns">
                    <caption class="sr-only">{format!("Columns of the table {name}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            <th scope="col">"SQL type"</th>
                            <th scope="col">"PK"</th>
                            <th scope="col">"Nullable"</th>
                            <th scope="col">"Unique"</th>
                            <th scope="col">"Foreign key"</th>
                        </tr>
                    </thead>
                    <tbody>{columns.into_iter().map(column_row).collect_view()}</tbody>
                </table>
            </div>
            <pre class="ddl" aria-label=format!("CREATE TABLE statement of {name}")>{create_sql.trim().to_string()}</pre>
        </article>
    }
}

fn column_row(column: ColumnView) -> impl IntoView {
    let ColumnView { name, sql_type, primary_key, nullable, unique, foreign_key } = column;
    view! {
        <tr class:pk=primary_key>
            <th scope="row" class="mono">{name}</th>
            <td class="mono">{sql_type}</td>
            <td>{flag(primary_key)}</td>
            <td>{flag(nullable)}</td>
            <td>{flag(unique)}</td>
            <td class="mono">
                {match foreign_key {
                    Some(target) => view! { <span class="fk">"→ "{target}</span> }.into_any(),
                    None => view! { <span class="sr-only">"none"</span> }.into_any(),
                }}
            </td>
        </tr>
    }
}

/// A yes/no cell: a check mark to see, "yes"/"no" to hear.
fn flag(on: bool) -> impl IntoView {
    view! {
        <span class="flag" aria-hidden="true">{if on { "✓" } else { "" }}</span>
        <span class="sr-only">{if on { "yes" } else { "no" }}</span>
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
            import_stdout: String::new(),
            import_warnings: vec![],
            has_app: true,
            sources: vec![],
        };
        assert!(empty_message(Some(&report)).contains("no models"));
        assert!(empty_message(Some(&RunReport { has_app: false, ..report })).contains("no Flask app"));
    }
}
