//! Completion: model names after `model:`, field names of the entry's model under
//! `identifiers` and `attrs`, a field's enum values, tag names after `!`, the file's ids
//! after `!KeyOf`, and a `!Find`'s model names and lookup fields.
//!
//! Text being typed is rarely valid YAML (`      na` has no `:` yet), so the tag contexts
//! are read from the line before the cursor, and a key being typed is completed from the
//! text with `: ` added at the cursor.

use akbp_core::blueprint::Blueprint;
use akbp_core::model::{knowledge, FieldLookup, ModelLookup};
use akbp_core::target::Target;

use crate::hover::nested_spec;
use crate::place::{self, Place};
use crate::views::{path_to, view_at, views, View};

/// What kind of thing an item names (for the client's icon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Model,
    Field,
    Value,
    Tag,
    Reference,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub label: String,
    pub kind: Kind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What to insert, when not the label.
    pub insert: Option<String>,
}

/// The completions at byte offset `at` of `text`, with the byte range they replace.
pub fn complete(text: &str, at: usize, target: Target) -> Option<(Vec<Item>, (usize, usize))> {
    let at = at.min(text.len());
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    if let Some(found) = from_line(text, prefix, at, target) {
        return Some(found);
    }
    structural(text, at, target)
}

fn word_start(prefix: &str, at: usize, also: &[char]) -> usize {
    let len = prefix
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || also.contains(c))
        .map(char::len_utf8)
        .sum::<usize>();
    at - len
}

/// The contexts a line says by itself: tags, `!KeyOf`, `!Find`, `model:`.
fn from_line(
    text: &str,
    prefix: &str,
    at: usize,
    target: Target,
) -> Option<(Vec<Item>, (usize, usize))> {
    let start = word_start(prefix, at, &['.']);
    let before = &prefix[..prefix.len() - (at - start)];
    // `!Fi|`: a tag name.
    if before.ends_with('!') {
        return Some((tag_items(target), (start - 1, at)));
    }
    // `!KeyOf pro|`: the ids of the file's entries.
    if before.trim_end().ends_with("!KeyOf") && before.ends_with(' ') {
        return Some((id_items(text), (start, at)));
    }
    // `!Find [authentik_co|` and `!Find [MODEL, [sl|`.
    if let Some(i) = before.rfind("!Find") {
        let rest = before[i..]
            .trim_start_matches("!FindObject")
            .trim_start_matches("!Find")
            .trim_start();
        if let Some(args) = rest.strip_prefix('[') {
            let args = args.trim_start();
            if args.is_empty() {
                return Some((lookup_model_items(target), (start, at)));
            }
            if let Some((model, after)) = args.split_once(',') {
                let model = model.trim().trim_matches(['"', '\'']);
                let after = after.trim_start();
                // The field of the last `[FIELD, VALUE]` pair, before its comma.
                if let Some(last) = after.rsplit('[').next() {
                    if after.contains('[') && last.trim().is_empty() {
                        return Some((lookup_field_items(model, target), (start, at)));
                    }
                }
            }
        }
    }
    // `  - model: authentik_co|` or `    model: |`.
    let key = before.trim_start().trim_start_matches("- ").trim_start();
    if key.trim_end() == "model:" {
        return Some((model_items(target), (start, at)));
    }
    None
}

/// Keys and enum values, from the YAML tree at the cursor.
fn structural(text: &str, at: usize, target: Target) -> Option<(Vec<Item>, (usize, usize))> {
    let found = views(text);
    if let Some(r) = in_views(&found, at, target) {
        if !r.0.is_empty() {
            return Some(r);
        }
    }
    // A key being typed: `      na|` becomes `      na: ` so the line parses.
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    if line.contains(':') {
        return None;
    }
    let patched = format!("{}: {}", &text[..at], &text[at..]);
    let start = word_start(&text[line_start..at], at, &[]);
    // An empty word would be an empty key; a placeholder name stands in for it.
    let (patched, probe) = if start == at {
        (format!("{}_: {}", &text[..at], &text[at..]), at)
    } else {
        (patched, at - 1)
    };
    let found = views(&patched);
    let (items, _) = in_views(&found, probe, target)?;
    Some((items, (start, at)))
}

