#!/usr/bin/env bash
# `ferrule build --target pypanther` checked end to end on a v1 corpus: the migrated project
# passes `ruff format --check` and `ruff check`, `pypanther test` exits 0 (unless
# --tests-may-fail), and `oracle_v2.py --main` on it gives CPython's v1 answers
# (compare.py --ignore-file --skip-undefined: 0 differing, 0 missing), every detection not
# migrated being named by a diagnostic.
#
# Usage: scripts/migrate-check.sh CORPUS OUT_DIR [--tests-may-fail] [--harness-dependent ID]...
#          [-- FERRULE_ARGS...]
# --harness-dependent ID: a detection whose answers depend on the stack depth at which the
#   harness calls it (see scripts/migrate_gate.py); it is migrated and tested, not compared.
# Environment: PYP_PY (a Python with pypanther==0.1.1a62; default /work/.venv-pyp/bin/python),
#   RUFF (a ruff from PyPI; default: installed into OUT_DIR/ruff-venv), FERRULE_BIN,
#   FERRULE_SHARED (the directory holding oracle/).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FERRULE_SHARED:-$repo_root/../shared}"
corpus="$(realpath "$1")"; out="$(realpath -m "$2")"; shift 2
may_fail=0
if [[ "${1:-}" == "--tests-may-fail" ]]; then may_fail=1; shift; fi
harness=()
while [[ "${1:-}" == "--harness-dependent" ]]; do harness+=(--harness-dependent "$2"); shift 2; done
if [[ "${1:-}" == "--" ]]; then shift; fi
PYP_PY="${PYP_PY:-/work/.venv-pyp/bin/python}"
ferrule="${FERRULE_BIN:-$repo_root/target/debug/ferrule}"
ruff_version=0.14.10
mkdir -p "$out"
if [[ -z "${RUFF:-}" ]]; then
  if [[ ! -x "$out/ruff-venv/bin/ruff" ]]; then
    python3 -m venv "$out/ruff-venv"
    "$out/ruff-venv/bin/pip" install -q "ruff==$ruff_version"
  fi
  RUFF="$out/ruff-venv/bin/ruff"
fi
pkg="$("$PYP_PY" -c 'import os, pypanther; print(os.path.dirname(pypanther.__file__))')"
proj="$out/project"
rm -rf "$proj"
set +e
# `--format json` writes its JSON lines to stdout; anything on stderr is shown as it is.
"$ferrule" --format json build "$corpus" --target pypanther --out "$proj" --pypanther "$pkg" "$@" \
  > "$out/diagnostics.jsonl" 2>&1
code=$?
set -e
if [[ "$code" == 2 ]]; then cat "$out/diagnostics.jsonl" >&2; exit 1; fi
grep -v '^{' "$out/diagnostics.jsonl" >&2 || true
grep '^{' "$out/diagnostics.jsonl" > "$out/diags.jsonl" || true

echo "-- ruff format --check / ruff check ($("$RUFF" --version))"
(cd "$proj" && "$RUFF" format --check . && "$RUFF" check .)

echo "-- pypanther test"
pyp_bin="$(dirname "$PYP_PY")/pypanther"
set +e
(cd "$proj" && "$pyp_bin" test > "$out/pypanther-test.txt" 2>&1)
ptest=$?
set -e
tail -12 "$out/pypanther-test.txt"
if [[ "$ptest" != 0 && "$may_fail" == 0 ]]; then
  echo "pypanther test exited $ptest" >&2; exit 1
fi

echo "-- oracle_v2.py --main vs the v1 oracle's answers"
PYTHONHASHSEED=0 "$PYP_PY" "$shared/oracle/oracle_v2.py" "$out/migrated.jsonl" --main "$proj" > "$out/oracle_v2.summary.json"
python3 "$repo_root/scripts/migrate_gate.py" "$corpus/expected.jsonl" "$out/migrated.jsonl" \
  "$out/diags.jsonl" "$out/expected.migrated.jsonl" "$out/migrated.compared.jsonl" ${harness[@]+"${harness[@]}"}
python3 "$shared/oracle/compare.py" "$out/expected.migrated.jsonl" "$out/migrated.compared.jsonl" \
  --ignore-file --skip-undefined --max 100000
