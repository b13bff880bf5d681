"""API root, liveness and readiness."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import Field
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, func, select
from starlette.concurrency import run_in_threadpool

import app
from app import migrate
from app.deps import SessionDep
from app.domain import PROVIDER_TYPES
from app.models import DatasetMeta, StandardEdition
from app.models.provider import Location
from app.responses import json_response
from app.schemas import Out
from app.search.base import SearchUnavailable
from app.search.service import SearchService
from app.seeding import SEED_HASH_KEY, SEEDED_AT_KEY

router = APIRouter(tags=["meta"])


class EditionOut(Out):
    """国家基本公共服务标准的版本。"""

    code: str = Field(description="版本，如 2023")
    title: str = Field(description="标准名称")
    doc_no: str | None = Field(description="文号")
    valid_from: dt.date = Field(description="生效日期")
    valid_to: dt.date | None = Field(description="被取代日期；null 表示现行")


class DataInfo(Out):
    """数据版本信息。"""

    editions: list[EditionOut] = Field(description="收录的标准版本")
    seeded_at: str | None = Field(description="种子数据载入时间（ISO 8601）")
    seed_sha256: str | None = Field(description="种子数据指纹")


class ApiRoot(Out):
    """API 入口。"""

    name: str = Field(description="服务名称")
    version: str = Field(description="软件版本")
    links: dict[str, str] = Field(description="主要资源的地址")
    data: DataInfo = Field(description="数据版本与日期")
    provider_types: dict[str, str] = Field(description="办理点类型代码及中文名（type 参数的取值）")
    sample_providers: int = Field(
        description="当前载入的程序生成示例办理点数量；大于 0 时为演示模式，示例记录 sample 为 true"
    )


class Check(Out):
    """单项检查结果。"""

    status: Literal["pass", "warn", "fail"] = Field(description="pass 正常；warn 降级；fail 异常")
    detail: str | None = Field(default=None, description="说明")


class Health(Out):
    """健康检查结果。"""

    status: Literal["pass", "warn", "fail"] = Field(description="总体状态")
    checks: dict[str, Check] = Field(default_factory=dict, description="各项检查")


@router.get("", summary="API 入口：版本、链接和数据日期", response_model=ApiRoot)
def api_root(session: SessionDep) -> Response:
    """返回软件版本、各资源链接，以及收录的国家标准版本和种子数据载入时间。"""
    meta = {m.key: m.value for m in session.exec(select(DatasetMeta))}
    editions = session.exec(select(StandardEdition).order_by(col(StandardEdition.code)))
    base = "/api/v1"
    payload = ApiRoot(
        name="黔服 qianfu — 贵州省公共服务目录",
        version=app.__version__,
        links={
            "self": base,
            "openapi": f"{base}/openapi.json",
            "health": f"{base}/healthz",
            "ready": f"{base}/readyz",
            "areas": f"{base}/areas",
            "categories": f"{base}/categories",
            "life_events": f"{base}/life-events",
            "services": f"{base}/services",
            "regions": f"{base}/regions",
            "search": f"{base}/search",
            "providers": f"{base}/providers",
            "providers_nearby": f"{base}/providers/nearby",
            "html": "/",
        },
        data=DataInfo(
            editions=[
                EditionOut(
                    code=e.code,
                    title=e.title,
                    doc_no=e.doc_no,
                    valid_from=e.valid_from,
                    valid_to=e.valid_to,
                )
                for e in editions
            ],
            seeded_at=meta.get(SEEDED_AT_KEY),
            seed_sha256=meta.get(SEED_HASH_KEY),
        ),
        provider_types=dict(PROVIDER_TYPES),
        sample_providers=session.exec(
            select(func.count()).select_from(Location).where(col(Location.sample).is_(True))
        ).one(),
    )
    return json_response(payload)


@router.get("/healthz", summary="存活检查", response_model=Health)
async def healthz() -> Response:
    """进程存活即返回 pass，不检查数据库等依赖。"""
    # async: nothing here waits, and a sync route costs a worker-thread hop (0.57 ms a call
    # in-process, measured), which a liveness probe under load should not pay
    return json_response(Health(status="pass"), no_store=True)


@router.get(
    "/readyz",
    summary="就绪检查",
    response_model=Health,
    responses={503: {"model": Health, "description": "未就绪"}},
)
async def readyz(request: Request) -> Response:
    """数据库可连接、结构为最新版本、种子数据已载入；搜索引擎可用且索引与目录同步。

    数据库任何一项失败返回 503；搜索不可用只记为 warn（其余功能照常，可配置回退到内置搜索）。
    """
    engine: Engine = request.app.state.engine
    checks = await run_in_threadpool(_database_checks, engine)
    if checks["database"].status == "pass":
        checks["search"] = await _search_check(request)
    failed = any(c.status == "fail" for c in checks.values())
    warned = any(c.status == "warn" for c in checks.values())
    status: Literal["pass", "warn", "fail"] = "fail" if failed else "warn" if warned else "pass"
    return json_response(
        Health(status=status, checks=checks), status_code=503 if failed else 200, no_store=True
    )


def _database_checks(engine: Engine) -> dict[str, Check]:
    checks: dict[str, Check] = {}
    try:
        with Session(engine) as session:
            session.exec(select(text("1"))).one()
            checks["database"] = Check(status="pass")
            current = migrate.is_current(engine)
            checks["migrations"] = Check(
                status="pass" if current else "fail",
                detail=None if current else "数据库结构不是最新版本",
            )
            seeded = session.get(DatasetMeta, SEED_HASH_KEY) is not None
            checks["seed"] = Check(
                status="pass" if seeded else "fail", detail=None if seeded else "尚未载入种子数据"
            )
    except SQLAlchemyError:
        checks["database"] = Check(status="fail", detail="数据库不可用")
    return checks


async def _search_check(request: Request) -> Check:
    service: SearchService = request.app.state.search
    backend = service.backend
    if not await backend.healthy():
        return Check(status="warn", detail=f"搜索引擎 {backend.name} 不可用")
    snapshot = await request.app.state.snapshots.get()
    try:
        indexed = {await backend.indexed_version(name) for name in ("services", "providers")}
    except SearchUnavailable:
        return Check(status="warn", detail=f"搜索引擎 {backend.name} 不可用")
    if indexed != {snapshot.version}:
        return Check(status="warn", detail="搜索索引落后于服务目录，请运行 qianfu reindex")
    return Check(status="pass", detail=backend.name)
