//! OAuth2/OIDC entries added from the newest guide texts (goauthentik/authentik, read
//! 2026-12-06), pinned field by field: the catalog entry, the provider akbp generates for
//! authentik 2026.5 (typed redirect URIs and grant types) and 2026.2 (no post-logout URIs),
//! and the application-side settings `akbp show` prints. Values are those of the guides'
//! placeholder hosts and of the entries' parameter examples; each entry's `decisions` say
//! where and why a value differs from its guide's text.

use akbp::catalog::{self, ClientType, MatchingMode, Provider, RedirectUriType, SubMode};
use akbp::generate::Naming;
use akbp::load::Node;
use akbp::target::Target;

mod common;
use common::pins::{entry, generated, pinned, placeholder_options, shown_settings, strs};

struct Pin {
    slug: &'static str,
    method: &'static str,
    /// The guide's path and the commit of its newest text.
    guide: (&'static str, &'static str),
    client_type: ClientType,
    sub_mode: SubMode,
    scopes: &'static [&'static str],
    grant_types: &'static [&'static str],
    /// (matching mode, URL with the guide's placeholder host or the parameter examples)
    redirect_uris: &'static [(MatchingMode, &'static str)],
    post_logout: &'static [(MatchingMode, &'static str)],
    /// (parameter, shown by the application)
    params: &'static [(&'static str, bool)],
    app_settings: &'static [(&'static str, &'static str)],
}

const PINS: &[Pin] = &[
    Pin {
        slug: "incus",
        method: "oauth2",
        guide: (
            "website/integrations/hypervisors-orchestrators/incus/index.mdx",
            "0e76d618741a7921b3a4868b6ffb6f6b377f34e4",
        ),
        client_type: ClientType::Public,
        sub_mode: SubMode::HashedUserId,
        scopes: &["openid", "email", "profile"],
        grant_types: &[
            "authorization_code",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
        redirect_uris: &[(MatchingMode::Strict, "https://incus.company/oidc/callback")],
        post_logout: &[(MatchingMode::Strict, "https://incus.company")],
        params: &[],
        app_settings: &[
            (
                "oidc.issuer",
                "https://authentik.company/application/o/incus/",
            ),
            ("oidc.client.id", "incus"),
        ],
    },
    Pin {
        slug: "appsmith",
        method: "oauth2",
        guide: (
            "website/integrations/platforms/appsmith/index.mdx",
            "07b41fff4aaf8a5f3b2812ad7dcf974f93174590",
        ),
        client_type: ClientType::Confidential,
        sub_mode: SubMode::HashedUserId,
        scopes: &["openid", "email", "profile", "offline_access"],
        grant_types: &["authorization_code", "refresh_token"],
        redirect_uris: &[(
            MatchingMode::Strict,
            "https://appsmith.company/login/oauth2/code/oidc",
        )],
        post_logout: &[],
        params: &[],
        app_settings: &[
            (
                "Redirect URL",
                "https://appsmith.company/login/oauth2/code/oidc",
            ),
            ("Client ID", "appsmith"),
            (
                "Client secret",
                "<the value of AKBP_APPSMITH_CLIENT_SECRET>",
            ),
            (
                "Authorization URL",
                "https://authentik.company/application/o/authorize/",
            ),
            (
                "Token URL",
                "https://authentik.company/application/o/token/",
            ),
            (
                "User info URL",
                "https://authentik.company/application/o/userinfo/",
            ),
            (
                "JWK set URL",
                "https://authentik.company/application/o/appsmith/jwks/",
            ),
            ("Scope", "add offline_access"),
            ("Save & restart", "click, and wait for the restart"),
        ],
    },
];

/// The OAuth2 provider's `attrs` generated for the pin at `target` (placeholder hosts,
/// example parameters), and the generator's notes.
fn provider_attrs(pin: &Pin, target: Target) -> (Node, Vec<String>) {
    let mut opts = placeholder_options(pin.slug);
    opts.method = Some(pin.method.to_string());
    opts.naming.params = catalog::find(pin.slug).unwrap().example_params();
    opts.target = target;
    let (doc, notes) = generated(&opts);
    let provider = entry(&doc, "authentik_providers_oauth2.oauth2provider");
    (provider.get("attrs").unwrap().clone(), notes)
}

#[test]
fn entries_match_their_newest_guides() {
    for pin in PINS {
        let i = catalog::find(pin.slug).unwrap();
        assert_eq!(
            (i.guide.path.as_str(), i.guide.commit.as_str()),
            pin.guide,
            "{}",
            pin.slug
        );
        let m = i
            .methods
            .iter()
            .find(|m| m.name == pin.method)
            .unwrap_or_else(|| panic!("{}: no method {}", pin.slug, pin.method));
        let Provider::Oauth2(p) = &m.provider else {
            panic!("{} {}: not OAuth2", pin.slug, pin.method)
        };
        let ctx = format!("{} {}", pin.slug, pin.method);
        assert_eq!(p.client_type, pin.client_type, "{ctx}");
        assert_eq!(p.sub_mode, pin.sub_mode, "{ctx}");
        assert_eq!(p.scopes, pin.scopes, "{ctx}");
        assert_eq!(p.grant_types, pin.grant_types, "{ctx}");
        assert!(p.signing_key, "{ctx}: the guide selects a signing key");
        assert!(p.extra_property_mappings.is_empty(), "{ctx}");
        for u in &p.redirect_uris {
            assert_eq!(u.redirect_uri_type, RedirectUriType::Authorization, "{ctx}");
        }
        for u in &p.post_logout_redirect_uris {
            assert_eq!(u.redirect_uri_type, RedirectUriType::Logout, "{ctx}");
        }
        let declared: Vec<(&str, bool)> = i
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.shown_by_app))
            .collect();
        assert_eq!(declared, pin.params, "{ctx}");
        assert!(
            i.decisions.iter().any(|d| d.topic == "grant_types"),
            "{ctx}: the guide names no grant types, so the entry says why"
        );
    }
}

