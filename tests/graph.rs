//! `akbp graph`: the picture of tests/repository/ (see tests/repository.rs) in Mermaid and
//! DOT, with its races and missing objects; a cycle of `metaapplyblueprint`; and SVG, which
//! needs Graphviz's `dot` (without it: a clear error, exit 2).

use std::path::{Path, PathBuf};
use std::process::Command;

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn graph(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .current_dir(dir)
        .arg("graph")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn mermaid_shows_dependencies_objects_races_and_missing_objects() {
    let (code, out, err) = graph(&tests_dir(), &["repository/"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("flowchart LR\n"), "{out}");
    assert!(
        err.contains("6 blueprints, 0 cycles, 3 races, 3 missing"),
        "{err}"
    );
    let node = |label: &str| {
        out.lines()
            .find(|l| l.contains(label))
            .and_then(|l| l.trim().split(['[', '(']).next())
            .unwrap_or_else(|| panic!("no node {label}:\n{out}"))
            .to_string()
    };
    let (app, base, racy, editors) = (
        node("\"app.yaml<br/>Corporate - Wiki\""),
        node("\"base.yaml<br/>Corporate - Base\""),
        node("\"racy.yaml"),
        node("\"teams/editors.yaml"),
    );
    let group = node("authentik_core.group name = wiki-users");
    for edge in [
        format!("{app} ==>|applies first| {base}"),
        format!("{editors} ==>|applies first| {app}"),
        format!("{base} -->|creates| {group}"),
        format!("{app} -.->|finds| {group}"),
        // editors.yaml applies app.yaml, which applies base.yaml: no race.
        format!("{editors} -.->|finds| {group}"),
        format!("{racy} -.->|finds: race| {group}"),
    ] {
        assert!(out.contains(&edge), "missing `{edge}`:\n{out}");
    }
    assert!(
        out.contains("nobody-creates-this<br/>(nothing creates it)"),
        "{out}"
    );
    assert!(
        out.contains("implicit-consnt<br/>(nothing creates it)"),
        "{out}"
    );
    // The default flow is found on every install: no node for it.
    assert!(!out.contains("default-provider-invalidation-flow"), "{out}");
}

#[test]
fn dot_draws_the_same_picture() {
    let (code, out, _) = graph(&tests_dir(), &["repository/", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("digraph blueprints {"), "{out}");
    assert!(out.trim_end().ends_with('}'));
    assert_eq!(out.matches("label=\"finds: race\"").count(), 3, "{out}");
    assert_eq!(out.matches("label=\"applies first\"").count(), 3, "{out}");
    assert!(
        out.contains("label=\"base.yaml\\nCorporate - Base\""),
        "{out}"
    );
}

#[test]
fn a_cycle_of_metaapplyblueprint_and_a_shipped_dependency_are_shown() {
    let d = tempfile::tempdir().unwrap();
    let apply = |name: &str| {
        format!(
            "version: 1\nmetadata:\n  name: {name}\nentries:\n  - model: authentik_blueprints.metaapplyblueprint\n    attrs:\n      identifiers: {{path: {}.yaml}}\n  - model: authentik_blueprints.metaapplyblueprint\n    attrs:\n      identifiers: {{name: Default - Authentication flow}}\n",
            if name == "a" { "b" } else { "a" }
        )
    };
    std::fs::write(d.path().join("a.yaml"), apply("a")).unwrap();
    std::fs::write(d.path().join("b.yaml"), apply("b")).unwrap();
    let (code, out, err) = graph(d.path(), &["."]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("applies first: cycle|").count(), 2, "{out}");
    assert!(out.contains("Default - Authentication flow<br/>(shipped with authentik)"));
    assert!(err.contains("2 cycles"), "{err}");
}

#[test]
fn svg_needs_graphviz_and_says_so() {
    // Without `dot` on the PATH: a clear error, exit 2, nothing on standard output.
    let out = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .current_dir(tests_dir())
        .args(["graph", "repository/", "--format", "svg"])
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs Graphviz's `dot`"), "{err}");
    // With it, an SVG. CI does not install Graphviz: there this part is skipped.
    let has_dot = Command::new("dot").arg("-V").output().is_ok();
    if !has_dot {
        eprintln!("skipped: Graphviz `dot` is not installed");
        return;
    }
    let (code, out, err) = graph(&tests_dir(), &["repository/", "--format", "svg"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("<svg"), "{out}");
    assert!(out.contains("finds: race"));
}

#[test]
fn nothing_to_draw_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let (code, out, err) = graph(d.path(), &["."]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("no blueprints found"), "{err}");
}

/// docs/repository.md shows the Mermaid text `akbp graph examples/repository/` prints.
#[test]
fn the_manual_shows_the_example_repository_as_it_is_drawn() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, _) = graph(root, &["examples/repository/"]);
    assert_eq!(code, 0);
    let page = std::fs::read_to_string(root.join("docs/repository.md")).unwrap();
    let block = page
        .split("```mermaid\n")
        .nth(1)
        .and_then(|b| b.split("```\n").next())
        .expect("a mermaid block");
    assert_eq!(block, out, "update the block in docs/repository.md");
    assert!(root.join("docs/repository-graph.svg").exists());
}
