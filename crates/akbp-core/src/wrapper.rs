//! Where blueprints live: a YAML document is a blueprint itself, a Kubernetes object
//! that wraps one (a ConfigMap's `data` or base64 `binaryData`, a Secret's `stringData`
//! or base64 `data`, the items of a `kind: List`, a custom resource of a blueprint
//! operator whose `spec` carries one as text or as structure), or something else (a
//! compose file, Helm values, a Deployment).
//!
//! Keys are read as PyYAML builds them ([`Node::get`], [`Node::key_str`]), so no spelling
//! hides `entries`, `kind` or `data`. A document is a blueprint when it has the keys
//! authentik's importer reads (authentik/blueprints/v1/importer.py, `Blueprint` in
//! common.py), `apiVersion` and `kind` or not: authentik loads any `*.yaml` under its
//! folders. A ConfigMap or Secret value mounted as a `*.yaml` file is checked, or
//! reported as unreadable, whatever it holds. Nothing here checks a blueprint; it only
//! finds them and says how their positions map to the outer file.

use std::collections::HashSet;

use crate::load::node::KNOWN_TAGS;
use crate::load::template::template_at;
use crate::load::{
    self, Document, LoadError, LoadErrorKind, Node, NodeKind, Pair, ScalarStyle, SourceFile, Span,
};

/// The Kubernetes kind of a wrapper, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    ConfigMap,
    Secret,
    /// A custom resource (`AkBlueprint` of authentik-manager, or any other kind whose
    /// `spec` holds a blueprint).
    CustomResource(String),
}

impl Layout {
    pub fn describe(&self) -> String {
        match self {
            Layout::ConfigMap => "ConfigMap".into(),
            Layout::Secret => "Secret".into(),
            Layout::CustomResource(kind) => kind.clone(),
        }
    }
}

/// How positions in an embedded blueprint's own text map to the outer file.
#[derive(Debug, Clone)]
pub enum PositionMap {
    /// A literal block scalar (`|`): each inner line is an outer line with the block's
    /// indentation removed. `lines[i]` is the outer offset of inner line `i`'s start;
    /// `indent` is the block's indentation in spaces.
    Exact {
        lines: Vec<(usize, usize)>,
        indent: usize,
    },
    /// Base64, quoted or folded text: every position maps to the key.
    Approximate { at: Span },
}

impl PositionMap {
    /// The outer span of an inner span.
    pub fn map(&self, inner: Span) -> Span {
        match self {
            PositionMap::Exact { lines, .. } => {
                let one = |o: usize| {
                    // `lines` is sorted by inner offset; find the inner line holding `o`.
                    let i = match lines.binary_search_by_key(&o, |(inner, _)| *inner) {
                        Ok(i) => i,
                        Err(i) => i.saturating_sub(1),
                    };
                    let (inner_start, outer_start) = lines[i];
                    outer_start + (o - inner_start)
                };
                Span::new(one(inner.start as usize), one(inner.end as usize))
            }
            PositionMap::Approximate { at } => *at,
        }
    }

    /// The outer text of an inner replacement: each line break followed by the block's
    /// indentation. `None` outside a literal block (base64, quoted or folded text cannot
    /// be edited in place). Whether the outer file then reads as the edited inner text
    /// is for the caller to check (a first line starting with spaces would change the
    /// block's detected indentation).
    pub fn map_text(&self, inner: &str) -> Option<String> {
        let PositionMap::Exact { indent, .. } = self else {
            return None;
        };
        let pad = format!("\n{}", " ".repeat(*indent));
        Some(inner.replace('\n', &pad))
    }

    pub fn is_exact(&self) -> bool {
        matches!(self, PositionMap::Exact { .. })
    }
}

/// A blueprint held as text inside a wrapper.
#[derive(Debug, Clone)]
pub struct EmbeddedText {
    pub layout: Layout,
    /// The key holding it (`data.wiki.yaml`, `spec.blueprint`).
    pub key: String,
    /// The ConfigMap/Secret key as mounted (a file name), when there is one.
    pub file_key: Option<String>,
    pub key_span: Span,
    /// The text (decoded from base64 when written so).
    pub text: String,
    pub map: PositionMap,
    /// Written in base64 (`binaryData`, a Secret's `data`): positions are approximate.
    pub base64: bool,
    /// From a Secret: a blueprint whose outer text cannot be shown with its own secrets
    /// masked (base64, quoted or unreadable) is hidden whole.
    pub secret: bool,
    /// Outer spans to mask in excerpts (such a Secret value, line by line).
    pub redactions: Vec<Span>,
    /// The text parsed on its own (positions are inner), or why it cannot be read.
    pub parsed: Result<Document, LoadError>,
}

