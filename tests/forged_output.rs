//! Output that cannot be forged (issue 18): arbitrary strings (every kind of line break,
//! `::` workflow commands, `##[` runner brackets, `%0A`, ANSI escapes, controls) in every
//! position a file or the configuration controls (file name, key, value, tag, raw text,
//! `akbp.toml` key and value, `--context` and `--env` values), through every output format
//! and standard error. Every output line must begin with akbp's own text, as
//! docs/formats/index.md ("Text from files") defines it per format:
//!
//! - human: after leading spaces, a glyph of the report's frame (`×`, `⚠`, `☞`, `│`, `╭`,
//!   `╰`, `·`...), a source line number and `│`, `help: `, or a whole line of one of
//!   akbp's forms (`NAME:LINE:COL: SEVERITY CODE[name]`, `NAME: and N more ...`, the
//!   summary) where NAME is the file's name as `escape::name` writes it;
//! - concise: `NAME:LINE:COL: SEVERITY[CODE] ` then one line of message, or the summary;
//! - github: `::error|warning|notice file=P,line=..,col=..,endLine=..,endColumn=..,title=T::D`
//!   where P and T hold no raw `:`, `,`, CR or LF, and the runner reads back the name;
//! - JSON, SARIF, GitLab: valid JSON whose only line breaks are LF between tokens, so every
//!   line starts with a JSON token of akbp's layout; every object key is akbp's;
//! - standard error: `error: ` (or `note: `) then text, further lines start with `  │ `.
//!
//! In every format nothing unsafe reaches the output raw (controls, separators, bidi
//! overrides) and no `##[`, `##vso[` bracket appears.

use std::collections::HashMap;

use akbp::blueprint::known::Known;
use akbp::check::{check_source, FileReport, Options};
use akbp::config::Config;
use akbp::load::SourceFile;
use akbp::report::escape;
use akbp::report::{FORMATS, JSON_FORMATS};
use akbp::target::Target;
use proptest::prelude::*;
use regex::Regex;

/// Pieces an attacker would reach for; strings are drawn from these and from any Unicode.
const HOSTILE: &[&str] = &[
    "\n",
    "\r",
    "\r\n",
    "\u{b}",
    "\u{c}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "::",
    "::error file=a.yaml,line=1::forged",
    "::stop-commands::tok",
    "%0A",
    "%25",
    "%0D",
    "##[error]forged",
    "##vso[task.logissue type=error]x",
    "\u{1b}[2J",
    "\u{1b}]0;title\u{7}",
    "\u{9b}31m",
    "\u{202e}",
    "\u{2066}",
    "\u{7f}",
    "\u{0}",
    "\t",
    ":",
    ",",
    " ",
    "  × forged",
    "checked 1 file: 0 errors, 0 warnings",
    "x.yaml:1:1: error AKB000[forged]",
    "x.yaml:1:1: error[AKB000] forged",
    "help: ",
    "\"",
    "\\",
    "'",
    "{{",
    "é",
    "😀",
    "secret",
];

fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(HOSTILE).prop_map(str::to_string),
        1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
        1 => "[a-z]{1,6}",
    ];
    prop::collection::vec(piece, 1..6).prop_map(|v| v.concat())
}

/// `s` as a YAML double-quoted scalar: every character but printable ASCII escaped.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `s` as a TOML basic string.
fn toml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `s` as a YAML tag suffix: URI characters, everything else `%XX` (which tags decode).
fn tag_escaped(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A blueprint with `s` as a key, a model, a slug, a group name, a tag, and raw text.
fn blueprint(s: &str) -> String {
    let q = yaml_quoted(s);
    format!(
        "version: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {{slug: {q}}}\n    attrs:\n      name: {q}\n      {q}: 1\n      meta_launch_url: {q}\n  - model: {q}\n    identifiers: {{name: x}}\n  - model: authentik_core.group\n    identifiers: {{name: !{} x}}\n    attrs:\n      parent: !KeyOf {q}\n      is_superuser: {q}\n"
    , tag_escaped(s))
}

/// The payload raw in a file: a comment, a plain scalar, and whatever the parser makes of
/// the line breaks in it.
fn raw(s: &str) -> String {
    format!("version: 1\n# {s}\nentries:\n  - model: authentik_core.group\n    identifiers: {{name: {s}}}\n")
}

/// The line breaks every log reader may split at; CR LF is one.
fn lines(out: &str) -> Vec<&str> {
    let mut v = Vec::new();
    let mut start = 0;
    let mut it = out.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if escape::is_line_break(c) {
            v.push(&out[start..i]);
            let mut next = i + c.len_utf8();
            if c == '\r' && it.peek().is_some_and(|(_, n)| *n == '\n') {
                it.next();
                next += 1;
            }
            start = next;
        }
    }
    if start < out.len() {
        v.push(&out[start..]);
    }
    v
}

