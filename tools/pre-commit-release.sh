#!/usr/bin/env bash
# Entry of the `akbp-release` pre-commit hook (.pre-commit-hooks.yaml): installs the
# release binary of this checkout's version into .akbp-release/ beside this checkout (once
# per hook revision: pre-commit keeps one checkout per repo and rev), then runs it with
# the hook's arguments and files.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(bash "$here/tools/install-release.sh" --dest "$here/.akbp-release" | tail -n 1)"
exe="$dir/akbp"
[ -f "$exe.exe" ] && exe="$exe.exe"
exec "$exe" "$@"
