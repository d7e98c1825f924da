//! Hostile inputs: each gets a clear finding (or a clear error for the whole run), the
//! rest of the run goes on, and nothing hangs. Every case puts a good blueprint beside
//! the hostile one and asserts that the good one is still checked.
//!
//! Each test runs its work under a watchdog: a hang fails the test after a generous
//! timeout. None of them asserts on speed.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use akbp::check::{FileReport, Options, Severity};
use akbp::input::{self, Input};
use akbp::load::MAX_FILE_BYTES;
use akbp::read::{Fs, RealFs};
use akbp::validate;

/// A blueprint with tags and references that validates without errors.
const GOOD: &str = "\
version: 1
metadata:
  name: good
entries:
  - model: authentik_core.group
    id: users
    identifiers:
      name: good-users
  - model: authentik_core.application
    id: app
    identifiers:
      slug: good-app
    attrs:
      name: !Format [\"%s app\", good]
  - model: authentik_policies.policybinding
    identifiers:
      target: !KeyOf app
      order: 0
    attrs:
      group: !KeyOf users
";

/// Run `work` on its own thread and fail if it has not finished within `secs`.
fn watchdog<T: Send + 'static>(secs: u64, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let out = work();
        let _ = tx.send(());
        out
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Ok(out) => out,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the work did not finish within {secs} s: a hang")
        }
    }
}

const LIMIT: u64 = 120;

fn write_good(dir: &Path) -> PathBuf {
    let p = dir.join("good.yaml");
    std::fs::write(&p, GOOD).unwrap();
    p
}

fn codes(r: &FileReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.rule.code).collect()
}

fn report<'a>(reports: &'a [FileReport], name_end: &str) -> &'a FileReport {
    reports
        .iter()
        .find(|r| r.name.ends_with(name_end))
        .unwrap_or_else(|| {
            let names: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
            panic!("no report for {name_end}; reports: {names:?}")
        })
}

