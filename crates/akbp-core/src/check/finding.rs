//! What every rule shares: its declaration ([`Rule`], [`Case`], [`Severity`]), what it
//! sees ([`Ctx`], [`Options`]) and what it produces ([`Finding`] into a [`Sink`]). Rule
//! files import these from here, never through `check`'s re-exports.
//!
//! [`Policy`] is declared here because [`Options`] holds it; its decisions are made in
//! `policy.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::crossfile::CrossFile;
use crate::blueprint::known::Known;
use crate::blueprint::placeholder::Placeholders;
use crate::blueprint::Blueprint;
use crate::load::{Document, Span};
use crate::schema::ExternalSchema;
use crate::target::Target;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parse `error`, `warning` or `info` (the words every output uses).
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// What a rule produces: a message about a span, with optional labels and help.
pub type CheckFn = fn(&Ctx<'_, '_>, &mut Sink);

/// A rule's declaration. `check` is `None` for rules the loader itself reports
/// (syntax, unreadable files, input limits).
pub struct Rule {
    /// Stable code, `AKB` + three digits grouped by area.
    pub code: &'static str,
    /// kebab-case name.
    pub name: &'static str,
    /// The severity of findings that name no case.
    pub severity: Severity,
    /// One line for `akbp rules` and the rule index (docs/rules/index.md).
    pub summary: &'static str,
    /// Markdown: what it does, why, a bad and a good example.
    pub doc: &'static str,
    /// A finding of this rule means authentik cannot load the file at all (a syntax error,
    /// several documents, an unknown tag, an unreadable file) or akbp checked none of it
    /// (an input limit): it is always an error, and no inline suppression, `ignore`,
    /// `select` or `[severity]` setting hides it ([`Policy::decide`]).
    pub stops_load: bool,
    /// Kinds of finding whose default severity differs from `severity`. A finding names its
    /// case ([`Finding::case`]); configuration can set a severity per rule or per case.
    pub cases: &'static [Case],
    pub check: Option<CheckFn>,
}

/// One declared kind of finding of a rule, with its own default severity.
#[derive(Debug)]
pub struct Case {
    /// kebab-case, unique within the rule; shown as `CODE/id`.
    pub id: &'static str,
    pub severity: Severity,
    /// One line for `akbp rules` and the rule index (docs/rules/index.md).
    pub summary: &'static str,
}

