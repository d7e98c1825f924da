//! The models `!Find` can resolve and the fields its filters may use (`schemas/lookups.json`).
//!
//! authentik resolves a `!Find` model with Django's `apps.get_model` and filters with
//! `Q(**{field: value})` (authentik/blueprints/v1/common.py, `Find._get_instance`). That reaches
//! every concrete model of authentik's apps, including multi-table parents that are never
//! blueprint entries (`authentik_policies.policy`, `authentik_core.provider`, ...), and every
//! model field, `<fk>_id` attname, `pk` and reverse relation. `tools/derive-lookups.py` reads
//! them from authentik's `models.py` at each release tag.

use indexmap::IndexMap;
use serde::Deserialize;

use super::embedded::{self, Deferred};
use super::error::KnowledgeError;
use crate::target::Target;

/// What a filter name is, on the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupFieldKind {
    /// A plain model field.
    Field,
    /// A foreign key, one-to-one or many-to-many field.
    Relation,
    /// The `<fk>_id` column of a foreign key.
    Attname,
    /// `pk`, the primary key alias.
    Pk,
    /// A relation declared on another model, by its query name.
    Reverse,
}

/// One filter name over the releases that have it.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupField {
    since: Target,
    until: Option<Target>,
    kind: LookupFieldKind,
    unique: bool,
    url: Option<UrlValidator>,
}

/// The URL validator a model field declares (authentik's `DomainlessURLValidator` and its
/// subclasses, or Django's `URLValidator` for a `URLField`), with the schemes it was given.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UrlValidator {
    /// The validator class, e.g. `DomainlessURLValidator`.
    pub validator: String,
    /// The `schemes` argument (Django's default when none was given).
    pub schemes: Vec<String>,
}

/// A model `!Find` can resolve, over the releases that have it.
#[derive(Debug, Clone)]
pub struct LookupModel {
    pub(super) name: String,
    pub(super) since: Target,
    pub(super) until: Option<Target>,
    pub(super) lookup_only: bool,
    pub(super) entry_lines: Option<Vec<Target>>,
    pub(super) fields: Deferred<IndexMap<String, Vec<LookupField>>>,
}

/// The resolvable models of every release.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    pub(super) models: IndexMap<String, LookupModel>,
    pub(super) carried_forward: Vec<Target>,
}

/// A resolvable model at one release.
#[derive(Debug, Clone, Copy)]
pub struct LookupRef<'k> {
    model: &'k LookupModel,
    target: Target,
}

fn covers(since: Target, until: Option<Target>, t: Target) -> bool {
    since <= t && until.is_none_or(|u| t < u)
}

impl Lookups {
    /// The model `name` (`app_label.model_name`, any case) if `apps.get_model` resolves it at
    /// `target`.
    pub fn get(&self, name: &str, target: Target) -> Option<LookupRef<'_>> {
        let model = self.models.get(name.to_ascii_lowercase().as_str())?;
        covers(model.since, model.until, target).then_some(LookupRef { model, target })
    }

    /// The model's whole history, whatever the release.
    pub fn history(&self, name: &str) -> Option<&LookupModel> {
        self.models.get(name.to_ascii_lowercase().as_str())
    }

    /// Every model resolvable at `target`, sorted.
    pub fn names(&self, target: Target) -> Vec<&str> {
        self.models
            .values()
            .filter(|m| covers(m.since, m.until, target))
            .map(|m| m.name.as_str())
            .collect()
    }

    /// Whether `target`'s data is carried forward from an older release (no source at its tag):
    /// newer fields and models may be missing from it.
    pub fn is_carried_forward(&self, target: Target) -> bool {
        self.carried_forward.contains(&target)
    }

    /// Whether the knowledge is empty (e.g. built from JSON without a lookups file).
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }
}

impl LookupModel {
    /// `app_label.model_name`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// First release line where it resolves.
    pub fn since(&self) -> Target {
        self.since
    }
    /// First release line where it no longer resolves.
    pub fn until(&self) -> Option<Target> {
        self.until
    }
}

