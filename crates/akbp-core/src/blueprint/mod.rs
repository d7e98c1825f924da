//! The typed view of a blueprint over the YAML tree: top-level sections, entries in
//! the order authentik applies them, and every authentik tag with its parsed form.
//!
//! Shapes mirror authentik/blueprints/v1/common.py (`Blueprint`, `BlueprintEntry`),
//! which dacite fills non-strictly: unknown keys are dropped, so they are kept here
//! for rules to report.

pub mod drf;
pub mod entry;
pub mod known;
pub mod objects;
pub mod placeholder;
pub mod tags;

use std::collections::HashMap;

use crate::load::{Document, Node, Span};

pub use entry::{Entry, State, ENTRY_KEYS, METADATA_KEYS, TOP_LEVEL_KEYS};
pub use tags::{Tag, TagError, TagUse};

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
    /// The entries with each string `id`, by position in apply order: every `!KeyOf` asks,
    /// and a file of 22,000 ids and as many references must not compare every pair.
    ids: HashMap<&'d str, Vec<usize>>,
    /// Each tagged node's place in `tags`, by the node's address: rules ask for the tag of
    /// a node once per field, and a scan of every tag each time is quadratic.
    tag_at: HashMap<usize, usize>,
}

impl<'d> Blueprint<'d> {
    pub fn new(doc: &'d Document) -> Self {
        let root = &doc.root;
        let entries_node = root.get("entries");
        let entries: Vec<Entry<'d>> = Self::entries_of(doc).collect();
        let tags = tags::collect(root, &entries);
        let mut ids: HashMap<&'d str, Vec<usize>> = HashMap::new();
        for e in &entries {
            if let Some(id) = e.id_str() {
                ids.entry(id).or_default().push(e.index);
            }
        }
        let mut tag_at = HashMap::with_capacity(tags.len());
        for (i, t) in tags.iter().enumerate() {
            tag_at.entry(address(t.node)).or_insert(i);
        }
        Blueprint {
            doc,
            root,
            version: root.get("version"),
            metadata: root.get("metadata"),
            context: root.get("context"),
            entries_node,
            entries,
            tags,
            ids,
            tag_at,
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
        // The map form's sections in the order of the dict PyYAML builds: a section written
        // twice keeps its first place and its last list.
        let sections = entries_node
            .map(Node::dict_pairs)
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
        self.entries_with_id(id).next()
    }

    /// The entries whose `id` is `id`, in apply order.
    pub fn entries_with_id(&self, id: &str) -> impl Iterator<Item = &Entry<'d>> + Clone {
        self.ids
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|i| self.entries.get(*i))
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
        let i = self.tag_at.get(&address(node))?;
        self.tags.get(*i).and_then(TagUse::ok)
    }

    /// The `!KeyOf` target of a node: the id it names, if the node is a well-formed `!KeyOf`.
    pub fn key_of(node: &'d Node) -> Option<&'d str> {
        match node.custom_tag()?.name.as_str() {
            "!KeyOf" => node.as_scalar().map(|s| s.text.as_str()),
            _ => None,
        }
    }
}

/// A node's address: nodes are told apart by identity, as a tag belongs to one place.
fn address(node: &Node) -> usize {
    std::ptr::from_ref(node) as usize
}
