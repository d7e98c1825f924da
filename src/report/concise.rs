//! The concise report: one line per finding, `path:line:col: severity[CODE] message`,
//! then the summary line. Editors' and CI problem matchers read the first form; the
//! summary line does not match it. Control characters and line breaks in names and
//! messages are escaped as in the human report, so one finding is always one line.

use std::fmt::Write as _;

use crate::input::Skipped;
use crate::report::format::{findings, range, Format, Summary};
use crate::report::human::escape;
use akbp_core::check::FileReport;

/// The concise report as a [`Format`].
#[derive(Debug, Default)]
pub struct Concise;

impl Format for Concise {
    fn reports(&mut self, reports: &[FileReport]) -> String {
        let mut out = String::new();
        for (r, f) in findings(reports) {
            let [line, column, ..] = range(r.source.as_ref(), f.span);
            let _ = writeln!(
                out,
                "{}:{line}:{column}: {}[{}] {}",
                escape(&r.name, true),
                f.severity.as_str(),
                f.rule.code,
                escape(&f.message, true)
            );
        }
        out
    }
    fn end(&mut self, summary: &Summary, _skipped: &[Skipped]) -> String {
        format!("{}\n", summary.line())
    }
}
