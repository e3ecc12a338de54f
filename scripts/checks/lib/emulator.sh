# Sourced by the checks that talk to a running emulator (30-schemathesis, 31-curl-examples).
#   apst_emulator_start [serve flags...]   builds `approvalstudio-emulator` if needed, starts
#       `serve --port 0` on 127.0.0.1, waits for its `listening on http://127.0.0.1:PORT` line
#       (bounded), and sets APST_URL and APST_EMU_PID. An EXIT trap kills it.
#   apst_login [user] [password]           prints a bearer token (logs in with curl).
#   apst_json EXPR                         reads JSON on stdin, prints the Python expression
#       EXPR evaluated with `j` bound to it (strings bare, other values as JSON).
# Needs scripts/env.sh sourced first.

APST_EMU_PID=""
APST_EMU_LOG=""

apst_emulator_stop() {
  if [ -n "$APST_EMU_PID" ] && kill -0 "$APST_EMU_PID" 2>/dev/null; then
    kill "$APST_EMU_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$APST_EMU_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$APST_EMU_PID" 2>/dev/null || true
    wait "$APST_EMU_PID" 2>/dev/null || true
  fi
  APST_EMU_PID=""
}

apst_emulator_start() {
  local bin="$CARGO_TARGET_DIR/debug/approvalstudio-emulator"
  # A no-op when the binary is up to date (10-rust has usually built it already).
  cargo build --quiet -p approvalstudio-emulator
  APST_EMU_LOG=$(mktemp "${TMPDIR:-/tmp}/apst-emulator.XXXXXX")
  "$bin" serve --port 0 "$@" >"$APST_EMU_LOG" 2>&1 &
  APST_EMU_PID=$!
  trap 'apst_emulator_stop; rm -f "$APST_EMU_LOG"' EXIT
  # A signal ends the script through its EXIT trap, so the emulator never outlives it.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  APST_URL=""
  for _ in $(seq 1 300); do
    APST_URL=$(grep -o -m1 'listening on http://127\.0\.0\.1:[0-9]*' "$APST_EMU_LOG" | sed 's/^listening on //' || true)
    [ -n "$APST_URL" ] && break
    if ! kill -0 "$APST_EMU_PID" 2>/dev/null; then
      echo "emulator exited before listening:"; cat "$APST_EMU_LOG"; return 1
    fi
    sleep 0.1
  done
  if [ -z "$APST_URL" ]; then
    echo "emulator did not print its address within 30 s:"; cat "$APST_EMU_LOG"; return 1
  fi
  export APST_URL
}

apst_json() {
  "$APST_VENV/bin/python" -c '
import json, sys
j = json.load(sys.stdin)
v = eval(sys.argv[1], {"j": j})
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}

apst_login() {
  local user="${1:-admin@example.com}" password="${2:-admin-password}"
  curl -sS --fail-with-body --max-time 30 -X POST "$APST_URL/api/v1/token/login" \
    -H 'Content-Type: application/json' \
    -d "{\"userName\":\"$user\",\"password\":\"$password\"}" | apst_json 'j["result"]["token"]'
}
