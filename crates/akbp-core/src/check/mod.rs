//! Rules over the typed blueprint. The registry in [`rules`] is the only list of rules;
//! `akbp rules`, `akbp explain`, the rule pages under docs/rules/ and machine formats all read it.
//!
//! Inside, the files depend one way: `finding` (what rules share) <- `mask` (secrets) <-
//! `rules/*` (one file per rule) <- `rules` (the registry) <- `suppress` <- `policy` (the
//! one severity decision) <- `file_report` <- `document`, `located` (a file's every
//! blueprint). This file only names what the rest of the crate uses.

pub mod crossfile;
pub mod document;
pub mod file_report;
pub mod finding;
pub mod fix;
pub mod located;
pub mod mask;
pub mod policy;
pub mod rules;
pub mod skip;
pub mod suggest;
pub mod suppress;
pub mod url_validator;

pub use document::{check_document, mask_values};
pub use file_report::{failed_file, load_error_rule, FileReport, Omitted, MAX_KEPT_PER_RULE};
pub use finding::{
    apply_edits, sort_findings, Case, CheckFn, Ctx, Edit, Finding, Fix, Label, Options, Overflow,
    Policy, Rule, Safety, Severity, Sink, Suppressed,
};
pub use located::check_source;
pub use rules::{rule_by_code, RULES};
pub use skip::SkipReason;
