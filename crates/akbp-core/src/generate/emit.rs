//! A small, deterministic YAML emitter over its own output model.
//!
//! Mappings keep their key order. Sequences of plain scalars and everything inside a
//! tag are written in flow style (`!Find [model, [field, value]]`); other collections in
//! block style. Strings are quoted by one function, [`needs_quotes`]: exactly when
//! PyYAML would read the plain form as something else (`load::yaml11`) or when YAML
//! syntax requires it.

use crate::load::yaml11::plain_is_not_string;

/// A node of the output document.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    Seq(Seq),
    Map(Vec<(String, Node)>),
    /// A local tag (`!Find`, without the `!`) on a node; written in flow style.
    Tagged(String, Box<Node>),
}

/// A sequence and how its block form is laid out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Seq {
    pub items: Vec<Item>,
    /// A blank line between block items (blueprint entries).
    pub spaced: bool,
}

/// A sequence item, with comment lines written above it in block style.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub comments: Vec<String>,
    pub node: Node,
}

impl Node {
    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }

    pub fn seq(items: impl IntoIterator<Item = Node>) -> Node {
        Node::Seq(Seq {
            items: items
                .into_iter()
                .map(|node| Item {
                    comments: Vec::new(),
                    node,
                })
                .collect(),
            spaced: false,
        })
    }

    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Node)>) -> Node {
        Node::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn tagged(tag: &str, node: Node) -> Node {
        Node::Tagged(tag.to_string(), Box::new(node))
    }

    fn is_scalar(&self) -> bool {
        matches!(
            self,
            Node::Str(_) | Node::Int(_) | Node::Bool(_) | Node::Null
        )
    }

    /// Whether this node is written on the line of its key or dash.
    fn is_inline(&self) -> bool {
        match self {
            Node::Seq(s) => {
                s.items.is_empty()
                    || s.items.iter().all(|i| match &i.node {
                        Node::Tagged(_, inner) => inner.is_scalar(),
                        n => n.is_scalar(),
                    })
            }
            Node::Map(m) => m.is_empty(),
            _ => true,
        }
    }
}

/// A whole YAML document: comment lines, then a block mapping.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub header: Vec<String>,
    /// A `---` line before the root mapping.
    pub explicit_start: bool,
    pub root: Vec<(String, Node)>,
}

/// Write the document. The same document always gives the same bytes.
pub fn emit(doc: &Document) -> String {
    let mut out = String::new();
    for line in &doc.header {
        comment(&mut out, 0, line);
    }
    // yamllint's `document-start`: the document says where it starts (after the header,
    // whose `# akbp: target` must come before any other line).
    if doc.explicit_start {
        out.push_str("---\n");
    }
    block_map(&mut out, 0, &doc.root);
    out
}

/// The longest line the emitter writes where it can break one: yamllint's default
/// `line-length` (80 columns; a line that is one long word, such as a URL, is allowed).
pub const MAX_WIDTH: usize = 80;

fn comment(out: &mut String, indent: usize, text: &str) {
    // Every PyYAML line break ends a comment; option values holding one are refused
    // before this (generate::writable_values), this keeps comments comments regardless.
    let lines: Vec<&str> = text.split(is_line_break).collect();
    // A text whose lines end in ` \` (a command line) is written as it is; otherwise the
    // lines of a paragraph are one text, wrapped to fit.
    let verbatim = lines.iter().any(|l| l.ends_with('\\'));
    let paragraphs: Vec<String> = if verbatim {
        lines.iter().map(|l| l.to_string()).collect()
    } else {
        lines
            .split(|l| l.trim().is_empty())
            .map(|p| p.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "))
            .collect()
    };
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if i > 0 && !verbatim {
            pad(out, indent);
            out.push_str("#\n");
        }
        if paragraph.trim().is_empty() {
            continue;
        }
        if verbatim {
            pad(out, indent);
            out.push_str("# ");
            out.push_str(paragraph.trim_end());
            out.push('\n');
            continue;
        }
        for piece in wrap(paragraph.trim_end(), MAX_WIDTH.saturating_sub(indent + 2)) {
            pad(out, indent);
            out.push_str("# ");
            out.push_str(&piece);
            out.push('\n');
        }
    }
}

