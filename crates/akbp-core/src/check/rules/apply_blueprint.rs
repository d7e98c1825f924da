//! `metaapplyblueprint`: the blueprint it applies must exist when authentik imports it.

use crate::blueprint::drf::drf_boolean;
use crate::blueprint::objects::META_APPLY;
use crate::check::crossfile::Scope;
use crate::check::finding::{Case, Ctx, Rule, Severity, Sink};
use crate::load::Node;
use crate::model::blueprints::shipped_blueprints;

pub const APPLY_BLUEPRINT_UNKNOWN: Rule = Rule {
    code: "AKB309",
    name: "apply-blueprint-unknown",
    severity: Severity::Error,
    summary: "A required `metaapplyblueprint` names a blueprint neither authentik nor the checked folders provide.",
    doc: r#"## What it does
Checks the blueprint a `metaapplyblueprint` entry applies when it is required (`required: true`, or no `required`: authentik's default). The entry names it by `attrs.identifiers.name` (the blueprint's `metadata.name`), by `attrs.identifiers.path` (its path relative to authentik's blueprints folder, e.g. `default/flow-default-authentication-flow.yaml`), or by both, which must then be the same blueprint. It must be one of the blueprints authentik ships for the `--target` release, or one of the blueprints checked in the same run.

Each folder given on the command line is a blueprints root: a file's path is taken relative to it. With at least one folder, the blueprints checked are taken as the whole set, and a reference found nowhere is an error. A file checked alone (one file, or standard input) cannot see its neighbours: an unknown reference is an info finding (`AKB309/could-not-verify`). So is one among several files named one by one (as a pre-commit hook passes them), since their folder may hold more; and, with folders, a path reference when some blueprint's path is unknown (embedded in a ConfigMap, Secret or custom resource, whose mount point akbp does not know), or a name reference when standard input was among the inputs.

Identifiers with other keys (`instance_uuid`, `name__startswith`, ...) or with tags and deploy-time placeholders are not checked: authentik passes them to a database filter that akbp cannot run.

## Why
authentik looks the blueprint up among its BlueprintInstances (`BlueprintInstance.objects.filter(**identifiers)`, authentik/blueprints/v1/meta/apply_blueprint.py, unchanged from 2024.10 to 2026.2.2); when none matches and `required` is true, the entry fails with "Required blueprint does not exist" and the whole blueprint is rolled back. Instances exist for the `*.yaml` files authentik discovers in its blueprints folder (no path part starting with a dot), named by `metadata.name` (the path when there is none), except those labelled `blueprints.goauthentik.io/instantiate: "false"` such as the shipped `example/` flows (authentik/blueprints/v1/tasks.py). Matching is exact: case, a leading `./` or `/blueprints/` all make it fail.

Verified on authentik 2026.2.2 (lab): a shipped name or path, or both of one blueprint, is valid; an unknown name or path, a name and path of two different blueprints, a shipped `instantiate: "false"` example, a name in other case, and `./` or `/blueprints/` prefixed paths are rejected with "Required blueprint does not exist"; `required: false` (also `"false"`, `no`) is valid. The cases are kept in `tests/lab/apply-blueprint/`.

## Example
```yaml
version: 1
metadata:
  name: Corporate login
entries:
  - model: authentik_blueprints.metaapplyblueprint
    attrs:
      identifiers:
        name: Corporate - Base flows
```

## Use instead
```yaml
version: 1
metadata:
  name: Corporate login
entries:
  - model: authentik_blueprints.metaapplyblueprint
    attrs:
      identifiers:
        name: Default - Authentication flow
  - model: authentik_blueprints.metaapplyblueprint
    attrs:
      required: false
      identifiers:
        path: corporate/base-flows.yaml
```
Check the folder that holds both blueprints (`akbp validate blueprints/`) so that references between them are verified.
"#,
    stops_load: false,
    cases: &[Case {
        id: "could-not-verify",
        severity: Severity::Info,
        summary: "The blueprint may be one akbp was not given (a file checked alone, or some files only).",
    }],
    check: Some(check_apply_blueprint),
};

/// What the entry filters by: `name` and/or `path`, both plain strings.
struct Reference<'d> {
    name: Option<&'d str>,
    path: Option<&'d str>,
    node: &'d Node,
}

impl<'d> Reference<'d> {
    fn of(identifiers: &'d Node, ctx: &Ctx) -> Option<Self> {
        let mut r = Reference {
            name: None,
            path: None,
            node: identifiers,
        };
        for p in identifiers.as_map()? {
            let value = p
                .value
                .as_str()
                .filter(|v| !ctx.options.placeholders.contains(v));
            match p.key.key_str()? {
                "name" => {
                    r.name = Some(value?);
                    r.node = &p.value;
                }
                "path" => {
                    r.path = Some(value?);
                    if r.name.is_none() {
                        r.node = &p.value;
                    }
                }
                // Another filter (`instance_uuid`, `name__iexact`, ...): a database query.
                _ => return None,
            }
        }
        (r.name.is_some() || r.path.is_some()).then_some(r)
    }

