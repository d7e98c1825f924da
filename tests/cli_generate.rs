//! `akbp list`, `show` and `generate` as a user runs them: output streams and exit codes.

mod common;

fn akbp(args: &[&str]) -> (i32, String, String) {
    common::output_of(&mut common::akbp_command(common::root(), args), None)
}

const URLS: [&str; 4] = [
    "--app-url",
    "https://gravitee.company",
    "--authentik-url",
    "https://authentik.company",
];

#[test]
fn generate_to_stdout_matches_the_committed_blueprint() {
    let mut args = vec!["generate", "gravitee"];
    args.extend(URLS);
    let (code, out, err) = akbp(&args);
    assert_eq!(code, 0, "{err}");
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints/gravitee.yaml"),
    )
    .unwrap();
    assert_eq!(out, committed);
}

#[test]
fn errors_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("g.yaml");
    let path = file.to_str().unwrap();

    let (code, _, err) = akbp(&[
        "generate",
        "gravite",
        "--app-url",
        "https://x",
        "--authentik-url",
        "https://y",
        "-o",
        path,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `gravitee`"), "{err}");
    let (code, _, err) = akbp(&[
        "generate",
        "gravitee",
        "--app-url",
        "gravitee.company",
        "--authentik-url",
        "https://y",
        "-o",
        path,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--app-url"), "{err}");
    let (code, _, err) = akbp(&[
        "generate",
        "gravitee",
        "--slug",
        "token",
        "--app-url",
        "https://x",
        "--authentik-url",
        "https://y",
        "-o",
        path,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(!file.exists());

    std::fs::write(&file, "mine").unwrap();
    let mut args = vec!["generate", "gravitee", "-o", path];
    args.extend(URLS);
    let (code, _, err) = akbp(&args);
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    args.push("--force");
    let (code, _, err) = akbp(&args);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .starts_with("# akbp: target 2026.8\n# authentik blueprint"));
}

#[test]
fn all_into_a_directory_and_a_random_secret_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bp");
    let out = out.to_str().unwrap();
    let (code, _, err) = akbp(&[
        "generate",
        "--all",
        "--domain",
        "example.com",
        "--authentik-url",
        "https://sso.example.com",
        "--secret",
        "random",
        "-o",
        out,
    ]);
    assert_eq!(code, 0, "{err}");
    // Entries that need values from the application are left out, and named.
    assert!(
        err.contains("note: `ghec` left out: it needs values from the application (org)"),
        "{err}"
    );
    // Public clients (NetBird) get no secret: one note per confidential client.
    let confidential = akbp::catalog::all()
        .iter()
        .filter(|i| {
            matches!(&i.default_method().provider, akbp::catalog::Provider::Oauth2(p)
                if p.client_type == akbp::catalog::ClientType::Confidential)
                // `--all` leaves out the entries that need `--param` values.
                && i.params_of(i.default_method()).is_empty()
        })
        .count();
    assert!(confidential >= 4);
    assert_eq!(
        err.matches("random client secret").count(),
        confidential,
        "{err}"
    );
    // The secrets are in the files on purpose, and validate says so (AKB413), once each
    // and without printing them; nothing else is reported.
    let (code, report, _) = akbp(&["validate", "--format", "json", out]);
    assert_eq!(code, 0, "{report}");
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["AKB413"; confidential], "{report}");
    for f in v["findings"].as_array().unwrap() {
        let line = f["line"].as_u64().unwrap() as usize;
        let file = std::fs::read_to_string(f["file"].as_str().unwrap()).unwrap();
        let secret_line = file.lines().nth(line - 1).unwrap();
        // `client_secret: VALUE`, or past 80 columns the value alone on the next line.
        let secret = match secret_line.split_once(": ") {
            Some((_, v)) => v.trim(),
            None => file.lines().nth(line).unwrap_or("").trim(),
        };
        assert!(
            !secret.is_empty() && !report.contains(secret),
            "the report must not print the secret"
        );
    }
}

#[test]
fn list_and_show() {
    let (code, out, _) = akbp(&["list"]);
    assert_eq!(code, 0);
    assert!(out.contains("netbird") && out.contains("regex"), "{out}");
    let (code, out, _) = akbp(&["list", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        akbp::catalog::all().len()
    );
    let (code, out, _) = akbp(&[
        "show",
        "affine",
        "--authentik-url",
        "https://sso.corp",
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("`https://sso.corp/application/o/affine/`"),
        "{out}"
    );
    let (code, _, err) = akbp(&["show", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("akbp list"), "{err}");
}

/// `--param NAME=VALUE` on the command line: the value lands in the blueprint and in the
/// `show` line of its header; a missing, malformed or unsafe one exits 2 and writes nothing.
#[test]
fn params_on_the_command_line() {
    let base = [
        "generate",
        "sentry",
        "--app-url",
        "https://sentry.example.com",
        "--authentik-url",
        "https://sso.example.com",
    ];
    let (code, out, err) = akbp(&[&base[..], &["--param", "org=acme"]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("acs_url: https://sentry.example.com/saml/acs/acme/")
            && out.contains("--param org=acme"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.yaml");
    let file = file.to_str().unwrap();
    for (extra, want) in [
        (vec![], "--param org=VALUE is missing"),
        (vec!["--param", "org"], "write NAME=VALUE"),
        (vec!["--param", "org=a", "--param", "org=b"], "given twice"),
        (vec!["--param", "org=acme\n- model: x"], "line break"),
        (vec!["--param", "org=acme/../x"], "must match"),
        (vec!["--param", "team=x"], "it takes: org"),
    ] {
        let (code, _, err) = akbp(&[&base[..], &extra, &["-o", file]].concat());
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err}");
        assert!(!std::path::Path::new(file).exists(), "{extra:?}");
    }
    let (code, out, _) = akbp(&["show", "sentry"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("--param org=<org>") && out.contains("/saml/acs/<org>/"),
        "{out}"
    );
}

/// `--sp-metadata FILE` (issue 20): the guides that create the provider "from metadata"
/// get the SP's entity ID and ACS URL from the file the application offers, as the
/// parameters `show` otherwise asks for; the values pass the same checks as `--param`.
#[test]
fn sp_metadata_fills_the_metadata_parameters() {
    let md = "tests/fixtures/sp-metadata/aws-iam-identity-center.xml";
    let base = [
        "--app-url",
        "https://d-9067c2a5f1.awsapps.com",
        "--authentik-url",
        "https://authentik.company",
        "--target",
        "2026.2",
    ];
    let mut args = vec!["generate", "aws", "--sp-metadata", md];
    args.extend(base);
    let (code, out, err) = akbp(&args);
    assert_eq!(code, 0, "{err}");
    // Values too long for 80 columns go on the next line, indented (yamllint's default).
    assert!(out.contains(
        "      acs_url:\n        https://us-east-1.signin.aws.amazon.com/platform/saml/acs/2f8a7d3c-1b2e-4c5d-9e6f-0a1b2c3d4e5f\n"
    ), "{out}");
    assert!(
        out.contains(
            "      audience:\n        https://us-east-1.signin.aws.amazon.com/platform/saml/d-9067c2a5f1\n"
        ),
        "{out}"
    );
    // The header's show command repeats the values as --param, so it runs without the file.
    let header = common::header_args(&out).unwrap().join(" ");
    assert!(
        header.contains(
            "--param entity_id=https://us-east-1.signin.aws.amazon.com/platform/saml/d-9067c2a5f1"
        ),
        "{header}"
    );
    // The same as giving both with --param.
    let mut by_hand = vec![
        "generate",
        "aws",
        "--param",
        "acs_url=https://us-east-1.signin.aws.amazon.com/platform/saml/acs/2f8a7d3c-1b2e-4c5d-9e6f-0a1b2c3d4e5f",
        "--param",
        "entity_id=https://us-east-1.signin.aws.amazon.com/platform/saml/d-9067c2a5f1",
    ];
    by_hand.extend(base);
    assert_eq!(akbp(&by_hand).1, out);
    // A value also given with --param is given twice; an entry with fixed URLs takes
    // nothing from metadata; a file that is not SP metadata is refused by name.
    let dir = tempfile::tempdir().unwrap();
    let idp = dir.path().join("idp.xml");
    std::fs::write(
        &idp,
        r#"<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example"><md:IDPSSODescriptor/></md:EntityDescriptor>"#,
    )
    .unwrap();
    let idp = idp.to_str().unwrap();
    for (extra, says) in [
        (
            vec![
                "aws",
                "--sp-metadata",
                md,
                "--param",
                "acs_url=https://x.example/acs",
            ],
            "twice",
        ),
        (
            vec!["posthog", "--sp-metadata", md],
            "takes no values from the SP's metadata",
        ),
        (vec!["aws", "--sp-metadata", idp], "no SPSSODescriptor"),
        (
            vec![
                "aws",
                "--sp-metadata",
                "tests/fixtures/sp-metadata/missing.xml",
            ],
            "missing.xml",
        ),
        (vec!["aws", "zoho", "--sp-metadata", md], "one integration"),
    ] {
        let mut args = vec!["generate"];
        args.extend(extra);
        args.extend(base);
        let (code, out, err) = akbp(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // `show` lists the values it read, ready to copy.
    let (code, out, err) = akbp(&[
        "show",
        "aws",
        "--sp-metadata",
        md,
        "--app-url",
        "https://d-9067c2a5f1.awsapps.com",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--param acs_url=https://us-east-1.signin.aws.amazon.com/platform/saml/acs/2f8a7d3c-1b2e-4c5d-9e6f-0a1b2c3d4e5f"), "{out}");
}
