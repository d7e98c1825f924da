//! Edits that rewrite a blueprint in place for fixes: replace a pair's value, add a pair
//! to a mapping. Everything outside the edited bytes (comments, quoting, blank lines,
//! key order) stays as written. Each returns `None` where it cannot be sure of the
//! layout; the rule then offers no fix.

use super::finding::Edit;
use crate::load::{Node, Pair, Span};

/// `span` without trailing spaces and line breaks (a block scalar's span ends after its
/// last line break; the break belongs to the layout, not the value).
pub fn trimmed(src: &str, span: Span) -> Span {
    let r = span.range();
    let Some(text) = src.get(r.clone()) else {
        return span;
    };
    let kept = text.trim_end_matches([' ', '\t', '\n', '\r']).len();
    Span::new(r.start, r.start + kept)
}

/// Replace the value of `pair` with `text` (written to stand on the key's line, so flow
/// style for collections): from just after the key's `:` to the end of the value, so a
/// block scalar's `|` header goes too. `None` when a comment sits in between (it would
/// be lost) or the colon is not where expected.
pub fn replace_value(src: &str, pair: &Pair, text: &str) -> Option<Edit> {
    let key_end = pair.key.span.end as usize;
    let after_key = src.get(key_end..)?;
    let colon = key_end + after_key.len() - after_key.trim_start_matches([' ', '\t']).len();
    if src.as_bytes().get(colon) != Some(&b':') {
        return None;
    }
    let end = trimmed(src, pair.value.span).end as usize;
    let start = colon + 1;
    if end < start || src.get(start..end)?.contains('#') && !value_holds_hash(src, pair) {
        return None;
    }
    Some(Edit::replace(Span::new(start, end), format!(" {text}")))
}

/// Replace the value of `pair` with a list of `items` (each written for flow context):
/// a block sequence under the key, indented two more than the key, when the key starts
/// its line in block context; else a flow sequence on the key's line.
pub fn replace_value_with_list(src: &str, pair: &Pair, items: &[String]) -> Option<Edit> {
    let key_at = pair.key.span.start as usize;
    let line_start = src[..key_at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &src[line_start..key_at];
    let block = !items.is_empty()
        && prefix.chars().all(|c| c == ' ' || c == '-')
        && !prefix.trim_start().starts_with("--");
    let text = if block {
        let indent = " ".repeat(key_at - line_start + 2);
        let lines: Vec<String> = items.iter().map(|i| format!("{indent}- {i}")).collect();
        format!("\n{}", lines.join("\n"))
    } else {
        format!(" [{}]", items.join(", "))
    };
    let mut edit = replace_value(src, pair, "")?;
    edit.text = text;
    Some(edit)
}

/// Whether the `#` between the colon and the value's end is the value's own (a quoted
/// or plain scalar containing `#`), not a comment.
fn value_holds_hash(src: &str, pair: &Pair) -> bool {
    let v = trimmed(src, pair.value.span);
    let between = src
        .get(pair.key.span.end as usize..v.start as usize)
        .unwrap_or("#");
    !between.contains('#') && pair.value.as_scalar().is_some_and(|s| s.text.contains('#'))
}

/// Add `key: value` as the last pair of `map` (`value` written for flow context). A block
/// mapping gets a new line at its keys' indentation after the last pair's value; a flow
/// mapping gets `, key: value` before its `}`. `None` for an empty block mapping, or a
/// mapping whose layout is not one of these.
pub fn add_pair(src: &str, map: &Node, key: &str, value: &str) -> Option<Edit> {
    let pairs = map.as_map()?;
    let span = trimmed(src, map.span);
    let text = src.get(span.range())?;
    if text.starts_with('{') {
        if !text.ends_with('}') {
            return None;
        }
        let close = span.end as usize - 1;
        let sep = if pairs.is_empty() { "" } else { ", " };
        return Some(Edit::insert(close, format!("{sep}{key}: {value}")));
    }
    let first = pairs.first()?;
    let last = pairs.last()?;
    let key_at = first.key.span.start as usize;
    let line_start = src[..key_at].rfind('\n').map_or(0, |i| i + 1);
    let indent = key_at - line_start;
    // The prefix must be spaces, or `- ` for a mapping that is a list item.
    let prefix = &src[line_start..key_at];
    if !prefix.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    let end = trimmed(src, last.value.span).end.max(last.key.span.end) as usize;
    let line = format!("{}{key}: {value}", " ".repeat(indent));
    Some(match src[end..].find('\n') {
        Some(nl) => Edit::insert(end + nl + 1, format!("{line}\n")),
        None => Edit::insert(src.len(), format!("\n{line}\n")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::apply_edits;
    use crate::load::{parse, SourceFile};

    fn with_edit(src: &str, f: impl Fn(&Node) -> Option<Edit>) -> Option<String> {
        let doc = parse(SourceFile::new("t.yaml", src)).expect("parses");
        let e = f(&doc.root)?;
        apply_edits(src, [&e])
    }

    #[test]
    fn add_pair_to_block_and_flow_maps() {
        let src = "a:\n  x: 1  # one\n  y: |\n    text\n# tail\nb: {x: 1}\n";
        let out = with_edit(src, |r| add_pair(src, r.get("a")?, "z", "[q]"));
        assert_eq!(
            out.as_deref(),
            Some("a:\n  x: 1  # one\n  y: |\n    text\n  z: [q]\n# tail\nb: {x: 1}\n")
        );
        let out = with_edit(src, |r| add_pair(src, r.get("b")?, "z", "2"));
        assert_eq!(
            out.as_deref(),
            Some("a:\n  x: 1  # one\n  y: |\n    text\n# tail\nb: {x: 1, z: 2}\n")
        );
        let item = "l:\n  - x: 1\n    y: 2";
        let out = with_edit(item, |r| {
            add_pair(item, &r.get("l")?.as_seq()?[0], "z", "3")
        });
        assert_eq!(out.as_deref(), Some("l:\n  - x: 1\n    y: 2\n    z: 3\n"));
    }

    #[test]
    fn replace_value_takes_the_block_header_and_keeps_comments_elsewhere() {
        let src = "a: |\n  one\n  two\nb: 1 # keep\n";
        let out = with_edit(src, |r| replace_value(src, r.get_pair("a")?, "[one, two]"));
        assert_eq!(out.as_deref(), Some("a: [one, two]\nb: 1 # keep\n"));
        let list = with_edit(src, |r| {
            replace_value_with_list(src, r.get_pair("a")?, &["x".into(), "'y: z'".into()])
        });
        assert_eq!(
            list.as_deref(),
            Some("a:\n  - x\n  - 'y: z'\nb: 1 # keep\n")
        );
        let commented = "a: | # why\n  one\n";
        assert!(with_edit(commented, |r| replace_value(
            commented,
            r.get_pair("a")?,
            "x"
        ))
        .is_none());
        let hash = "a: 'x#y'\n";
        assert_eq!(
            with_edit(hash, |r| replace_value(hash, r.get_pair("a")?, "z")).as_deref(),
            Some("a: z\n")
        );
    }
}
