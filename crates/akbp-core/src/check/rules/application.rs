//! Application and policy-binding rules that need no model knowledge.

use std::collections::HashMap;

use crate::blueprint::Blueprint;
use crate::check::finding::{Case, Ctx, Rule, Severity, Sink};
use crate::load::{Node, Scalar};

/// Slugs the application serializer refuses: they collide with OAuth2 endpoints under
/// `/application/o/` (authentik/core/api/applications.py).
pub const RESERVED_SLUGS: [&str; 6] = [
    "authorize",
    "token",
    "device",
    "userinfo",
    "introspect",
    "revoke",
];

pub const APPLICATION_SLUG: Rule = Rule {
    code: "AKB207",
    name: "application-slug",
    severity: Severity::Error,
    summary: "An application slug is not `[-a-zA-Z0-9_]+`, is reserved (`authorize`, `token`, ...), or repeats in the file.",
    doc: "## What it does\nChecks `authentik_core.application` slugs: only letters, digits, `-` and `_`; not one of authentik's reserved slugs (`authorize`, `token`, `device`, `userinfo`, `introspect`, `revoke`); unique within the file.\n\n## Why\nauthentik's serializer rejects the first two; a repeated slug makes the second entry update the first application.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: my wiki}\n    attrs: {name: Wiki}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: my-wiki}\n    attrs: {name: Wiki}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_application_slug),
};

/// Whether a slug is valid for authentik (`^[-a-zA-Z0-9_]+$`).
pub fn slug_is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A valid slug close to `text`: letters with an ASCII form keep it (`café` -> `cafe`),
/// anything else becomes one `-`; `None` when nothing is left.
pub fn suggest_slug(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if let Some(ascii) = latin_ascii(c) {
            out.extend(ascii.chars().map(|c| c.to_ascii_lowercase()));
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    (!out.is_empty()).then(|| out.to_string())
}

/// Base letters of Latin-1 Supplement U+00C0..U+00FF; `*` has no single letter.
const LATIN1: &str = "AAAAAA*CEEEEIIIIDNOOOOO*OUUUUY**aaaaaa*ceeeeiiiidnooooo*ouuuuy*y";
/// Base letters of Latin Extended-A U+0100..U+017F; `*` has no single letter.
const LATIN_EXT_A: &str = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi**JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo**RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/// The ASCII form of a Latin letter with a diacritic or a ligature (no dependency: two
/// small tables cover the Latin letters of Western, Central and Northern European names).
fn latin_ascii(c: char) -> Option<&'static str> {
    let special = match c {
        'Æ' => Some("AE"),
        'æ' => Some("ae"),
        'Þ' => Some("TH"),
        'þ' => Some("th"),
        'ß' | 'ẞ' => Some("ss"),
        'Ĳ' => Some("IJ"),
        'ĳ' => Some("ij"),
        'Œ' => Some("OE"),
        'œ' => Some("oe"),
        _ => None,
    };
    if special.is_some() {
        return special;
    }
    let (table, start) = match c as u32 {
        0xC0..=0xFF => (LATIN1, 0xC0),
        0x100..=0x17F => (LATIN_EXT_A, 0x100),
        _ => return None,
    };
    let i = (c as u32 - start) as usize;
    table.get(i..=i).filter(|l| *l != "*")
}

fn check_application_slug(ctx: &Ctx, sink: &mut Sink) {
    let mut seen: HashMap<String, &Node> = HashMap::new();
    for e in &ctx.bp.entries {
        if e.model_key() != Some("authentik_core.application") {
            continue;
        }
        let Some(node) = e.field("slug") else {
            continue;
        };
        let Some(slug) = node.as_str() else {
            if let Some(Scalar::Int(_) | Scalar::Float(_) | Scalar::Bool(_)) = node.scalar_value() {
                let text = node.scalar_text().unwrap_or("");
                sink.push(
                    &APPLICATION_SLUG,
                    node.span,
                    format!("the slug is {}, not a string", node.describe()),
                )
                .help(format!("quote it: `slug: \"{text}\"`"));
            }
            continue;
        };
        // `${SLUG}`, `__SLUG__`: check the text around the placeholder only.
        let placeholders = &ctx.options.placeholders;
        let filled_in = placeholders.contains(slug);
        if filled_in {
            if !slug_is_valid(&placeholders.mask(slug)) {
                sink.push(
                    &APPLICATION_SLUG,
                    node.span,
                    format!("`{slug}` is not a valid slug: only letters, digits, `-` and `_` around the placeholder"),
                )
                .help("keep the text around the placeholder to letters, digits, `-` and `_`");
            }
        } else if !slug_is_valid(slug) {
            let f = sink.push(
                &APPLICATION_SLUG,
                node.span,
                format!("`{slug}` is not a valid slug: only letters, digits, `-` and `_`"),
            );
            match suggest_slug(slug) {
                Some(s) => f.help(format!("try `{s}`")),
                None => f.help("use only ASCII letters, digits, `-` and `_`"),
            };
        } else if RESERVED_SLUGS.contains(&slug.to_ascii_lowercase().as_str()) {
            sink.push(
                &APPLICATION_SLUG,
                node.span,
                format!("`{slug}` is reserved by authentik's OAuth2 endpoints"),
            )
            .help(format!("pick another slug, e.g. `{slug}-app`"));
        }
        if let Some(first) = seen.get(slug) {
            sink.push(&APPLICATION_SLUG, node.span, format!("another application in this file already has slug `{slug}`"))
                .secondary(first.span, "first used here")
                .help("each application needs its own slug; the second entry would update the first application");
        } else {
            seen.insert(slug.to_string(), node);
        }
    }
}

