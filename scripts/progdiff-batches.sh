#!/usr/bin/env bash
# Runs the whole-program differential test (tests/progdiff.rs) in batches, for a large run:
#   scripts/progdiff-batches.sh FIRST_SEED BATCHES PROGRAMS_PER_BATCH
# e.g. `scripts/progdiff-batches.sh 1000 20 5000` runs 100,000 programs with seeds
# 1000..1019. Each batch is one repository and one generated crate; the log of each batch
# (seed, counts, refusals, times) goes to target/progdiff/batch-<seed>.log. Stops at the
# first batch with a difference (its repository is kept under target/progdiff/).
set -euo pipefail
cd "$(dirname "$0")/.."
first="${1:?first seed}"
batches="${2:?number of batches}"
per="${3:?programs per batch}"
mkdir -p target/progdiff
cargo test --quiet --test progdiff --no-run
start=$(date +%s)
total=0
for ((i = 0; i < batches; i++)); do
  seed=$((first + i))
  log="target/progdiff/batch-$seed.log"
  if ! FERRULE_DIFF_SEED="$seed" FERRULE_DIFF_PROGRAMS="$per" FERRULE_REQUIRE_ORACLE=1 \
      cargo test --quiet --test progdiff -- --nocapture >"$log" 2>&1; then
    echo "seed $seed: differences (see $log)" >&2
    exit 1
  fi
  total=$((total + per))
  echo "seed $seed: clean; $total programs in $(( $(date +%s) - start ))s"
  grep '^progdiff: [0-9]' "$log" || true
done
