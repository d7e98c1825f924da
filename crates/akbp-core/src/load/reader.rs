//! What PyYAML's reader settles before its scanner runs: which characters are allowed at
//! all, and which characters end a line. granit-parser follows YAML 1.2, where only
//! `\n` and `\r` break lines; PyYAML (YAML 1.1) also breaks at NEL (U+0085), LINE
//! SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029). The parser is handed a copy in
//! which each of those is replaced by a break of the same byte length, so every offset
//! it reports is an offset into the original text.

use std::borrow::Cow;

use super::error::{LoadError, LoadErrorKind};
use super::source::Span;

/// The text as the parser should see it, and where the characters that need a second
/// look after parsing sit.
pub struct Prepared<'a> {
    pub text: Cow<'a, str>,
    /// Offsets of LINE and PARAGRAPH SEPARATORs. PyYAML keeps them as characters where
    /// they break a scalar's line, which the replacement cannot show; the loader refuses
    /// those inside a scalar (a deliberate difference, listed in docs/pyyaml.md).
    pub separators: Vec<u32>,
    /// Offsets of tabs. PyYAML never skips a tab between tokens; the loader checks each
    /// one sits inside a quoted or block scalar or a comment.
    pub tabs: Vec<u32>,
}

/// PyYAML's reader.py `NON_PRINTABLE`: what it refuses anywhere in a stream.
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

pub fn prepare(text: &str) -> Result<Prepared<'_>, LoadError> {
    let mut separators = Vec::new();
    let mut tabs = Vec::new();
    let mut nel = false;
    let mut lone_cr = false;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '\t' => tabs.push(offset(i)),
            '\u{85}' => nel = true,
            '\r' if bytes.get(i + 1) != Some(&b'\n') => lone_cr = true,
            '\u{2028}' | '\u{2029}' => separators.push(offset(i)),
            c if !printable(c) => {
                return Err(LoadError {
                    kind: LoadErrorKind::Syntax,
                    message: format!(
                        "unacceptable character U+{:04X}: PyYAML refuses control and special characters",
                        c as u32
                    ),
                    span: Span::new(i, i + c.len_utf8()),
                })
            }
            _ => {}
        }
    }
    check_directives(text)?;
    let text = if nel || lone_cr || !separators.is_empty() {
        // Same byte length: NEL is 2 bytes, the separators 3. A space before a break is
        // not content anywhere a separator is accepted (never inside a scalar).
        // A lone CR becomes `\n`: granit-parser does not always end a line at it.
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\u{85}' => out.push_str("\r\n"),
                '\u{2028}' | '\u{2029}' => out.push_str(" \r\n"),
                '\r' if chars.peek() != Some(&'\n') => out.push('\n'),
                c => out.push(c),
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    };
    Ok(Prepared {
        text,
        separators,
        tabs,
    })
}

/// PyYAML's scan_directive_name: the `%` lines that open a stream are named with ASCII
/// letters, digits, `-` and `_`, then a space or the end of the line.
fn check_directives(text: &str) -> Result<(), LoadError> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim().is_empty() || body.starts_with('#') {
            at += line.len();
            continue;
        }
        let Some(rest) = body.strip_prefix('%') else {
            return Ok(());
        };
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
            .count();
        let next = rest[name_len..].chars().next();
        if name_len == 0 || !matches!(next, None | Some(' ')) {
            return Err(LoadError {
                kind: LoadErrorKind::Syntax,
                message: "a directive name may hold only ASCII letters, digits, `-` and `_`".into(),
                span: Span::new(at, at + body.len()),
            });
        }
        at += line.len();
    }
    Ok(())
}

fn offset(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The first of `points` (sorted) that no span of `allowed` (sorted by start) covers.
pub fn first_uncovered(points: &[u32], allowed: &[Span]) -> Option<u32> {
    let mut j = 0;
    for &p in points {
        while j < allowed.len() && allowed[j].end <= p {
            j += 1;
        }
        let covered = allowed[j..]
            .iter()
            .take_while(|s| s.start <= p)
            .any(|s| s.start <= p && p < s.end);
        if !covered {
            return Some(p);
        }
    }
    None
}

/// The first of `points` (sorted) inside any of `spans` (sorted by start).
pub fn first_covered(points: &[u32], spans: &[Span]) -> Option<u32> {
    let mut j = 0;
    for &p in points {
        while j < spans.len() && spans[j].end <= p {
            j += 1;
        }
        if spans[j..]
            .iter()
            .take_while(|s| s.start <= p)
            .any(|s| p < s.end)
        {
            return Some(p);
        }
    }
    None
}

/// The lines of `text` as PyYAML's reader ends them: at `\r\n`, `\r`, `\n`, NEL (U+0085),
/// LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029). Each item is the line's
/// offset, its text without the break, and its length with the break.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str, usize)> + '_ {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let rest = &text[at..];
        let (end, brk) = rest
            .char_indices()
            .find_map(|(i, c)| match c {
                '\r' if rest[i + 1..].starts_with('\n') => Some((i, 2)),
                '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some((i, c.len_utf8())),
                _ => None,
            })
            .unwrap_or((rest.len(), 0));
        let start = at;
        at += end + brk;
        Some((start, &rest[..end], end + brk))
    })
}

/// YAML's white space inside a line: spaces and tabs only (NBSP and other Unicode
/// spaces are content to PyYAML).
pub fn trim_white(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}
