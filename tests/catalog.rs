//! The catalog data files against their JSON Schema, and the schema against the Rust
//! types (both refuse unknown keys).

use akbp::catalog;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(catalog::SCHEMA).unwrap();
    jsonschema::validator_for(&schema).expect("the catalog schema compiles")
}

fn files() -> Vec<(String, serde_json::Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/catalog");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_file_matches_the_schema() {
    let v = validator();
    let files = files();
    assert!(files.len() >= 5, "the five seed integrations at least");
    for (name, value) in &files {
        let errors: Vec<String> = v
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn every_file_is_embedded_and_loads() {
    let loaded = catalog::load_all().unwrap();
    let slugs: Vec<&str> = loaded.iter().map(|i| i.slug.as_str()).collect();
    let names: Vec<String> = files()
        .into_iter()
        .map(|(n, _)| n.trim_end_matches(".json").to_string())
        .collect();
    assert_eq!(slugs, names, "catalog/*.json and the embedded list differ");
    assert_eq!(catalog::all().len(), loaded.len());
}

type Mutation = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn schema_and_types_refuse_the_same_mistakes() {
    let v = validator();
    let (_, good) = files().remove(0);
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "unknown top-level key",
            Box::new(|e| e["launch_uri"] = "x".into()),
        ),
        (
            "unknown provider key",
            Box::new(|e| e["methods"][0]["provider"]["grant_type"] = "x".into()),
        ),
        (
            "bad matching mode",
            Box::new(|e| {
                e["methods"][0]["provider"]["redirect_uris"][0]["matching_mode"] = "Strict".into()
            }),
        ),
        (
            "bad sub mode",
            Box::new(|e| e["methods"][0]["provider"]["sub_mode"] = "username".into()),
        ),
        (
            "bad provider type",
            Box::new(|e| e["methods"][0]["provider"]["type"] = "oidc".into()),
        ),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!v.is_valid(&bad), "schema accepts {what}");
        assert!(
            serde_json::from_value::<catalog::Integration>(bad).is_err(),
            "serde accepts {what}"
        );
    }
    // And the schema alone catches what serde's types cannot express.
    for (what, mutate) in [
        (
            "empty grant types",
            Box::new(|e: &mut serde_json::Value| {
                e["methods"][0]["provider"]["grant_types"] = serde_json::json!([])
            }) as Box<dyn Fn(&mut serde_json::Value)>,
        ),
        (
            "redirect URI not built on the app URL",
            Box::new(|e| {
                e["methods"][0]["provider"]["redirect_uris"][0]["url"] = "https://x/cb".into()
            }),
        ),
        ("reserved slug", Box::new(|e| e["slug"] = "token".into())),
    ] {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!v.is_valid(&bad), "schema accepts {what}");
    }
}

#[test]
fn logout_uris_fit_the_format() {
    let (_, mut e) = files().remove(0);
    e["methods"][0]["provider"]["post_logout_redirect_uris"] = serde_json::json!([
        {"matching_mode": "strict", "url": "{app_url}/logged-out", "redirect_uri_type": "logout"}
    ]);
    assert!(validator().is_valid(&e));
    let i: catalog::Integration = serde_json::from_value(e).unwrap();
    let catalog::Provider::Oauth2(p) = &i.methods[0].provider else {
        panic!("the first file is OAuth2")
    };
    assert_eq!(
        p.post_logout_redirect_uris[0].redirect_uri_type,
        catalog::RedirectUriType::Logout
    );
}

/// Slugs and aliases are one namespace: no alias names another entry or another entry's
/// alias, and every alias finds its entry (`generate`, `show` and the integration rules
/// look slugs up through `catalog::find`).
#[test]
fn aliases_are_unique_and_found() {
    let all = catalog::all();
    let mut seen: Vec<(&str, &str)> = all
        .iter()
        .map(|i| (i.slug.as_str(), i.slug.as_str()))
        .collect();
    for i in all {
        for a in &i.aliases {
            assert!(
                !seen.iter().any(|(n, _)| n == a),
                "{}: alias `{a}` is already a slug or an alias of {:?}",
                i.slug,
                seen.iter().find(|(n, _)| n == a)
            );
            seen.push((a, &i.slug));
            assert_eq!(
                catalog::find(a).map(|f| f.slug.as_str()),
                Some(i.slug.as_str())
            );
            assert_eq!(catalog::renamed_to(a), Some(i.slug.as_str()));
        }
        assert_eq!(catalog::renamed_to(&i.slug), None);
    }
    // The renamed GitHub, Jellyseerr, Mattermost and Microsoft guides (issue 20).
    for (old, new) in [
        ("github-organization", "ghec"),
        ("github-enterprise-cloud", "ghec"),
        ("github-enterprise-emu", "ghec-emu"),
        ("github-enterprise-server", "ghes"),
        ("jellyseerr", "seerr"),
        ("mattermost-team-edition", "mattermost"),
        ("microsoft", "microsoft-saml"),
    ] {
        assert_eq!(catalog::renamed_to(old), Some(new), "{old}");
    }
}

