//! The human report: each finding rendered by miette with the offending node underlined,
//! the rule code and name, and a help line.

use std::fmt::Write as _;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::report::escape::{self, Lines};
use crate::report::format::{Format, Summary};
use akbp_core::check::{FileReport, Finding, Severity};
use akbp_core::load::{SourceFile, Span};

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
/// The second field is the real 0-based line of the text's first line, the third the
/// characters cut before the finding on its line (a [`Window`] holds only the lines
/// around a finding, cut).
struct Indexed<'a>(&'a SourceFile, usize, Option<(usize, usize)>);

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
            let p = f.position(start);
            match self.2 {
                // The window's line starts with `…` for the characters cut.
                Some((line, cut)) if line == p.line - 1 => p.column - 1 - 1.min(cut) + cut,
                _ => p.column - 1,
            }
        } else {
            0
        };
        // Unnamed: the header line above the box already names the file.
        Ok(Box::new(MietteSpanContents::new(
            &text[data_start..data_end],
            (data_start, data_end - data_start).into(),
            from_line + self.1,
            column,
            to_line + 1 + self.1,
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

/// The source as shown in excerpts: every unsafe character replaced by `?`, one per
/// byte, so every span stays valid (a CR before a line feed stays: it moves nothing).
fn shown_source(source: &SourceFile) -> SourceFile {
    let text = &source.text;
    let name = escape::name(&source.name);
    let marks = escape::command_marks(text);
    if marks.is_empty() && !text.chars().any(|c| escape::is_unsafe(c) && c != '\n') {
        return SourceFile::new(name.as_ref(), text.clone());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let crlf = c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n');
        let unsafe_char = escape::is_unsafe(c) && c != '\n' && !crlf;
        if unsafe_char || marks.binary_search(&i).is_ok() {
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
    // Message and help keep akbp's line feeds; every line they start gets a `│`
    // ([`with_help_glyphs`], miette's own for the message). Labels stay on one line.
    f.message = escape::text(&f.message, Lines::Kept).into_owned();
    f.help = f.help.map(|h| escape::text(&h, Lines::Kept).into_owned());
    f.label = f.label.map(|l| escape::text(&l, Lines::One).into_owned());
    for l in &mut f.labels {
        l.text = escape::text(&l.text, Lines::One).into_owned();
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
            // A long line (or a long span) is cut to a window around the finding.
            let window = Window::around(shown, finding);
            let d = match &window {
                Some((w, f)) => Rendered {
                    finding: f,
                    source: Indexed(&w.source, w.first_line, Some(w.cut)),
                },
                None => Rendered {
                    finding,
                    source: Indexed(shown, 0, None),
                },
            };
            let mut one = String::new();
            if handler.render_report(&mut one, &d).is_ok() {
                out.push_str(&with_help_glyphs(&one));
            } else {
                let _ = writeln!(
                    out,
                    "{}",
                    escape::prefix_lines(&finding.message, "  × ", "  │ ")
                );
            }
        }
        None => {
            let _ = writeln!(out, "{name}: {} {code}", finding.severity.as_str());
            let _ = writeln!(
                out,
                "{}",
                escape::prefix_lines(&finding.message, "  × ", "  │ ")
            );
            if let Some(h) = &finding.help {
                let _ = writeln!(out, "{}", escape::prefix_lines(h, HELP, HELP_MORE));
            }
        }
    }
    out.push('\n');
}

/// How miette opens the help and indents its further lines, and the glyph akbp puts on
/// those lines instead, so that no line of help (which may quote a file) starts with text.
const HELP: &str = "  help: ";
const MIETTE_HELP_MORE: &str = "        ";
const HELP_MORE: &str = "      │ ";

/// A finding as miette rendered it, with [`HELP_MORE`] on every line the help continues
/// on (the help is the last part miette writes; its first line is the first that opens
/// with [`HELP`], maybe after colour codes: no other line miette writes starts so).
fn with_help_glyphs(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len() + 64);
    let mut in_help = false;
    for line in rendered.split_inclusive('\n') {
        if in_help {
            if let Some(rest) = line.strip_prefix(MIETTE_HELP_MORE) {
                out.push_str(HELP_MORE);
                out.push_str(rest);
                continue;
            }
            if line.trim().is_empty() {
                out.push_str(HELP_MORE.trim_end());
                out.push_str(if line.ends_with('\n') { "\n" } else { "" });
                continue;
            }
        } else {
            in_help = without_colour(line).starts_with(HELP);
        }
        out.push_str(line);
    }
    out
}

/// `line` without the SGR colour codes akbp's theme puts before its text.
fn without_colour(mut line: &str) -> &str {
    while let Some(rest) = line.strip_prefix("\u{1b}[") {
        match rest.find('m') {
            Some(end) => line = &rest[end + 1..],
            None => break,
        }
    }
    line
}

/// Render all findings of all files, in order. Secrets are already masked in every
/// report ([`akbp_core::check::mask`]); control characters are escaped here.
pub fn render(reports: &[FileReport], style: Style) -> String {
    let mut out = String::new();
    let handler = handler(style);
    for r in reports.iter().filter(|r| !r.findings.is_empty()) {
        let name = escape::name(&r.name);
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
            escape::name(&s.name),
            s.reason.as_str()
        );
    }
    out
}

/// Characters of a source line shown on each side of a finding: a finding on a 5 MB
/// line, or past column 65,535, shows a window around it, never the whole line.
const WINDOW_CHARS: usize = 100;
/// Lines longer than this (in bytes) are cut to the window.
const LONG_LINE: usize = 2 * WINDOW_CHARS + 40;
/// A span over more lines than this shows its first lines only.
const MAX_SPAN_LINES: usize = 8;
/// Marks text cut from a line.
const CUT: &str = "…";

/// One line of a windowed excerpt: bytes `from..to` of the original line starting at
/// `line_start`, at `at` in the excerpt (after the cut mark, if any).
struct WindowLine {
    from: usize,
    to: usize,
    at: usize,
}

/// The lines around a finding cut to a window of columns, with their real line numbers
/// (`first_line`), and where the finding's spans land in it.
struct Window {
    source: SourceFile,
    first_line: usize,
    lines: Vec<WindowLine>,
    /// The finding's line in the window, and the characters cut before the window on it.
    cut: (usize, usize),
}

impl Window {
    /// `None` when the excerpt is small enough to show whole.
    fn around(shown: &SourceFile, f: &Finding) -> Option<(Window, Finding)> {
        let span = shown.clamp_span(f.span);
        let first = shown.line_of(span.start as usize);
        let last = shown.line_of(
            (span.end as usize)
                .saturating_sub(1)
                .max(span.start as usize),
        );
        let from_line = first.saturating_sub(1);
        let to_line = (last.min(first + MAX_SPAN_LINES - 1) + 1).min(shown.line_count() - 1);
        let line_bytes = |l: usize| line_end(shown, l) - shown.line_start(l);
        let long = (from_line..=to_line).any(|l| line_bytes(l) > LONG_LINE);
        if !long && last - first < MAX_SPAN_LINES {
            return None;
        }
        let text = &shown.text;
        // The columns shown: from WINDOW_CHARS before the finding's start to
        // WINDOW_CHARS after it (2 * WINDOW_CHARS when the span is longer), as byte
        // offsets from the start of each line, on character boundaries per line.
        let start = span.start as usize;
        let line0 = shown.line_start(first);
        let left = back_chars(&text[line0..start], WINDOW_CHARS);
        let col_from = start - line0 - left;
        let right = forward_chars(&text[start..line_end(shown, first)], 2 * WINDOW_CHARS);
        // Context lines get at least as wide a window as the finding's own line could.
        let col_to = (start - line0 + right).max(col_from + 4 * WINDOW_CHARS);
        let mut out = String::new();
        let mut lines = Vec::new();
        for l in from_line..=to_line {
            let ls = shown.line_start(l);
            let le = line_end(shown, l);
            let len = le - ls;
            // Short lines are shown whole; long ones are cut to the finding's columns.
            let (col_from, col_to) = if len <= LONG_LINE {
                (0, len)
            } else {
                (col_from, col_to)
            };
            let mut from = ls + col_from.min(len);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let mut to = ls + col_to.min(len);
            while !text.is_char_boundary(to) {
                to += 1;
            }
            let to = to.max(from);
            if from > ls {
                out.push_str(CUT);
            }
            lines.push(WindowLine {
                from,
                to,
                at: out.len(),
            });
            out.push_str(&text[from..to]);
            if to < le {
                out.push_str(CUT);
            }
            if l < to_line {
                out.push('\n');
            }
        }
        let finding_line = &lines[first - from_line];
        let cut = text[line0..finding_line.from].chars().count();
        let w = Window {
            source: SourceFile::new(shown.name.as_ref(), out),
            first_line: from_line,
            lines,
            cut: (first - from_line, cut),
        };
        let mut g = f.clone();
        let (s, e) = (
            w.map(shown, span.start as usize),
            w.map(shown, span.end as usize),
        );
        let (s, e) = match (s, e) {
            (Some(s), Some(e)) => (s, e.max(s)),
            // The end lies past the lines shown: the span runs to the end of the excerpt.
            (Some(s), None) => (s, w.source.text.len()),
            _ => (0, 0),
        };
        g.span = Span::new(s, e);
        g.labels = f
            .labels
            .iter()
            .filter_map(|l| {
                let l2 = shown.clamp_span(l.span);
                let s = w.map(shown, l2.start as usize)?;
                let e = w.map(shown, l2.end as usize).unwrap_or(s).max(s);
                let mut l = l.clone();
                l.span = Span::new(s, e);
                Some(l)
            })
            .collect();
        Some((w, g))
    }

    /// Where byte `offset` of the original lands in the window (clamped to its line's
    /// part), or `None` when its line is not shown.
    fn map(&self, shown: &SourceFile, offset: usize) -> Option<usize> {
        let line = shown.line_of(offset);
        let i = line.checked_sub(self.first_line)?;
        let w = self.lines.get(i)?;
        let o = offset.clamp(w.from, w.to);
        Some(w.at + (o - w.from))
    }
}

/// Byte offset where 0-based line `l` ends, without its line break.
fn line_end(f: &SourceFile, l: usize) -> usize {
    let next = if l + 1 < f.line_count() {
        f.line_start(l + 1)
    } else {
        f.text.len()
    };
    let text = &f.text[f.line_start(l)..next];
    f.line_start(l) + text.trim_end_matches(['\n', '\r']).len()
}

/// Bytes taken by the last `n` characters of `s`.
fn back_chars(s: &str, n: usize) -> usize {
    s.char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(0, |(i, _)| s.len() - i)
}

/// Bytes taken by the first `n` characters of `s`.
fn forward_chars(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
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
