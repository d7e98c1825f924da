//! The shape of model knowledge: models, their fields per release, deviations and
//! default objects, and the questions rules ask of it. Filled by `raw.rs`.

use indexmap::IndexMap;

use super::embedded::Deferred;
use super::lookups::{LookupRef, Lookups};
use super::renames::Renames;
use crate::target::Target;

/// Everything akbp knows about authentik's models, across all known release lines.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub(super) releases: Vec<Target>,
    pub(super) models: IndexMap<String, Model>,
    pub(super) deviations: Deferred<Vec<Deviation>>,
    pub(super) defaults: Deferred<Vec<DefaultObject>>,
    pub(super) lookups: Lookups,
    pub(super) renames: Deferred<Renames>,
}

/// One blueprint model (`app_label.model_name`) over the releases that have it.
#[derive(Debug, Clone)]
pub struct Model {
    pub(super) name: String,
    pub(super) since: Target,
    pub(super) until: Option<Target>,
    pub(super) meta: bool,
    /// `None`: the model name is known, its fields are not.
    pub(super) fields: Deferred<Option<IndexMap<String, Vec<FieldVariant>>>>,
}

/// A field descriptor valid for a range of release lines.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldVariant {
    /// First release line with this descriptor.
    pub since: Target,
    /// First release line without it (`None`: still current).
    pub until: Option<Target>,
    /// The descriptor.
    pub spec: FieldSpec,
}

impl FieldVariant {
    /// Whether `target` falls in `since..until`.
    pub fn covers(&self, target: Target) -> bool {
        self.since <= target && self.until.is_none_or(|u| target < u)
    }
}

/// What a field accepts, in one release.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSpec {
    /// The JSON type (the schema's `type` without `null`).
    pub ty: FieldType,
    /// The API requires it on create (see the module doc; blueprint identifiers count too).
    pub required: bool,
    /// `null` is accepted.
    pub nullable: bool,
    /// Allowed string values, if the field is a choice.
    pub enum_values: Option<Vec<String>>,
    /// Minimum string length.
    pub min_length: Option<u64>,
    /// Maximum string length.
    pub max_length: Option<u64>,
    /// Minimum number.
    pub minimum: Option<f64>,
    /// Maximum number.
    pub maximum: Option<f64>,
    /// Maximum array length.
    pub max_items: Option<u64>,
    /// String format.
    pub format: Option<FieldFormat>,
    /// Array item shape.
    pub items: Option<Box<FieldSpec>>,
    /// Object properties, e.g. `redirect_uris` items: `matching_mode`, `url`, `redirect_uri_type`.
    pub properties: Option<IndexMap<String, FieldSpec>>,
}

/// JSON type of a field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A list, see [`FieldSpec::items`].
    Array,
    /// A map, see [`FieldSpec::properties`] (free-form when `None`).
    Object,
    /// Untyped JSON.
    #[default]
    Any,
}

impl FieldType {
    /// The JSON Schema name (`string`, `integer`, ...; `any` for untyped).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Array => "array",
            FieldType::Object => "object",
            FieldType::Any => "any",
        }
    }
}

/// String format of a field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldFormat {
    /// A UUID (most foreign keys).
    Uuid,
    /// A URI.
    Uri,
    /// An ISO 8601 date-time.
    DateTime,
    /// authentik's duration string, `hours=1;minutes=2;seconds=3`.
    Duration,
    /// A slug, `^[-a-zA-Z0-9_]+$`.
    Slug,
    /// An e-mail address.
    Email,
    /// Any other format name from the schema.
    Other(String),
}

impl FieldFormat {
    /// Parses the name used in `schemas/models.json` (and JSON Schema).
    pub fn from_name(name: &str) -> FieldFormat {
        match name {
            "uuid" => FieldFormat::Uuid,
            "uri" => FieldFormat::Uri,
            "date-time" => FieldFormat::DateTime,
            "duration" => FieldFormat::Duration,
            "slug" => FieldFormat::Slug,
            "email" => FieldFormat::Email,
            other => FieldFormat::Other(other.to_string()),
        }
    }