pub const POLICY_BINDING: Rule = Rule {
    code: "AKB210",
    name: "policy-binding-shape",
    severity: Severity::Error,
    summary: "A policy binding needs a `target`, an `order` and exactly one of `policy`, `group`, `user`.",
    doc: "## What it does\nChecks `authentik_policies.policybinding` entries: `target` and `order` are set, and exactly one of `policy`, `group`, `user` is given; a binding whose `target` is an application entitlement (`!KeyOf` an earlier entry) binds only a `group` or a `user`, and authentik counts only those (`schemas/policy-bindings.json`; lab 2026.2.2: `policy` alone is refused with \"One of 'group', 'user' must be set.\", `policy` with `group` is accepted). Since bindings have no name, re-applying finds a binding by its identifiers: `target` with `order`, or `target` with the bound `policy`, `group` or `user`; a binding identified otherwise is a warning.\n\n## Why\nauthentik rejects \"Only one of 'policy', 'group' or 'user' can be set.\" and \"One of 'policy', 'group' or 'user' must be set.\"; without a stable identity in identifiers every apply may create another binding.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    id: group\n    identifiers: {name: wiki-users}\n  - model: authentik_policies.policybinding\n    identifiers: {order: 0}\n    attrs:\n      group: !KeyOf group\n      user: !Find [authentik_core.user, [username, akadmin]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    id: app\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n  - model: authentik_core.group\n    id: group\n    identifiers: {name: wiki-users}\n  - model: authentik_policies.policybinding\n    identifiers: {target: !KeyOf app, order: 0}\n    attrs:\n      group: !KeyOf group\n```\n",
    stops_load: false,
    cases: &[
        Case {
            id: "key-not-identifier",
            severity: Severity::Warning,
            summary: "`target` or `order` is set in `attrs`, not in `identifiers`.",
        },
    ],
    check: Some(check_policy_binding),
};

