//! Validate: the findings of one text as JSON for the page.
//!
//! Each finding has the command line's JSON fields (`akbp validate --format json`: 1-based
//! line and character column, end exclusive, from the same `SourceFile::position`) and
//! `start`/`end`, the span as offsets in UTF-16 code units into the text the page passed
//! in, which is how JavaScript indexes the editor's text.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use akbp_core::check::rules::RULES;
use akbp_core::check::{self, FileReport, Options};
use akbp_core::load::{self, Position, Span};
use akbp_core::target::Target;

#[derive(Debug, Serialize)]
pub struct JsFinding {
    pub code: &'static str,
    pub name: &'static str,
    pub case: Option<&'static str>,
    pub severity: &'static str,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    pub approximate: bool,
    #[serde(flatten)]
    pub at: Place,
    pub labels: Vec<JsLabel>,
}

#[derive(Debug, Serialize)]
pub struct JsLabel {
    pub message: String,
    #[serde(flatten)]
    pub at: Place,
}

/// Where a span is: line/column as the command line reports them, and UTF-16 offsets.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub start: usize,
    pub end: usize,
}

/// The release lines, newest first, and the default.
pub fn targets() -> Value {
    let known: Vec<String> = Target::KNOWN.iter().rev().map(Target::to_string).collect();
    json!({ "default": Target::LATEST.to_string(), "targets": known })
}

