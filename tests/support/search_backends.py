"""One catalogue on either search backend: settings pointed at it, and both indexes rebuilt.

Shared by the search tests and ``bench.relevance``.
"""

from __future__ import annotations

import uuid

from app.bootstrap import prepare_search
from app.db import make_engine
from app.settings import Settings
from tests.support.meilisearch import MeiliServer


def backend_settings(base: Settings, backend: str, meili: MeiliServer | None) -> Settings:
    """``base`` pointed at one backend (a unique index prefix per call for Meilisearch)."""
    if backend == "embedded":
        return base
    assert meili is not None
    return base.model_copy(
        update={
            "search_backend": "meilisearch",
            "meili_url": meili.url,
            "meili_master_key": meili.key,
            "meili_index_prefix": f"t{uuid.uuid4().hex[:10]}",
        }
    )


def index_everything(settings: Settings) -> None:
    """Rebuild both indexes from the database (catalogue and the sample providers in it)."""
    engine = make_engine(settings)
    try:
        prepare_search(settings, engine, force=True)
    finally:
        engine.dispose()
