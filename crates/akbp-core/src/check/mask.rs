//! The one masking step: no literal secret reaches any output format. A report is masked
//! when it is built (`check::check_source`, `check::failed_file`), so
//! every renderer, present and future, only ever sees masked text. Which keys hold
//! secrets is data (`schemas/secrets.json`, see [`crate::model::secrets`]).
//!
//! Masked: the value of every secret key (any case, any tag, scalars inside mappings and
//! lists; the variable name of `!Env`/`!Context` and `!KeyOf`/`!Find` references stay),
//! every other occurrence of such a value of 3 or more characters in the source and in
//! messages, labels and help, and, when the file cannot be parsed, the rest of the line
//! (and its more-indented continuation lines) after any secret key.

use crate::blueprint::Blueprint;
use crate::check::finding::Finding;
use crate::load::{Document, Node, NodeKind, SourceFile, Span};
use crate::model::secrets::secret_fields;

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
            for section in [entry.attrs, entry.identifiers].into_iter().flatten() {
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

    /// Secrets in text that could not be parsed: after any secret key, the rest of the
    /// line and every following line indented deeper than the key's line.
    pub fn of_text(text: &str) -> Self {
        let names: Vec<String> = secret_fields().all_names().map(|n| n.to_string()).collect();
        let mut s = Secrets::default();
        let lines = line_ranges(text);
        let mut i = 0;
        while i < lines.len() {
            let (start, end) = lines[i];
            let line = &text[start..end];
            let Some(after) = secret_key_end(line, &names) else {
                i += 1;
                continue;
            };
            let indent = indentation(line);
            let pad = line[after..].len() - line[after..].trim_start().len();
            s.add_text(text, Span::new(start + after + pad, end));
            i += 1;
            while i < lines.len() {
                let (a, b) = lines[i];
                let l = &text[a..b];
                if !l.trim().is_empty() && indentation(l) <= indent {
                    break;
                }
                s.add_text(text, Span::new(a, b));
                i += 1;
            }
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
                    self.values.push(sc.text.clone());
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
    fn needles(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in &self.values {
            if v.chars().count() < MIN_OCCURRENCE_CHARS {
                continue;
            }
            let debug = format!("{v:?}");
            let json = serde_json::to_string(v).unwrap_or_default();
            for form in [v.clone(), unquote(&debug), unquote(&json)] {
                if !form.is_empty() && !out.contains(&form) {
                    out.push(form);
                }
            }
        }
        // Longest first, so a secret containing another is masked whole.
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out
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
        let text = |s: &mut String| {
            for n in &needles {
                if s.contains(n.as_str()) {
                    *s = s.replace(n.as_str(), MASK);
                }
            }
        };
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
                let touches = fix.edits.iter().any(|e| {
                    needles.iter().any(|n| e.text.contains(n.as_str()))
                        || self
                            .spans
                            .iter()
                            .any(|s| e.span.start < s.end && s.start < e.span.end)
                });
                fix.hidden |= touches;
            }
        }
    }
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

/// After `key:` for a secret key on this line (any case, quoted or not), the offset
/// just past the colon.
fn secret_key_end(line: &str, names: &[String]) -> Option<usize> {
    let lower = line.to_ascii_lowercase().replace('-', "_");
    for name in names {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(name.as_str()) {
            let at = from + pos;
            let before = lower[..at].chars().next_back();
            let boundary = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let rest = &lower[at + name.len()..];
            let rest_t = rest.trim_start_matches(['"', '\'']).trim_start();
            if boundary && rest_t.starts_with(':') {
                let colon = line.len() - rest_t.len();
                return Some(colon + 1);
            }
            from = at + name.len();
        }
    }
    None
}

/// A copy of `source` with every span and every occurrence of a needle replaced by `*`
/// (one per byte, so offsets hold), line breaks kept.
pub fn mask_source(source: &SourceFile, spans: &[Span], needles: &[String]) -> SourceFile {
    let text = &source.text;
    let mut masked = vec![false; text.len()];
    for s in spans {
        let s = source.clamp_span(*s);
        masked[s.range()].iter_mut().for_each(|m| *m = true);
    }
    for n in needles {
        for (at, _) in text.match_indices(n.as_str()) {
            masked[at..at + n.len()].iter_mut().for_each(|m| *m = true);
        }
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
