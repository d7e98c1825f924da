//! `akbp upgrade`'s report: one line per item, or a JSON document.
//!
//! ```text
//! app.yaml:8:7: stops working from 2026.5: AKB410 no `grant_types`: ... [fix: unsafe]
//! app.yaml:12:7: changes meaning from 2025.12.5: `redirect_uris`: ... (before: ...)
//! 2 stop working (1 fixable: akbp upgrade --fix --unsafe-fixes), 1 changes meaning, from 2025.10 to 2026.8
//! ```
//!
//! Names, messages and help go through the text formats' one escaping step; the JSON
//! document through JSON's.

use std::fmt::Write as _;

use serde::Serialize;

use crate::report::escape;
use crate::report::range;
use akbp_core::check::Safety;
use akbp_core::target::Target;
use akbp_core::upgrade::{Change, UpgradeReport};

fn counts(reports: &[UpgradeReport]) -> (usize, usize, usize, usize) {
    let items = reports.iter().flat_map(|r| &r.items);
    let (mut stops, mut meaning, mut safe, mut unsafe_) = (0, 0, 0, 0);
    for i in items {
        match i.change {
            Change::Stops => stops += 1,
            Change::Meaning => meaning += 1,
        }
        match i.fix {
            Some(Safety::Safe) => safe += 1,
            Some(Safety::Unsafe) => unsafe_ += 1,
            None => {}
        }
    }
    (stops, meaning, safe, unsafe_)
}

pub fn text(reports: &[UpgradeReport], from: Target, to: Target, fixed: usize) -> String {
    let mut out = String::new();
    for r in reports {
        for i in &r.items {
            let [line, column, ..] = range(r.source.as_ref(), i.span);
            let what = match i.change {
                Change::Stops => "stops working",
                Change::Meaning => "changes meaning",
            };
            let code = i.code.map(|c| format!("{c} ")).unwrap_or_default();
            let fix = match i.fix {
                Some(s) => format!(" [fix: {}]", s.as_str()),
                None => String::new(),
            };
            let help = match (&i.help, i.change) {
                (Some(h), Change::Meaning) => format!(" ({h})"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "{}:{line}:{column}: {what} from {}: {code}{}{}{fix}",
                escape::name(&r.name),
                i.release,
                escape::text(&i.message, escape::Lines::One),
                escape::text(&help, escape::Lines::One),
            );
        }
    }
    let (stops, meaning, safe, unsafe_) = counts(reports);
    let fixable = match (safe, unsafe_) {
        (0, 0) => String::new(),
        (s, 0) => format!(" ({s} fixable: akbp upgrade --fix)"),
        (s, u) => format!(
            " ({} fixable: akbp upgrade --fix, {u} of them with --unsafe-fixes)",
            s + u
        ),
    };
    let fixed = if fixed > 0 {
        format!("; {fixed} fixed")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "upgrade {from} -> {to}: {stops} stop{} working{fixable}, {meaning} change{} meaning{fixed}",
        if stops == 1 { "s" } else { "" },
        if meaning == 1 { "s" } else { "" },
    );
    out
}

#[derive(Serialize)]
struct JsonItem {
    file: String,
    line: usize,
    column: usize,
    change: &'static str,
    release: String,
    code: Option<&'static str>,
    severity: Option<&'static str>,
    message: String,
    help: Option<String>,
    fix: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonUpgrade {
    from: String,
    to: String,
    items: Vec<JsonItem>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    stops_working: usize,
    changes_meaning: usize,
    safe_fixes: usize,
    unsafe_fixes: usize,
    fixed: usize,
}

pub fn json(reports: &[UpgradeReport], from: Target, to: Target, fixed: usize) -> String {
    let mut items = Vec::new();
    for r in reports {
        for i in &r.items {
            let [line, column, ..] = range(r.source.as_ref(), i.span);
            items.push(JsonItem {
                file: r.name.clone(),
                line,
                column,
                change: i.change.as_str(),
                release: i.release.clone(),
                code: i.code,
                severity: i.severity.map(|s| s.as_str()),
                message: i.message.clone(),
                help: i.help.clone(),
                fix: i.fix.map(Safety::as_str),
            });
        }
    }
    let (stops, meaning, safe, unsafe_) = counts(reports);
    let doc = JsonUpgrade {
        from: from.to_string(),
        to: to.to_string(),
        items,
        summary: JsonSummary {
            stops_working: stops,
            changes_meaning: meaning,
            safe_fixes: safe,
            unsafe_fixes: unsafe_,
            fixed,
        },
    };
    let mut s = escape::json(&doc);
    s.push('\n');
    s
}
