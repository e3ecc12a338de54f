"""The client: :class:`Client` and its resource groups.

Every method is a blocking call into the Rust core that releases the GIL while it waits, can
be interrupted with Ctrl-C, and raises the exceptions of :mod:`approvalstudio.errors`. A bad
argument raises :class:`~approvalstudio.InvalidInputError` (a ``ValueError``) before anything
is sent, its message starting with the argument's name; an argument of the wrong type raises
its subclass :class:`~approvalstudio.ArgumentTypeError` (also a ``TypeError``). Lists are
``list`` or ``tuple`` (not a ``str``, ``dict`` or ``set``), text must be encodable as UTF-8,
URLs and tokens must not contain NUL, CR or LF.
"""

from __future__ import annotations

import os
import pathlib
from datetime import date, datetime, timezone
from types import TracebackType
from typing import (
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from . import _args as _a
from . import _native
from .models import (
    Annotation,
    Asset,
    EmailLanguage,
    LoginResult,
    MetaEntry,
    Progress,
    Project,
    ProjectState,
    Record,
    RefDoc,
    Region,
    ReviewLink,
    ReviewLinkRecipient,
    Task,
    TaskStatus,
    TaskType,
    TenantClient,
    UploadResult,
    User,
    Webhook,
)

__all__ = [
    "Client",
    "Projects",
    "Assets",
    "RefDocs",
    "Tasks",
    "Annotations",
    "Users",
    "Webhooks",
    "ReviewLinks",
    "DEFAULT_BASE_URL",
    "StrPath",
    "ProgressCallback",
]

DEFAULT_BASE_URL = "https://api.approval.studio"

StrPath = Union[str, "os.PathLike[str]"]
"""A file system path: ``str`` or any ``os.PathLike`` (``pathlib.Path``)."""

ProgressCallback = Callable[[Progress], Any]
"""Called with a :class:`Progress` at most every ~100 ms and once at the end, on the calling
thread with the GIL held; ``done`` never goes back. Raising an exception cancels the transfer
and the exception propagates unchanged, at any call, the final one included: the final call
comes before the upload's last bytes are sent and before a download is moved into place, so a
cancelled upload creates nothing and a cancelled download leaves no file. (Should the core
report that the effect was applied anyway, a :class:`~approvalstudio.CancelledError` with
``applied`` and ``created_uid`` is raised instead, the callback's exception as its
``__cause__``.)"""

R = TypeVar("R", bound=Record)

MAX_RETRIES = 99
"""The largest ``max_retries`` (100 attempts)."""
MAX_CONCURRENCY = 32
"""The largest ``concurrency`` of :meth:`Assets.upload_many`."""
MAX_PAGE = 2**31 - 1
"""The largest annotation ``page`` (the API's int32)."""


# -- argument checking: see _args (wrong types and values fail there, naming the argument) ---


def _records(cls: Type[R], items: Any) -> List[R]:
    return [cls._from_native(x) for x in items]


def _fs_path(p: Any) -> pathlib.Path:
    return pathlib.Path(os.fsdecode(p))


# -- the client --------------------------------------------------------------------------------


class Client:
    """A client of the Approval Studio API.

    Args:
        base_url: the service (``https://api.approval.studio`` by default), or an emulator's
            ``url``; the API is under ``{base_url}/api/v1/``.
        username, password: credentials; the client logs in on first use and re-logs in
            before the token expires, or once on a 401.
        token: a bearer token obtained elsewhere (instead of username/password).
        timeout: connect and read timeout in seconds (not a whole-transfer timeout): more
            than 0, at most one year (31 536 000).
        max_retries: retries after the first attempt for retryable failures, 0 to 99
            (default 3, i.e. 4 attempts; creates and uploads are never retried once sent).

    The client is thread-safe: share one between threads. Use it as a context manager, or
    call :meth:`close`. The password and token never appear in ``repr``, logs or errors.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        username: Optional[str] = None,
        password: Optional[str] = None,
        token: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        self._native = _native.NativeClient(
            _a.single_line("base_url", base_url),
            _a.opt_text("username", username),
            _a.opt_text("password", password),
            _a.opt_single_line("token", token),
            _a.opt_number("timeout", timeout),
            _a.opt_integer("max_retries", max_retries, 0, MAX_RETRIES),
        )
        self._base_url = base_url
        self._username = username
        self.projects = Projects(self)
        """Projects: list, create, update, delete, state, metadata, proof reports, ..."""
        self.assets = Assets(self)
        """Assets: upload (files, URLs, many), wait_processed, get, download, delete, ..."""
        self.refdocs = RefDocs(self)
        """Reference documents: upload, upload_url, add_url, get, delete."""
        self.tasks = Tasks(self)
        """Tasks: list, get, create (upload, review, external review), complete, delete."""
        self.annotations = Annotations(self)
        """Annotations: list, create, delete, hide, complete, uncomplete."""
        self.users = Users(self)
        """Users: the tenant(s) with users, templates, columns and folders; the logged-in user."""
        self.webhooks = Webhooks(self)
        """Webhooks: list, create, delete, test."""
        self.review_links = ReviewLinks(self)
        """Review links: named, shareable sets of a project's assets, sent as external reviews."""

    def _call(self, op: str, args: Dict[str, Any], progress: Any = None) -> Any:
        return self._native.call(op, args, progress)

    @property
    def base_url(self) -> str:
        """The base URL this client talks to."""
        return self._base_url

    def login(self) -> LoginResult:
        """Logs in now (otherwise done on first use) and returns the token's expiry. The token
        itself is in ``LoginResult.token`` and never shown by ``repr``."""
        return LoginResult._from_native(self._call("login", {}))

    def validate(self) -> bool:
        """True when the current token is accepted by the server (``GET token/validate``),
        False when it is rejected (401); other failures raise."""
        return bool(self._call("validate", {}))

    def close(self) -> None:
        """Releases the client's connections. Further calls raise ``RuntimeError``."""
        self._native.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        who = f", username={self._username!r}" if self._username else ""
        return f"Client(base_url={self._base_url!r}{who})"


class _Resource:
    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def _call(self, op: str, args: Dict[str, Any], progress: Any = None) -> Any:
        return self._client._call(op, args, progress)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class Projects(_Resource):
    """Projects (``client.projects``)."""

    __slots__ = ()

    def list(
        self,
        *,
        states: Optional[Sequence[Union[ProjectState, str]]] = None,
        query: Optional[str] = None,
        load_assets: bool = False,
        load_last_version_assets: bool = True,
        load_tasks: bool = False,
        load_refdocs: bool = False,
        load_metadata: bool = False,
    ) -> List[Project]:
        """Projects in ``states`` (default Active, OnHold, Completed) whose name, customer,
        project, design, revision, description or tags contain ``query`` (case-sensitive)."""
        args = {
            "states": None
            if states is None
            else [
                _a.enum_value(f"states[{i}]", s, ProjectState)
                for i, s in enumerate(_a.seq("states", states, "a list of ProjectState"))
            ],
            "query": _a.opt_text("query", query),
            "load_assets": _a.boolean("load_assets", load_assets),
            "load_last_version_assets": _a.boolean(
                "load_last_version_assets", load_last_version_assets
            ),
            "load_tasks": _a.boolean("load_tasks", load_tasks),
            "load_refdocs": _a.boolean("load_refdocs", load_refdocs),
            "load_metadata": _a.boolean("load_metadata", load_metadata),
        }
        return _records(Project, self._call("projects.list", args))

    def get(
        self,
        project_uid: str,
        *,
        load_assets: bool = False,
        load_last_version_assets: bool = True,
        load_tasks: bool = False,
        load_refdocs: bool = False,
        load_metadata: bool = False,
    ) -> Project:
        """One project by UID (raises NotFoundError when unknown)."""
        args = {
            "project_uid": _a.text("project_uid", project_uid),
            "load_assets": _a.boolean("load_assets", load_assets),
            "load_last_version_assets": _a.boolean(
                "load_last_version_assets", load_last_version_assets
            ),
            "load_tasks": _a.boolean("load_tasks", load_tasks),
            "load_refdocs": _a.boolean("load_refdocs", load_refdocs),
            "load_metadata": _a.boolean("load_metadata", load_metadata),
        }
        return Project._from_native(self._call("projects.get", args))

    def create(
        self,
        name: str,
        owner_uids: Sequence[str],
        *,
        client_uid: Optional[str] = None,
        customer: Optional[str] = None,
        project: Optional[str] = None,
        design: Optional[str] = None,
        revision: Optional[str] = None,
        description: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        due_date: Optional[Union[datetime, date]] = None,
        template_uid: Optional[str] = None,
        folder_uid: Optional[str] = None,
    ) -> Project:
        """Creates a project owned by ``owner_uids`` (1 to 20 user UIDs).

        Limits checked before sending (InvalidInputError): customer/project/design/revision
        at most 50 characters, description 200, at most 20 tags of 25 characters.
        """
        args = {
            "name": _a.text("name", name),
            "owner_uids": _a.texts("owner_uids", owner_uids),
            "client_uid": _a.opt_text("client_uid", client_uid),
            "customer": _a.opt_text("customer", customer),
            "project": _a.opt_text("project", project),
            "design": _a.opt_text("design", design),
            "revision": _a.opt_text("revision", revision),
            "description": _a.opt_text("description", description),
            "tags": _a.opt_texts("tags", tags),
            "due_date": _a.opt_rfc3339("due_date", due_date),
            "template_uid": _a.opt_text("template_uid", template_uid),
            "folder_uid": _a.opt_text("folder_uid", folder_uid),
        }
        return Project._from_native(self._call("projects.create", args))

    def update(
        self,
        project_uid: str,
        *,
        name: Optional[str] = None,
        owner_uids: Optional[Sequence[str]] = None,
        client_uid: Optional[str] = None,
        customer: Optional[str] = None,
        project: Optional[str] = None,
        design: Optional[str] = None,
        revision: Optional[str] = None,
        description: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        due_date: Optional[Union[datetime, date]] = None,
        template_uid: Optional[str] = None,
        folder_uid: Optional[str] = None,
    ) -> Project:
        """Updates the given fields of a project (others unchanged). StateConflictError when
        the project is Completed, Archived or InTransit."""
        args = {
            "project_uid": _a.text("project_uid", project_uid),
            "name": _a.opt_text("name", name),
            "owner_uids": _a.opt_texts("owner_uids", owner_uids),
            "client_uid": _a.opt_text("client_uid", client_uid),
            "customer": _a.opt_text("customer", customer),
            "project": _a.opt_text("project", project),
            "design": _a.opt_text("design", design),
            "revision": _a.opt_text("revision", revision),
            "description": _a.opt_text("description", description),
            "tags": _a.opt_texts("tags", tags),
            "due_date": _a.opt_rfc3339("due_date", due_date),
            "template_uid": _a.opt_text("template_uid", template_uid),
            "folder_uid": _a.opt_text("folder_uid", folder_uid),
        }
        return Project._from_native(self._call("projects.update", args))

    def delete(self, project_uid: str) -> None:
        """Deletes a project (only Completed or Archived ones: else StateConflictError)."""
        self._call("projects.delete", {"project_uid": _a.text("project_uid", project_uid)})

    def set_state(self, project_uid: str, state: Union[ProjectState, str]) -> None:
        """Changes a project's state (``InTransit`` can't be requested)."""
        self._call(
            "projects.set_state",
            {
                "project_uid": _a.text("project_uid", project_uid),
                "state": _a.enum_value("state", state, ProjectState),
            },
        )

    def proof_report_url(self, project_uid: str) -> str:
        """The download URL of the project's proof report (a PDF)."""
        return str(
            self._call("projects.proof_report_url", {"project_uid": _a.text("project_uid", project_uid)})
        )

    def download_proof_report(
        self,
        project_uid: str,
        path: StrPath,
        *,
        progress: Optional[ProgressCallback] = None,
    ) -> pathlib.Path:
        """Downloads the project's proof report to ``path`` (a file, or a directory to put
        the server's file name in); returns the file's path. Atomic: a failed download leaves
        nothing under the target name."""
        res = self._call(
            "projects.download_proof_report",
            {"project_uid": _a.text("project_uid", project_uid), "path": _a.path("path", path)},
            _a.callback("progress", progress),
        )
        return _fs_path(res)

    def meta(self, project_uid: str) -> List[MetaEntry]:
        """The project's metadata entries."""
        return _records(
            MetaEntry,
            self._call("projects.meta", {"project_uid": _a.text("project_uid", project_uid)}),
        )

    def set_meta(self, project_uid: str, key: str, value: str) -> None:
        """Sets (inserts or replaces) one metadata entry."""
        self._call(
            "projects.set_meta",
            {
                "project_uid": _a.text("project_uid", project_uid),
                "key": _a.text("key", key),
                "value": _a.text("value", value),
            },
        )

    def delete_meta(self, project_uid: str, key: str) -> None:
        """Removes one metadata entry."""
        self._call(
            "projects.delete_meta",
            {"project_uid": _a.text("project_uid", project_uid), "key": _a.text("key", key)},
        )

    def move_to_kanban_column(self, project_uid: str, kanban_column_uid: str) -> None:
        """Moves the project to a kanban column (UIDs from ``client.users.list()``)."""
        self._call(
            "projects.move_to_kanban_column",
            {
                "project_uid": _a.text("project_uid", project_uid),
                "kanban_column_uid": _a.text("kanban_column_uid", kanban_column_uid),
            },
        )

    def move_to_folder(self, project_uid: str, folder_uid: str) -> None:
        """Moves the project to a folder (UIDs from ``client.users.list()``)."""
        self._call(
            "projects.move_to_folder",
            {
                "project_uid": _a.text("project_uid", project_uid),
                "folder_uid": _a.text("folder_uid", folder_uid),
            },
        )


class Assets(_Resource):
    """Assets (``client.assets``)."""

    __slots__ = ()

    def get(self, asset_uid: str) -> Asset:
        """One asset (version) by UID."""
        return Asset._from_native(
            self._call("assets.get", {"asset_uid": _a.text("asset_uid", asset_uid)})
        )

    def delete(self, asset_uid: str) -> None:
        """Deletes an asset with its tasks, comments and attachments (unrecoverable)."""
        self._call("assets.delete", {"asset_uid": _a.text("asset_uid", asset_uid)})

    def upload(
        self,
        project_uid: str,
        path: StrPath,
        *,
        task_uid: Optional[str] = None,
        file_name: Optional[str] = None,
        content_type: Optional[str] = None,
        progress: Optional[ProgressCallback] = None,
    ) -> str:
        """Uploads a file as a new asset (or a new version, when an asset of the same name
        exists) and returns its asset UID. Processing continues on the server: see
        :meth:`wait_processed`. The file is streamed from disk; ``name`` defaults to the
        file's name (``file_name``, a name, not a path); ``content_type`` is guessed from the name
        when not given."""
        return str(
            self._call(
                "assets.upload",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "path": _a.path("path", path),
                    "task_uid": _a.opt_text("task_uid", task_uid),
                    "file_name": _a.opt_text("file_name", file_name),
                    "content_type": _a.opt_single_line("content_type", content_type),
                },
                _a.callback("progress", progress),
            )
        )

    def upload_url(
        self,
        project_uid: str,
        url: str,
        *,
        task_uid: Optional[str] = None,
        file_name: Optional[str] = None,
    ) -> str:
        """Makes the server fetch a public http(s) file as a new asset; returns its UID."""
        return str(
            self._call(
                "assets.upload_url",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "url": _a.single_line("url", url),
                    "task_uid": _a.opt_text("task_uid", task_uid),
                    "file_name": _a.opt_text("file_name", file_name),
                },
            )
        )

    def upload_many(
        self,
        project_uid: str,
        paths: Sequence[StrPath],
        *,
        concurrency: int = 4,
        progress: Optional[ProgressCallback] = None,
    ) -> List[UploadResult]:
        """Uploads many files, ``concurrency`` (1 to 32) at a time; returns one
        :class:`UploadResult` per file, in order (a failed file does not stop the others).
        ``progress`` receives the overall bytes; ``Progress.path`` names the file that
        advanced. Raising in ``progress`` cancels the batch and the exception propagates;
        a batch has no single commit point, so files already uploaded (or whose last bytes
        were already sent) stay. When the batch had finished anyway (a raise at the final
        call), a :class:`~approvalstudio.CancelledError` with ``applied`` set names the files
        uploaded and their UIDs, the callback's exception as its ``__cause__``."""
        plist = [_a.path(f"paths[{i}]", p) for i, p in enumerate(_a.seq("paths", paths, "a list of paths"))]
        conc = _a.integer("concurrency", concurrency, 1, MAX_CONCURRENCY)
        results = self._call(
            "assets.upload_many",
            {"project_uid": _a.text("project_uid", project_uid), "paths": plist, "concurrency": conc},
            _a.callback("progress", progress),
        )
        out: List[UploadResult] = []
        for path, uid, err in results:
            r = UploadResult({"path": os.fsdecode(path), "asset_uid": uid})
            r.error = err
            out.append(r)
        return out

    def wait_processed(self, asset_uid: str, *, timeout: float = 300.0) -> Asset:
        """Polls the asset (with backoff) until it is Processed or Failed and returns it;
        RequestTimeoutError after ``timeout`` seconds (0 to one year, 31 536 000)."""
        return Asset._from_native(
            self._call(
                "assets.wait_processed",
                {"asset_uid": _a.text("asset_uid", asset_uid), "timeout": _a.number("timeout", timeout)},
            )
        )

    def download(
        self,
        asset_uid: str,
        path: StrPath,
        *,
        progress: Optional[ProgressCallback] = None,
    ) -> pathlib.Path:
        """Downloads the asset's original file to ``path`` (a file, or a directory to put the
        server's file name in) and returns the file's path. Atomic: a failed download never
        leaves a partial file under the target name."""
        res = self._call(
            "assets.download",
            {"asset_uid": _a.text("asset_uid", asset_uid), "path": _a.path("path", path)},
            _a.callback("progress", progress),
        )
        return _fs_path(res)

    def proof_report_url(self, asset_uid: str) -> str:
        """The download URL of the asset's proof report (a PDF)."""
        return str(self._call("assets.proof_report_url", {"asset_uid": _a.text("asset_uid", asset_uid)}))

    def download_proof_report(
        self,
        asset_uid: str,
        path: StrPath,
        *,
        progress: Optional[ProgressCallback] = None,
    ) -> pathlib.Path:
        """Downloads the asset's proof report (PDF) to ``path``; returns the file's path."""
        res = self._call(
            "assets.download_proof_report",
            {"asset_uid": _a.text("asset_uid", asset_uid), "path": _a.path("path", path)},
            _a.callback("progress", progress),
        )
        return _fs_path(res)


