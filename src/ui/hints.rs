//! Hints for mistakes learners often make, shown next to the real error (never in its place).
//! Each hint is found from the exception's type and message as SQLAlchemy, Flask-SQLAlchemy
//! and Python word them, plus the project's text where the message alone is not enough.

/// Names `db` offers with a capital letter that learners type in lower case.
const CAPITALISED: &[&str] = &[
    "Model",
    "Column",
    "Integer",
    "String",
    "Text",
    "Boolean",
    "DateTime",
    "Date",
    "Float",
    "Numeric",
    "ForeignKey",
    "Table",
    "Index",
    "UniqueConstraint",
    "CheckConstraint",
    "LargeBinary",
];

/// Converts a class name to the table name Flask-SQLAlchemy gives its model (`UserRole` →
/// `user_role`), for the ForeignKey hint.
pub fn table_name_of(class: &str) -> String {
    let chars: Vec<char> = class.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev_lower || (chars[i - 1].is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// True for a Python identifier (a bare name).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// The text between the first pair of `'` after `prefix` in `message`.
fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    let start = rest.find('\'')? + 1;
    let end = rest[start..].find('\'')? + start;
    Some(&rest[start..end])
}

/// Hints for an error (`typ` as `module.Name` or `Name`, `message` as `str(exc)`), given the
/// project's source text (all files).
pub fn hints(typ: &str, message: &str, sources: &str) -> Vec<String> {
    // The console's SyntaxError arrives as its whole report (`  File "<console>", line 1\n ...
    // \nSyntaxError`): the name is the last word.
    let name = typ.rsplit(|c: char| c == '.' || c.is_whitespace()).next().unwrap_or(typ);
    let mut out = Vec::new();
    if name == "TypeError" && (message.contains("'lasy'") || sources.contains("lasy=")) {
        out.push("Hint: the keyword is lazy (with a z): db.relationship('User', backref='role', lazy=True).".into());
    }
    if name == "AttributeError" {
        // Flask-SQLAlchemy's `SQLAlchemy.__getattr__` raises `AttributeError(name)`: the message
        // is the bare name (`AttributeError: model`); other objects say "... has no attribute 'x'".
        let bare = is_identifier(message).then_some(message);
        if let Some(attr) = quoted_after(message, "has no attribute").or(bare) {
            if let Some(right) = CAPITALISED.iter().find(|c| c.eq_ignore_ascii_case(attr) && **c != attr) {
                out.push(format!("Hint: Python names are case-sensitive: write db.{right}, not db.{attr}."));
            }
        }
    }
    if name == "SyntaxError" {
        // A terminal command typed into the console (the tutorial's `flask shell`, `pip install`).
        let first = sources.split_whitespace().next().unwrap_or("");
        if ["flask", "pip", "pip3", "python", "python3"].contains(&first) && sources.trim().contains(' ') {
            out.push(format!(
                "Hint: `{}` is a terminal command, not Python. This console already is the flask shell \
                 (Flask-SQLAlchemy is installed, and db and your models are there): type Python here, \
                 e.g. db.create_all().",
                sources.trim()
            ));
        }
    }
    if name == "ModuleNotFoundError" {
        if let Some(module) = quoted_after(message, "No module named") {
            let m = module.to_ascii_lowercase();
            if m.contains("yourapp") || m.contains("your_app") || m == "myapp" || m == "my_app" {
                out.push(format!(
                    "Hint: {module} stands for your own module: here the app is in app.py, so write \
                     from app import db (the flask shell already gives you db and your models)."
                ));
            }
        }
    }
    if name == "ImportError" {
        // `from flask import flask`, `from config import Config` when config.py says `class config`.
        if let (Some(wanted), Some(module)) =
            (quoted_after(message, "cannot import name"), quoted_after(message, "from"))
        {
            let known: &[&str] = match module {
                "flask" => &["Flask"],
                "flask_sqlalchemy" => &["SQLAlchemy"],
                _ => &[],
            };
            let defined = sources
                .lines()
                .filter_map(|l| l.strip_prefix("class "))
                .filter_map(|rest| rest.split(['(', ':']).next())
                .map(str::trim)
                .find(|c| c.eq_ignore_ascii_case(wanted) && *c != wanted);
            if let Some(right) = known.iter().copied().find(|k| k.eq_ignore_ascii_case(wanted) && *k != wanted) {
                out.push(format!("Hint: Python names are case-sensitive: write from {module} import {right}."));
            } else if let Some(right) = defined {
                out.push(format!(
                    "Hint: Python names are case-sensitive: {module}.py defines class {right}, not {wanted}. \
                     Name the class {wanted} in {module}.py (or import {right})."
                ));
            }
        }
    }
    if message.starts_with("Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set") {
        if sources.contains("sqlalchemy_database_uri") {
            out.push(
                "Hint: app.config.from_object() copies only UPPERCASE attributes: write \
                 SQLALCHEMY_DATABASE_URI (and SQLALCHEMY_TRACK_MODIFICATIONS) in capitals in your Config."
                    .into(),
            );
        } else {
            out.push(
                "Hint: set SQLALCHEMY_DATABASE_URI (e.g. 'sqlite:///app.db') in the config before SQLAlchemy(app) \
                 reads it: app.config.from_object(Config) comes before db = SQLAlchemy(app)."
                    .into(),
            );
        }
    }
    if name == "NameError" {
        match quoted_after(message, "name") {
            Some("true") => out.push("Hint: Python spells the booleans True and False, with capitals.".into()),
            Some("false") => out.push("Hint: Python spells the booleans True and False, with capitals.".into()),
            Some("null") | Some("none") => out.push("Hint: Python's null value is None, with a capital N.".into()),
            _ => {}
        }
    }
    if message.contains("could not assemble any primary key columns") {
        let table = quoted_after(message, "mapped table").unwrap_or("the table");
        out.push(format!(
            "Hint: every model needs a primary key: add id = db.Column(db.Integer, primary_key=True) to the model of {table}."
        ));
    }
    if let Some(target) = quoted_after(message, "could not find table") {
        if target.chars().next().is_some_and(char::is_uppercase) {
            out.push(format!(
                "Hint: db.ForeignKey names the table, not the class: the class {target} is stored in the table \
                 {}, so write db.ForeignKey('{}.id').",
                table_name_of(target),
                table_name_of(target)
            ));
        }
    }
    if let Some(table) =
        quoted_after(message, "Table").filter(|_| message.contains("is already defined for this MetaData"))
    {
        out.push(format!(
            "Hint: two models want the table {table}: a model class is probably written twice (in app.py \
             and again in models.py, say). Keep one of them."
        ));
    }
    // relationship('user'): SQLAlchemy finds the *table* user and refuses it (or, with no such
    // table, finds no name at all); the argument names the class.
    let refused_table =
        message.contains("expects a class or a mapper argument (received: <class 'sqlalchemy.sql.schema.Table'>)");
    if refused_table || message.contains("failed to locate a name") {
        let classes: Vec<&str> = sources
            .lines()
            .filter_map(|l| l.strip_prefix("class "))
            .filter_map(|rest| rest.split(['(', ':']).next())
            .map(str::trim)
            .collect();
        let named: Vec<&str> = match quoted_after(message, "failed to locate a name (") {
            Some(n) => vec![n],
            None => sources.split("relationship(").skip(1).filter_map(|r| quoted_after(r, "")).collect(),
        };
        // The class in another case (`'user'`) or in the plural (`'Users'`).
        let near = |c: &str, n: &str| {
            c != n && (c.eq_ignore_ascii_case(n) || n.strip_suffix('s').is_some_and(|s| c.eq_ignore_ascii_case(s)))
        };
        let fix = named.iter().find_map(|n| classes.iter().find(|c| near(c, n)).map(|c| (*n, *c)));
        if let Some((wrong, class)) = fix {
            out.push(format!(
                "Hint: db.relationship() names the model class exactly as it is written: \
                 db.relationship('{class}', ...), not '{wrong}' (the table is {}).",
                table_name_of(class)
            ));
        } else if refused_table {
            out.push("Hint: db.relationship() names the model class (e.g. 'User'), not its table.".into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_as_flask_sqlalchemy_makes_them() {
        assert_eq!(table_name_of("User"), "user");
        assert_eq!(table_name_of("UserRole"), "user_role");
        assert_eq!(table_name_of("HTTPLog"), "http_log");
    }

    #[test]
    fn hints_for_the_usual_mistakes() {
        assert!(hints("TypeError", "relationship() got an unexpected keyword argument 'lasy'", "")[0].contains("lazy"));
        assert!(hints("AttributeError", "'SQLAlchemy' object has no attribute 'model'", "")[0].contains("db.Model"));
        assert!(hints("AttributeError", "'SQLAlchemy' object has no attribute 'column'", "")[0].contains("db.Column"));
        assert!(hints("NameError", "name 'true' is not defined", "")[0].contains("True"));
        assert!(hints(
            "sqlalchemy.exc.ArgumentError",
            "Mapper Mapper[Tag(tag)] could not assemble any primary key columns for mapped table 'tag'",
            ""
        )[0]
        .contains("primary key"));
        let fk = hints(
            "sqlalchemy.exc.NoReferencedTableError",
            "Foreign key associated with column 'user.role_id' could not find table 'Role' with which to generate a foreign key to target column 'id'",
            "",
        );
        assert!(fk[0].contains("db.ForeignKey('role.id')"), "{fk:?}");
        assert!(hints("AttributeError", "'SQLAlchemy' object has no attribute 'Modle'", "").is_empty());
    }

    // The messages below are the oracle's (tests/cases/600-609 and the public 102-seed-lowercase).
    #[test]
    fn hints_for_the_tutorial_walk() {
        // Flask-SQLAlchemy's own AttributeError carries the bare name.
        assert!(hints("AttributeError", "model", "")[0].contains("db.Model"));
        assert!(hints("AttributeError", "Foreignkey", "")[0].contains("db.ForeignKey"));
        assert!(hints("AttributeError", "Modle", "").is_empty());
        let shell = hints("SyntaxError", "invalid syntax", "flask shell");
        assert!(shell[0].contains("already is the flask shell"), "{shell:?}");
        assert!(hints("SyntaxError", "invalid syntax", "pip install flask-sqlalchemy")[0].contains("terminal"));
        assert!(hints("SyntaxError", "invalid syntax", "x = [1 2]").is_empty());
        let report = "  File \"<console>\", line 1\n    flask shell\n          ^^^^^\nSyntaxError";
        assert!(hints(report, "invalid syntax", "flask shell")[0].contains("terminal command"));
        assert!(hints("ModuleNotFoundError", "No module named 'yourapp'", "")[0].contains("from app import db"));
        assert!(hints("ModuleNotFoundError", "No module named 'psycopg'", "").is_empty());
        let flask = hints(
            "ImportError",
            "cannot import name 'flask' from 'flask' (<site-packages>/flask/__init__.py)",
            "from flask import flask",
        );
        assert!(flask[0].contains("from flask import Flask"), "{flask:?}");
        let config = hints(
            "ImportError",
            "cannot import name 'Config' from 'config' (/home/learner/project/config.py)",
            "class config:\n    SQLALCHEMY_TRACK_MODIFICATIONS = False\n",
        );
        assert!(config[0].contains("class config"), "{config:?}");
        let uri = "Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set.";
        assert!(hints("RuntimeError", uri, "class Config:\n    sqlalchemy_database_uri = 'sqlite://'\n")[0]
            .contains("UPPERCASE"));
        let twice = hints(
            "sqlalchemy.exc.InvalidRequestError",
            "Table 'user' is already defined for this MetaData instance.  Specify 'extend_existing=True' to redefine options and columns on an existing Table object.",
            "",
        );
        assert!(twice[0].contains("written twice"), "{twice:?}");
        let models = "class Role(db.Model):\n    users = db.relationship('user')\nclass User(db.Model):\n";
        let table = hints(
            "sqlalchemy.exc.ArgumentError",
            "relationship 'users' expects a class or a mapper argument (received: <class 'sqlalchemy.sql.schema.Table'>)",
            models,
        );
        assert!(table[0].contains("db.relationship('User', ...)"), "{table:?}");
        let locate = hints(
            "sqlalchemy.exc.InvalidRequestError",
            "When initializing mapper Mapper[Role(role)], expression 'user' failed to locate a name ('user'). If this is a class name, consider adding this relationship() to the <class 'models.Role'> class after both dependent classes have been defined.",
            models,
        );
        assert!(locate[0].contains("db.relationship('User', ...)"), "{locate:?}");
        let plural = hints(
            "sqlalchemy.exc.InvalidRequestError",
            "When initializing mapper Mapper[Role(role)], expression 'Users' failed to locate a name ('Users'). If this is a class name, consider adding this relationship() to the <class 'models.Role'> class after both dependent classes have been defined.",
            models,
        );
        assert!(plural[0].contains("not 'Users'"), "{plural:?}");
    }
}
