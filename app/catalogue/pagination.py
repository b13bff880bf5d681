"""Opaque keyset cursors: the sort key of the last row, base64url-encoded."""

from __future__ import annotations

import base64
import binascii

from app.errors import InvalidCursor

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,200}$"
_PREFIX = "k1:"


def encode_cursor(sort_key: str) -> str:
    """Wrap a sort key as an opaque, URL-safe cursor."""
    raw = (_PREFIX + sort_key).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    """The sort key inside ``cursor``; :class:`InvalidCursor` if it is not one of ours."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor from exc
    if not raw.startswith(_PREFIX) or len(raw) == len(_PREFIX):
        raise InvalidCursor
    return raw.removeprefix(_PREFIX)
