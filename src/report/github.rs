//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` (for info)
//! line per finding, which GitHub turns into an annotation on the file and line:
//! `::error file=a.yaml,line=3,col=5,endLine=3,endColumn=9,title=AKB300 keyof-unresolved::message`.
//!
//! Escaping follows GitHub's runner (`toolkit/packages/core/src/command.ts`): in the data,
//! `%` → `%25`, CR → `%0D`, LF → `%0A`; in property values also `:` → `%3A` and `,` → `%2C`.
//! Other control characters are written as `\u{…}`, as in the human report, so nothing
//! reaches a log viewer raw.

use std::fmt::Write as _;

use crate::input::Skipped;
use crate::report::format::{findings, range, Format, Summary};
use crate::report::human::escape;
use akbp_core::check::{FileReport, Severity};

/// The GitHub report as a [`Format`].
#[derive(Debug, Default)]
pub struct Github;

fn escape_common(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    // Line breaks are already encoded; any other control character is made visible.
    escape(&out, true).into_owned()
}

/// Escape a command's data (the message after `::`).
pub fn escape_data(s: &str) -> String {
    escape_common(s)
}

/// Escape a property value (`file=…`, `title=…`).
pub fn escape_property(s: &str) -> String {
    escape_common(s).replace(':', "%3A").replace(',', "%2C")
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_as_github_requires() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(
            escape_property("dir:a,b/100%.yaml\n"),
            "dir%3Aa%2Cb/100%25.yaml%0A"
        );
        // `%` first, so an escape is never escaped twice or forged by the input.
        assert_eq!(escape_property("%3A"), "%253A");
        assert_eq!(escape_data("\u{1b}[2J"), "\\u{1b}[2J");
    }
}
