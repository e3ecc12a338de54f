# Writes the seed corpus (fuzz/corpus/<target>/): real examples of each input, taken from
# the vendor documentation (envelopes, problem details, the 429 text and headers, webhook
# bodies, records) and from what the SDK must cope with (dates without a zone, wrong types,
# hostile file names). Run it after changing a seed here: python3 fuzz/make_corpus.py
import json, os
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
def w(target, name, data):
    d = os.path.join(root, target); os.makedirs(d, exist_ok=True)
    if isinstance(data, str): data = data.encode()
    open(os.path.join(d, name), 'wb').write(data)
J = lambda o: json.dumps(o, ensure_ascii=False)

asset = {"assetUID": "xxxxxxxxxx", "version": 1, "name": "drawing.pdf", "status": "Processed",
         "reviewStatus": {"pendingCount": 1, "approvedCount": 2, "rejectedCount": 3},
         "pagesCount": 3, "created": "2020-10-22T08:09:05.778512", "fileSize": 1048576,
         "reviewUrl": "https://app.approval.studio/proof/xxxxxxxxxx",
         "thumbnailUrl": "https://api.approval.studio/api/v1/assets/thumb/abc",
         "fullSizeBitmapUrl": "https://api.approval.studio/api/v1/assets/bitmap/abc/0"}
task = {"taskUID": "T1XXXXXXXX", "projectUID": "P1XXXXXXXX", "projectName": "Carton 330ml",
        "clientUID": "C1", "type": "ReviewAssets", "status": "Pending",
        "created": "2021-02-18T14:08:08.615088Z", "dueDate": "2021-03-01",
        "user": {"userUID": "U1", "fullName": "Ann Reviewer", "email": "ann@example.com"},
        "reviewUrl": "https://r.approval.studio/s/abc", "assetUIDs": ["A1", "A2"], "comment": "Round 1"}
project = {"projectUID": "P1XXXXXXXX", "name": "Carton 330ml", "projectState": "Active",
           "customer": "ACME", "project": "Lemonade", "design": "Front", "revision": "3",
           "description": "Summer edition", "tags": ["beverage", "carton"],
           "dueDate": "2020-12-07T20:56:38.818Z", "created": "2020-10-22T08:09:05.778512",
           "reviewStatus": {"pendingCount": 0, "approvedCount": 1, "rejectedCount": 0},
           "owners": ["U1"], "client": {"clientUID": "C1", "name": "ACME Packaging"},
           "templateUID": "TPL1", "kanbanColumnUID": "asdFxQ", "folderUID": "49lu",
           "assets": [asset], "tasks": [task],
           "refDocs": [{"refDocUID": "R1", "name": "spec.pdf", "fileSize": 2048, "created": "2021-01-05T10:00:00"}],
           "metadata": [{"key": "order", "value": "PO-4711"}]}
webhook = {"webhookUID": "XXXXXXXXXXXXXXXXXXXX01", "url": "http://xxxxx.com/part/of/url01",
           "secret": "YYYYYYYYYYYYYYYYYYYYY01", "created": "2021-02-09T09:17:27.904911"}
annotation = {"annotationUID": "N1", "assetUID": "A1", "page": 0, "text": "Logo too small",
              "region": {"x": 10.5, "y": 20, "width": 100, "height": 50.25},
              "author": "Ann Reviewer", "created": "2021-02-19T12:57:53Z", "isCompleted": False, "isHidden": False}
tenant = {"clientUID": "C1", "name": "ACME Packaging",
          "users": [{"userUID": "U1", "fullName": "Ann", "email": "ann@example.com"}],
          "templates": [{"templateUID": "TPL1", "name": "Default", "data": {"steps": 2}}],
          "kanbanColumns": [{"kanbanColumnUID": "asdFxQ", "name": "In review"}],
          "folders": [{"folderUID": "49lu", "name": "2021"}]}