class RefDocs(_Resource):
    """Reference documents (``client.refdocs``)."""

    __slots__ = ()

    def upload(
        self,
        project_uid: str,
        path: StrPath,
        *,
        task_uid: Optional[str] = None,
        file_name: Optional[str] = None,
        content_type: Optional[str] = None,
        progress: Optional[ProgressCallback] = None,
    ) -> str:
        """Uploads a file as a reference document; returns its UID."""
        return str(
            self._call(
                "refdocs.upload",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "path": _a.path("path", path),
                    "task_uid": _a.opt_text("task_uid", task_uid),
                    "file_name": _a.opt_text("file_name", file_name),
                    "content_type": _a.opt_single_line("content_type", content_type),
                },
                _a.callback("progress", progress),
            )
        )

    def upload_url(
        self,
        project_uid: str,
        url: str,
        *,
        task_uid: Optional[str] = None,
        file_name: Optional[str] = None,
    ) -> str:
        """Makes the server fetch a public file as a reference document; returns its UID."""
        return str(
            self._call(
                "refdocs.upload_url",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "url": _a.single_line("url", url),
                    "task_uid": _a.opt_text("task_uid", task_uid),
                    "file_name": _a.opt_text("file_name", file_name),
                },
            )
        )

    def add_url(self, project_uid: str, url: str, *, name: Optional[str] = None) -> str:
        """Attaches a plain URL (not fetched) as a reference document; returns its UID."""
        return str(
            self._call(
                "refdocs.add_url",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "url": _a.single_line("url", url),
                    "name": _a.opt_text("name", name),
                },
            )
        )

    def get(self, ref_doc_uid: str) -> RefDoc:
        """One reference document by UID."""
        return RefDoc._from_native(
            self._call("refdocs.get", {"ref_doc_uid": _a.text("ref_doc_uid", ref_doc_uid)})
        )

    def delete(self, ref_doc_uid: str) -> None:
        """Deletes a reference document."""
        self._call("refdocs.delete", {"ref_doc_uid": _a.text("ref_doc_uid", ref_doc_uid)})


