//! granit-parser events to the [`Node`] tree, with the guards authentik's PyYAML
//! loader lacks: nesting depth, alias expansion budget, one document per file.

use std::borrow::Cow;
use std::collections::HashMap;

use granit_parser::{Event, Options, Parser, ScalarStyle as GStyle, ScanError, StructureStyle};

use super::error::{LoadError, LoadErrorKind};
use super::node::{DictKey, Node, NodeKind, NodeTag, Pair, ScalarNode, ScalarStyle};
use super::reader::{first_covered, first_uncovered, prepare, Prepared};
use super::source::{SourceFile, Span};
use super::yaml11::{construct, Scalar};

/// Deepest nesting accepted. authentik's own blueprints stay under 15 levels.
pub const MAX_DEPTH: usize = 128;
/// Most nodes an alias may copy in one file (billion-laughs guard).
pub const MAX_ALIAS_NODES: usize = 100_000;
/// Most bytes of scalar text and tag names aliases may copy in one file: a few short
/// aliases of one long string would otherwise copy gigabytes while counting few nodes.
pub const MAX_ALIAS_BYTES: usize = super::decode::MAX_FILE_BYTES as usize;
/// How many times the alias budget the anchor table may hold in copies. Nested anchors
/// each keep a copy of their whole subtree, so without a cap 128 nested anchors
/// around a large list would copy it 128 times.
const ANCHOR_COPIES: usize = 4;

/// A key written twice in one mapping (PyYAML keeps the last silently).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub duplicate: Span,
}

/// A `# ...` comment, kept for inline suppressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// The parsed tree of one file plus what the loader noticed on the way.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: SourceFile,
    pub root: Node,
    pub duplicate_keys: Vec<DuplicateKey>,
    /// `<<` merge keys; expanded like PyYAML does, and listed here for rules.
    pub merge_keys: Vec<Span>,
    pub comments: Vec<Comment>,
}

enum Frame {
    Seq {
        start: usize,
        flow: bool,
        tag: Option<Box<NodeTag>>,
        anchor: usize,
        /// Where this list's items start in [`Builder::items`].
        items: usize,
    },
    Map {
        start: usize,
        flow: bool,
        tag: Option<Box<NodeTag>>,
        anchor: usize,
        /// Where this mapping's pairs start in [`Builder::pairs`].
        pairs: usize,
        key: Option<Node>,
    },
}

struct Builder {
    stack: Vec<Frame>,
    /// The items of every open list, innermost last. A list takes its own when it ends,
    /// in one allocation of exactly its length: a one-item list costs one node, not a
    /// vector grown for four.
    items: Vec<Node>,
    /// The pairs of every open mapping, the same way.
    pairs: Vec<Pair>,
    /// Anchored nodes with their height and cost; `None` for one too large to alias.
    anchors: HashMap<usize, Option<(Node, usize, Cost)>>,
    /// What aliases may still copy.
    alias_budget: Cost,
    /// What the anchor table may still hold.
    anchor_budget: Cost,
    root: Option<Node>,
    duplicate_keys: Vec<DuplicateKey>,
    merge_keys: Vec<Span>,
}

fn byte_of(source: &SourceFile, marker: &granit_parser::Marker) -> usize {
    marker.byte_offset().unwrap_or_else(|| {
        // Fall back to the character index.
        source
            .text
            .char_indices()
            .nth(marker.index())
            .map(|(b, _)| b)
            .unwrap_or(source.text.len())
    })
}

fn span_of(source: &SourceFile, span: &granit_parser::Span) -> Span {
    match span.byte_range() {
        Some(r) => Span::new(r.start, r.end),
        None => Span::new(byte_of(source, &span.start), byte_of(source, &span.end)),
    }
}