    fn describe(&self) -> String {
        match (self.name, self.path) {
            (Some(n), Some(p)) => format!("`name: {n}` with `path: {p}`"),
            (Some(n), None) => format!("`name: {n}`"),
            (None, Some(p)) => format!("`path: {p}`"),
            (None, None) => String::new(),
        }
    }
}

fn check_apply_blueprint(ctx: &Ctx, sink: &mut Sink) {
    for e in &ctx.bp.entries {
        if e.model_key() != Some(META_APPLY) {
            continue;
        }
        let Some(attrs) = e.attrs() else {
            continue;
        };
        let required = match attrs.get("required") {
            None => true,
            Some(n) => match n.scalar_value().as_ref().and_then(drf_boolean) {
                Some(b) => b,
                None => continue,
            },
        };
        if !required {
            continue;
        }
        let Some(r) = attrs
            .get("identifiers")
            .and_then(|ids| Reference::of(ids, ctx))
        else {
            continue;
        };
        let shipped = shipped_blueprints().find(ctx.target, r.name, r.path);
        if shipped.is_some_and(|b| b.instantiated) {
            continue;
        }
        report(ctx, sink, &r, shipped.is_some());
    }
}

fn report(ctx: &Ctx, sink: &mut Sink, r: &Reference, shipped_not_instantiated: bool) {
    let what = r.describe();
    let target = ctx.target;
    let cross = &ctx.options.crossfile;
    let (definite, local_not_instantiated, why) = match cross.scope() {
        Scope::Alone => (false, false, "and no other blueprint was checked with it"),
        scope => {
            // Not built yet: this file is checked again once it is.
            let Some(index) = cross.index() else {
                return;
            };
            if index.has(r.name, r.path) {
                return;
            }
            let hidden = (r.name.is_some() && index.names_unknown)
                || (r.path.is_some() && index.paths_unknown);
            let local_not = index.has_not_instantiated(r.name, r.path);
            match scope {
                Scope::Folders if !hidden => (true, local_not, "nor a blueprint in the folders checked"),
                Scope::Folders => (
                    false,
                    local_not,
                    "nor a blueprint in the folders checked, but one read from standard input or embedded in a Kubernetes object (whose path is unknown) may be it",
                ),
                _ => (false, local_not, "nor one of the files checked with it; their folder may hold more"),
            }
        }
    };
    let message = if shipped_not_instantiated {
        format!(
            "{what} names a blueprint authentik {target} ships with `blueprints.goauthentik.io/instantiate: \"false\"`: authentik creates no instance for it, so there is nothing to apply"
        )
    } else if local_not_instantiated {
        format!(
            "{what} names a blueprint in the folders checked that authentik does not instantiate (a `.yml` file, or labelled `blueprints.goauthentik.io/instantiate: \"false\"`)"
        )
    } else if definite {
        format!("{what} is not one of authentik {target}'s shipped blueprints, {why}; authentik stops with \"Required blueprint does not exist\"")
    } else {
        format!(
            "could not verify {what}: not one of authentik {target}'s shipped blueprints, {why}"
        )
    };
    let f = sink.push(&APPLY_BLUEPRINT_UNKNOWN, r.node.span, message);
    if !definite && !shipped_not_instantiated && !local_not_instantiated {
        f.case("could-not-verify");
    }
    let shipped = shipped_blueprints();
    let instantiated = || shipped.at(target).filter(|b| b.instantiated);
    // A name and a path that each exist, but on two blueprints.
    if let (Some(n), Some(p)) = (r.name, r.path) {
        if let Some(b) = instantiated().find(|b| b.name == n) {
            f.help(format!(
                "the shipped blueprint `{n}` is at `{}`, not `{p}`: give the name or the path alone",
                b.path
            ));
            return;
        }
    }
    let suggestion = match (r.name, r.path) {
        (Some(n), _) => ctx
            .suggestions
            .did_you_mean(n, instantiated().map(|b| b.name.as_str())),
        (None, Some(p)) => ctx
            .suggestions
            .did_you_mean(p, instantiated().map(|b| b.path.as_str())),
        _ => None,
    };
    match suggestion {
        Some(s) => f.help(format!("did you mean `{s}`? Or set `required: false` if the blueprint may be absent")),
        None if shipped_not_instantiated => f.help("create an instance for it first (or copy its entries here), or set `required: false`"),
        None => f.help("check the folder holding every blueprint (`akbp validate DIR`), or set `required: false` if the blueprint may be absent"),
    };
}
