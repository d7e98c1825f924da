//! What a generation resolves before it builds anything: the options, the errors, and
//! each integration's names, URLs and parameter values after defaults and checks. The
//! builders (`provider.rs`, `show.rs`, `mod.rs`) read these from here.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::template::fill;
use crate::catalog::{self, template, ClientType, Integration, Method, Provider};
use crate::check::rules::application::RESERVED_SLUGS;
use crate::target::Target;

use super::emit::{self, Node};

/// Where the provider's client secret comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretMode {
    /// `client_secret: !Env AKBP_<SLUG>_CLIENT_SECRET`: the secret stays out of the file.
    #[default]
    Env,
    /// A fresh random secret from the OS, written into the file.
    Random,
    /// No `client_secret`: authentik generates one when it creates the provider.
    Omit,
}

/// Names and hosts for one application; unset fields take their defaults.
#[derive(Debug, Clone, Default)]
pub struct Naming {
    /// The application's base URL (`--app-url`).
    pub app_url: Option<String>,
    /// authentik's base URL (`--authentik-url`).
    pub authentik_url: Option<String>,
    /// The application slug (`--slug`); defaults to the catalog slug.
    pub slug: Option<String>,
    /// The application's display name (`--name`); defaults to the catalog name.
    pub name: Option<String>,
    /// The OAuth2 client id (`--client-id`); defaults to the application slug.
    pub client_id: Option<String>,
    /// Where a proxy outpost reaches the application (`--internal-url`); defaults to
    /// the guide's example.
    pub internal_url: Option<String>,
    /// The LDAP base DN (`--base-dn`); defaults to the guide's.
    pub base_dn: Option<String>,
    /// `--param NAME=VALUE`: values of the entry's declared parameters, in the order given.
    pub params: Vec<(String, String)>,
}

/// `--add-to-outpost NAME [--keep-providers A,B]`: put the provider on an existing
/// outpost. authentik replaces the outpost's whole provider list on update: from 2025.8
/// the blueprint reads the current list when it is applied and adds to it; before, the
/// providers to keep must be named (`None`: not given, an error there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutpostOptions {
    pub name: String,
    pub keep_providers: Option<Vec<String>>,
}

/// Everything `akbp generate` needs besides where to write.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Catalog slugs to generate, in order; ignored when `all` is set.
    pub integrations: Vec<String>,
    /// Every catalog integration (`--all`).
    pub all: bool,
    /// `--slug`, `--name`, `--client-id` and `--app-url` apply to a single integration.
    pub naming: Naming,
    /// With several integrations, each gets `https://<slug>.<domain>` (`--domain`).
    pub domain: Option<String>,
    pub secret: SecretMode,
    /// Only members of this group may use the application (`--allow-group`).
    pub allow_group: Option<String>,
    pub target: Target,
    /// `--method`: one of the integration's methods; `None` is the guide's first.
    pub method: Option<String>,
    /// `--add-to-outpost`; `None` prints the outpost step instead.
    pub outpost: Option<OutpostOptions>,
}

impl GenerateOptions {
    /// Options for one integration at the latest target, default secret handling.
    pub fn new(integration: &str, app_url: &str, authentik_url: &str) -> Self {
        GenerateOptions {
            integrations: vec![integration.to_string()],
            all: false,
            naming: Naming {
                app_url: Some(app_url.to_string()),
                authentik_url: Some(authentik_url.to_string()),
                ..Naming::default()
            },
            domain: None,
            secret: SecretMode::Env,
            allow_group: None,
            target: Target::LATEST,
            method: None,
            outpost: None,
        }
    }
}

