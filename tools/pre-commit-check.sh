#!/usr/bin/env bash
# Runs the real pre-commit (from PyPI, in target/pre-commit-venv) against this checkout's
# .pre-commit-hooks.yaml with `pre-commit try-repo`, in a scratch git repository holding a
# good blueprint and a bad one: the good one must pass the hook, the bad one must fail it
# with akbp's report. try-repo installs the hook into a fresh temporary store on every
# call, so akbp is compiled (cargo install, release, cold) once per file: many minutes on
# 2 cores, so .ci/run does not run this; see docs/ci.md (pre-commit).
#
#   bash tools/pre-commit-check.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/target/pre-commit-venv"
start=$SECONDS
step() { echo "== [$((SECONDS - start)) s] $*"; }

if [ ! -x "$venv/bin/pre-commit" ]; then
  step "installing pre-commit from PyPI into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pre-commit
fi
"$venv/bin/pre-commit" --version

scratch="$(mktemp -d "${TMPDIR:-/tmp}/akbp-pre-commit.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
# A fresh cache: the run measures the hook's real first use.
export PRE_COMMIT_HOME="$scratch/cache"
git_commit() { git -C "$1" -c user.name=akbp -c user.email=akbp@localhost commit -q -m "$2"; }

# try-repo needs a repository; snapshot this checkout as it is on disk (tracked and
# untracked files, not ignored ones), so uncommitted changes to the hook are what is tried.
step "snapshot of $root"
mkdir "$scratch/akbp"
git -C "$root" ls-files -z --cached --others --exclude-standard \
  | tar -C "$root" --null --ignore-failed-read -T - -cf - 2>/dev/null \
  | tar -C "$scratch/akbp" -xf -
git -C "$scratch/akbp" init -q
git -C "$scratch/akbp" add -A
git_commit "$scratch/akbp" snapshot

project="$scratch/project"
mkdir "$project"
git -C "$project" init -q
cp "$root/examples/grafana-oidc.yaml" "$project/good.yaml"
cp "$root/examples/broken/oauth-legacy.yaml" "$project/bad.yaml"
git -C "$project" add good.yaml bad.yaml
git_commit "$project" blueprints

step "good.yaml must pass (the first run builds akbp)"
if ! (cd "$project" && "$venv/bin/pre-commit" try-repo "$scratch/akbp" akbp --files good.yaml) \
  > "$scratch/good.out" 2>&1; then
  cat "$scratch/good.out"
  echo "FAIL: the hook failed on good.yaml"
  exit 1
fi
cat "$scratch/good.out"
grep -q 'Passed' "$scratch/good.out" || { echo "FAIL: no 'Passed' for good.yaml"; exit 1; }

step "bad.yaml must fail with akbp's report"
set +e
(cd "$project" && "$venv/bin/pre-commit" try-repo "$scratch/akbp" akbp --files bad.yaml) \
  > "$scratch/bad.out" 2>&1
code=$?
set -e
cat "$scratch/bad.out"
[ "$code" -ne 0 ] || { echo "FAIL: the hook passed bad.yaml"; exit 1; }
grep -q 'Failed' "$scratch/bad.out" || { echo "FAIL: no 'Failed' for bad.yaml"; exit 1; }
grep -Eq 'bad\.yaml:[0-9]+:[0-9]+: error AKB[0-9]{3}' "$scratch/bad.out" \
  || { echo "FAIL: akbp's report is not in the hook output"; exit 1; }

step "ok: good.yaml passed, bad.yaml failed with akbp's findings"
