#!/usr/bin/env bash
# Builds the workspace once (debug) and runs every Rust test, doc tests included.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
cargo build --workspace --all-targets
cargo test --workspace --no-fail-fast
