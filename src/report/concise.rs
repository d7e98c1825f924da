//! The concise report: one line per finding, `path:line:col: severity[CODE] message`,
//! then the summary line. Editors' and CI problem matchers read the first form; the
//! summary line does not match it. Control characters and line breaks in names and
//! messages are escaped as in the human report, so one finding is always one line.

use std::fmt::Write as _;

use crate::report::human::escape;
use crate::report::{range, Format, Run};

/// The concise report as a [`Format`].
#[derive(Debug, Default)]
pub struct Concise;

impl Format for Concise {
    fn render(&self, run: &Run) -> String {
        let mut out = String::new();
        for (r, f) in run.findings() {
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
        out.push_str(&run.summary().line());
        out.push('\n');
        out
    }
}
