//! What every output format shares: the [`Format`] steps, the run's [`Summary`] and
//! line/column ranges. Format files import these from here.

use std::collections::BTreeMap;

use crate::input::{SkipReason, SkipTally, Skipped};
use akbp_core::check::{FileReport, Finding, Severity};
use akbp_core::load::{SourceFile, Span};
use akbp_core::target::Target;

/// One output format: one module under `src/report/`, one implementation of this.
///
/// `validate` streams: it calls [`Format::start`] once, [`Format::reports`] for each chunk
/// of reports in input order (a chunk's sources are dropped after it is written), then
/// [`Format::end`] with the counts over every chunk. A format keeps what it needs across
/// chunks in `self`. [`render`] runs the same three steps over reports held at once.
pub trait Format {
    /// What comes before the first finding.
    fn start(&mut self, _target: Target) -> String {
        String::new()
    }
    /// The findings of one chunk of reports, in order.
    fn reports(&mut self, reports: &[FileReport]) -> String;
    /// What comes after the last finding: the summary counts every file of the run.
    fn end(&mut self, summary: &Summary, skipped: &[Skipped]) -> String;
    /// [`Format::end`] written to `out`: a format that kept something per file across
    /// chunks (JSON's `files`) streams it from where it kept it instead of one string.
    fn end_into(
        &mut self,
        summary: &Summary,
        skipped: &[Skipped],
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        out.write_all(self.end(summary, skipped).as_bytes())
    }
}

/// Every finding of `reports` with its report, in output order.
pub fn findings(reports: &[FileReport]) -> impl Iterator<Item = (&FileReport, &Finding)> {
    reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
}

/// 1-based line and column (characters) of a span's start and (exclusive) end.
pub fn range(source: Option<&SourceFile>, span: Span) -> [usize; 4] {
    match source {
        Some(s) => {
            let a = s.position(span.start as usize);
            let b = s.position(span.end as usize);
            [a.line, a.column, b.line, b.column]
        }
        None => [1, 1, 1, 1],
    }
}

/// Counts over a whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings at the lowest severity, `info`.
    pub info: usize,
    /// Files found in folders but not checked, per reason (every reason, zeros included).
    pub skipped: BTreeMap<SkipReason, usize>,
    /// Findings removed by rules switched off (`ignore`, `select`) or by inline
    /// `# akbp: ignore` comments, and how many of them were errors.
    pub suppressed: usize,
    pub suppressed_errors: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Self {
        let mut s = Summary {
            files: reports.iter().filter(|r| r.skipped.is_none()).count(),
            ..Summary::default()
        };
        s.skipped = SkipReason::ALL.iter().map(|r| (*r, 0)).collect();
        // A skipped file with a note (named on the command line, a template) is reported
        // for its note and counted as skipped.
        for r in reports {
            if let Some(reason) = r.skipped {
                *s.skipped.entry(reason).or_default() += 1;
            }
            s.errors += r.count(Severity::Error);
            s.warnings += r.count(Severity::Warning);
            s.info += r.count(Severity::Info);
            s.suppressed += r.suppressed.findings;
            s.suppressed_errors += r.suppressed.errors;
        }
        s
    }

    /// Adds another part of the same run (reports are counted chunk by chunk).
    pub fn add(&mut self, other: &Summary) {
        self.files += other.files;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.info += other.info;
        self.suppressed += other.suppressed;
        self.suppressed_errors += other.suppressed_errors;
        for (reason, n) in &other.skipped {
            *self.skipped.entry(*reason).or_default() += n;
        }
    }

    /// Count the files a folder walk skipped.
    pub fn skipping(mut self, skipped: &[Skipped]) -> Self {
        for s in skipped {
            *self.skipped.entry(s.reason).or_default() += 1;
        }
        self
    }

    /// Count what a streamed run skipped.
    pub fn skipping_tally(mut self, skipped: &SkipTally) -> Self {
        for (reason, n) in skipped.counts() {
            *self.skipped.entry(reason).or_default() += n;
        }
        self
    }

    /// `checked 3 files: 1 error, 2 warnings; 4 findings suppressed (1 error); skipped 2 files
    /// (1 ignored by git, 1 excluded)`. The one summary line: every output format that
    /// prints a summary prints this.
    pub fn line(&self) -> String {
        fn plural(n: usize, word: &str) -> String {
            format!("{n} {word}{}", if n == 1 { "" } else { "s" })
        }
        let mut s = format!(
            "checked {}: {}, {}",
            plural(self.files, "file"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        );
        if self.info > 0 {
            // `info` is the one word for the lowest severity everywhere; it has no plural.
            s.push_str(&format!(", {} info", self.info));
        }
        if let Some(suppressed) = self.suppressed_phrase() {
            s.push_str("; ");
            s.push_str(&suppressed);
        }
        if let Some(skipped) = self.skipped_phrase() {
            s.push_str("; ");
            s.push_str(&skipped);
        }
        s
    }

    /// `4 findings suppressed (1 error)`, or `None` when no finding was.
    pub fn suppressed_phrase(&self) -> Option<String> {
        let n = self.suppressed;
        if n == 0 {
            return None;
        }
        let mut s = format!("{n} finding{} suppressed", if n == 1 { "" } else { "s" });
        let e = self.suppressed_errors;
        if e > 0 {
            s.push_str(&format!(" ({e} error{})", if e == 1 { "" } else { "s" }));
        }
        Some(s)
    }

    /// `skipped 2 files (1 ignored by git, 1 excluded)`, or `None` when nothing was skipped.
    pub fn skipped_phrase(&self) -> Option<String> {
        let total: usize = self.skipped.values().sum();
        if total == 0 {
            return None;
        }
        let why: Vec<String> = self
            .skipped
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| format!("{n} {}", r.as_str()))
            .collect();
        Some(format!(
            "skipped {} file{} ({})",
            total,
            if total == 1 { "" } else { "s" },
            why.join(", ")
        ))
    }
}
