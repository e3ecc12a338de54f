#!/usr/bin/env bash
# The emulator against the contract: schemathesis (pinned in scripts/requirements/python.txt)
# runs every operation of spec/openapi.yaml against a freshly started emulator, as the seeded
# admin, and must report 0 failures.
#
# Fixtures: random UIDs only ever reach the "not found" branches, so before the run this script
# creates real resources with curl (five projects, two of them Completed; processed assets; a
# reference file and a URL; upload, review and external-review tasks; annotations, one written
# by another user, and a comment; metadata; webhooks) and binds them to the UID parameters and
# body fields (schemathesis dictionaries, probability 0.7-0.9: the rest stays random; 1.0 for
# the destructive operations, see below).
# Operations thus reach their 200 branches and their state rules (406/410/412) too, and the
# response schemas are checked on real records. What a deleting operation may destroy is a
# separate "doomed" fixture, so the others survive the run. Source URLs of upload_url and
# webhook URLs are always bound to 127.0.0.1 (probability 1): the emulator fetches and posts to
# them, and a test must not send traffic to random hosts. At the end the emulator's request
# journal gives the HTTP statuses reached per operation (informational).
# Pass 2 sets a quota of 1 call per hour, spends it, and runs every operation again (2 cases
# each): all 44 must answer the documented 429 (plain text, Retry-After and X-Rate-Limit-*).
#
# Phases: examples, coverage and fuzzing in one run, then the stateful phase on its own: it
# follows the spec's OpenAPI links (every create operation links to the operations that read,
# change or delete what it created; 20-spec.sh checks them), and its test-case count, scenario
# count and links covered are printed ("stateful phase: N test cases ...").
#
# Checks, and why (all of schemathesis' built-in checks run; configured in schemathesis.toml):
#   not_a_server_error, status_code_conformance, content_type_conformance,
#   response_headers_conformance, response_schema_conformance: the contract itself, for
#     positive and negative (schema-violating) inputs alike.
#   positive_data_acceptance: a schema-valid request must not get a 400 (nor a 5xx). Its
#     expected statuses add 406/410/412 to schemathesis' 2xx/401/403/404/429: a valid request
#     against a stateful service legitimately meets the state rules (read-only project, closed
#     task, an owner's rule), and those are answers about the state, not about the request.
#   negative_data_rejection: a schema-violating request must be refused (400, or a state rule
#     met first: 404/406/410/412); never a 2xx or 5xx. Left out for the four multipart uploads
#     only (asset/upload, asset/upload_url, refdoc/upload, refdoc/upload_url): the one
#     violation their form can carry is an extra part, and the service's form binder ignores
#     unknown parts (so does the emulator; the contract admits none, additionalProperties:
#     false, because a part named with control characters breaks the multipart body). Their
#     query parameters' violations still run under every other check.
#   use_after_free, ensure_resource_availability: in the stateful phase, a deleted resource
#     must be gone (404) and a created one readable.
#   ignored_auth: every operation but login must answer 401 without a valid token.
#   unsupported_method, allow_header_conformance: undeclared methods get 405 with `Allow`.
#   missing_required_header: (no header parameter is declared; kept for completeness).
#   object_level_authorization: runs, but finds nothing to compare: the emulator has one
#     tenant, and the contract defines no second one.
# Fixtures of destructive operations (state changes, deletions) are their own ("doomed"),
# bound with probability 1.0 to those operations and to an unknown UID for their 404 branch, so
# no shared fixture is deleted or closed mid-run; P4 is a Completed (read-only) shared fixture.
# One worker: with two, CPython 3.11's ast.parse (hypothesis describes lambdas with it) raises a
# spurious "SystemError: AST constructor recursion depth mismatch" from concurrent threads
# (python/cpython#106905).
# Knobs: APST_ST_EXAMPLES (default 25 per operation), APST_ST_STATEFUL_EXAMPLES (default 300
# stateful scenarios' budget), APST_ST_PHASES (default examples,coverage,fuzzing,stateful),
# APST_ST_SEED (default 20260101), APST_ST_CHECKS (comma-separated: only those checks),
# APST_SPEC (another spec file), APST_ST_KEEP=1 (keep the scratch dir with reports and logs).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
source scripts/checks/lib/emulator.sh