env = lambda r, m="GET Request successful.": {"version": "1.0", "statusCode": 200, "message": m, "result": r}

# envelope: success bodies.
w('envelope', 'asset-uploaded.json', '{"version":"1.0","statusCode":200,"message":"Asset uploaded successfully and is pending to process. Track it\'s status to catch when it\'d ready to use.","result":{"assetUID":"XXXXXXXXX"}}')
w('envelope', 'asset-get.json', J(env(asset)))
w('envelope', 'project-list.json', J(env([project])))
w('envelope', 'webhook-list.json', J(env([webhook, dict(webhook, webhookUID="XXXXXXXXXXXXXXXXXXXX02")])))
w('envelope', 'login.json', J(env({"token": "eyJhbGciOiJIUzI1NiJ9.e30.abc", "expirationDate": "2021-02-19T22:57:53.123Z"}, "POST Request successful.")))
w('envelope', 'bare-envelope.json', '{"version":"1.0","statusCode":200,"message":"PUT Request successful."}')
w('envelope', 'bare-payload.json', J([asset]))
w('envelope', 'string-result.json', '{"Version":"1.0","StatusCode":200,"Result":"ABCDEF0123"}')
w('envelope', 'empty.txt', '')
w('envelope', 'html.txt', '<html><body>502 Bad Gateway</body></html>')

