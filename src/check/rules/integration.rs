//! Catalog rules: find which catalog integration an application/provider pair is for,
//! then compare it with what the integration's guide needs.

use crate::blueprint::placeholder::Placeholders;
use crate::blueprint::{Blueprint, Entry, Tag};
use crate::catalog::{self, ClientType, Integration, MatchingMode, Provider};
use crate::check::{Case, Ctx, Rule, Severity, Sink};
use crate::load::{Node, Span};
use crate::target::Target;

const OAUTH2: &str = "authentik_providers_oauth2.oauth2provider";
const APPLICATION: &str = "authentik_core.application";

/// A provider entry matched to a catalog integration, and how it was decided.
struct Identified<'d, 'e> {
    integration: &'static Integration,
    how: String,
    provider: &'e Entry<'d>,
    application: Option<&'e Entry<'d>>,
}

impl Identified<'_, '_> {
    /// `(Gravitee, from the akbp.dev/integration label)` for messages.
    fn why(&self) -> String {
        format!("({}, {})", self.integration.name, self.how)
    }

    fn oauth2(&self) -> &'static catalog::OAuth2Provider {
        match &self.integration.provider {
            Provider::Oauth2(p) => p,
        }
    }
}

/// A literal redirect URI of the blueprint.
struct Actual<'d> {
    node: &'d Node,
    url_node: &'d Node,
    url: &'d str,
    mode: Option<&'d str>,
}

fn actual_uris<'d>(provider: &Entry<'d>) -> Vec<Actual<'d>> {
    let Some(items) = provider.attr("redirect_uris").and_then(|n| n.as_seq()) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let url_node = item.get("url")?;
            Some(Actual {
                node: item,
                url_node,
                url: url_node.as_str()?,
                mode: item.get("matching_mode").and_then(|m| m.as_str()),
            })
        })
        .collect()
}

/// `scheme://host[:port]` and the rest, with regex escapes in the origin undone.
fn split_origin(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find('/').unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..end])
        .replace("\\.", ".")
        .replace("\\-", "-");
    Some((origin, rest[end..].to_string()))
}

fn host_of(origin: &str) -> &str {
    origin
        .split_once("://")
        .map_or(origin, |(_, h)| h)
        .split(':')
        .next()
        .unwrap_or("")
}

/// The path part of a catalog template (`{app_url}/console/` -> `/console/`).
fn template_path(url: &str) -> &str {
    url.strip_prefix("{app_url_regex}")
        .or_else(|| url.strip_prefix("{app_url}"))
        .unwrap_or(url)
}

fn provider_of_application<'e, 'd>(
    bp: &'e Blueprint<'d>,
    app: &Entry<'d>,
) -> Option<&'e Entry<'d>> {
    let id = Blueprint::key_of(app.attr("provider")?)?;
    bp.entry_by_id(id).filter(|e| e.model_key() == Some(OAUTH2))
}

fn identify<'e, 'd>(bp: &'e Blueprint<'d>) -> Vec<Identified<'d, 'e>> {
    let label = bp.label(catalog::INTEGRATION_LABEL);
    let providers: Vec<&Entry> = bp
        .entries
        .iter()
        .filter(|e| e.model_key() == Some(OAUTH2))
        .collect();
    let mut out = Vec::new();
    for provider in providers {
        let application = bp.entries.iter().find(|a| {
            a.model_key() == Some(APPLICATION)
                && provider_of_application(bp, a).is_some_and(|p| p.index == provider.index)
        });
        let found = label
            .and_then(|l| {
                catalog::find(l).map(|i| {
                    (
                        i,
                        format!("from the `{}` label", catalog::INTEGRATION_LABEL),
                    )
                })
            })
            .or_else(|| infer(provider, application));
        if let Some((integration, how)) = found {
            out.push(Identified {
                integration,
                how,
                provider,
                application,
            });
        }
    }
    out
}

