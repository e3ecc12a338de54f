"""Every exception type, raised from real emulator responses (faults and configuration of the
emulator produce the statuses), plus their attributes, pickling and str()."""

from __future__ import annotations

import pickle
import socket

import pytest

import approvalstudio
from approvalstudio import (
    AmbiguousRequestError,
    ApiError,
    ApprovalStudioError,
    AuthenticationError,
    DecodeError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    StateConflictError,
    TransportError,
    ValidationError,
)
from approvalstudio.testing import Emulator

pytestmark = pytest.mark.timeout(60)

MISSING = "0" * 32


def test_hierarchy() -> None:
    for cls in (
        ValidationError,
        AuthenticationError,
        ForbiddenError,
        NotFoundError,
        StateConflictError,
        RateLimitError,
        ServerError,
    ):
        assert issubclass(cls, ApiError)
    assert issubclass(ApiError, ApprovalStudioError)
    assert issubclass(TransportError, ConnectionError)
    assert issubclass(RequestTimeoutError, TimeoutError)
    assert issubclass(RequestTimeoutError, TransportError)
    assert issubclass(InvalidInputError, ValueError)
    assert issubclass(approvalstudio.WebhookVerificationError, ApprovalStudioError)


def test_not_found(client: approvalstudio.Client) -> None:
    with pytest.raises(NotFoundError) as ei:
        client.assets.get(MISSING)
    e = ei.value
    assert e.status_code == 404
    assert e.message
    assert "404" in str(e)
    assert e.kind == "not_found"


def test_validation_400(client: approvalstudio.Client, emu: Emulator, project: approvalstudio.Project) -> None:
    emu.faults(
        "/api/v1/project",
        method="PUT",
        status=400,
        body='{"errors":{"customer":["The field customer is invalid."]},"title":"One or more validation errors occurred.","status":400,"traceId":"00-abc-01"}',
    )
    with pytest.raises(ValidationError) as ei:
        client.projects.update(project.project_uid, customer="x")
    e = ei.value
    assert e.status_code == 400
    assert e.fields.get("customer") == ["The field customer is invalid."]
    assert e.trace_id == "00-abc-01"
    assert "customer" in str(e) and "00-abc-01" in str(e)


def test_validation_400_from_the_server(client: approvalstudio.Client, project: approvalstudio.Project, pdf) -> None:
    asset_uid = client.assets.upload(project.project_uid, pdf)
    with pytest.raises(ValidationError) as ei:
        client.annotations.create(asset_uid, "x" * 4001)  # the server's limit, not checked locally
    e = ei.value
    assert e.status_code == 400 and e.trace_id
    assert "text" in e.fields and "text" in str(e)
    # A page beyond the processed asset's last page: the server's 412.
    client.assets.wait_processed(asset_uid, timeout=30)
    with pytest.raises(approvalstudio.StateConflictError) as ei2:
        client.annotations.create(asset_uid, "far away", page=200_000)
    assert ei2.value.status_code == 412


def test_authentication_wrong_password(emu: Emulator) -> None:
    with emu.client(password="wrong") as c:
        with pytest.raises(AuthenticationError) as ei:
            c.users.logged_in()
    assert ei.value.status_code == 401
    assert "wrong" not in str(ei.value)


def test_authentication_expired_token(emu: Emulator) -> None:
    emu.config(token_ttl=60)
    with emu.client() as c:
        token = c.login().token
        assert token
    with emu.client(username=None, password=None, token=token) as t:
        assert t.users.logged_in().email == emu.username
        emu.advance_clock(120)
        assert t.validate() is False  # a token-only client cannot log in again
        with pytest.raises(AuthenticationError) as ei:
            t.users.logged_in()
    assert ei.value.status_code == 401
    assert token not in str(ei.value) and token not in repr(ei.value)


def test_forbidden_lite_plan(emu: Emulator) -> None:
    with emu.client(username="lite@example.com", password="lite-password") as c:
        with pytest.raises(ForbiddenError) as ei:
            c.users.logged_in()
    assert ei.value.status_code == 403


def test_state_conflicts(client: approvalstudio.Client, project: approvalstudio.Project, owner_uid: str, pdf) -> None:
    uid = project.project_uid
    # 406: already in that state.
    with pytest.raises(StateConflictError) as ei:
        client.projects.set_state(uid, approvalstudio.ProjectState.ACTIVE)
    assert ei.value.status_code == 406
    # 412: delete an Active project.
    with pytest.raises(StateConflictError) as ei:
        client.projects.delete(uid)
    assert ei.value.status_code == 412
    # 410: complete a task twice.
    task = client.tasks.asset_upload(uid, owner_uid)
    client.tasks.complete(task.task_uid)
    with pytest.raises(StateConflictError) as ei:
        client.tasks.complete(task.task_uid)
    assert ei.value.status_code == 410


