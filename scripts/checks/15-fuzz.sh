#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz / libFuzzer) of every parser that reads bytes from
# outside: builds the targets in fuzz/ and runs each for a short, bounded time from the
# committed corpus (8 targets x 20 s by default; APST_FUZZ_SECONDS changes it). Fails on any
# crash, panic, failed property, leak or hang. The long runs: fuzz/run-long.sh (fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec fuzz/run.sh "${APST_FUZZ_SECONDS:-20}" "${APST_FUZZ_RUNS:-3000000}"
