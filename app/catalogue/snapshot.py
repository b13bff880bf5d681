"""An immutable in-memory snapshot of the catalogue, rebuilt when the data changes.

The catalogue is small and read-heavy: answering a request from plain Python objects costs
microseconds, where the ORM round trips cost milliseconds. The database stays the source of
truth: every write bumps ``catalog_version`` in the same transaction, each request reads that
one row, and a worker reloads its snapshot when the number differs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, func, select
from starlette.concurrency import run_in_threadpool

from app.catalogue.verification import verification_out
from app.errors import NotFound
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
from app.models.provider import Location
from app.schemas import RegionRef, SourceOut, VerificationOut

log = logging.getLogger(__name__)

CATALOG_VERSION_KEY = "catalog_version"


@dataclass(frozen=True)
class RegionNode:
    """A region with its children's codes; seat coordinates are GCJ-02."""

    code: str
    name: str
    level: str
    parent_code: str | None
    lat: float | None
    lng: float | None
    source_note: str
    verification: VerificationOut
    children: tuple[str, ...]

    @property
    def ref(self) -> RegionRef:
        """The short public form."""
        return RegionRef(code=self.code, name=self.name, level=self.level)


@dataclass(frozen=True)
class TaxonEntry:
    """An area, category or life event."""

    code: str
    name: str
    ordinal: int
    description: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class EditionEntry:
    """A standard edition and its dates."""

    code: str
    title: str
    doc_no: str | None
    published_on: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None
    item_count: int
    note: str | None
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class RefRecord:
    """A standard reference of a service."""

    edition: str
    item_no: str | None
    item_name: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class ValueRecord:
    """A dated, regional field value (``region_code`` None = national)."""

    field: str
    region_code: str | None
    edition: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    value: str | list[str]
    verification: VerificationOut
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class AmountRecord:
    """A dated, regional amount (``value`` None = 待核实)."""

    key: str
    label: str
    value: Decimal | None
    unit: str
    region_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    verification: VerificationOut
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class ServiceRecord:
    """A service with everything the API shows about it."""

    code: str
    name: str
    aliases: tuple[str, ...]
    tier: str
    area: str
    category: str | None
    region_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    summary: str | None
    note: str | None
    sort_key: str
    verification: VerificationOut
    source_ids: tuple[str, ...]
    life_events: tuple[str, ...]
    refs: tuple[RefRecord, ...]
    values: tuple[ValueRecord, ...]
    amounts: tuple[AmountRecord, ...]


@dataclass(frozen=True, eq=False)  # identity: snapshots are compared by version
class Snapshot:
    """Everything the catalogue serves, at one ``catalog_version``."""

    version: str
    regions: dict[str, RegionNode]
    areas: dict[str, TaxonEntry]
    categories: dict[str, TaxonEntry]
    life_events: dict[str, TaxonEntry]
    editions: dict[str, EditionEntry]
    sources: dict[str, SourceOut]
    services: dict[str, ServiceRecord]
    ordered_services: tuple[ServiceRecord, ...] = field(default=())
    ordered_regions: tuple[str, ...] = field(default=())
    # Generated demo providers currently loaded (pages show the "演示数据" banner when > 0).
    sample_providers: int = 0

    def region(self, code: str, *, field: str | None = "region") -> RegionNode:
        """The region with ``code``, or :class:`NotFound` naming the parameter."""
        node = self.regions.get(code)
        if node is None:
            raise NotFound("region", f"地区代码 {code}", field=field)
        return node

    def chain(self, code: str, *, field: str | None = "region") -> list[RegionNode]:
        """The region and its ancestors, most specific first (follows parents, not prefixes)."""
        chain = [self.region(code, field=field)]
        while chain[-1].parent_code is not None:
            chain.append(self.regions[chain[-1].parent_code])
        return chain

    def cite(self, source_ids: tuple[str, ...]) -> list[SourceOut]:
        """Public forms of the given sources, in id order."""
        return [self.sources[sid] for sid in sorted(source_ids)]


