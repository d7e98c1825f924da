//! Which files a run reads: files as given, folders searched for `.yaml`/`.yml`, or `-`
//! for stdin. authentik loads every `*.yaml` under its blueprint folders whatever ignore
//! files say, so a folder walk skips only what git itself ignores (inside a git work tree),
//! what `--exclude` names, dot-folders (authentik 2026.2.2 `blueprints_find` skips any path
//! part starting with a dot), special files and symbolic links that lead out of the folder;
//! every skip but the dot rule is counted. A file git tracks is checked even when an
//! ignore pattern matches it (git ignores only untracked files): git itself says which
//! files it tracks (`git ls-files`).

use std::path::{Path, PathBuf};

use crate::read::special_kind;
pub use akbp_core::check::skip::SkipReason;

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

/// `--stdin-filename`: the path standard input stands for (its name in reports, the
/// folder its akbp.toml is looked up from, the file `[per-file-ignores]` globs match).
static STDIN_NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Set the path standard input stands for; once per process (the command line's).
pub fn set_stdin_name(name: &str) {
    let _ = STDIN_NAME.set(name.to_string());
}

/// The path standard input stands for, when `--stdin-filename` gave one.
pub fn stdin_path() -> Option<&'static Path> {
    STDIN_NAME.get().map(Path::new)
}

impl Input {
    pub fn name(&self) -> &str {
        match self {
            Input::File { name, .. } | Input::Unreadable { name, .. } => name,
            Input::Stdin => STDIN_NAME.get().map_or("<stdin>", String::as_str),
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

/// One thing the command line's paths gave, in output order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Input(Input),
    Skipped(Skipped),
}

/// The command line's paths expanded one input at a time, in a stable order (each folder's
/// entries sorted by name, depth first). Memory holds the listings of the folders open on
/// the way down, never the list of every file, and each listing at most
/// [`LISTING_BOUND`] names: a folder with more is read again for each next slice of names.
pub struct Inputs {
    paths: std::collections::VecDeque<PathBuf>,
    selection: Selection,
    walk: Option<FolderWalk>,
}

/// Start expanding the command line's paths; only the globs are checked here.
pub fn inputs(paths: &[PathBuf], selection: &Selection) -> Result<Inputs, ExcludeError> {
    selection.validate()?;
    Ok(Inputs {
        paths: paths.iter().cloned().collect(),
        selection: selection.clone(),
        walk: None,
    })
}

impl Iterator for Inputs {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        loop {
            if let Some(walk) = &mut self.walk {
                match walk.next() {
                    Some(found) => return Some(found),
                    None => self.walk = None,
                }
            }
            let p = self.paths.pop_front()?;
            if p.as_os_str() == "-" {
                return Some(Found::Input(Input::Stdin));
            }
            let input = match std::fs::metadata(&p) {
                Err(e) => Input::Unreadable {
                    name: display(&p),
                    reason: crate::read::io_reason(&e),
                },
                Ok(m) if m.is_dir() => {
                    self.walk = Some(FolderWalk::new(p, &self.selection));
                    continue;
                }
                Ok(m) => match special_kind(&m) {
                    // Opening a FIFO blocks until a writer comes; a device may never end.
                    Some(kind) => Input::Unreadable {
                        name: display(&p),
                        reason: format!("{kind}, not a regular file; akbp does not read it"),
                    },
                    // A file named on the command line is checked whatever its extension.
                    None => Input::File {
                        name: display(&p),
                        path: p,
                        explicit: true,
                    },
                },
            };
            return Some(Found::Input(input));
        }
    }
}

impl Inputs {
    /// The next `n` inputs (fewer at the end, none when done), tallying what is skipped on
    /// the way.
    pub fn next_chunk(&mut self, n: usize, skipped: &mut SkipTally) -> Vec<Input> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match self.next() {
                None => break,
                Some(Found::Input(i)) => out.push(i),
                Some(Found::Skipped(s)) => skipped.add(s),
            }
        }
        out
    }
}

