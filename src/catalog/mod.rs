//! The integration catalog: what each application's guide says to configure in
//! authentik and on the application side.
//!
//! One JSON file per integration lives in `catalog/` at the top of the repository,
//! described by `schemas/catalog.schema.json` and embedded in the binary. Strings that
//! depend on the installation are templates (see [`template`]).

pub mod list;
pub mod template;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use list::{list, ListFormat};
pub use template::{Template, TemplateError, Vars};

/// The embedded data files, in slug order (the order `list` and `--all` use): every
/// `catalog/*.json`, listed by `build.rs`.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// The metadata label that names the catalog integration a blueprint came from;
/// `akbp generate` writes it and the integration rules read it.
pub const INTEGRATION_LABEL: &str = "akbp.dev/integration";

/// The managed name of the system scope mapping for a scope
/// (`blueprints/system/providers-oauth2.yaml`).
pub fn scope_managed_name(scope: &str) -> String {
    let suffix = match scope {
        "goauthentik.io/api" => "authentik_api",
        s => s,
    };
    format!("goauthentik.io/providers/oauth2/scope-{suffix}")
}

/// The JSON Schema of a catalog file, for tests and tooling.
pub const SCHEMA: &str = include_str!("../../schemas/catalog.schema.json");

/// One application integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// The catalog's name for it, also the default application slug.
    pub slug: String,
    /// The application's display name.
    pub name: String,
    pub homepage: String,
    pub guide: Guide,
    pub provider: Provider,
    /// Template for the application's `meta_launch_url`.
    pub launch_url: String,
    pub app_settings: AppSettings,
    /// URIs allowed as `post_logout_redirect_uri` (authentik 2026.5+).
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    /// Where the guide contradicts itself or is silent: the choice made and why.
    pub decisions: Vec<Decision>,
}

impl Integration {
    pub fn client_type(&self) -> ClientType {
        match &self.provider {
            Provider::Oauth2(p) => p.client_type,
        }
    }

    pub fn scopes(&self) -> &[String] {
        match &self.provider {
            Provider::Oauth2(p) => &p.scopes,
        }
    }

    /// `https://<placeholder host>`: the application URL the guide writes.
    pub fn placeholder_app_url(&self) -> String {
        format!("https://{}", self.guide.placeholder_host)
    }

    /// `https://authentik.company`: the authentik URL the catalog writes.
    pub fn placeholder_authentik_url(&self) -> String {
        format!("https://{}", self.guide.authentik_placeholder_host)
    }

    /// Authorization and post-logout redirect URIs, in that order.
    pub fn all_redirect_uris(&self) -> impl Iterator<Item = &RedirectUri> {
        self.provider
            .redirect_uris()
            .iter()
            .chain(&self.post_logout_redirect_uris)
    }
}

/// The guide an entry was taken from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub title: String,
    pub publisher: String,
    /// The guide text the entry was checked against.
    pub seed: String,
    /// The application host the guide writes as a placeholder (`gravitee.company`).
    pub placeholder_host: String,
    /// The authentik host the catalog writes as a placeholder (`authentik.company`).
    pub authentik_placeholder_host: String,
}

/// The provider type and its settings. SAML and proxy providers become further variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Provider {
    Oauth2(OAuth2Provider),
}

impl Provider {
    /// The provider type as authentik's UI names it.
    pub fn type_label(&self) -> &'static str {
        match self {
            Provider::Oauth2(_) => "OAuth2/OpenID Connect",
        }
    }

    /// The `type` value in the catalog file.
    pub fn type_key(&self) -> &'static str {
        match self {
            Provider::Oauth2(_) => "oauth2",
        }
    }

    pub fn redirect_uris(&self) -> &[RedirectUri] {
        match self {
            Provider::Oauth2(p) => &p.redirect_uris,
        }
    }
}

/// `authentik_providers_oauth2.oauth2provider` settings from the guide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Provider {
    pub client_type: ClientType,
    pub redirect_uris: Vec<RedirectUri>,
    /// Scope names; each becomes the managed scope mapping of that name.
    pub scopes: Vec<String>,
    pub sub_mode: SubMode,
    /// Whether the provider signs tokens with a key pair (the guides' "select any
    /// available signing key").
    pub signing_key: bool,
    /// Written for targets from 2026.5, where a provider created by a blueprint
    /// defaults to none.
    pub grant_types: Vec<String>,
    /// Managed names of further scope mappings.
    #[serde(default)]
    pub extra_property_mappings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientType {
    Confidential,
    Public,
}

