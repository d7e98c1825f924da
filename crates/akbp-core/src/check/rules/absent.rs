//! Entries with `state: absent` and what later entries expect of the objects they delete.
//!
//! authentik/blueprints/v1/importer.py (2026.2.2): an `absent` entry deletes the object its
//! identifiers find and never records an instance, so `!KeyOf` cannot resolve to it
//! (common.py `KeyOf.resolve` needs `_entry._state.instance`), and its `attrs` are not
//! written anywhere.

use crate::blueprint::{Entry, State, Tag};
use crate::check::finding::{Ctx, Rule, Severity, Sink};
use crate::load::Node;

pub const KEYOF_ABSENT: Rule = Rule {
    code: "AKB306",
    name: "keyof-absent",
    severity: Severity::Error,
    summary: "`!KeyOf` names an entry with `state: absent`, which never has an object to point at.",
    doc: "## What it does\nReports `!KeyOf x` when the entry with `id: x` has `state: absent`.\n\n## Why\nAn `absent` entry deletes its object and records no instance, so authentik fails with \"KeyOf: failed to find entry with `id` of `x` and a model instance\" and rolls the whole blueprint back (authentik/blueprints/v1/importer.py and common.py `KeyOf`, 2026.2.2; lab-verified on 2026.2.2).\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    id: old\n    state: absent\n    identifiers: {name: wiki-old}\n  - model: authentik_core.group\n    identifiers: {name: wiki-users}\n    attrs:\n      parents: [!KeyOf old]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    state: absent\n    identifiers: {name: wiki-old}\n  - model: authentik_core.group\n    identifiers: {name: wiki-users}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_keyof_absent),
};

fn check_keyof_absent(ctx: &Ctx, sink: &mut Sink) {
    for t in &ctx.bp.tags {
        let Some(Tag::KeyOf { id }) = t.ok() else {
            continue;
        };
        let here = t.entry.unwrap_or(usize::MAX);
        // authentik takes the first earlier entry with this id that has an instance.
        let mut earlier = ctx
            .bp
            .entries
            .iter()
            .filter(|e| e.index < here && e.id_str() == Some(id));
        let Some(first) = earlier.clone().next() else {
            continue; // AKB300
        };
        if earlier.all(|e| e.state() == Some(State::Absent)) {
            let at = first.state.map_or(first.anchor_span(), |s| s.span);
            sink.push(
                &KEYOF_ABSENT,
                t.node.span,
                format!("`!KeyOf {id}` names an entry that deletes its object; it never resolves"),
            )
            .secondary(at, "this entry deletes, it creates nothing")
            .help("refer to an entry that creates or updates the object, or drop the reference");
        }
    }
}

pub const FIND_DELETED: Rule = Rule {
    code: "AKB307",
    name: "find-deleted",
    severity: Severity::Warning,
    summary: "A `!Find` looks up an object that an earlier `state: absent` entry deletes; it resolves to null.",
    doc: "## What it does\nReports a `!Find` whose `[field, value]` conditions include every identifier of an earlier `state: absent` entry of the same model (and no entry in between creates the object again).\n\nIn a run over several blueprints, the same for a `!Find` where null is refused whose object another blueprint of the run deletes (an `absent` entry whose identifiers match the lookup): authentik applies the two in no guaranteed order, and once the deletion ran the lookup finds nothing.\n\n## Why\nauthentik applies entries in order: by the time the `!Find` runs the object is gone, so it yields null and the field is cleared or the entry fails (lab-verified on 2026.2.2: deleting `authentik Read-only` and then binding it by `!Find` fails with \"One of 'group', 'policy', 'user' must be set.\").\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    state: absent\n    identifiers: {name: wiki-old}\n  - model: authentik_policies.policybinding\n    identifiers:\n      target: !Find [authentik_core.application, [slug, wiki]]\n      group: !Find [authentik_core.group, [name, wiki-old]]\n    attrs: {order: 0}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    state: absent\n    identifiers: {name: wiki-old}\n  - model: authentik_core.group\n    identifiers: {name: wiki-users}\n  - model: authentik_policies.policybinding\n    identifiers:\n      target: !Find [authentik_core.application, [slug, wiki]]\n      group: !Find [authentik_core.group, [name, wiki-users]]\n    attrs: {order: 0}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_find_deleted),
};

