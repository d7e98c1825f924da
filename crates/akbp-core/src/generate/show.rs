//! `akbp show`: what to enter on the application's side, with the real hosts, slug
//! and client id filled in. Unset URLs show the guide's placeholder hosts.

use serde::Serialize;

use super::provider::{has_grant_types, has_redirect_uri_type, saml_issuer_field};
use super::resolve::{
    find_integration, find_method, outpost_step, resolve, GenerateError, Naming, Resolved,
    SecretMode,
};
use crate::catalog::{template, Provider, ProxyMode, RedirectUriType};
use crate::target::Target;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShowFormat {
    #[default]
    Text,
    Markdown,
    Json,
}

/// `show` takes the options of `generate` that change what the blueprint configures, so
/// that it prints exactly what the file of the same options holds.
#[derive(Debug, Clone)]
pub struct ShowOptions {
    /// The same naming options as `generate` (`--name` is accepted and shown).
    pub naming: Naming,
    /// `--method`; `None` is the guide's first.
    pub method: Option<String>,
    pub format: ShowFormat,
    /// `--target`: the release the blueprint is for (grant types, redirect URI types,
    /// the name of the SAML issuer field, fields a release lacks).
    pub target: Target,
    /// `--secret`: where the application finds the client secret.
    pub secret: SecretMode,
}

impl Default for ShowOptions {
    fn default() -> Self {
        ShowOptions {
            naming: Naming::default(),
            method: None,
            format: ShowFormat::default(),
            target: Target::LATEST,
            secret: SecretMode::default(),
        }
    }
}

#[derive(Serialize)]
struct View {
    integration: String,
    /// The method shown, and every method the integration offers.
    method: String,
    methods: Vec<String>,
    provider_type: &'static str,
    name: String,
    slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_type: Option<&'static str>,
    location: String,
    settings: Vec<Setting>,
    /// The values only the application knows, which `generate` takes as `--param`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    params: Vec<ParamView>,
    /// The release the blueprint is for.
    target: String,
    /// The variable the blueprint reads the client secret (OAuth2) or the service
    /// account's password (LDAP) from (`!Env`), which authentik's server and worker
    /// both need.
    secret_env: Option<String>,
    /// Where the client secret is (`env`, `random`, `omit`), for a confidential client.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'static str>,
    /// The grant types the provider allows, where the target has the field (2026.5+).
    #[serde(skip_serializing_if = "Option::is_none")]
    grant_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    openid_configuration: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    redirect_uris: Vec<Uri>,
    /// What the provider in authentik holds, by its field labels (SAML, proxy, LDAP).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authentik_side: Vec<Fact>,
    /// The reverse-proxy configuration from the guide, with the real hosts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reverse_proxy: Vec<Snippet>,
    /// Proxy and LDAP: the outpost step `generate` leaves to the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    outpost: Option<String>,
    guide: String,
}

