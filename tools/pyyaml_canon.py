#!/usr/bin/env python3
"""Load YAML texts the way authentik does and print one canonical JSON line per text.

authentik reads blueprints with PyYAML's SafeLoader plus constructors for its 14 tags
(authentik/blueprints/v1/common.py, BlueprintLoader). Here each authentik tag gets an
opaque constructor, so the document can be compared with what akbp's loader builds
(`akbp::load::canon`, used by tests/pyyaml.rs).

Input: one JSON string per line on stdin (the file's text). Output: one JSON object per
line, `{"ok": CANON}` or `{"error": "message"}`.

The canonical encoding (the same one akbp::load::canon writes):
  null, true/false, "string"  as JSON
  integer                      {"int": "decimal digits"}
  float                        {"float": number | "nan" | "inf" | "-inf"}
  timestamp                    {"timestamp": "isoformat() of the date or datetime"}
  !!binary                     {"binary": "standard base64"}
  sequence                     [items]
  mapping                      {"map": [[key, value], ...]}  dict order: first position, last value
  !!set                        {"set": [keys]}   (order is not significant)
  !!omap / !!pairs             {"omap": [[key, value], ...]} / {"pairs": [...]}
  authentik tag                {"tag": "!Name", "value": scalar text, or the sequence/mapping}
"""
import base64
import datetime
import json
import math
import sys

import yaml

AUTHENTIK_TAGS = [
    "!KeyOf", "!Env", "!File", "!Context", "!Format", "!Find", "!FindObject",
    "!Condition", "!If", "!Enumerate", "!Value", "!Index", "!AtIndex", "!ParseJSON",
]


class Tagged:
    """An authentik tag as an opaque object; hashable by identity like authentik's YAMLTag."""

    __slots__ = ("tag", "value")

    def __init__(self, tag, value):
        self.tag = tag
        self.value = value


class CanonLoader(yaml.SafeLoader):
    pass


