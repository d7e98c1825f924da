//! Generated blueprints: they load back to the same values, pass the validator at
//! every known target, are byte-for-byte reproducible, and match `blueprints/`.

use akbp::catalog;
use akbp::check::Severity;
use akbp::generate::emit::{self, Document, Node};
use akbp::generate::{
    generate, validator, GenerateError, GenerateOptions, SecretMode, SecretOutcome,
};
use akbp::load::{self, Scalar, SourceFile};
use akbp::target::Target;
use proptest::prelude::*;

/// The emitter's model of a loaded node (comments and layout are not values).
fn from_loaded(n: &load::Node) -> Node {
    let inner = match &n.kind {
        load::NodeKind::Scalar(s) if n.custom_tag().is_some() => Node::Str(s.text.to_string()),
        load::NodeKind::Scalar(s) => match s.value() {
            Scalar::Str(t) => Node::Str(t),
            Scalar::Int(i) => Node::Int(i),
            Scalar::Bool(b) => Node::Bool(b),
            Scalar::Null => Node::Null,
            other => panic!("unexpected scalar {other:?}"),
        },
        load::NodeKind::Seq(items) => Node::seq(items.iter().map(from_loaded)),
        load::NodeKind::Map(pairs) => Node::Map(
            pairs
                .iter()
                .map(|p| {
                    (
                        p.key.scalar_text().unwrap().to_string(),
                        from_loaded(&p.value),
                    )
                })
                .collect(),
        ),
    };
    match n.custom_tag().and_then(|t| t.local_name()) {
        Some(tag) => Node::tagged(tag, inner),
        None => inner,
    }
}

/// Drop layout (comments, spacing) from the emitter's own model.
fn values_only(n: &Node) -> Node {
    match n {
        Node::Seq(s) => Node::seq(s.items.iter().map(|i| values_only(&i.node))),
        Node::Map(m) => Node::Map(m.iter().map(|(k, v)| (k.clone(), values_only(v))).collect()),
        Node::Tagged(t, inner) => Node::tagged(t, values_only(inner)),
        other => other.clone(),
    }
}

fn round_trip(doc: &Document) -> Node {
    let text = emit::emit(doc);
    let loaded = load::parse(SourceFile::new("t.yaml", text.clone()))
        .unwrap_or_else(|e| panic!("emitted YAML does not load: {e}\n{text}"));
    from_loaded(&loaded.root)
}

/// One integration at made-up hosts, with the examples of the entry's declared parameters.
fn options(slug: &str) -> GenerateOptions {
    let mut o = GenerateOptions::new(slug, "https://app.example.com", "https://auth.example.com");
    o.naming.params = catalog::find(slug)
        .map(|i| i.example_params())
        .unwrap_or_default();
    o
}

#[test]
fn generated_blueprints_load_back_to_the_same_values() {
    for i in catalog::all() {
        let mut o = options(&i.slug);
        o.allow_group = Some("Staff: admins #1".into());
        let bp = generate(&o).unwrap().remove(0);
        let doc = load::parse(SourceFile::new("t.yaml", bp.text.clone())).unwrap();
        // Re-emit the loaded tree and compare both ways through the value model.
        let values = from_loaded(&doc.root);
        let Node::Map(root) = values.clone() else {
            panic!()
        };
        let again = round_trip(&Document {
            header: vec![],
            explicit_start: false,
            root,
        });
        assert_eq!(again, values, "{}", i.slug);
        assert!(bp.text.contains("'Staff: admins #1'"), "{}", bp.text);
    }
}

