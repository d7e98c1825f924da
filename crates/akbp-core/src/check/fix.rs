//! Apply the fixes findings carry to one file's text (`akbp fix`, the language server's
//! code actions). Pure: the caller reads and writes the file.
//!
//! Fixes apply in passes: each pass checks the text, takes every applicable fix that
//! does not overlap one already taken (in source order), and applies them together. A
//! pass that would leave the file unreadable to authentik (a finding of a rule that
//! [`stops_load`](super::Rule::stops_load) which the text did not have) is undone and
//! its fixes are tried one at a time; one that still breaks the file is skipped. Passes
//! repeat until none applies (a fix may uncover another), at most [`MAX_PASSES`].

use std::collections::BTreeSet;

use super::finding::{apply_edits, Finding, Options, Safety};
use super::located::check_source;
use crate::load::SourceFile;

/// Passes before giving up on fixes that keep producing new ones.
pub const MAX_PASSES: usize = 8;

/// Which fixes to apply.
#[derive(Debug, Clone, Default)]
pub struct FixSettings {
    /// Apply unsafe fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Only fixes of these rule codes (`akbp upgrade --fix`); `None`: every rule.
    pub only: Option<BTreeSet<&'static str>>,
}

impl FixSettings {
    fn wants(&self, f: &Finding) -> bool {
        self.only.as_ref().is_none_or(|o| o.contains(f.rule.code))
    }
}

/// One fix applied or left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixNote {
    pub code: &'static str,
    pub title: String,
    pub safety: Safety,
    /// 1-based line of the finding in the text the fix was applied to.
    pub line: usize,
    /// Why it was left out (`None` when applied).
    pub why: Option<String>,
}

/// What fixing one text did.
#[derive(Debug, Clone, Default)]
pub struct FixOutcome {
    /// The text with every applied fix.
    pub text: String,
    pub applied: Vec<FixNote>,
    /// Fixes that exist but were not applied: unsafe without `--unsafe-fixes`, blocked
    /// where the finding is, or breaking the file.
    pub skipped: Vec<FixNote>,
}

impl FixOutcome {
    pub fn changed(&self) -> bool {
        !self.applied.is_empty()
    }
}

fn note(source: &SourceFile, f: &Finding, why: Option<String>) -> FixNote {
    let fix = f.fix.as_ref();
    FixNote {
        code: f.rule.code,
        title: fix.map(|x| x.title.clone()).unwrap_or_default(),
        safety: fix.map_or(Safety::Unsafe, |x| x.safety),
        line: source.position(f.span.start as usize).line,
        why,
    }
}

/// The codes of load-stopping findings in a checked text.
fn load_stoppers(findings: &[Finding]) -> BTreeSet<&'static str> {
    findings
        .iter()
        .filter(|f| f.rule.stops_load)
        .map(|f| f.rule.code)
        .collect()
}

/// Apply the fixes of `source`'s findings as `settings` allow.
pub fn fix_source(source: &SourceFile, options: &Options, settings: &FixSettings) -> FixOutcome {
    let mut text = source.text.to_string();
    let mut out = FixOutcome::default();
    // Skipped notes of the last pass only: earlier ones may have been fixed since.
    let mut skipped = Vec::new();
    for _ in 0..MAX_PASSES {
        let current = SourceFile::new(source.name.clone(), text.clone());
        let report = check_source(current.clone(), options);
        let before = load_stoppers(&report.findings);
        skipped.clear();
        let mut candidates: Vec<&Finding> = Vec::new();
        for f in report.findings.iter().filter(|f| settings.wants(f)) {
            let Some(fix) = &f.fix else { continue };
            if let Some(why) = &fix.blocked {
                skipped.push(note(&current, f, Some(why.clone())));
            } else if fix.safety == Safety::Unsafe && !settings.unsafe_fixes {
                skipped.push(note(
                    &current,
                    f,
                    Some("unsafe: applied with `--unsafe-fixes`".into()),
                ));
            } else if !fix.edits.is_empty() {
                candidates.push(f);
            }
        }
        let mut taken: Vec<&Finding> = Vec::new();
        for f in candidates {
            let fix = f.fix.as_ref().expect("candidates have a fix");
            if taken
                .iter()
                .any(|t| t.fix.as_ref().is_some_and(|t| t.overlaps(fix)))
            {
                continue; // the next pass sees it again
            }
            taken.push(f);
        }
        if taken.is_empty() {
            break;
        }
        let breaks = |candidate: &str| {
            let after = check_source(SourceFile::new(source.name.clone(), candidate), options);
            !load_stoppers(&after.findings).is_subset(&before)
        };
        let together = apply_all(&text, &taken);
        let mut applied_any = false;
        match together {
            Some(t) if !breaks(&t) => {
                for f in &taken {
                    out.applied.push(note(&current, f, None));
                }
                applied_any = t != text;
                text = t;
            }
            _ => {
                // One at a time, from the end so earlier offsets hold.
                let mut t = text.clone();
                for f in taken.iter().rev() {
                    match apply_all(&t, &[*f]) {
                        Some(next) if !breaks(&next) => {
                            out.applied.push(note(&current, f, None));
                            applied_any |= next != t;
                            t = next;
                        }
                        _ => skipped.push(note(
                            &current,
                            f,
                            Some("applying it would make the file unreadable to authentik".into()),
                        )),
                    }
                }
                text = t;
            }
        }
        if !applied_any {
            break;
        }
    }
    out.skipped = skipped;
    out.text = text;
    out
}

