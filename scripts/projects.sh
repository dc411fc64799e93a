#!/usr/bin/env bash
# The PyPanther projects of corpus/projects against CPython: `ferrule test DIR --jsonl` must
# agree with each project's checked-in oracle output (scripts/regen-projects.sh; `--check`
# proves it current, which .ci/run does first) test by test (compare.py, the other hash seed as --alt): 0 differing,
# 0 missing. A broken project (DIR/oracle/error.txt: CPython stops in main.py) must make
# ferrule exit 1 with diagnostics.
#
# Environment: PYP_PY (a Python with pypanther==0.1.1a62), FERRULE_BIN (default: a debug
# build), FERRULE_TARGET_DIR (cargo target of the generated crates).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
oracle="${ORACLE_DIR:-${FERRULE_SHARED:-$here/../shared}/oracle}"
py="${PYP_PY:?set PYP_PY to a Python with pypanther}"
bin="${FERRULE_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --quiet --bin ferrule --manifest-path "$here/Cargo.toml"
    bin="$here/target/debug/ferrule"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail=0
for dir in "$here"/corpus/projects/*/; do
    dir="${dir%/}"
    name="$(basename "$dir")"
    [ -f "$dir/main.py" ] || continue
    set +e
    FERRULE_TEST_DIR="$work/crate-$name" "$bin" test "$dir" --python "$py" \
        --jsonl "$work/$name.jsonl" 2>"$work/$name.diagnostics"
    code=$?
    set -e
    if [ -f "$dir/oracle/error.txt" ]; then
        if [ "$code" != 1 ] || ! grep -q 'error\[F0' "$work/$name.diagnostics"; then
            echo "projects: $name: CPython stops in main.py ($(cat "$dir/oracle/error.txt")); ferrule must report it (exit $code)" >&2
            fail=1
        fi
    elif [ "$code" = 2 ]; then
        cat "$work/$name.diagnostics" >&2
        fail=1
        continue
    fi
    echo "projects: $name"
    python3 "$oracle/compare.py" "$dir/oracle/seed0.jsonl" "$work/$name.jsonl" \
        --alt "$dir/oracle/seed1.jsonl" || fail=1
    # Beyond the contract fields: pypanther's own verdict and the auxiliary errors agree.
    python3 - "$dir/oracle/seed0.jsonl" "$work/$name.jsonl" "$name" <<'PY' || fail=1
import json, sys
def load(path):
    with open(path, encoding="utf-8") as f:
        return {(r["id"], r["test"]): r for r in map(json.loads, f) if r.get("record") == "test"}
oracle, ours = load(sys.argv[1]), load(sys.argv[2])
bad = [k for k in oracle if k in ours and any(
    oracle[k].get(f) != ours[k].get(f) for f in ("passed", "aux_errors"))]
for k in bad:
    print(f"projects: {sys.argv[3]}: {k}: passed/aux_errors differ", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
done
exit $fail
