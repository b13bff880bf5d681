"""Eligibility API: the questionnaire vocabulary, evaluation and the next question.

Answers travel only in POST bodies; responses are ``Cache-Control: no-store`` without ETag or
cookies; nothing is stored or logged; errors name the field but never echo a value. The
evaluate path is an ``async`` route that parses the body with pydantic-core, runs the pure
engine and returns orjson bytes — no threadpool hop and no database work per request (region
chains come from the in-memory catalogue snapshot).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import ValidationError

from app.catalogue.snapshot import Snapshot, SnapshotCache
from app.deps import SettingsDep, today
from app.eligibility.api_models import (
    EvaluateResponse,
    FactsResponse,
    NextQuestionResponse,
    ServiceConditions,
)
from app.eligibility.compile import Ruleset
from app.eligibility.conditions import service_conditions
from app.eligibility.evaluate import Evaluation, evaluate
from app.eligibility.loader import load_ruleset
from app.eligibility.present import evaluation_json
from app.eligibility.regions import RegionIndex, RegionRow
from app.eligibility.request import (
    MAX_MEMBERS,
    RegionNotFound,
    RequestTypes,
    build_request_types,
    to_household,
)
from app.eligibility.vocabulary import facts_json, next_question_json
from app.http_errors import error_response
from app.responses import JSON_MEDIA_TYPE, cached_json, orjson_response
from app.routing import request_only
from app.schemas import ErrorBody, ServiceDetail
from app.settings import Settings
from app.validation_messages import describe

MAX_BODY_BYTES = 64 * 1024
_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/EligibilityRequest"}}
        },
    }
}
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "地区代码不存在（不回显所填的值）"},
    413: {"model": ErrorBody, "description": f"请求体超过 {MAX_BODY_BYTES // 1024} KB"},
    415: {"model": ErrorBody, "description": "请求体必须是 application/json"},
    422: {
        "model": ErrorBody,
        "description": "JSON 格式错误、未知字段或事实编号、类型或取值不合法、"
        f"家庭成员超过 {MAX_MEMBERS} 人（不回显所填的值）",
    },
}

router = APIRouter(prefix="/eligibility", tags=["eligibility"])


@dataclass
class EligibilityState:
    """The ruleset loaded once per process, its request types and the region table."""

    ruleset: Ruleset
    types: RequestTypes
    facts: FactsResponse
    _index: RegionIndex | None = None
    _version: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def regions_from(self, snap: Snapshot) -> RegionIndex:
        """The region table of a catalogue snapshot (rebuilt only when its version changes)."""
        index = self._index
        if index is not None and self._version == snap.version:
            return index
        with self._lock:
            if self._index is None or self._version != snap.version:
                self._index = RegionIndex(
                    RegionRow(n.code, n.name, n.level, n.parent_code)  # type: ignore[arg-type]
                    for n in snap.regions.values()
                )
                self._version = snap.version
            return self._index

    async def regions(self, app: FastAPI) -> RegionIndex:
        """The current region table, from the catalogue snapshot (no database work if fresh)."""
        cache: SnapshotCache = app.state.snapshots
        return self.regions_from(await cache.get())


def install(app: FastAPI, settings: Settings) -> None:
    """Load the ruleset onto ``app.state`` and add the request schema to OpenAPI."""
    ruleset = load_ruleset(settings.seed_dir)
    types = build_request_types(ruleset)
    facts = FactsResponse.model_validate(facts_json(ruleset))
    app.state.eligibility = EligibilityState(ruleset=ruleset, types=types, facts=facts)
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()  # builds and caches app.openapi_schema
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            request_schema = dict(types.schema)
            components.update(request_schema.pop("$defs", {}))
            components["EligibilityRequest"] = request_schema
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def state_of(request: Request) -> EligibilityState:
    """The app's eligibility state."""
    state: EligibilityState = request.app.state.eligibility
    return state


def attach_conditions(request: Request, snap: Snapshot, detail: ServiceDetail) -> ServiceDetail:
    """A service detail with its conditions as a readable list (when it has rules)."""
    state = state_of(request)
    regions = state.regions_from(snap)
    region = regions.get(detail.region.code)
    if region is None:
        return detail
    conditions = service_conditions(state.ruleset, detail.code, regions, region, detail.as_of)
    return detail.model_copy(update={"eligibility": conditions}) if conditions else detail


