//! The one masking step: no literal secret reaches any output format. A report is masked
//! when it is built (`check::check_source`, `check::failed_file`), so
//! every renderer, present and future, only ever sees masked text. Which keys hold
//! secrets is data (`schemas/secrets.json`, see [`crate::model::secrets`]).
//!
//! Masked: the value of every secret key (any case, any tag, scalars inside mappings and
//! lists; the variable name of `!Env`/`!Context` and `!KeyOf`/`!Find` references stay),
//! every other occurrence of such a value of 3 or more characters in the source and in
//! messages, labels and help (but authentik's own words, see [`is_vocabulary`]), and,
//! when the file cannot be parsed, the rest of the line (and its more-indented
//! continuation lines) after any key that says secret ([`Secrets::of_text`]).

use crate::blueprint::{Blueprint, SpanIndex};
use crate::check::finding::Finding;
use crate::load::{Document, Node, NodeKind, SourceFile, Span};
use crate::model::knowledge;
use crate::model::secrets::secret_fields;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Shown instead of a secret in messages.
pub const MASK: &str = "***";

/// Values shorter than this are masked only where they stand, not wherever they occur.
const MIN_OCCURRENCE_CHARS: usize = 3;

/// The secrets of one file: where they stand and what they say.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub spans: Vec<Span>,
    pub values: Vec<String>,
}

impl Secrets {
    /// Secrets in a parsed document: per entry model, then any secret key anywhere.
    pub fn of_document(doc: &Document) -> Self {
        let fields = secret_fields();
        let mut s = Secrets::default();
        for entry in Blueprint::entries_of(doc) {
            let model = entry.model_key();
            for section in [entry.attrs(), entry.identifiers()].into_iter().flatten() {
                for p in section.as_map().unwrap_or_default() {
                    if p.key
                        .scalar_text()
                        .is_some_and(|k| fields.is_secret(model, k))
                    {
                        s.add_value(&p.value);
                    }
                }
            }
        }
        doc.root.walk(&mut |n| {
            for p in n.as_map().unwrap_or_default() {
                if p.key
                    .scalar_text()
                    .is_some_and(|k| fields.is_secret(None, k))
                {
                    s.add_value(&p.value);
                }
            }
        });
        s
    }

    /// Whether a value holds a literal secret: anything but tags that read it from
    /// elsewhere (`!Env NAME`, `!Context`, `!KeyOf`, `!Find`) with no literal default.
    pub fn is_literal(node: &Node) -> bool {
        let mut s = Secrets::default();
        s.add_value(node);
        !s.spans.is_empty()
    }

    /// Secrets in text the loader could not read to the end, where it cannot say which
    /// key a value belongs to: after any key that says secret ([`says_secret`], in any
    /// spelling, quoted or escaped, or as an explicit `? key`), the rest of the line and
    /// every following line indented deeper than the key's line. In a Kubernetes Secret
    /// every `data`/`stringData` value is one, and what a base64 value decodes to is
    /// masked wherever it occurs.
    pub fn of_text(text: &str) -> Self {
        let secret_object = is_kubernetes_secret(text);
        let said =
            |key: &str| says_secret(key) || (secret_object && matches!(key, "data" | "stringData"));
        let mut s = Secrets::default();
        let lines = line_ranges(text);
        let mut i = 0;
        while i < lines.len() {
            let (start, end) = lines[i];
            let line = &text[start..end];
            let indent = indentation(line);
            let explicit = explicit_key(line).is_some_and(|k| said(&k));
            let after = if explicit {
                Some(line.len())
            } else {
                keys_on_line(line)
                    .find(|(key, _)| said(key))
                    .map(|(_, at)| at)
            };
            let Some(after) = after else {
                i += 1;
                continue;
            };
            s.add_text(text, Span::new(start + after, end));
            i += 1;
            while i < lines.len() {
                let (a, b) = lines[i];
                let l = &text[a..b];
                let value_line = explicit && l.trim_start().starts_with(':');
                if !l.trim().is_empty() && indentation(l) <= indent && !value_line {
                    break;
                }
                s.add_text(text, Span::new(a, b));
                i += 1;
            }
        }
        if secret_object {
            // Each value of a `key: value` line or flow mapping, as written and decoded.
            let values: Vec<String> = s.values.iter().flat_map(|v| pair_values(v)).collect();
            let decoded: Vec<String> = values.iter().flat_map(|v| decoded_words(v)).collect();
            s.values.extend(values);
            s.values.extend(decoded);
        }
        s
    }

