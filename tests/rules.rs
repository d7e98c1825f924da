//! Every rule's fixtures: `tests/fixtures/<CODE>/bad*.yaml` must produce that rule's
//! finding and `good*.yaml` must not. The rendered report of each fixture is pinned
//! as a snapshot, so a reviewer sees exactly what users see.
//!
//! A fixture may start with `# akbp: target YYYY.M` to check at another release (the
//! per-file target comment, read by akbp itself as for any file), or with
//! `# fixture: --env FILE` (a dotenv file next to it) to check with known environment values,
//! or with `# fixture: --folder` to check it as one file of a folder (a blueprints root)
//! holding no other blueprint.

use std::path::{Path, PathBuf};

use akbp::check::crossfile::{BlueprintIndex, CrossFile, Scope};
use akbp::check::{self, Options, RULES};
use akbp::input::Input;
use akbp::load::SourceFile;
use akbp::read::RealFs;
use akbp::report::human::{self, Style};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The `--env FILE` a fixture names on its first line, read as the CLI reads it.
fn known_of(path: &Path, text: &str) -> akbp::blueprint::known::Known {
    let env = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# fixture: --env "))
        .map(|f| {
            let file = path.with_file_name(f.trim());
            let dotenv = std::fs::read_to_string(&file).expect("fixture env file");
            akbp::blueprint::known::Known::env_from(&dotenv).expect("fixture env")
        });
    akbp::blueprint::known::Known {
        env,
        ..Default::default()
    }
}

/// `# fixture: --folder`: the fixture is checked as the only blueprint of a folder;
/// `# fixture: --folder DIR`: as one of a folder (the fixture's own) whose other blueprints
/// are the `.yaml` files under `DIR` next to it.
fn crossfile_of(path: &Path, name: &str, text: &str) -> std::sync::Arc<CrossFile> {
    let first = text.lines().next().unwrap_or_default();
    let Some(arg) = first.strip_prefix("# fixture: --folder") else {
        return std::sync::Arc::new(CrossFile::default());
    };
    let dir = arg.trim();
    if dir.is_empty() {
        return std::sync::Arc::new(CrossFile::with_index(
            Scope::Folders,
            BlueprintIndex::default(),
        ));
    }
    let root = path.parent().unwrap().to_path_buf();
    let mut others: Vec<PathBuf> = walk(&root.join(dir));
    others.sort();
    let mut inputs = vec![Input::File {
        path: path.to_path_buf(),
        name: name.to_string(),
        explicit: true,
    }];
    inputs.extend(others.into_iter().map(|p| {
        Input::File {
            name: p
                .strip_prefix(fixtures_dir())
                .unwrap_or(&p)
                .display()
                .to_string(),
            path: p,
            explicit: false,
        }
    }));
    let index = akbp::validate::blueprint_index(&inputs, &[root], &RealFs);
    std::sync::Arc::new(CrossFile::with_index(Scope::Folders, index))
}

/// The `.yaml` files under `dir`, at any depth.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("fixture folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
    out
}

/// Check a fixture file as the CLI would (name relative to the fixtures folder).
fn run(path: &Path) -> (check::FileReport, String) {
    run_selected(path, &akbp::config::RuleSelection::default())
}

/// [`run`] with a rule selection applied as `--select`/`--ignore` apply it.
fn run_selected(
    path: &Path,
    selection: &akbp::config::RuleSelection,
) -> (check::FileReport, String) {
    // Read through the same path as the CLI, so unreadable, binary and empty fixtures work.
    let text = std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let name = path
        .strip_prefix(fixtures_dir())
        .unwrap_or(path)
        .display()
        .to_string();
    let configured = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# fixture: --config-target "))
        .map(|t| {
            t.trim()
                .parse::<akbp::target::Target>()
                .expect("fixture target")
        });
    let mut policy = check::Policy::default();
    selection.apply(&mut policy);
    let options = Options {
        schema: None,
        policy: std::sync::Arc::new(policy),
        known: known_of(path, &text),
        crossfile: crossfile_of(path, &name, &text),
        target: configured.unwrap_or(akbp::target::Target::LATEST),
        configured_target: configured,
        ..Default::default()
    };
    let input = Input::File {
        path: path.to_path_buf(),
        name,
        explicit: true,
    };
    let report = akbp::validate::check_input(&input, &options, &RealFs);
    let rendered = human::render(std::slice::from_ref(&report), Style::default());
    (report, rendered)
}

fn fixture_files(code: &str) -> Vec<PathBuf> {
    let dir = fixtures_dir().join(code);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let n = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        n.starts_with("bad") || n.starts_with("good")
    });
    files.sort();
    files
}

