//! The manual under `docs/` (built by MkDocs, `mkdocs.yml`) cannot drift from the tool:
//! - the rule index and one page per rule are written from the rule registry, as
//!   `akbp rules --format json` prints it;
//! - the catalog page is written from the catalog (`akbp list --format json` and
//!   `catalog/*.json`);
//! - each output format's page shows that format's pinned snapshot
//!   (`tests/snapshots/formats/`), and README.md the concise one;
//! - the Gravitee example is `generate` and `show`'s real output, and the editor page
//!   lists every custom tag the editor schema is built for.
//!
//! A generated part that differs fails the test; `AKBP_BLESS=1 cargo test --test docs`
//! rewrites it (and deletes the page of a rule the registry no longer has).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn bless() -> bool {
    std::env::var_os("AKBP_BLESS").is_some()
}

/// Standard output of a successful `akbp` run.
fn akbp(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run akbp");
    assert!(
        out.status.success(),
        "akbp {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&akbp(args)).expect("JSON output")
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
}

/// Files whose generated text differs; rewritten instead when blessing.
#[derive(Default)]
struct Stale(Vec<String>);

impl Stale {
    /// The whole file `rel` is `want`.
    fn file(&mut self, rel: &str, want: &str) {
        let path = root().join(rel);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(want) {
            return;
        }
        if bless() {
            std::fs::write(&path, want).unwrap_or_else(|e| panic!("write {rel}: {e}"));
        } else {
            self.0.push(rel.to_string());
        }
    }

    /// The text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in `rel` is `want`.
    fn part(&mut self, rel: &str, name: &str, want: &str) {
        let text = read(rel);
        let (a, b) = between(&text, name, rel);
        if text[a..b] != *want {
            if bless() {
                let new = format!("{}{}{}", &text[..a], want, &text[b..]);
                std::fs::write(root().join(rel), new).unwrap_or_else(|e| panic!("{rel}: {e}"));
            } else {
                self.0.push(format!("{rel} ({name})"));
            }
        }
    }

    fn check(self) {
        assert!(
            self.0.is_empty(),
            "stale documentation: {}; run `AKBP_BLESS=1 cargo test --test docs`",
            self.0.join(", ")
        );
    }
}

/// Byte range of the text between the markers `<!-- NAME:start -->\n` and `<!-- NAME:end -->`.
fn between(text: &str, name: &str, rel: &str) -> (usize, usize) {
    let start = format!("<!-- {name}:start -->\n");
    let end = format!("<!-- {name}:end -->");
    let a = text
        .find(&start)
        .unwrap_or_else(|| panic!("{rel} lacks {start}"))
        + start.len();
    let b = a + text[a..]
        .find(&end)
        .unwrap_or_else(|| panic!("{rel} lacks {end}"));
    (a, b)
}

/// Catalog prose as Markdown text: `<name>` stays visible instead of becoming an HTML tag.
fn text(prose: &str) -> String {
    prose
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A table cell: pipes escaped, never a line break.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn rules() -> Vec<Value> {
    json(&["rules", "--format", "json"])["rules"]
        .as_array()
        .expect("rules array")
        .clone()
}

fn rule_index(rules: &[Value]) -> String {
    let mut t = String::from("| code | name | severity | what it catches |\n|---|---|---|---|\n");
    for r in rules {
        let code = s(r, "code");
        t.push_str(&format!(
            "| [{code}]({code}.md) | `{}` | {} | {} |\n",
            s(r, "name"),
            s(r, "default_severity"),
            cell(s(r, "summary"))
        ));
        for c in r["cases"].as_array().expect("cases") {
            t.push_str(&format!(
                "| [{}]({code}.md#cases) | | {} | {} |\n",
                s(c, "code"),
                s(c, "default_severity"),
                cell(s(c, "summary"))
            ));
        }
    }
    t
}

fn rule_page(r: &Value) -> String {
    let (code, name) = (s(r, "code"), s(r, "name"));
    let severity = s(r, "default_severity");
    let mut p = format!(
        "# {code} {name}\n\n\
         <!-- Written by tests/docs.rs from the rule registry (`akbp explain {code}`): edit \
         the rule's declaration, then run `AKBP_BLESS=1 cargo test --test docs`. -->\n\n\
         {}\n\n\
         | code | name | default severity |\n|---|---|---|\n\
         | `{code}` | `{name}` | {severity} |\n\n",
        s(r, "summary")
    );
    let cases = r["cases"].as_array().expect("cases");
    if !cases.is_empty() {
        p.push_str(
            "## Cases\n\nThese kinds of finding have their own default severity; \
             `[severity]` in `akbp.toml` sets one by its `CODE/case` key.\n\n\
             | case | default severity | what it catches |\n|---|---|---|\n",
        );
        for c in cases {
            p.push_str(&format!(
                "| `{}` | {} | {} |\n",
                s(c, "code"),
                s(c, "default_severity"),
                cell(s(c, "summary"))
            ));
        }
        p.push('\n');
    }
    p.push_str(s(r, "doc").trim());
    let configuration = if r["stops_load"] == true {
        "Always an error: authentik cannot load a file with this finding, so no `ignore`, \
         `select`, `[severity]` setting or `# akbp: ignore` comment hides it \
         ([what no suppression hides](../configuration.md#what-no-suppression-hides)).\n\n"
            .to_string()
    } else {
        format!(
            "- Turn it off: `ignore = [\"{code}\"]` in [`akbp.toml`](../configuration.md), or \
             `--ignore {code}` (the name `{name}` works too).\n\
             - Change its severity: `{code} = \"warning\"` under `[severity]`.\n\
             - Accept one finding where it stands: `# akbp: ignore[{code}]` \
             ([inline suppressions](../configuration.md#inline-suppressions)).\n"
        )
    };
    p.push_str(&format!(
        "\n\n## Configuration\n\n{configuration}\
         - In a terminal, `akbp explain {code}` prints this documentation.\n\n\
         The examples above are tests: `tests/fixtures/{code}/` holds the rule's `bad*.yaml` \
         files, which must trigger it, and `good*.yaml` files, which must not \
         (`tests/rules.rs`).\n\n\
         [All rules](index.md)\n"
    ));
    p
}

#[test]
fn rule_pages_are_written_from_the_registry() {
    let rules = rules();
    assert!(!rules.is_empty());
    let mut stale = Stale::default();
    stale.part("docs/rules/index.md", "rules", &rule_index(&rules));
    let mut codes = Vec::new();
    for r in &rules {
        let code = s(r, "code");
        for heading in [
            "## What it does\n",
            "## Why\n",
            "## Example\n",
            "## Use instead\n",
        ] {
            assert!(
                s(r, "doc").contains(heading),
                "{code}'s doc lacks {heading}"
            );
        }
        stale.file(&format!("docs/rules/{code}.md"), &rule_page(r));
        codes.push(format!("{code}.md"));
    }
    // A page whose rule is gone would still be published.
    for e in std::fs::read_dir(root().join("docs/rules")).expect("docs/rules") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        if name.starts_with("AKB") && !codes.contains(&name) {
            if bless() {
                std::fs::remove_file(root().join("docs/rules").join(&name)).expect("remove");
            } else {
                stale.0.push(format!("docs/rules/{name} (no such rule)"));
            }
        }
    }
    stale.check();
}

fn catalog_list() -> String {
    let rows = json(&["list", "--format", "json"]);
    let rows = rows.as_array().expect("integrations");
    let (mut methods, mut per_type) = (0, std::collections::BTreeMap::<&str, usize>::new());
    for m in rows
        .iter()
        .flat_map(|r| r["methods"].as_array().expect("methods"))
    {
        methods += 1;
        *per_type.entry(s(m, "provider_type")).or_default() += 1;
    }
    let mut out = format!(
        "{} integrations with {methods} methods ({}).\n",
        rows.len(),
        per_type
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut categories: Vec<&str> = rows.iter().map(|r| s(r, "category")).collect();
    categories.sort_unstable();
    categories.dedup();
    for category in categories {
        out.push_str(&format!("\n## {category}\n"));
        for r in rows.iter().filter(|r| s(r, "category") == category) {
            let slug = s(r, "slug");
            let entry: Value = serde_json::from_str(&read(&format!("catalog/{slug}.json")))
                .unwrap_or_else(|e| panic!("catalog/{slug}.json: {e}"));
            let review = match s(r, "review") {
                "guide_and_app_docs" => {
                    "checked against the guide and the application's documentation"
                }
                "guide_only" => "checked against the guide",
                other => panic!("{slug}: unknown review status {other}"),
            };
            out.push_str(&format!(
                "\n### {}\n\n`akbp generate {slug}` · <{}> · from the guide \"{}\", {review}\n\n",
                text(s(r, "name")),
                s(&entry, "homepage"),
                text(s(&entry["guide"], "title")),
            ));
            for (i, m) in r["methods"].as_array().expect("methods").iter().enumerate() {
                let default = if i == 0 { " (the default)" } else { "" };
                let client = m["client_type"]
                    .as_str()
                    .map(|c| format!(", {c} client"))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "- `{}`{default}: {} provider{client}\n",
                    s(m, "name"),
                    s(m, "provider_type")
                ));
                for u in m["redirect_uris"].as_array().into_iter().flatten() {
                    let kind = match s(u, "redirect_uri_type") {
                        "authorization" => String::new(),
                        other => format!(", {other}"),
                    };
                    out.push_str(&format!(
                        "    - `{}` ({}{kind})\n",
                        s(u, "url"),
                        s(u, "matching_mode")
                    ));
                }
            }
            let params = entry["params"].as_array().map_or(&[][..], Vec::as_slice);
            if !params.is_empty() {
                out.push_str(
                    "\nValues only the application knows, given as `--param NAME=VALUE`:\n\n",
                );
                for p in params {
                    let shown = if p["shown_by_app"].as_bool() == Some(true) {
                        " (the application shows it once its side is set up)"
                    } else {
                        ""
                    };
                    out.push_str(&format!(
                        "- `{}`: {}{shown}\n",
                        s(p, "name"),
                        text(s(p, "description"))
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn catalog_page_lists_every_integration() {
    let mut stale = Stale::default();
    stale.part("docs/catalog.md", "catalog", &catalog_list());
    stale.check();
}

/// The body of an insta snapshot (after its `---` header).
fn snapshot(name: &str) -> String {
    let text = read(&format!("tests/snapshots/formats/{name}.snap"));
    let body = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
        .map(|(_, b)| b)
        .unwrap_or_else(|| panic!("{name}.snap has no header"));
    format!("{}\n", body.trim_end())
}

#[test]
fn every_format_page_shows_its_pinned_snapshot() {
    let mut stale = Stale::default();
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/snapshots/formats"))
        .expect("snapshots")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".snap").map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    let index = read("docs/formats/index.md");
    for name in &names {
        let page = format!("docs/formats/{name}.md");
        assert!(
            root().join(&page).exists(),
            "format `{name}` has no page {page}"
        );
        assert!(
            index.contains(&format!("({name}.md)")),
            "docs/formats/index.md does not link {page}"
        );
        let lang = if snapshot(name).starts_with(['{', '[']) {
            "json"
        } else {
            "text"
        };
        stale.part(
            &page,
            "example:output",
            &format!("```{lang}\n{}```\n", snapshot(name)),
        );
    }
    let input = read("tests/fixtures/formats/mixed.yaml");
    stale.part(
        "docs/formats/index.md",
        "example:input",
        &format!("```yaml\n# tests/fixtures/formats/mixed.yaml\n{input}```\n"),
    );
    stale.part(
        "README.md",
        "example:concise",
        &format!("```text\n{}```\n", snapshot("concise")),
    );
    stale.check();
}

/// The end-to-end example is the tool's real output for those options.
#[test]
fn generate_example_is_real_output() {
    use akbp::generate::{self, show, GenerateOptions};
    let rel = "docs/generating.md";
    let text = read(rel);
    let part = |name: &str| {
        let (a, b) = between(&text, &format!("example:{name}"), rel);
        text[a..b].to_string()
    };
    let mut opts = GenerateOptions::new(
        "gravitee",
        "https://apis.acme-corp.io",
        "https://sso.acme-corp.io",
    );
    opts.allow_group = Some("api-admins".into());
    let bps = generate::generate(&opts).expect("generate gravitee");
    assert_eq!(
        part("generate"),
        format!("```yaml\n{}```\n", bps[0].text),
        "{rel}: the generate example is stale"
    );
    let show_opts = show::ShowOptions {
        naming: opts.naming.clone(),
        method: None,
        format: show::ShowFormat::Markdown,
        ..Default::default()
    };
    let shown = show::render("gravitee", &show_opts)
        .expect("show gravitee")
        .replace("## Gravitee (`gravitee`)", "#### Gravitee (`gravitee`)");
    assert_eq!(part("show"), shown, "{rel}: the show example is stale");
}

/// The editor page's `yaml.customTags` list is the one the editor schema is built for.
#[test]
fn editor_page_lists_every_custom_tag() {
    let text = read("docs/editors.md");
    for tag in akbp::model::editor_schema::CUSTOM_TAGS {
        assert!(
            text.contains(&format!("\"{tag}\"")),
            "docs/editors.md lacks `{tag}` in yaml.customTags"
        );
    }
}

/// Every page under `docs/` is reachable: in `mkdocs.yml`'s navigation and README's map of
/// the manual, or a rule page (linked from the rule index). `mkdocs build --strict` in `.ci/run` checks the links.
#[test]
fn every_page_is_in_the_navigation() {
    let nav = read("mkdocs.yml");
    let readme = read("README.md");
    let mut pages = Vec::new();
    collect(&root().join("docs"), &mut pages);
    for page in pages {
        let rel = page
            .strip_prefix(root().join("docs"))
            .expect("under docs")
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".md") || (rel.starts_with("rules/AKB")) {
            continue;
        }
        assert!(
            nav.contains(&format!(" {rel}\n")),
            "docs/{rel} is not in mkdocs.yml's nav"
        );
        // The README is the front page: its map of the manual names every page.
        if rel != "index.md" && !rel.starts_with("formats/") {
            assert!(
                readme.contains(&format!("](docs/{rel})")),
                "README.md does not link docs/{rel}: add a row to its table \"The manual\""
            );
        }
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read docs") {
        let path = e.expect("entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every file or folder of the repository that README.md or a page names in a code span
/// (`src/mask.rs`, `tests/fixtures/`) exists, so a move cannot leave the manual pointing at
/// nothing. Spans with a placeholder (`<CODE>`, `*`) or a line number are not paths.
#[test]
fn every_repository_path_named_in_the_docs_exists() {
    const TOP: [&str; 13] = [
        "playground/",
        "src/",
        "crates/",
        "tests/",
        "tools/",
        "benches/",
        "schemas/",
        "catalog/",
        "examples/",
        "fuzz/",
        "guides/",
        "docs/",
        "blueprints/",
    ];
    let mut pages = vec![root().join("README.md")];
    collect(&root().join("docs"), &mut pages);
    let mut missing = Vec::new();
    for page in pages
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(page).expect("page");
        // Prose only: fenced blocks hold commands and output, not references.
        let mut fenced = false;
        let prose: String = text
            .lines()
            .filter(|l| {
                if l.starts_with("```") {
                    fenced = !fenced;
                    return false;
                }
                !fenced
            })
            .map(|l| format!("{l}\n"))
            .collect();
        for (i, span) in prose.split('`').enumerate() {
            let odd = i % 2 == 1;
            if !odd || !TOP.iter().any(|t| span.starts_with(t)) {
                continue;
            }
            if span.contains(['<', '*', ' ', '{', '$']) {
                continue;
            }
            let path = span.split(':').next().unwrap_or(span);
            if !root().join(path).exists() {
                let rel = page.strip_prefix(root()).unwrap_or(page);
                missing.push(format!("{}: `{span}`", rel.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the docs name paths that do not exist:\n{}",
        missing.join("\n")
    );
}
