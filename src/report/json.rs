//! The JSON report: a stable, documented shape for CI.
//!
//! ```json
//! {"version": 3, "target": "2026.8",
//!  "findings": [{"file": "a.yaml", "line": 3, "column": 5, "end_line": 3, "end_column": 9,
//!                "code": "AKB300", "name": "keyof-unresolved", "case": null, "severity": "error",
//!                "message": "...", "help": "...", "labels": [...],
//!                "fix": {"title": "...", "safety": "unsafe", "edits": [{"start": 120,
//!                        "end": 139, "line": 3, "column": 5, "end_line": 3,
//!                        "end_column": 24, "text": "..."}]}}],
//!  "files": [{"file": "a.yaml", "target": "2024.10"}],
//!  "summary": {"files": 1, "errors": 1, "warnings": 0, "info": 0,
//!              "skipped": {"ignored": 0, "excluded": 0, "not-a-blueprint": 0,
//!                          "special-file": 0, "template": 0, "link-outside": 0},
//!              "suppressed": 0, "suppressed_errors": 0}}
//! ```
//! Lines and columns are 1-based; columns count characters; the end is exclusive.

use std::io::{Read, Seek, SeekFrom, Write};

use serde::Serialize;

use crate::input::Skipped;
use crate::report::escape;
use crate::report::format::{Format, Summary};
use akbp_core::check::{FileReport, Severity};
use akbp_core::load::{SourceFile, Span};
use akbp_core::target::Target;

#[derive(Debug, Serialize)]
pub struct JsonLabel {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: &'static str,
    pub name: &'static str,
    /// The rule's declared case, when the finding belongs to one.
    pub case: Option<&'static str>,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<JsonLabel>,
    /// Present (true) when the position is approximate: the finding is inside base64,
    /// quoted or folded text in a ConfigMap, Secret or custom resource, and points at its key.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    /// Present when akbp knows an exact replacement (`akbp fix` applies it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<JsonFix>,
}

/// A finding's replacement: `safety` is `safe` or `unsafe` (applied with `--unsafe-fixes`).
/// `edits` is absent when the fix touches a secret (it is applied, never shown).
#[derive(Debug, Serialize)]
pub struct JsonFix {
    pub title: String,
    pub safety: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edits: Option<Vec<JsonEdit>>,
    /// Why the fix cannot be applied where the finding is (base64 or quoted text in a
    /// wrapper, a block whose indentation the edit would change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
}

/// One replacement: the characters from line:column to end_line:end_column (exclusive,
/// 1-based, as the finding's own) become `text`; `start`/`end` are the same in bytes.
#[derive(Debug, Serialize)]
pub struct JsonEdit {
    pub start: u32,
    pub end: u32,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: String,
}

/// A checked file and the release it was checked at (`--target`, its `# akbp: target`
/// comment, akbp.toml, or the default).
#[derive(Debug, Serialize)]
pub struct JsonFile {
    pub file: String,
    pub target: String,
}

/// The shape's version; bumped only on incompatible changes (3: `files` with each file's
/// target).
pub const VERSION: u32 = 3;

#[derive(Debug, Serialize)]
pub struct JsonReport {
    pub version: u32,
    /// `--target`, else the target of the configuration the current folder uses.
    pub target: String,
    pub findings: Vec<JsonFinding>,
    pub files: Vec<JsonFile>,
    pub summary: Summary,
}

/// The checked files of `reports` with their targets, in order.
pub fn files(reports: &[FileReport]) -> Vec<JsonFile> {
    reports
        .iter()
        .map(|r| JsonFile {
            file: r.name.clone(),
            target: r.target.to_string(),
        })
        .collect()
}

fn range(source: Option<&SourceFile>, span: Span) -> (usize, usize, usize, usize) {
    match source {
        Some(s) => {
            let a = s.position(span.start as usize);
            let b = s.position(span.end as usize);
            (a.line, a.column, b.line, b.column)
        }
        None => (1, 1, 1, 1),
    }
}