/// `line` in pieces of at most `width` columns (a longer word stays whole); every piece
/// keeps the line's leading spaces.
///
/// A break takes the place of exactly one space, and only of a space between two characters
/// that are not whitespace: a run of spaces, a tab or any other whitespace stays inside its
/// piece, and no piece ends or starts (after the leading spaces) with whitespace. So the
/// pieces joined with one space give `line` back byte for byte, however a reader trims the
/// lines: an option value in a comment (a group named `a  b`) reads back exactly.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let body = line.trim_start_matches(' ');
    let lead = &line[..line.len() - body.len()];
    let chars: Vec<char> = body.chars().collect();
    let mut words = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        let breakable = c == ' '
            && i > 0
            && chars.get(i + 1).is_some_and(|n| !n.is_whitespace())
            && !chars[i - 1].is_whitespace();
        match words.last_mut() {
            Some(word) if !breakable => word.push(c),
            _ => words.push(String::new()),
        }
    }
    let mut pieces = Vec::new();
    let mut cur = lead.to_string();
    for word in words {
        let used = cur.chars().count();
        if used > lead.len() && used + 1 + word.chars().count() > width {
            pieces.push(std::mem::replace(&mut cur, lead.to_string()));
        }
        if cur.len() > lead.len() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    pieces.push(cur);
    pieces
}

/// `s` as the lines of a plain scalar over several lines at `indent` (YAML folds each
/// line break between them into one space), or `None` when that would not read back as
/// `s`: a text that needs quotes, two spaces or a tab in a row (kept on one quoted line,
/// where a reader sees them), or a line that could not start a plain scalar on its own.
fn folds_plain(s: &str, indent: usize) -> Option<Vec<String>> {
    if needs_quotes(s, false) || s.contains("  ") || s.contains('\t') {
        return None;
    }
    let pieces = wrap(s, MAX_WIDTH.saturating_sub(indent));
    let safe = pieces.len() > 1 && pieces.iter().all(|p| !needs_quotes(p, false));
    safe.then_some(pieces)
}

/// The flow form of `node`, as [`flow`] writes it.
fn flow_text(node: &Node) -> String {
    let mut s = String::new();
    flow(&mut s, node);
    s
}

