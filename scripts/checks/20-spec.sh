#!/usr/bin/env bash
# The API contract: spec/openapi.yaml must be a valid OpenAPI document (openapi-spec-validator,
# pinned in scripts/requirements/python.txt) and must describe exactly the 44 operations of
# docs/API-NOTES.md, each with a unique operationId, as listed in the comment at its top. Its
# OpenAPI links (followed by schemathesis' stateful phase) must be sound: every create
# operation has links, each to an existing operation, with parameters the target declares and
# request-body fields its body schema has.
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
# Links.
by_id = {op.get("operationId"): (p, m, op) for p, item in spec["paths"].items() for m, op in item.items() if isinstance(op, dict)}
def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        cur = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            cur = cur[part]
        node = cur
    return node
def props(schema):
    schema = resolve(schema)
    out = set(schema.get("properties", {}))
    for sub in schema.get("allOf", []):
        out |= props(sub)
    return out
creates = ["projectCreate", "projectSetState", "projectMetaSet", "assetUpload", "assetUploadUrl",
           "refdocUpload", "refdocUploadUrl", "refdocAddUrl", "taskCreateAssetUpload",
           "taskCreateRefDocUpload", "taskCreateReviewAsset", "taskCreateReviewAssetExt",
           "annotationCreate", "webhookCreate"]
nlinks = 0
for oid, (p, m, op) in by_id.items():
    ok = resolve(op.get("responses", {}).get("200", {}))
    links = ok.get("links", {}) if isinstance(ok, dict) else {}
    if oid in creates and not links:
        errors.append(f"{oid}: a create operation without links")
    for name, link in links.items():
        nlinks += 1
        target = by_id.get(link.get("operationId"))
        if target is None:
            errors.append(f"{oid} link {name}: no operation {link.get('operationId')}")
            continue
        tp, tm, top = target
        declared = {resolve(x)["name"] for x in top.get("parameters", [])}
        for param in link.get("parameters", {}):
            if param.split(".")[-1] not in declared:
                errors.append(f"{oid} link {name}: {link['operationId']} has no parameter {param}")
        body = link.get("requestBody")
        if body is not None:
            content = resolve(top.get("requestBody", {})).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                errors.append(f"{oid} link {name}: {link['operationId']} takes no JSON body")
            else:
                missing = set(body) - props(schema)
                if missing:
                    errors.append(f"{oid} link {name}: {link['operationId']}'s body has no {sorted(missing)}")
if errors:
    print("spec check failed:\n  " + "\n  ".join(errors))
    sys.exit(1)
print(f"spec: {len(ops)} operations, all listed, all with operationId, 401 and 429; {nlinks} links, all sound")
PY
