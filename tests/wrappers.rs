//! Where blueprints live: placeholders, wrappers (ConfigMap, Secret, operator custom
//! resources), multi-document manifests, templates and known values, through the binary.

mod common;

fn akbp(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    common::output_of(
        common::akbp_command(common::root(), args).env("NO_COLOR", "1"),
        stdin,
    )
}

/// `file:line:col CODE` of every finding in a human report.
fn locations(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| {
            l.contains(": error AKB") || l.contains(": warning AKB") || l.contains(": info AKB")
        })
        .map(|l| {
            let (pos, rest) = l.split_once(": ").unwrap_or((l, ""));
            let code = rest.split_whitespace().nth(1).unwrap_or("");
            format!("{pos} {}", &code[..code.find('[').unwrap_or(code.len())])
        })
        .collect()
}

const PROVIDER: &str = "version: 1
entries:
  - model: authentik_providers_oauth2.oauth2provider
    identifiers: {name: wiki}
    attrs:
      client_secret: '@WIKI_SECRET@'
      redirect_uris:
        - {matching_mode: strict, url: 'https://@WIKI_HOST@/cb'}
        - {matching_mode: strict, url: 'https://${WIKI_HOST}/cb#x'}
";

#[test]
fn user_placeholder_patterns_are_opaque_and_the_text_around_is_checked() {
    let (_, without, _) = akbp(&["validate", "-"], Some(PROVIDER));
    let loc = locations(&without);
    // `@WIKI_HOST@` holds an ALL_CAPS word: a guide placeholder unless declared.
    assert!(
        loc.contains(&"<stdin>:8:40 AKB407".to_string()),
        "{without}"
    );
    assert!(
        loc.contains(&"<stdin>:6:22 AKB413".to_string()),
        "{without}"
    );
    let (_, with, _) = akbp(
        &["validate", "--placeholder", "@[A-Z_]+@", "-"],
        Some(PROVIDER),
    );
    let loc = locations(&with);
    assert!(
        !loc.iter()
            .any(|l| l.ends_with("AKB407") || l.ends_with("AKB413")),
        "{with}"
    );
    // The fragment after the built-in `${WIKI_HOST}` is still reported.
    assert!(loc.contains(&"<stdin>:9:40 AKB405".to_string()), "{with}");
}

#[test]
fn a_bad_placeholder_pattern_is_a_usage_error() {
    let (code, _, err) = akbp(&["validate", "--placeholder", "(", "-"], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("--placeholder `(` is not a valid regex"),
        "{err}"
    );
}

/// The mixed folder: a compose file, a Deployment and Helm values next to blueprints in
/// every layout. Every finding sits at its exact place in the outer file (PyYAML agrees
/// on the lines: the wrapped text's line N is the outer line of the block plus N).
#[test]
fn mixed_folder_checks_every_layout_at_outer_positions_and_skips_the_rest() {
    let (code, out, _) = akbp(&["validate", "--verbose", "tests/layouts/mixed/"], None);
    assert_eq!(code, 1, "{out}");
    let loc = locations(&out);
    let expected = [
        // AkBlueprint with the blueprint as structure: spans are already outer.
        "tests/layouts/mixed/akblueprint.yaml:13:16 AKB200",
        "tests/layouts/mixed/blueprint.yaml:5:12 AKB200",
        // ConfigMap `data` literal block with a blank line inside.
        "tests/layouts/mixed/configmap.yaml:13:16 AKB200",
        // Multi-document manifest: an AkBlueprint with text, then a ConfigMap (`|-`).
        "tests/layouts/mixed/manifest.yaml:17:16 AKB200",
        "tests/layouts/mixed/manifest.yaml:25:3 AKB110",
        "tests/layouts/mixed/manifest.yaml:26:5 AKB100",
        "tests/layouts/mixed/manifest.yaml:27:16 AKB200",
        // Secret `stringData` (exact) and base64 `data` (at the key, approximate); the
        // Secret's other values are never shown in excerpts either.
        "tests/layouts/mixed/secret.yaml:13:16 AKB200",
        "tests/layouts/mixed/secret.yaml:16:3 AKB200",
    ];
    assert_eq!(loc, expected, "{out}");
    for other in ["compose.yaml", "deployment.yaml", "values.yaml"] {
        assert!(
            out.contains(&format!(
                "skipped tests/layouts/mixed/{other} (not a blueprint)"
            )),
            "{out}"
        );
        assert!(!out.contains(&format!("mixed/{other}:")), "{out}");
    }
    assert!(
        out.trim_end().ends_with(
            "checked 5 files: 7 errors, 2 warnings; skipped 3 files (3 not a blueprint)"
        ),
        "{out}"
    );
}

