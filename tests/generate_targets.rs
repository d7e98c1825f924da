//! What a generated blueprint states so that it means the same on every release it
//! targets, and what the generator adds beyond authentik's defaults (issue 19): the
//! guide's own scope mappings, the LDAP service account behind `--allow-group`.

use akbp::catalog::{self, Provider};
use akbp::generate::{generate, GenerateOptions};
use akbp::load::{self, Node, SourceFile};
use akbp::model::{FieldLookup, ModelLookup};
use akbp::target::Target;

/// One integration at made-up hosts, with the examples of the entry's declared parameters.
fn options(slug: &str) -> GenerateOptions {
    let mut o = GenerateOptions::new(slug, "https://app.example.com", "https://auth.example.com");
    o.naming.params = catalog::find(slug)
        .map(|i| i.example_params())
        .unwrap_or_default();
    o
}

fn parse(text: &str) -> load::Document {
    load::parse(SourceFile::new("t.yaml", text.to_string()))
        .unwrap_or_else(|e| panic!("generated YAML does not load: {e}\n{text}"))
}

fn entries(doc: &load::Document) -> Vec<&Node> {
    doc.root
        .get("entries")
        .and_then(Node::as_seq)
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

fn model_of(e: &Node) -> &str {
    e.get("model").and_then(Node::as_str).unwrap_or("")
}

fn attr<'a>(e: &'a Node, name: &str) -> Option<&'a Node> {
    e.get("attrs").and_then(|a| a.get(name))
}

/// `!KeyOf ID` -> Some(ID); a `!Find [model, [field, value]]` -> the value.
fn tag_arg(n: &Node) -> (String, String) {
    let tag = n.custom_tag().map(|t| t.name.clone()).unwrap_or_default();
    let arg = match n.as_seq() {
        Some(items) => items
            .get(1)
            .and_then(Node::as_seq)
            .and_then(|p| p.get(1))
            .and_then(Node::scalar_text)
            .unwrap_or("")
            .to_string(),
        None => n.scalar_text().unwrap_or("").to_string(),
    };
    (tag, arg)
}

#[test]
fn custom_scope_mappings_replace_the_managed_ones_at_every_target() {
    let mut seen = 0;
    for i in catalog::all() {
        for m in &i.methods {
            let Provider::Oauth2(p) = &m.provider else {
                continue;
            };
            if p.custom_scope_mappings.is_empty() {
                continue;
            }
            for target in Target::KNOWN {
                let mut o = options(&i.slug);
                o.method = Some(m.name.clone());
                o.target = target;
                let bp = generate(&o).unwrap().remove(0);
                let doc = parse(&bp.text);
                let es = entries(&doc);
                let provider = es
                    .iter()
                    .find(|e| model_of(e) == "authentik_providers_oauth2.oauth2provider")
                    .unwrap();
                let bound: Vec<(String, String)> = attr(provider, "property_mappings")
                    .and_then(Node::as_seq)
                    .unwrap()
                    .iter()
                    .map(tag_arg)
                    .collect();
                for c in &p.custom_scope_mappings {
                    let id = format!("scope-{}", c.scope_name);
                    let mapping = es
                        .iter()
                        .find(|e| e.get("id").and_then(Node::as_str) == Some(id.as_str()))
                        .unwrap_or_else(|| panic!("{} at {target}: no {id}\n{}", i.slug, bp.text));
                    assert_eq!(model_of(mapping), "authentik_providers_oauth2.scopemapping");
                    // The expression reads back byte for byte (a literal block).
                    assert_eq!(
                        attr(mapping, "expression").and_then(Node::as_str),
                        Some(c.expression.as_str()),
                        "{}",
                        bp.text
                    );
                    assert_eq!(
                        attr(mapping, "scope_name").and_then(Node::as_str),
                        Some(c.scope_name.as_str())
                    );
                    assert!(
                        bound.contains(&("!KeyOf".into(), id.clone())),
                        "{} at {target}: {bound:?}",
                        i.slug
                    );
                    // Two mappings of one scope would both run; the managed one is gone.
                    let managed = catalog::scope_managed_name(&c.scope_name);
                    assert!(
                        !bound.iter().any(|(_, v)| *v == managed),
                        "{} at {target}: {bound:?}",
                        i.slug
                    );
                }
                let extra = p
                    .custom_scope_mappings
                    .iter()
                    .filter(|c| !p.scopes.contains(&c.scope_name))
                    .count();
                assert_eq!(
                    bound.len(),
                    p.scopes.len() + p.extra_property_mappings.len() + extra
                );
                seen += 1;
            }
        }
    }
    assert!(seen >= 4 * Target::KNOWN.len(), "{seen}");
    // The lab's accepted failures were these four (tests/lab/logins-accepted.tsv).
    for slug in ["arcane", "beszel", "komga", "vaultwarden"] {
        let Provider::Oauth2(p) = &catalog::find(slug).unwrap().default_method().provider else {
            panic!("{slug}")
        };
        let c = p.custom_mapping("email").expect(slug);
        assert!(c.expression.contains("\"email_verified\": True"), "{slug}");
    }
}