struct Grammar {
    human: Vec<Regex>,
    concise: Regex,
    github: Regex,
    summary: Regex,
    bracket: Regex,
    key: Regex,
}

fn grammar(names: &[&str]) -> Grammar {
    let alt = names
        .iter()
        .map(|n| regex::escape(&escape::name(n)))
        .collect::<Vec<_>>()
        .join("|");
    let gh = names
        .iter()
        .map(|n| regex::escape(&escape::github_property(n)))
        .collect::<Vec<_>>()
        .join("|");
    let sev = "(error|warning|info)";
    let code = r"AKB\d{3}";
    let summary = r"checked \d+ files?: \d+ errors?, \d+ warnings?(, \d+ info)?(; \d+ findings? suppressed( \(\d+ errors?\))?)?(; skipped \d+ files? \([a-z0-9 ,-]+\))?";
    Grammar {
        human: vec![
            Regex::new(&format!(
                r"^({alt}):\d+:\d+: {sev} {code}\[[a-z0-9-]+(/[a-z0-9-]+)?\]$"
            ))
            .unwrap(),
            Regex::new(&format!(r"^({alt}): {sev} {code}\[[a-z0-9-]+(/[a-z0-9-]+)?\]$")).unwrap(),
            Regex::new(&format!(
                r"^({alt}): and \d+ more {code} findings in this file \(the summary counts them all\)$"
            ))
            .unwrap(),
            Regex::new(&format!("^{summary}$")).unwrap(),
            // A source line: its number and the frame.
            Regex::new(r"^\d+ │").unwrap(),
            Regex::new(r"^help: ").unwrap(),
        ],
        concise: Regex::new(&format!(r"^({alt}):\d+:\d+: {sev}\[{code}\] ")).unwrap(),
        github: Regex::new(&format!(
            r"^::(error|warning|notice) file=({gh}),line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title={code} [a-z0-9-]+::[^\r\n]*$"
        ))
        .unwrap(),
        summary: Regex::new(&format!("^(::notice title=akbp::)?{summary}$")).unwrap(),
        bracket: Regex::new(r"##[A-Za-z]*\[").unwrap(),
        key: Regex::new(r"^[$A-Za-z][A-Za-z0-9_-]*$").unwrap(),
    }
}

use akbp::report::escape::FRAME;

fn check_common(format: &str, out: &str, g: &Grammar) -> Result<(), TestCaseError> {
    if let Some((i, c)) = out
        .char_indices()
        .find(|(_, c)| escape::is_unsafe(*c) && *c != '\n')
    {
        let around: String = out[..i]
            .chars()
            .rev()
            .take(80)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .chain(out[i..].chars().take(40))
            .collect();
        prop_assert!(false, "{format}: raw {c:?} at {i} in {around:?}");
    }
    prop_assert!(
        !g.bracket.is_match(out),
        "{format}: a runner bracket in\n{out}"
    );
    Ok(())
}

fn check_json(format: &str, out: &str, g: &Grammar) -> Result<(), TestCaseError> {
    let v: serde_json::Value = serde_json::from_str(out)
        .map_err(|e| TestCaseError::fail(format!("{format}: not JSON ({e}):\n{out}")))?;
    for line in lines(out) {
        let t = line.trim_start_matches(' ');
        let first = t.chars().next();
        prop_assert!(
            first.is_none_or(|c| "{}[]\"-0123456789tfn".contains(c)),
            "{format}: line does not start with a JSON token: {line:?}"
        );
    }
    let mut keys = Vec::new();
    fn walk(v: &serde_json::Value, keys: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    keys.push(k.clone());
                    walk(x, keys);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, keys)),
            _ => {}
        }
    }
    walk(&v, &mut keys);
    for k in keys {
        prop_assert!(g.key.is_match(&k), "{format}: key {k:?} is not akbp's");
    }
    Ok(())
}

