"""Write provider records to the database: validated against the catalogue, all-or-nothing.

Seed files, registry imports and the sample generator all end here. Coordinates are
converted to the storage system (WGS-84) on the way in; a record without a trustworthy point
stays without one (pages then say "位置待核实").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert
from sqlmodel import Session, col, select

from app.catalogue.snapshot import bump_version
from app.db import writer
from app.geo.coords import to_storage
from app.models import Region, Service, Source
from app.models.provider import Location, LocationSource, Organization, ServiceAtLocation
from app.providers.schema import ProviderEntry

# Rows per DELETE … IN (…): below SQLite's limit on bound parameters.
CHUNK = 5000


@dataclass(frozen=True)
class RecordProblem:
    """A record that cannot be stored, and why (row numbers count from 1)."""

    row: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}条" + (f" {self.field}" if self.field else "")
        return f"{where}：{self.message}"


class ProviderImportError(Exception):
    """The records were refused; ``problems`` lists every one (nothing was written)."""

    def __init__(self, problems: list[RecordProblem]) -> None:
        super().__init__(f"{len(problems)} 处问题，未写入任何记录")
        self.problems = problems


def check_references(session: Session, entries: Sequence[ProviderEntry]) -> list[RecordProblem]:
    """Region, service and source codes must exist; ids must be unique."""
    regions = set(session.exec(select(col(Region.code))))
    services = set(session.exec(select(col(Service.code))))
    sources = set(session.exec(select(col(Source.id))))
    problems: list[RecordProblem] = []
    seen: set[str] = set()
    for row, entry in enumerate(entries, start=1):
        if entry.id in seen:
            problems.append(RecordProblem(row, "id", f"编号 {entry.id} 重复"))
        seen.add(entry.id)
        if entry.region not in regions:
            problems.append(RecordProblem(row, "region", f"地区代码 {entry.region} 不存在"))
        for code in entry.services:
            if code not in services:
                problems.append(RecordProblem(row, "services", f"服务 {code} 不存在"))
        for sid in entry.sources:
            if sid not in sources:
                problems.append(RecordProblem(row, "sources", f"来源 {sid} 未登记"))
    return problems


def _county_of(region: str, parents: dict[str, str | None], levels: dict[str, str]) -> str | None:
    code: str | None = region
    while code is not None and levels.get(code) not in {"county", None}:
        code = parents.get(code)
    return code if code is not None and levels.get(code) == "county" else None


Origin = str  # "seed" (reviewed files), "import" (registry imports) or "sample" (generated)


def store_providers(
    engine: Engine, entries: Sequence[ProviderEntry], *, origin: Origin, replace: bool = False
) -> int:
    """Validate and write ``entries`` in one transaction; nothing is written if any is invalid."""
    with writer(engine) as session:
        write_providers(session, entries, origin=origin, replace=replace)
    return len(entries)


def write_providers(
    session: Session, entries: Sequence[ProviderEntry], *, origin: Origin, replace: bool = False
) -> None:
    """Insert or update ``entries`` inside the caller's transaction.

    ``replace`` first removes every record of the same ``origin`` (a seed or sample reload);
    otherwise records with the same id are updated and others are left alone (an import).
    """
    problems = check_references(session, entries)
    if problems:
        raise ProviderImportError(problems)
    region_rows = session.exec(
        select(col(Region.code), col(Region.parent_code), col(Region.level))
    ).all()
    parents = {code: parent for code, parent, _ in region_rows}
    levels = {code: level for code, _, level in region_rows}
    if replace:
        same_origin = select(col(Location.id)).where(col(Location.origin) == origin)
        _delete_where(session, same_origin.scalar_subquery())
        orphans = select(col(Location.organization_id)).scalar_subquery()
        session.execute(delete(Organization).where(col(Organization.id).not_in(orphans)))
    ids = [e.id for e in entries]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _delete_where(session, chunk)
        session.execute(delete(Organization).where(col(Organization.id).in_(chunk)))
    if entries:
        session.execute(insert(Organization), [_organization(e) for e in entries])
        session.execute(
            insert(Location), [_location(e, parents, levels) | {"origin": origin} for e in entries]
        )
        links = [{"location_id": e.id, "service_code": s} for e in entries for s in set(e.services)]
        if links:
            session.execute(insert(ServiceAtLocation), links)
        sources = [{"location_id": e.id, "source_id": s} for e in entries for s in set(e.sources)]
        session.execute(insert(LocationSource), sources)
    bump_version(session)


def _delete_where(session: Session, ids: Any) -> None:
    """Remove locations (and their links) whose id is in a list or a subquery."""
    session.execute(delete(ServiceAtLocation).where(col(ServiceAtLocation.location_id).in_(ids)))
    session.execute(delete(LocationSource).where(col(LocationSource.location_id).in_(ids)))
    session.execute(delete(Location).where(col(Location.id).in_(ids)))


def _organization(entry: ProviderEntry) -> dict[str, object]:
    sample = entry.verification.status.value == "sample"
    return {
        "id": entry.id,
        "name": entry.organization or entry.name,
        "description": None,
        "url": None,
        "sample": sample,
        "verification": entry.verification.status.value,
        "verified_on": entry.verification.checked_on,
        "verification_note": entry.verification.note,
    }


def _location(
    entry: ProviderEntry, parents: dict[str, str | None], levels: dict[str, str]
) -> dict[str, object]:
    lat = lng = None
    if entry.location is not None:
        lat, lng = to_storage(entry.location.lat, entry.location.lng, entry.location.coordtype)
    return {
        "id": entry.id,
        "organization_id": entry.id,
        "name": entry.name,
        "type": entry.type,
        "address": entry.address,
        "region_code": entry.region,
        "county_code": _county_of(entry.region, parents, levels),
        "lat": lat,
        "lng": lng,
        "location_note": entry.location.note if entry.location else entry.note,
        "phone": entry.phone,
        "opening_hours": entry.hours,
        "opening_hours_text": entry.hours_text,
        "status": entry.status,
        "inclusive": entry.inclusive,
        "price": entry.price,
        "capacity": entry.capacity,
        "vacancies": entry.vacancies,
        "accessibility": entry.accessibility,
        "languages": entry.languages,
        "transport": entry.transport,
        "sample": entry.verification.status.value == "sample",
        "verification": entry.verification.status.value,
        "verified_on": entry.verification.checked_on,
        "verification_note": entry.verification.note,
    }