#[test]
fn every_rule_has_bad_and_good_fixtures() {
    let mut missing = Vec::new();
    for rule in RULES {
        let files = fixture_files(rule.code);
        let name = |p: &PathBuf| p.file_name().unwrap().to_string_lossy().to_string();
        if !files.iter().any(|p| name(p).starts_with("bad")) {
            missing.push(format!("{} has no bad*.yaml", rule.code));
        }
        if !files.iter().any(|p| name(p).starts_with("good")) {
            missing.push(format!("{} has no good*.yaml", rule.code));
        }
    }
    assert!(
        missing.is_empty(),
        "fixtures missing:\n{}",
        missing.join("\n")
    );
}

#[test]
fn fixtures_trigger_their_rule_and_only_bad_ones_do() {
    let mut failures = Vec::new();
    for rule in RULES {
        for path in fixture_files(rule.code) {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            let (report, rendered) = run(&path);
            let hits = report
                .findings
                .iter()
                .filter(|f| f.rule.code == rule.code)
                .count();
            if file.starts_with("bad") && hits == 0 {
                failures.push(format!(
                    "{}/{file}: expected {} but got:\n{rendered}",
                    rule.code, rule.code
                ));
            }
            if file.starts_with("good") && hits > 0 {
                failures.push(format!(
                    "{}/{file}: must not trigger {}:\n{rendered}",
                    rule.code, rule.code
                ));
            }
            let snap = format!(
                "{}__{}",
                rule.code,
                file.trim_end_matches(".yaml").trim_end_matches(".yml")
            );
            insta::with_settings!({snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false, omit_expression => true}, {
                insta::assert_snapshot!(snap, rendered);
            });
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The first ```yaml block after `heading` in a rule's doc.
fn doc_example<'d>(doc: &'d str, heading: &str) -> Option<&'d str> {
    let after = &doc[doc.find(heading)? + heading.len()..];
    let start = after.find("```yaml\n")? + "```yaml\n".len();
    // Only a block of this section counts.
    if after[..start].contains("\n## ") {
        return None;
    }
    let body = &after[start..];
    Some(&body[..body.find("```")?])
}

/// Every rule's documented bad example triggers it and its good example does not
/// (biome's `expect_diagnostic` idea): the docs cannot drift from the code.
#[test]
fn doc_examples_behave_as_documented() {
    let mut failures = Vec::new();
    for rule in RULES {
        for (heading, should_fire) in [("## Example", true), ("## Use instead", false)] {
            let Some(yaml) = doc_example(rule.doc, heading) else {
                continue;
            };
            // An example that starts `# akbp.toml: target = "X"` is checked under such a
            // configuration.
            let configured = yaml
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# akbp.toml: target = "))
                .map(|t| {
                    t.trim_matches('"')
                        .parse::<akbp::target::Target>()
                        .expect("target")
                });
            let options = Options {
                target: configured.unwrap_or(akbp::target::Target::LATEST),
                configured_target: configured,
                ..Options::default()
            };
            let report = check::check_source(
                SourceFile::new(format!("{}.yaml", rule.code), yaml),
                &options,
            );
            let fired = report.findings.iter().any(|f| f.rule.code == rule.code);
            if fired != should_fire {
                let rendered = human::render(std::slice::from_ref(&report), Style::default());
                failures.push(format!(
                    "{} {heading}: expected {}fire\n{yaml}\n{rendered}",
                    rule.code,
                    if should_fire { "" } else { "no " }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Every declared case is really emitted by one of its rule's bad fixtures, at the severity
/// the registry (and so `akbp rules` and the rule pages under `docs/rules/`) lists for it.
#[test]
fn every_declared_case_is_emitted_at_its_listed_severity() {
    let mut failures = Vec::new();
    for rule in RULES {
        let mut seen = std::collections::BTreeSet::new();
        for path in fixture_files(rule.code) {
            let (report, _) = run(&path);
            for f in report.findings.iter().filter(|f| f.rule.code == rule.code) {
                // A finding about a guess (an inferred integration) is capped.
                let listed = rule.default_severity(f.case.map(|c| c.id));
                let listed = f.ceiling.map_or(listed, |c| listed.min(c));
                if f.severity != listed {
                    failures.push(format!(
                        "{}: emitted {:?}, listed {:?}",
                        path.display(),
                        f.severity,
                        listed
                    ));
                }
                if let Some(c) = f.case {
                    seen.insert(c.id);
                }
            }
        }
        for c in rule.cases.iter().filter(|c| !seen.contains(c.id)) {
            failures.push(format!("{}/{} has no bad fixture", rule.code, c.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A rule is enabled per finding, whatever check function emits it (ruff's
/// `report_diagnostic_if_enabled`): each rule's bad fixtures, checked with only that rule
/// selected (`--select CODE`), still report it, as many times as with every rule on.
#[test]
fn every_rule_reports_its_fixtures_when_selected_alone() {
    let mut failures = Vec::new();
    for rule in RULES {
        let only = akbp::config::RuleSelection {
            select: Some(vec![*rule]),
            ..Default::default()
        };
        for path in fixture_files(rule.code) {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            if !file.starts_with("bad") {
                continue;
            }
            let count = |r: &check::FileReport| {
                r.findings
                    .iter()
                    .filter(|f| f.rule.code == rule.code)
                    .count()
            };
            let all = count(&run(&path).0);
            let (report, rendered) = run_selected(&path, &only);
            let alone = count(&report);
            if alone == 0 || alone != all {
                failures.push(format!(
                    "{}/{file}: --select {} reports {alone} of its {all} findings:\n{rendered}",
                    rule.code, rule.code
                ));
            }
            // Nothing else is reported, except what no selection can hide.
            let others: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.rule.code != rule.code && !f.rule.stops_load)
                .map(|f| f.rule.code)
                .collect();
            if !others.is_empty() {
                failures.push(format!(
                    "{}/{file}: --select {} also reports {others:?}",
                    rule.code, rule.code
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Ignoring the rule whose check function emits others (AKB500 checks the catalog and
/// emits AKB501-AKB510; AKB203 emits AKB204, AKB206, AKB208) drops only its own findings.
#[test]
fn ignoring_a_rule_keeps_the_rules_its_check_function_also_emits() {
    for (ignored, code) in [
        ("AKB500", "AKB501"),
        ("AKB500", "AKB503"),
        ("AKB500", "AKB509"),
        ("AKB203", "AKB204"),
        ("AKB203", "AKB206"),
    ] {
        let ignore = akbp::config::RuleSelection {
            ignore: vec![check::rule_by_code(ignored).unwrap()],
            ..Default::default()
        };
        for path in fixture_files(code) {
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            if !file.starts_with("bad") {
                continue;
            }
            let (report, rendered) = run_selected(&path, &ignore);
            assert!(
                report.findings.iter().any(|f| f.rule.code == code),
                "--ignore {ignored} dropped {code} in {file}:\n{rendered}"
            );
            assert!(
                !report.findings.iter().any(|f| f.rule.code == ignored),
                "--ignore {ignored} kept it in {file}"
            );
        }
    }
}

/// The same through the command line: `--select AKB503` reports the AKB503 fixture's
/// finding (issue 21 saw nothing), and `--ignore AKB500` keeps it.
#[test]
fn the_command_line_selects_a_rule_another_rule_s_function_emits() {
    let file = fixtures_dir().join("AKB503/bad-netbird-subject.yaml");
    for flags in [["--select", "AKB503"], ["--ignore", "AKB500"]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_akbp"))
            .args(["validate", "--format", "concise", flags[0], flags[1]])
            .arg(&file)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("AKB503"), "{flags:?}: {stdout}");
    }
}

/// akbp's own generated files leave out AKB414's note on `!Env` without a default (their
/// header says the variable must be set) unless the rule is asked for.
#[test]
fn env_notes_on_generated_files_show_when_asked_for() {
    let path = fixtures_dir().join("AKB414/good-generated-by-akbp.yaml");
    let asked = akbp::config::RuleSelection {
        extend: vec![check::rule_by_code("AKB414").unwrap()],
        ..Default::default()
    };
    let (report, rendered) = run_selected(&path, &asked);
    assert!(
        report.findings.iter().any(|f| f.rule.code == "AKB414"),
        "{rendered}"
    );
}

/// An integration inferred from the application slug is judged in warnings that say so;
/// named by the label, the same provider gets an error.
#[test]
fn an_inferred_integration_gets_warnings_a_named_one_errors() {
    let (inferred, rendered) = run(&fixtures_dir().join("AKB509/bad-sonarr-inferred.yaml"));
    let f = inferred
        .findings
        .iter()
        .find(|f| f.rule.code == "AKB509")
        .expect("AKB509");
    assert_eq!(f.severity, check::Severity::Warning, "{rendered}");
    assert!(
        f.message.contains("inferred from the application slug"),
        "{rendered}"
    );
    let (named, _) = run(&fixtures_dir().join("AKB509/bad-sonarr-forward.yaml"));
    assert!(named
        .findings
        .iter()
        .any(|f| f.rule.code == "AKB509" && f.severity == check::Severity::Error));
}
