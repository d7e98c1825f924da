//! Where a finding is, in words that survive unrelated edits: the entry it belongs to (by
//! model and identifiers, or `id`, not by position) and the key path inside it
//! (`attrs.redirect_uris[0].url`). A baseline (`akbp validate --write-baseline`) records
//! findings by rule, file, this anchor and their message without positions.

use crate::blueprint::{Blueprint, Entry, SpanIndex};
use crate::load::{Document, Node, NodeKind, SourceFile, Span};
use crate::wrapper::{self, FileContents, Found, PositionMap};

/// The anchor of `span` (an offset in `source`, the outer file): `KEY!ENTRY:PATH`, where
/// KEY is the Kubernetes key holding the blueprint (empty for a plain file), ENTRY the
/// entry's `model identifiers` (identifiers as written, whitespace squeezed; or `model#id`), PATH the keys and list indexes down to the
/// deepest node holding the span. Outside any entry, ENTRY is empty and PATH starts at
/// the document. A file akbp cannot read anchors nowhere (empty).
pub fn anchor(source: &SourceFile, span: Span) -> String {
    anchors(source, &[span]).pop().unwrap_or_default()
}

/// [`anchor`] of every span, reading the file once: a baseline of a report's findings
/// costs one parse, not one per finding (1,000 findings of a 10 MiB file were 1,000
/// parses, over a quarter of an hour).
pub fn anchors(source: &SourceFile, spans: &[Span]) -> Vec<String> {
    let FileContents::Documents { docs, alone } = wrapper::read_file(source) else {
        return vec![String::new(); spans.len()];
    };
    let found: Vec<Found> = docs
        .into_iter()
        .flat_map(|d| wrapper::classify(d, alone))
        .collect();
    // Where an anchor can be, in the order a span is looked for: each blueprint, and in
    // each wrapper its trees first, then its texts.
    let mut places: Vec<Place<'_>> = Vec::new();
    for f in &found {
        match f {
            Found::Blueprint(doc) => places.push(Place::Doc(Prepared::new(doc, None))),
            Found::Wrapper { trees, texts, .. } => {
                places.extend(trees.iter().map(|t| Place::Doc(Prepared::new(t, None))));
                for t in texts {
                    // A text that does not parse anchors nowhere.
                    let Ok(doc) = t.parsed.as_ref() else { continue };
                    let outer = t.map.map(doc.root.span);
                    places.push(Place::Text {
                        key: &t.key,
                        prepared: t.map.is_exact().then(|| Prepared::new(doc, Some(&t.map))),
                        outer,
                        around: t.key_span.to(outer),
                    });
                }
            }
            Found::Other { .. } => {}
        }
    }
    spans
        .iter()
        .map(|span| {
            let at = span.start;
            places.iter().find_map(|p| p.anchor(at)).unwrap_or_default()
        })
        .collect()
}

enum Place<'a> {
    Doc(Prepared<'a>),
    Text {
        key: &'a str,
        /// `None` when the text's positions map onto the file only approximately.
        prepared: Option<Prepared<'a>>,
        /// The text's document, at outer positions.
        outer: Span,
        /// The key and the text.
        around: Span,
    },
}

impl Place<'_> {
    fn anchor(&self, at: u32) -> Option<String> {
        match self {
            Place::Doc(p) => p.anchor(at).map(|a| format!("!{a}")),
            Place::Text {
                key,
                prepared,
                outer,
                around,
            } => match prepared {
                Some(p) if contains(*outer, at) => p.anchor(at).map(|a| format!("{key}!{a}")),
                _ => contains(*around, at).then(|| format!("{key}!")),
            },
        }
    }
}

/// A document with its blueprint read once and its entries sorted by where they start
/// (at outer positions), so the entry holding a span is a binary search.
struct Prepared<'a> {
    doc: &'a Document,
    map: Option<&'a PositionMap>,
    bp: Blueprint<'a>,
    /// The entries at outer positions.
    entries: SpanIndex,
}

