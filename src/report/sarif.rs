//! SARIF 2.1.0 (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>) for
//! code scanning: every rule (code, name, summary, doc, default level) in
//! `tool.driver.rules`, each result's region in 1-based lines and columns. The run's
//! `columnKind` is `unicodeCodePoints`, so columns count characters as in the JSON format.
//! Validated against the vendored schema in `tests/sarif/`.

use serde_json::{json, Value};

use crate::check::rules::RULES;
use crate::check::FileReport;
use crate::check::Severity;
use crate::input::Skipped;
use crate::report::{findings, range, Format, Summary};

/// The SARIF report as a [`Format`]. SARIF is one JSON document, so the results of every
/// chunk are kept (without their sources) until the end.
#[derive(Debug, Default)]
pub struct Sarif {
    results: Vec<Value>,
}

/// SARIF's name for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a path: `\` becomes `/`, and every byte outside the
/// unreserved set, `/` and `:` after the first segment is percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rules() -> Vec<Value> {
    RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.doc, "markdown": r.doc},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect()
}

/// The results of some reports.
pub fn results(reports: &[FileReport]) -> Vec<Value> {
    findings(reports)
        .map(|(r, f)| {
            let [line, column, end_line, end_column] = range(r.source.as_ref(), f.span);
            // A region's end must not precede its start; an empty span ends where it starts.
            let (end_line, end_column) = if (end_line, end_column) < (line, column) {
                (line, column)
            } else {
                (end_line, end_column)
            };
            let mut text = f.message.clone();
            if let Some(h) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let mut result = json!({
                "ruleId": f.rule.code,
                "ruleIndex": RULES.iter().position(|x| x.code == f.rule.code).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&r.name)},
                        "region": {
                            "startLine": line,
                            "startColumn": column,
                            "endLine": end_line,
                            "endColumn": end_column,
                        }
                    }
                }],
            });
            if let Some(c) = f.case {
                result["properties"] = json!({"case": c.id});
            }
            result
        })
        .collect()
}

/// The whole document.
pub fn document(results: Vec<Value>) -> Value {
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "akbp",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

impl Format for Sarif {
    fn reports(&mut self, reports: &[FileReport]) -> String {
        self.results.extend(results(reports));
        String::new()
    }
    fn end(&mut self, _summary: &Summary, _skipped: &[Skipped]) -> String {
        let doc = document(std::mem::take(&mut self.results));
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }
}
