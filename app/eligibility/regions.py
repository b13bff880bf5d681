"""Region chains as the engine sees them: passed in by the caller, never looked up here.

The catalogue (``Snapshot.regions``) or the seed's region files provide the rows; this module
turns them into chains that follow parent codes (not string prefixes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from app.eligibility.parameters import Level


@dataclass(frozen=True, slots=True)
class RegionInfo:
    """A region with its ancestors, most specific first (``chain[0] == code``)."""

    code: str
    name: str
    level: Level
    chain: tuple[str, ...]
    levels: tuple[Level, ...]

    def within(self, code: str) -> bool:
        """Whether this region is ``code`` or lies inside it."""
        return code in self.chain


class RegionLookup(Protocol):
    """What the engine needs from the region table."""

    def get(self, code: str) -> RegionInfo | None:
        """The region with ``code``, or None when it is not in the table."""


@dataclass(frozen=True, slots=True)
class RegionRow:
    """The few columns a chain needs."""

    code: str
    name: str
    level: Level
    parent: str | None


class RegionIndex:
    """An immutable table of chains built once from region rows."""

    __slots__ = ("_regions",)

    def __init__(self, rows: Iterable[RegionRow]) -> None:
        by_code = {row.code: row for row in rows}
        regions: dict[str, RegionInfo] = {}
        for row in by_code.values():
            chain = [row]
            while chain[-1].parent is not None and chain[-1].parent in by_code:
                chain.append(by_code[chain[-1].parent])
            regions[row.code] = RegionInfo(
                code=row.code,
                name=row.name,
                level=row.level,
                chain=tuple(r.code for r in chain),
                levels=tuple(r.level for r in chain),
            )
        self._regions: Mapping[str, RegionInfo] = regions

    def get(self, code: str) -> RegionInfo | None:
        """The region with ``code``, or None."""
        return self._regions.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._regions

    def __len__(self) -> int:
        return len(self._regions)

    def codes(self) -> Iterable[str]:
        """Every code in the table."""
        return self._regions.keys()
