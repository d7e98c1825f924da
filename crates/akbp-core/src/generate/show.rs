//! `akbp show`: what to enter on the application's side, with the real hosts, slug
//! and client id filled in. Unset URLs show the guide's placeholder hosts.

use serde::Serialize;

use super::resolve::{
    find_integration, find_method, outpost_step, resolve, GenerateError, Naming, Resolved,
};
use crate::catalog::{template, Provider};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShowFormat {
    #[default]
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Default)]
pub struct ShowOptions {
    /// The same naming options as `generate` (`--name` is accepted and shown).
    pub naming: Naming,
    /// `--method`; `None` is the guide's first.
    pub method: Option<String>,
    pub format: ShowFormat,
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
    /// The variable the blueprint reads the client secret (OAuth2) or the service
    /// account's password (LDAP) from (`!Env`), which authentik's server and worker
    /// both need.
    secret_env: Option<String>,
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
    let view = view(&r);
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

fn view(r: &Resolved) -> View {
    let i = r.integration;
    let m = r.method;
    let secret_text = match &r.secret_env {
        Some(var) => format!("<the value of {var}>"),
        None => "(none: public client)".to_string(),
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
    let mut secret_env = r.secret_env.clone();
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
            issuer = Some(r.issuer());
            openid_configuration = Some(r.discovery_url());
            client_id = Some(r.client_id.clone());
        }
        Provider::Saml(p) => {
            authentik_side.push(fact("ACS URL", fill(&p.acs_url)));
            authentik_side.push(fact("Audience", fill(&p.audience)));
            authentik_side.push(fact("Issuer", r.saml_issuer()));
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
        secret_env,
        issuer,
        openid_configuration,
        redirect_uris: m
            .all_redirect_uris()
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
                method: None,
                format,
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
