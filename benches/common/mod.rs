//! What the benches that run akbp's binary share: the words that pick their cases, and
//! one `akbp validate` timed by `/usr/bin/time`.

use std::path::Path;
use std::process::{Command, Stdio};

/// The arguments that are not options: a case runs when its name holds one of them
/// (all cases when there are none).
pub fn words() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect()
}

/// Whether the case `name` is picked by `words`.
pub fn picked(words: &[String], name: &str) -> bool {
    words.is_empty() || words.iter().any(|w| name.contains(w.as_str()))
}

/// One timed run of the binary.
pub struct Timed {
    /// Wall time in seconds, as `/usr/bin/time` prints it.
    pub wall: String,
    /// User + system time in seconds.
    pub cpu: f64,
    /// Peak resident memory in kB.
    pub kb: f64,
    /// The binary's exit code: 0, 1 or 2 (any other failure).
    pub code: u8,
}

/// `akbp validate FILE` in its own process, its report thrown away.
pub fn time_validate(bin: &str, path: &Path) -> Timed {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M"])
        .arg(bin)
        .arg("validate")
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("/usr/bin/time runs akbp");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or("? ?").to_string();
    let mut parts = last.split_whitespace();
    let wall = parts.next().unwrap_or("?").to_string();
    let cpu: f64 = parts
        .next()
        .zip(parts.next())
        .and_then(|(u, s)| Some(u.parse::<f64>().ok()? + s.parse::<f64>().ok()?))
        .unwrap_or(f64::NAN);
    let kb: f64 = parts
        .next()
        .and_then(|k| k.parse().ok())
        .unwrap_or(f64::NAN);
    // /usr/bin/time reports the child's status on its own line when it is not 0.
    let code = if stderr.contains("exited with non-zero status 1") {
        1
    } else if stderr.contains("non-zero status") {
        2
    } else {
        0
    };
    Timed {
        wall,
        cpu,
        kb,
        code,
    }
}
