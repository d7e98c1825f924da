//! `!Find` lookups checked against model knowledge and the objects every install has.

use crate::blueprint::{State, Tag};
use crate::check::suggest::{did_you_mean, rename_hint_field, rename_hint_model};
use crate::check::{Ctx, Rule, Severity, Sink};
use crate::load::Node;
use crate::model::{knowledge, FieldLookup, ModelLookup};

pub const FIND_MAY_BE_NULL: Rule = Rule {
    code: "AKB304",
    name: "find-may-be-null",
    severity: Severity::Warning,
    summary: "A `!Find` for a required reference looks up an object that not every install has; it resolves to null when missing.",
    doc: "## What it does\nFor fields the model requires (flows, keys, providers...), checks `!Find` lookups against the objects every authentik install creates at the target release: the default flows by slug, the managed scope and SAML mappings, `authentik Self-signed Certificate` by name. Other lookups may find nothing.\n\n## Why\n`!Find` returns null without an error when nothing matches; the entry then fails with an unrelated \"This field may not be null\" or, worse, is created without the reference.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-authorization-flow]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]\n```\n",
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

fn check_find_nullable(ctx: &Ctx, sink: &mut Sink) {
    let k = knowledge();
    for e in &ctx.bp.entries {
        if matches!(e.state(), Some(State::Absent) | None) {
            continue;
        }
        let Some(m) = super::models::model_of(e, ctx.target) else {
            continue;
        };
        let Some(pairs) = e.attrs.and_then(|a| a.as_map()) else {
            continue;
        };
        for p in pairs {
            let Some(field) = p.key.scalar_text() else {
                continue;
            };
            let FieldLookup::Known(spec) = m.field(field) else {
                continue;
            };
            if !spec.required {
                continue;
            }
            let candidates: Vec<&Node> = match p.value.as_seq() {
                Some(items) if p.value.custom_tag().is_none() => items.iter().collect(),
                _ => vec![&p.value],
            };
            for node in candidates {
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
                let f = sink.push(&FIND_MAY_BE_NULL, node.span, format!("`{field}` is required, but no default object `{model_name}` with {what} exists on every install; `!Find` may return null"));
                let defaults: Vec<String> = k
                    .default_objects(ctx.target)
                    .filter(|o| o.model == model_name.to_ascii_lowercase())
                    .flat_map(|o| o.lookups.values().cloned())
                    .collect();
                match lookups.first().and_then(|(_, v)| did_you_mean(v, defaults.iter().map(String::as_str))) {
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
                None => match did_you_mean(base, names.iter().copied()) {
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
    match did_you_mean(key, candidates) {
        Some(s) => f.help(format!("did you mean `{s}`?")),
        None => f.help("write the model as `app_label.model_name`"),
    };
}
