//! akbp: validate and generate authentik blueprints.
//!
//! The data flows one way: `load` (bytes to YAML nodes with spans and tags) ->
//! `blueprint` (typed document) -> `check` (rules) -> `report`. Separately
//! `catalog` -> `generate`, which reuses the emitter and `check` for self-checks.

pub mod blueprint;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod generate;
pub mod input;
pub mod load;
pub mod mask;
pub mod model;
pub mod read;
pub mod report;
pub mod schema;
pub mod shell;
pub mod target;
pub mod validate;
pub mod wrapper;
