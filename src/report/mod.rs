//! Renderers over the same findings: human (miette) and JSON. Line and column are
//! computed here, at render time, from each file's line index.

pub mod human;
pub mod json;
pub mod mask;

use std::collections::BTreeMap;

use crate::check::{FileReport, Severity};
use crate::input::{SkipReason, Skipped};
use crate::target::Target;

/// A whole-run renderer. Every output format has one; tests that must hold for every
/// format (no secret printed, no control character passed to a terminal) iterate over
/// [`FORMATS`], so a format added there is covered automatically.
pub type Render = fn(&[FileReport], Target, &[Skipped]) -> String;

/// Every output format by its `--format` name.
pub const FORMATS: &[(&str, Render)] = &[("human", human_plain), ("json", json::render)];

/// The human report without colour, with its summary line.
fn human_plain(reports: &[FileReport], _target: Target, skipped: &[Skipped]) -> String {
    let mut t = human::render(reports, human::Style::default());
    t.push_str(&Summary::of(reports).skipping(skipped).line());
    t.push('\n');
    t
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
