//! One builder per provider type: the provider entry of a generated blueprint, the
//! entries it needs before it, and the comment above it. The only place the generator
//! tells the provider types apart.

use super::emit::{Item, Node};
use super::resolve::{find, key_of, provider_name, Resolved, Secret};
use crate::catalog::template::{self, fill};
use crate::catalog::{
    LdapProvider, OAuth2Provider, Provider, ProxyMode, ProxyProvider, RedirectUri, SamlProvider,
};
use crate::model::{FieldLookup, FieldSpec, ModelLookup};
use crate::target::Target;

const OAUTH2: &str = "authentik_providers_oauth2.oauth2provider";
const SAML: &str = "authentik_providers_saml.samlprovider";

/// The field `field` of `model` at `target`, from the model data (schemas/models.json):
/// the release gates of the generated fields come from there, not from release numbers
/// written here.
fn field_at(model: &str, field: &str, target: Target) -> Option<&'static FieldSpec> {
    match crate::model::knowledge().model(model, target) {
        ModelLookup::Known(m) => match m.field(field) {
            FieldLookup::Known(spec) => Some(spec),
            _ => None,
        },
        _ => None,
    }
}

/// Whether OAuth2 providers have `grant_types` at `target` (2026.5+). From that release a
/// provider a blueprint creates without it allows no grant at all (default `[]`,
/// migration 0032_oauth2provider_grant_types; schemas/release-changes.json), so the
/// generator states the guide's grant types wherever the field exists.
pub(crate) fn has_grant_types(target: Target) -> bool {
    field_at(OAUTH2, "grant_types", target).is_some()
}

/// Whether a redirect URI has `redirect_uri_type` at `target` (2026.5+: `authorization` or
/// `logout`; schemas/models.json, the items of `redirect_uris`).
pub(crate) fn has_redirect_uri_type(target: Target) -> bool {
    field_at(OAUTH2, "redirect_uris", target)
        .and_then(|f| f.items.as_ref())
        .and_then(|i| i.properties.as_ref())
        .is_some_and(|p| p.contains_key("redirect_uri_type"))
}

/// The name of the SAML provider's issuer (IdP entity ID) field at `target`: `issuer`
/// until 2026.2, `issuer_override` from 2026.5 (migration
/// 0022_remove_samlprovider_issuer_and_more renames it; schemas/release-changes.json).
pub fn saml_issuer_field(target: Target) -> &'static str {
    if field_at(SAML, "issuer_override", target).is_some() {
        "issuer_override"
    } else {
        "issuer"
    }
}

const IMPLICIT_CONSENT: &str = "default-provider-authorization-implicit-consent";
const INVALIDATION: &str = "default-provider-invalidation-flow";
const SELF_SIGNED: &str = "authentik Self-signed Certificate";

/// What a provider type contributes to the blueprint.
pub struct Parts {
    /// Entries the provider refers to (an LDAP service account), written before it.
    pub before: Vec<Item>,
    /// The provider entry, with `id: provider`.
    pub provider: Node,
    /// The comment above the provider entry.
    pub comment: String,
}

pub(super) fn build(
    r: &Resolved,
    secret: &Secret,
    vars: &template::Vars,
    target: Target,
    notes: &mut Vec<String>,
) -> Parts {
    match &r.method.provider {
        Provider::Oauth2(p) => Parts {
            before: custom_scope_mappings(r, p),
            provider: oauth2(r, p, secret, vars, target, notes),
            comment: "The OAuth2/OpenID Connect provider: client, redirect URIs and scopes from the guide.".into(),
        },
        Provider::Saml(p) => Parts {
            before: custom_saml_mappings(r, p),
            provider: saml(r, p, vars, target, notes),
            comment: "The SAML provider: ACS URL, audience, binding and signing from the guide.".into(),
        },
        Provider::Proxy(p) => Parts {
            before: Vec::new(),
            provider: proxy(r, p, vars),
            comment: format!(
                "The proxy provider ({}): hosts and unauthenticated paths from the guide.",
                p.mode.as_str()
            ),
        },
        Provider::Ldap(p) => ldap(r, p),
    }
}

fn flow(slug: &str) -> Node {
    find("authentik_flows.flow", "slug", slug)
}

fn entry(model: &str, r: &Resolved, attrs: Vec<(&str, Node)>) -> Node {
    Node::map([
        ("model", Node::str(model)),
        ("id", Node::str("provider")),
        (
            "identifiers",
            Node::map([("name", Node::str(provider_name(r)))]),
        ),
        ("attrs", Node::map(attrs)),
    ])
}

fn redirect_uri(uri: &RedirectUri, vars: &template::Vars, target: Target) -> Node {
    let mut pairs = vec![
        ("matching_mode", Node::str(uri.matching_mode.as_str())),
        ("url", Node::str(fill(&uri.url, vars))),
    ];
    if has_redirect_uri_type(target) {
        pairs.push((
            "redirect_uri_type",
            Node::str(uri.redirect_uri_type.as_str()),
        ));
    }
    Node::map(pairs)
}