class Tasks(_Resource):
    """Tasks (``client.tasks``)."""

    __slots__ = ()

    def list(self, *, types: Optional[Sequence[Union[TaskType, str]]] = None) -> List[Task]:
        """The tasks assigned to the caller, of ``types`` (default all)."""
        t = None
        if types is not None:
            t = [
                _a.enum_value(f"types[{i}]", x, TaskType)
                for i, x in enumerate(_a.seq("types", types, "a list of TaskType"))
            ]
        return _records(Task, self._call("tasks.list", {"types": t}))

    def get(self, task_uid: str) -> Task:
        """One task by UID."""
        return Task._from_native(self._call("tasks.get", {"task_uid": _a.text("task_uid", task_uid)}))

    def delete(self, task_uid: str) -> None:
        """Deletes a task."""
        self._call("tasks.delete", {"task_uid": _a.text("task_uid", task_uid)})

    def asset_upload(
        self,
        project_uid: str,
        user_uid: str,
        *,
        due_date: Optional[Union[datetime, date]] = None,
        comment: Optional[str] = None,
    ) -> Task:
        """Asks a user to upload assets to a project."""
        return Task._from_native(
            self._call(
                "tasks.asset_upload",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "user_uid": _a.text("user_uid", user_uid),
                    "due_date": _a.opt_rfc3339("due_date", due_date),
                    "comment": _a.opt_text("comment", comment),
                },
            )
        )

    def refdoc_upload(
        self,
        project_uid: str,
        user_uid: str,
        *,
        due_date: Optional[Union[datetime, date]] = None,
        comment: Optional[str] = None,
    ) -> Task:
        """Asks a user to upload reference documents to a project."""
        return Task._from_native(
            self._call(
                "tasks.refdoc_upload",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "user_uid": _a.text("user_uid", user_uid),
                    "due_date": _a.opt_rfc3339("due_date", due_date),
                    "comment": _a.opt_text("comment", comment),
                },
            )
        )

    def review_asset(
        self,
        project_uid: str,
        user_uid: str,
        asset_uids: Sequence[str],
        *,
        due_date: Optional[Union[datetime, date]] = None,
        comment: Optional[str] = None,
    ) -> Task:
        """Asks a user of the tenant to review assets."""
        return Task._from_native(
            self._call(
                "tasks.review_asset",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "user_uid": _a.text("user_uid", user_uid),
                    "asset_uids": _a.texts("asset_uids", asset_uids),
                    "due_date": _a.opt_rfc3339("due_date", due_date),
                    "comment": _a.opt_text("comment", comment),
                },
            )
        )

    def review_asset_ext(
        self,
        project_uid: str,
        email: str,
        asset_uids: Sequence[str],
        *,
        due_date: Optional[Union[datetime, date]] = None,
        password: Optional[str] = None,
        email_subject: Optional[str] = None,
        email_language: Optional[Union[EmailLanguage, str]] = None,
        comment: Optional[str] = None,
        allow_download_assets: Optional[bool] = None,
        read_only: Optional[bool] = None,
    ) -> Task:
        """Sends assets for review to someone outside the tenant by e-mail; the task's
        ``review_url`` is the link they get."""
        return Task._from_native(
            self._call(
                "tasks.review_asset_ext",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "email": _a.single_line("email", email),
                    "asset_uids": _a.texts("asset_uids", asset_uids),
                    "due_date": _a.opt_rfc3339("due_date", due_date),
                    "password": _a.opt_text("password", password),
                    "email_subject": _a.opt_text("email_subject", email_subject),
                    "email_language": _a.opt_enum_value("email_language", email_language, EmailLanguage),
                    "comment": _a.opt_text("comment", comment),
                    "allow_download_assets": _a.opt_boolean(
                        "allow_download_assets", allow_download_assets
                    ),
                    "read_only": _a.opt_boolean("read_only", read_only),
                },
            )
        )

    def complete(
        self,
        task_uid: str,
        *,
        status: Optional[Union[TaskStatus, str]] = None,
        comment: Optional[str] = None,
    ) -> None:
        """Completes a task: upload tasks without a status; review tasks with Approved,
        Rejected or ApprovedWithChanges."""
        self._call(
            "tasks.complete",
            {
                "task_uid": _a.text("task_uid", task_uid),
                "status": _a.opt_enum_value("status", status, TaskStatus),
                "comment": _a.opt_text("comment", comment),
            },
        )


