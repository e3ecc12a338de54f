#!/usr/bin/env bash
# Formatting and lints of the whole workspace: rustfmt must have nothing to change and clippy
# must give no warning.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
