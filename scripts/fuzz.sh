#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets) for SECONDS each (default 60), seeded
# from corpus/: the YAML spec loader, the Python front end and lowering, a whole-repository
# build, and the runtime's JSON/event layer. cargo-fuzz needs nightly features; the stable
# toolchain provides them with RUSTC_BOOTSTRAP=1. A crash fails the run and leaves its
# input in fuzz/artifacts/TARGET/ (turn it into a corpus case). Prints one line per target
# with libFuzzer's execution count. Leak detection is off: ferrule leaks on purpose what it
# must not drop recursively (a Python tree nested past MAX_DEPTH, a YAML alias cycle).
#
# Long campaigns: FUZZ_TARGETS (default "yaml python repo event") chooses targets, and
# FUZZ_SANITIZER=none drops AddressSanitizer (2-3x the executions; what is searched for here,
# panics, stack overflows and memory blow-ups, needs no sanitizer in safe Rust).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
secs="${1:-60}"
san="${FUZZ_SANITIZER:-address}"
targets="${FUZZ_TARGETS:-yaml python repo event}"
export RUSTC_BOOTSTRAP=1
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
cargo fuzz build -O -s "$san" --fuzz-dir fuzz >/dev/null
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/yaml" "$seeds/python" "$seeds/repo" "$seeds/event"
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  case "$f" in
    *.yml|*.yaml) cp "$f" "$seeds/yaml/$i" ;;
    *.py) cp "$f" "$seeds/python/$i" ;;
    *.jsonl) head -n 300 "$f" | split -l 1 - "$seeds/event/$i-" ;;
  esac
done < <(find corpus -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.py' -o -name '*.jsonl' \) -print0)
# Whole-repository seeds: a spec and its module joined by 0xff (see fuzz_targets/repo.rs).
for y in corpus/v1/rules/*.yml; do
  p="${y%.yml}.py"
  [ -f "$p" ] || continue
  i=$((i + 1))
  { cat "$y"; printf '\377'; cat "$p"; } > "$seeds/repo/$i"
done
for t in $targets; do
  mkdir -p "fuzz/corpus/$t"
  log="$seeds/$t.log"
  if ! cargo fuzz run -O -s "$san" --fuzz-dir fuzz "$t" "fuzz/corpus/$t" "$seeds/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      -detect_leaks=0 >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz target $t crashed: see fuzz/artifacts/$t" >&2
    exit 1
  fi
  echo "fuzz $t: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') executions in ${secs}s, no crash"
done
