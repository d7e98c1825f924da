//! What a blueprint does to the database, as other blueprints see it: the objects its
//! entries create (model and the plain values a `!Find` can filter on), the objects it
//! deletes, the `!Find` lookups it makes, and the blueprints it applies first with a
//! required `metaapplyblueprint`. The cross-file index (`check::crossfile`) and `akbp
//! graph` both read this one summary.

use super::drf::drf_boolean;
use super::entry::State;
use super::tags::Tag;
use super::Blueprint;
use crate::load::{Node, Scalar, Span};

/// The model of a `metaapplyblueprint` entry.
pub const META_APPLY: &str = "authentik_blueprints.metaapplyblueprint";

/// An object an entry creates or updates (`absent`: deletes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// Lower-cased `app.model`.
    pub model: String,
    /// Identifiers, then attrs: each field whose value is a plain scalar, as authentik's
    /// `filter(field=value)` compares it (text).
    pub fields: Vec<(String, String)>,
    /// The entry's position in apply order.
    pub entry: usize,
    /// `state: absent`: the entry deletes the object.
    pub absent: bool,
}

impl Created {
    /// Whether every `(field, value)` of a lookup is one of this object's.
    pub fn matches(&self, pairs: &[(String, String)]) -> bool {
        !pairs.is_empty()
            && pairs
                .iter()
                .all(|(f, v)| self.fields.iter().any(|(g, w)| g == f && w == v))
    }

    /// A short name for messages and pictures: `model (field = value)`.
    pub fn label(&self) -> String {
        let first = self.fields.first().map(|(f, v)| format!(" {f} = {v}"));
        format!("{}{}", self.model, first.unwrap_or_default())
    }
}

/// A `!Find` with a literal model and literal `[field, value]` conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Lower-cased `app.model`.
    pub model: String,
    pub pairs: Vec<(String, String)>,
    /// The entry holding it (apply order), if any.
    pub entry: Option<usize>,
    pub span: Span,
}

impl Lookup {
    pub fn describe(&self) -> String {
        let what = self
            .pairs
            .iter()
            .map(|(f, v)| format!("{f} = {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("`{}` with {what}", self.model)
    }
}

/// A blueprint applied first by a required `metaapplyblueprint` (by `name`, `path` or both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: Option<String>,
    pub path: Option<String>,
}

/// Everything [`objects`] finds in one blueprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Objects {
    pub created: Vec<Created>,
    pub lookups: Vec<Lookup>,
    pub depends: Vec<Dependency>,
}

/// A plain scalar's text (no tag): what a database filter compares.
fn plain(n: &Node) -> Option<String> {
    if n.custom_tag().is_some() {
        return None;
    }
    match n.scalar_value()? {
        Scalar::Str(s) => Some(s),
        Scalar::Int(i) => Some(i.to_string()),
        Scalar::Bool(b) => Some(if b { "True" } else { "False" }.to_string()),
        _ => None,
    }
}

/// The `[field, value]` pairs of a `!Find` whose parts are literal.
pub fn literal_pairs(conditions: &[(&Node, &Node)]) -> Option<Vec<(String, String)>> {
    conditions
        .iter()
        .map(|(f, v)| Some((f.as_str()?.to_string(), plain(v)?)))
        .collect()
}

/// The objects, lookups and dependencies of one blueprint.
pub fn objects(bp: &Blueprint) -> Objects {
    let mut out = Objects::default();
    for e in &bp.entries {
        let Some(model) = e.model_key() else { continue };
        let state = e.state();
        if model == META_APPLY {
            let attrs = e.attrs();
            let required = attrs
                .and_then(|a| a.get("required"))
                .is_none_or(|r| r.scalar_value().as_ref().and_then(drf_boolean) != Some(false));
            let ids = attrs.and_then(|a| a.get("identifiers"));
            let get = |k: &str| ids.and_then(|i| i.get(k)).and_then(Node::as_str);
            let (name, path) = (get("name"), get("path"));
            if required && (name.is_some() || path.is_some()) {
                out.depends.push(Dependency {
                    name: name.map(str::to_string),
                    path: path.map(str::to_string),
                });
            }
            continue;
        }
        if state.is_none() {
            continue;
        }
        let absent = state == Some(State::Absent);
        // An `absent` entry deletes what its identifiers find; its attrs are ignored.
        let attrs = if absent { None } else { e.attrs() };
        let fields: Vec<(String, String)> = [e.identifiers(), attrs]
            .into_iter()
            .flatten()
            .flat_map(|n| bp.dict_pairs(n))
            .filter_map(|p| Some((p.key.key_str()?.to_string(), plain(&p.value)?)))
            .collect();
        if fields.is_empty() {
            continue;
        }
        out.created.push(Created {
            model: model.to_string(),
            fields,
            entry: e.index,
            absent,
        });
    }
    for t in &bp.tags {
        let Some(Tag::Find {
            model,
            conditions,
            object: _,
        }) = t.ok()
        else {
            continue;
        };
        let (Some(model), Some(pairs)) = (model.as_str(), literal_pairs(conditions)) else {
            continue;
        };
        if pairs.is_empty() {
            continue;
        }
        out.lookups.push(Lookup {
            model: model.to_ascii_lowercase(),
            pairs,
            entry: t.entry,
            span: t.node.span,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{parse, SourceFile};

    fn parse_str(text: &str) -> crate::load::Document {
        parse(SourceFile::new("t.yaml", text.to_string())).unwrap()
    }

    #[test]
    fn created_objects_lookups_and_required_dependencies() {
        let doc = parse_str(
            "version: 1\nentries:\n  - model: authentik_blueprints.metaapplyblueprint\n    attrs: {identifiers: {path: base/flows.yaml}}\n  - model: authentik_blueprints.metaapplyblueprint\n    attrs: {identifiers: {name: Optional}, required: false}\n  - model: authentik_core.Group\n    identifiers: {name: admins}\n    attrs: {is_superuser: true, parent: !Find [authentik_core.group, [name, root]]}\n  - model: authentik_core.group\n    state: absent\n    identifiers: {name: old}\n",
        );
        let o = objects(&Blueprint::new(&doc));
        assert_eq!(
            o.depends,
            vec![Dependency {
                name: None,
                path: Some("base/flows.yaml".into())
            }]
        );
        assert_eq!(o.created.len(), 2);
        assert_eq!(o.created[0].model, "authentik_core.group");
        assert!(o.created[0].matches(&[("name".into(), "admins".into())]));
        assert!(o.created[0].matches(&[("is_superuser".into(), "True".into())]));
        assert!(o.created[1].absent);
        assert_eq!(o.lookups.len(), 1);
        assert_eq!(o.lookups[0].entry, Some(2));
        assert_eq!(o.lookups[0].pairs, vec![("name".into(), "root".into())]);
    }
}
