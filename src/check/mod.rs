//! Rules over the typed blueprint. The registry in [`rules`] is the only list of rules;
//! `akbp rules`, `akbp explain`, the README table and machine formats all read it.

pub mod crossfile;
pub mod located;
pub mod policy;
pub mod rules;
pub mod suggest;
pub mod suppress;
pub mod url_validator;

use std::sync::Arc;

use crate::blueprint::placeholder::Placeholders;
use crate::blueprint::Blueprint;
use crate::input::SkipReason;
use crate::load::{Document, LoadError, LoadErrorKind, SourceFile, Span};
use crate::target::Target;

pub use policy::Policy;
pub use rules::{rule_by_code, RULES};

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
    /// One line for `akbp rules` and the README.
    pub summary: &'static str,
    /// Markdown: what it does, why, a bad and a good example.
    pub doc: &'static str,
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
    /// One line for `akbp rules` and the README.
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
}

/// A finding past a capped sink's limit: counted with its final severity, never shown.
#[derive(Debug, Clone, Copy)]
pub struct Overflow {
    pub rule: &'static Rule,
    pub case: Option<&'static Case>,
    pub span: Span,
}

impl Overflow {
    fn of(f: &Finding) -> Self {
        Overflow {
            rule: f.rule,
            case: f.case,
            span: f.span,
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

    /// The findings built and those only counted.
    pub fn finish(mut self) -> (Vec<Finding>, Vec<Overflow>) {
        if let Some(prev) = self.spare.take() {
            self.overflow.push(Overflow::of(&prev));
        }
        (self.findings, self.overflow)
    }
}

/// Options that apply to a whole run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The release files are checked at, unless a file's `# akbp: target` comment says
    /// otherwise (and `target_pinned` is false).
    pub target: Target,
    /// `--target` was given: it wins over every file's own comment.
    pub target_pinned: bool,
    /// An authentik blueprint JSON schema for models outside akbp's knowledge.
    pub schema: Option<Arc<crate::schema::ExternalSchema>>,
    /// Which rules run and at what severity.
    pub policy: Arc<Policy>,
    /// Deploy-time placeholders rules treat as opaque (built-ins plus `--placeholder`).
    pub placeholders: Placeholders,
    /// `--context` and `--env`: values that let tags be evaluated.
    pub known: crate::blueprint::known::Known,
    /// The other blueprints of the run, for references between files (`metaapplyblueprint`).
    pub crossfile: Arc<crossfile::CrossFile>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            target: Target::LATEST,
            target_pinned: false,
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
}

/// Findings of one input.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The path as given, `<stdin>` for standard input.
    pub name: String,
    /// The text, when it could be read; renderers need it for line/column.
    pub source: Option<SourceFile>,
    /// Secrets are already masked here, in the source and in every text
    /// ([`crate::report::mask`]), so no renderer can print one.
    pub findings: Vec<Finding>,
    /// Read but not a blueprint (or a template): counted as skipped, not as checked.
    pub skipped: Option<SkipReason>,
    /// Findings past [`MAX_KEPT_PER_RULE`] of one rule in this file: counted, not kept.
    pub omitted: Vec<Omitted>,
    /// Findings a capped sink only counted, before their severity is decided.
    pub(crate) overflow: Vec<Overflow>,
    /// The release the file was checked at (`--target`, its `# akbp: target` comment,
    /// the configuration, or the default).
    pub target: Target,
}

/// Most findings of one rule kept for one file. 2 MB of duplicate keys would otherwise
/// make a report of 150 MB; the summary still counts every finding.
pub const MAX_KEPT_PER_RULE: usize = 1000;

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
        self.resolved_with(options, &mut suppress::Directives::default())
    }

    /// Decide severities, apply the file's inline suppressions and cap, in that order.
    /// Only a report with findings a capped sink counted can come out inexact, and only
    /// the checks in [`located`] make one; they use [`FileReport::resolve_capped`].
    pub fn resolved_with(
        mut self,
        options: &Options,
        directives: &mut suppress::Directives,
    ) -> Self {
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
        directives: &mut suppress::Directives,
    ) -> Option<Self> {
        self.resolve_and_cap(options, directives).then_some(self)
    }

    /// [`FileReport::resolve_capped`] in place; whether the kept findings are exact.
    fn resolve_and_cap(
        &mut self,
        options: &Options,
        directives: &mut suppress::Directives,
    ) -> bool {
        let source = self.source.clone();
        let mut overflow = options.policy.resolve_overflow(&self.overflow);
        self.overflow = Vec::new();
        options.policy.resolve_file(
            &mut self.findings,
            &mut overflow,
            source.as_ref(),
            directives,
        );
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
    use rules::input::*;
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
        .map(|s| crate::report::mask::Secrets::of_text(&s.text))
        .unwrap_or_default();
    let mut report = FileReport {
        name: name.to_string(),
        source,
        findings: sink.findings,
        skipped: None,
        omitted: Vec::new(),
        overflow: Vec::new(),
        target: Target::LATEST,
    };
    secrets.mask(&mut report);
    report
}

/// Run every rule over a parsed document.
pub fn check_document(doc: &Document, options: &Options) -> Vec<Finding> {
    check_document_in(doc, options, Sink::default()).0
}

/// Run every rule over a parsed document into `sink` (capped or not).
pub(crate) fn check_document_in(
    doc: &Document,
    options: &Options,
    mut sink: Sink,
) -> (Vec<Finding>, Vec<Overflow>) {
    // With --context/--env, rules see the values of the tags they can evaluate.
    let evaluated = crate::blueprint::known::evaluate(doc, &options.known);
    let doc = evaluated.as_ref().unwrap_or(doc);
    let bp = Blueprint::new(doc);
    let ctx = Ctx {
        bp: &bp,
        doc,
        options,
        target: options.target,
    };
    for rule in RULES.iter().filter(|r| options.policy.enabled(r)) {
        if let Some(check) = rule.check {
            check(&ctx, &mut sink);
        }
    }
    let (mut findings, overflow) = sink.finish();
    // Values read from --env are secrets: never in a message.
    let secrets = options.known.secret_values();
    if !secrets.is_empty() {
        findings.iter_mut().for_each(|f| mask_values(f, &secrets));
    }
    options.policy.resolve(&mut findings);
    sort_findings(&mut findings);
    (findings, overflow)
}

/// Replace every occurrence of `values` (secrets) in a finding's texts with `***`.
pub fn mask_values(f: &mut Finding, values: &[String]) {
    let mask = |s: &str| {
        let mut s = s.to_string();
        for v in values {
            if s.contains(v.as_str()) {
                s = s.replace(v.as_str(), "***");
            }
        }
        s
    };
    f.message = mask(&f.message);
    f.help = f.help.as_deref().map(mask);
    f.label = f.label.as_deref().map(mask);
    for l in &mut f.labels {
        l.text = mask(&l.text);
    }
}

/// Load and check one source text.
/// Every blueprint in it is checked: the file itself, each document of a manifest, a
/// ConfigMap, Secret or custom resource holding one (see [`located`]).
pub fn check_source(source: SourceFile, options: &Options) -> FileReport {
    located::check_file(source, options, true)
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
