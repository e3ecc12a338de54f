#!/usr/bin/env bash
# Contract check of the client: the Rust integration tests of every operation run with their
# JSON API traffic through Prism's validation proxy (spec/openapi.yaml, --errors) in front of
# the emulator. Any request or response violation fails the test that caused it. Binary
# upload/download bodies and control-API calls go straight to the emulator (Prism corrupts
# binary bodies).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
command -v prism >/dev/null || { echo "prism not found: run scripts/setup.sh"; exit 1; }
APST_PRISM=1 timeout 900 cargo test -q -p approvalstudio --test operations -- --test-threads=2
