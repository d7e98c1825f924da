//! OAuth2 provider settings that break logins or leak credentials.

use std::cell::OnceCell;
use std::collections::HashMap;

use crate::blueprint::{Blueprint, Entry, State, Tag};
use crate::check::finding::{Case, Ctx, Edit, Fix, Rule, Severity, Sink};
use crate::check::rewrite::{add_pair, trimmed};
use crate::generate::emit::string_scalar;
use crate::load::Node;
use crate::target::Target;

use super::integration::catalog_grant_types;

/// The catalog integration's name and grants per OAuth2 provider entry index.
type CatalogGrants = HashMap<usize, (&'static str, Vec<String>)>;
use super::redirect_uris::{oauth2_providers, REDIRECT_GRANTS};

/// Entries that may create the provider (so authentik's defaults apply to what is missing).
fn creates(e: &Entry) -> bool {
    matches!(
        e.state(),
        Some(State::Present | State::Created | State::MustCreated)
    )
}

/// The managed names and scope names found by literal `!Find`s in `property_mappings`;
/// `None` when some mapping is computed otherwise (then nothing can be concluded).
fn mapped_scopes(bp: &Blueprint, e: &Entry) -> Option<Vec<String>> {
    let items = e.attr("property_mappings")?.as_seq()?;
    let mut out = Vec::new();
    for n in items {
        let Some(Tag::Find {
            conditions,
            object: false,
            ..
        }) = bp.tag(n)
        else {
            return None;
        };
        for (f, v) in conditions {
            match (f.as_str(), v.as_str()) {
                (Some("managed"), Some(m)) => {
                    if let Some(s) = m.strip_prefix("goauthentik.io/providers/oauth2/scope-") {
                        out.push(s.to_string());
                    }
                }
                (Some("scope_name"), Some(s)) => out.push(s.to_string()),
                _ => {}
            }
        }
    }
    Some(out)
}

pub const GRANT_TYPES_MISSING: Rule = Rule {
    code: "AKB410",
    name: "grant-types-missing",
    severity: Severity::Error,
    summary: "From authentik 2026.5 a new OAuth2 provider without `grant_types` (or with `[]`) refuses every login.",
    doc: "## What it does\nReports OAuth2 providers created by the blueprint with no `grant_types` or an empty list, when the target is 2026.5 or later.\n\n## Why\nProviders created through the API or a blueprint default to `[]`, and every authorize and token request then fails with \"invalid grant_type\" (authentik#20363; only providers that existed before the upgrade were migrated to all grants). The 2026.2.2 lab cannot show the refusal, only that the rule is right to wait for 2026.5 (the lab, `tests/lab/logins-negative-2026.2.tsv`): there the field does not exist, and Grafana's provider with `grant_types: []` imports and logs in as before.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_type: confidential\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_type: confidential\n      grant_types: [authorization_code]\n```\n\n## Fix\n**Unsafe** (`--unsafe-fixes`): adds `grant_types` (or fills `[]`) with the grants of the catalog integration when akbp identifies the provider's integration, else `[authorization_code]`, plus `refresh_token` when the provider's scope mappings include `offline_access`. It changes which logins authentik allows. A provider without redirect URIs gets no fix: which machine grant it uses cannot be read from the file.\n",
    stops_load: false,
    cases: &[],
    check: Some(check_grant_types),
};

fn check_grant_types(ctx: &Ctx, sink: &mut Sink) {
    if !ctx.target.at_least(Target::new(2026, 5)) {
        return;
    }
    // The catalog's grants per provider, identified once when a fix first needs them.
    let catalog = OnceCell::new();
    for e in oauth2_providers(ctx).filter(|e| creates(e)) {
        // With `redirect_uris: []` the client cannot use a redirect-based grant: it is a
        // machine client, so `authorization_code` is the wrong advice.
        let redirects = !e.attr("redirect_uris").is_some_and(|n| {
            n.custom_tag().is_none() && n.as_seq().is_some_and(<[Node]>::is_empty)
        });
        let help = if redirects {
            "add `grant_types: [authorization_code]` (plus `refresh_token` with the offline_access scope mapping if the app refreshes tokens)".to_string()
        } else {
            format!("the provider lists no redirect URI, so no redirect-based grant ({}) can work: list the grants the client uses, e.g. `[client_credentials]` or `[urn:ietf:params:oauth:grant-type:device_code]`", REDIRECT_GRANTS.join(", "))
        };
        let src = &ctx.doc.source.text;
        match e.attr("grant_types") {
            None => {
                let f = sink.push(&GRANT_TYPES_MISSING, e.anchor_span(), format!("no `grant_types`: a provider created on authentik {} allows no grant, so every login fails", ctx.target));
                f.help(help);
                if let Some((title, list)) = grants_fix_list(ctx, &catalog, e, redirects) {
                    if let Some(edit) = e
                        .attrs()
                        .and_then(|a| add_pair(src, a, "grant_types", &list))
                    {
                        f.fix(Fix::unsafe_(title, vec![edit]));
                    }
                }
            }
            Some(n) if n.custom_tag().is_none() && n.as_seq().is_some_and(|s| s.is_empty()) => {
                let f = sink.push(
                    &GRANT_TYPES_MISSING,
                    n.span,
                    "`grant_types: []` allows no grant, so every login fails",
                );
                if redirects {
                    f.help("list the grants the application uses, usually `[authorization_code]`");
                } else {
                    f.help(help);
                }
                if let Some((title, list)) = grants_fix_list(ctx, &catalog, e, redirects) {
                    f.fix(Fix::unsafe_(
                        title,
                        vec![Edit::replace(trimmed(src, n.span), list)],
                    ));
                }
            }
            Some(_) => {}
        }
    }
}

/// The `grant_types` a fix writes, and its title: the catalog integration's grants when
/// the provider is one; else, for a provider with redirect URIs, `authorization_code`
/// plus `refresh_token` when its scope mappings include offline_access (authentik issues
/// refresh tokens only for that scope). A provider without redirect URIs gets no fix:
/// which machine grant it uses cannot be read from the file.
fn grants_fix_list(
    ctx: &Ctx,
    catalog: &OnceCell<CatalogGrants>,
    e: &Entry,
    redirects: bool,
) -> Option<(String, String)> {
    let catalog = catalog.get_or_init(|| catalog_grant_types(ctx.bp));
    if let Some((name, grants)) = catalog.get(&e.index) {
        let written: Vec<String> = grants.iter().map(|g| string_scalar(g, true)).collect();
        let list = format!("[{}]", written.join(", "));
        return Some((
            format!("add `grant_types: {list}` ({name} in akbp's catalog)"),
            list,
        ));
    }
    if !redirects {
        return None;
    }
    let offline = mapped_scopes(ctx.bp, e).is_some_and(|s| s.iter().any(|s| s == "offline_access"));
    let list = if offline {
        "[authorization_code, refresh_token]"
    } else {
        "[authorization_code]"
    };
    Some((
        format!("add `grant_types: {list}` (from the redirect URIs and scope mappings)"),
        list.to_string(),
    ))
}

pub const GRANT_SCOPE_MISMATCH: Rule = Rule {
    code: "AKB411",
    name: "grant-without-scope",
    severity: Severity::Warning,
    summary: "`refresh_token` without the offline_access scope mapping, or `implicit`/`hybrid` without openid.",
    doc: "## What it does\nCompares `grant_types` with the scope mappings found by `!Find` in `property_mappings`: `refresh_token` needs `offline_access` (authentik issues refresh tokens only for that scope since 2024.2), `implicit` and `hybrid` need `openid`.\n\n## Why\nThe grant is allowed but never works: the application gets no refresh token, or no ID token.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      grant_types: [authorization_code, refresh_token]\n      property_mappings:\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-openid]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      grant_types: [authorization_code, refresh_token]\n      property_mappings:\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-openid]]\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-offline_access]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_grant_scopes),
};

fn check_grant_scopes(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx) {
        let Some(grants) = e.attr("grant_types").and_then(|n| n.as_seq()) else {
            continue;
        };
        let Some(scopes) = mapped_scopes(ctx.bp, e) else {
            continue;
        };
        for g in grants {
            let need = match g.as_str() {
                Some("refresh_token") => "offline_access",
                Some("implicit" | "hybrid") => "openid",
                _ => continue,
            };
            if !scopes.iter().any(|s| s == need) {
                sink.push(&GRANT_SCOPE_MISMATCH, g.span, format!("`{}` needs the `{need}` scope mapping, which `property_mappings` lacks", g.as_str().unwrap_or("")))
                    .help(format!("add `!Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-{need}]]`"));
            }
        }
    }
}

