//! Running every enabled rule over one parsed document.

use super::finding::{sort_findings, Ctx, Finding, Options, Overflow, Sink};
use super::rules::RULES;
use super::suggest::Suggestions;
use crate::blueprint::known::evaluate;
use crate::blueprint::Blueprint;
use crate::load::Document;

/// Run every rule over a parsed document; findings of rules switched off are dropped.
pub fn check_document(doc: &Document, options: &Options) -> Vec<Finding> {
    let mut findings = check_document_in(doc, options, Sink::default(), &Suggestions::default()).0;
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
    suggestions: &Suggestions,
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
        suggestions,
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

/// "Did you mean" in a hostile file: bounded by the file's budget, not by its size.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::absent::FIND_DELETED_BUDGET;
    use crate::check::suggest::WORK_PER_FILE;

    /// `n` groups whose `target(word)` line uses a word of `len` characters, then `n`
    /// groups whose `reference(word)` points at a near miss (the word plus `y`).
    fn near_misses(
        n: usize,
        len: usize,
        target: impl Fn(usize, &str) -> String,
        reference: impl Fn(&str) -> String,
    ) -> crate::load::Document {
        let mut text = String::from("version: 1\nentries:\n");
        let word = |i: usize| format!("{i:06}{}", "x".repeat(len - 6));
        for i in 0..n {
            text.push_str(&format!(
                "  - model: authentik_core.group\n{}\n",
                target(i, &word(i))
            ));
        }
        for i in 0..n {
            text.push_str(&format!(
                "  - model: authentik_core.group\n    identifiers: {{name: r{i}}}\n    attrs: {{parents: [{}]}}\n",
                reference(&format!("{}y", word(i)))
            ));
        }
        crate::load::parse(crate::load::SourceFile::new("h.yaml", text)).unwrap()
    }

    /// A blueprint of `n` entries with ids of `len` characters and `n` `!KeyOf` to
    /// near misses of them: every reference unresolved, every one asking "did you mean".
    fn near_miss_ids(n: usize, len: usize) -> crate::load::Document {
        near_misses(
            n,
            len,
            |i, id| format!("    id: {id}\n    identifiers: {{name: g{i}}}"),
            |near| format!("!KeyOf {near}"),
        )
    }

    fn check(doc: &crate::load::Document, suggestions: &Suggestions) -> usize {
        let options = Options::default();
        let sink = Sink::default();
        let (findings, _) = check_document_in(doc, &options, sink, suggestions);
        findings
            .iter()
            .filter(|f| {
                f.help
                    .as_deref()
                    .is_some_and(|h| h.contains("did you mean"))
            })
            .count()
    }

    /// 1,500 unresolved references times 1,500 ids of 60 characters would be 2.25 million
    /// comparisons of 3,721 pairs each; the file's budget stops far earlier, and the
    /// references checked first still get their suggestion.
    #[test]
    fn a_file_of_near_miss_ids_spends_a_bounded_budget() {
        let doc = near_miss_ids(1500, 60);
        let suggestions = Suggestions::default();
        let suggested = check(&doc, &suggestions);
        // Comparisons of two ids cost 61 * 61 pairs each: the budget allows 13,437 of
        // them (a few of the budget's comparisons are with shorter names).
        assert!(suggestions.compared() <= WORK_PER_FILE / (61 * 61) + 100);
        assert!(
            suggestions.compared() > 10_000,
            "{}",
            suggestions.compared()
        );
        assert!(suggestions.left() < 61 * 61, "spent");
        assert!(
            suggested >= 1,
            "the first references still get a suggestion"
        );
        assert!(suggested < 1500);
    }

    /// `n` groups named with `len` characters and `n` required `!Find` of near misses of
    /// them: no lookup finds its object, and each is one edit away from one.
    fn near_miss_finds(n: usize, len: usize) -> crate::load::Document {
        near_misses(
            n,
            len,
            |_, name| format!("    identifiers: {{name: {name}}}"),
            |near| format!("!Find [authentik_core.group, [name, {near}]]"),
        )
    }

    /// The one-edit search of `!Find` values (AKB312) looks at every object the file
    /// creates for every lookup: it is paid from the same budget, so 3,000 near misses
    /// among 3,000 objects (4.5 million visits) stop when it is spent, and the first
    /// lookups are still named typos.
    #[test]
    fn near_miss_finds_spend_the_same_budget() {
        let doc = near_miss_finds(3000, 60);
        let suggestions = Suggestions::default();
        let options = Options::default();
        let (findings, _) = check_document_in(&doc, &options, Sink::default(), &suggestions);
        let typos = findings.iter().filter(|f| f.rule.code == "AKB312").count();
        let unresolved = findings.iter().filter(|f| f.rule.code == "AKB304").count();
        // Each visit of an object costs the value's 61 characters and more.
        assert!(
            suggestions.compared() <= WORK_PER_FILE / 62,
            "{}",
            suggestions.compared()
        );
        assert!(
            suggestions.left() < 1_000_000,
            "spent: {}",
            suggestions.left()
        );
        assert!(typos >= 100, "the first lookups are typos: {typos}");
        assert!(typos < 3000, "{typos}");
        assert_eq!(typos + unresolved, 3000, "every lookup is reported once");
    }

    /// Ids longer than `MAX_COMPARED_CHARS` are never compared.
    #[test]
    fn long_ids_are_not_compared() {
        let doc = near_miss_ids(200, 1000);
        let suggestions = Suggestions::default();
        assert_eq!(check(&doc, &suggestions), 0);
        assert_eq!(suggestions.compared(), 0);
        assert_eq!(suggestions.left(), WORK_PER_FILE);
    }

    /// Lookups of 13 conditions over 999 earlier entries of their model each take 1,000
    /// steps: the first 2,000 are decided (and each finds the deleting entry 0), the later
    /// ones are not. Before the budget all 2,500 were, at a cost that grows with the product
    /// of lookups and entries (a 10 MiB file of them took over a minute).
    #[test]
    fn find_deleted_lookups_stop_when_the_files_budget_is_spent() {
        let entries = 999;
        let lookups = 2_500;
        let mut text = String::from("version: 1\nentries:\n");
        text.push_str(
            "  - {model: authentik_core.group, state: absent, identifiers: {name: g0}}\n",
        );
        for i in 1..entries {
            text.push_str(&format!(
                "  - {{model: authentik_core.group, identifiers: {{name: g{i}}}}}\n"
            ));
        }
        let conditions: String = (1..13).map(|k| format!(", [f{k}, v]")).collect();
        text.push_str("  - model: authentik_core.group\n    identifiers: {name: last}\n    attrs:\n      attributes:\n        x:\n");
        for _ in 0..lookups {
            text.push_str(&format!(
                "        - !Find [authentik_core.group, [name, g0]{conditions}]\n"
            ));
        }
        let doc = crate::load::parse(crate::load::SourceFile::new("b.yaml", text)).unwrap();
        let found = check_document(&doc, &Default::default())
            .iter()
            .filter(|f| f.rule.code == "AKB307")
            .count();
        assert_eq!(found, FIND_DELETED_BUDGET / entries);
        assert!(found < lookups);
    }

    /// A provider of more regex redirect URIs than a file may compile: the first
    /// [`REGEXES_PER_FILE`] are compiled (the invalid ones reported as errors), each one
    /// past that is reported as not verified.
    #[test]
    fn regex_redirect_uris_past_the_files_budget_are_reported_unverified() {
        use crate::check::suggest::REGEXES_PER_FILE;
        let mut text = String::from("version: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: p}\n    attrs:\n      redirect_uris:\n");
        let past = 7;
        for i in 0..REGEXES_PER_FILE + past {
            // Every 100th pattern does not compile.
            let url = if i % 100 == 0 {
                format!("https://h{i}\\.example/(cb")
            } else {
                format!("https://h{i}\\.example/cb.*")
            };
            text.push_str(&format!(
                "        - {{matching_mode: regex, url: '{url}'}}\n"
            ));
        }
        let doc = crate::load::parse(crate::load::SourceFile::new("b.yaml", text)).unwrap();
        let found = check_document(&doc, &Default::default());
        let of = |case: Option<&str>| {
            found
                .iter()
                .filter(|f| f.rule.code == "AKB403" && f.case.map(|c| c.id) == case)
                .count()
        };
        assert_eq!(of(None), REGEXES_PER_FILE / 100);
        assert_eq!(of(Some("unverifiable")), past);
    }
}
