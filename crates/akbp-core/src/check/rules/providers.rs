//! Provider rules that need no model knowledge: proxy internal host, SAML ACS URL.

use crate::check::finding::{Ctx, Rule, Severity, Sink};

pub const PROXY_INTERNAL_HOST: Rule = Rule {
    code: "AKB211",
    name: "proxy-internal-host",
    severity: Severity::Error,
    summary: "A proxy provider in `proxy` mode (the default) needs `internal_host`; a forward-auth one should say its `mode`.",
    doc: "## What it does\nChecks `authentik_providers_proxy.proxyprovider` entries: with `mode: proxy`, or no `mode` at all, `internal_host` must be set. A provider with no `internal_host` and no `mode` is probably a forward-auth provider that forgot `mode`.\n\n## Why\nThe serializer treats a missing `mode` as `proxy`, even on partial updates, and fails: \"Internal host cannot be empty when forward auth is disabled.\"\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    identifiers: {name: wiki}\n    attrs:\n      external_host: https://wiki.example.com\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    identifiers: {name: wiki}\n    attrs:\n      mode: forward_single\n      external_host: https://wiki.example.com\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_proxy),
};

fn check_proxy(ctx: &Ctx, sink: &mut Sink) {
    use crate::blueprint::State;
    for e in &ctx.bp.entries {
        if e.model_key() != Some("authentik_providers_proxy.proxyprovider")
            || e.state() == Some(State::Absent)
        {
            continue;
        }
        let mode = e.field("mode");
        let internal = e.field("internal_host");
        let internal_empty = internal.is_none_or(|n| n.as_str() == Some("") || n.is_null());
        match mode.map(|m| m.as_str()) {
            Some(Some("proxy")) if internal_empty => {
                let at = mode.map_or(e.anchor_span(), |m| m.span);
                sink.push(&PROXY_INTERNAL_HOST, at, "`mode: proxy` needs `internal_host`")
                    .help("set `internal_host` to the address the outpost forwards to, e.g. `http://wiki:8080`");
            }
            None if internal_empty => {
                sink.push(&PROXY_INTERNAL_HOST, e.anchor_span(), "no `mode` and no `internal_host`: authentik validates this as `mode: proxy` and fails")
                    .help("for forward auth write `mode: forward_single` (or `forward_domain`); for a reverse proxy set `internal_host`");
            }
            _ => {}
        }
    }
}

pub const SAML_ACS_URL: Rule = Rule {
    code: "AKB212",
    name: "saml-acs-url",
    severity: Severity::Error,
    summary: "A SAML provider's `acs_url` is a guide placeholder (`https://temp.temp`) or not an http(s) URL.",
    doc: "## What it does\nChecks `authentik_providers_saml.samlprovider` `acs_url` values written literally for guide placeholders. The URL form itself is checked by AKB208 with the validator of the target release (URLField up to 2025.2, DomainlessURLValidator from 2025.4, authentik/providers/saml/models.py); this rule checks it only where akbp has no validator data.\n\n## Why\nDjango's URLField rejects other schemes and hosts without a dot (other than `localhost`); placeholders left from guides (`https://temp.temp`) never receive a response.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_saml.samlprovider\n    identifiers: {name: wiki}\n    attrs: {acs_url: https://temp.temp}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_saml.samlprovider\n    identifiers: {name: wiki}\n    attrs: {acs_url: https://wiki.example.com/saml/acs}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_saml_acs),
};

fn check_saml_acs(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        if e.model_key() != Some("authentik_providers_saml.samlprovider") {
            continue;
        }
        let Some(node) = e.field("acs_url") else {
            continue;
        };
        let Some(raw) = node.as_str() else { continue };
        // Where akbp knows the model's URL validator, AKB208 checks the form with it (a host
        // without a dot is fine from 2025.4: DomainlessURLValidator); only the guide
        // placeholder is left to this rule.
        let form_checked = crate::model::knowledge()
            .find_model("authentik_providers_saml.samlprovider", ctx.target)
            .is_some_and(|m| m.url_validator("acs_url").is_some());
        // `https://${SAML_HOST}/acs`: the host is filled in at deploy time.
        let masked = ctx.options.placeholders.mask(raw);
        let text: &str = &masked;
        match url::Url::parse(text) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {
                let host = u.host_str().unwrap_or("");
                if host == "temp.temp" {
                    sink.push(
                        &SAML_ACS_URL,
                        node.span,
                        "`https://temp.temp` is a placeholder from an integration guide",
                    )
                    .help("put the service provider's real ACS URL here");
                } else if !form_checked
                    && !host.contains('.')
                    && host != "localhost"
                    && !host.starts_with('[')
                    && !host.contains(crate::blueprint::placeholder::MASK)
                {
                    sink.push(
                        &SAML_ACS_URL,
                        node.span,
                        format!("the host `{host}` has no dot; Django's URL check rejects it"),
                    )
                    .help("use the fully qualified host name");
                }
            }
            _ if form_checked => {}
            _ => {
                sink.push(
                    &SAML_ACS_URL,
                    node.span,
                    format!("`{raw}` is not an http(s) URL"),
                )
                .help("write the full URL, e.g. `https://sp.example.com/saml/acs`");
            }
        }
    }
}
