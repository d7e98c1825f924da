//! Findings of one rule in one file are capped (issue "Bounded cost"): the human report
//! shows at most 20 then one "and N more" line, machine formats keep at most 1,000, and
//! the summary still counts every finding. Before the cap, 2 MB of duplicate keys made a
//! report of about 150 MB.

use std::process::Command;

fn duplicate_keys(n: usize) -> String {
    let mut s = String::from("version: 1\nmetadata:\n  name: dup\n  labels:\n");
    for _ in 0..n {
        s.push_str("    k: v\n");
    }
    s.push_str("entries: []\n");
    s
}

fn run(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_akbp"))
        .args(args)
        .output()
        .expect("run akbp");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn two_megabytes_of_duplicate_keys_give_a_small_report_with_true_totals() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.yaml");
    let n = 2 * 1024 * 1024 / 9; // about 2 MB of `    k: v\n`
    std::fs::write(&path, duplicate_keys(n)).unwrap();
    let file = path.to_str().unwrap();

    let (json, _) = run(&["validate", "--format", "json", file]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let kept = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "AKB007")
        .count();
    assert_eq!(kept, akbp::check::MAX_KEPT_PER_RULE);
    // Every duplicate after the first is a finding; the summary counts them all.
    assert_eq!(v["summary"]["warnings"].as_u64().unwrap() as usize, n - 1);
    assert!(
        json.len() < 2_000_000,
        "JSON report of {} bytes",
        json.len()
    );

    let (human, _) = run(&["validate", "--color", "never", file]);
    assert_eq!(
        human.matches("AKB007[duplicate-key]").count(),
        20,
        "{}",
        &human[..2000]
    );
    assert!(
        human.contains(&format!(
            "and {} more AKB007 findings in this file",
            n - 1 - 20
        )),
        "{}",
        &human[human.len().saturating_sub(2000)..]
    );
    assert!(
        human.contains(&format!("{} warnings", n - 1)),
        "{}",
        &human[human.len() - 500..]
    );
    assert!(
        human.len() < 200_000,
        "human report of {} bytes",
        human.len()
    );
}
