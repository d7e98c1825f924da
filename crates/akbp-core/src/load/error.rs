//! What can go wrong loading one input; each kind maps to a rule code in `check`.

use super::source::Span;

/// What went wrong loading one input. Each kind maps to a rule code in `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The file could not be read (missing, permission denied, a directory, a loop).
    Io,
    /// NUL bytes: binary data, not a YAML text.
    Binary,
    /// Not valid UTF-8.
    NotUtf8,
    TooLarge,
    Empty,
    Syntax,
    TooDeep,
    AliasBomb,
    MultipleDocuments,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LoadError {
    pub kind: LoadErrorKind,
    pub message: String,
    /// Where in the file; empty at 0 when the problem is the whole file.
    pub span: Span,
}

impl LoadError {
    pub fn whole_file(kind: LoadErrorKind, message: impl Into<String>) -> Self {
        LoadError {
            kind,
            message: message.into(),
            span: Span::empty(0),
        }
    }
}