pub const SIGNING_KEY_MISSING: Rule = Rule {
    code: "AKB412",
    name: "signing-key-missing",
    severity: Severity::Warning,
    summary: "An OAuth2 provider without `signing_key` signs tokens HS256 with the client secret.",
    doc: "## What it does\nReports OAuth2 providers created by the blueprint without a `signing_key`.\n\n## Why\nWithout a key authentik signs ID tokens with HS256 using the client secret; most applications expect RS256/ES256 from the JWKS endpoint and reject the token, and a public client has no secret to verify with.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_type: confidential\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_type: confidential\n      signing_key: !Find [authentik_crypto.certificatekeypair, [name, authentik Self-signed Certificate]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_signing_key),
};

fn check_signing_key(ctx: &Ctx, sink: &mut Sink) {
    for e in oauth2_providers(ctx).filter(|e| creates(e)) {
        let key = e.attr("signing_key");
        if key.is_none_or(Node::is_null) {
            let at = key.map_or(e.anchor_span(), |n| n.span);
            sink.push(&SIGNING_KEY_MISSING, at, "no `signing_key`: tokens are signed HS256 with the client secret")
                .help("add `signing_key: !Find [authentik_crypto.certificatekeypair, [name, authentik Self-signed Certificate]]`");
        }
    }
}

