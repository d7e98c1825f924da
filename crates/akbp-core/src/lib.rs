//! akbp-core: authentik blueprints read, checked and generated without any I/O. The
//! caller passes file contents (and, to generate, randomness) in; the command line
//! (`akbp`), a language server or a browser build do the reading and writing.
//!
//! The modules depend one way, each only on those below or beside it:
//!
//! ```text
//! load ──> blueprint ──> check ──> (report: in the caller)
//!   bytes to YAML nodes    typed      rules, findings, the severity decision,
//!   with spans and tags    entries    suppressions, secrets masked in every report
//!
//! catalog ──> generate ──> (the same check, as a self-check)
//! ```
//!
//! Beside them: `model` (authentik's models per release, data from `schemas/`), `target`
//! (the release), `wrapper` (blueprints inside Kubernetes objects) and `schema` (a
//! published blueprint JSON schema given by the caller).

pub mod blueprint;
pub mod catalog;
pub mod check;
pub mod fingerprint;
pub mod generate;
pub mod load;
pub mod model;
pub mod schema;
pub mod target;
pub mod upgrade;
pub mod wrapper;
