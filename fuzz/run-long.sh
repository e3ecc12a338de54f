#!/usr/bin/env bash
# The long fuzz runs (outside the test command): every target (or the ones named) for
# SECONDS each (default 900), without a bound on the number of runs, growing a corpus
# under $APST_CACHE/fuzz/corpus/ from one run to the next. Two targets at a time with
# APST_FUZZ_PARALLEL=2. Prints the executions per target; fails on the first crash.
#
#   fuzz/run-long.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-900}
shift || true
APST_FUZZ_CORPUS=keep exec fuzz/run.sh "$secs" 0 "$@"