/// Infer the integration from the application slug, the hosts, or a distinctive
/// redirect path; in that order of confidence.
fn infer(provider: &Entry, application: Option<&Entry>) -> Option<(&'static Integration, String)> {
    let slug = application
        .and_then(|a| a.field("slug"))
        .and_then(|n| n.as_str());
    if let Some(i) = slug.and_then(catalog::find) {
        return Some((
            i,
            format!("inferred from the application slug `{}`", i.slug),
        ));
    }
    let actual = actual_uris(provider);
    let launch = application
        .and_then(|a| a.attr("meta_launch_url"))
        .and_then(|n| n.as_str());
    let hosts: Vec<String> = actual
        .iter()
        .map(|a| a.url)
        .chain(launch)
        .filter_map(|u| split_origin(u).map(|(o, _)| host_of(&o).to_string()))
        .collect();
    for i in catalog::all() {
        if let Some(h) = hosts
            .iter()
            .find(|h| h.split('.').next() == Some(i.slug.as_str()))
        {
            return Some((i, format!("inferred from the host `{h}`")));
        }
    }
    for i in catalog::all() {
        for expected in i.provider.redirect_uris() {
            let want = template_path(&expected.url);
            // Only distinctive paths (three segments or more) identify an application alone.
            if want.trim_matches('/').split('/').count() < 3 {
                continue;
            }
            for a in &actual {
                if let Some((_, path)) = split_origin(a.url) {
                    if path.trim_end_matches('/') == want.trim_end_matches('/') {
                        return Some((i, format!("inferred from the redirect URI path `{path}`")));
                    }
                }
            }
        }
    }
    None
}

/// The application's base URL (origin and any sub-path, no trailing slash): from the
/// launch URL, else from a redirect URI that ends with one of the catalog's callback
/// paths, else the first redirect URI's origin.
fn base_url(id: &Identified) -> Option<String> {
    let launch = id
        .application
        .and_then(|a| a.attr("meta_launch_url"))
        .and_then(|n| n.as_str());
    // The catalog's launch URL is `{app_url}` plus an optional tail (DokuWiki's
    // `/doku.php?id=start&oauthlogin=generic`, Proxmox's `:8006`): strip that tail to get
    // the base.
    let tail = id
        .integration
        .launch_url
        .strip_prefix("{app_url}")
        .unwrap_or("");
    let launch = launch.map(|l| match l.strip_suffix(tail) {
        Some(base) if !tail.is_empty() => base,
        _ => l,
    });
    if let Some((origin, path)) = launch.and_then(split_origin) {
        return Some(format!("{origin}{}", path.trim_end_matches('/')));
    }
    let actual = actual_uris(id.provider);
    for a in &actual {
        let Some((origin, path)) = split_origin(a.url) else {
            continue;
        };
        for exp in &id.oauth2().redirect_uris {
            let tail = template_path(&exp.url).trim_end_matches('/');
            if let Some(prefix) = path.trim_end_matches('/').strip_suffix(tail) {
                return Some(format!("{origin}{prefix}"));
            }
        }
    }
    actual
        .iter()
        .find_map(|a| split_origin(a.url).map(|(o, _)| o))
}

fn expected_url(base: &str, template: &str, mode: MatchingMode) -> String {
    let path = template_path(template);
    match mode {
        MatchingMode::Regex => format!("{}{path}", regex_escape_origin(base)),
        MatchingMode::Strict => format!("{base}{path}"),
    }
}

fn regex_escape_origin(origin: &str) -> String {
    origin.replace('.', "\\.")
}

