#!/usr/bin/env bash
# Throughput of pypanther's shipped rules compiled by ferrule against CPython + pypanther
# (scripts/bench_pypanther.py), over the same (rule, RuleTest event without mocks) pairs, in
# one invocation; the outcomes (alerting, rule raised) are compared pair by pair.
#
#   PYP_PY=/path/to/venv/bin/python scripts/bench-pypanther.sh
#
# Environment: BENCH_SECONDS (minimum timed seconds per measurement, default 10),
# BENCH_OUT (output directory, default target/bench-pypanther), PYP_PY (a Python with
# pypanther==0.1.1a62 installed; default: a venv made under BENCH_OUT with
# `pip install pypanther==0.1.1a62`, as scripts/pypanther-tier.sh does), FERRULE_BIN
# (default: a release build). Writes BENCH_OUT/ferrule.json, cpython.json, summary.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${BENCH_SECONDS:-10}"
out="${BENCH_OUT:-$root/target/bench-pypanther}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
py="${PYP_PY:-}"
if [ -z "$py" ]; then
  if [ ! -x "$out/venv/bin/python" ]; then
    python3 -m venv "$out/venv"
    "$out/venv/bin/pip" install -q pypanther==0.1.1a62
  fi
  py="$out/venv/bin/python"
fi
pkg="$("$py" -c 'import os, pypanther; print(os.path.dirname(pypanther.__file__))')"

echo "== ferrule (release) =="
bin="${FERRULE_BIN:-}"
if [ -z "$bin" ]; then
  (cd "$root" && cargo build --release --quiet --bin ferrule)
  bin="$root/target/release/ferrule"
fi
status=0
"$bin" build "$pkg" --out "$out/crate" 2>"$out/build.log" || status=$?
tail -n 1 "$out/build.log"
if [ "$status" -gt 1 ]; then
  cat "$out/build.log" >&2
  exit "$status"
fi
(cd "$out/crate" && env -u CARGO_TARGET_DIR cargo build --release --quiet --bin ferrule-tests \
  --target-dir "$out/target")
(cd "$pkg" && "$out/target/release/ferrule-tests" --bench "$secs") >"$out/ferrule.json"

echo "== CPython ($("$py" -c 'import platform; print(platform.python_version())'), pypanther) =="
# Only the rules ferrule converted (the `detections` of its bench output).
PYTHONHASHSEED=0 "$py" "$root/scripts/bench_pypanther.py" --min-seconds "$secs" \
  --only "$out/ferrule.json" --json "$out/cpython.json" >/dev/null

python3 - "$out/ferrule.json" "$out/cpython.json" "$out/summary.md" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
rows = [
    "| measurement | pairs | CPython evals/s | ferrule evals/s | speedup | CPython µs/eval | ferrule µs/eval |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
]
for key, label in (("full_detection_run", "Rule.run (batch mode)"), ("rule_only", "rule() only")):
    a, b = c[key], f[key]
    for stat, tag in (("median", "median pass"), ("min", "fastest pass")):
        ua, ub = a[f"us_per_eval_{stat}"], b[f"us_per_eval_{stat}"]
        rows.append(
            f"| {label}, {tag} | {f['pairs']} | {1e6 / ua:,.0f} | {1e6 / ub:,.0f} | "
            f"{ua / ub:.1f}x | {ua:.2f} | {ub:.2f} |"
        )
text = "\n".join(rows) + "\n"
notes = [
    f"rules benchmarked: ferrule {f['detections_loaded']}, CPython {c['detections_loaded']}",
    f"pairs: ferrule {f['pairs']}, CPython {c['pairs']}",
    f"skipped: ferrule {f['skipped']}, CPython {c['skipped']}",
    f"outcomes: ferrule {f['outcomes']}, CPython {c['outcomes']}",
    f"CPython machine: {c['machine']}, Python {c['python']}",
]
same = f["pairs"] == c["pairs"] and f["outcomes"] == c["outcomes"]
if "per_pair" in f:
    # As multisets: two tests of a rule may share a name.
    from collections import Counter
    fp = Counter(map(tuple, f["per_pair"]))
    cp = Counter(map(tuple, c["per_pair"]))
    diff = sorted(((fp - cp) + (cp - fp)).elements())
    notes.append(f"pairs with a different outcome: {len(diff)}")
    for d in diff[:10]:
        notes.append(f"  differs: {d}")
    same = same and not diff
if not same:
    notes.append("WARNING: the outcomes differ; the figures are not directly comparable")
text += "\n" + "\n".join("- " + n for n in notes) + "\n"
open(sys.argv[3], "w").write(text)
print(text)
sys.exit(0 if same else 1)
EOF
