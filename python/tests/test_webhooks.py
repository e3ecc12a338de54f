"""Webhook parsing and verification, including real deliveries from the emulator."""

from __future__ import annotations

import http.server
import json
import queue
import threading
import time
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import approvalstudio
from approvalstudio import DecodeError, WebhookVerificationError, webhooks
from approvalstudio.testing import Emulator

pytestmark = pytest.mark.timeout(60)

BODY = (
    b'{"EventId":"e1","EventType":"asset.uploaded","Created":"2021-02-19T12:57:53.1234567",'
    b'"Data":{"ProjectUID":"P1","AssetUID":"A1","Name":"a.pdf","Extra":1}}'
)


def test_parse_typed_event() -> None:
    ev = webhooks.parse_event(BODY)
    assert ev.event_id == "e1"
    assert ev.event_type is webhooks.EventType.ASSET_UPLOADED and ev.event_type == "asset.uploaded"
    assert ev.project_uid == "P1" and ev.asset_uid == "A1" and ev.name == "a.pdf"
    assert ev.created is not None and ev.created.tzinfo is not None and ev.created.year == 2021
    assert ev.raw["Data"]["Extra"] == 1
    assert "e1" in repr(ev)


def test_parse_task_event_and_unknown_type() -> None:
    body = json.dumps(
        {
            "eventid": "e2",
            "eventtype": "task.approved",
            "data": {"TaskUID": "T1", "Task": {"taskUID": "T1", "projectUID": "P9", "status": "Approved"}},
        }
    )
    ev = webhooks.parse_event(body)
    assert ev.event_type is webhooks.EventType.TASK_APPROVED
    assert ev.task_uid == "T1" and ev.task is not None and ev.task.status == "Approved"
    assert ev.project_uid == "P9"
    other = webhooks.parse_event(b'{"EventId":"e3","EventType":"brand.new","Data":{"X":1}}')
    assert other.event_type == "brand.new" and not isinstance(other.event_type, webhooks.EventType)
    assert other.data == {"X": 1}


def test_verification() -> None:
    ev = webhooks.parse_event(BODY, {"api-secret": "s3cret"}, secret="s3cret")
    assert ev.event_id == "e1"
    webhooks.verify([("Api-Secret", "s3cret")], "s3cret")
    webhooks.verify("s3cret", "s3cret")
    with pytest.raises(WebhookVerificationError, match="does not match"):
        webhooks.parse_event(BODY, {"Api-Secret": "wrong"}, secret="s3cret")
    with pytest.raises(WebhookVerificationError, match="no Api-Secret"):
        webhooks.parse_event(BODY, {}, secret="s3cret")
    with pytest.raises(WebhookVerificationError):
        webhooks.parse_event(BODY, None, secret="s3cret")
    with pytest.raises(WebhookVerificationError, match="empty"):
        webhooks.verify({"Api-Secret": ""}, "")


def test_bad_bodies() -> None:
    with pytest.raises(DecodeError):
        webhooks.parse_event(b"not json")
    with pytest.raises(DecodeError, match="EventType"):
        webhooks.parse_event(b'{"EventId":"x"}')
    with pytest.raises(TypeError):
        webhooks.parse_event(123)  # type: ignore[arg-type]


def test_deduplicator() -> None:
    d = webhooks.Deduplicator(2)
    assert d.first_time("a") and not d.first_time("a")
    assert d.first_time("b") and d.first_time("c")
    assert "a" not in d and "c" in d and len(d) == 2


@pytest.fixture
def receiver() -> Iterator[Tuple[str, "queue.Queue[Tuple[bytes, Dict[str, str]]]"]]:
    got: "queue.Queue[Tuple[bytes, Dict[str, str]]]" = queue.Queue()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            got.put((self.rfile.read(n), dict(self.headers.items())))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    finally:
        server.shutdown()
        server.server_close()


def test_real_delivery_verifies(client: approvalstudio.Client, emu: Emulator, receiver: Any) -> None:
    url, got = receiver
    hook = client.webhooks.create(url)
    assert hook.secret
    client.webhooks.test(hook.webhook_uid)
    me = client.users.logged_in()
    client.projects.create("Hooked", [me.user_uid])
    seen: List[webhooks.WebhookEvent] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(seen) < 2:
        try:
            body, headers = got.get(timeout=0.5)
        except queue.Empty:
            continue
        ev = webhooks.parse_event(body, headers, secret=hook.secret)
        seen.append(ev)
        with pytest.raises(WebhookVerificationError):
            webhooks.parse_event(body, headers, secret=hook.secret + "x")
    types = {str(e.event_type) for e in seen}
    assert "webhook.test" in types
    assert "project.created" in types
    assert any(d["eventType"] == "webhook.test" for d in emu.webhook_deliveries())
