//! "Did you mean" for keys, models, fields and enum values.
//!
//! Renames authentik made come from `schemas/renames.json` first; string distance is only a
//! fallback for typos.

use crate::load::{Node, NodeKind, Scalar};
use crate::model::{knowledge, FieldLookup, FieldType, ModelLookup, ModelRef};
use crate::target::Target;

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'c, I>(word: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    let lw = word.to_ascii_lowercase();
    let mut best: Option<(f64, &'c str)> = None;
    for c in candidates {
        let lc = c.to_ascii_lowercase();
        let mut score = strsim::jaro_winkler(&lw, &lc);
        // `launch_url` -> `meta_launch_url`, `description` -> `meta_description`.
        if lc.ends_with(&lw) || lw.ends_with(&lc) || lc.starts_with(&lw) {
            score = score.max(0.9);
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.filter(|(s, _)| *s >= 0.85).map(|(_, c)| c)
}

/// A help text naming the current name of a model authentik renamed (`schemas/renames.json`), when that name
/// resolves at `target`.
pub fn rename_hint_model(old: &str, target: Target) -> Option<String> {
    let k = knowledge();
    let r = k.renames().model(old)?;
    (k.find_model(&r.new, target).is_some()
        || matches!(k.model(&r.new, target), ModelLookup::Known(_)))
    .then(|| {
        format!(
            "authentik renamed `{}` to `{}` ({}); did you mean `{}`?",
            r.old, r.new, r.release, r.new
        )
    })
}

/// A help text naming the current name of a field authentik renamed on `model`, when `model` has it at `target`.
pub fn rename_hint_field(model: &str, old: &str, target: Target) -> Option<String> {
    let k = knowledge();
    let r = k.renames().field(model, old)?;
    let has = match k.model(&r.model, target) {
        ModelLookup::Known(m) => !matches!(m.field(&r.new), FieldLookup::Unknown),
        _ => false,
    } || k
        .find_model(&r.model, target)
        .is_some_and(|m| m.has_filter(&r.new));
    has.then(|| {
        format!(
            "authentik renamed `{}` to `{}` ({}); did you mean `{}`?",
            r.old, r.new, r.release, r.new
        )
    })
}

/// The field type a value node looks like, when it says (tags and null say nothing).
fn value_type(node: &Node) -> Option<FieldType> {
    if node.custom_tag().is_some() {
        return None;
    }
    match &node.kind {
        NodeKind::Seq(_) => Some(FieldType::Array),
        NodeKind::Map(_) => Some(FieldType::Object),
        NodeKind::Scalar(s) => match s.value {
            Scalar::Bool(_) => Some(FieldType::Boolean),
            Scalar::Int(_) | Scalar::BigInt(_) => Some(FieldType::Integer),
            Scalar::Float(_) => Some(FieldType::Number),
            Scalar::Str(_) => Some(FieldType::String),
            _ => None,
        },
    }
}

fn type_fits(field: FieldType, value: FieldType) -> bool {
    field == FieldType::Any
        || field == value
        || (field == FieldType::Number && value == FieldType::Integer)
        || (field == FieldType::String && value == FieldType::Integer)
}

/// A help text for an unknown field `word` of `model` holding `value`: a rename authentik made
/// first, then a close name among fields of the value's type, then among all fields.
pub fn field_hint(model: &ModelRef<'_>, word: &str, value: Option<&Node>) -> Option<String> {
    if let Some(h) = rename_hint_field(model.name(), word, model.target()) {
        return Some(h);
    }
    let vt = value.and_then(value_type);
    let fields: Vec<(&str, FieldType)> = model
        .fields_at()
        .filter(|(n, _)| *n != word)
        .map(|(n, s)| (n, s.ty))
        .collect();
    let same = vt.and_then(|vt| {
        did_you_mean(
            word,
            fields
                .iter()
                .filter(|(_, t)| type_fits(*t, vt))
                .map(|(n, _)| *n),
        )
    });
    same.or_else(|| did_you_mean(word, fields.iter().map(|(n, _)| *n)))
        .map(|s| format!("did you mean `{s}`?"))
}

/// ` (did you mean `x`?)` or nothing.
pub fn hint<'c, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'c str>,
{
    did_you_mean(word, candidates)
        .map(|c| format!("did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("entires", ["version", "metadata", "context", "entries"]),
            Some("entries")
        );
        assert_eq!(
            did_you_mean("launch_url", ["name", "slug", "meta_launch_url"]),
            Some("meta_launch_url")
        );
        assert_eq!(did_you_mean("zzz", ["name", "slug"]), None);
    }
}
