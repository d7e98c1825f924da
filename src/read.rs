//! Reading files from disk: the bounded reader every input goes through. The core
//! (`load`) only ever sees the bytes.
//!
//! Reading goes through [`Fs`], a seam that tests use to inject faults (a file that
//! disappears mid-run) without races.

use std::io::Read;
use std::path::Path;

use crate::schema::{PublishedSchema, SchemaError};
use akbp_core::load::{decode, LoadError, LoadErrorKind, SourceFile, MAX_FILE_BYTES};

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
        special_kind(meta).map(|kind| {
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

/// Read an authentik blueprint JSON schema (`--schema`) through [`read_text_bounded`].
pub fn read_schema(path: &Path) -> Result<PublishedSchema, SchemaError> {
    let p = path.display().to_string();
    let text = read_text_bounded(path).map_err(|e| SchemaError::Read {
        path: p.clone(),
        reason: e.to_string(),
    })?;
    PublishedSchema::from_str(&p, &text)
}

/// What a non-regular, non-folder file is, in words; `None` for a regular file.
pub fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}
