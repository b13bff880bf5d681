"""The provider directory read from the database: filtered lists and one provider in full.

Lists page by id (keyset cursors), so a page is one indexed range scan however deep it is.
Everything here is plain Python over a SQLModel session; the routers only translate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.catalogue.pagination import decode_cursor, encode_cursor
from app.catalogue.snapshot import Snapshot
from app.catalogue.verification import verification_out
from app.domain import PROVIDER_TYPES, PROVINCE_CODE
from app.errors import NotFound
from app.geo.coords import CoordType, navigation_links
from app.geo.hours import (
    ScheduleError,
    describe_exceptions,
    parse_schedule,
    render_schedule,
)
from app.models.provider import Location, LocationSource, Organization, ServiceAtLocation
from app.providers.hits import point_out
from app.providers.nearby import NearbyInputError
from app.providers.opening import STATUS_LABELS, opening_state

LOCATION_UNKNOWN = "位置待核实"


@dataclass(frozen=True)
class ProviderFilters:
    """List filters (codes already match their patterns)."""

    types: tuple[str, ...] = ()
    service: str | None = None
    region: str | None = None
    inclusive: bool | None = None
    sample: bool | None = None


def subtree(snap: Snapshot, code: str) -> list[str]:
    """``code`` and every region below it."""
    out: list[str] = []
    stack = [snap.region(code).code]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(snap.regions[current].children)
    return out


def where_clauses(snap: Snapshot, filters: ProviderFilters) -> list[Any]:
    """SQL conditions for ``filters``; unknown codes raise clear 4xx errors."""
    clauses: list[Any] = []
    for kind in filters.types:
        if kind not in PROVIDER_TYPES:
            raise NearbyInputError("unknown_type", f"未知的办理点类型 {kind}", "type")
    if filters.types:
        clauses.append(col(Location.type).in_(filters.types))
    if filters.service is not None:
        if filters.service not in snap.services:
            raise NotFound("service", f"服务 {filters.service}", field="service")
        offered = select(col(ServiceAtLocation.location_id)).where(
            col(ServiceAtLocation.service_code) == filters.service
        )
        clauses.append(col(Location.id).in_(offered))
    if filters.region is not None and snap.region(filters.region).code != PROVINCE_CODE:
        clauses.append(col(Location.region_code).in_(subtree(snap, filters.region)))
    if filters.inclusive is not None:
        clauses.append(col(Location.inclusive).is_(filters.inclusive))
    if filters.sample is not None:
        clauses.append(col(Location.sample).is_(filters.sample))
    return clauses


def list_providers(
    session: Session,
    snap: Snapshot,
    filters: ProviderFilters,
    *,
    limit: int,
    cursor: str | None,
    now: dt.datetime,
    coordtype: CoordType = CoordType.WGS84,
) -> dict[str, Any]:
    """One page of providers in id order, with the total for the filters."""
    clauses = where_clauses(snap, filters)
    after = decode_cursor(cursor)
    query = select(Location).where(*clauses)
    if after is not None:
        query = query.where(col(Location.id) > after)
    rows = list(session.exec(query.order_by(col(Location.id)).limit(limit + 1)))
    total = session.exec(select(func.count()).select_from(Location).where(*clauses)).one()
    more = len(rows) > limit
    rows = rows[:limit]
    services = _services_of(session, [row.id for row in rows])
    return {
        "items": [summary_out(snap, row, services.get(row.id, []), now, coordtype) for row in rows],
        "next_cursor": encode_cursor(rows[-1].id) if more and rows else None,
        "total": int(total),
    }


def _services_of(session: Session, ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not ids:
        return out
    links = session.exec(
        select(col(ServiceAtLocation.location_id), col(ServiceAtLocation.service_code))
        .where(col(ServiceAtLocation.location_id).in_(ids))
        .order_by(col(ServiceAtLocation.service_code))
    )
    for location_id, code in links:
        out.setdefault(location_id, []).append(code)
    return out


def _county(snap: Snapshot, row: Location) -> dict[str, str] | None:
    node = snap.regions.get(row.county_code or "")
    return {"code": node.code, "name": node.name} if node else None


def summary_out(
    snap: Snapshot, row: Location, services: list[str], now: dt.datetime, coordtype: CoordType
) -> dict[str, Any]:
    """A provider in a list: enough to choose one and to see it is sample data."""
    state = opening_state(row.opening_hours, row.status, now)
    return {
        "id": row.id,
        "name": row.name,
        "type": {"code": row.type, "name": PROVIDER_TYPES.get(row.type, row.type)},
        "address": row.address,
        "region": snap.region(row.region_code).ref.model_dump(),
        "county": _county(snap, row),
        "location": point_out(row.lat, row.lng, coordtype),
        "phone": row.phone,
        "inclusive": row.inclusive,
        "status": row.status,
        "open_now": state.open_now,
        "hours_label": state.label,
        "services": services,
        "verification": verification_out(row).model_dump(mode="json"),
        "sample": row.sample,
        "url": f"/providers/{row.id}",
    }


def _hours_out(row: Location, now: dt.datetime) -> dict[str, Any]:
    state = opening_state(row.opening_hours, row.status, now)
    weekly: str | None = None
    exceptions: list[str] = []
    if row.opening_hours:
        try:
            schedule = parse_schedule(row.opening_hours)
        except ScheduleError:
            schedule = None
        if schedule is not None:
            weekly = render_schedule(schedule)
            exceptions = describe_exceptions(schedule, now.date())
    return {
        "open_now": state.open_now,
        "opens_at": state.opens_at,
        "closes_at": state.closes_at,
        "label": state.label,
        "weekly": weekly,
        "text": row.opening_hours_text,
        "exceptions": exceptions,
        "schedule": row.opening_hours,
    }


def provider_detail(
    session: Session,
    snap: Snapshot,
    provider_id: str,
    *,
    now: dt.datetime,
    coordtype: CoordType = CoordType.WGS84,
) -> dict[str, Any]:
    """Everything known about one provider, with sources, verification and map links."""
    row = session.get(Location, provider_id)
    if row is None:
        raise NotFound("provider", f"办理点 {provider_id}", field="id")
    organization = session.get(Organization, row.organization_id)
    codes = _services_of(session, [row.id]).get(row.id, [])
    source_ids = tuple(
        session.exec(
            select(col(LocationSource.source_id)).where(col(LocationSource.location_id) == row.id)
        )
    )
    chain = snap.chain(row.region_code)
    navigation = None
    if row.lat is not None and row.lng is not None and not row.sample:
        links = navigation_links(row.lat, row.lng, row.name, row.address)
        navigation = {"amap": links.amap, "qq": links.qq, "baidu": links.baidu}
    return {
        "id": row.id,
        "name": row.name,
        "organization": (
            {"id": organization.id, "name": organization.name} if organization else None
        ),
        "type": {"code": row.type, "name": PROVIDER_TYPES.get(row.type, row.type)},
        "address": row.address,
        "regions": [node.ref.model_dump() for node in chain],
        "county": _county(snap, row),
        "location": point_out(row.lat, row.lng, coordtype),
        "location_label": None if row.lat is not None else LOCATION_UNKNOWN,
        "location_note": row.location_note,
        "phone": row.phone,
        "hours": _hours_out(row, now),
        "status": {"code": row.status, "name": STATUS_LABELS.get(row.status, row.status)},
        "inclusive": row.inclusive,
        "price": row.price,
        "capacity": row.capacity,
        "vacancies": row.vacancies,
        "accessibility": row.accessibility,
        "languages": row.languages,
        "transport": row.transport,
        "services": [
            {"code": code, "name": snap.services[code].name, "url": f"/services/{code}"}
            for code in codes
            if code in snap.services
        ],
        "sources": [s.model_dump(mode="json") for s in snap.cite(source_ids)],
        "verification": verification_out(row).model_dump(mode="json"),
        "sample": row.sample,
        "navigation": navigation,
        "url": f"/providers/{row.id}",
    }
