//! The binary as CI uses it: exit codes, the JSON shape, stdin, --schema, --target.

use std::path::Path;

mod common;

fn akbp(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    // akbp may exit before reading (a bad --schema): the exit code says so.
    common::output_of(
        common::akbp_command(common::root(), args).env("NO_COLOR", "1"),
        stdin,
    )
}

const GOOD: &str = "version: 1\nmetadata:\n  name: ok\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n";

#[test]
fn clean_file_exits_zero_with_summary() {
    let (code, out, _) = akbp(&["validate", "examples/grafana-oidc.yaml"], None);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.trim_end()
            .ends_with("checked 1 file: 0 errors, 0 warnings"),
        "{out}"
    );
}

#[test]
fn errors_exit_one_and_every_file_is_reported() {
    let (code, out, _) = akbp(&["validate", "examples/"], None);
    assert_eq!(code, 1);
    assert!(out.contains("examples/broken/oauth-legacy.yaml:"), "{out}");
    assert!(out.contains("examples/broken/wiki-typos.yaml:"), "{out}");
    // 8 single files and the 4 blueprints of examples/repository/.
    assert!(out.contains("checked 12 files:"), "{out}");
}

#[test]
fn json_report_has_the_documented_shape() {
    let (code, out, _) = akbp(
        &[
            "validate",
            "--format",
            "json",
            "examples/broken/oauth-legacy.yaml",
        ],
        None,
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 3);
    assert_eq!(v["target"], "2026.8");
    let f = &v["findings"][0];
    for key in [
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "name",
        "severity",
        "message",
        "help",
    ] {
        assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
    }
    let keyof = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "AKB300")
        .expect("AKB300 finding");
    assert_eq!(
        (keyof["line"].as_u64(), keyof["column"].as_u64()),
        (Some(23), Some(17))
    );
    assert_eq!(keyof["end_column"].as_u64(), Some(31));
    assert_eq!(v["summary"]["files"], 1);
    assert!(v["summary"]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn stdin_is_read_with_dash() {
    let (code, out, _) = akbp(&["validate", "-"], Some(GOOD));
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = akbp(&["validate", "-"], Some("version: 1\nentries: [\n"));
    assert_eq!(code, 1);
    assert!(out.contains("<stdin>:") && out.contains("AKB002"), "{out}");
}

#[test]
fn deny_warnings_turns_warnings_into_failure() {
    let warn = "version: 1\nmetadata:\n  name: w\nentries:\n  - model: authentik_core.group\n    identifiers: {name: a}\n    attrs: {descripton: x}\n";
    let (code, _, _) = akbp(&["validate", "-"], Some(warn));
    assert_eq!(code, 0);
    let (code, _, _) = akbp(&["validate", "--deny-warnings", "-"], Some(warn));
    assert_eq!(code, 1);
}

#[test]
fn unknown_target_is_a_usage_error_listing_known_releases() {
    let (code, _, err) = akbp(&["validate", "--target", "2026.11", "examples/"], None);
    assert_eq!(code, 2);
    assert!(err.contains("2024.10") && err.contains("2026.8"), "{err}");
    let (code, _, _) = akbp(
        &[
            "validate",
            "--target",
            "2024.10",
            "examples/grafana-oidc.yaml",
        ],
        None,
    );
    assert_ne!(code, 2);
}

#[test]
fn nothing_readable_is_a_run_failure() {
    let (code, out, _) = akbp(&["validate", "no/such/file.yaml"], None);
    assert_eq!(code, 2);
    assert!(out.contains("AKB001"), "{out}");
    let (code, _, _) = akbp(
        &[
            "validate",
            "no/such/file.yaml",
            "examples/grafana-oidc.yaml",
        ],
        None,
    );
    assert_eq!(
        code, 1,
        "one unreadable file among readable ones is a finding, not a run failure"
    );
}

#[test]
fn schema_option_checks_models_akbp_cannot() {
    let shared =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/authentik/2026.2.2/schema.json");
    let schema = shared.to_str().unwrap();
    let (code, _, err) = akbp(
        &["validate", "--schema", "no/such/schema.json", "-"],
        Some(GOOD),
    );
    assert_eq!(code, 2, "{err}");
    // authentik_core.actor has no field list in akbp's 2026.8 knowledge: with a schema that
    // describes a model akbp lacks, its attrs are checked against the schema instead.
    let with_unknown = "version: 1\nmetadata:\n  name: s\nentries:\n  - model: authentik_core.actor\n    identifiers: {name: bot}\n";
    let (_, out, _) = akbp(&["validate", "-"], Some(with_unknown));
    assert!(out.contains("AKB201"), "{out}");
    let (code, out, err) = akbp(&["validate", "--schema", schema, "-"], Some(GOOD));
    assert_eq!(code, 0, "{out}{err}");
    // A schema in authentik's shape that describes `authentik_core.actor`.
    let dir = tempfile::tempdir().unwrap();
    let custom = dir.path().join("schema.json");
    std::fs::write(
        &custom,
        r##"{"$schema": "http://json-schema.org/draft-07/schema", "type": "object",
            "$defs": {"blueprint_entry": {"oneOf": [{"type": "object", "properties": {
                "model": {"const": "authentik_core.actor"},
                "attrs": {"$ref": "#/$defs/model_authentik_core.actor"}}}]},
              "model_authentik_core.actor": {"type": "object", "properties": {
                "name": {"type": "string"}, "is_active": {"type": "boolean"}}}}}"##,
    )
    .unwrap();
    let bad_actor = format!("{with_unknown}    attrs: {{is_active: [yes]}}\n");
    let (code, out, _) = akbp(
        &["validate", "--schema", custom.to_str().unwrap(), "-"],
        Some(&bad_actor),
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("AKB203") && out.contains("is_active") && !out.contains("AKB201"),
        "{out}"
    );
}

#[test]
fn rules_and_explain() {
    let (code, out, _) = akbp(&["rules"], None);
    assert_eq!(code, 0);
    assert!(
        out.lines().count() >= 30 && out.contains("AKB300  keyof-unresolved"),
        "{out}"
    );
    let (code, out, _) = akbp(&["explain", "AKB300"], None);
    assert_eq!(code, 0);
    assert!(out.contains("## Use instead"), "{out}");
    let (code, _, _) = akbp(&["explain", "AKB999"], None);
    assert_eq!(code, 2);
}
