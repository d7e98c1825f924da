#!/usr/bin/env bash
# Run every fuzz target for FUZZ_SECONDS (default 30) seconds. A crash, a panic, an
# input slower than 10 s or one using more than 2 GiB fails the script (and CI); the
# input is left in fuzz/artifacts/<target>/ for a regression test in tests/.
#
# Seeds are built fresh each run from tests/fixtures and, when ../shared sits beside
# the repository, authentik's shipped blueprints; they are not committed. Only the
# hand-written tag seeds (fuzz/corpus/tags/seed-*) are.
set -euo pipefail
cd "$(dirname "$0")"
secs="${FUZZ_SECONDS:-30}"
targets=(load tags validate)

# cargo-fuzz needs a nightly toolchain; a machine without one cannot fetch it, and
# the proptest properties in tests/properties.rs still cover the same ground there.
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: SKIPPED, no nightly toolchain on this machine (cargo +nightly)"
    exit 0
fi

seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
for t in "${targets[@]}"; do mkdir -p "$seeds/$t" "corpus/$t"; done
n=0
add_seed() {
    n=$((n + 1))
    cp "$1" "$seeds/load/$n"
    # validate and tags read a first byte (target release, tag) before the text.
    { printf '\n'; cat "$1"; } >"$seeds/validate/$n"
    { printf '\001'; cat "$1"; } >"$seeds/tags/$n"
}
while IFS= read -r -d '' f; do add_seed "$f"; done \
    < <(find ../tests/fixtures -type f -print0)
if [ -d ../../shared/authentik ]; then
    while IFS= read -r -d '' f; do add_seed "$f"; done \
        < <(find ../../shared/authentik -type f -name '*.yaml' -print0)
fi
echo "fuzz: $n seed files"

# The targets are cargo-fuzz targets (`cargo +nightly fuzz run validate` works for
# developers), but CI builds them directly with the flags cargo-fuzz passes, so a fresh
# machine need not compile cargo-fuzz first (about 3 minutes on 2 cores). No sanitizer:
# akbp has no unsafe code, and ASan nearly doubles the build time.
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
start=$SECONDS
cargo +nightly build --release --locked --target "$triple" --bins
echo "fuzz: build took $((SECONDS - start)) s"

for t in "${targets[@]}"; do
    echo "fuzz: $t for $secs s"
    log="$seeds/$t.log"
    mkdir -p "artifacts/$t"
    if "target/$triple/release/$t" -artifact_prefix="artifacts/$t/" "corpus/$t" "$seeds/$t" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -E 'INITED|DONE|stat::number_of_executed_units' "$log" || true
    else
        tail -n 80 "$log"
        echo "fuzz: $t FAILED; the input is in fuzz/artifacts/$t/"
        exit 1
    fi
done
echo "fuzz: all targets ran $secs s without a crash"
