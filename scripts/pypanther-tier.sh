#!/usr/bin/env bash
# The real-world tier: download pypanther 0.1.1a62 from PyPI (never committed), record
# CPython's answers with the oracle under two hash seeds, run `ferrule test` on the package
# and compare test by test. Prints the figures; exit status is compare.py's.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
oracle="${ORACLE_DIR:-$here/../shared/oracle}"
work="${PYPANTHER_TIER_DIR:-$(mktemp -d)}"
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
cargo build --release --quiet --bin ferrule --manifest-path "$here/Cargo.toml"
FERRULE_TEST_DIR="$work/crate" "$here/target/release/ferrule" test "$pkg" \
    --jsonl "$work/ferrule-v2.jsonl" 2>"$work/diagnostics.txt" || true
t3=$(date +%s)
grep -E '^ferrule' "$work/diagnostics.txt" || true
echo "times: download $((t1 - t0))s oracle $((t2 - t1))s ferrule test $((t3 - t2))s"
python3 "$oracle/compare.py" "$work/v2.jsonl" "$work/ferrule-v2.jsonl" \
    --alt "$work/v2-seed1.jsonl" --max 20
