"""Dependencies and shared, fully declared query parameters (OpenAPI shows every rule)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator
from sqlalchemy import Engine
from sqlmodel import Session

from app.catalogue.pagination import CURSOR_PATTERN, DEFAULT_LIMIT, MAX_LIMIT
from app.catalogue.snapshot import Snapshot, SnapshotCache
from app.domain import PROVINCE_CODE
from app.settings import Settings

CHINA_TZ = ZoneInfo("Asia/Shanghai")
REGION_CODE_PATTERN = r"^\d{6}(?:\d{3})?$"
SLUG_QUERY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


async def get_settings_dep(request: Request) -> Settings:
    """The settings the app was built with (async: a sync dependency costs a thread hop)."""
    settings: Settings = request.app.state.settings
    return settings


def engine_of(request: Request) -> Engine:
    """The app's database engine."""
    engine: Engine = request.app.state.engine
    return engine


async def get_engine(request: Request) -> Engine:
    """The engine as a dependency (async, like the settings: no thread hop)."""
    return engine_of(request)


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """One session per request, closed afterwards (reads only: nothing to commit)."""
    with Session(engine) as session:
        yield session


def today() -> dt.date:
    """Today's date in China (the catalogue's dates are Beijing dates)."""
    return dt.datetime.now(CHINA_TZ).date()


def china_now() -> dt.datetime:
    """The current moment in China: the app's clock unless a test pins another."""
    return dt.datetime.now(CHINA_TZ)


def clock_of(request: Request) -> dt.datetime:
    """The current moment by the app's clock (``app.state.clock``; tests pin it there)."""
    clock: Callable[[], dt.datetime] = request.app.state.clock
    return clock()


async def now(request: Request) -> dt.datetime:
    """The current moment in China, by the app's clock, as a dependency.

    Async so FastAPI calls it on the event loop: a sync dependency costs a thread hop.
    """
    return clock_of(request)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
NowDep = Annotated[dt.datetime, Depends(now)]
SessionDep = Annotated[Session, Depends(get_session)]


async def get_catalogue(request: Request) -> Snapshot:
    """The catalogue snapshot for the database's current version."""
    cache: SnapshotCache = request.app.state.snapshots
    return await cache.get()


CatalogueDep = Annotated[Snapshot, Depends(get_catalogue)]

RegionQuery = Annotated[
    str,
    Query(
        pattern=REGION_CODE_PATTERN,
        description="地区代码：6位县级以上区划代码或9位乡镇/街道代码，如 520102；"
        "默认贵州省 520000。服务和取值按 县→市(州)→省→国家 依次回退。",
        examples=["520102"],
    ),
]
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date_only(value: object) -> object:
    """Accept only ``YYYY-MM-DD`` text (pydantic would also read "0" as a Unix timestamp)."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("必须是 YYYY-MM-DD 格式的日期")
    return value


AsOfQuery = Annotated[
    dt.date | None,
    BeforeValidator(_iso_date_only),
    Query(description="查询日期（YYYY-MM-DD，北京时间）；默认今天。只显示该日有效的服务和取值。"),
]
LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"每页条数，1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}")
]
CursorQuery = Annotated[
    str | None,
    Query(
        pattern=CURSOR_PATTERN,
        max_length=200,
        description="分页游标：上一页响应中的 next_cursor；不传表示第一页",
    ),
]

DEFAULT_REGION = PROVINCE_CODE