#[test]
fn secret_data_never_reaches_the_output_and_base64_positions_are_marked() {
    for format in ["human", "json"] {
        let (_, out, err) = akbp(
            &[
                "validate",
                "--format",
                format,
                "tests/layouts/mixed/secret.yaml",
            ],
            None,
        );
        // The Secret's values that are not blueprints, as written and decoded (issue 21:
        // the blueprints' own words, `hunter2-group`, stay readable).
        for secret in [
            "correct-horse-battery",
            "hunter3-password",
            "aHVudGVyMy1wYXNzd29yZA",
        ] {
            assert!(
                !out.contains(secret) && !err.contains(secret),
                "{format}: {out}"
            );
        }
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let f = v["findings"].as_array().unwrap();
            assert_eq!(f.len(), 2, "{out}");
            assert_eq!(
                (f[0]["line"].as_u64(), f[0]["column"].as_u64()),
                (Some(13), Some(16))
            );
            assert!(f[0].get("approximate").is_none(), "{out}");
            assert_eq!(
                (f[1]["line"].as_u64(), f[1]["column"].as_u64()),
                (Some(16), Some(3))
            );
            assert_eq!(f[1]["approximate"], true, "{out}");
        } else {
            assert!(out.contains("approximate position"), "{out}");
            assert!(out.contains("authentik_core.gruop"), "{out}");
        }
    }
}

#[test]
fn a_plain_blueprint_file_must_still_be_one_document() {
    let two = "version: 1\nentries: []\n---\nversion: 1\nentries: []\n";
    let (code, out, _) = akbp(&["validate", "-"], Some(two));
    assert_eq!(code, 1);
    assert_eq!(locations(&out), vec!["<stdin>:3:1 AKB006"], "{out}");
}

#[test]
fn a_file_named_on_the_command_line_that_is_not_a_blueprint_gets_one_note() {
    let (code, out, _) = akbp(&["validate", "tests/layouts/mixed/compose.yaml"], None);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        locations(&out),
        vec!["tests/layouts/mixed/compose.yaml:1:1 AKB111"],
        "{out}"
    );
    assert!(out.contains("not a blueprint (a compose file)"), "{out}");
    assert!(out.contains("skipped 1 file (1 not a blueprint)"), "{out}");
}

#[test]
fn a_misspelt_blueprint_is_checked_not_skipped() {
    let typo = "version: 1\nmetadata_: {name: x}\nentires:\n  - model: authentik_core.group\n    identifiers: {name: x}\n";
    let (_, out, _) = akbp(&["validate", "-"], Some(typo));
    // The typo is reported where it is, with authentik's key suggested.
    assert!(
        locations(&out).contains(&"<stdin>:3:1 AKB102".to_string()),
        "{out}"
    );
    assert!(out.contains("did you mean `entries`"), "{out}");
    assert!(!out.contains("skipped"), "{out}");
}

#[test]
fn a_template_gets_one_note_and_counts_as_skipped() {
    let (code, out, _) = akbp(&["validate", "tests/fixtures/AKB112/bad.yaml"], None);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        locations(&out),
        vec!["tests/fixtures/AKB112/bad.yaml:5:1 AKB112"],
        "{out}"
    );
    assert!(out.contains("helm template"), "{out}");
    assert!(out.contains("skipped 1 file (1 template)"), "{out}");
}

#[test]
fn every_layout_example_is_clean_and_the_docs_show_the_configmap_one() {
    let (code, out, _) = akbp(&["validate", "examples/layouts/"], None);
    assert_eq!(code, 0, "{out}");
    // Clean: no error or warning. The notes are the template and, for the Flux example's
    // `/oauth/callback` shared by several catalog entries, the request for a label (AKB507).
    assert_eq!(
        locations(&out),
        vec![
            "examples/layouts/flux-substituted.yaml:7:12 AKB507",
            "examples/layouts/helm-template.yaml:7:1 AKB112"
        ],
        "{out}"
    );
    assert!(
        out.trim_end().ends_with(
            "checked 5 files: 0 errors, 0 warnings, 2 info; skipped 1 file (1 template)"
        ),
        "{out}"
    );
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/kubernetes.md"))
        .unwrap();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/layouts/configmap.yaml"
    ))
    .unwrap();
    let body: String = example
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        page.contains(&format!("# examples/layouts/configmap.yaml\n{body}```")),
        "docs/kubernetes.md's ConfigMap example differs from examples/layouts/configmap.yaml"
    );
}

