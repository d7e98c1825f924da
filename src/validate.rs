//! `akbp validate`: read every input, check it, and collect the reports in input order.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::input::{Input, SkipTally, Skipped};
use crate::read::{self, Fs};
use akbp_core::blueprint::objects::objects;
use akbp_core::blueprint::Blueprint;
use akbp_core::check::crossfile::{instance_paths, BlueprintIndex, CrossFile, Scope};
use akbp_core::check::{self, FileReport, Options, Severity};
use akbp_core::load::{self, LoadError, LoadErrorKind};

/// Check all inputs in parallel; the result keeps the inputs' order.
pub fn run(inputs: &[Input], options: &Options, fs: &dyn Fs) -> Vec<FileReport> {
    inputs
        .par_iter()
        .map(|input| check_input(input, options, fs))
        .collect()
}

/// The run's view of its blueprints for `paths` given on the command line, expanded to
/// `inputs` files: each folder is a blueprints root.
pub fn cross_file(paths: &[PathBuf], inputs: usize) -> CrossFile {
    let roots: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    CrossFile::new(Scope::of(!roots.is_empty(), inputs), roots)
}

/// Check one chunk of a streamed run. When a check needed the run's blueprint index (a
/// `metaapplyblueprint` naming a blueprint authentik does not ship) before it was built,
/// build it from `all` inputs now and check the chunk again: earlier chunks never asked,
/// so their reports stand. A run without such a reference reads every file once.
pub fn run_chunk(
    chunk: &[Input],
    all: &[Input],
    options: &Options,
    fs: &dyn Fs,
) -> Vec<FileReport> {
    run_chunk_with(
        chunk,
        || blueprint_index(all, &options.crossfile.roots, fs),
        options,
        fs,
    )
}

/// [`run_chunk`] for a run that holds no list of its inputs: `index` builds the blueprint
/// index (from a second walk of the command line's paths) if a check asks for it.
pub fn run_chunk_with(
    chunk: &[Input],
    index: impl FnOnce() -> BlueprintIndex,
    options: &Options,
    fs: &dyn Fs,
) -> Vec<FileReport> {
    let reports = run(chunk, options, fs);
    if !options.crossfile.take_wanted() {
        return reports;
    }
    drop(reports);
    options.crossfile.set_index(index());
    run(chunk, options, fs)
}

/// The blueprint index of a streamed walk, built chunk by chunk; a walk that cannot start
/// (a bad `--exclude`, already refused before any check) gives an empty index.
pub fn blueprint_index_of(
    walk: Result<crate::input::Inputs, crate::input::ExcludeError>,
    roots: &[PathBuf],
    fs: &dyn Fs,
) -> BlueprintIndex {
    let Ok(mut walk) = walk else {
        return BlueprintIndex::default();
    };
    let mut skipped = SkipTally::new(false);
    let mut index = BlueprintIndex::default();
    loop {
        let chunk = walk.next_chunk(256, &mut skipped);
        if chunk.is_empty() {
            return index;
        }
        index = index.merge(blueprint_index(&chunk, roots, fs));
    }
}

/// Check each input with its own options (`options[i]` for `inputs[i]`, as
/// [`crate::config::Settings::assign`] pairs them); the result keeps the inputs' order.
pub fn run_each(inputs: &[Input], options: &[Arc<Options>], fs: &dyn Fs) -> Vec<FileReport> {
    inputs
        .par_iter()
        .zip(options.par_iter())
        .map(|(input, options)| check_input(input, options, fs))
        .collect()
}

/// [`run_chunk`] with each input's own options (its akbp.toml). Every options of a run
/// share the run's one `crossfile` (see [`crate::config::Settings`]), so the index is
/// built at most once.
pub fn run_chunk_each(
    chunk: &[Input],
    options: &[Arc<Options>],
    all: &[Input],
    crossfile: &CrossFile,
    fs: &dyn Fs,
) -> Vec<FileReport> {
    run_chunk_each_with(
        chunk,
        options,
        crossfile,
        || blueprint_index(all, &crossfile.roots, fs),
        fs,
    )
}

/// [`run_chunk_each`] for a run that holds no list of its inputs: `index` builds the
/// blueprint index (from a second walk of the command line's paths) if a check asks for it.
pub fn run_chunk_each_with(
    chunk: &[Input],
    options: &[Arc<Options>],
    crossfile: &CrossFile,
    index: impl FnOnce() -> BlueprintIndex,
    fs: &dyn Fs,
) -> Vec<FileReport> {
    let reports = run_each(chunk, options, fs);
    if !crossfile.take_wanted() {
        return reports;
    }
    drop(reports);
    crossfile.set_index(index());
    run_each(chunk, options, fs)
}

/// The names and paths under which authentik would create an instance for each blueprint
/// in `inputs` (authentik/blueprints/v1/tasks.py `blueprints_find`, 2026.2.2): read again,
/// in parallel, keeping only hashes. Standard input cannot be read twice: its blueprint
/// counts as unknown.
pub fn blueprint_index(inputs: &[Input], roots: &[PathBuf], fs: &dyn Fs) -> BlueprintIndex {
    inputs
        .par_iter()
        .map(|input| index_input(input, roots, fs))
        .reduce(BlueprintIndex::default, BlueprintIndex::merge)
}

