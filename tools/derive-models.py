#!/usr/bin/env python3
"""Derive akbp's model knowledge from authentik's published data.

Usage: python3 tools/derive-models.py [--shared ../shared/authentik] [--out schemas]

Reads (Python 3.11 stdlib only):
  <release>/schema.json      blueprint JSON Schema, 2024.10.5 ... 2026.2.2
  2026.5/fields.json,        API request models (authentik-client), used for the
  2026.8/fields.json         release lines without a published blueprint schema
  <release>/blueprints/**    authentik's shipped blueprints (for defaults.json)
Writes:
  schemas/models.json        models, fields per release line, shared enums, deviations
  schemas/defaults.json      objects every install has, per release line

Choices (see also README section "Model knowledge"):
- One release line per schema release (2024.10.5 -> "2024.10"). Consecutive lines with an
  identical field descriptor merge into one variant {"since", "until"?, ...descriptor}.
  "until" is the first line without that descriptor; absent means "still current".
- The published schemas mark nothing required (`required: []`). `required` is therefore the
  API's: taken from 2026.5/fields.json and applied to every older line where the field exists
  (2026.8 uses its own fields.json), plus a short keep-list (KEEP_REQUIRED). `nullable` likewise
  comes from the API, or from the schema where its type includes null.
- 2026.5/2026.8: model list = fields.json ModelEnum + blueprint-only models. A field's
  descriptor starts from the previous line's (so lengths, formats and durations carry over)
  and takes type/enum/items from fields.json. Blueprint-only fields are carried forward.
  Models without a request model keep their previous fields; unknown ones get "fields": null.
- Duration fields are recognised from authentik's help text "(Format: hours=1;minutes=2;...)".
- Enum value lists used more than once are stored once under "enums" and referenced by name.
"""

import argparse
import json
import re
import sys
from pathlib import Path

SCHEMA_RELEASES = [
    "2024.10.5", "2024.12.5", "2025.2.4", "2025.4.4", "2025.6.4",
    "2025.8.6", "2025.10.4", "2025.12.4", "2026.2.2",
]
API_RELEASES = ["2026.5", "2026.8"]
LINES = [".".join(r.split(".")[:2]) for r in SCHEMA_RELEASES] + API_RELEASES

# Blueprint-only attrs (FIELD-CHANGES.md): in the blueprint schema, not in the request model.
BLUEPRINT_ONLY = {
    "authentik_core.application": ["icon"],
    "authentik_core.token": ["key"],
    "authentik_endpoints_connectors_agent.enrollmenttoken": ["key"],
    "authentik_stages_invitation.invitation": ["created_by"],
    "authentik_rbac.role": ["permissions"],
    "authentik_core.user": ["password", "permissions"],
}
# user.password_hash: blueprint-only from 2026.5 (docs v1/models.mdx), mutually exclusive
# with password; no schema shows it, so its descriptor is written here.
NEW_BLUEPRINT_ONLY = {
    "2026.5": {"authentik_core.user": {"password_hash": {"type": "string", "nullable": True}}},
}
BLUEPRINT_ONLY_MODELS = {
    "2026.5": [
        "authentik_blueprints.metaapplyblueprint",
        "authentik_endpoints_connectors_agent.agentdeviceuserbinding",
        "authentik_reports.dataexport",
    ],
    "2026.8": [
        "authentik_blueprints.metaapplyblueprint",
        "authentik_endpoints_connectors_agent.agentdeviceuserbinding",
        "authentik_reports.dataexport",
        "authentik_core.actor",
        "authentik_requests.grantrequest",
    ],
}
# Fields authentik needs on create even where the API model alone would not say so.
KEEP_REQUIRED = {
    "authentik_providers_oauth2.oauth2provider": ["redirect_uris"],
    "authentik_providers_saml.samlprovider": ["acs_url"],
    "authentik_providers_proxy.proxyprovider": ["external_host"],
    "authentik_core.application": ["name", "slug"],
    "authentik_flows.flow": ["name", "slug", "title", "designation"],
}
DURATION_HINT = "(Format: hours=1;minutes=2;seconds=3)"
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"