/// `--context` and `--env` change verdicts: tags whose inputs are known are evaluated,
/// and rules see the resulting URIs, modes and secrets.
#[test]
fn known_values_change_verdicts_and_env_values_are_never_printed() {
    let file = "tests/layouts/known/wiki.yaml";
    let run = |extra: &[&str]| {
        let mut args = vec!["validate"];
        args.extend_from_slice(extra);
        args.push(file);
        let (_, out, err) = akbp(&args, None);
        let (_, json, _) = akbp(
            &[&args[..1], &["--format", "json"], &args[1..]].concat(),
            None,
        );
        for secret in ["intranet.corp.example", "s3cr3t-from-env"] {
            assert!(
                !out.contains(secret) && !json.contains(secret) && !err.contains(secret),
                "{out}{json}"
            );
        }
        locations(&out)
    };
    let at = |l: &[String], s: &str| l.iter().any(|x| x == &format!("{file}:{s}"));
    // Nothing known: tags are opaque.
    let none = run(&[]);
    assert!(
        at(&none, "15:22 AKB414") && !at(&none, "19:40 AKB405"),
        "{none:?}"
    );
    // --env: the `!Format` with `!Env WIKI_HOST` becomes an http URI with a fragment.
    let clean = run(&["--env", "tests/layouts/known/clean.env"]);
    // WIKI_CLIENT_SECRET is empty there: authentik would reject the entry.
    assert!(at(&clean, "15:22 AKB414"), "{clean:?}");
    assert!(at(&clean, "19:40 AKB405"), "{clean:?}");
    assert!(!at(&clean, "17:26 AKB404"), "{clean:?}");
    // WIKI_REGEX=yes: `!If` picks `regex` for a plain URL; the secret is set, so no AKB414,
    // and a value read from the environment is not a literal secret in the file (AKB413).
    let regex = run(&["--env", "tests/layouts/known/regex.env"]);
    assert!(at(&regex, "17:26 AKB404"), "{regex:?}");
    assert!(
        !regex
            .iter()
            .any(|l| l.ends_with("AKB414") || l.ends_with("AKB413")),
        "{regex:?}"
    );
    // --context overrides the file's `context:` default with a guide placeholder.
    let guide = run(&["--context", "tests/layouts/known/guide.json"]);
    assert!(at(&guide, "18:16 AKB407"), "{guide:?}");
    assert!(!at(&none, "18:16 AKB407"), "{none:?}");
}

#[test]
fn unusable_known_value_files_are_usage_errors() {
    let (code, _, err) = akbp(
        &[
            "validate",
            "--env",
            "no/such.env",
            "tests/layouts/known/wiki.yaml",
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--env no/such.env"), "{err}");
    let (code, _, err) = akbp(
        &[
            "validate",
            "--context",
            "tests/layouts/known/clean.env",
            "tests/layouts/known/wiki.yaml",
        ],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--context") && err.contains("must be a mapping"),
        "{err}"
    );
}

/// With `--env`, that file is authentik's environment: an `!Env` without a default that is
/// absent or empty there fails a field that may not be null (authentik 2026.2.2 lab:
/// "This field may not be null."), so AKB414 is an error; a nullable field (`password`)
/// takes the null (lab: valid) and nothing is reported. Without `--env` it is a note.
#[test]
fn env_file_makes_unset_required_variables_errors() {
    let text = "version: 1
entries:
  - model: authentik_core.group
    identifiers: {name: !Env GROUP_NAME}
  - model: authentik_core.user
    identifiers: {username: wiki-bot}
    attrs: {name: Wiki bot, password: !Env WIKI_CLIENT_SECRET}
";
    let (code, out, err) = akbp(
        &["validate", "--env", "tests/layouts/known/clean.env", "-"],
        Some(text),
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(":4:25: error AKB414[env-required/unset-in-env-file]"),
        "{out}"
    );
    assert_eq!(out.matches("AKB414").count(), 1, "{out}");
    let (code, out, err) = akbp(&["validate", "-"], Some(text));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(":4:25: info AKB414[env-required]"), "{out}");
    assert_eq!(out.matches("AKB414").count(), 1, "{out}");
}
