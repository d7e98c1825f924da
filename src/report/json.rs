//! The JSON report: a stable, documented shape for CI.
//!
//! ```json
//! {"version": 2, "target": "2026.8",
//!  "findings": [{"file": "a.yaml", "line": 3, "column": 5, "end_line": 3, "end_column": 9,
//!                "code": "AKB300", "name": "keyof-unresolved", "case": null, "severity": "error",
//!                "message": "...", "help": "...", "labels": [...]}],
//!  "summary": {"files": 1, "errors": 1, "warnings": 0, "info": 0,
//!              "skipped": {"ignored": 0, "excluded": 0, "not-a-blueprint": 0,
//!                          "special-file": 0, "template": 0}}}
//! ```
//! Lines and columns are 1-based; columns count characters; the end is exclusive.

use serde::Serialize;

use crate::check::Severity;
use crate::report::{range, Format, Run, Summary};

#[derive(Debug, Serialize)]
pub struct JsonLabel {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: &'static str,
    pub name: &'static str,
    /// The rule's declared case, when the finding belongs to one.
    pub case: Option<&'static str>,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<JsonLabel>,
    /// Present (true) when the position is approximate: the finding is inside base64,
    /// quoted or folded text in a ConfigMap, Secret or custom resource, and points at its key.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

#[derive(Debug, Serialize)]
pub struct JsonReport {
    /// The shape's version; bumped only on incompatible changes.
    pub version: u32,
    pub target: String,
    pub findings: Vec<JsonFinding>,
    pub summary: Summary,
}

/// The JSON report as a [`Format`].
#[derive(Debug, Default)]
pub struct Json;

impl Format for Json {
    fn render(&self, run: &Run) -> String {
        let mut s = serde_json::to_string_pretty(&build(run)).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }
}

pub fn build(run: &Run) -> JsonReport {
    let mut findings = Vec::new();
    for r in run.reports {
        for f in &r.findings {
            let [line, column, end_line, end_column] = range(r.source.as_ref(), f.span);
            findings.push(JsonFinding {
                file: r.name.clone(),
                line,
                column,
                end_line,
                end_column,
                code: f.rule.code,
                name: f.rule.name,
                case: f.case.map(|c| c.id),
                severity: f.severity,
                message: f.message.clone(),
                help: f.help.clone(),
                approximate: f.approximate,
                labels: f
                    .labels
                    .iter()
                    .map(|l| {
                        let [line, column, end_line, end_column] = range(r.source.as_ref(), l.span);
                        JsonLabel {
                            line,
                            column,
                            end_line,
                            end_column,
                            message: l.text.clone(),
                        }
                    })
                    .collect(),
            });
        }
    }
    JsonReport {
        version: 2,
        target: run.target.to_string(),
        findings,
        summary: run.summary(),
    }
}
