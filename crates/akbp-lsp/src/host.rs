//! What the server asks of the program that runs it.

use std::path::Path;

use akbp_core::check::Options;
use akbp_core::target::Target;

/// What the server asks of the program that runs it.
pub trait Host {
    /// The options to check the file at `path` with (`None`: a buffer that is no file):
    /// those of its nearest `akbp.toml`, as `akbp validate` discovers it. When that names no
    /// target, `fallback` (the client's setting) is the target. An error (an `akbp.toml`
    /// that cannot be used) is shown on the file, which is then checked with the defaults.
    fn options(&self, path: Option<&Path>, fallback: Option<Target>) -> Result<Options, String>;

    /// Where the rules' pages are: a rule's page is this followed by `CODE.md`.
    fn rule_docs(&self) -> String;
}
