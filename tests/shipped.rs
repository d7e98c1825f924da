//! authentik imports every blueprint it ships, so each must validate with zero errors
//! at its own release (../shared/authentik/<release>/blueprints).

use std::path::{Path, PathBuf};

use akbp::check::{Options, Severity};
use akbp::input;
use akbp::read::RealFs;
use akbp::report::human::{self, Style};
use akbp::target::Target;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/authentik")
}

#[test]
fn shipped_blueprints_have_no_errors_at_their_release() {
    let mut releases: Vec<PathBuf> = std::fs::read_dir(shared())
        .expect("../shared/authentik must sit beside the repository")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("blueprints").is_dir())
        .collect();
    releases.sort();
    assert!(
        releases.len() >= 9,
        "expected nine releases with blueprints"
    );
    let mut files = 0;
    let mut problems = String::new();
    for rel in releases {
        let name = rel.file_name().unwrap().to_string_lossy().to_string();
        let target: Target = name.parse().expect("release folder names a known line");
        let inputs = input::collect(&[rel.join("blueprints")], &input::Selection::everything())
            .unwrap()
            .inputs;
        let options = Options {
            target,
            schema: None,
            ..Default::default()
        };
        let reports = akbp::validate::run(&inputs, &options, &RealFs);
        for r in &reports {
            files += 1;
            let mut r = r.clone();
            r.findings.retain(|f| f.severity == Severity::Error);
            if !r.findings.is_empty() {
                problems.push_str(&format!("== at {target}\n"));
                problems.push_str(&human::render(std::slice::from_ref(&r), Style::default()));
            }
        }
    }
    assert!(
        files >= 329,
        "expected the 329 shipped blueprints, found {files}"
    );
    assert!(problems.is_empty(), "{problems}");
}
