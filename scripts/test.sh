#!/usr/bin/env bash
# The test command: installs what the project needs (idempotently), builds once, and runs every
# check in scripts/checks/ in order. Each check is a script that exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
failed=()
passed=0
for check in scripts/checks/[0-9]*.sh; do
  name=$(basename "$check" .sh)
  echo "::: $name"
  start=$SECONDS
  if bash "$check"; then
    echo "::: $name ok ($((SECONDS - start)) s)"
    passed=$((passed + 1))
  else
    echo "::: $name FAILED ($((SECONDS - start)) s)"
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed checks: ${failed[*]}"
fi
echo "checks: $passed passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
