//! `akbp lsp` driven over stdio as an editor drives it (the client: tests/common/lsp.rs):
//! diagnostics read from `textDocument/publishDiagnostics`, positions checked against the
//! client's own reading of the protocol, never against akbp's.

mod common;

use std::path::Path;

use common::lsp::{range_of, repository, span_of, uri_of, Client as Lsp, Pos};
use serde_json::{json, Value};

struct Client;

impl Client {
    fn start(dir: &Path, options: Value) -> Lsp {
        Lsp::start_with(env!("CARGO_BIN_EXE_akbp"), dir, options)
    }
}

const BROKEN: &str = "version: 1
metadata:
  name: wiki
entries:
  - model: authentik_core.application
    identifiers: {slug: wiki}
    attrs: {name: Wiki, provider: !KeyOf provder}
  - model: authentik_providers_oauth2.oauth2provider
    id: provider
    identifiers: {name: wiki}
    attrs:
      client_type: confidental
";

#[test]
fn diagnostics_on_open_and_on_change_link_each_rule() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("wiki.yaml"));
    let mut c = Client::start(dir.path(), Value::Null);
    c.open(&uri, BROKEN);
    let ds = c.diagnostics(&uri, 1);
    let keyof = ds
        .iter()
        .find(|d| d["code"] == "AKB300")
        .unwrap_or_else(|| panic!("AKB300 for !KeyOf provder: {ds:#?}"));
    assert_eq!(range_of(keyof), span_of(BROKEN, "!KeyOf provder", 0));
    assert_eq!(keyof["severity"], 1, "an error is DiagnosticSeverity 1");
    assert_eq!(keyof["source"], "akbp");
    let href = keyof["codeDescription"]["href"].as_str().unwrap();
    assert!(
        href.starts_with(repository()) && href.ends_with("/docs/rules/AKB300.md"),
        "{href}"
    );
    // The page it links to is one the docs have.
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/rules/AKB300.md")
        .is_file());
    let client_type = ds
        .iter()
        .find(|d| range_of(d).0 == span_of(BROKEN, "confidental", 0).0)
        .unwrap_or_else(|| panic!("a finding at `confidental`: {ds:#?}"));
    assert!(
        client_type["message"]
            .as_str()
            .unwrap()
            .contains("confidential"),
        "{client_type}"
    );

    // A change to a clean blueprint: no diagnostics for version 2.
    let fixed =
        "version: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: wiki}\n";
    c.change(&uri, 2, fixed);
    assert_eq!(c.diagnostics(&uri, 2), Vec::<Value>::new());

    // A warning maps to 2: a change that only leaves warnings.
    c.change(&uri, 3, BROKEN);
    let ds = c.diagnostics(&uri, 3);
    assert!(ds
        .iter()
        .all(|d| [1, 2, 3].contains(&d["severity"].as_i64().unwrap())));
    c.shutdown();
}

/// A blueprint using `!ParseJSON` (authentik 2025.8): its finding says which target the
/// file was checked at.
const NEWER_TAG: &str = "version: 1
entries:
  - model: authentik_core.group
    identifiers: {name: admins}
    attrs: {attributes: !ParseJSON '{\"a\": 1}'}
";

fn has_tag_too_new(ds: &[Value]) -> bool {
    ds.iter().any(|d| {
        d["message"]
            .as_str()
            .unwrap_or("")
            .contains("`!ParseJSON` needs authentik 2025.8 or later")
    })
}

