#!/usr/bin/env bash
# The curl examples of the vendor documentation (spec/vendor-docs.txt, a copy of the seed: the
# only complete ones are GET asset, POST project/kanban/column and POST project/folder; the
# other "Curl:" captions of that page lost their command in the capture) and the README's
# "Try the emulator with curl" commands, run against a fresh emulator.
#
# The vendor commands are kept below verbatim and adapted mechanically, only in:
#   - the host: https://api.approval.studio (or http://) becomes the emulator's URL;
#   - the ids: the placeholders become real ones (a project and an asset created here with
#     curl; the kanban column and folder UIDs read from GET users);
#   - the `// ...` comments inside their JSON bodies are stripped (they are not JSON); the
#     `Content-Type: application/json-patch+json` and `accept: text/plain` headers are kept,
#     so the emulator must accept that content type;
#   - `Authorization: Bearer <token>` is added (the documentation requires it on every call but
#     leaves it out of the examples), plus curl's -sS and an output of the HTTP status.
# Last, the documented 429 response (plain text, four headers) under a quota of 2 per 1m.
# APST_VERBOSE=1 prints each adapted command. Each is run twice: with real ids (200 and the success envelope, and the effect is read back)
# and with the documentation's placeholder ids (404 and the error envelope).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
source scripts/checks/lib/emulator.sh

apst_emulator_start --processing-delay-ms 20
echo "emulator at $APST_URL"
U="$APST_URL/api/v1"
TOKEN=$(apst_login)
work=$(mktemp -d "${TMPDIR:-/tmp}/apst-curl.XXXXXX")
trap 'apst_emulator_stop; rm -rf "$work" "$APST_EMU_LOG"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# Checks a response file "<body>\n<status>": HTTP status and envelope (statusCode, message,
# version), and optionally a Python expression over the body `j`.
expect() { # NAME STATUS FILE [PY-EXPR]
  local name=$1 status=$2 file=$3 expr=${4:-True}
  if "$APST_VENV/bin/python" - "$status" "$file" "$expr" <<'PY'; then ok "$name"; else bad "$name"; fi
import json, sys
status, path, expr = int(sys.argv[1]), sys.argv[2], sys.argv[3]
text = open(path, encoding="utf-8").read().rstrip("\n")
body, _, code = text.rpartition("\n")
if int(code) != status:
    sys.exit(f"  HTTP {code}, expected {status}; body: {body[:300]}")
try:
    j = json.loads(body)
except ValueError as e:
    sys.exit(f"  body is not JSON ({e}): {body[:300]}")
problems = []
if j.get("version") != "1.0": problems.append("version is not '1.0'")
if j.get("statusCode") != status: problems.append(f"statusCode {j.get('statusCode')!r}, expected {status}")
if not isinstance(j.get("message"), str) or not j["message"]: problems.append("no message")
if not eval(expr, {"j": j}): problems.append(f"expected: {expr}")
if problems:
    sys.exit("  " + "; ".join(problems) + f"\n  body: {body[:400]}")
PY
}

# Adapts a vendor command (see the header) and runs it; output: body, newline, HTTP status.
run_vendor() { # FILE-WITH-COMMAND OUT-FILE [PLACEHOLDER=VALUE ...]
  local cmdfile=$1 out=$2; shift 2
  "$APST_VENV/bin/python" - "$cmdfile" "$APST_URL" "$@" >"$work/adapted.sh" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
base = sys.argv[2]
text = re.sub(r"https?://api\.approval\.studio", base, text)
for pair in sys.argv[3:]:
    k, v = pair.split("=", 1)
    text = re.sub(r"\b%s\b" % re.escape(k), v, text)
def strip_comment(line):
    # Drop a `//` comment that starts outside a JSON string.
    quoted = False
    for i, c in enumerate(line):
        if c == '"' and (i == 0 or line[i - 1] != "\\"):
            quoted = not quoted
        elif c == "/" and not quoted and line[i:i + 2] == "//":
            return line[:i].rstrip()
    return line
head, sep, body = text.partition("-d '")
if sep:
    body = "\n".join(strip_comment(l) for l in body.split("\n"))
text = head + sep + body
text = text.rstrip() + " \\\n  -sS --max-time 30 -H \"Authorization: Bearer $TOKEN\" -w '\\n%{http_code}\\n'\n"
print(text)
PY
  [ -n "${APST_VERBOSE:-}" ] && cat "$work/adapted.sh"
  TOKEN=$TOKEN bash "$work/adapted.sh" >"$out" || true
}