/// Why generation failed. Every variant means exit code 2 and nothing written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("no integration named `{slug}`{}; `akbp list` shows the catalog", did_you_mean(*.suggestion))]
    UnknownIntegration {
        slug: String,
        suggestion: Option<&'static str>,
    },
    #[error("no integration given: name one or more (see `akbp list`) or pass --all")]
    NoIntegrations,
    #[error("{option} `{value}` is not usable: {reason}")]
    BadValue {
        option: &'static str,
        value: String,
        reason: String,
    },
    #[error("the application slug `{slug}` is reserved by authentik (it collides with /application/o/{slug}/); pass another with --slug")]
    ReservedSlug { slug: String },
    #[error("{option} is missing: {why}")]
    Missing { option: &'static str, why: String },
    #[error("--param {name}=VALUE is missing: {why}")]
    MissingParam { name: String, why: String },
    #[error("--param {name}: `{integration}` has no such parameter; {}", offered_params(.offered))]
    UnknownParam {
        integration: String,
        name: String,
        offered: Vec<String>,
    },
    #[error("--param {name} `{value}` is not usable: {reason}")]
    BadParam {
        name: String,
        value: String,
        reason: String,
    },
    #[error("{option} names one application; with several integrations {instead}")]
    OnlyForOne {
        option: &'static str,
        instead: &'static str,
    },
    #[error("--app-url and --domain both give the application's URL; pass one")]
    AppUrlAndDomain,
    #[error("`{integration}` has no method `{method}`; it offers: {}", .offered.join(", "))]
    UnknownMethod {
        integration: String,
        method: String,
        offered: Vec<String>,
    },
    #[error("--keep-providers goes with --add-to-outpost: {0}")]
    KeepWithoutOutpost(&'static str),
    #[error("--add-to-outpost needs --keep-providers before authentik 2025.8: authentik replaces the outpost's provider list and the blueprint cannot read it (!FindObject is 2025.8+), so name the providers it keeps (`--keep-providers ''` for none)")]
    OutpostWithoutKeep,
    #[error("--add-to-outpost: {method} of `{integration}` is a {kind} provider, which authentik serves without an outpost")]
    NoOutpost {
        integration: String,
        method: String,
        kind: &'static str,
    },
    #[error("{} already exists; pass --force to replace it", .0.display())]
    OutputExists(std::path::PathBuf),
    #[error("several blueprints are written into a directory: pass -o DIR")]
    NeedOutputDir,
    #[error("two blueprints would be written to {}", .0.display())]
    SameOutput(std::path::PathBuf),
    #[error("cannot write {}: {reason}", path.display())]
    Io {
        path: std::path::PathBuf,
        reason: String,
    },
    /// The random source [`super::generate`] was given failed (the command line's is the
    /// operating system's).
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error("akbp generated a blueprint for `{integration}` that its own validator rejects (a bug in akbp):\n{findings}")]
    SelfCheck {
        integration: String,
        findings: String,
    },
}

fn offered_params(offered: &[String]) -> String {
    if offered.is_empty() {
        "it takes none".to_string()
    } else {
        format!("it takes: {}", offered.join(", "))
    }
}

fn did_you_mean(s: Option<&str>) -> String {
    s.map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// The names and URLs one blueprint is built from, after defaults and checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub integration: &'static Integration,
    pub method: &'static Method,
    /// The user's string minus trailing slashes.
    pub app_url: String,
    pub authentik_url: String,
    pub slug: String,
    pub name: String,
    pub client_id: String,
    /// The variable authentik reads the client secret from; `None` for public clients
    /// and providers without one.
    pub secret_env: Option<String>,
    /// Proxy: where the outpost reaches the application.
    pub internal_url: Option<String>,
    /// LDAP: the base DN.
    pub base_dn: Option<String>,
    /// LDAP: the variable authentik reads the service account's password from.
    pub bind_password_env: Option<String>,
    /// LDAP: the service account's username ([`service_account_name`]).
    pub service_account: Option<String>,
    /// `--param` values, checked against the entry's declarations. `show` may lack
    /// some; `generate` has every parameter the method uses.
    pub params: BTreeMap<String, String>,
    /// The options whose values the user gave (`--internal-url`, `--base-dn`, ...), as
    /// opposed to defaults and the guide's examples. `params` are all the user's.
    pub given: BTreeSet<&'static str>,
}

