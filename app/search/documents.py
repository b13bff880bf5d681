"""Build the search documents from the catalogue — the single source for every backend.

A document is a flat dict of display fields, searchable text (already normalised: 简体, half
width), facet codes and pinyin tokens, so both engines index exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.catalogue.snapshot import ServiceRecord, Snapshot
from app.domain import TIER_LABELS, Tier
from app.search.base import Document
from app.search.text import normalize, pinyin_tokens

# Fields a service document is searched on, strongest first (the ranking weight order).
SERVICE_TEXT_FIELDS = ("name", "aliases", "category_name", "life_event_names", "summary", "body")
PROVIDER_TEXT_FIELDS = ("name", "type_name", "region_names", "address")
BODY_FIELDS = ("target", "content", "standard", "conditions", "lead_dept")


def service_documents(snap: Snapshot) -> list[Document]:
    """One document per service, in catalogue order."""
    return [
        service_document(snap, service, rank) for rank, service in enumerate(snap.ordered_services)
    ]


def _texts(values: Iterable[str | list[str]]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(value if isinstance(value, list) else [value])
    return out


def service_document(snap: Snapshot, service: ServiceRecord, rank: int) -> Document:
    """The search document of one service."""
    category = snap.categories.get(service.category or "")
    scope = snap.regions[service.region_code]
    events = [snap.life_events[e] for e in service.life_events if e in snap.life_events]
    body_values = [v.value for v in service.values if v.field in BODY_FIELDS]
    names = [service.name, *service.aliases]
    return {
        "id": service.code,
        "kind": "service",
        "name": service.name,
        "aliases": list(service.aliases),
        "summary": service.summary or "",
        "body": " ".join(dict.fromkeys(_texts(body_values))),
        "tier": service.tier,
        "tier_name": TIER_LABELS[Tier(service.tier)],
        "area": service.area,
        "area_name": snap.areas[service.area].name,
        "category": service.category,
        "category_name": category.name if category else "",
        "scope": scope.code,
        "scope_name": scope.name,
        "scope_level": scope.level,
        "life_events": [e.code for e in events],
        "life_event_names": [e.name for e in events],
        "pinyin": sorted(set().union(*(pinyin_tokens(n) for n in names))),
        "rank": rank,
        "sample": False,
    }


def searchable_text(document: Document, field: str) -> str:
    """The normalised text of one field (lists joined by spaces)."""
    value = document.get(field)
    if value is None:
        return ""
    if isinstance(value, list):
        return normalize(" ".join(str(v) for v in value))
    return normalize(str(value))
