//! The lessons' saved state: the steps done, each started step's own playground (an ordinary
//! named playground of [`super::library`], so a lesson never touches the learner's), and the
//! playground to go back to when the learner leaves a lesson. Stored under [`LESSONS_KEY`] as
//! versioned JSON; [`decode_v1`] reads the first cut's `fsp.v1.lessons` for its migration
//! (done in [`super::browser::load_lessons`]). Step ids are plain strings here: which ones exist
//! is the UI's business (`ui::lessons`).
//!
//! ```json
//! {"version": 2, "done": ["configure", "models"],
//!  "playgrounds": {"models": "lq2x7k1"}, "back_to": "lq2w0a9"}
//! ```

use serde_json::Value as Json;

/// The storage key of the lessons' state.
pub const LESSONS_KEY: &str = "fsp.v2.lessons";
/// The first cut's progress (`1|started step|done,done`), migrated once.
pub const V1_PROGRESS_KEY: &str = "fsp.v1.lessons";
/// The first cut's put-aside copy of the learner's files (a format-2 playground text), migrated
/// once into the learner's playground.
pub const V1_STASH_KEY: &str = "fsp.v1.lessons.stash";
/// The format version written.
pub const LESSONS_VERSION: u64 = 2;

/// The lessons' saved state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// The ids of the steps done, in the order they were done.
    pub done: Vec<String>,
    /// Each started step's playground: (step id, playground id).
    pub playgrounds: Vec<(String, String)>,
    /// The learner's own playground, opened again when they leave a lesson.
    pub back_to: Option<String>,
}

impl Progress {
    pub fn is_done(&self, step: &str) -> bool {
        self.done.iter().any(|d| d == step)
    }

    /// Marks `step` done; false when it was already.
    pub fn mark_done(&mut self, step: &str) -> bool {
        if self.is_done(step) {
            return false;
        }
        self.done.push(step.to_string());
        true
    }

    /// The playground of `step`, if it was started.
    pub fn playground_of(&self, step: &str) -> Option<&str> {
        self.playgrounds.iter().find(|(s, _)| s == step).map(|(_, p)| p.as_str())
    }

    /// The step whose playground `id` is, if it is a lesson's.
    pub fn step_of(&self, id: &str) -> Option<&str> {
        self.playgrounds.iter().find(|(_, p)| p == id).map(|(s, _)| s.as_str())
    }

    /// Records `id` as `step`'s playground.
    pub fn set_playground(&mut self, step: &str, id: &str) {
        self.playgrounds.retain(|(s, _)| s != step);
        self.playgrounds.push((step.to_string(), id.to_string()));
    }

    /// The stored text: the JSON object `serde_json::Value` wrote (keys in order), written by
    /// hand around serde_json's string quoting (a `Value` and its serializer cost the page's
    /// wasm more than these lines).
    pub fn encode(&self) -> String {
        let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""));
        let back_to = self.back_to.as_deref().map_or_else(|| "null".to_string(), quote);
        let done: Vec<String> = self.done.iter().map(|d| quote(d)).collect();
        let mut pgs: Vec<&(String, String)> = self.playgrounds.iter().collect();
        crate::sort::sort_by(&mut pgs, |a, b| a.0.cmp(&b.0));
        pgs.dedup_by(|a, b| a.0 == b.0);
        let pgs: Vec<String> = pgs.iter().map(|(s, p)| format!("{}:{}", quote(s), quote(p))).collect();
        format!(
            "{{\"back_to\":{back_to},\"done\":[{}],\"playgrounds\":{{{}}},\"version\":{LESSONS_VERSION}}}",
            done.join(","),
            pgs.join(",")
        )
    }

    /// Reads the stored text; the error says, for the learner, what is wrong with it.
    pub fn decode(text: &str) -> Result<Progress, String> {
        let value: Json = serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
        match value.get("version").and_then(Json::as_u64) {
            Some(LESSONS_VERSION) => {}
            Some(v) if v > LESSONS_VERSION => {
                return Err(format!("it was written by a newer version of the playground (format {v})"))
            }
            Some(v) => return Err(format!("it has an unknown format version ({v})")),
            None => return Err("it has no format version".to_string()),
        }
        let damaged = |what: &str| format!("it is damaged ({what})");
        let strings = |v: Option<&Json>| -> Result<Vec<String>, String> {
            match v {
                None | Some(Json::Null) => Ok(vec![]),
                Some(Json::Array(items)) => {
                    items.iter().map(|i| i.as_str().map(str::to_string).ok_or_else(|| damaged("done"))).collect()
                }
                Some(_) => Err(damaged("done")),
            }
        };
        let done = strings(value.get("done"))?;
        let playgrounds = match value.get("playgrounds") {
            None | Some(Json::Null) => vec![],
            Some(Json::Object(map)) => map
                .iter()
                .map(|(s, p)| p.as_str().map(|p| (s.clone(), p.to_string())).ok_or_else(|| damaged("playgrounds")))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(damaged("playgrounds")),
        };
        let back_to = match value.get("back_to") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => return Err(damaged("back_to")),
        };
        Ok(Progress { done, playgrounds, back_to })
    }
}

/// Reads the first cut's progress (`1|started step|done,done`): the steps done and the step
/// started, if any; None when it is not that format.
pub fn decode_v1(text: &str) -> Option<(Vec<String>, Option<String>)> {
    let mut parts = text.split('|');
    let (Some("1"), Some(current), Some(done), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let done = done.split(',').filter(|d| !d.is_empty()).map(str::to_string).collect();
    Some((done, Some(current).filter(|c| !c.is_empty()).map(str::to_string)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_it_cannot_read() {
        let mut p = Progress::default();
        assert!(p.mark_done("models"));
        assert!(!p.mark_done("models"));
        p.set_playground("models", "abc");
        p.set_playground("create", "def");
        p.set_playground("models", "xyz");
        p.back_to = Some("mine".into());
        assert_eq!(p.playground_of("models"), Some("xyz"));
        assert_eq!(p.step_of("def"), Some("create"));
        assert_eq!(p.step_of("abc"), None);
        let text = p.encode();
        assert_eq!(
            text, r#"{"back_to":"mine","done":["models"],"playgrounds":{"create":"def","models":"xyz"},"version":2}"#,
            "the text serde_json's Value wrote"
        );
        let back = Progress::decode(&text).unwrap();
        assert_eq!(back.done, p.done);
        assert_eq!(back.back_to, p.back_to);
        assert_eq!(back.playground_of("models"), Some("xyz"));
        assert_eq!(back.playground_of("create"), Some("def"));
        assert_eq!(Progress::decode(r#"{"version":2}"#), Ok(Progress::default()));
        assert!(Progress::decode("1|models|models").unwrap_err().contains("not valid JSON"));
        assert!(Progress::decode(r#"{"version":3}"#).unwrap_err().contains("newer"));
        assert!(Progress::decode(r#"{"done":[]}"#).unwrap_err().contains("no format version"));
        assert!(Progress::decode(r#"{"version":2,"done":[1]}"#).unwrap_err().contains("damaged"));
        assert!(Progress::decode(r#"{"version":2,"playgrounds":{"a":2}}"#).unwrap_err().contains("damaged"));
    }

    #[test]
    fn the_first_cut_s_progress_is_read_for_migration() {
        assert_eq!(
            decode_v1("1|models|configure,models"),
            Some((vec!["configure".into(), "models".into()], Some("models".into())))
        );
        assert_eq!(decode_v1("1||"), Some((vec![], None)));
        assert_eq!(decode_v1("2|models|"), None);
        assert_eq!(decode_v1("nonsense"), None);
    }
}