#[test]
fn the_target_comes_from_the_comment_then_akbp_toml_then_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let configured = dir.path().join("configured");
    let plain = dir.path().join("plain");
    std::fs::create_dir_all(configured.join("sub")).unwrap();
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(configured.join("akbp.toml"), "target = \"2024.10\"\n").unwrap();

    // The client asks for 2026.8: the tag exists there.
    let mut c = Client::start(dir.path(), json!({"target": "2026.8"}));
    let free = uri_of(&plain.join("a.yaml"));
    c.open(&free, NEWER_TAG);
    assert!(!has_tag_too_new(&c.diagnostics(&free, 1)));
    // The file's comment wins over the client.
    let commented = uri_of(&plain.join("b.yaml"));
    c.open(&commented, &format!("# akbp: target 2024.10\n{NEWER_TAG}"));
    assert!(has_tag_too_new(&c.diagnostics(&commented, 1)));
    // The nearest akbp.toml (of a parent folder) wins over the client.
    let under_config = uri_of(&configured.join("sub/c.yaml"));
    c.open(&under_config, NEWER_TAG);
    assert!(has_tag_too_new(&c.diagnostics(&under_config, 1)));
    // The client's setting changes: files without a comment or akbp.toml follow it.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"akbp": {"target": "2024.10"}}}),
    );
    assert!(has_tag_too_new(&c.diagnostics(&free, 1)));
    c.shutdown();

    // A client that says nothing: the newest release.
    let mut c = Client::start(dir.path(), Value::Null);
    c.open(&free, NEWER_TAG);
    assert!(!has_tag_too_new(&c.diagnostics(&free, 1)));
    // A broken akbp.toml is said on the file, which is still checked.
    std::fs::write(configured.join("akbp.toml"), "target = \"1999.1\"\n").unwrap();
    c.open(
        &under_config,
        "version: 1\nentries:\n  - model: authentik_core.nosuchmodel\n",
    );
    let ds = c.diagnostics(&under_config, 1);
    assert!(
        ds.iter()
            .any(|d| d["message"].as_str().unwrap().contains("akbp.toml")),
        "{ds:#?}"
    );
    assert!(ds.iter().any(|d| d["code"] == "AKB200"), "{ds:#?}");
    c.shutdown();
}

#[test]
fn configmaps_are_checked_and_other_yaml_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path(), Value::Null);
    let text = "apiVersion: v1
kind: ConfigMap
metadata:
  name: blueprints
data:
  wiki.yaml: |
    version: 1
    entries:
      - model: authentik_core.application
        identifiers: {slug: wiki}
        attrs: {name: Wiki, provider: !KeyOf provder}
";
    let uri = uri_of(&dir.path().join("cm.yaml"));
    c.open(&uri, text);
    let ds = c.diagnostics(&uri, 1);
    let keyof = ds
        .iter()
        .find(|d| d["code"] == "AKB300")
        .expect("AKB300 inside the ConfigMap");
    assert_eq!(range_of(keyof), span_of(text, "!KeyOf provder", 0));

    let compose = uri_of(&dir.path().join("compose.yaml"));
    c.open(&compose, "services:\n  web:\n    image: nginx\n");
    assert_eq!(c.diagnostics(&compose, 1), Vec::<Value>::new());
    // A YAML syntax error is reported whatever the file is, as `validate` does.
    let broken = uri_of(&dir.path().join("broken.yaml"));
    c.open(&broken, "services:\n  web: [nginx\n");
    let ds = c.diagnostics(&broken, 1);
    assert!(!ds.is_empty() && ds[0]["severity"] == 1, "{ds:#?}");
    c.shutdown();
}