/// The rule registry: code, name, default severity, summary, Markdown doc, cases.
pub fn rules() -> Value {
    Value::Array(
        RULES
            .iter()
            .map(|r| {
                json!({
                    "code": r.code,
                    "name": r.name,
                    "severity": r.severity.as_str(),
                    "summary": r.summary,
                    "doc": r.doc,
                    "cases": r.cases.iter().map(|c| json!({
                        "id": c.id, "severity": c.severity.as_str(), "summary": c.summary,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Check `text` as `filename` at `target` (empty: the file's own comment, else the
/// default). `{"target", "skipped", "findings", "omitted"}`, or `{"error"}` for a target
/// akbp does not know.
pub fn validate(text: &str, target: &str, filename: &str) -> Value {
    let mut options = Options::default();
    if !target.trim().is_empty() {
        match target.parse::<Target>() {
            Ok(t) => {
                options.target = t;
                // As `--target`: it wins over the file's `# akbp: target` comment.
                options.target_pinned = true;
            }
            Err(e) => return json!({ "error": e.to_string() }),
        }
    }
    let name = if filename.trim().is_empty() {
        "blueprint.yaml"
    } else {
        filename
    };
    let report = match load::decode(name, text.as_bytes().to_vec()) {
        Ok(source) => check::located::check_file(source, &options, true),
        Err(e) => check::failed_file(name, None, &e).resolved(&options),
    };
    json!({
        "target": report.target.to_string(),
        "skipped": report.skipped.map(|s| s.as_str()),
        "findings": findings(&report, text),
        "omitted": report.omitted.iter().map(|o| json!({
            "code": o.rule.code, "severity": o.severity.as_str(), "count": o.count,
        })).collect::<Vec<_>>(),
    })
}

/// The report's findings with their places in `text` (the text as the page has it).
pub fn findings(report: &FileReport, text: &str) -> Vec<JsFinding> {
    // The loader drops a byte order mark, so its offsets start after it.
    let (checked, skip) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 1),
        None => (text, 0),
    };
    let mut spans: Vec<usize> = Vec::new();
    for f in &report.findings {
        spans.extend([f.span.start as usize, f.span.end as usize]);
        for l in &f.labels {
            spans.extend([l.span.start as usize, l.span.end as usize]);
        }
    }
    let units = utf16_offsets(checked, spans);
    // Secrets are masked byte for byte in the report's copy, so its positions are the ones
    // the command line prints; without a copy (a file that could not be decoded), 1:1.
    let place = |span: Span| -> Place {
        let (a, b) = match &report.source {
            Some(s) => (
                s.position(span.start as usize),
                s.position(span.end as usize),
            ),
            None => {
                let one = Position { line: 1, column: 1 };
                (one, one)
            }
        };
        Place {
            line: a.line,
            column: a.column,
            end_line: b.line,
            end_column: b.column,
            start: skip + units[&(span.start as usize)],
            end: skip + units[&(span.end as usize)],
        }
    };
    report
        .findings
        .iter()
        .map(|f| JsFinding {
            code: f.rule.code,
            name: f.rule.name,
            case: f.case.map(|c| c.id),
            severity: f.severity.as_str(),
            message: f.message.clone(),
            label: f.label.clone(),
            help: f.help.clone(),
            approximate: f.approximate,
            at: place(f.span),
            labels: f
                .labels
                .iter()
                .map(|l| JsLabel {
                    message: l.text.clone(),
                    at: place(l.span),
                })
                .collect(),
        })
        .collect()
}

/// UTF-16 offsets of byte offsets into `text`, in one pass. An offset past the end counts
/// as the end; one inside a character, as that character's start.
fn utf16_offsets(text: &str, mut bytes: Vec<usize>) -> BTreeMap<usize, usize> {
    bytes.sort_unstable();
    bytes.dedup();
    let mut out = BTreeMap::new();
    let mut wanted = bytes.into_iter().peekable();
    let mut units = 0;
    for (at, c) in text.char_indices() {
        while let Some(&b) = wanted.peek() {
            if b >= at + c.len_utf8() {
                break;
            }
            out.insert(b, units);
            wanted.next();
        }
        units += c.len_utf16();
    }
    for b in wanted {
        out.insert(b, units);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_code_units() {
        // é: 2 bytes, 1 unit; 🚀: 4 bytes, 2 units.
        let text = "aé🚀b";
        let got = utf16_offsets(text, vec![0, 1, 3, 7, 8, 99, 2, 5]);
        let want: BTreeMap<usize, usize> = [
            (0, 0),
            (1, 1),
            (2, 1),
            (3, 2),
            (5, 2),
            (7, 4),
            (8, 5),
            (99, 5),
        ]
        .into();
        assert_eq!(got, want);
    }

    fn slice16(text: &str, start: usize, end: usize) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        String::from_utf16(&units[start..end]).unwrap()
    }

    #[test]
    fn spans_point_at_the_same_text_in_utf16() {
        let text = "\u{feff}version: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: \"Wïki 🚀\", provider: !KeyOf provder}\n";
        let v = validate(text, "", "wiki.yaml");
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "AKB300")
            .expect("AKB300 for !KeyOf provder");
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(slice16(text, s, e), "!KeyOf provder");
        assert_eq!(f["line"], 5);
    }

    #[test]
    fn a_target_pins_and_an_unknown_one_is_an_error() {
        let text = "# akbp: target 2024.10\nversion: 1\nentries: []\n";
        assert_eq!(validate(text, "", "a.yaml")["target"], "2024.10");
        assert_eq!(validate(text, "2026.2", "a.yaml")["target"], "2026.2");
        let bad = validate(text, "1999.1", "a.yaml");
        assert!(bad["error"].as_str().unwrap().contains("1999.1"), "{bad}");
    }

    #[test]
    fn undecodable_text_is_a_finding_not_a_panic() {
        let v = validate("version: 1\0", "", "a.yaml");
        let f = &v["findings"][0];
        assert_eq!(f["severity"], "error");
        assert_eq!(
            (f["line"].as_u64(), f["start"].as_u64()),
            (Some(1), Some(0))
        );
    }

    #[test]
    fn every_rule_is_listed_with_its_doc() {
        let rules = rules();
        let rules = rules.as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        assert!(rules.iter().all(|r| !r["doc"].as_str().unwrap().is_empty()));
    }
}
