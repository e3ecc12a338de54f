#!/usr/bin/env bash
# Python package (python/): builds the release abi3 wheel once with maturin (the release
# artifact; the shared CARGO_TARGET_DIR keeps it incremental), checks that it is cp39-abi3,
# installs it with `pip install ./python` (same build, cached), then runs pytest, stubtest,
# pyright (stubs, package, examples) and the Python examples against the emulator.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
PY="$APST_VENV/bin/python"
export VIRTUAL_ENV="$APST_VENV"
wheels="$APST_CACHE/python-wheels"
rm -rf "$wheels"
mkdir -p "$wheels"

echo "--- maturin build --release (abi3 wheel)"
(cd python && "$APST_VENV/bin/maturin" build --release --out "$wheels" --interpreter "$PY")
wheel=$(ls "$wheels"/approvalstudio-*.whl)
echo "built $(basename "$wheel")"
case "$(basename "$wheel")" in
  *-cp39-abi3-*.whl) ;;
  *) echo "error: the wheel is not a cp39-abi3 wheel"; exit 1 ;;
esac

echo "--- pip install ./python"
"$PY" -m pip install -q --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./python
# Run from outside the source tree so the installed package (with its native module) is used.
cd python/tests
"$PY" -c "import approvalstudio, sys; print('approvalstudio', approvalstudio.__version__, 'from', approvalstudio.__file__)"

echo "--- pytest"
"$PY" -m pytest -q -p no:cacheprovider .

echo "--- mypy.stubtest"
"$PY" -m mypy.stubtest approvalstudio --allowlist ../stubtest-allowlist.txt

echo "--- pyright"
cd ../..
"$APST_VENV/bin/pyright" --pythonpath "$PY" -p python/pyrightconfig.json

echo "--- README's Python snippet"
"$PY" - <<'PYEOF'
import re, pathlib
text = pathlib.Path("README.md").read_text()
section = text[text.index("## Python\n"):]
section = section[: section.index("\n## ", 1)]
code = "\n".join(re.findall(r"```python\n(.*?)```", section, re.S))
assert code.strip(), "no python snippet in the README's Python section"
exec(compile(code, "README.md (Python section)", "exec"), {"__name__": "__main__"})
PYEOF

echo "--- examples"
export PYTHONUNBUFFERED=1
unset APPROVALSTUDIO_URL APPROVALSTUDIO_USERNAME APPROVALSTUDIO_PASSWORD
timeout 120 "$PY" examples/python/quickstart.py
timeout 120 "$PY" examples/python/hot_folder.py
timeout 120 "$PY" examples/python/webhook_receiver.py --demo
