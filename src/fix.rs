//! `akbp fix`: apply the replacements findings carry (`akbp_core::check::fix`) to files
//! on disk, or show them as a unified diff.
//!
//! A file is written only when it still holds exactly the bytes that were read and
//! fixed, through a synced temporary file renamed over it (its permissions kept), so an
//! editor's save in between is never lost and a crash never leaves half a file.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use akbp_core::check::fix::{fix_source, FixNote, FixOutcome, FixSettings};
use akbp_core::check::{check_source, Options, Safety};
use akbp_core::load::SourceFile;

use akbp_core::load::MAX_FILE_BYTES;

/// What fixing one file did, for the summary.
#[derive(Debug, Default)]
pub struct FileFixed {
    pub name: String,
    pub outcome: FixOutcome,
    /// The diff (`--diff`), secrets masked.
    pub diff: Option<String>,
    /// Why the fixed text was not written.
    pub not_written: Option<String>,
}

/// The bytes of a file and its text as akbp reads it (a UTF-8 byte order mark dropped).
pub struct ReadFile {
    pub bytes: Vec<u8>,
    pub source: SourceFile,
    bom: bool,
}

impl ReadFile {
    pub fn read(path: &Path, name: &str) -> Result<ReadFile, String> {
        let meta = fs::metadata(path).map_err(|e| crate::read::io_reason(&e))?;
        if !meta.is_file() {
            return Err("not a regular file".into());
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err("larger than akbp reads".into());
        }
        let bytes = fs::read(path).map_err(|e| crate::read::io_reason(&e))?;
        Self::from_bytes(name, bytes)
    }

    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<ReadFile, String> {
        let source = akbp_core::load::decode::decode(name, bytes.clone()).map_err(|e| e.message)?;
        let bom = bytes.starts_with("\u{feff}".as_bytes());
        // Only a file that is its text byte for byte (UTF-8, maybe with a BOM) is edited:
        // offsets into anything else would not be offsets into the file.
        let same = &bytes[if bom { 3 } else { 0 }..] == source.text.as_bytes();
        if !same {
            return Err("not plain UTF-8 text; akbp fixes only UTF-8 files".into());
        }
        Ok(ReadFile { bytes, source, bom })
    }

    /// The file's bytes with `text` as its content.
    pub fn with_text(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        out.extend_from_slice(text.as_bytes());
        out
    }
}

/// Fix one text; with `diff`, also render the unified diff (secrets masked).
pub fn fix_text(
    file: &ReadFile,
    options: &Options,
    settings: &FixSettings,
    diff: bool,
) -> FileFixed {
    let outcome = fix_source(&file.source, options, settings);
    let diff =
        (diff && outcome.changed()).then(|| unified_diff(&file.source, &outcome.text, options));
    FileFixed {
        name: file.source.name.to_string(),
        outcome,
        diff,
        not_written: None,
    }
}

/// A unified diff of `before` and `after`, each masked as akbp masks a report of it, so
/// no secret of either version is printed.
pub fn unified_diff(before: &SourceFile, after: &str, options: &Options) -> String {
    let masked = |s: SourceFile| {
        check_source(s.clone(), options)
            .source
            .map_or_else(|| s.text.to_string(), |m| m.text.to_string())
    };
    let old = masked(before.clone());
    let new = masked(SourceFile::new(before.name.clone(), after.to_string()));
    let name = crate::report::escape::name(&before.name).into_owned();
    let diff = similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string();
    // Each line as the diff marks it, its text through the one escaping step: a file's
    // bytes never start a line of output (a CR, NEL or runner command inside one).
    let mut out = String::with_capacity(diff.len());
    for line in diff.lines() {
        let (mark, rest) = line.split_at(line.chars().next().map_or(0, char::len_utf8));
        if line.starts_with("--- ") || line.starts_with("+++ ") || line.starts_with("@@") {
            out.push_str(line);
        } else {
            out.push_str(mark);
            out.push_str(&crate::report::escape::text(
                rest,
                crate::report::escape::Lines::One,
            ));
        }
        out.push('\n');
    }
    out
}

