//! The typed view of a blueprint over the YAML tree: top-level sections, entries in
//! the order authentik applies them, and every authentik tag with its parsed form.
//!
//! Shapes mirror authentik/blueprints/v1/common.py (`Blueprint`, `BlueprintEntry`),
//! which dacite fills non-strictly: unknown keys are dropped, so they are kept here
//! for rules to report.

pub mod known;
pub mod placeholder;
pub mod tags;

use crate::load::{Document, Node, Span};

pub use tags::{Tag, TagError, TagUse};

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
    fn from_node(index: usize, node: &'d Node, section: Option<&'d Node>) -> Self {
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

/// A parsed blueprint document.
#[derive(Debug)]
pub struct Blueprint<'d> {
    pub doc: &'d Document,
    pub root: &'d Node,
    pub version: Option<&'d Node>,
    pub metadata: Option<&'d Node>,
    pub context: Option<&'d Node>,
    pub entries_node: Option<&'d Node>,
    pub entries: Vec<Entry<'d>>,
    /// Every authentik tag in the document, in document order.
    pub tags: Vec<TagUse<'d>>,
}

impl<'d> Blueprint<'d> {
    pub fn new(doc: &'d Document) -> Self {
        let root = &doc.root;
        let entries_node = root.get("entries");
        let entries: Vec<Entry<'d>> = Self::entries_of(doc).collect();
        let tags = tags::collect(root, &entries);
        Blueprint {
            doc,
            root,
            version: root.get("version"),
            metadata: root.get("metadata"),
            context: root.get("context"),
            entries_node,
            entries,
            tags,
        }
    }

    /// The entries one by one, in apply order, without walking the whole tree for tags
    /// or keeping them all (a 10 MiB file holds 1.5 million `- {}` entries).
    pub fn entries_of(doc: &'d Document) -> impl Iterator<Item = Entry<'d>> {
        let entries_node = doc.root.get("entries").filter(|n| n.custom_tag().is_none());
        let items = entries_node
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
            .map(|item| (item, None));
        let sections = entries_node
            .and_then(Node::as_map)
            .into_iter()
            .flatten()
            .flat_map(|p| {
                p.value
                    .as_seq()
                    .into_iter()
                    .flatten()
                    .map(move |item| (item, Some(&p.key)))
            });
        items
            .chain(sections)
            .enumerate()
            .map(|(i, (item, section))| Entry::from_node(i, item, section))
    }

    /// The first entry (in apply order) whose `id` is `id`.
    pub fn entry_by_id(&self, id: &str) -> Option<&Entry<'d>> {
        self.entries.iter().find(|e| e.id_str() == Some(id))
    }

    /// The entry a node belongs to, by span containment.
    pub fn entry_of(&self, span: Span) -> Option<&Entry<'d>> {
        self.entries
            .iter()
            .find(|e| e.node.span.start <= span.start && span.end <= e.node.span.end)
    }

    /// A metadata label value.
    pub fn label(&self, key: &str) -> Option<&'d str> {
        self.metadata?.get("labels")?.get(key)?.as_str()
    }

    /// The already parsed tag on `node`, when it is a well-formed authentik tag; rules
    /// use this instead of parsing tag arguments again.
    pub fn tag(&self, node: &Node) -> Option<&Tag<'d>> {
        self.tags
            .iter()
            .find(|t| std::ptr::eq(t.node, node))
            .and_then(TagUse::ok)
    }

    /// The `!KeyOf` target of a node: the id it names, if the node is a well-formed `!KeyOf`.
    pub fn key_of(node: &'d Node) -> Option<&'d str> {
        match node.custom_tag()?.name.as_str() {
            "!KeyOf" => node.as_scalar().map(|s| s.text.as_str()),
            _ => None,
        }
    }
}
