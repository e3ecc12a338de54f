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


def _header(headers: Any, name: str) -> Optional[str]:
    if headers is None:
        return None
    getter = getattr(headers, "get", None)
    if getter is not None:
        v = getter(name)
        if v is not None:
            return str(v)
    items = headers.items() if hasattr(headers, "items") else headers
    for k, v in items:
        if str(k).lower() == name.lower():
            return str(v)
    return None


def verify(headers: Any, secret: str) -> None:
    """Checks the ``Api-Secret`` header of a delivery against the webhook's ``secret`` in
    constant time; raises :class:`~approvalstudio.WebhookVerificationError` when it is
    missing or wrong. ``headers`` is a mapping (``dict``, ``http.client.HTTPMessage``,
    ``email.message.Message``...), a list of ``(name, value)`` pairs, or the header's value
    as a ``str``."""
    if not isinstance(secret, str) or not secret:
        raise WebhookVerificationError("the expected webhook secret is empty")
    value = headers if isinstance(headers, str) else _header(headers, SECRET_HEADER)
    if value is None:
        raise WebhookVerificationError(f"the delivery has no {SECRET_HEADER} header")
    if not _native.verify_secret(value, secret):
        raise WebhookVerificationError(f"the {SECRET_HEADER} header does not match the webhook's secret")


def parse_event(
    body: Union[bytes, bytearray, memoryview, str],
    headers: Any = None,
    secret: Optional[str] = None,
) -> WebhookEvent:
    """Parses a delivery's body. With ``secret``, first verifies the ``Api-Secret`` header in
    ``headers`` (see :func:`verify`). Raises :class:`~approvalstudio.DecodeError` when the
    body is not a JSON object with an ``EventType``."""
    if secret is not None:
        verify(headers, secret)
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    if not isinstance(body, (bytes, str)):
        raise TypeError(f"body must be bytes or str, not {type(body).__name__}")
    return WebhookEvent(_native.parse_event(body))


Deduplicator = _native.Deduplicator
"""Remembers the last ``capacity`` (default 10 000) event ids, thread-safe:
``first_time(event_id)`` is True once per id."""
