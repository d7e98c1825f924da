//! The hostile shapes of docs/hostile-input.md, written by the bench (benches/shapes.rs,
//! at the 10 MiB input limit) and by tests/tree_memory.rs (at 1 MiB).

const HEAD: &str = "version: 1\nmetadata:\n  name: shape\nentries:\n";
const ENTRY: &str =
    "  - model: authentik_core.group\n    identifiers:\n      name: shape\n    attrs:\n";

/// `s`, then as many `unit(0)`, `unit(1)`... as fit with `tail` in `limit` bytes, then `tail`.
pub fn fill(limit: usize, mut s: String, unit: impl Fn(usize) -> String, tail: &str) -> String {
    let mut i = 0;
    loop {
        let u = unit(i);
        if s.len() + u.len() + tail.len() > limit {
            break;
        }
        s.push_str(&u);
        i += 1;
    }
    s.push_str(tail);
    s
}

/// The hostile shapes, each at most `limit` bytes: tiny entries, one flat mapping, nesting
/// to the depth limit, duplicate keys, one long string, a long `!Format`, tiny entries
/// whose first 1,100 findings are suppressed, a suppression on every line, many secret
/// values, a Kubernetes Secret of many keys, `# akbp:` comments naming unknown rules, a
/// provider of many regex redirect URIs, many providers with their applications, and
/// deleted objects looked up again.
pub fn shapes(limit: usize) -> Vec<(&'static str, String)> {
    let depth = akbp::load::parse::MAX_DEPTH - 8;
    let nested = format!("{}x{}", "[".repeat(depth), "]".repeat(depth));
    vec![
        (
            "tiny entries (`- {}`)",
            fill(limit, HEAD.into(), |_| "  - {}\n".into(), ""),
        ),
        (
            "one flat mapping, many keys",
            fill(
                limit,
                format!("{HEAD}{ENTRY}"),
                |i| format!("      key_{i}: v\n"),
                "",
            ),
        ),
        (
            "nesting to the depth limit",
            fill(
                limit,
                format!("{HEAD}{ENTRY}      nested:\n"),
                |_| format!("        - {nested}\n"),
                "",
            ),
        ),
        (
            "many duplicate keys",
            fill(
                limit,
                format!("{HEAD}{ENTRY}"),
                |_| "      name: again\n".into(),
                "",
            ),
        ),
        (
            "one long string",
            fill(
                limit,
                format!("{HEAD}{ENTRY}      name: \""),
                |_| "abcdefgh".into(),
                "\"\n",
            ),
        ),
        (
            "tiny entries, the first 1,100 suppressed",
            fill(
                limit,
                format!("{HEAD}{}", "  - {} # akbp: ignore[AKB104]\n".repeat(1100)),
                |_| "  - {}\n".into(),
                "",
            ),
        ),
        (
            "a suppression on every line",
            fill(
                limit,
                HEAD.into(),
                |_| "  - {} # akbp: ignore[AKB104]\n".into(),
                "",
            ),
        ),
        (
            "many secret values",
            fill(
                limit,
                HEAD.into(),
                |i| {
                    format!("  - model: authentik_core.user\n    identifiers: {{username: u{i}}}\n    attrs: {{password: \"sv{i:07}x\"}}\n")
                },
                "",
            ),
        ),
        (
            "a Secret of many keys",
            fill(
                limit,
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n".into(),
                |i| format!("  k{i}: value{i:07}\n"),
                "",
            ),
        ),
        (
            "unknown rules in `# akbp:` comments",
            fill(
                limit,
                String::new(),
                |i| format!("# akbp: ignore-file[unknown-modle{i}]\n"),
                "version: 1\nentries: []\n",
            ),
        ),
        (
            "many regex redirect URIs",
            fill(
                limit,
                format!("{HEAD}  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {{name: p}}\n    attrs:\n      redirect_uris:\n"),
                |i| format!("        - {{matching_mode: regex, url: 'https://h{i}\\.example/cb.*'}}\n"),
                "",
            ),
        ),
        (
            "providers and their applications",
            fill(
                limit,
                HEAD.into(),
                |i| format!("  - model: authentik_providers_oauth2.oauth2provider\n    id: p{i}\n    identifiers: {{name: p{i}}}\n  - model: authentik_core.application\n    identifiers: {{slug: a{i}}}\n    attrs: {{name: a{i}, provider: !KeyOf p{i}}}\n"),
                "",
            ),
        ),
        (
            "deleted objects looked up again",
            fill(
                limit,
                HEAD.into(),
                |i| format!("  - model: authentik_core.group\n    state: absent\n    identifiers: {{name: g{i}}}\n  - model: authentik_core.group\n    identifiers: {{name: h{i}}}\n    attrs: {{parents: [!Find [authentik_core.group, [name, g{i}]]]}}\n"),
                "",
            ),
        ),
        (
            "a long `!Format`",
            fill(
                limit,
                format!("{HEAD}{ENTRY}      name: !Format [\"%s\""),
                |_| ", x".into(),
                "]\n",
            ),
        ),
    ]
}
