"""Regressions of issue 10 (faults and bad input), Python part: no reachable panic, no dropped
argument, the last progress call cancels, validation gaps, errors that name the argument."""

from __future__ import annotations

import datetime as dt
import pathlib
from typing import Any, List

import pytest

import approvalstudio
from approvalstudio import ArgumentTypeError, InvalidInputError, webhooks
from approvalstudio.testing import Emulator

from conftest import PDF_BYTES

pytestmark = pytest.mark.timeout(60)

UID = "A" * 32


def _raises_named(call: Any, arg: str, cls: type = InvalidInputError) -> InvalidInputError:
    """Runs ``call``; it must raise ``cls`` (an InvalidInputError) naming ``arg``."""
    with pytest.raises(cls) as ei:
        call()
    e = ei.value
    assert isinstance(e, InvalidInputError), type(e)
    assert str(e).startswith(arg) or f"{arg}:" in str(e), str(e)
    assert arg in e.fields or any(k.startswith(arg) for k in e.fields), e.fields
    return e


# -- 4: durations and counts are range-checked, no PanicException ---------------------------


@pytest.mark.parametrize("timeout", [1e308, 1e20, 400 * 86400.0, -1.0, 0.0, float("nan"), float("inf"), 10**400])
def test_client_timeout_range(emu: Emulator, timeout: Any) -> None:
    _raises_named(lambda: approvalstudio.Client(emu.url, token="t", timeout=timeout), "timeout")


@pytest.mark.parametrize("timeout", [1e20, 1e308, -0.5, float("nan"), float("-inf")])
def test_wait_processed_timeout_range(client: approvalstudio.Client, timeout: float, capfd: Any) -> None:
    _raises_named(lambda: client.assets.wait_processed(UID, timeout=timeout), "timeout")
    assert "panicked" not in capfd.readouterr().err


@pytest.mark.parametrize("n", [-1, 100, 10**30])
def test_max_retries_range(emu: Emulator, n: int) -> None:
    _raises_named(lambda: approvalstudio.Client(emu.url, token="t", max_retries=n), "max_retries")


def test_max_retries_bounds_accepted(emu: Emulator) -> None:
    approvalstudio.Client(emu.url, token="t", max_retries=0).close()
    approvalstudio.Client(emu.url, token="t", max_retries=99, timeout=365 * 86400.0).close()


@pytest.mark.parametrize("n", [0, -1, 10**12])
def test_upload_many_concurrency_range(client: approvalstudio.Client, pdf: pathlib.Path, n: int) -> None:
    _raises_named(lambda: client.assets.upload_many(UID, [pdf], concurrency=n), "concurrency")


@pytest.mark.parametrize("page", [-1, 2**31, 2**32, 10**40])
def test_annotation_page_range(client: approvalstudio.Client, page: int) -> None:
    _raises_named(lambda: client.annotations.create(UID, "t", page=page), "page")


def test_native_layer_has_the_same_checks(emu: Emulator) -> None:
    """Direct use of the native module gets the same exceptions (no panic, no OverflowError)."""
    from approvalstudio import _native

    _raises_named(lambda: _native.NativeClient(emu.url, token="t", timeout=1e308), "timeout")
    _raises_named(lambda: _native.NativeClient(emu.url, token="t", max_retries=-1), "max_retries")
    _raises_named(lambda: _native.NativeClient("\udcff"), "base_url")
    with approvalstudio.Client(emu.url, username=emu.username, password=emu.password) as c:
        n = c._native
        _raises_named(lambda: n.call("assets.wait_processed", {"asset_uid": UID, "timeout": 1e20}), "timeout")
        _raises_named(lambda: n.call("assets.upload_many", {"project_uid": UID, "paths": [b"/x"], "concurrency": -3}), "concurrency")
        _raises_named(lambda: n.call("annotations.create", {"asset_uid": UID, "text": "t", "region": {"x": 1}}), "region")
        _raises_named(lambda: n.call("projects.get", {"project_uid": "\udcff"}), "project_uid")
        _raises_named(lambda: n.call("projects.create", {"name": "n", "owner_uids": {"a": 1}}), "owner_uids", ArgumentTypeError)


# -- 5: no dropped argument ---------------------------------------------------------------------


