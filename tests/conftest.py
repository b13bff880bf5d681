"""Shared fixtures: settings, real databases (SQLite and a throwaway PostgreSQL), apps, clients.

Catalogue reads run against a database seeded once per backend per session; tests that write
get a fresh empty database of their own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.bootstrap import prepare_database, prepare_search
from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from tests.support.postgres import PostgresServer, start_postgres

REPO = Path(__file__).resolve().parents[1]
SEED_DIR = REPO / "seed"
OVERLAY_SERVICE = Path(__file__).resolve().parent / "fixtures" / "qianfu-test-overlay.yaml"
OVERLAY_SOURCES = Path(__file__).resolve().parent / "fixtures" / "overlay-sources.yaml"
COUNTY_SERVICE = Path(__file__).resolve().parent / "fixtures" / "qianfu-test-county-only.yaml"
DB_KINDS = ["sqlite", "postgresql"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs on PostgreSQL, so ``-m "not postgres"`` can leave them out."""
    for item in items:
        if "postgresql" in item.name:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: explicit database, temporary data dir, the repository's seed."""
    values: dict[str, object] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "seed_dir": SEED_DIR,
        "environment": "test",
        "catalogue_check_seconds": 0,
        **overrides,
    }
    return Settings(**values)


def fresh_database_url(kind: str, request: pytest.FixtureRequest, tmp: Path) -> str:
    """An empty database of ``kind`` for one test (or one session)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'qianfu.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture(params=DB_KINDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    """A fresh empty database per test, on each backend."""
    settings = make_settings(fresh_database_url(request.param, request, tmp_path), tmp_path)
    engine = make_engine(settings)
    yield settings, engine
    engine.dispose()


@pytest.fixture(scope="session", params=DB_KINDS)
def seeded_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Settings of a database migrated and seeded with the shipped seed, once per backend."""
    tmp = tmp_path_factory.mktemp(f"seeded-{request.param}")
    settings = make_settings(fresh_database_url(request.param, request, tmp), tmp)
    engine = make_engine(settings)
    prepare_database(settings, engine)
    prepare_search(settings, engine)
    engine.dispose()
    return settings


@pytest.fixture(scope="session")
def client(seeded_settings: Settings) -> Iterator[TestClient]:
    """A client of an app over the seeded database (read-only use)."""
    with TestClient(create_app(seeded_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def overlay_seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped seed plus one test-only service with national/province/city/county values."""
    root = tmp_path_factory.mktemp("overlay") / "seed"
    shutil.copytree(SEED_DIR, root)
    shutil.copy(OVERLAY_SERVICE, root / "services" / "vulnerable" / OVERLAY_SERVICE.name)
    shutil.copy(OVERLAY_SOURCES, root / "sources" / OVERLAY_SOURCES.name)
    shutil.copy(COUNTY_SERVICE, root / "services" / "elderly" / COUNTY_SERVICE.name)
    return root


@pytest.fixture(scope="session", params=DB_KINDS)
def overlay_client(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    overlay_seed_dir: Path,
) -> Iterator[TestClient]:
    """A client over a database seeded with :func:`overlay_seed_dir`, on each backend."""
    tmp = tmp_path_factory.mktemp(f"overlay-{request.param}")
    settings = make_settings(
        fresh_database_url(request.param, request, tmp), tmp, seed_dir=overlay_seed_dir
    )
    engine = make_engine(settings)
    prepare_database(settings, engine)
    prepare_search(settings, engine)
    engine.dispose()
    with TestClient(create_app(settings)) as test_client:
        yield test_client
