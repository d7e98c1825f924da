//! Findings far out on long lines (issue 18): past column 65,535 and on a line of 5 MB,
//! every format reports them, and the human excerpt shows a window of about 100
//! characters on each side, cut on character boundaries and marked with `…`, never the
//! whole line per finding.

use akbp::check::{check_source, FileReport, Options};
use akbp::load::SourceFile;
use akbp::report::FORMATS;
use akbp::target::Target;

/// One entry on one line: `pad` characters of a name, then unknown fields.
fn one_line(pad: &str, typos: usize) -> String {
    let fields: Vec<String> = (0..typos).map(|i| format!("typo_{i}: 1")).collect();
    format!(
        "version: 1\nentries:\n  - {{model: authentik_core.group, identifiers: {{name: \"{pad}\"}}, attrs: {{{}}}}}\n",
        fields.join(", ")
    )
}

fn report(text: &str) -> FileReport {
    let report = check_source(SourceFile::new("long.yaml", text), &Options::default());
    let unknown = report
        .findings
        .iter()
        .filter(|f| f.message.contains("typo_"))
        .count();
    assert!(unknown > 0, "{:?}", report.findings);
    report
}

/// Every format renders; none prints more than `budget` bytes per finding beyond what it
/// prints for the same findings on short lines (`baseline`: SARIF carries every rule's
/// description, for one).
fn render_all(
    report: &FileReport,
    baseline: &FileReport,
    budget: usize,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (format, render) in FORMATS {
        let shown = render(std::slice::from_ref(report), Target::LATEST, &[]);
        let short = render(std::slice::from_ref(baseline), Target::LATEST, &[]);
        assert!(
            shown.len() <= short.len() + budget * report.findings.len(),
            "{format}: {} bytes for {} findings, {} on short lines",
            shown.len(),
            report.findings.len(),
            short.len()
        );
        out.push((*format, shown));
    }
    out
}

#[test]
fn a_finding_past_column_65535_is_reported_in_every_format() {
    let pad = "a".repeat(70_000);
    let report = report(&one_line(&pad, 1));
    let baseline = self::report(&one_line("a", 1));
    for (format, shown) in render_all(&report, &baseline, 1_000) {
        match format {
            "concise" => assert!(shown.contains("long.yaml:3:700"), "{shown}"),
            "human" => {
                assert!(shown.contains("long.yaml:3:700"), "{shown}");
                assert!(shown.contains('…'), "{shown}");
                assert!(shown.contains("typo_0"), "{shown}");
                // Line numbers are the file's.
                assert!(shown.contains(" 3 │"), "{shown}");
                // miette's header names the file's column, not the window's.
                assert!(shown.contains("[3:70068]"), "{shown}");
            }
            // GitLab's location has the line only.
            "gitlab" => assert!(shown.contains("typo_0"), "{shown}"),
            _ => assert!(shown.contains("700"), "{format}: {shown}"),
        }
    }
}

#[test]
fn findings_on_a_5_mb_line_show_a_window_each() {
    // Multi-byte characters around the findings: the cut must fall on their boundaries.
    let pad = "é".repeat(2_500_000);
    let report = report(&one_line(&pad, 20));
    let baseline = self::report(&one_line("é", 20));
    for (format, shown) in render_all(&report, &baseline, 1_000) {
        if format == "human" {
            let longest = shown.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            assert!(longest < 600, "a line of {longest} characters");
            assert!(shown.contains("typo_7"), "{shown}");
        }
    }
}

/// A finding whose span covers many lines shows its first lines, not all of them.
#[test]
fn a_span_over_many_long_lines_is_cut_too() {
    let line = "b".repeat(10_000);
    let text = |line: &str| {
        let body: String = (0..50).map(|_| format!("        {line}\n")).collect();
        format!(
            "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {{name: x}}\n    attrs:\n      typo_0: |\n{body}"
        )
    };
    let report = report(&text(&line));
    let baseline = self::report(&text("b"));
    for (format, shown) in render_all(&report, &baseline, 2_000) {
        if format == "human" {
            let longest = shown.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            assert!(longest < 600, "a line of {longest} characters:\n{shown}");
        }
    }
}
