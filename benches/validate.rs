//! Files per second for `akbp validate`, timed by hand (no bench framework):
//!
//! - the blueprints authentik ships (../shared/authentik/*/blueprints, 329 files), and
//! - a generated folder of 10,000 blueprint files,
//!
//! each through the library as the CLI runs it (collect, read, check in parallel) and
//! through the release binary itself (process start and report included).
//!
//! Run: `cargo bench --bench validate` (a release build; uses every core rayon sees).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use akbp::check::Options;
use akbp::read::RealFs;

const RUNS: usize = 5;
const GENERATED: usize = 10_000;

/// One generated blueprint: an OAuth2 provider, its application, a group and a binding,
/// with tags and references, about 40 lines (the shape of examples/grafana-oidc.yaml).
fn blueprint(i: usize) -> String {
    format!(
        "version: 1
metadata:
  name: app-{i}
context:
  host: app-{i}.example.com
entries:
  - model: authentik_providers_oauth2.oauth2provider
    id: provider
    identifiers:
      name: App {i}
    attrs:
      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]
      invalidation_flow: !Find [authentik_flows.flow, [slug, default-provider-invalidation-flow]]
      client_type: confidential
      client_id: app-{i}
      client_secret: !Env [APP_{i}_SECRET, \"\"]
      redirect_uris:
        - matching_mode: strict
          url: !Format [\"https://%s/oauth/callback\", !Context host]
      property_mappings:
        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-openid]]
        - !Find [authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-email]]
  - model: authentik_core.application
    id: application
    identifiers:
      slug: app-{i}
    attrs:
      name: App {i}
      provider: !KeyOf provider
      meta_launch_url: !Format [\"https://%s/\", !Context host]
  - model: authentik_core.group
    id: users
    identifiers:
      name: app-{i}-users
  - model: authentik_policies.policybinding
    identifiers:
      target: !KeyOf application
      order: 0
    attrs:
      group: !KeyOf users
"
    )
}

fn library_run(paths: &[PathBuf]) -> (usize, usize) {
    let inputs = akbp::input::collect(paths, &akbp::input::Selection::everything())
        .expect("no --exclude")
        .inputs;
    let reports = akbp::validate::run(&inputs, &Options::default(), &RealFs);
    let findings = reports.iter().map(|r| r.findings.len()).sum();
    (reports.len(), findings)
}

fn binary_run(paths: &[PathBuf]) {
    let status = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .arg("validate")
        .arg("--no-ignore")
        .args(["--format", "json"])
        .args(paths)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run akbp");
    // Exit 1 (error findings) is a normal outcome; 2 means the run failed.
    assert_ne!(status.code(), Some(2), "akbp failed");
}

fn time(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f(); // warm the page cache and rayon's pool
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn print(label: &str, files: usize, times: &[Duration]) {
    let best = times[0];
    let median = times[times.len() / 2];
    let rate = |d: Duration| files as f64 / d.as_secs_f64();
    println!(
        "{label:<44} {files:>6} files  median {:>8.1} ms  {:>8.0} files/s  (best {:>8.0} files/s)",
        median.as_secs_f64() * 1000.0,
        rate(median),
        rate(best)
    );
}

fn bench(label: &str, paths: &[PathBuf]) {
    let (files, findings) = library_run(paths);
    println!("{label}: {files} files, {findings} findings");
    print(
        &format!("{label} (library)"),
        files,
        &time(RUNS, || {
            library_run(paths);
        }),
    );
    print(
        &format!("{label} (binary)"),
        files,
        &time(RUNS, || binary_run(paths)),
    );
}

fn main() {
    println!(
        "akbp validate, {} rayon threads, median of {RUNS} runs after one warm-up",
        rayon::current_num_threads()
    );
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/authentik");
    let mut shipped: Vec<PathBuf> = std::fs::read_dir(&shared)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path().join("blueprints")))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    shipped.sort();
    if shipped.is_empty() {
        println!(
            "skipping the shipped blueprints: {} not found",
            shared.display()
        );
    } else {
        bench("shipped blueprints", &shipped);
    }

    let dir = tempfile::tempdir().expect("temp dir");
    for i in 0..GENERATED {
        std::fs::write(dir.path().join(format!("app-{i:05}.yaml")), blueprint(i))
            .expect("write a generated blueprint");
    }
    bench("generated blueprints", &[dir.path().to_path_buf()]);
}
