"""HTML pages. Each calls the same catalogue functions as its JSON twin and links to it."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.catalogue import regions as region_queries
from app.catalogue import services as catalogue
from app.catalogue.pagination import DEFAULT_LIMIT
from app.catalogue.snapshot import Snapshot
from app.deps import REGION_CODE_PATTERN, SLUG_QUERY_PATTERN, CatalogueDep, NowDep, today
from app.domain import FIELD_KINDS, PROVINCE_CODE, Tier
from app.errors import NotFound
from app.pages.render import ELDER_COOKIE, REGION_COOKIE, Prefs, read_prefs, render
from app.routers.areas import AreaQuery
from app.routers.eligibility import attach_conditions
from app.routers.provider_pages import EngineDep, service_section
from app.routers.services import CategoryQuery, EditionQuery, LifeEventQuery, TierQuery
from app.schemas import RegionRef, ServiceDetail

router = APIRouter(include_in_schema=False)

CursorParam = Annotated[str | None, Query(max_length=200)]
Slug = Annotated[str, Path(pattern=SLUG_QUERY_PATTERN, max_length=64)]
RegionPath = Annotated[str, Path(pattern=REGION_CODE_PATTERN)]
COOKIE_MAX_AGE = 365 * 24 * 3600


def _page_region(snap: Snapshot, prefs: Prefs) -> tuple[Prefs, list[RegionRef]]:
    """The visitor's region chain.

    A stale cookie falls back to the province; an unknown ``?region=`` is a 404.
    """
    try:
        chain = snap.chain(prefs.region)
    except NotFound:
        if prefs.region_from_query:
            raise
        prefs = Prefs(PROVINCE_CODE, False, prefs.elder)
        chain = snap.chain(PROVINCE_CODE)
    return prefs, [node.ref for node in chain]


def _base(snap: Snapshot, request: Request) -> dict[str, Any]:
    prefs, chain = _page_region(snap, read_prefs(request))
    return {"prefs": prefs, "region": chain[0], "region_chain": chain}


@router.get("/")
def home(request: Request, snap: CatalogueDep) -> Response:
    """首页：九个领域和人生事项。"""
    ctx = _base(snap, request)
    region = ctx["prefs"].region
    as_of = today()
    ctx.update(
        areas=catalogue.area_counts(snap, region, as_of),
        life_events=catalogue.life_event_counts(snap, region, as_of),
    )
    return render(request, "index.html", ctx, json_url=f"/api/v1/areas?region={region}")


@router.get("/areas/{code}")
def area_page(request: Request, snap: CatalogueDep, code: Slug) -> Response:
    """一个领域：按大类列出服务。"""
    ctx = _base(snap, request)
    region = ctx["prefs"].region
    area = catalogue.get_area(snap, code)
    filters = catalogue.ServiceFilters(as_of=today(), region=region, area=code)
    services = catalogue.list_services(snap, filters, limit=100, cursor=None).items
    categories = catalogue.category_counts(snap, region, filters.as_of, code)
    groups = [
        (c, [s for s in services if s.category and s.category.code == c.code]) for c in categories
    ]
    others = [s for s in services if s.category is None]
    ctx.update(area=area, groups=groups, others=others)
    return render(
        request, "areas/detail.html", ctx, json_url=f"/api/v1/services?area={code}&region={region}"
    )


@router.get("/services")
def services_page(
    request: Request,
    snap: CatalogueDep,
    area: AreaQuery = None,
    category: CategoryQuery = None,
    tier: TierQuery = None,
    life_event: LifeEventQuery = None,
    edition: EditionQuery = None,
    cursor: CursorParam = None,
) -> Response:
    """全部服务，可按层级、领域、人生事项、标准版本筛选。"""
    ctx = _base(snap, request)
    region = ctx["prefs"].region
    filters = catalogue.ServiceFilters(
        as_of=today(),
        region=region,
        area=area,
        category=category,
        tier=tier,
        life_event=life_event,
        edition=edition,
    )
    page = catalogue.list_services(snap, filters, limit=DEFAULT_LIMIT, cursor=cursor)
    params = {
        "area": area,
        "category": category,
        "tier": tier.value if tier else None,
        "life_event": life_event,
        "edition": edition,
    }
    active = {k: v for k, v in params.items() if v}
    ctx.update(
        page=page,
        params=active,
        tiers=list(Tier),
        areas=catalogue.area_counts(snap, region, filters.as_of),
        life_events=catalogue.life_event_counts(snap, region, filters.as_of),
    )
    json_params = urlencode({**active, "region": region, **({"cursor": cursor} if cursor else {})})
    return render(request, "services/list.html", ctx, json_url=f"/api/v1/services?{json_params}")


@router.get("/services/{code}")
async def service_page(
    request: Request, snap: CatalogueDep, engine: EngineDep, now: NowDep, code: Slug
) -> Response:
    """一项服务的办事指南，按所选地区解析；附所选地区附近的办理点。"""
    ctx = _base(snap, request)
    region = ctx["prefs"].region
    detail = attach_conditions(
        request, snap, catalogue.service_detail(snap, code, region=region, as_of=today())
    )
    footnotes: dict[str, int] = {}
    for source in _all_cited(detail):
        footnotes.setdefault(source.id, len(footnotes) + 1)
    ctx.update(
        service=detail,
        footnotes=footnotes,
        sources=_unique_sources(detail),
        fields=FIELD_KINDS,
        nearby=await service_section(request, snap, engine, code, region, now),
    )
    return render(
        request, "services/detail.html", ctx, json_url=f"/api/v1/services/{code}?region={region}"
    )


def _all_cited(detail: ServiceDetail) -> list[Any]:
    cited = list(detail.sources)
    for ref in detail.standard:
        cited.extend(ref.sources)
    for value in detail.fields.values():
        cited.extend(value.sources)
    for amount in detail.amounts:
        cited.extend(amount.sources)
    return cited


def _unique_sources(detail: ServiceDetail) -> list[Any]:
    seen: dict[str, Any] = {}
    for source in _all_cited(detail):
        seen.setdefault(source.id, source)
    return list(seen.values())


@router.get("/life-events/{code}")
def life_event_page(request: Request, snap: CatalogueDep, code: Slug) -> Response:
    """一个人生事项下的服务。"""
    ctx = _base(snap, request)
    region = ctx["prefs"].region
    event = catalogue.get_life_event(snap, code)
    filters = catalogue.ServiceFilters(as_of=today(), region=region, life_event=code)
    ctx.update(
        event=event,
        services=catalogue.list_services(snap, filters, limit=100, cursor=None).items,
    )
    return render(
        request,
        "life_events/detail.html",
        ctx,
        json_url=f"/api/v1/services?life_event={code}&region={region}",
    )


@router.get("/regions")
def regions_page(request: Request, snap: CatalogueDep) -> Response:
    """选择地区：列出各市(州)。"""
    return _region_page(request, snap, PROVINCE_CODE)


@router.get("/regions/{code}")
def region_page(request: Request, snap: CatalogueDep, code: RegionPath) -> Response:
    """选择地区：某地区及其下级。"""
    return _region_page(request, snap, code)


def _region_page(request: Request, snap: Snapshot, code: str) -> Response:
    ctx = _base(snap, request)
    shown = region_queries.region_detail(snap, code)
    chain = [node.ref for node in snap.chain(code, field="code")]
    children = [
        region_queries.region_out(snap, snap.regions[c]) for c in snap.regions[code].children
    ]
    ctx.update(shown=shown, shown_chain=list(reversed(chain)), children=children)
    return render(request, "regions/picker.html", ctx, json_url=f"/api/v1/regions/{code}")


@router.get("/about")
def about_page(request: Request, snap: CatalogueDep) -> Response:
    """数据来源、核实状态说明和许可。"""
    ctx = _base(snap, request)
    ctx.update(
        sources=list(snap.sources.values()), editions=list(snap.editions.values()), today=today()
    )
    return render(request, "about.html", ctx, json_url="/api/v1")


def _safe_next(value: str | None) -> str:
    """Only same-site paths: one leading slash, no scheme, no backslash tricks."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


@router.get("/preferences")
def set_preferences(
    request: Request,
    snap: CatalogueDep,
    region: Annotated[str | None, Query(pattern=REGION_CODE_PATTERN)] = None,
    elder: Annotated[int | None, Query(ge=0, le=1)] = None,
    next: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """保存地区和长辈版设置（Cookie），然后回到原页面；不需要 JavaScript。"""
    target = _safe_next(next)
    if region is not None:
        snap.region(region)
        target = _drop_region_param(target)
    response = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https"
    if region is not None:
        response.set_cookie(
            REGION_COOKIE,
            region,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=secure,
        )
    if elder is not None:
        response.set_cookie(
            ELDER_COOKIE,
            str(elder),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=secure,
        )
    return response


def _drop_region_param(path: str) -> str:
    """A chosen region replaces any ``region=`` left in the page address."""
    base, _, query = path.partition("?")
    kept = [p for p in query.split("&") if p and not p.startswith("region=")]
    return base + ("?" + "&".join(kept) if kept else "")
