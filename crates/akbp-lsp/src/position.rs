//! Byte offsets into a document's text and the protocol's positions: a 0-based line and a
//! character offset counted in UTF-16 code units (LSP 3.17, "Position" with the default
//! `utf-16` position encoding).
//!
//! The protocol breaks lines at `\n`, `\r\n` and `\r` only. YAML 1.1 (and so PyYAML, and
//! akbp's line numbers) also breaks them at NEL (U+0085), LINE SEPARATOR (U+2028) and
//! PARAGRAPH SEPARATOR (U+2029); for the protocol those are characters within a line, so
//! positions here never use akbp's line numbers, only byte offsets.

use lsp_types::{Position, Range};

/// Where the protocol's lines start in one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of each line's start; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The position of a byte offset of `text` (the text this index was built from). An
    /// offset past the end is the end; one inside a character or a `\r\n` is taken back
    /// to that character's start.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len);
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character: u32::try_from(character).unwrap_or(u32::MAX),
        }
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range {
            start: self.position(text, start),
            end: self.position(text, end.max(start)),
        }
    }

    /// The byte offset of a position. A character past the line's end is the line's end
    /// (as the protocol asks), a line past the last is the text's end, and a character
    /// inside a surrogate pair is the pair's character.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.len;
        };
        let end = self.content_end(text, line);
        let mut units = 0usize;
        for (at, c) in text[start..end].char_indices() {
            let next = units + c.len_utf16();
            if next > position.character as usize {
                return start + at;
            }
            units = next;
        }
        end
    }

    /// Where line `line`'s content ends: before its line break.
    fn content_end(&self, text: &str, line: usize) -> usize {
        let Some(&next) = self.starts.get(line + 1) else {
            return self.len;
        };
        let bytes = text.as_bytes();
        if next >= 2 && bytes[next - 2] == b'\r' && bytes[next - 1] == b'\n' {
            next - 2
        } else {
            next - 1
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn lines_break_at_the_protocols_three_breaks_only() {
        let text = "a\nb\r\nc\rd\u{85}e\u{2028}f\u{2029}g";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.position(text, text.find('b').unwrap()), pos(1, 0));
        assert_eq!(index.position(text, text.find('c').unwrap()), pos(2, 0));
        // NEL, LS and PS are one UTF-16 unit each, within line 3.
        assert_eq!(index.position(text, text.find('e').unwrap()), pos(3, 2));
        assert_eq!(index.position(text, text.find('g').unwrap()), pos(3, 6));
        assert_eq!(index.offset(text, pos(3, 6)), text.find('g').unwrap());
    }

    #[test]
    fn characters_count_utf16_code_units() {
        // é: 2 bytes, 1 unit; 🚀: 4 bytes, 2 units; 漢: 3 bytes, 1 unit.
        let text = "é🚀漢x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, text.find('x').unwrap()), pos(0, 4));
        assert_eq!(index.position(text, text.find('漢').unwrap()), pos(0, 3));
        assert_eq!(index.offset(text, pos(0, 3)), text.find('漢').unwrap());
        // Inside the surrogate pair: the rocket's start.
        assert_eq!(index.offset(text, pos(0, 2)), text.find('🚀').unwrap());
        // Inside a UTF-8 sequence: back to the character's start.
        assert_eq!(index.position(text, 1), pos(0, 0));
    }

    #[test]
    fn past_the_end_clamps() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 99)), 2);
        assert_eq!(index.offset(text, pos(9, 0)), text.len());
        assert_eq!(index.position(text, 99), pos(1, 2));
        // The middle of `\r\n` is the end of the line.
        assert_eq!(index.position(text, 3), pos(0, 3));
    }
}
