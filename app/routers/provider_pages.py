"""Provider pages: the directory list, one provider, and "附近办理点" (works without JavaScript).

Every page calls the same domain code as its JSON twin (:mod:`app.providers.directory`,
:func:`app.providers.nearby.find_nearby`) and links to it. A visitor's location, when the
"使用我的位置" script sends one, is used for this one query: it is not stored, not put into
other links on the page, and not repeated in error messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from annotated_types import Ge, Gt, Le, MaxLen
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AllowInfNan, StringConstraints
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from app.catalogue.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.catalogue.snapshot import RegionNode, Snapshot
from app.deps import (
    REGION_CODE_PATTERN,
    SLUG_QUERY_PATTERN,
    CatalogueDep,
    CursorQuery,
    NowDep,
    SessionDep,
    get_engine,
)
from app.domain import PROVIDER_TYPES, PROVINCE_CODE, ProviderType
from app.errors import NotFound
from app.geo.coords import CoordType
from app.pages import providers as view
from app.pages.render import Prefs, read_prefs, render
from app.providers import directory
from app.providers import nearby as geo
from app.routers.providers import ProviderId
from app.routers.search import search_service
from app.search.service import SearchDown

router = APIRouter(include_in_schema=False)

EngineDep = Annotated[Engine, Depends(get_engine)]
# A GET form sends ``name=`` for "不限", so every page parameter reads blank as absent; the
# rules sit on the inner type so they apply to real values only (pydantic cannot apply
# ``pattern`` or ``ge`` to the None a blank becomes). The rules are the JSON API's.
Blank = view.BlankIsNone
_Slug = Annotated[str, StringConstraints(pattern=SLUG_QUERY_PATTERN, max_length=64)]
CountyParam = Annotated[
    Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None, Blank, Query()
]
TownshipParam = Annotated[
    Annotated[str, StringConstraints(pattern=r"^\d{9}$")] | None, Blank, Query()
]
RegionParam = Annotated[
    Annotated[str, StringConstraints(pattern=REGION_CODE_PATTERN)] | None, Blank, Query()
]
TypesParam = Annotated[Annotated[list[ProviderType], MaxLen(10)] | None, Blank, Query()]
ServiceParam = Annotated[_Slug | None, Blank, Query()]
FlagParam = Annotated[bool | None, Blank, Query()]
LatParam = Annotated[Annotated[float, Ge(-90), Le(90), AllowInfNan(False)] | None, Blank, Query()]
LngParam = Annotated[Annotated[float, Ge(-180), Le(180), AllowInfNan(False)] | None, Blank, Query()]
CoordParam = Annotated[CoordType | None, Blank, Query()]
RadiusParam = Annotated[
    Annotated[float, Gt(0), Le(geo.MAX_RADIUS_M), AllowInfNan(False)] | None, Blank, Query()
]
LimitParam = Annotated[Annotated[int, Ge(1), Le(MAX_LIMIT)] | None, Blank, Query()]

RADIUS_CHOICES = [
    (metres, f"{metres // 1000} 公里内") for metres in (1000, 3000, 5000, 10_000, 20_000, 50_000)
]
LIMIT_CHOICES = [10, 20, 50]
NEARBY_LIMIT = 20
SERVICE_SECTION_LIMIT = 5


def _shell(snap: Snapshot, prefs: Prefs) -> dict[str, Any]:
    """The shared header context: the visitor's region (a stale cookie falls back)."""
    code = prefs.region if prefs.region in snap.regions else PROVINCE_CODE
    chain = [node.ref for node in snap.chain(code)]
    return {"prefs": prefs, "region": chain[0], "region_chain": chain}


def _types(values: list[ProviderType] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.value for v in values or ()))


@router.get("/providers")
def providers_page(
    request: Request,
    snap: CatalogueDep,
    session: SessionDep,
    now: NowDep,
    type: TypesParam = None,
    service: ServiceParam = None,
    region: RegionParam = None,
    inclusive: FlagParam = None,
    sample: FlagParam = None,
    cursor: CursorQuery = None,
) -> Response:
    """办理点名录：按地区（含下级）、类型、服务、普惠筛选；位置待核实的也列出。"""
    prefs = read_prefs(request)
    ctx = _shell(snap, prefs)
    shown = snap.region(region or ctx["region"].code)
    filters = directory.ProviderFilters(_types(type), service, shown.code, inclusive, sample)
    page = directory.list_providers(
        session, snap, filters, limit=DEFAULT_LIMIT, cursor=cursor, now=now
    )
    params: dict[str, Any] = {
        "region": shown.code,
        "type": list(filters.types),
        "service": service,
        "inclusive": _flag(inclusive),
        "sample": _flag(sample),
    }
    ctx.update(
        page=page,
        params=params,
        shown=shown.ref,
        shown_chain=[n.ref for n in reversed(snap.chain(shown.code))],
        service=snap.services[service] if service else None,
        types=PROVIDER_TYPES,
        groups=view.county_groups(snap),
    )
    json_url = "/api/v1/providers" + _query({**params, "cursor": cursor})
    return render(request, "providers/list.html", ctx, json_url=json_url)


