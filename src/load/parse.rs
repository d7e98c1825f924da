//! granit-parser events to the [`Node`] tree, with the guards authentik's PyYAML
//! loader lacks: nesting depth, alias expansion budget, one document per file.

use std::collections::HashMap;

use granit_parser::{Event, Options, Parser, ScalarStyle as GStyle, ScanError, StructureStyle};

use super::node::{Node, NodeKind, NodeTag, Pair, ScalarNode, ScalarStyle};
use super::source::{SourceFile, Span};
use super::yaml11::{resolve_plain, Scalar};
use super::{LoadError, LoadErrorKind};

/// Deepest nesting accepted. authentik's own blueprints stay under 15 levels.
pub const MAX_DEPTH: usize = 128;
/// Most nodes an alias may copy in one file (billion-laughs guard).
pub const MAX_ALIAS_NODES: usize = 100_000;
/// Most bytes of scalar text and tag names aliases may copy in one file: a few short
/// aliases of one long string would otherwise copy gigabytes while counting few nodes.
pub const MAX_ALIAS_BYTES: usize = super::MAX_FILE_BYTES as usize;
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
        tag: Option<NodeTag>,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        flow: bool,
        tag: Option<NodeTag>,
        anchor: usize,
        pairs: Vec<Pair>,
        key: Option<Node>,
    },
}

struct Builder {
    stack: Vec<Frame>,
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
) -> Option<NodeTag> {
    let tag = tag?;
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
    Some(NodeTag { name, span: tspan })
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

/// The value of a scalar as PyYAML would construct it, honouring core tags.
fn scalar_value(text: &str, style: ScalarStyle, tag: Option<&NodeTag>) -> Scalar {
    match tag.and_then(|t| t.core_name()) {
        Some("str") => Scalar::Str(text.to_string()),
        Some("null") => Scalar::Null,
        Some("bool" | "int" | "float" | "timestamp") => resolve_plain(text),
        Some(_) => Scalar::Str(text.to_string()),
        None if tag.is_some() => Scalar::Str(text.to_string()),
        None if style == ScalarStyle::Plain => resolve_plain(text),
        None => Scalar::Str(text.to_string()),
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

    fn push_node(&mut self, node: Node, anchor: usize) -> Result<(), LoadError> {
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
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { pairs, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => pairs.push(Pair {
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
        tag: Option<NodeTag>,
        pairs: Vec<Pair>,
    ) -> Node {
        // Duplicate keys, as written (before merge expansion).
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for p in &pairs {
            if let Some(k) = p.key.scalar_text() {
                if k == "<<" && p.key.tag.is_none() {
                    continue;
                }
                if let Some(first) = seen.get(k) {
                    self.duplicate_keys.push(DuplicateKey {
                        key: k.to_string(),
                        first: *first,
                        duplicate: p.key.span,
                    });
                } else {
                    seen.insert(k, p.key.span);
                }
            }
        }
        let has_merge = pairs.iter().any(is_merge_key);
        let pairs = if has_merge {
            let mut merged: Vec<Pair> = Vec::new();
            let mut explicit: Vec<Pair> = Vec::new();
            for p in pairs {
                if is_merge_key(&p) {
                    self.merge_keys.push(p.key.span);
                    // PyYAML flatten_mapping: later sources first, so earlier ones win.
                    match &p.value.kind {
                        NodeKind::Map(m) => {
                            let tail = std::mem::take(&mut merged);
                            merged.extend(m.iter().cloned());
                            merged.extend(tail);
                        }
                        NodeKind::Seq(items) => {
                            let tail = std::mem::take(&mut merged);
                            for item in items.iter().rev() {
                                if let NodeKind::Map(m) = &item.kind {
                                    merged.extend(m.iter().cloned());
                                }
                            }
                            merged.extend(tail);
                        }
                        NodeKind::Scalar(_) => {}
                    }
                } else {
                    explicit.push(p);
                }
            }
            merged.extend(explicit);
            merged
        } else {
            pairs
        };
        Node {
            kind: NodeKind::Map(pairs),
            span: Span::new(start, end),
            tag,
        }
    }
}

fn is_merge_key(p: &Pair) -> bool {
    p.key.tag.is_none()
        && matches!(&p.key.kind, NodeKind::Scalar(s) if s.style == ScalarStyle::Plain && s.text == "<<")
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
    let mut docs = parse_documents(source, true)?;
    Ok(docs.remove(0))
}

/// Parse every document of a stream (Kubernetes manifests joined with `---`). Empty
/// documents (a trailing `---`) are left out; a stream with none is `Empty`.
pub fn parse_stream(source: SourceFile) -> Result<Vec<Document>, LoadError> {
    parse_documents(source, false)
}

fn parse_documents(source: SourceFile, single: bool) -> Result<Vec<Document>, LoadError> {
    let text: &str = &source.text;
    let mut options = Options::default();
    options.emit_comments = true;
    options.block_nesting_limit = MAX_DEPTH;
    options.flow_nesting_limit = MAX_DEPTH;
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder {
        stack: Vec::new(),
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
    while let Some(next) = parser.next_event() {
        let (event, gspan) = next.map_err(|e| syntax_error(&source, &e))?;
        let span = span_of(&source, &gspan);
        let is_seq = matches!(event, Event::SequenceStart(..));
        match event {
            Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentEnd if single => {}
            Event::DocumentEnd => {
                if let Some(root) = b.root.take() {
                    // Anchors do not cross documents.
                    b.anchors.clear();
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
            Event::Comment(text, _) => comments.push(Comment {
                text: text.into_owned(),
                span,
            }),
            Event::Anchor(..) => {}
            Event::Alias(id) => {
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
                let tag = tag_of(&source, tag.as_deref(), &gspan);
                let style = match style {
                    GStyle::Plain => ScalarStyle::Plain,
                    GStyle::SingleQuoted => ScalarStyle::SingleQuoted,
                    GStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
                    GStyle::Literal => ScalarStyle::Literal,
                    GStyle::Folded => ScalarStyle::Folded,
                };
                let text = value.into_owned();
                let value = scalar_value(&text, style, tag.as_ref());
                // A tagged node's span covers its tag, so the tag is underlined too.
                let span = match &tag {
                    Some(t) => t.span.to(span),
                    None => span,
                };
                b.push_node(
                    Node {
                        kind: NodeKind::Scalar(ScalarNode { text, style, value }),
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
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start,
                        flow,
                        tag,
                        anchor,
                        pairs: Vec::new(),
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
                    let last = pairs.last().map_or(start, |p| p.value.span.end as usize);
                    let end = if flow {
                        (span.end as usize).max(last)
                    } else {
                        last
                    };
                    let node = b.finish_map(start, end, tag, pairs);
                    b.push_node(node, anchor)?;
                }
            }
            // Events a later granit-parser release may add carry no node.
            _ => {}
        }
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
            Ok(docs)
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
        Some(root) => Ok(vec![Document {
            source,
            root,
            duplicate_keys,
            merge_keys,
            comments,
        }]),
    }
}