# Deviations: where authentik's published data and authentik's behaviour (or the blueprint
# and API views) differ. Each is checked against the sources below, so the list stays honest.
DEVIATIONS = [
    {
        "kind": "lenient_value",
        "model": "authentik_stages_authenticator_totp.authenticatortotpstage",
        "field": "digits",
        "since": "2024.10",
        "accepts": "integer",
        "reason": "The schema says string enum [\"6\",\"8\"], but authentik's own "
        "flow-default-authenticator-totp-setup.yaml sets `digits: 6`; DRF's ChoiceField "
        "matches str(value), so the integer is accepted.",
    },
    {
        "kind": "schema_requires_identifiers",
        "model": "authentik_blueprints.metaapplyblueprint",
        "since": "2024.10",
        "until": "2025.2",
        "reason": "The 2024.10/2024.12 schemas require `identifiers` on meta-model entries; "
        "the importer ignores identifiers for meta models and authentik's shipped blueprints "
        "omit them. Later schemas dropped the requirement.",
    },
    {
        "kind": "schema_enum_extra",
        "model": "authentik_policies_geoip.geoippolicy",
        "field": "countries",
        "since": "2024.10",
        "values": [""],
        "reason": "The blueprint schema adds \"\" to the country enum; the API enum "
        "(CountryCodeEnum) has no empty value. Kept from the schema for 2026.5+.",
    },
]
# Primary keys the schema types as integer although the related model's pk is a UUID
# (sources and OAuth sources are PolicyBindingModels, pk pbm_uuid). The 2026.5 API says uuid;
# the schemas up to 2026.5.0-rc1 say integer. The knowledge uses the API's type everywhere.
UUID = {"type": "string", "format": "uuid"}
SCHEMA_TYPE_FIXES = [
    ("authentik_providers_oauth2.oauth2provider", "jwt_federation_sources", "items"),
    ("authentik_providers_proxy.proxyprovider", "jwt_federation_sources", "items"),
    ("authentik_providers_scim.scimprovider", "auth_oauth", ""),
]
for model, field, path in SCHEMA_TYPE_FIXES:
    DEVIATIONS.append({
        "kind": "schema_type", "model": model, "field": field, "path": path, "since": None,
        "schema": "integer", "authentik": "string/uuid",
        "reason": "The schema types this relation as an integer pk, but the related source's pk "
        "is a UUID (PolicyBindingModel.pbm_uuid); fields.json 2026.5 says uuid. The knowledge "
        "uses uuid for every release.",
    })

# API-only request fields: not blueprint attrs (FIELD-CHANGES.md, 2026.2.2 comparison).
API_ONLY = {"authentik_endpoints.deviceuserbinding": ["is_primary"]}
for model, fields in API_ONLY.items():
    for f in fields:
        DEVIATIONS.append({
            "kind": "api_only_field", "model": model, "field": f, "since": None,
            "reason": "In the API request model but not in the blueprint schema (2026.2.2 "
            "comparison, FIELD-CHANGES.md); left out of the blueprint attrs for 2026.5+.",
        })
for model, fields in BLUEPRINT_ONLY.items():
    for f in fields:
        DEVIATIONS.append({
            "kind": "blueprint_only_field", "model": model, "field": f, "since": None,
            "reason": "Accepted only through blueprints (docs v1/models.mdx); the API request "
            "model has no such field, so fields.json lacks it.",
        })
DEVIATIONS.append({
    "kind": "blueprint_only_field", "model": "authentik_core.user", "field": "password_hash",
    "since": "2026.5",
    "reason": "Blueprint-only (docs v1/models.mdx, 2026.5), mutually exclusive with `password`; "
    "not in the API request model.",
})


