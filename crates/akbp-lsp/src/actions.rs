//! Code actions: a finding that carries an exact replacement ([`Fix`], the edits `akbp
//! fix` applies) becomes a quick fix on its diagnostic. A fix blocked where the finding is
//! (inside base64, quoted or folded text) is not offered, nor one whose finding touched a
//! secret (`hidden`: its edits are never shown by any report, so not sent to an editor).
//! An unsafe fix (it changes what authentik reads) says so in its title and is never the
//! preferred action.

use akbp_core::check::{FileReport, Fix, Safety};

use crate::position::LineIndex;
use lsp_types::{Range, TextEdit};

/// One offered fix: the index of its finding's diagnostic, its title and its edits.
#[derive(Debug, Clone)]
pub struct QuickFix {
    pub diagnostic: usize,
    pub title: String,
    pub safe: bool,
    pub edits: Vec<TextEdit>,
}

fn offered(fix: &Fix) -> bool {
    !fix.hidden && fix.blocked.is_none() && !fix.edits.is_empty()
}

/// The quick fixes of `report`'s findings (which map one to one, in order, to the
/// diagnostics [`crate::diagnostics::diagnostics`] makes of them).
pub fn quick_fixes(report: &FileReport, text: &str, index: &LineIndex) -> Vec<QuickFix> {
    let shift = if text.starts_with('\u{feff}') { 3 } else { 0 };
    report
        .findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let fix = f.fix.as_ref().filter(|fix| offered(fix))?;
            let safe = fix.safety == Safety::Safe;
            Some(QuickFix {
                diagnostic: i,
                title: if safe {
                    fix.title.clone()
                } else {
                    format!("{} (unsafe: changes what authentik reads)", fix.title)
                },
                safe,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: index.range(
                            text,
                            shift + e.span.start as usize,
                            shift + e.span.end as usize,
                        ),
                        new_text: e.text.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Whether two ranges share a position (a cursor inside or at the edge of a diagnostic).
pub fn touches(a: &Range, b: &Range) -> bool {
    let before = |p: &lsp_types::Position, q: &lsp_types::Position| {
        (p.line, p.character) < (q.line, q.character)
    };
    !before(&a.end, &b.start) && !before(&b.end, &a.start)
}
