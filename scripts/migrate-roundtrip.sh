#!/usr/bin/env bash
# Issue 10 point 6: the migrated project compiled back by ferrule's PyPanther front end gives
# the same answers as the v1 original compiled directly (ids and test names matched).
#
# Usage: scripts/migrate-roundtrip.sh CORPUS OUT_DIR
# Environment: PYP_PY (a Python with pypanther==0.1.1a62), FERRULE_BIN, FERRULE_SHARED.
# Needs a ferrule whose PyPanther front end loads `main.py` projects (issue 9); until then it
# reports that and exits 3.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FERRULE_SHARED:-$repo_root/../shared}"
corpus="$(realpath "$1")"; out="$(realpath -m "$2")"
PYP_PY="${PYP_PY:-/work/.venv-pyp/bin/python}"
ferrule="${FERRULE_BIN:-$repo_root/target/debug/ferrule}"
pkg="$("$PYP_PY" -c 'import os, pypanther; print(os.path.dirname(pypanther.__file__))')"
mkdir -p "$out"
rm -rf "$out/project"
"$ferrule" build "$corpus" --target pypanther --out "$out/project" --pypanther "$pkg" 2>/dev/null || true
FERRULE_TEST_DIR="$out/v1-crate" "$ferrule" test "$corpus" --jsonl "$out/v1.jsonl" >/dev/null 2>&1 || true
set +e
FERRULE_TEST_DIR="$out/pp-crate" "$ferrule" test "$out/project" --input pypanther --python "$PYP_PY" --jsonl "$out/pp.jsonl" \
  > "$out/pp.log" 2>&1
code=$?
set -e
if [[ "$code" == 2 || ! -s "$out/pp.jsonl" ]]; then
  echo "migrate-roundtrip: ferrule cannot compile the migrated project yet (exit $code):" >&2
  tail -3 "$out/pp.log" >&2
  exit 3
fi
python3 "$repo_root/scripts/migrate_gate.py" "$out/v1.jsonl" "$out/pp.jsonl" /dev/null "$out/v1.migrated.jsonl" \
  "$out/pp.compared.jsonl" || true
python3 "$shared/oracle/compare.py" "$out/v1.migrated.jsonl" "$out/pp.compared.jsonl" --ignore-file --skip-undefined
