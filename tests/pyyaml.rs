//! Differential test: akbp's loader against PyYAML's SafeLoader (what authentik uses),
//! over the rule fixtures, authentik's shipped blueprints and generated YAML-like texts.
//! Both sides print the canonical encoding of `akbp::load::canon` /
//! `tools/pyyaml_canon.py`; both refusing counts as agreement.
//!
//! Needs `python3` with PyYAML. Without it the test is skipped with a message, except in
//! CI (`CI=true`), where a missing PyYAML fails it. `AKBP_PYYAML_CASES` sets how many
//! texts are generated (100,000 by default; run more locally).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::{pyyaml_available, root};

/// Run every text through PyYAML in one process.
fn pyyaml(texts: &[String]) -> Vec<Result<Value, String>> {
    let mut child = Command::new("python3")
        .arg(root().join("tools/pyyaml_canon.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let lines: Vec<String> = texts
        .iter()
        .map(|t| serde_json::to_string(t).expect("a string encodes"))
        .collect();
    let writer = std::thread::spawn(move || {
        for l in lines {
            if writeln!(stdin, "{l}").is_err() {
                break;
            }
        }
    });
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut results = Vec::with_capacity(texts.len());
    for line in out.lines() {
        let v: Value = serde_json::from_str(&line.expect("a line")).expect("python prints JSON");
        results.push(match v.get("ok") {
            Some(ok) => Ok(ok.clone()),
            None => Err(v["error"].as_str().unwrap_or("?").to_string()),
        });
    }
    writer.join().expect("writer");
    assert!(child.wait().expect("python ends").success());
    assert_eq!(results.len(), texts.len(), "python answered every text");
    results
}

/// Sets have no order in Python: sort their members before comparing.
fn normalize(v: &mut Value) {
    match v {
        Value::Array(a) => a.iter_mut().for_each(normalize),
        Value::Object(o) => {
            o.values_mut().for_each(normalize);
            if let Some(Value::Array(set)) = o.get_mut("set") {
                set.sort_by_cached_key(|x| x.to_string());
            }
        }
        _ => {}
    }
}

/// The deliberate differences `docs/pyyaml.md` lists; anything else is a failure.
fn explained(
    text: &str,
    akbp: &Result<Value, String>,
    py: &Result<Value, String>,
) -> Option<&'static str> {
    if let (Ok(a), Err(p)) = (akbp, py) {
        if p.starts_with("TooDeep") && depth(a) > 100 {
            return Some("nested too deep to compare (serde_json's limit)");
        }
    }
    let Err(m) = akbp else { return None };
    if py.is_err() {
        return None;
    }
    if text.char_indices().any(|(i, c)| c == '\u{feff}' && i > 0) && !m.contains("nesting") {
        return Some("U+FEFF after the first character is read differently");
    }
    if anchor_into_colon(text) {
        return Some("an anchor name running into `:` is refused");
    }
    let separator = text.contains(['\u{2028}', '\u{2029}']);
    if m.contains("LINE or PARAGRAPH SEPARATOR") || (separator && m.contains("block scalar")) {
        return Some("U+2028/U+2029 inside a scalar is refused");
    }
    if m.contains("nesting deeper") || m.contains("aliases expand") {
        return Some("akbp's depth and alias limits");
    }
    if (m.contains("needs a") || m.contains("no constructor")) && text.contains("<<") {
        return Some("a tagged merge source is refused");
    }
    if m.contains("simple key expected") && block_header_at_column_0(text) {
        return Some("a block scalar header at column 0 below its key or dash is refused");
    }
    None
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// `&name:`: PyYAML ends an anchor name at `:`, YAML 1.2 (granit-parser) does not.
fn anchor_into_colon(text: &str) -> bool {
    text.split('&').skip(1).any(|rest| {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        rest[name.len()..].starts_with(':')
    })
}

/// `-` or `:` ending a line, and the next non-empty line starting with `|` or `>`.
fn block_header_at_column_0(text: &str) -> bool {
    let lines: Vec<&str> = text
        .split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
        .filter(|l| !l.is_empty())
        .collect();
    lines.windows(2).any(|w| {
        let prev = w[0].trim_end_matches(' ');
        (prev.ends_with('-') || prev.ends_with(':')) && w[1].starts_with(['|', '>'])
    })
}

struct Tally {
    agree: usize,
    explained: std::collections::BTreeMap<&'static str, usize>,
    unexplained: Vec<String>,
}

fn compare(label: &str, texts: &[String]) -> Tally {
    let py = pyyaml(texts);
    let mut t = Tally {
        agree: 0,
        explained: Default::default(),
        unexplained: Vec::new(),
    };
    for (text, py) in texts.iter().zip(py) {
        let mut akbp = akbp::load::canon::load(text);
        let mut py = py;
        if let Ok(v) = &mut akbp {
            normalize(v);
        }
        if let Ok(v) = &mut py {
            normalize(v);
        }
        let same = match (&akbp, &py) {
            (Ok(a), Ok(b)) => a == b,
            (Err(_), Err(_)) => true,
            _ => false,
        };
        if same {
            t.agree += 1;
        } else if let Some(why) = explained(text, &akbp, &py) {
            *t.explained.entry(why).or_default() += 1;
        } else {
            t.unexplained.push(format!(
                "{label}: {text:?}\n  akbp:   {akbp:?}\n  pyyaml: {py:?}"
            ));
        }
    }
    eprintln!(
        "{label}: {} texts, {} agree, explained {:?}, {} unexplained",
        texts.len(),
        t.agree,
        t.explained,
        t.unexplained.len()
    );
    t
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

fn read_all(dirs: &[PathBuf]) -> Vec<String> {
    let mut files = Vec::new();
    for d in dirs {
        yaml_files(d, &mut files);
    }
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter_map(|b| String::from_utf8(b).ok())
        .collect()
}

fn assert_clean(t: Tally) {
    let shown: Vec<&String> = t.unexplained.iter().take(25).collect();
    assert!(
        t.unexplained.is_empty(),
        "{} unexplained disagreements with PyYAML, first ones:\n{}",
        t.unexplained.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn fixtures_and_shipped_blueprints_read_as_pyyaml_reads_them() {
    if !pyyaml_available() {
        return;
    }
    let texts = read_all(&[
        root().join("tests/fixtures"),
        root().join("../shared/authentik"),
        root().join("examples"),
        root().join("blueprints"),
    ]);
    assert!(
        texts.len() > 300,
        "fixtures and ../shared/authentik are found"
    );
    assert_clean(compare("files", &texts));
}

/// xorshift64*: a fixed, dependency-free sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const BREAKS: &[&str] = &[
    "\n", "\n", "\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}",
];
const SCALARS: &[&str] = &[
    "a",
    "name",
    "x y",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "true",
    "~",
    "null",
    "",
    "0",
    "12",
    "-7",
    "0755",
    "0o17",
    "0x1F",
    "0x_",
    "0b101",
    "0b_",
    "+0b1",
    "1_000",
    "1:20",
    "190:20:30",
    "1.5",
    "1.",
    ".5",
    "._",
    "1e3",
    "1.0e+5",
    "1.0e5",
    "-.inf",
    ".NaN",
    ".nan",
    "1:20.5",
    "=",
    "<<",
    "2024-01-01",
    "2024-02-30",
    "2024-02-29",
    "2023-02-29",
    "0000-01-01",
    "2024-1-1 10:00:00",
    "2024-01-01T10:00:00Z",
    "2024-01-01 10:00:00.123456789 +02",
    "2024-01-01t25:00:00",
    "2024-01-01T10:00:00-24",
    "'q'",
    "'it''s'",
    "\"a\\tb\"",
    "\"\\u2028\"",
    "'x y'",
    "\"\"",
    "http://x/y",
    "a#b",
    "a #c",
    "-",
    "--",
    "?",
    "ünï",
    "日本",
    "\u{a0}x",
    "\u{feff}",
];
const TAGS: &[&str] = &[
    "",
    "",
    "",
    "",
    "!!str ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!null ",
    "!!timestamp ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!pairs ",
    "!!seq ",
    "!!map ",
    "!!python/none ",
    "!!KeyOf ",
    "!KeyOf ",
    "!Find ",
    "!Format ",
    "!Env ",
    "!Foo ",
    "! ",
    "!<tag:x.org,1:y> ",
];
const ANCHORS: &[&str] = &["", "", "", "", "&a ", "&b ", "&a.b ", "&x-1 ", "&é "];
const NOISE: &[&str] = &[
    "\t",
    " \t",
    "\t#c",
    " # c",
    "#",
    " #\tc",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\r",
    "\r\n",
    "\u{1}",
    "\u{7f}",
    "\u{9f}",
    "\u{fffe}",
    ": ",
    "- ",
    "? ",
    ":",
    ",",
    "[",
    "]",
    "{",
    "}",
    "*a",
    "*b",
    "&a",
    "!",
    "'",
    "\"",
    "|",
    ">",
    "---",
    "...",
    "<<: *a",
    "%YAML 1.1",
    " ",
];

fn scalar(r: &mut Rng) -> String {
    let s = r.pick(SCALARS);
    if r.below(8) == 0 {
        format!(
            "{}{}{}",
            s,
            r.pick(&[" ", "\t", "\u{2028}", " b", "\u{85}"]),
            r.pick(SCALARS)
        )
    } else {
        s.to_string()
    }
}

fn props(r: &mut Rng) -> String {
    format!("{}{}", r.pick(ANCHORS), r.pick(TAGS))
}

fn flow(r: &mut Rng, depth: usize) -> String {
    match if depth > 2 { 0 } else { r.below(4) } {
        0 | 1 => format!("{}{}", props(r), scalar(r)),
        2 => {
            let n = r.below(4);
            let items: Vec<String> = (0..n).map(|_| flow(r, depth + 1)).collect();
            format!("{}[{}]", props(r), items.join(", "))
        }
        _ => {
            let n = r.below(4);
            let items: Vec<String> = (0..n)
                .map(|_| format!("{}: {}", flow(r, depth + 1), flow(r, depth + 1)))
                .collect();
            format!("{}{{{}}}", props(r), items.join(", "))
        }
    }
}

fn block(r: &mut Rng, indent: usize, depth: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let n = 1 + r.below(4);
    let seq = r.below(3) == 0;
    for _ in 0..n {
        out.push_str(&pad);
        if seq {
            out.push_str("- ");
        } else {
            let key = if r.below(10) == 0 {
                "<<".to_string()
            } else {
                flow(r, 3)
            };
            out.push_str(&key);
            out.push(':');
        }
        if depth < 3 && r.below(3) == 0 {
            let p = props(r);
            if !p.is_empty() {
                out.push(' ');
                out.push_str(p.trim_end());
            }
            out.push_str(r.pick(BREAKS));
            block(r, indent + 2, depth + 1, out);
        } else {
            if !seq {
                out.push(' ');
            }
            match r.below(6) {
                0 => {
                    out.push_str(r.pick(&["|", ">", "|-", ">+"]));
                    out.push_str(r.pick(BREAKS));
                    for _ in 0..1 + r.below(2) {
                        out.push_str(&pad);
                        out.push_str("  ");
                        out.push_str(&scalar(r));
                        out.push_str(r.pick(BREAKS));
                    }
                    continue;
                }
                _ => out.push_str(&flow(r, 1)),
            }
            if r.below(6) == 0 {
                out.push_str(r.pick(&[" # c", " #\tc", "\t", " \u{2028}"]));
            }
            out.push_str(r.pick(BREAKS));
        }
    }
}

fn generated(count: usize) -> Vec<String> {
    let mut r = Rng(0x5eed_a11c_e0ff_1ce5);
    (0..count)
        .map(|_| {
            let mut s = String::new();
            if r.below(10) == 0 {
                s.push_str(r.pick(&[
                    "# head\n",
                    "---\n",
                    "\u{feff}",
                    "%YAML 1.1\n---\n",
                    "# c\u{2028}",
                ]));
            }
            block(&mut r, 0, 0, &mut s);
            // Mutate: splice a piece of noise somewhere (on a char boundary).
            for _ in 0..r.below(3) {
                let mut at = r.below(s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                let piece = r.pick(NOISE);
                s.insert_str(at, piece);
            }
            s
        })
        .collect()
}

#[test]
fn generated_texts_read_as_pyyaml_reads_them() {
    if !pyyaml_available() {
        return;
    }
    let count = std::env::var("AKBP_PYYAML_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let texts = generated(count);
    let t = compare("generated", &texts);
    // The generator must reach both outcomes, or the comparison proves little.
    assert!(t.agree > count / 2);
    assert_clean(t);
}

#[path = "pyyaml/view.rs"]
mod view;

/// The same blueprint as authentik reads, for generated spellings, tags, documents and
/// wrappers (`AKBP_VIEW_CASES` per generator, 1,500 by default).
#[test]
fn generated_blueprints_and_wrappers_read_as_authentik_reads_them() {
    if !pyyaml_available() {
        return;
    }
    // The nested generators' value trees are deep: give them room in a debug build.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(view::run)
        .expect("a thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}
