//! Every catalog blueprint logged a user in on a real authentik, and is still the text that
//! did.
//!
//! `tools/lab-logins.py` regenerates each `blueprints/` file for the lab (authentik's URL
//! is the lab server's, target 2026.2), once as the header says and once behind
//! `--allow-group`, applies them to authentik 2026.2.2 (`../shared/lab`) and logs in the
//! way each application would (OAuth2 code flow and ID token, SAML response checks, the
//! proxy and LDAP outposts' configuration, bind and login). It records each result with the
//! SHA-256 of the text in `tests/lab/logins-2026.2.tsv`, and its negative controls (a
//! blueprint broken the way a rule says a login breaks, and what authentik answered) in
//! `tests/lab/logins-negative-2026.2.tsv`. This test regenerates the same texts: one with no
//! result, a different text (the generator or the entry changed since the login was
//! proven), or a `fail` that `tests/lab/logins-accepted.tsv` does not accept, fails, and
//! so does a rule that claims a broken login (`claims_a_broken_login`, read from the
//! registry) without a negative control, or whose documentation does not cite it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

mod common;
use common::{catalog_blueprints, header_args, tsv};

const RESULTS: &str = "tests/lab/logins-2026.2.tsv";
const NEGATIVES: &str = "tests/lab/logins-negative-2026.2.tsv";
const ACCEPTED: &str = "tests/lab/logins-accepted.tsv";
/// The lab server's URL and release; the same constants are in `tools/lab-logins.py`.
const LAB_URL: &str = "http://127.0.0.1:9123";
const TARGET: &str = "2026.2";
const ALLOW_GROUP: &str = "akbp lab allowed";
const ACL_SUFFIX: &str = "-acl";

/// Whether a rule of the registry claims that a login breaks, so that a negative control
/// must show it on the lab: every integration rule (`AKB5xx`) that reports at warning or
/// error (AKB507 is information: akbp could not tell the integration), and every rule
/// whose "Why" says a login or an authorization fails.
fn claims_a_broken_login(code: &str, severity: &str, doc: &str) -> bool {
    if code.starts_with("AKB5") && severity != "info" {
        return true;
    }
    let why = doc
        .split("## Why")
        .nth(1)
        .map(|rest| rest.split("\n## ").next().unwrap_or(rest))
        .unwrap_or("")
        .to_lowercase();
    let login = [
        "login",
        "log in",
        "logs in",
        "logged in",
        "sign in",
        "signs in",
        "authorize",
    ];
    let fails = ["fail", "refus", "reject", "never match", "nobody can"];
    login.iter().any(|w| why.contains(w)) && fails.iter().any(|w| why.contains(w))
}

#[test]
fn a_rule_claims_a_broken_login_by_its_area_or_its_why() {
    let why =
        |text: &str| format!("## What it does\nx\n\n## Why\n{text}\n\n## Example\nlogin fails\n");
    assert!(claims_a_broken_login(
        "AKB510",
        "warning",
        &why("Modes differ.")
    ));
    assert!(!claims_a_broken_login(
        "AKB507",
        "info",
        &why("Wrong guide.")
    ));
    assert!(claims_a_broken_login(
        "AKB420",
        "warning",
        &why("Without one, nobody can log in.")
    ));
    assert!(claims_a_broken_login(
        "AKB404",
        "error",
        &why("Every login fails.")
    ));
    // import errors and words outside "Why" claim no login
    assert!(!claims_a_broken_login(
        "AKB400",
        "error",
        &why("authentik rejects it.")
    ));
    assert!(!claims_a_broken_login(
        "AKB001",
        "error",
        "## Why\nsyntax\n\n## Example\nlogin fails"
    ));
}

