"""Region lookups: detail, children, and the county → city → province chain."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.catalogue.pagination import decode_cursor, encode_cursor
from app.catalogue.verification import verification_out
from app.errors import NotFound
from app.models import Region
from app.schemas import Coordinates, Page, RegionOut, RegionRef

COORD_TYPE = "gcj02"


def get_region(session: Session, code: str, *, field: str | None = "region") -> Region:
    """The region with ``code``, or :class:`NotFound` naming the parameter."""
    region = session.get(Region, code)
    if region is None:
        raise NotFound("region", f"地区代码 {code}", field=field)
    return region


def region_chain(session: Session, code: str, *, field: str | None = "region") -> list[Region]:
    """The region and its ancestors, most specific first (follows parents, not prefixes)."""
    chain = [get_region(session, code, field=field)]
    while chain[-1].parent_code is not None:
        parent = session.get(Region, chain[-1].parent_code)
        if parent is None:  # pragma: no cover - the foreign key forbids it
            break
        chain.append(parent)
    return chain


def to_ref(region: Region) -> RegionRef:
    """The short public form of a region."""
    return RegionRef(code=region.code, name=region.name, level=region.level)


def refs_by_code(session: Session, codes: Iterable[str]) -> dict[str, RegionRef]:
    """Short forms of several regions in one query."""
    wanted = set(codes)
    if not wanted:
        return {}
    rows = session.exec(select(Region).where(col(Region.code).in_(wanted)))
    return {r.code: to_ref(r) for r in rows}


def _children_counts(session: Session, codes: list[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = session.exec(
        select(Region.parent_code, func.count())
        .where(col(Region.parent_code).in_(codes))
        .group_by(col(Region.parent_code))
    )
    return {parent: count for parent, count in rows if parent is not None}


def _to_out(region: Region, parent: RegionRef | None, children: int) -> RegionOut:
    seat = None
    if region.seat_lat_gcj02 is not None and region.seat_lng_gcj02 is not None:
        seat = Coordinates(
            lat=region.seat_lat_gcj02, lng=region.seat_lng_gcj02, coordtype=COORD_TYPE
        )
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        parent=parent,
        seat=seat,
        children_count=children,
        source=region.source_note,
        verification=verification_out(region),
    )


def _outs(session: Session, regions: list[Region]) -> list[RegionOut]:
    parents = refs_by_code(session, (r.parent_code for r in regions if r.parent_code))
    counts = _children_counts(session, [r.code for r in regions])
    return [
        _to_out(r, parents.get(r.parent_code) if r.parent_code else None, counts.get(r.code, 0))
        for r in regions
    ]


def region_detail(session: Session, code: str) -> RegionOut:
    """One region with its parent, seat and number of children."""
    return _outs(session, [get_region(session, code, field="code")])[0]


def list_regions(
    session: Session,
    *,
    level: str | None,
    parent: str | None,
    limit: int,
    cursor: str | None,
) -> Page[RegionOut]:
    """Regions ordered by code, optionally one level or the children of ``parent``."""
    after = decode_cursor(cursor)
    conditions = []
    if level is not None:
        conditions.append(col(Region.level) == level)
    if parent is not None:
        get_region(session, parent, field="parent")
        conditions.append(col(Region.parent_code) == parent)
    total = session.exec(select(func.count()).select_from(Region).where(*conditions)).one()
    query = select(Region).where(*conditions)
    if after is not None:
        query = query.where(col(Region.code) > after)
    rows = list(session.exec(query.order_by(col(Region.code)).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].code) if more and rows else None
    return Page(items=_outs(session, rows), next_cursor=next_cursor, total=total)