#[test]
fn generated_providers_match_their_newest_guides() {
    let uris = |attrs: &Node| -> Vec<(String, String, Option<String>)> {
        attrs
            .get("redirect_uris")
            .and_then(Node::as_seq)
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u.get("matching_mode")
                        .unwrap()
                        .scalar_text()
                        .unwrap()
                        .to_string(),
                    u.get("url").unwrap().scalar_text().unwrap().to_string(),
                    u.get("redirect_uri_type")
                        .and_then(Node::scalar_text)
                        .map(str::to_string),
                )
            })
            .collect()
    };
    for pin in PINS {
        let ctx = format!("{} {}", pin.slug, pin.method);
        // 2026.5: every URI typed, the logout ones after the authorization ones.
        let (attrs, _) = provider_attrs(pin, Target::new(2026, 5));
        let mut want: Vec<(String, String, Option<String>)> = pin
            .redirect_uris
            .iter()
            .map(|(m, u)| {
                (
                    m.as_str().into(),
                    u.to_string(),
                    Some("authorization".into()),
                )
            })
            .collect();
        want.extend(
            pin.post_logout
                .iter()
                .map(|(m, u)| (m.as_str().into(), u.to_string(), Some("logout".into()))),
        );
        assert_eq!(uris(&attrs), want, "{ctx}");
        assert_eq!(
            strs(attrs.get("grant_types").unwrap()),
            pin.grant_types,
            "{ctx}"
        );
        assert_eq!(
            attrs.get("client_type").and_then(Node::scalar_text),
            Some(pin.client_type.as_str()),
            "{ctx}"
        );
        assert_eq!(
            attrs.get("sub_mode").and_then(Node::scalar_text),
            Some(pin.sub_mode.as_str()),
            "{ctx}"
        );
        assert_eq!(
            attrs.get("client_secret").is_some(),
            pin.client_type == ClientType::Confidential,
            "{ctx}: a secret exactly for confidential clients"
        );
        assert!(attrs.get("signing_key").is_some(), "{ctx}");
        let mappings: Vec<String> = attrs
            .get("property_mappings")
            .and_then(Node::as_seq)
            .unwrap()
            .iter()
            .map(|m| {
                m.as_seq().unwrap()[1].as_seq().unwrap()[1]
                    .scalar_text()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let want_mappings: Vec<String> = pin
            .scopes
            .iter()
            .map(|s| format!("goauthentik.io/providers/oauth2/scope-{s}"))
            .collect();
        assert_eq!(mappings, want_mappings, "{ctx}");

        // 2026.2 has no logout redirect URIs: they are left out (an untyped URI would be an
        // authorization URI) and the blueprint says so.
        let (attrs, notes) = provider_attrs(pin, Target::new(2026, 2));
        let old: Vec<(String, String, Option<String>)> = pin
            .redirect_uris
            .iter()
            .map(|(m, u)| (m.as_str().into(), u.to_string(), None))
            .collect();
        assert_eq!(uris(&attrs), old, "{ctx} at 2026.2");
        assert!(attrs.get("grant_types").is_none(), "{ctx} at 2026.2");
        for (_, u) in pin.post_logout {
            assert!(
                notes
                    .iter()
                    .any(|n| n.contains(u) && n.contains("left out")),
                "{ctx}: no note for the left-out {u}: {notes:?}"
            );
        }
    }
}

#[test]
fn app_side_settings_match_their_newest_guides() {
    for pin in PINS {
        let naming = Naming {
            params: catalog::find(pin.slug).unwrap().example_params(),
            ..Naming::default()
        };
        assert_eq!(
            shown_settings(pin.slug, naming, Some(pin.method)),
            pinned(pin.app_settings),
            "{} {}",
            pin.slug,
            pin.method
        );
    }
}
