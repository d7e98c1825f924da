//! Hover: the model's or field's documentation at the file's target release (type, enum
//! values, whether required, since and until which release), from akbp's model knowledge
//! (`schemas/models.json`, `schemas/lookups.json`), and a tag's meaning.

use akbp_core::load::{Node, Span};
use akbp_core::model::{knowledge, FieldLookup, FieldSpec, FieldType, ModelLookup, ModelRef};
use akbp_core::target::Target;

use crate::place::{self, Nested, Place};
use crate::tags;
use crate::views::{path_to, view_at, View};

/// Markdown and the span (file offsets) it is about.
pub struct Hovered {
    pub markdown: String,
    pub span: (usize, usize),
}

pub fn hover(views: &[View], at: usize, target: Target) -> Option<Hovered> {
    let (view, inner) = view_at(views, at)?;
    let path = path_to(&view.doc, inner);
    let place = place::place(&path, inner)?;
    let (markdown, span) = describe(&place, target)?;
    Some(Hovered {
        markdown,
        span: view.outer_span(span),
    })
}

fn describe(place: &Place<'_>, target: Target) -> Option<(String, Span)> {
    match place {
        Place::Tag { node, on_tag } => {
            let tag = node.custom_tag()?;
            let name = tag.name.strip_prefix('!')?;
            let doc = akbp_core::model::tags::doc(name)?;
            let mut md = tags::markdown(name, doc, target);
            if name == "KeyOf" && !on_tag {
                if let Some(id) = node.scalar_text() {
                    md.push_str(&format!("\n\nRefers to the entry with `id: {id}`."));
                }
            }
            let span = if *on_tag { tag.span } else { node.span };
            Some((md, span))
        }
        Place::Model { entry, value } => {
            let node = value.or_else(|| entry.get("model"))?;
            let name = node.as_str()?;
            Some((model_markdown(name, target), node.span))
        }
        Place::Field {
            entry,
            name,
            nested,
            on_key,
            ..
        } => {
            let model = entry.get("model")?.as_str()?;
            let field = name.key.key_str()?;
            let ModelLookup::Known(m) = knowledge().model(model, target) else {
                return None;
            };
            let span = match nested.last() {
                Some(Nested::Key(p)) if *on_key => p.key.span,
                Some(Nested::Key(p)) => p.value.span,
                _ if *on_key => name.key.span,
                _ => name.value.span,
            };
            Some((field_markdown(&m, field, nested, target), span))
        }
        Place::FindModel { value, .. } => {
            let name = value.as_str()?;
            Some((lookup_markdown(name, target), value.span))
        }
        Place::FindField { find, value } => {
            let model = place::find_model(find)?;
            let field = value.as_str()?;
            let lookup = knowledge().lookups().get(model, target)?;
            let base = field.split("__").next().unwrap_or(field);
            let kind = lookup.filter_kind(base)?;
            let unique = lookup.unique_fields().contains(&base);
            Some((
                format!(
                    "**{base}** — a lookup of `{}` ({kind:?}{}) · authentik {target}",
                    lookup.name(),
                    if unique { ", unique" } else { "" }
                ),
                value.span,
            ))
        }
        Place::Fields { .. } | Place::Entry { .. } => None,
    }
}

fn release_range(since: Target, until: Option<Target>) -> String {
    match until {
        Some(u) => format!("since {since}, until {u} (first release without it)"),
        None => format!("since {since}"),
    }
}

