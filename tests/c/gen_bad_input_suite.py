#!/usr/bin/env python3
"""Generates test_bad_input_suite.c from approvalstudio.h: a counted suite of bad inputs over
every exported function that returns apst_result (issue 10, Deliver 3, the C part).

For every parameter of every such function, the cases its kind calls for (all other
arguments valid): NULL (when the doc comment does not say "may be NULL"), invalid UTF-8,
empty strings, CR/LF, malformed values (a UID with '/', a URL without scheme, an e-mail
without '@', an unknown enum name), overlong strings (100,000 bytes), malformed JSON, JSON
of the wrong kind, unknown and wrongly typed fields, deep nesting, out-of-range numbers.
Each case must return the documented code (APST_NULL_PARAMETER, APST_INVALID_UTF8,
APST_INVALID_INPUT, or APST_DECODE for webhook bodies) with a message naming the argument
(compared case- and underscore-insensitively: `project_uid` matches `projectUID`).
Builder settings are validated by apst_client_builder_build (documented), so a builder
setter that accepts a value is followed by the build, whose result counts.

The suite runs the cases in forked children (a group of cases per child, each case with a
timeout), so a crash or a hang is counted against its case and the rest go on; it prints
the counts (cases, passed, failed, crashed, hung) and fails on any failure or if there are
fewer than 300 cases. A new export is covered without editing this file as long as its
parameter names follow the header's conventions (the generator stops on a type it does not
know).

usage: gen_bad_input_suite.py approvalstudio.h out.c
"""
import re
import sys

from header_decls import DECL as decl, optional_names
from header_decls import split_params as _split_params

header, out_path = sys.argv[1], sys.argv[2]
text = open(header, encoding="utf-8").read()

UID = "0123456789ABCDEF0123456789ABCDEF"


def split_params(params):
    return _split_params(params, drop_struct=True)


