# Sourced by the project's scripts: where caches and tools live (outside the clone, reused
# between runs).
export APST_CACHE="${APST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/approvalstudio}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$APST_CACHE/target}"
export APST_VENV="${APST_VENV:-$APST_CACHE/venv}"
export APST_TOOLS="${APST_TOOLS:-$APST_CACHE/tools}"
export PATH="$APST_VENV/bin:$APST_TOOLS/bin:$APST_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
