"""The embedded search backend: zero setup, works whatever the main database is.

Each worker keeps the index file's arrays in memory and reloads them when a rebuild swaps a
new file in (checked with one ``stat`` per query, which also tells a missing file).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from app.search.base import (
    Document,
    IndexName,
    NearbyRequest,
    NearbyResult,
    SearchRequest,
    SearchResult,
    SearchUnavailable,
)
from app.search.embedded.engine import run_query, suggest
from app.search.embedded.geo import nearby
from app.search.embedded.index import LoadedIndex, build_index, load_index_file, write_index_file
from app.search.text import QueryPlan

INDEX_FILE = "embedded-index.sqlite3"


class EmbeddedBackend:
    """Search over an index file under the data directory."""

    name = "embedded"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._indexes: dict[IndexName, LoadedIndex] = {}
        self.meta: dict[str, str] = {}

    def _current(self) -> dict[IndexName, LoadedIndex]:
        indexes = self._loaded()
        return self._indexes if indexes is None else indexes

    def _loaded(self) -> dict[IndexName, LoadedIndex] | None:
        """The indexes of the current file (reloaded if it was swapped), None if there is none.

        One ``stat`` answers both questions on every query.
        """
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        stamp = (stat.st_ino, stat.st_mtime_ns)
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self.meta, self._indexes = load_index_file(self.path)
                    self._stamp = stamp
        return self._indexes

    def _serving(self, name: IndexName) -> LoadedIndex:
        """The loaded index ``name`` for a query; no index file is a :class:`SearchUnavailable`."""
        indexes = self._loaded()
        if indexes is None:
            raise SearchUnavailable("搜索索引尚未建立，请运行 qianfu reindex")
        return indexes.get(name) or build_index(name, [])

    def warm(self) -> None:
        """Load the index file now (start-up), not on the first query."""
        self._current()

    def index(self, name: IndexName) -> LoadedIndex:
        """The loaded index ``name`` (empty if never built)."""
        return self._current().get(name) or build_index(name, [])

    async def search(self, request: SearchRequest) -> SearchResult:
        """Run the query in-process (microseconds to a millisecond; no thread hop)."""
        return run_query(self._serving(request.index), request)

    async def nearby(self, request: NearbyRequest) -> NearbyResult:
        """Providers near a point, from the in-memory coordinate arrays."""
        return nearby(self._serving("providers"), request)

    async def suggest(self, plan: QueryPlan, limit: int) -> list[Document]:
        """Service documents for search-as-you-type."""
        index = self.index("services")
        return [index.documents[p] for p in suggest(index, plan, limit)]

    async def rebuild(self, index: IndexName, documents: list[Document], version: str) -> None:
        """Rebuild ``index`` into a fresh file (other indexes carried over) and swap it in."""
        self.rebuild_sync({index: documents}, **{f"version:{index}": version})

    async def indexed_version(self, index: IndexName) -> str | None:
        """The catalogue version recorded when ``index`` was last built."""
        self._current()
        return self.meta.get(f"version:{index}")

    def rebuild_sync(self, documents: dict[IndexName, list[Document]], **meta: str) -> None:
        """Synchronous rebuild used by the CLI and start-up."""
        with self._lock:
            current = dict(self._current_unlocked())
            for name, docs in documents.items():
                current[name] = build_index(name, docs)
            for name in ("services", "providers"):
                current.setdefault(name, build_index(name, []))
            merged_meta = {**self.meta, **meta}
            write_index_file(self.path, current.values(), merged_meta)
            self._stamp = None
        self._current()

    def _current_unlocked(self) -> dict[IndexName, LoadedIndex]:
        if self._stamp is None and self.path.exists():
            self.meta, self._indexes = load_index_file(self.path)
        return self._indexes

    async def healthy(self) -> bool:
        """Healthy once an index file exists."""
        return self.path.exists()

    async def aclose(self) -> None:
        """Nothing to release."""
