#!/usr/bin/env bash
# Issue 10 point 6: the migrated project compiled back by ferrule's PyPanther front end gives
# the same answers as the v1 original compiled directly (ids and test names matched).
#
# Every detection `ferrule test CORPUS` compiles is either compiled back from the migrated
# project (its tests then give the same JSONL answers: compare.py --ignore-file
# --skip-undefined, 0 differing and 0 missing) or named by a diagnostic, of the migration
# (`build --target pypanther`) or of the project front end (`test DIR --input pypanther`).
# Exit 0 when both hold.
#
# Usage: scripts/migrate-roundtrip.sh CORPUS OUT_DIR
# Environment: PYP_PY (a Python with pypanther==0.1.1a62), FERRULE_BIN, FERRULE_SHARED,
# FERRULE_TARGET_DIR (cargo target of the generated crates).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FERRULE_SHARED:-$repo_root/../shared}"
corpus="$(realpath "$1")"; out="$(realpath -m "$2")"
PYP_PY="${PYP_PY:-/work/.venv-pyp/bin/python}"
ferrule="${FERRULE_BIN:-$repo_root/target/debug/ferrule}"
pkg="$("$PYP_PY" -c 'import os, pypanther; print(os.path.dirname(pypanther.__file__))')"
mkdir -p "$out"
rm -rf "$out/project"
set +e
"$ferrule" --format json build "$corpus" --target pypanther --out "$out/project" --pypanther "$pkg" \
  > "$out/build.log" 2>&1
code=$?
set -e
if [[ "$code" == 2 ]]; then cat "$out/build.log" >&2; exit 1; fi
FERRULE_TEST_DIR="$out/v1-crate" "$ferrule" test "$corpus" --jsonl "$out/v1.jsonl" > "$out/v1.log" 2>&1 || true
if [[ ! -s "$out/v1.jsonl" ]]; then
  echo "migrate-roundtrip: ferrule test $corpus gave no answers:" >&2
  tail -3 "$out/v1.log" >&2
  exit 1
fi
set +e
FERRULE_TEST_DIR="$out/pp-crate" "$ferrule" --format json test "$out/project" --input pypanther \
  --python "$PYP_PY" --jsonl "$out/pp.jsonl" > "$out/pp.log" 2>&1
code=$?
set -e
if [[ "$code" == 2 || ! -s "$out/pp.jsonl" ]]; then
  echo "migrate-roundtrip: ferrule cannot compile the migrated project (exit $code):" >&2
  tail -3 "$out/pp.log" >&2
  exit 1
fi
# The diagnostics naming a detection, of both steps.
grep -h '^{' "$out/build.log" "$out/pp.log" | grep '"type":"diagnostic"' > "$out/diags.jsonl" || true
gate=0
python3 "$repo_root/scripts/migrate_gate.py" "$out/v1.jsonl" "$out/pp.jsonl" "$out/diags.jsonl" \
  "$out/v1.migrated.jsonl" "$out/pp.compared.jsonl" || gate=1
python3 "$shared/oracle/compare.py" "$out/v1.migrated.jsonl" "$out/pp.compared.jsonl" --ignore-file \
  --skip-undefined || gate=1
exit $gate