def conditions_for(
    request: Request, snap: Snapshot, code: str, region: str, as_of: Any
) -> ServiceConditions | None:
    """The conditions of one service for a region and date (pages)."""
    state = state_of(request)
    regions = state.regions_from(snap)
    info = regions.get(region)
    return service_conditions(state.ruleset, code, regions, info, as_of) if info else None


class BadRequest(Exception):
    """A request the API answers with an error envelope (never echoing values)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.field = status, code, message, field


async def _body(request: Request) -> bytes:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != JSON_MEDIA_TYPE:
        raise BadRequest(415, "unsupported_media_type", "请求体必须是 application/json")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadRequest(413, "payload_too_large", "请求内容过大")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BadRequest(413, "payload_too_large", "请求内容过大")
        chunks.append(chunk)
    return b"".join(chunks)


def _where(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def validation_error(exc: ValidationError) -> BadRequest:
    """The first validation error as an envelope: field path and rule, never the value."""
    err = exc.errors(include_url=False, include_input=False, include_context=True)[0]
    kind = err["type"]
    loc = tuple(err["loc"])
    in_facts = "facts" in loc
    if kind in ("json_invalid", "json_type"):
        return BadRequest(422, "invalid_json", "请求体不是合法的 JSON 对象")
    if kind == "extra_forbidden":
        parent = _where(loc[:-1]) or None
        if in_facts:
            return BadRequest(422, "unknown_fact", "含有未知的事实编号（问题）", parent)
        return BadRequest(422, "unknown_field", "含有不允许的字段", parent)
    where = _where(loc) or None
    message = f"{where} {describe(dict(err))}" if where else describe(dict(err))
    if kind == "missing":
        return BadRequest(422, "missing_field", message, where)
    if kind == "too_long" and loc[-1:] == ("members",):
        return BadRequest(422, "too_many_members", f"家庭成员最多 {MAX_MEMBERS} 人", where)
    if in_facts:
        return BadRequest(422, "invalid_answer", message, where)
    return BadRequest(422, "invalid_parameter", message, where)


async def _evaluation(request: Request) -> Evaluation:
    state = state_of(request)
    body = await _body(request)
    try:
        data = state.types.parse(body)
    except ValidationError as exc:
        raise validation_error(exc) from None
    regions = await state.regions(request.app)
    try:
        household = to_household(data, regions, today())
    except RegionNotFound as exc:
        raise BadRequest(404, "region_not_found", "未找到所填的地区代码", exc.field) from None
    return evaluate(state.ruleset, regions, household)


@router.get("/facts", summary="问卷词汇表", response_model=FactsResponse)
async def get_facts(request: Request, settings: SettingsDep) -> Response:
    """所有事实（问题）的编号、类型、问题文字、说明、单位、选项和敏感程度，以及问题分组、

    家庭成员角色和有资格规则的服务。前端据此渲染问卷；这里没有任何个人信息。
    """
    return cached_json(request, state_of(request).facts, max_age=settings.cache_max_age)


@request_only(
    router,
    "/evaluate",
    methods=["POST"],
    summary="判断可以享受哪些服务",
    response_model=None,
    responses={200: {"model": EvaluateResponse, "description": "判断结果"}, **_ERRORS},
    openapi_extra=_REQUEST_BODY,
)
async def post_evaluate(request: Request) -> Response:
    """按家庭（一人或多人）判断各项服务：可能符合、初步符合需核实、还需要回答、暂不符合。

    回答只放在请求体中，不存储、不记录；响应不缓存（no-store）。缺少的回答从不当作 0 或“否”；
    当地标准没有可靠来源时结果为“还需要回答”并列出 missing_parameters（标准待核实）。
    """
    try:
        return orjson_response(evaluation_json(await _evaluation(request)))
    except BadRequest as exc:
        return error_response(request, exc.status, exc.code, exc.message, exc.field)


@request_only(
    router,
    "/next-question",
    methods=["POST"],
    summary="下一个最值得问的问题",
    response_model=None,
    responses={200: {"model": NextQuestionResponse, "description": "下一屏问题"}, **_ERRORS},
    openapi_extra=_REQUEST_BODY,
)
async def post_next_question(request: Request) -> Response:
    """请求体与 evaluate 相同。先问能排除最多服务的简单问题，敏感问题放在最后；

    只因当地标准待核实而无法判断的服务不会产生问题。done 为 true 表示没有能改变结果的问题了。
    """
    try:
        return orjson_response(next_question_json(await _evaluation(request)))
    except BadRequest as exc:
        return error_response(request, exc.status, exc.code, exc.message, exc.field)
