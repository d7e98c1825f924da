//! Inline `# akbp:` comments: `# akbp: target 2024.10` and `# akbp: ignore-file[CODES]`
//! in the comments before the first line that is not a comment, `# akbp: ignore[CODES]` at
//! the end of the offending line, or on its own line above it (above an entry: the whole
//! entry).
//!
//! Only real YAML comments count: the header is comment lines by definition, and below it
//! the parser's comment events are used, so the same text inside a string value
//! suppresses nothing. A file without the `akbp:` marker pays one byte scan and nothing
//! else (the parser is asked for comment events only when the marker is present).

use crate::load::marker::{has_marker, MARKER};
use crate::load::reader::{lines, trim_white};
use crate::load::{Document, SourceFile, Span};
use crate::target::Target;

use super::finding::{Finding, Options, Overflow, Rule, Severity, Sink, Suppressed};
use super::rules::suppressions::{INVALID_COMMENT, OLDER_TARGET, UNUSED_SUPPRESSION};
use super::rules::{rule_by_code, rule_hint};

/// Lines a suppression covers, 1-based and inclusive; `None` for the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    File,
    Lines(usize, usize),
}

#[derive(Debug, Clone)]
struct Suppression {
    /// The comment.
    span: Span,
    scope: Scope,
    /// The rules it names, as written, and whether each suppressed something.
    codes: Vec<(&'static Rule, String, bool)>,
    /// Own-line comment: its scope is decided once the entries are known.
    pending: Option<usize>,
}

/// Every directive of one file.
#[derive(Debug, Clone, Default)]
pub struct Directives {
    /// `# akbp: target`: the release this file is checked at (unless `--target` is given).
    pub target: Option<Target>,
    /// The comment that set `target`.
    target_span: Option<Span>,
    suppressions: Vec<Suppression>,
    /// Directives that could not be read ([`INVALID_COMMENT`]).
    problems: Vec<Finding>,
    /// Byte offset where the header (leading comment lines) ends.
    header_end: usize,
    /// Lines `(first, last)` of every entry, from the parsed documents.
    entries: Vec<(usize, usize)>,
    active: bool,
}

impl Directives {
    /// Read the header comments: the target, file-level and first-line suppressions.
    /// Costs one byte scan when the text has no `akbp:`.
    pub fn header(source: &SourceFile) -> Directives {
        let text = &*source.text;
        if !has_marker(text) {
            return Directives::default();
        }
        let mut d = Directives {
            active: true,
            ..Default::default()
        };
        let mut offset = 0;
        // Lines end where PyYAML's reader ends them (every YAML 1.1 break), and only
        // spaces and tabs are blank: `# c<NEL>entries:` is a comment line and a content
        // line, as the loader reads it.
        for (at, line, len) in lines(text) {
            let body = trim_white(line);
            if !body.is_empty() && !body.starts_with('#') {
                break;
            }
            if let Some(rest) = body.strip_prefix('#') {
                let at = at + (line.len() - line.trim_start_matches([' ', '\t']).len());
                let span = Span::new(at, at + body.len());
                d.comment(source, rest, span, true);
            }
            offset = at + len;
        }
        d.header_end = offset;
        d
    }

    /// [`Directives::header`], and [`OLDER_TARGET`] when the file's `# akbp: target` names
    /// an older release than the configuration that applies to it (and `--target` does not
    /// overrule both).
    pub fn for_file(source: &SourceFile, options: &Options) -> Directives {
        let mut d = Directives::header(source);
        if let (Some(own), Some(configured), Some(span)) =
            (d.target, options.configured_target, d.target_span)
        {
            if own < configured && !options.target_pinned {
                let mut sink = Sink::default();
                sink.push(
                    &OLDER_TARGET,
                    span,
                    format!(
                        "this file is checked at {own}, its `# akbp: target`, older than {configured}, the target of the configuration"
                    ),
                )
                .help(format!(
                    "remove the comment to check the file at {configured} with the rest, or keep it if the file is applied to an authentik {own}"
                ));
                d.problems.extend(sink.findings);
            }
        }
        d
    }

