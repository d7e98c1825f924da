//! Rules about where blueprints live: wrappers, files that are not blueprints, templates.

use crate::check::finding::{Rule, Severity};

pub const WRAPPED_KEY_NOT_YAML: Rule = Rule {
    code: "AKB110",
    name: "wrapped-key-not-yaml",
    severity: Severity::Warning,
    summary: "A ConfigMap or Secret key holds a blueprint, but its name does not end in `.yaml`, so authentik never discovers it.",
    doc: "## What it does\nReports a ConfigMap `data`/`binaryData` key, or a Secret `stringData`/`data` key, whose value is a blueprint and whose name does not end in `.yaml`.\n\n## Why\nauthentik's Helm chart mounts each key as a file under `/blueprints/mounted/`, and authentik discovers only files matching `*.yaml` (`blueprints_find` walks `root.rglob(\"**/*.yaml\")` and skips names starting with a dot, authentik/blueprints/v1/tasks.py at 2026.2.2). A key named `wiki.yml` or `wiki` is mounted but never applied.\n\n## Example\n```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: blueprints}\ndata:\n  wiki.yml: |\n    version: 1\n    metadata: {name: wiki}\n    entries: []\n```\n\n## Use instead\n```yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: blueprints}\ndata:\n  wiki.yaml: |\n    version: 1\n    metadata: {name: wiki}\n    entries: []\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const NOT_A_BLUEPRINT: Rule = Rule {
    code: "AKB111",
    name: "not-a-blueprint",
    severity: Severity::Info,
    summary: "A file named on the command line is not a blueprint (no `entries`, no wrapper holding one); it was skipped.",
    doc: "## What it does\nNotes a file given by name that is YAML but not a blueprint: a Kubernetes object without an embedded blueprint, a compose file, Helm values. Files found in a folder are skipped silently and counted in the summary line (`--verbose` lists them).\n\n## Why\nA blueprint has the keys authentik reads: `entries`, or `version` and `metadata`, however they are spelt (quoted, escaped, `!!str entries`, `? entries`: PyYAML builds the same key). A misspelt blueprint (`entires:`, authentik's tags, list items with `model:`) is still checked, so a typo is reported rather than skipped. A Kubernetes object with `entries`, `version` or `context` is checked as a blueprint too: authentik loads any `*.yaml` under its folders, `apiVersion` and `kind` or not.\n\n## Example\n```yaml\nservices:\n  authentik:\n    image: ghcr.io/goauthentik/server\n```\n\n## Use instead\n```yaml\nversion: 1\nmetadata:\n  name: example\nentries: []\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};

pub const TEMPLATE_FILE: Rule = Rule {
    code: "AKB112",
    name: "template-file",
    severity: Severity::Info,
    summary: "The file is a template (`{{ ... }}`) that is not YAML until rendered, and its syntax error sits at a template expression; it was skipped.",
    doc: "## What it does\nNotes a file that fails to parse as YAML where template syntax explains the error: a `{{ ... }}` or `{% ... %}` expression (Helm, Go templates, Jinja) outside comments and quoted strings, on the line of the error or the line above it. It counts as skipped, not as a broken blueprint. A syntax error anywhere else is an error (AKB002), even when the file holds `{{` in a comment or a string: in doubt, akbp reports rather than skips.\n\n## Why\nThe template engine produces the blueprint; akbp can check what it renders: `helm template RELEASE CHART | akbp validate -`. Templates whose placeholders sit inside quoted values parse as YAML and are checked directly, with the placeholders treated as opaque.\n\n## Example\n```yaml\nversion: 1\nentries:\n{{- range .Values.apps }}\n  - model: authentik_core.application\n    identifiers: {slug: {{ .slug }}}\n{{- end }}\n```\n\n## Use instead\n```text\nhelm template authentik ./chart | akbp validate -\n```\n",
    stops_load: false,
    cases: &[],
    check: None,
};