apst_emulator_start --processing-delay-ms 20
echo "emulator at $APST_URL"
U="$APST_URL/api/v1"
TOKEN=$(apst_login)
AUTH=(-H "Authorization: Bearer $TOKEN")
work=$(mktemp -d "${TMPDIR:-/tmp}/apst-st.XXXXXX")
trap 'apst_emulator_stop; rm -rf "$work" "$APST_EMU_LOG"' EXIT

call() { # METHOD PATH [curl args...] -> prints the body; fails unless HTTP 200
  local method=$1 path=$2; shift 2
  curl -sS --fail-with-body --max-time 30 -X "$method" "$U/$path" "${AUTH[@]}" "$@"
}
post_json() { call POST "$1" -H 'Content-Type: application/json' -d "$2"; }

# --- fixtures -------------------------------------------------------------------------------
users=$(call GET users)
ADMIN=$(apst_json 'next(u["userUID"] for c in j["result"] for u in c["users"] if u["email"]=="admin@example.com")' <<<"$users")
REVIEWER=$(apst_json 'next(u["userUID"] for c in j["result"] for u in c["users"] if u["email"]!="admin@example.com")' <<<"$users")
CLIENT=$(apst_json 'j["result"][0]["clientUID"]' <<<"$users")
TEMPLATE=$(apst_json 'j["result"][0]["templates"][0]["templateUID"]' <<<"$users")
COLUMNS=$(apst_json '[c["kanbanColumnUID"] for c in j["result"][0]["kanbanColumns"]]' <<<"$users")
FOLDERS=$(apst_json '[f["folderUID"] for f in j["result"][0]["folders"]]' <<<"$users")

new_project() {
  post_json project "{\"projectName\":\"$1\",\"customer\":\"ACME\",\"tags\":[\"st\"],\"projectOwnersUIDS\":[\"$ADMIN\"]}" \
    | apst_json 'j["result"]["projectUID"]'
}
P1=$(new_project "schemathesis fixture 1")
P2=$(new_project "schemathesis fixture 2")
P3=$(new_project "schemathesis doomed 3")   # for state changes and deletion only
P4=$(new_project "schemathesis completed 4")   # read-only: every write must answer 406/412/404
call PUT project/state -H 'Content-Type: application/json' -d "{\"projectUID\":\"$P4\",\"state\":\"Completed\"}" >/dev/null
P5=$(new_project "schemathesis doomed 5")     # completed, for deletion only
call PUT project/state -H 'Content-Type: application/json' -d "{\"projectUID\":\"$P5\",\"state\":\"Completed\"}" >/dev/null
NOPE=0123456789ABCDEF0123456789ABCDEF         # an unknown UID: the doomed bindings' 404 branch

# A tiny PNG (4x4, RGB) to upload.
"$APST_VENV/bin/python" - "$work/pixel.png" <<'PY'
import struct, sys, zlib
w = h = 4
raw = b"".join(b"\x00" + b"\x80\x40\x20" * w for _ in range(h))
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
upload() { call POST "asset/upload?ProjectUID=$1" -F "FileName=@$work/pixel.png;filename=$2" | apst_json 'j["result"]["assetUID"]'; }
A1=$(upload "$P1" artwork-1.png)
A2=$(upload "$P1" artwork-2.png)
A3=$(upload "$P2" artwork-3.png)
A4=$(upload "$P1" doomed-4.png)
for a in "$A1" "$A2" "$A3" "$A4"; do
  for _ in $(seq 1 100); do
    st=$(call GET "asset?AssetUID=$a" | apst_json 'j["result"]["status"]')
    [ "$st" = Processed ] && break
    [ "$st" = Failed ] && { echo "fixture asset $a failed to process"; exit 1; }
    sleep 0.1
  done
  [ "$st" = Processed ] || { echo "fixture asset $a not processed in 10 s (status $st)"; exit 1; }
