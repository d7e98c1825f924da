//! akbp, the command line: validate and generate authentik blueprints on this machine.
//! Everything that reads or writes files, walks folders, uses threads or talks to a
//! terminal is here; the checks themselves are `akbp_core`, which does no I/O.
//!
//! ```text
//! cli (clap) ─┬─> config (akbp.toml discovery) ─┐
//!             ├─> validate (rayon) ─> input (folder walks) ─> read (files) ─> akbp_core
//!             ├─> report (human/miette, json, concise, sarif, github, gitlab, registry)
//!             ├─> generate (OS randomness) ─> generate::write (atomic writes)
//!             └─> shell (completions, man pages)
//! ```
//!
//! The core's modules are re-exported under their own names (`akbp::check`, ...), so code
//! written against the single crate keeps compiling.

pub use akbp_core::{blueprint, catalog, check, load, model, target, wrapper};

pub mod cli;
pub mod config;
pub mod generate;
pub mod graph;
pub mod input;
pub mod read;
pub mod report;
pub mod schema;
pub mod shell;
pub mod validate;