def die(msg):
    print("derive-models: " + msg, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- schema.json -> descriptors

def find_entry_oneof(schema):
    """The entry oneOf moved from #/properties/entries/items (<=2025.6) to $defs/blueprint_entry."""
    defs = schema.get("$defs") or schema.get("definitions") or {}
    stack = [schema.get("properties", {}).get("entries", {})] + [defs.get("blueprint_entry", {})]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "oneOf" in node and any("model" in (b.get("properties") or {}) for b in node["oneOf"]):
                return node["oneOf"]
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(node)
    die("entry oneOf not found")


def schema_descriptor(node, required=False):
    ty = node.get("type")
    nullable = False
    if isinstance(ty, list):
        nullable = "null" in ty
        rest = [t for t in ty if t != "null"]
        if len(rest) != 1:
            die("unexpected type list %r" % ty)
        ty = rest[0]
    d = {"type": ty or "any"}
    if "enum" in node:
        vals = [v for v in node["enum"] if v is not None]
        if len(vals) != len(node["enum"]):
            nullable = True
        if not all(isinstance(v, str) for v in vals):
            die("non-string enum %r" % vals)
        d["enum"] = vals
    for src, dst in (("minLength", "min_length"), ("maxLength", "max_length"),
                     ("minimum", "minimum"), ("maximum", "maximum"), ("maxItems", "max_items")):
        if src in node:
            d[dst] = node[src]
    fmt = node.get("format")
    if "pattern" in node:
        if node["pattern"] != SLUG_PATTERN:
            die("unknown pattern %r" % node["pattern"])
        fmt = fmt or "slug"
    if DURATION_HINT in (node.get("description") or ""):
        fmt = "duration"
    if fmt:
        d["format"] = fmt
    if nullable:
        d["nullable"] = True
    if required:
        d["required"] = True
    if "items" in node:
        d["items"] = schema_descriptor(node["items"])
    if node.get("properties"):
        req = set(node.get("required") or [])
        d["properties"] = {k: schema_descriptor(v, k in req) for k, v in node["properties"].items()}
    return d


def load_schema_release(shared, rel):
    schema = json.loads((shared / rel / "schema.json").read_text())
    defs = schema.get("$defs") or schema.get("definitions")
    models = {}
    for branch in find_entry_oneof(schema):
        name = branch["properties"]["model"]["const"]
        attrs = defs["model_" + name]
        models[name] = {k: schema_descriptor(v) for k, v in (attrs.get("properties") or {}).items()}
    for model, field, path in SCHEMA_TYPE_FIXES:
        d = models.get(model, {}).get(field)
        if d is None:
            continue
        if path == "items":
            d = d["items"]
        if d["type"] != "integer":
            die("schema type fix no longer needed for %s.%s in %s" % (model, field, rel))
        keep = {k: v for k, v in d.items() if k in ("required", "nullable")}
        d.clear()
        d.update(UUID, **keep)
    return models


# ---------------------------------------------------------------- fields.json -> descriptors

def api_descriptor(spec, api):
    if isinstance(spec, str):
        spec = {"type": spec}
    t = spec["type"]
    d = {}
    if t in ("string", "boolean", "integer", "number", "object", "any", "array"):
        d["type"] = t
    elif t in ("uuid", "date-time"):
        d = {"type": "string", "format": t}
    elif t.startswith("enum:"):
        d = {"type": "string", "enum": list(api["enums"][t[5:]])}
    elif t.startswith("ref:"):
        ref = t[4:]
        m = api["models"].get(ref) or api["referenced_models"].get(ref)
        d = {"type": "object", "properties": {
            k: api_descriptor(v, api) for k, v in m.get("fields", {}).items()}}
    else:
        die("unknown api type %r" % t)
    if spec.get("required"):
        d["required"] = True
    if spec.get("nullable"):
        d["nullable"] = True
    if "items" in spec:
        d["items"] = api_descriptor(spec["items"], api)
    return d


def merge_api(base, new):
    """Keep what only the schema knows (lengths, formats, durations) when the API agrees on type."""
    if base is None or base.get("type") != new.get("type"):
        return new
    if new.get("format") and base.get("format") != new.get("format"):
        return new
    d = {k: v for k, v in base.items() if k not in ("required", "nullable", "enum", "items", "properties")}
    if "enum" in new:
        vals = list(new["enum"])
        if "" in base.get("enum", []) and "" not in vals:
            vals.append("")  # schema_enum_extra deviation, kept from the schema
        if set(vals) == set(base.get("enum", [])):
            vals = list(base["enum"])
        d["enum"] = vals
    for k in ("required", "nullable"):
        if new.get(k):
            d[k] = True
    if "items" in new:
        d["items"] = merge_api(base.get("items"), new["items"])
    if "properties" in new:
        bp = base.get("properties") or {}
        d["properties"] = {k: merge_api(bp.get(k), v) for k, v in new["properties"].items()}
    return d


def load_api_release(shared, rel, previous):
    api = json.loads((shared / rel / "fields.json").read_text())
    by_bp = {m["blueprint_model"]: m for m in api["models"].values() if m.get("blueprint_model")}
    names = set(api["enums"]["ModelEnum"]) | set(BLUEPRINT_ONLY_MODELS[rel])
    models = {}
    for name in sorted(names):
        prev = previous.get(name)
        if name in by_bp:
            fields = {}
            for fname, fspec in by_bp[name]["fields"].items():
                if fname in API_ONLY.get(name, []):
                    continue
                fields[fname] = merge_api((prev or {}).get(fname), api_descriptor(fspec, api))
            for fname in BLUEPRINT_ONLY.get(name, []):
                if prev and fname in prev:
                    fields[fname] = prev[fname]
            for fname, d in NEW_BLUEPRINT_ONLY.get(rel, {}).get(name, {}).items():
                fields[fname] = d
            for fname, d in (prev or {}).items():
                if fname not in fields and fname in NEW_BLUEPRINT_ONLY.get("2026.5", {}).get(name, {}):
                    fields[fname] = d
            models[name] = fields
        else:
            models[name] = prev  # None: akbp knows the name, not the fields
    return models, api


# ---------------------------------------------------------------- assembly

def strip_flags(d):
    return {k: v for k, v in d.items() if k not in ("required", "nullable")}


def main():
    ap = argparse.ArgumentParser()
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--shared", default=str(root.parent / "shared" / "authentik"))
    ap.add_argument("--out", default=str(root / "schemas"))
    args = ap.parse_args()
    shared, out = Path(args.shared), Path(args.out)

    per_line = {}  # line -> model -> fields | None
    for rel, line in zip(SCHEMA_RELEASES, LINES):
        per_line[line] = load_schema_release(shared, rel)
    apis = {}
    prev = per_line[LINES[len(SCHEMA_RELEASES) - 1]]
    for line in API_RELEASES:
        per_line[line], apis[line] = load_api_release(shared, line, prev)
        prev = {k: v for k, v in per_line[line].items() if v is not None}

    # required / nullable: API view (2026.5 for the schema lines), plus the keep-list.
    def api_flags(line, model):
        api = apis["2026.5" if line not in apis else line]
        for m in api["models"].values():
            if m.get("blueprint_model") == model:
                return {k: (v.get("required", False), v.get("nullable", False)) for k, v in m["fields"].items()}
        return {}

    for line in LINES:
        for model, fields in per_line[line].items():
            if fields is None:
                continue
            flags = api_flags(line, model)
            for fname in list(fields):
                d = dict(fields[fname])
                req, nul = flags.get(fname, (False, False))
                d.pop("required", None)
                if req or fname in KEEP_REQUIRED.get(model, []):
                    d["required"] = True
                if nul:
                    d["nullable"] = True
                fields[fname] = d

    report_api_changes(per_line)

    models = {}
    all_models = sorted({m for line in LINES for m in per_line[line]})
    for model in all_models:
        present = [line for line in LINES if model in per_line[line]]
        idx = [LINES.index(x) for x in present]
        if idx != list(range(idx[0], idx[-1] + 1)):
            die("model %s is not present in consecutive lines: %r" % (model, present))
        until = LINES[idx[-1] + 1] if idx[-1] + 1 < len(LINES) else None
        entry = {"since": present[0]}
        if until:
            entry["until"] = until
        if model.startswith("authentik_blueprints.meta"):
            entry["meta"] = True
        if all(per_line[line][model] is None for line in present):
            entry["fields"] = None
        elif any(per_line[line][model] is None for line in present):
            die("model %s: fields known in some lines only" % model)
        else:
            fnames = sorted({f for line in present for f in per_line[line][model]})
            entry["fields"] = {f: variants([per_line[line][model].get(f) if model in per_line[line] else None
                                            for line in LINES]) for f in fnames}
        models[model] = entry

    enums = share_enums(models, apis)
    check_deviations(shared, per_line)
    doc = {
        "about": [
            "akbp model knowledge, generated by tools/derive-models.py; do not edit by hand.",
            "models.<app.model>: since/until (first line without it), meta, fields (null: names only).",
            "fields.<name>: variants, each {since, until?, type, enum?, format?, min_length?, max_length?,"
            " minimum?, maximum?, max_items?, required?, nullable?, items?, properties?}.",
            "enum: a list of values or the name of a shared list under 'enums'.",
            "required/nullable: the API's view (fields.json 2026.5 applied to older lines), not the schema's.",
        ],
        "releases": LINES,
        "sources": dict(zip(LINES, [r + "/schema.json" for r in SCHEMA_RELEASES] + [r + "/fields.json" for r in API_RELEASES])),
        "enums": enums,
        "deviations": DEVIATIONS,
        "models": models,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "models.json").write_text(render(doc))
    load_unique(out)
    (out / "defaults.json").write_text(render(derive_defaults(shared)))


def variants(per_line_desc):
    out = []
    for line, d in zip(LINES, per_line_desc):
        if out and out[-1]["_d"] == d and out[-1]["_end"] == LINES.index(line) - 1:
            out[-1]["_end"] += 1
            continue
        if d is not None:
            out.append({"_d": d, "_start": LINES.index(line), "_end": LINES.index(line)})
    res = []
    for v in out:
        item = {"since": LINES[v["_start"]]}
        if v["_end"] + 1 < len(LINES):
            item["until"] = LINES[v["_end"] + 1]
        item.update(v["_d"])
        res.append(item)
    return res


def walk_descs(models):
    for m in models.values():
        for vs in (m["fields"] or {}).values():
            for v in vs:
                stack = [v]
                while stack:
                    d = stack.pop()
                    yield d
                    if "items" in d:
                        stack.append(d["items"])
                    stack.extend((d.get("properties") or {}).values())


def share_enums(models, apis):
    """Name enum lists used more than once (or long ones) and store them under "enums".
    Long lists that change release by release (permissions, apps, models) are stored as a
    delta {"base", "add", "remove"} against the closest earlier list, to keep the file small."""
    first, counts = {}, {}
    for mname in sorted(models):
        m = models[mname]
        for fname, vs in sorted((m["fields"] or {}).items()):
            for v in vs:
                stack = [(fname, v)]
                while stack:
                    path, d = stack.pop()
                    if "enum" in d:
                        t = tuple(d["enum"])
                        counts[t] = counts.get(t, 0) + 1
                        key = (LINES.index(v["since"]), path)
                        first[t] = min(first.get(t, key), key)
                    if "items" in d:
                        stack.append((path, d["items"]))
                    stack.extend((k, x) for k, x in (d.get("properties") or {}).items())
    api_names = {}
    for line in reversed(API_RELEASES):
        for name, vals in apis[line]["enums"].items():
            api_names.setdefault(tuple(vals), name)
    names, used = {}, set()
    for t in sorted(first, key=lambda t: (first[t], t)):
        if counts[t] < 2 and len(t) < BIG_ENUM:
            continue
        line, path = LINES[first[t][0]], first[t][1]
        base = api_names.get(t) or (path if len(t) < BIG_ENUM else "%s@%s" % (path, line))
        name, i = base, 2
        while name in used:
            name, i = "%s_%d" % (base, i), i + 1
        names[t] = name
        used.add(name)
    for d in walk_descs(models):
        if "enum" in d and tuple(d["enum"]) in names:
            d["enum"] = names[tuple(d["enum"])]
    enums = {}
    done = []
    for t in sorted(names, key=lambda t: (first[t], t)):
        best = None
        if len(t) >= BIG_ENUM:
            for b in done:
                add = [v for v in t if v not in set(b)]
                rem = sorted(set(b) - set(t))
                if best is None or len(add) + len(rem) < best[0]:
                    best = (len(add) + len(rem), b, add, rem)
            done.append(t)
        if best and best[0] < len(t) // 2:
            delta = {"base": names[best[1]]}
            if best[2]:
                delta["add"] = best[2]
            if best[3]:
                delta["remove"] = best[3]
            enums[names[t]] = delta
        else:
            enums[names[t]] = list(t)
    return enums


BIG_ENUM = 40


def report_api_changes(per_line):
    """Print the 2026.2 -> 2026.5 -> 2026.8 field diff to compare with FIELD-CHANGES.md by eye."""
    for a, b in (("2026.2", "2026.5"), ("2026.5", "2026.8")):
        for m in sorted(set(per_line[a]) | set(per_line[b])):
            fa, fb = per_line[a].get(m) or {}, per_line[b].get(m) or {}
            add, rem = sorted(set(fb) - set(fa)), sorted(set(fa) - set(fb))
            if add or rem:
                print("%s->%s %s +%s -%s" % (a, b, m, add, rem), file=sys.stderr)


def check_deviations(shared, per_line):
    for dev in DEVIATIONS:
        m, f = dev["model"], dev.get("field")
        if dev["since"] is None and dev["kind"] == "api_only_field":
            dev["since"] = API_RELEASES[0]
            continue
        if dev["since"] is None and dev["kind"] == "schema_type":
            dev["since"] = next(ln for ln in LINES if f in (per_line[ln].get(m) or {}))
            dev["until"] = API_RELEASES[0]
            continue
        if dev["since"] is None:  # first line where the blueprint-only field exists
            dev["since"] = next((ln for ln in LINES if f in (per_line[ln].get(m) or {})), None)
        line = dev["since"]
        if m not in per_line[line] or (f and f not in (per_line[line][m] or {})):
            die("deviation names an unknown model/field: %r" % dev)


# ---------------------------------------------------------------- defaults.json

class Tagged(str):
    """A YAML value carrying a custom tag (!Find, !KeyOf, ...): never a plain lookup value."""


def yaml_scalar(s):
    s = s.strip()
    if s.startswith("!"):
        return Tagged(s)
    if s[:1] in ("[", "{"):
        return Tagged(s)  # flow collections are not needed for defaults
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return s[1:-1].replace("\\\"", "\"") if s[0] == '"' else s[1:-1].replace("''", "'")
    if s in ("true", "True"):
        return True
    if s in ("false", "False"):
        return False
    if s in ("null", "~", ""):
        return None
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    return s


def strip_comment(s):
    if s.lstrip().startswith("#"):
        return ""
    m = re.search(r"\s#", s)
    if m and not any(q in s[: m.start()] for q in "'\""):
        return s[: m.start()]
    return s


def yaml_load(text):
    """A small block-YAML reader for authentik's shipped blueprints (mappings, sequences,
    scalars, block scalars). Tags and flow collections come back as Tagged strings."""
    lines = []
    for raw in text.splitlines():
        body = strip_comment(raw).rstrip()
        lines.append([len(raw) - len(raw.lstrip(" ")), body.strip(), raw])

    def skip(i):
        while i < len(lines) and not lines[i][1]:
            i += 1
        return i

    def block_scalar(i, indent):
        i += 1
        while i < len(lines) and (not lines[i][2].strip() or lines[i][0] > indent):
            i += 1
        return i

    def node(i, indent):
        i = skip(i)
        if i >= len(lines) or lines[i][0] < indent:
            return None, i
        ind, body, _ = lines[i]
        if body[:1] in ("!", "[", "{", "|", ">") or not (
                body == "-" or body.startswith("- ") or re.match(r"^(['\"]?)(.*?)\1:(\s+|$)", body)):
            return value(body, i, ind - 1)
        if body == "-" or body.startswith("- "):
            seq = []
            while i < len(lines) and lines[i][0] == ind and (lines[i][1] == "-" or lines[i][1].startswith("- ")):
                rest = lines[i][1][1:].lstrip()
                if not rest:
                    v, i = node(i + 1, ind + 1)
                elif re.match(r"^[^'\"!\[{][^:]*:(\s|$)", rest) or re.match(r"^['\"][^'\"]*['\"]:(\s|$)", rest):
                    lines[i] = [ind + 2 + (len(lines[i][1]) - 2 - len(rest)), rest, lines[i][2]]
                    v, i = node(i, lines[i][0])
                else:
                    v, i = value(rest, i, ind)
                seq.append(v)
                i = skip(i)
            return seq, i
        mapping = {}
        while i < len(lines) and lines[i][0] == ind and not (lines[i][1] == "-" or lines[i][1].startswith("- ")):
            body = lines[i][1]
            m = re.match(r"^(['\"]?)(.*?)\1:(\s+|$)(.*)$", body)
            if not m:
                die("cannot read YAML line %r" % body)
            key, rest = m.group(2), m.group(4)
            if rest:
                v, i = value(rest, i, ind)
            else:
                nxt = skip(i + 1)
                if nxt < len(lines) and (lines[nxt][0] > ind or (lines[nxt][0] == ind and lines[nxt][1].startswith("-"))):
                    v, i = node(nxt, lines[nxt][0])
                else:
                    v, i = None, i + 1
            mapping[key] = v
            i = skip(i)
        return mapping, i

    def value(rest, i, indent):
        if rest[:1] in ("|", ">"):
            return "<block>", block_scalar(i, indent)
        if rest.startswith("!") and " " not in rest:
            nxt = skip(i + 1)
            if nxt < len(lines) and lines[nxt][0] > indent:
                _, j = node(nxt, lines[nxt][0])
                return Tagged(rest), j
        if rest[:1] in ("[", "{") or (rest.startswith("!") and "[" in rest):
            # flow collections may continue on more-indented lines
            depth = rest.count("[") + rest.count("{") - rest.count("]") - rest.count("}")
            j = i + 1
            while depth > 0 and j < len(lines):
                depth += lines[j][1].count("[") + lines[j][1].count("{") - lines[j][1].count("]") - lines[j][1].count("}")
                j += 1
            return Tagged(rest), j
        j = i + 1  # plain scalars may continue on more-indented lines
        while j < len(lines) and lines[j][1] and lines[j][0] > indent:
            j += 1
        if j > i + 1:
            return Tagged(rest), j  # a folded multi-line scalar: not a usable lookup value
        return yaml_scalar(rest), j

    doc, _ = node(0, 0)
    return doc


UNIQUE = {}  # (model, line) -> unique field names, from schemas/lookups.json


def load_unique(out):
    """Fields authentik's models declare unique (schemas/lookups.json, from models.py)."""
    path = out / "lookups.json"
    if not path.exists():
        die("schemas/lookups.json is missing: run tools/derive-lookups.py first")
    for model, m in json.loads(path.read_text())["models"].items():
        for fname, vs in m["fields"].items():
            for v in vs:
                if not v.get("unique"):
                    continue
                for i in range(LINES.index(v["since"]), LINES.index(v.get("until", LINES[-1])) + (0 if "until" in v else 1)):
                    UNIQUE.setdefault((model, LINES[i]), set()).add(fname)


def unique_of(model, lookups, line):
    return sorted(k for k in lookups if k in UNIQUE.get((model, line), set()))


def derive_defaults(shared):
    """Objects created by auto-instantiated shipped blueprints (not labelled instantiate: "false"),
    plus those authentik creates in code (certificates) or conditionally (default brand)."""
    releases = {}
    for rel, line in zip(SCHEMA_RELEASES, LINES):
        objs = {}
        for path in sorted((shared / rel / "blueprints").rglob("*.yaml")):
            doc = yaml_load(path.read_text())
            labels = ((doc.get("metadata") or {}).get("labels") or {})
            if str(labels.get("blueprints.goauthentik.io/instantiate", "")).lower() == "false":
                continue
            entries = doc.get("entries") or []
            if isinstance(entries, dict):
                entries = [e for sec in entries.values() for e in sec]
            for e in entries:
                if not isinstance(e, dict) or e.get("state") == "absent" or e.get("conditions"):
                    continue
                model = str(e.get("model", "")).lower()
                if model.startswith("authentik_blueprints.meta"):
                    continue
                ident = e.get("identifiers") or {}
                attrs = e.get("attrs") if isinstance(e.get("attrs"), dict) else {}
                lookups = {k: v for k, v in ident.items() if isinstance(v, str) and not isinstance(v, Tagged)}
                if not lookups or len(lookups) != len(ident):
                    continue  # identified through tags (!KeyOf ...): not a stable default
                # The importer finds an object with filter(**identifiers).first(), so an entry
                # identified by any of these values (a prompt by field_key, a flow by slug,
                # a mapping by managed) updates the default object instead of creating one.
                for k, v in attrs.items():
                    if k not in lookups and isinstance(v, str) and not isinstance(v, Tagged) \
                            and v != "<block>":
                        lookups[k] = v
                key = (model, tuple(sorted(lookups.items())))
                objs[key] = {"model": model, "lookups": lookups, "identified_by": sorted(ident),
                             "unique": unique_of(model, lookups, line),
                             "source": str(path.relative_to(shared / rel / "blueprints"))}
        for extra in CODE_DEFAULTS:
            key = (extra["model"], tuple(sorted(extra["lookups"].items())))
            objs[key] = dict(extra, unique=unique_of(extra["model"], extra["lookups"], line))
        releases[line] = sorted(objs.values(), key=lambda o: (o["model"], sorted(o["lookups"].items())))
    for line in API_RELEASES:
        # 2026.5 shipped the same blueprints as 2026.2.2 (README); nothing newer is available.
        releases[line] = releases["2026.2"]
    objects = {}
    for i, line in enumerate(LINES):
        for o in releases[line]:
            key = c_key(o)
            if key not in objects:
                objects[key] = dict(o, since=line, _last=i)
            elif objects[key]["_last"] == i - 1:
                objects[key]["_last"] = i
            else:
                die("default object comes back after a gap: %r" % (o,))
    out = []
    for o in objects.values():
        last = o.pop("_last")
        if last + 1 < len(LINES):
            o["until"] = LINES[last + 1]
        out.append(o)
    out.sort(key=lambda o: (o["model"], sorted(o["lookups"].items())))
    return {
        "about": [
            "Objects every authentik install has, generated by tools/derive-models.py; do not edit.",
            "lookups: field -> value that find the object (identifiers plus every single-line string attr:",
            "the importer matches with filter(**identifiers).first()); unique: those the model declares unique;",
            "identified_by: the blueprint identifiers (the stable lookup); since/until: release lines.",
            "Shipped blueprints that are auto-instantiated (no instantiate: \"false\" label), entries",
            "without conditions or state: absent; plus objects created in code. 2026.5/2026.8 reuse 2026.2.",
        ],
        "releases": LINES,
        "objects": out,
    }


def c_key(o):
    return json.dumps([o["model"], o["lookups"]], sort_keys=True)


CODE_DEFAULTS = [
    {"model": "authentik_crypto.certificatekeypair", "lookups": {"name": "authentik Self-signed Certificate"},
     "identified_by": ["name"], "source": "code: authentik/crypto/apps.py (created at startup)"},
    {"model": "authentik_crypto.certificatekeypair",
     "lookups": {"managed": "goauthentik.io/crypto/jwt-managed", "name": "authentik Internal JWT Certificate"},
     "identified_by": ["managed"], "source": "code: authentik/crypto/apps.py (managed)"},
    {"model": "authentik_outposts.outpost",
     "lookups": {"managed": "goauthentik.io/outposts/embedded", "name": "authentik Embedded Outpost",
                 "type": "proxy"},
     "identified_by": ["managed"],
     "source": "code: authentik/outposts/apps.py (embedded_outpost; unless outposts.disable_embedded_outpost)"},
    {"model": "authentik_brands.brand", "lookups": {"domain": "authentik-default"},
     "identified_by": ["domain"],
     "source": "default/default-brand.yaml (conditional: only if no other default brand exists)"},
]


# ---------------------------------------------------------------- output

def render(doc):
    """Stable, diffable JSON: sorted keys; one line per field, enum, deviation or default object."""
    def c(v):
        return json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def block(obj, indent, depth):
        pad = " " * indent
        if depth == 0 or not isinstance(obj, dict) or not obj:
            if isinstance(obj, list) and obj and depth > 0:
                return "[\n" + ",\n".join(pad + " " + c(x) for x in obj) + "\n" + pad + "]"
            return c(obj)
        items = [pad + " " + json.dumps(k, ensure_ascii=False) + ": " + block(obj[k], indent + 1, depth - 1)
                 for k in sorted(obj)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"

    parts = []
    for k in sorted(doc):
        v = doc[k]
        if k == "models":
            s = "{\n" + ",\n".join(
                "  " + json.dumps(m) + ": {" + ", ".join(
                    json.dumps(mk) + ": " + (c(mv) if mk != "fields" or not mv else block(mv, 3, 1))
                    for mk, mv in sorted(v[m].items())) + "}"
                for m in sorted(v)) + "\n }"
        elif k == "releases" and isinstance(v, dict):
            s = block(v, 1, 2)
        elif isinstance(v, list) and v and isinstance(v[0], str) and k == "releases":
            s = c(v)
        else:
            s = block(v, 1, 1)
        parts.append(" " + json.dumps(k) + ": " + s)
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":
    main()
