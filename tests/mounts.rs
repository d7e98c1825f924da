//! Issue 18, "Wrappers as Kubernetes mounts them": every ConfigMap or Secret value that
//! would be mounted as a `*.yaml` file next to a blueprint is checked, or reported as
//! unreadable; `binaryData`, `stringData` over `data`, `kind: List` items and keys of any
//! spelling included. Each case here was skipped or missed before.

use akbp::check::{check_source, FileReport, Options, SkipReason};
use akbp::load::SourceFile;

mod common;
use common::base64;

fn check(text: &str) -> FileReport {
    check_source(SourceFile::new("m.yaml", text), &Options::default())
}

fn codes(r: &FileReport) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = r.findings.iter().map(|f| f.rule.code).collect();
    c.sort_unstable();
    c
}

const BAD: &str =
    "version: 1\nentries:\n  - model: authentik_core.grup\n    identifiers: {name: x}\n";
const GOOD: &str =
    "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: x}\n";

fn indented(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}

#[test]
fn configmap_binary_data_is_decoded_and_checked() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bp}}\nbinaryData:\n  wiki.yaml: {}\n",
        base64(BAD.as_bytes())
    );
    let r = check(&text);
    assert_eq!(codes(&r), ["AKB200"]);
    assert!(r.findings[0].approximate);
}

#[test]
fn wrapper_keys_of_any_spelling_are_read() {
    let body = indented(BAD, 4);
    for (kind, data) in [
        ("\"kind\": ConfigMap", "!!str data"),
        ("!<tag:yaml.org,2002:str> kind: ConfigMap", "\"\\x64ata\""),
        ("? kind\n: ConfigMap", "'data'"),
    ] {
        let text = format!(
            "apiVersion: v1\n{kind}\nmetadata: {{name: bp}}\n{data}:\n  wiki.yaml: |\n{body}"
        );
        assert_eq!(codes(&check(&text)), ["AKB200"], "{text}");
    }
}

#[test]
fn a_blueprint_value_of_any_spelling_is_checked() {
    // No `entries` in the text at all: the key is escaped.
    let inner = "version: 1\n\"\\x65ntries\":\n  - model: authentik_core.grup\n    identifiers: {name: x}\n";
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bp}}\ndata:\n  wiki.yaml: |\n{}",
        indented(inner, 4)
    );
    assert_eq!(codes(&check(&text)), ["AKB200"]);
}

#[test]
fn a_mounted_value_that_does_not_parse_is_an_error() {
    // Broken YAML whatever it names: mounted as `wiki.yaml`, authentik fails on it.
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bp}\ndata:\n  wiki.yaml: |\n    version: 1\n    \"\\x65ntries\": [\n";
    let r = check(text);
    assert_eq!(r.skipped, None);
    assert_eq!(codes(&r), ["AKB002"]);
    // Bad base64, or bytes that are not UTF-8: unreadable, not skipped.
    for (value, code) in [
        ("not base64!", "AKB002"),
        (&*base64(&[0xff, 0xfe, 0x00]), "AKB003"),
    ] {
        let text = format!(
            "apiVersion: v1\nkind: Secret\nmetadata: {{name: bp}}\ndata:\n  wiki.yaml: {value}\n"
        );
        let r = check(&text);
        assert_eq!(codes(&r), [code], "{value}");
    }
    // A value that is not a string cannot be applied at all.
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bp}}\ndata:\n  wiki.yaml:\n{}",
        indented(GOOD, 4)
    );
    assert_eq!(codes(&check(&text)), ["AKB002"]);
}

#[test]
fn every_yaml_value_beside_a_blueprint_is_checked() {
    // Mounted with the blueprint beside it, `other.yaml` is loaded by authentik too.
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bp}}\ndata:\n  wiki.yaml: |\n{}  other.yaml: |\n    - a list\n  notes.txt: plain text\n",
        indented(GOOD, 4)
    );
    assert_eq!(codes(&check(&text)), ["AKB100"]);
    // Without a blueprint, a ConfigMap of other YAML is not one.
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  rules.yaml: |\n    groups: []\n";
    assert_eq!(check(text).skipped, Some(SkipReason::NotABlueprint));
}

#[test]
fn string_data_is_mounted_over_data() {
    // Kubernetes writes stringData over data: only the stringData value is mounted.
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: bp}}\ndata:\n  wiki.yaml: {}\nstringData:\n  wiki.yaml: |\n{}",
        base64(GOOD.as_bytes()),
        indented(BAD, 4)
    );
    assert_eq!(codes(&check(&text)), ["AKB200"]);
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: bp}}\ndata:\n  wiki.yaml: {}\nstringData:\n  wiki.yaml: |\n{}",
        base64(BAD.as_bytes()),
        indented(GOOD, 4)
    );
    assert_eq!(codes(&check(&text)), Vec::<&str>::new());
}

#[test]
fn list_items_are_objects_of_their_own() {
    let text = format!(
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {{name: a}}\n    data:\n      wiki.yaml: |\n{}  - apiVersion: v1\n    kind: Secret\n    metadata: {{name: b}}\n    stringData:\n      sso.yaml: |\n{}",
        indented(BAD, 8),
        indented(BAD, 8)
    );
    let r = check(&text);
    assert_eq!(codes(&r), ["AKB200", "AKB200"]);
    // Outer positions: the first finding sits on the ConfigMap's `model:` line.
    let line = r
        .source
        .as_ref()
        .unwrap()
        .position(r.findings[0].span.start as usize)
        .line;
    assert_eq!(line, 11);
}
