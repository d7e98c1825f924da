//! A repository of several blueprints (`tests/repository/`), checked as authentik loads a
//! folder: objects one blueprint creates are found by another's `!Find` (no AKB304), a
//! lookup of another blueprint's object without a `metaapplyblueprint` on it is AKB310 with
//! the entry to add, a lookup of a later entry is AKB311, a near miss is AKB312, and
//! AKB304 stays for a lookup nothing creates. The index is built only when a lookup needs it.

use std::path::{Path, PathBuf};
use std::process::Command;

use akbp::check::crossfile::Scope;
use akbp::check::Options;
use akbp::input::Input;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// `akbp validate --format json ARGS` run in tests/: (exit code, findings).
fn validate(args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .current_dir(root())
        .args(["validate", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    (out.status.code().unwrap_or(-1), findings)
}

fn of<'f>(findings: &'f [serde_json::Value], file: &str) -> Vec<&'f serde_json::Value> {
    findings
        .iter()
        .filter(|f| f["file"] == format!("repository/{file}"))
        .collect()
}

fn codes(findings: &[&serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn lookups_of_objects_other_blueprints_create_are_resolved() {
    let (code, findings) = validate(&["repository/"]);
    assert_eq!(code, 1, "typos.yaml has errors: {findings:#?}");
    // base.yaml creates, app.yaml applies it first, teams/editors.yaml applies app.yaml
    // (which applies base.yaml): nothing to report.
    for clean in ["base.yaml", "app.yaml", "teams/editors.yaml"] {
        assert!(of(&findings, clean).is_empty(), "{clean}: {findings:#?}");
    }
    assert!(
        !findings
            .iter()
            .any(|f| f["code"] == "AKB304" && !f["message"].as_str().unwrap().contains("nobody")),
        "{findings:#?}"
    );
}

#[test]
fn a_lookup_without_the_dependency_names_the_blueprint_and_the_entry_to_add() {
    let (_, findings) = validate(&["repository/"]);
    let racy = of(&findings, "racy.yaml");
    assert_eq!(codes(&racy), ["AKB310", "AKB310"], "{racy:#?}");
    let group = racy[1];
    assert_eq!(group["severity"], "warning");
    assert!(group["message"]
        .as_str()
        .unwrap()
        .contains("created by `repository/base.yaml`"));
    assert_eq!(
        group["help"].as_str().unwrap(),
        "make this blueprint depend on it: add as its first entry\n\
         - model: authentik_blueprints.metaapplyblueprint\n  attrs:\n    identifiers:\n      path: base.yaml\n    required: true"
    );
    assert!(racy[0]["help"].as_str().unwrap().contains("path: app.yaml"));
}

#[test]
fn the_fix_makes_the_warning_go() {
    let d = tempfile::tempdir().unwrap();
    for f in ["base.yaml", "app.yaml", "racy.yaml"] {
        std::fs::copy(root().join("repository").join(f), d.path().join(f)).unwrap();
    }
    let (_, findings) = validate(&[d.path().to_str().unwrap()]);
    let help = findings
        .iter()
        .find(|f| f["code"] == "AKB310" && f["message"].as_str().unwrap().contains("group"))
        .and_then(|f| f["help"].as_str())
        .unwrap()
        .to_string();
    let entry = help.split_once('\n').unwrap().1;
    let racy = std::fs::read_to_string(d.path().join("racy.yaml")).unwrap();
    let indented: String = entry.lines().map(|l| format!("  {l}\n")).collect();
    let fixed = racy.replace("entries:\n", &format!("entries:\n{indented}"));
    std::fs::write(d.path().join("racy.yaml"), fixed).unwrap();
    let (_, findings) = validate(&[d.path().to_str().unwrap()]);
    let left: Vec<&str> = findings
        .iter()
        .filter(|f| f["file"].as_str().unwrap().ends_with("racy.yaml"))
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    // The group now comes from a blueprint applied first; the application still does not.
    assert_eq!(left.len(), 1, "{left:#?}");
    assert!(left[0].contains("authentik_core.application"), "{left:#?}");
}

#[test]
fn near_misses_are_errors_with_the_value_meant() {
    let (_, findings) = validate(&["repository/"]);
    let typos = of(&findings, "typos.yaml");
    assert_eq!(codes(&typos), ["AKB312", "AKB312"], "{typos:#?}");
    assert!(typos.iter().all(|f| f["severity"] == "error"));
    assert_eq!(
        typos[0]["help"],
        "did you mean `default-provider-authorization-implicit-consent`?"
    );
    assert_eq!(typos[1]["help"], "did you mean `wiki-users`?");
    assert!(typos[1]["message"]
        .as_str()
        .unwrap()
        .contains("which `repository/base.yaml` creates"));
}

#[test]
fn apply_order_inside_one_blueprint_and_lookups_nothing_answers() {
    let (_, findings) = validate(&["repository/"]);
    let order = of(&findings, "order.yaml");
    assert_eq!(
        codes(&order),
        ["AKB310", "AKB311", "AKB310", "AKB304"],
        "{order:#?}"
    );
    assert!(order[1]["help"]
        .as_str()
        .unwrap()
        .starts_with("move entry 2"));
    assert!(order[3]["message"]
        .as_str()
        .unwrap()
        .contains("nor does any blueprint checked create it"));
}

#[test]
fn a_file_checked_alone_cannot_see_its_neighbours() {
    let (_, findings) = validate(&["repository/racy.yaml"]);
    assert_eq!(
        codes(&findings.iter().collect::<Vec<_>>()),
        ["AKB304", "AKB304"]
    );
}

/// Streaming: the cross-file pass runs only when a lookup needs it.
#[test]
fn the_index_is_built_only_when_a_lookup_needs_it() {
    let inputs = |files: &[&str]| -> Vec<Input> {
        files
            .iter()
            .map(|f| Input::File {
                path: root().join("repository").join(f),
                name: f.to_string(),
                explicit: false,
            })
            .collect()
    };
    let run = |files: &[&str]| {
        let crossfile = akbp::validate::cross_file(&[root().join("repository")], files.len());
        assert_eq!(crossfile.scope(), Scope::Folders);
        let options = Options {
            crossfile: std::sync::Arc::new(crossfile),
            ..Options::default()
        };
        let all = inputs(files);
        let reports = akbp::validate::run_chunk(&all, &all, &options, &akbp::read::RealFs);
        (options.crossfile.is_built(), reports)
    };
    // base.yaml looks nothing up.
    let (built, _) = run(&["base.yaml"]);
    assert!(!built);
    let (built, reports) = run(&["base.yaml", "app.yaml"]);
    assert!(built);
    assert!(
        reports.iter().all(|r| r.findings.is_empty()),
        "{reports:#?}"
    );
}

/// AKB310 carries the `metaapplyblueprint` entry as an unsafe fix; applied, the blueprint
/// applies what it relies on first and the warnings go.
#[test]
fn the_order_warning_carries_its_entry_as_a_fix() {
    use akbp::check::crossfile::CrossFile;
    use akbp::check::fix::{fix_source, FixSettings};
    let folder = root().join("repository");
    let all = akbp::input::collect(std::slice::from_ref(&folder), &Default::default())
        .unwrap()
        .inputs;
    let index =
        akbp::validate::blueprint_index(&all, std::slice::from_ref(&folder), &akbp::read::RealFs);
    let options = Options {
        crossfile: std::sync::Arc::new(CrossFile::with_index(Scope::Folders, index)),
        ..Options::default()
    };
    let path = folder.join("racy.yaml");
    let name = all
        .iter()
        .map(|i| i.name().to_string())
        .find(|n| n.ends_with("racy.yaml"))
        .unwrap();
    let source = akbp::load::SourceFile::new(name, std::fs::read_to_string(&path).unwrap());
    let safe_only = fix_source(&source, &options, &FixSettings::default());
    assert!(!safe_only.changed(), "the fix is unsafe");
    let settings = FixSettings {
        unsafe_fixes: true,
        ..Default::default()
    };
    let fixed = fix_source(&source, &options, &settings);
    assert!(fixed.changed(), "{:?}", fixed.skipped);
    assert!(
        fixed.text.contains(
            "entries:\n  - model: authentik_blueprints.metaapplyblueprint\n    attrs:\n      identifiers:\n"
        ),
        "{}",
        fixed.text
    );
    // app.yaml applies base.yaml itself, so applying app.yaml first answers both lookups:
    // the second fix is not needed and not applied.
    assert!(fixed.text.contains("path: app.yaml"), "{}", fixed.text);
    assert!(!fixed.text.contains("path: base.yaml"), "{}", fixed.text);
    let again = akbp::check::check_source(
        akbp::load::SourceFile::new(source.name.clone(), fixed.text.clone()),
        &options,
    );
    assert!(
        !again.findings.iter().any(|f| f.rule.code == "AKB310"),
        "{:#?}",
        again.findings
    );
}
