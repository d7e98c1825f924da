#!/usr/bin/env bash
# wasm-chroot.sh [setup | build | run CMD...]
#
# Builds the browser playground's WebAssembly (crates/akbp-wasm) with Debian's Rust toolchain
# in a Debian forky chroot. rustup cannot fetch the wasm32 standard library on our machines;
# forky ships it (libstd-rust-dev-wasm32) with rustc and the wasm-bindgen CLI, so the chroot
# is the toolchain.
#
#   setup        make the chroot (debootstrap minbase) and install the toolchain; done once,
#                a later call skips it (remove the folder to start again).
#   build        (default) setup, then `cargo build -p akbp-wasm --target wasm32-unknown-unknown
#                --release` and `wasm-bindgen --target web` into playground/pkg/.
#   run CMD...   setup, then run CMD inside the chroot in the checkout (for checks by hand).
#
# Environment:
#   AKBP_WASM_CHROOT       the chroot's folder (default /work/wasm-chroot)
#   AKBP_WASM_CARGO_HOME   cargo's home for the chroot's builds, a host folder bind-mounted as
#                          /cargo-home (default: the chroot's folder + "-cargo-home")
#   AKBP_WASM_MIRROR       Debian mirror for debootstrap and apt (default: the host's apt source)
#   AKBP_WASM_SRC          the checkout to build (default: this script's checkout)
# The build's target folder is target/wasm-chroot/ in the checkout, apart from the host's
# builds (another rustc). Mounts live in a private mount namespace and go away with the run.
# Step times go to stderr as "time: STEP Ns". Needs root (debootstrap, chroot, mount).
set -euo pipefail
shopt -s nullglob

here=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "${AKBP_WASM_SRC:-$here/..}" && pwd)
R=${AKBP_WASM_CHROOT:-/work/wasm-chroot}
R=${R%/}
CARGO_HOME_HOST=${AKBP_WASM_CARGO_HOME:-$R-cargo-home}
# The wasm-bindgen CLI must be the very version of the wasm-bindgen crate in Cargo.lock (the
# CLI refuses a module made by another version); forky ships 0.2.108.
# The wasm32 standard library recommends the LLVM linker it was made for (lld-NN, read from
# the package); rustc's default, rust-lld, is not packaged, so cargo is pointed at its wasm-ld.
PACKAGES=(rustc cargo libstd-rust-dev-wasm32 wasm-bindgen ca-certificates)

die() { echo "error: $*" >&2; exit 1; }
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
timed() {  # timed NAME CMD...: run CMD, report its time on stderr
  local t0=$SECONDS name=$1; shift
  "$@"
  echo "time: $name $((SECONDS - t0))s" >&2
}

# The first Debian source of the host's apt configuration (one-line or deb822 format).
host_mirror() {
  local f uri=""
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    uri=$(awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                             if ($i ~ /debian\/?$/) { print $i; exit } }' "$f")
    [[ -z $uri ]] || break
  done
  if [[ -z $uri ]]; then
    for f in /etc/apt/sources.list.d/*.sources; do
      uri=$(awk 'tolower($1) == "uris:" && $2 ~ /debian\/?$/ { print $2; exit }' "$f")
      [[ -z $uri ]] || break
    done
  fi
  [[ -n $uri ]] || die "no Debian source in the host's apt configuration; set AKBP_WASM_MIRROR"
  echo "${uri%/}"
}

# Proxies of the host's apt, if any, for debootstrap and the chroot's apt.
host_apt_proxy() {
  if [[ -z ${http_proxy:-} ]] && command -v apt-config >/dev/null; then
    eval "$(apt-config shell http_proxy Acquire::http::Proxy)"
    case "${http_proxy:-}" in *://*) export http_proxy ;; *) unset http_proxy ;; esac
  fi
}

setup() {
  [[ ! -L $R ]] || die "$R is a symbolic link; refusing to use it"
  if [[ -e $R/.akbp-wasm-ready ]]; then return 0; fi
  # One setup at a time (CI starts one in the background; a second waits for it).
  mkdir -p "$(dirname "$R")"
  exec 8>"$R.lock"
  flock 8
  if [[ -e $R/.akbp-wasm-ready ]]; then exec 8>&-; return 0; fi
  local mirror script=/usr/share/debootstrap/scripts/forky
  command -v debootstrap >/dev/null || {
    apt-get -qq -o DPkg::Lock::Timeout=600 update
    DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=600 install -y debootstrap >/dev/null; }
  mirror=${AKBP_WASM_MIRROR:-$(host_mirror)}
  # bookworm's debootstrap has no forky script; sid's makes the same minbase.
  [[ -e $script ]] || script=/usr/share/debootstrap/scripts/sid
  host_apt_proxy
  if [[ ! -e $R/.akbp-debootstrap-done ]]; then
    echo "== debootstrap forky from $mirror into $R" >&2
    mkdir -p "$R"
    local t0=$SECONDS
    debootstrap --variant=minbase --include=ca-certificates forky "$R" "$mirror" "$script" \
      > "$R.debootstrap.log" 2>&1 \
      || { tail -n 20 "$R.debootstrap.log" >&2; die "debootstrap failed (log $R.debootstrap.log)"; }
    echo "time: debootstrap $((SECONDS - t0))s" >&2
    touch "$R/.akbp-debootstrap-done"
  fi
  # The machine's clock may be past forky's Release Valid-Until.
  echo 'Acquire::Check-Valid-Until "false";' > "$R/etc/apt/apt.conf.d/99no-valid-until"
  if [[ -n ${http_proxy:-} ]]; then
    echo "Acquire::http::Proxy \"$http_proxy\";" > "$R/etc/apt/apt.conf.d/98host-proxy"
  fi
  # The host's extra CAs (a TLS-intercepting egress proxy's), else cargo cannot reach crates.io.
  local crts=(/usr/local/share/ca-certificates/*)
  if [[ ${#crts[@]} -gt 0 ]]; then cp -a "${crts[@]}" "$R/usr/local/share/ca-certificates/"; fi
  echo "== apt: ${PACKAGES[*]}" >&2
  timed apt in_chroot sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends ${PACKAGES[*]} \
      \$(apt-cache show libstd-rust-dev-wasm32 | sed -n -E 's/^Recommends:.*\\b(lld-[0-9]+).*/\\1/p' | head -n 1) \
      >/dev/null && apt-get clean && update-ca-certificates >/dev/null"
  in_chroot sh -c 'rustc --version; cargo --version; wasm-bindgen --version; ls /usr/lib/llvm-*/bin/wasm-ld' >&2
  wasm_linker >/dev/null
  touch "$R/.akbp-wasm-ready"
  exec 8>&-
}