/// What one YAML document of a file is.
#[derive(Debug)]
pub enum Found {
    /// The document is a blueprint (or a misspelt one: checked, never skipped).
    Blueprint(Document),
    /// A wrapper holding blueprints: as structure (spans already outer) or as text.
    Wrapper {
        layout: Layout,
        trees: Vec<Document>,
        texts: Vec<EmbeddedText>,
        /// Outer spans never to show: a Secret's values but its readable blueprints.
        redactions: Vec<Span>,
        /// A Secret's values that are not blueprints, as mounted (decoded).
        secret_values: Vec<String>,
    },
    /// Something else: a Kubernetes object without a blueprint, compose, Helm values.
    Other {
        what: String,
        /// As for a wrapper: a Secret's values are never shown.
        redactions: Vec<Span>,
        secret_values: Vec<String>,
    },
}

impl Found {
    fn other(what: String) -> Found {
        Found::Other {
            what,
            redactions: Vec::new(),
            secret_values: Vec::new(),
        }
    }
}

/// What one file holds, as authentik reads it (the file is one blueprint document) and
/// as Kubernetes reads it (a manifest: every document a Kubernetes object).
#[derive(Debug)]
pub enum FileContents {
    /// The documents to [`classify`], in order: one blueprint document, or every object
    /// of a manifest. `alone`: the file is that one document, so authentik can read it
    /// as a blueprint (a stream of several is never one, empty documents included).
    Documents { docs: Vec<Document>, alone: bool },
    /// The file cannot be read as either: a syntax error, several documents that are
    /// not all Kubernetes objects, an empty file.
    Failed(LoadError),
    /// A syntax error that template syntax explains at its place: the template
    /// expression.
    Template(Span),
}

/// Read one file: parse it and decide whether it is one blueprint document or a
/// manifest.
pub fn read_file(source: &SourceFile) -> FileContents {
    let stream = match load::parse_stream(source.clone()) {
        Ok(stream) => stream,
        Err(e) => {
            return match template_at(source, &e) {
                Some(at) => FileContents::Template(at),
                None => FileContents::Failed(e),
            }
        }
    };
    // A file of several documents is a manifest only when every one of them is a
    // Kubernetes object; otherwise it is one blueprint that PyYAML refuses ("expected a
    // single document in the stream"), whatever the others hold, empty ones included.
    let manifest = stream.docs.iter().all(|d| is_k8s_object(&d.root).is_some());
    if stream.count > 1 && !manifest {
        if let Err(e) = load::parse(source.clone()) {
            return FileContents::Failed(e);
        }
    }
    FileContents::Documents {
        alone: stream.count == 1,
        docs: stream.docs,
    }
}

/// The keys at the top of a document, looking through a tag on it: PyYAML builds a
/// `!!set` or an authentik tag's mapping from the same keys, and `!!omap`/`!!pairs`
/// from one-key mappings, and a file meant as a blueprint stays one.
fn top_pairs(root: &Node) -> Vec<&Pair> {
    match &root.kind {
        NodeKind::Map(pairs) => pairs.iter().collect(),
        NodeKind::Seq(items) if root.tag.is_some() => items
            .iter()
            .filter_map(Node::as_map)
            .filter(|m| m.len() == 1)
            .flatten()
            .collect(),
        _ => Vec::new(),
    }
}

fn top_get<'n>(pairs: &[&'n Pair], key: &str) -> Option<&'n Node> {
    pairs
        .iter()
        .rev()
        .find(|p| p.key.key_str() == Some(key))
        .map(|p| &p.value)
}

