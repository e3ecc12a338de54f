#!/usr/bin/env bash
# Runs the demo (Rust quickstart against the embedded emulator) and checks its output.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
out=$(env -u APPROVALSTUDIO_URL timeout 300 bash scripts/demo.sh)
echo "$out"
grep -q "review link sent to buyer@example.com: http" <<<"$out"
grep -q "downloaded the proof report" <<<"$out"