    /// Add another tree's secrets, its spans moved by `map` (to the outer file's positions).
    pub fn extend(&mut self, other: Secrets, map: impl Fn(Span) -> Span) {
        self.spans.extend(other.spans.into_iter().map(map));
        self.values.extend(other.values);
    }

    /// Values decoded or given from outside the file (a Kubernetes Secret's data, an env
    /// file): masked wherever they occur.
    pub fn add_known(&mut self, value: &str) {
        if !value.is_empty() {
            self.values.push(value.to_string());
        }
    }

    fn add_text(&mut self, text: &str, span: Span) {
        let v = text[span.range()].trim();
        let v = v.trim_matches(|c| c == '"' || c == '\'').trim();
        if !v.is_empty() {
            self.spans.push(span);
            self.values.push(v.to_string());
        }
    }

    /// Every scalar of a secret value, except the names tags refer to.
    fn add_value(&mut self, node: &Node) {
        let tag = node.custom_tag().and_then(|t| t.local_name());
        match (tag, &node.kind) {
            (Some("KeyOf" | "Find"), _) => {}
            (Some("Env" | "Context"), NodeKind::Scalar(_)) => {}
            (Some("Env" | "Context"), NodeKind::Seq(items)) => {
                for item in items.iter().skip(1) {
                    self.add_value(item);
                }
            }
            (_, NodeKind::Scalar(sc)) => {
                if !sc.text.is_empty() {
                    self.spans.push(node.span);
                    self.values.push(sc.text.to_string());
                }
            }
            (_, NodeKind::Seq(items)) => {
                for item in items {
                    self.add_value(item);
                }
            }
            (_, NodeKind::Map(pairs)) => {
                for p in pairs {
                    self.add_value(&p.key);
                    self.add_value(&p.value);
                }
            }
        }
    }

    /// The forms a value can take in output: as written, and escaped as Rust's `{:?}`
    /// and JSON would escape it inside quotes.
    fn needles(&self) -> Needles {
        // Repeated forms are harmless to the automaton; most values are written the same
        // in all three forms, so only a form that differs is added.
        let mut out: Vec<String> = Vec::new();
        for v in &self.values {
            if v.chars().count() < MIN_OCCURRENCE_CHARS || is_vocabulary(v) {
                continue;
            }
            let debug = unquote(&format!("{v:?}"));
            let json = unquote(&serde_json::to_string(v).unwrap_or_default());
            if !json.is_empty() && json != *v && json != debug {
                out.push(json);
            }
            if !debug.is_empty() && debug != *v {
                out.push(debug);
            }
            out.push(v.clone());
        }
        Needles::new(out)
    }

    /// Mask a report: its source text (byte for byte, keeping line breaks so every
    /// position stays valid) and every message, label and help text of its findings.
    pub fn mask(&self, source: &mut Option<SourceFile>, findings: &mut [Finding]) {
        let needles = self.needles();
        if self.spans.is_empty() && needles.is_empty() {
            return;
        }
        if let Some(text) = source.as_ref() {
            *source = Some(mask_source(text, &self.spans, &needles));
        }
        let text = |s: &mut String| needles.mask(s);
        let spans = SpanIndex::new(self.spans.iter().copied());
        for f in findings {
            text(&mut f.message);
            if let Some(h) = &mut f.help {
                text(h);
            }
            if let Some(l) = &mut f.label {
                text(l);
            }
            for l in &mut f.labels {
                text(&mut l.text);
            }
            // A fix must write the real value, so it is kept whole and marked: no report
            // shows the edits of a fix that touches or carries a secret.
            if let Some(fix) = &mut f.fix {
                text(&mut fix.title);
                let touches = fix
                    .edits
                    .iter()
                    .any(|e| needles.occur_in(&e.text) || spans.overlaps(e.span));
                fix.hidden |= touches;
            }
        }
    }
}

