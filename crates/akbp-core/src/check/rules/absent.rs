//! Entries with `state: absent` and what later entries expect of the objects they delete.
//!
//! authentik/blueprints/v1/importer.py (2026.2.2): an `absent` entry deletes the object its
//! identifiers find and never records an instance, so `!KeyOf` cannot resolve to it
//! (common.py `KeyOf.resolve` needs `_entry._state.instance`), and its `attrs` are not
//! written anywhere.

use std::collections::HashMap;

use crate::blueprint::{Entry, State, Tag};
use crate::check::finding::{Ctx, Rule, Severity, Sink};
use crate::load::{Node, Scalar};

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
        let mut earlier = ctx.bp.entries_with_id(id).take_while(|e| e.index < here);
        let Some(first) = earlier.clone().next() else {
            continue; // AKB300
        };
        if earlier.all(|e| e.state() == Some(State::Absent)) {
            let at = first.state_node().map_or(first.anchor_span(), |s| s.span);
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
    doc: "## What it does\nReports a `!Find` whose `[field, value]` conditions include every identifier of an earlier `state: absent` entry of the same model (and no entry in between creates the object again).\n\nIn a run over several blueprints, the same for a `!Find` where null is refused whose object another blueprint of the run deletes (an `absent` entry whose identifiers match the lookup): authentik applies the two in no guaranteed order, and once the deletion ran the lookup finds nothing.\n\nFinding the deciding entry is paid from a budget of 2,000,000 steps per file (an identifier set looked up, or an earlier entry compared; see Hostile input): in a file built to exhaust it (tens of thousands of `!Find`s of more than 12 conditions over tens of thousands of entries) the lookups after it is spent are not checked. A lookup of one to three conditions takes 1 to 7 steps.\n\n## Why\nauthentik applies entries in order: by the time the `!Find` runs the object is gone, so it yields null and the field is cleared or the entry fails (lab-verified on 2026.2.2: deleting `authentik Read-only` and then binding it by `!Find` fails with \"One of 'group', 'policy', 'user' must be set.\").\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    state: absent\n    identifiers: {name: wiki-old}\n  - model: authentik_policies.policybinding\n    identifiers:\n      target: !Find [authentik_core.application, [slug, wiki]]\n      group: !Find [authentik_core.group, [name, wiki-old]]\n    attrs: {order: 0}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    state: absent\n    identifiers: {name: wiki-old}\n  - model: authentik_core.group\n    identifiers: {name: wiki-users}\n  - model: authentik_policies.policybinding\n    identifiers:\n      target: !Find [authentik_core.application, [slug, wiki]]\n      group: !Find [authentik_core.group, [name, wiki-users]]\n    attrs: {order: 0}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_find_deleted),
};

/// The literal `field: value` identifiers of an entry; `None` when any is computed.
fn literal_identifiers<'d>(e: &Entry<'d>) -> Option<Vec<(&'d str, &'d Node)>> {
    let pairs = e.identifiers()?.as_map()?;
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

/// An untagged scalar as [`Node::same_value`] tells them apart: numbers and booleans by
/// their value, anything else by its type and text. Equal values have equal keys.
fn value_key(n: &Node) -> Option<String> {
    let number = |x: f64| format!("n{}", (x + 0.0).to_bits());
    Some(match n.scalar_value()? {
        Scalar::Bool(b) => number(f64::from(u8::from(b))),
        Scalar::Int(i) => number(i as f64),
        Scalar::Float(f) => number(f),
        other => format!("{other:?}"),
    })
}

/// Identifier sets, sorted and without repeats, as keys.
type IdentifierSet<'d> = Vec<(&'d str, String)>;

/// Most conditions of one `!Find` whose subsets are looked up (2^12 lookups); a longer
/// one scans the earlier entries of its model.
const MAX_INDEXED_CONDITIONS: usize = 12;

/// Steps (an identifier set looked up, or an earlier entry compared) all the `!Find`s of
/// one file may take to find their deciding entry. Which entry decides is a subset
/// question (is some entry's identifier set inside the lookup's conditions?) with no
/// fast answer for every file: a file of 83,000 entries and 32,000 `!Find`s of 13
/// conditions each took over a minute before this budget. A lookup whose steps no longer
/// fit is not decided, so AKB307 says nothing about it; ordinary files (lookups of one to
/// three conditions: 1 to 7 steps each) never reach it.
pub(crate) const FIND_DELETED_BUDGET: usize = 2_000_000;

