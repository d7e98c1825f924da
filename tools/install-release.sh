#!/usr/bin/env bash
# Installs akbp's release binary for this machine without a Rust toolchain: downloads
# akbp-VERSION-OS-ARCH.tar.gz (.zip on Windows) and its .sha256 from the release, checks
# the checksum, unpacks the binary. Used by the GitHub Action (action.yml) and the
# `akbp-release` pre-commit hook (.pre-commit-hooks.yaml).
#
#   bash tools/install-release.sh [--version V] [--repository URL] [--dest DIR]
#   bash tools/install-release.sh --print-version | --print-repository | --print-asset
#
# VERSION and the repository's URL default to `version` and `repository` in the
# Cargo.toml beside this script, so a clone, a pre-commit hook or an Action ref at tag
# vX.Y.Z installs release X.Y.Z from the repository that Cargo.toml names. The binary
# goes to DIR/akbp (default: ${XDG_CACHE_HOME:-~/.cache}/akbp/VERSION); an existing one is
# reused. The last line printed is DIR.
#
# AKBP_DOWNLOAD_URL replaces URL/releases/download (a mirror, or a test's local server);
# the archive is fetched from $AKBP_DOWNLOAD_URL/vVERSION/ARCHIVE.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$here/Cargo.toml"

die() { echo "install-release.sh: $*" >&2; exit 2; }

# `key = "value"` from a section of Cargo.toml; no TOML parser is needed for these lines
# (cargo writes and reads them as plain basic strings).
toml_value() { # SECTION KEY
  awk -v want="[$1]" -v key="$2" '
    /^[[:space:]]*\[/ { gsub(/[[:space:]]/, ""); section = $0; next }
    section == want && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
      sub(/^[^=]*=[[:space:]]*"/, ""); sub(/".*$/, ""); print; exit
    }' "$manifest"
}
# The root package's key, or the workspace's when the package inherits it
# (`version.workspace = true`).
package_value() { # KEY
  local v
  v="$(toml_value package "$1")"
  [ -n "$v" ] || v="$(toml_value workspace.package "$1")"
  [ -n "$v" ] || die "no $1 in $manifest"
  echo "$v"
}

version=""
repository=""
dest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="${2#v}"; shift 2 ;;
    --repository) repository="$2"; shift 2 ;;
    --dest) dest="$2"; shift 2 ;;
    --print-version) package_value version; exit 0 ;;
    --print-repository) package_value repository; exit 0 ;;
    --print-asset) print_asset=1; shift ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[ -n "$version" ] || version="$(package_value version)"
[ -n "$repository" ] || repository="$(package_value repository)"
repository="${repository%/}"
repository="${repository%.git}"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=macos ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
  *) die "no release archive for $(uname -s); install from source: cargo install --locked --git $repository akbp" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) die "no release archive for $(uname -m); install from source: cargo install --locked --git $repository akbp" ;;
esac
name="akbp-$version-$os-$arch"
exe=akbp
archive="$name.tar.gz"
if [ "$os" = windows ]; then exe=akbp.exe; archive="$name.zip"; fi
if [ -n "${print_asset:-}" ]; then echo "$archive"; exit 0; fi

[ -n "$dest" ] || dest="${XDG_CACHE_HOME:-$HOME/.cache}/akbp/$version"
if [ -x "$dest/$exe" ]; then
  echo "akbp $version: $dest/$exe (already installed)" >&2
  echo "$dest"
  exit 0
fi

base="${AKBP_DOWNLOAD_URL:-$repository/releases/download}"
url="${base%/}/v$version/$archive"
mkdir -p "$dest"
work="$(mktemp -d "$dest/.download.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fetch() { # URL FILE
  if command -v curl >/dev/null; then
    curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
  elif command -v wget >/dev/null; then
    wget --quiet --tries=3 --output-document="$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}
echo "akbp $version: downloading $url" >&2
fetch "$url" "$work/$archive" || die "download failed: $url"
fetch "$url.sha256" "$work/$archive.sha256" || die "download failed: $url.sha256"

# The .sha256 file is `HEX  NAME`; the name must be this archive's, the hash its hash.
read -r want listed < "$work/$archive.sha256" || die "empty checksum file: $url.sha256"
[ "${listed#\*}" = "$archive" ] || die "$url.sha256 is for '$listed', not $archive"
if command -v sha256sum >/dev/null; then
  got="$(sha256sum "$work/$archive" | cut -d' ' -f1)"
else
  got="$(shasum -a 256 "$work/$archive" | cut -d' ' -f1)"
fi
[ "$got" = "$want" ] || die "checksum mismatch for $archive: expected $want, got $got"

mkdir "$work/unpacked"
if [ "$os" = windows ]; then
  if command -v unzip >/dev/null; then
    unzip -q "$work/$archive" -d "$work/unpacked"
  else
    (cd "$work/unpacked" && 7z x -bd "$work/$archive" >/dev/null)
  fi
else
  tar -xzf "$work/$archive" -C "$work/unpacked"
fi
[ -f "$work/unpacked/$name/$exe" ] || die "$archive has no $name/$exe"
chmod 0755 "$work/unpacked/$name/$exe"
cp "$work/unpacked/$name/LICENSE" "$dest/LICENSE" 2>/dev/null || true
# Renamed into place last, so an interrupted or concurrent install never leaves a partial
# binary at $dest/$exe.
mv -f "$work/unpacked/$name/$exe" "$dest/$exe"
echo "akbp $version: installed $dest/$exe" >&2
echo "$dest"
