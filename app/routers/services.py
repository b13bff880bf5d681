"""Services: filtered list and detail resolved for a region and date."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from app.catalogue import services as catalogue
from app.catalogue.pagination import DEFAULT_LIMIT
from app.deps import (
    DEFAULT_REGION,
    SLUG_QUERY_PATTERN,
    AsOfQuery,
    CatalogueDep,
    CursorQuery,
    LimitQuery,
    RegionQuery,
    SettingsDep,
    today,
)
from app.domain import Tier
from app.responses import CACHED_RESPONSES, cached_json
from app.routers.areas import AreaQuery
from app.routers.eligibility import attach_conditions
from app.schemas import Page, ServiceDetail, ServiceSummary

router = APIRouter(prefix="/services", tags=["catalogue"], responses=CACHED_RESPONSES)

CATEGORY_PATTERN = r"^(0[1-9]|1\d|2[0-2])$"
CATEGORY_DESCRIPTION = "国家标准大类编号 01–22"
TIER_DESCRIPTION = "服务层级：basic 基本公共服务、inclusive 普惠性非基本公共服务、life 生活服务"
CategoryQuery = Annotated[
    str | None, Query(pattern=CATEGORY_PATTERN, description=CATEGORY_DESCRIPTION)
]
TierQuery = Annotated[Tier | None, Query(description=TIER_DESCRIPTION)]
LifeEventQuery = Annotated[
    str | None,
    Query(pattern=SLUG_QUERY_PATTERN, max_length=64, description="人生事项代码，如 birth、old-age"),
]
EditionQuery = Annotated[
    Literal["2021", "2023"] | None,
    Query(description="只列出对应该版国家标准条目的服务"),
]
ServiceCode = Annotated[
    str,
    Path(pattern=SLUG_QUERY_PATTERN, max_length=64, description="服务代码"),
]


@router.get("", summary="服务列表", response_model=Page[ServiceSummary])
def list_services(
    request: Request,
    snap: CatalogueDep,
    settings: SettingsDep,
    area: AreaQuery = None,
    category: CategoryQuery = None,
    tier: TierQuery = None,
    region: RegionQuery = DEFAULT_REGION,
    life_event: LifeEventQuery = None,
    edition: EditionQuery = None,
    as_of: AsOfQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Response:
    """按领域、大类、层级、地区、人生事项、标准版本筛选服务，按目录顺序分页。

    某县的本地服务只在该县（及其乡镇）可见；省级服务在全省可见。
    """
    filters = catalogue.ServiceFilters(
        as_of=as_of or today(),
        region=region,
        area=area,
        category=category,
        tier=tier,
        life_event=life_event,
        edition=edition,
    )
    page = catalogue.list_services(snap, filters, limit=limit, cursor=cursor)
    return cached_json(request, page, max_age=settings.cache_max_age)


@router.get("/{code}", summary="服务详情（按地区和日期解析）", response_model=ServiceDetail)
def get_service(
    request: Request,
    snap: CatalogueDep,
    settings: SettingsDep,
    code: ServiceCode,
    region: RegionQuery = DEFAULT_REGION,
    as_of: AsOfQuery = None,
) -> Response:
    """服务的国家标准五要素和办事指南各要素，按 县→市(州)→省→国家 回退解析。

    每个取值附出处和核实状态。

    没有来源的字段 value 为 null，页面显示“待核实”。有资格规则的服务在 eligibility 中列出申请条件。
    """
    detail = catalogue.service_detail(snap, code, region=region, as_of=as_of or today())
    detail = attach_conditions(request, snap, detail)
    return cached_json(request, detail, max_age=settings.cache_max_age)