/// Every form of a file's secret values, found in one pass over a text however many
/// there are. Before, each value was searched for on its own: a 1 MiB file of 10,000
/// passwords took 3.3 s, and 10 MiB would have taken hours.
pub struct Needles {
    finder: Option<AhoCorasick>,
    /// The forms could not be compiled into one automaton (far past any real file):
    /// every text counts as covered.
    unsearchable: bool,
}

impl Needles {
    pub fn new(forms: Vec<String>) -> Self {
        if forms.is_empty() {
            return Needles {
                finder: None,
                unsearchable: false,
            };
        }
        let finder = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&forms)
            .ok();
        Needles {
            unsearchable: finder.is_none(),
            finder,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.finder.is_none() && !self.unsearchable
    }

    /// Whether some form occurs in `text`.
    pub fn occur_in(&self, text: &str) -> bool {
        self.unsearchable || self.finder.as_ref().is_some_and(|f| f.is_match(text))
    }

    /// The byte ranges of `text` that some form covers (every occurrence, overlapping
    /// ones too), merged and in order. A text made so that many forms end at each byte
    /// (runs of one character) would report more occurrences than the text has bytes:
    /// past 4 per byte, the rest of the text from the last occurrence counts as covered.
    /// Masking more is safe; masking less is not.
    pub fn covered(&self, text: &str) -> Vec<(usize, usize)> {
        let Some(finder) = &self.finder else {
            return match self.unsearchable && !text.is_empty() {
                true => vec![(0, text.len())],
                false => Vec::new(),
            };
        };
        let budget = 4 * text.len() + 1024;
        let mut out: Vec<(usize, usize)> = Vec::new();
        // Occurrences come in order of their ends; a later one may start earlier.
        for (n, m) in finder.find_overlapping_iter(text).enumerate() {
            let (mut start, end) = if n >= budget {
                (m.start(), text.len())
            } else {
                (m.start(), m.end())
            };
            let mut end = end;
            while let Some(&(s, e)) = out.last() {
                if e < start {
                    break;
                }
                start = start.min(s);
                end = end.max(e);
                out.pop();
            }
            out.push((start, end));
            if n >= budget {
                break;
            }
        }
        out
    }

    /// `s` with each run of covered text replaced by [`MASK`].
    pub fn mask(&self, s: &mut String) {
        let covered = self.covered(s);
        if covered.is_empty() {
            return;
        }
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for (start, end) in covered {
            out.push_str(&s[at..start]);
            out.push_str(MASK);
            at = end;
        }
        out.push_str(&s[at..]);
        *s = out;
    }
}

/// authentik's own words: model names, field names, and the names and slugs of the
/// objects every install has. A value that is one of them is masked where it stands, but
/// never replaced elsewhere (a message naming `authentik_core.user` or the
/// `default-authentication-flow` keeps it).
fn is_vocabulary(value: &str) -> bool {
    static WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
        let k = knowledge();
        let mut words = HashSet::new();
        for name in k.all_model_names() {
            words.insert(name.to_string());
            if let Some(fields) = k.model_history(name).and_then(|m| m.fields()) {
                words.extend(fields.keys().cloned());
            }
        }
        for target in k.releases() {
            for object in k.default_objects(*target) {
                words.extend(object.lookups.values().cloned());
            }
        }
        words
    });
    WORDS.contains(value)
}

fn unquote(s: &str) -> String {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
        .to_string()
}

/// PyYAML's line breaks: LF, CR, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// (start, end) byte ranges of each line, without its break.
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_break(c) {
            out.push((start, i));
            start = i + c.len_utf8();
        }
    }
    out.push((start, text.len()));
    out
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t', '-']).len()
}

