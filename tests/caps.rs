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

/// Kept findings (code, span, message) and omitted counts (code, severity, count).
type Capped = (
    Vec<(String, u32, u32, String)>,
    Vec<(String, String, usize)>,
);

/// What a report keeps and counts when every finding is built first and then capped:
/// the first `MAX_KEPT_PER_RULE` of each rule in source order, the rest counted per rule
/// and severity.
fn capped_after_the_fact(text: &str, options: &akbp::check::Options) -> Capped {
    let doc = akbp::load::parse(akbp::load::SourceFile::new("t.yaml", text)).unwrap();
    let all = akbp::check::check_document(&doc, options);
    let mut seen = std::collections::HashMap::new();
    let mut kept = Vec::new();
    let mut omitted = std::collections::BTreeMap::new();
    for f in all {
        let n = seen.entry(f.rule.code).or_insert(0usize);
        *n += 1;
        if *n <= akbp::check::MAX_KEPT_PER_RULE {
            kept.push((f.rule.code.to_string(), f.span.start, f.span.end, f.message));
        } else {
            *omitted
                .entry((f.rule.code.to_string(), f.severity.as_str().to_string()))
                .or_insert(0) += 1;
        }
    }
    let omitted = omitted.into_iter().map(|((c, s), n)| (c, s, n)).collect();
    (kept, omitted)
}

fn capped_while_checking(text: &str, options: &akbp::check::Options) -> Capped {
    let report = akbp::check::check_source(akbp::load::SourceFile::new("t.yaml", text), options);
    let kept = report
        .findings
        .into_iter()
        .map(|f| (f.rule.code.to_string(), f.span.start, f.span.end, f.message))
        .collect();
    let mut omitted: Vec<_> = report
        .omitted
        .iter()
        .map(|o| {
            (
                o.rule.code.to_string(),
                o.severity.as_str().to_string(),
                o.count,
            )
        })
        .collect();
    omitted.sort();
    (kept, omitted)
}

/// Rules build at most the findings a report keeps and only count the rest; that must
/// give the report that building every finding and capping afterwards gives: the same
/// findings kept, the same counts, with the severities configuration decides.
#[test]
fn capping_while_checking_keeps_and_counts_what_capping_afterwards_does() {
    let mut in_order = String::from("version: 1\nmetadata:\n  name: dup\n  labels:\n");
    for _ in 0..2500 {
        in_order.push_str("    k: v\n");
    }
    in_order.push_str("entries:\n");
    for _ in 0..1500 {
        in_order.push_str("  - {}\n");
    }
    // The duplicate-key rule reports an inner mapping's duplicates before the outer
    // mapping's, so its findings arrive out of source order.
    let mut out_of_order = String::from("version: 1\nmetadata:\n  name: dup\n  labels:\n");
    for _ in 0..1500 {
        out_of_order.push_str("    k: {a: 1, a: 2}\n");
    }
    out_of_order.push_str("entries: []\n");

    let mut raised = akbp::check::Policy::default();
    let dup = akbp::check::rule_by_code("AKB007").unwrap();
    raised.set_severity(dup, None, akbp::check::Severity::Error);
    for text in [&in_order, &out_of_order] {
        for policy in [akbp::check::Policy::default(), raised.clone()] {
            let options = akbp::check::Options {
                policy: std::sync::Arc::new(policy),
                ..Default::default()
            };
            let (kept, omitted) = capped_while_checking(text, &options);
            assert!(!omitted.is_empty(), "the shape reaches the cap");
            assert_eq!((kept, omitted), capped_after_the_fact(text, &options));
        }
    }
}

/// Suppressions apply to counted findings too: a file-wide one leaves nothing of the rule,
/// and one that drops a kept finding lets the next one in (the file is checked again).
#[test]
fn suppressions_drop_counted_findings_and_let_the_next_ones_in() {
    let options = akbp::check::Options::default();
    let body = |first_dup_suffix: &str| {
        let mut s = String::from("version: 1\nmetadata:\n  name: dup\n  labels:\n");
        for i in 0..2500 {
            s.push_str("    k: v");
            if i == 1 {
                s.push_str(first_dup_suffix);
            }
            s.push('\n');
        }
        s.push_str("entries: []\n");
        s
    };
    let dup_findings = |text: &str| {
        let report =
            akbp::check::check_source(akbp::load::SourceFile::new("t.yaml", text), &options);
        let kept: Vec<u32> = report
            .findings
            .iter()
            .filter(|f| f.rule.code == "AKB007")
            .map(|f| f.span.start)
            .collect();
        let omitted: usize = report
            .omitted
            .iter()
            .filter(|o| o.rule.code == "AKB007")
            .map(|o| o.count)
            .sum();
        let unused = report.findings.iter().any(|f| f.rule.code != "AKB007");
        (kept, omitted, unused)
    };

    let whole_file = format!("# akbp: ignore-file[AKB007]\n{}", body(""));
    assert_eq!(dup_findings(&whole_file), (vec![], 0, false));

    let plain = body("");
    let (kept, omitted, _) = dup_findings(&plain);
    assert_eq!((kept.len(), omitted), (1000, 2499 - 1000));
    let one_line = body("  # akbp: ignore[AKB007]");
    let (kept_after, omitted_after, unused) = dup_findings(&one_line);
    assert!(!unused, "the suppression was used");
    assert_eq!((kept_after.len(), omitted_after), (1000, 2498 - 1000));
    // The first duplicate is gone and the 1,001st is now shown (shifted by the comment).
    let shift = "  # akbp: ignore[AKB007]".len() as u32;
    assert_eq!(kept_after[0], kept[1] + shift);
    assert_eq!(
        *kept_after.last().unwrap(),
        kept[999] + shift + ("    k: v\n".len() as u32)
    );
}
