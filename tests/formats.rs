//! One snapshot per output format over the same findings, and the colour choice as the
//! binary makes it. A new format is one module in `src/report/`, one entry in
//! `akbp::report::FORMATS` and one snapshot here.

use akbp::check::{check_source, Options};
use akbp::load::SourceFile;
use akbp::report::FORMATS;
use akbp::target::Target;

const FIXTURE: &str = "tests/fixtures/formats/mixed.yaml";

fn reports() -> Vec<akbp::check::FileReport> {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let report = check_source(SourceFile::new(FIXTURE, text), &Options::default());
    assert!(report.findings.len() >= 2, "{:?}", report.findings);
    vec![report]
}

#[test]
fn every_format_has_a_pinned_snapshot() {
    let reports = reports();
    for (name, render) in FORMATS {
        let mut out = render(&reports, Target::LATEST, &[]);
        if *name == "sarif" {
            // The rule list and each result's index into it change whenever a rule is added
            // or its doc edited; `sarif_is_valid_against_the_2_1_0_schema` checks them.
            let mut v: serde_json::Value = serde_json::from_str(&out).unwrap();
            v["runs"][0]["tool"]["driver"]["rules"] = "[every rule]".into();
            for r in v["runs"][0]["results"].as_array_mut().unwrap() {
                r["ruleIndex"] = "[index of ruleId in rules]".into();
            }
            out = serde_json::to_string_pretty(&v).unwrap();
        }
        insta::with_settings!({snapshot_path => "snapshots/formats", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(*name, out);
        });
    }
}

#[test]
fn concise_is_one_line_per_finding() {
    let reports = reports();
    let render = FORMATS.iter().find(|(n, _)| *n == "concise").unwrap().1;
    let out = render(&reports, Target::LATEST, &[]);
    let lines: Vec<&str> = out.lines().collect();
    let n = reports[0].findings.len();
    assert_eq!(lines.len(), n + 1, "{out}");
    for (line, f) in lines.iter().zip(&reports[0].findings) {
        let prefix = format!("{FIXTURE}:");
        assert!(line.starts_with(&prefix), "{line}");
        let want = format!(": {}[{}] {}", f.severity.as_str(), f.rule.code, f.message);
        assert!(line.ends_with(&want), "{line} should end with {want}");
    }
    // The non-ASCII name puts the slug's column in characters, not bytes.
    assert!(
        out.contains(&format!("{FIXTURE}:4:37: error[AKB207] ")),
        "{out}"
    );
}

