//! Running every enabled rule over one parsed document.

use super::finding::{sort_findings, Ctx, Finding, Options, Overflow, Sink};
use super::rules::RULES;
use crate::blueprint::known::evaluate;
use crate::blueprint::Blueprint;
use crate::load::Document;

/// Run every rule over a parsed document; findings of rules switched off are dropped.
pub fn check_document(doc: &Document, options: &Options) -> Vec<Finding> {
    let mut findings = check_document_in(doc, options, Sink::default()).0;
    options
        .policy
        .resolve(&mut findings, &mut Default::default());
    findings
}

/// Run every rule over a parsed document into `sink` (capped or not). Every rule runs,
/// switched off or not: the one severity decision drops and counts the findings of those
/// switched off ([`crate::check::finding::Suppressed`]), so a report can say how many
/// `ignore = ["ALL"]` hid.
pub(crate) fn check_document_in(
    doc: &Document,
    options: &Options,
    mut sink: Sink,
) -> (Vec<Finding>, Vec<Overflow>) {
    // With --context/--env, rules see the values of the tags they can evaluate.
    let evaluated = evaluate(doc, &options.known);
    let doc = evaluated.as_ref().unwrap_or(doc);
    let bp = Blueprint::new(doc);
    let ctx = Ctx {
        bp: &bp,
        doc,
        options,
        target: options.target,
    };
    for rule in RULES.iter() {
        if let Some(check) = rule.check {
            check(&ctx, &mut sink);
        }
    }
    let (mut findings, overflow) = sink.finish();
    // Values read from --env are secrets: never in a message.
    let secrets = options.known.secret_values();
    if !secrets.is_empty() {
        findings.iter_mut().for_each(|f| mask_values(f, &secrets));
    }
    sort_findings(&mut findings);
    (findings, overflow)
}

/// Replace every occurrence of `values` (secrets) in a finding's texts with `***`.
pub fn mask_values(f: &mut Finding, values: &[String]) {
    let mask = |s: &str| {
        let mut s = s.to_string();
        for v in values {
            if s.contains(v.as_str()) {
                s = s.replace(v.as_str(), "***");
            }
        }
        s
    };
    f.message = mask(&f.message);
    f.help = f.help.as_deref().map(mask);
    f.label = f.label.as_deref().map(mask);
    for l in &mut f.labels {
        l.text = mask(&l.text);
    }
}
