//! The one escaping step of each output format. Text that comes from outside akbp (a
//! file's content, its name, a key, a value, a tag, an `akbp.toml` key or value, an
//! `--env` value) reaches output only through one of these functions, so it can never
//! start an output line nor be read as a command by whatever reads the output:
//!
//! - a terminal: control characters (C0 but tab, DEL, C1), and the bidirectional
//!   overrides that reorder what is shown, are written as `\u{..}`;
//! - a log split into lines: every YAML 1.1 and Unicode line break (LF, CR, VT, FF, NEL,
//!   LINE SEPARATOR, PARAGRAPH SEPARATOR) is escaped, or, where a format keeps akbp's own
//!   line structure (the human report's message and help, standard error), each line it
//!   starts is prefixed with akbp's `│` glyph by the renderer;
//! - a CI runner: GitHub's runner reads `::name ...::data` at the start of a line (after
//!   leading spaces) and the older `##[name ...]data` anywhere in a line (actions/runner,
//!   `ActionCommand.TryParseV2` and `TryParse`); Azure Pipelines reads `##vso[...]`. The
//!   second `#` of any `##` that opens such a bracket is escaped in every format, and a
//!   file name at the start of a line never holds a `:`, so the line's first field ends
//!   where akbp's `:line:column:` begins.
//!
//! Which function each format uses, and what "akbp's own text" at the start of a line
//! means for it, is in docs/formats/index.md ("Text from files"); `tests/forged_output.rs`
//! feeds arbitrary strings through every position and format.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Every character a YAML 1.1 reader, a terminal or a Unicode-aware log viewer breaks a
/// line at.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Whether a character must not reach a terminal or a log as is: controls (C0 but tab,
/// DEL, C1, which includes NEL), the line and paragraph separators, and the marks that
/// reorder text (bidirectional embeddings, overrides, isolates, LRM/RLM/ALM).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{61c}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Byte offsets of the second `#` of every `##` that opens a runner command: `##[`,
/// `##vso[`, `##teamcity[` (ASCII letters between the `##` and the `[`).
pub fn command_marks(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'#' && b[i + 1] == b'#' {
            let mut j = i + 2;
            while j < b.len() && b[j].is_ascii_alphabetic() {
                j += 1;
            }
            if j < b.len() && b[j] == b'[' {
                out.push(i + 1);
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// How [`text`] treats a line feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Escaped like every other break: the text stays on one line.
    One,
    /// Kept: the renderer prefixes every line it starts (human message and help).
    Kept,
}

/// Untrusted text for a text format (human, concise, standard error): every unsafe
/// character as `\u{..}`, line feeds per `lines`, runner command brackets broken.
pub fn text(s: &str, lines: Lines) -> Cow<'_, str> {
    let marks = if s.contains("##") {
        command_marks(s)
    } else {
        Vec::new()
    };
    let keep = |c: char| lines == Lines::Kept && c == '\n';
    if marks.is_empty() && !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        if (is_unsafe(c) && !keep(c)) || marks.binary_search(&i).is_ok() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A file name for a text format, where it opens a line (`NAME:LINE:COLUMN: ...`): one
/// line; `:` escaped too (but for a Windows drive, `C:\`), so the name ends at the first
/// `:` and can neither start a GitHub `::command` nor pass for another file's location;
/// and a first character that is a space or one of the human report's [`FRAME`] glyphs
/// escaped, so a line that starts with a name is never taken for a frame line.
pub fn name(s: &str) -> Cow<'_, str> {
    let t = text(s, Lines::One);
    let drive = drive_prefix(&t);
    let lead = t
        .chars()
        .next()
        .filter(|c| c.is_whitespace() || FRAME.contains(c));
    if lead.is_none() && !t[drive..].contains(':') {
        return t;
    }
    let mut out = String::with_capacity(t.len() + 8);
    let mut rest = &t[..];
    if let Some(c) = lead {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
        rest = &t[c.len_utf8()..];
    } else {
        out.push_str(&t[..drive]);
        rest = &rest[drive..];
    }
    out.push_str(&rest.replace(':', "\\u{3a}"));
    Cow::Owned(out)
}

/// The glyphs the human report's frame (miette's unicode theme) starts its lines with.
pub const FRAME: &[char] = &[
    '×', '⚠', '☞', '│', '╭', '╰', '·', '├', '┬', '┴', '─', '╮', '╯', '┤', '┼', '▶', '‽',
];

/// Length of a Windows drive prefix (`C:\`, `C:/`): kept as is in names.
fn drive_prefix(s: &str) -> usize {
    let b = s.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/') {
        2
    } else {
        0
    }
}

/// Lines after the first of an akbp text that may hold several (a human message or help,
/// an error on standard error) each start with `prefix`, so none starts with text from a
/// file. The text must have been through [`text`] with [`Lines::Kept`].
pub fn prefix_lines(s: &str, first: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(s.len() + first.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i == 0 {
            out.push_str(first);
        } else {
            out.push('\n');
            out.push_str(if line.is_empty() {
                prefix.trim_end()
            } else {
                prefix
            });
        }
        out.push_str(line);
    }
    out
}

