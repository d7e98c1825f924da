//! authentik's YAML tags: known names, argument shapes, release support, scope.

use crate::blueprint::tags::{Tag, KNOWN_TAGS};
use crate::check::finding::{Case, Ctx, Edit, Fix, Rule, Severity, Sink};
use crate::generate::emit::string_scalar;
use crate::target::Target;

pub const DUPLICATE_KEY: Rule = Rule {
    code: "AKB007",
    name: "duplicate-key",
    severity: Severity::Warning,
    summary: "A mapping repeats a key; PyYAML keeps only the last value.",
    doc: "## What it does\nReports a key written twice in the same mapping.\n\n## Why\nPyYAML, which authentik uses, keeps the last value silently: the first one is lost.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs:\n      is_superuser: true\n      is_superuser: false\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs:\n      is_superuser: true\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_duplicate_keys),
};

fn check_duplicate_keys(ctx: &Ctx, sink: &mut Sink) {
    for d in &ctx.doc.duplicate_keys {
        sink.push(
            &DUPLICATE_KEY,
            d.duplicate,
            format!("`{}` is set twice; authentik keeps only this value", d.key),
        )
        .secondary(d.first, "first set here, then dropped")
        .help("remove one of the two");
    }
}

pub const UNKNOWN_TAG: Rule = Rule {
    code: "AKB010",
    name: "unknown-tag",
    severity: Severity::Error,
    summary: "A YAML tag that authentik does not know; authentik cannot load the file.",
    doc: "## What it does\nReports local tags other than authentik's 14: `!KeyOf`, `!Find`, `!FindObject`, `!Context`, `!Format`, `!Condition`, `!If`, `!Env`, `!File`, `!Enumerate`, `!Value`, `!Index`, `!AtIndex`, `!ParseJSON`.\n\n## Why\nPyYAML raises \"could not determine a constructor for the tag\" and authentik applies nothing from the file.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {provider: !Fnd [authentik_providers_oauth2.oauth2provider, [name, wiki]]}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {provider: !Find [authentik_providers_oauth2.oauth2provider, [name, wiki]]}\n```\n",
    stops_load: true,
    cases: &[],
    check: Some(check_unknown_tags),
};

fn check_unknown_tags(ctx: &Ctx, sink: &mut Sink) {
    for t in &ctx.bp.tags {
        if t.parsed.is_some() {
            continue;
        }
        let span = t.node.tag.as_ref().map_or(t.node.span, |tag| tag.span);
        let f = sink.push(
            &UNKNOWN_TAG,
            span,
            format!(
                "`!{}` is not an authentik tag; authentik cannot load this file",
                t.name
            ),
        );
        match ctx.suggestions.did_you_mean(t.name, KNOWN_TAGS) {
            Some(s) => f.help(format!("did you mean `!{s}`?")),
            None => f.help(format!("authentik's tags are !{}", KNOWN_TAGS.join(", !"))),
        };
    }
}

pub const TAG_SHAPE: Rule = Rule {
    code: "AKB011",
    name: "tag-arguments",
    severity: Severity::Error,
    summary: "A tag's arguments have the wrong shape or count (`!If` 1 or 3 items, `!Format` placeholders = arguments...).",
    doc: "## What it does\nChecks every tag's arguments as authentik's constructors read them: `!KeyOf id`; `!Env`/`!File`/`!Context` a scalar or `[name, default]`; `!Find`/`!FindObject` `[model, [field, value], ...]`; `!Format [fmt, args...]` with as many arguments as `%` placeholders; `!If` 1 or 3 items; `!Condition [MODE, value, ...]` with a known mode; `!Enumerate [iterable, SEQ|MAP, body]`; `!Index`/`!Value` a non-negative integer; `!AtIndex` 2 or 3 items; `!ParseJSON` valid JSON text.\n\n## Why\nA wrong shape aborts loading the file or fails the entry at apply time, with no line number.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      meta_launch_url: !Format [\"https://%s/%s\", wiki.example.com]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      meta_launch_url: !Format [\"https://%s/\", wiki.example.com]\n```\n",
    stops_load: false,
    cases: &[
        Case {
            id: "comparison-operands",
            severity: Severity::Warning,
            summary: "`!Condition` `EQ`/`NEQ` with other than two operands.",
        },
    ],
    check: Some(check_tag_shapes),
};

fn check_tag_shapes(ctx: &Ctx, sink: &mut Sink) {
    for t in &ctx.bp.tags {
        if let Some(Err(e)) = &t.parsed {
            let f = sink.push(&TAG_SHAPE, t.node.span, e.message.clone());
            if !e.help.is_empty() {
                f.help(e.help.clone());
            }
        }
    }
}