fn tag_of(
    source: &SourceFile,
    tag: Option<&granit_parser::Tag>,
    span: &granit_parser::Span,
) -> Option<Box<NodeTag>> {
    let tag = tag?;
    if (tag.handle() == "!" && tag.suffix().is_empty())
        || (tag.handle().is_empty() && tag.suffix() == "!")
    {
        // The non-specific tag `!`: PyYAML resolves the node as if untagged.
        return None;
    }
    let name = if tag.handle() == "!" {
        format!("!{}", tag.suffix())
    } else {
        format!("{}{}", tag.handle(), tag.suffix())
    };
    let tspan = span
        .tag_span()
        .map(|s| span_of(source, &s))
        .or_else(|| span.tag_start().map(|m| Span::empty(byte_of(source, &m))))
        .unwrap_or_else(|| Span::empty(byte_of(source, &span.start)));
    Some(Box::new(NodeTag { name, span: tspan }))
}

fn height(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar(_) => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        NodeKind::Map(pairs) => {
            1 + pairs
                .iter()
                .map(|p| height(&p.key).max(height(&p.value)))
                .max()
                .unwrap_or(0)
        }
    }
}

/// What copying a subtree costs: its nodes and the bytes of its texts and tag names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cost {
    nodes: usize,
    bytes: usize,
}

impl Cost {
    fn of(node: &Node) -> Cost {
        let mut c = Cost {
            nodes: 1,
            bytes: node.tag.as_ref().map_or(0, |t| t.name.len()),
        };
        match &node.kind {
            NodeKind::Scalar(s) => c.bytes += s.text.len(),
            NodeKind::Seq(items) => items.iter().for_each(|n| c.add(Cost::of(n))),
            NodeKind::Map(pairs) => pairs.iter().for_each(|p| {
                c.add(Cost::of(&p.key));
                c.add(Cost::of(&p.value));
            }),
        }
        c
    }

    fn add(&mut self, other: Cost) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }

    fn fits(&self, other: Cost) -> bool {
        other.nodes <= self.nodes && other.bytes <= self.bytes
    }

    /// Spend `other` if it fits.
    fn take(&mut self, other: Cost) -> bool {
        let fits = self.fits(other);
        if fits {
            self.nodes -= other.nodes;
            self.bytes -= other.bytes;
        }
        fits
    }
}

/// The value of a scalar as PyYAML would construct it, honouring core tags. Local tags
/// (authentik's) leave the scalar a string; global tags other than YAML's core ones have
/// no constructor in SafeLoader.
fn scalar_value(text: &str, style: ScalarStyle, tag: Option<&NodeTag>) -> Result<Scalar, String> {
    match tag {
        None => construct(text, style == ScalarStyle::Plain, None),
        Some(t) => match t.core_name() {
            Some(core) => construct(text, false, Some(core)),
            None if t.name.starts_with('!') => Ok(Scalar::Str(text.to_string())),
            None => Err(no_constructor(t)),
        },
    }
}

fn no_constructor(t: &NodeTag) -> String {
    format!(
        "PyYAML's SafeLoader has no constructor for the tag `{}`",
        t.name
    )
}

/// SafeConstructor's checks on a tagged collection: `!!seq`, `!!omap` and `!!pairs` need
/// a sequence (of one-pair mappings for the last two), `!!map` and `!!set` a mapping.
fn check_collection_tag(tag: Option<&NodeTag>, kind: &NodeKind) -> Result<(), String> {
    let Some(t) = tag else { return Ok(()) };
    let Some(core) = t.core_name() else {
        return if t.name.starts_with('!') {
            Ok(())
        } else {
            Err(no_constructor(t))
        };
    };
    let seq = matches!(kind, NodeKind::Seq(_));
    match core {
        "seq" if seq => Ok(()),
        "map" | "set" if !seq => Ok(()),
        "omap" | "pairs" if seq => {
            let items = match kind {
                NodeKind::Seq(items) => &items[..],
                _ => &[],
            };
            if items
                .iter()
                .all(|i| matches!(&i.kind, NodeKind::Map(p) if p.len() == 1))
            {
                Ok(())
            } else {
                Err(format!("`!!{core}` needs a list of one-key mappings"))
            }
        }
        "seq" | "omap" | "pairs" => Err(format!("`!!{core}` needs a sequence, not a mapping")),
        "map" | "set" => Err(format!("`!!{core}` needs a mapping, not a sequence")),
        "str" | "int" | "float" | "bool" | "null" | "timestamp" | "binary" => Err(format!(
            "`!!{core}` needs a scalar, not a {}",
            if seq { "sequence" } else { "mapping" }
        )),
        _ => Err(no_constructor(t)),
    }
}

