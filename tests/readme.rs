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
