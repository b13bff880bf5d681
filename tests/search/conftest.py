"""Search fixtures: a real Meilisearch, and API clients over the same catalogue per backend.

Every search test that takes ``search_client`` runs twice: on the embedded backend and on a
real Meilisearch server started for the session (see tests/support/meilisearch.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.bootstrap import prepare_database
from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import make_settings
from tests.support.meilisearch import MeiliServer, start_meilisearch
from tests.support.search_backends import backend_settings, index_everything

BACKENDS = ["embedded", "meilisearch"]
CONTRACT_PROVIDERS = 600


@pytest.fixture(scope="session")
def meili_server() -> Iterator[MeiliServer]:
    server = start_meilisearch()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def search_base_settings(
    tmp_path_factory: pytest.TempPathFactory, overlay_seed_dir: Path
) -> Settings:
    """A SQLite catalogue with the overlay seed (it has a county-only service), migrated."""
    tmp = tmp_path_factory.mktemp("search-db")
    settings = make_settings(f"sqlite:///{tmp / 'qianfu.db'}", tmp, seed_dir=overlay_seed_dir)
    settings = settings.model_copy(update={"demo": True, "demo_providers": CONTRACT_PROVIDERS})
    engine = make_engine(settings)
    prepare_database(settings, engine)
    engine.dispose()
    return settings


@pytest.fixture(scope="session", params=BACKENDS)
def search_settings(request: pytest.FixtureRequest, search_base_settings: Settings) -> Settings:
    meili = request.getfixturevalue("meili_server") if request.param == "meilisearch" else None
    settings = backend_settings(search_base_settings, request.param, meili)
    index_everything(settings)
    return settings


@pytest.fixture(scope="session")
def search_client(search_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(search_settings)) as client:
        yield client
