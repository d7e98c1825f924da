//! Where a finding is, in words that survive unrelated edits: the entry it belongs to (by
//! model and identifiers, or `id`, not by position) and the key path inside it
//! (`attrs.redirect_uris[0].url`). A baseline (`akbp validate --write-baseline`) records
//! findings by rule, file, this anchor and their message without positions.

use crate::blueprint::Blueprint;
use crate::load::{Document, Node, NodeKind, SourceFile, Span};
use crate::wrapper::{self, FileContents, Found, PositionMap};

/// The anchor of `span` (an offset in `source`, the outer file): `KEY!ENTRY:PATH`, where
/// KEY is the Kubernetes key holding the blueprint (empty for a plain file), ENTRY the
/// entry's `model identifiers` (identifiers as written, whitespace squeezed; or `model#id`), PATH the keys and list indexes down to the
/// deepest node holding the span. Outside any entry, ENTRY is empty and PATH starts at
/// the document. A file akbp cannot read anchors nowhere (empty).
pub fn anchor(source: &SourceFile, span: Span) -> String {
    let FileContents::Documents { docs, alone } = wrapper::read_file(source) else {
        return String::new();
    };
    let at = span.start;
    for f in docs.into_iter().flat_map(|d| wrapper::classify(d, alone)) {
        let found = match f {
            Found::Blueprint(doc) => in_doc(&doc, None, at).map(|a| format!("!{a}")),
            Found::Wrapper { trees, texts, .. } => trees
                .iter()
                .find_map(|t| in_doc(t, None, at).map(|a| format!("!{a}")))
                .or_else(|| {
                    texts.iter().find_map(|t| {
                        let doc = t.parsed.as_ref().ok()?;
                        let outer = t.map.map(doc.root.span);
                        if t.map.is_exact() && contains(outer, at) {
                            in_doc(doc, Some(&t.map), at).map(|a| format!("{}!{a}", t.key))
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

fn contains(span: Span, at: u32) -> bool {
    span.start <= at && (at < span.end || span.is_empty() && at == span.start)
}

fn in_doc(doc: &Document, map: Option<&PositionMap>, at: u32) -> Option<String> {
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
        let who = match (e.id_str(), e.identifiers()) {
            (_, Some(ids)) => format!(
                "{} {}",
                e.model_key().unwrap_or(""),
                squeeze(src.slice(ids.span))
            ),
            (Some(id), None) => format!("{}#{id}", e.model_key().unwrap_or("")),
            (None, None) => e.model_key().unwrap_or("").to_string(),
        };
        return Some(format!("{who}:{}", path(e.node, &outer, at)));
    }
    Some(format!(":{}", path(&doc.root, &outer, at)))
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
}