/// Expand the command line's paths into inputs, in a stable order (sorted per folder), all
/// at once: for tests and tools; `validate` streams with [`inputs`].
pub fn collect(paths: &[PathBuf], selection: &Selection) -> Result<Collected, ExcludeError> {
    let mut out = Collected::default();
    for found in inputs(paths, selection)? {
        match found {
            Found::Input(i) => out.inputs.push(i),
            Found::Skipped(s) => out.skipped.push(s),
        }
    }
    Ok(out)
}

/// How many skipped names a run keeps for `--verbose`; past it only counts grow.
pub const SKIPPED_NAMES_KEPT: usize = 10_000;

/// What a run skipped: every file counted by reason; names kept only for `--verbose` and
/// only the first [`SKIPPED_NAMES_KEPT`], so a run over a large ignored tree stays small.
#[derive(Debug, Clone, Default)]
pub struct SkipTally {
    counts: [usize; SkipReason::ALL.len()],
    names: Vec<Skipped>,
    keep_names: bool,
}

impl SkipTally {
    pub fn new(keep_names: bool) -> Self {
        SkipTally {
            keep_names,
            ..SkipTally::default()
        }
    }

    pub fn add(&mut self, s: Skipped) {
        self.counts[s.reason as usize] += 1;
        if self.keep_names && self.names.len() < SKIPPED_NAMES_KEPT {
            self.names.push(s);
        }
    }

    /// The skipped files kept for listing, in the order they were found.
    pub fn names(&self) -> &[Skipped] {
        &self.names
    }

    /// Files skipped for each reason, in [`SkipReason::ALL`] order.
    pub fn counts(&self) -> impl Iterator<Item = (SkipReason, usize)> + '_ {
        SkipReason::ALL.into_iter().zip(self.counts.iter().copied())
    }
}

/// The files git lets through under `root`: an unsorted walk (it streams each folder instead
/// of listing it) that keeps a 64-bit hash of each `.yaml`/`.yml` path, 8 bytes a file.
fn kept_by_git(root: &Path) -> Vec<u64> {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(true)
        .follow_links(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .parents(true)
        // Only git's own rules, and only inside a work tree: `.ignore`/`.rgignore` and a
        // `.gitignore` in a mounted folder do not stop authentik from loading a file.
        .ignore(false)
        .require_git(true);
    let mut kept: Vec<u64> = builder
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| !t.is_dir()) && is_yaml(e.path()))
        .map(|e| path_hash(e.path()))
        .collect();
    kept.sort_unstable();
    kept.dedup();
    kept.shrink_to_fit();
    kept
}

/// Hashes of the `.yaml`/`.yml` files git tracks under `root`, as `git ls-files` lists
/// them (paths relative to `root`, joined to it as the walk joins names), sorted; `None`
/// when git cannot be asked (not installed, or it refuses the folder).
fn tracked_by_git(root: &Path) -> Option<Vec<u64>> {
    use std::io::BufRead;
    let mut child = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z", "--cached", "--"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut tracked = Vec::new();
    let out = std::io::BufReader::new(child.stdout.take()?);
    for name in out.split(0) {
        let name = name.ok()?;
        let rel = name_of(&name);
        let rel = Path::new(rel);
        if is_yaml(rel) {
            tracked.push(path_hash(&root.join(rel)));
        }
    }
    if !child.wait().ok()?.success() {
        return None;
    }
    tracked.sort_unstable();
    tracked.dedup();
    tracked.shrink_to_fit();
    Some(tracked)
}

fn path_hash(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    path.as_os_str().hash(&mut h);
    h.finish()
}

