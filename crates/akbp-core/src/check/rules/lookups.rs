//! `!Find` lookups checked against model knowledge and the objects every install has.

use crate::blueprint::{State, Tag};
use crate::check::finding::{Ctx, Rule, Severity, Sink};
use crate::check::suggest::{rename_hint_field, rename_hint_model};
use crate::load::Node;
use crate::model::{knowledge, FieldLookup, ModelLookup};

pub const FIND_MAY_BE_NULL: Rule = Rule {
    code: "AKB304",
    name: "find-may-be-null",
    severity: Severity::Warning,
    summary: "A `!Find` where null is refused (a required reference, a list item, a binding's subject) looks up an object that not every install has.",
    doc: "## What it does\nFor fields the model requires (flows, keys, providers...), items of related-object lists (`property_mappings`, `sources`...), and a policy binding's `policy`, `group` or `user`, in `identifiers` and `attrs` alike, checks `!Find` lookups against the objects every authentik install creates at the target release (schemas/defaults.json, from the auto-instantiated shipped blueprints and the objects authentik creates in code), by any of their values: the default flows by slug or name, the managed scope and SAML mappings by `managed` or name, the default prompts by `field_key`, the embedded outpost by `managed` or name, `authentik Self-signed Certificate` by name. Other lookups may find nothing.\n\n## Why\n`!Find` returns null without an error when nothing matches; the entry then fails with an unrelated \"This field may not be null\" or, worse, is created without the reference. Lab-verified on authentik 2026.2.2: a null `property_mappings` item fails with `Invalid pk \"None\"`, a null flow stage binding `stage` with \"This field may not be null.\", a null binding `group` with \"One of 'group', 'policy', 'user' must be set.\"\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-authorization-flow]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_find_nullable),
};

/// The `[field, value]` pairs of a `!Find` whose parts are literal strings.
fn literal_lookups<'d>(conditions: &[(&'d Node, &'d Node)]) -> Option<Vec<(&'d str, &'d str)>> {
    conditions
        .iter()
        .map(|(f, v)| {
            Some((
                f.as_str()?,
                v.scalar_text().filter(|_| v.custom_tag().is_none())?,
            ))
        })
        .collect()
}

/// Why a null at this place fails the entry, or `None` when null is accepted there.
/// `item` is true for an item of a list value.
fn null_refused(model: &str, field: &str, required: bool, item: bool) -> Option<String> {
    if item {
        // A related-objects list refuses a null item ("This field may not be null.").
        return Some(format!("`{field}` items may not be null"));
    }
    let bindings = crate::model::bindings::policy_bindings();
    if model == bindings.model && bindings.is_subject(field) {
        // A null subject leaves the binding with none: "One of 'policy', 'group' or 'user'
        // must be set." (authentik/policies/api/bindings.py, 2026.2.2).
        return Some(format!("a policy binding needs its `{field}`"));
    }
    required.then(|| format!("`{field}` is required"))
}

