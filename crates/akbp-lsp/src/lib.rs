//! akbp-lsp: `akbp lsp`, the Language Server Protocol over akbp's core. A thin layer: the
//! checks are `akbp-core`'s (the same entry point as `akbp validate`); this crate keeps the
//! open documents, turns byte offsets into the protocol's positions and answers requests.
//! It reads no file itself: the host (the command line) says which options a file is
//! checked with (its nearest `akbp.toml`), so the core stays free of I/O.
//!
//! ```text
//! server (the loop: open documents, requests, notifications; lsp-server's stdio transport)
//!   ├─> host (what the command line supplies: each file's options, the rules' pages)
//!   ├─> diagnostics (a report as diagnostics) ──┐
//!   ├─> actions (findings' fixes as quick fixes) ┤
//!   ├─> hover ─┬─> place (what a position is about)
//!   ├─> complete ┤      └─> views (the blueprints of a file, positions mapped)
//!   ├─> navigate ┘
//!   ├─> tags (hover text of core's tag data)    └─> position (bytes ↔ line, UTF-16)
//!   └───────────────> akbp-core (load, wrapper, check, model)
//! ```

pub mod actions;
pub mod complete;
pub mod diagnostics;
pub mod host;
pub mod hover;
pub mod navigate;
pub mod place;
pub mod position;
pub mod server;
pub mod tags;
pub mod views;

pub use host::Host;
pub use server::{serve, serve_stdio};
