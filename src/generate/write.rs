//! Writing generated blueprints: every destination is checked before any is written,
//! each file is written to a temporary file in the same directory, synced, then moved
//! into place. Without `force` an existing file is never replaced, not even by a race:
//! the move is a hard link, which fails when the name exists.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::read::io_reason;
use akbp_core::generate::{Blueprint, GenerateError, SecretOutcome};

/// Where each blueprint goes for `-o PATH`: PATH itself for a single blueprint (unless
/// PATH is an existing directory or ends in `/`), else `PATH/<slug>.yaml`.
pub fn destinations(blueprints: &[Blueprint], output: &Path) -> Vec<PathBuf> {
    let as_dir = blueprints.len() > 1
        || output.is_dir()
        || output.as_os_str().to_string_lossy().ends_with('/');
    blueprints
        .iter()
        .map(|b| {
            if as_dir {
                output.join(&b.file_name)
            } else {
                output.to_path_buf()
            }
        })
        .collect()
}

/// A warning for a destination authentik would not discover in its blueprints folder
/// (only `*.yaml`; `.yml` and other names are skipped).
pub fn discovery_note(path: &Path) -> Option<String> {
    let yaml = path.extension().is_some_and(|e| e == "yaml");
    (!yaml).then(|| {
        format!(
            "{} does not end in .yaml: authentik discovers only *.yaml files in its blueprints folder",
            path.display()
        )
    })
}

/// Write every blueprint under `output`; returns the paths written, in order.
pub fn write_all(
    blueprints: &[Blueprint],
    output: &Path,
    force: bool,
) -> Result<Vec<PathBuf>, GenerateError> {
    let paths = destinations(blueprints, output);
    for (i, path) in paths.iter().enumerate() {
        if paths[..i].contains(path) {
            return Err(GenerateError::SameOutput(path.clone()));
        }
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_dir() => {
                return Err(GenerateError::Io {
                    path: path.clone(),
                    reason: "it is a directory".into(),
                })
            }
            Ok(_) if !force => return Err(GenerateError::OutputExists(path.clone())),
            // --force replaces a file, never a symlink's target, a FIFO or a device.
            Ok(meta) if !meta.is_file() => {
                return Err(GenerateError::Io {
                    path: path.clone(),
                    reason: format!(
                        "{}, not a regular file; --force replaces only regular files",
                        if meta.file_type().is_symlink() {
                            "a symbolic link"
                        } else {
                            crate::read::special_kind(&meta).unwrap_or("not a regular file")
                        }
                    ),
                })
            }
            _ => {}
        }
    }
    // Missing folders are created (`-o new/dir/file.yaml`, `-o DIR` for several).
    for path in &paths {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| GenerateError::Io {
                path: dir.to_path_buf(),
                reason: io_reason(&e),
            })?;
        }
    }
    for (bp, path) in blueprints.iter().zip(&paths) {
        let private = bp.secret == SecretOutcome::Random;
        write_atomic(path, bp.text.as_bytes(), force, private).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => GenerateError::OutputExists(path.clone()),
            _ => GenerateError::Io {
                path: path.clone(),
                reason: io_reason(&e),
            },
        })?;
    }
    Ok(paths)
}

/// Write `bytes` to `path` through a synced temporary file in the same directory.
/// `private` files (holding a secret) are readable by their owner only.
pub fn write_atomic(path: &Path, bytes: &[u8], replace: bool, private: bool) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("the path names no file"))?
        .to_string_lossy()
        .into_owned();
    let (tmp, mut file) = create_temp(dir, &name, private)?;
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if replace {
            fs::rename(&tmp, path)
        } else {
            match fs::hard_link(&tmp, path) {
                Ok(()) => fs::remove_file(&tmp),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
                // File systems without hard links: check, then rename (a small window).
                Err(_) if fs::symlink_metadata(path).is_err() => fs::rename(&tmp, path),
                Err(_) => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
            }
        }
    })();
    settle(result, &tmp, dir)
}

/// The end of a write through `create_temp`: on failure the temporary file is removed, on
/// success the folder is synced so the rename itself is durable.
pub(crate) fn settle<E>(result: Result<(), E>, tmp: &Path, dir: &Path) -> Result<(), E> {
    if result.is_err() {
        let _ = fs::remove_file(tmp);
        return result;
    }
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A new temporary file next to the destination, dot-prefixed (authentik skips
/// dot-prefixed paths) and ending in `.tmp` (not `.yaml`, so it is never discovered).
pub(crate) fn create_temp(
    dir: &Path,
    name: &str,
    private: bool,
) -> io::Result<(PathBuf, fs::File)> {
    let mut last = None;
    for n in 0..100u32 {
        let tmp = dir.join(format!(".{name}.akbp-{}-{n}.tmp", std::process::id()));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(if private { 0o600 } else { 0o644 });
        }
        #[cfg(not(unix))]
        let _ = private;
        match opts.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file name left")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate, GenerateOptions};

    fn two() -> Vec<Blueprint> {
        let mut o = GenerateOptions::new("gravitee", "https://x.example", "https://ak.example");
        o.integrations.push("netbird".into());
        o.naming.app_url = None;
        o.domain = Some("example.com".into());
        generate(&o).unwrap()
    }

    #[test]
    fn writes_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bp");
        let bps = two();
        let paths = write_all(&bps, &out, false).unwrap();
        assert_eq!(
            paths,
            vec![out.join("gravitee.yaml"), out.join("netbird.yaml")]
        );
        assert_eq!(fs::read_to_string(&paths[0]).unwrap(), bps[0].text);

        // One file exists: without force nothing is written, not even the other one.
        fs::remove_file(&paths[0]).unwrap();
        fs::write(&paths[1], "mine").unwrap();
        let e = write_all(&bps, &out, false).unwrap_err();
        assert!(
            matches!(e, GenerateError::OutputExists(ref p) if *p == paths[1]),
            "{e}"
        );
        assert!(!paths[0].exists());
        assert_eq!(fs::read_to_string(&paths[1]).unwrap(), "mine");

        write_all(&bps, &out, true).unwrap();
        assert_eq!(fs::read_to_string(&paths[1]).unwrap(), bps[1].text);
        let leftovers: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn missing_folders_are_created() {
        let dir = tempfile::tempdir().unwrap();
        let bps = two();
        let one = &bps[..1];
        let path = dir.path().join("a/b/c/gravitee.yaml");
        assert_eq!(write_all(one, &path, false).unwrap(), vec![path.clone()]);
        assert_eq!(fs::read_to_string(&path).unwrap(), bps[0].text);
        // Still no overwrite without --force, and nothing left behind.
        fs::write(&path, "mine").unwrap();
        assert!(matches!(
            write_all(one, &path, false),
            Err(GenerateError::OutputExists(_))
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "mine");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // A directory for several, nested.
        let out = dir.path().join("x/y/");
        let paths = write_all(&bps, &out, false).unwrap();
        assert!(paths.iter().all(|p| p.is_file()));
    }

    #[test]
    fn discovery() {
        assert!(discovery_note(Path::new("a/b.yaml")).is_none());
        assert!(discovery_note(Path::new("a/b.yml")).is_some());
    }

    #[test]
    fn single_file_and_no_clobber_race() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.yaml");
        write_atomic(&path, b"a", false, false).unwrap();
        let e = write_atomic(&path, b"b", false, false).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&path).unwrap(), "a");
        write_atomic(&path, b"c", true, true).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "c");
    }
}