def _flag(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


@router.get("/providers/{provider_id}")
def provider_page(
    request: Request, snap: CatalogueDep, session: SessionDep, now: NowDep, provider_id: ProviderId
) -> Response:
    """一个办理点：地址、电话、开放时间、导航、办理的服务、来源和核实日期。"""
    detail = directory.provider_detail(session, snap, provider_id, now=now)
    ctx = _shell(snap, read_prefs(request))
    ctx.update(provider=detail)
    return render(
        request, "providers/detail.html", ctx, json_url=f"/api/v1/providers/{provider_id}"
    )


def _chosen_place(
    snap: Snapshot, prefs: Prefs, county: str | None, township: str | None, region: str | None
) -> tuple[RegionNode | None, RegionNode | None]:
    """The (county, township) the visitor chose; ``region=`` and the region cookie also count."""
    if county is None and township is None:
        code = region or (prefs.region if prefs.region in snap.regions else None)
        if code is None:
            return None, None
        node = snap.region(code)
        if node.level == "township":
            township = node.code
        elif node.level == "county":
            county = node.code
        else:
            return None, None
    county_node = None
    if county is not None:
        county_node = snap.region(county, field="county")
        if county_node.level != "county":
            raise NotFound("region", f"县(市、区) {county}", field="county")
    township_node = None
    if township is not None:
        township_node = snap.region(township, field="township")
        parent = township_node.parent_code
        if county_node is None and parent is not None:
            county_node = snap.regions[parent]
        elif county_node is not None and parent != county_node.code:
            township_node = None  # a township left over from another county: start again
    return county_node, township_node


@router.get("/nearby")
async def nearby_page(
    request: Request,
    snap: CatalogueDep,
    engine: EngineDep,
    now: NowDep,
    county: CountyParam = None,
    township: TownshipParam = None,
    region: RegionParam = None,
    lat: LatParam = None,
    lng: LngParam = None,
    coordtype: CoordParam = None,
    radius_m: RadiusParam = None,
    limit: LimitParam = None,
    type: TypesParam = None,
    service: ServiceParam = None,
    inclusive: FlagParam = None,
    open_now: FlagParam = None,
) -> Response:
    """附近办理点：先选县(市、区)再选乡镇/街道（不需要 JavaScript），或用手机定位。"""
    prefs = read_prefs(request)
    ctx = _shell(snap, prefs)
    if (lat is None) != (lng is None):
        missing = "lng" if lng is None else "lat"
        raise geo.NearbyInputError("invalid_coordinates", "纬度和经度需要同时提供", missing)
    types = _types(type)
    if service is not None and service not in snap.services:
        raise NotFound("service", f"服务 {service}", field="service")
    filters: dict[str, Any] = {
        "type": list(types),
        "service": service,
        "inclusive": "true" if inclusive else None,
        "open_now": "true" if open_now else None,
        "radius_m": int(radius_m) if radius_m is not None else None,
        "limit": limit,
    }
    by_location = lat is not None and lng is not None
    county_node, township_node = (None, None)
    seat = None
    if not by_location:
        county_node, township_node = _chosen_place(snap, prefs, county, township, region)
        chosen = township_node or county_node
        seat = view.seat_for(snap, chosen.code) if chosen else None
    point: tuple[float, float, CoordType] | None = None
    if lat is not None and lng is not None:
        point = (lat, lng, coordtype or CoordType.WGS84)
    elif seat is not None:
        point = (seat.lat, seat.lng, CoordType.GCJ02)  # region seats are stored in GCJ-02
    body = None
    unplaced = 0
    if point is not None:
        params = geo.NearbyParams(
            lat=point[0],
            lng=point[1],
            coordtype=point[2],
            radius_m=radius_m,
            limit=limit or NEARBY_LIMIT,
            types=types,
            service=service,
            inclusive=True if inclusive else None,
            open_now=bool(open_now),
        )
        body = await geo.find_nearby(search_service(request), snap, params, now)
        body["items"] = view.with_distance_labels(body["items"])
    if county_node is not None:
        unplaced = await run_in_threadpool(
            view.count_unplaced,
            engine,
            snap,
            directory.ProviderFilters(
                types, service, county_node.code, True if inclusive else None
            ),
        )
    place = {
        "county": county_node.code if county_node else None,
        "township": township_node.code if township_node else None,
    }
    ctx.update(
        groups=view.county_groups(snap),
        county=county_node.ref if county_node else None,
        township=township_node.ref if township_node else None,
        townships=view.townships_of(snap, county_node) if county_node else [],
        seat=seat,
        by_location=by_location,
        location=(
            {"lat": lat, "lng": lng, "coordtype": (coordtype or CoordType.WGS84).value}
            if by_location
            else None
        ),
        filters=filters,
        service=snap.services[service] if service else None,
        types=PROVIDER_TYPES,
        radius_choices=RADIUS_CHOICES,
        limit_choices=sorted({*LIMIT_CHOICES, limit or NEARBY_LIMIT}),
        default_limit=NEARBY_LIMIT,
        result=body,
        unplaced=unplaced,
        unplaced_url=_unplaced_url(county_node, types, service, inclusive),
        place=place,
    )
    if by_location:
        # The elder-mode toggle links back here: a location never goes into another address.
        ctx["here"] = "/nearby" + _query(filters)
    response = render(request, "nearby/index.html", ctx, json_url=_nearby_json_url(point, filters))
    if by_location:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _query(params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "", [])}
    return "?" + urlencode(clean, doseq=True) if clean else ""