fn index_input(input: &Input, roots: &[PathBuf], fs: &dyn Fs) -> BlueprintIndex {
    let mut index = BlueprintIndex::default();
    let path = match input {
        Input::File { path, .. } => path,
        Input::Stdin => {
            index.names_unknown = true;
            index.paths_unknown = true;
            return index;
        }
        Input::Unreadable { .. } => return index,
    };
    let Ok(source) = read::read_source(fs, path, &path.display().to_string()) else {
        return index;
    };
    // authentik loads one document per file; several fail to load (read_file says so).
    let akbp_core::wrapper::FileContents::Documents { docs, alone } =
        akbp_core::wrapper::read_file(&source)
    else {
        return index;
    };
    for found in docs
        .into_iter()
        .flat_map(|d| akbp_core::wrapper::classify(d, alone))
    {
        match found {
            akbp_core::wrapper::Found::Blueprint(doc) => {
                let paths = instance_paths(path, roots);
                let (name, instantiated) = discovered(&doc);
                // No metadata: authentik names the instance by its path.
                let name = name.or_else(|| paths.as_ref().and_then(|p| p.first().cloned()));
                let applied = instantiated && paths.is_some();
                let paths = paths.unwrap_or_default();
                index.add(name.as_deref(), &paths, applied);
                // Objects of a blueprint authentik never applies exist nowhere.
                if applied {
                    let objects = objects(&Blueprint::new(&doc));
                    index.add_objects(input.name(), name.as_deref(), &paths, &objects);
                }
            }
            akbp_core::wrapper::Found::Wrapper { trees, texts, .. } => {
                // Mounted somewhere akbp does not know: the name counts, the path is unknown.
                index.paths_unknown = true;
                let parsed = texts.into_iter().filter_map(|t| t.parsed.ok());
                for doc in trees.into_iter().chain(parsed) {
                    let (name, instantiated) = discovered(&doc);
                    index.add(name.as_deref(), &[], instantiated);
                    if instantiated {
                        let objects = objects(&Blueprint::new(&doc));
                        index.add_objects(input.name(), name.as_deref(), &[], &objects);
                    }
                }
            }
            _ => {}
        }
    }
    index
}

/// A blueprint's `metadata.name` (when it is a plain string) and whether authentik's
/// discovery instantiates it: `version` 1 (the default) and no
/// `blueprints.goauthentik.io/instantiate: "false"` label.
fn discovered(doc: &load::Document) -> (Option<String>, bool) {
    let root = &doc.root;
    let version_one = root
        .get("version")
        .is_none_or(|v| matches!(v.scalar_value(), Some(load::Scalar::Int(1))));
    let meta = root.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let off = meta
        .and_then(|m| m.get("labels"))
        .and_then(|l| l.get("blueprints.goauthentik.io/instantiate"))
        .and_then(|v| v.scalar_text())
        .is_some_and(|v| v.eq_ignore_ascii_case("false"));
    (name, version_one && !off)
}

/// Check one input. Never panics on its content; a failure is a finding for that input.
pub fn check_input(input: &Input, options: &Options, fs: &dyn Fs) -> FileReport {
    let name = input.name().to_string();
    let source = match input {
        Input::Unreadable { reason, .. } => {
            return check::failed_file(
                &name,
                None,
                &LoadError::whole_file(LoadErrorKind::Io, format!("cannot read: {reason}")),
            )
            .resolved(options);
        }
        Input::Stdin => match stdin_bytes() {
            Ok(buf) => load::decode(&name, buf.clone()),
            Err(e) => Err(LoadError::whole_file(
                LoadErrorKind::Io,
                format!("cannot read standard input: {e}"),
            )),
        },
        Input::File { path, .. } => read::read_source(fs, path, &name),
    };
    let explicit = !matches!(
        input,
        Input::File {
            explicit: false,
            ..
        }
    );
    match source {
        Ok(source) => check::located::check_file(source, options, explicit),
        Err(e) => check::failed_file(&name, None, &e).resolved(options),
    }
}

/// Standard input, read once per process: a chunk checked again (see [`run_chunk`]) sees
/// the same text.
fn stdin_bytes() -> &'static Result<Vec<u8>, String> {
    static STDIN: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
    STDIN.get_or_init(|| {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(load::MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .map(|_| buf)
            .map_err(|e| e.to_string())
    })
}

/// Move reports of files that turned out not to be blueprints (and hold no note) to
/// the skipped list, so the summary counts them as skipped, not as checked.
pub fn split_skipped(reports: Vec<FileReport>, skipped: &mut SkipTally) -> Vec<FileReport> {
    let mut kept = Vec::with_capacity(reports.len());
    for r in reports {
        match r.skipped {
            Some(reason) if r.findings.is_empty() => skipped.add(Skipped {
                name: r.name,
                reason,
            }),
            _ => kept.push(r),
        }
    }
    kept
}

/// Whether any input could be read at all (exit code 2 otherwise).
pub fn any_readable(reports: &[FileReport]) -> bool {
    reports.iter().any(|r| r.source.is_some())
}

/// The most severe finding in `reports`.
pub fn worst_severity(reports: &[FileReport]) -> Option<Severity> {
    reports.iter().filter_map(FileReport::worst).max()
}

/// The exit code for a finished run: 1 with error-level findings (or warnings when denied).
pub fn exit_code(reports: &[FileReport], deny_warnings: bool) -> i32 {
    exit_code_for(worst_severity(reports), deny_warnings)
}

/// The exit code for a run whose most severe finding is `worst`.
pub fn exit_code_for(worst: Option<Severity>, deny_warnings: bool) -> i32 {
    match worst {
        Some(Severity::Error) => 1,
        Some(Severity::Warning) if deny_warnings => 1,
        _ => 0,
    }
}
