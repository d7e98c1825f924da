//! `akbp upgrade --from R1 --to R2`: what a blueprint file loses or means differently on
//! the way from one authentik release to another, and which of it `akbp fix` can mend.
//!
//! Two sources, no opinion: the file is checked at every release line from R1 to R2, and
//! a finding that is not there at R1 "stops working" from the first line that has it (a
//! field removed or renamed, an enum value gone, a model moved, `grant_types` needed); and
//! the curated default and behaviour changes of `schemas/release-changes.json` between the
//! two are matched against the entries they concern ("changes meaning": the empty redirect
//! list from 2025.12.5, the SAML issuer from 2026.5, ...).

use std::collections::{BTreeMap, BTreeSet};

use crate::blueprint::{Blueprint, Entry, State};
use crate::check::{check_source, Finding, Options, Safety, Severity};
use crate::load::{Document, Node, SourceFile, Span};
use crate::model::release_changes::{between, ReleaseChange, When};
use crate::target::Target;
use crate::wrapper::{self, FileContents, Found, PositionMap};

/// Whether an item breaks the file on the new release or changes what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A finding the new release has and the old one does not.
    Stops,
    /// A default or a behaviour authentik changed, for a value the entry sets or leaves out.
    Meaning,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Stops => "stops-working",
            Change::Meaning => "changes-meaning",
        }
    }
}

/// One thing to know about the upgrade, at a place in the file.
#[derive(Debug, Clone)]
pub struct UpgradeItem {
    pub change: Change,
    /// The release (line, or patch) from which it applies.
    pub release: String,
    pub span: Span,
    /// The rule whose finding it is (`Stops` only).
    pub code: Option<&'static str>,
    pub severity: Option<Severity>,
    pub message: String,
    /// What it was before, or how to mend it.
    pub help: Option<String>,
    /// `akbp upgrade --fix` can apply a fix of this safety.
    pub fix: Option<Safety>,
}

/// What upgrading one file means.
#[derive(Debug, Clone)]
pub struct UpgradeReport {
    pub name: String,
    /// The text at the new release, secrets masked (for line and column).
    pub source: Option<SourceFile>,
    pub items: Vec<UpgradeItem>,
}

impl UpgradeReport {
    /// The rule codes of the `Stops` items: the fixes `--fix` applies.
    pub fn codes(&self) -> BTreeSet<&'static str> {
        self.items.iter().filter_map(|i| i.code).collect()
    }
}

type Key = (&'static str, Option<&'static str>, u32, u32);

fn key(f: &Finding) -> Key {
    (f.rule.code, f.case.map(|c| c.id), f.span.start, f.span.end)
}

/// The release lines after `from` up to `to`, in order.
pub fn lines_between(from: Target, to: Target) -> Vec<Target> {
    Target::KNOWN
        .into_iter()
        .filter(|t| !from.at_least(*t) && to.at_least(*t))
        .collect()
}

/// Compare `source` at `from` and at `to` (each pinned, whatever the file's own
/// `# akbp: target` says).
pub fn upgrade_source(
    source: &SourceFile,
    options: &Options,
    from: Target,
    to: Target,
) -> UpgradeReport {
    let at = |target: Target| {
        let o = Options {
            target,
            target_pinned: true,
            ..options.clone()
        };
        check_source(source.clone(), &o)
    };
    let before: BTreeSet<Key> = at(from).findings.iter().map(key).collect();
    let after = at(to);
    let mut items = Vec::new();
    let new: Vec<&Finding> = after
        .findings
        .iter()
        .filter(|f| f.severity > Severity::Info && !before.contains(&key(f)))
        .collect();
    // The first line that has each new finding.
    let mut first: BTreeMap<Key, Target> = BTreeMap::new();
    if !new.is_empty() {
        for t in lines_between(from, to) {
            if t == to {
                break;
            }
            for f in at(t).findings.iter() {
                first.entry(key(f)).or_insert(t);
            }
        }
    }
    for f in new {
        let fix = f
            .fix
            .as_ref()
            .filter(|x| x.blocked.is_none() && !x.edits.is_empty())
            .map(|x| x.safety);
        items.push(UpgradeItem {
            change: Change::Stops,
            release: first.get(&key(f)).copied().unwrap_or(to).to_string(),
            span: f.span,
            code: Some(f.rule.code),
            severity: Some(f.severity),
            message: f.message.clone(),
            help: f.help.clone(),
            fix,
        });
    }
    let stops_at: BTreeSet<u32> = items.iter().map(|i| i.span.start).collect();
    // The same change stated for two releases (a patch of one line, then the next line):
    // the first one counts.
    let mut said: BTreeSet<(u32, String)> = BTreeSet::new();
    for (doc, map) in blueprints(source) {
        let bp = Blueprint::new(&doc);
        let outer = |s: Span| map.as_ref().map_or(s, |m| m.map(s));
        for change in between(from, to) {
            for (span, message, help) in meaning(&bp, change) {
                let span = outer(span);
                if stops_at.contains(&span.start) || !said.insert((span.start, message.clone())) {
                    continue; // the finding there, or an earlier release, already says it
                }
                items.push(UpgradeItem {
                    change: Change::Meaning,
                    release: change.shown_release().to_string(),
                    span,
                    code: None,
                    severity: None,
                    message,
                    help,
                    fix: None,
                });
            }
        }
    }
    items.sort_by_key(|i| (i.span.start, i.change, i.code));
    UpgradeReport {
        name: source.name.to_string(),
        source: after.source,
        items,
    }
}

