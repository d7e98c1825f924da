//! The parse-only baseline for `benches/perf.sh`: read every `.yaml`/`.yml` file under the
//! folders given, and run granit-parser over it in event mode with the options akbp's
//! loader uses, doing nothing with the events. akbp's CPU per file is compared with this.
//!
//! Run through `bash benches/perf.sh`; by hand: `cargo bench --bench parse_only -- DIR...`.

use std::path::{Path, PathBuf};

use granit_parser::{Options, Parser};
use rayon::prelude::*;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
}

/// Parse one file; returns the number of events (so the work cannot be optimised away).
fn parse(path: &Path) -> usize {
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    let mut options = Options::default();
    options.emit_comments = true;
    let mut parser = Parser::new_from_str_with_options(&text, options);
    let mut events = 0;
    while let Some(Ok(_)) = parser.next_event() {
        events += 1;
    }
    events
}

fn main() {
    let mut files = Vec::new();
    for arg in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        walk(Path::new(&arg), &mut files);
    }
    files.sort();
    let events: usize = files.par_iter().map(|p| parse(p)).sum();
    println!("{} files, {events} events", files.len());
}
