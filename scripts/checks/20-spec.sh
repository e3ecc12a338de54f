#!/usr/bin/env bash
# The API contract: spec/openapi.yaml must be a valid OpenAPI document (openapi-spec-validator,
# pinned in scripts/requirements/python.txt) and must describe exactly the 44 operations of
# API-NOTES.md, each with a unique operationId, as listed in the comment at its top.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
"$APST_VENV/bin/openapi-spec-validator" spec/openapi.yaml
"$APST_VENV/bin/python" - spec/openapi.yaml <<'PY'
import re, sys, yaml
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
spec = yaml.safe_load(text)
ops = []
for p, item in spec["paths"].items():
    for method, op in item.items():
        if method in ("get", "post", "put", "delete", "patch"):
            ops.append((method.upper(), p, op.get("operationId")))
errors = []
if len(ops) != 44:
    errors.append(f"expected 44 operations, found {len(ops)}")
ids = [o[2] for o in ops]
if None in ids:
    errors.append("operations without operationId: %s" % [o for o in ops if o[2] is None])
if len(set(ids)) != len(ids):
    errors.append("duplicate operationIds")
# The comment at the top lists every operation: it must match the paths.
listed = set(re.findall(r"^#\s+\d+\s+(GET|POST|PUT|DELETE)\s+(\S+)\s+\[(\w+)\]", text, re.M))
actual = set(ops)
if listed != actual:
    errors.append(f"header comment and paths differ: only in comment {sorted(listed - actual)}, only in paths {sorted(actual - listed)}")
# Every operation documents 401 (except login) and 429, and every 2xx is JSON or binary.
for method, p, oid in ops:
    responses = spec["paths"][p][method.lower()]["responses"]
    if "429" not in responses:
        errors.append(f"{oid}: no 429 response")
    if oid != "tokenLogin" and "401" not in responses:
        errors.append(f"{oid}: no 401 response")
if errors:
    print("spec check failed:\n  " + "\n  ".join(errors))
    sys.exit(1)
print(f"spec: {len(ops)} operations, all listed, all with operationId, 401 and 429")
PY
