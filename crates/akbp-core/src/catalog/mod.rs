//! The integration catalog: what each application's guide says to configure in
//! authentik and on the application side.
//!
//! One JSON file per integration lives in `catalog/` at the top of the repository,
//! described by `schemas/catalog.schema.json` and embedded in the binary. Strings that
//! depend on the installation are templates (see [`template`]).

pub mod list;
pub mod template;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

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
pub const SCHEMA: &str = include_str!("../../../../schemas/catalog.schema.json");

/// One application integration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Integration {
    /// The catalog's name for it, also the default application slug.
    pub slug: String,
    /// The application's display name.
    pub name: String,
    pub homepage: String,
    /// The guide's category folder (`media`, `networking`...).
    pub category: String,
    pub guide: Guide,
    pub review: Review,
    /// Template for the application's `meta_launch_url`.
    pub launch_url: String,
    /// Values only the application knows (an organisation name, an ACS URL it shows after
    /// setup), used in templates as `{param:NAME}` and given with `--param NAME=VALUE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<Param>,
    /// The ways the guide documents, in its order; the first is the default.
    pub methods: Vec<Method>,
    /// Where the guide contradicts itself or is silent: the choice made and why.
    pub decisions: Vec<Decision>,
}

impl Integration {
    /// The guide's first method (the catalog refuses an entry without one).
    pub fn default_method(&self) -> &Method {
        &self.methods[0]
    }

    /// The method named `name`.
    pub fn method(&self, name: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.name == name)
    }

    /// `https://<placeholder host>`: the application URL the guide writes.
    pub fn placeholder_app_url(&self) -> String {
        format!("https://{}", self.guide.placeholder_host)
    }

    /// `https://authentik.company`: the authentik URL the catalog writes.
    pub fn placeholder_authentik_url(&self) -> String {
        format!("https://{}", self.guide.authentik_placeholder_host)
    }

    /// The method names, the default first.
    pub fn method_names(&self) -> Vec<&str> {
        self.methods.iter().map(|m| m.name.as_str()).collect()
    }

    /// The declared parameter `name`.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Every template of `method` with what it is, the launch URL first.
    pub fn templates<'a>(&'a self, method: &'a Method) -> Vec<(&'static str, &'a str)> {
        let mut out: Vec<(&'static str, &'a str)> = vec![("launch_url", method.launch_url(self))];
        for uri in method.all_redirect_uris() {
            out.push(("redirect URI", &uri.url));
        }
        match &method.provider {
            Provider::Saml(p) => {
                out.push(("acs_url", &p.acs_url));
                out.push(("audience", &p.audience));
                for (what, t) in [
                    ("issuer", &p.issuer),
                    ("default_relay_state", &p.default_relay_state),
                    ("sls_url", &p.sls_url),
                ] {
                    if let Some(t) = t {
                        out.push((what, t));
                    }
                }
            }
            Provider::Proxy(p) => out.push(("external_host", &p.external_host)),
            Provider::Oauth2(_) | Provider::Ldap(_) => {}
        }
        for f in &method.app_settings.fields {
            out.push(("app setting", &f.value));
            if let Some(n) = &f.note {
                out.push(("app setting note", n));
            }
        }
        out
    }

    /// The declared parameters `method` needs (those its templates or the launch URL
    /// use), in declaration order.
    pub fn params_of(&self, method: &Method) -> Vec<&Param> {
        let used: Vec<String> = self
            .templates(method)
            .into_iter()
            .filter_map(|(_, t)| Template::parse(t).ok())
            .flat_map(|t| t.params().map(str::to_string).collect::<Vec<_>>())
            .collect();
        self.params
            .iter()
            .filter(|p| used.contains(&p.name))
            .collect()
    }

    /// Each declared parameter with its example: what the committed blueprints and the
    /// catalog walk use.
    pub fn example_params(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .map(|p| (p.name.clone(), p.example.clone()))
            .collect()
    }
}

