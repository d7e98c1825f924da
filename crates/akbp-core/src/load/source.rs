//! A loaded file's text and the line index used to turn byte offsets into
//! line/column at render time.

use std::sync::Arc;

/// A byte range into a source file. Offsets are `u32`: inputs are capped far below 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { start, end }
    }

    pub fn empty(at: usize) -> Self {
        Span::new(at, at)
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A 1-based position: line, and column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The text of one input and where its lines start. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (or `<stdin>`), used in reports.
    pub name: Arc<str>,
    pub text: Arc<str>,
    line_starts: Arc<[u32]>,
}

impl SourceFile {
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let starts = line_starts(&text);
        SourceFile {
            name: name.into(),
            text,
            line_starts: starts.into(),
        }
    }

    /// Clamp an offset into the text and onto a character boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while o > 0 && !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.clamp(offset);
        let line_idx = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx] as usize;
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: line_idx + 1,
            column,
        }
    }

    /// The 0-based line holding `offset` (no column: cheap on a line of megabytes).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = self.clamp(offset);
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The span clamped to the text and to character boundaries, so renderers can
    /// slice with it safely.
    pub fn clamp_span(&self, span: Span) -> Span {
        let s = self.clamp(span.start as usize);
        let e = self.clamp(span.end as usize).max(s);
        Span::new(s, e)
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.text.len(), |s| *s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn slice(&self, span: Span) -> &str {
        let s = self.clamp_span(span);
        &self.text[s.range()]
    }
}

/// Where lines start, with PyYAML's line breaks (reader.py and scanner.py): `\r\n`, a lone
/// `\r`, `\n`, NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029).
fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut starts = vec![0u32];
    let mut push = |at: usize| starts.push(u32::try_from(at).unwrap_or(u32::MAX));
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => push(i + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => push(i + 1),
            0xC2 if bytes.get(i + 1) == Some(&0x85) => {
                i += 1;
                push(i + 1);
            }
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                i += 2;
                push(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let f = SourceFile::new("t", "name: \"Grüße\"\nport: x\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        let x = f.text.find('x').unwrap();
        assert_eq!(f.position(x), Position { line: 2, column: 7 });
        let q = f.text.rfind('"').unwrap();
        assert_eq!(
            f.position(q),
            Position {
                line: 1,
                column: 13
            }
        );
        assert_eq!(f.position(10_000).line, 3);
    }

    #[test]
    fn lines_end_where_pyyaml_ends_them() {
        let f = SourceFile::new("t", "a\rb\r\nc\u{85}d\u{2028}e\u{2029}f\ng");
        for (ch, line) in [
            ('a', 1),
            ('b', 2),
            ('c', 3),
            ('d', 4),
            ('e', 5),
            ('f', 6),
            ('g', 7),
        ] {
            let at = f.text.find(ch).unwrap();
            assert_eq!(f.position(at), Position { line, column: 1 }, "{ch}");
        }
    }
}
