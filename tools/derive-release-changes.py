#!/usr/bin/env python3
"""Write schemas/release-changes.json: what changed in authentik, release line by release line.

Usage:
  python3 tools/derive-release-changes.py            # rewrite the derived part
  python3 tools/derive-release-changes.py --check    # exit 1 when the file is not current
  PYENV_VERSION=3.12.1 python3.12 tools/derive-release-changes.py --check \\
      --mirror /work/.mirror/SAY-5+authentik/repo    # also compare model defaults at the tags

The file holds one list, `changes`, sorted by release. Two kinds of entry:

- derived (`"derived": "models.json"` or `"renames.json"`): model-added, model-removed,
  field-added, field-removed and type-changed read from schemas/models.json (the `since` and
  `until` of every model and field variant), and renamed from schemas/renames.json (releases
  from 2024.12 on). A field-added/field-removed pair that a renamed entry explains is left out.
  This script rewrites them; never edit them by hand.
- curated (no `derived` key): default-changed, behaviour-changed and renamed entries that
  the schemas cannot show (2026.5 and 2026.8 have no migrations in the mirror), each with
  its `source`. This script keeps them as they are (sorted) and checks their shape.

With --mirror (Python 3.12 for authentik's syntax, like tools/derive-lookups.py) the script
also reads the Django model defaults of the provider models at every release tag and at the
2026.5 pre-release branches of the fork, and fails when a default changed between two
consecutive refs without a curated default-changed entry (or an entry in DEFAULT_NOISE).
"""

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "schemas" / "release-changes.json"

KINDS = {
    "model-added": "the model exists from this release on (derived)",
    "model-removed": "the model is gone from this release on (derived)",
    "field-added": "the field exists from this release on (derived, or curated with its default)",
    "field-removed": "the field is gone from this release on; a blueprint that sets it is "
    "silently ignored there (derived)",
    "type-changed": "the field's type, enum or limits changed (derived; `changed` lists what)",
    "renamed": "`old_field` became `field` (or `old_model` became `model`); values carry over "
    "in the database, a blueprint using the old name is silently ignored",
    "default-changed": "a new object created without the field gets `new` instead of `old` "
    "(`old`/`new` may be templates, see `template_vars`); existing objects keep their value "
    "unless `migration` says otherwise",
    "behaviour-changed": "authentik treats the same stored value differently from this "
    "release (or patch) on",
}
CURATED_KINDS = {"default-changed", "behaviour-changed", "renamed", "field-added"}
CONFIDENCE = {
    "source": "read in authentik's source at the named ref (tag, or a pre-release branch of "
    "the fork for 2026.5)",
    "release-source": "read in authentik's source of a later version; the release's own "
    "source was not available",
    "docs": "stated by authentik's documentation or release notes",
    "client": "seen in the generated API client's field lists (../shared/authentik/<release>/"
    "fields.json)",
    "third-party": "seen only in third-party material (a release table quoting the "
    "changelog)",
}

# Blueprint models that inherit another's fields through multi-table inheritance.
INHERITS = {"authentik_providers_proxy.proxyprovider": "authentik_providers_oauth2.oauth2provider"}

# Model fields read with --mirror, per file.
MODEL_FILES = [
    "authentik/providers/oauth2/models.py",
    "authentik/providers/saml/models.py",
    "authentik/providers/proxy/models.py",
    "authentik/providers/ldap/models.py",
    "authentik/core/models.py",
    "authentik/outposts/models.py",
]
# class name -> blueprint model
MODEL_CLASSES = {
    "OAuth2Provider": "authentik_providers_oauth2.oauth2provider",
    "SAMLProvider": "authentik_providers_saml.samlprovider",
    "ProxyProvider": "authentik_providers_proxy.proxyprovider",
    "LDAPProvider": "authentik_providers_ldap.ldapprovider",
    "Application": "authentik_core.application",
    "Outpost": "authentik_outposts.outpost",
}
# (release line, git ref per model file, "*" for the rest). 2026.5 is the fork's pre-release
# work: branch providers/oauth2/allowed-grant-types (main of 2026-04-15 plus grant_types)
# and, for the SAML provider, branch generate-issuer-api (issuer_override). 2026.8 has no
# source here.
MIRROR_REFS = [
    ("2024.10", {"*": "version/2024.10.5"}), ("2024.12", {"*": "version/2024.12.5"}),
    ("2025.2", {"*": "version/2025.2.4"}), ("2025.4", {"*": "version/2025.4.4"}),
    ("2025.6", {"*": "version/2025.6.4"}), ("2025.8", {"*": "version/2025.8.6"}),
    ("2025.10", {"*": "version/2025.10.4"}), ("2025.12", {"*": "version/2025.12.4"}),
    ("2026.2", {"*": "version/2026.2.2"}),
    ("2026.5", {"*": "providers/oauth2/allowed-grant-types",
                "authentik/providers/saml/models.py": "generate-issuer-api"}),
]
# Default expressions that change spelling, not value (the enum class was renamed).
DEFAULT_NOISE = {
    ("authentik_providers_oauth2.oauth2provider", "client_type",
     "ClientTypes.CONFIDENTIAL", "ClientType.CONFIDENTIAL"),
    ("authentik_providers_proxy.proxyprovider", "client_type",
     "ClientTypes.CONFIDENTIAL", "ClientType.CONFIDENTIAL"),
    # The JSONField behind redirect_uris: its default became a list in 2025.8, but the
    # stored form has been a list of {matching_mode, url} since 2024.10.3 (the property
    # setter writes one); blueprints always give redirect_uris.
    ("authentik_providers_oauth2.oauth2provider", "_redirect_uris", "dict", "list"),
    ("authentik_providers_proxy.proxyprovider", "_redirect_uris", "dict", "list"),
}


