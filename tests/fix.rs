//! `akbp fix` on legacy-style files (`tests/fixtures/fix/`): after `--unsafe-fixes`, no
//! finding that carried a fix is left, PyYAML (what authentik reads with) sees every
//! value the fixes did not touch unchanged, every comment is kept, and the fixed texts are
//! the ones authentik 2026.2.2's importer accepted (`tests/lab/fix-2026.2.tsv`, written by
//! `tools/lab-fix.py`). Also: `--diff` writes nothing, safe-only runs leave unsafe fixes,
//! a file that changed since it was read is not written, rule docs state each fix's safety.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::{fnv1a64, pyyaml_available, root};

fn akbp(args: &[&str], dir: &Path) -> (i32, String, String) {
    common::output_of(common::akbp_command(dir, args).env_remove("NO_COLOR"), None)
}

/// The fixtures, and per fixture (at the default target) the values the fixes may
/// change: `(entry index, "model" | "attrs.KEY" | "identifiers.KEY")`.
fn expected_changes() -> BTreeMap<&'static str, Vec<(usize, &'static str)>> {
    BTreeMap::from([
        (
            "legacy-oauth.yaml",
            vec![
                (0, "attrs.redirect_uris"),
                (0, "attrs.grant_types"),
                (1, "attrs.meta_launch_url"),
            ],
        ),
        ("tenant.yaml", vec![(0, "model")]),
        (
            "user-groups.yaml",
            vec![(1, "attrs.ak_groups"), (1, "attrs.groups")],
        ),
        (
            "configmap.yaml",
            vec![
                (0, "attrs.redirect_uris"),
                (0, "attrs.grant_types"),
                (1, "attrs.meta_description"),
            ],
        ),
        (
            "gravitee-slash.yaml",
            vec![(0, "attrs.redirect_uris"), (0, "attrs.grant_types")],
        ),
    ])
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/fix").join(name)
}

/// A copy of the fixture in a fresh folder, fixed with `args`; returns the folder, the
/// fixed text and the run's output.
fn fixed(name: &str, args: &[&str]) -> (tempfile::TempDir, String, (i32, String, String)) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    let mut all = vec!["fix", "--isolated"];
    all.extend_from_slice(args);
    all.push(name);
    let run = akbp(&all, dir.path());
    let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
    (dir, text, run)
}

fn findings(dir: &Path, name: &str) -> Vec<Value> {
    let (_, out, err) = akbp(&["validate", "--isolated", "--format", "json", name], dir);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    v["findings"].as_array().unwrap().clone()
}

/// What authentik reads from each text (`tools/pyyaml_canon.py --view`).
fn views(texts: &[&str]) -> Vec<Value> {
    let mut child = Command::new("python3")
        .arg(root().join("tools/pyyaml_canon.py"))
        .arg("--view")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().unwrap();
    for t in texts {
        writeln!(stdin, "{}", serde_json::to_string(t).unwrap()).unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v.get("ok")
                .cloned()
                .unwrap_or_else(|| panic!("PyYAML refused: {l}"))
        })
        .collect()
}

/// The one blueprint a view holds (the file's, or its one mounted file's).
fn blueprint(view: &Value) -> &Value {
    if view["file"].is_object() {
        return &view["file"];
    }
    let mounted = view["mounted"].as_array().unwrap();
    assert_eq!(mounted.len(), 1, "{view}");
    &mounted[0][1]
}

/// Every value of every entry, by `(entry, "model" | "attrs.KEY" | ...)`.
fn values(bp: &Value) -> BTreeMap<(usize, String), Value> {
    let mut out = BTreeMap::new();
    for (i, e) in bp["entries"].as_array().unwrap().iter().enumerate() {
        for k in ["model", "state", "id"] {
            out.insert((i, k.to_string()), e[k].clone());
        }
        for section in ["identifiers", "attrs"] {
            if let Some(pairs) = e[section]["map"].as_array() {
                for p in pairs {
                    let key = p[0].as_str().unwrap_or("?");
                    out.insert((i, format!("{section}.{key}")), p[1].clone());
                }
            }
        }
    }
    out
}

/// Every comment of `text` (from `#` to the end of its line, outside quotes well enough
/// for these fixtures).
fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| {
            let at = if l.trim_start().starts_with('#') {
                l.find('#')
            } else {
                l.find(" #").map(|i| i + 1)
            };
            at.map(|i| &l[i..])
        })
        .collect()
}

