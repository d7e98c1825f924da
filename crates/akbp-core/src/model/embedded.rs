//! The model knowledge compiled into the binary: `build.rs` turns `schemas/models.json` and
//! `schemas/lookups.json` into tables of model headers (name, releases, flags), each holding
//! its fields as the JSON text they came from. Start-up builds the name index from these
//! tables without parsing any JSON; a model's fields are parsed the first time a rule asks
//! for them, so a run over one application parses one model, not all of them.

use std::sync::OnceLock;

/// One `schemas/models.json` model, as `build.rs` wrote it.
pub(super) struct EmbeddedModel {
    pub name: &'static str,
    pub since: &'static str,
    pub until: Option<&'static str>,
    pub meta: bool,
    /// The `fields` object as JSON; `None` when only the name is known.
    pub fields: Option<&'static str>,
}

/// One `schemas/lookups.json` model, as `build.rs` wrote it.
pub(super) struct EmbeddedLookupModel {
    pub name: &'static str,
    pub since: &'static str,
    pub until: Option<&'static str>,
    pub lookup_only: bool,
    pub entry_lines: Option<&'static [&'static str]>,
    /// The `fields` object as JSON.
    pub fields: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/model_knowledge.rs"));

/// The JSON of the shared enum list `name` (a list, or a `{base, add, remove}` delta).
pub(super) fn enum_json(name: &str) -> Option<&'static str> {
    ENUMS
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| ENUMS[i].1)
}

/// How a [`Deferred`] value is built from its embedded text.
type Parse<T> = fn(&'static str) -> T;

/// A value built on first use from embedded text, or given ready-made (knowledge read from
/// JSON at run time, as tests do).
#[derive(Debug, Clone)]
pub(crate) struct Deferred<T> {
    cell: OnceLock<T>,
    source: Option<(&'static str, Parse<T>)>,
}

impl<T> Deferred<T> {
    /// A value that is already built.
    pub(crate) fn ready(value: T) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(value);
        Deferred { cell, source: None }
    }

    /// A value `parse(text)` builds on first use.
    pub(crate) fn embedded(text: &'static str, parse: fn(&'static str) -> T) -> Self {
        Deferred {
            cell: OnceLock::new(),
            source: Some((text, parse)),
        }
    }

    /// The value, built now if needed.
    pub(crate) fn get(&self) -> &T {
        self.cell.get_or_init(|| match self.source {
            Some((text, parse)) => parse(text),
            // `ready` always fills the cell, so a missing source means it was filled.
            None => unreachable!("a ready Deferred holds its value"),
        })
    }
}

impl<T: Default> Default for Deferred<T> {
    fn default() -> Self {
        Deferred::ready(T::default())
    }
}
