//! Share links: the project's files and the console lines since the last Run, as JSON,
//! compressed (the browser's `CompressionStream('deflate-raw')`) and base64url-encoded into the
//! URL's fragment (`#share=...`), which never reaches a server.
//!
//! The link carries what was typed, not what it printed: opening it runs the project and the
//! lines again, so the console shows real results and a link cannot show made-up ones. What
//! it carries is data: it is shown as text and never becomes markup.
//!
//! The JSON (format 1): `{"v": 1, "active": "models.py", "files": [["config.py", "..."], ...],
//! "history": ["db.session.add(Role(name='admin'))", ...]}`.

use serde_json::Value as Json;

use super::{Files, ProjectFile};

/// The fragment's prefix.
pub const SHARE_PREFIX: &str = "#share=";
/// The share format written in every link.
pub const SHARE_VERSION: u32 = 1;
/// Links longer than this (characters) may be cut by mail and chat programs: the size note
/// warns.
pub const LONG_LINK: usize = 8_000;
/// Fragments longer than this are refused when opening (characters).
pub const MAX_FRAGMENT: usize = 200_000;
/// At most this many bytes of JSON come out of a link (a small link must not inflate to
/// gigabytes).
pub const MAX_JSON: usize = 4_000_000;
/// At most this many files and console lines.
pub const MAX_FILES: usize = 100;
pub const MAX_HISTORY: usize = super::MAX_TRANSCRIPT;

/// What a link holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub files: Files,
    /// The console lines to run after the project, oldest first.
    pub history: Vec<String>,
}

/// The JSON a link compresses.
pub fn encode(files: &Files, history: &[String]) -> String {
    // Written by hand around serde_json's string quoting (already in the page): a serializer
    // of its own, or `serde_json::Value`'s, would add to the page's size.
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""));
    let pairs: Vec<String> = files.files.iter().map(|f| format!("[{},{}]", quote(&f.name), quote(&f.text))).collect();
    let lines: Vec<String> = history.iter().map(|l| quote(l)).collect();
    let active = files.active_file().map(|f| f.name.as_str()).unwrap_or("");
    format!(
        "{{\"v\":{SHARE_VERSION},\"active\":{},\"files\":[{}],\"history\":[{}]}}",
        quote(active),
        pairs.join(","),
        lines.join(",")
    )
}

/// The project in a link's JSON; the error says what is wrong, for the learner.
pub fn decode(json: &str) -> Result<Shared, String> {
    let damaged = |what: &str| format!("the link is damaged: {what}");
    let value: Json = serde_json::from_str(json).map_err(|_| damaged("its content is not readable"))?;
    match value.get("v").and_then(Json::as_u64) {
        Some(v) if v == u64::from(SHARE_VERSION) => {}
        Some(v) if v > u64::from(SHARE_VERSION) => {
            return Err(format!("the link was made by a newer version of the playground (format {v})"))
        }
        _ => return Err(damaged("it does not say which format it is in")),
    }
    let text = |v: &Json| v.as_str().map(str::to_string);
    let mut files = Vec::new();
    for pair in value.get("files").and_then(Json::as_array).ok_or_else(|| damaged("its files are not readable"))? {
        match pair.as_array().map(Vec::as_slice) {
            Some([name, body]) => match (text(name), text(body)) {
                (Some(name), Some(text)) => files.push(ProjectFile { name, text }),
                _ => return Err(damaged("its files are not readable")),
            },
            _ => return Err(damaged("its files are not readable")),
        }
    }
    let history: Option<Vec<String>> = match value.get("history") {
        None => Some(vec![]),
        Some(h) => h.as_array().and_then(|lines| lines.iter().map(text).collect()),
    };
    let history = history.ok_or_else(|| damaged("its console lines are not readable"))?;
    if files.is_empty() {
        return Err("the link holds no files".to_string());
    }
    if files.len() > MAX_FILES || history.len() > MAX_HISTORY {
        return Err(format!(
            "the link holds more than the playground opens ({MAX_FILES} files, {MAX_HISTORY} console lines)"
        ));
    }
    for (i, f) in files.iter().enumerate() {
        if f.name.trim().is_empty() || files[..i].iter().any(|g| g.name == f.name) {
            return Err(damaged("two of its files have the same name, or one has none"));
        }
    }
    let active = value.get("active").and_then(Json::as_str);
    let active = files.iter().position(|f| Some(f.name.as_str()) == active);
    let mut files = Files::new(files);
    if let Some(i) = active {
        files.active = i;
    }
    Ok(Shared { files, history })
}

