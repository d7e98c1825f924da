//! How akbp's CPU time grows with the input, per family of repeated content: the hunt
//! for the next cost a hostile file can drive past linear (docs/hostile-input.md).
//!
//! Each family repeats one unit (an entry, a key, a comment, a document...) up to two
//! sizes, 1 MiB and 4 MiB, and the release binary validates each in its own process,
//! timed by `/usr/bin/time` (CPU time = user + system, in hundredths of a second, which
//! is why the sizes are not smaller). Linear work grows about 4 times from the first size
//! to the second; a family that grows 7 times or more (and takes over 0.3 s) is flagged:
//! at the 10 MiB input limit it would take far more than 10 times its 1 MiB time. Not a timed test: it prints a table and asserts nothing; a flagged
//! family is looked at with `perf` and fixed at its root, then joins the 10 MiB shapes
//! (tests/common/shapes.rs) that `cargo bench --bench shapes` measures.
//!
//! Every family here was linear when this bench was written, after the costs it and its
//! first version (at 256 KiB and 1 MiB, too small for the timer) found were fixed:
//! suppressions and their scopes, secret values, Secret keys, `# akbp:` rule names, regex
//! redirect URIs, integration inference, providers with their applications, lookups of
//! deleted objects and references to missing ids.
//!
//! Run: `cargo bench --bench scaling`, or `cargo bench --bench scaling -- secret` for the
//! families whose name contains a word.

// Its runs and words; only the CPU time is read here.
#[allow(dead_code)]
mod common;
// Its `fill`; the shapes themselves are the other bench's.
#[allow(dead_code)]
#[path = "../tests/common/shapes.rs"]
mod shapes;

const HEAD: &str = "version: 1\nmetadata:\n  name: shape\nentries:\n";

type Unit = fn(usize) -> String;

