//! The blueprints one file holds, found as `akbp validate` finds them
//! ([`akbp_core::wrapper`]): the file itself, structure inside a custom resource, or text
//! in a ConfigMap or Secret value. Each with how its positions map to the file's, so hover,
//! completion and navigation work inside a ConfigMap's `|` block too. Text written in
//! base64, quotes or folded style has no exact map and is left out here (its findings still
//! show, at the key holding it).

use akbp_core::load::{decode, Document, Node, NodeKind, Pair, Span};
use akbp_core::wrapper::{self, FileContents, Found, PositionMap};

/// One blueprint of a file.
pub struct View {
    pub doc: Document,
    /// How the document's offsets map to the file's: `None` when they are the file's.
    map: Option<PositionMap>,
    /// Bytes of a byte order mark before the text the core read (it drops the mark).
    shift: usize,
}

impl View {
    /// The file offset of a document offset.
    pub fn outer(&self, inner: usize) -> usize {
        self.shift
            + match &self.map {
                None => inner,
                Some(map) => map.map(Span::empty(inner)).start as usize,
            }
    }

    pub fn outer_span(&self, span: Span) -> (usize, usize) {
        (
            self.outer(span.start as usize),
            self.outer(span.end as usize),
        )
    }

    /// The document offset of a file offset, when it falls inside this document's text.
    pub fn inner(&self, outer: usize) -> Option<usize> {
        let outer = outer.checked_sub(self.shift)?;
        let inner = match &self.map {
            None => outer,
            Some(PositionMap::Approximate { .. }) => return None,
            Some(PositionMap::Exact { lines, .. }) => {
                let i = match lines.binary_search_by_key(&outer, |(_, o)| *o) {
                    Ok(i) => i,
                    Err(0) => return None,
                    Err(i) => i - 1,
                };
                let (inner_start, outer_start) = lines[i];
                let inner = inner_start + (outer - outer_start);
                // Past this inner line's end: the indentation of the next outer line.
                match lines.get(i + 1) {
                    Some((next, _)) if inner >= *next => return None,
                    _ => inner,
                }
            }
        };
        let root = self.doc.root.span;
        // A cursor after the last value, on its line, still belongs to it.
        let end = line_end(&self.doc.source.text, root.end as usize);
        (root.start as usize <= inner && inner <= end).then_some(inner)
    }
}

/// Every blueprint of `text` with an exact position map.
pub fn views(text: &str) -> Vec<View> {
    let shift = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let Ok(source) = decode("buffer.yaml", text.as_bytes().to_vec()) else {
        return Vec::new();
    };
    let FileContents::Documents { docs, alone } = wrapper::read_file(&source) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for found in docs.into_iter().flat_map(|d| wrapper::classify(d, alone)) {
        match found {
            Found::Blueprint(doc) => out.push(View {
                doc,
                map: None,
                shift,
            }),
            Found::Wrapper { trees, texts, .. } => {
                out.extend(trees.into_iter().map(|doc| View {
                    doc,
                    map: None,
                    shift,
                }));
                for t in texts {
                    if let (Ok(doc), true) = (t.parsed, t.map.is_exact()) {
                        out.push(View {
                            doc,
                            map: Some(t.map),
                            shift,
                        });
                    }
                }
            }
            Found::Other { .. } => {}
        }
    }
    out
}

/// The view holding a file offset, with the offset in its document.
pub fn view_at(views: &[View], outer: usize) -> Option<(&View, usize)> {
    views
        .iter()
        .find_map(|v| v.inner(outer).map(|inner| (v, inner)))
}

/// One step from a node to a child on the way to an offset.
#[derive(Debug, Clone, Copy)]
pub enum Step<'d> {
    /// Into the key of a mapping's pair.
    Key(&'d Pair),
    /// Into the value of a mapping's pair.
    Value(&'d Pair),
    /// Into a sequence's item.
    Item(usize, &'d Node),
}

impl<'d> Step<'d> {
    pub fn node(&self) -> &'d Node {
        match self {
            Step::Key(p) => &p.key,
            Step::Value(p) => &p.value,
            Step::Item(_, n) => n,
        }
    }
}

/// Where the line holding `at` ends (before its line break).
fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..]
        .find(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
        .map_or(text.len(), |i| at + i)
}

fn contains(span: Span, at: usize) -> bool {
    span.start as usize <= at && at <= span.end as usize
}

/// `span` holds `at`, or `at` follows it on its line after nothing but spaces and a colon
/// (the cursor after `name: `, whose empty value the parser puts before the colon).
fn reaches(text: &str, span: Span, at: usize) -> bool {
    contains(span, at)
        || (span.end as usize) < at
            && text
                .get(span.end as usize..at)
                .is_some_and(|gap| gap.chars().all(|c| matches!(c, ' ' | '\t' | ':')))
            && span.start as usize <= at
}

/// The path from the root of `doc` to the deepest node whose span holds `at`. A pair whose
/// value is empty (`name:` being typed) counts from its key to the end of its line, so the
/// cursor after `name: ` is in its value.
pub fn path_to(doc: &Document, at: usize) -> Vec<Step<'_>> {
    let text = &doc.source.text;
    let root = &doc.root;
    let mut path = Vec::new();
    let mut node = root;
    loop {
        let next = match &node.kind {
            NodeKind::Map(pairs) => pairs.iter().rev().find_map(|p| {
                if contains(p.key.span, at) {
                    Some(Step::Key(p))
                } else if reaches(text, p.value.span, at) {
                    Some(Step::Value(p))
                } else {
                    None
                }
            }),
            NodeKind::Seq(items) => items
                .iter()
                .enumerate()
                .rev()
                .find(|(_, n)| reaches(text, n.span, at))
                .map(|(i, n)| Step::Item(i, n)),
            NodeKind::Scalar(_) => None,
        };
        match next {
            Some(step) => {
                node = step.node();
                path.push(step);
            }
            None => return path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configmap_block_maps_both_ways() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bp}\ndata:\n  wiki.yaml: |\n    version: 1\n    entries:\n      - model: authentik_core.application\n        id: app\n";
        let views = views(text);
        assert_eq!(views.len(), 1);
        let at = text.find("authentik_core").unwrap();
        let (view, inner) = view_at(&views, at).expect("inside the block");
        assert_eq!(&view.doc.source.text[inner..inner + 14], "authentik_core");
        assert_eq!(view.outer(inner), at);
        // The ConfigMap's own keys are outside the blueprint.
        assert!(view_at(&views, text.find("kind").unwrap()).is_none());
    }

    #[test]
    fn a_path_ends_in_the_value_being_typed() {
        let text =
            "version: 1\nentries:\n  - model: authentik_core.group\n    attrs:\n      name: \n";
        let views = views(text);
        let at = text.find("name: ").unwrap() + 6;
        let (view, inner) = view_at(&views, at).unwrap();
        let path = path_to(&view.doc, inner);
        let keys: Vec<String> = path
            .iter()
            .map(|s| match s {
                Step::Key(p) => format!("key {}", p.key.key_str().unwrap_or("?")),
                Step::Value(p) => format!("value {}", p.key.key_str().unwrap_or("?")),
                Step::Item(i, _) => format!("item {i}"),
            })
            .collect();
        assert_eq!(
            keys,
            ["value entries", "item 0", "value attrs", "value name"]
        );
    }
}
