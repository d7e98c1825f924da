//! One snapshot per output format over the same findings, and the colour choice as the
//! binary makes it. A new format is one module in `src/report/`, one entry in
//! `akbp::report::FORMATS` and one snapshot here.

use akbp::check::{check_source, Options};
use akbp::load::SourceFile;
use akbp::report::FORMATS;
use akbp::target::Target;

const FIXTURE: &str = "tests/fixtures/formats/mixed.yaml";

fn reports() -> Vec<akbp::check::FileReport> {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let report = check_source(SourceFile::new(FIXTURE, text), &Options::default());
    assert!(report.findings.len() >= 2, "{:?}", report.findings);
    vec![report]
}

#[test]
fn every_format_has_a_pinned_snapshot() {
    let reports = reports();
    for (name, render) in FORMATS {
        let out = render(&reports, Target::LATEST, &[]);
        insta::with_settings!({snapshot_path => "snapshots/formats", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(*name, out);
        });
    }
}

#[test]
fn concise_is_one_line_per_finding() {
    let reports = reports();
    let render = FORMATS.iter().find(|(n, _)| *n == "concise").unwrap().1;
    let out = render(&reports, Target::LATEST, &[]);
    let lines: Vec<&str> = out.lines().collect();
    let n = reports[0].findings.len();
    assert_eq!(lines.len(), n + 1, "{out}");
    for (line, f) in lines.iter().zip(&reports[0].findings) {
        let prefix = format!("{FIXTURE}:");
        assert!(line.starts_with(&prefix), "{line}");
        let want = format!(": {}[{}] {}", f.severity.as_str(), f.rule.code, f.message);
        assert!(line.ends_with(&want), "{line} should end with {want}");
    }
    // The non-ASCII name puts the slug's column in characters, not bytes.
    assert!(
        out.contains(&format!("{FIXTURE}:4:37: error[AKB207] ")),
        "{out}"
    );
}

fn run(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_akbp"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

/// Standard output is a pipe here, so `auto` means no colour unless CLICOLOR_FORCE asks;
/// NO_COLOR beats CLICOLOR_FORCE; an explicit `--color` beats both.
#[test]
fn colour_follows_no_color_clicolor_force_and_explicit_choice() {
    let esc = |s: &str| s.contains('\u{1b}');
    assert!(!esc(&run(&["validate", FIXTURE], &[])));
    assert!(esc(&run(
        &["validate", FIXTURE],
        &[("CLICOLOR_FORCE", "1")]
    )));
    assert!(!esc(&run(
        &["validate", FIXTURE],
        &[("CLICOLOR_FORCE", "0")]
    )));
    assert!(!esc(&run(
        &["validate", FIXTURE],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    assert!(esc(&run(
        &["validate", "--color", "always", FIXTURE],
        &[("NO_COLOR", "1")]
    )));
    assert!(!esc(&run(
        &["validate", "--color", "never", FIXTURE],
        &[("CLICOLOR_FORCE", "1")]
    )));
    let concise = run(&["validate", "--format", "concise", FIXTURE], &[]);
    assert!(
        concise.starts_with(&format!("{FIXTURE}:4:37: error[AKB207] ")),
        "{concise}"
    );
}