fn in_views(found: &[View], at: usize, target: Target) -> Option<(Vec<Item>, (usize, usize))> {
    let (view, inner) = view_at(found, at)?;
    let path = path_to(&view.doc, inner);
    match place::place(&path, inner)? {
        Place::Model { value, .. } => {
            let span = value.map_or((at, at), |v| view.outer_span(v.span));
            Some((model_items(target), span))
        }
        Place::Field {
            entry,
            name,
            nested,
            on_key,
            ..
        } => {
            let model = entry.get("model")?.as_str()?;
            if on_key && nested.is_empty() {
                return Some((field_items(model, target), view.outer_span(name.key.span)));
            }
            let ModelLookup::Known(m) = knowledge().model(model, target) else {
                return None;
            };
            let FieldLookup::Known(spec) = m.field(name.key.key_str()?) else {
                return None;
            };
            let spec = nested_spec(spec, &nested)?;
            if on_key {
                let props = spec.properties.as_ref()?;
                let items = props
                    .iter()
                    .map(|(k, s)| Item {
                        label: k.clone(),
                        kind: Kind::Field,
                        detail: Some(s.ty.as_str().to_string()),
                        documentation: None,
                        insert: None,
                    })
                    .collect();
                return Some((items, (at, at)));
            }
            let values = spec.enum_values.as_ref()?;
            let value = match nested.last() {
                Some(place::Nested::Key(p)) => &p.value,
                _ => &name.value,
            };
            let span = if value.span.is_empty() {
                (at, at)
            } else {
                view.outer_span(value.span)
            };
            let items = values
                .iter()
                .map(|v| Item {
                    label: v.clone(),
                    kind: Kind::Value,
                    detail: None,
                    documentation: None,
                    insert: None,
                })
                .collect();
            Some((items, span))
        }
        Place::Fields { entry, .. } => {
            let model = entry.get("model")?.as_str()?;
            Some((field_items(model, target), (at, at)))
        }
        Place::FindModel { value, .. } => {
            Some((lookup_model_items(target), view.outer_span(value.span)))
        }
        Place::FindField { find, value } => Some((
            lookup_field_items(place::find_model(find)?, target),
            view.outer_span(value.span),
        )),
        Place::Tag {
            node,
            on_tag: false,
        } if node.custom_tag()?.name == "!KeyOf" => {
            Some((id_items(&view.doc.source.text), view.outer_span(node.span)))
        }
        Place::Tag { .. } | Place::Entry { .. } => None,
    }
}

fn tag_items(target: Target) -> Vec<Item> {
    akbp_core::blueprint::tags::KNOWN_TAGS
        .iter()
        .filter_map(|name| {
            let doc = akbp_core::model::tags::doc(name)?;
            if doc.since.is_some_and(|s| !target.at_least(s)) {
                return None;
            }
            Some(Item {
                label: format!("!{name}"),
                kind: Kind::Tag,
                detail: doc.forms.first().cloned(),
                documentation: Some(doc.meaning.clone()),
                insert: Some(format!("!{name} ")),
            })
        })
        .collect()
}

/// Every `id` of the blueprints in `text`, with the model of its entry.
fn id_items(text: &str) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    for view in views(text) {
        for entry in Blueprint::entries_of(&view.doc) {
            if let Some(id) = entry.id_str() {
                if out.iter().any(|i| i.label == id) {
                    continue;
                }
                out.push(Item {
                    label: id.to_string(),
                    kind: Kind::Reference,
                    detail: entry.model_name().map(str::to_string),
                    documentation: None,
                    insert: None,
                });
            }
        }
    }
    out
}