/// Entries refreshed against the newest guides (issue 20), pinned field by field: every key
/// of the method's provider, as the guide at the recorded commit says (the entries'
/// `decisions` give the reasons where the catalog writes something else). Together with the
/// pins in `tests/seeds.rs` each provider type has at least five pinned entries, at least
/// two of them changed by the refresh.
#[test]
fn refreshed_entries_are_pinned_field_by_field() {
    use serde_json::json;
    let oauth2 = |uris: serde_json::Value,
                  scopes: &[&str],
                  grants: &[&str],
                  logout: serde_json::Value| {
        json!({
            "type": "oauth2", "client_type": "confidential", "redirect_uris": uris,
            "scopes": scopes, "sub_mode": "hashed_user_id", "signing_key": true,
            "grant_types": grants, "extra_property_mappings": [], "post_logout_redirect_uris": logout,
        })
    };
    let strict = |url: &str| json!({"matching_mode": "strict", "url": url, "redirect_uri_type": "authorization"});
    let default_saml = json!([
        "goauthentik.io/providers/saml/upn",
        "goauthentik.io/providers/saml/name",
        "goauthentik.io/providers/saml/email",
        "goauthentik.io/providers/saml/username",
        "goauthentik.io/providers/saml/uid",
        "goauthentik.io/providers/saml/groups",
        "goauthentik.io/providers/saml/ms-windowsaccountname"
    ]);
    let code = ["authorization_code"];
    let oidc = ["openid", "email", "profile"];
    // (slug, method, guide commit, provider)
    let pins: Vec<(&str, &str, &str, serde_json::Value)> = vec![
        // Home Assistant: two OIDC integrations, two callbacks; the proxy method is gone.
        (
            "home-assistant",
            "hass-oidc-auth",
            "8f4924aaec61be4e022e1c8362967c5c653640c7",
            oauth2(
                json!([strict("{app_url}/auth/oidc/callback")]),
                &oidc,
                &code,
                json!([]),
            ),
        ),
        (
            "home-assistant",
            "hass-openid",
            "8f4924aaec61be4e022e1c8362967c5c653640c7",
            oauth2(
                json!([strict("{app_url}/auth/openid/callback")]),
                &oidc,
                &code,
                json!([]),
            ),
        ),
        // Rancher: Generic OIDC replaced the ADFS SAML setup.
        (
            "rancher",
            "oauth2",
            "312bc631153162f071973692f5f4bff47820aea9",
            oauth2(
                json!([strict("{app_url}/verify-auth")]),
                &oidc,
                &code,
                json!([]),
            ),
        ),
        // Seerr (was Jellyseerr): login page and linked-accounts page.
        (
            "seerr",
            "oauth2",
            "0376b6251483e91261c0084e6d96b661784af1e7",
            oauth2(
                json!([
                    strict("{app_url}/login"),
                    strict("{app_url}/profile/settings/linked-accounts")
                ]),
                &oidc,
                &code,
                json!([]),
            ),
        ),
        // Mattermost (merged Team Edition guide): login and signup callbacks.
        (
            "mattermost",
            "oauth2",
            "00db50d80462ca8f318dc9868ec7eb7016ed140a",
            oauth2(
                json!([
                    strict("{app_url}/login/gitlab/complete"),
                    strict("{app_url}/signup/gitlab/complete")
                ]),
                &oidc,
                &code,
                json!([]),
            ),
        ),
        // Coder: offline_access for token refresh.
        (
            "coder",
            "oauth2",
            "8f4924aaec61be4e022e1c8362967c5c653640c7",
            oauth2(
                json!([strict("{app_url}/api/v2/users/oidc/callback")]),
                &["openid", "email", "profile", "offline_access"],
                &["authorization_code", "refresh_token"],
                json!([]),
            ),
        ),
        // Audiobookshelf: a post-logout URI.
        (
            "audiobookshelf",
            "oauth2",
            "053e368f38b6d66c3d2c1dae3e525014955d3718",
            oauth2(
                json!([
                    strict("{app_url}/auth/openid/callback"),
                    strict("{app_url}/auth/openid/mobile-redirect")
                ]),
                &oidc,
                &code,
                json!([{"matching_mode": "strict", "url": "{app_url}/login", "redirect_uri_type": "logout"}]),
            ),
        ),
        (
            "ghec-emu",
            "saml",
            "0301574bbbc0afa081c29c1e049499f7305d1b1a",
            json!({
            "type": "saml", "acs_url": "{app_url}/enterprises/{param:enterprise}/saml/consume",
            "audience": "{app_url}/enterprises/{param:enterprise}", "sp_binding": "post",
            "sign_assertion": true, "sign_response": true, "signing_key": true,
            "name_id_mapping": "goauthentik.io/providers/saml/username", "property_mappings": default_saml,
            "cert_format": "the full PEM certificate, BEGIN and END lines included"}),
        ),
        (
            "mattermost",
            "saml",
            "00db50d80462ca8f318dc9868ec7eb7016ed140a",
            json!({
            "type": "saml", "acs_url": "{app_url}/login/sso/saml", "audience": "{app_url}/login/sso/saml",
            "sp_binding": "post", "sign_assertion": true, "sign_response": true, "signing_key": true,
            "property_mappings": default_saml}),
        ),
        (
            "zabbix",
            "saml",
            "8275dcfc2e8aec49dfac80bbdf46e46a8cb7f69a",
            json!({
            "type": "saml", "acs_url": "{app_url}/index_sso.php?acs", "audience": "{app_url}",
            "sp_binding": "post", "sign_assertion": true, "sign_response": false, "signing_key": true,
            "property_mappings": default_saml, "sls_url": "{app_url}/index_sso.php?sls"}),
        ),
        (
            "google-workspace",
            "saml",
            "8f4924aaec61be4e022e1c8362967c5c653640c7",
            json!({
            "type": "saml", "acs_url": "https://accounts.google.com/a/{param:domain}/acs",
            "audience": "google.com/a/{param:domain}", "sp_binding": "post", "sign_assertion": true,
            "sign_response": false, "signing_key": true,
            "name_id_mapping": "goauthentik.io/providers/saml/email", "property_mappings": default_saml}),
        ),
        (
            "calibre-web",
            "ldap",
            "f44f43b2b701d818dc8979b4de89627d7cda0a15",
            json!({
            "type": "ldap", "base_dn": "dc=ldap,dc=goauthentik,dc=io", "bind_mode": "direct",
            "search_mode": "direct", "bind_flow": "default-authentication-flow", "mfa_support": true,
            "service_account": {"username": "calibreweb", "search_full_directory": true}}),
        ),
        (
            "pfsense",
            "ldap",
            "6cf451965d188b834caabae223e26b1305f0032a",
            json!({
            "type": "ldap", "base_dn": "dc=ldap,dc=goauthentik,dc=io", "bind_mode": "direct",
            "search_mode": "direct", "bind_flow": "default-authentication-flow", "mfa_support": true,
            "service_account": {"username": "ldapservice", "search_full_directory": true}}),
        ),
    ];
    let files = files();
    for (slug, method, commit, want) in pins {
        let (_, entry) = files
            .iter()
            .find(|(n, _)| n == &format!("{slug}.json"))
            .unwrap_or_else(|| panic!("no entry {slug}"));
        assert_eq!(
            entry["guide"]["commit"], commit,
            "{slug}: read from another commit"
        );
        let got = &entry["methods"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == method)
            .unwrap_or_else(|| panic!("{slug}: no method {method}"))["provider"];
        let (got, want) = (got.as_object().unwrap(), want.as_object().unwrap());
        for (k, v) in want {
            assert_eq!(got.get(k), Some(v), "{slug} {method}: {k}");
        }
        let extra: Vec<&String> = got.keys().filter(|k| !want.contains_key(*k)).collect();
        assert!(
            extra.is_empty(),
            "{slug} {method}: unpinned fields {extra:?}"
        );
    }
}
