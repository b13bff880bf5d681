"""An index built with other settings is stale: an upgrade that changes ranking rebuilds it.

Runs on a real Meilisearch. The live index's meta document carries a digest of the settings
it was built with; the backend reads an index with another digest as behind the catalogue,
so start-up (``ensure_fresh``) rebuilds it, as it does after a catalogue change.
"""

from __future__ import annotations

import asyncio

import pytest

from app.bootstrap import prepare_search
from app.db import make_engine
from app.search import meili
from app.search.indexing import build_backend, prepare_text
from app.settings import Settings
from tests.support.meilisearch import MeiliServer
from tests.support.search_backends import backend_settings, index_everything


def _indexed(settings: Settings) -> set[str | None]:
    backend = build_backend(settings, prepare_text(settings))

    async def versions() -> set[str | None]:
        try:
            return {await backend.indexed_version(i) for i in ("services", "providers")}
        finally:
            await backend.aclose()

    return asyncio.run(versions())


def test_new_ranking_rules_make_the_index_stale_and_start_up_rebuilds_it(
    search_base_settings: Settings, meili_server: MeiliServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = backend_settings(search_base_settings, "meilisearch", meili_server)
    index_everything(settings)
    built = _indexed(settings)
    assert len(built) == 1
    assert None not in built, "fresh after a build"
    monkeypatch.setitem(meili.MATCH_ORDER, "services", ("proximity", "attribute"))
    assert _indexed(settings) == {None, *built}, "services stale, providers still fresh"
    engine = make_engine(settings)
    try:
        assert prepare_search(settings, engine) is True, "start-up rebuilt the indexes"
    finally:
        engine.dispose()
    assert _indexed(settings) == built
