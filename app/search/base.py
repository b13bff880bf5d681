"""The one small interface every search backend implements, and the shapes it trades in.

Backends know nothing about HTTP. Filters carry only validated codes (never user text), and
each backend turns them into its own form: numpy masks (embedded) or a filter expression
with quoted values (Meilisearch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol

from app.search.text import QueryPlan

IndexName = Literal["services", "providers"]
INDEXES: tuple[IndexName, ...] = ("services", "providers")

# Like Meilisearch's maxTotalHits: no backend pages past this many results.
MAX_TOTAL_HITS = 1000

FACETS: dict[IndexName, tuple[str, ...]] = {
    "services": ("tier", "area", "category", "life_events"),
    "providers": ("type", "county"),
}
# Attributes a filter may name, per index; values must be validated codes.
FILTERABLE: dict[IndexName, tuple[str, ...]] = {
    "services": ("tier", "area", "category", "life_events", "scope"),
    "providers": ("type", "county", "regions", "services", "inclusive", "languages", "accessible"),
}

Document = dict[str, Any]


class SearchUnavailable(Exception):
    """The search engine cannot answer now (down, hung, overloaded, broken reply)."""

    def __init__(self, message: str = "搜索服务暂时不可用，请稍后再试") -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Filters:
    """Conjunction of "attribute is one of these codes" conditions."""

    any_of: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, values in self.any_of.items():
            if not values:
                raise ValueError(f"empty filter for {name}")


@dataclass(frozen=True)
class SearchRequest:
    """A planned query against one index, with filters and a page window."""

    index: IndexName
    plan: QueryPlan
    filters: Filters
    offset: int
    limit: int


@dataclass(frozen=True)
class Hit:
    """A matching document with display highlights (HTML-escaped, ``<em>`` marks)."""

    document: Document
    highlight: dict[str, str]


@dataclass(frozen=True)
class SearchResult:
    """One page of hits, the (capped) total and facet counts over all matches."""

    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]]
    backend: str


@dataclass(frozen=True)
class NearbyRequest:
    """Providers around a WGS-84 point: within ``radius_m``, or the nearest ``limit``."""

    lat: float
    lng: float
    radius_m: float | None
    limit: int
    filters: Filters


class NearbyHit(NamedTuple):
    """A provider and its great-circle distance in metres (a tuple: a page builds 20 of them)."""

    document: Document
    distance_m: float


@dataclass(frozen=True)
class NearbyResult:
    """Nearest first; ties broken by provider id.

    ``memo`` is scratch space that lives exactly as long as the returned documents (the
    embedded index's, loaded once per worker): a caller may keep there, by document id, what it
    derives from a document that never changes. None when the documents are new on every
    answer (Meilisearch): nothing is worth keeping then.
    """

    hits: list[NearbyHit]
    backend: str
    memo: dict[str, Any] | None = None


class SearchBackend(Protocol):
    """What the API needs from a search engine."""

    name: str

    async def search(self, request: SearchRequest) -> SearchResult:
        """Run a query; raise :class:`SearchUnavailable` if the engine cannot answer."""
        ...

    async def nearby(self, request: NearbyRequest) -> NearbyResult:
        """Providers with a point, nearest first (ties by id), within the radius if given."""
        ...

    async def suggest(self, plan: QueryPlan, limit: int) -> list[Document]:
        """Documents whose name or pinyin starts like the plan's text (search-as-you-type)."""
        ...

    async def rebuild(self, index: IndexName, documents: list[Document], version: str) -> None:
        """Build ``index`` afresh from ``documents`` and swap it in atomically.

        ``version`` is the ``catalog_version`` the documents were built from.
        """
        ...

    async def indexed_version(self, index: IndexName) -> str | None:
        """The ``catalog_version`` the live index was built from (``None``: never built)."""
        ...

    async def healthy(self) -> bool:
        """Whether the engine answers right now."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
