#!/usr/bin/env python3
"""akbp's performance benchmark: prints the performance table of docs/performance.md.

    python3 benches/perf.py [--sizes 1000,10000,100000] [--runs 3] [--no-jsonschema]
                            [--profile release|profiling]

It builds the release binary (what users install: stripped, no debug info; `--profile
profiling` builds and measures the same code with symbols, for comparing under a profiler) and the parse-only baseline (benches/parse_only.rs), writes
realistic blueprints with benches/corpus.py into a temporary folder, and measures:

- `akbp validate --format json` at each size: wall time, CPU time, files/s, MB/s, peak RSS;
- the parse-only baseline on the same files (same parser, same options, events discarded),
  and akbp's CPU relative to it;
- a single-file run, start-up included (mean of 50 runs);
- `akbp generate --all` for the whole catalog;
- check-jsonschema (installed from PyPI into target/bench-venv on first use) against
  authentik's published schema, on the same shapes written without tags, next to akbp.

Each measurement is the median of --runs runs. Nothing here is a pass/fail test.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "authentik")


def run_measured(cmd, **kw):
    """Run cmd; return (wall s, cpu s, peak RSS MiB, exit code). Output is discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # /usr/bin/time gives the peak RSS of this one child.
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M"] + cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss_kib = int(proc.stderr.strip().splitlines()[-1])
    return wall, cpu, rss_kib / 1024, proc.returncode


def median_of(runs, cmd, ok=(0, 1), **kw):
    results = []
    for _ in range(runs):
        wall, cpu, rss, code = run_measured(cmd, **kw)
        if code not in ok:
            sys.exit(f"{' '.join(cmd)} exited {code}")
        results.append((wall, cpu, rss))
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        max(r[2] for r in results),
    )


def cargo_build(profile):
    subprocess.run(
        ["cargo", "build", "--profile", profile, "--locked", "--bin", "akbp"], cwd=ROOT, check=True
    )
    out = subprocess.run(
        ["cargo", "bench", "--locked", "--bench", "parse_only", "--no-run", "--message-format=json"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    baseline = None
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and msg["target"]["name"] == "parse_only":
            baseline = msg["executable"]
    if not baseline:
        sys.exit("could not find the parse_only bench executable")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, profile, "akbp"), baseline


def corpus(folder, n, untagged=False):
    cmd = [sys.executable, os.path.join(ROOT, "benches", "corpus.py"), folder, str(n)]
    if untagged:
        cmd.append("--untagged")
    subprocess.run(cmd, check=True)
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))


def jsonschema_tool():
    venv = os.path.join(ROOT, "target", "bench-venv")
    exe = os.path.join(venv, "bin", "check-jsonschema")
    if not os.path.exists(exe):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run(
            [os.path.join(venv, "bin", "pip"), "install", "--quiet", "check-jsonschema"], check=True
        )
    return exe


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-jsonschema", action="store_true")
    ap.add_argument("--profile", default="release", choices=["release", "profiling"])
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]

    akbp, baseline = cargo_build(args.profile)
    load_start = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="akbp-bench-") as tmp:
        for n in sizes:
            folder = os.path.join(tmp, f"c{n}")
            size = corpus(folder, n)
            cmd = [akbp, "validate", "--no-ignore", "--format", "json", folder]
            wall, cpu, rss = median_of(args.runs, cmd)
            bwall, bcpu, brss = median_of(args.runs, [baseline, folder], ok=(0,))
            rows.append((n, size, wall, cpu, rss, bwall, bcpu))
            shutil.rmtree(folder)

        single_dir = os.path.join(tmp, "single")
        corpus(single_dir, 1)
        single = os.path.join(single_dir, "bp-000000.yaml")
        times = []
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        for _ in range(50):
            start = time.perf_counter()
            subprocess.run([akbp, "validate", single], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        single_cpu = ((cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)) / 50
        _, _, single_rss, _ = run_measured([akbp, "validate", single])

        gen_dir = os.path.join(tmp, "generated")
        gwall, gcpu, _ = median_of(
            args.runs,
            [akbp, "generate", "--all", "--domain", "bench.example.com",
             "--authentik-url", "https://authentik.bench.example.com", "-o", gen_dir, "--force"],
            ok=(0,),
        )
        generated = len([f for f in os.listdir(gen_dir)]) if os.path.isdir(gen_dir) else 0

        cj = None
        schema = os.path.join(SHARED, "2026.2.2", "schema.json")
        if not args.no_jsonschema and os.path.exists(schema):
            tool = jsonschema_tool()
            n = 1000
            folder = os.path.join(tmp, "untagged")
            corpus(folder, n, untagged=True)
            files = sorted(os.path.join(folder, f) for f in os.listdir(folder))
            cwall, _, _ = median_of(1, [tool, "--schemafile", schema] + files, ok=(0, 1))
            awall, _, _ = median_of(args.runs, [akbp, "validate", "--no-ignore", "--format", "json", folder])
            cj = (n, cwall, awall)
    load_end = os.getloadavg()[0]

    print(f"Machine: {machine()}; load average {load_start:.1f} at the start, {load_end:.1f} at the end.")
    print()
    print("| files | MB | wall | CPU | files/s | MB/s | peak RSS | parse-only CPU | CPU / parse-only |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, size, wall, cpu, rss, bwall, bcpu in rows:
        mb = size / 1e6
        print(
            f"| {n:,} | {mb:.1f} | {wall:.2f} s | {cpu:.2f} s | {n / wall:,.0f} | {mb / wall:.1f} "
            f"| {rss:.0f} MiB | {bcpu:.2f} s | {cpu / bcpu:.2f}x |"
        )
    print()
    print(
        f"Single file (start-up included, mean of 50): {statistics.mean(times) * 1000:.1f} ms wall "
        f"(median {statistics.median(times) * 1000:.1f} ms), {single_cpu * 1000:.1f} ms CPU, "
        f"{single_rss:.0f} MiB peak RSS."
    )
    print(f"generate --all: {generated} files in {gwall * 1000:.0f} ms wall ({gcpu * 1000:.0f} ms CPU).")
    if cj:
        n, cwall, awall = cj
        print(
            f"check-jsonschema on {n:,} untagged files: {cwall:.2f} s ({n / cwall:,.0f} files/s); "
            f"akbp on the same files: {awall:.3f} s ({n / awall:,.0f} files/s): {cwall / awall:,.0f}x."
        )


if __name__ == "__main__":
    main()
