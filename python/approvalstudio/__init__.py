"""Client SDK for the Approval Studio REST API.

Quick start::

    import approvalstudio

    with approvalstudio.Client(username="me@example.com", password="...") as client:
        me = client.users.logged_in()
        project = client.projects.create("Carton 330ml", [me.user_uid], customer="ACME")
        asset_uid = client.assets.upload(project.project_uid, "label.pdf")
        asset = client.assets.wait_processed(asset_uid)

Every call blocks the calling thread but releases the GIL, can be interrupted with Ctrl-C,
and raises an :class:`ApprovalStudioError` subclass on failure. ``approvalstudio.testing``
runs an emulator of the service in-process for offline tests; ``approvalstudio.webhooks``
parses and verifies webhook deliveries. Library logs go to the ``approvalstudio`` logger.
"""

from __future__ import annotations

from . import _native
from ._client import (
    DEFAULT_BASE_URL,
    Annotations,
    Assets,
    Client,
    Projects,
    ProgressCallback,
    RefDocs,
    ReviewLinks,
    StrPath,
    Tasks,
    Users,
    Webhooks,
)
from .errors import (
    AmbiguousRequestError,
    ApiError,
    ApprovalStudioError,
    AuthenticationError,
    CancelledError,
    DecodeError,
    ForbiddenError,
    InvalidInputError,
    ArgumentTypeError,
    LocalFileError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    StateConflictError,
    TransportError,
    ValidationError,
    WebhookVerificationError,
)
from .models import (
    Annotation,
    Asset,
    AssetStatus,
    EmailLanguage,
    Folder,
    KanbanColumn,
    LoginResult,
    MetaEntry,
    Progress,
    Project,
    ProjectClient,
    ProjectState,
    Record,
    RefDoc,
    Region,
    ReviewLink,
    ReviewLinkRecipient,
    ReviewStatus,
    Task,
    TaskStatus,
    TaskType,
    Template,
    TenantClient,
    UploadResult,
    User,
    Webhook,
)
from . import webhooks

import logging as _logging

# A library adds no handler of its own but silences the "last resort" one: configure logging
# (e.g. logging.basicConfig(level=logging.DEBUG)) to see the `approvalstudio` records.
_logging.getLogger("approvalstudio").addHandler(_logging.NullHandler())

__version__: str = _native.__version__

__all__ = [
    "__version__",
    "DEFAULT_BASE_URL",
    "Client",
    "Projects",
    "Assets",
    "RefDocs",
    "Tasks",
    "Annotations",
    "Users",
    "Webhooks",
    "ReviewLinks",
    "StrPath",
    "ProgressCallback",
    "ApprovalStudioError",
    "ApiError",
    "ValidationError",
    "AuthenticationError",
    "ForbiddenError",
    "NotFoundError",
    "StateConflictError",
    "RateLimitError",
    "ServerError",
    "TransportError",
    "RequestTimeoutError",
    "AmbiguousRequestError",
    "InvalidInputError",
    "ArgumentTypeError",
    "DecodeError",
    "LocalFileError",
    "CancelledError",
    "WebhookVerificationError",
    "Record",
    "Annotation",
    "Asset",
    "AssetStatus",
    "EmailLanguage",
    "Folder",
    "KanbanColumn",
    "LoginResult",
    "MetaEntry",
    "Progress",
    "Project",
    "ProjectClient",
    "ProjectState",
    "RefDoc",
    "Region",
    "ReviewLink",
    "ReviewLinkRecipient",
    "ReviewStatus",
    "Task",
    "TaskStatus",
    "TaskType",
    "Template",
    "TenantClient",
    "UploadResult",
    "User",
    "Webhook",
    "webhooks",
]