    /// Add the comments and entries of one parsed document (below the header).
    pub fn add_document(&mut self, source: &SourceFile, doc: &Document) {
        if !self.active {
            return;
        }
        for c in &doc.comments {
            if (c.span.start as usize) >= self.header_end {
                self.comment(source, &c.text, c.span, false);
            }
        }
        if let Some(items) = doc.root.get("entries").and_then(|e| e.as_seq()) {
            for item in items {
                let first = source.position(item.span.start as usize).line;
                let last = source.position(item.span.end as usize).line;
                self.entries.push((first, last));
            }
        }
    }

    /// One comment's text (after `#`); `header`: it sits before the first content line.
    fn comment(&mut self, source: &SourceFile, text: &str, span: Span, header: bool) {
        // `# note # akbp: ignore[X]`: a directive starts the comment or follows a `#`.
        for part in text.split('#') {
            let Some(rest) = part.trim_start().strip_prefix(MARKER) else {
                continue;
            };
            self.directive(source, rest.trim(), span, header);
        }
    }

    fn directive(&mut self, source: &SourceFile, d: &str, span: Span, header: bool) {
        if let Some(release) = d.strip_prefix("target") {
            let release = release.trim();
            if !header {
                self.problem(
                    span,
                    None,
                    "`# akbp: target` only counts in the comments before the first line that is not a comment",
                    "move it to the top of the file",
                );
                return;
            }
            match release.parse::<Target>() {
                Ok(t) => {
                    self.target = Some(t);
                    self.target_span = Some(span);
                }
                Err(e) => self.problem(
                    span,
                    Some("bad-target"),
                    &format!("`# akbp: target`: {e}; the file is checked as if the comment were not there"),
                    "write a known release line, for example `# akbp: target 2024.10`",
                ),
            }
            return;
        }
        let (file, codes) = if let Some(rest) = d.strip_prefix("ignore-file") {
            (true, rest)
        } else if let Some(rest) = d.strip_prefix("ignore") {
            (false, rest)
        } else {
            self.problem(
                span,
                None,
                &format!("unknown `# akbp:` comment `{d}`"),
                "akbp reads `# akbp: ignore[CODE]`, `# akbp: ignore-file[CODE]` and `# akbp: target YYYY.M`",
            );
            return;
        };
        let Some(list) = codes
            .trim()
            .strip_prefix('[')
            .and_then(|c| c.split(']').next().filter(|_| c.contains(']')))
        else {
            self.problem(
                span,
                None,
                "a suppression names the rules it suppresses: `# akbp: ignore[AKB205]`",
                "name one or more codes or rule names in brackets, comma-separated",
            );
            return;
        };
        if file && !header {
            self.problem(
                span,
                None,
                "`# akbp: ignore-file` only counts in the comments before the first line that is not a comment",
                "move it to the top of the file",
            );
            return;
        }
        let mut rules = Vec::new();
        for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match rule_by_code(word) {
                Some(rule) => rules.push((rule, word.to_string(), false)),
                None => self.problem(
                    span,
                    None,
                    &format!("`# akbp: ignore`: no rule `{word}`{}", rule_hint(word)),
                    "name rules by code (AKB205) or name (unknown-model)",
                ),
            }
        }
        if rules.is_empty() {
            return;
        }
        let line = source.position(span.start as usize).line;
        let line_start = source.line_start(line - 1);
        let own_line = source.text[line_start..span.start as usize]
            .trim()
            .is_empty();
        let (scope, pending) = if file {
            (Scope::File, None)
        } else if own_line {
            (
                Scope::Lines(line, line),
                Some(next_content_line(source, line)),
            )
        } else {
            (Scope::Lines(line, line), None)
        };
        self.suppressions.push(Suppression {
            span,
            scope,
            codes: rules,
            pending,
        });
    }

    fn problem(&mut self, span: Span, case: Option<&str>, message: &str, help: &str) {
        let mut sink = Sink::default();
        let f = sink.push(&INVALID_COMMENT, span, message);
        f.help(help);
        if let Some(c) = case {
            f.case(c);
        }
        self.problems.extend(sink.findings);
    }

