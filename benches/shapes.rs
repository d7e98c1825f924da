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

mod common;

/// Just under the 10 MiB input limit.
const LIMIT: usize = 10 * 1024 * 1024 - 4096;

#[path = "../tests/common/shapes.rs"]
mod shapes;

fn main() {
    let bin = env!("CARGO_BIN_EXE_akbp");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let words = common::words();
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    println!("| shape | size | binary: wall time | binary: CPU time | binary: peak RSS | exit | findings | library: load + rules |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, text) in shapes::shapes(LIMIT) {
        if !common::picked(&words, name) {
            continue;
        }
        let path = dir.path().join("shape.yaml");
        std::fs::write(&path, &text).expect("write the shape");
        let common::Timed {
            wall: secs,
            cpu,
            kb,
            code,
        } = common::time_validate(bin, &path);
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