    /// The name used in `schemas/models.json`.
    pub fn name(&self) -> &str {
        match self {
            FieldFormat::Uuid => "uuid",
            FieldFormat::Uri => "uri",
            FieldFormat::DateTime => "date-time",
            FieldFormat::Duration => "duration",
            FieldFormat::Slug => "slug",
            FieldFormat::Email => "email",
            FieldFormat::Other(s) => s,
        }
    }
}

/// Result of looking up a model at a target release.
#[derive(Debug, Clone, Copy)]
pub enum ModelLookup<'k> {
    /// The model exists at the target.
    Known(ModelRef<'k>),
    /// The model exists in other releases: from `since`, and until `until` (first release
    /// without it) when it was removed before the target.
    NotInRelease {
        /// First release with the model.
        since: Option<Target>,
        /// First release without it, if the target is past its removal.
        until: Option<Target>,
    },
    /// No known release has this model.
    Unknown,
}

/// Result of looking up a field of a model at a target release.
#[derive(Debug, Clone, Copy)]
pub enum FieldLookup<'k> {
    /// The field exists at the target, with this descriptor.
    Known(&'k FieldSpec),
    /// The field exists in other releases of this model: the nearest release with it after
    /// the target (`since`) and, when it was removed before the target, the first release
    /// without it (`until`).
    NotInRelease {
        /// The next release with the field (or its first, when it was removed).
        since: Option<Target>,
        /// The first release without it, when the target is past its removal.
        until: Option<Target>,
    },
    /// No known release of this model has this field (or its fields are not known).
    Unknown,
}

/// A model as it is at one target release.
#[derive(Debug, Clone, Copy)]
pub struct ModelRef<'k> {
    model: &'k Model,
    target: Target,
}

/// A kind of difference between authentik's published data and its behaviour, or between
/// the blueprint schema and the API field lists. See `schemas/models.json` `deviations`.
#[derive(Debug, Clone, PartialEq)]
pub struct Deviation {
    /// `lenient_value`, `schema_requires_identifiers`, `schema_enum_extra`, `schema_type`,
    /// `blueprint_only_field` or `api_only_field`.
    pub kind: String,
    /// The model it concerns.
    pub model: String,
    /// The field, when it concerns one.
    pub field: Option<String>,
    /// First release line it applies to.
    pub since: Target,
    /// First release line it no longer applies to.
    pub until: Option<Target>,
    /// Extra values (for `schema_enum_extra`) or accepted type (`lenient_value`: `integer`).
    pub values: Vec<String>,
    /// Why, citing the authentik behaviour.
    pub reason: String,
}

impl Deviation {
    /// Whether it applies at `target`.
    pub fn applies(&self, target: Target) -> bool {
        self.since <= target && self.until.is_none_or(|u| target < u)
    }
}

/// An object every authentik install has (from auto-instantiated shipped blueprints or code).
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultObject {
    /// Its model, e.g. `authentik_flows.flow`.
    pub model: String,
    /// Field -> value pairs that find it: its identifiers plus every single-line string attr
    /// (the importer matches an entry with `filter(**identifiers).first()`).
    pub lookups: IndexMap<String, String>,
    /// The identifiers authentik's blueprint uses (the stable lookup).
    pub identified_by: Vec<String>,
    /// The lookups the model declares unique (each one alone finds exactly this object).
    pub unique: Vec<String>,
    /// First release line with it.
    pub since: Target,
    /// First release line without it.
    pub until: Option<Target>,
    /// Where it comes from (blueprint path or code).
    pub source: String,
}

