//! Renderers over the same findings: human (miette) and JSON. Line and column are
//! computed here, at render time, from each file's line index.

pub mod human;
pub mod json;

use crate::check::{FileReport, Severity};

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings at the lowest severity, `info`.
    pub info: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Self {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            s.errors += r.count(Severity::Error);
            s.warnings += r.count(Severity::Warning);
            s.info += r.count(Severity::Info);
        }
        s
    }

    /// `checked 3 files: 1 error, 2 warnings`
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
        s
    }
}