def read_version(session: Session) -> str:
    """The current ``catalog_version`` (``"0"`` for a database never written)."""
    row = session.get(DatasetMeta, CATALOG_VERSION_KEY)
    return row.value if row else "0"


def bump_version(session: Session) -> str:
    """Advance ``catalog_version`` inside the caller's write transaction."""
    row = session.get(DatasetMeta, CATALOG_VERSION_KEY)
    new = str(int(row.value) + 1) if row else "1"
    if row is None:
        session.add(DatasetMeta(key=CATALOG_VERSION_KEY, value=new))
    else:
        row.value = new
    return new


def _links(session: Session, model: type[SQLModel], key: str) -> dict[object, tuple[str, ...]]:
    grouped: dict[object, list[str]] = defaultdict(list)
    link: Any
    for link in session.exec(select(model)):
        grouped[getattr(link, key)].append(link.source_id)
    return {k: tuple(v) for k, v in grouped.items()}


def load_snapshot(session: Session) -> Snapshot:
    """Read the whole catalogue in a handful of bulk queries."""
    version = read_version(session)
    children: dict[str, list[str]] = defaultdict(list)
    region_rows = list(session.exec(select(Region).order_by(col(Region.code))))
    for r in region_rows:
        if r.parent_code:
            children[r.parent_code].append(r.code)
    regions = {
        r.code: RegionNode(
            code=r.code,
            name=r.name,
            level=r.level,
            parent_code=r.parent_code,
            lat=r.seat_lat_gcj02,
            lng=r.seat_lng_gcj02,
            source_note=r.source_note,
            verification=verification_out(r),
            children=tuple(children.get(r.code, ())),
        )
        for r in region_rows
    }
    areas = {
        a.code: TaxonEntry(a.code, a.name, a.ordinal, a.description)
        for a in session.exec(select(Area).order_by(col(Area.ordinal)))
    }
    categories = {
        c.code: TaxonEntry(c.code, c.name, int(c.code), parent=c.area_code)
        for c in session.exec(select(Category).order_by(col(Category.code)))
    }
    life_events = {
        e.code: TaxonEntry(e.code, e.name, e.ordinal, e.description)
        for e in session.exec(select(LifeEvent).order_by(col(LifeEvent.ordinal)))
    }
    edition_sources = _links(session, EditionSource, "edition_code")
    editions = {
        e.code: EditionEntry(
            e.code,
            e.title,
            e.doc_no,
            e.published_on,
            e.valid_from,
            e.valid_to,
            e.item_count,
            e.note,
            edition_sources.get(e.code, ()),
        )
        for e in session.exec(select(StandardEdition).order_by(col(StandardEdition.code)))
    }
    sources = {
        s.id: SourceOut(
            id=s.id,
            title=s.title,
            doc_no=s.doc_no,
            issuer=s.issuer,
            published_on=s.published_on,
            url=s.url,
            note=s.note,
        )
        for s in session.exec(select(Source).order_by(col(Source.id)))
    }
    services = _load_services(session)
    ordered = tuple(sorted(services.values(), key=lambda s: s.sort_key))
    return Snapshot(
        version=version,
        regions=regions,
        areas=areas,
        categories=categories,
        life_events=life_events,
        editions=editions,
        sources=sources,
        services=services,
        ordered_services=ordered,
        ordered_regions=tuple(regions),
        sample_providers=_count_sample_providers(session),
    )


def _count_sample_providers(session: Session) -> int:
    count = session.exec(
        select(func.count()).select_from(Location).where(col(Location.sample).is_(True))
    ).one()
    return int(count)