class Annotations(_Resource):
    """Annotations (``client.annotations``)."""

    __slots__ = ()

    def list(self, asset_uid: str) -> List[Annotation]:
        """The annotations and comments of an asset."""
        return _records(
            Annotation, self._call("annotations.list", {"asset_uid": _a.text("asset_uid", asset_uid)})
        )

    def create(
        self,
        asset_uid: str,
        text: str,
        *,
        page: Optional[int] = None,
        region: Optional[Union[Region, Tuple[float, float, float, float], Mapping[str, float]]] = None,
        parent_uid: Optional[str] = None,
    ) -> Annotation:
        """Writes an annotation on an asset's page (``page``: 0 to 2**31 - 1, zero-based; ``region`` = x,
        y, width, height: a :class:`Region`, an ``(x, y, width, height)`` tuple or a dict
        with exactly those keys, finite numbers, width and height not negative), or a comment
        on an annotation (``parent_uid``)."""
        reg = _a.region("region", region, Region)
        return Annotation._from_native(
            self._call(
                "annotations.create",
                {
                    "asset_uid": _a.text("asset_uid", asset_uid),
                    "text": _a.text("text", text),
                    "page": _a.opt_integer("page", page, 0, MAX_PAGE),
                    "region": reg,
                    "parent_uid": _a.opt_text("parent_uid", parent_uid),
                },
            )
        )

    def delete(self, annotation_uid: str) -> None:
        """Deletes an annotation (only the caller's own)."""
        self._call(
            "annotations.delete", {"annotation_uid": _a.text("annotation_uid", annotation_uid)}
        )

    def hide(self, annotation_uid: str) -> None:
        """Hides an annotation (only the caller's own)."""
        self._call("annotations.hide", {"annotation_uid": _a.text("annotation_uid", annotation_uid)})

    def complete(self, annotation_uid: str) -> None:
        """Marks an annotation completed."""
        self._call(
            "annotations.complete", {"annotation_uid": _a.text("annotation_uid", annotation_uid)}
        )

    def uncomplete(self, annotation_uid: str) -> None:
        """Marks an annotation not completed."""
        self._call(
            "annotations.uncomplete", {"annotation_uid": _a.text("annotation_uid", annotation_uid)}
        )


