//! The concise report: one line per finding, `path:line:col: severity[CODE] message`,
//! then the summary line. Editors' and CI problem matchers read the first form; the
//! summary line does not match it. Names and messages go through the text formats' one
//! escaping step (`report::escape`): one finding is always one line, and the name ends at
//! the first `:`.

use std::fmt::Write as _;

use crate::input::Skipped;
use crate::report::escape;
use crate::report::format::{findings, range, Format, Summary};
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
                escape::name(&r.name),
                f.severity.as_str(),
                f.rule.code,
                escape::text(&f.message, escape::Lines::One)
            );
        }
        out
    }
    fn end(&mut self, summary: &Summary, _skipped: &[Skipped]) -> String {
        format!("{}\n", summary.line())
    }
}