pub const REDIRECT_URIS: Rule = Rule {
    code: "AKB500",
    name: "integration-redirect-uris",
    severity: Severity::Error,
    summary: "Redirect URIs differ from what the catalog integration needs: missing, wrong path, wrong matching mode, or extra.",
    doc: "## What it does\nFor an OAuth2 provider that akbp matches to a catalog integration (by the `akbp.dev/integration` label that `akbp generate` writes, else by the application slug, the host, or a distinctive callback path; the finding says which), compares its literal redirect URIs with the guide's: each expected URI must be present with its matching mode, and URIs the guide does not list are reported.\n\n## Why\nThe application sends exactly one callback URL; a missing URI, a wrong path or a regex where the guide registers a strict URI makes every login fail with `redirect_uri_no_match`, which authentik's importer never detects.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: gravitee\n  labels: {akbp.dev/integration: gravitee}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: provider\n    identifiers: {name: gravitee}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://gravitee.example.com/user/login}\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: gravitee\n  labels: {akbp.dev/integration: gravitee}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: provider\n    identifiers: {name: gravitee}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://gravitee.example.com/user/login}\n        - {matching_mode: strict, url: https://gravitee.example.com/console/}\n```\n",
    cases: &[
        Case {
            id: "unknown-integration",
            severity: Severity::Warning,
            summary: "The `integration` label names no integration in akbp's catalog.",
        },
        Case {
            id: "unexpected-uri",
            severity: Severity::Warning,
            summary: "A redirect URI the integration does not use.",
        },
    ],
    check: Some(check_integration),
};

pub const TRAILING_SLASH: Rule = Rule {
    code: "AKB501",
    name: "integration-trailing-slash",
    severity: Severity::Error,
    summary: "A redirect URI differs from the catalog's only by a trailing slash (Gravitee `/console/`, Budibase `/callback/`).",
    doc: "## What it does\nReports a redirect URI of a catalog integration that has a trailing slash the application does not send, or lacks one it does send. Only the catalog decides: trailing slashes are not a global rule.\n\n## Why\nStrict matching compares strings exactly: `https://app/console` never matches the `https://app/console/` that Gravitee sends.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: budibase\n  labels: {akbp.dev/integration: budibase}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: budibase}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://budibase.example.com/api/global/auth/oidc/callback}\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: budibase\n  labels: {akbp.dev/integration: budibase}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: budibase}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://budibase.example.com/api/global/auth/oidc/callback/}\n```\n",
    cases: &[],
    check: None,
};

pub const CLIENT_TYPE: Rule = Rule {
    code: "AKB502",
    name: "integration-client-type",
    severity: Severity::Error,
    summary: "The provider's client type differs from the catalog's (e.g. NetBird must be public).",
    doc: "## What it does\nCompares `client_type` (default `confidential`) with the catalog integration's.\n\n## Why\nA browser app such as the NetBird dashboard cannot keep a secret and sends none: with a confidential client the token request fails. A server app configured as public loses client authentication.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: netbird\n  labels: {akbp.dev/integration: netbird}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      client_type: confidential\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: netbird\n  labels: {akbp.dev/integration: netbird}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      client_type: public\n```\n",
    cases: &[],
    check: None,
};

pub const SUBJECT_MODE: Rule = Rule {
    code: "AKB503",
    name: "integration-subject-mode",
    severity: Severity::Warning,
    summary: "The provider's subject mode (`sub_mode`) differs from the catalog's.",
    doc: "## What it does\nCompares `sub_mode` (default `hashed_user_id`) with the catalog integration's.\n\n## Why\nThe `sub` claim is how the application recognises a user; NetBird shows it as the user name, and changing it later orphans existing accounts.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: netbird\n  labels: {akbp.dev/integration: netbird}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      client_type: public\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: netbird\n  labels: {akbp.dev/integration: netbird}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      client_type: public\n      sub_mode: user_username\n```\n",
    cases: &[],
    check: None,
};

pub const SCOPES: Rule = Rule {
    code: "AKB504",
    name: "integration-scopes",
    severity: Severity::Warning,
    summary: "A scope the integration requests has no scope mapping on the provider.",
    doc: "## What it does\nChecks that the provider's `property_mappings` include the managed scope mapping of every scope the catalog integration requests (`openid`, `email`, `profile`...), found with `!Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-<scope>]]`.\n\n## Why\nauthentik silently drops scopes without a mapping: the application gets no email or name claims, or no ID token at all without `openid`.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: affine\n  labels: {akbp.dev/integration: affine}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: affine}\n    attrs:\n      property_mappings:\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-openid]]\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: affine\n  labels: {akbp.dev/integration: affine}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: affine}\n    attrs:\n      property_mappings:\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-openid]]\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-email]]\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-profile]]\n```\n",
    cases: &[],
    check: None,
};

