//! Which files a folder search checks: authentik loads every `*.yaml` under its blueprint
//! folders whatever ignore files say, so akbp skips only what git ignores inside a work
//! tree, what `--exclude` names and special files, and says how many it skipped and why.

use std::path::Path;
use std::process::Command;

mod common;

const GOOD: &str =
    "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n";
const BAD_MODEL: &str =
    "version: 1\nentries:\n  - model: authentik_core.grup\n    identifiers: {name: x}\n";

fn akbp(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::output_of(common::akbp_command(dir, args).env("NO_COLOR", "1"), None)
}

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn git_init(dir: &Path) {
    let ok = Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir)
        .status()
        .expect("git is installed")
        .success();
    assert!(ok);
}

fn summary(out: &str) -> &str {
    out.lines().last().unwrap_or("")
}

#[test]
fn gitignore_outside_a_work_tree_hides_nothing() {
    let dir = folder(&[
        ("bp/a.yaml", GOOD),
        ("bp/b.yaml", GOOD),
        ("bp/.gitignore", "b.yaml\n"),
    ]);
    let (code, out, err) = akbp(dir.path(), &["validate", "bp"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(summary(&out), "checked 2 files: 0 errors, 0 warnings");
}

#[test]
fn dot_ignore_and_rgignore_are_not_honoured_even_in_a_work_tree() {
    let dir = folder(&[
        ("bp/a.yaml", GOOD),
        ("bp/b.yaml", GOOD),
        ("bp/c.yaml", GOOD),
        ("bp/.ignore", "b.yaml\n"),
        ("bp/.rgignore", "c.yaml\n"),
    ]);
    git_init(dir.path());
    let (_, out, _) = akbp(dir.path(), &["validate", "bp"]);
    assert_eq!(summary(&out), "checked 3 files: 0 errors, 0 warnings");
}

#[test]
fn git_ignored_files_are_skipped_and_counted_inside_a_work_tree() {
    let dir = folder(&[
        ("bp/a.yaml", GOOD),
        ("bp/b.yaml", "version: 1\nentries: [\n"),
        ("bp/old/c.yaml", GOOD),
        (".gitignore", "b.yaml\nold/\n"),
    ]);
    git_init(dir.path());
    let (code, out, _) = akbp(dir.path(), &["validate", "bp"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        summary(&out),
        "checked 1 file: 0 errors, 0 warnings; skipped 2 files (2 ignored by git)"
    );

    let (_, out, _) = akbp(dir.path(), &["validate", "--verbose", "bp"]);
    assert!(
        out.contains("skipped bp/b.yaml (ignored by git)\n"),
        "{out}"
    );
    assert!(
        out.contains("skipped bp/old/c.yaml (ignored by git)\n"),
        "{out}"
    );

    let (code, out, _) = akbp(dir.path(), &["validate", "--no-ignore", "bp"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(summary(&out), "checked 3 files: 1 error, 0 warnings");

    let (_, out, _) = akbp(dir.path(), &["validate", "--format", "json", "bp"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["skipped"]["ignored"], 2, "{out}");
    assert_eq!(v["summary"]["skipped"]["excluded"], 0, "{out}");
}

#[test]
fn exclude_globs_skip_and_count_and_a_named_file_is_still_checked() {
    let dir = folder(&[
        ("bp/a.yaml", GOOD),
        ("bp/legacy/x.yaml", GOOD),
        ("bp/legacy/y.yaml", GOOD),
        ("bp/z.draft.yaml", GOOD),
    ]);
    let (code, out, err) = akbp(
        dir.path(),
        &[
            "validate",
            "--exclude",
            "legacy/",
            "--exclude",
            "*.draft.yaml",
            "bp",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        summary(&out),
        "checked 1 file: 0 errors, 0 warnings; skipped 3 files (3 excluded)"
    );
    let (_, out, _) = akbp(
        dir.path(),
        &["validate", "--exclude", "*.draft.yaml", "bp/z.draft.yaml"],
    );
    assert_eq!(summary(&out), "checked 1 file: 0 errors, 0 warnings");
}

#[test]
fn a_bad_exclude_glob_is_a_usage_error() {
    let dir = folder(&[("bp/a.yaml", GOOD)]);
    let (code, out, err) = akbp(dir.path(), &["validate", "--exclude", "{a", "bp"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("--exclude `{a` is not a valid glob"), "{err}");
    assert!(out.is_empty());
}

/// An empty folder, or one whose every file is excluded, is not a failed run (issue 22):
/// each format writes its valid empty report, standard error says why nothing was
/// checked, and the exit code is 0; `--no-files-is-error` makes it 2, report and all.
#[test]
fn nothing_to_check_writes_an_empty_report_and_passes() {
    let dir = folder(&[("bp/a.yaml", GOOD), ("empty/.keep", "")]);
    let runs: [&[&str]; 2] = [&["empty"], &["--exclude", "*.yaml", "bp"]];
    for paths in runs {
        for format in ["json", "sarif", "gitlab", "github", "concise", "human"] {
            let mut args = vec!["validate", "--format", format];
            args.extend_from_slice(paths);
            let (code, out, err) = akbp(dir.path(), &args);
            assert_eq!(code, 0, "{args:?}: {out}{err}");
            assert!(
                err.starts_with("note: no .yaml or .yml files"),
                "{args:?}: {err}"
            );
            if paths[0] == "--exclude" {
                assert!(err.contains("skipped 1 file (1 excluded)"), "{err}");
            }
            match format {
                "json" => {
                    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
                    assert_eq!(v["findings"], serde_json::json!([]));
                    assert_eq!(v["summary"]["files"], 0);
                }
                "sarif" => {
                    let v: serde_json::Value = serde_json::from_str(&out).expect("SARIF");
                    assert_eq!(v["version"], "2.1.0");
                    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
                }
                "gitlab" => assert_eq!(out.trim(), "[]"),
                "github" => assert!(out.starts_with("::notice title=akbp::checked 0 files")),
                _ => assert!(summary(&out).starts_with("checked 0 files")),
            }
            args.insert(1, "--no-files-is-error");
            let (code, out2, err) = akbp(dir.path(), &args);
            assert_eq!(code, 2, "{args:?}");
            assert!(err.starts_with("error: no .yaml or .yml files"), "{err}");
            assert_eq!(out2, out, "the same report with --no-files-is-error");
        }
    }
    // A path that does not exist is still a failed run, not an empty one.
    let (code, _, err) = akbp(dir.path(), &["validate", "missing"]);
    assert_eq!(code, 2, "{err}");
}

/// The streamed walk keeps the order of a sorted depth-first walk (files and folders of one
/// folder interleaved by name, each folder's contents right after it), with git's rules, a
/// nested work tree, a link to a folder walked already not walked again, and dot-names left
/// out.
#[test]
fn the_streamed_walk_is_sorted_depth_first_with_git_rules() {
    let dir = folder(&[
        ("bp/b.yaml", GOOD),
        ("bp/a.yaml", GOOD),
        ("bp/b/c.yaml", GOOD),
        ("bp/b/a/z.yml", GOOD),
        ("bp/b/notes.txt", "x"),
        ("bp/.hidden/x.yaml", GOOD),
        ("bp/.x.yaml", GOOD),
        ("bp/repo/keep.yaml", GOOD),
        ("bp/repo/drop.yaml", GOOD),
        ("bp/repo/old/gone.yaml", GOOD),
        ("bp/repo/.gitignore", "drop.yaml\nold/\n"),
        ("bp/free/.gitignore", "free.yaml\n"),
        ("bp/free/free.yaml", GOOD),
    ]);
    git_init(&dir.path().join("bp/repo"));
    #[cfg(unix)]
    std::os::unix::fs::symlink("b", dir.path().join("bp/link")).unwrap();
    let root = dir.path().join("bp");
    let found =
        akbp::input::collect(std::slice::from_ref(&root), &akbp::input::Selection::git()).unwrap();
    let rel = |n: &str| {
        n.strip_prefix(root.to_str().unwrap())
            .unwrap()
            .trim_start_matches('/')
            .to_string()
    };
    let inputs: Vec<String> = found.inputs.iter().map(|i| rel(i.name())).collect();
    let mut want = vec![
        "a.yaml",
        "b/a/z.yml",
        "b/c.yaml",
        "b.yaml",
        "free/free.yaml",
    ];
    // `link` leads to `b`, walked already: each folder is walked once.
    want.push("repo/keep.yaml");
    assert_eq!(inputs, want);
    let skipped: Vec<(String, akbp::input::SkipReason)> = found
        .skipped
        .iter()
        .map(|s| (rel(&s.name), s.reason))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "repo/drop.yaml".to_string(),
                akbp::input::SkipReason::Ignored
            ),
            (
                "repo/old/gone.yaml".to_string(),
                akbp::input::SkipReason::Ignored
            ),
        ]
    );
    // --no-ignore: git's rules are not read at all.
    let all = akbp::input::collect(
        std::slice::from_ref(&root),
        &akbp::input::Selection::everything(),
    )
    .unwrap();
    assert_eq!(all.inputs.len(), want.len() + 2);
    assert!(all.skipped.is_empty());
}

/// Every skipped file is counted, but --verbose lists only the first names kept.
#[test]
fn the_skipped_tally_counts_all_and_keeps_names_up_to_its_cap() {
    use akbp::input::{SkipReason, SkipTally, Skipped, SKIPPED_NAMES_KEPT};
    let mut quiet = SkipTally::new(false);
    let mut verbose = SkipTally::new(true);
    for i in 0..SKIPPED_NAMES_KEPT + 5 {
        let s = Skipped {
            name: format!("f{i}.yaml"),
            reason: if i % 2 == 0 {
                SkipReason::Ignored
            } else {
                SkipReason::Excluded
            },
        };
        quiet.add(s.clone());
        verbose.add(s);
    }
    assert!(quiet.names().is_empty());
    assert_eq!(verbose.names().len(), SKIPPED_NAMES_KEPT);
    let counts: Vec<(SkipReason, usize)> = verbose.counts().filter(|(_, n)| *n > 0).collect();
    let half = (SKIPPED_NAMES_KEPT + 5) / 2;
    assert_eq!(
        counts,
        [
            (SkipReason::Ignored, SKIPPED_NAMES_KEPT + 5 - half),
            (SkipReason::Excluded, half)
        ]
    );
    assert_eq!(
        quiet.counts().collect::<Vec<_>>(),
        verbose.counts().collect::<Vec<_>>()
    );
}

/// A folder with more names than one listing holds (4,096) is read in several passes; the
/// order is exactly the single sorted pass's: byte-wise, names that are prefixes of others
/// first, each sub-folder walked at its sorted place.
#[test]
fn a_folder_larger_than_one_listing_keeps_the_sorted_depth_first_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("big");
    std::fs::create_dir(&root).unwrap();
    // Names as sorted by bytes: `n1.yaml` < `n10.yaml` < `n100` (a folder) < `n100.yaml`.
    let mut top: Vec<(String, bool)> = Vec::new();
    for i in 0..9_000 {
        std::fs::write(root.join(format!("n{i}.yaml")), "").unwrap();
        top.push((format!("n{i}.yaml"), false));
        if i % 3 == 0 {
            std::fs::write(root.join(format!("n{i}.txt")), "").unwrap();
        }
        if i % 450 == 0 {
            let sub = root.join(format!("n{i}"));
            std::fs::create_dir(&sub).unwrap();
            std::fs::write(sub.join("b.yml"), "").unwrap();
            std::fs::write(sub.join("a.yaml"), "").unwrap();
            top.push((format!("n{i}"), true));
        }
    }
    std::fs::write(root.join("N.yaml"), "").unwrap();
    top.push(("N.yaml".into(), false));
    top.sort();
    let mut want = Vec::new();
    for (name, is_dir) in &top {
        if *is_dir {
            want.push(format!("{name}/a.yaml"));
            want.push(format!("{name}/b.yml"));
        } else {
            want.push(name.clone());
        }
    }
    let prefix = format!("{}/", root.display());
    for selection in [
        akbp::input::Selection::git(),
        akbp::input::Selection::everything(),
    ] {
        let found = akbp::input::collect(std::slice::from_ref(&root), &selection).unwrap();
        let got: Vec<&str> = found
            .inputs
            .iter()
            .map(|i| i.name().strip_prefix(&prefix).unwrap())
            .collect();
        assert_eq!(got.len(), 9_000 + 1 + 2 * 20);
        assert_eq!(got, want);
        assert!(found.skipped.is_empty());
    }
    assert_eq!(want[..3], ["N.yaml", "n0/a.yaml", "n0/b.yml"]);
}

/// git ignores only untracked files: a tracked file that an ignore pattern matches is
/// still in the repository, and authentik loads it. git itself says what it tracks.
#[test]
fn a_tracked_file_is_checked_even_when_an_ignore_pattern_matches_it() {
    let dir = folder(&[
        ("bp/tracked.yaml", BAD_MODEL),
        ("bp/untracked.yaml", GOOD),
        ("bp/sub/tracked.yml", BAD_MODEL),
    ]);
    let bp = dir.path().join("bp");
    git_init(&bp);
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .current_dir(&bp)
            .status()
            .expect("git runs")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["add", "tracked.yaml", "sub/tracked.yml"]);
    git(&["commit", "-q", "-m", "x"]);
    std::fs::write(bp.join(".gitignore"), "*.yaml\n*.yml\n").unwrap();
    let (code, out, err) = akbp(dir.path(), &["validate", "bp"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("bp/tracked.yaml:"), "{out}");
    assert!(out.contains("bp/sub/tracked.yml:"), "{out}");
    assert_eq!(
        summary(&out),
        "checked 2 files: 2 errors, 0 warnings, 1 info; skipped 1 file (1 ignored by git)"
    );
}

/// A link that leads out of the folder is not followed (a pull request cannot make akbp
/// read, and print, a file elsewhere) but reported and counted; a link to a FIFO is never
/// opened; links that lead back or beside each other never make the walk loop or repeat.
#[cfg(unix)]
#[test]
fn links_never_leave_the_folder_nor_loop() {
    use std::os::unix::fs::symlink;
    let dir = folder(&[
        ("out/secret.yaml", BAD_MODEL),
        ("bp/sub/in.yaml", BAD_MODEL),
    ]);
    let bp = dir.path().join("bp");
    symlink("../out/secret.yaml", bp.join("out.yaml")).unwrap();
    symlink("../out", bp.join("outdir")).unwrap();
    symlink("/etc/passwd", bp.join("passwd.yaml")).unwrap();
    symlink("/dev/zero", bp.join("zero.yaml")).unwrap();
    let fifo = bp.join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    symlink("pipe", bp.join("pipe.yaml")).unwrap();
    // Each level links twice to the next: 2^24 paths if links were walked again.
    let mut level = bp.join("deep");
    std::fs::create_dir(&level).unwrap();
    for i in 0..24 {
        let next = level.join(format!("l{i}"));
        std::fs::create_dir(&next).unwrap();
        symlink(format!("l{i}"), level.join(format!("a{i}"))).unwrap();
        symlink(format!("l{i}"), level.join(format!("b{i}"))).unwrap();
        level = next;
    }
    std::fs::write(level.join("leaf.yaml"), BAD_MODEL).unwrap();
    let (code, out, err) = akbp(dir.path(), &["validate", "-v", "bp"]);
    assert_eq!(code, 1, "{out}{err}");
    for outside in ["bp/out.yaml", "bp/outdir", "bp/passwd.yaml", "bp/zero.yaml"] {
        assert!(
            out.contains(&format!("skipped {outside} (link outside the folder)")),
            "{outside}: {out}"
        );
    }
    assert!(!out.contains("secret.yaml:"), "{out}");
    assert!(out.contains("skipped bp/pipe.yaml (special file)"), "{out}");
    assert_eq!(out.matches("leaf.yaml:").count(), 1, "{out}");
    assert_eq!(
        summary(&out),
        "checked 2 files: 2 errors, 0 warnings; skipped 5 files (1 special file, 4 link outside the folder)"
    );
}