/// A value only the application knows, declared by the entry and given by the user with
/// `--param NAME=VALUE`: an organisation or realm name inside the application's URLs, or
/// a URL the application shows once SAML is set up on its side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// `^[a-z][a-z0-9_]*$`; templates write `{param:NAME}`.
    pub name: String,
    /// What the value is and where in the application to find it.
    pub description: String,
    /// A value of the guide's (`foo`, `devcompany`): the committed blueprints use it.
    pub example: String,
    /// Whether the application shows the value only once its side of SAML or OAuth is set
    /// up, so the user configures the application first (`akbp show`), then generates.
    pub shown_by_app: bool,
    /// A regular expression the whole value must match.
    pub pattern: String,
}

impl Param {
    /// The pattern, anchored at both ends (the catalog refuses one that does not compile).
    pub fn regex(&self) -> Option<regex::Regex> {
        regex::Regex::new(&format!("^(?:{})$", self.pattern)).ok()
    }
}

/// One way of connecting the application: a provider and what to enter on its side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// By convention the provider type (`oauth2`, `saml`, `proxy`, `ldap`).
    pub name: String,
    /// This method's launch URL where it differs from the entry's (Jellyfin's OIDC plugin
    /// starts at `/sso/OID/start/authentik`, its LDAP method at the plain `{app_url}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_url: Option<String>,
    pub provider: Provider,
    pub app_settings: AppSettings,
}

impl Method {
    /// The launch URL template for this method: its own, else the entry's.
    pub fn launch_url<'a>(&'a self, entry: &'a Integration) -> &'a str {
        self.launch_url.as_deref().unwrap_or(&entry.launch_url)
    }

    /// Whether a URL template of this method (or the entry's launch URL) puts a port right
    /// after `{app_url}` (`{app_url}:8006`): the guide's origin carries a fixed port, so the
    /// user's base URL must be a bare origin for the result to be one URL.
    pub fn adds_port_to_app_url(&self, launch_url: &str) -> bool {
        let mut urls: Vec<&str> = vec![launch_url];
        urls.extend(self.all_redirect_uris().map(|u| u.url.as_str()));
        match &self.provider {
            Provider::Saml(p) => urls.extend([p.acs_url.as_str(), p.audience.as_str()]),
            Provider::Proxy(p) => urls.push(&p.external_host),
            Provider::Oauth2(_) | Provider::Ldap(_) => {}
        }
        urls.iter().any(|u| u.contains("{app_url}:"))
    }

    /// Authorization and post-logout redirect URIs, in that order (OAuth2 only).
    pub fn all_redirect_uris(&self) -> impl Iterator<Item = &RedirectUri> {
        let (auth, logout): (&[RedirectUri], &[RedirectUri]) = match &self.provider {
            Provider::Oauth2(p) => (&p.redirect_uris, &p.post_logout_redirect_uris),
            _ => (&[], &[]),
        };
        auth.iter().chain(logout)
    }

    /// The OAuth2 client type; `None` for the other provider types.
    pub fn client_type(&self) -> Option<ClientType> {
        match &self.provider {
            Provider::Oauth2(p) => Some(p.client_type),
            _ => None,
        }
    }

    /// OAuth2 scopes; empty for the other provider types.
    pub fn scopes(&self) -> &[String] {
        match &self.provider {
            Provider::Oauth2(p) => &p.scopes,
            _ => &[],
        }
    }
}

/// The guide an entry was taken from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub title: String,
    pub publisher: String,
    /// The guide's path in its repository (`website/integrations/media/sonarr/index.md`).
    pub path: String,
    /// The commit of that repository the entry was read from.
    pub commit: String,
    /// For the first five entries: the seed text the entry was checked against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// The application host the guide writes as a placeholder (`gravitee.company`).
    pub placeholder_host: String,
    /// The authentik host the catalog writes as a placeholder (`authentik.company`).
    pub authentik_placeholder_host: String,
}

