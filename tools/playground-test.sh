#!/usr/bin/env bash
# playground-test.sh [prepare]
#
# Build the playground's WebAssembly in the forky chroot (tools/wasm-chroot.sh), then test
# the page in Debian's Chromium, headless, driven by playwright-core (playground/test/).
# Installs what it needs: chromium with apt when /usr/bin/chromium is missing, and
# playwright-core with `npm ci` (the version in playground/test/package-lock.json). The akbp
# binary (target/debug/akbp, built here if needed) is the test's oracle: the findings and
# generated blueprints the page shows must equal the command line's.
#
#   prepare   only the downloads (chroot, chromium, playwright-core): .ci/run starts this in
#             the background at its beginning, where it overlaps the host's compiling.
#
# Environment: AKBP_WASM_CHROOT, AKBP_WASM_CARGO_HOME (see tools/wasm-chroot.sh);
# AKBP_PLAYGROUND_SHOT (the screenshot; default target/playground/playground.png).
# Step times go to stderr as "time: STEP Ns". Needs root (chroot; apt when installing).
set -euo pipefail
cd "$(dirname "$0")/.."

timed() {
  local t0=$SECONDS name=$1; shift
  "$@"
  echo "time: $name $((SECONDS - t0))s" >&2
}

install_chromium() {
  [[ ! -x /usr/bin/chromium ]] || return 0
  echo "== playground: installing Debian's chromium" >&2
  # Wait for another apt (rather than fail) if one holds the lock.
  local apt=(apt-get -qq -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends chromium >/dev/null
}

prepare() {
  echo "== playground: forky chroot (tools/wasm-chroot.sh setup)" >&2
  timed chroot bash tools/wasm-chroot.sh setup
  timed chromium-apt install_chromium
  echo "== playground: playwright-core (npm ci)" >&2
  timed npm-ci npm ci --prefix playground/test --no-audit --no-fund --loglevel=error >/dev/null
}

case "${1:-}" in
  prepare) prepare; exit 0 ;;
  "") ;;
  *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

prepare
echo "== playground: WebAssembly (forky chroot)" >&2
timed wasm bash tools/wasm-chroot.sh build

echo "== playground: akbp binary (the oracle)" >&2
timed akbp-bin cargo build --locked --quiet --bin akbp
/usr/bin/chromium --version 2>/dev/null >&2 || true

echo "== playground: browser test" >&2
export AKBP_BIN=${AKBP_BIN:-target/debug/akbp}
shot=${AKBP_PLAYGROUND_SHOT:-target/playground/playground.png}
rm -f "$shot"
timed browser-test node --test --test-reporter=spec playground/test/playground.test.mjs
[[ -s $shot ]] || { echo "error: no screenshot at $shot" >&2; exit 1; }
echo "screenshot: $shot" >&2
