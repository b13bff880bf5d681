"""Build backends from settings and keep their indexes in step with the catalogue.

The database is the source of truth; indexes are derived. ``reindex`` rebuilds from a
catalogue snapshot (into a fresh index, then swapped), and :func:`ensure_fresh` does so only
when the index was built from an older ``catalog_version``.
"""

from __future__ import annotations

import logging

from app.catalogue.snapshot import Snapshot
from app.search.base import Document, SearchBackend
from app.search.documents import service_documents
from app.search.embedded import EmbeddedBackend
from app.search.meili import MeiliBackend
from app.search.text import Synonyms, load_synonyms, teach_words
from app.settings import Settings

log = logging.getLogger(__name__)


def build_backend(settings: Settings, synonyms: Synonyms) -> SearchBackend:
    """The configured backend (embedded unless ``QIANFU_SEARCH_BACKEND=meilisearch``)."""
    if settings.search_backend == "meilisearch":
        return MeiliBackend(
            settings.meili_url,
            settings.meili_master_key,
            prefix=settings.meili_index_prefix,
            synonyms=synonyms,
            timeout=settings.meili_timeout_seconds,
        )
    return EmbeddedBackend(settings.search_index_path)


def build_fallback(settings: Settings) -> SearchBackend | None:
    """The embedded backend as a fallback, when configured for Meilisearch with fallback on."""
    if settings.search_backend == "meilisearch" and settings.search_fallback:
        return EmbeddedBackend(settings.search_index_path)
    return None


def prepare_text(settings: Settings, snap: Snapshot | None = None) -> Synonyms:
    """Load synonyms and teach the segmenter our vocabulary (names, aliases, synonyms)."""
    synonyms = load_synonyms(settings.seed_dir)
    words = [w for word, terms in synonyms.pairs() for w in (word, *terms)]
    if snap is not None:
        for service in snap.ordered_services:
            words.extend((service.name, *service.aliases))
    teach_words(words)
    return synonyms


async def reindex(
    backend: SearchBackend, snap: Snapshot, providers: list[Document] | None = None
) -> None:
    """Rebuild the services index (and providers, when given) from the catalogue."""
    await backend.rebuild("services", service_documents(snap), snap.version)
    if providers is not None:
        await backend.rebuild("providers", providers, snap.version)


async def ensure_fresh(backend: SearchBackend, snap: Snapshot) -> bool:
    """Rebuild the services index if it was built from another catalogue version."""
    if await backend.indexed_version("services") == snap.version:
        return False
    log.info("search index is behind catalogue version %s; rebuilding", snap.version)
    await reindex(backend, snap)
    return True
