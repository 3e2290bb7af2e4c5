//! The tutorial project the page opens with: exactly the files of the oracle's
//! `cases/001-seed-tutorial` (copied byte for byte into `src/ui/tutorial/`).

use crate::store::ProjectFile;

/// The tutorial's files, in the order the editor shows them.
pub fn tutorial_files() -> Vec<ProjectFile> {
    let file = |name: &str, text: &str| ProjectFile { name: name.to_string(), text: text.to_string() };
    vec![
        file("config.py", include_str!("tutorial/config.py")),
        file("app.py", include_str!("tutorial/app.py")),
        file("models.py", include_str!("tutorial/models.py")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutorial_files_are_the_oracle_case() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/oracle/cases/001-seed-tutorial");
        let files = tutorial_files();
        assert_eq!(files.len(), 3);
        for f in files {
            // The oracle lives beside the crate in the workspace; skip when it is not there.
            if let Ok(text) = std::fs::read_to_string(format!("{dir}/{}", f.name)) {
                assert_eq!(text, f.text, "{}", f.name);
            }
        }
    }
}
