"""The counted bad-input suite: generated bad arguments for every public Python method.

The methods are found by introspection, so a new method or parameter is covered without
editing this file: the constructors (``approvalstudio.Client``, ``testing.Emulator``,
``webhooks.Deduplicator``), every public method of every resource of a ``Client``
(``client.projects``, ``client.assets``, ...), of ``Client`` itself, of ``testing.Emulator``,
of ``webhooks.Deduplicator``, and the public functions of ``approvalstudio.webhooks``.
Each parameter gets a kind from its annotation (``Optional[str]``, ``Sequence[str]``,
``StrPath``...; a parameter whose kind can't be told fails the suite) and each kind a list
of bad values: wrong types, ``None`` where a value is required, lone surrogates, NUL/CR/LF
in single-line values (UIDs, URLs, tokens, e-mails, header values), overlong UIDs and
queries, huge/negative/NaN/inf numbers, dicts and sets where a list is expected, datetimes
that leave the years 1..9999 in UTC, and so on. Every other parameter gets a valid value.

Every case must raise ``InvalidInputError`` (``ArgumentTypeError`` for a wrong type) with a
message naming the argument: before anything is sent, with no crash, no ``PanicException``
(a ``BaseException``), no Rust panic on a runtime thread, no hang. The cases run in worker
subprocesses (a crash or a hang costs only that case; a worker is restarted after one) against
one emulator started by the test, and the counts are printed::

    python -m pytest -q python/tests/test_bad_inputs.py -s      # or run this file directly
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import math
import os
import pathlib
import select
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

OMIT: Any = object()
"""valid_value() for an optional parameter: leave it out."""

UID = "A" * 32
CASE_TIMEOUT_S = 15.0
WORKERS = 3

# -- what is bad, per kind of parameter ----------------------------------------------------------


class _Obj:
    def __repr__(self) -> str:
        return "<object>"


def _dt_max_west() -> dt.datetime:
    return dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-5)))


def _dt_min_east() -> dt.datetime:
    return dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=5)))


# Values are factories so each case gets a fresh one (an iterator is consumed once).
Bad = Tuple[str, Callable[[], Any]]

WRONG_FOR_STR: List[Bad] = [
    ("int", lambda: 123),
    ("bytes", lambda: b"abc"),
    ("list", lambda: ["abc"]),
    ("float", lambda: 1.5),
    ("lone surrogate", lambda: "\udcff"),
    ("lone surrogate inside", lambda: "ab\ud800cd"),
]
CONTROL_CHARS: List[Bad] = [
    ("NUL", lambda: "ab\x00cd"),
    ("CR", lambda: "ab\rcd"),
    ("LF", lambda: "ab\ncd"),
    ("CRLF header injection", lambda: "ab\r\nX-Evil: 1"),
]
LIST_WRONG: List[Bad] = [
    ("str for list", lambda: "abc"),
    ("bytes for list", lambda: b"abc"),
    ("dict for list", lambda: {"a": 1}),
    ("set for list", lambda: {UID}),
    ("frozenset for list", lambda: frozenset({UID})),
    ("int for list", lambda: 5),
    ("iterator for list", lambda: iter([UID])),
]
INT_BAD: List[Bad] = [
    ("str", lambda: "1"),
    ("float", lambda: 1.5),
    ("bool", lambda: True),
    ("negative", lambda: -1),
    ("huge", lambda: 10**30),
    ("nan", lambda: math.nan),
    ("list", lambda: [1]),
]
FLOAT_BAD: List[Bad] = [
    ("str", lambda: "soon"),
    ("bool", lambda: True),
    ("nan", lambda: math.nan),
    ("inf", lambda: math.inf),
    ("-inf", lambda: -math.inf),
    ("1e20", lambda: 1e20),
    ("1e308", lambda: 1e308),
    ("int too large for float", lambda: 10**400),
    ("complex", lambda: 1j),
    ("list", lambda: [1.0]),
]
NEGATIVE: Bad = ("negative", lambda: -1.0)
BOOL_BAD: List[Bad] = [("str", lambda: "yes"), ("int 1", lambda: 1), ("int 0", lambda: 0), ("float", lambda: 1.0)]
DATE_BAD: List[Bad] = [
    ("str", lambda: "2030-01-01"),
    ("int", lambda: 5),
    ("float timestamp", lambda: 1.7e9),
    ("datetime.max at -05:00", _dt_max_west),
    ("datetime.min at +05:00", _dt_min_east),
]
ENUM_BAD: List[Bad] = [
    ("int", lambda: 5),
    ("unknown value", lambda: "Bogus"),
    ("lone surrogate", lambda: "\udcff"),
    ("bytes", lambda: b"Active"),
    ("list", lambda: ["Active"]),
]
PATH_BAD: List[Bad] = [
    ("int", lambda: 42),
    ("bytes", lambda: b"/tmp/x.pdf"),
    ("lone surrogate (not encodable)", lambda: "/tmp/\ud800.pdf"),
    ("NUL", lambda: "/tmp/a\x00b.pdf"),
    ("empty", lambda: ""),
    ("list", lambda: ["/tmp/x.pdf"]),
]
CALLBACK_BAD: List[Bad] = [("int", lambda: 5), ("str", lambda: "print"), ("list", lambda: [print])]
REGION_BAD: List[Bad] = [
    ("dict missing keys", lambda: {"x": 1}),
    ("dict with unknown key", lambda: {"x": 1, "y": 2, "width": 3, "height": 4, "z": 5}),
    ("3-tuple", lambda: (1, 2, 3)),
    ("str item", lambda: (1, 2, 3, "4")),
    ("nan item", lambda: (math.nan, 0, 1, 1)),
    ("inf item", lambda: (0, math.inf, 1, 1)),
    ("negative width", lambda: (0, 0, -1, 1)),
    ("list", lambda: [1, 2, 3, 4]),
    ("str", lambda: "0,0,1,1"),
    ("int", lambda: 5),
]
QUOTA_BAD: List[Bad] = [
    ("int", lambda: 5),
    ("str", lambda: "2/1m"),
    ("limit str", lambda: {"limit": "a", "period": "1m"}),
    ("limit negative", lambda: {"limit": -1, "period": "1m"}),
    ("no period", lambda: {"limit": 1}),
    ("unknown key", lambda: {"limit": 1, "period": "1m", "x": 1}),
    ("period int", lambda: {"limit": 1, "period": 5}),
]
USERS_BAD: List[Bad] = [
    ("empty", lambda: []),
    ("str", lambda: "a@example.com"),
    ("1-tuple", lambda: [("a@example.com",)]),
    ("lite not bool", lambda: [("a@example.com", "pw", "yes")]),
    ("email int", lambda: [(1, "pw")]),
    ("dict", lambda: {"a@example.com": "pw"}),
    ("surrogate", lambda: [("a\udcff@example.com", "pw")]),
    ("CRLF email", lambda: [("a@example.com\r\nx", "pw")]),
]
HEADERS_BAD: List[Bad] = [
    ("int", lambda: 5),
    ("float", lambda: 1.5),
    ("bytes", lambda: b"Api-Secret: s"),
    ("object", _Obj),
    ("1-tuples", lambda: [("Api-Secret",)]),
    ("list of str", lambda: ["Api-Secret"]),
]
BODY_BAD: List[Bad] = [
    ("int", lambda: 5),
    ("list", lambda: [b"{}"]),
    ("float", lambda: 1.5),
    ("lone surrogate", lambda: '{"EventType":"\udcff"}'),
    ("dict", lambda: {"EventType": "x"}),
]

# Single-line parameters (UIDs, URLs, tokens, e-mails, header values): NUL/CR/LF are bad.
SINGLE_LINE_NAMES = {
    "url", "base_url", "token", "email", "content_type", "link_id", "method", "path",
    "fault_id", "file_name",
}
# Parameters whose values may be negative (seconds of advance_clock: the clock moves back).
NEGATIVE_OK = {("Emulator", "advance_clock", "seconds")}
# Parameters of a documented maximum length that a 100 000-character string breaks.
OVERLONG_NAMES = {"query"}


def _is_uid(name: str) -> bool:
    return name.endswith("_uid") or name == "link_id"


def _kind(annotation: Any, name: str) -> Tuple[str, bool]:
    """(kind, optional) of a parameter from its annotation (a string: the package uses
    ``from __future__ import annotations``) or, for the native classes, its name."""
    a = annotation if isinstance(annotation, str) else ""
    optional = a.startswith("Optional[")
    if optional:
        a = a[len("Optional[") : -1]
    if not a:
        native = {"capacity": "int", "event_id": "str"}
        if name in native:
            return native[name], False
        raise AssertionError(f"no annotation and no known kind for parameter {name!r}")
    exact = {
        "Sequence[StrPath]": "paths",
        "Sequence[Union[ProjectState, str]]": "enum_list",
        "Sequence[Union[TaskType, str]]": "enum_list",
        "Sequence[str]": "str_list",
        "StrPath": "path",
        "ProgressCallback": "callback",
        "Union[datetime, date]": "date",
        "Union[bytes, bytearray, memoryview, str]": "body",
        "Dict[str, Any]": "quota",
        "Union[ProjectState, str]": "enum",
        "Union[TaskStatus, str]": "enum",
        "Union[EmailLanguage, str]": "enum",
        "str": "str",
        "bool": "bool",
        "int": "int",
        "float": "float",
        "Any": "headers",
    }
    if a in exact:
        return exact[a], optional
    if a.startswith("Union[Region"):
        return "region", optional
    if a.startswith("Sequence[Union[Tuple[str, str]"):
        return "users", optional
    raise AssertionError(f"parameter {name!r}: no kind for annotation {annotation!r}")


def bad_values(owner: str, method: str, name: str, kind: str, required: bool) -> List[Bad]:
    """The bad values of one parameter."""
    out: List[Bad] = []
    if required and kind not in ("headers",):
        out.append(("None", lambda: None))
    if kind == "str":
        out += WRONG_FOR_STR
        if _is_uid(name) or name in SINGLE_LINE_NAMES:
            out += CONTROL_CHARS
        if _is_uid(name) or name in OVERLONG_NAMES:
            out.append(("100000 characters", lambda: "x" * 100_000))
        if _is_uid(name) and required:
            out += [("empty", lambda: ""), ("slash", lambda: "a/b"), ("space", lambda: "a b")]
        if name in ("url", "base_url"):
            out += [("not http(s)", lambda: "ftp://example.com/a.pdf"), ("empty", lambda: "")]
        if name == "email":
            out += [("not an e-mail", lambda: "nobody")]
    elif kind == "str_list":
        out += LIST_WRONG
        out += [("int item", lambda: [5]), ("None item", lambda: [None]), ("surrogate item", lambda: ["\udcff"])]
        if name.endswith("_uids"):
            out += [("NUL item", lambda: ["A\x00B"]), ("slash item", lambda: ["a/b"]), ("overlong item", lambda: ["x" * 100_000])]
        if name == "recipients":
            out += [("CRLF item", lambda: ["a@example.com\r\nBcc: x@example.com"]), ("not an e-mail item", lambda: ["nobody"])]
    elif kind == "bool":
        out += BOOL_BAD
    elif kind == "int":
        out += INT_BAD
    elif kind == "float":
        out += FLOAT_BAD
        if (owner, method, name) not in NEGATIVE_OK:
            out.append(NEGATIVE)
    elif kind == "date":
        out += DATE_BAD
    elif kind == "enum":
        out += ENUM_BAD
    elif kind == "enum_list":
        out += LIST_WRONG[:6] + [("int item", lambda: [5]), ("unknown item", lambda: ["Bogus"])]
    elif kind == "path":
        out += PATH_BAD
    elif kind == "paths":
        out += [v for v in LIST_WRONG if not v[0].startswith("str")]
        out += [("str for list", lambda: "/tmp/a.pdf"), ("int item", lambda: [42]), ("NUL item", lambda: ["/tmp/a\x00b"]), ("surrogate item", lambda: ["/tmp/\ud800"])]
    elif kind == "callback":
        out += CALLBACK_BAD
    elif kind == "region":
        out += REGION_BAD
    elif kind == "quota":
        out += QUOTA_BAD
    elif kind == "users":
        out += USERS_BAD
    elif kind == "headers":
        out += HEADERS_BAD
    elif kind == "body":
        out += BODY_BAD
    return out


# -- valid values (every parameter but the one under test) ------------------------------------


class Env:
    """What valid values refer to, set up in each worker."""

    url = "http://127.0.0.1:9"
    username = "admin@example.com"
    password = "admin-password"
    file = "/nonexistent.pdf"
    outdir = "/tmp"


def valid_value(owner: str, method: str, name: str) -> Any:
    """A valid value of a required parameter; OMIT for an optional one (see ``targets``)."""
    fixed: Dict[str, Any] = {
        "base_url": Env.url,
        "name": "Name",
        "text": "Text",
        "key": "key",
        "value": "value",
        "email": "someone@example.com",
        "url": "https://example.com/a.pdf",
        "recipients": ["someone@example.com"],
        "owner_uids": [UID],
        "asset_uids": [UID],
        "state": "Active",
        "body": b'{"EventId":"e1","EventType":"webhook.test","Data":{}}',
        "headers": {"Api-Secret": "s"},
        "secret": "s",
        "event_id": "e1",
        "seconds": 1.0,
        "link_id": UID,
    }
    if owner == "Emulator" and name == "path":
        return "/api/v1/nothing"
    if name == "body" and owner != "webhooks":
        return OMIT
    if name == "path":
        return Env.file if method.startswith("upload") else os.path.join(Env.outdir, "out.pdf")
    if name == "paths":
        return [Env.file]
    if name in fixed:
        return fixed[name]
    if _is_uid(name):
        return UID
    return OMIT


# -- targets, found by introspection ------------------------------------------------------------


Target = Tuple[str, str, Callable[[Any], Callable[..., Any]], inspect.Signature]


def targets(ctx: Any = None) -> List[Target]:
    """(owner, method, get_callable(ctx), signature) of every public API entry point; ``ctx``
    (a worker's ``Ctx``) gives the objects, None only lists them."""
    import approvalstudio
    from approvalstudio import testing, webhooks

    out: List[Target] = []

    def public_methods(cls: Any) -> Iterator[Tuple[str, Any]]:
        for n, f in inspect.getmembers(cls):
            if n.startswith("_") or not callable(f) or isinstance(f, type):
                continue
            yield n, f

    def sig(f: Any, drop_self: bool) -> inspect.Signature:
        try:
            s = inspect.signature(f)
        except ValueError:
            # A native class without a text signature (CPython < 3.10): its stub's __new__.
            s = _stub_signature(f.__name__, "__new__")
        ps = list(s.parameters.values())
        if drop_self and ps and ps[0].name == "self":
            ps = ps[1:]
        return s.replace(parameters=ps)

    # Constructors.
    out.append(("Client", "__init__", lambda c: approvalstudio.Client, sig(approvalstudio.Client.__init__, True)))
    out.append(("Emulator", "__init__", lambda c: testing.Emulator, sig(testing.Emulator.__init__, True)))
    out.append(("Deduplicator", "__init__", lambda c: webhooks.Deduplicator, sig(webhooks.Deduplicator, False)))
    # Client's own methods and its resources' methods (the resources are found on an instance).
    probe = approvalstudio.Client("http://127.0.0.1:9", token="t")
    for n, f in public_methods(approvalstudio.Client):
        if n != "close":
            out.append(("Client", n, lambda c, n=n: getattr(c.client, n), sig(f, True)))
    for attr, res in sorted(vars(probe).items()):
        if attr.startswith("_") or not isinstance(res, approvalstudio._client._Resource):
            continue
        for n, f in public_methods(type(res)):
            out.append((attr, n, lambda c, a=attr, n=n: getattr(getattr(c.client, a), n), sig(f, True)))
    probe.close()
    # testing.Emulator's methods (but close/reset, which would end or reset the worker's own).
    for n, f in public_methods(testing.Emulator):
        if n not in ("close", "reset"):
            out.append(("Emulator", n, lambda c, n=n: getattr(c.emulator, n), sig(f, True)))
    # webhooks: the module's functions and the Deduplicator's methods.
    for n in webhooks.__all__:
        f = getattr(webhooks, n)
        if inspect.isfunction(f):
            out.append(("webhooks", n, lambda c, f=f: f, sig(f, False)))
    for n, f in public_methods(webhooks.Deduplicator):
        out.append(("Deduplicator", n, lambda c, n=n: getattr(c.dedup, n), sig(f, True)))
    return out


def _stub_signature(cls_name: str, method: str) -> inspect.Signature:
    """The signature of ``cls_name.method`` in ``approvalstudio/_native.pyi`` (checked
    against the module by stubtest), without its first parameter."""
    import ast

    from approvalstudio import _native

    stub = pathlib.Path(_native.__file__).with_name("_native.pyi")
    for node in ast.walk(ast.parse(stub.read_text())):
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            for fn in node.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == method:
                    args = fn.args.args[1:]
                    defaults = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
                    params = [
                        inspect.Parameter(
                            a.arg,
                            inspect.Parameter.POSITIONAL_OR_KEYWORD,
                            default=inspect.Parameter.empty if d is None else ast.literal_eval(d),
                            annotation=ast.unparse(a.annotation) if a.annotation else inspect.Parameter.empty,
                        )
                        for a, d in zip(args, defaults)
                    ]
                    return inspect.Signature(params)
    raise AssertionError(f"no {cls_name}.{method} in {stub}")


Case = Tuple[int, str, str, str, str, Callable[[], Any]]


def cases() -> List[Case]:
    """(index, owner, method, parameter, label, bad value factory) for every case."""
    out: List[Case] = []
    for owner, method, _get, s in targets():
        for p in s.parameters.values():
            if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            kind, optional = _kind(p.annotation, p.name)
            # None is bad unless the parameter is Optional or defaults to None.
            required = p.default is p.empty or (p.default is not None and not optional)
            for label, factory in bad_values(owner, method, p.name, kind, required):
                out.append((len(out), owner, method, p.name, label, factory))
    if os.environ.get(SELFTEST_ENV):
        # Synthetic failures, to check that the runner sees each kind (see test_runner_...).
        for what in ("abort", "hang", "panic", "accept", "unnamed"):
            out.append((len(out), "selftest", what, "x", what, lambda: None))
    return out


SELFTEST_ENV = "APST_BAD_INPUTS_SELFTEST"


def _selftest(what: str) -> None:
    from approvalstudio import InvalidInputError

    if what == "abort":
        os.abort()
    if what == "hang":
        time.sleep(3600)
    if what == "panic":
        os.write(2, b"thread 'tokio-runtime-worker' panicked at core/src/x.rs:1:1:\n")
        raise InvalidInputError("x: looks fine, but a runtime thread panicked")
    if what == "unnamed":
        raise InvalidInputError("something is wrong")


# -- a worker: runs cases start..end, one JSON line per case --------------------------------------


class Ctx:
    def __init__(self) -> None:
        import approvalstudio
        from approvalstudio import webhooks

        self.client = approvalstudio.Client(Env.url, username=Env.username, password=Env.password)
        self.dedup = webhooks.Deduplicator()
        self._emulator: Any = None

    @property
    def emulator(self) -> Any:
        if self._emulator is None:
            from approvalstudio.testing import Emulator

            self._emulator = Emulator()
        return self._emulator


def _run_case(ctx: Ctx, tmap: Dict[Tuple[str, str], Target], case: Case) -> Dict[str, Any]:
    from approvalstudio import InvalidInputError

    i, owner, method, param, label, factory = case
    if owner == "selftest":
        tmap[(owner, method)] = (owner, method, lambda c: lambda x=None: _selftest(method), inspect.Signature([inspect.Parameter("x", inspect.Parameter.KEYWORD_ONLY)]))
    _o, _m, get, s = tmap[(owner, method)]
    kwargs: Dict[str, Any] = {}
    for p in s.parameters.values():
        if p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        if p.name == param:
            kwargs[p.name] = factory()
        else:
            v = valid_value(owner, method, p.name)
            if v is not OMIT:
                kwargs[p.name] = v
    pos = [kwargs.pop(p.name) for p in s.parameters.values() if p.kind == p.POSITIONAL_ONLY and p.name in kwargs]
    fn = get(ctx)
    res: Dict[str, Any] = {"i": i}
    t0 = time.monotonic()
    try:
        r = fn(*pos, **kwargs)
        if hasattr(r, "close") and owner in ("Client", "Emulator") and method == "__init__":
            r.close()
        res.update(outcome="wrong-exception", detail="no exception: the bad value was accepted")
    except BaseException as e:  # noqa: B902 - PanicException is a BaseException
        text = str(e)
        if type(e).__name__ == "PanicException":
            res.update(outcome="panic", detail=text[:300])
        elif isinstance(e, InvalidInputError):
            named = param in text
            res.update(outcome="ok" if named else "unnamed-argument", detail=f"{type(e).__name__}: {text[:300]}")
        else:
            res.update(outcome="wrong-exception", detail=f"{type(e).__name__}: {text[:300]}")
    res["s"] = round(time.monotonic() - t0, 3)
    return res


def worker_main(url: str, username: str, password: str, start: int, end: int) -> None:
    Env.url, Env.username, Env.password = url, username, password
    tmp = tempfile.mkdtemp(prefix="apst-bad-")
    Env.file = os.path.join(tmp, "a.pdf")
    with open(Env.file, "wb") as f:
        f.write(b"%PDF-1.4\n%%EOF\n")
    Env.outdir = tmp
    ctx = Ctx()
    tmap = {(t[0], t[1]): t for t in targets()}
    all_cases = cases()
    sys.stdout.write('{"ready": true}\n')
    sys.stdout.flush()
    for case in all_cases[start:end]:
        os.write(2, f"@@case {case[0]}\n".encode())
        sys.stdout.write(json.dumps(_run_case(ctx, tmap, case)) + "\n")
        sys.stdout.flush()


# -- the runner: workers in subprocesses, crash and hang detection, counts -------------------------


def run_suite(
    url: str, username: str, password: str, workers: int = WORKERS, case_timeout: float = CASE_TIMEOUT_S
) -> Tuple[Dict[str, int], List[Dict[str, Any]]]:
    all_cases = cases()
    n = len(all_cases)
    results: Dict[int, Dict[str, Any]] = {}
    chunks = [(k * n // workers, (k + 1) * n // workers) for k in range(workers)]
    procs: List[Dict[str, Any]] = []

    def spawn(start: int, end: int) -> Dict[str, Any]:
        err = tempfile.TemporaryFile()
        p = subprocess.Popen(
            [sys.executable, __file__, "--worker", url, username, password, str(start), str(end)],
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=os.path.dirname(os.path.abspath(__file__)),
        )
        return {"p": p, "first": start, "next": start, "end": end, "err": err, "buf": b"", "since": time.monotonic()}

    def scan_stderr(w: Dict[str, Any]) -> None:
        w["err"].seek(0)
        current: Optional[int] = None
        for line in w["err"].read().decode("utf-8", "replace").splitlines():
            if line.startswith("@@case "):
                current = int(line.split()[1])
            elif "panicked at" in line and current is not None:
                results[current] = {"i": current, "outcome": "panic", "detail": line[:300]}

    for a, b in chunks:
        if a < b:
            procs.append(spawn(a, b))
    while procs:
        fds = {w["p"].stdout.fileno(): w for w in procs}
        ready, _, _ = select.select(list(fds), [], [], 0.5)
        now = time.monotonic()
        for fd in ready:
            w = fds[fd]
            data = os.read(fd, 65536)
            if data:
                w["buf"] += data
                while b"\n" in w["buf"]:
                    line, w["buf"] = w["buf"].split(b"\n", 1)
                    r = json.loads(line)
                    w["since"] = now
                    if r.get("ready"):
                        w["ready"] = True
                        continue
                    results.setdefault(r["i"], r)
                    w["next"] = r["i"] + 1
                    w["since"] = now
                continue
            # EOF: the worker ended; a missing case is a crash.
            rc = w["p"].wait()
            scan_stderr(w)
            procs.remove(w)
            if w["next"] < w["end"]:
                results[w["next"]] = {"i": w["next"], "outcome": "crashed", "detail": f"worker exit status {rc}"}
                if w["next"] + 1 < w["end"]:
                    procs.append(spawn(w["next"] + 1, w["end"]))
        for w in list(procs):
            # Before its first case a worker starts up (imports, login, introspection).
            limit = case_timeout if w.get("ready") else 30.0
            if now - w["since"] > limit:
                w["p"].kill()
                w["p"].wait()
                scan_stderr(w)
                procs.remove(w)
                results[w["next"]] = {"i": w["next"], "outcome": "hung", "detail": f"no answer in {limit:.0f} s"}
                if w["next"] + 1 < w["end"]:
                    procs.append(spawn(w["next"] + 1, w["end"]))
    counts = {"cases": n, "ok": 0, "wrong-exception": 0, "unnamed-argument": 0, "crashed": 0, "hung": 0, "panic": 0}
    failures = []
    for c in all_cases:
        r = results.get(c[0], {"i": c[0], "outcome": "crashed", "detail": "no result"})
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
        if r["outcome"] != "ok":
            failures.append({**r, "case": f"{c[1]}.{c[2]}({c[3]}={c[4]})"})
    return counts, failures


def _report(counts: Dict[str, int], failures: List[Dict[str, Any]], elapsed: float) -> str:
    lines = [
        "bad-input suite (Python): " + ", ".join(f"{k} {v}" for k, v in counts.items()) + f" in {elapsed:.1f} s"
    ]
    for f in failures[:60]:
        lines.append(f"  {f['outcome']}: {f['case']}: {f.get('detail', '')}")
    if len(failures) > 60:
        lines.append(f"  ... and {len(failures) - 60} more")
    return "\n".join(lines)


def test_every_method_is_covered() -> None:
    """Every public entry point found has cases (or no parameters), and the count holds."""
    ts = targets()
    owners = {t[0] for t in ts}
    assert {"Client", "projects", "assets", "refdocs", "tasks", "annotations", "users", "webhooks", "review_links", "Emulator", "Deduplicator"} <= owners
    cs = cases()
    covered = {(c[1], c[2]) for c in cs}
    for owner, method, _g, s in ts:
        params = [p for p in s.parameters.values() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
        if params:
            assert (owner, method) in covered, f"{owner}.{method} has no bad-input case"
    assert len(cs) >= 500, len(cs)


@pytest.mark.timeout(60)
def test_runner_sees_crashes_hangs_panics_and_bad_errors(approvalstudio_emulator: Any, monkeypatch: Any) -> None:
    """The runner is not blind: synthetic cases that abort, hang, print a Rust panic, accept
    a bad value or raise an error without the argument's name are each counted as such."""
    monkeypatch.setenv(SELFTEST_ENV, "1")
    emu = approvalstudio_emulator
    counts, failures = run_suite(emu.url, emu.username, emu.password, workers=1, case_timeout=2.0)
    got = {f["case"].split("(")[0]: f["outcome"] for f in failures}
    assert got == {
        "selftest.abort": "crashed",
        "selftest.hang": "hung",
        "selftest.panic": "panic",
        "selftest.accept": "wrong-exception",
        "selftest.unnamed": "unnamed-argument",
    }, failures
    assert counts["ok"] == counts["cases"] - 5


@pytest.mark.timeout(170)
def test_bad_inputs_suite(approvalstudio_emulator: Any, capsys: Any) -> None:
    emu = approvalstudio_emulator
    t0 = time.monotonic()
    counts, failures = run_suite(emu.url, emu.username, emu.password)
    report = _report(counts, failures, time.monotonic() - t0)
    with capsys.disabled():
        print("\n" + report)
    assert counts["cases"] >= 500
    assert counts["ok"] == counts["cases"], report


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    else:
        from approvalstudio.testing import Emulator

        with Emulator() as emu:
            t0 = time.monotonic()
            counts, failures = run_suite(emu.url, emu.username, emu.password)
            print(_report(counts, failures, time.monotonic() - t0))
            sys.exit(0 if counts["ok"] == counts["cases"] else 1)
