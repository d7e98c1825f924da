//! Catalog rules: find which catalog integration an application/provider pair is for,
//! then compare it with what the integration's guide needs.

use crate::blueprint::placeholder::Placeholders;
use crate::blueprint::{Blueprint, Entry, Tag};
use crate::catalog::{self, ClientType, Integration, MatchingMode, Method, Provider, ProviderType};
use crate::check::finding::{Case, Ctx, Edit, Fix, Rule, Severity, Sink};
use crate::check::rewrite::trimmed;
use crate::load::{Node, Scalar, Span};
use crate::target::Target;
use std::collections::HashMap;

const APPLICATION: &str = "authentik_core.application";

/// A provider entry matched to a catalog integration and one of its methods, and how it
/// was decided.
struct Identified<'d, 'e> {
    integration: &'static Integration,
    method: &'static Method,
    how: String,
    /// Named by the `akbp.dev/integration` label; otherwise inferred, and its findings are
    /// warnings at most: the user may follow another guide than the one akbp guessed.
    named: bool,
    provider: &'e Entry<'d>,
    application: Option<&'e Entry<'d>>,
}

impl Identified<'_, '_> {
    /// `(Gravitee, from the akbp.dev/integration label)` for messages.
    fn why(&self) -> String {
        format!("({}, {})", self.integration.name, self.how)
    }

    /// The catalog's OAuth2 provider; `identify` only pairs an OAuth2 entry with an
    /// OAuth2 method, so the empty fallback is never used for one.
    fn oauth2_uris(&self) -> &'static [catalog::RedirectUri] {
        self.method.provider.redirect_uris()
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

/// The host (lower case) and port of `origin`, the port from the scheme when none is
/// written (`http` 80, `https` 443).
fn endpoint_of(origin: &str) -> (String, Option<u16>) {
    let scheme = origin.split_once("://").map_or("", |(s, _)| s);
    let authority = origin.split_once("://").map_or(origin, |(_, h)| h);
    let port = authority
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok())
        .or(match scheme.to_ascii_lowercase().as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        });
    (host_of(origin).to_ascii_lowercase(), port)
}

fn provider_of_application<'e, 'd>(
    bp: &'e Blueprint<'d>,
    app: &Entry<'d>,
) -> Option<&'e Entry<'d>> {
    let id = Blueprint::key_of(app.attr("provider")?)?;
    bp.entry_by_id(id)
        .filter(|e| e.model_key().and_then(ProviderType::of_model).is_some())
}

