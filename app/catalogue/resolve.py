"""Pick the value in force for a region and date: county → city → province → national.

Pure functions over anything with ``region_code``, ``valid_from`` and ``valid_to``, so the
rule can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, TypeVar


class Dated(Protocol):
    """A regional value with an optional validity period (``valid_to`` is exclusive)."""

    @property
    def region_code(self) -> str | None:
        """The region the value belongs to; ``None`` for national wording."""

    @property
    def valid_from(self) -> dt.date | None:
        """First day in force, if bounded."""

    @property
    def valid_to(self) -> dt.date | None:
        """First day no longer in force, if bounded."""


D = TypeVar("D", bound=Dated)
Status = Literal["current", "superseded"]


def in_force(item: Dated, as_of: dt.date) -> bool:
    """Whether ``item`` applies on ``as_of``."""
    started = item.valid_from is None or item.valid_from <= as_of
    not_ended = item.valid_to is None or as_of < item.valid_to
    return started and not_ended


def _rank(item: Dated, chain: Sequence[str]) -> int | None:
    """0 for the region itself, 1 for its parent …; national wording ranks last."""
    if item.region_code is None:
        return len(chain)
    try:
        return chain.index(item.region_code)
    except ValueError:
        return None


def pick(items: Iterable[D], chain: Sequence[str], as_of: dt.date) -> tuple[D, Status] | None:
    """The most specific value in force on ``as_of``.

    When nothing is in force, the most specific value that has already ended is returned as
    ``superseded`` (an old edition's wording is better than nothing, if labelled). Values for
    regions outside ``chain`` and values not yet in force are ignored.
    """
    current: list[tuple[int, dt.date, D]] = []
    ended: list[tuple[int, dt.date, D]] = []
    for item in items:
        rank = _rank(item, chain)
        if rank is None:
            continue
        if in_force(item, as_of):
            current.append((rank, item.valid_from or dt.date.min, item))
        elif item.valid_to is not None and item.valid_to <= as_of:
            ended.append((rank, item.valid_to, item))
    for group, status in ((current, "current"), (ended, "superseded")):
        if group:
            # Most specific level first, then the newest start (or end) date.
            best = min(group, key=lambda entry: (entry[0], -entry[1].toordinal()))
            return best[2], status  # type: ignore[return-value]
    return None
