"""Seeded databases for the data-management tests (import, HSDS export, correction reports).

Each module builds one database per backend and shares it between its tests; tests that write
use their own ids and compare counts before and after, so their order does not matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.bootstrap import prepare_database, prepare_search
from app.db import make_engine
from app.settings import Settings
from tests.conftest import fresh_database_url, make_settings


@contextmanager
def seeded(
    request: pytest.FixtureRequest, tmp: Path, seed_dir: Path, **overrides: object
) -> Iterator[tuple[Settings, Engine]]:
    """A database of ``request.param``'s kind, migrated and seeded from ``seed_dir``."""
    kind = str(request.param)
    settings = make_settings(
        fresh_database_url(kind, request, tmp), tmp, seed_dir=seed_dir, **overrides
    )
    engine = make_engine(settings)
    prepare_database(settings, engine)
    prepare_search(settings, engine)
    try:
        yield settings, engine
    finally:
        engine.dispose()