# error_mapping: raw error responses.
H = lambda code, reason, hdrs, body: (f"HTTP/1.1 {code} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs) + "\r\n" + body)
problem = {"errors": {"parameterName": ["'parameterName' must not be empty."]}, "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
           "title": "One or more validation errors occurred.", "status": 400, "traceId": "|a4a45224-4a7c03bbd5172369."}
w('error_mapping', '400-problem.http', H(400, "Bad Request", [("Content-Type", "application/problem+json; charset=utf-8")], J(problem)))
w('error_mapping', '404-envelope.http', H(404, "Not Found", [("Content-Type", "application/json")], '{\n"version": "1.0",\n"statusCode": 404,\n"message": "Project not found or already deleted."\n}'))
w('error_mapping', '406-envelope-412.http', H(406, "Not Acceptable", [("Content-Type", "application/json")], '{"version":"1.0","statusCode":412,"message":"Project already has state Active."}'))
w('error_mapping', '412-text.http', H(412, "Precondition Failed", [("Content-Type", "text/plain")], "Error: Project must be either Completed or Archived to be deleted."))
w('error_mapping', '429-quota.http', H(429, "Too Many Requests", [("Retry-After", "58"), ("X-Rate-Limit-Limit", "1m"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", "2021-02-19T12:58:51.000Z")], "API calls quota exceeded! maximum admitted 2 per 1m."))
w('error_mapping', '401-empty.http', H(401, "Unauthorized", [("WWW-Authenticate", "Bearer")], ""))
w('error_mapping', '500-html.http', H(500, "Internal Server Error", [("Content-Type", "text/html")], "<html><body><h1>500</h1>database unavailable</body></html>"))
w('error_mapping', '503-retry-date.http', H(503, "Service Unavailable", [("Retry-After", "Fri, 19 Feb 2021 12:58:51 GMT")], ""))

# rate_limit: sequences of response heads.
heads = lambda *hs: "".join(H(c, r, h, "") for c, r, h in hs)
w('rate_limit', 'quota-countdown.http', heads(
    (200, "OK", [("X-Rate-Limit-Limit", "1m"), ("X-Rate-Limit-Remaining", "1"), ("X-Rate-Limit-Reset", "2031-02-19T12:58:51.000Z")]),
    (200, "OK", [("X-Rate-Limit-Limit", "1m"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", "2031-02-19T12:58:51.000Z")]),
    (429, "Too Many Requests", [("Retry-After", "58")])))
w('rate_limit', '429-retry-after.http', heads((429, "Too Many Requests", [("Retry-After", "58"), ("X-Rate-Limit-Limit", "1m"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", "2021-02-19T12:58:51.000Z"), ("Date", "Fri, 19 Feb 2021 12:57:53 GMT")])))
w('rate_limit', '429-http-date.http', heads((429, "Too Many Requests", [("Retry-After", "Wed, 21 Oct 2037 07:28:00 GMT")])))
w('rate_limit', '429-fraction.http', heads((429, "Too Many Requests", [("Retry-After", "0.25")])))
w('rate_limit', 'reset-skewed-date.http', heads((200, "OK", [("X-Rate-Limit-Remaining", "5"), ("X-Rate-Limit-Reset", "2021-02-19T12:58:51"), ("Date", "Fri, 19 Feb 2021 12:57:51 GMT")]),
                                                 (200, "OK", [("X-Rate-Limit-Remaining", "4"), ("X-Rate-Limit-Reset", "2021-02-19T12:58:51.5Z"), ("Date", "Fri, 19 Feb 2021 12:57:52 GMT")])))
w('rate_limit', '503-retry.http', heads((503, "Service Unavailable", [("Retry-After", "2")]), (200, "OK", [])))

# webhook deliveries: raw requests.
R = lambda secret, body: (f"POST /hooks/approvalstudio HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\nApi-Secret: {secret}\r\nContent-Length: {len(body.encode())}\r\n\r\n" + body)
SECRET = "9f2c1e7a-5b3d-4e8f-a0c6-d1b2e3f4a5b6"
events = {
 "asset-uploaded": {"EventId": "kV0bLrXyAEa3Sd2TtWq1Ww", "EventType": "asset.uploaded", "Created": "2021-02-19T12:57:53.2944308Z", "Data": {"ProjectUID": "P1XXXXXXXX", "AssetUID": "A1XXXXXXXX", "Name": "drawing.pdf", "Project": project}},
 "project-edited": {"EventId": "e2", "EventType": "project.edited", "Created": "2021-02-18T23:22:33.2944308Z", "Data": {"ProjectUID": "P1XXXXXXXX", "Attribute": "dueDate", "Value": "2021-03-01T00:00:00"}},
 "project-state": {"EventId": "e3", "EventType": "project.state", "Created": "2021-02-18T23:22:33Z", "Data": {"ProjectUID": "P1", "Value": "Completed"}},
 "task-approved": {"EventId": "0Jd-zSoOKU2_PoG6zSb5uQ", "EventType": "task.approved", "Created": "2021-02-19T15:20:58.5833087Z", "Data": {"TaskUID": "T1XXXXXXXX", "Project": project, "Task": dict(task, status="Approved")}},
 "annotation-added": {"EventId": "e5", "EventType": "annotation.added", "Created": "2021-02-19T12:57:53Z", "Data": {"ProjectUID": "P1", "AnnotationUID": "N1", "AssetUID": "A1", "Text": "Logo too small"}},
 "refdoc-deleted": {"eventid": "e6", "eventtype": "refdoc.deleted", "created": "2021-02-19", "data": {"projectuid": "P1", "refdocuid": "R1", "name": "spec.pdf"}},
 "webhook-test": {"EventId": "e7", "EventType": "webhook.test", "Created": "2021-02-19T12:57:53Z", "Data": {"message": "test"}},
 "unknown-type": {"EventId": "e8", "EventType": "brand.new", "Data": {"a": [1, 2.5, None, True]}},
}
for n, e in events.items():
    w('webhook', n + '.http', R(SECRET, J(e)))
    w('ffi_webhook', n + '.http', R(SECRET, J(e)))
w('webhook', 'wrong-secret.http', R("YYYYYYYYYYYYYYYYYYYYY01", J(events["asset-uploaded"])))
w('webhook', 'no-event-type.http', R(SECRET, '{"EventId":"x","Data":{}}'))
w('ffi_webhook', 'wrong-secret.http', R(" " + SECRET + "x", J(events["task-approved"])))
w('ffi_webhook', 'not-json.http', R(SECRET, "EventType=asset.uploaded"))

# disposition: Content-Disposition values.
for n, v in [("plain", 'attachment; filename="drawing.pdf"'), ("unquoted", "attachment; filename=drawing v2.pdf"),
             ("rfc5987", "attachment; filename=\"fallback.pdf\"; filename*=UTF-8''Etikett%20%C3%BCber%20%E2%82%AC.pdf"),
             ("traversal", 'attachment; filename="../../etc/passwd"'), ("windows", 'attachment; filename="C:\\Users\\x\\proof.pdf"'),
             ("encoded-traversal", "attachment; filename*=UTF-8''..%2F..%2F.bashrc"), ("dots", 'inline; filename=".."'),
             ("control", "attachment; filename*=UTF-8''a%0Ab%00c.pdf"), ("no-name", "inline")]:
    w('disposition', n + '.txt', v)

# records: result values.
for n, v in [("project", project), ("project-list", [project, {"ProjectUID": "P2", "state": "OnHold", "tags": "a, b"}]),
             ("asset", asset), ("task", task), ("webhook", webhook), ("annotation", annotation), ("tenant", tenant),
             ("login", {"token": "eyJhbGciOiJIUzI1NiJ9.e30.abc", "expirationDate": "2021-02-19T22:57:53.123Z"}),
             ("wrong-types", {"assetUID": 5, "version": "2", "pagesCount": {"x": 1}, "status": 3, "created": "2016-12-31T23:59:60.25Z", "fileSize": -1}),
             ("dates", [{"created": d} for d in ["2020-10-22T08:09:05", "2020-10-22 08:09:05.5", "2020-10-22T08:09", "2020-10-22", "2020-10-22T08:09:05+02:00", "9999-12-31T23:59:59.999999999Z"]]),
             ("region", {"x": 1e300, "y": -0.0, "width": 0.1, "height": 3.25})]:
    w('records', n + '.json', J(v))

# ffi_json: <export>\n<JSON>.
for n, v in [("project_list", {"states": ["Active", "OnHold"], "query": "Carton", "isLoadAssets": True}),
             ("project_create", {"projectName": "Carton 330ml", "projectOwnersUIDS": ["U1"], "customer": "ACME", "tags": ["a"], "dueDate": "2026-12-31T17:00:00Z", "templateUID": "TPL1"}),
             ("project_update", {"projectUID": "P1", "projectName": "Carton 500ml", "dueDate": "2026-12-31", "tags": []}),
             ("annotation_create", {"assetUID": "A1", "text": "Logo too small", "page": 0, "region": {"x": 1, "y": 2, "width": 3, "height": 4}}),
             ("task_asset_upload", {"projectUID": "P1", "userUID": "U1", "dueDate": "2026-12-31T17:00:00Z", "comment": "please"}),
             ("task_refdoc_upload", {"projectUID": "P1", "userUID": "U1"}),
             ("task_review_asset", {"projectUID": "P1", "userUID": "U1", "assetUIDs": ["A1"], "comment": "check"}),
             ("task_review_asset_ext", {"projectUID": "P1", "email": "buyer@example.com", "assetUIDs": ["A1", "A2"], "emailLanguage": "German", "isReadOnly": True, "dueDate": "2026-12-31"}),
             ("webhook_create", {"url": "https://example.com/hook", "clientUID": "C1", "eventType": "asset.uploaded"}),
             ("review_link_create", {"allowApprovals": True, "expiresAt": "2026-12-31T17:00:00Z", "password": "pw"}),
             ("review_link_create_id", {}),
             ("review_link_add_assets", ["A1", "A2"]),
             ("review_link_send", {"recipients": ["buyer@example.com"], "emailLanguage": "French", "comment": "Round 1"})]:
    w('ffi_json', n + '.txt', n + "\n" + J(v))
w('ffi_json', 'project_create-bad.txt', 'project_create\n{"projectName": "", "projectOwnersUIDS": "U1"}')
