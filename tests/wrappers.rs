//! Where blueprints live: placeholders, wrappers (ConfigMap, Secret, operator custom
//! resources), multi-document manifests, templates and known values, through the binary.

use std::io::Write;
use std::process::{Command, Stdio};

fn akbp(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_akbp"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn akbp");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("akbp output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `file:line:col CODE` of every finding in a human report.
fn locations(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| {
            l.contains(": error AKB") || l.contains(": warning AKB") || l.contains(": info AKB")
        })
        .map(|l| {
            let (pos, rest) = l.split_once(": ").unwrap_or((l, ""));
            let code = rest.split_whitespace().nth(1).unwrap_or("");
            format!("{pos} {}", &code[..code.find('[').unwrap_or(code.len())])
        })
        .collect()
}

const PROVIDER: &str = "version: 1
entries:
  - model: authentik_providers_oauth2.oauth2provider
    identifiers: {name: wiki}
    attrs:
      client_secret: '@WIKI_SECRET@'
      redirect_uris:
        - {matching_mode: strict, url: 'https://@WIKI_HOST@/cb'}
        - {matching_mode: strict, url: 'https://${WIKI_HOST}/cb#x'}
";

#[test]
fn user_placeholder_patterns_are_opaque_and_the_text_around_is_checked() {
    let (_, without, _) = akbp(&["validate", "-"], Some(PROVIDER));
    let loc = locations(&without);
    // `@WIKI_HOST@` holds an ALL_CAPS word: a guide placeholder unless declared.
    assert!(
        loc.contains(&"<stdin>:8:40 AKB407".to_string()),
        "{without}"
    );
    assert!(
        loc.contains(&"<stdin>:6:22 AKB413".to_string()),
        "{without}"
    );
    let (_, with, _) = akbp(
        &["validate", "--placeholder", "@[A-Z_]+@", "-"],
        Some(PROVIDER),
    );
    let loc = locations(&with);
    assert!(
        !loc.iter()
            .any(|l| l.ends_with("AKB407") || l.ends_with("AKB413")),
        "{with}"
    );
    // The fragment after the built-in `${WIKI_HOST}` is still reported.
    assert!(loc.contains(&"<stdin>:9:40 AKB405".to_string()), "{with}");
}

#[test]
fn a_bad_placeholder_pattern_is_a_usage_error() {
    let (code, _, err) = akbp(&["validate", "--placeholder", "(", "-"], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("--placeholder `(` is not a valid regex"),
        "{err}"
    );
}
