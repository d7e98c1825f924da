//! akbp.toml, the command line on top of it, inline suppressions and the per-file target,
//! through the binary as users run it (each test in its own temporary folder).

use std::path::Path;
use std::process::Command;

mod common;
use common::write;

fn akbp_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    common::output_of(common::akbp_command(dir, args).env("NO_COLOR", "1"), stdin)
}

/// An application whose model is misspelt: AKB200 (error) on line 3.
const TYPO: &str = "version: 1\nentries:\n  - model: authentik_core.applicaton\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n";

/// A model new in 2025.6 (`authentik_stages_mtls.mutualtlsstage`): AKB200 before 2025.6,
/// AKB205 (required fields missing) from 2025.6 on.
const NEW_MODEL: &str = "version: 1\nentries:\n  - model: authentik_stages_mtls.mutualtlsstage\n    identifiers: {name: mtls}\n";

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

fn targets(v: &serde_json::Value) -> Vec<(String, String)> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["target"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn nearest_config_per_file_walking_up() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "akbp.toml", "[severity]\nAKB200 = \"warning\"\n");
    write(d.path(), "team/akbp.toml", "ignore = [\"unknown-model\"]\n");
    write(d.path(), "a/deep/x.yaml", TYPO);
    write(d.path(), "team/y.yaml", TYPO);
    let (code, out, err) = akbp_in(d.path(), &["validate", "--format", "json", "."], None);
    assert_eq!(code, 0, "{out}{err}");
    let v = json(&out);
    // a/deep/x.yaml uses the top file (a warning), team/y.yaml the nearer one (ignored).
    assert_eq!(codes(&v), ["AKB200:warning"]);
    assert_eq!(v["findings"][0]["file"], "a/deep/x.yaml");
}

#[test]
fn config_flag_and_isolated() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "akbp.toml", "ignore = [\"AKB200\"]\n");
    write(
        d.path(),
        "other.toml",
        "[severity]\nunknown-model = \"info\"\n",
    );
    write(d.path(), "x.yaml", TYPO);
    let run = |extra: &[&str]| {
        let mut args = vec!["validate", "--format", "json"];
        args.extend_from_slice(extra);
        args.push("x.yaml");
        let (_, out, err) = akbp_in(d.path(), &args, None);
        assert!(err.is_empty(), "{err}");
        codes(&json(&out))
    };
    assert!(run(&[]).is_empty());
    assert_eq!(run(&["--config", "other.toml"]), ["AKB200:info"]);
    assert_eq!(run(&["--isolated"]), ["AKB200:error"]);
    let (code, _, err) = akbp_in(
        d.path(),
        &["validate", "--isolated", "--config", "other.toml", "x.yaml"],
        None,
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn stdin_uses_the_current_folder() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "akbp.toml", "[severity]\nAKB200 = \"info\"\n");
    let (code, out, _) = akbp_in(d.path(), &["validate", "--format", "json", "-"], Some(TYPO));
    assert_eq!(code, 0, "{out}");
    assert_eq!(codes(&json(&out)), ["AKB200:info"]);
}

#[test]
fn severity_precedence_default_config_command_line_suppression() {
    let d = tempfile::tempdir().unwrap();
    let file = format!("{TYPO}  - model: authentik_core.applicaton # akbp: ignore[AKB200]\n    identifiers: {{slug: docs}}\n");
    write(d.path(), "x.yaml", &file);
    let run = |extra: &[&str]| {
        let mut args = vec!["validate", "--format", "json"];
        args.extend_from_slice(extra);
        args.push("x.yaml");
        codes(&json(&akbp_in(d.path(), &args, None).1))
    };
    // 1. the rule's default; 4. the suppressed second entry is gone.
    assert_eq!(run(&[]), ["AKB200:error"]);
    // 2. configuration.
    write(d.path(), "akbp.toml", "[severity]\nAKB200 = \"warning\"\n");
    assert_eq!(run(&[]), ["AKB200:warning"]);
    // 3. the command line's selection over the configuration's.
    write(
        d.path(),
        "akbp.toml",
        "ignore = [\"AKB2\"]\n[severity]\nAKB200 = \"warning\"\n",
    );
    assert!(run(&[]).is_empty());
    assert_eq!(run(&["--select", "AKB200"]), ["AKB200:warning"]);
    assert!(run(&["--select", "AKB200", "--ignore", "unknown-model"]).is_empty());
    // --no-suppressions shows the suppressed finding too.
    assert_eq!(
        run(&["--select", "AKB200", "--no-suppressions"]),
        ["AKB200:warning", "AKB200:warning"]
    );
}

