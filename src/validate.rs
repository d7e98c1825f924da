//! `akbp validate`: read every input, check it, and collect the reports in input order.

use std::io::Read;

use rayon::prelude::*;

use crate::check::{self, FileReport, Options, Severity};
use crate::input::{Input, Skipped};
use crate::load::{self, Fs, LoadError, LoadErrorKind};

/// Check all inputs in parallel; the result keeps the inputs' order.
pub fn run(inputs: &[Input], options: &Options, fs: &dyn Fs) -> Vec<FileReport> {
    inputs
        .par_iter()
        .map(|input| check_input(input, options, fs))
        .collect()
}

/// Check each input with its own options (`options[i]` for `inputs[i]`, as
/// [`crate::config::Settings::assign`] pairs them); the result keeps the inputs' order.
pub fn run_each(
    inputs: &[Input],
    options: &[std::sync::Arc<Options>],
    fs: &dyn Fs,
) -> Vec<FileReport> {
    inputs
        .par_iter()
        .zip(options.par_iter())
        .map(|(input, options)| check_input(input, options, fs))
        .collect()
}

/// Check one input. Never panics on its content; a failure is a finding for that input.
pub fn check_input(input: &Input, options: &Options, fs: &dyn Fs) -> FileReport {
    let name = input.name().to_string();
    let source = match input {
        Input::Unreadable { reason, .. } => {
            return check::failed_file(
                &name,
                None,
                &LoadError::whole_file(LoadErrorKind::Io, format!("cannot read: {reason}")),
            )
            .resolved(options);
        }
        Input::Stdin => {
            let mut buf = Vec::new();
            let res = std::io::stdin()
                .lock()
                .take(load::MAX_FILE_BYTES + 1)
                .read_to_end(&mut buf);
            match res {
                Ok(_) => load::decode(&name, buf),
                Err(e) => Err(LoadError::whole_file(
                    LoadErrorKind::Io,
                    format!("cannot read standard input: {e}"),
                )),
            }
        }
        Input::File { path, .. } => load::read_source(fs, path, &name),
    };
    let explicit = !matches!(
        input,
        Input::File {
            explicit: false,
            ..
        }
    );
    match source {
        Ok(source) => check::located::check_file(source, options, explicit),
        Err(e) => check::failed_file(&name, None, &e).resolved(options),
    }
}

/// Move reports of files that turned out not to be blueprints (and hold no note) to
/// the skipped list, so the summary counts them as skipped, not as checked.
pub fn split_skipped(reports: Vec<FileReport>, skipped: &mut Vec<Skipped>) -> Vec<FileReport> {
    let mut kept = Vec::with_capacity(reports.len());
    for r in reports {
        match r.skipped {
            Some(reason) if r.findings.is_empty() => skipped.push(Skipped {
                name: r.name,
                reason,
            }),
            _ => kept.push(r),
        }
    }
    kept
}

/// Whether any input could be read at all (exit code 2 otherwise).
pub fn any_readable(reports: &[FileReport]) -> bool {
    reports.iter().any(|r| r.source.is_some())
}

/// The most severe finding in `reports`.
pub fn worst_severity(reports: &[FileReport]) -> Option<Severity> {
    reports.iter().filter_map(FileReport::worst).max()
}

/// The exit code for a finished run: 1 with error-level findings (or warnings when denied).
pub fn exit_code(reports: &[FileReport], deny_warnings: bool) -> i32 {
    exit_code_for(worst_severity(reports), deny_warnings)
}

/// The exit code for a run whose most severe finding is `worst`.
pub fn exit_code_for(worst: Option<Severity>, deny_warnings: bool) -> i32 {
    match worst {
        Some(Severity::Error) => 1,
        Some(Severity::Warning) if deny_warnings => 1,
        _ => 0,
    }
}
