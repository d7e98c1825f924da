//! Control characters from a file's content or its name never reach a terminal as is:
//! no cursor move, screen clear or forged report line; JSON stays valid.

use akbp::check::{check_source, Options};
use akbp::load::SourceFile;
use akbp::report::{FORMATS, JSON_FORMATS};
use akbp::target::Target;

/// Characters that must not appear raw in human output (line feed is allowed).
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202e}')
        })
        .collect()
}

const HOSTILE: &str = "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: \"a\\e[2J\\a\"}\n    attrs:\n      \"x\\e[1A\\rforged.yaml:1:1: error\": 1\n      is_superuser: \"\u{1b}]0;title\u{7}\u{202e}\"\n      bad\u{1b}[31m: 1\n";

#[test]
fn human_output_escapes_controls_from_content_and_names() {
    let name = "evil\u{1b}[2J\nforged.yaml:9:9: error AKB000\r.yaml";
    let report = check_source(SourceFile::new(name, HOSTILE), &Options::default());
    assert!(!report.findings.is_empty());
    for (format, render) in FORMATS {
        let out = render(std::slice::from_ref(&report), Target::LATEST, &[]);
        if JSON_FORMATS.contains(format) {
            let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
            if *format == "json" {
                assert_eq!(
                    v["findings"][0]["file"], name,
                    "JSON keeps the name exactly"
                );
            }
        } else {
            assert_eq!(raw_controls(&out), Vec::<char>::new(), "{format}:\n{out}");
            assert!(
                !out.lines().any(|l| l.starts_with("forged.yaml")),
                "{format}: a forged line:\n{out}"
            );
            // GitHub's own escape for a line break in a property is `%0A`.
            let name = if *format == "github" {
                "evil\\u{1b}[2J%0Aforged"
            } else {
                "evil\\u{1b}[2J\\u{a}forged"
            };
            assert!(out.contains(name), "{format}: {out}");
        }
    }
}

#[test]
fn binary_human_output_has_no_raw_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let name = "bell\u{7}\u{1b}[H.yaml";
    std::fs::write(dir.path().join(name), HOSTILE).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_akbp"))
        .args(["validate", "--color", "never", "-v", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("bell\\u{7}\\u{1b}[H.yaml"), "{stdout}");
    assert_eq!(raw_controls(&stdout), Vec::<char>::new(), "{stdout}");
}