fn run(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_akbp"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

/// Standard output is a pipe here, so `auto` means no colour unless CLICOLOR_FORCE asks;
/// NO_COLOR beats CLICOLOR_FORCE; an explicit `--color` beats both.
#[test]
fn colour_follows_no_color_clicolor_force_and_explicit_choice() {
    let esc = |s: &str| s.contains('\u{1b}');
    assert!(!esc(&run(&["validate", FIXTURE], &[])));
    assert!(esc(&run(
        &["validate", FIXTURE],
        &[("CLICOLOR_FORCE", "1")]
    )));
    assert!(!esc(&run(
        &["validate", FIXTURE],
        &[("CLICOLOR_FORCE", "0")]
    )));
    assert!(!esc(&run(
        &["validate", FIXTURE],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    assert!(esc(&run(
        &["validate", "--color", "always", FIXTURE],
        &[("NO_COLOR", "1")]
    )));
    assert!(!esc(&run(
        &["validate", "--color", "never", FIXTURE],
        &[("CLICOLOR_FORCE", "1")]
    )));
    let concise = run(&["validate", "--format", "concise", FIXTURE], &[]);
    assert!(
        concise.starts_with(&format!("{FIXTURE}:4:37: error[AKB207] ")),
        "{concise}"
    );
}

fn format(name: &str) -> akbp::report::Render {
    FORMATS.iter().find(|(n, _)| *n == name).unwrap().1
}

/// The SARIF output is valid against the SARIF 2.1.0 schema vendored in tests/sarif/ (see
/// its README for the source and checksum), for findings and for a clean run.
#[test]
fn sarif_is_valid_against_the_2_1_0_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/sarif/sarif-2.1.0.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let reports = reports();
    for reports in [&reports[..], &[]] {
        let out = format("sarif")(reports, Target::LATEST, &[]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{out}");
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), akbp::check::rules::RULES.len());
        let r207 = rules.iter().find(|r| r["id"] == "AKB207").unwrap();
        assert_eq!(r207["name"], "application-slug");
        assert_eq!(r207["defaultConfiguration"]["level"], "error");
        assert!(r207["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Example"));
    }
    // A rejected document really is rejected: the validator is not vacuous.
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(!validator.is_valid(&bad));
    let out = format("sarif")(&reports, Target::LATEST, &[]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for r in v["runs"][0]["results"].as_array().unwrap() {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"][i]["id"],
            r["ruleId"]
        );
    }
    let first = &v["runs"][0]["results"][0];
    assert_eq!(first["ruleId"], "AKB207");
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(4), Some(37))
    );
    assert_eq!(
        (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        (Some(4), Some(44))
    );
}

/// Properties and data are escaped as GitHub's runner requires, so a path with `:` or `,`
/// and a message with a line break stay one well-formed command.
#[test]
fn github_commands_are_escaped() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let name = "dir:a,b/100%.yaml";
    let report = check_source(SourceFile::new(name, text), &Options::default());
    let out = format("github")(&[report], Target::LATEST, &[]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "::error file=dir%3Aa%2Cb/100%25.yaml,line=4,col=37,endLine=4,endColumn=44,title=AKB207 application-slug::`my wiki` is not a valid slug: only letters, digits, `-` and `_`%0Ahelp: try `my-wiki`"
    );
    assert!(
        lines[1].starts_with("::warning file=dir%3Aa%2Cb/100%25.yaml,line=10,col=7,"),
        "{out}"
    );
    assert_eq!(
        lines.last().unwrap(),
        &"::notice title=akbp::checked 1 file: 1 error, 1 warning"
    );
}

fn gitlab(text: &str) -> Vec<serde_json::Value> {
    let report = check_source(SourceFile::new("b.yaml", text), &Options::default());
    let out = format("gitlab")(&[report], Target::LATEST, &[]);
    serde_json::from_str::<Vec<serde_json::Value>>(&out).unwrap()
}

/// GitLab Code Quality: the documented fields, severities mapped, and a fingerprint that
/// survives an unrelated edit above the finding but changes with the entry.
#[test]
fn gitlab_shape_and_stable_fingerprint() {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let issues = gitlab(&text);
    assert_eq!(issues.len(), 2);
    let i = &issues[0];
    assert_eq!(i["check_name"], "AKB207");
    assert_eq!(i["severity"], "major");
    assert_eq!(i["location"]["path"], "b.yaml");
    assert_eq!(i["location"]["lines"]["begin"], 4);
    assert!(i["description"]
        .as_str()
        .unwrap()
        .contains("`my wiki` is not a valid slug"));
    assert_eq!(issues[1]["severity"], "minor");
    let fp = |v: &[serde_json::Value]| -> Vec<String> {
        v.iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_ne!(fp(&issues)[0], fp(&issues)[1]);
    // An unrelated entry and a comment above: lines move, fingerprints do not.
    let edited = text.replace(
        "entries:\n",
        "# a comment\nentries:\n  - model: authentik_core.group\n    identifiers: {name: other}\n",
    );
    let moved = gitlab(&edited);
    assert_eq!(moved[0]["location"]["lines"]["begin"], 7);
    assert_eq!(fp(&moved), fp(&issues));
    // The same finding in another entry is another finding.
    let other = text.replace("name: admins", "name: staff");
    let other = gitlab(&other);
    assert_eq!(fp(&other)[0], fp(&issues)[0]);
    assert_ne!(fp(&other)[1], fp(&issues)[1]);
    assert_eq!(
        gitlab("version: 1\nentries: []\n"),
        Vec::<serde_json::Value>::new()
    );
}