pub const SECRET_IN_CLEAR: Rule = Rule {
    code: "AKB413",
    name: "client-secret-in-clear",
    severity: Severity::Warning,
    summary: "A literal secret (client secret, password, token, private key, ...) in the file; or a secret on a public client.",
    doc: "## What it does\nReports a secret field written as a literal value, without ever printing it, and a `client_secret` set on a `public` OAuth2 client (which cannot keep one). Which fields of which models hold secrets is data: `schemas/secrets.json`, curated from authentik's serializers (client secrets, token keys, user and bind passwords, certificate private keys, source secrets, ...). A value read with `!Env NAME` or `!Context` without a literal default is not literal.\n\n## Why\nBlueprints live in git and in containers' file systems; a secret there is readable by everyone who can read those. authentik's own test blueprints do this; production ones should read the secret from the environment.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_secret: s3cr3t-value-in-git\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_secret: !Env WIKI_CLIENT_SECRET\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_secret_in_clear),
};

fn check_secret_in_clear(ctx: &Ctx, sink: &mut Sink) {
    let fields = crate::model::secrets::secret_fields();
    for e in &ctx.bp.entries {
        let oauth2 = e.model_key() == Some("authentik_providers_oauth2.oauth2provider");
        let public = oauth2 && e.attr("client_type").and_then(Node::as_str) == Some("public");
        for section in [e.identifiers(), e.attrs()].into_iter().flatten() {
            for p in section.as_map().unwrap_or_default() {
                let Some(key) = p.key.key_str() else {
                    continue;
                };
                // Which fields hold secrets is data: schemas/secrets.json.
                if !fields.is_secret(e.model_key(), key) {
                    continue;
                }
                let secret = &p.value;
                // `${SECRET}`, `__SECRET__`, `{{ .Values.secret }}`: a deploy step fills it in.
                let filled_in = secret
                    .scalar_text()
                    .is_some_and(|t| ctx.options.placeholders.is_whole(t));
                // A value evaluated from `!Env` (--env) still spans its tag: not in the file.
                let from_tag = ctx.doc.source.slice(secret.span).starts_with('!');
                let literal = !secret.is_null()
                    && !filled_in
                    && !from_tag
                    && crate::check::mask::Secrets::is_literal(secret);
                if public
                    && key == "client_secret"
                    && (literal || filled_in || secret.custom_tag().is_some())
                {
                    sink.push(&SECRET_IN_CLEAR, secret.span, "a public client has no use for a client secret; authentik ignores it for public clients")
                        .help("remove `client_secret`, or make the client confidential if the application can keep a secret");
                } else if literal {
                    // Never echo the value: point at it instead.
                    sink.push(&SECRET_IN_CLEAR, secret.span, format!("a literal secret (`{key}`) is written in the file"))
                        .label("secret value (not shown)")
                        .help(format!("read it from authentik's environment: `{key}: !Env MYAPP_{}`, set in the server and worker", key.to_ascii_uppercase()));
                }
            }
        }
    }
}