pub const TAG_UNAVAILABLE: Rule = Rule {
    code: "AKB012",
    name: "tag-unavailable",
    severity: Severity::Error,
    summary: "A tag or tag form that the target authentik release does not have yet.",
    doc: "## What it does\nReports tags newer than `--target`: `!AtIndex` (2024.12), `!FindObject` and `!ParseJSON` (2025.8), dotted `!Context` keys that walk nested values (2026.5), `!Condition` modes `EQ`/`NEQ` (2026.8).\n\n## Why\nAn older authentik cannot construct the tag (the file fails to load) or reads the dotted key literally and gets null.\n\n## Example\n```yaml\n# akbp: target 2024.10\nversion: 1\ncontext: {app: {host: wiki.example.com}}\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {meta_launch_url: !AtIndex [!Context app, host]}\n```\n\n## Use instead\n```yaml\n# akbp: target 2024.10\nversion: 1\ncontext: {host: wiki.example.com}\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {meta_launch_url: !Context host}\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_tag_versions),
};

fn check_tag_versions(ctx: &Ctx, sink: &mut Sink) {
    let target = ctx.target;
    for t in &ctx.bp.tags {
        let since = crate::blueprint::tags::available_since(t.name);
        if let Some(since) = since {
            if !target.at_least(since) {
                let span = t.node.tag.as_ref().map_or(t.node.span, |tag| tag.span);
                sink.push(
                    &TAG_UNAVAILABLE,
                    span,
                    format!(
                        "`!{}` needs authentik {since} or later (target {target})",
                        t.name
                    ),
                )
                .help(format!(
                    "authentik {target} cannot load this file; raise --target or avoid `!{}`",
                    t.name
                ));
            }
            continue;
        }
        match t.ok() {
            Some(Tag::Context { key, .. }) if !target.at_least(Target::new(2026, 5)) => {
                let Some(k) = key.text else { continue };
                let top_level = ctx.bp.context.and_then(|c| c.get(k)).is_some();
                // authentik's own keys (`goauthentik.io/rbac/models`) are top-level keys with dots.
                if k.contains('.') && !top_level && !k.starts_with("goauthentik.io/") {
                    sink.push(&TAG_UNAVAILABLE, key.node.span, format!("dotted `!Context` keys walk nested values only from authentik 2026.5 (target {target})"))
                        .help(format!("before 2026.5 `{k}` is looked up as one key and resolves to null; use a top-level context key"));
                }
            }
            Some(Tag::Condition { mode, values }) => {
                let Some(m) = mode.as_str() else { continue };
                let upper = m.to_ascii_uppercase();
                if upper == "EQ" || upper == "NEQ" {
                    if !target.at_least(Target::new(2026, 8)) {
                        sink.push(&TAG_UNAVAILABLE, mode.span, format!("`!Condition` mode `{m}` needs authentik 2026.8 or later (target {target})"))
                            .help("compare with `!If` and `XNOR`/`XOR` of booleans, or raise --target");
                    } else if values.len() != 2 {
                        sink.push(&TAG_SHAPE, t.node.span, format!("`{m}` compares two values, found {}", values.len()))
                            .case("comparison-operands")
                            .help("give exactly two operands; authentik's behaviour with more is not documented");
                    }
                }
            }
            _ => {}
        }
    }
}

pub const ENUMERATE_SCOPE: Rule = Rule {
    code: "AKB013",
    name: "enumerate-scope",
    severity: Severity::Error,
    summary: "`!Index`/`!Value` outside an `!Enumerate` body, or deeper than the enclosing ones.",
    doc: "## What it does\nChecks that `!Index n` and `!Value n` sit inside the body (third item) of at least `n + 1` nested `!Enumerate` tags.\n\n## Why\nauthentik fails the entry: \"tags are only usable inside an Enumerate tag\" or \"invalid depth\".\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: !Value 0}\n```\n\n## Use instead\n```yaml\nversion: 1\ncontext: {names: [a, b]}\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    attrs:\n      attributes: !Enumerate [!Context names, MAP, [!Value 0, true]]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_enumerate_scope),
};

fn check_enumerate_scope(ctx: &Ctx, sink: &mut Sink) {
    for t in &ctx.bp.tags {
        let depth = match t.ok() {
            Some(Tag::Index { depth }) | Some(Tag::Value { depth }) => *depth,
            _ => continue,
        };
        if t.enumerate_depth == 0 {
            sink.push(
                &ENUMERATE_SCOPE,
                t.node.span,
                format!(
                    "`!{}` is only usable inside the body of an `!Enumerate`",
                    t.name
                ),
            )
            .help("move it into the third item of `!Enumerate [iterable, SEQ|MAP, body]`");
        } else if depth as usize >= t.enumerate_depth {
            sink.push(
                &ENUMERATE_SCOPE,
                t.node.span,
                format!(
                    "`!{} {depth}` reaches {} levels up, but only {} `!Enumerate` enclose it",
                    t.name,
                    depth + 1,
                    t.enumerate_depth
                ),
            )
            .help(format!("use a depth from 0 to {}", t.enumerate_depth - 1));
        }
    }
}

