//! What each authentik tag means, from `schemas/tags.json`, for hover and completion.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use akbp_core::target::Target;
use serde::Deserialize;

const TAGS_JSON: &str = include_str!("../../../schemas/tags.json");

#[derive(Debug, Deserialize)]
pub struct TagDoc {
    /// How it is written, e.g. `!Env [NAME, DEFAULT]`.
    pub forms: Vec<String>,
    /// What authentik builds from it (Markdown).
    pub meaning: String,
    /// The first release line that has it; absent: every line akbp knows.
    #[serde(default)]
    pub since: Option<String>,
}

#[derive(Deserialize)]
struct TagsFile {
    tags: BTreeMap<String, TagDoc>,
}

static TAGS: LazyLock<BTreeMap<String, TagDoc>> = LazyLock::new(|| {
    serde_json::from_str::<TagsFile>(TAGS_JSON)
        .map(|f| f.tags)
        // The file is embedded and checked by the tests below.
        .unwrap_or_default()
});

/// The documentation of a tag by its name without `!` (`KeyOf`).
pub fn doc(name: &str) -> Option<&'static TagDoc> {
    TAGS.get(name)
}

impl TagDoc {
    pub fn since(&self) -> Option<Target> {
        self.since.as_deref().and_then(|s| s.parse().ok())
    }

    /// Markdown for hover: the forms, the meaning, and whether `target` has the tag.
    pub fn markdown(&self, name: &str, target: Target) -> String {
        let mut out = format!("**!{name}** — authentik tag\n\n");
        for form in &self.forms {
            out.push_str(&format!("`{form}`  \n"));
        }
        out.push('\n');
        out.push_str(&self.meaning);
        match self.since() {
            Some(since) if !target.at_least(since) => out.push_str(&format!(
                "\n\nSince authentik {since}: **not in {target}**, the target of this file."
            )),
            Some(since) => out.push_str(&format!("\n\nSince authentik {since}.")),
            None => {}
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use akbp_core::blueprint::tags::KNOWN_TAGS;

    #[test]
    fn every_tag_authentik_registers_has_a_doc_and_no_other() {
        let mut known: Vec<&str> = KNOWN_TAGS.to_vec();
        known.sort_unstable();
        let documented: Vec<&str> = TAGS.keys().map(String::as_str).collect();
        assert_eq!(documented, known);
        for (name, d) in TAGS.iter() {
            assert!(!d.meaning.is_empty() && !d.forms.is_empty(), "{name}");
            assert!(
                d.forms.iter().all(|f| f.starts_with(&format!("!{name} "))),
                "{name}"
            );
            if let Some(s) = &d.since {
                assert!(
                    s.parse::<Target>().is_ok_and(Target::is_known),
                    "{name}: {s}"
                );
            }
        }
    }
}