/// How far an entry was checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub status: ReviewStatus,
    /// The application's documentation the entry was checked against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_docs: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Checked against the guide and the application's own documentation.
    GuideAndAppDocs,
    /// Taken from the guide only.
    GuideOnly,
}

/// The provider type and its settings; one variant per authentik provider model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Provider {
    Oauth2(OAuth2Provider),
    Saml(SamlProvider),
    Proxy(ProxyProvider),
    Ldap(LdapProvider),
}

/// The provider types, for `list --provider`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderType {
    Oauth2,
    Saml,
    Proxy,
    Ldap,
}

impl ProviderType {
    pub const ALL: [ProviderType; 4] = [
        ProviderType::Oauth2,
        ProviderType::Saml,
        ProviderType::Proxy,
        ProviderType::Ldap,
    ];

    /// The `type` value in the catalog file.
    pub fn key(self) -> &'static str {
        match self {
            ProviderType::Oauth2 => "oauth2",
            ProviderType::Saml => "saml",
            ProviderType::Proxy => "proxy",
            ProviderType::Ldap => "ldap",
        }
    }

    /// The provider type as authentik's UI names it.
    pub fn label(self) -> &'static str {
        match self {
            ProviderType::Oauth2 => "OAuth2/OpenID Connect",
            ProviderType::Saml => "SAML",
            ProviderType::Proxy => "Proxy",
            ProviderType::Ldap => "LDAP",
        }
    }

    /// The authentik model of this provider type.
    pub fn model(self) -> &'static str {
        match self {
            ProviderType::Oauth2 => "authentik_providers_oauth2.oauth2provider",
            ProviderType::Saml => "authentik_providers_saml.samlprovider",
            ProviderType::Proxy => "authentik_providers_proxy.proxyprovider",
            ProviderType::Ldap => "authentik_providers_ldap.ldapprovider",
        }
    }

    /// The provider type of an authentik model.
    pub fn of_model(model: &str) -> Option<ProviderType> {
        ProviderType::ALL.into_iter().find(|t| t.model() == model)
    }

    /// The outpost type that serves it; `None` for providers authentik serves itself.
    pub fn outpost_type(self) -> Option<&'static str> {
        match self {
            ProviderType::Proxy => Some("proxy"),
            ProviderType::Ldap => Some("ldap"),
            ProviderType::Oauth2 | ProviderType::Saml => None,
        }
    }

    pub fn parse(key: &str) -> Option<ProviderType> {
        ProviderType::ALL.into_iter().find(|t| t.key() == key)
    }
}

impl Provider {
    pub fn kind(&self) -> ProviderType {
        match self {
            Provider::Oauth2(_) => ProviderType::Oauth2,
            Provider::Saml(_) => ProviderType::Saml,
            Provider::Proxy(_) => ProviderType::Proxy,
            Provider::Ldap(_) => ProviderType::Ldap,
        }
    }

    /// The provider type as authentik's UI names it.
    pub fn type_label(&self) -> &'static str {
        self.kind().label()
    }

    /// The `type` value in the catalog file.
    pub fn type_key(&self) -> &'static str {
        self.kind().key()
    }

    /// OAuth2 authorization redirect URIs; empty for the other types.
    pub fn redirect_uris(&self) -> &[RedirectUri] {
        match self {
            Provider::Oauth2(p) => &p.redirect_uris,
            _ => &[],
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
    /// URIs allowed as `post_logout_redirect_uri` (authentik 2026.5+).
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    /// Scope mappings the guide has the user create: each is written into the blueprint
    /// and bound to the provider, in place of the managed mapping of its scope if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_scope_mappings: Vec<CustomScopeMapping>,
}

/// A scope mapping of the guide's own (`authentik_providers_oauth2.scopemapping`): for
/// example an `email` scope that sends `email_verified: True`, which the managed one does
/// not since authentik 2025.10 (schemas/release-changes.json).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomScopeMapping {
    /// The scope. One of the provider's `scopes` replaces that scope's managed mapping;
    /// another is bound in addition (the application asks for it by name).
    pub scope_name: String,
    /// The consent screen's text for the scope (the mapping's `description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The Python expression authentik runs; it returns the claims of the scope.
    pub expression: String,
}

