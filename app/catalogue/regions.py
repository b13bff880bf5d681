"""Region queries over a catalogue snapshot: detail, lists and children."""

from __future__ import annotations

import bisect

from app.catalogue.pagination import decode_cursor, encode_cursor
from app.catalogue.snapshot import RegionNode, Snapshot
from app.schemas import Coordinates, Page, RegionOut

COORD_TYPE = "gcj02"


def region_out(snap: Snapshot, node: RegionNode) -> RegionOut:
    """The public detail form of a region."""
    seat = None
    if node.lat is not None and node.lng is not None:
        seat = Coordinates(lat=node.lat, lng=node.lng, coordtype=COORD_TYPE)
    return RegionOut(
        code=node.code,
        name=node.name,
        level=node.level,
        parent=snap.regions[node.parent_code].ref if node.parent_code else None,
        seat=seat,
        children_count=len(node.children),
        source=node.source_note,
        verification=node.verification,
    )


def region_detail(snap: Snapshot, code: str) -> RegionOut:
    """One region with its parent, seat and number of children."""
    return region_out(snap, snap.region(code, field="code"))


def list_regions(
    snap: Snapshot,
    *,
    level: str | None,
    parent: str | None,
    limit: int,
    cursor: str | None,
) -> Page[RegionOut]:
    """Regions ordered by code, optionally one level or the children of ``parent``."""
    after = decode_cursor(cursor)
    codes: tuple[str, ...] | list[str]
    codes = snap.region(parent, field="parent").children if parent else snap.ordered_regions
    if level is not None:
        codes = [c for c in codes if snap.regions[c].level == level]
    start = 0 if after is None else bisect.bisect_right(codes, after)
    rows = codes[start : start + limit]
    more = start + limit < len(codes)
    return Page(
        items=[region_out(snap, snap.regions[c]) for c in rows],
        next_cursor=encode_cursor(rows[-1]) if more and rows else None,
        total=len(codes),
    )
