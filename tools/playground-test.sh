#!/usr/bin/env bash
# playground-test.sh: build the playground's WebAssembly in the forky chroot
# (tools/wasm-chroot.sh), then test the page in Debian's Chromium, headless, driven by
# playwright-core (playground/test/). Installs what it needs: chromium with apt when
# /usr/bin/chromium is missing, playwright-core with `npm ci` (the version in
# playground/test/package-lock.json). The akbp binary (target/debug/akbp) is the test's
# oracle: findings and generated blueprints in the page must equal the command line's.
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

echo "== playground: WebAssembly (forky chroot)" >&2
timed wasm bash tools/wasm-chroot.sh build

echo "== playground: akbp binary (the oracle)" >&2
timed akbp-bin cargo build --locked --quiet --bin akbp

if [[ ! -x /usr/bin/chromium ]]; then
  echo "== playground: installing Debian's chromium" >&2
  install_chromium() {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  }
  timed chromium-apt install_chromium
fi
/usr/bin/chromium --version 2>/dev/null >&2 || true

echo "== playground: playwright-core (npm ci)" >&2
timed npm-ci npm ci --prefix playground/test --no-audit --no-fund --loglevel=error >/dev/null

echo "== playground: browser test" >&2
export AKBP_BIN=${AKBP_BIN:-target/debug/akbp}
timed browser-test node --test --test-reporter=spec playground/test/playground.test.mjs
shot=${AKBP_PLAYGROUND_SHOT:-target/playground/playground.png}
[[ -s $shot ]] || { echo "error: no screenshot at $shot" >&2; exit 1; }
echo "screenshot: $shot" >&2