fn construct_error(message: String, at: Span) -> LoadError {
    LoadError {
        kind: LoadErrorKind::Syntax,
        message,
        span: at,
    }
}

impl Builder {
    fn error(&self, kind: LoadErrorKind, message: String, at: Span) -> LoadError {
        LoadError {
            kind,
            message,
            span: at,
        }
    }

    fn push_node(&mut self, mut node: Node, anchor: usize) -> Result<(), LoadError> {
        let is_key = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
        if is_key {
            // PyYAML's flatten_mapping reads a `=` key as the string "=".
            if let NodeKind::Scalar(s) = &mut node.kind {
                s.unconstructible_as_str();
            } else if node.custom_tag().is_none() {
                return Err(construct_error(
                    "a mapping key that is a list or a mapping: PyYAML refuses it (found unhashable key)".into(),
                    node.span,
                ));
            }
        } else if let NodeKind::Scalar(sc) = &node.kind {
            if sc.is_unconstructible() && node.tag.is_none() {
                return Err(construct_error(
                    "a plain `=` is YAML 1.1's value type, which PyYAML cannot construct; quote it"
                        .into(),
                    node.span,
                ));
            }
            if node.tag.is_none() && sc.style == ScalarStyle::Plain && sc.text == "<<" {
                return Err(construct_error(
                    "a plain `<<` outside a key is YAML 1.1's merge type, which PyYAML cannot construct; quote it".into(),
                    node.span,
                ));
            }
        }
        if anchor != 0 {
            // A node costlier than what aliases may still copy can never be aliased, so
            // keep no copy of it; an alias to it is reported as a bomb.
            let cost = Cost::of(&node);
            let keep = self.alias_budget.fits(cost) && self.anchor_budget.take(cost);
            let entry = keep.then(|| (node.clone(), height(&node), cost));
            self.anchors.insert(anchor, entry);
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq { .. }) => self.items.push(node),
            Some(Frame::Map { key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => self.pairs.push(Pair {
                    key: k,
                    value: node,
                }),
            },
        }
        Ok(())
    }

    fn finish_map(
        &mut self,
        start: usize,
        end: usize,
        tag: Option<Box<NodeTag>>,
        pairs: Vec<Pair>,
    ) -> Result<Node, LoadError> {
        // Duplicate keys, as written (before merge expansion), equal as PyYAML's dict
        // compares them: `a` and `!!str a` are one key, `1` and `"1"` are two.
        let mut seen: HashMap<DictKey<'_>, Span> = HashMap::with_capacity(pairs.len());
        for p in &pairs {
            if is_merge_key(p) {
                continue;
            }
            let Some(k) = p.key.dict_key() else { continue };
            if let Some(first) = seen.get(&k) {
                self.duplicate_keys.push(DuplicateKey {
                    key: p.key.scalar_text().unwrap_or_default().to_string(),
                    first: *first,
                    duplicate: p.key.span,
                });
            } else {
                seen.insert(k, p.key.span);
            }
        }
        let has_merge = pairs.iter().any(is_merge_key);
        let pairs = if has_merge {
            // PyYAML flatten_mapping: the sources of every `<<` key, in order, then the
            // explicit pairs; the dict keeps the last value, so a later `<<` wins over an
            // earlier one, and within `<< : [A, B]` A wins (B's pairs come first).
            let mut merged: Vec<Pair> = Vec::new();
            let mut explicit: Vec<Pair> = Vec::new();
            for p in pairs {
                if !is_merge_key(&p) {
                    explicit.push(p);
                    continue;
                }
                self.merge_keys.push(p.key.span);
                match &p.value.kind {
                    NodeKind::Map(m) => merged.extend(m.iter().cloned()),
                    NodeKind::Seq(items) => {
                        for item in items.iter().rev() {
                            match &item.kind {
                                NodeKind::Map(m) => merged.extend(m.iter().cloned()),
                                _ => return Err(construct_error(
                                    "a `<<` list may hold only mappings; PyYAML refuses anything else".into(),
                                    item.span,
                                )),
                            }
                        }
                    }
                    NodeKind::Scalar(_) => {
                        return Err(construct_error(
                            "a `<<` merge key needs a mapping or a list of mappings; PyYAML refuses anything else".into(),
                            p.value.span,
                        ))
                    }
                }
            }
            merged.extend(explicit);
            merged
        } else {
            pairs
        };
        Ok(Node {
            kind: NodeKind::Map(pairs.into_boxed_slice()),
            span: Span::new(start, end),
            tag,
        })
    }
}