def test_update_sends_client_uid(client: approvalstudio.Client, project: approvalstudio.Project) -> None:
    tenant = client.users.list()[0].client_uid
    p = client.projects.update(project.project_uid, client_uid=tenant, name="Renamed")
    assert p.name == "Renamed"
    # Not dropped: a malformed one is rejected, naming it.
    _raises_named(lambda: client.projects.update(project.project_uid, client_uid="bad uid"), "client_uid")


@pytest.mark.parametrize("arg", ["template_uid", "folder_uid", "client_uid"])
def test_update_rejects_empty_uids(client: approvalstudio.Client, emu: Emulator, project: approvalstudio.Project, arg: str) -> None:
    emu.clear_requests()
    kwargs: Any = {arg: ""}
    _raises_named(lambda: client.projects.update(project.project_uid, **kwargs), arg)
    assert emu.requests(method="PUT") == [] and emu.requests(method="POST") == []


def test_every_keyword_argument_reaches_the_native_layer() -> None:
    """Each method's parameters (but the progress callback) are all in the argument dict the
    native layer reads, and the native layer reads every key it is given: found by calling each
    method with a recording stand-in for the native client."""
    import inspect

    from test_bad_inputs import OMIT, valid_value

    client = approvalstudio.Client("http://127.0.0.1:9", token="t")
    seen: List[Any] = []

    class Recorder:
        def call(self, op: str, args: dict, progress: Any = None) -> Any:  # type: ignore[type-arg]
            seen.append((op, dict(args)))
            raise _Stop

    class _Stop(Exception):
        pass

    client._native = Recorder()  # type: ignore[assignment]
    native_src = (pathlib.Path(__file__).parents[1] / "src" / "client.rs").read_text()
    for res_name in ("projects", "assets", "refdocs", "tasks", "annotations", "users", "webhooks", "review_links"):
        res = getattr(client, res_name)
        for name, fn in inspect.getmembers(res, inspect.ismethod):
            if name.startswith("_"):
                continue
            sig = inspect.signature(fn)
            kwargs = {}
            for p in sig.parameters.values():
                v = valid_value(res_name, name, p.name)
                if v is not OMIT:
                    kwargs[p.name] = v
            seen.clear()
            with pytest.raises(_Stop):
                fn(**kwargs)
            op, args = seen[0]
            assert op == f"{res_name}.{name}", op
            for p in sig.parameters.values():
                if p.name == "progress":
                    continue
                assert p.name in args, f"{op}: argument {p.name} is not passed to the native layer"
                # ... and the native layer reads it for this operation.
                arm = native_src[native_src.index(f'"{op}"') :]
                arm = arm[: arm.index("\n        \"", 10)] if "\n        \"" in arm[10:] else arm
                assert f'"{p.name}"' in arm, f"{op}: the native layer does not read {p.name}"


# -- 6: raising in the last (only) progress call cancels ----------------------------------------


class Stop(Exception):
    pass


def test_raise_in_the_only_upload_callback_cancels(
    client: approvalstudio.Client, emu: Emulator, project: approvalstudio.Project, pdf: pathlib.Path
) -> None:
    calls: List[approvalstudio.Progress] = []

    def progress(p: approvalstudio.Progress) -> None:
        calls.append(p)
        raise Stop("no")

    with pytest.raises(Stop):
        client.assets.upload(project.project_uid, pdf, progress=progress)
    assert len(calls) == 1 and calls[0].done == len(PDF_BYTES)  # the final (only) call
    # Nothing was uploaded.
    assert client.projects.get(project.project_uid, load_assets=True).assets == []
    with pytest.raises(Stop):
        client.refdocs.upload(project.project_uid, pdf, progress=progress)
    assert client.projects.get(project.project_uid, load_refdocs=True).ref_docs == []