done
THUMB=$(call GET "asset?AssetUID=$A1" | apst_json 'j["result"]["thumbnailUrl"]')
add_url() { post_json refdoc/add_url "{\"projectUID\":\"$1\",\"url\":\"https://example.com/brief\",\"name\":\"$2\"}" | apst_json 'j["result"]["refDocUID"]'; }
R1=$(add_url "$P1" Brief)
R2=$(call POST "refdoc/upload?ProjectUID=$P1" -F "FileName=@$work/pixel.png;filename=reference.png" | apst_json 'j["result"]["refDocUID"]')
R3=$(add_url "$P1" Doomed)
task() { post_json "task/$1" "$2" | apst_json 'j["result"]["taskUID"]'; }
T1=$(task review_asset "{\"projectUID\":\"$P1\",\"userUID\":\"$ADMIN\",\"assetUIDs\":[\"$A1\"]}")
T2=$(task asset_upload "{\"projectUID\":\"$P1\",\"userUID\":\"$ADMIN\"}")
T3=$(task review_asset_ext "{\"projectUID\":\"$P1\",\"email\":\"guest@example.org\",\"assetUIDs\":[\"$A2\"]}")
T4=$(task refdoc_upload "{\"projectUID\":\"$P2\",\"userUID\":\"$REVIEWER\"}")
T5=$(task asset_upload "{\"projectUID\":\"$P2\",\"userUID\":\"$REVIEWER\"}")
T6=$(task asset_upload "{\"projectUID\":\"$P2\",\"userUID\":\"$ADMIN\"}")
T7=$(task refdoc_upload "{\"projectUID\":\"$P1\",\"userUID\":\"$ADMIN\"}")
T8=$(task review_asset "{\"projectUID\":\"$P2\",\"userUID\":\"$REVIEWER\",\"assetUIDs\":[\"$A3\"]}")
annotate() { post_json annotation "$1" | apst_json 'j["result"]["annotationUID"]'; }
N1=$(annotate "{\"assetUID\":\"$A1\",\"text\":\"Logo too small\",\"page\":0,\"region\":{\"x\":1,\"y\":1,\"width\":2,\"height\":2}}")
N2=$(annotate "{\"assetUID\":\"$A1\",\"text\":\"Agreed\",\"parentUID\":\"$N1\"}")
N3=$(annotate "{\"assetUID\":\"$A3\",\"text\":\"Doomed\"}")
# One written by the reviewer: the admin may not hide (406) or delete (412) it.
RTOKEN=$(apst_login reviewer@example.com reviewer-password)
N4=$(curl -sS --fail-with-body --max-time 30 -X POST "$U/annotation" -H "Authorization: Bearer $RTOKEN" \
  -H 'Content-Type: application/json' -d "{\"assetUID\":\"$A1\",\"text\":\"Reviewer's note\"}" | apst_json 'j["result"]["annotationUID"]')