impl Knowledge {
    /// The models `!Find` resolves at `target` (Django's `apps.get_model`), blueprint entry
    /// models and lookup-only ones (multi-table parents such as `authentik_core.provider`).
    pub fn find_model(&self, name: &str, target: Target) -> Option<LookupRef<'_>> {
        self.lookups.get(name, target)
    }

    /// Renames authentik made (models and fields), for did-you-mean hints.
    pub fn renames(&self) -> &Renames {
        self.renames.get()
    }

    /// All `!Find` lookup knowledge.
    pub fn lookups(&self) -> &Lookups {
        &self.lookups
    }

    /// The release lines the knowledge covers, oldest first.
    pub fn releases(&self) -> &[Target] {
        &self.releases
    }

    /// Looks up a model (`app_label.model_name`, compared lower-case) at `target`.
    pub fn model(&self, name: &str, target: Target) -> ModelLookup<'_> {
        let Some(model) = self.models.get(name.to_ascii_lowercase().as_str()) else {
            return ModelLookup::Unknown;
        };
        if model.since > target {
            ModelLookup::NotInRelease {
                since: Some(model.since),
                until: None,
            }
        } else if model.until.is_some_and(|u| target >= u) {
            ModelLookup::NotInRelease {
                since: Some(model.since),
                until: model.until,
            }
        } else {
            ModelLookup::Known(ModelRef { model, target })
        }
    }

    /// Every model name that exists at `target`, sorted (for did-you-mean).
    pub fn model_names(&self, target: Target) -> Vec<&str> {
        self.models
            .values()
            .filter(|m| m.since <= target && m.until.is_none_or(|u| target < u))
            .map(|m| m.name.as_str())
            .collect()
    }

    /// Every model name in any release, sorted.
    pub fn all_model_names(&self) -> Vec<&str> {
        self.models.keys().map(String::as_str).collect()
    }

    /// The full history of one model (all releases), for tools and tests.
    pub fn model_history(&self, name: &str) -> Option<&Model> {
        self.models.get(name.to_ascii_lowercase().as_str())
    }

    /// Whether an object of `model` that matches every `(field, value)` lookup exists on every
    /// authentik install of `target`, e.g. `("authentik_flows.flow",
    /// [("slug", "default-provider-invalidation-flow")])`. An empty lookup list never matches.
    pub fn is_default_object(&self, model: &str, lookups: &[(&str, &str)], target: Target) -> bool {
        !lookups.is_empty()
            && (self.find_default_object(model, lookups, target).is_some()
                || is_shipped_instance(model, lookups, target))
    }

    /// The default object matching `lookups` (see [`Knowledge::is_default_object`]).
    pub fn find_default_object(
        &self,
        model: &str,
        lookups: &[(&str, &str)],
        target: Target,
    ) -> Option<&DefaultObject> {
        let model = model.to_ascii_lowercase();
        self.defaults.get().iter().find(|o| {
            o.model == model
                && o.since <= target
                && o.until.is_none_or(|u| target < u)
                && lookups
                    .iter()
                    .all(|(k, v)| o.lookups.get(*k).is_some_and(|x| x == v))
        })
    }

    /// The default objects of `target`.
    pub fn default_objects(&self, target: Target) -> impl Iterator<Item = &DefaultObject> {
        self.defaults
            .get()
            .iter()
            .filter(move |o| o.since <= target && o.until.is_none_or(|u| target < u))
    }

    /// Every listed deviation (all releases).
    pub fn deviations(&self) -> &[Deviation] {
        self.deviations.get()
    }

    /// Deviations for `model` (and `field`, when given) that apply at `target`.
    pub fn deviations_for<'a>(
        &'a self,
        model: &'a str,
        field: Option<&'a str>,
        target: Target,
    ) -> impl Iterator<Item = &'a Deviation> {
        self.deviations.get().iter().filter(move |d| {
            d.model == model
                && (field.is_none() || d.field.as_deref() == field)
                && d.applies(target)
        })
    }
}

