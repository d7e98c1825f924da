//! The way in for a repository that already has findings: a baseline that survives
//! unrelated edits, `[per-file-ignores]`, `--output-file`, `--stdin-filename`, and info
//! findings kept out of the formats CI annotates.

use std::path::Path;

use serde_json::Value;

mod common;

fn akbp(args: &[&str], dir: &Path) -> (i32, String, String) {
    akbp_stdin(args, dir, None)
}

fn akbp_stdin(args: &[&str], dir: &Path, stdin: Option<&str>) -> (i32, String, String) {
    common::output_of(&mut common::akbp_command(dir, args), stdin)
}

/// A fresh folder holding `files` (path in the folder, text), folders made as needed.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        common::write(dir.path(), rel, text);
    }
    dir
}

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(common::root().join("tests/fixtures").join(rel)).unwrap()
}

fn codes(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["file"].as_str().unwrap(),
                f["code"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_baseline_hides_old_findings_through_unrelated_edits() {
    let dir = folder(&[
        ("bp/legacy-oauth.yaml", &fixture("fix/legacy-oauth.yaml")),
        ("bp/tenant.yaml", &fixture("fix/tenant.yaml")),
    ]);
    let d = dir.path();
    let (code, _, err) = akbp(
        &[
            "validate",
            "--isolated",
            "--write-baseline",
            "akbp-baseline.json",
            "bp",
        ],
        d,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("wrote akbp-baseline.json with 5 finding(s)"),
        "{err}"
    );
    let base: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("akbp-baseline.json")).unwrap())
            .unwrap();
    assert_eq!(base["version"], 1);
    assert!(base["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"].as_str().unwrap().starts_with("bp/")));

    let with_baseline = || {
        akbp(
            &[
                "validate",
                "--isolated",
                "--baseline",
                "akbp-baseline.json",
                "--format",
                "json",
                "bp",
            ],
            d,
        )
    };

    // Nothing new: exit 0, everything counted as suppressed.
    let (code, out, _) = with_baseline();
    assert_eq!(code, 0, "{out}");
    assert!(codes(&out).is_empty(), "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["suppressed"], 5);

    // Unrelated edits: an entry added above, the file re-indented by a comment block, the
    // same findings on other lines. Still nothing new. A new problem is reported.
    let legacy = fixture("fix/legacy-oauth.yaml")
        .replace(
            "entries:\n",
            "entries:\n  # added later\n  - model: authentik_core.group\n    identifiers: {name: wiki-users}\n",
        )
        .replace("name: \"Legacy wiki\"", "name: \"Legacy wiki\"\n      launch_url: https://x.example.com");
    std::fs::write(d.join("bp/legacy-oauth.yaml"), legacy).unwrap();
    let (code, out, _) = with_baseline();
    assert_eq!(codes(&out), ["bp/legacy-oauth.yaml:AKB202"], "{out}");
    assert_eq!(code, 0, "a warning does not fail the run");

    // A second copy of an old finding is new: the baseline counts them.
    let tenant = fixture("fix/tenant.yaml");
    let twice = format!("{tenant}  - model: authentik_tenants.tenant\n    identifiers:\n      domain: other.example.com\n");
    std::fs::write(d.join("bp/tenant.yaml"), twice).unwrap();
    let (code, out, _) = with_baseline();
    assert!(
        codes(&out).contains(&"bp/tenant.yaml:AKB200".to_string()),
        "{out}"
    );
    assert_eq!(code, 1);

    // Run from another folder: file names are relative to the baseline, not the shell.
    std::fs::write(d.join("bp/tenant.yaml"), &tenant).unwrap();
    let (_, out, _) = akbp(
        &[
            "validate",
            "--isolated",
            "--baseline",
            "../akbp-baseline.json",
            "--format",
            "json",
            ".",
        ],
        &d.join("bp"),
    );
    assert_eq!(codes(&out), ["legacy-oauth.yaml:AKB202"], "{out}");

    // A broken baseline is a usage error.
    std::fs::write(d.join("bad.json"), "{}").unwrap();
    let (code, _, err) = akbp(
        &["validate", "--isolated", "--baseline", "bad.json", "bp"],
        d,
    );
    assert_eq!(code, 2);
    assert!(err.contains("not a baseline akbp wrote"), "{err}");
}