/// Whether a key's name says it holds a secret, in any case and spelling
/// (`client_secret`, `ClientSecret`, `api-key`, `PASSWORD`): for text the loader could
/// not read, where no model says which fields are secrets. The curated look-alikes of
/// `schemas/secrets.json` (`signing_key`, `token_validity`) are not.
pub fn says_secret(key: &str) -> bool {
    const WORDS: [&str; 6] = ["secret", "password", "passwd", "token", "key", "credential"];
    let fields = secret_fields();
    if fields.not_secret_reason(key).is_some() {
        return false;
    }
    let folded: String = key
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    WORDS.iter().any(|w| folded.contains(w)) || fields.is_secret_somewhere(key)
}

/// Whether text that could not be parsed is a Kubernetes Secret (`kind: Secret`, maybe
/// quoted, on a line of its own).
fn is_kubernetes_secret(text: &str) -> bool {
    line_ranges(text).into_iter().any(|(a, b)| {
        keys_on_line(&text[a..b]).any(|(key, at)| {
            key == "kind"
                && text[a + at..b]
                    .split('#')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    == "Secret"
        })
    })
}

/// The key of an explicit `? key` line, as PyYAML reads it.
fn explicit_key(line: &str) -> Option<String> {
    let rest = line
        .trim_start_matches([' ', '\t', '-'])
        .strip_prefix('?')?;
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.split(" #").next().unwrap_or_default().trim();
    let rest = strip_tag(rest);
    Some(key_text(rest))
}

/// `!!str key` -> `key`: a tag before a key leaves its text.
fn strip_tag(s: &str) -> &str {
    match s.strip_prefix('!') {
        Some(_) => s
            .split_once([' ', '\t'])
            .map_or("", |(_, k)| k.trim_start()),
        None => s,
    }
}

/// A key token as PyYAML reads it: quotes removed, double-quoted escapes decoded.
fn key_text(token: &str) -> String {
    if let Some(inner) = token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return unescape_double(inner);
    }
    if let Some(inner) = token.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    token.to_string()
}

/// The escapes of a double-quoted YAML scalar that spell letters (`\x5f`, `\u0073`).
fn unescape_double(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let digits = match chars.next() {
            Some('x') => 2,
            Some('u') => 4,
            Some('U') => 8,
            Some(other) => {
                out.push(other);
                continue;
            }
            None => break,
        };
        let hex: String = chars.by_ref().take(digits).collect();
        if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
            out.push(ch);
        }
    }
    out
}

/// Every `key:` on a line, block or flow, with the offset just past its colon: a colon
/// followed by a space, the end of the line or a flow indicator, after a plain,
/// quoted or tagged key.
fn keys_on_line(line: &str) -> impl Iterator<Item = (String, usize)> + '_ {
    let bytes = line.as_bytes();
    bytes.iter().enumerate().filter_map(move |(i, b)| {
        if *b != b':' {
            return None;
        }
        let next = bytes.get(i + 1).copied();
        let before = line[..i].trim_end_matches([' ', '\t']);
        let quoted = before.ends_with(['"', '\'']);
        if !quoted && !matches!(next, None | Some(b' ' | b'\t' | b',' | b'}' | b']')) {
            return None;
        }
        let token = if quoted {
            let q = before.chars().next_back()?;
            let body = &before[..before.len() - 1];
            let open = body.rfind(q)?;
            &before[open..]
        } else {
            let open = before
                .rfind([' ', '\t', '{', '[', ','])
                .map_or(0, |p| p + 1);
            &before[open..]
        };
        let token = token.trim_start_matches('?').trim();
        Some((key_text(token), i + 1))
    })
}

/// The values of `key: value` pairs in masked text (`admin: c2VjcmV0`, `{a: x, b: y}`),
/// unquoted.
fn pair_values(text: &str) -> Vec<String> {
    text.split([',', '{', '}', '[', ']'])
        .map(|piece| piece.split_once(": ").map_or(piece, |(_, v)| v))
        .map(|v| {
            v.trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .trim()
                .to_string()
        })
        .filter(|v| v.chars().count() >= MIN_OCCURRENCE_CHARS)
        .collect()
}

