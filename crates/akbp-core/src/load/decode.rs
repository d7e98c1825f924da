//! Bytes to a source text: the size limit and the refusal of binary and non-UTF-8 input.

use super::error::{LoadError, LoadErrorKind};
use super::source::{SourceFile, Span};

/// Files larger than this are refused before they are read whole.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Turn raw bytes into a source file, refusing binary, non-UTF-8 and oversized input.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<SourceFile, LoadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::whole_file(
            LoadErrorKind::TooLarge,
            format!(
                "the file is larger than {} MiB; blueprints are small, so this is not one",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        ));
    }
    if let Some(pos) = bytes.iter().position(|b| *b == 0) {
        return Err(LoadError {
            kind: LoadErrorKind::Binary,
            message: format!(
                "the file holds a NUL byte at offset {pos}: binary data, not YAML text"
            ),
            span: Span::empty(0),
        });
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            // PyYAML accepts a UTF-8 byte order mark; drop it so offsets match the text shown.
            if text.starts_with('\u{feff}') {
                text.replace_range(..3, "");
            }
            Ok(SourceFile::new(name, text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err(LoadError {
                kind: LoadErrorKind::NotUtf8,
                message: format!("the file is not valid UTF-8 (first bad byte at offset {at})"),
                span: Span::empty(0),
            })
        }
    }
}