pub const GRANT_TYPES: Rule = Rule {
    code: "AKB505",
    name: "integration-grant-types",
    severity: Severity::Warning,
    summary: "On 2026.5+, the provider's `grant_types` lack a grant the catalog integration uses.",
    doc: "## What it does\nFrom authentik 2026.5, checks that the provider's literal `grant_types` include every grant the catalog integration needs (usually `authorization_code`).\n\n## Why\nauthentik refuses grants that are not listed (\"invalid grant_type\"), so the application's login flow fails.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: pocketbase\n  labels: {akbp.dev/integration: pocketbase}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: pocketbase}\n    attrs:\n      grant_types: [client_credentials]\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: pocketbase\n  labels: {akbp.dev/integration: pocketbase}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: pocketbase}\n    attrs:\n      grant_types: [authorization_code]\n```\n",
    cases: &[],
    check: None,
};

pub const HOST_MISMATCH: Rule = Rule {
    code: "AKB506",
    name: "integration-host-mismatch",
    severity: Severity::Warning,
    summary: "The launch URL and the redirect URIs name different hosts.",
    doc: "## What it does\nFor a catalog integration, compares the host of the application's `meta_launch_url` with the hosts of the provider's redirect URIs.\n\n## Why\nThe application redirects back to its own host; a redirect URI on another host (a copy-paste from another app, a staging host) never matches.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: provider\n    identifiers: {name: affine}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://docs.example.com/oauth/callback}\n  - model: authentik_core.application\n    identifiers: {slug: affine}\n    attrs: {name: AFFiNE, provider: !KeyOf provider, meta_launch_url: https://affine.example.com}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: provider\n    identifiers: {name: affine}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://affine.example.com/oauth/callback}\n  - model: authentik_core.application\n    identifiers: {slug: affine}\n    attrs: {name: AFFiNE, provider: !KeyOf provider, meta_launch_url: https://affine.example.com}\n```\n",
    cases: &[],
    check: None,
};

fn check_integration(ctx: &Ctx, sink: &mut Sink) {
    if let Some(label) = ctx.bp.label(catalog::INTEGRATION_LABEL) {
        if catalog::find(label).is_none() {
            let span = ctx
                .bp
                .metadata
                .and_then(|m| m.get("labels"))
                .and_then(|l| l.get(catalog::INTEGRATION_LABEL))
                .map_or(ctx.bp.root.span, |n| n.span);
            let f = sink.push(&REDIRECT_URIS, span, format!("`{label}` is not an integration in akbp's catalog; integration checks are skipped"));
            f.case("unknown-integration");
            match catalog::suggest(label) {
                Some(s) => f.help(format!("did you mean `{s}`?")),
                None => f.help("`akbp list` shows the catalog"),
            };
        }
    }
    for id in identify(ctx.bp) {
        check_redirects(&id, &ctx.options.placeholders, sink);
        check_provider_settings(ctx, &id, sink);
    }
}

