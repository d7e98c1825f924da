//! Generated YAML means what it says: every option value comes back byte for byte when
//! PyYAML reads the output, in values and comments, and no value adds, removes or changes
//! an entry; a value that cannot be written safely is refused (exit 2, nothing written).

use std::io::Write;
use std::process::{Command, Stdio};

use akbp::generate::{generate, GenerateOptions};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

mod common;

const OPTIONS: [&str; 5] = ["name", "group", "client_id", "slug", "app_url"];

fn opts(option: &str, value: &str) -> GenerateOptions {
    let mut o = GenerateOptions::new("gravitee", "https://g.example.com", "https://a.example.com");
    let v = Some(value.to_string());
    match option {
        "name" => o.naming.name = v,
        "group" => o.allow_group = v,
        "client_id" => o.naming.client_id = v,
        "slug" => o.naming.slug = v,
        "app_url" => o.naming.app_url = Some(format!("https://g.example.com/{value}")),
        _ => unreachable!(),
    }
    if option != "group" {
        o.allow_group = Some("staff".into());
    }
    o
}

/// Hostile characters: every PyYAML line break, quotes, indicators, controls, BOM.
fn hostile() -> impl Strategy<Value = String> {
    let pool = prop::sample::select(vec![
        "\n",
        "\r",
        "\r\n",
        "\u{85}",
        "\u{2028}",
        "\u{2029}",
        "'",
        "\"",
        "#",
        ": ",
        " #",
        "!",
        "{{",
        "}}",
        "&a",
        "*a",
        "- ",
        "? ",
        "|",
        ">",
        "%",
        "@",
        "`",
        ",",
        "[",
        "]",
        "{",
        "}",
        "\t",
        "\u{1b}",
        "\u{7}",
        "\u{0}",
        "\u{feff}",
        "\u{7f}",
        "\u{9f}",
        "---",
        "...",
        "\\",
        " ",
        // Runs of spaces and whitespace other than a space: a wrapped comment line must keep
        // them (a group `}}  #…` once came back with one space in the header).
        "  ",
        "   ",
        " \u{a0}",
        "\u{a0}",
        "\u{3000}",
        "\u{2009} ",
        "a  b",
        " Z ",
        "a",
        "Z",
        "é",
        "日本",
        "😀",
        "\u{fffe}",
        "entries:",
        "- model: x",
    ]);
    (
        prop::collection::vec(pool, 0..6),
        prop::collection::vec(any::<char>(), 0..3),
    )
        .prop_map(|(parts, extra)| {
            let mut s: String = parts.concat();
            s.extend(extra);
            s
        })
}

const READER: &str = r##"
import json, re, sys, yaml
class L(yaml.SafeLoader): pass
def tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode): v = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode): v = loader.construct_sequence(node, deep=True)
    else: v = loader.construct_mapping(node, deep=True)
    return {"tag": suffix, "value": v}
L.add_multi_constructor("!", tagged)
def strings(x, out):
    if isinstance(x, str): out.append(x)
    elif isinstance(x, dict):
        for k, v in x.items(): strings(k, out); strings(v, out)
    elif isinstance(x, list):
        for v in x: strings(v, out)
    return out
results = []
for case in json.load(sys.stdin):
    text = case["text"]
    try:
        doc = yaml.load(text, Loader=L)
    except yaml.YAMLError as e:
        results.append({"error": str(e)}); continue
    entries = doc.get("entries", [])
    models = [e.get("model") for e in entries]
    by_break = [l for l in re.split("\r\n|[\n\r\x85\u2028\u2029]", text) if l.lstrip().startswith("#")]
    by_lf = [l for l in text.split("\n") if l.lstrip().startswith("#")]
    # The header wraps its lines at single spaces between words: joined with one space,
    # however trimmed, the comment lines give every text back as it was.
    comments = " ".join(l.lstrip()[1:].strip() for l in by_lf)
    results.append({"models": models, "strings": strings(doc, []),
                     "comments_intact": by_break == by_lf, "comments": comments})
json.dump(results, sys.stdout)
"##;