/// SHA-256 (FIPS 180-4), the hash `tools/lab-logins.py` writes.
fn sha256(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for (a, b) in h.iter_mut().zip(v) {
            *a = a.wrapping_add(b);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

#[test]
fn sha256_matches_the_standard_vectors() {
    assert_eq!(
        sha256(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // two blocks: the padding spills over
    assert_eq!(
        sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
}

/// `opt NAME VALUE` replaced wherever it is, or appended (`with_opt` in the tool).
fn with_opt(args: &[String], name: &str, value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut done = false;
    let mut i = 0;
    while i < args.len() {
        if args[i] == name && i + 1 < args.len() {
            out.push(name.to_string());
            out.push(value.to_string());
            i += 2;
            done = true;
            continue;
        }
        out.push(args[i].clone());
        i += 1;
    }
    if !done {
        out.push(name.to_string());
        out.push(value.to_string());
    }
    out
}

fn opt<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.windows(2)
        .find(|w| w[0] == name)
        .map(|w| w[1].as_str())
}

/// The header's `show` arguments made into the lab's `generate` arguments (`lab_args` in
/// the tool): authentik's URL is the lab's; a variant gets its own slug (and client id)
/// ending in `suffix`.
fn lab_args(args: &[String], suffix: &str, extra: &[&str]) -> Vec<String> {
    let mut out = with_opt(args, "--authentik-url", LAB_URL);
    if !suffix.is_empty() {
        let slug = opt(args, "--slug").unwrap_or(&args[0]);
        out = with_opt(&out, "--slug", &format!("{slug}{suffix}"));
        if let Some(cid) = opt(args, "--client-id") {
            out = with_opt(&out, "--client-id", &format!("{cid}{suffix}"));
        }
    }
    out.extend(extra.iter().map(|s| s.to_string()));
    // The header names the file's own target: the lab's replaces it.
    with_opt(&out, "--target", TARGET)
}

#[test]
fn lab_args_swap_the_url_and_rename_variants() {
    let args: Vec<String> = [
        "kimai",
        "--authentik-url",
        "https://a.example",
        "--client-id",
        "k",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(
        lab_args(&args, "-acl", &["--allow-group", "g"]),
        [
            "kimai",
            "--authentik-url",
            LAB_URL,
            "--client-id",
            "k-acl",
            "--slug",
            "kimai-acl",
            "--allow-group",
            "g",
            "--target",
            TARGET
        ]
    );
}

/// The SHA-256 of what `generate` writes for these arguments.
fn generated_sha(dir: &Path, args: &[String]) -> String {
    let out = dir.join("out.yaml");
    let res = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .arg("generate")
        .args(args)
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "generate {args:?} failed: {}",
        String::from_utf8_lossy(&res.stderr)
    );
    sha256(&std::fs::read(&out).unwrap())
}

/// (integration, method) that `show` gives for a header's arguments.
fn shown_method(args: &[String]) -> (String, String) {
    let res = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .arg("show")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(res.status.success(), "show {args:?} failed");
    let v: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    (
        v["integration"].as_str().unwrap().to_string(),
        v["method"].as_str().unwrap().to_string(),
    )
}

/// Every catalog method's header arguments, by (integration, method).
fn methods(root: &Path) -> BTreeMap<(String, String), Vec<String>> {
    let mut out = BTreeMap::new();
    for name in catalog_blueprints(root) {
        let text = std::fs::read_to_string(root.join("blueprints").join(&name)).unwrap();
        let args = header_args(&text).unwrap_or_else(|| panic!("{name}: no show line"));
        out.insert(shown_method(&args), args);
    }
    out
}

#[test]
fn every_catalog_login_was_proven_on_the_lab_as_generated_today() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut recorded: BTreeMap<(String, String), (String, String, String)> = BTreeMap::new();
    for cols in tsv(&root.join(RESULTS)) {
        assert_eq!(cols.len(), 5, "{RESULTS}: bad line {cols:?}");
        let key = (cols[0].clone(), cols[1].clone());
        let dup = recorded.insert(key, (cols[2].clone(), cols[3].clone(), cols[4].clone()));
        assert!(dup.is_none(), "{RESULTS}: {cols:?} twice");
    }
    let accepted: Vec<Vec<String>> = tsv(&root.join(ACCEPTED));
    let tmp = tempfile::tempdir().unwrap();
    let methods = methods(root);
    assert!(methods.len() > 100, "blueprints/ looks empty");
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for ((integration, method), args) in &methods {
        for (row_method, args) in [
            (method.clone(), lab_args(args, "", &[])),
            (
                format!("{method} allow-group"),
                lab_args(args, ACL_SUFFIX, &["--allow-group", ALLOW_GROUP]),
            ),
        ] {
            let key = (integration.clone(), row_method.clone());
            seen.insert(key.clone());
            let hash = generated_sha(tmp.path(), &args);
            match recorded.get(&key) {
                None => problems.push(format!("{integration} {row_method}: never logged in")),
                Some((_, _, h)) if *h != hash => problems.push(format!(
                    "{integration} {row_method}: the text changed since its login was proven"
                )),
                Some((result, reason, _)) if result == "fail" => {
                    let ok = accepted.iter().any(|a| {
                        a.len() >= 3
                            && a[0] == *integration
                            && a[1] == row_method
                            && reason.starts_with(a[2].as_str())
                    });
                    if !ok {
                        problems.push(format!(
                            "{integration} {row_method}: failed on the lab ({reason}) and \
                             {ACCEPTED} does not accept it"
                        ));
                    }
                }
                Some((result, _, _)) if result != "pass" && result != "skip" => {
                    problems.push(format!("{integration} {row_method}: result `{result}`"))
                }
                Some(_) => {}
            }
        }
    }
    // An accepted failure that no longer fails is a stale excuse: drop its line.
    for a in accepted.iter().filter(|a| a.len() >= 3) {
        let key = (a[0].clone(), a[1].clone());
        let still = matches!(recorded.get(&key), Some((r, reason, _)) if r == "fail" && reason.starts_with(a[2].as_str()));
        if !still {
            problems.push(format!(
                "{} {}: accepted in {ACCEPTED} but no longer fails that way; remove the line",
                a[0], a[1]
            ));
        }
    }
    for key in recorded.keys().filter(|k| !seen.contains(*k)) {
        problems.push(format!(
            "{} {}: no such catalog method any more",
            key.0, key.1
        ));
    }
    assert!(
        problems.is_empty(),
        "{} of {} logins lack a current lab result; with the lab built, run \
         `tools/lab-logins.py` and commit {RESULTS}:\n  {}",
        problems.len(),
        seen.len(),
        problems.join("\n  ")
    );
}

#[test]
fn every_rule_that_claims_a_broken_login_has_a_current_negative_control() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rows = tsv(&root.join(NEGATIVES));
    let methods = methods(root);
    let tmp = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let mut covered = BTreeSet::new();
    let registry = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&registry.stdout).unwrap();
    let rules = rules
        .as_array()
        .or_else(|| rules["rules"].as_array())
        .unwrap();
    let doc_of = |code: &str| {
        rules
            .iter()
            .find(|r| r["code"] == code)
            .and_then(|r| r["doc"].as_str())
    };
    for cols in &rows {
        assert_eq!(cols.len(), 8, "{NEGATIVES}: bad line {cols:?}");
        let (rule, integration, method, breakage) = (&cols[0], &cols[1], &cols[2], &cols[3]);
        let (result, said, hash) = (&cols[5], &cols[6], &cols[7]);
        covered.insert(rule.clone());
        assert!(
            result == "refused" || result == "accepted",
            "{NEGATIVES}: result `{result}`"
        );
        assert!(!said.is_empty(), "{rule} {breakage}: nothing recorded");
        if said.starts_with("harness error") {
            problems.push(format!("{rule} {breakage}: the harness failed ({said})"));
        }
        match doc_of(rule) {
            None => problems.push(format!("{rule} {breakage}: no such rule")),
            // The rule's documentation cites what authentik answered.
            Some(doc) if !doc.contains(NEGATIVES) => problems.push(format!(
                "{rule}: its doc does not cite what authentik answered in {NEGATIVES}"
            )),
            Some(_) => {}
        }
        let Some(args) = methods.get(&(integration.clone(), method.clone())) else {
            problems.push(format!("{rule} {breakage}: {integration} {method} is gone"));
            continue;
        };
        let now = generated_sha(tmp.path(), &lab_args(args, &format!("-{breakage}"), &[]));
        if now != *hash {
            problems.push(format!(
                "{rule} {breakage}: {integration}'s text changed since the control ran"
            ));
        }
    }
    let mut claiming = 0;
    for rule in rules {
        let code = rule["code"].as_str().unwrap();
        let severity = rule["default_severity"].as_str().unwrap();
        let doc = rule["doc"].as_str().unwrap();
        if claims_a_broken_login(code, severity, doc) {
            claiming += 1;
            if !covered.contains(code) {
                problems.push(format!(
                    "{code} claims a login breaks: no negative control in {NEGATIVES}"
                ));
            }
        }
    }
    assert!(claiming >= 10, "only {claiming} rules claim a broken login");
    assert!(
        problems.is_empty(),
        "negative controls are missing or stale; with the lab built, run \
         `tools/lab-logins.py` and commit {NEGATIVES}:\n  {}",
        problems.join("\n  ")
    );
}

/// The counts table in docs/proof.md ("Logins on the lab") is the record's.
#[test]
fn the_docs_state_the_recorded_counts_per_provider_type() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut counts: BTreeMap<&str, [(u32, u32); 2]> = BTreeMap::new();
    for cols in tsv(&root.join(RESULTS)) {
        let (integration, method) = (&cols[0], &cols[1]);
        let (base, acl) = match method.strip_suffix(" allow-group") {
            Some(b) => (b, 1),
            None => (method.as_str(), 0),
        };
        let entry: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("catalog").join(format!("{integration}.json")))
                .unwrap(),
        )
        .unwrap();
        let kind = entry["methods"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == base)
            .and_then(|m| m["provider"]["type"].as_str())
            .unwrap_or_else(|| panic!("{integration} has no method {base}"));
        let label = match kind {
            "oauth2" => "OAuth2/OIDC",
            "saml" => "SAML",
            "proxy" => "Proxy",
            "ldap" => "LDAP",
            other => panic!("provider type {other}"),
        };
        let c = &mut counts.entry(label).or_default()[acl];
        c.1 += 1;
        if cols[2] == "pass" {
            c.0 += 1;
        }
    }
    let docs = std::fs::read_to_string(root.join("docs/proof.md")).unwrap();
    for (label, [login, acl]) in &counts {
        let row = format!(
            "| {label} | {} of {} | {} of {} |",
            login.0, login.1, acl.0, acl.1
        );
        assert!(
            docs.lines().any(|l| l == row),
            "docs/proof.md lacks the row `{row}` (the counts of {RESULTS})"
        );
    }
    // The README states the login counts per provider type too, in one sentence.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for (label, [login, _]) in &counts {
        let said = format!("{label} {} of {}", login.0, login.1);
        assert!(
            readme.contains(&said),
            "README.md does not say `{said}` (the counts of {RESULTS})"
        );
    }
}