/// Write `new` to `path` unless the file no longer holds `old`.
pub fn write_if_unchanged(path: &Path, old: &[u8], new: &[u8]) -> Result<(), String> {
    // Write through a symbolic link to the file it names; the link stays.
    let real = fs::canonicalize(path).map_err(|e| crate::read::io_reason(&e))?;
    let meta = fs::metadata(&real).map_err(|e| crate::read::io_reason(&e))?;
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Owner-only until it gets the original's permissions: a file that holds a secret is
    // never readable by others on the way.
    let (tmp, mut file) = crate::generate::write::create_temp(dir, &name, true)
        .map_err(|e| crate::read::io_reason(&e))?;
    let result = (|| -> Result<(), String> {
        let io = |e: io::Error| crate::read::io_reason(&e);
        file.write_all(new).map_err(io)?;
        file.set_permissions(meta.permissions()).map_err(io)?;
        file.sync_all().map_err(io)?;
        drop(file);
        // The last moment before the rename: a file saved since it was read is kept.
        let now = fs::read(&real).map_err(io)?;
        if now != old {
            return Err("it changed since akbp read it; run akbp fix again".into());
        }
        fs::rename(&tmp, &real).map_err(io)
    })();
    crate::generate::write::settle(result, &tmp, dir)
}

/// Lines for standard error about one file: what was applied, what was left and why.
pub fn notes(f: &FileFixed, verb: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let name = &f.name;
    if f.outcome.changed() {
        let codes = codes_of(&f.outcome.applied);
        match &f.not_written {
            None => out.push((
                "",
                format!(
                    "{verb} {name}: {} fix{} ({codes})",
                    f.outcome.applied.len(),
                    plural(f.outcome.applied.len(), "es")
                ),
            )),
            Some(why) => out.push(("error: ", format!("{name} not written: {why}"))),
        }
    }
    for s in &f.outcome.skipped {
        let why = s.why.as_deref().unwrap_or("");
        if s.safety == Safety::Unsafe && why.starts_with("unsafe") {
            continue; // counted in the summary
        }
        out.push((
            "note: ",
            format!("{name}:{}: {} not applied: {why}", s.line, s.code),
        ));
    }
    out
}

fn codes_of(notes: &[FixNote]) -> String {
    let mut codes: Vec<&str> = notes.iter().map(|n| n.code).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.join(", ")
}

fn plural(n: usize, suffix: &'static str) -> &'static str {
    if n == 1 {
        ""
    } else {
        suffix
    }
}

/// The closing line: fixes applied, files, unsafe fixes left.
pub fn summary(files: &[FileFixed], diff: bool) -> String {
    let applied: usize = files
        .iter()
        .filter(|f| f.not_written.is_none())
        .map(|f| f.outcome.applied.len())
        .sum();
    let changed = files
        .iter()
        .filter(|f| f.outcome.changed() && f.not_written.is_none())
        .count();
    let unsafe_left: usize = files
        .iter()
        .flat_map(|f| &f.outcome.skipped)
        .filter(|s| {
            s.safety == Safety::Unsafe && s.why.as_deref().is_some_and(|w| w.starts_with("unsafe"))
        })
        .count();
    let mut line = if diff {
        format!(
            "{applied} fix{} would change {changed} file{}",
            plural(applied, "es"),
            plural(changed, "s")
        )
    } else {
        format!(
            "{applied} fix{} applied in {changed} file{}",
            plural(applied, "es"),
            plural(changed, "s")
        )
    };
    if unsafe_left > 0 {
        line.push_str(&format!(
            "; {unsafe_left} unsafe fix{} left (--unsafe-fixes applies {})",
            plural(unsafe_left, "es"),
            if unsafe_left == 1 { "it" } else { "them" }
        ));
    }
    line
}
