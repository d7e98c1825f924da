//! GitLab Code Quality JSON
//! (<https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>):
//! an array of issues with `description`, `check_name`, `fingerprint`, `severity`
//! (error → `major`, warning → `minor`, info → `info`), `location.path` and
//! `location.lines.begin`.
//!
//! The fingerprint identifies a finding across commits, so GitLab can tell new findings
//! from old ones: a hash of the path, the rule code, the model and identifiers of the
//! entry the finding is in (whitespace collapsed) and the message. The line is not part of
//! it, so an unrelated edit above a finding keeps its fingerprint. Identical findings in
//! one entry are told apart by their order. The hash is 128-bit FNV-1a
//! (<http://www.isthe.com/chongo/tech/comp/fnv/>), written as 32 hex digits: stable
//! across akbp versions and platforms, not a security measure.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::input::Skipped;
use crate::report::escape;
use crate::report::format::{range, Format, Summary};
use akbp_core::blueprint::Blueprint;
use akbp_core::check::{FileReport, Finding, Severity};

/// The GitLab report as a [`Format`]: one JSON array, streamed chunk by chunk.
#[derive(Debug, Default)]
pub struct Gitlab {
    /// Issues written so far.
    written: usize,
}

/// 128-bit FNV-1a.
pub fn fnv1a128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The model and identifiers of the entry each finding is in (empty outside entries or
/// when the file does not parse).
fn entry_keys(report: &FileReport) -> Vec<String> {
    let Some(source) = &report.source else {
        return vec![String::new(); report.findings.len()];
    };
    let Ok(doc) = akbp_core::load::parse(source.clone()) else {
        return vec![String::new(); report.findings.len()];
    };
    let bp = Blueprint::new(&doc);
    let finder = bp.entry_finder();
    report
        .findings
        .iter()
        .map(|f| match finder.entry_of(f.span) {
            Some(e) => format!(
                "{}\0{}",
                e.model_name().unwrap_or(""),
                e.identifiers()
                    .map(|n| collapse(source.slice(n.span)))
                    .unwrap_or_default()
            ),
            None => String::new(),
        })
        .collect()
}

/// The fingerprint of a finding given its entry key and its occurrence among identical ones.
pub fn fingerprint(path: &str, f: &Finding, entry: &str, occurrence: usize) -> String {
    let mut key = format!("{path}\0{}\0{entry}\0{}", f.rule.code, f.message);
    if occurrence > 0 {
        key.push_str(&format!("\0{occurrence}"));
    }
    format!("{:032x}", fnv1a128(key.as_bytes()))
}

/// The Code Quality issues of some reports.
pub fn issues(reports: &[FileReport]) -> Vec<Value> {
    let mut issues = Vec::new();
    for r in reports {
        let keys = entry_keys(r);
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (f, entry) in r.findings.iter().zip(&keys) {
            let n = seen
                .entry(format!("{}\0{entry}\0{}", f.rule.code, f.message))
                .or_default();
            let fp = fingerprint(&r.name, f, entry, *n);
            *n += 1;
            let [line, ..] = range(r.source.as_ref(), f.span);
            issues.push(json!({
                "description": format!("{} {}: {}", f.rule.code, f.rule.name, f.message),
                "check_name": f.rule.code,
                "fingerprint": fp,
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {"path": r.name, "lines": {"begin": line}},
            }));
        }
        if let Some(issue) = suppressed_issue(r) {
            issues.push(issue);
        }
    }
    issues
}

/// Code Quality has no summary: a file whose findings suppressions removed (rules switched
/// off, `# akbp: ignore` comments) gets one `info` issue that says how many, on its first
/// line. Its fingerprint is the file's, so it stays the same issue as the count changes.
fn suppressed_issue(r: &FileReport) -> Option<Value> {
    let n = r.suppressed.findings;
    if n == 0 {
        return None;
    }
    let e = r.suppressed.errors;
    let errors = if e > 0 {
        format!(" ({e} error{})", if e == 1 { "" } else { "s" })
    } else {
        String::new()
    };
    Some(json!({
        "description": format!(
            "{n} finding{} suppressed in this file{errors}, by akbp.toml, --select/--ignore or `# akbp: ignore` comments",
            if n == 1 { "" } else { "s" }
        ),
        "check_name": SUPPRESSED_CHECK,
        "fingerprint": format!("{:032x}", fnv1a128(format!("{}\0{SUPPRESSED_CHECK}", r.name).as_bytes())),
        "severity": "info",
        "location": {"path": r.name, "lines": {"begin": 1}},
    }))
}

/// The `check_name` of [`suppressed_issue`].
pub const SUPPRESSED_CHECK: &str = "akbp-suppressed";

impl Format for Gitlab {
    fn start(&mut self, _target: akbp_core::target::Target) -> String {
        self.written = 0;
        "[".into()
    }
    fn reports(&mut self, reports: &[FileReport]) -> String {
        let mut out = String::new();
        for issue in issues(reports) {
            out.push_str(if self.written == 0 { "\n  " } else { ",\n  " });
            self.written += 1;
            let text = escape::json(&issue);
            out.push_str(&text.replace('\n', "\n  "));
        }
        out
    }
    fn end(&mut self, _summary: &Summary, _skipped: &[Skipped]) -> String {
        if self.written == 0 {
            "]\n".into()
        } else {
            "\n]\n".into()
        }
    }
}