fn check_redirects(id: &Identified, placeholders: &Placeholders, sink: &mut Sink) {
    let Some(list) = id
        .provider
        .attr("redirect_uris")
        .filter(|n| n.as_seq().is_some())
    else {
        return;
    };
    let actual = actual_uris(id.provider);
    // Computed URIs (`!Format`, `!Env`...) cannot be compared.
    if list
        .as_seq()
        .is_some_and(|items| items.len() != actual.len())
    {
        return;
    }
    // A placeholder in a path (`https://app/__CALLBACK__`) hides what is compared.
    let opaque_path =
        |url: &str| split_origin(url).is_some_and(|(_, path)| placeholders.contains(&path));
    if actual.iter().any(|a| opaque_path(a.url)) {
        return;
    }
    let Some(base) = base_url(id) else { return };
    let why = id.why();
    // Compare paths and modes; hosts are AKB506's business.
    let path_of = |url: &str| split_origin(url).map(|(_, p)| p).unwrap_or_default();
    let base_path = path_of(&base);
    let mut matched = vec![false; actual.len()];
    for exp in id.oauth2().redirect_uris.iter() {
        let want = expected_url(&base, &exp.url, exp.matching_mode);
        let want_path = format!("{base_path}{}", template_path(&exp.url));
        let want_path = want_path.as_str();
        let want_mode = exp.matching_mode.as_str();
        let free = |m: &Vec<bool>, i: usize| !m[i];
        if let Some(i) = (0..actual.len()).find(|&i| {
            free(&matched, i)
                // The whole URL too: a tail such as Proxmox's `:8006` is not in the path.
                && (path_of(actual[i].url) == want_path || actual[i].url == want)
                && actual[i].mode == Some(want_mode)
        }) {
            matched[i] = true;
            continue;
        }
        let trimmed = want_path.trim_end_matches('/');
        if let Some(i) = (0..actual.len()).find(|&i| {
            free(&matched, i)
                && path_of(actual[i].url) != want_path
                && path_of(actual[i].url).trim_end_matches('/') == trimmed
        }) {
            matched[i] = true;
            let msg = if want_path.ends_with('/') {
                format!("the redirect URI lacks the trailing slash the application sends {why}")
            } else {
                format!("the redirect URI has a trailing slash the application does not send {why}")
            };
            sink.push(&TRAILING_SLASH, actual[i].url_node.span, msg)
                .help(format!("write exactly `{want}`"));
            continue;
        }
        if let Some(i) =
            (0..actual.len()).find(|&i| free(&matched, i) && path_of(actual[i].url) == want_path)
        {
            matched[i] = true;
            let a = &actual[i];
            let at = a.node.get("matching_mode").map_or(a.node.span, |n| n.span);
            sink.push(
                &REDIRECT_URIS,
                at,
                format!(
                    "the integration registers this URI as `{want_mode}`, not `{}` {why}",
                    a.mode.unwrap_or("unset")
                ),
            )
            .help(format!(
                "write `matching_mode: {want_mode}` with url `{want}`"
            ));
            continue;
        }
        sink.push(
            &REDIRECT_URIS,
            list.span,
            format!("missing redirect URI `{want}` ({want_mode}) {why}"),
        )
        .help(format!(
            "add `- matching_mode: {want_mode}` / `url: {want}`"
        ));
    }
    for (i, a) in actual.iter().enumerate() {
        if matched[i] {
            continue;
        }
        let is_logout = a.node.get("redirect_uri_type").and_then(|n| n.as_str()) == Some("logout");
        if is_logout {
            continue;
        }
        let expected: Vec<String> = id
            .oauth2()
            .redirect_uris
            .iter()
            .map(|e| expected_url(&base, &e.url, e.matching_mode))
            .collect();
        sink.push(
            &REDIRECT_URIS,
            a.url_node.span,
            format!(
                "`{}` is not a redirect URI the integration uses {why}",
                a.url
            ),
        )
        .case("unexpected-uri")
        .help(format!("the guide registers: {}", expected.join(", ")));
    }
    // Hosts: launch URL vs redirect URIs.
    let launch = id.application.and_then(|a| a.attr("meta_launch_url"));
    if let Some((launch_node, (launch_origin, _))) =
        launch.and_then(|n| Some((n, split_origin(n.as_str()?)?)))
    {
        for a in &actual {
            if let Some((origin, _)) = split_origin(a.url) {
                // `https://${APP_HOST}` may well be the launch URL's host: opaque.
                let opaque =
                    placeholders.contains(&origin) || placeholders.contains(&launch_origin);
                if !opaque && host_of(&origin) != host_of(&launch_origin) {
                    sink.push(
                        &HOST_MISMATCH,
                        a.url_node.span,
                        format!(
                            "this redirect URI is on `{}`, the launch URL on `{}` {why}",
                            host_of(&origin),
                            host_of(&launch_origin)
                        ),
                    )
                    .secondary(launch_node.span, "launch URL")
                    .help("use the application's own host in both");
                    break;
                }
            }
        }
    }
}

