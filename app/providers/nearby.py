"""Nearby providers: validate the point, ask the search backend, shape the answer for people.

Knows nothing about HTTP. The point arrives in the caller's coordinate system and is
converted to storage (WGS-84) before it reaches a backend; it is never stored or logged.
"Open now" and the next opening are computed here, from one clock, so both backends give
the same answer for the same query. Each result is written by :mod:`app.providers.hits`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from app.catalogue.snapshot import Snapshot
from app.domain import PROVIDER_TYPES
from app.errors import NotFound, QianfuError
from app.geo.coords import (
    CoordType,
    InvalidCoordinate,
    in_guizhou,
    to_storage,
    validate_point,
)
from app.providers.hits import hit_json, hit_out, opening_state_of
from app.providers.opening import OpeningState, shanghai_minute
from app.search.base import Filters, NearbyHit, NearbyRequest, NearbyResult
from app.search.service import SearchService

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_RADIUS_M = 50_000.0
# With "open now", the backend is asked for this many times ``limit`` candidates at first.
OPEN_NOW_OVERFETCH = 4
MAX_CANDIDATES = 1000
OUTSIDE_GUIZHOU_NOTE = (
    "所给位置不在贵州省范围内：本目录只收录贵州省的办理点，结果可能为空或距离很远"
)


class NearbyInputError(QianfuError):
    """A nearby query we refuse; the message never repeats the submitted coordinates."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message, field=field)
        self.code = code


@dataclass(frozen=True)
class NearbyParams:
    """What the caller asked for (codes already match their patterns)."""

    lat: float
    lng: float
    coordtype: CoordType = CoordType.WGS84
    radius_m: float | None = None
    limit: int = DEFAULT_LIMIT
    types: tuple[str, ...] = ()
    service: str | None = None
    region: str | None = None
    inclusive: bool | None = None
    accessible: bool | None = None
    language: str | None = None
    open_now: bool = False


def _check_point(params: NearbyParams) -> None:
    try:
        validate_point(params.lat, params.lng)
    except InvalidCoordinate as exc:
        field = "lat" if not (math.isfinite(params.lat) and -90 <= params.lat <= 90) else "lng"
        message = (
            "纬度必须是 -90 到 90 之间的数字"
            if field == "lat"
            else "经度必须是 -180 到 180 之间的数字"
        )
        raise NearbyInputError("invalid_coordinates", message, field) from exc


def _check_window(params: NearbyParams) -> None:
    if params.radius_m is not None and not (
        math.isfinite(params.radius_m) and 0 < params.radius_m <= MAX_RADIUS_M
    ):
        raise NearbyInputError(
            "invalid_radius", f"radius_m 必须大于 0 且不超过 {int(MAX_RADIUS_M)} 米", "radius_m"
        )
    if not 1 <= params.limit <= MAX_LIMIT:
        raise NearbyInputError("invalid_limit", f"limit 必须在 1 到 {MAX_LIMIT} 之间", "limit")


def build_filters(snap: Snapshot, params: NearbyParams) -> Filters:
    """Backend filters from validated codes; unknown codes are clear 4xx errors."""
    any_of: dict[str, tuple[str, ...]] = {}
    for kind in params.types:
        if kind not in PROVIDER_TYPES:
            raise NearbyInputError("unknown_type", f"未知的办理点类型 {kind}", "type")
    if params.types:
        any_of["type"] = tuple(dict.fromkeys(params.types))
    if params.service is not None:
        if params.service not in snap.services:
            raise NotFound("service", f"服务 {params.service}", field="service")
        any_of["services"] = (params.service,)
    if params.region is not None:
        any_of["regions"] = (snap.region(params.region).code,)
    if params.inclusive is not None:
        any_of["inclusive"] = ("true" if params.inclusive else "false",)
    if params.accessible is not None:
        any_of["accessible"] = ("true" if params.accessible else "false",)
    if params.language is not None:
        any_of["languages"] = (params.language,)
    return Filters(any_of)


