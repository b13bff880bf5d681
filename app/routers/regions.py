"""Regions: list, detail and children."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from app.catalogue import regions as catalogue
from app.catalogue.pagination import DEFAULT_LIMIT
from app.deps import REGION_CODE_PATTERN, CatalogueDep, CursorQuery, LimitQuery, SettingsDep
from app.responses import CACHED_RESPONSES, cached_json
from app.schemas import Page, RegionOut

router = APIRouter(prefix="/regions", tags=["regions"], responses=CACHED_RESPONSES)

RegionPath = Annotated[
    str, Path(pattern=REGION_CODE_PATTERN, description="区划代码（6位）或乡镇/街道代码（9位）")
]
LevelQuery = Annotated[
    Literal["province", "prefecture", "county", "township"] | None,
    Query(
        description="层级：province 省、prefecture 市(州)、county 县(市、区)、township 乡镇(街道)"
    ),
]
ParentQuery = Annotated[
    str | None, Query(pattern=REGION_CODE_PATTERN, description="只列出该地区的直接下级")
]


@router.get("", summary="地区列表", response_model=Page[RegionOut])
def list_regions(
    request: Request,
    snap: CatalogueDep,
    settings: SettingsDep,
    level: LevelQuery = None,
    parent: ParentQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Response:
    """贵州省、9个市(州)、88个县级区划和1510个乡镇/街道，按代码排序分页。"""
    page = catalogue.list_regions(snap, level=level, parent=parent, limit=limit, cursor=cursor)
    return cached_json(request, page, max_age=settings.cache_max_age)


@router.get("/{code}", summary="地区详情", response_model=RegionOut)
def get_region(
    request: Request, snap: CatalogueDep, settings: SettingsDep, code: RegionPath
) -> Response:
    """地区名称、层级、上级、政府驻地坐标（GCJ-02，未知为 null）和数据来源。"""
    return cached_json(request, catalogue.region_detail(snap, code), max_age=settings.cache_max_age)


@router.get("/{code}/children", summary="下级地区", response_model=Page[RegionOut])
def list_children(
    request: Request,
    snap: CatalogueDep,
    settings: SettingsDep,
    code: RegionPath,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Response:
    """某地区的直接下级：省→市(州)→县→乡镇/街道。"""
    snap.region(code, field="code")
    page = catalogue.list_regions(snap, level=None, parent=code, limit=limit, cursor=cursor)
    return cached_json(request, page, max_age=settings.cache_max_age)
