"""Service queries: filtered lists, counts per area/category/life event, resolved detail."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from app.catalogue.pagination import decode_cursor, encode_cursor
from app.catalogue.regions import refs_by_code, region_chain, to_ref
from app.catalogue.resolve import in_force, pick
from app.catalogue.sources import sources_for
from app.catalogue.verification import verification_out
from app.domain import (
    FIELD_KINDS,
    FIELD_LABELS,
    PROVINCE_CODE,
    TIER_LABELS,
    Tier,
)
from app.errors import NotFound
from app.models import (
    AmountSource,
    Area,
    Category,
    FieldValueSource,
    LifeEvent,
    Region,
    Service,
    ServiceAmount,
    ServiceFieldValue,
    ServiceLifeEvent,
    ServiceSource,
    ServiceStandardRef,
    StandardEdition,
    StandardRefSource,
)
from app.schemas import (
    AreaOut,
    CategoryOut,
    Labelled,
    LifeEventOut,
    Page,
    RegionRef,
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


def _visible(session: Session, region: str, as_of: dt.date) -> list[ColumnElement[bool]]:
    """Services offered in ``region`` or any region above it, and in force on ``as_of``."""
    chain = [r.code for r in region_chain(session, region)]
    return [
        col(Service.region_code).in_(chain),
        or_(col(Service.valid_from).is_(None), col(Service.valid_from) <= as_of),
        or_(col(Service.valid_to).is_(None), col(Service.valid_to) > as_of),
    ]


def _conditions(session: Session, filters: ServiceFilters) -> list[ColumnElement[bool]]:
    conditions = _visible(session, filters.region, filters.as_of)
    if filters.area is not None:
        if session.get(Area, filters.area) is None:
            raise NotFound("area", f"领域 {filters.area}", field="area")
        conditions.append(col(Service.area_code) == filters.area)
    if filters.category is not None:
        if session.get(Category, filters.category) is None:
            raise NotFound("category", f"大类 {filters.category}", field="category")
        conditions.append(col(Service.category_code) == filters.category)
    if filters.tier is not None:
        conditions.append(col(Service.tier) == filters.tier.value)
    if filters.life_event is not None:
        if session.get(LifeEvent, filters.life_event) is None:
            raise NotFound("life_event", f"人生事项 {filters.life_event}", field="life_event")
        members = select(ServiceLifeEvent.service_code).where(
            col(ServiceLifeEvent.life_event_code) == filters.life_event
        )
        conditions.append(col(Service.code).in_(members))
    if filters.edition is not None:
        refs = select(ServiceStandardRef.service_code).where(
            col(ServiceStandardRef.edition_code) == filters.edition
        )
        conditions.append(col(Service.code).in_(refs))
    return conditions


def list_services(
    session: Session, filters: ServiceFilters, *, limit: int, cursor: str | None
) -> Page[ServiceSummary]:
    """One page of services in catalogue order (tier, area, category, item number)."""
    after = decode_cursor(cursor)
    conditions = _conditions(session, filters)
    total = session.exec(select(func.count()).select_from(Service).where(*conditions)).one()
    query = select(Service).where(*conditions)
    if after is not None:
        query = query.where(col(Service.sort_key) > after)
    rows = list(session.exec(query.order_by(col(Service.sort_key)).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].sort_key) if more and rows else None
    return Page(items=summaries(session, rows), next_cursor=next_cursor, total=total)


def summaries(session: Session, rows: Sequence[Service]) -> list[ServiceSummary]:
    """Public list items for service rows, with their lookups fetched in bulk."""
    lookups = _Lookups.load(session)
    scopes = refs_by_code(session, (s.region_code for s in rows))
    refs: dict[str, list[ServiceStandardRef]] = defaultdict(list)
    if rows:
        for ref in session.exec(
            select(ServiceStandardRef)
            .where(col(ServiceStandardRef.service_code).in_([s.code for s in rows]))
            .order_by(col(ServiceStandardRef.edition_code))
        ):
            refs[ref.service_code].append(ref)
    return [_summary(s, lookups, scopes[s.region_code], refs[s.code]) for s in rows]


@dataclass(frozen=True)
class _Lookups:
    areas: dict[str, Area]
    categories: dict[str, Category]

    @classmethod
    def load(cls, session: Session) -> _Lookups:
        return cls(
            areas={a.code: a for a in session.exec(select(Area))},
            categories={c.code: c for c in session.exec(select(Category))},
        )


def _summary(
    service: Service, lookups: _Lookups, scope: RegionRef, refs: list[ServiceStandardRef]
) -> ServiceSummary:
    category = lookups.categories.get(service.category_code or "")
    return ServiceSummary(
        code=service.code,
        name=service.name,
        aliases=list(service.aliases),
        tier=Labelled(code=service.tier, name=TIER_LABELS[Tier(service.tier)]),
        area=Labelled(code=service.area_code, name=lookups.areas[service.area_code].name),
        category=Labelled(code=category.code, name=category.name) if category else None,
        scope=scope,
        summary=service.summary,
        standard_refs=[Labelled(code=r.edition_code, name=r.item_name) for r in refs],
        verification=verification_out(service),
    )


def _counts(
    session: Session, region: str, as_of: dt.date, group: Any, *joins: Any
) -> dict[str, int]:
    query = select(group, func.count(col(Service.code))).select_from(Service)
    for target, onclause in joins:
        query = query.join(target, onclause)
    query = query.where(*_visible(session, region, as_of)).group_by(group)
    return {key: count for key, count in session.exec(query) if key is not None}


def area_counts(session: Session, region: str, as_of: dt.date) -> list[AreaOut]:
    """The nine areas with the number of services visible in ``region`` on ``as_of``."""
    counts = _counts(session, region, as_of, col(Service.area_code))
    areas = session.exec(select(Area).order_by(col(Area.ordinal)))
    return [
        AreaOut(
            code=a.code,
            name=a.name,
            ordinal=a.ordinal,
            description=a.description,
            service_count=counts.get(a.code, 0),
        )
        for a in areas
    ]


def category_counts(
    session: Session, region: str, as_of: dt.date, area: str | None = None
) -> list[CategoryOut]:
    """Categories (optionally of one area) with their visible service counts."""
    if area is not None and session.get(Area, area) is None:
        raise NotFound("area", f"领域 {area}", field="area")
    counts = _counts(session, region, as_of, col(Service.category_code))
    query = select(Category).order_by(col(Category.code))
    if area is not None:
        query = query.where(col(Category.area_code) == area)
    return [
        CategoryOut(code=c.code, name=c.name, area=c.area_code, service_count=counts.get(c.code, 0))
        for c in session.exec(query)
    ]


def life_event_counts(session: Session, region: str, as_of: dt.date) -> list[LifeEventOut]:
    """Life events with their visible service counts."""
    counts = _counts(
        session,
        region,
        as_of,
        col(ServiceLifeEvent.life_event_code),
        (ServiceLifeEvent, col(ServiceLifeEvent.service_code) == col(Service.code)),
    )
    return [
        LifeEventOut(
            code=e.code, name=e.name, description=e.description, service_count=counts.get(e.code, 0)
        )
        for e in session.exec(select(LifeEvent).order_by(col(LifeEvent.ordinal)))
    ]


def get_area(session: Session, code: str) -> Area:
    """An area by code, or :class:`NotFound`."""
    area = session.get(Area, code)
    if area is None:
        raise NotFound("area", f"领域 {code}", field="code")
    return area


def get_life_event(session: Session, code: str) -> LifeEvent:
    """A life event by code, or :class:`NotFound`."""
    event = session.get(LifeEvent, code)
    if event is None:
        raise NotFound("life_event", f"人生事项 {code}", field="code")
    return event


def service_detail(session: Session, code: str, *, region: str, as_of: dt.date) -> ServiceDetail:
    """A service with every field resolved for ``region`` on ``as_of``, with provenance.

    A service offered only in another county is reported as not found for this region.
    """
    chain_rows = region_chain(session, region)
    chain = [r.code for r in chain_rows]
    service = session.get(Service, code)
    if service is None or service.region_code not in chain:
        raise NotFound("service", f"服务 {code}", field="code")
    summary = summaries(session, [service])[0]
    values = list(
        session.exec(select(ServiceFieldValue).where(col(ServiceFieldValue.service_code) == code))
    )
    amounts = list(
        session.exec(select(ServiceAmount).where(col(ServiceAmount.service_code) == code))
    )
    refs = list(
        session.exec(select(ServiceStandardRef).where(col(ServiceStandardRef.service_code) == code))
    )
    source_ids = _source_ids(session, service, values, amounts, refs)
    sources = sources_for(session, {sid for ids in source_ids.values() for sid in ids})
    regions = {r.code: r for r in chain_rows}

    def cited(key: tuple[str, Any]) -> list[Any]:
        return [sources[sid] for sid in sorted(source_ids.get(key, ()))]

    fields: dict[str, ResolvedValue] = {}
    for kind in FIELD_KINDS:
        chosen = pick((v for v in values if v.field == kind), chain, as_of)
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
            region=to_ref(regions[value.region_code]) if value.region_code else None,
            edition=value.edition_code,
            valid_from=value.valid_from,
            valid_to=value.valid_to,
            verification=verification_out(value),
            sources=cited(("value", value.id)),
        )
    resolved_amounts = []
    for key in sorted({a.key for a in amounts}):
        chosen_amount = pick((a for a in amounts if a.key == key), chain, as_of)
        if chosen_amount is None:
            continue
        amount, amount_status = chosen_amount
        resolved_amounts.append(
            ResolvedAmount(
                key=amount.key,
                label=amount.label,
                value=float(amount.value) if amount.value is not None else None,
                unit=amount.unit,
                status=amount_status,
                level=_level(amount.region_code, regions),
                region=to_ref(regions[amount.region_code]) if amount.region_code else None,
                valid_from=amount.valid_from,
                valid_to=amount.valid_to,
                verification=verification_out(amount),
                sources=cited(("amount", amount.id)),
            )
        )
    editions = {e.code: e for e in session.exec(select(StandardEdition))}
    return ServiceDetail(
        **summary.model_dump(),
        region=to_ref(chain_rows[0]),
        as_of=as_of,
        valid_from=service.valid_from,
        valid_to=service.valid_to,
        note=service.note,
        life_events=_life_events(session, code),
        standard=[
            StandardRefOut(
                edition=r.edition_code,
                item_no=r.item_no,
                item_name=r.item_name,
                in_force=in_force(_EditionSpan(editions[r.edition_code]), as_of),
                sources=cited(("ref", r.id)),
            )
            for r in sorted(refs, key=lambda r: r.edition_code)
        ],
        fields=fields,
        amounts=resolved_amounts,
        sources=cited(("service", service.code)),
    )


@dataclass(frozen=True)
class _EditionSpan:
    edition: StandardEdition
    region_code: str | None = None

    @property
    def valid_from(self) -> dt.date | None:
        return self.edition.valid_from

    @property
    def valid_to(self) -> dt.date | None:
        return self.edition.valid_to


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


def _level(region_code: str | None, regions: dict[str, Region]) -> Any:
    return "national" if region_code is None else regions[region_code].level


def _life_events(session: Session, code: str) -> list[Labelled]:
    rows = session.exec(
        select(LifeEvent)
        .join(ServiceLifeEvent, and_(col(ServiceLifeEvent.life_event_code) == col(LifeEvent.code)))
        .where(col(ServiceLifeEvent.service_code) == code)
        .order_by(col(LifeEvent.ordinal))
    )
    return [Labelled(code=e.code, name=e.name) for e in rows]


def _source_ids(
    session: Session,
    service: Service,
    values: Iterable[ServiceFieldValue],
    amounts: Iterable[ServiceAmount],
    refs: Iterable[ServiceStandardRef],
) -> dict[tuple[str, Any], set[str]]:
    """Source ids keyed by (kind, id) for the service and each of its child rows."""
    out: dict[tuple[str, Any], set[str]] = defaultdict(set)
    for link in session.exec(
        select(ServiceSource).where(col(ServiceSource.service_code) == service.code)
    ):
        out[("service", service.code)].add(link.source_id)
    value_ids = [v.id for v in values]
    if value_ids:
        for vlink in session.exec(
            select(FieldValueSource).where(col(FieldValueSource.field_value_id).in_(value_ids))
        ):
            out[("value", vlink.field_value_id)].add(vlink.source_id)
    amount_ids = [a.id for a in amounts]
    if amount_ids:
        for alink in session.exec(
            select(AmountSource).where(col(AmountSource.amount_id).in_(amount_ids))
        ):
            out[("amount", alink.amount_id)].add(alink.source_id)
    ref_ids = [r.id for r in refs]
    if ref_ids:
        for rlink in session.exec(
            select(StandardRefSource).where(col(StandardRefSource.ref_id).in_(ref_ids))
        ):
            out[("ref", rlink.ref_id)].add(rlink.source_id)
    return out
