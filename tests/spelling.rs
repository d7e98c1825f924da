//! Issue 18, "Same document as authentik, whatever the spelling": a key is the value
//! PyYAML builds from it, so every spelling of `entries` or `model` is read, and a file
//! authentik reads as a blueprint is never skipped. Each case here passed silently
//! before (skipped as "not a blueprint", or the overriding key never checked).
//!
//! The lab (authentik 2026.2.2, `check-blueprint.sh`) agrees: a blueprint whose `entries`
//! is written `!!str entries`, `!<tag:yaml.org,2002:str> entries`, `"entries"` or
//! `? entries` imports its entries (valid with `authentik_core.group`, "App or Model does
//! not exist" with `authentik_core.grup`); `!!str model:` after `model:` wins; a
//! blueprint followed by `---` fails with ComposerError, followed by `...` it is valid;
//! a ConfigMap-shaped file with `entries` is imported as a blueprint.

use akbp::check::{check_source, FileReport, Options, SkipReason};
use akbp::load::SourceFile;

fn check(text: &str) -> FileReport {
    check_source(SourceFile::new("t.yaml", text), &Options::default())
}

fn codes(r: &FileReport) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.rule.code).collect()
}

/// The spellings of one key that PyYAML builds as the same `str`.
const SPELLINGS: [&str; 7] = [
    "KEY",
    "'KEY'",
    "\"KEY\"",
    "!!str KEY",
    "!<tag:yaml.org,2002:str> KEY",
    "\"\\x{first}{rest}\"",
    "? KEY\n  ",
];

fn spell(spelling: &str, key: &str) -> String {
    let (first, rest) = key.split_at(1);
    spelling
        .replace("\\x{first}", &format!("\\x{:02x}", first.as_bytes()[0]))
        .replace("{rest}", rest)
        .replace("KEY", key)
}

#[test]
fn entries_in_every_spelling_is_checked() {
    for s in SPELLINGS {
        let key = spell(s, "entries");
        // An explicit key needs its `:` on the next line, at the key's indentation.
        let colon = if key.starts_with('?') { "\n:" } else { ":" };
        let text = format!(
            "version: 1\n{key}{colon}\n  - model: authentik_core.grup\n    identifiers: {{name: x}}\n"
        );
        let r = check(&text);
        assert_eq!(r.skipped, None, "{text:?} was skipped");
        assert!(codes(&r).contains(&"AKB200"), "{text:?}: {:?}", codes(&r));
    }
}

#[test]
fn an_overriding_model_in_another_spelling_is_the_one_checked() {
    for s in SPELLINGS.iter().filter(|s| !s.starts_with('?')) {
        let key = spell(s, "model");
        let text = format!(
            "version: 1\nentries:\n  - model: authentik_core.group\n    {key}: authentik_core.grup\n    identifiers: {{name: x}}\n"
        );
        let r = check(&text);
        let c = codes(&r);
        // PyYAML's dict keeps the last `model`: the misspelt one is what authentik imports.
        assert!(c.contains(&"AKB200"), "{text:?}: {c:?}");
        assert!(
            c.contains(&"AKB007"),
            "{text:?}: the duplicate is named: {c:?}"
        );
    }
}

#[test]
fn a_later_entries_in_another_spelling_replaces_the_first() {
    let text = "version: 1\nentries: []\n!!str entries:\n  - model: authentik_core.grup\n    identifiers: {name: x}\n";
    let c = codes(&check(text));
    assert!(c.contains(&"AKB200"), "{c:?}");
}

#[test]
fn an_int_key_is_not_the_string_key() {
    // `1:` builds the int 1, `"1":` the string "1": two keys to PyYAML, no duplicate.
    let text = "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: x}\n    attrs:\n      attributes: {1: a, '1': b}\n";
    let c = codes(&check(text));
    assert!(!c.contains(&"AKB007"), "{c:?}");
    // And `1: x`, `1.0: y`, `true: z` are one key to Python's dict.
    let doc =
        akbp::load::parse(SourceFile::new("t.yaml", "1: x\n1.0: y\ntrue: z\n'1': w\n")).unwrap();
    assert_eq!(doc.duplicate_keys.len(), 2);
    assert_eq!(doc.root.get("1").and_then(|n| n.as_str()), Some("w"));
}

#[test]
fn the_header_scan_ends_lines_where_the_loader_does() {
    let bad = "  - model: authentik_core.grup\n    identifiers: {name: x}\n";
    // NEL ends the comment: `version: 1 # akbp: ignore-file[AKB200]` is a content line with
    // a trailing comment, not a header comment.
    let text = format!("# c\u{85}version: 1 # akbp: ignore-file[AKB200]\nentries:\n{bad}");
    let c = codes(&check(&text));
    assert!(c.contains(&"AKB200"), "{text:?}: {c:?}");
    for br in ["\r", "\u{2028}", "\u{2029}"] {
        let text = format!("# c{br}version: 1 # akbp: ignore-file[AKB200]\nentries:\n{bad}");
        let c = codes(&check(&text));
        assert!(c.contains(&"AKB200"), "{text:?}: {c:?}");
    }
    // NBSP is content to PyYAML, not white space: this line is a key, not a comment.
    let text = format!("\u{a0}# akbp: ignore-file[AKB200]\nversion: 1\nentries:\n{bad}");
    let c = codes(&check(&text));
    assert!(c.contains(&"AKB200"), "{text:?}: {c:?}");
}

