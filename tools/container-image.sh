#!/usr/bin/env bash
# Builds akbp's container image (container/Dockerfile: FROM scratch, the static binary,
# `akbp` as entry point) from Linux release archives, and with --test runs it: the entry
# point answers --version, validates a good example (exit 0) and a broken one (exit 1)
# from a mounted folder, and the image holds nothing but the binary and /tmp.
#
#   bash tools/container-image.sh [--test] [--tag TAG] ARCHIVE...   # build (and test)
#   bash tools/container-image.sh --context-only DIR ARCHIVE...     # only the build context
#   AKBP_CONTAINER_TOOL=buildah bash tools/container-image.sh ...    # pick the tool
#
# ARCHIVE: akbp-VERSION-linux-x86_64.tar.gz and/or -aarch64 (tools/release-archive.sh),
# each with its .sha256. The build uses podman, else buildah, else docker, whichever
# works; this sandbox needs podman's runc runtime and cgroupfs (see the note below).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

test=""
tag=""
context=""
archives=()
while [ $# -gt 0 ]; do
  case "$1" in
    --test) test=1; shift ;;
    --tag) tag="$2"; shift 2 ;;
    --context-only) context="$2"; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "container-image.sh: unknown argument: $1" >&2; exit 2 ;;
    *) archives+=("$1"); shift ;;
  esac
done
[ ${#archives[@]} -gt 0 ] || { echo "container-image.sh: no archive given" >&2; exit 2; }

version="$(bash "$root/tools/install-release.sh" --print-version)"
source_url="$(bash "$root/tools/install-release.sh" --print-repository)"
[ -n "$tag" ] || tag="akbp:$version"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/akbp-image.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
only_context="$context"
[ -n "$context" ] || context="$scratch/context"
mkdir -p "$context/tmp"
chmod 1777 "$context/tmp"
cp "$root/container/Dockerfile" "$context/Dockerfile"

platforms=()
for a in "${archives[@]}"; do
  file="$(basename "$a")"
  case "$file" in
    akbp-*-linux-x86_64.tar.gz) platform=amd64 ;;
    akbp-*-linux-aarch64.tar.gz) platform=arm64 ;;
    *) echo "container-image.sh: $file is not a Linux release archive" >&2; exit 2 ;;
  esac
  (cd "$(dirname "$a")" && if command -v sha256sum >/dev/null; then sha256sum --check --status "$file.sha256"; else shasum -a 256 --check --status "$file.sha256"; fi) \
    || { echo "container-image.sh: $file does not match $file.sha256" >&2; exit 1; }
  name="${file%.tar.gz}"
  mkdir -p "$context/linux-$platform"
  tar -xzf "$a" -C "$context/linux-$platform" --strip-components=1 "$name/akbp"
  platforms+=("linux/$platform")
done
if [ -n "$only_context" ]; then
  echo "$context"
  exit 0
fi

# This sandbox (a VM with cgroup v1 and raised-limit checks) runs podman only with runc,
# cgroupfs and rlimits at or below the current ones; elsewhere the defaults are fine.
podman_() { podman --storage-driver "${STORAGE_DRIVER:-vfs}" --cgroup-manager cgroupfs --runtime runc "$@"; }
run_limits=(--ulimit "nofile=1024:1024" --ulimit "nproc=1000:1000" --network none)
tool="${AKBP_CONTAINER_TOOL:-}"
if [ -n "$tool" ]; then
  :
elif command -v podman >/dev/null && command -v runc >/dev/null && podman_ info >/dev/null 2>&1; then
  tool=podman
elif command -v buildah >/dev/null && buildah --storage-driver "${STORAGE_DRIVER:-vfs}" info >/dev/null 2>&1; then
  tool=buildah
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  tool=docker
else
  echo "container-image.sh: no working container tool (podman, buildah or docker with an engine)" >&2
  exit 3
fi

