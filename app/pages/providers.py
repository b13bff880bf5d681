"""What the provider pages add to the domain code: where distances start, and page wording.

The queries themselves live in :mod:`app.providers` (the same code as the JSON API); this
module only picks the query point for a chosen region (a township has no seat of its own in
our data, so its county's seat stands in, and the page says so), formats distances for
people, groups counties for the picker and counts the providers that have no point yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BeforeValidator
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.catalogue.snapshot import RegionNode, Snapshot
from app.domain import PROVINCE_CODE
from app.models.provider import Location
from app.providers import directory
from app.schemas import RegionRef

TOWNSHIP_FALLBACK = "该乡镇/街道暂无驻地坐标，按县政府驻地计算距离。"


def _blank_to_none(value: object) -> object:
    """A GET form sends ``name=`` for "不限": read it as absent, not as an invalid value."""
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, list):
        kept = [v for v in value if not (isinstance(v, str) and not v.strip())]
        return kept or None
    return value


BlankIsNone = BeforeValidator(_blank_to_none)


@dataclass(frozen=True)
class Seat:
    """A query point taken from a region's seat (GCJ-02), and how the page explains it."""

    chosen: RegionNode
    used: RegionNode
    lat: float
    lng: float
    fallback: str | None

    @property
    def basis(self) -> str:
        """The sentence naming where distances start."""
        return f"距离从{self.used.name}政府驻地算起（直线距离，仅供参考）。"


def seat_for(snap: Snapshot, code: str) -> Seat | None:
    """The seat of ``code``, else of the nearest ancestor that has one (None: none has)."""
    chain = snap.chain(code)
    chosen = chain[0]
    for node in chain:
        if node.lat is not None and node.lng is not None:
            return Seat(chosen, node, node.lat, node.lng, _fallback_sentence(chosen, node))
    return None


def _fallback_sentence(chosen: RegionNode, used: RegionNode) -> str | None:
    if used.code == chosen.code:
        return None
    if chosen.level == "township" and used.level == "county":
        return TOWNSHIP_FALLBACK
    if chosen.level == "township":
        return f"该乡镇/街道和所在县(市、区)都暂无驻地坐标，按{used.name}政府驻地计算距离。"
    if chosen.level == "county":
        return f"该县(市、区)暂无驻地坐标，按{used.name}政府驻地计算距离。"
    return f"该地区暂无驻地坐标，按{used.name}政府驻地计算距离。"


def county_of(snap: Snapshot, code: str) -> RegionNode | None:
    """The county (县/市/区) containing ``code``, or None above county level."""
    for node in snap.chain(code):
        if node.level == "county":
            return node
    return None


def distance_label(metres: int) -> str:
    """``850`` → "850 米"; ``1649`` → "1.6 公里"; ``12345`` → "12 公里"."""
    if metres < 1000:
        return f"{metres} 米"
    if metres < 10_000:
        return f"{metres / 1000:.1f}".removesuffix(".0") + " 公里"
    return f"{round(metres / 1000)} 公里"


def with_distance_labels(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nearby hits with a readable distance added."""
    return [{**item, "distance_label": distance_label(item["distance_m"])} for item in items]


def county_groups(snap: Snapshot) -> list[tuple[RegionRef, list[RegionRef]]]:
    """The 88 counties grouped by 市(州), in code order (for a ``<select>`` with optgroups)."""
    province = snap.regions[PROVINCE_CODE]
    groups: list[tuple[RegionRef, list[RegionRef]]] = []
    for city_code in province.children:
        city = snap.regions[city_code]
        counties = [snap.regions[c].ref for c in city.children if snap.regions[c].level == "county"]
        groups.append((city.ref, counties))
    return groups


def townships_of(snap: Snapshot, county: RegionNode) -> list[RegionRef]:
    """The 乡镇/街道 of a county."""
    return [snap.regions[c].ref for c in county.children if snap.regions[c].level == "township"]


def count_unplaced(engine: Engine, snap: Snapshot, filters: directory.ProviderFilters) -> int:
    """Providers matching ``filters`` that have no point yet ("位置待核实"; blocking)."""
    # The directory's own filter clauses, so the count agrees with the linked list page.
    clauses = directory.where_clauses(snap, filters)
    with Session(engine) as session:
        query = (
            select(func.count()).select_from(Location).where(*clauses, col(Location.lat).is_(None))
        )
        return int(session.exec(query).one())


def list_page(
    engine: Engine,
    snap: Snapshot,
    filters: directory.ProviderFilters,
    limit: int,
    now: dt.datetime,
) -> dict[str, Any]:
    """The first ``limit`` providers of the directory list (blocking)."""
    with Session(engine) as session:
        return directory.list_providers(session, snap, filters, limit=limit, cursor=None, now=now)