#[test]
fn a_kubernetes_looking_mapping_with_entries_is_a_blueprint() {
    // authentik loads any `*.yaml` under its folders: `apiVersion` and `kind` change nothing.
    let text = "apiVersion: v1\nkind: ConfigMap\nversion: 1\nentries:\n  - model: authentik_core.grup\n    identifiers: {name: x}\n";
    let r = check(text);
    assert_eq!(r.skipped, None);
    assert!(codes(&r).contains(&"AKB200"), "{:?}", codes(&r));
}

#[test]
fn a_skip_is_never_the_answer_for_a_blueprint_in_disguise() {
    for text in [
        "version: 1\n\"\\x65ntries\":\n  - model: authentik_core.grup\n    identifiers: {name: x}\n",
        "version: 1\n? entries\n:\n  - model: authentik_core.grup\n    identifiers: {name: x}\n",
    ] {
        let r = check(text);
        assert_ne!(r.skipped, Some(SkipReason::NotABlueprint), "{text:?}");
        assert!(codes(&r).contains(&"AKB200"), "{text:?}: {:?}", codes(&r));
    }
}

/// One blueprint is one document: PyYAML's `yaml.load` refuses a second one, even an
/// empty one after a trailing `---` (ComposerError "expected a single document in the
/// stream", PyYAML 6.0). A manifest is a file whose documents are all Kubernetes objects.
#[test]
fn a_blueprint_followed_by_any_document_is_akb006() {
    let bp = "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: x}\n";
    for second in [
        "---\n",
        "--- \n# only a comment\n",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        "---\nfoo: bar\n",
        "...\n---\n",
    ] {
        let text = format!("{bp}{second}");
        let c = codes(&check(&text));
        assert_eq!(c, ["AKB006"], "{text:?}");
    }
    // `...` ends the one document; nothing follows.
    assert_eq!(codes(&check(&format!("{bp}...\n"))), Vec::<&str>::new());
    // Kubernetes objects only: a manifest, empty documents or not.
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n";
    let r = check(&format!("---\n{cm}---\n{cm}---\n"));
    // Named on the command line, a manifest without a blueprint gets the one note.
    assert_eq!(codes(&r), ["AKB111"]);
    assert_eq!(r.skipped, Some(SkipReason::NotABlueprint));
}

#[test]
fn template_syntax_explains_an_error_only_at_its_place() {
    let broken =
        "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: [x}\n";
    for text in [
        format!("# rendered by {{{{ .Release.Name }}}}\n{broken}"),
        format!("metadata: {{name: \"{{{{ x }}}}\"}}\n{broken}"),
    ] {
        let r = check(&text);
        assert_eq!(r.skipped, None, "{text:?}");
        assert_eq!(codes(&r), ["AKB002"], "{text:?}");
    }
    let helm = "{{- if .Values.enabled }}\nversion: 1\nentries: []\n{{- end }}\n";
    let r = check(helm);
    assert_eq!(r.skipped, Some(SkipReason::Template));
    let f = &r.findings[0];
    assert_eq!(
        &helm[f.span.start as usize..f.span.end as usize],
        "{{- if .Values.enabled }}"
    );
}

/// PyYAML reads `#` right after a closing quote or bracket as a comment (scanner.py
/// `scan_to_next_token`), and a long run of comment lines anywhere; granit-parser wanted a
/// space before `#` and buffered at most 96 comments. Both were AKB002 before, or a skip
/// when the file also held `{{`.
#[test]
fn comments_read_as_pyyaml_reads_them() {
    let text = "# {{ rendered }}\nversion: 1\nentries:\n  - model: \"authentik_core.grup\"#c\n    identifiers: {name: [x]}#c\n";
    let r = check(text);
    assert_eq!(r.skipped, None);
    assert_eq!(codes(&r), ["AKB200"]);
    let doc = akbp::load::parse(SourceFile::new("t.yaml", "a: 'g'#c\nb: [x,#c\n  y]\n")).unwrap();
    assert_eq!(doc.root.get("a").and_then(|n| n.as_str()), Some("g"));
    assert_eq!(
        doc.root.get("b").and_then(|n| n.as_seq()).map(<[_]>::len),
        Some(2)
    );
    // A directive in such a comment still counts.
    let text = "version: 1\nentries:\n  - model: \"authentik_core.grup\"#akbp: ignore[AKB200]\n    identifiers: {name: x}\n";
    assert_eq!(codes(&check(text)), Vec::<&str>::new());
    let comments = "# c\n".repeat(200);
    for text in [
        format!("# akbp: target 2026.2\nversion: 1\nentries:\n{comments}  - model: authentik_core.grup\n    identifiers: {{name: x}}\n"),
        format!("# akbp: target 2026.2\nversion: 1\nentries:\n  -\n{comments}    model: authentik_core.grup\n    identifiers: {{name: x}}\n"),
    ] {
        assert_eq!(codes(&check(&text)), ["AKB200"], "{}", &text[..60]);
    }
}

/// Rules see the fields as PyYAML's dict holds them: a duplicate's dropped value is not
/// checked a second time (AKB007 names the duplicate), and a list of entries without the
/// mapping around it is a blueprint authentik cannot load, not "not a blueprint".
#[test]
fn rules_read_the_dict_authentik_gets() {
    let text = "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: x}\n    attrs: {nam: 1, !!str nam: 2}\n";
    assert_eq!(codes(&check(text)), ["AKB007", "AKB202"]);
    let r = check("- model: authentik_core.group\n  identifiers: {name: x}\n");
    assert_eq!(r.skipped, None);
    assert_eq!(codes(&r), ["AKB100"]);
}
