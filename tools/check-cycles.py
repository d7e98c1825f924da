#!/usr/bin/env python3
"""Fail when the modules (files) of a crate import each other in a loop.

The rule (issue 17): file A has an edge to file B whenever A names a path
`crate::x::y...`, `super::...` or `self::...` (in a `use` line or inline in the code)
that resolves to the module file B. A path resolves to the longest prefix that is a
module with its own file, so a path to an item of `mod.rs` counts as `mod.rs`. A path
whose first segment is a child module of the current one (`pub use x::Item` in a
`mod.rs`, or inline `rules::RULES`) is an edge too. `mod x;` declarations are not
edges; neither is a path that resolves to the file it is written in.

Every crate under the repository (the root `src/` and each `crates/*/src/`) is read;
the crate roots are `lib.rs`, `main.rs` and `bin/*.rs`, and their module trees follow
the `mod x;` declarations. Comments, strings and character literals are ignored.

Usage: tools/check-cycles.py [REPO]      exit 0 without cycles, 1 with any
       tools/check-cycles.py --self-test  checks the checker on synthetic trees
"""

import os
import re
import sys
import tempfile

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def tokenize(text):
    """Identifiers, `::` and single punctuation; comments, strings and chars dropped."""
    tokens = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 260]):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            i = n if j < 0 else j + len(end)
        elif c == "b" and text.startswith('b"', i):
            i = skip_string(text, i + 1)
        elif c == "b" and re.match(r'br#*"', text[i:i + 260]):
            m = re.match(r'br(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            i = n if j < 0 else j + len(end)
        elif c == '"':
            i = skip_string(text, i)
        elif c == "'":
            # A char literal ('a', '\n', '\u{..}') or a lifetime ('a).
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:i + 12])
            if m:
                i += len(m.group(0))
            else:
                m = IDENT.match(text, i + 1)
                i = m.end() if m else i + 1
        elif c == "b" and re.match(r"b'(\\.|\\x[0-9a-fA-F]{2}|[^\\'])'", text[i:i + 8]):
            m = re.match(r"b'(\\x[0-9a-fA-F]{2}|\\.|[^\\'])'", text[i:i + 8])
            i += len(m.group(0))
        elif c == "$" and text.startswith("$crate", i):
            tokens.append("crate")
            i += 6
        elif IDENT.match(text, i):
            m = IDENT.match(text, i)
            word = m.group(0)
            if word == "r" and text.startswith("#", m.end()):  # raw identifier r#name
                m2 = IDENT.match(text, m.end() + 1)
                if m2:
                    tokens.append(m2.group(0))
                    i = m2.end()
                    continue
            tokens.append(word)
            i = m.end()
        elif text.startswith("::", i):
            tokens.append("::")
            i += 2
        else:
            tokens.append(c)
            i += 1
    return tokens


def skip_string(text, i):
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    return i


def expand_use(tokens, i):
    """Parse one use tree from tokens[i]; return (paths, next index). A path is a list
    of segments (a trailing `*` and `self` inside braces are folded)."""
    prefix = []
    while i < len(tokens):
        t = tokens[i]
        if t == "{":
            paths, i = [], i + 1
            while i < len(tokens) and tokens[i] != "}":
                sub, i = expand_use(tokens, i)
                for s in sub:
                    if s and s[0] == "self" and len(s) == 1:
                        paths.append(list(prefix))
                    else:
                        paths.append(prefix + s)
                if i < len(tokens) and tokens[i] == ",":
                    i += 1
            return paths, i + 1
        if t == "*":
            return [list(prefix)], i + 1
        if t == "::":
            i += 1
            continue
        if t == "as":
            return [list(prefix)], i + 2
        if t in (",", "}", ";"):
            return [list(prefix)], i
        prefix.append(t)
        i += 1
    return [list(prefix)], i