/// Whether a document root reads as a blueprint to authentik, or is meant as one.
///
/// authentik reads `version`, `metadata`, `context` and `entries`. A mapping with
/// `entries`, or `version` and `metadata`, is a blueprint. So is a mapping that uses
/// authentik's tags (`!KeyOf`, `!Find`...), and one with a near-miss of `entries` or
/// `metadata` (`entires:`) next to `version` or to items with `model`: a misspelt
/// blueprint is checked, so the typo is reported, not skipped. A Kubernetes object
/// (`apiVersion` and `kind`) is a blueprint too when it has `entries`, `version` or
/// `context`; its `metadata` is Kubernetes' own, and a blueprint with nothing else
/// applies nothing.
pub fn is_blueprint(root: &Node) -> bool {
    let pairs = top_pairs(root);
    if pairs.is_empty() && root.as_map().is_none() {
        // A list of entries without the mapping around them: meant as a blueprint, and
        // one authentik cannot load (reported, not skipped).
        return root
            .as_seq()
            .is_some_and(|items| items.iter().any(|i| i.get("model").is_some()));
    }
    let has = |k: &str| top_get(&pairs, k).is_some();
    if is_k8s_object(root).is_some() {
        return has("entries") || has("version") || has("context");
    }
    if has("entries") || (has("version") && has("metadata")) {
        return true;
    }
    let mut tagged = false;
    root.walk(&mut |n| {
        if n.custom_tag()
            .and_then(|t| t.local_name())
            .is_some_and(|t| KNOWN_TAGS.contains(&t))
        {
            tagged = true;
        }
    });
    if tagged {
        return true;
    }
    let model_items = |n: &Node| {
        n.as_seq()
            .is_some_and(|items| items.iter().any(|i| i.get("model").is_some()))
    };
    pairs.iter().any(|p| {
        let Some(k) = p.key.key_str() else {
            return false;
        };
        let near = ["entries", "metadata"]
            .iter()
            // Two edits change the length by two at most: longer keys are not compared
            // (a megabyte key would cost a megabyte-sized table).
            .any(|w| {
                k != *w
                    && k.len() <= w.len() + 2
                    && strsim::damerau_levenshtein(&k.to_ascii_lowercase(), w) <= 2
            });
        near && (has("version") || model_items(&p.value))
    })
}

/// The `kind` of a Kubernetes object: a mapping with `apiVersion` and a string `kind`.
fn is_k8s_object(root: &Node) -> Option<&str> {
    root.get("apiVersion")?;
    root.get("kind")?.as_str()
}

/// How deep `kind: List` items may nest.
const MAX_LIST_DEPTH: usize = 4;

/// Classify one parsed document of a file: a blueprint, a wrapper holding some, both
/// (a Kubernetes object with `entries`, alone in its file, is read by authentik as a
/// blueprint), or neither. `alone`: the file holds this one document
/// ([`FileContents::Documents`]).
pub fn classify(doc: Document, alone: bool) -> Vec<Found> {
    classify_in(doc, alone, 0)
}

fn classify_in(doc: Document, alone: bool, depth: usize) -> Vec<Found> {
    let mut out = Vec::new();
    let Some(kind) = is_k8s_object(&doc.root).map(str::to_string) else {
        if alone && is_blueprint(&doc.root) {
            out.push(Found::Blueprint(doc));
        } else {
            out.push(Found::other(describe_other(&doc.root)));
        }
        return out;
    };
    if alone && is_blueprint(&doc.root) {
        out.push(Found::Blueprint(doc.clone()));
    }
    if kind == "List" && depth < MAX_LIST_DEPTH {
        // `kubectl apply` creates each item of a `kind: List` as its own object.
        let items = doc
            .root
            .get("items")
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for item in items {
            out.extend(classify_in(subtree(&doc, item), false, depth + 1));
        }
        if out.is_empty() {
            out.push(Found::other("a Kubernetes List without a blueprint".into()));
        }
        return out;
    }
    let (layout, mut texts, trees) = match kind.as_str() {
        "ConfigMap" => {
            let layout = Layout::ConfigMap;
            let mut t = mapping_texts(&doc, "data", &layout, false, false);
            t.extend(mapping_texts(&doc, "binaryData", &layout, false, true));
            (layout, t, Vec::new())
        }
        "Secret" => {
            let layout = Layout::Secret;
            let mut t = mapping_texts(&doc, "stringData", &layout, true, false);
            // Kubernetes writes `stringData` over `data`: a key in both is mounted with
            // the `stringData` value only.
            let over: Vec<String> = t.iter().filter_map(|e| e.file_key.clone()).collect();
            t.extend(
                mapping_texts(&doc, "data", &layout, true, true)
                    .into_iter()
                    .filter(|e| e.file_key.as_ref().is_none_or(|k| !over.contains(k))),
            );
            (layout, t, Vec::new())
        }
        other => {
            let layout = Layout::CustomResource(other.to_string());
            let mut texts = Vec::new();
            let mut trees = Vec::new();
            if let Some(spec) = doc.root.get("spec") {
                spec_blueprints(&doc, spec, "spec", &layout, 0, &mut texts, &mut trees);
            }
            (layout, texts, trees)
        }
    };
    // A ConfigMap or Secret is mounted whole: once one value is a blueprint (or cannot be
    // read), every `*.yaml` value lands in the same folder and authentik loads it too.
    let holds = texts.iter().any(|t| match &t.parsed {
        Ok(d) => is_blueprint(&d.root),
        Err(_) => true,
    });
    if !holds {
        texts.clear();
    }
    texts.sort_by_key(|t| t.key_span.start);
    let (redactions, secret_values) = if layout == Layout::Secret {
        secret_parts(&doc, &texts)
    } else {
        Default::default()
    };
    if texts.is_empty() && trees.is_empty() {
        if out.is_empty() {
            out.push(Found::Other {
                what: format!("a Kubernetes {kind} without a blueprint"),
                redactions,
                secret_values,
            });
        }
        return out;
    }
    out.push(Found::Wrapper {
        layout,
        trees,
        texts,
        redactions,
        secret_values,
    });
    out
}