#[test]
fn emitter_round_trips_awkward_values() {
    let awkward = [
        "",
        "yes",
        "No",
        "on",
        "~",
        "null",
        "0755",
        "1:20",
        "12",
        "1.5",
        ".inf",
        "2024-01-01",
        "<<",
        "=",
        "- a",
        "? a",
        ": a",
        "a: b",
        "a #b",
        "#a",
        "!Find",
        "&a",
        "*a",
        "|",
        ">",
        "'q'",
        "\"q\"",
        "%x",
        "@x",
        "`x",
        " lead",
        "trail ",
        "---",
        "...",
        "a\nb",
        "tab\there",
        "[x]",
        "{x}",
        "a,b",
        "https://x.example/?a=1&b=[2]",
        "ünï",
        "\u{7f}",
        "\u{85}",
    ];
    let doc = Document {
        header: vec!["header".into()],
        explicit_start: false,
        root: vec![
            (
                "plain".into(),
                Node::seq(awkward.iter().map(|s| Node::str(*s))),
            ),
            (
                "tagged".into(),
                Node::tagged("Find", Node::seq(awkward.iter().map(|s| Node::str(*s)))),
            ),
            (
                "keys".into(),
                Node::Map(
                    awkward
                        .iter()
                        .enumerate()
                        .map(|(n, s)| (format!("{s}{n}"), Node::Int(n as i64)))
                        .collect(),
                ),
            ),
            ("bool".into(), Node::Bool(false)),
            ("null".into(), Node::Null),
            ("neg".into(), Node::Int(-3)),
        ],
    };
    let expected = values_only(&Node::Map(doc.root.clone()));
    assert_eq!(round_trip(&doc), expected, "{}", emit::emit(&doc));
}

proptest! {
    #[test]
    fn any_string_round_trips(s in "[ -~\t\néß\u{a0}\u{2028}]{0,12}", k in "[ -~]{1,8}") {
        let doc = Document {
            header: vec![],
            explicit_start: false,
            root: vec![
                (k.clone(), Node::str(s.clone())),
                ("flow".into(), Node::seq([Node::str(s.clone()), Node::str(k.clone())])),
                ("tag".into(), Node::tagged("Env", Node::seq([Node::str(s.clone())]))),
            ],
        };
        // Duplicate keys would collapse; the generator never writes any.
        prop_assume!(k != "flow" && k != "tag");
        prop_assert_eq!(round_trip(&doc), values_only(&Node::Map(doc.root.clone())));
    }

    /// Texts too long for one line (a mapping's name, a URL list in words) are written on
    /// several lines as plain scalars where folding reads them back the same, else whole.
    #[test]
    fn long_strings_round_trip(
        s in "[a-z:#!&*?,'\\-]{1,10}( {1,2}[a-z:#!&*?,'\\-]{1,10}){6,24}",
        depth in 0usize..4,
    ) {
        let mut value = Node::str(s.clone());
        for n in 0..depth {
            value = Node::map([(format!("level{n}"), value)]);
        }
        let doc = Document {
            header: vec![],
            explicit_start: false,
            root: vec![("key".into(), value)],
        };
        let text = emit::emit(&doc);
        prop_assert_eq!(round_trip(&doc), values_only(&Node::Map(doc.root.clone())), "{}", text);
        let wide = text.lines().filter(|l| l.chars().count() > emit::MAX_WIDTH).count();
        // A line stays long only where the text could not be folded or one word is that long.
        let words_start_plain = s.split(' ').all(|w| w.starts_with(|c: char| c.is_ascii_lowercase()));
        if !emit::needs_quotes(&s, false) && !s.contains("  ") && words_start_plain {
            prop_assert_eq!(wide, 0, "{}", text);
        }
    }
}

#[test]
fn every_variant_passes_the_validator_at_every_target() {
    for target in Target::KNOWN {
        for secret in [SecretMode::Env, SecretMode::Random, SecretMode::Omit] {
            for group in [None, Some("staff".to_string())] {
                let mut o = GenerateOptions::new("gravitee", "https://x", "https://y");
                o.all = true;
                o.naming.app_url = None;
                o.domain = Some("example.com".into());
                o.secret = secret;
                o.allow_group = group.clone();
                o.target = target;
                // `generate` runs the self-check; check again here so a silenced
                // self-check cannot hide a regression.
                for bp in generate(&o).unwrap() {
                    let bad: Vec<_> = validator(&bp.text, target)
                        .into_iter()
                        .filter(|(s, m)| {
                            *s >= Severity::Warning && !akbp::generate::tolerated(&bp, m)
                        })
                        .collect();
                    assert!(
                        bad.is_empty(),
                        "{} at {target} ({secret}, {group:?}): {bad:#?}\n{}",
                        bp.integration,
                        bp.text
                    );
                }
            }
        }
        // `--all` leaves out the entries that need `--param` values; each of their
        // methods, with the examples, one by one.
        for (i, m) in catalog::all()
            .iter()
            .flat_map(|i| i.methods.iter().map(move |m| (i, m)))
            .filter(|(i, m)| !i.params_of(m).is_empty())
        {
            let mut o = options(&i.slug);
            o.method = Some(m.name.clone());
            o.target = target;
            o.allow_group = Some("staff".into());
            let bp = generate(&o)
                .unwrap_or_else(|e| panic!("{} {} at {target}: {e}", i.slug, m.name))
                .remove(0);
            let bad: Vec<_> = validator(&bp.text, target)
                .into_iter()
                .filter(|(s, _)| *s >= Severity::Warning)
                .collect();
            assert!(
                bad.is_empty(),
                "{} at {target}: {bad:#?}\n{}",
                i.slug,
                bp.text
            );
        }
    }
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let o = options("netbird");
    assert_eq!(generate(&o).unwrap()[0].text, generate(&o).unwrap()[0].text);
}

