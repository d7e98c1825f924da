//! What packagers and other tools read: `rules`/`explain --format json`, `completions`,
//! `man`, the licence. Each is checked against the clap definition, the rule registry or
//! Cargo.toml, never a copy of them.

use std::io::Write;
use std::process::{Command, Stdio};

use akbp::check::RULES;
use clap::CommandFactory;

mod common;

fn akbp(args: &[&str]) -> (i32, String, String) {
    common::output_of(
        common::akbp_command(common::root(), args).env("NO_COLOR", "1"),
        None,
    )
}

fn check_rule_json(json: &serde_json::Value, rule: &akbp::check::Rule) {
    assert_eq!(json["code"], rule.code);
    assert_eq!(json["name"], rule.name);
    assert_eq!(json["default_severity"], rule.severity.as_str());
    assert_eq!(json["summary"], rule.summary);
    assert_eq!(json["doc"], rule.doc.trim());
    assert_eq!(json["stops_load"], rule.stops_load);
    let cases = json["cases"].as_array().expect("cases is an array");
    assert_eq!(cases.len(), rule.cases.len(), "{}", rule.code);
    for (c, case) in cases.iter().zip(rule.cases) {
        assert_eq!(c["id"], case.id);
        assert_eq!(c["code"], format!("{}/{}", rule.code, case.id));
        assert_eq!(c["default_severity"], case.severity.as_str());
        assert_eq!(c["summary"], case.summary);
    }
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "code",
            "name",
            "default_severity",
            "summary",
            "doc",
            "stops_load",
            "cases"
        ]
    );
}