    /// Findings about the directives themselves ([`INVALID_COMMENT`]).
    pub fn problems(&self) -> &[Finding] {
        &self.problems
    }

    /// Remove the findings the suppressions cover and return one [`UNUSED_SUPPRESSION`]
    /// finding per named rule that suppressed nothing, among those `judged` says to judge.
    /// `off`: findings of switched-off rules, already dropped, that still use a
    /// suppression covering them.
    /// `overflow` (findings a capped sink only counted) is filtered the same way.
    pub fn apply(
        &mut self,
        source: &SourceFile,
        findings: &mut Vec<Finding>,
        overflow: &mut Vec<(Overflow, Severity)>,
        off: &[(&'static Rule, Span)],
        suppressed: &mut Suppressed,
        judged: impl Fn(&Rule) -> bool,
    ) -> Vec<Finding> {
        if self.suppressions.is_empty() {
            return Vec::new();
        }
        let entries = std::mem::take(&mut self.entries);
        for s in &mut self.suppressions {
            if let Some(next) = s.pending.take() {
                // Above an entry: the whole entry; otherwise the next line.
                let end = entries
                    .iter()
                    .filter(|(first, _)| *first == next)
                    .map(|(_, last)| *last)
                    .max()
                    .unwrap_or(next);
                s.scope = Scope::Lines(next, end);
            }
        }
        findings.retain(|f| {
            let covered = self.suppresses(source, f.rule, f.span);
            if covered {
                suppressed.count(f.severity);
            }
            !covered
        });
        overflow.retain(|(o, severity)| {
            let covered = self.suppresses(source, o.rule, o.span);
            if covered {
                suppressed.count(*severity);
            }
            !covered
        });
        // Findings of switched-off rules were dropped and counted already; a comment
        // covering one is still used.
        for (rule, span) in off {
            self.suppresses(source, rule, *span);
        }
        let mut sink = Sink::default();
        for s in &self.suppressions {
            for (rule, word, used) in &s.codes {
                if rule.stops_load {
                    sink.push(
                        &UNUSED_SUPPRESSION,
                        s.span,
                        format!(
                            "`{word}` cannot be suppressed: authentik cannot load a file at all when it has {} ({})",
                            rule.code, rule.name
                        ),
                    )
                    .help(format!(
                        "remove `{word}` from the comment and fix the file"
                    ));
                    continue;
                }
                if *used || !judged(rule) {
                    continue;
                }
                let what = match s.scope {
                    Scope::File => "in this file",
                    Scope::Lines(a, b) if a == b => "on its line",
                    Scope::Lines(..) => "in the entry below it",
                };
                sink.push(
                    &UNUSED_SUPPRESSION,
                    s.span,
                    format!(
                        "this suppression of `{word}` suppresses nothing: no {} finding {what}",
                        rule.code
                    ),
                )
                .help(format!("remove `{word}` from the comment"));
            }
        }
        sink.findings
    }
}

/// The first line after `line` that is neither blank nor a comment (or `line + 1`).
impl Directives {
    /// Whether a suppression covers a finding of `rule` at `span`; marks it used.
    fn suppresses(&mut self, source: &SourceFile, rule: &Rule, span: Span) -> bool {
        let line = source.position(span.start as usize).line;
        let mut suppressed = false;
        for s in &mut self.suppressions {
            let covers = match s.scope {
                Scope::File => true,
                Scope::Lines(a, b) => (a..=b).contains(&line),
            };
            if !covers {
                continue;
            }
            for (r, _, used) in &mut s.codes {
                // A file authentik cannot load is never hidden ([`Rule::stops_load`]).
                if r.code == rule.code && !rule.stops_load {
                    *used = true;
                    suppressed = true;
                }
            }
        }
        suppressed
    }
}

fn next_content_line(source: &SourceFile, line: usize) -> usize {
    let start = source.line_start(line - 1);
    for (i, l) in source.text[start..].lines().enumerate().skip(1) {
        let t = l.trim();
        if !t.is_empty() && !t.starts_with('#') {
            return line + i;
        }
    }
    line + 1
}
