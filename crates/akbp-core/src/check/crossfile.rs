//! What one blueprint can know about the others checked in the same run: a small index of
//! the names and paths under which authentik would create a BlueprintInstance for each, so
//! that `metaapplyblueprint` references between the user's own files can be checked.
//!
//! `validate` streams: reports are written chunk by chunk in input order, and a reference
//! may name a file that comes later. So the index is built by a separate pass over all
//! inputs, and only when a rule asks for it (an entry names a blueprint authentik does not
//! ship): the rule then reports nothing, [`CrossFile::take_wanted`] tells the caller to
//! build the index (the command line's `validate::blueprint_index`) and check that chunk again. A run
//! without such a reference never builds it. The index keeps 64-bit hashes, not strings:
//! three or four numbers a file.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use crate::blueprint::objects::{Dependency, Objects};

/// Which blueprints a run sees besides authentik's shipped ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// One file (or standard input) checked alone: its references to other local
    /// blueprints cannot be verified.
    #[default]
    Alone,
    /// Several files named one by one (a pre-commit hook passes the changed ones): the
    /// others count, but the set is not known to be complete.
    Files,
    /// At least one folder was given: each is a blueprints root, and together they are the
    /// whole set, so a reference found nowhere is an error.
    Folders,
}

impl Scope {
    /// The scope of a command line: any folder makes it complete; otherwise one input is
    /// alone and several are some files only.
    pub fn of(any_folder: bool, inputs: usize) -> Scope {
        if any_folder {
            Scope::Folders
        } else if inputs > 1 {
            Scope::Files
        } else {
            Scope::Alone
        }
    }
}

fn hash(kind: u8, parts: &[&str]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    kind.hash(&mut h);
    parts.hash(&mut h);
    h.finish()
}

const NAME: u8 = 0;
const PATH: u8 = 1;
const PAIR: u8 = 2;
const OBJECT: u8 = 3;
const FILE: u8 = 4;

/// One blueprint of the run, as the others see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedFile {
    /// The file as given on the command line (how reports name it).
    pub file: String,
    /// How a `metaapplyblueprint` names it: its path relative to its blueprints root when
    /// known, else its `metadata.name`.
    pub reference: Dependency,
    /// Keys of the blueprints it applies first (required `metaapplyblueprint` entries).
    deps: Vec<u64>,
}

impl IndexedFile {
    /// The `metaapplyblueprint` entry that makes a blueprint apply this one first.
    pub fn apply_entry(&self) -> String {
        let (key, value) = match (&self.reference.path, &self.reference.name) {
            (Some(p), _) => ("path", p),
            (None, Some(n)) => ("name", n),
            (None, None) => ("path", &self.file),
        };
        format!(
            "- model: authentik_blueprints.metaapplyblueprint\n  attrs:\n    identifiers:\n      {key}: {value}\n    required: true"
        )
    }
}

/// The hash a lookup `(field, value)` of `model` and an object with that field share.
pub fn object_key(model: &str, field: &str, value: &str) -> u64 {
    hash(OBJECT, &[model, field, value])
}

/// The instances a run's blueprints would become, as hashes of their names and paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlueprintIndex {
    instances: HashSet<u64>,
    /// Names and paths of blueprints authentik would not instantiate (`.yml`, labelled
    /// `instantiate: "false"`), for a precise message.
    not_instantiated: HashSet<u64>,
    /// Some blueprint's path is unknown (one embedded in a ConfigMap, Secret or custom
    /// resource: its path depends on where it is mounted), so a path reference found
    /// nowhere may still be right.
    pub paths_unknown: bool,
    /// Some input could not be read again for the index (standard input), so a name found
    /// nowhere may still be right.
    pub names_unknown: bool,
    /// The blueprints authentik would apply, by id (their position here).
    files: Vec<IndexedFile>,
    /// Every `(model, field, value)` of an object a blueprint creates -> the ids creating it.
    objects: HashMap<u64, Vec<u32>>,
    /// Instance keys (name, path, both) -> the ids of the blueprints they name.
    instance_files: HashMap<u64, Vec<u32>>,
    /// The hash of a file as given -> its id.
    by_file: HashMap<u64, u32>,
}

impl BlueprintIndex {
    /// Record one blueprint under its name and each path it may have (relative to each
    /// blueprints root holding it). A blueprint authentik would not instantiate is kept
    /// apart.
    pub fn add(&mut self, name: Option<&str>, paths: &[String], instantiated: bool) {
        let set = if instantiated {
            &mut self.instances
        } else {
            &mut self.not_instantiated
        };
        if let Some(n) = name {
            set.insert(hash(NAME, &[n]));
        }
        for p in paths {
            set.insert(hash(PATH, &[p]));
            if let Some(n) = name {
                set.insert(hash(PAIR, &[n, p]));
            }
        }
    }

