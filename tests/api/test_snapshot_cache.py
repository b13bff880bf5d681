"""The per-worker catalogue snapshot: one background version check at a time, new versions
picked up.

Under load every request asks for the snapshot. When the check interval has passed, the first
request starts a re-read of ``catalog_version`` in a worker thread and, like every request
meanwhile, gets the current snapshot at once: no request waits on the thread, and requests
do not each queue their own read behind the lock (that queue was a 100–700 ms latency tail in
``bench.eligibility``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.bootstrap import prepare_database
from app.catalogue.snapshot import Snapshot, SnapshotCache, bump_version
from app.db import make_engine
from app.settings import Settings
from tests.conftest import DB_KINDS, fresh_database_url, make_settings

INTERVAL = 0.05  # seconds; the tests wait past it, they never time anything


@pytest.fixture(scope="module", params=DB_KINDS)
def seeded_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A private seeded database per backend (these tests write a new catalogue version)."""
    tmp: Path = tmp_path_factory.mktemp(f"snapshot-cache-{request.param}")
    settings: Settings = make_settings(fresh_database_url(request.param, request, tmp), tmp)
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


async def _until_version_changes(cache: SnapshotCache, old: str) -> Snapshot:
    """Ask as requests would until the background check has loaded a new version."""
    for _ in range(500):
        snapshot = await cache.get()
        if snapshot.version != old:
            return snapshot
        await asyncio.sleep(0.01)
    raise AssertionError("the new catalogue version was never picked up")


def test_concurrent_requests_share_one_version_check(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SnapshotCache(seeded_engine, INTERVAL)
    first = cache.refresh()
    calls = _counting(cache, monkeypatch)

    async def burst() -> list[Snapshot]:
        await _due(cache)
        snapshots = await asyncio.gather(*(cache.get() for _ in range(20)))
        await asyncio.sleep(INTERVAL / 2)  # the one check finishes in its thread
        return snapshots

    snapshots = asyncio.run(burst())
    assert len(calls) == 1
    assert all(s is first for s in snapshots)  # nobody waited for the check


def test_a_new_catalogue_version_is_picked_up_after_the_interval(seeded_engine: Engine) -> None:
    cache = SnapshotCache(seeded_engine, INTERVAL)
    before = cache.refresh()
    with Session(seeded_engine) as session:
        bump_version(session)
        session.commit()

    async def picked_up() -> tuple[Snapshot, Snapshot, Snapshot]:
        await _due(cache)
        triggering = await cache.get()  # starts the check, answers with what it has
        new = await _until_version_changes(cache, before.version)
        return triggering, new, await cache.get()

    triggering, new, following = asyncio.run(picked_up())
    assert triggering is before
    assert new.version != before.version
    assert following is new


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


def test_a_failed_background_check_is_logged_and_the_snapshot_kept(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache = SnapshotCache(seeded_engine, INTERVAL)
    before = cache.refresh()

    def unreachable() -> Snapshot:
        raise OperationalError("SELECT value FROM dataset_meta", {}, ConnectionError("down"))

    monkeypatch.setattr(cache, "refresh", unreachable)

    async def during_outage() -> Snapshot:
        await _due(cache)
        snapshot = await cache.get()
        for _ in range(500):  # wait (bounded) for the check to fail in its thread
            if "catalogue version check failed" in caplog.text:
                break
            await asyncio.sleep(0.01)
        return snapshot

    with caplog.at_level(logging.ERROR, logger="app.catalogue.snapshot"):
        assert asyncio.run(during_outage()) is before
    assert "catalogue version check failed" in caplog.text