/// A model at `target`: whether it exists, since when, its required fields.
pub fn model_markdown(name: &str, target: Target) -> String {
    let k = knowledge();
    let history = k.model_history(name);
    let mut md = format!("**{}** — authentik model · target {target}\n\n", name);
    match k.model(name, target) {
        ModelLookup::Known(m) => {
            let h = m.history();
            md.push_str(&format!(
                "In authentik {}.",
                release_range(h.since(), h.until())
            ));
            if m.is_meta() {
                md.push_str(" A meta-model: it runs an action, no object is stored; `identifiers` are not used.");
            }
            if m.fields_known() {
                let required = m.required_fields();
                if !required.is_empty() {
                    md.push_str(&format!(
                        "\n\nRequired when created: {}.",
                        required
                            .iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                md.push_str(&format!("\n\n{} fields.", m.field_names().len()));
            } else {
                md.push_str("\n\nakbp knows the model, not its fields.");
            }
        }
        ModelLookup::NotInRelease { since, until } => {
            md.push_str(&format!("**Not in authentik {target}**"));
            match (since, until) {
                (Some(s), Some(u)) => md.push_str(&format!(": from {s} until {u}.")),
                (Some(s), None) => md.push_str(&format!(": first in {s}.")),
                _ => md.push('.'),
            }
        }
        ModelLookup::Unknown => {
            if history.is_none() {
                md.push_str("No authentik release akbp knows has this model.");
            }
        }
    }
    md
}

fn spec_line(spec: &FieldSpec) -> String {
    let mut parts = vec![format!("type `{}`", spec.ty.as_str())];
    if let Some(f) = &spec.format {
        parts.push(format!("format `{}`", f.name()));
    }
    if spec.required {
        parts.push("required when created".into());
    }
    if spec.nullable {
        parts.push("may be null".into());
    }
    if let Some(n) = spec.min_length {
        parts.push(format!("at least {n} characters"));
    }
    if let Some(n) = spec.max_length {
        parts.push(format!("at most {n} characters"));
    }
    if let Some(n) = spec.minimum {
        parts.push(format!("minimum {n}"));
    }
    if let Some(n) = spec.maximum {
        parts.push(format!("maximum {n}"));
    }
    if let Some(n) = spec.max_items {
        parts.push(format!("at most {n} items"));
    }
    parts.join(" · ")
}

/// The descriptor below a top field: list items and object properties.
pub fn nested_spec<'s>(mut spec: &'s FieldSpec, nested: &[Nested<'_>]) -> Option<&'s FieldSpec> {
    for step in nested {
        spec = match step {
            Nested::Item => spec.items.as_deref()?,
            Nested::Key(p) => spec.properties.as_ref()?.get(p.key.key_str()?)?,
        };
    }
    Some(spec)
}

fn field_markdown(m: &ModelRef<'_>, field: &str, nested: &[Nested<'_>], target: Target) -> String {
    let model = m.name();
    let mut shown = field.to_string();
    for n in nested {
        match n {
            Nested::Item => shown.push_str("[]"),
            Nested::Key(p) => {
                shown.push('.');
                shown.push_str(p.key.key_str().unwrap_or("?"));
            }
        }
    }
    let mut md = format!("**{shown}** — field of `{model}` · target {target}\n\n");
    match m.field(field) {
        FieldLookup::Known(spec) => {
            let Some(spec) = nested_spec(spec, nested) else {
                md.push_str("akbp knows no shape for this part of the field.");
                return md;
            };
            md.push_str(&spec_line(spec));
            if let Some(values) = &spec.enum_values {
                let shown: Vec<String> = values.iter().take(40).map(|v| format!("`{v}`")).collect();
                md.push_str(&format!("\n\nOne of: {}", shown.join(", ")));
                if values.len() > 40 {
                    md.push_str(&format!(" … ({} in all)", values.len()));
                }
            }
            if spec.ty == FieldType::Object {
                if let Some(props) = &spec.properties {
                    md.push_str(&format!(
                        "\n\nKeys: {}",
                        props
                            .keys()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            if let Some(variants) = m.history().fields().and_then(|f| f.get(field)) {
                let since = variants.iter().map(|v| v.since).min();
                let until = variants.last().and_then(|v| v.until);
                if let Some(since) = since {
                    md.push_str(&format!(
                        "\n\nIn authentik {}.",
                        release_range(since, until)
                    ));
                }
            }
        }
        FieldLookup::NotInRelease { since, until } => {
            md.push_str(&format!(
                "**Not a field of `{model}` in authentik {target}**"
            ));
            match (since, until) {
                (_, Some(u)) => md.push_str(&format!(": removed in {u}.")),
                (Some(s), None) => md.push_str(&format!(": first in {s}.")),
                _ => md.push('.'),
            }
        }
        FieldLookup::Unknown => {
            if m.fields_known() {
                md.push_str(&format!(
                    "Not a field of `{model}` in any release akbp knows."
                ));
            } else {
                md.push_str("akbp knows the model, not its fields.");
            }
        }
    }
    md
}

/// A model `!Find` resolves, with the fields it can be looked up by.
fn lookup_markdown(name: &str, target: Target) -> String {
    let k = knowledge();
    let mut md = format!("**{name}** — model for `!Find` · target {target}\n\n");
    match k.lookups().get(name, target) {
        Some(l) => {
            let unique = l.unique_fields();
            md.push_str(&format!(
                "Looked up by any of its fields; unique ones: {}.",
                unique
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            if l.is_lookup_only() {
                md.push_str("\n\nNot a blueprint entry model: only `!Find` reaches it.");
            }
        }
        None => md.push_str(&format!(
            "**`!Find` cannot resolve this model in authentik {target}.**"
        )),
    }
    md
}

/// Whether a node is a plain string (for completion of values).
pub fn is_plain(node: &Node) -> bool {
    node.custom_tag().is_none() && node.as_scalar().is_some()
}