impl Rule {
    /// A declared case by id.
    pub fn case(&self, id: &str) -> Option<&'static Case> {
        self.cases.iter().find(|c| c.id == id)
    }

    /// The registry's severity for a finding of this rule with `case`.
    pub fn default_severity(&self, case: Option<&str>) -> Severity {
        case.and_then(|c| self.case(c))
            .map_or(self.severity, |c| c.severity)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

/// Whether applying a [`Fix`] can change what authentik reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// authentik reads nothing differently after the edit than what the finding says it
    /// meant (same objects, same field values, same behaviour on the target release).
    /// `akbp fix` applies it.
    Safe,
    /// The edit changes a value authentik reads (a default becomes explicit, a pattern
    /// changes kind, a model is renamed). `akbp fix` applies it only with `--unsafe-fixes`.
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// One replacement: the bytes of `span` in the file become `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

impl Edit {
    pub fn replace(span: Span, text: impl Into<String>) -> Self {
        Edit {
            span,
            text: text.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit::replace(Span::empty(at), text)
    }

    pub fn delete(span: Span) -> Self {
        Edit::replace(span, "")
    }
}

/// An exact replacement that resolves a finding: every edit applies together, or none.
/// Spans are byte offsets into the file as read (the outer file for a wrapped blueprint);
/// edits never overlap and are sorted by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, in one line ("write `redirect_uris` as a list").
    pub title: String,
    pub safety: Safety,
    pub edits: Vec<Edit>,
    /// The finding's texts held a secret (see `mask`): the edits are applied but never
    /// shown by a report.
    pub hidden: bool,
    /// Why the fix cannot be applied where the finding is (inside base64, quoted or
    /// folded text, or a block whose indentation the edit would change); its edits are
    /// then empty.
    pub blocked: Option<String>,
}

impl Fix {
    pub fn new(title: impl Into<String>, safety: Safety, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        Fix {
            title: title.into(),
            safety,
            edits,
            hidden: false,
            blocked: None,
        }
    }

    /// This fix cannot be applied here: keep its title and safety, drop its edits.
    pub fn block(&mut self, why: impl Into<String>) {
        self.edits.clear();
        self.blocked = Some(why.into());
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix::new(title, Safety::Safe, edits)
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix::new(title, Safety::Unsafe, edits)
    }

    /// The smallest span covering every edit.
    pub fn span(&self) -> Option<Span> {
        let first = self.edits.first()?.span;
        Some(self.edits.iter().fold(first, |a, e| a.to(e.span)))
    }

    /// Whether two fixes touch overlapping bytes (or insert at the same place): they
    /// cannot both apply in one pass.
    pub fn overlaps(&self, other: &Fix) -> bool {
        self.edits.iter().any(|a| {
            other.edits.iter().any(|b| {
                (a.span.start < b.span.end && b.span.start < a.span.end)
                    || a.span.start == b.span.start
            })
        })
    }

    /// `text` with the edits applied, or `None` when a span is outside it, does not fall
    /// on a character boundary, or overlaps the previous edit.
    pub fn apply_to(&self, text: &str) -> Option<String> {
        apply_edits(text, self.edits.iter())
    }
}

/// `text` with `edits` (sorted by position, not overlapping) applied; `None` when one is
/// out of place.
pub fn apply_edits<'e>(text: &str, edits: impl IntoIterator<Item = &'e Edit>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for e in edits {
        let r = e.span.range();
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            return None;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&e.text);
        at = r.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// A secondary span with its text ("defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The declared case of `rule` this finding belongs to, if any.
    pub case: Option<&'static Case>,
    /// The final severity. Rules never set it: [`Policy::resolve`] decides it once,
    /// after every rule ran (registry default, configuration, command line, suppression).
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Text under the primary span.
    pub label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// The span points near the problem, not at it: inside base64, quoted or folded
    /// text embedded in a wrapper, the finding points at the key holding it.
    pub approximate: bool,
    /// The most severe this finding can be, whatever the registry and configuration say:
    /// set while a rule judges something akbp only guessed (an integration inferred from a
    /// slug, not named by its label), so a guess never fails a build ([`Sink::ceiling`]).
    pub ceiling: Option<Severity>,
    /// An exact replacement that resolves this finding, when akbp knows one.
    pub fix: Option<Fix>,
    /// Past a capped sink's limit: only its rule, case and span are kept.
    counted_only: bool,
}

impl Finding {
    /// Past a capped sink's limit: texts set on it are dropped, so a rule may skip
    /// computing costly ones (suggestions).
    pub fn counted_only(&self) -> bool {
        self.counted_only
    }

    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        if !self.counted_only {
            self.help = Some(help.into());
        }
        self
    }

    pub fn label(&mut self, text: impl Into<String>) -> &mut Self {
        if !self.counted_only {
            self.label = Some(text.into());
        }
        self
    }

    pub fn secondary(&mut self, span: Span, text: impl Into<String>) -> &mut Self {
        if self.counted_only {
            return self;
        }
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Attach the replacement that resolves this finding.
    pub fn fix(&mut self, fix: Fix) -> &mut Self {
        if !self.counted_only {
            self.fix = Some(fix);
        }
        self
    }

    /// Name the declared case this finding belongs to. An undeclared id is a bug in the
    /// rule: the registry test catches it, and in release it falls back to the rule.
    pub fn case(&mut self, id: &str) -> &mut Self {
        debug_assert!(
            self.rule.case(id).is_some(),
            "{} declares no case `{id}`",
            self.rule.code
        );
        self.case = self.rule.case(id);
        self
    }
}

