//! No literal secret reaches any output format, whatever its spelling or place: a table
//! of placements times every format in `akbp::report::FORMATS`.

use akbp::check::{check_source, Options};
use akbp::load::SourceFile;
use akbp::report::FORMATS;
use akbp::target::Target;

mod common;
use common::base64;

const S: &str = "Zq9xSECRETvalue7Lm";

fn oauth(attr_lines: &str) -> String {
    format!(
        "version: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {{name: wiki}}\n    attrs:\n{attr_lines}      typo_field: 1\n"
    )
}

fn entry(model: &str, attr_lines: &str) -> String {
    format!(
        "version: 1\nentries:\n  - model: {model}\n    identifiers: {{name: x}}\n    attrs:\n{attr_lines}      typo_field: 1\n"
    )
}

/// (what is placed where, the file, the secret).
fn placements() -> Vec<(&'static str, String, String)> {
    let s = S.to_string();
    let mut rows = vec![
        ("plain", oauth(&format!("      client_secret: {S}\n")), s.clone()),
        ("single-quoted", oauth(&format!("      client_secret: '{S}'\n")), s.clone()),
        ("double-quoted", oauth(&format!("      client_secret: \"{S}\"\n")), s.clone()),
        ("block literal", oauth(&format!("      client_secret: |\n        {S}\n")), s.clone()),
        ("folded", oauth(&format!("      client_secret: >-\n        {S}\n")), s.clone()),
        ("comment after", oauth(&format!("      client_secret: {S}  # rotate me\n")), s.clone()),
        ("key in other case", oauth(&format!("      Client_Secret: {S}\n")), s.clone()),
        ("key upper with dash", oauth(&format!("      CLIENT-SECRET: {S}\n")), s.clone()),
        ("quoted key", oauth(&format!("      \"client_secret\": {S}\n")), s.clone()),
        ("!Format", oauth(&format!("      client_secret: !Format [\"%s\", {S}]\n")), s.clone()),
        ("!Format multi-line", oauth(&format!("      client_secret: !Format [\n        \"%s-x\",\n        {S}]\n")), s.clone()),
        ("!If", oauth(&format!("      client_secret: !If [true, {S}, other]\n")), s.clone()),
        ("!Env default", oauth(&format!("      client_secret: !Env [WIKI_SECRET, {S}]\n")), s.clone()),
        ("!Context default", oauth(&format!("      client_secret: !Context [wiki_secret, {S}]\n")), s.clone()),
        ("mapping value", oauth(&format!("      client_secret: {{value: {S}}}\n")), s.clone()),
        ("list value", oauth(&format!("      client_secret: [{S}]\n")), s.clone()),
        ("nested block list", oauth(&format!("      client_secret:\n        - a: {S}\n")), s.clone()),
        ("also in name", oauth(&format!("      client_secret: {S}\n      name: {S}\n")), s.clone()),
        ("in identifiers", format!("version: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {{name: wiki, client_secret: {S}}}\n    attrs: {{typo_field: 1}}\n"), s.clone()),
        ("flow entry", format!("version: 1\nentries: [{{model: authentik_providers_oauth2.oauth2provider, identifiers: {{name: w}}, attrs: {{client_secret: {S}, typo_field: 1}}}}]\n"), s.clone()),
        ("escaped double quotes", oauth("      client_secret: \"Zq9x\\\"SECRET\\\\value7\"\n"), "Zq9x\"SECRET\\value7".to_string()),
        ("integer secret", entry("authentik_core.user", "      password: 98127346512\n"), "98127346512".to_string()),
        ("user password", entry("authentik_core.user", &format!("      password: {S}\n")), s.clone()),
        ("ldap bind password", entry("authentik_sources_ldap.ldapsource", &format!("      bind_password: {S}\n")), s.clone()),
        ("private key", entry("authentik_crypto.certificatekeypair", &format!("      key_data: |\n        -----BEGIN PRIVATE KEY-----\n        {S}\n        -----END PRIVATE KEY-----\n")), s.clone()),
        ("token key", entry("authentik_core.token", &format!("      key: {S}\n")), s.clone()),
        ("oauth source secret", entry("authentik_sources_oauth.oauthsource", &format!("      consumer_secret: {S}\n")), s.clone()),
        ("scim token", entry("authentik_providers_scim.scimprovider", &format!("      token: {S}\n")), s.clone()),
        ("duo admin key", entry("authentik_stages_authenticator_duo.authenticatorduostage", &format!("      admin_secret_key: {S}\n")), s.clone()),
        ("email password", entry("authentik_stages_email.emailstage", &format!("      password: {S}\n")), s.clone()),
        ("radius shared secret", entry("authentik_providers_radius.radiusprovider", &format!("      shared_secret: {S}\n")), s.clone()),
        ("sms auth token", entry("authentik_stages_authenticator_sms.authenticatorsmsstage", &format!("      auth: {S}\n")), s.clone()),
        ("captcha private key", entry("authentik_stages_captcha.captchastage", &format!("      private_key: {S}\n")), s.clone()),
        ("unknown model", entry("authentik_providers_oauth2.oauth2providr", &format!("      client_secret: {S}\n")), s.clone()),
        ("context", format!("version: 1\ncontext:\n  client_secret: {S}\nentries: []\ntypo: 1\n"), s.clone()),
        ("public client", oauth(&format!("      client_type: public\n      client_secret: {S}\n")), s.clone()),
        ("duplicate key", oauth(&format!("      client_secret: {S}\n      client_secret: {S}x\n")), s.clone()),
    ];
    // Files authentik cannot parse: the excerpt is shown around the syntax error.
    rows.extend([
        ("syntax error next line", format!("version: 1\nentries:\n  - model: authentik_core.user\n    attrs:\n      password: {S}\n      name: [unclosed\n"), s.clone()),
        ("syntax error same line", format!("version: 1\nentries:\n  - model: authentik_core.user\n    attrs:\n      password: {S}: oops\n"), s.clone()),
        ("syntax error in flow", format!("version: 1\nentries: [{{model: authentik_core.user, attrs: {{password: {S}, name: ]]}}\n"), s.clone()),
        ("syntax error block scalar", format!("version: 1\nentries:\n  - model: authentik_crypto.certificatekeypair\n    attrs:\n      key_data: |\n        {S}\n      name: \"unterminated\n"), s.clone()),
        ("syntax error quoted secret", format!("version: 1\nentries:\n  - attrs:\n      \"Client_Secret\" : '{S}'\n   bad: indentation\n"), s.clone()),
    ]);
    rows
}