/// What of a Secret is never shown: the outer spans of every value but the blueprints
/// whose positions are exact (their own secrets are masked as in any blueprint, their
/// words stay readable), and every value that is not a blueprint as Kubernetes mounts it
/// (decoded from base64), masked wherever it occurs.
fn secret_parts(doc: &Document, texts: &[EmbeddedText]) -> (Vec<Span>, Vec<String>) {
    let mut spans = Vec::new();
    let mut values = Vec::new();
    for section in ["stringData", "data"] {
        for p in doc
            .root
            .get(section)
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            let key = p.key.key_str().map(|k| format!("{section}.{k}"));
            let text = texts.iter().find(|t| Some(&t.key) == key.as_ref());
            let readable = text.is_some_and(|t| t.parsed.is_ok() && t.map.is_exact() && !t.base64);
            if !readable {
                spans.extend(line_spans(&doc.source, p.value.span));
            }
            if text.is_some() {
                continue;
            }
            let value = match p.value.as_str() {
                Some(v) if section == "data" => {
                    decode_base64(v).and_then(|b| String::from_utf8(b).ok())
                }
                Some(v) => Some(v.to_string()),
                None => None,
            };
            values.extend(
                value
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty()),
            );
        }
    }
    (spans, values)
}

/// A node of `doc` as a document of its own (spans stay those of the outer file).
fn subtree(doc: &Document, node: &Node) -> Document {
    Document {
        source: doc.source.clone(),
        root: node.clone(),
        duplicate_keys: doc
            .duplicate_keys
            .iter()
            .filter(|d| within(node.span, d.duplicate))
            .cloned()
            .collect(),
        merge_keys: doc
            .merge_keys
            .iter()
            .filter(|m| within(node.span, **m))
            .copied()
            .collect(),
        comments: doc.comments.clone(),
    }
}

fn describe_other(root: &Node) -> String {
    if root.get("services").is_some() {
        "a compose file".into()
    } else if root.as_map().is_some() {
        "YAML without the keys authentik reads (`version`, `metadata`, `entries`)".into()
    } else {
        "YAML that is not a mapping".into()
    }
}

/// Whether authentik's discovery loads a file of this name: `*.yaml`, not hidden
/// (authentik/blueprints/v1/tasks.py `blueprints_find`, 2026.2.2: `rglob("**/*.yaml")`,
/// skipping any path part that starts with a dot).
pub fn discovered_name(key: &str) -> bool {
    key.ends_with(".yaml") && !key.starts_with('.')
}

fn unreadable(kind: LoadErrorKind, message: String) -> Result<Document, LoadError> {
    Err(LoadError {
        kind,
        message,
        span: Span::empty(0),
    })
}

