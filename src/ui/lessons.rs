//! Lessons along the tutorial's path (issue 7): each step is a small starting project
//! (`lessons/*.py`) and a task that the engine's own results decide: the schema it built, the
//! URI it connected to, the rows it counted, what the console printed. Progress (steps done, the
//! step started, the learner's own files put aside when a step first replaced them) is kept in
//! localStorage under its own versioned key. Plain logic first (natively tested), then the panel.

use leptos::prelude::*;

use crate::flask::playground::SchemaView;
use crate::store::{self, Files, ProjectFile, Transcript, TranscriptItem};
use crate::ui::session::RunReport;

/// The localStorage key of the lessons' progress.
pub const PROGRESS_KEY: &str = "fsp.v1.lessons";
/// The learner's own files, put aside when a step first replaced them.
pub const STASH_KEY: &str = "fsp.v1.lessons.stash";

/// What a run produced, as the checks read it.
pub struct Outcome<'a> {
    pub report: Option<&'a RunReport>,
    pub schema: &'a SchemaView,
    pub url: Option<&'a str>,
    pub transcript: &'a Transcript,
    pub files: &'a Files,
}

impl Outcome<'_> {
    fn imported(&self) -> bool {
        self.report.is_some_and(|r| r.import_error.is_none() && r.has_app)
    }
    fn column(&self, table: &str, column: &str) -> Option<&crate::flask::playground::ColumnView> {
        let t = self.schema.tables.iter().find(|t| t.name == table)?;
        t.columns.iter().find(|c| c.name == column)
    }
    fn rows(&self, table: &str) -> i64 {
        self.schema.tables.iter().find(|t| t.name == table).and_then(|t| t.row_count).unwrap_or(0)
    }
    /// The console lines since the last Run.
    fn lines(&self) -> impl Iterator<Item = &store::ShellLine> {
        let start = self.transcript.items.iter().rposition(|i| matches!(i, TranscriptItem::Session { .. }));
        self.transcript.items[start.map_or(0, |s| s + 1)..].iter().filter_map(|i| match i {
            TranscriptItem::Line(l) => Some(l),
            TranscriptItem::Session { .. } => None,
        })
    }
    fn file(&self, name: &str) -> &str {
        self.files.files.iter().find(|f| f.name == name).map_or("", |f| f.text.as_str())
    }
    /// The URI names the file app.db by an absolute path (`sqlite:////…/app.db`).
    fn file_uri(&self) -> bool {
        self.url.is_some_and(|u| u.starts_with("sqlite:////") && u.ends_with("/app.db"))
    }
}

/// One step.
pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    pub task: &'static str,
    pub hints: &'static [&'static str],
    pub files: &'static [(&'static str, &'static str)],
    pub check: fn(&Outcome) -> bool,
}

impl Lesson {
    pub fn project(&self) -> Vec<ProjectFile> {
        self.files.iter().map(|(n, t)| ProjectFile { name: n.to_string(), text: t.to_string() }).collect()
    }
}

const APP: &str = include_str!("lessons/app_inline.py");
const MODELS_FULL: &str = include_str!("lessons/models_full.py");

