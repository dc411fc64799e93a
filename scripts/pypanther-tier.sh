#!/usr/bin/env bash
# The real-world tier: download pypanther 0.1.1a62 from PyPI (never committed), record
# CPython's answers with the oracle under two hash seeds, run `ferrule test` on the package
# and compare test by test. Prints compare.py's figures, then scripts/tier-gate.py decides:
# it fails on any answer that differs from CPython other than a run-time refusal, or when
# the identical tests fall below scripts/pypanther-tier.floor.
#
# Environment: PYPANTHER_TIER_DIR (work directory, default a temporary one), FERRULE_BIN
# (default: a release build), FERRULE_TARGET_DIR (cargo target of the generated crate).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
oracle="${ORACLE_DIR:-${FERRULE_SHARED:-$here/../shared}/oracle}"
work="${PYPANTHER_TIER_DIR:-$(mktemp -d)}"
mkdir -p "$work"
venv="$work/venv"
t0=$(date +%s)
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q pypanther==0.1.1a62
fi
pkg="$("$venv/bin/python" -c 'import os, pypanther; print(os.path.dirname(pypanther.__file__))')"
t1=$(date +%s)
PYTHONHASHSEED=0 "$venv/bin/python" "$oracle/oracle_v2.py" "$work/v2.jsonl" >/dev/null
PYTHONHASHSEED=1 "$venv/bin/python" "$oracle/oracle_v2.py" "$work/v2-seed1.jsonl" >/dev/null
t2=$(date +%s)
bin="${FERRULE_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release --quiet --bin ferrule --manifest-path "$here/Cargo.toml"
    bin="$here/target/release/ferrule"
fi
t3=$(date +%s)
FERRULE_TEST_DIR="$work/crate" "$bin" test "$pkg" \
    --jsonl "$work/ferrule-v2.jsonl" 2>"$work/diagnostics.txt" || true
t4=$(date +%s)
grep -E '^ferrule' "$work/diagnostics.txt" || true
lines=$(find "$work/crate/src" -name '*.rs' -print0 | xargs -0 cat | wc -l)
echo "times: download $((t1 - t0))s, oracle (2 seeds) $((t2 - t1))s," \
    "ferrule build $((t3 - t2))s, ferrule test (compile, cargo build, run) $((t4 - t3))s;" \
    "generated crate: $lines lines of Rust"
python3 "$oracle/compare.py" "$work/v2.jsonl" "$work/ferrule-v2.jsonl" \
    --alt "$work/v2-seed1.jsonl" --max 10 || true
python3 "$here/scripts/tier-gate.py" "$oracle" "$work/v2.jsonl" "$work/v2-seed1.jsonl" \
    "$work/ferrule-v2.jsonl" "$here/scripts/pypanther-tier.floor"
