//! `akbp upgrade --from R1 --to R2`: what stops working (findings the new release has and
//! the old one does not, with the first release that has them) and what changes meaning
//! (schemas/release-changes.json), which fixes apply, and `--fix`.

use std::path::Path;

use serde_json::Value;

mod common;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn akbp(args: &[&str], dir: &Path) -> (i32, String, String) {
    common::output_of(&mut common::akbp_command(dir, args), None)
}

fn copy(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in names {
        let from = root().join("tests/fixtures").join(n);
        let to = dir.path().join(Path::new(n).file_name().unwrap());
        std::fs::copy(from, to).unwrap();
    }
    dir
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["upgrade", "--isolated", "--format", "json"];
    all.extend_from_slice(args);
    let (_, out, err) = akbp(&all, dir);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"))
}

#[test]
fn grant_types_stop_working_from_2026_5_and_fix_applies_them() {
    let dir = copy(&["fix/legacy-oauth.yaml"]);
    let v = json(dir.path(), &["--from", "2025.10", "--to", "2026.8", "."]);
    let items = v["items"].as_array().unwrap();
    let grant = items
        .iter()
        .find(|i| i["code"] == "AKB410")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(grant["change"], "stops-working");
    assert_eq!(grant["release"], "2026.5");
    assert_eq!(grant["fix"], "unsafe");
    assert_eq!(grant["line"], 8);
    // The string of redirect URIs was already refused at 2025.10: not an upgrade matter.
    assert!(items.iter().all(|i| i["code"] != "AKB400"), "{v:#}");
    // Up to 2026.2 nothing about grant types.
    let v = json(dir.path(), &["--from", "2025.10", "--to", "2026.2", "."]);
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["code"] != "AKB410"),
        "{v:#}"
    );

    // --fix without --unsafe-fixes leaves the unsafe fix; with it, the file is fixed and
    // nothing stops working any more.
    let (code, out, _) = akbp(
        &[
            "upgrade",
            "--isolated",
            "--from",
            "2025.10",
            "--to",
            "2026.8",
            "--fix",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code, 1, "{out}");
    let before = std::fs::read_to_string(dir.path().join("legacy-oauth.yaml")).unwrap();
    assert!(!before.contains("grant_types"));
    let (code, out, err) = akbp(
        &[
            "upgrade",
            "--isolated",
            "--from",
            "2025.10",
            "--to",
            "2026.8",
            "--fix",
            "--unsafe-fixes",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("0 stop working"), "{out}");
    assert!(out.ends_with("; 1 fixed\n"), "{out}");
    let after = std::fs::read_to_string(dir.path().join("legacy-oauth.yaml")).unwrap();
    assert!(
        after.contains("      grant_types: [authorization_code, refresh_token]\n"),
        "{after}"
    );
    // Only the fixes of what the upgrade breaks: the !Env default form and the string of
    // redirect URIs (broken before and after) are left for `akbp fix`.
    assert!(
        after.contains("!Env FIX_WIKI_URL, https://wiki.example.com"),
        "{after}"
    );
    assert!(after.contains("redirect_uris: |-"), "{after}");
}

#[test]
fn the_empty_redirect_list_changes_from_2025_12_5() {
    let dir = copy(&["AKB408/bad.yaml", "AKB408/good-client-credentials.yaml"]);
    let v = json(dir.path(), &["--from", "2025.10", "--to", "2026.2", "."]);
    let items = v["items"].as_array().unwrap();
    let stop = items
        .iter()
        .find(|i| i["file"] == "bad.yaml")
        .unwrap_or_else(|| panic!("{v:#}"));
    // The 2026.2 line still learns the first URI (lab, authentik 2026.2.2): a warning there.
    assert_eq!(
        (
            stop["code"].as_str(),
            stop["release"].as_str(),
            stop["severity"].as_str()
        ),
        (Some("AKB408"), Some("2026.2"), Some("warning"))
    );
    // Past 2026.2 the list rejects every login, as 2025.12.5 did first.
    let v8 = json(dir.path(), &["--from", "2025.10", "--to", "2026.8", "."]);
    let stop = v8["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"] == "bad.yaml" && i["code"] == "AKB408")
        .unwrap_or_else(|| panic!("{v8:#}"));
    assert_eq!(
        (stop["release"].as_str(), stop["severity"].as_str()),
        (Some("2025.12"), Some("error"))
    );
    // A machine client with an empty list: no finding, but the behaviour changed; said
    // once, for the first release that has it.
    let meaning: Vec<&Value> = items
        .iter()
        .filter(|i| i["file"] == "good-client-credentials.yaml")
        .collect();
    assert_eq!(meaning.len(), 1, "{v:#}");
    assert_eq!(meaning[0]["change"], "changes-meaning");
    assert_eq!(meaning[0]["release"], "2025.12.5");
    assert!(meaning[0]["help"]
        .as_str()
        .unwrap()
        .starts_with("before 2025.12.5: "));
    // Nothing between a release and itself.
    let v = json(dir.path(), &["--from", "2026.2", "--to", "2026.2", "."]);
    assert_eq!(v["items"], Value::Array(Vec::new()));
}

#[test]
fn the_text_report_and_bad_ranges() {
    let dir = copy(&["fix/gravitee-slash.yaml"]);
    let (code, out, err) = akbp(
        &[
            "upgrade",
            "--isolated",
            "--from",
            "2024.10",
            "--to",
            "2026.8",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("gravitee-slash.yaml:9:12: stops working from 2026.5: AKB410 "),
        "{out}"
    );
    // The managed email scope mapping sends email_verified false from 2025.10.
    assert!(out.contains(": changes meaning from 2025.10: `goauthentik.io/providers/oauth2/scope-email` now gives {\"email_verified\":false}"), "{out}");
    assert!(
        out.ends_with("change meaning\n") || out.ends_with("changes meaning\n"),
        "{out}"
    );
    let (code, _, err) = akbp(
        &[
            "upgrade",
            "--isolated",
            "--from",
            "2026.8",
            "--to",
            "2026.2",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(code, 2);
    assert!(err.contains("older than --from"), "{err}");
}
