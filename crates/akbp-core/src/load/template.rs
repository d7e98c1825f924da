//! Whether a syntax error is explained by template syntax (`{{ ... }}`, `{% ... %}`) at
//! the place of the error. A file is taken for a template only then: `{{` in a comment,
//! in a quoted string or lines away from the error explains nothing, and the error
//! stands (in doubt, an error, not a skip).

use granit_parser::{Event, Options, Parser, ScalarStyle};

use super::error::{LoadError, LoadErrorKind};
use super::reader::{lines, prepare};
use super::source::{SourceFile, Span};

/// What opens template syntax: Go templates (Helm) and Jinja (Ansible, Salt).
const OPENERS: [&str; 2] = ["{{", "{%"];

/// How many lines below a template expression its error may surface: the parser reads
/// `{{ x }}` as a flow mapping and may refuse it only at the next token.
const LINES_AFTER: usize = 1;

/// The template expression that explains `error`, when one does.
pub fn template_at(source: &SourceFile, error: &LoadError) -> Option<Span> {
    if error.kind != LoadErrorKind::Syntax {
        return None;
    }
    let text = &*source.text;
    if !OPENERS.iter().any(|o| text.contains(o)) {
        return None;
    }
    let at = (error.span.start as usize).min(text.len());
    let error_line = source.position(at).line;
    let quiet = quiet_spans(text, at);
    // The nearest expression that starts at or before the error, outside comments and
    // quoted or block scalars, on the error's line or just above it.
    let mut best = None;
    for (line_start, line, _) in lines(text) {
        if line_start > at {
            break;
        }
        let mut from = 0;
        while let Some(i) = OPENERS
            .iter()
            .filter_map(|o| line[from..].find(o))
            .min()
            .map(|i| from + i)
        {
            from = i + 2;
            let start = line_start + i;
            if start > at || in_spans(&quiet, start) || quoted_or_comment(line, i) {
                continue;
            }
            best = Some(start);
        }
    }
    let start = best?;
    let line = source.position(start).line;
    if error_line < line || error_line - line > LINES_AFTER {
        return None;
    }
    // Up to the closer on the same line (`}}` or `%}`), else the end of the line.
    let line_end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |e| start + e);
    let closer = if text[start..].starts_with("{{") {
        "}}"
    } else {
        "%}"
    };
    let end = text[start + 2..line_end]
        .find(closer)
        .map_or(line_end, |e| start + 2 + e + 2);
    Some(Span::new(start, end.max(start + 2)))
}

/// Comments and quoted or block scalars the parser read before the error.
fn quiet_spans(text: &str, until: usize) -> Vec<Span> {
    let mut options = Options::default();
    options.emit_comments = true;
    let mut out = Vec::new();
    // The parser reads the text with PyYAML's line breaks, as `parse` hands it over.
    let prepared = prepare(text).map(|p| p.text);
    let text = prepared.as_deref().unwrap_or(text);
    for next in Parser::new_from_str_with_options(text, options) {
        let Ok((event, span)) = next else { break };
        let Some(r) = span.byte_range() else { continue };
        if r.start > until {
            break;
        }
        match event {
            Event::Comment(..) => out.push(Span::new(r.start, r.end)),
            Event::Scalar(_, style, ..) if style != ScalarStyle::Plain => {
                out.push(Span::new(r.start, r.end));
            }
            _ => {}
        }
    }
    out
}

fn in_spans(spans: &[Span], at: usize) -> bool {
    spans
        .iter()
        .any(|s| (s.start as usize) <= at && at < s.end as usize)
}

/// Whether byte `i` of one line sits inside quotes or after a comment's `#`, reading the
/// line from its start (for what the parser did not reach).
fn quoted_or_comment(line: &str, i: usize) -> bool {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    let mut chars = line.char_indices().peekable();
    while let Some((j, c)) = chars.next() {
        if j >= i {
            return quote.is_some();
        }
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => {
                // `''` inside single quotes is an escaped quote.
                if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            (None, '"' | '\'') if matches!(prev, ' ' | '\t' | ':' | '[' | '{' | ',' | '-') => {
                quote = Some(c);
            }
            (None, '#') if matches!(prev, ' ' | '\t') || j == 0 => return true,
            _ => {}
        }
        prev = c;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explains(text: &str) -> Option<String> {
        let source = SourceFile::new("t.yaml", text);
        let e = super::super::parse_stream(source.clone()).expect_err(text);
        template_at(&source, &e).map(|s| source.slice(s).to_string())
    }

    #[test]
    fn template_expressions_explain_their_errors() {
        for (text, expr) in [
            ("entries: {{ .Values.entries }}\n", "{{ .Values.entries }}"),
            (
                "{{- if .Values.enabled }}\nversion: 1\nentries: []\n{{- end }}\n",
                "{{- if .Values.enabled }}",
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"x\" . }}\ndata: {}\n",
                "{{ include \"x\" . }}",
            ),
            ("{% for x in y %}\n- a\n{% endfor %}\n", "{% for x in y %}"),
            (
                "version: 1\nentries:\n  - model: m\n    attrs:\n{{ toYaml .Values.attrs | indent 6 }}\n",
                "{{ toYaml .Values.attrs | indent 6 }}",
            ),
        ] {
            assert_eq!(explains(text).as_deref(), Some(expr), "{text:?}");
        }
    }

    #[test]
    fn braces_elsewhere_explain_nothing() {
        for text in [
            // In a comment, in a quoted string, or far from the error.
            "# {{ .Values.x }}\nentries: [\n",
            "a: \"{{ x }}\"\nb: [1, 2\n",
            "a: '{{ x }}'\n\n\n\nb: [1, 2\n",
            "a: foo-{{ x }}\n\n\nb: c: d\n",
            "a: |\n  {{ x }}\nb: [\n",
        ] {
            assert_eq!(explains(text), None, "{text:?}");
        }
    }
}
