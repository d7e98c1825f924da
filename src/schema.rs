//! An authentik blueprint JSON schema given with `--schema`, used for models whose
//! fields akbp does not know: the command line's [`ExternalSchema`], validated with
//! `jsonschema` (kept out of the core, which only asks through the trait). Tagged values
//! are left out of schema checks: their value is only known when authentik resolves them.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::{Map, Value};

use akbp_core::load::{Node, NodeKind, Scalar};
use akbp_core::schema::{ExternalSchema, SchemaViolation};

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not JSON: {reason}")]
    Json { path: String, reason: String },
    #[error("{path} does not look like an authentik blueprint schema: no entry `oneOf` with `model` constants")]
    NotBlueprintSchema { path: String },
}

/// A published blueprint schema, indexed by model; validators are compiled per model on first use.
pub struct PublishedSchema {
    pub path: String,
    root: Value,
    /// model name -> JSON pointer of its attrs definition (`#/$defs/model_...`).
    attrs_refs: HashMap<String, String>,
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

impl std::fmt::Debug for PublishedSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PublishedSchema({}, {} models)",
            self.path,
            self.attrs_refs.len()
        )
    }
}

/// Find the `oneOf` of entry shapes wherever the release put it (inline up to 2025.6,
/// `$defs/blueprint_entry` later, `definitions` from 2026.8).
fn entry_branches(root: &Value) -> Option<&Vec<Value>> {
    let candidates = [
        root.pointer("/properties/entries/items/oneOf"),
        root.pointer("/$defs/blueprint_entry/oneOf"),
        root.pointer("/definitions/blueprint_entry/oneOf"),
    ];
    candidates.into_iter().flatten().find_map(|v| v.as_array())
}

impl PublishedSchema {
    pub fn from_str(path: &str, text: &str) -> Result<Self, SchemaError> {
        let root: Value = serde_json::from_str(text).map_err(|e| SchemaError::Json {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
        let mut attrs_refs = HashMap::new();
        if let Some(branches) = entry_branches(&root) {
            for b in branches {
                let model = b.pointer("/properties/model/const").and_then(Value::as_str);
                let attrs = b.pointer("/properties/attrs/$ref").and_then(Value::as_str);
                if let (Some(m), Some(a)) = (model, attrs) {
                    attrs_refs.insert(m.to_ascii_lowercase(), a.to_string());
                }
            }
        }
        if attrs_refs.is_empty() {
            return Err(SchemaError::NotBlueprintSchema {
                path: path.to_string(),
            });
        }
        Ok(PublishedSchema {
            path: path.to_string(),
            root,
            attrs_refs,
            validators: Mutex::new(HashMap::new()),
        })
    }

    pub fn model_names(&self) -> impl Iterator<Item = &str> {
        self.attrs_refs.keys().map(String::as_str)
    }

    fn validator(&self, model: &str) -> Option<std::sync::Arc<jsonschema::Validator>> {
        let mut cache = self.validators.lock().ok()?;
        if let Some(v) = cache.get(model) {
            return Some(v.clone());
        }
        let reference = self.attrs_refs.get(model)?;
        let mut wrapper = Map::new();
        for key in ["$schema", "$defs", "definitions"] {
            if let Some(v) = self.root.get(key) {
                wrapper.insert(key.to_string(), v.clone());
            }
        }
        wrapper.insert("$ref".into(), Value::String(reference.clone()));
        let v = std::sync::Arc::new(jsonschema::validator_for(&Value::Object(wrapper)).ok()?);
        cache.insert(model.to_string(), v.clone());
        Some(v)
    }
}

impl ExternalSchema for PublishedSchema {
    fn path(&self) -> &str {
        &self.path
    }

    fn has_model(&self, model: &str) -> bool {
        self.attrs_refs.contains_key(&model.to_ascii_lowercase())
    }

    /// Check an entry's attrs against the model's schema, with authentik's leniency:
    /// numbers where strings are expected and string enums matched against `str(value)`.
    fn check_attrs(&self, model: &str, attrs: &Node) -> Vec<SchemaViolation> {
        let Some(validator) = self.validator(&model.to_ascii_lowercase()) else {
            return Vec::new();
        };
        let mut tagged = Vec::new();
        let instance = to_json(attrs, "", &mut tagged);
        let mut out = Vec::new();
        for e in validator.iter_errors(&instance) {
            let ptr = e.instance_path().as_str().to_string();
            if tagged.iter().any(|t: &String| ptr.starts_with(t.as_str())) {
                continue;
            }
            if drf_accepts(&e) {
                continue;
            }
            let span = node_at(attrs, &ptr).map_or(attrs.span, |n| n.span);
            let field = if ptr.is_empty() {
                "attrs".to_string()
            } else {
                ptr.trim_start_matches('/').replace('/', ".")
            };
            out.push(SchemaViolation {
                span,
                message: format!("`{field}`: {e}"),
            });
        }
        out
    }
}

/// Whether Django REST framework would accept what the schema rejects.
fn drf_accepts(e: &jsonschema::ValidationError) -> bool {
    use jsonschema::error::ValidationErrorKind as K;
    let inst: &Value = e.instance();
    match e.kind() {
        K::Type { .. } => {
            inst.is_number()
                && !e.to_string().contains("\"integer\"")
                && !e.to_string().contains("\"number\"")
        }
        K::Enum { options } => {
            let s = match inst {
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return false,
            };
            options
                .as_array()
                .is_some_and(|o| o.iter().any(|v| v.as_str() == Some(s.as_str())))
        }
        _ => false,
    }
}

/// The JSON value authentik's serializer would receive, with tagged subtrees recorded
/// (by JSON pointer) and replaced with null.
pub fn to_json(node: &Node, pointer: &str, tagged: &mut Vec<String>) -> Value {
    if node.custom_tag().is_some() {
        tagged.push(pointer.to_string());
        return Value::Null;
    }
    match &node.kind {
        NodeKind::Scalar(s) => match s.value() {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::from(i),
            Scalar::BigInt(t)
            | Scalar::Timestamp(t)
            | Scalar::Unconstructible(t)
            | Scalar::Binary(t) => Value::String(t),
            Scalar::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Scalar::Str(t) => Value::String(t),
        },
        NodeKind::Seq(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, n)| to_json(n, &format!("{pointer}/{i}"), tagged))
                .collect(),
        ),
        NodeKind::Map(pairs) => {
            let mut m = Map::new();
            for p in pairs {
                let k = p
                    .key
                    .key_str()
                    .or_else(|| p.key.scalar_text())
                    .unwrap_or("")
                    .to_string();
                let esc = k.replace('~', "~0").replace('/', "~1");
                let v = to_json(&p.value, &format!("{pointer}/{esc}"), tagged);
                m.insert(k, v);
            }
            Value::Object(m)
        }
    }
}

/// The node at a JSON pointer below `node`.
pub fn node_at<'n>(node: &'n Node, pointer: &str) -> Option<&'n Node> {
    let mut cur = node;
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        cur = match &cur.kind {
            NodeKind::Map(_) => cur.get(&seg)?,
            NodeKind::Seq(items) => items.get(seg.parse::<usize>().ok()?)?,
            NodeKind::Scalar(_) => return None,
        };
    }
    Some(cur)
}