/// `text` with the fixes of `findings` (not overlapping) applied.
fn apply_all(text: &str, findings: &[&Finding]) -> Option<String> {
    let mut edits: Vec<_> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|f| f.edits.iter())
        .collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    apply_edits(text, edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::finding::{Edit, Fix};
    use crate::load::Span;

    fn fixed(text: &str, unsafe_fixes: bool) -> FixOutcome {
        let settings = FixSettings {
            unsafe_fixes,
            only: None,
        };
        fix_source(
            &SourceFile::new("t.yaml", text),
            &Options::default(),
            &settings,
        )
    }

    const ENV: &str = "# keep me\nversion: 1\nmetadata:\n  name: t   # and me\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name:   Wiki\n      meta_launch_url: !Env WIKI_URL, https://wiki.example.com  # url\n";

    #[test]
    fn unsafe_fix_needs_the_flag() {
        let o = fixed(ENV, false);
        assert_eq!(o.text, ENV);
        assert!(o.applied.is_empty());
        assert_eq!(o.skipped.len(), 1, "{:?}", o.skipped);
        assert_eq!(o.skipped[0].code, "AKB014");
    }

    #[test]
    fn env_default_fix_keeps_the_rest_byte_for_byte() {
        let o = fixed(ENV, true);
        assert_eq!(
            o.text,
            ENV.replace(
                "!Env WIKI_URL, https://wiki.example.com",
                "!Env [WIKI_URL, 'https://wiki.example.com']"
            )
        );
        assert_eq!(o.applied.len(), 1);
        assert!(o.skipped.is_empty());
    }

    #[test]
    fn wrapped_literal_block_is_edited_at_its_place() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bp\ndata:\n  wiki.yaml: |\n    version: 1\n    metadata:\n      name: t\n    entries:\n      - model: authentik_core.application\n        identifiers: {slug: wiki}\n        attrs:\n          name: Wiki\n          meta_launch_url: !Env WIKI_URL, https://wiki.example.com\n";
        let o = fixed(cm, true);
        assert_eq!(o.applied.len(), 1, "{:?}", o.skipped);
        assert_eq!(
            o.text,
            cm.replace(
                "!Env WIKI_URL, https://wiki.example.com",
                "!Env [WIKI_URL, 'https://wiki.example.com']"
            )
        );
    }

    #[test]
    fn quoted_wrapped_text_is_blocked() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bp\ndata:\n  wiki.yaml: \"version: 1\\nmetadata:\\n  name: t\\nentries:\\n  - model: authentik_core.application\\n    identifiers: {slug: wiki}\\n    attrs:\\n      name: Wiki\\n      meta_launch_url: !Env WIKI_URL, https://wiki.example.com\\n\"\n";
        let o = fixed(cm, true);
        assert_eq!(o.text, cm);
        assert_eq!(o.skipped.len(), 1, "{:?}", o.skipped);
        assert!(o.skipped[0]
            .why
            .as_deref()
            .is_some_and(|w| w.contains("quoted or folded")));
    }

    #[test]
    fn edits_apply_in_order_and_refuse_overlaps() {
        let a = Fix::safe("a", vec![Edit::replace(Span::new(0, 3), "xy")]);
        let b = Fix::safe("b", vec![Edit::insert(2, "z")]);
        let c = Fix::safe("c", vec![Edit::insert(3, "!")]);
        assert!(a.overlaps(&b));
        assert!(!a.overlaps(&c));
        assert_eq!(a.apply_to("abcdef").as_deref(), Some("xydef"));
        assert_eq!(
            apply_edits("abcdef", a.edits.iter().chain(&c.edits)).as_deref(),
            Some("xy!def")
        );
        assert_eq!(apply_edits("ab", &[Edit::insert(5, "x")]), None);
        assert_eq!(apply_edits("é", &[Edit::insert(1, "x")]), None);
    }
}
