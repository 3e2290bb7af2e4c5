//! Saving to localStorage: the project's files and the console transcript, in a versioned
//! format. The format and its checks are plain Rust (tested natively); only [`browser`] touches
//! the browser.

use serde::{Deserialize, Serialize};

/// The storage key of the saved project (the version is part of the format, not the key).
pub const PROJECT_KEY: &str = "fsp.project";
/// Where an entry that could not be read is kept, so that nothing saved is ever lost.
pub const BACKUP_KEY: &str = "fsp.project.unreadable";
/// The current format version.
pub const FORMAT_VERSION: u32 = 1;

/// One file of the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    pub name: String,
    pub text: String,
}

/// One console entry: what was typed and what the shell showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptEntry {
    pub input: String,
    pub stdout: String,
    /// The error's last line, as the shell prints it.
    pub error: Option<String>,
    /// The SQL the statement sent, as `statement` + rendered params lines.
    pub sql: Vec<String>,
}

/// Everything saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedProject {
    pub version: u32,
    pub files: Vec<SavedFile>,
    pub transcript: Vec<TranscriptEntry>,
}

impl SavedProject {
    /// Serializes for storage.
    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string(self).map_err(|e| e.to_string())
    }

    /// Reads a stored entry, migrating older versions; an error names what is wrong.
    pub fn from_json(text: &str) -> Result<SavedProject, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("the saved project is not valid JSON ({e})"))?;
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version > FORMAT_VERSION as u64 {
            return Err(format!("the saved project was written by a newer playground (format {version})"));
        }
        let mut p: SavedProject =
            serde_json::from_value(value).map_err(|e| format!("the saved project is damaged ({e})"))?;
        p.version = FORMAT_VERSION;
        Ok(p)
    }
}

/// The browser side: localStorage through gloo-storage.
#[cfg(target_arch = "wasm32")]
pub mod browser {
    use gloo_storage::{LocalStorage, Storage};

    use super::*;

    /// Loads the saved project. `Ok(None)` when nothing is saved; on an unreadable entry the
    /// entry is copied to [`BACKUP_KEY`] (never deleted) and the error returned.
    pub fn load() -> Result<Option<SavedProject>, String> {
        let raw: Option<String> = LocalStorage::raw().get_item(PROJECT_KEY).ok().flatten();
        let Some(raw) = raw else { return Ok(None) };
        match SavedProject::from_json(&raw) {
            Ok(p) => Ok(Some(p)),
            Err(e) => {
                let _ = LocalStorage::raw().set_item(BACKUP_KEY, &raw);
                Err(e)
            }
        }
    }

    /// Saves the project; on failure (quota, storage disabled) what was saved before stays.
    pub fn save(p: &SavedProject) -> Result<(), String> {
        let text = p.to_json()?;
        LocalStorage::raw().set_item(PROJECT_KEY, &text).map_err(|e| {
            format!(
                "could not save to this browser's storage ({})",
                e.as_string().unwrap_or_else(|| "storage full or disabled".into())
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let p = SavedProject {
            version: FORMAT_VERSION,
            files: vec![SavedFile { name: "models.py".into(), text: "x = 1\n".into() }],
            transcript: vec![TranscriptEntry { input: "1 + 1".into(), stdout: "2\n".into(), error: None, sql: vec![] }],
        };
        let text = p.to_json().unwrap();
        assert_eq!(SavedProject::from_json(&text).unwrap(), p);
        assert!(SavedProject::from_json("{not json").unwrap_err().contains("not valid JSON"));
        assert!(SavedProject::from_json(r#"{"version": 1, "files": 3}"#).unwrap_err().contains("damaged"));
        assert!(SavedProject::from_json(r#"{"version": 99, "files": [], "transcript": []}"#)
            .unwrap_err()
            .contains("newer"));
    }
}