#[test]
fn no_secret_in_any_format() {
    let rows = placements();
    assert!(rows.len() >= 30);
    assert!(FORMATS.len() >= 2);
    let mut failures = Vec::new();
    for (what, text, secret) in &rows {
        let report = check_source(
            SourceFile::new("s.yaml", text.as_str()),
            &Options::default(),
        );
        assert!(
            !report.findings.is_empty(),
            "{what}: no finding, so nothing near the secret is shown"
        );
        for (format, render) in FORMATS {
            let out = render(std::slice::from_ref(&report), Target::LATEST, &[]);
            let escaped = serde_json::to_string(secret).unwrap();
            let escaped = &escaped[1..escaped.len() - 1];
            if out.contains(secret.as_str()) || out.contains(escaped) {
                failures.push(format!("{what} / {format}:\n{out}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn look_alikes_are_not_masked() {
    let text = oauth(
        "      signing_key: !Find [authentik_crypto.certificatekeypair, [name, SelfSignedKeyName]]\n      client_id: VisibleClientId\n",
    );
    let report = check_source(
        SourceFile::new("s.yaml", text.as_str()),
        &Options::default(),
    );
    let src = &report.source.as_ref().unwrap().text;
    assert!(src.contains("SelfSignedKeyName"), "{src}");
    assert!(src.contains("VisibleClientId"), "{src}");
    let text = entry(
        "authentik_policies_password.passwordpolicy",
        "      password_field: VisibleFieldName\n",
    );
    let report = check_source(
        SourceFile::new("s.yaml", text.as_str()),
        &Options::default(),
    );
    assert!(report.source.unwrap().text.contains("VisibleFieldName"));
}

#[test]
fn masking_keeps_every_position() {
    let text = oauth(&format!(
        "      client_secret: |\n        {S}\n        ünïcode\n"
    ));
    let report = check_source(
        SourceFile::new("s.yaml", text.as_str()),
        &Options::default(),
    );
    let masked = report.source.unwrap();
    assert_eq!(masked.text.len(), text.len());
    assert_eq!(masked.text.lines().count(), text.lines().count());
    assert!(!masked.text.contains("ünïcode"));
}

#[test]
fn the_binary_masks_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.yaml");
    std::fs::write(&path, oauth(&format!("      client_secret: {S}\n"))).unwrap();
    for format in ["human", "json"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_akbp"))
            .args(["validate", "--format", format])
            .arg(&path)
            .output()
            .unwrap();
        let all = [out.stdout, out.stderr].concat();
        assert!(!String::from_utf8_lossy(&all).contains(S), "{format}");
    }
}

/// Render `text` as file `name` in every format; the formats (and what they printed)
/// in which any of `needles` appears, as written or JSON-escaped.
fn leaks(name: &str, text: &str, needles: &[String]) -> Vec<String> {
    let report = check_source(SourceFile::new(name, text), &Options::default());
    let mut out = Vec::new();
    for (format, render) in FORMATS {
        let shown = render(std::slice::from_ref(&report), Target::LATEST, &[]);
        for n in needles.iter().filter(|n| !n.is_empty()) {
            let escaped = serde_json::to_string(n).unwrap();
            let escaped = &escaped[1..escaped.len() - 1];
            if shown.contains(n.as_str()) || shown.contains(escaped) {
                out.push(format!("{format}: `{n}` in\n{shown}"));
            }
        }
    }
    out
}

/// Files the loader cannot read to the end: whatever a key that says secret is spelt
/// like, its value is masked, and so is every value of a Kubernetes Secret (decoded).
#[test]
fn unparseable_files_mask_every_key_that_says_secret() {
    let keys = [
        "client_secret",
        "ClientSecret",
        "clientSecret",
        "api-key",
        "apiKey",
        "API_KEY",
        "PASSWORD",
        "db_password",
        "my-token",
        "AccessToken",
        "credentials",
        "Credential",
        "\"client_secret\"",
        "'Api-Key'",
        "\"client\\x5fsecret\"",
    ];
    let mut failures = Vec::new();
    for key in keys {
        for (shape, text) in [
            ("block", format!("version: 1\nentries:\n  - model: authentik_core.user\n    attrs:\n      {key}: {S}\n      name: [unclosed\n")),
            ("same line", format!("version: 1\nentries:\n  - attrs:\n      {key}: {S}: oops\n")),
            ("flow", format!("version: 1\nentries: [{{attrs: {{{key}: {S}, name: ]]}}\n")),
            ("explicit", format!("version: 1\nentries:\n  - attrs:\n      ? {key}\n      : {S}\n      name: [unclosed\n")),
            ("after error", format!("version: 1\nentries:\n  - attrs:\n      name: [unclosed\n      {key}: {S}\n")),
        ] {
            for l in leaks("s.yaml", &text, &[S.to_string()]) {
                failures.push(format!("{key} / {shape}: {l}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_unparseable_kubernetes_secret_shows_no_value_decoded_or_not() {
    let decoded = "Plain-Hunter7-Value";
    let encoded = base64(decoded.as_bytes());
    for text in [
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  admin: {encoded}\n  oops: [unclosed\nstringData:\n  other: {S}\n"),
        format!("apiVersion: v1\nkind: \"Secret\"\ndata: {{admin: {encoded}, x: ]]}}\nstringData:\n  other: {S}\n"),
        format!("kind: Secret\nstringData:\n  other: {S}\n  bp.yaml: |\n    version: 1\n    entries: [\ndata:\n  admin: {encoded}\n  x: : y\n"),
        // The decoded text elsewhere in the file (a comment) is masked too.
        format!("kind: Secret\ndata:\n  admin: {encoded}\n# {decoded}\n# {S}\nstringData: {{other: {S}, x: ]]}}\n"),
    ] {
        let l = leaks(
            "secret.yaml",
            &text,
            &[decoded.to_string(), encoded.clone(), S.to_string()],
        );
        assert!(l.is_empty(), "{text}\n{}", l.join("\n\n"));
    }
}

/// A blueprint in a ConfigMap whose text does not parse: its secrets are masked as in a
/// file of its own.
#[test]
fn an_unparseable_wrapped_blueprint_masks_its_secrets() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  bp.yaml: |\n    version: 1\n    entries:\n      - model: authentik_core.user\n        attrs:\n          password: {S}\n          name: [unclosed\n"
    );
    let l = leaks("cm.yaml", &text, &[S.to_string()]);
    assert!(l.is_empty(), "{}", l.join("\n\n"));
}

/// Issue 21: a blueprint kept in a Secret has the Secret's secret values masked, not its
/// own words: model names, did-you-mean suggestions, names and slugs stay readable.
#[test]
fn a_blueprint_in_a_secret_keeps_authentiks_words() {
    let other = "Other-Secret-Value9";
    let encoded = base64(other.as_bytes());
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  sso.yaml: |\n    version: 1\n    entries:\n      - model: authentik_core.gruop\n        identifiers: {{name: admins-group}}\n      - model: authentik_providers_oauth2.oauth2provider\n        identifiers: {{name: wiki}}\n        attrs:\n          client_secret: {S}\n          typo_field: 1\n      - model: authentik_core.group\n        identifiers: {{name: {other}}}\n        attrs: {{typo_field: 1}}\ndata:\n  admin: {encoded}\n"
    );
    let report = check_source(
        SourceFile::new("s.yaml", text.as_str()),
        &Options::default(),
    );
    let messages: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.message, f.help.clone().unwrap_or_default()))
        .collect();
    let all = messages.join("\n");
    assert!(all.contains("authentik_core.gruop"), "{all}");
    assert!(all.contains("authentik_core.group"), "{all}");
    assert!(all.contains("typo_field"), "{all}");
    let excerpt = &report.source.as_ref().unwrap().text;
    assert!(excerpt.contains("admins-group"), "{excerpt}");
    let l = leaks(
        "s.yaml",
        &text,
        &[S.to_string(), other.to_string(), encoded],
    );
    assert!(l.is_empty(), "{}", l.join("\n\n"));
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    /// Spellings of authentik's own secret fields that PyYAML reads as that key.
    const PARSED_KEYS: &[&str] = &[
        "client_secret",
        "Client_Secret",
        "CLIENT-SECRET",
        "ClientSecret",
        "\"client_secret\"",
        "'client_secret'",
        "\"client\\x5fsecret\"",
        "!!str client_secret",
        "password",
        "PASSWORD",
    ];
    /// Keys that only say secret: masked when the file cannot be parsed.
    const SAYING_KEYS: &[&str] = &[
        "api-key",
        "apiKey",
        "MyToken",
        "db_credentials",
        "secretValue",
    ];

    #[derive(Debug, Clone)]
    enum Value {
        Plain,
        Single,
        Double,
        Escaped,
        Literal,
        Folded,
        FlowSeq,
        Format,
        EnvDefault,
    }

    #[derive(Debug, Clone)]
    enum Wrap {
        None,
        SecretStringData,
        ConfigMap,
        SecretOtherData,
    }

    /// The value as written at `indent`, and what PyYAML reads (the secret).
    fn written(v: &Value, secret: &str, indent: &str) -> String {
        match v {
            Value::Plain => secret.to_string(),
            Value::Single => format!("'{secret}'"),
            Value::Double => format!("\"{secret}\""),
            Value::Escaped => {
                let (a, b) = secret.split_at(2);
                format!("\"{a}\\x{:02x}{}\"", b.as_bytes()[0], &b[1..])
            }
            Value::Literal => format!("|\n{indent}        {secret}"),
            Value::Folded => format!(">-\n{indent}        {secret}"),
            Value::FlowSeq => format!("[{secret}]"),
            Value::Format => format!("!Format [\"%s\", {secret}]"),
            Value::EnvDefault => format!("!Env [X_SECRET, {secret}]"),
        }
    }

    fn blueprint(key: &str, explicit: bool, value: &str, broken: u8, indent: &str) -> String {
        let pair = if explicit {
            format!("{indent}      ? {key}\n{indent}      : {value}\n")
        } else {
            format!("{indent}      {key}: {value}\n")
        };
        let bad = format!("{indent}      name: [unclosed\n");
        let typo = format!("{indent}      typo_field: 1\n");
        let (before, after) = match broken {
            0 => (String::new(), typo),
            1 => (String::new(), bad),
            _ => (bad, String::new()),
        };
        format!(
            "{indent}version: 1\n{indent}entries:\n{indent}  - model: authentik_providers_oauth2.oauth2provider\n{indent}    identifiers: {{name: wiki}}\n{indent}    attrs:\n{before}{pair}{after}"
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn no_secret_in_any_format_wherever_and_however_written(
            secret in "[A-Z][a-z]{3}[0-9][A-Za-z0-9]{6,14}",
            parsed_key in proptest::sample::select(PARSED_KEYS),
            saying_key in proptest::sample::select(SAYING_KEYS),
            saying in any::<bool>(),
            explicit in any::<bool>(),
            value in prop_oneof![
                Just(Value::Plain), Just(Value::Single), Just(Value::Double),
                Just(Value::Escaped), Just(Value::Literal), Just(Value::Folded),
                Just(Value::FlowSeq), Just(Value::Format), Just(Value::EnvDefault),
            ],
            wrap in prop_oneof![
                Just(Wrap::None), Just(Wrap::SecretStringData), Just(Wrap::ConfigMap),
                Just(Wrap::SecretOtherData),
            ],
            broken in 0u8..3,
        ) {
            // A key that only says secret is masked when the file cannot be parsed.
            let key = if saying && broken > 0 { saying_key } else { parsed_key };
            let mut needles = vec![secret.clone()];
            let text = match wrap {
                Wrap::None => blueprint(key, explicit, &written(&value, &secret, ""), broken, ""),
                Wrap::SecretStringData | Wrap::ConfigMap => {
                    let kind = if matches!(wrap, Wrap::ConfigMap) { "ConfigMap" } else { "Secret" };
                    let section = if kind == "Secret" { "stringData" } else { "data" };
                    let inner = blueprint(key, explicit, &written(&value, &secret, "    "), broken, "    ");
                    format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: x\n{section}:\n  bp.yaml: |\n{inner}")
                }
                Wrap::SecretOtherData => {
                    // The Secret's own value, base64 in `data`, and the same words in
                    // the blueprint beside it: neither spelling may appear.
                    let encoded = base64(secret.as_bytes());
                    needles.push(encoded.clone());
                    let inner = blueprint("name", false, &secret, broken, "    ");
                    format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  admin: {encoded}\nstringData:\n  bp.yaml: |\n{inner}")
                }
            };
            if let Value::Escaped = value {
                let w = written(&value, &secret, "");
                needles.push(w[1..w.len() - 1].to_string());
            }
            let l = leaks("g.yaml", &text, &needles);
            prop_assert!(l.is_empty(), "{text}\n{}", l.join("\n\n"));
        }
    }
}
