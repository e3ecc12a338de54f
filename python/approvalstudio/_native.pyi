"""Native part of the ``approvalstudio`` package (Rust, pyo3). Use the package's public API
(``approvalstudio.Client``, ``approvalstudio.webhooks``, ``approvalstudio.testing``) instead
of this module: its entry points are untyped on purpose and may change."""

from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union, final


__all__ = [
    "Deduplicator",
    "EmulatorServer",
    "NativeClient",
    "__version__",
    "flush_logs",
    "parse_event",
    "verify_secret",
]

__version__: str

@final
class NativeClient:
    """The native client behind ``approvalstudio.Client``."""

    def __new__(
        cls,
        base_url: str,
        username: Optional[str] = None,
        password: Optional[str] = None,
        token: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> "NativeClient": ...
    def call(
        self,
        op: str,
        args: Dict[str, Any],
        progress: Optional[Callable[[Any], Any]] = None,
    ) -> Any:
        """Runs operation ``op`` (``"projects.create"``...) with ``args``, the GIL released;
        Ctrl-C and ``progress`` are serviced on the calling thread. Returns plain Python data
        (records as ``(data, raw)`` pairs)."""
    def close(self) -> None:
        """Closes the client (idempotent)."""
    @property
    def closed(self) -> bool:
        """True after ``close()``."""

@final
class EmulatorServer:
    """The Rust emulator running on its own thread in this process (127.0.0.1, free port)."""

    def __new__(
        cls, users: Optional[Sequence[Tuple[str, str, bool]]] = None
    ) -> "EmulatorServer": ...
    @property
    def url(self) -> str:
        """Base URL, ``http://127.0.0.1:PORT``."""
    @property
    def username(self) -> str:
        """The first seeded user's login."""
    @property
    def password(self) -> str:
        """The first seeded user's password."""
    @property
    def running(self) -> bool:
        """True until ``close()``."""
    def close(self) -> None:
        """Stops the server (idempotent)."""

@final
class Deduplicator:
    """Remembers the last ``capacity`` webhook event ids (thread-safe)."""

    def __new__(cls, capacity: Optional[int] = None) -> "Deduplicator":
        """``capacity``: an int from 1 to 100 000 000 (default 10 000)."""
    def first_time(self, event_id: str) -> bool:
        """True the first time ``event_id`` is seen (and remembers it); False for a repeat."""
    def __contains__(self, key: str, /) -> bool: ...
    def __len__(self) -> int: ...

def flush_logs() -> None:
    """Emits library log records queued since the last call through ``logging``."""

def parse_event(body: Union[bytes, str]) -> Dict[str, Any]:
    """Parses a webhook delivery body into ``event_id``, ``event_type``, ``created``,
    ``data`` and ``raw``; raises ``DecodeError``."""

def verify_secret(header_value: str, secret: str) -> bool:
    """Constant-time comparison of an ``Api-Secret`` header with the webhook's secret."""
