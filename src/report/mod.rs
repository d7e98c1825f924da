//! Output formats over the same findings. Each format is one module implementing
//! [`Format`] (`format.rs`, with the counts every format shares). Reports are masked when
//! they are built (`akbp_core::check::mask`), so no format can print a secret. Line and
//! column are computed here, at render time, from each file's line index.

pub mod concise;
pub mod escape;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod format;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod registry;
pub mod sarif;
pub mod upgrade;

use crate::input::Skipped;
use akbp_core::check::FileReport;
use akbp_core::target::Target;

pub use format::{findings, range, Format, Summary};

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
