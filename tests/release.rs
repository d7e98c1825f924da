//! The release archive (issue 22): `tools/release-archive.sh --binary` packs this test's
//! binary exactly as release.yml packs each platform's build, and
//! `tools/check-release-archive.sh` unpacks it and runs it (checksum, layout,
//! `akbp --version`, `akbp validate` on a good and a broken example in an empty
//! environment). The full static build (`bash tools/release-archive.sh`, then the check
//! with `--static`) takes minutes, so CI runs only this; see docs: Release.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bash(script: &str, args: &[&Path]) -> (bool, String) {
    let out = Command::new("bash")
        .arg(root().join(script))
        .args(args)
        .output()
        .expect("run bash");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Packs a stripped copy of the test binary (the debug build is over 100 MB with its
/// debug info) into `dir`; returns the archive's path.
fn pack(dir: &Path) -> PathBuf {
    let binary = dir.join("akbp");
    let stripped = Command::new("strip")
        .arg("-o")
        .arg(&binary)
        .arg(env!("CARGO_BIN_EXE_akbp"))
        .status()
        .is_ok_and(|s| s.success());
    if !stripped {
        std::fs::copy(env!("CARGO_BIN_EXE_akbp"), &binary).expect("copy the binary");
    }
    let out = dir.join("out");
    let (ok, text) = bash(
        "tools/release-archive.sh",
        &[Path::new("--binary"), &binary, Path::new("--out"), &out],
    );
    assert!(ok, "release-archive.sh failed:\n{text}");
    PathBuf::from(text.lines().last().expect("the archive's path").trim())
}

fn version() -> String {
    let out = Command::new("bash")
        .arg(root().join("tools/install-release.sh"))
        .arg("--print-version")
        .output()
        .expect("run install-release.sh");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn archive_unpacks_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let archive = pack(dir.path());
    let name = archive.file_name().unwrap().to_str().unwrap();
    assert_eq!(
        name,
        format!("akbp-{}-linux-x86_64.tar.gz", version()),
        "archive name"
    );
    assert_eq!(env!("CARGO_PKG_VERSION"), version(), "the version the scripts read");
    let sums = std::fs::read_to_string(format!("{}.sha256", archive.display())).unwrap();
    assert!(
        sums.ends_with(&format!("  {name}\n")) && sums.split_whitespace().next().unwrap().len() == 64,
        "sha256sum format: {sums}"
    );
    let (ok, text) = bash("tools/check-release-archive.sh", &[&archive]);
    assert!(ok, "check-release-archive.sh failed:\n{text}");
    assert!(text.contains("ok: "), "{text}");
}

#[test]
fn check_refuses_a_damaged_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = pack(dir.path());
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&archive, bytes).unwrap();
    let (ok, text) = bash("tools/check-release-archive.sh", &[&archive]);
    assert!(!ok, "a damaged archive passed:\n{text}");
    assert!(text.contains("checksum does not match"), "{text}");
}

#[test]
fn check_refuses_a_dynamic_binary_where_static_is_required() {
    // The test binary is dynamically linked: --static (what release.yml asks of the Linux
    // archives) must say so.
    let dir = tempfile::tempdir().unwrap();
    let archive = pack(dir.path());
    let (ok, text) = bash(
        "tools/check-release-archive.sh",
        &[Path::new("--static"), &archive],
    );
    assert!(!ok, "a dynamic binary passed --static:\n{text}");
    assert!(text.contains("dynamically linked"), "{text}");
}