/// What inference found.
enum Inferred {
    One(&'static Integration, String),
    /// Several entries fit equally well: the blueprint needs the label.
    Several(Vec<&'static str>, String),
    None,
}

/// The integration's method for a provider of type `kind`; among several (proxy and
/// forward auth), the one whose mode the entry states.
fn method_for(
    i: &'static Integration,
    kind: ProviderType,
    provider: &Entry,
) -> Option<&'static Method> {
    let mode = provider
        .attr("mode")
        .and_then(|n| n.as_str())
        .unwrap_or("proxy");
    let acs = provider.attr("acs_url").and_then(|n| n.as_str());
    let of_kind = || i.methods.iter().filter(move |m| m.provider.kind() == kind);
    if kind == ProviderType::Oauth2 && of_kind().count() > 1 {
        // A guide with variants (Home Assistant's two OIDC integrations, each with its own
        // callback): the method whose redirect paths the provider's URIs end with; the
        // guide's first on a tie.
        let actual = actual_uris(provider);
        let score = |m: &Method| {
            actual
                .iter()
                .filter(|a| {
                    let path = split_origin(a.url).map(|(_, p)| p).unwrap_or_default();
                    m.provider.redirect_uris().iter().any(|u| {
                        if catalog::is_loopback(&u.url) {
                            return a.url == u.url;
                        }
                        let want = catalog::template_path(&u.url).trim_end_matches('/');
                        !want.is_empty() && path.trim_end_matches('/').ends_with(want)
                    })
                })
                .count()
        };
        let best = of_kind().map(score).max().unwrap_or(0);
        return of_kind().find(|m| score(m) == best);
    }
    of_kind()
        .find(|m| match &m.provider {
            Provider::Proxy(p) => p.mode.as_str() == mode,
            // A SAML variant with fixed URLs (Omada's cloud controller, Skyhigh's web
            // gateway) is the one whose literal ACS URL the entry states; otherwise the
            // first SAML method, whose URLs follow the application's.
            Provider::Saml(p) => {
                of_kind().count() == 1
                    || (!p.acs_url.contains('{') && acs == Some(p.acs_url.as_str()))
            }
            _ => true,
        })
        .or_else(|| of_kind().next())
}

/// The integration's other methods of the same provider type (a guide's variants), with
/// the redirect URIs each expects at `base`: `; or the guide's variant `hass-openid`
/// (`https://hass.example.com/auth/openid/callback`)`, empty without variants.
fn other_variants(id: &Identified, base: &str) -> String {
    let kind = id.method.provider.kind();
    let others: Vec<String> = id
        .integration
        .methods
        .iter()
        .filter(|m| m.provider.kind() == kind && m.name != id.method.name)
        .map(|m| {
            let urls: Vec<String> = m
                .provider
                .redirect_uris()
                .iter()
                .map(|u| format!("`{}`", expected_url(base, &u.url, u.matching_mode)))
                .collect();
            format!("`{}` ({})", m.name, urls.join(", "))
        })
        .collect();
    if others.is_empty() {
        String::new()
    } else {
        format!(
            "; or the guide's other variant {} (the checks follow `{}`, the closest)",
            others.join(", "),
            id.method.name
        )
    }
}

fn identify<'e, 'd>(
    bp: &'e Blueprint<'d>,
    ambiguous: &mut Vec<(&'e Entry<'d>, Vec<&'static str>, String)>,
) -> Vec<Identified<'d, 'e>> {
    let label = bp.label(catalog::INTEGRATION_LABEL);
    let mut out = Vec::new();
    // The first application of each provider, found once: a file of thousands of
    // providers and applications walked every entry per provider (quadratic).
    let mut application_of: HashMap<usize, &'e Entry<'d>> = HashMap::new();
    for a in bp
        .entries
        .iter()
        .filter(|a| a.model_key() == Some(APPLICATION))
    {
        if let Some(p) = provider_of_application(bp, a) {
            application_of.entry(p.index).or_insert(a);
        }
    }
    for provider in &bp.entries {
        let Some(kind) = provider.model_key().and_then(ProviderType::of_model) else {
            continue;
        };
        let application = application_of.get(&provider.index).copied();
        let found = match label.and_then(catalog::find) {
            Some(i) => Some((
                i,
                format!("from the `{}` label", catalog::INTEGRATION_LABEL),
                true,
            )),
            None if label.is_some() => None,
            None => match infer(provider, kind, application) {
                Inferred::One(i, how) => Some((i, how, false)),
                Inferred::Several(slugs, how) => {
                    ambiguous.push((provider, slugs, how));
                    None
                }
                Inferred::None => None,
            },
        };
        if let Some((integration, how, named)) = found {
            if let Some(method) = method_for(integration, kind, provider) {
                out.push(Identified {
                    integration,
                    method,
                    how,
                    named,
                    provider,
                    application,
                });
            }
        }
    }
    out
}

/// Infer the integration from the application slug, the hosts, or a redirect or ACS
/// path; in that order of confidence. A path several entries share (`/oauth2/callback`)
/// identifies none of them: the caller reports the candidates. Only the catalog index is
/// read; the one entry found is parsed.
fn infer(provider: &Entry, kind: ProviderType, application: Option<&Entry>) -> Inferred {
    let slug = application
        .and_then(|a| a.field("slug"))
        .and_then(|n| n.as_str());
    if let Some(i) = slug
        .and_then(catalog::find_indexed)
        .filter(|i| i.offers(kind))
    {
        let how = match slug {
            Some(s) if s != i.slug => {
                format!("inferred from the application slug `{s}`, now `{}`", i.slug)
            }
            _ => format!("inferred from the application slug `{}`", i.slug),
        };
        return Inferred::One(i.integration(), how);
    }
    let actual = actual_uris(provider);
    let launch = application
        .and_then(|a| a.attr("meta_launch_url"))
        .and_then(|n| n.as_str());
    let own_urls: Vec<&str> = ["acs_url", "external_host"]
        .iter()
        .filter_map(|k| provider.attr(k).and_then(|n| n.as_str()))
        .collect();
    let hosts: Vec<String> = actual
        .iter()
        .map(|a| a.url)
        .chain(launch)
        .chain(own_urls.iter().copied())
        .filter_map(|u| split_origin(u).map(|(o, _)| host_of(&o).to_string()))
        .collect();
    // The first host of each first label, so each catalog entry is a few lookups, not a
    // pass over every host (a provider of 150,000 URIs against the whole catalog).
    let mut by_label: HashMap<&str, usize> = HashMap::new();
    for (at, h) in hosts.iter().enumerate() {
        if let Some(x) = h.split('.').next() {
            by_label.entry(x).or_insert(at);
        }
    }
    for i in catalog::index().iter().filter(|i| i.offers(kind)) {
        let first = std::iter::once(&i.slug)
            .chain(i.aliases)
            .filter_map(|n| by_label.get(*n).copied())
            .min();
        if let Some(h) = first.map(|at| &hosts[at]) {
            return Inferred::One(i.integration(), format!("inferred from the host `{h}`"));
        }
    }
    // Paths: OAuth2 redirect URIs and SAML ACS URLs.
    let mut paths: Vec<String> = actual
        .iter()
        .filter_map(|a| split_origin(a.url).map(|(_, p)| p))
        .collect();
    if let Some(acs) = provider.attr("acs_url").and_then(|n| n.as_str()) {
        paths.extend(split_origin(acs).map(|(_, p)| p));
    }
    if paths.is_empty() {
        return Inferred::None;
    }
    fn norm(p: &str) -> &str {
        p.trim_end_matches('/')
    }
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    for (at, p) in paths.iter().enumerate() {
        by_path.entry(norm(p)).or_insert(at);
    }
    let mut hits: Vec<(&'static catalog::IndexEntry, String)> = Vec::new();
    for i in catalog::index() {
        let first = i
            .paths(kind)
            .filter_map(|w| by_path.get(norm(w)).copied())
            .min();
        if let Some(p) = first.map(|at| &paths[at]) {
            hits.push((i, p.clone()));
        }
    }
    match hits.len() {
        0 => Inferred::None,
        // A single hit identifies the application only on a distinctive path (three
        // segments or more): `/oauth/callback` alone says little.
        1 if hits[0].1.trim_matches('/').split('/').count() < 3 => Inferred::None,
        1 => {
            let (i, p) = hits.remove(0);
            Inferred::One(
                i.integration(),
                format!("inferred from the redirect URI path `{p}`"),
            )
        }
        _ => Inferred::Several(
            hits.iter().map(|(i, _)| i.slug).collect(),
            hits[0].1.clone(),
        ),
    }
}

/// The application's base URL from its launch URL, minus the tail the catalog's launch
/// URL adds to `{app_url}` (SeaTable's `/sso/`, DokuWiki's
/// `/doku.php?id=start&oauthlogin=generic`, Proxmox's `:8006`).
fn launch_base(id: &Identified) -> Option<String> {
    let launch = id
        .application
        .and_then(|a| a.attr("meta_launch_url"))
        .and_then(|n| n.as_str())?;
    let tail = id
        .method
        .launch_url(id.integration)
        .strip_prefix("{app_url}")
        .unwrap_or("");
    let launch = match launch.strip_suffix(tail) {
        Some(base) if !tail.is_empty() => base,
        _ => launch,
    };
    let (origin, path) = split_origin(launch)?;
    Some(format!("{origin}{}", path.trim_end_matches('/')))
}

/// The application's base URL (origin and any sub-path, no trailing slash): from the
/// launch URL, else from a redirect URI that ends with one of the catalog's callback
/// paths, else the first redirect URI's origin.
fn base_url(id: &Identified) -> Option<String> {
    if let Some(base) = launch_base(id) {
        return Some(base);
    }
    let actual = actual_uris(id.provider);
    for a in &actual {
        let Some((origin, path)) = split_origin(a.url) else {
            continue;
        };
        for exp in id.oauth2_uris() {
            let tail = catalog::template_path(&exp.url).trim_end_matches('/');
            if let Some(prefix) = path.trim_end_matches('/').strip_suffix(tail) {
                return Some(format!("{origin}{prefix}"));
            }
        }
    }
    actual
        .iter()
        .filter(|a| !catalog::is_loopback(a.url))
        .find_map(|a| split_origin(a.url).map(|(o, _)| o))
}

fn expected_url(base: &str, template: &str, mode: MatchingMode) -> String {
    // A loopback URI (a command-line client's `http://localhost:53000`) is the same for
    // every installation.
    if catalog::is_loopback(template) {
        return template.to_string();
    }
    let path = catalog::template_path(template);
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
    doc: "## What it does\nFor an OAuth2 provider that akbp matches to a catalog integration (by the `akbp.dev/integration` label that `akbp generate` writes, else by the application slug, the host, or a distinctive callback path; the finding says which), compares its literal redirect URIs with the guide's: each expected URI must be present with its matching mode, and URIs the guide does not list are reported.\n\nThe same holds for every integration rule (AKB500-AKB510): only an integration named by the label is judged with errors; one inferred is judged with warnings at most, which say what was inferred (the user may follow another setup than the guide's), and `akbp.dev/integration: none` opts a blueprint out of the catalog checks.\n\n## Why\nThe application sends exactly one callback URL; a missing URI or a wrong path makes every login fail with `redirect_uri_no_match`, which authentik's importer never detects. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): authorize answers HTTP 400 \"Redirect URI Error: The request fails due to a missing, invalid, or mismatching redirection URI (redirect_uri)\" for a wrong path and for a URI missing while another is registered. Two cases log in all the same and are reported for what they open up: with no redirect URI at all authentik 2026.2 stores the first one a client sends (later releases match nothing instead: authentik #21746), and a `regex` URI matches its own URL unless the URL holds regex characters (Jellyseerr's `?` breaks it, Grafana's plain path does not), while matching far more than the application's callback.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: gravitee\n  labels: {akbp.dev/integration: gravitee}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: provider\n    identifiers: {name: gravitee}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://gravitee.example.com/user/login}\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: gravitee\n  labels: {akbp.dev/integration: gravitee}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: provider\n    identifiers: {name: gravitee}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://gravitee.example.com/user/login}\n        - {matching_mode: strict, url: https://gravitee.example.com/console/}\n```\n",
    stops_load: false,
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
    doc: "## What it does\nReports a redirect URI of a catalog integration that has a trailing slash the application does not send, or lacks one it does send. Only the catalog decides: trailing slashes are not a global rule.\n\n## Why\nStrict matching compares strings exactly: `https://app/console` never matches the `https://app/console/` that Gravitee sends. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): a slash removed (Gravitee's `/console/`) or added (Grafana's `/login/generic_oauth/`) makes authorize answer HTTP 400 \"Redirect URI Error\".\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: budibase\n  labels: {akbp.dev/integration: budibase}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: budibase}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://budibase.example.com/api/global/auth/oidc/callback}\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: budibase\n  labels: {akbp.dev/integration: budibase}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: budibase}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://budibase.example.com/api/global/auth/oidc/callback/}\n```\n\n## Fix\n**Unsafe** (`--unsafe-fixes`): adds or drops the one trailing `/` in place (quoting kept), when the URL ends with its path. authentik then compares a different URL, the one the catalog says the application sends.\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const CLIENT_TYPE: Rule = Rule {
    code: "AKB502",
    name: "integration-client-type",
    severity: Severity::Error,
    summary: "The provider's client type differs from the catalog's (e.g. NetBird must be public).",
    doc: "## What it does\nCompares `client_type` (default `confidential`) with the catalog integration's.\n\n## Why\nA browser app such as the NetBird dashboard cannot keep a secret and sends none: with a confidential client the token request fails. A server app configured as public loses client authentication. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): NetBird's provider made confidential, the token request with PKCE and no secret gets HTTP 400 `invalid_client` \"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)\".\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: netbird\n  labels: {akbp.dev/integration: netbird}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      client_type: confidential\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: netbird\n  labels: {akbp.dev/integration: netbird}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      client_type: public\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const SUBJECT_MODE: Rule = Rule {
    code: "AKB503",
    name: "integration-subject-mode",
    severity: Severity::Warning,
    summary: "The provider's subject mode (`sub_mode`) differs from the catalog's.",
    doc: "## What it does\nCompares `sub_mode` (default `hashed_user_id`) with the catalog integration's.\n\n## Why\nThe `sub` claim is how the application recognises a user; NetBird shows it as the user name, and changing it later orphans existing accounts. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): with `hashed_user_id` instead of NetBird's `user_username` the login completes, but `sub` is a 64-character hash instead of the user name.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: netbird\n  labels: {akbp.dev/integration: netbird}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      client_type: public\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: netbird\n  labels: {akbp.dev/integration: netbird}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: netbird}\n    attrs:\n      client_type: public\n      sub_mode: user_username\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const SCOPES: Rule = Rule {
    code: "AKB504",
    name: "integration-scopes",
    severity: Severity::Warning,
    summary: "A scope the integration requests has no scope mapping on the provider.",
    doc: "## What it does\nChecks that the provider's `property_mappings` include the managed scope mapping of every scope the catalog integration requests (`openid`, `email`, `profile`...), found with `!Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-<scope>]]`.\n\n## Why\nauthentik silently drops scopes without a mapping: the application gets no email or name claims. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): without the email mapping the login completes with no `email` claim; without the `openid` mapping the token response still holds an ID token, but userinfo answers HTTP 403 `insufficient_scope`.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: affine\n  labels: {akbp.dev/integration: affine}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: affine}\n    attrs:\n      property_mappings:\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-openid]]\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: affine\n  labels: {akbp.dev/integration: affine}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: affine}\n    attrs:\n      property_mappings:\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-openid]]\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-email]]\n        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-profile]]\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const GRANT_TYPES: Rule = Rule {
    code: "AKB505",
    name: "integration-grant-types",
    severity: Severity::Warning,
    summary: "On 2026.5+, the provider's `grant_types` lack a grant the catalog integration uses.",
    doc: "## What it does\nFrom authentik 2026.5, checks that the provider's literal `grant_types` include every grant the catalog integration needs (usually `authorization_code`).\n\n## Why\nFrom 2026.5 authentik refuses grants that are not listed (\"invalid grant_type\", authentik#20363), so the application's login flow fails. The 2026.2.2 lab cannot show the refusal, only that the rule is right to wait for 2026.5 (the lab, `tests/lab/logins-negative-2026.2.tsv`): there the field does not exist, and Grafana's provider with `grant_types: [client_credentials]` imports and logs in with the authorization code as before.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: pocketbase\n  labels: {akbp.dev/integration: pocketbase}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: pocketbase}\n    attrs:\n      grant_types: [client_credentials]\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: pocketbase\n  labels: {akbp.dev/integration: pocketbase}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: pocketbase}\n    attrs:\n      grant_types: [authorization_code]\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const HOST_MISMATCH: Rule = Rule {
    code: "AKB506",
    name: "integration-host-mismatch",
    severity: Severity::Warning,
    summary: "The launch URL and the redirect URIs name different hosts.",
    doc: "## What it does\nFor a catalog integration, compares the host of the application's `meta_launch_url` with the hosts of the provider's redirect URIs.\n\n## Why\nThe application redirects back to its own host; a redirect URI on another host (a copy-paste from another app, a staging host) never matches. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): Grafana's URI moved to a staging host makes authorize answer HTTP 400 \"Redirect URI Error\".\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: provider\n    identifiers: {name: affine}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://docs.example.com/oauth/callback}\n  - model: authentik_core.application\n    identifiers: {slug: affine}\n    attrs: {name: AFFiNE, provider: !KeyOf provider, meta_launch_url: https://affine.example.com}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    id: provider\n    identifiers: {name: affine}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://affine.example.com/oauth/callback}\n  - model: authentik_core.application\n    identifiers: {slug: affine}\n    attrs: {name: AFFiNE, provider: !KeyOf provider, meta_launch_url: https://affine.example.com}\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

/// The grants the catalog integration of each OAuth2 provider entry needs (by entry
/// index), when the blueprint's label or inference names one (the same identification as
/// the checks). Computed once per blueprint: asked per provider, the identification of
/// every provider made a file of thousands of providers quadratic (1 MiB took 40 s).
pub fn catalog_grant_types(bp: &Blueprint) -> HashMap<usize, (&'static str, Vec<String>)> {
    let mut out = HashMap::new();
    for id in identify(bp, &mut Vec::new()) {
        if let Provider::Oauth2(p) = &id.method.provider {
            if !p.grant_types.is_empty() {
                out.insert(
                    id.provider.index,
                    (id.integration.name.as_str(), p.grant_types.clone()),
                );
            }
        }
    }
    out
}

fn check_integration(ctx: &Ctx, sink: &mut Sink) {
    let label = ctx.bp.label(catalog::INTEGRATION_LABEL);
    // `akbp.dev/integration: none` opts the blueprint out of every catalog check.
    if label == Some(catalog::NO_INTEGRATION) {
        return;
    }
    if let Some(label) = label {
        if catalog::find_indexed(label).is_none() {
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
    let mut ambiguous = Vec::new();
    for id in identify(ctx.bp, &mut ambiguous) {
        // A guess is never an error: a Sonarr provider in `forward_single` mode or a Home
        // Assistant provider for the other OIDC plugin works, it just follows another guide.
        let ceiling = sink.ceiling((!id.named).then_some(Severity::Warning));
        match &id.method.provider {
            Provider::Oauth2(p) => {
                check_redirects(&id, &ctx.doc.source.text, &ctx.options.placeholders, sink);
                check_provider_settings(ctx, &id, p, sink);
            }
            Provider::Saml(p) => check_saml(&id, p, sink),
            Provider::Proxy(p) => check_proxy(&id, p, sink),
            Provider::Ldap(p) => check_ldap(&id, p, sink),
        }
        sink.ceiling(ceiling);
    }
    for (provider, slugs, path) in ambiguous {
        let shown = if slugs.len() > 6 {
            format!("{}, and {} more", slugs[..6].join(", "), slugs.len() - 6)
        } else {
            slugs.join(", ")
        };
        sink.push(
            &AMBIGUOUS,
            provider.anchor_span(),
            format!(
                "the path `{path}` fits several catalog integrations ({shown}); integration checks are skipped"
            ),
        )
        .help(format!(
            "name the integration with the metadata label `{}: <slug>`",
            catalog::INTEGRATION_LABEL
        ));
    }
}

/// Add or drop the one trailing `/` of a redirect URI, in place (plain or quoted, the
/// slash needs no escaping), when the URL ends with its path (no query or fragment).
/// Unsafe: authentik then compares a different URL.
fn slash_fix(src: &str, a: &Actual, add: bool) -> Option<Fix> {
    let (_, path) = split_origin(a.url)?;
    if !a.url.ends_with(&path) {
        return None;
    }
    let span = trimmed(src, a.url_node.span);
    let text = src.get(span.range())?;
    let quoted = text.starts_with(['\'', '"']);
    let end = span.end as usize - usize::from(quoted);
    let edit = if add {
        Edit::insert(end, "/")
    } else {
        if src.get(end - 1..end)? != "/" {
            return None;
        }
        Edit::delete(Span::new(end - 1, end))
    };
    let title = if add {
        "add the trailing slash the catalog integration's URI has"
    } else {
        "drop the trailing slash the catalog integration's URI lacks"
    };
    Some(Fix::unsafe_(title, vec![edit]))
}

fn check_redirects(id: &Identified, src: &str, placeholders: &Placeholders, sink: &mut Sink) {
    let Some(list) = id
        .provider
        .attr("redirect_uris")
        .filter(|n| n.as_seq().is_some())
    else {
        return;
    };
    // A URI built from a `--param` value (Keycloak's realm) is the user's; the catalog
    // cannot say what it should be.
    if id
        .oauth2_uris()
        .iter()
        .any(|u| catalog::template::has_params(&u.url))
    {
        return;
    }
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
    for exp in id.oauth2_uris() {
        let want = expected_url(&base, &exp.url, exp.matching_mode);
        let want_mode = exp.matching_mode.as_str();
        let free = |m: &Vec<bool>, i: usize| !m[i];
        if catalog::is_loopback(&exp.url) {
            // Compared whole: its host is the user's machine, not the application's.
            if let Some(i) = (0..actual.len()).find(|&i| {
                free(&matched, i) && actual[i].url == want && actual[i].mode == Some(want_mode)
            }) {
                matched[i] = true;
            } else {
                sink.push(
                    &REDIRECT_URIS,
                    list.span,
                    format!("missing redirect URI `{want}` ({want_mode}) {why}"),
                )
                .help(format!(
                    "add `- matching_mode: {want_mode}` / `url: {want}` (the application's local client listens there){}",
                    other_variants(id, &base)
                ));
            }
            continue;
        }
        let want_path = format!("{base_path}{}", catalog::template_path(&exp.url));
        let want_path = want_path.as_str();
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
            let f = sink.push(&TRAILING_SLASH, actual[i].url_node.span, msg);
            f.help(format!("write exactly `{want}`"));
            if let Some(fix) = slash_fix(src, &actual[i], want_path.ends_with('/')) {
                f.fix(fix);
            }
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
            "add `- matching_mode: {want_mode}` / `url: {want}`{}",
            other_variants(id, &base)
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
            .oauth2_uris()
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
        .help(format!(
            "the guide registers: {}{}",
            expected.join(", "),
            other_variants(id, &base)
        ));
    }
    // Hosts: launch URL vs redirect URIs.
    let launch = id.application.and_then(|a| a.attr("meta_launch_url"));
    if let Some((launch_node, (launch_origin, _))) =
        launch.and_then(|n| Some((n, split_origin(n.as_str()?)?)))
    {
        for a in actual.iter().filter(|a| !catalog::is_loopback(a.url)) {
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

fn check_provider_settings(
    ctx: &Ctx,
    id: &Identified,
    cat: &catalog::OAuth2Provider,
    sink: &mut Sink,
) {
    let p = id.provider;
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
            // A managed mapping the target release does not ship (Application
            // Entitlements before 2024.12) cannot be asked for: `generate` leaves it out.
            .filter(|s| {
                crate::model::knowledge().is_default_object(
                    "authentik_providers_oauth2.scopemapping",
                    &[("managed", &catalog::scope_managed_name(s))],
                    ctx.target,
                )
            })
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

pub const AMBIGUOUS: Rule = Rule {
    code: "AKB507",
    name: "integration-ambiguous",
    // Info: nothing is wrong with the blueprint; akbp only needs to be told which
    // application it is for.
    severity: Severity::Info,
    summary: "Several catalog integrations fit the provider (a shared callback path): name one with the `akbp.dev/integration` label.",
    doc: "## What it does\nWhen a provider has no `akbp.dev/integration` label and no application slug or host names a catalog integration, akbp infers it from the redirect URI or ACS path. When that path belongs to several integrations (several applications use `/oauth/callback` or `/oauth2/callback`), akbp does not guess: it reports the candidates and skips the integration checks.\n\n## Why\nTaking the first match would check the blueprint against the wrong application's guide and report wrong redirect URIs, scopes or client types.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: my-app\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: my-app}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://my-app.example.com/oauth/callback}\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: my-app\n  labels: {akbp.dev/integration: affine}\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: my-app}\n    attrs:\n      redirect_uris:\n        - {matching_mode: strict, url: https://my-app.example.com/oauth/callback}\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const SAML_SETTINGS: Rule = Rule {
    code: "AKB508",
    name: "integration-saml",
    severity: Severity::Error,
    summary: "A SAML provider differs from what the catalog integration needs: ACS URL, audience, binding, signing, NameID mapping, or an issuer set to the audience.",
    doc: "## What it does\nFor a SAML provider that akbp matches to a catalog integration, compares the literal `acs_url` path (exactly, trailing slash included), `audience` (the SP entity ID, exactly), `sp_binding` (default `redirect`), `sign_assertion` (default on) and `sign_response` (default off) where the SP needs them, the signing key pair, and the NameID property mapping with the guide's. It also reports an `issuer` equal to the audience: the issuer is authentik's entity ID, never the SP's.\n\n## Why\nThe SP rejects a response posted to another ACS URL, for another audience, unsigned where it expects a signature, or naming the user by another attribute; none of this shows until a user logs in. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): authentik itself refuses an AuthnRequest whose ACS URL differs from the provider's, a trailing slash included (HTTP 400 \"ACS URL of https://kimai.company/auth/saml/acs doesn't match Provider ACS URL of https://kimai.company/auth/saml/acs/.\"), and answers the SP's HTTP-POST request with 405 when the provider's binding is `redirect`; with another audience, a signed response instead of the signed assertion, no NameID mapping (a hashed ID instead of the email) or the SP's entity ID as issuer, authentik sends a response the SP refuses.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: kimai\n  labels: {akbp.dev/integration: kimai}\nentries:\n  - model: authentik_providers_saml.samlprovider\n    identifiers: {name: kimai}\n    attrs:\n      acs_url: https://kimai.example.com/auth/saml/acs/\n      audience: ''\n      sp_binding: redirect\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: kimai\n  labels: {akbp.dev/integration: kimai}\nentries:\n  - model: authentik_providers_saml.samlprovider\n    identifiers: {name: kimai}\n    attrs:\n      acs_url: https://kimai.example.com/auth/saml/acs\n      audience: https://kimai.example.com/\n      sp_binding: post\n      signing_kp: !Find [authentik_crypto.certificatekeypair, [name, authentik Self-signed Certificate]]\n      name_id_mapping: !Find [authentik_providers_saml.samlpropertymapping, [managed, goauthentik.io/providers/saml/email]]\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const PROXY_SETTINGS: Rule = Rule {
    code: "AKB509",
    name: "integration-proxy",
    severity: Severity::Error,
    summary: "A proxy provider differs from what the catalog integration needs: mode, unauthenticated paths, HTTP basic credentials, or an internal host equal to the external one.",
    doc: "## What it does\nFor a proxy provider that akbp matches to a catalog integration, compares `mode` (default `proxy`) with the guide's, checks that every unauthenticated path the guide lists is in `skip_path_regex`, that HTTP basic credentials are sent where the application needs them, and that in proxy mode `internal_host` is not `external_host` itself (the same host and port; another port on the same name is another service).\n\n## Why\nA forward-auth application behind a provider in proxy mode gets no requests; a missing unauthenticated path breaks the application's API clients or health checks; an internal host equal to the external one sends the outpost's requests back to itself. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): the outpost API (`/api/v3/outposts/proxy/`) hands the outpost exactly the mode, paths and HTTP basic setting the blueprint says, so each of these mistakes reaches the outpost unchanged.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: sonarr\n  labels: {akbp.dev/integration: sonarr}\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    identifiers: {name: sonarr}\n    attrs:\n      external_host: https://sonarr.example.com\n      internal_host: https://sonarr.example.com\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: sonarr\n  labels: {akbp.dev/integration: sonarr}\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    identifiers: {name: sonarr}\n    attrs:\n      mode: proxy\n      external_host: https://sonarr.example.com\n      internal_host: http://sonarr:8989\n      basic_auth_enabled: true\n      basic_auth_user_attribute: sonarr_user\n      basic_auth_password_attribute: sonarr_password\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const LDAP_SETTINGS: Rule = Rule {
    code: "AKB510",
    name: "integration-ldap",
    severity: Severity::Warning,
    summary: "An LDAP provider differs from the catalog integration's bind mode, search mode or MFA support.",
    doc: "## What it does\nFor an LDAP provider that akbp matches to a catalog integration, compares `bind_mode` and `search_mode` (both default `direct`) and `mfa_support` (default on) with the guide's.\n\n## Why\nThe guide's modes decide where binds and searches are answered: cached modes answer from the outpost's memory and miss recent changes, direct modes ask authentik each time. An application that sends a plain password cannot append a TOTP code, so turning MFA support on or off changes who can bind. Observed on authentik 2026.2.2 (the lab, `tests/lab/logins-negative-2026.2.tsv`): with Jellyfin's provider at `mfa_support: false`, a user with a TOTP authenticator who binds with her password, `;` and her code is refused by the bind flow (\"Invalid password\" at the password stage: the outpost splits off the code only with MFA support, internal/outpost/flow/executor.go), while the same flow takes her password and code answered separately, which is what the outpost sends with MFA support on. `bind_mode: cached` reaches the outpost unchanged (`/api/v3/outposts/ldap/` hands it `cached`); what the cache then answers is the outpost's, which the lab does not run.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  name: thelounge\n  labels: {akbp.dev/integration: thelounge}\nentries:\n  - model: authentik_providers_ldap.ldapprovider\n    identifiers: {name: thelounge}\n    attrs:\n      base_dn: dc=ldap,dc=goauthentik,dc=io\n      bind_mode: cached\n      mfa_support: false\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: thelounge\n  labels: {akbp.dev/integration: thelounge}\nentries:\n  - model: authentik_providers_ldap.ldapprovider\n    identifiers: {name: thelounge}\n    attrs:\n      base_dn: dc=ldap,dc=goauthentik,dc=io\n      bind_mode: direct\n      search_mode: direct\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

/// A literal string attribute, or `None` when it is absent or computed (`!Env`...).
fn literal_str<'d>(e: &Entry<'d>, name: &str) -> Option<(Span, &'d str)> {
    e.attr(name).and_then(|n| n.as_str().map(|s| (n.span, s)))
}

/// A boolean attribute: `Some(value)` when literal or absent (the default), `None`
/// when computed.
fn literal_bool(e: &Entry, name: &str, default: bool) -> Option<(Option<Span>, bool)> {
    match e.attr(name) {
        None => Some((None, default)),
        Some(n) => match n.scalar_value() {
            Some(Scalar::Bool(b)) => Some((Some(n.span), b)),
            _ => None,
        },
    }
}

/// Whether the attribute is missing or null.
fn unset(e: &Entry, name: &str) -> bool {
    e.attr(name).is_none_or(|n| n.is_null())
}

/// The base URL of a SAML or proxy application: the launch URL, else the origin of
/// the given attribute.
fn app_base(id: &Identified, attr: &str) -> Option<String> {
    if let Some(base) = launch_base(id) {
        return Some(base);
    }
    literal_str(id.provider, attr).and_then(|(_, u)| split_origin(u).map(|(o, _)| o))
}

/// A catalog template that only depends on the application's URL, rendered for `base`.
fn render_app(template: &str, base: &str) -> Option<String> {
    let t = catalog::Template::parse(template).ok()?;
    let only_app = [
        catalog::template::Var::AuthentikUrl,
        catalog::template::Var::Slug,
    ]
    .iter()
    .all(|v| !t.uses(*v))
        // `{param:org}`: a value of the user's application, unknown here.
        && !t.has_params();
    only_app.then(|| {
        t.render(&catalog::Vars {
            app_url: Some(base.to_string()),
            ..catalog::Vars::default()
        })
    })
}

fn check_saml(id: &Identified, cat: &catalog::SamlProvider, sink: &mut Sink) {
    let p = id.provider;
    let why = id.why();
    let at = p.anchor_span();
    let base = app_base(id, "acs_url");
    if let (Some((span, acs)), Some(base)) = (literal_str(p, "acs_url"), &base) {
        let path = split_origin(acs).map(|(_, p)| p).unwrap_or_default();
        let want = catalog::template_path(&cat.acs_url);
        let base_path = split_origin(base).map(|(_, p)| p).unwrap_or_default();
        let want_path = format!("{base_path}{want}");
        if cat.acs_url.starts_with("{app_url}")
            && !catalog::template::has_params(&cat.acs_url)
            && path != want_path
            // The whole URL too: GlobalProtect's `:443` is not in the path.
            && acs != format!("{base}{want}")
        {
            let msg = if path.trim_end_matches('/') == want_path.trim_end_matches('/') {
                format!("the ACS URL differs from the application's only by a trailing slash {why}")
            } else {
                format!("the ACS URL path `{path}` is not the application's `{want_path}` {why}")
            };
            sink.push(&SAML_SETTINGS, span, msg).help(format!(
                "write exactly `{}`",
                expected_url(base, &cat.acs_url, MatchingMode::Strict)
            ));
        }
    }
    let audience = literal_str(p, "audience");
    let computed = p.attr("audience").is_some_and(|n| n.as_str().is_none());
    match audience {
        // An empty catalog audience: the guide sets none and authentik then adds no
        // audience restriction (`SAMLProvider.audience`, blank=True, 2026.2).
        None | Some((_, "")) if !computed && !cat.audience.is_empty() => {
            let span = audience.map_or(at, |(s, _)| s);
            let want = base
                .as_deref()
                .and_then(|b| render_app(&cat.audience, b))
                .unwrap_or_else(|| cat.audience.clone());
            sink.push(
                &SAML_SETTINGS,
                span,
                format!(
                    "the audience is empty; the application checks it against its entity ID {why}"
                ),
            )
            .help(format!("write `audience: {want}`"));
        }
        Some((span, a)) => {
            if let Some(want) = base.as_deref().and_then(|b| render_app(&cat.audience, b)) {
                if a != want {
                    sink.push(
                        &SAML_SETTINGS,
                        span,
                        format!(
                            "the audience `{a}` is not the application's entity ID `{want}` {why}"
                        ),
                    )
                    .help(format!(
                        "write exactly `audience: {want}` (trailing slash and port included)"
                    ));
                }
            }
            let issuer = literal_str(p, "issuer").or_else(|| literal_str(p, "issuer_override"));
            if let (Some((ispan, iss)), None) = (issuer, &cat.issuer) {
                if iss == a {
                    sink.push(
                        &SAML_SETTINGS,
                        ispan,
                        format!("the issuer is set to the audience: the issuer is authentik's entity ID, not the application's {why}"),
                    )
                    .secondary(span, "audience")
                    .help("remove `issuer` to keep authentik's default");
                }
            }
        }
        None => {}
    }
    if let Some((span, b)) = literal_str(p, "sp_binding").or(Some((at, "redirect"))) {
        if p.attr("sp_binding").is_none_or(|n| n.as_str().is_some()) && b != cat.sp_binding.as_str()
        {
            sink.push(
                &SAML_SETTINGS,
                span,
                format!(
                    "the application expects the `{}` binding, this provider uses `{b}` {why}",
                    cat.sp_binding.as_str()
                ),
            )
            .help(format!("write `sp_binding: {}`", cat.sp_binding.as_str()));
        }
    }
    for (attr, default, want) in [
        ("sign_assertion", true, cat.sign_assertion),
        ("sign_response", false, cat.sign_response),
    ] {
        if let Some((span, false)) = literal_bool(p, attr, default) {
            if want {
                sink.push(
                    &SAML_SETTINGS,
                    span.unwrap_or(at),
                    format!("the application requires `{attr}`, this provider does not sign {why}"),
                )
                .help(format!("write `{attr}: true`"));
            }
        }
    }
    if cat.signing_key && unset(p, "signing_kp") {
        sink.push(
            &SAML_SETTINGS,
            at,
            format!("no signing key pair: the application verifies authentik's signature {why}"),
        )
        .help("add `signing_kp: !Find [authentik_crypto.certificatekeypair, [name, authentik Self-signed Certificate]]`");
    }
    if let Some(m) = &cat.name_id_mapping {
        if unset(p, "name_id_mapping") {
            sink.push(
                &SAML_SETTINGS,
                at,
                format!("no NameID property mapping: the application identifies users by `{m}` {why}"),
            )
            .help(format!(
                "add `name_id_mapping: !Find [authentik_providers_saml.samlpropertymapping, [managed, {m}]]`"
            ));
        }
    }
}

fn check_proxy(id: &Identified, cat: &catalog::ProxyProvider, sink: &mut Sink) {
    let p = id.provider;
    let why = id.why();
    let at = p.anchor_span();
    let mode_computed = p.attr("mode").is_some_and(|n| n.as_str().is_none());
    let (mode_span, mode) = literal_str(p, "mode").unwrap_or((at, "proxy"));
    if !mode_computed && mode != cat.mode.as_str() {
        sink.push(
            &PROXY_SETTINGS,
            mode_span,
            format!(
                "the guide sets mode `{}`, this provider `{mode}` {why}",
                cat.mode.as_str()
            ),
        )
        .help(format!("write `mode: {}`", cat.mode.as_str()));
    }
    if mode == "proxy" {
        if let (Some((span, internal)), Some((_, external))) = (
            literal_str(p, "internal_host"),
            literal_str(p, "external_host"),
        ) {
            // The same host and port: the outpost would reach itself. Another port on the
            // same name (the guide's `http://localhost:8080` behind `https://localhost`) is
            // another service.
            let endpoint = |u: &str| split_origin(u).map(|(o, _)| endpoint_of(&o));
            if endpoint(internal).is_some() && endpoint(internal) == endpoint(external) {
                sink.push(
                    &PROXY_SETTINGS,
                    span,
                    format!("the internal host is the external host: the outpost would send requests back to itself {why}"),
                )
                .help("give the address the outpost reaches the application at, e.g. http://app:8080");
            }
        }
    }
    if !cat.skip_path_regex.is_empty() {
        let computed = p
            .attr("skip_path_regex")
            .is_some_and(|n| n.as_str().is_none());
        let (span, given) = literal_str(p, "skip_path_regex").unwrap_or((at, ""));
        let lines: Vec<&str> = given.lines().map(str::trim).collect();
        let missing: Vec<&str> = cat
            .skip_path_regex
            .iter()
            .map(String::as_str)
            .filter(|w| !lines.contains(w))
            .collect();
        if !computed && !missing.is_empty() {
            sink.push(
                &PROXY_SETTINGS,
                span,
                format!(
                    "unauthenticated paths the application needs are missing: {} {why}",
                    missing.join(", ")
                ),
            )
            .help(format!(
                "skip_path_regex holds one regex per line: {}",
                cat.skip_path_regex.join(" / ")
            ));
        }
    }
    if let Some(b) = &cat.basic_auth {
        let on = literal_bool(p, "basic_auth_enabled", false);
        if let Some((span, false)) = on {
            sink.push(
                &PROXY_SETTINGS,
                span.unwrap_or(at),
                format!(
                    "the application logs users in with HTTP basic credentials from `{}` / `{}`, which this provider does not send {why}",
                    b.user_attribute, b.password_attribute
                ),
            )
            .help(format!(
                "write `basic_auth_enabled: true`, `basic_auth_user_attribute: {}`, `basic_auth_password_attribute: {}`",
                b.user_attribute, b.password_attribute
            ));
        }
    }
}

fn check_ldap(id: &Identified, cat: &catalog::LdapProvider, sink: &mut Sink) {
    let p = id.provider;
    let why = id.why();
    let at = p.anchor_span();
    for (attr, want) in [
        ("bind_mode", cat.bind_mode.as_str()),
        ("search_mode", cat.search_mode.as_str()),
    ] {
        if p.attr(attr).is_some_and(|n| n.as_str().is_none()) {
            continue;
        }
        let (span, given) = literal_str(p, attr).unwrap_or((at, "direct"));
        if given != want {
            sink.push(
                &LDAP_SETTINGS,
                span,
                format!("the guide uses {attr} `{want}`, this provider `{given}` {why}"),
            )
            .help(format!("write `{attr}: {want}`"));
        }
    }
    if let Some((span, given)) = literal_bool(p, "mfa_support", true) {
        if given != cat.mfa_support {
            let msg = if cat.mfa_support {
                format!("the guide keeps MFA support on for binds {why}")
            } else {
                format!("the application binds with a plain password and cannot append an MFA code; the guide turns MFA support off {why}")
            };
            sink.push(&LDAP_SETTINGS, span.unwrap_or(at), msg)
                .help(format!("write `mfa_support: {}`", cat.mfa_support));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::endpoint_of;

    #[test]
    fn an_endpoint_is_host_and_port() {
        assert_eq!(
            endpoint_of("https://App.example"),
            ("app.example".into(), Some(443))
        );
        assert_eq!(
            endpoint_of("http://app.example"),
            ("app.example".into(), Some(80))
        );
        assert_eq!(
            endpoint_of("https://app.example:443"),
            endpoint_of("https://app.example")
        );
        // The property test's find: IIS's guide host behind https://localhost is no loop.
        assert_ne!(
            endpoint_of("http://localhost:8080"),
            endpoint_of("https://localhost")
        );
    }
}