impl OAuth2Provider {
    /// The guide's own mapping for `scope`, if it has one.
    pub fn custom_mapping(&self, scope: &str) -> Option<&CustomScopeMapping> {
        self.custom_scope_mappings
            .iter()
            .find(|m| m.scope_name == scope)
    }
}

/// `authentik_providers_saml.samlprovider` settings from the guide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamlProvider {
    /// Template of the SP's Assertion Consumer Service URL.
    pub acs_url: String,
    /// Template of the SP entity ID, exactly as the SP compares it.
    pub audience: String,
    /// Template of the IdP entity ID the SP expects; `None` keeps authentik's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub sp_binding: SamlBinding,
    pub sign_assertion: bool,
    pub sign_response: bool,
    /// Whether the provider signs with a key pair (`signing_kp`).
    pub signing_key: bool,
    /// Managed name of the NameID property mapping; `None` keeps authentik's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_id_mapping: Option<String>,
    /// Managed names of the SAML property mappings.
    pub property_mappings: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_relay_state: Option<String>,
    /// Template of the SP's single logout URL (authentik 2025.10+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sls_url: Option<String>,
    /// What the SP needs of authentik's certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_format: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SamlBinding {
    Redirect,
    Post,
}

impl SamlBinding {
    pub fn as_str(self) -> &'static str {
        match self {
            SamlBinding::Redirect => "redirect",
            SamlBinding::Post => "post",
        }
    }
}

/// `authentik_providers_proxy.proxyprovider` settings from the guide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyProvider {
    pub mode: ProxyMode,
    /// Template of the URL users open.
    pub external_host: String,
    /// The guide's example of where the outpost reaches the application (proxy mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_host_ssl_validation: Option<bool>,
    /// forward_domain: the guide's example cookie domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie_domain: Option<String>,
    /// Unauthenticated paths, one regex each.
    pub skip_path_regex: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_auth: Option<BasicAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intercept_header_auth: Option<bool>,
    /// The reverse-proxy configuration the guide gives, verbatim.
    pub reverse_proxy: Vec<ReverseProxySnippet>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProxyMode {
    Proxy,
    ForwardSingle,
    ForwardDomain,
}

impl ProxyMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyMode::Proxy => "proxy",
            ProxyMode::ForwardSingle => "forward_single",
            ProxyMode::ForwardDomain => "forward_domain",
        }
    }
}

/// HTTP basic credentials the outpost sends, read from user or group attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicAuth {
    pub user_attribute: String,
    pub password_attribute: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReverseProxySnippet {
    /// `nginx`, `traefik`, `caddy`...
    pub server: String,
    /// Verbatim from the guide, with its placeholder hosts.
    pub snippet: String,
}

/// `authentik_providers_ldap.ldapprovider` settings from the guide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LdapProvider {
    /// The guide's base DN.
    pub base_dn: String,
    pub bind_mode: LdapAccessMode,
    pub search_mode: LdapAccessMode,
    /// Slug of the flow users bind with (`authorization_flow`).
    pub bind_flow: String,
    pub mfa_support: bool,
    /// The account the application binds with to search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<ServiceAccount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid_start_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gid_start_number: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LdapAccessMode {
    Cached,
    Direct,
}

