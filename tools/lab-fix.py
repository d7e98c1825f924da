#!/usr/bin/env python3
"""Run the files `akbp fix --unsafe-fixes` makes of tests/fixtures/fix/ through a real
authentik importer and record the verdicts.

Each fixture is copied and fixed at --target 2026.2 (the lab's release) and 2026.8; the
fixed text's 64-bit FNV-1a hash is recorded with authentik 2026.2.2's verdict
(../shared/lab check-blueprint.sh) in tests/lab/fix-2026.2.tsv. A Kubernetes object is
checked as the blueprint it mounts (its one `*.yaml` data value). The fixed text at the
original's own release is the file itself; the unfixed original is run too, so the table
shows what the fix changed. tests/fix.rs fixes the same files again and fails when a text
has no verdict, another hash, or was refused.

    python3 tools/lab-fix.py [--akbp target/debug/akbp] [--lab-dir ~/.authentik-lab]

Takes /tmp/lab.lock around the lab run. CI does not run this, it runs the test.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

from lablib import fnv1a64

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "fix")
OUT = os.path.join(ROOT, "tests", "lab", "fix-2026.2.tsv")
TARGETS = ["2026.2", "2026.8"]


def blueprint_text(text: str) -> str:
    """The blueprint authentik reads: the file, or the one `*.yaml` value a ConfigMap mounts."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return text  # authentik tags: a plain blueprint
    if isinstance(doc, dict) and doc.get("kind") == "ConfigMap":
        files = [v for k, v in doc.get("data", {}).items() if k.endswith(".yaml")]
        if len(files) != 1:
            sys.exit("a ConfigMap fixture must mount exactly one blueprint")
        return files[0]
    return text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--akbp", default=os.path.join(ROOT, "target", "debug", "akbp"))
    ap.add_argument("--lab-dir", default=os.environ.get("LAB_DIR", os.path.expanduser("~/.authentik-lab")))
    args = ap.parse_args()
    lab = os.path.join(os.path.dirname(ROOT), "shared", "lab", "check-blueprint.sh")
    names = sorted(n for n in os.listdir(FIXTURES) if n.endswith(".yaml"))
    rows = []  # (name, target, hash, lab file)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            for target in ["original", *TARGETS]:
                work = os.path.join(tmp, target)
                os.makedirs(work, exist_ok=True)
                path = os.path.join(work, name)
                shutil.copy(os.path.join(FIXTURES, name), path)
                if target != "original":
                    subprocess.run([args.akbp, "fix", "--isolated", "--unsafe-fixes", "--target", target, name],
                                   cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                data = open(path, "rb").read()
                checked = os.path.join(work, "lab-" + name)
                with open(checked, "w", encoding="utf-8") as f:
                    f.write(blueprint_text(data.decode("utf-8")))
                rows.append((name, target, fnv1a64(data), checked))
        env = dict(os.environ, LAB_DIR=args.lab_dir)
        res = subprocess.run(["flock", "/tmp/lab.lock", lab, *[r[3] for r in rows]], env=env,
                             capture_output=True, text=True)
        verdicts = {}
        for line in res.stdout.splitlines():
            cols = line.split("\t")
            if len(cols) >= 2 and cols[1] in ("valid", "invalid"):
                verdicts[cols[0]] = (cols[1], cols[2] if len(cols) > 2 else "")
        missing = [r[3] for r in rows if r[3] not in verdicts]
        if missing:
            sys.stderr.write(res.stderr)
            sys.exit(f"no verdict for {missing}")
    today = datetime.date.today().isoformat()
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(f"# authentik 2026.2.2 lab (../shared/lab check-blueprint.sh), {today}: each\n")
        f.write("# tests/fixtures/fix/ file as written (original) and after `akbp fix --unsafe-fixes\n")
        f.write("# --target T`; a ConfigMap is checked as the blueprint it mounts.\n")
        f.write("# Written by tools/lab-fix.py; checked by tests/fix.rs.\n")
        f.write("# file\ttarget\tfnv1a64 of the file\tverdict\treason\n")
        for name, target, h, checked in rows:
            verdict, reason = verdicts[checked]
            f.write(f"{name}\t{target}\t{h}\t{verdict}\t{reason}\n")
    for name, target, h, checked in rows:
        print(name, target, *verdicts[checked], sep="\t")


if __name__ == "__main__":
    main()