impl Resolved {
    /// Template variables for this application. `client_secret` is what the app side is
    /// told about the secret.
    pub fn vars(&self, client_secret: Option<String>) -> template::Vars {
        let (bind_user, bind_password) = match &self.method.provider {
            Provider::Ldap(_) => (
                self.service_account.clone(),
                self.bind_password_env
                    .as_ref()
                    .map(|v| format!("<the value of {v}>")),
            ),
            _ => (None, None),
        };
        template::Vars {
            app_url: Some(self.app_url.clone()),
            authentik_url: Some(self.authentik_url.clone()),
            slug: Some(self.slug.clone()),
            client_id: Some(self.client_id.clone()),
            client_secret,
            scopes: Some(self.method.scopes().join(" ")),
            saml_idp_entity_id: Some(self.saml_issuer()),
            base_dn: self.base_dn.clone(),
            bind_user,
            ldap_url: Some(format!("ldap://{}", self.authentik_host())),
            bind_password,
            params: self.params.clone(),
        }
    }

    /// The application file name: `<slug>.yaml`, or `<slug>-<method>.yaml` for a
    /// method other than the guide's first.
    pub fn file_name(&self) -> String {
        if std::ptr::eq(self.method, self.integration.default_method()) {
            format!("{}.yaml", self.slug)
        } else {
            format!("{}-{}.yaml", self.slug, self.method.name)
        }
    }

    /// authentik's host without scheme or port: the LDAP outpost's default host.
    pub fn authentik_host(&self) -> String {
        let rest = self
            .authentik_url
            .split_once("://")
            .map_or(self.authentik_url.as_str(), |(_, r)| r);
        rest.split(['/', ':']).next().unwrap_or(rest).to_string()
    }

    /// The SAML issuer (IdP entity ID) the generated provider states at every target: the
    /// catalog's, else the provider's metadata URL, the value the integration guides tell
    /// applications since 2026.5. authentik's own default is `authentik` until 2026.2
    /// (`SAMLProvider.issuer`) and a URL of the provider from 2026.5 (an empty
    /// `issuer_override`; the pre-release branch `generate-issuer-api` @ 4639a622a builds
    /// it from the route `authentik_providers_saml:base`, `/application/saml/<slug>/`;
    /// schemas/release-changes.json). Stated explicitly, the issuer is the same on every
    /// release whatever that default is.
    pub fn saml_issuer(&self) -> String {
        match &self.method.provider {
            Provider::Saml(p) => p
                .issuer
                .as_deref()
                .map(|t| fill(t, &self.base_vars()))
                .unwrap_or_else(|| self.saml_metadata_url()),
            _ => self.saml_metadata_url(),
        }
    }

    /// `https://<ak>/application/saml/<slug>/metadata/`.
    pub fn saml_metadata_url(&self) -> String {
        format!(
            "{}/application/saml/{}/metadata/",
            self.authentik_url, self.slug
        )
    }

    /// Variables for provider-side templates: URLs and slug only.
    fn base_vars(&self) -> template::Vars {
        template::Vars {
            app_url: Some(self.app_url.clone()),
            authentik_url: Some(self.authentik_url.clone()),
            slug: Some(self.slug.clone()),
            params: self.params.clone(),
            ..template::Vars::default()
        }
    }

    /// Values the guide gave as an example that stay in the file because no option
    /// replaced them: `(what, value, option that replaces it)`. `generate` names each in a
    /// note and in the file's header. A value an option gave is the user's even when it
    /// equals the guide's example, so it is never one.
    pub fn placeholders(&self) -> Vec<(&'static str, String, &'static str)> {
        let mut out = Vec::new();
        match &self.method.provider {
            Provider::Proxy(p) if p.mode == crate::catalog::ProxyMode::Proxy => {
                if let Some(i) = &self.internal_url {
                    out.push(("internal host", i.clone(), "--internal-url"));
                }
            }
            Provider::Ldap(_) => {
                if let Some(dn) = &self.base_dn {
                    out.push(("base DN", dn.clone(), "--base-dn"));
                }
            }
            _ => {}
        }
        out.retain(|(_, _, option)| !self.given.contains(option));
        out
    }

