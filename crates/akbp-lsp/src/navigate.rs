//! Go to definition (from `!KeyOf x` to the entry with `id: x`) and document symbols (one
//! per entry: its model with its id or identifiers).

use akbp_core::blueprint::Blueprint;
use akbp_core::load::Node;

use crate::place::{self, Place};
use crate::views::{path_to, view_at, View};

/// The file span of the `id` value a `!KeyOf` at `at` names. authentik resolves it among
/// the entries of the same blueprint ([`Blueprint::entry_by_id`]: the first in apply order).
pub fn definition(views: &[View], at: usize) -> Option<(usize, usize)> {
    let (view, inner) = view_at(views, at)?;
    let path = path_to(&view.doc, inner);
    let Place::Tag { node, .. } = place::place(&path, inner)? else {
        return None;
    };
    let id = Blueprint::key_of(node)?;
    let entry = Blueprint::entries_of(&view.doc).find(|e| e.id_str() == Some(id))?;
    Some(view.outer_span(entry.id()?.span))
}

/// One entry as a symbol.
pub struct Symbol {
    /// `authentik_core.application wiki`: the model, then the id or identifiers.
    pub name: String,
    pub detail: Option<String>,
    /// The entry (file offsets).
    pub span: (usize, usize),
    /// Its model value, or the entry when it has none.
    pub selection: (usize, usize),
}

/// A short text for a value: a scalar's text, or its tag and argument.
fn short(node: &Node) -> String {
    let tag = node
        .custom_tag()
        .map(|t| format!("{} ", t.name))
        .unwrap_or_default();
    match node.scalar_text() {
        Some(t) => format!("{tag}{t}"),
        None => format!("{tag}…"),
    }
}

pub fn symbols(views: &[View]) -> Vec<Symbol> {
    let mut out = Vec::new();
    for view in views {
        for entry in Blueprint::entries_of(&view.doc) {
            let model = entry
                .model()
                .map_or_else(|| "(no model)".to_string(), short);
            let identifiers: Vec<String> = entry
                .identifiers()
                .and_then(Node::as_map)
                .unwrap_or_default()
                .iter()
                .map(|p| format!("{}={}", p.key.scalar_text().unwrap_or("?"), short(&p.value)))
                .collect();
            let (name, detail) = match entry.id_str() {
                Some(id) => (
                    format!("{model} {id}"),
                    (!identifiers.is_empty()).then(|| identifiers.join(", ")),
                ),
                None if !identifiers.is_empty() => {
                    (format!("{model} {}", identifiers.join(", ")), None)
                }
                None => (model, None),
            };
            let span = view.outer_span(entry.node.span);
            out.push(Symbol {
                name,
                detail,
                span,
                selection: entry.model().map_or(span, |m| view.outer_span(m.span)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::views;

    #[test]
    fn keyof_leads_to_the_id_and_entries_are_symbols() {
        let text = "version: 1\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    id: prov\n    identifiers: {name: wiki}\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {provider: !KeyOf prov}\n";
        let found = views(text);
        let at = text.find("!KeyOf prov").unwrap() + 8;
        let (s, e) = definition(&found, at).expect("a definition");
        assert_eq!(&text[s..e], "prov");
        assert_eq!(s, text.find("id: prov").unwrap() + 4);
        let symbols = symbols(&found);
        let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "authentik_providers_proxy.proxyprovider prov",
                "authentik_core.application slug=wiki"
            ]
        );
        let (s, e) = symbols[1].selection;
        assert_eq!(&text[s..e], "authentik_core.application");
    }
}
