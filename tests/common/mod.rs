//! Helpers shared by the integration tests: running the binary in a folder, the PyYAML
//! oracle, the records of `tools/lab-*.py` and what replays them, and the release archive
//! of the test binary (tests/release.rs, tests/recipes.rs).
#![allow(dead_code)] // each test binary uses its own subset

pub mod lsp;
pub mod pins;
pub mod shapes;

/// The header line that names the command a catalog blueprint was made with.
pub const SHOW: &str = "# Application side: akbp show ";

/// Split the header's command the way a POSIX shell would for the quoting
/// `generate` writes: bare words and `'...'` with `'\''` for a quote.
pub fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            ' ' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The `show` arguments in a blueprint's header, or `None` without the line.
pub fn header_args(text: &str) -> Option<Vec<String>> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with(SHOW));
    let mut command = lines.next()?.strip_prefix(SHOW)?.to_string();
    // The command goes on over further comment lines, each ending in ` \`.
    while let Some(head) = command.strip_suffix('\\') {
        let next = lines.next()?.trim_start_matches('#').trim();
        command = format!("{head} {next}");
    }
    Some(shell_words(&command))
}

/// The `.yaml` files of `blueprints/`, sorted.
pub fn catalog_blueprints(root: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("blueprints"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
}

/// The release archive of this test binary, packed once per test binary by
/// `tools/release-archive.sh --binary` exactly as release.yml packs a release build, its
/// `.sha256` beside it. The binary is a stripped copy (the debug build is over 100 MB with
/// its debug info, which would make packing take long).
pub fn release_archive() -> &'static std::path::Path {
    use std::path::{Path, PathBuf};
    use std::process::Command;
    static ARCHIVE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, path) = ARCHIVE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("akbp");
        let stripped = Command::new("strip")
            .arg("-o")
            .arg(&binary)
            .arg(env!("CARGO_BIN_EXE_akbp"))
            .status()
            .is_ok_and(|s| s.success());
        if !stripped {
            std::fs::copy(env!("CARGO_BIN_EXE_akbp"), &binary).expect("copy the binary");
        }
        let out = Command::new("bash")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/release-archive.sh"))
            .arg("--binary")
            .arg(&binary)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .expect("run tools/release-archive.sh");
        assert!(
            out.status.success(),
            "release-archive.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let path = PathBuf::from(stdout.lines().last().expect("the archive's path").trim());
        (dir, path)
    });
    path
}

/// The repository's root (the root package's folder).
pub fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Write `text` to `rel` under `dir`, making the folders it needs.
pub fn write(dir: &std::path::Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// The test binary `akbp` with `args`, run in `dir`.
pub fn akbp_command(dir: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_akbp"));
    cmd.args(args).current_dir(dir);
    cmd
}

/// Run `cmd` with `stdin` as its standard input (empty without), and return its exit code
/// (-1 when a signal ended it), standard output and standard error. A program that exits
/// before reading its input is not an error here: the exit code says what happened.
pub fn output_of(cmd: &mut std::process::Command, stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        let _ = input.write_all(text.as_bytes());
    }
    drop(input);
    let out = child.wait_with_output().expect("the program's output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether `python3` with PyYAML (authentik's YAML reader, the tests' oracle) is here.
/// Without it a test skips with a message, except in CI (`CI=true`), where it fails.
pub fn pyyaml_available() -> bool {
    use std::process::{Command, Stdio};
    let ok = Command::new("python3")
        .args(["-c", "import yaml"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PyYAML is missing: CI must install it (.ci/run does)"
        );
        eprintln!("skipped: python3 with PyYAML is not installed");
    }
    ok
}

/// The rows of a lab record (`tests/lab/*.tsv`, written by `tools/lab-*.py`): comment and
/// blank lines left out, each row split at its tabs.
pub fn tsv(path: &std::path::Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

/// 64-bit FNV-1a, the text hash `tools/lab-catalog.py` and `tools/lab-fix.py` record.
pub fn fnv1a64(data: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Standard base64 with padding (what Kubernetes expects in a Secret's `data`), written
/// here rather than taken from akbp, whose decoder the tests check.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}
