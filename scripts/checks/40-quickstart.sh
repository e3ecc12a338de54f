#!/usr/bin/env bash
# Runs the demo (the Python quickstart against the embedded emulator) and the Rust quickstart,
# and checks that each got through to the review link and the proof report.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
out=$(env -u APPROVALSTUDIO_URL timeout 900 bash scripts/demo.sh)
echo "$out"
grep -q "sent to buyer@example.com: http" <<<"$out"
grep -q "proof report saved to" <<<"$out"
out=$(env -u APPROVALSTUDIO_URL timeout 300 bash scripts/demo.sh --rust)
echo "$out"
grep -q "review link sent to buyer@example.com: http" <<<"$out"
grep -q "downloaded the proof report" <<<"$out"