#[test]
fn positions_count_utf16_units_and_only_the_protocols_line_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path(), Value::Null);
    // Emoji (2 units), CJK (1 unit, 3 bytes), and YAML 1.1's own line breaks: NEL inside
    // quoted text, LS and PS in a comment. For YAML (and akbp's line numbers) they end
    // lines, for the protocol they do not.
    let text = "version: 1\r\nmetadata: {name: \"wiki\u{85}x\"}  # 注意\u{2028}# 🚀\u{2029}\r\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: \"Wïki 🚀 漢字\u{85}\", provider: !KeyOf provder, meta_description: \"🚀\"}\n";
    let uri = uri_of(&dir.path().join("utf.yaml"));
    c.open(&uri, text);
    let ds = c.diagnostics(&uri, 1);
    let keyof = ds
        .iter()
        .find(|d| d["code"] == "AKB300")
        .unwrap_or_else(|| panic!("{ds:#?}"));
    let want = span_of(text, "!KeyOf provder", 0);
    assert_eq!(range_of(keyof), want);
    // Counted by hand: line 5, after `    attrs: {name: "Wïki 🚀 漢字<NEL>", provider: `.
    assert_eq!(want.0, Pos(5, 43));

    // A byte order mark is one unit before the first character.
    let bom = format!("\u{feff}{}", text.replace("\r\n", "\r"));
    let uri2 = uri_of(&dir.path().join("bom.yaml"));
    c.open(&uri2, &bom);
    let ds = c.diagnostics(&uri2, 1);
    let keyof = ds
        .iter()
        .find(|d| d["code"] == "AKB300")
        .unwrap_or_else(|| panic!("{ds:#?}"));
    assert_eq!(range_of(keyof), span_of(&bom, "!KeyOf provder", 0));

    // Hover positions go the other way: the middle of the model name, past the emoji line.
    let (start, _) = span_of(text, "authentik_core.application", 0);
    let h = c.hover(&uri, Pos(start.0, start.1 + 3));
    assert_eq!(
        (
            h["range"]["start"]["line"].as_u64(),
            h["range"]["start"]["character"].as_u64()
        ),
        (Some(start.0), Some(start.1)),
        "{h}"
    );
    c.shutdown();
}

const HOVERED: &str = "# akbp: target 2025.2
version: 1
entries:
  - model: authentik_providers_oauth2.oauth2provider
    id: provider
    identifiers: {name: wiki}
    attrs:
      client_type: confidential
      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]
  - model: authentik_core.application
    identifiers: {slug: wiki}
    attrs: {name: Wiki, provider: !KeyOf provider}
";

