//! Which files a run reads: files as given, folders searched for `.yaml`/`.yml`, or `-`
//! for stdin. authentik loads every `*.yaml` under its blueprint folders whatever ignore
//! files say, so a folder walk skips only what git itself ignores (inside a git work tree),
//! what `--exclude` names, dot-folders (authentik 2026.2.2 `blueprints_find` skips any path
//! part starting with a dot) and special files; every skip but the dot rule is counted.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One thing to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file, with the name to show for it.
    File {
        path: PathBuf,
        name: String,
        /// Named on the command line (not found in a folder): a file that is not a
        /// blueprint gets a note instead of being skipped silently.
        explicit: bool,
    },
    Stdin,
    /// A path that could not be listed or must not be read (missing, unreadable folder,
    /// symlink loop, a FIFO, device or socket named on the command line).
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

/// Why a file found during a folder walk was not checked. This is the one list of
/// reasons; the summary line and the JSON summary count them in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// git ignores it (`.gitignore`, `.git/info/exclude`, the global excludes file).
    Ignored,
    /// An `--exclude` glob matches it.
    Excluded,
    /// A YAML file that is not a blueprint (e.g. a Helm values file).
    NotABlueprint,
    /// A FIFO, device or socket: never opened.
    SpecialFile,
    /// A template that becomes a blueprint only once rendered.
    Template,
}

impl SkipReason {
    pub const ALL: [SkipReason; 5] = [
        SkipReason::Ignored,
        SkipReason::Excluded,
        SkipReason::NotABlueprint,
        SkipReason::SpecialFile,
        SkipReason::Template,
    ];

    /// The words used in the summary line and by `--verbose`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Ignored => "ignored by git",
            SkipReason::Excluded => "excluded",
            SkipReason::NotABlueprint => "not a blueprint",
            SkipReason::SpecialFile => "special file",
            SkipReason::Template => "template",
        }
    }
}

/// A file that was found but not checked, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub name: String,
    pub reason: SkipReason,
}

/// Everything a run found: what to check and what was skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collected {
    pub inputs: Vec<Input>,
    pub skipped: Vec<Skipped>,
}

/// A bad `--exclude` glob.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--exclude `{glob}` is not a valid glob: {reason}")]
pub struct ExcludeError {
    pub glob: String,
    pub reason: String,
}

/// How folders are searched.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Honour nothing git ignores (`--no-ignore`).
    pub no_ignore: bool,
    /// `--exclude` globs, in `.gitignore` syntax relative to each folder searched.
    pub exclude: Vec<String>,
}

impl Selection {
    /// Every default: honour what git ignores, exclude nothing.
    pub fn git() -> Self {
        Selection::default()
    }

    /// Honour nothing: every `.yaml`/`.yml` outside dot-folders is checked.
    pub fn everything() -> Self {
        Selection {
            no_ignore: true,
            exclude: Vec::new(),
        }
    }

    /// Check the globs once, before any walk.
    pub fn validate(&self) -> Result<(), ExcludeError> {
        self.matcher(Path::new(".")).map(|_| ())
    }

    fn matcher(&self, root: &Path) -> Result<ignore::gitignore::Gitignore, ExcludeError> {
        let mut b = ignore::gitignore::GitignoreBuilder::new(root);
        for glob in &self.exclude {
            b.add_line(None, glob).map_err(|e| ExcludeError {
                glob: glob.clone(),
                reason: glob_reason(&e),
            })?;
        }
        b.build().map_err(|e| ExcludeError {
            glob: self.exclude.join(" "),
            reason: glob_reason(&e),
        })
    }
}

