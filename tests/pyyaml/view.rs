//! The second half of the differential test: not only the same YAML values, but the same
//! blueprint read from them. `tools/pyyaml_canon.py --view` says what authentik reads from
//! a file (one document through PyYAML, keys looked up in the dict it builds, dacite's
//! refusal of a tag where a dict or list is declared) and from every file Kubernetes would
//! mount out of it; akbp's view comes from the same code `validate` runs
//! (`wrapper::read_file`, `wrapper::classify`, `Blueprint::new`, the AKB113 rule). The
//! proptest generators below write the spellings PyYAML folds into one key (quotes,
//! escapes, `!!str`, the verbatim tag, `!`, `? key`) and its look-alikes, tags on the
//! blueprint's structure, several documents, and blueprints inside ConfigMap
//! `data`/`binaryData`, Secret `data`/`stringData` and `kind: List` items.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use akbp::blueprint::Blueprint;
use akbp::check::{check_document, Options};
use akbp::load::canon::canonical;
use akbp::load::{Document, Node};
use akbp::wrapper::{classify, discovered_name, read_file, FileContents, Found};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};

use super::common::base64;
use super::{normalize, root};

// ---------------------------------------------------------------------------------------
// The two views.

/// One Python process for every case of every generator.
struct Oracle {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

fn oracle() -> &'static Mutex<Oracle> {
    static ORACLE: OnceLock<Mutex<Oracle>> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let mut child = Command::new("python3")
            .arg(root().join("tools/pyyaml_canon.py"))
            .arg("--view")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Mutex::new(Oracle {
            _child: child,
            stdin,
            stdout,
        })
    })
}

fn pyyaml_view(text: &str) -> Value {
    let mut o = oracle().lock().unwrap_or_else(|e| e.into_inner());
    let line = serde_json::to_string(text).expect("a string encodes");
    writeln!(o.stdin, "{line}").expect("python reads");
    o.stdin.flush().expect("python reads");
    let mut answer = String::new();
    o.stdout.read_line(&mut answer).expect("python answers");
    let v: Value = serde_json::from_str(&answer).expect("python prints JSON");
    let mut v = v
        .get("ok")
        .cloned()
        .unwrap_or_else(|| json!({"file": {"error": true}, "mounted": []}));
    normalize(&mut v);
    v
}

fn canon(node: Option<&Node>) -> Value {
    node.map_or(Value::Null, |n| {
        canonical(n).unwrap_or_else(|e| Value::String(format!("<refused: {e}>")))
    })
}

/// What akbp reads as the blueprint of one document (see the Python side for the shape).
fn blueprint_view(doc: &Document) -> Value {
    let refused = check_document(doc, &Options::default())
        .iter()
        .any(|f| f.rule.code == "AKB113");
    if refused {
        return json!({"refused": true});
    }
    let bp = Blueprint::new(doc);
    let entries: Vec<Value> = bp
        .entries
        .iter()
        .map(|e| {
            if e.node.as_map().is_some() {
                json!({
                    "model": canon(e.model()),
                    "state": canon(e.state_node()),
                    "id": canon(e.id()),
                    "identifiers": canon(e.identifiers()),
                    "attrs": canon(e.attrs()),
                })
            } else {
                json!({"raw": canon(Some(e.node))})
            }
        })
        .collect();
    json!({
        "version": canon(bp.version),
        "metadata": canon(bp.metadata),
        "context": canon(bp.context),
        "entries": entries,
    })
}

fn akbp_view(text: &str) -> Value {
    let error = json!({"error": true});
    let Ok(source) = akbp::load::decode("<view>", text.as_bytes().to_vec()) else {
        return json!({"file": error, "mounted": []});
    };
    let (docs, alone) = match read_file(&source) {
        FileContents::Documents { docs, alone } => (docs, alone),
        FileContents::Failed(_) | FileContents::Template(_) => {
            return json!({"file": error, "mounted": []})
        }
    };
    let mut file = Value::Null;
    let mut mounted = Vec::new();
    for found in docs.into_iter().flat_map(|d| classify(d, alone)) {
        match found {
            Found::Blueprint(doc) => file = blueprint_view(&doc),
            Found::Wrapper { texts, .. } => {
                for t in texts {
                    let Some(key) = t.file_key.filter(|k| discovered_name(k)) else {
                        continue;
                    };
                    let v = match &t.parsed {
                        Ok(doc) => blueprint_view(doc),
                        Err(_) => error.clone(),
                    };
                    mounted.push(json!([key, v]));
                }
            }
            Found::Other { .. } => {}
        }
    }
    let mut v = json!({"file": file, "mounted": mounted});
    normalize(&mut v);
    v
}