fn check_policy_binding(ctx: &Ctx, sink: &mut Sink) {
    use crate::blueprint::State;
    // What a binding binds is data: schemas/policy-bindings.json.
    let bindings = crate::model::bindings::policy_bindings();
    let mut seen: HashMap<String, &Node> = HashMap::new();
    for e in &ctx.bp.entries {
        if e.model_key() != Some(bindings.model.as_str()) || e.state() == Some(State::Absent) {
            continue;
        }
        let at = e.anchor_span();
        // The target's model decides which subjects count (an application entitlement
        // binds only a group or a user).
        let target_model = e
            .field("target")
            .and_then(Blueprint::key_of)
            .and_then(|id| ctx.bp.entry_by_id(id))
            .filter(|t| t.index < e.index)
            .and_then(|t| t.model_key());
        let subjects = bindings.subjects_for(target_model);
        let set: Vec<&str> = subjects
            .iter()
            .map(String::as_str)
            .filter(|k| e.field(k).is_some_and(|n| !n.is_null()))
            .collect();
        match set.len() {
            0 if subjects.len() < bindings.subjects.len() => {
                let model = target_model.unwrap_or_default();
                let names = |q: &str| {
                    subjects
                        .iter()
                        .map(|s| format!("{q}{s}{q}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                sink.push(
                    &POLICY_BINDING,
                    at,
                    format!(
                        "the policy binding's target is an `{model}`, which binds only {}; this binding sets none of them",
                        names("`")
                    ),
                )
                .help(format!(
                    "authentik fails with \"One of {} must be set.\"; set one of them",
                    names("'")
                ));
            }
            0 => {
                sink.push(
                    &POLICY_BINDING,
                    at,
                    "the policy binding sets none of `policy`, `group`, `user`",
                )
                .help("authentik fails with \"One of 'policy', 'group' or 'user' must be set.\"");
            }
            1 => {}
            _ => {
                let second = e.field(set[1]).map_or(at, |n| n.span);
                sink.push(
                    &POLICY_BINDING,
                    second,
                    format!(
                        "the policy binding sets {}; only one may be set",
                        set.join(" and ")
                    ),
                )
                .help("use one binding per policy, group or user");
            }
        }
        // Re-applying finds the binding by its identifiers: `target` + `order`, or `target`
        // + the bound policy, group or user, are both stable (authentik/policies/models.py
        // 2026.2.2: a binding has no name).
        let in_identifiers = |k: &str| e.identifiers().and_then(|i| i.get(k)).is_some();
        let subject_identifies =
            in_identifiers("target") && bindings.subjects.iter().any(|k| in_identifiers(k));
        for key in ["target", "order"] {
            if e.field(key).is_none() {
                sink.push(&POLICY_BINDING, at, format!("the policy binding has no `{key}`"))
                    .help(format!("add `{key}` to identifiers, e.g. `identifiers: {{target: !KeyOf app, order: 0}}`"));
            } else if !(in_identifiers(key) || key == "order" && subject_identifies) {
                let n = e.field(key).map_or(at, |n| n.span);
                sink.push(&POLICY_BINDING, n, format!("`{key}` is not in identifiers; bindings have no name, so each apply may create another one"))
                    .case("key-not-identifier")
                    .help("identify bindings by `target` and `order`, or by `target` and the bound `policy`, `group` or `user`");
            }
        }
        // (target, order, policy|group|user) is unique in authentik's database.
        let key: Option<String> = (|| {
            let t = ctx.doc.source.slice(e.field("target")?.span);
            let o = ctx.doc.source.slice(e.field("order")?.span);
            let who = set
                .first()
                .and_then(|k| e.field(k))
                .map(|n| ctx.doc.source.slice(n.span))
                .unwrap_or("");
            Some(format!("{t}|{o}|{who}"))
        })();
        if let (Some(k), Some(order)) = (key, e.field("order")) {
            if let Some(first) = seen.get(&k) {
                sink.push(
                    &POLICY_BINDING,
                    order.span,
                    "another binding in this file has the same target, order and subject",
                )
                .secondary(first.span, "first binding")
                .help("change `order`, or remove the duplicate");
            } else {
                seen.insert(k, order);
            }
        }
    }
}

pub const APPLICATION_GROUP_LABEL: Rule = Rule {
    code: "AKB213",
    name: "application-group-label",
    severity: Severity::Warning,
    summary: "An application's `group` is a free-text UI label, not a reference to a group.",
    doc: "## What it does\nReports `authentik_core.application` entries whose `group` is a `!Find`/`!KeyOf` reference.\n\n## Why\n`group` only sorts applications on the user's library page; it does not limit access. Access is limited with a policy binding to a group.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      group: !Find [authentik_core.group, [name, wiki-users]]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    id: app\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki, group: Documentation}\n  - model: authentik_policies.policybinding\n    identifiers: {target: !KeyOf app, order: 0}\n    attrs:\n      group: !Find [authentik_core.group, [name, wiki-users]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_application_group),
};

fn check_application_group(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        if e.model_key() != Some("authentik_core.application") {
            continue;
        }
        let Some(g) = e.attr("group") else { continue };
        let is_ref = g
            .custom_tag()
            .is_some_and(|t| t.name == "!Find" || t.name == "!KeyOf");
        if is_ref {
            sink.push(&APPLICATION_GROUP_LABEL, g.span, "`group` is a display label; a group reference here does not restrict access")
                .help("to limit access, bind the group with an `authentik_policies.policybinding` whose target is the application");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_cover_their_blocks() {
        assert_eq!(LATIN1.len(), 0x100 - 0xC0);
        assert_eq!(LATIN_EXT_A.len(), 0x180 - 0x100);
    }

    #[test]
    fn slug_suggestions_keep_latin_letters() {
        assert_eq!(suggest_slug("café-app").as_deref(), Some("cafe-app"));
        assert_eq!(suggest_slug("Größe Wiki").as_deref(), Some("grosse-wiki"));
        assert_eq!(
            suggest_slug("Łódź & Kraków").as_deref(),
            Some("lodz-krakow")
        );
        assert_eq!(suggest_slug("Ærø × Œuvre").as_deref(), Some("aero-oeuvre"));
        assert_eq!(suggest_slug("my wiki").as_deref(), Some("my-wiki"));
        assert_eq!(suggest_slug("ŽŠČ ĳ ÿ").as_deref(), Some("zsc-ij-y"));
        assert_eq!(suggest_slug("日本"), None);
        for c in ['×', '÷', '日'] {
            assert_eq!(latin_ascii(c), None);
        }
    }
}