def _unplaced_url(
    county: RegionNode | None, types: tuple[str, ...], service: str | None, inclusive: bool | None
) -> str | None:
    if county is None:
        return None
    params = {
        "region": county.code,
        "type": list(types),
        "service": service,
        "inclusive": "true" if inclusive else None,
    }
    return "/providers" + _query(params)


def _nearby_json_url(point: tuple[float, float, CoordType] | None, filters: dict[str, Any]) -> str:
    if point is None:
        return "/api/v1/regions?level=county&limit=100"
    lat, lng, coordtype = point
    params = {"lat": f"{lat:.6f}", "lng": f"{lng:.6f}", "coordtype": coordtype.value, **filters}
    return "/api/v1/providers/nearby" + _query(params)


async def service_section(
    request: Request,
    snap: Snapshot,
    engine: Engine,
    code: str,
    region: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """ "附近办理点" on a service page: nearest to the chosen county's (or township's) seat.

    Above county level there is no one place to measure from, so the section lists providers
    in the region instead. A search backend that is down leaves the rest of the page intact.
    """
    chosen = snap.region(region)
    county = view.county_of(snap, region)
    seat = view.seat_for(snap, region) if county is not None else None
    section: dict[str, Any] = {
        "items": [],
        "by_distance": False,
        "seat": seat,
        "chosen": chosen.ref,
        "county": county.ref if county else None,
        "unplaced": 0,
        "unplaced_url": _unplaced_url(county, (), code, None),
        "unavailable": False,
        "listed_total": 0,
        "more_url": "/nearby" + _query({"service": code, "region": region}),
    }
    if seat is not None:
        params = geo.NearbyParams(
            lat=seat.lat,
            lng=seat.lng,
            coordtype=CoordType.GCJ02,
            limit=SERVICE_SECTION_LIMIT,
            service=code,
        )
        try:
            body = await geo.find_nearby(search_service(request), snap, params, now)
        except SearchDown:
            section["unavailable"] = True
        else:
            section["items"] = view.with_distance_labels(body["items"])
            section["by_distance"] = bool(body["items"])
    if not section["items"]:
        # Nothing with a point (or no seat): list what the region has, located or not.
        listed = await run_in_threadpool(
            view.list_page,
            engine,
            snap,
            directory.ProviderFilters(service=code, region=(county or chosen).code),
            SERVICE_SECTION_LIMIT,
            now,
        )
        section["items"] = listed["items"]
        section["listed_total"] = listed["total"]
    if county is not None:
        section["unplaced"] = await run_in_threadpool(
            view.count_unplaced,
            engine,
            snap,
            directory.ProviderFilters(service=code, region=county.code),
        )
    return section