#[test]
fn unsafe_fixes_remove_the_fixed_findings_and_change_nothing_else() {
    let pyyaml = pyyaml_available();
    for (name, changes) in expected_changes() {
        let before_text = std::fs::read_to_string(fixture(name)).unwrap();
        let before_dir = tempfile::tempdir().unwrap();
        std::fs::copy(fixture(name), before_dir.path().join(name)).unwrap();
        let before = findings(before_dir.path(), name);
        let fixable: BTreeSet<String> = before
            .iter()
            .filter(|f| f.get("fix").is_some())
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        assert!(!fixable.is_empty(), "{name}: no finding with a fix");
        let (dir, after_text, (code, _, err)) = fixed(name, &["--unsafe-fixes"]);
        assert_ne!(code, 2, "{name}: {err}");
        assert_ne!(after_text, before_text, "{name}: nothing fixed; {err}");
        let after = findings(dir.path(), name);
        for f in &after {
            let c = f["code"].as_str().unwrap();
            assert!(
                !fixable.contains(c),
                "{name}: {c} is still reported after fix: {f}\n{after_text}"
            );
            assert!(f.get("fix").is_none(), "{name}: a fix is left: {f}");
        }
        for c in comments(&before_text) {
            assert!(
                after_text.contains(c),
                "{name}: comment `{c}` lost:\n{after_text}"
            );
        }
        if !pyyaml {
            continue;
        }
        let v = views(&[&before_text, &after_text]);
        let (old, new) = (values(blueprint(&v[0])), values(blueprint(&v[1])));
        let keys: BTreeSet<_> = old.keys().chain(new.keys()).cloned().collect();
        let changed: BTreeSet<(usize, String)> = keys
            .into_iter()
            .filter(|k| old.get(k) != new.get(k))
            .collect();
        let want: BTreeSet<(usize, String)> =
            changes.iter().map(|(i, k)| (*i, k.to_string())).collect();
        assert_eq!(
            changed, want,
            "{name}: PyYAML reads other values differently:\n{after_text}"
        );
        // Top-level values too (version, metadata, context).
        for k in ["version", "metadata", "context"] {
            assert_eq!(
                blueprint(&v[0])[k],
                blueprint(&v[1])[k],
                "{name}: `{k}` changed"
            );
        }
    }
}

#[test]
fn fixing_twice_changes_nothing_more() {
    for name in expected_changes().keys() {
        let (dir, once, _) = fixed(name, &["--unsafe-fixes"]);
        let run = akbp(&["fix", "--isolated", "--unsafe-fixes", name], dir.path());
        let twice = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(once, twice, "{name}: {}", run.2);
    }
}