post_json project/meta "{\"projectUID\":\"$P1\",\"key\":\"order\",\"value\":\"PO-1\"}" >/dev/null
post_json project/meta "{\"projectUID\":\"$P1\",\"key\":\"doomed\",\"value\":\"x\"}" >/dev/null
hook() { post_json webhook "{\"url\":\"$1\"}" | apst_json 'j["result"]["webhookUID"]'; }
W1=$(hook http://127.0.0.1:9/fixture-hook)
W2=$(hook http://127.0.0.1:9/doomed-hook)

# Resources that deleting operations may destroy are kept apart ("doomed") so that the others
# stay available to the rest of the run; operation-scoped bindings win over the global ones.
q() { printf '"%s",' "$@" | sed 's/,$//'; }
cat >"$work/schemathesis.toml" <<TOML
[generation]
database = "none"

# The stateful phase: scenarios that follow the spec's links (create, then read, change or
# delete what was created).
[phases.stateful.generation]
max-examples = ${APST_ST_STATEFUL_EXAMPLES:-300}

# Schema-valid requests may meet the service's state rules (unknown or deleted UIDs, read-only
# projects, closed tasks, an owner's rule): 404/406/410/412 are acceptance of the request's
# form; a 400 (or a 5xx) is not.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "406", "410", "412", "429"]

# Schema-violating requests must be refused: a 400, or a state rule met first (the service
# looks the UIDs up before it reads the rest); never a 2xx, never a 5xx.
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "410", "412", "413", "415", "422", "429"]

[dictionaries]
projects = { values = [$(q "$P1" "$P2" "$P4")] }
doomed-projects = { values = [$(q "$P3" "$P5" "$NOPE")] }
assets = { values = [$(q "$A1" "$A2" "$A3")] }
doomed-assets = { values = [$(q "$A4" "$NOPE")] }
tasks = { values = [$(q "$T1" "$T2" "$T3" "$T4")] }
asset-upload-tasks = { values = [$(q "$T2")] }
refdoc-upload-tasks = { values = [$(q "$T4")] }
completable-tasks = { values = [$(q "$T1" "$T2" "$T3" "$T4" "$T6" "$T7" "$T8")] }
doomed-tasks = { values = [$(q "$T5" "$NOPE")] }
annotations = { values = [$(q "$N1" "$N2" "$N4")] }
doomed-annotations = { values = [$(q "$N3" "$N4" "$NOPE")] }
refdocs = { values = [$(q "$R1" "$R2")] }
doomed-refdocs = { values = [$(q "$R3" "$NOPE")] }
webhooks = { values = [$(q "$W1")] }
doomed-webhooks = { values = [$(q "$W2" "$NOPE")] }
users = { values = [$(q "$ADMIN" "$REVIEWER")] }
clients = { values = [$(q "$CLIENT")] }
templates = { values = [$(q "$TEMPLATE")] }
columns = { values = $COLUMNS }
folders = { values = $FOLDERS }
metakeys = { values = ["order", "doomed"] }
sources = { values = [$(q "$THUMB")] }
hooks = { values = ["http://127.0.0.1:9/hook-a", "http://127.0.0.1:9/hook-b", "http://127.0.0.1:9/fixture-hook"] }

[parameters]
"query.ProjectUID" = { dictionary = "projects", probability = 0.7 }
"body.projectUID" = { dictionary = "projects", probability = 0.7 }
"body.ProjectUID" = { dictionary = "projects", probability = 0.7 }
"query.AssetUID" = { dictionary = "assets", probability = 0.7 }
"body.assetUID" = { dictionary = "assets", probability = 0.7 }
"body.assetUIDs[*]" = { dictionary = "assets", probability = 0.8 }
"query.TaskUID" = { dictionary = "tasks", probability = 0.7 }
"body.taskUID" = { dictionary = "tasks", probability = 0.7 }
"body.TaskUID" = { dictionary = "tasks", probability = 0.7 }
"query.AnnotationUID" = { dictionary = "annotations", probability = 0.7 }
"body.annotationUID" = { dictionary = "annotations", probability = 0.7 }
"body.parentUID" = { dictionary = "annotations", probability = 0.8 }
"query.RefDocUID" = { dictionary = "refdocs", probability = 0.7 }
"query.WebhookUID" = { dictionary = "webhooks", probability = 0.7 }
"body.userUID" = { dictionary = "users", probability = 0.8 }
"body.projectOwnersUIDS[*]" = { dictionary = "users", probability = 0.9 }
"body.clientUID" = { dictionary = "clients", probability = 0.9 }
"body.templateUID" = { dictionary = "templates", probability = 0.9 }
"body.kanbanColumnUID" = { dictionary = "columns", probability = 0.8 }
"body.folderUID" = { dictionary = "folders", probability = 0.9 }
"query.Key" = { dictionary = "metakeys", probability = 0.7 }
"query.URL" = { dictionary = "sources", probability = 1.0 }
"body.URL" = { dictionary = "sources", probability = 1.0 }
"body.url" = { dictionary = "hooks", probability = 1.0 }

[[operations]]
include-operation-id = "projectSetState"
parameters = { "body.projectUID" = { dictionary = "doomed-projects", probability = 1.0 } }

[[operations]]
include-operation-id = "projectDelete"
parameters = { "query.ProjectUID" = { dictionary = "doomed-projects", probability = 1.0 } }

[[operations]]
include-operation-id = "assetDelete"
parameters = { "query.AssetUID" = { dictionary = "doomed-assets", probability = 1.0 } }

[[operations]]
include-operation-id = "taskDelete"
parameters = { "query.TaskUID" = { dictionary = "doomed-tasks", probability = 1.0 } }

[[operations]]
include-operation-id = "annotationDelete"
parameters = { "query.AnnotationUID" = { dictionary = "doomed-annotations", probability = 1.0 } }

[[operations]]
include-operation-id = "refdocDelete"
parameters = { "query.RefDocUID" = { dictionary = "doomed-refdocs", probability = 1.0 } }

[[operations]]
include-operation-id = "webhookDelete"
parameters = { "query.WebhookUID" = { dictionary = "doomed-webhooks", probability = 1.0 } }

[[operations]]
include-operation-id-regex = "^(assetUpload|assetUploadUrl)$"
checks = { negative_data_rejection = { enabled = false } }
parameters = { "query.TaskUID" = { dictionary = "asset-upload-tasks", probability = 0.3 }, "body.TaskUID" = { dictionary = "asset-upload-tasks", probability = 0.3 } }

[[operations]]
include-operation-id-regex = "^(refdocUpload|refdocUploadUrl)$"
checks = { negative_data_rejection = { enabled = false } }
parameters = { "query.ProjectUID" = { dictionary = "projects", probability = 0.9 }, "query.TaskUID" = { dictionary = "refdoc-upload-tasks", probability = 0.2 }, "body.TaskUID" = { dictionary = "refdoc-upload-tasks", probability = 0.2 } }

[[operations]]
include-operation-id = "taskComplete"
parameters = { "body.taskUID" = { dictionary = "completable-tasks", probability = 0.9 } }
TOML

# --- the run ----------------------------------------------------------------------------------
# Every built-in check runs (see the header), configured in schemathesis.toml above;
# APST_ST_CHECKS=a,b,... runs only those instead.
checks_args=()
[ -n "${APST_ST_CHECKS:-}" ] && checks_args=(--checks "$APST_ST_CHECKS")
spec_file=$(realpath "${APST_SPEC:-spec/openapi.yaml}")
st_pid=""
trap 'kill "$st_pid" 2>/dev/null || true; apst_emulator_stop; [ -n "${APST_ST_KEEP:-}" ] || rm -rf "$work"; rm -f "$APST_EMU_LOG"' EXIT
# Runs schemathesis over PHASES with a JSON report at $work/report-NAME.json and its output
# teed to $work/NAME.log. Run from the scratch directory (schemathesis keeps a `.schemathesis/`
# cache in its cwd), in the background so that a signal reaches the traps at once: they stop
# schemathesis and the emulator.
run_st() { # NAME PHASES
  local name=$1 phases=$2 rc=0
  (cd "$work" && exec timeout 900 "$APST_VENV/bin/st" --no-color --config-file "$work/schemathesis.toml" run "$spec_file" \
    --url "$APST_URL" \
    -H "Authorization: Bearer $TOKEN" \
    "${checks_args[@]}" \
    --phases "$phases" \
    --max-examples "${APST_ST_EXAMPLES:-25}" \
    --seed "${APST_ST_SEED:-20260101}" \
    --workers 1 \
    --request-timeout 20 \
    --suppress-health-check all \
    --report json --report-json-path "$work/report-$name.json" \
    --warnings off >"$work/$name.log" 2>&1) &
  st_pid=$!
  wait "$st_pid" || rc=$?
  st_pid=""
  cat "$work/$name.log"
  return "$rc"
}
st_rc=0
phases=${APST_ST_PHASES:-examples,coverage,fuzzing,stateful}
# The stateless phases, then the stateful one on its own (so its case count is its own).
stateless=$(tr ',' '\n' <<<"$phases" | grep -v '^stateful$' | paste -sd, || true)
[ -n "$stateless" ] && { run_st stateless "$stateless" || st_rc=$?; }
if grep -qx stateful <(tr ',' '\n' <<<"$phases"); then
  run_st stateful stateful || st_rc=$?
  "$APST_VENV/bin/python" - "$work/report-stateful.json" "$work/stateful.log" <<'PY' || st_rc=1
import json, re, sys
r = json.load(open(sys.argv[1]))
log = open(sys.argv[2], encoding="utf-8", errors="replace").read()
scen = re.search(r"Scenarios:\s+(\d+)", log)
links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", log)
cases = r["test_cases"]["generated"]
print(f"stateful phase: {cases} test cases in {scen.group(1) if scen else '?'} scenarios, "
      f"links {links.group(1) + ' of ' + links.group(2) if links else '?'} covered, "
      f"{r['test_cases']['with_failures']} with failures")
if cases == 0 or not links or int(links.group(1)) == 0:
    sys.exit("the stateful phase ran no case over the links")
PY
fi

# --- what the run reached: HTTP statuses per operation, from the emulator's request journal -----
# (informational: an operation that never reached a 2xx is listed at the end)
curl -sS --max-time 30 "$APST_URL/_emulator/requests" >"$work/journal.json"
"$APST_VENV/bin/python" - spec/openapi.yaml "$work/journal.json" <<'PY'
import collections, json, sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
ops = [(m.upper(), p) for p, item in spec["paths"].items() for m in item if m in ("get", "post", "put", "delete")]
seen = collections.defaultdict(collections.Counter)
rows = json.load(open(sys.argv[2]))
for r in rows:
    seen[(r["method"], r["path"])][r["status"]] += 1
print(f"statuses reached per operation ({len(rows)} requests in the journal, fixtures included):")
no_2xx = []
for m, p in ops:
    c = seen.get((m, p), collections.Counter())
    print(f"  {m:6} {p:32} " + " ".join(f"{s}x{n}" for s, n in sorted(c.items())))
    if not any(200 <= s < 300 for s in c):
        no_2xx.append(f"{m} {p}")
undeclared = sum(n for (m, p), c in seen.items() if (m, p) not in ops for n in c.values())
print(f"  (undeclared methods and paths: {undeclared} requests)")
print("operations without any 2xx: " + (", ".join(no_2xx) if no_2xx else "none"))
PY
[ "$st_rc" -eq 0 ] || exit "$st_rc"

# --- pass 2: the documented 429 on every operation ----------------------------------------------
# A quota of 1 call per hour, already spent: every operation must answer the documented 429
# (text/plain body, Retry-After and the three X-Rate-Limit-* headers, all required in the spec).
echo "pass 2: quota exhausted (1 per 1h), every operation must answer the documented 429"
curl -sS --fail-with-body --max-time 30 -X POST "$APST_URL/_emulator/config" -H 'Content-Type: application/json' \
  -d '{"quota":{"limit":1,"period":"1h"}}' >/dev/null
call GET token/validate >/dev/null   # spends the one call
curl -sS --fail-with-body --max-time 30 -X DELETE "$APST_URL/_emulator/requests" >/dev/null
(cd "$work" && exec timeout 600 "$APST_VENV/bin/st" --no-color run "$spec_file" \
  --url "$APST_URL" \
  -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --phases fuzzing \
  --max-examples 2 \
  --seed "${APST_ST_SEED:-20260101}" \
  --workers 1 \
  --request-timeout 20 \
  --suppress-health-check all \
  --warnings off >"$work/pass2.log" 2>&1) &
st_pid=$!
wait "$st_pid" || st_rc=$?
grep -E "generated|issues found|failures? in|errors? in" "$work/pass2.log" || true
[ "$st_rc" -eq 0 ] || { cat "$work/pass2.log"; exit "$st_rc"; }
curl -sS --max-time 30 "$APST_URL/_emulator/requests" >"$work/journal2.json"
"$APST_VENV/bin/python" - spec/openapi.yaml "$work/journal2.json" <<'PY'
import collections, json, sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
ops = [(m.upper(), p) for p, item in spec["paths"].items() for m in item if m in ("get", "post", "put", "delete")]
seen = collections.defaultdict(collections.Counter)
for r in json.load(open(sys.argv[2])):
    seen[(r["method"], r["path"])][r["status"]] += 1
bad = [f"{m} {p}: {dict(seen[(m, p)])}" for m, p in ops if set(seen[(m, p)]) != {429}]
if bad:
    sys.exit("operations without a 429 (or with other statuses) under the exhausted quota:\n  " + "\n  ".join(bad))
print(f"pass 2: all {len(ops)} operations answered 429 ({sum(sum(c.values()) for c in seen.values())} requests)")
PY
