"""Build backends from settings and keep their indexes in step with the catalogue.

The database is the source of truth; indexes are derived. ``reindex`` rebuilds from a
catalogue snapshot and the provider tables (into a fresh index, then swapped), and
:func:`ensure_fresh` does so only when an index was built from an older ``catalog_version``.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from app.catalogue.snapshot import Snapshot
from app.providers.documents import provider_documents
from app.search.base import SearchBackend
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


async def reindex(backend: SearchBackend, snap: Snapshot, engine: Engine) -> None:
    """Rebuild both indexes: services from the snapshot, providers from the database."""
    await backend.rebuild("services", service_documents(snap), snap.version)
    await backend.rebuild("providers", provider_documents(engine, snap), snap.version)


async def ensure_fresh(backend: SearchBackend, snap: Snapshot, engine: Engine) -> bool:
    """Rebuild the indexes if either was built from another catalogue version."""
    versions = {await backend.indexed_version(name) for name in ("services", "providers")}
    if versions == {snap.version}:
        return False
    log.info("search index is behind catalogue version %s; rebuilding", snap.version)
    await reindex(backend, snap, engine)
    return True