#[test]
fn safe_fixes_only_without_the_flag() {
    // legacy-oauth: the strict redirect list is safe; grant_types and !Env are not.
    let (_dir, text, (_, _, err)) = fixed("legacy-oauth.yaml", &[]);
    assert!(
        text.contains("- {matching_mode: strict, url: 'https://wiki.example.com/oauth/callback'}"),
        "{text}"
    );
    assert!(!text.contains("grant_types"), "{text}");
    assert!(
        text.contains("!Env FIX_WIKI_URL, https://wiki.example.com"),
        "{text}"
    );
    assert!(
        err.contains("2 unsafe fixes left (--unsafe-fixes applies them)"),
        "{err}"
    );
    // Renames are safe.
    let (_dir, text, _) = fixed("tenant.yaml", &[]);
    assert!(
        text.contains("- model: authentik_brands.brand   # renamed in 2023.10"),
        "{text}"
    );
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let (dir, text, (code, out, err)) = fixed("legacy-oauth.yaml", &["--unsafe-fixes", "--diff"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        text,
        std::fs::read_to_string(fixture("legacy-oauth.yaml")).unwrap()
    );
    assert!(
        out.starts_with("--- legacy-oauth.yaml\n+++ legacy-oauth.yaml\n@@ "),
        "{out}"
    );
    assert!(out.contains("\n-      redirect_uris: |-\n"), "{out}");
    assert!(
        out.contains("\n+      grant_types: [authorization_code, refresh_token]\n"),
        "{out}"
    );
    // The diff applies: patch(1) turns the file into what fix writes.
    let (_d2, fixed_text, _) = fixed("legacy-oauth.yaml", &["--unsafe-fixes"]);
    let patched = Command::new("patch")
        .args(["-s", "-p0"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(out.as_bytes())?;
            c.wait()
        });
    if patched.is_ok_and(|s| s.success()) {
        let now = std::fs::read_to_string(dir.path().join("legacy-oauth.yaml")).unwrap();
        assert_eq!(now, fixed_text);
    }
    // Nothing to fix: exit 0, no diff.
    let (_d3, _, (code, out, _)) = fixed("legacy-oauth.yaml", &["--diff", "--select", "AKB1"]);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn the_diff_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let text = "version: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: s}\n    attrs:\n      client_secret: hunter2-very-secret\n      redirect_uris: https://s.example.com/cb\n";
    std::fs::write(dir.path().join("s.yaml"), text).unwrap();
    let (code, out, err) = akbp(&["fix", "--isolated", "--diff", "s.yaml"], dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("+      redirect_uris:\n"), "{out}");
    assert!(
        !out.contains("hunter2") && !err.contains("hunter2"),
        "{out}{err}"
    );
}

#[test]
fn stdin_is_fixed_to_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .args(["fix", "--isolated", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(fixture("tenant.yaml")).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    let fixed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        fixed,
        String::from_utf8(text)
            .unwrap()
            .replace("authentik_tenants.tenant", "authentik_brands.brand")
    );
}

#[test]
fn a_file_changed_since_it_was_read_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.yaml");
    std::fs::write(&path, "version: 1\n").unwrap();
    let err = akbp::fix::write_if_unchanged(&path, b"version: 2\n", b"version: 3\n").unwrap_err();
    assert!(err.contains("changed since akbp read it"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "version: 1\n");
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    akbp::fix::write_if_unchanged(&path, b"version: 1\n", b"version: 3\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "version: 3\n");
}

#[cfg(unix)]
#[test]
fn permissions_and_links_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.yaml");
    std::fs::copy(fixture("tenant.yaml"), &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.yaml", dir.path().join("link.yaml")).unwrap();
    let (code, _, err) = akbp(&["fix", "--isolated", "link.yaml"], dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(dir.path().join("link.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
    let meta = std::fs::metadata(&real).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("authentik_brands.brand"));
}

/// Every rule whose findings carry a fix in these fixtures or the rule fixtures says in
/// its documentation whether the fix is safe or unsafe.
#[test]
fn rules_with_fixes_document_their_safety() {
    let dir = root().join("tests/fixtures");
    let (_, out, _) = akbp(&["validate", "--isolated", "--format", "json", "fix"], &dir);
    let v: Value = serde_json::from_str(&out).unwrap();
    let mut seen = BTreeSet::new();
    for f in v["findings"].as_array().unwrap() {
        if let Some(fix) = f.get("fix") {
            seen.insert((
                f["code"].as_str().unwrap().to_string(),
                fix["safety"].as_str().unwrap().to_string(),
            ));
        }
    }
    assert!(seen.len() >= 5, "{seen:?}");
    for (code, safety) in seen {
        let (_, doc, _) = akbp(&["explain", &code], &dir);
        let word = if safety == "safe" {
            "**Safe**"
        } else {
            "**Unsafe**"
        };
        assert!(
            doc.contains("## Fix") && doc.contains(word),
            "{code}'s doc does not say its fix is {safety}:\n{doc}"
        );
    }
}

/// The fixed texts are the ones authentik 2026.2.2's importer accepted.
#[test]
fn authentik_accepted_the_fixed_files() {
    let recorded: BTreeMap<(String, String), (String, String)> =
        common::tsv(&root().join("tests/lab/fix-2026.2.tsv"))
            .into_iter()
            .map(|c| {
                assert!(c.len() >= 4, "bad line: {}", c.join("\t"));
                ((c[0].clone(), c[1].clone()), (c[2].clone(), c[3].clone()))
            })
            .collect();
    for name in expected_changes().keys() {
        for target in ["2026.2", "2026.8"] {
            let (_dir, text, _) = fixed(name, &["--unsafe-fixes", "--target", target]);
            let key = (name.to_string(), target.to_string());
            let Some((hash, verdict)) = recorded.get(&key) else {
                panic!("{name} fixed at {target} has no lab verdict: run tools/lab-fix.py");
            };
            assert_eq!(
                hash,
                &fnv1a64(text.as_bytes()),
                "{name} fixed at {target} is not the text the lab saw: run tools/lab-fix.py"
            );
            assert_eq!(
                verdict, "valid",
                "authentik refused {name} fixed at {target}"
            );
        }
    }
}