pub const ENV_WITHOUT_DEFAULT: Rule = Rule {
    code: "AKB414",
    name: "env-required",
    severity: Severity::Info,
    summary: "`!Env NAME` without a default on a field that may not be null: the import fails unless NAME is set for authentik.",
    doc: "## What it does\nNotes values read with `!Env NAME` and no default on any field that may not be null (model knowledge: `client_id`, `client_secret`, names, slugs, `meta_description`...), in `identifiers` or `attrs`, naming the variable that authentik's server and worker must have.\n\n## Why\nauthentik reads the variable when it applies the blueprint; unset, `!Env` yields null and the import fails with \"This field may not be null\" (for `client_secret`, or any other field that is not nullable; lab-verified on authentik 2026.2.2 with a group `name: !Env UNSET`). That is often what you want (no silent empty secret), so this is a note, not a warning. With `--env FILE` that file stands for authentik's environment: a variable absent or empty there (authentik's `getenv(k) or default`) makes the entry fail, which is an error (lab-verified on authentik 2026.2.2: `meta_description: !Env UNSET` is rejected with \"This field may not be null.\"). On a nullable field a null is accepted and nothing is reported.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      client_secret: !Env WIKI_CLIENT_SECRET\n```\n\n## Use instead\nSet `WIKI_CLIENT_SECRET` in the environment of authentik's server and worker before the blueprint is applied (or give a default: `!Env [WIKI_CLIENT_SECRET, \"\"]`, which lets authentik keep a blank secret).\n",
    stops_load: false,
    cases: &[Case {
        id: "unset-in-env-file",
        severity: Severity::Error,
        summary: "With `--env FILE`, the variable is absent or empty there: authentik rejects the entry.",
    }],
    check: Some(check_env_without_default),
};

fn check_env_without_default(ctx: &Ctx, sink: &mut Sink) {
    // Every file `akbp generate` writes with an `!Env` secret would show this note; its
    // header already says the variable must be set. Shown when the rule is asked for.
    let generated = crate::catalog::generated_by_akbp(&ctx.doc.source.text)
        && !ctx.options.policy.asked(&ENV_WITHOUT_DEFAULT);
    for (_, field, n) in super::models::non_nullable_values(ctx) {
        let Some(Tag::Env {
            name,
            default: None,
        }) = ctx.bp.tag(n)
        else {
            continue;
        };
        // The scalar `!Env NAME, default` form is AKB014's finding.
        if name.text.is_some_and(|t| t.contains(", ")) {
            continue;
        }
        let var = name.text.unwrap_or("the variable");
        // With `--env`, that file is authentik's environment: an absent or empty variable
        // (`getenv(k) or default`) yields null and the entry is rejected.
        if name
            .text
            .and_then(|t| ctx.options.known.env_unset(t))
            .unwrap_or(false)
        {
            sink.push(&ENV_WITHOUT_DEFAULT, n.span, format!("`{var}` is not set (or empty) in the --env file, so `{field}` reads null and authentik rejects the entry"))
                .case("unset-in-env-file")
                .help(format!("set {var} in the environment file, or give a default: `!Env [{var}, ...]`"));
            continue;
        }
        if generated {
            continue;
        }
        sink.push(&ENV_WITHOUT_DEFAULT, n.span, format!("`{var}` must be set in authentik's server and worker, or the import fails (`{field}` may not be null)"))
            .help(format!("set {var} in both containers' environment before the blueprint is applied, or give a default: `!Env [{var}, ...]`"));
    }
}
