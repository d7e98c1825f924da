//! The loader on arbitrary bytes: decode (size, NUL, UTF-8 guards) then parse.
//! It must return a document or a typed error, never panic, and every node span
//! must lie inside the text.
#![no_main]

use akbp::load::{self, Node, NodeKind};
use libfuzzer_sys::fuzz_target;

fn check_spans(node: &Node, len: usize) {
    assert!(
        node.span.start <= node.span.end,
        "inverted span {:?}",
        node.span
    );
    assert!(
        node.span.end as usize <= len,
        "span {:?} past {len}",
        node.span
    );
    if let Some(tag) = &node.tag {
        assert!(
            tag.span.end as usize <= len,
            "tag span {:?} past {len}",
            tag.span
        );
    }
    match &node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => items.iter().for_each(|n| check_spans(n, len)),
        NodeKind::Map(pairs) => pairs.iter().for_each(|p| {
            check_spans(&p.key, len);
            check_spans(&p.value, len);
        }),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = load::decode("fuzz.yaml", data.to_vec()) else {
        return;
    };
    let len = source.text.len();
    match load::parse(source) {
        Ok(doc) => check_spans(&doc.root, len),
        Err(e) => assert!(e.span.end as usize <= len, "error span past the end"),
    }
});