/// The literal `field: value` identifiers of an entry; `None` when any is computed.
fn literal_identifiers<'d>(e: &Entry<'d>) -> Option<Vec<(&'d str, &'d Node)>> {
    let pairs = e.identifiers?.as_map()?;
    if pairs.is_empty() {
        return None;
    }
    pairs
        .iter()
        .map(|p| {
            let k = p.key.key_str()?;
            p.value.scalar_value()?;
            Some((k, &p.value))
        })
        .collect()
}

/// Whether `ids` (an entry's identifiers) are all among the lookups.
fn lookups_cover(ids: &[(&str, &Node)], lookups: &[(&Node, &Node)]) -> bool {
    ids.iter().all(|(k, v)| {
        lookups
            .iter()
            .any(|(f, lv)| f.as_str() == Some(*k) && lv.custom_tag().is_none() && v.same_value(lv))
    })
}

fn check_find_deleted(ctx: &Ctx, sink: &mut Sink) {
    let entries = &ctx.bp.entries;
    for t in &ctx.bp.tags {
        let Some(Tag::Find {
            model, conditions, ..
        }) = t.ok()
        else {
            continue;
        };
        let (Some(here), Some(name)) = (t.entry, model.as_str()) else {
            continue;
        };
        let key = name.to_ascii_lowercase();
        // The last earlier entry of that model whose identifiers the lookup covers decides.
        let last = entries[..here.min(entries.len())]
            .iter()
            .rev()
            .filter(|e| e.model_key() == Some(key.as_str()) && !e.is_conditional())
            .find_map(|e| {
                let ids = literal_identifiers(e)?;
                lookups_cover(&ids, conditions).then_some(e)
            });
        let Some(deleting) = last.filter(|e| e.state() == Some(State::Absent)) else {
            continue;
        };
        let at = deleting.state.map_or(deleting.anchor_span(), |s| s.span);
        sink.push(
            &FIND_DELETED,
            t.node.span,
            format!("this `!Find` looks up the `{key}` that an earlier entry deletes; it resolves to null"),
        )
        .secondary(at, "deleted here")
        .help("look up an object that still exists, or remove the `absent` entry");
    }
}

pub const ABSENT_WITH_ATTRS: Rule = Rule {
    code: "AKB308",
    name: "absent-with-attrs",
    // Harmless to authentik (its own example blueprints do it), but misleading to a reader.
    severity: Severity::Info,
    summary: "An entry with `state: absent` carries `attrs`, which authentik ignores.",
    doc: "## What it does\nReports non-empty `attrs` on an entry with `state: absent`.\n\n## Why\nauthentik finds the object by its `identifiers` and deletes it; `attrs` neither narrow the match nor get written (authentik/blueprints/v1/importer.py, 2026.2.2; lab-verified on 2026.2.2: such an entry is accepted and the attrs have no effect). Attributes there suggest the author expected an update, or a filter on what is deleted.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    state: absent\n    identifiers: {name: wiki-old}\n    attrs: {is_superuser: false}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    state: absent\n    identifiers: {name: wiki-old}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_absent_with_attrs),
};

fn check_absent_with_attrs(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        if e.state() != Some(State::Absent) {
            continue;
        }
        let Some(attrs) = e
            .attrs
            .filter(|a| a.as_map().is_some_and(|m| !m.is_empty()))
        else {
            continue;
        };
        let f = sink.push(
            &ABSENT_WITH_ATTRS,
            attrs.span,
            "`attrs` of an `absent` entry are ignored: authentik deletes the object its identifiers find",
        );
        if let Some(st) = e.state {
            f.secondary(st.span, "deletes");
        }
        f.help("remove `attrs`; to delete only a matching object, put the fields in `identifiers`");
    }
}
