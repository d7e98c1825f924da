//! Time and peak memory of `akbp validate` on the hostile 10 MiB shapes (issue "Bounded
//! cost"): tiny entries, one flat mapping with many keys, nesting to the depth limit,
//! many duplicate keys, one long string, a long `!Format`.
//!
//! Each shape is written just under the 10 MiB input limit and validated once by the
//! release binary in its own process (report to /dev/null), timed by `/usr/bin/time` for
//! wall time, CPU time (user + system) and peak RSS. Not a timed test: it prints a table
//! and asserts nothing. The machine's load average is printed too: on shared cores the
//! wall time grows with the load, the CPU time much less.
//!
//! Run: `cargo bench --bench shapes`, or `cargo bench --bench shapes -- nesting` for the
//! shapes whose name contains a word.

use std::process::{Command, Stdio};

/// Just under the 10 MiB input limit.
const LIMIT: usize = 10 * 1024 * 1024 - 4096;

#[path = "../tests/common/shapes.rs"]
mod shapes;

fn main() {
    let bin = env!("CARGO_BIN_EXE_akbp");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let words: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    println!("| shape | size | binary: wall time | binary: CPU time | binary: peak RSS | exit | findings | library: load + rules |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, text) in shapes::shapes(LIMIT) {
        if !words.is_empty() && !words.iter().any(|w| name.contains(w.as_str())) {
            continue;
        }
        let path = dir.path().join("shape.yaml");
        std::fs::write(&path, &text).expect("write the shape");
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%e %U %S %M"])
            .arg(bin)
            .arg("validate")
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("/usr/bin/time runs akbp");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or("? ?").to_string();
        let mut parts = last.split_whitespace();
        let secs = parts.next().unwrap_or("?");
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
        // The same file through the library, without rendering a report.
        let started = std::time::Instant::now();
        let inputs = akbp::input::collect(
            std::slice::from_ref(&path),
            &akbp::input::Selection::everything(),
        )
        .expect("the shape is found")
        .inputs;
        let reports = akbp::validate::run(
            &inputs,
            &akbp::check::Options::default(),
            &akbp::read::RealFs,
        );
        let lib = started.elapsed();
        // Kept and omitted (counted past the per-rule cap) alike.
        let findings: usize = reports
            .iter()
            .map(|r| r.findings.len() + r.omitted.iter().map(|o| o.count).sum::<usize>())
            .sum();
        println!(
            "| {name} | {:.1} MiB | {secs} s | {cpu:.2} s | {:.0} MB | {code} | {findings} | {:.2} s |",
            text.len() as f64 / 1024.0 / 1024.0,
            kb / 1024.0,
            lib.as_secs_f64()
        );
    }
    println!("load average at end: {}", load().trim());
}