#[test]
fn per_case_severity_from_configuration() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "akbp.toml",
        "[severity]\n\"redirect-matching-mode/regex-plain-url\" = \"error\"\n",
    );
    let file = "version: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: wiki}\n    attrs:\n      redirect_uris:\n        - {matching_mode: regex, url: 'https://wiki.example.com/callback'}\n";
    write(d.path(), "x.yaml", file);
    let (_, out, _) = akbp_in(d.path(), &["validate", "--format", "json", "x.yaml"], None);
    let v = json(&out);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["case"] == "regex-plain-url")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(f["severity"], "error");
    let (_, out, _) = akbp_in(
        d.path(),
        &["validate", "--isolated", "--format", "json", "x.yaml"],
        None,
    );
    assert!(
        out.contains("\"regex-plain-url\"") && out.contains("\"warning\""),
        "{out}"
    );
}

#[test]
fn target_precedence_command_line_file_config_default() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "plain.yaml", NEW_MODEL);
    write(
        d.path(),
        "pinned.yaml",
        &format!("# akbp: target 2024.12\n{NEW_MODEL}"),
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["validate", "--format", "json"];
        args.extend_from_slice(extra);
        args.extend(["plain.yaml", "pinned.yaml"]);
        let v = json(&akbp_in(d.path(), &args, None).1);
        (
            targets(&v),
            v["target"].as_str().unwrap().to_string(),
            codes(&v),
        )
    };
    let t = |a: &str, b: &str| {
        vec![
            ("plain.yaml".to_string(), a.to_string()),
            ("pinned.yaml".to_string(), b.to_string()),
        ]
    };
    // Default, then the file's comment.
    let (files, run_target, found) = run(&[]);
    assert_eq!(
        (files, run_target.as_str()),
        (t("2026.8", "2024.12"), "2026.8")
    );
    assert_eq!(found, ["AKB205:error", "AKB200:error"]);
    // The configuration: below the file's comment, which is older and gets a warning
    // naming both releases (AKB022).
    write(d.path(), "akbp.toml", "target = \"2025.2\"\n");
    let (files, run_target, found) = run(&[]);
    assert_eq!(
        (files, run_target.as_str()),
        (t("2025.2", "2024.12"), "2025.2")
    );
    assert_eq!(found, ["AKB200:error", "AKB022:warning", "AKB200:error"]);
    let (_, human, _) = akbp_in(d.path(), &["validate", "pinned.yaml"], None);
    assert!(
        human.contains("checked at 2024.12, its `# akbp: target`, older than 2025.2"),
        "{human}"
    );
    // The command line: above everything.
    let (files, run_target, found) = run(&["--target", "2025.8"]);
    assert_eq!(
        (files, run_target.as_str()),
        (t("2025.8", "2025.8"), "2025.8")
    );
    assert_eq!(found, ["AKB205:error", "AKB205:error"]);
}