fn oauth2(
    r: &Resolved,
    p: &OAuth2Provider,
    secret: &Secret,
    vars: &template::Vars,
    target: Target,
    notes: &mut Vec<String>,
) -> Node {
    let mut attrs = vec![
        ("authorization_flow", flow(IMPLICIT_CONSENT)),
        ("invalidation_flow", flow(INVALIDATION)),
        ("client_type", Node::str(p.client_type.as_str())),
        ("client_id", Node::str(&r.client_id)),
    ];
    match secret {
        Secret::Env(var) => attrs.push(("client_secret", Node::tagged("Env", Node::str(var)))),
        Secret::Literal(s) => attrs.push(("client_secret", Node::str(s))),
        Secret::None | Secret::Omitted => {}
    }
    if has_grant_types(target) {
        attrs.push((
            "grant_types",
            Node::seq(p.grant_types.iter().map(Node::str)),
        ));
    }
    attrs.push(("sub_mode", Node::str(p.sub_mode.as_str())));
    attrs.push(("issuer_mode", Node::str("per_provider")));
    if p.signing_key {
        attrs.push((
            "signing_key",
            find("authentik_crypto.certificatekeypair", "name", SELF_SIGNED),
        ));
    }
    let mut uris: Vec<Node> = p
        .redirect_uris
        .iter()
        .map(|u| redirect_uri(u, vars, target))
        .collect();
    for u in &p.post_logout_redirect_uris {
        if has_redirect_uri_type(target) {
            uris.push(redirect_uri(u, vars, target));
        } else {
            // Before 2026.5 an untyped URI is an authorization URI: dropping it is the
            // only way not to widen the login allow-list.
            notes.push(format!(
                "post-logout redirect URI {} left out: authentik {target} has no logout redirect URIs (2026.5+)",
                fill(&u.url, vars)
            ));
        }
    }
    attrs.push(("redirect_uris", Node::seq(uris)));
    // A managed scope mapping the target release does not ship yet (Application
    // Entitlements: 2024.12, schemas/defaults.json) would be a `!Find` returning null:
    // left out, with a note. A scope the guide maps itself is bound by `!KeyOf`.
    const SCOPE_MAPPING: &str = "authentik_providers_oauth2.scopemapping";
    let mut mappings = Vec::new();
    for s in &p.scopes {
        if p.custom_mapping(s).is_some() {
            mappings.push(key_of(&scope_mapping_id(s)));
            continue;
        }
        let m = crate::catalog::scope_managed_name(s);
        if crate::model::knowledge().is_default_object(SCOPE_MAPPING, &[("managed", &m)], target) {
            mappings.push(find(SCOPE_MAPPING, "managed", &m));
        } else {
            notes.push(format!(
                "scope mapping {m} left out: authentik {target} does not ship it"
            ));
        }
    }
    for m in &p.extra_property_mappings {
        if crate::model::knowledge().is_default_object(SCOPE_MAPPING, &[("managed", m)], target) {
            mappings.push(find(SCOPE_MAPPING, "managed", m));
        } else {
            notes.push(format!(
                "scope mapping {m} left out: authentik {target} does not ship it"
            ));
        }
    }
    for c in &p.custom_scope_mappings {
        if !p.scopes.contains(&c.scope_name) {
            mappings.push(key_of(&scope_mapping_id(&c.scope_name)));
        }
    }
    attrs.push(("property_mappings", Node::seq(mappings)));
    entry(OAUTH2, r, attrs)
}

/// The `id` of the entry of the guide's own mapping for `scope`.
fn scope_mapping_id(scope: &str) -> String {
    format!("scope-{scope}")
}

/// The name of the guide's own mapping for `scope`: per application, so that two
/// blueprints never write the same mapping (a property mapping's name is unique).
pub fn scope_mapping_name(r: &Resolved, scope: &str) -> String {
    format!("akbp-{} scope {scope}", r.slug)
}

/// The guide's own scope mappings, written before the provider that binds them in place
/// of the managed mappings of their scopes.
fn custom_scope_mappings(r: &Resolved, p: &OAuth2Provider) -> Vec<Item> {
    p.custom_scope_mappings
        .iter()
        .map(|m| {
            let mut attrs = vec![("scope_name", Node::str(&m.scope_name))];
            if let Some(d) = &m.description {
                attrs.push(("description", Node::str(d)));
            }
            attrs.push(("expression", Node::str(&m.expression)));
            Item {
                comments: vec![if p.scopes.contains(&m.scope_name) {
                    format!(
                        "The `{}` scope as the guide has it, bound to the provider instead of\nauthentik's managed `{}` scope mapping.",
                        m.scope_name, m.scope_name
                    )
                } else {
                    format!("The guide's own `{}` scope, bound to the provider.", m.scope_name)
                }],
                node: Node::map([
                    ("model", Node::str("authentik_providers_oauth2.scopemapping")),
                    ("id", Node::str(scope_mapping_id(&m.scope_name))),
                    (
                        "identifiers",
                        Node::map([("name", Node::str(scope_mapping_name(r, &m.scope_name)))]),
                    ),
                    ("attrs", Node::map(attrs)),
                ]),
            }
        })
        .collect()
}

