//! Inline `# akbp:` comments: `# akbp: target 2024.10` and `# akbp: ignore-file[CODES]`
//! in the comments before the first line that is not a comment, `# akbp: ignore[CODES]` at
//! the end of the offending line, or on its own line above it (above an entry: the whole
//! entry).
//!
//! Only real YAML comments count: the header is comment lines by definition, and below it
//! the parser's comment events are used, so the same text inside a string value
//! suppresses nothing. A file without the `akbp:` marker pays one byte scan and nothing
//! else (the parser is asked for comment events only when the marker is present).

use std::collections::HashMap;
use std::sync::Arc;

use crate::load::marker::{has_marker, MARKER};
use crate::load::reader::{lines, trim_white};
use crate::load::{Document, SourceFile, Span};
use crate::target::Target;

use super::finding::{
    Finding, Options, Overflow, Rule, Severity, Sink, Suppressed, Suppressor, MAX_KEPT_PER_RULE,
};
use super::rules::suppressions::{INVALID_COMMENT, OLDER_TARGET, UNUSED_SUPPRESSION};
use super::rules::{rule_by_code, rule_hint};

/// Unknown rule names in one file that get a "did you mean".
const MAX_HINTS: usize = 100;

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
    /// Directives that could not be read ([`INVALID_COMMENT`]): the first
    /// [`MAX_KEPT_PER_RULE`] built, the rest only counted.
    problems: Vec<Finding>,
    problems_over: Vec<Overflow>,
    /// "Did you mean" hints still to give for unknown rule names in this file.
    hints_left: usize,
    /// Byte offset where the header (leading comment lines) ends.
    header_end: usize,
    /// Lines `(first, last)` of every entry, from the parsed documents.
    entries: Vec<(usize, usize)>,
    active: bool,
    /// The last [`Directives::next_content_line`] asked: the line and its answer.
    next_content: Option<(usize, usize)>,
    /// What the suppressions cover, built once their scopes are known
    /// ([`Directives::coverage`]).
    coverage: Option<Arc<Coverage>>,
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
            hints_left: MAX_HINTS,
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
                None => {
                    // Each hint compares the word with every rule's code and name: a
                    // file of a million unknown names would take minutes.
                    let hint = if self.hints_left > 0 {
                        self.hints_left -= 1;
                        rule_hint(word)
                    } else {
                        "; `akbp rules` lists them".to_string()
                    };
                    self.problem(
                        span,
                        None,
                        &format!("`# akbp: ignore`: no rule `{word}`{hint}"),
                        "name rules by code (AKB205) or name (unknown-model)",
                    )
                }
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
                Some(self.next_content_line(source, line)),
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
        if self.problems.len() < MAX_KEPT_PER_RULE {
            self.problems.extend(sink.findings);
        } else {
            // Counted with the other findings past the cap, in memory of a few words.
            self.problems_over
                .extend(sink.findings.iter().map(Overflow::of));
        }
    }

    /// The problems past [`MAX_KEPT_PER_RULE`], only counted; taken once.
    pub(crate) fn take_problems_over(&mut self) -> Vec<Overflow> {
        std::mem::take(&mut self.problems_over)
    }

    /// Which lines the suppressions cover, per rule, built once: each finding is one
    /// lookup, not a pass over every suppression (a suppression on each of 350,000 lines
    /// made that 10^11 steps: a 10 MiB file ran for minutes). Decides the scopes first, so
    /// call it after every document was added.
    fn coverage(&mut self) -> Arc<Coverage> {
        if let Some(c) = &self.coverage {
            return c.clone();
        }
        self.resolve_scopes();
        let c = Arc::new(Coverage::new(&self.suppressions));
        self.coverage = Some(c.clone());
        c
    }

    /// Decide the scope of own-line comments, once every document's entries are known.
    fn resolve_scopes(&mut self) {
        // The last line of the entries starting on each line (an own-line comment above
        // an entry covers the whole entry).
        let mut entry_end: HashMap<usize, usize> = HashMap::new();
        for (first, last) in std::mem::take(&mut self.entries) {
            let end = entry_end.entry(first).or_insert(last);
            *end = (*end).max(last);
        }
        for s in &mut self.suppressions {
            if let Some(next) = s.pending.take() {
                // Above an entry: the whole entry; otherwise the next line.
                s.scope = Scope::Lines(next, entry_end.get(&next).copied().unwrap_or(next));
            }
        }
    }

    /// Whether a finding of a rule at a span (in `source`) is one [`Directives::apply`]
    /// will remove, for the sinks of the rules ([`Sink::suppressed_by`]); `None` when the
    /// file has no suppression. Call it after every document was added.
    pub fn suppressor(&mut self, source: &SourceFile) -> Option<Suppressor> {
        if self.suppressions.is_empty() {
            return None;
        }
        let covered = self.coverage();
        let source = source.clone();
        Some(Suppressor(Arc::new(move |rule, span| {
            covered.covers(rule, source.position(span.start as usize).line)
        })))
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
        let covered = self.coverage();
        // The lines of the findings each rule's suppressions covered, to tell which
        // suppressions were used.
        let mut hits: HashMap<&'static str, Vec<usize>> = HashMap::new();
        let mut covers = |rule: &'static Rule, span: Span| {
            let line = source.position(span.start as usize).line;
            let yes = covered.covers(rule, line);
            if yes {
                hits.entry(rule.code).or_default().push(line);
            }
            yes
        };
        findings.retain(|f| {
            let covered = covers(f.rule, f.span);
            if covered {
                suppressed.count(f.severity);
            }
            !covered
        });
        overflow.retain(|(o, severity)| {
            let covered = covers(o.rule, o.span);
            if covered {
                suppressed.count(*severity);
            }
            !covered
        });
        // Findings of switched-off rules were dropped and counted already; a comment
        // covering one is still used.
        for (rule, span) in off {
            covers(rule, *span);
        }
        for lines in hits.values_mut() {
            lines.sort_unstable();
        }
        for s in &mut self.suppressions {
            for (rule, _, used) in &mut s.codes {
                let Some(lines) = hits.get(rule.code) else {
                    continue;
                };
                *used |= match s.scope {
                    Scope::File => true,
                    // Some covered finding of the rule on a line in a..=b.
                    Scope::Lines(a, b) => lines
                        .get(lines.partition_point(|l| *l < a))
                        .is_some_and(|l| *l <= b),
                };
            }
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

/// The lines each rule's suppressions cover: sorted, merged ranges per rule code.
#[derive(Debug)]
struct Coverage {
    /// Rules a file-wide suppression names.
    file: Vec<&'static str>,
    lines: HashMap<&'static str, Vec<(usize, usize)>>,
}

impl Coverage {
    fn new(suppressions: &[Suppression]) -> Self {
        let mut file = Vec::new();
        let mut lines: HashMap<&'static str, Vec<(usize, usize)>> = HashMap::new();
        for s in suppressions {
            for (rule, _, _) in &s.codes {
                match s.scope {
                    Scope::File => file.push(rule.code),
                    Scope::Lines(a, b) => lines.entry(rule.code).or_default().push((a, b)),
                }
            }
        }
        for ranges in lines.values_mut() {
            ranges.sort_unstable();
            let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
            for &(a, b) in ranges.iter() {
                match merged.last_mut() {
                    Some((_, end)) if a <= end.saturating_add(1) => *end = (*end).max(b),
                    _ => merged.push((a, b)),
                }
            }
            *ranges = merged;
        }
        Coverage { file, lines }
    }

    /// Whether a suppression covers a finding of `rule` on `line`. A file authentik
    /// cannot load is never hidden ([`Rule::stops_load`]).
    fn covers(&self, rule: &Rule, line: usize) -> bool {
        if rule.stops_load {
            return false;
        }
        if self.file.contains(&rule.code) {
            return true;
        }
        self.lines.get(rule.code).is_some_and(|ranges| {
            let i = ranges.partition_point(|(a, _)| *a <= line);
            i > 0 && ranges[i - 1].1 >= line
        })
    }
}

impl Directives {
    /// The first line after `line` that is neither blank nor a comment (or `line + 1`).
    /// The answer for the line before is reused when it lies beyond this one (the lines
    /// between are blank or comments), so a run of own-line comments costs one scan, not
    /// one per comment (quadratic in the run).
    fn next_content_line(&mut self, source: &SourceFile, line: usize) -> usize {
        if let Some((asked, next)) = self.next_content {
            if asked <= line && line < next {
                return next;
            }
        }
        let next = next_content_line(source, line);
        self.next_content = Some((line, next));
        next
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Rules the generated suppressions and findings use: two ordinary rules and one
    /// that can never be suppressed.
    fn rules() -> [&'static Rule; 3] {
        ["AKB104", "AKB202", "AKB001"].map(|c| rule_by_code(c).expect("a rule"))
    }

    /// The decision as it was made before [`Coverage`]: every suppression asked for every
    /// finding, and each one covering it marked used.
    fn reference(sups: &mut [Suppression], rule: &Rule, line: usize) -> bool {
        let mut suppressed = false;
        for s in sups.iter_mut() {
            let covers = match s.scope {
                Scope::File => true,
                Scope::Lines(a, b) => (a..=b).contains(&line),
            };
            if !covers {
                continue;
            }
            for (r, _, used) in &mut s.codes {
                if r.code == rule.code && !rule.stops_load {
                    *used = true;
                    suppressed = true;
                }
            }
        }
        suppressed
    }

    proptest! {
        /// The indexed lookup removes, counts and marks used exactly what asking every
        /// suppression did, for findings, counted-only findings and those of rules
        /// switched off, with overlapping, nested, adjacent and file-wide scopes.
        #[test]
        fn suppressions_decide_as_the_scan_of_every_suppression_did(
            sups in prop::collection::vec(
                (prop::option::weighted(0.9, (1usize..40, 0usize..6)), prop::collection::vec(0usize..3, 1..3)),
                0..12,
            ),
            found in prop::collection::vec((0usize..3, 1usize..45, 0usize..3), 0..40),
        ) {
            let rules = rules();
            let text = "x\n".repeat(45);
            let source = SourceFile::new("t.yaml", text.as_str());
            let suppressions: Vec<Suppression> = sups
                .iter()
                .map(|(scope, codes)| Suppression {
                    span: Span::new(0, 1),
                    scope: match scope {
                        None => Scope::File,
                        Some((a, len)) => Scope::Lines(*a, a + len),
                    },
                    codes: codes
                        .iter()
                        .map(|c| (rules[*c], rules[*c].code.to_string(), false))
                        .collect(),
                    pending: None,
                })
                .collect();
            let at = |line: usize| {
                let start = source.line_start(line - 1);
                Span::new(start, start + 1)
            };
            let mut sink = Sink::default();
            let mut overflow = Vec::new();
            let mut off = Vec::new();
            for (r, line, kind) in &found {
                match kind {
                    0 => {
                        sink.push(rules[*r], at(*line), "m");
                    }
                    1 => overflow.push((
                        Overflow { rule: rules[*r], case: None, span: at(*line), ceiling: None },
                        Severity::Warning,
                    )),
                    _ => off.push((rules[*r], at(*line))),
                }
            }
            let mut findings = sink.findings;
            // The reference, on copies.
            let mut expected_sups = suppressions.clone();
            let mut expected_suppressed = 0;
            let line_of = |s: Span| source.position(s.start as usize).line;
            let kept: Vec<Span> = findings
                .iter()
                .filter(|f| {
                    let c = reference(&mut expected_sups, f.rule, line_of(f.span));
                    expected_suppressed += usize::from(c);
                    !c
                })
                .map(|f| f.span)
                .collect();
            let kept_over: Vec<Span> = overflow
                .iter()
                .filter(|(o, _)| {
                    let c = reference(&mut expected_sups, o.rule, line_of(o.span));
                    expected_suppressed += usize::from(c);
                    !c
                })
                .map(|(o, _)| o.span)
                .collect();
            for (r, s) in &off {
                reference(&mut expected_sups, r, line_of(*s));
            }
            let mut d = Directives { suppressions, active: true, ..Default::default() };
            let mut suppressed = Suppressed::default();
            d.apply(&source, &mut findings, &mut overflow, &off, &mut suppressed, |_| true);
            prop_assert_eq!(findings.iter().map(|f| f.span).collect::<Vec<_>>(), kept);
            prop_assert_eq!(overflow.iter().map(|(o, _)| o.span).collect::<Vec<_>>(), kept_over);
            prop_assert_eq!(suppressed.findings, expected_suppressed);
            let used = |s: &[Suppression]| {
                s.iter()
                    .map(|s| s.codes.iter().map(|c| c.2).collect::<Vec<_>>())
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(used(&d.suppressions), used(&expected_sups));
        }
    }

    /// A header of 1,500 unknown rule names builds the first 1,000 problems and counts the
    /// rest, and only the first 100 names get a "did you mean" (each compares the word
    /// with every rule: a million names took minutes and 900 MB).
    #[test]
    fn unknown_rule_names_are_bounded_in_hints_and_findings() {
        let header: String = (0..1500)
            .map(|i| format!("# akbp: ignore-file[unknown-modle{i}]\n"))
            .collect();
        let text = format!("{header}version: 1\nentries: []\n");
        let mut d = Directives::header(&SourceFile::new("t.yaml", text.as_str()));
        assert_eq!(d.problems().len(), MAX_KEPT_PER_RULE);
        let hinted = d
            .problems()
            .iter()
            .filter(|f| f.message.contains("did you mean"))
            .count();
        assert_eq!(hinted, MAX_HINTS);
        assert_eq!(d.take_problems_over().len(), 500);
        assert!(d.take_problems_over().is_empty());
    }

    /// Own-line comments in a run share one scan for the next content line: each asks
    /// for the line the first one found, and the answers are those of the scan itself.
    #[test]
    fn a_run_of_own_line_comments_finds_the_next_content_line_once() {
        let text = format!(
            "version: 1\n{}entries:\n  # c\n\n  - {{}}\n",
            "# a\n".repeat(50)
        );
        let source = SourceFile::new("t.yaml", text.as_str());
        let mut d = Directives::default();
        for line in 2..=56 {
            let got = d.next_content_line(&source, line);
            assert_eq!(got, next_content_line(&source, line), "line {line}");
        }
        assert_eq!(d.next_content_line(&source, 2), 52);
        assert_eq!(d.next_content_line(&source, 53), 55);
    }
}
