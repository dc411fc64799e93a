#!/usr/bin/env bash
# CPython's answers for the PyPanther projects of corpus/projects: for each project DIR,
# `oracle_v2.py OUT --main DIR` under PYTHONHASHSEED 0 and 1 into DIR/oracle/seed0.jsonl and
# DIR/oracle/seed1.jsonl. A project whose main.py raises (the broken ones) makes the oracle
# fail: its exception goes to DIR/oracle/error.txt and the seed files are empty.
#
#   scripts/regen-projects.sh            regenerate the checked-in files
#   scripts/regen-projects.sh --check    regenerate into a temporary directory and fail if a
#                                        checked-in file is stale
#
# Environment: PYP_PY (a Python with pypanther==0.1.1a62; default: ../.venv-pyp/bin/python).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
oracle="${ORACLE_DIR:-${FERRULE_SHARED:-$here/../shared}/oracle}"
py="${PYP_PY:-$here/../.venv-pyp/bin/python}"
if [ ! -f "$oracle/oracle_v2.py" ]; then echo "regen-projects: no $oracle/oracle_v2.py (set FERRULE_SHARED)" >&2; exit 2; fi
if ! "$py" -c 'import pypanther' 2>/dev/null; then echo "regen-projects: $py has no pypanther (set PYP_PY)" >&2; exit 2; fi
check=0
[ "${1:-}" = "--check" ] && check=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stale=0
for dir in "$here"/corpus/projects/*/; do
    dir="${dir%/}"
    name="$(basename "$dir")"
    [ -f "$dir/main.py" ] || continue
    out="$work/$name"
    mkdir -p "$out"
    for seed in 0 1; do
        if PYTHONHASHSEED=$seed "$py" "$oracle/oracle_v2.py" "$out/seed$seed.jsonl" --main "$dir" \
            >/dev/null 2>"$out/stderr$seed"; then
            :
        else
            : >"$out/seed$seed.jsonl"
            tail -1 "$out/stderr$seed" >"$out/error.txt"
        fi
        rm -f "$out/stderr$seed"
    done
    if [ "$check" = 1 ]; then
        for f in seed0.jsonl seed1.jsonl error.txt; do
            if [ -f "$out/$f" ] || [ -f "$dir/oracle/$f" ]; then
                if ! cmp -s "$out/$f" "$dir/oracle/$f" 2>/dev/null; then
                    echo "corpus/projects/$name/oracle/$f is stale: run scripts/regen-projects.sh" >&2
                    diff "$dir/oracle/$f" "$out/$f" 2>&1 | head -10 >&2 || true
                    stale=1
                fi
            fi
        done
    else
        rm -rf "$dir/oracle"
        mkdir -p "$dir/oracle"
        cp "$out"/* "$dir/oracle/"
        echo "corpus/projects/$name: $(grep -c '"record": "test"' "$dir/oracle/seed0.jsonl" || true) oracle tests$( [ -f "$dir/oracle/error.txt" ] && echo ", main.py raises: $(cat "$dir/oracle/error.txt")")"
    fi
done
exit $stale