fn model_items(target: Target) -> Vec<Item> {
    knowledge()
        .model_names(target)
        .into_iter()
        .map(|m| Item {
            label: m.to_string(),
            kind: Kind::Model,
            detail: Some(format!("authentik {target}")),
            documentation: None,
            insert: None,
        })
        .collect()
}

fn field_items(model: &str, target: Target) -> Vec<Item> {
    let ModelLookup::Known(m) = knowledge().model(model, target) else {
        return Vec::new();
    };
    m.fields_at()
        .map(|(name, spec)| Item {
            label: name.to_string(),
            kind: Kind::Field,
            detail: Some(format!(
                "{}{}",
                spec.ty.as_str(),
                if spec.required { ", required" } else { "" }
            )),
            documentation: spec.enum_values.as_ref().map(|v| {
                let shown: Vec<String> = v.iter().take(20).map(|x| format!("`{x}`")).collect();
                format!("One of: {}", shown.join(", "))
            }),
            insert: None,
        })
        .collect()
}

fn lookup_model_items(target: Target) -> Vec<Item> {
    knowledge()
        .lookups()
        .names(target)
        .into_iter()
        .map(|m| Item {
            label: m.to_string(),
            kind: Kind::Model,
            detail: Some("for !Find".into()),
            documentation: None,
            insert: None,
        })
        .collect()
}

fn lookup_field_items(model: &str, target: Target) -> Vec<Item> {
    let Some(l) = knowledge().lookups().get(model, target) else {
        return Vec::new();
    };
    let unique = l.unique_fields();
    l.field_names()
        .into_iter()
        .map(|f| Item {
            label: f.to_string(),
            kind: Kind::Field,
            detail: Some(if unique.contains(&f) { "unique" } else { "" }.to_string())
                .filter(|d| !d.is_empty()),
            documentation: None,
            insert: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str, marker: &str) -> Vec<String> {
        let at = text.find(marker).unwrap();
        let text = text.replacen(marker, "", 1);
        complete(&text, at, Target::LATEST)
            .map(|(items, _)| items.into_iter().map(|i| i.label).collect())
            .unwrap_or_default()
    }

    const HEAD: &str = "version: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: prov\n";

    #[test]
    fn each_context() {
        let models = labels("version: 1\nentries:\n  - model: authentik_co|\n", "|");
        assert!(models.contains(&"authentik_core.application".to_string()));
        let fields = labels(&format!("{HEAD}    attrs:\n      client_t|\n"), "|");
        assert!(fields.contains(&"client_type".to_string()), "{fields:?}");
        let fresh = labels(&format!("{HEAD}    attrs:\n      name: x\n      |\n"), "|");
        assert!(fresh.contains(&"client_type".to_string()), "{fresh:?}");
        let values = labels(&format!("{HEAD}    attrs:\n      client_type: |\n"), "|");
        assert_eq!(values, ["confidential", "public"]);
        let tags = labels(&format!("{HEAD}    attrs:\n      name: !Ke|\n"), "|");
        assert!(
            tags.contains(&"!KeyOf".to_string()) && tags.len() > 10,
            "{tags:?}"
        );
        let ids = labels(
            &format!(
                "{HEAD}  - model: authentik_core.application\n    attrs: {{provider: !KeyOf |}}\n"
            ),
            "|",
        );
        assert_eq!(ids, ["prov"]);
        let find = labels(
            &format!("{HEAD}    attrs:\n      authorization_flow: !Find [authentik_flows.f|\n"),
            "|",
        );
        assert!(
            find.contains(&"authentik_flows.flow".to_string()),
            "{find:?}"
        );
        let by = labels(
            &format!(
                "{HEAD}    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [sl|\n"
            ),
            "|",
        );
        assert!(by.contains(&"slug".to_string()), "{by:?}");
    }
}