/// Why an ignore file git would read must not be read: over the size limit every file
/// akbp reads has, or a FIFO/device/socket that would block or never end.
fn unsafe_ignore_file(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if let Some(kind) = special_kind(&meta) {
        return Some(format!("{kind}, not a regular file"));
    }
    (meta.len() > akbp_core::load::MAX_FILE_BYTES).then(|| {
        format!(
            "larger than {} MiB, the limit for every file akbp reads",
            akbp_core::load::MAX_FILE_BYTES / 1024 / 1024
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

/// Whether `root` is inside a git work tree (a `.git` in it or above it).
fn under_git(root: &Path) -> bool {
    root.canonicalize()
        .is_ok_and(|abs| abs.ancestors().any(|d| d.join(".git").exists()))
}

/// What a folder entry is, from its directory entry (no `stat` except for symlinks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    /// Followed when it is reached: authentik follows links too.
    Symlink,
    /// A FIFO, device or socket.
    Special,
}

/// How many entries a folder's listing holds at once. A folder with more is read in
/// several passes, each keeping the next `LISTING_BOUND` names in order, so a flat folder
/// of 100,000 files holds about 4,096 names instead of all of them.
const LISTING_BOUND: usize = 4096;

/// One folder's entries that can matter (sub-folders, symlinks, `.yaml`/`.yml` names; no
/// dot-names), sorted by name: the names in one buffer and 8 bytes of bookkeeping each. A
/// folder with more than the bound holds only the next bounded slice of its names (`more`).
struct Listing {
    dir: PathBuf,
    names: Vec<u8>,
    entries: Vec<(u32, u16, Kind)>,
    next: usize,
    /// Names greater than the last entry were left for a later pass.
    more: bool,
    /// Device and inode, to refuse a symlink back to a folder above it.
    id: Option<(u64, u64)>,
}

/// What reading a listing noticed besides the entries it keeps.
#[derive(Default)]
struct Noticed {
    gitignore: bool,
    git: bool,
}

fn folder_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn name_of(bytes: &[u8]) -> &std::ffi::OsStr {
    #[cfg(unix)]
    {
        std::os::unix::ffi::OsStrExt::from_bytes(bytes)
    }
    #[cfg(not(unix))]
    {
        // SAFETY: `bytes` is exactly one name taken whole with `as_encoded_bytes` in
        // `Listing::read`, on this platform, in this process.
        unsafe { std::ffi::OsStr::from_encoded_bytes_unchecked(bytes) }
    }
}

/// One pass over a folder: the `bound` smallest entries whose names are greater than
/// `after` (all of them on the first pass), sorted by name.
struct Pass {
    names: Vec<u8>,
    entries: Vec<(u32, u16, Kind)>,
    more: bool,
    noticed: Noticed,
}

impl Pass {
    fn name(&self, e: &(u32, u16, Kind)) -> &[u8] {
        &self.names[e.0 as usize..e.0 as usize + e.1 as usize]
    }

    /// Sort by name, drop repeats (a folder changing while it is read may list a name
    /// twice) and keep the first `bound`, with their names moved to a fresh buffer.
    fn keep_smallest(&mut self, bound: usize) {
        let mut entries = std::mem::take(&mut self.entries);
        entries.sort_unstable_by(|a, b| self.name(a).cmp(self.name(b)));
        entries.dedup_by(|a, b| self.name(a) == self.name(b));
        if entries.len() > bound {
            entries.truncate(bound);
            self.more = true;
        }
        if self.more {
            let mut names = Vec::with_capacity(entries.iter().map(|e| e.1 as usize).sum());
            for e in &mut entries {
                let start = names.len() as u32;
                names.extend_from_slice(self.name(e));
                e.0 = start;
            }
            self.names = names;
        }
        self.entries = entries;
    }

    /// The largest name kept, once the pass holds `bound` names: anything greater belongs
    /// to a later pass.
    fn ceiling(&self, bound: usize) -> Option<&[u8]> {
        (self.more && self.entries.len() >= bound)
            .then(|| self.entries.last().map(|e| self.name(e)))
            .flatten()
    }

    fn read(
        dir: &Path,
        folders_only: bool,
        after: Option<&[u8]>,
        bound: usize,
    ) -> std::io::Result<Pass> {
        let bound = bound.max(1);
        let mut pass = Pass {
            names: Vec::new(),
            entries: Vec::new(),
            more: false,
            noticed: Noticed::default(),
        };
        let mut ceiling: Option<Vec<u8>> = None;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let bytes = name.as_encoded_bytes();
            // authentik 2026.2.2 `blueprints_find` skips any path part starting with a dot.
            if bytes.first() == Some(&b'.') {
                pass.noticed.gitignore |= bytes == b".gitignore";
                pass.noticed.git |= bytes == b".git";
                continue;
            }
            // Strictly after the last name already walked: no name twice, and every pass
            // but the last walks at least one name, so a changing folder still ends.
            if after.is_some_and(|a| bytes <= a) {
                continue;
            }
            let t = entry.file_type()?;
            let yaml = bytes.ends_with(b".yaml") || bytes.ends_with(b".yml");
            let kind = if t.is_dir() {
                Kind::Dir
            } else if t.is_symlink() {
                Kind::Symlink
            } else if folders_only || !yaml {
                continue;
            } else if t.is_file() {
                Kind::File
            } else {
                Kind::Special
            };
            if ceiling.as_deref().is_some_and(|c| bytes > c) {
                pass.more = true;
                continue;
            }
            let (Ok(start), Ok(len)) =
                (u32::try_from(pass.names.len()), u16::try_from(bytes.len()))
            else {
                return Err(std::io::Error::other(
                    "the folder lists over 4 GiB of names",
                ));
            };
            pass.names.extend_from_slice(bytes);
            pass.entries.push((start, len, kind));
            // Collect up to twice the bound, then keep the smallest half: memory stays
            // within the bound whatever the folder's size.
            if pass.entries.len() >= bound.saturating_mul(2) {
                pass.keep_smallest(bound);
                ceiling = pass.ceiling(bound).map(<[u8]>::to_vec);
            }
        }
        pass.keep_smallest(bound);
        pass.names.shrink_to_fit();
        pass.entries.shrink_to_fit();
        Ok(pass)
    }
}

impl Listing {
    /// Read and sort `dir` (its first `bound` names); with `folders_only`, keep only what
    /// may be a folder.
    fn read(dir: PathBuf, folders_only: bool, bound: usize) -> std::io::Result<(Listing, Noticed)> {
        let pass = Pass::read(&dir, folders_only, None, bound)?;
        let id = folder_id(&dir);
        Ok((
            Listing {
                dir,
                names: pass.names,
                entries: pass.entries,
                next: 0,
                more: pass.more,
                id,
            },
            pass.noticed,
        ))
    }

    /// Once every entry held is walked, read the folder again for the next names after the
    /// last one; `false` when there are none.
    fn read_more(&mut self, folders_only: bool, bound: usize) -> std::io::Result<bool> {
        if !self.more {
            return Ok(false);
        }
        let Some(&(start, len, _)) = self.entries.last() else {
            return Ok(false);
        };
        let last = self.names[start as usize..start as usize + len as usize].to_vec();
        let pass = Pass::read(&self.dir, folders_only, Some(&last), bound)?;
        self.names = pass.names;
        self.entries = pass.entries;
        self.next = 0;
        self.more = pass.more;
        Ok(!self.entries.is_empty())
    }
}

/// A depth-first walk in name order over the folders under a root, following symlinks and
/// refusing loops, yielding each file (or a folder's problem) as it is reached.
struct Tree {
    stack: Vec<Listing>,
    folders_only: bool,
    /// Entries a listing holds at once ([`LISTING_BOUND`]; smaller in tests).
    bound: usize,
    /// The walked folder with every link resolved: a link whose target is not under it
    /// is not followed.
    real_root: Option<PathBuf>,
    /// Every folder entered (device and inode): reached again through another link, a
    /// folder is not walked twice, so links cannot multiply the walk.
    visited: std::collections::HashSet<(u64, u64)>,
}

/// A step of [`Tree`].
enum Step {
    File {
        path: PathBuf,
        regular: bool,
    },
    /// A folder that could not be listed, a dangling link, a symlink loop.
    Problem {
        path: PathBuf,
        reason: String,
    },
    /// A symbolic link whose target is outside the walked folder: not followed.
    Outside {
        path: PathBuf,
    },
    /// A folder entered, and what its listing noticed.
    Entered {
        dir: PathBuf,
        noticed: Noticed,
    },
}

impl Tree {
    fn new(root: PathBuf, folders_only: bool, bound: usize) -> (Tree, Option<Step>) {
        let mut tree = Tree {
            stack: Vec::new(),
            folders_only,
            bound,
            real_root: root.canonicalize().ok(),
            visited: std::collections::HashSet::new(),
        };
        let first = tree.enter(root);
        (tree, first)
    }

    fn enter(&mut self, dir: PathBuf) -> Option<Step> {
        match Listing::read(dir.clone(), self.folders_only, self.bound) {
            Ok((listing, noticed)) => {
                if let Some(id) = listing.id {
                    if self.stack.iter().any(|l| l.id == Some(id)) {
                        return Some(Step::Problem {
                            path: dir,
                            reason: "symlink loop: the link points back to a folder above it"
                                .into(),
                        });
                    }
                    // Walked already under another name (a link beside its target).
                    if !self.visited.insert(id) {
                        return None;
                    }
                }
                self.stack.push(listing);
                Some(Step::Entered { dir, noticed })
            }
            Err(e) => Some(Step::Problem {
                path: dir,
                reason: crate::read::io_reason(&e),
            }),
        }
    }
}

impl Tree {
    /// What a symbolic link leads to, and whether that is inside the walked folder.
    fn link_target(&self, path: &Path) -> std::io::Result<(std::fs::Metadata, bool)> {
        let target = path.canonicalize()?;
        let meta = std::fs::metadata(&target)?;
        let inside = self
            .real_root
            .as_ref()
            .is_none_or(|root| target.starts_with(root));
        Ok((meta, inside))
    }
}

impl Iterator for Tree {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        loop {
            let top = self.stack.last_mut()?;
            let Some(&(start, len, kind)) = top.entries.get(top.next) else {
                match top.read_more(self.folders_only, self.bound) {
                    Ok(true) => continue,
                    Ok(false) => {
                        self.stack.pop();
                        continue;
                    }
                    Err(e) => {
                        let path = top.dir.clone();
                        self.stack.pop();
                        return Some(Step::Problem {
                            path,
                            reason: crate::read::io_reason(&e),
                        });
                    }
                }
            };
            top.next += 1;
            let path = top.dir.join(name_of(
                &top.names[start as usize..start as usize + len as usize],
            ));
            let kind = match kind {
                Kind::Symlink => match self.link_target(&path) {
                    Err(e) => {
                        return Some(Step::Problem {
                            reason: crate::read::io_reason(&e),
                            path,
                        })
                    }
                    Ok((m, _)) if !m.is_dir() && (self.folders_only || !is_yaml(&path)) => continue,
                    // Out of the walked folder: reported, never followed or opened.
                    Ok((_, false)) if self.folders_only => continue,
                    Ok((_, false)) => return Some(Step::Outside { path }),
                    Ok((m, true)) if m.is_dir() => Kind::Dir,
                    Ok((m, true)) if m.is_file() => Kind::File,
                    Ok(_) => Kind::Special,
                },
                k => k,
            };
            return match kind {
                // A folder walked already yields no step: go on with the next entry.
                Kind::Dir => match self.enter(path) {
                    Some(step) => Some(step),
                    None => continue,
                },
                _ => Some(Step::File {
                    path,
                    regular: kind == Kind::File,
                }),
            };
        }
    }
}

/// The files under one folder named on the command line, each classified as it is reached.
struct FolderWalk {
    root: PathBuf,
    exclude: ignore::gitignore::Gitignore,
    /// Hashes of the paths git lets through, sorted; `None` when git ignores nothing here.
    kept: Option<Vec<u64>>,
    /// Hashes of the paths git tracks, sorted: checked whatever an ignore pattern says.
    tracked: Vec<u64>,
    tree: Tree,
    /// Found before the first file: problems with ignore files, the root's own problem.
    pending: std::collections::VecDeque<Found>,
}

impl FolderWalk {
    fn new(root: PathBuf, selection: &Selection) -> FolderWalk {
        // The globs were checked by `inputs`; they parse the same under any root.
        let exclude = selection
            .matcher(&root)
            .unwrap_or_else(|_| ignore::gitignore::Gitignore::empty());
        let mut pending = std::collections::VecDeque::new();
        let mut kept = None;
        let mut tracked = Vec::new();
        if !selection.no_ignore {
            // Every ignore file git would read is checked before git's rules are read: a
            // survey of the folders, keeping nothing but what it notices.
            let mut ignore_files = ancestor_ignore_files(&root);
            // The work trees whose files git tracks: the one around the folder, and each
            // nested one (a folder holding `.git`).
            let mut work_trees = Vec::new();
            if under_git(&root) {
                work_trees.push(root.clone());
            }
            let (survey, first) = Tree::new(root.clone(), true, LISTING_BOUND);
            for step in first.into_iter().chain(survey) {
                if let Step::Entered { dir, noticed } = step {
                    if noticed.git && !work_trees.contains(&dir) {
                        work_trees.push(dir.clone());
                    }
                    if noticed.gitignore {
                        ignore_files.push(dir.join(".gitignore"));
                    }
                }
            }
            let mut honour_git = true;
            for path in &ignore_files {
                if let Some(why) = unsafe_ignore_file(path) {
                    honour_git = false;
                    pending.push_back(Found::Input(Input::Unreadable {
                        name: display(path),
                        reason: format!(
                            "this ignore file is {why}; it is not read, so nothing under {} is \
                             skipped as ignored by git",
                            display(&root)
                        ),
                    }));
                }
            }
            if honour_git && !work_trees.is_empty() {
                // Ignore patterns apply to untracked files only; when git cannot say which
                // files it tracks, nothing is skipped as ignored (in doubt, check).
                let asked: Option<Vec<Vec<u64>>> =
                    work_trees.iter().map(|w| tracked_by_git(w)).collect();
                if let Some(lists) = asked {
                    tracked = lists.concat();
                    tracked.sort_unstable();
                    tracked.dedup();
                    kept = Some(kept_by_git(&root));
                }
            }
        }
        let (tree, first) = Tree::new(root.clone(), false, LISTING_BOUND);
        let mut walk = FolderWalk {
            root,
            exclude,
            kept,
            tracked,
            tree,
            pending,
        };
        if let Some(step) = first {
            if let Some(found) = walk.found(step) {
                walk.pending.push_back(found);
            }
        }
        walk
    }

    fn found(&self, step: Step) -> Option<Found> {
        match step {
            Step::Entered { .. } => None,
            Step::Problem { path, reason } => Some(Found::Input(Input::Unreadable {
                name: display(&path),
                reason,
            })),
            Step::Outside { path } => Some(Found::Skipped(Skipped {
                name: display(&path),
                reason: SkipReason::LinkOutside,
            })),
            Step::File { path, regular } => {
                let relative = path.strip_prefix(&self.root).unwrap_or(&path);
                let excluded = !relative.has_root()
                    && self
                        .exclude
                        .matched_path_or_any_parents(relative, false)
                        .is_ignore();
                let reason = if excluded {
                    Some(SkipReason::Excluded)
                } else if self.kept.as_ref().is_some_and(|k| {
                    let h = path_hash(&path);
                    k.binary_search(&h).is_err() && self.tracked.binary_search(&h).is_err()
                }) {
                    Some(SkipReason::Ignored)
                } else if !regular {
                    Some(SkipReason::SpecialFile)
                } else {
                    None
                };
                Some(match reason {
                    Some(reason) => Found::Skipped(Skipped {
                        name: display(&path),
                        reason,
                    }),
                    None => Found::Input(Input::File {
                        name: display(&path),
                        path,
                        explicit: false,
                    }),
                })
            }
        }
    }
}

impl Iterator for FolderWalk {
    type Item = Found;

    fn next(&mut self) -> Option<Found> {
        if let Some(found) = self.pending.pop_front() {
            return Some(found);
        }
        loop {
            let step = self.tree.next()?;
            if let Some(found) = self.found(step) {
                return Some(found);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every step of a walk in a comparable form: files and the folders entered.
    fn walk(root: &Path, folders_only: bool, bound: usize) -> Vec<String> {
        let (tree, first) = Tree::new(root.to_path_buf(), folders_only, bound);
        first
            .into_iter()
            .chain(tree)
            .map(|step| match step {
                Step::File { path, regular } => format!("file {} {regular}", path.display()),
                Step::Entered { dir, .. } => format!("dir {}", dir.display()),
                Step::Problem { path, reason } => format!("problem {} {reason}", path.display()),
                Step::Outside { path } => format!("outside {}", path.display()),
            })
            .collect()
    }

    /// Sub-folders between files, names that are byte-prefixes of others, files that are
    /// not YAML and dot-names, in a folder much larger than the small bounds tried.
    fn mixed_tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for i in 0..40 {
            std::fs::write(root.join(format!("f{i:02}.yaml")), "").unwrap();
            std::fs::write(root.join(format!("f{i:02}.txt")), "").unwrap();
        }
        for name in [
            "a.yaml",
            "a.yaml.yaml",
            "a.yml",
            "ab.yaml",
            "B.yaml",
            "z\u{e9}.yaml",
            ".hidden.yaml",
        ] {
            std::fs::write(root.join(name), "").unwrap();
        }
        for sub in ["a", "f1", "f20x", "zz", ".git"] {
            std::fs::create_dir(root.join(sub)).unwrap();
            for i in 0..7 {
                std::fs::write(root.join(sub).join(format!("{i}.yaml")), "").unwrap();
            }
        }
        std::fs::create_dir(root.join("f1").join("deeper")).unwrap();
        std::fs::write(root.join("f1").join("deeper").join("x.yml"), "").unwrap();
        dir
    }

    #[test]
    fn a_folder_over_the_bound_walks_in_the_same_order_as_one_pass() {
        let dir = mixed_tree();
        let whole = walk(dir.path(), false, usize::MAX);
        // 46 YAML files at the root and 29 in the folders outside `.git`.
        assert_eq!(
            whole.iter().filter(|s| s.starts_with("file")).count(),
            46 + 29
        );
        // The root's own files, byte-wise sorted; `B.yaml` before `a.yaml`.
        let prefix = format!("file {}/", dir.path().display());
        let top: Vec<&str> = whole
            .iter()
            .filter_map(|s| s.strip_prefix(&prefix))
            .filter(|s| !s.contains('/'))
            .collect();
        assert!(top.windows(2).all(|w| w[0] < w[1]), "{top:?}");
        assert_eq!(
            top[..4],
            [
                "B.yaml true",
                "a.yaml true",
                "a.yaml.yaml true",
                "a.yml true"
            ]
        );
        for bound in [1, 2, 3, 5, 7, 64] {
            assert_eq!(walk(dir.path(), false, bound), whole, "bound {bound}");
            assert_eq!(
                walk(dir.path(), true, bound),
                walk(dir.path(), true, usize::MAX),
                "folders only, bound {bound}"
            );
        }
    }

    #[test]
    fn a_folder_that_changes_during_a_bounded_walk_ends_and_repeats_no_name() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..20 {
            std::fs::write(dir.path().join(format!("m{i:02}.yaml")), "").unwrap();
        }
        let (tree, first) = Tree::new(dir.path().to_path_buf(), false, 3);
        assert!(matches!(first, Some(Step::Entered { .. })));
        let mut seen = Vec::new();
        let mut added = 0;
        for step in tree {
            let Step::File { path, .. } = step else {
                panic!("unexpected step");
            };
            // The first ten steps each add a name before the cursor (never walked), one
            // after it (walked later) and remove one ahead; the walk still ends.
            if added < 10 {
                std::fs::write(dir.path().join(format!("a{added:03}.yaml")), "").unwrap();
                std::fs::write(dir.path().join(format!("z{added:03}.yaml")), "").unwrap();
                let _ = std::fs::remove_file(dir.path().join(format!("m{:02}.yaml", 19 - added)));
                added += 1;
            }
            seen.push(path);
            assert!(seen.len() < 1000, "the walk did not end");
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "a name was walked twice");
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "not in order: {seen:?}"
        );
        assert!(seen.iter().all(|p| !p.ends_with("a000.yaml")));
        assert!(seen.iter().any(|p| p.ends_with("z009.yaml")));
        assert!(seen.iter().all(|p| !p.ends_with("m19.yaml")));
    }
}