# in_chroot CMD...: run CMD in the chroot, in /src (the checkout), with a clean environment,
# inside a private mount namespace (proc, dev, the checkout and cargo's home are mounted there
# and vanish with it).
in_chroot() {
  mkdir -p "$CARGO_HOME_HOST" "$R/src" "$R/cargo-home"
  cp -f /etc/resolv.conf "$R/etc/resolv.conf"
  local envs=(HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 CARGO_HOME=/cargo-home
    CARGO_TARGET_DIR=/src/target/wasm-chroot CARGO_TERM_COLOR=never)
  local v
  for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY CI; do
    if [[ -n ${!v:-} ]]; then envs+=("$v=${!v}"); fi
  done
  unshare --mount --propagation private -- sh -c '
    set -e; R=$1; SRC=$2; CH=$3; shift 3
    mount -t proc proc "$R/proc"
    mount --rbind /dev "$R/dev"
    mount --bind "$SRC" "$R/src"
    mount --bind "$CH" "$R/cargo-home"
    exec chroot "$R" "$@"' in_chroot "$R" "$SRC" "$CARGO_HOME_HOST" \
    env -i "${envs[@]}" sh -c 'cd /src && exec "$@"' sh "$@"
}

# The chroot's wasm-ld (of the newest lld-NN installed), as a path inside the chroot.
wasm_linker() {
  local l=("$R"/usr/lib/llvm-*/bin/wasm-ld)
  [[ ${#l[@]} -gt 0 ]] || die "no wasm-ld in the chroot (lld-NN missing); remove $R and run setup again"
  printf '%s\n' "${l[@]#"$R"}" | sort -V | tail -n 1
}

build() {
  setup
  local cli crate
  cli=$(in_chroot wasm-bindgen --version | awk '{ print $2 }')
  crate=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$SRC/Cargo.lock")
  [[ $cli == "$crate" ]] || die "wasm-bindgen CLI $cli in the chroot, but Cargo.lock has the crate at $crate"
  echo "== cargo build -p akbp-wasm (wasm32-unknown-unknown, release)" >&2
  # Without the release profile's LTO and single codegen unit (Cargo.toml): CI's time
  # matters more here than the playground's speed.
  timed cargo-build in_chroot env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$(wasm_linker)" \
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo build --locked -p akbp-wasm --target wasm32-unknown-unknown --release
  echo "== wasm-bindgen --target web -> playground/pkg/" >&2
  timed wasm-bindgen in_chroot wasm-bindgen --target web --no-typescript --out-dir playground/pkg \
    target/wasm-chroot/wasm32-unknown-unknown/release/akbp_wasm.wasm
  ls -l "$SRC/playground/pkg" >&2
}

[[ $(id -u) == 0 ]] || die "run as root (debootstrap, chroot and mount need it)"
cmd=${1:-build}
case "$cmd" in
  setup) setup ;;
  build) build ;;
  run) shift; [[ $# -gt 0 ]] || usage; setup; in_chroot "$@" ;;
  -h|--help) usage 0 ;;
  *) usage ;;
esac
