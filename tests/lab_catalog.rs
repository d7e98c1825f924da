//! Every catalog blueprint was accepted by a real authentik importer, and still is the text
//! the importer saw.
//!
//! `tools/lab-catalog.py` regenerates each `blueprints/` file for the lab's release (2026.2)
//! with the command its header names, runs them all through authentik 2026.2.2's own
//! importer (`../shared/lab`) with every `!Env` variable set, and records each verdict with a
//! hash of the text in `tests/lab/catalog-2026.2.tsv`. This test regenerates the same texts:
//! a blueprint with no verdict, a different text (the generator or the entry changed since
//! the lab saw it) or a rejection fails, and the message says to run the tool again.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

mod common;
use common::{catalog_blueprints, fnv1a64, header_args, shell_words, SHOW};

const VERDICTS: &str = "tests/lab/catalog-2026.2.tsv";

#[test]
fn shell_words_undo_the_generators_quoting() {
    assert_eq!(
        shell_words(r"a --param 'x=1?c=d' 'it'\''s' b"),
        ["a", "--param", "x=1?c=d", "it's", "b"]
    );
}

#[test]
fn every_catalog_blueprint_was_accepted_by_authentik_as_generated_today() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let recorded: BTreeMap<String, (String, String, String)> = common::tsv(&root.join(VERDICTS))
        .into_iter()
        .map(|cols| {
            assert!(cols.len() >= 3, "bad verdict line: {}", cols.join("\t"));
            // The reason is the rest of the line.
            let reason = cols[3.min(cols.len())..].join("\t");
            (cols[0].clone(), (cols[1].clone(), cols[2].clone(), reason))
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let names = catalog_blueprints(root);
    assert!(
        names.len() > 100,
        "blueprints/ looks empty: {}",
        names.len()
    );
    let mut problems = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(root.join("blueprints").join(name)).unwrap();
        // The command may go on over further comment lines (the 80-column header).
        let Some(mut args) = header_args(&text) else {
            problems.push(format!("{name}: no `{}` line", SHOW.trim()));
            continue;
        };
        // The header names the file's own target: the lab's replaces it (as
        // tools/lab-catalog.py does).
        while let Some(i) = args.iter().position(|a| a == "--target") {
            args.drain(i..(i + 2).min(args.len()));
        }
        let out = tmp.path().join(name);
        let status = Command::new(env!("CARGO_BIN_EXE_akbp"))
            .arg("generate")
            .args(&args)
            .args(["--target", "2026.2", "-o"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{name}: generate failed: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let hash = fnv1a64(&std::fs::read(&out).unwrap());
        match recorded.get(name) {
            None => problems.push(format!("{name}: never run through the lab")),
            Some((h, _, _)) if *h != hash => {
                problems.push(format!("{name}: changed since the lab accepted it"))
            }
            Some((_, verdict, reason)) if verdict != "valid" => {
                problems.push(format!("{name}: authentik rejected it: {reason}"))
            }
            Some(_) => {}
        }
    }
    let stale: Vec<&String> = recorded.keys().filter(|k| !names.contains(k)).collect();
    if !stale.is_empty() {
        problems.push(format!(
            "verdicts for files no longer in blueprints/: {stale:?}"
        ));
    }
    assert!(
        problems.is_empty(),
        "{} of {} catalog blueprints lack a current lab verdict; with the lab built, run \
         `python3 tools/lab-catalog.py` and commit {VERDICTS}:\n  {}",
        problems.len(),
        names.len(),
        problems.join("\n  ")
    );
}