#[test]
fn hover_documents_models_fields_and_tags_at_the_files_target() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = uri_of(&dir.path().join("hover.yaml"));
    c.open(&uri, HOVERED);
    c.diagnostics(&uri, 1);
    let at = |needle: &str, nth: usize| {
        let (s, _) = span_of(HOVERED, needle, nth);
        Pos(s.0, s.1 + 1)
    };
    let text = |h: &Value| {
        h["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };

    let model = c.hover(&uri, at("authentik_providers_oauth2.oauth2provider", 0));
    let md = text(&model);
    assert!(
        md.contains("authentik_providers_oauth2.oauth2provider"),
        "{md}"
    );
    assert!(md.contains("2025.2"), "the file's target: {md}");
    assert!(md.contains("since 2024.10"), "{md}");
    assert!(md.contains("Required when created"), "{md}");

    let field = text(&c.hover(&uri, at("client_type", 0)));
    assert!(field.contains("type `string`"), "{field}");
    assert!(
        field.contains("`confidential`") && field.contains("`public`"),
        "{field}"
    );

    let required = text(&c.hover(&uri, at("slug: wiki", 0)));
    assert!(
        required.contains("**slug**") && required.contains("required"),
        "{required}"
    );

    let keyof = text(&c.hover(&uri, at("!KeyOf provider", 0)));
    assert!(
        keyof.contains("!KeyOf ID") && keyof.contains("id: provider")
            || keyof.contains("primary key"),
        "{keyof}"
    );
    let on_arg = text(&c.hover(&uri, at("provider}", 0)));
    assert!(
        on_arg.contains("Refers to the entry with `id: provider`"),
        "{on_arg}"
    );

    let find_model = text(&c.hover(&uri, at("authentik_flows.flow", 0)));
    assert!(
        find_model.contains("`!Find`") && find_model.contains("`slug`"),
        "{find_model}"
    );

    // A field newer than the target says so: `!ParseJSON` too.
    c.change(
        &uri,
        2,
        &HOVERED.replace(
            "client_type: confidential",
            "client_type: !ParseJSON '\"public\"'",
        ),
    );
    c.diagnostics(&uri, 2);
    let tag = text(&c.hover(&uri, at("client_type", 0)));
    assert!(tag.contains("client_type"), "{tag}");
    let (s, _) = span_of(
        &HOVERED.replace(
            "client_type: confidential",
            "client_type: !ParseJSON '\"public\"'",
        ),
        "!ParseJSON",
        0,
    );
    let parse = text(&c.hover(&uri, Pos(s.0, s.1 + 2)));
    assert!(parse.contains("not in 2025.2"), "{parse}");

    // Nothing to say about a place outside any blueprint: null.
    assert!(c.hover(&uri, Pos(0, 2)).is_null());
    c.shutdown();
}

const NAVIGATED: &str = "version: 1
entries:
  - model: authentik_providers_proxy.proxyprovider
    id: prov
    identifiers: {name: wiki}
    attrs:
      mode: forward_single
  - model: authentik_core.application
    identifiers: {slug: wiki}
    attrs: {name: Wiki, provider: !KeyOf prov}
";

#[test]
fn completion_offers_what_each_place_takes() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path(), json!({"target": "2025.2"}));
    let uri = uri_of(&dir.path().join("complete.yaml"));
    // Each case: the text with `|` at the cursor, and labels the list must hold.
    let cases: [(&str, &[&str]); 7] = [
        ("  - model: authentik_core.app|\n", &["authentik_core.application", "authentik_core.group"]),
        ("  - model: authentik_core.group\n    attrs:\n      is_super|\n", &["is_superuser", "parent"]),
        ("  - model: authentik_providers_proxy.proxyprovider\n    attrs:\n      mode: |\n", &["proxy", "forward_single", "forward_domain"]),
        ("  - model: authentik_core.group\n    attrs:\n      name: !|\n", &["!KeyOf", "!Find", "!Env"]),
        ("  - model: authentik_core.application\n    attrs: {provider: !KeyOf |}\n", &["prov"]),
        ("  - model: authentik_core.application\n    attrs:\n      group: !Find [authentik_core.gr|\n", &["authentik_core.group"]),
        ("  - model: authentik_core.application\n    attrs:\n      group: !Find [authentik_core.group, [na|\n", &["name"]),
    ];
    for (version, (tail, want)) in cases.iter().enumerate() {
        let marked = format!("version: 1\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    id: prov\n{tail}");
        let at = marked.find('|').unwrap();
        let text = marked.replacen('|', "", 1);
        let version = version as i64 + 1;
        if version == 1 {
            c.open(&uri, &text);
        } else {
            c.change(&uri, version, &text);
        }
        let Pos(line, character) = common::lsp::pos(&text, at);
        let r = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        let items = r["result"]
            .as_array()
            .unwrap_or_else(|| panic!("{tail}: {r}"));
        let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
        for w in *want {
            assert!(labels.contains(w), "{tail}: {w} not in {labels:?}");
        }
        // Every edit ends at the cursor.
        for i in items {
            assert_eq!(
                i["textEdit"]["range"]["end"],
                json!({"line": line, "character": character}),
                "{i}"
            );
        }
    }
    // 2025.2 has no `!ParseJSON` (2025.8): not offered.
    let text = "version: 1\nentries:\n  - model: authentik_core.group\n    attrs:\n      name: !\n";
    c.change(&uri, 99, text);
    let r = c.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 13}}),
    );
    let labels: Vec<&str> = r["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"!KeyOf") && !labels.contains(&"!ParseJSON"),
        "{labels:?}"
    );
    c.shutdown();
}

#[test]
fn definition_and_symbols() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = uri_of(&dir.path().join("nav.yaml"));
    c.open(&uri, NAVIGATED);
    let (start, _) = span_of(NAVIGATED, "!KeyOf prov", 0);
    let r = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": start.0, "character": start.1 + 9}}),
    );
    let target = &r["result"];
    assert_eq!(target["uri"], uri.as_str());
    let (id_start, id_end) = span_of(NAVIGATED, "prov\n", 0);
    assert_eq!(
        range_of(target),
        (id_start, Pos(id_end.0 - 1, id_start.1 + 4)),
        "{r}"
    );

    let r = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let symbols = r["result"].as_array().unwrap();
    let names: Vec<&str> = symbols
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "authentik_providers_proxy.proxyprovider prov",
            "authentik_core.application slug=wiki"
        ]
    );
    assert_eq!(
        range_of(&json!({"range": symbols[1]["selectionRange"]})),
        span_of(NAVIGATED, "authentik_core.application", 0)
    );
    c.shutdown();
}