fn check_text(format: &str, out: &str, g: &Grammar) -> Result<(), TestCaseError> {
    for line in lines(out) {
        let ok = match format {
            "human" => {
                let t = line.trim_start_matches(' ');
                // A name never starts with a space or a glyph (`escape::name`): a line that
                // does is one of akbp's own.
                t.is_empty() || t.starts_with(FRAME) || g.human.iter().any(|r| r.is_match(t))
            }
            "concise" => g.concise.is_match(line) || g.summary.is_match(line),
            "github" => g.github.is_match(line) || g.summary.is_match(line),
            _ => unreachable!("{format}"),
        };
        prop_assert!(
            ok,
            "{format}: a line akbp did not start: {line:?}\nin\n{out}"
        );
    }
    Ok(())
}

fn check_all(reports: &[FileReport], names: &[&str]) -> Result<(), TestCaseError> {
    let g = grammar(names);
    for (format, render) in FORMATS {
        let out = render(reports, Target::LATEST, &[]);
        check_common(format, &out, &g)?;
        if JSON_FORMATS.contains(format) {
            check_json(format, &out, &g)?;
        } else {
            check_text(format, &out, &g)?;
        }
    }
    Ok(())
}

/// Standard error, as `cli::say` writes it.
fn check_stderr(message: &str) -> Result<(), TestCaseError> {
    let out = escape::stderr("error: ", message);
    let g = grammar(&[]);
    check_common("stderr", &out, &g)?;
    for (i, line) in lines(&out).into_iter().enumerate() {
        let ok = if i == 0 {
            line.starts_with("error: ")
        } else {
            line.starts_with("  │")
        };
        prop_assert!(ok, "stderr: a line akbp did not start: {line:?}\nin\n{out}");
    }
    Ok(())
}

fn options_with(s: &str) -> Options {
    let ctx = akbp::load::parse(SourceFile::new(
        "ctx.yaml",
        format!("slug: {}\nname: {}\n", yaml_quoted(s), yaml_quoted(s)),
    ))
    .expect("the context parses");
    let mut env = HashMap::new();
    // `--env` values are secrets, masked wherever they occur: another string.
    env.insert("SLUG".to_string(), format!("{s}-env"));
    Options {
        known: Known {
            context: Some(Known::context_from(&ctx).expect("a mapping")),
            env: Some(env),
        },
        ..Options::default()
    }
}

/// Values read from `--context` and `--env` reach the rules through tags.
fn with_known_values() -> String {
    "version: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: !Context slug}\n    attrs: {name: !Env SLUG, meta_launch_url: !Context name}\n".into()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_file_text_starts_an_output_line(s in hostile(), name in hostile()) {
        let reports: Vec<FileReport> = vec![
            check_source(SourceFile::new(name.as_str(), blueprint(&s)), &Options::default()),
            check_source(SourceFile::new(s.as_str(), raw(&s)), &Options::default()),
            check_source(SourceFile::new("known.yaml", with_known_values()), &options_with(&s)),
        ];
        prop_assert!(reports[0].findings.len() >= 3, "{:?}", reports[0].findings);
        check_all(&reports, &[&name, &s, "known.yaml"])?;
        for r in &reports {
            for f in &r.findings {
                check_stderr(&f.message)?;
            }
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn no_configuration_text_starts_an_error_line(s in hostile(), name in hostile()) {
        let q = toml_quoted(&s);
        for toml in [
            format!("{q} = 1\n"),
            format!("target = {q}\n"),
            format!("select = [{q}]\n"),
            format!("[severity]\n{q} = \"error\"\n"),
            format!("[severity]\nAKB200 = {q}\n"),
            format!("include = [{q}]\nplaceholders = [{q}]\n"),
            format!("target = 1\n# {s}\n"),
        ] {
            if let Err(e) = Config::parse(&SourceFile::new(name.as_str(), toml)) {
                check_stderr(&e.to_string())?;
            }
        }
    }
}

/// The property's generator reaches the findings it means to: the key, the model, the
/// slug and the raw text are quoted in messages.
#[test]
fn the_positions_reach_messages() {
    let s = "zz\u{2028}::error::x";
    let r = check_source(SourceFile::new("a.yaml", blueprint(s)), &Options::default());
    let quoted = r
        .findings
        .iter()
        .filter(|f| f.message.contains("::error::x"))
        .count();
    assert!(quoted >= 3, "{:#?}", r.findings);
    let r = check_source(
        SourceFile::new("k.yaml", with_known_values()),
        &options_with(s),
    );
    assert!(
        r.findings.iter().any(|f| f.message.contains("::error::x")),
        "{:#?}",
        r.findings
    );
}
