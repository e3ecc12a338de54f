#!/usr/bin/env bash
# Installs everything the tests, examples and benchmarks need. Idempotent: a second run only
# checks. Python tools go into a venv under $APST_CACHE, npm tools under $APST_TOOLS, cargo
# tools with pinned versions.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p "$APST_CACHE" "$APST_TOOLS"

# Debian packages (C toolchain pieces, valgrind, tools the checks call).
need_apt=()
for pkg in $(grep -v '^#' scripts/requirements/apt.txt); do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Python tools (pinned) in a venv.
req=scripts/requirements/python.txt
stamp="$APST_VENV/.req-$(sha256sum "$req" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: python venv $APST_VENV"
  python3 -m venv "$APST_VENV"
  "$APST_VENV/bin/pip" install -q --disable-pip-version-check -r "$req"
  touch "$stamp"
fi

# npm tools (pinned) under $APST_TOOLS.
if [ -s scripts/requirements/npm.txt ]; then
  npmstamp="$APST_TOOLS/.npm-$(sha256sum scripts/requirements/npm.txt | cut -c1-16)"
  if [ ! -f "$npmstamp" ]; then
    echo "setup: npm tools"
    (cd "$APST_TOOLS" && npm install --silent --no-audit --no-fund $(grep -v '^#' "$OLDPWD/scripts/requirements/npm.txt"))
    touch "$npmstamp"
  fi
fi

# cargo tools (pinned).
while read -r tool version; do
  [ -z "$tool" ] && continue
  case "$tool" in \#*) continue ;; esac
  if ! "$APST_TOOLS/bin/$tool" --version 2>/dev/null | grep -q "$version"; then
    echo "setup: cargo install $tool $version"
    cargo install --quiet --locked --root "$APST_TOOLS" "$tool" --version "$version"
  fi
done < scripts/requirements/cargo.txt
