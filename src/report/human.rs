//! The human report: each finding rendered by miette with the offending node underlined,
//! the rule code and name, and a help line.

use std::fmt::Write as _;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::report::format::{Format, Summary};
use akbp_core::check::{FileReport, Finding, Severity};
use akbp_core::load::SourceFile;

/// How the human report looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            width: 100,
        }
    }
}

/// miette reads source through this, using the file's precomputed line index instead
/// of rescanning the text from the start for every label.
struct Indexed<'a>(&'a SourceFile);

impl SourceCode for Indexed<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let f = self.0;
        let text = f.text.as_bytes();
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = f.position(start).line - 1;
        let last_line = f.position(end.saturating_sub(1).max(start)).line - 1;
        let from_line = first_line.saturating_sub(before);
        let to_line = (last_line + after).min(f.line_count() - 1);
        let data_start = f.line_start(from_line);
        let data_end = if to_line + 1 < f.line_count() {
            f.line_start(to_line + 1)
        } else {
            text.len()
        };
        // Characters, not bytes, as in the `file:line:column` header above the box, so
        // both agree on lines with non-ASCII text.
        let column = if before == 0 {
            f.position(start).column - 1
        } else {
            0
        };
        // Unnamed: the header line above the box already names the file.
        Ok(Box::new(MietteSpanContents::new(
            &text[data_start..data_end],
            (data_start, data_end - data_start).into(),
            from_line,
            column,
            to_line + 1,
        )))
    }
}

struct Rendered<'a> {
    finding: &'a Finding,
    source: Indexed<'a>,
}

impl std::fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.source.0;
        let primary = f.clamp_span(self.finding.span);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            self.finding.label.clone(),
            (primary.start as usize, primary.len()),
        )];
        for l in &self.finding.labels {
            let s = f.clamp_span(l.span);
            labels.push(LabeledSpan::new_with_span(
                Some(l.text.clone()),
                (s.start as usize, s.len()),
            ));
        }
        Some(Box::new(labels.into_iter()))
    }
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(style.width)
        .with_context_lines(1)
}