/// The `id` of the entry of the guide's own SAML mapping number `i` (from 1).
fn saml_mapping_id(i: usize) -> String {
    format!("saml-mapping-{i}")
}

/// The name of the guide's own SAML mapping for `saml_name`: per application, so that two
/// blueprints never write the same mapping (a property mapping's name is unique).
pub fn saml_mapping_name(r: &Resolved, saml_name: &str) -> String {
    format!("akbp-{} SAML {saml_name}", r.slug)
}

/// The guide's own SAML property mappings, written before the provider that lists them.
fn custom_saml_mappings(r: &Resolved, p: &SamlProvider) -> Vec<Item> {
    p.custom_property_mappings
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut attrs = vec![("saml_name", Node::str(&m.saml_name))];
            if let Some(f) = &m.friendly_name {
                attrs.push(("friendly_name", Node::str(f)));
            }
            attrs.push(("expression", Node::str(&m.expression)));
            let comments = if i == 0 {
                vec![format!(
                    "The SAML attributes the guide has you create ({}), sent by the provider\nbelow with the managed mappings it lists.",
                    p.custom_property_mappings
                        .iter()
                        .map(|m| m.saml_name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )]
            } else {
                Vec::new()
            };
            Item {
                comments,
                node: Node::map([
                    (
                        "model",
                        Node::str("authentik_providers_saml.samlpropertymapping"),
                    ),
                    ("id", Node::str(saml_mapping_id(i + 1))),
                    (
                        "identifiers",
                        Node::map([("name", Node::str(saml_mapping_name(r, &m.saml_name)))]),
                    ),
                    ("attrs", Node::map(attrs)),
                ]),
            }
        })
        .collect()
}

fn saml(
    r: &Resolved,
    p: &SamlProvider,
    vars: &template::Vars,
    target: Target,
    notes: &mut Vec<String>,
) -> Node {
    let mapping = |m: &str| find("authentik_providers_saml.samlpropertymapping", "managed", m);
    let custom = |name: &str| {
        let i = p
            .custom_property_mappings
            .iter()
            .position(|m| m.saml_name == name)
            .map_or(0, |i| i + 1);
        key_of(&saml_mapping_id(i))
    };
    let mut attrs = vec![
        ("authorization_flow", flow(IMPLICIT_CONSENT)),
        ("invalidation_flow", flow(INVALIDATION)),
        ("acs_url", Node::str(fill(&p.acs_url, vars))),
        ("audience", Node::str(fill(&p.audience, vars))),
    ];
    // Always stated: the default changed in 2026.5 (`authentik` before, the provider's
    // metadata URL after), so a file without it would name another issuer on another
    // release, and `show` could not tell the application which one.
    attrs.push((saml_issuer_field(target), Node::str(r.saml_issuer())));
    attrs.push(("sp_binding", Node::str(p.sp_binding.as_str())));
    if p.signing_key {
        attrs.push((
            "signing_kp",
            find("authentik_crypto.certificatekeypair", "name", SELF_SIGNED),
        ));
    }
    attrs.push(("sign_assertion", Node::Bool(p.sign_assertion)));
    attrs.push(("sign_response", Node::Bool(p.sign_response)));
    if let Some(m) = &p.name_id_mapping {
        attrs.push(("name_id_mapping", mapping(m)));
    }
    if let Some(n) = &p.name_id_custom_mapping {
        attrs.push(("name_id_mapping", custom(n)));
    }
    if let Some(policy) = &p.name_id_policy {
        if field_at(SAML, "default_name_id_policy", target).is_some() {
            attrs.push(("default_name_id_policy", Node::str(policy)));
        } else {
            notes.push(format!(
                "default NameID policy {policy} left out: authentik {target} has none (2025.8+)"
            ));
        }
    }
    attrs.push((
        "property_mappings",
        Node::seq(
            p.property_mappings.iter().map(|m| mapping(m)).chain(
                p.custom_property_mappings
                    .iter()
                    .map(|m| custom(&m.saml_name)),
            ),
        ),
    ));
    if let Some(s) = &p.default_relay_state {
        attrs.push(("default_relay_state", Node::str(fill(s, vars))));
    }
    if let Some(s) = &p.sls_url {
        if field_at(SAML, "sls_url", target).is_some() {
            attrs.push(("sls_url", Node::str(fill(s, vars))));
            if let Some(b) = p.sls_binding {
                attrs.push(("sls_binding", Node::str(b.as_str())));
            }
            if let Some(m) = p.logout_method {
                attrs.push(("logout_method", Node::str(m.as_str())));
            }
        } else if p.sls_binding.is_some() || p.logout_method.is_some() {
            notes.push(format!(
                "single logout left out: authentik {target} has no SLS URL, binding or logout method (2025.10+)"
            ));
        }
    }
    entry(SAML, r, attrs)
}