def build_request(snap: Snapshot, params: NearbyParams) -> NearbyRequest:
    """Validate ``params`` and express them in storage coordinates for a backend."""
    _check_point(params)
    _check_window(params)
    lat, lng = to_storage(params.lat, params.lng, params.coordtype)
    limit = params.limit
    if params.open_now:
        limit = min(MAX_CANDIDATES, limit * OPEN_NOW_OVERFETCH)
    return NearbyRequest(lat, lng, params.radius_m, limit, build_filters(snap, params))


_Shown = tuple[NearbyHit, OpeningState]


def _shown(params: NearbyParams, result: NearbyResult, minute: dt.datetime) -> list[_Shown]:
    """The hits a page shows, nearest first, with their opening state ("open now" applied)."""
    shown: list[_Shown] = []
    memo = result.memo
    for hit in result.hits:
        state = opening_state_of(hit.document, minute, memo)
        if params.open_now and state.open_now is not True:
            continue
        shown.append((hit, state))
        if len(shown) == params.limit:
            break
    return shown


@dataclass(frozen=True)
class NearbyAnswer:
    """A nearby query's answer, ready to be written as a dictionary or as JSON."""

    params: NearbyParams
    result: NearbyResult
    degraded: bool
    now: dt.datetime
    shown: list[_Shown]

    def body(self) -> dict[str, Any]:
        """The response body with each result a dictionary (pages, and the definition)."""
        minute = shanghai_minute(self.now)
        coordtype = self.params.coordtype
        items = [
            hit_out(hit.document, hit.distance_m, coordtype, minute, state)
            for hit, state in self.shown
        ]
        return self._envelope(items)

    def json_body(self) -> dict[str, Any]:
        """The same body with each result pre-serialised: byte for byte what ``orjson.dumps``
        writes for :meth:`body`, at a fraction of the cost (see :func:`hit_json`)."""
        coordtype, memo = self.params.coordtype, self.result.memo
        items = [
            hit_json(hit.document, hit.distance_m, coordtype, state, memo)
            for hit, state in self.shown
        ]
        return self._envelope(items)

    def _envelope(self, items: list[Any]) -> dict[str, Any]:
        params = self.params
        inside = in_guizhou(params.lat, params.lng)
        return {
            "items": items,
            "total": len(items),
            "coordtype": params.coordtype.value,
            "radius_m": params.radius_m,
            "limit": params.limit,
            "in_guizhou": inside,
            "note": None if inside else OUTSIDE_GUIZHOU_NOTE,
            "as_of": self.now.isoformat(timespec="seconds"),
            "backend": self.result.backend,
            "degraded": self.degraded,
            "contains_sample": any(hit.document.get("sample") for hit, _ in self.shown),
        }


def answer(
    params: NearbyParams, result: NearbyResult, *, degraded: bool, now: dt.datetime
) -> NearbyAnswer:
    """The answer to ``params`` from one backend result."""
    return NearbyAnswer(params, result, degraded, now, _shown(params, result, shanghai_minute(now)))


def needs_more(params: NearbyParams, request: NearbyRequest, result: NearbyResult) -> bool:
    """With "open now", too few open hits from a full batch: ask again for more candidates."""
    if not params.open_now or request.limit >= MAX_CANDIDATES:
        return False
    return len(result.hits) >= request.limit


def widened(request: NearbyRequest) -> NearbyRequest:
    """The same request for more candidates."""
    return NearbyRequest(
        request.lat,
        request.lng,
        request.radius_m,
        min(MAX_CANDIDATES, request.limit * 4),
        request.filters,
    )


async def nearby_answer(
    search: SearchService, snap: Snapshot, params: NearbyParams, now: dt.datetime
) -> NearbyAnswer:
    """Run a nearby query (widening the candidate set when "open now" filters many out)."""
    request = build_request(snap, params)
    result, degraded = await search.nearby(request)
    found = answer(params, result, degraded=degraded, now=now)
    while len(found.shown) < params.limit and needs_more(params, request, result):
        request = widened(request)
        result, again = await search.nearby(request)
        degraded = degraded or again
        found = answer(params, result, degraded=degraded, now=now)
    return found


async def find_nearby(
    search: SearchService, snap: Snapshot, params: NearbyParams, now: dt.datetime
) -> dict[str, Any]:
    """:func:`nearby_answer` as a dictionary (the pages)."""
    return (await nearby_answer(search, snap, params, now)).body()
