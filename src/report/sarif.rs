//! SARIF 2.1.0 (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html>) for
//! code scanning: every rule (code, name, summary, doc, default level) in
//! `tool.driver.rules`, each result's region in 1-based lines and columns. The run's
//! `columnKind` is `unicodeCodePoints`, so columns count characters as in the JSON format.
//! Validated against the vendored schema in `tests/sarif/`.

use serde_json::{json, Value};

use crate::input::Skipped;
use crate::report::escape;
use crate::report::format::{findings, range, Format, Summary};
use akbp_core::check::rules::RULES;
use akbp_core::check::FileReport;
use akbp_core::check::Severity;

/// The SARIF report as a [`Format`], streamed: the rules are known before any file is
/// checked and only the run's counts follow `results`, so the document's head is written at
/// the start, each chunk's results as they come, and the tail at the end; nothing accumulates.
/// The bytes are those of [`document`] printed whole (a unit test checks it).
#[derive(Debug, Default)]
pub struct Sarif {
    /// Results written so far.
    written: usize,
}

/// Where the results go in the pretty-printed document.
const RESULTS_SLOT: &str = "\"results\": []";
/// The indentation of a result in the pretty-printed document (`runs[0].results[i]`).
const RESULT_INDENT: &str = "        ";

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

/// The whole document. The run's property bag counts the findings suppressions removed
/// (rules switched off, `# akbp: ignore` comments), as every format's summary does.
pub fn document(results: Vec<Value>, summary: &Summary) -> Value {
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
            "properties": {
                "suppressed": summary.suppressed,
                "suppressedErrors": summary.suppressed_errors,
            },
        }]
    })
}

/// The document without results, cut where the results go: what comes before them (known
/// at the start) and after them (the counts, known at the end).
fn split(summary: &Summary) -> (String, String) {
    let whole = escape::json(&document(Vec::new(), summary));
    match whole.find(RESULTS_SLOT) {
        Some(at) => {
            let cut = at + RESULTS_SLOT.len() - 1;
            (whole[..cut].to_string(), whole[cut..].to_string())
        }
        None => (String::new(), String::new()),
    }
}

impl Format for Sarif {
    fn start(&mut self, _target: akbp_core::target::Target) -> String {
        self.written = 0;
        split(&Summary::default()).0
    }
    fn reports(&mut self, reports: &[FileReport]) -> String {
        let mut out = String::new();
        for result in results(reports) {
            out.push_str(if self.written == 0 { "\n" } else { ",\n" });
            self.written += 1;
            let text = escape::json(&result);
            for (i, line) in text.lines().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(RESULT_INDENT);
                out.push_str(line);
            }
        }
        out
    }
    fn end(&mut self, summary: &Summary, _skipped: &[Skipped]) -> String {
        let mut s = String::new();
        if self.written > 0 {
            s.push_str("\n      ");
        }
        s.push_str(&split(summary).1);
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use akbp_core::target::Target;

    /// The whole document, printed at once the way the format did before it streamed.
    fn whole(reports: &[FileReport]) -> String {
        let mut s = escape::json(&document(results(reports), &Summary::of(reports)));
        s.push('\n');
        s
    }

    fn streamed(reports: &[FileReport], chunk: usize) -> String {
        let mut f = Sarif::default();
        let mut out = f.start(Target::LATEST);
        for c in reports.chunks(chunk) {
            out.push_str(&f.reports(c));
        }
        out.push_str(&f.end(&Summary::of(reports), &[]));
        out
    }

    /// Streamed chunk by chunk, the SARIF document is byte for byte the one printed whole,
    /// with findings and without any.
    #[test]
    fn streamed_sarif_equals_the_whole_document() {
        let reports = crate::report::fixtures::fixture_reports(40);
        assert!(reports.iter().any(|r| r.findings.len() > 1));
        for chunk in [1, 3, 40] {
            assert_eq!(streamed(&reports, chunk), whole(&reports), "chunk {chunk}");
        }
        let clean: Vec<FileReport> = reports
            .into_iter()
            .filter(|r| r.findings.is_empty())
            .collect();
        assert_eq!(streamed(&clean, 2), whole(&clean));
        assert_eq!(streamed(&[], 2), whole(&[]));
    }
}
