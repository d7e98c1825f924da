//! No literal secret reaches any output format, whatever its spelling or place: a table
//! of placements times every format in `akbp::report::FORMATS`.

use akbp::check::{check_source, Options};
use akbp::load::SourceFile;
use akbp::report::FORMATS;
use akbp::target::Target;

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
