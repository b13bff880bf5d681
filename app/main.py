"""The application factory. Nothing is created at import time: call :func:`create_app`.

``uvicorn app.main:create_app --factory`` or ``qianfu serve`` build the app with settings
from the environment; tests pass their own :class:`~app.settings.Settings`.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig

import app as package
from app.access_log import install_access_log_redaction
from app.catalogue.snapshot import SnapshotCache
from app.db import make_engine
from app.deps import china_now
from app.http_errors import register_error_handlers
from app.middleware import RequestContextMiddleware
from app.pages.render import build_templates
from app.routers import (
    correction_pages,
    corrections,
    eligibility,
    eligibility_pages,
    include_api,
    pages,
    provider_pages,
    search_pages,
)
from app.search.embedded import EmbeddedBackend
from app.search.indexing import build_backend, build_fallback, prepare_text
from app.search.service import SearchService
from app.search.text import warm_up
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)

DESCRIPTION = """
黔服（qianfu）是贵州省公共服务目录的开放接口：按“七有两保障”九个领域列出基本公共服务、
普惠性非基本公共服务和生活服务，每条信息注明来源和核实状态。

* 所有地区参数使用 GB/T 2260 区划代码（6位）或乡镇/街道代码（9位）；服务和取值按
  县→市(州)→省→国家 回退解析。
* 没有可靠来源的内容为 `null`，页面显示“待核实”。
* 列表使用 `limit`（1–100）和 `cursor` 分页；目录读取支持 `ETag`/`If-None-Match`。
* 错误统一为 `{"error": {"code", "message", "field"}, "request_id"}`，`code` 稳定可依赖。
"""

TAGS = [
    {"name": "meta", "description": "入口、存活与就绪检查"},
    {"name": "catalogue", "description": "服务目录：领域、大类、人生事项、服务"},
    {"name": "regions", "description": "贵州省行政区划：省、市(州)、县、乡镇(街道)"},
    {"name": "search", "description": "搜索与输入提示：口语、繁体、拼音、首字母"},
    {"name": "eligibility", "description": "资格自测：问卷词汇、判断、下一个问题"},
    {"name": "providers", "description": "办理点：列表、详情、附近（位置不保存、不记录）"},
    {"name": "export", "description": "批量导出：办理点的 Open Referral HSDS 3.0 形式"},
    {"name": "editor", "description": "编辑接口：需要编辑令牌（Bearer）"},
]


NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    install_access_log_redaction()
    engine = make_engine(settings)

    synonyms = prepare_text(settings)
    search = SearchService(build_backend(settings, synonyms), synonyms, build_fallback(settings))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warm_up()
        for backend in (search.backend, search.fallback):
            if isinstance(backend, EmbeddedBackend):
                backend.warm()
        # What start-up loaded (indexes, jieba's dictionary) lives as long as the worker. Frozen,
        # the collector's full passes skip it instead of walking every index document in the
        # middle of some request: those passes were the 400 ms p99 in bench.providers at 50k.
        gc.freeze()
        yield
        await search.backend.aclose()
        if search.fallback is not None:
            await search.fallback.aclose()
        engine.dispose()

    application = FastAPI(
        title="黔服 qianfu — 贵州省公共服务目录 API",
        description=DESCRIPTION,
        version=package.__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # the Swagger UI loads scripts from a CDN; we serve no third-party code
        redoc_url=None,
        openapi_tags=TAGS,
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry spans would carry a nearby query's coordinates and
        # a resident's address (url.query, client.address) to any exporter set up in the
        # process; nothing here redacts them, so they stay off (and cost nothing per request).
        telemetry=NO_TELEMETRY,
    )
    application.state.settings = settings
    application.state.clock = china_now
    application.state.engine = engine
    application.state.templates = build_templates(settings)
    application.state.snapshots = SnapshotCache(engine, settings.catalogue_check_seconds)
    application.state.search = search

    if settings.cors_origins:
        application.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,  # never with a wildcard; the API uses no cookies
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "If-None-Match"],
            expose_headers=["ETag", "X-Request-ID"],
            max_age=600,
        )
    application.add_middleware(RequestContextMiddleware)
    register_error_handlers(application)
    eligibility.install(application, settings)
    corrections.install(application, settings)
    include_api(application)
    application.include_router(pages.router)
    application.include_router(search_pages.router)
    application.include_router(eligibility_pages.router)
    application.include_router(provider_pages.router)
    application.include_router(correction_pages.router)
    application.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    return application
