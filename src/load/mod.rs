//! Bytes to YAML nodes with spans and tags.
//!
//! Reading goes through [`Fs`], a seam that tests use to inject faults (a file that
//! disappears mid-run) without races.

pub mod canon;
pub mod node;
pub mod parse;
pub mod reader;
pub mod source;
pub mod yaml11;

use std::io::Read;
use std::path::Path;

pub use node::{Node, NodeKind, NodeTag, Pair, ScalarNode, ScalarStyle};
pub use parse::{parse, parse_stream, Comment, Document, DuplicateKey};
pub use source::{Position, SourceFile, Span};
pub use yaml11::Scalar;

/// Files larger than this are refused before they are read whole.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

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

/// Reads input files. The real one is [`RealFs`]; tests substitute their own.
pub trait Fs: Sync {
    /// Read at most `limit + 1` bytes of the file (so callers can tell "too large").
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>>;
}

/// The operating system's file system.
pub struct RealFs;

impl Fs for RealFs {
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        let file = open_regular(path)?;
        let meta = file.metadata()?;
        let mut buf = Vec::with_capacity(meta.len().min(limit + 1) as usize);
        file.take(limit + 1).read_to_end(&mut buf)?;
        Ok(buf)
    }
}

/// Open a file for reading only if it is a regular file. A FIFO would block `open` until
/// a writer comes and a device may never end, so neither is ever opened.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let not_regular = |meta: &std::fs::Metadata| -> Option<std::io::Error> {
        if meta.is_dir() {
            return Some(std::io::Error::other("is a directory"));
        }
        crate::input::special_kind(meta).map(|kind| {
            std::io::Error::other(format!("{kind}, not a regular file; akbp does not read it"))
        })
    };
    if let Some(e) = not_regular(&std::fs::metadata(path)?) {
        return Err(e);
    }
    let file = std::fs::File::open(path)?;
    // The path may have been swapped between the check and the open.
    match not_regular(&file.metadata()?) {
        Some(e) => Err(e),
        None => Ok(file),
    }
}

/// Why [`read_bounded`] could not read a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Missing, permission denied, a folder, a FIFO/device/socket, ...: in plain words.
    #[error("{0}")]
    Io(String),
    #[error("the file is larger than {} MiB, the limit for every file akbp reads", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the file is not valid UTF-8 text")]
    NotUtf8,
}

