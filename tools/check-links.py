#!/usr/bin/env python3
"""Check the relative links of Markdown files as a Git forge renders them.

    python3 tools/check-links.py README.md [MORE.md ...]
    python3 tools/check-links.py --self-test

A link `[text](path)`, `[text](path#anchor)`, `[text](#anchor)` or a reference
definition `[name]: path` must name a file or folder that exists relative to the Markdown
file, and an anchor must be a heading of the target Markdown file (slugged the way GitHub
does: lower case, punctuation dropped, spaces to `-`, repeats numbered `-1`, `-2`).
Links with a scheme (`https:`, `mailto:`) are not checked: CI has no network. Code
spans and fenced code blocks are skipped. Exit 0 when every link resolves, 1 otherwise,
with one `file:line: message` per broken link.

The docs site under docs/ is checked by `mkdocs build --strict`; this covers README.md,
which MkDocs does not build.
"""

import os
import re
import sys
import tempfile

INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def slug(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"<[^>]+>", "", heading)  # inline HTML
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = text.replace("`", "").lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def lines_outside_code(text):
    """(line number, line) for each line outside fenced code, code spans blanked."""
    fence = None
    for n, line in enumerate(text.split("\n"), 1):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * len(m.group(1))
            continue
        if fence is not None:
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
            continue
        yield n, CODE_SPAN.sub(lambda s: " " * len(s.group(0)), line)


def anchors(path, cache={}):
    if path not in cache:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        seen, found = {}, set()
        for _, line in lines_outside_code(text.replace("`", "")):
            m = HEADING.match(line)
            if not m:
                continue
            base = slug(m.group(2))
            k = seen.get(base, 0)
            seen[base] = k + 1
            found.add(base if k == 0 else f"{base}-{k}")
        # explicit anchors: <a id="x"> / <a name="x">
        found |= set(re.findall(r"<a\s+(?:id|name)=\"([^\"]+)\"", text))
        cache[path] = found
    return cache[path]


def check(md):
    """Messages for the broken relative links of one Markdown file."""
    with open(md, encoding="utf-8") as f:
        text = f.read()
    base = os.path.dirname(os.path.abspath(md))
    errors = []
    for n, line in lines_outside_code(text):
        targets = [m.group(1) for m in INLINE.finditer(line)]
        m = REFDEF.match(line)
        if m:
            targets.append(m.group(1))
        for target in targets:
            if not target or SCHEME.match(target) or target.startswith("//"):
                continue
            path, _, anchor = target.partition("#")
            full = os.path.normpath(os.path.join(base, path)) if path else os.path.abspath(md)
            if not os.path.exists(full):
                errors.append(f"{md}:{n}: `{target}`: no such file or folder")
                continue
            if anchor and full.endswith(".md") and anchor not in anchors(full):
                errors.append(f"{md}:{n}: `{target}`: no heading with anchor `#{anchor}`")
    return errors


def self_test():
    """A good file passes; each kind of broken link is reported, with its line."""
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "docs"))
        with open(os.path.join(d, "docs", "page.md"), "w") as f:
            f.write("# Page\n\n## Known values: `--context` and `--env`\n\n## Page\n")
        good = os.path.join(d, "good.md")
        with open(good, "w") as f:
            f.write(
                "# Top\n\n[page](docs/page.md), [anchor](docs/page.md#known-values---context-and---env),\n"
                "[repeat](docs/page.md#page-1), [here](#top), [folder](docs/),\n"
                "[web](https://example.invalid/nope), [mail](mailto:a@example.invalid)\n"
                "[ref]: docs/page.md\n\n```md\n[not a link](missing.md)\n```\n"
                "`[code](missing.md)`\n"
            )
        bad = os.path.join(d, "bad.md")
        with open(bad, "w") as f:
            f.write(
                "# Bad\n\n[gone](docs/gone.md)\n[anchor](docs/page.md#nope)\n"
                "[self](#missing)\n[ref]: nowhere/\n"
            )
        assert check(good) == [], check(good)
        got = check(bad)
        want = [
            f"{bad}:3: `docs/gone.md`: no such file or folder",
            f"{bad}:4: `docs/page.md#nope`: no heading with anchor `#nope`",
            f"{bad}:5: `#missing`: no heading with anchor `#missing`",
            f"{bad}:6: `nowhere/`: no such file or folder",
        ]
        assert got == want, "\n".join(got)
    print("check-links self-test: a good file passes and 4 of 4 broken links are caught")


def main(argv):
    if argv == ["--self-test"]:
        self_test()
        return 0
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    errors = [e for md in argv for e in check(md)]
    for e in errors:
        print(e)
    print(f"check-links: {len(argv)} file(s), {len(errors)} broken link(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
