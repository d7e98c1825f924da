//! What each authentik tag is: `schemas/tags.json`, read once. The forms it is written in
//! and what authentik builds from it (the language server's hover and completion), and the
//! first release line that has it (AKB013 and the generator's `!FindObject` gate).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::target::Target;

const TAGS_JSON: &str = include_str!("../../../../schemas/tags.json");

/// One tag's entry in `schemas/tags.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagDoc {
    /// How it is written, e.g. `!Env [NAME, DEFAULT]`.
    pub forms: Vec<String>,
    /// What authentik builds from it (Markdown).
    pub meaning: String,
    /// The first release line that has it; `None`: every line akbp knows.
    pub since: Option<Target>,
}

#[derive(serde::Deserialize)]
struct RawFile {
    tags: BTreeMap<String, RawTag>,
}

#[derive(serde::Deserialize)]
struct RawTag {
    forms: Vec<String>,
    meaning: String,
    #[serde(default)]
    since: Option<String>,
}

/// Why `schemas/tags.json` cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum TagsError {
    #[error("schemas/tags.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("schemas/tags.json: `{tag}` has `since` `{since}`, not a release line akbp knows")]
    Since { tag: String, since: String },
}

static TAGS: LazyLock<BTreeMap<String, TagDoc>> = LazyLock::new(|| {
    // Checked by the unit test below; failing here is a build bug.
    from_json(TAGS_JSON).expect("embedded schemas/tags.json is valid")
});

/// Every tag's entry, by its name without `!` (`KeyOf`), in name order.
pub fn all() -> &'static BTreeMap<String, TagDoc> {
    &TAGS
}

/// The entry of the tag `name` (without `!`).
pub fn doc(name: &str) -> Option<&'static TagDoc> {
    TAGS.get(name)
}

/// Parses a `schemas/tags.json` document; a `since` must be a release line akbp knows.
pub fn from_json(text: &str) -> Result<BTreeMap<String, TagDoc>, TagsError> {
    let raw: RawFile = serde_json::from_str(text)?;
    raw.tags
        .into_iter()
        .map(|(name, t)| {
            let since = match t.since {
                None => None,
                Some(s) => match s.parse::<Target>() {
                    Ok(target) if target.is_known() => Some(target),
                    _ => {
                        return Err(TagsError::Since {
                            tag: name,
                            since: s,
                        })
                    }
                },
            };
            let doc = TagDoc {
                forms: t.forms,
                meaning: t.meaning,
                since,
            };
            Ok((name, doc))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::node::KNOWN_TAGS;

    #[test]
    fn every_tag_authentik_registers_has_a_doc_and_no_other() {
        let mut known: Vec<&str> = KNOWN_TAGS.to_vec();
        known.sort_unstable();
        let documented: Vec<&str> = all().keys().map(String::as_str).collect();
        assert_eq!(documented, known);
        for (name, d) in all() {
            assert!(!d.meaning.is_empty() && !d.forms.is_empty(), "{name}");
            assert!(
                d.forms.iter().all(|f| f.starts_with(&format!("!{name} "))),
                "{name}"
            );
        }
        assert_eq!(doc("FindObject").unwrap().since, Some(Target::new(2025, 8)));
        assert_eq!(doc("KeyOf").unwrap().since, None);
    }

    /// A release the file names that akbp does not know is an error, not a tag without a
    /// gate (both readers used to drop it silently).
    #[test]
    fn an_unknown_since_is_refused() {
        let text = r#"{"tags": {"X": {"forms": ["!X A"], "meaning": "m", "since": "2031.4"}}}"#;
        assert!(matches!(from_json(text), Err(TagsError::Since { .. })));
        let text = r#"{"tags": {"X": {"forms": ["!X A"], "meaning": "m", "since": "soon"}}}"#;
        assert!(matches!(from_json(text), Err(TagsError::Since { .. })));
    }
}
