//! References between entries and into the context: `!KeyOf`, ids, `!Context`.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use crate::blueprint::Tag;
use crate::check::finding::{Ctx, Rule, Severity, Sink};

pub const KEYOF_UNRESOLVED: Rule = Rule {
    code: "AKB300",
    name: "keyof-unresolved",
    severity: Severity::Error,
    summary: "`!KeyOf` names an id that no earlier entry defines.",
    doc: "## What it does\nChecks that every `!KeyOf x` names the `id` of an entry that comes **earlier** in apply order.\n\n## Why\nauthentik resolves `!KeyOf` against entries already applied: a later or misspelt id fails with \"KeyOf: failed to find entry with `id` of `x` and a model instance\", and the whole blueprint is rolled back.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki, provider: !KeyOf provider}\n  - model: authentik_providers_proxy.proxyprovider\n    id: provider\n    identifiers: {name: wiki}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_providers_proxy.proxyprovider\n    id: provider\n    identifiers: {name: wiki}\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki, provider: !KeyOf provider}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_keyof),
};

fn check_keyof(ctx: &Ctx, sink: &mut Sink) {
    // The ids of the blueprint, in entry order, collected once when a "did you mean"
    // first needs them: collected per unresolved reference, each passed over every entry
    // (1 MiB of references to missing ids took 0.5 s, 4 MiB 5.3 s).
    let ids: OnceCell<Vec<&str>> = OnceCell::new();
    for t in &ctx.bp.tags {
        let Some(Tag::KeyOf { id }) = t.ok() else {
            continue;
        };
        // Outside entries (e.g. in `context`) the tag resolves at use; treat as the using entry's.
        let here = t.entry.unwrap_or(usize::MAX);
        let defined = ctx
            .bp
            .entry_by_id(id)
            .and_then(|e| Some((e.index, e.id()?)));
        match defined {
            Some((idx, _)) if idx < here => {}
            Some((idx, node)) if idx == here => {
                sink.push(
                    &KEYOF_UNRESOLVED,
                    t.node.span,
                    format!("`!KeyOf {id}` refers to its own entry, which is not applied yet"),
                )
                .secondary(node.span, "the entry's own id")
                .help("an entry cannot reference itself; split it or use `!Find`");
            }
            Some((_, node)) => {
                sink.push(&KEYOF_UNRESOLVED, t.node.span, format!("`!KeyOf {id}` refers to an entry defined later; authentik applies entries in order"))
                    .secondary(node.span, "defined here, after its use")
                    .help(format!("move the entry with `id: {id}` above this one"));
            }
            None => {
                let f = sink.push(
                    &KEYOF_UNRESOLVED,
                    t.node.span,
                    format!("no entry has `id: {id}`"),
                );
                if f.counted_only() {
                    continue; // past the report's cap: its help is never read
                }
                let ids =
                    ids.get_or_init(|| ctx.bp.entries.iter().filter_map(|e| e.id_str()).collect());
                match ctx.suggestions.did_you_mean(id, ids.iter().copied()) {
                    Some(s) => f.help(format!("did you mean `{s}`?")),
                    None => f.help("give the referenced entry `id: <name>`, or look the object up with `!Find`"),
                };
            }
        }
    }
}

pub const DUPLICATE_ID: Rule = Rule {
    code: "AKB301",
    name: "duplicate-id",
    severity: Severity::Warning,
    summary: "Two entries share an `id`; `!KeyOf` finds the first.",
    doc: "## What it does\nReports an `id` used by more than one entry.\n\n## Why\n`!KeyOf` resolves to the first applied entry with that id, which is rarely what the second one meant.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    id: group\n    identifiers: {name: admins}\n  - model: authentik_core.group\n    id: group\n    identifiers: {name: users}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    id: admins\n    identifiers: {name: admins}\n  - model: authentik_core.group\n    id: users\n    identifiers: {name: users}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_duplicate_ids),
};

fn check_duplicate_ids(ctx: &Ctx, sink: &mut Sink) {
    let mut seen: HashMap<&str, &crate::load::Node> = HashMap::new();
    for e in &ctx.bp.entries {
        let (Some(id), Some(node)) = (e.id_str(), e.id()) else {
            continue;
        };
        if let Some(first) = seen.get(id) {
            sink.push(
                &DUPLICATE_ID,
                node.span,
                format!("`id: {id}` is already used by an earlier entry"),
            )
            .secondary(first.span, "first defined here; `!KeyOf` finds this one")
            .help("give each entry its own id");
        } else {
            seen.insert(id, node);
        }
    }
}

