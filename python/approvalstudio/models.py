"""Typed records returned by the client, and the API's enumerations.

Every record has snake_case attributes, ``to_dict()`` (the record with the API's own camelCase
field names, as the core normalised it), ``raw`` (the JSON the server sent, unknown fields
included) and a ``repr`` that never shows a secret. Dates are timezone-aware
:class:`datetime.datetime` objects in UTC. Enumerations are ``str`` subclasses, so
``project.state == "Active"`` holds; values this version does not know are kept as plain
``str``.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any, Callable, ClassVar, Dict, List, Optional, Tuple, Type, TypeVar, Union

__all__ = [
    "ProjectState",
    "AssetStatus",
    "TaskType",
    "TaskStatus",
    "EmailLanguage",
    "Record",
    "LoginResult",
    "ReviewStatus",
    "User",
    "ProjectClient",
    "MetaEntry",
    "Asset",
    "RefDoc",
    "Task",
    "Region",
    "Annotation",
    "Template",
    "KanbanColumn",
    "Folder",
    "TenantClient",
    "Project",
    "Webhook",
    "ReviewLink",
    "ReviewLinkRecipient",
    "UploadResult",
    "Progress",
]


class _StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)


class ProjectState(_StrEnum):
    """State of a project."""

    ACTIVE = "Active"
    ON_HOLD = "OnHold"
    COMPLETED = "Completed"
    ARCHIVED = "Archived"
    IN_TRANSIT = "InTransit"


class AssetStatus(_StrEnum):
    """Processing status of an asset."""

    PENDING = "Pending"
    PROCESSING = "Processing"
    PROCESSED = "Processed"
    FAILED = "Failed"


class TaskType(_StrEnum):
    """Type of a task."""

    UPLOAD_ASSETS = "UploadAssets"
    UPLOAD_REF_DOCS = "UploadRefDocs"
    REVIEW_ASSETS = "ReviewAssets"
    EXTERNAL_REVIEW_ASSETS = "ExternalReviewAssets"
    UPLOAD_CHANGED_ASSET = "UploadChangedAsset"
    UPLOAD_VIDEO = "UploadVideo"
    EXTERNAL_REVIEW_VIDEO = "ExternalReviewVideo"
    REVIEW_VIDEO = "ReviewVideo"


class TaskStatus(_StrEnum):
    """Status of a task."""

    PENDING = "Pending"
    CLOSED = "Closed"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    APPROVED_WITH_CHANGES = "ApprovedWithChanges"


class EmailLanguage(_StrEnum):
    """Language of the e-mail of an external review."""

    ENGLISH = "English"
    GERMAN = "German"
    FRENCH = "French"
    POLISH = "Polish"
    SPANISH = "Spanish"
    HEBREW = "Hebrew"
    UKRAINIAN = "Ukrainian"


E = TypeVar("E", bound=_StrEnum)


def _enum(cls: Type[E]) -> Callable[[Any], Union[E, str]]:
    def conv(v: Any) -> Union[E, str]:
        s = str(v)
        for m in cls:
            if m.value.lower() == s.lower():
                return m
        return s

    return conv


def parse_datetime(v: Any) -> Optional[datetime]:
    """Parses an ISO 8601 date as sent by the core (zone-less values are UTC)."""
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=timezone.utc)
    s = str(v).strip()
    if s.endswith("Z") or s.endswith("z"):
        s = s[:-1] + "+00:00"
    # Python < 3.11 accepts at most 6 fractional digits.
    if "." in s:
        head, _, rest = s.partition(".")
        digits = ""
        i = 0
        while i < len(rest) and rest[i].isdigit():
            digits += rest[i]
            i += 1
        s = head + "." + (digits[:6].ljust(6, "0")) + rest[i:]
    try:
        d = datetime.fromisoformat(s)
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


R = TypeVar("R", bound="Record")

_Field = Tuple[str, str, Callable[[Any], Any], Any]


def _list(conv: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: [conv(x) for x in (v or [])]


def _rec(cls_name: str) -> Callable[[Any], Any]:
    def conv(v: Any) -> Any:
        cls = globals()[cls_name]
        return cls._from_data(v, v)

    return conv


def _ident(v: Any) -> Any:
    return v


class Record:
    """Base of every record: ``to_dict()``, ``raw``, equality by value, safe ``repr``."""

    _fields: ClassVar[Tuple[_Field, ...]] = ()
    _secret: ClassVar[Tuple[str, ...]] = ()
    _repr_fields: ClassVar[Tuple[str, ...]] = ()
    __slots__ = ("_data", "_raw", "__dict__")

    def __init__(self, data: Optional[Dict[str, Any]] = None, raw: Any = None) -> None:
        data = dict(data or {})
        self._data = data
        self._raw = raw if raw is not None else data
        lower = {k.lower(): v for k, v in data.items()}
        for attr, key, conv, default in self._fields:
            v = lower.get(key.lower())
            if v is None:
                setattr(self, attr, default() if callable(default) else default)
            else:
                try:
                    setattr(self, attr, conv(v))
                except (TypeError, ValueError):
                    setattr(self, attr, default() if callable(default) else default)

    @classmethod
    def _from_data(cls: Type[R], data: Any, raw: Any = None) -> R:
        if not isinstance(data, dict):
            data = {}
        return cls(data, raw)

    @classmethod
    def _from_native(cls: Type[R], pair: Any) -> R:
        data, raw = pair
        return cls._from_data(data, raw)

    @property
    def raw(self) -> Any:
        """The JSON the server sent for this record (parsed), unknown fields included."""
        return self._raw

    def to_dict(self) -> Dict[str, Any]:
        """The record as a dict with the API's camelCase field names (dates as ISO strings)."""
        return dict(self._data)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._data == other._data  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # compared by value, so not hashable

    def __repr__(self) -> str:
        names = self._repr_fields or tuple(f[0] for f in self._fields[:4])
        parts = []
        for n in names:
            if n in self._secret:
                continue
            v = getattr(self, n, None)
            if v is None or v == []:
                continue
            if isinstance(v, enum.Enum):
                v = v.value
            parts.append(f"{n}={v!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


_str: Callable[[Any], Any] = str


def _int(v: Any) -> int:
    return int(v)


def _float(v: Any) -> float:
    return float(v)


def _bool(v: Any) -> bool:
    return bool(v)


class LoginResult(Record):
    """Result of logging in: the token (secret, not in ``repr``) and its expiry."""

    token: Optional[str]
    expiration_date: Optional[datetime]
    _fields = (
        ("token", "token", _str, None),
        ("expiration_date", "expirationDate", parse_datetime, None),
    )
    _secret = ("token",)
    _repr_fields = ("expiration_date",)


class ReviewStatus(Record):
    """Review counters of a project or an asset."""

    pending_count: Optional[int]
    approved_count: Optional[int]
    rejected_count: Optional[int]
    _fields = (
        ("pending_count", "pendingCount", _int, None),
        ("approved_count", "approvedCount", _int, None),
        ("rejected_count", "rejectedCount", _int, None),
    )


class User(Record):
    """A user (of a tenant, a task's assignee, the logged-in user)."""

    user_uid: str
    full_name: Optional[str]
    email: Optional[str]
    _fields = (
        ("user_uid", "userUID", _str, ""),
        ("full_name", "fullName", _str, None),
        ("email", "email", _str, None),
    )


class ProjectClient(Record):
    """The tenant a project belongs to, as embedded in a project."""

    client_uid: str
    name: Optional[str]
    _fields = (("client_uid", "clientUID", _str, ""), ("name", "name", _str, None))


class MetaEntry(Record):
    """A metadata entry of a project."""

    key: str
    value: str
    _fields = (("key", "key", _str, ""), ("value", "value", _str, ""))


class Asset(Record):
    """An asset (one version of a file under review)."""

    asset_uid: str
    project_uid: Optional[str]
    version: Optional[int]
    name: Optional[str]
    status: Optional[Union[AssetStatus, str]]
    review_status: Optional[ReviewStatus]
    pages_count: Optional[int]
    created: Optional[datetime]
    file_size: Optional[int]
    review_url: Optional[str]
    thumbnail_url: Optional[str]
    full_size_bitmap_url: Optional[str]
    _fields = (
        ("asset_uid", "assetUID", _str, ""),
        ("name", "name", _str, None),
        ("version", "version", _int, None),
        ("status", "status", _enum(AssetStatus), None),
        ("project_uid", "projectUID", _str, None),
        ("review_status", "reviewStatus", _rec("ReviewStatus"), None),
        ("pages_count", "pagesCount", _int, None),
        ("created", "created", parse_datetime, None),
        ("file_size", "fileSize", _int, None),
        ("review_url", "reviewUrl", _str, None),
        ("thumbnail_url", "thumbnailUrl", _str, None),
        ("full_size_bitmap_url", "fullSizeBitmapUrl", _str, None),
    )

    @property
    def is_settled(self) -> bool:
        """True when processing has finished, successfully or not."""
        return self.status in (AssetStatus.PROCESSED, AssetStatus.FAILED)


class RefDoc(Record):
    """A reference document (a file or a plain URL attached to a project)."""

    ref_doc_uid: str
    project_uid: Optional[str]
    name: Optional[str]
    url: Optional[str]
    file_size: Optional[int]
    created: Optional[datetime]
    _fields = (
        ("ref_doc_uid", "refDocUID", _str, ""),
        ("name", "name", _str, None),
        ("url", "url", _str, None),
        ("project_uid", "projectUID", _str, None),
        ("file_size", "fileSize", _int, None),
        ("created", "created", parse_datetime, None),
    )


class Task(Record):
    """A task (upload, internal review, external review...)."""

    task_uid: str
    project_uid: Optional[str]
    project_name: Optional[str]
    client_uid: Optional[str]
    task_type: Optional[Union[TaskType, str]]
    status: Optional[Union[TaskStatus, str]]
    created: Optional[datetime]
    closed: Optional[datetime]
    due_date: Optional[datetime]
    user: Optional[User]
    email: Optional[str]
    review_url: Optional[str]
    requested_asset_name: Optional[str]
    asset_uids: List[str]
    comment: Optional[str]
    _fields = (
        ("task_uid", "taskUID", _str, ""),
        ("task_type", "type", _enum(TaskType), None),
        ("status", "status", _enum(TaskStatus), None),
        ("project_uid", "projectUID", _str, None),
        ("project_name", "projectName", _str, None),
        ("client_uid", "clientUID", _str, None),
        ("created", "created", parse_datetime, None),
        ("closed", "closed", parse_datetime, None),
        ("due_date", "dueDate", parse_datetime, None),
        ("user", "user", _rec("User"), None),
        ("email", "email", _str, None),
        ("review_url", "reviewUrl", _str, None),
        ("requested_asset_name", "requestedAssetName", _str, None),
        ("asset_uids", "assetUIDs", _list(_str), list),
        ("comment", "comment", _str, None),
    )


class Region(Record):
    """A rectangle on a page."""

    x: float
    y: float
    width: float
    height: float
    _fields = (
        ("x", "x", _float, 0.0),
        ("y", "y", _float, 0.0),
        ("width", "width", _float, 0.0),
        ("height", "height", _float, 0.0),
    )


class Annotation(Record):
    """An annotation on an asset, or a comment on one (``parent_uid`` set)."""

    annotation_uid: str
    asset_uid: Optional[str]
    parent_uid: Optional[str]
    page: Optional[int]
    text: Optional[str]
    region: Optional[Region]
    author: Optional[User]
    created: Optional[datetime]
    is_completed: Optional[bool]
    is_hidden: Optional[bool]
    _fields = (
        ("annotation_uid", "annotationUID", _str, ""),
        ("text", "text", _str, None),
        ("page", "page", _int, None),
        ("asset_uid", "assetUID", _str, None),
        ("parent_uid", "parentUID", _str, None),
        ("region", "region", _rec("Region"), None),
        ("author", "author", _rec("User"), None),
        ("created", "created", parse_datetime, None),
        ("is_completed", "isCompleted", _bool, None),
        ("is_hidden", "isHidden", _bool, None),
    )


class Template(Record):
    """A project template."""

    template_uid: str
    name: Optional[str]
    data: Any
    _fields = (
        ("template_uid", "templateUID", _str, ""),
        ("name", "name", _str, None),
        ("data", "data", _ident, None),
    )


class KanbanColumn(Record):
    """A kanban column of the dashboard."""

    kanban_column_uid: str
    name: Optional[str]
    _fields = (("kanban_column_uid", "kanbanColumnUID", _str, ""), ("name", "name", _str, None))


class Folder(Record):
    """A folder of the dashboard."""

    folder_uid: str
    name: Optional[str]
    _fields = (("folder_uid", "folderUID", _str, ""), ("name", "name", _str, None))


class TenantClient(Record):
    """A tenant (the API calls it client) with its users, templates, columns and folders."""

    client_uid: str
    name: Optional[str]
    users: List[User]
    templates: List[Template]
    kanban_columns: List[KanbanColumn]
    folders: List[Folder]
    _fields = (
        ("client_uid", "clientUID", _str, ""),
        ("name", "name", _str, None),
        ("users", "users", _list(_rec("User")), list),
        ("templates", "templates", _list(_rec("Template")), list),
        ("kanban_columns", "kanbanColumns", _list(_rec("KanbanColumn")), list),
        ("folders", "folders", _list(_rec("Folder")), list),
    )


class Project(Record):
    """A project."""

    project_uid: str
    name: Optional[str]
    state: Optional[Union[ProjectState, str]]
    customer: Optional[str]
    project: Optional[str]
    design: Optional[str]
    revision: Optional[str]
    description: Optional[str]
    tags: List[str]
    due_date: Optional[datetime]
    review_status: Optional[ReviewStatus]
    created: Optional[datetime]
    owners: List[str]
    client: Optional[ProjectClient]
    client_uid: Optional[str]
    template_uid: Optional[str]
    kanban_column_uid: Optional[str]
    folder_uid: Optional[str]
    assets: List[Asset]
    tasks: List[Task]
    ref_docs: List[RefDoc]
    metadata: List[MetaEntry]
    _fields = (
        ("project_uid", "projectUID", _str, ""),
        ("name", "name", _str, None),
        ("state", "projectState", _enum(ProjectState), None),
        ("customer", "customer", _str, None),
        ("project", "project", _str, None),
        ("design", "design", _str, None),
        ("revision", "revision", _str, None),
        ("description", "description", _str, None),
        ("tags", "tags", _list(_str), list),
        ("due_date", "dueDate", parse_datetime, None),
        ("review_status", "reviewStatus", _rec("ReviewStatus"), None),
        ("created", "created", parse_datetime, None),
        ("owners", "owners", _list(_str), list),
        ("client", "client", _rec("ProjectClient"), None),
        ("client_uid", "clientUID", _str, None),
        ("template_uid", "templateUID", _str, None),
        ("kanban_column_uid", "kanbanColumnUID", _str, None),
        ("folder_uid", "folderUID", _str, None),
        ("assets", "assets", _list(_rec("Asset")), list),
        ("tasks", "tasks", _list(_rec("Task")), list),
        ("ref_docs", "refDocs", _list(_rec("RefDoc")), list),
        ("metadata", "metadata", _list(_rec("MetaEntry")), list),
    )
    _repr_fields = ("project_uid", "name", "state", "customer")


class Webhook(Record):
    """A webhook registration. ``secret`` is not shown by ``repr``."""

    webhook_uid: str
    url: Optional[str]
    secret: Optional[str]
    created: Optional[datetime]
    client_uid: Optional[str]
    event_type: Optional[str]
    _fields = (
        ("webhook_uid", "webhookUID", _str, ""),
        ("url", "url", _str, None),
        ("secret", "secret", _str, None),
        ("created", "created", parse_datetime, None),
        ("client_uid", "clientUID", _str, None),
        ("event_type", "eventType", _str, None),
    )
    _secret = ("secret",)
    _repr_fields = ("webhook_uid", "url", "created")


class ReviewLinkRecipient(Record):
    """One recipient a review link was sent to: the external review task and its short URL."""

    email: str
    task_uid: str
    short_url: Optional[str]
    sent_at: Optional[datetime]
    _fields = (
        ("email", "email", _str, ""),
        ("task_uid", "taskUID", _str, ""),
        ("short_url", "shortUrl", _str, None),
        ("sent_at", "sentAt", parse_datetime, None),
    )


class ReviewLink(Record):
    """A review link: a named, shareable set of a project's assets with options, stored as
    project metadata ``review_link:<id>`` (readable from any process or language)."""

    id: str
    project_uid: str
    name: str
    allow_approvals: bool
    current_version_only: bool
    enable_downloading: bool
    expires_at: Optional[datetime]
    has_password: bool
    asset_uids: List[str]
    recipients: List[ReviewLinkRecipient]
    created: Optional[datetime]
    _fields = (
        ("id", "id", _str, ""),
        ("name", "name", _str, ""),
        ("project_uid", "projectUID", _str, ""),
        ("allow_approvals", "allowApprovals", _bool, True),
        ("current_version_only", "currentVersionOnly", _bool, False),
        ("enable_downloading", "enableDownloading", _bool, True),
        ("expires_at", "expiresAt", parse_datetime, None),
        ("has_password", "hasPassword", _bool, False),
        ("asset_uids", "assetUIDs", _list(_str), list),
        ("recipients", "recipients", _list(_rec("ReviewLinkRecipient")), list),
        ("created", "created", parse_datetime, None),
    )

    def short_url_for(self, email: str) -> Optional[str]:
        """The short URL last sent to ``email``, if any."""
        for r in reversed(self.recipients):
            if r.email.lower() == email.lower():
                return r.short_url
        return None


class UploadResult(Record):
    """One file of ``assets.upload_many``: its path and either the asset UID or the error."""

    path: str
    asset_uid: Optional[str]
    error: Optional[BaseException]
    _fields = (("path", "path", _str, ""), ("asset_uid", "asset_uid", _str, None))

    def __init__(
        self, data: Optional[Dict[str, Any]] = None, raw: Any = None
    ) -> None:
        super().__init__(data, raw)
        self.error = None

    @property
    def ok(self) -> bool:
        """True when the file was uploaded."""
        return self.error is None and bool(self.asset_uid)

    def __repr__(self) -> str:
        if self.error is not None:
            return f"UploadResult(path={self.path!r}, error={self.error!r})"
        return f"UploadResult(path={self.path!r}, asset_uid={self.asset_uid!r})"


class Progress:
    """Progress of a transfer, passed to ``progress`` callbacks."""

    __slots__ = ("done", "total", "path")

    def __init__(self, done: int, total: Optional[int], path: Optional[str] = None) -> None:
        self.done = done
        self.total = total
        self.path = path

    @property
    def fraction(self) -> Optional[float]:
        """``done / total`` in 0..1, or None when the total is unknown."""
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    def __repr__(self) -> str:
        return f"Progress(done={self.done}, total={self.total}, path={self.path!r})"
