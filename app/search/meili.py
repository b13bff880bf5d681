"""The Meilisearch backend (scale-out): settings managed by code, tasks awaited, errors mapped.

It talks to Meilisearch's HTTP API with one shared aiohttp session: measured on these machines,
aiohttp keeps 65–72% of Meilisearch's own throughput where httpx keeps about a quarter
(performance-baselines.md), and ``Accept-Encoding: identity`` avoids the gzip stall on
keep-alive connections. Rebuilds fill a fresh index and swap it in, so searches never see a
half-built index. Filters are built from validated codes only, each value quoted.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import time
from collections.abc import Sequence
from typing import Any

import aiohttp
import orjson

from app.geo.coords import haversine_m
from app.search.base import (
    FACETS,
    FILTERABLE,
    MAX_TOTAL_HITS,
    Document,
    Filters,
    Hit,
    IndexName,
    NearbyHit,
    NearbyRequest,
    NearbyResult,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
)
from app.search.text import QueryPlan, Synonyms, typed_sound

log = logging.getLogger(__name__)

PRE, POST = "\ue000", "\ue001"  # private-use marks: never in normalised text; escaped after
MAX_QUERY_WORDS = 10  # Meilisearch ignores words past the tenth
META_INDEX = "meta"

SEARCHABLE: dict[IndexName, list[str]] = {
    "services": [
        "name",
        "aliases",
        "pinyin",
        "category_name",
        "life_event_names",
        "summary",
        "body",
    ],
    "providers": ["name", "type_name", "pinyin", "region_names", "address"],
}
# Services: where the words matched (name, aliases … body) decides before how close together
# they sit. Meilisearch has no length normalisation, so the long texts of "hub" services
# (特困人员救助供养, 医疗救助, 法律援助) won questions aimed at a service that names the words
# (tenth session, labelled set: 20 found, 5 lost). Providers keep Meilisearch's default order.
MATCH_ORDER: dict[IndexName, tuple[str, str]] = {
    "services": ("attribute", "proximity"),
    "providers": ("proximity", "attribute"),
}
SNIPPET_FIELD: dict[IndexName, str] = {"services": "summary", "providers": "address"}
GEO_ATTRIBUTES: dict[IndexName, tuple[str, ...]] = {
    "services": (),
    "providers": ("_geo", "has_geo"),
}
MAX_GEO_HITS = 1000
# Spare geo hits past the page, for providers Meilisearch ranks in the same whole metre.
GEO_SPARE_HITS = 16


class MeiliError(SearchUnavailable):
    """Meilisearch refused a request we built (a bug on our side) or answered garbage."""


def quote(value: str) -> str:
    """A filter value as a double-quoted Meilisearch string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_expression(filters: Filters) -> list[str]:
    """One ``attr IN [...]`` clause per filter; the list is AND-ed by Meilisearch."""
    return [
        f"{attribute} IN [{', '.join(quote(v) for v in values)}]"
        for attribute, values in filters.any_of.items()
    ]


def query_string(plan: QueryPlan) -> str:
    """The plan as Meilisearch words, at most ten.

    Only each term's own word goes into the query: its official synonyms reach Meilisearch
    through the index's ``synonyms`` setting (same dictionary), where they count as
    alternatives of that one word rather than as extra words to match. A typed word found
    nowhere (拖欠工资) was replaced by its official words, which no synonym expands: all of
    them are sent (劳动报酬 劳动关系), else only the first would be searched. Only the plan's main
    terms are sent: with a lone Han character beside longer words, Meilisearch's
    ``frequency`` strategy (which drops the most frequent words first, so a word no document
    has as a token goes last) found nothing for 被人打了没钱请律师, because of 打 and 钱.
    """
    main = plan.main_terms
    if sends_alternatives(plan):
        # No synonyms setting expands an official word, so all of them are sent.
        return " ".join(main[0].words[:MAX_QUERY_WORDS])
    words = [t.pinyin[0] if t.latin and t.pinyin else t.text for t in main]
    return " ".join(list(dict.fromkeys(words))[:MAX_QUERY_WORDS])


def sends_alternatives(plan: QueryPlan) -> bool:
    """Whether :func:`query_string` sends one typed word's official words (alternatives of
    each other), rather than several words typed."""
    main = plan.main_terms
    return len(main) == 1 and main[0].replaced and not main[0].latin