    /// `https://<ak>/application/o/<slug>/.well-known/openid-configuration`.
    pub fn discovery_url(&self) -> String {
        format!(
            "{}/application/o/{}/.well-known/openid-configuration",
            self.authentik_url, self.slug
        )
    }

    /// The per-provider issuer, with the trailing slash authentik puts in `iss`.
    pub fn issuer(&self) -> String {
        format!("{}/application/o/{}/", self.authentik_url, self.slug)
    }
}

/// Look up a catalog slug, with a suggestion when it is unknown.
pub fn find_integration(slug: &str) -> Result<&'static Integration, GenerateError> {
    catalog::find(slug).ok_or_else(|| GenerateError::UnknownIntegration {
        slug: slug.to_string(),
        suggestion: catalog::suggest(slug),
    })
}

/// The environment variable a client secret is read from: `AKBP_<SLUG>_CLIENT_SECRET`,
/// upper-case, `-` turned into `_`.
pub fn secret_env_var(slug: &str) -> String {
    format!("AKBP_{}_CLIENT_SECRET", env_slug(slug))
}

/// The environment variable a SCIM provider's token is read from: `AKBP_<SLUG>_SCIM_TOKEN`.
pub fn scim_token_env_var(slug: &str) -> String {
    format!("AKBP_{}_SCIM_TOKEN", env_slug(slug))
}

/// The environment variable the LDAP service account's password is read from:
/// `AKBP_<SLUG>_BIND_PASSWORD`.
pub fn bind_password_env_var(slug: &str) -> String {
    format!("AKBP_{}_BIND_PASSWORD", env_slug(slug))
}

fn env_slug(slug: &str) -> String {
    slug.chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// Check a base URL (`http`/`https` with a host, no query, fragment or credentials)
/// and return it as the user wrote it, minus trailing slashes. The parsed form is
/// never written back: `url` normalises case and ports, and strict redirect matching
/// in authentik compares raw strings.
pub fn check_base_url(option: &'static str, value: &str) -> Result<String, GenerateError> {
    let bad = |reason: &str| GenerateError::BadValue {
        option,
        value: value.to_string(),
        reason: reason.to_string(),
    };
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace or control characters"));
    }
    let url = url::Url::parse(value).map_err(|e| bad(&e.to_string()))?;
    // The host must also pass the validator authentik puts on the URL fields it fills
    // (DomainlessURLValidator: no `_`, no label ending in `-`), or AKB208 rejects the output.
    let domainless = crate::model::UrlValidator {
        validator: "DomainlessURLValidator".into(),
        schemes: vec!["http".into(), "https".into()],
    };
    if matches!(url.scheme(), "http" | "https") {
        crate::check::url_validator::validate(&domainless, value)
            .map_err(|why| bad(&format!("authentik's URL validator refuses it: it {why}")))?;
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("only http:// and https:// URLs can be used"));
    }
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        return Err(bad("it has no host"));
    }
    if option != "--app-url" {
        refuse_plain_http(option, value)?;
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            "a base URL cannot carry a query (`?`) or a fragment (`#`)",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("a base URL cannot carry user credentials"));
    }
    Ok(value.trim_end_matches('/').to_string())
}

/// The same line AKB405 draws: authorization codes, tokens and assertions must not travel
/// in clear. Plain `http://` is refused for a URL they are sent to (authentik's own, and an
/// application URL that redirect URIs, an ACS URL or a proxy's external host are built
/// from), except on the loopback interface; elsewhere (an LDAP application's launch URL, a
/// proxy's internal host) it is fine.
pub fn refuse_plain_http(option: &'static str, value: &str) -> Result<(), GenerateError> {
    let Ok(url) = url::Url::parse(value) else {
        return Ok(());
    };
    let host = url.host_str().unwrap_or_default();
    if url.scheme() == "http" && !crate::check::rules::redirect_uris::is_loopback(host) {
        return Err(GenerateError::BadValue {
            option,
            value: value.to_string(),
            reason: "plain http would send authorization codes and tokens unencrypted; use https (http is accepted for localhost only)".to_string(),
        });
    }
    Ok(())
}

