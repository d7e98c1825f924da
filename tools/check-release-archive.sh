#!/usr/bin/env bash
# Checks a release archive as a user would receive it: its .sha256 file matches, it holds
# one folder named like the archive with the binary, LICENSE and README.md, and the
# unpacked binary runs in an empty environment: `akbp --version` names the archive's
# version, `akbp validate` passes a good example and fails a broken one with exit 1.
# With --static (the Linux archives), the binary must also be statically linked: no
# program interpreter, no shared libraries. Run by .github/workflows/release.yml on each
# archive and by tests/release.rs.
#
#   bash tools/check-release-archive.sh [--static] DIR/akbp-VERSION-OS-ARCH.tar.gz
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

static=""
if [ "${1:-}" = --static ]; then static=1; shift; fi
[ $# -eq 1 ] || { echo "usage: check-release-archive.sh [--static] ARCHIVE" >&2; exit 2; }
archive="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
fail() { echo "FAIL: $(basename "$archive"): $*" >&2; exit 1; }

file="$(basename "$archive")"
case "$file" in
  *.tar.gz) name="${file%.tar.gz}" ;;
  *.zip) name="${file%.zip}" ;;
  *) fail "not a .tar.gz or .zip" ;;
esac
version="$(echo "$name" | sed -n 's/^akbp-\([0-9][^-]*\(-[a-z0-9.]*\)\{0,1\}\)-\(linux\|macos\|windows\)-\(x86_64\|aarch64\)$/\1/p')"
[ -n "$version" ] || fail "the name is not akbp-VERSION-OS-ARCH"

[ -f "$archive.sha256" ] || fail "no $file.sha256 beside it"
if command -v sha256sum >/dev/null; then sum=(sha256sum); else sum=(shasum -a 256); fi
(cd "$(dirname "$archive")" && "${sum[@]}" --check --status "$file.sha256") \
  || fail "its checksum does not match $file.sha256"
read -r _ listed < "$archive.sha256"
[ "${listed#\*}" = "$file" ] || fail "$file.sha256 names '$listed'"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/akbp-check.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
case "$file" in
  *.tar.gz) tar -xzf "$archive" -C "$scratch" ;;
  *.zip) (cd "$scratch" && { unzip -q "$archive" 2>/dev/null || 7z x -bd "$archive" >/dev/null; }) ;;
esac
top="$(ls -A "$scratch")"
[ "$top" = "$name" ] || fail "expected one folder $name, found: $top"
exe="$scratch/$name/akbp"
[ -f "$exe.exe" ] && exe="$exe.exe"
for f in "$exe" "$scratch/$name/LICENSE" "$scratch/$name/README.md"; do
  [ -f "$f" ] || fail "missing $(basename "$f")"
done
[ -x "$exe" ] || fail "the binary is not executable"

if [ -n "$static" ]; then
  readelf -lW "$exe" > "$scratch/headers" || fail "not an ELF binary"
  if grep -q 'Requesting program interpreter' "$scratch/headers"; then
    fail "dynamically linked: $(grep -o 'interpreter: [^]]*' "$scratch/headers")"
  fi
  if readelf -dW "$exe" | grep -q '(NEEDED)'; then
    fail "needs shared libraries: $(readelf -dW "$exe" | grep '(NEEDED)' | tr -s ' ')"
  fi
fi

# An empty environment: no PATH, no HOME, nothing inherited (on Windows only SYSTEMROOT,
# without which Windows' own libraries do not load).
if [[ "$file" == *-windows-* ]]; then
  run() { env -i SYSTEMROOT="${SYSTEMROOT:-}" "$exe" "$@"; }
else
  run() { env -i "$exe" "$@"; }
fi
got="$(run --version)" || fail "akbp --version failed"
[ "$got" = "akbp $version" ] || fail "akbp --version printed '$got', expected 'akbp $version'"

set +e
run validate "$root/examples/grafana-oidc.yaml" > "$scratch/good.out" 2>&1
good=$?
run validate --format json "$root/examples/broken/oauth-legacy.yaml" > "$scratch/bad.json" 2> "$scratch/bad.err"
bad=$?
set -e
[ "$good" -eq 0 ] || { cat "$scratch/good.out" >&2; fail "validate on a good example exited $good"; }
[ "$bad" -eq 1 ] || { cat "$scratch/bad.err" >&2; fail "validate on a broken example exited $bad, expected 1"; }
grep -q '"severity": *"error"' "$scratch/bad.json" || fail "no error finding in the broken example's JSON report"

echo "ok: $file ($(wc -c < "$archive" | tr -d ' ') bytes): checksum, layout, --version, validate${static:+, statically linked}"