# --- ids: a project and an asset created with curl; column and folder from GET users ----------
users=$(curl -sS --fail-with-body "$U/users" -H "Authorization: Bearer $TOKEN")
OWNER=$(apst_json 'j["result"][0]["users"][0]["userUID"]' <<<"$users")
COLUMN=$(apst_json 'j["result"][0]["kanbanColumns"][-1]["kanbanColumnUID"]' <<<"$users")
FOLDER=$(apst_json 'j["result"][0]["folders"][-1]["folderUID"]' <<<"$users")
curl -sS -X POST "$U/project" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"projectName\":\"Curl examples\",\"projectOwnersUIDS\":[\"$OWNER\"]}" -w '\n%{http_code}\n' >"$work/project.out"
expect "POST project (fixture)" 200 "$work/project.out" 'j["result"]["projectUID"]'
PROJECT=$(head -n1 "$work/project.out" | apst_json 'j["result"]["projectUID"]')
printf 'hello from the curl check\n' >"$work/notes.txt"
curl -sS -X POST "$U/asset/upload?ProjectUID=$PROJECT" -H "Authorization: Bearer $TOKEN" \
  -F "FileName=@$work/notes.txt;filename=notes.txt" -w '\n%{http_code}\n' >"$work/upload.out"
expect "POST asset/upload (fixture)" 200 "$work/upload.out" 'j["result"]["assetUID"]'
ASSET=$(head -n1 "$work/upload.out" | apst_json 'j["result"]["assetUID"]')

# --- the vendor examples, verbatim ----------------------------------------------------------
cat >"$work/get-asset.curl" <<'VENDOR'
curl -X GET "http://api.approval.studio/api/v1/asset?AssetUID=XXXXXXX" -H "accept: text/plain"
VENDOR
cat >"$work/kanban.curl" <<'VENDOR'
curl -X 'POST' \
'https://api.approval.studio/api/v1/project/kanban/column' \
-H 'accept: text/plain' \
-H 'Content-Type: application/json-patch+json' \
-d '{
"projectUID": "XXXXXXXXXX", // ProjectUID as is throughout the system.
"kanbanColumnUID": "asdFxQ" // A valid kanban column UID.
}'
VENDOR
cat >"$work/folder.curl" <<'VENDOR'
curl -X 'POST' \
'https://api.approval.studio/api/v1/project/folder' \
-H 'accept: text/plain' \
-H 'Content-Type: application/json-patch+json' \
-d '{
"projectUID": "XXXXXXXXXX", // ProjectUID as is throughout the system.
"folderUID": "49lu" // A valid folder UID.
}'
VENDOR

run_vendor "$work/get-asset.curl" "$work/o1" "XXXXXXX=$ASSET"
expect "vendor GET asset" 200 "$work/o1" "j['result']['assetUID'] == '$ASSET' and j['result']['name'] == 'notes.txt' and j['result']['version'] == 1"
run_vendor "$work/get-asset.curl" "$work/o2"
expect "vendor GET asset, placeholder id" 404 "$work/o2"

run_vendor "$work/kanban.curl" "$work/o3" "XXXXXXXXXX=$PROJECT" "asdFxQ=$COLUMN"
expect "vendor POST project/kanban/column" 200 "$work/o3"
run_vendor "$work/kanban.curl" "$work/o4"
expect "vendor POST project/kanban/column, placeholder ids" 404 "$work/o4"

run_vendor "$work/folder.curl" "$work/o5" "XXXXXXXXXX=$PROJECT" "49lu=$FOLDER"
expect "vendor POST project/folder" 200 "$work/o5"
run_vendor "$work/folder.curl" "$work/o6"
expect "vendor POST project/folder, placeholder ids" 404 "$work/o6"