#[test]
fn generated_files_carry_their_target() {
    let d = tempfile::tempdir().unwrap();
    let (code, _, err) = akbp_in(
        d.path(),
        &[
            "generate",
            "grafana",
            "--app-url",
            "https://grafana.example.com",
            "--authentik-url",
            "https://authentik.example.com",
            "--target",
            "2024.12",
            "-o",
            "g.yaml",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(d.path().join("g.yaml")).unwrap();
    assert!(text.starts_with("# akbp: target 2024.12\n"), "{text}");
    let (code, out, _) = akbp_in(d.path(), &["validate", "--format", "json", "g.yaml"], None);
    assert_eq!(code, 0, "{out}");
    assert_eq!(targets(&json(&out)), [("g.yaml".into(), "2024.12".into())]);
}

#[test]
fn errors_exit_two_with_a_suggestion_or_a_position() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "x.yaml", TYPO);
    let cases: [(&str, &str); 6] = [
        (
            "selct = [\"AKB200\"]\n",
            "akbp.toml:1:1: unknown key `selct`; did you mean `select`?",
        ),
        (
            "ignore = [\"unknown-modle\"]\n",
            "akbp.toml:1:11: `ignore`: no rule `unknown-modle`; did you mean `unknown-model`?",
        ),
        (
            "[severity]\nAKB2000 = \"info\"\n",
            "akbp.toml:2:1: `severity`: no rule `AKB2000`",
        ),
        (
            "target = \"2024.8\"\n",
            "akbp.toml:1:10: `target`: authentik 2024.8 is not supported",
        ),
        (
            "select = [\"AKB2\"\n",
            "akbp.toml:1:17: not valid TOML: unclosed array",
        ),
        (
            "exclude = \"old/\"\n",
            "akbp.toml:1:11: `exclude` must be a list of strings",
        ),
    ];
    for (config, expected) in cases {
        write(d.path(), "akbp.toml", config);
        let (code, out, err) = akbp_in(d.path(), &["validate", "x.yaml"], None);
        assert_eq!(code, 2, "{config}: {out}{err}");
        assert!(out.is_empty(), "{out}");
        assert!(
            err.contains(expected),
            "{config}: expected `{expected}` in:\n{err}"
        );
    }
    let (code, _, err) = akbp_in(
        d.path(),
        &[
            "validate",
            "--isolated",
            "--select",
            "AKB2,unknwn-model",
            "x.yaml",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--select: no rule `unknwn-model`; did you mean `unknown-model`?"),
        "{err}"
    );
    // The same bounded reader as blueprints: over 10 MiB, missing or a folder is exit 2.
    write(
        d.path(),
        "akbp.toml",
        &format!("# {}\n", "x".repeat(11 << 20)),
    );
    let (code, out, err) = akbp_in(d.path(), &["validate", "x.yaml"], None);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("akbp.toml") && err.contains("10 MiB"), "{err}");
    for missing in ["nope.toml", "."] {
        let (code, _, err) = akbp_in(d.path(), &["validate", "--config", missing, "x.yaml"], None);
        assert_eq!(code, 2, "{err}");
        assert!(err.starts_with(&format!("error: {missing}: ")), "{err}");
    }
}

#[test]
fn include_and_exclude_are_relative_to_the_config_folder() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "repo/akbp.toml",
        "include = [\"blueprints/\"]\nexclude = [\"blueprints/old/\", \"*.draft.yaml\"]\n",
    );
    write(d.path(), "repo/blueprints/a.yaml", TYPO);
    write(d.path(), "repo/blueprints/b.draft.yaml", TYPO);
    write(d.path(), "repo/blueprints/old/c.yaml", TYPO);
    write(d.path(), "repo/charts/values.yaml", TYPO);
    // Walked from above the config's folder: the globs still count from repo/.
    let (_, out, _) = akbp_in(
        d.path(),
        &["validate", "--format", "json", "-v", "repo"],
        None,
    );
    let v = json(&out);
    let checked: Vec<_> = targets(&v).into_iter().map(|(f, _)| f).collect();
    assert_eq!(checked, ["repo/blueprints/a.yaml"]);
    assert_eq!(v["summary"]["skipped"]["excluded"], 3);
    // --exclude adds to the file's list; a file named directly is always checked.
    let (_, out, _) = akbp_in(
        d.path().join("repo").as_path(),
        &[
            "validate",
            "--format",
            "json",
            "--exclude",
            "a.yaml",
            ".",
            "charts/values.yaml",
        ],
        None,
    );
    let checked: Vec<_> = targets(&json(&out)).into_iter().map(|(f, _)| f).collect();
    assert_eq!(checked, ["charts/values.yaml"]);
}

#[test]
fn placeholders_from_config_and_command_line() {
    let d = tempfile::tempdir().unwrap();
    let file = "version: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki, meta_launch_url: '@WIKI_URL@'}\n  - model: authentik_core.application\n    identifiers: {slug: docs}\n    attrs: {name: Docs, meta_launch_url: '%DOCS_URL%'}\n";
    write(d.path(), "x.yaml", file);
    let run = |extra: &[&str]| {
        let mut args = vec!["validate", "--format", "json"];
        args.extend_from_slice(extra);
        args.push("x.yaml");
        json(&akbp_in(d.path(), &args, None).1)["findings"]
            .as_array()
            .unwrap()
            .len()
    };
    let none = run(&[]);
    assert!(
        none >= 2,
        "both URLs are reported without placeholders: {none}"
    );
    write(d.path(), "akbp.toml", "placeholders = ['@[A-Z_]+@']\n");
    assert_eq!(run(&[]), none - 1);
    assert_eq!(run(&["--placeholder", "%[A-Z_]+%"]), none - 2);
}