impl Model {
    /// `app_label.model_name`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// First release line with the model.
    pub fn since(&self) -> Target {
        self.since
    }
    /// First release line without it.
    pub fn until(&self) -> Option<Target> {
        self.until
    }
    /// A meta-model (`authentik_blueprints.meta*`): no database row, `identifiers` unused.
    pub fn is_meta(&self) -> bool {
        self.meta
    }
    /// All fields with their variants, `None` when akbp knows the name but not the fields.
    pub fn fields(&self) -> Option<&IndexMap<String, Vec<FieldVariant>>> {
        self.fields.get().as_ref()
    }
}

impl<'k> ModelRef<'k> {
    /// `app_label.model_name`, lower-case.
    pub fn name(&self) -> &'k str {
        &self.model.name
    }

    /// The release this reference describes.
    pub fn target(&self) -> Target {
        self.target
    }

    /// A meta-model (`authentik_blueprints.meta*`): no database row, `identifiers` unused.
    pub fn is_meta(&self) -> bool {
        self.model.meta
    }

    /// `false` where akbp knows the model name but not its fields (e.g. `authentik_core.actor`
    /// in 2026.8, a blueprint-only model with no published field list).
    pub fn fields_known(&self) -> bool {
        self.model.fields().is_some()
    }

    /// The whole model history.
    pub fn history(&self) -> &'k Model {
        self.model
    }

    /// Looks up a field (exact name) at this reference's target.
    pub fn field(&self, name: &str) -> FieldLookup<'k> {
        let Some(variants) = self.model.fields().and_then(|f| f.get(name)) else {
            return FieldLookup::Unknown;
        };
        let t = self.target;
        if let Some(v) = variants.iter().find(|v| v.covers(t)) {
            return FieldLookup::Known(&v.spec);
        }
        let next = variants.iter().find(|v| v.since > t).map(|v| v.since);
        let removed = variants
            .iter()
            .filter_map(|v| v.until)
            .filter(|u| *u <= t)
            .max();
        FieldLookup::NotInRelease {
            since: next.or_else(|| variants.first().map(|v| v.since)),
            until: removed,
        }
    }

    /// The fields that exist at the target, sorted.
    pub fn field_names(&self) -> Vec<&'k str> {
        self.fields_at().map(|(n, _)| n).collect()
    }

    /// The fields the API requires at the target, sorted.
    pub fn required_fields(&self) -> Vec<&'k str> {
        self.fields_at()
            .filter(|(_, s)| s.required)
            .map(|(n, _)| n)
            .collect()
    }

    /// `(name, descriptor)` of every field at the target, sorted by name.
    pub fn fields_at(&self) -> impl Iterator<Item = (&'k str, &'k FieldSpec)> + 'k {
        let t = self.target;
        self.model.fields().into_iter().flat_map(move |fields| {
            fields.iter().filter_map(move |(name, vs)| {
                vs.iter()
                    .find(|v| v.covers(t))
                    .map(|v| (name.as_str(), &v.spec))
            })
        })
    }
}

/// Whether `lookups` find the BlueprintInstance of a blueprint authentik ships at `target`
/// (by `name`, `path` or both): discovery creates one for every shipped file that is not
/// labelled `instantiate: "false"` (authentik/blueprints/v1/tasks.py, 2026.2.2), so an
/// entry identified that way updates it and needs no field a new instance would.
fn is_shipped_instance(model: &str, lookups: &[(&str, &str)], target: Target) -> bool {
    if !model.eq_ignore_ascii_case("authentik_blueprints.blueprintinstance") {
        return false;
    }
    let value = |k: &str| lookups.iter().find(|(f, _)| *f == k).map(|(_, v)| *v);
    lookups.iter().all(|(f, _)| *f == "name" || *f == "path")
        && super::blueprints::shipped_blueprints()
            .find(target, value("name"), value("path"))
            .is_some_and(|b| b.instantiated)
}