def test_rate_limit(emu: Emulator) -> None:
    with emu.client() as c:
        c.login()
        emu.config(quota={"limit": 2, "period": "1h"})
        # The client stops on its own once X-Rate-Limit-Remaining says 0 (no 429 needed) ...
        with pytest.raises(RateLimitError) as ei:
            for _ in range(5):
                c.users.logged_in()
        assert ei.value.retry_after is not None and ei.value.retry_after > 60
    # ... and a fresh client gets the server's 429 (plain-text body, Retry-After).
    with emu.client() as fresh:
        with pytest.raises(RateLimitError) as ei:
            fresh.users.logged_in()
    e = ei.value
    assert e.status_code == 429
    assert e.retry_after is not None and e.retry_after > 60
    assert "retry after" in str(e)
    assert any(r["status"] == 429 for r in emu.requests())


def test_server_error(client: approvalstudio.Client, emu: Emulator) -> None:
    client.login()
    emu.faults("/api/v1/user/loggedin", status=503)
    with pytest.raises(ServerError) as ei:
        client.users.logged_in()
    assert ei.value.status_code == 503
    # GETs are retried: the emulator saw more than one attempt.
    assert len(emu.requests(path="/api/v1/user/loggedin")) > 1


def test_ambiguous_create(client: approvalstudio.Client, emu: Emulator, owner_uid: str) -> None:
    emu.faults("/api/v1/project", method="POST", action="reset", after=True)
    with pytest.raises(AmbiguousRequestError) as ei:
        client.projects.create("Maybe created", [owner_uid])
    assert "may have been applied" in str(ei.value)
    # Not retried: exactly one POST reached the server.
    assert len(emu.requests(method="POST", path="/api/v1/project")) == 1


def test_transport_error() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with approvalstudio.Client(f"http://127.0.0.1:{port}", token="t", max_retries=1) as c:
        with pytest.raises(TransportError) as ei:
            c.users.logged_in()
    assert isinstance(ei.value, ConnectionError)


def test_timeout(emu: Emulator) -> None:
    with emu.client(timeout=0.3, max_retries=1) as c:
        c.login()
        emu.faults("/api/v1/user/loggedin", latency_ms=3000)
        with pytest.raises(RequestTimeoutError) as ei:
            c.users.logged_in()
    assert isinstance(ei.value, TimeoutError)


def test_decode_error(client: approvalstudio.Client, emu: Emulator) -> None:
    client.login()
    emu.faults("/api/v1/user/loggedin", status=200, body="this is not json")
    with pytest.raises(DecodeError):
        client.users.logged_in()


def test_invalid_input_names_the_argument(client: approvalstudio.Client, owner_uid: str) -> None:
    with pytest.raises(InvalidInputError) as ei:
        client.projects.create("P", [owner_uid], customer="x" * 51)
    assert "customer" in str(ei.value)
    assert isinstance(ei.value, ValueError)
    with pytest.raises(InvalidInputError) as ei:
        client.projects.create("P", [owner_uid], tags=[f"t{i}" for i in range(21)])
    assert "tags" in str(ei.value)
    with pytest.raises(InvalidInputError):
        client.projects.create("P", [])
    with pytest.raises(InvalidInputError):
        client.projects.create("P", [owner_uid], description="d" * 201)
    with pytest.raises(InvalidInputError):
        client.projects.get("not a uid")


def test_pickle_round_trip(client: approvalstudio.Client) -> None:
    with pytest.raises(NotFoundError) as ei:
        client.assets.get(MISSING)
    e = ei.value
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is NotFoundError
    assert (e2.status_code, e2.message, e2.kind, str(e2)) == (e.status_code, e.message, e.kind, str(e))
    v = ValidationError("bad", status_code=400, fields={"a": ["b"]}, trace_id="t", retry_after=None)
    v2 = pickle.loads(pickle.dumps(v))
    assert v2.fields == {"a": ["b"]} and v2.trace_id == "t"
    r = pickle.loads(pickle.dumps(RateLimitError("slow", status_code=429, retry_after=3.0)))
    assert r.retry_after == 3.0


@pytest.mark.parametrize("name", approvalstudio.errors.__all__)
def test_every_exception_pickles_with_its_attributes(name: str) -> None:
    cls = getattr(approvalstudio, name)
    assert issubclass(cls, ApprovalStudioError)
    e = cls(
        "what failed; what to do",
        status_code=418,
        trace_id="t-1",
        body="{}",
        retry_after=2.5,
        fields={"f": ["bad"]},
        kind="k",
        operation="op.name",
    )
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is cls
    for attr in ("message", "status_code", "trace_id", "body", "retry_after", "fields", "kind", "operation"):
        assert getattr(e2, attr) == getattr(e, attr), attr
    assert str(e2) == str(e)
    assert "what failed" in str(e) and "HTTP 418" in str(e) and "t-1" in str(e)