/// Whether the method sends codes, tokens or assertions to a URL built from the
/// application's base URL: a redirect URI, the ACS URL, a proxy's external host (the
/// outpost's OAuth callback is on it).
fn app_url_carries_tokens(method: &Method) -> bool {
    let from_app = |t: &str| t.starts_with("{app_url");
    match &method.provider {
        Provider::Oauth2(p) => p.redirect_uris.iter().any(|u| from_app(&u.url)),
        Provider::Saml(p) => from_app(&p.acs_url),
        Provider::Proxy(p) => from_app(&p.external_host),
        Provider::Ldap(_) => false,
    }
}

/// Check an application slug the way authentik's serializer does.
pub fn check_slug(slug: &str) -> Result<(), GenerateError> {
    let bad = |reason: &str| GenerateError::BadValue {
        option: "--slug",
        value: slug.to_string(),
        reason: reason.to_string(),
    };
    if slug.is_empty()
        || !slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(bad(
            "a slug may only hold letters, digits, `-` and `_` (^[-a-zA-Z0-9_]+$)",
        ));
    }
    // Django's SlugField default.
    if slug.len() > 50 {
        return Err(bad("a slug has at most 50 characters"));
    }
    if RESERVED_SLUGS.contains(&slug.to_ascii_lowercase().as_str()) {
        return Err(GenerateError::ReservedSlug {
            slug: slug.to_string(),
        });
    }
    Ok(())
}

pub(crate) fn check_text(
    option: &'static str,
    value: &str,
    max: usize,
) -> Result<(), GenerateError> {
    let bad = |reason: String| GenerateError::BadValue {
        option,
        value: value.to_string(),
        reason,
    };
    if value.trim().is_empty() {
        return Err(bad("it is empty".into()));
    }
    if value.chars().any(char::is_control) {
        return Err(bad("it contains control characters".into()));
    }
    if value.chars().count() > max {
        return Err(bad(format!("at most {max} characters")));
    }
    Ok(())
}

fn check_client_id(value: &str) -> Result<(), GenerateError> {
    check_text("--client-id", value, 255)?;
    // authentik 2026.8 requires printable ASCII (RFC 6749 VSCHAR).
    if !value.chars().all(|c| (' '..='~').contains(&c)) {
        return Err(GenerateError::BadValue {
            option: "--client-id",
            value: value.to_string(),
            reason: "a client id may only hold printable ASCII characters".into(),
        });
    }
    Ok(())
}

/// `https://<slug>.<domain>` for `--domain`.
fn domain_url(slug: &str, domain: &str) -> Result<String, GenerateError> {
    let d = domain.trim_matches('.');
    if d.is_empty() || d.contains("://") || d.contains(['/', '?', '#', '@']) {
        return Err(GenerateError::BadValue {
            option: "--domain",
            value: domain.to_string(),
            reason: "give a bare domain such as `apps.example.com`".into(),
        });
    }
    check_base_url("--domain", &format!("https://{slug}.{d}"))
}