/// The items of `stack` from `start` on, in a vector exactly as long: a drain knows its
/// length. A long collection that holds the whole stack takes the stack itself, which
/// shrinks in place rather than being copied (a 3.5-million-item list would otherwise be
/// held twice); a short one is copied, so the stack keeps its room for the next.
fn take_from<T>(stack: &mut Vec<T>, start: usize) -> Vec<T> {
    if start == 0 && stack.len() >= 4096 {
        let mut all = std::mem::take(stack);
        all.shrink_to_fit();
        all
    } else {
        stack.drain(start..).collect()
    }
}

fn is_merge_key(p: &Pair) -> bool {
    p.key.tag.is_none()
        && matches!(&p.key.kind, NodeKind::Scalar(s) if s.style == ScalarStyle::Plain && s.text == "<<")
}

/// PyYAML's scan_anchor: a name of ASCII letters, digits, `-` and `_`, followed by a
/// space, a line break or one of `?:,]}%@` and a backquote.
fn check_anchor_name(
    source: &SourceFile,
    name: &str,
    span: Span,
    sigil: char,
) -> Result<(), LoadError> {
    let ok_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let next = source
        .text
        .get(span.end as usize..)
        .and_then(|t| t.chars().next());
    let ok_next = match next {
        None => true,
        Some(c) => " \t\r\n\u{85}\u{2028}\u{2029}?:,]}%@`".contains(c),
    };
    if ok_name && ok_next {
        return Ok(());
    }
    Err(construct_error(
        format!(
            "`{sigil}{name}`: PyYAML allows only ASCII letters, digits, `-` and `_` in anchor names"
        ),
        span,
    ))
}

/// Where a `#` sits that granit-parser refuses for want of a space before it and PyYAML
/// reads as a comment: right after a closing quote or a flow indicator (scanner.py
/// `scan_to_next_token` skips a comment wherever a token may start).
fn glued_comment(text: &str, e: &ScanError) -> Option<usize> {
    if *e.kind() != granit_parser::ErrorKind::CommentNotSeparated {
        return None;
    }
    let at = e.marker().byte_offset()?;
    let before = text.get(..at)?.chars().next_back()?;
    (text.get(at..)?.starts_with('#') && matches!(before, '"' | '\'' | ']' | '}' | ',' | '[' | '{'))
        .then_some(at)
}

fn syntax_error(source: &SourceFile, e: &ScanError) -> LoadError {
    let at = byte_of(source, e.marker());
    let info = e.info();
    let kind = if info.contains("recursion limit") || info.contains("nesting") {
        LoadErrorKind::TooDeep
    } else {
        LoadErrorKind::Syntax
    };
    let message = match kind {
        LoadErrorKind::TooDeep => format!("nesting deeper than {MAX_DEPTH} levels"),
        _ => info,
    };
    LoadError {
        kind,
        message,
        span: Span::empty(at),
    }
}

/// Parse one blueprint file. The file must hold exactly one YAML document, as for
/// authentik (`yaml.load` refuses a stream of several).
pub fn parse(source: SourceFile) -> Result<Document, LoadError> {
    let (mut docs, _) = parse_documents(source, true)?;
    Ok(docs.remove(0))
}