def test_raise_in_the_only_download_callback_leaves_no_file(
    client: approvalstudio.Client, project: approvalstudio.Project, pdf: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    uid = client.assets.upload(project.project_uid, pdf)
    client.assets.wait_processed(uid, timeout=30)
    out = tmp_path / "out"
    out.mkdir()
    calls: List[approvalstudio.Progress] = []

    def progress(p: approvalstudio.Progress) -> None:
        calls.append(p)
        raise Stop("no")

    with pytest.raises(Stop):
        client.assets.download(uid, out / "a.pdf", progress=progress)
    assert calls and calls[-1].done == len(PDF_BYTES)
    assert list(out.iterdir()) == []  # no file, no temporary left behind
    with pytest.raises(Stop):
        client.assets.download(uid, out, progress=progress)  # into a directory
    assert list(out.iterdir()) == []
    # Without a raise the same download works.
    got = client.assets.download(uid, out / "a.pdf", progress=lambda p: None)
    assert got.read_bytes() == PDF_BYTES


def test_applied_error_attributes_pickle() -> None:
    import pickle

    e = approvalstudio.CancelledError("x", applied=True, created_uid="U1")
    e2 = pickle.loads(pickle.dumps(e))
    assert e2.applied and e2.created_uid == "U1"
    assert not approvalstudio.CancelledError("y").applied


# -- 10: validation gaps ----------------------------------------------------------------------


@pytest.mark.parametrize("bad", [{"a": 1}, {"A" * 32}, frozenset({"A" * 32}), "A" * 32, b"AB", 5, iter(["A" * 32])])
def test_review_link_asset_lists(client: approvalstudio.Client, emu: Emulator, project: approvalstudio.Project, bad: Any) -> None:
    emu.clear_requests()
    _raises_named(lambda: client.review_links.create(project.project_uid, "L", asset_uids=bad), "asset_uids", ArgumentTypeError)
    _raises_named(lambda: client.review_links.add_assets(project.project_uid, "x", bad), "asset_uids", ArgumentTypeError)
    assert [r for r in emu.requests() if r["method"] != "GET"] == []


def test_review_link_asset_lists_accept_tuples(client: approvalstudio.Client, project: approvalstudio.Project, pdf: pathlib.Path) -> None:
    uid = client.assets.upload(project.project_uid, pdf)
    link = client.review_links.create(project.project_uid, "L", asset_uids=(uid,))
    assert uid in link.asset_uids
    _raises_named(lambda: client.review_links.add_assets(project.project_uid, link.id, ["a/b"]), "asset_uids")


@pytest.mark.parametrize("ch", ["\r", "\n", "\x00", "\r\n"])
def test_control_characters_in_urls_and_tokens(client: approvalstudio.Client, emu: Emulator, project: approvalstudio.Project, ch: str) -> None:
    emu.clear_requests()
    _raises_named(lambda: client.webhooks.create(f"https://example.com/hook{ch}X: y"), "url")
    _raises_named(lambda: client.refdocs.add_url(project.project_uid, f"https://example.com/{ch}x"), "url")
    _raises_named(lambda: client.refdocs.upload_url(project.project_uid, f"https://example.com/{ch}x.pdf"), "url")
    _raises_named(lambda: client.assets.upload_url(project.project_uid, f"https://example.com/{ch}x.pdf"), "url")
    _raises_named(lambda: approvalstudio.Client(emu.url, token=f"abc{ch}def"), "token")
    _raises_named(lambda: approvalstudio.Client(f"{emu.url}{ch}"), "base_url")
    assert [r for r in emu.requests() if r["method"] != "GET"] == []


def test_long_query_is_local(client: approvalstudio.Client) -> None:
    _raises_named(lambda: client.projects.list(query="x" * 100_000), "query")


# -- 11: errors name the argument -----------------------------------------------------------------


def test_lone_surrogates(client: approvalstudio.Client, emu: Emulator, owner_uid: str) -> None:
    e = _raises_named(lambda: client.projects.create("\udcff", [owner_uid]), "name")
    assert "UTF-8" in str(e) and not isinstance(e, TypeError)
    _raises_named(lambda: client.projects.create("P", [owner_uid, "\udcff"]), "owner_uids[1]")
    _raises_named(lambda: approvalstudio.Client(emu.url, username="\udcff", password="p"), "username")
    _raises_named(lambda: approvalstudio.Client(emu.url, username="u", password="\ud800"), "password")
    _raises_named(lambda: approvalstudio.Client("\udcff"), "base_url")
    _raises_named(lambda: webhooks.parse_event("\udcff"), "body")
    _raises_named(lambda: webhooks.parse_event(b"{}", {"Api-Secret": "s"}, secret="\udcff"), "secret")
    _raises_named(lambda: webhooks.Deduplicator().first_time("\udcff"), "event_id")


def test_deduplicator_arguments() -> None:
    _raises_named(lambda: webhooks.Deduplicator(-1), "capacity")
    _raises_named(lambda: webhooks.Deduplicator(0), "capacity")
    _raises_named(lambda: webhooks.Deduplicator(10**30), "capacity")
    e = _raises_named(lambda: webhooks.Deduplicator("10"), "capacity", ArgumentTypeError)  # type: ignore[arg-type]
    assert isinstance(e, TypeError) and "int" in str(e)
    _raises_named(lambda: webhooks.Deduplicator(True), "capacity", ArgumentTypeError)  # type: ignore[arg-type]
    _raises_named(lambda: webhooks.Deduplicator().first_time(5), "event_id", ArgumentTypeError)  # type: ignore[arg-type]
    assert 5 not in webhooks.Deduplicator()  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue]
    assert len(webhooks.Deduplicator(1)) == 0


