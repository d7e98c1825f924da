//! Rules about `# akbp:` comments themselves; the suppression step reports them
//! ([`crate::check::suppress`]), not a rule's check.

use crate::check::finding::{Case, Rule, Severity};

pub const UNUSED_SUPPRESSION: Rule = Rule {
    code: "AKB020",
    name: "unused-suppression",
    severity: Severity::Warning,
    summary: "A `# akbp: ignore[...]` comment names a rule that has no finding where it applies.",
    doc: "## What it does\nReports each rule named in a `# akbp: ignore[...]` or `# akbp: ignore-file[...]` comment that suppressed nothing: no finding of that rule on the comment's line, in the entry or line below an own-line comment, or (for `ignore-file`) in the file. Rules switched off by configuration or `--select`/`--ignore` are not judged.\n\n## Why\nA stale suppression hides the next real finding of that rule in the same place; after a fix, the comment should go too.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application # akbp: ignore[AKB200]\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const INVALID_COMMENT: Rule = Rule {
    code: "AKB021",
    name: "invalid-akbp-comment",
    severity: Severity::Warning,
    summary: "A `# akbp:` comment akbp cannot read: an unknown directive or rule, or one in the wrong place.",
    doc: "## What it does\nReports `# akbp:` comments that do nothing: an unknown directive, `ignore` without a `[CODE]` list, a code or name no rule has, `ignore-file` or `target` below the first line that is not a comment, and a `target` that is not a known release (case `bad-target`, an error: the file is then checked as if the comment were not there).\n\n## Why\nA misspelt suppression suppresses nothing and a misspelt target silently checks the file against another release.\n\n## Example\n```yaml\n# akbp: target 2024.8\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n```\n\n## Use instead\n```yaml\n# akbp: target 2024.10\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n```\n",
    stops_load: false,
    cases: &[Case {
        id: "bad-target",
        severity: Severity::Error,
        summary: "`# akbp: target` names no known release; the file is checked as if the comment were not there.",
    }],
    check: None,
};

pub const OLDER_TARGET: Rule = Rule {
    code: "AKB022",
    name: "older-target",
    severity: Severity::Warning,
    summary: "A file's `# akbp: target` names an older release than the configuration's `target`.",
    doc: "## What it does\nReports a `# akbp: target` comment that names an older release than the `target` of the akbp.toml that applies to the file, naming both. The file is still checked at its own release; `--target` overrules both and the comment is not judged.\n\n## Why\nA file pinned to an older release is checked against that release's models and fields: what changed since (a field renamed or removed, a new required one) is not reported, while the rest of the repository is held to the newer release. A stale comment left after an upgrade hides exactly the findings the upgrade brings.\n\n## Example\n```yaml\n# akbp.toml: target = \"2026.2\"\n# akbp: target 2024.10\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n```\n\n## Use instead\n```yaml\n# akbp.toml: target = \"2026.2\"\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: wiki}\n    attrs: {name: Wiki}\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};