    /// Record the objects a blueprint authentik applies creates, and the blueprints it
    /// applies first. `name` and `paths` as for [`BlueprintIndex::add`].
    pub fn add_objects(
        &mut self,
        file: &str,
        name: Option<&str>,
        paths: &[String],
        objects: &Objects,
    ) {
        let id = self.files.len() as u32;
        let reference = Dependency {
            name: name.map(str::to_string),
            path: paths.first().cloned(),
        };
        self.files.push(IndexedFile {
            file: file.to_string(),
            reference,
            deps: objects
                .depends
                .iter()
                .filter_map(|d| Self::key(d.name.as_deref(), d.path.as_deref()))
                .collect(),
        });
        self.by_file.insert(hash(FILE, &[file]), id);
        let mut keys: Vec<u64> = Vec::new();
        if let Some(n) = name {
            keys.push(hash(NAME, &[n]));
        }
        for p in paths {
            keys.push(hash(PATH, &[p]));
            if let Some(n) = name {
                keys.push(hash(PAIR, &[n, p]));
            }
        }
        for k in keys {
            self.instance_files.entry(k).or_default().push(id);
        }
        for o in objects.created.iter().filter(|o| !o.absent) {
            for (f, v) in &o.fields {
                let ids = self.objects.entry(object_key(&o.model, f, v)).or_default();
                if ids.last() != Some(&id) {
                    ids.push(id);
                }
            }
        }
    }

    /// The blueprint with id `id`.
    pub fn file(&self, id: u32) -> &IndexedFile {
        &self.files[id as usize]
    }

    /// The id of the blueprint read from `file` (as given), if it is one authentik applies.
    pub fn id_of(&self, file: &str) -> Option<u32> {
        self.by_file.get(&hash(FILE, &[file])).copied()
    }

