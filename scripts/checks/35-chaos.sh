#!/usr/bin/env bash
# The chaos test of the Rust client (core/tests/chaos.rs; issue 10): 1,040 seeded mixed
# operations from one task and from 8 concurrent tasks against the embedded emulator with
# every fault kind on ~23 % of calls, then reconciled against the server. Prints the figures
# (lost, duplicated, silent ambiguity, unexpected failures, retry budget, panics) and fails
# on any non-zero. Bounded (240 s inside the test; ~15 s here). The Python chaos test is
# python/tests/test_chaos.py (run by 70-python). Knobs: APST_CHAOS_SEED, APST_CHAOS_OPS.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
cargo test -q -p approvalstudio --test chaos -- --ignored --nocapture 2>&1 | grep -v '^$'