#[derive(Serialize)]
struct Setting {
    field: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
struct ParamView {
    name: String,
    /// The `--param` value given, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    description: String,
    example: String,
    /// The application shows the value only once its side is set up.
    shown_by_app: bool,
}

#[derive(Serialize)]
struct Uri {
    matching_mode: &'static str,
    redirect_uri_type: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Fact {
    field: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Snippet {
    server: String,
    snippet: String,
}

/// Render the application-side settings of catalog integration `slug`.
pub fn render(slug: &str, opts: &ShowOptions) -> Result<String, GenerateError> {
    let integration = find_integration(slug)?;
    let method = find_method(integration, opts.method.as_deref())?;
    // A former slug keeps naming the application, as in `generate`.
    let naming = match integration.aliases.iter().find(|a| *a == slug) {
        Some(a) if opts.naming.slug.is_none() => Naming {
            slug: Some(a.clone()),
            ..opts.naming.clone()
        },
        _ => opts.naming.clone(),
    };
    let r = resolve(integration, method, &naming, None, true)?;
    let view = view(&r, opts.target, opts.secret);
    Ok(match opts.format {
        ShowFormat::Json => {
            let mut s = serde_json::to_string_pretty(&view).unwrap_or_default();
            s.push('\n');
            s
        }
        ShowFormat::Text => text(&view),
        ShowFormat::Markdown => markdown(&view),
    })
}

/// The guide's snippet with its placeholder hosts replaced by the real ones.
fn replace_hosts(snippet: &str, r: &Resolved) -> String {
    let i = r.integration;
    let host = |url: &str| {
        url.split_once("://")
            .map_or(url, |(_, h)| h)
            .split('/')
            .next()
            .unwrap_or("")
            .to_string()
    };
    snippet
        .replace(&i.placeholder_app_url(), &r.app_url)
        .replace(&i.placeholder_authentik_url(), &r.authentik_url)
        .replace(&i.guide.placeholder_host, &host(&r.app_url))
        .replace(&i.guide.authentik_placeholder_host, &host(&r.authentik_url))
}

/// The headers the proxy outpost answers a forward-auth request with (authentik's forward
/// auth documentation, "Caddy" and "Traefik": the same twelve).
const AUTHENTIK_HEADERS: [&str; 12] = [
    "X-Authentik-Username",
    "X-Authentik-Groups",
    "X-Authentik-Entitlements",
    "X-Authentik-Email",
    "X-Authentik-Name",
    "X-Authentik-Uid",
    "X-Authentik-Jwt",
    "X-Authentik-Meta-Jwks",
    "X-Authentik-Meta-Outpost",
    "X-Authentik-Meta-Provider",
    "X-Authentik-Meta-App",
    "X-Authentik-Meta-Version",
];

/// The reverse-proxy configuration for a forward-auth provider (single application or
/// domain level), for nginx, Traefik and Caddy, with the endpoints authentik's
/// documentation gives (docs.goauthentik.io, providers/proxy/server_nginx,
/// server_traefik, server_caddy): the outpost answers `/outpost.goauthentik.io/auth/nginx`
/// (`.../traefik`, `.../caddy`), sign-in starts at `/outpost.goauthentik.io/start?rd=`,
/// and everything under `/outpost.goauthentik.io/` goes to the outpost. The outpost here
/// is authentik's embedded one, at authentik's URL; the application's upstream is
/// `--internal-url`, else a placeholder to replace.
fn forward_auth_snippets(r: &Resolved) -> Vec<Snippet> {
    let host = r
        .app_url
        .split_once("://")
        .map_or(r.app_url.as_str(), |(_, h)| h)
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let ak = &r.authentik_url;
    let upstream = r
        .internal_url
        .clone()
        .unwrap_or_else(|| format!("http://UPSTREAM-OF-{}:PORT", r.slug.to_ascii_uppercase()));
    let nginx_headers: String = ["username", "groups", "entitlements", "email", "name", "uid"]
        .iter()
        .map(|h| {
            format!(
                "        auth_request_set $authentik_{h} $upstream_http_x_authentik_{h};\n        proxy_set_header X-authentik-{h} $authentik_{h};\n"
            )
        })
        .collect();
    let nginx = format!(
        "server {{\n    listen 443 ssl;\n    server_name {host};\n    # your TLS settings\n\n    location / {{\n        proxy_pass {upstream};\n        auth_request /outpost.goauthentik.io/auth/nginx;\n        error_page 401 = @goauthentik_proxy_signin;\n        auth_request_set $auth_cookie $upstream_http_set_cookie;\n        add_header Set-Cookie $auth_cookie;\n{nginx_headers}    }}\n\n    # authentik's embedded outpost answers under authentik's own URL.\n    location /outpost.goauthentik.io {{\n        proxy_pass {ak}/outpost.goauthentik.io;\n        proxy_ssl_server_name on;\n        proxy_set_header X-Original-URL $scheme://$http_host$request_uri;\n        add_header Set-Cookie $auth_cookie;\n        auth_request_set $auth_cookie $upstream_http_set_cookie;\n        proxy_pass_request_body off;\n        proxy_set_header Content-Length \"\";\n    }}\n\n    location @goauthentik_proxy_signin {{\n        internal;\n        add_header Set-Cookie $auth_cookie;\n        return 302 /outpost.goauthentik.io/start?rd=$scheme://$http_host$request_uri;\n    }}\n}}\n"
    );
    let traefik_headers: String = AUTHENTIK_HEADERS
        .iter()
        .map(|h| format!("          - {h}\n"))
        .collect();
    let slug = &r.slug;
    let traefik = format!(
        "# dynamic configuration (file provider)\nhttp:\n  middlewares:\n    authentik:\n      forwardAuth:\n        address: {ak}/outpost.goauthentik.io/auth/traefik\n        trustForwardHeader: true\n        authResponseHeaders:\n{traefik_headers}  routers:\n    {slug}:\n      rule: Host(`{host}`)\n      middlewares: [authentik]\n      service: {slug}\n    {slug}-outpost:\n      rule: Host(`{host}`) && PathPrefix(`/outpost.goauthentik.io/`)\n      priority: 15\n      service: authentik-outpost\n  services:\n    {slug}:\n      loadBalancer:\n        servers:\n          - url: {upstream}\n    authentik-outpost:\n      loadBalancer:\n        servers:\n          - url: {ak}\n"
    );
    // Caddy sends the site's own Host upstream; authentik's URL over https wants its own.
    let host_up = if ak.starts_with("https://") {
        " {\n            header_up Host {upstream_hostport}\n        }"
    } else {
        ""
    };
    let caddy = format!(
        "{host} {{\n    route {{\n        reverse_proxy /outpost.goauthentik.io/* {ak}{host_up}\n        forward_auth {ak} {{\n            uri /outpost.goauthentik.io/auth/caddy\n            copy_headers {}\n            trusted_proxies private_ranges{}\n        }}\n        reverse_proxy {upstream}\n    }}\n}}\n",
        AUTHENTIK_HEADERS.join(" "),
        if host_up.is_empty() {
            ""
        } else {
            "\n            header_up Host {upstream_hostport}"
        }
    );
    let note = match &r.internal_url {
        Some(_) => String::new(),
        None => format!(
            "# Replace {upstream} with where {} listens (or pass --internal-url).\n",
            r.name
        ),
    };
    let (nginx, traefik, caddy) = (
        format!("{note}{nginx}"),
        format!("{note}{traefik}"),
        format!("{note}{caddy}"),
    );
    vec![
        Snippet {
            server: "nginx".into(),
            snippet: nginx,
        },
        Snippet {
            server: "Traefik".into(),
            snippet: traefik,
        },
        Snippet {
            server: "Caddy".into(),
            snippet: caddy,
        },
    ]
}

fn view(r: &Resolved, target: Target, secret: SecretMode) -> View {
    let i = r.integration;
    let m = r.method;
    let secret_text = match (&r.secret_env, secret) {
        (Some(var), SecretMode::Env) => format!("<the value of {var}>"),
        (Some(_), SecretMode::Random) => {
            "<the client_secret written in the blueprint file>".to_string()
        }
        (Some(_), SecretMode::Omit) => {
            "<the client secret authentik generated: copy it from the provider>".to_string()
        }
        (None, _) => "(none: public client)".to_string(),
    };
    let mut vars = r.vars(Some(secret_text));
    let params: Vec<ParamView> = i
        .params_of(m)
        .into_iter()
        .map(|p| ParamView {
            name: p.name.clone(),
            value: r.params.get(&p.name).cloned(),
            description: p.description.clone(),
            example: p.example.clone(),
            shown_by_app: p.shown_by_app,
        })
        .collect();
    // A value not given yet shows as `<name>` wherever it goes.
    for p in &params {
        vars.params
            .entry(p.name.clone())
            .or_insert_with(|| format!("<{}>", p.name));
    }
    let fill = |t: &str| template::fill(t, &vars);
    let fact = |field: &'static str, value: String| Fact { field, value };
    let mut authentik_side = Vec::new();
    let mut reverse_proxy = Vec::new();
    let (mut issuer, mut openid_configuration, mut client_id) = (None, None, None);
    let mut grant_types = None;
    let mut secret_env = r.secret_env.clone().filter(|_| secret == SecretMode::Env);
    let secret_mode = r.secret_env.as_ref().map(|_| match secret {
        SecretMode::Env => "env",
        SecretMode::Random => "random",
        SecretMode::Omit => "omit",
    });
    match &m.provider {
        Provider::Oauth2(p) => {
            for c in &p.custom_scope_mappings {
                authentik_side.push(fact(
                    "Custom scope mapping",
                    format!(
                        "{} (scope `{}`, written by the blueprint)",
                        super::provider::scope_mapping_name(r, &c.scope_name),
                        c.scope_name
                    ),
                ));
            }
            if has_grant_types(target) {
                grant_types = Some(p.grant_types.clone());
            }
            issuer = Some(r.issuer());
            openid_configuration = Some(r.discovery_url());
            client_id = Some(r.client_id.clone());
        }
        Provider::Saml(p) => {
            authentik_side.push(fact("ACS URL", fill(&p.acs_url)));
            authentik_side.push(fact("Audience", fill(&p.audience)));
            authentik_side.push(fact("Issuer", r.saml_issuer()));
            authentik_side.push(fact("Issuer field", saml_issuer_field(target).to_string()));
            authentik_side.push(fact(
                "Service Provider Binding",
                p.sp_binding.as_str().into(),
            ));
            authentik_side.push(fact("Sign assertions", p.sign_assertion.to_string()));
            authentik_side.push(fact("Sign responses", p.sign_response.to_string()));
            if let Some(n) = &p.name_id_mapping {
                authentik_side.push(fact("NameID Property Mapping", n.clone()));
            }
            if let Some(n) = &p.name_id_custom_mapping {
                authentik_side.push(fact(
                    "NameID Property Mapping",
                    format!("the guide's mapping for the `{n}` attribute"),
                ));
            }
            if let Some(policy) = &p.name_id_policy {
                authentik_side.push(fact("Default NameID Policy", policy.clone()));
            }
            if !p.custom_property_mappings.is_empty() {
                authentik_side.push(fact(
                    "Custom property mappings",
                    p.custom_property_mappings
                        .iter()
                        .map(|c| c.saml_name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
            if let Some(sls) = &p.sls_url {
                authentik_side.push(fact("SLS URL", fill(sls)));
                if let Some(b) = p.sls_binding {
                    authentik_side.push(fact("SLS Binding", b.as_str().into()));
                }
                if let Some(l) = p.logout_method {
                    authentik_side.push(fact("Logout Method", l.as_str().into()));
                }
            }
            for (field, tail) in [
                ("Metadata URL", "metadata/"),
                ("SSO URL (Redirect)", "sso/binding/redirect/"),
                ("SSO URL (Post)", "sso/binding/post/"),
                ("SLO URL (Redirect)", "slo/binding/redirect/"),
            ] {
                authentik_side.push(fact(
                    field,
                    format!("{}/application/saml/{}/{tail}", r.authentik_url, r.slug),
                ));
            }
            if let Some(c) = &p.cert_format {
                authentik_side.push(fact("Certificate", c.clone()));
            }
        }
        Provider::Proxy(p) => {
            authentik_side.push(fact("Mode", p.mode.as_str().into()));
            authentik_side.push(fact("External host", fill(&p.external_host)));
            if let Some(h) = &r.internal_url {
                authentik_side.push(fact("Internal host", h.clone()));
            }
            if let Some(d) = &p.cookie_domain {
                authentik_side.push(fact("Cookie domain", d.clone()));
            }
            if !p.skip_path_regex.is_empty() {
                authentik_side.push(fact("Unauthenticated paths", p.skip_path_regex.join("\n")));
            }
            if let Some(b) = &p.basic_auth {
                authentik_side.push(fact(
                    "HTTP-Basic attributes",
                    format!("{} / {}", b.user_attribute, b.password_attribute),
                ));
            }
            reverse_proxy = p
                .reverse_proxy
                .iter()
                .map(|s| Snippet {
                    server: s.server.clone(),
                    snippet: replace_hosts(&s.snippet, r),
                })
                .collect();
            if p.mode != ProxyMode::Proxy && reverse_proxy.is_empty() {
                reverse_proxy = forward_auth_snippets(r);
            }
        }
        Provider::Ldap(p) => {
            secret_env = r.bind_password_env.clone();
            authentik_side.push(fact("Base DN", r.base_dn.clone().unwrap_or_default()));
            authentik_side.push(fact("Bind mode", p.bind_mode.as_str().into()));
            authentik_side.push(fact("Search mode", p.search_mode.as_str().into()));
            authentik_side.push(fact("Bind flow", p.bind_flow.clone()));
            if let Some(sa) = &r.service_account {
                authentik_side.push(fact("Service account", sa.clone()));
                authentik_side.push(fact("Bind DN", fill("{bind_dn}")));
            }
        }
    }
    let outpost = m.provider.kind().outpost_type().map(|t| outpost_step(r, t));
    View {
        integration: i.slug.clone(),
        method: m.name.clone(),
        methods: i.methods.iter().map(|m| m.name.clone()).collect(),
        provider_type: m.provider.type_key(),
        name: r.name.clone(),
        slug: r.slug.clone(),
        client_id,
        client_type: m.client_type().map(|c| c.as_str()),
        location: m.app_settings.location.clone(),
        settings: m
            .app_settings
            .fields
            .iter()
            .map(|f| Setting {
                field: f.field.clone(),
                value: fill(&f.value),
                note: f.note.as_deref().map(fill),
            })
            .collect(),
        params,
        target: target.to_string(),
        secret_env,
        secret: secret_mode,
        grant_types,
        issuer,
        openid_configuration,
        // Below 2026.5 the blueprint leaves logout URIs out (an untyped URI would be an
        // authorization URI there), so show does too.
        redirect_uris: m
            .all_redirect_uris()
            .filter(|u| {
                u.redirect_uri_type != RedirectUriType::Logout || has_redirect_uri_type(target)
            })
            .map(|u| Uri {
                matching_mode: u.matching_mode.as_str(),
                redirect_uri_type: u.redirect_uri_type.as_str(),
                url: fill(&u.url),
            })
            .collect(),
        authentik_side,
        reverse_proxy,
        outpost,
        guide: i.guide.title.clone(),
    }
}

fn secret_sentence(v: &View) -> Option<String> {
    match v.secret {
        Some("random") => {
            return Some(format!(
                "The client secret is the random value the blueprint holds (client_secret): give {} the same value, and keep the file out of version control.",
                v.name
            ))
        }
        Some("omit") => {
            return Some(format!(
                "authentik generates the client secret when it creates the provider: copy it from the provider's page (Applications > Providers) to {}.",
                v.name
            ))
        }
        _ => {}
    }
    v.secret_env.as_ref().map(|var| {
        if v.provider_type == "ldap" {
            format!(
                "The blueprint reads the service account's password with `!Env {var}`: set {var} in the environment of authentik's server AND worker, and give {} the same value.",
                v.name
            )
        } else {
            format!(
                "The blueprint reads the client secret with `!Env {var}`: set {var} in the environment of authentik's server AND worker (unset, authentik rejects the blueprint with \"client_secret: This field may not be null\"), and give {} the same value.",
                v.name
            )
        }
    })
}

fn uri_line(u: &Uri) -> String {
    let kind = if u.redirect_uri_type == "logout" {
        ", logout"
    } else {
        ""
    };
    format!("{} ({}{kind})", u.url, u.matching_mode)
}

fn method_note(v: &View) -> String {
    if v.methods.len() > 1 {
        format!(", method `{}` (offers: {})", v.method, v.methods.join(", "))
    } else {
        String::new()
    }
}

fn text(v: &View) -> String {
    let kind = match v.client_type {
        Some(c) => format!("{c} client"),
        None => format!("{} provider", v.provider_type),
    };
    let mut s = format!(
        "{} (catalog `{}`{}): {kind}, application slug `{}`\nIn {}:\n\n",
        v.name,
        v.integration,
        method_note(v),
        v.slug,
        v.location
    );
    let width = v
        .settings
        .iter()
        .map(|f| f.field.chars().count())
        .max()
        .unwrap_or(0);
    for f in &v.settings {
        s.push_str(&format!("  {:<width$}  {}\n", f.field, f.value));
        if let Some(n) = &f.note {
            s.push_str(&format!("  {:<width$}  ({n})\n", ""));
        }
    }
    s.push('\n');
    if !v.params.is_empty() {
        s.push_str(&params_text(v));
        s.push('\n');
    }
    if let Some(line) = secret_sentence(v) {
        s.push_str(&line);
        s.push('\n');
    }
    if let Some(g) = &v.grant_types {
        s.push_str(&format!(
            "Grant types allowed (authentik {}): {}\n",
            v.target,
            g.join(", ")
        ));
    }
    if let (Some(iss), Some(conf)) = (&v.issuer, &v.openid_configuration) {
        s.push_str(&format!(
            "Issuer: {iss}\nOpenID configuration: {conf}\nRedirect URIs registered in authentik: {}\n",
            v.redirect_uris
                .iter()
                .map(uri_line)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !v.authentik_side.is_empty() {
        s.push_str("In authentik:\n");
        let w = v
            .authentik_side
            .iter()
            .map(|f| f.field.chars().count())
            .max()
            .unwrap_or(0);
        for f in &v.authentik_side {
            let value = f.value.replace('\n', &format!("\n  {:<w$}  ", ""));
            s.push_str(&format!("  {:<w$}  {value}\n", f.field));
        }
    }
    for snip in &v.reverse_proxy {
        s.push_str(&format!("\nReverse proxy ({}):\n", snip.server));
        for line in snip.snippet.lines() {
            s.push_str(&format!("  {line}\n"));
        }
    }
    if let Some(o) = &v.outpost {
        s.push_str(&format!("\nOutpost: {o}\n"));
    }
    s
}

/// The `--param` values to copy from the application, one line each, then the
/// `generate` options that carry them.
fn params_text(v: &View) -> String {
    let mut s = format!(
        "Values from {} for `akbp generate` (--param NAME=VALUE):\n",
        v.name
    );
    for p in &v.params {
        let value = p.value.clone().unwrap_or_else(|| format!("<{}>", p.name));
        s.push_str(&format!("  --param {}={value}\n", p.name));
        let when = if p.shown_by_app {
            format!("; {} shows it once the settings above are saved", v.name)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "      {} (e.g. {}){when}\n",
            p.description, p.example
        ));
    }
    s
}

fn md_cell(s: &str) -> String {
    format!(
        "`{}`",
        s.replace('|', "\\|").replace('`', "'").replace('\n', " ")
    )
}

fn markdown(v: &View) -> String {
    let mut s = format!(
        "## {} (`{}`{})\n\nIn {}:\n\n| Field | Value |\n| --- | --- |\n",
        v.name,
        v.integration,
        method_note(v),
        v.location
    );
    for f in &v.settings {
        let note = f
            .note
            .as_ref()
            .map(|n| format!(" ({})", n.replace('|', "\\|")))
            .unwrap_or_default();
        s.push_str(&format!(
            "| {} | {}{note} |\n",
            f.field.replace('|', "\\|"),
            md_cell(&f.value)
        ));
    }
    s.push('\n');
    if !v.params.is_empty() {
        s.push_str(&format!("```\n{}```\n\n", params_text(v)));
    }
    if let Some(line) = secret_sentence(v) {
        s.push_str(&line);
        s.push_str("\n\n");
    }
    if let Some(g) = &v.grant_types {
        s.push_str(&format!(
            "- Grant types allowed (authentik {}): `{}`\n",
            v.target,
            g.join(", ")
        ));
    }
    if let (Some(iss), Some(conf)) = (&v.issuer, &v.openid_configuration) {
        s.push_str(&format!(
            "- Issuer: `{iss}`\n- OpenID configuration: `{conf}`\n"
        ));
    }
    for u in &v.redirect_uris {
        s.push_str(&format!(
            "- Redirect URI ({}{}): `{}`\n",
            u.matching_mode,
            if u.redirect_uri_type == "logout" {
                ", logout"
            } else {
                ""
            },
            u.url
        ));
    }
    for f in &v.authentik_side {
        s.push_str(&format!("- {}: {}\n", f.field, md_cell(&f.value)));
    }
    for snip in &v.reverse_proxy {
        s.push_str(&format!(
            "\nReverse proxy ({}):\n\n```\n{}\n```\n",
            snip.server,
            snip.snippet.trim_end()
        ));
    }
    if let Some(o) = &v.outpost {
        s.push_str(&format!("\nOutpost: {o}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(slug: &str, format: ShowFormat) -> String {
        render(
            slug,
            &ShowOptions {
                naming: Naming {
                    app_url: Some("https://api.example.org/".into()),
                    authentik_url: Some("https://sso.example.org".into()),
                    slug: Some("gw".into()),
                    ..Naming::default()
                },
                format,
                ..ShowOptions::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn fills_hosts_slug_and_secret_variable() {
        let t = show("gravitee", ShowFormat::Text);
        assert!(
            t.contains("https://sso.example.org/application/o/gw/end-session/"),
            "{t}"
        );
        assert!(t.contains("Client ID"), "{t}");
        assert!(t.contains("<the value of AKBP_GW_CLIENT_SECRET>"), "{t}");
        assert!(t.contains("server AND worker"), "{t}");
        assert!(
            t.contains("https://api.example.org/console/ (strict)"),
            "{t}"
        );
        let md = show("gravitee", ShowFormat::Markdown);
        assert!(md.contains("| Scopes | `email openid profile` |"), "{md}");
        let j: serde_json::Value =
            serde_json::from_str(&show("gravitee", ShowFormat::Json)).unwrap();
        assert_eq!(j["secret_env"], "AKBP_GW_CLIENT_SECRET");
        assert_eq!(j["client_id"], "gw");
    }

    #[test]
    fn placeholders_without_urls() {
        let t = render("netbird", &ShowOptions::default()).unwrap();
        assert!(t.contains(
            "https://authentik.company/application/o/netbird/.well-known/openid-configuration"
        ));
        assert!(!t.contains("AKBP_"), "a public client has no secret: {t}");
    }

    #[test]
    fn unknown_slug() {
        assert!(matches!(
            render("budibas", &ShowOptions::default()),
            Err(GenerateError::UnknownIntegration {
                suggestion: Some("budibase"),
                ..
            })
        ));
    }
}