/// The base64url text after [`SHARE_PREFIX`] in a location's hash: None when the hash is not a
/// share link, an error when it is one that cannot be opened.
pub fn payload(hash: &str) -> Option<Result<&str, String>> {
    let data = hash.strip_prefix(SHARE_PREFIX)?;
    Some(if data.len() > MAX_FRAGMENT {
        Err(format!(
            "the link is too long to open ({} characters; at most {}): it may have been joined to other text",
            group(data.len()),
            group(MAX_FRAGMENT)
        ))
    } else if data.is_empty() || !data.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Err("the link is damaged: it holds characters a share link never has (was it cut or edited?)".to_string())
    } else {
        Ok(data)
    })
}

/// What the page says of a link's size.
pub fn size_note(link_chars: usize) -> String {
    let size = format!("The link is {} characters long", group(link_chars));
    if link_chars > LONG_LINK {
        format!(
            "{size}: some mail and chat programs cut links longer than {}; a shorter console history or \
             fewer files make it shorter.",
            group(LONG_LINK)
        )
    } else {
        format!("{size}.")
    }
}

/// 12345 → "12,345".
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        let mut f = Files::new(vec![
            ProjectFile { name: "<script>alert(1)</script>.py".into(), text: "<img src=x onerror=alert(2)>".into() },
            ProjectFile { name: "models.py".into(), text: "x = 1\n".into() },
        ]);
        f.select(0);
        f
    }

    #[test]
    fn round_trips_files_active_and_history_as_data() {
        let history = vec!["print('<b>hi</b>')".to_string(), "for i in range(2):\n    print(i)\n".to_string()];
        let json = encode(&files(), &history);
        assert!(json.starts_with(r#"{"v":1,"active":"<script>alert(1)</script>.py","files":[["#), "{json}");
        assert!(json.ends_with(r#""history":["print('<b>hi</b>')","for i in range(2):\n    print(i)\n"]}"#), "{json}");
        assert_eq!(decode(&json), Ok(Shared { files: files(), history }));
    }

    #[test]
    fn damaged_or_foreign_links_say_why() {
        assert!(decode("{").unwrap_err().contains("damaged"));
        assert!(decode(r#"{"files": [["a.py", ""]]}"#).unwrap_err().contains("which format"));
        assert!(decode(r#"{"v": 7, "files": [["a.py", ""]]}"#).unwrap_err().contains("newer"));
        assert!(decode(r#"{"v": 1, "files": [["a.py"]]}"#).unwrap_err().contains("damaged"));
        assert!(decode(r#"{"v": 1, "files": []}"#).unwrap_err().contains("no files"));
        assert!(decode(r#"{"v": 1, "files": [["a.py", ""], ["a.py", ""]]}"#).unwrap_err().contains("same name"));
        let many = format!(r#"{{"v": 1, "files": [["a.py", ""]], "history": {:?}}}"#, vec!["1"; MAX_HISTORY + 1]);
        assert!(decode(&many).unwrap_err().contains("more than"));
        assert!(decode(r#"{"v": 1, "files": [["a.py", 1]]}"#).unwrap_err().contains("files are not readable"));
        assert!(decode(r#"{"v": 1, "files": [["a.py", ""]], "history": [1]}"#).unwrap_err().contains("console lines"));
        let ok = decode(r#"{"v": 1, "files": [["a.py", "x"], ["b.py", ""]]}"#).unwrap();
        assert_eq!((ok.files.active, ok.history.len()), (1, 0));
    }

    #[test]
    fn fragments_and_sizes() {
        assert_eq!(payload(""), None);
        assert_eq!(payload("#top"), None);
        assert_eq!(payload("#share=abc-_9"), Some(Ok("abc-_9")));
        assert!(payload("#share=").unwrap().unwrap_err().contains("damaged"));
        assert!(payload("#share=ab%3Cc").unwrap().unwrap_err().contains("damaged"));
        let long = format!("#share={}", "a".repeat(MAX_FRAGMENT + 1));
        assert!(payload(&long).unwrap().unwrap_err().contains("too long to open (200,001 characters"));
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(size_note(120), "The link is 120 characters long.");
        assert!(size_note(9000).contains("cut links longer than 8,000"));
    }
}
