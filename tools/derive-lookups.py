#!/usr/bin/env python3.12
"""Derive the models `!Find` can resolve, with the fields its filters may use, per release.

Usage: python3.12 tools/derive-lookups.py [--mirror /work/.mirror/SAY-5+authentik/repo] [--out schemas]

`!Find [app.model, [field, value]]` resolves the model with Django's `apps.get_model` and
filters with `Q(**{field: value})` (authentik/blueprints/v1/common.py, class Find). get_model
knows every concrete model of an installed app, including the multi-table parents that the
blueprint schemas leave out (authentik_policies.policy, authentik_core.provider, ...), and a
filter accepts every model field (own and inherited), the `_id` attname of a foreign key,
`pk`, the `<parent>_ptr` link of a multi-table child and reverse relations.

Reads authentik's models with Python 3.12's `ast` (authentik uses PEP 695 syntax; no Django needed) from the git mirror at the
release tags below; writes schemas/lookups.json. 2026.5 and 2026.8 have no tag in the mirror:
they carry 2026.2.2's data forward (marked in "sources").

Models whose app has no AppConfig label, or whose ancestry does not reach django's Model, are
left out; so are third-party apps (django.contrib.auth, guardian, ...): a `!Find` on those is
not checked.
"""

import argparse
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

TAGS = [
    "2024.10.5", "2024.12.5", "2025.2.4", "2025.4.4", "2025.6.4",
    "2025.8.6", "2025.10.4", "2025.12.4", "2026.2.2",
]
CARRIED = ["2026.5", "2026.8"]
LINES = [".".join(t.split(".")[:2]) for t in TAGS] + CARRIED

# Fields of third-party abstract bases authentik's models inherit (Django 5 / django-tenants).
THIRD_PARTY_FIELDS = {
    "AbstractUser": {
        "password": "field", "last_login": "field", "is_superuser": "field",
        "groups": "m2m", "user_permissions": "m2m", "username": "field",
        "first_name": "field", "last_name": "field", "email": "field",
        "is_staff": "field", "is_active": "field", "date_joined": "field",
    },
    "AbstractBaseUser": {"password": "field", "last_login": "field"},
    "AbstractBaseSession": {"session_key": "field", "session_data": "field", "expire_date": "field"},
    "TenantMixin": {"schema_name": "field"},
    "DomainMixin": {"domain": "field", "tenant": "fk", "is_primary": "field"},
}
# Bases known to be django models (resolution stops there).
MODEL_ROOTS = {"Model", "PostgresMaterializedViewModel", "PostgresModel"} | set(THIRD_PARTY_FIELDS)


def die(msg):
    print("derive-lookups: " + msg, file=sys.stderr)
    sys.exit(1)


def git(mirror, *args):
    return subprocess.run(["git", "-C", str(mirror), *args], check=True,
                          capture_output=True, text=True).stdout


def callee(node):
    f = node.func if isinstance(node, ast.Call) else None
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return None


def const_kw(call, name):
    for kw in call.keywords:
        if kw.arg == name and isinstance(kw.value, ast.Constant):
            return kw.value.value
    return None


def field_kind(call):
    name = callee(call) or ""
    if "ManyToMany" in name:
        return "m2m"
    if "OneToOne" in name:
        return "o2o"
    if "ForeignKey" in name:
        return "fk"
    if name.endswith("Field") or name.endswith("Key"):
        return "field"
    return None


def relation_target(call):
    if call.args:
        a = call.args[0]
    else:
        a = next((kw.value for kw in call.keywords if kw.arg in ("to", "othermodel")), None)
    if isinstance(a, ast.Constant) and isinstance(a.value, str):
        return a.value
    if isinstance(a, ast.Name):
        return a.id
    if isinstance(a, ast.Attribute):
        return a.attr  # settings.AUTH_USER_MODEL -> "AUTH_USER_MODEL"
    return None


# Django's URLValidator.schemes (django/core/validators.py), the default of URLField and of
# authentik's validators when no `schemes` is given.
DJANGO_URL_SCHEMES = ["http", "https", "ftp", "ftps"]


def url_validator(call):
    """The URL validator a model field declares: `validators=[X(schemes=...)]` with X a
    URLValidator subclass, or Django's URLValidator for a URLField."""
    for kw in call.keywords:
        if kw.arg != "validators" or not isinstance(kw.value, (ast.List, ast.Tuple)):
            continue
        for v in kw.value.elts:
            name = callee(v)
            if not name or "URLValidator" not in name:
                continue
            schemes = DJANGO_URL_SCHEMES
            for k in v.keywords:
                if k.arg == "schemes" and isinstance(k.value, (ast.List, ast.Tuple)):
                    schemes = [e.value for e in k.value.elts if isinstance(e, ast.Constant)]
            return {"validator": name, "schemes": schemes}
    if callee(call) == "URLField":
        return {"validator": "URLValidator", "schemes": DJANGO_URL_SCHEMES}
    return None