@pytest.mark.parametrize("headers", [5, 1.5, b"Api-Secret: s", object(), [("Api-Secret",)], ["x"]])
def test_parse_event_headers_type(headers: Any) -> None:
    _raises_named(lambda: webhooks.parse_event(b"{}", headers, secret="s"), "headers")


def test_parse_event_other_arguments() -> None:
    _raises_named(lambda: webhooks.parse_event(5), "body", ArgumentTypeError)  # type: ignore[arg-type]
    _raises_named(lambda: webhooks.parse_event(b"{}", {"Api-Secret": "s"}, secret=5), "secret", ArgumentTypeError)  # type: ignore[arg-type]
    _raises_named(lambda: webhooks.verify({"Api-Secret": "s"}, None), "secret", ArgumentTypeError)  # type: ignore[arg-type]
    # A header value that is not text never matches (an untrusted value, not an argument error).
    with pytest.raises(approvalstudio.WebhookVerificationError):
        webhooks.verify({"Api-Secret": "\udcff"}, "s")
    # bytes header names and values (some servers give them) are read as latin-1.
    webhooks.verify([(b"Api-Secret", b"s")], "s")


@pytest.mark.parametrize(
    "region, arg",
    [
        ({"x": 1}, "region"),
        ({"x": 1, "y": 2, "width": 3, "height": 4, "z": 5}, "region"),
        ((1, 2, 3), "region"),
        ((1, 2, 3, "4"), "region.height"),
        ((1, float("nan"), 3, 4), "region.y"),
        ((1, 2, float("inf"), 4), "region.width"),
        ((1, 2, -3, 4), "region.width"),
        ([1, 2, 3, 4], "region"),
        ("1,2,3,4", "region"),
    ],
)
def test_annotation_region(client: approvalstudio.Client, region: Any, arg: str) -> None:
    _raises_named(lambda: client.annotations.create(UID, "t", region=region), arg)