def _load_services(session: Session) -> dict[str, ServiceRecord]:
    service_sources = _links(session, ServiceSource, "service_code")
    ref_sources = _links(session, StandardRefSource, "ref_id")
    value_sources = _links(session, FieldValueSource, "field_value_id")
    amount_sources = _links(session, AmountSource, "amount_id")
    events: dict[str, list[str]] = defaultdict(list)
    for link in session.exec(select(ServiceLifeEvent)):
        events[link.service_code].append(link.life_event_code)
    refs: dict[str, list[RefRecord]] = defaultdict(list)
    for ref in session.exec(
        select(ServiceStandardRef).order_by(col(ServiceStandardRef.edition_code))
    ):
        refs[ref.service_code].append(
            RefRecord(ref.edition_code, ref.item_no, ref.item_name, ref_sources.get(ref.id, ()))
        )
    values: dict[str, list[ValueRecord]] = defaultdict(list)
    for v in session.exec(select(ServiceFieldValue).order_by(col(ServiceFieldValue.id))):
        values[v.service_code].append(
            ValueRecord(
                field=v.field,
                region_code=v.region_code,
                edition=v.edition_code,
                valid_from=v.valid_from,
                valid_to=v.valid_to,
                value=v.value,
                verification=verification_out(v),
                source_ids=value_sources.get(v.id, ()),
            )
        )
    amounts: dict[str, list[AmountRecord]] = defaultdict(list)
    for a in session.exec(select(ServiceAmount).order_by(col(ServiceAmount.id))):
        amounts[a.service_code].append(
            AmountRecord(
                key=a.key,
                label=a.label,
                value=a.value,
                unit=a.unit,
                region_code=a.region_code,
                valid_from=a.valid_from,
                valid_to=a.valid_to,
                verification=verification_out(a),
                source_ids=amount_sources.get(a.id, ()),
            )
        )
    return {
        s.code: ServiceRecord(
            code=s.code,
            name=s.name,
            aliases=tuple(s.aliases),
            tier=s.tier,
            area=s.area_code,
            category=s.category_code,
            region_code=s.region_code,
            valid_from=s.valid_from,
            valid_to=s.valid_to,
            summary=s.summary,
            note=s.note,
            sort_key=s.sort_key,
            verification=verification_out(s),
            source_ids=service_sources.get(s.code, ()),
            life_events=tuple(events.get(s.code, ())),
            refs=tuple(refs.get(s.code, ())),
            values=tuple(values.get(s.code, ())),
            amounts=tuple(amounts.get(s.code, ())),
        )
        for s in session.exec(select(Service))
    }


class SnapshotCache:
    """One snapshot per process, reloaded when ``catalog_version`` changes.

    The version row is read at most once per ``check_interval`` seconds (a worker may serve a
    just-replaced catalogue for that long plus one read). Once a snapshot is loaded the read
    runs in the background, one at a time, and requests keep the current snapshot meanwhile:
    under load an awaited read in a worker thread waited on the busy event loop's GIL hand-offs
    (100–240 ms for the request that triggered it), and concurrent requests each queued their
    own read behind the lock. With ``check_interval == 0`` (tests) every request reads it first.
    """

    def __init__(self, engine: Engine, check_interval: float = 1.0) -> None:
        self.engine = engine
        self.check_interval = check_interval
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @property
    def last(self) -> Snapshot | None:
        """The snapshot loaded last, without checking the version (never blocks)."""
        return self._snapshot

    def refresh(self) -> Snapshot:
        """Read the version now and reload if it changed (blocking; call from a thread)."""
        with self._lock, Session(self.engine) as session:
            version = read_version(session)
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = load_snapshot(session)
            self._checked = time.monotonic()
            return self._snapshot

    async def get(self) -> Snapshot:
        """The current snapshot; starts a background version check when one is due."""
        snapshot = self._snapshot
        if snapshot is None or self.check_interval == 0:
            return await run_in_threadpool(self.refresh)
        now = time.monotonic()
        if now - self._checked >= self.check_interval:
            self._checked = now  # claimed: later requests in this interval do not start another
            check = asyncio.get_running_loop().run_in_executor(None, self.refresh)
            check.add_done_callback(_log_failed_check)
        return snapshot


def _log_failed_check(done: asyncio.Future[Snapshot]) -> None:
    """A failed background check is logged; the next interval tries again."""
    if not done.cancelled() and (exc := done.exception()) is not None:
        log.error("catalogue version check failed", exc_info=exc)
