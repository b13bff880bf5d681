"""The HTML search page: facets as links, highlighted results, "did you mean"."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from app.deps import SLUG_QUERY_PATTERN, CatalogueDep
from app.pages.render import read_prefs, render
from app.routers.areas import AreaQuery
from app.routers.search import search_service
from app.routers.services import CategoryQuery, TierQuery
from app.search.service import SearchParams

router = APIRouter(include_in_schema=False)


@router.get("/search")
async def search_page(
    request: Request,
    snap: CatalogueDep,
    q: Annotated[str, Query(max_length=64)] = "",
    type: Annotated[str, Query(pattern="^(service|provider)$")] = "service",
    area: AreaQuery = None,
    category: CategoryQuery = None,
    tier: TierQuery = None,
    life_event: Annotated[str | None, Query(pattern=SLUG_QUERY_PATTERN, max_length=64)] = None,
    cursor: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = None,
) -> Response:
    """搜索页：无 JavaScript 也能用；分面是链接，结果高亮，无结果时提示相近名称。"""
    prefs = read_prefs(request)
    chain = snap.chain(prefs.region) if prefs.region in snap.regions else snap.chain("520000")
    params: dict[str, Any] = {
        "q": q.strip() or None,
        "type": type if type != "service" else None,
        "area": area,
        "category": category,
        "tier": tier.value if tier else None,
        "life_event": life_event,
    }
    active = {k: v for k, v in params.items() if v}
    result = None
    if q.strip():
        result = await search_service(request).search(
            snap,
            SearchParams(
                q=q,
                type="providers" if type == "provider" else "services",
                area=area,
                category=category,
                tier=tier.value if tier else None,
                region=chain[0].code,
                life_event=life_event,
                limit=20,
                cursor=cursor,
            ),
        )
    json_query = urlencode({**active, "region": chain[0].code}) if q.strip() else ""
    context = {
        "prefs": prefs,
        "region": chain[0].ref,
        "region_chain": [n.ref for n in chain],
        "q": q,
        "kind": type,
        "params": active,
        "result": result,
    }
    json_url = (
        f"/api/v1/search?{json_query}" if json_query else "/api/v1/search?q=%E4%BD%8E%E4%BF%9D"
    )
    return render(request, "search.html", context, json_url=json_url)
