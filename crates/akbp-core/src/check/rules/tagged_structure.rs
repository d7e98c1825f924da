//! A tag where authentik needs a plain mapping or list: the blueprint's own structure.

use crate::blueprint::Entry;
use crate::check::finding::{Ctx, Rule, Severity, Sink};
use crate::load::{Node, NodeKind};

pub const TAGGED_STRUCTURE: Rule = Rule {
    code: "AKB113",
    name: "tagged-structure",
    severity: Severity::Error,
    summary: "An authentik tag, `!!set`, `!!omap` or `!!pairs` where authentik needs a plain mapping or list (the document, `entries`, an entry, `identifiers`, `attrs`, `metadata`, `context`...).",
    doc: "## What it does\nReports a tag on the parts of a blueprint that authentik reads as plain mappings or lists before any tag is resolved: the document itself, `entries` (and each section list of its map form), each entry, `identifiers`, `attrs`, `conditions`, `permissions`, `metadata`, `metadata.labels` and `context`. The tags reported are authentik's own (`!If`, `!Enumerate`, `!Env`...) and the YAML tags that build something else than a dict or list: `!!set` (a set) and `!!omap`/`!!pairs` (a list of pairs). `!!map` and `!!seq` are plain and fine.\n\n## Why\nauthentik fills its `Blueprint` and `BlueprintEntry` dataclasses from the loaded document with dacite, which checks types: a tag object, a set or a list of pairs where a `dict` or `list` is declared fails the whole import (authentik/blueprints/v1/common.py and importer.py `Importer.from_string`, 2026.2.2). Lab-verified on authentik 2026.2.2: `attrs: !If [...]`, `identifiers: !!set {name}`, `entries: !!omap [...]`, `metadata: !!omap [...]`, `context: !Env [...]` and `conditions: !!set {...}` each make the import fail (dacite `UnionMatchError` or `WrongTypeError`); a `!!set` or `!If` document raises a `TypeError`; an `!!omap` document is read as an empty blueprint, so nothing in it is applied. Tags inside `attrs` values are fine: authentik resolves those when it applies the entry.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs: !If [true, {is_superuser: true}, {}]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs:\n      is_superuser: !If [true, true, false]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_tagged_structure),
};

/// What authentik's dataclass declares at a place.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    Mapping,
    List,
    /// `conditions: list[Any]`: a list of pairs is still a list.
    AnyList,
}

/// Why the tag on `node` makes authentik's import fail where `needs` is declared.
fn refused(node: &Node, needs: Needs) -> Option<String> {
    let tag = node.tag.as_deref()?;
    let what = match tag.core_name() {
        None => format!("a `{}` tag object", tag.name),
        Some("set") => "a set (`!!set`)".to_string(),
        Some(t @ ("omap" | "pairs")) if needs != Needs::AnyList => {
            format!("a list of pairs (`!!{t}`)")
        }
        _ => return None,
    };
    Some(what)
}

fn report(sink: &mut Sink, node: Option<&Node>, place: &str, needs: Needs) {
    let Some(node) = node else { return };
    let Some(what) = refused(node, needs) else {
        return;
    };
    let Some(tag) = node.tag.as_deref() else {
        return;
    };
    let declared = match needs {
        Needs::Mapping => "a plain mapping",
        Needs::List | Needs::AnyList => "a plain list",
    };
    let f = sink.push(
        &TAGGED_STRUCTURE,
        tag.span,
        format!("{place} is {what}, but authentik needs {declared} here; the import fails"),
    );
    if let Some(core) = tag.core_name() {
        f.help(format!("remove `!!{core}` and write {declared}"));
    } else {
        f.help("authentik resolves tags inside values, not on the blueprint's own structure; move the tag to the values it should compute");
    }
}

fn check_tagged_structure(ctx: &Ctx, sink: &mut Sink) {
    let bp = ctx.bp;
    if let Some(what) = refused(bp.root, Needs::Mapping) {
        let tag = bp.root.tag.as_deref().map_or(bp.root.span, |t| t.span);
        let effect = match bp.root.tag.as_deref().and_then(|t| t.core_name()) {
            // dacite looks the fields up with `in`, which finds none in a list of pairs.
            Some("omap" | "pairs") => "authentik reads nothing from it and applies nothing",
            _ => "the import fails",
        };
        sink.push(
            &TAGGED_STRUCTURE,
            tag,
            format!("the document is {what}, but a blueprint is a plain mapping; {effect}"),
        )
        .help("remove the tag: start the file with `version: 1` and `entries:`");
    }
    if let Some(en) = bp.entries_node {
        let needs = match en.kind {
            NodeKind::Map(_) => Needs::Mapping,
            _ => Needs::List,
        };
        report(sink, Some(en), "`entries`", needs);
        for section in en.as_map().unwrap_or_default() {
            report(
                sink,
                Some(&section.value),
                "an `entries` section",
                Needs::List,
            );
        }
    }
    report(sink, bp.metadata, "`metadata`", Needs::Mapping);
    report(
        sink,
        bp.metadata.and_then(|m| m.get("labels")),
        "`metadata.labels`",
        Needs::Mapping,
    );
    report(sink, bp.context, "`context`", Needs::Mapping);
    for e in &bp.entries {
        check_entry(sink, e);
    }
}

fn check_entry(sink: &mut Sink, e: &Entry) {
    report(sink, Some(e.node), "the entry", Needs::Mapping);
    report(sink, e.identifiers(), "`identifiers`", Needs::Mapping);
    report(sink, e.attrs(), "`attrs`", Needs::Mapping);
    report(sink, e.conditions(), "`conditions`", Needs::AnyList);
    report(sink, e.permissions(), "`permissions`", Needs::List);
}