/// Apply defaults and checks to the naming of one integration. With
/// `placeholders`, a missing app or authentik URL takes the guide's placeholder host
/// (for `show`); otherwise it is an error.
pub fn resolve(
    integration: &'static Integration,
    method: &'static Method,
    naming: &Naming,
    domain: Option<&str>,
    placeholders: bool,
) -> Result<Resolved, GenerateError> {
    let slug = naming
        .slug
        .clone()
        .unwrap_or_else(|| integration.slug.clone());
    check_slug(&slug)?;
    let app_url = match (&naming.app_url, domain) {
        (Some(_), Some(_)) => return Err(GenerateError::AppUrlAndDomain),
        (Some(u), None) => {
            let checked = check_base_url("--app-url", u)?;
            if app_url_carries_tokens(method) {
                refuse_plain_http("--app-url", u)?;
            }
            checked
        }
        (None, Some(d)) => domain_url(&slug, d)?,
        (None, None) if placeholders => integration.placeholder_app_url(),
        (None, None) => {
            return Err(GenerateError::Missing {
                option: "--app-url",
                why: format!(
                    "the redirect URIs are built from {}'s base URL, e.g. https://{}",
                    integration.name, integration.guide.placeholder_host
                ),
            })
        }
    };
    let authentik_url = match &naming.authentik_url {
        Some(u) => check_base_url("--authentik-url", u)?,
        None if placeholders => integration.placeholder_authentik_url(),
        None => {
            return Err(GenerateError::Missing {
                option: "--authentik-url",
                why: "the application side is told authentik's issuer and endpoints".into(),
            })
        }
    };
    let name = naming
        .name
        .clone()
        .unwrap_or_else(|| integration.name.clone());
    check_text("--name", &name, 250)?;
    let client_id = naming.client_id.clone().unwrap_or_else(|| slug.clone());
    check_client_id(&client_id)?;
    let secret_env =
        (method.client_type() == Some(ClientType::Confidential)).then(|| secret_env_var(&slug));
    let (mut internal_url, mut base_dn, mut bind_password_env) = (None, None, None);
    let mut service_account = None;
    match &method.provider {
        Provider::Proxy(p) => {
            internal_url = match &naming.internal_url {
                Some(u) => Some(check_internal_url(u)?),
                None => p.internal_host.clone(),
            };
        }
        Provider::Ldap(p) => {
            let dn = naming.base_dn.clone().unwrap_or_else(|| p.base_dn.clone());
            check_base_dn(&dn)?;
            base_dn = Some(dn);
            bind_password_env = p
                .service_account
                .as_ref()
                .map(|_| bind_password_env_var(&slug));
            service_account = p
                .service_account
                .as_ref()
                .map(|sa| service_account_name(integration, &sa.username, &slug));
        }
        Provider::Saml(_) => {}
        Provider::Oauth2(_) => {}
    }
    let params = resolve_params(integration, method, &naming.params, placeholders)?;
    let given = [
        ("--app-url", naming.app_url.is_some()),
        ("--domain", domain.is_some()),
        ("--authentik-url", naming.authentik_url.is_some()),
        ("--slug", naming.slug.is_some()),
        ("--name", naming.name.is_some()),
        ("--client-id", naming.client_id.is_some()),
        ("--internal-url", naming.internal_url.is_some()),
        ("--base-dn", naming.base_dn.is_some()),
    ]
    .into_iter()
    .filter_map(|(option, set)| set.then_some(option))
    .collect();
    Ok(Resolved {
        integration,
        method,
        app_url,
        authentik_url,
        slug,
        name,
        client_id,
        secret_env,
        internal_url,
        base_dn,
        bind_password_env,
        service_account,
        params,
        given,
    })
}

/// The LDAP service account's username: the guide's, unless another catalog guide names
/// its account alike (four say `ldapservice`) or the application has another slug, then
/// `<guide's name>-<slug>`. Each blueprint sets the account's password from its own
/// variable, so two applications sharing one account would overwrite each other's
/// password on every apply and one of them could no longer bind.
pub fn service_account_name(integration: &Integration, guide_name: &str, slug: &str) -> String {
    let shared = catalog::all().iter().any(|other| {
        other.slug != integration.slug
            && other.methods.iter().any(|m| match &m.provider {
                Provider::Ldap(p) => p
                    .service_account
                    .as_ref()
                    .is_some_and(|sa| sa.username == guide_name),
                _ => false,
            })
    });
    if shared || slug != integration.slug {
        format!("{guide_name}-{slug}")
    } else {
        guide_name.to_string()
    }
}

