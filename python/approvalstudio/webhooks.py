"""Receiving webhook deliveries.

The service POSTs ``{EventId, EventType, Created, Data}`` to your URL with the header
``Api-Secret: <the webhook's secret>``, and retries anything but HTTP 200 for about 30
minutes, so the same ``EventId`` can arrive more than once::

    from approvalstudio import webhooks

    dedup = webhooks.Deduplicator()

    def handle(body: bytes, headers) -> int:
        try:
            event = webhooks.parse_event(body, headers, secret=MY_SECRET)
        except approvalstudio.WebhookVerificationError:
            return 401
        if dedup.first_time(event.event_id):
            if event.event_type == webhooks.EventType.ASSET_UPLOADED:
                print("new asset", event.asset_uid, "in", event.project_uid)
        return 200
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Dict, Mapping, Optional, Union

from . import _args as _a
from . import _native
from .errors import WebhookVerificationError
from .models import Project, Task, parse_datetime

__all__ = [
    "SECRET_HEADER",
    "EventType",
    "WebhookEvent",
    "parse_event",
    "verify",
    "Deduplicator",
]

SECRET_HEADER = "Api-Secret"
"""Name of the header that carries the webhook's secret."""


class EventType(str, enum.Enum):
    """The documented event types (an unknown type is kept as a plain ``str``)."""

    PROJECT_CREATED = "project.created"
    PROJECT_EDITED = "project.edited"
    PROJECT_STATE = "project.state"
    ASSET_UPLOADED = "asset.uploaded"
    ASSET_DELETED = "asset.deleted"
    REFDOC_UPLOADED = "refdoc.uploaded"
    REFDOC_DELETED = "refdoc.deleted"
    ANNOTATION_ADDED = "annotation.added"
    ANNOTATION_EDITED = "annotation.edited"
    ANNOTATION_DELETED = "annotation.deleted"
    TASK_CREATED = "task.created"
    TASK_COMPLETED = "task.completed"
    TASK_DELETED = "task.deleted"
    TASK_APPROVED = "task.approved"
    TASK_REJECTED = "task.rejected"
    WEBHOOK_TEST = "webhook.test"

    def __str__(self) -> str:
        return str(self.value)


def _event_type(s: str) -> Union[EventType, str]:
    for m in EventType:
        if m.value == s.lower():
            return m
    return s


class WebhookEvent:
    """A parsed delivery. ``event_type`` is an :class:`EventType` (or the string sent, for
    types this version does not know); ``data`` is the event's ``Data`` as typed by the core
    (PascalCase keys); the convenience attributes are ``None`` when the event has no such
    field."""

    __slots__ = ("event_id", "event_type", "created", "data", "raw")

    event_id: str
    event_type: Union[EventType, str]
    created: Optional[datetime]
    data: Dict[str, Any]
    raw: Any

    def __init__(self, parsed: Mapping[str, Any]) -> None:
        self.event_id = str(parsed.get("event_id") or "")
        self.event_type = _event_type(str(parsed.get("event_type") or ""))
        self.created = parse_datetime(parsed.get("created"))
        data = parsed.get("data")
        self.data = dict(data) if isinstance(data, dict) else {}
        self.raw = parsed.get("raw")

    def _get(self, key: str) -> Any:
        for k, v in self.data.items():
            if k.lower() == key.lower():
                return v
        return None

    def _str(self, key: str) -> Optional[str]:
        v = self._get(key)
        return None if v in (None, "") else str(v)

    @property
    def project_uid(self) -> Optional[str]:
        """``Data.ProjectUID`` (project, asset, refdoc and annotation events; else the
        task's or the project's)."""
        uid = self._str("ProjectUID")
        if uid is None and self.project is not None:
            uid = self.project.project_uid or None
        if uid is None and self.task is not None:
            uid = self.task.project_uid
        return uid

    @property
    def asset_uid(self) -> Optional[str]:
        """``Data.AssetUID`` (asset and annotation events)."""
        return self._str("AssetUID")

    @property
    def ref_doc_uid(self) -> Optional[str]:
        """``Data.RefDocUID`` (refdoc events)."""
        return self._str("RefDocUID")

    @property
    def annotation_uid(self) -> Optional[str]:
        """``Data.AnnotationUID`` (annotation events)."""
        return self._str("AnnotationUID")

    @property
    def task_uid(self) -> Optional[str]:
        """``Data.TaskUID`` (task events)."""
        uid = self._str("TaskUID")
        if uid is None and self.task is not None:
            uid = self.task.task_uid or None
        return uid

    @property
    def name(self) -> Optional[str]:
        """``Data.Name`` (created/uploaded events)."""
        return self._str("Name")

    @property
    def attribute(self) -> Optional[str]:
        """``Data.Attribute`` (``project.edited``)."""
        return self._str("Attribute")

    @property
    def value(self) -> Any:
        """``Data.Value`` (``project.edited``, ``project.state``)."""
        return self._get("Value")

    @property
    def text(self) -> Optional[str]:
        """``Data.Text`` (annotation events)."""
        return self._str("Text")

    @property
    def project(self) -> Optional[Project]:
        """``Data.Project`` as a record, when sent."""
        v = self._get("Project")
        return Project._from_data(v, v) if isinstance(v, dict) else None

    @property
    def task(self) -> Optional[Task]:
        """``Data.Task`` as a record (task events), when sent."""
        v = self._get("Task")
        return Task._from_data(v, v) if isinstance(v, dict) else None

    def __repr__(self) -> str:
        return (
            f"WebhookEvent(event_id={self.event_id!r}, event_type={str(self.event_type)!r}, "
            f"created={self.created!r})"
        )