class Crate:
    def __init__(self, src, root_file):
        self.src = src
        self.files = {}  # module path (tuple) -> file path
        self.add(root_file, ())

    def add(self, path, modpath):
        self.files[modpath] = path
        with open(path, encoding="utf-8") as f:
            tokens = tokenize(f.read())
        for name in declared_mods(tokens):
            child = self.child_file(path, modpath, name)
            if child:
                self.add(child, modpath + (name,))

    def child_file(self, path, modpath, name):
        base = os.path.basename(path)
        if modpath == () or base == "mod.rs":
            folder = os.path.dirname(path)
        else:
            folder = os.path.join(os.path.dirname(path), base[:-3])
        for cand in (os.path.join(folder, name + ".rs"), os.path.join(folder, name, "mod.rs")):
            if os.path.isfile(cand):
                return cand
        return None


def declared_mods(tokens):
    """Names of `mod x;` declarations at the top level of a file (not inline modules)."""
    names, depth = [], 0
    for k, t in enumerate(tokens):
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
        elif t == "mod" and depth == 0 and k + 2 < len(tokens):
            if IDENT.fullmatch(tokens[k + 1]) and tokens[k + 2] == ";":
                names.append(tokens[k + 1])
    return names


def edges_of_file(crate, modpath, path):
    """Yield (target file, the path as written) for each path this file names."""
    with open(path, encoding="utf-8") as f:
        tokens = tokenize(f.read())
    children = {m[-1] for m in crate.files if len(m) == len(modpath) + 1 and m[:-1] == modpath}
    # Track inline modules (`mod tests { ... }`) so `super` inside them means the file.
    scope = []  # stack of (kind, depth): kind is an inline module name or None
    depth = 0
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t == "mod" and k + 2 < len(tokens) and IDENT.fullmatch(tokens[k + 1]) and tokens[k + 2] == "{":
            scope.append((tokens[k + 1], depth + 1))
            depth += 1
            k += 3
            continue
        if t == "{":
            depth += 1
        elif t == "}":
            if scope and scope[-1][1] == depth:
                scope.pop()
            depth -= 1
        inline = tuple(name for name, _ in scope)
        here = modpath + inline
        if t == "use" and (k == 0 or tokens[k - 1] != "::"):
            paths, k = expand_use(tokens, k + 1)
            for p in paths:
                target = resolve(crate, here, inline, children, p)
                if target:
                    yield target, "::".join(p)
            continue
        prev = tokens[k - 1] if k else ""
        if prev != "::" and k + 1 < len(tokens) and tokens[k + 1] == "::" and IDENT.fullmatch(t):
            p, j = [t], k + 1
            while j + 1 < len(tokens) and tokens[j] == "::" and IDENT.fullmatch(tokens[j + 1]):
                p.append(tokens[j + 1])
                j += 2
            target = resolve(crate, here, inline, children, p)
            if target:
                yield target, "::".join(p)
            k = j
            continue
        k += 1


def resolve(crate, here, inline, children, p):
    """The file that path p (written in module `here`) names, or None."""
    if not p:
        return None
    if p[0] == "crate":
        base, rest = (), p[1:]
    elif p[0] in ("super", "self"):
        base, rest = here, p
        while rest and rest[0] in ("super", "self"):
            if rest[0] == "super":
                if not base:
                    return None
                base = base[:-1]
            rest = rest[1:]
    elif p[0] in children and not inline:
        base, rest = here, p
    else:
        return None
    # Inline modules have no file of their own: they belong to their file.
    full = list(base) + list(rest)
    for n in range(len(full), -1, -1):
        mod = tuple(full[:n])
        if mod in crate.files:
            return crate.files[mod]
    return None


def crates_of(repo):
    srcs = [os.path.join(repo, "src")]
    cdir = os.path.join(repo, "crates")
    if os.path.isdir(cdir):
        srcs += [os.path.join(cdir, d, "src") for d in sorted(os.listdir(cdir))]
    for src in srcs:
        if not os.path.isdir(src):
            continue
        roots = [os.path.join(src, r) for r in ("lib.rs", "main.rs")]
        bindir = os.path.join(src, "bin")
        if os.path.isdir(bindir):
            roots += [os.path.join(bindir, b) for b in sorted(os.listdir(bindir)) if b.endswith(".rs")]
        for r in roots:
            if os.path.isfile(r):
                yield Crate(src, r)


