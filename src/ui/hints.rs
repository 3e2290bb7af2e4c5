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
    let name = typ.rsplit('.').next().unwrap_or(typ);
    let mut out = Vec::new();
    if name == "TypeError" && (message.contains("'lasy'") || sources.contains("lasy=")) {
        out.push("Hint: the keyword is lazy (with a z): db.relationship('User', backref='role', lazy=True).".into());
    }
    if name == "AttributeError" {
        if let Some(attr) = quoted_after(message, "has no attribute") {
            if let Some(right) = CAPITALISED.iter().find(|c| c.eq_ignore_ascii_case(attr) && **c != attr) {
                out.push(format!("Hint: Python names are case-sensitive: write db.{right}, not db.{attr}."));
            }
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
}
