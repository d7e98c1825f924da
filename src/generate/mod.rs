//! Catalog entry + options -> a blueprint for authentik (`akbp generate`).
//!
//! [`generate`] builds the texts without touching the file system; [`write::write_all`]
//! puts them on disk atomically. Every generated text is run through the validator
//! ([`self_check`]) before it is returned.
//!
//! Conventions of the generated files (documented in the README):
//! - the metadata label [`INTEGRATION_LABEL`] names the catalog integration;
//! - the client id defaults to the application slug;
//! - the client secret is read by authentik from the environment variable
//!   `AKBP_<SLUG>_CLIENT_SECRET` ([`secret_env_var`]).

pub mod emit;
pub mod provider;
pub mod show;
pub mod write;

use std::collections::BTreeMap;
use std::fmt;

use crate::catalog::template::fill;
use crate::catalog::{self, template, ClientType, Integration, Method, Provider};
use crate::check::{self, Severity};
use crate::load::SourceFile;
use crate::target::Target;

use emit::{Document, Item, Node, Seq};

pub use crate::catalog::{scope_managed_name, INTEGRATION_LABEL};

/// The release that added `grant_types` and `redirect_uri_type` to OAuth2 providers.
pub(crate) const GRANT_TYPES_SINCE: Target = Target::new(2026, 5);

pub use crate::check::rules::application::RESERVED_SLUGS;

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

/// `--add-to-outpost NAME --keep-providers A,B`: put the provider on an existing
/// outpost. authentik replaces the outpost's whole provider list, so the providers to
/// keep are named explicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutpostOptions {
    pub name: String,
    pub keep_providers: Vec<String>,
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

/// Where the client secret of a generated blueprint went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretOutcome {
    /// A public client has none.
    None,
    /// authentik's server and worker read it from this environment variable.
    Env { var: String },
    /// A random secret was written into the blueprint itself.
    Random,
    /// authentik generates one when it creates the provider.
    Omitted,
}

/// One generated blueprint.
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// The catalog slug.
    pub integration: &'static str,
    /// The application slug.
    pub slug: String,
    /// The method generated.
    pub method: &'static str,
    /// `<slug>.yaml` for the default method, `<slug>-<method>.yaml` for the others: the
    /// file name used when writing into a directory.
    pub file_name: String,
    pub text: String,
    pub secret: SecretOutcome,
    /// Things the caller should tell the user (on stderr), such as dropped settings.
    pub notes: Vec<String>,
    /// `--keep-providers` named providers of the user's install for an outpost.
    pub keeps_providers: bool,
}

