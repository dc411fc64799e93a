#!/usr/bin/env bash
# Instructions per evaluation of a generated crate's bench, counted by callgrind: unlike wall
# time on a shared machine, these repeat exactly from run to run, so a fast path's effect can
# be read from them.
#
#   scripts/bench-callgrind.sh BIN DIR [OUT]
#
# BIN is a generated crate's release `ferrule-tests` (scripts/bench.sh and
# scripts/bench-pypanther.sh build one), DIR the directory it runs from (the repository, or
# pypanther's package). `--bench 0` runs one warm-up pass and 5 timed passes of each
# measurement after a pass that records the outcomes (which compiles and caches what the
# detections use), so every counted pass is in steady state. Only `bench_pass_full` and
# `bench_pass_rule_only` (runtime/src/runner.rs) are counted; the per-function table is
# written to OUT.txt (default target/callgrind/bench).
set -euo pipefail
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
dir="$2"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${3:-$root/target/callgrind/bench}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
(cd "$dir" && valgrind --tool=callgrind --callgrind-out-file="$out.cg" \
  --toggle-collect='*bench_pass_full*' --toggle-collect='*bench_pass_rule_only*' \
  "$bin" --bench 0 >"$out.json" 2>"$out.log")
callgrind_annotate --inclusive=yes "$out.cg" >"$out.inclusive.txt"
callgrind_annotate "$out.cg" >"$out.txt"
python3 - "$out.json" "$out.inclusive.txt" <<'EOF'
import json, re, sys
bench = json.load(open(sys.argv[1]))
pairs = bench["pairs"]
incl = {}
for line in open(sys.argv[2]):
    m = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*:(?:\S*::)?(bench_pass_full|bench_pass_rule_only)\b", line)
    if m and m.group(2) not in incl:
        incl[m.group(2)] = int(m.group(1).replace(",", ""))
for key, fn, label in (
    ("full_detection_run", "bench_pass_full", "Detection.run (batch mode)"),
    ("rule_only", "bench_pass_rule_only", "rule()/policy() only"),
):
    passes = bench[key]["reps"] + 1
    ir = incl.get(fn)
    if ir is None:
        sys.exit(f"{fn} not found in the profile")
    print(f"{label}: {ir / passes / pairs:,.0f} instructions per evaluation "
          f"({pairs} pairs, {passes} passes, {ir:,} in all)")
EOF