impl<'k> LookupRef<'k> {
    /// `app_label.model_name`, lower-case.
    pub fn name(&self) -> &'k str {
        &self.model.name
    }

    /// Never a blueprint entry model at this release (only `!Find` reaches it).
    pub fn is_lookup_only(&self) -> bool {
        self.model.lookup_only
            || self
                .model
                .entry_lines
                .as_ref()
                .is_some_and(|l| !l.contains(&self.target))
    }

    fn field(&self, name: &str) -> Option<&'k LookupField> {
        self.model
            .fields
            .get()
            .get(name)?
            .iter()
            .find(|f| covers(f.since, f.until, self.target))
    }

    /// Whether a filter may start with `name` (the part before any `__`) at this release.
    pub fn has_filter(&self, name: &str) -> bool {
        self.field(name).is_some()
    }

    /// The kind of filter name, if it exists at this release.
    pub fn filter_kind(&self, name: &str) -> Option<LookupFieldKind> {
        self.field(name).map(|f| f.kind)
    }

    /// The URL validator the model field `name` declares at this release.
    pub fn url_validator(&self, name: &str) -> Option<&'k UrlValidator> {
        self.field(name)?.url.as_ref()
    }

    /// Model fields (not reverse relations, attnames or `pk`) at this release, sorted.
    pub fn field_names(&self) -> Vec<&'k str> {
        self.names_where(|f| matches!(f.kind, LookupFieldKind::Field | LookupFieldKind::Relation))
    }

    /// Fields declared `unique=True` or primary keys at this release, sorted.
    pub fn unique_fields(&self) -> Vec<&'k str> {
        self.names_where(|f| f.unique)
    }

    fn names_where(&self, keep: impl Fn(&LookupField) -> bool) -> Vec<&'k str> {
        let t = self.target;
        self.model
            .fields
            .get()
            .iter()
            .filter(|(_, vs)| vs.iter().any(|f| covers(f.since, f.until, t) && keep(f)))
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

#[derive(Deserialize)]
struct RawLookups {
    #[serde(default)]
    carried_forward: Vec<String>,
    models: IndexMap<String, RawModel>,
}

#[derive(Deserialize)]
struct RawModel {
    since: String,
    until: Option<String>,
    #[serde(default)]
    lookup_only: bool,
    entry_lines: Option<Vec<String>>,
    fields: IndexMap<String, Vec<RawField>>,
}

#[derive(Deserialize)]
struct RawField {
    since: String,
    until: Option<String>,
    kind: String,
    #[serde(default)]
    unique: bool,
    url: Option<UrlValidator>,
}

fn target(s: &str) -> Result<Target, KnowledgeError> {
    s.parse()
        .map_err(|_| KnowledgeError::Release(s.to_string()))
}

pub(super) fn parse(json: &str) -> Result<Lookups, KnowledgeError> {
    let raw: RawLookups = serde_json::from_str(json)?;
    let mut models = IndexMap::with_capacity(raw.models.len());
    for (name, m) in raw.models {
        let fields = fields(&name, m.fields)?;
        let model = LookupModel {
            since: target(&m.since)?,
            until: m.until.as_deref().map(target).transpose()?,
            lookup_only: m.lookup_only,
            entry_lines: m
                .entry_lines
                .map(|l| l.iter().map(|s| target(s)).collect::<Result<Vec<_>, _>>())
                .transpose()?,
            fields: Deferred::ready(fields),
            name: name.clone(),
        };
        models.insert(name, model);
    }
    models.sort_keys();
    let carried_forward = raw
        .carried_forward
        .iter()
        .map(|s| target(s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Lookups {
        models,
        carried_forward,
    })
}

/// The lookup knowledge compiled into the binary (see `embedded.rs`): each model's fields are
/// parsed on first use. Checked against the JSON by `embedded_knowledge_matches_the_json`.
pub(super) fn embedded() -> Lookups {
    let release = |s: &str| target(s).expect("embedded release lines are known");
    let models = embedded::LOOKUP_MODELS
        .iter()
        .map(|m| {
            let model = LookupModel {
                name: m.name.to_string(),
                since: release(m.since),
                until: m.until.map(release),
                lookup_only: m.lookup_only,
                entry_lines: m
                    .entry_lines
                    .map(|l| l.iter().map(|s| release(s)).collect()),
                fields: Deferred::embedded(m.fields, |text| {
                    serde_json::from_str(text)
                        .map_err(KnowledgeError::from)
                        .and_then(|raw| fields("embedded lookup model", raw))
                        .expect("embedded lookup fields are valid")
                }),
            };
            (m.name.to_string(), model)
        })
        .collect();
    Lookups {
        models,
        carried_forward: embedded::CARRIED_FORWARD
            .iter()
            .map(|s| release(s))
            .collect(),
    }
}

fn fields(
    name: &str,
    raw: IndexMap<String, Vec<RawField>>,
) -> Result<IndexMap<String, Vec<LookupField>>, KnowledgeError> {
    let mut fields = IndexMap::with_capacity(raw.len());
    for (fname, vs) in raw {
        let mut out = Vec::with_capacity(vs.len());
        for v in vs {
            let kind = match v.kind.as_str() {
                "field" => LookupFieldKind::Field,
                "relation" => LookupFieldKind::Relation,
                "attname" => LookupFieldKind::Attname,
                "pk" => LookupFieldKind::Pk,
                "reverse" => LookupFieldKind::Reverse,
                other => {
                    return Err(KnowledgeError::Invalid(format!(
                        "lookups {name}.{fname}: kind {other}"
                    )))
                }
            };
            out.push(LookupField {
                since: target(&v.since)?,
                until: v.until.as_deref().map(target).transpose()?,
                kind,
                unique: v.unique,
                url: v.url,
            });
        }
        fields.insert(fname, out);
    }
    Ok(fields)
}
