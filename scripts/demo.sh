#!/usr/bin/env bash
# The main demo: the Python quickstart (examples/python/quickstart.py: log in, create a
# project, upload a PDF, wait until processed, create and send a review link, download the
# proof report) against the embedded emulator, or against APPROVALSTUDIO_URL/USERNAME/PASSWORD
# when set. Installs what it needs first (scripts/setup.sh, then `pip install ./python` into
# the project's venv). `bash scripts/demo.sh --rust` runs the Rust quickstart instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ "${1:-}" = "--rust" ]; then
  shift
  exec cargo run -q -p approvalstudio --example quickstart -- "$@"
fi
bash scripts/setup.sh
echo "demo: building and installing the approvalstudio Python package (first run: a few minutes)"
VIRTUAL_ENV="$APST_VENV" "$APST_VENV/bin/python" -m pip install -q --disable-pip-version-check \
  --no-build-isolation --no-deps ./python
exec "$APST_VENV/bin/python" examples/python/quickstart.py "$@"