_HEADERS_TYPE = "a mapping, a list of (name, value) pairs or the header's value as a str"


def _header(headers: Any, name: str) -> Optional[str]:
    """The value of header ``name`` in ``headers`` (see :func:`verify`), or None."""
    if headers is None:
        return None
    if isinstance(headers, (bytes, bytearray, memoryview, int, float, complex, bool)):
        raise _a.wrong_type("headers", _HEADERS_TYPE, headers)
    getter = getattr(headers, "get", None)
    if callable(getter):
        v = getter(name)
        if v is not None:
            return _header_value(v)
    items: Any
    if hasattr(headers, "items") and callable(headers.items):
        items = headers.items()
    elif isinstance(headers, (list, tuple)):
        items = headers
    else:
        raise _a.wrong_type("headers", _HEADERS_TYPE, headers)
    for i, item in enumerate(items):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise _a.bad("headers", f"item {i} is not a (name, value) pair")
        k, v = item
        if isinstance(k, bytes):
            k = k.decode("latin-1")
        if isinstance(k, str) and k.lower() == name.lower():
            return _header_value(v)
    return None


def _header_value(v: Any) -> str:
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).decode("latin-1")
    return str(v)


def verify(headers: Any, secret: str) -> None:
    """Checks the ``Api-Secret`` header of a delivery against the webhook's ``secret`` in
    constant time; raises :class:`~approvalstudio.WebhookVerificationError` when it is
    missing or wrong (or ``secret`` is empty). ``headers`` is a mapping (``dict``,
    ``http.client.HTTPMessage``, ``email.message.Message``...), a list of ``(name, value)``
    pairs, or the header's value as a ``str``; another type raises
    :class:`~approvalstudio.ArgumentTypeError`."""
    secret = _a.text("secret", secret)
    if not secret:
        raise WebhookVerificationError("the expected webhook secret is empty")
    value = headers if isinstance(headers, str) else _header(headers, SECRET_HEADER)
    if value is None:
        raise WebhookVerificationError(f"the delivery has no {SECRET_HEADER} header")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # Not text the secret can equal (bytes decoded with surrogateescape).
        raise WebhookVerificationError(
            f"the {SECRET_HEADER} header does not match the webhook's secret"
        ) from None
    if not _native.verify_secret(value, secret):
        raise WebhookVerificationError(f"the {SECRET_HEADER} header does not match the webhook's secret")


def parse_event(
    body: Union[bytes, bytearray, memoryview, str],
    headers: Any = None,
    secret: Optional[str] = None,
) -> WebhookEvent:
    """Parses a delivery's body. With ``secret``, first verifies the ``Api-Secret`` header in
    ``headers`` (see :func:`verify`). Raises :class:`~approvalstudio.DecodeError` when the
    body is not a JSON object with an ``EventType``, and
    :class:`~approvalstudio.InvalidInputError` (naming the argument) for an argument of
    the wrong type or a ``str`` body that is not encodable as UTF-8."""
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    if isinstance(body, str):
        _a.utf8("body", body)
    elif not isinstance(body, bytes):
        raise _a.wrong_type("body", "bytes or str", body)
    if secret is not None:
        verify(headers, secret)
    elif headers is not None and not isinstance(headers, str):
        _header(headers, SECRET_HEADER)  # type-checks headers even when not verifying
    return WebhookEvent(_native.parse_event(body))


Deduplicator = _native.Deduplicator
"""Remembers the last ``capacity`` (default 10 000; an int from 1 to 100 000 000, else
InvalidInputError) event ids, thread-safe: ``first_time(event_id)`` is True once per id."""
