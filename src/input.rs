//! Which files a run reads: files as given, folders searched for `.yaml`/`.yml`
//! (skipping dot-folders and honouring `.gitignore` like ripgrep), or `-` for stdin.

use std::path::{Path, PathBuf};

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file, with the name to show for it.
    File {
        path: PathBuf,
        name: String,
    },
    Stdin,
    /// A path that could not be listed (missing, unreadable folder, symlink loop).
    Unreadable {
        name: String,
        reason: String,
    },
}

impl Input {
    pub fn name(&self) -> &str {
        match self {
            Input::File { name, .. } | Input::Unreadable { name, .. } => name,
            Input::Stdin => "<stdin>",
        }
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn display(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// Expand the command line's paths into inputs, in a stable order (sorted per folder).
pub fn collect(paths: &[PathBuf], no_ignore: bool) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => out.push(Input::Unreadable {
                name: display(p),
                reason: crate::load::io_reason(&e),
            }),
            Ok(m) if m.is_dir() => walk(p, no_ignore, &mut out),
            // A file named on the command line is checked whatever its extension.
            Ok(_) => out.push(Input::File {
                path: p.clone(),
                name: display(p),
            }),
        }
    }
    out
}

fn walk(root: &Path, no_ignore: bool, out: &mut Vec<Input>) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(true)
        .follow_links(true)
        .git_ignore(!no_ignore)
        .git_global(!no_ignore)
        .git_exclude(!no_ignore)
        .ignore(!no_ignore)
        .parents(!no_ignore)
        // .gitignore files count even outside a git checkout (mounted blueprint folders).
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    let mut found = Vec::new();
    for entry in builder.build() {
        match entry {
            Ok(e) => {
                let is_file = e.file_type().is_some_and(|t| t.is_file());
                if is_file && is_yaml(e.path()) {
                    found.push(Input::File {
                        path: e.path().to_path_buf(),
                        name: display(e.path()),
                    });
                }
            }
            Err(err) => found.push(unreadable(root, &err)),
        }
    }
    out.extend(found);
}

fn unreadable(root: &Path, err: &ignore::Error) -> Input {
    let mut path = None;
    let mut reason = err.to_string();
    let mut cur = err;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cur = err
            }
            ignore::Error::Loop { child, .. } => {
                path = Some(child.clone());
                reason = "symlink loop: the link points back to a folder above it".into();
                break;
            }
            ignore::Error::Io(e) => {
                reason = crate::load::io_reason(e);
                break;
            }
            _ => break,
        }
    }
    Input::Unreadable {
        name: display(path.as_deref().unwrap_or(root)),
        reason,
    }
}