/// Read any file akbp needs besides blueprints (`--schema`, ignore, context, env and
/// configuration files): regular files only, at most [`MAX_FILE_BYTES`].
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, ReadError> {
    let bytes = RealFs
        .read(path, MAX_FILE_BYTES)
        .map_err(|e| ReadError::Io(io_reason(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// [`read_bounded`] for UTF-8 text (a byte order mark is dropped).
pub fn read_text_bounded(path: &Path) -> Result<String, ReadError> {
    let mut text = String::from_utf8(read_bounded(path)?).map_err(|_| ReadError::NotUtf8)?;
    if text.starts_with('\u{feff}') {
        text.replace_range(..3, "");
    }
    Ok(text)
}

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

/// Read a file through `fs` and decode it.
pub fn read_source(fs: &dyn Fs, path: &Path, name: &str) -> Result<SourceFile, LoadError> {
    let bytes = fs.read(path, MAX_FILE_BYTES).map_err(|e| {
        LoadError::whole_file(
            LoadErrorKind::Io,
            format!("cannot read the file: {}", io_reason(&e)),
        )
    })?;
    decode(name, bytes)
}

/// An I/O error in plain words.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "no such file".into(),
        K::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            if e.raw_os_error() == Some(40) {
                "too many levels of symbolic links (a symlink loop)".into()
            } else {
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Document, LoadError> {
        parse(SourceFile::new("t.yaml", text))
    }

    #[test]
    fn spans_and_tags() {
        let doc = load("a: !KeyOf prov\nb: [1, !Find [m, [k, v]]]\nc: 'on'\nd: on\n").unwrap();
        let a = doc.root.get("a").unwrap();
        assert_eq!(a.tag.as_ref().unwrap().name, "!KeyOf");
        assert_eq!(doc.source.slice(a.span), "!KeyOf prov");
        assert_eq!(doc.source.slice(a.tag.as_ref().unwrap().span), "!KeyOf");
        let b = doc.root.get("b").unwrap();
        assert_eq!(doc.source.slice(b.span), "[1, !Find [m, [k, v]]]");
        assert_eq!(doc.root.get("c").unwrap().as_str(), Some("on"));
        assert_eq!(
            doc.root.get("d").unwrap().scalar_value(),
            Some(&Scalar::Bool(true))
        );
    }

    #[test]
    fn block_map_span_ends_at_last_value() {
        let doc = load("entries:\n  - model: x\n    id: y\n\n# trailing\n").unwrap();
        let e = &doc.root.get("entries").unwrap().as_seq().unwrap()[0];
        assert_eq!(doc.source.slice(e.span), "model: x\n    id: y");
        // Comments are read only when an `akbp:` directive may be among them.
        assert!(doc.comments.is_empty());
        let doc = load("entries:\n  - model: x\n\n# akbp: ignore[AKB200]\n").unwrap();
        assert_eq!(doc.comments.len(), 1);
    }

    #[test]
    fn guards() {
        assert_eq!(load("").unwrap_err().kind, LoadErrorKind::Empty);
        assert_eq!(load("# only\n").unwrap_err().kind, LoadErrorKind::Empty);
        assert_eq!(
            load("a: 1\n---\nb: 2\n").unwrap_err().kind,
            LoadErrorKind::MultipleDocuments
        );
        assert_eq!(load("a: [1, 2\n").unwrap_err().kind, LoadErrorKind::Syntax);
        let deep = format!("{}x{}", "[".repeat(500), "]".repeat(500));
        assert_eq!(load(&deep).unwrap_err().kind, LoadErrorKind::TooDeep);
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert_eq!(load(&bomb).unwrap_err().kind, LoadErrorKind::AliasBomb);
        assert_eq!(
            decode("b", vec![b'a', 0, b'b']).unwrap_err().kind,
            LoadErrorKind::Binary
        );
        assert_eq!(
            decode("b", vec![b'a', 0xff]).unwrap_err().kind,
            LoadErrorKind::NotUtf8
        );
    }

    /// Each class PyYAML refuses is refused at its place (AKB002), and each line break
    /// PyYAML knows ends a line for akbp too (these all passed silently before).
    #[test]
    fn pyyaml_refusals_and_line_breaks() {
        let refused = |text: &str, at: &str| {
            let e = load(text).expect_err(text);
            assert_eq!(e.kind, LoadErrorKind::Syntax, "{text:?}: {}", e.message);
            let want = text
                .find(at)
                .unwrap_or_else(|| panic!("{at:?} in {text:?}"));
            assert_eq!(e.span.start as usize, want, "{text:?}: {}", e.message);
        };
        refused("a:\t1\n", "\t");
        refused("a: 1\t\n", "\t");
        refused("-\ta\n", "\t");
        refused("? [a]\n: 1\n", "[a]");
        refused("{? {a: 1} : 1}\n", "{a");
        refused(": v\n", ":");
        refused("{: v}\n", ":");
        refused("a: &x.y 1\n", "&x.y");
        refused("a: &x 1\nb: &x 2\n", "&x 2");
        refused("a: {<<: 1}\n", "1}");
        refused("a: {<<: [1]}\n", "1]");
        refused("a: !!int abc\n", "!!int");
        refused("a: !!python/none x\n", "!!python");
        refused("a: !!KeyOf x\n", "!!KeyOf");
        refused("a: =\n", "=");
        refused("- <<\n", "<<");
        refused("a: 2024-02-30\n", "2024");
        refused("a: 0b_\n", "0b_");
        refused("a: [x? y]\n", "?");
        refused("a: \u{1}\n", "\u{1}");
        refused("%YAM>L 1.1\n---\na: 1\n", "%");
        // What PyYAML accepts stays accepted: `=` as a key, a tab in a comment or quotes.
        assert!(load("=: 1\nb: 'x\ty' #\tc\nc: |\n  \tz\n").is_ok());
        // Entries cannot hide behind a line break akbp did not know.
        for br in ["\r", "\u{85}", "\u{2028}", "\u{2029}"] {
            let text = format!("a: 1 # note{br}b: 2\n");
            let doc = load(&text).unwrap_or_else(|e| panic!("{br:?}: {}", e.message));
            assert_eq!(
                doc.root.get("b").and_then(|n| n.scalar_text()),
                Some("2"),
                "{br:?}"
            );
            let b = doc.root.get_pair("b").unwrap().key.span.start as usize;
            assert_eq!(doc.source.position(b).line, 2, "{br:?}");
        }
    }

    #[test]
    fn the_last_merge_key_wins() {
        let doc = load("a: {<<: {x: 1}, <<: {x: 2}}\nb: {<<: [{y: 1}, {y: 2}]}\n").unwrap();
        let a = doc.root.get("a").unwrap();
        assert_eq!(a.get("x").unwrap().scalar_text(), Some("2"));
        let b = doc.root.get("b").unwrap();
        assert_eq!(b.get("y").unwrap().scalar_text(), Some("1"));
    }

    #[test]
    fn duplicates_and_merges() {
        let doc = load("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  y: 4\n").unwrap();
        assert_eq!(doc.duplicate_keys.len(), 1);
        let m = doc.root.get("m").unwrap();
        assert_eq!(m.get("x").unwrap().scalar_text(), Some("1"));
        assert_eq!(m.get("y").unwrap().scalar_text(), Some("4"));
        assert_eq!(doc.merge_keys.len(), 1);
    }
}
