//! The guide inventory (`guides/guides.json`, written by `tools/guides.py` from the newest
//! text of each guide folder of goauthentik/authentik, each with its own commit) against the
//! catalog: which guides each entry covers (by folder, following renamed guides), and the
//! coverage table of `docs/coverage.md`, which is generated from both (`AKBP_BLESS=1 cargo test --test
//! guides` rewrites it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

const TYPES: [&str; 4] = ["oauth2", "saml", "proxy", "ldap"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn inventory() -> Value {
    let text = std::fs::read_to_string(root().join("guides/guides.json")).expect("guides.json");
    serde_json::from_str(&text).expect("guides.json is JSON")
}

fn entries() -> Vec<(String, Value)> {
    let mut out: Vec<_> = std::fs::read_dir(root().join("catalog"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_stem().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Provider types an entry offers: `provider.type` and the type of every method's provider.
fn provider_types(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(t)) = m.get("type") {
                if TYPES.contains(&t.as_str()) {
                    out.insert(t.clone());
                }
            }
            m.values().for_each(|x| provider_types(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| provider_types(x, out)),
        _ => {}
    }
}

/// The guide folder (`category/app`) an entry names: from `guide.path`, or a seed written as
/// `<path>@<commit>`; an entry without either is matched by slug. A folder that was renamed
/// maps to its successor (the inventory's `renamed`). Also returns the commit the entry was
/// read at, if it names one.
fn guide_of(
    slug: &str,
    v: &Value,
    by_app: &BTreeMap<String, String>,
    renamed: &BTreeMap<String, String>,
) -> (String, Option<String>) {
    let folder = |p: &str| -> String {
        let parts: Vec<&str> = p.split('/').collect();
        assert!(
            parts.len() >= 4 && p.starts_with("website/integrations/"),
            "{slug}: guide path {p} is not website/integrations/<category>/<app>/..."
        );
        let key = format!("{}/{}", parts[2], parts[3]);
        renamed.get(&key).cloned().unwrap_or(key)
    };
    let g = &v["guide"];
    if let Some(p) = g["path"].as_str() {
        return (folder(p), g["commit"].as_str().map(str::to_string));
    }
    if let Some((p, c)) = g["seed"].as_str().and_then(|s| s.split_once('@')) {
        if p.starts_with("website/integrations/") {
            return (folder(p), Some(c.to_string()));
        }
    }
    let key = by_app
        .get(slug)
        .unwrap_or_else(|| panic!("{slug}: names no guide path and no guide has its slug"));
    (key.clone(), None)
}

struct Coverage {
    /// type -> (guides in scope, guides covered, paths not covered)
    per_type: BTreeMap<&'static str, (usize, usize, Vec<String>)>,
    left_out: Vec<(String, String)>,
}

fn coverage() -> Coverage {
    let inv = inventory();
    let guides = inv["guides"].as_array().unwrap();
    let key_of = |g: &Value| {
        format!(
            "{}/{}",
            g["category"].as_str().unwrap(),
            g["app"].as_str().unwrap()
        )
    };
    let by_app: BTreeMap<String, String> = guides
        .iter()
        .map(|g| (g["app"].as_str().unwrap().to_string(), key_of(g)))
        .collect();
    let renamed: BTreeMap<String, String> = inv["renamed"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let commits: BTreeMap<String, Option<&str>> = guides
        .iter()
        .map(|g| (key_of(g), g["commit"].as_str()))
        .collect();
    let mut covered: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (slug, v) in entries() {
        let (key, c) = guide_of(&slug, &v, &by_app, &renamed);
        let Some(newest) = commits.get(&key) else {
            panic!("{slug}: guide folder {key} is not in the inventory");
        };
        if let (Some(c), Some(n)) = (c, newest) {
            assert!(
                c.len() == 40 && c.chars().all(|x| x.is_ascii_hexdigit()),
                "{slug}: guide commit {c} is not a commit id (newest known: {n})"
            );
        }
        provider_types(&v["provider"], covered.entry(key.clone()).or_default());
        provider_types(&v["methods"], covered.entry(key).or_default());
    }
    let mut per_type = BTreeMap::new();
    for t in TYPES {
        let (mut total, mut done, mut missing) = (0, 0, Vec::new());
        for g in guides.iter().filter(|g| g.get("left_out").is_none()) {
            let types = g["types"].as_array().unwrap();
            if !types.iter().any(|x| x == t) {
                continue;
            }
            total += 1;
            if covered.get(&key_of(g)).is_some_and(|s| s.contains(t)) {
                done += 1;
            } else {
                missing.push(format!(
                    "{}/{}",
                    g["category"].as_str().unwrap(),
                    g["app"].as_str().unwrap()
                ));
            }
        }
        per_type.insert(t, (total, done, missing));
    }
    let left_out = guides
        .iter()
        .filter_map(|g| {
            let r = g.get("left_out")?.as_str()?;
            Some((
                format!("{}/{}", g["category"].as_str()?, g["app"].as_str()?),
                r.to_string(),
            ))
        })
        .collect();
    Coverage { per_type, left_out }
}

fn section() -> String {
    let inv = inventory();
    let c = coverage();
    let date = &inv["date"].as_str().unwrap()[..10];
    let guides = inv["guides"].as_array().unwrap();
    let n = guides.len();
    let counted = guides
        .iter()
        .filter(|g| g.get("left_out").is_none())
        .count();
    let mut s = format!(
        "Measured against the newest text of each of the {n} guide folders under \
         `website/integrations/` of goauthentik/authentik known on {date} ({counted} counted, \
         each once; every guide's own commit is in `guides/GUIDES.md`, written by \
         `tools/guides.py`). A guide that documents several provider types counts once per type.\n\n\
         | provider type | guides | in the catalog | coverage |\n|---|---|---|---|\n"
    );
    for (t, (total, done, _)) in &c.per_type {
        let pct = if *total == 0 {
            100.0
        } else {
            100.0 * *done as f64 / *total as f64
        };
        s.push_str(&format!("| {t} | {total} | {done} | {pct:.0}% |\n"));
    }
    s.push_str("\nLeft out of the denominator:\n\n");
    for (g, r) in &c.left_out {
        s.push_str(&format!("- `{g}`: {r}\n"));
    }
    s.push_str("\nNot in the catalog (still counted):\n\n");
    let gaps: BTreeMap<String, &Value> = inv["guides"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| {
            let key = format!("{}/{}", g["category"].as_str()?, g["app"].as_str()?);
            Some((key, g.get("gaps")?))
        })
        .collect();
    for (t, (_, _, missing)) in &c.per_type {
        let (explained, rest): (Vec<&String>, Vec<&String>) = missing
            .iter()
            .partition(|m| gaps.get(*m).is_some_and(|g| g.get(*t).is_some()));
        for m in explained {
            let why = gaps[m][*t].as_str().unwrap();
            s.push_str(&format!("- {t} `{m}`: {why}\n"));
        }
        if !rest.is_empty() {
            let list: Vec<String> = rest.iter().map(|m| format!("`{m}`")).collect();
            s.push_str(&format!(
                "- {t}, not yet written ({}): {}\n",
                rest.len(),
                list.join(", ")
            ));
        }
    }
    s
}

#[test]
fn inventory_counts_each_guide_once() {
    let inv = inventory();
    let guides = inv["guides"].as_array().unwrap();
    assert!(
        guides.len() > 150,
        "the inventory lists the whole guide tree"
    );
    let mut apps = BTreeSet::new();
    for g in guides {
        let key = format!(
            "{}/{}",
            g["category"].as_str().unwrap(),
            g["app"].as_str().unwrap()
        );
        assert!(apps.insert(key.clone()), "{key} listed twice");
        let types = g["types"].as_array().unwrap();
        assert!(
            !types.is_empty() || g.get("left_out").is_some(),
            "{key}: no provider type and no reason to leave it out"
        );
    }
}

#[test]
fn every_entry_names_an_inventory_guide_and_its_type() {
    let c = coverage();
    let covered: usize = c.per_type.values().map(|(_, d, _)| d).sum();
    assert!(
        covered >= entries().len(),
        "every entry covers a guide of its provider type"
    );
}

#[test]
fn coverage_page_is_current() {
    let path = root().join("docs/coverage.md");
    let text = std::fs::read_to_string(&path).expect("docs/coverage.md");
    let (start, end) = ("<!-- coverage:start -->\n", "<!-- coverage:end -->");
    let a = text.find(start).expect("coverage:start marker") + start.len();
    let b = text.find(end).expect("coverage:end marker");
    let want = section();
    if text[a..b] != want {
        if std::env::var_os("AKBP_BLESS").is_some() {
            std::fs::write(&path, format!("{}{}{}", &text[..a], want, &text[b..]))
                .expect("write docs/coverage.md");
        } else {
            panic!("docs/coverage.md is stale; run `AKBP_BLESS=1 cargo test --test guides`");
        }
    }
}

#[test]
fn gaps_name_only_guides_the_catalog_lacks() {
    let inv = inventory();
    let c = coverage();
    for g in inv["guides"].as_array().unwrap() {
        let Some(gaps) = g.get("gaps").and_then(Value::as_object) else {
            continue;
        };
        let key = format!(
            "{}/{}",
            g["category"].as_str().unwrap(),
            g["app"].as_str().unwrap()
        );
        for t in gaps.keys() {
            let (_, _, missing) = &c.per_type[t.as_str()];
            assert!(
                missing.contains(&key),
                "{key}: the catalog covers {t} now; drop the gap"
            );
        }
    }
}
