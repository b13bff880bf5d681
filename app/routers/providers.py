"""Providers: the directory list, one provider, and nearby queries (JSON API)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import Field

from app.catalogue.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.deps import (
    REGION_CODE_PATTERN,
    SLUG_QUERY_PATTERN,
    CatalogueDep,
    CursorQuery,
    LimitQuery,
    NowDep,
    SessionDep,
    clock_of,
    get_catalogue,
)
from app.domain import ProviderType
from app.geo.coords import CoordType
from app.providers import directory
from app.providers import nearby as geo
from app.query_model import QueryModel, query_dependency, query_openapi
from app.responses import ERROR_RESPONSES, orjson_response
from app.routers.search import SEARCH_RESPONSES, search_service
from app.routing import request_only
from app.schemas import ErrorBody

router = APIRouter(prefix="/providers", tags=["providers"])

TYPE_DESCRIPTION = "办理点类型代码，可重复，如 type=childcare&type=kindergarten（见 /api/v1）"
SERVICE_DESCRIPTION = "只列出办理该服务的办理点"
REGION_DESCRIPTION = "地区代码（含下级地区），如 520102"
INCLUSIVE_DESCRIPTION = "true 只要普惠性机构"
COORDTYPE_DESCRIPTION = (
    "坐标系：wgs84（GPS，默认）、gcj02（微信、高德、腾讯）、bd09（百度）；"
    "输入和输出的坐标都用这个坐标系"
)
TypeQuery = Annotated[list[ProviderType] | None, Query(max_length=10, description=TYPE_DESCRIPTION)]
ServiceQuery = Annotated[
    str | None,
    Query(pattern=SLUG_QUERY_PATTERN, max_length=64, description=SERVICE_DESCRIPTION),
]
RegionFilter = Annotated[
    str | None, Query(pattern=REGION_CODE_PATTERN, description=REGION_DESCRIPTION)
]
InclusiveQuery = Annotated[bool | None, Query(description=INCLUSIVE_DESCRIPTION)]
CoordTypeQuery = Annotated[CoordType, Query(description=COORDTYPE_DESCRIPTION)]
ProviderId = Annotated[
    str, Path(pattern=SLUG_QUERY_PATTERN, max_length=64, description="办理点编号")
]
NEARBY_RESPONSES: dict[int | str, dict[str, Any]] = {
    **SEARCH_RESPONSES,
    422: {
        "model": ErrorBody,
        "description": "经纬度超出范围或不是有限数字（invalid_coordinates）、未知坐标系"
        "（invalid_coordtype）、半径不合法（invalid_radius）、条数越界、未知类型（unknown_type）"
        "；错误信息不回显所填坐标",
    },
}


def _types(values: list[ProviderType] | None) -> tuple[str, ...]:
    return tuple(v.value for v in values or ())


@router.get("", summary="办理点列表", responses=ERROR_RESPONSES)
def list_providers(
    snap: CatalogueDep,
    session: SessionDep,
    now: NowDep,
    type: TypeQuery = None,
    service: ServiceQuery = None,
    region: RegionFilter = None,
    inclusive: InclusiveQuery = None,
    sample: Annotated[
        bool | None, Query(description="true 只看示例数据，false 只看真实记录")
    ] = None,
    coordtype: CoordTypeQuery = CoordType.WGS84,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Response:
    """按类型、服务、地区（含下级）、普惠筛选办理点，按编号分页。

    没有坐标的办理点 location 为 null（“位置待核实”）；示例数据 sample 为 true。
    """
    filters = directory.ProviderFilters(_types(type), service, region, inclusive, sample)
    page = directory.list_providers(
        session, snap, filters, limit=limit, cursor=cursor, now=now, coordtype=coordtype
    )
    return orjson_response(page, cache_control="public, max-age=60")


class NearbyQuery(QueryModel):
    """附近查询的参数（一次校验，见 app.query_model）。"""

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, description="纬度（按 coordtype）")
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False, description="经度（按 coordtype）")
    coordtype: CoordType = Field(default=CoordType.WGS84, description=COORDTYPE_DESCRIPTION)
    radius_m: float | None = Field(
        default=None,
        gt=0,
        le=geo.MAX_RADIUS_M,
        allow_inf_nan=False,
        description=f"半径（米），不超过 {int(geo.MAX_RADIUS_M)}；不传则返回最近的 limit 个",
    )
    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"最多返回条数，1–{MAX_LIMIT}"
    )
    type: list[ProviderType] | None = Field(
        default=None, max_length=10, description=TYPE_DESCRIPTION
    )
    service: str | None = Field(
        default=None,
        pattern=SLUG_QUERY_PATTERN,
        max_length=64,
        description=SERVICE_DESCRIPTION,
    )
    region: str | None = Field(
        default=None, pattern=REGION_CODE_PATTERN, description=REGION_DESCRIPTION
    )
    inclusive: bool | None = Field(default=None, description=INCLUSIVE_DESCRIPTION)
    accessible: bool | None = Field(default=None, description="true 只要有无障碍设施的")
    language: str | None = Field(
        default=None, min_length=1, max_length=10, description="服务语言，如 苗语"
    )
    open_now: bool = Field(default=False, description="true 只要现在开放的")


parse_nearby_query = query_dependency(NearbyQuery)


@request_only(
    router,
    "/nearby",
    methods=["GET"],
    summary="附近的办理点",
    responses=NEARBY_RESPONSES,
    openapi_extra=query_openapi(NearbyQuery),
)
async def nearby(request: Request) -> Response:
    """按距离由近到远返回办理点（距离为整数米，相同距离按编号排序），附“现在是否开放/何时开放”。

    位置只用于本次查询：不保存，访问日志不记录查询参数。所给位置在贵州省外时照常查询，
    并在 note 中说明。
    """
    # Inputs read in the body, not declared as dependencies: a busiest route (why and what it
    # costs: app.query_model.query_dependency). The OpenAPI lists every parameter all the same.
    query = await parse_nearby_query(request)
    snap = await get_catalogue(request)
    now = clock_of(request)
    params = geo.NearbyParams(
        lat=query.lat,
        lng=query.lng,
        coordtype=query.coordtype,
        radius_m=query.radius_m,
        limit=query.limit,
        types=_types(query.type),
        service=query.service,
        region=query.region,
        inclusive=query.inclusive,
        accessible=query.accessible,
        language=query.language,
        open_now=query.open_now,
    )
    found = await geo.nearby_answer(search_service(request), snap, params, now)
    return orjson_response(found.json_body(), cache_control="private, no-store")


@router.get("/{provider_id}", summary="办理点详情", responses=ERROR_RESPONSES)
def get_provider(
    snap: CatalogueDep,
    session: SessionDep,
    now: NowDep,
    provider_id: ProviderId,
    coordtype: CoordTypeQuery = CoordType.WGS84,
) -> Response:
    """地址、坐标（按 coordtype）、电话、开放时间（含节假日和调休）、导航链接、来源和核实日期。"""
    body = directory.provider_detail(session, snap, provider_id, now=now, coordtype=coordtype)
    return orjson_response(body, cache_control="public, max-age=60")
