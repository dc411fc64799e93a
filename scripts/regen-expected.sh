#!/usr/bin/env bash
# Regenerates corpus/v1/expected.jsonl with the CPython oracle (panther_analysis_tool +
# panther_core).  PAT_PY: a Python with those packages (default: /work/.venv-pat/bin/python).
# FERRULE_SHARED: the shared directory holding oracle/ (default: <repo>/../shared).
# Usage: scripts/regen-expected.sh              regenerate corpus/{v1,errors,language,soundness,libraries}/expected.jsonl
#        scripts/regen-expected.sh CORPUS OUT   write CORPUS's oracle output to OUT
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${FERRULE_SHARED:-$repo_root/../shared}"

if [[ -z "${PAT_PY:-}" ]]; then
    if [[ -x "$repo_root/.venv-pat/bin/python" ]]; then
        PAT_PY="$repo_root/.venv-pat/bin/python"
    elif [[ -x /work/.venv-pat/bin/python ]]; then
        PAT_PY=/work/.venv-pat/bin/python
    else
        echo "regen-expected: set PAT_PY to a Python with panther_analysis_tool installed" >&2
        exit 2
    fi
fi

oracle="$shared/oracle/oracle_v1.py"
if [[ ! -f "$oracle" ]]; then
    echo "regen-expected: oracle not found at $oracle (set FERRULE_SHARED)" >&2
    exit 2
fi

run() {
    local corpus out
    corpus="$(realpath "$1")"
    out="$(realpath -m "$2")"
    (cd "$repo_root" && PYTHONHASHSEED=0 "$PAT_PY" "$oracle" "$corpus" "$out" --quiet)
}
if [[ $# -ge 2 ]]; then
    run "$1" "$2"
else
    for c in v1 errors language soundness libraries; do
        run "$repo_root/corpus/$c" "$repo_root/corpus/$c/expected.jsonl"
    done
fi