/// Whether `property_mappings` holds a `!Find` of the managed scope mapping.
fn has_scope(bp: &Blueprint, provider: &Entry, scope: &str) -> bool {
    let managed = catalog::scope_managed_name(scope);
    let Some(items) = provider.attr("property_mappings").and_then(|n| n.as_seq()) else {
        return false;
    };
    items.iter().any(|n| match bp.tag(n) {
        Some(Tag::Find {
            conditions,
            object: false,
            ..
        }) => conditions.iter().any(|(f, v)| {
            let (f, v) = (f.as_str().unwrap_or(""), v.as_str().unwrap_or(""));
            (f == "managed" && v == managed) || (f == "scope_name" && v == scope)
        }),
        _ => false,
    })
}

fn check_provider_settings(ctx: &Ctx, id: &Identified, sink: &mut Sink) {
    let p = id.provider;
    let cat = id.oauth2();
    let why = id.why();
    let at = p.anchor_span();
    let literal = |name: &str| p.attr(name).and_then(|n| n.as_str().map(|s| (n.span, s)));
    let ct_computed = p.attr("client_type").is_some_and(|n| n.as_str().is_none());
    let (ct_span, ct) = literal("client_type").unwrap_or((at, "confidential"));
    if !ct_computed && ct != cat.client_type.as_str() {
        let help = match cat.client_type {
            ClientType::Public => "write `client_type: public` and drop the client secret",
            ClientType::Confidential => {
                "write `client_type: confidential` and give the application the client secret"
            }
        };
        sink.push(
            &CLIENT_TYPE,
            ct_span,
            format!(
                "the integration needs a `{}` client, this provider is `{ct}` {why}",
                cat.client_type.as_str()
            ),
        )
        .help(help);
    }
    let sub_computed = p.attr("sub_mode").is_some_and(|n| n.as_str().is_none());
    let (sub_span, sub) = literal("sub_mode").unwrap_or((at, "hashed_user_id"));
    if !sub_computed && sub != cat.sub_mode.as_str() {
        sink.push(
            &SUBJECT_MODE,
            sub_span,
            format!(
                "the integration uses subject mode `{}`, this provider `{sub}` {why}",
                cat.sub_mode.as_str()
            ),
        )
        .help(format!("write `sub_mode: {}`", cat.sub_mode.as_str()));
    }
    let mappings = p.attr("property_mappings");
    let all_literal = mappings.and_then(|n| n.as_seq()).is_some_and(|s| {
        s.iter()
            .all(|n| n.custom_tag().is_some_and(|t| t.name == "!Find"))
    });
    if mappings.is_none() || all_literal {
        let missing: Vec<&str> = cat
            .scopes
            .iter()
            .map(String::as_str)
            .filter(|s| !has_scope(ctx.bp, p, s))
            .collect();
        if !missing.is_empty() {
            let span = mappings.map_or(at, |n| n.span);
            let finds = missing
                .iter()
                .map(|s| {
                    format!(
                        "`!Find [authentik_providers_oauth2.scopemapping, [managed, {}]]`",
                        catalog::scope_managed_name(s)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            sink.push(
                &SCOPES,
                span,
                format!("no scope mapping for {} {why}", missing.join(", ")),
            )
            .help(format!("add to property_mappings: {finds}"));
        }
    }
    if ctx.target.at_least(Target::new(2026, 5)) {
        if let Some(list) = p.attr("grant_types").and_then(|n| n.as_seq()) {
            let given: Vec<&str> = list.iter().filter_map(|n| n.as_str()).collect();
            if given.len() == list.len() && !given.is_empty() {
                let missing: Vec<&str> = cat
                    .grant_types
                    .iter()
                    .map(String::as_str)
                    .filter(|g| !given.contains(g))
                    .collect();
                if !missing.is_empty() {
                    let span: Span = p.attr("grant_types").map_or(at, |n| n.span);
                    sink.push(
                        &GRANT_TYPES,
                        span,
                        format!("`grant_types` lacks {} {why}", missing.join(", ")),
                    )
                    .help(format!(
                        "the integration needs grant_types: [{}]",
                        cat.grant_types.join(", ")
                    ));
                }
            }
        }
    }
}