#[test]
fn targets_gate_grant_types_and_uri_types() {
    let mut o = options("gravitee");
    o.target = Target::new(2026, 2);
    let old = generate(&o).unwrap().remove(0).text;
    assert!(
        !old.contains("grant_types") && !old.contains("redirect_uri_type"),
        "{old}"
    );
    assert!(old.starts_with("# akbp: target 2026.2\n"), "{old}");
    o.target = Target::new(2026, 5);
    let new = generate(&o).unwrap().remove(0).text;
    assert!(new.contains("grant_types: [authorization_code]"), "{new}");
    assert_eq!(new.matches("redirect_uri_type: authorization").count(), 2);
}

#[test]
fn secrets() {
    let mut o = options("budibase");
    let env = generate(&o).unwrap().remove(0);
    assert_eq!(
        env.secret,
        SecretOutcome::Env {
            var: "AKBP_BUDIBASE_CLIENT_SECRET".into()
        }
    );
    assert!(env
        .text
        .contains("client_secret: !Env AKBP_BUDIBASE_CLIENT_SECRET"));
    // The header wraps at 80 columns: compare its words.
    let words = env
        .text
        .split_whitespace()
        .filter(|w| *w != "#")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("server AND worker must both have AKBP_BUDIBASE_CLIENT_SECRET set"));
    assert!(env.secret_message("x").is_none());

    o.secret = SecretMode::Random;
    let random = generate(&o).unwrap().remove(0);
    assert_eq!(random.secret, SecretOutcome::Random);
    // Past 80 columns the value goes alone on the line after `client_secret:`.
    let mut lines = random.text.lines();
    let line = lines
        .find(|l| l.trim_start().starts_with("client_secret:"))
        .unwrap();
    let value = match line.split_once(": ") {
        Some((_, v)) => v,
        None => lines.next().unwrap().trim(),
    };
    assert_eq!(value.len(), 64);
    assert!(value.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(random
        .secret_message("out/budibase.yaml")
        .unwrap()
        .contains("out/budibase.yaml"));

    o.secret = SecretMode::Omit;
    let omitted = generate(&o).unwrap().remove(0);
    assert!(!omitted.text.contains("client_secret"));

    let public = generate(&options("netbird")).unwrap().remove(0);
    assert_eq!(public.secret, SecretOutcome::None);
    assert!(!public.text.contains("client_secret"));
}

#[test]
fn naming_options() {
    let mut o = GenerateOptions::new(
        "netbird",
        "https://vpn.corp.example:8443/",
        "https://sso.corp.example/",
    );
    o.naming.slug = Some("vpn".into());
    o.naming.name = Some("Corp VPN".into());
    o.naming.client_id = Some("vpn-client".into());
    let bp = generate(&o).unwrap().remove(0);
    assert_eq!(bp.file_name, "vpn.yaml");
    for want in [
        r"url: https://vpn\.corp\.example:8443/.*",
        "client_id: vpn-client",
        "slug: vpn",
        "name: Corp VPN",
        "meta_launch_url: https://vpn.corp.example:8443\n",
        "https://sso.corp.example/application/o/vpn/.well-known/openid-configuration",
        "--slug vpn --client-id vpn-client",
    ] {
        assert!(bp.text.contains(want), "{want}\n{}", bp.text);
    }
}

