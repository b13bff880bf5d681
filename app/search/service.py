"""Search as the API sees it: plan the query, build filters, ask a backend, shape the answer.

Backend-independent steps live here so both engines behave alike: query validation and
planning, filter construction from validated codes, cursor paging, the homophone/pinyin retry
when nothing matched (底保 → dibao → 低保), "did you mean", and falling back to the embedded
engine when Meilisearch is down and fallback is configured.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from app.catalogue.snapshot import Snapshot
from app.domain import PROVIDER_TYPES, TIER_LABELS, Tier
from app.errors import InvalidCursor, NotFound, QianfuError
from app.providers.documents import provider_summary
from app.search.base import (
    FACETS,
    MAX_TOTAL_HITS,
    Filters,
    IndexName,
    NearbyRequest,
    NearbyResult,
    SearchBackend,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
)
from app.search.documents import service_documents
from app.search.text import (
    InvalidQuery,
    QueryPlan,
    Synonyms,
    Term,
    check_query,
    plan_query,
    teach_words,
)
from app.search.vocabulary import Vocabulary, prune

log = logging.getLogger(__name__)
_R = TypeVar("_R")

# Facet values returned per facet: the most frequent first (ties by code), like a facet list
# on a page; both backends are cut the same way.
FACET_VALUES = 30


class SearchInputError(QianfuError):
    """A search request we refuse: bad query text or a filter that does not apply."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message, field=field)
        self.code = code


class InvalidFilter(QianfuError):
    """A filter that does not apply to the searched type (e.g. ``tier`` for providers)."""

    code = "invalid_filter"


class SearchDown(QianfuError):
    """The configured engine is unavailable and no fallback is configured."""

    code = "search_unavailable"


@dataclass(frozen=True)
class SearchParams:
    """Validated request parameters (codes already match their patterns)."""

    q: str
    type: IndexName = "services"
    area: str | None = None
    category: str | None = None
    tier: str | None = None
    region: str | None = None
    life_event: str | None = None
    limit: int = 20
    cursor: str | None = None