/// Findings a suppression removed from a report: those of rules switched off by
/// configuration or the command line (`ignore`, `select`), and those an inline
/// `# akbp: ignore` covered. Every format's summary says how many ([`Severity`] as the
/// finding would have had).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Suppressed {
    pub findings: usize,
    pub errors: usize,
}

impl Suppressed {
    pub fn count(&mut self, severity: Severity) {
        self.findings += 1;
        if severity == Severity::Error {
            self.errors += 1;
        }
    }

    pub fn add(&mut self, other: Suppressed) {
        self.findings += other.findings;
        self.errors += other.errors;
    }
}

/// Collects findings for one file.
///
/// A capped sink ([`Sink::capped`]) builds at most that many findings per rule; past that
/// it records only what the severity decision and the counts need ([`Overflow`]: rule,
/// case, span), so 2 million findings of one rule cost 48 MB, not 600 MB. Which findings
/// a report shows is still decided after the final severities ([`FileReport::resolved`]);
/// when the pre-cap could change that choice, the file is checked again uncapped.
#[derive(Debug, Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
    /// Most findings built per rule; `None` builds all.
    cap: Option<usize>,
    /// Findings built so far per rule code.
    built: Vec<(&'static str, usize)>,
    /// The finding past the cap a rule is still filling in (its case may follow the push).
    spare: Option<Finding>,
    overflow: Vec<Overflow>,
    /// The ceiling given to every finding pushed now ([`Finding::ceiling`]).
    ceiling: Option<Severity>,
    /// Whether an inline suppression will remove a finding of this rule at this span: such
    /// a finding is only counted and does not use up its rule's cap, so the findings kept
    /// are the first ones a report shows, with no second, uncapped check.
    suppressed: Option<Suppressor>,
}

/// Most findings of one rule kept for one file. 2 MB of duplicate keys would otherwise
/// make a report of 150 MB; the summary still counts every finding.
pub const MAX_KEPT_PER_RULE: usize = 1000;

/// See [`Sink::suppressed_by`].
#[derive(Clone)]
pub struct Suppressor(pub Arc<dyn Fn(&'static Rule, Span) -> bool + Send + Sync>);

impl std::fmt::Debug for Suppressor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Suppressor")
    }
}

/// A finding past a capped sink's limit: counted with its final severity, never shown.
#[derive(Debug, Clone, Copy)]
pub struct Overflow {
    pub rule: &'static Rule,
    pub case: Option<&'static Case>,
    pub span: Span,
    pub ceiling: Option<Severity>,
}

impl Overflow {
    pub(crate) fn of(f: &Finding) -> Self {
        Overflow {
            rule: f.rule,
            case: f.case,
            span: f.span,
            ceiling: f.ceiling,
        }
    }
}

impl Sink {
    /// A sink that builds at most `per_rule` findings of each rule.
    pub fn capped(per_rule: usize) -> Self {
        Sink {
            cap: Some(per_rule),
            ..Sink::default()
        }
    }

    /// A capped sink that only counts the findings `suppressed` says a suppression removes
    /// (decided by rule and span; the suppressions themselves are applied later, to these
    /// as to every other counted finding). Before, a file whose first 1,000 findings of a
    /// rule were suppressed made its report inexact, and the file was checked again
    /// building every finding: 1,100 suppressed lines above 1.5 million entries took
    /// 7 s and 900 MB.
    pub fn suppressed_by(mut self, suppressed: Option<Suppressor>) -> Self {
        self.suppressed = suppressed;
        self
    }