impl<'a> Prepared<'a> {
    fn new(doc: &'a Document, map: Option<&'a PositionMap>) -> Self {
        let bp = Blueprint::new(doc);
        let entries = SpanIndex::new(
            bp.entries
                .iter()
                .map(|e| map.map_or(e.node.span, |m| m.map(e.node.span))),
        );
        Prepared {
            doc,
            map,
            bp,
            entries,
        }
    }

    /// The anchor of offset `at` in this document (`ENTRY:PATH`), or `None` outside it.
    fn anchor(&self, at: u32) -> Option<String> {
        let map = self.map;
        let outer = |s: Span| map.map_or(s, |m| m.map(s));
        if !contains(outer(self.doc.root.span), at) {
            return None;
        }
        // The first entry (in apply order) holding `at`.
        let Some(e) = self
            .entries
            .first(at, at, |s| contains(s, at))
            .map(|i| &self.bp.entries[i])
        else {
            return Some(format!(":{}", path(&self.doc.root, &outer, at)));
        };
        Some(format!(
            "{}:{}",
            entry_label(e, &self.doc.source),
            path(e.node, &outer, at)
        ))
    }
}

/// An entry in words that survive edits: `model identifiers` (identifiers as written,
/// whitespace squeezed), else `model#id`, else the model.
fn entry_label(e: &Entry<'_>, src: &SourceFile) -> String {
    match (e.id_str(), e.identifiers()) {
        (_, Some(ids)) => format!(
            "{} {}",
            e.model_key().unwrap_or(""),
            squeeze(src.slice(ids.span))
        ),
        (Some(id), None) => format!("{}#{id}", e.model_key().unwrap_or("")),
        (None, None) => e.model_key().unwrap_or("").to_string(),
    }
}

fn contains(span: Span, at: u32) -> bool {
    span.start <= at && (at < span.end || span.is_empty() && at == span.start)
}

