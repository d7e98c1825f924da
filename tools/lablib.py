"""What the lab tools (tools/lab-catalog.py, lab-fix.py, lab-logins.py) share: the hash
the recorded verdicts carry and the header's `akbp show` command a blueprint is
regenerated from. The tools run as `python3 tools/X.py`, so this folder is on sys.path.
"""

import shlex
import sys

SHOW = "# Application side: akbp show "


def fnv1a64(data: bytes) -> str:
    """64-bit FNV-1a of `data` as 16 hex digits, the hash tests/lab_catalog.rs and
    tests/fix.rs compute again."""
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def header_args(path: str) -> list:
    """The arguments of the `akbp show` command in the header of the blueprint at `path`;
    exits when the header has none."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(SHOW):
                # The command may go on over further comment lines, each ending in ` \`.
                text = line[len(SHOW):].rstrip("\n")
                while text.endswith("\\"):
                    text = text[:-1] + " " + next(f).lstrip("#").strip()
                return shlex.split(text)
            if not line.startswith("#"):
                break
    sys.exit(f"{path}: no '{SHOW.strip()}' line in its header")
