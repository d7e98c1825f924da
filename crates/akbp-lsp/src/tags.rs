//! Hover text for an authentik tag, from akbp-core's tag data (`schemas/tags.json`).

use akbp_core::model::tags::TagDoc;
use akbp_core::target::Target;

/// Markdown for hover: the forms, the meaning, and whether `target` has the tag.
pub fn markdown(name: &str, doc: &TagDoc, target: Target) -> String {
    let mut out = format!("**!{name}** — authentik tag\n\n");
    for form in &doc.forms {
        out.push_str(&format!("`{form}`  \n"));
    }
    out.push('\n');
    out.push_str(&doc.meaning);
    match doc.since {
        Some(since) if !target.at_least(since) => out.push_str(&format!(
            "\n\nSince authentik {since}: **not in {target}**, the target of this file."
        )),
        Some(since) => out.push_str(&format!("\n\nSince authentik {since}.")),
        None => {}
    }
    out
}
