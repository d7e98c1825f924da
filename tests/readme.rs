//! The README's rule table is generated from the registry, so it cannot go stale.
//! `AKBP_BLESS=1 cargo test --test readme` rewrites it.

use std::path::Path;

fn table() -> String {
    let mut s = String::from("| code | name | severity | what it catches |\n|---|---|---|---|\n");
    for r in akbp::check::RULES {
        s.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|")
        ));
        for c in r.cases {
            s.push_str(&format!(
                "| {}/{} | | {} | {} |\n",
                r.code,
                c.id,
                c.severity.as_str(),
                c.summary.replace('|', "\\|")
            ));
        }
    }
    s
}

#[test]
fn readme_rule_table_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = text.find(start).expect("rules:start marker") + start.len();
    let b = text.find(end).expect("rules:end marker");
    let want = table();
    if text[a..b] != want {
        if std::env::var_os("AKBP_BLESS").is_some() {
            let new = format!("{}{}{}", &text[..a], want, &text[b..]);
            std::fs::write(&path, new).expect("write README.md");
        } else {
            panic!("README rule table is stale; run `AKBP_BLESS=1 cargo test --test readme`");
        }
    }
}

fn between<'t>(text: &'t str, name: &str) -> &'t str {
    let start = format!("<!-- example:{name}:start -->\n");
    let end = format!("<!-- example:{name}:end -->");
    let a = text.find(&start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let b = text.find(&end).unwrap_or_else(|| panic!("no {end}"));
    &text[a..b]
}

/// The README's end-to-end example is the tool's real output for those options.
#[test]
fn readme_generate_example_is_real_output() {
    use akbp::generate::{self, show, GenerateOptions};
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut opts = GenerateOptions::new(
        "gravitee",
        "https://apis.acme-corp.io",
        "https://sso.acme-corp.io",
    );
    opts.allow_group = Some("api-admins".into());
    let bps = generate::generate(&opts).expect("generate gravitee");
    let want = format!("```yaml\n{}```\n", bps[0].text);
    assert_eq!(
        between(&text, "generate"),
        want,
        "README generate example is stale"
    );
    let show_opts = show::ShowOptions {
        naming: opts.naming.clone(),
        method: None,
        format: show::ShowFormat::Markdown,
    };
    let shown = show::render("gravitee", &show_opts)
        .expect("show gravitee")
        .replace("## Gravitee (`gravitee`)", "#### Gravitee (`gravitee`)");
    assert_eq!(
        between(&text, "show"),
        shown,
        "README show example is stale"
    );
}

/// The README's `yaml.customTags` list is the one the editor schema is built for.
#[test]
fn readme_lists_every_custom_tag() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for tag in akbp::model::editor_schema::CUSTOM_TAGS {
        assert!(
            text.contains(&format!("\"{tag}\"")),
            "README lacks `{tag}` in yaml.customTags"
        );
    }
}
