"""Offline testing: an in-process emulator of the Approval Studio service.

``Emulator()`` starts the emulator (the same Rust emulator the SDK's own tests use) inside
this process on a free port of 127.0.0.1, seeded with a tenant, three users, a template,
kanban columns and folders. Use it as a context manager, or through the pytest fixture
``approvalstudio_emulator`` (installed with the package; reset before each test)::

    from approvalstudio.testing import Emulator

    with Emulator() as emu:
        with emu.client() as client:
            print(client.users.logged_in().full_name)
        emu.faults("/api/v1/project", status=503, times=1)   # next project call fails
        emu.config(quota={"limit": 2, "period": "1m"})        # rate limiting
        print(emu.requests())                                  # what the server received

Seeded users: ``admin@example.com`` / ``admin-password`` (what ``username``/``password`` and
``client()`` use), ``reviewer@example.com`` / ``reviewer-password``, and
``lite@example.com`` / ``lite-password`` (Lite plan: login fails with ForbiddenError).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from types import TracebackType
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, Union

from . import _args as _a
from . import _native
from ._client import Client

__all__ = ["Emulator"]

_UNSET: Any = object()

_YEAR_S = 365 * 24 * 3600
_MAX_DELAY_MS = 600_000
_ACTIONS = ("status", "delay", "reset", "truncate")


def _users(value: Any) -> Optional[List[Tuple[str, str, bool]]]:
    if value is None:
        return None
    items = _a.seq("users", value, "a list of (email, password[, lite]) tuples")
    if not items:
        raise _a.bad("users", "must not be empty")
    out = []
    for i, u in enumerate(items):
        name = f"users[{i}]"
        if not isinstance(u, tuple) or len(u) not in (2, 3):
            raise _a.wrong_type(name, "an (email, password) or (email, password, lite) tuple", u)
        lite = _a.boolean(f"{name}[2]", u[2]) if len(u) == 3 else False
        out.append((_a.single_line(f"{name}[0]", u[0]), _a.text(f"{name}[1]", u[1]), lite))
    return out


def _quota(value: Any) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _a.wrong_type("quota", 'a dict {"limit": N, "period": "1m"}', value)
    extra = sorted(str(k) for k in value if k not in ("limit", "period"))
    if extra or "limit" not in value or "period" not in value:
        raise _a.bad("quota", 'must be {"limit": N, "period": "1m"} (keys limit and period)')
    return {
        "limit": _a.integer("quota.limit", value["limit"], 1, 1_000_000_000),
        "period": _a.single_line("quota.period", value["period"]),
    }


class Emulator:
    """An emulator of the Approval Studio API running inside this process.

    Args:
        token_ttl: token lifetime in seconds overriding the client's ``keepAliveTime``.
        quota: ``{"limit": N, "period": "1m"}`` to rate-limit ``/api/v1/`` calls.
        processing_delay_ms: delay of each asset processing step (default 200 ms).
        storage_limit_bytes: total stored bytes before uploads fail with 403.
        users: replaces the seeded users: ``(email, password)`` or
            ``(email, password, lite)`` tuples; the first is what ``username``,
            ``password`` and ``client()`` use.
    """

    def __init__(
        self,
        *,
        token_ttl: Optional[int] = None,
        quota: Optional[Dict[str, Any]] = None,
        processing_delay_ms: Optional[int] = None,
        storage_limit_bytes: Optional[int] = None,
        users: Optional[Sequence[Union[Tuple[str, str], Tuple[str, str, bool]]]] = None,
    ) -> None:
        specs = _users(users)
        update: Dict[str, Any] = {}
        if token_ttl is not None:
            update["token_ttl"] = _a.integer("token_ttl", token_ttl, 1, _YEAR_S)
        if quota is not None:
            update["quota"] = _quota(quota)
        if processing_delay_ms is not None:
            update["processing_delay_ms"] = _a.integer(
                "processing_delay_ms", processing_delay_ms, 0, _MAX_DELAY_MS
            )
        if storage_limit_bytes is not None:
            update["storage_limit_bytes"] = _a.integer(
                "storage_limit_bytes", storage_limit_bytes, 0, 2**63 - 1
            )
        self._server: Optional[_native.EmulatorServer] = None
        self._server = _native.EmulatorServer(specs)
        self._url = self._server.url
        self._username = self._server.username
        self._password = self._server.password
        if update:
            self.config(**update)

    # -- basics -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the emulator, e.g. ``http://127.0.0.1:40123`` (API under ``/api/v1/``)."""
        return self._url

    @property
    def username(self) -> str:
        """The first seeded user's login (``admin@example.com``)."""
        return self._username

    @property
    def password(self) -> str:
        """The first seeded user's password."""
        return self._password

    def client(self, **kwargs: Any) -> Client:
        """A :class:`approvalstudio.Client` logged in as the first seeded user (keyword
        arguments are passed on, e.g. ``username=``, ``timeout=``, ``max_retries=``)."""
        unknown = sorted(set(kwargs) - {"username", "password", "token", "timeout", "max_retries"})
        if unknown:
            raise _a.bad(
                unknown[0],
                "is not an argument of Client (username, password, token, timeout, max_retries)",
            )
        kwargs.setdefault("username", self._username)
        if "token" not in kwargs:
            kwargs.setdefault("password", self._password)
        return Client(self._url, **kwargs)

    def close(self) -> None:
        """Stops the emulator (also done by ``with`` and when garbage-collected)."""
        server, self._server = self._server, None
        if server is not None:
            server.close()

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "running" if self._server is not None else "closed"
        return f"Emulator(url={self._url!r}, {state})"

    # -- control API ----------------------------------------------------------------------

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        if self._server is None:
            raise RuntimeError("the emulator is closed")
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self._url}/_emulator/{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"} if data is not None else {},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                text = resp.read().decode() or "null"
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            raise RuntimeError(f"emulator control {method} {path}: HTTP {e.code}: {detail}") from None
        return json.loads(text)

    def reset(self) -> None:
        """Restores the seeded state; clears faults, the request journal, the clock offset
        and configuration changes."""
        self._control("POST", "reset")

    def faults(
        self,
        path: str,
        *,
        method: Optional[str] = None,
        status: Optional[int] = None,
        action: Optional[str] = None,
        retry_after: Optional[int] = None,
        latency_ms: Optional[int] = None,
        body: Optional[str] = None,
        after: bool = False,
        times: Optional[int] = None,
        probability: Optional[float] = None,
        seed: Optional[int] = None,
    ) -> str:
        """Adds a fault rule and returns its id.

        ``path`` is exact (``/api/v1/project``) or a prefix ending in ``*`` (it starts with
        ``/``). Ranges (InvalidInputError otherwise): ``status`` 100 to 599, ``retry_after``
        0 to 86 400, ``latency_ms`` 0 to 600 000, ``times`` 1 to 10**9, ``probability`` 0
        to 1, ``seed`` 0 to 2**64 - 1. ``action`` is
        ``"status"`` (answer ``status`` without handling; the default when ``status`` is
        given), ``"delay"`` (add ``latency_ms``, then handle; the default otherwise),
        ``"reset"`` (close the connection; with ``after=True`` after handling) or
        ``"truncate"`` (send half the body). ``times`` limits it to the first N matching
        calls; ``probability``/``seed`` make it random but reproducible.
        """
        path = _a.single_line("path", path)
        if not path.startswith("/"):
            raise _a.bad("path", "must start with / (e.g. /api/v1/project or /api/v1/*)")
        if action is None:
            action = "status" if status is not None else "delay"
        action = _a.text("action", action)
        if action not in _ACTIONS:
            raise _a.bad("action", f"must be one of {', '.join(_ACTIONS)} (got {action!r})")
        rule: Dict[str, Any] = {"path": path, "action": action, "after": _a.boolean("after", after)}
        for key, value in (
            ("method", _a.opt_single_line("method", method)),
            ("status", _a.opt_integer("status", status, 100, 599)),
            ("retryAfter", _a.opt_integer("retry_after", retry_after, 0, 86_400)),
            ("latencyMs", _a.opt_integer("latency_ms", latency_ms, 0, _MAX_DELAY_MS)),
            ("body", _a.opt_text("body", body)),
            ("times", _a.opt_integer("times", times, 1, 1_000_000_000)),
            (
                "probability",
                None if probability is None else _a.number_range("probability", probability, 0.0, 1.0),
            ),
            ("seed", _a.opt_integer("seed", seed, 0, 2**64 - 1)),
        ):
            if value is not None:
                rule[key] = value
        res = self._control("POST", "faults", rule)
        return str(res.get("faultId", "")) if isinstance(res, dict) else str(res)

    def list_faults(self) -> List[Dict[str, Any]]:
        """The active fault rules, each with its ``faultId`` and ``hits``."""
        return list(self._control("GET", "faults") or [])

    def clear_faults(self, fault_id: Optional[str] = None) -> None:
        """Removes one fault rule, or all of them."""
        fault_id = _a.opt_single_line("fault_id", fault_id)
        if fault_id is not None and not fault_id.replace("-", "").replace("_", "").isalnum():
            raise _a.bad("fault_id", "must be a fault id as returned by faults()")
        self._control("DELETE", f"faults/{fault_id}" if fault_id else "faults")

    def config(
        self,
        *,
        token_ttl: Optional[int] = _UNSET,
        quota: Optional[Dict[str, Any]] = _UNSET,
        processing_delay_ms: Optional[int] = None,
        transit_delay_ms: Optional[int] = None,
        storage_limit_bytes: Optional[int] = _UNSET,
        webhook_retry_window_seconds: Optional[int] = None,
        webhook_backoff_ms: Optional[int] = None,
    ) -> Dict[str, Any]:
        """Changes the running configuration and returns it; with no argument only returns it.

        ``token_ttl`` (seconds, 1 to one year), ``quota`` (``{"limit": 2, "period": "1m"}``)
        and ``storage_limit_bytes`` accept ``None`` to remove the setting; the delays are 0 to
        600 000 ms, ``webhook_retry_window_seconds`` 0 to 604 800.
        """
        update: Dict[str, Any] = {}
        if token_ttl is not _UNSET:
            update["tokenTtlSeconds"] = _a.opt_integer("token_ttl", token_ttl, 1, _YEAR_S)
        if quota is not _UNSET:
            update["quota"] = _quota(quota)
        if storage_limit_bytes is not _UNSET:
            update["storageLimitBytes"] = _a.opt_integer(
                "storage_limit_bytes", storage_limit_bytes, 0, 2**63 - 1
            )
        for key, name, value, hi in (
            ("processingDelayMs", "processing_delay_ms", processing_delay_ms, _MAX_DELAY_MS),
            ("transitDelayMs", "transit_delay_ms", transit_delay_ms, _MAX_DELAY_MS),
            ("webhookRetryWindowSeconds", "webhook_retry_window_seconds", webhook_retry_window_seconds, 7 * 86_400),
            ("webhookBackoffMs", "webhook_backoff_ms", webhook_backoff_ms, _MAX_DELAY_MS),
        ):
            if value is not None:
                update[key] = _a.integer(name, value, 0, hi)
        if not update:
            return dict(self._control("GET", "config"))
        return dict(self._control("POST", "config", update))

    def requests(
        self, *, method: Optional[str] = None, path: Optional[str] = None
    ) -> List[Dict[str, Any]]:
        """The journal of requests received (``seq, method, path, query, status, at, fault``),
        optionally filtered; no headers, bodies or secrets."""
        q = {
            k: v
            for k, v in (
                ("method", _a.opt_single_line("method", method)),
                ("path", _a.opt_single_line("path", path)),
            )
            if v
        }
        suffix = "?" + urllib.parse.urlencode(q) if q else ""
        return list(self._control("GET", "requests" + suffix) or [])

    def clear_requests(self) -> None:
        """Empties the request journal."""
        self._control("DELETE", "requests")

    def advance_clock(self, seconds: float) -> str:
        """Moves the emulator's clock (tokens, quota periods) by ``seconds`` (at most one year
        either way); returns the new time."""
        seconds = _a.number_range("seconds", seconds, -float(_YEAR_S), float(_YEAR_S), " s")
        res = self._control("POST", "clock", {"advanceSeconds": seconds})
        return str(res.get("now", "")) if isinstance(res, dict) else str(res)

    def webhook_deliveries(self) -> List[Dict[str, Any]]:
        """Webhook delivery attempts (``eventId, eventType, url, attempt, status, at``)."""
        return list(self._control("GET", "webhooks/deliveries") or [])