#[test]
fn suppressions_line_entry_file_and_string_lookalike() {
    let d = tempfile::tempdir().unwrap();
    let file = "\
# akbp: ignore-file[unknown-field]
version: 1
entries:
  # akbp: ignore[AKB200]
  - model: authentik_core.applicaton
    identifiers: {slug: one}
    attrs: {name: One}
  - model: authentik_core.applicaton # akbp: ignore[unknown-model]
    identifiers: {slug: two}
  - model: authentik_core.applicaton
    identifiers: {slug: three}
    attrs: {name: '# akbp: ignore[AKB200]'}
  - model: authentik_core.application
    identifiers: {slug: four}
    attrs: {name: Four, colour: blue}
";
    write(d.path(), "x.yaml", file);
    let (code, out, _) = akbp_in(
        d.path(),
        &["validate", "--format", "concise", "x.yaml"],
        None,
    );
    assert_eq!(code, 1, "{out}");
    // Only the entry whose look-alike sits in a string value is still reported.
    assert!(out.starts_with("x.yaml:10:12: error[AKB200]"), "{out}");
    assert!(out.contains("checked 1 file: 1 error, 0 warnings"), "{out}");
    let (_, out, _) = akbp_in(
        d.path(),
        &[
            "validate",
            "--format",
            "concise",
            "--no-suppressions",
            "x.yaml",
        ],
        None,
    );
    assert_eq!(out.matches("[AKB200]").count(), 3, "{out}");
    assert_eq!(out.matches("[AKB202]").count(), 1, "{out}");
    assert!(!out.contains("AKB020"), "{out}");
}

#[test]
fn unused_suppressions_are_reported_unless_the_rule_is_off() {
    let d = tempfile::tempdir().unwrap();
    let file = "version: 1\nentries:\n  - model: authentik_core.application # akbp: ignore[AKB200]\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n";
    write(d.path(), "x.yaml", file);
    let (code, out, _) = akbp_in(
        d.path(),
        &["validate", "--format", "concise", "x.yaml"],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("x.yaml:3:39: warning[AKB020]"), "{out}");
    let (code, out, _) = akbp_in(
        d.path(),
        &[
            "validate",
            "--format",
            "concise",
            "--deny-warnings",
            "--ignore",
            "AKB200",
            "x.yaml",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("AKB020"), "{out}");
}

/// The examples of `docs/configuration.md` are what akbp reads: the `akbp.toml` parses
/// with every key, the suppression example leaves no finding and the per-file target
/// example is checked at its release.
#[test]
fn configuration_page_examples_work() {
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md"),
    )
    .unwrap();
    let block = |start: &str| {
        let at = page
            .find(start)
            .unwrap_or_else(|| panic!("docs/configuration.md lacks {start}"));
        let body = &page[at + start.find('\n').unwrap() + 1..];
        body[..body.find("```\n").unwrap()].to_string()
    };
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "akbp.toml", &block("```toml\n# akbp.toml\n"));
    let config = akbp::config::Config::load(&d.path().join("akbp.toml")).unwrap();
    assert_eq!(config.severities.len(), 2);
    assert_eq!(config.include, ["blueprints/"]);
    let suppressed = block("```yaml\n# akbp: ignore-file");
    write(d.path(), "s.yaml", &suppressed);
    let (code, out, _) = akbp_in(
        d.path(),
        &["validate", "--isolated", "--format", "concise", "s.yaml"],
        None,
    );
    // The summary says what the comments hid.
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "checked 1 file: 0 errors, 0 warnings; 3 findings suppressed (2 errors)\n"
        )
    );
    let (_, out, _) = akbp_in(
        d.path(),
        &[
            "validate",
            "--isolated",
            "--no-suppressions",
            "--format",
            "concise",
            "s.yaml",
        ],
        None,
    );
    assert_eq!(out.matches("[AKB200]").count(), 2, "{out}");
    assert_eq!(out.matches("[AKB202]").count(), 1, "{out}");
    let pinned = block("```yaml\n# akbp: target 2024.10");
    write(d.path(), "t.yaml", &pinned);
    let (code, out, _) = akbp_in(
        d.path(),
        &["validate", "--isolated", "--format", "json", "t.yaml"],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(targets(&json(&out)), [("t.yaml".into(), "2024.10".into())]);
}

