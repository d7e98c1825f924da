//! The data lives at the top of the repository (`catalog/`, `schemas/`), two folders up
//! from this crate; this script and the `include_str!`s read it from there.
//!
//! Embeds every `catalog/*.json` file: adding an integration means adding a data file,
//! never editing a list in the code.
//!
//! Also writes a compact index of the catalog (slugs, offered provider types, the redirect
//! and ACS paths inference compares), so that inferring an integration parses no JSON; a
//! full entry is parsed only when a rule needs that one entry (`crates/akbp-core/src/catalog/mod.rs`).
//!
//! Also turns `schemas/models.json` and `schemas/lookups.json` into Rust tables indexed by
//! model name (see `crates/akbp-core/src/model/embedded.rs`), so that a run parses only the models it uses.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The repository's top folder: this crate is `crates/akbp-core`.
fn repository() -> PathBuf {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    Path::new(&root)
        .join("../..")
        .canonicalize()
        .expect("the repository holds this crate")
}

fn main() {
    catalog();
    model_knowledge();
}

fn catalog() {
    let dir = repository().join("catalog");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("catalog/ exists")
        .map(|e| {
            e.expect("catalog/ is readable")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({n:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("]\n");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("catalog_files.rs"), out).expect("OUT_DIR is writable");

    let mut index = String::from("&[\n");
    for (file, n) in names.iter().enumerate() {
        let entry = read_json(&dir.join(n));
        let aliases: Vec<&str> = entry
            .get("aliases")
            .and_then(|a| a.as_array())
            .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
            .unwrap_or_default();
        let mut kinds: Vec<&str> = Vec::new();
        let mut paths: Vec<String> = Vec::new();
        for m in entry["methods"].as_array().expect("methods is an array") {
            let provider = &m["provider"];
            let kind = provider["type"].as_str().expect("a provider type");
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
            let mut urls: Vec<&str> = provider
                .get("redirect_uris")
                .and_then(|u| u.as_array())
                .map(|a| a.iter().filter_map(|u| u["url"].as_str()).collect())
                .unwrap_or_default();
            if kind == "saml" {
                urls.extend(provider["acs_url"].as_str());
            }
            for url in urls {
                let path = template_path(url);
                if !path.trim_matches('/').is_empty() {
                    paths.push(format!("({kind:?}, {path:?})"));
                }
            }
        }
        writeln!(
            index,
            "    IndexEntry {{ slug: {:?}, aliases: &{aliases:?}, file: {file}, kinds: &{kinds:?}, paths: &[{}] }},",
            entry["slug"].as_str().expect("a slug"),
            paths.join(", ")
        )
        .unwrap();
    }
    index.push_str("]\n");
    std::fs::write(Path::new(&out_dir).join("catalog_index.rs"), index)
        .expect("OUT_DIR is writable");
}

/// The path part of a catalog URL template (`{app_url}/console/` -> `/console/`): the same
/// as `catalog::template_path`; a unit test there checks the index against the parsed files.
fn template_path(url: &str) -> &str {
    url.strip_prefix("{app_url_regex}")
        .or_else(|| url.strip_prefix("{app_url}"))
        .unwrap_or(url)
}

fn read_json(path: &Path) -> serde_json::Value {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).expect("schemas/*.json is readable");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn opt_str(v: Option<&serde_json::Value>) -> String {
    match v.and_then(|v| v.as_str()) {
        Some(s) => format!("Some({s:?})"),
        None => "None".to_string(),
    }
}

fn str_list(v: &serde_json::Value) -> String {
    let items: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| format!("{:?}", x.as_str().expect("a string")))
                .collect()
        })
        .unwrap_or_default();
    format!("&[{}]", items.join(", "))
}

/// Writes `model_knowledge.rs`: each model's header (name, releases, flags) as Rust values and
/// its fields as the JSON text they came from, parsed at run time on first use of that model.
fn model_knowledge() {
    let schemas = repository().join("schemas");
    let models = read_json(&schemas.join("models.json"));
    let lookups = read_json(&schemas.join("lookups.json"));
    let mut out = String::new();

    writeln!(
        out,
        "pub(super) static RELEASES: &[&str] = {};",
        str_list(&models["releases"])
    )
    .unwrap();
    writeln!(
        out,
        "pub(super) const DEVIATIONS: &str = {:?};",
        models["deviations"].to_string()
    )
    .unwrap();

    let mut enums: Vec<(&String, &serde_json::Value)> = models["enums"]
        .as_object()
        .expect("enums is an object")
        .iter()
        .collect();
    enums.sort_by(|a, b| a.0.cmp(b.0));
    out.push_str("pub(super) static ENUMS: &[(&str, &str)] = &[\n");
    for (name, v) in enums {
        writeln!(out, "    ({name:?}, {:?}),", v.to_string()).unwrap();
    }
    out.push_str("];\n");

    let mut list: Vec<(&String, &serde_json::Value)> = models["models"]
        .as_object()
        .expect("models is an object")
        .iter()
        .collect();
    list.sort_by(|a, b| a.0.cmp(b.0));
    out.push_str("pub(super) static MODELS: &[EmbeddedModel] = &[\n");
    for (name, m) in list {
        let fields = match m.get("fields") {
            None | Some(serde_json::Value::Null) => "None".to_string(),
            Some(f) => format!("Some({:?})", f.to_string()),
        };
        writeln!(
            out,
            "    EmbeddedModel {{ name: {name:?}, since: {:?}, until: {}, meta: {}, fields: {fields} }},",
            m["since"].as_str().expect("since is a string"),
            opt_str(m.get("until")),
            m.get("meta").and_then(|v| v.as_bool()).unwrap_or(false),
        )
        .unwrap();
    }
    out.push_str("];\n");

    writeln!(
        out,
        "pub(super) static CARRIED_FORWARD: &[&str] = {};",
        lookups
            .get("carried_forward")
            .map(str_list)
            .unwrap_or_else(|| "&[]".into())
    )
    .unwrap();
    let mut list: Vec<(&String, &serde_json::Value)> = lookups["models"]
        .as_object()
        .expect("models is an object")
        .iter()
        .collect();
    list.sort_by(|a, b| a.0.cmp(b.0));
    out.push_str("pub(super) static LOOKUP_MODELS: &[EmbeddedLookupModel] = &[\n");
    for (name, m) in list {
        let entry_lines = match m.get("entry_lines") {
            None | Some(serde_json::Value::Null) => "None".to_string(),
            Some(l) => format!("Some({})", str_list(l)),
        };
        writeln!(
            out,
            "    EmbeddedLookupModel {{ name: {name:?}, since: {:?}, until: {}, lookup_only: {}, entry_lines: {entry_lines}, fields: {:?} }},",
            m["since"].as_str().expect("since is a string"),
            opt_str(m.get("until")),
            m.get("lookup_only").and_then(|v| v.as_bool()).unwrap_or(false),
            m["fields"].to_string(),
        )
        .unwrap();
    }
    out.push_str("];\n");

    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("model_knowledge.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