class Cls:
    def __init__(self, module, node, app):
        self.module, self.name, self.app = module, node.name, app
        self.bases = []
        for b in node.bases:
            if isinstance(b, ast.Name):
                self.bases.append(b.id)
            elif isinstance(b, ast.Attribute):
                self.bases.append(b.attr)
            elif isinstance(b, ast.Subscript) and isinstance(b.value, ast.Name):
                self.bases.append(b.value.id)
        self.abstract = self.proxy = False
        self.fields = {}  # name -> {kind, unique, pk, target, related_name}
        for st in node.body:
            if isinstance(st, ast.ClassDef) and st.name == "Meta":
                for m in st.body:
                    if isinstance(m, ast.Assign) and isinstance(m.value, ast.Constant):
                        for t in m.targets:
                            if isinstance(t, ast.Name) and t.id == "abstract":
                                self.abstract = bool(m.value.value)
                            if isinstance(t, ast.Name) and t.id == "proxy":
                                self.proxy = bool(m.value.value)
            value, targets = None, []
            if isinstance(st, ast.Assign):
                value, targets = st.value, st.targets
            elif isinstance(st, ast.AnnAssign) and st.value is not None:
                value, targets = st.value, [st.target]
            if not isinstance(value, ast.Call):
                continue
            kind = field_kind(value)
            if not kind:
                continue
            for t in targets:
                if isinstance(t, ast.Name):
                    self.fields[t.id] = {
                        "url": url_validator(value),
                        "kind": kind,
                        "unique": bool(const_kw(value, "unique")),
                        "pk": bool(const_kw(value, "primary_key")),
                        "target": relation_target(value) if kind != "field" else None,
                        "related_name": const_kw(value, "related_name"),
                    }


def load_tag(mirror, tag):
    ref = "version/" + tag
    files = git(mirror, "ls-tree", "-r", "--name-only", ref).split("\n")
    py = [f for f in files if f.startswith("authentik/") and f.endswith(".py") and "/tests" not in f
          and "/migrations/" not in f]
    # App labels from AppConfig classes: package dir -> label.
    labels = {}
    for f in py:
        if not f.endswith("/apps.py"):
            continue
        tree = ast.parse(git(mirror, "show", "%s:%s" % (ref, f)))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for st in node.body:
                    if (isinstance(st, ast.Assign) and isinstance(st.value, ast.Constant)
                            and any(isinstance(t, ast.Name) and t.id == "label" for t in st.targets)):
                        labels[f.rsplit("/", 1)[0]] = st.value.value

    def app_of(path):
        d = path.rsplit("/", 1)[0]
        if d.endswith("/models"):
            d = d.rsplit("/", 1)[0]
        return labels.get(d)

    # Every module that may define model classes or bases: models files plus modules they import.
    want = [f for f in py if f.endswith("/models.py") or "/models/" in f]
    modules, imports, seen = {}, {}, set()
    while want:
        f = want.pop()
        if f in seen:
            continue
        seen.add(f)
        try:
            src = git(mirror, "show", "%s:%s" % (ref, f))
        except subprocess.CalledProcessError:
            continue
        try:
            # `except A, B:` (PEP 758, Python 3.14) -> `except (A, B):` for older parsers
            tree = ast.parse(re.sub(r"^(\s*except) ([\w.]+(?:, [\w.]+)+):", r"\1 (\2):", src,
                                    flags=re.M))
        except SyntaxError as e:
            if f.endswith("/models.py") or "/models/" in f:
                die("%s: %s does not parse with this Python: %s" % (tag, f, e))
            continue  # a helper module with newer syntax; it defines no model bases we need
        mod = f[:-3].replace("/", ".").removesuffix(".__init__")
        classes = {}
        imp = {}
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                classes[node.name] = Cls(mod, node, app_of(f))
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("authentik"):
                for a in node.names:
                    imp[a.asname or a.name] = (node.module, a.name)
                for cand in (node.module.replace(".", "/") + ".py",
                             node.module.replace(".", "/") + "/__init__.py"):
                    if cand in files and cand not in seen:
                        want.append(cand)
        modules[mod] = classes
        imports[mod] = imp
    return modules, imports