#[test]
fn per_file_ignores_switch_rules_off_for_matching_files() {
    let tenant = fixture("fix/tenant.yaml");
    let dir = folder(&[
        ("legacy/tenant.yaml", &tenant),
        ("tenant.yaml", &tenant),
        ("user.yaml", &fixture("fix/user-groups.yaml")),
        (
            "akbp.toml",
            "[per-file-ignores]\n\"legacy/*.yaml\" = [\"AKB200\"]\n\"user.yaml\" = [\"unknown-field\"]\n",
        ),
    ]);
    let d = dir.path();
    let (_, out, _) = akbp(&["validate", "--format", "json", "."], d);
    assert_eq!(codes(&out), ["tenant.yaml:AKB200"], "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["suppressed"], 2);
    // A load-stopping rule cannot be ignored per file either.
    common::write(d, "legacy/broken.yaml", "version: 1\nentries: [\n");
    common::write(
        d,
        "akbp.toml",
        "[per-file-ignores]\n\"legacy/\" = [\"AKB002\", \"AKB200\"]\n",
    );
    let (_, out, _) = akbp(&["validate", "--format", "json", "legacy"], d);
    assert_eq!(codes(&out), ["legacy/broken.yaml:AKB002"], "{out}");
    // Bad entries are configuration errors with a place.
    common::write(
        d,
        "akbp.toml",
        "[per-file-ignores]\n\"*.yaml\" = [\"AKB9999\"]\n",
    );
    let (code, _, err) = akbp(&["validate", "."], d);
    assert_eq!(code, 2);
    assert!(
        err.contains("akbp.toml:2:") && err.contains("no rule `AKB9999`"),
        "{err}"
    );
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = folder(&[("t.yaml", &fixture("fix/tenant.yaml"))]);
    let d = dir.path();
    let (code, out, _) = akbp(
        &[
            "validate",
            "--isolated",
            "--format",
            "sarif",
            "--output-file",
            "out/akbp.sarif",
            "t.yaml",
        ],
        d,
    );
    // The folder does not exist: a clear failure, nothing half-written.
    assert_eq!(code, 2, "{out}");
    std::fs::create_dir(d.join("out")).unwrap();
    let (code, out, _) = akbp(
        &[
            "validate",
            "--isolated",
            "--format",
            "sarif",
            "--output-file",
            "out/akbp.sarif",
            "t.yaml",
        ],
        d,
    );
    assert_eq!((code, out.as_str()), (1, ""));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/akbp.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "AKB200");
    // An empty run writes a valid empty report there too.
    std::fs::create_dir(d.join("empty")).unwrap();
    let (code, out, _) = akbp(
        &[
            "validate",
            "--isolated",
            "--format",
            "sarif",
            "-o",
            "out/empty.sarif",
            "empty",
        ],
        d,
    );
    assert_eq!((code, out.as_str()), (0, ""));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/empty.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"], Value::Array(Vec::new()));
}

#[test]
fn stdin_filename_names_the_input_and_finds_its_configuration() {
    let dir = folder(&[(
        "akbp.toml",
        "[per-file-ignores]\n\"legacy/\" = [\"AKB200\"]\n",
    )]);
    let d = dir.path();
    std::fs::create_dir(d.join("legacy")).unwrap();
    let text = fixture("fix/tenant.yaml");
    let (code, out, err) = akbp_stdin(
        &[
            "validate",
            "--format",
            "json",
            "--stdin-filename",
            "legacy/t.yaml",
            "-",
        ],
        d,
        Some(&text),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(codes(&out).is_empty(), "{out}");
    let (code, out, _) = akbp_stdin(
        &[
            "validate",
            "--format",
            "concise",
            "--stdin-filename",
            "new/t.yaml",
            "-",
        ],
        d,
        Some(&text),
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("new/t.yaml:6:12: error[AKB200]"), "{out}");
    // Without `-` the flag has nothing to name.
    let (code, _, err) = akbp(&["validate", "--stdin-filename", "x.yaml", "."], d);
    assert_eq!(code, 2);
    assert!(err.contains("no `-` was given"), "{err}");
}

#[test]
fn info_findings_stay_out_of_ci_formats_unless_asked() {
    // AKB414 env-required is an info finding.
    let text = "version: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: !Env WIKI_NAME\n";
    let dir = folder(&[("wiki.yaml", text)]);
    let d = dir.path();
    let (_, json, _) = akbp(
        &["validate", "--isolated", "--format", "json", "wiki.yaml"],
        d,
    );
    assert!(
        codes(&json).contains(&"wiki.yaml:AKB414".to_string()),
        "{json}"
    );
    // What a format reports (SARIF also describes every rule, AKB414 included).
    let reported = |format: &str, out: &str| -> String {
        if format == "sarif" {
            let v: Value = serde_json::from_str(out).unwrap();
            v["runs"][0]["results"].to_string()
        } else {
            out.to_string()
        }
    };
    for format in ["sarif", "github", "gitlab"] {
        let (code, out, _) = akbp(
            &["validate", "--isolated", "--format", format, "wiki.yaml"],
            d,
        );
        assert_eq!(code, 0);
        assert!(
            !reported(format, &out).contains("AKB414"),
            "{format}: {out}"
        );
        let (_, out, _) = akbp(
            &[
                "validate",
                "--isolated",
                "--format",
                format,
                "--show-info",
                "wiki.yaml",
            ],
            d,
        );
        assert!(
            reported(format, &out).contains("AKB414"),
            "{format} --show-info: {out}"
        );
    }
    // The configuration key does the same; the summary counts info either way.
    common::write(d, "akbp.toml", "show-info = true\n");
    let (_, out, _) = akbp(&["validate", "--format", "github", "wiki.yaml"], d);
    assert!(
        out.contains("::notice file=wiki.yaml") && out.contains("AKB414"),
        "{out}"
    );
    common::write(d, "akbp.toml", "show-info = false\n");
    let (_, out, _) = akbp(&["validate", "--format", "github", "wiki.yaml"], d);
    assert!(!out.contains("AKB414") && out.contains("1 info"), "{out}");
}