/// The entries that can decide what a `!Find` finds (not conditional, literal
/// identifiers), by model and identifier set, in apply order: with 22,000 lookups and as
/// many entries, scanning every earlier entry for each lookup is quadratic.
fn by_identifiers<'d>(entries: &[Entry<'d>]) -> Deciders<'d> {
    let mut index = Deciders::default();
    for e in entries {
        let Some(model) = e.model_key() else { continue };
        if e.is_conditional() {
            continue;
        }
        let Some(ids) = literal_identifiers(e) else {
            continue;
        };
        let Some(mut set) = ids
            .iter()
            .map(|(k, v)| Some((*k, value_key(v)?)))
            .collect::<Option<IdentifierSet>>()
        else {
            continue;
        };
        set.sort();
        set.dedup();
        index
            .by_model
            .entry(model.to_string())
            .or_default()
            .push(e.index);
        index
            .by_set
            .entry((model.to_string(), set))
            .or_default()
            .push(e.index);
    }
    index
}

/// The entries that decide what a `!Find` finds: by model and identifier set, and every
/// such entry of a model, in apply order.
#[derive(Default)]
struct Deciders<'d> {
    by_set: HashMap<(String, IdentifierSet<'d>), Vec<usize>>,
    by_model: HashMap<String, Vec<usize>>,
}

/// The last entry before `here` of model `key` whose identifiers the lookup's conditions
/// cover: one whose identifier set is a subset of the literal conditions. Each subset of
/// up to [`MAX_INDEXED_CONDITIONS`] conditions is looked up in `index`, or the earlier
/// deciders of the model are compared, whichever takes fewer steps. The steps are taken
/// from `budget`; `None` when they do not fit (the lookup is not decided).
fn deciding_entry<'e, 'd>(
    entries: &'e [Entry<'d>],
    index: &mut Option<Deciders<'d>>,
    budget: &mut usize,
    here: usize,
    key: &str,
    conditions: &[(&'d Node, &'d Node)],
) -> Option<&'e Entry<'d>> {
    let literal = literal_conditions(conditions);
    let index = index.get_or_insert_with(|| by_identifiers(entries));
    let deciders = index.by_model.get(key).map_or(&[][..], Vec::as_slice);
    let earlier = &deciders[..deciders.partition_point(|i| *i < here)];
    let subsets = if literal.len() <= MAX_INDEXED_CONDITIONS {
        (1usize << literal.len()) - 1
    } else {
        usize::MAX
    };
    let steps = subsets.min(earlier.len());
    *budget = budget.checked_sub(steps)?;
    if earlier.len() < subsets {
        deciding_among(entries, earlier, conditions)
    } else {
        deciding_by_subsets(entries, index, here, key, &literal)
    }
}

/// A lookup's literal `[field, value]` conditions as an identifier set: sorted, without
/// repeats, tagged values left out.
fn literal_conditions<'d>(conditions: &[(&'d Node, &'d Node)]) -> IdentifierSet<'d> {
    let mut literal: IdentifierSet = conditions
        .iter()
        .filter(|(_, v)| v.custom_tag().is_none())
        .filter_map(|(f, v)| Some((f.as_str()?, value_key(v)?)))
        .collect();
    literal.sort();
    literal.dedup();
    literal
}

/// The last of `earlier` (deciders of the lookup's model, in apply order) whose identifiers
/// the conditions cover.
fn deciding_among<'e, 'd>(
    entries: &'e [Entry<'d>],
    earlier: &[usize],
    conditions: &[(&'d Node, &'d Node)],
) -> Option<&'e Entry<'d>> {
    earlier.iter().rev().find_map(|&i| {
        let e = entries.get(i)?;
        let ids = literal_identifiers(e)?;
        lookups_cover(&ids, conditions).then_some(e)
    })
}

/// The last decider before `here` whose identifier set is one of the subsets of
/// `literal` (at most [`MAX_INDEXED_CONDITIONS`] conditions).
fn deciding_by_subsets<'e, 'd>(
    entries: &'e [Entry<'d>],
    index: &Deciders<'d>,
    here: usize,
    key: &str,
    literal: &IdentifierSet<'d>,
) -> Option<&'e Entry<'d>> {
    let mut last: Option<usize> = None;
    for mask in 1u32..(1 << literal.len()) {
        let subset: IdentifierSet = literal
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, p)| p.clone())
            .collect();
        let Some(at) = index.by_set.get(&(key.to_string(), subset)) else {
            continue;
        };
        let before = at.partition_point(|i| *i < here);
        if let Some(b) = before.checked_sub(1) {
            last = last.max(Some(at[b]));
        }
    }
    last.and_then(|i| entries.get(i))
}