#[test]
fn ldap_service_account_may_bind_behind_allow_group() {
    let mut checked = 0;
    for i in catalog::all() {
        for m in &i.methods {
            let Provider::Ldap(p) = &m.provider else {
                continue;
            };
            let mut o = options(&i.slug);
            o.method = Some(m.name.clone());
            o.allow_group = Some("staff".into());
            let bp = generate(&o).unwrap().remove(0);
            let doc = parse(&bp.text);
            let es = entries(&doc);
            let bindings: Vec<&&Node> = es
                .iter()
                .filter(|e| model_of(e) == "authentik_policies.policybinding")
                .collect();
            let group = bindings
                .iter()
                .filter(|b| attr(b, "group").is_some())
                .count();
            let users: Vec<(String, String)> = bindings
                .iter()
                .filter_map(|b| attr(b, "user").map(tag_arg))
                .collect();
            assert_eq!(group, 1, "{}", bp.text);
            if p.service_account.is_some() {
                assert_eq!(
                    users,
                    vec![("!KeyOf".to_string(), "service-account".to_string())],
                    "{}",
                    bp.text
                );
            } else {
                assert!(users.is_empty(), "{}", bp.text);
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "{checked}");
}

/// Each blueprint sets its service account's password from its own variable: two
/// applications with one account would overwrite each other's password.
#[test]
fn ldap_service_accounts_are_per_application() {
    let mut names: Vec<(String, String)> = Vec::new();
    for i in catalog::all() {
        for m in &i.methods {
            let Provider::Ldap(p) = &m.provider else {
                continue;
            };
            let Some(sa) = &p.service_account else {
                continue;
            };
            let mut o = options(&i.slug);
            o.method = Some(m.name.clone());
            let bp = generate(&o).unwrap().remove(0);
            let doc = parse(&bp.text);
            let user = entries(&doc)
                .into_iter()
                .find(|e| model_of(e) == "authentik_core.user")
                .and_then(|e| {
                    e.get("identifiers")?
                        .get("username")?
                        .as_str()
                        .map(String::from)
                })
                .unwrap();
            assert!(user.starts_with(&sa.username), "{user}");
            assert!(
                !names.iter().any(|(_, u)| *u == user),
                "{} and {names:?} share {user}",
                i.slug
            );
            names.push((i.slug.clone(), user));
            // Another slug for the same integration is another application.
            o.naming.slug = Some(format!("{}-2", i.slug));
            let other = generate(&o).unwrap().remove(0);
            assert!(
                other
                    .text
                    .contains(&format!("username: {}-{}-2\n", sa.username, i.slug)),
                "{}",
                other.text
            );
        }
    }
    assert!(names.len() >= 10, "{names:?}");
    assert!(names.contains(&("nextcloud".into(), "ldapservice-nextcloud".into())));
    assert!(names.contains(&("calibre-web".into(), "calibreweb".into())));
}

/// `show --format json` for the options a blueprint was generated with.
fn show_json(o: &GenerateOptions, slug: &str) -> serde_json::Value {
    use akbp::generate::show::{render, ShowFormat, ShowOptions};
    let text = render(
        slug,
        &ShowOptions {
            naming: o.naming.clone(),
            method: o.method.clone(),
            format: ShowFormat::Json,
            target: o.target,
            secret: o.secret,
        },
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn fact(show: &serde_json::Value, field: &str) -> Option<String> {
    show["authentik_side"]
        .as_array()?
        .iter()
        .find(|f| f["field"] == field)
        .and_then(|f| f["value"].as_str())
        .map(String::from)
}

/// Issue 19: at every supported target each SAML provider states its issuer, in the field
/// that release has, and `show` tells the application the same value; the same for the
/// grant types and typed redirect URIs where the target has them.
#[test]
fn every_target_states_what_changed_and_show_prints_the_same() {
    let (mut saml, mut oauth) = (0, 0);
    for target in Target::KNOWN {
        let new_field = target.at_least(Target::new(2026, 5));
        for i in catalog::all() {
            for m in &i.methods {
                let mut o = options(&i.slug);
                o.method = Some(m.name.clone());
                o.target = target;
                let Ok(mut bps) = generate(&o) else {
                    continue; // an ACS URL an old release refuses (see tests/generate.rs)
                };
                let bp = bps.remove(0);
                let doc = parse(&bp.text);
                let provider = *entries(&doc)
                    .iter()
                    .find(|e| e.get("id").and_then(Node::as_str) == Some("provider"))
                    .unwrap();
                let show = show_json(&o, &i.slug);
                assert_eq!(show["target"], target.to_string());
                match &m.provider {
                    Provider::Saml(_) => {
                        let (field, other) = if new_field {
                            ("issuer_override", "issuer")
                        } else {
                            ("issuer", "issuer_override")
                        };
                        let stated = attr(provider, field).and_then(Node::as_str);
                        assert!(stated.is_some(), "{} at {target}:\n{}", i.slug, bp.text);
                        assert!(attr(provider, other).is_none(), "{}", bp.text);
                        assert_eq!(
                            stated.map(String::from),
                            fact(&show, "Issuer"),
                            "{} at {target}",
                            i.slug
                        );
                        assert_eq!(fact(&show, "Issuer field").as_deref(), Some(field));
                        // The field name comes from the model data of that release.
                        let has = |f: &str| match akbp::model::knowledge()
                            .model("authentik_providers_saml.samlprovider", target)
                        {
                            ModelLookup::Known(m) => {
                                matches!(m.field(f), FieldLookup::Known(_))
                            }
                            _ => false,
                        };
                        assert!(has(field) && !has(other), "{target}");
                        saml += 1;
                    }
                    Provider::Oauth2(p) => {
                        let grants: Option<Vec<String>> = attr(provider, "grant_types")
                            .and_then(Node::as_seq)
                            .map(|s| s.iter().map(|n| n.as_str().unwrap().to_string()).collect());
                        let shown: Option<Vec<String>> =
                            serde_json::from_value(show["grant_types"].clone()).ok();
                        assert_eq!(grants, shown, "{} at {target}", i.slug);
                        if new_field {
                            assert_eq!(grants.as_ref(), Some(&p.grant_types));
                            assert!(!p.grant_types.is_empty());
                        } else {
                            assert!(grants.is_none());
                        }
                        let uris: Vec<(String, String, String)> = attr(provider, "redirect_uris")
                            .and_then(Node::as_seq)
                            .unwrap()
                            .iter()
                            .map(|u| {
                                let s = |k: &str| u.get(k).and_then(Node::as_str).map(String::from);
                                if new_field {
                                    assert!(s("redirect_uri_type").is_some());
                                } else {
                                    assert!(s("redirect_uri_type").is_none());
                                }
                                (
                                    s("url").unwrap(),
                                    s("matching_mode").unwrap(),
                                    s("redirect_uri_type")
                                        .unwrap_or_else(|| "authorization".into()),
                                )
                            })
                            .collect();
                        let shown: Vec<(String, String, String)> = show["redirect_uris"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|u| {
                                let s = |k: &str| u[k].as_str().unwrap().to_string();
                                (s("url"), s("matching_mode"), s("redirect_uri_type"))
                            })
                            .collect();
                        assert_eq!(uris, shown, "{} at {target}", i.slug);
                        oauth += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(saml >= 50 * Target::KNOWN.len() - 20, "{saml}");
    assert!(oauth >= 100 * Target::KNOWN.len(), "{oauth}");
}

/// `show --secret` prints where the application finds the secret of that file.
#[test]
fn show_follows_the_secret_mode() {
    use akbp::generate::SecretMode;
    let mut o = options("gravitee");
    for (mode, says, reads) in [
        (
            SecretMode::Env,
            "AKBP_GRAVITEE_CLIENT_SECRET",
            "client_secret: !Env",
        ),
        (
            SecretMode::Random,
            "random value the blueprint holds",
            "client_secret:",
        ),
        (SecretMode::Omit, "copy it from the provider", ""),
    ] {
        o.secret = mode;
        let bp = generate(&o).unwrap().remove(0);
        let show = show_json(&o, "gravitee");
        let text = akbp::generate::show::render(
            "gravitee",
            &akbp::generate::show::ShowOptions {
                naming: o.naming.clone(),
                secret: mode,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(text.contains(says), "{mode}: {text}");
        match mode {
            SecretMode::Env => {
                assert_eq!(show["secret_env"], "AKBP_GRAVITEE_CLIENT_SECRET");
                assert!(bp.text.contains(reads));
            }
            SecretMode::Random => {
                assert!(show["secret_env"].is_null());
                assert_eq!(show["secret"], "random");
                assert!(bp.text.contains(reads) && !bp.text.contains("!Env"));
                assert!(bp.text.contains("--secret random --target"), "{}", bp.text);
            }
            SecretMode::Omit => {
                assert!(!bp.text.contains("client_secret:"));
                assert!(bp.text.contains("--secret omit --target"), "{}", bp.text);
            }
        }
    }
}

/// A plain `http://` URL is refused only where codes, tokens or assertions travel.
#[test]
fn plain_http_only_where_nothing_secret_travels() {
    use akbp::generate::GenerateError;
    let http = |slug: &str, method: &str, app: &str, ak: &str| {
        let mut o = GenerateOptions::new(slug, app, ak);
        o.naming.params = catalog::find(slug).unwrap().example_params();
        o.method = Some(method.to_string());
        generate(&o)
    };
    // OAuth2 redirect URIs, a SAML ACS URL, a proxy's external host: refused.
    for (slug, method) in [
        ("grafana", "oauth2"),
        ("kimai", "saml"),
        ("sonarr", "proxy"),
    ] {
        let e = http(
            slug,
            method,
            "http://app.example.com",
            "https://ak.example.com",
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                GenerateError::BadValue {
                    option: "--app-url",
                    ..
                }
            ),
            "{slug}: {e}"
        );
    }
    // authentik's own URL, always.
    let e = http(
        "calibre-web",
        "ldap",
        "https://app.example.com",
        "http://ak.example.com",
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            GenerateError::BadValue {
                option: "--authentik-url",
                ..
            }
        ),
        "{e}"
    );
    // An LDAP application's launch URL and a proxy's internal host may be http.
    let bp = http(
        "calibre-web",
        "ldap",
        "http://books.lan",
        "https://ak.example.com",
    )
    .unwrap();
    assert!(bp[0].text.contains("meta_launch_url: http://books.lan\n"));
    let mut o = options("sonarr");
    o.naming.internal_url = Some("http://sonarr.internal:8989".into());
    let bp = generate(&o).unwrap().remove(0);
    assert!(bp
        .text
        .contains("internal_host: http://sonarr.internal:8989\n"));
    // Loopback is fine everywhere (the lab).
    assert!(http(
        "grafana",
        "oauth2",
        "http://127.0.0.1:3000",
        "http://127.0.0.1:9000"
    )
    .is_ok());
}

/// Forward-auth entries give the reverse-proxy configuration of authentik's forward-auth
/// documentation for nginx, Traefik and Caddy, with the user's hosts.
#[test]
fn forward_auth_entries_give_the_reverse_proxy_configuration() {
    let mut seen = 0;
    for i in catalog::all() {
        for m in &i.methods {
            let Provider::Proxy(p) = &m.provider else {
                continue;
            };
            let mut o = options(&i.slug);
            o.method = Some(m.name.clone());
            o.naming.app_url = Some("https://docs.example.org".into());
            o.naming.authentik_url = Some("https://sso.example.org".into());
            let show = show_json(&o, &i.slug);
            let snippets = show["reverse_proxy"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if p.mode == akbp::catalog::ProxyMode::Proxy {
                continue;
            }
            let get = |server: &str| {
                snippets
                    .iter()
                    .find(|s| s["server"] == server)
                    .and_then(|s| s["snippet"].as_str())
                    .unwrap_or_else(|| panic!("{}: no {server} in {snippets:?}", i.slug))
                    .to_string()
            };
            let nginx = get("nginx");
            for want in [
                "server_name docs.example.org;",
                "auth_request /outpost.goauthentik.io/auth/nginx;",
                "proxy_pass https://sso.example.org/outpost.goauthentik.io;",
                "return 302 /outpost.goauthentik.io/start?rd=",
            ] {
                assert!(nginx.contains(want), "{}: {want}\n{nginx}", i.slug);
            }
            let traefik = get("Traefik");
            for want in [
                "address: https://sso.example.org/outpost.goauthentik.io/auth/traefik",
                "rule: Host(`docs.example.org`)",
                "PathPrefix(`/outpost.goauthentik.io/`)",
                "- X-Authentik-Username",
            ] {
                assert!(traefik.contains(want), "{}: {want}\n{traefik}", i.slug);
            }
            let caddy = get("Caddy");
            for want in [
                "docs.example.org {",
                "reverse_proxy /outpost.goauthentik.io/* https://sso.example.org",
                "forward_auth https://sso.example.org {",
                "uri /outpost.goauthentik.io/auth/caddy",
                "copy_headers X-Authentik-Username X-Authentik-Groups",
            ] {
                assert!(caddy.contains(want), "{}: {want}\n{caddy}", i.slug);
            }
            // The application's upstream: --internal-url, else a placeholder said so.
            assert!(caddy.contains("# Replace http://UPSTREAM-OF-"), "{caddy}");
            o.naming.internal_url = Some("http://10.0.0.5:8000".into());
            let show = show_json(&o, &i.slug);
            let text = show["reverse_proxy"].to_string();
            assert!(
                text.contains("reverse_proxy http://10.0.0.5:8000"),
                "{text}"
            );
            assert!(!text.contains("UPSTREAM-OF"), "{text}");
            // The text format prints them too.
            let t = akbp::generate::show::render(
                &i.slug,
                &akbp::generate::show::ShowOptions {
                    naming: o.naming.clone(),
                    method: o.method.clone(),
                    ..Default::default()
                },
            )
            .unwrap();
            assert!(t.contains("Reverse proxy (Caddy):"), "{t}");
            seen += 1;
        }
    }
    assert!(seen >= 1, "no forward-auth entry in the catalog");
}

/// Placeholders that stay in the file are named: in a note and in the header.
#[test]
fn placeholders_left_in_the_file_are_named() {
    let mut o = options("calibre-web");
    o.method = Some("ldap".into());
    let bp = generate(&o).unwrap().remove(0);
    let dn = match &catalog::find("calibre-web")
        .unwrap()
        .method("ldap")
        .unwrap()
        .provider
    {
        Provider::Ldap(p) => p.base_dn.clone(),
        _ => unreachable!(),
    };
    assert!(
        bp.notes
            .iter()
            .any(|n| n.contains(&dn) && n.contains("--base-dn")),
        "{:?}",
        bp.notes
    );
    assert!(
        bp.text
            .contains(&format!("# Placeholder: the base DN {dn}")),
        "{}",
        bp.text
    );
    o.naming.base_dn = Some("dc=example,dc=org".into());
    let bp = generate(&o).unwrap().remove(0);
    assert!(
        !bp.notes.iter().any(|n| n.contains("base DN")),
        "{:?}",
        bp.notes
    );
    assert!(!bp.text.contains("Placeholder"), "{}", bp.text);
    let bp = generate(&options("sonarr")).unwrap().remove(0);
    assert!(bp
        .notes
        .iter()
        .any(|n| n.contains("internal host") && n.contains("--internal-url")));
    assert!(bp
        .text
        .contains("# Placeholder: the internal host http://sonarr:8989"));
}

/// A value the user passes is theirs even when it equals the guide's example: it is not
/// named as a placeholder. Left unset, the same value is.
#[test]
fn an_option_equal_to_the_guides_example_is_not_a_placeholder() {
    let example = |slug: &str, method: &str| match &catalog::find(slug)
        .unwrap()
        .method(method)
        .unwrap()
        .provider
    {
        Provider::Proxy(p) => p.internal_host.clone().unwrap(),
        Provider::Ldap(p) => p.base_dn.clone(),
        _ => unreachable!(),
    };
    let mut cases = Vec::new();
    let mut o = options("sonarr");
    let host = example("sonarr", "proxy");
    cases.push((o.clone(), "internal host", host.clone()));
    o.naming.internal_url = Some(host.clone());
    cases.push((o, "", host));
    let mut o = options("calibre-web");
    o.method = Some("ldap".into());
    let dn = example("calibre-web", "ldap");
    cases.push((o.clone(), "base DN", dn.clone()));
    o.naming.base_dn = Some(dn.clone());
    cases.push((o, "", dn));
    for (o, placeholder, value) in cases {
        let bp = generate(&o).unwrap().remove(0);
        assert!(bp.text.contains(&value), "{}", bp.text);
        let named = bp.notes.iter().any(|n| n.contains(&value));
        if placeholder.is_empty() {
            assert!(!named, "{:?}", bp.notes);
            assert!(!bp.text.contains("Placeholder"), "{}", bp.text);
        } else {
            assert!(named, "{:?}", bp.notes);
            assert!(
                bp.text
                    .contains(&format!("# Placeholder: the {placeholder} {value}")),
                "{}",
                bp.text
            );
        }
    }
}

/// Generated files pass yamllint with its default configuration (`--strict`: warnings
/// count too): every file of `blueprints/`, and a variant of each provider type with the
/// options that add entries. yamllint comes from target/recipes-venv (tools/ci_recipes.py
/// --install-tools, which .ci/run runs) or the PATH; in CI a missing one fails.
#[test]
fn generated_files_pass_yamllint() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join("target/recipes-venv/bin/yamllint");
    let exe = if venv.exists() {
        venv.into_os_string()
    } else {
        "yamllint".into()
    };
    let version = std::process::Command::new(&exe).arg("--version").output();
    if !version.as_ref().is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "yamllint is missing: .ci/run installs it (tools/ci_recipes.py --install-tools)"
        );
        eprintln!(
            "skipped: yamllint is not installed (python3 tools/ci_recipes.py --install-tools)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut variants = 0;
    for (slug, method, group, outpost) in [
        ("vaultwarden", "oauth2", true, false),
        ("kimai", "saml", true, false),
        ("sonarr", "proxy", true, true),
        ("nextcloud", "ldap", true, true),
    ] {
        for target in [Target::new(2024, 10), Target::new(2025, 8), Target::LATEST] {
            let mut o = options(slug);
            o.method = Some(method.into());
            o.target = target;
            o.secret = akbp::generate::SecretMode::Random;
            if group {
                o.allow_group = Some("a group with a long name for the applications".into());
            }
            if outpost {
                o.outpost = Some(akbp::generate::OutpostOptions {
                    name: "authentik Embedded Outpost".into(),
                    keep_providers: Some(vec!["another provider".into()]),
                });
            }
            let bp = generate(&o).unwrap().remove(0);
            std::fs::write(dir.path().join(format!("{slug}-{target}.yaml")), &bp.text).unwrap();
            variants += 1;
        }
    }
    assert_eq!(variants, 12);
    for folder in [root.join("blueprints"), dir.path().to_path_buf()] {
        let out = std::process::Command::new(&exe)
            .args(["--strict", "-f", "parsable"])
            .arg(&folder)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "yamllint {}:\n{}{}",
            folder.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Rules recognise akbp's own files by their header, wrapped at 80 columns or not.
#[test]
fn wrapped_headers_are_still_recognised_as_generated() {
    for i in catalog::all() {
        let bp = generate(&options(&i.slug)).unwrap().remove(0);
        assert!(catalog::generated_by_akbp(&bp.text), "{}", bp.text);
    }
}
