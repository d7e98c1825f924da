//! Bytes to YAML nodes with spans and tags. No file system: callers pass the bytes in
//! ([`decode`]) and get a [`SourceFile`] to [`parse`].

pub mod canon;
pub mod decode;
pub mod error;
pub mod marker;
pub mod node;
pub mod parse;
pub mod reader;
pub mod source;
pub mod template;
pub mod yaml11;

pub use decode::{decode, MAX_FILE_BYTES};
pub use error::{LoadError, LoadErrorKind};
pub use node::{Node, NodeKind, NodeTag, Pair, ScalarNode, ScalarStyle};
pub use parse::{parse, parse_stream, Comment, Document, DuplicateKey, Stream};
pub use source::{Position, SourceFile, Span};
pub use yaml11::Scalar;

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Document, LoadError> {
        parse(SourceFile::new("t.yaml", text))
    }

    #[test]
    fn spans_and_tags() {
        let doc = load("a: !KeyOf prov\nb: [1, !Find [m, [k, v]]]\nc: 'on'\nd: on\n").unwrap();
        let a = doc.root.get("a").unwrap();
        assert_eq!(a.tag.as_ref().unwrap().name, "!KeyOf");
        assert_eq!(doc.source.slice(a.span), "!KeyOf prov");
        assert_eq!(doc.source.slice(a.tag.as_ref().unwrap().span), "!KeyOf");
        let b = doc.root.get("b").unwrap();
        assert_eq!(doc.source.slice(b.span), "[1, !Find [m, [k, v]]]");
        assert_eq!(doc.root.get("c").unwrap().as_str(), Some("on"));
        assert_eq!(
            doc.root.get("d").unwrap().scalar_value(),
            Some(Scalar::Bool(true))
        );
    }

    #[test]
    fn block_map_span_ends_at_last_value() {
        let doc = load("entries:\n  - model: x\n    id: y\n\n# trailing\n").unwrap();
        let e = &doc.root.get("entries").unwrap().as_seq().unwrap()[0];
        assert_eq!(doc.source.slice(e.span), "model: x\n    id: y");
        // Comments are read only when an `akbp:` directive may be among them.
        assert!(doc.comments.is_empty());
        let doc = load("entries:\n  - model: x\n\n# akbp: ignore[AKB200]\n").unwrap();
        assert_eq!(doc.comments.len(), 1);
    }

    #[test]
    fn guards() {
        assert_eq!(load("").unwrap_err().kind, LoadErrorKind::Empty);
        assert_eq!(load("# only\n").unwrap_err().kind, LoadErrorKind::Empty);
        assert_eq!(
            load("a: 1\n---\nb: 2\n").unwrap_err().kind,
            LoadErrorKind::MultipleDocuments
        );
        assert_eq!(load("a: [1, 2\n").unwrap_err().kind, LoadErrorKind::Syntax);
        let deep = format!("{}x{}", "[".repeat(500), "]".repeat(500));
        assert_eq!(load(&deep).unwrap_err().kind, LoadErrorKind::TooDeep);
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert_eq!(load(&bomb).unwrap_err().kind, LoadErrorKind::AliasBomb);
        assert_eq!(
            decode("b", vec![b'a', 0, b'b']).unwrap_err().kind,
            LoadErrorKind::Binary
        );
        assert_eq!(
            decode("b", vec![b'a', 0xff]).unwrap_err().kind,
            LoadErrorKind::NotUtf8
        );
    }

    /// Each class PyYAML refuses is refused at its place (AKB002), and each line break
    /// PyYAML knows ends a line for akbp too (these all passed silently before).
    #[test]
    fn pyyaml_refusals_and_line_breaks() {
        let refused = |text: &str, at: &str| {
            let e = load(text).expect_err(text);
            assert_eq!(e.kind, LoadErrorKind::Syntax, "{text:?}: {}", e.message);
            let want = text
                .find(at)
                .unwrap_or_else(|| panic!("{at:?} in {text:?}"));
            assert_eq!(e.span.start as usize, want, "{text:?}: {}", e.message);
        };
        refused("a:\t1\n", "\t");
        refused("a: 1\t\n", "\t");
        refused("-\ta\n", "\t");
        refused("? [a]\n: 1\n", "[a]");
        refused("{? {a: 1} : 1}\n", "{a");
        refused(": v\n", ":");
        refused("{: v}\n", ":");
        refused("a: &x.y 1\n", "&x.y");
        refused("a: &x 1\nb: &x 2\n", "&x 2");
        refused("a: {<<: 1}\n", "1}");
        refused("a: {<<: [1]}\n", "1]");
        refused("a: !!int abc\n", "!!int");
        refused("a: !!python/none x\n", "!!python");
        refused("a: !!KeyOf x\n", "!!KeyOf");
        refused("a: =\n", "=");
        refused("- <<\n", "<<");
        refused("a: 2024-02-30\n", "2024");
        refused("a: 0b_\n", "0b_");
        refused("a: [x? y]\n", "?");
        refused("a: \u{1}\n", "\u{1}");
        refused("%YAM>L 1.1\n---\na: 1\n", "%");
        // What PyYAML accepts stays accepted: `=` as a key, a tab in a comment or quotes.
        assert!(load("=: 1\nb: 'x\ty' #\tc\nc: |\n  \tz\n").is_ok());
        // Entries cannot hide behind a line break akbp did not know.
        for br in ["\r", "\u{85}", "\u{2028}", "\u{2029}"] {
            let text = format!("a: 1 # note{br}b: 2\n");
            let doc = load(&text).unwrap_or_else(|e| panic!("{br:?}: {}", e.message));
            assert_eq!(
                doc.root.get("b").and_then(|n| n.scalar_text()),
                Some("2"),
                "{br:?}"
            );
            let b = doc.root.get_pair("b").unwrap().key.span.start as usize;
            assert_eq!(doc.source.position(b).line, 2, "{br:?}");
        }
    }

    #[test]
    fn the_last_merge_key_wins() {
        let doc = load("a: {<<: {x: 1}, <<: {x: 2}}\nb: {<<: [{y: 1}, {y: 2}]}\n").unwrap();
        let a = doc.root.get("a").unwrap();
        assert_eq!(a.get("x").unwrap().scalar_text(), Some("2"));
        let b = doc.root.get("b").unwrap();
        assert_eq!(b.get("y").unwrap().scalar_text(), Some("1"));
    }

    #[test]
    fn duplicates_and_merges() {
        let doc = load("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  y: 4\n").unwrap();
        assert_eq!(doc.duplicate_keys.len(), 1);
        let m = doc.root.get("m").unwrap();
        assert_eq!(m.get("x").unwrap().scalar_text(), Some("1"));
        assert_eq!(m.get("y").unwrap().scalar_text(), Some("4"));
        assert_eq!(doc.merge_keys.len(), 1);
    }
}
