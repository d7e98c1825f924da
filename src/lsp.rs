//! `akbp lsp`: the language server ([`akbp_lsp`]) with this machine's side of it: each
//! file's options come from its nearest `akbp.toml`, found and read as `akbp validate`
//! does (read afresh for every check, so an edited akbp.toml counts at once).

use std::path::Path;

use akbp_core::check::Options;
use akbp_core::target::Target;

use crate::config::{CommandLine, Settings, Source};
use crate::input::Input;

/// The command line's host for the server.
pub struct Discover;

impl akbp_lsp::Host for Discover {
    fn options(&self, path: Option<&Path>, fallback: Option<Target>) -> Result<Options, String> {
        let fallback_only = || Options {
            target: fallback.unwrap_or(Target::LATEST),
            ..Options::default()
        };
        let Some(path) = path else {
            // A buffer that is no file has no folder to look from.
            return Ok(fallback_only());
        };
        let settings = Settings::new(Source::Discover, CommandLine::default(), Options::default())
            .map_err(|e| e.to_string())?;
        let input = Input::File {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            explicit: false,
        };
        let resolved = settings.for_input(&input).map_err(|e| e.to_string())?;
        let mut options = (*resolved.options).clone();
        if resolved.config.as_ref().and_then(|c| c.target).is_none() {
            options.target = fallback.unwrap_or(Target::LATEST);
        }
        Ok(options)
    }

    fn rule_docs(&self) -> String {
        rule_docs()
    }
}

/// The rules' pages as the release of this binary has them: `docs/rules/CODE.md` at its tag
/// in the repository Cargo.toml names (`repository`, the one place that says where akbp
/// lives).
pub fn rule_docs() -> String {
    format!(
        "{}/blob/v{}/docs/rules/",
        env!("CARGO_PKG_REPOSITORY").trim_end_matches('/'),
        env!("CARGO_PKG_VERSION")
    )
}

/// Serve on standard input and output until the client says `exit`.
pub fn run() -> Result<(), String> {
    akbp_lsp::serve_stdio(&Discover)
}
