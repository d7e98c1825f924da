//! The whole pipeline on arbitrary bytes: decode, load, every rule, and both reports.
//! The first byte picks the target release. No panic, and every finding's span
//! (primary and secondary) lies inside the file.
#![no_main]

use akbp::check::{self, Options};
use akbp::load;
use akbp::report::{human, json};
use akbp::target::Target;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let target = Target::KNOWN[pick as usize % Target::KNOWN.len()];
    let options = Options {
        target,
        ..Options::default()
    };
    let report = match load::decode("fuzz.yaml", rest.to_vec()) {
        Ok(source) => check::check_source(source, &options),
        Err(e) => check::failed_file("fuzz.yaml", None, &e),
    };
    if let Some(source) = &report.source {
        let len = source.text.len();
        for f in &report.findings {
            assert!(f.span.start <= f.span.end, "{}: inverted span", f.rule.code);
            assert!(
                f.span.end as usize <= len,
                "{}: span past the end",
                f.rule.code
            );
            for l in &f.labels {
                assert!(
                    l.span.end as usize <= len,
                    "{}: label past the end",
                    f.rule.code
                );
            }
            let pos = source.position(f.span.end as usize);
            assert!(pos.line <= source.line_count());
        }
    }
    let reports = [report];
    let _ = human::render(&reports, human::Style::default());
    let _ = json::render(&reports, target, &[]);
});