impl Blueprint {
    /// The one line to print on stderr about a random secret, once the file is at
    /// `destination`; `None` for the other secret modes.
    pub fn secret_message(&self, destination: &str) -> Option<String> {
        match self.secret {
            SecretOutcome::Random => Some(format!(
                "the random client secret for `{}` is in {destination} (client_secret); give the application the same value and keep the file out of version control",
                self.slug
            )),
            _ => None,
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
    #[error("--add-to-outpost needs --keep-providers: authentik replaces the outpost's provider list, so name the providers it keeps (`--keep-providers ''` for none)")]
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
    /// `--param` values, checked against the entry's declarations. `show` may lack
    /// some; `generate` has every parameter the method uses.
    pub params: BTreeMap<String, String>,
}

impl Resolved {
    /// Template variables for this application. `client_secret` is what the app side is
    /// told about the secret.
    pub fn vars(&self, client_secret: Option<String>) -> template::Vars {
        let (bind_user, bind_password) = match &self.method.provider {
            Provider::Ldap(p) => (
                p.service_account.as_ref().map(|s| s.username.clone()),
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

    /// The SAML issuer (IdP entity ID) the provider sends: the catalog's, else
    /// authentik's default `authentik` (`SAMLProvider.issuer`, 2024.10 to 2026.2).
    pub fn saml_issuer(&self) -> String {
        match &self.method.provider {
            Provider::Saml(p) => p
                .issuer
                .as_deref()
                .map(|t| fill(t, &self.base_vars()))
                .unwrap_or_else(|| "authentik".to_string()),
            _ => "authentik".to_string(),
        }
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
    // The same line AKB405 draws: codes and tokens must not travel in clear.
    if url.scheme() == "http" && !crate::check::rules::redirect_uris::is_loopback(host) {
        return Err(bad(
            "plain http would send authorization codes and tokens unencrypted; use https (http is accepted for localhost only)",
        ));
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

fn check_text(option: &'static str, value: &str, max: usize) -> Result<(), GenerateError> {
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
        (Some(u), None) => check_base_url("--app-url", u)?,
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
        }
        Provider::Saml(_) => {}
        Provider::Oauth2(_) => {}
    }
    let params = resolve_params(integration, method, &naming.params, placeholders)?;
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
        params,
    })
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
fn selected(opts: &GenerateOptions) -> Result<Vec<&'static Integration>, GenerateError> {
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
fn writable_values(opts: &GenerateOptions) -> Result<(), GenerateError> {
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
        if let Some(reason) = unwritable(v) {
            return Err(GenerateError::BadValue {
                option,
                value: v.escape_debug().to_string(),
                reason,
            });
        }
    }
    Ok(())
}

/// Why a value cannot go into the generated YAML and its comments unchanged, if it cannot.
fn unwritable(v: &str) -> Option<String> {
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

/// Build one blueprint per selected integration. Nothing is written; the secret for
/// [`SecretMode::Random`] is drawn here.
pub fn generate(opts: &GenerateOptions) -> Result<Vec<Blueprint>, GenerateError> {
    writable_values(opts)?;
    let integrations = selected(opts)?;
    if integrations.len() > 1 {
        let n = &opts.naming;
        const EACH_DEFAULT: &str = "each uses its catalog default";
        for (set, option, instead) in [
            (
                n.app_url.is_some(),
                "--app-url",
                "use --domain to give each its own host",
            ),
            (n.slug.is_some(), "--slug", EACH_DEFAULT),
            (n.name.is_some(), "--name", EACH_DEFAULT),
            (n.client_id.is_some(), "--client-id", EACH_DEFAULT),
            (
                !n.params.is_empty(),
                "--param",
                "each parameter belongs to one entry",
            ),
        ] {
            if set {
                return Err(GenerateError::OnlyForOne { option, instead });
            }
        }
        if opts.domain.is_none() {
            return Err(GenerateError::Missing {
                option: "--domain",
                why: "with several integrations each gets the host <slug>.<domain>".into(),
            });
        }
    }
    if let Some(g) = &opts.allow_group {
        check_text("--allow-group", g, 150)?;
    }
    if let Some(o) = &opts.outpost {
        check_text("--add-to-outpost", &o.name, 200)?;
        for p in &o.keep_providers {
            check_text("--keep-providers", p, 200)?;
        }
    }
    let mut out = Vec::with_capacity(integrations.len());
    for integration in integrations {
        let method = method_for(opts, integration)?;
        // `--all` cannot know values only each application shows: those entries are left
        // out, and `skipped_for_params` names them for the caller to report.
        if opts.all && !integration.params_of(method).is_empty() {
            continue;
        }
        if let (Some(_), None) = (&opts.outpost, method.provider.kind().outpost_type()) {
            return Err(GenerateError::NoOutpost {
                integration: integration.slug.clone(),
                method: method.name.clone(),
                kind: method.provider.type_label(),
            });
        }
        let resolved = resolve(
            integration,
            method,
            &opts.naming,
            opts.domain.as_deref(),
            false,
        )?;
        // The port check first: its message says what to change, where the validator
        // would only quote the malformed URL the template made.
        check_port_templates(&resolved)?;
        check_url_fields(&resolved, opts.target)?;
        let secret = match (&resolved.secret_env, opts.secret) {
            (None, _) => Secret::None,
            (Some(var), SecretMode::Env) => Secret::Env(var.clone()),
            (Some(_), SecretMode::Random) => Secret::Literal(random_secret(64)?),
            (Some(_), SecretMode::Omit) => Secret::Omitted,
        };
        let bp = build(
            &resolved,
            &secret,
            opts.allow_group.as_deref(),
            opts.outpost.as_ref(),
            opts.target,
        );
        self_check(&bp, opts.target, validator)?;
        out.push(bp);
    }
    Ok(out)
}

fn integrations_len_one(opts: &GenerateOptions) -> bool {
    !opts.all && opts.integrations.len() == 1
}

/// The method generated for `integration`: `--method`, or the guide's first. With several
/// integrations, `--method` applies to those that offer it.
fn method_for(
    opts: &GenerateOptions,
    integration: &'static Integration,
) -> Result<&'static Method, GenerateError> {
    match (&opts.method, integrations_len_one(opts)) {
        (Some(m), false) => Ok(integration
            .method(m)
            .unwrap_or_else(|| integration.default_method())),
        (m, _) => find_method(integration, m.as_deref()),
    }
}

/// With `--all`: the entries left out because their method needs `--param` values, each
/// with the parameter names (`akbp generate SLUG --param ...` generates them one by one).
pub fn skipped_for_params(opts: &GenerateOptions) -> Vec<(&'static str, Vec<&'static str>)> {
    if !opts.all {
        return Vec::new();
    }
    catalog::all()
        .iter()
        .filter_map(|i| {
            let m = method_for(opts, i).ok()?;
            let names: Vec<&'static str> = i.params_of(m).iter().map(|p| p.name.as_str()).collect();
            (!names.is_empty()).then_some((i.slug.as_str(), names))
        })
        .collect()
}

/// The client secret as it goes into the blueprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Secret {
    None,
    Env(String),
    Literal(String),
    Omitted,
}

/// An alphanumeric secret from the OS random source. Rejection sampling keeps every
/// character equally likely: bytes from 248 up (248 = 4 * 62) are dropped.
fn random_secret(len: usize) -> Result<String, GenerateError> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf).map_err(|e| GenerateError::Random(e.to_string()))?;
        for b in buf {
            if b < 248 && out.len() < len {
                out.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
    }
    Ok(out)
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

/// The whole blueprint for one resolved integration and method.
fn build(
    r: &Resolved,
    secret: &Secret,
    allow_group: Option<&str>,
    outpost: Option<&OutpostOptions>,
    target: Target,
) -> Blueprint {
    let vars = r.vars(None);
    let mut notes = Vec::new();
    let parts = provider::build(r, secret, &vars, target, &mut notes);

    let application = Node::map([
        ("model", Node::str("authentik_core.application")),
        ("id", Node::str("app")),
        ("identifiers", Node::map([("slug", Node::str(&r.slug))])),
        (
            "attrs",
            Node::map([
                ("name", Node::str(&r.name)),
                ("provider", key_of("provider")),
                (
                    "meta_launch_url",
                    Node::str(fill(r.method.launch_url(r.integration), &vars)),
                ),
            ]),
        ),
    ]);

    let mut entries = parts.before;
    entries.push(Item {
        comments: vec![parts.comment],
        node: parts.provider,
    });
    entries.push(Item {
        comments: vec![match r.method.provider {
            Provider::Oauth2(_) => format!(
                "The application users see; its slug names the issuer /application/o/{}/.",
                r.slug
            ),
            Provider::Saml(_) => format!(
                "The application users see; its slug names the SAML endpoints /application/saml/{}/.",
                r.slug
            ),
            Provider::Proxy(_) | Provider::Ldap(_) => "The application users see.".to_string(),
        }],
        node: application,
    });
    let kind = r.method.provider.kind();
    if let (Some(o), Some(outpost_type)) = (outpost, kind.outpost_type()) {
        let mut providers: Vec<Node> = o
            .keep_providers
            .iter()
            .map(|p| find(kind.model(), "name", p))
            .collect();
        providers.push(key_of("provider"));
        let kept = if o.keep_providers.is_empty() {
            "no other provider".to_string()
        } else {
            format!("the providers it keeps: {}", o.keep_providers.join(", "))
        };
        entries.push(Item {
            comments: vec![format!(
                "The existing {outpost_type} outpost `{}` serves this provider. authentik REPLACES\nits provider list with this one: {kept}.",
                o.name
            )],
            // `pk` from a lookup: the entry updates the outpost the user named and never
            // creates one (a missing outpost fails the import: "config: required").
            node: Node::map([
                ("model", Node::str("authentik_outposts.outpost")),
                (
                    "identifiers",
                    Node::map([("pk", find("authentik_outposts.outpost", "name", &o.name))]),
                ),
                (
                    "attrs",
                    Node::map([
                        ("type", Node::str(outpost_type)),
                        ("providers", Node::seq(providers)),
                    ]),
                ),
            ]),
        });
    } else if let Some(t) = kind.outpost_type() {
        notes.push(outpost_step(r, t));
    }
    if let Some(group) = allow_group {
        entries.push(Item {
            comments: vec![format!(
                "Only members of `{group}` may use {}; the group is created if missing.",
                r.name
            )],
            node: Node::map([
                ("model", Node::str("authentik_core.group")),
                ("id", Node::str("group")),
                ("state", Node::str("created")),
                ("identifiers", Node::map([("name", Node::str(group))])),
            ]),
        });
        entries.push(Item {
            comments: Vec::new(),
            node: Node::map([
                ("model", Node::str("authentik_policies.policybinding")),
                (
                    "identifiers",
                    Node::map([("target", key_of("app")), ("order", Node::Int(0))]),
                ),
                ("attrs", Node::map([("group", key_of("group"))])),
            ]),
        });
    }

    let doc = Document {
        header: header(r, secret, allow_group, outpost, target),
        root: vec![
            ("version".into(), Node::Int(1)),
            (
                "metadata".into(),
                Node::map([
                    ("name", Node::str(blueprint_name(r))),
                    (
                        "labels",
                        Node::map([(INTEGRATION_LABEL, Node::str(&r.integration.slug))]),
                    ),
                ]),
            ),
            (
                "entries".into(),
                Node::Seq(Seq {
                    items: entries,
                    spaced: true,
                }),
            ),
        ],
    };
    Blueprint {
        integration: r.integration.slug.as_str(),
        method: r.method.name.as_str(),
        slug: r.slug.clone(),
        file_name: r.file_name(),
        text: emit::emit(&doc),
        secret: match secret {
            Secret::None => SecretOutcome::None,
            Secret::Env(var) => SecretOutcome::Env { var: var.clone() },
            Secret::Literal(_) => SecretOutcome::Random,
            Secret::Omitted => SecretOutcome::Omitted,
        },
        notes,
        keeps_providers: outpost.is_some_and(|o| !o.keep_providers.is_empty())
            && kind.outpost_type().is_some(),
    }
}

/// `akbp-<slug>`, plus `-<method>` for a method other than the default, so that two
/// methods of one application can be installed side by side.
fn blueprint_name(r: &Resolved) -> String {
    format!("akbp-{}", r.file_name().trim_end_matches(".yaml"))
}

/// The step printed instead of touching an outpost.
pub fn outpost_step(r: &Resolved, outpost_type: &str) -> String {
    format!(
        "{label} providers work only through an outpost: add `{}` to {} (Applications > Outposts). A blueprint that sets an outpost's providers REPLACES its list, so akbp does not do it unless asked: --add-to-outpost NAME --keep-providers A,B",
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

fn header(
    r: &Resolved,
    secret: &Secret,
    allow_group: Option<&str>,
    outpost: Option<&OutpostOptions>,
    target: Target,
) -> Vec<String> {
    let i = r.integration;
    let method = if i.methods.len() > 1 {
        format!(", method `{}`", r.method.name)
    } else {
        String::new()
    };
    let mut lines = vec![
        // The per-file target: `akbp validate` checks this file at the release it was made for.
        format!("akbp: target {target}"),
        format!(
            "authentik blueprint for {}, generated by akbp from its catalog integration `{}`{method}\n(after the guide \"{}\").",
            r.name, i.slug, i.guide.title
        ),
        "Install: place this file under /blueprints/custom/ in both the authentik server and\nworker; authentik only discovers files ending in .yaml.".to_string(),
    ];
    match &r.method.provider {
        Provider::Oauth2(_) => lines.push(match secret {
            Secret::None => format!("Secret: none; {} is a public client.", r.name),
            Secret::Env(var) => format!(
                "Secret: authentik's server AND worker must both have {var} set\nbefore this is applied, and {} needs the same value. Unset, authentik rejects it:\n\"client_secret: This field may not be null\".",
                r.name
            ),
            Secret::Literal(_) => "Secret: a random client secret is written below; keep this file out of version control.".to_string(),
            Secret::Omitted => "Secret: authentik generates the client secret; copy it from the provider's page.".to_string(),
        }),
        Provider::Ldap(_) => {
            if let Some(var) = &r.bind_password_env {
                // authentik 2026.2.2 `core/api/users.py` `_set_password`: a null password in
                // a blueprint leaves a new user with an unusable one; the lab accepts the file.
                lines.push(format!(
                    "Secret: the service account's password is read from {var}; authentik's server\nAND worker must both have it set, and {} binds with the same value. Unset, authentik\nstill imports this file but creates the account with an unusable password, so binds fail.",
                    r.name
                ));
            }
        }
        Provider::Saml(_) | Provider::Proxy(_) => {}
    }
    if let Some(g) = allow_group {
        lines.push(format!("Access: only members of the group `{g}`."));
    }
    if let Some(t) = r.method.provider.kind().outpost_type() {
        lines.push(match outpost {
            Some(o) => format!(
                "Outpost: this file sets the providers of the {t} outpost `{}`, replacing its list.",
                o.name
            ),
            None => format!(
                "Outpost: add the provider {} to {} outpost yourself (this file leaves outposts alone).",
                provider_name(r),
                if t == "proxy" { "a proxy" } else { "an LDAP" }
            ),
        });
    }
    lines.push(format!("Application side: {}", show_command(r)));
    match &r.method.provider {
        Provider::Oauth2(_) => lines.push(format!("OpenID configuration: {}", r.discovery_url())),
        Provider::Saml(_) => lines.push(format!(
            "SAML metadata: {}/application/saml/{}/metadata/",
            r.authentik_url, r.slug
        )),
        Provider::Proxy(_) | Provider::Ldap(_) => {}
    }
    lines
}

/// The `akbp show` command line that prints the application-side settings.
fn show_command(r: &Resolved) -> String {
    let mut cmd = format!(
        "akbp show {} --app-url {} --authentik-url {}",
        r.integration.slug,
        shell_word(&r.app_url),
        shell_word(&r.authentik_url)
    );
    if !std::ptr::eq(r.method, r.integration.default_method()) {
        cmd.push_str(&format!(" --method {}", shell_word(&r.method.name)));
    }
    if r.slug != r.integration.slug {
        cmd.push_str(&format!(" --slug {}", shell_word(&r.slug)));
    }
    if r.method.client_type().is_some() && r.client_id != r.slug {
        cmd.push_str(&format!(" --client-id {}", shell_word(&r.client_id)));
    }
    if let (Provider::Ldap(p), Some(dn)) = (&r.method.provider, &r.base_dn) {
        if *dn != p.base_dn {
            cmd.push_str(&format!(" --base-dn {}", shell_word(dn)));
        }
    }
    let used = r.integration.params_of(r.method);
    for (name, value) in r
        .params
        .iter()
        .filter(|(n, _)| used.iter().any(|p| p.name == **n))
    {
        cmd.push_str(&format!(
            " --param {}",
            shell_word(&format!("{name}={value}"))
        ));
    }
    cmd
}

fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A validator over a blueprint text at a target: the findings as
/// `(severity, "CODE: message")`.
pub type Validator = fn(&str, Target) -> Vec<(Severity, String)>;

/// akbp's own validator (`check::check_source`).
pub fn validator(text: &str, target: Target) -> Vec<(Severity, String)> {
    let options = check::Options {
        target,
        ..check::Options::default()
    };
    let report = check::check_source(SourceFile::new("<generated>", text), &options);
    report
        .findings
        .iter()
        .map(|f| (f.severity, format!("{}: {}", f.rule.code, f.message)))
        .collect()
}

/// Whether a self-check finding is the expected consequence of the user's options:
/// `--secret random` writes the secret into the file on purpose, and validating that
/// file later rightly warns about it (AKB413); `--keep-providers` names providers of
/// the user's install, which no default install has (AKB304).
pub fn tolerated(bp: &Blueprint, finding: &str) -> bool {
    let code = |rule: &crate::check::Rule| finding.starts_with(&format!("{}:", rule.code));
    (bp.secret == SecretOutcome::Random && code(&crate::check::rules::oauth2::SECRET_IN_CLEAR))
        || (bp.keeps_providers
            && code(&crate::check::rules::lookups::FIND_MAY_BE_NULL)
            && finding.contains("`providers`"))
}

/// The URLs a provider gets from the user's base URL must pass the validator authentik puts
/// on that model field at the target: SAML's `acs_url` and `sls_url` were Django
/// `URLField`s (a top-level domain required) until 2025.2, so `https://sso.lan` is fine for
/// 2025.4 but not for 2024.10. Refuse the option, as for any bad base URL, instead of
/// writing a blueprint that AKB208 (and authentik) rejects.
fn check_url_fields(r: &Resolved, target: Target) -> Result<(), GenerateError> {
    let Provider::Saml(p) = &r.method.provider else {
        return Ok(());
    };
    let Some(model) =
        crate::model::knowledge().find_model("authentik_providers_saml.samlprovider", target)
    else {
        return Ok(());
    };
    let vars = r.vars(None);
    for (field, template) in [
        ("acs_url", Some(&p.acs_url)),
        ("sls_url", p.sls_url.as_ref()),
    ] {
        let (Some(template), Some(validator)) = (template, model.url_validator(field)) else {
            continue;
        };
        let url = fill(template, &vars);
        if let Err(why) = crate::check::url_validator::validate(validator, &url) {
            let param = template::Template::parse(template)
                .ok()
                .and_then(|t| t.params().next().map(str::to_string));
            if let Some(name) = param {
                return Err(GenerateError::BadParam {
                    value: r.params.get(&name).cloned().unwrap_or_default(),
                    name,
                    reason: format!(
                        "authentik {target} checks the provider's `{field}` ({url}) with {}, which refuses it: it {why}",
                        validator.validator
                    ),
                });
            }
            return Err(GenerateError::BadValue {
                option: "--app-url",
                value: r.app_url.clone(),
                reason: format!(
                    "authentik {target} checks the provider's `{field}` ({url}) with {}, which refuses it: it {why}",
                    validator.validator
                ),
            });
        }
    }
    Ok(())
}

/// Proxmox VE's guide registers `{app_url}:8006`, FreshRSS's `{app_url}:443/i/oidc/`: the
/// port follows the host. A base URL that already has a port or a path would give
/// `https://pve.example.com:8443:8006`, which no validator (and no browser) accepts.
fn check_port_templates(r: &Resolved) -> Result<(), GenerateError> {
    if !r
        .method
        .adds_port_to_app_url(r.method.launch_url(r.integration))
    {
        return Ok(());
    }
    let has_port_or_path = url::Url::parse(&r.app_url)
        .map(|u| u.port().is_some() || !matches!(u.path(), "" | "/"))
        .unwrap_or(false);
    if has_port_or_path {
        return Err(GenerateError::BadValue {
            option: "--app-url",
            value: r.app_url.clone(),
            reason: format!(
                "{}'s guide puts a fixed port right after the host, so give the bare origin (scheme and host, no port or path)",
                r.integration.name
            ),
        });
    }
    Ok(())
}

/// Run `validate` over a generated blueprint: any error or warning is a bug in akbp,
/// except what [`tolerated`] allows.
pub fn self_check(
    bp: &Blueprint,
    target: Target,
    validate: Validator,
) -> Result<(), GenerateError> {
    let bad: Vec<String> = validate(&bp.text, target)
        .into_iter()
        .filter(|(s, m)| *s >= Severity::Warning && !tolerated(bp, m))
        .map(|(s, m)| format!("  {}: {m}", s.as_str()))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(GenerateError::SelfCheck {
            integration: bp.integration.to_string(),
            findings: bad.join("\n"),
        })
    }
}

impl fmt::Display for SecretMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretMode::Env => "env",
            SecretMode::Random => "random",
            SecretMode::Omit => "omit",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_pattern() {
        assert_eq!(secret_env_var("my-app_2"), "AKBP_MY_APP_2_CLIENT_SECRET");
    }

    #[test]
    fn random_secrets_are_alphanumeric_and_differ() {
        let a = random_secret(64).unwrap();
        let b = random_secret(64).unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("--app-url", "https://Gravitee.Company:8443/").unwrap(),
            "https://Gravitee.Company:8443",
            "kept as written, minus the trailing slash"
        );
        for bad in [
            "gravitee.company",
            "ftp://x.example",
            "http://x.example",
            "https://",
            "https://x.example/?a=1",
            "https://x.example/#f",
            "https://u:p@x.example",
            "https://x.example /",
            "javascript:alert(1)",
            // authentik's DomainlessURLValidator refuses these host names.
            "https://app_x.example.org",
            "https://a.example-",
        ] {
            assert!(check_base_url("--app-url", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slugs() {
        assert!(check_slug("my-app_1").is_ok());
        assert!(matches!(
            check_slug("token"),
            Err(GenerateError::ReservedSlug { .. })
        ));
        assert!(check_slug("a.b").is_err());
        assert!(check_slug("").is_err());
        assert!(check_slug(&"a".repeat(51)).is_err());
    }

    #[test]
    fn unknown_integration_suggests() {
        let e = find_integration("gravitee2").unwrap_err().to_string();
        assert!(e.contains("did you mean `gravitee`"), "{e}");
    }
}
