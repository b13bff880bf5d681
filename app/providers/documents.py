"""Search documents for providers, built from the database (the source of truth)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.catalogue.snapshot import Snapshot
from app.domain import PROVIDER_TYPES
from app.models.provider import Location, ServiceAtLocation
from app.search.base import Document
from app.search.text import pinyin_tokens

BATCH = 20_000


def provider_summary(doc: Document) -> dict[str, Any]:
    """Who and where, as every provider result begins (search hits and nearby results)."""
    return {
        "id": doc["id"],
        "name": doc["name"],
        "type": {"code": doc["type"], "name": doc["type_name"]},
        "address": doc.get("address") or None,
        "county": {"code": doc["county"], "name": doc["county_name"]},
    }


def _chain_codes(snap: Snapshot, code: str) -> list[str]:
    return [node.code for node in snap.chain(code)]


def provider_document(
    snap: Snapshot, location: Location, services: list[str], rank: int
) -> Document:
    """One provider's document: display fields, filters, pinyin and the point (WGS-84)."""
    chain = snap.chain(location.region_code)
    county = snap.regions.get(location.county_code or "")
    names = [node.name for node in reversed(chain) if node.level != "province"]
    doc: dict[str, Any] = {
        "id": location.id,
        "kind": "provider",
        "name": location.name,
        "type": location.type,
        "type_name": PROVIDER_TYPES.get(location.type, location.type),
        "address": location.address or "",
        "county": county.code if county else chain[0].code,
        "county_name": county.name if county else chain[0].name,
        "regions": [node.code for node in chain],
        "region_names": " ".join(names),
        "services": services,
        "inclusive": location.inclusive,
        "languages": location.languages or [],
        "accessible": bool(location.accessibility),
        "status": location.status,
        "hours": location.opening_hours,
        "lat": location.lat,
        "lng": location.lng,
        "pinyin": sorted(pinyin_tokens(location.name.removesuffix("（示例）"))),
        "phone": location.phone,
        "verification": location.verification,
        "verified_on": location.verified_on.isoformat() if location.verified_on else None,
        "rank": rank,
        "sample": location.sample,
    }
    doc["has_geo"] = location.lat is not None and location.lng is not None
    if doc["has_geo"]:
        doc["_geo"] = {"lat": location.lat, "lng": location.lng}
    return doc


def provider_documents(engine: Engine, snap: Snapshot) -> list[Document]:
    """Every location as a search document, in id order."""
    return list(_iter_documents(engine, snap))


def _iter_documents(engine: Engine, snap: Snapshot) -> Iterator[Document]:
    with Session(engine) as session:
        services: dict[str, list[str]] = {}
        for location_id, code in session.exec(
            select(col(ServiceAtLocation.location_id), col(ServiceAtLocation.service_code))
        ):
            services.setdefault(location_id, []).append(code)
        locations = session.exec(select(Location).order_by(col(Location.id)))
        for rank, location in enumerate(locations):
            yield provider_document(snap, location, sorted(services.get(location.id, [])), rank)
