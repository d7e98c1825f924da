//! Reading `schemas/models.json` and `schemas/defaults.json` into [`Knowledge`].

use std::cell::RefCell;
use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::embedded::{self, Deferred};
use super::error::KnowledgeError;
use super::knowledge::{
    DefaultObject, Deviation, FieldFormat, FieldSpec, FieldType, FieldVariant, Knowledge, Model,
};
use crate::target::Target;

#[derive(Deserialize)]
struct RawModels {
    releases: Vec<String>,
    enums: IndexMap<String, Value>,
    deviations: Vec<RawDeviation>,
    models: IndexMap<String, RawModel>,
}

#[derive(Deserialize)]
struct RawModel {
    since: String,
    until: Option<String>,
    #[serde(default)]
    meta: bool,
    fields: Option<IndexMap<String, Vec<Value>>>,
}

#[derive(Deserialize)]
struct RawDeviation {
    kind: String,
    model: String,
    field: Option<String>,
    since: String,
    until: Option<String>,
    #[serde(default)]
    values: Vec<String>,
    accepts: Option<String>,
    reason: String,
}

#[derive(Deserialize)]
struct RawDefaults {
    objects: Vec<RawDefault>,
}

#[derive(Deserialize)]
struct RawDefault {
    model: String,
    lookups: IndexMap<String, String>,
    identified_by: Vec<String>,
    #[serde(default)]
    unique: Vec<String>,
    since: String,
    until: Option<String>,
    source: String,
}

fn target(s: &str) -> Result<Target, KnowledgeError> {
    s.parse()
        .map_err(|_| KnowledgeError::Release(s.to_string()))
}

fn opt_target(s: Option<&str>) -> Result<Option<Target>, KnowledgeError> {
    s.map(target).transpose()
}

pub(super) fn parse(models_json: &str, defaults_json: &str) -> Result<Knowledge, KnowledgeError> {
    let raw: RawModels = serde_json::from_str(models_json)?;
    let releases = raw
        .releases
        .iter()
        .map(|s| target(s))
        .collect::<Result<Vec<_>, _>>()?;
    let enums = Enums::new(|name| raw.enums.get(name).cloned());
    // Every shared list must resolve, used or not.
    for name in raw.enums.keys() {
        enums.get(name)?;
    }

    let mut models = IndexMap::with_capacity(raw.models.len());
    for (name, m) in raw.models {
        let fields = match m.fields {
            None => None,
            Some(fields) => Some(model_fields(&name, fields, &enums)?),
        };
        let model = Model {
            since: target(&m.since)?,
            until: opt_target(m.until.as_deref())?,
            meta: m.meta,
            fields: Deferred::ready(fields),
            name: name.clone(),
        };
        models.insert(name, model);
    }
    models.sort_keys();

    Ok(Knowledge {
        releases,
        models,
        deviations: Deferred::ready(deviations(raw.deviations)?),
        defaults: Deferred::ready(defaults(defaults_json)?),
        lookups: Default::default(),
        renames: Default::default(),
    })
}

/// The knowledge compiled into the binary (see `embedded.rs`): the model index is built from
/// Rust tables; fields, deviations, defaults and renames are parsed on first use.
pub(super) fn embedded(defaults_json: &'static str, renames_json: &'static str) -> Knowledge {
    // Every value below is checked by `embedded_knowledge_matches_the_json` (mod.rs tests):
    // failing here is a build bug, not bad input.
    let release = |s: &str| target(s).expect("embedded release lines are known");
    let models = embedded::MODELS
        .iter()
        .map(|m| {
            let fields = match m.fields {
                Some(text) => Deferred::embedded(text, |text| {
                    let raw: IndexMap<String, Vec<Value>> =
                        serde_json::from_str(text).expect("embedded model fields are JSON");
                    let enums =
                        Enums::new(|name| serde_json::from_str(embedded::enum_json(name)?).ok());
                    Some(
                        model_fields("embedded model", raw, &enums)
                            .expect("embedded model fields are valid"),
                    )
                }),
                None => Deferred::ready(None),
            };
            let model = Model {
                name: m.name.to_string(),
                since: release(m.since),
                until: m.until.map(release),
                meta: m.meta,
                fields,
            };
            (m.name.to_string(), model)
        })
        .collect();
    Knowledge {
        releases: embedded::RELEASES.iter().map(|s| release(s)).collect(),
        models,
        deviations: Deferred::embedded(embedded::DEVIATIONS, |text| {
            serde_json::from_str(text)
                .map_err(KnowledgeError::from)
                .and_then(deviations)
                .expect("embedded deviations are valid")
        }),
        defaults: Deferred::embedded(defaults_json, |text| {
            defaults(text).expect("embedded schemas/defaults.json is valid")
        }),
        lookups: super::lookups::embedded(),
        renames: Deferred::embedded(renames_json, |text| {
            super::renames::parse(text).expect("embedded schemas/renames.json is valid")
        }),
    }
}

fn model_fields(
    name: &str,
    fields: IndexMap<String, Vec<Value>>,
    enums: &Enums,
) -> Result<IndexMap<String, Vec<FieldVariant>>, KnowledgeError> {
    let mut out = IndexMap::with_capacity(fields.len());
    for (fname, variants) in fields {
        let vs = variants
            .iter()
            .map(|v| variant(v, enums))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| KnowledgeError::Invalid(format!("{name}.{fname}: {e}")))?;
        out.insert(fname, vs);
    }
    Ok(out)
}