class Users(_Resource):
    """Users and tenants (``client.users``)."""

    __slots__ = ()

    def list(self) -> List[TenantClient]:
        """The tenants (API "clients") with their users, templates, kanban columns, folders."""
        return _records(TenantClient, self._call("users.list", {}))

    def logged_in(self) -> User:
        """The user this client is logged in as."""
        return User._from_native(self._call("users.logged_in", {}))


class Webhooks(_Resource):
    """Webhooks of the tenant (``client.webhooks``)."""

    __slots__ = ()

    def list(self) -> List[Webhook]:
        """The tenant's webhooks."""
        return _records(Webhook, self._call("webhooks.list", {}))

    def create(
        self, url: str, *, client_uid: Optional[str] = None, event_type: Optional[str] = None
    ) -> Webhook:
        """Registers ``url`` for events (StateConflictError when already registered). Keep
        the returned ``secret``: deliveries carry it in the ``Api-Secret`` header."""
        return Webhook._from_native(
            self._call(
                "webhooks.create",
                {
                    "url": _a.single_line("url", url),
                    "client_uid": _a.opt_text("client_uid", client_uid),
                    "event_type": _a.opt_text("event_type", event_type),
                },
            )
        )

    def delete(self, webhook_uid: str) -> None:
        """Removes a webhook."""
        self._call("webhooks.delete", {"webhook_uid": _a.text("webhook_uid", webhook_uid)})

    def test(self, webhook_uid: str) -> None:
        """Makes the service post a ``webhook.test`` event to the webhook."""
        self._call("webhooks.test", {"webhook_uid": _a.text("webhook_uid", webhook_uid)})