    pub fn push(
        &mut self,
        rule: &'static Rule,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        if let Some(prev) = self.spare.take() {
            self.overflow.push(Overflow::of(&prev));
        }
        let over = match self.cap {
            None => false,
            Some(_) if self.suppressed.as_ref().is_some_and(|s| (s.0)(rule, span)) => true,
            Some(cap) => {
                let n = match self.built.iter_mut().find(|(c, _)| *c == rule.code) {
                    Some((_, n)) => n,
                    None => {
                        self.built.push((rule.code, 0));
                        &mut self.built.last_mut().expect("just pushed").1
                    }
                };
                *n += 1;
                *n > cap
            }
        };
        let finding = Finding {
            rule,
            case: None,
            severity: rule.severity,
            // Past the cap the texts are never read: do not copy them.
            message: if over { String::new() } else { message.into() },
            span,
            label: None,
            labels: Vec::new(),
            help: None,
            approximate: false,
            ceiling: self.ceiling,
            fix: None,
            counted_only: over,
        };
        if over {
            self.spare.insert(finding)
        } else {
            self.findings.push(finding);
            let last = self.findings.len() - 1;
            &mut self.findings[last]
        }
    }

    /// Give every finding pushed from now on at most `ceiling` (`None`: no limit); returns
    /// the previous ceiling, to restore it.
    pub fn ceiling(&mut self, ceiling: Option<Severity>) -> Option<Severity> {
        std::mem::replace(&mut self.ceiling, ceiling)
    }

    /// The findings built and those only counted.
    pub fn finish(mut self) -> (Vec<Finding>, Vec<Overflow>) {
        if let Some(prev) = self.spare.take() {
            self.overflow.push(Overflow::of(&prev));
        }
        (self.findings, self.overflow)
    }
}

/// Which rules run and at what severity, as configuration and the command line set them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Severity per rule code (`AKB404`) or per case (`AKB404/regex-plain-url`).
    pub(super) severities: BTreeMap<String, Severity>,
    /// Codes of rules that are switched off.
    pub(super) disabled: BTreeSet<&'static str>,
    /// `--no-suppressions`: inline `# akbp: ignore` comments are not applied.
    pub(super) no_suppressions: bool,
    /// Codes of rules asked for by name or prefix (`select`, `extend-select`; not `ALL`):
    /// findings a rule leaves out by default (AKB414 on akbp's own files) are wanted.
    pub(super) asked: BTreeSet<&'static str>,
}

/// Options that apply to a whole run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The release files are checked at, unless a file's `# akbp: target` comment says
    /// otherwise (and `target_pinned` is false).
    pub target: Target,
    /// `--target` was given: it wins over every file's own comment.
    pub target_pinned: bool,
    /// The `target` of the akbp.toml that applies, when it names one: a file's own
    /// `# akbp: target` older than this gets a warning.
    pub configured_target: Option<Target>,
    /// An authentik blueprint JSON schema for models outside akbp's knowledge.
    pub schema: Option<Arc<dyn ExternalSchema>>,
    /// Which rules run and at what severity.
    pub policy: Arc<Policy>,
    /// Deploy-time placeholders rules treat as opaque (built-ins plus `--placeholder`).
    pub placeholders: Placeholders,
    /// `--context` and `--env`: values that let tags be evaluated.
    pub known: Known,
    /// The other blueprints of the run, for references between files (`metaapplyblueprint`).
    pub crossfile: Arc<CrossFile>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            target: Target::LATEST,
            target_pinned: false,
            configured_target: None,
            schema: None,
            policy: Arc::default(),
            placeholders: Placeholders::default(),
            known: Default::default(),
            crossfile: Arc::default(),
        }
    }
}

/// What a rule sees.
pub struct Ctx<'a, 'd> {
    pub bp: &'a Blueprint<'d>,
    pub doc: &'d Document,
    pub options: &'a Options,
    pub target: Target,
    /// "Did you mean" for names the file holds, within the file's budget.
    pub suggestions: &'a crate::check::suggest::Suggestions,
}

/// Stable order: position, then code, then message.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule.code, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            b.rule.code,
            &b.message,
        ))
    });
}
