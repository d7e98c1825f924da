//! Catalog entries pinned against their guides (tests/seeds.rs, tests/oauth_entries.rs):
//! the blueprint generated for an entry's placeholder hosts, its entries, and the settings
//! `akbp show` prints for the application side.

use akbp::catalog;
use akbp::generate::show::{self, ShowFormat, ShowOptions};
use akbp::generate::{generate, GenerateOptions, Naming};
use akbp::load::{self, Node, SourceFile};

/// Options that generate `slug` for the placeholder hosts its guide writes.
pub fn placeholder_options(slug: &str) -> GenerateOptions {
    let i = catalog::find(slug).unwrap();
    GenerateOptions::new(
        slug,
        &i.placeholder_app_url(),
        &i.placeholder_authentik_url(),
    )
}

/// The first blueprint `opts` generate, parsed, and the generator's notes on it.
pub fn generated(opts: &GenerateOptions) -> (load::Document, Vec<String>) {
    let bp = generate(opts).unwrap().remove(0);
    let notes = bp.notes.clone();
    let doc = load::parse(SourceFile::new(bp.file_name, bp.text)).unwrap();
    (doc, notes)
}

/// The first entry of `doc` for `model`.
pub fn entry<'a>(doc: &'a load::Document, model: &str) -> &'a Node {
    doc.root
        .get("entries")
        .and_then(Node::as_seq)
        .unwrap()
        .iter()
        .find(|e| e.get("model").and_then(Node::as_str) == Some(model))
        .unwrap()
}

/// A list of plain strings.
pub fn strs(node: &Node) -> Vec<String> {
    node.as_seq()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

/// The `(field, value)` pairs `akbp show --format json` prints for `slug`.
pub fn shown_settings(slug: &str, naming: Naming, method: Option<&str>) -> Vec<(String, String)> {
    let json = show::render(
        slug,
        &ShowOptions {
            naming,
            method: method.map(str::to_string),
            format: ShowFormat::Json,
            ..ShowOptions::default()
        },
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["field"].as_str().unwrap().to_string(),
                s["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Pinned `(field, value)` pairs, owned, to compare with [`shown_settings`].
pub fn pinned(settings: &[(&str, &str)]) -> Vec<(String, String)> {
    settings
        .iter()
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .collect()
}
