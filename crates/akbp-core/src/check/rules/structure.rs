//! The blueprint's outer shape: version, metadata, unknown keys, entries.

use crate::blueprint::{ENTRY_KEYS, METADATA_KEYS, TOP_LEVEL_KEYS};
use crate::check::finding::{Case, Ctx, Rule, Severity, Sink};
use crate::load::{NodeKind, Scalar};
use crate::target::Target;

pub const VERSION: Rule = Rule {
    code: "AKB100",
    name: "blueprint-version",
    severity: Severity::Error,
    summary: "`version` must be the integer 1.",
    doc: "## What it does\nChecks that the blueprint has `version: 1`.\n\n## Why\nauthentik refuses any other version (\"Invalid blueprint version\") and its file discovery skips such files.\n\n## Example\n```yaml\nversion: \"1\"\nentries: []\n```\n\n## Use instead\n```yaml\nversion: 1\nentries: []\n```\n",
    stops_load: false,
    cases: &[
        Case {
            id: "missing",
            severity: Severity::Warning,
            summary: "The blueprint has no `version` (authentik defaults to 1).",
        },
    ],
    check: Some(check_version),
};

fn check_version(ctx: &Ctx, sink: &mut Sink) {
    let root = ctx.bp.root;
    if root.as_map().is_none() {
        sink.push(
            &VERSION,
            root.span,
            format!("a blueprint is a mapping, found {}", root.describe()),
        )
        .help("start the file with `version: 1` and `entries:`");
        return;
    }
    match ctx.bp.version {
        None => {
            // authentik's dataclass defaults to 1, but its schema and file discovery expect it.
            sink.push(&VERSION, first_key(ctx), "the blueprint has no `version`")
                .case("missing")
                .help("add `version: 1` at the top");
        }
        Some(v) => {
            if v.scalar_value() != Some(Scalar::Int(1)) {
                sink.push(
                    &VERSION,
                    v.span,
                    format!("`version` must be the integer 1, found {}", v.describe()),
                )
                .help("write `version: 1` (unquoted)");
            }
        }
    }
}

pub const METADATA: Rule = Rule {
    code: "AKB101",
    name: "blueprint-metadata",
    severity: Severity::Error,
    summary: "`metadata` needs a string `name`; label values must be strings.",
    doc: "## What it does\nChecks `metadata`: it is a mapping with a string `name`, and `labels` maps strings to strings.\n\n## Why\nauthentik fails to build the blueprint without a name, and label values are typed `dict[str, str]`: `instantiate: false` unquoted is a boolean.\n\n## Example\n```yaml\nversion: 1\nmetadata:\n  labels:\n    blueprints.goauthentik.io/instantiate: false\nentries: []\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: my-blueprint\n  labels:\n    blueprints.goauthentik.io/instantiate: \"false\"\nentries: []\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_metadata),
};

fn check_metadata(ctx: &Ctx, sink: &mut Sink) {
    let Some(meta) = ctx.bp.metadata else { return };
    if meta.custom_tag().is_some() {
        return;
    }
    if meta.as_map().is_none() {
        sink.push(
            &METADATA,
            meta.span,
            format!("`metadata` must be a mapping, found {}", meta.describe()),
        )
        .help("write `metadata:` with `name:` below it");
        return;
    }
    match meta.get("name") {
        None => {
            sink.push(&METADATA, meta.span, "`metadata` has no `name`")
                .help(
                    "add `name: <a unique name>`; authentik names the blueprint instance after it",
                );
        }
        Some(n) if n.as_str().is_none() && n.custom_tag().is_none() => {
            sink.push(
                &METADATA,
                n.span,
                format!("`metadata.name` must be a string, found {}", n.describe()),
            )
            .help("quote the name");
        }
        Some(_) => {}
    }
    if let Some(labels) = meta.get("labels") {
        match labels.as_map() {
            None if !labels.is_null() => {
                sink.push(
                    &METADATA,
                    labels.span,
                    format!("`labels` must be a mapping, found {}", labels.describe()),
                )
                .help("write labels as `key: \"value\"` pairs");
            }
            None => {}
            Some(pairs) => {
                for p in pairs {
                    if p.value.as_str().is_none() {
                        let text = p.value.scalar_text().unwrap_or("");
                        sink.push(
                            &METADATA,
                            p.value.span,
                            format!("label values must be strings, found {}", p.value.describe()),
                        )
                        .help(format!("quote it: `\"{text}\"`"));
                    }
                }
            }
        }
    }
}

pub const UNKNOWN_KEY: Rule = Rule {
    code: "AKB102",
    name: "unknown-key",
    severity: Severity::Warning,
    summary: "A key authentik does not read (at the top level, in `metadata` or in an entry) is silently dropped.",
    doc: "## What it does\nReports keys that authentik ignores: anything but `version`, `metadata`, `context`, `entries` at the top; `name`, `labels` in metadata; `model`, `state`, `id`, `identifiers`, `attrs`, `conditions`, `permissions` in an entry.\n\n## Why\nauthentik maps the file onto dataclasses non-strictly: a misspelt key such as `entires` or `attributes` is dropped without a word, and what it held is never applied.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attributes: {is_superuser: true}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs: {is_superuser: true}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_unknown_keys),
};