/// A FIFO named akbp.toml is found, refused without being opened (it would block until a
/// writer came), and stops the run: never skipped silently.
#[cfg(unix)]
#[test]
fn a_fifo_named_akbp_toml_is_an_error_not_a_hang() {
    let d = tempfile::tempdir().unwrap();
    let ok = Command::new("mkfifo")
        .arg(d.path().join("akbp.toml"))
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo");
    write(d.path(), "x.yaml", TYPO);
    let (code, _, err) = akbp_in(d.path(), &["validate", "x.yaml"], None);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("akbp.toml: cannot read the file: a FIFO"),
        "{err}"
    );
}

/// A file authentik cannot load at all (syntax, several documents, an unknown tag) stays an
/// error whatever hides findings: an inline `ignore-file`, `ignore = ["ALL"]`, a `select`
/// that leaves its rule out, a `[severity]` setting (refused). What suppressions remove is
/// counted in every format's summary.
#[test]
fn load_errors_cannot_be_suppressed_and_suppressions_are_counted() {
    let d = tempfile::tempdir().unwrap();
    const BROKEN: &str = "version: 1\nentries:\n  - model: authentik_core.application\n    attrs: {name: [Grafana}\n";
    write(
        d.path(),
        "broken.yaml",
        &format!("# akbp: ignore-file[AKB002]\n{BROKEN}"),
    );
    write(
        d.path(),
        "two.yaml",
        "version: 1\nentries: []\n---\nversion: 1\n",
    );
    write(
        d.path(),
        "tag.yaml",
        &format!(
            "# akbp: ignore-file[unknown-tag]\n{}",
            TYPO.replace("{slug: wiki}", "{slug: !Slug wiki}")
        ),
    );
    write(d.path(), "typo.yaml", TYPO);
    let run = |args: &[&str]| {
        let mut a = vec!["validate", "--format", "json"];
        a.extend_from_slice(args);
        a.extend(["broken.yaml", "two.yaml", "tag.yaml", "typo.yaml"]);
        let (code, out, err) = akbp_in(d.path(), &a, None);
        (code, json(&out), err)
    };
    let (code, v, _) = run(&[]);
    assert_eq!(code, 1);
    let found = codes(&v);
    for c in [
        "AKB002:error",
        "AKB006:error",
        "AKB010:error",
        "AKB200:error",
    ] {
        assert!(found.iter().any(|f| f == c), "{c} in {found:?}");
    }
    let unused: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "AKB020")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(unused.len(), 2, "{unused:?}");
    assert!(unused[0].contains("cannot be suppressed"), "{unused:?}");
    assert_eq!(v["summary"]["suppressed"], 0);

    // Everything switched off: the three load errors stay, the rest is counted.
    write(d.path(), "akbp.toml", "ignore = [\"ALL\"]\n");
    let (code, v, _) = run(&[]);
    assert_eq!(code, 1);
    let found = codes(&v);
    assert_eq!(
        found,
        ["AKB002:error", "AKB006:error", "AKB010:error"],
        "{v}"
    );
    let suppressed = v["summary"]["suppressed"].as_u64().unwrap();
    assert!(suppressed >= 3, "{v}");
    assert!(
        v["summary"]["suppressed_errors"].as_u64().unwrap() >= 1,
        "{v}"
    );
    // Every format says so.
    for format in ["human", "concise", "github", "sarif", "gitlab"] {
        let (_, out, _) = akbp_in(
            d.path(),
            &["validate", "--format", format, "broken.yaml", "typo.yaml"],
            None,
        );
        let said = match format {
            "sarif" => json(&out)["runs"][0]["properties"]["suppressed"].as_u64() > Some(0),
            "gitlab" => json(&out).as_array().unwrap().iter().any(|i| {
                i["check_name"] == "akbp-suppressed" && i["location"]["path"] == "typo.yaml"
            }),
            _ => out.contains("findings suppressed (") || out.contains("finding suppressed ("),
        };
        assert!(said, "{format}:\n{out}");
    }
    // `select` that leaves the load errors out does not drop them either.
    std::fs::remove_file(d.path().join("akbp.toml")).unwrap();
    let (_, v, _) = run(&["--select", "AKB200"]);
    let found = codes(&v);
    assert!(found.iter().any(|f| f == "AKB002:error"), "{found:?}");
    // A severity for them is refused.
    write(d.path(), "akbp.toml", "[severity]\nAKB002 = \"warning\"\n");
    let (code, _, err) = akbp_in(d.path(), &["validate", "typo.yaml"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is always an error"), "{err}");
}