pub const KEYOF_CONDITIONAL: Rule = Rule {
    code: "AKB302",
    name: "keyof-conditional",
    severity: Severity::Warning,
    summary: "`!KeyOf` points to an entry with `conditions`, which may be skipped.",
    doc: "## What it does\nReports `!KeyOf` to an entry that has `conditions`.\n\n## Why\nWhen the conditions are false the entry is skipped, produces no object, and the `!KeyOf` fails the blueprint.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    id: group\n    identifiers: {name: admins}\n    conditions: [!Env [CREATE_GROUP, false]]\n  - model: authentik_core.group\n    identifiers: {name: sub}\n    attrs: {parents: [!KeyOf group]}\n```\n\n## Use instead\nGive the referencing entry the same conditions, or drop them.\n",
    stops_load: false,
    cases: &[],
    check: Some(check_keyof_conditional),
};

fn check_keyof_conditional(ctx: &Ctx, sink: &mut Sink) {
    for t in &ctx.bp.tags {
        let Some(Tag::KeyOf { id }) = t.ok() else {
            continue;
        };
        let Some(target) = ctx.bp.entry_by_id(id) else {
            continue;
        };
        if Some(target.index) >= t.entry || !target.is_conditional() {
            continue;
        }
        let same_conditions = t
            .entry
            .and_then(|i| ctx.bp.entries.get(i))
            .and_then(|e| e.conditions())
            .zip(target.conditions())
            .is_some_and(|(a, b)| ctx.doc.source.slice(a.span) == ctx.doc.source.slice(b.span));
        if same_conditions {
            continue;
        }
        let mut f = sink.push(
            &KEYOF_CONDITIONAL,
            t.node.span,
            format!("`!KeyOf {id}` refers to an entry that its `conditions` may skip"),
        );
        if let Some(c) = target.conditions() {
            f = f.secondary(c.span, "skipped when these are false");
        }
        f.help("give this entry the same conditions, or make the referenced entry unconditional");
    }
}

pub const CONTEXT_UNDEFINED: Rule = Rule {
    code: "AKB303",
    name: "context-undefined",
    severity: Severity::Warning,
    summary: "`!Context key` names a key missing from `context:` and has no default; it resolves to null.",
    doc: "## What it does\nReports `!Context` keys that the blueprint's `context:` does not define and that carry no default. authentik's own context keys (`goauthentik.io/...`) are known.\n\n## Why\nauthentik returns null for a missing key, without an error, unless the blueprint instance supplies it.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {meta_launch_url: !Context wiki_url}\n```\n\n## Use instead\n```yaml\nversion: 1\ncontext:\n  wiki_url: https://wiki.example.com\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {meta_launch_url: !Context wiki_url}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_context_keys),
};

fn check_context_keys(ctx: &Ctx, sink: &mut Sink) {
    let defined: Vec<&str> = ctx
        .bp
        .context
        .and_then(|c| c.as_map())
        .map(|m| m.iter().filter_map(|p| p.key.key_str()).collect())
        .unwrap_or_default();
    // Looked up per reference: a set, not a pass over every key.
    let is_defined: HashSet<&str> = defined.iter().copied().collect();
    for t in &ctx.bp.tags {
        let Some(Tag::Context { key, default }) = t.ok() else {
            continue;
        };
        if default.is_some() {
            continue;
        }
        let Some(k) = key.text else { continue };
        if k.starts_with("goauthentik.io/") || is_defined.contains(k) {
            continue;
        }
        // 2026.5+ walks dotted paths: the first segment must exist.
        let first = k.split('.').next().unwrap_or(k);
        if ctx.target.at_least(crate::target::Target::new(2026, 5))
            && k.contains('.')
            && is_defined.contains(first)
        {
            continue;
        }
        let f = sink.push(&CONTEXT_UNDEFINED, key.node.span, format!("context key `{k}` is not defined in `context:` and has no default; it resolves to null"));
        match ctx.suggestions.did_you_mean(k, defined.iter().copied()) {
            Some(s) => f.help(format!("did you mean `{s}`?")),
            None => f.help(format!(
                "define `{k}` under `context:`, or write `!Context [{k}, default]`"
            )),
        };
    }
}