def resolve_base(modules, imports, mod, name, depth=0):
    """The Cls a base name refers to, or a string for a model root / unknown."""
    if depth > 10:
        return None
    if name in modules.get(mod, {}):
        return modules[mod][name]
    if name in imports.get(mod, {}):
        m, n = imports[mod][name]
        return resolve_base(modules, imports, m, n, depth + 1)
    return name if name in MODEL_ROOTS else None


def concrete_models(modules, imports):
    """label.model -> {fields: {name: kind}, unique: [...], parents: [...], cls}"""
    cache = {}

    def info(c):
        key = (c.module, c.name)
        if key in cache:
            return cache[key]
        cache[key] = None  # cycle guard
        is_model, fields, parents, has_pk = False, {}, [], False
        for b in c.bases:
            r = resolve_base(modules, imports, c.module, b)
            if isinstance(r, str):
                is_model = True
                for fname, kind in THIRD_PARTY_FIELDS.get(r, {}).items():
                    fields[fname] = {"kind": kind, "unique": fname == "username", "pk": False,
                                     "target": None, "related_name": None}
            elif isinstance(r, Cls):
                bi = info(r)
                if bi is None:
                    continue
                if bi["is_model"]:
                    is_model = True
                    if r.abstract:
                        fields.update(bi["fields"])
                        has_pk = has_pk or bi["has_pk"]
                    elif r.proxy:
                        fields.update(bi["fields"])
                        parents.extend(bi["parents"])
                        has_pk = True
                    else:
                        # multi-table inheritance: parent fields plus the <parent>_ptr link
                        fields.update(bi["fields"])
                        fields[r.name.lower() + "_ptr"] = {"kind": "o2o", "unique": True, "pk": True,
                                                           "target": r.name, "related_name": None}
                        parents.append(r)
                        has_pk = True
                else:
                    fields.update(bi["fields"])
        fields.update(c.fields)
        has_pk = has_pk or any(f["pk"] for f in c.fields.values())
        res = {"is_model": is_model, "fields": fields, "parents": parents, "has_pk": has_pk}
        cache[key] = res
        return res

    out = {}
    by_class = {}
    for mod, classes in modules.items():
        for c in classes.values():
            i = info(c)
            if not i or not i["is_model"] or c.abstract or not c.app:
                continue
            fields = dict(i["fields"])
            if not i["has_pk"]:
                fields["id"] = {"kind": "field", "unique": True, "pk": True, "target": None,
                                "related_name": None}
            key = "%s.%s" % (c.app, c.name.lower())
            out[key] = {"fields": fields, "parents": i["parents"], "cls": c, "proxy": c.proxy}
            by_class.setdefault(c.name, []).append(key)
    # Reverse relations: a filter may follow them by their related query name.
    for key, m in list(out.items()):
        for fname, f in m["fields"].items():
            if f["kind"] == "field" or not f["target"]:
                continue
            rn = f["related_name"]
            if isinstance(rn, str) and rn.endswith("+"):
                continue
            tgt = resolve_target(f["target"], m["cls"].app, by_class)
            if not tgt or tgt not in out:
                continue
            if fname.endswith("_ptr"):
                name = m["cls"].name.lower()
            elif isinstance(rn, str):
                name = rn.replace("%(class)s", m["cls"].name.lower()).replace(
                    "%(app_label)s", m["cls"].app)
            else:
                name = m["cls"].name.lower()
            out[tgt].setdefault("reverse", set()).add(name)
    return out, by_class


def resolve_target(target, app, by_class):
    if target == "AUTH_USER_MODEL":
        return "authentik_core.user"
    if "." in target:
        a, n = target.split(".", 1)
        return "%s.%s" % (a, n.lower())
    keys = by_class.get(target, [])
    same = [k for k in keys if k.startswith(app + ".")]
    return (same or keys or [None])[0]


def descriptor_set(models):
    """label.model -> {field: kind} with attnames, pk and reverse relations."""
    res = {}
    for key, m in models.items():
        d = {"pk": {"kind": "pk"}}
        reverse = set(m.get("reverse", set()))
        for p in m["parents"]:
            pk = "%s.%s" % (p.app, p.name.lower())
            reverse |= models.get(pk, {}).get("reverse", set())
        for r in sorted(reverse):
            d[r] = {"kind": "reverse"}
        for fname, f in m["fields"].items():
            kind = {"field": "field", "fk": "relation", "o2o": "relation", "m2m": "relation"}[f["kind"]]
            desc = {"kind": kind}
            if f["unique"] or f["pk"]:
                desc["unique"] = True
            if f.get("url"):
                desc["url"] = f["url"]
            d[fname] = desc
            if f["kind"] in ("fk", "o2o"):
                d[fname + "_id"] = {"kind": "attname"}
        res[key] = d
    return res