#[test]
fn clear_errors() {
    let err = |o: &GenerateOptions| generate(o).unwrap_err();
    let e = err(&options("gravitea"));
    assert!(matches!(
        e,
        GenerateError::UnknownIntegration {
            suggestion: Some("gravitee"),
            ..
        }
    ));
    let mut o = options("gravitee");
    o.naming.slug = Some("authorize".into());
    assert!(matches!(err(&o), GenerateError::ReservedSlug { .. }));
    o.naming.slug = Some("a b".into());
    assert!(matches!(
        err(&o),
        GenerateError::BadValue {
            option: "--slug",
            ..
        }
    ));
    let mut o = options("gravitee");
    o.naming.app_url = Some("gravitee.company".into());
    assert!(matches!(
        err(&o),
        GenerateError::BadValue {
            option: "--app-url",
            ..
        }
    ));
    let mut o = options("gravitee");
    o.naming.authentik_url = None;
    assert!(matches!(
        err(&o),
        GenerateError::Missing {
            option: "--authentik-url",
            ..
        }
    ));
    let mut o = options("gravitee");
    o.integrations.push("netbird".into());
    assert!(matches!(
        err(&o),
        GenerateError::OnlyForOne {
            option: "--app-url",
            ..
        }
    ));
    o.naming.app_url = None;
    assert!(matches!(
        err(&o),
        GenerateError::Missing {
            option: "--domain",
            ..
        }
    ));
    o.domain = Some("https://example.com".into());
    assert!(matches!(
        err(&o),
        GenerateError::BadValue {
            option: "--domain",
            ..
        }
    ));
    let mut o = options("gravitee");
    o.domain = Some("example.com".into());
    assert!(matches!(err(&o), GenerateError::AppUrlAndDomain));
    let o = GenerateOptions {
        integrations: vec![],
        ..options("x")
    };
    assert!(matches!(err(&o), GenerateError::NoIntegrations));
}