/// [`deciding_entry`] by walking back over every earlier entry.
#[cfg(test)]
fn deciding_by_scan<'e, 'd>(
    entries: &'e [Entry<'d>],
    here: usize,
    key: &str,
    conditions: &[(&'d Node, &'d Node)],
) -> Option<&'e Entry<'d>> {
    entries[..here.min(entries.len())]
        .iter()
        .rev()
        .filter(|e| e.model_key() == Some(key) && !e.is_conditional())
        .find_map(|e| {
            let ids = literal_identifiers(e)?;
            lookups_cover(&ids, conditions).then_some(e)
        })
}

fn check_find_deleted(ctx: &Ctx, sink: &mut Sink) {
    let entries = &ctx.bp.entries;
    let mut index = None;
    let mut budget = FIND_DELETED_BUDGET;
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
        let last = deciding_entry(entries, &mut index, &mut budget, here, &key, conditions);
        let Some(deleting) = last.filter(|e| e.state() == Some(State::Absent)) else {
            continue;
        };
        let at = deleting
            .state_node()
            .map_or(deleting.anchor_span(), |s| s.span);
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
            .attrs()
            .filter(|a| a.as_map().is_some_and(|m| !m.is_empty()))
        else {
            continue;
        };
        let f = sink.push(
            &ABSENT_WITH_ATTRS,
            attrs.span,
            "`attrs` of an `absent` entry are ignored: authentik deletes the object its identifiers find",
        );
        if let Some(st) = e.state_node() {
            f.secondary(st.span, "deletes");
        }
        f.help("remove `attrs`; to delete only a matching object, put the fields in `identifiers`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::Blueprint;

    /// The index finds the same deciding entry as walking back over every earlier entry,
    /// for identifier sets of one and two fields, values equal only as Python compares them
    /// (`1`, `1.0`, `true`; `'1'` is not), conditional entries, repeated conditions and
    /// entries that delete and create again.
    #[test]
    fn the_index_decides_as_the_scan_does() {
        let values = ["1", "1.0", "true", "'1'", "a", "null", "-0.0", "0"];
        let mut text = String::from("version: 1\nentries:\n");
        let mut n = 0;
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                let state = if (i + j) % 3 == 0 {
                    "absent"
                } else {
                    "present"
                };
                let ids = if (i * j) % 2 == 0 {
                    format!("{{name: {a}}}")
                } else {
                    format!("{{name: {a}, slug: {b}}}")
                };
                let cond = if j % 4 == 0 {
                    ", conditions: [false]"
                } else {
                    ""
                };
                text.push_str(&format!(
                    "  - {{model: authentik_core.group, state: {state}, identifiers: {ids}{cond}}}\n"
                ));
                let find = match (i + j) % 4 {
                    0 => format!("[name, {b}]"),
                    1 => format!("[name, {a}], [slug, {b}]"),
                    2 => format!("[slug, {b}], [name, {a}], [name, {a}]"),
                    _ => format!("[name, {b}], [slug, {a}], [users, {a}]"),
                };
                text.push_str(&format!(
                    "  - {{model: authentik_core.group, identifiers: {{name: r{n}}}, attrs: {{parents: [!Find [authentik_core.group, {find}]]}}}}\n"
                ));
                n += 1;
            }
        }
        let doc = crate::load::parse(crate::load::SourceFile::new("d.yaml", text)).unwrap();
        let bp = Blueprint::new(&doc);
        let mut index = None;
        let mut decided = 0;
        for t in &bp.tags {
            let Some(Tag::Find {
                model, conditions, ..
            }) = t.ok()
            else {
                continue;
            };
            let (here, key) = (t.entry.unwrap(), model.as_str().unwrap());
            let by_scan = deciding_by_scan(&bp.entries, here, key, conditions);
            let index = index.get_or_insert_with(|| by_identifiers(&bp.entries));
            let literal = literal_conditions(conditions);
            let by_subsets = deciding_by_subsets(&bp.entries, index, here, key, &literal);
            let deciders = index.by_model.get(key).map_or(&[][..], Vec::as_slice);
            let earlier = &deciders[..deciders.partition_point(|i| *i < here)];
            let among = deciding_among(&bp.entries, earlier, conditions);
            for (how, found) in [("subsets", by_subsets), ("deciders", among)] {
                assert_eq!(
                    found.map(|e| e.index),
                    by_scan.map(|e| e.index),
                    "{how}, lookup {}",
                    doc.source.slice(t.node.span)
                );
            }
            decided += usize::from(by_scan.is_some());
        }
        assert_eq!(bp.tags.len(), values.len() * values.len());
        assert!(decided > 20, "{decided}");
    }
}
