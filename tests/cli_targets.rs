//! `generate` and `show` on the command line: the target comes from `--target`, else the
//! nearest akbp.toml of the output's folder, and the file's `# akbp: target` header says
//! the one used; `show` takes the options that change what the file configures.

mod common;

use std::path::Path;
use std::process::Command;

fn akbp(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run akbp");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const KIMAI: [&str; 5] = [
    "generate",
    "kimai",
    "--app-url=https://kimai.example.com",
    "--authentik-url=https://sso.example.com",
    "-o",
];

#[test]
fn generate_takes_the_target_of_the_output_folders_akbp_toml() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("old/deep")).unwrap();
    std::fs::write(root.join("old/akbp.toml"), "target = \"2025.4\"\n").unwrap();
    // From another folder, into old/deep/ (no akbp.toml there: the nearest is old/'s).
    let mut args = KIMAI.to_vec();
    args.push("old/deep/kimai.yaml");
    let (code, _, err) = akbp(root, &args);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(root.join("old/deep/kimai.yaml")).unwrap();
    assert!(text.starts_with("# akbp: target 2025.4\n"), "{text}");
    assert!(text.contains("      issuer: "), "{text}");
    assert!(text.contains("--target 2025.4\n"), "{text}");
    // The file validates at its folder's target: the header and the configuration agree.
    let (code, out, err) = akbp(root, &["validate", "old/deep/kimai.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("AKB022"), "{out}");

    // --target wins over the configuration.
    let mut args = KIMAI.to_vec();
    args.extend(["old/kimai-new.yaml", "--target", "2026.5"]);
    let (code, _, err) = akbp(root, &args);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(root.join("old/kimai-new.yaml")).unwrap();
    assert!(text.starts_with("# akbp: target 2026.5\n"), "{text}");
    assert!(text.contains("      issuer_override: "), "{text}");

    // A folder without any akbp.toml up the tree gets the latest release; missing
    // folders are created.
    let mut args = KIMAI.to_vec();
    args.push("new/a/b/kimai.yaml");
    let (code, _, err) = akbp(root, &args);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(root.join("new/a/b/kimai.yaml")).unwrap();
    assert!(text.starts_with("# akbp: target 2026.8\n"), "{text}");

    // A broken akbp.toml is an error, not a silent default.
    std::fs::write(root.join("old/akbp.toml"), "target = \"1999.1\"\n").unwrap();
    let mut args = KIMAI.to_vec();
    args.push("old/again.yaml");
    let (code, _, err) = akbp(root, &args);
    assert_eq!(code, 2, "{err}");
    assert!(!root.join("old/again.yaml").exists());
}

#[test]
fn show_takes_target_method_secret_and_params_like_generate() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (code, out, err) = akbp(
        root,
        &[
            "show",
            "gravitee",
            "--app-url=https://gw.example.com",
            "--authentik-url=https://sso.example.com",
            "--target",
            "2026.5",
            "--secret",
            "omit",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["target"], "2026.5");
    assert_eq!(v["secret"], "omit");
    assert_eq!(v["grant_types"], serde_json::json!(["authorization_code"]));
    // Without --target, show uses the akbp.toml of the current folder.
    std::fs::write(root.join("akbp.toml"), "target = \"2026.2\"\n").unwrap();
    let (code, out, err) = akbp(
        root,
        &["show", "kimai", "--format", "json", "--param", "x=y"],
    );
    assert_eq!(code, 2, "kimai takes no parameter x: {out}{err}");
    let (code, out, err) = akbp(root, &["show", "kimai", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["target"], "2026.2");
    let field = v["authentik_side"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "Issuer field")
        .unwrap()["value"]
        .clone();
    assert_eq!(field, "issuer");
}

/// The header's `akbp show` command reproduces the file's own settings.
#[test]
fn the_header_command_shows_what_the_file_holds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (code, out, err) = akbp(
        root,
        &[
            "generate",
            "gravitee",
            "--app-url=https://gw.example.com",
            "--authentik-url=https://sso.example.com",
            "--target=2026.5",
            "--secret=random",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let mut args = vec!["show".to_string()];
    args.extend(common::header_args(&out).unwrap());
    let line = args.join(" ");
    assert!(line.ends_with("--secret random --target 2026.5"), "{line}");
    args.extend(["--format".into(), "text".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, shown, err) = akbp(root, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        shown.contains("random value the blueprint holds"),
        "{shown}"
    );
    assert!(!shown.contains("!Env"), "{shown}");
}
