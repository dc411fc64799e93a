#!/usr/bin/env bash
# CPython comparison of corpus/pypanther, the original PyPanther package of this project.
# oracle_v2.py only runs the rules of an installed pypanther, so this lays the corpus over a
# copy of pypanther 0.1.1a62 (corpus rules replace the shipped ones; corpus helpers and data
# models are added), runs the oracle on the copy with two hash seeds and `ferrule test` on
# the same copy, and requires every corpus test to be identical.
#
# Environment: PYP_PY (a Python with pypanther==0.1.1a62; default: a venv made in the work
# directory), FERRULE_BIN (default: a debug build), FERRULE_TARGET_DIR.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
oracle="${ORACLE_DIR:-${FERRULE_SHARED:-$here/../shared}/oracle}"
work="$(mktemp -d)"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
py="${PYP_PY:-}"
if [ -z "$py" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q pypanther==0.1.1a62
    py="$work/venv/bin/python"
fi
installed="$("$py" -c 'import os, pypanther; print(os.path.dirname(pypanther.__file__))')"
pkg="$work/site/pypanther"
mkdir -p "$work/site"
cp -r "$installed" "$pkg"
find "$pkg" -name __pycache__ -prune -exec rm -rf {} +
rm -rf "$pkg/rules"
# ferrule reads the libraries the rules import (their source, data, and the installed
# panther_detection_helpers version) next to the package, so they sit beside the copy as
# they sit beside the installed package.
for lib in policyuniverse pycountry botocore panther_detection_helpers; do
    ln -s "$(dirname "$installed")/$lib" "$work/site/$lib"
done
for info in "$(dirname "$installed")"/panther_detection_helpers-*.dist-info; do
    ln -s "$info" "$work/site/$(basename "$info")"
done
cp -r "$here/corpus/pypanther/pypanther/rules" "$pkg/rules"
for d in helpers data_models; do
    if [ -d "$here/corpus/pypanther/pypanther/$d" ]; then
        cp -r "$here/corpus/pypanther/pypanther/$d/." "$pkg/$d/"
    fi
done
PYTHONPATH="$work/site" PYTHONHASHSEED=0 "$py" "$oracle/oracle_v2.py" "$work/v2.jsonl" >/dev/null
PYTHONPATH="$work/site" PYTHONHASHSEED=1 "$py" "$oracle/oracle_v2.py" "$work/v2-seed1.jsonl" >/dev/null
bin="${FERRULE_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --quiet --bin ferrule --manifest-path "$here/Cargo.toml"
    bin="$here/target/debug/ferrule"
fi
FERRULE_TEST_DIR="$work/crate" "$bin" test "$pkg" --jsonl "$work/ferrule.jsonl" \
    2>"$work/diagnostics.txt" || true
# Diagnostics about the shipped helpers are expected; none may concern the corpus rules.
if grep -F 'pypanther/rules/' "$work/diagnostics.txt"; then
    echo "pypanther-corpus: a corpus rule was not converted" >&2
    exit 1
fi
tests=$(grep -c '"record": "test"' "$work/v2.jsonl" || true)
echo "pypanther-corpus: $tests oracle tests"
if [ "$tests" -lt 1 ]; then echo "pypanther-corpus: the oracle found no tests" >&2; exit 1; fi
python3 "$oracle/compare.py" "$work/v2.jsonl" "$work/ferrule.jsonl" --alt "$work/v2-seed1.jsonl"
# Beyond the contract fields: pypanther's own verdict and the auxiliary errors must agree.
python3 - "$work/v2.jsonl" "$work/ferrule.jsonl" <<'PY'
import json, sys
def load(path):
    with open(path, encoding="utf-8") as f:
        return {(r["id"], r["test"]): r for r in map(json.loads, f) if r.get("record") == "test"}
oracle, ours = load(sys.argv[1]), load(sys.argv[2])
bad = [k for k in oracle if k in ours and any(
    oracle[k].get(f) != ours[k].get(f) for f in ("passed", "aux_errors"))]
for k in bad:
    print(f"pypanther-corpus: {k}: passed/aux_errors differ", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
