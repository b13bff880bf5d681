"""Load the validated seed into the database: all-or-nothing and idempotent.

Rows with natural keys (areas, regions, sources, services …) are upserted; the dated child
rows of a service (standard references, field values, amounts) are replaced as a whole. The
seed's fingerprint is stored so a start-up can tell whether the database holds this seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlmodel import Session, SQLModel, col

from app.catalogue.snapshot import bump_version
from app.db import writer
from app.domain import Tier, VerificationStatus
from app.models import (
    AmountSource,
    Area,
    Category,
    DatasetMeta,
    EditionSource,
    FieldValueSource,
    LifeEvent,
    Region,
    Service,
    ServiceAmount,
    ServiceFieldValue,
    ServiceLifeEvent,
    ServiceSource,
    ServiceStandardRef,
    Source,
    StandardEdition,
    StandardRefSource,
)
from app.models.provider import ServiceAtLocation
from app.providers.store import write_providers
from app.seedfiles.load import SeedBundle, load_seed
from app.seedfiles.schema import EditionEntry, ServiceFile, Verification

log = logging.getLogger(__name__)

SEED_HASH_KEY = "seed_sha256"
SEEDED_AT_KEY = "seeded_at"
# Bump when seeding computes a stored column differently (the seventh session's sort keys were
# such a change): a database seeded by the older code then reads as outdated, exactly like one
# holding an older seed, and `qianfu seed` brings it up to date.
SEEDING_REVISION = 2


@dataclass(frozen=True)
class SeedReport:
    """What a seeding run wrote."""

    services: int
    regions: int
    sources: int
    fingerprint: str
    changed: bool


def seed_fingerprint(root: Path) -> str:
    """SHA-256 over the seeding revision and every seed file's path and bytes, in order."""
    digest = hashlib.sha256(f"seeding revision {SEEDING_REVISION}\0".encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored_fingerprint(session: Session) -> str | None:
    """The fingerprint of the seed last loaded into this database, if any."""
    row = session.get(DatasetMeta, SEED_HASH_KEY)
    return row.value if row else None


def seed_database(engine: Engine, root: Path, *, now: dt.datetime | None = None) -> SeedReport:
    """Validate ``root`` and write it in one transaction; raises ``SeedError`` if invalid."""
    bundle = load_seed(root)
    fingerprint = seed_fingerprint(root)
    with writer(engine) as session:
        changed = stored_fingerprint(session) != fingerprint
        _write(session, bundle)
        _set_meta(session, SEED_HASH_KEY, fingerprint)
        _set_meta(session, SEEDED_AT_KEY, (now or dt.datetime.now(dt.UTC)).isoformat())
        bump_version(session)
    log.info("seeded %d services, %d regions", len(bundle.services), len(bundle.regions))
    return SeedReport(
        services=len(bundle.services),
        regions=len(bundle.regions),
        sources=len(bundle.sources.sources),
        fingerprint=fingerprint,
        changed=changed,
    )


def _set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(DatasetMeta, key)
    if row is None:
        session.add(DatasetMeta(key=key, value=value))
    else:
        row.value = value


def _write(session: Session, bundle: SeedBundle) -> None:
    tax = bundle.taxonomy
    area_ordinal = {a.code: a.ordinal for a in tax.areas}
    editions: dict[str, EditionEntry] = {e.code: e for e in tax.editions}
    # Link and child rows go first, so nothing references a row that is about to change.
    _delete_service_children(session)
    session.execute(delete(EditionSource))
    stale: list[list[SQLModel]] = []
    stale.append(_upsert(session, Source, "id", [s.model_dump() for s in bundle.sources.sources]))
    stale.append(_upsert(session, Area, "code", [a.model_dump() for a in tax.areas]))
    stale.append(
        _upsert(
            session,
            Category,
            "code",
            [{"code": c.code, "name": c.name, "area_code": c.area} for c in tax.categories],
        )
    )
    stale.append(_upsert(session, LifeEvent, "code", [e.model_dump() for e in tax.life_events]))
    stale.append(
        _upsert(
            session,
            StandardEdition,
            "code",
            [e.model_dump(exclude={"sources"}) for e in editions.values()],
        )
    )
    stale.append(_upsert_regions(session, bundle))
    stale.append(
        _upsert(
            session,
            Service,
            "code",
            [_service_row(s, area_ordinal) for s in bundle.services.values()],
        )
    )
    # Provider links to services the seed drops go first; then prune, children before parents.
    session.execute(
        delete(ServiceAtLocation).where(
            col(ServiceAtLocation.service_code).not_in(list(bundle.services))
        )
    )
    for group in reversed(stale):
        for obj in group:
            session.delete(obj)
            session.flush()
    session.add_all(
        EditionSource(edition_code=e.code, source_id=s)
        for e in editions.values()
        for s in e.sources
    )
    for service in bundle.services.values():
        _write_service_children(session, service, editions)
    write_providers(session, [entry for _, entry in bundle.providers], origin="seed", replace=True)


def _upsert(
    session: Session, model: type[SQLModel], key: str, rows: Sequence[dict[str, Any]]
) -> list[SQLModel]:
    """Insert or update ``rows`` by ``key``; return the existing rows the seed lacks."""
    existing = {getattr(obj, key): obj for obj in session.exec(select(model)).scalars()}  # type: ignore[call-overload]
    for row in rows:
        obj = existing.pop(row[key], None)
        if obj is None:
            session.add(model(**row))
            continue
        for name, value in row.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
    session.flush()
    return list(existing.values())


def _upsert_regions(session: Session, bundle: SeedBundle) -> list[SQLModel]:
    # Parents before children so the self-referencing foreign key holds at every insert.
    level_order = {"province": 0, "prefecture": 1, "county": 2, "township": 3}
    rows = sorted(bundle.regions, key=lambda r: (level_order[r.level.value], r.code))
    stale = _upsert(
        session,
        Region,
        "code",
        [
            {
                "code": r.code,
                "name": r.name,
                "level": r.level.value,
                "parent_code": r.parent_code,
                "seat_lat_gcj02": r.lat,
                "seat_lng_gcj02": r.lng,
                "source_note": r.source_note,
                "verification": VerificationStatus.UNVERIFIED.value,
                "verified_on": None,
                "verification_note": r.verification_note,
            }
            for r in rows
        ],
    )
    # Deeper codes first when pruning, for the same reason.
    return sorted(stale, key=lambda obj: -len(obj.code))  # type: ignore[attr-defined]


def _verification_columns(v: Verification) -> dict[str, Any]:
    return {
        "verification": v.status.value,
        "verified_on": v.checked_on,
        "verification_note": v.note,
    }


def _service_row(service: ServiceFile, area_ordinal: dict[str, int]) -> dict[str, Any]:
    tier_rank = list(Tier).index(service.tier)
    # A service attested as a national-standard item lists before one whose item is not.
    first_item = min((_item_rank(r.item_no) for r in service.standard_refs), default=1000)
    sort_key = (
        f"{tier_rank}{area_ordinal[service.area]:02d}{service.category or '99'}"
        f"{first_item:04d}{service.code}"
    )
    return {
        "code": service.code,
        "name": service.name,
        "aliases": list(service.aliases),
        "tier": service.tier.value,
        "area_code": service.area,
        "category_code": service.category,
        "region_code": service.region,
        "valid_from": service.valid_from,
        "valid_to": service.valid_to,
        "summary": service.summary,
        "note": service.note,
        "sort_key": sort_key,
        **_verification_columns(service.verification),
    }


def _item_rank(item_no: str | None) -> int:
    """``"20.(3)"`` → 3; unknown numbers sort after known ones."""
    if item_no is None:
        return 999
    return int(item_no.split("(")[1].rstrip(")"))


def _delete_service_children(session: Session) -> None:
    for model in (
        StandardRefSource,
        FieldValueSource,
        AmountSource,
        ServiceSource,
        ServiceLifeEvent,
        ServiceStandardRef,
        ServiceFieldValue,
        ServiceAmount,
    ):
        session.execute(delete(model))
    session.flush()


def _write_service_children(
    session: Session, service: ServiceFile, editions: dict[str, EditionEntry]
) -> None:
    code = service.code
    session.add_all(ServiceSource(service_code=code, source_id=s) for s in service.sources)
    session.add_all(
        ServiceLifeEvent(service_code=code, life_event_code=e) for e in service.life_events
    )
    for ref in service.standard_refs:
        ref_row = ServiceStandardRef(
            service_code=code,
            edition_code=ref.edition,
            item_no=ref.item_no,
            item_name=ref.item_name,
        )
        session.add(ref_row)
        session.flush()
        assert ref_row.id is not None
        session.add_all(StandardRefSource(ref_id=ref_row.id, source_id=s) for s in ref.sources)
    for field_name, values in service.fields.items():
        for value in values:
            edition = editions.get(value.edition) if value.edition else None
            row = ServiceFieldValue(
                service_code=code,
                field=field_name,
                region_code=None if value.region == "national" else value.region,
                edition_code=value.edition,
                valid_from=value.valid_from or (edition.valid_from if edition else None),
                valid_to=value.valid_to or (edition.valid_to if edition else None),
                value=value.value,
                **_verification_columns(value.verification),
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            session.add_all(
                FieldValueSource(field_value_id=row.id, source_id=s) for s in value.sources
            )
    for amount in service.amounts:
        amount_row = ServiceAmount(
            service_code=code,
            key=amount.key,
            label=amount.label,
            value=amount.value,
            unit=amount.unit,
            region_code=None if amount.region == "national" else amount.region,
            valid_from=amount.valid_from,
            valid_to=amount.valid_to,
            **_verification_columns(amount.verification),
        )
        session.add(amount_row)
        session.flush()
        assert amount_row.id is not None
        session.add_all(AmountSource(amount_id=amount_row.id, source_id=s) for s in amount.sources)
    session.flush()