def _escape_marked(text: str) -> str:
    return html.escape(text).replace(PRE, "<em>").replace(POST, "</em>")


# The question as a whole weighs more than each of its words alone; measured over the labelled
# set, 1.5, 3 and 10 differ by one or two queries (3 was best).
WHOLE_QUERY_WEIGHT = 3.0


def _federated_body(
    uid: str, body: dict[str, Any], words: list[str], *, whole: bool = True
) -> dict[str, Any]:
    """A several-word service question as one federated multi-search: the whole question
    (``frequency``) merged with each of its words alone.

    Alone, ``frequency`` keeps a question's rarest words, so a rare but incidental word (发放
    in 残疾人生活补贴发放标准) chose the answer, or a handful of hits left the rest of the page
    empty. Merged with one query per word, services matching the question best come first and
    services matching its telling words follow, much as the embedded engine adds up its terms.
    Over the 480 labelled queries: top-1 87.3 → 87.5 %, top-3 92.9 → 95.0 % (questions: 80.2 →
    82.7 %, 88.3 → 92.0 %). Totals, facets and pages are those of the merged result.
    """
    per_query = {k: v for k, v in body.items() if k not in ("q", "offset", "limit", "facets")}
    per_query["indexUid"] = uid
    queries = (
        [{**per_query, "q": body["q"], "federationOptions": {"weight": WHOLE_QUERY_WEIGHT}}]
        if whole
        else []
    )
    queries += [{**per_query, "q": w, "matchingStrategy": "all"} for w in words]
    return {
        "federation": {
            "offset": body["offset"],
            "limit": body["limit"],
            "facetsByIndex": {uid: body["facets"]},
            "mergeFacets": {},
        },
        "queries": queries,
    }


