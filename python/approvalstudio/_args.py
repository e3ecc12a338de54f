"""Argument checks shared by the public API (``Client`` and its resources, ``webhooks``,
``testing``).

Every bad argument raises :class:`~approvalstudio.InvalidInputError` (a ``ValueError``) whose
message starts with the argument's name (``"timeout: must be ..."``) and whose ``fields`` maps
that name to what is allowed; an argument of the wrong type raises its subclass
:class:`~approvalstudio.ArgumentTypeError`, which is also a ``TypeError``. Range checks that
the core owns (durations, lengths, UID shapes) are left to the core, which names the argument
the same way.
"""

from __future__ import annotations

import math
import operator
import os
from collections.abc import Mapping, Sequence, Set
from datetime import date, datetime, timezone
from typing import Any, Callable, List, Optional, Tuple

from .errors import ArgumentTypeError, InvalidInputError


def bad(name: str, what: str) -> InvalidInputError:
    """An InvalidInputError naming argument ``name``: ``"name: what"``."""
    msg = f"{name}: {what}"
    return InvalidInputError(msg, fields={name: [what]}, kind="invalid_input", description=msg)


def wrong_type(name: str, expected: str, value: Any) -> ArgumentTypeError:
    """An ArgumentTypeError naming ``name``, the expected type and the type given."""
    what = f"must be {expected}, not {type(value).__name__}"
    msg = f"{name}: {what}"
    return ArgumentTypeError(msg, fields={name: [what]}, kind="invalid_input", description=msg)


def utf8(name: str, value: str) -> str:
    """``value`` unchanged when it can be encoded as UTF-8 (no lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise bad(
            name,
            f"is not encodable as UTF-8 (a lone surrogate at index {e.start}); "
            "pass text, not bytes decoded with errors='surrogateescape'",
        ) from None
    return value


def text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise wrong_type(name, "str", value)
    return utf8(name, value)


def opt_text(name: str, value: Any) -> Optional[str]:
    return None if value is None else text(name, value)


def single_line(name: str, value: Any) -> str:
    """A str without NUL, CR or LF (URLs, tokens, header values)."""
    s = text(name, value)
    for ch, label in (("\x00", "NUL"), ("\r", "CR"), ("\n", "LF")):
        i = s.find(ch)
        if i >= 0:
            raise bad(name, f"must not contain control characters ({label} at index {i})")
    return s


def opt_single_line(name: str, value: Any) -> Optional[str]:
    return None if value is None else single_line(name, value)


def seq(name: str, value: Any, what: str = "a list") -> List[Any]:
    """A list or tuple (or another sequence that is not a str, bytes, mapping or set)."""
    if (
        isinstance(value, (str, bytes, bytearray, memoryview, Mapping, Set))
        or not isinstance(value, Sequence)
    ):
        raise wrong_type(name, f"{what} (or tuple)", value)
    return list(value)


def texts(name: str, value: Any) -> List[str]:
    return [text(f"{name}[{i}]", v) for i, v in enumerate(seq(name, value, "a list of str"))]


def opt_texts(name: str, value: Any) -> Optional[List[str]]:
    return None if value is None else texts(name, value)


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise wrong_type(name, "bool", value)
    return value


def opt_boolean(name: str, value: Any) -> Optional[bool]:
    return None if value is None else boolean(name, value)


def integer(name: str, value: Any, lo: int, hi: int) -> int:
    """An int (not a bool) in ``lo..=hi``."""
    if isinstance(value, bool):
        raise wrong_type(name, "int", value)
    try:
        n = operator.index(value)
    except TypeError:
        raise wrong_type(name, "int", value) from None
    if not lo <= n <= hi:
        shown = str(n) if abs(n) < 10**30 else ("a huge negative int" if n < 0 else "a huge int")
        raise bad(name, f"must be an int from {lo} to {hi} (got {shown})")
    return n


def opt_integer(name: str, value: Any, lo: int, hi: int) -> Optional[int]:
    return None if value is None else integer(name, value, lo, hi)


def number(name: str, value: Any) -> float:
    """A finite int or float (not a bool) as a float; ranges are the caller's."""
    if isinstance(value, (bool, complex, str, bytes, bytearray)):
        raise wrong_type(name, "a number", value)
    try:
        f = float(value)
    except OverflowError:
        raise bad(name, "must be a finite number (this int is too large)") from None
    except (TypeError, ValueError):
        raise wrong_type(name, "a number", value) from None
    if not math.isfinite(f):
        raise bad(name, f"must be a finite number (got {f})")
    return f


