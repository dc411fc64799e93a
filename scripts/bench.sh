#!/usr/bin/env bash
# Throughput of the ferrule-compiled corpus/v1 detections against the CPython baseline
# (panther_core, ../shared/oracle/bench_v1.py), over the same (detection, test event) pairs.
#
#   PAT_PY=/path/to/.venv-pat/bin/python scripts/bench.sh [REPO]
#
# Environment: BENCH_SECONDS (minimum timed seconds per measurement, default 10),
# BENCH_OUT (output directory, default target/bench), ORACLE (the oracle scripts, default
# ../shared/oracle), PAT_PY (default: scripts/setup-oracle.sh's venv), FERRULE (a ferrule
# binary to use instead of building the release one: the emitted crate does not depend on
# ferrule's own profile).
# Writes BENCH_OUT/ferrule.json, BENCH_OUT/cpython.json and BENCH_OUT/summary.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "${1:-$root/corpus/v1}" && pwd)"
secs="${BENCH_SECONDS:-10}"
out="${BENCH_OUT:-$root/target/bench}"
oracle="${ORACLE:-$root/../shared/oracle}"
pat_py="${PAT_PY:-$("$root/scripts/setup-oracle.sh")}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

echo "== ferrule (release) =="
ferrule="${FERRULE:-}"
if [ -z "$ferrule" ]; then
  (cd "$root" && cargo build --release --quiet --bin ferrule)
  ferrule="$root/target/release/ferrule"
fi
# Detections that do not convert are reported and left out; the bench covers the rest.
status=0
"$ferrule" build "$repo" --out "$out/crate" 2>"$out/build.log" || status=$?
tail -n 1 "$out/build.log"
if [ "$status" -gt 1 ]; then
  cat "$out/build.log" >&2
  exit "$status"
fi
(cd "$out/crate" && env -u CARGO_TARGET_DIR cargo build --release --quiet --bin ferrule-tests \
  --target-dir "$out/target")
# The runner renders module paths relative to the repository, as PAT runs from there.
(cd "$repo" && "$out/target/release/ferrule-tests" --bench "$secs") >"$out/ferrule.json"

# The CPython run measures the same detections: every other detection of the repository is
# excluded (bench_v1.py reports that subset as "excluding ...").
mapfile -t excluded < <("$pat_py" - "$repo" "$out/ferrule.json" <<'EOF'
import json, os, sys, yaml
repo, ferrule = sys.argv[1], sys.argv[2]
ours = set(json.load(open(ferrule))["detections"])
ids = set()
for d, _, files in os.walk(repo):
    for f in files:
        if f.endswith((".yml", ".yaml")):
            try:
                spec = yaml.safe_load(open(os.path.join(d, f)))
            except Exception:
                continue
            if isinstance(spec, dict):
                i = spec.get("RuleID") or spec.get("PolicyID")
                if isinstance(i, str):
                    ids.add(i)
for i in sorted(ids - ours):
    print(i)
EOF
)
echo "== CPython ($("$pat_py" -c 'import platform; print(platform.python_version())'), panther_core) =="
echo "detections not converted by ferrule, excluded from the comparison: ${#excluded[@]}"
args=()
for id in "${excluded[@]}"; do
  args+=(--exclude "$id")
done
PYTHONHASHSEED=0 "$pat_py" "$oracle/bench_v1.py" "$repo" --min-seconds "$secs" --load-runs 0 \
  "${args[@]}" --json "$out/cpython.json" >/dev/null

python3 - "$out/ferrule.json" "$out/cpython.json" "$out/summary.md" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
meas = c["measurements"]
name = next((k for k in meas if k != "all"), "all")
cp = meas[name]
rows = [
    "| measurement | pairs | CPython evals/s | ferrule evals/s | speedup | CPython µs/eval | ferrule µs/eval |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
]
for key, label in (("full_detection_run", "Detection.run (batch mode)"), ("rule_only", "rule()/policy() only")):
    a, b = cp[key], f[key]
    # Median pass, then the fastest pass (less sensitive to other load on the machine).
    for stat, tag in (("median", "median pass"), ("min", "fastest pass")):
        ua, ub = a[f"us_per_eval_{stat}"], b[f"us_per_eval_{stat}"]
        rows.append(
            f"| {label}, {tag} | {f['pairs']} | {1e6 / ua:,.0f} | {1e6 / ub:,.0f} | "
            f"{ua / ub:.1f}x | {ua:.2f} | {ub:.2f} |"
        )
text = "\n".join(rows) + "\n"
notes = [
    f"detections benchmarked: {f['detections_loaded']} (CPython loaded {c['detections_loaded']})",
    f"pairs: ferrule {f['pairs']}, CPython {cp['pairs']} (of {c['pairs']} in the whole repository)",
    f"skipped: ferrule {f['skipped']}, CPython {c['skipped']}",
    f"outcomes: ferrule {f['outcomes']}, CPython {cp['outcomes']}",
    f"CPython machine: {c['machine']}, Python {c['python']}",
]
if f["pairs"] != cp["pairs"]:
    notes.append("WARNING: the pair counts differ; the figures are not directly comparable")
text += "\n" + "\n".join("- " + n for n in notes) + "\n"
open(sys.argv[3], "w").write(text)
print(text)
EOF