def die(msg):
    print("derive-release-changes: " + msg, file=sys.stderr)
    sys.exit(1)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def descriptor(variant):
    return {k: v for k, v in variant.items() if k not in ("since", "until")}


def derive(models, renames):
    releases = models["releases"]
    first = releases[0]
    out = []
    for name, m in sorted(models["models"].items()):
        since, until = m.get("since", first), m.get("until")
        if since != first:
            out.append({"release": since, "kind": "model-added", "model": name})
        if until:
            out.append({"release": until, "kind": "model-removed", "model": name})
        for field, variants in sorted((m.get("fields") or {}).items()):
            f_since = variants[0]["since"]
            f_until = variants[-1].get("until")
            if f_since not in (first, since):
                out.append({"release": f_since, "kind": "field-added", "model": name,
                            "field": field})
            if f_until and f_until != until:
                out.append({"release": f_until, "kind": "field-removed", "model": name,
                            "field": field})
            for a, b in zip(variants, variants[1:]):
                if a.get("until") != b["since"]:
                    continue
                da, db = descriptor(a), descriptor(b)
                keys = sorted(k for k in set(da) | set(db) if da.get(k) != db.get(k))
                out.append({"release": b["since"], "kind": "type-changed", "model": name,
                            "field": field, "changed": keys,
                            "old": {k: da[k] for k in keys if k in da},
                            "new": {k: db[k] for k in keys if k in db}})
    for d in out:
        d["derived"] = "models.json"
    for r in renames.get("fields", []):
        if r["release"] not in releases[1:]:
            continue
        # A multi-table child shows its parent's fields: the rename applies to it too.
        for model in [r["model"]] + [c for c, p in INHERITS.items() if p == r["model"]]:
            out.append({"release": r["release"], "kind": "renamed", "model": model,
                        "field": r["new"], "old_field": r["old"], "source": r["source"],
                        "derived": "renames.json"})
    for r in renames.get("models", []):
        if r["release"] in releases[1:]:
            out.append({"release": r["release"], "kind": "renamed", "model": r["new"],
                        "old_model": r["old"], "source": r["source"],
                        "derived": "renames.json"})
    return out


def explained_by_rename(entry, renames):
    """A field-added/field-removed that one of the renamed entries accounts for."""
    for r in renames:
        if r["release"] != entry["release"] or r.get("model") != entry.get("model"):
            continue
        if entry["kind"] == "field-added" and entry.get("field") == r.get("field"):
            return True
        if entry["kind"] == "field-removed" and entry.get("field") == r.get("old_field"):
            return True
    return False


def check_curated(entries, models):
    releases = models["releases"]
    for e in entries:
        where = json.dumps({k: e.get(k) for k in ("release", "kind", "model", "field")})
        if e.get("kind") not in CURATED_KINDS:
            die(f"curated entry {where}: kind must be one of {sorted(CURATED_KINDS)}")
        if e.get("release") not in releases:
            die(f"curated entry {where}: release must be one of {releases}")
        if not e.get("source") or not e.get("confidence"):
            die(f"curated entry {where}: needs `source` and `confidence`")
        if e["confidence"] not in CONFIDENCE:
            die(f"curated entry {where}: confidence must be one of {sorted(CONFIDENCE)}")
        model = e.get("model")
        if model is not None and model not in models["models"]:
            die(f"curated entry {where}: unknown model {model}")
        field = e.get("field")
        if model and field and "." not in field:
            fields = models["models"][model].get("fields") or {}
            if field not in fields:
                die(f"curated entry {where}: {model} has no field {field} in models.json")
        if e["kind"] == "default-changed" and ("old" not in e or "new" not in e):
            die(f"curated entry {where}: default-changed needs `old` and `new`")


def order(e):
    return (
        [int(p) for p in e["release"].split(".")],
        e.get("patch", ""),
        e.get("model", ""),
        e.get("field", ""),
        e["kind"],
    )