/// The good blueprint was read and checked and has no error.
fn assert_good_checked(reports: &[FileReport]) {
    let good = report(reports, "good.yaml");
    assert!(good.source.is_some(), "good.yaml was not read");
    assert!(
        good.findings.iter().all(|f| f.severity != Severity::Error),
        "good.yaml has errors: {:?}",
        good.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

/// Assert `r` carries exactly the one finding `code`, whose message contains `says`.
fn assert_finding(r: &FileReport, code: &str, says: &str) {
    assert_eq!(codes(r), vec![code], "{}: {:?}", r.name, r.findings);
    let f = &r.findings[0];
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message.contains(says),
        "{}: message `{}` does not say `{says}`",
        r.name,
        f.message
    );
}

/// Collect `paths` and validate them as the CLI does, through `fs`.
fn validate_with(
    paths: Vec<PathBuf>,
    fs: impl Fs + Send + 'static,
) -> (Vec<Input>, Vec<FileReport>) {
    watchdog(LIMIT, move || {
        let inputs = input::collect(&paths, &input::Selection::git())
            .unwrap()
            .inputs;
        let reports = validate::run(&inputs, &Options::default(), &fs);
        (inputs, reports)
    })
}

fn validate_dir(dir: &Path) -> Vec<FileReport> {
    validate_with(vec![dir.to_path_buf()], RealFs).1
}

/// Write a hostile file named `name` beside a good one, validate the folder, and
/// return the hostile file's report after checking the good one.
fn hostile_file(name: &str, bytes: &[u8]) -> FileReport {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let reports = validate_dir(dir.path());
    assert_eq!(reports.len(), 2);
    assert_good_checked(&reports);
    assert_eq!(validate::exit_code(&reports, false), 1);
    assert!(validate::any_readable(&reports));
    report(&reports, name).clone()
}

#[test]
fn alias_expansion_bomb() {
    // Billion laughs: nine levels of ten-fold aliases, 10^9 nodes if expanded.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        let refs = vec![format!("*a{p}"); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let r = hostile_file("bomb.yaml", bomb.as_bytes());
    assert_finding(&r, "AKB004", "aliases expand to more than");
}

#[test]
fn alias_expansion_bomb_of_long_text() {
    // Few nodes but much text: a 1 MiB scalar aliased 20,000 times would copy 20 GiB.
    let mut bomb = format!("big: &big \"{}\"\ncopies:\n", "x".repeat(1 << 20));
    for _ in 0..20_000 {
        bomb.push_str("  - *big\n");
    }
    let r = hostile_file("text-bomb.yaml", bomb.as_bytes());
    assert_finding(&r, "AKB004", "aliases expand to more than");
}

#[test]
fn deep_nesting_flow_sequence() {
    let deep = format!("{}x{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = hostile_file("deep-flow-seq.yaml", deep.as_bytes());
    assert_finding(&r, "AKB004", "nesting deeper than 128");
}

#[test]
fn deep_nesting_flow_mapping() {
    let deep = format!("{}x{}", "{".repeat(100_000), "}".repeat(100_000));
    let r = hostile_file("deep-flow-map.yaml", deep.as_bytes());
    assert_finding(&r, "AKB004", "nesting deeper than 128");
}

#[test]
fn deep_nesting_block_sequence() {
    let deep = format!("{}x\n", "- ".repeat(100_000));
    let r = hostile_file("deep-block.yaml", deep.as_bytes());
    assert_finding(&r, "AKB004", "nesting deeper than 128");
}

#[test]
fn deep_nesting_unclosed() {
    // Openers only, as a truncated download would leave them.
    let r = hostile_file("deep-open.yaml", "[{".repeat(50_000).as_bytes());
    assert_finding(&r, "AKB004", "nesting deeper than 128");
}

#[test]
fn fifty_mib_file() {
    let line = "- model: authentik_core.group\n";
    let body = line.repeat(50 * 1024 * 1024 / line.len() + 1);
    assert!(body.len() as u64 > 5 * MAX_FILE_BYTES);
    let r = hostile_file("huge.yaml", body.as_bytes());
    assert_finding(&r, "AKB004", "larger than 10 MiB");
}

#[test]
fn binary_data() {
    // A PNG header and a run of every byte value.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(0u8..=255);
    let r = hostile_file("image.yaml", &png);
    assert_finding(&r, "AKB003", "NUL byte");
    // Binary without a NUL byte is caught as not UTF-8.
    let high: Vec<u8> = (0x80u8..=0xff).cycle().take(4096).collect();
    let r = hostile_file("noise.yaml", &high);
    assert_finding(&r, "AKB003", "not valid UTF-8");
}

#[test]
fn invalid_utf8() {
    // Latin-1 `é` in an otherwise good blueprint.
    let text = b"version: 1\nmetadata:\n  name: caf\xe9\nentries: []\n";
    let r = hostile_file("latin1.yaml", text);
    assert_finding(&r, "AKB003", "first bad byte at offset 32");
}

#[test]
fn nul_byte() {
    let r = hostile_file("nul.yaml", b"version: 1\nentries: []\0\n");
    assert_finding(&r, "AKB003", "NUL byte at offset 22");
}

/// A file system where one file vanishes between listing and reading.
struct Vanishing {
    gone: PathBuf,
}

impl Fs for Vanishing {
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        if path == self.gone {
            return Err(std::io::Error::from(ErrorKind::NotFound));
        }
        RealFs.read(path, limit)
    }
}

#[test]
fn file_disappears_during_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    let gone = dir.path().join("vanishing.yaml");
    std::fs::write(&gone, GOOD).unwrap();
    let (inputs, reports) = validate_with(vec![dir.path().to_path_buf()], Vanishing { gone });
    assert_eq!(inputs.len(), 2, "both files were listed");
    assert_good_checked(&reports);
    let r = report(&reports, "vanishing.yaml");
    assert!(r.source.is_none());
    assert_finding(r, "AKB001", "no such file");
    assert_eq!(validate::exit_code(&reports, false), 1);
    assert!(validate::any_readable(&reports));
}

#[cfg(unix)]
#[test]
fn symlink_to_parent_folder() {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("inner.yaml"), GOOD).unwrap();
    std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
    let (inputs, reports) = validate_with(vec![dir.path().to_path_buf()], RealFs);
    // good.yaml and sub/inner.yaml once each, and the loop reported, not followed.
    let files: Vec<&str> = inputs
        .iter()
        .filter(|i| matches!(i, Input::File { .. }))
        .map(Input::name)
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    assert_good_checked(&reports);
    assert!(report(&reports, "inner.yaml").findings.is_empty());
    let looped = report(&reports, "up");
    assert_finding(looped, "AKB001", "symlink loop");
    assert_eq!(validate::exit_code(&reports, false), 1);
}

