//! The shape of each entry: model, state, id, identifiers, attrs, conditions, permissions.

use crate::check::finding::{Ctx, Rule, Severity, Sink};
use crate::load::Scalar;

pub const ENTRY_SHAPE: Rule = Rule {
    code: "AKB104",
    name: "entry-shape",
    severity: Severity::Error,
    summary: "An entry's keys have the wrong type: `model` missing or not `app.model`, bad `state`, non-string `id`, `identifiers`/`attrs` not mappings...",
    doc: "## What it does\nChecks each entry's keys: `model` is present and of the form `app_label.model_name` (exactly one dot); `state` is one of `present`, `created`, `must_created`, `absent`; `id` is a plain string (not a number, not a tag such as `!Env`); `identifiers` and `attrs` are mappings; `conditions` and `permissions` are lists, and each permission has a `permission`.\n\n## Why\nauthentik fails to build the entry (dacite type errors) or crashes on a three-part model name, and stops at the first failure. A tagged `id` fails the whole file: `BlueprintEntry.id` is `str | None` (authentik/blueprints/v1/common.py, 2026.2.2); lab-verified on authentik 2026.2.2, where `id: !Env GROUP_ID` makes the importer refuse the file (dacite `UnionMatchError` on `entries`).\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_policies.expression.expressionpolicy\n    state: enabled\n    id: 1\n    identifiers: {name: p}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_policies_expression.expressionpolicy\n    state: present\n    id: policy\n    identifiers: {name: p}\n    attrs: {expression: return True}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_entry_shape),
};

