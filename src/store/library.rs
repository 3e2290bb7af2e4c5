//! Several named playgrounds in one browser: each under its own key (`fsp.v2.pg.<id>`, the
//! text [`super::encode`] writes), the one open under [`CURRENT_KEY`]. There is no index to
//! keep in step: the list is the keys that exist, so a failed write can never leave it pointing
//! at nothing. Plain rules here (natively tested); [`super::browser`] applies them.

use super::DEFAULT_NAME;

/// The key holding the id of the playground that opens.
pub const CURRENT_KEY: &str = "fsp.v2.current";
/// The prefix of each playground's key; the id follows.
pub const ENTRY_PREFIX: &str = "fsp.v2.pg.";
/// The longest name a playground may have (characters).
pub const MAX_NAME: usize = 80;

/// A playground as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub id: String,
    pub name: String,
}

/// The storage key of playground `id`.
pub fn entry_key(id: &str) -> String {
    format!("{ENTRY_PREFIX}{id}")
}

/// The id in a storage key, when it is a playground's key.
pub fn id_of_key(key: &str) -> Option<&str> {
    key.strip_prefix(ENTRY_PREFIX).filter(|id| !id.is_empty())
}

/// A new id from the time (ms since the epoch), in base 36, not one of `taken`.
pub fn new_id<'a>(now_ms: f64, taken: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let mut n = now_ms.max(0.0) as u64;
    loop {
        let id = base36(n);
        if !taken.clone().into_iter().any(|t| t == id) {
            return id;
        }
        n += 1;
    }
}

fn base36(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|&d| d as char).collect()
}

/// Checks a name the learner typed: trimmed, not empty, at most [`MAX_NAME`] characters.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a playground needs a name".to_string());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("a playground's name has at most {MAX_NAME} characters"));
    }
    Ok(name.to_string())
}

/// `wanted`, or `wanted (2)`, `wanted (3)`... when a playground has that name already.
pub fn unique_name<'a>(wanted: &str, taken: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let wanted = if wanted.trim().is_empty() { DEFAULT_NAME } else { wanted.trim() };
    let free = |n: &str| !taken.clone().into_iter().any(|t| t == n);
    if free(wanted) {
        return wanted.to_string();
    }
    (2..).map(|i| format!("{wanted} ({i})")).find(|n| free(n)).unwrap_or_default()
}

/// The list in the order it shows: by name, then by id (creation time).
pub fn sorted(mut list: Vec<Listed>) -> Vec<Listed> {
    crate::sort::sort_by(&mut list, |a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    list
}

/// Which playground opens: the current one when it exists, else the first listed.
pub fn pick_current<'a>(current: Option<&'a str>, list: &'a [Listed]) -> Option<&'a str> {
    match current {
        Some(c) if list.iter().any(|l| l.id == c) => Some(c),
        _ => list.first().map(|l| l.id.as_str()),
    }
}

/// A file name for downloads made from a playground's name (`My playground` → `my-playground`).
pub fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.ends_with('-') && !stem.is_empty() {
            stem.push('-');
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "playground".to_string()
    } else {
        stem.chars().take(40).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ids_and_names() {
        assert_eq!(entry_key("abc"), "fsp.v2.pg.abc");
        assert_eq!(id_of_key("fsp.v2.pg.abc"), Some("abc"));
        assert_eq!(id_of_key("fsp.v2.pg."), None);
        assert_eq!(id_of_key(CURRENT_KEY), None);
        assert_eq!(new_id(0.0, []), "0");
        assert_eq!(new_id(36.0 * 36.0, []), "100");
        assert_eq!(new_id(35.0, ["z"]), "10");
        assert_eq!(check_name("  Blog  "), Ok("Blog".to_string()));
        assert!(check_name(" ").is_err());
        assert!(check_name(&"x".repeat(MAX_NAME + 1)).is_err());
        assert_eq!(unique_name("Blog", ["Blog", "Blog (2)"]), "Blog (3)");
        assert_eq!(unique_name("", ["x"]), DEFAULT_NAME);
        assert_eq!(file_stem("My <b>playground</b>!"), "my-b-playground-b");
        assert_eq!(file_stem("éé"), "playground");
    }

    #[test]
    fn the_current_playground_or_the_first() {
        let list = sorted(vec![
            Listed { id: "2".into(), name: "b".into() },
            Listed { id: "1".into(), name: "B".into() },
            Listed { id: "3".into(), name: "a".into() },
        ]);
        assert_eq!(list.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["3", "1", "2"]);
        assert_eq!(pick_current(Some("2"), &list), Some("2"));
        assert_eq!(pick_current(Some("9"), &list), Some("3"));
        assert_eq!(pick_current(None, &[]), None);
    }
}