fn proxy(r: &Resolved, p: &ProxyProvider, vars: &template::Vars) -> Node {
    let mut attrs = vec![
        ("authorization_flow", flow(IMPLICIT_CONSENT)),
        ("invalidation_flow", flow(INVALIDATION)),
        // Always written: a later partial update without `mode` is validated as
        // `proxy` (ProxyProviderSerializer.validate, 2024.10 to 2026.2).
        ("mode", Node::str(p.mode.as_str())),
        ("external_host", Node::str(fill(&p.external_host, vars))),
    ];
    if let Some(internal) = &r.internal_url {
        if p.mode == ProxyMode::Proxy {
            attrs.push(("internal_host", Node::str(internal)));
        }
    }
    if let Some(v) = p.internal_host_ssl_validation {
        attrs.push(("internal_host_ssl_validation", Node::Bool(v)));
    }
    if let (Some(d), ProxyMode::ForwardDomain) = (&p.cookie_domain, p.mode) {
        attrs.push(("cookie_domain", Node::str(d)));
    }
    if !p.skip_path_regex.is_empty() {
        attrs.push(("skip_path_regex", Node::str(p.skip_path_regex.join("\n"))));
    }
    if let Some(b) = &p.basic_auth {
        attrs.push(("basic_auth_enabled", Node::Bool(true)));
        attrs.push(("basic_auth_user_attribute", Node::str(&b.user_attribute)));
        attrs.push((
            "basic_auth_password_attribute",
            Node::str(&b.password_attribute),
        ));
    }
    if let Some(v) = p.intercept_header_auth {
        attrs.push(("intercept_header_auth", Node::Bool(v)));
    }
    entry("authentik_providers_proxy.proxyprovider", r, attrs)
}

fn ldap(r: &Resolved, p: &LdapProvider) -> Parts {
    let mut before = Vec::new();
    let mut attrs = vec![
        ("authorization_flow", flow(&p.bind_flow)),
        ("invalidation_flow", flow(INVALIDATION)),
        (
            "base_dn",
            Node::str(r.base_dn.clone().unwrap_or_else(|| p.base_dn.clone())),
        ),
        ("bind_mode", Node::str(p.bind_mode.as_str())),
        ("search_mode", Node::str(p.search_mode.as_str())),
        ("mfa_support", Node::Bool(p.mfa_support)),
    ];
    if let Some(n) = p.uid_start_number {
        attrs.push(("uid_start_number", Node::Int(n)));
    }
    if let Some(n) = p.gid_start_number {
        attrs.push(("gid_start_number", Node::Int(n)));
    }
    let mut provider = entry("authentik_providers_ldap.ldapprovider", r, attrs);
    if let (Some(sa), Some(var), Some(username)) =
        (&p.service_account, &r.bind_password_env, &r.service_account)
    {
        before.push(Item {
            comments: vec![format!(
                "The service account {} binds with; its password comes from {var}.",
                r.name
            )],
            node: Node::map([
                ("model", Node::str("authentik_core.user")),
                ("id", Node::str("service-account")),
                (
                    "identifiers",
                    Node::map([("username", Node::str(username))]),
                ),
                (
                    "attrs",
                    Node::map([
                        ("name", Node::str(format!("{} LDAP bind account", r.name))),
                        ("password", Node::tagged("Env", Node::str(var))),
                    ]),
                ),
            ]),
        });
        if sa.search_full_directory {
            // Object permission on this provider for the user (blueprint entry
            // `permissions`, authentik 2024.8+; the guide's "Search full LDAP directory").
            // The importer hands the name to Django's permission lookup, which needs
            // `app_label.codename`: the bare codename is rejected ("first argument must be in
            // format: 'app_label.codename'"), seen on the lab's authentik 2026.2.2.
            if let Node::Map(pairs) = &mut provider {
                pairs.push((
                    "permissions".into(),
                    Node::seq([Node::map([
                        (
                            "permission",
                            Node::str("authentik_providers_ldap.search_full_directory"),
                        ),
                        ("user", key_of("service-account")),
                    ])]),
                ));
            }
        }
    }
    Parts {
        before,
        provider,
        comment: "The LDAP provider: base DN and bind and search modes from the guide.".into(),
    }
}