fn deviations(raw: Vec<RawDeviation>) -> Result<Vec<Deviation>, KnowledgeError> {
    raw.into_iter()
        .map(|d| {
            Ok(Deviation {
                since: target(&d.since)?,
                until: opt_target(d.until.as_deref())?,
                values: if d.values.is_empty() {
                    d.accepts.into_iter().collect()
                } else {
                    d.values
                },
                kind: d.kind,
                model: d.model,
                field: d.field,
                reason: d.reason,
            })
        })
        .collect()
}

fn defaults(defaults_json: &str) -> Result<Vec<DefaultObject>, KnowledgeError> {
    let defaults: RawDefaults = serde_json::from_str(defaults_json)?;
    defaults
        .objects
        .into_iter()
        .map(|o| {
            Ok(DefaultObject {
                since: target(&o.since)?,
                until: opt_target(o.until.as_deref())?,
                model: o.model,
                lookups: o.lookups,
                identified_by: o.identified_by,
                unique: o.unique,
                source: o.source,
            })
        })
        .collect()
}

/// Finds the JSON of a shared enum list by name.
type EnumSource<'a> = dyn Fn(&str) -> Option<Value> + 'a;

/// Shared enum lists, with `{"base", "add", "remove"}` deltas expanded on first use.
struct Enums<'a> {
    raw: Box<EnumSource<'a>>,
    resolved: RefCell<HashMap<String, Vec<String>>>,
}

impl<'a> Enums<'a> {
    fn new(raw: impl Fn(&str) -> Option<Value> + 'a) -> Enums<'a> {
        Enums {
            raw: Box::new(raw),
            resolved: RefCell::default(),
        }
    }

    fn get(&self, name: &str) -> Result<Vec<String>, KnowledgeError> {
        self.expand(name, 0)
    }

    fn expand(&self, name: &str, depth: usize) -> Result<Vec<String>, KnowledgeError> {
        if let Some(v) = self.resolved.borrow().get(name) {
            return Ok(v.clone());
        }
        let bad = || KnowledgeError::Invalid(format!("enum `{name}`"));
        if depth > 64 {
            return Err(bad());
        }
        let values = match (self.raw)(name).ok_or_else(bad)? {
            list @ Value::Array(_) => strings(Some(&list)).ok_or_else(bad)?,
            Value::Object(delta) => {
                let base = delta.get("base").and_then(Value::as_str).ok_or_else(bad)?;
                let mut values = self.expand(base, depth + 1)?;
                let remove = strings(delta.get("remove")).unwrap_or_default();
                values.retain(|v| !remove.contains(v));
                values.extend(strings(delta.get("add")).unwrap_or_default());
                values
            }
            _ => return Err(bad()),
        };
        self.resolved
            .borrow_mut()
            .insert(name.to_string(), values.clone());
        Ok(values)
    }
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

fn variant(v: &Value, enums: &Enums) -> Result<FieldVariant, String> {
    let since = v.get("since").and_then(Value::as_str).ok_or("no since")?;
    let until = v.get("until").and_then(Value::as_str);
    Ok(FieldVariant {
        since: since.parse().map_err(|_| format!("release {since}"))?,
        until: until
            .map(|u| u.parse().map_err(|_| format!("release {u}")))
            .transpose()?,
        spec: spec(v, enums)?,
    })
}

fn spec(v: &Value, enums: &Enums) -> Result<FieldSpec, String> {
    let obj = v.as_object().ok_or("descriptor is not an object")?;
    let ty = match obj.get("type").and_then(Value::as_str) {
        Some("string") => FieldType::String,
        Some("integer") => FieldType::Integer,
        Some("number") => FieldType::Number,
        Some("boolean") => FieldType::Boolean,
        Some("array") => FieldType::Array,
        Some("object") => FieldType::Object,
        Some("any") | None => FieldType::Any,
        Some(other) => return Err(format!("type {other}")),
    };
    let enum_values = match obj.get("enum") {
        None => None,
        Some(Value::String(name)) => Some(enums.get(name).map_err(|_| format!("enum {name}"))?),
        Some(list) => Some(strings(Some(list)).ok_or("enum values")?),
    };
    let flag = |k: &str| obj.get(k).and_then(Value::as_bool).unwrap_or(false);
    let uint = |k: &str| obj.get(k).and_then(Value::as_u64);
    let num = |k: &str| obj.get(k).and_then(Value::as_f64);
    let items = match obj.get("items") {
        Some(i) => Some(Box::new(spec(i, enums)?)),
        None => None,
    };
    let properties = match obj.get("properties").and_then(Value::as_object) {
        Some(props) => {
            let mut out = IndexMap::with_capacity(props.len());
            for (k, p) in props {
                out.insert(k.clone(), spec(p, enums)?);
            }
            Some(out)
        }
        None => None,
    };
    Ok(FieldSpec {
        ty,
        required: flag("required"),
        nullable: flag("nullable"),
        enum_values,
        min_length: uint("min_length"),
        max_length: uint("max_length"),
        minimum: num("minimum"),
        maximum: num("maximum"),
        max_items: uint("max_items"),
        format: obj
            .get("format")
            .and_then(Value::as_str)
            .map(FieldFormat::from_name),
        items,
        properties,
    })
}