/// Text with every run of whitespace as one space: re-indenting an entry keeps it.
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn path(node: &Node, outer: &dyn Fn(Span) -> Span, at: u32) -> String {
    let mut out = String::new();
    let mut n = node;
    loop {
        let next = match &n.kind {
            NodeKind::Map(pairs) => pairs.iter().find_map(|p| {
                let key = p.key.scalar_text().unwrap_or("?");
                if contains(outer(p.value.span), at) {
                    Some((format!(".{key}"), Some(&p.value)))
                } else if contains(outer(p.key.span), at) {
                    Some((format!(".{key}"), None))
                } else {
                    None
                }
            }),
            NodeKind::Seq(items) => items
                .iter()
                .enumerate()
                .find(|(_, i)| contains(outer(i.span), at))
                .map(|(i, item)| (format!("[{i}]"), Some(item))),
            NodeKind::Scalar(_) => None,
        };
        match next {
            Some((step, child)) => {
                out.push_str(&step);
                match child {
                    Some(c) => n = c,
                    None => break,
                }
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor_of(text: &str, needle: &str) -> String {
        let at = text.find(needle).expect("needle");
        anchor(
            &SourceFile::new("t.yaml", text),
            Span::new(at, at + needle.len()),
        )
    }

    const BP: &str = "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: a}\n  - model: authentik_core.application\n    identifiers:\n      slug: wiki\n    attrs:\n      name: Wiki\n      meta_launch_url: not a url\n";

    #[test]
    fn entries_by_identity_not_position() {
        let a = anchor_of(BP, "not a url");
        assert_eq!(
            a,
            "!authentik_core.application slug: wiki:.attrs.meta_launch_url"
        );
        // An entry added above and the file re-indented: the same anchor.
        let moved = BP.replace(
            "entries:\n",
            "entries:\n  - model: authentik_core.group\n    identifiers: {name: b}\n",
        );
        assert_eq!(anchor_of(&moved, "not a url"), a);
        assert_eq!(anchor_of(BP, "version"), "!:.version");
    }

    #[test]
    fn wrapped_blueprints_name_their_key() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  wiki.yaml: |\n    version: 1\n    entries:\n      - model: authentik_core.group\n        identifiers: {name: a}\n        attrs: {bad: 1}\n";
        assert_eq!(
            anchor_of(cm, "bad"),
            "data.wiki.yaml!authentik_core.group {name: a}:.attrs.bad"
        );
    }

    // The anchor as it was computed before `anchors`: the file read again for every span
    // and the entries walked one by one.
    fn reference_anchor(source: &SourceFile, span: Span) -> String {
        let FileContents::Documents { docs, alone } = wrapper::read_file(source) else {
            return String::new();
        };
        let at = span.start;
        for f in docs.into_iter().flat_map(|d| wrapper::classify(d, alone)) {
            let found = match f {
                Found::Blueprint(doc) => reference_in_doc(&doc, None, at).map(|a| format!("!{a}")),
                Found::Wrapper { trees, texts, .. } => trees
                    .iter()
                    .find_map(|t| reference_in_doc(t, None, at).map(|a| format!("!{a}")))
                    .or_else(|| {
                        texts.iter().find_map(|t| {
                            let doc = t.parsed.as_ref().ok()?;
                            let outer = t.map.map(doc.root.span);
                            if t.map.is_exact() && contains(outer, at) {
                                reference_in_doc(doc, Some(&t.map), at)
                                    .map(|a| format!("{}!{a}", t.key))
                            } else {
                                contains(t.key_span.to(outer), at).then(|| format!("{}!", t.key))
                            }
                        })
                    }),
                Found::Other { .. } => None,
            };
            if let Some(a) = found {
                return a;
            }
        }
        String::new()
    }

    fn reference_in_doc(doc: &Document, map: Option<&PositionMap>, at: u32) -> Option<String> {
        let outer = |s: Span| map.map_or(s, |m| m.map(s));
        if !contains(outer(doc.root.span), at) {
            return None;
        }
        let bp = Blueprint::new(doc);
        let src = &doc.source;
        for e in &bp.entries {
            if !contains(outer(e.node.span), at) {
                continue;
            }
            return Some(format!(
                "{}:{}",
                entry_label(e, src),
                path(e.node, &outer, at)
            ));
        }
        Some(format!(":{}", path(&doc.root, &outer, at)))
    }

    /// `anchors` gives every span of a file the anchor the per-span walk gives: a plain
    /// blueprint with an aliased entry and an entry copied into another's attrs, a
    /// ConfigMap with a text and a tree, and a file of two documents.
    #[test]
    fn one_reading_anchors_every_span_as_the_walk_does() {
        let files = [
            "version: 1\nentries:\n  - &a {model: authentik_core.group, identifiers: {name: a}}\n  - model: authentik_core.group\n    identifiers: {name: b}\n    attrs:\n      attributes: &inner {model: authentik_core.group, id: c}\n  - *a\n  - *inner\n  - {model: authentik_core.user, attrs: {name: [1, 2, {x: y}]}}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  wiki.yaml: |\n    version: 1\n    entries:\n      - model: authentik_core.group\n        identifiers: {name: a}\n        attrs: {bad: 1}\n  other.yaml: \"version: 1\\nentries: [{model: authentik_core.group, identifiers: {name: q}}]\"\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata:\n  a.yaml: |\n    version: 1\n    entries: []\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: z}\ndata:\n  b.yaml: |\n    version: 1\n    entries:\n      - {model: authentik_core.group, identifiers: {name: z}}\n",
        ];
        for text in files {
            let source = SourceFile::new("t.yaml", text);
            let spans: Vec<Span> = (0..=text.len()).map(|i| Span::new(i, i + 1)).collect();
            let all = anchors(&source, &spans);
            let mut named = 0;
            for (span, got) in spans.iter().zip(&all) {
                assert_eq!(got, &reference_anchor(&source, *span), "at {}", span.start);
                named += usize::from(got.contains(':'));
            }
            assert!(named > 0, "{text}");
        }
    }
}