/// Whether a character must not reach a terminal as is: controls (C0 but line feed and
/// tab, DEL, C1), the line and paragraph separators, and bidirectional overrides, which
/// could move the cursor, clear the screen, forge a report line or reorder text.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character (and line feeds, for one-line texts such as file
/// names) written as a `\u{..}` escape.
pub fn escape(s: &str, one_line: bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || (one_line && c == '\n')) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) || (one_line && c == '\n') {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The source as shown in excerpts: every unsafe character replaced by `?`, one per
/// byte, so every span stays valid (a CR before a line feed stays: it moves nothing).
fn shown_source(source: &SourceFile) -> SourceFile {
    let text = &source.text;
    let name = escape(&source.name, true);
    if !text.chars().any(is_unsafe) {
        return SourceFile::new(name.as_ref(), text.clone());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let crlf = c == '\r' && chars.peek() == Some(&'\n');
        if is_unsafe(c) && !crlf {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    SourceFile::new(name.as_ref(), out)
}

/// A finding with every text escaped for a terminal.
fn shown_finding(f: &Finding) -> Finding {
    let mut f = f.clone();
    f.message = escape(&f.message, false).into_owned();
    f.help = f.help.map(|h| escape(&h, false).into_owned());
    f.label = f.label.map(|l| escape(&l, false).into_owned());
    for l in &mut f.labels {
        l.text = escape(&l.text, false).into_owned();
    }
    f
}

/// Render one finding of the file `name`; without source text it gets a short form.
/// Positions come from `source`, the excerpt from `shown` (its terminal-safe copy).
fn render_finding(
    out: &mut String,
    name: &str,
    source: Option<(&SourceFile, &SourceFile)>,
    finding: &Finding,
    handler: &GraphicalReportHandler,
) {
    let code = match finding.case {
        Some(c) => format!("{}[{}/{}]", finding.rule.code, finding.rule.name, c.id),
        None => format!("{}[{}]", finding.rule.code, finding.rule.name),
    };
    let finding = &shown_finding(finding);
    match source {
        Some((source, shown)) => {
            let pos = source.position(finding.span.start as usize);
            let _ = writeln!(
                out,
                "{name}:{}:{}: {} {code}",
                pos.line,
                pos.column,
                finding.severity.as_str()
            );
            let d = Rendered {
                finding,
                source: Indexed(shown),
            };
            if handler.render_report(out, &d).is_err() {
                let _ = writeln!(out, "  {}", finding.message);
            }
        }
        None => {
            let _ = writeln!(out, "{name}: {} {code}", finding.severity.as_str());
            let _ = writeln!(out, "  × {}", finding.message);
            if let Some(h) = &finding.help {
                let _ = writeln!(out, "  help: {h}");
            }
        }
    }
    out.push('\n');
}

/// Render all findings of all files, in order. Secrets are already masked in every
/// report ([`akbp_core::check::mask`]); control characters are escaped here.
pub fn render(reports: &[FileReport], style: Style) -> String {
    let mut out = String::new();
    let handler = handler(style);
    for r in reports.iter().filter(|r| !r.findings.is_empty()) {
        let name = escape(&r.name, true);
        let shown = r.source.as_ref().map(shown_source);
        let pair = r.source.as_ref().zip(shown.as_ref());
        // At most SHOWN_PER_RULE findings of one rule per file; the rest are one line.
        let mut per_rule: Vec<(&'static str, usize)> = Vec::new();
        for f in &r.findings {
            let n = match per_rule.iter_mut().find(|(c, _)| *c == f.rule.code) {
                Some((_, n)) => n,
                None => {
                    per_rule.push((f.rule.code, 0));
                    &mut per_rule.last_mut().expect("just pushed").1
                }
            };
            *n += 1;
            if *n <= SHOWN_PER_RULE {
                render_finding(&mut out, &name, pair, f, &handler);
            }
        }
        for (code, n) in per_rule {
            let omitted: usize = r
                .omitted
                .iter()
                .filter(|o| o.rule.code == code)
                .map(|o| o.count)
                .sum();
            let more = n.saturating_sub(SHOWN_PER_RULE) + omitted;
            if more > 0 {
                let _ = writeln!(
                    out,
                    "{name}: and {more} more {code} findings in this file (the summary counts them all)\n"
                );
            }
        }
    }
    out
}

/// Most findings of one rule the human report shows for one file.
pub const SHOWN_PER_RULE: usize = 20;

/// The human report as a [`Format`]: every finding, with `verbose` the skipped files,
/// then the summary line.
#[derive(Debug, Default)]
pub struct Human {
    pub style: Style,
    pub verbose: bool,
}

impl Format for Human {
    fn reports(&mut self, reports: &[FileReport]) -> String {
        render(reports, self.style)
    }
    fn end(&mut self, summary: &Summary, skipped: &[crate::input::Skipped]) -> String {
        let mut t = String::new();
        if self.verbose {
            t.push_str(&skipped_list(skipped));
            let total: usize = summary.skipped.values().sum();
            if total > skipped.len() {
                // Only the first names are kept (`SkipTally`); the counts cover every file.
                t.push_str(&format!(
                    "and {} more skipped files, not listed: akbp keeps the first {} names\n",
                    total - skipped.len(),
                    crate::input::SKIPPED_NAMES_KEPT
                ));
            }
        }
        t.push_str(&summary.line());
        t.push('\n');
        t
    }
}

/// `--verbose`: one line per file a folder search skipped, with the reason.
pub fn skipped_list(skipped: &[crate::input::Skipped]) -> String {
    let mut out = String::new();
    for s in skipped {
        let _ = writeln!(
            out,
            "skipped {} ({})",
            escape(&s.name, true),
            s.reason.as_str()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use akbp_core::check::{check_source, Options};

    /// The file is named once per finding, and the header and the box agree on the column
    /// when non-ASCII text comes before the finding on its line.
    #[test]
    fn file_named_once_and_columns_agree_after_non_ascii() {
        let text = "version: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {name: Café, slug: my wiki}\n";
        let report = check_source(SourceFile::new("x.yaml", text), &Options::default());
        assert!(!report.findings.is_empty());
        let out = render(std::slice::from_ref(&report), Style::default());
        let finding = out
            .split("\n\n")
            .find(|f| f.contains("AKB207"))
            .expect("AKB207 finding");
        assert_eq!(finding.matches("x.yaml").count(), 1, "{finding}");
        assert!(
            finding.starts_with("x.yaml:4:37: error AKB207"),
            "{finding}"
        );
        assert!(finding.contains("╭─[4:37]"), "{finding}");
    }
}
