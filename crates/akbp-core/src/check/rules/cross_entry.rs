//! Relations between entries: providers and applications, policy binding targets.

use std::collections::HashMap;

use crate::blueprint::{Blueprint, Entry, State};
use crate::check::finding::{Ctx, Rule, Severity, Sink};

/// Models that back an application (`authentik_providers_*.<x>provider`).
fn is_provider(model: &str) -> bool {
    model.starts_with("authentik_providers_") && model.ends_with("provider")
}

/// Models known not to be authentik `PolicyBindingModel`s (applications, flows, flow
/// stage bindings and sources are). Models not listed here are not judged, to avoid
/// false alarms on models akbp knows less about.
fn not_bindable(model: &str) -> bool {
    let Some((app, name)) = model.split_once('.') else {
        return false;
    };
    app.starts_with("authentik_providers_")
        || app.starts_with("authentik_stages_")
        || (app.starts_with("authentik_policies_") && name.ends_with("policy"))
        || name.ends_with("propertymapping")
        || name.ends_with("scopemapping")
        || matches!(
            model,
            "authentik_core.group"
                | "authentik_core.user"
                | "authentik_core.token"
                | "authentik_crypto.certificatekeypair"
                | "authentik_brands.brand"
                | "authentik_outposts.outpost"
                | "authentik_policies.policybinding"
        )
}

fn live(e: &Entry) -> bool {
    !matches!(e.state(), Some(State::Absent) | None)
}

pub const PROVIDER_WITHOUT_APPLICATION: Rule = Rule {
    code: "AKB420",
    name: "provider-without-application",
    severity: Severity::Warning,
    summary: "A provider that no application in the file uses.",
    doc: "## What it does\nReports OAuth2, SAML, proxy and other provider entries that no `authentik_core.application` of the same file references with `!KeyOf`.\n\n## Why\nA provider is reachable only through an application; without one, nobody can log in. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): Grafana's blueprint without its application entry imports, and the provider's OpenID configuration (`/application/o/grafana/.well-known/openid-configuration`, the URL Grafana is given) answers HTTP 404, so no login can start. An application in another blueprint may `!Find` it, hence a warning.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    id: provider\n    identifiers: {name: wiki}\n    attrs: {mode: forward_single, external_host: https://wiki.example.com}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    id: provider\n    identifiers: {name: wiki}\n    attrs: {mode: forward_single, external_host: https://wiki.example.com}\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki, provider: !KeyOf provider}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_provider_without_application),
};

fn application_provider_ids<'d>(
    bp: &Blueprint<'d>,
) -> Vec<(&'d str, &'d crate::load::Node, usize)> {
    bp.entries
        .iter()
        .filter(|e| e.model_key() == Some("authentik_core.application") && live(e))
        .filter_map(|e| {
            let n = e.attr("provider")?;
            Some((Blueprint::key_of(n)?, n, e.index))
        })
        .collect()
}

fn check_provider_without_application(ctx: &Ctx, sink: &mut Sink) {
    let used: std::collections::HashSet<&str> = application_provider_ids(ctx.bp)
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    for e in &ctx.bp.entries {
        let Some(model) = e.model_key() else { continue };
        if !is_provider(model) || !live(e) {
            continue;
        }
        // Backchannel providers (SCIM, Google Workspace, Entra, SSF) sit in `backchannel_providers`.
        let backchannel = ["scim", "google_workspace", "microsoft_entra", "ssf"]
            .iter()
            .any(|b| model.contains(b));
        if backchannel {
            continue;
        }
        let referenced = e.id_str().is_some_and(|id| used.contains(id));
        if !referenced {
            sink.push(&PROVIDER_WITHOUT_APPLICATION, e.anchor_span(), "no application in this file uses this provider; nobody can log in through it")
                .help("add an `authentik_core.application` entry with `provider: !KeyOf <this entry's id>`");
        }
    }
}