fn check_entry_shape(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        if e.node.as_map().is_none() {
            continue;
        }
        match e.model() {
            None => {
                sink.push(&ENTRY_SHAPE, e.node.span, "the entry has no `model`")
                    .help("add `model: app_label.model_name`, e.g. `model: authentik_core.application`");
            }
            Some(m) if m.custom_tag().is_some() => {}
            Some(m) => {
                match m.as_str() {
                    None => {
                        sink.push(
                            &ENTRY_SHAPE,
                            m.span,
                            format!("`model` must be a string, found {}", m.describe()),
                        )
                        .help("write `model: app_label.model_name`");
                    }
                    Some(name)
                        if name.split('.').count() != 2 || name.split('.').any(str::is_empty) =>
                    {
                        let f = sink.push(&ENTRY_SHAPE, m.span, format!("`{name}` is not of the form `app_label.model_name` (exactly one dot)"));
                        if name.split('.').count() == 3 {
                            let parts: Vec<&str> = name.split('.').collect();
                            f.help(format!(
                                "did you mean `{}_{}.{}`?",
                                parts[0], parts[1], parts[2]
                            ));
                        } else {
                            f.help("write the model as `app_label.model_name`, e.g. `authentik_core.application`");
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(st) = e.state_node() {
            if st.custom_tag().is_none() && e.state().is_none() {
                sink.push(&ENTRY_SHAPE, st.span, format!("`state` must be present, created, must_created or absent, found {}", st.describe()))
                    .help("use `present` to create or update, `created` to create once, `absent` to delete");
            }
        }
        if let Some(id) = e.id() {
            // `BlueprintEntry.id: str | None` (authentik/blueprints/v1/common.py, 2026.2.2):
            // dacite refuses a tag object there and the whole file fails to load.
            if let Some(tag) = id.custom_tag() {
                sink.push(
                    &ENTRY_SHAPE,
                    id.span,
                    format!("`id` must be a plain string, found a `{}` tag; authentik cannot load the file", tag.name),
                )
                .help("write the id literally, e.g. `id: wiki-provider`; ids only name entries for `!KeyOf` inside this file");
            } else if id.as_str().is_none() {
                let text = id.scalar_text().unwrap_or("");
                sink.push(
                    &ENTRY_SHAPE,
                    id.span,
                    format!("`id` must be a string, found {}", id.describe()),
                )
                .help(format!("quote it: `id: \"{text}\"`"));
            }
        }
        for (key, node) in [("identifiers", e.identifiers()), ("attrs", e.attrs())] {
            if let Some(n) = node {
                if n.custom_tag().is_none()
                    && n.as_map().is_none()
                    && !(key == "attrs" && n.is_null())
                {
                    sink.push(
                        &ENTRY_SHAPE,
                        n.span,
                        format!("`{key}` must be a mapping, found {}", n.describe()),
                    )
                    .help(format!("write `{key}:` with `field: value` pairs below it"));
                }
            }
        }
        for (key, node) in [
            ("conditions", e.conditions()),
            ("permissions", e.permissions()),
        ] {
            if let Some(n) = node {
                if n.custom_tag().is_none() && n.as_seq().is_none() && !n.is_null() {
                    sink.push(
                        &ENTRY_SHAPE,
                        n.span,
                        format!("`{key}` must be a list, found {}", n.describe()),
                    )
                    .help(format!("write `{key}:` as a list (`- ...`)"));
                }
            }
        }
        if let Some(perms) = e.permissions().and_then(|p| p.as_seq()) {
            for p in perms {
                if p.custom_tag().is_some() {
                    continue;
                }
                if p.as_map().is_none() {
                    sink.push(
                        &ENTRY_SHAPE,
                        p.span,
                        format!("a permission must be a mapping, found {}", p.describe()),
                    )
                    .help("write `- permission: view_application` with `user:` or `role:`");
                } else if p.get("permission").is_none() {
                    sink.push(
                        &ENTRY_SHAPE,
                        p.span,
                        "the permission has no `permission` codename",
                    )
                    .help("add `permission: <codename>`, e.g. `view_application`");
                } else if p.get("user").is_none() && p.get("role").is_none() {
                    sink.push(&ENTRY_SHAPE, p.span, "the permission names neither `user` nor `role`")
                        .help("authentik raises DoesNotExist without one; add `role: !Find [authentik_rbac.role, [name, ...]]`");
                }
            }
        }
    }
}

pub const MISSING_IDENTIFIERS: Rule = Rule {
    code: "AKB105",
    name: "missing-identifiers",
    severity: Severity::Error,
    summary: "A non-meta entry has no `identifiers`, or they are empty.",
    doc: "## What it does\nReports entries without `identifiers`, except the `authentik_blueprints.meta*` models.\n\n## Why\nauthentik looks the object up by its identifiers; with none it fails with \"No or invalid identifiers\".\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    attrs: {name: admins}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_identifiers),
};

fn check_identifiers(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        let Some(model) = e.model_key() else { continue };
        if model.starts_with("authentik_blueprints.meta") || e.node.as_map().is_none() {
            continue;
        }
        match e.identifiers() {
            None => {
                sink.push(&MISSING_IDENTIFIERS, e.anchor_span(), format!("`{model}` entry has no `identifiers`"))
                    .help("add `identifiers:` with the field(s) that find the object, e.g. `name` or `slug`");
            }
            Some(i) if i.as_map().is_some_and(|m| m.is_empty()) || i.is_null() => {
                sink.push(&MISSING_IDENTIFIERS, i.span, "`identifiers` is empty")
                    .help("authentik fails with \"No or invalid identifiers\"; name the field(s) that find the object");
            }
            Some(_) => {}
        }
    }
}

pub const IDENTIFIER_CONFLICT: Rule = Rule {
    code: "AKB106",
    name: "identifier-conflict",
    severity: Severity::Warning,
    summary: "A field is set in both `identifiers` and `attrs` with different values; identifiers win on create.",
    doc: "## What it does\nReports a field given different values in `identifiers` and `attrs`.\n\n## Why\nOn create authentik merges identifiers over attrs, so the attrs value is lost; on update the attrs value is written. The object flips between the two. Values are compared as authentik builds them (authentik/blueprints/v1/common.py, 2026.2.2): the same tag with the same arguments, however quoted or laid out, is the same value; `1` and `'1'` are not.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs: {name: Admins}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_identifier_conflict),
};

fn check_identifier_conflict(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        let (Some(ids), Some(attrs)) = (
            e.identifiers()
                .filter(|i| i.as_map().is_some())
                .map(|i| ctx.bp.dict_pairs(i)),
            e.attrs(),
        ) else {
            continue;
        };
        for p in ids {
            let Some(k) = p.key.key_str() else {
                continue;
            };
            let Some(other) = attrs.get(k) else { continue };
            if !p.value.same_value(other) {
                sink.push(
                    &IDENTIFIER_CONFLICT,
                    other.span,
                    format!("`{k}` differs between `identifiers` and `attrs`"),
                )
                .secondary(p.value.span, "identifiers value, used on create")
                .help(format!(
                    "keep `{k}` in one place, or give both the same value"
                ));
            }
        }
    }
}

pub const RISKY_STATE: Rule = Rule {
    code: "AKB107",
    name: "risky-state",
    severity: Severity::Warning,
    summary: "`must_created` may silently update; `absent` cascades; `metacleanblueprint` deletes every row.",
    doc: "## What it does\nFlags entries whose effect is easy to misjudge: `state: must_created` (the importer versions up to 2026.8 update an existing object instead of failing, except for meta models), `state: absent` on models whose deletion cascades (flows, providers, applications, groups, stages), and any `authentik_blueprints.metacleanblueprint`.\n\n## Why\nThese entries delete data or do not guard what they promise; a reviewer should look twice.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_flows.flow\n    state: absent\n    identifiers: {slug: default-authentication-flow}\n```\n\n## Use instead\nDelete objects by hand, or keep the entry and note why in a comment.\n",
    stops_load: false,
    cases: &[],
    check: Some(check_risky_state),
};

const CASCADING: [&str; 6] = [
    "authentik_flows.flow",
    "authentik_core.application",
    "authentik_core.group",
    "authentik_providers_oauth2.oauth2provider",
    "authentik_providers_saml.samlprovider",
    "authentik_providers_proxy.proxyprovider",
];

fn check_risky_state(ctx: &Ctx, sink: &mut Sink) {
    use crate::blueprint::State;
    for e in &ctx.bp.entries {
        let Some(model) = e.model_key() else { continue };
        if model == "authentik_blueprints.metacleanblueprint" {
            sink.push(
                &RISKY_STATE,
                e.anchor_span(),
                "`metacleanblueprint` deletes every object of its model",
            )
            .help("make sure no other blueprint or admin owns objects of that model");
            continue;
        }
        match (e.state(), e.state_node()) {
            (Some(State::MustCreated), Some(st))
                if !model.starts_with("authentik_blueprints.meta") =>
            {
                sink.push(&RISKY_STATE, st.span, "`must_created` does not fail on an existing object: authentik updates it like `present`")
                    .help("use `created` to create once and leave existing objects alone");
            }
            (Some(State::Absent), Some(st)) if CASCADING.contains(&model) => {
                sink.push(
                    &RISKY_STATE,
                    st.span,
                    format!("deleting a `{model}` cascades to the objects that depend on it"),
                )
                .help("check what is bound to it before applying");
            }
            _ => {}
        }
    }
}

pub const LITERAL_PERMISSION_IDS: Rule = Rule {
    code: "AKB108",
    name: "literal-permission-ids",
    severity: Severity::Warning,
    summary: "A permission names a user or role by a literal id, which differs between installs.",
    doc: "## What it does\nReports `permissions` items whose `user` or `role` is a literal number or UUID.\n\n## Why\nPrimary keys differ on every install; on another instance the permission goes to nobody, or authentik raises DoesNotExist.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    permissions:\n      - permission: view_application\n        user: 5\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    permissions:\n      - permission: view_application\n        role: !Find [authentik_rbac.role, [name, wiki-readers]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_literal_permission_ids),
};

fn check_literal_permission_ids(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        let Some(perms) = e.permissions().and_then(|p| p.as_seq()) else {
            continue;
        };
        for p in perms {
            for key in ["user", "role"] {
                if let Some(v) = p.get(key) {
                    if matches!(
                        v.scalar_value(),
                        Some(Scalar::Int(_)) | Some(Scalar::Str(_))
                    ) {
                        sink.push(
                            &LITERAL_PERMISSION_IDS,
                            v.span,
                            format!(
                                "`{key}` is a literal id, which differs between authentik installs"
                            ),
                        )
                        .help(format!("look it up instead: `{key}: !Find [...]`"));
                    }
                }
            }
        }
    }
}