/// GitHub's escape for every command text (`toolkit/packages/core/src/command.ts`): `%`
/// first, so no escape is forged, then CR and LF; in property values (`file=`, `title=`)
/// also `:` and `,`. Every other unsafe character is written as `\u{..}` and runner
/// brackets are broken, as in the text formats.
fn github(s: &str, property: bool) -> String {
    let marks = command_marks(s);
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_unsafe(c) || marks.binary_search(&i).is_ok() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A workflow command's data (the message after `::`).
pub fn github_data(s: &str) -> String {
    github(s, false)
}

/// A workflow command's property value (`file=…`, `title=…`).
pub fn github_property(s: &str) -> String {
    github(s, true)
}

/// Serialize for a JSON format (JSON, SARIF, GitLab), pretty-printed. serde escapes `"`,
/// `\` and C0 controls; this also writes DEL, C1 (NEL among them), the line and
/// paragraph separators and the reordering marks as `\uXXXX`, and breaks runner brackets
/// (`##\u005b`... as `#\u0023[`). Outside strings akbp's JSON holds none of these, so the
/// value read back is unchanged.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    json_text(s)
}

/// [`json`] for text serde already wrote.
pub fn json_text(s: String) -> String {
    let marks = if s.contains("##") {
        command_marks(&s)
    } else {
        Vec::new()
    };
    // serde has escaped every C0 control inside strings; raw ones are its own layout.
    let raw = |c: char| is_unsafe(c) && (!c.is_ascii_control() || c == '\u{7f}');
    if marks.is_empty() && !s.chars().any(raw) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        if raw(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else if marks.binary_search(&i).is_ok() {
            out.push_str("\\u0023");
        } else {
            out.push(c);
        }
    }
    out
}

/// A message for standard error: akbp's `lead` (`error: `, `note: `, `wrote `), then the
/// text, every line after the first prefixed with `  │ `, nothing unsafe raw. Ends with a
/// line feed.
pub fn stderr(lead: &str, message: &str) -> String {
    let t = text(message, Lines::Kept);
    let mut s = prefix_lines(&t, lead, "  │ ");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_every_break_and_runner_bracket() {
        assert_eq!(text("a\r\nb", Lines::One), "a\\u{d}\\u{a}b");
        assert_eq!(text("a\r\nb", Lines::Kept), "a\\u{d}\nb");
        for c in [
            '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}', '\u{1b}', '\u{9b}',
        ] {
            assert!(!text(&format!("x{c}y"), Lines::Kept).contains(c), "{c:?}");
        }
        assert_eq!(text("x ##[error]y", Lines::One), "x #\\u{23}[error]y");
        assert_eq!(text("##vso[task]", Lines::One), "#\\u{23}vso[task]");
        assert_eq!(text("## heading #[x]", Lines::One), "## heading #[x]");
        assert_eq!(text("a\tb", Lines::One), "a\tb");
    }

    #[test]
    fn names_hold_no_colon_but_a_drive() {
        assert_eq!(
            name("::error::x.yaml"),
            "\\u{3a}\\u{3a}error\\u{3a}\\u{3a}x.yaml"
        );
        assert_eq!(name("C:\\bp\\a.yaml"), "C:\\bp\\a.yaml");
        assert_eq!(name("C:\\a:1:1.yaml"), "C:\\a\\u{3a}1\\u{3a}1.yaml");
        assert_eq!(name("a\nb"), "a\\u{a}b");
        assert_eq!(name(" × x"), "\\u{20}× x");
        assert_eq!(name("│:"), "\\u{2502}\\u{3a}");
    }

    #[test]
    fn github_escapes_as_the_runner_unescapes() {
        assert_eq!(
            github_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(
            github_property("dir:a,b/100%.yaml\n"),
            "dir%3Aa%2Cb/100%25.yaml%0A"
        );
        // `%` first, so an escape is never escaped twice or forged by the input.
        assert_eq!(github_property("%3A"), "%253A");
        assert_eq!(github_data("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(github_data("a\u{2028}b"), "a\\u{2028}b");
    }

    #[test]
    fn json_reads_back_the_same_value() {
        let v = "a\u{85}b\u{2028}c\u{7f}d\u{202e}e ##[error]f \u{1F600}";
        let out = json(&serde_json::json!({ "m": v }));
        for c in ['\u{85}', '\u{2028}', '\u{7f}', '\u{202e}'] {
            assert!(!out.contains(c), "{out}");
        }
        assert!(!out.contains("##["), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["m"], v);
    }

    #[test]
    fn stderr_prefixes_every_line_it_starts() {
        assert_eq!(
            stderr("error: ", "bad\n::error::x\r\n"),
            "error: bad\n  │ ::error::x\\u{d}\n  │\n"
        );
    }
}
