//! Lessons along the tutorial's path (issue 7): each step is a small starting project
//! (`lessons/*.py`) and a task that the engine's own results decide: the schema it built, the
//! URI it connected to, the rows it counted, what the console printed. Each started step works
//! in a named playground of its own ([`crate::store::library`]), so a lesson never replaces the
//! learner's files; leaving it opens the playground the learner had. The progress (steps done,
//! each step's playground, the one to go back to) is saved by [`crate::store::lessons`]. Plain
//! logic first (natively tested), then the panel.

use leptos::prelude::*;

use crate::flask::playground::SchemaView;
pub use crate::store::lessons::Progress;
use crate::store::{self, Files, ProjectFile, Transcript, TranscriptItem};
use crate::ui::keep::{Keep, Mode};
use crate::ui::session::RunReport;

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
        // The engine's URL: a relative path is already under the instance folder there.
        self.url
            .is_some_and(|u| u.starts_with("sqlite:////") && u.ends_with("/app.db") && !u.ends_with("/instance/app.db"))
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

fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// The name of step `id`'s own playground (`Lesson 2: Define models`).
pub fn playground_name(id: &str) -> String {
    match LESSONS.iter().position(|l| l.id == id) {
        Some(i) => format!("Lesson {}: {}", i + 1, LESSONS[i].title),
        None => format!("Lesson: {id}"),
    }
}

/// The step whose playground is open (`current`), when it is a known step's.
pub fn open_step(progress: &Progress, current: &str) -> Option<&'static Lesson> {
    progress.step_of(current).and_then(lesson)
}

#[cfg(target_arch = "wasm32")]
fn save_progress(p: &Progress) -> Result<(), String> {
    crate::store::browser::save_lessons(p)
}
#[cfg(not(target_arch = "wasm32"))]
fn save_progress(_p: &Progress) -> Result<(), String> {
    Ok(())
}

/// The lessons: the steps, the one chosen, its task's state, Start (in a playground of the
/// step's own, so the learner's playground is never touched), Back, and the hints.
#[component]
pub fn LessonsPanel(
    keep: Keep,
    progress: RwSignal<Progress>,
    report: RwSignal<Option<RunReport>>,
    schema: RwSignal<SchemaView>,
    url: RwSignal<Option<String>>,
) -> impl IntoView {
    let (files, transcript) = (keep.files, keep.transcript);
    // The step whose playground is open (none while a share link is).
    let here = Memo::new(move |_| {
        let own = keep.mode.get() == Mode::Own;
        let id = keep.current.with(|c| c.id.clone());
        progress.with(|p| own.then(|| open_step(p, &id)).flatten().map(|l| l.id))
    });
    let first_shown = here.get_untracked().unwrap_or_else(|| {
        progress.with_untracked(|p| LESSONS.iter().find(|l| !p.is_done(l.id)).unwrap_or(&LESSONS[0]).id)
    });
    let shown = RwSignal::new(first_shown.to_string());
    let save = move || {
        if let Err(e) = progress.with_untracked(save_progress) {
            keep.problem(format!(
                "Your lesson progress could not be saved: {}. What was saved before is kept.",
                e.trim_end_matches('.')
            ));
        }
    };
    // The open step's task, checked on every result.
    let passed = Memo::new(move |_| {
        let l = lesson(here.get()?)?;
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
    // Opens step playground `id` (the page loads again), remembering the learner's own
    // playground first; nothing moves when the progress cannot be saved.
    let go = move |id: &str| -> Result<(), String> {
        let from = keep.current.with_untracked(|c| c.id.clone());
        let in_lesson = progress.with_untracked(|p| p.step_of(&from).is_some());
        if keep.mode.get_untracked() == Mode::Own && !in_lesson {
            progress.update(|p| p.back_to = Some(from));
        }
        progress.with_untracked(save_progress)?;
        keep.open(id);
        Ok(())
    };
    let start = move |l: &'static Lesson| {
        if here.get_untracked() == Some(l.id) {
            if crate::ui::dom::confirm("Start this step again? Your changes to its files and its console are lost.") {
                files.update(|f| f.replace_all(l.project()));
                transcript.update(Transcript::clear);
            }
            return;
        }
        let before = progress.get_untracked();
        let stored = keep.stored_ids();
        let existing = before.playground_of(l.id).map(str::to_string).filter(|id| stored.contains(id));
        let done = match existing {
            Some(id) => go(&id),
            None => {
                let files = Files::new(l.project());
                keep.create(&playground_name(l.id), &files, &Transcript::default()).and_then(|id| {
                    progress.update(|p| p.set_playground(l.id, &id));
                    go(&id).inspect_err(|_| keep.discard(&id))
                })
            }
        };
        if let Err(e) = done {
            progress.set(before);
            keep.problem(format!(
                "The step could not be started: {}. Your playground is as it was.",
                e.trim_end_matches('.')
            ));
        }
    };
    // Back to the learner's playground: the one they left, or another of theirs, or a new one.
    let back_name = move || {
        let back = progress.with(|p| p.back_to.clone())?;
        keep.list.with(|l| l.iter().find(|p| p.id == back).map(|p| p.name.clone()))
    };
    let back = move |_| {
        let stored = keep.stored_ids();
        let target = progress.with_untracked(|p| {
            p.back_to
                .clone()
                .filter(|b| stored.contains(b))
                .or_else(|| stored.iter().find(|id| p.step_of(id).is_none()).cloned())
        });
        match target {
            Some(id) => keep.open(&id),
            None => keep.new_playground(),
        }
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
        let open = move || here.get() == Some(l.id);
        let begun = move || progress.with(|p| p.playground_of(l.id).is_some());
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
                    {move || match (done(), open(), begun()) {
                        (true, _, _) => "✓ Done",
                        (false, true, _) => "Not done yet: the task is checked after each run and console line.",
                        (false, false, true) => "Continue the step in its own playground (yours stays as it is).",
                        (false, false, false) => "Start the step: it opens in a playground of its own, and yours stays as it is.",
                    }}
                </p>
                <div class="lesson-actions">
                    <button type="button" class="primary" id="lesson-start" on:click=move |_| start(l)>
                        {move || match (open(), begun()) {
                            (true, _) => "Restart this step",
                            (false, true) => "Continue this step",
                            (false, false) => "Start this step",
                        }}
                    </button>
                    <Show when=move || here.get().is_some()>
                        <button type="button" id="lesson-back" on:click=back>
                            {move || match back_name() {
                                Some(n) => format!("Back to \u{201c}{n}\u{201d}"),
                                None => "Back to my playground".to_string(),
                            }}
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
    fn each_step_has_a_playground_name_and_the_open_one_is_found() {
        assert_eq!(playground_name("models"), "Lesson 2: Define models");
        let mut p = Progress::default();
        p.set_playground("models", "pg1");
        p.set_playground("gone", "pg2");
        assert_eq!(open_step(&p, "pg1").map(|l| l.id), Some("models"));
        assert!(open_step(&p, "pg2").is_none(), "a step that no longer exists");
        assert!(open_step(&p, "mine").is_none());
    }
}
