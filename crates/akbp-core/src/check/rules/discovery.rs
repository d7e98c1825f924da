//! Whether authentik's file discovery will find the blueprint at all.

use crate::check::finding::{Ctx, Rule, Severity, Sink};

pub const NOT_DISCOVERED: Rule = Rule {
    code: "AKB109",
    name: "not-discovered",
    severity: Severity::Info,
    summary: "authentik discovers only `*.yaml` files outside dot-folders; this file would not be picked up from the blueprints folder.",
    doc: "## What it does\nNotes files ending in `.yml` (or anything but `.yaml`) and files under a path segment starting with a dot.\n\n## Why\nauthentik globs `**/*.yaml` under its blueprints folder and skips dot-paths (authentik/blueprints/v1/tasks.py `blueprints_find`): such a file is never applied unless another blueprint or the API references it.\n\n## Example\n```text\nblueprints/custom/grafana.yml\n```\n\n## Use instead\n```text\nblueprints/custom/grafana.yaml\n```\n",
    stops_load: false,
    cases: &[],
    check: Some(check_discovery),
};

fn check_discovery(ctx: &Ctx, sink: &mut Sink) {
    let name: &str = &ctx.doc.source.name;
    if name == "<stdin>" {
        return;
    }
    let at = ctx
        .bp
        .root
        .as_map()
        .and_then(|m| m.first())
        .map_or(ctx.bp.root.span, |p| p.key.span);
    let path = std::path::Path::new(name);
    if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
        sink.push(
            &NOT_DISCOVERED,
            at,
            "authentik discovers only files ending in `.yaml`; this file would be skipped",
        )
        .help("rename the file to end in `.yaml`");
        return;
    }
    // Only a relative path says where the file sits below the blueprints folder.
    let dotted = path.is_relative()
        && path.components().any(|c| {
            let s = c.as_os_str().to_string_lossy();
            s.starts_with('.') && s != "." && s != ".."
        });
    if dotted {
        sink.push(&NOT_DISCOVERED, at, "authentik skips paths with a segment starting with `.`; this file would not be discovered")
            .help("move the file out of the dot-folder");
    }
}