def opt_number(name: str, value: Any) -> Optional[float]:
    return None if value is None else number(name, value)


def number_range(name: str, value: Any, lo: float, hi: float, unit: str = "") -> float:
    f = number(name, value)
    if not lo <= f <= hi:
        raise bad(name, f"must be from {lo:g} to {hi:g}{unit} (got {f:g})")
    return f


def rfc3339(name: str, value: Any) -> str:
    """datetime (naive = UTC) or date → RFC 3339 string in UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        try:
            utc = value.astimezone(timezone.utc)
        except (OverflowError, ValueError):
            raise bad(
                name,
                "is out of range: in UTC it falls outside the years 1 to 9999",
            ) from None
        return utc.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    raise wrong_type(name, "a datetime or date", value)


def opt_rfc3339(name: str, value: Any) -> Optional[str]:
    return None if value is None else rfc3339(name, value)


def enum_value(name: str, value: Any, cls: Any) -> str:
    """A member of enum ``cls`` or its ``str`` value (any case); InvalidInputError naming
    the allowed values otherwise."""
    if isinstance(value, cls):
        return str(value.value)
    if not isinstance(value, str):
        raise wrong_type(name, f"{cls.__name__} or str", value)
    for m in cls:
        if str(m.value).lower() == value.lower():
            return str(m.value)
    allowed = ", ".join(str(m.value) for m in cls)
    shown = value if len(value) <= 40 else value[:40] + "..."
    raise bad(name, f"must be one of {allowed} (got {utf8(name, shown)!r})")


def opt_enum_value(name: str, value: Any, cls: Any) -> Optional[str]:
    return None if value is None else enum_value(name, value, cls)


def path(name: str, value: Any) -> bytes:
    """str or os.PathLike → the path's bytes (so non-UTF-8 names survive)."""
    if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)):
        raise wrong_type(name, "str or os.PathLike", value)
    try:
        p = os.fspath(value)
    except TypeError:
        raise wrong_type(name, "str or os.PathLike[str]", value) from None
    if not isinstance(p, str):
        raise wrong_type(name, "str or os.PathLike[str]", value)
    try:
        raw = os.fsencode(p)
    except UnicodeEncodeError as e:
        raise bad(
            name,
            f"is not encodable for the file system (a lone surrogate at index {e.start})",
        ) from None
    if not raw:
        raise bad(name, "must not be empty")
    if b"\x00" in raw:
        raise bad(name, f"must not contain a NUL character (at index {raw.index(0)})")
    return raw


def callback(name: str, value: Any) -> Optional[Callable[..., Any]]:
    if value is not None and not callable(value):
        raise wrong_type(name, "callable or None", value)
    return value  # type: ignore[no-any-return]


_REGION_KEYS: Tuple[str, str, str, str] = ("x", "y", "width", "height")


def region(name: str, value: Any, record_cls: Any) -> Optional[dict]:  # type: ignore[type-arg]
    """A Region, an ``{x, y, width, height}`` mapping or an ``(x, y, width, height)`` tuple:
    four finite numbers, width and height not negative."""
    if value is None:
        return None
    if isinstance(value, record_cls):
        items = [getattr(value, k) for k in _REGION_KEYS]
    elif isinstance(value, Mapping):
        missing = [k for k in _REGION_KEYS if k not in value]
        extra = [str(k) for k in value if k not in _REGION_KEYS]
        if missing:
            raise bad(name, f"needs the keys x, y, width and height (missing {', '.join(missing)})")
        if extra:
            raise bad(name, f"has unknown keys ({', '.join(sorted(extra))}): only x, y, width, height")
        items = [value[k] for k in _REGION_KEYS]
    elif isinstance(value, tuple):
        if len(value) != 4:
            raise bad(name, f"must be an (x, y, width, height) tuple (got {len(value)} items)")
        items = list(value)
    else:
        raise wrong_type(name, "a Region, a dict or an (x, y, width, height) tuple", value)
    out = {k: number(f"{name}.{k}", v) for k, v in zip(_REGION_KEYS, items)}
    for k in ("width", "height"):
        if out[k] < 0:
            raise bad(f"{name}.{k}", f"must not be negative (got {out[k]:g})")
    return out
