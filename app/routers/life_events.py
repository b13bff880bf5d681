"""Life events (人生事项) with service counts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.catalogue import services as catalogue
from app.deps import DEFAULT_REGION, AsOfQuery, CatalogueDep, RegionQuery, SettingsDep, today
from app.responses import CACHED_RESPONSES, cached_json
from app.schemas import LifeEventOut, ListOf

router = APIRouter(tags=["catalogue"], responses=CACHED_RESPONSES)


@router.get("/life-events", summary="人生事项及服务数", response_model=ListOf[LifeEventOut])
def list_life_events(
    request: Request,
    snap: CatalogueDep,
    settings: SettingsDep,
    region: RegionQuery = DEFAULT_REGION,
    as_of: AsOfQuery = None,
) -> Response:
    """生育、上学、就业创业、就医、养老等人生事项，附该地区、该日期可见的服务数。"""
    items = catalogue.life_event_counts(snap, region, as_of or today())
    return cached_json(request, ListOf[LifeEventOut](items=items), max_age=settings.cache_max_age)
