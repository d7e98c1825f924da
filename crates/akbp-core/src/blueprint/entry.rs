//! One entry of a blueprint's `entries` and the keys authentik reads
//! (authentik/blueprints/v1/common.py `BlueprintEntry`).

use crate::load::{Node, Span};

/// An entry's `state` (authentik `BlueprintEntryDesiredState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Present,
    Created,
    MustCreated,
    Absent,
}

impl State {
    pub const ALL: [(&'static str, State); 4] = [
        ("present", State::Present),
        ("created", State::Created),
        ("must_created", State::MustCreated),
        ("absent", State::Absent),
    ];

    pub fn parse(s: &str) -> Option<State> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, st)| *st)
    }
}

/// Keys authentik reads at the top level of a blueprint.
pub const TOP_LEVEL_KEYS: [&str; 4] = ["version", "metadata", "context", "entries"];
/// Keys authentik reads in an entry.
pub const ENTRY_KEYS: [&str; 7] = [
    "model",
    "state",
    "id",
    "identifiers",
    "attrs",
    "conditions",
    "permissions",
];
/// Keys authentik reads in `metadata`.
pub const METADATA_KEYS: [&str; 2] = ["name", "labels"];

/// One entry of `entries`, wherever it sits (list form or a section of the map form).
///
/// The keys authentik reads are looked up in the entry's mapping when asked for, not kept
/// beside it: an entry is 40 bytes, so a 10 MiB file of 1.5 million `- {}` entries holds
/// 60 MB of entries, not 156 (docs/hostile-input.md). An entry has a handful of keys; a
/// lookup is a short scan.
#[derive(Debug, Clone)]
pub struct Entry<'d> {
    /// Position in apply order, 0-based.
    pub index: usize,
    pub node: &'d Node,
    /// The section name in the map form of `entries` (2025.8+).
    pub section: Option<&'d Node>,
    /// The model name lower-cased once, since every rule compares it.
    model_key: Option<Box<str>>,
}

impl<'d> Entry<'d> {
    pub(super) fn from_node(index: usize, node: &'d Node, section: Option<&'d Node>) -> Self {
        Entry {
            model_key: node
                .get("model")
                .and_then(Node::as_str)
                .map(|m| m.to_ascii_lowercase().into_boxed_str()),
            index,
            node,
            section,
        }
    }

    /// `model`, as written.
    pub fn model(&self) -> Option<&'d Node> {
        self.node.get("model")
    }

    /// `state`, as written; [`Entry::state`] is what authentik makes of it.
    pub fn state_node(&self) -> Option<&'d Node> {
        self.node.get("state")
    }

    /// `id`, as written.
    pub fn id(&self) -> Option<&'d Node> {
        self.node.get("id")
    }

    /// `identifiers`, as written.
    pub fn identifiers(&self) -> Option<&'d Node> {
        self.node.get("identifiers")
    }

    /// `attrs`, as written.
    pub fn attrs(&self) -> Option<&'d Node> {
        self.node.get("attrs")
    }

    /// `conditions`, as written.
    pub fn conditions(&self) -> Option<&'d Node> {
        self.node.get("conditions")
    }

    /// `permissions`, as written.
    pub fn permissions(&self) -> Option<&'d Node> {
        self.node.get("permissions")
    }

    /// The model name as written, when it is a plain string (not a tag).
    pub fn model_name(&self) -> Option<&'d str> {
        self.model().and_then(|m| m.as_str())
    }

    /// The model name lower-cased (Django's `apps.get_model` ignores the model part's case).
    pub fn model_key(&self) -> Option<&str> {
        self.model_key.as_deref()
    }

    /// The entry's state; `present` when absent; `None` when it is not a known state string.
    pub fn state(&self) -> Option<State> {
        match self.state_node() {
            None => Some(State::Present),
            Some(n) => n.as_str().and_then(State::parse),
        }
    }

    /// The `id` when it is a string.
    pub fn id_str(&self) -> Option<&'d str> {
        self.id().and_then(|n| n.as_str())
    }

    /// A field as authentik's serializer sees it on create: identifiers are merged over attrs.
    pub fn field(&self, name: &str) -> Option<&'d Node> {
        self.identifiers()
            .and_then(|i| i.get(name))
            .or_else(|| self.attrs().and_then(|a| a.get(name)))
    }

    /// The field's value in attrs only.
    pub fn attr(&self, name: &str) -> Option<&'d Node> {
        self.attrs().and_then(|a| a.get(name))
    }

    /// Where to point when a finding is about the entry as a whole: its `model` value.
    pub fn anchor_span(&self) -> Span {
        self.model().map_or(self.node.span, |m| m.span)
    }

    /// Whether the entry can be skipped at apply time.
    pub fn is_conditional(&self) -> bool {
        self.conditions()
            .and_then(|c| c.as_seq())
            .is_some_and(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{parse, SourceFile};

    /// The size the tiny-entries shape was measured with (docs/hostile-input.md).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_entry_is_40_bytes() {
        assert_eq!(std::mem::size_of::<Entry<'static>>(), 40);
    }

    /// The keys are looked up as PyYAML builds the dict: any spelling of the key, the
    /// last of duplicates.
    #[test]
    fn keys_are_found_however_written_and_the_last_wins() {
        let text = "- model: a.b\n  \"st\\x61te\": absent\n  !!str id: x\n  ? identifiers\n  : {n: 1}\n  attrs: {a: 1}\n  attrs: {a: 2}\n  conditions: [true]\n  permissions: []\n";
        let doc = parse(SourceFile::new("t.yaml", text)).expect("parses");
        let node = &doc.root.as_seq().expect("a list")[0];
        let e = Entry::from_node(0, node, None);
        assert_eq!(e.model_name(), Some("a.b"));
        assert_eq!(e.model_key(), Some("a.b"));
        assert_eq!(e.state(), Some(State::Absent));
        assert_eq!(e.id_str(), Some("x"));
        assert!(e.identifiers().and_then(|i| i.get("n")).is_some());
        assert_eq!(e.attr("a").and_then(Node::scalar_text), Some("2"));
        assert!(e.is_conditional());
        assert!(e.permissions().is_some_and(|p| p.as_seq().is_some()));
        let bare = Entry::from_node(1, node.get("attrs").expect("attrs"), None);
        assert_eq!(bare.state(), Some(State::Present));
        assert!(bare.model().is_none() && bare.model_key().is_none());
    }
}