def build(existing, models, renames):
    curated = [e for e in existing.get("changes", []) if "derived" not in e]
    check_curated(curated, models)
    derived = derive(models, renames)
    all_renames = [e for e in curated + derived if e["kind"] == "renamed"]
    derived = [e for e in derived
               if e["kind"] not in ("field-added", "field-removed")
               or not explained_by_rename(e, all_renames)]
    # A curated field-added (with its default) replaces the derived one.
    curated_added = {(e["release"], e["model"], e["field"])
                     for e in curated if e["kind"] == "field-added"}
    derived = [e for e in derived
               if not (e["kind"] == "field-added"
                       and (e["release"], e["model"], e["field"]) in curated_added)]
    return {
        "about": [
            "What changed in authentik per release line, for the generator (values whose",
            "default differs between releases are stated explicitly), for validation and for",
            "`akbp upgrade`. Written by tools/derive-release-changes.py: entries with `derived`",
            "come from models.json/renames.json and are rewritten; the others are curated by",
            "hand with their `source` (see schemas/README.md, release-changes.json).",
        ],
        "releases": models["releases"],
        "kinds": KINDS,
        "confidence": CONFIDENCE,
        "changes": sorted(curated + derived, key=order),
    }


def render(doc):
    """One change per line, so diffs stay readable."""
    lines = ["{"]
    keys = list(doc)
    for i, k in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        if k == "changes":
            lines.append(' "changes": [')
            items = doc[k]
            for j, c in enumerate(items):
                sep = "," if j < len(items) - 1 else ""
                lines.append("  " + json.dumps(c, ensure_ascii=False, sort_keys=True) + sep)
            lines.append(" ]" + comma)
        else:
            body = json.dumps(doc[k], ensure_ascii=False, indent=1)
            lines.append(f" {json.dumps(k)}: " + body.replace("\n", "\n ") + comma)
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- --mirror: Django model defaults at the release tags ------------------------------

def git_show(mirror, ref, path):
    r = subprocess.run(["git", "-C", str(mirror), "show", f"{ref}:{path}"],
                       capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def ancestry(cls, parents):
    """`cls` and its bases known from the parsed files, nearest first (depth-first, like
    Python's MRO for these single-diamond-free hierarchies)."""
    seen = []
    todo = [cls]
    while todo:
        c = todo.pop(0)
        if c in seen:
            continue
        seen.append(c)
        todo = [b for b in parents.get(c, []) if b in parents] + todo
    return seen


def defaults_at(mirror, refs):
    """blueprint model -> field -> default expression (ast.unparse), `-` when none."""
    out = {}
    parents = {}
    for path in MODEL_FILES:
        text = git_show(mirror, refs.get(path, refs["*"]), path)
        if text is None:
            continue
        for node in ast.parse(text).body:
            if not isinstance(node, ast.ClassDef):
                continue
            parents[node.name] = [ast.unparse(b) for b in node.bases]
            fields = out.setdefault(node.name, {})
            for st in node.body:
                if isinstance(st, ast.Assign) and len(st.targets) == 1:
                    target, value = st.targets[0], st.value
                elif isinstance(st, ast.AnnAssign) and st.value is not None:
                    target, value = st.target, st.value
                else:
                    continue
                if not isinstance(target, ast.Name) or not isinstance(value, ast.Call):
                    continue
                fn = ast.unparse(value.func)
                if not any(s in fn for s in ("Field", "ForeignKey", "ManyToMany", "OneToOne")):
                    continue
                default = next((ast.unparse(k.value) for k in value.keywords
                                if k.arg == "default"), "-")
                fields[target.id] = default
    result = {}
    for cls, model in MODEL_CLASSES.items():
        merged = {}
        # Own fields win over inherited ones (ProxyProvider overrides OAuth2Provider's).
        for c in reversed(ancestry(cls, parents)):
            merged.update(out.get(c, {}))
        result[model] = merged
    return result


def compare_defaults(mirror, changes):
    listed = {(c["release"], c["model"], c.get("field")) for c in changes
              if c["kind"] in ("default-changed", "renamed", "field-added")}
    problems = []
    prev = None
    for label, refs in MIRROR_REFS:
        cur = defaults_at(mirror, refs)
        if prev is not None:
            for model, fields in cur.items():
                for field, default in fields.items():
                    old = prev[1].get(model, {}).get(field)
                    if old is None or old == default:
                        continue
                    if (model, field, old, default) in DEFAULT_NOISE:
                        continue
                    if (label, model, field) not in listed:
                        problems.append(f"{label}: {model}.{field} default {old} -> {default} "
                                        f"({prev[0]} -> {refs['*']}) has no curated entry")
        prev = (refs["*"], cur)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--mirror", type=Path)
    args = ap.parse_args()
    models = load(ROOT / "schemas" / "models.json")
    renames = load(ROOT / "schemas" / "renames.json")
    existing = load(OUT) if OUT.exists() else {"changes": []}
    text = render(build(existing, models, renames))
    current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
    if args.mirror:
        problems = compare_defaults(args.mirror, json.loads(text)["changes"])
        for p in problems:
            print("derive-release-changes: " + p, file=sys.stderr)
        if problems:
            sys.exit(1)
    if args.check:
        if text != current:
            die("schemas/release-changes.json is not current; run tools/derive-release-changes.py")
        return
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
