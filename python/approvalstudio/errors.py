"""Exceptions raised by :mod:`approvalstudio`.

Hierarchy::

    ApprovalStudioError
    ├── ApiError (status_code, message, trace_id, body)   the server answered with an error
    │   ├── ValidationError (fields)                       400
    │   ├── AuthenticationError                            401
    │   ├── ForbiddenError                                 403
    │   ├── NotFoundError                                  404
    │   ├── StateConflictError                             406, 410, 412
    │   ├── RateLimitError (retry_after)                   429
    │   └── ServerError                                    5xx
    ├── TransportError (+ ConnectionError)                 no usable answer
    │   └── RequestTimeoutError (+ TimeoutError)
    ├── AmbiguousRequestError                              a POST may or may not have applied
    ├── InvalidInputError (+ ValueError)                   rejected before anything was sent
    │   └── ArgumentTypeError (+ TypeError)                an argument of the wrong type
    ├── DecodeError                                        the answer could not be understood
    ├── LocalFileError (+ OSError)                         a local file could not be read/written
    ├── CancelledError                                     the operation was cancelled
    └── WebhookVerificationError                           Api-Secret missing or wrong

Every exception pickles and unpickles with its attributes, and ``str()`` gives a one-line
message with the HTTP status and trace id when there are any.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

__all__ = [
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
]


class ApprovalStudioError(Exception):
    """Base class of every exception raised by this package.

    Attributes:
        message: what failed and what to do about it (the server's own message included).
        status_code: the HTTP status when the server answered, else ``None``.
        trace_id: the server's trace id (400 problem details) when there is one.
        body: the raw response body (text) when there is one.
        retry_after: seconds the server asked to wait (429), else ``None``.
        fields: per-field validation messages (400), or for ``InvalidInputError`` the
            offending argument's name with what is allowed; else an empty dict.
        kind: the core's stable error kind (``"not_found"``, ``"rate_limited"``, ...).
        operation: the method that failed (``"projects.create"``), when known.
        applied: True when the call's effect is known to have been applied although it
            raised (a later step failed, or a cancel came after the server accepted it): do
            not repeat the call. (An effect that *may* have been applied is an
            :class:`AmbiguousRequestError` instead.)
        created_uid: with ``applied``, the UID of what the call created, when known.
    """

    message: str
    status_code: Optional[int]
    trace_id: Optional[str]
    body: Optional[str]
    retry_after: Optional[float]
    fields: Dict[str, List[str]]
    kind: Optional[str]
    operation: Optional[str]
    applied: bool
    created_uid: Optional[str]

    def __init__(
        self,
        message: str = "",
        *,
        status_code: Optional[int] = None,
        trace_id: Optional[str] = None,
        body: Optional[str] = None,
        retry_after: Optional[float] = None,
        fields: Optional[Mapping[str, List[str]]] = None,
        kind: Optional[str] = None,
        operation: Optional[str] = None,
        description: Optional[str] = None,
        applied: bool = False,
        created_uid: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.trace_id = trace_id
        self.body = body
        self.retry_after = retry_after
        self.fields = {k: list(v) for k, v in (fields or {}).items()}
        self.kind = kind
        self.operation = operation
        self.applied = applied
        self.created_uid = created_uid
        self._description = description

    def __str__(self) -> str:
        if self._description:
            return self._description
        parts = [self.message or type(self).__name__]
        extra = []
        if self.status_code is not None:
            extra.append(f"HTTP {self.status_code}")
        if self.retry_after is not None:
            extra.append(f"retry after {self.retry_after:g} s")
        if self.trace_id:
            extra.append(f"trace id {self.trace_id}")
        if extra:
            parts.append(f"({', '.join(extra)})")
        if self.fields:
            parts.append(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(self.fields.items()))
            )
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r})"

    def __reduce__(self) -> Any:
        return (
            _rebuild,
            (
                type(self),
                self.message,
                {
                    "status_code": self.status_code,
                    "trace_id": self.trace_id,
                    "body": self.body,
                    "retry_after": self.retry_after,
                    "fields": self.fields,
                    "kind": self.kind,
                    "operation": self.operation,
                    "description": self._description,
                    "applied": self.applied,
                    "created_uid": self.created_uid,
                },
            ),
        )


def _rebuild(cls: Any, message: str, attrs: Dict[str, Any]) -> ApprovalStudioError:
    err = cls.__new__(cls)
    ApprovalStudioError.__init__(err, message, **attrs)
    return err  # type: ignore[no-any-return]


class ApiError(ApprovalStudioError):
    """The server answered with an error status (see ``status_code``, ``body``)."""


class ValidationError(ApiError):
    """400: the server rejected the request; ``fields`` maps field names to messages."""


class AuthenticationError(ApiError):
    """401: wrong credentials, or the token is missing, invalid or expired (after one re-login)."""


class ForbiddenError(ApiError):
    """403: storage limit reached, or the account's plan has no API access."""


class NotFoundError(ApiError):
    """404: the project, asset, task... does not exist (or was deleted)."""


class StateConflictError(ApiError):
    """406, 410, 412: the object is not in a state that allows the operation."""


class RateLimitError(ApiError):
    """429: the API call quota is exhausted; ``retry_after`` says for how many seconds."""


class ServerError(ApiError):
    """5xx: the service failed (after the retries allowed for this operation)."""


class TransportError(ApprovalStudioError, ConnectionError):
    """No usable answer: connection refused or reset, TLS failure, truncated body."""


class RequestTimeoutError(TransportError, TimeoutError):
    """The server did not answer in time (connect or read timeout, or the overall deadline)."""


class AmbiguousRequestError(ApprovalStudioError):
    """A non-idempotent request (a create or an upload) failed after it was sent: it may or
    may not have been applied. Check before retrying."""


class InvalidInputError(ApprovalStudioError, ValueError):
    """An argument is not allowed: a wrong type (:class:`ArgumentTypeError`), a value out of
    range, a documented limit broken (length, count, UID shape, mandatory field), text that
    is not encodable as UTF-8, a control character in a URL or token; nothing was sent. The
    message starts with the argument's name (``"timeout: must be ..."``) and ``fields`` maps
    that name to what is allowed."""


class ArgumentTypeError(InvalidInputError, TypeError):
    """An argument has the wrong type (``None`` where a value is required, a ``dict`` or a
    ``set`` where a list is expected, ...); nothing was sent. Both an
    :class:`InvalidInputError` and a ``TypeError``; the message names the argument and the
    expected type."""


class DecodeError(ApprovalStudioError):
    """The server's answer could not be decoded."""


class LocalFileError(ApprovalStudioError, OSError):
    """A local file could not be read or written (missing file, a directory, no permission)."""


class CancelledError(ApprovalStudioError):
    """The operation was cancelled (for example by a progress callback)."""


class WebhookVerificationError(ApprovalStudioError):
    """A webhook delivery's ``Api-Secret`` header is missing or does not match the secret."""