def graph(repo):
    """{file: {target file: set of names}} over every crate of the repository."""
    g = {}
    for crate in crates_of(repo):
        for modpath, path in sorted(crate.files.items()):
            out = g.setdefault(path, {})
            for target, name in edges_of_file(crate, modpath, path):
                if target != path:
                    out.setdefault(target, set()).add(name)
    return g


def components(g):
    """Strongly connected components with more than one file (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in sorted(g):
        if start in index:
            continue
        work = [(start, iter(sorted(g.get(start, {}))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g.get(w, {})))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def report(repo):
    g = graph(repo)
    comps = components(g)
    rel = lambda p: os.path.relpath(p, repo)
    for n, comp in enumerate(comps, 1):
        members = set(comp)
        print(f"cycle {n}: {len(comp)} files: " + ", ".join(rel(f) for f in comp))
        for a in comp:
            for b in sorted(g.get(a, {})):
                if b in members:
                    names = ", ".join(sorted(g[a][b]))
                    print(f"  {rel(a)} -> {rel(b)}: {names}")
    files = len(g)
    edges = sum(len(v) for v in g.values())
    if comps:
        print(f"{len(comps)} import cycle(s) among {files} files ({edges} edges)")
        return 1
    print(f"no import cycle among {files} files ({edges} edges)")
    return 0


def self_test():
    """Two tiny crates: one with a parent/child loop and a crate-wide loop, one without."""
    cyclic = {
        "src/lib.rs": "pub mod a;\npub mod b;\npub mod c;\n",
        "src/a.rs": "use crate::b::{self, Thing};\n// use crate::c::Nothing;\n",
        "src/b.rs": 'pub struct Thing;\nfn f() { let s = "crate::a::X"; crate::a::g(); }\n',
        "src/c/mod.rs": "mod d;\npub use d::Item;\n",
        "src/c/d.rs": "use super::Other;\npub struct Item;\n",
    }
    acyclic = {
        "src/lib.rs": "pub mod a;\npub mod b;\npub mod c;\n",
        "src/a.rs": "use crate::b::Thing;\n/* crate::a::X */ fn g() {}\n",
        "src/b.rs": "pub struct Thing;\n#[cfg(test)]\nmod tests { use super::*; }\n",
        "crates/k/src/lib.rs": "mod x;\nmod y;\n",
        "crates/k/src/x.rs": "pub(crate) use crate::y::Y;\nconst C: char = '{';\n",
        "crates/k/src/y.rs": "pub struct Y;\n",
        "src/c/mod.rs": "mod d;\npub use d::Item;\n",
        "src/c/d.rs": "pub struct Item;\n",
    }
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, tree in (("cyclic", cyclic), ("acyclic", acyclic)):
            root = os.path.join(tmp, name)
            for path, text in tree.items():
                full = os.path.join(root, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8") as f:
                    f.write(text)
        comps = components(graph(os.path.join(tmp, "cyclic")))
        got = sorted(sorted(os.path.relpath(f, os.path.join(tmp, "cyclic")) for f in c) for c in comps)
        want = [["src/a.rs", "src/b.rs"], ["src/c/d.rs", "src/c/mod.rs"]]
        if got != want:
            failures.append(f"cyclic tree: found {got}, expected {want}")
        g = graph(os.path.join(tmp, "cyclic"))
        a = os.path.join(tmp, "cyclic", "src", "a.rs")
        if os.path.join(tmp, "cyclic", "src", "c", "mod.rs") in g.get(a, {}):
            failures.append("a path in a comment counted as an edge")
        comps = components(graph(os.path.join(tmp, "acyclic")))
        if comps:
            failures.append(f"acyclic tree: found cycles {comps}")
        ga = graph(os.path.join(tmp, "acyclic"))
        x = os.path.join(tmp, "acyclic", "crates", "k", "src", "x.rs")
        if os.path.join(tmp, "acyclic", "crates", "k", "src", "y.rs") not in ga.get(x, {}):
            failures.append("crates/k: x.rs -> y.rs not seen")
        if report(os.path.join(tmp, "cyclic")) != 1 or report(os.path.join(tmp, "acyclic")) != 0:
            failures.append("exit status does not follow the cycles")
    for f in failures:
        print("self-test failed:", f)
    if failures:
        return 1
    print("self-test passed")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    repo = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    return report(os.path.abspath(repo))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