/// What the base64 words of a Secret's value decode to, when text: Kubernetes mounts
/// the decoded bytes, so those are the secret, not their spelling.
fn decoded_words(value: &str) -> Vec<String> {
    value
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
        .filter(|w| w.len() >= 4)
        .filter_map(crate::wrapper::decode_base64)
        .filter_map(|b| String::from_utf8(b).ok())
        .map(|t| t.trim().to_string())
        .filter(|t| t.chars().count() >= MIN_OCCURRENCE_CHARS)
        .collect()
}

/// A copy of `source` with every span and every occurrence of a needle replaced by `*`
/// (one per byte, so offsets hold), line breaks kept.
pub fn mask_source(source: &SourceFile, spans: &[Span], needles: &Needles) -> SourceFile {
    let text = &source.text;
    let mut masked = vec![false; text.len()];
    for s in spans {
        let s = source.clamp_span(*s);
        masked[s.range()].iter_mut().for_each(|m| *m = true);
    }
    for (start, end) in needles.covered(text) {
        masked[start..end].iter_mut().for_each(|m| *m = true);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if masked[i] && !is_break(c) {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    SourceFile::new(source.name.clone(), out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every byte some form covers, each form searched for alone at every position.
    fn naive(forms: &[String], text: &str) -> Vec<bool> {
        let mut covered = vec![false; text.len()];
        for f in forms {
            for (at, _) in text.char_indices() {
                if text[at..].starts_with(f.as_str()) {
                    covered[at..at + f.len()].iter_mut().for_each(|c| *c = true);
                }
            }
        }
        covered
    }

    fn bytes(ranges: &[(usize, usize)], len: usize) -> Vec<bool> {
        let mut covered = vec![false; len];
        for &(s, e) in ranges {
            covered[s..e].iter_mut().for_each(|c| *c = true);
        }
        covered
    }

    proptest! {
        /// One pass finds every byte that searching for each form alone finds, with
        /// overlapping, nested and repeated forms over a small alphabet (where they
        /// overlap most), and its ranges are merged, in order and apart.
        #[test]
        fn one_pass_covers_what_each_search_covers(
            forms in prop::collection::vec("[abé]{1,5}", 1..8),
            text in "[abé ]{0,60}",
        ) {
            let needles = Needles::new(forms.clone());
            let ranges = needles.covered(&text);
            prop_assert_eq!(bytes(&ranges, text.len()), naive(&forms, &text));
            for w in ranges.windows(2) {
                prop_assert!(w[0].1 < w[1].0, "{:?}", ranges);
            }
            let mut masked = text.clone();
            needles.mask(&mut masked);
            // Nothing of a form survives the mask, and text outside the ranges stays.
            for f in &forms {
                prop_assert!(!masked.contains(f.as_str()) || MASK.contains(f.as_str()), "{masked:?} holds {f:?}");
            }
            prop_assert_eq!(needles.occur_in(&text), !ranges.is_empty());
        }

        /// The overlap test of a fix's edits against the secret spans answers as the pass
        /// over every span did.
        #[test]
        fn span_overlap_answers_as_the_pass_over_every_span(
            spans in prop::collection::vec((0u32..50, 0u32..10), 0..12),
            edit in (0u32..60, 0u32..10),
        ) {
            let spans: Vec<Span> = spans
                .iter()
                .map(|&(s, l)| Span::new(s as usize, (s + l) as usize))
                .collect();
            let e = Span::new(edit.0 as usize, (edit.0 + edit.1) as usize);
            let naive = spans.iter().any(|s| e.start < s.end && s.start < e.end);
            prop_assert_eq!(SpanIndex::new(spans.iter().copied()).overlaps(e), naive);
        }
    }

    /// Thousands of forms ending at every byte (runs of one letter) stop at the budget
    /// and cover the rest of the text rather than report billions of occurrences.
    #[test]
    fn forms_that_end_at_every_byte_cover_the_rest_of_the_text() {
        let forms: Vec<String> = (3..400).map(|n| "a".repeat(n)).collect();
        let text = format!("x{}", "a".repeat(100_000));
        let ranges = Needles::new(forms).covered(&text);
        assert_eq!(ranges, vec![(1, text.len())]);
    }
}
