//! What changed in authentik per release line (`schemas/release-changes.json`): the
//! curated default and behaviour changes that `akbp upgrade` reports for the entries they
//! concern. Structural changes (fields removed or renamed, enums) need no list here:
//! checking at both releases shows them.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::target::Target;

const RELEASE_CHANGES_JSON: &str = include_str!("../../../../schemas/release-changes.json");

/// Which blueprint entries a change concerns (`when` in the data).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum When {
    /// `"unset"`, `"set"` or `"empty"`.
    Word(String),
    /// `{"equals": VALUE}`: the field holds this literal string.
    Equals { equals: String },
    /// `{"mentions": TEXT}`: the field's text (as written) holds TEXT.
    Mentions { mentions: String },
}

/// One change of authentik's behaviour or defaults.
#[derive(Debug, Clone, Deserialize)]
pub struct ReleaseChange {
    pub kind: String,
    pub release: String,
    /// The patch release of `release`'s line that made it, when only a patch did.
    #[serde(default)]
    pub patch: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    /// The behaviour or default before and after, in words or as a value.
    #[serde(default)]
    pub old: Option<serde_json::Value>,
    #[serde(default)]
    pub new: Option<serde_json::Value>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub when: Option<When>,
    /// A managed object the change is about (a system blueprint's scope mapping).
    #[serde(default)]
    pub object: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub derived: Option<String>,
}

impl ReleaseChange {
    /// The release line as a target (`None` for a line akbp does not know).
    pub fn target(&self) -> Option<Target> {
        self.release.parse().ok()
    }

    /// `2025.12.5` for a patch-level change, else the line.
    pub fn shown_release(&self) -> &str {
        self.patch.as_deref().unwrap_or(&self.release)
    }
}

#[derive(Debug, Deserialize)]
struct File {
    changes: Vec<ReleaseChange>,
}

static CHANGES: LazyLock<Vec<ReleaseChange>> = LazyLock::new(|| {
    serde_json::from_str::<File>(RELEASE_CHANGES_JSON)
        .map(|f| f.changes)
        .unwrap_or_default()
});

/// Every curated default and behaviour change, in release order.
pub fn meaning_changes() -> impl Iterator<Item = &'static ReleaseChange> {
    CHANGES
        .iter()
        .filter(|c| c.derived.is_none())
        .filter(|c| matches!(c.kind.as_str(), "default-changed" | "behaviour-changed"))
}

/// Changes that take effect after `from` and by `to` (a patch change counts with its line).
pub fn between(from: Target, to: Target) -> impl Iterator<Item = &'static ReleaseChange> {
    meaning_changes().filter(move |c| {
        c.target()
            .is_some_and(|t| !from.at_least(t) && to.at_least(t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_parses_and_says_when() {
        let all: Vec<_> = meaning_changes().collect();
        assert!(all.len() >= 7, "{}", all.len());
        for c in &all {
            assert!(c.target().is_some(), "{}", c.release);
            assert!(c.when.is_some(), "{} {:?} needs `when`", c.release, c.field);
        }
        let grant = between(Target::new(2026, 2), Target::new(2026, 8))
            .find(|c| c.field.as_deref() == Some("grant_types"));
        assert!(grant.is_some());
        assert!(between(Target::new(2026, 5), Target::new(2026, 8))
            .all(|c| c.field.as_deref() != Some("grant_types")));
    }
}
