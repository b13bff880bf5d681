"""Service queries over a catalogue snapshot: lists, counts, and details resolved by region/date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.catalogue.pagination import decode_cursor, encode_cursor
from app.catalogue.resolve import in_force, pick
from app.catalogue.snapshot import RegionNode, ServiceRecord, Snapshot, TaxonEntry
from app.domain import FIELD_KINDS, FIELD_LABELS, PROVINCE_CODE, TIER_LABELS, Tier
from app.errors import NotFound
from app.schemas import (
    AreaOut,
    CategoryOut,
    Labelled,
    LifeEventOut,
    Page,
    ResolvedAmount,
    ResolvedValue,
    ServiceDetail,
    ServiceSummary,
    StandardRefOut,
)


@dataclass(frozen=True)
class ServiceFilters:
    """What a service list is narrowed by; ``region`` and ``as_of`` decide visibility."""

    as_of: dt.date
    region: str = PROVINCE_CODE
    area: str | None = None
    category: str | None = None
    tier: Tier | None = None
    life_event: str | None = None
    edition: str | None = None


def _offered(service: ServiceRecord, chain_codes: set[str], as_of: dt.date) -> bool:
    """Offered in the region (or a region above it) and in force on ``as_of``."""
    return service.region_code in chain_codes and in_force(_ServiceSpan(service), as_of)


@dataclass(frozen=True)
class _ServiceSpan:
    service: ServiceRecord
    region_code: str | None = None

    @property
    def valid_from(self) -> dt.date | None:
        return self.service.valid_from

    @property
    def valid_to(self) -> dt.date | None:
        return self.service.valid_to


def visible_services(snap: Snapshot, region: str, as_of: dt.date) -> Iterator[ServiceRecord]:
    """Services a resident of ``region`` can see on ``as_of``, in catalogue order."""
    chain = {node.code for node in snap.chain(region)}
    return (s for s in snap.ordered_services if _offered(s, chain, as_of))


def _check_filters(snap: Snapshot, filters: ServiceFilters) -> None:
    if filters.area is not None and filters.area not in snap.areas:
        raise NotFound("area", f"领域 {filters.area}", field="area")
    if filters.category is not None and filters.category not in snap.categories:
        raise NotFound("category", f"大类 {filters.category}", field="category")
    if filters.life_event is not None and filters.life_event not in snap.life_events:
        raise NotFound("life_event", f"人生事项 {filters.life_event}", field="life_event")


def _matches(service: ServiceRecord, filters: ServiceFilters) -> bool:
    return (
        (filters.area is None or service.area == filters.area)
        and (filters.category is None or service.category == filters.category)
        and (filters.tier is None or service.tier == filters.tier.value)
        and (filters.life_event is None or filters.life_event in service.life_events)
        and (filters.edition is None or any(r.edition == filters.edition for r in service.refs))
    )


def list_services(
    snap: Snapshot, filters: ServiceFilters, *, limit: int, cursor: str | None
) -> Page[ServiceSummary]:
    """One page of services in catalogue order (tier, area, category, item number)."""
    after = decode_cursor(cursor)
    _check_filters(snap, filters)
    matching = [
        s for s in visible_services(snap, filters.region, filters.as_of) if _matches(s, filters)
    ]
    start = (
        0
        if after is None
        else next((i for i, s in enumerate(matching) if s.sort_key > after), len(matching))
    )
    rows = matching[start : start + limit]
    more = start + limit < len(matching)
    return Page(
        items=[summary(snap, s) for s in rows],
        next_cursor=encode_cursor(rows[-1].sort_key) if more and rows else None,
        total=len(matching),
    )


def summary(snap: Snapshot, service: ServiceRecord) -> ServiceSummary:
    """The public list item of a service."""
    category = snap.categories.get(service.category or "")
    return ServiceSummary(
        code=service.code,
        name=service.name,
        aliases=list(service.aliases),
        tier=Labelled(code=service.tier, name=TIER_LABELS[Tier(service.tier)]),
        area=Labelled(code=service.area, name=snap.areas[service.area].name),
        category=Labelled(code=category.code, name=category.name) if category else None,
        scope=snap.regions[service.region_code].ref,
        summary=service.summary,
        standard_refs=[Labelled(code=r.edition, name=r.item_name) for r in service.refs],
        verification=service.verification,
    )


def _count_by(keys: Iterable[str | None]) -> Counter[str]:
    return Counter(k for k in keys if k is not None)


def area_counts(snap: Snapshot, region: str, as_of: dt.date) -> list[AreaOut]:
    """The nine areas with the number of services visible in ``region`` on ``as_of``."""
    counts = _count_by(s.area for s in visible_services(snap, region, as_of))
    return [
        AreaOut(
            code=a.code,
            name=a.name,
            ordinal=a.ordinal,
            description=a.description,
            service_count=counts[a.code],
        )
        for a in snap.areas.values()
    ]


def category_counts(
    snap: Snapshot, region: str, as_of: dt.date, area: str | None = None
) -> list[CategoryOut]:
    """Categories (optionally of one area) with their visible service counts."""
    if area is not None:
        get_area(snap, area, field="area")
    counts = _count_by(s.category for s in visible_services(snap, region, as_of))
    return [
        CategoryOut(code=c.code, name=c.name, area=c.parent or "", service_count=counts[c.code])
        for c in snap.categories.values()
        if area is None or c.parent == area
    ]


def life_event_counts(snap: Snapshot, region: str, as_of: dt.date) -> list[LifeEventOut]:
    """Life events with their visible service counts."""
    counts = _count_by(e for s in visible_services(snap, region, as_of) for e in s.life_events)
    return [
        LifeEventOut(
            code=e.code, name=e.name, description=e.description, service_count=counts[e.code]
        )
        for e in snap.life_events.values()
    ]


def get_area(snap: Snapshot, code: str, *, field: str = "code") -> TaxonEntry:
    """An area by code, or :class:`NotFound`."""
    area = snap.areas.get(code)
    if area is None:
        raise NotFound("area", f"领域 {code}", field=field)
    return area


def get_life_event(snap: Snapshot, code: str) -> TaxonEntry:
    """A life event by code, or :class:`NotFound`."""
    event = snap.life_events.get(code)
    if event is None:
        raise NotFound("life_event", f"人生事项 {code}", field="code")
    return event


def service_detail(snap: Snapshot, code: str, *, region: str, as_of: dt.date) -> ServiceDetail:
    """A service with every field resolved for ``region`` on ``as_of``, with provenance.

    A service offered only in another county is reported as not found for this region.
    """
    chain = snap.chain(region)
    chain_codes = [node.code for node in chain]
    service = snap.services.get(code)
    if service is None or service.region_code not in chain_codes:
        raise NotFound("service", f"服务 {code}", field="code")
    regions = {node.code: node for node in chain}
    fields: dict[str, ResolvedValue] = {}
    for kind in FIELD_KINDS:
        chosen = pick((v for v in service.values if v.field == kind), chain_codes, as_of)
        if chosen is None:
            fields[kind] = _missing(kind)
            continue
        value, status = chosen
        fields[kind] = ResolvedValue(
            field=kind,
            label=FIELD_LABELS[kind],
            status=status,
            value=value.value,
            level=_level(value.region_code, regions),
            region=regions[value.region_code].ref if value.region_code else None,
            edition=value.edition,
            valid_from=value.valid_from,
            valid_to=value.valid_to,
            verification=value.verification,
            sources=snap.cite(value.source_ids),
        )
    amounts = []
    for key in sorted({a.key for a in service.amounts}):
        chosen_amount = pick((a for a in service.amounts if a.key == key), chain_codes, as_of)
        if chosen_amount is None:
            continue
        amount, amount_status = chosen_amount
        amounts.append(
            ResolvedAmount(
                key=amount.key,
                label=amount.label,
                value=float(amount.value) if amount.value is not None else None,
                unit=amount.unit,
                status=amount_status,
                level=_level(amount.region_code, regions),
                region=regions[amount.region_code].ref if amount.region_code else None,
                valid_from=amount.valid_from,
                valid_to=amount.valid_to,
                verification=amount.verification,
                sources=snap.cite(amount.source_ids),
            )
        )
    return ServiceDetail(
        **summary(snap, service).model_dump(),
        region=chain[0].ref,
        as_of=as_of,
        valid_from=service.valid_from,
        valid_to=service.valid_to,
        note=service.note,
        life_events=[
            Labelled(code=e.code, name=e.name)
            for e in snap.life_events.values()
            if e.code in service.life_events
        ],
        standard=[
            StandardRefOut(
                edition=r.edition,
                item_no=r.item_no,
                item_name=r.item_name,
                in_force=_edition_in_force(snap, r.edition, as_of),
                sources=snap.cite(r.source_ids),
            )
            for r in service.refs
        ],
        fields=fields,
        amounts=amounts,
        sources=snap.cite(service.source_ids),
    )


def _edition_in_force(snap: Snapshot, code: str, as_of: dt.date) -> bool:
    edition = snap.editions[code]
    return edition.valid_from <= as_of and (edition.valid_to is None or as_of < edition.valid_to)


def _missing(kind: str) -> ResolvedValue:
    return ResolvedValue(
        field=kind,
        label=FIELD_LABELS[kind],
        status="missing",
        value=None,
        level=None,
        region=None,
        edition=None,
        valid_from=None,
        valid_to=None,
        verification=None,
        sources=[],
    )


def _level(region_code: str | None, regions: dict[str, RegionNode]) -> str:
    return "national" if region_code is None else regions[region_code].level