impl LdapAccessMode {
    pub fn as_str(self) -> &'static str {
        match self {
            LdapAccessMode::Cached => "cached",
            LdapAccessMode::Direct => "direct",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccount {
    pub username: String,
    /// Whether it needs the "Search full LDAP directory" permission on the provider.
    pub search_full_directory: bool,
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
        .map(|(file, text)| parse_file(file, text))
        .collect()
}

/// Parse and check one embedded file.
fn parse_file(file: &'static str, text: &str) -> Result<Integration, CatalogError> {
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
}

/// What serde cannot check: at least one method, unique method names, every template
/// uses known variables only, and every parameter is declared once, used, and has an
/// example its pattern accepts.
fn check(entry: &Integration) -> Result<(), String> {
    if entry.methods.is_empty() {
        return Err("no methods: an entry offers at least one".into());
    }
    for (i, m) in entry.methods.iter().enumerate() {
        if entry.methods[..i].iter().any(|o| o.name == m.name) {
            return Err(format!("two methods are named `{}`", m.name));
        }
    }
    for m in &entry.methods {
        if let Provider::Oauth2(p) = &m.provider {
            for (i, c) in p.custom_scope_mappings.iter().enumerate() {
                if p.custom_scope_mappings[..i]
                    .iter()
                    .any(|o| o.scope_name == c.scope_name)
                {
                    return Err(format!(
                        "method `{}`: two custom scope mappings for `{}`",
                        m.name, c.scope_name
                    ));
                }
                if c.expression.trim().is_empty() {
                    return Err(format!(
                        "method `{}`: custom scope mapping `{}` has an empty expression",
                        m.name, c.scope_name
                    ));
                }
            }
        }
    }
    // The entry's launch URL is checked even where every method has its own.
    let mut templates: Vec<(&str, &str)> = vec![("launch_url", &entry.launch_url)];
    for m in &entry.methods {
        templates.extend(entry.templates(m));
    }
    let mut used: Vec<String> = Vec::new();
    for (what, text) in templates {
        let t = Template::parse(text).map_err(|e| format!("{what} `{text}`: {e}"))?;
        for p in t.params() {
            if entry.param(p).is_none() {
                return Err(format!(
                    "{what} `{text}` uses `{{param:{p}}}`, which `params` does not declare"
                ));
            }
            used.push(p.to_string());
        }
    }
    for (i, p) in entry.params.iter().enumerate() {
        if !template::is_param_name(&p.name) {
            return Err(format!(
                "parameter `{}`: a name is lower-case letters, digits and `_`",
                p.name
            ));
        }
        if entry.params[..i].iter().any(|o| o.name == p.name) {
            return Err(format!("two parameters are named `{}`", p.name));
        }
        if !used.contains(&p.name) {
            return Err(format!(
                "parameter `{}` is declared but no template uses it",
                p.name
            ));
        }
        let re = p
            .regex()
            .ok_or_else(|| format!("parameter `{}`: the pattern does not compile", p.name))?;
        if !re.is_match(&p.example) {
            return Err(format!(
                "parameter `{}`: the example `{}` does not match its own pattern",
                p.name, p.example
            ));
        }
    }
    Ok(())
}

/// The path part of a catalog URL template (`{app_url}/console/` -> `/console/`).
pub fn template_path(url: &str) -> &str {
    url.strip_prefix("{app_url_regex}")
        .or_else(|| url.strip_prefix("{app_url}"))
        .unwrap_or(url)
}

/// What inferring an integration needs from one entry, written by `build.rs` from the same
/// files, so that a run parses no catalog JSON until a rule needs one entry.
#[derive(Debug)]
pub struct IndexEntry {
    pub slug: &'static str,
    /// The entry's position in the embedded files.
    file: usize,
    /// The provider types its methods use (`ProviderType::key`), in method order.
    kinds: &'static [&'static str],
    /// Per method's provider type: the path of each OAuth2 authorization redirect URI and
    /// of the SAML ACS URL (`{app_url}/oauth/callback` -> `/oauth/callback`), skipping
    /// bare `/`.
    paths: &'static [(&'static str, &'static str)],
}

impl IndexEntry {
    /// Whether one of its methods uses a provider of this type.
    pub fn offers(&self, kind: ProviderType) -> bool {
        self.kinds.contains(&kind.key())
    }