pub const APPLICATION_PROVIDER: Rule = Rule {
    code: "AKB421",
    name: "application-provider",
    severity: Severity::Error,
    summary: "An application's `provider` points to an entry that is not a provider, or two applications share one provider.",
    doc: "## What it does\nFollows each application's `provider: !KeyOf x`: the entry must be a provider model, and no other application of the file may use the same provider (the relation is one-to-one).\n\n## Why\nauthentik rejects a non-provider primary key, and a provider already bound to an application cannot back a second one: the second apply moves it or fails.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    id: provider\n    identifiers: {name: wiki}\n    attrs: {mode: forward_single, external_host: https://wiki.example.com}\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki, provider: !KeyOf provider}\n  - model: authentik_core.application\n    identifiers: {slug: wiki-copy}\n    attrs: {name: Wiki copy, provider: !KeyOf provider}\n```\n\n## Use instead\nGive each application its own provider.\n",
    stops_load: false,
    cases: &[],
    check: Some(check_application_provider),
};

fn check_application_provider(ctx: &Ctx, sink: &mut Sink) {
    let mut seen: HashMap<&str, &crate::load::Node> = HashMap::new();
    for (id, node, index) in application_provider_ids(ctx.bp) {
        let Some(target) = ctx.bp.entry_by_id(id).filter(|t| t.index < index) else {
            continue;
        };
        let model = target.model_key().unwrap_or_default();
        if !model.is_empty() && !is_provider(model) {
            sink.push(
                &APPLICATION_PROVIDER,
                node.span,
                format!("`{id}` is an entry of model `{model}`, not a provider"),
            )
            .secondary(target.anchor_span(), "defined here")
            .help("point `provider` at an OAuth2, SAML, proxy, LDAP or RAC provider entry");
            continue;
        }
        if let Some(first) = seen.get(id) {
            sink.push(&APPLICATION_PROVIDER, node.span, format!("another application already uses provider `{id}`; a provider backs one application"))
                .secondary(first.span, "first used here")
                .help("create a second provider for this application");
        } else {
            seen.insert(id, node);
        }
    }
}

pub const BINDING_TARGET: Rule = Rule {
    code: "AKB422",
    name: "binding-target",
    severity: Severity::Warning,
    summary: "A policy binding's `target` points to an entry that cannot be a binding target.",
    doc: "## What it does\nFollows `authentik_policies.policybinding` `target: !KeyOf x` and checks that `x` is an application, flow, flow-stage binding, source or other policy-binding model.\n\n## Why\n`!KeyOf` returns a policy-binding UUID only for such models; for anything else (a provider, a group) the binding gets an unrelated primary key and fails or binds nothing.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    id: group\n    identifiers: {name: wiki-users}\n  - model: authentik_policies.policybinding\n    identifiers: {target: !KeyOf group, order: 0}\n    attrs: {group: !KeyOf group}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    id: app\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n  - model: authentik_core.group\n    id: group\n    identifiers: {name: wiki-users}\n  - model: authentik_policies.policybinding\n    identifiers: {target: !KeyOf app, order: 0}\n    attrs: {group: !KeyOf group}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_binding_target),
};

fn check_binding_target(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        if e.model_key() != Some("authentik_policies.policybinding") || !live(e) {
            continue;
        }
        let Some(t) = e.field("target") else { continue };
        let Some(id) = Blueprint::key_of(t) else {
            continue;
        };
        let Some(target) = ctx.bp.entry_by_id(id).filter(|x| x.index < e.index) else {
            continue;
        };
        let Some(model) = target.model_key() else {
            continue;
        };
        if not_bindable(model) {
            sink.push(
                &BINDING_TARGET,
                t.span,
                format!("`{id}` is an entry of model `{model}`, which policies cannot be bound to"),
            )
            .secondary(target.anchor_span(), "defined here")
            .help("bind to the application (or flow) whose access you want to limit");
        }
    }
}