/// How many cases asserted each kind of thing, so a generator that stops reaching a class
/// fails the test instead of passing it vacuously.
#[derive(Default, Debug)]
struct Reached {
    file_views: usize,
    file_refused: usize,
    file_errors: usize,
    mounted_views: usize,
    mounted_refused: usize,
    mounted_errors: usize,
}

fn reached() -> &'static Mutex<Reached> {
    static REACHED: OnceLock<Mutex<Reached>> = OnceLock::new();
    REACHED.get_or_init(Mutex::default)
}

fn tally(v: &Value, file: bool) {
    let mut guard = reached().lock().unwrap_or_else(|e| e.into_inner());
    let r = &mut *guard;
    let (views, refused, errors) = if file {
        (&mut r.file_views, &mut r.file_refused, &mut r.file_errors)
    } else {
        (
            &mut r.mounted_views,
            &mut r.mounted_refused,
            &mut r.mounted_errors,
        )
    };
    if v.get("error").is_some() {
        *errors += 1;
    } else if v.get("refused").is_some() {
        *refused += 1;
    } else {
        *views += 1;
    }
}

/// PyYAML's assertions hold for akbp: the file's blueprint (or its refusal) is the same,
/// and every mounted file PyYAML reads a blueprint from (or fails on) akbp reads the same.
fn agree(text: &str) -> Result<(), TestCaseError> {
    let py = pyyaml_view(text);
    let ak = akbp_view(text);
    if std::env::var_os("AKBP_VIEW_DEBUG").is_some() {
        eprintln!("CASE {text:?}\n  py {py}\n  ak {ak}");
    }
    if !py["file"].is_null() {
        tally(&py["file"], true);
        prop_assert_eq!(&ak["file"], &py["file"], "the file itself: {:?}", text);
    }
    let mut have: Vec<Value> = ak["mounted"].as_array().cloned().unwrap_or_default();
    for want in py["mounted"].as_array().into_iter().flatten() {
        tally(&want[1], false);
        let at = have.iter().position(|h| h == want);
        prop_assert!(
            at.is_some(),
            "mounted {} not read the same by akbp: {:?}\n  akbp: {}",
            want,
            text,
            ak["mounted"]
        );
        have.remove(at.unwrap_or_default());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// A small YAML tree, written in block or flow style.

#[derive(Debug, Clone)]
enum Y {
    /// A scalar as written (quotes, tags and all).
    Scalar(String),
    /// A literal block (`|`) holding this text.
    Literal(String),
    Map(Vec<(Key, Y)>, Option<&'static str>),
    Seq(Vec<Y>, Option<&'static str>),
}

#[derive(Debug, Clone)]
struct Key {
    written: String,
    /// `? key` in block style.
    explicit: bool,
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn flow(y: &Y) -> String {
    let tag = |t: &Option<&str>| t.map_or(String::new(), |t| format!("{t} "));
    match y {
        Y::Scalar(s) => s.clone(),
        Y::Literal(t) => serde_json::to_string(t).expect("a string encodes"),
        Y::Map(pairs, t) => format!(
            "{}{{{}}}",
            tag(t),
            pairs
                .iter()
                .map(|(k, v)| format!("{}: {}", k.written, flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Y::Seq(items, t) => format!(
            "{}[{}]",
            tag(t),
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn is_block(y: &Y) -> bool {
    match y {
        Y::Map(p, _) => !p.is_empty(),
        Y::Seq(i, _) => !i.is_empty(),
        _ => false,
    }
}

/// The value after `key:` or `- `, ending with a line break.
fn value_after(y: &Y, indent: usize, out: &mut String) {
    match y {
        Y::Literal(text) => {
            out.push_str(" |\n");
            for line in text.lines() {
                if !line.is_empty() {
                    out.push_str(&pad(indent + 2));
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        Y::Map(_, t) | Y::Seq(_, t) if is_block(y) => {
            if let Some(t) = t {
                out.push(' ');
                out.push_str(t);
            }
            out.push('\n');
            block(y, indent + 2, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&flow(y));
            out.push('\n');
        }
    }
}

fn block(y: &Y, indent: usize, out: &mut String) {
    match y {
        Y::Map(pairs, _) => {
            for (k, v) in pairs {
                out.push_str(&pad(indent));
                if k.explicit {
                    out.push_str("? ");
                    out.push_str(&k.written);
                    out.push('\n');
                    out.push_str(&pad(indent));
                    out.push(':');
                } else {
                    out.push_str(&k.written);
                    out.push(':');
                }
                value_after(v, indent, out);
            }
        }
        Y::Seq(items, _) => {
            for item in items {
                out.push_str(&pad(indent));
                out.push('-');
                value_after(item, indent, out);
            }
        }
        other => {
            out.push_str(&pad(indent));
            out.push_str(&flow(other));
            out.push('\n');
        }
    }
}

fn document(y: &Y) -> String {
    let mut out = String::new();
    match y {
        Y::Map(_, Some(t)) | Y::Seq(_, Some(t)) if is_block(y) => {
            out.push_str(t);
            out.push('\n');
            block(y, 0, &mut out);
        }
        _ if is_block(y) => block(y, 0, &mut out),
        other => {
            out.push_str(&flow(other));
            out.push('\n');
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Generators.

/// Every spelling of `name` that PyYAML builds as the same `str`, and flow-safe.
fn spelling(name: &'static str) -> impl Strategy<Value = String> {
    let first = name.chars().next().unwrap_or('a');
    let rest: String = name.chars().skip(1).collect();
    prop_oneof![
        4 => Just(name.to_string()),
        1 => Just(format!("'{name}'")),
        1 => Just(format!("\"{name}\"")),
        1 => Just(format!("\"\\x{:02x}{rest}\"", first as u32)),
        1 => Just(format!("\"\\u{:04x}{rest}\"", first as u32)),
        1 => Just(format!("!!str {name}")),
        1 => Just(format!("!<tag:yaml.org,2002:str> {name}")),
        1 => Just(format!("! {name}")),
        1 => Just(format!("!!str \"{name}\"")),
    ]
}

/// A key: a spelling of `name`, sometimes explicit (`? key`) in block style, sometimes a
/// look-alike that is another key to PyYAML.
fn key(name: &'static str) -> impl Strategy<Value = Key> {
    let lookalike = prop_oneof![
        Just(format!("{}{}", name[..1].to_uppercase(), &name[1..])),
        Just(format!("\"{name} \"")),
        Just(format!("\"{name}\\u00a0\"")),
        Just(format!("\"\\u0435{}\"", &name[1..])),
        Just(format!("!KeyOf {name}")),
        Just(format!("{name}s")),
    ];
    (
        prop_oneof![8 => spelling(name), 1 => lookalike],
        proptest::bool::weighted(0.15),
    )
        .prop_map(|(written, explicit)| Key { written, explicit })
}

fn scalar() -> impl Strategy<Value = Y> {
    prop_oneof![
        Just("x"),
        Just("'1'"),
        Just("1"),
        Just("~"),
        Just("true"),
        Just("\"on\""),
        Just("!Env X"),
        Just("!KeyOf e1"),
        Just("!!str 7"),
        Just("authentik_core.group"),
    ]
    .prop_map(|s| Y::Scalar(s.to_string()))
}

/// A tag for a mapping or list where authentik needs a plain one, or none.
fn map_tag() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![30 => Just(None), 1 => Just(Some("!!map")), 1 => Just(Some("!!set")), 1 => Just(Some("!If")), 1 => Just(Some("!Enumerate"))]
}

fn seq_tag() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![30 => Just(None), 1 => Just(Some("!!seq")), 1 => Just(Some("!!omap")), 1 => Just(Some("!!pairs")), 1 => Just(Some("!Enumerate"))]
}

/// A mapping with the given tag: a `!!set` has only keys; `!!omap` and `!!pairs` lists
/// hold one-key mappings.
fn tagged_map(pairs: Vec<(Key, Y)>, tag: Option<&'static str>) -> Y {
    let pairs = if tag == Some("!!set") {
        pairs
            .into_iter()
            .map(|(k, _)| {
                (
                    Key {
                        explicit: false,
                        ..k
                    },
                    Y::Scalar(String::new()),
                )
            })
            .collect()
    } else {
        pairs
    };
    Y::Map(pairs, tag)
}

fn tagged_seq(items: Vec<Y>, tag: Option<&'static str>) -> Y {
    let items = if matches!(tag, Some("!!omap" | "!!pairs")) {
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                Y::Map(
                    vec![(
                        Key {
                            written: format!("k{i}"),
                            explicit: false,
                        },
                        v,
                    )],
                    None,
                )
            })
            .collect()
    } else {
        items
    };
    Y::Seq(items, tag)
}

fn small_map() -> impl Strategy<Value = Y> {
    (
        proptest::collection::vec((key("name"), scalar()), 0..3),
        map_tag(),
    )
        .prop_map(|(pairs, tag)| tagged_map(pairs, tag))
}

fn entry() -> impl Strategy<Value = Y> {
    let field = prop_oneof![
        1 => (key("model"), prop_oneof![3 => Just(Y::Scalar("authentik_core.group".into())), 1 => scalar()]).boxed(),
        1 => (key("state"), prop_oneof![Just(Y::Scalar("present".into())), Just(Y::Scalar("absent".into())), scalar()]).boxed(),
        1 => (key("id"), scalar()).boxed(),
        1 => (key("identifiers"), small_map()).boxed(),
        1 => (key("attrs"), small_map()).boxed(),
        1 => (key("conditions"), (proptest::collection::vec(scalar(), 0..2), seq_tag()).prop_map(|(i, t)| tagged_seq(i, t))).boxed(),
    ];
    (
        proptest::collection::vec(field, 1..6),
        map_tag(),
        proptest::bool::weighted(0.05),
    )
        .prop_map(|(pairs, tag, raw)| {
            if raw {
                Y::Scalar("just-a-string".into())
            } else {
                tagged_map(pairs, tag)
            }
        })
}

fn entries() -> impl Strategy<Value = Y> {
    prop_oneof![
        4 => (proptest::collection::vec(entry(), 0..4), seq_tag()).prop_map(|(i, t)| tagged_seq(i, t)),
        1 => (proptest::collection::vec((key("section"), proptest::collection::vec(entry(), 0..3)), 1..3), map_tag())
            .prop_map(|(sections, tag)| tagged_map(
                sections.into_iter().map(|(k, items)| (k, Y::Seq(items, None))).collect(),
                tag,
            )),
    ]
}

fn blueprint() -> impl Strategy<Value = Y> {
    let top = prop_oneof![
        (
            key("version"),
            prop_oneof![Just(Y::Scalar("1".into())), Just(Y::Scalar("'1'".into()))]
        )
            .boxed(),
        (
            key("metadata"),
            (
                proptest::collection::vec((key("name"), scalar()), 0..2),
                map_tag()
            )
                .prop_map(|(p, t)| tagged_map(p, t))
        )
            .boxed(),
        (key("context"), small_map()).boxed(),
        (key("entries"), entries()).boxed(),
        (key("entries"), entries()).boxed(),
    ];
    (
        proptest::collection::vec(top, 1..6),
        prop_oneof![12 => Just(None), 1 => Just(Some("!!set")), 1 => Just(Some("!!map"))],
    )
        .prop_map(|(pairs, tag)| tagged_map(pairs, tag))
}

/// One more thing after a blueprint document: nothing, or anything that makes a second
/// document (PyYAML's `yaml.load` refuses them all), or `...` that ends the first.
fn after() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        12 => Just(""),
        1 => Just("...\n"),
        1 => Just("---\n"),
        1 => Just("--- # c\n"),
        1 => Just("...\n---\n"),
        1 => Just("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
        1 => Just("---\nentries: []\n"),
        1 => Just("---\n~\n"),
    ]
}

/// A mounted value: blueprint text in a literal block, a quoted string or base64, or
/// something that cannot be mounted as text.
fn value(encoded: bool) -> impl Strategy<Value = Y> {
    let text = prop_oneof![
        6 => blueprint().prop_map(|b| document(&b)),
        1 => Just("version: 1\nentries: [\n".to_string()),
        1 => Just("a: 1\n".to_string()),
        1 => Just("- a list\n".to_string()),
    ];
    (text, 0..4usize).prop_map(move |(t, how)| {
        if encoded {
            match how {
                0 => Y::Scalar("\"not base64!\"".into()),
                1 => Y::Scalar(base64(&[0xff, 0xfe, b'a'])),
                _ => Y::Scalar(base64(t.as_bytes())),
            }
        } else {
            match how {
                0 => Y::Scalar(serde_json::to_string(&t).expect("a string encodes")),
                1 => Y::Map(
                    vec![(
                        Key {
                            written: "entries".into(),
                            explicit: false,
                        },
                        Y::Seq(vec![], None),
                    )],
                    None,
                ),
                _ => Y::Literal(t),
            }
        }
    })
}

fn file_name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just("wiki.yaml"),
        1 => Just("sso.yaml"),
        1 => Just("wiki.yml"),
        1 => Just(".hidden.yaml"),
        1 => Just("notes"),
    ]
    .prop_flat_map(|n| prop_oneof![4 => Just(n.to_string()), 1 => Just(format!("\"{n}\"")), 1 => Just(format!("!!str {n}"))])
}

fn section(name: &'static str, encoded: bool) -> impl Strategy<Value = (Key, Y)> {
    (
        key(name),
        proptest::collection::vec((file_name(), value(encoded)), 1..3),
    )
        .prop_map(|(k, files)| {
            let pairs = files
                .into_iter()
                .map(|(n, v)| {
                    (
                        Key {
                            written: n,
                            explicit: false,
                        },
                        v,
                    )
                })
                .collect();
            (k, Y::Map(pairs, None))
        })
}

fn object() -> impl Strategy<Value = Y> {
    let configmap = (
        key("kind"),
        proptest::collection::vec(
            prop_oneof![section("data", false), section("binaryData", true)],
            1..3,
        ),
    )
        .prop_map(|(k, sections)| ("ConfigMap", k, sections));
    let secret = (
        key("kind"),
        proptest::collection::vec(
            prop_oneof![section("data", true), section("stringData", false)],
            1..3,
        ),
    )
        .prop_map(|(k, sections)| ("Secret", k, sections));
    (prop_oneof![configmap, secret], key("apiVersion")).prop_map(
        |((kind, kind_key, sections), api)| {
            let mut pairs = vec![
                (api, Y::Scalar("v1".into())),
                (kind_key, Y::Scalar(kind.into())),
                (
                    Key {
                        written: "metadata".into(),
                        explicit: false,
                    },
                    Y::Scalar("{name: bp}".into()),
                ),
            ];
            pairs.extend(sections);
            Y::Map(pairs, None)
        },
    )
}

/// A Kubernetes manifest: one object, a `kind: List` of them, or a `---` stream.
fn manifest() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => object().prop_map(|o| document(&o)),
        1 => (key("items"), proptest::collection::vec(object(), 1..3)).prop_map(|(k, items)| {
            document(&Y::Map(
                vec![
                    (Key { written: "apiVersion".into(), explicit: false }, Y::Scalar("v1".into())),
                    (Key { written: "kind".into(), explicit: false }, Y::Scalar("List".into())),
                    (k, Y::Seq(items, None)),
                ],
                None,
            ))
        }),
        1 => proptest::collection::vec(object(), 1..3).prop_map(|objs| {
            objs.iter().map(|o| format!("---\n{}", document(o))).collect::<String>()
        }),
    ]
}

fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("AKBP_VIEW_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

pub fn run() {
    let mut runner = proptest::test_runner::TestRunner::new(config(1500));
    runner
        .run(&(blueprint(), after()), |(b, after)| {
            let text = format!("{}{after}", document(&b));
            agree(&text)
        })
        .expect("blueprints of every spelling and shape");
    let mut runner = proptest::test_runner::TestRunner::new(config(1500));
    runner
        .run(&manifest(), |text| agree(&text))
        .expect("blueprints in ConfigMaps, Secrets and Lists");
    let r = reached().lock().unwrap_or_else(|e| e.into_inner());
    eprintln!("view: {r:?}");
    let least = [
        r.file_views,
        r.file_refused,
        r.file_errors,
        r.mounted_views,
        r.mounted_refused,
        r.mounted_errors,
    ];
    assert!(
        least.iter().all(|n| *n >= 20),
        "a generator no longer reaches every class: {r:?}"
    );
}