/// The blueprint texts under `section` (`data`, `binaryData`, `stringData`) of a
/// ConfigMap or Secret. Every value mounted as a file authentik discovers is kept:
/// parsed, or with the reason it cannot be read. Values under other names are kept only
/// when they parse as a blueprint (AKB110 says authentik never loads them).
fn mapping_texts(
    doc: &Document,
    section: &str,
    layout: &Layout,
    secret: bool,
    base64: bool,
) -> Vec<EmbeddedText> {
    let Some(pairs) = doc.root.get(section).and_then(Node::as_map) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // A set: a Secret of 100,000 keys compared each with all before it took minutes.
    let mut seen: HashSet<&str> = HashSet::new();
    // The last of duplicate keys is the one mounted, as PyYAML and Kubernetes keep it.
    for p in pairs.iter().rev() {
        let Some(key) = p.key.key_str() else {
            continue;
        };
        if !seen.insert(key) {
            continue;
        }
        let mounted = discovered_name(key);
        let value = p.value.as_str();
        let (text, map, parsed) = match value {
            None => {
                if !mounted {
                    continue;
                }
                let why = format!(
                    "`{section}.{key}` must be a string for Kubernetes, found {}; the object cannot be applied",
                    p.value.describe()
                );
                (
                    String::new(),
                    PositionMap::Approximate { at: p.key.span },
                    unreadable(LoadErrorKind::Syntax, why),
                )
            }
            Some(v) if base64 => {
                let approximate = PositionMap::Approximate { at: p.key.span };
                let decoded = decode_base64(v)
                    .ok_or(LoadErrorKind::Syntax)
                    .and_then(|b| String::from_utf8(b).map_err(|_| LoadErrorKind::NotUtf8));
                match decoded {
                    Ok(text) => {
                        let parsed = parse_embedded(&text);
                        (text, approximate, parsed)
                    }
                    Err(_) if !mounted => continue,
                    Err(kind) => {
                        let why = if kind == LoadErrorKind::Syntax {
                            format!("`{section}.{key}` is not valid base64; Kubernetes refuses the object")
                        } else {
                            format!("`{section}.{key}` decodes to bytes that are not UTF-8; authentik cannot read the mounted file")
                        };
                        (String::new(), approximate, unreadable(kind, why))
                    }
                }
            }
            Some(v) => {
                let parsed = parse_embedded(v);
                (
                    v.to_string(),
                    position_map(doc, &p.value, p.key.span),
                    parsed,
                )
            }
        };
        let keep = match &parsed {
            Ok(d) => mounted || is_blueprint(&d.root),
            Err(e) => mounted && e.kind != LoadErrorKind::Empty,
        };
        if !keep {
            continue;
        }
        let readable = parsed.is_ok() && map.is_exact() && !base64;
        let redactions = if secret && !readable {
            line_spans(&doc.source, p.value.span)
        } else {
            Vec::new()
        };
        out.push(EmbeddedText {
            layout: layout.clone(),
            key: format!("{section}.{key}"),
            file_key: Some(key.to_string()),
            key_span: p.key.span,
            text,
            map,
            base64,
            secret,
            redactions,
            parsed,
        });
    }
    out.reverse();
    out
}

/// Embedded text parsed as authentik reads a mounted file: one document.
fn parse_embedded(text: &str) -> Result<Document, LoadError> {
    load::parse(SourceFile::new("<embedded>", text.to_string()))
}

/// Blueprint text in a custom resource's `spec` string: parsed, or broken text that
/// names authentik's keys (no mount rule says which strings an operator writes out).
fn spec_text(text: &str) -> Option<Result<Document, LoadError>> {
    match parse_embedded(text) {
        Ok(doc) if is_blueprint(&doc.root) => Some(Ok(doc)),
        Ok(_) => None,
        Err(e) if text.contains("entries") && text.contains("model") => Some(Err(e)),
        Err(_) => None,
    }
}

/// Blueprints in a custom resource's `spec`: a mapping that is a blueprint (kept as a
/// tree with outer spans) or a string holding blueprint text. Searched a few levels deep.
fn spec_blueprints(
    doc: &Document,
    node: &Node,
    path: &str,
    layout: &Layout,
    depth: usize,
    texts: &mut Vec<EmbeddedText>,
    trees: &mut Vec<Document>,
) {
    if depth > 4 {
        return;
    }
    let Some(pairs) = node.as_map() else { return };
    for p in pairs {
        let Some(key) = p.key.key_str() else {
            continue;
        };
        let here = format!("{path}.{key}");
        if let Some(s) = p.value.as_str() {
            if let Some(parsed) = spec_text(s) {
                texts.push(EmbeddedText {
                    layout: layout.clone(),
                    key: here,
                    file_key: None,
                    key_span: p.key.span,
                    text: s.to_string(),
                    map: position_map(doc, &p.value, p.key.span),
                    base64: false,
                    secret: false,
                    redactions: Vec::new(),
                    parsed,
                });
            }
        } else if is_blueprint(&p.value) {
            trees.push(subtree(doc, &p.value));
        } else {
            spec_blueprints(doc, &p.value, &here, layout, depth + 1, texts, trees);
        }
    }
}

