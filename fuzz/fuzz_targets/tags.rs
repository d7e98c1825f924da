//! authentik's tags: the first byte picks one of the 14 tags (or an unknown one), the
//! rest is the YAML text of its argument. The document `value: !Tag <rest>` is loaded
//! and the tag parsed with `akbp::blueprint::tags::parse`, then the whole document's
//! tags are collected as the rules see them. `format_arity` also gets the raw text.
#![no_main]

use akbp::blueprint::{tags, Blueprint};
use akbp::load::{self, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(arg) = std::str::from_utf8(rest) else {
        return;
    };
    let _ = tags::format_arity(arg);
    let name = tags::KNOWN_TAGS
        .get(pick as usize % (tags::KNOWN_TAGS.len() + 1))
        .copied()
        .unwrap_or("Unknown");
    let text = format!("value: !{name} {arg}\n");
    let Ok(doc) = load::parse(SourceFile::new("fuzz.yaml", text)) else {
        return;
    };
    if let Some(node) = doc.root.get("value") {
        let _ = tags::parse(name, node);
    }
    let bp = Blueprint::new(&doc);
    let _ = tags::collect(&doc.root, &bp.entries);
});