# The moves took effect.
curl -sS "$U/project?ProjectUID=$PROJECT" -H "Authorization: Bearer $TOKEN" -w '\n%{http_code}\n' >"$work/o7"
expect "project is in the column and folder" 200 "$work/o7" \
  "j['result'][0]['kanbanColumnUID'] == '$COLUMN' and j['result'][0]['folderUID'] == '$FOLDER'"

# --- the README's commands ---------------------------------------------------------------------
# The sh block under "## Try the emulator with curl", adapted in the host only; the lines that
# build, start and stop the emulator are skipped (this check started its own).
"$APST_VENV/bin/python" - README.md "$APST_URL" >"$work/readme.sh" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^## Try the emulator with curl\n.*?^```sh\n(.*?)^```", text, re.M | re.S)
if not m:
    sys.exit("README has no '## Try the emulator with curl' sh block")
lines = [l for l in m.group(1).splitlines()
         if not re.search(r"cargo build|approvalstudio-emulator\" serve|^kill %1", l)]
print("set -euo pipefail")
print("\n".join(lines).replace("http://127.0.0.1:8080", sys.argv[2]))
PY
if timeout 120 bash "$work/readme.sh" >"$work/readme.out" 2>&1 && "$APST_VENV/bin/python" - "$work/readme.out" <<'PY'; then
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(docs) == 2, f"expected 2 JSON outputs, got {len(docs)}"
created, listed = docs
assert created["statusCode"] == 200 and created["result"]["projectUID"], created
names = [p.get("name") or p.get("projectName") for p in listed["result"]]
assert listed["statusCode"] == 200 and "Carton 330ml" in names, listed
PY
  ok "README commands"
else
  bad "README commands"; cat "$work/readme.out"
fi

# --- the documented 429 ------------------------------------------------------------------------
# "Status Code: 429, Retry-After: 58, Content: API calls quota exceeded! maximum admitted 2 per
# 1m." and the X-Rate-Limit-* headers: a second emulator with that quota, three calls.
apst_emulator_stop
apst_emulator_start --quota 2/1m
trap 'apst_emulator_stop; rm -rf "$work" "$APST_EMU_LOG"' EXIT
for i in 1 2 3; do
  curl -sS --max-time 30 -D "$work/h$i" -o "$work/b$i" "$APST_URL/api/v1/token/validate" -H "Authorization: Bearer x"
done
if "$APST_VENV/bin/python" - "$work" <<'PY'; then ok "documented 429 (quota 2 per 1m)"; else bad "documented 429 (quota 2 per 1m)"; fi
import re, sys
d = sys.argv[1]
def parse(i):
    lines = open(f"{d}/h{i}", encoding="latin-1").read().splitlines()
    status = int(lines[0].split()[1])
    h = {}
    for l in lines[1:]:
        if ":" in l:
            k, v = l.split(":", 1)
            h[k.strip().lower()] = v.strip()
    return status, h, open(f"{d}/b{i}", encoding="utf-8").read()
s1, h1, _ = parse(1)
s3, h3, b3 = parse(3)
problems = []
if s1 != 401: problems.append(f"first call: {s1}, expected 401 (bad token, within quota)")
if h1.get("x-rate-limit-limit") != "1m" or h1.get("x-rate-limit-remaining") != "1":
    problems.append(f"first call's X-Rate-Limit headers: {h1}")
if s3 != 429: problems.append(f"third call: {s3}, expected 429")
if not h3.get("content-type", "").startswith("text/plain"): problems.append(f"429 content type {h3.get('content-type')}")
if b3.strip() != "API calls quota exceeded! maximum admitted 2 per 1m.": problems.append(f"429 body {b3!r}")
if not re.fullmatch(r"\d+", h3.get("retry-after", "")) or not 0 < int(h3["retry-after"]) <= 60:
    problems.append(f"Retry-After {h3.get('retry-after')!r}")
if h3.get("x-rate-limit-limit") != "1m" or h3.get("x-rate-limit-remaining") != "0":
    problems.append(f"429 X-Rate-Limit-Limit/Remaining {h3}")
if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", h3.get("x-rate-limit-reset", "")):
    problems.append(f"X-Rate-Limit-Reset {h3.get('x-rate-limit-reset')!r} is not ISO 8601 UTC")
if problems:
    sys.exit("  " + "\n  ".join(problems))
PY

exit $fail