/// Where the line being written starts in `out`.
fn line_start(out: &str) -> usize {
    out.rfind('\n').map_or(0, |i| i + 1)
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Pairs of a block mapping; the first key is written at the current position (after
/// a `- ` or an indent already on the line), the rest at `indent`.
fn block_map_pairs(out: &mut String, indent: usize, pairs: &[(String, Node)], first_inline: bool) {
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 || !first_inline {
            pad(out, indent);
        }
        scalar(out, key, false);
        out.push(':');
        value_after_key(out, indent, value);
    }
}

fn block_map(out: &mut String, indent: usize, pairs: &[(String, Node)]) {
    block_map_pairs(out, indent, pairs, false);
}

fn value_after_key(out: &mut String, indent: usize, value: &Node) {
    if let Node::Str(s) = value {
        if let Some(chomp) = literal_block(s) {
            // A text of several lines (an expression, a list of path patterns) is written
            // as it reads: a literal block, one line of text per line of YAML.
            let body = s.strip_suffix('\n').unwrap_or(s);
            // A line of code cannot be broken without changing it: yamllint is told so
            // around this key alone, and the rest of the file keeps its 80 columns.
            let wide = body
                .split('\n')
                .any(|l| indent + 2 + l.chars().count() > MAX_WIDTH);
            if wide {
                let at = line_start(out);
                let key_line = out.split_off(at);
                pad(out, indent);
                out.push_str("# yamllint disable rule:line-length\n");
                out.push_str(&key_line);
            }
            out.push_str(" |");
            out.push_str(chomp);
            out.push('\n');
            for line in body.split('\n') {
                if !line.is_empty() {
                    pad(out, indent + 2);
                    out.push_str(line);
                }
                out.push('\n');
            }
            if wide {
                pad(out, indent);
                out.push_str("# yamllint enable rule:line-length\n");
            }
            return;
        }
    }
    if value.is_inline() {
        let text = flow_text(value);
        // `key: value` past the width: a tagged or plain sequence in block style, a long
        // plain scalar on the next line (one word there).
        if out.len() - line_start(out) + 1 + text.chars().count() > MAX_WIDTH {
            match value {
                Node::Tagged(tag, inner) if matches!(**inner, Node::Seq(_)) => {
                    out.push_str(" !");
                    out.push_str(tag);
                    out.push('\n');
                    if let Node::Seq(s) = &**inner {
                        block_seq(out, indent + 2, s);
                    }
                    return;
                }
                Node::Seq(s) if !s.items.is_empty() => {
                    out.push('\n');
                    block_seq(out, indent + 2, s);
                    return;
                }
                Node::Str(s) if !needs_quotes(s, false) && !s.contains(' ') => {
                    out.push('\n');
                    pad(out, indent + 2);
                    out.push_str(s);
                    out.push('\n');
                    return;
                }
                Node::Str(s) if folds_plain(s, indent + 2).is_some() => {
                    out.push('\n');
                    for piece in folds_plain(s, indent + 2).unwrap_or_default() {
                        pad(out, indent + 2);
                        out.push_str(&piece);
                        out.push('\n');
                    }
                    return;
                }
                _ => {}
            }
        }
        out.push(' ');
        out.push_str(&text);
        out.push('\n');
        return;
    }
    out.push('\n');
    match value {
        Node::Map(m) => block_map(out, indent + 2, m),
        Node::Seq(s) => block_seq(out, indent + 2, s),
        _ => {}
    }
}

/// The chomping indicator to write `s` as a literal block (`""` keeps its one final line
/// break, `-` strips: there is none), or `None` when a literal block would not read back as
/// `s` in PyYAML, or `s` has a single line: no line break inside, a first line starting
/// with a space (it would need an indentation indicator), a line ending in a space or a
/// tab, more than one final line break, a character other than PyYAML's printable ones.
fn literal_block(s: &str) -> Option<&'static str> {
    let body = s.strip_suffix('\n').unwrap_or(s);
    if !body.contains('\n') || body.ends_with('\n') || body.starts_with([' ', '\n']) {
        return None;
    }
    let clean = body.split('\n').all(|line| {
        !line.ends_with([' ', '\t']) && line.chars().all(|c| c == ' ' || is_printable(c))
    });
    if !clean {
        return None;
    }
    Some(if s.ends_with('\n') { "" } else { "-" })
}

fn block_seq(out: &mut String, indent: usize, seq: &Seq) {
    for (i, item) in seq.items.iter().enumerate() {
        if i > 0 && seq.spaced {
            out.push('\n');
        }
        for c in &item.comments {
            comment(out, indent, c);
        }
        pad(out, indent);
        out.push('-');
        match &item.node {
            Node::Tagged(tag, inner)
                if matches!(**inner, Node::Seq(_))
                    && indent + 2 + flow_text(&item.node).chars().count() > MAX_WIDTH =>
            {
                out.push_str(" !");
                out.push_str(tag);
                out.push('\n');
                if let Node::Seq(s) = &**inner {
                    block_seq(out, indent + 2, s);
                }
            }
            n if n.is_inline() => {
                out.push(' ');
                flow(out, n);
                out.push('\n');
            }
            Node::Map(m) => {
                out.push(' ');
                block_map_pairs(out, indent + 2, m, true);
            }
            Node::Seq(s) => {
                out.push('\n');
                block_seq(out, indent + 2, s);
            }
            _ => {}
        }
    }
}

/// A node in flow style (also used for scalars in block context).
fn flow(out: &mut String, node: &Node) {
    flow_in(out, node, false);
}

fn flow_in(out: &mut String, node: &Node, in_flow: bool) {
    match node {
        Node::Str(s) => scalar(out, s, in_flow),
        Node::Int(i) => out.push_str(&i.to_string()),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Null => out.push_str("null"),
        Node::Tagged(tag, inner) => {
            out.push('!');
            out.push_str(tag);
            out.push(' ');
            flow_in(out, inner, in_flow);
        }
        Node::Seq(s) => {
            out.push('[');
            for (i, item) in s.items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow_in(out, &item.node, true);
            }
            out.push(']');
        }
        Node::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                scalar(out, k, true);
                out.push_str(": ");
                flow_in(out, v, true);
            }
            out.push('}');
        }
    }
}

