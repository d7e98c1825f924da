//! The release archive (issue 22): `tools/release-archive.sh --binary` packs this test's
//! binary exactly as release.yml packs each platform's build, and
//! `tools/check-release-archive.sh` unpacks it and runs it (checksum, layout,
//! `akbp --version`, `akbp validate` on a good and a broken example in an empty
//! environment). The full static build (`bash tools/release-archive.sh`, then the check
//! with `--static`) takes minutes, so CI runs only this; see docs: Release.

mod common;

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

fn archive() -> &'static Path {
    common::release_archive()
}

/// A copy of the archive and its .sha256 in `dir`.
fn copy_of_archive(dir: &Path) -> PathBuf {
    let src = archive();
    let name = src.file_name().unwrap().to_str().unwrap();
    let dest = dir.join(name);
    std::fs::copy(src, &dest).unwrap();
    std::fs::copy(
        format!("{}.sha256", src.display()),
        dir.join(format!("{name}.sha256")),
    )
    .unwrap();
    dest
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
    let archive = archive();
    let name = archive.file_name().unwrap().to_str().unwrap();
    assert_eq!(
        name,
        format!("akbp-{}-linux-x86_64.tar.gz", version()),
        "archive name"
    );
    assert_eq!(
        env!("CARGO_PKG_VERSION"),
        version(),
        "the version the scripts read"
    );
    let sums = std::fs::read_to_string(format!("{}.sha256", archive.display())).unwrap();
    assert!(
        sums.ends_with(&format!("  {name}\n"))
            && sums.split_whitespace().next().unwrap().len() == 64,
        "sha256sum format: {sums}"
    );
    let (ok, text) = bash("tools/check-release-archive.sh", &[archive]);
    assert!(ok, "check-release-archive.sh failed:\n{text}");
    assert!(text.contains("ok: "), "{text}");
}

#[test]
fn check_refuses_a_damaged_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = copy_of_archive(dir.path());
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
    let (ok, text) = bash(
        "tools/check-release-archive.sh",
        &[Path::new("--static"), archive()],
    );
    assert!(!ok, "a dynamic binary passed --static:\n{text}");
    assert!(text.contains("dynamically linked"), "{text}");
}

/// tools/install-release.sh (the Action's and the pre-commit hook's installer) against a
/// release folder given as a file:// mirror: it installs and reuses the binary, and
/// refuses an archive that does not match its .sha256.
fn install(mirror: &Path, dest: &Path) -> (bool, String) {
    let out = Command::new("bash")
        .arg(root().join("tools/install-release.sh"))
        .arg("--dest")
        .arg(dest)
        .env("AKBP_DOWNLOAD_URL", format!("file://{}", mirror.display()))
        .output()
        .expect("run install-release.sh");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn installer_installs_reuses_and_refuses_a_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let mirror = dir.path().join("mirror");
    let tag = mirror.join(format!("v{}", version()));
    std::fs::create_dir_all(&tag).unwrap();
    copy_of_archive(&tag);

    let dest = dir.path().join("bin");
    let (ok, text) = install(&mirror, &dest);
    assert!(ok, "install failed:\n{text}");
    // stdout is the folder, for PATH; the messages go to stderr.
    assert!(text.starts_with(&format!("{}\n", dest.display())), "{text}");
    let v = Command::new(dest.join("akbp"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("akbp {}", version())
    );

    // Installed once: no download the second time (the mirror is gone).
    let (ok, text) = install(&dir.path().join("gone"), &dest);
    assert!(ok && text.contains("already installed"), "{text}");

    // A checksum file for other bytes: nothing is installed.
    let sha = tag.join(format!(
        "{}.sha256",
        archive().file_name().unwrap().to_str().unwrap()
    ));
    let line = std::fs::read_to_string(&sha).unwrap();
    std::fs::write(&sha, format!("{}{}", "0".repeat(64), &line[64..])).unwrap();
    let dest2 = dir.path().join("bin2");
    let (ok, text) = install(&mirror, &dest2);
    assert!(!ok, "a mismatched archive was installed:\n{text}");
    assert!(text.contains("checksum mismatch"), "{text}");
    assert!(!dest2.join("akbp").exists(), "a binary was left behind");
}
