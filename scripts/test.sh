#!/usr/bin/env bash
# The test suite: every workspace test (runtime table and differential tests, compiler
# stage tests, snapshots, the generated crate of corpus/v1 built and its tests run).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --quiet "$@"
