//! The five seed integrations, pinned field by field against their guides
//! (/work/shared/seeds): what the catalog says and what the generated blueprint holds.

use akbp::catalog::{self, ClientType, MatchingMode, Provider, SubMode};
use akbp::generate::show::{self, ShowFormat, ShowOptions};
use akbp::generate::{generate, GenerateOptions, Naming};
use akbp::load::{self, Node, SourceFile};

struct Expected {
    slug: &'static str,
    client_type: ClientType,
    sub_mode: SubMode,
    /// (matching mode, URL for the guide's placeholder host)
    redirect_uris: &'static [(MatchingMode, &'static str)],
    /// (app-side field, value with the guide's placeholder hosts and slug)
    app_settings: &'static [(&'static str, &'static str)],
}

const SEEDS: &[Expected] = &[
    Expected {
        slug: "budibase",
        client_type: ClientType::Confidential,
        sub_mode: SubMode::HashedUserId,
        redirect_uris: &[(
            MatchingMode::Strict,
            "https://budibase.company/api/global/auth/oidc/callback/",
        )],
        app_settings: &[
            (
                "Config URL",
                "https://authentik.company/application/o/budibase/.well-known/openid-configuration",
            ),
            ("Client ID", "budibase"),
            (
                "Client Secret",
                "<the value of AKBP_BUDIBASE_CLIENT_SECRET>",
            ),
        ],
    },
    Expected {
        slug: "pocketbase",
        client_type: ClientType::Confidential,
        sub_mode: SubMode::HashedUserId,
        redirect_uris: &[(
            MatchingMode::Strict,
            "https://pocketbase.company/api/oauth2-redirect",
        )],
        app_settings: &[
            ("Client ID", "pocketbase"),
            (
                "Client secret",
                "<the value of AKBP_POCKETBASE_CLIENT_SECRET>",
            ),
            ("Display name", "authentik"),
            (
                "Auth URL",
                "https://authentik.company/application/o/authorize/",
            ),
            (
                "Token URL",
                "https://authentik.company/application/o/token/",
            ),
            ("Fetch user info from", "User info URL"),
            (
                "User info URL",
                "https://authentik.company/application/o/userinfo/",
            ),
        ],
    },
    Expected {
        slug: "affine",
        client_type: ClientType::Confidential,
        sub_mode: SubMode::HashedUserId,
        redirect_uris: &[(
            MatchingMode::Strict,
            "https://affine.company/oauth/callback",
        )],
        app_settings: &[
            ("args", "{}"),
            ("issuer", "https://authentik.company/application/o/affine/"),
            ("clientId", "affine"),
            ("clientSecret", "<the value of AKBP_AFFINE_CLIENT_SECRET>"),
        ],
    },
    Expected {
        slug: "netbird",
        client_type: ClientType::Public,
        sub_mode: SubMode::UserUsername,
        redirect_uris: &[(MatchingMode::Regex, r"https://netbird\.company/.*")],
        app_settings: &[
            (
                "NETBIRD_AUTH_OIDC_CONFIGURATION_ENDPOINT",
                "https://authentik.company/application/o/netbird/.well-known/openid-configuration",
            ),
            ("NETBIRD_AUTH_CLIENT_ID", "netbird"),
            ("NETBIRD_AUTH_AUDIENCE", "netbird"),
        ],
    },
    Expected {
        slug: "gravitee",
        client_type: ClientType::Confidential,
        sub_mode: SubMode::HashedUserId,
        redirect_uris: &[
            (MatchingMode::Strict, "https://gravitee.company/user/login"),
            (MatchingMode::Strict, "https://gravitee.company/console/"),
        ],
        app_settings: &[
            (
                "Allow portal authentication to use this identity provider",
                "enabled",
            ),
            ("Client ID", "gravitee"),
            (
                "Client Secret",
                "<the value of AKBP_GRAVITEE_CLIENT_SECRET>",
            ),
            (
                "Token Endpoint",
                "https://authentik.company/application/o/token/",
            ),
            (
                "Authorize Endpoint",
                "https://authentik.company/application/o/authorize/",
            ),
            (
                "Userinfo Endpoint",
                "https://authentik.company/application/o/userinfo/",
            ),
            (
                "Userinfo Logout Endpoint",
                "https://authentik.company/application/o/gravitee/end-session/",
            ),
            ("Scopes", "email openid profile"),
        ],
    },
];