#[cfg(unix)]
#[test]
fn symlink_loop_between_files() {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    // Named on the command line beside the good file.
    let good = dir.path().join("good.yaml");
    let (_, reports) = validate_with(vec![a.clone(), good], RealFs);
    assert_good_checked(&reports);
    assert_finding(report(&reports, "a.yaml"), "AKB001", "symbolic links");
    // Found by searching the folder: both links are reported, the good file checked.
    let (_, reports) = validate_with(vec![dir.path().to_path_buf()], RealFs);
    assert_eq!(reports.len(), 3, "{:?}", names(&reports));
    assert_good_checked(&reports);
    assert_finding(report(&reports, "a.yaml"), "AKB001", "symbolic links");
    assert_finding(report(&reports, "b.yaml"), "AKB001", "symbolic links");
    assert_eq!(validate::exit_code(&reports, false), 1);
}

fn names(reports: &[FileReport]) -> Vec<&str> {
    reports.iter().map(|r| r.name.as_str()).collect()
}

/// A file system that refuses to read one file, as after `chmod 000` for a normal user.
struct Denying {
    denied: PathBuf,
}

impl Fs for Denying {
    fn read(&self, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
        if path == self.denied {
            return Err(std::io::Error::from(ErrorKind::PermissionDenied));
        }
        RealFs.read(path, limit)
    }
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    let locked = dir.path().join("locked.yaml");
    std::fs::write(&locked, GOOD).unwrap();
    chmod(&locked, 0o000);
    let permissions_apply = std::fs::read(&locked).is_err();
    let (_, reports) = if permissions_apply {
        validate_with(vec![dir.path().to_path_buf()], RealFs)
    } else {
        // Running as root: chmod does not stop reads, so inject the refusal instead.
        eprintln!("permissions do not apply (root?): asserting through the Fs seam");
        validate_with(
            vec![dir.path().to_path_buf()],
            Denying {
                denied: locked.clone(),
            },
        )
    };
    chmod(&locked, 0o644);
    assert_good_checked(&reports);
    assert_finding(
        report(&reports, "locked.yaml"),
        "AKB001",
        "permission denied",
    );
    assert_eq!(validate::exit_code(&reports, false), 1);
}

#[cfg(unix)]
#[test]
fn unreadable_folder() {
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("inside.yaml"), GOOD).unwrap();
    chmod(&locked, 0o000);
    let permissions_apply = std::fs::read_dir(&locked).is_err();
    let result = if permissions_apply {
        Some(validate_with(vec![dir.path().to_path_buf()], RealFs))
    } else {
        None
    };
    chmod(&locked, 0o755);
    match result {
        Some((_, reports)) => {
            assert_good_checked(&reports);
            assert_finding(report(&reports, "locked"), "AKB001", "permission denied");
            assert_eq!(validate::exit_code(&reports, false), 1);
        }
        None => {
            // Folder listing does not go through `Fs`, so as root the refusal is given
            // as the input `collect` makes of it, and the run must report it.
            eprintln!("permissions do not apply (root?): checking the unreadable input only");
            let inputs = vec![
                Input::Unreadable {
                    name: "locked".into(),
                    reason: "permission denied".into(),
                },
                Input::File {
                    path: dir.path().join("good.yaml"),
                    name: "good.yaml".into(),
                    explicit: true,
                },
            ];
            let reports = validate::run(&inputs, &Options::default(), &RealFs);
            assert_good_checked(&reports);
            assert_finding(report(&reports, "locked"), "AKB001", "permission denied");
            assert_eq!(validate::exit_code(&reports, false), 1);
        }
    }
}

#[test]
fn hundred_thousand_small_files() {
    const N: usize = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..N {
        std::fs::write(
            many.join(format!("{i:06}.yaml")),
            format!("version: 1\nmetadata:\n  name: b{i}\nentries: []\n"),
        )
        .unwrap();
    }
    write_good(&many);
    // Slow machines and debug builds: generous, but a hang still fails.
    let reports = watchdog(600, move || {
        let inputs = input::collect(&[many], &input::Selection::git())
            .unwrap()
            .inputs;
        validate::run(&inputs, &Options::default(), &RealFs)
    });
    assert_eq!(reports.len(), N + 1);
    assert!(reports.iter().all(|r| r.source.is_some()));
    assert_good_checked(&reports);
    // Inputs keep a stable, sorted order.
    assert!(reports[0].name.ends_with("000000.yaml"));
    assert!(reports[N - 1].name.ends_with("099999.yaml"));
    assert_eq!(validate::exit_code(&reports, false), 0);
}

