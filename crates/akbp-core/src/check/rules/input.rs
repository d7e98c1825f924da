//! Rules the loader reports: the file could not become a YAML tree.

use crate::check::finding::{Rule, Severity};

pub const UNREADABLE_FILE: Rule = Rule {
    code: "AKB001",
    name: "unreadable-file",
    severity: Severity::Error,
    summary: "The file or folder cannot be read (missing, permission denied, symlink loop).",
    doc: "## What it does\nReports a path that akbp could not read: it does not exist, permissions forbid it, it is a symlink loop, or it vanished during the run.\n\n## Why\nauthentik cannot read it either; a blueprint that is never read is never applied.\n\n## Example\n```text\n$ akbp validate blueprints/missing.yaml\n```\n\n## Use instead\nPass an existing, readable file.\n",
    stops_load: true,
    cases: &[],
    check: None,
};

pub const YAML_SYNTAX: Rule = Rule {
    code: "AKB002",
    name: "yaml-syntax",
    severity: Severity::Error,
    summary: "The file is not valid YAML.",
    doc: "## What it does\nReports YAML syntax errors at the place the parser stopped.\n\n## Why\nauthentik's loader raises on the whole file and applies nothing.\n\n## Example\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    attrs: {name: [Grafana}\n```\n\n## Use instead\n```yaml\nversion: 1\nentries:\n  - model: authentik_core.application\n    identifiers: {slug: grafana}\n    attrs: {name: Grafana}\n```\n",
    stops_load: true,
    cases: &[],
    check: None,
};

pub const NOT_TEXT: Rule = Rule {
    code: "AKB003",
    name: "not-yaml-text",
    severity: Severity::Error,
    summary: "The file is binary or not UTF-8 text.",
    doc: "## What it does\nReports files with NUL bytes or invalid UTF-8.\n\n## Why\nA blueprint is UTF-8 YAML text; anything else is the wrong file or a corrupted one.\n\n## Example\nA PNG or a gzip file named `app.yaml`.\n\n## Use instead\nA UTF-8 YAML file.\n",
    stops_load: true,
    cases: &[],
    check: None,
};

pub const INPUT_LIMIT: Rule = Rule {
    code: "AKB004",
    name: "input-limit",
    severity: Severity::Error,
    summary: "The file exceeds a safety limit: over 10 MiB, nested too deep, or aliases that expand too far.",
    doc: "## What it does\nRefuses files over 10 MiB, nesting deeper than 128 levels, and alias expansions of more than 100,000 nodes (\"billion laughs\").\n\n## Why\nNo real blueprint comes near these limits; inputs that do are mistakes or attacks and would exhaust authentik's worker.\n\n## Example\n```yaml\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n```\n\n## Use instead\nWrite the values out, or split the blueprint.\n",
    stops_load: true,
    cases: &[],
    check: None,
};

pub const EMPTY_FILE: Rule = Rule {
    code: "AKB005",
    name: "empty-file",
    severity: Severity::Error,
    summary: "The file holds no YAML document.",
    doc: "## What it does\nReports empty files and files with only comments.\n\n## Why\nauthentik loads `None` from them and fails to build a blueprint.\n\n## Example\n```yaml\n# TODO\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: example\nentries: []\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const MULTIPLE_DOCUMENTS: Rule = Rule {
    code: "AKB006",
    name: "multiple-documents",
    severity: Severity::Error,
    summary: "The file holds more than one YAML document (`---`).",
    doc: "## What it does\nReports a second `---` document in a blueprint file.\n\n## Why\nauthentik reads a blueprint with `yaml.load`, which refuses a stream of several documents.\n\n## Example\n```yaml\nversion: 1\nentries: []\n---\nversion: 1\nentries: []\n```\n\n## Use instead\nOne blueprint per file.\n",
    stops_load: true,
    cases: &[],
    check: None,
};
