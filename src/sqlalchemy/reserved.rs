pub const SQLITE_RESERVED: &[&str] = &[];
pub const POSTGRESQL_RESERVED: &[&str] = &["user"];
pub const MYSQL_RESERVED: &[&str] = &["role"];
pub fn quote_identifier(s: &str, q: char) -> String { format!("{q}{s}{q}") }
pub fn quote(s: &str, r: &[&str], q: char) -> String { if r.contains(&s) { quote_identifier(s, q) } else { s.to_string() } }