/// The findings of `reports`, in order.
pub fn findings(reports: &[FileReport]) -> Vec<JsonFinding> {
    let mut findings = Vec::new();
    for r in reports {
        for f in &r.findings {
            let (line, column, end_line, end_column) = range(r.source.as_ref(), f.span);
            findings.push(JsonFinding {
                file: r.name.clone(),
                line,
                column,
                end_line,
                end_column,
                code: f.rule.code,
                name: f.rule.name,
                case: f.case.map(|c| c.id),
                severity: f.severity,
                message: f.message.clone(),
                help: f.help.clone(),
                approximate: f.approximate,
                fix: f.fix.as_ref().map(|fix| JsonFix {
                    title: fix.title.clone(),
                    safety: fix.safety.as_str(),
                    blocked: fix.blocked.clone(),
                    edits: (!fix.hidden && fix.blocked.is_none()).then(|| {
                        fix.edits
                            .iter()
                            .map(|e| {
                                let (line, column, end_line, end_column) =
                                    range(r.source.as_ref(), e.span);
                                JsonEdit {
                                    start: e.span.start,
                                    end: e.span.end,
                                    line,
                                    column,
                                    end_line,
                                    end_column,
                                    text: e.text.clone(),
                                }
                            })
                            .collect()
                    }),
                }),
                labels: f
                    .labels
                    .iter()
                    .map(|l| {
                        let (line, column, end_line, end_column) = range(r.source.as_ref(), l.span);
                        JsonLabel {
                            line,
                            column,
                            end_line,
                            end_column,
                            message: l.text.clone(),
                        }
                    })
                    .collect(),
            });
        }
    }
    findings
}

pub fn build(reports: &[FileReport], target: Target, skipped: &[Skipped]) -> JsonReport {
    JsonReport {
        version: VERSION,
        target: target.to_string(),
        findings: findings(reports),
        files: files(reports),
        summary: Summary::of(reports).skipping(skipped),
    }
}

pub fn render(reports: &[FileReport], target: Target, skipped: &[Skipped]) -> String {
    let mut s = escape::json(&build(reports, target, skipped));
    s.push('\n');
    s
}

// Streaming: the same document as `render`, written in three parts so that a run never holds
// more than one chunk of reports (see `cli::validate`). `streamed_json_equals_render` checks it.

/// The JSON report as a [`Format`], streamed: [`stream_start`], [`stream_findings`] per
/// chunk, then `files` and the summary.
#[derive(Debug, Default)]
pub struct Json {
    /// No finding written yet.
    first: bool,
    /// The `files` entries written so far, kept out of memory once they grow.
    files: FileList,
}

impl Format for Json {
    fn start(&mut self, target: Target) -> String {
        self.first = true;
        self.files = FileList::default();
        stream_start(target)
    }
    fn reports(&mut self, reports: &[FileReport]) -> String {
        for f in files(reports) {
            self.files.push(&f);
        }
        stream_findings(reports, &mut self.first)
    }
    fn end(&mut self, summary: &Summary, skipped: &[Skipped]) -> String {
        let mut out = Vec::new();
        // Writing into a Vec fails only if the spill file cannot be read back.
        match self.end_into(summary, skipped, &mut out) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::new(),
        }
    }
    fn end_into(
        &mut self,
        summary: &Summary,
        _skipped: &[Skipped],
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let summary = escape::json(summary);
        write!(
            out,
            "{}],\n  \"files\": ",
            if self.first { "" } else { "\n  " }
        )?;
        self.files.write_array(out)?;
        write!(out, ",\n  \"summary\": {}\n}}\n", indent(&summary, 2))
    }
}

/// The `files` array's entries, rendered as they come. Past [`FileList::IN_MEMORY`] bytes
/// they go to an unnamed temporary file, so a run over 100,000 files holds no list of
/// names (issue 12: memory flat in the number of files); a single-file run never touches
/// the disk. Without a usable temporary folder they stay in memory.
#[derive(Debug, Default)]
struct FileList {
    mem: Vec<u8>,
    spill: Option<std::fs::File>,
    any: bool,
}

impl FileList {
    const IN_MEMORY: usize = 64 * 1024;

    fn push(&mut self, file: &JsonFile) {
        let text = escape::json(file);
        self.mem
            .extend_from_slice(if self.any { ",\n    " } else { "\n    " }.as_bytes());
        self.mem.extend_from_slice(indent(&text, 4).as_bytes());
        self.any = true;
        if self.mem.len() >= Self::IN_MEMORY {
            self.flush_to_disk();
        }
    }

    /// Move the buffered entries to the temporary file; on any failure keep them in memory.
    fn flush_to_disk(&mut self) {
        if self.spill.is_none() {
            self.spill = unnamed_temp_file();
        }
        if let Some(f) = &mut self.spill {
            if f.write_all(&self.mem).is_ok() {
                self.mem.clear();
            } else {
                // Take back what reached the file, then carry on in memory.
                let mut back = Vec::new();
                let ok = f.seek(SeekFrom::Start(0)).is_ok() && f.read_to_end(&mut back).is_ok();
                self.spill = None;
                if ok {
                    back.append(&mut self.mem);
                    self.mem = back;
                }
            }
        }
    }