/// Families: a name, the text before the units, and the unit.
fn families() -> Vec<(&'static str, String, Unit)> {
    let provider = format!(
        "{HEAD}  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {{name: p}}\n    attrs:\n      redirect_uris:\n"
    );
    let configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n";
    vec![
        ("manifest of many ConfigMaps", String::new(), |i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata:\n  b{i}.yaml: \"version: 1\\nentries: [{{model: authentik_core.group, identifiers: {{name: g{i}}}}}]\"\n")),
        ("ConfigMap of many keys", configmap.into(), |i| format!("  b{i}.yaml: \"version: 1\\nentries: [{{model: authentik_core.group, identifiers: {{name: g{i}}}}}]\"\n")),
        ("ConfigMap of many block texts", configmap.into(), |i| format!("  b{i}.yaml: |\n    version: 1\n    entries:\n    - model: authentik_core.group\n      identifiers: {{name: g{i}}}\n      attrs: {{bogus: 1}}\n")),
        ("List of many items", "apiVersion: v1\nkind: List\nitems:\n".into(), |i| format!("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: c{i}}}\n  data:\n    b.yaml: \"version: 1\\nentries: []\"\n")),
        ("Secret of many keys", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n".into(), |i| format!("  k{i}: value{i:07}\n")),
        ("many passwords", HEAD.into(), |i| format!("  - model: authentik_core.user\n    identifiers: {{username: u{i}}}\n    attrs: {{password: \"sv{i:07}x\"}}\n")),
        ("anchors and aliases", HEAD.into(), |i| format!("  - &a{i} {{model: authentik_core.group, identifiers: {{name: g{i}}}}}\n  - *a{i}\n")),
        ("one id everywhere", HEAD.into(), |i| format!("  - model: authentik_core.group\n    id: same\n    identifiers: {{name: g{i}}}\n")),
        ("the same identifiers everywhere", HEAD.into(), |_| "  - model: authentik_core.group\n    identifiers: {name: same}\n".into()),
        ("!KeyOf to one id", format!("{HEAD}  - model: authentik_core.group\n    id: g0\n    identifiers: {{name: g0}}\n"), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: h{i}}}\n    attrs: {{parents: [!KeyOf g0]}}\n")),
        ("!KeyOf to missing ids", HEAD.into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: h{i}}}\n    attrs: {{parents: [!KeyOf missing{i}]}}\n")),
        ("a chain of !Find", HEAD.into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: g{i}}}\n    attrs: {{parents: [!Find [authentik_core.group, [name, g{}]]]}}\n", i.saturating_sub(1))),
        ("deleted then found", HEAD.into(), |i| format!("  - model: authentik_core.group\n    state: absent\n    identifiers: {{name: g{i}}}\n  - model: authentik_core.group\n    identifiers: {{name: h{i}}}\n    attrs: {{parents: [!Find [authentik_core.group, [name, g{i}]]]}}\n")),
        ("tabs in flow mappings", HEAD.into(), |i| format!("  - {{model: authentik_core.group,\tidentifiers: {{name: g{i}}}}}\n")),
        ("line separators in strings", HEAD.into(), |i| format!("  - {{model: authentik_core.group, identifiers: {{name: \"g{i}\u{2028}x\"}}}}\n")),
        ("merge keys", "version: 1\nmetadata:\n  name: shape\ncontext: &base {a: 1}\nentries:\n".into(), |i| format!("  - model: authentik_core.group\n    identifiers:\n      <<: *base\n      name: g{i}\n")),
        ("comments, with the akbp: marker", format!("# akbp: target 2025.10\n{HEAD}"), |i| format!("  # comment {i}\n  - {{model: authentik_core.group, identifiers: {{name: g{i}}}}}\n")),
        ("a suppression on every line", HEAD.into(), |_| "  - {} # akbp: ignore[AKB104]\n".into()),
        ("a suppression above every entry", HEAD.into(), |_| "  # akbp: ignore[AKB104]\n  - {}\n".into()),
        ("unknown rules in # akbp: comments", String::new(), |i| format!("# akbp: ignore-file[unknown-modle{i}]\n")),
        ("unknown fields", HEAD.into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: g{i}}}\n    attrs: {{bogus_field_{i}: 1}}\n")),
        ("metaapplyblueprint paths", HEAD.into(), |i| format!("  - model: authentik_blueprints.metaapplyblueprint\n    attrs: {{identifiers: {{path: dir/p{i}.yaml}}}}\n")),
        ("!If and !Format", HEAD.into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: g{i}}}\n    attrs: {{name: !If [true, !Format [\"%s\", a], b]}}\n")),
        ("!Context to missing keys", "version: 1\nmetadata:\n  name: shape\ncontext:\n  k: v\nentries:\n".into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: !Context k{i}}}\n")),
        ("regex redirect URIs", provider.clone(), |i| format!("        - {{matching_mode: regex, url: 'https://h{i}\\.example/cb.*'}}\n")),
        ("strict redirect URIs", provider, |i| format!("        - {{matching_mode: strict, url: 'https://h{i}.example/cb/'}}\n")),
        ("providers and applications", HEAD.into(), |i| format!("  - model: authentik_providers_oauth2.oauth2provider\n    id: p{i}\n    identifiers: {{name: p{i}}}\n  - model: authentik_core.application\n    identifiers: {{slug: a{i}}}\n    attrs: {{name: a{i}, provider: !KeyOf p{i}}}\n")),
        ("permissions", HEAD.into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: g{i}}}\n    permissions: [{{permission: authentik_core.view_group, user: !KeyOf u{i}}}]\n")),
        ("block scalars", HEAD.into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: g{i}}}\n    attrs:\n      attributes:\n        t: |\n          line {i}\n")),
        ("conditions", HEAD.into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: g{i}}}\n    conditions: [!Condition [AND, true, false]]\n")),
        ("!Enumerate", HEAD.into(), |i| format!("  - model: authentik_core.group\n    identifiers: {{name: g{i}}}\n    attrs: {{attributes: !Enumerate [[1, 2], SEQ, !Index 0]}}\n")),
        ("stage bindings", HEAD.into(), |i| format!("  - model: authentik_flows.flowstagebinding\n    identifiers: {{target: !KeyOf flow, stage: !KeyOf st{i}, order: {i}}}\n")),
    ]
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_akbp");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let words = common::words();
    println!("| family | 1 MiB: CPU | 4 MiB: CPU | growth | |");
    println!("|---|---|---|---|---|");
    for (name, head, unit) in families() {
        if !common::picked(&words, name) {
            continue;
        }
        let path = dir.path().join("family.yaml");
        let mut t = [0.0; 2];
        for (k, size) in [1024 * 1024, 4 * 1024 * 1024].into_iter().enumerate() {
            let text = shapes::fill(size, head.clone(), unit, "");
            std::fs::write(&path, text).expect("write the family");
            t[k] = common::time_validate(bin, &path).cpu;
        }
        let growth = t[1] / t[0].max(0.01);
        let flag = if t[1] > 0.3 && growth >= 7.0 {
            "**past linear**"
        } else {
            ""
        };
        println!(
            "| {name} | {:.2} s | {:.2} s | {growth:.1} | {flag} |",
            t[0], t[1]
        );
    }
}