class ReviewLinks(_Resource):
    """Review links (``client.review_links``): a named set of a project's assets with
    options, sent to recipients as external reviews (one ``task/review_asset_ext`` task per
    recipient, whose review URL is that recipient's short URL). Stored as project metadata
    ``review_link:<id>``, so any process or language can list, read and extend them."""

    __slots__ = ()

    def create(
        self,
        project_uid: str,
        name: str,
        *,
        asset_uids: Optional[Sequence[str]] = None,
        allow_approvals: bool = True,
        current_version_only: bool = False,
        enable_downloading: bool = True,
        expires_at: Optional[Union[datetime, date]] = None,
        password: Optional[str] = None,
    ) -> ReviewLink:
        """Creates a review link for a project, with ``asset_uids`` added when given (checked
        before the link is created; should adding them fail after the link was created, the
        error has ``applied`` set and the link's id in ``created_uid``). A ``password`` is
        not stored: pass it again to :meth:`send`."""
        return ReviewLink._from_native(
            self._call(
                "review_links.create",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "name": _a.text("name", name),
                    "asset_uids": _a.opt_texts("asset_uids", asset_uids),
                    "allow_approvals": _a.boolean("allow_approvals", allow_approvals),
                    "current_version_only": _a.boolean("current_version_only", current_version_only),
                    "enable_downloading": _a.boolean("enable_downloading", enable_downloading),
                    "expires_at": _a.opt_rfc3339("expires_at", expires_at),
                    "password": _a.opt_text("password", password),
                },
            )
        )

    def get(self, project_uid: str, link_id: str) -> ReviewLink:
        """Reads a review link back (NotFoundError when unknown)."""
        return ReviewLink._from_native(
            self._call(
                "review_links.get",
                {"project_uid": _a.text("project_uid", project_uid), "link_id": _a.text("link_id", link_id)},
            )
        )

    def list(self, project_uid: str) -> List[ReviewLink]:
        """The review links of a project, oldest first."""
        return _records(
            ReviewLink,
            self._call("review_links.list", {"project_uid": _a.text("project_uid", project_uid)}),
        )

    def add_assets(self, project_uid: str, link_id: str, asset_uids: Sequence[str]) -> ReviewLink:
        """Adds assets to a review link; returns the updated link."""
        return ReviewLink._from_native(
            self._call(
                "review_links.add_assets",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "link_id": _a.text("link_id", link_id),
                    "asset_uids": _a.texts("asset_uids", asset_uids),
                },
            )
        )

    def send(
        self,
        project_uid: str,
        link_id: str,
        recipients: Sequence[str],
        *,
        password: Optional[str] = None,
        email_language: Optional[Union[EmailLanguage, str]] = None,
        comment: Optional[str] = None,
    ) -> List[ReviewLinkRecipient]:
        """Sends the link to each e-mail in ``recipients``; each result's ``short_url`` is
        what that recipient opens."""
        return _records(
            ReviewLinkRecipient,
            self._call(
                "review_links.send",
                {
                    "project_uid": _a.text("project_uid", project_uid),
                    "link_id": _a.text("link_id", link_id),
                    "recipients": _a.texts("recipients", recipients),
                    "password": _a.opt_text("password", password),
                    "email_language": _a.opt_enum_value("email_language", email_language, EmailLanguage),
                    "comment": _a.opt_text("comment", comment),
                },
            ),
        )

    def delete(self, project_uid: str, link_id: str) -> None:
        """Forgets a review link (the tasks it produced stay)."""
        self._call(
            "review_links.delete",
            {"project_uid": _a.text("project_uid", project_uid), "link_id": _a.text("link_id", link_id)},
        )