/// The steps, in the tutorial's order.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "configure",
        title: "Install and configure",
        text: "pip install flask-sqlalchemy adds the extension (here it is built in). Flask keeps its \
               settings in app.config. SQLALCHEMY_DATABASE_URI says where the database is: \
               'sqlite:///' and then a file's path. os.path.abspath(os.path.dirname(__file__)) is the \
               project's folder, so the file sits beside app.py wherever the project goes. \
               SQLALCHEMY_TRACK_MODIFICATIONS = False turns off the extension's modification signals \
               (False is already the default since Flask-SQLAlchemy 3.0).",
        task: "Make the URI name the file app.db in the project's folder.",
        hints: &[
            "basedir already holds the folder's absolute path.",
            "'sqlite:///' + os.path.join(basedir, 'app.db') — the path starts with /, so the URI has four slashes.",
            "The Tables tab says which database the URI names.",
        ],
        files: &[("app.py", include_str!("lessons/app_configure.py"))],
        check: |o| o.imported() && o.file_uri(),
    },
    Lesson {
        id: "models",
        title: "Define models",
        text: "A model is a class that subclasses db.Model; its table is named after it (User → user) \
               and each db.Column is a column. primary_key=True marks the id that identifies a row, \
               nullable=False adds NOT NULL, unique=True a UNIQUE constraint.",
        task: "Make email unique, so that two users cannot share an address (it stays NOT NULL).",
        hints: &[
            "Add unique=True inside db.Column(...) on the email line, in models.py.",
            "When it works the Tables tab shows a unique badge and UNIQUE (email) in the DDL.",
        ],
        files: &[("app.py", APP), ("models.py", include_str!("lessons/models_columns.py"))],
        check: |o| o.imported() && o.column("user", "email").is_some_and(|c| c.unique && !c.nullable),
    },
    Lesson {
        id: "relationships",
        title: "Relationships",
        text: "A ForeignKey column holds the id of a row of another table. db.relationship adds the \
               Python side: Role.users is the list of a role's users, and backref='role' adds \
               User.role too. lazy=True (the same as lazy='select') loads the users with a SELECT the \
               first time role.users is read.",
        task: "Give Role a relationship users to User, with backref 'role' and lazy=True.",
        hints: &[
            "In class Role: users = db.relationship('User', backref='role', lazy=True)",
            "The Relationships tab shows Role.users and the SQL its lazy load sends.",
        ],
        files: &[("app.py", APP), ("models.py", include_str!("lessons/models_fk.py"))],
        check: |o| {
            o.imported()
                && o.schema.relationships.iter().any(|r| {
                    r.parent == "Role"
                        && r.key == "users"
                        && r.target == "User"
                        && r.backref.as_deref() == Some("role")
                        && r.lazy == "select"
                })
        },
    },
    Lesson {
        id: "create",
        title: "Create the database",
        text: "In a real project you open flask shell and type db.create_all(): it sends CREATE TABLE \
               for each model whose table does not exist yet. Run does the same here (the console's \
               first line), in a database in memory. Rows go through the session: db.session.add(obj), \
               then db.session.commit() sends the INSERTs.",
        task: "In the Console, add two roles and commit them.",
        hints: &[
            "db.session.add_all([Role(name='Admin'), Role(name='User')])",
            "Then db.session.commit(); the SQL log shows the INSERTs, the Tables tab the row count.",
        ],
        files: &[("app.py", APP), ("models.py", MODELS_FULL)],
        check: |o| o.imported() && o.rows("role") >= 2,
    },
    Lesson {
        id: "inspect",
        title: "Inspect the database",
        text: "Model.query builds SELECTs: Role.query.all() returns every row, \
               Role.query.filter_by(name='Admin').first() the first match or None, and \
               db.session.get(Role, 1) the row with that primary key. The console shows each query's \
               SQL under it; the Data tab shows the rows.",
        task: "Add a role named 'Admin', commit, then find it with filter_by.",
        hints: &[
            "db.session.add(Role(name='Admin')) and db.session.commit()",
            "Role.query.filter_by(name='Admin').first() shows <Role 'Admin'>.",
        ],
        files: &[("app.py", APP), ("models.py", MODELS_FULL)],
        check: |o| {
            o.imported()
                && o.lines().any(|l| l.error.is_none() && l.input.contains("filter_by") && l.stdout.contains("<Role 'Admin'>"))
        },
    },
    Lesson {
        id: "config",
        title: "Configuration in config.py",
        text: "Settings grow: a class in config.py keeps them apart from the app. \
               app.config.from_object(Config) copies the class's UPPERCASE attributes into app.config.",
        task: "Move both settings into class Config in config.py and load them with \
               app.config.from_object(Config); app.py keeps no app.config[...] line.",
        hints: &[
            "In config.py: SQLALCHEMY_DATABASE_URI = 'sqlite:///' + os.path.join(basedir, 'app.db') inside class Config (and TRACK_MODIFICATIONS).",
            "In app.py: from config import Config, then app.config.from_object(Config) before db = SQLAlchemy(app).",
        ],
        files: &[
            ("config.py", include_str!("lessons/config_empty.py")),
            ("app.py", APP),
            ("models.py", MODELS_FULL),
        ],
        check: |o| {
            o.imported()
                && o.file_uri()
                && o.file("config.py").contains("SQLALCHEMY_DATABASE_URI")
                && o.file("app.py").contains("from_object")
                && !o.file("app.py").contains("app.config[")
        },
    },
];

