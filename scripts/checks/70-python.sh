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

# The wheel is abi3 for CPython >= 3.9: run the same tests on 3.9 when it is installed.
py39=""
if python3.9 -c "" >/dev/null 2>&1; then
  py39=$(command -v python3.9)
else
  for cand in "$HOME"/.pyenv/versions/3.9*/bin/python3.9; do
    [ -x "$cand" ] && py39="$cand"
  done
fi
if [ -n "$py39" ]; then
  echo "--- pytest on CPython 3.9 ($py39), same wheel"
  v39="$APST_CACHE/venv39"
  stamp39="$v39/.req-$(sha256sum ../../scripts/requirements/python.txt | cut -c1-16)"
  if [ ! -f "$stamp39" ]; then
    rm -rf "$v39"
    "$py39" -m venv "$v39"
    "$v39/bin/pip" install -q --disable-pip-version-check \
      $(grep -E '^(pytest|pytest-timeout)==' ../../scripts/requirements/python.txt)
    touch "$stamp39"
  fi
  "$v39/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
  "$v39/bin/python" -m pytest -q -p no:cacheprovider .
else
  echo "--- (CPython 3.9 not installed: the 3.9 run is skipped)"
fi

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
