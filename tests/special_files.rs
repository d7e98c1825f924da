//! Terminal and file-system edges: FIFOs, devices and sockets are never opened, a closed
//! pipe ends quietly, a full disk is a run failure, --force replaces only regular files,
//! and every side file has the 10 MiB limit.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GOOD: &str =
    "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Run akbp with `stdout`, killing it after 20 s: a FIFO must never block the run.
fn run(dir: &Path, args: &[&str], stdout: Stdio) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn akbp");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("akbp {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn akbp(dir: &Path, args: &[&str]) -> Run {
    run(dir, args, Stdio::piped())
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo");
}

#[test]
fn a_fifo_named_on_the_command_line_is_an_unreadable_file_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    mkfifo(&dir.path().join("pipe.yaml"));
    let r = akbp(dir.path(), &["validate", "pipe.yaml", "good.yaml"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("pipe.yaml: error AKB001"), "{}", r.stdout);
    assert!(
        r.stdout.contains("a FIFO (named pipe), not a regular file"),
        "{}",
        r.stdout
    );
    // A character device too.
    let r = akbp(dir.path(), &["validate", "/dev/zero", "good.yaml"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("a device, not a regular file"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_fifo_as_schema_is_refused_without_opening_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    mkfifo(&dir.path().join("schema.json"));
    let r = akbp(
        dir.path(),
        &["validate", "--schema", "schema.json", "good.yaml"],
    );
    assert_eq!(r.code, Some(2), "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("AKB001"), "{}", r.stderr);
    assert!(r.stderr.contains("a FIFO (named pipe)"), "{}", r.stderr);
}

#[test]
fn an_oversized_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    let big = format!("[{}1]", "1,".repeat(6 * 1024 * 1024));
    std::fs::write(dir.path().join("schema.json"), big).unwrap();
    let r = akbp(
        dir.path(),
        &["validate", "--schema", "schema.json", "good.yaml"],
    );
    assert_eq!(r.code, Some(2), "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("larger than 10 MiB"), "{}", r.stderr);
}

#[test]
fn special_files_in_a_folder_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("bp")).unwrap();
    std::fs::write(dir.path().join("bp/good.yaml"), GOOD).unwrap();
    mkfifo(&dir.path().join("bp/pipe.yaml"));
    let r = akbp(dir.path(), &["validate", "-v", "bp"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("skipped bp/pipe.yaml (special file)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .trim_end()
            .ends_with("checked 1 file: 0 errors, 0 warnings; skipped 1 file (1 special file)"),
        "{}",
        r.stdout
    );
}

#[test]
fn an_unsafe_gitignore_is_reported_and_not_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let ok = Command::new("git")
        .args(["init", "-q", "."])
        .current_dir(dir.path())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    std::fs::create_dir(dir.path().join("bp")).unwrap();
    std::fs::write(dir.path().join("bp/good.yaml"), GOOD).unwrap();
    std::fs::write(dir.path().join("bp/other.yaml"), GOOD).unwrap();
    mkfifo(&dir.path().join("bp/.gitignore"));
    let r = akbp(dir.path(), &["validate", "bp"]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("bp/.gitignore: error AKB001"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("checked 3 files"), "{}", r.stdout);

    std::fs::remove_file(dir.path().join("bp/.gitignore")).unwrap();
    let mut big = "other.yaml\n".to_string();
    big.push_str(&"#\n".repeat(6 * 1024 * 1024));
    std::fs::write(dir.path().join("bp/.gitignore"), big).unwrap();
    let r = akbp(dir.path(), &["validate", "bp"]);
    assert!(r.stdout.contains("larger than 10 MiB"), "{}", r.stdout);
    assert!(r.stdout.contains("checked 3 files"), "{}", r.stdout);
}

/// A pipe whose reading end is already closed: every write fails with EPIPE.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Stdio::from(writer)
}

#[test]
fn a_closed_pipe_ends_quietly_with_status_141() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    for args in [
        &["schema"][..],
        &["rules"],
        &["list"],
        &["show", "gravitee"],
        &["explain", "AKB001"],
        &["validate", "good.yaml"],
        &["validate", "--format", "json", "good.yaml"],
        &[
            "generate",
            "gravitee",
            "--app-url",
            "https://g.example.com",
            "--authentik-url",
            "https://a.example.com",
        ],
    ] {
        let r = run(dir.path(), args, closed_pipe());
        assert_eq!(r.code, Some(141), "akbp {args:?}: {}", r.stderr);
        assert_eq!(r.stderr, "", "akbp {args:?} printed to stderr");
    }
}

#[test]
fn a_full_disk_is_a_run_failure_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.yaml"), GOOD).unwrap();
    for args in [
        &["schema"][..],
        &["rules"],
        &["validate", "good.yaml"],
        &[
            "generate",
            "gravitee",
            "--app-url",
            "https://g.example.com",
            "--authentik-url",
            "https://a.example.com",
        ],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let r = run(dir.path(), args, Stdio::from(full));
        assert_eq!(r.code, Some(2), "akbp {args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("cannot write to standard output")
                && r.stderr.contains("No space left on device"),
            "akbp {args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn force_replaces_only_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("precious.txt");
    std::fs::write(&target, "mine").unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("link.yaml")).unwrap();
    mkfifo(&dir.path().join("pipe.yaml"));
    for name in ["link.yaml", "pipe.yaml"] {
        let r = akbp(
            dir.path(),
            &[
                "generate",
                "gravitee",
                "--app-url",
                "https://g.example.com",
                "--authentik-url",
                "https://a.example.com",
                "--force",
                "-o",
                name,
            ],
        );
        assert_eq!(r.code, Some(2), "{name}: {}", r.stderr);
        assert!(
            r.stderr.contains("--force replaces only regular files"),
            "{name}: {}",
            r.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
    assert!(std::fs::symlink_metadata(dir.path().join("link.yaml"))
        .unwrap()
        .file_type()
        .is_symlink());
    std::fs::write(dir.path().join("plain.yaml"), "old").unwrap();
    let r = akbp(
        dir.path(),
        &[
            "generate",
            "gravitee",
            "--app-url",
            "https://g.example.com",
            "--authentik-url",
            "https://a.example.com",
            "--force",
            "-o",
            "plain.yaml",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(std::fs::read_to_string(dir.path().join("plain.yaml"))
        .unwrap()
        .contains("authentik_core.application"));
}
