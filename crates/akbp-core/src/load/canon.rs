//! One canonical JSON encoding of a loaded document, the same one
//! `tools/pyyaml_canon.py` prints for what PyYAML's SafeLoader builds, so the two
//! loaders can be compared (tests/pyyaml.rs). The encoding is described there and in the
//! manual (docs/pyyaml.md, "Reading exactly what authentik reads").

use std::collections::HashMap;

use serde_json::{json, Value};

use super::node::KNOWN_TAGS;
use super::node::{DictKey, Node, NodeKind, Pair};
use super::yaml11::{big_digits, timestamp_iso, Scalar};

/// The document as PyYAML would build it, or why PyYAML would refuse it.
pub fn canonical(root: &Node) -> Result<Value, String> {
    canon(root)
}

fn canon(node: &Node) -> Result<Value, String> {
    if let Some(tag) = node.custom_tag() {
        let known = tag.local_name().is_some_and(|n| KNOWN_TAGS.contains(&n));
        if !known {
            return Err(format!("no constructor for the tag `{}`", tag.name));
        }
        let value = match &node.kind {
            NodeKind::Scalar(s) => Value::String(s.text.to_string()),
            NodeKind::Seq(items) => {
                Value::Array(items.iter().map(canon).collect::<Result<_, _>>()?)
            }
            NodeKind::Map(pairs) => json!({ "map": dict(pairs)? }),
        };
        return Ok(json!({ "tag": tag.name, "value": value }));
    }
    let core = node.tag.as_ref().and_then(|t| t.core_name());
    Ok(match &node.kind {
        NodeKind::Scalar(s) => scalar(&s.value())?,
        NodeKind::Seq(items) if matches!(core, Some("omap" | "pairs")) => {
            let mut out = Vec::new();
            for item in items {
                if let Some([p]) = item.as_map() {
                    out.push(json!([canon(&p.key)?, canon(&p.value)?]));
                }
            }
            json!({ core.unwrap_or("omap"): out })
        }
        NodeKind::Seq(items) => Value::Array(items.iter().map(canon).collect::<Result<_, _>>()?),
        NodeKind::Map(pairs) if core == Some("set") => {
            let keys = dict(pairs)?
                .into_iter()
                .map(|kv| match kv {
                    Value::Array(mut a) => a.swap_remove(0),
                    other => other,
                })
                .collect::<Vec<_>>();
            json!({ "set": keys })
        }
        NodeKind::Map(pairs) => json!({ "map": dict(pairs)? }),
    })
}

fn scalar(v: &Scalar) -> Result<Value, String> {
    Ok(match v {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Int(i) => json!({ "int": i.to_string() }),
        Scalar::BigInt(t) => {
            json!({ "int": big_digits(t).ok_or_else(|| format!("bad integer `{t}`"))? })
        }
        Scalar::Float(f) => json!({ "float": float(*f) }),
        Scalar::Str(s) => Value::String(s.clone()),
        Scalar::Timestamp(t) => json!({ "timestamp": timestamp_iso(t)? }),
        Scalar::Binary(b) => json!({ "binary": b }),
        Scalar::Unconstructible(t) => return Err(format!("no constructor for `{t}`")),
    })
}

fn float(f: f64) -> Value {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// Python dict semantics over the pairs: a key keeps its first position and its last
/// value; keys equal in Python (`1`, `1.0`, `true`) are one key ([`Node::dict_key`]).
fn dict(pairs: &[Pair]) -> Result<Vec<Value>, String> {
    let mut out: Vec<(Value, Value)> = Vec::with_capacity(pairs.len());
    let mut index: HashMap<DictKey<'_>, usize> = HashMap::with_capacity(pairs.len());
    for p in pairs {
        let key = canon(&p.key)?;
        let value = canon(&p.value)?;
        match p.key.dict_key() {
            Some(k) => match index.get(&k) {
                Some(&i) => out[i].1 = value,
                None => {
                    index.insert(k, out.len());
                    out.push((key, value));
                }
            },
            None => out.push((key, value)),
        }
    }
    Ok(out.into_iter().map(|(k, v)| json!([k, v])).collect())
}

/// Load `text` as a blueprint file is loaded (decode, then parse) and encode the result;
/// `Err` when akbp refuses it. An empty document is `null`, as `yaml.load` returns `None`
/// (akbp then reports AKB005, a rule about the document rather than a loading error).
pub fn load(text: &str) -> Result<Value, String> {
    let source =
        super::decode::decode("<canon>", text.as_bytes().to_vec()).map_err(|e| e.message)?;
    match super::parse::parse(source) {
        Ok(doc) => canonical(&doc.root),
        Err(e) if e.kind == super::error::LoadErrorKind::Empty => Ok(Value::Null),
        Err(e) => Err(e.message),
    }
}
