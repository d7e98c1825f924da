//! Output formats over the same findings. Each format is one module implementing
//! [`Format`] and renders a whole [`Run`]. Reports are masked when they are built
//! ([`mask`]), so no format can print a secret. Line and column are computed here, at
//! render time, from each file's line index.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod mask;
pub mod registry;
pub mod sarif;

use std::collections::BTreeMap;

use crate::check::{FileReport, Finding, Severity};
use crate::input::{SkipReason, Skipped};
use crate::load::{SourceFile, Span};
use crate::target::Target;

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

/// A whole run through a format, in one piece.
pub fn render(
    format: &mut dyn Format,
    reports: &[FileReport],
    target: Target,
    skipped: &[Skipped],
) -> String {
    let mut out = format.start(target);
    out.push_str(&format.reports(reports));
    out.push_str(&format.end(&Summary::of(reports).skipping(skipped), skipped));
    out
}

/// Every finding of `reports` with its report, in output order.
pub fn findings(reports: &[FileReport]) -> impl Iterator<Item = (&FileReport, &Finding)> {
    reports
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
}

/// A whole-run renderer with each format's defaults (no colour). Tests that must hold for
/// every format (no secret printed, no control character passed to a terminal) iterate
/// over [`FORMATS`], so a format added there is covered automatically.
pub type Render = fn(&[FileReport], Target, &[Skipped]) -> String;

/// Every output format by its `--format` name.
pub const FORMATS: &[(&str, Render)] = &[
    ("human", plain::<human::Human>),
    ("json", plain::<json::Json>),
    ("concise", plain::<concise::Concise>),
    ("sarif", plain::<sarif::Sarif>),
    ("github", plain::<github::Github>),
    ("gitlab", plain::<gitlab::Gitlab>),
];

/// Formats whose output is JSON (the others are text read by people or CI logs).
pub const JSON_FORMATS: &[&str] = &["json", "sarif", "gitlab"];

/// Render with a format's default settings.
fn plain<F: Format + Default>(
    reports: &[FileReport],
    target: Target,
    skipped: &[Skipped],
) -> String {
    render(&mut F::default(), reports, target, skipped)
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

/// Whether to colour output. An explicit `--color always|never` wins; otherwise a
/// non-empty `NO_COLOR` turns colour off, a non-empty `CLICOLOR_FORCE` other than `0`
/// turns it on, and else only a terminal gets colour (<https://no-color.org>,
/// <https://bixense.com/clicolors/>).
pub fn use_color(
    explicit: Option<bool>,
    is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    clicolor_force: Option<&std::ffi::OsStr>,
) -> bool {
    if let Some(c) = explicit {
        return c;
    }
    if no_color.is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if clicolor_force.is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    is_terminal
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
        }
        s
    }

    /// Adds another part of the same run (reports are counted chunk by chunk).
    pub fn add(&mut self, other: &Summary) {
        self.files += other.files;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.info += other.info;
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
    pub fn skipping_tally(mut self, skipped: &crate::input::SkipTally) -> Self {
        for (reason, n) in skipped.counts() {
            *self.skipped.entry(reason).or_default() += n;
        }
        self
    }

    /// `checked 3 files: 1 error, 2 warnings; skipped 2 files (1 ignored by git, 1 excluded)`.
    /// The one summary line: every output format that prints a summary prints this.
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
        if let Some(skipped) = self.skipped_phrase() {
            s.push_str("; ");
            s.push_str(&skipped);
        }
        s
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

/// Reports of the first `n` rule fixtures, for the streaming tests of the formats.
#[cfg(test)]
pub(crate) fn fixture_reports(n: usize) -> Vec<FileReport> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).into_iter().flatten())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths.truncate(n);
    let inputs: Vec<crate::input::Input> = paths
        .iter()
        .map(|p| crate::input::Input::File {
            path: p.clone(),
            name: p.display().to_string(),
            explicit: true,
        })
        .collect();
    crate::validate::run(
        &inputs,
        &crate::check::Options::default(),
        &crate::load::RealFs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_choice() {
        let on = Some(OsStr::new("1"));
        assert!(use_color(None, true, None, None));
        assert!(!use_color(None, false, None, None));
        assert!(!use_color(None, true, on, None), "NO_COLOR");
        assert!(
            use_color(None, true, Some(OsStr::new("")), None),
            "empty NO_COLOR is unset"
        );
        assert!(use_color(None, false, None, on), "CLICOLOR_FORCE");
        assert!(!use_color(None, false, None, Some(OsStr::new("0"))));
        assert!(
            !use_color(None, false, on, on),
            "NO_COLOR beats CLICOLOR_FORCE"
        );
        assert!(
            use_color(Some(true), false, on, None),
            "--color always wins"
        );
        assert!(
            !use_color(Some(false), true, None, on),
            "--color never wins"
        );
    }
}