fn placeholder_blueprint(slug: &str) -> load::Document {
    let i = catalog::find(slug).unwrap();
    let mut opts = GenerateOptions::new(
        slug,
        &i.placeholder_app_url(),
        &i.placeholder_authentik_url(),
    );
    opts.naming.params = i.example_params();
    let bp = generate(&opts).unwrap().remove(0);
    load::parse(SourceFile::new(bp.file_name, bp.text)).unwrap()
}

fn entry<'a>(doc: &'a load::Document, model: &str) -> &'a Node {
    doc.root
        .get("entries")
        .and_then(Node::as_seq)
        .unwrap()
        .iter()
        .find(|e| e.get("model").and_then(Node::as_str) == Some(model))
        .unwrap()
}

fn strs(node: &Node) -> Vec<String> {
    node.as_seq()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn catalog_entries_match_their_guides() {
    for want in SEEDS {
        let i = catalog::find(want.slug).unwrap();
        assert_eq!(
            i.methods.len(),
            1,
            "{}: the guide documents OAuth2 only",
            want.slug
        );
        let Provider::Oauth2(p) = &i.default_method().provider else {
            panic!("{}: not OAuth2", want.slug)
        };
        assert_eq!(p.client_type, want.client_type, "{}", want.slug);
        assert_eq!(p.sub_mode, want.sub_mode, "{}", want.slug);
        assert_eq!(p.scopes, ["openid", "email", "profile"], "{}", want.slug);
        assert!(
            p.signing_key,
            "{}: every guide selects a signing key",
            want.slug
        );
        assert_eq!(p.grant_types, ["authorization_code"], "{}", want.slug);
        assert!(
            i.decisions.iter().any(|d| d.topic == "grant_types"),
            "{}: the guides are silent on grant types, so the entry must say why",
            want.slug
        );
        assert!(p.post_logout_redirect_uris.is_empty(), "{}", want.slug);
        assert_eq!(i.guide.authentik_placeholder_host, "authentik.company");
    }
}

#[test]
fn generated_blueprints_match_their_guides() {
    for want in SEEDS {
        let doc = placeholder_blueprint(want.slug);
        let provider = entry(&doc, "authentik_providers_oauth2.oauth2provider");
        let attrs = provider.get("attrs").unwrap();
        let uris: Vec<(String, String)> = attrs
            .get("redirect_uris")
            .and_then(Node::as_seq)
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u.get("matching_mode")
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_string(),
                    u.get("url").unwrap().as_str().unwrap().to_string(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = want
            .redirect_uris
            .iter()
            .map(|(m, u)| (m.as_str().to_string(), u.to_string()))
            .collect();
        assert_eq!(uris, expected, "{}", want.slug);
        assert_eq!(
            attrs.get("client_type").unwrap().as_str(),
            Some(want.client_type.as_str()),
            "{}",
            want.slug
        );
        assert_eq!(
            attrs.get("sub_mode").unwrap().as_str(),
            Some(want.sub_mode.as_str())
        );
        assert_eq!(
            strs(attrs.get("grant_types").unwrap()),
            ["authorization_code"]
        );
        let mappings: Vec<String> = attrs
            .get("property_mappings")
            .and_then(Node::as_seq)
            .unwrap()
            .iter()
            .map(|m| {
                assert_eq!(m.tag.as_ref().unwrap().name, "!Find");
                let cond = &m.as_seq().unwrap()[1];
                cond.as_seq().unwrap()[1].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(
            mappings,
            [
                "goauthentik.io/providers/oauth2/scope-openid",
                "goauthentik.io/providers/oauth2/scope-email",
                "goauthentik.io/providers/oauth2/scope-profile"
            ]
        );
        let secret = attrs.get("client_secret");
        match want.client_type {
            ClientType::Public => assert!(secret.is_none(), "{}", want.slug),
            ClientType::Confidential => {
                let s = secret.unwrap();
                assert_eq!(s.tag.as_ref().unwrap().name, "!Env");
                assert_eq!(
                    s.scalar_text(),
                    Some(format!("AKBP_{}_CLIENT_SECRET", want.slug.to_uppercase()).as_str())
                );
            }
        }
        let app = entry(&doc, "authentik_core.application");
        assert_eq!(
            app.get("identifiers")
                .unwrap()
                .get("slug")
                .unwrap()
                .as_str(),
            Some(want.slug)
        );
        let labels = doc.root.get("metadata").unwrap().get("labels").unwrap();
        assert_eq!(
            labels.get("akbp.dev/integration").unwrap().as_str(),
            Some(want.slug)
        );
    }
}

#[test]
fn app_side_settings_match_their_guides() {
    for want in SEEDS {
        let json = show::render(
            want.slug,
            &ShowOptions {
                naming: Naming::default(),
                method: None,
                format: ShowFormat::Json,
            },
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let got: Vec<(String, String)> = v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["field"].as_str().unwrap().to_string(),
                    s["value"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = want
            .app_settings
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, expected, "{}", want.slug);
    }
}

/// SAML, proxy and LDAP entries pinned field by field against their guides (read at
/// goauthentik/authentik addbf5a2f613, 2026-04-20). The lab applied these blueprints on
/// authentik 2026.2.2 and read the same values back from the created objects (README).
#[test]
fn saml_proxy_and_ldap_entries_match_their_guides() {
    use akbp::catalog::{LdapAccessMode, ProxyMode, SamlBinding};
    let method = |slug: &str| &catalog::find(slug).unwrap().methods[0].provider;
    // (slug, ACS URL, audience, issuer, binding, NameID mapping)
    let saml = [
        (
            "seatable",
            "{app_url}/saml/acs/",
            "{app_url}/saml/metadata/",
            None,
            None,
        ),
        (
            "kimai",
            "{app_url}/auth/saml/acs",
            "{app_url}/auth/saml",
            Some("{authentik_url}"),
            Some("goauthentik.io/providers/saml/email"),
        ),
        (
            "powerdns-admin",
            "{app_url}/saml/authorized",
            "pdns-admin",
            None,
            None,
        ),
    ];
    for (slug, acs, audience, issuer, name_id) in saml {
        let Provider::Saml(p) = method(slug) else {
            panic!("{slug}: not SAML")
        };
        assert_eq!(p.acs_url, acs, "{slug}");
        assert_eq!(p.audience, audience, "{slug}");
        assert_eq!(p.issuer.as_deref(), issuer, "{slug}");
        assert_eq!(
            p.sp_binding,
            SamlBinding::Post,
            "{slug}: every guide says Post"
        );
        assert!(
            p.signing_key && p.sign_assertion && !p.sign_response,
            "{slug}"
        );
        assert_eq!(p.name_id_mapping.as_deref(), name_id, "{slug}");
        assert_eq!(p.property_mappings.len(), 7, "{slug}");
        assert_ne!(Some(p.audience.as_str()), p.issuer.as_deref(), "{slug}");
    }
    // (slug, mode, internal host, unauthenticated paths, basic auth user attribute)
    let proxy = [
        (
            "sonarr",
            ProxyMode::Proxy,
            Some("http://sonarr:8989"),
            0,
            Some("sonarr_user"),
        ),
        (
            "uptime-kuma",
            ProxyMode::Proxy,
            Some("http://uptime-kuma:3001"),
            7,
            None,
        ),
        ("paperless-ng", ProxyMode::ForwardSingle, None, 0, None),
    ];
    for (slug, mode, internal, paths, basic) in proxy {
        let Provider::Proxy(p) = method(slug) else {
            panic!("{slug}: not proxy")
        };
        assert_eq!(p.mode, mode, "{slug}");
        assert_eq!(p.external_host, "{app_url}", "{slug}");
        assert_eq!(p.internal_host.as_deref(), internal, "{slug}");
        assert_eq!(p.skip_path_regex.len(), paths, "{slug}");
        assert_eq!(
            p.basic_auth.as_ref().map(|b| b.user_attribute.as_str()),
            basic,
            "{slug}"
        );
    }
    let Provider::Proxy(kuma) = method("uptime-kuma") else {
        panic!()
    };
    assert!(
        kuma.skip_path_regex.contains(&r"^/icon\.svg$".to_string()),
        "the guide's ^/icon.svg is escaped and anchored"
    );
    let Provider::Ldap(p) = method("thelounge") else {
        panic!("thelounge: not LDAP")
    };
    assert_eq!(p.base_dn, "dc=ldap,dc=goauthentik,dc=io");
    assert_eq!(
        (p.bind_mode, p.search_mode),
        (LdapAccessMode::Direct, LdapAccessMode::Direct)
    );
    assert_eq!(p.bind_flow, "default-authentication-flow");
    let sa = p.service_account.as_ref().unwrap();
    assert_eq!(sa.username, "ldapservice");
    assert!(sa.search_full_directory);
    // The app side: The Lounge's bind DN under the one base DN.
    let json = show::render(
        "thelounge",
        &ShowOptions {
            naming: Naming::default(),
            method: None,
            format: ShowFormat::Json,
        },
    )
    .unwrap();
    assert!(
        json.contains("cn=ldapservice,ou=users,dc=ldap,dc=goauthentik,dc=io"),
        "{json}"
    );
}