/// The saved progress: `1` (the format's version), the started step's id (or nothing) and the
/// ids of the steps done, separated by `|` and `,` (ids are plain words; a hand-written format is
/// a few kB less wasm than serde's).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// The ids of the steps done.
    pub done: Vec<String>,
    /// The step whose project is in the editor, if one was started.
    pub current: Option<String>,
}

impl Progress {
    /// Reads saved progress; anything unreadable or of another version starts afresh.
    pub fn decode(text: Option<&str>) -> Progress {
        let Some(mut parts) = text.map(|t| t.split('|')) else { return Progress::default() };
        let (Some("1"), Some(current), Some(done), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Progress::default();
        };
        let known = |id: &str| lesson(id).map(|l| l.id.to_string());
        Progress { done: done.split(',').filter_map(known).collect(), current: known(current) }
    }
    pub fn encode(&self) -> String {
        format!("1|{}|{}", self.current.as_deref().unwrap_or(""), self.done.join(","))
    }
    pub fn is_done(&self, id: &str) -> bool {
        self.done.iter().any(|d| d == id)
    }
    pub fn mark_done(&mut self, id: &str) -> bool {
        if self.is_done(id) {
            return false;
        }
        self.done.push(id.to_string());
        true
    }
}

fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
#[cfg(target_arch = "wasm32")]
fn read(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}
#[cfg(target_arch = "wasm32")]
fn write(key: &str, text: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match text {
            Some(t) => s.set_item(key, t),
            None => s.remove_item(key),
        };
    }
}
#[cfg(not(target_arch = "wasm32"))]
fn read(_key: &str) -> Option<String> {
    None
}
#[cfg(not(target_arch = "wasm32"))]
fn write(_key: &str, _text: Option<&str>) {}