# One platform per local build: the host's (the archive for another architecture is only
# packed into the context, as release.yml does for its multi-platform build).
case "$(uname -m)" in x86_64) host=linux/amd64 ;; aarch64) host=linux/arm64 ;; *) host="" ;; esac
[[ " ${platforms[*]} " == *" $host "* ]] || { echo "container-image.sh: no archive for $host" >&2; exit 2; }
args=(--platform "$host" --build-arg "VERSION=$version" --build-arg "SOURCE=$source_url" -t "$tag" "$context")
echo "== $tool build $host -> $tag" >&2
case "$tool" in
  podman) podman_ build --isolation chroot "${args[@]}" >&2 ;;
  buildah) buildah --storage-driver "${STORAGE_DRIVER:-vfs}" bud --isolation chroot "${args[@]}" >&2 ;;
  docker) docker build "${args[@]}" >&2 ;;
esac

[ -n "$test" ] || { echo "$tag"; exit 0; }

fail() { echo "FAIL: image $tag: $*" >&2; exit 1; }
inspect() { # GO-TEMPLATE
  case "$tool" in
    podman) podman_ image inspect --format "$1" "$tag" ;;
    buildah) buildah --storage-driver "${STORAGE_DRIVER:-vfs}" inspect --type image --format "$1" "$tag" ;;
    docker) docker image inspect --format "$1" "$tag" ;;
  esac
}
if [ "$tool" = buildah ]; then
  entry="$(inspect '{{.OCIv1.Config.Entrypoint}}')"
  size="$(du -sk "$context" | cut -f1) KiB context"
else
  entry="$(inspect '{{.Config.Entrypoint}}')"
  size="$(inspect '{{.Size}}') bytes"
fi
[ "$entry" = '[/usr/local/bin/akbp]' ] || fail "entry point is $entry"

# Runs the image with its entry point and the examples mounted at /src (the WORKDIR).
run_image() {
  case "$tool" in
    podman) podman_ run --rm "${run_limits[@]}" -v "$root/examples:/src:ro" "$tag" "$@" ;;
    docker) docker run --rm --network none -v "$root/examples:/src:ro" "$tag" "$@" ;;
    buildah)
      # buildah has no `run IMAGE`; run the entry point in a working container.
      local c
      c="$(buildah --storage-driver "${STORAGE_DRIVER:-vfs}" from "$tag")"
      local code=0
      buildah --storage-driver "${STORAGE_DRIVER:-vfs}" run --isolation chroot \
        -v "$root/examples:/src:ro" --workingdir /src "$c" -- /usr/local/bin/akbp "$@" || code=$?
      buildah --storage-driver "${STORAGE_DRIVER:-vfs}" rm "$c" >/dev/null
      return $code
      ;;
  esac
}
got="$(run_image --version)" || fail "--version failed"
[ "$got" = "akbp $version" ] || fail "--version printed '$got'"
set +e
run_image validate grafana-oidc.yaml > "$scratch/good.out" 2>&1
good=$?
run_image validate broken/oauth-legacy.yaml > "$scratch/bad.out" 2>&1
bad=$?
set -e
[ "$good" -eq 0 ] || { cat "$scratch/good.out" >&2; fail "validate grafana-oidc.yaml exited $good"; }
[ "$bad" -eq 1 ] || { cat "$scratch/bad.out" >&2; fail "validate broken/oauth-legacy.yaml exited $bad"; }
grep -q 'error AKB' "$scratch/bad.out" || fail "no error finding for the broken example"

# Nothing but the binary, /tmp and the working folder (and what the runtime adds).
case "$tool" in
  podman | docker)
    if [ "$tool" = podman ]; then c="$(podman_ create "$tag")"; else c="$(docker create "$tag")"; fi
    if [ "$tool" = podman ]; then podman_ export "$c" > "$scratch/fs.tar"; podman_ rm "$c" >/dev/null
    else docker export "$c" > "$scratch/fs.tar"; docker rm "$c" >/dev/null; fi
    files="$(tar -tf "$scratch/fs.tar" | grep -v '/$' | grep -Ev '^(etc/(hosts|hostname|resolv.conf)|run/.*|dev/.*|proc/.*|sys/.*)$' || true)"
    [ "$files" = "usr/local/bin/akbp" ] || fail "the image holds more than the binary: $files"
    ;;
esac
echo "ok: image $tag ($tool, $size): entry point akbp, --version, validate good (0) and broken (1)"