/// Neovim's own client (Debian's `neovim`, headless) attached to `akbp lsp`: the
/// diagnostics it receives and stores, read back from the file tests/editors/neovim.lua
/// writes. CI installs Neovim (.ci/run); elsewhere a missing `nvim` skips with a message.
#[test]
fn neovim_receives_the_diagnostics() {
    let found = std::process::Command::new("nvim")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "nvim is missing: CI must install it (.ci/run does: apt-get install neovim)"
        );
        eprintln!("skipped: nvim is not installed (apt-get install neovim)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wiki.yaml");
    std::fs::write(&file, BROKEN).unwrap();
    let out = dir.path().join("diagnostics.txt");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editors/neovim.lua");
    let run = std::process::Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("AKBP_BIN", env!("CARGO_BIN_EXE_akbp"))
        .env("AKBP_FILE", &file)
        .env("AKBP_OUT", &out)
        // Neovim's log and state stay in the temporary folder.
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run nvim");
    let written = std::fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!(
            "nvim wrote no diagnostics ({e}); status {}, stderr: {}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        )
    });
    let lines: Vec<&str> = written.lines().collect();
    let (keyof, _) = span_of(BROKEN, "!KeyOf provder", 0);
    let want = format!("AKB300 {} {}", keyof.0, keyof.1);
    assert!(lines.contains(&want.as_str()), "{want} in {lines:#?}");
    let (confidental, _) = span_of(BROKEN, "confidental", 0);
    assert!(
        lines.iter().any(
            |l| l.ends_with(&format!(" {} {}", confidental.0, confidental.1))
                && l.starts_with("AKB")
        ),
        "a finding at `confidental` in {lines:#?}"
    );
    // Neovim stored them too: the same lines, from akbp.
    assert!(
        lines.contains(&format!("nvim {} {} akbp", keyof.0, keyof.1).as_str()),
        "{lines:#?}"
    );
}

#[test]
fn code_actions_apply_a_findings_exact_replacement() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start(dir.path(), Value::Null);
    let uri = uri_of(&dir.path().join("env.yaml"));
    // AKB014: the docs' `!Env NAME, default` reads one variable named `WIKI_DESCRIPTION, hello`.
    let text = "version: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: \"Wïki 🚀\"\n      meta_description: !Env WIKI_DESCRIPTION, hello\n";
    c.open(&uri, text);
    let ds = c.diagnostics(&uri, 1);
    let env = ds
        .iter()
        .find(|d| d["code"] == "AKB014")
        .unwrap_or_else(|| panic!("AKB014: {ds:#?}"))
        .clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": env["range"],
               "context": {"diagnostics": [env]}}),
    );
    let actions = r["result"].as_array().unwrap_or_else(|| panic!("{r}"));
    assert_eq!(actions.len(), 1, "{actions:#?}");
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"][0]["code"], "AKB014");
    // Unsafe (authentik then reads the variable or the default where it read null).
    assert_eq!(action["isPreferred"], false);
    assert!(
        action["title"].as_str().unwrap().contains("unsafe"),
        "{action}"
    );
    let edits = action["edit"]["changes"][uri.as_str()].as_array().unwrap();
    let fixed = common::lsp::apply(text, edits);
    assert!(
        fixed.ends_with("meta_description: !Env [WIKI_DESCRIPTION, hello]\n"),
        "{fixed}"
    );
    c.change(&uri, 2, &fixed);
    let ds = c.diagnostics(&uri, 2);
    assert!(ds.iter().all(|d| d["code"] != "AKB014"), "{ds:#?}");
    // Nothing to fix elsewhere: an empty list.
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
               "context": {"diagnostics": []}}),
    );
    assert_eq!(r["result"], json!([]));
    c.shutdown();
}
