#!/usr/bin/env bash
# Compile-time benchmark: the median wall time of `ferrule build` (parse, lower, resolve,
# emit, format, write) over 7 runs, on corpus/v1 and, when given, an installed pypanther
# package directory.  Usage: scripts/bench-build.sh [PATH/TO/site-packages/pypanther]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cargo build --release --quiet --bin ferrule --manifest-path "$root/Cargo.toml"
bin="$root/target/release/ferrule"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
bench() {
    local name="$1" repo="$2" times=()
    for _ in 1 2 3 4 5 6 7; do
        local t0 t1
        t0=$(date +%s.%N)
        "$bin" build "$repo" --out "$out/crate" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        times+=("$(python3 -c "print(f\"{$t1 - $t0:.3f}\")")")
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 4p)
    local lines
    lines=$(find "$out/crate/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
    echo "$name: ferrule build median ${median}s over 7 runs; $lines lines of Rust generated"
}
bench corpus/v1 "$root/corpus/v1"
if [ $# -ge 1 ]; then bench pypanther "$1"; fi
