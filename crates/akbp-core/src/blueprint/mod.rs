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

use std::collections::{HashMap, HashSet};

use crate::load::{Document, Node, Pair, Span};

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
    /// Entries' large `identifiers` and `attrs` mappings (by address) with no key written
    /// twice: their dict is their pairs in order. Rules read these pairs one after
    /// another, and building the dict of 530,000 keys for each costs a second per file.
    distinct_keys: HashSet<usize>,
}

/// Mappings smaller than this build their dict each time they are read: it is cheap.
const REMEMBERED_PAIRS: usize = 64;

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
        let distinct_keys = entries
            .iter()
            .flat_map(|e| [e.identifiers(), e.attrs()])
            .flatten()
            .filter(|n| {
                n.as_map().is_some_and(|pairs| {
                    pairs.len() >= REMEMBERED_PAIRS && n.dict_pairs().len() == pairs.len()
                })
            })
            .map(address)
            .collect();
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
            distinct_keys,
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

    /// [`Blueprint::entry_of`] for many spans: the entries sorted once by where they start,
    /// so each span is a binary search, not a walk over every entry (a report of thousands
    /// of findings in a file of a million entries).
    pub fn entry_finder(&self) -> EntryFinder<'_, 'd> {
        EntryFinder {
            entries: &self.entries,
            index: SpanIndex::new(self.entries.iter().map(|e| e.node.span)),
        }
    }

    /// A metadata label value.
    pub fn label(&self, key: &str) -> Option<&'d str> {
        self.metadata?.get("labels")?.get(key)?.as_str()
    }

    /// [`Node::dict_pairs`] of a mapping of this blueprint: each key once, as PyYAML's
    /// dict holds them.
    pub fn dict_pairs(&self, node: &'d Node) -> Vec<&'d Pair> {
        match node.as_map() {
            Some(pairs) if self.distinct_keys.contains(&address(node)) => pairs.iter().collect(),
            _ => node.dict_pairs(),
        }
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

/// Spans sorted once by where they start, to find the first of them (by position in the
/// list they came from) that holds a place with a binary search instead of a walk.
pub struct SpanIndex {
    /// (start, end, position) by start.
    by_start: Vec<(u32, u32, usize)>,
    /// The largest end among `by_start[..=i]`.
    max_end: Vec<u32>,
}

impl SpanIndex {
    pub fn new(spans: impl IntoIterator<Item = Span>) -> Self {
        let mut by_start: Vec<(u32, u32, usize)> = spans
            .into_iter()
            .enumerate()
            .map(|(i, s)| (s.start, s.end, i))
            .collect();
        by_start.sort_unstable();
        let max_end = by_start
            .iter()
            .scan(0u32, |m, (_, end, _)| {
                *m = (*m).max(*end);
                Some(*m)
            })
            .collect();
        SpanIndex { by_start, max_end }
    }

    /// The lowest position among the spans that start at or before `start`, end at or
    /// after `end`, and that `holds` accepts. Entries are siblings that do not overlap, so
    /// the walk back stops at once; only an alias (an entry copied into another's span)
    /// makes it look further.
    pub fn first(&self, start: u32, end: u32, holds: impl Fn(Span) -> bool) -> Option<usize> {
        let upto = self.by_start.partition_point(|(s, ..)| *s <= start);
        let mut first: Option<usize> = None;
        for j in (0..upto).rev() {
            if self.max_end[j] < end {
                break;
            }
            let (s, e, i) = self.by_start[j];
            if e >= end && holds(Span { start: s, end: e }) {
                first = Some(first.map_or(i, |f| f.min(i)));
            }
        }
        first
    }

    /// Whether any span overlaps `span` (shares at least one byte with it).
    pub fn overlaps(&self, span: Span) -> bool {
        let i = self.by_start.partition_point(|(s, ..)| *s < span.end);
        i > 0 && self.max_end[i - 1] > span.start
    }
}

/// See [`Blueprint::entry_finder`].
pub struct EntryFinder<'b, 'd> {
    entries: &'b [Entry<'d>],
    index: SpanIndex,
}

impl<'b, 'd> EntryFinder<'b, 'd> {
    /// The first entry (in apply order) whose node holds `span`, as
    /// [`Blueprint::entry_of`] finds it.
    pub fn entry_of(&self, span: Span) -> Option<&'b Entry<'d>> {
        self.index
            .first(span.start, span.end, |_| true)
            .map(|i| &self.entries[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The finder answers as the walk over every entry does, for the span of every node
    /// of a file with entries in list and section form, aliased entries and an entry
    /// copied into another's attrs.
    #[test]
    fn the_entry_finder_finds_what_the_walk_finds() {
        let text = "version: 1\nentries:\n  - &a {model: authentik_core.group, identifiers: {name: a}}\n  - model: authentik_core.group\n    identifiers: {name: b}\n    attrs:\n      attributes: &inner {model: authentik_core.group, identifiers: {name: c}}\n  - *a\n  - *inner\n  - model: authentik_core.user\n    identifiers: {username: d}\n    attrs: {name: [1, 2, {x: y}]}\n";
        let doc = crate::load::parse(crate::load::SourceFile::new("f.yaml", text)).unwrap();
        let bp = Blueprint::new(&doc);
        assert_eq!(bp.entries.len(), 5);
        let finder = bp.entry_finder();
        let mut spans = Vec::new();
        doc.root.walk(&mut |n| spans.push(n.span));
        spans.push(Span::new(0, text.len()));
        spans.push(Span::new(text.len(), text.len()));
        for span in spans {
            for end in [span.end, span.start] {
                let s = Span::new(span.start as usize, end as usize);
                assert_eq!(
                    finder.entry_of(s).map(|e| e.index),
                    bp.entry_of(s).map(|e| e.index),
                    "{s:?}"
                );
            }
        }
    }

    /// A remembered mapping reads as building its dict does: with no key twice, with a
    /// key written twice (the last value, at the first place), with `<<` merges, with
    /// keys equal only as values (`1` and `1.0`), and below the size remembered.
    #[test]
    fn remembered_mappings_read_as_their_dict() {
        let keys = |n: usize, extra: &str| {
            let mut s: String = (0..n).map(|i| format!("      k{i}: v{i}\n")).collect();
            s.push_str(extra);
            s
        };
        let bodies = [
            keys(100, ""),
            keys(100, "      k3: again\n"),
            keys(100, "      1: one\n      1.0: float\n"),
            keys(100, "      <<: {k5: merged, m: 1}\n"),
            keys(10, "      k3: again\n"),
        ];
        let mut text = String::from("base: &b {n7: anchored}\nentries:\n");
        for body in &bodies {
            text.push_str(
                "  - model: authentik_core.group\n    identifiers: {name: g}\n    attrs:\n",
            );
            text.push_str(body);
        }
        text.push_str("  - model: authentik_core.group\n    attrs:\n      <<: *b\n");
        text.push_str(&keys(100, ""));
        let doc = crate::load::parse(crate::load::SourceFile::new("m.yaml", text)).unwrap();
        let bp = Blueprint::new(&doc);
        assert_eq!(bp.entries.len(), bodies.len() + 1);
        let mut remembered = 0;
        for e in &bp.entries {
            for node in [e.identifiers(), e.attrs()].into_iter().flatten() {
                let dict: Vec<*const Pair> = node
                    .dict_pairs()
                    .into_iter()
                    .map(std::ptr::from_ref)
                    .collect();
                let read: Vec<*const Pair> = bp
                    .dict_pairs(node)
                    .into_iter()
                    .map(std::ptr::from_ref)
                    .collect();
                assert_eq!(read, dict, "{}", doc.source.slice(node.span));
                remembered += usize::from(bp.distinct_keys.contains(&address(node)));
            }
        }
        // The first mapping, and the one whose merged keys are all new (`<<: *b`).
        assert_eq!(remembered, 2);
    }
}
