#!/usr/bin/env bash
# The main demo: builds and runs the Rust quickstart (log in, create a project, upload a PDF,
# wait until processed, create and send a review link, download the proof report) against the
# embedded emulator, or against APPROVALSTUDIO_URL/USERNAME/PASSWORD when set.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo run -q -p approvalstudio --example quickstart -- "$@"