def main():
    ap = argparse.ArgumentParser()
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--mirror", default="/work/.mirror/SAY-5+authentik/repo")
    ap.add_argument("--out", default=str(root / "schemas"))
    args = ap.parse_args()
    mirror, out = Path(args.mirror), Path(args.out)
    entry_models = json.loads((out / "models.json").read_text())["models"]

    per_line = {}
    for tag, line in zip(TAGS, LINES):
        modules, imports = load_tag(mirror, tag)
        models, _ = concrete_models(modules, imports)
        per_line[line] = descriptor_set(models)
        # Sanity: every blueprint model of the line must be resolvable.
        for name, em in entry_models.items():
            if in_line(em, line) and not em.get("meta") and name not in per_line[line]:
                die("%s: blueprint model %s not found in models.py" % (tag, name))
    for line in CARRIED:
        per_line[line] = per_line["2026.2"]

    models = {}
    for name in sorted({m for ln in LINES for m in per_line[ln]}):
        present = [i for i, ln in enumerate(LINES) if name in per_line[ln]]
        if present != list(range(present[0], present[-1] + 1)):
            die("model %s comes back after a gap" % name)
        entry = {"since": LINES[present[0]]}
        if present[-1] + 1 < len(LINES):
            entry["until"] = LINES[present[-1] + 1]
        em = entry_models.get(name)
        if em is None:
            entry["lookup_only"] = True
        else:
            lines_entry = [ln for ln in LINES if in_line(em, ln)]
            if [LINES[i] for i in present] != lines_entry:
                entry["entry_lines"] = lines_entry
        fnames = sorted({f for i in present for f in per_line[LINES[i]][name]})
        entry["fields"] = {f: variants([per_line[ln].get(name, {}).get(f) for ln in LINES])
                           for f in fnames}
        models[name] = entry
    doc = {
        "about": [
            "Models `!Find` resolves (Django apps.get_model: every concrete model of authentik's apps),",
            "generated by tools/derive-lookups.py from authentik's models.py at the release tags; do not edit.",
            "lookup_only: never a blueprint entry model; entry_lines: the lines where it is one (when not all).",
            "fields.<name>: variants {since, until?, kind, unique?}; kind: field, relation (fk/o2o/m2m),",
            "attname (<fk>_id), pk, reverse (a relation from another model, by its query name);",
            "url: the URL validator the model field declares {validator, schemes} (URLField: URLValidator).",
        ],
        "releases": LINES,
        "carried_forward": CARRIED,
        "sources": dict(zip(LINES, ["mirror tag version/%s" % t for t in TAGS]
                            + ["carried forward from version/2026.2.2 (no tag in the mirror)"] * len(CARRIED))),
        "models": models,
    }
    (out / "lookups.json").write_text(render(doc))
    (out / "renames.json").write_text(render_renames(derive_renames(mirror, per_line, entry_models)))


# Renames authentik made that no migration of the current apps records as RenameModel (the app
# that held the tenant model became authentik_brands in 2023.10, and a new authentik_tenants
# app took the label). Each cites its source.
MOVED_MODELS = [
    {"old": "authentik_tenants.tenant", "new": "authentik_brands.brand", "release": "2023.10",
     "source": "authentik/brands/migrations/0005_tenantuuid_to_branduuid.py (tenant_uuid -> "
               "brand_uuid); release notes 2023.10: tenants are now brands"},
]
# Temporary names a migration renames a field or model to before dropping it: not hints.
TEMP = re.compile(r"(^old_|_old$|_temp$|^new_|^Old)")