fn glob_reason(e: &ignore::Error) -> String {
    match e {
        ignore::Error::Glob { err, .. } => err.clone(),
        other => other.to_string(),
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

/// Expand the command line's paths into inputs, in a stable order (sorted per folder).
pub fn collect(paths: &[PathBuf], selection: &Selection) -> Result<Collected, ExcludeError> {
    selection.validate()?;
    let mut out = Collected::default();
    for p in paths {
        if p.as_os_str() == "-" {
            out.inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => out.inputs.push(Input::Unreadable {
                name: display(p),
                reason: crate::load::io_reason(&e),
            }),
            Ok(m) if m.is_dir() => walk(p, selection, &mut out)?,
            Ok(m) => match special_kind(&m) {
                // Opening a FIFO blocks until a writer comes; a device may never end.
                Some(kind) => out.inputs.push(Input::Unreadable {
                    name: display(p),
                    reason: format!("{kind}, not a regular file; akbp does not read it"),
                }),
                // A file named on the command line is checked whatever its extension.
                None => out.inputs.push(Input::File {
                    path: p.clone(),
                    name: display(p),
                    explicit: true,
                }),
            },
        }
    }
    Ok(out)
}

fn builder(root: &Path, honour_git: bool) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(true)
        .follow_links(true)
        .git_ignore(honour_git)
        .git_global(honour_git)
        .git_exclude(honour_git)
        .parents(honour_git)
        // Only git's own rules, and only inside a work tree: `.ignore`/`.rgignore` and a
        // `.gitignore` in a mounted folder do not stop authentik from loading a file.
        .ignore(false)
        .require_git(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    builder
}

fn is_git_ignore_file(name: &std::ffi::OsStr) -> bool {
    name == ".gitignore"
}

/// Why an ignore file git would read must not be read: over the size limit every file
/// akbp reads has, or a FIFO/device/socket that would block or never end.
fn unsafe_ignore_file(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if let Some(kind) = special_kind(&meta) {
        return Some(format!("{kind}, not a regular file"));
    }
    (meta.len() > crate::load::MAX_FILE_BYTES).then(|| {
        format!(
            "larger than {} MiB, the limit for every file akbp reads",
            crate::load::MAX_FILE_BYTES / 1024 / 1024
        )
    })
}

/// Ignore files above `root` that git (and the walker) would read.
fn ancestor_ignore_files(root: &Path) -> Vec<PathBuf> {
    let Ok(abs) = root.canonicalize() else {
        return Vec::new();
    };
    abs.ancestors()
        .skip(1)
        .flat_map(|d| [d.join(".gitignore"), d.join(".git/info/exclude")])
        .chain([abs.join(".git/info/exclude")])
        .filter(|p| p.exists())
        .collect()
}

fn walk(root: &Path, selection: &Selection, out: &mut Collected) -> Result<(), ExcludeError> {
    let exclude = selection.matcher(root)?;
    // Every file under `root` except dot-folders and dotfiles, which authentik skips too;
    // `.gitignore` files are kept to be checked before git's rules are read.
    let mut all = builder(root, false);
    all.hidden(false).filter_entry(|e| {
        e.depth() == 0
            || !e.file_name().to_string_lossy().starts_with('.')
            || is_git_ignore_file(e.file_name())
    });
    let mut entries = Vec::new();
    let mut ignore_files = ancestor_ignore_files(root);
    for entry in all.build() {
        match entry {
            Ok(e) if e.depth() > 0 && is_git_ignore_file(e.file_name()) => {
                ignore_files.push(e.into_path())
            }
            other => entries.push(other),
        }
    }
    let mut honour_git = !selection.no_ignore;
    if honour_git {
        for path in &ignore_files {
            if let Some(why) = unsafe_ignore_file(path) {
                honour_git = false;
                out.inputs.push(Input::Unreadable {
                    name: display(path),
                    reason: format!(
                        "this ignore file is {why}; it is not read, so nothing under {} is \
                         skipped as ignored by git",
                        display(root)
                    ),
                });
            }
        }
    }
    // Files git lets through; everything else the full walk finds was ignored by git.
    let kept: Option<HashSet<PathBuf>> = honour_git.then(|| {
        builder(root, true)
            .build()
            .filter_map(Result::ok)
            .map(|e| e.into_path())
            .collect()
    });
    for entry in entries {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                out.inputs.push(unreadable(root, &err));
                continue;
            }
        };
        let Some(file_type) = e.file_type() else {
            continue;
        };
        if file_type.is_dir() || !is_yaml(e.path()) {
            continue;
        }
        let relative = e.path().strip_prefix(root).unwrap_or(e.path());
        let excluded = !relative.has_root()
            && exclude
                .matched_path_or_any_parents(relative, false)
                .is_ignore();
        let reason = if excluded {
            Some(SkipReason::Excluded)
        } else if kept.as_ref().is_some_and(|k| !k.contains(e.path())) {
            Some(SkipReason::Ignored)
        } else if !file_type.is_file() {
            Some(SkipReason::SpecialFile)
        } else {
            None
        };
        match reason {
            Some(reason) => out.skipped.push(Skipped {
                name: display(e.path()),
                reason,
            }),
            None => out.inputs.push(Input::File {
                path: e.path().to_path_buf(),
                name: display(e.path()),
                explicit: false,
            }),
        }
    }
    Ok(())
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
