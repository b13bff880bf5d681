"""Correction reports (“信息有误？”) in the JSON API, and the editors' authenticated queue.

Submitting needs no account and stores no personal data; it is rate-limited per client in
memory (:class:`~app.providers.corrections.ReportLimiter`). Listing needs the editor token as
a Bearer token; with no token configured the editor endpoints are off (403).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from app.catalogue.pagination import DEFAULT_LIMIT
from app.deps import CursorQuery, LimitQuery, NowDep, SessionDep, SettingsDep, engine_of
from app.errors import QianfuError
from app.http_errors import error_response
from app.providers.corrections import (
    CorrectionCreated,
    CorrectionIn,
    ReportLimiter,
    ReportLimitExceeded,
    ReportStatus,
    list_reports,
    require_location,
    set_report_status,
    store_report,
)
from app.responses import orjson_response
from app.routers.providers import ProviderId
from app.schemas import ErrorBody
from app.settings import Settings

router = APIRouter()
_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="editor_token",
    description="编辑令牌（QIANFU_EDITOR_TOKEN），以 Authorization: Bearer <令牌> 发送",
)


class EditorAccessDenied(QianfuError):
    """No editor access: the endpoints are off (403) or the token is missing or wrong (401)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)
        self.status = status


def client_of(request: Request) -> str:
    """The client address the rate limit counts (hashed inside the limiter, never stored)."""
    return request.client.host if request.client else "unknown"


def limiter_of(request: Request) -> ReportLimiter:
    """The app's correction-report limiter."""
    limiter: ReportLimiter = request.app.state.correction_limiter
    return limiter


def require_editor(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Let the request through only with the configured editor token."""
    expected = settings.editor_token
    if not expected:
        raise EditorAccessDenied(403, "editor_disabled", "编辑接口未启用")
    given = credentials.credentials if credentials is not None else ""
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise EditorAccessDenied(401, "unauthorized", "缺少编辑令牌或令牌不正确")


_SUBMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "请求体无法解析（不是 UTF-8 编码的 JSON）"},
    404: {"model": ErrorBody, "description": "办理点不存在（provider_not_found）"},
    422: {
        "model": ErrorBody,
        "description": "未知的问题类型、说明为空或超过 500 字、多余字段（不回显所填内容）",
    },
    429: {
        "model": ErrorBody,
        "description": "同一来源每小时提交次数超过上限（too_many_reports）；Retry-After 为秒数",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "秒"}},
    },
}


@router.post(
    "/providers/{provider_id}/corrections",
    summary="报告办理点信息有误",
    tags=["providers"],
    status_code=201,
    responses=_SUBMIT_RESPONSES,
)
def submit_correction(
    request: Request,
    provider_id: ProviderId,
    report: CorrectionIn,
    now: NowDep,
) -> CorrectionCreated:
    """提交“信息有误？”报告：问题类型和说明（最多 500 字），不需要也不保存任何个人信息。

    不记录 IP 地址和设备信息；说明中的手机号、身份证号会被隐去。每个来源每小时最多提交
    若干次（QIANFU_CORRECTION_REPORTS_PER_HOUR，默认 5），超过时返回 429。
    """
    engine = engine_of(request)
    require_location(engine, provider_id)
    limiter_of(request).hit(client_of(request))
    return store_report(engine, provider_id, report, now)


class ProviderRefOut(BaseModel):
    """The provider a report is about."""

    id: str
    name: str | None = Field(description="办理点现在的名称；已不在目录中时为 null")
    url: str | None


class TopicOut(BaseModel):
    """A report topic."""

    code: str
    name: str


class CorrectionReportOut(BaseModel):
    """One report in the editors' queue."""

    id: int
    provider: ProviderRefOut
    topic: TopicOut
    message: str
    created_at: dt.datetime = Field(description="提交时间（UTC）")
    status: str


class CorrectionPage(BaseModel):
    """A page of reports."""

    items: list[CorrectionReportOut]
    next_cursor: str | None
    total: int


_EDITOR_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": CorrectionPage},
    400: {"model": ErrorBody, "description": "分页游标无效"},
    401: {
        "model": ErrorBody,
        "description": "缺少编辑令牌或令牌不正确（unauthorized）",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
    },
    403: {"model": ErrorBody, "description": "未设置 QIANFU_EDITOR_TOKEN，编辑接口未启用"},
    422: {"model": ErrorBody, "description": "参数格式或取值不合法"},
}


@router.get(
    "/editor/corrections",
    summary="编辑：信息有误报告列表",
    tags=["editor"],
    responses=_EDITOR_RESPONSES,
    dependencies=[Depends(require_editor)],
)
def editor_corrections(
    session: SessionDep,
    status: Annotated[
        Literal["new", "resolved", "dismissed", "all"],
        Query(description="只列出该状态的报告：new（待处理，默认）、resolved、dismissed；all 全部"),
    ] = "new",
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Response:
    """按提交先后列出报告（先提交的在前），附办理点现在的名称。需要编辑令牌。"""
    wanted = None if status == "all" else ReportStatus(status)
    page = list_reports(session, wanted, limit=limit, cursor=cursor)
    return orjson_response(page)


class StatusChange(BaseModel):
    """A report's new place in the queue."""

    model_config = ConfigDict(extra="forbid")

    status: ReportStatus = Field(
        description="resolved（已处理）、dismissed（不予处理）或 new（退回待处理）"
    )


_STATUS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": CorrectionReportOut},
    400: {"model": ErrorBody, "description": "请求体无法解析（不是 UTF-8 编码的 JSON）"},
    401: _EDITOR_RESPONSES[401],
    403: _EDITOR_RESPONSES[403],
    404: {"model": ErrorBody, "description": "报告不存在（report_not_found）"},
    422: {"model": ErrorBody, "description": "状态不是 new、resolved、dismissed，或有多余字段"},
}


@router.patch(
    "/editor/corrections/{report_id}",
    summary="编辑：更改报告状态",
    tags=["editor"],
    responses=_STATUS_RESPONSES,
    dependencies=[Depends(require_editor)],
)
def editor_set_correction_status(
    request: Request,
    report_id: Annotated[int, Path(ge=1, le=2_147_483_647, description="报告编号")],
    change: StatusChange,
) -> Response:
    """把报告标为已处理（resolved）、不予处理（dismissed）或退回待处理（new）。需要编辑令牌。

    只改状态，不改居民提交的内容和时间；返回改后的报告。
    """
    report = set_report_status(engine_of(request), report_id, change.status)
    return orjson_response(report)


async def _on_limit(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ReportLimitExceeded)
    response = error_response(request, 429, exc.code, exc.message)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _on_editor_denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EditorAccessDenied)
    response = error_response(request, exc.status, exc.code, exc.message)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def install(app: FastAPI, settings: Settings) -> None:
    """Give ``app`` its report limiter and the handlers for 429 and editor access."""
    app.state.correction_limiter = ReportLimiter(settings.correction_reports_per_hour)
    app.add_exception_handler(ReportLimitExceeded, _on_limit)
    app.add_exception_handler(EditorAccessDenied, _on_editor_denied)