fn within(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Spans of each line's text inside `span`, newlines excluded (redaction keeps lines).
fn line_spans(source: &SourceFile, span: Span) -> Vec<Span> {
    let text = source.slice(span);
    let mut out = Vec::new();
    let mut at = span.start as usize;
    for line in text.split('\n') {
        let indent = line.len() - line.trim_start().len();
        if indent < line.len() {
            out.push(Span::new(at + indent, at + line.trim_end().len()));
        }
        at += line.len() + 1;
    }
    out
}

/// Where the lines of a block scalar's value sit in the outer file. Exact for a literal
/// block (`|`, `|-`, `|+`) whose lines are found verbatim after its indentation;
/// otherwise every position maps to the key.
fn position_map(doc: &Document, value: &Node, key_span: Span) -> PositionMap {
    let approximate = PositionMap::Approximate { at: key_span };
    let Some(s) = value.as_scalar() else {
        return approximate;
    };
    if s.style != ScalarStyle::Literal {
        return approximate;
    }
    let src = &doc.source;
    // The value's span starts at its first content line or at the `|` indicator above
    // it, depending on the parser; try both and keep the one whose lines match.
    let line = src.position(value.span.start as usize).line; // 1-based
    [line - 1, line]
        .into_iter()
        .find_map(|first| literal_lines(src, &s.text, first))
        .map_or(approximate, |(lines, indent)| PositionMap::Exact {
            lines,
            indent,
        })
}

/// Outer offsets of each line of `text`, a literal block's content, when the outer lines
/// from 0-based line `first` hold it verbatim after one common indentation.
fn literal_lines(
    src: &SourceFile,
    text: &str,
    first: usize,
) -> Option<(Vec<(usize, usize)>, usize)> {
    let outer = &src.text;
    let mut lines = Vec::new();
    let mut inner_at = 0usize;
    let mut indent: Option<usize> = None;
    for (outer_line, inner_line) in (first..).zip(text.split('\n')) {
        if outer_line >= src.line_count() {
            if inner_line.is_empty() {
                break; // the final newline of a clipped or kept block
            }
            return None;
        }
        let start = src.line_start(outer_line);
        let end = outer[start..].find('\n').map_or(outer.len(), |e| start + e);
        let line = outer[start..end].trim_end_matches('\r');
        if inner_line.is_empty() {
            lines.push((inner_at, start + line.len().min(indent.unwrap_or(0))));
        } else {
            let ind =
                *indent.get_or_insert_with(|| line.len() - line.trim_start_matches(' ').len());
            if ind == 0 || line.get(ind..) != Some(inner_line) {
                return None;
            }
            lines.push((inner_at, start + ind));
        }
        inner_at += inner_line.len() + 1;
    }
    let indent = indent.filter(|_| !lines.is_empty())?;
    Some((lines, indent))
}

/// Standard base64 (RFC 4648), whitespace ignored, as Kubernetes encodes Secret data.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    let mut padding = false;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding = true;
                continue;
            }
            _ => return None,
        };
        if padding {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        load::parse(SourceFile::new("t.yaml", text.to_string())).unwrap()
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVs\nbG8h").unwrap(), b"hello!");
        assert!(decode_base64("a*b").is_none());
    }

    #[test]
    fn what_counts_as_a_blueprint() {
        assert!(is_blueprint(&doc("entries: []\n").root));
        assert!(is_blueprint(&doc("version: 1\nmetadata: {name: x}\n").root));
        assert!(is_blueprint(
            &doc("version: 1\nentires:\n  - model: x\n").root
        ));
        assert!(is_blueprint(&doc("a: !KeyOf b\n").root));
        assert!(!is_blueprint(
            &doc("version: '3'\nservices: {web: {image: x}}\n").root
        ));
        assert!(!is_blueprint(
            &doc("replicaCount: 1\nimage: {tag: x}\n").root
        ));
        assert!(!is_blueprint(
            &doc("apiVersion: v1\nkind: ConfigMap\ndata: {}\n").root
        ));
    }

    #[test]
    fn literal_blocks_map_exactly() {
        let d = doc("data:\n  a.yaml: |\n    version: 1\n\n    entries: []\n");
        let v = &d.root.get("data").unwrap().as_map().unwrap()[0];
        let map = position_map(&d, &v.value, v.key.span);
        // `entries` is at inner offset 12 (line 3 of the inner text, column 1).
        let inner = Span::new(12, 19);
        let outer = map.map(inner);
        assert_eq!(d.source.slice(outer), "entries");
        assert_eq!(d.source.position(outer.start as usize).line, 5);
        assert_eq!(d.source.position(outer.start as usize).column, 5);
    }
}
