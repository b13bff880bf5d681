"""The per-worker catalogue snapshot: one version check at a time, new versions picked up.

Under load every request asks for the snapshot. When the check interval has passed, the first
request re-reads ``catalog_version`` in a worker thread; requests arriving meanwhile must keep
the current snapshot rather than each queue their own read behind the lock (that queue was a
100–700 ms latency tail in ``bench.eligibility``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.bootstrap import prepare_database
from app.catalogue.snapshot import Snapshot, SnapshotCache, bump_version
from app.db import make_engine
from app.settings import Settings
from tests.conftest import make_settings

INTERVAL = 0.05  # seconds; the tests wait past it, they never time anything


@pytest.fixture(scope="module")
def seeded_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A private seeded SQLite database (these tests write a new catalogue version)."""
    tmp: Path = tmp_path_factory.mktemp("snapshot-cache")
    settings: Settings = make_settings(f"sqlite:///{tmp / 'qianfu.db'}", tmp)
    engine = make_engine(settings)
    prepare_database(settings, engine)
    yield engine
    engine.dispose()


def _counting(cache: SnapshotCache, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = cache.refresh

    def refresh() -> Snapshot:
        calls.append(1)
        return original()

    monkeypatch.setattr(cache, "refresh", refresh)
    return calls


async def _due(cache: SnapshotCache) -> None:
    await asyncio.sleep(INTERVAL * 2)


def test_concurrent_requests_share_one_version_check(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SnapshotCache(seeded_engine, INTERVAL)
    first = cache.refresh()
    calls = _counting(cache, monkeypatch)

    async def burst() -> list[Snapshot]:
        await _due(cache)
        return await asyncio.gather(*(cache.get() for _ in range(20)))

    snapshots = asyncio.run(burst())
    assert len(calls) == 1
    assert {s.version for s in snapshots} == {first.version}


def test_a_new_catalogue_version_is_picked_up_after_the_interval(seeded_engine: Engine) -> None:
    cache = SnapshotCache(seeded_engine, INTERVAL)
    before = cache.refresh()
    with Session(seeded_engine) as session:
        bump_version(session)
        session.commit()

    async def next_two() -> tuple[Snapshot, Snapshot]:
        await _due(cache)
        checked = await cache.get()  # the request that runs the check sees the new version
        return checked, await cache.get()

    checked, following = asyncio.run(next_two())
    assert checked.version != before.version
    assert following is checked


def test_without_an_interval_every_request_reads_the_version(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SnapshotCache(seeded_engine, 0)
    cache.refresh()
    calls = _counting(cache, monkeypatch)

    async def three() -> None:
        for _ in range(3):
            await cache.get()

    asyncio.run(three())
    assert len(calls) == 3
