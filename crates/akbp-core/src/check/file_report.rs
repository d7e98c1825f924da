//! The findings of one input, after the one severity decision, its inline suppressions
//! and the per-rule cap; and the report of a file that failed to load.

use super::finding::{Finding, Options, Overflow, Rule, Severity, Sink, Suppressed};
use super::mask::Secrets;
use super::rules::input::{
    EMPTY_FILE, INPUT_LIMIT, MULTIPLE_DOCUMENTS, NOT_TEXT, UNREADABLE_FILE, YAML_SYNTAX,
};
use super::skip::SkipReason;
use super::suppress::Directives;
use crate::load::{LoadError, LoadErrorKind, SourceFile, Span};
use crate::target::Target;

/// Findings of one input.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as given, `<stdin>` for standard input.
    pub name: String,
    /// The text, when it could be read; renderers need it for line/column.
    pub source: Option<SourceFile>,
    /// Secrets are already masked here, in the source and in every text
    /// ([`super::mask`]), so no renderer can print one.
    pub findings: Vec<Finding>,
    /// Read but not a blueprint (or a template): counted as skipped, not as checked.
    pub skipped: Option<SkipReason>,
    /// Findings past [`MAX_KEPT_PER_RULE`] of one rule in this file: counted, not kept.
    pub omitted: Vec<Omitted>,
    /// Findings a switched-off rule or an inline suppression removed: counted, not kept.
    pub suppressed: Suppressed,
    /// Findings a capped sink only counted, before their severity is decided.
    pub(crate) overflow: Vec<Overflow>,
    /// The release the file was checked at (`--target`, its `# akbp: target` comment,
    /// the configuration, or the default).
    pub target: Target,
}

pub use super::finding::MAX_KEPT_PER_RULE;

/// Findings of one rule and severity left out of a file's report by the cap.
#[derive(Debug, Clone)]
pub struct Omitted {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub count: usize,
}

impl FileReport {
    /// Pass a report that did not come from [`check_document`] (a file that failed to
    /// load) through the same severity decision.
    pub fn resolved(self, options: &Options) -> Self {
        self.resolved_with(options, &mut Directives::default())
    }

    /// Decide severities, apply the file's inline suppressions and cap, in that order.
    /// Only a report with findings a capped sink counted can come out inexact, and only
    /// the checks in [`located`] make one; they use [`FileReport::resolve_capped`].
    pub fn resolved_with(mut self, options: &Options, directives: &mut Directives) -> Self {
        self.resolve_and_cap(options, directives);
        self
    }

    /// Decide the final severities, then keep the first [`MAX_KEPT_PER_RULE`] findings of
    /// each rule (in source order) and count the rest. `None` when findings a capped sink
    /// only counted would have been among those kept (a rule that reports out of source
    /// order, or suppressions that dropped kept ones): the caller checks again uncapped.
    pub(crate) fn resolve_capped(
        mut self,
        options: &Options,
        directives: &mut Directives,
    ) -> Option<Self> {
        self.resolve_and_cap(options, directives).then_some(self)
    }

    /// [`FileReport::resolve_capped`] in place; whether the kept findings are exact.
    fn resolve_and_cap(&mut self, options: &Options, directives: &mut Directives) -> bool {
        // Problems of the `# akbp:` comments past the cap were only counted.
        self.overflow.extend(directives.take_problems_over());
        let source = self.source.clone();
        let mut suppressed = Suppressed::default();
        let off = self
            .overflow
            .iter()
            .filter(|o| !options.policy.enabled(o.rule))
            .map(|o| (o.rule, o.span))
            .collect();
        let mut overflow = options
            .policy
            .resolve_overflow(&self.overflow, &mut suppressed);
        self.overflow = Vec::new();
        options.policy.resolve_file(
            &mut self.findings,
            &mut overflow,
            off,
            source.as_ref(),
            directives,
            &mut suppressed,
        );
        self.suppressed = suppressed;
        self.target = options.target;
        let mut kept: std::collections::HashMap<&'static str, (usize, Span)> = Default::default();
        let omitted = &mut self.omitted;
        let mut omit = |rule: &'static Rule, severity: Severity| match omitted
            .iter_mut()
            .find(|o| o.rule.code == rule.code && o.severity == severity)
        {
            Some(o) => o.count += 1,
            None => omitted.push(Omitted {
                rule,
                severity,
                count: 1,
            }),
        };
        self.findings.retain(|f| {
            let (n, last) = kept.entry(f.rule.code).or_default();
            *n += 1;
            if *n <= MAX_KEPT_PER_RULE {
                *last = f.span;
                return true;
            }
            omit(f.rule, f.severity);
            false
        });
        let mut exact = true;
        for (o, severity) in overflow {
            // Findings sort by span, then code and message: a counted finding may stay
            // out only if the rule kept its full share and it sorts after the last kept.
            exact &= kept.get(o.rule.code).is_some_and(|(n, last)| {
                *n >= MAX_KEPT_PER_RULE && (o.span.start, o.span.end) > (last.start, last.end)
            });
            omit(o.rule, severity);
        }
        exact
    }

    /// Findings at `severity`, the omitted ones included.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
            + self
                .omitted
                .iter()
                .filter(|o| o.severity == severity)
                .map(|o| o.count)
                .sum::<usize>()
    }

    /// The most severe finding, the omitted ones included.
    pub fn worst(&self) -> Option<Severity> {
        let kept = self.findings.iter().map(|f| f.severity);
        kept.chain(self.omitted.iter().map(|o| o.severity)).max()
    }
}

/// The rule a load failure is reported under.
pub fn load_error_rule(kind: LoadErrorKind) -> &'static Rule {
    match kind {
        LoadErrorKind::Io => &UNREADABLE_FILE,
        LoadErrorKind::Binary | LoadErrorKind::NotUtf8 => &NOT_TEXT,
        LoadErrorKind::TooLarge | LoadErrorKind::TooDeep | LoadErrorKind::AliasBomb => &INPUT_LIMIT,
        LoadErrorKind::Empty => &EMPTY_FILE,
        LoadErrorKind::Syntax => &YAML_SYNTAX,
        LoadErrorKind::MultipleDocuments => &MULTIPLE_DOCUMENTS,
    }
}

/// A report for a file that failed to load.
pub fn failed_file(name: &str, source: Option<SourceFile>, error: &LoadError) -> FileReport {
    let rule = load_error_rule(error.kind);
    let mut sink = Sink::default();
    let f = sink.push(rule, error.span, error.message.clone());
    match error.kind {
        LoadErrorKind::Syntax => {
            f.help("fix the YAML syntax; authentik cannot load the file and applies none of it");
        }
        LoadErrorKind::Io => {
            f.help("check the path and its permissions");
        }
        LoadErrorKind::Empty => {
            f.help("a blueprint needs at least `version: 1` and `entries:`");
        }
        LoadErrorKind::MultipleDocuments => {
            f.help("split the documents into separate .yaml files");
        }
        _ => {
            f.help("this does not look like a blueprint; check that the right file was passed");
        }
    }
    let secrets = source
        .as_ref()
        .map(|s| Secrets::of_text(&s.text))
        .unwrap_or_default();
    let mut report = FileReport {
        name: name.to_string(),
        source,
        findings: sink.findings,
        skipped: None,
        omitted: Vec::new(),
        suppressed: Default::default(),
        overflow: Vec::new(),
        target: Target::LATEST,
    };
    secrets.mask(&mut report.source, &mut report.findings);
    report
}