fn check_find_nullable(ctx: &Ctx, sink: &mut Sink) {
    let k = knowledge();
    for e in &ctx.bp.entries {
        if matches!(e.state(), Some(State::Absent) | None) {
            continue;
        }
        let Some(m) = super::models::model_of(e, ctx.target) else {
            continue;
        };
        let model_key = m.name();
        // Identifiers too: bindings are usually identified by their target and subject.
        let pairs = [e.identifiers, e.attrs]
            .into_iter()
            .flatten()
            .flat_map(Node::dict_pairs);
        for p in pairs {
            let Some(field) = p.key.key_str() else {
                continue;
            };
            let FieldLookup::Known(spec) = m.field(field) else {
                continue;
            };
            let candidates: Vec<(&Node, String)> = match p.value.as_seq() {
                Some(items) if p.value.custom_tag().is_none() => items
                    .iter()
                    .filter_map(|n| Some((n, null_refused(model_key, field, spec.required, true)?)))
                    .collect(),
                _ => null_refused(model_key, field, spec.required, false)
                    .map(|why| vec![(&p.value, why)])
                    .unwrap_or_default(),
            };
            for (node, why) in candidates {
                let Some(Tag::Find {
                    model,
                    conditions,
                    object: false,
                }) = ctx.bp.tag(node)
                else {
                    continue;
                };
                let (Some(model_name), Some(lookups)) =
                    (model.as_str(), literal_lookups(conditions))
                else {
                    continue;
                };
                if k.is_default_object(&model_name.to_ascii_lowercase(), &lookups, ctx.target) {
                    continue;
                }
                // An object created earlier in the same blueprint is found too.
                let created_here = ctx.bp.entries.iter().take(e.index).any(|earlier| {
                    earlier.model_key() == Some(&model_name.to_ascii_lowercase())
                        && lookups.iter().all(|(f, v)| {
                            earlier.field(f).and_then(|n| n.scalar_text()) == Some(*v)
                        })
                });
                if created_here {
                    continue;
                }
                let what = lookups
                    .iter()
                    .map(|(f, v)| format!("{f} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let f = sink.push(&FIND_MAY_BE_NULL, node.span, format!("{why}, but no default object `{model_name}` with {what} exists on every install; `!Find` may return null"));
                // Values of the same field only (a slug for a slug, not some label).
                let first_field = lookups.first().map(|(f, _)| *f).unwrap_or_default();
                let defaults: Vec<String> = k
                    .default_objects(ctx.target)
                    .filter(|o| o.model == model_name.to_ascii_lowercase())
                    .filter_map(|o| o.lookups.get(first_field).cloned())
                    .collect();
                match lookups.first().and_then(|(_, v)| ctx.suggestions.did_you_mean(v, defaults.iter().map(String::as_str))) {
                    Some(s) => f.help(format!("did you mean `{s}`, which every install has?")),
                    None => f.help("create the object earlier in this blueprint (and use `!KeyOf`), or make sure it exists before applying"),
                };
            }
        }
    }
}

pub const FIND_TARGET: Rule = Rule {
    code: "AKB305",
    name: "find-target",
    severity: Severity::Error,
    summary: "A `!Find` names a model that does not exist at the target, or filters on a field the model does not have.",
    doc: "## What it does\nChecks the model of every `!Find`/`!FindObject` against the models Django's `apps.get_model` resolves at the target release (every concrete model of authentik's apps, including multi-table parents such as `authentik_policies.policy`, `authentik_core.provider` or `authentik_flows.stage`, which are never blueprint entries), and each `[field, value]` condition's field (before any `__` lookup suffix) against what a Django filter accepts on that model: its own and inherited fields, `<fk>_id`, `pk`, `<parent>_ptr` and reverse relations. Models of third-party apps (`auth`, `guardian`...) are not judged. Hints come from authentik's renames first, and only name models of the same app.\n\n## Why\n`Find` resolves `apps.get_model(app, model)` and filters with `Q(**{field: value})` (authentik 2026.2.2, blueprints/v1/common.py; models from models.py at each release tag; from source, not lab-verified). An unknown model fails the entry; an unknown field raises a Django FieldError that aborts the whole apply.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      provider: !Find [authentik_providers_oauth2.oauth2providers, [nmae, wiki]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      provider: !Find [authentik_providers_oauth2.oauth2provider, [name, wiki]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_find_target),
};

fn check_find_target(ctx: &Ctx, sink: &mut Sink) {
    let k = knowledge();
    for t in &ctx.bp.tags {
        let Some(Tag::Find {
            model, conditions, ..
        }) = t.ok()
        else {
            continue;
        };
        let Some(name) = model.as_str() else { continue };
        let key = name.to_ascii_lowercase();
        // Django's apps.get_model reaches every concrete model, entry or not (see lookups.json);
        // the entry knowledge covers models newer than the lookup data (2026.5+).
        let found = k.find_model(&key, ctx.target);
        let entry = match k.model(&key, ctx.target) {
            ModelLookup::Known(m) => Some(m),
            _ => None,
        };
        if found.is_none() && entry.is_none() {
            report_unknown_find_model(ctx, sink, model, name, &key);
            continue;
        }
        let carried = k.lookups().is_carried_forward(ctx.target);
        for (f, _) in conditions {
            let Some(field) = f.as_str() else { continue };
            let base = field.split("__").next().unwrap_or(field);
            let by_lookup = found.is_some_and(|m| m.has_filter(base));
            // Serializer fields count only where the model data is not exact: a model without
            // lookup data, or a release whose lookup data is carried forward.
            let by_entry = entry.is_some_and(|m| {
                (found.is_none() || carried)
                    && (!m.fields_known() || !matches!(m.field(base), FieldLookup::Unknown))
            });
            if by_lookup || by_entry || (found.is_none() && base == "pk") {
                continue;
            }
            let fnd = sink.push(
                &FIND_TARGET,
                f.span,
                format!("`{base}` is not a field of `{key}`; the lookup raises an error"),
            );
            let names: Vec<&str> = match (found, entry) {
                (Some(m), _) => m.field_names(),
                (None, Some(m)) => m.field_names(),
                (None, None) => Vec::new(),
            };
            match rename_hint_field(&key, base, ctx.target) {
                Some(h) => fnd.help(h),
                None => match ctx.suggestions.did_you_mean(base, names.iter().copied()) {
                    Some(s) => fnd.help(format!("did you mean `{s}`?")),
                    None => fnd.help(format!("filter on one of: {}", names.join(", "))),
                },
            };
        }
    }
}

fn report_unknown_find_model(ctx: &Ctx, sink: &mut Sink, model: &Node, name: &str, key: &str) {
    let k = knowledge();
    let app = key.split('.').next().unwrap_or("");
    // Third-party apps (django.contrib.auth, guardian, ...) resolve too; akbp has no list of
    // their models, so it does not judge them.
    if !app.starts_with("authentik") {
        return;
    }
    let other_release = k
        .lookups()
        .history(key)
        .map(|m| (m.since(), m.until()))
        .or_else(|| k.model_history(key).map(|m| (m.since(), m.until())));
    if let Some((since, until)) = other_release {
        let msg = match until {
            Some(u) if ctx.target >= u => {
                format!("`!Find` model `{name}` was removed in authentik {u}")
            }
            _ => format!(
                "`!Find` model `{name}` exists from authentik {since} (target {})",
                ctx.target
            ),
        };
        let f = sink.push(&FIND_TARGET, model.span, msg);
        match rename_hint_model(key, ctx.target) {
            Some(h) => f.help(h),
            None => f.help("use a model of the target release"),
        };
        return;
    }
    let f = sink.push(
        &FIND_TARGET,
        model.span,
        format!(
            "`!Find` model `{name}` is not a model of authentik {}",
            ctx.target
        ),
    );
    if let Some(h) = rename_hint_model(key, ctx.target) {
        f.help(h);
        return;
    }
    // Within a known app only that app's models are likely typos; across apps the closest
    // name is usually unrelated.
    let names = k.lookups().names(ctx.target);
    let app_known = names.iter().any(|n| n.split('.').next() == Some(app));
    let candidates = names
        .iter()
        .copied()
        .filter(|n| !app_known || n.split('.').next() == Some(app));
    match ctx.suggestions.did_you_mean(key, candidates) {
        Some(s) => f.help(format!("did you mean `{s}`?")),
        None => f.help("write the model as `app_label.model_name`"),
    };
}