/// Every document of a stream, and how many the stream held.
#[derive(Debug, Clone)]
pub struct Stream {
    /// The documents that hold something: an empty one (a trailing `---`) is left out.
    pub docs: Vec<Document>,
    /// Every document the stream started, empty ones included: PyYAML's `yaml.load`
    /// refuses a stream of more than one ("expected a single document in the stream"),
    /// whatever the others hold.
    pub count: usize,
}

/// Parse every document of a stream (Kubernetes manifests joined with `---`); a stream
/// whose documents are all empty is `Empty`.
pub fn parse_stream(source: SourceFile) -> Result<Stream, LoadError> {
    let (docs, count) = parse_documents(source, false)?;
    Ok(Stream { docs, count })
}

/// How many bytes the parser may read again in all, in multiples of the file's length,
/// after `#` comments glued to a closing quote or bracket (PyYAML reads `"g"#c` as the
/// string `g` and a comment; granit-parser wants a space before `#`). Each such comment
/// is blanked and the file parsed again from the start.
const REPARSE_FACTOR: usize = 16;
/// And at least this many, so a small file may have many such comments.
const REPARSE_MIN: usize = 1 << 20;

fn parse_documents(source: SourceFile, single: bool) -> Result<(Vec<Document>, usize), LoadError> {
    let prepared = prepare(&source.text)?;
    let mut text: Cow<'_, str> = Cow::Borrowed(&prepared.text);
    let mut blanked: Vec<Comment> = Vec::new();
    let mut budget = REPARSE_MIN.max(REPARSE_FACTOR.saturating_mul(text.len()));
    loop {
        let mut glued = None;
        match parse_text(&source, &prepared, &text, &blanked, single, &mut glued) {
            Err(e) if glued.is_some_and(|at| at <= budget) => {
                let at = glued.unwrap_or_default();
                budget -= at;
                // The comment ends at the next line break of any kind (found in the
                // original text: the prepared one spells some breaks differently).
                let end = source.text[at..]
                    .find(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
                    .map_or(source.text.len(), |e| at + e);
                blanked.push(Comment {
                    text: source.text[at + 1..end].to_string(),
                    span: Span::new(at, end),
                });
                // Same length: every offset still points into the original text.
                let mut owned = text.into_owned();
                owned.replace_range(at..end, &" ".repeat(end - at));
                text = Cow::Owned(owned);
                drop(e);
            }
            Err(mut e) if glued.is_some() => {
                e.message = format!(
                    "{}: PyYAML reads `#` straight after a closing quote or bracket as a comment, and akbp does too, but this file has more such comments than akbp reads again",
                    e.message
                );
                return Err(e);
            }
            result => return result,
        }
    }
}

/// One parse of the prepared `text`. `glued` is set when the parser stopped at a `#`
/// that PyYAML reads as a comment (right after a closing quote or bracket).
fn parse_text(
    source: &SourceFile,
    prepared: &Prepared<'_>,
    text: &str,
    blanked: &[Comment],
    single: bool,
    glued: &mut Option<usize>,
) -> Result<(Vec<Document>, usize), LoadError> {
    let source = source.clone();
    let mut options = Options::default();
    // A long run of comment lines where the parser looks ahead is fine to PyYAML.
    options.max_buffered_comment_events = usize::MAX;
    // Comments matter only for `# akbp:` directives and for telling a tab in a comment
    // from one PyYAML refuses; without either, the parser skips them for free.
    options.emit_comments = !prepared.tabs.is_empty() || super::marker::has_marker(&source.text);
    options.emit_anchor_events = true;
    // PyYAML's reader accepts U+FEFF anywhere as an ordinary character.
    options.bom_inside_document_as_content = true;
    options.block_nesting_limit = MAX_DEPTH;
    options.flow_nesting_limit = MAX_DEPTH;
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder {
        stack: Vec::new(),
        items: Vec::new(),
        pairs: Vec::new(),
        anchors: HashMap::new(),
        alias_budget: Cost {
            nodes: MAX_ALIAS_NODES,
            bytes: MAX_ALIAS_BYTES,
        },
        anchor_budget: Cost {
            nodes: ANCHOR_COPIES * MAX_ALIAS_NODES,
            bytes: ANCHOR_COPIES * MAX_ALIAS_BYTES,
        },
        root: None,
        duplicate_keys: Vec::new(),
        merge_keys: Vec::new(),
    };
    let mut comments = Vec::new();
    let mut documents = 0usize;
    let mut docs = Vec::new();
    // Spans the post-parse checks need, kept only when the text has what they look for.
    let mut scalar_spans: Vec<Span> = Vec::new();
    let mut tab_ok: Vec<Span> = Vec::new();
    let mut anchor_names: HashMap<String, Span> = HashMap::new();
    let mut open_block: Option<usize> = None;
    let mut prev_end = 0usize;
    let mut pending_blanked = blanked.iter().peekable();
    while let Some(next) = parser.next_event() {
        let (event, gspan) = next.map_err(|e| {
            *glued = glued_comment(text, &e);
            syntax_error(&source, &e)
        })?;
        let span = span_of(&source, &gspan);
        // Comments blanked before this parse, in their place among the parser's.
        while let Some(c) = pending_blanked.next_if(|c| c.span.start <= span.start) {
            if !prepared.tabs.is_empty() {
                tab_ok.push(c.span);
            }
            comments.push(c.clone());
        }
        // A block scalar's content runs up to the next event.
        // (An anchor's event follows its node but sits before it in the text.)
        if let Some(start) = open_block.filter(|_| !matches!(event, Event::Anchor(..))) {
            open_block = None;
            let covered = Span::new(start, span.start as usize);
            scalar_spans.push(covered);
        }
        let is_seq = matches!(event, Event::SequenceStart(..));
        let this_end = span.end as usize;
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentEnd if single => {}
            Event::DocumentEnd => {
                if let Some(root) = b.root.take() {
                    // Anchors do not cross documents.
                    b.anchors.clear();
                    anchor_names.clear();
                    if !(root.is_null() && root.tag.is_none()) {
                        docs.push(Document {
                            source: source.clone(),
                            root,
                            duplicate_keys: std::mem::take(&mut b.duplicate_keys),
                            merge_keys: std::mem::take(&mut b.merge_keys),
                            comments: std::mem::take(&mut comments),
                        });
                    }
                }
            }
            Event::DocumentStart(..) => {
                documents += 1;
                if single && documents > 1 {
                    return Err(b.error(
                        LoadErrorKind::MultipleDocuments,
                        "the file holds more than one YAML document; authentik reads exactly one"
                            .into(),
                        span,
                    ));
                }
            }
            Event::Comment(text, _) => {
                if !prepared.tabs.is_empty() {
                    tab_ok.push(span);
                }
                comments.push(Comment {
                    text: text.into_owned(),
                    span,
                });
            }
            Event::Anchor(_, name) => {
                check_anchor_name(&source, &name, span, '&')?;
                if let Some(first) = anchor_names.insert(name.into_owned(), span) {
                    let p = source.position(first.start as usize);
                    return Err(construct_error(
                        format!(
                            "this anchor name was already defined at line {}, column {}; PyYAML refuses a duplicate anchor",
                            p.line, p.column
                        ),
                        span,
                    ));
                }
            }
            Event::Alias(id) => {
                let written = source.slice(span);
                check_anchor_name(
                    &source,
                    written.strip_prefix('*').unwrap_or(written),
                    span,
                    '*',
                )?;
                let Some(anchored) = b.anchors.get(&id) else {
                    return Err(b.error(
                        LoadErrorKind::Syntax,
                        "alias to an unknown anchor".into(),
                        span,
                    ));
                };
                let bomb = || {
                    format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} nodes or {} MiB of text",
                        MAX_ALIAS_BYTES / 1024 / 1024
                    )
                };
                let Some((node, h, cost)) = anchored else {
                    return Err(b.error(LoadErrorKind::AliasBomb, bomb(), span));
                };
                let (h, cost) = (*h, *cost);
                if !b.alias_budget.take(cost) {
                    return Err(b.error(LoadErrorKind::AliasBomb, bomb(), span));
                }
                let node = node.clone();
                if b.stack.len() + h > MAX_DEPTH {
                    return Err(b.error(
                        LoadErrorKind::TooDeep,
                        format!("nesting deeper than {MAX_DEPTH} levels once aliases are expanded"),
                        span,
                    ));
                }
                b.push_node(node, 0)?;
            }
            #[allow(unreachable_patterns)]
            Event::UnresolvedAlias(name) => {
                return Err(b.error(
                    LoadErrorKind::Syntax,
                    format!("alias `*{name}` has no anchor"),
                    span,
                ));
            }
            Event::Scalar(value, style, anchor, tag) => {
                // `: v` and `{: v}`: granit-parser gives the entry an empty key; PyYAML's
                // parser refuses an entry with no key at all (a `? ` key is still fine).
                if span.is_empty()
                    && tag.is_none()
                    && style == GStyle::Plain
                    && matches!(b.stack.last(), Some(Frame::Map { key: None, .. }))
                    && source
                        .text
                        .get(span.start as usize..)
                        .is_some_and(|t| t.starts_with(':'))
                {
                    return Err(construct_error(
                        "a mapping entry with no key: PyYAML refuses `: value`; write the key"
                            .into(),
                        Span::new(span.start as usize, span.start as usize + 1),
                    ));
                }
                // The non-specific tag `!` makes PyYAML resolve even a quoted scalar as if
                // plain (parser.py: `implicit = (True, False)` when the tag is `!`).
                let nonspecific = tag.as_deref().is_some_and(|t| {
                    (t.handle() == "!" && t.suffix().is_empty())
                        || (t.handle().is_empty() && t.suffix() == "!")
                });
                let tag = tag_of(&source, tag.as_deref(), &gspan);
                let style = match style {
                    GStyle::Plain => ScalarStyle::Plain,
                    GStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    GStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    GStyle::Literal => ScalarStyle::Literal,
                    GStyle::Folded => ScalarStyle::Folded,
                };
                // Short texts live inside the node; a copy from the parser's text only when
                // it is longer than 15 bytes.
                let text = crate::load::node::Text::from(&*value);
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                    && !prepared.separators.is_empty()
                {
                    open_block = Some(prev_end.min(span.start as usize));
                }
                if !prepared.separators.is_empty() {
                    scalar_spans.push(span);
                }
                if !prepared.tabs.is_empty() && style != ScalarStyle::Plain {
                    tab_ok.push(span);
                }
                // Inside [ ] and { } PyYAML ends a plain scalar at `?` (scanner.py scan_plain),
                // which then stands where no key indicator may.
                let in_flow = matches!(
                    b.stack.last(),
                    Some(Frame::Seq { flow: true, .. } | Frame::Map { flow: true, .. })
                );
                let question = (in_flow && style == ScalarStyle::Plain)
                    .then(|| {
                        source
                            .slice(span)
                            .char_indices()
                            .skip(1)
                            .find(|(_, c)| *c == '?')
                    })
                    .flatten();
                if let Some((i, _)) = question {
                    let at = span.start as usize + i;
                    return Err(construct_error(
                        "`?` inside a plain scalar within [ ] or { }: PyYAML ends the scalar there and refuses the `?`; quote the value".into(),
                        Span::new(at, at + 1),
                    ));
                }
                let resolve_as = if nonspecific {
                    ScalarStyle::Plain
                } else {
                    style
                };
                let value = scalar_value(&text, resolve_as, tag.as_deref()).map_err(|m| {
                    construct_error(m, tag.as_ref().map_or(span, |t| t.span.to(span)))
                })?;
                // A tagged node's span covers its tag, so the tag is underlined too.
                let span = match &tag {
                    Some(t) => t.span.to(span),
                    None => span,
                };
                b.push_node(
                    Node {
                        kind: NodeKind::Scalar(ScalarNode::new(text, style, value)),
                        span,
                        tag,
                    },
                    anchor,
                )?;
            }
            Event::SequenceStart(style, anchor, tag) | Event::MappingStart(style, anchor, tag) => {
                let flow = style == StructureStyle::Flow;
                let tag = tag_of(&source, tag.as_deref(), &gspan);
                // A tagged collection starts at its tag.
                let start = tag
                    .as_ref()
                    .map_or(span.start, |t| t.span.start.min(span.start))
                    as usize;
                b.stack.push(if is_seq {
                    Frame::Seq {
                        start,
                        flow,
                        tag,
                        anchor,
                        items: b.items.len(),
                    }
                } else {
                    Frame::Map {
                        start,
                        flow,
                        tag,
                        anchor,
                        pairs: b.pairs.len(),
                        key: None,
                    }
                });
                if b.stack.len() > MAX_DEPTH {
                    return Err(b.error(
                        LoadErrorKind::TooDeep,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        span,
                    ));
                }
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    start,
                    flow,
                    tag,
                    anchor,
                    items,
                }) = b.stack.pop()
                {
                    let items = take_from(&mut b.items, items).into_boxed_slice();
                    // Block collections end with their last item; the end event of a block
                    // collection sits at the next token, possibly lines below.
                    let last = items.last().map_or(start, |n| n.span.end as usize);
                    let end = if flow {
                        (span.end as usize).max(last)
                    } else {
                        last
                    };
                    let node = Node {
                        kind: NodeKind::Seq(items),
                        span: Span::new(start, end),
                        tag,
                    };
                    check_collection_tag(node.tag.as_deref(), &node.kind)
                        .map_err(|m| construct_error(m, node.span))?;
                    b.push_node(node, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    start,
                    flow,
                    tag,
                    anchor,
                    pairs,
                    ..
                }) = b.stack.pop()
                {
                    let pairs = take_from(&mut b.pairs, pairs);
                    let last = pairs.last().map_or(start, |p| p.value.span.end as usize);
                    let end = if flow {
                        (span.end as usize).max(last)
                    } else {
                        last
                    };
                    let node = b.finish_map(start, end, tag, pairs)?;
                    check_collection_tag(node.tag.as_deref(), &node.kind)
                        .map_err(|m| construct_error(m, node.span))?;
                    b.push_node(node, anchor)?;
                }
            }
            // Events a later granit-parser release may add carry no node.
            _ => {}
        }
        prev_end = prev_end.max(this_end);
    }
    for c in pending_blanked {
        if !prepared.tabs.is_empty() {
            tab_ok.push(c.span);
        }
        comments.push(c.clone());
    }
    tab_ok.sort_unstable_by_key(|s| s.start);
    scalar_spans.sort_unstable_by_key(|s| s.start);
    if let Some(at) = first_uncovered(&prepared.tabs, &tab_ok) {
        return Err(construct_error(
            "a tab outside a quoted or block scalar or a comment: PyYAML's scanner refuses it; use spaces".into(),
            Span::new(at as usize, at as usize + 1),
        ));
    }
    if let Some(at) = first_covered(&prepared.separators, &scalar_spans) {
        return Err(construct_error(
            "a LINE or PARAGRAPH SEPARATOR (U+2028/U+2029) inside a scalar: PyYAML breaks the line there and keeps the character; write it as an escape in a double-quoted string".into(),
            Span::new(at as usize, at as usize + 3),
        ));
    }
    let Builder {
        root,
        duplicate_keys,
        merge_keys,
        ..
    } = b;
    if !single {
        return if docs.is_empty() {
            Err(LoadError {
                kind: LoadErrorKind::Empty,
                message: "the file holds no YAML document".into(),
                span: Span::empty(0),
            })
        } else {
            Ok((docs, documents))
        };
    }
    match root {
        None => Err(LoadError {
            kind: LoadErrorKind::Empty,
            message: "the file holds no YAML document".into(),
            span: Span::empty(0),
        }),
        Some(root) if root.is_null() && root.tag.is_none() => Err(LoadError {
            kind: LoadErrorKind::Empty,
            message: "the file's document is empty".into(),
            span: root.span,
        }),
        Some(root) => Ok((
            vec![Document {
                source,
                root,
                duplicate_keys,
                merge_keys,
                comments,
            }],
            documents,
        )),
    }
}