/// `blueprints/<slug>.yaml` (the guide's first method) and `<slug>-<method>.yaml` (the
/// others): every catalog integration and method for the guide's placeholder hosts at
/// the default target. `AKBP_BLESS=1 cargo test --test generate` rewrites them.
#[test]
fn committed_blueprints_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints");
    let bless = std::env::var_os("AKBP_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    let mut expected = std::collections::BTreeSet::new();
    for (i, m) in catalog::all()
        .iter()
        .flat_map(|i| i.methods.iter().map(move |m| (i, m)))
    {
        let mut o = GenerateOptions::new(
            &i.slug,
            &i.placeholder_app_url(),
            &i.placeholder_authentik_url(),
        );
        o.method = Some(m.name.clone());
        o.naming.params = i.example_params();
        let bp = generate(&o).unwrap().remove(0);
        expected.insert(bp.file_name.clone());
        let path = dir.join(&bp.file_name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(bp.text.as_str()) {
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &bp.text).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    // Nothing else: a file for a method or entry that no longer exists is stale too.
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && !expected.contains(&name) {
            if bless {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                stale.push(format!("{name} (no such entry or method)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}\nrefresh with: AKBP_BLESS=1 cargo test --test generate committed_blueprints_are_current"
    );
}

#[test]
fn outposts_are_touched_only_when_asked_and_keep_the_named_providers() {
    let o = options("sonarr");
    let bp = generate(&o).unwrap().remove(0);
    assert!(
        !bp.text.contains("authentik_outposts.outpost"),
        "{}",
        bp.text
    );
    assert!(
        bp.notes.iter().any(|n| n.contains("--add-to-outpost NAME")),
        "the step is printed instead: {:?}",
        bp.notes
    );
    let mut o = options("sonarr");
    o.naming.internal_url = Some("http://10.0.0.5:8989".into());
    o.outpost = Some(akbp::generate::OutpostOptions {
        name: "authentik Embedded Outpost".into(),
        keep_providers: Some(vec!["akbp-radarr".into(), "grafana proxy".into()]),
    });
    // Before 2025.8 the blueprint cannot read the outpost's list: the one given replaces it.
    o.target = akbp::target::Target::new(2025, 6);
    let bp = generate(&o).unwrap().remove(0);
    let t = &bp.text;
    assert!(t.contains("model: authentik_outposts.outpost"), "{t}");
    assert!(
        t.contains("- !Find [authentik_providers_proxy.proxyprovider, [name, akbp-radarr]]")
            && t.contains(
                "- !Find [authentik_providers_proxy.proxyprovider, [name, grafana proxy]]"
            )
            && t.contains("- !KeyOf provider"),
        "{t}"
    );
    let words = t
        .split_whitespace()
        .filter(|w| *w != "#")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("the providers it keeps: akbp-radarr, grafana proxy"),
        "{t}"
    );
    assert!(t.contains("internal_host: http://10.0.0.5:8989"), "{t}");
    assert!(bp.notes.iter().all(|n| !n.contains("guide's example")));
    o.outpost = Some(akbp::generate::OutpostOptions {
        name: "authentik Embedded Outpost".into(),
        keep_providers: None,
    });
    assert!(matches!(
        generate(&o).unwrap_err(),
        GenerateError::OutpostWithoutKeep
    ));
    // From 2025.8 it reads the list when applied and adds this provider (lab: docs/proof.md).
    o.target = akbp::target::Target::new(2025, 8);
    let t = generate(&o).unwrap().remove(0).text;
    for want in [
        "providers: !AtIndex",
        "- !Enumerate",
        "- MAP",
        "- providers: !If",
        "- !Value 0",
        "- [!KeyOf provider]",
        "- !FindObject",
        "- [name, authentik Embedded Outpost]",
    ] {
        assert!(t.contains(want), "{want}\n{t}");
    }
    // SAML is served by authentik itself: asking for an outpost is an error.
    let mut o = options("kimai");
    o.outpost = Some(akbp::generate::OutpostOptions {
        name: "x".into(),
        keep_providers: Some(vec![]),
    });
    assert!(matches!(
        generate(&o).unwrap_err(),
        GenerateError::NoOutpost { .. }
    ));
}

#[test]
fn methods_are_chosen_by_name() {
    let mut o = options("kimai");
    o.method = Some("oidc".into());
    let e = generate(&o).unwrap_err();
    assert!(
        matches!(&e, GenerateError::UnknownMethod { offered, .. } if offered == &["saml"]),
        "{e}"
    );
    assert!(e.to_string().contains("it offers: saml"), "{e}");
    o.method = Some("saml".into());
    let bp = generate(&o).unwrap().remove(0);
    assert_eq!(
        bp.file_name, "kimai.yaml",
        "the default method keeps the plain name"
    );
}

#[test]
fn a_method_launch_url_replaces_the_entrys() {
    // Jellyfin: the LDAP method (the guide's first) opens the plain URL; the OIDC plugin's
    // login starts at /sso/OID/start/authentik, the method's own launch URL.
    let mut o = options("jellyfin");
    let ldap = generate(&o).unwrap().remove(0);
    assert_eq!(ldap.file_name, "jellyfin.yaml");
    assert!(ldap
        .text
        .contains("meta_launch_url: https://app.example.com\n"));
    o.method = Some("oauth2".into());
    let oidc = generate(&o).unwrap().remove(0);
    assert_eq!(oidc.file_name, "jellyfin-oauth2.yaml");
    assert!(oidc
        .text
        .contains("meta_launch_url: https://app.example.com/sso/OID/start/authentik\n"));
}

#[test]
fn ldap_service_account_password_comes_from_the_environment() {
    let mut o = options("thelounge");
    o.naming.base_dn = Some("dc=example,dc=org".into());
    let bp = generate(&o).unwrap().remove(0);
    let t = &bp.text;
    assert!(
        t.contains("password: !Env AKBP_THELOUNGE_BIND_PASSWORD"),
        "{t}"
    );
    assert!(t.contains("base_dn: dc=example,dc=org"), "{t}");
    // The lab (authentik 2026.2.2) rejects the bare codename; it needs the app label.
    assert!(
        t.contains("permission: authentik_providers_ldap.search_full_directory"),
        "{t}"
    );
    o.naming.base_dn = Some("not a dn".into());
    assert!(matches!(
        generate(&o).unwrap_err(),
        GenerateError::BadValue {
            option: "--base-dn",
            ..
        }
    ));
}

#[test]
fn generate_refuses_an_acs_url_old_releases_reject() {
    // Fleet's SAML ACS URL is built from --app-url. Until 2025.2 authentik checks `acs_url`
    // with Django's URLValidator, which wants a top-level domain; from 2025.4 it is
    // DomainlessURLValidator. Found by the generate-then-validate property (`https://a.a`).
    let mut o = GenerateOptions::new("fleet", "https://fleet", "https://auth.example.com");
    o.target = Target::new(2024, 10);
    let err = generate(&o).unwrap_err();
    assert!(
        matches!(
            &err,
            GenerateError::BadValue {
                option: "--app-url",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("acs_url"), "{err}");
    o.target = Target::new(2025, 4);
    let bp = generate(&o).unwrap().remove(0);
    assert!(bp.text.contains("acs_url: https://fleet/"), "{}", bp.text);
}

#[test]
fn generate_refuses_a_second_port() {
    // Proxmox VE's guide registers `https://proxmox.company:8006`; the property test found
    // `--app-url https://a.aa:1024` turning into `https://a.aa:1024:8006`.
    for bad in ["https://pve.example.com:8443", "https://pve.example.com/ui"] {
        let o = GenerateOptions::new("proxmox-ve", bad, "https://auth.example.com");
        let err = generate(&o).unwrap_err();
        assert!(err.to_string().contains("fixed port"), "{bad}: {err}");
    }
    let o = GenerateOptions::new(
        "proxmox-ve",
        "https://pve.example.com",
        "https://auth.example.com",
    );
    let bp = generate(&o).unwrap().remove(0);
    assert!(
        bp.text.contains("https://pve.example.com:8006"),
        "{}",
        bp.text
    );
}

/// `--param`: values only the application knows, declared per entry. A missing one names
/// itself and where to find it; an unknown name lists the declared ones; a value is refused
/// for what YAML cannot carry, for its pattern, and for the URL validator authentik puts on
/// the field it lands in.
#[test]
fn params_are_required_checked_and_filled_in() {
    let gh = |params: &[(&str, &str)]| {
        let mut o = GenerateOptions::new(
            "github-organization",
            "https://github.com",
            "https://sso.example.com",
        );
        o.naming.params = params
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        o.target = Target::new(2026, 2);
        generate(&o)
    };
    // Filled in everywhere the guide's organization name goes.
    let bp = gh(&[("org", "acme-corp")]).unwrap().remove(0);
    for want in [
        "acs_url: https://github.com/orgs/acme-corp/saml/consume",
        "audience: https://github.com/orgs/acme-corp",
        "meta_launch_url: https://github.com/orgs/acme-corp",
        "--param org=acme-corp",
    ] {
        assert!(bp.text.contains(want), "{want}\n{}", bp.text);
    }
    // Missing: named, with what it is and an example.
    let e = gh(&[]).unwrap_err();
    assert!(
        matches!(&e, GenerateError::MissingParam { name, .. } if name == "org"),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("--param org=VALUE is missing")
            && msg.contains("https://github.com/orgs/<name>")
            && msg.contains("--param org=foo"),
        "{msg}"
    );
    // Unknown name.
    let e = gh(&[("org", "a"), ("team", "b")]).unwrap_err().to_string();
    assert!(
        e.contains("--param team") && e.contains("it takes: org"),
        "{e}"
    );
    // Given twice.
    let e = gh(&[("org", "a"), ("org", "b")]).unwrap_err().to_string();
    assert!(e.contains("given twice"), "{e}");
    // What YAML cannot carry: the same refusals as the other options (issue 8).
    for (bad, why) in [
        ("acme\nentries: []", "line break"),
        ("acme\u{2028}x", "line break"),
        ("acme\u{7}", "U+0007"),
        (" acme", "starts or ends with a space"),
    ] {
        let e = gh(&[("org", bad)]).unwrap_err();
        assert!(matches!(e, GenerateError::BadParam { .. }), "{e:?}");
        assert!(e.to_string().contains(why), "{bad:?}: {e}");
    }
    // The pattern: a whole-value match, so a path or a query cannot ride along.
    for bad in ["acme/../../evil", "acme?x=1", "", "-acme"] {
        let e = gh(&[("org", bad)]).unwrap_err().to_string();
        assert!(e.starts_with("--param org"), "{bad:?}: {e}");
    }
    // OVHcloud's ACS URL is one of three regional URLs, nothing else.
    let ovh = |acs: &str| {
        let mut o = GenerateOptions::new(
            "ovhcloud",
            "https://www.ovhcloud.com",
            "https://sso.example.com",
        );
        o.naming.params = vec![("acs_url".into(), acs.into())];
        generate(&o)
    };
    assert!(ovh("https://us.ovhcloud.com/auth/").is_ok());
    let e = ovh("https://evil.example/auth/").unwrap_err().to_string();
    assert!(e.contains("US region") || e.contains("must match"), "{e}");
    // A URL the application shows must also pass authentik's validator on `acs_url`
    // (before 2025.4 a Django URLField, which wants a top-level domain).
    let mut o = GenerateOptions::new(
        "knowbe4",
        "https://training.knowbe4.com",
        "https://sso.example.com",
    );
    o.naming.params = vec![
        ("acs_url".into(), "https://knowbe4/saml/acs".into()),
        ("entity_id".into(), "https://knowbe4/saml".into()),
    ];
    o.target = Target::new(2024, 10);
    let e = generate(&o).unwrap_err();
    assert!(
        matches!(&e, GenerateError::BadParam { name, reason, .. } if name == "acs_url" && reason.contains("acs_url")),
        "{e:?}"
    );
    // `--all` cannot know them: those entries are left out and named.
    let mut all = GenerateOptions::new("x", "https://x.example", "https://sso.example.com");
    all.all = true;
    all.naming.app_url = None;
    all.domain = Some("example.com".into());
    let made: Vec<&str> = generate(&all)
        .unwrap()
        .iter()
        .map(|b| b.integration)
        .collect();
    assert!(!made.contains(&"ghec"), "{made:?}");
    let skipped = akbp::generate::skipped_for_params(&all);
    assert!(skipped.contains(&("ghec", vec!["org"])), "{skipped:?}");
    // ...and `--param` goes with one integration only.
    all.naming.params = vec![("org".into(), "acme".into())];
    assert!(matches!(
        generate(&all).unwrap_err(),
        GenerateError::OnlyForOne {
            option: "--param",
            ..
        }
    ));
}

/// `show` lists the values to copy from the application, shows them as `<name>` until
/// given, and fills them in once given.
#[test]
fn show_names_the_values_to_copy_from_the_application() {
    use akbp::generate::show::{render, ShowFormat, ShowOptions};
    let mut opts = ShowOptions {
        naming: akbp::generate::Naming {
            authentik_url: Some("https://sso.example.com".into()),
            ..Default::default()
        },
        method: None,
        format: ShowFormat::Text,
        ..Default::default()
    };
    let t = render("atlassian-cloud", &opts).unwrap();
    assert!(t.contains("--param acs_url=<acs_url>"), "{t}");
    assert!(t.contains("--param entity_id=<entity_id>"), "{t}");
    assert!(
        t.contains("Atlassian Cloud shows it once the settings above are saved"),
        "{t}"
    );
    assert!(t.contains("ACS URL                   <acs_url>"), "{t}");
    // What the user configures first does not depend on the values.
    assert!(
        t.contains(
            "https://sso.example.com/application/saml/atlassian-cloud/sso/binding/redirect/"
        ),
        "{t}"
    );
    opts.naming.params = vec![
        (
            "acs_url".into(),
            "https://auth.atlassian.com/login/callback?connection=saml-acme".into(),
        ),
        (
            "entity_id".into(),
            "https://auth.atlassian.com/saml/acme".into(),
        ),
    ];
    opts.format = ShowFormat::Json;
    let j: serde_json::Value =
        serde_json::from_str(&render("atlassian-cloud", &opts).unwrap()).unwrap();
    assert_eq!(j["params"][0]["name"], "acs_url");
    assert_eq!(j["params"][0]["shown_by_app"], true);
    assert_eq!(
        j["params"][1]["value"],
        "https://auth.atlassian.com/saml/acme"
    );
    let audience = j["authentik_side"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "Audience")
        .unwrap();
    assert_eq!(audience["value"], "https://auth.atlassian.com/saml/acme");
    // A bad value is refused by show too.
    opts.naming.params = vec![("acs_url".into(), "https://evil.example/acs".into())];
    assert!(render("atlassian-cloud", &opts).is_err());
}