impl ClientType {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientType::Confidential => "confidential",
            ClientType::Public => "public",
        }
    }
}

/// authentik's `sub_mode` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubMode {
    HashedUserId,
    UserId,
    UserUuid,
    UserUsername,
    UserEmail,
    UserUpn,
}

impl SubMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SubMode::HashedUserId => "hashed_user_id",
            SubMode::UserId => "user_id",
            SubMode::UserUuid => "user_uuid",
            SubMode::UserUsername => "user_username",
            SubMode::UserEmail => "user_email",
            SubMode::UserUpn => "user_upn",
        }
    }
}

/// One redirect URI: matching mode, URL template over the application's base URL, type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedirectUri {
    pub matching_mode: MatchingMode,
    pub url: String,
    #[serde(default)]
    pub redirect_uri_type: RedirectUriType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchingMode {
    Strict,
    Regex,
}

impl MatchingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchingMode::Strict => "strict",
            MatchingMode::Regex => "regex",
        }
    }
}

/// `redirect_uri_type` (authentik 2026.5+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedirectUriType {
    #[default]
    Authorization,
    Logout,
}

impl RedirectUriType {
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectUriType::Authorization => "authorization",
            RedirectUriType::Logout => "logout",
        }
    }
}

/// What to enter on the application's side, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    /// Where in the application the fields are.
    pub location: String,
    pub fields: Vec<AppSetting>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSetting {
    /// The field's label in the application.
    pub field: String,
    /// Template for its value.
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub topic: String,
    pub choice: String,
    pub why: String,
}

/// Why an embedded catalog file was refused; only tests and a broken build see this.
#[derive(Debug, thiserror::Error)]
#[error("catalog/{file}: {message}")]
pub struct CatalogError {
    pub file: &'static str,
    pub message: String,
}

/// Parse and check every embedded file.
pub fn load_all() -> Result<Vec<Integration>, CatalogError> {
    FILES
        .iter()
        .map(|(file, text)| {
            let entry: Integration = serde_json::from_str(text).map_err(|e| CatalogError {
                file,
                message: e.to_string(),
            })?;
            check(&entry).map_err(|message| CatalogError { file, message })?;
            if format!("{}.json", entry.slug) != *file {
                return Err(CatalogError {
                    file,
                    message: format!("the slug `{}` does not match the file name", entry.slug),
                });
            }
            Ok(entry)
        })
        .collect()
}

/// What serde cannot check: every template uses known variables only.
fn check(entry: &Integration) -> Result<(), String> {
    let mut templates: Vec<(&str, &str)> = vec![("launch_url", &entry.launch_url)];
    for uri in entry.all_redirect_uris() {
        templates.push(("redirect URI", &uri.url));
    }
    for f in &entry.app_settings.fields {
        templates.push(("app setting", &f.value));
    }
    for (what, text) in templates {
        Template::parse(text).map_err(|e| format!("{what} `{text}`: {e}"))?;
    }
    Ok(())
}

static ALL: LazyLock<Vec<Integration>> = LazyLock::new(|| {
    // The files are compiled in and `tests/catalog.rs` loads them all, so a failure here
    // is a broken build, not bad input.
    load_all().unwrap_or_else(|e| panic!("embedded catalog is invalid: {e}"))
});

/// Every integration, sorted by slug.
pub fn all() -> &'static [Integration] {
    &ALL
}

/// The integration with this catalog slug.
pub fn find(slug: &str) -> Option<&'static Integration> {
    all().iter().find(|i| i.slug == slug)
}

/// The closest catalog slug, for "did you mean".
pub fn suggest(slug: &str) -> Option<&'static str> {
    let lower = slug.to_ascii_lowercase();
    all()
        .iter()
        .map(|i| (strsim::jaro_winkler(&lower, &i.slug), i.slug.as_str()))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, s)| s)
}
