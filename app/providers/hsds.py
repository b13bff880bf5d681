"""Export the provider directory as Open Referral HSDS 3.0-shaped JSON, streamed.

The document is HSDS's tabular form as JSON: one array per table (organizations, services,
locations, service_at_locations, phones, schedules, addresses, languages, accessibility), rows
linked by id. Mapping:

* an HSDS *organization* and *location* per provider; coordinates are WGS-84, as HSDS asks;
* an HSDS *service* per (organization, catalogue service) it delivers, linked to the location
  by *service_at_location*; its status follows the location (open → active, temporarily closed
  → "temporarily closed", closed → defunct);
* *schedules* are the weekly hours, one row per time range (``freq`` WEEKLY, ``byday``,
  ``opens_at``/``closes_at`` in Beijing time, ``timezone`` 8); holiday rules and dated
  exceptions, which RRULEs cannot say, are in ``description`` and ``x_qianfu.opening_hours``;
* ids are UUIDv5 of our ids, stable from one export to the next.

What we do not know stays null (an HSDS-required key such as ``postal_code`` is present as
``null``). Our own facts — native id, type, region codes, 普惠, capacity, verification,
sources and the ``sample`` flag — are under ``x_qianfu`` keys, and the cited documents in the
top-level ``x_qianfu_sources``. Generated sample records are left out unless asked for.

Rows are read from one consistent snapshot with streaming cursors and written out as they
come, so 200,000 locations never sit in memory at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Final

import orjson
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import Select

import app as package
from app.domain import PROVIDER_TYPES, PROVINCE_CODE
from app.geo.hours import MINUTES_PER_DAY, ScheduleError, parse_schedule, render_schedule
from app.models import Region, Service, Source
from app.models.provider import Location, LocationSource, Organization, ServiceAtLocation

HSDS_VERSION: Final = "3.0"
NAMESPACE: Final = uuid.UUID("14c9ec78-e67b-4a34-a09b-2f87398c5b81")
_NAMESPACE_BYTES: Final = NAMESPACE.bytes
BATCH: Final = 2000
TABLES: Final = (
    "organizations",
    "services",
    "locations",
    "service_at_locations",
    "phones",
    "schedules",
    "addresses",
    "languages",
    "accessibility",
    "x_qianfu_sources",
)
HSDS_STATUS: Final = {"open": "active", "temporarily_closed": "temporarily closed"}
ICAL_DAYS: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BEIJING_OFFSET: Final = "+08:00"

_org = Organization.__table__  # type: ignore[attr-defined]
_loc = Location.__table__  # type: ignore[attr-defined]
_sal = ServiceAtLocation.__table__  # type: ignore[attr-defined]
_ls = LocationSource.__table__  # type: ignore[attr-defined]
_svc = Service.__table__  # type: ignore[attr-defined]
_src = Source.__table__  # type: ignore[attr-defined]
_reg = Region.__table__  # type: ignore[attr-defined]

Record = dict[str, Any]


def hsds_id(kind: str, *keys: str) -> str:
    """A stable UUID for one of our rows (HSDS ids are UUIDs): ``uuid.uuid5``, inlined.

    An export computes about five per location, so this skips the ``UUID`` object.
    """
    name = "/".join((kind, *keys)).encode()
    raw = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def stream_hsds(
    engine: Engine, *, include_sample: bool = False, now: dt.datetime | None = None
) -> Iterator[bytes]:
    """The export as JSON bytes, piece by piece (join them for the whole document)."""
    generated = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with _snapshot(engine) as conn:
        head = {
            "hsds_version": HSDS_VERSION,
            "x_qianfu": {
                "publisher": "黔服 qianfu 贵州省公共服务目录",
                "software_version": package.__version__,
                "generated_at": generated.isoformat().replace("+00:00", "Z"),
                "include_sample": include_sample,
                "coordinates": "WGS-84",
                "note": "x_qianfu 开头的键是本站扩展：原始编号、类型、区划代码、核实状态、来源和"
                "示例标记（sample 为 true 的是程序生成的演示数据，不是真实机构）。"
                "没有可靠来源的字段为 null（待核实）。",
            },
        }
        yield orjson.dumps(head)[:-1]
        where = [] if include_sample else [_loc.c.sample.is_(False)]
        regions = _regions(conn)
        tables: dict[str, Iterable[Record]] = {
            "organizations": _organizations(conn, include_sample),
            "services": _services(conn, where),
            "locations": _locations(conn, where),
            "service_at_locations": _service_at_locations(conn, where),
            "phones": _phones(conn, where),
            "schedules": _schedules(conn, where),
            "addresses": _addresses(conn, where, regions),
            "languages": _listed(conn, where, "languages", "language", "name"),
            "accessibility": _listed(conn, where, "accessibility", "accessibility", "description"),
            "x_qianfu_sources": _sources(conn, where),
        }
        for name, rows in tables.items():
            yield b',"' + name.encode() + b'":['
            yield from _array_items(rows)
            yield b"]"
        yield b"}"


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction, so every table comes from the same state of the database."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def _stream(conn: Connection, query: Select[Any]) -> Iterator[Row[Any]]:
    yield from conn.execute(query.execution_options(yield_per=BATCH))


def _array_items(rows: Iterable[Record]) -> Iterator[bytes]:
    batch: list[bytes] = []
    first = True
    for row in rows:
        batch.append(orjson.dumps(row))
        if len(batch) >= BATCH:
            yield (b"" if first else b",") + b",".join(batch)
            first = False
            batch = []
    if batch:
        yield (b"" if first else b",") + b",".join(batch)


def _organizations(conn: Connection, include_sample: bool) -> Iterator[Record]:
    query = select(_org).order_by(_org.c.id)
    if not include_sample:
        query = query.where(_org.c.sample.is_(False))
    for row in _stream(conn, query):
        yield {
            "id": hsds_id("organization", row.id),
            "name": row.name,
            "description": row.description,
            "website": row.url,
            "x_qianfu": {
                "id": row.id,
                "sample": row.sample,
                "verification": _verification(row),
            },
        }


def _services(conn: Connection, where: list[Any]) -> Iterator[Record]:
    """One HSDS service per (organization, catalogue service), active if any place is open."""
    query = (
        select(
            _loc.c.organization_id,
            _sal.c.service_code,
            _loc.c.status,
            _loc.c.verified_on,
            _svc.c.name,
            _svc.c.summary,
        )
        .join(_loc, _loc.c.id == _sal.c.location_id)
        .join(_svc, _svc.c.code == _sal.c.service_code)
        .where(*where)
        .order_by(_loc.c.organization_id, _sal.c.service_code)
    )
    current: Record | None = None
    for row in _stream(conn, query):
        key = hsds_id("service", row.organization_id, row.service_code)
        status = HSDS_STATUS.get(row.status, "defunct")
        if current is not None and current["id"] == key:
            if _rank(status) < _rank(current["status"]):
                current["status"] = status
            if row.verified_on and (current["assured_date"] or "") < row.verified_on.isoformat():
                current["assured_date"] = row.verified_on.isoformat()
            continue
        if current is not None:
            yield current
        current = {
            "id": key,
            "organization_id": hsds_id("organization", row.organization_id),
            "name": row.name,
            "description": row.summary,
            "status": status,
            "assured_date": row.verified_on.isoformat() if row.verified_on else None,
            "x_qianfu": {"service_code": row.service_code, "url": f"/services/{row.service_code}"},
        }
    if current is not None:
        yield current


def _rank(status: str) -> int:
    return ("active", "temporarily closed", "defunct").index(status)


def _locations(conn: Connection, where: list[Any]) -> Iterator[Record]:
    sources = (
        select(func.aggregate_strings(_ls.c.source_id, " "))
        .where(_ls.c.location_id == _loc.c.id)
        .scalar_subquery()
    )
    query = select(_loc, sources.label("source_ids")).where(*where).order_by(_loc.c.id)
    for row in _stream(conn, query):
        yield {
            "id": hsds_id("location", row.id),
            "location_type": "physical",
            "organization_id": hsds_id("organization", row.organization_id),
            "name": row.name,
            "description": None,
            "transportation": row.transport,
            "latitude": row.lat,
            "longitude": row.lng,
            "x_qianfu": {
                "id": row.id,
                "url": f"/providers/{row.id}",
                "type": {"code": row.type, "name": PROVIDER_TYPES.get(row.type, row.type)},
                "region_code": row.region_code,
                "county_code": row.county_code,
                "status": row.status,
                "inclusive": row.inclusive,
                "price": row.price,
                "capacity": row.capacity,
                "vacancies": row.vacancies,
                "opening_hours": row.opening_hours,
                "opening_hours_text": row.opening_hours_text,
                "location_note": row.location_note,
                "verification": _verification(row),
                "sources": sorted((row.source_ids or "").split()),
                "sample": row.sample,
                "origin": row.origin,
            },
        }


def _verification(row: Row[Any]) -> Record:
    return {
        "status": row.verification,
        "checked_on": row.verified_on.isoformat() if row.verified_on else None,
        "note": row.verification_note,
    }


def _service_at_locations(conn: Connection, where: list[Any]) -> Iterator[Record]:
    query = (
        select(_sal.c.location_id, _sal.c.service_code, _loc.c.organization_id)
        .join(_loc, _loc.c.id == _sal.c.location_id)
        .where(*where)
        .order_by(_sal.c.location_id, _sal.c.service_code)
    )
    for row in _stream(conn, query):
        yield {
            "id": hsds_id("service_at_location", row.location_id, row.service_code),
            "service_id": hsds_id("service", row.organization_id, row.service_code),
            "location_id": hsds_id("location", row.location_id),
        }


def _phones(conn: Connection, where: list[Any]) -> Iterator[Record]:
    query = (
        select(_loc.c.id, _loc.c.phone).where(_loc.c.phone.is_not(None), *where).order_by(_loc.c.id)
    )
    for row in _stream(conn, query):
        yield {
            "id": hsds_id("phone", row.id),
            "location_id": hsds_id("location", row.id),
            "number": row.phone,
            "type": "voice",
        }


def _clock(minute: int) -> str:
    minute = min(minute, MINUTES_PER_DAY - 1)  # 24:00 → 23:59, as HSDS suggests
    return f"{minute // 60:02d}:{minute % 60:02d}{BEIJING_OFFSET}"


WeeklyRows = tuple[tuple[int, int, str], ...]


@lru_cache(maxsize=1024)
def _weekly(stored: bytes) -> tuple[WeeklyRows, str] | None:
    """(start, end, byday) per time range and the plain description; None if unreadable.

    Keyed by the stored JSON: most places share a handful of schedules.
    """
    try:
        schedule = parse_schedule(orjson.loads(stored))
    except ScheduleError:
        return None
    days_by_range: dict[tuple[int, int], list[int]] = {}
    for day, ranges in enumerate(schedule.week):
        for span in ranges:
            days_by_range.setdefault((span.start, span.end), []).append(day)
    rows = tuple(
        (start, end, ",".join(ICAL_DAYS[d] for d in days))
        for (start, end), days in sorted(days_by_range.items())
    )
    return rows, render_schedule(schedule)


def _schedules(conn: Connection, where: list[Any]) -> Iterator[Record]:
    query = select(_loc.c.id, _loc.c.opening_hours).where(*where).order_by(_loc.c.id)
    for row in _stream(conn, query):
        if not row.opening_hours:
            continue
        weekly = _weekly(orjson.dumps(row.opening_hours, option=orjson.OPT_SORT_KEYS))
        if weekly is None:
            continue
        ranges, description = weekly
        location_id = hsds_id("location", row.id)
        for start, end, byday in ranges:
            yield {
                "id": hsds_id("schedule", row.id, str(start), str(end)),
                "location_id": location_id,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": byday,
                "opens_at": _clock(start),
                "closes_at": _clock(end),
                "timezone": 8,
                "description": description,
            }


def _regions(conn: Connection) -> dict[str, tuple[str, str, str | None]]:
    rows = conn.execute(select(_reg.c.code, _reg.c.name, _reg.c.level, _reg.c.parent_code))
    return {code: (name, level, parent) for code, name, level, parent in rows}


def _up_to(
    regions: dict[str, tuple[str, str, str | None]], code: str | None, level: str
) -> str | None:
    while code is not None and code in regions:
        name, at, parent = regions[code]
        if at == level:
            return name
        code = parent
    return None


def _addresses(
    conn: Connection, where: list[Any], regions: dict[str, tuple[str, str, str | None]]
) -> Iterator[Record]:
    query = (
        select(_loc.c.id, _loc.c.address, _loc.c.region_code)
        .where(_loc.c.address.is_not(None), *where)
        .order_by(_loc.c.id)
    )
    province = regions.get(PROVINCE_CODE, ("贵州省", "province", None))[0]
    for row in _stream(conn, query):
        yield {
            "id": hsds_id("address", row.id),
            "location_id": hsds_id("location", row.id),
            "address_1": row.address,
            "city": _up_to(regions, row.region_code, "prefecture"),
            "region": _up_to(regions, row.region_code, "county"),
            "state_province": province,
            "postal_code": None,
            "country": "CN",
            "address_type": "physical",
        }


def _listed(
    conn: Connection, where: list[Any], column: str, kind: str, field: str
) -> Iterator[Record]:
    """HSDS language/accessibility rows from a location's JSON list column."""
    query = select(_loc.c.id, _loc.c[column]).where(*where).order_by(_loc.c.id)
    for row in _stream(conn, query):
        location_id, values = row.id, row._mapping[column]
        for value in dict.fromkeys(values or ()):
            yield {
                "id": hsds_id(kind, location_id, value),
                "location_id": hsds_id("location", location_id),
                field: value,
            }


def _sources(conn: Connection, where: list[Any]) -> Iterator[Record]:
    cited = (
        select(_ls.c.source_id)
        .join(_loc, _loc.c.id == _ls.c.location_id)
        .where(*where)
        .distinct()
        .scalar_subquery()
    )
    query = select(_src).where(_src.c.id.in_(cited)).order_by(_src.c.id)
    for row in _stream(conn, query):
        yield {
            "id": row.id,
            "title": row.title,
            "doc_no": row.doc_no,
            "issuer": row.issuer,
            "published_on": row.published_on.isoformat() if row.published_on else None,
            "url": row.url,
            "note": row.note,
        }
