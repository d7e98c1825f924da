#!/usr/bin/env bash
# Builds the release archive of akbp for one target: the binary (statically linked on
# Linux, static C runtime on Windows), LICENSE and README.md under one top folder, plus a
# `<archive>.sha256` file in `sha256sum` format. `.github/workflows/release.yml` runs this
# on each runner; run locally it makes the Linux x86-64 archive that the workflow makes.
#
#   bash tools/release-archive.sh                     # host target, into target/release-archive/
#   bash tools/release-archive.sh --target aarch64-apple-darwin
#   bash tools/release-archive.sh --binary PATH       # package PATH instead of building (tests)
#   bash tools/release-archive.sh --out DIR
#
# The archive is named akbp-VERSION-OS-ARCH.tar.gz (.zip on Windows), OS one of linux,
# macos, windows and ARCH one of x86_64, aarch64: the names tools/install-release.sh asks
# for. The last line printed is the archive's path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

target=""
binary=""
out="$root/target/release-archive"
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "release-archive.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

# The version is the root package's, as tools/install-release.sh reads it.
version="$(bash "$root/tools/install-release.sh" --print-version)"

if [ -z "$target" ]; then
  target="$(rustc -vV | sed -n 's/^host: //p')"
fi
case "$target" in
  x86_64-*) arch=x86_64 ;;
  aarch64-*) arch=aarch64 ;;
  *) echo "release-archive.sh: unsupported architecture in $target" >&2; exit 2 ;;
esac
exe=akbp
case "$target" in
  *-linux-*) os=linux ;;
  *-apple-darwin) os=macos ;;
  *-windows-msvc) os=windows; exe=akbp.exe ;;
  *) echo "release-archive.sh: unsupported target $target" >&2; exit 2 ;;
esac

if [ -z "$binary" ]; then
  # Static on Linux (glibc's static libc: the binary runs on any Linux kernel of the
  # architecture, in a `FROM scratch` image too) and on Windows (no VC++ runtime needed).
  # akbp resolves no host names and loads no plugins, the two things static glibc cannot
  # do. The flag reaches only the target's code, not build scripts or proc macros.
  case "$target" in
    *-linux-gnu | *-windows-msvc)
      var="CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
      export "$var=${!var:-} -C target-feature=+crt-static"
      ;;
  esac
  echo "== cargo build --release --locked --target $target" >&2
  (cd "$root" && cargo build --release --locked --target "$target" --bin akbp >&2)
  binary="$root/target/$target/release/$exe"
fi
[ -f "$binary" ] || { echo "release-archive.sh: no binary at $binary" >&2; exit 2; }

name="akbp-$version-$os-$arch"
stage="$(mktemp -d "${TMPDIR:-/tmp}/akbp-archive.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod 0755 "$stage/$name/$exe"
cp "$root/LICENSE" "$root/README.md" "$stage/$name/"

mkdir -p "$out"
if [ "$os" = windows ]; then
  archive="$name.zip"
  rm -f "$out/$archive"
  if command -v 7z >/dev/null; then
    (cd "$stage" && 7z a -tzip -bd "$out/$archive" "$name" >/dev/null)
  else
    (cd "$stage" && python3 -m zipfile -c "$out/$archive" "$name")
  fi
else
  archive="$name.tar.gz"
  # Same bytes for the same inputs where GNU tar allows it (macOS has bsdtar).
  epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"
  if tar --version 2>/dev/null | grep -q 'GNU tar'; then
    tar -C "$stage" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
      -cf - "$name" | gzip -9n > "$out/$archive"
  else
    tar -C "$stage" -cf - "$name" | gzip -9n > "$out/$archive"
  fi
fi

if command -v sha256sum >/dev/null; then
  (cd "$out" && sha256sum "$archive" > "$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" > "$archive.sha256")
fi
echo "$out/$archive"