def opaque(loader, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(node.tag, value)


for _tag in AUTHENTIK_TAGS:
    CanonLoader.add_constructor(_tag, opaque)


class OrderedPairs(list):
    pass


def construct_omap(loader, node):
    # SafeConstructor.construct_yaml_omap builds a list of tuples; keep which tag it was.
    gen = loader.construct_yaml_omap(node)
    items = next(gen)
    for _ in gen:
        pass
    out = OrderedPairs(items)
    out.kind = "omap" if node.tag.endswith("omap") else "pairs"
    return out


CanonLoader.add_constructor("tag:yaml.org,2002:omap", construct_omap)
CanonLoader.add_constructor("tag:yaml.org,2002:pairs", construct_omap)


class TooLarge(Exception):
    pass


BUDGET = [0]


def canon(v, depth=0):
    # serde_json, reading this output, stops at 128 levels.
    if depth > 100:
        raise TooLarge("TooDeep: nested more than 100 levels, not compared")
    # Aliases share objects in Python; expanding a billion-laughs document would not end.
    BUDGET[0] += 1
    if BUDGET[0] > 1_000_000:
        raise TooLarge("the expanded document exceeds 1,000,000 nodes")
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return {"int": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"float": "nan"}
        if math.isinf(v):
            return {"float": "inf" if v > 0 else "-inf"}
        return {"float": v}
    if isinstance(v, (datetime.date, datetime.datetime)):
        return {"timestamp": v.isoformat()}
    if isinstance(v, bytes):
        return {"binary": base64.b64encode(v).decode("ascii")}
    if isinstance(v, OrderedPairs):
        return {v.kind: [[canon(k, depth + 1), canon(x, depth + 1)] for k, x in v]}
    if isinstance(v, list):
        return [canon(x, depth + 1) for x in v]
    if isinstance(v, dict):
        return {"map": [[canon(k, depth + 1), canon(x, depth + 1)] for k, x in v.items()]}
    if isinstance(v, set):
        return {"set": [canon(k, depth + 1) for k in v]}
    if isinstance(v, Tagged):
        return {"tag": v.tag, "value": canon(v.value, depth + 1)}
    raise TypeError(f"no canonical form for {type(v).__name__}")


# --view: what authentik reads from a file and from the files Kubernetes mounts out of it.
#
# {"file": BLUEPRINT | {"error": true} | null, "mounted": [[file name, BLUEPRINT | {"error": true}], ...]}
#
# "file": the file read as authentik reads a blueprint (one document, `yaml.load`): its
# view when that is a mapping with `entries`, an error when PyYAML refuses it and it is not
# a manifest (a stream of Kubernetes objects only), else null (nothing to assert).
# "mounted": every ConfigMap `data`/`binaryData` and Secret `data`/`stringData` value
# (stringData over data) of the manifest's objects, `kind: List` items included, whose
# name is a file authentik discovers (`*.yaml`, no leading dot), sorted: its view when it
# loads as a mapping with `entries`, an error when it cannot be decoded or loaded.
# BLUEPRINT: {"refused": true} when dacite refuses the shape for a tag (a tag object, a set,
# a list of pairs where a dict or list is declared; authentik 2026.2.2 common.py), else
# {"version", "metadata", "context": values, "entries": [{"model", "state", "id",
# "identifiers", "attrs"} or {"raw": value} for an item that is not a mapping]}.

ERROR = {"error": True}


def shape_refused(d):
    def bad(v, needs):
        if isinstance(v, (Tagged, set)):
            return True
        return isinstance(v, OrderedPairs) and needs != "anylist"

    entries = d.get("entries")
    if bad(entries, "map" if isinstance(entries, dict) else "list"):
        return True
    items = []
    if isinstance(entries, list):
        items = entries
    elif isinstance(entries, dict):
        for v in entries.values():
            if bad(v, "list"):
                return True
            if isinstance(v, list):
                items.extend(v)
    md = d.get("metadata")
    if bad(md, "map") or bad(d.get("context"), "map"):
        return True
    if isinstance(md, dict) and bad(md.get("labels"), "map"):
        return True
    for e in items:
        if bad(e, "map"):
            return True
        if isinstance(e, dict):
            for k, needs in (("identifiers", "map"), ("attrs", "map"), ("conditions", "anylist"), ("permissions", "list")):
                if bad(e.get(k), needs):
                    return True
    return False


def blueprint_view(d):
    if shape_refused(d):
        return {"refused": True}
    entries = d.get("entries")
    items = []
    if isinstance(entries, list):
        items = entries
    elif isinstance(entries, dict):
        for v in entries.values():
            if isinstance(v, list):
                items.extend(v)
    out = []
    for e in items:
        if isinstance(e, dict):
            out.append({k: canon(e.get(k)) for k in ("model", "state", "id", "identifiers", "attrs")})
        else:
            out.append({"raw": canon(e)})
    return {
        "version": canon(d.get("version")),
        "metadata": canon(d.get("metadata")),
        "context": canon(d.get("context")),
        "entries": out,
    }


def is_k8s(d):
    return isinstance(d, dict) and "apiVersion" in d and isinstance(d.get("kind"), str)


def b64(value):
    if not isinstance(value, str):
        raise ValueError("not a string")
    return base64.b64decode("".join(value.split()), validate=True).decode("utf-8")


def mounted_files(obj, out, depth=0):
    kind = obj.get("kind")
    if kind == "List" and depth < 4:
        items = obj.get("items")
        for item in items if isinstance(items, list) else []:
            if is_k8s(item):
                mounted_files(item, out, depth + 1)
        return
    files = {}
    if kind == "ConfigMap":
        sections = [("data", False), ("binaryData", True)]
    elif kind == "Secret":
        sections = [("data", True), ("stringData", False)]
    else:
        return
    for name, encoded in sections:
        section = obj.get(name)
        if not isinstance(section, dict):
            continue
        for key, value in section.items():
            if not isinstance(key, str) or not key.endswith(".yaml") or key.startswith("."):
                continue
            try:
                files[key] = b64(value) if encoded else value
                if not isinstance(files[key], str):
                    raise ValueError("not a string")
            except Exception:
                files[key] = None
    for key, content in files.items():
        if content is None:
            out.append([key, ERROR])
            continue
        try:
            doc = yaml.load(content, Loader=CanonLoader)
        except Exception:
            out.append([key, ERROR])
            continue
        if isinstance(doc, dict) and "entries" in doc:
            out.append([key, blueprint_view(doc)])


def view(text):
    result = {"file": None, "mounted": []}
    try:
        doc = yaml.load(text, Loader=CanonLoader)
        docs = [doc] if doc is not None else []
        if isinstance(doc, dict) and "entries" in doc:
            result["file"] = blueprint_view(doc)
    except Exception:
        try:
            docs = [d for d in yaml.load_all(text, Loader=CanonLoader) if d is not None]
        except Exception:
            result["file"] = ERROR
            return result
        if not all(is_k8s(d) for d in docs):
            result["file"] = ERROR
            return result
    mounted = []
    for d in docs:
        if is_k8s(d):
            mounted_files(d, mounted)
    result["mounted"] = sorted(mounted, key=lambda kv: json.dumps(kv, sort_keys=True))
    return result


def main():
    out = sys.stdout
    as_view = "--view" in sys.argv[1:]
    for line in sys.stdin:
        text = json.loads(line)
        BUDGET[0] = 0
        try:
            result = {"ok": view(text) if as_view else canon(yaml.load(text, Loader=CanonLoader))}
        except RecursionError:
            result = {"error": "RecursionError"}
        except TooLarge as e:
            result = {"error": str(e)}
        except Exception as e:  # every refusal counts the same: PyYAML did not build it
            result = {"error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(result, ensure_ascii=True, allow_nan=False) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