    /// `[...]` as `serde_json::to_string_pretty` of the list, indented by 2, would write it.
    fn write_array(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        if !self.any {
            return out.write_all(b"[]");
        }
        out.write_all(b"[")?;
        if let Some(f) = &mut self.spill {
            f.seek(SeekFrom::Start(0))?;
            std::io::copy(&mut std::io::BufReader::new(&mut *f), out)?;
        }
        out.write_all(&self.mem)?;
        out.write_all(b"\n  ]")
    }
}

/// A temporary file that has no name left: created new in the temporary folder and
/// unlinked at once, so nothing remains however the run ends (on Unix).
fn unnamed_temp_file() -> Option<std::fs::File> {
    let dir = std::env::temp_dir();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    for attempt in 0..8u32 {
        let path = dir.join(format!(
            ".akbp-json-files-{}-{nanos}-{attempt}",
            std::process::id()
        ));
        if let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            let _ = std::fs::remove_file(&path);
            return Some(f);
        }
    }
    None
}

/// Indents every line after the first by `n` spaces (JSON strings hold no raw newline).
fn indent(json: &str, n: usize) -> String {
    json.replace('\n', &format!("\n{}", " ".repeat(n)))
}

/// The document's start, up to the opening of `findings`.
pub fn stream_start(target: Target) -> String {
    let target = escape::json(&target.to_string());
    format!("{{\n  \"version\": {VERSION},\n  \"target\": {target},\n  \"findings\": [")
}

/// The findings of one chunk of reports; `first` tracks whether any was written yet.
pub fn stream_findings(reports: &[FileReport], first: &mut bool) -> String {
    let mut out = String::new();
    for f in findings(reports) {
        out.push_str(if *first { "\n    " } else { ",\n    " });
        *first = false;
        let text = escape::json(&f);
        out.push_str(&indent(&text, 4));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries that cross the in-memory bound go through the temporary file and come
    /// back as the same text serde writes for the whole list.
    #[test]
    fn files_written_through_the_temporary_file_equal_the_whole_list() {
        for n in [0usize, 1, 3, 2_000, 5_000] {
            let all: Vec<JsonFile> = (0..n)
                .map(|i| JsonFile {
                    file: format!("folder/bp-{i:06}-\u{e9}.yaml"),
                    target: if i % 7 == 0 { "2024.10" } else { "2026.8" }.into(),
                })
                .collect();
            let mut list = FileList::default();
            for f in &all {
                list.push(f);
            }
            assert_eq!(list.spill.is_some(), n >= 2_000, "n = {n}");
            let mut out = Vec::new();
            list.write_array(&mut out).unwrap();
            let want = indent(&serde_json::to_string_pretty(&all).unwrap(), 2);
            assert_eq!(String::from_utf8(out).unwrap(), want, "n = {n}");
        }
    }

    /// The document as `validate` writes it: through the [`Format`], chunk by chunk.
    fn streamed(reports: &[FileReport], target: Target, chunk: usize) -> String {
        let mut json = Json::default();
        let mut out = json.start(target);
        let mut summary = Summary::default();
        for c in reports.chunks(chunk.max(1)) {
            out.push_str(&json.reports(c));
            summary.add(&Summary::of(c));
        }
        out.push_str(&json.end(&summary.skipping(&[]), &[]));
        out
    }

    /// The streamed document is byte for byte the one `render` builds at once, for findings
    /// with labels, files without findings, and no findings at all.
    #[test]
    fn streamed_json_equals_render() {
        let reports = crate::report::fixtures::fixture_reports(40);
        assert!(reports.iter().any(|r| r.findings.len() > 1));
        assert!(reports.iter().any(|r| r.findings.is_empty()));
        let target = *Target::KNOWN.last().unwrap();
        let expected = render(&reports, target, &[]);
        for chunk in [1, 3, 40] {
            assert_eq!(streamed(&reports, target, chunk), expected, "chunk {chunk}");
        }
        let clean: Vec<FileReport> = reports
            .into_iter()
            .filter(|r| r.findings.is_empty())
            .collect();
        assert_eq!(streamed(&clean, target, 2), render(&clean, target, &[]));
    }
}
