//! Helpers shared by the integration tests: the ones that replay `tools/lab-*.py`, and the
//! release archive of the test binary (tests/release.rs, tests/recipes.rs).
#![allow(dead_code)] // each test binary uses its own subset

pub mod lsp;

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
