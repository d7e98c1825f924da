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
#[derive(Debug, Clone)]
pub struct Entry<'d> {
    /// Position in apply order, 0-based.
    pub index: usize,
    pub node: &'d Node,
    /// The section name in the map form of `entries` (2025.8+).
    pub section: Option<&'d Node>,
    pub model: Option<&'d Node>,
    pub state: Option<&'d Node>,
    pub id: Option<&'d Node>,
    pub identifiers: Option<&'d Node>,
    pub attrs: Option<&'d Node>,
    pub conditions: Option<&'d Node>,
    pub permissions: Option<&'d Node>,
    /// The model name lower-cased once, since every rule compares it.
    model_key: Option<String>,
}

impl<'d> Entry<'d> {
    pub(super) fn from_node(index: usize, node: &'d Node, section: Option<&'d Node>) -> Self {
        let model = node.get("model");
        Entry {
            model_key: model.and_then(Node::as_str).map(str::to_ascii_lowercase),
            index,
            node,
            section,
            model,
            state: node.get("state"),
            id: node.get("id"),
            identifiers: node.get("identifiers"),
            attrs: node.get("attrs"),
            conditions: node.get("conditions"),
            permissions: node.get("permissions"),
        }
    }

    /// The model name as written, when it is a plain string (not a tag).
    pub fn model_name(&self) -> Option<&'d str> {
        self.model.and_then(|m| m.as_str())
    }

    /// The model name lower-cased (Django's `apps.get_model` ignores the model part's case).
    pub fn model_key(&self) -> Option<&str> {
        self.model_key.as_deref()
    }

    /// The entry's state; `present` when absent; `None` when it is not a known state string.
    pub fn state(&self) -> Option<State> {
        match self.state {
            None => Some(State::Present),
            Some(n) => n.as_str().and_then(State::parse),
        }
    }

    /// The `id` when it is a string.
    pub fn id_str(&self) -> Option<&'d str> {
        self.id.and_then(|n| n.as_str())
    }

    /// A field as authentik's serializer sees it on create: identifiers are merged over attrs.
    pub fn field(&self, name: &str) -> Option<&'d Node> {
        self.identifiers
            .and_then(|i| i.get(name))
            .or_else(|| self.attrs.and_then(|a| a.get(name)))
    }

    /// The field's value in attrs only.
    pub fn attr(&self, name: &str) -> Option<&'d Node> {
        self.attrs.and_then(|a| a.get(name))
    }

    /// Where to point when a finding is about the entry as a whole: its `model` value.
    pub fn anchor_span(&self) -> Span {
        self.model.map_or(self.node.span, |m| m.span)
    }

    /// Whether the entry can be skipped at apply time.
    pub fn is_conditional(&self) -> bool {
        self.conditions
            .and_then(|c| c.as_seq())
            .is_some_and(|s| !s.is_empty())
    }
}