/// Every blueprint document of the file, with how its positions map to the file's.
fn blueprints(source: &SourceFile) -> Vec<(Document, Option<PositionMap>)> {
    let FileContents::Documents { docs, alone } = wrapper::read_file(source) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in docs.into_iter().flat_map(|d| wrapper::classify(d, alone)) {
        match f {
            Found::Blueprint(doc) => out.push((doc, None)),
            Found::Wrapper { trees, texts, .. } => {
                out.extend(trees.into_iter().map(|t| (t, None)));
                for t in texts {
                    if let Ok(doc) = t.parsed {
                        out.push((doc, Some(t.map)));
                    }
                }
            }
            Found::Other { .. } => {}
        }
    }
    out
}

fn words(v: &Option<serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "nothing stated".into(),
    }
}

fn creates(e: &Entry) -> bool {
    matches!(
        e.state(),
        Some(State::Present | State::Created | State::MustCreated)
    )
}

fn is_empty_list(n: &Node) -> bool {
    n.custom_tag().is_none() && n.as_seq().is_some_and(<[Node]>::is_empty)
}

/// The places in `bp` that `change` concerns, with a message and the old behaviour.
fn meaning(bp: &Blueprint, change: &ReleaseChange) -> Vec<(Span, String, Option<String>)> {
    let mut out = Vec::new();
    let before = Some(format!(
        "before {}: {}",
        change.shown_release(),
        words(&change.old)
    ));
    // A managed object's change (a system blueprint's scope mapping): where the file
    // names the object.
    if let Some(obj) = &change.object {
        let managed = obj.get("managed").and_then(|v| v.as_str());
        let text = &bp.doc.source.text;
        if let Some(at) = managed.and_then(|m| text.find(m)) {
            let m = managed.unwrap_or_default();
            out.push((
                Span::new(at, at + m.len()),
                format!("`{m}` now gives {}", words(&change.new)),
                before,
            ));
        }
        return out;
    }
    let (Some(model), Some(field)) = (change.model.as_deref(), change.field.as_deref()) else {
        return out;
    };
    for e in bp.entries.iter().filter(|e| e.model_key() == Some(model)) {
        let value = e.field(field);
        let hit = match &change.when {
            Some(When::Word(w)) if w == "unset" => {
                (creates(e) && value.is_none()).then(|| e.anchor_span())
            }
            Some(When::Word(w)) if w == "set" => value.map(|v| v.span),
            Some(When::Word(w)) if w == "empty" => match value {
                None if creates(e) => Some(e.anchor_span()),
                Some(v) if is_empty_list(v) => Some(v.span),
                _ => None,
            },
            Some(When::Equals { equals }) => value
                .filter(|v| v.as_str() == Some(equals.as_str()))
                .map(|v| v.span),
            Some(When::Mentions { mentions }) => value
                .filter(|v| bp.doc.source.slice(v.span).contains(mentions.as_str()))
                .map(|v| v.span),
            _ => None,
        };
        if let Some(span) = hit {
            let message = match change.kind.as_str() {
                "default-changed" => format!(
                    "`{field}` is not set: a new {model} gets {} from {}",
                    words(&change.new),
                    change.shown_release()
                ),
                _ => format!("`{field}`: {}", words(&change.new)),
            };
            out.push((span, message, before.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str, from: Target, to: Target) -> Vec<UpgradeItem> {
        upgrade_source(
            &SourceFile::new("t.yaml", text),
            &Options::default(),
            from,
            to,
        )
        .items
    }

    const PROVIDER: &str = "version: 1\nentries:\n  - model: authentik_providers_oauth2.oauth2provider\n    identifiers: {name: p}\n    attrs:\n      authorization_flow: !Find [authentik_flows.flow, [slug, default-provider-authorization-implicit-consent]]\n      invalidation_flow: !Find [authentik_flows.flow, [slug, default-provider-invalidation-flow]]\n      redirect_uris: []\n";

    #[test]
    fn grant_types_stop_working_from_2026_5_and_are_fixable() {
        let got = items(PROVIDER, Target::new(2025, 10), Target::new(2026, 8));
        let grant = got
            .iter()
            .find(|i| i.code == Some("AKB410"))
            .expect("AKB410 is new");
        assert_eq!(grant.change, Change::Stops);
        assert_eq!(grant.release, "2026.5");
        // No redirect URIs: no grant can be inferred, so no fix.
        assert_eq!(grant.fix, None);
        // The empty list: a change of meaning from 2025.12.5 (AKB408 reports it as a
        // finding on that line, so it is a `Stops` item there).
        assert!(
            got.iter().any(|i| i.release.starts_with("2025.12")),
            "{got:?}"
        );
    }

    #[test]
    fn nothing_between_a_release_and_itself() {
        assert!(items(PROVIDER, Target::new(2026, 8), Target::new(2026, 8)).is_empty());
    }
}
