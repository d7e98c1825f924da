//! The `akbp:` marker that every inline directive comment starts with. The parser reads
//! comments only when the text holds it, and `check::suppress` reads the directives.

/// What every directive starts with.
pub const MARKER: &str = "akbp:";

/// Whether `text` may hold a directive at all: one byte scan.
pub fn has_marker(text: &str) -> bool {
    text.contains(MARKER)
}
