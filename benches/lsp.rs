//! `akbp lsp`: from a change to a 1,000-line blueprint to its diagnostics published
//! (issue 17: within 20 ms). The release binary runs as an editor runs it, over stdio, with
//! the client of tests/common/lsp.rs; each change edits one value (and so one finding) and
//! the time is taken from writing `didChange` to reading the `publishDiagnostics` of that
//! version. Not a timed test: it prints the numbers and asserts nothing. The load average
//! is printed too: on shared cores the wall time grows with the load.
//!
//! Run: `cargo bench --bench lsp` (`-- N` for N changes; 200 by default).

#[path = "../tests/common/lsp.rs"]
mod client;

use std::time::{Duration, Instant};

use serde_json::Value;

/// 1,000 lines: a header and 111 entries of 9 lines, with references between them.
fn blueprint(variant: usize) -> String {
    let mut s = String::from("version: 1\nmetadata:\n  name: bench\n  labels: {a: b}\nentries:\n");
    let mut i = 0;
    while s.lines().count() + 9 <= 1000 {
        // One entry's mode is misspelt per version: its finding moves with each change.
        let mode = if i == variant % 111 {
            "forward_singel"
        } else {
            "forward_single"
        };
        s.push_str(&format!(
            "  - model: authentik_providers_proxy.proxyprovider\n    id: prov{i}\n    identifiers:\n      name: app-{i}\n    attrs:\n      external_host: https://app{i}.example.com\n      mode: {mode}\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]\n      invalidation_flow: !Find [authentik_flows.flow, [slug, default-provider-invalidation-flow]]\n"
        ));
        i += 1;
    }
    while s.lines().count() < 1000 {
        s.push_str("# end\n");
    }
    s
}

fn main() {
    let changes: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average at start: {}", load().trim());
    let mut c = client::Client::start_with(env!("CARGO_BIN_EXE_akbp"), dir.path(), Value::Null);
    let uri = client::uri_of(&dir.path().join("bench.yaml"));
    let first = blueprint(0);
    assert_eq!(first.lines().count(), 1000);
    c.open(&uri, &first);
    let opened = c.diagnostics(&uri, 1).len();
    let texts: Vec<String> = (1..=changes).map(blueprint).collect();
    let mut times: Vec<Duration> = Vec::with_capacity(changes);
    for (i, text) in texts.iter().enumerate() {
        let version = i as i64 + 2;
        let started = Instant::now();
        c.change(&uri, version, text);
        c.diagnostics(&uri, version);
        times.push(started.elapsed());
        // Like typing, not a burst: the server checks each version.
        std::thread::sleep(Duration::from_millis(2));
    }
    c.shutdown();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    println!(
        "1,000-line blueprint ({} bytes, {opened} diagnostics), {changes} changes: change → diagnostics min {:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        first.len(),
        ms(times[0]),
        at(0.5),
        at(0.95),
        ms(*times.last().unwrap()),
    );
    println!("load average at end: {}", load().trim());
}