    /// The redirect and ACS paths of its methods of this provider type.
    pub fn paths(&self, kind: ProviderType) -> impl Iterator<Item = &'static str> + '_ {
        self.paths
            .iter()
            .filter(move |(k, _)| *k == kind.key())
            .map(|(_, p)| *p)
    }

    /// The full entry, parsed on first use.
    pub fn integration(&self) -> &'static Integration {
        if let Some(all) = ALL.get() {
            return &all[self.file];
        }
        ENTRIES[self.file].get_or_init(|| {
            // The files are compiled in and `tests/catalog.rs` loads them all, so a failure
            // here is a broken build, not bad input.
            let (file, text) = FILES[self.file];
            parse_file(file, text).unwrap_or_else(|e| panic!("embedded catalog is invalid: {e}"))
        })
    }
}

static INDEX: &[IndexEntry] = include!(concat!(env!("OUT_DIR"), "/catalog_index.rs"));

/// Entries parsed one at a time by [`IndexEntry::integration`].
static ENTRIES: [OnceLock<Integration>; FILES.len()] = [const { OnceLock::new() }; FILES.len()];

/// Every entry parsed at once, for `list` and `generate --all`.
static ALL: OnceLock<Vec<Integration>> = OnceLock::new();

/// Every integration, sorted by slug.
pub fn all() -> &'static [Integration] {
    ALL.get_or_init(|| load_all().unwrap_or_else(|e| panic!("embedded catalog is invalid: {e}")))
}

/// The index of every integration, in file order; no JSON is parsed.
pub fn index() -> &'static [IndexEntry] {
    INDEX
}

/// The index entry with this catalog slug.
pub fn find_indexed(slug: &str) -> Option<&'static IndexEntry> {
    INDEX.iter().find(|i| i.slug == slug)
}

/// The integration with this catalog slug; parses only that entry.
pub fn find(slug: &str) -> Option<&'static Integration> {
    find_indexed(slug).map(IndexEntry::integration)
}

/// The closest catalog slug, for "did you mean".
pub fn suggest(slug: &str) -> Option<&'static str> {
    let lower = slug.to_ascii_lowercase();
    INDEX
        .iter()
        .map(|i| (strsim::jaro_winkler(&lower, i.slug), i.slug))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The build-time index says what the parsed files say, entry by entry.
    #[test]
    fn index_matches_the_parsed_catalog() {
        let parsed = load_all().unwrap();
        assert_eq!(INDEX.len(), parsed.len());
        for (file, (ix, entry)) in INDEX.iter().zip(&parsed).enumerate() {
            assert_eq!(ix.slug, entry.slug);
            assert_eq!(ix.file, file);
            assert_eq!(ix.integration(), entry);
            assert_eq!(find(&entry.slug), Some(entry));
            for kind in ProviderType::ALL {
                let offered = entry.methods.iter().any(|m| m.provider.kind() == kind);
                assert_eq!(ix.offers(kind), offered, "{} {}", entry.slug, kind.key());
                let want: Vec<&str> = entry
                    .methods
                    .iter()
                    .filter(|m| m.provider.kind() == kind)
                    .flat_map(|m| {
                        let mut v: Vec<&str> = m
                            .provider
                            .redirect_uris()
                            .iter()
                            .map(|u| template_path(&u.url))
                            .collect();
                        if let Provider::Saml(p) = &m.provider {
                            v.push(template_path(&p.acs_url));
                        }
                        v
                    })
                    .filter(|p| !p.trim_matches('/').is_empty())
                    .collect();
                assert_eq!(ix.paths(kind).collect::<Vec<_>>(), want, "{}", entry.slug);
            }
        }
        assert!(find("no-such-integration").is_none());
    }
}