@pytest.mark.parametrize(
    "when",
    [
        dt.datetime.max.replace(tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        dt.datetime.min.replace(tzinfo=dt.timezone(dt.timedelta(hours=5))),
    ],
)
def test_datetimes_out_of_range(client: approvalstudio.Client, owner_uid: str, when: dt.datetime) -> None:
    _raises_named(lambda: client.projects.create("P", [owner_uid], due_date=when), "due_date")
    _raises_named(lambda: client.review_links.create(UID, "L", expires_at=when), "expires_at")


def test_projects_get_names_itself(client: approvalstudio.Client) -> None:
    with pytest.raises(approvalstudio.NotFoundError) as ei:
        client.projects.get("NOPE")
    assert ei.value.operation == "projects.get"
    assert "projects.get" in str(ei.value) and "projects.list" not in str(ei.value)


def test_operation_is_the_python_method(client: approvalstudio.Client) -> None:
    with pytest.raises(approvalstudio.NotFoundError) as ei:
        client.tasks.review_asset(UID, UID, [UID])
    assert ei.value.operation == "tasks.review_asset"
    with pytest.raises(approvalstudio.ApprovalStudioError) as ei2:
        client.projects.move_to_kanban_column(UID, UID)
    assert ei2.value.operation == "projects.move_to_kanban_column"


def test_credentials_message_is_pythonic(emu: Emulator) -> None:
    with approvalstudio.Client(emu.url) as c:
        with pytest.raises(approvalstudio.ApprovalStudioError) as ei:
            c.users.logged_in()
        text = str(ei.value) + ei.value.message
        assert "ClientBuilder" not in text
    with approvalstudio.Client(emu.url, token="t") as c:
        with pytest.raises(InvalidInputError) as ei2:
            c.login()
        assert "ClientBuilder" not in str(ei2.value)
        assert "username" in str(ei2.value)
    _raises_named(lambda: approvalstudio.Client(emu.url, username="u"), "username/password")


@pytest.mark.parametrize(
    "call, arg",
    [
        (lambda c: c.projects.list(states=["Bogus"]), "states[0]"),
        (lambda c: c.projects.list(states={"Active"}), "states"),
        (lambda c: c.tasks.list(types=["Bogus"]), "types[0]"),
        (lambda c: c.tasks.list(types={"a": 1}), "types"),
        (lambda c: c.tasks.complete(UID, status="Bogus"), "status"),
        (lambda c: c.review_links.send(UID, "x", ["a@example.com"], email_language="Klingon"), "email_language"),
        (lambda c: c.projects.set_state(UID, "Nope"), "state"),
    ],
)
def test_enum_arguments(client: approvalstudio.Client, call: Any, arg: str) -> None:
    _raises_named(lambda: call(client), arg)


def test_enum_values_any_case(client: approvalstudio.Client, project: approvalstudio.Project) -> None:
    assert any(p.project_uid == project.project_uid for p in client.projects.list(states=["active"]))


def test_wrong_types_are_both_invalid_input_and_type_error(client: approvalstudio.Client) -> None:
    e = _raises_named(lambda: client.projects.get(None), "project_uid", ArgumentTypeError)  # type: ignore[arg-type]
    assert isinstance(e, TypeError) and isinstance(e, ValueError)
    assert e.kind == "invalid_input"


def _three_files(tmp_path: pathlib.Path) -> List[pathlib.Path]:
    files = []
    for i in range(3):
        p = tmp_path / f"f{i}.pdf"
        p.write_bytes(PDF_BYTES)
        files.append(p)
    return files


def test_raise_in_an_upload_many_callback_propagates(
    client: approvalstudio.Client, emu: Emulator, project: approvalstudio.Project, tmp_path: pathlib.Path
) -> None:
    files = _three_files(tmp_path)
    emu.faults("/api/v1/asset/upload", latency_ms=400)  # the batch is still running at the first call
    calls: List[approvalstudio.Progress] = []

    def progress(p: approvalstudio.Progress) -> None:
        calls.append(p)
        raise Stop("no")

    with pytest.raises(Stop):
        client.assets.upload_many(project.project_uid, files, concurrency=1, progress=progress)
    assert len(calls) == 1  # not called again after it raised
    emu.clear_faults()
    assert len(client.projects.get(project.project_uid, load_assets=True).assets) < len(files)


def test_raise_at_the_final_call_of_a_finished_batch_says_what_was_uploaded(
    client: approvalstudio.Client, project: approvalstudio.Project, tmp_path: pathlib.Path
) -> None:
    """A batch has no commit point: raising at its final (100 %) call may come after every
    file was uploaded. Then the error says so (applied, the files and their UIDs), not just the
    callback's exception; if the cancel still caught the batch, the callback's exception."""
    files = _three_files(tmp_path)
    total = 3 * len(PDF_BYTES)

    def progress(p: approvalstudio.Progress) -> None:
        if p.done == total:
            raise Stop("no")

    with pytest.raises((Stop, approvalstudio.CancelledError)) as ei:
        client.assets.upload_many(project.project_uid, files, concurrency=3, progress=progress)
    assets = client.projects.get(project.project_uid, load_assets=True).assets
    if isinstance(ei.value, approvalstudio.CancelledError):
        e = ei.value
        assert e.applied and isinstance(e.__cause__, Stop)
        assert e.operation == "assets.upload_many"
        for a in assets:
            assert a.asset_uid in str(e) and str(a.name) in str(e)
        assert f"{len(assets)} of 3 files" in str(e)


def test_secrets_are_not_echoed_in_argument_errors(emu: Emulator) -> None:
    for kwargs in ({"username": "u", "password": "s3cr\udcffet"}, {"token": "s3cr\udcffet"}, {"token": "s3cr\r\net"}):
        with pytest.raises(InvalidInputError) as ei:
            approvalstudio.Client(emu.url, **kwargs)  # type: ignore[arg-type]
        text = f"{ei.value} {ei.value!r} {ei.value.fields}"
        assert "s3cr" not in text and "\udcff" not in text, text
