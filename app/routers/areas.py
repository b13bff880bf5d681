"""Areas (七有两保障) and categories (大类) with service counts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.catalogue import services as catalogue
from app.deps import DEFAULT_REGION, AsOfQuery, CatalogueDep, RegionQuery, SettingsDep, today
from app.responses import CACHED_RESPONSES, cached_json
from app.schemas import AreaOut, CategoryOut, ListOf

router = APIRouter(tags=["catalogue"], responses=CACHED_RESPONSES)

AreaCode = Literal[
    "early-childhood",
    "education",
    "employment",
    "healthcare",
    "elderly",
    "housing",
    "vulnerable",
    "veterans",
    "culture-sports",
]
AREA_DESCRIPTION = (
    "七有两保障领域代码：early-childhood 幼有所育、education 学有所教、employment 劳有所得、"
    "healthcare 病有所医、elderly 老有所养、housing 住有所居、vulnerable 弱有所扶、"
    "veterans 优军服务保障、culture-sports 文体服务保障"
)
AreaQuery = Annotated[AreaCode | None, Query(description=AREA_DESCRIPTION)]


@router.get("/areas", summary="七有两保障领域及服务数", response_model=ListOf[AreaOut])
def list_areas(
    request: Request,
    snap: CatalogueDep,
    settings: SettingsDep,
    region: RegionQuery = DEFAULT_REGION,
    as_of: AsOfQuery = None,
) -> Response:
    """九个领域，附该地区、该日期可见的服务数。"""
    items = catalogue.area_counts(snap, region, as_of or today())
    return cached_json(request, ListOf[AreaOut](items=items), max_age=settings.cache_max_age)


@router.get("/categories", summary="国家标准大类及服务数", response_model=ListOf[CategoryOut])
def list_categories(
    request: Request,
    snap: CatalogueDep,
    settings: SettingsDep,
    area: AreaQuery = None,
    region: RegionQuery = DEFAULT_REGION,
    as_of: AsOfQuery = None,
) -> Response:
    """国家基本公共服务标准的22个大类（可按领域筛选），附可见服务数。"""
    items = catalogue.category_counts(snap, region, as_of or today(), area)
    return cached_json(request, ListOf[CategoryOut](items=items), max_age=settings.cache_max_age)
