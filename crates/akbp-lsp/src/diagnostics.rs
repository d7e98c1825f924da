//! A file's report as the protocol's diagnostics: the rule's code with a link to its page,
//! the severity the policy decided, the message with its label and help, and the
//! secondary labels as related information.

use akbp_core::check::{FileReport, Finding, Severity};
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Uri,
};

use crate::position::LineIndex;

/// Where the rules' pages are: `{base}{CODE}.md` (see [`crate::Host::rule_docs`]).
pub fn rule_link(base: &str, code: &str) -> Option<Uri> {
    format!("{base}{code}.md").parse().ok()
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The diagnostics of `report`, checked from `text` (the client's text: a byte order mark
/// at its start is not in the report's offsets).
pub fn diagnostics(
    report: &FileReport,
    text: &str,
    index: &LineIndex,
    uri: &Uri,
    docs: &str,
) -> Vec<Diagnostic> {
    let shift = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let range =
        |start: u32, end: u32| index.range(text, shift + start as usize, shift + end as usize);
    report
        .findings
        .iter()
        .map(|f| Diagnostic {
            range: range(f.span.start, f.span.end),
            severity: Some(severity(f.severity)),
            code: Some(NumberOrString::String(f.rule.code.to_string())),
            code_description: rule_link(docs, f.rule.code).map(|href| CodeDescription { href }),
            source: Some("akbp".into()),
            message: message(f),
            related_information: (!f.labels.is_empty()).then(|| {
                f.labels
                    .iter()
                    .map(|l| DiagnosticRelatedInformation {
                        location: Location {
                            uri: uri.clone(),
                            range: range(l.span.start, l.span.end),
                        },
                        message: l.text.clone(),
                    })
                    .collect()
            }),
            tags: None,
            data: None,
        })
        .collect()
}

/// The message, the label under the span and the help, one per line; the rule's name and
/// case after the message, as `akbp validate` names them.
fn message(f: &Finding) -> String {
    let mut m = f.message.clone();
    if let Some(label) = f.label.as_deref().filter(|l| *l != f.message) {
        m.push('\n');
        m.push_str(label);
    }
    if let Some(help) = &f.help {
        m.push_str("\nhelp: ");
        m.push_str(help);
    }
    if f.approximate {
        m.push_str(
            "\n(the place is approximate: the blueprint is embedded as encoded or folded text)",
        );
    }
    m.push_str(&format!(
        "\n[{}{}]",
        f.rule.name,
        f.case.map(|c| format!("/{}", c.id)).unwrap_or_default()
    ));
    m
}
