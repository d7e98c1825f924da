#!/usr/bin/env python3
"""Run every catalog blueprint through a real authentik importer and record the verdicts.

For each file in blueprints/, the generate command its header names ("Application side:
akbp show ...") is run again with --target 2026.2 (the lab's release). Every !Env variable
the files use is set to a fresh random value, the files go through ../shared/lab's
check-blueprint.sh (authentik 2026.2.2's own importer), and the verdicts are written to
tests/lab/catalog-2026.2.tsv with a 64-bit FNV-1a hash of each generated text.
tests/lab_catalog.rs regenerates the same texts and fails when one has no verdict, a
different hash (the generator changed since the lab saw it) or was rejected.

    python3 tools/lab-catalog.py [--akbp target/debug/akbp] [--lab-dir ~/.authentik-lab]
                                 [--only SLUG,...]

--only imports just the blueprints/ files of those integrations (every method's file) and
replaces their rows in the TSV, keeping the other rows as they are.

Needs the lab built (see ../shared/lab/README.md); CI does not run this, it runs the test.
"""

import argparse
import datetime
import os
import re
import secrets
import subprocess
import sys
import tempfile

from lablib import fnv1a64, header_args

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "lab", "catalog-2026.2.tsv")
TARGET = "2026.2"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--akbp", default=os.path.join(ROOT, "target", "debug", "akbp"))
    ap.add_argument("--lab-dir", default=os.environ.get("LAB_DIR", os.path.expanduser("~/.authentik-lab")))
    ap.add_argument("--only", help="comma-separated integration slugs: import their files, keep the other rows")
    args = ap.parse_args()
    lab = os.path.join(os.path.dirname(ROOT), "shared", "lab", "check-blueprint.sh")
    names = sorted(n for n in os.listdir(os.path.join(ROOT, "blueprints")) if n.endswith(".yaml"))
    kept = {}
    if args.only:
        slugs = [s for s in args.only.split(",") if s]
        def ours(n):
            # <slug>.yaml or <slug>-<method>.yaml, where <slug> is an integration of --only
            # and not a longer slug that starts with it (the header names the integration).
            with open(os.path.join(ROOT, "blueprints", n), encoding="utf-8") as f:
                head = re.sub(r"\n#\s*", " ", f.read(2000))
            m = re.search(r"from its catalog integration `([^`]+)`", head)
            return bool(m) and m.group(1) in slugs
        names = [n for n in names if ours(n)]
        if not names:
            sys.exit(f"no blueprints/ file belongs to {slugs}")
        with open(OUT, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                cols = line.rstrip("\n").split("\t")
                kept[cols[0]] = cols
    with tempfile.TemporaryDirectory() as tmp:
        hashes = {}
        env_vars = set()
        for name in names:
            out = os.path.join(tmp, name)
            gargs = header_args(os.path.join(ROOT, "blueprints", name))
            # The header names the file's own target: the lab's replaces it.
            while "--target" in gargs:
                i = gargs.index("--target")
                del gargs[i:i + 2]
            cmd = [args.akbp, "generate", *gargs, "--target", TARGET, "-o", out]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            data = open(out, "rb").read()
            hashes[name] = fnv1a64(data)
            env_vars.update(re.findall(rb"!Env \[?([A-Z][A-Z0-9_]*)", data))
        env = dict(os.environ, LAB_DIR=args.lab_dir)
        for var in env_vars:
            env[var.decode()] = "lab-" + secrets.token_urlsafe(24)
        files = [os.path.join(tmp, n) for n in names]
        res = subprocess.run(["flock", "/tmp/lab.lock", lab, *files], env=env,
                             capture_output=True, text=True)
        verdicts = {}
        for line in res.stdout.splitlines():
            cols = line.split("\t")
            if len(cols) >= 2 and cols[1] in ("valid", "invalid"):
                verdicts[os.path.basename(cols[0])] = (cols[1], cols[2] if len(cols) > 2 else "")
        missing = [n for n in names if n not in verdicts]
        if missing:
            sys.exit(f"the lab gave no verdict for {missing[:5]} (exit {res.returncode}):\n{res.stderr[-2000:]}")
    today = datetime.date.today().isoformat()
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(f"# authentik 2026.2.2 lab (../shared/lab check-blueprint.sh), {today}: every\n")
        f.write(f"# blueprints/ file regenerated with --target {TARGET}, all !Env variables set.\n")
        f.write("# Written by tools/lab-catalog.py; checked by tests/lab_catalog.rs.\n")
        f.write("# file\tfnv1a64 of the generated text\tverdict\treason\n")
        rows = {n: [n, hashes[n], *verdicts[n]] for n in names}
        for n, cols in kept.items():
            if n not in rows and os.path.exists(os.path.join(ROOT, "blueprints", n)):
                rows[n] = cols
        for n in sorted(rows):
            f.write("\t".join(rows[n]) + "\n")
    valid = sum(1 for n in names if verdicts[n][0] == "valid")
    print(f"{valid} of {len(names)} valid; written {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