/// `s` written as a YAML scalar that PyYAML reads back as the same string: plain when it
/// can be, else single- or double-quoted. `in_flow`: inside `[...]` or `{...}`.
pub fn string_scalar(s: &str, in_flow: bool) -> String {
    let mut out = String::new();
    scalar(&mut out, s, in_flow);
    out
}

fn scalar(out: &mut String, s: &str, in_flow: bool) {
    if !needs_quotes(s, in_flow) {
        out.push_str(s);
    } else if s.chars().all(|c| c == ' ' || is_printable(c)) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        double_quoted(out, s);
    }
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_printable(c) || c == ' ' => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
}

/// Characters PyYAML accepts in a document as they are (its `check_printable`), minus
/// the space and the line breaks, which need care of their own.
pub(crate) fn is_printable(c: char) -> bool {
    matches!(c,
        '\u{21}'..='\u{7e}'
        | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}'
        | '\u{10000}'..='\u{10ffff}')
        && c != '\u{feff}'
        && c != '\u{2028}'
        && c != '\u{2029}'
}

/// PyYAML's line breaks.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whether `s` must be quoted to be read back as the same string.
pub fn needs_quotes(s: &str, in_flow: bool) -> bool {
    if s.is_empty() || plain_is_not_string(s) {
        return true;
    }
    if !s.chars().all(|c| c == ' ' || is_printable(c)) {
        return true;
    }
    if s.starts_with(' ') || s.ends_with(' ') {
        return true;
    }
    // A document marker at the start of a line would end the document.
    if s.starts_with("---") || s.starts_with("...") {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    // Indicators that cannot start a plain scalar; `-`, `?` and `:` can in YAML 1.1 when
    // a non-space follows, but quoting them keeps the rule simple.
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return true;
    }
    // In flow context these end a plain scalar; PyYAML before 5.1 also refused any `:`.
    in_flow && s.contains([',', '[', ']', '{', '}', '?', ':'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let doc = Document {
            header: vec!["what this is".into(), "second\nthird".into()],
            explicit_start: false,
            root: vec![
                ("version".into(), Node::Int(1)),
                (
                    "metadata".into(),
                    Node::map([
                        ("name", Node::str("x")),
                        ("labels", Node::map([("a/b", Node::str("true"))])),
                    ]),
                ),
                (
                    "entries".into(),
                    Node::Seq(Seq {
                        spaced: true,
                        items: vec![
                            Item {
                                comments: vec!["first".into()],
                                node: Node::map([
                                    ("model", Node::str("m.x")),
                                    (
                                        "attrs",
                                        Node::map([
                                            (
                                                "f",
                                                Node::tagged(
                                                    "Find",
                                                    Node::seq([
                                                        Node::str("m.y"),
                                                        Node::seq([
                                                            Node::str("name"),
                                                            Node::str("a, b"),
                                                        ]),
                                                    ]),
                                                ),
                                            ),
                                            ("l", Node::seq([Node::str("a"), Node::str("b")])),
                                            ("e", Node::seq([])),
                                            (
                                                "u",
                                                Node::seq([Node::map([
                                                    ("mode", Node::str("strict")),
                                                    ("url", Node::str("https://x/")),
                                                ])]),
                                            ),
                                        ]),
                                    ),
                                ]),
                            },
                            Item {
                                comments: vec![],
                                node: Node::map([("k", Node::tagged("KeyOf", Node::str("p")))]),
                            },
                        ],
                    }),
                ),
            ],
        };
        let expected = "\
# what this is
# second third
version: 1
metadata:
  name: x
  labels:
    a/b: 'true'
entries:
  # first
  - model: m.x
    attrs:
      f: !Find [m.y, [name, 'a, b']]
      l: [a, b]
      e: []
      u:
        - mode: strict
          url: https://x/

  - k: !KeyOf p
";
        assert_eq!(emit(&doc), expected);
    }

    #[test]
    fn long_plain_texts_fold() {
        let name = "akbp-omada-controller SAML http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname";
        let doc = Document {
            header: vec![],
            explicit_start: false,
            root: vec![
                ("name".into(), Node::str(name)),
                ("q".into(), Node::str(format!("{name}: x"))),
            ],
        };
        let text = emit(&doc);
        assert!(
            text.starts_with("name:\n  akbp-omada-controller SAML\n  http://schemas"),
            "{text}"
        );
        // A text that needs quotes stays on one line, quoted.
        assert!(text.contains("q: 'akbp-omada"), "{text}");
        assert_eq!(folds_plain("a  b", 0), None);
        assert_eq!(folds_plain(&format!("{} -x", "w ".repeat(40)), 0), None);
    }

    #[test]
    fn wrapped_comments_keep_their_whitespace() {
        // A group name with two spaces once came back with one in the header.
        let text = format!(
            "Access: only members of the group `}}}}  #\u{c967c}`. {}",
            "word ".repeat(30)
        );
        let doc = Document {
            header: vec![text.clone()],
            ..Document::default()
        };
        let out = emit(&doc);
        assert!(out.contains("`}}  #\u{c967c}`."), "{out}");
        let joined: Vec<&str> = out.lines().map(|l| &l[2..]).collect();
        assert_eq!(joined.join(" "), text.trim_end());
        for line in [
            "a  b c\td \te f\u{a0} g \u{3000}h i   j",
            "  lead  kept x y",
            &"ab  cd ".repeat(20),
            &"x \u{2009} ".repeat(30),
        ] {
            for width in [1, 3, 8, 20, 78] {
                let pieces = wrap(line.trim_end(), width);
                let lead = &line[..line.len() - line.trim_start_matches(' ').len()];
                let body: Vec<&str> = pieces.iter().map(|p| &p[lead.len()..]).collect();
                assert_eq!(body.join(" "), line.trim(), "{line:?} at {width}");
                for b in &body {
                    assert!(!b.starts_with(char::is_whitespace), "{b:?}");
                    assert!(!b.ends_with(char::is_whitespace), "{b:?}");
                }
            }
        }
    }

    #[test]
    fn literal_blocks() {
        assert_eq!(literal_block("a\nb\n"), Some(""));
        assert_eq!(literal_block("a\n  b"), Some("-"));
        for no in [
            "one line",
            "one line\n",
            " a\nb",
            "a \nb",
            "a\nb\n\n",
            "\na",
            "a\n\tb\t",
        ] {
            assert_eq!(literal_block(no), None, "{no:?}");
        }
        let doc = Document {
            header: vec![],
            explicit_start: false,
            root: vec![("e".into(), Node::str("return {\n    \"a\": True,\n\n}\n"))],
        };
        assert_eq!(emit(&doc), "e: |\n  return {\n      \"a\": True,\n\n  }\n");
        // A line of code past 80 columns: yamllint is switched off around that key only.
        let long = format!("x = [\n    {}\n]", "y".repeat(80));
        let doc = Document {
            header: vec![],
            explicit_start: false,
            root: vec![(
                "m".into(),
                Node::map([("e", Node::str(long.clone())), ("f", Node::str("z"))]),
            )],
        };
        assert_eq!(
            emit(&doc),
            format!(
                "m:\n  # yamllint disable rule:line-length\n  e: |-\n    x = [\n        {}\n    ]\n  # yamllint enable rule:line-length\n  f: z\n",
                "y".repeat(80)
            )
        );
    }

    #[test]
    fn quoting() {
        for s in [
            "", "yes", "on", "12", "0755", "null", "~", "- x", "#x", "a #b", "a: b", "x:", "!x",
            "*x", "&x", "'x", "\"x", "%x", "@x", "`x", " x", "x ", "---", "a\nb", "|", ">", "[x",
            "{x",
        ] {
            assert!(needs_quotes(s, false), "{s:?}");
        }
        for s in [
            "netbird",
            "https://gravitee.company/console/",
            "https://netbird\\.company/.*",
            "authentik Self-signed Certificate",
            "goauthentik.io/providers/oauth2/scope-openid",
            "a-b",
            "1e3",
        ] {
            assert!(!needs_quotes(s, false), "{s:?}");
        }
        assert!(needs_quotes("https://x", true));
        assert!(needs_quotes("a,b", true));
        assert!(!needs_quotes("a,b", false));
    }
}