/// The lessons: the steps, the one chosen, its task's state, Start and the hints.
#[component]
pub fn LessonsPanel(
    files: RwSignal<Files>,
    report: RwSignal<Option<RunReport>>,
    schema: RwSignal<SchemaView>,
    url: RwSignal<Option<String>>,
    transcript: RwSignal<Transcript>,
) -> impl IntoView {
    let progress = RwSignal::new(Progress::decode(read(PROGRESS_KEY).as_deref()));
    let shown = RwSignal::new(progress.with_untracked(|p| p.current.clone()).unwrap_or_else(|| LESSONS[0].id.into()));
    let stashed = RwSignal::new(read(STASH_KEY).is_some());
    let save = move || write(PROGRESS_KEY, Some(&progress.with_untracked(Progress::encode)));
    // The started step's task, checked on every result.
    let passed = Memo::new(move |_| {
        let l = progress.with(|p| p.current.clone()).and_then(|id| lesson(&id))?;
        // Only a run of the files as they are now counts (a step just started has not run yet).
        let current = report.with(|r| {
            r.as_ref().is_some_and(|r| {
                files.with(|f| {
                    f.files.len() == r.sources.len()
                        && f.files.iter().zip(&r.sources).all(|(a, b)| a.name == b.name && a.text == b.text)
                })
            })
        });
        if !current {
            return None;
        }
        let ok = report.with(|r| {
            schema.with(|s| {
                url.with(|u| {
                    transcript.with(|t| {
                        files.with(|f| {
                            (l.check)(&Outcome {
                                report: r.as_ref(),
                                schema: s,
                                url: u.as_deref(),
                                transcript: t,
                                files: f,
                            })
                        })
                    })
                })
            })
        });
        ok.then_some(l.id)
    });
    Effect::new(move |_| {
        if let Some(id) = passed.get() {
            if progress.try_update(|p| p.mark_done(id)).unwrap_or(false) {
                save();
            }
        }
    });
    let start = move |l: &'static Lesson| {
        let again = progress.with_untracked(|p| p.current.as_deref() == Some(l.id));
        if again && !crate::ui::dom::confirm("Start this step again? Your changes to its files are lost.") {
            return;
        }
        if !stashed.get_untracked() && progress.with_untracked(|p| p.current.is_none()) {
            write(STASH_KEY, Some(&files.with_untracked(|f| store::encode("lesson stash", f, &Transcript::default()))));
            stashed.set(true);
        }
        files.update(|f| f.replace_all(l.project()));
        progress.update(|p| p.current = Some(l.id.into()));
        save();
    };
    let restore = move |_| {
        if let Some(Ok(saved)) = read(STASH_KEY).map(|t| store::decode(&t)) {
            files.set(saved.files);
        }
        write(STASH_KEY, None);
        stashed.set(false);
        progress.update(|p| p.current = None);
        save();
    };
    let step_button = move |(i, l): (usize, &'static Lesson)| {
        view! {
            <li>
                <button
                    type="button"
                    data-lesson=l.id
                    aria-current=move || (shown.get() == l.id).then_some("step")
                    class:done=move || progress.with(|p| p.is_done(l.id))
                    on:click=move |_| shown.set(l.id.into())
                >
                    {format!("{}. {}", i + 1, l.title)}
                    <Show when=move || progress.with(|p| p.is_done(l.id))>
                        <span class="tick" aria-label="done">" ✓"</span>
                    </Show>
                </button>
            </li>
        }
    };
    let body = move || {
        let l = lesson(&shown.get()).unwrap_or(&LESSONS[0]);
        let started = move || progress.with(|p| p.current.as_deref() == Some(l.id));
        let done = move || progress.with(|p| p.is_done(l.id));
        view! {
            <div class="lesson" data-lesson=l.id>
                <h2>{l.title}</h2>
                <p>{l.text}</p>
                <p class="task">
                    <strong>"Task: "</strong>
                    {l.task}
                </p>
                <p class="lesson-state" role="status" class:ok=done>
                    {move || match (done(), started()) {
                        (true, _) => "✓ Done",
                        (false, true) => "Not done yet: the task is checked after each run and console line.",
                        (false, false) => "Start the step to load its project (your files are put aside).",
                    }}
                </p>
                <div class="lesson-actions">
                    <button type="button" class="primary" on:click=move |_| start(l)>
                        {move || if started() { "Restart this step" } else { "Start this step" }}
                    </button>
                    <Show when=move || stashed.get()>
                        <button type="button" on:click=restore>
                            "Back to my files"
                        </button>
                    </Show>
                </div>
                <details class="hints">
                    <summary>"Hints"</summary>
                    <ul>{l.hints.iter().map(|h| view! { <li>{*h}</li> }).collect_view()}</ul>
                </details>
            </div>
        }
    };
    view! {
        <nav aria-label="Lesson steps">
            <ol class="lesson-steps">{LESSONS.iter().enumerate().map(step_button).collect_view()}</ol>
        </nav>
        {body}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::session;

    /// Runs `files` as Run does, then `lines` in the console, and checks `lesson`'s task.
    fn passes(lesson: &Lesson, files: &[(&str, &str)], lines: &[&str]) -> bool {
        let files =
            Files::new(files.iter().map(|(n, t)| ProjectFile { name: n.to_string(), text: t.to_string() }).collect());
        let mut started = session::start(files.sources(), session::connector());
        let mut transcript = Transcript::default();
        transcript.start_session("run");
        for line in lines {
            for step in session::run_input(&mut started.playground, line) {
                transcript.push_line(store::ShellLine::from_step(&step));
            }
        }
        let schema = started.playground.schema();
        let url = started.playground.database_url();
        (lesson.check)(&Outcome {
            report: Some(&started.report),
            schema: &schema,
            url: url.as_deref(),
            transcript: &transcript,
            files: &files,
        })
    }

    fn edit(lesson: &Lesson, name: &str, from: &str, to: &str) -> Vec<(&'static str, String)> {
        lesson
            .files
            .iter()
            .map(|(n, t)| {
                let text = if *n == name {
                    assert!(t.contains(from), "{name} lacks {from:?}");
                    t.replace(from, to)
                } else {
                    t.to_string()
                };
                (*n, text)
            })
            .collect()
    }

    fn passes_edited(lesson: &Lesson, files: &[(&'static str, String)], lines: &[&str]) -> bool {
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        passes(lesson, &files, lines)
    }

    #[test]
    fn each_step_starts_undone_and_its_solution_passes() {
        let by = |id| lesson(id).unwrap();
        for l in LESSONS {
            assert!(!passes(l, l.files, &[]), "{} is done before any change", l.id);
        }
        let l = by("configure");
        let solved = edit(l, "app.py", "'sqlite://'", "'sqlite:///' + os.path.join(basedir, 'app.db')");
        assert!(passes_edited(l, &solved, &[]));
        let relative = edit(l, "app.py", "'sqlite://'", "'sqlite:///app.db'");
        assert!(!passes_edited(l, &relative, &[]));

        let l = by("models");
        let solved = edit(l, "models.py", "db.String(120), nullable", "db.String(120), unique=True, nullable");
        assert!(passes_edited(l, &solved, &[]));

        let l = by("relationships");
        let line = "    name = db.Column(db.String(64), unique=True)\n";
        let solved = edit(
            l,
            "models.py",
            line,
            &format!("{line}    users = db.relationship('User', backref='role', lazy=True)\n"),
        );
        assert!(passes_edited(l, &solved, &[]));
        let wrong =
            edit(l, "models.py", line, &format!("{line}    users = db.relationship('User', backref='owner')\n"));
        assert!(!passes_edited(l, &wrong, &[]));

        let l = by("create");
        let add = "db.session.add_all([Role(name='Admin'), Role(name='User')])";
        assert!(passes(l, l.files, &[add, "db.session.commit()"]));
        assert!(!passes(l, l.files, &["db.session.add(Role(name='Admin'))", "db.session.commit()"]));

        let l = by("inspect");
        let find = "Role.query.filter_by(name='Admin').first()";
        assert!(passes(l, l.files, &["db.session.add(Role(name='Admin'))", "db.session.commit()", find]));
        assert!(!passes(l, l.files, &[find]));

        let l = by("config");
        let moved: Vec<(&'static str, String)> = l
            .files
            .iter()
            .map(|(n, t)| {
                let text = match *n {
                    "config.py" => t.replace(
                        "    pass\n",
                        "    SQLALCHEMY_DATABASE_URI = 'sqlite:///' + os.path.join(basedir, 'app.db')\n    \
                         SQLALCHEMY_TRACK_MODIFICATIONS = False\n",
                    ),
                    "app.py" => t
                        .replace(
                            "app.config['SQLALCHEMY_DATABASE_URI'] = 'sqlite:///' + os.path.join(basedir, 'app.db')\n\
                             app.config['SQLALCHEMY_TRACK_MODIFICATIONS'] = False\n",
                            "app.config.from_object(Config)\n",
                        )
                        .replace(
                            "from flask_sqlalchemy import SQLAlchemy\n",
                            "from flask_sqlalchemy import SQLAlchemy\n\nfrom config import Config\n",
                        ),
                    _ => t.to_string(),
                };
                (*n, text)
            })
            .collect();
        assert!(passes_edited(l, &moved, &[]), "{:?}", moved);
    }

    #[test]
    fn progress_round_trips_and_ignores_other_versions() {
        let mut p = Progress::default();
        assert!(p.mark_done("models"));
        assert!(!p.mark_done("models"));
        p.current = Some("models".into());
        let text = p.encode();
        assert_eq!(text, "1|models|models");
        assert_eq!(Progress::decode(Some(&text)), p);
        assert_eq!(Progress::decode(Some("1||configure,nonsense")).done, vec!["configure".to_string()]);
        assert_eq!(Progress::decode(Some("2|models|models")), Progress::default());
        assert_eq!(Progress::decode(Some("not ours")), Progress::default());
    }
}