pub const DOCS_STYLE_DEFAULT: Rule = Rule {
    code: "AKB014",
    name: "docs-style-default",
    severity: Severity::Warning,
    summary: "`!Env NAME, default` as a scalar looks up a variable literally named `NAME, default`.",
    doc: "## What it does\nReports scalar `!Env`, `!File` and `!Context` arguments containing `, `, the form some authentik docs show.\n\n## Why\nauthentik does not split the scalar: it looks up a variable (or key, or file) named `NAME, default`, finds nothing and yields null. On a field that may not be null (model knowledge) the entry then fails: lab-verified on authentik 2026.2.2, where `meta_description: !Env NAME, default` is rejected with \"This field may not be null.\" (and `meta_launch_url` alike), so there it is an error; on a nullable field it is a warning.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      meta_launch_url: !Env WIKI_URL, https://wiki.example.com\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs:\n      name: Wiki\n      meta_launch_url: !Env [WIKI_URL, \"https://wiki.example.com\"]\n```\n\n## Fix\n**Unsafe** (`akbp fix --unsafe-fixes`): rewrites the tag as `!Env [NAME, default]`, the default quoted when YAML would read it as something other than a string. authentik then reads the variable or the default where it read null, which is what the file meant but not what it did.\n",
    stops_load: false,
    cases: &[Case {
        id: "non-nullable-field",
        severity: Severity::Error,
        summary: "The misread tag yields null on a field that may not be null; authentik rejects the entry.",
    }],
    check: Some(check_docs_style_default),
};

fn check_docs_style_default(ctx: &Ctx, sink: &mut Sink) {
    for t in &ctx.bp.tags {
        let (arg, default) = match t.ok() {
            Some(Tag::Env { name, default }) => (*name, default),
            Some(Tag::File { path, default }) => (*path, default),
            Some(Tag::Context { key, default }) => (*key, default),
            _ => continue,
        };
        // Only the scalar form (the tag's own text) is misread; `[name, default]` is fine.
        if default.is_some() || !std::ptr::eq(arg.node, t.node) {
            continue;
        }
        let Some(text) = arg.text else {
            continue;
        };
        if let Some((name, def)) = text.split_once(", ") {
            // On a field that may not be null the null it yields fails the entry (lab-verified
            // on authentik 2026.2.2 with `meta_description: !Env NAME, default`).
            let refused = super::models::non_nullable_values(ctx)
                .find(|(_, _, n)| std::ptr::eq(*n, t.node))
                .map(|(_, field, _)| field);
            let message = match refused {
                Some(field) => format!(
                    "`!{} {text}` looks up `{text}` as one name and yields null, which `{field}` refuses: authentik rejects the entry",
                    t.name
                ),
                None => format!(
                    "`!{} {text}` looks up `{text}` as one name, not `{name}` with a default",
                    t.name
                ),
            };
            let f = sink.push(&DOCS_STYLE_DEFAULT, t.node.span, message);
            if refused.is_some() {
                f.case("non-nullable-field");
            }
            f.help(format!("write `!{} [{name}, {def}]`", t.name));
            // Unsafe: authentik then reads the variable (or the default) where it read
            // null. The default stays a string, quoted when YAML would type it.
            let written = format!(
                "!{} [{}, {}]",
                t.name,
                string_scalar(name, true),
                string_scalar(def, true)
            );
            f.fix(Fix::unsafe_(
                format!("write the tag as `!{} [NAME, default]`", t.name),
                vec![Edit::replace(t.node.span, written)],
            ));
        }
    }
}

pub const ENV_IN_CONDITION: Rule = Rule {
    code: "AKB015",
    name: "env-in-condition",
    severity: Severity::Warning,
    summary: "`!Env` in `conditions` yields a string when the variable is set: `\"false\"` is true.",
    doc: "## What it does\nReports `!Env` used directly as an entry condition or as a `!Condition`/`!If` operand.\n\n## Why\nauthentik `bool()`s each condition. An environment variable is always a string when set, and every non-empty string is true: `CREATE_GROUP=false` still creates the group.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    conditions:\n      - !Env [CREATE_GROUP, false]\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.group\n    identifiers: {name: admins}\n    conditions:\n      - !Condition [EQ, !Env [CREATE_GROUP, \"true\"], \"true\"]\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_env_in_condition),
};

fn check_env_in_condition(ctx: &Ctx, sink: &mut Sink) {
    let mut report = |node: &crate::load::Node| {
        if node.custom_tag().is_some_and(|t| t.name == "!Env") {
            sink.push(&ENV_IN_CONDITION, node.span, "an environment variable is a string when set, so `false`, `0` or `no` count as true here")
                .help("compare explicitly: `!Condition [EQ, !Env [NAME, \"false\"], \"true\"]` (2026.8+), or use `!Context` with a boolean");
        }
    };
    for e in &ctx.bp.entries {
        if let Some(conds) = e.conditions().and_then(|c| c.as_seq()) {
            conds.iter().for_each(&mut report);
        }
    }
    for t in &ctx.bp.tags {
        match t.ok() {
            Some(Tag::Condition { mode, values }) => {
                let eq = mode
                    .as_str()
                    .is_some_and(|m| m.eq_ignore_ascii_case("EQ") || m.eq_ignore_ascii_case("NEQ"));
                if !eq {
                    values.iter().for_each(&mut report);
                }
            }
            Some(Tag::If { condition, .. }) => report(condition),
            _ => {}
        }
    }
}
