//! Reports for the formats' tests.

use akbp_core::check::FileReport;

/// Reports of the first `n` rule fixtures, for the streaming tests of the formats.
pub(crate) fn fixture_reports(n: usize) -> Vec<FileReport> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).into_iter().flatten())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths.truncate(n);
    let inputs: Vec<crate::input::Input> = paths
        .iter()
        .map(|p| crate::input::Input::File {
            path: p.clone(),
            name: p.display().to_string(),
            explicit: true,
        })
        .collect();
    crate::validate::run(
        &inputs,
        &akbp_core::check::Options::default(),
        &crate::read::RealFs,
    )
}