def derive_renames(mirror, per_line, entry_models):
    """RenameModel/RenameField operations of authentik's migrations (at the last tag), kept
    when the new name is still a model or a field. `release` is the first tag line whose tree
    has the migration, or "before 2024.10"."""
    last = "version/" + TAGS[-1]
    files = [f for f in git(mirror, "ls-tree", "-r", "--name-only", last).split("\n")
             if "/migrations/" in f and f.endswith(".py") and f.startswith("authentik/")]
    trees = {t: set(git(mirror, "ls-tree", "-r", "--name-only", "version/" + t).split("\n")) for t in TAGS}
    labels = {}
    for f in git(mirror, "ls-tree", "-r", "--name-only", last).split("\n"):
        if f.endswith("/apps.py") and f.startswith("authentik/"):
            m = re.search(r'^\s+label = "([^"]+)"', git(mirror, "show", "%s:%s" % (last, f)), re.M)
            if m:
                labels[f.rsplit("/", 1)[0]] = m.group(1)
    models_out, fields_out = [], []
    current = per_line[LINES[len(TAGS) - 1]]
    for f in sorted(files):
        src = git(mirror, "show", "%s:%s" % (last, f))
        if "Rename" not in src:
            continue
        app = labels.get(f.split("/migrations/")[0])
        if not app:
            continue
        first = next((t for t in TAGS if f in trees[t]), None)
        release = ".".join(first.split(".")[:2]) if first and first != TAGS[0] else "before 2024.10"
        tree = ast.parse(re.sub(r"^(\s*except) ([\w.]+(?:, [\w.]+)+):", r"\1 (\2):", src, flags=re.M))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or callee(node) not in ("RenameModel", "RenameField"):
                continue
            kw = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            src_ref = "%s (%s)" % (f, TAGS[-1])
            if callee(node) == "RenameModel":
                old, new = kw.get("old_name"), kw.get("new_name")
                if not old or not new or TEMP.search(new) or TEMP.search(old):
                    continue
                new_key = "%s.%s" % (app, new.lower())
                if new_key in current:
                    models_out.append({"old": "%s.%s" % (app, old.lower()), "new": new_key,
                                       "release": release, "source": src_ref})
            else:
                model, old, new = kw.get("model_name"), kw.get("old_name"), kw.get("new_name")
                if not model or not old or not new or TEMP.search(new) or TEMP.search(old):
                    continue
                key = "%s.%s" % (app, model.lower())
                fields = current.get(key, {})
                if new in fields and old not in fields:
                    fields_out.append({"model": key, "old": old, "new": new, "release": release,
                                       "source": src_ref})
    models_out += MOVED_MODELS
    # Fields of a moved model keep their names on the new model unless a RenameField says so.
    return {
        "about": [
            "Renames authentik made, for did-you-mean hints; generated by tools/derive-lookups.py",
            "from RenameModel/RenameField in authentik's migrations (version/%s), kept when the new" % TAGS[-1],
            "name still exists, plus models moved between apps (MOVED_MODELS, with their source).",
            "release: the first release line with the migration (\"before 2024.10\" when older).",
        ],
        "models": sorted(models_out, key=lambda r: r["old"]),
        "fields": sorted(fields_out, key=lambda r: (r["model"], r["old"])),
    }


def render_renames(doc):
    c = lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"))
    parts = [' "about": [\n' + ",\n".join("  " + json.dumps(x) for x in doc["about"]) + "\n ]"]
    for k in ("fields", "models"):
        parts.append(' "%s": [\n' % k + ",\n".join("  " + c(x) for x in doc[k]) + "\n ]")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def in_line(em, line):
    i = LINES.index(line)
    return LINES.index(em["since"]) <= i and (em.get("until") is None or i < LINES.index(em["until"]))


def variants(per_line_desc):
    out = []
    for i, d in enumerate(per_line_desc):
        if out and out[-1][0] == d and out[-1][2] == i - 1:
            out[-1][2] = i
        elif d is not None:
            out.append([d, i, i])
    res = []
    for d, s, e in out:
        v = {"since": LINES[s]}
        if e + 1 < len(LINES):
            v["until"] = LINES[e + 1]
        v.update(d)
        res.append(v)
    return res


def render(doc):
    def c(v):
        return json.dumps(v, sort_keys=True, separators=(",", ":"))
    parts = []
    for k in sorted(doc):
        v = doc[k]
        if k == "models":
            rows = []
            for m in sorted(v):
                head = {mk: mv for mk, mv in v[m].items() if mk != "fields"}
                fl = ",\n".join("   %s: %s" % (json.dumps(f), c(vs)) for f, vs in sorted(v[m]["fields"].items()))
                rows.append("  %s: {%s, \"fields\": {\n%s\n  }}" % (json.dumps(m), c(head)[1:-1], fl))
            s = "{\n" + ",\n".join(rows) + "\n }"
        elif isinstance(v, dict):
            s = "{\n" + ",\n".join("  %s: %s" % (json.dumps(a), c(b)) for a, b in sorted(v.items())) + "\n }"
        elif k == "about":
            s = "[\n" + ",\n".join("  " + json.dumps(x) for x in v) + "\n ]"
        else:
            s = c(v)
        parts.append(" %s: %s" % (json.dumps(k), s))
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":
    main()