def c_str(s):
    """A C string literal of `s` (bytes given as \\x escapes where needed)."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        else:
            out.append('""\\x%02x""' % o)  # split so a following hex digit is not absorbed
    return '"' + "".join(out) + '"'


# Valid values of string parameters, by name (the other arguments of a case).
VALID = {
    "base_url": "URL",  # the emulator's URL (apst_test_url())
    "token": "tok-123",
    "username": "u@example.com",
    "password": "pw",
    "user_agent": "bad-input-suite/1.0",
    "path": "bi-file.txt",
    "target_path": "bi-out.txt",
    "file_name": "f.txt",
    "url": "https://example.com/file.pdf",
    "name": "n",
    "project_name": "p",
    "email": "a@example.com",
    "state": "Active",
    "status": "Approved",
    "types": "ReviewAssets",
    "comment": "c",
    "key": "k",
    "value": "v",
    "secret_header": "s",
    "expected_secret": "s",
    "event_id": "e1",
    "link_id": UID,
    "asset_uids_json": '["%s"]' % UID,
    "send_json": '{"recipients":["a@example.com"]}',
    "options_json": "{}",
    "query_json": "{}",
}


def valid_str(fn, name):
    if name.endswith("_uid"):
        return UID
    if name in VALID:
        return VALID[name]
    if name.endswith("_json"):
        return "{}"
    # A parameter name the table does not know (a new export): a plain value, and only the
    # generic cases (NULL, invalid UTF-8) for it; add it to VALID/kind_of for more.
    print(f"gen_bad_input_suite.py: note: `{name}` of {fn} is new here; generic value \"x\"")
    return "x"


# What a string parameter is, for the bad values it gets.
def kind_of(name):
    if name.endswith("_json"):
        return "json"
    if name in ("path", "target_path"):
        return "path"
    if name.endswith("_uid") or name in ("link_id",):
        return "uid"
    if name in ("url", "base_url"):
        return "url"
    if name == "email":
        return "email"
    if name in ("state", "status", "types"):
        return "enum"
    if name in ("token",):
        return "token"
    if name in ("user_agent", "username"):
        return "header"
    if name in ("name", "project_name"):
        return "name"
    if name == "key":
        return "query-name"
    if name == "file_name":
        return "file-name"
    return "text"  # comment, value, password, secrets, event ids: free text


LONG = "LONG"  # placeholder: a 100,000-byte string built at run time

# Bad values for each kind: (label, value, expected code).
STRING_CASES = {
    "uid": [("empty", "", "APST_INVALID_INPUT"), ("crlf", UID[:8] + "\r\n" + UID[:8], "APST_INVALID_INPUT"),
            ("malformed", "not/a?uid", "APST_INVALID_INPUT"), ("space", "ABC DEF", "APST_INVALID_INPUT"),
            ("overlong", LONG, "APST_INVALID_INPUT")],
    "url": [("empty", "", "APST_INVALID_INPUT"), ("crlf", "https://example.com/\r\nX: y", "APST_INVALID_INPUT"),
            ("no-scheme", "example.com/file.pdf", "APST_INVALID_INPUT"),
            ("ftp", "ftp://example.com/file.pdf", "APST_INVALID_INPUT"), ("overlong", LONG, "APST_INVALID_INPUT")],
    "email": [("empty", "", "APST_INVALID_INPUT"), ("crlf", "a@example.com\r\nBcc: b@example.com", "APST_INVALID_INPUT"),
              ("no-at", "nobody", "APST_INVALID_INPUT"), ("overlong", LONG, "APST_INVALID_INPUT")],
    "enum": [("empty", "", "APST_INVALID_INPUT"), ("unknown", "Sideways", "APST_INVALID_INPUT"),
             ("crlf", "Active\r\n", "APST_INVALID_INPUT"), ("overlong", LONG, "APST_INVALID_INPUT")],
    "token": [("empty", "", "APST_INVALID_INPUT"), ("crlf", "tok\r\nX-Evil: 1", "APST_INVALID_INPUT"),
              ("space", "tok en", "APST_INVALID_INPUT"), ("overlong", LONG, "APST_INVALID_INPUT")],
    "header": [("crlf", "x\r\nX-Evil: 1", "APST_INVALID_INPUT"), ("lf", "x\ny", "APST_INVALID_INPUT")],
    # Names have no documented length limit (the server checks its own): empty ones only.
    "name": [("empty", "", "APST_INVALID_INPUT")],
    # A metadata key travels in the URL (at most 1000 characters), a file name in a
    # multipart header or the URL (at most 255 bytes).
    "query-name": [("empty", "", "APST_INVALID_INPUT"), ("overlong", LONG, "APST_INVALID_INPUT")],
    "file-name": [("overlong", LONG, "APST_INVALID_INPUT"), ("256-bytes", "f" * 256, "APST_INVALID_INPUT")],
    "path": [("empty", "", "APST_INVALID_INPUT")],
    "text": [],
}

# Parameters whose empty value is meaningful.
EMPTY_OK = {"types"}  # NULL or "" = all task types (documented)
# Other words a message may use for an argument (the core's name of the same thing).
ALIASES = {"target_path": "target", "asset_uids_json": "assetUIDs"}
# Paths that must exist (uploads) get a missing file too; download targets a missing directory.
PATH_EXTRA = {
    "path": [("missing", "bi-no-such-file.txt", "APST_INVALID_INPUT")],
    "target_path": [("missing-dir", "bi-no-such-dir/x.txt", "APST_INVALID_INPUT")],
}

# Bad JSON: (label, text, expected code, needle: None = the parameter's name).
JSON_COMMON = [
    ("empty", "", None),
    ("truncated", '{"a":', None),
    ("not-json", "nope", None),
    ("trailing-comma", '{"a":1,}', None),
    ("deep-nesting", "DEEP", None),
]
JSON_OBJECT = JSON_COMMON + [
    ("array", "[1,2,3]", None),
    ("number", "5", None),
    ("string", '"s"', None),
    ("null", "null", None),
    ("bool", "true", None),
    ("unknown-field", '{"zzzUnknownField":1}', "zzzUnknownField"),
]
JSON_ARRAY = JSON_COMMON + [
    ("object", '{"a":1}', None),
    ("number", "5", None),
    ("wrong-element", "[1]", None),
    ("empty-array", "[]", None),
    ("bad-uid", '["not/a?uid"]', None),
]
# Wrongly typed or invalid fields of each JSON object parameter: (label, text, needle).
JSON_FIELDS = {
    ("apst_project_create", "params_json"): [
        ("name-type", '{"projectName":5,"projectOwnersUIDS":["%s"]}' % UID, "params_json"),
        ("owners-type", '{"projectName":"p","projectOwnersUIDS":"%s"}' % UID, "params_json"),
        ("missing-name", '{"projectOwnersUIDS":["%s"]}' % UID, "projectName"),
        ("no-owners", '{"projectName":"p","projectOwnersUIDS":[]}', "projectOwnersUIDS"),
        ("bad-owner", '{"projectName":"p","projectOwnersUIDS":["a/b"]}', "projectOwnersUIDS"),
        ("long-customer", '{"projectName":"p","projectOwnersUIDS":["%s"],"customer":"%s"}' % (UID, "c" * 51), "customer"),
        ("bad-date", '{"projectName":"p","projectOwnersUIDS":["%s"],"dueDate":"soon"}' % UID, "dueDate"),
        ("bad-template", '{"projectName":"p","projectOwnersUIDS":["%s"],"templateUID":"a b"}' % UID, "templateUID"),
    ],
    ("apst_project_update", "params_json"): [
        ("missing-uid", '{"projectName":"p"}', "projectUID"),
        ("bad-uid", '{"projectUID":"a/b"}', "projectUID"),
        ("tags-type", '{"projectUID":"%s","tags":"t"}' % UID, "params_json"),
        ("empty-folder", '{"projectUID":"%s","folderUID":""}' % UID, "folderUID"),
        ("empty-template", '{"projectUID":"%s","templateUID":""}' % UID, "templateUID"),
    ],
    ("apst_project_list", "query_json"): [
        ("bad-state", '{"states":["Sideways"]}', "states"),
        ("states-type", '{"states":"Active"}', "query_json"),
        ("long-query", '{"query":"LONGQ"}', "query"),
        ("bad-uid", '{"projectUID":"a/b"}', "projectUID"),
    ],
    ("apst_review_link_create", "options_json"): [
        ("bad-date", '{"expiresAt":"tomorrow"}', "expiresAt"),
        ("flag-type", '{"allowApprovals":"yes"}', "options_json"),
    ],
    ("apst_review_link_send", "send_json"): [
        ("no-recipients", '{"recipients":[]}', "recipients"),
        ("bad-email", '{"recipients":["nobody"]}', "recipients"),
        ("recipients-type", '{"recipients":"a@example.com"}', "send_json"),
        ("bad-language", '{"recipients":["a@example.com"],"emailLanguage":"Klingon"}', "emailLanguage"),
    ],
    ("apst_webhook_create", "params_json"): [
        ("missing-url", "{}", "url"),
        ("bad-url", '{"url":"not a url"}', "url"),
        ("crlf-url", '{"url":"https://example.com/\\r\\nX: y"}', "url"),
    ],
    ("apst_annotation_create", "params_json"): [
        ("missing-asset", '{"text":"t"}', "assetUID"),
        ("bad-asset", '{"assetUID":"a/b","text":"t"}', "assetUID"),
    ],
    ("apst_task_review_asset_ext", "params_json"): [
        ("bad-email", '{"projectUID":"%s","email":"nobody","assetUIDs":["%s"]}' % (UID, UID), "email"),
        ("bad-language", '{"projectUID":"%s","email":"a@example.com","assetUIDs":["%s"],"emailLanguage":"Klingon"}' % (UID, UID), "emailLanguage"),
    ],
    ("apst_task_review_asset", "params_json"): [
        ("no-assets", '{"projectUID":"%s","userUID":"%s","assetUIDs":[]}' % (UID, UID), "assetUIDs"),
    ],
}

# Integer parameters: (label, C expression, expected code), by name.
U64MAX = "UINT64_MAX"
INT_CASES = {
    "connect_timeout_ms": [("zero", "0"), ("over-a-year", "31536000001ULL"), ("max", U64MAX)],
    "read_timeout_ms": [("zero", "0"), ("over-a-year", "31536000001ULL"), ("max", U64MAX)],
    "retry_deadline_ms": [("zero", "0"), ("over-a-year", "31536000001ULL"), ("max", U64MAX)],
    "max_rate_limit_wait_ms": [("over-a-year", "31536000001ULL"), ("max", U64MAX)],
    "base_ms": [("zero", "0"), ("max", U64MAX)],
    "cap_ms": [("zero", "0"), ("max", U64MAX)],
    "timeout_ms": [("over-a-year", "31536000001ULL"), ("max", U64MAX)],
    "keep_alive_minutes": [("over-a-year", "525601u"), ("max", "UINT32_MAX")],
    "max_attempts": [("zero", "0"), ("over-100", "101u"), ("max", "UINT32_MAX")],
    "concurrency": [("zero", "0")],
    "capacity": [("zero", "0")],
    "max_level": [("negative", "-1"), ("too-big", "6"), ("max", "INT32_MAX")],
}
VALID_INT = {
    "connect_timeout_ms": "1000", "read_timeout_ms": "1000", "retry_deadline_ms": "1000",
    "max_rate_limit_wait_ms": "0", "base_ms": "10", "cap_ms": "100", "timeout_ms": "1000",
    "keep_alive_minutes": "10", "max_attempts": "2", "concurrency": "1", "capacity": "4",
    "max_level": "0", "path_count": "1", "body_len": "2",
}

HANDLES = {
    "const apst_client *": "C",
    "const apst_cancel_token *": "T",
    "const apst_webhook_deduplicator *": "D",
}
OUTS = {
    "char **": ("&S", "S"),
    "bool *": ("&BOOL", None),
    "apst_client **": ("&OC", "OC"),
    "apst_webhook_deduplicator **": ("&OD", "OD"),
    "apst_cancel_token **": ("&OT", "OT"),
}


def valid_arg(fn, ty, name):
    """C expression of a valid argument."""
    if name == "err":
        return "E"
    if ty in HANDLES:
        return HANDLES[ty]
    if ty == "apst_client_builder *":
        return "B"
    if ty in OUTS:
        return OUTS[ty][0]
    if ty == "const char *":
        v = valid_str(fn, name)
        return "apst_test_url()" if v == "URL" else c_str(v)
    if ty == "const char *const *":
        return "PATHS"
    if ty == "const uint8_t *":
        return '(const uint8_t *)"{}"'
    if ty == "void *":
        return "NULL"
    if ty in ("apst_progress_callback", "apst_log_callback"):
        return "NULL"
    if ty in ("uint64_t", "uint32_t", "size_t", "int", "int64_t"):
        if name not in VALID_INT:
            print(f"gen_bad_input_suite.py: note: integer `{name}` of {fn} is new here; value 1")
        return VALID_INT.get(name, "1")
    raise SystemExit(f"gen_bad_input_suite.py: no valid value for `{ty} {name}` in {fn}")


cases = []  # dicts: fn, param, label, args (list of C exprs), expected, needle


def add(fn, params, i, expr, label, expected, needle):
    args = [expr if j == i else valid_arg(fn, ty, nm) for j, (ty, nm) in enumerate(params)]
    if needle in ALIASES:
        needle = needle + "|" + ALIASES[needle]
    cases.append(dict(fn=fn, param=params[i][1], label=label, args=args, expected=expected,
                      needle=needle))


for m in decl.finditer(text):
    fn, doc = m.group("name"), m.group("doc")
    params = split_params(m.group("params"))
    opt = optional_names(doc)
    for i, (ty, name) in enumerate(params):
        if name == "err" or name.endswith("userdata"):
            continue
        is_ptr = "*" in ty
        if is_ptr and name not in opt:
            add(fn, params, i, "NULL", "null", "APST_NULL_PARAMETER", name)
        if ty == "const char *":
            kind = kind_of(name)
            if kind != "path":
                add(fn, params, i, c_str("bad\xff\xfeutf8"), "invalid-utf8", "APST_INVALID_UTF8", name)
            if kind == "json":
                shapes = JSON_ARRAY if name == "asset_uids_json" else JSON_OBJECT
                for label, value, needle in shapes + JSON_FIELDS.get((fn, name), []):
                    if value == "DEEP":
                        expr = "DEEP"
                    elif "LONGQ" in value:
                        expr = "LONGQ_JSON"
                    else:
                        expr = c_str(value)
                    add(fn, params, i, expr, "json-" + label, "APST_INVALID_INPUT", needle or name)
                continue
            for label, value, expected in STRING_CASES[kind] + PATH_EXTRA.get(name, []):
                if label == "empty" and name in EMPTY_OK:
                    continue
                expr = "LONG" if value == LONG else c_str(value)
                add(fn, params, i, expr, label, expected, name)
        elif ty == "const uint8_t *" and name == "body":
            for label, value in (("not-json", "nope"), ("invalid-utf8", "\xff\xfe{}"), ("array", "[1]")):
                args = [valid_arg(fn, t, n) for t, n in params]
                args[i] = "(const uint8_t *)" + c_str(value)
                args[[n for _, n in params].index("body_len")] = str(len(value.encode("latin-1")))
                cases.append(dict(fn=fn, param=name, label=label, args=args, expected="APST_DECODE",
                                  needle=""))
        elif not is_ptr and name in INT_CASES:
            for label, expr in INT_CASES[name]:
                add(fn, params, i, expr, label, "APST_INVALID_INPUT", name)

if len(cases) < 300:
    raise SystemExit(f"gen_bad_input_suite.py: only {len(cases)} cases; is the header parsed right?")

out = [
    "/* Generated by gen_bad_input_suite.py from approvalstudio.h: do not edit. */",
    "#ifndef _POSIX_C_SOURCE",
    "#define _POSIX_C_SOURCE 200809L /* kill() under -std=c99 */",
    "#endif",
    '#include "apst_test.h"',
    "",
    "#include <ctype.h>",
    "#include <poll.h>",
    "#include <signal.h>",
    "#include <stdint.h>",
    "#include <sys/stat.h>",
    "#include <sys/wait.h>",
    "",
    "typedef struct {",
    "    const char *fn;",
    "    const char *param;",
    "    const char *label;",
    "    apst_result expected;",
    "    const char *needle;",
    "} bad_case;",
    "",
    f"#define N_CASES {len(cases)}",
    "static const bad_case CASES[N_CASES] = {",
]
for c in cases:
    out.append(f'    {{"{c["fn"]}", "{c["param"]}", "{c["label"]}", {c["expected"]}, "{c["needle"]}"}},')
out += [
    "};",
    "",
    "/* Fixtures of a child process. */",
    "static apst_client *C = NULL;",
    "static apst_cancel_token *T = NULL;",
    "static apst_webhook_deduplicator *D = NULL;",
    "static char *LONG = NULL;",
    "static char *DEEP = NULL;",
    "static char *LONGQ_JSON = NULL;",
    'static const char *PATHS[1] = {"bi-file.txt"};',
    "",
    "static void fixtures(void) {",
    "    FILE *f = fopen(\"bi-file.txt\", \"wb\");",
    "    size_t n = 100000;",
    "    fputs(\"bad input suite\\n\", f);",
    "    fclose(f);",
    "    C = apst_test_client();",
    "    REQUIRE_OK(apst_cancel_token_new(&T, &err));",
    "    REQUIRE_OK(apst_webhook_deduplicator_new(4, &D, &err));",
    "    LONG = (char *)malloc(n + 1);",
    "    memset(LONG, 'A', n);",
    "    LONG[n] = '\\0';",
    "    DEEP = (char *)malloc(n + 1);",
    "    memset(DEEP, '[', n);",
    "    DEEP[n] = '\\0';",
    "    LONGQ_JSON = (char *)malloc(n + 32);",
    "    snprintf(LONGQ_JSON, n + 32, \"{\\\"query\\\":\\\"%.*s\\\"}\", (int)(n - 20), LONG);",
    "}",
    "",
    "static void free_fixtures(void) {",
    "    apst_client_free(C);",
    "    apst_cancel_token_free(T);",
    "    apst_webhook_deduplicator_free(D);",
    "    free(LONG);",
    "    free(DEEP);",
    "    free(LONGQ_JSON);",
    "    remove(\"bi-file.txt\");",
    "    remove(\"bi-out.txt\");",
    "}",
    "",
    "/* Runs case `id`; the error (if any) goes to *E. */",
    "static apst_result run_case(int id, apst_error **E) {",
    "    apst_client_builder *B = NULL;",
    "    apst_client *OC = NULL;",
    "    apst_webhook_deduplicator *OD = NULL;",
    "    apst_cancel_token *OT = NULL;",
    "    char *S = NULL;",
    "    bool BOOL = false;",
    "    apst_result r = APST_OK;",
    "    switch (id) {",
]
for k, c in enumerate(cases):
    fn = c["fn"]
    out.append(f"    case {k}:")
    uses_builder = "B" in c["args"]
    if uses_builder:
        out.append("        B = apst_client_builder_new();")
    out.append(f"        r = {fn}({', '.join(c['args'])});")
    if fn.startswith("apst_client_builder_set_") and c["expected"] != "APST_NULL_PARAMETER":
        # Settings are validated at build time (documented): the build's result counts.
        out.append("        if (r == APST_OK) { r = apst_client_builder_build(B, &OC, E); B = NULL; }")
    if fn == "apst_client_builder_build":
        out.append("        B = NULL; /* consumed */")
    out.append("        break;")
out += [
    "    default:",
    "        break;",
    "    }",
    "    apst_client_builder_free(B);",
    "    apst_client_free(OC);",
    "    apst_webhook_deduplicator_free(OD);",
    "    apst_cancel_token_free(OT);",
    "    apst_string_free(S);",
    "    (void)BOOL;",
    "    return r;",
    "}",
    "",
]
runner = __file__[: -len("gen_bad_input_suite.py")] + "bad_input_runner.inc"
out.append(open(runner, encoding="utf-8").read())
open(out_path, "w", encoding="utf-8").write("\n".join(out) + "\n")
print(f"gen_bad_input_suite.py: {len(cases)} cases")