def search_call(
    uid: str, index: IndexName, plan: QueryPlan, body: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The path and body Meilisearch is asked for one search: a several-word service question
    as one federated multi-search (:func:`_federated_body`), anything else as it is.

    One typed word's official words (老板不给工资 → 劳动报酬 劳动关系) are alternatives: each is
    searched alone and merged, with no whole-question query. Searched together, ``frequency``
    first gave up the commoner word, so a service naming the other one (劳动关系协调) fell
    below one mentioning the rarer word in passing (法律援助).
    """
    words = str(body["q"]).split()
    if index == "services" and len(words) > 1:
        return "/multi-search", _federated_body(
            uid, body, words, whole=not sends_alternatives(plan)
        )
    return f"/indexes/{uid}/search", body


class MeiliBackend:
    """Search through a Meilisearch server."""

    name = "meilisearch"

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        prefix: str,
        synonyms: Synonyms,
        timeout: float = 2.0,
        task_timeout: float = 600.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.prefix = prefix
        self.synonyms = synonyms
        self.timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 1.0))
        self.task_timeout = task_timeout
        self._headers = {
            "Content-Type": "application/json",
            "Accept-Encoding": "identity",
            **({"Authorization": f"Bearer {api_key}"} if api_key else {}),
        }
        self._session: aiohttp.ClientSession | None = None
        self._digests: dict[str, str] = {}  # settings never change for one backend object

    def uid(self, index: str) -> str:
        """The live index name for ``index``."""
        return f"{self.prefix}_{index}"

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=self.timeout,
                connector=aiohttp.TCPConnector(limit=64, keepalive_timeout=30),
                json_serialize=lambda obj: orjson.dumps(obj).decode(),
                auto_decompress=False,
            )
        return self._session

    async def _request(
        self, method: str, path: str, body: Any = None, *, timeout: float | None = None
    ) -> Any:
        data = orjson.dumps(body) if body is not None else None
        # Passing timeout=None to aiohttp would switch timeouts off: only override when asked.
        extra: dict[str, Any] = {"timeout": aiohttp.ClientTimeout(total=timeout)} if timeout else {}
        try:
            async with self._client().request(
                method, self.url + path, data=data, allow_redirects=False, **extra
            ) as response:
                raw = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise SearchUnavailable() from exc
        if status >= 500 or status == 429:
            raise SearchUnavailable()
        try:
            payload = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError as exc:
            raise MeiliError("搜索服务返回了无法解析的结果") from exc
        if status >= 400:
            code = payload.get("code") if isinstance(payload, dict) else None
            if code in {"index_not_found", "document_not_found"}:
                return None
            log.error("meilisearch refused %s %s: %s", method, path, code)
            raise MeiliError()
        return payload

    async def _wait(self, response: Any) -> None:
        uid = response["taskUid"]
        deadline = time.monotonic() + self.task_timeout
        while time.monotonic() < deadline:
            task = await self._request("GET", f"/tasks/{uid}")
            if task["status"] == "succeeded":
                return
            if task["status"] in {"failed", "canceled"}:
                raise MeiliError(f"Meilisearch 任务失败：{task.get('error', {}).get('message')}")
            await asyncio.sleep(0.05)
        raise MeiliError("Meilisearch 任务超时")

    def _settings(self, index: IndexName) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "searchableAttributes": SEARCHABLE[index],
            "filterableAttributes": list(
                dict.fromkeys((*FILTERABLE[index], *FACETS[index], *GEO_ATTRIBUTES[index]))
            ),
            "sortableAttributes": ["rank", "id", *GEO_ATTRIBUTES[index]],
            # "sort" is inert without a sort parameter; geo queries (q="") sort by distance.
            "rankingRules": ["words", "typo", *MATCH_ORDER[index], "exactness", "sort", "rank:asc"],
            "typoTolerance": {
                "enabled": True,
                "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
                # Pinyin typos are corrected to a real token before the query is sent.
                "disableOnAttributes": ["pinyin"] if index == "services" else [],
            },
            "localizedAttributes": [{"attributePatterns": ["*"], "locales": ["cmn"]}],
            "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
            "faceting": {"maxValuesPerFacet": 200},
        }
        if index == "services":
            settings["synonyms"] = {
                word: list(terms) for word, terms in self.synonyms.pairs() if terms
            }
        return settings

    def settings_digest(self, index: IndexName) -> str:
        """A short hash of the index settings this code asks for (ranking, synonyms …)."""
        digest = self._digests.get(index)
        if digest is None:
            settings = orjson.dumps(self._settings(index), option=orjson.OPT_SORT_KEYS)
            digest = self._digests[index] = hashlib.sha256(settings).hexdigest()[:16]
        return digest

    async def indexed_version(self, index: IndexName) -> str | None:
        """The catalogue version stored beside the live index when it was swapped in.

        ``None`` when the live index was built with other settings (an upgrade changed the
        ranking rules, say): the index is then as stale as one built from an older catalogue.
        """
        doc = await self._request("GET", f"/indexes/{self.uid(META_INDEX)}/documents/{index}")
        if not doc or doc.get("settings") != self.settings_digest(index):
            return None
        return str(doc["version"])

    async def rebuild(self, index: IndexName, documents: list[Document], version: str) -> None:
        """Fill a fresh index, wait for it, then swap it with the live one atomically."""
        live = self.uid(index)
        fresh = f"{live}_{int(time.time() * 1000)}"
        await self._wait(
            await self._request("POST", "/indexes", {"uid": fresh, "primaryKey": "id"})
        )
        await self._wait(
            await self._request("PATCH", f"/indexes/{fresh}/settings", self._settings(index))
        )
        for start in range(0, len(documents), 20_000):
            batch = documents[start : start + 20_000]
            await self._wait(
                await self._request("POST", f"/indexes/{fresh}/documents", batch, timeout=300)
            )
        if await self._request("GET", f"/indexes/{live}") is None:
            await self._wait(
                await self._request("POST", "/indexes", {"uid": live, "primaryKey": "id"})
            )
        await self._wait(await self._request("POST", "/swap-indexes", [{"indexes": [live, fresh]}]))
        await self._wait(await self._request("DELETE", f"/indexes/{fresh}"))
        meta = [{"id": index, "version": version, "settings": self.settings_digest(index)}]
        await self._wait(
            await self._request("POST", f"/indexes/{self.uid(META_INDEX)}/documents", meta)
        )

    async def search(self, request: SearchRequest) -> SearchResult:
        """One Meilisearch query with facets and highlighting."""
        index = request.index
        window = min(request.offset + request.limit, MAX_TOTAL_HITS)
        body = {
            "q": query_string(request.plan),
            "offset": request.offset,
            "limit": max(window - request.offset, 0),
            "filter": filter_expression(request.filters),
            "facets": list(FACETS[index]),
            "attributesToHighlight": ["name", SNIPPET_FIELD[index]],
            "attributesToCrop": [SNIPPET_FIELD[index]],
            "cropLength": 30,
            "highlightPreTag": PRE,
            "highlightPostTag": POST,
            "cropMarker": "…",
            "matchingStrategy": "frequency",
        }
        uid = self.uid(index)
        payload = await self._request("POST", *search_call(uid, index, request.plan, body))
        if payload is not None and payload.get("estimatedTotalHits") == 0:
            findable = await self._findable_words(index, body)
            if findable:
                retry = {**body, "q": findable, "matchingStrategy": "last"}
                payload = await self._request("POST", f"/indexes/{uid}/search", retry)
            elif index == "services" and (sound := typed_sound(request.plan.normalized)):
                # A half-typed word no token holds (居家养): the name that sounds like it.
                retry = {**body, "q": sound, "attributesToSearchOn": ["pinyin"]}
                payload = await self._request("POST", f"/indexes/{uid}/search", retry)
        if payload is None:
            return SearchResult([], 0, {f: {} for f in FACETS[index]}, self.name)
        try:
            hits = [self._hit(index, raw) for raw in payload["hits"]]
            total = min(int(payload["estimatedTotalHits"]), MAX_TOTAL_HITS)
            distribution = payload.get("facetDistribution") or {}
        except (KeyError, TypeError, ValueError) as exc:
            raise MeiliError("搜索服务返回了意外的结果") from exc
        facets = {
            f: {str(k): int(v) for k, v in distribution.get(f, {}).items()} for f in FACETS[index]
        }
        return SearchResult(hits, total, facets, self.name)

    async def _findable_words(self, index: IndexName, body: dict[str, Any]) -> str | None:
        """For a query that found nothing: its words that Meilisearch finds alone, rarest first.

        Plans carry only words found in the catalogue text, but Meilisearch matches whole
        tokens of its own segmentation: a word inside a longer token (看电视 in 观看电视) finds
        nothing, and ``frequency`` drops such a word last, so one of them empties the whole
        answer. ``frequency`` also came back empty for pairs that are each found alone but
        never together (贵州 避暑, 突然 大病). One multi-search (only for empty answers) counts
        each word's documents; the retry sends the words found, rarest first, with ``last``:
        the most common words are the first given up, which is what ``frequency`` promises.
        Filters are kept: they still apply.
        """
        words = str(body["q"]).split()
        if len(words) < 2:
            return None
        queries = [
            {"indexUid": self.uid(index), "q": w, "filter": body["filter"], "limit": 0}
            for w in words
        ]
        payload = await self._request("POST", "/multi-search", {"queries": queries})
        try:
            counts = [int(r["estimatedTotalHits"]) for r in payload["results"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise MeiliError("搜索服务返回了意外的结果") from exc
        found = sorted((c, n) for n, c in enumerate(counts) if c)
        return " ".join(words[n] for _, n in found) or None

    @staticmethod
    def _hit(index: IndexName, raw: dict[str, Any]) -> Hit:
        raw.pop("_federation", None)
        formatted = raw.pop("_formatted", {}) or {}
        snippet = formatted.get(SNIPPET_FIELD[index]) or ""
        return Hit(
            document=raw,
            highlight={
                "name": _escape_marked(str(formatted.get("name") or raw.get("name", ""))),
                "snippet": _escape_marked(str(snippet)),
            },
        )

    async def nearby(self, request: NearbyRequest) -> NearbyResult:
        """``_geoRadius`` (or every located provider) sorted by ``_geoPoint``; exact at the edge.

        Meilisearch sorts by whole metres (``_geoDistance`` is rounded), so two providers in the
        same metre come back by id even when the second is nearer, and the last place of a page
        can go to the wrong one. We ask for :data:`GEO_SPARE_HITS` more than needed, recompute
        every distance with our own haversine (same radius), filter the radius ourselves (asking
        Meilisearch for one metre more) and sort by (distance, id). When the spare hits do not
        reach past the last place's metre, we ask once more for as many as Meilisearch allows.
        """
        limit = min(request.limit, MAX_GEO_HITS)
        fetch = min(limit + GEO_SPARE_HITS, MAX_GEO_HITS)
        hits, complete = await self._geo_page(request, fetch)
        if not complete and fetch < MAX_GEO_HITS:
            hits, _ = await self._geo_page(request, MAX_GEO_HITS)
        return NearbyResult(hits[:limit], self.name)

    async def _geo_page(self, request: NearbyRequest, fetch: int) -> tuple[list[NearbyHit], bool]:
        """Up to ``fetch`` hits by (our distance, id), and whether they settle the first places.

        Settled means no provider left out can be nearer than the ``request.limit``-th hit: all
        matches came back, or the last one's whole metre lies over a metre past that hit.
        """
        point = f"{request.lat:.7f}, {request.lng:.7f}"
        filters = filter_expression(request.filters)
        if request.radius_m is not None:
            filters.append(f"_geoRadius({point}, {request.radius_m + 1:.3f})")
        else:
            filters.append("has_geo = true")
        body = {
            "q": "",
            "filter": filters,
            "sort": [f"_geoPoint({point}):asc", "id:asc"],
            "limit": fetch,
        }
        payload = await self._request("POST", f"/indexes/{self.uid('providers')}/search", body)
        if payload is None:
            return [], True
        try:
            raw = payload["hits"]
            last_metre = float(raw[-1]["_geoDistance"]) if raw else 0.0
            hits = [
                NearbyHit(doc, haversine_m(request.lat, request.lng, doc["lat"], doc["lng"]))
                for doc in raw
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise MeiliError("搜索服务返回了意外的结果") from exc
        for hit in hits:
            hit.document.pop("_geoDistance", None)
        if request.radius_m is not None:
            hits = [hit for hit in hits if hit.distance_m <= request.radius_m]
        hits.sort(key=lambda h: (h.distance_m, str(h.document["id"])))
        if len(raw) < fetch:
            return hits, True
        needed = min(request.limit, MAX_GEO_HITS)
        settled = len(hits) >= needed and hits[needed - 1].distance_m < last_metre - 1
        return hits, settled

    async def suggest(self, plan: QueryPlan, limit: int) -> list[Document]:
        """Services whose name contains what was typed, by sound, then those whose name or
        pinyin starts like its words (Meilisearch prefix search).

        The typed characters as one pinyin prefix come first: a half-typed word is cut by
        the segmenter into pieces no name holds (居家养 → 居 / 家养), and the last piece of
        农村危 is a lone character the word query leaves out.
        """
        common = {
            "indexUid": self.uid("services"),
            "limit": limit,
            "attributesToRetrieve": ["id", "name"],
            "matchingStrategy": "all",
        }
        words = {"q": query_string(plan), "attributesToSearchOn": ["name", "aliases", "pinyin"]}
        queries = [{**common, **words}]
        if sound := typed_sound(plan.normalized):
            queries.insert(0, {**common, "q": sound, "attributesToSearchOn": ["pinyin"]})
        payload = await self._request("POST", "/multi-search", {"queries": queries})
        if not payload:
            return []
        found: dict[str, Document] = {}
        for result in payload["results"]:
            for hit in result["hits"]:
                found.setdefault(str(hit["id"]), hit)
        return list(found.values())[:limit]

    async def healthy(self) -> bool:
        """Whether ``GET /health`` answers ``available``."""
        try:
            payload = await self._request("GET", "/health")
        except SearchUnavailable:
            return False
        return isinstance(payload, dict) and payload.get("status") == "available"

    async def document_count(self, index: IndexName) -> int | None:
        """Documents in the live index (``None`` if it does not exist)."""
        stats = await self._request("GET", f"/indexes/{self.uid(index)}/stats")
        return int(stats["numberOfDocuments"]) if stats else None

    async def delete_all(self, indexes: Sequence[str]) -> None:
        """Drop the live indexes (tests and resets)."""
        for index in indexes:
            response = await self._request("DELETE", f"/indexes/{self.uid(index)}")
            if response is not None:
                await self._wait(response)

    async def aclose(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