/// Check `--param` values against the entry's declarations: every name declared, given
/// once, a value YAML can carry ([`unwritable`]) that matches the parameter's pattern.
/// Every parameter the method uses is required, except for `show` (`placeholders`),
/// which names the missing ones instead.
fn resolve_params(
    integration: &'static Integration,
    method: &'static Method,
    given: &[(String, String)],
    placeholders: bool,
) -> Result<BTreeMap<String, String>, GenerateError> {
    let mut out = BTreeMap::new();
    for (name, value) in given {
        let Some(decl) = integration.param(name) else {
            return Err(GenerateError::UnknownParam {
                integration: integration.slug.clone(),
                name: name.clone(),
                offered: integration.params.iter().map(|p| p.name.clone()).collect(),
            });
        };
        let bad = |reason: String| GenerateError::BadParam {
            name: name.clone(),
            value: value.escape_debug().to_string(),
            reason,
        };
        if out.contains_key(name) {
            return Err(bad("it is given twice".into()));
        }
        if let Some(reason) = unwritable(value) {
            return Err(bad(reason));
        }
        if value.is_empty() || value.chars().count() > 1000 {
            return Err(bad("give 1 to 1,000 characters".into()));
        }
        if !decl.regex().is_some_and(|re| re.is_match(value)) {
            return Err(bad(format!(
                "{} expects {} (the whole value must match `{}`, e.g. `{}`)",
                integration.name, decl.description, decl.pattern, decl.example
            )));
        }
        out.insert(name.clone(), value.clone());
    }
    if !placeholders {
        if let Some(p) = integration
            .params_of(method)
            .into_iter()
            .find(|p| !out.contains_key(&p.name))
        {
            let when = if p.shown_by_app {
                format!(
                    " {} shows it only once its side is set up: `akbp show {}` prints what to enter there first",
                    integration.name, integration.slug
                )
            } else {
                String::new()
            };
            return Err(GenerateError::MissingParam {
                name: p.name.clone(),
                why: format!(
                    "{} needs {} (e.g. --param {}={}).{when}",
                    integration.name, p.description, p.name, p.example
                ),
            });
        }
    }
    Ok(out)
}

/// `--internal-url`: where the outpost reaches the application, often plain http on
/// an internal network, so http is accepted here.
fn check_internal_url(value: &str) -> Result<String, GenerateError> {
    let bad = |reason: &str| GenerateError::BadValue {
        option: "--internal-url",
        value: value.to_string(),
        reason: reason.to_string(),
    };
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains whitespace or control characters"));
    }
    let url = url::Url::parse(value).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().unwrap_or("").is_empty() {
        return Err(bad("give an http:// or https:// URL with a host"));
    }
    Ok(value.trim_end_matches('/').to_string())
}

/// `--base-dn`: comma-separated `attr=value` parts.
fn check_base_dn(value: &str) -> Result<(), GenerateError> {
    let ok = !value.is_empty()
        && !value.chars().any(char::is_control)
        && value.split(',').all(|part| {
            part.split_once('=')
                .is_some_and(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
        });
    if ok {
        Ok(())
    } else {
        Err(GenerateError::BadValue {
            option: "--base-dn",
            value: value.to_string(),
            reason: "give a DN such as `dc=ldap,dc=goauthentik,dc=io`".into(),
        })
    }
}

/// The method `name` of `integration`, or its default.
pub fn find_method(
    integration: &'static Integration,
    name: Option<&str>,
) -> Result<&'static Method, GenerateError> {
    match name {
        None => Ok(integration.default_method()),
        Some(n) => integration
            .method(n)
            .ok_or_else(|| GenerateError::UnknownMethod {
                integration: integration.slug.clone(),
                method: n.to_string(),
                offered: integration.methods.iter().map(|m| m.name.clone()).collect(),
            }),
    }
}