def encode_offset(offset: int) -> str:
    """An opaque cursor for a result offset."""
    return base64.urlsafe_b64encode(f"s1:{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str | None) -> int:
    """The offset inside a search cursor; :class:`InvalidCursor` if forged or out of range."""
    if cursor is None:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = raw.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor from exc
    if prefix != "s1" or not 0 < offset < MAX_TOTAL_HITS:
        raise InvalidCursor
    return offset


class SearchService:
    """Plans queries and runs them on the configured backend (with optional fallback)."""

    def __init__(
        self, backend: SearchBackend, synonyms: Synonyms, fallback: SearchBackend | None = None
    ) -> None:
        self.backend = backend
        self.fallback = fallback
        self.synonyms = synonyms
        self._taught_version: str | None = None
        self._vocabulary = Vocabulary("", ())

    def learn(self, snap: Snapshot) -> None:
        """Learn this catalogue version: segmenter words and the services vocabulary."""
        if self._taught_version != snap.version:
            teach_words(w for s in snap.ordered_services for w in (s.name, *s.aliases))
            # County and city names stay whole (七星关区, not 七星 + 关区): "七星关区 日间照料"
            # then asks for the county, not for two fragments of its name.
            teach_words(
                r.name for r in snap.regions.values() if r.level in ("prefecture", "county")
            )
            self._vocabulary = Vocabulary.of(service_documents(snap))
            self._taught_version = snap.version

    def plan(self, raw: str) -> QueryPlan:
        """Validate and plan ``raw``; :class:`SearchInputError` for empty/long/bad text."""
        try:
            return plan_query(check_query(raw), self.synonyms)
        except InvalidQuery as exc:
            raise SearchInputError(exc.code, exc.message, "q") from exc

    def filters(self, snap: Snapshot, params: SearchParams) -> Filters:
        """Filters from validated codes; unknown codes are 404s, misplaced ones 422s."""
        any_of: dict[str, tuple[str, ...]] = {}
        if params.type == "providers":
            for name in ("area", "category", "tier", "life_event"):
                if getattr(params, name) is not None:
                    raise InvalidFilter(f"参数 {name} 只适用于服务搜索", field=name)
            if params.region is not None:
                any_of["regions"] = (snap.region(params.region).code,)
            return Filters(any_of)
        if params.region is not None:
            any_of["scope"] = tuple(node.code for node in snap.chain(params.region))
        if params.area is not None:
            any_of["area"] = (params.area,)
        if params.category is not None:
            if params.category not in snap.categories:
                raise InvalidFilter("大类不存在", field="category")
            any_of["category"] = (params.category,)
        if params.tier is not None:
            any_of["tier"] = (params.tier,)
        if params.life_event is not None:
            if params.life_event not in snap.life_events:
                raise NotFound("life_event", f"人生事项 {params.life_event}", field="life_event")
            any_of["life_events"] = (params.life_event,)
        return Filters(any_of)

    async def _with_fallback(
        self, call: Callable[[SearchBackend], Awaitable[_R]]
    ) -> tuple[_R, bool]:
        """``call`` on the backend, or on the fallback when the backend is down; and which."""
        try:
            return await call(self.backend), False
        except SearchUnavailable as exc:
            if self.fallback is None:
                raise SearchDown(exc.message) from exc
            log.warning("search backend %s unavailable; using fallback", self.backend.name)
            return await call(self.fallback), True

    async def _run(self, request: SearchRequest) -> tuple[SearchResult, bool]:
        return await self._with_fallback(lambda backend: backend.search(request))

    async def nearby(self, request: NearbyRequest) -> tuple[NearbyResult, bool]:
        """Providers near a point, and whether the fallback answered."""
        return await self._with_fallback(lambda backend: backend.nearby(request))

    async def search(self, snap: Snapshot, params: SearchParams) -> dict[str, Any]:
        """Run a search and return the API response body (a plain dict, fast to serialise)."""
        self.learn(snap)
        plan = self.plan(params.q)
        if params.type == "services":
            plan = prune(plan, self._vocabulary)
        filters = self.filters(snap, params)
        offset = decode_offset(params.cursor)
        request = SearchRequest(params.type, plan, filters, offset, params.limit)
        if plan.terms:
            result, degraded = await self._run(request)
        else:  # nothing findable was typed: no engine call (an empty query lists everything)
            result, degraded = SearchResult([], 0, {}, self.backend.name), False
        used_plan = plan
        if result.total == 0 and params.type == "providers":
            # Services were already matched by sound in prune(); providers have no vocabulary.
            retry = pinyin_plan(plan)
            if retry is not None:
                result, degraded_retry = await self._run(
                    SearchRequest(params.type, retry, filters, offset, params.limit)
                )
                degraded = degraded or degraded_retry
                used_plan = retry
        next_offset = offset + params.limit
        more = next_offset < min(result.total, MAX_TOTAL_HITS)
        return {
            "query": {
                "q": params.q,
                "normalized": plan.normalized,
                "terms": [t.text for t in used_plan.terms],
                "type": params.type.removesuffix("s"),
            },
            "items": [_item(params.type, h.document, h.highlight) for h in result.hits],
            "next_cursor": encode_offset(next_offset) if more else None,
            "total": result.total,
            "facets": _facets(snap, params.type, result.facets),
            "did_you_mean": did_you_mean(snap, plan) if result.total == 0 else [],
            "backend": result.backend,
            "degraded": degraded,
        }

    async def suggest(self, snap: Snapshot, raw: str, limit: int) -> list[dict[str, str]]:
        """Up to ``limit`` service names for a prefix (search-as-you-type)."""
        self.learn(snap)
        plan = self.plan(raw)
        documents, _ = await self._with_fallback(lambda backend: backend.suggest(plan, limit))
        return [
            {"text": str(d["name"]), "code": str(d["id"]), "type": "service"} for d in documents
        ]


def pinyin_plan(plan: QueryPlan) -> QueryPlan | None:
    """The same query by sound: each Han term as its pinyin (for homophone typos)."""
    terms = [
        Term(form, (), spelled=(form,), latin=True, prefix=True)
        for term in plan.terms
        if not term.latin
        for form in term.pinyin[:1]
    ]
    if not terms or len(terms) != len([t for t in plan.terms if not t.latin]):
        return None
    return QueryPlan(plan.normalized, tuple(terms))


def did_you_mean(snap: Snapshot, plan: QueryPlan, limit: int = 3) -> list[str]:
    """The official service names closest to what was typed."""
    names = [s.name for s in snap.ordered_services] + [
        a for s in snap.ordered_services for a in s.aliases
    ]
    matches = process.extract(
        plan.normalized, names, scorer=fuzz.partial_ratio, limit=limit * 3, score_cutoff=40
    )
    seen: list[str] = []
    for name, _, _ in matches:
        if name not in seen:
            seen.append(name)
    return seen[:limit]


def _item(index: IndexName, doc: dict[str, Any], marks: dict[str, str]) -> dict[str, Any]:
    if index == "services":
        return {
            "code": doc["id"],
            "name": doc["name"],
            "aliases": doc["aliases"],
            "tier": {"code": doc["tier"], "name": doc["tier_name"]},
            "area": {"code": doc["area"], "name": doc["area_name"]},
            "category": (
                {"code": doc["category"], "name": doc["category_name"]} if doc["category"] else None
            ),
            "scope": {"code": doc["scope"], "name": doc["scope_name"], "level": doc["scope_level"]},
            "summary": doc["summary"] or None,
            "highlight": marks,
            "sample": doc.get("sample", False),
        }
    return {**provider_summary(doc), "highlight": marks, "sample": doc.get("sample", False)}


def _facets(
    snap: Snapshot, index: IndexName, facets: dict[str, dict[str, int]]
) -> dict[str, list[dict[str, Any]]]:
    names = _facet_names(snap)
    out: dict[str, list[dict[str, Any]]] = {}
    for facet in FACETS[index]:
        counts = facets.get(facet, {})
        labels = names.get(facet, {})
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_VALUES]
        out[facet] = [
            {"code": code, "name": labels.get(code, code), "count": count} for code, count in top
        ]
    return out


@lru_cache(maxsize=4)
def _facet_names(snap: Snapshot) -> dict[str, dict[str, str]]:
    """Display names of every facet value, once per catalogue snapshot."""
    return {
        "tier": {t.value: TIER_LABELS[t] for t in Tier},
        "area": {c: a.name for c, a in snap.areas.items()},
        "category": {c: x.name for c, x in snap.categories.items()},
        "life_events": {c: e.name for c, e in snap.life_events.items()},
        "county": {c: r.name for c, r in snap.regions.items() if r.level == "county"},
        "type": dict(PROVIDER_TYPES),
    }