    /// The blueprints creating an object of one of `models` that has every `(field,
    /// value)` of `pairs`, by id, sorted.
    pub fn creators(&self, models: &[String], pairs: &[(String, String)]) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for m in models {
            let mut found: Option<Vec<u32>> = None;
            for (f, v) in pairs {
                let ids = self
                    .objects
                    .get(&object_key(m, f, v))
                    .cloned()
                    .unwrap_or_default();
                found = Some(match found {
                    None => ids,
                    Some(prev) => prev.into_iter().filter(|i| ids.contains(i)).collect(),
                });
            }
            out.extend(found.unwrap_or_default());
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether a blueprint applying `deps` first (directly or through the blueprints
    /// they apply) applies `target` before itself.
    pub fn reaches(&self, deps: &[Dependency], target: u32) -> bool {
        let mut seen: HashSet<u32> = HashSet::new();
        let mut todo: Vec<u64> = deps
            .iter()
            .filter_map(|d| Self::key(d.name.as_deref(), d.path.as_deref()))
            .collect();
        while let Some(k) = todo.pop() {
            for &id in self.instance_files.get(&k).into_iter().flatten() {
                if id == target {
                    return true;
                }
                if seen.insert(id) {
                    todo.extend(self.files[id as usize].deps.iter().copied());
                }
            }
        }
        false
    }

    pub fn merge(mut self, other: BlueprintIndex) -> BlueprintIndex {
        let offset = self.files.len() as u32;
        self.files.extend(other.files);
        for (k, ids) in other.objects {
            self.objects
                .entry(k)
                .or_default()
                .extend(ids.into_iter().map(|i| i + offset));
        }
        for (k, ids) in other.instance_files {
            self.instance_files
                .entry(k)
                .or_default()
                .extend(ids.into_iter().map(|i| i + offset));
        }
        self.by_file
            .extend(other.by_file.into_iter().map(|(k, i)| (k, i + offset)));
        self.instances.extend(other.instances);
        self.not_instantiated.extend(other.not_instantiated);
        self.paths_unknown |= other.paths_unknown;
        self.names_unknown |= other.names_unknown;
        self
    }

    fn key(name: Option<&str>, path: Option<&str>) -> Option<u64> {
        match (name, path) {
            (Some(n), Some(p)) => Some(hash(PAIR, &[n, p])),
            (Some(n), None) => Some(hash(NAME, &[n])),
            (None, Some(p)) => Some(hash(PATH, &[p])),
            (None, None) => None,
        }
    }

    /// Whether a filter by `name` and/or `path` finds one of the run's instances.
    pub fn has(&self, name: Option<&str>, path: Option<&str>) -> bool {
        Self::key(name, path).is_some_and(|k| self.instances.contains(&k))
    }

    /// Whether it names one of the run's blueprints that authentik would not instantiate.
    pub fn has_not_instantiated(&self, name: Option<&str>, path: Option<&str>) -> bool {
        Self::key(name, path).is_some_and(|k| self.not_instantiated.contains(&k))
    }

    /// How many hashes it holds (for tests of its size).
    pub fn len(&self) -> usize {
        self.instances.len() + self.not_instantiated.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The paths under which authentik could know a file: relative to each blueprints root
/// that holds it, or, for a file outside every root, each tail of its path (`a/b.yaml`,
/// `b.yaml`), since where it will be mounted is unknown. `None`: authentik's discovery
/// never loads it (`rglob("**/*.yaml")`, no path part starting with a dot).
pub fn instance_paths(file: &Path, roots: &[PathBuf]) -> Option<Vec<String>> {
    let parts = |p: &Path| -> Vec<String> {
        p.components()
            .filter_map(|c| match c {
                std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect()
    };
    if !file.to_string_lossy().ends_with(".yaml") {
        return None;
    }
    let under: Vec<Vec<String>> = roots
        .iter()
        .filter_map(|r| file.strip_prefix(r).ok())
        .map(parts)
        .filter(|p| !p.is_empty())
        .collect();
    if !under.is_empty() {
        let found: Vec<String> = under
            .into_iter()
            .filter(|p| !p.iter().any(|s| s.starts_with('.')))
            .map(|p| p.join("/"))
            .collect();
        return (!found.is_empty()).then_some(found);
    }
    let all = parts(file);
    if all.last().is_some_and(|s| s.starts_with('.')) {
        return None;
    }
    Some(
        (0..all.len())
            .map(|i| all[i..].join("/"))
            .filter(|p| !p.split('/').any(|s| s.starts_with('.')))
            .collect(),
    )
}

/// The run's view of the other blueprints, shared by every file's check.
#[derive(Debug, Default)]
pub struct CrossFile {
    scope: Scope,
    /// The folders given on the command line: the blueprints roots paths are relative to.
    pub roots: Vec<PathBuf>,
    index: OnceLock<BlueprintIndex>,
    wanted: AtomicBool,
}

impl CrossFile {
    pub fn new(scope: Scope, roots: Vec<PathBuf>) -> Self {
        CrossFile {
            scope,
            roots,
            ..CrossFile::default()
        }
    }

    /// A run whose index is already known (tests, fixtures).
    pub fn with_index(scope: Scope, index: BlueprintIndex) -> Self {
        let c = CrossFile::new(scope, Vec::new());
        let _ = c.index.set(index);
        c
    }

    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The index, when the scope has one and it is built. `None` in a wider scope means
    /// "not yet": the request is noted, and the caller checks the file again once it is
    /// built, so a rule reports nothing now.
    pub fn index(&self) -> Option<&BlueprintIndex> {
        if self.scope == Scope::Alone {
            return None;
        }
        let found = self.index.get();
        if found.is_none() {
            self.wanted.store(true, Ordering::Relaxed);
        }
        found
    }

    /// Whether a check asked for the index since the last call (and it is not built).
    pub fn take_wanted(&self) -> bool {
        self.wanted.swap(false, Ordering::Relaxed) && self.index.get().is_none()
    }

    /// Whether the index was built (a run without references to local blueprints never
    /// builds it).
    pub fn is_built(&self) -> bool {
        self.index.get().is_some()
    }

    /// Provide the index; later checks see it.
    pub fn set_index(&self, index: BlueprintIndex) {
        let _ = self.index.set(index);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_each_root_or_every_tail_outside_them() {
        let roots = vec![PathBuf::from("bp"), PathBuf::from("bp/custom")];
        assert_eq!(
            instance_paths(Path::new("bp/custom/a.yaml"), &roots).unwrap(),
            vec!["custom/a.yaml", "a.yaml"]
        );
        assert_eq!(instance_paths(Path::new("bp/a.yml"), &roots), None);
        assert_eq!(instance_paths(Path::new("bp/.hidden/a.yaml"), &roots), None);
        assert_eq!(
            instance_paths(Path::new("./x/y.yaml"), &[]).unwrap(),
            vec!["x/y.yaml", "y.yaml"]
        );
    }

    #[test]
    fn a_name_and_a_path_must_belong_to_the_same_blueprint() {
        let mut i = BlueprintIndex::default();
        i.add(Some("A"), &["a.yaml".into()], true);
        i.add(Some("B"), &["b.yaml".into()], true);
        i.add(Some("C"), &["c.yaml".into()], false);
        assert!(i.has(Some("A"), None));
        assert!(i.has(None, Some("b.yaml")));
        assert!(i.has(Some("A"), Some("a.yaml")));
        assert!(!i.has(Some("A"), Some("b.yaml")));
        assert!(!i.has(Some("C"), None));
        assert!(i.has_not_instantiated(Some("C"), None));
    }

    #[test]
    fn the_index_is_wanted_only_in_a_wider_scope_until_built() {
        let alone = CrossFile::new(Scope::Alone, Vec::new());
        assert!(alone.index().is_none());
        assert!(!alone.take_wanted());
        let folders = CrossFile::new(Scope::Folders, Vec::new());
        assert!(folders.index().is_none());
        assert!(folders.take_wanted());
        assert!(!folders.take_wanted());
        folders.set_index(BlueprintIndex::default());
        assert!(folders.index().is_some());
        assert!(!folders.take_wanted());
    }
}