/// The catalog entries the options name, in order, without repeats.
pub(crate) fn selected(opts: &GenerateOptions) -> Result<Vec<&'static Integration>, GenerateError> {
    if opts.all {
        return Ok(catalog::all().iter().collect());
    }
    if opts.integrations.is_empty() {
        return Err(GenerateError::NoIntegrations);
    }
    let mut out: Vec<&'static Integration> = Vec::new();
    for slug in &opts.integrations {
        let i = find_integration(slug)?;
        if !out.iter().any(|o| o.slug == i.slug) {
            out.push(i);
        }
    }
    Ok(out)
}

/// Refuse option values that cannot be written into YAML and its comments so that PyYAML
/// reads them back byte for byte: a line break (LF, CR, NEL, LINE/PARAGRAPH SEPARATOR)
/// would end a comment and turn the rest into entries; PyYAML refuses control characters
/// and a byte order mark anywhere in a stream; a comment loses trailing spaces.
pub(crate) fn writable_values(opts: &GenerateOptions) -> Result<(), GenerateError> {
    let n = &opts.naming;
    for (option, value) in [
        ("--name", &n.name),
        ("--slug", &n.slug),
        ("--client-id", &n.client_id),
        ("--app-url", &n.app_url),
        ("--authentik-url", &n.authentik_url),
        ("--allow-group", &opts.allow_group),
        ("--domain", &opts.domain),
    ] {
        let Some(v) = value else { continue };
        writable(option, v)?;
    }
    // The outpost's name goes into the header and an entry's comment as well, and names
    // of its providers into `!Find`s: the same YAML, the same limits.
    if let Some(o) = &opts.outpost {
        writable("--add-to-outpost", &o.name)?;
        for p in o.keep_providers.iter().flatten() {
            writable("--keep-providers", p)?;
        }
    }
    Ok(())
}

fn writable(option: &'static str, v: &str) -> Result<(), GenerateError> {
    match unwritable(v) {
        Some(reason) => Err(GenerateError::BadValue {
            option,
            value: v.escape_debug().to_string(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Why a value cannot go into the generated YAML and its comments unchanged, if it cannot.
pub(crate) fn unwritable(v: &str) -> Option<String> {
    match v.chars().find(|c| *c != ' ' && !emit::is_printable(*c)) {
        Some(c) if emit::is_line_break(c) => Some(format!(
            "it holds a line break (U+{:04X}), which would end a YAML comment and start new YAML",
            c as u32
        )),
        Some(c) => Some(format!(
            "it holds U+{:04X}, a character YAML cannot carry as text",
            c as u32
        )),
        None if v.trim() != v => Some("it starts or ends with a space".to_string()),
        None => None,
    }
}

/// The client secret as it goes into the blueprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Secret {
    None,
    Env(String),
    Literal(String),
    Omitted,
}

/// `!Find [model, [field, value]]`.
pub(crate) fn find(model: &str, field: &str, value: &str) -> Node {
    Node::tagged(
        "Find",
        Node::seq([
            Node::str(model),
            Node::seq([Node::str(field), Node::str(value)]),
        ]),
    )
}

pub(crate) fn key_of(id: &str) -> Node {
    Node::tagged("KeyOf", Node::str(id))
}

/// The step printed instead of touching an outpost.
pub fn outpost_step(r: &Resolved, outpost_type: &str) -> String {
    format!(
        "{label} providers work only through an outpost: add `{}` to {} (Applications > Outposts), or generate with --add-to-outpost NAME (the blueprint then adds it and keeps the outpost's other providers; before authentik 2025.8 name them with --keep-providers A,B)",
        provider_name(r),
        if outpost_type == "proxy" {
            "a proxy outpost, such as the authentik Embedded Outpost"
        } else {
            "an LDAP outpost"
        },
        label = r.method.provider.type_label(),
    )
}

/// Provider names are unique across all provider types; the slug is unique among
/// applications, so this is too.
pub fn provider_name(r: &Resolved) -> String {
    format!("akbp-{}", r.slug)
}
