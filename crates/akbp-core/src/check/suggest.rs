//! "Did you mean" for keys, models, fields and enum values.
//!
//! Renames authentik made come from `schemas/renames.json` first; string distance is only a
//! fallback for typos.

use std::cell::Cell;

use crate::load::{Node, NodeKind, Scalar};
use crate::model::{knowledge, FieldLookup, FieldType, ModelLookup, ModelRef};
use crate::target::Target;

/// Words and candidates longer than this are not compared: a typo suggestion for a
/// 65-character name is rare, and the comparison costs the product of both lengths.
pub const MAX_COMPARED_CHARS: usize = 64;

/// The work one file may spend on suggestions, in character pairs compared (about a
/// tenth of a second): a file of thousands of near-miss `!KeyOf` ids, each compared
/// with thousands of ids, stops suggesting when it is spent instead of running for hours.
pub const WORK_PER_FILE: u64 = 50_000_000;

/// The suggestion budget of one file, shared by every rule and every blueprint of it.
/// Once spent, findings keep their other help text and get no "did you mean".
#[derive(Debug)]
pub struct Suggestions {
    left: Cell<u64>,
    compared: Cell<u64>,
    /// The file's other bounded work: regex redirect URIs still to compile (AKB403).
    regexes_left: Cell<usize>,
}

/// Regex redirect URIs compiled per file (AKB403). One compile costs tens of
/// microseconds; a 10 MiB provider of 300,000 regex URIs took 6 s. Real providers list a
/// handful.
pub const REGEXES_PER_FILE: usize = 2_000;

impl Default for Suggestions {
    fn default() -> Self {
        Suggestions::with_work(WORK_PER_FILE)
    }
}

impl Suggestions {
    pub fn with_work(work: u64) -> Self {
        Suggestions {
            left: Cell::new(work),
            compared: Cell::new(0),
            regexes_left: Cell::new(REGEXES_PER_FILE),
        }
    }

    /// Work items paid for so far: candidates compared or passed over, near-miss searches.
    pub fn compared(&self) -> u64 {
        self.compared.get()
    }

    /// Work left, in character pairs.
    pub fn left(&self) -> u64 {
        self.left.get()
    }

    /// Take one regex compile from the file's [`REGEXES_PER_FILE`]; `false` once spent.
    pub fn compile_regex(&self) -> bool {
        let left = self.regexes_left.get();
        self.regexes_left.set(left.saturating_sub(1));
        left > 0
    }

    /// Charge `cost` character pairs of other work that looks for a near miss (the
    /// one-edit search of `!Find` values); `false` when the budget cannot pay it (it is
    /// then spent), and the caller stops looking.
    pub fn spend(&self, cost: u64) -> bool {
        let left = self.left.get();
        if left < cost {
            self.left.set(0);
            return false;
        }
        self.left.set(left - cost);
        self.compared.set(self.compared.get() + 1);
        true
    }

    /// The closest candidate to `word`, if it is close enough to be a likely typo, while
    /// this budget lasts.
    pub fn did_you_mean<'c, I>(&self, word: &str, candidates: I) -> Option<&'c str>
    where
        I: IntoIterator<Item = &'c str>,
    {
        closest(word, candidates, &mut |cost| self.spend(cost))
    }
}

/// The closest candidate to `word`, if it is close enough to be a likely typo; for akbp's
/// own short lists (configuration keys, rule codes). Rules use the file's
/// [`Suggestions`], whose candidates come from the file.
pub fn did_you_mean<'c, I>(word: &str, candidates: I) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    closest(word, candidates, &mut |_| true)
}

/// `spend(cost)` is asked before each comparison; `false` stops the search (no result).
fn closest<'c, I>(word: &str, candidates: I, spend: &mut dyn FnMut(u64) -> bool) -> Option<&'c str>
where
    I: IntoIterator<Item = &'c str>,
{
    // Over 4 bytes a character, more than the limit whatever they are; counting the
    // characters of a 1,000-character id for every word would be its own quadratic.
    let long = |s: &str| {
        s.len() > 4 * MAX_COMPARED_CHARS
            || (s.len() > MAX_COMPARED_CHARS && s.chars().count() > MAX_COMPARED_CHARS)
    };
    if word.is_empty() || long(word) {
        return None;
    }
    let lw = word.to_ascii_lowercase();
    let mut best: Option<(f64, &'c str)> = None;
    for c in candidates {
        if long(c) {
            // Passing over it is work too: short words among thousands of long ids.
            if !spend(lw.len() as u64 + 1) {
                return None;
            }
            continue;
        }
        let cost = (lw.len() as u64 + 1) * (c.len() as u64 + 1);
        if !spend(cost) {
            return None;
        }
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
        NodeKind::Scalar(s) => match s.value() {
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
pub fn field_hint(
    suggestions: &Suggestions,
    model: &ModelRef<'_>,
    word: &str,
    value: Option<&Node>,
) -> Option<String> {
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
        suggestions.did_you_mean(
            word,
            fields
                .iter()
                .filter(|(_, t)| type_fits(*t, vt))
                .map(|(n, _)| *n),
        )
    });
    same.or_else(|| suggestions.did_you_mean(word, fields.iter().map(|(n, _)| *n)))
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

    #[test]
    fn a_spent_budget_suggests_nothing() {
        let s = Suggestions::with_work(10);
        assert_eq!(s.did_you_mean("entires", ["entries"]), None);
        assert_eq!(s.left(), 0);
        let s = Suggestions::with_work(1_000);
        assert_eq!(s.did_you_mean("entires", ["entries"]), Some("entries"));
    }
}
