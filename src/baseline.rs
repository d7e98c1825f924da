//! Baselines: `akbp validate --write-baseline FILE` records today's findings; `--baseline
//! FILE` then reports only findings that are not in it. A repository with findings can
//! turn akbp on in CI at once and fix the old ones at its own pace.
//!
//! A finding is recorded by rule, file (relative to the baseline's folder) and a
//! fingerprint: a hash of its rule and case, its anchor (the entry it belongs to by model
//! and identifiers, and the key path inside it: `akbp_core::fingerprint`) and its message
//! with every number replaced, so line numbers and unrelated edits elsewhere in the file
//! do not change it. Identical fingerprints are counted: two old findings in a baseline
//! hide two, and a third one is new.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use akbp_core::check::{FileReport, Finding};

/// The format's version; bumped on incompatible changes.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    #[serde(default)]
    about: String,
    findings: Vec<Recorded>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Recorded {
    file: String,
    code: String,
    fingerprint: String,
    count: usize,
    /// For people reading the file; not compared.
    #[serde(default)]
    message: String,
}

type Key = (String, String, String);

/// A baseline: how many findings of each (file, code, fingerprint) are old.
#[derive(Debug, Default)]
pub struct Baseline {
    /// The folder file names are relative to.
    dir: PathBuf,
    left: BTreeMap<Key, usize>,
    /// What the run found, for `--write-baseline`: key -> (count, message).
    seen: BTreeMap<Key, (usize, String)>,
}

/// 64-bit FNV-1a in hex.
fn fnv1a64(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A message without its numbers (line numbers, counts), so it survives edits elsewhere.
fn without_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_number = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// The real path when it exists (`..` and links resolved), else the absolute one.
fn absolute(p: &Path) -> PathBuf {
    p.canonicalize()
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_path_buf())
}

impl Baseline {
    /// An empty baseline whose file names are relative to `file`'s folder.
    pub fn new_for(file: &Path) -> Baseline {
        let folder = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = absolute(folder);
        Baseline {
            dir,
            ..Baseline::default()
        }
    }

    /// Read a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let name = path.display();
        let source = crate::read::read_source(&crate::read::RealFs, path, &name.to_string())
            .map_err(|e| format!("--baseline {name}: {}", e.message))?;
        let file: File = serde_json::from_str(&source.text)
            .map_err(|e| format!("--baseline {name}: not a baseline akbp wrote: {e}"))?;
        if file.version != VERSION {
            return Err(format!(
                "--baseline {name}: version {} (this akbp reads version {VERSION}); write it again with --write-baseline",
                file.version
            ));
        }
        let mut b = Baseline::new_for(path);
        for r in file.findings {
            *b.left.entry((r.file, r.code, r.fingerprint)).or_default() += r.count;
        }
        Ok(b)
    }

    /// The file name as recorded: relative to the baseline's folder, `/`-separated.
    fn file_key(&self, name: &str) -> String {
        let p = absolute(Path::new(name));
        let rel = p.strip_prefix(&self.dir).map_or(p.as_path(), |r| r);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The keys of `findings` (of `report`'s file): the file is read once for all their
    /// anchors, not once per finding.
    fn keys(&self, report: &FileReport, findings: &[Finding]) -> Vec<Key> {
        let spans: Vec<_> = findings.iter().map(|f| f.span).collect();
        let anchors = match &report.source {
            Some(s) => akbp_core::fingerprint::anchors(s, &spans),
            None => vec![String::new(); findings.len()],
        };
        findings
            .iter()
            .zip(&anchors)
            .map(|(f, anchor)| self.key(report, f, anchor))
            .collect()
    }

    fn key(&self, report: &FileReport, f: &Finding, anchor: &str) -> Key {
        let case = f.case.map_or("", |c| c.id);
        let text = format!(
            "{}\u{1f}{case}\u{1f}{anchor}\u{1f}{}",
            f.rule.code,
            without_numbers(&f.message)
        );
        (
            self.file_key(&report.name),
            f.rule.code.to_string(),
            fnv1a64(text.as_bytes()),
        )
    }

    /// Note every finding of `reports` (for `--write-baseline`).
    pub fn record(&mut self, reports: &[FileReport]) {
        for r in reports {
            for (f, key) in r.findings.iter().zip(self.keys(r, &r.findings)) {
                let e = self.seen.entry(key).or_insert((0, f.message.clone()));
                e.0 += 1;
            }
        }
    }

    /// Drop the findings the baseline holds from `reports`, counted as suppressed; what is
    /// left is new.
    pub fn filter(&mut self, reports: &mut [FileReport]) {
        for r in reports.iter_mut() {
            let findings = std::mem::take(&mut r.findings);
            let keys = self.keys(r, &findings);
            let mut kept = Vec::with_capacity(findings.len());
            for (f, key) in findings.into_iter().zip(keys) {
                match self.left.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        r.suppressed.count(f.severity);
                    }
                    _ => kept.push(f),
                }
            }
            r.findings = kept;
        }
    }

    /// The baseline file for what [`Baseline::record`] saw.
    pub fn render(&self) -> String {
        let findings = self
            .seen
            .iter()
            .map(|((file, code, fingerprint), (count, message))| Recorded {
                file: file.clone(),
                code: code.clone(),
                fingerprint: fingerprint.clone(),
                count: *count,
                message: message.clone(),
            })
            .collect();
        let file = File {
            version: VERSION,
            about: "akbp baseline: findings `akbp validate --baseline` does not report. Written by --write-baseline; fingerprints are rule, entry, key path and message without numbers.".into(),
            findings,
        };
        let mut s = crate::report::escape::json(&file);
        s.push('\n');
        s
    }

    /// How many findings the run recorded.
    pub fn recorded(&self) -> usize {
        self.seen.values().map(|(n, _)| n).sum()
    }
}
