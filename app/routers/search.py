"""Search and suggestions: async routes, bodies serialised once with orjson."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import Field

from app.catalogue.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.deps import REGION_CODE_PATTERN, SLUG_QUERY_PATTERN, get_catalogue
from app.domain import Tier
from app.query_model import QueryModel, query_dependency, query_openapi
from app.responses import ERROR_RESPONSES, orjson_response
from app.routers.areas import AREA_DESCRIPTION, AreaCode
from app.routers.services import CATEGORY_DESCRIPTION, CATEGORY_PATTERN, TIER_DESCRIPTION
from app.routing import request_only
from app.schemas import ErrorBody, Labelled, Out, RegionRef
from app.search.service import SearchParams, SearchService
from app.search.text import MAX_QUERY_CHARS

router = APIRouter(tags=["search"])

QUERY_PATTERN = r"^[^\ufffd]*[^\s\ufffd][^\ufffd]*$"
SEARCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    503: {"model": ErrorBody, "description": "搜索服务暂时不可用"},
}


class Highlight(Out):
    """命中片段：已做 HTML 转义，匹配处用 <em> 标出。"""

    name: str = Field(description="名称（含 <em> 标记）")
    snippet: str = Field(description="摘要片段（含 <em> 标记）")


class ServiceHit(Out):
    """服务搜索结果。"""

    code: str = Field(description="服务代码")
    name: str = Field(description="服务名称")
    aliases: list[str] = Field(description="常用叫法")
    tier: Labelled = Field(description="层级")
    area: Labelled = Field(description="领域")
    category: Labelled | None = Field(description="大类")
    scope: RegionRef = Field(description="提供范围")
    summary: str | None = Field(description="通俗说明")
    highlight: Highlight = Field(description="高亮")
    sample: bool = Field(description="是否示例数据")


class ProviderHit(Out):
    """办理点搜索结果。"""

    id: str = Field(description="办理点编号")
    name: str = Field(description="名称")
    type: Labelled = Field(description="类型")
    address: str | None = Field(description="地址；null 表示待核实")
    county: Labelled = Field(description="所在县（市、区）")
    highlight: Highlight = Field(description="高亮")
    sample: bool = Field(description="是否示例数据（示例数据不代表真实机构）")


class FacetValue(Out):
    """分面计数。"""

    code: str = Field(description="代码")
    name: str = Field(description="名称")
    count: int = Field(description="结果数")


class QueryInfo(Out):
    """查询的理解结果。"""

    q: str = Field(description="原始搜索词")
    normalized: str = Field(description="规范化后的搜索词（简体、半角）")
    terms: list[str] = Field(description="参与匹配的词")
    type: Literal["service", "provider"] = Field(description="搜索对象")


class SearchResponse(Out):
    """搜索结果。"""

    query: QueryInfo
    items: list[ServiceHit | ProviderHit] = Field(description="本页结果")
    next_cursor: str | None = Field(description="下一页游标")
    total: int = Field(description="结果总数（最多统计 1000 条）")
    facets: dict[str, list[FacetValue]] = Field(
        description="分面：服务为 tier/area/category/life_events，办理点为 type/county"
    )
    did_you_mean: list[str] = Field(description="无结果时最接近的正式名称")
    backend: Literal["embedded", "meilisearch"] = Field(description="实际回答的搜索引擎")
    degraded: bool = Field(description="是否因 Meilisearch 不可用而由内置引擎回答")


class Suggestion(Out):
    """输入提示。"""

    text: str = Field(description="建议的名称")
    code: str = Field(description="服务代码")
    type: Literal["service"] = Field(description="类型")


class SuggestResponse(Out):
    """输入提示列表。"""

    items: list[Suggestion]


# The search text of both search and suggest, declared once.
SearchText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_QUERY_CHARS,
        pattern=QUERY_PATTERN,
        description=f"搜索词，1–{MAX_QUERY_CHARS} 个字；支持繁体、拼音（yanglao）和首字母（flyz）",
    ),
]


def search_service(request: Request) -> SearchService:
    """The app's search service."""
    service: SearchService = request.app.state.search
    return service


class SearchQuery(QueryModel):
    """搜索参数（一次校验，见 app.query_model）。"""

    q: SearchText
    type: Literal["service", "provider"] = Field(
        default="service", description="搜索对象：service 服务（默认）或 provider 办理点"
    )
    area: AreaCode | None = Field(default=None, description=AREA_DESCRIPTION)
    category: str | None = Field(
        default=None, pattern=CATEGORY_PATTERN, description=CATEGORY_DESCRIPTION
    )
    tier: Tier | None = Field(default=None, description=TIER_DESCRIPTION)
    region: str | None = Field(
        default=None,
        pattern=REGION_CODE_PATTERN,
        description="地区：县级地区可见县、市、省三级服务",
    )
    life_event: str | None = Field(
        default=None, pattern=SLUG_QUERY_PATTERN, max_length=64, description="人生事项代码"
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数")
    cursor: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$", description="下一页游标"
    )


parse_search_query = query_dependency(SearchQuery)


@request_only(
    router,
    "/search",
    methods=["GET"],
    summary="搜索服务或办理点",
    response_model=SearchResponse,
    responses=SEARCH_RESPONSES,
    openapi_extra=query_openapi(SearchQuery),
)
async def search(request: Request) -> Response:
    """按口语、繁体、拼音或首字母搜索；返回高亮结果、分面计数，无结果时给出“您是不是要找”。"""
    # Inputs read in the body, not declared as dependencies: a busiest route (why and what it
    # costs: app.query_model.query_dependency). The OpenAPI lists every parameter all the same.
    query = await parse_search_query(request)
    snap = await get_catalogue(request)
    params = SearchParams(
        q=query.q,
        type="providers" if query.type == "provider" else "services",
        area=query.area,
        category=query.category,
        tier=query.tier.value if query.tier else None,
        region=query.region,
        life_event=query.life_event,
        limit=query.limit,
        cursor=query.cursor,
    )
    return orjson_response(await search_service(request).search(snap, params))


class SuggestQuery(QueryModel):
    """输入提示参数（一次校验，见 app.query_model）。"""

    q: SearchText
    limit: int = Field(default=10, ge=1, le=10, description="最多几条，1–10")


parse_suggest_query = query_dependency(SuggestQuery)


@request_only(
    router,
    "/suggest",
    methods=["GET"],
    summary="输入提示",
    response_model=SuggestResponse,
    responses=SEARCH_RESPONSES,
    openapi_extra=query_openapi(SuggestQuery),
)
async def suggest(request: Request) -> Response:
    """边输入边提示：返回名称以所输内容开头（或包含它）的服务，最多 10 条。"""
    query = await parse_suggest_query(request)  # (read in the body, as search does)
    snap = await get_catalogue(request)
    items = await search_service(request).suggest(snap, query.q, query.limit)
    return orjson_response({"items": items}, cache_control="public, max-age=60")
