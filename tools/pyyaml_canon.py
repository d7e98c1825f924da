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


def main():
    out = sys.stdout
    for line in sys.stdin:
        text = json.loads(line)
        BUDGET[0] = 0
        try:
            result = {"ok": canon(yaml.load(text, Loader=CanonLoader))}
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
