//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` (for info)
//! line per finding, which GitHub turns into an annotation on the file and line:
//! `::error file=a.yaml,line=3,col=5,endLine=3,endColumn=9,title=AKB300 keyof-unresolved::message`.
//!
//! Escaping follows GitHub's runner (`toolkit/packages/core/src/command.ts`): in the data,
//! `%` → `%25`, CR → `%0D`, LF → `%0A`; in property values also `:` → `%3A` and `,` → `%2C`.
//! Other unsafe characters are written as `\u{…}`, as in the human report, so nothing
//! reaches a log viewer raw (`report::escape::github_data`, `github_property`).

use std::fmt::Write as _;

use crate::input::Skipped;
use crate::report::escape::{github_data as escape_data, github_property as escape_property};
use crate::report::format::{findings, range, Format, Summary};
use akbp_core::check::{FileReport, Severity};

/// The GitHub report as a [`Format`].
#[derive(Debug, Default)]
pub struct Github;

impl Format for Github {
    fn reports(&mut self, reports: &[FileReport]) -> String {
        let mut out = String::new();
        for (r, f) in findings(reports) {
            let [line, col, end_line, end_column] = range(r.source.as_ref(), f.span);
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut data = f.message.clone();
            if let Some(h) = &f.help {
                data.push_str("\nhelp: ");
                data.push_str(h);
            }
            let _ = writeln!(
                out,
                "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_column},title={}::{}",
                escape_property(&r.name),
                escape_property(&format!("{} {}", f.rule.code, f.rule.name)),
                escape_data(&data)
            );
        }
        out
    }
    /// The summary as a notice, so the run's counts show in the job's annotations.
    fn end(&mut self, summary: &Summary, _skipped: &[Skipped]) -> String {
        format!("::notice title=akbp::{}\n", escape_data(&summary.line()))
    }
}