fn check_unknown_keys(ctx: &Ctx, sink: &mut Sink) {
    let mut report = |pairs: &[crate::load::Pair], known: &[&'static str], place: &str| {
        for p in pairs {
            // A key that is not a string (`1:`, `true:`) is never one authentik reads.
            let Some(k) = p.key.key_str().or_else(|| p.key.scalar_text()) else {
                continue;
            };
            if p.key.key_str().is_some_and(|k| known.contains(&k)) {
                continue;
            }
            let f = sink.push(
                &UNKNOWN_KEY,
                p.key.span,
                format!("`{k}` is not a key authentik reads {place}; it is silently dropped"),
            );
            match ctx.suggestions.did_you_mean(k, known.iter().copied()) {
                Some(s) => f.help(format!("did you mean `{s}`?")),
                None => f.help(format!("keys read {place}: {}", known.join(", "))),
            };
        }
    };
    if let Some(pairs) = ctx.bp.root.as_map() {
        report(pairs, &TOP_LEVEL_KEYS, "at the top level");
    }
    if let Some(pairs) = ctx.bp.metadata.and_then(|m| m.as_map()) {
        report(pairs, &METADATA_KEYS, "in `metadata`");
    }
    for e in &ctx.bp.entries {
        if let Some(pairs) = e.node.as_map() {
            report(pairs, &ENTRY_KEYS, "in an entry");
        }
    }
}

pub const ENTRIES_SHAPE: Rule = Rule {
    code: "AKB103",
    name: "entries-shape",
    severity: Severity::Error,
    summary: "`entries` must be a list of entries, or (2025.8+) a mapping of section names to lists.",
    doc: "## What it does\nChecks that `entries` exists and is a list of mappings, or from authentik 2025.8 a mapping whose values are such lists.\n\n## Why\nWithout `entries` the blueprint is an empty no-op (a warning). `entries:` with nothing after it is null, which authentik 2026.2.2 (lab) refuses (\"can not match type NoneType\" to the `entries` union); with another shape authentik fails to build it. The map form is not understood before 2025.8.\n\n## Example\n```yaml\nversion: 1\nentries:\n  model: authentik_core.group\n  identifiers: {name: admins}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n```\n",
    stops_load: false,
    cases: &[
        Case {
            id: "missing",
            severity: Severity::Warning,
            summary: "The blueprint has no `entries`.",
        },
    ],
    check: Some(check_entries_shape),
};

fn check_entries_shape(ctx: &Ctx, sink: &mut Sink) {
    if ctx.bp.root.as_map().is_none() {
        return;
    }
    let Some(en) = ctx.bp.entries_node else {
        sink.push(
            &ENTRIES_SHAPE,
            first_key(ctx),
            "the blueprint has no `entries`; authentik applies nothing",
        )
        .case("missing")
        .help("add `entries:` with the objects to create");
        return;
    };
    if en.custom_tag().is_some() {
        return;
    }
    match &en.kind {
        NodeKind::Seq(items) => {
            for item in items {
                if item.as_map().is_none() && item.custom_tag().is_none() {
                    sink.push(
                        &ENTRIES_SHAPE,
                        item.span,
                        format!("an entry must be a mapping, found {}", item.describe()),
                    )
                    .help("each entry is a mapping with `model`, `identifiers` and `attrs`");
                }
            }
        }
        NodeKind::Map(sections) => {
            if !ctx.target.at_least(Target::new(2025, 8)) {
                sink.push(&ENTRIES_SHAPE, en.span, format!("`entries` as a mapping of sections needs authentik 2025.8 or later (target {})", ctx.target))
                    .help("write `entries` as one list, or raise --target");
            }
            for s in sections {
                match s.value.as_seq() {
                    Some(items) => {
                        for item in items {
                            if item.as_map().is_none() && item.custom_tag().is_none() {
                                sink.push(&ENTRIES_SHAPE, item.span, format!("an entry must be a mapping, found {}", item.describe()))
                                    .help("each entry is a mapping with `model`, `identifiers` and `attrs`");
                            }
                        }
                    }
                    None => {
                        sink.push(
                            &ENTRIES_SHAPE,
                            s.value.span,
                            format!(
                                "a section of `entries` must be a list of entries, found {}",
                                s.value.describe()
                            ),
                        )
                        .help("write the section as a list: `section:` then `- model: ...`");
                    }
                }
            }
        }
        NodeKind::Scalar(_) if en.is_null() => {
            sink.push(
                &ENTRIES_SHAPE,
                en.span,
                "`entries` is null; authentik cannot build the blueprint",
            )
            .help("list the objects to create under `entries:`, or write `entries: []` on purpose");
        }
        NodeKind::Scalar(_) => {
            sink.push(
                &ENTRIES_SHAPE,
                en.span,
                format!("`entries` must be a list, found {}", en.describe()),
            )
            .help("write `entries:` followed by `- model: ...` items");
        }
    }
}

/// Where to point for something missing at the top level: the first key.
fn first_key(ctx: &Ctx) -> crate::load::Span {
    ctx.bp
        .root
        .as_map()
        .and_then(|m| m.first())
        .map_or(ctx.bp.root.span, |p| p.key.span)
}