fn pyyaml(texts: &[String]) -> Vec<serde_json::Value> {
    let mut child = Command::new("python3")
        .args(["-c", READER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with PyYAML (pip install pyyaml)");
    let cases: Vec<_> = texts
        .iter()
        .map(|t| serde_json::json!({ "text": t }))
        .collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the PyYAML reader failed");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Generates a blueprint for each `(option, value)` and checks what PyYAML reads back:
/// the same entries, intact comments, the value in the YAML and, for the names the header
/// repeats, in the comments, and in the header's `akbp show` command line for the options
/// it carries. `why` says where the values came from, for the failure message. Returns how
/// many were refused.
fn check_values(cases: &[(&'static str, String)], why: &str) -> usize {
    let baseline = generate(&opts("name", "Gravitee")).unwrap()[0].text.clone();
    let base = &pyyaml(&[baseline])[0];
    let mut written = Vec::new();
    let mut refused = 0;
    for (option, value) in cases {
        match generate(&opts(option, value)) {
            Ok(bps) => written.push((*option, value, bps[0].text.clone())),
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
                assert!(
                    !e.to_string()
                        .contains(['\r', '\u{1b}', '\u{85}', '\u{2028}']),
                    "{why}: {option} {value:?}: the message holds a raw control: {e}"
                );
            }
        }
    }
    let texts: Vec<String> = written.iter().map(|w| w.2.clone()).collect();
    let read = if texts.is_empty() {
        Vec::new()
    } else {
        pyyaml(&texts)
    };
    for ((option, value, text), r) in written.iter().zip(&read) {
        assert!(
            r.get("error").is_none(),
            "{why}: {option} {value:?}: PyYAML refused:\n{text}\n{r}"
        );
        assert_eq!(
            r["models"], base["models"],
            "{why}: {option} {value:?}: entries changed:\n{text}"
        );
        assert_eq!(
            r["comments_intact"], true,
            "{why}: {option} {value:?}: a comment was broken:\n{text}"
        );
        let strings: Vec<&str> = r["strings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s.as_str())
            .collect();
        let found = match *option {
            "app_url" => strings.iter().any(|s| s.contains(value.as_str())),
            _ => strings.contains(&value.as_str()),
        };
        assert!(
            found,
            "{why}: {option} {value:?} did not come back:\n{text}"
        );
        if *option == "name" || *option == "group" {
            let comments = r["comments"].as_str().unwrap();
            assert!(
                comments.contains(value.as_str()),
                "{why}: {option} {value:?} not in the comments:\n{text}"
            );
        }
        // The tests and tools/lab-*.py run the header's command again: it must carry the
        // value as it was given, quoted for the shell.
        let flag = match *option {
            "slug" => "--slug",
            "client_id" => "--client-id",
            "app_url" => "--app-url",
            _ => continue,
        };
        let args = common::header_args(text).expect("an `akbp show` line");
        let given = args
            .iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1));
        let carried = match (*option, given) {
            // The base URL without its final slashes (`check_base_url`), as it is used.
            ("app_url", Some(a)) => {
                a == format!("https://g.example.com/{value}").trim_end_matches('/')
            }
            (_, Some(a)) => a == *value,
            // `--client-id` is left out when it is the slug.
            ("client_id", None) => *value == "gravitee",
            (_, None) => false,
        };
        assert!(
            carried,
            "{why}: {option} {value:?}: the header's command gives {given:?}:\n{text}"
        );
    }
    refused
}

#[test]
fn every_option_value_comes_back_byte_for_byte_or_is_refused() {
    // A new seed each run, named in every failure message; AKBP_SEED=<n> repeats a run.
    let seed: u64 = match std::env::var("AKBP_SEED") {
        Ok(s) => s.parse().expect("AKBP_SEED is a number"),
        Err(_) => {
            use std::hash::{BuildHasher, Hasher};
            std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish()
        }
    };
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: 64,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let mut cases = Vec::new();
    for option in OPTIONS {
        for _ in 0..64 {
            cases.push((option, hostile().new_tree(&mut runner).unwrap().current()));
        }
    }
    let refused = check_values(&cases, &format!("AKBP_SEED={seed}"));
    assert!(
        refused > 0 && refused < cases.len(),
        "AKBP_SEED={seed}: {refused} of {} refused",
        cases.len()
    );
}

/// Values the property test above once failed on, and their neighbours: runs of spaces,
/// whitespace other than a space, and texts long enough for the header to wrap them.
#[test]
fn values_found_by_the_property_test_come_back() {
    let long = "Staff of the northern office who may sign in to Gravitee today";
    let values = [
        // The header printed this group name with one space.
        "}}  #\u{c967c}".to_string(),
        "a  b".into(),
        "a   b  c".into(),
        "a \u{a0}b".into(),
        "a\u{3000} b".into(),
        "a \u{2009} b".into(),
        long.into(),
        long.replace(' ', "  "),
        format!("{long}  {long}"),
        "}}  #".repeat(12),
        // An app URL is used without its final slash, in the header's command too.
        ",/".into(),
    ];
    let mut cases = Vec::new();
    for option in OPTIONS {
        for v in &values {
            cases.push((option, v.clone()));
        }
    }
    check_values(&cases, "regression");
    // Names the header repeats are written, not refused.
    for option in ["name", "group"] {
        for v in &values {
            assert!(
                generate(&opts(option, v)).is_ok(),
                "{option} {v:?} was refused"
            );
        }
    }
}

#[test]
fn the_binary_refuses_with_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.yaml");
    for value in [
        "Evil\u{2028}entries: []",
        "Evil\rx",
        "Evil\u{85}- model: x",
        "x\u{1b}[2J",
    ] {
        let r = Command::new(env!("CARGO_BIN_EXE_akbp"))
            .args([
                "generate",
                "gravitee",
                "--app-url",
                "https://g.example.com",
                "--authentik-url",
                "https://a.example.com",
                "--name",
                value,
                "-o",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(r.status.code(), Some(2), "{value:?}");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(
            err.contains("--name") && err.contains("is not usable"),
            "{err}"
        );
        assert!(!err.contains('\u{1b}') && !err.contains('\r'), "{err:?}");
        assert!(!out.exists(), "{value:?}: something was written");
    }
}

/// An outpost's name is in the header and in an entry's comment too: runs of spaces come
/// back there, and what YAML or a comment cannot carry is refused like any other value.
#[test]
fn outpost_names_come_back_or_are_refused() {
    let with = |name: &str| {
        let mut o = GenerateOptions::new(
            "uptime-kuma",
            "https://u.example.com",
            "https://a.example.com",
        );
        o.outpost = Some(akbp::generate::OutpostOptions {
            name: name.to_string(),
            keep_providers: Some(vec!["other  one".to_string()]),
        });
        generate(&o)
    };
    let bp = with("proxy  outpost \u{a0} #1").unwrap();
    let r = &pyyaml(std::slice::from_ref(&bp[0].text))[0];
    let comments = r["comments"].as_str().unwrap();
    assert_eq!(
        comments.matches("`proxy  outpost \u{a0} #1`").count(),
        2,
        "{}",
        bp[0].text
    );
    for name in ["a\u{2028}entries: []", "x\u{fffe}y", " lead", "trail "] {
        let e = with(name).unwrap_err().to_string();
        assert!(
            e.contains("--add-to-outpost") && e.contains("is not usable"),
            "{name:?}: {e}"
        );
    }
}