#[test]
fn paths_with_spaces_and_non_ascii_names() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("my blueprints ñ");
    std::fs::create_dir(&folder).unwrap();
    write_good(&folder);
    let names = [
        "with space.yaml",
        "Grüße aus Köln.yaml",
        "日本語.yaml",
        "emoji 🔐.yml",
    ];
    for n in names {
        std::fs::write(folder.join(n), GOOD).unwrap();
    }
    let reports = validate_dir(&folder);
    assert_eq!(reports.len(), names.len() + 1);
    for n in names {
        let r = report(&reports, n);
        assert!(r.source.is_some(), "{n} was not read");
        // `.yml` gets an info note (authentik does not discover it); nothing else.
        let serious: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.severity > akbp::check::Severity::Info)
            .collect();
        assert!(serious.is_empty(), "{n}: {serious:?}");
    }
    assert_good_checked(&reports);
    // Named directly too.
    let (_, reports) = validate_with(vec![folder.join("日本語.yaml")], RealFs);
    assert_eq!(
        reports[0].name,
        folder.join("日本語.yaml").display().to_string()
    );
    assert!(reports[0].findings.is_empty());
}

// The binary: exit codes as documented (0 clean, 1 error findings, 2 the run failed).

fn akbp(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let args: Vec<std::ffi::OsString> = args.iter().map(|a| a.to_os_string()).collect();
    watchdog(LIMIT, move || {
        Command::new(env!("CARGO_BIN_EXE_akbp"))
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .expect("run akbp")
    })
}

#[test]
fn binary_exits_1_with_one_bad_and_one_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "version: 1\nentries: [\n").unwrap();
    let out = akbp(&["validate".as_ref(), bad.as_os_str(), good.as_os_str()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("AKB002"), "{stdout}");
    assert!(!stdout.contains("good.yaml"), "{stdout}");
}

#[test]
fn binary_exits_1_on_a_hostile_file_beside_a_good_one() {
    // The real binary's main thread and rayon workers, with a deep file and a bomb.
    let dir = tempfile::tempdir().unwrap();
    write_good(dir.path());
    let deep = format!("{}x\n", "- ".repeat(100_000));
    std::fs::write(dir.path().join("deep.yaml"), deep).unwrap();
    std::fs::write(dir.path().join("nul.yaml"), b"a: \0").unwrap();
    let out = akbp(&[
        "validate".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        dir.path().as_os_str(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let text = json.to_string();
    assert!(text.contains("AKB004") && text.contains("AKB003"), "{text}");
}

#[test]
fn binary_exits_2_when_nothing_is_readable() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("missing.yaml");
    let b = dir.path().join("also missing.yaml");
    let out = akbp(&["validate".as_ref(), a.as_os_str(), b.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("none of the inputs could be read"),
        "{stderr}"
    );
    // The reasons are still reported per path.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no such file"), "{stdout}");
}

#[test]
fn binary_exits_2_for_an_unknown_target() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_good(dir.path());
    let out = akbp(&[
        "validate".as_ref(),
        "--target".as_ref(),
        "2099.1".as_ref(),
        good.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("2099.1"), "{stderr}");
    for known in akbp::target::Target::KNOWN {
        assert!(stderr.contains(&known.to_string()), "{known}: {stderr}");
    }
}

#[test]
fn nested_anchors_around_a_large_list() {
    // Each anchor keeps a copy of its subtree for later aliases: 120 nested anchors
    // around a list of 500,000 items would copy it 120 times without a cap.
    let mut text = String::from("version: 1\nentries: []\nlist: ");
    for i in 0..120 {
        text.push_str(&format!("&a{i} ["));
    }
    text.push_str(&"x, ".repeat(500_000));
    text.push_str(&"]".repeat(120));
    text.push_str("\ncopy: *a119\n");
    let r = hostile_file("nested-anchors.yaml", text.as_bytes());
    assert_finding(&r, "AKB004", "aliases expand to more than");
}