#[test]
fn rules_json_is_the_registry() {
    let (code, out, err) = akbp(&["rules", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("rules --format json parses");
    let rules = v["rules"].as_array().expect("rules array");
    assert_eq!(rules.len(), RULES.len());
    for (json, rule) in rules.iter().zip(RULES) {
        check_rule_json(json, rule);
    }
    // Some rule declares cases, so the case fields above were really compared.
    assert!(rules
        .iter()
        .any(|r| !r["cases"].as_array().unwrap().is_empty()));
}

#[test]
fn explain_json_is_one_rule_by_code_or_name() {
    for rule in RULES {
        for key in [rule.code, rule.name] {
            let (code, out, err) = akbp(&["explain", key, "--format", "json"]);
            assert_eq!(code, 0, "{key}: {err}");
            let v: serde_json::Value = serde_json::from_str(&out).expect("explain json parses");
            check_rule_json(&v, rule);
        }
    }
}

#[test]
fn unknown_rule_exits_two_in_both_formats() {
    for format in ["text", "json"] {
        let (code, out, err) = akbp(&["explain", "AKB999", "--format", format]);
        assert_eq!(code, 2, "{format}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains("no rule `AKB999`"), "{err}");
    }
}

/// Every visible subcommand and every long flag of `validate`, from the clap definition.
fn subcommands_and_validate_flags() -> (Vec<String>, Vec<String>) {
    let cmd = akbp::cli::Cli::command();
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let validate = cmd.find_subcommand("validate").expect("validate");
    let flags: Vec<String> = validate
        .get_arguments()
        .filter_map(|a| a.get_long())
        .map(|l| format!("--{l}"))
        .collect();
    assert!(subs.contains(&"generate".to_string()) && flags.contains(&"--format".to_string()));
    (subs, flags)
}

#[test]
fn completions_name_every_subcommand_and_flag() {
    let (subs, flags) = subcommands_and_validate_flags();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = akbp(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for sub in &subs {
            assert!(out.contains(sub.as_str()), "{shell} completion lacks {sub}");
        }
        for flag in &flags {
            // fish writes `-l format` rather than `--format`.
            let fish = format!("-l {}", &flag[2..]);
            assert!(
                out.contains(flag.as_str()) || (shell == "fish" && out.contains(&fish)),
                "{shell} completion lacks {flag}"
            );
        }
    }
    // Value completions come from the same definition: --format's choices.
    let (_, bash, _) = akbp(&["completions", "bash"]);
    assert!(
        bash.contains("human json concise sarif github gitlab"),
        "{bash}"
    );
    let (code, _, err) = akbp(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value"), "{err}");
}

#[test]
fn bash_completion_is_valid_bash() {
    let (_, script, _) = akbp(&["completions", "bash"]);
    let Ok(out) = Command::new("bash")
        .args(["-n", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(script.as_bytes())?;
            child.wait_with_output()
        })
    else {
        // No bash here: the content checks above still ran.
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The roff macros a clap_mangen page uses; anything else would be a rendering surprise.
const MACROS: &[&str] = &["TH", "SH", "TP", "IP", "RS", "RE", "PP", "br", "ie", "el"];

fn check_roff(page: &str, title: &str, options: &[String]) {
    let first_macro = page
        .lines()
        .find(|l| l.starts_with(".TH"))
        .expect(".TH line");
    assert!(
        first_macro.starts_with(&format!(".TH {title} 1 ")),
        "{first_macro}"
    );
    for line in page.lines().filter(|l| l.starts_with('.')) {
        let name = line[1..].split_whitespace().next().unwrap_or("");
        assert!(MACROS.contains(&name), "unexpected roff request: {line}");
    }
    let sections: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .collect();
    for want in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"] {
        assert!(
            sections.contains(&want),
            "{title}: no {want} in {sections:?}"
        );
    }
    // roff escapes `-` as `\-`.
    for opt in options {
        assert!(
            page.contains(&opt.replace('-', "\\-")),
            "{title} lacks {opt}"
        );
    }
}

/// Render with man(1) when this machine has it: no warning, and the text has the sections.
fn render_with_man(page: &str, title: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{title}.1"));
    std::fs::write(&file, page).unwrap();
    let Ok(out) = Command::new("man")
        .arg("--warnings")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
    else {
        return; // no man(1): check_roff above already asserted the source.
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.trim().is_empty(), "man warned: {err}");
    assert!(text.contains("NAME") && text.contains("SYNOPSIS"), "{text}");
}

#[test]
fn man_pages_are_roff_with_the_expected_sections() {
    let (subs, flags) = subcommands_and_validate_flags();
    let (code, page, err) = akbp(&["man"]);
    assert_eq!(code, 0, "{err}");
    check_roff(&page, "akbp", &["--version".to_string()]);
    assert!(page.contains(".SH SUBCOMMANDS"));
    for sub in subs.iter().filter(|s| *s != "help") {
        assert!(
            page.contains(&format!("akbp\\-{}(1)", sub.replace('-', "\\-"))),
            "akbp(1) does not list {sub}"
        );
    }
    render_with_man(&page, "akbp");

    let (code, page, err) = akbp(&["man", "validate"]);
    assert_eq!(code, 0, "{err}");
    check_roff(&page, "akbp-validate", &flags);
    assert!(page.contains("\\fBakbp validate\\fR"), "{page}");
    render_with_man(&page, "akbp-validate");

    let (code, out, err) = akbp(&["man", "nonsense"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("validate"), "{err}");
}

#[test]
fn license_file_is_the_licence_cargo_toml_names() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let license = std::fs::read_to_string(root.join("LICENSE")).unwrap();
    assert!(
        manifest.lines().any(|l| l.trim() == "license = \"MIT\""),
        "Cargo.toml's license changed: update LICENSE and this test"
    );
    assert!(license.starts_with("MIT License\n"));
    // The MIT licence's grant and its warranty disclaimer, as the SPDX text words them.
    for phrase in [
        "Permission is hereby granted, free of charge, to any person obtaining a copy",
        "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND",
    ] {
        assert!(license.contains(phrase), "LICENSE lacks: {phrase}");
    }
}
